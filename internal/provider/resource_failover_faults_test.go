package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// Faults that land inside a recovery plan job (prismsim's job_* faults; tools/prismsim/README.md,
// "Faults inside a recovery plan job"), and what the user sees.

// addJobFault installs a fault of kind on the jobs france starts.
func (s *failoverSites) addJobFault(t *testing.T, kind string, latency time.Duration) {
	t.Helper()
	// The job starts on the wire the provider speaks for failovers: v3 POST /recovery_plan_jobs,
	// or a v4 recovery plan action.
	prefix := "/api/nutanix/v3/recovery_plan_jobs"
	if accV4(t, s.w, acctest.PCFrance, client.KindFailovers) {
		prefix = "/api/dataprotection/v4.3/operations/recovery-plans/"
	}
	if _, err := s.w.AddFault(prismsim.Fault{PC: acctest.PCFrance, PathPrefix: prefix,
		Method: "POST", Kind: kind, Latency: prismsim.Duration(latency)}); err != nil {
		t.Fatal(err)
	}
}

// checkSourceOff checks that no protected VM runs at canada: those a planned failover moved are
// powered off or gone.
func (s *failoverSites) checkSourceOff(ctx context.Context) error {
	for _, name := range []string{"app-01", "db-01"} {
		vm, err := exactVM(ctx, s.ca, name)
		if err != nil {
			return err
		}
		if vm != nil && vm.PowerState == "ON" {
			return fmt.Errorf("%s runs at canada and at france", name)
		}
	}
	return nil
}

// TestAccFailover_sourceLostAfterPowerOff loses canada once the planned failover powered the
// VMs off there and before any is recovered: the job recovers them at france from the final
// recovery point, fails to remove them from canada, and ends COMPLETED_WITH_WARNING. When
// canada is back, its copies are powered off: no VM runs twice.
func TestAccFailover_sourceLostAfterPowerOff(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	s.addJobFault(t, prismsim.FaultJobSourceDown, 0)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := s.w.SiteUp(acctest.PCCanada); err != nil {
				return err
			}
			ctx := context.Background()
			if err := s.checkFailedOver(ctx, false); err != nil {
				return err
			}
			return s.checkSourceOff(ctx)
		},
		Steps: []resource.TestStep{{
			Config: s.failoverConfig("PLANNED", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED_WITH_WARNING")),
				statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("data_loss_window"), knownvalue.StringExact("0s")),
				// Why it completed only with a warning: the source VMs are still there.
				statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("warnings"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(regexp.MustCompile(`^postprocessing Removing 2 VM\(s\) from PC_.*: AZ_NOT_REACHABLE: .* went down: the source VMs were not removed$`)),
				})),
				acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, false) }),
			},
		}},
	})
}

// TestAccFailover_recoveryPCRestarts restarts france, where the job runs, when the recovery
// starts: the client retries through the restart and the job resumes and completes.
func TestAccFailover_recoveryPCRestarts(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	s.addJobFault(t, prismsim.FaultJobPCRestart, time.Second)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: s.failoverConfig("PLANNED", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
				acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, true) }),
				acctest.CheckAPI(func(context.Context) error {
					if f := s.w.Faults(); len(f) != 0 {
						return fmt.Errorf("the restart fault did not land: %+v", f)
					}
					return nil
				}),
			},
		}},
	})
}

// TestAccFailover_recoveryPCRestartsPastRetries restarts the recovery PC while the planned
// failover runs, with retries disabled so that the restart outlasts each read's retries (chaos
// seed 45: the provider lost track of the job, recorded it tainted, and every later apply ran
// the failover again, which failed). The wait goes on until the PC answers: the job is recorded
// COMPLETED, untainted, and the next plan is empty.
func TestAccFailover_recoveryPCRestartsPastRetries(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	s.addJobFault(t, prismsim.FaultJobPCRestart, 2*time.Second)
	config := strings.Replace(s.failoverConfig("PLANNED", ""), "  port ", "  max_retries    = 0\n  port ", 1)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, true) }),
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
	if n := s.jobCount(t); n != 1 {
		t.Errorf("the plan has %d jobs, want 1: the failover ran again", n)
	}
}

// TestAccFailover_stuckThenSecondRefused holds the planned failover in its first stage past the
// create timeout: the job is recorded, tainted, and the error says it keeps running. The next
// apply replaces it with a second failover of the same plan, which Prism Central refuses while
// the first runs: the error says so plainly.
func TestAccFailover_stuckThenSecondRefused(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	s.addJobFault(t, prismsim.FaultJobStuck, 24*time.Hour)
	config := s.failoverConfig("PLANNED", "  timeouts = {\n    create = \"2s\"\n  }\n")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// The stuck job goes on once a day has passed, and completes.
			s.w.Clock().Advance(25 * time.Hour)
			ctx := context.Background()
			for range 100 {
				if err := s.checkFailedOver(ctx, true); err == nil {
					return nil
				}
				time.Sleep(50 * time.Millisecond)
			}
			return s.checkFailedOver(ctx, true)
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: acctest.ErrorRegexp(`Error creating failover`, `PLANNED failover job`, `did not finish within 2s`,
					`keeps running in Prism Central`, `recorded in the state as tainted`),
			},
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Error creating failover.*already\s+has\s+a\s+running\s+job.*another\s+job\s+of\s+this\s+recovery\s+plan\s+is\s+running`),
			},
		},
	})
}
