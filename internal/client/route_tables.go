package client

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Keys of a route's next hop (route_nexthop_reference) and the kinds of
// the references they hold.
const (
	nextHopExternalSubnet = "external_subnet_reference"
	nextHopLocalSubnet    = "local_subnet_reference"
	nextHopVPN            = "vpn_connection_reference"
	nextHopDirectConnect  = "direct_connect_virtual_interface_reference"
)

// defaultRouteDestination is the destination of a default route.
const defaultRouteDestination = "0.0.0.0/0"

// Route is a static route of a VPC: traffic to Destination goes to exactly
// one next hop.
type Route struct {
	// Destination is a network in prefix notation ("10.0.0.0/8").
	Destination string
	// NextHopExternalSubnetUUID is an external subnet of the VPC.
	NextHopExternalSubnetUUID string
	// NextHopLocalSubnetUUID is a subnet of the VPC.
	NextHopLocalSubnetUUID string
	// NextHopVPNConnectionUUID is a VPN connection.
	NextHopVPNConnectionUUID string
	// NextHopDirectConnectVIFUUID is a direct connect virtual interface.
	NextHopDirectConnectVIFUUID string
}

// nextHops returns the next hops of the route as key -> (kind, uuid), for
// those that are set.
func (r *Route) nextHops() map[string][2]string {
	out := map[string][2]string{}
	for _, h := range []struct{ key, kind, uuid string }{
		{nextHopExternalSubnet, subnetKind, r.NextHopExternalSubnetUUID},
		{nextHopLocalSubnet, subnetKind, r.NextHopLocalSubnetUUID},
		{nextHopVPN, "vpn_connection", r.NextHopVPNConnectionUUID},
		{nextHopDirectConnect, "direct_connect_virtual_interface", r.NextHopDirectConnectVIFUUID},
	} {
		if h.uuid != "" {
			out[h.key] = [2]string{h.kind, h.uuid}
		}
	}
	return out
}

// RouteTable is the route table of a VPC (one per VPC).
type RouteTable struct {
	VPCUUID      string
	StaticRoutes []Route
	// DefaultRouteExternalSubnetUUID is the external subnet the default
	// route (0.0.0.0/0) goes through; "" for no default route.
	DefaultRouteExternalSubnetUUID string
	// State is status.state as reported (e.g. COMPLETE); ignored on write.
	State string
}

type nextHopJSON struct {
	ExternalSubnetReference *referenceJSON `json:"external_subnet_reference"`
	LocalSubnetReference    *referenceJSON `json:"local_subnet_reference"`
	VPNConnectionReference  *referenceJSON `json:"vpn_connection_reference"`
	DirectConnectReference  *referenceJSON `json:"direct_connect_virtual_interface_reference"`
}

type routeJSON struct {
	Destination string       `json:"destination"`
	NextHop     *nextHopJSON `json:"nexthop"`
}

func (r *routeJSON) toRoute() Route {
	out := Route{Destination: r.Destination}
	if h := r.NextHop; h != nil {
		out.NextHopExternalSubnetUUID = h.ExternalSubnetReference.toReference().UUID
		out.NextHopLocalSubnetUUID = h.LocalSubnetReference.toReference().UUID
		out.NextHopVPNConnectionUUID = h.VPNConnectionReference.toReference().UUID
		out.NextHopDirectConnectVIFUUID = h.DirectConnectReference.toReference().UUID
	}
	return out
}

type routeTableJSON struct {
	Metadata entityMetadata `json:"metadata"`
	Spec     *struct {
		Resources *struct {
			StaticRoutesList    []routeJSON  `json:"static_routes_list"`
			DefaultRouteNextHop *nextHopJSON `json:"default_route_nexthop"`
		} `json:"resources"`
	} `json:"spec"`
	Status *struct {
		State     string `json:"state"`
		Resources *struct {
			StaticRoutesList []routeJSON `json:"static_routes_list"`
			DefaultRoute     *routeJSON  `json:"default_route"`
		} `json:"resources"`
	} `json:"status"`
}

func (t *routeTableJSON) looksLikeV3() bool {
	return t.Metadata.UUID != "" || t.Metadata.Kind != "" || t.Spec != nil
}

// toRouteTable reads the routes of the spec, which is what is asked of
// the VPC and what an update writes; the status is the fallback for a
// table that has no spec (its routes carry priorities and states, and the
// default route is a route of its own there).
func (t *routeTableJSON) toRouteTable(vpcUUID string) RouteTable {
	out := RouteTable{VPCUUID: vpcUUID}
	if t.Status != nil {
		out.State = t.Status.State
	}
	switch {
	case t.Spec != nil && t.Spec.Resources != nil:
		for i := range t.Spec.Resources.StaticRoutesList {
			out.StaticRoutes = append(out.StaticRoutes, t.Spec.Resources.StaticRoutesList[i].toRoute())
		}
		if h := t.Spec.Resources.DefaultRouteNextHop; h != nil {
			out.DefaultRouteExternalSubnetUUID = h.ExternalSubnetReference.toReference().UUID
		} else {
			out.takeStaticDefault()
		}
	case t.Status != nil && t.Status.Resources != nil:
		for i := range t.Status.Resources.StaticRoutesList {
			out.StaticRoutes = append(out.StaticRoutes, t.Status.Resources.StaticRoutesList[i].toRoute())
		}
		if d := t.Status.Resources.DefaultRoute; d != nil && d.NextHop != nil {
			out.DefaultRouteExternalSubnetUUID = d.NextHop.ExternalSubnetReference.toReference().UUID
		}
	}
	return out
}

// takeStaticDefault makes a static route to 0.0.0.0/0 through an external
// subnet the table's default route, for a table whose spec has no
// default_route_nexthop: a Prism Central takes the default route in either
// form, and a table made by hand may carry it among the static routes.
func (rt *RouteTable) takeStaticDefault() {
	for i, r := range rt.StaticRoutes {
		if r.Destination == defaultRouteDestination && r.NextHopExternalSubnetUUID != "" && len(r.nextHops()) == 1 {
			rt.DefaultRouteExternalSubnetUUID = r.NextHopExternalSubnetUUID
			rt.StaticRoutes = append(rt.StaticRoutes[:i:i], rt.StaticRoutes[i+1:]...)
			return
		}
	}
}

// kindRouteTable declares the route table of a VPC: one per VPC, read and
// updated by the VPC's uuid, never created or deleted on its own.
var kindRouteTable = &entityKind[RouteTable, RouteTable]{noun: "route table", v3: &v3Kind[RouteTable, RouteTable, routeTableJSON]{
	kind:       "route_table",
	entityPath: func(vpcUUID string) string { return v3VPCs.path(vpcUUID) + "/route_tables" },
	decode:     (*routeTableJSON).toRouteTable,
	write: func(spec map[string]any, rt *RouteTable) error {
		writeRouteTableSpec(rawObject(spec, "resources"), rt)
		return nil
	},
}, v4: v4RouteTableFlow, wire: KindRouteTables}

// check verifies what the wire format needs before anything is sent.
func (rt *RouteTable) check(op string) error {
	var problems []string
	if rt.VPCUUID == "" {
		problems = append(problems, "no VPC uuid: say which VPC's route table to change")
	}
	for i := range rt.StaticRoutes {
		r := &rt.StaticRoutes[i]
		if p, err := netip.ParsePrefix(strings.TrimSpace(r.Destination)); err != nil || !p.Addr().Is4() {
			problems = append(problems, fmt.Sprintf("route destination %q is not an IPv4 network in prefix notation (e.g. 10.0.0.0/8)", r.Destination))
		}
		if n := len(r.nextHops()); n != 1 {
			problems = append(problems, fmt.Sprintf("route to %s has %d next hops: give exactly one", r.Destination, n))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", op, strings.Join(problems, "; "))
	}
	return nil
}

// GetRouteTable reads the route table of a VPC.
func (c *Client) GetRouteTable(ctx context.Context, vpcUUID string) (*RouteTable, error) {
	return kindRouteTable.flow(ctx, c).get(ctx, c, "reading the route table of VPC "+vpcUUID, vpcUUID)
}

// PutRouteTable makes the route table of VPC rt.VPCUUID hold exactly the
// static routes and default route of rt (an empty rt empties it) and waits
// for the task, then returns the table as read. It is a read-modify-write:
// the table's metadata and every field the client does not model are sent
// back as read, and a route whose destination and next hop stay keeps its
// other fields. Nothing is sent when the table already is as rt says; the
// update starts over on a spec_version conflict (up to 5 times).
func (c *Client) PutRouteTable(ctx context.Context, rt RouteTable) (*RouteTable, error) {
	op := "updating the route table of VPC " + rt.VPCUUID
	if err := rt.check(op); err != nil {
		return nil, err
	}
	return kindRouteTable.flow(ctx, c).update(ctx, c, op, rt.VPCUUID, &rt)
}

// writeRouteTableSpec applies rt to the raw resources of a route table
// spec.
func writeRouteTableSpec(res map[string]any, rt *RouteTable) {
	old := rawObjects(res["static_routes_list"])
	used := make([]bool, len(old))
	items := make([]any, 0, len(rt.StaticRoutes)+1)
	wantDefault := map[string][2]string{nextHopExternalSubnet: {subnetKind, rt.DefaultRouteExternalSubnetUUID}}
	// A default route written among the static routes, as a table made by
	// hand may have it, stays in that form while it goes where rt says.
	var staticDefault map[string]any
	at := 0 // where it stands among the routes, kept so that nothing moves
	if _, ok := res["default_route_nexthop"]; !ok && rt.DefaultRouteExternalSubnetUUID != "" {
		for i, o := range old {
			if rawString(o, "destination") == defaultRouteDestination && sameNextHop(o["nexthop"], wantDefault) {
				staticDefault, used[i], at = o, true, i
				break
			}
		}
	}
	for i := range rt.StaticRoutes {
		r := &rt.StaticRoutes[i]
		dest := strings.TrimSpace(r.Destination)
		if p, err := netip.ParsePrefix(dest); err == nil {
			dest = p.String()
		}
		hops := r.nextHops()
		// A route that stays as it is keeps what it holds beyond the
		// client's model; the first one with the destination is reused
		// otherwise, with its next hop replaced.
		item := takeObject(old, used, func(o map[string]any) bool {
			return rawString(o, "destination") == dest && sameNextHop(o["nexthop"], hops)
		})
		if item == nil {
			item = takeObject(old, used, func(o map[string]any) bool { return rawString(o, "destination") == dest })
			if item == nil {
				item = map[string]any{"destination": dest}
			}
			item["nexthop"] = newNextHop(hops)
		}
		items = append(items, item)
	}
	if staticDefault != nil {
		items = slices.Insert(items, min(at, len(items)), any(staticDefault))
	}
	putObjects(res, "static_routes_list", items)

	if rt.DefaultRouteExternalSubnetUUID == "" || staticDefault != nil {
		delete(res, "default_route_nexthop")
		return
	}
	if !sameNextHop(res["default_route_nexthop"], wantDefault) {
		res["default_route_nexthop"] = newNextHop(wantDefault)
	}
}

// sameNextHop reports whether a raw next hop points at exactly the
// references of want.
func sameNextHop(raw any, want map[string][2]string) bool {
	h, ok := raw.(map[string]any)
	if !ok {
		return false
	}
	n := 0
	for key := range h {
		if id := rawReferenceUUID(h, key); id != "" {
			n++
			if w, ok := want[key]; !ok || w[1] != id {
				return false
			}
		}
	}
	return n == len(want)
}

// newNextHop builds a raw next hop.
func newNextHop(hops map[string][2]string) map[string]any {
	out := make(map[string]any, len(hops))
	for key, ref := range hops {
		out[key] = map[string]any{"kind": ref[0], "uuid": ref[1]}
	}
	return out
}
