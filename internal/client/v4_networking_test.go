package client

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// The networking kinds over v4 against prismsim posing as a release that serves networking
// v4.3: the typed operations go over v4 under api_version = "auto" (prismsim's counters),
// read the same entities as a v3 client does, retry a create whose answer was lost under
// the same request id without making a second entity, and write a route table as the few
// route mutations it needs.

const (
	netV4Subnets     = "POST /api/networking/v4.3/config/subnets"
	netV4Subnet      = "PUT /api/networking/v4.3/config/subnets/{extId}"
	netV4VPCs        = "POST /api/networking/v4.3/config/vpcs"
	netV4VPC         = "PUT /api/networking/v4.3/config/vpcs/{extId}"
	netV4RouteCreate = "POST /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes"
	netV4RoutePut    = "PUT /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes/{extId}"
	netV4RouteDelete = "DELETE /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes/{extId}"
)

// startV4NetSite is startNetSite with the PCs posing as pc.7.5, and a client under "auto".
func startV4NetSite(t *testing.T) (*netSite, *Client) {
	t.Helper()
	s := startNetSite(t, func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			cfg.PCs[i].PCVersion = "pc.7.5"
		}
	})
	c, _ := s.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	return s, c
}

// mutations returns how many of each route prismsim received since the last reset.
func (s *netSite) mutations(routes ...string) []int {
	counts := s.pc.RequestCounts().ByRoute
	out := make([]int, len(routes))
	for i, r := range routes {
		out[i] = counts[r]
	}
	return out
}

func TestV4NetworkingOverEmulator(t *testing.T) {
	s, c := startV4NetSite(t)
	v3 := s.c // a client of the default api_version, v3
	ctx := context.Background()

	ext, err := c.CreateSubnet(ctx, netExternalNoNAT(s.cluster))
	if err != nil {
		t.Fatal(err)
	}
	vpc, err := c.CreateVPC(ctx, VPC{Name: "vpc-a", ExternalSubnetUUIDs: []string{ext.UUID},
		ExternallyRoutablePrefixes: []string{"172.30.0.0/16"}, DNSServers: []string{"10.10.100.2"}})
	if err != nil {
		t.Fatal(err)
	}
	ov, err := c.CreateSubnet(ctx, netOverlaySpec(vpc.UUID, "vpc-a-172-30-1", "172.30.1.0/24", "172.30.1.1"))
	if err != nil {
		t.Fatal(err)
	}
	rt, err := c.PutRouteTable(ctx, RouteTable{VPCUUID: vpc.UUID, DefaultRouteExternalSubnetUUID: ext.UUID,
		StaticRoutes: []Route{{Destination: "10.0.0.0/8", NextHopExternalSubnetUUID: ext.UUID}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.mutations(netV4Subnets, netV4VPCs, netV4RouteCreate); !reflect.DeepEqual(got, []int{2, 1, 2}) {
		t.Errorf("v4 creates of subnets, VPCs, routes: %v, want [2 1 2]", got)
	}
	if n := s.pc.RequestCounts().ByRoute["POST /api/nutanix/v3/subnets"]; n != 0 {
		t.Errorf("%d v3 subnet creates under auto", n)
	}

	// Both wires read the same entities the same way (v4 reports no status state).
	for _, id := range []string{ext.UUID, ov.UUID} {
		a, err := c.GetSubnet(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := v3.GetSubnet(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b.State = ""
		if !reflect.DeepEqual(a, b) {
			t.Errorf("subnet %s\nover v4: %+v\nover v3: %+v", id, a, b)
		}
	}
	if b, err := v3.GetVPC(ctx, vpc.UUID); err != nil || func() bool { b.State = ""; return !reflect.DeepEqual(vpc, b) }() {
		t.Errorf("VPC over v4 %+v, over v3 %+v (%v)", vpc, b, err)
	}
	if b, err := v3.GetRouteTable(ctx, vpc.UUID); err != nil || func() bool { b.State = ""; return !reflect.DeepEqual(rt, b) }() {
		t.Errorf("route table over v4 %+v, over v3 %+v (%v)", rt, b, err)
	}

	// A route whose destination stays and next hop changes is one PUT; nothing else moves.
	s.pc.ResetRequestCounts()
	want := RouteTable{VPCUUID: vpc.UUID, DefaultRouteExternalSubnetUUID: ext.UUID,
		StaticRoutes: []Route{{Destination: "10.0.0.0/8", NextHopLocalSubnetUUID: ov.UUID}}}
	rt, err = c.PutRouteTable(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.mutations(netV4RouteCreate, netV4RoutePut, netV4RouteDelete); !reflect.DeepEqual(got, []int{0, 1, 0}) {
		t.Errorf("route create, update, delete: %v, want [0 1 0]", got)
	}
	if !reflect.DeepEqual(*rt, want) {
		t.Errorf("route table %+v, want %+v", rt, want)
	}
	// The same table again sends nothing; an emptied one deletes both routes.
	s.pc.ResetRequestCounts()
	if _, err := c.PutRouteTable(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got := s.mutations(netV4RouteCreate, netV4RoutePut, netV4RouteDelete); !reflect.DeepEqual(got, []int{0, 0, 0}) {
		t.Errorf("an unchanged table sent %v route mutations", got)
	}
	if rt, err = c.PutRouteTable(ctx, RouteTable{VPCUUID: vpc.UUID}); err != nil || len(rt.StaticRoutes) != 0 || rt.DefaultRouteExternalSubnetUUID != "" {
		t.Fatalf("emptied table %+v, %v", rt, err)
	}
	if got := s.mutations(netV4RouteDelete); got[0] != 2 {
		t.Errorf("emptying the table deleted %d routes, want 2", got[0])
	}

	// Updates go over v4 with If-Match; what the client does not model is kept.
	s.pc.ResetRequestCounts()
	upd := netExternalNoNAT(s.cluster)
	upd.Description = "changed over v4"
	got, err := c.UpdateSubnet(ctx, ext.UUID, upd)
	if err != nil || got.Description != "changed over v4" || got.EnableNAT == nil || *got.EnableNAT {
		t.Fatalf("updated subnet %+v, %v", got, err)
	}
	// A preset subnet (vswitch_name br0, which v4 does not carry) keeps it through a v4 update.
	all, err := v3.ListSubnets(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range all {
		if sub.UUID == ext.UUID || sub.UUID == ov.UUID || sub.SubnetType != SubnetTypeVLAN {
			continue
		}
		if _, err := c.UpdateSubnet(ctx, sub.UUID, SubnetSpec{Description: "described over v4"}); err != nil {
			t.Fatal(err)
		}
		spec, _ := s.raw(t, "/subnets/"+sub.UUID)["spec"].(map[string]any)
		res, _ := spec["resources"].(map[string]any)
		if res["vswitch_name"] != "br0" || spec["description"] != "described over v4" {
			t.Errorf("subnet %s after a v4 update: %v", sub.Name, spec)
		}
		break
	}
	v := *vpc
	v.ExternallyRoutablePrefixes = append(v.ExternallyRoutablePrefixes, "172.31.0.0/24")
	if gv, err := c.UpdateVPC(ctx, v); err != nil || len(gv.ExternallyRoutablePrefixes) != 2 {
		t.Fatalf("updated VPC %+v, %v", gv, err)
	}
	if got := s.mutations(netV4Subnet, netV4VPC); !reflect.DeepEqual(got, []int{2, 1}) {
		t.Errorf("v4 subnet and VPC updates: %v, want [2 1]", got)
	}

	// A create whose answer is lost is resent under its request id: one subnet.
	s.faultOn(t, map[string]any{"path_prefix": "/api/networking/v4.3/config/subnets", "method": "POST", "kind": "drop_after_commit", "count": 1})
	if _, err := c.CreateSubnet(ctx, netOverlaySpec(vpc.UUID, "vpc-a-172-30-2", "172.30.2.0/24", "172.30.2.1")); err != nil {
		t.Fatalf("create after a dropped answer: %v", err)
	}
	if list, err := v3.ListSubnets(ctx, "name==vpc-a-172-30-2"); err != nil || len(list) != 1 {
		t.Fatalf("subnets named vpc-a-172-30-2 after a retried create: %d, %v", len(list), err)
	}

	// Deletes, over v4.
	s.pc.ResetRequestCounts()
	for _, id := range []string{ov.UUID} {
		if err := c.DeleteSubnet(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	list, err := c.ListSubnets(ctx, "name==vpc-a-172-30-2")
	if err != nil || len(list) != 1 {
		t.Fatalf("listing by name over v4: %+v %v", list, err)
	}
	if err := c.DeleteSubnet(ctx, list[0].UUID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteVPC(ctx, vpc.UUID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSubnet(ctx, ext.UUID); err != nil {
		t.Fatal(err)
	}
	counts := s.pc.RequestCounts().ByRoute
	if counts["DELETE /api/networking/v4.3/config/subnets/{extId}"] != 3 || counts["DELETE /api/networking/v4.3/config/vpcs/{extId}"] != 1 ||
		counts["DELETE /api/nutanix/v3/subnets/{uuid}"] != 0 {
		t.Errorf("deletes: %v", counts)
	}
	if _, err := c.GetRouteTable(ctx, vpc.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the route table of a deleted VPC: %v", err)
	}
}
