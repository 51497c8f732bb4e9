package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

const jobsAddr = "data.nutanixdr_recovery_plan_jobs.test"

// jobsConfig returns france's provider and the data source of the plan.
func (s *failoverSites) jobsConfig(planID string) string {
	return acctest.ProviderConfig(s.w, acctest.PCFrance, "") + fmt.Sprintf(`
data "nutanixdr_recovery_plan_jobs" "test" {
  recovery_plan_id = %q
}
`, planID)
}

// runJob runs a job of the plan on france through the API and waits for it.
func (s *failoverSites) runJob(t *testing.T, actionType string) *client.RecoveryPlanJob {
	t.Helper()
	id, err := s.fr.StartRecoveryPlanJob(t.Context(), client.FailoverInput{
		RecoveryPlanUUID: s.planID, ActionType: actionType, FailedAZUUID: s.frOfCanada, RecoveryAZUUID: s.frLocal,
	})
	if err != nil {
		t.Fatalf("starting a %s job: %v", actionType, err)
	}
	job, err := s.fr.WaitForRecoveryPlanJob(t.Context(), id, nil)
	if err != nil {
		t.Fatalf("running a %s job: %v", actionType, err)
	}
	return job
}

// jobCheck returns a knownvalue check of one element of jobs.
func jobCheck(job *client.RecoveryPlanJob, ftype string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                  knownvalue.StringExact(job.UUID),
		"name":                knownvalue.StringExact(job.Name),
		"type":                knownvalue.StringExact(ftype),
		"action_type":         knownvalue.StringExact(job.ActionType),
		"status":              knownvalue.StringExact(job.Status),
		"percentage_complete": knownvalue.Int64Exact(100),
		"initiator":           knownvalue.StringExact(client.JobInitiatorUser),
		"started_at":          knownvalue.StringRegexp(rfc3339Regexp),
		"finished_at":         knownvalue.StringRegexp(rfc3339Regexp),
	})
}

func TestAccRecoveryPlanJobsDataSource(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	var validate, test *client.RecoveryPlanJob
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      s.jobsConfig("latest"),
				ExpectError: regexp.MustCompile(`must be a UUID`),
			},
			{
				// No job yet: an empty list.
				Config: s.jobsConfig(s.planID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(jobsAddr, tfjsonpath.New("jobs"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				PreConfig: func() {
					validate = s.runJob(t, client.JobActionValidate)
					s.w.Clock().Advance(time.Second) // A second apart, so that the order is the start time's.
					test = s.runJob(t, client.JobActionTestFailover)
				},
				Config: s.jobsConfig(s.planID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(jobsAddr, tfjsonpath.New("jobs"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(jobsAddr, tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("type"), knownvalue.StringExact("TEST")),
					statecheck.ExpectKnownValue(jobsAddr, tfjsonpath.New("jobs").AtSliceIndex(1).AtMapKey("type"), knownvalue.StringExact("VALIDATE")),
				},
			},
			{
				// The same, checked in full now that the jobs are known.
				Config: s.jobsConfig(s.planID),
				ConfigStateChecks: []statecheck.StateCheck{
					lazyCheck(func() statecheck.StateCheck {
						return statecheck.ExpectKnownValue(jobsAddr, tfjsonpath.New("jobs"), knownvalue.ListExact([]knownvalue.Check{
							jobCheck(test, "TEST"), jobCheck(validate, "VALIDATE"),
						}))
					}),
				},
			},
		},
	})
}

// lazyCheck is a state check built when it runs, for checks of values an earlier step makes.
type lazyCheck func() statecheck.StateCheck

// CheckState builds the check and runs it.
func (f lazyCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	f().CheckState(ctx, req, resp)
}

// TestAccRecoveryPlanJobsDataSource_witness loses canada under a plan with a witness: france
// fails over by itself, and the data source shows the job as the witness's.
func TestAccRecoveryPlanJobsDataSource_witness(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{synchronous: true, witness: true})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if err := s.w.SiteDown(acctest.PCCanada); err != nil {
						t.Fatalf("taking canada down: %v", err)
					}
					s.w.Clock().Advance(31 * time.Second)
					s.waitJobDone(t)
				},
				Config: s.jobsConfig(s.planID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(jobsAddr, tfjsonpath.New("jobs"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue(jobsAddr, tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("initiator"),
						knownvalue.StringExact(client.JobInitiatorWitness)),
					statecheck.ExpectKnownValue(jobsAddr, tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("type"),
						knownvalue.StringExact("UNPLANNED")),
					statecheck.ExpectKnownValue(jobsAddr, tfjsonpath.New("jobs").AtSliceIndex(0).AtMapKey("status"),
						knownvalue.StringRegexp(regexp.MustCompile(`^COMPLETED`))),
					acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, false) }),
				},
			},
		},
	})
}

// waitJobDone waits until france has a job of the plan and every job of the plan has ended.
func (s *failoverSites) waitJobDone(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		jobs, err := s.fr.ListRecoveryPlanJobsOfPlan(t.Context(), s.planID)
		if err != nil {
			t.Fatalf("listing the jobs of the plan: %v", err)
		}
		done := len(jobs) > 0
		for i := range jobs {
			done = done && jobs[i].Done()
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no job of the plan ended in time: %+v", jobs)
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
