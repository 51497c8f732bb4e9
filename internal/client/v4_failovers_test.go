package client

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestV4Failovers starts each action over v4, follows its job to the end with its steps and
// validation messages, and checks what the action sent: the direction as domain managers,
// one request id, a create whose answer is lost acting once; then a clean-up, a refused
// rerun, the plan's jobs and a delete with If-Match.
func TestV4Failovers(t *testing.T) {
	ctx := context.Background()
	f := newV4Fake(t)
	c := f.client(APIVersionAuto)
	if _, err := c.CreateCategoryValue(ctx, CategoryValue{Key: "DR", Value: "gold"}); err != nil {
		t.Fatal(err)
	}
	plan, err := c.CreateRecoveryPlan(ctx, testPlan("x"))
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	var jobs []string
	for _, action := range JobActionTypes {
		t.Run(action, func(t *testing.T) {
			in := FailoverInput{RecoveryPlanUUID: plan.UUID, ActionType: action, FailedAZUUID: "az-local", RecoveryAZUUID: "az-remote",
				RecoveryClusterUUIDs: []string{"cl-b"}}
			if action == JobActionFailover {
				in.RecoveryReferenceTime = &ref
			}
			before, _ := f.log()
			if action == JobActionMigrate {
				f.dropNext()
			}
			id, err := c.StartRecoveryPlanJob(ctx, in)
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			jobs = append(jobs, id)
			muts, _ := f.log()
			posts := muts[len(before):]
			if len(posts) == 0 || posts[0].RequestID == "" || !strings.Contains(posts[0].Path, "/$actions/"+v4JobActions[action]) {
				t.Fatalf("start sent %+v, want the %s action with a request id", posts, v4JobActions[action])
			}
			if action == JobActionMigrate && (len(posts) != 2 || posts[1].RequestID != posts[0].RequestID) {
				t.Errorf("a start whose answer was lost sent %+v, want the same request id twice", posts)
			}
			var seen []string
			job, err := c.WaitForRecoveryPlanJob(ctx, id, func(j RecoveryPlanJob) { seen = append(seen, j.Status) })
			if err != nil {
				t.Fatalf("wait: %v", err)
			}
			if job.Status != JobStatusCompleted || job.ActionType != action || job.RecoveryPlanUUID != plan.UUID ||
				job.FailedAZUUID != "az-local" || job.RecoveryAZUUID != "az-remote" || !slices.Equal(job.RecoveryClusterUUIDs, []string{"cl-b"}) {
				t.Errorf("job = %+v", job)
			}
			if !slices.Contains(seen, JobStatusRunning) {
				t.Errorf("progress saw %v, want RUNNING on the way", seen)
			}
			if len(job.Steps) != 2 || job.Steps[1].Phase != JobPhaseOperation || len(job.Steps[1].Recovered) != 1 ||
				job.Steps[1].Recovered[0].UUID != "vm-1-recovered" {
				t.Errorf("steps = %+v", job.Steps)
			}
			if len(job.Warnings) != 1 || !strings.Contains(job.Warnings[0], "no static IP") || len(job.Errors) != 0 {
				t.Errorf("warnings %v, errors %v", job.Warnings, job.Errors)
			}
			if action == JobActionFailover && (job.RecoveryReferenceTime == nil || !job.RecoveryReferenceTime.Equal(ref)) {
				t.Errorf("recovery reference time = %v, want %v", job.RecoveryReferenceTime, ref)
			}
			f.mu.Lock()
			sdk := f.jobs[id].job
			f.mu.Unlock()
			d := sdk.FailoverDirections[0]
			if *d.SourceDomainManagerExtId != "dm-local-0000" || *d.TargetDomainManagerExtId != "dm-remote-1111" || *d.TargetCluster.ExtId != "cl-b" {
				t.Errorf("direction = %s -> %s", *d.SourceDomainManagerExtId, *d.TargetDomainManagerExtId)
			}
			if (action == JobActionLiveMigrate) != *sdk.IsLiveMigrateVMs {
				t.Errorf("shouldLiveMigrateVMs = %v for %s", *sdk.IsLiveMigrateVMs, action)
			}
		})
	}
	f.mu.Lock()
	started := len(f.jobs)
	f.mu.Unlock()
	if started != len(JobActionTypes) {
		t.Errorf("%d jobs started, want %d (one per action, the lost answer included)", started, len(JobActionTypes))
	}

	test := jobs[slices.Index(JobActionTypes, JobActionTestFailover)]
	if err := c.CleanupRecoveryPlanJob(ctx, test); err != nil {
		t.Fatalf("clean-up: %v", err)
	}
	f.mu.Lock()
	last := f.actionsRun[len(f.actionsRun)-1]
	f.mu.Unlock()
	if last != plan.UUID+" clean-up-resources" {
		t.Errorf("clean-up ran %q", last)
	}
	if _, err := c.RerunRecoveryPlanJob(ctx, test); err == nil || !strings.Contains(err.Error(), "no rerun") {
		t.Errorf("rerun: %v, want a refusal", err)
	}
	of, err := c.ListRecoveryPlanJobsOfPlan(ctx, plan.UUID)
	if err != nil || len(of) != len(JobActionTypes) {
		t.Errorf("jobs of the plan: %d, %v", len(of), err)
	}
	if err := c.DeleteRecoveryPlanJob(ctx, test); err != nil {
		t.Fatalf("delete: %v", err)
	}
	muts, _ := f.log()
	if del := muts[len(muts)-1]; del.Method != "DELETE" || del.IfMatch == "" {
		t.Errorf("delete sent %+v", del)
	}
	if _, err := c.GetRecoveryPlanJob(ctx, test); !errors.Is(err, ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
}
