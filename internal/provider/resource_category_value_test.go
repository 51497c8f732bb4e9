package provider_test

import (
	"context"
	"errors"
	"fmt"
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

// testAccCategoryValueConfig declares a key and one value of it.
func testAccCategoryValueConfig(key, value, description string) string {
	return testAccCategoryConfig(key, "") + fmt.Sprintf(`
resource "nutanixdr_category_value" "test" {
  category    = nutanixdr_category.test.name
  value       = %q
  description = %q
}
`, value, description)
}

// testAccCategoryValuesConfig declares a key and count values of it with for_each.
func testAccCategoryValuesConfig(key string, count int) string {
	return testAccCategoryConfig(key, "") + fmt.Sprintf(`
resource "nutanixdr_category_value" "many" {
  for_each = toset([for i in range(%d) : format("v%%02d", i)])

  category = nutanixdr_category.test.name
  value    = each.key
}
`, count)
}

func TestAccCategoryValue_basic(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const addr = "nutanixdr_category_value.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckCategoryValuesGone(t, c, "replicated-vm", "from-canada", "from-france"),
			testAccCheckCategoriesGone(t, c, "replicated-vm"),
		),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccCategoryValueConfig("replicated-vm", "from-canada", "first"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("replicated-vm/from-canada")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("category"), knownvalue.StringExact("replicated-vm")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("value"), knownvalue.StringExact("from-canada")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("first")),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckCategoryValue(t, c, "replicated-vm", "from-canada", "first"),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "replicated-vm",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `<category>/<value>, such as "replicated-vm/from-canada"; got "replicated-vm"`),
			},
			{
				Config: provider + testAccCategoryValueConfig("replicated-vm", "from-canada", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				Check: testAccCheckCategoryValue(t, c, "replicated-vm", "from-canada", "second"),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// The description is changed outside Terraform: the plan puts it back.
				PreConfig: func() {
					v := client.CategoryValue{Key: "replicated-vm", Value: "from-canada", Description: "by hand"}
					if _, err := c.PutCategoryValue(t.Context(), v); err != nil {
						t.Fatalf("changing the value out of band: %v", err)
					}
				},
				Config: provider + testAccCategoryValueConfig("replicated-vm", "from-canada", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckCategoryValue(t, c, "replicated-vm", "from-canada", "second"),
			},
			{
				// The value is deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					if err := c.DeleteCategoryValue(t.Context(), "replicated-vm", "from-canada"); err != nil {
						t.Fatalf("deleting the value out of band: %v", err)
					}
				},
				Config: provider + testAccCategoryValueConfig("replicated-vm", "from-canada", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckCategoryValue(t, c, "replicated-vm", "from-canada", "second"),
			},
			{
				// A new value replaces the old one, which is gone afterwards.
				Config: provider + testAccCategoryValueConfig("replicated-vm", "from-france", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("replicated-vm/from-france")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckCategoryValue(t, c, "replicated-vm", "from-france", "second"),
					testAccCheckCategoryValuesGone(t, c, "replicated-vm", "from-canada"),
				),
			},
		},
	})
}

// TestAccCategoryValue_inUse checks that deleting a value still assigned to a VM fails with the
// names of the VMs, and succeeds once they no longer use it.
func TestAccCategoryValue_inUse(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	vmID := testAccVMID(t, c, "app-01")
	assign := func(set bool) func() {
		return func() {
			_, err := c.UpdateVMCategories(t.Context(), vmID, func(m map[string]string) {
				if set {
					m["acc-used"] = "v"
				} else {
					delete(m, "acc-used")
				}
			})
			if err != nil {
				t.Fatalf("changing the categories of app-01 out of band: %v", err)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckCategoriesGone(t, c, "acc-used"),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccCategoryValueConfig("acc-used", "v", ""),
			},
			{
				PreConfig:   assign(true),
				Config:      provider + testAccCategoryConfig("acc-used", ""),
				ExpectError: acctest.ErrorRegexp(`Error deleting category value`, `"acc-used/v"`, `Still assigned to: vm app-01.`),
			},
			{
				PreConfig: assign(false),
				Config:    provider + testAccCategoryConfig("acc-used", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckCategoryValuesGone(t, c, "acc-used", "v"),
			},
		},
	})
}

// TestAccCategoryValue_twoSites declares the same value on both Prism Centrals, as a DR
// configuration does (with two aliases; see acctest.SecondSite for why the test cannot).
func TestAccCategoryValue_twoSites(t *testing.T) {
	w := acctest.NewWorld(t)
	ca := acctest.Client(t, w, acctest.PCCanada)
	fr := acctest.Client(t, w, acctest.PCFrance)
	config := acctest.TwoSitesConfig(w, acctest.PCCanada, acctest.PCFrance) + `
resource "nutanixdr_category" "canada" {
  name     = "replicated-vm"
}

resource "nutanixdr_category_value" "canada" {
  category = nutanixdr_category.canada.name
  value    = "from-canada"
}

resource "nutanixdr_category" "france" {
  provider = ` + acctest.SecondSite + `
  name     = "replicated-vm"
}

resource "nutanixdr_category_value" "france" {
  provider = ` + acctest.SecondSite + `
  category = nutanixdr_category.france.name
  value    = "from-canada"
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckCategoriesGone(t, ca, "replicated-vm"),
			testAccCheckCategoriesGone(t, fr, "replicated-vm"),
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckCategoryValue(t, ca, "replicated-vm", "from-canada", ""),
					testAccCheckCategoryValue(t, fr, "replicated-vm", "from-canada", ""),
				),
			},
		},
	})
}

// TestAccCategoryValue_renameKey checks that renaming the key replaces the key and its values
// and leaves nothing of the old key behind.
func TestAccCategoryValue_renameKey(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const addr = "nutanixdr_category_value.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckCategoriesGone(t, c, "acc-old", "acc-new"),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccCategoryValueConfig("acc-old", "v", ""),
				Check:  testAccCheckCategoryValue(t, c, "acc-old", "v", ""),
			},
			{
				Config: provider + testAccCategoryValueConfig("acc-new", "v", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("nutanixdr_category.test", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckCategoryValue(t, c, "acc-new", "v", ""),
					testAccCheckCategoriesGone(t, c, "acc-old"),
				),
			},
		},
	})
}

// TestAccCategoryValue_forEach creates 50 values of one key in parallel, then deletes them in
// parallel. The checks are state checks, not legacy Check functions, which cannot read for_each
// instances; for the same reason the last step leaves no for_each instance in the state.
func TestAccCategoryValue_forEach(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const n = 50
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("v%02d", i))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckCategoriesGone(t, c, "acc-many"),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccCategoryValuesConfig("acc-many", n),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(`nutanixdr_category_value.many["v00"]`, tfjsonpath.New("id"), knownvalue.StringExact("acc-many/v00")),
					statecheck.ExpectKnownValue(`nutanixdr_category_value.many["v49"]`, tfjsonpath.New("id"), knownvalue.StringExact("acc-many/v49")),
					acctest.CheckAPI(testAccCheckValuesOf(c, "acc-many", want)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: provider + testAccCategoryConfig("acc-many", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(`nutanixdr_category_value.many["v17"]`, plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction("nutanixdr_category.test", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(testAccCheckValuesOf(c, "acc-many", nil)),
				},
			},
		},
	})
}

// testAccCheckValuesOf returns a check that the key has exactly the values want, through the API.
func testAccCheckValuesOf(c *client.Client, key string, want []string) func(context.Context) error {
	return func(ctx context.Context) error {
		values, err := c.ListCategoryValues(ctx, key)
		if err != nil {
			return fmt.Errorf("listing values of %s: %w", key, err)
		}
		got := make([]string, 0, len(values))
		for _, v := range values {
			got = append(got, v.Value)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("%s has values %v, want %v", key, got, want)
		}
		return nil
	}
}

func TestAccCategoryValue_missingKey(t *testing.T) {
	w := acctest.NewWorld(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig(w, acctest.PCCanada, "") + `
resource "nutanixdr_category_value" "test" {
  category = "acc-no-such-key"
  value    = "v"
}
`,
				ExpectError: acctest.ErrorRegexp(`Error creating category value`, `the category key "acc-no-such-key" does not exist`),
			},
		},
	})
}

func TestAccCategoryValue_invalid(t *testing.T) {
	config := func(key, value, description string) string {
		return offlineProviderConfig() + fmt.Sprintf(`
resource "nutanixdr_category_value" "test" {
  category    = %q
  value       = %q
  description = %q
}
`, key, value, description)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("k", strings.Repeat("v", 65), ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`value string length must be between 1 and 64, got: 65`),
			},
			{
				Config:      config("k", "a/b", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`must not contain "/"`),
			},
			{
				Config:      config("", "v", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`category string length must be between 1 and 64, got: 0`),
			},
			{
				Config:      config("k", "v", strings.Repeat("d", 1001)),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`description string length must be at most 1000, got: 1001`),
			},
		},
	})
}

// testAccCheckCategoryValue checks through the API that the value exists with the description.
func testAccCheckCategoryValue(t *testing.T, c *client.Client, key, value, description string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		v, err := c.GetCategoryValue(t.Context(), key, value)
		if err != nil {
			return fmt.Errorf("reading category value %s/%s: %w", key, value, err)
		}
		if v.Description != description {
			return fmt.Errorf("category value %s/%s has description %q, want %q", key, value, v.Description, description)
		}
		return nil
	}
}

// testAccCheckCategoryValuesGone checks through the API that none of the values of key exists.
func testAccCheckCategoryValuesGone(t *testing.T, c *client.Client, key string, values ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, value := range values {
			_, err := c.GetCategoryValue(t.Context(), key, value)
			switch {
			case err == nil:
				return fmt.Errorf("category value %s/%s still exists", key, value)
			case !errors.Is(err, client.ErrNotFound):
				return fmt.Errorf("reading category value %s/%s: %w", key, value, err)
			}
		}
		return nil
	}
}

// TestAccCategoryValue_sharedListOutOfBand manages many values of one key, whose refreshes and
// existence checks come from one list per run instead of a GET each, and changes some of them
// outside Terraform between runs: the next refresh sees every change (a deleted value is
// created again, a changed description is put back), and no run reads a value with a GET except
// the one update, which reads what it overwrites.
func TestAccCategoryValue_sharedListOutOfBand(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	pc := w.PC(acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const n = 20
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("v%02d", i))
	}
	// The reads of one value and the writes (creates and updates) of values, on the wire the
	// provider speaks for categories: v3 PUTs a value to create or update it, v4 POSTs a new
	// one and PUTs a changed one.
	getValue := []string{"GET /api/nutanix/v3/categories/{name}/{value}"}
	putValue := []string{"PUT /api/nutanix/v3/categories/{name}/{value}"}
	if accV4(t, w, acctest.PCCanada, client.KindCategories) {
		getValue = []string{"GET /api/prism/v4.3/config/categories/{extId}"}
		putValue = []string{"POST /api/prism/v4.3/config/categories", "PUT /api/prism/v4.3/config/categories/{extId}"}
	}
	requests := func(routes []string, want int) statecheck.StateCheck {
		return acctest.CheckAPI(func(context.Context) error {
			got := 0
			for _, route := range routes {
				got += pc.RequestCounts().ByRoute[route]
			}
			if got != want {
				return fmt.Errorf("%s was sent %d times in this step, want %d", strings.Join(routes, " + "), got, want)
			}
			return nil
		})
	}
	value := func(name, description string) statecheck.StateCheck {
		return acctest.CheckAPI(func(context.Context) error {
			return testAccCheckCategoryValue(t, c, "acc-shared", name, description)(nil)
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckCategoriesGone(t, c, "acc-shared"),
		Steps: []resource.TestStep{
			{
				PreConfig: pc.ResetRequestCounts,
				Config:    provider + testAccCategoryValuesConfig("acc-shared", n),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(testAccCheckValuesOf(c, "acc-shared", want)),
					requests(getValue, 0),
					requests(putValue, n),
				},
			},
			{
				PreConfig: func() {
					if err := c.DeleteCategoryValue(t.Context(), "acc-shared", "v03"); err != nil {
						t.Fatalf("deleting a value out of band: %v", err)
					}
					v := client.CategoryValue{Key: "acc-shared", Value: "v05", Description: "by hand"}
					if _, err := c.PutCategoryValue(t.Context(), v); err != nil {
						t.Fatalf("changing a value out of band: %v", err)
					}
					pc.ResetRequestCounts()
				},
				Config: provider + testAccCategoryValuesConfig("acc-shared", n),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(`nutanixdr_category_value.many["v03"]`, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(`nutanixdr_category_value.many["v05"]`, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(`nutanixdr_category_value.many["v04"]`, plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// First: the checks below send requests of their own.
					requests(getValue, 1),
					requests(putValue, 2),
					value("v03", ""),
					value("v05", ""),
				},
			},
			{
				// The values go before the key (the destroy check reads no for_each state).
				Config: provider + testAccCategoryConfig("acc-shared", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(testAccCheckValuesOf(c, "acc-shared", nil)),
				},
			},
		},
	})
}
