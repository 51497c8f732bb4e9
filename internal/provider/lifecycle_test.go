package provider_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// The DR lifecycle, as docs/guides/running-dr-as-code.md runs it: one configuration for both
// sites that follows the VMs (layout 1), and the disaster, a failover from a configuration that
// needs only the recovery site, then the return of the primary (layout 2). After every step,
// the plan must show exactly the changes the guide announces, and be empty once applied.
//
// In-process, each site needs a provider name of its own (acctest.SecondSite): Canada is
// nutanixdr, France nutanixdr2; the guide's configuration uses two aliases instead.

// lifecycleVMs are the protected VMs of Canada.
var lifecycleVMs = []string{"app-01", "db-01"}

// lifecycleWorld starts the leap-two-sites world with a clock that moves only when the test
// advances it. The category is created on Canada only: Prism Central brings it to France with
// the policy and the plan that use it.
func lifecycleWorld(t *testing.T) *prismsim.World {
	t.Helper()
	return acctest.NewWorldWith(t, func(cfg *prismsim.WorldConfig) { cfg.Settings.ClockRate = 1e-9 })
}

// lifecycleConfig is the guide's two-site configuration with active_site and failover set.
func lifecycleConfig(w *prismsim.World, activeSite, failover string) string {
	fr := w.PC(acctest.PCFrance)
	return acctest.TwoSitesConfig(w, acctest.PCCanada, acctest.PCFrance) + fmt.Sprintf(`
variable "active_site" {
  default = %[1]q
}

variable "failover" {
  default = %[2]q
}

locals {
  active_site   = var.active_site
  standby_site  = local.active_site == "canada" ? "france" : "canada"
  failover      = var.failover
  protected_vms = %[3]s
  networks = {
    production = { subnet_name = "vlan50-prod" }
    test       = { subnet_name = "vlan51-test" }
  }
}

resource "nutanixdr_disaster_recovery" "canada" {}

resource "nutanixdr_disaster_recovery" "france" {
  provider = %[4]s
}

resource "nutanixdr_availability_zone" "france" {
  remote_address = %[5]q
  username       = %[6]q
  password       = %[7]q
  depends_on     = [nutanixdr_disaster_recovery.canada, nutanixdr_disaster_recovery.france]
}

data "nutanixdr_availability_zone" "canada_local" {
  local      = true
  depends_on = [nutanixdr_disaster_recovery.canada]
}

data "nutanixdr_cluster" "canada" {
  name = "CA01"
}

data "nutanixdr_cluster" "france" {
  provider = %[4]s
  name     = "FR01"
}

resource "nutanixdr_category" "replicated_vm" {
  name = %[8]q
}

resource "nutanixdr_category_value" "from_canada" {
  category = nutanixdr_category.replicated_vm.name
  value    = %[9]q
}

# Each protected VM is looked up on both sites and tagged where it runs. (The guide keys
# them by name with for_each; the test harness cannot read for_each instances back, so the
# test counts them.)
data "nutanixdr_vm" "canada" {
  count         = length(local.protected_vms)
  name          = local.protected_vms[count.index]
  allow_missing = true
}

data "nutanixdr_vm" "france" {
  count         = length(local.protected_vms)
  provider      = %[4]s
  name          = local.protected_vms[count.index]
  allow_missing = true
}

locals {
  found = {
    canada = [for vm in data.nutanixdr_vm.canada : vm.id if vm.found]
    france = [for vm in data.nutanixdr_vm.france : vm.id if vm.found]
  }
}

resource "nutanixdr_vm_categories" "canada" {
  count      = length(local.found.canada)
  vm_id      = local.found.canada[count.index]
  categories = { (nutanixdr_category_value.from_canada.category) = nutanixdr_category_value.from_canada.value }
}

resource "nutanixdr_vm_categories" "france" {
  count      = length(local.found.france)
  provider   = %[4]s
  vm_id      = local.found.france[count.index]
  categories = { (nutanixdr_category_value.from_canada.category) = nutanixdr_category_value.from_canada.value }
}

resource "nutanixdr_protection_policy" "replicated_vm" {
  name = "replicated-vm"
  category_filter = {
    match      = "ANY"
    categories = { (nutanixdr_category_value.from_canada.category) = [nutanixdr_category_value.from_canada.value] }
  }
  locations = [
    { label = "canada", availability_zone_id = data.nutanixdr_availability_zone.canada_local.id, cluster_ids = [data.nutanixdr_cluster.canada.id], primary = local.active_site == "canada" },
    { label = "france", availability_zone_id = nutanixdr_availability_zone.france.id, cluster_ids = [data.nutanixdr_cluster.france.id], primary = local.active_site == "france" },
  ]
  replications = [
    { from = "canada", to = "france", rpo = "15m", local_retention = { count = 4 }, remote_retention = { count = 4 } },
    { from = "france", to = "canada", rpo = "15m", local_retention = { count = 4 }, remote_retention = { count = 4 } },
  ]
}

locals {
  az = {
    canada = data.nutanixdr_availability_zone.canada_local.id
    france = nutanixdr_availability_zone.france.id
  }
}

resource "nutanixdr_recovery_plan" "replicated_vm" {
  name              = "replicated-vm"
  primary_location  = { availability_zone_id = local.az[local.active_site] }
  recovery_location = { availability_zone_id = local.az[local.standby_site] }
  stages = [{
    entities = [{ categories = { (nutanixdr_category_value.from_canada.category) = nutanixdr_category_value.from_canada.value }, power_on = true }]
  }]
  network_mappings = [{ primary = local.networks, recovery = local.networks }]
  depends_on       = [nutanixdr_protection_policy.replicated_vm]
}

# The failover runs on the site that recovers, and takes its direction from the plan.
resource "nutanixdr_failover" "to_france" {
  count              = local.failover != "" && local.standby_site == "france" ? 1 : 0
  provider           = %[4]s
  recovery_plan_id   = nutanixdr_recovery_plan.replicated_vm.id
  type               = local.failover
  cleanup_on_destroy = local.failover == "TEST" ? true : null
}

resource "nutanixdr_failover" "to_canada" {
  count              = local.failover != "" && local.standby_site == "canada" ? 1 : 0
  recovery_plan_id   = nutanixdr_recovery_plan.replicated_vm.id
  type               = local.failover
  cleanup_on_destroy = local.failover == "TEST" ? true : null
}
`, activeSite, failover, hclList(lifecycleVMs), acctest.SecondSite, fr.AdvertisedIP(), fr.Username(), fr.Password(), foKey, foValue)
}

// disasterConfig is the guide's disaster configuration: France alone finds the plan by name
// and fails it over.
func disasterConfig(w *prismsim.World) string {
	return acctest.ProviderConfig(w, acctest.PCFrance, "") + `
data "nutanixdr_recovery_plan" "replicated_vm" {
  name = "replicated-vm"
}

resource "nutanixdr_failover" "disaster" {
  recovery_plan_id = data.nutanixdr_recovery_plan.replicated_vm.id
  type             = "UNPLANNED"
}
`
}

// hclList renders strings as an HCL list.
func hclList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// Actions of planned changes, as the guide announces them.
const (
	actCreate  = "create"
	actUpdate  = "update"
	actDelete  = "delete"
	actReplace = "replace"
)

// expectChanges is a plan check: the plan changes exactly the managed resources listed, each
// with the given action, and nothing else.
type expectChanges map[string]string

func (e expectChanges) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	got := map[string]string{}
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change == nil || rc.Change.Actions.NoOp() || (rc.Mode == "data" && rc.Change.Actions.Read()) {
			continue
		}
		action := "?"
		switch {
		case rc.Change.Actions.Create():
			action = actCreate
		case rc.Change.Actions.Update():
			action = actUpdate
		case rc.Change.Actions.Delete():
			action = actDelete
		case rc.Change.Actions.Replace():
			action = actReplace
		}
		got[rc.Address] = action
	}
	var diffs []string
	for addr, action := range e {
		if got[addr] != action {
			diffs = append(diffs, fmt.Sprintf("%s: want %s, plan has %q", addr, action, got[addr]))
		}
	}
	for addr, action := range got {
		if _, ok := e[addr]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: unexpected %s", addr, action))
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		resp.Error = fmt.Errorf("the plan is not the one the guide announces:\n  %s", strings.Join(diffs, "\n  "))
	}
}

// eachVM lists the creation of every protected VM's instance of a counted resource: the tags
// adopted where the VMs run.
func eachVM(addr string) expectChanges {
	out := expectChanges{}
	for i := range lifecycleVMs {
		out[fmt.Sprintf("%s[%d]", addr, i)] = actCreate
	}
	return out
}

// mergedChanges merges change lists.
func mergedChanges(lists ...expectChanges) expectChanges {
	out := expectChanges{}
	for _, l := range lists {
		for k, v := range l {
			out[k] = v
		}
	}
	return out
}

// lifecycleStep applies the configuration of one step of the guide: the plan before is the
// one announced, the plan after is empty; then what checks the emulator.
func lifecycleStep(w *prismsim.World, activeSite, failover string, announced expectChanges, after ...func() error) resource.TestStep {
	return resource.TestStep{
		Config: lifecycleConfig(w, activeSite, failover),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{announced},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{acctest.CheckAPI(func(context.Context) error {
			for _, f := range after {
				if err := f(); err != nil {
					return err
				}
			}
			return nil
		})},
	}
}

// movesVMs is a step whose apply moves the VMs to the other site: the plan after it is not
// empty but shows what the guide announces next, the tags adopted where the VMs now run.
func movesVMs(s resource.TestStep, next expectChanges) resource.TestStep {
	s.ExpectNonEmptyPlan = true
	s.ConfigPlanChecks.PostApplyPostRefresh = []plancheck.PlanCheck{next}
	return s
}

// vmsAt returns the names of the VMs of a Prism Central with their power state and whether
// they carry the protection category.
func vmsAt(ctx context.Context, c *client.Client) (map[string]client.VM, error) {
	vms, err := c.ListVMs(ctx, "")
	if err != nil {
		return nil, err
	}
	out := map[string]client.VM{}
	for _, vm := range vms {
		out[vm.Name] = vm
	}
	return out, nil
}

// protectedRunAt checks that the protected VMs are on the Prism Central of site and on no
// other, and whether they carry the category.
func protectedRunAt(t *testing.T, w *prismsim.World, site string, tagged bool) func() error {
	return func() error {
		ctx := context.Background()
		for _, pc := range []string{acctest.PCCanada, acctest.PCFrance} {
			vms, err := vmsAt(ctx, acctest.Client(t, w, pc))
			if err != nil {
				return err
			}
			for _, name := range lifecycleVMs {
				vm, ok := vms[name]
				switch {
				case pc == site && !ok:
					return fmt.Errorf("%s does not run on %s", name, pc)
				case pc != site && ok:
					return fmt.Errorf("%s still exists on %s", name, pc)
				case pc == site && (vm.Categories[foKey] == foValue) != tagged:
					return fmt.Errorf("%s on %s: categories %v, want tagged = %v", name, pc, vm.Categories, tagged)
				}
			}
		}
		return nil
	}
}

// nothingLeft checks, after the final destroy, that nothing the configuration created is left
// on either Prism Central, and that the VMs are where the last failover put them.
// It runs once the test's final destroy is done, before the world stops (the harness reads
// the state back for CheckDestroy in a form that cannot hold the configuration's instances).
func checkNothingLeft(t *testing.T, w *prismsim.World, vmsSite string) {
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		if err := nothingLeft(t, w, vmsSite); err != nil {
			t.Errorf("after destroy: %v", err)
		}
	})
}

func nothingLeft(t *testing.T, w *prismsim.World, vmsSite string) error {
	{
		ctx := context.Background()
		for _, pc := range []string{acctest.PCCanada, acctest.PCFrance} {
			c := acctest.Client(t, w, pc)
			rules, err := c.ListProtectionPolicies(ctx, "")
			if err != nil {
				return err
			}
			plans, err := c.ListRecoveryPlans(ctx, "")
			if err != nil {
				return err
			}
			azs, err := c.ListAvailabilityZones(ctx, "")
			if err != nil {
				return err
			}
			paired := slices.ContainsFunc(azs, func(az client.AvailabilityZone) bool { return az.Type != client.AvailabilityZoneLocal })
			if len(rules) > 0 || len(plans) > 0 || paired {
				return fmt.Errorf("%s still has %d protection policies, %d recovery plans, paired = %v", pc, len(rules), len(plans), paired)
			}
		}
		keys, err := acctest.Client(t, w, acctest.PCCanada).ListCategoryKeys(ctx)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if k.Name == foKey {
				return fmt.Errorf("canada still has the category %s", foKey)
			}
		}
		return protectedRunAt(t, w, vmsSite, false)()
	}
}

// Addresses of the lifecycle configuration the steps change.
const (
	lcToFrance = "nutanixdr_failover.to_france[0]"
	lcToCanada = "nutanixdr_failover.to_canada[0]"
	lcPolicy   = "nutanixdr_protection_policy.replicated_vm"
	lcPlan     = "nutanixdr_recovery_plan.replicated_vm"
)

// lifecycleFirst is the first apply: everything but the tags.
var lifecycleFirst = expectChanges{
	"nutanixdr_disaster_recovery.canada": actCreate, "nutanixdr_disaster_recovery.france": actCreate,
	"nutanixdr_availability_zone.france": actCreate, "nutanixdr_category.replicated_vm": actCreate,
	"nutanixdr_category_value.from_canada": actCreate, lcPolicy: actCreate, lcPlan: actCreate,
}

// TestAccLifecycle_oneConfiguration runs layout 1 of the guide: one configuration for both
// sites, through a rehearsal, a planned failover, the reversal, the failback and the return to
// the initial topology.
func TestAccLifecycle_oneConfiguration(t *testing.T) {
	w := lifecycleWorld(t)
	checkNothingLeft(t, w, acctest.PCCanada)
	advance := func() { w.Clock().Advance(time.Hour) }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// 1. Everything, the VMs running in Canada.
			lifecycleStep(w, "canada", "", mergedChanges(lifecycleFirst, eachVM("nutanixdr_vm_categories.canada")),
				protectedRunAt(t, w, acctest.PCCanada, true)),
			// 2. The rehearsal: a test failover, then its cleanup. The recovery points of one
			// RPO must be in France first (the plan's validation says so until then).
			withPreConfig(lifecycleStep(w, "canada", "TEST", expectChanges{lcToFrance: actCreate}), advance),
			lifecycleStep(w, "canada", "", expectChanges{lcToFrance: actDelete}, protectedRunAt(t, w, acctest.PCCanada, true)),
			// 3. The planned failover: the VMs move to France.
			// Right after it, the plan shows that the VMs now run in France: their tags are
			// to be adopted there (the step after does it, with the reversal).
			movesVMs(lifecycleStep(w, "canada", "PLANNED", expectChanges{lcToFrance: actCreate},
				protectedRunAt(t, w, acctest.PCFrance, true)), eachVM("nutanixdr_vm_categories.france")),
			// 4. The configuration follows the VMs: the tags are adopted where they run, the
			// policy and the plan are reversed, the failover's record is forgotten.
			lifecycleStep(w, "france", "", mergedChanges(eachVM("nutanixdr_vm_categories.france"),
				expectChanges{lcPolicy: actUpdate, lcPlan: actUpdate, lcToFrance: actDelete})),
			// 5. The failback, from Canada.
			withPreConfig(movesVMs(lifecycleStep(w, "france", "PLANNED", expectChanges{lcToCanada: actCreate},
				protectedRunAt(t, w, acctest.PCCanada, true)), eachVM("nutanixdr_vm_categories.canada")), advance),
			// 6. Back to the initial topology.
			lifecycleStep(w, "canada", "", mergedChanges(eachVM("nutanixdr_vm_categories.canada"),
				expectChanges{lcPolicy: actUpdate, lcPlan: actUpdate, lcToCanada: actDelete})),
		},
	})
}

// withPreConfig runs f before the step.
func withPreConfig(s resource.TestStep, f func()) resource.TestStep {
	s.PreConfig = f
	return s
}

// TestAccLifecycle_disaster runs layout 2 of the guide: Canada is lost; the failover runs from
// a configuration that needs only France, finding the plan there by name; when Canada comes
// back, the two-site configuration converges, protection reversed, and fails back.
func TestAccLifecycle_disaster(t *testing.T) {
	w := lifecycleWorld(t)
	checkNothingLeft(t, w, acctest.PCCanada)
	disaster := func() {
		// An hour of replication, then Canada is lost.
		w.Clock().Advance(time.Hour)
		if err := w.SiteDown(acctest.PCCanada); err != nil {
			t.Fatalf("taking canada down: %v", err)
		}
		const addr = "nutanixdr_failover.disaster"
		fr := w.PC(acctest.PCFrance)
		fr.ResetRequestCounts()
		defer func() {
			// What the disaster configuration costs France, for the record: its plans, apply
			// and destroy (the test harness plans several times per step).
			n := fr.RequestCounts()
			t.Logf("requests to france during the disaster configuration's test: %d %v", n.Total, n.ByRoute)
		}()
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: disasterConfig(w),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChanges{addr: actCreate}},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact(client.JobStatusCompleted)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("to_availability_zone_id"), knownvalue.StringExact(acctest.LocalAZ(t, w, acctest.PCFrance))),
					acctest.CheckAPI(func(ctx context.Context) error {
						vms, err := vmsAt(ctx, acctest.Client(t, w, acctest.PCFrance))
						if err != nil {
							return err
						}
						for _, name := range lifecycleVMs {
							if _, ok := vms[name]; !ok {
								return fmt.Errorf("%s was not recovered in france", name)
							}
						}
						return nil
					}),
				},
			}},
		})
		// Canada comes back.
		if err := w.SiteUp(acctest.PCCanada); err != nil {
			t.Fatalf("bringing canada back: %v", err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// 1. Everything, the VMs running in Canada.
			lifecycleStep(w, "canada", "", mergedChanges(lifecycleFirst, eachVM("nutanixdr_vm_categories.canada")),
				protectedRunAt(t, w, acctest.PCCanada, true)),
			// 2. The disaster and the failover from France alone (above); once Canada is back
			// (without the VMs France now runs), the configuration follows the VMs: their tags
			// are adopted in France, the policy and the plan are reversed.
			withPreConfig(lifecycleStep(w, "france", "", mergedChanges(eachVM("nutanixdr_vm_categories.france"),
				expectChanges{lcPolicy: actUpdate, lcPlan: actUpdate})), disaster),
			// 3. The failback, from Canada, once France has replicated back.
			withPreConfig(movesVMs(lifecycleStep(w, "france", "PLANNED", expectChanges{lcToCanada: actCreate},
				protectedRunAt(t, w, acctest.PCCanada, true)), eachVM("nutanixdr_vm_categories.canada")),
				func() { w.Clock().Advance(time.Hour) }),
			// 4. Back to the initial topology.
			lifecycleStep(w, "canada", "", mergedChanges(eachVM("nutanixdr_vm_categories.canada"),
				expectChanges{lcPolicy: actUpdate, lcPlan: actUpdate, lcToCanada: actDelete})),
		},
	})
}
