package prismsim

import (
	"encoding/json"
	"fmt"
	"net"
)

// subnetSpecView is what the emulator interprets of a subnet spec; the rest is kept as sent.
type subnetSpecView struct {
	Name             string   `json:"name"`
	ClusterReference *refView `json:"cluster_reference"`
	Resources        *struct {
		SubnetType   string   `json:"subnet_type"`
		VLANID       *int64   `json:"vlan_id"`
		IsExternal   bool     `json:"is_external"`
		VPCReference *refView `json:"vpc_reference"`
		IPConfig     *struct {
			SubnetIP         string `json:"subnet_ip"`
			PrefixLength     *int64 `json:"prefix_length"`
			DefaultGatewayIP string `json:"default_gateway_ip"`
		} `json:"ip_config"`
	} `json:"resources"`
}

var subnetKind = &kindSpec{
	name:    "subnet",
	plural:  "subnets",
	opName:  "Subnet",
	prepare: prepareSubnet,
	status:  subnetStatus,
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
				attrs["vpc_uuid"] = []string{r.VPCReference.UUID}
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
	registerKind(subnetKind, opGet, opList)
}

// prepareSubnet checks a subnet intent: a VLAN subnet needs a VLAN id and an AOS cluster,
// and its ip_config must be a consistent IPv4 network.
func prepareSubnet(pc *PC, _ *entity, in *snapshot) *apiError {
	var spec subnetSpecView
	if err := decodeStrictTypes(in.spec, &spec); err != nil {
		return validationError("spec: %v", err)
	}
	if spec.Name == "" || len(spec.Name) > 256 {
		return validationError("spec.name must be 1-256 characters")
	}
	r := spec.Resources
	if r == nil {
		return validationError("spec.resources is required")
	}
	switch r.SubnetType {
	case "VLAN":
		if r.VLANID == nil || *r.VLANID < 0 || *r.VLANID > 4094 {
			return validationError("spec.resources.vlan_id must be 0-4094 for a VLAN subnet")
		}
		if _, apiErr := pc.aosClusterLocked("spec.cluster_reference", spec.ClusterReference); apiErr != nil {
			return apiErr
		}
	case "OVERLAY":
		if r.VPCReference == nil || r.VPCReference.UUID == "" {
			return validationError("spec.resources.vpc_reference is required for an OVERLAY subnet")
		}
	default:
		return validationError("spec.resources.subnet_type must be VLAN or OVERLAY, got %q", r.SubnetType)
	}
	if ipc := r.IPConfig; ipc != nil {
		ip := net.ParseIP(ipc.SubnetIP).To4()
		if ip == nil {
			return validationError("spec.resources.ip_config.subnet_ip %q is not an IPv4 address", ipc.SubnetIP)
		}
		if ipc.PrefixLength == nil || *ipc.PrefixLength < 1 || *ipc.PrefixLength > 32 {
			return validationError("spec.resources.ip_config.prefix_length must be 1-32")
		}
		network := &net.IPNet{IP: ip, Mask: net.CIDRMask(int(*ipc.PrefixLength), 32)}
		if !ip.Equal(ip.Mask(network.Mask)) {
			return validationError("spec.resources.ip_config.subnet_ip %s has host bits set for /%d", ipc.SubnetIP, *ipc.PrefixLength)
		}
		if ipc.DefaultGatewayIP != "" {
			if gw := net.ParseIP(ipc.DefaultGatewayIP); gw == nil || !network.Contains(gw) {
				return validationError("spec.resources.ip_config.default_gateway_ip %q is not inside %s/%d",
					ipc.DefaultGatewayIP, ipc.SubnetIP, *ipc.PrefixLength)
			}
		}
	}
	in.name = spec.Name
	return nil
}

// subnetStatus renders the spec's subnet_def_status: the spec's resources as they are now.
func subnetStatus(pc *PC, e *entity) map[string]any {
	spec := decodeObject(e.current().spec)
	status := map[string]any{"name": e.current().name, "resources": map[string]any{}}
	if res, ok := spec["resources"].(map[string]any); ok {
		status["resources"] = res
	}
	var view subnetSpecView
	_ = json.Unmarshal(e.current().spec, &view)
	if view.ClusterReference != nil {
		if c := pc.entityLocked(clusterKind, normUUID(view.ClusterReference.UUID)); c != nil {
			status["cluster_reference"] = clusterRef(c)
		}
	}
	return status
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
