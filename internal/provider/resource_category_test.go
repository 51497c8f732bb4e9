package provider_test

import (
	"errors"
	"fmt"
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

// testAccCategoryConfig declares one category key named name.
func testAccCategoryConfig(name, description string) string {
	return fmt.Sprintf(`
resource "nutanixdr_category" "test" {
  name        = %q
  description = %q
}
`, name, description)
}

func TestAccCategory_basic(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const addr = "nutanixdr_category.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckCategoriesGone(t, c, "acc-cat", "acc-cat-renamed"),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccCategoryConfig("acc-cat", "first"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("acc-cat")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("acc-cat")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("first")),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckCategoryKey(t, c, "acc-cat", "first"),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: provider + testAccCategoryConfig("acc-cat", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				Check: testAccCheckCategoryKey(t, c, "acc-cat", "second"),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// The description is changed outside Terraform: the plan puts it back.
				PreConfig: func() {
					if _, err := c.PutCategoryKey(t.Context(), client.CategoryKey{Name: "acc-cat", Description: "changed by hand"}); err != nil {
						t.Fatalf("changing the description out of band: %v", err)
					}
				},
				Config: provider + testAccCategoryConfig("acc-cat", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckCategoryKey(t, c, "acc-cat", "second"),
			},
			{
				// The key is deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					if err := c.DeleteCategoryKey(t.Context(), "acc-cat"); err != nil {
						t.Fatalf("deleting the key out of band: %v", err)
					}
				},
				Config: provider + testAccCategoryConfig("acc-cat", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckCategoryKey(t, c, "acc-cat", "second"),
			},
			{
				// A new name replaces the key and leaves nothing behind.
				Config: provider + testAccCategoryConfig("acc-cat-renamed", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("acc-cat-renamed")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckCategoryKey(t, c, "acc-cat-renamed", "second"),
					testAccCheckCategoriesGone(t, c, "acc-cat"),
				),
			},
		},
	})
}

func TestAccCategory_defaultDescription(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	const addr = "nutanixdr_category.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckCategoriesGone(t, c, "acc-nodesc"),
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig(w, acctest.PCCanada, "") + `
resource "nutanixdr_category" "test" {
  name = "acc-nodesc"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccCategory_alreadyExists(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + testAccCategoryConfig("Environment", ""),
				ExpectError: acctest.ErrorRegexp(`Error creating category`, `"Environment" already exists in Prism Central and is system-defined`),
			},
			{
				PreConfig: func() {
					if _, err := c.PutCategoryKey(t.Context(), client.CategoryKey{Name: "acc-by-hand"}); err != nil {
						t.Fatalf("creating the key out of band: %v", err)
					}
				},
				Config:      provider + testAccCategoryConfig("acc-by-hand", ""),
				ExpectError: acctest.ErrorRegexp(`"acc-by-hand" already exists`, `tofu import nutanixdr_category.<name> acc-by-hand`),
			},
		},
	})
}

func TestAccCategory_invalid(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      offlineProviderConfig() + testAccCategoryConfig(strings.Repeat("k", 65), ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`string length must be between 1 and 64, got: 65`),
			},
			{
				Config:      offlineProviderConfig() + testAccCategoryConfig("", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`name string length must be between 1 and 64, got: 0`),
			},
			{
				Config:      offlineProviderConfig() + testAccCategoryConfig("a/b", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`must not contain "/"`),
			},
			{
				Config:      offlineProviderConfig() + testAccCategoryConfig("ok", strings.Repeat("d", 1001)),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`description string length must be at most 1000, got: 1001`),
			},
		},
	})
}

// testAccCheckCategoryKey checks through the API that the key exists with the description.
func testAccCheckCategoryKey(t *testing.T, c *client.Client, name, description string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		k, err := c.GetCategoryKey(t.Context(), name)
		if err != nil {
			return fmt.Errorf("reading category %s: %w", name, err)
		}
		if k.Description != description {
			return fmt.Errorf("category %s has description %q, want %q", name, k.Description, description)
		}
		return nil
	}
}

// testAccCheckCategoriesGone checks through the API that none of the keys exists.
func testAccCheckCategoriesGone(t *testing.T, c *client.Client, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, name := range names {
			_, err := c.GetCategoryKey(t.Context(), name)
			switch {
			case err == nil:
				return fmt.Errorf("category %s still exists", name)
			case !errors.Is(err, client.ErrNotFound):
				return fmt.Errorf("reading category %s: %w", name, err)
			}
		}
		return nil
	}
}
