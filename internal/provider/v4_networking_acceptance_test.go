package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// The networking kinds end to end on a Prism Central that serves networking v4.3 (pc.7.5):
// the no-NAT pattern of the NC2 guide (an external subnet without NAT, a VPC with an
// externally routable prefix and a default route, an overlay subnet, static routes) is
// created, imported, updated and destroyed once with api_version = "v3" and once with
// "auto", and prismsim's request counters show that each went over its wire alone. The
// request counts of each apply are logged for the record.

// Routes of prismsim's request counters for the networking kinds.
var (
	v4NetCreate = []string{
		"POST /api/networking/v4.3/config/subnets", "POST /api/networking/v4.3/config/vpcs",
		"POST /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes",
		"GET /api/networking/v4.3/config/subnets/{extId}", "GET /api/networking/v4.3/config/vpcs/{extId}",
		"GET /api/networking/v4.3/config/route-tables", "GET /api/networking/v4.3/config/subnets",
		"GET /api/networking/v4.3/config/vpcs",
	}
	v4NetUpdate = []string{
		"PUT /api/networking/v4.3/config/subnets/{extId}", "PUT /api/networking/v4.3/config/vpcs/{extId}",
		"DELETE /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes/{extId}",
		"POST /api/networking/v4.3/config/route-tables/{routeTableExtId}/routes",
	}
	v4NetDelete = []string{
		"DELETE /api/networking/v4.3/config/subnets/{extId}", "DELETE /api/networking/v4.3/config/vpcs/{extId}",
	}
	v3NetCreate = []string{
		"POST /api/nutanix/v3/subnets", "POST /api/nutanix/v3/vpcs", "PUT /api/nutanix/v3/vpcs/{uuid}/route_tables",
		"GET /api/nutanix/v3/subnets/{uuid}", "GET /api/nutanix/v3/vpcs/{uuid}", "POST /api/nutanix/v3/subnets/list",
		"POST /api/nutanix/v3/vpcs/list",
	}
	v3NetUpdate = []string{"PUT /api/nutanix/v3/subnets/{uuid}", "PUT /api/nutanix/v3/vpcs/{uuid}", "PUT /api/nutanix/v3/vpcs/{uuid}/route_tables"}
	v3NetDelete = []string{"DELETE /api/nutanix/v3/subnets/{uuid}", "DELETE /api/nutanix/v3/vpcs/{uuid}"}
)

// netRoutesUsed fails unless each route of used was sent to pc since its counters were last
// reset, and none of unused was.
func netRoutesUsed(pc *prismsim.PC, used, unused []string) error {
	counts := pc.RequestCounts().ByRoute
	for _, r := range used {
		if counts[r] == 0 {
			return fmt.Errorf("%s was never sent; routes: %s", r, routeCounts(counts))
		}
	}
	for _, r := range unused {
		if counts[r] > 0 {
			return fmt.Errorf("%s was sent %d times; routes: %s", r, counts[r], routeCounts(counts))
		}
	}
	return nil
}

// testAccV4NetworkConfig is the no-NAT pattern with static routes and the list data
// sources; updated changes the uplink's description, adds a routable prefix and routes the
// second static route to another destination.
func testAccV4NetworkConfig(provider string, updated bool) string {
	ext, prefixes, second := defaultExt(), `["172.30.0.0/16"]`, "10.30.0.0/16"
	if updated {
		ext.description, prefixes, second = "uplink, updated", `["172.30.0.0/16", "172.31.0.0/24"]`, "10.40.0.0/16"
	}
	return provider + testAccExternalSubnetConfig(ext) + testAccVPCConfig("vpc-a", prefixes, "") +
		testAccOverlaySubnetConfig("vpc-a-172-30-1", "172.30.1.0/24", "172.30.1.1", "") + fmt.Sprintf(`
resource "nutanixdr_vpc_route_table" "a" {
  vpc_id                           = nutanixdr_vpc.a.id
  default_route_external_subnet_id = nutanixdr_subnet.external.id
  static_routes = [
    { destination = "10.20.0.0/16", external_subnet_id = nutanixdr_subnet.external.id },
    { destination = %q, external_subnet_id = nutanixdr_subnet.external.id },
  ]
}

data "nutanixdr_subnets" "all" {
  depends_on = [nutanixdr_subnet.overlay]
}

data "nutanixdr_vpcs" "all" {
  depends_on = [nutanixdr_vpc.a]
}
`, second)
}

func TestAccV4_networking(t *testing.T) {
	for _, tc := range []struct {
		apiVersion                       string
		create, update, destroy, unused3 []string
	}{
		{"v3", v3NetCreate, v3NetUpdate, v3NetDelete, nil},
		{"auto", v4NetCreate, v4NetUpdate, v4NetDelete, append(append(append([]string(nil), v3NetCreate...), v3NetUpdate...), v3NetDelete...)},
	} {
		t.Run(tc.apiVersion, func(t *testing.T) {
			w := acctest.NewWorldPreset(t, nc2Preset, acctest.WithPCVersion(v4Release))
			pc := w.PC(acctest.PCTokyo)
			c := acctest.Client(t, w, acctest.PCTokyo)
			provider := withAPIVersion(acctest.ProviderConfig(w, acctest.PCTokyo, ""), tc.apiVersion)
			unused := func(v3 []string) []string {
				if tc.apiVersion == "v3" {
					return append(append(append([]string(nil), v4NetCreate...), v4NetUpdate...), v4NetDelete...)
				}
				return v3
			}
			record := func(what string) statecheck.StateCheck {
				return acctest.CheckAPI(func(context.Context) error {
					t.Logf("api_version = %q, %s: %d requests to %s", tc.apiVersion, what, pc.RequestCounts().Total, acctest.PCTokyo)
					return nil
				})
			}
			reset := func() { pc.ResetRequestCounts() }
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy: resource.ComposeTestCheckFunc(
					// The counts first: the checks after them read with a v3 client.
					func(*terraform.State) error {
						t.Logf("api_version = %q, destroying: %d requests to %s", tc.apiVersion, pc.RequestCounts().Total, acctest.PCTokyo)
						return netRoutesUsed(pc, tc.destroy, unused(v3NetDelete))
					},
					testAccCheckVPCsGone(t, c), testAccCheckSubnetsGone(t, c, "ext-nonat", "vpc-a-172-30-1"),
				),
				Steps: []resource.TestStep{
					{
						PreConfig:        reset,
						Config:           testAccV4NetworkConfig(provider, false),
						ConfigPlanChecks: emptyAfter,
						ConfigStateChecks: []statecheck.StateCheck{
							record("creating"),
							acctest.CheckAPI(func(context.Context) error { return netRoutesUsed(pc, tc.create, unused(tc.unused3)) }),
							// Read with a v3 client, after the counts.
							acctest.CheckAPI(func(context.Context) error {
								return testAccCheckRoutes(t, c, true, "10.20.0.0/16", "10.30.0.0/16")(nil)
							}),
						},
					},
					{ResourceName: "nutanixdr_subnet.external", ImportState: true, ImportStateVerify: true},
					{ResourceName: "nutanixdr_subnet.overlay", ImportState: true, ImportStateVerify: true},
					{ResourceName: "nutanixdr_vpc.a", ImportState: true, ImportStateVerify: true},
					{ResourceName: "nutanixdr_vpc_route_table.a", ImportState: true, ImportStateVerify: true},
					{
						PreConfig: reset,
						Config:    testAccV4NetworkConfig(provider, true),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("nutanixdr_subnet.external", plancheck.ResourceActionUpdate),
								plancheck.ExpectResourceAction("nutanixdr_vpc.a", plancheck.ResourceActionUpdate),
								plancheck.ExpectResourceAction("nutanixdr_vpc_route_table.a", plancheck.ResourceActionUpdate),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							record("updating"),
							acctest.CheckAPI(func(context.Context) error { return netRoutesUsed(pc, tc.update, unused(v3NetUpdate)) }),
							acctest.CheckAPI(func(context.Context) error {
								return testAccCheckRoutes(t, c, true, "10.20.0.0/16", "10.40.0.0/16")(nil)
							}),
						},
					},
					{
						// State written under one wire plans empty under the other.
						Config:   testAccV4NetworkConfig(withAPIVersion(acctest.ProviderConfig(w, acctest.PCTokyo, ""), map[string]string{"v3": "auto", "auto": "v3"}[tc.apiVersion]), true),
						PlanOnly: true,
					},
					{
						// Back on the wire under test, which the destroy then takes.
						PreConfig: reset,
						Config:    testAccV4NetworkConfig(provider, true),
						PlanOnly:  true,
					},
				},
			})
		})
	}
}
