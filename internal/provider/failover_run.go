package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// This file runs a failover job for the resource and the action alike: start, wait with
// progress, and turn the outcome into diagnostics.

// opRun is the operation of the failover action: "Error running failover".
const opRun operation = "running"

// Summaries of the actions' diagnostics.
const (
	summaryUnconfiguredAction = "Unconfigured provider"
	summaryCleanup            = "Error cleaning up test failover"
)

// unconfiguredActionDetail words the error of an action invoked before the provider was
// configured, which only a bug in the caller can cause.
const unconfiguredActionDetail = "The action was invoked before the provider was configured, so it has no Prism " +
	"Central client. Terraform configures providers before invoking actions: please report this."

// failoverRun is the outcome of a failover job.
type failoverRun struct {
	ftype  string
	planID string
	jobID  string // Empty when the job did not start.
	job    *client.RecoveryPlanJob
	vms    []recoveredVM
	err    error // What went wrong starting or following the job.
	// ignoreWarnings is set when the job was told to run despite validation errors.
	ignoreWarnings bool
}

// runFailover starts the job in and waits for it, passing progress messages to report. The
// job gets a UUID of its own before the first attempt, so that a retried create cannot start
// it twice.
func runFailover(ctx context.Context, c *client.Client, in client.FailoverInput, ftype string, report func(string)) failoverRun {
	run := failoverRun{ftype: ftype, planID: in.RecoveryPlanUUID, ignoreWarnings: in.ContinueOnValidationFailure}
	if in.UUID == "" {
		in.UUID = uuid.NewString()
	}
	report(fmt.Sprintf("starting %s failover of recovery plan %s", ftype, in.RecoveryPlanUUID))
	// An id with an error is a job that may have started: it is kept, so that the job is
	// not lost (see mayHaveChanged).
	id, err := c.StartRecoveryPlanJob(ctx, in)
	run.jobID = id
	if err != nil {
		run.err = err
		return run
	}
	report(fmt.Sprintf("%s failover job %s started", ftype, id))
	tracker := newProgressTracker(ftype)
	run.job, run.err = c.WaitForRecoveryPlanJob(ctx, id, func(j client.RecoveryPlanJob) {
		for _, msg := range tracker.observe(j) {
			report(msg)
		}
	})
	if run.err == nil && run.job != nil {
		run.vms = recoveredVMsOf(ctx, c, run.job, in.RecoveryAZUUID)
	}
	return run
}

// recoveredVMsOf returns the VMs the job recovered, in the order the job reports them. The IP
// addresses of a VM the job does not report them for are read from the VM, on the Prism
// Central the job ran on; a VM that cannot be read is listed without them. With a nil c,
// nothing is read: the VMs are listed as the job reports them.
func recoveredVMsOf(ctx context.Context, c *client.Client, job *client.RecoveryPlanJob, recoveryAZ string) []recoveredVM {
	out := make([]recoveredVM, 0, len(job.RecoveredVMs))
	for _, vm := range job.RecoveredVMs {
		if vm.Error != "" || vm.UUID == "" {
			continue // Not recovered: the job's warnings say why.
		}
		r := recoveredVM{Name: vm.Name, ID: vm.UUID, AZ: firstOf(vm.AZUUID, recoveryAZ),
			IPs: append([]string(nil), vm.IPAddresses...)}
		if c != nil && (len(r.IPs) == 0 || r.Name == "") {
			got, err := c.GetVM(ctx, vm.UUID)
			if err != nil {
				tflog.Warn(ctx, "could not read a recovered VM", map[string]any{"vm_id": vm.UUID, "error": err.Error()})
			} else {
				r.Name = firstOf(r.Name, got.Name)
				if len(r.IPs) == 0 {
					r.IPs = append([]string(nil), got.IPAddresses...)
				}
			}
		}
		if r.Name == "" {
			r.Name = vm.SourceName
		}
		out = append(out, r)
	}
	return out
}

// knownJobID returns the UUID of the job of the run, when it is known: the one the start
// returned, else the one its error names.
func (r failoverRun) knownJobID() string {
	var jobErr *client.JobError
	if r.jobID == "" && errors.As(r.err, &jobErr) {
		return jobErr.JobUUID
	}
	return r.jobID
}

// mayHaveChanged tells whether the job of a run that did not complete may have changed
// something, so that the resource records it in the state (tainted, for the next apply to
// clean it up and replace it) rather than forgetting it. The rule:
//
//   - a job whose UUID is not known did not start (Prism Central refused it, or the create
//     never reached it): nothing changed;
//   - a VALIDATE job only checks the plan: nothing changed, whatever its outcome;
//   - a job that failed (*client.JobError) changed nothing when it stopped at validation,
//     as stoppedAtValidation tells from its status, validation messages and steps;
//   - any other job may have changed something: one that failed after validation (a stage,
//     a recovery, a sync of the source), one still running when the time limit ran out, one
//     the provider lost track of (the job may be running), one whose create may have landed.
func (r failoverRun) mayHaveChanged() bool {
	if (r.err == nil && r.job != nil) || r.knownJobID() == "" || r.ftype == failoverValidate {
		return false
	}
	var jobErr *client.JobError
	if errors.As(r.err, &jobErr) {
		return !stoppedAtValidation(jobErr, r.job, r.ignoreWarnings)
	}
	return true
}

// addError adds the diagnostic of a run that did not complete and tells whether it did. op
// names the operation in the summary; limit and setting are the time limit and the attribute
// that sets it, for a job that ran out of time. Nothing is recorded of the run.
func (r failoverRun) addError(diags *diag.Diagnostics, op operation, limit time.Duration, setting string) bool {
	return r.addErrorRecorded(diags, op, limit, setting, "")
}

// addErrorRecorded is addError for a run whose job was recorded in the state as tainted:
// recorded, when not empty, says so (taintedNote) instead of "Nothing was recorded".
func (r failoverRun) addErrorRecorded(diags *diag.Diagnostics, op operation, limit time.Duration, setting, recorded string) bool {
	if r.err == nil && r.job != nil {
		return false
	}
	summary := errorSummary(op, kindFailover)
	var jobErr *client.JobError
	switch {
	case errors.As(r.err, &jobErr):
		diags.AddError(summary, failedJobDetail(r.ftype, r.planID, jobErr,
			stoppedAtValidation(jobErr, r.job, r.ignoreWarnings), recorded))
	case r.jobID != "" && errors.Is(r.err, context.DeadlineExceeded):
		diags.AddError(summary, timedOutDetail(r.ftype, r.jobID, r.job, limit, setting, recorded))
	case r.jobID != "":
		end := "Nothing was recorded in the state."
		if recorded != "" {
			end = recorded
		}
		diags.AddError(summary, fmt.Sprintf("Lost track of %s failover job %s of recovery plan %s.\n\n%s\n\nThe job "+
			"may still be running in Prism Central: check it there or with the nutanixdr_recovery_plan_jobs data source "+
			"before running it again. %s", r.ftype, r.jobID, r.planID, r.err, end))
	case r.err != nil:
		diags.AddAttributeError(path.Root("recovery_plan_id"), summary, startErrorDetail(r.ftype, r.planID, r.err))
	default:
		diags.AddError(summary, fmt.Sprintf("The %s failover of recovery plan %s returned no job. This is a bug in "+
			"the provider: please report it.", r.ftype, r.planID))
	}
	return true
}

// taintedNote words, for the error of a job recorded in the state as tainted, what the next
// apply does with it: a replace, which for a test failover with cleanup_on_destroy first
// cleans the test up (Delete).
func taintedNote(ftype string, cleanup bool) string {
	const lead = "The job was recorded in the state as tainted: "
	switch {
	case ftype == failoverTest && cleanup:
		return lead + "the next apply cleans it up (its test VMs are removed, cleanup_on_destroy) and runs a new " +
			"test failover, once the job has ended."
	case ftype == failoverTest:
		return lead + "the next apply replaces it and runs a new test failover, but its test VMs stay: set " +
			"cleanup_on_destroy = true for the replace to clean them up, or clean the test up in Prism Central or with " +
			"the nutanixdr_failover_cleanup action."
	}
	return lead + "the next apply replaces it and runs the job again. Check the job in Prism Central (Recovery " +
		"Plans, the plan, Reports) and what it left on the recovery site first."
}

// startErrorDetail words a job that Prism Central refused to start.
func startErrorDetail(ftype, planID string, err error) string {
	detail := fmt.Sprintf("Could not start the %s failover of recovery plan %s.\n\n%s", ftype, planID, err)
	if hint := errorHint(err); hint != "" {
		detail += "\n\n" + hint
	}
	switch {
	case errors.Is(err, client.ErrNotFound):
		detail += "\n\nThe recovery plan is not on this Prism Central. Recovery plan jobs run on the recovery site: " +
			"use the provider configuration of the Prism Central of to_availability_zone_id, where the plan is " +
			"synchronized."
	case isConcurrentJob(err):
		detail += "\n\nAnother job of this recovery plan is running: wait for it to end (nutanixdr_recovery_plan_jobs " +
			"lists them) and apply again."
	}
	return detail + "\n\nNothing was recorded in the state."
}

// isConcurrentJob tells whether Prism Central refused a job because another one of the same
// plan runs.
func isConcurrentJob(err error) bool {
	var apiErr *client.APIError
	return errors.As(err, &apiErr) && apiErr.HasReason("CONCURRENT_REQUESTS_NOT_ALLOWED")
}

// actionTimeout returns the time limit an action's timeout argument sets, or def.
func actionTimeout(v timetypes.GoDuration, def time.Duration, diags *diag.Diagnostics) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return def
	}
	d, dd := v.ValueGoDuration()
	diags.Append(dd...)
	if dd.HasError() || d <= 0 {
		return def
	}
	return d
}
