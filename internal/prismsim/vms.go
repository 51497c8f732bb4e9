package prismsim

import (
	"encoding/json"
	"fmt"
	"net"
)

// vmSpecView is what the emulator interprets of a VM spec; every other field is kept as sent.
type vmSpecView struct {
	Name             string           `json:"name"`
	ClusterReference *refView         `json:"cluster_reference"`
	Resources        *vmResourcesView `json:"resources"`
}

type vmResourcesView struct {
	NumSockets        *int64      `json:"num_sockets"`
	NumVcpusPerSocket *int64      `json:"num_vcpus_per_socket"`
	NumThreadsPerCore *int64      `json:"num_threads_per_core"`
	MemorySizeMib     *int64      `json:"memory_size_mib"`
	PowerState        string      `json:"power_state"`
	NicList           []vmNicView `json:"nic_list"`
}

type vmNicView struct {
	UUID            string   `json:"uuid"`
	MacAddress      string   `json:"mac_address"`
	NicType         string   `json:"nic_type"`
	IsConnected     *bool    `json:"is_connected"`
	SubnetReference *refView `json:"subnet_reference"`
	IPEndpointList  []struct {
		IP   string `json:"ip"`
		Type string `json:"type"`
	} `json:"ip_endpoint_list"`
}

// vmStatusFields are the spec resources copied as they are into the status.
var vmStatusFields = []string{"num_sockets", "num_vcpus_per_socket", "num_threads_per_core", "memory_size_mib",
	"machine_type", "hardware_clock_timezone", "is_agent_vm", "vga_console_enabled"}

var vmKind = &kindSpec{
	name:   "vm",
	plural: "vms",
	opName: "Vm",
	status: vmStatus,
	attrs:  vmAttrs,
	known: []string{"vm_name", "name", "power_state", "cluster_name", "cluster_uuid", "ip_address", "ip_addresses",
		"subnet_uuid", "subnet_name"},
}

func init() {
	// Set here rather than in the literal: prepareVM looks VMs up through vmKind.
	vmKind.prepare = prepareVM
	registerKind(vmKind)
}

func decodeVMSpec(raw []byte) vmSpecView {
	var spec vmSpecView
	_ = json.Unmarshal(raw, &spec)
	if spec.Resources == nil {
		spec.Resources = &vmResourcesView{}
	}
	return spec
}

// prepareVM checks a VM intent: its cluster must be an AOS cluster of this PC, its NICs must
// be on subnets of that cluster with free addresses inside them. New NICs get a UUID and a
// MAC address, as AHV assigns them.
func prepareVM(pc *PC, old *entity, in *snapshot) *modelError {
	var spec vmSpecView
	if err := decodeStrictTypes(in.spec, &spec); err != nil {
		return malformed("spec: %v", err)
	}
	if spec.Name == "" || len(spec.Name) > 256 {
		return malformed("spec.name must be 1-256 characters")
	}
	r := spec.Resources
	if r == nil {
		return malformed("spec.resources is required")
	}
	for field, v := range map[string]*int64{
		"num_sockets": r.NumSockets, "num_vcpus_per_socket": r.NumVcpusPerSocket,
		"num_threads_per_core": r.NumThreadsPerCore, "memory_size_mib": r.MemorySizeMib,
	} {
		if v != nil && *v < 1 {
			return malformed("spec.resources.%s must be at least 1, got %d", field, *v)
		}
	}
	switch r.PowerState {
	case "", "ON", "OFF":
	default:
		return malformed("spec.resources.power_state must be ON or OFF, got %q", r.PowerState)
	}
	var clusterUUID string
	switch {
	case spec.ClusterReference != nil:
		c, apiErr := pc.aosClusterLocked("spec.cluster_reference", spec.ClusterReference)
		if apiErr != nil {
			return apiErr
		}
		clusterUUID = c.uuid
		if old != nil {
			if was := decodeVMSpec(old.current().spec).ClusterReference; was != nil && normUUID(was.UUID) != clusterUUID {
				return invalid("spec.cluster_reference: a VM cannot be moved to another cluster by an update")
			}
		}
	case old == nil:
		return malformed("spec.cluster_reference is required")
	default:
		// An update without cluster_reference leaves the VM where it is, and says so.
		if was := decodeVMSpec(old.current().spec).ClusterReference; was != nil {
			clusterUUID = normUUID(was.UUID)
			if c := pc.entityLocked(clusterKind, clusterUUID); c != nil {
				in.spec = setField(in.spec, "cluster_reference", clusterRef(c))
			}
		}
	}
	self := ""
	if old != nil {
		self = old.uuid
	}
	for i, nic := range r.NicList {
		field := fmt.Sprintf("spec.resources.nic_list[%d]", i)
		if nic.SubnetReference == nil || nic.SubnetReference.UUID == "" {
			return malformed("%s.subnet_reference.uuid is required", field)
		}
		subnet := pc.entityLocked(subnetKind, normUUID(nic.SubnetReference.UUID))
		if subnet == nil {
			return invalid("%s: subnet %s does not exist on this Prism Central", field, nic.SubnetReference.UUID)
		}
		if apiErr := checkNICSubnetLocked(field, subnet, nic); apiErr != nil {
			return apiErr
		}
		if sc := subnetCluster(subnet); sc != "" && clusterUUID != "" && sc != clusterUUID {
			return invalid("%s: subnet %s belongs to another cluster than the VM", field, subnet.current().name)
		}
		network := subnetNetwork(subnet)
		for j, ep := range nic.IPEndpointList {
			ip := net.ParseIP(ep.IP).To4()
			if ip == nil {
				return malformed("%s.ip_endpoint_list[%d].ip %q is not an IPv4 address", field, j, ep.IP)
			}
			if network != nil && !network.Contains(ip) {
				return invalid("%s: address %s is outside subnet %s (%s)", field, ep.IP, subnet.current().name, network)
			}
			if other := pc.vmUsingIPLocked(subnet.uuid, ip.String(), self); other != nil {
				return invalid("%s: address %s on subnet %s is already used by vm %s",
					field, ep.IP, subnet.current().name, other.current().name)
			}
		}
	}
	in.name = spec.Name
	in.spec = assignNICIdentities(in.spec)
	return nil
}

// assignNICIdentities gives a UUID and a MAC address to the NICs that have none.
func assignNICIdentities(raw json.RawMessage) json.RawMessage {
	spec := decodeObject(raw)
	res, _ := spec["resources"].(map[string]any)
	nics, _ := res["nic_list"].([]any)
	changed := false
	for _, n := range nics {
		nic, ok := n.(map[string]any)
		if !ok {
			continue
		}
		if s, _ := nic["uuid"].(string); s == "" {
			nic["uuid"] = newUUID()
			changed = true
		}
		if s, _ := nic["mac_address"].(string); s == "" {
			nic["mac_address"] = newMAC()
			changed = true
		}
	}
	if !changed {
		return raw
	}
	out, err := json.Marshal(spec)
	if err != nil {
		return raw
	}
	return out
}

// vmUsingIPLocked returns another VM (not self) with ip on the subnet, in its intent or
// committed state.
func (pc *PC) vmUsingIPLocked(subnetUUID, ip, self string) *entity {
	for _, e := range pc.entitiesLocked(vmKind) {
		if e.uuid == self {
			continue
		}
		for _, s := range []*snapshot{e.intent, e.committed} {
			if s == nil {
				continue
			}
			for _, nic := range decodeVMSpec(s.spec).Resources.NicList {
				if nic.SubnetReference == nil || normUUID(nic.SubnetReference.UUID) != subnetUUID {
					continue
				}
				for _, ep := range nic.IPEndpointList {
					if ep.IP == ip {
						return e
					}
				}
			}
		}
	}
	return nil
}

// vmStatus renders the spec's vm_def_status from the committed spec.
func vmStatus(pc *PC, e *entity) map[string]any {
	cur := e.current()
	spec := decodeVMSpec(cur.spec)
	rawRes, _ := decodeObject(cur.spec)["resources"].(map[string]any)
	res := map[string]any{}
	for _, f := range vmStatusFields {
		if v, ok := rawRes[f]; ok {
			res[f] = v
		}
	}
	power := spec.Resources.PowerState
	if power == "" {
		power = "ON"
	}
	res["power_state"] = power
	res["hypervisor_type"] = "AHV"
	res["protection_type"] = "UNPROTECTED"
	if pc.ruleProtectingLocked(e) != nil {
		res["protection_type"] = "RULE_PROTECTED"
	}
	nics := []any{}
	for _, nic := range spec.Resources.NicList {
		connected := true
		if nic.IsConnected != nil {
			connected = *nic.IsConnected
		}
		nicType := nic.NicType
		if nicType == "" {
			nicType = "NORMAL_NIC"
		}
		out := map[string]any{"nic_type": nicType, "is_connected": connected, "vlan_mode": "ACCESS"}
		if nic.UUID != "" {
			out["uuid"] = nic.UUID
		}
		if nic.MacAddress != "" {
			out["mac_address"] = nic.MacAddress
		}
		if nic.SubnetReference != nil {
			ref := map[string]any{"kind": "subnet", "uuid": normUUID(nic.SubnetReference.UUID)}
			if s := pc.entityLocked(subnetKind, normUUID(nic.SubnetReference.UUID)); s != nil {
				ref["name"] = s.current().name
			}
			out["subnet_reference"] = ref
		}
		eps := []any{}
		for _, ep := range nic.IPEndpointList {
			typ := ep.Type
			if typ == "" {
				typ = "ASSIGNED"
			}
			eps = append(eps, map[string]any{"ip": ep.IP, "type": typ})
		}
		out["ip_endpoint_list"] = eps
		nics = append(nics, out)
	}
	res["nic_list"] = nics
	status := map[string]any{"name": cur.name, "resources": res}
	if spec.ClusterReference != nil {
		if c := pc.entityLocked(clusterKind, normUUID(spec.ClusterReference.UUID)); c != nil {
			status["cluster_reference"] = clusterRef(c)
		}
	}
	return status
}

func vmAttrs(pc *PC, e *entity) map[string][]string {
	cur := e.current()
	spec := decodeVMSpec(cur.spec)
	power := spec.Resources.PowerState
	if power == "" {
		power = "ON"
	}
	attrs := map[string][]string{
		"vm_name":     {cur.name},
		"name":        {cur.name},
		"power_state": {power},
	}
	if spec.ClusterReference != nil {
		id := normUUID(spec.ClusterReference.UUID)
		attrs["cluster_uuid"] = []string{id}
		if c := pc.entityLocked(clusterKind, id); c != nil {
			attrs["cluster_name"] = []string{c.current().name}
		}
	}
	for _, nic := range spec.Resources.NicList {
		if nic.SubnetReference != nil {
			id := normUUID(nic.SubnetReference.UUID)
			attrs["subnet_uuid"] = append(attrs["subnet_uuid"], id)
			if s := pc.entityLocked(subnetKind, id); s != nil {
				attrs["subnet_name"] = append(attrs["subnet_name"], s.current().name)
			}
		}
		for _, ep := range nic.IPEndpointList {
			attrs["ip_address"] = append(attrs["ip_address"], ep.IP)
		}
	}
	attrs["ip_addresses"] = attrs["ip_address"]
	return attrs
}

func (pc *PC) seedVMsLocked(vms []VMConfig) error {
	for _, vm := range vms {
		cluster, err := pc.mustClusterByName(vm.Cluster)
		if err != nil {
			return fmt.Errorf("vm %s: %w", vm.Name, err)
		}
		vcpus, mem, power := vm.VCPUs, vm.MemoryMiB, vm.PowerState
		if vcpus == 0 {
			vcpus = defaultVCPUs
		}
		if mem == 0 {
			mem = defaultMemoryMiB
		}
		if power == "" {
			power = "ON"
		}
		nics := []any{}
		if vm.Subnet != "" {
			subnet := pc.subnetOnClusterLocked(cluster.uuid, vm.Subnet)
			if subnet == nil {
				return fmt.Errorf("vm %s: no subnet %q on cluster %s", vm.Name, vm.Subnet, cluster.current().name)
			}
			eps := []any{}
			if vm.IP != "" {
				eps = append(eps, map[string]any{"ip": vm.IP, "type": "ASSIGNED"})
			}
			nics = append(nics, map[string]any{
				"nic_type":         "NORMAL_NIC",
				"is_connected":     true,
				"subnet_reference": map[string]any{"kind": "subnet", "uuid": subnet.uuid, "name": subnet.current().name},
				"ip_endpoint_list": eps,
			})
		}
		spec := map[string]any{
			"name":              vm.Name,
			"cluster_reference": clusterRef(cluster),
			"resources": map[string]any{
				"num_sockets":          vcpus,
				"num_vcpus_per_socket": 1,
				"num_threads_per_core": 1,
				"memory_size_mib":      mem,
				"power_state":          power,
				"machine_type":         "PC",
				"nic_list":             nics,
			},
		}
		cats := map[string][]string{}
		for k, v := range vm.Categories {
			cats[k] = []string{v}
		}
		if apiErr := pc.checkCategoriesLocked(cats); apiErr != nil {
			return fmt.Errorf("vm %s: %s", vm.Name, apiErr.Message)
		}
		if err := pc.seedEntityLocked(vmKind, vm.UUID, spec, cats, nil); err != nil {
			return err
		}
	}
	return nil
}
