package v3

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// Recovery plan jobs: read through the generic handlers; created, deleted, cleaned up and
// rerun here, and their phases' step trees (execution_status, cleanup_status).

// JobRequest is a checked job spec, as the model takes it.
type JobRequest struct {
	Name, PlanUUID, Action string
	// FailedURL and RecoveryURL are the availability zones' uuids, with clusters of each.
	FailedURL, RecoveryURL           string
	FailedClusters, RecoveryClusters []string
	RefTime                          *time.Time // recovery_reference_time, UTC
	Continue                         bool       // should_continue_on_validation_failure
}

// JobPhase is a phase of a job (preprocessing, operation, postprocessing) or of its
// cleanup, with its steps.
type JobPhase struct {
	Status  string
	Percent int
	Steps   []JobStep
}

// JobStep is a step of a phase.
type JobStep struct {
	UUID, Parent           string
	Seq                    int64
	Operation, Message     string
	Status                 string
	Percent                int
	Start, End             time.Time // zero until then
	Entities               []Reference
	Recovered              []RecoveredEntity
	ErrorCode, ErrorDetail string
}

// RecoveredEntity is what a step recovered of a source entity: the entity it made (UUID,
// Name, IPs), or why it could not (Error).
type RecoveredEntity struct {
	Source Reference
	UUID   string
	Name   string
	IPs    []string
	Error  string
}

// JobBackend is what the v3 wire needs of a PC for recovery plan jobs beyond the generic
// handlers. Each mutation answers the uuid of the task that carries it out.
type JobBackend interface {
	CreateJob(ctx context.Context, id string, req JobRequest, in Intent) (taskID string, err error)
	DeleteJob(ctx context.Context, id string) (taskID string, err error)
	CleanupJob(ctx context.Context, id string) (taskID string, err error)
	RerunJob(ctx context.Context, id, newID string, continueOnValidationFailure bool) (taskID string, err error)
	// JobPhases returns the three phases of job id, or of its cleanup (none before it has one).
	JobPhases(id string, cleanup bool) ([]JobPhase, error)
}

const (
	jobKind    = "recovery_plan_job"
	maxJobName = 64
	jobParams  = "spec.resources.execution_parameters"
)

// jobActions are the spec's action_type values.
var jobActions = []string{"VALIDATE", "MIGRATE", "FAILOVER", "TEST_FAILOVER", "LIVE_MIGRATE"}

func init() {
	addRoutes(
		route(http.MethodPost, "/recovery_plan_jobs", jobKind, handleCreateJob),
		route(http.MethodDelete, "/recovery_plan_jobs/{uuid}", jobKind, handleDeleteJob),
		route(http.MethodGet, "/recovery_plan_jobs/{uuid}/{status}", jobKind, handleJobSteps),
		route(http.MethodPost, "/recovery_plan_jobs/{uuid}/{action}", jobKind, handleJobAction),
	)
}

// The part of a job spec the emulator interprets.
type jobSpecView struct {
	Name      *string `json:"name"`
	Resources *struct {
		RecoveryPlanReference *Reference `json:"recovery_plan_reference"`
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
	AvailabilityZoneURL  string      `json:"availability_zone_url"`
	ClusterReferenceList []Reference `json:"cluster_reference_list"`
}

// checkJobSpec checks a job spec's shape.
func checkJobSpec(raw []byte) (JobRequest, *Error) {
	var spec jobSpecView
	var req JobRequest
	if err := model.DecodeStrict(raw, &spec); err != nil {
		return req, ValidationError("spec: %v", err)
	}
	if spec.Name == nil || *spec.Name == "" {
		return req, ValidationError("spec.name is required")
	}
	if len(*spec.Name) > maxJobName {
		return req, ValidationError("spec.name is longer than %d characters", maxJobName)
	}
	req.Name = *spec.Name
	r := spec.Resources
	if r == nil {
		return req, ValidationError("spec.resources is required")
	}
	if r.RecoveryPlanReference == nil || !model.IsUUID(r.RecoveryPlanReference.UUID) {
		return req, ValidationError("spec.resources.recovery_plan_reference.uuid is required: the uuid of the recovery plan to run")
	}
	if k := r.RecoveryPlanReference.Kind; k != "" && k != "recovery_plan" {
		return req, ValidationError("spec.resources.recovery_plan_reference.kind must be %q, got %q", "recovery_plan", k)
	}
	req.PlanUUID = model.NormUUID(r.RecoveryPlanReference.UUID)
	p := r.ExecutionParameters
	if p == nil {
		return req, ValidationError("%s is required", jobParams)
	}
	if !slices.Contains(jobActions, p.ActionType) {
		return req, ValidationError("%s.action_type must be one of %s, got %q", jobParams, strings.Join(jobActions, ", "), p.ActionType)
	}
	req.Action = p.ActionType
	for _, l := range []struct {
		field    string
		list     []jobAZView
		url      *string
		clusters *[]string
	}{
		{"failed_availability_zone_list", p.FailedAZList, &req.FailedURL, &req.FailedClusters},
		{"recovery_availability_zone_list", p.RecoveryAZList, &req.RecoveryURL, &req.RecoveryClusters},
	} {
		field := jobParams + "." + l.field
		if len(l.list) != 1 {
			return req, ValidationError("%s must name exactly one availability zone, got %d", field, len(l.list))
		}
		if !model.IsUUID(l.list[0].AvailabilityZoneURL) {
			return req, ValidationError("%s[0].availability_zone_url is required: the uuid of an availability zone", field)
		}
		if apiErr := checkClusterRefs(field+"[0].cluster_reference_list", l.list[0].ClusterReferenceList); apiErr != nil {
			return req, apiErr
		}
		*l.url = model.NormUUID(l.list[0].AvailabilityZoneURL)
		for _, c := range l.list[0].ClusterReferenceList {
			*l.clusters = append(*l.clusters, model.NormUUID(c.UUID))
		}
	}
	if s := p.RecoveryReferenceTime; s != nil && *s != "" {
		t, err := time.Parse(time.RFC3339, *s)
		if err != nil {
			return req, ValidationError("%s.recovery_reference_time must be a date-time like 2024-05-01T14:00:00Z, got %q", jobParams, *s)
		}
		if req.Action != "FAILOVER" && req.Action != "TEST_FAILOVER" {
			return req, InvalidArgument("%s.recovery_reference_time applies to FAILOVER and TEST_FAILOVER only, not %s", jobParams, req.Action)
		}
		t = t.UTC()
		req.RefTime = &t
	}
	req.Continue = p.ShouldContinue != nil && *p.ShouldContinue
	return req, nil
}

// checkClusterRefs checks the shape of a list of cluster references.
func checkClusterRefs(field string, refs []Reference) *Error {
	for j, ref := range refs {
		if ref.Kind != "" && ref.Kind != "cluster" {
			return ValidationError("%s[%d].kind must be \"cluster\", got %q", field, j, ref.Kind)
		}
		if !model.IsUUID(ref.UUID) {
			return ValidationError("%s[%d].uuid %q is not a UUID", field, j, ref.UUID)
		}
	}
	return nil
}

func handleCreateJob(rq Request) (int, any, error) {
	meta, in, apiErr := DecodeIntent(rq, jobKind)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	req, apiErr := checkJobSpec(in.Spec)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	id, apiErr := NewEntityUUID(meta)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	taskUUID, err := rq.PC.CreateJob(rq.Ctx(), id, req, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, map[string]string{"task_uuid": taskUUID}, nil
}

func handleDeleteJob(rq Request) (int, any, error) {
	id, apiErr := rq.UUIDParam()
	if apiErr != nil {
		return 0, nil, apiErr
	}
	taskUUID, err := rq.PC.DeleteJob(rq.Ctx(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"task_uuid": taskUUID}, nil
}

// handleJobAction answers POST /recovery_plan_jobs/{uuid}/cleanup and /rerun.
func handleJobAction(rq Request) (int, any, error) {
	id, apiErr := rq.UUIDParam()
	if apiErr != nil {
		return 0, nil, apiErr
	}
	var in struct {
		RerunUUID    string `json:"rerun_recovery_plan_job_uuid"`
		RerunOnError *bool  `json:"should_continue_rerun_on_validation_failure"`
	}
	if apiErr := rq.Decode(&in); apiErr != nil {
		return 0, nil, apiErr
	}
	action := rq.Param("action")
	if action != "cleanup" && action != "rerun" {
		return 0, nil, ValidationError("action must be cleanup or rerun, got %q", action)
	}
	if in.RerunUUID != "" && !model.IsUUID(in.RerunUUID) {
		return 0, nil, ValidationError("rerun_recovery_plan_job_uuid %q is not a UUID", in.RerunUUID)
	}
	var taskUUID string
	var err error
	if action == "cleanup" {
		taskUUID, err = rq.PC.CleanupJob(rq.Ctx(), id)
	} else {
		newID := model.NewUUID()
		if in.RerunUUID != "" {
			newID = model.NormUUID(in.RerunUUID)
		}
		taskUUID, err = rq.PC.RerunJob(rq.Ctx(), id, newID, in.RerunOnError != nil && *in.RerunOnError)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, map[string]string{"task_uuid": taskUUID}, nil
}

// handleJobSteps answers GET /recovery_plan_jobs/{uuid}/execution_status and
// /cleanup_status with the phases' step trees.
func handleJobSteps(rq Request) (int, any, error) {
	id, apiErr := rq.UUIDParam()
	if apiErr != nil {
		return 0, nil, apiErr
	}
	which := rq.Param("status")
	if which != "execution_status" && which != "cleanup_status" {
		return 0, nil, ValidationError("status must be execution_status or cleanup_status, got %q", which)
	}
	phases, err := rq.PC.JobPhases(id, which == "cleanup_status")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderJobSteps(phases), nil
}

// renderJobSteps renders the step trees of a job's phases (which: execution_status) or of
// its cleanup's (cleanup_status).
func renderJobSteps(phases []JobPhase) map[string]any {
	out := map[string]any{}
	if len(phases) == 0 {
		// No cleanup yet: no phases. prism-go-client reads this path for any job.
		return out
	}
	for i, name := range []string{"preprocessing_status", "operation_status", "postprocessing_status"} {
		ph := phases[i]
		steps := []any{}
		for _, s := range ph.Steps {
			steps = append(steps, renderStep(s))
		}
		out[name] = map[string]any{"status": StepStatus(ph.Status), "percentage_complete": ph.Percent, "step_execution_status_list": steps}
	}
	return out
}

// StepStatus maps a job status to the narrower enum of phases and steps.
func StepStatus(s string) string {
	if s == "FAILED_WITH_WARNING" {
		return "FAILED"
	}
	return s
}

func renderStep(s JobStep) map[string]any {
	out := map[string]any{
		"step_uuid": s.UUID, "step_sequence_number": s.Seq, "operation_type": s.Operation, "status": StepStatus(s.Status),
		"percentage_complete": s.Percent, "message": s.Message,
	}
	if s.Parent != "" {
		out["parent_step_uuid"] = s.Parent
	}
	if !s.Start.IsZero() {
		out["start_time"] = FormatTime(s.Start)
	}
	if !s.End.IsZero() {
		out["end_time"] = FormatTime(s.End)
	}
	refs := s.Entities
	if refs == nil {
		refs = []Reference{}
	}
	out["any_entity_reference_list"] = refs
	if len(s.Recovered) > 0 {
		list := []any{}
		for _, r := range s.Recovered {
			item := map[string]any{"source_entity_reference": r.Source}
			if r.UUID != "" {
				ips := r.IPs
				if ips == nil {
					ips = []string{}
				}
				// ip_address_list is not in the spec: the addresses the entity got.
				item["recovered_entity_info"] = map[string]any{"entity_uuid": r.UUID, "entity_name": r.Name, "ip_address_list": ips}
			}
			if r.Error != "" {
				item["error_detail"] = r.Error
			}
			list = append(list, item)
		}
		out["recovered_entity_info_list"] = list
	}
	if s.ErrorCode != "" {
		out["error_code"] = s.ErrorCode
	}
	if s.ErrorDetail != "" {
		out["error_detail"] = s.ErrorDetail
	}
	return out
}
