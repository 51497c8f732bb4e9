package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Subnets, VPCs and route tables over the v4 API (networking v4.3; internal/apispec/v4/README.md,
// "Subnets, VPCs, route tables, routes"), behind the same Subnet, VPC and RouteTable:
//   - a subnet's and a VPC's id is its extId, taken to be the v3 uuid of the same entity
//     (UNCONFIRMED, as for protection policies: nothing in the SDK or on nutanix.dev says
//     otherwise, and the VPC of an overlay subnet, the external subnet of a VPC and a
//     route's next hop are named by the same ids on both wires);
//   - a route table keeps the VPC's uuid as its id (as over v3, where the table lives at
//     /vpcs/{uuid}/route_tables): its own v4 extId is found by one list filtered on
//     vpcReference, so state written under one wire reads under the other;
//   - the table's v3 document (static routes, a default route) is one v4 Route entity per
//     route: the default route is the static route to 0.0.0.0/0 through an external subnet
//     (RouteTable.takeStaticDefault), and a write is a set of route creates, updates and
//     deletes, each under its own request id with If-Match on updates and deletes.
// A subnet's DHCP options are the subnet's dhcpOptions over v4 (inside ip_config over v3).

// v4 JSON of the networking models, as the client reads them.
type (
	v4IPv4ValueJSON struct {
		Value string `json:"value"`
	}
	v4IPAddressJSON struct {
		IPv4 *v4IPv4ValueJSON `json:"ipv4"`
	}
	v4IPv4NetJSON struct {
		IP           *v4IPv4ValueJSON `json:"ip"`
		PrefixLength *int             `json:"prefixLength"`
	}
	v4IPSubnetJSON struct {
		IPv4 *v4IPv4NetJSON `json:"ipv4"`
	}
)

func (n *v4IPv4NetJSON) String() string {
	if n == nil || n.IP == nil || n.PrefixLength == nil {
		return ""
	}
	return fmt.Sprintf("%s/%d", n.IP.Value, *n.PrefixLength)
}

func v4Addresses(in []v4IPAddressJSON) []string {
	var out []string
	for _, a := range in {
		if a.IPv4 != nil && a.IPv4.Value != "" {
			out = append(out, a.IPv4.Value)
		}
	}
	return out
}

type v4SubnetJSON struct {
	ExtID            string `json:"extId"`
	Name             string `json:"name"`
	Description      string `json:"description"`
	SubnetType       string `json:"subnetType"`
	NetworkID        *int64 `json:"networkId"`
	ClusterReference string `json:"clusterReference"`
	ClusterName      string `json:"clusterName"`
	VPCReference     string `json:"vpcReference"`
	IsExternal       *bool  `json:"isExternal"`
	IsNATEnabled     *bool  `json:"isNatEnabled"`
	IPConfig         []struct {
		IPv4 *struct {
			IPSubnet         *v4IPv4NetJSON   `json:"ipSubnet"`
			DefaultGatewayIP *v4IPv4ValueJSON `json:"defaultGatewayIp"`
			PoolList         []struct {
				StartIP *v4IPv4ValueJSON `json:"startIp"`
				EndIP   *v4IPv4ValueJSON `json:"endIp"`
			} `json:"poolList"`
		} `json:"ipv4"`
	} `json:"ipConfig"`
	DHCPOptions *struct {
		DomainNameServers []v4IPAddressJSON `json:"domainNameServers"`
		SearchDomains     []string          `json:"searchDomains"`
		DomainName        string            `json:"domainName"`
	} `json:"dhcpOptions"`
}

// v4Subnets is the subnet on the v4 wire.
var v4Subnets = &v4Kind[Subnet, SubnetSpec]{
	ns:         v4Networking,
	collection: "/config/subnets",
	rel:        "subnet",
	decode:     decodeV4Subnet,
	write:      writeV4Subnet,
	name:       func(s *SubnetSpec) string { return s.Name },
}

func decodeV4Subnet(_ context.Context, _ *Client, raw json.RawMessage) (Subnet, error) {
	var j v4SubnetJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return Subnet{}, &DecodeError{What: "a v4 subnet", Err: err}
	}
	out := Subnet{UUID: j.ExtID, Name: j.Name, Description: j.Description, SubnetType: j.SubnetType,
		ClusterUUID: j.ClusterReference, ClusterName: j.ClusterName, VPCUUID: j.VPCReference,
		IsExternal: j.IsExternal != nil && *j.IsExternal, EnableNAT: j.IsNATEnabled}
	if j.SubnetType == SubnetTypeVLAN {
		out.VLANID = j.NetworkID // an overlay subnet's networkId is its VNI
	}
	if len(j.IPConfig) > 0 && j.IPConfig[0].IPv4 != nil {
		c := j.IPConfig[0].IPv4
		cfg := &IPConfig{CIDR: c.IPSubnet.String()}
		if c.DefaultGatewayIP != nil {
			cfg.GatewayIP = c.DefaultGatewayIP.Value
		}
		for _, p := range c.PoolList {
			if p.StartIP != nil && p.EndIP != nil {
				cfg.Pools = append(cfg.Pools, p.StartIP.Value+"-"+p.EndIP.Value)
			}
		}
		if d := j.DHCPOptions; d != nil {
			cfg.DNSServers, cfg.DomainSearch, cfg.DomainName = v4Addresses(d.DomainNameServers), d.SearchDomains, d.DomainName
		}
		out.CIDR, out.GatewayIP, out.IPConfig = cfg.CIDR, cfg.GatewayIP, cfg
	}
	return out, nil
}

func v4Address(ip string) map[string]any { return map[string]any{"value": ip} }

func v4IPAddress(ip string) map[string]any { return map[string]any{"ipv4": v4Address(ip)} }

func v4Net(p netip.Prefix) map[string]any {
	return map[string]any{"ip": v4Address(p.Addr().String()), "prefixLength": p.Bits()}
}

// rawV4Value is the value of the IPv4 address object at key.
func rawV4Value(m map[string]any, key string) string { return rawString(rawChild(m, key), "value") }

// rawV4Net is the network of an IPv4Subnet object, as "ip/bits".
func rawV4Net(m map[string]any) string {
	if m == nil {
		return ""
	}
	return rawV4Value(m, "ip") + "/" + rawNumber(m, "prefixLength")
}

// writeV4Subnet applies s to a v4 subnet as read or new, with UpdateSubnet's rules.
func writeV4Subnet(_ context.Context, _ *Client, body map[string]any, s *SubnetSpec) error {
	if cur := rawString(body, "subnetType"); s.SubnetType != "" && cur != "" && !strings.EqualFold(cur, s.SubnetType) {
		return fmt.Errorf("the subnet is of type %s and cannot become %s: replace it", cur, s.SubnetType)
	}
	if s.Name != "" {
		body["name"] = s.Name
	}
	putString(body, "description", s.Description)
	if s.ClusterUUID != "" {
		body["clusterReference"] = s.ClusterUUID
	}
	if s.SubnetType != "" && !strings.EqualFold(rawString(body, "subnetType"), s.SubnetType) {
		body["subnetType"] = s.SubnetType
	}
	if s.VLANID != nil {
		body["networkId"] = *s.VLANID
	}
	if s.VPCUUID != "" {
		body["vpcReference"] = s.VPCUUID
	}
	if s.IsExternal != nil {
		body["isExternal"] = *s.IsExternal
	}
	if s.EnableNAT != nil {
		body["isNatEnabled"] = *s.EnableNAT
	}
	if s.IPConfig == nil {
		return nil
	}
	cfg := s.IPConfig
	items := rawObjects(body["ipConfig"])
	item := map[string]any{}
	if len(items) > 0 {
		item = items[0]
	}
	ip := rawObject(item, "ipv4")
	if p, err := netip.ParsePrefix(strings.TrimSpace(cfg.CIDR)); err == nil && rawV4Net(rawChild(ip, "ipSubnet")) != p.String() {
		ip["ipSubnet"] = v4Net(p)
	}
	if cfg.GatewayIP == "" {
		delete(ip, "defaultGatewayIp")
	} else if rawV4Value(ip, "defaultGatewayIp") != cfg.GatewayIP {
		ip["defaultGatewayIp"] = v4Address(cfg.GatewayIP)
	}
	pools := make([][2]string, len(cfg.Pools))
	for i, p := range cfg.Pools {
		pools[i][0], pools[i][1], _ = SplitPool(p)
	}
	putObjects(ip, "poolList", takeItems(rawObjects(ip["poolList"]), pools,
		func(o map[string]any, p [2]string) bool {
			return rawV4Value(o, "startIp") == p[0] && rawV4Value(o, "endIp") == p[1]
		},
		func(p [2]string) map[string]any {
			return map[string]any{"startIp": v4Address(p[0]), "endIp": v4Address(p[1])}
		}))
	body["ipConfig"] = append([]any{item}, anyItems(items[min(1, len(items)):])...)

	_, hadDHCP := body["dhcpOptions"].(map[string]any)
	if !hadDHCP && len(cfg.DNSServers) == 0 && len(cfg.DomainSearch) == 0 && cfg.DomainName == "" {
		return nil
	}
	dhcp := rawObject(body, "dhcpOptions")
	putObjects(dhcp, "domainNameServers", takeItems(rawObjects(dhcp["domainNameServers"]), cfg.DNSServers,
		func(o map[string]any, d string) bool { return rawV4Value(o, "ipv4") == d },
		func(d string) map[string]any { return v4IPAddress(d) }))
	putStrings(dhcp, "searchDomains", cfg.DomainSearch)
	putString(dhcp, "domainName", cfg.DomainName)
	return nil
}

func anyItems(items []map[string]any) []any {
	out := make([]any, len(items))
	for i, o := range items {
		out[i] = o
	}
	return out
}

type v4VPCJSON struct {
	ExtID           string `json:"extId"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	ExternalSubnets []struct {
		SubnetReference string `json:"subnetReference"`
	} `json:"externalSubnets"`
	ExternallyRoutablePrefixes []v4IPSubnetJSON `json:"externallyRoutablePrefixes"`
	CommonDHCPOptions          *struct {
		DomainNameServers []v4IPAddressJSON `json:"domainNameServers"`
	} `json:"commonDhcpOptions"`
}

// v4VPCs is the VPC on the v4 wire.
var v4VPCs = &v4Kind[VPC, VPC]{
	ns:         v4Networking,
	collection: "/config/vpcs",
	rel:        "vpc",
	decode:     decodeV4VPC,
	write:      writeV4VPC,
	name:       func(v *VPC) string { return v.Name },
}

func decodeV4VPC(_ context.Context, _ *Client, raw json.RawMessage) (VPC, error) {
	var j v4VPCJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return VPC{}, &DecodeError{What: "a v4 VPC", Err: err}
	}
	out := VPC{UUID: j.ExtID, Name: j.Name, Description: j.Description}
	for _, e := range j.ExternalSubnets {
		if e.SubnetReference != "" {
			out.ExternalSubnetUUIDs = append(out.ExternalSubnetUUIDs, e.SubnetReference)
		}
	}
	for _, p := range j.ExternallyRoutablePrefixes {
		if s := p.IPv4.String(); s != "" {
			out.ExternallyRoutablePrefixes = append(out.ExternallyRoutablePrefixes, s)
		}
	}
	if d := j.CommonDHCPOptions; d != nil {
		out.DNSServers = v4Addresses(d.DomainNameServers)
	}
	return out, nil
}

// writeV4VPC applies v to a v4 VPC as read or new, with UpdateVPC's rules: an item that
// stays keeps what it holds beyond the client's model (externalIps, gatewayNodes...).
func writeV4VPC(_ context.Context, _ *Client, body map[string]any, v *VPC) error {
	body["name"] = v.Name
	putString(body, "description", v.Description)
	ids := make([]string, len(v.ExternalSubnetUUIDs))
	for i, id := range v.ExternalSubnetUUIDs {
		ids[i] = strings.TrimSpace(id)
	}
	putObjects(body, "externalSubnets", takeItems(rawObjects(body["externalSubnets"]), ids,
		func(o map[string]any, id string) bool { return rawString(o, "subnetReference") == id },
		func(id string) map[string]any { return map[string]any{"subnetReference": id} }))
	var prefixes []netip.Prefix
	for _, p := range v.ExternallyRoutablePrefixes {
		if pr, err := netip.ParsePrefix(strings.TrimSpace(p)); err == nil {
			prefixes = append(prefixes, pr)
		}
	}
	putObjects(body, "externallyRoutablePrefixes", takeItems(rawObjects(body["externallyRoutablePrefixes"]), prefixes,
		func(o map[string]any, pr netip.Prefix) bool { return rawV4Net(rawChild(o, "ipv4")) == pr.String() },
		func(pr netip.Prefix) map[string]any { return map[string]any{"ipv4": v4Net(pr)} }))
	_, hadDHCP := body["commonDhcpOptions"].(map[string]any)
	if !hadDHCP && len(v.DNSServers) == 0 {
		return nil
	}
	dhcp := rawObject(body, "commonDhcpOptions")
	putObjects(dhcp, "domainNameServers", takeItems(rawObjects(dhcp["domainNameServers"]), v.DNSServers,
		func(o map[string]any, d string) bool { return rawV4Value(o, "ipv4") == d },
		func(d string) map[string]any { return v4IPAddress(d) }))
	return nil
}

// v4RouteTables is the route table on the v4 wire: read and written by its VPC's uuid.
type v4RouteTables struct{}

var v4RouteTableFlow = &v4RouteTables{}

type v4RouteJSON struct {
	ExtID       string          `json:"extId"`
	RouteType   string          `json:"routeType"`
	Destination *v4IPSubnetJSON `json:"destination"`
	Nexthop     *struct {
		NexthopType      string `json:"nexthopType"`
		NexthopReference string `json:"nexthopReference"`
	} `json:"nexthop"`
}

// v4NextHops maps the next hop types of a v4 route to the client's Route fields.
var v4NextHops = []struct {
	typ string
	get func(r *Route) *string
}{
	{"EXTERNAL_SUBNET", func(r *Route) *string { return &r.NextHopExternalSubnetUUID }},
	{"LOCAL_SUBNET", func(r *Route) *string { return &r.NextHopLocalSubnetUUID }},
	{"VPN_CONNECTION", func(r *Route) *string { return &r.NextHopVPNConnectionUUID }},
	{"DIRECT_CONNECT_VIF", func(r *Route) *string { return &r.NextHopDirectConnectVIFUUID }},
}

func (j *v4RouteJSON) toRoute() (Route, bool) {
	if j.Destination == nil || j.Nexthop == nil {
		return Route{}, false
	}
	r := Route{Destination: j.Destination.IPv4.String()}
	for _, h := range v4NextHops {
		if h.typ == j.Nexthop.NexthopType {
			*h.get(&r) = j.Nexthop.NexthopReference
			return r, true
		}
	}
	return r, false // IP_ADDRESS: no form in the client's model
}

// nextHopOf is the v4 type and reference of a route's one next hop.
func nextHopOf(r *Route) (string, string) {
	for _, h := range v4NextHops {
		if id := *h.get(r); id != "" {
			return h.typ, id
		}
	}
	return "", ""
}

// tableOf finds the v4 route table of a VPC.
func (*v4RouteTables) tableOf(ctx context.Context, c *Client, op, vpcUUID string) (string, error) {
	type table struct {
		ExtID        string `json:"extId"`
		VPCReference string `json:"vpcReference"`
	}
	found, err := listV4[table](ctx, c, v4List{op: op, path: v4Networking.Path("/config/route-tables"), filter: V4FilterEq("vpcReference", vpcUUID)})
	if err != nil {
		return "", err
	}
	for _, t := range found {
		if strings.EqualFold(t.VPCReference, vpcUUID) && t.ExtID != "" {
			return t.ExtID, nil
		}
	}
	return "", fmt.Errorf("%s: VPC %s has no route table: %w", op, vpcUUID, ErrNotFound)
}

// routes reads the static routes of a table (local and dynamic routes are the system's).
func (f *v4RouteTables) routes(ctx context.Context, c *Client, op, table string) ([]v4RouteJSON, error) {
	all, err := listV4[v4RouteJSON](ctx, c, v4List{op: op, path: f.routesPath(table)})
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, r := range all {
		if r.RouteType == "STATIC" {
			out = append(out, r)
		}
	}
	return out, nil
}

func (*v4RouteTables) routesPath(table string) string {
	return v4Networking.Path("/config/route-tables/" + escape(table) + "/routes")
}

func (f *v4RouteTables) get(ctx context.Context, c *Client, op, vpcUUID string) (*RouteTable, error) {
	table, err := f.tableOf(ctx, c, op, vpcUUID)
	if err != nil {
		return nil, err
	}
	routes, err := f.routes(ctx, c, op, table)
	if err != nil {
		return nil, err
	}
	out := RouteTable{VPCUUID: vpcUUID}
	for i := range routes {
		r, ok := routes[i].toRoute()
		if !ok {
			return nil, noV4Form("%s: route %s has a next hop of type %s, which this client does not model", op, routes[i].ExtID, routes[i].Nexthop.NexthopType)
		}
		out.StaticRoutes = append(out.StaticRoutes, r)
	}
	out.takeStaticDefault()
	return &out, nil
}

func (f *v4RouteTables) list(ctx context.Context, c *Client, op, _ string, _ func(pages int) bool) ([]RouteTable, error) {
	type table struct {
		VPCReference string `json:"vpcReference"`
	}
	tables, err := listV4[table](ctx, c, v4List{op: op, path: v4Networking.Path("/config/route-tables")})
	if err != nil {
		return nil, err
	}
	out := make([]RouteTable, 0, len(tables))
	for _, t := range tables {
		rt, err := f.get(ctx, c, op, t.VPCReference)
		if err != nil {
			return nil, err
		}
		out = append(out, *rt)
	}
	return out, nil
}

var errRouteTableLifecycle = errors.New("a route table comes and goes with its VPC: it is not created or deleted on its own")

func (*v4RouteTables) create(_ context.Context, _ *Client, op string, _ *RouteTable, _ string, _ func(string) *RouteTable) (*RouteTable, error) {
	return nil, fmt.Errorf("%s: %w", op, errRouteTableLifecycle)
}

func (*v4RouteTables) remove(_ context.Context, _ *Client, op, _ string) error {
	return fmt.Errorf("%s: %w", op, errRouteTableLifecycle)
}

// update makes the table's static routes and default route those of rt: a route that
// stays as it is is not touched; one whose destination stays but next hop changes is
// updated (If-Match); the others are deleted (If-Match), then the new ones created, each
// under its own request id and waited for.
func (f *v4RouteTables) update(ctx context.Context, c *Client, op, vpcUUID string, rt *RouteTable) (*RouteTable, error) {
	want := append([]Route(nil), rt.StaticRoutes...)
	if rt.DefaultRouteExternalSubnetUUID != "" {
		want = append(want, Route{Destination: defaultRouteDestination, NextHopExternalSubnetUUID: rt.DefaultRouteExternalSubnetUUID})
	}
	for i := range want {
		if p, err := netip.ParsePrefix(strings.TrimSpace(want[i].Destination)); err == nil {
			want[i].Destination = p.String()
		}
	}
	table, err := f.tableOf(ctx, c, op, vpcUUID)
	if err != nil {
		return nil, err
	}
	cur, err := f.routes(ctx, c, op, table)
	if err != nil {
		return nil, err
	}
	have := make([]Route, len(cur))
	for i := range cur {
		have[i], _ = cur[i].toRoute()
	}
	kept, wanted := make([]bool, len(cur)), make([]bool, len(want))
	for i := range want {
		for j := range have {
			if !kept[j] && have[j] == want[i] {
				kept[j], wanted[i] = true, true
				break
			}
		}
	}
	type change struct {
		route int // index in want
		at    int // index in cur: an update; -1: a create
	}
	var changes []change
	for i := range want {
		if wanted[i] {
			continue
		}
		at := -1
		for j := range have {
			if !kept[j] && have[j].Destination == want[i].Destination {
				at, kept[j] = j, true
				break
			}
		}
		changes = append(changes, change{route: i, at: at})
	}
	for j := range cur {
		if !kept[j] {
			if err := c.deleteV4(ctx, op, f.routesPath(table)+"/"+escape(cur[j].ExtID)); err != nil && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
		}
	}
	for _, ch := range changes {
		r := want[ch.route]
		if ch.at < 0 {
			body := map[string]any{}
			writeV4Route(body, &r)
			task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPost, path: f.routesPath(table), in: body, requestID: NewRequestID()})
			if err == nil {
				_, err = c.WaitForV4Task(ctx, task, op, nil)
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		path := f.routesPath(table) + "/" + escape(cur[ch.at].ExtID)
		err := conditionalV4(ctx, c, op, func() (json.RawMessage, string, error) {
			var raw json.RawMessage
			etag, err := c.getV4Entity(ctx, op, path, &raw)
			return raw, etag, err
		}, func(raw json.RawMessage, etag string) (string, bool, error) {
			body := map[string]any{}
			if err := decodeNumbers(raw, &body); err != nil {
				return "", false, err
			}
			writeV4Route(body, &r)
			task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPut, path: path, in: body, requestID: NewRequestID(), etag: etag})
			return task, true, err
		})
		if err != nil {
			return nil, err
		}
	}
	return f.get(ctx, c, op, vpcUUID)
}

// writeV4Route applies r to a v4 route as read or new.
func writeV4Route(body map[string]any, r *Route) {
	typ, ref := nextHopOf(r)
	p, err := netip.ParsePrefix(r.Destination)
	if err == nil {
		body["destination"] = map[string]any{"ipv4": v4Net(p)}
	}
	if rawString(body, "name") == "" {
		body["name"] = r.Destination
	}
	body["routeType"] = "STATIC"
	nh := rawObject(body, "nexthop")
	if rawString(nh, "nexthopType") != typ || rawString(nh, "nexthopReference") != ref {
		body["nexthop"] = map[string]any{"nexthopType": typ, "nexthopReference": ref}
	}
}
