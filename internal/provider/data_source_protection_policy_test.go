package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// testAccProtectionPolicyDataSourceConfig looks a policy up by name.
func testAccProtectionPolicyDataSourceConfig(name string) string {
	return fmt.Sprintf(`
data "nutanixdr_protection_policy" "test" {
  name = %q
}
`, name)
}

// On the recovery site, the policy made on the primary one is found by name, with its
// category filter, its locations as the recovery site names them, and the VMs it covers
// there; on the primary site, the VMs it covers there.
func TestAccProtectionPolicyDataSource(t *testing.T) {
	env := testAccPlanWorld(t, false)
	frLocal := acctest.LocalAZ(t, env.w, acctest.PCFrance)
	provider := acctest.ProviderConfig(env.w, acctest.PCFrance, "")
	const addr = "data.nutanixdr_protection_policy.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + testAccProtectionPolicyDataSourceConfig("replicated-vm"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("category_filter"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"match":      knownvalue.StringExact("ANY"),
						"categories": knownvalue.MapExact(map[string]knownvalue.Check{testAccPlanKey: knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("from-canada")})}),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("locations").AtSliceIndex(0).AtMapKey("primary"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("locations").AtSliceIndex(1).AtMapKey("availability_zone_id"), knownvalue.StringExact(frLocal)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("locations").AtSliceIndex(1).AtMapKey("primary"), knownvalue.Bool(false)),
					// The VMs it covers run in Canada: none on this Prism Central.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("protected_vm_ids"), knownvalue.SetExact(nil)),
				},
			},
			{
				Config: acctest.ProviderConfig(env.w, acctest.PCCanada, "") + testAccProtectionPolicyDataSourceConfig("replicated-vm"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("protected_vm_ids"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact(env.vm["app-01"]), knownvalue.StringExact(env.vm["db-01"]),
					})),
				},
			},
			{
				Config:      provider + testAccProtectionPolicyDataSourceConfig("nope"),
				ExpectError: acctest.ErrorRegexp(`Error looking up protection policy`, `No protection policy named "nope"`, `"replicated-vm"`),
			},
		},
	})
}
