package provider_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// TestAccProtectionPolicy_updateEveryField updates every field of a policy at once (name,
// description, start time, the category values, the clusters of both locations, and in both
// replications the RPO, snapshot type and both retentions, linear to roll-up and back) and
// reads every one back through the API: an update must lose nothing. Over v4 (make test
// API=v4) the update is one v4 PUT rebuilding replicationConfigurations, so this is the guard
// of the v4 writer and of prismsim's v4 retention mapping; no v3 write may be sent.
func TestAccProtectionPolicy_updateEveryField(t *testing.T) {
	w, azs := testAccPolicyWorld(t, withSecondCanadaCluster, acctest.PCCanada, acctest.PCFrance)
	ca := acctest.Client(t, w, acctest.PCCanada)
	ca01, ca02 := acctest.ClusterID(t, w, acctest.PCCanada, "CA01"), acctest.ClusterID(t, w, acctest.PCCanada, "CA02")
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	config := func(name, extra, category, cluster string, reps ...string) string {
		return provider + fmt.Sprintf(`
resource "nutanixdr_protection_policy" "test" {
  name = %q
  category_filter = {
    categories = { %q = [%q] }
  }
  locations = [
    %s,
    %s,
  ]
  replications = [
    %s,
    %s,
  ]
%s}
`, name, testAccPolicyKey, category,
			testAccPolicyLoc("canada", azs[acctest.PCCanada], cluster, true, ""),
			testAccPolicyLoc("france", azs[acctest.PCFrance], "", false, ""),
			reps[0], reps[1], extra)
	}
	before := config("replicated-vm", "", "from-canada", ca01,
		testAccPolicyRep("canada", "france", "1h", `local_retention = { count = 2 }, remote_retention = { count = 3 }`),
		testAccPolicyRep("france", "canada", "24h", `remote_retention = { rollup = { multiple = 7, interval = "DAILY" } }`))
	after := config("replicated-vm-2", "  description = \"every field changed\"\n  start_time  = \"21h:15m\"\n", "from-france", ca02,
		testAccPolicyRep("canada", "france", "4h", `snapshot_type = "APPLICATION_CONSISTENT", local_retention = { rollup = { multiple = 2, interval = "DAILY" } }, remote_retention = { rollup = { multiple = 3, interval = "WEEKLY" } }`),
		testAccPolicyRep("france", "canada", "12h", `local_retention = { count = 5 }, remote_retention = { count = 6 }`))
	n := func(v int64) *int64 { return &v }
	want := client.ProtectionPolicy{
		Name: "replicated-vm-2", Description: "every field changed", StartTime: "21h:15m",
		Connectivity: []client.ProtectionConnectivity{
			{SourceIndex: 0, DestinationIndex: 1, Schedules: []client.SnapshotSchedule{{RPOSecs: 4 * 3600, SnapshotType: client.SnapshotTypeApplicationConsistent,
				LocalRetention:  &client.RetentionPolicy{Rollup: &client.RollupRetention{Multiple: 2, IntervalType: client.RollupDaily}},
				RemoteRetention: &client.RetentionPolicy{Rollup: &client.RollupRetention{Multiple: 3, IntervalType: client.RollupWeekly}}}}},
			{SourceIndex: 1, DestinationIndex: 0, Schedules: []client.SnapshotSchedule{{RPOSecs: 12 * 3600, SnapshotType: client.SnapshotTypeCrashConsistent,
				LocalRetention: &client.RetentionPolicy{NumSnapshots: n(5)}, RemoteRetention: &client.RetentionPolicy{NumSnapshots: n(6)}}}},
		},
	}
	check := func(s *terraform.State) error {
		got, err := testAccPolicyRule(context.Background(), ca, s)
		if err != nil {
			return err
		}
		if got.Name != want.Name || got.Description != want.Description || got.StartTime != want.StartTime {
			return fmt.Errorf("name %q, description %q, start time %q; want %q, %q, %q", got.Name, got.Description, got.StartTime, want.Name, want.Description, want.StartTime)
		}
		if vs := got.CategoryFilter.Params[testAccPolicyKey]; len(vs) != 1 || vs[0] != "from-france" || len(got.CategoryFilter.Params) != 1 {
			return fmt.Errorf("categories %v, want %s: [from-france]", got.CategoryFilter.Params, testAccPolicyKey)
		}
		if len(got.Locations) != 2 || !reflect.DeepEqual(got.Locations[0].ClusterUUIDs, []string{ca02}) {
			return fmt.Errorf("locations %+v, want canada on CA02 only", got.Locations)
		}
		for i, c := range want.Connectivity {
			if i >= len(got.Connectivity) {
				return fmt.Errorf("replications %+v, want %+v", got.Connectivity, want.Connectivity)
			}
			g := got.Connectivity[i]
			if g.SourceIndex != c.SourceIndex || g.DestinationIndex != c.DestinationIndex || len(g.Schedules) != 1 {
				return fmt.Errorf("replication %d is %+v, want %+v", i, g, c)
			}
			gs, ws := g.Schedules[0], c.Schedules[0]
			if gs.SnapshotType == "" {
				gs.SnapshotType = client.SnapshotTypeCrashConsistent
			}
			if gs.RPOSecs != ws.RPOSecs || gs.SnapshotType != ws.SnapshotType ||
				!reflect.DeepEqual(gs.LocalRetention, ws.LocalRetention) || !reflect.DeepEqual(gs.RemoteRetention, ws.RemoteRetention) {
				return fmt.Errorf("replication %d schedule: rpo %d %s local %s remote %s; want rpo %d %s local %s remote %s", i,
					gs.RPOSecs, gs.SnapshotType, retentionText(gs.LocalRetention), retentionText(gs.RemoteRetention),
					ws.RPOSecs, ws.SnapshotType, retentionText(ws.LocalRetention), retentionText(ws.RemoteRetention))
			}
		}
		return nil
	}
	pc := w.PC(acctest.PCCanada)
	noV3Write := func(*terraform.State) error {
		if !accV4(t, w, acctest.PCCanada, client.KindProtectionPolicies) {
			return nil
		}
		if got := pc.RequestCounts().ByRoute["PUT /api/nutanix/v3/protection_rules/{uuid}"]; got != 0 {
			return fmt.Errorf("the update went over v3 (%d PUTs): over v4 every field has a v4 form", got)
		}
		if pc.RequestCounts().ByRoute["PUT /api/datapolicies/v4.2/config/protection-policies/{extId}"] == 0 {
			return fmt.Errorf("no v4 PUT of the policy was sent")
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPoliciesGone(t, ca),
		Steps: []resource.TestStep{
			{Config: before, ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				PreConfig: pc.ResetRequestCounts,
				Config:    after,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccPolicyAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(check, noV3Write),
			},
			{
				ResourceName:            testAccPolicyAddr,
				ImportState:             true,
				ImportStateIdFunc:       testAccPolicyImportID("canada,france"),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// retentionText renders a retention for messages.
func retentionText(r *client.RetentionPolicy) string {
	switch {
	case r == nil:
		return "none"
	case r.NumSnapshots != nil:
		return fmt.Sprintf("count %d", *r.NumSnapshots)
	case r.Rollup != nil:
		return fmt.Sprintf("%d %s", r.Rollup.Multiple, r.Rollup.IntervalType)
	}
	return "empty"
}
