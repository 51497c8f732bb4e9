package v4

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
)

// Networking (networking v4.3, SDK networking-go-client api/{subnets,vpcs,route_tables,
// routes}_api.go, models/networking/v4/config Subnet, Vpc, RouteTable, Route):
//
//	POST   /api/networking/v4.3/config/subnets                 -> 202 TaskReference
//	GET    /api/networking/v4.3/config/subnets[?OData]          -> []Subnet
//	GET    /api/networking/v4.3/config/subnets/{extId}          -> Subnet, ETag
//	PUT    /api/networking/v4.3/config/subnets/{extId}          -> 202 TaskReference (If-Match)
//	DELETE /api/networking/v4.3/config/subnets/{extId}          -> 202 TaskReference (If-Match)
//	(the same five for /config/vpcs)
//	GET    /api/networking/v4.3/config/route-tables[?OData]     -> []RouteTable
//	GET    /api/networking/v4.3/config/route-tables/{extId}     -> RouteTable, ETag
//	POST   /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes          -> 202 TaskReference
//	GET    /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes[?OData]  -> []Route
//	GET    /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes/{extId}  -> Route, ETag
//	PUT    /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes/{extId}  -> 202 TaskReference (If-Match)
//	DELETE /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes/{extId}  -> 202 TaskReference (If-Match)
//
// Subnets and VPCs are the model's (v3) subnets and VPCs, one entity whichever wire created
// it, their extId the v3 uuid. A route table is the VPC's one table (read only: it comes and
// goes with its VPC); a route is one route of the table's v3 document (a static route, the
// default route, or the local route of an overlay subnet), so every route mutation is an
// update of the table with its own task. The model's checks are v3's: their messages name
// v3 fields.

// Networking is the networking namespace at the revision of the pinned SDK.
var Networking = Namespace{Name: "networking", Version: "v4.3", codePfx: "NET", revision: "v4.r3"}

var (
	subnetsPath     = Networking.Prefix() + "/config/subnets"
	vpcsPath        = Networking.Prefix() + "/config/vpcs"
	routeTablesPath = Networking.Prefix() + "/config/route-tables"
	routesPath      = routeTablesPath + "/{routeTableExtId}/routes"
)

// What $filter and $orderby take (the SDK's List*Request comments name these among others).
var (
	subnetFields     = []string{"extId", "name", "subnetType", "clusterReference", "vpcReference", "isExternal", "networkId", "clusterName"}
	vpcFields        = []string{"extId", "name", "vpcType"}
	routeTableFields = []string{"extId", "vpcReference"}
	routeFields      = []string{"extId", "name", "routeType", "vpcReference", "routeTableReference", "isActive", "priority"}
)

const (
	subnetType     = "networking.v4.config.Subnet"
	vpcType        = "networking.v4.config.Vpc"
	routeTableType = "networking.v4.config.RouteTable"
	routeType      = "networking.v4.config.Route"
	netTaskResp    = "networking.v4.config.TaskReferenceApiResponse"
)

// NetworkingBackend is what the v4 wire needs of a PC for subnets, VPCs, route tables and
// routes. Mutations answer the id of the model's task that settles them.
type NetworkingBackend interface {
	Subnets() []Subnet
	CreateSubnet(ctx context.Context, s Subnet) (extID, taskID string, err error)
	UpdateSubnet(ctx context.Context, s Subnet) (taskID string, err error)
	DeleteSubnet(ctx context.Context, extID string) (taskID string, err error)

	VPCs() []VPC
	CreateVPC(ctx context.Context, v VPC) (extID, taskID string, err error)
	UpdateVPC(ctx context.Context, v VPC) (taskID string, err error)
	DeleteVPC(ctx context.Context, extID string) (taskID string, err error)

	RouteTables() []RouteTable
	// Routes returns the routes of a table; ok is false when there is no such table.
	Routes(tableExtID string) (routes []VPCRoute, ok bool)
	// PutRoute adds the route (create) or replaces the route with r.ExtID.
	PutRoute(ctx context.Context, r VPCRoute, create bool) (extID, taskID string, err error)
	DeleteRoute(ctx context.Context, tableExtID, routeExtID string) (taskID string, err error)
}

// Subnet is networking.v4.config.Subnet in the model's terms.
type Subnet struct {
	ExtID, Name, Description string
	Type                     string // VLAN or OVERLAY
	NetworkID                *int64 // the VLAN id
	ClusterExtID             string
	ClusterName              string // read only
	VPCExtID                 string
	IsExternal               *bool
	IsNATEnabled             *bool
	IPv4                     *SubnetIPv4
	DHCP                     *DHCPOptions
}

// SubnetIPv4 is a subnet's IPv4 configuration.
type SubnetIPv4 struct {
	Network IPv4Prefix
	Gateway string
	Pools   [][2]string // first, last
}

// DHCPOptions are a subnet's DHCP options.
type DHCPOptions struct {
	DNSServers    []string
	SearchDomains []string
	DomainName    string
}

// IPv4Prefix is an IPv4 network.
type IPv4Prefix struct {
	IP           string
	PrefixLength int64
}

func (p IPv4Prefix) String() string { return fmt.Sprintf("%s/%d", p.IP, p.PrefixLength) }

// VPC is networking.v4.config.Vpc in the model's terms.
type VPC struct {
	ExtID, Name, Description string
	Type                     string // REGULAR or TRANSIT
	ExternalSubnets          []VPCExternalSubnet
	RoutablePrefixes         []IPv4Prefix
	DNSServers               []string
	SNATIPs                  []string // read only
}

// VPCExternalSubnet is an external subnet of a VPC and, read only, the VPC's address on it.
type VPCExternalSubnet struct {
	SubnetExtID        string
	ExternalIPs        []string
	ActiveGatewayCount int
}

// RouteTable is networking.v4.config.RouteTable: the one table of a VPC.
type RouteTable struct{ ExtID, VPCExtID string }

// VPCRoute is networking.v4.config.Route in the model's terms.
type VPCRoute struct {
	ExtID, TableExtID, VPCExtID string
	Name, Description           string
	Type                        string // STATIC, LOCAL (read only)
	Destination                 IPv4Prefix
	NexthopType                 string // EXTERNAL_SUBNET, LOCAL_SUBNET, VPN_CONNECTION, DIRECT_CONNECT_VIF, IP_ADDRESS
	NexthopRef                  string
	NexthopName                 string // read only
	NexthopIP                   string // read only, or the address of an IP_ADDRESS next hop
	Priority                    int
	IsActive                    bool
}

func networkingRoutes() []Route {
	out := append(netSubnets.routes(subnetsPath, "subnet"), netVPCs.routes(vpcsPath, "vpc")...)
	return append(out, []Route{
		{http.MethodGet, routeTablesPath, "route_table", handleListRouteTables},
		{http.MethodGet, routeTablesPath + "/{extId}", "route_table", handleGetRouteTable},
		{http.MethodPost, routesPath, "route", handleCreateRoute},
		{http.MethodGet, routesPath, "route", handleListRoutes},
		{http.MethodGet, routesPath + "/{extId}", "route", handleGetRoute},
		{http.MethodPut, routesPath + "/{extId}", "route", handleUpdateRoute},
		{http.MethodDelete, routesPath + "/{extId}", "route", handleDeleteRoute},
	}...)
}

// ---- rendering

func net4(objectType string, fields map[string]any) map[string]any {
	return Networking.object(objectType, fields)
}

var commonReserved = map[string]any{"$fv": "v1.r0"}

func ipv4Address(ip string) map[string]any {
	return map[string]any{"$objectType": "common.v1.config.IPv4Address", "$reserved": commonReserved, "value": ip, "prefixLength": 32}
}

func ipAddress(ip string) map[string]any {
	return map[string]any{"$objectType": "common.v1.config.IPAddress", "$reserved": commonReserved, "ipv4": ipv4Address(ip)}
}

func ipAddresses(ips []string) []any {
	out := make([]any, 0, len(ips))
	for _, ip := range ips {
		out = append(out, ipAddress(ip))
	}
	return out
}

func ipv4Subnet(p IPv4Prefix) map[string]any {
	return net4("networking.v4.config.IPv4Subnet", map[string]any{"ip": ipv4Address(p.IP), "prefixLength": p.PrefixLength})
}

func ipSubnet(p IPv4Prefix) map[string]any {
	return net4("networking.v4.config.IPSubnet", map[string]any{"ipv4": ipv4Subnet(p)})
}

func renderSubnet(b Backend, s Subnet) map[string]any {
	out := map[string]any{
		"extId":      s.ExtID,
		"name":       s.Name,
		"subnetType": s.Type,
		"isExternal": s.IsExternal != nil && *s.IsExternal,
		"links":      []any{v4Link(b.URL()+subnetsPath+"/"+s.ExtID, "self")},
	}
	if s.Description != "" {
		out["description"] = s.Description
	}
	if s.NetworkID != nil {
		out["networkId"] = *s.NetworkID
	}
	if s.ClusterExtID != "" {
		out["clusterReference"] = s.ClusterExtID
		out["clusterReferenceList"] = []string{s.ClusterExtID}
	}
	if s.ClusterName != "" {
		out["clusterName"] = s.ClusterName
	}
	if s.VPCExtID != "" {
		out["vpcReference"] = s.VPCExtID
	}
	if s.IsNATEnabled != nil {
		out["isNatEnabled"] = *s.IsNATEnabled
	}
	if c := s.IPv4; c != nil {
		v4c := map[string]any{"ipSubnet": ipv4Subnet(c.Network)}
		if c.Gateway != "" {
			v4c["defaultGatewayIp"] = ipv4Address(c.Gateway)
		}
		pools := make([]any, 0, len(c.Pools))
		for _, p := range c.Pools {
			pools = append(pools, net4("networking.v4.config.IPv4Pool", map[string]any{"startIp": ipv4Address(p[0]), "endIp": ipv4Address(p[1])}))
		}
		if len(pools) > 0 {
			v4c["poolList"] = pools
		}
		out["ipConfig"] = []any{net4("networking.v4.config.IPConfig", map[string]any{"ipv4": net4("networking.v4.config.IPv4Config", v4c)})}
		out["ipPrefix"] = c.Network.String()
	}
	if d := s.DHCP; d != nil {
		opts := map[string]any{}
		if len(d.DNSServers) > 0 {
			opts["domainNameServers"] = ipAddresses(d.DNSServers)
		}
		if len(d.SearchDomains) > 0 {
			opts["searchDomains"] = d.SearchDomains
		}
		if d.DomainName != "" {
			opts["domainName"] = d.DomainName
		}
		out["dhcpOptions"] = net4("networking.v4.config.DhcpOptions", opts)
	}
	return net4(subnetType, out)
}

func renderVPC(b Backend, v VPC) map[string]any {
	ext := make([]any, 0, len(v.ExternalSubnets))
	for _, e := range v.ExternalSubnets {
		item := map[string]any{"subnetReference": e.SubnetExtID, "activeGatewayCount": e.ActiveGatewayCount}
		if len(e.ExternalIPs) > 0 {
			item["externalIps"] = ipAddresses(e.ExternalIPs)
		}
		ext = append(ext, net4("networking.v4.config.ExternalSubnet", item))
	}
	prefixes := make([]any, 0, len(v.RoutablePrefixes))
	for _, p := range v.RoutablePrefixes {
		prefixes = append(prefixes, ipSubnet(p))
	}
	out := map[string]any{
		"extId":                      v.ExtID,
		"name":                       v.Name,
		"vpcType":                    v.Type,
		"externalSubnets":            ext,
		"externallyRoutablePrefixes": prefixes,
		"links":                      []any{v4Link(b.URL()+vpcsPath+"/"+v.ExtID, "self")},
	}
	if v.Description != "" {
		out["description"] = v.Description
	}
	if len(v.DNSServers) > 0 {
		out["commonDhcpOptions"] = net4("networking.v4.config.VpcDhcpOptions", map[string]any{"domainNameServers": ipAddresses(v.DNSServers)})
	}
	if len(v.SNATIPs) > 0 {
		out["snatIps"] = ipAddresses(v.SNATIPs)
	}
	return net4(vpcType, out)
}

func renderRouteTable(b Backend, t RouteTable) map[string]any {
	return net4(routeTableType, map[string]any{
		"extId":        t.ExtID,
		"vpcReference": t.VPCExtID,
		"links":        []any{v4Link(b.URL()+routeTablesPath+"/"+t.ExtID, "self")},
	})
}

func renderRoute(b Backend, r VPCRoute) map[string]any {
	nh := map[string]any{"nexthopType": r.NexthopType}
	if r.NexthopRef != "" {
		nh["nexthopReference"] = r.NexthopRef
	}
	if r.NexthopName != "" {
		nh["nexthopName"] = r.NexthopName
	}
	if r.NexthopIP != "" {
		nh["nexthopIpAddress"] = ipAddress(r.NexthopIP)
	}
	out := map[string]any{
		"extId":               r.ExtID,
		"name":                r.Name,
		"routeType":           r.Type,
		"destination":         ipSubnet(r.Destination),
		"nexthop":             net4("networking.v4.config.Nexthop", nh),
		"priority":            r.Priority,
		"isActive":            r.IsActive,
		"vpcReference":        r.VPCExtID,
		"routeTableReference": r.TableExtID,
		"links":               []any{v4Link(b.URL()+routeTablesPath+"/"+r.TableExtID+"/routes/"+r.ExtID, "self")},
	}
	if r.Description != "" {
		out["description"] = r.Description
	}
	return net4(routeType, out)
}

// ---- request bodies, as the SDK marshals them

type ipv4AddressIn struct {
	Value *string `json:"value"`
}

type ipAddressIn struct {
	IPv4 *ipv4AddressIn `json:"ipv4"`
}

type ipv4SubnetIn struct {
	IP           *ipv4AddressIn `json:"ip"`
	PrefixLength *int64         `json:"prefixLength"`
}

type ipSubnetIn struct {
	IPv4 *ipv4SubnetIn `json:"ipv4"`
	IPv6 any           `json:"ipv6"`
}

type subnetIn struct {
	Name             *string `json:"name"`
	Description      *string `json:"description"`
	SubnetType       *string `json:"subnetType"`
	NetworkID        *int64  `json:"networkId"`
	ClusterReference *string `json:"clusterReference"`
	VPCReference     *string `json:"vpcReference"`
	IsExternal       *bool   `json:"isExternal"`
	IsNATEnabled     *bool   `json:"isNatEnabled"`
	IPConfig         []struct {
		IPv4 *struct {
			IPSubnet         *ipv4SubnetIn  `json:"ipSubnet"`
			DefaultGatewayIP *ipv4AddressIn `json:"defaultGatewayIp"`
			PoolList         []struct {
				StartIP *ipv4AddressIn `json:"startIp"`
				EndIP   *ipv4AddressIn `json:"endIp"`
			} `json:"poolList"`
		} `json:"ipv4"`
		IPv6 any `json:"ipv6"`
	} `json:"ipConfig"`
	DHCPOptions *struct {
		DomainNameServers []ipAddressIn `json:"domainNameServers"`
		SearchDomains     []string      `json:"searchDomains"`
		DomainName        *string       `json:"domainName"`
	} `json:"dhcpOptions"`
}

type vpcIn struct {
	Name            *string `json:"name"`
	Description     *string `json:"description"`
	VPCType         *string `json:"vpcType"`
	ExternalSubnets []struct {
		SubnetReference *string `json:"subnetReference"`
	} `json:"externalSubnets"`
	ExternallyRoutablePrefixes []ipSubnetIn `json:"externallyRoutablePrefixes"`
	CommonDHCPOptions          *struct {
		DomainNameServers []ipAddressIn `json:"domainNameServers"`
	} `json:"commonDhcpOptions"`
}

type routeIn struct {
	Name        *string     `json:"name"`
	Description *string     `json:"description"`
	RouteType   *string     `json:"routeType"`
	Destination *ipSubnetIn `json:"destination"`
	Nexthop     *struct {
		NexthopType      *string      `json:"nexthopType"`
		NexthopReference *string      `json:"nexthopReference"`
		NexthopIPAddress *ipAddressIn `json:"nexthopIpAddress"`
	} `json:"nexthop"`
}

// badField is a request field the wire refuses before the model sees it.
type badField struct {
	field string
	err   error
}

func (e *badField) Error() string { return e.err.Error() }

func refuse(field, format string, args ...any) *badField {
	return &badField{field: field, err: fmt.Errorf(format, args...)}
}

func addressOf(field string, a *ipv4AddressIn) (string, *badField) {
	if a == nil || a.Value == nil {
		return "", refuse(field+".value", "%s.value is required", field)
	}
	ip, err := netip.ParseAddr(*a.Value)
	if err != nil || !ip.Is4() {
		return "", refuse(field+".value", "%s.value %q is not an IPv4 address", field, *a.Value)
	}
	return ip.String(), nil
}

func addressesOf(field string, in []ipAddressIn) ([]string, *badField) {
	var out []string
	for i, a := range in {
		f := fmt.Sprintf("%s[%d]", field, i)
		if a.IPv4 == nil {
			return nil, refuse(f+".ipv4", "%s.ipv4 is required: prismsim models IPv4 only", f)
		}
		ip, bad := addressOf(f+".ipv4", a.IPv4)
		if bad != nil {
			return nil, bad
		}
		out = append(out, ip)
	}
	return out, nil
}

func prefixOf(field string, in *ipv4SubnetIn) (IPv4Prefix, *badField) {
	if in == nil {
		return IPv4Prefix{}, refuse(field, "%s is required", field)
	}
	ip, bad := addressOf(field+".ip", in.IP)
	if bad != nil {
		return IPv4Prefix{}, bad
	}
	if in.PrefixLength == nil || *in.PrefixLength < 0 || *in.PrefixLength > 32 {
		return IPv4Prefix{}, refuse(field+".prefixLength", "%s.prefixLength must be 0-32", field)
	}
	return IPv4Prefix{IP: ip, PrefixLength: *in.PrefixLength}, nil
}

func ipSubnetOf(field string, in *ipSubnetIn) (IPv4Prefix, *badField) {
	if in == nil {
		return IPv4Prefix{}, refuse(field, "%s is required", field)
	}
	if in.IPv4 == nil {
		return IPv4Prefix{}, refuse(field+".ipv4", "%s.ipv4 is required: prismsim models IPv4 only", field)
	}
	return prefixOf(field+".ipv4", in.IPv4)
}

func subnetOf(in subnetIn) (Subnet, *badField) {
	var s Subnet
	if in.Name == nil || *in.Name == "" {
		return s, refuse("name", "name is required")
	}
	s.Name = *in.Name
	if in.Description != nil {
		s.Description = *in.Description
	}
	if in.SubnetType == nil {
		return s, refuse("subnetType", "subnetType is required (VLAN or OVERLAY)")
	}
	s.Type = *in.SubnetType
	if s.Type != "VLAN" && s.Type != "OVERLAY" {
		return s, refuse("subnetType", "subnetType must be VLAN or OVERLAY, got %q", s.Type)
	}
	if s.Type == "VLAN" {
		s.NetworkID = in.NetworkID // an overlay subnet's networkId is its VNI: read only
	}
	if in.ClusterReference != nil {
		s.ClusterExtID = *in.ClusterReference
	}
	if in.VPCReference != nil {
		s.VPCExtID = *in.VPCReference
	}
	s.IsExternal, s.IsNATEnabled = in.IsExternal, in.IsNATEnabled
	switch n := len(in.IPConfig); {
	case n > 1:
		return s, refuse("ipConfig", "ipConfig has %d items: prismsim models one IPv4 configuration", n)
	case n == 1:
		c := in.IPConfig[0]
		if c.IPv4 == nil {
			return s, refuse("ipConfig[0].ipv4", "ipConfig[0].ipv4 is required: prismsim models IPv4 only")
		}
		network, bad := prefixOf("ipConfig[0].ipv4.ipSubnet", c.IPv4.IPSubnet)
		if bad != nil {
			return s, bad
		}
		cfg := &SubnetIPv4{Network: network}
		if c.IPv4.DefaultGatewayIP != nil {
			if cfg.Gateway, bad = addressOf("ipConfig[0].ipv4.defaultGatewayIp", c.IPv4.DefaultGatewayIP); bad != nil {
				return s, bad
			}
		}
		for i, p := range c.IPv4.PoolList {
			f := fmt.Sprintf("ipConfig[0].ipv4.poolList[%d]", i)
			first, bad := addressOf(f+".startIp", p.StartIP)
			if bad != nil {
				return s, bad
			}
			last, bad := addressOf(f+".endIp", p.EndIP)
			if bad != nil {
				return s, bad
			}
			cfg.Pools = append(cfg.Pools, [2]string{first, last})
		}
		s.IPv4 = cfg
	}
	if d := in.DHCPOptions; d != nil {
		dns, bad := addressesOf("dhcpOptions.domainNameServers", d.DomainNameServers)
		if bad != nil {
			return s, bad
		}
		s.DHCP = &DHCPOptions{DNSServers: dns, SearchDomains: d.SearchDomains}
		if d.DomainName != nil {
			s.DHCP.DomainName = *d.DomainName
		}
	}
	return s, nil
}

func vpcOf(in vpcIn) (VPC, *badField) {
	var v VPC
	if in.Name == nil || *in.Name == "" {
		return v, refuse("name", "name is required")
	}
	v.Name = *in.Name
	if in.Description != nil {
		v.Description = *in.Description
	}
	v.Type = "REGULAR"
	if in.VPCType != nil {
		v.Type = *in.VPCType
	}
	for i, e := range in.ExternalSubnets {
		if e.SubnetReference == nil || *e.SubnetReference == "" {
			return v, refuse(fmt.Sprintf("externalSubnets[%d].subnetReference", i), "externalSubnets[%d].subnetReference is required", i)
		}
		v.ExternalSubnets = append(v.ExternalSubnets, VPCExternalSubnet{SubnetExtID: *e.SubnetReference})
	}
	for i, p := range in.ExternallyRoutablePrefixes {
		pr, bad := ipSubnetOf(fmt.Sprintf("externallyRoutablePrefixes[%d]", i), &p)
		if bad != nil {
			return v, bad
		}
		v.RoutablePrefixes = append(v.RoutablePrefixes, pr)
	}
	if d := in.CommonDHCPOptions; d != nil {
		dns, bad := addressesOf("commonDhcpOptions.domainNameServers", d.DomainNameServers)
		if bad != nil {
			return v, bad
		}
		v.DNSServers = dns
	}
	return v, nil
}

func routeOf(in routeIn) (VPCRoute, *badField) {
	var r VPCRoute
	if in.Name != nil {
		r.Name = *in.Name
	}
	if in.Description != nil {
		r.Description = *in.Description
	}
	if in.RouteType == nil {
		return r, refuse("routeType", "routeType is required")
	}
	if *in.RouteType != "STATIC" {
		return r, refuse("routeType", "routeType must be STATIC: LOCAL and DYNAMIC routes are the system's, got %q", *in.RouteType)
	}
	r.Type = *in.RouteType
	dest, bad := ipSubnetOf("destination", in.Destination)
	if bad != nil {
		return r, bad
	}
	r.Destination = dest
	if in.Nexthop == nil || in.Nexthop.NexthopType == nil {
		return r, refuse("nexthop.nexthopType", "nexthop.nexthopType is required")
	}
	r.NexthopType = *in.Nexthop.NexthopType
	switch r.NexthopType {
	case "EXTERNAL_SUBNET", "LOCAL_SUBNET", "VPN_CONNECTION", "DIRECT_CONNECT_VIF":
		if in.Nexthop.NexthopReference == nil || *in.Nexthop.NexthopReference == "" {
			return r, refuse("nexthop.nexthopReference", "nexthop.nexthopReference is required for a %s next hop", r.NexthopType)
		}
		r.NexthopRef = *in.Nexthop.NexthopReference
	case "IP_ADDRESS":
		return r, refuse("nexthop.nexthopType", "nexthop.nexthopType IP_ADDRESS is not modeled by prismsim (v3 has no form for it): route through an external or local subnet")
	default:
		return r, refuse("nexthop.nexthopType", "nexthop.nexthopType must be one of IP_ADDRESS, EXTERNAL_SUBNET, LOCAL_SUBNET, VPN_CONNECTION, DIRECT_CONNECT_VIF, got %q", r.NexthopType)
	}
	return r, nil
}

// decodeNet decodes the body into in and converts it; the answer is set when it fails.
func decodeNet[I, T any](rq Request, conv func(I) (T, *badField)) (T, int, any, bool) {
	var in I
	var zero T
	if st, body, ok := Networking.decode(rq, &in); !ok {
		return zero, st, body, false
	}
	t, bad := conv(in)
	if bad != nil {
		st, body := Networking.fail(http.StatusBadRequest, 40004, bad.field, "%v", bad.err)
		return zero, st, body, false
	}
	return t, 0, nil, true
}

// ---- handlers

// netEntity serves the five operations of a networking kind that is one entity at
// <path>/{extId} (subnets, VPCs): I is its request body, T its model form.
type netEntity[T, I any] struct {
	what              string // in messages
	fields            []string
	listResp, getResp string
	objectType        string
	all               func(b Backend) []T
	id                func(T) string
	withID            func(T, string) T
	render            func(b Backend, t T) map[string]any
	conv              func(I) (T, *badField)
	create            func(rq Request, t T) (extID, taskID string, err error)
	update            func(rq Request, t T) (taskID string, err error)
	remove            func(rq Request, extID string) (taskID string, err error)
}

func (k *netEntity[T, I]) find(b Backend, id string) (T, bool) { return findByID(k.all(b), k.id, id) }

func netNotFound(what, id string) (int, any) {
	return Networking.fail(http.StatusNotFound, 40400, "extId", "%s %s was not found", what, id)
}

func netAnswer(taskID string, err error) (int, any) {
	if err != nil {
		return Networking.failModel(err)
	}
	return Networking.taskAnswer(netTaskResp, taskID)
}

func (k *netEntity[T, I]) handleCreate(rq Request) (int, any) {
	return Networking.mutation(rq, func() (int, any) {
		t, st, body, ok := decodeNet(rq, k.conv)
		if !ok {
			return st, body
		}
		_, task, err := k.create(rq, t)
		return netAnswer(task, err)
	})
}

func (k *netEntity[T, I]) handleList(rq Request) (int, any) {
	return listOf(Networking, rq, k.fields, k.listResp, k.objectType, k.all(rq.PC), func(t T) map[string]any { return k.render(rq.PC, t) })
}

func (k *netEntity[T, I]) handleGet(rq Request) (int, any) {
	t, ok := k.find(rq.PC, rq.Params["extId"])
	if !ok {
		return netNotFound(k.what, rq.Params["extId"])
	}
	return Networking.entityAnswer(http.StatusOK, k.getResp, k.render(rq.PC, t))
}

// current checks a PUT or DELETE: the entity exists and If-Match is its ETag.
func (k *netEntity[T, I]) current(rq Request) (T, int, any, bool) {
	id := rq.Params["extId"]
	cur, found := k.find(rq.PC, id)
	st, body, ok := Networking.matchCurrent(rq, found, k.what+" "+id, func() map[string]any { return k.render(rq.PC, cur) })
	return cur, st, body, ok
}

func (k *netEntity[T, I]) handleUpdate(rq Request) (int, any) {
	return Networking.mutation(rq, func() (int, any) {
		cur, st, body, ok := k.current(rq)
		if !ok {
			return st, body
		}
		t, st, body, ok := decodeNet(rq, k.conv)
		if !ok {
			return st, body
		}
		task, err := k.update(rq, k.withID(t, k.id(cur)))
		return netAnswer(task, err)
	})
}

func (k *netEntity[T, I]) handleDelete(rq Request) (int, any) {
	return Networking.mutation(rq, func() (int, any) {
		cur, st, body, ok := k.current(rq)
		if !ok {
			return st, body
		}
		task, err := k.remove(rq, k.id(cur))
		return netAnswer(task, err)
	})
}

func (k *netEntity[T, I]) routes(path, kind string) []Route {
	return []Route{
		{http.MethodPost, path, kind, k.handleCreate},
		{http.MethodGet, path, kind, k.handleList},
		{http.MethodGet, path + "/{extId}", kind, k.handleGet},
		{http.MethodPut, path + "/{extId}", kind, k.handleUpdate},
		{http.MethodDelete, path + "/{extId}", kind, k.handleDelete},
	}
}

var netSubnets = &netEntity[Subnet, subnetIn]{
	what: "subnet", fields: subnetFields, objectType: subnetType,
	listResp: "networking.v4.config.ListSubnetsApiResponse", getResp: "networking.v4.config.GetSubnetApiResponse",
	all:    func(b Backend) []Subnet { return b.Subnets() },
	id:     func(s Subnet) string { return s.ExtID },
	withID: func(s Subnet, id string) Subnet { s.ExtID = id; return s },
	render: renderSubnet,
	conv:   subnetOf,
	create: func(rq Request, s Subnet) (string, string, error) { return rq.PC.CreateSubnet(rq.HTTP.Context(), s) },
	update: func(rq Request, s Subnet) (string, error) { return rq.PC.UpdateSubnet(rq.HTTP.Context(), s) },
	remove: func(rq Request, id string) (string, error) { return rq.PC.DeleteSubnet(rq.HTTP.Context(), id) },
}

var netVPCs = &netEntity[VPC, vpcIn]{
	what: "VPC", fields: vpcFields, objectType: vpcType,
	listResp: "networking.v4.config.ListVpcsApiResponse", getResp: "networking.v4.config.GetVpcApiResponse",
	all:    func(b Backend) []VPC { return b.VPCs() },
	id:     func(v VPC) string { return v.ExtID },
	withID: func(v VPC, id string) VPC { v.ExtID = id; return v },
	render: renderVPC,
	conv:   vpcOf,
	create: func(rq Request, v VPC) (string, string, error) { return rq.PC.CreateVPC(rq.HTTP.Context(), v) },
	update: func(rq Request, v VPC) (string, error) { return rq.PC.UpdateVPC(rq.HTTP.Context(), v) },
	remove: func(rq Request, id string) (string, error) { return rq.PC.DeleteVPC(rq.HTTP.Context(), id) },
}

func handleListRouteTables(rq Request) (int, any) {
	return listOf(Networking, rq, routeTableFields, "networking.v4.config.ListRouteTablesApiResponse", routeTableType,
		rq.PC.RouteTables(), func(t RouteTable) map[string]any { return renderRouteTable(rq.PC, t) })
}

func handleGetRouteTable(rq Request) (int, any) {
	t, ok := findByID(rq.PC.RouteTables(), func(t RouteTable) string { return t.ExtID }, rq.Params["extId"])
	if !ok {
		return netNotFound("route table", rq.Params["extId"])
	}
	return Networking.entityAnswer(http.StatusOK, "networking.v4.config.GetRouteTableApiResponse", renderRouteTable(rq.PC, t))
}

// tableRoutes returns the routes of the request's table, or the 404 answer.
func tableRoutes(rq Request) ([]VPCRoute, int, any, bool) {
	table := rq.Params["routeTableExtId"]
	routes, ok := rq.PC.Routes(table)
	if !ok {
		st, body := Networking.fail(http.StatusNotFound, 40400, "routeTableExtId", "route table %s was not found", table)
		return nil, st, body, false
	}
	return routes, 0, nil, true
}

func handleListRoutes(rq Request) (int, any) {
	routes, st, body, ok := tableRoutes(rq)
	if !ok {
		return st, body
	}
	return listOf(Networking, rq, routeFields, "networking.v4.config.ListRoutesApiResponse", routeType,
		routes, func(r VPCRoute) map[string]any { return renderRoute(rq.PC, r) })
}

// routeOfRequest returns the route the request names among its table's, or the 404 answer.
func routeOfRequest(rq Request) (VPCRoute, bool, int, any, bool) {
	routes, st, body, ok := tableRoutes(rq)
	if !ok {
		return VPCRoute{}, false, st, body, false
	}
	r, found := findByID(routes, func(r VPCRoute) string { return r.ExtID }, rq.Params["extId"])
	return r, found, 0, nil, true
}

func handleGetRoute(rq Request) (int, any) {
	r, found, st, body, ok := routeOfRequest(rq)
	if !ok {
		return st, body
	}
	if !found {
		return netNotFound("route", rq.Params["extId"])
	}
	return Networking.entityAnswer(http.StatusOK, "networking.v4.config.GetRouteApiResponse", renderRoute(rq.PC, r))
}

func handleCreateRoute(rq Request) (int, any) {
	return Networking.mutation(rq, func() (int, any) {
		if _, st, body, ok := tableRoutes(rq); !ok {
			return st, body
		}
		r, st, body, ok := decodeNet(rq, routeOf)
		if !ok {
			return st, body
		}
		r.TableExtID = rq.Params["routeTableExtId"]
		_, task, err := rq.PC.PutRoute(rq.HTTP.Context(), r, true)
		return netAnswer(task, err)
	})
}

// changeRoute checks a PUT or DELETE of a route: the table and the route exist, the route
// is a static one (local routes are the system's), and If-Match is its ETag.
func changeRoute(rq Request) (VPCRoute, int, any, bool) {
	cur, found, st, body, ok := routeOfRequest(rq)
	if !ok {
		return cur, st, body, false
	}
	if st, body, ok := Networking.matchCurrent(rq, found, "route "+rq.Params["extId"], func() map[string]any { return renderRoute(rq.PC, cur) }); !ok {
		return cur, st, body, false
	}
	if cur.Type != "STATIC" {
		st, body := Networking.fail(http.StatusBadRequest, 40005, "extId", "route %s is a %s route: only static routes can be changed", cur.ExtID, cur.Type)
		return cur, st, body, false
	}
	return cur, 0, nil, true
}

func handleUpdateRoute(rq Request) (int, any) {
	return Networking.mutation(rq, func() (int, any) {
		cur, st, body, ok := changeRoute(rq)
		if !ok {
			return st, body
		}
		r, st, body, ok := decodeNet(rq, routeOf)
		if !ok {
			return st, body
		}
		r.ExtID, r.TableExtID = cur.ExtID, cur.TableExtID
		_, task, err := rq.PC.PutRoute(rq.HTTP.Context(), r, false)
		return netAnswer(task, err)
	})
}

func handleDeleteRoute(rq Request) (int, any) {
	return Networking.mutation(rq, func() (int, any) {
		cur, st, body, ok := changeRoute(rq)
		if !ok {
			return st, body
		}
		task, err := rq.PC.DeleteRoute(rq.HTTP.Context(), cur.TableExtID, cur.ExtID)
		return netAnswer(task, err)
	})
}
