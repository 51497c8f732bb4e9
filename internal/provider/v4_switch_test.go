package provider_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// onAPIVersion is the configuration of the v4 tests with api_version set to v instead of
// "auto".
func onAPIVersion(config, v string) string {
	return strings.ReplaceAll(config, `api_version    = "auto"`, `api_version    = "`+v+`"`)
}

// TestAccV4_switchProtocols writes a DR configuration over v3 on Prism Centrals that serve
// v4, then switches the provider to api_version = "auto" (v4): the state written under v3
// reads under v4 with no change planned (ids, category names and extIds map), an update goes
// over v4, and switching back to v3 plans empty again before the failover and destroy.
func TestAccV4_switchProtocols(t *testing.T) {
	s := newV4Sites(t, map[string]string{acctest.PCCanada: v4Release, acctest.PCFrance: v4Release})
	reset := func() { s.w.PC(acctest.PCCanada).ResetRequestCounts() }
	v4Writes := []string{v4CategoryCreate, v4PolicyCreate, v4PlanCreate, v4CategoryPut, v4PolicyPut, v4PlanPut}
	v3Writes := []string{v3CategoryPut, v3PolicyCreate, v3PlanCreate, v3PolicyPut, v3PlanPut}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return s.routesUsed(acctest.PCCanada, []string{v4CategoryDelete, v4PolicyDelete, v4PlanDelete},
				[]string{v3CategoryDel, v3PolicyDelete, v3PlanDelete})
		},
		Steps: []resource.TestStep{
			{
				// Written over v3 although the PC serves v4.
				Config:           onAPIVersion(s.config("", ""), "v3"),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v3CategoryPut, v3PolicyCreate, v3PlanCreate},
						[]string{v4CategoryCreate, v4PolicyCreate, v4PlanCreate}),
				},
			},
			{
				// The same configuration under "auto": read over v4, nothing to change.
				PreConfig: reset,
				Config:    s.config("", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v4PolicyGet, v4PlanGet}, append(v3Writes, v4Writes...)),
				},
			},
			{
				// Resources written over v3 import over v4.
				ResourceName:      testAccPolicyAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccPolicyImportID("canada,france"),
				ImportStateVerify: true,
			},
			{
				ResourceName:            testAccPlanAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: testAccPlanVolatile,
			},
			{
				// An update of what v3 wrote goes over v4.
				PreConfig:        reset,
				Config:           s.configRev("", "", true),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v4CategoryPut, v4PolicyPut, v4PlanPut}, v3Writes),
				},
			},
			{
				// Back to v3: what v4 wrote reads under v3 with nothing to change.
				PreConfig: reset,
				Config:    onAPIVersion(s.configRev("", "", true), "v3"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v3PolicyGet, v3PlanGet}, append(v3Writes, v4Writes...)),
				},
			},
			{
				// Under "auto" again, for the destroy over v4.
				Config:   s.configRev("", "", true),
				PlanOnly: true,
			},
		},
	})
}
