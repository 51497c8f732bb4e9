package client

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// netSite is one PC of an emulated world, for the networking tests.
type netSite struct {
	*simPC
	c       *Client
	cluster string
}

// startNetSite starts the nc2-cross-region world (leap-two-sites when the
// preset is missing) and returns its first PC with a client and the uuid
// of its AOS cluster.
func startNetSite(t *testing.T, edits ...func(*prismsim.WorldConfig)) *netSite {
	t.Helper()
	preset, pcName, clusterName := "nc2-cross-region", "tokyo", "NC2-TYO"
	if !slices.Contains(prismsim.PresetNames(), preset) {
		preset, pcName, clusterName = "leap-two-sites", "canada", "CA01"
	}
	s := &netSite{simPC: startPresetPC(t, preset, pcName, edits...)}
	s.c, _ = s.client(t)
	clusters, err := s.c.ListClusters(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range clusters {
		if cl.Name == clusterName && !cl.IsPrismCentral {
			s.cluster = cl.UUID
		}
	}
	if s.cluster == "" {
		t.Fatalf("no cluster %s in %+v", clusterName, clusters)
	}
	return s
}

// raw reads an entity as the emulator serves it.
func (s *netSite) raw(t *testing.T, path string) map[string]any {
	t.Helper()
	var out map[string]any
	s.call(t, http.MethodGet, APIPath+path, nil, &out)
	return out
}

// faultOn installs a fault on this site's PC.
func (s *netSite) faultOn(t *testing.T, f map[string]any) {
	t.Helper()
	f["pc"] = s.pc.Name()
	s.call(t, http.MethodPost, "/_prismsim/faults", f, nil)
	t.Cleanup(func() { s.call(t, http.MethodDelete, "/_prismsim/faults", nil, nil) })
}

// netRefused fails unless err is a 4xx *APIError whose text has every part.
func netRefused(t *testing.T, what string, err error, parts ...string) {
	t.Helper()
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode < 400 || apiErr.StatusCode > 499 {
		t.Errorf("%s: error = %v, want a refusal", what, err)
		return
	}
	t.Logf("%s: %v", what, err)
	mustContain(t, err.Error(), parts...)
}

func netExternalNoNAT(cluster string) SubnetSpec {
	return SubnetSpec{
		Name: "ext-nonat", Description: "no-NAT uplink", SubnetType: SubnetTypeVLAN, ClusterUUID: cluster, VLANID: netInt(100),
		IsExternal: netBool(true), EnableNAT: netBool(false),
		IPConfig: &IPConfig{CIDR: "10.10.100.0/24", GatewayIP: "10.10.100.1", Pools: []string{"10.10.100.10-10.10.100.50"}},
	}
}

func netOverlaySpec(vpc, name, cidr, gateway string) SubnetSpec {
	return SubnetSpec{Name: name, SubnetType: SubnetTypeOverlay, VPCUUID: vpc, IPConfig: &IPConfig{CIDR: cidr, GatewayIP: gateway}}
}

// TestEmulatorNetNoNATTopology builds the NC2 no-NAT topology (external
// subnet without NAT, VPC with an externally routable prefix, default
// route, overlay subnet), changes it, and takes it down in the only order
// Prism Central allows.
func TestEmulatorNetNoNATTopology(t *testing.T) {
	s := startNetSite(t)
	ctx := context.Background()
	c := s.c

	ext, err := c.CreateSubnet(ctx, netExternalNoNAT(s.cluster))
	if err != nil {
		t.Fatal(err)
	}
	if !ext.IsExternal || ext.EnableNAT == nil || *ext.EnableNAT || ext.VLANID == nil || *ext.VLANID != 100 ||
		ext.ClusterUUID != s.cluster || ext.CIDR != "10.10.100.0/24" || ext.Description != "no-NAT uplink" ||
		!slices.Equal(ext.IPConfig.Pools, []string{"10.10.100.10-10.10.100.50"}) {
		t.Errorf("external subnet = %+v, ip_config %+v", ext, ext.IPConfig)
	}
	if got := subtree(s.raw(t, "/subnets/"+ext.UUID), "spec.resources.enable_nat"); got != false {
		t.Errorf("the emulator holds enable_nat = %v, want false", got)
	}

	vpc, err := c.CreateVPC(ctx, VPC{Name: "vpc-a", ExternalSubnetUUIDs: []string{ext.UUID},
		ExternallyRoutablePrefixes: []string{"172.30.0.0/16"}, DNSServers: []string{"10.10.0.53"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(vpc.ExternalSubnetUUIDs, []string{ext.UUID}) || !slices.Equal(vpc.ExternallyRoutablePrefixes, []string{"172.30.0.0/16"}) ||
		!slices.Equal(vpc.DNSServers, []string{"10.10.0.53"}) || vpc.State != "COMPLETE" {
		t.Errorf("VPC = %+v", vpc)
	}
	if got, err := c.ListVPCs(ctx, "name==vpc-a"); err != nil || len(got) != 1 || got[0].UUID != vpc.UUID {
		t.Errorf("ListVPCs(name==vpc-a) = %+v, %v", got, err)
	}

	rt, err := c.GetRouteTable(ctx, vpc.UUID)
	if err != nil || len(rt.StaticRoutes) != 0 || rt.DefaultRouteExternalSubnetUUID != "" {
		t.Fatalf("route table of a new VPC = %+v, %v; want an empty one", rt, err)
	}
	rt, err = c.PutRouteTable(ctx, RouteTable{VPCUUID: vpc.UUID, DefaultRouteExternalSubnetUUID: ext.UUID,
		StaticRoutes: []Route{{Destination: "10.20.0.0/16", NextHopExternalSubnetUUID: ext.UUID}}})
	if err != nil {
		t.Fatal(err)
	}
	if rt.DefaultRouteExternalSubnetUUID != ext.UUID || len(rt.StaticRoutes) != 1 || rt.StaticRoutes[0].NextHopExternalSubnetUUID != ext.UUID {
		t.Errorf("route table = %+v", rt)
	}
	if got := subtree(s.raw(t, "/vpcs/"+vpc.UUID+"/route_tables"), "status.resources.default_route.is_active"); got != true {
		t.Errorf("the default route is not active in the emulator's status: %v", got)
	}

	ov, err := c.CreateSubnet(ctx, netOverlaySpec(vpc.UUID, "vpc-a-app", "172.30.1.0/24", "172.30.1.1"))
	if err != nil {
		t.Fatal(err)
	}
	if ov.SubnetType != SubnetTypeOverlay || ov.VPCUUID != vpc.UUID || ov.CIDR != "172.30.1.0/24" || ov.EnableNAT != nil || ov.IsExternal {
		t.Errorf("overlay subnet = %+v", ov)
	}

	// Updates in place keep what the client does not model.
	// Another tool sets vpc_type, which the client does not model.
	raw := s.raw(t, "/vpcs/"+vpc.UUID)
	delete(raw, "status")
	rawResources, _ := subtree(raw, "spec.resources").(map[string]any)
	rawResources["vpc_type"] = "REGULAR"
	var accepted intentResponse
	s.call(t, http.MethodPut, APIPath+"/vpcs/"+vpc.UUID, raw, &accepted)
	if _, err := c.WaitForTask(ctx, accepted.task(), "setting vpc_type", nil); err != nil {
		t.Fatal(err)
	}
	vpcIn := *vpc
	vpcIn.DNSServers = append(vpcIn.DNSServers, "10.10.0.54")
	vpcIn.Description = "tokyo side"
	if vpc, err = c.UpdateVPC(ctx, vpcIn); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(vpc.DNSServers, []string{"10.10.0.53", "10.10.0.54"}) || vpc.Description != "tokyo side" {
		t.Errorf("updated VPC = %+v", vpc)
	}
	if got := subtree(s.raw(t, "/vpcs/"+vpc.UUID), "spec.resources.vpc_type"); got != "REGULAR" {
		t.Errorf("the update lost vpc_type: %v", got)
	}
	ov, err = c.UpdateSubnet(ctx, ov.UUID, SubnetSpec{IPConfig: &IPConfig{CIDR: "172.30.1.0/24", GatewayIP: "172.30.1.1",
		Pools: []string{"172.30.1.100-172.30.1.200"}, DNSServers: []string{"10.10.0.53"}, DomainName: "tyo.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ov.IPConfig.Pools, []string{"172.30.1.100-172.30.1.200"}) || ov.IPConfig.DomainName != "tyo.example" || ov.Name != "vpc-a-app" {
		t.Errorf("updated overlay subnet = %+v, ip_config %+v", ov, ov.IPConfig)
	}
	if got := subtree(s.raw(t, "/subnets/"+ov.UUID), "spec.resources.ip_config.pool_list"); got == nil {
		t.Errorf("pool_list did not reach the emulator")
	}
	ext, err = c.UpdateSubnet(ctx, ext.UUID, SubnetSpec{Description: "uplink"})
	if err != nil {
		t.Fatal(err)
	}
	if ext.EnableNAT == nil || *ext.EnableNAT || ext.Description != "uplink" {
		t.Errorf("an update lost enable_nat false or the description: %+v", ext)
	}

	// Delete order: what something uses cannot go first.
	err = c.DeleteSubnet(ctx, ext.UUID)
	netRefused(t, "deleting the external subnet of a VPC", err, "deleting subnet "+ext.UUID, "vpc-a")
	err = c.DeleteVPC(ctx, vpc.UUID)
	netRefused(t, "deleting a VPC with subnets", err, "deleting VPC "+vpc.UUID, "vpc-a-app")
	if err := c.DeleteSubnet(ctx, ov.UUID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteVPC(ctx, vpc.UUID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRouteTable(ctx, vpc.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("route table of a deleted VPC = %v, want ErrNotFound", err)
	}
	if err := c.DeleteSubnet(ctx, ext.UUID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ext.UUID, ov.UUID} {
		if _, err := c.GetSubnet(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("subnet %s after delete: %v", id, err)
		}
	}
	if err := c.DeleteVPC(ctx, vpc.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting a deleted VPC = %v, want ErrNotFound", err)
	}
}

// TestEmulatorNetRules checks that what Prism Central refuses comes back
// at once as a clear error, and that nothing is left behind.
func TestEmulatorNetRules(t *testing.T) {
	s := startNetSite(t)
	ctx := context.Background()
	c := s.c
	before, err := c.ListSubnets(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	ext, err := c.CreateSubnet(ctx, netExternalNoNAT(s.cluster))
	if err != nil {
		t.Fatal(err)
	}
	vpc, err := c.CreateVPC(ctx, VPC{Name: "vpc-a", ExternalSubnetUUIDs: []string{ext.UUID}, ExternallyRoutablePrefixes: []string{"172.30.0.0/16"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSubnet(ctx, netOverlaySpec(vpc.UUID, "vpc-a-app", "172.30.1.0/24", "172.30.1.1")); err != nil {
		t.Fatal(err)
	}

	natWithoutExternal := netExternalNoNAT(s.cluster)
	natWithoutExternal.Name, natWithoutExternal.IsExternal, natWithoutExternal.VLANID = "internal", netBool(false), netInt(101)
	badVLAN := netExternalNoNAT(s.cluster)
	badVLAN.Name, badVLAN.VLANID = "vlan-5000", netInt(5000)
	noCluster := netExternalNoNAT("0c000000-0000-4000-8000-00000000dead")
	noCluster.Name = "nowhere"
	gatewayOutside := netOverlaySpec(vpc.UUID, "gw-outside", "172.30.2.0/24", "172.30.3.1")
	poolsOverlap := netOverlaySpec(vpc.UUID, "pools-overlap", "172.30.4.0/24", "172.30.4.1")
	poolsOverlap.IPConfig.Pools = []string{"172.30.4.10-172.30.4.50", "172.30.4.40-172.30.4.60"}
	for _, tc := range []struct {
		name  string
		spec  SubnetSpec
		parts []string
	}{
		{"overlay outside the routable prefixes", netOverlaySpec(vpc.UUID, "outside", "10.99.0.0/24", "10.99.0.1"),
			[]string{"creating subnet outside", "10.99.0.0/24 is not inside an externally routable prefix of vpc vpc-a"}},
		{"overlay of a missing VPC", netOverlaySpec("0f000000-0000-4000-8000-00000000dead", "orphan", "172.30.9.0/24", "172.30.9.1"),
			[]string{"creating subnet orphan", "does not exist", "create the VPC first"}},
		{"overlapping overlay subnets", netOverlaySpec(vpc.UUID, "overlap", "172.30.1.128/25", "172.30.1.129"),
			[]string{"overlaps subnet vpc-a-app"}},
		{"gateway outside the network", gatewayOutside, []string{"default_gateway_ip 172.30.3.1 is not inside 172.30.2.0/24"}},
		{"overlapping pools", poolsOverlap, []string{"overlaps pool_list[0]"}},
		{"enable_nat false on an internal subnet", natWithoutExternal, []string{"enable_nat false is only valid on an external subnet"}},
		{"VLAN id out of range", badVLAN, []string{"vlan_id must be 0-4095"}},
		{"VLAN subnet on a missing cluster", noCluster, []string{"creating subnet nowhere", "cluster_reference"}},
	} {
		_, err := c.CreateSubnet(ctx, tc.spec)
		netRefused(t, tc.name, err, tc.parts...)
	}

	for _, tc := range []struct {
		name   string
		prefix string
		parts  []string
	}{
		{"overlapping another VPC's prefix", "172.30.128.0/17", []string{"overlaps the externally routable prefix 172.30.0.0/16 of vpc vpc-a"}},
		{"a prefix longer than /28", "192.168.0.0/29", []string{"must be between /16 and /28"}},
		{"a prefix shorter than /16", "10.0.0.0/15", []string{"must be between /16 and /28"}},
	} {
		_, err := c.CreateVPC(ctx, VPC{Name: "vpc-b", ExternallyRoutablePrefixes: []string{tc.prefix}})
		netRefused(t, tc.name, err, append([]string{"creating VPC vpc-b"}, tc.parts...)...)
	}

	// A no-NAT VPC cannot drop the prefix its overlay subnet lives in, and
	// an external subnet cannot change its NAT.
	in := *vpc
	in.ExternallyRoutablePrefixes = []string{"172.31.0.0/16"}
	_, err = c.UpdateVPC(ctx, in)
	netRefused(t, "dropping the prefix of an overlay subnet", err, "updating VPC vpc-a", "vpc-a-app", "would not be inside an externally routable prefix")
	_, err = c.UpdateSubnet(ctx, ext.UUID, SubnetSpec{EnableNAT: netBool(true)})
	netRefused(t, "turning NAT on", err, "spec.resources.enable_nat cannot be changed")
	// A route through a subnet that is not the VPC's is refused.
	_, err = c.PutRouteTable(ctx, RouteTable{VPCUUID: vpc.UUID, DefaultRouteExternalSubnetUUID: before[0].UUID})
	netRefused(t, "a default route through another subnet", err, "updating the route table of VPC "+vpc.UUID, "is not an external subnet of vpc vpc-a")

	after, err := c.ListSubnets(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+2 {
		t.Errorf("%d subnets after the refusals, want %d", len(after), len(before)+2)
	}
	if vpcs, err := c.ListVPCs(ctx, ""); err != nil || len(vpcs) != 1 {
		t.Errorf("VPCs after the refusals = %+v, %v", vpcs, err)
	}
	got, err := c.GetVPC(ctx, vpc.UUID)
	if err != nil || !slices.Equal(got.ExternallyRoutablePrefixes, []string{"172.30.0.0/16"}) {
		t.Errorf("VPC after a refused update = %+v, %v", got, err)
	}
}

// TestEmulatorNetSubnetInUseByVM checks that a subnet with VM NICs cannot
// be deleted.
func TestEmulatorNetSubnetInUseByVM(t *testing.T) {
	s := startNetSite(t)
	ctx := context.Background()
	vms, err := s.c.ListVMs(ctx, "")
	if err != nil || len(vms) == 0 || len(vms[0].SubnetUUIDs) == 0 {
		t.Fatalf("ListVMs = %+v, %v; want a VM with a NIC", vms, err)
	}
	err = s.c.DeleteSubnet(ctx, vms[0].SubnetUUIDs[0])
	netRefused(t, "deleting a subnet with VMs", err, "deleting subnet "+vms[0].SubnetUUIDs[0], vms[0].Name, "remove what uses it first")
	if _, err := s.c.GetSubnet(ctx, vms[0].SubnetUUIDs[0]); err != nil {
		t.Errorf("the subnet is gone after a refused delete: %v", err)
	}
}

// TestEmulatorNetCreateDroppedAnswer checks that a create whose answer is
// lost after the emulator committed it makes one subnet and one VPC.
func TestEmulatorNetCreateDroppedAnswer(t *testing.T) {
	s := startNetSite(t)
	ctx := context.Background()
	before, err := s.c.ListSubnets(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	s.faultOn(t, map[string]any{"path_prefix": APIPath + "/subnets", "method": "POST", "kind": "drop_after_commit", "count": 1})
	s.faultOn(t, map[string]any{"path_prefix": APIPath + "/vpcs", "method": "POST", "kind": "drop_after_commit", "count": 1})
	ext, err := s.c.CreateSubnet(ctx, netExternalNoNAT(s.cluster))
	if err != nil {
		t.Fatalf("create after a dropped answer: %v", err)
	}
	vpc, err := s.c.CreateVPC(ctx, VPC{Name: "vpc-a", ExternalSubnetUUIDs: []string{ext.UUID}, ExternallyRoutablePrefixes: []string{"172.30.0.0/16"}})
	if err != nil {
		t.Fatalf("VPC create after a dropped answer: %v", err)
	}
	after, err := s.c.ListSubnets(ctx, "")
	if err != nil || len(after) != len(before)+1 {
		t.Errorf("subnets = %d (%v), want %d", len(after), err, len(before)+1)
	}
	if vpcs, err := s.c.ListVPCs(ctx, ""); err != nil || len(vpcs) != 1 || vpcs[0].UUID != vpc.UUID {
		t.Errorf("VPCs = %+v, %v; want only %s", vpcs, err, vpc.UUID)
	}
	if n := s.requests(t, "POST /api/nutanix/v3/subnets"); n != 2 {
		t.Errorf("subnet creates sent = %d, want 2 (one dropped, one retried)", n)
	}
}

// TestEmulatorNetUpdateDroppedAnswer checks that a route table update
// whose answer is lost after the emulator committed it is applied once and
// seen through.
func TestEmulatorNetUpdateDroppedAnswer(t *testing.T) {
	s := startNetSite(t)
	ctx := context.Background()
	ext, err := s.c.CreateSubnet(ctx, netExternalNoNAT(s.cluster))
	if err != nil {
		t.Fatal(err)
	}
	vpc, err := s.c.CreateVPC(ctx, VPC{Name: "vpc-a", ExternalSubnetUUIDs: []string{ext.UUID}, ExternallyRoutablePrefixes: []string{"172.30.0.0/16"}})
	if err != nil {
		t.Fatal(err)
	}
	s.faultOn(t, map[string]any{"path_prefix": APIPath + "/vpcs/" + vpc.UUID + "/route_tables", "method": "PUT", "kind": "drop_after_commit", "count": 1})
	rt, err := s.c.PutRouteTable(ctx, RouteTable{VPCUUID: vpc.UUID, DefaultRouteExternalSubnetUUID: ext.UUID})
	if err != nil {
		t.Fatalf("route table update after a dropped answer: %v", err)
	}
	if rt.DefaultRouteExternalSubnetUUID != ext.UUID {
		t.Errorf("route table = %+v", rt)
	}
	if n := s.requests(t, "PUT /api/nutanix/v3/vpcs/{uuid}/route_tables"); n != 2 {
		t.Errorf("route table updates sent = %d, want 2 (one dropped, one refused as stale)", n)
	}
	raw := s.raw(t, "/vpcs/"+vpc.UUID+"/route_tables")
	if v := subtree(raw, "metadata.spec_version"); v != float64(1) {
		t.Errorf("spec_version = %v after one update, want 1", v)
	}
	if got := subtree(raw, "status.resources.default_route.is_active"); got != true {
		t.Errorf("default route status = %v", subtree(raw, "status.resources.default_route"))
	}
}
