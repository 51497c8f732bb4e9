package prismsim

import (
	"fmt"
	"sort"
	"strings"
)

// presets maps a preset name to a function building a fresh copy of its configuration.
var presets = map[string]func() WorldConfig{
	"leap-two-sites": leapTwoSites,
}

// Preset returns the configuration of a named world. Every call returns a fresh copy that the
// caller may change (ports, settings) before NewWorld.
func Preset(name string) (WorldConfig, error) {
	build, ok := presets[name]
	if !ok {
		return WorldConfig{}, fmt.Errorf("unknown preset %q (known: %s)", name, strings.Join(PresetNames(), ", "))
	}
	return build(), nil
}

// PresetNames lists the known presets, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for name := range presets {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// leapTwoSites is the topology of the Leap field guide: Canada with three VMs on VLAN 50,
// France with the same networks and no VMs.
func leapTwoSites() WorldConfig {
	subnets := func(cluster string) []SubnetConfig {
		return []SubnetConfig{
			{Name: "vlan50-prod", Cluster: cluster, VLANID: 50, CIDR: "192.168.50.0/24", Gateway: "192.168.50.1"},
			{Name: "vlan51-test", Cluster: cluster, VLANID: 51, CIDR: "192.168.51.0/25", Gateway: "192.168.51.1"},
		}
	}
	vm := func(name, ip string) VMConfig {
		return VMConfig{Name: name, Cluster: "CA01", Subnet: "vlan50-prod", IP: ip, PowerState: "ON"}
	}
	return WorldConfig{
		PCs: []PCConfig{
			{
				Name:         "canada",
				AdvertisedIP: "192.168.10.10",
				Clusters:     []ClusterConfig{{Name: "CA01"}},
				Subnets:      subnets("CA01"),
				VMs: []VMConfig{
					vm("app-01", "192.168.50.10"),
					vm("db-01", "192.168.50.11"),
					vm("dns-01", "192.168.50.2"),
				},
			},
			{
				Name:         "france",
				AdvertisedIP: "192.168.0.10",
				Clusters:     []ClusterConfig{{Name: "FR01"}},
				Subnets:      subnets("FR01"),
			},
		},
	}
}
