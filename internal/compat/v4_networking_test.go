package compat_test

import (
	"errors"
	"testing"

	netapi "github.com/nutanix/ntnx-api-golang-clients/networking-go-client/v4/api"
	netclient "github.com/nutanix/ntnx-api-golang-clients/networking-go-client/v4/client"
	netcommon "github.com/nutanix/ntnx-api-golang-clients/networking-go-client/v4/models/common/v1/config"
	netcfg "github.com/nutanix/ntnx-api-golang-clients/networking-go-client/v4/models/networking/v4/config"
	netprism "github.com/nutanix/ntnx-api-golang-clients/networking-go-client/v4/models/prism/v4/config"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// The networking v4.3 part of the v4 compatibility suite: Nutanix's networking SDK creates,
// reads, lists (filter, pages), updates (ETag) and deletes subnets, VPCs and routes on
// prismsim; effects are checked through our client over v3.

func netClient(t *testing.T, pc *prismsim.PC) *netclient.ApiClient {
	tg := targetOf(t, pc)
	ac := netclient.NewApiClient()
	ac.Host, ac.Port, ac.Username, ac.Password = tg.host, tg.port, tg.user, tg.pass
	ac.VerifySSL = false
	ac.MaxRetryAttempts = 0
	return ac
}

// waitNetTask waits for the task of a networking mutation's answer and returns its id.
func waitNetTask(t *testing.T, s site, what string, resp *netcfg.TaskReferenceApiResponse, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	ref, ok := resp.GetData().(netprism.TaskReference)
	if !ok || ref.ExtId == nil {
		t.Fatalf("%s answered %T %+v, want a TaskReference", what, resp.GetData(), resp.GetData())
	}
	if got, err := s.our.WaitForTask(t.Context(), *ref.ExtId, what, nil); err != nil || got.Status != "SUCCEEDED" {
		t.Fatalf("%s: task %s: %+v %v", what, *ref.ExtId, got, err)
	}
}

func v4Addr(ip string) *netcommon.IPv4Address {
	a := netcommon.NewIPv4Address()
	a.Value = ptr(ip)
	return a
}

func v4Net(ip string, bits int) *netcfg.IPv4Subnet {
	s := netcfg.NewIPv4Subnet()
	s.Ip, s.PrefixLength = v4Addr(ip), ptr(bits)
	return s
}

func v4IPSubnet(ip string, bits int) netcfg.IPSubnet {
	s := netcfg.NewIPSubnet()
	s.Ipv4 = v4Net(ip, bits)
	return *s
}

func sdkIPConfig(network string, bits int, gateway string) []netcfg.IPConfig {
	c := netcfg.NewIPv4Config()
	c.IpSubnet, c.DefaultGatewayIp = v4Net(network, bits), v4Addr(gateway)
	ic := netcfg.NewIPConfig()
	ic.Ipv4 = c
	return []netcfg.IPConfig{*ic}
}

// findSubnetByName lists the subnets named name through the SDK and returns the one.
func findSubnetByName(t *testing.T, api *netapi.SubnetsApi, name string) netcfg.Subnet {
	t.Helper()
	list, err := api.ListSubnets(nil, nil, ptr("name eq '"+name+"'"), nil, nil, nil)
	if err != nil {
		t.Fatalf("listing subnet %s: %v", name, err)
	}
	items, ok := list.GetData().([]netcfg.Subnet)
	if !ok || len(items) != 1 {
		t.Fatalf("listing subnet %s: %T %+v", name, list.GetData(), list.GetData())
	}
	return items[0]
}

func TestV4CompatNetworking(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	ctx := t.Context()
	ac := netClient(t, e.ca.pc)
	subnets, vpcs := netapi.NewSubnetsApi(ac), netapi.NewVpcsApi(ac)
	tables, routes := netapi.NewRouteTablesApi(ac), netapi.NewRoutesApi(ac)

	// An external VLAN subnet without NAT, created through v4, seen through v3.
	ext := netcfg.NewSubnet()
	ext.Name, ext.SubnetType = ptr("v4-ext-nonat"), netcfg.SUBNETTYPE_VLAN.Ref()
	ext.NetworkId, ext.ClusterReference = ptr(150), ptr(e.ca01)
	ext.IsExternal, ext.IsNatEnabled = ptr(true), ptr(false)
	ext.IpConfig = sdkIPConfig("10.150.0.0", 24, "10.150.0.1")
	pool := netcfg.NewIPv4Pool()
	pool.StartIp, pool.EndIp = v4Addr("10.150.0.10"), v4Addr("10.150.0.50")
	ext.IpConfig[0].Ipv4.PoolList = []netcfg.IPv4Pool{*pool}
	resp, err := subnets.CreateSubnet(ext)
	waitNetTask(t, e.ca, "creating the external subnet", resp, err)
	extID := *findSubnetByName(t, subnets, "v4-ext-nonat").ExtId
	got, err := e.ca.our.GetSubnet(ctx, extID)
	if err != nil || !got.IsExternal || got.EnableNAT == nil || *got.EnableNAT || got.CIDR != "10.150.0.0/24" ||
		got.VLANID == nil || *got.VLANID != 150 || got.ClusterUUID != e.ca01 || got.IPConfig == nil || len(got.IPConfig.Pools) != 1 {
		t.Fatalf("v3 sees the external subnet as %+v (%v)", got, err)
	}

	// A VPC using it, with an externally routable prefix and a name server.
	vpc := netcfg.NewVpc()
	vpc.Name, vpc.Description = ptr("v4-vpc"), ptr("through v4")
	es := netcfg.NewExternalSubnet()
	es.SubnetReference = ptr(extID)
	vpc.ExternalSubnets = []netcfg.ExternalSubnet{*es}
	vpc.ExternallyRoutablePrefixes = []netcfg.IPSubnet{v4IPSubnet("172.30.0.0", 16)}
	dhcp := netcfg.NewVpcDhcpOptions()
	dns := netcommon.NewIPAddress()
	dns.Ipv4 = v4Addr("10.150.0.2")
	dhcp.DomainNameServers = []netcommon.IPAddress{*dns}
	vpc.CommonDhcpOptions = dhcp
	resp, err = vpcs.CreateVpc(vpc)
	waitNetTask(t, e.ca, "creating the VPC", resp, err)
	vl, err := vpcs.ListVpcs(nil, nil, ptr("name eq 'v4-vpc'"), nil, nil)
	if err != nil {
		t.Fatalf("listing VPCs: %v", err)
	}
	vitems, ok := vl.GetData().([]netcfg.Vpc)
	if !ok || len(vitems) != 1 {
		t.Fatalf("listing VPCs: %T %+v", vl.GetData(), vl.GetData())
	}
	vpcID := *vitems[0].ExtId
	if v, err := e.ca.our.GetVPC(ctx, vpcID); err != nil || len(v.ExternalSubnetUUIDs) != 1 || v.ExternalSubnetUUIDs[0] != extID ||
		len(v.ExternallyRoutablePrefixes) != 1 || v.ExternallyRoutablePrefixes[0] != "172.30.0.0/16" || len(v.DNSServers) != 1 {
		t.Fatalf("v3 sees the VPC as %+v (%v)", v, err)
	}
	gv, err := vpcs.GetVpcById(&vpcID)
	if err != nil {
		t.Fatalf("reading the VPC: %v", err)
	}
	if v := dataAs[netcfg.Vpc](t, gv.GetData()); len(v.ExternalSubnets) != 1 || len(v.ExternalSubnets[0].ExternalIps) != 1 {
		t.Fatalf("the VPC has no address on its external subnet: %+v", v.ExternalSubnets)
	}

	// An overlay subnet in the VPC, inside the routable prefix (no NAT).
	ov := netcfg.NewSubnet()
	ov.Name, ov.SubnetType, ov.VpcReference = ptr("v4-overlay"), netcfg.SUBNETTYPE_OVERLAY.Ref(), ptr(vpcID)
	ov.IpConfig = sdkIPConfig("172.30.1.0", 24, "172.30.1.1")
	resp, err = subnets.CreateSubnet(ov)
	waitNetTask(t, e.ca, "creating the overlay subnet", resp, err)
	ovID := *findSubnetByName(t, subnets, "v4-overlay").ExtId
	if s, err := e.ca.our.GetSubnet(ctx, ovID); err != nil || s.VPCUUID != vpcID || s.SubnetType != client.SubnetTypeOverlay {
		t.Fatalf("v3 sees the overlay subnet as %+v (%v)", s, err)
	}
	// Outside the prefix: refused by the model, in the v4 error envelope.
	bad := netcfg.NewSubnet()
	bad.Name, bad.SubnetType, bad.VpcReference = ptr("v4-outside"), netcfg.SUBNETTYPE_OVERLAY.Ref(), ptr(vpcID)
	bad.IpConfig = sdkIPConfig("192.168.9.0", 24, "192.168.9.1")
	_, err = subnets.CreateSubnet(bad)
	wantStatus(t, "an overlay subnet outside the routable prefixes", err, 400, &netcfg.TaskReferenceApiResponse{})

	// Pages: every subnet (the preset's and these) one per page.
	all, err := subnets.ListSubnets(nil, ptr(100), nil, ptr("name asc"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	total := len(dataAs[[]netcfg.Subnet](t, all.GetData()))
	if n := all.Metadata.TotalAvailableResults; n == nil || *n != total || total < 3 {
		t.Fatalf("list: %d subnets, totalAvailableResults %v", total, n)
	}
	seen := map[string]bool{}
	for page := 0; page < total; page++ {
		p, err := subnets.ListSubnets(ptr(page), ptr(1), nil, ptr("name asc"), nil, nil)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		items := dataAs[[]netcfg.Subnet](t, p.GetData())
		if len(items) != 1 || seen[*items[0].ExtId] {
			t.Fatalf("page %d: %+v", page, items)
		}
		seen[*items[0].ExtId] = true
	}
	if past, err := subnets.ListSubnets(ptr(total), ptr(1), nil, nil, nil, nil); err != nil || past.GetData() != nil {
		t.Fatalf("a page past the end: %+v %v", past, err)
	}
	// A subnet made through v3 (the preset's) reads through v4.
	ours, err := e.ca.our.ListSubnets(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ours {
		gs, err := subnets.GetSubnetById(ptr(s.UUID))
		if err != nil {
			t.Fatalf("subnet %s through v4: %v", s.Name, err)
		}
		if v := dataAs[netcfg.Subnet](t, gs.GetData()); *v.Name != s.Name || v.SubnetType.GetName() != s.SubnetType {
			t.Fatalf("subnet %s through v4: %+v", s.Name, v)
		}
	}

	// Update the subnet with the ETag read; the stale ETag is refused.
	gs, err := subnets.GetSubnetById(&ovID)
	if err != nil {
		t.Fatal(err)
	}
	sub := dataAs[netcfg.Subnet](t, gs.GetData())
	stale := ac.GetEtag(sub)
	sub.Description = ptr("changed through v4")
	resp, err = subnets.UpdateSubnetById(&ovID, &sub)
	waitNetTask(t, e.ca, "updating the overlay subnet", resp, err)
	if s, err := e.ca.our.GetSubnet(ctx, ovID); err != nil || s.Description != "changed through v4" || s.CIDR != "172.30.1.0/24" {
		t.Fatalf("v3 sees the updated subnet as %+v (%v)", s, err)
	}
	if stale == "" {
		t.Fatal("the subnet was read without an ETag")
	}
	_, err = subnets.UpdateSubnetById(&ovID, &sub) // sub still carries the ETag read before the update
	wantStatus(t, "stale subnet update", err, 412, &netcfg.TaskReferenceApiResponse{})

	// Update the VPC with its ETag.
	gv, err = vpcs.GetVpcById(&vpcID)
	if err != nil {
		t.Fatal(err)
	}
	v := dataAs[netcfg.Vpc](t, gv.GetData())
	v.ExternallyRoutablePrefixes = append(v.ExternallyRoutablePrefixes, v4IPSubnet("172.31.0.0", 24))
	resp, err = vpcs.UpdateVpcById(&vpcID, &v)
	waitNetTask(t, e.ca, "updating the VPC", resp, err)
	if got, err := e.ca.our.GetVPC(ctx, vpcID); err != nil || len(got.ExternallyRoutablePrefixes) != 2 || got.Description != "through v4" {
		t.Fatalf("v3 sees the updated VPC as %+v (%v)", got, err)
	}

	// The VPC's route table, found by its VPC.
	tl, err := tables.ListRouteTables(nil, nil, ptr("vpcReference eq '"+vpcID+"'"), nil)
	if err != nil {
		t.Fatalf("listing route tables: %v", err)
	}
	titems := dataAs[[]netcfg.RouteTable](t, tl.GetData())
	if len(titems) != 1 || *titems[0].VpcReference != vpcID {
		t.Fatalf("route tables of the VPC: %+v", titems)
	}
	tableID := *titems[0].ExtId
	if gt, err := tables.GetRouteTableById(&tableID); err != nil || *dataAs[netcfg.RouteTable](t, gt.GetData()).VpcReference != vpcID {
		t.Fatalf("reading the route table: %v", err)
	}

	// Routes: a static route and the default route through the external subnet.
	route := func(dest string, bits int, nexthop string) *netcfg.Route {
		r := netcfg.NewRoute()
		d := v4IPSubnet(dest, bits)
		r.Name, r.Destination, r.RouteType = ptr("to-"+dest), &d, netcfg.ROUTETYPE_STATIC.Ref()
		nh := netcfg.NewNexthop()
		nh.NexthopType, nh.NexthopReference = netcfg.NEXTHOPTYPE_EXTERNAL_SUBNET.Ref(), ptr(nexthop)
		r.Nexthop = nh
		return r
	}
	resp, err = routes.CreateRouteForRouteTable(&tableID, route("10.0.0.0", 8, extID))
	waitNetTask(t, e.ca, "creating a static route", resp, err)
	resp, err = routes.CreateRouteForRouteTable(&tableID, route("0.0.0.0", 0, extID))
	waitNetTask(t, e.ca, "creating the default route", resp, err)
	rt, err := e.ca.our.GetRouteTable(ctx, vpcID)
	if err != nil || len(rt.StaticRoutes) != 1 || rt.StaticRoutes[0].Destination != "10.0.0.0/8" || rt.DefaultRouteExternalSubnetUUID != extID {
		t.Fatalf("v3 sees the route table as %+v (%v)", rt, err)
	}
	_, err = routes.CreateRouteForRouteTable(&tableID, route("10.0.0.0", 8, extID))
	wantStatus(t, "a second route to the same destination", err, 409, &netcfg.TaskReferenceApiResponse{})

	rl, err := routes.ListRoutesByRouteTableId(&tableID, nil, nil, ptr("routeType eq 'STATIC'"), nil)
	if err != nil {
		t.Fatalf("listing routes: %v", err)
	}
	static := dataAs[[]netcfg.Route](t, rl.GetData())
	if len(static) != 2 {
		t.Fatalf("static routes: %+v", static)
	}
	if all, err := routes.ListRoutesByRouteTableId(&tableID, nil, nil, nil, nil); err != nil || len(dataAs[[]netcfg.Route](t, all.GetData())) != 3 {
		t.Fatalf("every route (two static, the overlay subnet's local one): %v", err)
	}
	var staticID string
	for _, r := range static {
		if *r.Destination.Ipv4.Ip.Value == "10.0.0.0" {
			staticID = *r.ExtId
		}
	}

	// Move the static route with its ETag; it keeps its extId, and a stale ETag is refused.
	gr, err := routes.GetRouteForRouteTableById(&staticID, &tableID)
	if err != nil {
		t.Fatal(err)
	}
	r := dataAs[netcfg.Route](t, gr.GetData())
	if !*r.IsActive || r.Nexthop.NexthopIpAddress == nil {
		t.Fatalf("the static route: %+v", r)
	}
	d := v4IPSubnet("10.1.0.0", 16)
	r.Destination = &d
	resp, err = routes.UpdateRouteForRouteTableById(&staticID, &tableID, &r)
	waitNetTask(t, e.ca, "moving the static route", resp, err)
	if rt, err := e.ca.our.GetRouteTable(ctx, vpcID); err != nil || len(rt.StaticRoutes) != 1 || rt.StaticRoutes[0].Destination != "10.1.0.0/16" {
		t.Fatalf("v3 sees the route table as %+v (%v)", rt, err)
	}
	if gr, err := routes.GetRouteForRouteTableById(&staticID, &tableID); err != nil ||
		*dataAs[netcfg.Route](t, gr.GetData()).Destination.Ipv4.Ip.Value != "10.1.0.0" {
		t.Fatalf("the moved route under its extId: %v", err)
	}
	_, err = routes.UpdateRouteForRouteTableById(&staticID, &tableID, &r)
	wantStatus(t, "stale route update", err, 412, &netcfg.TaskReferenceApiResponse{})

	// Deletes, each with the ETag read: routes, the overlay subnet, the VPC, the subnet.
	for _, id := range []string{staticID, *static[0].ExtId, *static[1].ExtId} {
		gr, err := routes.GetRouteForRouteTableById(&id, &tableID)
		if err != nil {
			continue // already deleted (the moved route is one of the two)
		}
		tag := ac.GetEtag(gr.GetData())
		resp, err := routes.DeleteRouteForRouteTableById(&id, &tableID, map[string]any{"If-Match": &tag})
		waitNetTask(t, e.ca, "deleting route "+id, resp, err)
	}
	if rt, err := e.ca.our.GetRouteTable(ctx, vpcID); err != nil || len(rt.StaticRoutes) != 0 || rt.DefaultRouteExternalSubnetUUID != "" {
		t.Fatalf("v3 sees the emptied route table as %+v (%v)", rt, err)
	}
	// The VPC cannot go while it has a subnet.
	gv, err = vpcs.GetVpcById(&vpcID)
	if err != nil {
		t.Fatal(err)
	}
	tag := ac.GetEtag(gv.GetData())
	_, err = vpcs.DeleteVpcById(&vpcID, map[string]any{"If-Match": &tag})
	wantStatus(t, "deleting a VPC that has a subnet", err, 409, &netcfg.TaskReferenceApiResponse{})
	_, err = subnets.DeleteSubnetById(&ovID)
	wantStatus(t, "delete without If-Match", err, 428, nil)

	for _, step := range []struct {
		what string
		get  func() (interface{ GetData() interface{} }, error)
		del  func(args map[string]any) (*netcfg.TaskReferenceApiResponse, error)
	}{
		{"the overlay subnet", func() (interface{ GetData() interface{} }, error) { return subnets.GetSubnetById(&ovID) },
			func(a map[string]any) (*netcfg.TaskReferenceApiResponse, error) {
				return subnets.DeleteSubnetById(&ovID, a)
			}},
		{"the VPC", func() (interface{ GetData() interface{} }, error) { return vpcs.GetVpcById(&vpcID) },
			func(a map[string]any) (*netcfg.TaskReferenceApiResponse, error) { return vpcs.DeleteVpcById(&vpcID, a) }},
		{"the external subnet", func() (interface{ GetData() interface{} }, error) { return subnets.GetSubnetById(&extID) },
			func(a map[string]any) (*netcfg.TaskReferenceApiResponse, error) {
				return subnets.DeleteSubnetById(&extID, a)
			}},
	} {
		got, err := step.get()
		if err != nil {
			t.Fatalf("reading %s: %v", step.what, err)
		}
		tag := ac.GetEtag(got.GetData())
		resp, err := step.del(map[string]any{"If-Match": &tag})
		waitNetTask(t, e.ca, "deleting "+step.what, resp, err)
	}
	for _, id := range []string{ovID, extID} {
		if _, err := e.ca.our.GetSubnet(ctx, id); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("subnet %s after its v4 delete: %v", id, err)
		}
	}
	if _, err := e.ca.our.GetVPC(ctx, vpcID); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("VPC after its v4 delete: %v", err)
	}
	if tl, err := tables.ListRouteTables(nil, nil, ptr("vpcReference eq '"+vpcID+"'"), nil); err != nil || tl.GetData() != nil {
		t.Fatalf("the route table outlives its VPC: %+v %v", tl, err)
	}
}
