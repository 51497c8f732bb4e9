package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// TestAccVMCategories_createInterrupted covers a Create whose update lands on the VM while the
// wait for its task fails (here: the create timeout is shorter than the PC's task latency). The
// resource must still reach the state, tainted, so the next apply replaces it and destroy removes
// the category from the VM: nothing is left on the VM that Terraform does not know of.
func TestAccVMCategories_createInterrupted(t *testing.T) {
	w := acctest.NewWorldWith(t, func(cfg *prismsim.WorldConfig) {
		cfg.Settings.TaskLatency = prismsim.Duration(3 * time.Second)
	})
	c := acctest.Client(t, w, acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	vmID := testAccVMID(t, c, "app-01")
	const addr = "nutanixdr_vm_categories.test"

	config := func(createTimeout string) string {
		return provider + fmt.Sprintf(`
resource "nutanixdr_category" "dr" {
  name = "acc-interrupted"
}

resource "nutanixdr_category_value" "gold" {
  category = nutanixdr_category.dr.name
  value    = "gold"
}

resource "nutanixdr_vm_categories" "test" {
  vm_id      = %q
  categories = { (nutanixdr_category_value.gold.category) = nutanixdr_category_value.gold.value }

  timeouts = {
    create = %q
  }
}
`, vmID, createTimeout)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			vm, err := c.GetVM(t.Context(), vmID)
			if err != nil {
				return err
			}
			if v, ok := vm.Categories["acc-interrupted"]; ok {
				return fmt.Errorf("app-01 still carries acc-interrupted: %s after destroy", v)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      config("1s"),
				ExpectError: regexp.MustCompile(`(?i)(deadline|timed? ?out|timeout)`),
			},
			{
				// The update landed: the resource is in the state, tainted, and is replaced.
				Config: config("1m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
					},
				},
			},
		},
	})
}
