package provider_test

import (
	"context"
	"errors"
	"fmt"
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

// The address of the test plan, and the category of the seed's VMs.
const (
	testAccPlanAddr = "nutanixdr_recovery_plan.test"
	testAccPlanKey  = "replicated-vm"
)

// testAccPlanEnv is the world of a recovery plan test: Canada and France with disaster
// recovery enabled and paired, app-01 and db-01 of Canada in replicated-vm:from-canada, and a
// protection policy replicating them to France (synchronously when sync is set).
type testAccPlanEnv struct {
	w                  *prismsim.World
	ca, fr             *client.Client
	azCanada, azFrance string // as Canada knows them
	clusterCA          string
	clusterFR          string
	vm                 map[string]string // VM uuids of Canada by name
}

// testAccPlanWorld builds the world of a recovery plan test.
func testAccPlanWorld(t *testing.T, sync bool) *testAccPlanEnv {
	t.Helper()
	return testAccPlanWorldWith(t, sync, nil)
}

// testAccPlanWorldWith is testAccPlanWorld with a last edit of the world's configuration
// (nil for none).
func testAccPlanWorldWith(t *testing.T, sync bool, edit func(*prismsim.WorldConfig)) *testAccPlanEnv {
	t.Helper()
	w := acctest.NewWorldWith(t, acctest.Edits(
		acctest.WithDR(acctest.PCCanada, acctest.PCFrance),
		acctest.WithCategory(testAccPlanKey, "from-canada", "from-france"),
		acctest.WithVMCategory(acctest.PCCanada, testAccPlanKey, "from-canada", "app-01", "db-01"),
		func(cfg *prismsim.WorldConfig) {
			if edit != nil {
				edit(cfg)
			}
		},
	))
	env := &testAccPlanEnv{
		w:         w,
		ca:        acctest.Client(t, w, acctest.PCCanada),
		fr:        acctest.Client(t, w, acctest.PCFrance),
		azCanada:  acctest.LocalAZ(t, w, acctest.PCCanada),
		azFrance:  acctest.Pair(t, w, acctest.PCCanada, acctest.PCFrance),
		clusterCA: acctest.ClusterID(t, w, acctest.PCCanada, "CA01"),
		clusterFR: acctest.ClusterID(t, w, acctest.PCFrance, "FR01"),
		vm:        map[string]string{},
	}
	for _, n := range []string{"app-01", "db-01", "dns-01"} {
		env.vm[n] = acctest.VMID(t, w, acctest.PCCanada, n)
	}
	sched := client.SnapshotSchedule{RPOSecs: 3600, SnapshotType: client.SnapshotTypeCrashConsistent,
		LocalRetention: &client.RetentionPolicy{NumSnapshots: testAccPlanPtr(int64(2))}, RemoteRetention: &client.RetentionPolicy{NumSnapshots: testAccPlanPtr(int64(2))}}
	if sync {
		sched = client.SnapshotSchedule{RPOSecs: 0, SnapshotType: client.SnapshotTypeCrashConsistent}
	}
	_, err := env.ca.CreateProtectionPolicy(t.Context(), client.ProtectionPolicy{
		Name: "replicated-vm",
		Locations: []client.ProtectionLocation{
			{AvailabilityZoneUUID: env.azCanada, ClusterUUIDs: []string{env.clusterCA}, TargetType: client.TargetTypeAOSCluster},
			{AvailabilityZoneUUID: env.azFrance, ClusterUUIDs: []string{env.clusterFR}, TargetType: client.TargetTypeAOSCluster},
		},
		PrimaryLocationIndexes: []int{0},
		Connectivity:           []client.ProtectionConnectivity{{SourceIndex: 0, DestinationIndex: 1, Schedules: []client.SnapshotSchedule{sched}}},
		CategoryFilter: client.CategoryFilter{Type: "CATEGORIES_MATCH_ANY", KindList: []string{"vm"},
			Params: map[string][]string{testAccPlanKey: {"from-canada"}}},
	})
	if err != nil {
		t.Fatalf("creating the protection policy: %v", err)
	}
	return env
}

// testAccPlanVolatile are the attributes an import reads at another moment than the apply:
// validation reports the VMs without a recovery point at the recovery site, until the
// policy's first replication arrives (30 s of the emulator's clock after the world starts).
var testAccPlanVolatile = []string{"validation"}

// testAccPlanPtr returns a pointer to v.
func testAccPlanPtr[T any](v T) *T { return &v }

// config declares the test plan on Canada; body goes inside the resource block.
func (e *testAccPlanEnv) config(body string) string {
	return acctest.ProviderConfig(e.w, acctest.PCCanada, "") + testAccPlanResource(e.azCanada, e.azFrance, body)
}

// testAccPlanResource declares the test plan between two availability zones.
func testAccPlanResource(primaryAZ, recoveryAZ, body string) string {
	return fmt.Sprintf(`
resource "nutanixdr_recovery_plan" "test" {
  primary_location  = { availability_zone_id = %q }
  recovery_location = { availability_zone_id = %q }
%s}
`, primaryAZ, recoveryAZ, body)
}

// testAccPlanSeedBody is the seed's plan: the replicated-vm:from-canada VMs powered on in one
// stage, vlan50-prod and vlan51-test on both sides.
const testAccPlanSeedBody = `
  name = "canada-to-france"
  stages = [{
    entities = [{ categories = { "replicated-vm" = "from-canada" }, power_on = true }]
  }]
  network_mappings = [{
    primary  = { production = { subnet_name = "vlan50-prod" }, test = { subnet_name = "vlan51-test" } }
    recovery = { production = { subnet_name = "vlan50-prod" }, test = { subnet_name = "vlan51-test" } }
  }]
`

// stagedBody is a 3-stage plan: dns-01 first with its script, then app-01 after delay, then
// db-01, with gateways, prefixes and static IPs at both sites.
func (e *testAccPlanEnv) stagedBody(delay string) string {
	return fmt.Sprintf(`
  name        = "canada-to-france-staged"
  description = "dns-01 first, then the applications"
  cutover_mode = "LATE"
  stages = [
    {
      delay_after = %[1]q
      entities    = [{ vm_id = %[2]q, power_on = true, script = { enabled = true, timeout = "5m" } }]
    },
    {
      delay_after = "1m"
      entities    = [{ vm_id = %[3]q }]
    },
    {
      entities = [{ vm_id = %[4]q, script = { enabled = false } }]
    },
  ]
  network_mappings = [{
    primary = {
      production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.1", prefix_length = 24 }
      test       = { subnet_name = "vlan51-test", gateway_ip = "192.168.51.1", prefix_length = 25 }
    }
    recovery = {
      production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.1", prefix_length = 24 }
      test       = { subnet_name = "vlan51-test", gateway_ip = "192.168.51.1", prefix_length = 25 }
    }
  }]
  ip_assignments = [
    { vm_id = %[2]q, site = "primary", recovery_ip = "192.168.50.2" },
    { vm_id = %[2]q, site = "recovery", recovery_ip = "192.168.50.2", test_ip = "192.168.51.2" },
    { vm_id = %[3]q, site = "recovery", recovery_ip = "192.168.50.10" },
  ]
`, delay, e.vm["dns-01"], e.vm["app-01"], e.vm["db-01"])
}

// testAccPlanOf returns the plan of the state's test resource, read from c.
func testAccPlanOf(ctx context.Context, c *client.Client, s *terraform.State) (*client.RecoveryPlan, error) {
	rs, ok := s.RootModule().Resources[testAccPlanAddr]
	if !ok {
		return nil, errors.New(testAccPlanAddr + " is not in the state")
	}
	p, err := c.GetRecoveryPlan(ctx, rs.Primary.ID)
	if err != nil {
		return nil, fmt.Errorf("reading recovery plan %s: %w", rs.Primary.ID, err)
	}
	return p, nil
}

// testAccPlanShape describes a plan's stages as "delay:vm|cats,..." for comparisons.
func testAccPlanShape(p *client.RecoveryPlan, names map[string]string) string {
	byID := map[string]string{}
	for n, id := range names {
		byID[id] = n
	}
	var stages []string
	for _, s := range p.Stages {
		delay := "-"
		if s.DelaySecs != nil {
			delay = fmt.Sprint(*s.DelaySecs)
		}
		var ents []string
		for _, e := range s.Entities {
			what := byID[e.VMUUID]
			if e.VMUUID == "" {
				for k, v := range e.Categories {
					what = k + "=" + v
				}
			}
			if len(e.Scripts) > 0 {
				what += fmt.Sprintf("+script(%v)", e.Scripts[0].Enabled)
			}
			ents = append(ents, what)
		}
		stages = append(stages, delay+":"+strings.Join(ents, ","))
	}
	return strings.Join(stages, " ")
}

// checkShape checks through the API the stages of the test plan, on both Prism Centrals.
func (e *testAccPlanEnv) checkShape(t *testing.T, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, c := range []*client.Client{e.ca, e.fr} {
			p, err := testAccPlanOf(t.Context(), c, s)
			if err != nil {
				return err
			}
			if got := testAccPlanShape(p, e.vm); got != want {
				return fmt.Errorf("recovery plan %s has stages %q, want %q", p.UUID, got, want)
			}
		}
		return nil
	}
}

// checkPlansGone checks through the API that no recovery plan is left.
func (e *testAccPlanEnv) checkPlansGone(t *testing.T) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, c := range []*client.Client{e.ca, e.fr} {
			plans, err := c.ListRecoveryPlans(t.Context(), "")
			if err != nil {
				return fmt.Errorf("listing recovery plans: %w", err)
			}
			if len(plans) > 0 {
				return fmt.Errorf("recovery plans left: %+v", plans)
			}
		}
		return nil
	}
}

// testAccCheckPlanMessage checks that the validation of the test plan in the state holds a
// message of the given severity and type containing text.
func testAccCheckPlanMessage(severity, typ, text string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[testAccPlanAddr]
		if !ok {
			return errors.New(testAccPlanAddr + " is not in the state")
		}
		a := rs.Primary.Attributes
		var got []string
		for i := 0; a[fmt.Sprintf("validation.%d.message", i)] != ""; i++ {
			at := func(k string) string { return a[fmt.Sprintf("validation.%d.%s", i, k)] }
			if at("severity") == severity && at("type") == typ && strings.Contains(at("message"), text) {
				return nil
			}
			got = append(got, at("severity")+" "+at("type")+": "+at("message"))
		}
		return fmt.Errorf("no %s %s message containing %q in validation: %q", severity, typ, text, got)
	}
}

// onlyPlan returns the one recovery plan of Canada.
func (e *testAccPlanEnv) onlyPlan(t *testing.T) client.RecoveryPlan {
	t.Helper()
	plans, err := e.ca.ListRecoveryPlans(t.Context(), "")
	if err != nil || len(plans) != 1 {
		t.Fatalf("listing recovery plans: %v %+v", err, plans)
	}
	return plans[0]
}

func TestAccRecoveryPlan_basic(t *testing.T) {
	env := testAccPlanWorld(t, false)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	stage := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("stages").AtSliceIndex(i).AtMapKey(attr)
	}
	importIgnore := testAccPlanVolatile
	if accV4(t, env.w, acctest.PCCanada, client.KindRecoveryPlans) {
		importIgnore = append(slices.Clone(importIgnore), "cutover_mode")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.checkPlansGone(t),
		Steps: []resource.TestStep{
			{
				Config: env.config(testAccPlanSeedBody),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccPlanAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(testAccPlanAddr, tfjsonpath.New("entity_count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(testAccPlanAddr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccPlanAddr, stage(0, "delay_after"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccPlanAddr, tfjsonpath.New("ip_assignments"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccPlanAddr,
						tfjsonpath.New("network_mappings").AtSliceIndex(0).AtMapKey("stretched"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccPlanAddr,
						tfjsonpath.New("network_mappings").AtSliceIndex(0).AtMapKey("recovery").AtMapKey("production").AtMapKey("gateway_ip"), knownvalue.Null()),
					sameID.AddStateValue(testAccPlanAddr, tfjsonpath.New("id")),
					newID.AddStateValue(testAccPlanAddr, tfjsonpath.New("id")),
				},
				// France sees the plan too, with the same uuid: failover starts there.
				Check: env.checkShape(t, "-:"+testAccPlanKey+"=from-canada"),
			},
			{
				ResourceName:            testAccPlanAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: testAccPlanVolatile,
			},
			{
				ResourceName:  testAccPlanAddr,
				ImportState:   true,
				ImportStateId: "canada-to-france",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `the UUID of the recovery plan`, `got "canada-to-france"`),
			},
			{
				// The 3-stage plan, in place.
				Config: env.config(env.stagedBody("30s")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccPlanAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccPlanAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testAccPlanAddr, tfjsonpath.New("entity_count"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(testAccPlanAddr, stage(0, "delay_after"), knownvalue.StringExact("30s")),
					statecheck.ExpectKnownValue(testAccPlanAddr, stage(2, "delay_after"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccPlanAddr, stage(0, "entities").AtSliceIndex(0).AtMapKey("script"),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"enabled": knownvalue.Bool(true), "timeout": knownvalue.StringExact("5m")})),
					statecheck.ExpectKnownValue(testAccPlanAddr, stage(1, "entities").AtSliceIndex(0).AtMapKey("power_on"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccPlanAddr, tfjsonpath.New("ip_assignments").AtSliceIndex(2).AtMapKey("test_ip"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.checkShape(t, "30:dns-01+script(true) 60:app-01 -:db-01+script(false)"),
					// No policy covers dns-01: Prism Central says so, and so does the state.
					testAccCheckPlanMessage("WARNING", "ENTITY", "vm dns-01 is not protected by a protection policy"),
					func(s *terraform.State) error {
						p, err := testAccPlanOf(t.Context(), env.ca, s)
						if err != nil {
							return err
						}
						m := p.NetworkMappings
						if len(m) != 1 || len(m[0].PerAZ) != 2 {
							return fmt.Errorf("network mappings %+v", m)
						}
						fr := m[0].PerAZ[1]
						if fr.AvailabilityZoneUUID != env.azFrance || len(fr.RecoveryIPs) != 2 || len(fr.TestIPs) != 1 ||
							fr.RecoveryIPs[1].IPs[0] != "192.168.50.10" || fr.TestIPs[0].IPs[0] != "192.168.51.2" {
							return fmt.Errorf("France's side of the mapping is %+v", fr)
						}
						if s := p.Stages[0].Entities[0].Scripts; len(s) != 1 || s[0].TimeoutSecs == nil || *s[0].TimeoutSecs != 300 {
							return fmt.Errorf("dns-01's script is %+v", s)
						}
						return nil
					},
				),
			},
			{
				// Over v4 the import cannot show the cut-over mode (v4 has no form for it).
				ResourceName:            testAccPlanAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: importIgnore,
			},
			{
				// Changed outside Terraform: the plan puts it back, in place.
				PreConfig: func() {
					p := env.onlyPlan(t)
					p.Stages[0].DelaySecs = testAccPlanPtr(int64(90))
					p.Stages = p.Stages[:2]
					if _, err := env.ca.UpdateRecoveryPlan(t.Context(), p); err != nil {
						t.Fatalf("changing the recovery plan out of band: %v", err)
					}
				},
				Config: env.config(env.stagedBody("30s")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccPlanAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccPlanAddr, stage(0, "delay_after"), knownvalue.StringExact("30s")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(testAccPlanAddr, tfjsonpath.New("id"))},
				Check:             env.checkShape(t, "30:dns-01+script(true) 60:app-01 -:db-01+script(false)"),
			},
			{
				// A change of one delay is an update in place.
				Config: env.config(env.stagedBody("2m")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccPlanAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(testAccPlanAddr, tfjsonpath.New("id"))},
				Check:             env.checkShape(t, "120:dns-01+script(true) 60:app-01 -:db-01+script(false)"),
			},
			{
				// Deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					if err := env.ca.DeleteRecoveryPlan(t.Context(), env.onlyPlan(t).UUID); err != nil {
						t.Fatalf("deleting the recovery plan out of band: %v", err)
					}
				},
				Config: env.config(env.stagedBody("2m")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccPlanAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(testAccPlanAddr, tfjsonpath.New("id"))},
				Check:             env.checkShape(t, "120:dns-01+script(true) 60:app-01 -:db-01+script(false)"),
			},
		},
	})
}

// TestAccRecoveryPlan_witness declares a plan with a witness over a synchronous policy, with the
// clusters synchronous replication names.
func TestAccRecoveryPlan_witness(t *testing.T) {
	env := testAccPlanWorld(t, true)
	body := fmt.Sprintf(`
  name   = "canada-to-france-sync"
  stages = [{ entities = [{ categories = { "replicated-vm" = "from-canada" } }] }]
  witness = {
    availability_zone_id = %q
    failover_timeout     = "30s"
  }
  timeouts = {
    create = "2m"
    update = "2m"
    delete = "2m"
  }
`, env.azCanada)
	config := acctest.ProviderConfig(env.w, acctest.PCCanada, "") + fmt.Sprintf(`
resource "nutanixdr_recovery_plan" "test" {
  primary_location  = { availability_zone_id = %q, cluster_ids = [%q] }
  recovery_location = { availability_zone_id = %q, cluster_ids = [%q] }
%s}
`, env.azCanada, env.clusterCA, env.azFrance, env.clusterFR, body)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.checkPlansGone(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccPlanAddr, tfjsonpath.New("witness"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"availability_zone_id": knownvalue.StringExact(env.azCanada), "failover_timeout": knownvalue.StringExact("30s"),
					})),
					statecheck.ExpectKnownValue(testAccPlanAddr, tfjsonpath.New("recovery_location").AtMapKey("cluster_ids"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(env.clusterFR)})),
				},
				Check: func(s *terraform.State) error {
					p, err := testAccPlanOf(t.Context(), env.ca, s)
					if err != nil {
						return err
					}
					if len(p.Witnesses) != 1 || p.Witnesses[0].FailoverTimeoutSecs != 30 || p.Witnesses[0].Address != env.azCanada {
						return fmt.Errorf("witnesses %+v", p.Witnesses)
					}
					return nil
				},
			},
			{
				ResourceName:            testAccPlanAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: append([]string{"timeouts"}, testAccPlanVolatile...),
			},
		},
	})
}

// TestAccRecoveryPlan_validation checks every plan-time rule: each refused configuration names
// the attribute and why, before any API call (the provider block reaches nothing).
func TestAccRecoveryPlan_validation(t *testing.T) {
	const (
		azA, azB = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
		clA      = "44444444-4444-4444-8444-444444444444"
		vmA      = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	)
	stage := `  stages = [{ entities = [{ vm_id = "` + vmA + `" }] }]` + "\n"
	mapping := `  network_mappings = [{
    primary  = { production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.1", prefix_length = 24 } }
    recovery = { production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.1", prefix_length = 24 }, test = { subnet_name = "vlan51-test" } }
  }]
`
	plan := func(primary, recovery, body string, fragments ...string) resource.TestStep {
		return resource.TestStep{
			Config:      offlineProviderConfig() + testAccPlanResource(primary, recovery, `  name = "p"`+"\n"+body),
			PlanOnly:    true,
			ExpectError: acctest.ErrorRegexp(fragments...),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			plan(azA, azA, stage, `recovery_location.availability_zone_id is `+azA+`, the same availability zone as primary_location`),
			{
				Config: offlineProviderConfig() + strings.Replace(testAccPlanResource(azA, azA, `  name = "p"`+"\n"+stage),
					`availability_zone_id = "`+azA+`" }`, `availability_zone_id = "`+azA+`", cluster_ids = ["`+clA+`"] }`, 2),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`recovery_location.cluster_ids[0] ` + clA + ` is also a cluster of primary_location`),
			},
			plan(azA, azB, `  stages = [{ delay_after = "-30s", entities = [{ vm_id = "`+vmA+`" }] }]`+"\n",
				`stages[0].delay_after is "-30s", a negative delay`),
			plan(azA, azB, `  stages = [{ entities = [{ vm_id = "`+vmA+`", categories = { "replicated-vm" = "from-canada" } }] }]`+"\n",
				`stages[0].entities[0] sets both categories and vm_id`),
			plan(azA, azB, `  stages = [{ entities = [{ power_on = true }] }]`+"\n",
				`stages[0].entities[0] sets neither categories nor vm_id`),
			plan(azA, azB, stage+`  network_mappings = [{
    primary  = { production = { subnet_name = "vlan50-prod" } }
    recovery = { production = { subnet_name = "vlan50-prod" }, test = { subnet_name = "vlan50-prod" } }
  }]
`, `network_mappings[0].recovery.test.subnet_name is "vlan50-prod", the production network of the same site`),
			plan(azA, azB, stage+`  network_mappings = [{
    primary  = { production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.255", prefix_length = 24 } }
    recovery = { production = { subnet_name = "vlan50-prod" } }
  }]
`, `network_mappings[0].primary.production.gateway_ip 192.168.50.255 with prefix_length 24`, `is the broadcast address of 192.168.50.0/24`),
			plan(azA, azB, stage+`  network_mappings = [{
    primary  = { production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.1" } }
    recovery = { production = { subnet_name = "vlan50-prod" } }
  }]
`, `network_mappings[0].primary.production.gateway_ip is set but network_mappings[0].primary.production.prefix_length is not`),
			plan(azA, azB, stage+mapping+`  ip_assignments = [{ vm_id = "`+vmA+`", site = "recovery", recovery_ip = "192.168.60.5" }]`+"\n",
				`ip_assignments[0].recovery_ip 192.168.60.5 is not inside the mapped subnet`, `192.168.50.0/24 (network_mappings[0].recovery.production)`),
			plan(azA, azB, stage+mapping+`  ip_assignments = [{ vm_id = "`+vmA+`", site = "primary", test_ip = "192.168.51.5" }]`+"\n",
				`ip_assignments[0].test_ip is set, but no network mapping has a test network at the primary site`),
			plan(azA, azB, stage+mapping+`  ip_assignments = [{ vm_id = "`+vmA+`", site = "elsewhere", recovery_ip = "192.168.50.5" }]`+"\n",
				`ip_assignments[0].site value must be one of`),
			plan(azA, azB, stage+`  cutover_mode = "SOON"`+"\n", `cutover_mode value must be one of: ["EARLY" "LATE"]`),
			plan(azA, azB, stage+`  witness = { availability_zone_id = "`+azA+`", failover_timeout = "0s" }`+"\n",
				`witness.failover_timeout must be greater than zero`),
			plan(azA, azB, `  stages = []`+"\n", `stages list must contain at least 1 elements`),
			{
				// A value unknown at plan time is checked when applying, before any API call.
				Config: offlineProviderConfig() + `
resource "terraform_data" "delay" {
  input = "-1m"
}
` + testAccPlanResource(azA, azB, `  name = "p"
  stages = [{ delay_after = terraform_data.delay.output, entities = [{ vm_id = "`+vmA+`" }] }]
`),
				ExpectError: acctest.ErrorRegexp(`stages[0].delay_after is "-1m", a negative delay`),
			},
		},
	})
}

// TestAccRecoveryPlan_applyChecks checks what only Prism Central can tell: a subnet missing at
// this Prism Central's site (checked by the provider), one missing at the paired site (refused
// by Prism Central), and a witness without synchronous replication.
func TestAccRecoveryPlan_applyChecks(t *testing.T) {
	env := testAccPlanWorld(t, false)
	mapping := func(primary, recovery string) string {
		return fmt.Sprintf(`  name   = "p"
  stages = [{ entities = [{ categories = { "replicated-vm" = "from-canada" } }] }]
  network_mappings = [{
    primary  = { production = { subnet_name = %q } }
    recovery = { production = { subnet_name = %q } }
  }]
`, primary, recovery)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.checkPlansGone(t),
		Steps: []resource.TestStep{
			{
				Config: env.config(mapping("vlan99-nowhere", "vlan50-prod")),
				ExpectError: acctest.ErrorRegexp(`network_mappings[0].primary.production.subnet_name "vlan99-nowhere" does not exist`,
					`"vlan50-prod", "vlan51-test"`),
			},
			{
				Config:      env.config(mapping("vlan50-prod", "vlan99-nowhere")),
				ExpectError: acctest.ErrorRegexp(`Error creating recovery plan`, `vlan99-nowhere`),
			},
			{
				Config: env.config(`  name   = "p"
  stages = [{ entities = [{ categories = { "replicated-vm" = "from-canada" } }] }]
  witness = { availability_zone_id = "` + env.azCanada + `", failover_timeout = "30s" }
`),
				ExpectError: acctest.ErrorRegexp(`witness is set, but no synchronous protection policy`),
			},
		},
	})
}

// withSecondCanadaCluster adds the cluster CA02 to Canada, with the subnet vlan60-ca02, and
// pins the preset's subnets and VMs to CA01.
func withSecondCanadaCluster(cfg *prismsim.WorldConfig) {
	for i := range cfg.PCs {
		pc := &cfg.PCs[i]
		if pc.Name != acctest.PCCanada {
			continue
		}
		for j := range pc.Subnets {
			if pc.Subnets[j].Cluster == "" {
				pc.Subnets[j].Cluster = "CA01"
			}
		}
		for j := range pc.VMs {
			if pc.VMs[j].Cluster == "" {
				pc.VMs[j].Cluster = "CA01"
			}
		}
		pc.Clusters = append(pc.Clusters, prismsim.ClusterConfig{Name: "CA02"})
		pc.Subnets = append(pc.Subnets, prismsim.SubnetConfig{
			Name: "vlan60-ca02", Cluster: "CA02", VLANID: 60, CIDR: "192.168.60.0/24", Gateway: "192.168.60.1",
		})
	}
}

// TestAccRecoveryPlan_sameAvailabilityZone recovers from one cluster of Canada to another: both
// locations are Canada's Local availability zone, told apart by their clusters, and so are the
// two sides of the network mapping.
func TestAccRecoveryPlan_sameAvailabilityZone(t *testing.T) {
	w := acctest.NewWorldWith(t, acctest.Edits(
		withSecondCanadaCluster,
		acctest.WithDR(acctest.PCCanada),
		acctest.WithCategory(testAccPlanKey, "from-canada"),
		acctest.WithVMCategory(acctest.PCCanada, testAccPlanKey, "from-canada", "app-01", "db-01"),
	))
	env := &testAccPlanEnv{w: w, ca: acctest.Client(t, w, acctest.PCCanada), azCanada: acctest.LocalAZ(t, w, acctest.PCCanada)}
	ca01, ca02 := acctest.ClusterID(t, w, acctest.PCCanada, "CA01"), acctest.ClusterID(t, w, acctest.PCCanada, "CA02")
	config := acctest.ProviderConfig(w, acctest.PCCanada, "") + fmt.Sprintf(`
resource "nutanixdr_recovery_plan" "test" {
  name              = "ca01-to-ca02"
  primary_location  = { availability_zone_id = %[1]q, cluster_ids = [%[2]q] }
  recovery_location = { availability_zone_id = %[1]q, cluster_ids = [%[3]q] }
  stages = [{ entities = [{ categories = { "replicated-vm" = "from-canada" } }] }]
  network_mappings = [{
    primary  = { production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.1", prefix_length = 24 } }
    recovery = { production = { subnet_name = "vlan60-ca02", gateway_ip = "192.168.60.1", prefix_length = 24 } }
  }]
  ip_assignments = [{ vm_id = %[4]q, site = "recovery", recovery_ip = "192.168.60.10" }]
}
`, env.azCanada, ca01, ca02, acctest.VMID(t, w, acctest.PCCanada, "app-01"))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			plans, err := env.ca.ListRecoveryPlans(t.Context(), "")
			if err != nil {
				return fmt.Errorf("listing recovery plans: %w", err)
			}
			if len(plans) > 0 {
				return fmt.Errorf("recovery plans left: %+v", plans)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					p, err := testAccPlanOf(t.Context(), env.ca, s)
					if err != nil {
						return err
					}
					per := p.NetworkMappings[0].PerAZ
					if len(per) != 2 || len(per[1].ClusterUUIDs) != 1 || per[1].ClusterUUIDs[0] != ca02 || per[1].Recovery.Name != "vlan60-ca02" {
						return fmt.Errorf("the mapping's sides are %+v", per)
					}
					return nil
				},
			},
			{
				ResourceName:            testAccPlanAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: testAccPlanVolatile,
			},
			{
				// A gateway that is not the subnet's network, checked at apply against Canada's subnet.
				Config: strings.NewReplacer(`gateway_ip = "192.168.60.1", prefix_length = 24`, `gateway_ip = "192.168.61.1", prefix_length = 24`,
					`"192.168.60.10"`, `"192.168.61.10"`).Replace(config),
				ExpectError: acctest.ErrorRegexp(`network_mappings[0].recovery.production.gateway_ip 192.168.61.1/24 is not the network of subnet "vlan60-ca02"`,
					`which is 192.168.60.0/24`),
			},
			{
				// The refused update left the plan as it was.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
