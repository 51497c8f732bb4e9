package prismsim

import (
	"encoding/json"
	"fmt"
	"net"
)

// subnetSpecView is what the emulator interprets of a subnet spec; the rest is kept as sent.
type subnetSpecView struct {
	Name             string               `json:"name"`
	Description      *string              `json:"description"`
	ClusterReference *refView             `json:"cluster_reference"`
	Resources        *subnetResourcesView `json:"resources"`
}

// subnetResourcesView is the part of the spec's subnet_resources the emulator interprets.
type subnetResourcesView struct {
	SubnetType   string        `json:"subnet_type"`
	VLANID       *int64        `json:"vlan_id"`
	IsExternal   bool          `json:"is_external"`
	EnableNAT    *bool         `json:"enable_nat"`
	VPCReference *refView      `json:"vpc_reference"`
	IPConfig     *ipConfigView `json:"ip_config"`
}

// ipConfigView is the spec's ip_config.
type ipConfigView struct {
	SubnetIP         string `json:"subnet_ip"`
	PrefixLength     *int64 `json:"prefix_length"`
	DefaultGatewayIP string `json:"default_gateway_ip"`
	PoolList         []struct {
		Range string `json:"range"`
	} `json:"pool_list"`
	DHCPOptions *struct {
		DomainNameServerList []string `json:"domain_name_server_list"`
		DomainSearchList     []string `json:"domain_search_list"`
	} `json:"dhcp_options"`
}

var subnetKind = &kindSpec{
	name:   "subnet",
	plural: "subnets",
	opName: "Subnet",
	attrs: func(pc *PC, e *entity) map[string][]string {
		var spec subnetSpecView
		_ = json.Unmarshal(e.current().spec, &spec)
		attrs := map[string][]string{"name": {spec.Name}, "subnet_name": {spec.Name}}
		if r := spec.Resources; r != nil {
			attrs["subnet_type"] = []string{r.SubnetType}
			attrs["is_external"] = []string{fmt.Sprint(r.IsExternal)}
			if r.VLANID != nil {
				attrs["vlan_id"] = []string{fmt.Sprint(*r.VLANID)}
			}
			if r.VPCReference != nil {
				attrs["vpc_uuid"] = []string{normUUID(r.VPCReference.UUID)}
			}
		}
		if spec.ClusterReference != nil {
			attrs["cluster_uuid"] = []string{spec.ClusterReference.UUID}
			if c := pc.entityLocked(clusterKind, normUUID(spec.ClusterReference.UUID)); c != nil {
				attrs["cluster_name"] = []string{c.current().name}
			}
		}
		return attrs
	},
	known: []string{"name", "subnet_name", "subnet_type", "vlan_id", "is_external", "vpc_uuid", "cluster_uuid", "cluster_name"},
}

func init() {
	// Set here rather than in the literal: the hooks look subnets up through subnetKind.
	subnetKind.prepare = prepareSubnet
	subnetKind.status = subnetStatus
	subnetKind.beforeDelete = beforeDeleteSubnet
	registerKind(subnetKind)
}

// subnetStatus renders the spec's subnet_def_status: the spec's resources as they are now,
// with the defaults Prism Central fills in (is_external false, enable_nat true on an
// external subnet), the VPC's name, and the IP usage of a subnet with an ip_config.
func subnetStatus(pc *PC, e *entity) map[string]any {
	cur := e.current()
	spec := decodeObject(cur.spec)
	res, ok := spec["resources"].(map[string]any)
	if !ok {
		res = map[string]any{}
	}
	status := map[string]any{"name": cur.name, "resources": res}
	if d, ok := spec["description"].(string); ok {
		status["description"] = d
	}
	view := decodeSubnetSpec(cur.spec)
	if _, ok := res["is_external"]; !ok {
		res["is_external"] = false
	}
	if view.Resources.IsExternal && view.Resources.EnableNAT == nil {
		res["enable_nat"] = true
	}
	if ref := view.Resources.VPCReference; ref != nil {
		out := map[string]any{"kind": "vpc", "uuid": normUUID(ref.UUID)}
		if v := pc.entityLocked(vpcKind, normUUID(ref.UUID)); v != nil {
			out["name"] = v.current().name
		}
		res["vpc_reference"] = out
	}
	if view.ClusterReference != nil {
		if c := pc.entityLocked(clusterKind, normUUID(view.ClusterReference.UUID)); c != nil {
			status["cluster_reference"] = clusterRef(c)
		}
	}
	if network := subnetNetwork(e); network != nil {
		res["ip_usage_stats"] = pc.subnetUsageLocked(e, view.Resources.IPConfig)
	}
	return status
}

// decodeSubnetSpec decodes a subnet spec; Resources is never nil.
func decodeSubnetSpec(raw []byte) subnetSpecView {
	var spec subnetSpecView
	_ = json.Unmarshal(raw, &spec)
	if spec.Resources == nil {
		spec.Resources = &subnetResourcesView{}
	}
	return spec
}

// subnetNetwork returns the IPv4 network of a subnet's ip_config, or nil.
func subnetNetwork(e *entity) *net.IPNet {
	var spec subnetSpecView
	if json.Unmarshal(e.current().spec, &spec) != nil || spec.Resources == nil || spec.Resources.IPConfig == nil {
		return nil
	}
	ipc := spec.Resources.IPConfig
	ip := net.ParseIP(ipc.SubnetIP).To4()
	if ip == nil || ipc.PrefixLength == nil {
		return nil
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(int(*ipc.PrefixLength), 32)}
}

// subnetCluster returns the UUID of a subnet's cluster, or "".
func subnetCluster(e *entity) string {
	var spec subnetSpecView
	if json.Unmarshal(e.current().spec, &spec) != nil || spec.ClusterReference == nil {
		return ""
	}
	return normUUID(spec.ClusterReference.UUID)
}

func (pc *PC) seedSubnetsLocked(subnets []SubnetConfig) error {
	for _, s := range subnets {
		cluster, err := pc.mustClusterByName(s.Cluster)
		if err != nil {
			return fmt.Errorf("subnet %s: %w", s.Name, err)
		}
		_, network, _ := net.ParseCIDR(s.CIDR)
		prefix, _ := network.Mask.Size()
		ipConfig := map[string]any{
			"subnet_ip":          network.IP.String(),
			"prefix_length":      prefix,
			"default_gateway_ip": s.Gateway,
		}
		if len(s.DHCPPool) > 0 {
			var pools []map[string]any
			for _, r := range s.DHCPPool {
				first, last, _ := parseRange(r)
				pools = append(pools, map[string]any{"range": first.String() + " " + last.String()})
			}
			ipConfig["pool_list"] = pools
		}
		spec := map[string]any{
			"name":              s.Name,
			"cluster_reference": clusterRef(cluster),
			"resources": map[string]any{
				"subnet_type":  "VLAN",
				"vlan_id":      s.VLANID,
				"vswitch_name": "br0",
				"is_external":  false,
				"ip_config":    ipConfig,
			},
		}
		if err := pc.seedEntityLocked(subnetKind, s.UUID, spec, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// subnetOnClusterLocked returns the subnet with that name on the cluster, or nil. Subnet
// names are unique per cluster, not per PC.
func (pc *PC) subnetOnClusterLocked(clusterUUID, name string) *entity {
	for _, e := range pc.entitiesLocked(subnetKind) {
		if e.current().name == name && subnetCluster(e) == clusterUUID {
			return e
		}
	}
	return nil
}
