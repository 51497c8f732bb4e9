package prismsim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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

var jobActions = []string{actionValidate, actionMigrate, actionFailover, actionTestFailover, actionLiveMigrate}

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
	registerAPI(http.MethodPost, "/recovery_plan_jobs", jobKind.name, handleCreateJob)
	registerAPI(http.MethodDelete, "/recovery_plan_jobs/{uuid}", jobKind.name, handleDeleteJob)
	registerAPI(http.MethodGet, "/recovery_plan_jobs/{uuid}/{status}", jobKind.name, handleJobSteps)
	registerAPI(http.MethodPost, "/recovery_plan_jobs/{uuid}/{action}", jobKind.name, handleJobAction)
}

// The part of a job spec the emulator interprets.
type jobSpecView struct {
	Name      *string `json:"name"`
	Resources *struct {
		RecoveryPlanReference *refView `json:"recovery_plan_reference"`
		ExecutionParameters   *struct {
			FailedAZList          []jobAZView `json:"failed_availability_zone_list"`
			RecoveryAZList        []jobAZView `json:"recovery_availability_zone_list"`
			ActionType            string      `json:"action_type"`
			RecoveryReferenceTime *string     `json:"recovery_reference_time"`
			ShouldContinue        *bool       `json:"should_continue_on_validation_failure"`
		} `json:"execution_parameters"`
	} `json:"resources"`
}

type jobAZView struct {
	AvailabilityZoneURL  string    `json:"availability_zone_url"`
	ClusterReferenceList []refView `json:"cluster_reference_list"`
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

const jobParams = "spec.resources.execution_parameters"

// checkJobSpec checks a job spec's shape.
func checkJobSpec(raw []byte) (jobRequest, *apiError) {
	var spec jobSpecView
	var req jobRequest
	if err := decodeStrictTypes(raw, &spec); err != nil {
		return req, validationError("spec: %v", err)
	}
	if spec.Name == nil || *spec.Name == "" {
		return req, validationError("spec.name is required")
	}
	if len(*spec.Name) > maxJobName {
		return req, validationError("spec.name is longer than %d characters", maxJobName)
	}
	req.name = *spec.Name
	r := spec.Resources
	if r == nil {
		return req, validationError("spec.resources is required")
	}
	if r.RecoveryPlanReference == nil || !isUUID(r.RecoveryPlanReference.UUID) {
		return req, validationError("spec.resources.recovery_plan_reference.uuid is required: the uuid of the recovery plan to run")
	}
	if k := r.RecoveryPlanReference.Kind; k != "" && k != planKind.name {
		return req, validationError("spec.resources.recovery_plan_reference.kind must be %q, got %q", planKind.name, k)
	}
	req.planUUID = normUUID(r.RecoveryPlanReference.UUID)
	p := r.ExecutionParameters
	if p == nil {
		return req, validationError("%s is required", jobParams)
	}
	if !contains(jobActions, p.ActionType) {
		return req, validationError("%s.action_type must be one of %s, got %q", jobParams, strings.Join(jobActions, ", "), p.ActionType)
	}
	req.action = p.ActionType
	for _, l := range []struct {
		field    string
		list     []jobAZView
		url      *string
		clusters *[]string
	}{
		{"failed_availability_zone_list", p.FailedAZList, &req.failedURL, &req.failedClusters},
		{"recovery_availability_zone_list", p.RecoveryAZList, &req.recoveryURL, &req.recClusters},
	} {
		field := jobParams + "." + l.field
		if len(l.list) != 1 {
			return req, validationError("%s must name exactly one availability zone, got %d", field, len(l.list))
		}
		if !isUUID(l.list[0].AvailabilityZoneURL) {
			return req, validationError("%s[0].availability_zone_url is required: the uuid of an availability zone", field)
		}
		if me := checkClusterRefs(field+"[0].cluster_reference_list", l.list[0].ClusterReferenceList); me != nil {
			return req, v3Error(me)
		}
		*l.url = normUUID(l.list[0].AvailabilityZoneURL)
		*l.clusters = refUUIDs(l.list[0].ClusterReferenceList)
	}
	if s := p.RecoveryReferenceTime; s != nil && *s != "" {
		t, err := time.Parse(time.RFC3339, *s)
		if err != nil {
			return req, validationError("%s.recovery_reference_time must be a date-time like 2024-05-01T14:00:00Z, got %q", jobParams, *s)
		}
		if req.action != actionFailover && req.action != actionTestFailover {
			return req, invalidArgument("%s.recovery_reference_time applies to FAILOVER and TEST_FAILOVER only, not %s", jobParams, req.action)
		}
		t = t.UTC()
		req.refTime = &t
	}
	req.cont = p.ShouldContinue != nil && *p.ShouldContinue
	return req, nil
}

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
		return nil, invalidArgument("%s: the failed and the recovery availability zone are the same (%s)", jobParams, pc.siteLabelLocked(failed))
	case !contains(p.sites(), failed) || !contains(p.sites(), recovery):
		return nil, invalidArgument("%s: availability zones %s and %s are not the locations of recovery plan %s",
			jobParams, pc.siteLabelLocked(failed), pc.siteLabelLocked(recovery), plan.current().name)
	case recovery != pc.Name():
		return nil, invalidArgument("%s.recovery_availability_zone_list: run the job on the Prism Central of the recovery availability zone (%s), not on %s",
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
				return errorf(http.StatusServiceUnavailable, reasonServiceUnavailable, "Prism Central is shutting down")
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

func handleCreateJob(rq *request) (int, any, error) {
	meta, snap, apiErr := decodeIntent(rq, jobKind)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	req, apiErr := checkJobSpec(snap.spec)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	id, apiErr := v3.NewEntityUUID(meta)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	taskUUID, err := rq.pc.createJob(rq.ctx(), id, req, snap)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, map[string]string{"task_uuid": taskUUID}, nil
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

func handleDeleteJob(rq *request) (int, any, error) {
	id, apiErr := uuidParam(rq)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	taskUUID, err := rq.pc.deleteJob(rq.ctx(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"task_uuid": taskUUID}, nil
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

// handleJobAction answers POST /recovery_plan_jobs/{uuid}/cleanup and /rerun.
func handleJobAction(rq *request) (int, any, error) {
	id, apiErr := uuidParam(rq)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	var in struct {
		RerunUUID    string `json:"rerun_recovery_plan_job_uuid"`
		RerunOnError *bool  `json:"should_continue_rerun_on_validation_failure"`
	}
	if apiErr := rq.decode(&in); apiErr != nil {
		return 0, nil, apiErr
	}
	action := rq.param("action")
	if action != "cleanup" && action != "rerun" {
		return 0, nil, validationError("action must be cleanup or rerun, got %q", action)
	}
	if in.RerunUUID != "" && !isUUID(in.RerunUUID) {
		return 0, nil, validationError("rerun_recovery_plan_job_uuid %q is not a UUID", in.RerunUUID)
	}
	var taskUUID string
	var err error
	if action == "cleanup" {
		taskUUID, err = rq.pc.cleanupJob(rq.ctx(), id)
	} else {
		newID := newUUID()
		if in.RerunUUID != "" {
			newID = normUUID(in.RerunUUID)
		}
		taskUUID, err = rq.pc.rerunJob(rq.ctx(), id, newID, in.RerunOnError != nil && *in.RerunOnError)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, map[string]string{"task_uuid": taskUUID}, nil
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

// handleJobSteps answers GET /recovery_plan_jobs/{uuid}/execution_status and
// /cleanup_status with the phases' step trees.
func handleJobSteps(rq *request) (int, any, error) {
	id, apiErr := uuidParam(rq)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	which := rq.param("status")
	if which != "execution_status" && which != "cleanup_status" {
		return 0, nil, validationError("status must be execution_status or cleanup_status, got %q", which)
	}
	var out map[string]any
	if err := rq.pc.viewEntity(jobKind, id, func(e *entity) { out = renderJobSteps(jobOf(e), which) }); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

// renderJobSteps renders the step trees of a job's phases (which: execution_status) or of
// its cleanup's (cleanup_status).
func renderJobSteps(j *jobState, which string) map[string]any {
	phases := j.phases
	if which == "cleanup_status" {
		if j.cleanup == nil {
			// No cleanup yet: no phases. prism-go-client reads this path for any job.
			return map[string]any{}
		}
		phases = j.cleanup.phases
	}
	out := map[string]any{}
	for i, name := range []string{"preprocessing_status", "operation_status", "postprocessing_status"} {
		ph := phases[i]
		steps := []any{}
		for _, s := range ph.steps {
			steps = append(steps, s.render())
		}
		out[name] = map[string]any{"status": stepStatus(ph.status), "percentage_complete": ph.percent, "step_execution_status_list": steps}
	}
	return out
}

// stepStatus maps a job status to the narrower enum of phases and steps.
func stepStatus(s string) string {
	if s == jobFailedWithWarning {
		return jobFailed
	}
	return s
}

func (s *jobStep) render() map[string]any {
	out := map[string]any{
		"step_uuid": s.uuid, "step_sequence_number": s.seq, "operation_type": s.op, "status": stepStatus(s.status),
		"percentage_complete": s.percent, "message": s.message,
	}
	if s.parent != "" {
		out["parent_step_uuid"] = s.parent
	}
	if !s.start.IsZero() {
		out["start_time"] = formatTime(s.start)
	}
	if !s.end.IsZero() {
		out["end_time"] = formatTime(s.end)
	}
	refs := s.refs
	if refs == nil {
		refs = []reference{}
	}
	out["any_entity_reference_list"] = refs
	if len(s.recovered) > 0 {
		list := []any{}
		for _, r := range s.recovered {
			item := map[string]any{"source_entity_reference": r.source}
			if r.uuid != "" {
				ips := r.ips
				if ips == nil {
					ips = []string{}
				}
				// ip_address_list is not in the spec: the addresses the entity got.
				item["recovered_entity_info"] = map[string]any{"entity_uuid": r.uuid, "entity_name": r.name, "ip_address_list": ips}
			}
			if r.err != "" {
				item["error_detail"] = r.err
			}
			list = append(list, item)
		}
		out["recovered_entity_info_list"] = list
	}
	if s.errCode != "" {
		out["error_code"] = s.errCode
	}
	if s.errDetail != "" {
		out["error_detail"] = s.errDetail
	}
	return out
}

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
