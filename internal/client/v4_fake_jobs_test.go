package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	dprcfg "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/dataprotection/v4/config"
	dprops "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/dataprotection/v4/operations"
	dprprism "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/prism/v4/config"
)

// The recovery plan actions and jobs of the v4Fake (dataprotection v4.3): an action on a plan
// starts a job, named by the action's task, that moves QUEUED -> RUNNING -> SUCCEEDED one step
// per read, with one execution step per phase and a validation warning.

const (
	dprOps  = "/api/dataprotection/v4.3/operations/recovery-plans/"
	dprJobs = "/api/dataprotection/v4.3/config/recovery-plan-jobs"
)

// fakeJob is a job of the fake and how far it has run.
type fakeJob struct {
	job   dprcfg.RecoveryPlanJob
	reads int
}

var v4FakeActionTypes = map[string]dprcfg.RecoveryPlanActionType{
	"validate":           dprcfg.RECOVERYPLANACTIONTYPE_VALIDATE,
	"planned-failover":   dprcfg.RECOVERYPLANACTIONTYPE_PLANNED_FAILOVER,
	"unplanned-failover": dprcfg.RECOVERYPLANACTIONTYPE_UNPLANNED_FAILOVER,
	"test-failover":      dprcfg.RECOVERYPLANACTIONTYPE_TEST_FAILOVER,
}

// dprTask answers an action with a TaskReference, as the dataprotection SDK models it.
func (f *v4Fake) dprTask(w http.ResponseWriter, id, rel string) {
	f.next++
	tid := fmt.Sprintf("ZXJnb24=:task-%04d", f.next)
	t := sdkTaskNaming(tid, id, rel)
	f.tasks[tid] = t
	ref := dprprism.NewTaskReference()
	ref.ExtId = &tid
	resp := dprops.NewPlannedFailoverRecoveryPlanApiResponse()
	f.must(resp.SetData(*ref))
	writeSDK(f.t, w, http.StatusAccepted, resp)
}

func (f *v4Fake) actions(w http.ResponseWriter, r *http.Request, rest string, body []byte) {
	plan, verb, ok := strings.Cut(rest, "/$actions/")
	if !ok || r.Method != http.MethodPost {
		f.t.Errorf("v4Fake: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if _, ok := f.plans[plan]; !ok {
		writeSDKError(f.t, w, http.StatusNotFound, "DPR-40400", "recovery plan "+plan+" not found")
		return
	}
	f.actionsRun = append(f.actionsRun, plan+" "+verb)
	if verb == "clean-up-resources" {
		f.dprTask(w, plan, "datapolicies:config:recovery-plan")
		return
	}
	at, known := v4FakeActionTypes[verb]
	var in struct {
		Name               string                     `json:"name"`
		FailoverDirections []dprcfg.FailoverDirection `json:"failoverDirections"`
		LiveMigrate        bool                       `json:"shouldLiveMigrateVMs"`
		RecoveryReference  *time.Time                 `json:"recoveryReferenceTime"`
	}
	if err := json.Unmarshal(body, &in); !known || err != nil || in.Name == "" || len(in.FailoverDirections) == 0 {
		writeSDKError(f.t, w, http.StatusBadRequest, "DPR-40002", fmt.Sprintf("invalid %s: %v", verb, err))
		return
	}
	f.next++
	id := fmt.Sprintf("job-%04d", f.next)
	j := dprcfg.NewRecoveryPlanJob()
	j.ExtId, j.Name, j.RecoveryPlanExtId, j.ActionType = &id, &in.Name, &plan, at.Ref()
	j.FailoverDirections = in.FailoverDirections
	j.IsLiveMigrateVMs = &in.LiveMigrate
	j.RecoveryReferenceTime = in.RecoveryReference
	j.Status = dprcfg.RECOVERYPLANJOBEXECUTIONSTATUS_QUEUED.Ref()
	start := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	j.StartTime = &start
	f.jobs[id] = &fakeJob{job: *j}
	f.dprTask(w, id, "dataprotection:config:recovery-plan-job")
}

func (f *v4Fake) recoveryPlanJobs(w http.ResponseWriter, r *http.Request, rest string) {
	id, sub, _ := strings.Cut(rest, "/")
	switch {
	case r.Method == http.MethodGet && id == "":
		var out []dprcfg.RecoveryPlanJob
		for _, k := range sortedKeys(f.jobs) {
			out = append(out, f.jobs[k].job)
		}
		resp := dprcfg.NewListRecoveryPlanJobsApiResponse()
		if len(out) > 0 {
			f.must(resp.SetData(out))
		}
		writeSDK(f.t, w, 200, resp)
		return
	}
	j, ok := f.jobs[id]
	if !ok {
		writeSDKError(f.t, w, http.StatusNotFound, "DPR-40400", "recovery plan job "+id+" not found")
		return
	}
	switch {
	case r.Method == http.MethodGet && sub == "":
		j.reads++
		pct := min(j.reads*50, 100)
		switch {
		case j.reads >= 3:
			j.job.Status = dprcfg.RECOVERYPLANJOBEXECUTIONSTATUS_SUCCEEDED.Ref()
			end := j.job.StartTime.Add(time.Minute)
			j.job.EndTime = &end
		case j.reads >= 2:
			j.job.Status = dprcfg.RECOVERYPLANJOBEXECUTIONSTATUS_RUNNING.Ref()
		}
		j.job.PercentageComplete = &pct
		resp := dprcfg.NewGetRecoveryPlanJobApiResponse()
		f.must(resp.SetData(j.job))
		w.Header().Set(headerETag, f.etag(id))
		writeSDK(f.t, w, 200, resp)
	case r.Method == http.MethodGet && sub == "execution-steps":
		var steps []dprcfg.RecoveryPlanJobExecutionStep
		for i, ph := range []dprcfg.RecoveryPlanJobPhaseType{dprcfg.RECOVERYPLANJOBPHASETYPE_PRE_PROCESSING, dprcfg.RECOVERYPLANJOBPHASETYPE_ENTITY_RECOVERY} {
			s := dprcfg.NewRecoveryPlanJobExecutionStep()
			sid, desc := fmt.Sprintf("%s-step-%d", id, i), fmt.Sprintf("step %d", i)
			s.ExtId, s.Phase, s.Status, s.StepDescription = &sid, ph.Ref(), dprcfg.RECOVERYPLANJOBEXECUTIONSTATUS_SUCCEEDED.Ref(), &desc
			if ph == dprcfg.RECOVERYPLANJOBPHASETYPE_ENTITY_RECOVERY {
				s.OperationType = dprcfg.OPERATIONTYPE_VM_POWER_ON.Ref()
				res := dprcfg.NewEntityRecoveryResult()
				src, rec, name := "vm-1", "vm-1-recovered", "web"
				res.SourceEntityExtId, res.RecoveredEntityExtId, res.Name = &src, &rec, &name
				er := dprcfg.NewExecutionStepResult()
				f.must(er.SetResult(*res))
				s.ExecutionStepResults = []dprcfg.ExecutionStepResult{*er}
			}
			steps = append(steps, *s)
		}
		resp := dprcfg.NewListRecoveryPlanJobExecutionStepsApiResponse()
		f.must(resp.SetData(steps))
		writeSDK(f.t, w, 200, resp)
	case r.Method == http.MethodGet && sub == "validation-errors":
		e := dprcfg.NewRecoveryPlanValidationError()
		code, msg := "DPR-W-1", "VM web has no static IP in the test network"
		e.Severity, e.ErrorGroup, e.ErrorCode, e.Message = dprcfg.SEVERITY_WARNING.Ref(), dprcfg.ERRORGROUP_NETWORK.Ref(), &code, &msg
		resp := dprcfg.NewListRecoveryPlanJobValidationErrorsApiResponse()
		f.must(resp.SetData([]dprcfg.RecoveryPlanValidationError{*e}))
		writeSDK(f.t, w, 200, resp)
	case r.Method == http.MethodDelete && sub == "":
		if !f.conditional(w, r, id) {
			return
		}
		delete(f.jobs, id)
		f.dprTask(w, id, "dataprotection:config:recovery-plan-job")
	default:
		f.t.Errorf("v4Fake: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}
