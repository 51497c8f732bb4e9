package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

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

const failoverAddr = "nutanixdr_failover.test"

// rfc3339Regexp matches an RFC 3339 time in UTC.
var rfc3339Regexp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)

// recoveredVMCheck returns a knownvalue check of one element of recovered_vms.
func recoveredVMCheck(name, az string, ips ...string) knownvalue.Check {
	ipChecks := make([]knownvalue.Check, 0, len(ips))
	for _, ip := range ips {
		ipChecks = append(ipChecks, knownvalue.StringExact(ip))
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name":                 knownvalue.StringExact(name),
		"id":                   knownvalue.StringRegexp(uuidRegexp),
		"availability_zone_id": knownvalue.StringExact(az),
		"ip_addresses":         knownvalue.ListExact(ipChecks),
	})
}

// TestAccFailover_validateThenTest validates the plan, then runs a test failover with
// cleanup_on_destroy, runs it again by changing triggers, and checks that destroying it
// cleans the test VMs up. Production is never touched, and refreshing never runs a job.
func TestAccFailover_validateThenTest(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	newJob := statecheck.CompareValue(compare.ValuesDiffer())
	jobs := 0
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return s.checkNoTestClones(context.Background())
		},
		Steps: []resource.TestStep{
			{
				Config: s.failoverConfig("VALIDATE", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("job_id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.CompareValuePairs(failoverAddr, tfjsonpath.New("id"), failoverAddr, tfjsonpath.New("job_id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^COMPLETED`))),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("recovered_vms"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("errors"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("data_loss_window"), knownvalue.Null()),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("started_at"), knownvalue.StringRegexp(rfc3339Regexp)),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("finished_at"), knownvalue.StringRegexp(rfc3339Regexp)),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("ignore_warnings"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("cleanup_on_destroy"), knownvalue.Bool(false)),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkProductionOnCanada(ctx) }),
					s.checkJob(client.JobActionValidate),
					acctest.CheckAPI(func(context.Context) error {
						jobs = s.jobCount(t)
						return nil
					}),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Refreshing and planning again never runs a job.
				Config: s.failoverConfig("VALIDATE", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(func(context.Context) error {
						if n := s.jobCount(t); n != jobs {
							return fmt.Errorf("the plan has %d jobs after a refresh, want %d: Read ran a job", n, jobs)
						}
						return nil
					}),
				},
			},
			{
				Config: s.failoverConfig("TEST", `
  cleanup_on_destroy = true
  triggers           = { rehearsal = "1" }
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(failoverAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("recovered_vms"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("recovered_vms").AtSliceIndex(0).AtMapKey("availability_zone_id"),
						knownvalue.StringExact(s.frLocal)),
					newJob.AddStateValue(failoverAddr, tfjsonpath.New("job_id")),
					s.checkJob(client.JobActionTestFailover),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkProductionOnCanada(ctx) }),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkTestClones(ctx) }),
				},
			},
			{
				// A new trigger runs the test again; the previous one is cleaned up first.
				Config: s.failoverConfig("TEST", `
  cleanup_on_destroy = true
  triggers           = { rehearsal = "2" }
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(failoverAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newJob.AddStateValue(failoverAddr, tfjsonpath.New("job_id")),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkTestClones(ctx) }),
				},
			},
		},
	})
}

// TestAccFailover_cleanupOnDestroy turns cleanup_on_destroy on after a test failover ran:
// it changes in place, without a new job, and destroying then removes the test VMs.
func TestAccFailover_cleanupOnDestroy(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	sameJob := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return s.checkNoTestClones(context.Background())
		},
		Steps: []resource.TestStep{
			{
				Config: s.failoverConfig("TEST", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					sameJob.AddStateValue(failoverAddr, tfjsonpath.New("job_id")),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkTestClones(ctx) }),
				},
			},
			{
				Config: s.failoverConfig("TEST", "  cleanup_on_destroy = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(failoverAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameJob.AddStateValue(failoverAddr, tfjsonpath.New("job_id")),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("cleanup_on_destroy"), knownvalue.Bool(true)),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkTestClones(ctx) }),
				},
			},
		},
	})
}

// TestAccFailover_testWithoutCleanup checks that destroying a test failover without
// cleanup_on_destroy only forgets it: the test VMs stay.
func TestAccFailover_testWithoutCleanup(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return s.checkTestClones(context.Background())
		},
		Steps: []resource.TestStep{
			{
				Config: s.failoverConfig("TEST", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkTestClones(ctx) }),
				},
			},
		},
	})
}

// TestAccFailover_planned fails canada's VMs over to france: they leave canada, run in
// france with their addresses, and destroying the resource leaves them there.
func TestAccFailover_planned(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// Destroying forgets the job: nothing fails back.
			return s.checkFailedOver(context.Background(), true)
		},
		Steps: []resource.TestStep{
			{
				Config: s.failoverConfig("PLANNED", `
  timeouts = {
    create = "10m"
  }
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^COMPLETED`))),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("recovered_vms"), knownvalue.ListExact([]knownvalue.Check{
						recoveredVMCheck("db-01", s.frLocal, "192.168.50.11"),
						recoveredVMCheck("app-01", s.frLocal, "192.168.50.10"),
					})),
					// A planned failover loses nothing.
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("data_loss_window"), knownvalue.StringExact("0s")),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, true) }),
					s.checkJob(client.JobActionMigrate),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A job imports with its arguments read back, without running again.
				ResourceName:            failoverAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:  failoverAddr,
				ImportState:   true,
				ImportStateId: "latest",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `UUID of a recovery plan job`),
			},
		},
	})
}

// TestAccFailover_unplanned takes canada down and fails over from the latest recovery point,
// recording the data-loss window.
func TestAccFailover_unplanned(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Canada fails 5 minutes after its recovery point reached france. No recovery point
				// was taken at or before a reference time before the protection began.
				PreConfig: func() {
					s.w.Clock().Advance(5 * time.Minute)
					if err := s.w.SiteDown(acctest.PCCanada); err != nil {
						t.Fatalf("taking canada down: %v", err)
					}
				},
				Config: s.failoverConfig("UNPLANNED", fmt.Sprintf("  recovery_reference_time = %q\n",
					s.w.Clock().Now().Add(-24*time.Hour).UTC().Format(time.RFC3339))),
				ExpectError: acctest.ErrorRegexp(`Error creating failover`, `UNPLANNED failover`, `recovery point`),
			},
			{
				Config: s.failoverConfig("UNPLANNED", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^COMPLETED`))),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("recovered_vms"), knownvalue.ListSizeExact(2)),
					// What canada wrote after its last replicated recovery point is lost: at least
					// the 5 minutes the test waited, less than the 15-minute RPO (the simulated
					// clock also runs with real time, so a loaded machine adds a little).
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("data_loss_window"), knownvalue.StringFunc(func(v string) error {
						d, err := time.ParseDuration(v)
						if err != nil {
							return err
						}
						if d < 5*time.Minute || d >= 15*time.Minute {
							return fmt.Errorf("data_loss_window %s, want at least 5m and less than the 15m RPO", d)
						}
						return nil
					})),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, false) }),
					s.checkJob(client.JobActionFailover),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccFailover_live migrates the VMs of a synchronous policy while they run.
func TestAccFailover_live(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{synchronous: true})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: s.failoverConfig("LIVE", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^COMPLETED`))),
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("recovered_vms"), knownvalue.ListSizeExact(2)),
					// A live migration loses nothing.
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("data_loss_window"), knownvalue.StringExact("0s")),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, true) }),
					s.checkJob(client.JobActionLiveMigrate),
				},
			},
		},
	})
}

// TestAccFailover_failedValidation checks that a job Prism Central refuses fails the apply
// with its reasons and leaves nothing in the state: a planned failover needs the source site,
// a live migration needs a synchronous policy.
func TestAccFailover_failedValidation(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      s.failoverConfig("LIVE", ""),
				ExpectError: acctest.ErrorRegexp(`Error creating failover`, `LIVE failover`, `Nothing`, `recorded in the state`),
			},
			{
				// Nothing was recorded: the next plan creates the resource again.
				Config:             s.failoverConfig("LIVE", ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					if err := s.w.SiteDown(acctest.PCCanada); err != nil {
						t.Fatalf("taking canada down: %v", err)
					}
				},
				Config:      s.failoverConfig("PLANNED", ""),
				ExpectError: acctest.ErrorRegexp(`Error creating failover`, `PLANNED failover`, `recorded in the state`),
			},
			{
				Config:             s.failoverConfig("PLANNED", ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(func(ctx context.Context) error {
						if err := s.w.SiteUp(acctest.PCCanada); err != nil {
							return fmt.Errorf("bringing canada up: %w", err)
						}
						return s.checkProductionOnCanada(ctx)
					}),
				},
			},
		},
	})
}

// checkProductionOnCanada fails unless app-01 and db-01 run on canada, untouched, and not on
// france.
func (s *failoverSites) checkProductionOnCanada(ctx context.Context) error {
	for _, name := range []string{"app-01", "db-01"} {
		vm, err := exactVM(ctx, s.ca, name)
		if err != nil {
			return err
		}
		if vm == nil || vm.PowerState != "ON" {
			return fmt.Errorf("%s is not running on canada any more: %+v", name, vm)
		}
		onFrance, err := exactVM(ctx, s.fr, name)
		if err != nil {
			return err
		}
		if onFrance != nil {
			return fmt.Errorf("%s exists on france: %+v", name, onFrance)
		}
	}
	return nil
}

// testClones returns the VMs of france that are clones of app-01 or db-01 (a name that starts
// with theirs, other than theirs).
func (s *failoverSites) testClones(ctx context.Context) ([]client.VM, error) {
	var clones []client.VM
	for _, name := range []string{"app-01", "db-01"} {
		vms, err := vmsNamed(ctx, s.fr, name)
		if err != nil {
			return nil, err
		}
		for _, vm := range vms {
			if vm.Name != name {
				clones = append(clones, vm)
			}
		}
	}
	return clones, nil
}

// checkTestClones fails unless france holds exactly one test clone of each of app-01 and db-01,
// both on the test network (192.168.51.0/25), and production is untouched.
func (s *failoverSites) checkTestClones(ctx context.Context) error {
	const n = 2
	clones, err := s.testClones(ctx)
	if err != nil {
		return err
	}
	if len(clones) != n {
		return fmt.Errorf("france has %d test clones, want %d: %+v", len(clones), n, clones)
	}
	for _, vm := range clones {
		if len(vm.IPAddresses) == 0 || !slices.ContainsFunc(vm.IPAddresses, func(ip string) bool {
			return strings.HasPrefix(ip, "192.168.51.")
		}) {
			return fmt.Errorf("test clone %s is not on the test network: %v", vm.Name, vm.IPAddresses)
		}
	}
	return s.checkProductionOnCanada(ctx)
}

// checkNoTestClones fails if france holds a test clone.
func (s *failoverSites) checkNoTestClones(ctx context.Context) error {
	clones, err := s.testClones(ctx)
	if err != nil {
		return err
	}
	if len(clones) != 0 {
		return fmt.Errorf("destroying the test failover left %d clones on france: %+v", len(clones), clones)
	}
	return nil
}

// checkFailedOver fails unless app-01 and db-01 run on france with their production
// addresses; when sourceUp, they must also have left canada.
func (s *failoverSites) checkFailedOver(ctx context.Context, sourceUp bool) error {
	for name, ip := range map[string]string{"app-01": "192.168.50.10", "db-01": "192.168.50.11"} {
		vm, err := exactVM(ctx, s.fr, name)
		if err != nil {
			return err
		}
		if vm == nil {
			return fmt.Errorf("%s is not on france", name)
		}
		if vm.PowerState != "ON" || !slices.Contains(vm.IPAddresses, ip) {
			return fmt.Errorf("%s on france: power %s, addresses %v; want ON with %s", name, vm.PowerState, vm.IPAddresses, ip)
		}
		if vm.Categories[foKey] != foValue {
			return fmt.Errorf("%s on france lost its category %s:%s: %v", name, foKey, foValue, vm.Categories)
		}
		if !sourceUp {
			continue
		}
		left, err := exactVM(ctx, s.ca, name)
		if err != nil {
			return err
		}
		if left != nil {
			return fmt.Errorf("%s is still on canada: %+v", name, left)
		}
	}
	return nil
}

// checkJob returns a state check that reads the job_id of the resource in the state and fails
// unless france has that job, of the action type, completed.
func (s *failoverSites) checkJob(actionType string) statecheck.StateCheck {
	return jobStateCheck{s: s, actionType: actionType}
}

// jobStateCheck is the state check checkJob returns.
type jobStateCheck struct {
	s          *failoverSites
	actionType string
}

// CheckState runs the check.
func (c jobStateCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = func() error {
		if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
			return fmt.Errorf("the state is empty")
		}
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Address != failoverAddr {
				continue
			}
			id, _ := r.AttributeValues["job_id"].(string)
			job, err := c.s.fr.GetRecoveryPlanJob(ctx, id)
			if err != nil {
				return fmt.Errorf("reading job %q of the state: %w", id, err)
			}
			if job.ActionType != c.actionType || !strings.HasPrefix(job.Status, client.JobStatusCompleted) ||
				job.RecoveryPlanUUID != c.s.planID {
				return fmt.Errorf("job %s: %s %s of plan %s, want %s COMPLETED of plan %s", id, job.ActionType, job.Status,
					job.RecoveryPlanUUID, c.actionType, c.s.planID)
			}
			return nil
		}
		return fmt.Errorf("%s is not in the state", failoverAddr)
	}()
}

// TestAccFailover_testTimedOut runs a test failover that outruns timeouts.create: the job
// started and made test VMs, so it is recorded as tainted rather than forgotten. The next apply
// replaces it: it waits for the job to end, cleans it up (cleanup_on_destroy), then runs a new
// test. No test VM of the first job is left, and destroying leaves none at all.
func TestAccFailover_testTimedOut(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	// The job waits an hour of simulated time after its first stage (db-01).
	s.setFirstStageDelay(t, 3600)
	config := func(create string) string {
		return s.failoverConfig("TEST", fmt.Sprintf("  cleanup_on_destroy = true\n  timeouts = {\n    create = %q\n  }\n", create))
	}
	var first string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return s.checkNoTestClones(context.Background())
		},
		Steps: []resource.TestStep{
			{
				Config: config("2s"),
				ExpectError: acctest.ErrorRegexp(`Error creating failover`, `TEST failover job`, `did not finish within`,
					`recorded in the state as tainted`, `cleans it up`),
			},
			{
				PreConfig: func() {
					ctx := t.Context()
					jobs, err := s.fr.ListRecoveryPlanJobsOfPlan(ctx, s.planID)
					if err != nil {
						t.Fatalf("listing the jobs of the plan: %v", err)
					}
					if len(jobs) != 1 || jobs[0].Done() {
						t.Fatalf("jobs of the plan: %+v, want one running TEST_FAILOVER", jobs)
					}
					first = jobs[0].UUID
					// The first stage ran: the timed-out job left a test VM.
					if clones, err := s.testClones(ctx); err != nil || len(clones) != 1 {
						t.Fatalf("test clones of the timed-out job: %+v (%v), want db-01's", clones, err)
					}
					// The next job runs without the delay; the first one ends as the clock moves on.
					s.setFirstStageDelay(t, 0)
					s.w.Clock().Advance(2 * time.Hour)
				},
				Config: config("5m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// Tainted: replaced, the cleanup first.
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(failoverAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("job_id"), knownvalue.StringFunc(func(v string) error {
						if v == first {
							return fmt.Errorf("job_id is still the timed-out job %s", first)
						}
						return nil
					})),
					s.checkJob(client.JobActionTestFailover),
					acctest.CheckAPI(func(ctx context.Context) error {
						job, err := s.fr.GetRecoveryPlanJob(ctx, first)
						if err != nil {
							return fmt.Errorf("reading the timed-out job: %w", err)
						}
						if job.CleanupStatus != client.JobStatusCompleted {
							return fmt.Errorf("the timed-out job %s was not cleaned up: cleanup status %q", first, job.CleanupStatus)
						}
						return nil
					}),
					// Exactly the new job's two test VMs: none of the first job's is left.
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkTestClones(ctx) }),
				},
			},
		},
	})
}

// setFirstStageDelay sets the delay after the first stage of the recovery plan, in seconds,
// and waits until france, where the jobs run, has it.
func (s *failoverSites) setFirstStageDelay(t *testing.T, secs int64) {
	t.Helper()
	ctx := t.Context()
	p, err := s.ca.GetRecoveryPlan(ctx, s.planID)
	if err != nil {
		t.Fatalf("reading the recovery plan: %v", err)
	}
	p.Stages[0].DelaySecs = &secs
	if _, err := s.ca.UpdateRecoveryPlan(ctx, *p); err != nil {
		t.Fatalf("setting the delay of the first stage: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := s.fr.GetRecoveryPlan(ctx, s.planID)
		if err == nil && got.Stages[0].DelaySecs != nil && *got.Stages[0].DelaySecs == secs {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("france did not get the delay of %ds: %+v, %v", secs, got, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
