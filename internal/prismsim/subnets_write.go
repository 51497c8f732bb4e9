package prismsim

import (
	"encoding/binary"
	"fmt"
	"net"
	"sort"
	"strings"
)

// Subnet writes: POST /subnets, PUT and DELETE /subnets/{uuid} are the generic intentful
// operations (tasks, client-chosen uuid, spec_version checks); this file holds the rules
// Prism Central applies to a subnet intent and to its deletion.
//
// Rules (422 at once, before a task exists, unless said otherwise):
//   - VLAN: vlan_id 0-4095 and an AOS cluster of this PC in cluster_reference; no
//     vpc_reference; enable_nat false only with is_external true; an external subnet
//     needs an ip_config with a gateway.
//   - OVERLAY: vpc_reference naming an existing VPC, an ip_config with a gateway; no
//     vlan_id, cluster_reference, is_external or enable_nat; no overlap with the other
//     overlay subnets of the VPC; when the VPC has an external subnet without NAT, the
//     subnet lies inside one of the VPC's externally routable prefixes.
//   - ip_config: subnet_ip without host bits, prefix_length 1-32; the gateway inside the
//     network and neither its network nor its broadcast address; pools "first last"
//     inside the network, not overlapping each other nor holding the gateway; DHCP name
//     servers IPv4 addresses.
//   - Update: subnet_type, cluster_reference, vpc_reference, is_external and enable_nat
//     cannot change (create another subnet); a new ip_config must keep the addresses of
//     the VMs on the subnet inside it.
//   - Delete: refused with 409 ENTITY_DELETION_FAILED while anything uses the subnet
//     (pc.subnetUsers): VM NICs, VPCs (external subnets), route tables (next hops), and
//     the kinds that register themselves with registerSubnetUsers.

const (
	maxSubnetName        = 256
	maxDescription       = 1000
	maxVLANID            = 4095
	maxDHCPOptionEntries = 32
)

// subnetUserFinders are the hooks registerSubnetUsers adds.
var subnetUserFinders []func(pc *PC, subnetUUID string) []reference

// registerSubnetUsers adds a hook that names the entities of a kind that refer to a subnet
// (a recovery plan's network mapping, for example), so that the subnet cannot be deleted
// under them. Kinds call it from their init function; f runs with the PC's mutex held.
func registerSubnetUsers(f func(pc *PC, subnetUUID string) []reference) {
	subnetUserFinders = append(subnetUserFinders, f)
}

// subnetUsers returns the entities that refer to the subnet, in their accepted intent or
// their committed state: VMs with a NIC on it, VPCs using it as an external subnet, route
// tables with a route through it, and whatever registerSubnetUsers hooks report. The caller
// holds pc.mu.
func (pc *PC) subnetUsers(subnetUUID string) []reference {
	subnetUUID = normUUID(subnetUUID)
	var out []reference
	for _, e := range pc.entitiesLocked(vmKind) {
		if anySnapshot(e, func(s *snapshot) bool {
			for _, nic := range decodeVMSpec(s.spec).Resources.NicList {
				if nic.SubnetReference != nil && normUUID(nic.SubnetReference.UUID) == subnetUUID {
					return true
				}
			}
			return false
		}) {
			out = append(out, e.ref())
		}
	}
	for _, e := range pc.entitiesLocked(vpcKind) {
		if anySnapshot(e, func(s *snapshot) bool { return contains(vpcExternalSubnets(s), subnetUUID) }) {
			out = append(out, e.ref())
		}
	}
	for _, e := range pc.entitiesLocked(routeTableKind) {
		if anySnapshot(e, func(s *snapshot) bool { return contains(routeTableNextHopSubnets(s), subnetUUID) }) {
			ref := e.ref()
			if v := pc.entityLocked(vpcKind, e.uuid); v != nil {
				ref.Name = v.current().name
			}
			out = append(out, ref)
		}
	}
	for _, f := range subnetUserFinders {
		out = append(out, f(pc, subnetUUID)...)
	}
	return out
}

// anySnapshot reports whether f holds for e's intent or its committed snapshot.
func anySnapshot(e *entity, f func(*snapshot) bool) bool {
	if e.intent != nil && f(e.intent) {
		return true
	}
	return e.committed != nil && e.committed != e.intent && f(e.committed)
}

// describeRefs names references for messages: "vm app-01, vpc vpc-a".
func describeRefs(refs []reference) string {
	parts := make([]string, 0, len(refs))
	for _, r := range refs {
		name := r.Name
		if name == "" {
			name = r.UUID
		}
		parts = append(parts, r.Kind+" "+name)
	}
	return strings.Join(parts, ", ")
}

// beforeDeleteSubnet refuses to delete a subnet something still uses.
func beforeDeleteSubnet(pc *PC, e *entity) *modelError {
	users := pc.subnetUsers(e.uuid)
	if len(users) == 0 {
		return nil
	}
	uuids := make([]string, len(users))
	for i, u := range users {
		uuids[i] = u.UUID
	}
	return &modelError{
		Kind: errInUse, Code: reasonDeletionFailed,
		Message: fmt.Sprintf("subnet %s is in use by %s: detach it from them (or delete them) first",
			e.current().name, describeRefs(users)),
		Details: map[string]string{"used_by": strings.Join(uuids, ",")},
	}
}

// prepareSubnet checks a subnet intent (see the rules at the top of this file).
func prepareSubnet(pc *PC, old *entity, in *snapshot) *modelError {
	var spec subnetSpecView
	if err := decodeStrictTypes(in.spec, &spec); err != nil {
		return malformed("spec: %v", err)
	}
	if spec.Name == "" || len(spec.Name) > maxSubnetName {
		return malformed("spec.name must be 1-%d characters", maxSubnetName)
	}
	if spec.Description != nil && len(*spec.Description) > maxDescription {
		return malformed("spec.description must be at most %d characters", maxDescription)
	}
	r := spec.Resources
	if r == nil {
		return malformed("spec.resources is required")
	}
	network, apiErr := checkIPConfig(r.IPConfig)
	if apiErr != nil {
		return apiErr
	}
	hasGateway := network != nil && r.IPConfig.DefaultGatewayIP != ""
	switch r.SubnetType {
	case "VLAN":
		if r.VLANID == nil || *r.VLANID < 0 || *r.VLANID > maxVLANID {
			return malformed("spec.resources.vlan_id must be 0-%d for a VLAN subnet", maxVLANID)
		}
		if _, apiErr := pc.aosClusterLocked("spec.cluster_reference", spec.ClusterReference); apiErr != nil {
			return apiErr
		}
		if r.VPCReference != nil {
			return invalid("spec.resources.vpc_reference is only valid on an OVERLAY subnet")
		}
		if r.EnableNAT != nil && !*r.EnableNAT && !r.IsExternal {
			return invalid("spec.resources.enable_nat false is only valid on an external subnet (is_external true)")
		}
		if r.IsExternal && !hasGateway {
			return invalid("an external subnet needs spec.resources.ip_config with subnet_ip, prefix_length and default_gateway_ip")
		}
	case "OVERLAY":
		if apiErr := pc.checkOverlaySubnetLocked(old, &spec, network, hasGateway); apiErr != nil {
			return apiErr
		}
	default:
		return malformed("spec.resources.subnet_type must be VLAN or OVERLAY, got %q", r.SubnetType)
	}
	if old != nil {
		if apiErr := pc.checkSubnetChangeLocked(old, &spec, network); apiErr != nil {
			return apiErr
		}
	}
	in.name = spec.Name
	return nil
}

// checkOverlaySubnetLocked applies the rules of an OVERLAY subnet.
func (pc *PC) checkOverlaySubnetLocked(old *entity, spec *subnetSpecView, network *net.IPNet, hasGateway bool) *modelError {
	r := spec.Resources
	switch {
	case r.VLANID != nil:
		return invalid("spec.resources.vlan_id is only valid on a VLAN subnet")
	case spec.ClusterReference != nil:
		return invalid("spec.cluster_reference is only valid on a VLAN subnet: an OVERLAY subnet belongs to its VPC")
	case r.IsExternal:
		return invalid("an OVERLAY subnet cannot be external: external subnets are VLAN subnets")
	case r.EnableNAT != nil:
		return invalid("spec.resources.enable_nat is only valid on an external VLAN subnet")
	case r.VPCReference == nil || r.VPCReference.UUID == "":
		return malformed("spec.resources.vpc_reference is required for an OVERLAY subnet")
	case r.VPCReference.Kind != "" && r.VPCReference.Kind != "vpc":
		return malformed("spec.resources.vpc_reference.kind must be \"vpc\", got %q", r.VPCReference.Kind)
	case !hasGateway:
		return invalid("an OVERLAY subnet needs spec.resources.ip_config with subnet_ip, prefix_length and default_gateway_ip")
	}
	vpc := pc.entityLocked(vpcKind, normUUID(r.VPCReference.UUID))
	if vpc == nil {
		return invalid("spec.resources.vpc_reference: vpc %s does not exist on this Prism Central: create the VPC first",
			r.VPCReference.UUID)
	}
	if vpc.deleting {
		return invalid("spec.resources.vpc_reference: vpc %s is being deleted", vpc.current().name)
	}
	for _, other := range pc.overlaySubnetsLocked(vpc.uuid) {
		if old != nil && other.uuid == old.uuid {
			continue
		}
		if n := subnetNetworkOf(other.intent); n != nil && netsOverlap(n, network) {
			return invalid("spec.resources.ip_config: %s overlaps subnet %s (%s) of vpc %s",
				network, other.intent.name, n, vpc.intent.name)
		}
	}
	if pc.vpcHasNoNATLocked(vpc.intent) {
		prefixes := vpcPrefixes(vpc.intent)
		if !insideAny(network, prefixes) {
			return invalid("spec.resources.ip_config: %s is not inside an externally routable prefix of vpc %s (%s), "+
				"which uses an external subnet without NAT: add a prefix that holds it to the VPC first",
				network, vpc.intent.name, joinNets(prefixes))
		}
	}
	return nil
}

// checkSubnetChangeLocked refuses changes a subnet update cannot make.
func (pc *PC) checkSubnetChangeLocked(old *entity, spec *subnetSpecView, network *net.IPNet) *modelError {
	was := decodeSubnetSpec(old.intent.spec)
	r := spec.Resources
	immutable := func(field, from, to string) *modelError {
		if from == to {
			return nil
		}
		return invalid("%s cannot be changed (%s -> %s): create another subnet instead", field, orNone(from), orNone(to))
	}
	refUUID := func(ref *refView) string {
		if ref == nil {
			return ""
		}
		return normUUID(ref.UUID)
	}
	natOf := func(v *subnetResourcesView) string {
		if !v.IsExternal {
			return ""
		}
		return fmt.Sprint(v.EnableNAT == nil || *v.EnableNAT)
	}
	for _, check := range []*modelError{
		immutable("spec.resources.subnet_type", was.Resources.SubnetType, r.SubnetType),
		immutable("spec.cluster_reference", refUUID(was.ClusterReference), refUUID(spec.ClusterReference)),
		immutable("spec.resources.vpc_reference", refUUID(was.Resources.VPCReference), refUUID(r.VPCReference)),
		immutable("spec.resources.is_external", fmt.Sprint(was.Resources.IsExternal), fmt.Sprint(r.IsExternal)),
		immutable("spec.resources.enable_nat", natOf(was.Resources), natOf(r)),
	} {
		if check != nil {
			return check
		}
	}
	for _, use := range pc.subnetAddressesLocked(old.uuid) {
		if network == nil {
			return invalid("spec.resources.ip_config cannot be removed: vm %s has address %s on this subnet: move the VM first",
				use.vm.intent.name, use.ip)
		}
		if !network.Contains(net.ParseIP(use.ip)) {
			return invalid("spec.resources.ip_config: vm %s has address %s on this subnet, outside the new network %s: "+
				"move the VM first", use.vm.intent.name, use.ip, network)
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// checkIPConfig checks an ip_config and returns its network (nil without an ip_config).
func checkIPConfig(ipc *ipConfigView) (*net.IPNet, *modelError) {
	if ipc == nil {
		return nil, nil
	}
	const field = "spec.resources.ip_config"
	ip := net.ParseIP(ipc.SubnetIP).To4()
	if ip == nil {
		return nil, malformed("%s.subnet_ip %q is not an IPv4 address", field, ipc.SubnetIP)
	}
	if ipc.PrefixLength == nil || *ipc.PrefixLength < 1 || *ipc.PrefixLength > 32 {
		return nil, malformed("%s.prefix_length must be 1-32", field)
	}
	network := &net.IPNet{IP: ip, Mask: net.CIDRMask(int(*ipc.PrefixLength), 32)}
	if !ip.Equal(ip.Mask(network.Mask)) {
		return nil, malformed("%s.subnet_ip %s has host bits set for /%d (the network is %s)",
			field, ipc.SubnetIP, *ipc.PrefixLength, &net.IPNet{IP: ip.Mask(network.Mask), Mask: network.Mask})
	}
	var gw net.IP
	if ipc.DefaultGatewayIP != "" {
		gw = net.ParseIP(ipc.DefaultGatewayIP).To4()
		if gw == nil {
			return nil, malformed("%s.default_gateway_ip %q is not an IPv4 address", field, ipc.DefaultGatewayIP)
		}
		if !network.Contains(gw) {
			return nil, invalid("%s.default_gateway_ip %s is not inside %s", field, gw, network)
		}
		if *ipc.PrefixLength <= 30 && (gw.Equal(network.IP) || gw.Equal(lastAddress(network))) {
			return nil, invalid("%s.default_gateway_ip %s is the network or broadcast address of %s", field, gw, network)
		}
	}
	type span struct{ first, last uint32 }
	var spans []span
	for i, p := range ipc.PoolList {
		where := fmt.Sprintf("%s.pool_list[%d].range", field, i)
		first, last, err := parsePoolRange(p.Range)
		if err != nil {
			return nil, malformed("%s: %v", where, err)
		}
		if !network.Contains(first) || !network.Contains(last) {
			return nil, invalid("%s %q is not inside %s", where, p.Range, network)
		}
		s := span{ipToUint(first), ipToUint(last)}
		if gw != nil && ipToUint(gw) >= s.first && ipToUint(gw) <= s.last {
			return nil, invalid("%s %q holds the gateway %s", where, p.Range, gw)
		}
		for j, o := range spans {
			if s.first <= o.last && o.first <= s.last {
				return nil, invalid("%s %q overlaps pool_list[%d] %q", where, p.Range, j, ipc.PoolList[j].Range)
			}
		}
		spans = append(spans, s)
	}
	if d := ipc.DHCPOptions; d != nil {
		if len(d.DomainNameServerList) > maxDHCPOptionEntries || len(d.DomainSearchList) > maxDHCPOptionEntries {
			return nil, malformed("%s.dhcp_options: at most %d name servers and %d search domains", field,
				maxDHCPOptionEntries, maxDHCPOptionEntries)
		}
		for i, s := range d.DomainNameServerList {
			if net.ParseIP(s).To4() == nil {
				return nil, malformed("%s.dhcp_options.domain_name_server_list[%d] %q is not an IPv4 address", field, i, s)
			}
		}
	}
	return network, nil
}

// parsePoolRange parses the spec's pool range, two IPv4 addresses separated by one space
// ("10.0.0.9 10.0.0.19"), first not after last.
func parsePoolRange(r string) (net.IP, net.IP, error) {
	parts := strings.Split(r, " ")
	if len(parts) != 2 {
		return nil, nil, fmt.Errorf("%q must be two IPv4 addresses separated by one space, such as \"10.0.0.9 10.0.0.19\"", r)
	}
	first, last := net.ParseIP(parts[0]).To4(), net.ParseIP(parts[1]).To4()
	if first == nil || last == nil {
		return nil, nil, fmt.Errorf("%q must be two IPv4 addresses separated by one space, such as \"10.0.0.9 10.0.0.19\"", r)
	}
	if ipToUint(first) > ipToUint(last) {
		return nil, nil, fmt.Errorf("%q starts after it ends", r)
	}
	return first, last, nil
}

func ipToUint(ip net.IP) uint32 { return binary.BigEndian.Uint32(ip.To4()) }

func uintToIP(v uint32) net.IP {
	ip := make(net.IP, 4)
	binary.BigEndian.PutUint32(ip, v)
	return ip
}

// lastAddress returns the broadcast address of an IPv4 network.
func lastAddress(n *net.IPNet) net.IP {
	ones, _ := n.Mask.Size()
	return uintToIP(ipToUint(n.IP) | (1<<(32-ones) - 1))
}

func netsOverlap(a, b *net.IPNet) bool {
	return a != nil && b != nil && (a.Contains(b.IP) || b.Contains(a.IP))
}

// netInside reports whether inner lies inside outer.
func netInside(inner, outer *net.IPNet) bool {
	if inner == nil || outer == nil {
		return false
	}
	in, _ := inner.Mask.Size()
	out, _ := outer.Mask.Size()
	return in >= out && outer.Contains(inner.IP)
}

func insideAny(n *net.IPNet, outers []*net.IPNet) bool {
	for _, o := range outers {
		if netInside(n, o) {
			return true
		}
	}
	return false
}

func joinNets(nets []*net.IPNet) string {
	if len(nets) == 0 {
		return "none"
	}
	parts := make([]string, len(nets))
	for i, n := range nets {
		parts[i] = n.String()
	}
	return strings.Join(parts, ", ")
}

// subnetNetworkOf returns the IPv4 network of a subnet snapshot's ip_config, or nil.
func subnetNetworkOf(s *snapshot) *net.IPNet {
	ipc := decodeSubnetSpec(s.spec).Resources.IPConfig
	if ipc == nil || ipc.PrefixLength == nil {
		return nil
	}
	ip := net.ParseIP(ipc.SubnetIP).To4()
	if ip == nil {
		return nil
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(int(*ipc.PrefixLength), 32)}
}

// overlaySubnetsLocked returns the overlay subnets whose intent or committed state names
// the VPC, in creation order.
func (pc *PC) overlaySubnetsLocked(vpcUUID string) []*entity {
	var out []*entity
	for _, e := range pc.entitiesLocked(subnetKind) {
		if anySnapshot(e, func(s *snapshot) bool {
			ref := decodeSubnetSpec(s.spec).Resources.VPCReference
			return ref != nil && normUUID(ref.UUID) == vpcUUID
		}) {
			out = append(out, e)
		}
	}
	return out
}

// isNoNATExternal reports whether a subnet snapshot is an external subnet without NAT.
func isNoNATExternal(s *snapshot) bool {
	r := decodeSubnetSpec(s.spec).Resources
	return r.IsExternal && r.EnableNAT != nil && !*r.EnableNAT
}

// subnetAddress is an address a VM holds on a subnet.
type subnetAddress struct {
	vm *entity
	ip string
}

// subnetAddressesLocked returns the addresses VMs hold on the subnet, in their intent or
// committed state.
func (pc *PC) subnetAddressesLocked(subnetUUID string) []subnetAddress {
	var out []subnetAddress
	seen := map[string]bool{}
	for _, e := range pc.entitiesLocked(vmKind) {
		for _, s := range []*snapshot{e.intent, e.committed} {
			if s == nil {
				continue
			}
			for _, nic := range decodeVMSpec(s.spec).Resources.NicList {
				if nic.SubnetReference == nil || normUUID(nic.SubnetReference.UUID) != subnetUUID {
					continue
				}
				for _, ep := range nic.IPEndpointList {
					if ip := net.ParseIP(ep.IP).To4(); ip != nil && !seen[e.uuid+"/"+ip.String()] {
						seen[e.uuid+"/"+ip.String()] = true
						out = append(out, subnetAddress{vm: e, ip: ip.String()})
					}
				}
			}
		}
	}
	return out
}

// checkNICSubnetLocked applies the subnet's rules to a VM NIC on it: the subnet is not
// being deleted, and no address of the NIC is the subnet's gateway. An address kept inside
// the subnet's network (checked by prepareVM) moves with the NIC, so a VM whose NIC changes
// onto an overlay subnet of the same CIDR keeps its IP.
func checkNICSubnetLocked(field string, subnet *entity, nic vmNicView) *modelError {
	if subnet.deleting {
		return invalid("%s: subnet %s is being deleted", field, subnet.current().name)
	}
	ipc := decodeSubnetSpec(subnet.intent.spec).Resources.IPConfig
	if ipc == nil || ipc.DefaultGatewayIP == "" {
		return nil
	}
	for j, ep := range nic.IPEndpointList {
		if ip := net.ParseIP(ep.IP); ip != nil && ip.Equal(net.ParseIP(ipc.DefaultGatewayIP)) {
			return invalid("%s.ip_endpoint_list[%d]: %s is the gateway of subnet %s", field, j, ep.IP, subnet.current().name)
		}
	}
	return nil
}

// subnetUsageLocked renders the spec's ip_usage_stats of a subnet from the committed VMs.
func (pc *PC) subnetUsageLocked(e *entity, ipc *ipConfigView) map[string]any {
	assigned := map[uint32]bool{}
	macs := 0
	for _, vm := range pc.entitiesLocked(vmKind) {
		if vm.committed == nil {
			continue
		}
		for _, nic := range decodeVMSpec(vm.committed.spec).Resources.NicList {
			if nic.SubnetReference == nil || normUUID(nic.SubnetReference.UUID) != e.uuid {
				continue
			}
			macs++
			for _, ep := range nic.IPEndpointList {
				if ip := net.ParseIP(ep.IP).To4(); ip != nil {
					assigned[ipToUint(ip)] = true
				}
			}
		}
	}
	pools := []any{}
	free := 0
	if ipc != nil {
		for _, p := range ipc.PoolList {
			first, last, err := parsePoolRange(p.Range)
			if err != nil {
				continue
			}
			total := int(ipToUint(last) - ipToUint(first) + 1)
			used := 0
			for a := range assigned {
				if a >= ipToUint(first) && a <= ipToUint(last) {
					used++
				}
			}
			free += total - used
			pools = append(pools, map[string]any{"range": p.Range, "num_total_ips": total, "num_free_ips": total - used})
		}
	}
	return map[string]any{
		"num_macs":         macs,
		"num_assigned_ips": len(assigned),
		"num_free_ips":     free,
		"ip_pools_stats":   pools,
	}
}

// allocateAddressLocked picks a free address of a subnet for a VPC's external connectivity:
// the first address of its pools (else of its network) that is not the gateway, a VM's
// address or another VPC's. It returns "" when none is free.
func (pc *PC) allocateAddressLocked(subnet *entity, taken map[string]bool) string {
	ipc := decodeSubnetSpec(subnet.intent.spec).Resources.IPConfig
	network := subnetNetworkOf(subnet.intent)
	if ipc == nil || network == nil {
		return ""
	}
	taken[ipc.DefaultGatewayIP] = true
	for _, use := range pc.subnetAddressesLocked(subnet.uuid) {
		taken[use.ip] = true
	}
	type span struct{ first, last uint32 }
	var spans []span
	for _, p := range ipc.PoolList {
		if first, last, err := parsePoolRange(p.Range); err == nil {
			spans = append(spans, span{ipToUint(first), ipToUint(last)})
		}
	}
	if len(spans) == 0 {
		ones, _ := network.Mask.Size()
		if ones > 30 {
			return ""
		}
		spans = append(spans, span{ipToUint(network.IP) + 1, ipToUint(lastAddress(network)) - 1})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].first < spans[j].first })
	for _, s := range spans {
		for a := s.first; a <= s.last && a >= s.first; a++ {
			if ip := uintToIP(a).String(); !taken[ip] {
				return ip
			}
		}
	}
	return ""
}
