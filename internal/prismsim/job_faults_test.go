package prismsim

import (
	"testing"
	"time"
)

// The faults that land inside a recovery plan job (faults.go), at the emulator's level; the
// provider's acceptance tests show what the user sees.

// addJobFault installs a fault of kind on the jobs france creates.
func addJobFault(t *testing.T, w *World, kind string, latency time.Duration) {
	t.Helper()
	if _, err := w.AddFault(Fault{PC: "france", PathPrefix: "/api/nutanix/v3/recovery_plan_jobs", Method: "POST",
		Kind: kind, Latency: Duration(latency)}); err != nil {
		t.Fatal(err)
	}
}

// TestJobTaskFailureEndsTheJob checks that a job whose starting task fails ends FAILED instead
// of staying QUEUED, which refused every later job of the plan.
func TestJobTaskFailureEndsTheJob(t *testing.T) {
	env := newJobEnv(t, nil)
	env.createJobPlan(t, 0, nil)
	addJobFault(t, env.w, FaultTaskFailure, 0)
	r := expect(t, env.fr.v3("POST", "/recovery_plan_jobs", env.jobBody("MIGRATE")), 202).json(t)
	task := env.fr.waitTask(getString(r, "task_uuid"))
	if getString(task, "status") != TaskFailed {
		t.Fatalf("create task: %s", mustJSON(task))
	}
	var id string
	for _, ref := range arr(t, task["entity_reference_list"]) {
		if getString(ref, "kind") == "recovery_plan_job" {
			id = getString(ref, "uuid")
		}
	}
	if job := waitJob(t, env.fr, id, nil); jobStatusOf(job) != "FAILED" {
		t.Fatalf("job of a failed task: %s", mustJSON(get(job, "status")))
	}
	// The plan is free for the next job.
	if job := waitJob(t, env.fr, startJob(t, env.fr, env.jobBody("MIGRATE")), nil); jobStatusOf(job) != "COMPLETED" {
		t.Fatalf("the next job: %s", mustJSON(get(job, "status")))
	}
}

// TestJobSourceDownAfterPowerOff checks the job_source_down model: the migration completes at
// france with a warning, the source VMs stay powered off.
func TestJobSourceDownAfterPowerOff(t *testing.T) {
	env := newJobEnv(t, nil)
	env.createJobPlan(t, 0, nil)
	addJobFault(t, env.w, FaultJobSourceDown, 0)
	job := waitJob(t, env.fr, startJob(t, env.fr, env.jobBody("MIGRATE")), nil)
	if jobStatusOf(job) != "COMPLETED_WITH_WARNING" {
		t.Fatalf("job: %s", mustJSON(get(job, "status")))
	}
	if !env.w.PC("canada").Down() {
		t.Fatal("canada is up")
	}
	fr := vmsOf(t, env.fr)
	for _, name := range []string{"app-01", "db-01"} {
		if vmPower(fr[name]) != "ON" {
			t.Errorf("%s at france: %s", name, mustJSON(fr[name]))
		}
	}
	if err := env.w.SiteUp("canada"); err != nil {
		t.Fatal(err)
	}
	// Back up, canada finishes the cleanup the job could not do: its stale copies go, so
	// that a failback moves the VMs again instead of finding them at canada already.
	ca := vmsOf(t, env.ca)
	for _, name := range []string{"app-01", "db-01"} {
		if vm := ca[name]; vm != nil {
			t.Errorf("%s is still at canada after it came back: %s", name, mustJSON(vm))
		}
	}
}

// TestJobStuckHoldsThePlan checks the job_stuck model: the job stays RUNNING, a second job of
// the plan is refused, and the job completes once the clock has passed the fault's latency.
func TestJobStuckHoldsThePlan(t *testing.T) {
	env := newJobEnv(t, nil)
	env.createJobPlan(t, 0, nil)
	addJobFault(t, env.w, FaultJobStuck, time.Hour)
	id := startJob(t, env.fr, env.jobBody("MIGRATE"))
	waitJob(t, env.fr, id, func(job map[string]any) bool {
		return len(jobSteps(t, env.fr, id, "execution_status")["STAGE_RECOVERY"]) == 1
	})
	refuse(t, env.fr.v3("POST", "/recovery_plan_jobs", env.jobBody("MIGRATE")), 409, reasonConcurrent)
	env.w.Clock().Advance(2 * time.Hour)
	if job := waitJob(t, env.fr, id, nil); jobStatusOf(job) != "COMPLETED" {
		t.Fatalf("job after the clock moved on: %s", mustJSON(get(job, "status")))
	}
}
