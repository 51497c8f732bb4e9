package client

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// netReadRouteTable is a route table as a server holds it: the spec with
// fields the client does not model, and a status that lists the routes
// its own way.
const netReadRouteTable = `{
  "metadata": {"kind": "vpc_route_table", "uuid": "` + netVPC + `", "spec_version": 4},
  "spec": {
    "name": "vpc-a route table",
    "resources": {
      "static_routes_list": [
        {"destination": "10.0.0.0/8", "nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "` + netExternal + `", "name": "ext-nonat"}}, "tag": "keep"},
        {"destination": "192.168.0.0/16", "nexthop": {"vpn_connection_reference": {"kind": "vpn_connection", "uuid": "vpn-1"}}}
      ]
    }
  },
  "status": {
    "state": "COMPLETE",
    "resources": {
      "static_routes_list": [{"destination": "10.0.0.0/8", "priority": 10, "is_active": true, "nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "` + netExternal + `"}}}],
      "local_routes_list": [{"destination": "172.30.1.0/24", "priority": 1, "is_active": true, "nexthop": {"local_subnet_reference": {"kind": "subnet", "uuid": "` + netOverlay + `"}}}]
    }
  }
}`

func TestGetRouteTable(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/vpcs/"+netVPC+"/route_tables", netReadRouteTable)
	c := f.client(t)
	rt, err := c.GetRouteTable(context.Background(), netVPC)
	if err != nil {
		t.Fatal(err)
	}
	want := RouteTable{VPCUUID: netVPC, State: "COMPLETE", StaticRoutes: []Route{
		{Destination: "10.0.0.0/8", NextHopExternalSubnetUUID: netExternal},
		{Destination: "192.168.0.0/16", NextHopVPNConnectionUUID: "vpn-1"},
	}}
	if !reflect.DeepEqual(*rt, want) {
		t.Errorf("GetRouteTable =\n%+v\nwant\n%+v", *rt, want)
	}
	if _, err := c.GetRouteTable(context.Background(), netOverlay); !errors.Is(err, ErrNotFound) {
		t.Errorf("route table of a missing VPC = %v, want ErrNotFound", err)
	}
}

func TestPutRouteTable(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/vpcs/"+netVPC+"/route_tables", netReadRouteTable)
	c := f.client(t)
	in := RouteTable{VPCUUID: netVPC, DefaultRouteExternalSubnetUUID: netExternal, StaticRoutes: []Route{
		{Destination: "10.0.0.0/8", NextHopExternalSubnetUUID: netExternal},
		{Destination: "192.168.0.0/16", NextHopExternalSubnetUUID: netExternal},
	}}
	rt, err := c.PutRouteTable(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	path := "/vpcs/" + netVPC + "/route_tables"
	body := netSent(t, f.puts, path)
	if _, ok := body["status"]; ok {
		t.Error("the update sent the status back")
	}
	netJSONEqual(t, "metadata", body["metadata"], `{"kind": "vpc_route_table", "uuid": "`+netVPC+`", "spec_version": 4}`)
	netJSONEqual(t, "spec", body["spec"], `{
	  "name": "vpc-a route table",
	  "resources": {
	    "static_routes_list": [
	      {"destination": "10.0.0.0/8", "nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "`+netExternal+`", "name": "ext-nonat"}}, "tag": "keep"},
	      {"destination": "192.168.0.0/16", "nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "`+netExternal+`"}}}
	    ],
	    "default_route_nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "`+netExternal+`"}}
	  }
	}`)
	want := in
	want.State = "COMPLETE"
	if !reflect.DeepEqual(*rt, want) {
		t.Errorf("PutRouteTable =\n%+v\nwant\n%+v", *rt, want)
	}

	// The same table again sends nothing; an empty one empties it.
	if _, err := c.PutRouteTable(context.Background(), in); err != nil || len(f.puts[path]) != 1 {
		t.Fatalf("PutRouteTable unchanged = %v, %d updates sent", err, len(f.puts[path]))
	}
	empty, err := c.PutRouteTable(context.Background(), RouteTable{VPCUUID: netVPC})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.puts[path]) != 2 {
		t.Fatalf("%d updates sent", len(f.puts[path]))
	}
	netJSONEqual(t, "emptied spec", netDecode(t, f.puts[path][1])["spec"], `{"name": "vpc-a route table", "resources": {"static_routes_list": []}}`)
	if len(empty.StaticRoutes) != 0 || empty.DefaultRouteExternalSubnetUUID != "" {
		t.Errorf("emptied table = %+v", empty)
	}
}

func TestPutRouteTableRetriesConflicts(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/vpcs/"+netVPC+"/route_tables", netReadRouteTable)
	f.conflicts = 1
	c := f.client(t)
	if _, err := c.PutRouteTable(context.Background(), RouteTable{VPCUUID: netVPC, DefaultRouteExternalSubnetUUID: netExternal}); err != nil {
		t.Fatal(err)
	}
	puts := f.puts["/vpcs/"+netVPC+"/route_tables"]
	if len(puts) != 2 || subtree(netDecode(t, puts[1]), "metadata.spec_version") != float64(5) {
		t.Errorf("puts = %d; want a second attempt with the spec_version read after the conflict", len(puts))
	}
}

func TestPutRouteTableChecksBeforeSending(t *testing.T) {
	f := newFakeNet(t)
	c := f.client(t)
	_, err := c.PutRouteTable(context.Background(), RouteTable{VPCUUID: netVPC, StaticRoutes: []Route{
		{Destination: "10.0.0.0", NextHopExternalSubnetUUID: netExternal},
		{Destination: "10.1.0.0/16"},
		{Destination: "10.2.0.0/16", NextHopExternalSubnetUUID: netExternal, NextHopLocalSubnetUUID: netOverlay},
	}})
	if err == nil {
		t.Fatal("a table that cannot be sent was accepted")
	}
	mustContain(t, err.Error(), "updating the route table of VPC "+netVPC, `route destination "10.0.0.0"`,
		"route to 10.1.0.0/16 has 0 next hops: give exactly one", "route to 10.2.0.0/16 has 2 next hops")
	if _, err := c.PutRouteTable(context.Background(), RouteTable{}); err == nil {
		t.Error("a table without a VPC was accepted")
	}
	if len(f.puts) != 0 || f.cnt.get("GET "+APIPath+"/vpcs/"+netVPC+"/route_tables") != 0 {
		t.Error("a table that cannot be sent was read or sent")
	}
}

// netStaticDefaultTable is a table made by hand with its default route among
// the static routes and no default_route_nexthop, a form Prism Central takes.
const netStaticDefaultTable = `{
  "metadata": {"kind": "vpc_route_table", "uuid": "` + netVPC + `", "spec_version": 2},
  "spec": {
    "resources": {
      "static_routes_list": [
        {"destination": "0.0.0.0/0", "nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "` + netExternal + `"}}},
        {"destination": "10.0.0.0/8", "nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "` + netExternal + `"}}}
      ]
    }
  },
  "status": {"state": "COMPLETE"}
}`

// TestRouteTableStaticDefaultRoute checks that a default route held among the
// static routes reads as the table's default route, and that an update that
// keeps it keeps its form (no default_route_nexthop added, the route kept).
func TestRouteTableStaticDefaultRoute(t *testing.T) {
	f := newFakeNet(t)
	path := "/vpcs/" + netVPC + "/route_tables"
	f.seed(path, netStaticDefaultTable)
	c := f.client(t)
	rt, err := c.GetRouteTable(context.Background(), netVPC)
	if err != nil {
		t.Fatal(err)
	}
	want := RouteTable{VPCUUID: netVPC, State: "COMPLETE", DefaultRouteExternalSubnetUUID: netExternal,
		StaticRoutes: []Route{{Destination: "10.0.0.0/8", NextHopExternalSubnetUUID: netExternal}}}
	if !reflect.DeepEqual(*rt, want) {
		t.Fatalf("GetRouteTable =\n%+v\nwant\n%+v", *rt, want)
	}

	// The same table sends nothing.
	if _, err := c.PutRouteTable(context.Background(), want); err != nil || len(f.puts[path]) != 0 {
		t.Fatalf("PutRouteTable unchanged = %v, %d updates sent", err, len(f.puts[path]))
	}
	// A change of another route keeps the default route where it was.
	change := want
	change.StaticRoutes = []Route{{Destination: "10.1.0.0/16", NextHopExternalSubnetUUID: netExternal}}
	if _, err := c.PutRouteTable(context.Background(), change); err != nil {
		t.Fatal(err)
	}
	netJSONEqual(t, "spec", netSent(t, f.puts, path)["spec"], `{
	  "resources": {
	    "static_routes_list": [
	      {"destination": "0.0.0.0/0", "nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "`+netExternal+`"}}},
	      {"destination": "10.1.0.0/16", "nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "`+netExternal+`"}}}
	    ]
	  }
	}`)
	// Removing the default route removes it from the static routes.
	if _, err := c.PutRouteTable(context.Background(), RouteTable{VPCUUID: netVPC, StaticRoutes: change.StaticRoutes}); err != nil {
		t.Fatal(err)
	}
	netJSONEqual(t, "spec without default", netDecode(t, f.puts[path][len(f.puts[path])-1])["spec"], `{
	  "resources": {
	    "static_routes_list": [
	      {"destination": "10.1.0.0/16", "nexthop": {"external_subnet_reference": {"kind": "subnet", "uuid": "`+netExternal+`"}}}
	    ]
	  }
	}`)
}
