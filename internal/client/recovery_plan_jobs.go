package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Action types of a recovery plan job (execution_parameters.action_type).
const (
	// JobActionValidate checks the plan (entities, networks, categories,
	// recovery points) and changes nothing.
	JobActionValidate = "VALIDATE"
	// JobActionMigrate is a planned failover: the VMs are powered off at
	// the source, synchronized one last time and recovered.
	JobActionMigrate = "MIGRATE"
	// JobActionFailover is an unplanned failover from the latest recovery
	// point at or before the recovery reference time.
	JobActionFailover = "FAILOVER"
	// JobActionTestFailover recovers clones into the test networks; a
	// cleanup removes them.
	JobActionTestFailover = "TEST_FAILOVER"
	// JobActionLiveMigrate moves running VMs (synchronous replication).
	JobActionLiveMigrate = "LIVE_MIGRATE"
)

// JobActionTypes lists every action type, for validators.
var JobActionTypes = []string{JobActionValidate, JobActionMigrate, JobActionFailover, JobActionTestFailover, JobActionLiveMigrate}

// Statuses of a recovery plan job, of its phases, steps and cleanup.
const (
	JobStatusQueued               = "QUEUED"
	JobStatusRunning              = "RUNNING"
	JobStatusCompleted            = "COMPLETED"
	JobStatusFailed               = "FAILED"
	JobStatusAborted              = "ABORTED"
	JobStatusCompletedWithWarning = "COMPLETED_WITH_WARNING"
	JobStatusFailedWithWarning    = "FAILED_WITH_WARNING"
)

// JobStatuses lists every job status.
var JobStatuses = []string{JobStatusQueued, JobStatusRunning, JobStatusCompleted, JobStatusFailed, JobStatusAborted, JobStatusCompletedWithWarning, JobStatusFailedWithWarning}

// Phases of a job's execution, in the order they run.
const (
	JobPhasePreprocessing  = "PREPROCESSING"
	JobPhaseOperation      = "OPERATION"
	JobPhasePostprocessing = "POSTPROCESSING"
)

// Who started a job (RecoveryPlanJob.Initiator).
const (
	// JobInitiatorUser is a job started through the API or the console.
	JobInitiatorUser = "user"
	// JobInitiatorWitness is a job a witness started on its own after the
	// primary site was lost (status.witness_address is set).
	JobInitiatorWitness = "witness"
)

const (
	jobKind     = "recovery_plan_job"
	jobPath     = "/recovery_plan_jobs"
	maxJobName  = 64
	jobWaitMin  = 100 * time.Millisecond
	jobWaitMax  = 2 * time.Second
	jobStepsURL = "execution_status"
	jobCleanURL = "cleanup_status"
)

// kindRecoveryPlanJob declares the recovery plan job: started by
// StartRecoveryPlanJob (a create that is not a plain one), read with its
// step trees by readJob, and listed and deleted through the flow.
var kindRecoveryPlanJob = &entityKind[RecoveryPlanJob, RecoveryPlanJob]{noun: "recovery plan job", v3: v3RecoveryPlanJobs,
	v4: v4RecoveryPlanJobs, wire: KindFailovers}

// v3RecoveryPlanJobs is the recovery plan job on the v3 wire: kind
// recovery_plan_job.
var v3RecoveryPlanJobs = &v3Kind[RecoveryPlanJob, RecoveryPlanJob, jobJSON]{kind: jobKind, decode: (*jobJSON).toJob}

func jobEntityPath(id string) string { return v3RecoveryPlanJobs.path(id) }

// FailoverInput is what starting a recovery plan job needs. Jobs run on the
// Prism Central of the recovery site, where the plan is synchronized; a
// FAILOVER works there while the failed site is down.
type FailoverInput struct {
	// RecoveryPlanUUID is the plan to run.
	RecoveryPlanUUID string
	// ActionType is one of JobActionTypes.
	ActionType string
	// FailedAZUUID and RecoveryAZUUID are the availability zones to fail
	// over from and to, as the Prism Central running the job names them.
	FailedAZUUID   string
	RecoveryAZUUID string
	// FailedClusterUUIDs and RecoveryClusterUUIDs narrow the zones to
	// clusters; needed when both sides are managed by the same zone.
	FailedClusterUUIDs   []string
	RecoveryClusterUUIDs []string
	// RecoveryReferenceTime picks the latest recovery point at or before
	// it (FAILOVER and TEST_FAILOVER only); nil means now. It is sent in
	// whole seconds, rounded down.
	RecoveryReferenceTime *time.Time
	// ContinueOnValidationFailure runs the job despite validation errors
	// (should_continue_on_validation_failure; always sent).
	ContinueOnValidationFailure bool
	// Name is the job's name, at most 64 characters; a name made of the
	// action and the time is used when empty.
	Name string
	// UUID is the job's metadata.uuid; the client chooses one when empty.
	// Giving the same uuid again cannot start a second job.
	UUID string
}

// RecoveryPlanJob is one run of a recovery plan: a validation, failover,
// test failover or migration.
type RecoveryPlanJob struct {
	UUID string
	Name string
	// RecoveryPlanUUID and RecoveryPlanName name the plan that ran.
	RecoveryPlanUUID string
	RecoveryPlanName string
	// ActionType is one of JobActionTypes.
	ActionType string
	// FailedAZUUID and RecoveryAZUUID are the first zones of the failed
	// and recovery lists; the cluster lists are theirs.
	FailedAZUUID                string
	RecoveryAZUUID              string
	FailedClusterUUIDs          []string
	RecoveryClusterUUIDs        []string
	RecoveryReferenceTime       *time.Time
	ContinueOnValidationFailure bool

	// Status is execution_status.status, one of JobStatuses; "" until the
	// server reports one.
	Status             string
	PercentageComplete int
	// Phases are the statuses of the preprocessing, operation and
	// postprocessing phases the server reports, in that order.
	Phases []JobPhase
	// Initiator is JobInitiatorWitness when a witness started the job, or
	// what the server reports in the status' initiator field, or else
	// JobInitiatorUser.
	Initiator string
	// WitnessAddress is the witness that started the job, if one did.
	WitnessAddress string
	// ParentJobUUID is the job this one reruns; RootJobUUID the first job
	// of the chain of reruns.
	ParentJobUUID string
	RootJobUUID   string
	CreationTime  time.Time
	StartTime     time.Time
	EndTime       time.Time

	// Errors and Warnings are the validation messages, each rendered on
	// one line with its type, affected entities, causes and resolutions.
	Errors   []string
	Warnings []string
	// ValidationErrors and ValidationWarnings are the same messages as
	// reported.
	ValidationErrors   []JobValidationMessage
	ValidationWarnings []JobValidationMessage

	// Steps is the step tree of GET /recovery_plan_jobs/{uuid}/execution_status,
	// flattened depth first, phase by phase; nil when the server did not
	// report it.
	Steps []JobStep
	// CurrentStep names the step running now (the deepest running one),
	// for progress; "" when none is.
	CurrentStep string
	// RecoveredVMs are the VMs the steps report as recovered (or failed
	// to recover), in step order.
	RecoveredVMs []RecoveredVM
	// DataLossWindow is, for an unplanned failover, the time between the
	// recovery point used and the failure or reference time, when the
	// server reports it (status.data_loss_window_secs, an extension).
	DataLossWindow *time.Duration

	// CleanupStatus is cleanup_status.status of a test failover: "" until
	// a cleanup was asked for.
	CleanupStatus             string
	CleanupPercentageComplete int
	// CleanupSteps is the step tree of the cleanup, when there is one.
	CleanupSteps []JobStep
}

// JobPhase is the status of one phase of a job.
type JobPhase struct {
	// Name is one of JobPhasePreprocessing, JobPhaseOperation and
	// JobPhasePostprocessing.
	Name               string
	Status             string
	PercentageComplete int
}

// JobValidationMessage is an error or warning of a plan's validation.
type JobValidationMessage struct {
	// Type is validation_type: ENTITY, NETWORK, RECOVERY_POINT,
	// CATEGORY, CONNECTIVITY, INFRASTRUCTURE or LICENSE.
	Type     string
	Message  string
	Entities []Reference
	Impacts  []string
	Causes   []JobValidationCause
}

// JobValidationCause is a cause of a validation message and how to
// resolve it.
type JobValidationCause struct {
	Cause       string
	Resolutions []string
}

// String renders the message on one line.
func (m JobValidationMessage) String() string {
	var b strings.Builder
	if m.Type != "" {
		b.WriteString(m.Type)
		b.WriteString(": ")
	}
	b.WriteString(strings.TrimSpace(m.Message))
	if names := referenceNames(m.Entities); len(names) > 0 {
		fmt.Fprintf(&b, " (affects %s)", strings.Join(names, ", "))
	}
	for _, s := range m.Impacts {
		if s = strings.TrimSpace(s); s != "" {
			b.WriteString("; impact: ")
			b.WriteString(s)
		}
	}
	for _, c := range m.Causes {
		if c.Cause != "" {
			b.WriteString("; cause: ")
			b.WriteString(strings.TrimSpace(c.Cause))
		}
		if len(c.Resolutions) > 0 {
			b.WriteString("; resolution: ")
			b.WriteString(strings.Join(c.Resolutions, " "))
		}
	}
	return b.String()
}

// referenceNames names each reference by its name, else its uuid.
func referenceNames(refs []Reference) []string {
	var out []string
	for _, r := range refs {
		if n := firstNonEmpty(r.Name, r.UUID); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// JobStep is one step of a job's execution.
type JobStep struct {
	UUID       string
	ParentUUID string
	// Phase is the phase the step belongs to (JobPhase* constants).
	Phase string
	// Depth is 0 for a root step (a stage of the operation phase), 1 for
	// its sub-steps and so on.
	Depth int
	// Sequence is step_sequence_number among its siblings.
	Sequence int64
	// OperationType is e.g. STAGE_RECOVERY, ENTITY_RECOVERY, VM_POWER_ON,
	// DELAY.
	OperationType string
	// Name describes the step: its message, or else its operation type
	// and the names of its entities.
	Name               string
	Message            string
	Status             string
	PercentageComplete int
	ErrorCode          string
	ErrorDetail        string
	StartTime          time.Time
	EndTime            time.Time
	// Entities are the entities the step acts on.
	Entities []Reference
	// Recovered are the entities the step recovered.
	Recovered []RecoveredEntity
}

// failed reports a step that failed or was aborted.
func (s *JobStep) failed() bool {
	return s.Status == JobStatusFailed || s.Status == JobStatusAborted
}

// RecoveredEntity is an entity a step recovered: the source entity and
// what it became.
type RecoveredEntity struct {
	SourceKind string
	SourceUUID string
	SourceName string
	UUID       string
	Name       string
	// IPAddresses are the recovered entity's addresses, when the server
	// reports them (recovered_entity_info.ip_address_list, an extension).
	IPAddresses []string
	// Error is error_detail: why the entity could not be recovered.
	Error string
}

// RecoveredVM is a VM a job recovered.
type RecoveredVM struct {
	// Name and UUID are the recovered VM's, as the recovery site names it.
	Name string
	UUID string
	// SourceName and SourceUUID are the VM it was recovered from.
	SourceName string
	SourceUUID string
	// AZUUID is the recovery availability zone of the job.
	AZUUID string
	// IPAddresses are set when the job reports them; otherwise read the
	// VM.
	IPAddresses []string
	// Error is set when the VM could not be recovered.
	Error string
}

// Done reports whether the job reached a final status.
func (j *RecoveryPlanJob) Done() bool { return jobStatusDone(j.Status) }

// Failed reports a job that ended without doing what was asked: a failed
// or aborted job, or one that completed with validation errors it was not
// told to ignore (a VALIDATE that found errors).
func (j *RecoveryPlanJob) Failed() bool {
	switch j.Status {
	case JobStatusFailed, JobStatusAborted, JobStatusFailedWithWarning:
		return true
	case JobStatusCompleted, JobStatusCompletedWithWarning:
		return len(j.Errors) > 0 && (j.ActionType == JobActionValidate || !j.ContinueOnValidationFailure)
	}
	return false
}

func jobStatusDone(s string) bool {
	switch s {
	case JobStatusCompleted, JobStatusFailed, JobStatusAborted, JobStatusCompletedWithWarning, JobStatusFailedWithWarning:
		return true
	}
	return false
}

// JobError is a recovery plan job (or its cleanup) that failed. Its text
// lists the validation errors and the errors of the failed steps.
type JobError struct {
	// Operation is what the client was doing, e.g. "waiting for the
	// MIGRATE job j1 of recovery plan rp".
	Operation  string
	JobUUID    string
	JobName    string
	ActionType string
	// Cleanup is set when the failure is that of a test failover's
	// cleanup rather than of the job.
	Cleanup bool
	// Status is the final status of the job or of its cleanup.
	Status string
	// Errors and Warnings are the job's validation messages, rendered.
	Errors   []string
	Warnings []string
	// FailedSteps are the steps that failed and say why.
	FailedSteps []JobStep
}

// Error names the job, its status, the PC's validation errors and the
// step errors, and says what to do.
func (e *JobError) Error() string {
	var b strings.Builder
	writeOperation(&b, e.Operation)
	what := "recovery plan job"
	if e.Cleanup {
		what = "the cleanup of recovery plan job"
	}
	name := e.JobUUID
	if e.JobName != "" && e.JobName != e.JobUUID {
		name = fmt.Sprintf("%s (%s)", e.JobName, e.JobUUID)
	}
	fmt.Fprintf(&b, "%s %s ended %s", what, name, firstNonEmpty(e.Status, "without a status"))
	if !e.Cleanup && e.Status != "" && !slices.Contains([]string{JobStatusFailed, JobStatusAborted, JobStatusFailedWithWarning}, e.Status) && len(e.Errors) > 0 {
		b.WriteString(" with validation errors")
	}
	if len(e.Errors) > 0 {
		b.WriteString("; validation errors: ")
		writeNumbered(&b, e.Errors)
	}
	if len(e.FailedSteps) > 0 {
		b.WriteString("; failed steps: ")
		steps := make([]string, 0, len(e.FailedSteps))
		for i := range e.FailedSteps {
			steps = append(steps, describeFailedStep(&e.FailedSteps[i]))
		}
		writeNumbered(&b, steps)
	}
	if len(e.Warnings) > 0 {
		b.WriteString("; warnings: ")
		writeNumbered(&b, e.Warnings)
	}
	if len(e.Errors) == 0 && len(e.FailedSteps) == 0 {
		b.WriteString("; Prism Central gave no reason")
	}
	if e.Cleanup {
		b.WriteString("; see the job in Prism Central (Recovery Plans > the plan > Reports), remove what is left of the test VMs or run the cleanup again")
	} else {
		b.WriteString("; fix the causes (see the job in Prism Central, Recovery Plans > the plan > Reports) and run again")
	}
	return b.String()
}

func writeNumbered(b *strings.Builder, items []string) {
	for i, s := range items {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(b, "(%d) %s", i+1, s)
	}
}

func describeFailedStep(s *JobStep) string {
	var parts []string
	label := firstNonEmpty(s.Name, s.OperationType, s.UUID)
	if s.Phase != "" && s.Phase != JobPhaseOperation {
		label = strings.ToLower(s.Phase) + " " + label
	}
	parts = append(parts, label)
	if s.Status != JobStatusFailed {
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
			parts = append(parts, firstNonEmpty(r.SourceName, r.SourceUUID)+": "+r.Error)
		}
	}
	return strings.Join(parts, ": ")
}

// jobError builds the *JobError of a failed job.
func jobError(op string, j *RecoveryPlanJob) *JobError {
	return &JobError{
		Operation:   op,
		JobUUID:     j.UUID,
		JobName:     j.Name,
		ActionType:  j.ActionType,
		Status:      j.Status,
		Errors:      j.Errors,
		Warnings:    j.Warnings,
		FailedSteps: failedSteps(j.Steps),
	}
}

// failedSteps returns the failed steps that say why they failed; when none
// does, the failed steps none of whose sub-steps failed.
func failedSteps(steps []JobStep) []JobStep {
	var explained, leaves []JobStep
	failedChild := map[string]bool{}
	for i := range steps {
		if steps[i].failed() && steps[i].ParentUUID != "" {
			failedChild[steps[i].ParentUUID] = true
		}
	}
	for i := range steps {
		s := &steps[i]
		hasReason := s.ErrorCode != "" || s.ErrorDetail != "" || slices.ContainsFunc(s.Recovered, func(r RecoveredEntity) bool { return r.Error != "" })
		switch {
		case hasReason && (s.failed() || s.Status == ""):
			explained = append(explained, *s)
		case s.failed() && !failedChild[s.UUID]:
			leaves = append(leaves, *s)
		}
	}
	if len(explained) > 0 {
		return explained
	}
	return leaves
}

// Wire format.

type jobAZJSON struct {
	AvailabilityZoneURL  string          `json:"availability_zone_url"`
	ClusterReferenceList []referenceJSON `json:"cluster_reference_list,omitempty"`
}

type jobExecutionParamsJSON struct {
	FailedAZList                      []jobAZJSON `json:"failed_availability_zone_list"`
	RecoveryAZList                    []jobAZJSON `json:"recovery_availability_zone_list"`
	ActionType                        string      `json:"action_type"`
	RecoveryReferenceTime             string      `json:"recovery_reference_time,omitempty"`
	ShouldContinueOnValidationFailure bool        `json:"should_continue_on_validation_failure"`
}

type jobResourcesJSON struct {
	RecoveryPlanReference *referenceJSON         `json:"recovery_plan_reference"`
	ExecutionParameters   jobExecutionParamsJSON `json:"execution_parameters"`
}

type jobSpecJSON struct {
	Name      string            `json:"name"`
	Resources *jobResourcesJSON `json:"resources"`
}

type jobStepStatusJSON struct {
	Status             string `json:"status"`
	PercentageComplete int    `json:"percentage_complete"`
}

type jobPhasesStatusJSON struct {
	Status               string             `json:"status"`
	PercentageComplete   int                `json:"percentage_complete"`
	PreprocessingStatus  *jobStepStatusJSON `json:"preprocessing_status"`
	OperationStatus      *jobStepStatusJSON `json:"operation_status"`
	PostprocessingStatus *jobStepStatusJSON `json:"postprocessing_status"`
}

func (p *jobPhasesStatusJSON) phases() []JobPhase {
	var out []JobPhase
	for _, ph := range []struct {
		name string
		st   *jobStepStatusJSON
	}{{JobPhasePreprocessing, p.PreprocessingStatus}, {JobPhaseOperation, p.OperationStatus}, {JobPhasePostprocessing, p.PostprocessingStatus}} {
		if ph.st != nil {
			out = append(out, JobPhase{Name: ph.name, Status: ph.st.Status, PercentageComplete: ph.st.PercentageComplete})
		}
	}
	return out
}

type jobValidationMessageJSON struct {
	Message                       string          `json:"message"`
	ValidationType                string          `json:"validation_type"`
	AffectedAnyReferenceList      []referenceJSON `json:"affected_any_reference_list"`
	ImpactMessageList             []string        `json:"impact_message_list"`
	CauseAndResolutionMessageList []struct {
		Cause          string   `json:"cause"`
		ResolutionList []string `json:"resolution_list"`
	} `json:"cause_and_resolution_message_list"`
}

func (m *jobValidationMessageJSON) toMessage() JobValidationMessage {
	out := JobValidationMessage{Type: m.ValidationType, Message: m.Message, Impacts: m.ImpactMessageList}
	for i := range m.AffectedAnyReferenceList {
		out.Entities = append(out.Entities, m.AffectedAnyReferenceList[i].toReference())
	}
	for _, c := range m.CauseAndResolutionMessageList {
		out.Causes = append(out.Causes, JobValidationCause{Cause: c.Cause, Resolutions: c.ResolutionList})
	}
	return out
}

type jobStatusJSON struct {
	Name                  string `json:"name"`
	ValidationInformation *struct {
		ErrorsList   []jobValidationMessageJSON `json:"errors_list"`
		WarningsList []jobValidationMessageJSON `json:"warnings_list"`
	} `json:"validation_information"`
	CleanupStatus             *jobPhasesStatusJSON `json:"cleanup_status"`
	StartTime                 string               `json:"start_time"`
	EndTime                   string               `json:"end_time"`
	ExecutionStatus           *jobPhasesStatusJSON `json:"execution_status"`
	RecoveryPlanSpecification *struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"recovery_plan_specification"`
	ParentRecoveryPlanJobReference *referenceJSON    `json:"parent_recovery_plan_job_reference"`
	RootRecoveryPlanJobReference   *referenceJSON    `json:"root_recovery_plan_job_reference"`
	WitnessAddress                 string            `json:"witness_address"`
	Resources                      *jobResourcesJSON `json:"resources"`
	// Extensions: who started the job, and the data-loss window of an
	// unplanned failover in seconds.
	Initiator          string   `json:"initiator"`
	DataLossWindowSecs *float64 `json:"data_loss_window_secs"`
}

type jobJSON struct {
	APIVersion string `json:"api_version"`
	Metadata   struct {
		entityMetadata
		CreationTime string `json:"creation_time"`
	} `json:"metadata"`
	Spec   *jobSpecJSON   `json:"spec"`
	Status *jobStatusJSON `json:"status"`
}

func (j *jobJSON) looksLikeV3() bool {
	return j.Metadata.UUID != "" || j.Metadata.Kind != "" || j.Status != nil || j.Spec != nil
}

// toJob converts the entity; id is the uuid asked for, for an entity that
// names none.
func (j *jobJSON) toJob(id string) RecoveryPlanJob {
	out := RecoveryPlanJob{UUID: firstNonEmpty(j.Metadata.UUID, id), CreationTime: parseTime(j.Metadata.CreationTime, 0)}
	st := j.Status
	if st == nil {
		st = &jobStatusJSON{}
	}
	var res *jobResourcesJSON
	if j.Spec != nil {
		out.Name = j.Spec.Name
		res = j.Spec.Resources
	}
	out.Name = firstNonEmpty(st.Name, out.Name, j.Metadata.Name)
	if st.Resources != nil {
		res = st.Resources
	}
	if res != nil {
		if r := res.RecoveryPlanReference; r != nil {
			out.RecoveryPlanUUID, out.RecoveryPlanName = r.UUID, r.Name
		}
		p := &res.ExecutionParameters
		out.ActionType = p.ActionType
		out.ContinueOnValidationFailure = p.ShouldContinueOnValidationFailure
		if len(p.FailedAZList) > 0 {
			out.FailedAZUUID, out.FailedClusterUUIDs = p.FailedAZList[0].AvailabilityZoneURL, referenceUUIDs(p.FailedAZList[0].ClusterReferenceList)
		}
		if len(p.RecoveryAZList) > 0 {
			out.RecoveryAZUUID, out.RecoveryClusterUUIDs = p.RecoveryAZList[0].AvailabilityZoneURL, referenceUUIDs(p.RecoveryAZList[0].ClusterReferenceList)
		}
		if t := parseTime(p.RecoveryReferenceTime, 0); !t.IsZero() {
			out.RecoveryReferenceTime = &t
		}
	}
	if s := st.RecoveryPlanSpecification; s != nil && out.RecoveryPlanName == "" {
		out.RecoveryPlanName = s.Name
	}
	if e := st.ExecutionStatus; e != nil {
		out.Status, out.PercentageComplete, out.Phases = e.Status, e.PercentageComplete, e.phases()
	}
	if c := st.CleanupStatus; c != nil {
		out.CleanupStatus, out.CleanupPercentageComplete = c.Status, c.PercentageComplete
	}
	if v := st.ValidationInformation; v != nil {
		for i := range v.ErrorsList {
			m := v.ErrorsList[i].toMessage()
			out.ValidationErrors = append(out.ValidationErrors, m)
			out.Errors = append(out.Errors, m.String())
		}
		for i := range v.WarningsList {
			m := v.WarningsList[i].toMessage()
			out.ValidationWarnings = append(out.ValidationWarnings, m)
			out.Warnings = append(out.Warnings, m.String())
		}
	}
	out.WitnessAddress = st.WitnessAddress
	switch {
	case st.WitnessAddress != "":
		out.Initiator = JobInitiatorWitness
	case st.Initiator != "":
		out.Initiator = st.Initiator
	default:
		out.Initiator = JobInitiatorUser
	}
	if r := st.ParentRecoveryPlanJobReference; r != nil {
		out.ParentJobUUID = r.UUID
	}
	if r := st.RootRecoveryPlanJobReference; r != nil {
		out.RootJobUUID = r.UUID
	}
	out.StartTime = parseTime(st.StartTime, 0)
	out.EndTime = parseTime(st.EndTime, 0)
	if s := st.DataLossWindowSecs; s != nil && *s >= 0 {
		d := time.Duration(*s * float64(time.Second)).Round(time.Millisecond)
		out.DataLossWindow = &d
	}
	return out
}

func referenceUUIDs(refs []referenceJSON) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.UUID)
	}
	return out
}

type jobStepJSON struct {
	StepUUID                string          `json:"step_uuid"`
	ParentStepUUID          string          `json:"parent_step_uuid"`
	StepSequenceNumber      int64           `json:"step_sequence_number"`
	OperationType           string          `json:"operation_type"`
	Status                  string          `json:"status"`
	PercentageComplete      int             `json:"percentage_complete"`
	Message                 string          `json:"message"`
	ErrorCode               string          `json:"error_code"`
	ErrorDetail             string          `json:"error_detail"`
	StartTime               string          `json:"start_time"`
	EndTime                 string          `json:"end_time"`
	AnyEntityReferenceList  []referenceJSON `json:"any_entity_reference_list"`
	RecoveredEntityInfoList []struct {
		ErrorDetail           string         `json:"error_detail"`
		SourceEntityReference *referenceJSON `json:"source_entity_reference"`
		RecoveredEntityInfo   *struct {
			EntityUUID    string   `json:"entity_uuid"`
			EntityName    string   `json:"entity_name"`
			IPAddressList []string `json:"ip_address_list"`
		} `json:"recovered_entity_info"`
	} `json:"recovered_entity_info_list"`
}

func (s *jobStepJSON) toStep(phase string) JobStep {
	out := JobStep{
		UUID: s.StepUUID, ParentUUID: s.ParentStepUUID, Phase: phase, Sequence: s.StepSequenceNumber,
		OperationType: s.OperationType, Message: s.Message, Status: s.Status, PercentageComplete: s.PercentageComplete,
		ErrorCode: s.ErrorCode, ErrorDetail: s.ErrorDetail,
		StartTime: parseTime(s.StartTime, 0), EndTime: parseTime(s.EndTime, 0),
	}
	for i := range s.AnyEntityReferenceList {
		out.Entities = append(out.Entities, s.AnyEntityReferenceList[i].toReference())
	}
	for _, r := range s.RecoveredEntityInfoList {
		e := RecoveredEntity{Error: r.ErrorDetail}
		if src := r.SourceEntityReference; src != nil {
			e.SourceKind, e.SourceUUID, e.SourceName = src.Kind, src.UUID, src.Name
		}
		if info := r.RecoveredEntityInfo; info != nil {
			e.UUID, e.Name, e.IPAddresses = info.EntityUUID, info.EntityName, info.IPAddressList
		}
		out.Recovered = append(out.Recovered, e)
	}
	out.Name = strings.TrimSpace(s.Message)
	if out.Name == "" {
		out.Name = s.OperationType
		if names := referenceNames(out.Entities); len(names) > 0 {
			out.Name = strings.TrimSpace(out.Name + " " + strings.Join(names, ", "))
		}
	}
	return out
}

type jobPhaseStepsJSON struct {
	Status                  string        `json:"status"`
	PercentageComplete      int           `json:"percentage_complete"`
	StepExecutionStatusList []jobStepJSON `json:"step_execution_status_list"`
}

// jobStepsJSON is the answer of GET /recovery_plan_jobs/{uuid}/execution_status
// and /cleanup_status.
type jobStepsJSON struct {
	PreprocessingStatus  *jobPhaseStepsJSON `json:"preprocessing_status"`
	OperationStatus      *jobPhaseStepsJSON `json:"operation_status"`
	PostprocessingStatus *jobPhaseStepsJSON `json:"postprocessing_status"`
}

// steps flattens the step trees of every phase.
func (s *jobStepsJSON) steps() []JobStep {
	out := []JobStep{}
	for _, ph := range []struct {
		name string
		st   *jobPhaseStepsJSON
	}{{JobPhasePreprocessing, s.PreprocessingStatus}, {JobPhaseOperation, s.OperationStatus}, {JobPhasePostprocessing, s.PostprocessingStatus}} {
		if ph.st == nil {
			continue
		}
		steps := make([]JobStep, 0, len(ph.st.StepExecutionStatusList))
		for i := range ph.st.StepExecutionStatusList {
			steps = append(steps, ph.st.StepExecutionStatusList[i].toStep(ph.name))
		}
		out = append(out, flattenSteps(steps)...)
	}
	return out
}

// flattenSteps orders steps depth first from the roots (steps without a
// known parent), siblings by sequence number then as listed, and sets
// their depth. Steps caught in a cycle come last.
func flattenSteps(steps []JobStep) []JobStep {
	known := make(map[string]bool, len(steps))
	for i := range steps {
		if steps[i].UUID != "" {
			known[steps[i].UUID] = true
		}
	}
	children := map[string][]int{}
	var roots []int
	for i := range steps {
		p := steps[i].ParentUUID
		if p == "" || !known[p] || p == steps[i].UUID {
			roots = append(roots, i)
		} else {
			children[p] = append(children[p], i)
		}
	}
	bySequence := func(list []int) {
		slices.SortStableFunc(list, func(a, b int) int {
			switch {
			case steps[a].Sequence < steps[b].Sequence:
				return -1
			case steps[a].Sequence > steps[b].Sequence:
				return 1
			}
			return 0
		})
	}
	out := make([]JobStep, 0, len(steps))
	seen := make([]bool, len(steps))
	var visit func(i, depth int)
	visit = func(i, depth int) {
		if seen[i] {
			return
		}
		seen[i] = true
		s := steps[i]
		s.Depth = depth
		out = append(out, s)
		if s.UUID == "" {
			return
		}
		kids := children[s.UUID]
		bySequence(kids)
		for _, k := range kids {
			visit(k, depth+1)
		}
	}
	bySequence(roots)
	for _, r := range roots {
		visit(r, 0)
	}
	for i := range steps {
		visit(i, 0)
	}
	return out
}

// setSteps records the step tree and what it tells: the step running now
// and the recovered VMs.
func (j *RecoveryPlanJob) setSteps(steps []JobStep) {
	j.Steps = steps
	if j.Status == JobStatusCompletedWithWarning {
		// A step that failed in a job that completed anyway (e.g. ENTITIES_CLEANUP when the
		// source site went down: the source VMs were not removed) is a warning the user must
		// see: validation_information does not carry it.
		failed := failedSteps(steps)
		for i := range failed {
			if w := describeFailedStep(&failed[i]); !slices.Contains(j.Warnings, w) {
				j.Warnings = append(j.Warnings, w)
			}
		}
	}
	j.CurrentStep = ""
	depth := -1
	for i := range steps {
		if steps[i].Status == JobStatusRunning && steps[i].Depth >= depth {
			j.CurrentStep, depth = steps[i].Name, steps[i].Depth
		}
	}
	j.RecoveredVMs = nil
	seen := map[string]bool{}
	for i := range steps {
		for _, r := range steps[i].Recovered {
			if r.SourceKind != "" && r.SourceKind != KindVM {
				continue
			}
			key := firstNonEmpty(r.UUID, r.SourceUUID+"/"+r.SourceName+"/"+r.Error)
			if seen[key] {
				continue
			}
			seen[key] = true
			j.RecoveredVMs = append(j.RecoveredVMs, RecoveredVM{
				Name: r.Name, UUID: r.UUID, SourceName: r.SourceName, SourceUUID: r.SourceUUID,
				AZUUID: j.RecoveryAZUUID, IPAddresses: r.IPAddresses, Error: r.Error,
			})
		}
	}
}

// progressKey changes whenever something a progress report shows changes.
func (j *RecoveryPlanJob) progressKey() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%d|%s|%s|%d", j.Status, j.PercentageComplete, j.CurrentStep, j.CleanupStatus, j.CleanupPercentageComplete)
	for _, p := range j.Phases {
		fmt.Fprintf(&b, "|%s=%s/%d", p.Name, p.Status, p.PercentageComplete)
	}
	for i := range j.Steps {
		fmt.Fprintf(&b, "|%s=%s/%d", j.Steps[i].UUID, j.Steps[i].Status, j.Steps[i].PercentageComplete)
	}
	return b.String()
}

// operation names the start of a job in messages.
func (in *FailoverInput) operation() string {
	return fmt.Sprintf("starting a %s job of recovery plan %s", firstNonEmpty(in.ActionType, "recovery"), in.RecoveryPlanUUID)
}

// validate checks the input before anything is sent.
func (in *FailoverInput) validate(op string) error {
	var problems []string
	if strings.TrimSpace(in.RecoveryPlanUUID) == "" {
		problems = append(problems, "the recovery plan uuid is empty")
	}
	if !slices.Contains(JobActionTypes, in.ActionType) {
		problems = append(problems, fmt.Sprintf("action type %q is not one of %s", in.ActionType, strings.Join(JobActionTypes, ", ")))
	}
	if strings.TrimSpace(in.FailedAZUUID) == "" {
		problems = append(problems, "the availability zone to fail over from is empty")
	}
	if strings.TrimSpace(in.RecoveryAZUUID) == "" {
		problems = append(problems, "the availability zone to recover to is empty")
	}
	if in.FailedAZUUID != "" && in.FailedAZUUID == in.RecoveryAZUUID && len(in.FailedClusterUUIDs) == 0 && len(in.RecoveryClusterUUIDs) == 0 {
		problems = append(problems, "the failed and recovery availability zones are the same: name the clusters of each side")
	}
	if in.RecoveryReferenceTime != nil {
		switch {
		case in.ActionType != JobActionFailover && in.ActionType != JobActionTestFailover:
			problems = append(problems, fmt.Sprintf("a recovery reference time only applies to %s and %s, not %s", JobActionFailover, JobActionTestFailover, in.ActionType))
		case in.RecoveryReferenceTime.IsZero():
			problems = append(problems, "the recovery reference time is the zero time")
		}
	}
	if n := len([]rune(in.Name)); n > maxJobName {
		problems = append(problems, fmt.Sprintf("the job name is %d characters long; at most %d are allowed", n, maxJobName))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", op, strings.Join(problems, "; "))
	}
	return nil
}

// spec builds the spec of the job to create.
func (in *FailoverInput) spec(now time.Time) jobSpecJSON {
	name := in.Name
	if name == "" {
		name = strings.ToLower(in.ActionType) + "-" + now.UTC().Format("20060102-150405")
	}
	clusters := func(ids []string) []referenceJSON {
		var out []referenceJSON
		for _, id := range ids {
			out = append(out, referenceJSON{Kind: "cluster", UUID: id})
		}
		return out
	}
	params := jobExecutionParamsJSON{
		FailedAZList:                      []jobAZJSON{{AvailabilityZoneURL: in.FailedAZUUID, ClusterReferenceList: clusters(in.FailedClusterUUIDs)}},
		RecoveryAZList:                    []jobAZJSON{{AvailabilityZoneURL: in.RecoveryAZUUID, ClusterReferenceList: clusters(in.RecoveryClusterUUIDs)}},
		ActionType:                        in.ActionType,
		ShouldContinueOnValidationFailure: in.ContinueOnValidationFailure,
	}
	if t := in.RecoveryReferenceTime; t != nil {
		params.RecoveryReferenceTime = t.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	return jobSpecJSON{Name: name, Resources: &jobResourcesJSON{
		RecoveryPlanReference: &referenceJSON{Kind: "recovery_plan", UUID: in.RecoveryPlanUUID},
		ExecutionParameters:   params,
	}}
}

// StartRecoveryPlanJob creates a recovery plan job and returns its uuid as
// soon as Prism Central has accepted it; WaitForRecoveryPlanJob follows it.
// The create carries a metadata.uuid (in.UUID or one chosen here), so a
// retry after a lost answer cannot start a second job. The job uuid is
// taken from the create task's entity_reference_list, or is the metadata
// uuid when the task names none.
//
// A refused create comes back as an *APIError (e.g. another job of the
// plan is running). When the create task fails, the error is the job's
// *JobError with the PC's validation errors if the job it made ended
// failed, else the *TaskError; the job's uuid comes with the error
// whenever the job can be read.
//
// A non-empty uuid together with an error means the job may exist: the
// create may have reached Prism Central (its answer was lost), or it was
// accepted and following its task failed (a time limit, a transport
// error) before the task named the job. The uuid is then the one the
// client chose (metadata.uuid), which is the job's: the caller must treat
// the job as possibly started (record it, check it) rather than start
// another. An empty uuid with an error means no job was started.
func (c *Client) StartRecoveryPlanJob(ctx context.Context, in FailoverInput) (string, error) {
	op := in.operation()
	if err := in.validate(op); err != nil {
		return "", err
	}
	if c.wire(ctx, KindFailovers) == WireV4 {
		id, err := c.v4StartJob(ctx, op, in)
		if !errors.Is(err, errNoV4Form) || !c.auto(KindFailovers) {
			return id, err
		}
		// Refused before anything was sent: v3 can say it.
	}
	id, task, err := c.createEntity(ctx, op, jobKind, in.spec(time.Now()), uuidMetadata(in.UUID))
	if err != nil {
		// createEntity returns the chosen uuid with the error when the
		// create may have landed: the job may exist.
		return id, err
	}
	if task == "" {
		// The create landed on an earlier attempt whose answer was lost.
		return id, nil
	}
	return c.jobFromTask(ctx, op, task, id, "")
}

// jobFromTask returns the job a create or rerun task names, or fallback
// when it names none. It returns as soon as the task names a job: on some
// Prism Centrals the task lasts as long as the job. exclude is a job uuid
// the task may also name that is not the one looked for (a rerun's parent).
//
// fallback is the uuid the client chose for the job, so it is the job's
// whenever the job exists: when the task cannot be read or followed (a
// time limit, a transport error) before it names the job, fallback comes
// back with the error, since the job may have started.
func (c *Client) jobFromTask(ctx context.Context, op, task, fallback, exclude string) (string, error) {
	pick := func(t *Task) string {
		var first string
		for _, r := range t.EntityReferences {
			if r.Kind != jobKind || r.UUID == "" || r.UUID == exclude {
				continue
			}
			if r.UUID == fallback {
				return r.UUID
			}
			if first == "" {
				first = r.UUID
			}
		}
		return first
	}
	failedTask := func(t *Task) bool { return t.Status == TaskFailed || t.Status == TaskAborted }
	// One read first: the long poll only answers once the task ends.
	t, err := c.getTask(ctx, op, task)
	if err != nil {
		// The create was accepted: the job may exist under the uuid chosen.
		return fallback, err
	}
	if id := pick(t); id != "" && !failedTask(t) {
		return id, nil
	}
	found := ""
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	final, err := c.WaitForTask(wctx, task, op, func(t Task) {
		if id := pick(&t); id != "" {
			found = id
			if !failedTask(&t) {
				cancel()
			}
		}
	})
	if err == nil {
		if id := pick(final); id != "" {
			return id, nil
		}
		return firstNonEmpty(found, fallback), nil
	}
	var te *TaskError
	if errors.As(err, &te) {
		return c.failedStart(ctx, op, firstNonEmpty(found, fallback), err)
	}
	if found != "" && ctx.Err() == nil {
		// Stopped on purpose: the task named the job.
		return found, nil
	}
	// Lost the task (time limit, transport error): the job may exist.
	return firstNonEmpty(found, fallback), err
}

// failedStart explains a create task that failed: through the job's own
// errors when the job exists, else through the task's.
func (c *Client) failedStart(ctx context.Context, op, id string, taskErr error) (string, error) {
	if id == "" {
		return "", taskErr
	}
	job, err := c.readJob(ctx, op, id, nil)
	if errors.Is(err, ErrNotFound) {
		return "", taskErr // The failed task made no job.
	}
	if err != nil {
		return id, taskErr // The job may exist: it could not be read.
	}
	if !job.Done() || !job.Failed() {
		return id, taskErr
	}
	return id, jobError(op, job)
}

// GetRecoveryPlanJob reads a job with its step tree (and its cleanup's,
// when a cleanup was asked for). A missing job gives an error matching
// ErrNotFound.
func (c *Client) GetRecoveryPlanJob(ctx context.Context, uuid string) (*RecoveryPlanJob, error) {
	return c.readJob(ctx, "reading recovery plan job "+uuid, uuid, nil)
}

// stepsSupport remembers, during one wait, whether the server offers the
// step trees.
type stepsSupport struct {
	unsupported bool
}

// readJob reads a job and its step trees. The step trees are left out
// (nil) when the server does not offer them.
func (c *Client) readJob(ctx context.Context, op, id string, sup *stepsSupport) (*RecoveryPlanJob, error) {
	job, err := c.getJob(ctx, op, id)
	if err != nil {
		return nil, err
	}
	if sup == nil {
		sup = &stepsSupport{}
	}
	if sup.unsupported {
		return job, nil
	}
	steps, answer, err := c.jobSteps(ctx, op, id, jobStepsURL)
	if err != nil {
		return nil, err
	}
	switch answer {
	case stepsUnsupported:
		sup.unsupported = true
		return job, nil
	case stepsRead:
		job.setSteps(steps)
		c.fillDataLossWindow(ctx, op, job)
	}
	if job.CleanupStatus != "" {
		cleanup, answer, err := c.jobSteps(ctx, op, id, jobCleanURL)
		if err != nil {
			return nil, err
		}
		if answer == stepsRead {
			job.CleanupSteps = cleanup
		}
	}
	return job, nil
}

func (c *Client) getJob(ctx context.Context, op, id string) (*RecoveryPlanJob, error) {
	return kindRecoveryPlanJob.flow(ctx, c).get(ctx, c, op, id)
}

// stepsAnswer tells what a read of a step tree found.
type stepsAnswer int

const (
	stepsRead        stepsAnswer = iota // The tree was read.
	stepsMissing                        // The job has no tree (yet): ENTITY_NOT_FOUND.
	stepsUnsupported                    // The server does not offer the route.
)

// jobSteps reads GET /recovery_plan_jobs/{uuid}/{which}.
func (c *Client) jobSteps(ctx context.Context, op, id, which string) ([]JobStep, stepsAnswer, error) {
	if c.wire(ctx, KindFailovers) == WireV4 {
		// v4 has the execution steps; a clean-up is an action on the plan, without steps.
		if which != jobStepsURL {
			return nil, stepsMissing, nil
		}
		steps, err := c.v4JobSteps(ctx, op, id)
		if err != nil {
			return nil, stepsMissing, err
		}
		return steps, stepsRead, nil
	}
	var s jobStepsJSON
	err := c.do(ctx, op, http.MethodGet, jobEntityPath(id)+"/"+which, nil, &s)
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.class != classAuth {
			switch {
			case errors.Is(err, ErrNotFound) && apiErr.HasReason(ReasonEntityNotFound):
				return nil, stepsMissing, nil
			case apiErr.StatusCode == http.StatusNotFound, apiErr.StatusCode == http.StatusMethodNotAllowed, apiErr.StatusCode == http.StatusNotImplemented:
				return nil, stepsUnsupported, nil
			}
		}
		return nil, stepsMissing, err
	}
	return s.steps(), stepsRead, nil
}

// WaitForRecoveryPlanJob reads the job until it reaches a final status and
// returns it with its step tree. It polls with a backoff from 100ms to 2s
// (back to 100ms whenever the job moves) and stops when ctx is done. The
// progress function may be nil; it is called with the job each time its
// status, percentage, phases, steps or current step change.
//
// A job that failed, was aborted, or completed with validation errors it
// was not told to ignore returns the job and a *JobError listing the PC's
// validation errors and the failed steps. When ctx ends first, the error
// wraps ctx's and the job as last seen is returned with it (nil if never
// read): the job keeps running in Prism Central.
//
// A Prism Central that stops answering while the job runs (it restarts: connections refused
// or dropped, 429 or 5xx without a v3 document, after each read's own retries) is waited for
// until ctx ends: it keeps its jobs, and ending the wait early would lose track of a job that
// completes. Each such read is logged as a warning.
func (c *Client) WaitForRecoveryPlanJob(ctx context.Context, uuid string, progress func(RecoveryPlanJob)) (*RecoveryPlanJob, error) {
	op := "waiting for recovery plan job " + uuid
	sup := &stepsSupport{}
	wait := jobWaitMin
	var last *RecoveryPlanJob
	lastKey := ""
	var outage error // The last unanswered read, while Prism Central does not answer.
	for {
		job, err := c.getJob(ctx, op, uuid)
		if err == nil && !sup.unsupported && job.Status != "" && job.Status != JobStatusQueued {
			var steps []JobStep
			var answer stepsAnswer
			steps, answer, err = c.jobSteps(ctx, op, uuid, jobStepsURL)
			switch {
			case err != nil:
			case answer == stepsRead:
				job.setSteps(steps)
			case answer == stepsUnsupported:
				sup.unsupported = true
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return last, jobWaitError(op, last, outageCause(ctx.Err(), outage))
			}
			if !unanswered(err) {
				return last, err
			}
			outage = err
			c.log.Warn(ctx, "Prism Central did not answer while a recovery plan job runs; waiting on until the time limit",
				map[string]any{"job_uuid": uuid, "error": err.Error()})
			// Each read has had its retries; the next one comes after the longest backoff.
			if waitFor(ctx, c.http.RetryWaitMax) != nil {
				return last, jobWaitError(op, last, outageCause(ctx.Err(), outage))
			}
			continue
		}
		outage = nil
		if job.Done() && job.CleanupStatus != "" && !sup.unsupported {
			if cleanup, answer, err := c.jobSteps(ctx, op, uuid, jobCleanURL); err == nil && answer == stepsRead {
				job.CleanupSteps = cleanup
			}
		}
		key := job.progressKey()
		changed := key != lastKey
		if changed && progress != nil {
			progress(*job)
		}
		last, lastKey = job, key
		if job.Done() {
			c.fillDataLossWindow(ctx, op, job)
			if job.Failed() {
				return job, jobError(jobOperation(job), job)
			}
			return job, nil
		}
		if changed {
			wait = jobWaitMin
		}
		if err := waitFor(ctx, wait); err != nil {
			return last, jobWaitError(op, last, ctx.Err())
		}
		if !changed {
			wait = min(wait*2, jobWaitMax)
		}
	}
}

// jobOperation names a job in messages: "MIGRATE of recovery plan rp".
func jobOperation(j *RecoveryPlanJob) string {
	plan := firstNonEmpty(j.RecoveryPlanName, j.RecoveryPlanUUID)
	switch {
	case j.ActionType != "" && plan != "":
		return fmt.Sprintf("%s of recovery plan %s", j.ActionType, plan)
	case plan != "":
		return "recovery plan " + plan
	}
	return ""
}

func jobWaitError(op string, last *RecoveryPlanJob, err error) error {
	seen := "no status seen yet"
	if last != nil {
		seen = fmt.Sprintf("last seen %s, %d%%", firstNonEmpty(last.Status, "without a status"), last.PercentageComplete)
		if last.CurrentStep != "" {
			seen += ", step " + last.CurrentStep
		}
	}
	return fmt.Errorf("%s (%s): the job goes on in Prism Central: %w", op, seen, err)
}

// outageCause adds to the error of a wait that ended while Prism Central did not answer what
// its last read got.
func outageCause(err, outage error) error {
	if outage == nil {
		return err
	}
	return fmt.Errorf("%w (Prism Central was not answering: %w)", err, outage)
}

// jobRerunRequest is recovery_plan_job_action_request for a rerun.
type jobRerunRequest struct {
	RerunRecoveryPlanJobUUID               string `json:"rerun_recovery_plan_job_uuid"`
	ShouldContinueRerunOnValidationFailure bool   `json:"should_continue_rerun_on_validation_failure"`
}

// CleanupRecoveryPlanJob removes what a test failover created: it asks for
// the cleanup (POST /recovery_plan_jobs/{uuid}/cleanup), waits for its task
// and then for the job's cleanup_status to reach a final status. A failed
// cleanup returns a *JobError with Cleanup set. The request is repeated
// after a lost answer; a repeat refused because the first one landed (the
// job then reports a cleanup) counts as done.
func (c *Client) CleanupRecoveryPlanJob(ctx context.Context, uuid string) error {
	op := "cleaning up the test failover of recovery plan job " + uuid
	if c.wire(ctx, KindFailovers) == WireV4 {
		return c.v4CleanupJob(ctx, op, uuid)
	}
	var resp intentResponse
	res, err := c.send(ctx, call{op: op, method: http.MethodPost, path: jobEntityPath(uuid) + "/cleanup", in: struct{}{}, out: &resp, idempotent: true})
	if err != nil {
		var apiErr *APIError
		if !res.maybeCommitted || !errors.As(err, &apiErr) || apiErr.StatusCode < 400 || apiErr.StatusCode >= 500 {
			return err
		}
		job, gerr := c.getJob(ctx, op, uuid)
		if gerr != nil || job.CleanupStatus == "" {
			return err
		}
		c.log.Debug(ctx, "cleanup landed on an earlier attempt", map[string]any{"operation": op, "reasons": apiErr.Reasons})
	} else if task := resp.task(); task != "" {
		if _, err := c.WaitForTask(ctx, task, op, nil); err != nil {
			return err
		}
	}
	return c.waitCleanup(ctx, op, uuid)
}

// waitCleanup reads the job until its cleanup status is final. A job that
// reports no cleanup status is taken as cleaned up once the task ended.
func (c *Client) waitCleanup(ctx context.Context, op, id string) error {
	wait := jobWaitMin
	last := ""
	for {
		job, err := c.getJob(ctx, op, id)
		if err != nil {
			return err
		}
		if job.CleanupStatus == "" {
			return nil
		}
		if jobStatusDone(job.CleanupStatus) {
			switch job.CleanupStatus {
			case JobStatusCompleted, JobStatusCompletedWithWarning:
				return nil
			}
			je := &JobError{Operation: op, JobUUID: job.UUID, JobName: job.Name, ActionType: job.ActionType, Cleanup: true, Status: job.CleanupStatus}
			if steps, answer, err := c.jobSteps(ctx, op, id, jobCleanURL); err == nil && answer == stepsRead {
				je.FailedSteps = failedSteps(steps)
			}
			return je
		}
		key := fmt.Sprintf("%s/%d", job.CleanupStatus, job.CleanupPercentageComplete)
		if key != last {
			wait = jobWaitMin
		}
		if err := waitFor(ctx, wait); err != nil {
			return fmt.Errorf("%s (cleanup last seen %s, %d%%): %w", op, job.CleanupStatus, job.CleanupPercentageComplete, ctx.Err())
		}
		if key == last {
			wait = min(wait*2, jobWaitMax)
		}
		last = key
	}
}

// RerunRecoveryPlanJob runs the failed and unfinished operations of a job
// again (POST /recovery_plan_jobs/{uuid}/rerun; MIGRATE, FAILOVER and
// TEST_FAILOVER jobs only) and returns the uuid of the new job, which
// names the old one as its parent; follow it with WaitForRecoveryPlanJob.
// The request carries the new job's uuid, chosen here, so a retry after a
// lost answer cannot start two reruns.
func (c *Client) RerunRecoveryPlanJob(ctx context.Context, uuid string) (string, error) {
	op := "rerunning recovery plan job " + uuid
	if c.wire(ctx, KindFailovers) == WireV4 {
		return "", fmt.Errorf("%s: the v4 API has no rerun of a job: start the action again (set api_version = \"v3\" to rerun)", op)
	}
	in := jobRerunRequest{RerunRecoveryPlanJobUUID: newJobUUID()}
	var resp intentResponse
	res, err := c.send(ctx, call{op: op, method: http.MethodPost, path: jobEntityPath(uuid) + "/rerun", in: in, out: &resp, idempotent: true})
	if err != nil {
		var apiErr *APIError
		if res.maybeCommitted && errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 {
			if exists, _ := c.probe(ctx, op, jobEntityPath(in.RerunRecoveryPlanJobUUID)); exists {
				return in.RerunRecoveryPlanJobUUID, nil
			}
		}
		return "", err
	}
	task := resp.task()
	if task == "" {
		return in.RerunRecoveryPlanJobUUID, nil
	}
	return c.jobFromTask(ctx, op, task, in.RerunRecoveryPlanJobUUID, uuid)
}

// newJobUUID returns a random uuid.
func newJobUUID() string { return uuid.NewString() }

// DeleteRecoveryPlanJob deletes a job record and waits for the task. A
// missing job gives an error matching ErrNotFound; a 404 to a repeated
// attempt whose first try may have landed counts as done.
func (c *Client) DeleteRecoveryPlanJob(ctx context.Context, uuid string) error {
	return kindRecoveryPlanJob.delete(ctx, c, uuid)
}

// ListRecoveryPlanJobs lists the jobs matching a FIQL filter ("" for all),
// every page, as the list reports them (without step trees).
func (c *Client) ListRecoveryPlanJobs(ctx context.Context, filter string) ([]RecoveryPlanJob, error) {
	return kindRecoveryPlanJob.list(ctx, c, filter)
}

// ListRecoveryPlanJobsOfPlan lists the jobs of one recovery plan, newest
// first (by start time, then creation time). The plan is matched on the
// client side: the list's FIQL filter has no attribute for it.
func (c *Client) ListRecoveryPlanJobsOfPlan(ctx context.Context, planUUID string) ([]RecoveryPlanJob, error) {
	all, err := kindRecoveryPlanJob.flow(ctx, c).list(ctx, c, "listing the jobs of recovery plan "+planUUID, "", nil)
	if err != nil {
		return nil, err
	}
	out := []RecoveryPlanJob{}
	for i := range all {
		if all[i].RecoveryPlanUUID == planUUID {
			out = append(out, all[i])
		}
	}
	slices.SortStableFunc(out, func(a, b RecoveryPlanJob) int {
		ta, tb := a.StartTime, b.StartTime
		if ta.IsZero() || tb.IsZero() {
			ta, tb = a.CreationTime, b.CreationTime
		}
		return tb.Compare(ta)
	})
	return out, nil
}
