package prismsim

import (
	"encoding/json"
	"strings"
	"testing"
)

// netClusterUUID returns the uuid of the AOS cluster with that name.
func (c *apiClient) netClusterUUID(name string) string {
	c.t.Helper()
	r := expect(c.t, c.v3("POST", "/clusters/list", map[string]any{"kind": "cluster", "filter": "name==" + name}), 200)
	id := getString(r.json(c.t), "entities", 0, "metadata", "uuid")
	if id == "" {
		c.t.Fatalf("no cluster %s", name)
	}
	return id
}

// intent builds a create body with a client-chosen uuid.
func intent(kind, id string, spec map[string]any) map[string]any {
	return map[string]any{"metadata": map[string]any{"kind": kind, "uuid": id}, "spec": spec}
}

// externalSubnetSpec is a VLAN external subnet; nat may be nil (not sent).
func externalSubnetSpec(name, clusterUUID string, vlan int, cidrIP string, prefix int, gateway string, nat *bool) map[string]any {
	res := map[string]any{
		"subnet_type": "VLAN",
		"vlan_id":     vlan,
		"is_external": true,
		"ip_config": map[string]any{
			"subnet_ip": cidrIP, "prefix_length": prefix, "default_gateway_ip": gateway,
		},
	}
	if nat != nil {
		res["enable_nat"] = *nat
	}
	return map[string]any{
		"name":              name,
		"cluster_reference": map[string]any{"kind": "cluster", "uuid": clusterUUID},
		"resources":         res,
	}
}

func overlaySubnetSpec(name, vpcUUID, cidrIP string, prefix int, gateway string, pools ...string) map[string]any {
	ipc := map[string]any{"subnet_ip": cidrIP, "prefix_length": prefix, "default_gateway_ip": gateway}
	if len(pools) > 0 {
		var list []any
		for _, p := range pools {
			list = append(list, map[string]any{"range": p})
		}
		ipc["pool_list"] = list
	}
	return map[string]any{
		"name": name,
		"resources": map[string]any{
			"subnet_type":   "OVERLAY",
			"vpc_reference": map[string]any{"kind": "vpc", "uuid": vpcUUID},
			"ip_config":     ipc,
		},
	}
}

// vpcSpec builds a VPC spec; prefixes are "ip/len".
func vpcSpec(name string, externalSubnets []string, prefixes []string, dns ...string) map[string]any {
	ext := []any{}
	for _, id := range externalSubnets {
		ext = append(ext, map[string]any{"external_subnet_reference": map[string]any{"kind": "subnet", "uuid": id}})
	}
	pfx := []any{}
	for _, p := range prefixes {
		ip, length, _ := strings.Cut(p, "/")
		pfx = append(pfx, map[string]any{"ip": ip, "prefix_length": json.Number(length)})
	}
	servers := []any{}
	for _, d := range dns {
		servers = append(servers, map[string]any{"ip": d})
	}
	return map[string]any{"name": name, "resources": map[string]any{
		"external_subnet_list":              ext,
		"externally_routable_prefix_list":   pfx,
		"common_domain_name_server_ip_list": servers,
	}}
}

// accept expects a 202 and waits for its task to succeed; it returns the 202 body.
func (c *apiClient) accept(r apiResponse) map[string]any {
	c.t.Helper()
	body := expect(c.t, r, 202).json(c.t)
	task := c.waitTask(getString(body, "status", "execution_context", "task_uuid"))
	if s := getString(task, "status"); s != TaskSucceeded {
		c.t.Fatalf("task %s: %s %s", getString(task, "uuid"), s, getString(task, "error_detail"))
	}
	return body
}

// refuse expects an error status and reason.
func refuse(t *testing.T, r apiResponse, status int, reason string) apiResponse {
	t.Helper()
	expect(t, r, status)
	if got := r.reason(t); got != reason {
		t.Fatalf("reason %s, want %s: %s", got, reason, r.body)
	}
	return r
}

// putBack PUTs an entity read with GET at path after mutate changed its spec.
func (c *apiClient) putBack(path string, mutate func(spec map[string]any)) apiResponse {
	c.t.Helper()
	got := expect(c.t, c.v3("GET", path, nil), 200).json(c.t)
	spec := obj(c.t, got["spec"])
	mutate(spec)
	return c.v3("PUT", path, map[string]any{"metadata": got["metadata"], "spec": spec})
}

func boolPtr(b bool) *bool { return &b }

// exerciseNetworkRoutes drives every subnet, VPC and route table route of the PC behind
// c, answers of every kind (202, 200, 404, 409, 422), and leaves the PC as it found it.
// The spec-conformance tests record and check what it exchanges.
func exerciseNetworkRoutes(t *testing.T, c *apiClient, clusterName string) {
	t.Helper()
	cluster := c.netClusterUUID(clusterName)
	ext := newUUID()
	c.accept(c.v3("POST", "/subnets", intent("subnet", ext,
		externalSubnetSpec("ext-nonat", cluster, 310, "10.99.0.0", 24, "10.99.0.1", boolPtr(false)))))
	refuse(t, c.v3("POST", "/subnets", intent("subnet", ext,
		externalSubnetSpec("ext-nonat", cluster, 310, "10.99.0.0", 24, "10.99.0.1", boolPtr(false)))), 409, reasonAlreadyExists)
	bad := externalSubnetSpec("plain", cluster, 311, "10.98.0.0", 24, "10.98.0.1", boolPtr(false))
	obj(t, bad["resources"])["is_external"] = false
	refuse(t, c.v3("POST", "/subnets", intent("subnet", newUUID(), bad)), 422, reasonInvalidArgument)

	vpc := newUUID()
	refuse(t, c.v3("POST", "/vpcs", intent("vpc", newUUID(), vpcSpec("too-wide", []string{ext}, []string{"172.16.0.0/12"}))),
		422, reasonInvalidArgument)
	c.accept(c.v3("POST", "/vpcs", intent("vpc", vpc, vpcSpec("vpc-a", []string{ext}, []string{"172.30.0.0/16"}))))
	expect(t, c.v3("GET", "/vpcs/"+vpc, nil), 200)
	refuse(t, c.v3("GET", "/vpcs/"+newUUID(), nil), 404, reasonNotFound)
	expect(t, c.v3("POST", "/vpcs/list", map[string]any{"kind": "vpc", "filter": "name==vpc-a"}), 200)
	c.accept(c.putBack("/vpcs/"+vpc, func(spec map[string]any) {
		obj(t, spec["resources"])["common_domain_name_server_ip_list"] = []any{map[string]any{"ip": "10.99.0.53"}}
	}))

	overlay := newUUID()
	c.accept(c.v3("POST", "/subnets", intent("subnet", overlay,
		overlaySubnetSpec("vpc-a-apps", vpc, "172.30.1.0", 24, "172.30.1.1", "172.30.1.100 172.30.1.200"))))
	refuse(t, c.v3("POST", "/subnets", intent("subnet", newUUID(),
		overlaySubnetSpec("outside", vpc, "10.50.0.0", 24, "10.50.0.1"))), 422, reasonInvalidArgument)
	expect(t, c.v3("GET", "/subnets/"+overlay, nil), 200)
	listed := expect(t, c.v3("POST", "/subnets/list", map[string]any{"kind": "subnet", "filter": "vpc_uuid==" + vpc}), 200).json(t)
	if n := getInt(t, listed, "metadata", "total_matches"); n != 1 {
		t.Errorf("subnets of vpc %s: %d, want 1", vpc, n)
	}
	c.accept(c.putBack("/subnets/"+overlay, func(spec map[string]any) { spec["description"] = "apps" }))
	refuse(t, c.putBack("/subnets/"+overlay, func(spec map[string]any) {
		obj(t, spec["resources"])["vpc_reference"] = map[string]any{"kind": "vpc", "uuid": newUUID()}
	}), 422, reasonInvalidArgument)
	missing := intent("subnet", "", overlaySubnetSpec("x", vpc, "172.30.2.0", 24, "172.30.2.1"))
	obj(t, missing["metadata"])["spec_version"] = 0
	refuse(t, c.v3("PUT", "/subnets/"+newUUID(), missing), 404, reasonNotFound)

	routes := "/vpcs/" + vpc + "/route_tables"
	expect(t, c.v3("GET", routes, nil), 200)
	refuse(t, c.v3("GET", "/vpcs/"+newUUID()+"/route_tables", nil), 404, reasonNotFound)
	rt := expect(t, c.v3("GET", routes, nil), 200).json(t)
	withDefault := func(spec map[string]any) {
		obj(t, spec["resources"])["default_route_nexthop"] = map[string]any{
			"external_subnet_reference": map[string]any{"kind": "subnet", "uuid": ext},
		}
		obj(t, spec["resources"])["static_routes_list"] = []any{map[string]any{
			"destination": "10.200.0.0/16",
			"nexthop":     map[string]any{"external_subnet_reference": map[string]any{"kind": "subnet", "uuid": ext}},
		}}
	}
	c.accept(c.putBack(routes, withDefault))
	if testing.Verbose() {
		t.Logf("route table: %s", c.v3("GET", routes, nil).body)
		t.Logf("vpc: %s", c.v3("GET", "/vpcs/"+vpc, nil).body)
		t.Logf("overlay: %s", c.v3("GET", "/subnets/"+overlay, nil).body)
	}
	refuse(t, c.v3("PUT", routes, map[string]any{"metadata": rt["metadata"], "spec": rt["spec"]}), 409, reasonConcurrent)
	refuse(t, c.putBack(routes, func(spec map[string]any) {
		obj(t, spec["resources"])["default_route_nexthop"] = map[string]any{
			"external_subnet_reference": map[string]any{"kind": "subnet", "uuid": overlay},
		}
	}), 422, reasonInvalidArgument)

	refuse(t, c.v3("DELETE", "/vpcs/"+vpc, nil), 409, reasonDeletionFailed)
	refuse(t, c.v3("DELETE", "/subnets/"+ext, nil), 409, reasonDeletionFailed)
	refuse(t, c.v3("DELETE", "/subnets/"+newUUID(), nil), 404, reasonNotFound)

	c.accept(c.putBack(routes, func(spec map[string]any) {
		spec["resources"] = map[string]any{"static_routes_list": []any{}}
	}))
	c.accept(c.v3("DELETE", "/subnets/"+overlay, nil))
	c.accept(c.v3("DELETE", "/vpcs/"+vpc, nil))
	refuse(t, c.v3("DELETE", "/vpcs/"+vpc, nil), 404, reasonNotFound)
	c.accept(c.v3("DELETE", "/subnets/"+ext, nil))
}

// networkRoutes are the routes of this wave's kinds.
func networkRoutes() []string {
	var out []string
	for _, rt := range Routes() {
		if strings.Contains(rt, "/subnets") || strings.Contains(rt, "/vpcs") {
			out = append(out, rt)
		}
	}
	return out
}

// TestNetworkResponsesMatchSpec checks every answer of the subnet, VPC and route table
// routes against the spec's schema, and that each of those routes was exercised.
func TestNetworkResponsesMatchSpec(t *testing.T) {
	doc := loadSwagger(t)
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	exchanges := recordExchanges(w, func() { exerciseNetworkRoutes(t, c, "CA01") })
	served, statuses := checkAnswers(t, doc, exchanges, true)
	for _, s := range []int{200, 202, 404, 409, 422} {
		if !statuses[s] {
			t.Errorf("no %d answer was checked", s)
		}
	}
	routes := networkRoutes()
	if len(routes) < 12 {
		t.Fatalf("only %d network routes: %v", len(routes), routes)
	}
	for _, rt := range routes {
		if !served[rt] {
			t.Errorf("route %s was not exercised", rt)
		}
	}
}

func TestVPCRules(t *testing.T) {
	_, c, cluster := netWorld(t)
	noNAT, nat, noNAT2, plain := newUUID(), newUUID(), newUUID(), newUUID()
	c.accept(c.v3("POST", "/subnets", intent("subnet", noNAT, externalSubnetSpec("ext-nonat", cluster, 100, "10.1.0.0", 24, "10.1.0.1", boolPtr(false)))))
	c.accept(c.v3("POST", "/subnets", intent("subnet", nat, externalSubnetSpec("ext-nat", cluster, 101, "10.2.0.0", 24, "10.2.0.1", nil))))
	c.accept(c.v3("POST", "/subnets", intent("subnet", noNAT2, externalSubnetSpec("ext-nonat-2", cluster, 102, "10.3.0.0", 24, "10.3.0.1", boolPtr(false)))))
	plainSpec := externalSubnetSpec("plain", cluster, 103, "10.4.0.0", 24, "10.4.0.1", nil)
	obj(t, plainSpec["resources"])["is_external"] = false
	c.accept(c.v3("POST", "/subnets", intent("subnet", plain, plainSpec)))

	vpcA := newUUID()
	created := c.accept(c.v3("POST", "/vpcs", intent("vpc", vpcA,
		vpcSpec("vpc-a", []string{noNAT, nat}, []string{"172.30.0.0/16", "192.168.200.0/28"}, "10.1.0.53"))))
	if getString(created, "metadata", "uuid") != vpcA {
		t.Fatalf("uuid not kept: %v", created["metadata"])
	}
	got := expect(t, c.v3("GET", "/vpcs/"+vpcA, nil), 200).json(t)
	exts := arr(t, get(got, "status", "resources", "external_subnet_list"))
	if len(exts) != 2 || getString(exts[0], "external_subnet_reference", "name") != "ext-nonat" ||
		getString(exts[0], "external_ip_list", 0) != "10.1.0.2" {
		t.Errorf("external_subnet_list status: %v", exts)
	}
	if natIPs := arr(t, get(got, "status", "resources", "nat_ip_list")); len(natIPs) != 1 || natIPs[0] != "10.2.0.2" {
		t.Errorf("nat_ip_list %v, want the address on ext-nat only", natIPs)
	}
	// A second VPC on the same external subnet gets the next address.
	vpcB := newUUID()
	c.accept(c.v3("POST", "/vpcs", intent("vpc", vpcB, vpcSpec("vpc-b", []string{noNAT}, []string{"172.31.0.0/16"}))))
	gotB := expect(t, c.v3("GET", "/vpcs/"+vpcB, nil), 200).json(t)
	if ip := getString(gotB, "status", "resources", "external_subnet_list", 0, "external_ip_list", 0); ip != "10.1.0.3" {
		t.Errorf("vpc-b address on ext-nonat: %q, want 10.1.0.3", ip)
	}

	for name, tc := range map[string]struct {
		spec   map[string]any
		reason string
		msg    string
	}{
		"prefix too wide":        {vpcSpec("v", nil, []string{"10.0.0.0/15"}), reasonInvalidArgument, "between /16 and /28"},
		"prefix too narrow":      {vpcSpec("v", nil, []string{"10.0.0.0/29"}), reasonInvalidArgument, "between /16 and /28"},
		"prefix host bits":       {vpcSpec("v", nil, []string{"10.0.0.1/24"}), reasonValidation, "host bits"},
		"prefix overlaps other":  {vpcSpec("v", nil, []string{"172.30.8.0/24"}), reasonInvalidArgument, "vpc vpc-a"},
		"prefixes overlap":       {vpcSpec("v", nil, []string{"10.8.0.0/16", "10.8.1.0/24"}), reasonInvalidArgument, "overlaps externally_routable_prefix_list[0]"},
		"not external":           {vpcSpec("v", []string{plain}, nil), reasonInvalidArgument, "not an external subnet"},
		"unknown subnet":         {vpcSpec("v", []string{newUUID()}, nil), reasonInvalidArgument, "does not exist"},
		"two no-NAT":             {vpcSpec("v", []string{noNAT, noNAT2}, nil), reasonInvalidArgument, "without NAT"},
		"listed twice":           {vpcSpec("v", []string{nat, nat}, nil), reasonInvalidArgument, "twice"},
		"bad dns":                {vpcSpec("v", nil, nil, "ns1"), reasonValidation, "common_domain_name_server_ip_list[0]"},
		"name too long":          {vpcSpec(strings.Repeat("n", 65), nil, nil), reasonValidation, "1-64"},
		"bad vpc type":           {map[string]any{"name": "v", "resources": map[string]any{"vpc_type": "HUB"}}, reasonValidation, "REGULAR or TRANSIT"},
		"prefix length missing":  {map[string]any{"name": "v", "resources": map[string]any{"externally_routable_prefix_list": []any{map[string]any{"ip": "10.9.0.0"}}}}, reasonValidation, "prefix_length"},
		"subnet reference empty": {map[string]any{"name": "v", "resources": map[string]any{"external_subnet_list": []any{map[string]any{}}}}, reasonValidation, "uuid is required"},
	} {
		t.Run(name, func(t *testing.T) {
			r := refuse(t, c.v3("POST", "/vpcs", intent("vpc", newUUID(), tc.spec)), 422, tc.reason)
			expectMessage(t, r, tc.msg)
		})
	}

	// Overlay subnets of a no-NAT VPC stay inside its prefixes, and do not overlap.
	apps := newUUID()
	c.accept(c.v3("POST", "/subnets", intent("subnet", apps, overlaySubnetSpec("apps", vpcA, "172.30.1.0", 24, "172.30.1.1"))))
	r := refuse(t, c.v3("POST", "/subnets", intent("subnet", newUUID(), overlaySubnetSpec("out", vpcA, "10.50.0.0", 24, "10.50.0.1"))),
		422, reasonInvalidArgument)
	expectMessage(t, r, "externally routable prefix", "172.30.0.0/16")
	r = refuse(t, c.v3("POST", "/subnets", intent("subnet", newUUID(), overlaySubnetSpec("dup", vpcA, "172.30.1.128", 25, "172.30.1.129"))),
		422, reasonInvalidArgument)
	expectMessage(t, r, "overlaps subnet apps")
	// The same CIDR in another VPC is fine: the VPCs are separate networks.
	c.accept(c.v3("POST", "/subnets", intent("subnet", newUUID(), overlaySubnetSpec("apps-b", vpcB, "172.31.1.0", 24, "172.31.1.1"))))
	// A VPC with NAT only may hold any overlay network.
	vpcNAT := newUUID()
	c.accept(c.v3("POST", "/vpcs", intent("vpc", vpcNAT, vpcSpec("vpc-nat", []string{nat}, nil))))
	c.accept(c.v3("POST", "/subnets", intent("subnet", newUUID(), overlaySubnetSpec("any", vpcNAT, "10.50.0.0", 24, "10.50.0.1"))))

	// Dropping the prefix that holds apps is refused while vpc-a is no-NAT.
	r = c.putBack("/vpcs/"+vpcA, func(spec map[string]any) {
		obj(t, spec["resources"])["externally_routable_prefix_list"] = []any{map[string]any{"ip": "192.168.200.0", "prefix_length": 28}}
	})
	refuse(t, r, 422, reasonInvalidArgument)
	expectMessage(t, r, "overlay subnet apps")
	// Its own prefixes do not conflict with themselves on update.
	c.accept(c.putBack("/vpcs/"+vpcA, func(spec map[string]any) { spec["description"] = "tokyo" }))

	// Deletes: the VPC has subnets, the external subnet is used.
	expectMessage(t, refuse(t, c.v3("DELETE", "/vpcs/"+vpcA, nil), 409, reasonDeletionFailed), "subnet apps")
	expectMessage(t, refuse(t, c.v3("DELETE", "/subnets/"+nat, nil), 409, reasonDeletionFailed), "vpc vpc-a", "vpc vpc-nat")
	c.accept(c.v3("DELETE", "/subnets/"+apps, nil))
	c.accept(c.v3("DELETE", "/vpcs/"+vpcA, nil))
	refuse(t, c.v3("GET", "/vpcs/"+vpcA+"/route_tables", nil), 404, reasonNotFound)
	// vpc-a's prefixes are free again.
	c.accept(c.v3("POST", "/vpcs", intent("vpc", newUUID(), vpcSpec("vpc-c", nil, []string{"172.30.0.0/16"}))))
	list := expect(t, c.v3("POST", "/vpcs/list", map[string]any{"kind": "vpc", "sort_attribute": "name"}), 200).json(t)
	if n := getInt(t, list, "metadata", "total_matches"); n != 3 {
		t.Errorf("vpcs: %d, want 3", n)
	}
}

func TestRouteTableRules(t *testing.T) {
	_, c, cluster := netWorld(t)
	ext, other := newUUID(), newUUID()
	c.accept(c.v3("POST", "/subnets", intent("subnet", ext, externalSubnetSpec("ext", cluster, 100, "10.1.0.0", 24, "10.1.0.1", boolPtr(false)))))
	c.accept(c.v3("POST", "/subnets", intent("subnet", other, externalSubnetSpec("ext-other", cluster, 101, "10.2.0.0", 24, "10.2.0.1", nil))))
	vpc := newUUID()
	c.accept(c.v3("POST", "/vpcs", intent("vpc", vpc, vpcSpec("vpc-a", []string{ext}, []string{"172.30.0.0/16"}))))
	apps := newUUID()
	c.accept(c.v3("POST", "/subnets", intent("subnet", apps, overlaySubnetSpec("apps", vpc, "172.30.1.0", 24, "172.30.1.1"))))
	path := "/vpcs/" + vpc + "/route_tables"

	rt := expect(t, c.v3("GET", path, nil), 200).json(t)
	if getString(rt, "metadata", "kind") != "vpc_route_table" || getString(rt, "metadata", "uuid") != vpc ||
		getString(rt, "status", "name") != "vpc-a" {
		t.Fatalf("route table: %v %v", rt["metadata"], rt["status"])
	}
	if local := arr(t, get(rt, "status", "resources", "local_routes_list")); len(local) != 1 ||
		getString(local[0], "destination") != "172.30.1.0/24" {
		t.Errorf("local routes: %v", local)
	}
	extHop := map[string]any{"external_subnet_reference": map[string]any{"kind": "subnet", "uuid": ext}}
	route := func(dest string, nexthop any) map[string]any {
		return map[string]any{"destination": dest, "nexthop": nexthop}
	}
	for name, tc := range map[string]struct {
		static []any
		def    any
		reason string
		msg    string
	}{
		"host bits":          {static: []any{route("10.0.0.1/8", extHop)}, reason: reasonValidation, msg: "host bits"},
		"not a cidr":         {static: []any{route("10.0.0.0", extHop)}, reason: reasonValidation, msg: "not an IPv4 CIDR"},
		"duplicate":          {static: []any{route("10.0.0.0/8", extHop), route("10.0.0.0/8", extHop)}, reason: reasonInvalidArgument, msg: "already routed"},
		"two next hops":      {static: []any{route("10.0.0.0/8", map[string]any{"external_subnet_reference": get(extHop, "external_subnet_reference"), "local_subnet_reference": map[string]any{"kind": "subnet", "uuid": apps}})}, reason: reasonValidation, msg: "exactly one"},
		"no next hop":        {static: []any{map[string]any{"destination": "10.0.0.0/8"}}, reason: reasonValidation, msg: "nexthop is required"},
		"not attached":       {def: map[string]any{"external_subnet_reference": map[string]any{"kind": "subnet", "uuid": other}}, reason: reasonInvalidArgument, msg: "not an external subnet of vpc vpc-a"},
		"local not in vpc":   {static: []any{route("10.0.0.0/8", map[string]any{"local_subnet_reference": map[string]any{"kind": "subnet", "uuid": ext}})}, reason: reasonInvalidArgument, msg: "not an overlay subnet"},
		"vpn":                {static: []any{route("10.0.0.0/8", map[string]any{"vpn_connection_reference": map[string]any{"kind": "vpn_connection", "uuid": newUUID()}})}, reason: reasonNotSupported, msg: "not modeled"},
		"default twice":      {static: []any{route("0.0.0.0/0", extHop)}, def: extHop, reason: reasonInvalidArgument, msg: "keep one"},
		"unknown subnet hop": {def: map[string]any{"external_subnet_reference": map[string]any{"kind": "subnet", "uuid": newUUID()}}, reason: reasonInvalidArgument, msg: "does not exist"},
	} {
		t.Run(name, func(t *testing.T) {
			r := c.putBack(path, func(spec map[string]any) {
				res := obj(t, spec["resources"])
				res["static_routes_list"] = tc.static
				if tc.def != nil {
					res["default_route_nexthop"] = tc.def
				}
			})
			refuse(t, r, 422, tc.reason)
			expectMessage(t, r, tc.msg)
		})
	}

	c.accept(c.putBack(path, func(spec map[string]any) {
		res := obj(t, spec["resources"])
		res["static_routes_list"] = []any{
			route("10.200.0.0/16", extHop),
			route("10.201.0.0/16", map[string]any{"local_subnet_reference": map[string]any{"kind": "subnet", "uuid": apps}}),
		}
		res["default_route_nexthop"] = extHop
		spec["unmanaged"] = "kept"
	}))
	rt = expect(t, c.v3("GET", path, nil), 200).json(t)
	if getString(rt, "spec", "unmanaged") != "kept" || getInt(t, rt, "metadata", "spec_version") != 1 {
		t.Errorf("spec after PUT: %v %v", rt["spec"], rt["metadata"])
	}
	if d := get(rt, "status", "resources", "default_route"); getString(d, "destination") != "0.0.0.0/0" ||
		get(d, "is_active") != true || getString(d, "nexthop", "nexthop_ip_address") != "10.1.0.1" {
		t.Errorf("default route: %v", d)
	}
	if static := arr(t, get(rt, "status", "resources", "static_routes_list")); len(static) != 2 ||
		getString(static[1], "nexthop", "local_subnet_reference", "name") != "apps" {
		t.Errorf("static routes: %v", static)
	}

	// Detaching the external subnet leaves its routes inactive; the subnet stays in use by
	// the route table until the routes go.
	c.accept(c.putBack("/vpcs/"+vpc, func(spec map[string]any) {
		obj(t, spec["resources"])["external_subnet_list"] = []any{}
	}))
	rt = expect(t, c.v3("GET", path, nil), 200).json(t)
	if get(rt, "status", "resources", "default_route", "is_active") != false {
		t.Errorf("default route through a detached subnet: %v", get(rt, "status", "resources", "default_route"))
	}
	expectMessage(t, refuse(t, c.v3("DELETE", "/subnets/"+ext, nil), 409, reasonDeletionFailed), "vpc_route_table vpc-a")
	expectMessage(t, refuse(t, c.v3("DELETE", "/subnets/"+apps, nil), 409, reasonDeletionFailed), "vpc_route_table vpc-a")
	c.accept(c.putBack(path, func(spec map[string]any) {
		spec["resources"] = map[string]any{"static_routes_list": []any{}}
	}))
	c.accept(c.v3("DELETE", "/subnets/"+ext, nil))
	c.accept(c.v3("DELETE", "/subnets/"+apps, nil))
	rt = expect(t, c.v3("GET", path, nil), 200).json(t)
	if local := arr(t, get(rt, "status", "resources", "local_routes_list")); len(local) != 0 {
		t.Errorf("local routes after the subnet went: %v", local)
	}
}
