package provider_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// TestAccV4_strictStagedPlan declares, under api_version = "v4" (no fallback to v3), the
// staged plan of the leap-two-sites guide: dns-01 alone in a first stage, powered on and
// given a static address at the recovery site, then app-01 and db-01. The plan is written,
// read and imported over v4 only, and plans empty afterwards. (A VM with both a power state
// and an address once lost its stage when read over v4, which "auto" hid by reading the plan
// over v3.)
func TestAccV4_strictStagedPlan(t *testing.T) {
	s := newV4Sites(t, map[string]string{acctest.PCCanada: v4Release, acctest.PCFrance: v4Release})
	config := onAPIVersion(s.config("", ""), "v4")
	config = strings.Replace(config, `entities = [{ categories = { "replicated-vm" = "from-canada" } }]`,
		`entities    = [{ vm_id = data.nutanixdr_vm.dns.id, power_on = true }]
    delay_after = "30s"
  }, {
    entities = [{ vm_id = data.nutanixdr_vm.app.id, power_on = true }, { vm_id = data.nutanixdr_vm.db.id, power_on = true }]`, 1)
	config = strings.Replace(config, "  network_mappings = [{",
		"  ip_assignments = [{ vm_id = data.nutanixdr_vm.dns.id, site = \"recovery\", recovery_ip = \"192.168.50.53\" }]\n  network_mappings = [{", 1)
	config += `
data "nutanixdr_vm" "dns" {
  name = "dns-01"
}

data "nutanixdr_vm" "app" {
  name = "app-01"
}

data "nutanixdr_vm" "db" {
  name = "db-01"
}
`
	if !strings.Contains(config, "ip_assignments") || !strings.Contains(config, "data.nutanixdr_vm.dns.id, power_on") {
		t.Fatal("the configuration of the v4 tests changed: the staged plan could not be put in")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v4PlanCreate, v4PlanGet, v4StageCreate}, []string{v3PlanCreate, v3PlanGet}),
				},
			},
			{
				ResourceName:            testAccPlanAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: append(testAccPlanVolatile, "cutover_mode"),
			},
		},
	})
}
