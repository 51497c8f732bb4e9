package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
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

// testAccRouteTableConfig declares the uplink, the VPC and its route table with the given body
// after vpc_id.
func testAccRouteTableConfig(body string) string {
	return testAccExternalSubnetConfig(defaultExt()) + testAccVPCConfig("vpc-a", `["172.30.0.0/16"]`, "") + fmt.Sprintf(`
resource "nutanixdr_vpc_route_table" "a" {
  vpc_id = nutanixdr_vpc.a.id
  %s
}
`, body)
}

// testAccCheckRoutes checks the route table of VPC vpc-a: its default route goes through the
// external subnet (or there is none), and its static routes are want, in order.
func testAccCheckRoutes(t *testing.T, c *client.Client, wantDefault bool, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ext, err := testAccSubnetByName(t.Context(), c, "ext-nonat")
		if err != nil {
			return err
		}
		rt, err := c.GetRouteTable(t.Context(), testAccVPCID(t, c, "vpc-a"))
		if err != nil {
			return err
		}
		if got := rt.DefaultRouteExternalSubnetUUID; (got == ext.UUID) != wantDefault || (!wantDefault && got != "") {
			return fmt.Errorf("default route through %q, want it %v through %s", got, wantDefault, ext.UUID)
		}
		if len(rt.StaticRoutes) != len(want) {
			return fmt.Errorf("static routes %+v, want %v", rt.StaticRoutes, want)
		}
		for i, r := range rt.StaticRoutes {
			if r.Destination != want[i] || r.NextHopExternalSubnetUUID != ext.UUID {
				return fmt.Errorf("static route %d is %+v, want %s through %s", i, r, want[i], ext.UUID)
			}
		}
		return nil
	}
}

func TestAccVPCRouteTable_basic(t *testing.T) {
	w := acctest.NewWorldPreset(t, nc2Preset, nil)
	c := acctest.Client(t, w, acctest.PCTokyo)
	provider := acctest.ProviderConfig(w, acctest.PCTokyo, "")
	const addr = "nutanixdr_vpc_route_table.a"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	defaultOnly := provider + testAccRouteTableConfig(`default_route_external_subnet_id = nutanixdr_subnet.external.id`)
	withStatic := provider + testAccRouteTableConfig(`default_route_external_subnet_id = nutanixdr_subnet.external.id
  static_routes = [
    { destination = "10.20.0.0/16", external_subnet_id = nutanixdr_subnet.external.id },
    { destination = "192.168.0.0/24", external_subnet_id = nutanixdr_subnet.external.id },
  ]`)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckVPCsGone(t, c), testAccCheckSubnetsGone(t, c, "ext-nonat"),
		),
		Steps: []resource.TestStep{
			{
				Config: defaultOnly,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), "nutanixdr_vpc.a", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("default_route_external_subnet_id"),
						"nutanixdr_subnet.external", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("static_routes"), knownvalue.Null()),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckRoutes(t, c, true),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Made by hand with the default route among the static routes, a form Prism
				// Central takes: read as the default route, with nothing to change.
				PreConfig: func() {
					raw := newRawAPI(t, w.PC(acctest.PCTokyo), c)
					raw.edit("/vpcs/"+testAccVPCID(t, c, "vpc-a")+"/route_tables", func(spec map[string]any) {
						res, _ := spec["resources"].(map[string]any)
						res["static_routes_list"] = []any{map[string]any{"destination": "0.0.0.0/0", "nexthop": res["default_route_nexthop"]}}
						delete(res, "default_route_nexthop")
					})
				},
				Config: defaultOnly,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "vpc-a",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `the UUID of its VPC`, `got "vpc-a"`),
			},
			{
				Config: withStatic,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check:             testAccCheckRoutes(t, c, true, "10.20.0.0/16", "192.168.0.0/24"),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Emptied outside Terraform: the plan writes the routes back, in place.
				PreConfig: func() {
					if _, err := c.PutRouteTable(t.Context(), client.RouteTable{VPCUUID: testAccVPCID(t, c, "vpc-a")}); err != nil {
						t.Fatalf("emptying the route table out of band: %v", err)
					}
				},
				Config: withStatic,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckRoutes(t, c, true, "10.20.0.0/16", "192.168.0.0/24"),
			},
			{
				// Its VPC deleted outside Terraform (after its routes, which hold the uplink): both
				// are created again.
				PreConfig: func() {
					id := testAccVPCID(t, c, "vpc-a")
					if _, err := c.PutRouteTable(t.Context(), client.RouteTable{VPCUUID: id}); err != nil {
						t.Fatalf("emptying the route table out of band: %v", err)
					}
					if err := c.DeleteVPC(t.Context(), id); err != nil {
						t.Fatalf("deleting the VPC out of band: %v", err)
					}
				},
				Config: withStatic,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("nutanixdr_vpc.a", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckRoutes(t, c, true, "10.20.0.0/16", "192.168.0.0/24"),
			},
			{
				// Removing the resource empties the table and keeps the VPC.
				Config: provider + testAccExternalSubnetConfig(defaultExt()) + testAccVPCConfig("vpc-a", `["172.30.0.0/16"]`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckRoutes(t, c, false),
			},
		},
	})
}

func TestAccVPCRouteTable_validation(t *testing.T) {
	const vpc = "1c7f3e2d-4b5e-4f60-9bac-1d2e3f4a5b6c"
	const ext = "2d8a4f3e-5c6f-4a71-8cbd-2e3f4a5b6c7d"
	table := func(body string) string {
		return offlineProviderConfig() + "resource \"nutanixdr_vpc_route_table\" \"test\" {\n  vpc_id = \"" + vpc + "\"\n" + body + "\n}\n"
	}
	route := func(dest, hop string) string {
		return fmt.Sprintf(`{ destination = %q, external_subnet_id = %q }`, dest, hop)
	}
	var steps []resource.TestStep
	for _, tc := range []struct {
		body  string
		error []string
	}{
		{`static_routes = [` + route("0.0.0.0/0", ext) + `]`,
			[]string{`static_routes[0].destination is 0.0.0.0/0, the default route: set default_route_external_subnet_id`}},
		{`static_routes = [` + route("10.0.0.0/8", ext) + `, ` + route("10.0.0.0/8", ext) + `]`,
			[]string{`static_routes[1].destination 10.0.0.0/8 is also static_routes[0].destination`}},
		{`static_routes = [` + route("10.0.0.1/8", ext) + `]`,
			[]string{`static_routes[0].destination: "10.0.0.1/8" is not a network address`, `"10.0.0.0/8"`}},
		{`static_routes = [` + route("10.0.0.0/8", "ext") + `]`, []string{`static_routes[0].external_subnet_id`, `must be a UUID`}},
		{`default_route_external_subnet_id = "ext"`, []string{`default_route_external_subnet_id`, `must be a UUID`}},
	} {
		steps = append(steps, resource.TestStep{Config: table(tc.body), ExpectError: acctest.ErrorRegexp(tc.error...)})
	}
	steps = append(steps, resource.TestStep{
		Config:      offlineProviderConfig() + "resource \"nutanixdr_vpc_route_table\" \"test\" {\n  vpc_id = \"vpc-a\"\n}\n",
		ExpectError: acctest.ErrorRegexp(`vpc_id`, `must be a UUID`),
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccNetworkExamples applies the documented examples of the subnet, VPC and route table as
// they are written, on Tokyo, and checks that they leave no diff and the uplink without NAT.
func TestAccNetworkExamples(t *testing.T) {
	root, err := acctest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"nutanixdr_subnet", "nutanixdr_vpc", "nutanixdr_vpc_route_table"} {
		t.Run(typ, func(t *testing.T) {
			example, err := os.ReadFile(filepath.Join(root, "examples", "resources", typ, "resource.tf"))
			if err != nil {
				t.Fatal(err)
			}
			w := acctest.NewWorldPreset(t, nc2Preset, nil)
			c := acctest.Client(t, w, acctest.PCTokyo)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy: resource.ComposeAggregateTestCheckFunc(
					testAccCheckVPCsGone(t, c), testAccCheckSubnetsGone(t, c, "tyo-external-nonat", "vpc-a-172-30-1"),
				),
				Steps: []resource.TestStep{
					{
						Config: acctest.ProviderConfig(w, acctest.PCTokyo, "") + string(example),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							testAccCheckSubnetAPI(t, c, "tyo-external-nonat", noNAT),
							testAccCheckSubnetAPI(t, c, "vpc-a-172-30-1", func(s *client.Subnet) error {
								if s.CIDR != "172.30.1.0/24" {
									return fmt.Errorf("overlay subnet has CIDR %q", s.CIDR)
								}
								return nil
							}),
						),
					},
				},
			})
		})
	}
}
