package prismsim

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
)

// VPCs: POST /vpcs, GET/PUT/DELETE /vpcs/{uuid}, POST /vpcs/list are the generic intentful
// operations. A VPC gets its route table (route_tables.go) when its create task succeeds,
// and an address on each of its external subnets (status external_ip_list; nat_ip_list for
// the subnets with NAT), kept until the subnet is detached.
//
// Rules (422 at once): name 1-64 characters; vpc_type REGULAR or TRANSIT; each external
// subnet an existing external VLAN subnet, named once, at most one with NAT and one without;
// externally routable prefixes without host bits, /16 to /28, not overlapping each other
// nor the prefixes of the PC's other VPCs; name servers IPv4 addresses; a VPC with an
// external subnet without NAT keeps every overlay subnet of it inside one of its prefixes.
// Delete: refused with 409 ENTITY_DELETION_FAILED while overlay subnets (or kinds that
// register with registerVPCUsers) refer to the VPC.

const (
	maxVPCName       = 64
	minRoutablePfx   = 16
	maxRoutablePfx   = 28
	vpcTypeRegular   = "REGULAR"
	vpcTypeTransit   = "TRANSIT"
	activeGatewayCnt = 1
)

// vpcSpecView is what the emulator interprets of a VPC spec; the rest is kept as sent.
type vpcSpecView struct {
	Name        string            `json:"name"`
	Description *string           `json:"description"`
	Resources   *vpcResourcesView `json:"resources"`
}

type vpcResourcesView struct {
	VPCType            string `json:"vpc_type"`
	ExternalSubnetList []struct {
		ExternalSubnetReference *refView `json:"external_subnet_reference"`
	} `json:"external_subnet_list"`
	ExternallyRoutablePrefixList []struct {
		IP           string `json:"ip"`
		PrefixLength *int64 `json:"prefix_length"`
	} `json:"externally_routable_prefix_list"`
	CommonDomainNameServerIPList []struct {
		IP string `json:"ip"`
	} `json:"common_domain_name_server_ip_list"`
}

// vpcData is what a VPC holds beyond its spec: its address on each external subnet.
type vpcData struct {
	externalIPs map[string]string // subnet uuid -> address
}

var vpcKind = &kindSpec{
	name:   "vpc",
	plural: "vpcs",
	opName: "Vpc",
	status: vpcStatus,
	attrs: func(_ *PC, e *entity) map[string][]string {
		spec := decodeVPCSpec(e.current().spec)
		attrs := map[string][]string{"name": {spec.Name}, "vpc_name": {spec.Name}, "vpc_type": {vpcTypeOf(spec)}}
		attrs["external_subnet_uuid"] = vpcExternalSubnets(e.current())
		return attrs
	},
	known: []string{"name", "vpc_name", "vpc_type", "external_subnet_uuid"},
}

// vpcUserFinders are the hooks registerVPCUsers adds.
var vpcUserFinders []func(pc *PC, vpcUUID string) []reference

// registerVPCUsers adds a hook that names the entities of a kind that refer to a VPC, so
// that the VPC cannot be deleted under them; f runs with the PC's mutex held.
func registerVPCUsers(f func(pc *PC, vpcUUID string) []reference) {
	vpcUserFinders = append(vpcUserFinders, f)
}

func init() {
	// Set here rather than in the literal: the hooks look VPCs up through vpcKind.
	vpcKind.prepare = prepareVPC
	vpcKind.beforeDelete = beforeDeleteVPC
	vpcKind.afterCommit = afterCommitVPC
	registerKind(vpcKind)
}

func decodeVPCSpec(raw []byte) vpcSpecView {
	var spec vpcSpecView
	_ = json.Unmarshal(raw, &spec)
	if spec.Resources == nil {
		spec.Resources = &vpcResourcesView{}
	}
	return spec
}

func vpcTypeOf(spec vpcSpecView) string {
	if spec.Resources.VPCType == "" {
		return vpcTypeRegular
	}
	return spec.Resources.VPCType
}

// vpcExternalSubnets returns the uuids of a VPC snapshot's external subnets.
func vpcExternalSubnets(s *snapshot) []string {
	var out []string
	for _, es := range decodeVPCSpec(s.spec).Resources.ExternalSubnetList {
		if es.ExternalSubnetReference != nil && es.ExternalSubnetReference.UUID != "" {
			out = append(out, normUUID(es.ExternalSubnetReference.UUID))
		}
	}
	return out
}

// vpcPrefixes returns the well-formed externally routable prefixes of a VPC snapshot.
func vpcPrefixes(s *snapshot) []*net.IPNet {
	var out []*net.IPNet
	for _, p := range decodeVPCSpec(s.spec).Resources.ExternallyRoutablePrefixList {
		ip := net.ParseIP(p.IP).To4()
		if ip == nil || p.PrefixLength == nil || *p.PrefixLength < 0 || *p.PrefixLength > 32 {
			continue
		}
		out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(int(*p.PrefixLength), 32)})
	}
	return out
}

// vpcHasNoNATLocked reports whether a VPC snapshot uses an external subnet without NAT.
func (pc *PC) vpcHasNoNATLocked(s *snapshot) bool {
	for _, id := range vpcExternalSubnets(s) {
		if sub := pc.entityLocked(subnetKind, id); sub != nil && isNoNATExternal(sub.intent) {
			return true
		}
	}
	return false
}

// prepareVPC checks a VPC intent (see the rules at the top of this file).
func prepareVPC(pc *PC, old *entity, in *snapshot) *modelError {
	var spec vpcSpecView
	if err := decodeStrictTypes(in.spec, &spec); err != nil {
		return malformed("spec: %v", err)
	}
	if spec.Name == "" || len(spec.Name) > maxVPCName {
		return malformed("spec.name must be 1-%d characters", maxVPCName)
	}
	if spec.Description != nil && len(*spec.Description) > maxDescription {
		return malformed("spec.description must be at most %d characters", maxDescription)
	}
	r := spec.Resources
	if r == nil {
		r = &vpcResourcesView{}
	}
	switch r.VPCType {
	case "", vpcTypeRegular, vpcTypeTransit:
	default:
		return malformed("spec.resources.vpc_type must be REGULAR or TRANSIT, got %q", r.VPCType)
	}
	if apiErr := pc.checkVPCExternalSubnetsLocked(r); apiErr != nil {
		return apiErr
	}
	self := ""
	if old != nil {
		self = old.uuid
	}
	prefixes, apiErr := pc.checkRoutablePrefixesLocked(r, self)
	if apiErr != nil {
		return apiErr
	}
	for i, dns := range r.CommonDomainNameServerIPList {
		if net.ParseIP(dns.IP).To4() == nil {
			return malformed("spec.resources.common_domain_name_server_ip_list[%d].ip %q is not an IPv4 address", i, dns.IP)
		}
	}
	if old != nil && pc.vpcHasNoNATLocked(in) {
		for _, sub := range pc.overlaySubnetsLocked(old.uuid) {
			if n := subnetNetworkOf(sub.intent); n != nil && !insideAny(n, prefixes) {
				return invalid("spec.resources: overlay subnet %s (%s) of this VPC would not be inside an externally routable prefix (%s) "+
					"while the VPC uses an external subnet without NAT: keep a prefix that holds it", sub.intent.name, n, joinNets(prefixes))
			}
		}
	}
	in.name = spec.Name
	return nil
}

// checkVPCExternalSubnetsLocked checks external_subnet_list.
func (pc *PC) checkVPCExternalSubnetsLocked(r *vpcResourcesView) *modelError {
	seen := map[string]bool{}
	var nat, noNAT string
	for i, es := range r.ExternalSubnetList {
		field := fmt.Sprintf("spec.resources.external_subnet_list[%d].external_subnet_reference", i)
		ref := es.ExternalSubnetReference
		if ref == nil || ref.UUID == "" {
			return malformed("%s.uuid is required", field)
		}
		if ref.Kind != "" && ref.Kind != "subnet" {
			return malformed("%s.kind must be \"subnet\", got %q", field, ref.Kind)
		}
		id := normUUID(ref.UUID)
		if seen[id] {
			return invalid("%s: subnet %s is listed twice", field, ref.UUID)
		}
		seen[id] = true
		sub := pc.entityLocked(subnetKind, id)
		if sub == nil {
			return invalid("%s: subnet %s does not exist on this Prism Central", field, ref.UUID)
		}
		if sub.deleting {
			return invalid("%s: subnet %s is being deleted", field, sub.intent.name)
		}
		res := decodeSubnetSpec(sub.intent.spec).Resources
		if !res.IsExternal || res.SubnetType != "VLAN" {
			return invalid("%s: subnet %s is not an external subnet (a VLAN subnet with is_external true)", field, sub.intent.name)
		}
		slot := &nat
		if isNoNATExternal(sub.intent) {
			slot = &noNAT
		}
		if *slot != "" {
			kind := "with NAT"
			if slot == &noNAT {
				kind = "without NAT"
			}
			return invalid("%s: a VPC has at most one external subnet %s, and %s is one already", field, kind, *slot)
		}
		*slot = sub.intent.name
	}
	return nil
}

// checkRoutablePrefixesLocked checks externally_routable_prefix_list against itself and
// against the other VPCs of the PC (their intent and committed state), and returns it.
func (pc *PC) checkRoutablePrefixesLocked(r *vpcResourcesView, self string) ([]*net.IPNet, *modelError) {
	var prefixes []*net.IPNet
	for i, p := range r.ExternallyRoutablePrefixList {
		field := fmt.Sprintf("spec.resources.externally_routable_prefix_list[%d]", i)
		ip := net.ParseIP(p.IP).To4()
		if ip == nil {
			return nil, malformed("%s.ip %q is not an IPv4 address", field, p.IP)
		}
		if p.PrefixLength == nil || *p.PrefixLength < 0 || *p.PrefixLength > 32 {
			return nil, malformed("%s.prefix_length must be 0-32", field)
		}
		n := &net.IPNet{IP: ip, Mask: net.CIDRMask(int(*p.PrefixLength), 32)}
		if !ip.Equal(ip.Mask(n.Mask)) {
			return nil, malformed("%s: %s/%d has host bits set (the network is %s)", field, p.IP, *p.PrefixLength,
				&net.IPNet{IP: ip.Mask(n.Mask), Mask: n.Mask})
		}
		if *p.PrefixLength < minRoutablePfx || *p.PrefixLength > maxRoutablePfx {
			return nil, invalid("%s: %s must be between /%d and /%d", field, n, minRoutablePfx, maxRoutablePfx)
		}
		for j, o := range prefixes {
			if netsOverlap(n, o) {
				return nil, invalid("%s: %s overlaps externally_routable_prefix_list[%d] %s", field, n, j, o)
			}
		}
		for _, other := range pc.entitiesLocked(vpcKind) {
			if other.uuid == self {
				continue
			}
			for _, s := range []*snapshot{other.intent, other.committed} {
				if s == nil {
					continue
				}
				for _, o := range vpcPrefixes(s) {
					if netsOverlap(n, o) {
						return nil, invalid("%s: %s overlaps the externally routable prefix %s of vpc %s: "+
							"externally routable prefixes cannot overlap across the VPCs of a Prism Central", field, n, o, other.intent.name)
					}
				}
			}
		}
		prefixes = append(prefixes, n)
	}
	return prefixes, nil
}

// vpcUsersLocked returns what refers to a VPC: its overlay subnets and whatever
// registerVPCUsers hooks report.
func (pc *PC) vpcUsersLocked(vpcUUID string) []reference {
	var out []reference
	for _, sub := range pc.overlaySubnetsLocked(vpcUUID) {
		out = append(out, sub.ref())
	}
	for _, f := range vpcUserFinders {
		out = append(out, f(pc, vpcUUID)...)
	}
	return out
}

func beforeDeleteVPC(pc *PC, e *entity) *modelError {
	users := pc.vpcUsersLocked(e.uuid)
	if len(users) == 0 {
		return nil
	}
	uuids := make([]string, len(users))
	for i, u := range users {
		uuids[i] = u.UUID
	}
	return &modelError{
		Kind: errInUse, Code: reasonDeletionFailed,
		Message: fmt.Sprintf("vpc %s still has %s: delete them first", e.current().name, describeRefs(users)),
		Details: map[string]string{"used_by": strings.Join(uuids, ",")},
	}
}

// afterCommitVPC gives a new VPC its route table, and keeps its addresses on external
// subnets in step with its external_subnet_list; a deleted VPC takes its route table along.
func afterCommitVPC(pc *PC, e *entity, gone bool) {
	rt := pc.entityLocked(routeTableKind, e.uuid)
	if gone {
		if rt != nil {
			pc.removeEntityLocked(rt)
		}
		return
	}
	if rt == nil {
		if created, err := pc.newSettledEntityLocked(routeTableKind, e.uuid, emptyRouteTableSpec(), nil); err == nil {
			created.intent.name = e.committed.name
		}
	}
	d, _ := e.data.(*vpcData)
	if d == nil {
		d = &vpcData{externalIPs: map[string]string{}}
		e.data = d
	}
	attached := vpcExternalSubnets(e.committed)
	for id := range d.externalIPs {
		if !contains(attached, id) {
			delete(d.externalIPs, id)
		}
	}
	for _, id := range attached {
		if d.externalIPs[id] != "" {
			continue
		}
		sub := pc.entityLocked(subnetKind, id)
		if sub == nil {
			continue
		}
		taken := map[string]bool{}
		for _, other := range pc.entitiesLocked(vpcKind) {
			if od, ok := other.data.(*vpcData); ok && od.externalIPs[id] != "" {
				taken[od.externalIPs[id]] = true
			}
		}
		if ip := pc.allocateAddressLocked(sub, taken); ip != "" {
			d.externalIPs[id] = ip
		}
	}
}

// vpcStatus renders the spec's vpc_def_status.
func vpcStatus(pc *PC, e *entity) map[string]any {
	cur := e.current()
	raw := decodeObject(cur.spec)
	rawRes, _ := raw["resources"].(map[string]any)
	spec := decodeVPCSpec(cur.spec)
	d, _ := e.data.(*vpcData)
	externals := []any{}
	natIPs := []any{}
	for _, id := range vpcExternalSubnets(cur) {
		ref := map[string]any{"kind": "subnet", "uuid": id}
		sub := pc.entityLocked(subnetKind, id)
		if sub != nil {
			ref["name"] = sub.current().name
		}
		item := map[string]any{"external_subnet_reference": ref, "active_gateway_count": activeGatewayCnt}
		if d != nil && d.externalIPs[id] != "" {
			item["external_ip_list"] = []string{d.externalIPs[id]}
			if sub != nil && !isNoNATExternal(sub.current()) {
				natIPs = append(natIPs, d.externalIPs[id])
			}
		}
		externals = append(externals, item)
	}
	res := map[string]any{
		"vpc_type":                          vpcTypeOf(spec),
		"external_subnet_list":              externals,
		"externally_routable_prefix_list":   listOrEmpty(rawRes["externally_routable_prefix_list"]),
		"common_domain_name_server_ip_list": listOrEmpty(rawRes["common_domain_name_server_ip_list"]),
		"nat_ip_list":                       natIPs,
	}
	status := map[string]any{"name": cur.name, "resources": res}
	if spec.Description != nil {
		status["description"] = *spec.Description
	}
	return status
}

func listOrEmpty(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{}
}
