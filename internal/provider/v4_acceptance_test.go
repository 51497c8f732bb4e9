package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// The provider end to end over the v4 API: the Prism Centrals pose as a release that serves
// the v4 revisions the provider speaks (pc.7.5, prismsim's pc_version.go), the provider runs
// with api_version = "auto", and prismsim's request counters show which wire each kind took.

// v4Release is a Prism Central release that serves the provider's v4 revisions.
const v4Release = "pc.7.5"

// v4Sites is a two-site world for the v4 tests: canada and france with disaster recovery
// enabled and paired, app-01 and db-01 of canada in replicated-vm:from-canada.
type v4Sites struct {
	*failoverSites
	// versions are the releases the PCs pose as, by name.
	versions map[string]string
}

// newV4Sites starts the world with each named PC posing as its release (the preset's
// default, pc.2024.3, for the others) and pairs canada with france.
func newV4Sites(t *testing.T, versions map[string]string) *v4Sites {
	t.Helper()
	edits := []func(*prismsim.WorldConfig){
		acctest.WithDR(acctest.PCCanada, acctest.PCFrance),
		acctest.WithCategory(foKey, foValue),
		acctest.WithVMCategory(acctest.PCCanada, foKey, foValue, "app-01", "db-01"),
	}
	for name, v := range versions {
		edits = append(edits, acctest.WithPCVersion(v, name))
	}
	w := acctest.NewWorldWith(t, acctest.Edits(edits...))
	s := &failoverSites{w: w, ca: acctest.Client(t, w, acctest.PCCanada), fr: acctest.Client(t, w, acctest.PCFrance)}
	s.caOfFrance = acctest.Pair(t, w, acctest.PCCanada, acctest.PCFrance)
	s.caLocal = acctest.LocalAZ(t, w, acctest.PCCanada)
	s.frLocal = acctest.LocalAZ(t, w, acctest.PCFrance)
	s.frOfCanada = s.zoneNamed(t, s.fr, "PC_"+w.PC(acctest.PCCanada).AdvertisedIP())
	return &v4Sites{failoverSites: s, versions: versions}
}

// withAPIVersion sets api_version in every provider block of config.
func withAPIVersion(config, v string) string {
	return strings.ReplaceAll(config, "  ca_certificate = <<-EOT\n", fmt.Sprintf("  api_version    = %q\n  ca_certificate = <<-EOT\n", v))
}

// config is the DR configuration of the v4 tests, declared on canada: a category value, a
// protection policy of replicated-vm:from-canada towards france, and a recovery plan
// canada -> france recovering those VMs, without recovery settings (which the provider
// speaks over v3 only). A failover of the given type runs on failoverPC when ftype is not
// empty.
func (s *v4Sites) config(ftype, failoverPC string) string {
	return s.configRev(ftype, failoverPC, false)
}

// configRev is config, with the descriptions, the RPO and the plan's network gateway changed
// when updated.
func (s *v4Sites) configRev(ftype, failoverPC string, updated bool) string {
	desc, rpo := "written over v4", "15m"
	if updated {
		desc, rpo = "updated over v4", "1h"
	}
	c := withAPIVersion(acctest.TwoSitesConfig(s.w, acctest.PCCanada, acctest.PCFrance), "auto") + fmt.Sprintf(`
data "nutanixdr_cluster" "ca" {
  name = "CA01"
}

data "nutanixdr_cluster" "fr" {
  provider = %[1]s
  name     = "FR01"
}

resource "nutanixdr_category_value" "tier" {
  category    = %[2]q
  value       = "v4-tier"
  description = %[8]q
}

resource "nutanixdr_protection_policy" "test" {
  name = "v4-replicated-vm"
  category_filter = {
    categories = { %[2]q = [%[3]q] }
  }
  locations = [
    { label = "canada", availability_zone_id = %[4]q, cluster_ids = [data.nutanixdr_cluster.ca.id], primary = true },
    { label = "france", availability_zone_id = %[5]q, cluster_ids = [data.nutanixdr_cluster.fr.id] },
  ]
  replications = [
    { from = "canada", to = "france", rpo = %[9]q, local_retention = { count = 4 }, remote_retention = { count = 4 } },
  ]
}

resource "nutanixdr_recovery_plan" "test" {
  name              = "v4-canada-to-france"
  description       = %[8]q
  primary_location  = { availability_zone_id = %[4]q }
  recovery_location = { availability_zone_id = %[5]q }
  stages = [{
    entities = [{ categories = { %[2]q = %[3]q } }]
  }]
  network_mappings = [{
    primary = {
      production = { subnet_name = %[6]q, gateway_ip = "192.168.50.1", prefix_length = 24 }
      test       = { subnet_name = %[7]q, gateway_ip = "192.168.51.1", prefix_length = 25 }
    }
    recovery = {
      production = { subnet_name = %[6]q, gateway_ip = "192.168.50.1", prefix_length = 24 }
      test       = { subnet_name = %[7]q, gateway_ip = "192.168.51.1", prefix_length = 25 }
    }
  }]
}
`, acctest.SecondSite, foKey, foValue, s.caLocal, s.caOfFrance, foProdSubnet, foTestSubnet, desc, rpo)
	if ftype == "" {
		return c
	}
	from, to, provider := s.frOfCanada, s.frLocal, acctest.SecondSite
	if failoverPC == acctest.PCCanada {
		from, to, provider = s.caLocal, s.caOfFrance, "nutanixdr"
	}
	return c + fmt.Sprintf(`
resource "nutanixdr_failover" "test" {
  provider                  = %s
  recovery_plan_id          = nutanixdr_recovery_plan.test.id
  type                      = %q
  from_availability_zone_id = %q
  to_availability_zone_id   = %q
}
`, provider, ftype, from, to)
}

// Routes of prismsim's request counters (method and route template), per kind and wire.
const (
	v4CategoryCreate = "POST /api/prism/v4.3/config/categories"
	v4PolicyCreate   = "POST /api/datapolicies/v4.2/config/protection-policies"
	v4PolicyGet      = "GET /api/datapolicies/v4.2/config/protection-policies/{extId}"
	v4PlanCreate     = "POST /api/datapolicies/v4.2/config/recovery-plans"
	v4PlanGet        = "GET /api/datapolicies/v4.2/config/recovery-plans/{extId}"
	v4StageCreate    = "POST /api/datapolicies/v4.2/config/recovery-plans/{recoveryPlanExtId}/stages"
	v4Planned        = "POST /api/dataprotection/v4.3/operations/recovery-plans/{recoveryPlanExtId}/$actions/planned-failover"
	v4JobGet         = "GET /api/dataprotection/v4.3/config/recovery-plan-jobs/{extId}"
	v4DomainManagers = "GET /api/prism/v4.3/config/domain-managers"
	v4CategoryPut    = "PUT /api/prism/v4.3/config/categories/{extId}"
	v4CategoryDelete = "DELETE /api/prism/v4.3/config/categories/{extId}"
	v4PolicyPut      = "PUT /api/datapolicies/v4.2/config/protection-policies/{extId}"
	v4PolicyDelete   = "DELETE /api/datapolicies/v4.2/config/protection-policies/{extId}"
	v4PlanPut        = "PUT /api/datapolicies/v4.2/config/recovery-plans/{extId}"
	v4PlanDelete     = "DELETE /api/datapolicies/v4.2/config/recovery-plans/{extId}"

	v3CategoryPut  = "PUT /api/nutanix/v3/categories/{name}/{value}"
	v3PolicyCreate = "POST /api/nutanix/v3/protection_rules"
	v3PolicyGet    = "GET /api/nutanix/v3/protection_rules/{uuid}"
	v3PlanCreate   = "POST /api/nutanix/v3/recovery_plans"
	v3PlanGet      = "GET /api/nutanix/v3/recovery_plans/{uuid}"
	v3JobCreate    = "POST /api/nutanix/v3/recovery_plan_jobs"
	v3PolicyPut    = "PUT /api/nutanix/v3/protection_rules/{uuid}"
	v3PolicyDelete = "DELETE /api/nutanix/v3/protection_rules/{uuid}"
	v3PlanPut      = "PUT /api/nutanix/v3/recovery_plans/{uuid}"
	v3PlanDelete   = "DELETE /api/nutanix/v3/recovery_plans/{uuid}"
	v3CategoryDel  = "DELETE /api/nutanix/v3/categories/{name}/{value}"
)

// checkRoutes fails unless each route of used was sent to the PC at least once and no route
// of unused was, since the world started or the PC's counters were last reset.
func (s *v4Sites) checkRoutes(pcName string, used, unused []string) statecheck.StateCheck {
	return acctest.CheckAPI(func(context.Context) error { return s.routesUsed(pcName, used, unused) })
}

// routesUsed is the check of checkRoutes.
func (s *v4Sites) routesUsed(pcName string, used, unused []string) error {
	counts := s.w.PC(pcName).RequestCounts().ByRoute
	var problems []string
	for _, r := range used {
		if counts[r] == 0 {
			problems = append(problems, r+" was never sent")
		}
	}
	for _, r := range unused {
		if counts[r] > 0 {
			problems = append(problems, fmt.Sprintf("%s was sent %d times", r, counts[r]))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s\nroutes: %s", pcName, strings.Join(problems, "; "), routeCounts(counts))
	}
	return nil
}

// logRoutes logs the request counts of the PC, per route, for the record.
func (s *v4Sites) logRoutes(t *testing.T, pcName, when string) statecheck.StateCheck {
	return acctest.CheckAPI(func(context.Context) error {
		t.Logf("%s after %s: %s", pcName, when, routeCounts(s.w.PC(pcName).RequestCounts().ByRoute))
		return nil
	})
}

func routeCounts(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %4d %s", counts[k], k)
	}
	return b.String()
}

// emptyAfter checks that a step plans empty once applied.
var emptyAfter = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

// createStep applies the configuration without failover and checks on canada which routes
// were (used) and were not (unused) sent, then waits until the policy's recovery points of
// the VMs reach france.
func (s *v4Sites) createStep(t *testing.T, used, unused []string) resource.TestStep {
	return resource.TestStep{
		Config:           s.config("", ""),
		ConfigPlanChecks: emptyAfter,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(testAccPlanAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
			s.checkRoutes(acctest.PCCanada, used, unused),
			acctest.CheckAPI(func(context.Context) error {
				s.waitReplicated(t, "app-01", "db-01")
				return nil
			}),
			s.logRoutes(t, acctest.PCCanada, "creating the category value, the policy and the plan"),
		},
	}
}

// failoverSteps fail the plan over to france with a planned failover run on france, over
// v4, then plan the whole configuration again: it plans empty.
func (s *v4Sites) failoverSteps(t *testing.T) []resource.TestStep {
	return []resource.TestStep{
		{
			PreConfig:        func() { s.w.PC(acctest.PCFrance).ResetRequestCounts() },
			Config:           s.config("PLANNED", acctest.PCFrance),
			ConfigPlanChecks: emptyAfter,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^COMPLETED`))),
				statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("recovered_vms"), knownvalue.ListSizeExact(2)),
				acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, true) }),
				s.checkRoutes(acctest.PCFrance, []string{v4DomainManagers, v4Planned, v4JobGet}, []string{v3JobCreate}),
				s.logRoutes(t, acctest.PCFrance, "the planned failover"),
			},
		},
		{
			// After the failover the whole configuration still plans empty.
			Config:   s.config("PLANNED", acctest.PCFrance),
			PlanOnly: true,
		},
	}
}

// TestAccV4_endToEnd declares a category value, a protection policy and a recovery plan,
// imports them, updates them, then fails the plan over to france (planned), all with
// api_version = "auto" on Prism Centrals that serve v4: each kind goes over v4 (none of its v3
// routes is used), every step plans empty afterwards, the failover included, and destroying
// deletes over v4.
func TestAccV4_endToEnd(t *testing.T) {
	s := newV4Sites(t, map[string]string{acctest.PCCanada: v4Release, acctest.PCFrance: v4Release})
	steps := []resource.TestStep{
		s.createStep(t,
			[]string{v4DomainManagers, v4CategoryCreate, v4PolicyCreate, v4PolicyGet, v4PlanCreate, v4PlanGet, v4StageCreate},
			[]string{v3CategoryPut, v3PolicyCreate, v3PolicyGet, v3PlanCreate, v3PlanGet}),
		{
			// State written over v4 imports over v4.
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
			ResourceName:      "nutanixdr_category_value.tier",
			ImportState:       true,
			ImportStateId:     foKey + "/v4-tier",
			ImportStateVerify: true,
		},
		{
			// Updates go over v4 too, with If-Match.
			PreConfig: func() { s.w.PC(acctest.PCCanada).ResetRequestCounts() },
			Config:    s.configRev("", "", true),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("nutanixdr_category_value.tier", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(testAccPolicyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(testAccPlanAddr, plancheck.ResourceActionUpdate),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				s.checkRoutes(acctest.PCCanada, []string{v4CategoryPut, v4PolicyPut, v4PlanPut},
					[]string{v3CategoryPut, v3PolicyPut, v3PlanPut}),
				s.logRoutes(t, acctest.PCCanada, "updating the category value, the policy and the plan"),
			},
		},
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return s.routesUsed(acctest.PCCanada, []string{v4CategoryDelete, v4PolicyDelete, v4PlanDelete},
				[]string{v3CategoryDel, v3PolicyDelete, v3PlanDelete})
		},
		Steps: append(steps, s.failoverSteps(t)...),
	})
}

// TestAccV4_mixedPair pairs a Prism Central that serves no v4 revision the provider speaks
// (canada, pc.2024.3: v3 under "auto") with one that does (france, pc.7.5): the configuration
// is written on canada over v3, and the planned failover runs on france over v4, on the plan
// canada synced to it. Every step plans empty afterwards.
func TestAccV4_mixedPair(t *testing.T) {
	s := newV4Sites(t, map[string]string{acctest.PCCanada: prismsim.DefaultPCVersion, acctest.PCFrance: v4Release})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return s.routesUsed(acctest.PCCanada, []string{v3CategoryDel, v3PolicyDelete, v3PlanDelete},
				[]string{v4CategoryDelete, v4PolicyDelete, v4PlanDelete})
		},
		Steps: append([]resource.TestStep{s.createStep(t,
			[]string{v3CategoryPut, v3PolicyCreate, v3PolicyGet, v3PlanCreate, v3PlanGet},
			[]string{v4DomainManagers, v4CategoryCreate, v4PolicyCreate, v4PolicyGet, v4PlanCreate, v4PlanGet, v4StageCreate}),
		}, s.failoverSteps(t)...),
	})
}

// Routes of the other recovery plan actions over v4.
const (
	v4Unplanned = "POST /api/dataprotection/v4.3/operations/recovery-plans/{recoveryPlanExtId}/$actions/unplanned-failover"
	v4TestFO    = "POST /api/dataprotection/v4.3/operations/recovery-plans/{recoveryPlanExtId}/$actions/test-failover"
	v4CleanUp   = "POST /api/dataprotection/v4.3/operations/recovery-plans/{recoveryPlanExtId}/$actions/clean-up-resources"
)

// TestAccV4_unplannedSiteDown fails over over v4 with canada down: france, posing as
// pc.7.5, runs the unplanned failover of the plan canada synced to it, and the configuration
// (on france) plans empty afterwards with canada still down.
func TestAccV4_unplannedSiteDown(t *testing.T) {
	fs := newFailoverSites(t, failoverSitesOptions{edit: acctest.WithPCVersion(v4Release)})
	s := &v4Sites{failoverSites: fs}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if err := s.w.SiteDown(acctest.PCCanada); err != nil {
						t.Fatalf("taking canada down: %v", err)
					}
					s.w.PC(acctest.PCFrance).ResetRequestCounts()
				},
				Config:           withAPIVersion(s.failoverConfig("UNPLANNED", ""), "auto"),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^COMPLETED`))),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("recovered_vms"), knownvalue.ListSizeExact(2)),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, false) }),
					s.checkJob(client.JobActionFailover),
					s.checkRoutes(acctest.PCFrance, []string{v4DomainManagers, v4Unplanned, v4JobGet}, []string{v3JobCreate}),
					s.logRoutes(t, acctest.PCFrance, "the unplanned failover"),
				},
			},
		},
	})
}

// TestAccV4_testFailover runs a test failover over v4 with cleanup_on_destroy: the test VMs
// appear on france, production stays on canada, and destroying cleans them up over v4.
func TestAccV4_testFailover(t *testing.T) {
	fs := newFailoverSites(t, failoverSitesOptions{edit: acctest.WithPCVersion(v4Release)})
	s := &v4Sites{failoverSites: fs}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := s.checkNoTestClones(context.Background()); err != nil {
				return err
			}
			return s.routesUsed(acctest.PCFrance, []string{v4CleanUp}, nil)
		},
		Steps: []resource.TestStep{
			{
				Config:           withAPIVersion(s.failoverConfig("TEST", "  cleanup_on_destroy = true\n"), "auto"),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("recovered_vms"), knownvalue.ListSizeExact(2)),
					s.checkJob(client.JobActionTestFailover),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkProductionOnCanada(ctx) }),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkTestClones(ctx) }),
					s.checkRoutes(acctest.PCFrance, []string{v4TestFO, v4JobGet}, []string{v3JobCreate}),
				},
			},
		},
	})
}
