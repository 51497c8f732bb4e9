package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// uuidRegexp matches an entity UUID.
var uuidRegexp = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// testAccVMDataSourceConfig looks a VM up by name, next to the cluster CA01.
func testAccVMDataSourceConfig(name string) string {
	return fmt.Sprintf(`
data "nutanixdr_cluster" "ca" {
  name = "CA01"
}

data "nutanixdr_vm" "test" {
  name = %q
}
`, name)
}

func TestAccVMDataSource(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	vmID := testAccVMID(t, c, "db-01")
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const addr = "data.nutanixdr_vm.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if _, err := c.UpdateVMCategories(t.Context(), vmID, func(m map[string]string) { m["Environment"] = "Production" }); err != nil {
						t.Fatalf("categorizing db-01: %v", err)
					}
				},
				Config: provider + testAccVMDataSourceConfig("db-01"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(vmID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("power_state"), knownvalue.StringExact("ON")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ip_addresses"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("192.168.50.11"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("categories"), knownvalue.MapExact(map[string]knownvalue.Check{
						"Environment": knownvalue.StringExact("Production"),
					})),
					statecheck.CompareValuePairs(
						addr, tfjsonpath.New("cluster_id"),
						"data.nutanixdr_cluster.ca", tfjsonpath.New("id"),
						compare.ValuesSame(),
					),
				},
			},
			{
				Config:      provider + testAccVMDataSourceConfig("web-01"),
				ExpectError: acctest.ErrorRegexp(`Error looking up VM`, `No VM named "web-01"`, `"app-01", "db-01", "dns-01"`),
			},
			{
				// A VM that is not on this Prism Central (failed over to the other site) is no
				// error with allow_missing; one that is still is found as before.
				Config: provider + `
data "nutanixdr_vm" "test" {
  name          = "web-01"
  allow_missing = true
}

data "nutanixdr_vm" "db" {
  name          = "db-01"
  allow_missing = true
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("found"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.nutanixdr_vm.db", tfjsonpath.New("found"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.nutanixdr_vm.db", tfjsonpath.New("id"), knownvalue.StringExact(vmID)),
				},
			},
		},
	})
}
