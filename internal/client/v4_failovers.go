package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Recovery plan actions and jobs over the v4 API (dataprotection v4.3): a job is started by
// an action on the plan, POST /operations/recovery-plans/{planExtId}/$actions/<verb>, and read
// at /config/recovery-plan-jobs/{extId} with its /execution-steps and /validation-errors
// (internal/apispec/v4/README.md, "Recovery plan actions", "Recovery plan jobs"). The client's
// RecoveryPlanJob and FailoverInput map to them:
//   - VALIDATE is validate, MIGRATE planned-failover, LIVE_MIGRATE planned-failover with
//     shouldLiveMigrateVMs, FAILOVER unplanned-failover, TEST_FAILOVER test-failover;
//   - the failed and recovery zones are a failover direction's source and target domain
//     managers (v4_zones.go), their first clusters its source and target clusters;
//   - ContinueOnValidationFailure is shouldIgnoreWarnings (v4 names no stronger switch);
//   - the statuses are v3's: SUCCEEDED is COMPLETED, SUCCEEDED_WITH_VALIDATION_WARNING is
//     COMPLETED_WITH_WARNING; the phases PRE_PROCESSING, ENTITY_RECOVERY and POST_PROCESSING
//     are PREPROCESSING, OPERATION and POSTPROCESSING.
//
// A job's id cannot be chosen over v4: the action carries a request id instead, so a retry
// after a lost answer does not start a second job. The job is the one the action's task
// names, or else the newest job of the plan of that action. Clean-up is an action on the
// plan (clean-up-resources); a rerun has no v4 operation.

const v4JobRel = "recovery-plan-job"

// v4JobActions maps a v3 action type to its v4 verb.
var v4JobActions = map[string]string{
	JobActionValidate:     "validate",
	JobActionMigrate:      "planned-failover",
	JobActionLiveMigrate:  "planned-failover",
	JobActionFailover:     "unplanned-failover",
	JobActionTestFailover: "test-failover",
}

// v4 job action types and statuses that differ from v3's.
var (
	v4ActionTypes = map[string]string{"PLANNED_FAILOVER": JobActionMigrate, "UNPLANNED_FAILOVER": JobActionFailover,
		"TEST_FAILOVER": JobActionTestFailover, "VALIDATE": JobActionValidate}
	v4JobStatuses = map[string]string{"SUCCEEDED": JobStatusCompleted, "SUCCEEDED_WITH_VALIDATION_WARNING": JobStatusCompletedWithWarning}
	v4JobPhases   = map[string]string{"PRE_PROCESSING": JobPhasePreprocessing, "ENTITY_RECOVERY": JobPhaseOperation, "POST_PROCESSING": JobPhasePostprocessing}
)

func v4JobsPath(rest string) string {
	return v4DataProtection.Path("/config/recovery-plan-jobs" + rest)
}

// v4JobJSON is dataprotection.v4.config.RecoveryPlanJob as the client reads it.
type v4JobJSON struct {
	ExtID                 string `json:"extId"`
	Name                  string `json:"name"`
	RecoveryPlanExtID     string `json:"recoveryPlanExtId"`
	ActionType            string `json:"actionType"`
	Status                string `json:"status"`
	PercentageComplete    int    `json:"percentageComplete"`
	StartTime             string `json:"startTime"`
	EndTime               string `json:"endTime"`
	RecoveryReferenceTime string `json:"recoveryReferenceTime"`
	IsLiveMigrateVMs      bool   `json:"isLiveMigrateVMs"`
	IsInitiatedByWitness  bool   `json:"isInitiatedByWitness"`
	FailoverDirections    []struct {
		SourceDomainManagerExtID string    `json:"sourceDomainManagerExtId"`
		TargetDomainManagerExtID string    `json:"targetDomainManagerExtId"`
		SourceCluster            *v4ExtRef `json:"sourceCluster"`
		TargetCluster            *v4ExtRef `json:"targetCluster"`
	} `json:"failoverDirections"`
}

// v4StepJSON is dataprotection.v4.config.RecoveryPlanJobExecutionStep.
type v4StepJSON struct {
	ExtID              string `json:"extId"`
	Phase              string `json:"phase"`
	StageExtID         string `json:"stageExtId"`
	OperationType      string `json:"operationType"`
	Status             string `json:"status"`
	PercentageComplete int    `json:"percentageComplete"`
	StartTime          string `json:"startTime"`
	EndTime            string `json:"endTime"`
	StepDescription    string `json:"stepDescription"`
	ErrorMessage       *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errorMessage"`
	AffectedEntities []struct {
		EntityType string `json:"entityType"`
		ExtID      string `json:"extId"`
		Name       string `json:"name"`
	} `json:"affectedEntities"`
	ExecutionStepResults []struct {
		Result *struct {
			SourceEntityExtID    string `json:"sourceEntityExtId"`
			RecoveredEntityExtID string `json:"recoveredEntityExtId"`
			EntityType           string `json:"entityType"`
			Name                 string `json:"name"`
		} `json:"result"`
	} `json:"executionStepResults"`
}

// v4ValidationErrorJSON is dataprotection.v4.config.RecoveryPlanValidationError.
type v4ValidationErrorJSON struct {
	Severity         string `json:"severity"`
	ErrorGroup       string `json:"errorGroup"`
	ErrorCode        string `json:"errorCode"`
	Message          string `json:"message"`
	AffectedEntities []struct {
		ExtID string `json:"extId"`
		Name  string `json:"name"`
	} `json:"affectedEntities"`
}

// v4RecoveryPlanJobs is the recovery plan job on the v4 wire: read, listed and deleted as an
// entity; started by v4StartJob.
var v4RecoveryPlanJobs = &v4Kind[RecoveryPlanJob, RecoveryPlanJob]{
	ns:         v4DataProtection,
	collection: "/config/recovery-plan-jobs",
	rel:        v4JobRel,
	decode:     decodeV4Job,
	write: func(context.Context, *Client, map[string]any, *RecoveryPlanJob) error {
		return fmt.Errorf("a recovery plan job is started by an action on its plan, not written")
	},
	name: func(j *RecoveryPlanJob) string { return j.Name },
}

func decodeV4Job(ctx context.Context, c *Client, raw json.RawMessage) (RecoveryPlanJob, error) {
	var j v4JobJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return RecoveryPlanJob{}, &DecodeError{What: "a v4 recovery plan job", Err: err}
	}
	op := "reading recovery plan job " + j.ExtID
	out := RecoveryPlanJob{
		UUID: j.ExtID, Name: j.Name, RecoveryPlanUUID: j.RecoveryPlanExtID,
		ActionType: firstNonEmpty(v4ActionTypes[j.ActionType], j.ActionType),
		Status:     firstNonEmpty(v4JobStatuses[j.Status], j.Status), PercentageComplete: j.PercentageComplete,
		StartTime: parseTime(j.StartTime, 0), EndTime: parseTime(j.EndTime, 0), Initiator: JobInitiatorUser,
	}
	if out.ActionType == JobActionMigrate && j.IsLiveMigrateVMs {
		out.ActionType = JobActionLiveMigrate
	}
	// A v4 job has no data-loss window. A planned failover or a live migration loses nothing
	// by what it is (it syncs before it recovers), so its window is 0 once it has completed;
	// an unplanned failover's stays unknown.
	if (out.ActionType == JobActionMigrate || out.ActionType == JobActionLiveMigrate) && strings.HasPrefix(out.Status, JobStatusCompleted) {
		zero := time.Duration(0)
		out.DataLossWindow = &zero
	}
	if j.IsInitiatedByWitness {
		out.Initiator = JobInitiatorWitness
	}
	if t := parseTime(j.RecoveryReferenceTime, 0); !t.IsZero() {
		out.RecoveryReferenceTime = &t
	}
	if len(j.FailoverDirections) > 0 {
		d := j.FailoverDirections[0]
		var err error
		if out.FailedAZUUID, err = c.zoneOf(ctx, op, d.SourceDomainManagerExtID); err != nil {
			return out, err
		}
		if out.RecoveryAZUUID, err = c.zoneOf(ctx, op, d.TargetDomainManagerExtID); err != nil {
			return out, err
		}
		if d.SourceCluster != nil && d.SourceCluster.ExtID != "" {
			out.FailedClusterUUIDs = []string{d.SourceCluster.ExtID}
		}
		if d.TargetCluster != nil && d.TargetCluster.ExtID != "" {
			out.RecoveryClusterUUIDs = []string{d.TargetCluster.ExtID}
		}
	}
	if out.Done() {
		// The validation messages are their own list: read once the job has ended.
		errs, err := listV4[v4ValidationErrorJSON](ctx, c, v4List{op: op, path: v4JobsPath("/" + escape(j.ExtID) + "/validation-errors")})
		if err != nil {
			return out, err
		}
		for _, e := range errs {
			m := JobValidationMessage{Type: e.ErrorGroup, Message: codeMessage(e.ErrorCode, e.Message)}
			for _, a := range e.AffectedEntities {
				m.Entities = append(m.Entities, Reference{UUID: a.ExtID, Name: a.Name})
			}
			if e.Severity == "WARNING" {
				out.ValidationWarnings = append(out.ValidationWarnings, m)
				out.Warnings = append(out.Warnings, m.String())
			} else {
				out.ValidationErrors = append(out.ValidationErrors, m)
				out.Errors = append(out.Errors, m.String())
			}
		}
	}
	return out, nil
}

// v4JobSteps reads the execution steps of a job.
func (c *Client) v4JobSteps(ctx context.Context, op, id string) ([]JobStep, error) {
	steps, err := listV4[v4StepJSON](ctx, c, v4List{op: op, path: v4JobsPath("/" + escape(id) + "/execution-steps")})
	if err != nil {
		return nil, err
	}
	out := make([]JobStep, 0, len(steps))
	for i, s := range steps {
		st := JobStep{
			UUID: s.ExtID, Phase: firstNonEmpty(v4JobPhases[s.Phase], s.Phase), Sequence: int64(i),
			OperationType: s.OperationType, Message: s.StepDescription, Status: firstNonEmpty(v4JobStatuses[s.Status], s.Status),
			PercentageComplete: s.PercentageComplete, StartTime: parseTime(s.StartTime, 0), EndTime: parseTime(s.EndTime, 0),
		}
		st.Name = firstNonEmpty(s.StepDescription, s.OperationType)
		if s.ErrorMessage != nil {
			st.ErrorCode, st.ErrorDetail = s.ErrorMessage.Code, s.ErrorMessage.Message
		}
		for _, a := range s.AffectedEntities {
			st.Entities = append(st.Entities, Reference{Kind: strings.ToLower(a.EntityType), UUID: a.ExtID, Name: a.Name})
		}
		for _, r := range s.ExecutionStepResults {
			if r.Result != nil {
				st.Recovered = append(st.Recovered, RecoveredEntity{SourceKind: strings.ToLower(r.Result.EntityType),
					SourceUUID: r.Result.SourceEntityExtID, UUID: r.Result.RecoveredEntityExtID, Name: r.Result.Name})
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// v4StartJob runs the action of in on its plan under one request id and returns the job it
// started.
func (c *Client) v4StartJob(ctx context.Context, op string, in FailoverInput) (string, error) {
	verb, ok := v4JobActions[in.ActionType]
	if !ok {
		return "", fmt.Errorf("%s: action type %s has no v4 action", op, in.ActionType)
	}
	if len(in.FailedClusterUUIDs) > 1 || len(in.RecoveryClusterUUIDs) > 1 {
		return "", noV4Form("%s: a v4 failover direction names one cluster on each side, not several", op)
	}
	src, err := c.domainManagerOf(ctx, op, in.FailedAZUUID)
	if err != nil {
		return "", err
	}
	dst, err := c.domainManagerOf(ctx, op, in.RecoveryAZUUID)
	if err != nil {
		return "", err
	}
	dir := map[string]any{"$objectType": "dataprotection.v4.operations.FailoverDirection",
		"sourceDomainManagerExtId": src, "targetDomainManagerExtId": dst}
	if len(in.FailedClusterUUIDs) == 1 {
		dir["sourceCluster"] = map[string]any{"extId": in.FailedClusterUUIDs[0]}
	}
	if len(in.RecoveryClusterUUIDs) == 1 {
		dir["targetCluster"] = map[string]any{"extId": in.RecoveryClusterUUIDs[0]}
	}
	name := in.Name
	if name == "" {
		name = strings.ToLower(in.ActionType) + "-" + time.Now().UTC().Format("20060102-150405")
	}
	body := map[string]any{"name": name, "failoverDirections": []any{dir}}
	if in.ActionType != JobActionValidate {
		body["shouldIgnoreWarnings"] = in.ContinueOnValidationFailure
	}
	switch in.ActionType {
	case JobActionMigrate, JobActionLiveMigrate:
		body["shouldLiveMigrateVMs"] = in.ActionType == JobActionLiveMigrate
	case JobActionFailover:
		if t := in.RecoveryReferenceTime; t != nil {
			body["recoveryReferenceTime"] = t.UTC().Truncate(time.Second).Format(time.RFC3339)
		}
	}
	path := v4DataProtection.Path("/operations/recovery-plans/" + escape(in.RecoveryPlanUUID) + "/$actions/" + verb)
	task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPost, path: path, in: body, requestID: NewRequestID()})
	if err != nil {
		return "", err
	}
	return c.v4JobOfTask(ctx, op, task, in)
}

// v4JobOfTask follows the action's task until it names a job (some Prism Centrals keep the
// task as long as the job), or ends; a task that names none points to the newest job of the
// plan with that action.
func (c *Client) v4JobOfTask(ctx context.Context, op, task string, in FailoverInput) (string, error) {
	pick := func(t *V4Task) string {
		for _, e := range t.EntitiesAffected {
			if e.UUID != "" && strings.Contains(strings.ReplaceAll(strings.ToLower(e.Kind), "_", "-"), v4JobRel) {
				return e.UUID
			}
		}
		return ""
	}
	found := ""
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	final, err := c.WaitForV4Task(wctx, task, op, func(t V4Task) {
		if id := pick(&t); id != "" {
			found = id
			cancel()
		}
	})
	if found != "" && ctx.Err() == nil {
		return found, nil
	}
	if final != nil {
		if id := pick(final); id != "" {
			if err != nil {
				return c.failedStart(ctx, op, id, err)
			}
			return id, nil
		}
	}
	if err != nil {
		return "", err
	}
	jobs, err := c.ListRecoveryPlanJobsOfPlan(ctx, in.RecoveryPlanUUID)
	if err != nil {
		return "", err
	}
	for _, j := range jobs {
		if j.ActionType == in.ActionType || (in.ActionType == JobActionLiveMigrate && j.ActionType == JobActionMigrate) {
			return j.UUID, nil
		}
	}
	return "", fmt.Errorf("%s: the action's task %s succeeded but names no job, and the plan lists none of that action", op, task)
}

// v4CleanupJob runs clean-up-resources on the plan of a test failover job and waits for it.
func (c *Client) v4CleanupJob(ctx context.Context, op, id string) error {
	job, err := c.getJob(ctx, op, id)
	if err != nil {
		return err
	}
	if job.ActionType != JobActionTestFailover {
		return fmt.Errorf("%s: job %s is a %s, and only a test failover is cleaned up", op, id, job.ActionType)
	}
	path := v4DataProtection.Path("/operations/recovery-plans/" + escape(job.RecoveryPlanUUID) + "/$actions/clean-up-resources")
	task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPost, path: path, requestID: NewRequestID()})
	if err != nil || task == "" {
		return err
	}
	_, err = c.WaitForV4Task(ctx, task, op, nil)
	return err
}
