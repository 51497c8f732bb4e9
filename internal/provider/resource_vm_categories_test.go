package provider_test

import (
	"fmt"
	"maps"
	"sort"
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

// testAccVMCategoriesConfig declares the keys acc-dr (gold, silver) and acc-tier (t1), and
// assigns cats to the VM app-01.
func testAccVMCategoriesConfig(cats map[string]string) string {
	var entries strings.Builder
	for _, k := range sortedKeys(cats) {
		fmt.Fprintf(&entries, "    %q = %q\n", k, cats[k])
	}
	return fmt.Sprintf(`
resource "nutanixdr_category" "dr" {
  name = "acc-dr"
}

resource "nutanixdr_category_value" "gold" {
  category = nutanixdr_category.dr.name
  value    = "gold"
}

resource "nutanixdr_category_value" "silver" {
  category = nutanixdr_category.dr.name
  value    = "silver"
}

resource "nutanixdr_category" "tier" {
  name = "acc-tier"
}

resource "nutanixdr_category_value" "tier" {
  category = nutanixdr_category.tier.name
  value    = "t1"
}

data "nutanixdr_vm" "app" {
  name = "app-01"
}

resource "nutanixdr_vm_categories" "test" {
  vm_id = data.nutanixdr_vm.app.id
  categories = {
%s  }

  depends_on = [nutanixdr_category_value.gold, nutanixdr_category_value.silver, nutanixdr_category_value.tier]
}
`, entries.String())
}

func TestAccVMCategories_basic(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	vmID := testAccVMID(t, c, "app-01")
	const addr = "nutanixdr_vm_categories.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	mutateVM := func(f func(map[string]string)) {
		if _, err := c.UpdateVMCategories(t.Context(), vmID, f); err != nil {
			t.Fatalf("changing the categories of app-01 out of band: %v", err)
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// Destroy removes the managed keys and leaves the others on the VM.
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckVMCategories(t, c, vmID, map[string]string{"Environment": "Dev", "oob-key": "x"}, "acc-dr", "acc-tier"),
			testAccCheckCategoriesGone(t, c, "acc-dr", "acc-tier"),
		),
		Steps: []resource.TestStep{
			{
				// A system category set by hand must survive everything the resource does.
				PreConfig: func() { mutateVM(func(m map[string]string) { m["Environment"] = "Dev" }) },
				Config:    provider + testAccVMCategoriesConfig(map[string]string{"acc-dr": "gold"}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(vmID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vm_id"), knownvalue.StringExact(vmID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("categories"), knownvalue.MapExact(map[string]knownvalue.Check{
						"acc-dr": knownvalue.StringExact("gold"),
					})),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckVMCategories(t, c, vmID, map[string]string{"acc-dr": "gold", "Environment": "Dev"}),
			},
			{
				// The import takes the non-system categories only: acc-dr, not Environment.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "app-01",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `is the VM UUID`, `got "app-01"`),
			},
			{
				Config: provider + testAccVMCategoriesConfig(map[string]string{"acc-dr": "silver", "acc-tier": "t1"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("categories"), knownvalue.MapExact(map[string]knownvalue.Check{
						"acc-dr":   knownvalue.StringExact("silver"),
						"acc-tier": knownvalue.StringExact("t1"),
					})),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				Check: testAccCheckVMCategories(t, c, vmID, map[string]string{"acc-dr": "silver", "acc-tier": "t1", "Environment": "Dev"}),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// A key dropped from the configuration is removed from the VM.
				Config: provider + testAccVMCategoriesConfig(map[string]string{"acc-dr": "silver"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckVMCategories(t, c, vmID, map[string]string{"acc-dr": "silver", "Environment": "Dev"}, "acc-tier"),
			},
			{
				// Out of band, the managed key is removed and another key is added: the plan puts
				// the managed key back and leaves the other alone.
				PreConfig: func() {
					if _, err := c.PutCategoryKey(t.Context(), client.CategoryKey{Name: "oob-key"}); err != nil {
						t.Fatalf("creating oob-key: %v", err)
					}
					if _, err := c.PutCategoryValue(t.Context(), client.CategoryValue{Key: "oob-key", Value: "x"}); err != nil {
						t.Fatalf("creating oob-key/x: %v", err)
					}
					mutateVM(func(m map[string]string) {
						delete(m, "acc-dr")
						m["oob-key"] = "x"
					})
				},
				Config: provider + testAccVMCategoriesConfig(map[string]string{"acc-dr": "silver"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckVMCategories(t, c, vmID, map[string]string{"acc-dr": "silver", "oob-key": "x", "Environment": "Dev"}),
			},
			{
				// Out of band, the managed key gets another value: the plan sets it back.
				PreConfig: func() { mutateVM(func(m map[string]string) { m["acc-dr"] = "gold" }) },
				Config:    provider + testAccVMCategoriesConfig(map[string]string{"acc-dr": "silver"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckVMCategories(t, c, vmID, map[string]string{"acc-dr": "silver", "oob-key": "x", "Environment": "Dev"}),
			},
		},
	})
}

func TestAccVMCategories_unknownVM(t *testing.T) {
	w := acctest.NewWorld(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig(w, acctest.PCCanada, "") + `
resource "nutanixdr_vm_categories" "test" {
  vm_id      = "00000000-0000-4000-8000-000000000000"
  categories = { Environment = "Dev" }
}
`,
				ExpectError: acctest.ErrorRegexp(`Error creating VM categories`, `No VM has this UUID`),
			},
		},
	})
}

func TestAccVMCategories_unknownCategory(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	vmID := testAccVMID(t, c, "app-01")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig(w, acctest.PCCanada, "") + fmt.Sprintf(`
resource "nutanixdr_vm_categories" "test" {
  vm_id      = %q
  categories = { "acc-no-such-key" = "v" }
}
`, vmID),
				ExpectError: acctest.ErrorRegexp(`Error creating VM categories`, `acc-no-such-key`),
			},
		},
	})
}

func TestAccVMCategories_invalid(t *testing.T) {
	config := func(vmID, cats string) string {
		return offlineProviderConfig() + fmt.Sprintf(`
resource "nutanixdr_vm_categories" "test" {
  vm_id      = %q
  categories = %s
}
`, vmID, cats)
	}
	const uuid = "00000000-0000-4000-8000-000000000000"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("app-01", `{ k = "v" }`),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`Attribute vm_id must be a UUID`),
			},
			{
				Config:      config(uuid, `{}`),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`categories map must contain at least 1 elements`),
			},
			{
				Config:      config(uuid, `{ "a/b" = "v" }`),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`must not contain "/"`),
			},
			{
				Config:      config(uuid, fmt.Sprintf(`{ k = %q }`, strings.Repeat("v", 65))),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`string length must be between 1 and 64, got: 65`),
			},
		},
	})
}

// testAccVMID returns the UUID of the named VM, read through the API.
func testAccVMID(t *testing.T, c *client.Client, name string) string {
	t.Helper()
	vms, err := c.ListVMs(t.Context(), "")
	if err != nil {
		t.Fatalf("listing VMs: %v", err)
	}
	for _, vm := range vms {
		if vm.Name == name {
			return vm.UUID
		}
	}
	t.Fatalf("no VM named %s", name)
	return ""
}

// testAccCheckVMCategories checks through the API that the VM has the categories of want and
// none of the keys of absent.
func testAccCheckVMCategories(t *testing.T, c *client.Client, vmID string, want map[string]string, absent ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		vm, err := c.GetVM(t.Context(), vmID)
		if err != nil {
			return fmt.Errorf("reading VM %s: %w", vmID, err)
		}
		got := maps.Clone(vm.Categories)
		for k, v := range want {
			if got[k] != v {
				return fmt.Errorf("VM %s has categories %v, want %s=%s", vm.Name, got, k, v)
			}
		}
		for _, k := range absent {
			if _, ok := got[k]; ok {
				return fmt.Errorf("VM %s has categories %v, want no %s", vm.Name, got, k)
			}
		}
		return nil
	}
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
