package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// The category of the seed's policy, and the address of the test resource.
const (
	testAccPolicyKey  = "replicated-vm"
	testAccPolicyAddr = "nutanixdr_protection_policy.test"
)

// testAccPolicyWorld starts a world for protection policy tests: disaster recovery enabled on
// every Prism Central of names, the category replicated-vm (from-canada, from-france) on all,
// and app-01 and db-01 of canada in replicated-vm:from-canada; edit (may be nil) changes the
// world first. Canada is paired with every other Prism Central of names, and the UUIDs of
// canada's availability zones of them are returned by name.
func testAccPolicyWorld(t *testing.T, edit func(*prismsim.WorldConfig), names ...string) (*prismsim.World, map[string]string) {
	t.Helper()
	edits := []func(*prismsim.WorldConfig){acctest.WithDR(names...),
		acctest.WithCategory(testAccPolicyKey, "from-canada", "from-france"),
		acctest.WithVMCategory(acctest.PCCanada, testAccPolicyKey, "from-canada", "app-01", "db-01")}
	if edit != nil {
		edits = append([]func(*prismsim.WorldConfig){edit}, edits...)
	}
	w := acctest.NewWorldWith(t, acctest.Edits(edits...))
	azs := map[string]string{acctest.PCCanada: acctest.LocalAZ(t, w, acctest.PCCanada)}
	for _, n := range names {
		if n != acctest.PCCanada {
			azs[n] = acctest.Pair(t, w, acctest.PCCanada, n)
		}
	}
	return w, azs
}

// testAccPolicyConfig declares the test policy with the given HCL object literals as its
// locations and replications; extra goes inside the resource block.
func testAccPolicyConfig(extra string, locations, replications []string) string {
	return fmt.Sprintf(`
resource "nutanixdr_protection_policy" "test" {
  name = "replicated-vm"
  category_filter = {
    categories = { %q = ["from-canada"] }
  }
  locations = [
    %s,
  ]
  replications = [
    %s,
  ]
%s}
`, testAccPolicyKey, strings.Join(locations, ",\n    "), strings.Join(replications, ",\n    "), extra)
}

// testAccPolicyLoc returns a location literal; clusters and mst are UUIDs or HCL expressions
// ("" leaves them out).
func testAccPolicyLoc(label, az, cluster string, primary bool, mst string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{ label = %q, availability_zone_id = %s", label, hclRef(az))
	if cluster != "" {
		fmt.Fprintf(&b, ", cluster_ids = [%s]", hclRef(cluster))
	}
	if primary {
		b.WriteString(", primary = true")
	}
	if mst != "" {
		fmt.Fprintf(&b, ", mst_target_id = %s", hclRef(mst))
	}
	b.WriteString(" }")
	return b.String()
}

// hclRef quotes s unless it is a reference (data.x.y, nutanixdr_x.y.z, terraform_data.x.y).
func hclRef(s string) string {
	for _, p := range []string{"data.", "nutanixdr_", "terraform_data."} {
		if strings.HasPrefix(s, p) {
			return s
		}
	}
	return fmt.Sprintf("%q", s)
}

// testAccPolicyRep returns a replication literal; more is HCL placed inside it.
func testAccPolicyRep(from, to, rpo, more string) string {
	s := fmt.Sprintf("{ from = %s, to = %s, rpo = %q", hclRef(from), hclRef(to), rpo)
	if more != "" {
		s += ", " + more
	}
	return s + " }"
}

// testAccPolicySeed is the seed's bidirectional Canada/France policy, with the ids looked up by
// the data sources as users do; rpo is that of canada->france, and extra replications follow.
func testAccPolicySeed(w *prismsim.World, rpo, more, extra string, extraReps ...string) string {
	france := w.PC(acctest.PCFrance)
	return acctest.TwoSitesConfig(w, acctest.PCCanada, acctest.PCFrance) + fmt.Sprintf(`
data "nutanixdr_availability_zone" "local" {
  local = true
}

data "nutanixdr_availability_zone" "france" {
  name = %q
}

data "nutanixdr_cluster" "ca" {
  name = "CA01"
}

data "nutanixdr_cluster" "fr" {
  provider = %s
  name     = "FR01"
}
`, "PC_"+france.AdvertisedIP(), acctest.SecondSite) + testAccPolicyConfig(extra,
		[]string{
			testAccPolicyLoc("canada", "data.nutanixdr_availability_zone.local.id", "data.nutanixdr_cluster.ca.id", true, ""),
			testAccPolicyLoc("france", "data.nutanixdr_availability_zone.france.id", "data.nutanixdr_cluster.fr.id", false, ""),
		},
		append([]string{
			testAccPolicyRep("canada", "france", rpo, `snapshot_type = "APPLICATION_CONSISTENT", local_retention = { count = 4 }, `+more),
			testAccPolicyRep("france", "canada", "15m", "local_retention = { count = 4 }, remote_retention = { count = 4 }"),
		}, extraReps...))
}

// testAccPolicyRule returns the rule of the state's test resource, read from c.
func testAccPolicyRule(ctx context.Context, c *client.Client, s *terraform.State) (*client.ProtectionPolicy, error) {
	rs, ok := s.RootModule().Resources[testAccPolicyAddr]
	if !ok {
		return nil, errors.New(testAccPolicyAddr + " is not in the state")
	}
	rule, err := c.GetProtectionPolicy(ctx, rs.Primary.ID)
	if err != nil {
		return nil, fmt.Errorf("reading protection rule %s: %w", rs.Primary.ID, err)
	}
	return rule, nil
}

// testAccPolicyShape describes a rule as "src>dst:rpo,rpo src>dst:rpo" for comparisons.
func testAccPolicyShape(rule *client.ProtectionPolicy) string {
	var parts []string
	for _, c := range rule.Connectivity {
		var rpos []string
		for _, s := range c.Schedules {
			rpos = append(rpos, fmt.Sprint(s.RPOSecs))
		}
		parts = append(parts, fmt.Sprintf("%d>%d:%s", c.SourceIndex, c.DestinationIndex, strings.Join(rpos, ",")))
	}
	return strings.Join(parts, " ")
}

// testAccCheckPolicyShape checks through the API that the rule of the test resource has the
// given shape (see testAccPolicyShape) and primary locations.
func testAccCheckPolicyShape(t *testing.T, c *client.Client, shape string, primary []int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rule, err := testAccPolicyRule(t.Context(), c, s)
		if err != nil {
			return err
		}
		if got := testAccPolicyShape(rule); got != shape {
			return fmt.Errorf("protection rule %s has connectivity %q, want %q", rule.UUID, got, shape)
		}
		if !slices.Equal(rule.PrimaryLocationIndexes, primary) {
			return fmt.Errorf("protection rule %s has primary locations %v, want %v", rule.UUID, rule.PrimaryLocationIndexes, primary)
		}
		return nil
	}
}

// testAccCheckPoliciesGone checks through the API that no protection rule is left on any of
// the clients.
func testAccCheckPoliciesGone(t *testing.T, clients ...*client.Client) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, c := range clients {
			rules, err := c.ListProtectionPolicies(t.Context(), "")
			if err != nil {
				return fmt.Errorf("listing protection rules: %w", err)
			}
			if len(rules) > 0 {
				return fmt.Errorf("protection rules left: %+v", rules)
			}
		}
		return nil
	}
}

// testAccPolicyImportID returns the import ID of the test resource with the given labels.
func testAccPolicyImportID(labels string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[testAccPolicyAddr]
		if !ok {
			return "", errors.New(testAccPolicyAddr + " is not in the state")
		}
		if labels == "" {
			return rs.Primary.ID, nil
		}
		return rs.Primary.ID + "/" + labels, nil
	}
}

func TestAccProtectionPolicy_basic(t *testing.T) {
	w, _ := testAccPolicyWorld(t, nil, acctest.PCCanada, acctest.PCFrance)
	ca := acctest.Client(t, w, acctest.PCCanada)
	fr := acctest.Client(t, w, acctest.PCFrance)
	app, db := acctest.VMID(t, w, acctest.PCCanada, "app-01"), acctest.VMID(t, w, acctest.PCCanada, "db-01")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	seed := testAccPolicySeed(w, "15m", "remote_retention = { count = 4 }", "")
	// The update: another RPO and a roll-up retention for canada->france, a second schedule
	// between canada and france given after france->canada, a description and a start time.
	updated := testAccPolicySeed(w, "1h", `remote_retention = { rollup = { multiple = 7, interval = "DAILY" } }`,
		"  description = \"Canada to France and back\"\n  start_time  = \"22h:30m\"\n",
		testAccPolicyRep("canada", "france", "24h", "local_retention = { count = 1 }, remote_retention = { count = 7 }"))
	rep := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("replications").AtSliceIndex(i).AtMapKey(attr)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPoliciesGone(t, ca, fr),
		Steps: []resource.TestStep{
			{
				Config: seed,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("protected_vm_ids"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(app), knownvalue.StringExact(db)})),
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("category_filter").AtMapKey("match"), knownvalue.StringExact("ANY")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, rep(1, "snapshot_type"), knownvalue.StringExact("CRASH_CONSISTENT")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, rep(1, "auto_suspend_timeout"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("locations").AtSliceIndex(1).AtMapKey("primary"), knownvalue.Bool(false)),
					sameID.AddStateValue(testAccPolicyAddr, tfjsonpath.New("id")),
					newID.AddStateValue(testAccPolicyAddr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPolicyShape(t, ca, "0>1:900 1>0:900", []int{0}),
					// France sees the policy too, with the same UUID: failover runs from there.
					func(s *terraform.State) error {
						_, err := testAccPolicyRule(t.Context(), fr, s)
						return err
					},
				),
			},
			{
				ResourceName:      testAccPolicyAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccPolicyImportID("canada,france"),
				ImportStateVerify: true,
			},
			{
				// Without labels, the locations are labeled by position.
				ResourceName:      testAccPolicyAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccPolicyImportID(""),
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					if len(s) != 1 {
						return fmt.Errorf("imported %d instances", len(s))
					}
					a := s[0].Attributes
					for k, want := range map[string]string{
						"locations.0.label": "location-1", "locations.1.label": "location-2", "locations.0.primary": "true",
						"replications.0.from": "location-1", "replications.0.to": "location-2", "replications.0.rpo": "15m",
						"replications.0.remote_retention.count": "4", "replications.1.from": "location-2",
					} {
						if a[k] != want {
							return fmt.Errorf("imported %s = %q, want %q", k, a[k], want)
						}
					}
					return nil
				},
			},
			{
				ResourceName:  testAccPolicyAddr,
				ImportState:   true,
				ImportStateId: "replicated-vm",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `it does not start with a UUID; got "replicated-vm"`),
			},
			{
				ResourceName:      testAccPolicyAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccPolicyImportID("canada,france,japan"),
				ExpectError:       acctest.ErrorRegexp(`names 3 location labels (canada,france,japan), but protection policy`, `has 2 locations`),
			},
			{
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccPolicyAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccPolicyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, rep(0, "rpo"), knownvalue.StringExact("1h")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, rep(1, "from"), knownvalue.StringExact("france")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, rep(2, "rpo"), knownvalue.StringExact("24h")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, rep(0, "remote_retention"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"count": knownvalue.Null(),
						"rollup": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"multiple": knownvalue.Int64Exact(7), "interval": knownvalue.StringExact("DAILY"),
						}),
					})),
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("start_time"), knownvalue.StringExact("22h:30m")),
				},
				// The two canada->france schedules are one connectivity entry.
				Check: testAccCheckPolicyShape(t, ca, "0>1:3600,86400 1>0:900", []int{0}),
			},
			{
				ResourceName:      testAccPolicyAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccPolicyImportID("canada,france"),
				ImportStateVerify: true,
				// The import reads the schedules in the API's order, grouped by pair.
				ImportStateVerifyIgnore: []string{"replications"},
			},
			{
				// Changed outside Terraform: the plan puts it back in place.
				PreConfig: func() {
					ctx := t.Context()
					rules, err := ca.ListProtectionPolicies(ctx, "")
					if err != nil || len(rules) != 1 {
						t.Fatalf("listing protection rules: %v %+v", err, rules)
					}
					rule := rules[0]
					rule.Connectivity[0].Schedules[0].RPOSecs = 4 * 3600
					two := int64(2)
					rule.Connectivity[1].Schedules[0].LocalRetention = &client.RetentionPolicy{NumSnapshots: &two}
					if _, err := ca.UpdateProtectionPolicy(ctx, rule); err != nil {
						t.Fatalf("changing the protection rule out of band: %v", err)
					}
				},
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccPolicyAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccPolicyAddr, rep(0, "rpo"), knownvalue.StringExact("1h")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(testAccPolicyAddr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPolicyShape(t, ca, "0>1:3600,86400 1>0:900", []int{0}),
					func(s *terraform.State) error {
						rule, err := testAccPolicyRule(t.Context(), ca, s)
						if err != nil {
							return err
						}
						if n := rule.Connectivity[1].Schedules[0].LocalRetention.NumSnapshots; n == nil || *n != 4 {
							return fmt.Errorf("france's local retention is %v, want 4", n)
						}
						return nil
					},
				),
			},
			{
				// Deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					rules, err := ca.ListProtectionPolicies(t.Context(), "")
					if err != nil || len(rules) != 1 {
						t.Fatalf("listing protection rules: %v %+v", err, rules)
					}
					if err := ca.DeleteProtectionPolicy(t.Context(), rules[0].UUID); err != nil {
						t.Fatalf("deleting the protection rule out of band: %v", err)
					}
				},
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccPolicyAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(testAccPolicyAddr, tfjsonpath.New("id"))},
				Check:             testAccCheckPolicyShape(t, ca, "0>1:3600,86400 1>0:900", []int{0}),
			},
		},
	})
}

// TestAccProtectionPolicy_threeLocations protects canada's VMs to two other Prism Centrals, with
// canada as the one primary location the API needs beyond two.
func TestAccProtectionPolicy_threeLocations(t *testing.T) {
	w, azs := testAccPolicyWorld(t, withJapan, acctest.PCCanada, acctest.PCFrance, pcJapan)
	ca := acctest.Client(t, w, acctest.PCCanada)
	config := acctest.ProviderConfig(w, acctest.PCCanada, "") + testAccPolicyConfig("",
		[]string{
			testAccPolicyLoc("france", azs[acctest.PCFrance], acctest.ClusterID(t, w, acctest.PCFrance, "FR01"), false, ""),
			testAccPolicyLoc("canada", azs[acctest.PCCanada], acctest.ClusterID(t, w, acctest.PCCanada, "CA01"), true, ""),
			testAccPolicyLoc("japan", azs[pcJapan], "", false, ""),
		},
		[]string{
			testAccPolicyRep("canada", "japan", "4h", "local_retention = { count = 2 }, remote_retention = { count = 6 }"),
			testAccPolicyRep("canada", "france", "5m", "local_retention = { count = 3 }, remote_retention = { count = 3 }"),
			testAccPolicyRep("france", "canada", "5m", "local_retention = { count = 3 }, remote_retention = { count = 3 }"),
		})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPoliciesGone(t, ca),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("locations").AtSliceIndex(2).AtMapKey("cluster_ids"), knownvalue.Null()),
				},
				Check: testAccCheckPolicyShape(t, ca, "1>2:14400 1>0:300 0>1:300", []int{1}),
			},
			{
				ResourceName:      testAccPolicyAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccPolicyImportID("france,canada,japan"),
				ImportStateVerify: true,
				// An import cannot know that japan's clusters were left to Prism Central.
				ImportStateVerifyIgnore: []string{"locations.2.cluster_ids"},
			},
		},
	})
}

// TestAccProtectionPolicy_synchronous replicates canada's VMs synchronously to france, then
// changes the auto-suspend timeout in place.
func TestAccProtectionPolicy_synchronous(t *testing.T) {
	w, azs := testAccPolicyWorld(t, nil, acctest.PCCanada, acctest.PCFrance)
	ca := acctest.Client(t, w, acctest.PCCanada)
	config := func(suspend string) string {
		return acctest.ProviderConfig(w, acctest.PCCanada, "") + testAccPolicyConfig("",
			[]string{
				testAccPolicyLoc("canada", azs[acctest.PCCanada], acctest.ClusterID(t, w, acctest.PCCanada, "CA01"), true, ""),
				testAccPolicyLoc("france", azs[acctest.PCFrance], acctest.ClusterID(t, w, acctest.PCFrance, "FR01"), false, ""),
			},
			[]string{testAccPolicyRep("canada", "france", "0s", fmt.Sprintf("auto_suspend_timeout = %q", suspend))})
	}
	sameID := statecheck.CompareValue(compare.ValuesSame())
	suspend := tfjsonpath.New("replications").AtSliceIndex(0).AtMapKey("auto_suspend_timeout")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPoliciesGone(t, ca),
		Steps: []resource.TestStep{
			{
				Config: config("30s"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccPolicyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, suspend, knownvalue.StringExact("30s")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("replications").AtSliceIndex(0).AtMapKey("local_retention"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPolicyShape(t, ca, "0>1:0", []int{0}),
					func(s *terraform.State) error {
						rule, err := testAccPolicyRule(t.Context(), ca, s)
						if err != nil {
							return err
						}
						sched := rule.Connectivity[0].Schedules[0]
						if sched.AutoSuspendTimeoutSecs == nil || *sched.AutoSuspendTimeoutSecs != 30 || sched.LocalRetention != nil || sched.RemoteRetention != nil {
							return fmt.Errorf("synchronous schedule is %+v", sched)
						}
						return nil
					},
				),
			},
			{
				Config: config("2m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccPolicyAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccPolicyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, suspend, knownvalue.StringExact("2m")),
				},
			},
			{
				// Prism Central refuses a second synchronous policy over the same VMs, and says which.
				Config: config("2m") + strings.Replace(strings.Replace(testAccPolicyConfig("",
					[]string{
						testAccPolicyLoc("canada", azs[acctest.PCCanada], acctest.ClusterID(t, w, acctest.PCCanada, "CA01"), true, ""),
						testAccPolicyLoc("france", azs[acctest.PCFrance], acctest.ClusterID(t, w, acctest.PCFrance, "FR01"), false, ""),
					},
					[]string{testAccPolicyRep("canada", "france", "0s", "")}), `"test"`, `"second"`, 1), `"replicated-vm"`, `"second"`, 1),
				ExpectError: acctest.ErrorRegexp(`Error creating protection policy`, `Could not create protection policy "second"`,
					`already protected by the synchronous protection rule replicated-vm`),
			},
		},
	})
}

// TestAccProtectionPolicy_rollup round-trips roll-up retentions of every interval and several
// schedules between one pair, written the way users write durations.
func TestAccProtectionPolicy_rollup(t *testing.T) {
	w, azs := testAccPolicyWorld(t, nil, acctest.PCCanada, acctest.PCFrance)
	ca := acctest.Client(t, w, acctest.PCCanada)
	config := acctest.ProviderConfig(w, acctest.PCCanada, "") + testAccPolicyConfig(`
  timeouts = {
    create = "2m"
    update = "2m"
    delete = "2m"
  }
`,
		[]string{
			testAccPolicyLoc("canada", azs[acctest.PCCanada], "", true, ""),
			testAccPolicyLoc("france", azs[acctest.PCFrance], "", false, ""),
		},
		[]string{
			testAccPolicyRep("canada", "france", "60m", `local_retention = { count = 2 }, remote_retention = { rollup = { multiple = 24, interval = "HOURLY" } }`),
			testAccPolicyRep("canada", "france", "24h", `snapshot_type = "APPLICATION_CONSISTENT", remote_retention = { rollup = { multiple = 7, interval = "DAILY" } }`),
			testAccPolicyRep("canada", "france", "168h", `local_retention = { rollup = { multiple = 4, interval = "WEEKLY" } }, remote_retention = { rollup = { multiple = 12, interval = "MONTHLY" } }`),
			testAccPolicyRep("canada", "france", "336h", `remote_retention = { rollup = { multiple = 2, interval = "YEARLY" } }`),
		})
	rollupImportIgnore := []string{"replications.0.rpo", "timeouts"}
	if accV4(t, w, acctest.PCCanada, client.KindProtectionPolicies) {
		rollupImportIgnore = append(rollupImportIgnore, "replications.0.local_retention")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPoliciesGone(t, ca),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("replications").AtSliceIndex(0).AtMapKey("rpo"), knownvalue.StringExact("60m")),
					statecheck.ExpectKnownValue(testAccPolicyAddr, tfjsonpath.New("replications").AtSliceIndex(1).AtMapKey("local_retention"), knownvalue.Null()),
				},
				Check: testAccCheckPolicyShape(t, ca, "0>1:3600,86400,604800,1209600", []int{0}),
			},
			{
				// The API spells 60m as an hour; everything else round-trips. Over v4, which
				// cannot say a schedule whose retentions are of two kinds, the local count of 2
				// at an RPO of an hour is read as the roll-up keeping the same points (2 hours).
				ResourceName:            testAccPolicyAddr,
				ImportState:             true,
				ImportStateIdFunc:       testAccPolicyImportID("canada,france"),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: rollupImportIgnore,
			},
		},
	})
}

// TestAccProtectionPolicy_validation checks every plan-time rule: each refused configuration
// names the attribute and why, before any API call (the provider block reaches nothing).
func TestAccProtectionPolicy_validation(t *testing.T) {
	const (
		azA, azB = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
		clA, clB = "44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555"
		mst      = "77777777-7777-4777-8777-777777777777"
	)
	ca, fr := testAccPolicyLoc("canada", azA, clA, true, ""), testAccPolicyLoc("france", azB, clB, false, "")
	s3 := testAccPolicyLoc("s3", azB, "", false, mst)
	cf := testAccPolicyRep("canada", "france", "15m", "local_retention = { count = 4 }, remote_retention = { count = 4 }")
	cfg := func(extra string, locs []string, reps ...string) string {
		return offlineProviderConfig() + testAccPolicyConfig(extra, locs, reps)
	}
	plan := func(config string, fragments ...string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.ErrorRegexp(fragments...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			plan(cfg("", []string{ca, testAccPolicyLoc("canada", azB, clB, false, "")}, cf),
				`locations[1].label "canada" is also the label of locations[0]`),
			plan(cfg("", []string{ca, fr}, testAccPolicyRep("canada", "spain", "15m", "")),
				`replications[0].to "spain" is not the label of a location. The labels are "canada", "france".`),
			plan(cfg("", []string{ca, fr}, cf, testAccPolicyRep("france", "france", "15m", "")),
				`replications[1].to is "france", the same location as from`),
			plan(cfg("", []string{testAccPolicyLoc("canada", azA, clA, false, ""), fr}, cf),
				`locations has no primary location`),
			plan(cfg("", []string{ca, testAccPolicyLoc("france", azB, clB, true, "")}, cf),
				`locations has 2 primary locations (locations[0], locations[1])`),
			plan(cfg("", []string{ca, fr}, testAccPolicyRep("canada", "france", "30m", "")),
				`replications[0].rpo "30m" is not an RPO Prism Central accepts`, `"1m" to "15m"`),
			plan(cfg("", []string{ca, fr}, testAccPolicyRep("canada", "france", "0s", "remote_retention = { count = 1 }")),
				`replications[0].remote_retention is set, but rpo is "0s"`),
			plan(cfg("", []string{ca, testAccPolicyLoc("france", azB, "", false, "")}, testAccPolicyRep("canada", "france", "0s", "")),
				`replications[0].to "france" has no cluster_ids, but rpo is "0s"`),
			plan(cfg("", []string{ca, s3}, testAccPolicyRep("canada", "s3", "0s", "")),
				`replications[0].to "s3" is an MST store, but rpo is "0s"`),
			plan(cfg("", []string{ca, fr}, testAccPolicyRep("canada", "france", "1h", `auto_suspend_timeout = "30s"`)),
				`replications[0].auto_suspend_timeout is set, but rpo is "1h"`),
			plan(cfg("", []string{ca, s3}, testAccPolicyRep("s3", "canada", "1h", "")),
				`replications[0].from "s3" is an MST store`, `never a source`),
			plan(cfg("", []string{ca, s3}, testAccPolicyRep("canada", "s3", "24h", "remote_retention = { count = 37 }")),
				`replications[0].remote_retention.count is 37, but the destination is an MST store, which keeps at most 36`),
			plan(cfg("", []string{ca, s3}, testAccPolicyRep("canada", "s3", "24h", `remote_retention = { rollup = { multiple = 2, interval = "MONTHLY" } }`)),
				`replications[0].remote_retention.rollup keeps 2 MONTHLY`, `at most one month`),
			plan(cfg("", []string{ca, fr}, testAccPolicyRep("canada", "france", "1h", "local_retention = { count = 0 }")),
				`replications[0].local_retention.count value must be at least 1, got: 0`),
			plan(cfg("", []string{ca, fr}, testAccPolicyRep("canada", "france", "1h", `local_retention = { count = 2, rollup = { multiple = 1, interval = "DAILY" } }`)),
				`replications[0].local_retention sets both count and rollup`),
			plan(cfg("", []string{ca, fr}, testAccPolicyRep("canada", "france", "1h", "remote_retention = {}")),
				`replications[0].remote_retention sets neither count nor rollup`),
			plan(cfg("", []string{ca, fr}, testAccPolicyRep("canada", "france", "1h", `remote_retention = { rollup = { multiple = 1, interval = "FORTNIGHTLY" } }`)),
				`replications[0].remote_retention.rollup.interval value must be one of`),
			plan(cfg("", []string{ca, testAccPolicyLoc("france", azB, clB, false, mst)}, cf),
				`locations[1].mst_target_id and locations[1].cluster_ids are both set`),
			plan(cfg(`  start_time = "6h:00m"`+"\n", []string{ca, fr}, cf),
				`start_time "6h:00m" is not a time of day in the form "HHh:MMm"`),
			plan(cfg("", []string{ca, fr}, testAccPolicyRep("canada", "france", "15 minutes", "")),
				`Invalid Time Duration String Value`),
			{
				// An MST store is accepted as a destination (its resource comes later).
				Config:             cfg("", []string{ca, s3}, testAccPolicyRep("canada", "s3", "24h", `remote_retention = { rollup = { multiple = 4, interval = "WEEKLY" } }`)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// A label unknown at plan time is checked when applying, before any API call.
				Config: `
resource "terraform_data" "label" {
  input = "spain"
}
` + cfg("", []string{ca, fr}, cf, testAccPolicyRep("canada", "terraform_data.label.output", "15m", "")),
				ExpectError: acctest.ErrorRegexp(`replications[1].to "spain" is not the label of a location`),
			},
		},
	})
}

// TestAccProtectionPolicy_apiErrors checks that what only Prism Central can refuse reads well,
// and that a create whose task fails leaves nothing behind once the next apply has run.
func TestAccProtectionPolicy_apiErrors(t *testing.T) {
	w, azs := testAccPolicyWorld(t, nil, acctest.PCCanada, acctest.PCFrance)
	ca := acctest.Client(t, w, acctest.PCCanada)
	fr := acctest.Client(t, w, acctest.PCFrance)
	const unknownAZ = "99999999-9999-4999-8999-999999999999"
	locs := []string{
		testAccPolicyLoc("canada", azs[acctest.PCCanada], "", true, ""),
		testAccPolicyLoc("france", azs[acctest.PCFrance], "", false, ""),
	}
	reps := []string{testAccPolicyRep("canada", "france", "1h", "remote_retention = { count = 2 }")}
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	config := provider + testAccPolicyConfig("", locs, reps)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPoliciesGone(t, ca, fr),
		Steps: []resource.TestStep{
			{
				Config: provider + strings.Replace(config[len(provider):], `["from-canada"]`, `["from-nowhere"]`, 1),
				// v3: Prism Central refuses the rule; v4: the client finds no extId for the value.
				ExpectError: acctest.ErrorRegexp(`Error creating protection policy`, `"replicated-vm"`,
					`from-nowhere does not exist`),
			},
			{
				Config: provider + testAccPolicyConfig("", []string{locs[0], testAccPolicyLoc("france", unknownAZ, "", false, "")}, reps),
				// v3: Prism Central refuses the zone; v4: the client finds no domain manager for it.
				ExpectError: regexp.MustCompile(`(?s)Error creating protection policy.*availability\s+zone\s+` + unknownAZ +
					`\s+(is\s+not\s+known\s+to\s+this\s+Prism\s+Central|has\s+no\s+Prism\s+Central)`),
			},
			{
				PreConfig: func() {
					if err := testAccCheckPoliciesGone(t, ca, fr)(nil); err != nil {
						t.Fatalf("a refused create left a rule: %v", err)
					}
					prefix := "/api/nutanix/v3/protection_rules"
					if accV4(t, w, acctest.PCCanada, client.KindProtectionPolicies) {
						prefix = "/api/datapolicies/v4.2/config/protection-policies"
					}
					if _, err := w.AddFault(prismsim.Fault{
						PC: acctest.PCCanada, PathPrefix: prefix, Method: "POST",
						Kind: prismsim.FaultTaskFailure, Count: 1,
					}); err != nil {
						t.Fatalf("adding a fault: %v", err)
					}
				},
				Config:      config,
				ExpectError: acctest.ErrorRegexp(`Error creating protection policy`, `"replicated-vm"`),
			},
			{
				// The failed task left no rule (the emulator removes it), so the next apply creates one.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccPolicyAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPolicyShape(t, ca, "0>1:3600", []int{0}),
					func(*terraform.State) error {
						rules, err := ca.ListProtectionPolicies(t.Context(), "")
						if err != nil {
							return err
						}
						if len(rules) != 1 {
							return fmt.Errorf("want one protection rule after the failed create and the retry, got %+v", rules)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccProtectionPolicy_example applies the documented example as it is written, but for the
// provider names and the pairing it takes from another example.
func TestAccProtectionPolicy_example(t *testing.T) {
	w, azs := testAccPolicyWorld(t, nil, acctest.PCCanada, acctest.PCFrance)
	ca := acctest.Client(t, w, acctest.PCCanada)
	root, err := acctest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join(root, "examples", "resources", "nutanixdr_protection_policy", "resource.tf"))
	if err != nil {
		t.Fatal(err)
	}
	config := strings.NewReplacer(
		"provider = nutanixdr.canada", "provider = nutanixdr",
		"provider = nutanixdr.france", "provider = "+acctest.SecondSite,
		"nutanixdr_availability_zone.france.id", fmt.Sprintf("%q", azs[acctest.PCFrance]),
	).Replace(string(example))
	const addr = "nutanixdr_protection_policy.canada_to_france"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPoliciesGone(t, ca),
		Steps: []resource.TestStep{
			{
				Config: acctest.TwoSitesConfig(w, acctest.PCCanada, acctest.PCFrance) + config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("protected_vm_ids"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownOutputValue("protected_vm_ids", knownvalue.SetSizeExact(2)),
				},
			},
		},
	})
}
