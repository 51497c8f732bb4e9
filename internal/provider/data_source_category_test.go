package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

func TestAccCategoryDataSources(t *testing.T) {
	w := acctest.NewWorldWith(t, withBulkInventory)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const env = "data.nutanixdr_category.environment"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + "data \"nutanixdr_category\" \"missing\" {\n  name = \"no-such-key\"\n}\n",
				ExpectError: acctest.ErrorRegexp(`No category named "no-such-key"`, "nutanixdr_categories"),
			},
			{
				Config: provider + `
data "nutanixdr_category" "environment" {
  name = "Environment"
}
data "nutanixdr_category" "mine" {
  name = "replicated-vm"
}
data "nutanixdr_categories" "bulk" {
  name_regex = "^bulk-cat-"
}
data "nutanixdr_categories" "user" {
  system_defined = false
}
data "nutanixdr_categories" "system" {
  system_defined = true
}
data "nutanixdr_categories" "none" {
  name_regex = "^no-such-key$"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(env, tfjsonpath.New("system_defined"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(env, tfjsonpath.New("values").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("Environment/Dev"), "value": knownvalue.StringExact("Dev"),
						"description": knownvalue.NotNull(), "system_defined": knownvalue.Bool(true),
					})),
					listCount(env, "values", 4),
					statecheck.ExpectKnownValue("data.nutanixdr_category.mine", tfjsonpath.New("values"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact("replicated-vm/from-canada")}),
					})),
					statecheck.ExpectKnownValue("data.nutanixdr_category.mine", tfjsonpath.New("system_defined"), knownvalue.Bool(false)),
					listCount("data.nutanixdr_categories.bulk", "categories", bulkCount),
					listCount("data.nutanixdr_categories.user", "categories", bulkCount+1),
					listCount("data.nutanixdr_categories.system", "categories", 4),
					listCount("data.nutanixdr_categories.none", "categories", 0),
				},
			},
		},
	})
}
