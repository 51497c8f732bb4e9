package prismsim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// Subnets, VPCs, route tables and routes for the v4 wire (v4.NetworkingBackend): the
// model's v3 subnets, VPCs and route tables converted to and from their networking v4.3
// forms. A subnet's and a VPC's extId is its v3 uuid (ASSUMPTION, as for protection
// policies: tools/prismsim/README.md, v4 section). A route table's extId is derived from
// its VPC (v3 names the table by the VPC's uuid; v4 gives it an id of its own), and a
// route's from its table and destination, kept when a v4 update moves the route to
// another destination. A v4 update writes what v4 says and keeps the fields of the stored
// v3 spec that v4 does not carry (vswitch_name, dhcp_server_address...). The checks are
// the v3 kinds' (prepareSubnet, prepareVPC, prepareRouteTable).

// routeTableData is what a route table holds beyond its spec: the extIds of routes that a
// v4 update moved to a new destination.
type routeTableData struct {
	ids map[string]string // destination -> route extId
}

// routeTableExtID is the v4 extId of the route table of a VPC.
func (pc *PC) routeTableExtID(vpcUUID string) string {
	return model.NameUUID("route-table", pc.uuid, vpcUUID)
}

func (pc *PC) routeExtIDLocked(rt *entity, dest string) string {
	if d, ok := rt.data.(*routeTableData); ok && d.ids[dest] != "" {
		return d.ids[dest]
	}
	return model.NameUUID("route", pc.uuid, rt.uuid, dest)
}

// v4Snapshot is a new intent whose spec is spec, for an entity that had prev (nil for a
// create).
func (pc *PC) v4Snapshot(spec map[string]any, name string, prev *snapshot) (*snapshot, error) {
	data, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{spec: data, name: name, categories: map[string][]string{}, meta: map[string]json.RawMessage{}, updated: pc.w.clock.Now()}
	if prev != nil {
		snap.categories, snap.meta = cloneMapping(prev.categories), prev.meta
	}
	return snap, nil
}

// keepUnmapped copies into updated the fields of stored that the v4 form does not carry:
// those mapped does not name; a nested map in mapped names the mapped fields of an object.
func keepUnmapped(stored, updated map[string]any, mapped map[string]any) {
	for k, v := range stored {
		sub, isTree := mapped[k].(map[string]any)
		switch {
		case mapped[k] == nil:
			if _, ok := updated[k]; !ok {
				updated[k] = v
			}
		case isTree:
			s, ok1 := v.(map[string]any)
			u, ok2 := updated[k].(map[string]any)
			if ok1 && ok2 {
				keepUnmapped(s, u, sub)
			}
		}
	}
}

// ---- subnets

var v4SubnetMapped = map[string]any{
	"name": true, "description": true, "cluster_reference": true,
	"resources": map[string]any{
		"subnet_type": true, "vlan_id": true, "vpc_reference": true, "is_external": true, "enable_nat": true,
		"ip_config": map[string]any{
			"subnet_ip": true, "prefix_length": true, "default_gateway_ip": true, "pool_list": true,
			"dhcp_options": map[string]any{"domain_name_server_list": true, "domain_search_list": true, "domain_name": true},
		},
	},
}

// Subnets implements v4.Backend.
func (pc *PC) Subnets() []v4.Subnet {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var out []v4.Subnet
	for _, e := range pc.entitiesLocked(subnetKind) {
		out = append(out, pc.v4SubnetLocked(e))
	}
	return out
}

func (pc *PC) v4SubnetLocked(e *entity) v4.Subnet {
	view := decodeSubnetSpec(e.intent.spec)
	raw := decodeObject(e.intent.spec)
	r := view.Resources
	s := v4.Subnet{ExtID: e.uuid, Name: e.intent.name, Type: r.SubnetType, NetworkID: r.VLANID}
	if view.Description != nil {
		s.Description = *view.Description
	}
	if ref := view.ClusterReference; ref != nil {
		s.ClusterExtID = normUUID(ref.UUID)
		if c := pc.entityLocked(clusterKind, s.ClusterExtID); c != nil {
			s.ClusterName = c.current().name
		}
	}
	if ref := r.VPCReference; ref != nil {
		s.VPCExtID = normUUID(ref.UUID)
	}
	external := r.IsExternal
	s.IsExternal = &external
	s.IsNATEnabled = r.EnableNAT
	if external && s.IsNATEnabled == nil {
		on := true // NAT is on by default on an external subnet (the SDK's isNatEnabled)
		s.IsNATEnabled = &on
	}
	if ipc := r.IPConfig; ipc != nil && ipc.PrefixLength != nil {
		cfg := &v4.SubnetIPv4{Network: v4.IPv4Prefix{IP: ipc.SubnetIP, PrefixLength: *ipc.PrefixLength}, Gateway: ipc.DefaultGatewayIP}
		for _, p := range ipc.PoolList {
			if first, last, err := parseRange(p.Range); err == nil {
				cfg.Pools = append(cfg.Pools, [2]string{first.String(), last.String()})
			}
		}
		s.IPv4 = cfg
	}
	res, _ := raw["resources"].(map[string]any)
	ipRaw, _ := res["ip_config"].(map[string]any)
	if dhcp, ok := ipRaw["dhcp_options"].(map[string]any); ok {
		d := &v4.DHCPOptions{DNSServers: stringList(dhcp["domain_name_server_list"]), SearchDomains: stringList(dhcp["domain_search_list"])}
		d.DomainName, _ = dhcp["domain_name"].(string)
		s.DHCP = d
	}
	return s
}

func stringList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// v3SubnetSpec is the v3 spec of a v4 subnet.
func v3SubnetSpec(s v4.Subnet) map[string]any {
	res := map[string]any{"subnet_type": s.Type}
	spec := map[string]any{"name": s.Name, "resources": res}
	if s.Description != "" {
		spec["description"] = s.Description
	}
	if s.ClusterExtID != "" {
		spec["cluster_reference"] = map[string]any{"kind": "cluster", "uuid": s.ClusterExtID}
	}
	if s.NetworkID != nil {
		res["vlan_id"] = *s.NetworkID
	}
	if s.VPCExtID != "" {
		res["vpc_reference"] = map[string]any{"kind": "vpc", "uuid": s.VPCExtID}
	}
	if s.IsExternal != nil {
		res["is_external"] = *s.IsExternal
	}
	if s.IsNATEnabled != nil && s.IsExternal != nil && *s.IsExternal {
		res["enable_nat"] = *s.IsNATEnabled
	} else if s.IsNATEnabled != nil && !*s.IsNATEnabled {
		res["enable_nat"] = false // refused by the v3 check, as it should be
	}
	var ipc map[string]any
	if c := s.IPv4; c != nil {
		ipc = map[string]any{"subnet_ip": c.Network.IP, "prefix_length": c.Network.PrefixLength}
		if c.Gateway != "" {
			ipc["default_gateway_ip"] = c.Gateway
		}
		if len(c.Pools) > 0 {
			pools := make([]any, 0, len(c.Pools))
			for _, p := range c.Pools {
				pools = append(pools, map[string]any{"range": p[0] + " " + p[1]})
			}
			ipc["pool_list"] = pools
		}
	}
	if d := s.DHCP; d != nil && (len(d.DNSServers) > 0 || len(d.SearchDomains) > 0 || d.DomainName != "") {
		if ipc == nil {
			ipc = map[string]any{}
		}
		dhcp := map[string]any{}
		if len(d.DNSServers) > 0 {
			dhcp["domain_name_server_list"] = d.DNSServers
		}
		if len(d.SearchDomains) > 0 {
			dhcp["domain_search_list"] = d.SearchDomains
		}
		if d.DomainName != "" {
			dhcp["domain_name"] = d.DomainName
		}
		ipc["dhcp_options"] = dhcp
	}
	if ipc != nil {
		res["ip_config"] = ipc
	}
	return spec
}

// CreateSubnet implements v4.Backend.
func (pc *PC) CreateSubnet(ctx context.Context, s v4.Subnet) (string, string, error) {
	return pc.v4Create(ctx, subnetKind, s.Name, v3SubnetSpec(s))
}

// UpdateSubnet implements v4.Backend.
func (pc *PC) UpdateSubnet(ctx context.Context, s v4.Subnet) (string, error) {
	return pc.v4Update(ctx, subnetKind, s.ExtID, s.Name, v3SubnetSpec(s), v4SubnetMapped, nil)
}

// DeleteSubnet implements v4.Backend.
func (pc *PC) DeleteSubnet(ctx context.Context, extID string) (string, error) {
	return pc.v4Delete(ctx, subnetKind, extID)
}

// v4Create creates an entity of kind k with a v3 spec under a new uuid; it answers the uuid
// and the task.
func (pc *PC) v4Create(ctx context.Context, k *kindSpec, name string, spec map[string]any) (string, string, error) {
	snap, err := pc.v4Snapshot(spec, name, nil)
	if err != nil {
		return "", "", err
	}
	id := newUUID()
	var taskID string
	if err := pc.createEntity(ctx, k, id, snap, func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", "", v4Err(err)
	}
	return id, taskID, nil
}

// v4Update makes entity id of kind k what spec says, keeping the stored fields mapped does
// not name; edit, when set, adjusts the spec with the entity's stored one (under the PC's
// mutex) first, and its error refuses the update.
func (pc *PC) v4Update(ctx context.Context, k *kindSpec, id, name string, spec map[string]any, mapped map[string]any,
	edit func(stored, spec map[string]any) error,
) (string, error) {
	id = normUUID(id)
	pc.mu.Lock()
	e := pc.entityLocked(k, id)
	if e == nil {
		pc.mu.Unlock()
		return "", notFoundError(k.name, id)
	}
	version, prev := e.version, e.intent
	stored := decodeObject(prev.spec)
	if edit != nil {
		if err := edit(stored, spec); err != nil {
			pc.mu.Unlock()
			return "", err
		}
	}
	pc.mu.Unlock()
	keepUnmapped(stored, spec, mapped)
	snap, err := pc.v4Snapshot(spec, name, prev)
	if err != nil {
		return "", err
	}
	var taskID string
	if err := pc.updateEntity(ctx, k, id, version, snap, func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", v4Err(err)
	}
	return taskID, nil
}

func (pc *PC) v4Delete(ctx context.Context, k *kindSpec, id string) (string, error) {
	var taskID string
	if err := pc.deleteEntity(ctx, k, normUUID(id), func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", v4Err(err)
	}
	return taskID, nil
}

// ---- VPCs

var v4VPCMapped = map[string]any{
	"name": true, "description": true,
	"resources": map[string]any{
		"vpc_type": true, "external_subnet_list": true, "externally_routable_prefix_list": true,
		"common_domain_name_server_ip_list": true,
	},
}

// VPCs implements v4.Backend.
func (pc *PC) VPCs() []v4.VPC {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var out []v4.VPC
	for _, e := range pc.entitiesLocked(vpcKind) {
		out = append(out, pc.v4VPCLocked(e))
	}
	return out
}

func (pc *PC) v4VPCLocked(e *entity) v4.VPC {
	spec := decodeVPCSpec(e.intent.spec)
	v := v4.VPC{ExtID: e.uuid, Name: e.intent.name, Type: vpcTypeOf(spec)}
	if spec.Description != nil {
		v.Description = *spec.Description
	}
	d, _ := e.data.(*vpcData)
	for _, id := range vpcExternalSubnets(e.intent) {
		es := v4.VPCExternalSubnet{SubnetExtID: id, ActiveGatewayCount: activeGatewayCnt}
		if d != nil && d.externalIPs[id] != "" {
			es.ExternalIPs = []string{d.externalIPs[id]}
			if sub := pc.entityLocked(subnetKind, id); sub != nil && !isNoNATExternal(sub.current()) {
				v.SNATIPs = append(v.SNATIPs, d.externalIPs[id])
			}
		}
		v.ExternalSubnets = append(v.ExternalSubnets, es)
	}
	for _, p := range spec.Resources.ExternallyRoutablePrefixList {
		if p.PrefixLength != nil {
			v.RoutablePrefixes = append(v.RoutablePrefixes, v4.IPv4Prefix{IP: p.IP, PrefixLength: *p.PrefixLength})
		}
	}
	for _, dns := range spec.Resources.CommonDomainNameServerIPList {
		v.DNSServers = append(v.DNSServers, dns.IP)
	}
	return v
}

func v3VPCSpec(v v4.VPC) map[string]any {
	ext := make([]any, 0, len(v.ExternalSubnets))
	for _, e := range v.ExternalSubnets {
		ext = append(ext, map[string]any{"external_subnet_reference": map[string]any{"kind": "subnet", "uuid": e.SubnetExtID}})
	}
	prefixes := make([]any, 0, len(v.RoutablePrefixes))
	for _, p := range v.RoutablePrefixes {
		prefixes = append(prefixes, map[string]any{"ip": p.IP, "prefix_length": p.PrefixLength})
	}
	dns := make([]any, 0, len(v.DNSServers))
	for _, d := range v.DNSServers {
		dns = append(dns, map[string]any{"ip": d})
	}
	spec := map[string]any{"name": v.Name, "resources": map[string]any{
		"vpc_type": v.Type, "external_subnet_list": ext, "externally_routable_prefix_list": prefixes,
		"common_domain_name_server_ip_list": dns,
	}}
	if v.Description != "" {
		spec["description"] = v.Description
	}
	return spec
}

// keepExternalSubnetItems keeps, on each external subnet that stays, the fields of its
// stored item that v4 does not carry.
func keepExternalSubnetItems(stored, spec map[string]any) error {
	oldRes, _ := stored["resources"].(map[string]any)
	newRes, _ := spec["resources"].(map[string]any)
	if oldRes == nil || newRes == nil {
		return nil
	}
	old := objectItems(oldRes["external_subnet_list"])
	for _, it := range objectItems(newRes["external_subnet_list"]) {
		id := referenceUUID(it, "external_subnet_reference")
		for _, o := range old {
			if normUUID(referenceUUID(o, "external_subnet_reference")) == normUUID(id) {
				for k, v := range o {
					if _, ok := it[k]; !ok {
						it[k] = v
					}
				}
			}
		}
	}
	return nil
}

// CreateVPC implements v4.Backend.
func (pc *PC) CreateVPC(ctx context.Context, v v4.VPC) (string, string, error) {
	return pc.v4Create(ctx, vpcKind, v.Name, v3VPCSpec(v))
}

// UpdateVPC implements v4.Backend.
func (pc *PC) UpdateVPC(ctx context.Context, v v4.VPC) (string, error) {
	return pc.v4Update(ctx, vpcKind, v.ExtID, v.Name, v3VPCSpec(v), v4VPCMapped, keepExternalSubnetItems)
}

// DeleteVPC implements v4.Backend.
func (pc *PC) DeleteVPC(ctx context.Context, extID string) (string, error) {
	return pc.v4Delete(ctx, vpcKind, extID)
}

// ---- route tables and routes

// RouteTables implements v4.Backend.
func (pc *PC) RouteTables() []v4.RouteTable {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var out []v4.RouteTable
	for _, e := range pc.entitiesLocked(routeTableKind) {
		out = append(out, v4.RouteTable{ExtID: pc.routeTableExtID(e.uuid), VPCExtID: e.uuid})
	}
	return out
}

// routeTableLocked returns the route table with a v4 extId, or nil.
func (pc *PC) routeTableLocked(extID string) *entity {
	for _, e := range pc.entitiesLocked(routeTableKind) {
		if pc.routeTableExtID(e.uuid) == normUUID(extID) {
			return e
		}
	}
	return nil
}

// Routes implements v4.Backend: the static routes and the default route of the table's
// intent, then the local route of each overlay subnet of the VPC.
func (pc *PC) Routes(tableExtID string) ([]v4.VPCRoute, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	rt := pc.routeTableLocked(tableExtID)
	if rt == nil {
		return nil, false
	}
	var attached []string
	if vpc := pc.entityLocked(vpcKind, rt.uuid); vpc != nil {
		attached = vpcExternalSubnets(vpc.current())
	}
	table := pc.routeTableExtID(rt.uuid)
	var out []v4.VPCRoute
	add := func(id, typ, dest string, nh *nexthopView, priority int) {
		prefix, err := netip.ParsePrefix(dest)
		if err != nil {
			return
		}
		st := pc.routeStatusLocked(rt.uuid, attached, dest, nh, priority)
		r := v4.VPCRoute{ExtID: id, TableExtID: table, VPCExtID: rt.uuid, Name: dest, Type: typ, Priority: priority,
			Destination: v4.IPv4Prefix{IP: prefix.Addr().String(), PrefixLength: int64(prefix.Bits())}}
		r.IsActive, _ = st["is_active"].(bool)
		hop, _ := st["nexthop"].(map[string]any)
		r.NexthopIP, _ = hop["nexthop_ip_address"].(string)
		switch {
		case nh == nil:
		case nh.ExternalSubnetReference != nil:
			r.NexthopType, r.NexthopRef = "EXTERNAL_SUBNET", normUUID(nh.ExternalSubnetReference.UUID)
		case nh.LocalSubnetReference != nil:
			r.NexthopType, r.NexthopRef = "LOCAL_SUBNET", normUUID(nh.LocalSubnetReference.UUID)
		case nh.VPNConnectionReference != nil:
			r.NexthopType, r.NexthopRef = "VPN_CONNECTION", normUUID(nh.VPNConnectionReference.UUID)
		case nh.DirectConnectVirtualInterfaceReference != nil:
			r.NexthopType, r.NexthopRef = "DIRECT_CONNECT_VIF", normUUID(nh.DirectConnectVirtualInterfaceReference.UUID)
		}
		if sub := pc.entityLocked(subnetKind, r.NexthopRef); sub != nil {
			r.NexthopName = sub.current().name
		}
		out = append(out, r)
	}
	spec := decodeRouteTableSpec(rt.intent.spec)
	if spec.Resources != nil {
		for _, r := range spec.Resources.StaticRoutesList {
			add(pc.routeExtIDLocked(rt, r.Destination), "STATIC", r.Destination, r.Nexthop, priorityStaticRoute)
		}
		if nh := spec.Resources.DefaultRouteNexthop; nh != nil {
			add(pc.routeExtIDLocked(rt, defaultDestination), "STATIC", defaultDestination, nh, priorityDefaultRoute)
		}
	}
	for _, sub := range pc.overlaySubnetsLocked(rt.uuid) {
		n := subnetNetworkOf(sub.current())
		if sub.committed == nil || n == nil {
			continue
		}
		add(model.NameUUID("route", pc.uuid, rt.uuid, "local", sub.uuid), "LOCAL", n.String(),
			&nexthopView{LocalSubnetReference: &refView{Kind: "subnet", UUID: sub.uuid}}, priorityLocalRoute)
	}
	return out, true
}

// v3Nexthop is the v3 next hop of a v4 route.
func v3Nexthop(r v4.VPCRoute) map[string]any {
	key := map[string]string{
		"EXTERNAL_SUBNET": "external_subnet_reference", "LOCAL_SUBNET": "local_subnet_reference",
		"VPN_CONNECTION": "vpn_connection_reference", "DIRECT_CONNECT_VIF": "direct_connect_virtual_interface_reference",
	}[r.NexthopType]
	kind := map[string]string{
		"EXTERNAL_SUBNET": "subnet", "LOCAL_SUBNET": "subnet", "VPN_CONNECTION": "vpn_connection",
		"DIRECT_CONNECT_VIF": "direct_connect_virtual_interface",
	}[r.NexthopType]
	return map[string]any{key: map[string]any{"kind": kind, "uuid": r.NexthopRef}}
}

// PutRoute implements v4.Backend: the route becomes part of the table's v3 document (a
// route to 0.0.0.0/0 through an external subnet as its default_route_nexthop, as v3 clients
// write it, unless the table keeps it among its static routes), and the table is updated.
func (pc *PC) PutRoute(ctx context.Context, r v4.VPCRoute, create bool) (string, string, error) {
	dest := r.Destination.String()
	if p, err := netip.ParsePrefix(dest); err == nil && p.Masked() != p {
		return "", "", &model.Error{Kind: model.Invalid, Field: "destination",
			Message: fmt.Sprintf("destination %s has host bits set (the network is %s)", dest, p.Masked())}
	}
	oldDest := ""
	if !create {
		routes, _ := pc.Routes(r.TableExtID)
		for _, cur := range routes {
			if cur.ExtID == normUUID(r.ExtID) {
				oldDest = cur.Destination.String()
			}
		}
	}
	pc.mu.Lock()
	rt := pc.routeTableLocked(r.TableExtID)
	if rt == nil {
		pc.mu.Unlock()
		return "", "", &model.Error{Kind: model.NotFound, Field: "routeTableExtId", Message: "route table " + r.TableExtID + " was not found"}
	}
	vpc, extID := rt.uuid, pc.routeExtIDLocked(rt, dest)
	if !create {
		extID = normUUID(r.ExtID)
	}
	pc.mu.Unlock()
	edit := func(stored, spec map[string]any) error {
		res := objectField(stored, "resources")
		static := objectItems(res["static_routes_list"])
		_, hasDefault := res["default_route_nexthop"]
		at, wasDefault := -1, false
		for i, o := range static {
			if stringField(o, "destination") == oldDest {
				at = i
			}
		}
		if oldDest == defaultDestination && hasDefault {
			wasDefault = true
		}
		taken := hasDefault && dest == defaultDestination && !wasDefault
		for i, o := range static {
			if stringField(o, "destination") == dest && i != at {
				taken = true
			}
		}
		if taken {
			return &model.Error{Kind: model.Exists, Field: "destination",
				Message: fmt.Sprintf("route table %s already has a route to %s", r.TableExtID, dest)}
		}
		if wasDefault {
			delete(res, "default_route_nexthop")
		}
		item := map[string]any{"destination": dest, "nexthop": v3Nexthop(r)}
		switch {
		case dest == defaultDestination && r.NexthopType == "EXTERNAL_SUBNET" && (create || wasDefault):
			res["default_route_nexthop"] = v3Nexthop(r)
			if at >= 0 {
				static = append(static[:at], static[at+1:]...)
			}
		case at >= 0:
			for k, v := range static[at] {
				if _, ok := item[k]; !ok {
					item[k] = v
				}
			}
			static[at] = item
		default:
			static = append(static, item)
		}
		items := make([]any, len(static))
		for i, o := range static {
			items[i] = o
		}
		res["static_routes_list"] = items
		for k, v := range stored {
			spec[k] = v
		}
		return nil
	}
	spec := map[string]any{}
	task, err := pc.v4Update(ctx, routeTableKind, vpc, "", spec, map[string]any{}, edit)
	if err != nil {
		return "", "", err
	}
	if !create && oldDest != dest {
		pc.mu.Lock()
		d, _ := rt.data.(*routeTableData)
		if d == nil {
			d = &routeTableData{ids: map[string]string{}}
			rt.data = d
		}
		delete(d.ids, oldDest)
		d.ids[dest] = extID
		pc.mu.Unlock()
	}
	return extID, task, nil
}

// DeleteRoute implements v4.Backend.
func (pc *PC) DeleteRoute(ctx context.Context, tableExtID, routeExtID string) (string, error) {
	routes, ok := pc.Routes(tableExtID)
	if !ok {
		return "", &model.Error{Kind: model.NotFound, Field: "routeTableExtId", Message: "route table " + tableExtID + " was not found"}
	}
	dest := ""
	for _, r := range routes {
		if r.ExtID == normUUID(routeExtID) && r.Type == "STATIC" {
			dest = r.Destination.String()
		}
	}
	if dest == "" {
		return "", &model.Error{Kind: model.NotFound, Field: "extId", Message: "route " + routeExtID + " was not found"}
	}
	pc.mu.Lock()
	rt := pc.routeTableLocked(tableExtID)
	pc.mu.Unlock()
	if rt == nil {
		return "", &model.Error{Kind: model.NotFound, Field: "routeTableExtId", Message: "route table " + tableExtID + " was not found"}
	}
	task, err := pc.v4Update(ctx, routeTableKind, rt.uuid, "", map[string]any{}, map[string]any{}, func(stored, spec map[string]any) error {
		res := objectField(stored, "resources")
		if dest == defaultDestination {
			delete(res, "default_route_nexthop")
		}
		items := []any{}
		for _, o := range objectItems(res["static_routes_list"]) {
			if stringField(o, "destination") != dest {
				items = append(items, o)
			}
		}
		res["static_routes_list"] = items
		for k, v := range stored {
			spec[k] = v
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	pc.mu.Lock()
	if d, ok := rt.data.(*routeTableData); ok {
		delete(d.ids, dest)
	}
	pc.mu.Unlock()
	return task, nil
}

// Raw-document helpers over decoded JSON objects.

// objectField returns the object at key, creating it when missing.
func objectField(m map[string]any, key string) map[string]any {
	o, ok := m[key].(map[string]any)
	if !ok {
		o = map[string]any{}
		m[key] = o
	}
	return o
}

// objectItems returns the objects of a list.
func objectItems(v any) []map[string]any {
	l, _ := v.([]any)
	out := make([]map[string]any, 0, len(l))
	for _, x := range l {
		if o, ok := x.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

func stringField(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// referenceUUID is the uuid of the reference at key.
func referenceUUID(m map[string]any, key string) string {
	ref, _ := m[key].(map[string]any)
	return stringField(ref, "uuid")
}
