package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// VMs end to end on a Prism Central that serves vmm v4.2 (pc.7.5): nutanixdr_vm,
// nutanixdr_vms and nutanixdr_vm_categories are applied, imported, updated (one value
// changed, one key added) and destroyed once with api_version = "v3" and once with "auto",
// and prismsim's request counters show that the VM reads and category changes went over
// their wire alone. The request counts of each apply are logged for the record.

// Routes of prismsim's request counters for VMs.
var (
	v4VMRoutes = []string{
		"GET /api/vmm/v4.2/ahv/config/vms", "GET /api/vmm/v4.2/ahv/config/vms/{extId}",
		"POST /api/vmm/v4.2/ahv/config/vms/{extId}/$actions/associate-categories",
	}
	v4VMRemove = []string{"POST /api/vmm/v4.2/ahv/config/vms/{extId}/$actions/disassociate-categories"}
	v3VMRoutes = []string{"POST /api/nutanix/v3/vms/list", "PUT /api/nutanix/v3/vms/{uuid}"}
)

// The steps' checks read the VM with a v3 client (GET /vms/{uuid}): that route is not
// counted against the provider.

func testAccV4VMsConfig(provider string, cats map[string]string) string {
	return provider + testAccVMCategoriesConfig(cats) + `
data "nutanixdr_vms" "all" {
  depends_on = [nutanixdr_vm_categories.test]
}
`
}

func TestAccV4_vms(t *testing.T) {
	for _, tc := range []struct {
		apiVersion   string
		used, unused []string
		removes      []string
	}{
		{"v3", v3VMRoutes, append(append([]string(nil), v4VMRoutes...), v4VMRemove...), v3VMRoutes[1:]},
		{"auto", v4VMRoutes, v3VMRoutes, v4VMRemove},
	} {
		t.Run(tc.apiVersion, func(t *testing.T) {
			w := acctest.NewWorldWith(t, acctest.WithPCVersion(v4Release))
			pc := w.PC(acctest.PCCanada)
			c := acctest.Client(t, w, acctest.PCCanada)
			vmID := testAccVMID(t, c, "app-01")
			provider := withAPIVersion(acctest.ProviderConfig(w, acctest.PCCanada, ""), tc.apiVersion)
			const addr = "nutanixdr_vm_categories.test"
			record := func(what string) statecheck.StateCheck {
				return acctest.CheckAPI(func(context.Context) error {
					counts := pc.RequestCounts()
					t.Logf("api_version = %q, %s: %d requests to %s: %s", tc.apiVersion, what, counts.Total, acctest.PCCanada, routeCounts(counts.ByRoute))
					return nil
				})
			}
			used := func(used, unused []string) statecheck.StateCheck {
				return acctest.CheckAPI(func(context.Context) error { return netRoutesUsed(pc, used, unused) })
			}
			reset := func() { pc.ResetRequestCounts() }
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy: resource.ComposeTestCheckFunc(
					// The counts first: the checks after them read with a v3 client.
					func(*terraform.State) error {
						t.Logf("api_version = %q, destroying: %d requests to %s", tc.apiVersion, pc.RequestCounts().Total, acctest.PCCanada)
						return netRoutesUsed(pc, tc.removes, tc.unused)
					},
					testAccCheckVMCategories(t, c, vmID, map[string]string{}, "acc-dr", "acc-tier"),
					testAccCheckCategoriesGone(t, c, "acc-dr", "acc-tier"),
				),
				Steps: []resource.TestStep{
					{
						PreConfig:        reset,
						Config:           testAccV4VMsConfig(provider, map[string]string{"acc-dr": "gold"}),
						ConfigPlanChecks: emptyAfter,
						ConfigStateChecks: []statecheck.StateCheck{
							record("creating"),
							used(tc.used, tc.unused),
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("categories"), knownvalue.MapExact(map[string]knownvalue.Check{
								"acc-dr": knownvalue.StringExact("gold"),
							})),
							statecheck.ExpectKnownValue("data.nutanixdr_vm.app", tfjsonpath.New("ip_addresses"), knownvalue.ListExact([]knownvalue.Check{
								knownvalue.StringExact("192.168.50.10"),
							})),
						},
						Check: testAccCheckVMCategories(t, c, vmID, map[string]string{"acc-dr": "gold"}),
					},
					{ResourceName: addr, ImportState: true, ImportStateVerify: true},
					{
						PreConfig: reset,
						Config:    testAccV4VMsConfig(provider, map[string]string{"acc-dr": "silver", "acc-tier": "t1"}),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							record("updating"),
							used(tc.removes, tc.unused),
						},
						Check: testAccCheckVMCategories(t, c, vmID, map[string]string{"acc-dr": "silver", "acc-tier": "t1"}),
					},
					{ResourceName: addr, ImportState: true, ImportStateVerify: true},
					{PreConfig: reset, Config: testAccV4VMsConfig(provider, map[string]string{"acc-dr": "silver", "acc-tier": "t1"}), PlanOnly: true},
				},
			})
		})
	}
}
