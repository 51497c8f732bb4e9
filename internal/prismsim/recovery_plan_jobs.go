package prismsim

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// Recovery plan jobs: the runs of a recovery plan (validation, planned, unplanned, test and
// live failover). POST /recovery_plan_jobs answers {task_uuid} only; the task's
// entity_reference_list names the job. GET /recovery_plan_jobs/{uuid} shows the job
// (status.execution_status, validation_information, start and end times), GET
// /recovery_plan_jobs/{uuid}/execution_status and /cleanup_status its step trees, POST
// /recovery_plan_jobs/{uuid}/cleanup removes what a test failover created, POST
// /recovery_plan_jobs/{uuid}/rerun runs a job again, DELETE removes a finished job's
// record and POST /recovery_plan_jobs/list lists them.
//
// A job runs on the Prism Central of its recovery availability zone, where the plan is
// synced: the request is refused elsewhere. Jobs of one plan do not run at the same time
// (409 CONCURRENT_REQUESTS_NOT_ALLOWED). What a job does is in failover.go; the witness
// that starts jobs by itself in witness.go.
//
// Extensions of status (not in the spec): initiator ("user" or "witness"),
// data_loss_window_secs (a number: for FAILOVER, the time between the recovery point used
// and the failure or reference time; 0 for MIGRATE and LIVE_MIGRATE) and, in the step
// trees, recovered_entity_info.ip_address_list.

// Job statuses (execution_status.status and the status of phases and steps).
const (
	jobQueued               = "QUEUED"
	jobRunning              = "RUNNING"
	jobCompleted            = "COMPLETED"
	jobFailed               = "FAILED"
	jobAborted              = "ABORTED"
	jobCompletedWithWarning = "COMPLETED_WITH_WARNING"
	jobFailedWithWarning    = "FAILED_WITH_WARNING"
)

// Action types (execution_parameters.action_type).
const (
	actionValidate     = "VALIDATE"
	actionMigrate      = "MIGRATE"
	actionFailover     = "FAILOVER"
	actionTestFailover = "TEST_FAILOVER"
	actionLiveMigrate  = "LIVE_MIGRATE"
)

// Who started a job (status.initiator, an extension).
const (
	initiatorUser    = "user"
	initiatorWitness = "witness"
)

const maxJobName = 64

// Phases of a job's execution.
const (
	phasePre = iota
	phaseOperation
	phasePost
)

// jobState is a job beyond its spec. It is guarded by the mutex of the PC that holds it.
type jobState struct {
	name     string
	action   string
	plan     reference
	planSpec map[string]any // status.recovery_plan_specification
	// failedURL and recoveryURL are availability zones of the job's PC; failedSite and
	// recoverySite the PCs of the world they denote.
	failedURL, recoveryURL   string
	failedSite, recoverySite string
	// pendingCleanup holds the uuids of source VMs a migration recovered elsewhere but could
	// not remove because the source went down; they are removed when it comes back up.
	pendingCleanup                   []string
	failedClusters, recoveryClusters []string
	refTime                          *time.Time
	continueOnFailure                bool
	initiator                        string
	witness                          string
	parent, root                     *reference

	status                  string
	percent                 int
	created, started, ended time.Time
	errors, warnings        []jobMessage
	phases                  [3]*jobPhase
	dataLoss                *time.Duration
	cleanup                 *jobCleanup
	// clones are the VMs a test failover created at the recovery site.
	clones  []reference
	stepSeq int64
	// fault is the injected fault that lands inside this job (faults.go), if any.
	fault *jobFault
}

// jobFault is a fault injected inside a recovery plan job: its kind (FaultJobSourceDown,
// FaultJobPCRestart, FaultJobStuck) and how long it lasts.
type jobFault struct {
	kind    string
	latency time.Duration
}

// jobFaultInjector, set by faults.go, consumes the fault a job created while serving the
// request in ctx must suffer, if any.
var jobFaultInjector func(w *World, ctx context.Context) *jobFault

// jobMessage is a recovery_plan_validation_message.
type jobMessage struct {
	typ        string // ENTITY, NETWORK, RECOVERY_POINT, CATEGORY, CONNECTIVITY, INFRASTRUCTURE
	message    string
	refs       []reference
	impact     string
	cause      string
	resolution string
}

type jobPhase struct {
	status  string
	percent int
	steps   []*jobStep
}

type jobStep struct {
	uuid, parent string
	seq          int64
	op           string
	message      string
	status       string
	percent      int
	start, end   time.Time
	refs         []reference
	recovered    []recoveredInfo
	errCode      string
	errDetail    string
}

// recoveredInfo is a recovered_entity_information item.
type recoveredInfo struct {
	source reference
	uuid   string
	name   string
	ips    []string
	err    string
}

type jobCleanup struct {
	status  string
	percent int
	phases  [3]*jobPhase
}

func newPhases() [3]*jobPhase {
	return [3]*jobPhase{{status: jobQueued}, {status: jobQueued}, {status: jobQueued}}
}

func (j *jobState) done() bool {
	switch j.status {
	case jobCompleted, jobFailed, jobAborted, jobCompletedWithWarning, jobFailedWithWarning:
		return true
	}
	return false
}

func jobOf(e *entity) *jobState {
	j, _ := e.data.(*jobState)
	return j
}

var jobKind = &kindSpec{
	name:   "recovery_plan_job",
	plural: "recovery_plan_jobs",
	opName: "RecoveryPlanJob",
	status: jobStatus,
	attrs: func(_ *PC, e *entity) map[string][]string {
		j := jobOf(e)
		return map[string][]string{
			"name": {j.name}, "action_type": {j.action}, "status": {j.status}, "initiator": {j.initiator},
			"recovery_plan_uuid": {j.plan.UUID}, "recovery_plan_name": {j.plan.Name},
			"start_time": {fmt.Sprint(j.created.UnixMicro())},
		}
	},
	known: []string{"name", "action_type", "status", "initiator", "recovery_plan_uuid", "recovery_plan_name", "start_time"},
}

func init() {
	registerKind(jobKind)
}

// jobRequest is a checked job spec.
type jobRequest struct {
	name                        string
	planUUID                    string
	action                      string
	failedURL, recoveryURL      string
	failedClusters, recClusters []string
	refTime                     *time.Time
	cont                        bool
}

// jobParams is the v3 path of a job's execution parameters, which the model's messages name.
const jobParams = "spec.resources.execution_parameters"

// newJobLocked checks a job request against this PC (the plan, its availability zones,
// no other job of the plan running) and adds the job, QUEUED, with a task that starts it.
// The caller holds the PC's mutex.
func (pc *PC) newJobLocked(ctx context.Context, id string, req jobRequest, snap *snapshot, initiator, witness string, parent *entity) (*task, error) {
	if me := pc.drRequired("", "running recovery plans"); me != nil {
		return nil, me
	}
	if existing := pc.findEntityLocked(id); existing != nil {
		return nil, existsError(existing.kind.name, id)
	}
	plan := pc.entityLocked(planKind, req.planUUID)
	if plan == nil || plan.committed == nil {
		return nil, &modelError{Kind: errInvalid, Field: "spec.resources.recovery_plan_reference",
			Message: fmt.Sprintf("spec.resources.recovery_plan_reference: recovery plan %s does not exist on this Prism Central: run the job on the Prism Central of the recovery availability zone, where the plan is synced", req.planUUID),
			Details: map[string]string{"recovery_plan_uuid": req.planUUID}}
	}
	p := pc.planOfLocked(plan.uuid, plan.current())
	failed, _ := pc.azTargetLocked(req.failedURL)
	recovery, _ := pc.azTargetLocked(req.recoveryURL)
	switch {
	case failed == "":
		return nil, unknownAZ(jobParams+".failed_availability_zone_list[0]", req.failedURL)
	case recovery == "":
		return nil, unknownAZ(jobParams+".recovery_availability_zone_list[0]", req.recoveryURL)
	case failed == recovery:
		return nil, invalid("%s: the failed and the recovery availability zone are the same (%s)", jobParams, pc.siteLabelLocked(failed))
	case !contains(p.sites(), failed) || !contains(p.sites(), recovery):
		return nil, invalid("%s: availability zones %s and %s are not the locations of recovery plan %s",
			jobParams, pc.siteLabelLocked(failed), pc.siteLabelLocked(recovery), plan.current().name)
	case recovery != pc.Name():
		return nil, invalid("%s.recovery_availability_zone_list: run the job on the Prism Central of the recovery availability zone (%s), not on %s",
			jobParams, pc.siteLabelLocked(recovery), pc.Name())
	}
	for i, c := range req.recClusters {
		if _, apiErr := pc.aosClusterLocked(fmt.Sprintf("%s.recovery_availability_zone_list[0].cluster_reference_list[%d]", jobParams, i),
			&refView{UUID: c}); apiErr != nil {
			return nil, apiErr
		}
	}
	if other := pc.runningJobLocked(plan.uuid); other != nil {
		return nil, &modelError{Kind: errConflict, Entity: jobKind.name, ID: other.uuid,
			Message: fmt.Sprintf("recovery plan %s already has a running job: %s %s (%s) is %s; wait for it to end",
				plan.current().name, jobOf(other).action, jobOf(other).name, other.uuid, jobOf(other).status),
			Details: map[string]string{"recovery_plan_job_uuid": other.uuid}}
	}
	now := pc.w.clock.Now()
	planSpec := decodeObject(plan.current().spec)
	j := &jobState{
		name: req.name, action: req.action, plan: plan.ref(),
		planSpec:  map[string]any{"name": plan.current().name, "resources": planSpec["resources"]},
		failedURL: req.failedURL, recoveryURL: req.recoveryURL, failedSite: failed, recoverySite: recovery,
		failedClusters: req.failedClusters, recoveryClusters: req.recClusters, refTime: req.refTime,
		continueOnFailure: req.cont, initiator: initiator, witness: witness,
		status: jobQueued, created: now, phases: newPhases(),
	}
	if d, ok := planSpec["description"]; ok {
		j.planSpec["description"] = d
	}
	if req.action != actionValidate && jobFaultInjector != nil {
		j.fault = jobFaultInjector(pc.w, ctx)
	}
	refs := []reference{}
	if parent != nil {
		pj := jobOf(parent)
		pref := parent.ref()
		j.parent, j.root = &pref, &pref
		if pj.root != nil {
			root := *pj.root
			j.root = &root
		}
	}
	e := &entity{kind: jobKind, uuid: id, created: now, intent: snap, committed: snap, data: j}
	snap.name = req.name
	pc.addEntityLocked(e)
	refs = append(refs, e.ref())
	if parent != nil {
		refs = append(refs, parent.ref())
	}
	refs = append(refs, plan.ref())
	t := pc.startTask(ctx, jobKind.opName+"Create", refs, taskWork{
		run: func() error {
			if pc.entityLocked(jobKind, e.uuid) != e || j.status != jobQueued {
				return nil
			}
			if !pc.w.goBackground(func(wctx context.Context) { pc.runJob(wctx, e) }) {
				return failf(errUnavailable, "", "Prism Central is shutting down")
			}
			return nil
		},
		// A job whose task failed never runs: it ends FAILED rather than staying QUEUED, which
		// would hold the plan (one job of a plan at a time) for ever.
		abandon: func() {
			if j.status != jobQueued {
				return
			}
			j.errors = append(j.errors, jobMessage{typ: "INFRASTRUCTURE",
				message: "the task that starts the job failed: the job did not run; run it again"})
			for _, ph := range j.phases {
				ph.status = jobAborted
			}
			j.status, j.percent, j.ended = jobFailed, 100, pc.w.clock.Now()
		},
	})
	return t, nil
}

// runningJobLocked returns a job of the plan that has not ended, or nil.
func (pc *PC) runningJobLocked(planUUID string) *entity {
	for _, e := range pc.entitiesLocked(jobKind) {
		if j := jobOf(e); j.plan.UUID == planUUID && !j.done() {
			return e
		}
	}
	return nil
}

// createJob accepts a recovery plan job asked for by a user: it checks the job's categories
// and its request against this PC, and returns the uuid of the task that starts it.
func (pc *PC) createJob(ctx context.Context, id string, req jobRequest, snap *snapshot) (string, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if me := pc.checkCategoriesLocked(snap.categories); me != nil {
		return "", me
	}
	t, err := pc.newJobLocked(ctx, id, req, snap, initiatorUser, "", nil)
	if err != nil {
		return "", err
	}
	return t.uuid, nil
}

// deleteJob removes a job that has ended, and returns the uuid of the task that does.
func (pc *PC) deleteJob(ctx context.Context, id string) (string, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e := pc.entityLocked(jobKind, id)
	if e == nil {
		return "", notFoundError(jobKind.name, id)
	}
	j := jobOf(e)
	if !j.done() || (j.cleanup != nil && j.cleanup.status == jobRunning) {
		return "", &modelError{Kind: errConflict, Entity: jobKind.name, ID: id,
			Message: fmt.Sprintf("recovery plan job %s is %s: delete it once it has ended", id, j.status)}
	}
	if e.deleting {
		return "", &modelError{Kind: errConflict, Entity: jobKind.name, ID: id,
			Message: fmt.Sprintf("recovery plan job %s is already being deleted", id)}
	}
	e.deleting = true
	t := pc.startTask(ctx, jobKind.opName+"Delete", []reference{e.ref()}, taskWork{
		run:     func() error { pc.removeEntityLocked(e); return nil },
		abandon: func() { e.deleting = false },
	})
	return t.uuid, nil
}

// liveJobLocked returns the job id unless it does not exist or is being deleted.
func (pc *PC) liveJobLocked(id string) (*entity, error) {
	e := pc.entityLocked(jobKind, id)
	if e == nil || e.deleting {
		return nil, notFoundError(jobKind.name, id)
	}
	return e, nil
}

// cleanupJob starts the cleanup of a test failover job, and returns its task's uuid.
func (pc *PC) cleanupJob(ctx context.Context, id string) (string, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, err := pc.liveJobLocked(id)
	if err != nil {
		return "", err
	}
	t, err := pc.startCleanupLocked(ctx, e)
	if err != nil {
		return "", err
	}
	return t.uuid, nil
}

// rerunJob runs a MIGRATE, FAILOVER or TEST_FAILOVER job that has ended again, as a new job
// newID, and returns the uuid of the task that starts it.
func (pc *PC) rerunJob(ctx context.Context, id, newID string, continueOnValidationFailure bool) (string, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, err := pc.liveJobLocked(id)
	if err != nil {
		return "", err
	}
	j := jobOf(e)
	switch j.action {
	case actionMigrate, actionFailover, actionTestFailover:
	default:
		return "", failf(errInvalid, "", "a %s job cannot be rerun: rerun applies to MIGRATE, FAILOVER and TEST_FAILOVER jobs", j.action)
	}
	if !j.done() {
		return "", &modelError{Kind: errConflict, Entity: jobKind.name, ID: id,
			Message: fmt.Sprintf("recovery plan job %s is %s: rerun it once it has ended", id, j.status)}
	}
	req := jobRequest{name: j.name, planUUID: j.plan.UUID, action: j.action, failedURL: j.failedURL, recoveryURL: j.recoveryURL,
		failedClusters: j.failedClusters, recClusters: j.recoveryClusters, refTime: j.refTime,
		cont: continueOnValidationFailure}
	snap := &snapshot{spec: e.current().spec, categories: map[string][]string{}, updated: pc.w.clock.Now()}
	t, err := pc.newJobLocked(ctx, newID, req, snap, j.initiator, j.witness, e)
	if err != nil {
		return "", err
	}
	return t.uuid, nil
}

// stepStatus maps a job status to the narrower enum of phases and steps.
var stepStatus = v3.StepStatus

func phasesStatus(status string, percent int, phases [3]*jobPhase) map[string]any {
	out := map[string]any{"status": status, "percentage_complete": percent}
	for i, name := range []string{"preprocessing_status", "operation_status", "postprocessing_status"} {
		out[name] = map[string]any{"status": stepStatus(phases[i].status), "percentage_complete": phases[i].percent}
	}
	return out
}

func (m jobMessage) render() map[string]any {
	refs := m.refs
	if refs == nil {
		refs = []reference{}
	}
	out := map[string]any{"message": m.message, "validation_type": m.typ, "affected_any_reference_list": refs}
	if m.impact != "" {
		out["impact_message_list"] = []string{m.impact}
	}
	if m.cause != "" {
		cr := map[string]any{"cause": m.cause}
		if m.resolution != "" {
			cr["resolution_list"] = []string{m.resolution}
		}
		out["cause_and_resolution_message_list"] = []any{cr}
	}
	return out
}

// jobStatus renders recovery_plan_job_def_status.
func jobStatus(_ *PC, e *entity) map[string]any {
	j := jobOf(e)
	spec := decodeObject(e.current().spec)
	res := spec["resources"]
	if res == nil {
		res = map[string]any{}
	}
	errs, warns := []any{}, []any{}
	for _, m := range j.errors {
		errs = append(errs, m.render())
	}
	for _, m := range j.warnings {
		warns = append(warns, m.render())
	}
	st := map[string]any{
		"name":                        j.name,
		"resources":                   res,
		"start_time":                  formatTime(j.created),
		"execution_status":            phasesStatus(j.status, j.percent, j.phases),
		"validation_information":      map[string]any{"errors_list": errs, "warnings_list": warns},
		"recovery_plan_specification": j.planSpec,
		// Not in the spec: who started the job.
		"initiator": j.initiator,
	}
	if !j.ended.IsZero() {
		st["end_time"] = formatTime(j.ended)
	}
	if j.witness != "" {
		st["witness_address"] = j.witness
	}
	if j.parent != nil {
		st["parent_recovery_plan_job_reference"] = *j.parent
		st["root_recovery_plan_job_reference"] = *j.root
	}
	if j.cleanup != nil {
		st["cleanup_status"] = phasesStatus(j.cleanup.status, j.cleanup.percent, j.cleanup.phases)
	}
	if j.dataLoss != nil {
		// Not in the spec either: the data-loss window of a failover, in seconds.
		st["data_loss_window_secs"] = j.dataLoss.Seconds()
	}
	return st
}

// startCleanupLocked starts the cleanup of a test failover: its task removes the clones
// the job created at this PC.
func (pc *PC) startCleanupLocked(ctx context.Context, e *entity) (*task, error) {
	j := jobOf(e)
	if j.action != actionTestFailover {
		return nil, failf(errInvalid, "", "recovery plan job %s is a %s job: only a TEST_FAILOVER job has test VMs to clean up", e.uuid, j.action)
	}
	if !j.done() {
		return nil, &modelError{Kind: errConflict, Entity: jobKind.name, ID: e.uuid,
			Message: fmt.Sprintf("recovery plan job %s is %s: clean it up once it has ended", e.uuid, j.status)}
	}
	if j.cleanup != nil && j.cleanup.status != jobFailed {
		return nil, &modelError{Kind: errConflict, Entity: jobKind.name, ID: e.uuid,
			Message: fmt.Sprintf("recovery plan job %s has been cleaned up already (cleanup %s)", e.uuid, j.cleanup.status)}
	}
	now := pc.w.clock.Now()
	c := &jobCleanup{status: jobRunning, phases: newPhases()}
	j.cleanup = c
	c.phases[phasePre].status, c.phases[phasePre].percent = jobCompleted, 100
	c.phases[phaseOperation].status = jobRunning
	step := &jobStep{uuid: newUUID(), op: "ENTITIES_CLEANUP", status: jobRunning, start: now, refs: append([]reference(nil), j.clones...),
		message: fmt.Sprintf("Removing %d test VM(s) of the test failover", len(j.clones))}
	j.stepSeq++
	step.seq = j.stepSeq
	c.phases[phaseOperation].steps = []*jobStep{step}
	t := pc.startTask(ctx, jobKind.opName+"Cleanup", []reference{e.ref()}, taskWork{
		run: func() error {
			removed := 0
			for _, ref := range j.clones {
				if vm := pc.entityLocked(vmKind, ref.UUID); vm != nil {
					pc.removeVMLocked(vm)
					removed++
				}
			}
			end := pc.w.clock.Now()
			step.status, step.percent, step.end = jobCompleted, 100, end
			step.message = fmt.Sprintf("Removed %d test VM(s) of the test failover", removed)
			for _, ph := range c.phases {
				ph.status, ph.percent = jobCompleted, 100
			}
			c.status, c.percent = jobCompleted, 100
			return nil
		},
		abandon: func() {
			step.status, step.end, step.errCode, step.errDetail = jobFailed, pc.w.clock.Now(), "INTERNAL_ERROR", "the cleanup task failed"
			c.phases[phaseOperation].status = jobFailed
			c.status = jobFailed
		},
	})
	return t, nil
}

// removeVMLocked deletes a VM of this PC (a VM that failed over elsewhere, or a test clone).
func (pc *PC) removeVMLocked(vm *entity) {
	pc.removeEntityLocked(vm)
	delete(pc.vmClusters, vm.uuid)
}

// jobSpecJSON builds a job spec as a client sends it (witness-initiated jobs).
func jobSpecJSON(name, planUUID, planName, action, failedURL, recoveryURL string) json.RawMessage {
	spec := map[string]any{
		"name": name,
		"resources": map[string]any{
			"recovery_plan_reference": reference{Kind: planKind.name, UUID: planUUID, Name: planName},
			"execution_parameters": map[string]any{
				"failed_availability_zone_list":         []any{map[string]any{"availability_zone_url": failedURL}},
				"recovery_availability_zone_list":       []any{map[string]any{"availability_zone_url": recoveryURL}},
				"action_type":                           action,
				"should_continue_on_validation_failure": false,
			},
		},
	}
	data, _ := json.Marshal(spec)
	return data
}

// CreateJob implements v3.Backend: it accepts a recovery plan job asked for by a user.
func (pc *PC) CreateJob(ctx context.Context, id string, r v3.JobRequest, in v3.Intent) (string, error) {
	req := jobRequest{name: r.Name, planUUID: r.PlanUUID, action: r.Action, failedURL: r.FailedURL,
		recoveryURL: r.RecoveryURL, failedClusters: r.FailedClusters, recClusters: r.RecoveryClusters,
		refTime: r.RefTime, cont: r.Continue}
	return pc.createJob(ctx, id, req, pc.snapshotOf(in))
}

// DeleteJob implements v3.Backend.
func (pc *PC) DeleteJob(ctx context.Context, id string) (string, error) { return pc.deleteJob(ctx, id) }

// CleanupJob implements v3.Backend.
func (pc *PC) CleanupJob(ctx context.Context, id string) (string, error) {
	return pc.cleanupJob(ctx, id)
}

// RerunJob implements v3.Backend.
func (pc *PC) RerunJob(ctx context.Context, id, newID string, continueOnValidationFailure bool) (string, error) {
	return pc.rerunJob(ctx, id, newID, continueOnValidationFailure)
}

// JobPhases implements v3.Backend: the phases of a job, or of its cleanup (none before
// it has one).
func (pc *PC) JobPhases(id string, cleanup bool) ([]v3.JobPhase, error) {
	var out []v3.JobPhase
	err := pc.viewEntity(jobKind, id, func(e *entity) {
		j := jobOf(e)
		phases := j.phases
		if cleanup {
			if j.cleanup == nil {
				return
			}
			phases = j.cleanup.phases
		}
		for _, ph := range phases {
			vp := v3.JobPhase{Status: ph.status, Percent: ph.percent, Steps: []v3.JobStep{}}
			for _, s := range ph.steps {
				vp.Steps = append(vp.Steps, s.v3())
			}
			out = append(out, vp)
		}
	})
	return out, err
}

func (s *jobStep) v3() v3.JobStep {
	out := v3.JobStep{UUID: s.uuid, Parent: s.parent, Seq: s.seq, Operation: s.op, Message: s.message,
		Status: s.status, Percent: s.percent, Start: s.start, End: s.end, ErrorCode: s.errCode, ErrorDetail: s.errDetail}
	for _, r := range s.refs {
		out.Entities = append(out.Entities, v3.Reference(r))
	}
	for _, r := range s.recovered {
		out.Recovered = append(out.Recovered, v3.RecoveredEntity{Source: v3.Reference(r.source), UUID: r.uuid,
			Name: r.name, IPs: r.ips, Error: r.err})
	}
	return out
}
