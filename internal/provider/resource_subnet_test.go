package provider_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// nc2Preset is the world of the networking tests: Tokyo and Osaka, NC2 in two regions.
const nc2Preset = "nc2-cross-region"

// extSubnet describes the external no-NAT subnet of a test configuration.
type extSubnet struct {
	name        string
	description string
	vlan        int
	nat         string // "true", "false", or "" to leave enable_nat out
	pools       string // HCL list of pools
}

// defaultExt is the uplink of the no-NAT pattern.
func defaultExt() extSubnet {
	return extSubnet{name: "ext-nonat", vlan: 100, nat: "false",
		pools: `[{ start = "10.10.100.50", end = "10.10.100.99" }]`}
}

// testAccExternalSubnetConfig declares the cluster look-up and the external subnet.
func testAccExternalSubnetConfig(e extSubnet) string {
	nat := ""
	if e.nat != "" {
		nat = "enable_nat  = " + e.nat
	}
	return fmt.Sprintf(`
data "nutanixdr_cluster" "tyo" {
  name = "NC2-TYO"
}

resource "nutanixdr_subnet" "external" {
  name        = %q
  description = %q
  type        = "VLAN"
  cluster_id  = data.nutanixdr_cluster.tyo.id
  vlan_id     = %d
  is_external = true
  %s
  ip_config = {
    cidr       = "10.10.100.0/24"
    gateway_ip = "10.10.100.1"
    pools      = %s
  }
}
`, e.name, e.description, e.vlan, nat, e.pools)
}

// testAccVPCConfig declares the VPC attached to the external subnet, with the HCL list of its
// externally routable prefixes and extra lines.
func testAccVPCConfig(name, prefixes, extra string) string {
	return fmt.Sprintf(`
resource "nutanixdr_vpc" "a" {
  name                         = %q
  external_subnet_ids          = [nutanixdr_subnet.external.id]
  externally_routable_prefixes = %s
  %s
}
`, name, prefixes, extra)
}

// testAccOverlaySubnetConfig declares the overlay subnet of the VPC.
func testAccOverlaySubnetConfig(name, cidr, gateway, rest string) string {
	return fmt.Sprintf(`
resource "nutanixdr_subnet" "overlay" {
  name   = %q
  type   = "OVERLAY"
  vpc_id = nutanixdr_vpc.a.id
  ip_config = {
    cidr       = %q
    gateway_ip = %q
    %s
  }
}
`, name, cidr, gateway, rest)
}

// testAccNetworkPattern is the whole no-NAT pattern of the NC2 guide: uplink, VPC with
// 172.30.0.0/16 routable, default route, overlay subnet 172.30.1.0/24.
func testAccNetworkPattern(overlayRest string) string {
	return testAccExternalSubnetConfig(defaultExt()) +
		testAccVPCConfig("vpc-a", `["172.30.0.0/16"]`, "") + `
resource "nutanixdr_vpc_route_table" "a" {
  vpc_id                           = nutanixdr_vpc.a.id
  default_route_external_subnet_id = nutanixdr_subnet.external.id
}
` + testAccOverlaySubnetConfig("vpc-a-172-30-1", "172.30.1.0/24", "172.30.1.1", overlayRest)
}

// testAccSubnetByName returns the one subnet named name.
func testAccSubnetByName(ctx context.Context, c *client.Client, name string) (*client.Subnet, error) {
	subnets, err := c.ListSubnets(ctx, "")
	if err != nil {
		return nil, err
	}
	var found []client.Subnet
	for _, s := range subnets {
		if s.Name == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("%d subnets named %q", len(found), name)
	}
	return &found[0], nil
}

// testAccSubnetID returns the UUID of the one subnet named name, or fails the test.
func testAccSubnetID(t *testing.T, c *client.Client, name string) string {
	t.Helper()
	s, err := testAccSubnetByName(t.Context(), c, name)
	if err != nil {
		t.Fatalf("looking up subnet %s: %v", name, err)
	}
	return s.UUID
}

// testAccCheckSubnetAPI checks the subnet named name as Prism Central holds it.
func testAccCheckSubnetAPI(t *testing.T, c *client.Client, name string, check func(*client.Subnet) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, err := testAccSubnetByName(t.Context(), c, name)
		if err != nil {
			return err
		}
		got, err := c.GetSubnet(t.Context(), s.UUID)
		if err != nil {
			return err
		}
		return check(got)
	}
}

// testAccCheckSubnetsGone checks that no subnet of the given names is left.
func testAccCheckSubnetsGone(t *testing.T, c *client.Client, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		subnets, err := c.ListSubnets(t.Context(), "")
		if err != nil {
			return err
		}
		for _, s := range subnets {
			if slices.Contains(names, s.Name) {
				return fmt.Errorf("subnet %s (%s) still exists", s.Name, s.UUID)
			}
		}
		return nil
	}
}

// noNAT checks that a subnet is external with NAT explicitly off.
func noNAT(s *client.Subnet) error {
	if !s.IsExternal || s.EnableNAT == nil || *s.EnableNAT {
		return fmt.Errorf("subnet %s: is_external %v, enable_nat %v; want an external subnet with enable_nat false",
			s.Name, s.IsExternal, s.EnableNAT)
	}
	return nil
}

func TestAccSubnet_external(t *testing.T) {
	w := acctest.NewWorldPreset(t, nc2Preset, nil)
	c := acctest.Client(t, w, acctest.PCTokyo)
	provider := acctest.ProviderConfig(w, acctest.PCTokyo, "")
	const addr = "nutanixdr_subnet.external"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	updated := defaultExt()
	updated.name, updated.description, updated.vlan = "ext-nonat-2", "uplink", 101
	updated.pools = `[{ start = "10.10.100.50", end = "10.10.100.59" }, { start = "10.10.100.70", end = "10.10.100.79" }]`
	withNAT := updated
	withNAT.nat = ""

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSubnetsGone(t, c, "ext-nonat", "ext-nonat-2"),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccExternalSubnetConfig(defaultExt()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enable_nat"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("is_external"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vlan_id"), knownvalue.Int64Exact(100)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ip_config").AtMapKey("dhcp"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ip_config").AtMapKey("pools"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"start": knownvalue.StringExact("10.10.100.50"), "end": knownvalue.StringExact("10.10.100.99"),
						}),
					})),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckSubnetAPI(t, c, "ext-nonat", noNAT),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "ext-nonat",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `the subnet UUID`, `got "ext-nonat"`),
			},
			{
				// Name, description, VLAN and pools change in place; NAT stays off.
				Config: provider + testAccExternalSubnetConfig(updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vlan_id"), knownvalue.Int64Exact(101)),
				},
				Check: testAccCheckSubnetAPI(t, c, "ext-nonat-2", func(s *client.Subnet) error {
					if err := noNAT(s); err != nil {
						return err
					}
					if s.Description != "uplink" || s.VLANID == nil || *s.VLANID != 101 || s.IPConfig == nil ||
						!slices.Equal(s.IPConfig.Pools, []string{"10.10.100.50-10.10.100.59", "10.10.100.70-10.10.100.79"}) {
						return fmt.Errorf("subnet not updated: %+v, ip_config %+v", s, s.IPConfig)
					}
					return nil
				}),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Changed outside Terraform: the plan puts it back, in place.
				PreConfig: func() {
					id := testAccSubnetID(t, c, "ext-nonat-2")
					if _, err := c.UpdateSubnet(t.Context(), id, client.SubnetSpec{Name: "renamed-by-hand", Description: "by hand"}); err != nil {
						t.Fatalf("changing the subnet out of band: %v", err)
					}
				},
				Config: provider + testAccExternalSubnetConfig(updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check:             testAccCheckSubnetsGone(t, c, "renamed-by-hand"),
			},
			{
				// Deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					if err := c.DeleteSubnet(t.Context(), testAccSubnetID(t, c, "ext-nonat-2")); err != nil {
						t.Fatalf("deleting the subnet out of band: %v", err)
					}
				},
				Config: provider + testAccExternalSubnetConfig(updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckSubnetAPI(t, c, "ext-nonat-2", noNAT),
			},
			{
				// Leaving enable_nat out turns NAT back on, which replaces the subnet; the default is
				// then not tracked.
				Config: provider + testAccExternalSubnetConfig(withNAT),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enable_nat"), knownvalue.Null()),
				},
				Check: testAccCheckSubnetAPI(t, c, "ext-nonat-2", func(s *client.Subnet) error {
					if s.EnableNAT != nil && !*s.EnableNAT {
						return errors.New("NAT is still off")
					}
					return nil
				}),
			},
		},
	})
}

func TestAccSubnet_overlay(t *testing.T) {
	w := acctest.NewWorldPreset(t, nc2Preset, nil)
	c := acctest.Client(t, w, acctest.PCTokyo)
	provider := acctest.ProviderConfig(w, acctest.PCTokyo, "")
	const addr = "nutanixdr_subnet.overlay"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	first := `pools = [{ start = "172.30.1.100", end = "172.30.1.200" }]`
	second := `pools = [{ start = "172.30.1.100", end = "172.30.1.150" }]
    dhcp = {
      dns_servers   = ["10.10.0.53", "10.10.0.54"]
      domain_name   = "tokyo.example.com"
      domain_search = ["example.com"]
    }`

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSubnetsGone(t, c, "ext-nonat", "vpc-a-172-30-1", "vpc-a-outside"),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccNetworkPattern(first),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("type"), knownvalue.StringExact("OVERLAY")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vlan_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enable_nat"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("is_external"), knownvalue.Bool(false)),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("vpc_id"), "nutanixdr_vpc.a", tfjsonpath.New("id"), compare.ValuesSame()),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckSubnetAPI(t, c, "vpc-a-172-30-1", func(s *client.Subnet) error {
					if s.SubnetType != client.SubnetTypeOverlay || s.CIDR != "172.30.1.0/24" || s.GatewayIP != "172.30.1.1" || s.VPCUUID == "" {
						return fmt.Errorf("overlay subnet is %+v", s)
					}
					return nil
				}),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Pools and DHCP options change in place.
				Config: provider + testAccNetworkPattern(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: testAccCheckSubnetAPI(t, c, "vpc-a-172-30-1", func(s *client.Subnet) error {
					ip := s.IPConfig
					if ip == nil || !slices.Equal(ip.DNSServers, []string{"10.10.0.53", "10.10.0.54"}) ||
						ip.DomainName != "tokyo.example.com" || !slices.Equal(ip.Pools, []string{"172.30.1.100-172.30.1.150"}) {
						return fmt.Errorf("ip_config not updated: %+v", ip)
					}
					return nil
				}),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// DHCP options removed outside Terraform: the plan puts them back.
				PreConfig: func() {
					id := testAccSubnetID(t, c, "vpc-a-172-30-1")
					_, err := c.UpdateSubnet(t.Context(), id, client.SubnetSpec{IPConfig: &client.IPConfig{
						CIDR: "172.30.1.0/24", GatewayIP: "172.30.1.1", Pools: []string{"172.30.1.100-172.30.1.150"},
					}})
					if err != nil {
						t.Fatalf("changing the subnet out of band: %v", err)
					}
				},
				Config: provider + testAccNetworkPattern(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				// Deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					if err := c.DeleteSubnet(t.Context(), testAccSubnetID(t, c, "vpc-a-172-30-1")); err != nil {
						t.Fatalf("deleting the subnet out of band: %v", err)
					}
				},
				Config: provider + testAccNetworkPattern(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A second overlay subnet outside the VPC's routable prefix: refused at plan time,
				// since the VPC exists.
				Config: provider + testAccNetworkPattern(second) + strings.ReplaceAll(
					testAccOverlaySubnetConfig("vpc-a-outside", "172.31.1.0/24", "172.31.1.1", ""),
					`"overlay"`, `"outside"`),
				ExpectError: acctest.ErrorRegexp(`Overlay subnet outside the VPC's routable prefixes`,
					`ip_config.cidr: VPC "vpc-a"`, `no-NAT external subnet "ext-nonat"`,
					`172.31.1.0/24 is in none of them (the VPC has: 172.30.0.0/16)`),
			},
		},
	})
}

// TestAccSubnet_noNATPlacementAtApply checks the placement rule when the VPC is created in the
// same apply, so that its prefixes are unknown at plan time.
func TestAccSubnet_noNATPlacementAtApply(t *testing.T) {
	w := acctest.NewWorldPreset(t, nc2Preset, nil)
	c := acctest.Client(t, w, acctest.PCTokyo)
	provider := acctest.ProviderConfig(w, acctest.PCTokyo, "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSubnetsGone(t, c, "ext-nonat", "vpc-a-outside"),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccExternalSubnetConfig(defaultExt()) + testAccVPCConfig("vpc-a", `["172.30.0.0/16"]`, "") +
					testAccOverlaySubnetConfig("vpc-a-outside", "172.31.1.0/24", "172.31.1.1", ""),
				ExpectError: acctest.ErrorRegexp(`Overlay subnet outside the VPC's routable prefixes`,
					`172.31.1.0/24 is in none of them (the VPC has: 172.30.0.0/16)`),
			},
		},
	})
}

func TestAccSubnet_validation(t *testing.T) {
	const cluster = "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
	const vpc = "1c7f3e2d-4b5e-4f60-9bac-1d2e3f4a5b6c"
	subnet := func(body string) string {
		return offlineProviderConfig() + "resource \"nutanixdr_subnet\" \"test\" {\n  name = \"s\"\n" + body + "\n}\n"
	}
	vlan := `type = "VLAN"
  cluster_id = "` + cluster + `"
  vlan_id = 10
`
	overlay := `type = "OVERLAY"
  vpc_id = "` + vpc + `"
`
	var steps []resource.TestStep
	for _, tc := range []struct {
		body  string
		error []string
	}{
		{vlan + `ip_config = { cidr = "10.0.0.5/24" }`, []string{`ip_config.cidr: "10.0.0.5/24" is not a network address`, `did you mean "10.0.0.0/24"?`}},
		{vlan + `ip_config = { cidr = "10.0.0.0" }`, []string{`ip_config.cidr: "10.0.0.0" is not an IPv4 network in prefix notation`}},
		{vlan + `ip_config = {
    cidr = "10.0.0.0/24"
    gateway_ip = "10.0.1.1"
  }`, []string{`ip_config.gateway_ip: 10.0.1.1 is not inside the subnet's network 10.0.0.0/24`}},
		{vlan + `ip_config = {
    cidr = "10.0.0.0/24"
    gateway_ip = "10.0.0.255"
  }`, []string{`ip_config.gateway_ip: 10.0.0.255 is the broadcast address`}},
		{vlan + `ip_config = {
    cidr = "10.0.0.0/24"
    gateway_ip = "10.0.0.1"
    pools = [{ start = "10.0.0.200", end = "10.0.1.10" }]
  }`, []string{`ip_config.pools[0]: the pool 10.0.0.200-10.0.1.10 is not inside the subnet's network 10.0.0.0/24`}},
		{vlan + `ip_config = {
    cidr = "10.0.0.0/24"
    gateway_ip = "10.0.0.1"
    pools = [{ start = "10.0.0.10", end = "10.0.0.50" }, { start = "10.0.0.50", end = "10.0.0.90" }]
  }`, []string{`ip_config.pools[1] (10.0.0.50-10.0.0.90) overlaps ip_config.pools[0] (10.0.0.10-10.0.0.50)`}},
		{vlan + `ip_config = {
    cidr = "10.0.0.0/24"
    gateway_ip = "10.0.0.1"
    pools = [{ start = "10.0.0.1", end = "10.0.0.50" }]
  }`, []string{`ip_config.pools[0]: the pool 10.0.0.1-10.0.0.50 holds the gateway 10.0.0.1`}},
		{vlan + `ip_config = {
    cidr = "10.0.0.0/24"
    pools = [{ start = "10.0.0.90", end = "10.0.0.10" }]
  }`, []string{`the pool 10.0.0.90-10.0.0.10 starts after it ends`}},
		{vlan + `ip_config = {
    cidr = "10.0.0.0/24"
    dhcp = { dns_servers = ["8.8.8"] }
  }`, []string{`ip_config.dhcp.dns_servers[0]: "8.8.8" is not an IPv4 address`}},
		{`type = "VLAN"
  vlan_id = 10`, []string{`cluster_id is required with type = "VLAN"`}},
		{`type = "VLAN"
  cluster_id = "` + cluster + `"`, []string{`vlan_id is required with type = "VLAN"`}},
		{`type = "VLAN"
  cluster_id = "` + cluster + `"
  vlan_id = 4096`, []string{`vlan_id value must be between 0 and 4095`}},
		{vlan + `vpc_id = "` + vpc + `"`, []string{`vpc_id is only allowed with type = "OVERLAY"`}},
		{vlan + `enable_nat = false`, []string{`enable_nat is only allowed with is_external = true`}},
		{vlan + `is_external = true`, []string{`ip_config is required with is_external = true`}},
		{overlay + `vlan_id = 10
  ip_config = {
    cidr = "172.30.1.0/24"
    gateway_ip = "172.30.1.1"
  }`, []string{`vlan_id is only allowed with type = "VLAN"`}},
		{overlay + `cluster_id = "` + cluster + `"
  ip_config = {
    cidr = "172.30.1.0/24"
    gateway_ip = "172.30.1.1"
  }`, []string{`cluster_id is only allowed with type = "VLAN"`}},
		{overlay + `is_external = true
  ip_config = {
    cidr = "172.30.1.0/24"
    gateway_ip = "172.30.1.1"
  }`, []string{`is_external = true is only allowed with type = "VLAN"`}},
		{overlay, []string{`ip_config is required with type = "OVERLAY"`}},
		{overlay + `ip_config = { cidr = "172.30.1.0/24" }`, []string{`ip_config.gateway_ip is required for overlay and external subnets`}},
		{`type = "OVERLAY"
  ip_config = {
    cidr = "172.30.1.0/24"
    gateway_ip = "172.30.1.1"
  }`, []string{`vpc_id is required with type = "OVERLAY"`}},
		{`type = "BRIDGE"`, []string{`type value must be one of: ["VLAN" "OVERLAY"]`}},
	} {
		steps = append(steps, resource.TestStep{Config: subnet(tc.body), ExpectError: acctest.ErrorRegexp(tc.error...)})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}
