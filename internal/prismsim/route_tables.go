package prismsim

import (
	"fmt"
	"net"
)

// Route tables: every VPC has one, GET and PUT /vpcs/{uuid}/route_tables, an intentful
// entity of kind vpc_route_table whose metadata.uuid is the VPC's. It appears when the
// VPC's create task succeeds (empty) and goes with the VPC. A PUT is the generic update
// (spec_version check, a task, 202).
//
// Rules (422 at once): destinations are IPv4 networks without host bits, each listed
// once; every next hop names exactly one of the spec's references; an external subnet
// next hop must be one of the VPC's external subnets, a local subnet next hop one of its
// overlay subnets; VPN connections and Direct Connect interfaces are not modeled
// (REQUEST_NOT_SUPPORTED); 0.0.0.0/0 is either a static route or default_route_nexthop,
// not both.
//
// Status: static_routes_list and default_route as sent, with priority and is_active (a
// route is inactive when its next hop is gone or no longer attached to the VPC), the
// external next hop's gateway as nexthop_ip_address; local_routes_list has one route per
// overlay subnet of the VPC.

const (
	routeTableKindName   = "vpc_route_table"
	defaultDestination   = "0.0.0.0/0"
	priorityLocalRoute   = 65534
	priorityStaticRoute  = 32768
	priorityDefaultRoute = 32768
)

type routeTableSpecView struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Resources   *struct {
		StaticRoutesList    []routeView  `json:"static_routes_list"`
		DefaultRouteNexthop *nexthopView `json:"default_route_nexthop"`
	} `json:"resources"`
}

type routeView struct {
	Destination string       `json:"destination"`
	Nexthop     *nexthopView `json:"nexthop"`
}

type nexthopView struct {
	ExternalSubnetReference                *refView `json:"external_subnet_reference"`
	LocalSubnetReference                   *refView `json:"local_subnet_reference"`
	VPNConnectionReference                 *refView `json:"vpn_connection_reference"`
	DirectConnectVirtualInterfaceReference *refView `json:"direct_connect_virtual_interface_reference"`
}

var routeTableKind = &kindSpec{
	name:   routeTableKindName,
	plural: "route_tables",
	opName: "VpcRouteTable",
	status: routeTableStatus,
	attrs:  func(*PC, *entity) map[string][]string { return map[string][]string{} },
}

func init() {
	routeTableKind.prepare = prepareRouteTable
	registerKind(routeTableKind)
}

func emptyRouteTableSpec() map[string]any {
	return map[string]any{"resources": map[string]any{"static_routes_list": []any{}}}
}

func decodeRouteTableSpec(raw []byte) routeTableSpecView {
	var spec routeTableSpecView
	_ = decodeStrictTypes(raw, &spec)
	return spec
}

// routeTableNextHopSubnets returns the uuids of the subnets a route table snapshot routes
// through.
func routeTableNextHopSubnets(s *snapshot) []string {
	spec := decodeRouteTableSpec(s.spec)
	if spec.Resources == nil {
		return nil
	}
	var out []string
	add := func(nh *nexthopView) {
		if nh == nil {
			return
		}
		for _, ref := range []*refView{nh.ExternalSubnetReference, nh.LocalSubnetReference} {
			if ref != nil && ref.UUID != "" {
				out = append(out, normUUID(ref.UUID))
			}
		}
	}
	for _, r := range spec.Resources.StaticRoutesList {
		add(r.Nexthop)
	}
	add(spec.Resources.DefaultRouteNexthop)
	return out
}

// prepareRouteTable checks a route table intent (see the rules at the top of this file).
// Without old it is the empty table a new VPC gets.
func prepareRouteTable(pc *PC, old *entity, in *snapshot) *modelError {
	var spec routeTableSpecView
	if err := decodeStrictTypes(in.spec, &spec); err != nil {
		return malformed("spec: %v", err)
	}
	if spec.Resources == nil {
		return malformed("spec.resources is required")
	}
	if spec.Name != nil && len(*spec.Name) > maxSubnetName {
		return malformed("spec.name must be at most %d characters", maxSubnetName)
	}
	if spec.Description != nil && len(*spec.Description) > maxDescription {
		return malformed("spec.description must be at most %d characters", maxDescription)
	}
	if old == nil {
		return nil
	}
	vpc := pc.entityLocked(vpcKind, old.uuid)
	if vpc == nil || vpc.deleting {
		return failf(errConflict, "", "vpc %s is being deleted", old.uuid)
	}
	seen := map[string]int{}
	for i, r := range spec.Resources.StaticRoutesList {
		field := fmt.Sprintf("spec.resources.static_routes_list[%d]", i)
		_, n, err := net.ParseCIDR(r.Destination)
		if err != nil || n.IP.To4() == nil {
			return malformed("%s.destination %q is not an IPv4 CIDR", field, r.Destination)
		}
		if n.String() != r.Destination {
			return malformed("%s.destination %q has host bits set (the network is %s)", field, r.Destination, n)
		}
		if j, dup := seen[n.String()]; dup {
			return invalid("%s.destination %s is already routed by static_routes_list[%d]", field, n, j)
		}
		seen[n.String()] = i
		if apiErr := pc.checkNexthopLocked(vpc, field+".nexthop", r.Nexthop); apiErr != nil {
			return apiErr
		}
	}
	if nh := spec.Resources.DefaultRouteNexthop; nh != nil {
		if j, dup := seen[defaultDestination]; dup {
			return invalid("spec.resources: static_routes_list[%d] routes %s and default_route_nexthop is set too: keep one",
				j, defaultDestination)
		}
		if apiErr := pc.checkNexthopLocked(vpc, "spec.resources.default_route_nexthop", nh); apiErr != nil {
			return apiErr
		}
	}
	in.name = vpc.intent.name
	return nil
}

// checkNexthopLocked checks a route's next hop against the VPC's intent.
func (pc *PC) checkNexthopLocked(vpc *entity, field string, nh *nexthopView) *modelError {
	if nh == nil {
		return malformed("%s is required", field)
	}
	set := 0
	for _, ref := range []*refView{nh.ExternalSubnetReference, nh.LocalSubnetReference, nh.VPNConnectionReference,
		nh.DirectConnectVirtualInterfaceReference} {
		if ref != nil {
			set++
		}
	}
	if set != 1 {
		return malformed("%s must name exactly one of external_subnet_reference, local_subnet_reference, "+
			"vpn_connection_reference, direct_connect_virtual_interface_reference", field)
	}
	switch {
	case nh.VPNConnectionReference != nil:
		return failf(errInvalid, reasonNotSupported,
			"%s.vpn_connection_reference: VPN connections are not modeled: route through an external or local subnet", field)
	case nh.DirectConnectVirtualInterfaceReference != nil:
		return failf(errInvalid, reasonNotSupported,
			"%s.direct_connect_virtual_interface_reference: Direct Connect interfaces are not modeled: route through an external or local subnet", field)
	case nh.ExternalSubnetReference != nil:
		ref := nh.ExternalSubnetReference
		sub, apiErr := pc.nexthopSubnetLocked(field+".external_subnet_reference", ref)
		if apiErr != nil {
			return apiErr
		}
		if !contains(vpcExternalSubnets(vpc.intent), sub.uuid) {
			return invalid("%s.external_subnet_reference: subnet %s is not an external subnet of vpc %s: "+
				"add it to the VPC's external_subnet_list first", field, sub.intent.name, vpc.intent.name)
		}
	default:
		ref := nh.LocalSubnetReference
		sub, apiErr := pc.nexthopSubnetLocked(field+".local_subnet_reference", ref)
		if apiErr != nil {
			return apiErr
		}
		if vref := decodeSubnetSpec(sub.intent.spec).Resources.VPCReference; vref == nil || normUUID(vref.UUID) != vpc.uuid {
			return invalid("%s.local_subnet_reference: subnet %s is not an overlay subnet of vpc %s",
				field, sub.intent.name, vpc.intent.name)
		}
	}
	return nil
}

func (pc *PC) nexthopSubnetLocked(field string, ref *refView) (*entity, *modelError) {
	if ref.UUID == "" {
		return nil, malformed("%s.uuid is required", field)
	}
	if ref.Kind != "" && ref.Kind != "subnet" {
		return nil, malformed("%s.kind must be \"subnet\", got %q", field, ref.Kind)
	}
	sub := pc.entityLocked(subnetKind, normUUID(ref.UUID))
	if sub == nil {
		return nil, invalid("%s: subnet %s does not exist on this Prism Central", field, ref.UUID)
	}
	if sub.deleting {
		return nil, invalid("%s: subnet %s is being deleted", field, sub.intent.name)
	}
	return sub, nil
}

// routeTableStatus renders the spec's vpc_route_table_def_status from the committed table
// and the VPC as it is now.
func routeTableStatus(pc *PC, e *entity) map[string]any {
	vpc := pc.entityLocked(vpcKind, e.uuid)
	name := e.current().name
	var attached []string
	if vpc != nil {
		name = vpc.current().name
		attached = vpcExternalSubnets(vpc.current())
	}
	spec := decodeRouteTableSpec(e.current().spec)
	static := []any{}
	var defaultRoute map[string]any
	if spec.Resources != nil {
		for _, r := range spec.Resources.StaticRoutesList {
			rs := pc.routeStatusLocked(e.uuid, attached, r.Destination, r.Nexthop, priorityStaticRoute)
			static = append(static, rs)
			if r.Destination == defaultDestination {
				defaultRoute = rs
			}
		}
		if nh := spec.Resources.DefaultRouteNexthop; nh != nil {
			defaultRoute = pc.routeStatusLocked(e.uuid, attached, defaultDestination, nh, priorityDefaultRoute)
		}
	}
	local := []any{}
	for _, sub := range pc.overlaySubnetsLocked(e.uuid) {
		n := subnetNetworkOf(sub.current())
		if sub.committed == nil || n == nil {
			continue
		}
		local = append(local, map[string]any{
			"destination": n.String(),
			"nexthop":     map[string]any{"local_subnet_reference": subnetRefOf(sub)},
			"priority":    priorityLocalRoute,
			"is_active":   !sub.deleting,
		})
	}
	res := map[string]any{
		"static_routes_list":  static,
		"local_routes_list":   local,
		"dynamic_routes_list": []any{},
	}
	if defaultRoute != nil {
		res["default_route"] = defaultRoute
	}
	return map[string]any{"name": name, "resources": res}
}

func subnetRefOf(sub *entity) map[string]any {
	return map[string]any{"kind": "subnet", "uuid": sub.uuid, "name": sub.current().name}
}

// routeStatusLocked renders a route_status.
func (pc *PC) routeStatusLocked(vpcUUID string, attached []string, dest string, nh *nexthopView, priority int) map[string]any {
	nexthop := map[string]any{}
	active := false
	if nh != nil {
		switch {
		case nh.ExternalSubnetReference != nil:
			id := normUUID(nh.ExternalSubnetReference.UUID)
			ref := map[string]any{"kind": "subnet", "uuid": id}
			if sub := pc.entityLocked(subnetKind, id); sub != nil {
				ref["name"] = sub.current().name
				if ipc := decodeSubnetSpec(sub.current().spec).Resources.IPConfig; ipc != nil && ipc.DefaultGatewayIP != "" {
					nexthop["nexthop_ip_address"] = ipc.DefaultGatewayIP
				}
				active = contains(attached, id)
			}
			nexthop["external_subnet_reference"] = ref
		case nh.LocalSubnetReference != nil:
			id := normUUID(nh.LocalSubnetReference.UUID)
			ref := map[string]any{"kind": "subnet", "uuid": id}
			if sub := pc.entityLocked(subnetKind, id); sub != nil {
				ref["name"] = sub.current().name
				vref := decodeSubnetSpec(sub.current().spec).Resources.VPCReference
				active = vref != nil && normUUID(vref.UUID) == vpcUUID
			}
			nexthop["local_subnet_reference"] = ref
		}
	}
	return map[string]any{"destination": dest, "nexthop": nexthop, "priority": priority, "is_active": active}
}
