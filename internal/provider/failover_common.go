package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// This file holds what the nutanixdr_failover resource, the nutanixdr_failover and
// nutanixdr_failover_cleanup actions and the nutanixdr_recovery_plan_jobs data source share:
// the failover types and their API action types, the descriptions of the common arguments,
// the rules between arguments, and the wording of job outcomes and progress.

// kindFailover names the entity in the summaries of diagnostics.
const kindFailover = "failover"

// Failover types, as users write them. Each runs a recovery plan job of one API action type.
const (
	failoverPlanned   = "PLANNED"
	failoverUnplanned = "UNPLANNED"
	failoverTest      = "TEST"
	failoverLive      = "LIVE"
	failoverValidate  = "VALIDATE"
)

// failoverTypes lists the failover types in the order the documentation gives them.
var failoverTypes = []string{failoverPlanned, failoverUnplanned, failoverTest, failoverLive, failoverValidate}

// failoverActionTypes maps each failover type to the action type of the recovery plan job.
var failoverActionTypes = map[string]string{
	failoverPlanned:   client.JobActionMigrate,
	failoverUnplanned: client.JobActionFailover,
	failoverTest:      client.JobActionTestFailover,
	failoverLive:      client.JobActionLiveMigrate,
	failoverValidate:  client.JobActionValidate,
}

// failoverTypeOf returns the failover type of an API action type, or the action type itself
// when it is not one the provider knows.
func failoverTypeOf(actionType string) string {
	for t, a := range failoverActionTypes {
		if strings.EqualFold(a, actionType) {
			return t
		}
	}
	return actionType
}

// Default time limits of failover jobs and of the cleanup of test failovers.
const (
	defaultFailoverTimeout = 2 * time.Hour
	defaultCleanupTimeout  = 30 * time.Minute
)

// Descriptions of the arguments the resource and the action share, so that both document
// them in the same words.
var (
	descRecoveryPlanID = "UUID of the recovery plan to run (`nutanixdr_recovery_plan`). The job runs on the Prism " +
		"Central of the provider configuration, which must be the one of the recovery site (`to_availability_zone_id`): " +
		"the plan is synchronized there, and that Prism Central is still up when the source site is down."
	descType = "What to run: `" + failoverPlanned + "` (planned failover: the VMs are powered off at the source, a final " +
		"recovery point is replicated, and they are recovered at the target; both sites must be up), `" + failoverUnplanned +
		"` (unplanned failover from the latest replicated recovery point, e.g. with the source site down; some data may be " +
		"lost, see `data_loss_window`), `" + failoverTest + "` (test failover: clones of the VMs in the test networks of the " +
		"plan, production untouched; undone by a cleanup), `" + failoverLive + "` (live migration, VMs keep running; needs a " +
		"synchronous protection policy) or `" + failoverValidate + "` (only checks the plan; changes nothing). They run the " +
		"API action types `MIGRATE`, `FAILOVER`, `TEST_FAILOVER`, `LIVE_MIGRATE` and `VALIDATE`."
	descFromAZ = "UUID of the availability zone the VMs fail over from (the failed or source site), as the Prism Central " +
		"of the provider configuration names it. Defaults to the recovery plan's other location (see " +
		"`to_availability_zone_id`), so that a failover needs no id of the other site: on the recovery site's Prism " +
		"Central, the plan (synchronized there) already names both sites as that Prism Central knows them."
	descToAZ = "UUID of the availability zone the VMs are recovered in; the Prism Central of the provider configuration " +
		"is that site, so this is usually its Local availability zone. Defaults to the location of the recovery plan " +
		"that is this Prism Central's Local availability zone: the plan's recovery location for a failover, its " +
		"primary location for a failback through the same plan. Must differ from `from_availability_zone_id`."
	descFromClusters = "UUIDs of the clusters of the source availability zone the job covers. Defaults to the clusters " +
		"the recovery plan names."
	descToClusters = "UUIDs of the clusters of the recovery availability zone to recover into. Defaults to the clusters " +
		"the recovery plan names."
	descReferenceTime = "Only with `type = \"" + failoverUnplanned + "\"`: recover from the latest recovery point taken at " +
		"or before this time, in RFC 3339 format (`2025-01-31T14:00:00Z`). Defaults to now, the latest recovery point."
	descIgnoreWarnings = "Run the job even though validation of the recovery plan reports problems (the API's " +
		"`should_continue_on_validation_failure`); they are then reported as warnings. Defaults to `false`: the job " +
		"stops at validation and nothing changes."
)

// failoverArguments are the arguments the resource and the action share, read from either
// model.
type failoverArguments struct {
	RecoveryPlanID        types.String
	Type                  types.String
	From                  types.String
	To                    types.String
	FromClusterIDs        types.Set
	ToClusterIDs          types.Set
	RecoveryReferenceTime timetypes.RFC3339
	IgnoreWarnings        types.Bool
}

// validateFailoverArguments checks the rules between the shared arguments; values still
// unknown are skipped, since they are checked again once known.
func validateFailoverArguments(a failoverArguments) diag.Diagnostics {
	var diags diag.Diagnostics
	typeKnown := !a.Type.IsNull() && !a.Type.IsUnknown()
	if !a.RecoveryReferenceTime.IsNull() && !a.RecoveryReferenceTime.IsUnknown() && typeKnown &&
		a.Type.ValueString() != failoverUnplanned {
		diags.AddAttributeError(path.Root("recovery_reference_time"), "Invalid failover arguments",
			fmt.Sprintf("recovery_reference_time chooses the recovery point of an unplanned failover: it is only "+
				"allowed with type = %q, not with type = %q. Remove it, or set type = %q.",
				failoverUnplanned, a.Type.ValueString(), failoverUnplanned))
	}
	if knownString(a.From) && knownString(a.To) && strings.EqualFold(a.From.ValueString(), a.To.ValueString()) {
		diags.AddAttributeError(path.Root("to_availability_zone_id"), "Invalid failover arguments",
			fmt.Sprintf("from_availability_zone_id and to_availability_zone_id are both %q: a failover moves VMs "+
				"from one availability zone to another. Set to_availability_zone_id to the recovery site (usually "+
				"the Local availability zone of the provider's Prism Central) and from_availability_zone_id to the "+
				"source site.", a.From.ValueString()))
	}
	return diags
}

// resolveDirection fills in the availability zones the arguments leave out (null or unknown)
// from the recovery plan, as the Prism Central of the provider configuration reads it: the
// job recovers into that Prism Central's Local availability zone, which must be one of the
// plan's two locations, from the other one. A failover on the recovery site thus needs only
// the plan, whose locations that Prism Central names with its own ids.
func resolveDirection(ctx context.Context, c *client.Client, op operation, a *failoverArguments) diag.Diagnostics {
	var diags diag.Diagnostics
	if knownString(a.From) && knownString(a.To) {
		return diags
	}
	planID := a.RecoveryPlanID.ValueString()
	recoveryPlan, err := c.GetRecoveryPlan(ctx, planID)
	if err != nil {
		diags.AddError(errorSummary(op, kindFailover), clientErrorDetail(opRead, "recovery plan", planID, err))
		return diags
	}
	pi, ri := planLocationIndexes(recoveryPlan)
	primary, recovery := azAt(recoveryPlan, pi).AvailabilityZoneUUID, azAt(recoveryPlan, ri).AvailabilityZoneUUID
	other := func(id string) string {
		switch {
		case strings.EqualFold(id, primary):
			return recovery
		case strings.EqualFold(id, recovery):
			return primary
		}
		return ""
	}
	var hint string
	switch {
	case knownString(a.To):
		a.From = types.StringValue(other(a.To.ValueString()))
		hint = "to_availability_zone_id " + a.To.ValueString() + " is neither"
	case knownString(a.From):
		a.To = types.StringValue(other(a.From.ValueString()))
		hint = "from_availability_zone_id " + a.From.ValueString() + " is neither"
	default:
		local, err := c.LocalAvailabilityZone(ctx)
		if err != nil {
			diags.AddError(errorSummary(op, kindFailover), clientErrorDetail(opRead, "availability zone", "Local AZ", err))
			return diags
		}
		a.To = types.StringValue(local.UUID)
		a.From = types.StringValue(other(local.UUID))
		hint = "the Local availability zone of this Prism Central, " + local.UUID + ", is neither"
	}
	if a.From.ValueString() == "" || a.To.ValueString() == "" || primary == "" || recovery == "" {
		diags.AddError(errorSummary(op, kindFailover),
			fmt.Sprintf("Could not tell the direction of the failover from recovery plan %s (%q): its locations are %s "+
				"(primary) and %s (recovery) as this Prism Central names them, and %s. A failover runs on the Prism "+
				"Central of the site that recovers: use the provider configuration of that site, or set "+
				"from_availability_zone_id and to_availability_zone_id.", planID, recoveryPlan.Name, orUnset(primary), orUnset(recovery), hint))
	}
	return diags
}

// orUnset returns s, or "(none)" for an empty string.
func orUnset(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// knownString tells whether v holds a value.
func knownString(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// input builds the client's request from the arguments, which must all be known.
func (a failoverArguments) input(ctx context.Context, name string) (client.FailoverInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := client.FailoverInput{
		Name:                        name,
		RecoveryPlanUUID:            a.RecoveryPlanID.ValueString(),
		ActionType:                  failoverActionTypes[a.Type.ValueString()],
		FailedAZUUID:                a.From.ValueString(),
		RecoveryAZUUID:              a.To.ValueString(),
		ContinueOnValidationFailure: a.IgnoreWarnings.ValueBool(),
	}
	if in.ActionType == "" {
		diags.AddAttributeError(path.Root("type"), "Invalid failover arguments",
			fmt.Sprintf("type %q is not one of %s.", a.Type.ValueString(), strings.Join(failoverTypes, ", ")))
		return in, diags
	}
	in.FailedClusterUUIDs = sortedStrings(ctx, a.FromClusterIDs, &diags)
	in.RecoveryClusterUUIDs = sortedStrings(ctx, a.ToClusterIDs, &diags)
	if !a.RecoveryReferenceTime.IsNull() {
		t, d := a.RecoveryReferenceTime.ValueRFC3339Time()
		diags.Append(d...)
		if !d.HasError() {
			t = t.UTC()
			in.RecoveryReferenceTime = &t
		}
	}
	return in, diags
}

// sortedStrings returns the elements of a set of strings in order; nil for a null set.
func sortedStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	slices.Sort(out)
	return out
}

// jobName is the name given to the recovery plan jobs the provider starts, which Prism Central
// shows in its list of jobs.
func jobName(failoverType string, now time.Time) string {
	return fmt.Sprintf("nutanixdr %s %s", strings.ToLower(failoverType), now.UTC().Format("2006-01-02T15:04:05Z"))
}

// jobTerminal tells whether a job status is final.
func jobTerminal(status string) bool {
	switch status {
	case client.JobStatusCompleted, client.JobStatusCompletedWithWarning, client.JobStatusFailed,
		client.JobStatusFailedWithWarning, client.JobStatusAborted:
		return true
	}
	return false
}

// failedJobDetail words the error of a job that ended without doing its work: what ran, how it
// ended, the validation errors and the failed steps Prism Central reported, and what to do.
// stopped tells that the job stopped at validation and changed nothing (stoppedAtValidation);
// recorded, when not empty, that the job was recorded in the state as tainted (taintedNote).
func failedJobDetail(failoverType, planID string, jobErr *client.JobError, stopped bool, recorded string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The %s failover job %s of recovery plan %s ended %s", failoverType, jobErr.JobUUID, planID,
		jobErr.Status)
	if len(jobErr.Errors) > 0 && !stepFailed(jobErr.Status) {
		b.WriteString(" with validation errors")
	}
	b.WriteString(".")
	writeList(&b, "Validation errors", jobErr.Errors)
	validationReported := len(jobErr.Errors) > 0 || len(jobErr.Warnings) > 0
	steps := make([]string, 0, len(jobErr.FailedSteps))
	realFailures := false // A failed step other than the validation.
	for _, s := range jobErr.FailedSteps {
		if !isValidationStep(s) {
			realFailures = true
			steps = append(steps, describeStep(s))
			continue
		}
		// The step that only says that validation failed restates the validation messages
		// listed above: it is left out, or labeled plainly when there are none.
		if !validationReported {
			steps = append(steps, describeValidationStep(s))
		}
	}
	writeList(&b, "Failed steps", steps)
	writeList(&b, "Warnings", jobErr.Warnings)
	if len(jobErr.Errors) == 0 && len(steps) == 0 && len(jobErr.Warnings) == 0 {
		b.WriteString(" Prism Central gave no reason.")
	}
	b.WriteString("\n\n")
	// ignore_warnings only helps a job that validation stopped on warnings: errors (no
	// recovery point, no capacity, an unmapped network) and failed steps are to be fixed.
	warningsOnly := len(jobErr.Warnings) > 0 && len(jobErr.Errors) == 0 && !realFailures
	switch {
	case failoverType == failoverValidate:
		b.WriteString("Nothing was recorded in the state. Fix what validation reports and apply again.")
	case stopped && warningsOnly:
		b.WriteString("Nothing changed and nothing was recorded in the state. Fix what validation warns about, or set " +
			"ignore_warnings = true to run despite the warnings, and apply again.")
	case stopped:
		b.WriteString("Nothing changed and nothing was recorded in the state. Fix what validation reports (networks, " +
			"capacity, recovery points and protection of the VMs, the availability zones of the plan) and apply again.")
	case recorded != "":
		b.WriteString(recorded)
	default:
		b.WriteString("Nothing was recorded in the state: the next apply runs the job again. Check the job in Prism " +
			"Central (Recovery Plans, the plan, Reports) and what it left on the recovery site first.")
	}
	return b.String()
}

// stoppedAtValidation tells whether a failed job stopped at the validation of the plan, before
// it changed anything. That is so when validation reported errors or warnings, the job was
// not told to run despite them (ignore_warnings = false, so Prism Central stops it there),
// every step that failed is of the preprocessing phase (where validation runs), and, when the
// job's steps are known (job not nil), no step of the operation or postprocessing phases
// started. A job that failed without validation messages, failed a stage, or ran despite its
// validation may have changed something.
func stoppedAtValidation(jobErr *client.JobError, job *client.RecoveryPlanJob, ignoreWarnings bool) bool {
	if ignoreWarnings || (len(jobErr.Errors) == 0 && len(jobErr.Warnings) == 0) {
		return false
	}
	for _, s := range jobErr.FailedSteps {
		if s.Phase != client.JobPhasePreprocessing {
			return false
		}
	}
	if job != nil {
		for _, s := range job.Steps {
			if s.Phase != client.JobPhasePreprocessing && stepStarted(s.Status) {
				return false
			}
		}
	}
	return true
}

// stepStarted tells whether a step with the status ran, at least in part.
func stepStarted(status string) bool {
	switch status {
	case "", client.JobStatusQueued, client.JobStatusAborted:
		return false
	}
	return true
}

// isValidationStep tells whether a failed step is the validation of the plan: a preprocessing
// step that names validation.
func isValidationStep(s client.JobStep) bool {
	if s.Phase != client.JobPhasePreprocessing {
		return false
	}
	text := strings.ToLower(strings.Join([]string{s.Name, s.OperationType, s.Message, s.ErrorDetail}, " "))
	return strings.Contains(text, "validat")
}

// describeValidationStep words the failed validation step of a job that reported no
// validation messages: plainly, without Prism Central's generic error code.
func describeValidationStep(s client.JobStep) string {
	if s.ErrorDetail != "" && !strings.Contains(strings.ToLower(s.ErrorDetail), "validat") {
		return "validation failed: " + s.ErrorDetail
	}
	return "validation failed"
}

// describeStep words a failed step: its name, then Prism Central's error code and detail, and
// the VMs it could not recover.
func describeStep(s client.JobStep) string {
	parts := []string{firstOf(s.Name, s.OperationType, s.UUID)}
	if s.Status != "" && s.Status != client.JobStatusFailed {
		parts = append(parts, s.Status)
	}
	if s.ErrorCode != "" {
		parts = append(parts, s.ErrorCode)
	}
	if s.ErrorDetail != "" {
		parts = append(parts, s.ErrorDetail)
	}
	for _, r := range s.Recovered {
		if r.Error != "" && r.Error != s.ErrorDetail {
			parts = append(parts, firstOf(r.SourceName, r.SourceUUID)+": "+r.Error)
		}
	}
	return strings.Join(parts, ": ")
}

// firstOf returns the first non-empty string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// stepFailed tells whether a status is a failure.
func stepFailed(status string) bool {
	return status == client.JobStatusFailed || status == client.JobStatusFailedWithWarning ||
		status == client.JobStatusAborted
}

// writeList appends a titled bullet list to b when items is not empty.
func writeList(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "\n\n%s:", title)
	for _, it := range items {
		fmt.Fprintf(b, "\n  - %s", it)
	}
}

// timedOutDetail words the error of a job still running when the time limit ran out.
// recorded, when not empty, says that the job was recorded in the state as tainted
// (taintedNote).
func timedOutDetail(failoverType, jobID string, last *client.RecoveryPlanJob, limit time.Duration, setting, recorded string) string {
	progress := ""
	if last != nil {
		progress = fmt.Sprintf(" (last seen %s at %d%%)", last.Status, last.PercentageComplete)
	}
	detail := fmt.Sprintf("The %s failover job %s did not finish within %s%s. It keeps running in Prism Central: follow "+
		"it there (Data Protection, Recovery Plans) or with the nutanixdr_recovery_plan_jobs data source. ",
		failoverType, jobID, durationText(limit), progress)
	if recorded != "" {
		return detail + recorded + fmt.Sprintf(" Raise %s if the job needs more time.", setting)
	}
	return detail + fmt.Sprintf("Nothing was recorded in the state; once the job has ended, raise %s if it needs more "+
		"time and apply again.", setting)
}

// progressTracker turns successive snapshots of a job into progress messages: one when the job
// starts running, one per step that ends, and one when the percentage moves by a step of
// progressStride or more, so that a long job is not silent and a chatty one is not noisy.
type progressTracker struct {
	failoverType string
	status       string
	reported     int
	doneSteps    map[string]bool
}

// progressStride is the smallest percentage change reported without a step change.
const progressStride = 10

// maxReportedDepth is the deepest level of the step tree whose steps are reported as they end:
// the stages of the plan and what each does (recover a VM, power it on, wait).
const maxReportedDepth = 1

// newProgressTracker returns a tracker of a job of the given failover type.
func newProgressTracker(failoverType string) *progressTracker {
	return &progressTracker{failoverType: failoverType, reported: -1, doneSteps: map[string]bool{}}
}

// observe returns the messages the new snapshot of the job warrants, possibly none.
func (p *progressTracker) observe(job client.RecoveryPlanJob) []string {
	var msgs []string
	if job.Status != p.status {
		if job.Status == client.JobStatusRunning || job.Status == client.JobStatusQueued {
			msgs = append(msgs, fmt.Sprintf("%s failover job %s is %s (%d%%)", p.failoverType, job.UUID,
				strings.ToLower(job.Status), job.PercentageComplete))
			p.reported = job.PercentageComplete
		}
		p.status = job.Status
	}
	for i, s := range job.Steps {
		key := s.UUID
		if key == "" {
			key = fmt.Sprintf("%s/%d/%s", s.Phase, i, s.Name)
		}
		if s.Depth > maxReportedDepth || p.doneSteps[key] || !stepEnded(s.Status) {
			continue
		}
		p.doneSteps[key] = true
		msgs = append(msgs, fmt.Sprintf("%s failover job %s: step %q %s (%d%%)", p.failoverType, job.UUID,
			firstOf(s.Name, s.OperationType), strings.ToLower(s.Status), job.PercentageComplete))
		p.reported = job.PercentageComplete
	}
	if !jobTerminal(job.Status) && job.PercentageComplete-p.reported >= progressStride {
		msg := fmt.Sprintf("%s failover job %s at %d%%", p.failoverType, job.UUID, job.PercentageComplete)
		if job.CurrentStep != "" {
			msg += ", running " + job.CurrentStep
		}
		msgs = append(msgs, msg)
		p.reported = job.PercentageComplete
	}
	return msgs
}

// stepEnded tells whether a step status is final.
func stepEnded(status string) bool {
	return jobTerminal(status) || status == client.TaskSucceeded
}

// finishedMessage words the end of a job that did its work, for the last progress message.
func finishedMessage(failoverType string, job *client.RecoveryPlanJob, vms []recoveredVM) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failover job %s %s", failoverType, job.UUID, job.Status)
	if len(vms) > 0 {
		parts := make([]string, 0, len(vms))
		for _, vm := range vms {
			if len(vm.IPs) > 0 {
				parts = append(parts, fmt.Sprintf("%s (%s)", vm.Name, strings.Join(vm.IPs, ", ")))
			} else {
				parts = append(parts, vm.Name)
			}
		}
		fmt.Fprintf(&b, ": recovered %s", strings.Join(parts, ", "))
	}
	if job.DataLossWindow != nil {
		fmt.Fprintf(&b, "; data-loss window %s", job.DataLossWindow.String())
	}
	return b.String()
}

// recoveredVM is a VM a job recovered, as the provider reports it.
type recoveredVM struct {
	Name, ID, AZ string
	IPs          []string
}
