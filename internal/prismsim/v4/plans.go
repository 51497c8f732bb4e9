package v4

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Recovery plans and their stages (datapolicies v4.2, SDK datapolicies-go-client
// api/recovery_plans_api.go); mutations answer 202 with a TaskReference, PUT and DELETE
// take If-Match:
//
//	POST, GET             /api/datapolicies/v4.2/config/recovery-plans[?OData]
//	GET, PUT, DELETE      /api/datapolicies/v4.2/config/recovery-plans/{extId}
//	POST, GET             /api/datapolicies/v4.2/config/recovery-plans/{recoveryPlanExtId}/stages[?OData]
//	GET, PUT, DELETE      /api/datapolicies/v4.2/config/recovery-plans/{recoveryPlanExtId}/stages/{extId}
//
// A plan is the model's one recovery plan document (v3's): a stage change is an update of
// it; so is a network mapping change (POST, GET .../network-mappings, GET, PUT, DELETE
// .../network-mappings/{extId}). Recovery settings are read only here (GET
// .../recovery-settings[/{extId}]).
//
// Recovery plan actions and jobs (dataprotection v4.3, SDK dataprotection-go-client
// api/recovery_plan_actions_api.go, api/recovery_plan_jobs_api.go):
//
//	POST /api/dataprotection/v4.3/operations/recovery-plans/{recoveryPlanExtId}/$actions/{planned-failover,unplanned-failover,test-failover,validate,clean-up-resources}
//	GET  /api/dataprotection/v4.3/config/recovery-plan-jobs[?OData]
//	GET  /api/dataprotection/v4.3/config/recovery-plan-jobs/{extId}
//	GET  /api/dataprotection/v4.3/config/recovery-plan-jobs/{recoveryPlanJobExtId}/execution-steps
//	GET  /api/dataprotection/v4.3/config/recovery-plan-jobs/{recoveryPlanJobExtId}/validation-errors
//	DELETE /api/dataprotection/v4.3/config/recovery-plan-jobs/{extId}  (If-Match)

var (
	plansPath   = DataPolicies.Prefix() + "/config/recovery-plans"
	actionsPath = DataProtection.Prefix() + "/operations/recovery-plans/{recoveryPlanExtId}/$actions/"
	jobsPath    = DataProtection.Prefix() + "/config/recovery-plan-jobs"
)

var (
	planFields = []string{"extId", "name", "description"}
	// jobFields are what the SDK's ListRecoveryPlanJobsRequest documents for $filter and
	// $orderby, among the fields prismsim fills.
	jobFields  = []string{"extId", "name", "recoveryPlanExtId", "actionType", "status", "startTime", "endTime"}
	stepFields = []string{"extId", "phase", "operationType", "status", "startTime", "endTime"}
)

func planRoutes() []Route {
	out := []Route{
		{http.MethodGet, plansPath, "recovery_plan", handleListPlans},
		{http.MethodGet, plansPath + "/{extId}", "recovery_plan", handleGetPlan},
		{http.MethodGet, plansPath + "/{recoveryPlanExtId}/stages", "recovery_plan", handleListStages},
		{http.MethodGet, plansPath + "/{recoveryPlanExtId}/stages/{extId}", "recovery_plan", handleGetStage},
		{http.MethodGet, plansPath + "/{recoveryPlanExtId}/network-mappings", "recovery_plan", handleListNetworkMappings},
		{http.MethodGet, plansPath + "/{recoveryPlanExtId}/network-mappings/{extId}", "recovery_plan", handleGetNetworkMapping},
		{http.MethodGet, plansPath + "/{recoveryPlanExtId}/recovery-settings", "recovery_plan", handleListRecoverySettings},
		{http.MethodGet, plansPath + "/{recoveryPlanExtId}/recovery-settings/{extId}", "recovery_plan", handleGetRecoverySetting},
		{http.MethodPost, plansPath + "/{recoveryPlanExtId}/network-mappings", "recovery_plan", handleCreateNetworkMapping},
		{http.MethodPut, plansPath + "/{recoveryPlanExtId}/network-mappings/{extId}", "recovery_plan", handleUpdateNetworkMapping},
		{http.MethodDelete, plansPath + "/{recoveryPlanExtId}/network-mappings/{extId}", "recovery_plan", handleDeleteNetworkMapping},
		{http.MethodPost, plansPath + "/{recoveryPlanExtId}/recovery-settings", "recovery_plan", handleCreateRecoverySetting},
		{http.MethodPut, plansPath + "/{recoveryPlanExtId}/recovery-settings/{extId}", "recovery_plan", handleUpdateRecoverySetting},
		{http.MethodDelete, plansPath + "/{recoveryPlanExtId}/recovery-settings/{extId}", "recovery_plan", handleDeleteRecoverySetting},
		{http.MethodPost, plansPath, "recovery_plan", handleCreatePlan},
		{http.MethodPut, plansPath + "/{extId}", "recovery_plan", handleUpdatePlan},
		{http.MethodDelete, plansPath + "/{extId}", "recovery_plan", handleDeletePlan},
		{http.MethodPost, plansPath + "/{recoveryPlanExtId}/stages", "recovery_plan", handleCreateStage},
		{http.MethodPut, plansPath + "/{recoveryPlanExtId}/stages/{extId}", "recovery_plan", handleUpdateStage},
		{http.MethodDelete, plansPath + "/{recoveryPlanExtId}/stages/{extId}", "recovery_plan", handleDeleteStage},
		{http.MethodGet, jobsPath, "recovery_plan_job", handleListJobs},
		{http.MethodGet, jobsPath + "/{extId}", "recovery_plan_job", handleGetJob},
		{http.MethodGet, jobsPath + "/{recoveryPlanJobExtId}/execution-steps", "recovery_plan_job", handleListSteps},
		{http.MethodGet, jobsPath + "/{recoveryPlanJobExtId}/validation-errors", "recovery_plan_job", handleListValidationErrors},
		{http.MethodDelete, jobsPath + "/{extId}", "recovery_plan_job", handleDeleteJob},
	}
	for _, verb := range []string{"planned-failover", "unplanned-failover", "test-failover", "validate", "clean-up-resources"} {
		out = append(out, Route{http.MethodPost, actionsPath + verb, "recovery_plan_job", planAction(verb)})
	}
	return out
}

func drLocation(l DRLocation) map[string]any {
	clusters := make([]any, 0, len(l.Clusters))
	for _, c := range l.Clusters {
		clusters = append(clusters, dp("datapolicies.v4.config.EntityReference", map[string]any{"extId": c}))
	}
	return dp("datapolicies.v4.config.DisasterRecoveryLocation", map[string]any{"domainManagerExtId": l.DomainManagerExtID, "clusters": clusters})
}

func renderPlan(b Backend, p RecoveryPlan) map[string]any {
	out := map[string]any{
		"extId": p.ExtID, "name": p.Name,
		"primaryLocation": drLocation(p.Primary), "recoveryLocation": drLocation(p.Recovery),
		"links": []any{v4Link(b.URL()+plansPath+"/"+p.ExtID, "self")},
	}
	if p.Description != "" {
		out["description"] = p.Description
	}
	if w := p.Witness; w != nil {
		wc := map[string]any{"extId": w.ExtID}
		if w.TimeoutSecs != nil {
			wc["timeoutSecs"] = *w.TimeoutSecs
		}
		out["witness"] = dp("datapolicies.v4.config.WitnessConfiguration", wc)
	}
	return dp("datapolicies.v4.config.RecoveryPlan", out)
}

func renderStage(b Backend, plan string, s RecoveryStage) map[string]any {
	out := map[string]any{"extId": s.ExtID, "entityType": "VM", "priority": s.Priority,
		"links": []any{v4Link(b.URL()+plansPath+"/"+plan+"/stages/"+s.ExtID, "self")}}
	if len(s.CategoryIDs) > 0 {
		out["categoryExtIds"] = s.CategoryIDs
	}
	if len(s.EntityIDs) > 0 {
		var ents []any
		for _, id := range s.EntityIDs {
			ents = append(ents, dp("datapolicies.v4.config.EntityReference", map[string]any{"extId": id}))
		}
		out["entities"] = ents
	}
	if s.DelaySecs != nil && *s.DelaySecs > 0 {
		out["postActions"] = []any{dp("datapolicies.v4.config.StageAction", map[string]any{
			"$configItemDiscriminator": "datapolicies.v4.config.DelayAction",
			"config":                   dp("datapolicies.v4.config.DelayAction", map[string]any{"delaySecs": *s.DelaySecs}),
		})}
	}
	return dp("datapolicies.v4.config.RecoveryStage", out)
}

func findPlan(b Backend, id string) (RecoveryPlan, bool) {
	return findByID(b.RecoveryPlans(), func(p RecoveryPlan) string { return p.ExtID }, id)
}

func planNotFound(n Namespace, id string) (int, any) {
	return n.fail(http.StatusNotFound, 40400, "extId", "recovery plan %s was not found", id)
}

func handleListPlans(rq Request) (int, any) {
	return listOf(DataPolicies, rq, planFields, "datapolicies.v4.config.ListRecoveryPlansApiResponse", "datapolicies.v4.config.RecoveryPlan",
		rq.PC.RecoveryPlans(), func(p RecoveryPlan) map[string]any { return renderPlan(rq.PC, p) })
}

func handleGetPlan(rq Request) (int, any) {
	p, ok := findPlan(rq.PC, rq.Params["extId"])
	if !ok {
		return planNotFound(DataPolicies, rq.Params["extId"])
	}
	return DataPolicies.entityAnswer(http.StatusOK, "datapolicies.v4.config.GetRecoveryPlanApiResponse", renderPlan(rq.PC, p))
}

func handleListStages(rq Request) (int, any) {
	p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
	if !ok {
		return planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
	}
	return listOf(DataPolicies, rq, []string{"extId", "priority", "entityType"}, "datapolicies.v4.config.ListRecoveryStagesApiResponse",
		"datapolicies.v4.config.RecoveryStage", p.Stages, func(s RecoveryStage) map[string]any { return renderStage(rq.PC, p.ExtID, s) })
}

func handleGetStage(rq Request) (int, any) {
	p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
	if !ok {
		return planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
	}
	if s, ok := findByID(p.Stages, stageID, rq.Params["extId"]); ok {
		return DataPolicies.entityAnswer(http.StatusOK, "datapolicies.v4.config.GetRecoveryStageApiResponse", renderStage(rq.PC, p.ExtID, s))
	}
	return DataPolicies.fail(http.StatusNotFound, 40400, "extId", "stage %s of recovery plan %s was not found", rq.Params["extId"], p.ExtID)
}

// actionIn is the body of an action: BaseRecoveryPlanActionSpec and the fields of its
// planned, unplanned and test failover variants.
type actionIn struct {
	Name               *string `json:"name"`
	FailoverDirections []struct {
		SourceDM      *string `json:"sourceDomainManagerExtId"`
		TargetDM      *string `json:"targetDomainManagerExtId"`
		SourceCluster *struct {
			ExtID string `json:"extId"`
		} `json:"sourceCluster"`
		TargetCluster *struct {
			ExtID string `json:"extId"`
		} `json:"targetCluster"`
	} `json:"failoverDirections"`
	ShouldIgnoreWarnings  *bool   `json:"shouldIgnoreWarnings"`
	ShouldLiveMigrateVMs  *bool   `json:"shouldLiveMigrateVMs"`
	RecoveryReferenceTime *string `json:"recoveryReferenceTime"`
	IsInstantRestore      *bool   `json:"isInstantRestore"`
}

// v3Actions maps the action verbs to the model's action types.
var v3Actions = map[string]string{
	"planned-failover": "MIGRATE", "unplanned-failover": "FAILOVER", "test-failover": "TEST_FAILOVER", "validate": "VALIDATE",
}

func planAction(verb string) func(Request) (int, any) {
	respType := map[string]string{
		"planned-failover":   "dataprotection.v4.operations.PlannedFailoverRecoveryPlanApiResponse",
		"unplanned-failover": "dataprotection.v4.operations.UnplannedFailoverRecoveryPlanApiResponse",
		"test-failover":      "dataprotection.v4.operations.TestFailoverRecoveryPlanApiResponse",
		"validate":           "dataprotection.v4.operations.ValidateRecoveryPlanApiResponse",
		"clean-up-resources": "dataprotection.v4.operations.CleanupRecoveryPlanResourcesApiResponse",
	}[verb]
	return func(rq Request) (int, any) {
		n := DataProtection
		return n.mutation(rq, func() (int, any) {
			planID := rq.Params["recoveryPlanExtId"]
			if _, ok := findPlan(rq.PC, planID); !ok {
				return planNotFound(n, planID)
			}
			if verb == "clean-up-resources" {
				task, err := rq.PC.CleanUpRecoveryPlan(rq.HTTP.Context(), planID)
				if err != nil {
					return n.failModel(err)
				}
				return n.taskAnswer(respType, task)
			}
			var in actionIn
			if st, body, ok := n.decode(rq, &in); !ok {
				return st, body
			}
			a, field, err := actionOf(in, verb)
			if err != nil {
				return n.fail(http.StatusBadRequest, 40004, field, "%v", err)
			}
			a.PlanExtID = planID
			task, err := rq.PC.RunRecoveryPlan(rq.HTTP.Context(), a)
			if err != nil {
				return n.failModel(err)
			}
			return n.taskAnswer(respType, task)
		})
	}
}

func actionOf(in actionIn, verb string) (PlanAction, string, error) {
	var a PlanAction
	if in.Name == nil || *in.Name == "" {
		return a, "name", fmt.Errorf("name is required")
	}
	if len(in.FailoverDirections) != 1 {
		return a, "failoverDirections", fmt.Errorf("failoverDirections must hold exactly one direction (prismsim runs plans of two locations), got %d", len(in.FailoverDirections))
	}
	d := in.FailoverDirections[0]
	if d.SourceDM == nil || *d.SourceDM == "" {
		return a, "failoverDirections[0].sourceDomainManagerExtId", fmt.Errorf("failoverDirections[0].sourceDomainManagerExtId is required")
	}
	if d.TargetDM == nil || *d.TargetDM == "" {
		return a, "failoverDirections[0].targetDomainManagerExtId", fmt.Errorf("failoverDirections[0].targetDomainManagerExtId is required")
	}
	a = PlanAction{Name: *in.Name, Action: v3Actions[verb], SourceDM: *d.SourceDM, TargetDM: *d.TargetDM,
		ContinueOnValidation: in.ShouldIgnoreWarnings != nil && *in.ShouldIgnoreWarnings}
	if d.SourceCluster != nil {
		a.SourceCluster = d.SourceCluster.ExtID
	}
	if d.TargetCluster != nil {
		a.TargetCluster = d.TargetCluster.ExtID
	}
	if verb == "planned-failover" && in.ShouldLiveMigrateVMs != nil && *in.ShouldLiveMigrateVMs {
		a.Action = "LIVE_MIGRATE"
	}
	if in.RecoveryReferenceTime != nil && *in.RecoveryReferenceTime != "" {
		t, err := time.Parse(time.RFC3339Nano, *in.RecoveryReferenceTime)
		if err != nil {
			return a, "recoveryReferenceTime", fmt.Errorf("recoveryReferenceTime must be a date-time like 2026-05-01T14:00:00Z, got %q", *in.RecoveryReferenceTime)
		}
		t = t.UTC()
		a.RecoveryReferenceTime = &t
	}
	return a, "", nil
}

// jobStatuses maps the model's job statuses to v4's RecoveryPlanJobExecutionStatus.
var jobStatuses = map[string]string{
	"COMPLETED": "SUCCEEDED", "COMPLETED_WITH_WARNING": "SUCCEEDED_WITH_VALIDATION_WARNING", "FAILED_WITH_WARNING": "FAILED",
}

func v4JobStatus(s string) string {
	if v, ok := jobStatuses[s]; ok {
		return v
	}
	return s
}

var v4Actions = map[string]string{
	"VALIDATE": "VALIDATE", "MIGRATE": "PLANNED_FAILOVER", "LIVE_MIGRATE": "PLANNED_FAILOVER",
	"FAILOVER": "UNPLANNED_FAILOVER", "TEST_FAILOVER": "TEST_FAILOVER",
}

func renderJob(b Backend, j RecoveryPlanJob) map[string]any {
	out := map[string]any{
		"extId": j.ExtID, "name": j.Name, "recoveryPlanExtId": j.PlanExtID,
		"actionType": v4Actions[j.Action], "status": v4JobStatus(j.Status), "percentageComplete": j.Percent,
		"isLiveMigrateVMs": j.Action == "LIVE_MIGRATE", "isInitiatedByWitness": j.Initiator == "witness",
		"failoverDirections": []any{DataProtection.object("dataprotection.v4.config.FailoverDirection", map[string]any{
			"sourceDomainManagerExtId": j.SourceDM, "targetDomainManagerExtId": j.TargetDM,
		})},
		"links": []any{v4Link(b.URL()+jobsPath+"/"+j.ExtID, "self")},
	}
	if t := v4Time(j.Started); t != nil {
		out["startTime"] = t
	}
	if t := v4Time(j.Ended); t != nil {
		out["endTime"] = t
	}
	if j.RecoveryReferenceTime != nil {
		out["recoveryReferenceTime"] = v4Time(*j.RecoveryReferenceTime)
	}
	return DataProtection.object("dataprotection.v4.config.RecoveryPlanJob", out)
}

// stepEntityTypes maps the model's kinds to ExecutionStepEntityType.
var stepEntityTypes = map[string]string{
	"vm": "VM", "subnet": "SUBNET", "availability_zone": "AVAILABILITY_ZONE", "recovery_plan": "RECOVERY_PLAN",
	"vpc": "VPC", "category": "CATEGORY", "recovery_plan_job": "RECOVERY_PLAN_JOB",
}

func renderStep(s JobStep) map[string]any {
	out := map[string]any{"extId": s.ExtID, "phase": s.Phase, "operationType": s.Operation,
		"status": v4JobStatus(s.Status), "percentageComplete": s.Percent, "stepDescription": s.Description}
	if t := v4Time(s.Start); t != nil {
		out["startTime"] = t
	}
	if t := v4Time(s.End); t != nil {
		out["endTime"] = t
	}
	var ents []any
	for _, e := range s.Entities {
		typ := stepEntityTypes[e.Kind]
		if typ == "" {
			typ = strings.ToUpper(e.Kind)
		}
		ents = append(ents, DataProtection.object("dataprotection.v4.config.ExecutionStepEntityReference",
			map[string]any{"entityType": typ, "extId": e.ExtID, "name": e.Name}))
	}
	if len(ents) > 0 {
		out["affectedEntities"] = ents
	}
	if results := renderStepResults(s.Recovered); len(results) > 0 {
		out["executionStepResults"] = results
	}
	if s.ErrorCode != "" || s.ErrorDetail != "" {
		out["errorMessage"] = DataProtection.object("dataprotection.v4.error.AppMessage",
			map[string]any{"code": s.ErrorCode, "message": s.ErrorDetail, "severity": "ERROR", "locale": "en_US"})
	}
	return DataProtection.object("dataprotection.v4.config.RecoveryPlanJobExecutionStep", out)
}

func stageID(s RecoveryStage) string { return s.ExtID }

func findJob(b Backend, id string) (RecoveryPlanJob, bool) {
	return findByID(b.RecoveryPlanJobs(), func(j RecoveryPlanJob) string { return j.ExtID }, id)
}

func handleListJobs(rq Request) (int, any) {
	return listOf(DataProtection, rq, jobFields, "dataprotection.v4.config.ListRecoveryPlanJobsApiResponse", "dataprotection.v4.config.RecoveryPlanJob",
		rq.PC.RecoveryPlanJobs(), func(j RecoveryPlanJob) map[string]any { return renderJob(rq.PC, j) })
}

func handleGetJob(rq Request) (int, any) {
	j, ok := findJob(rq.PC, rq.Params["extId"])
	if !ok {
		return DataProtection.fail(http.StatusNotFound, 40400, "extId", "recovery plan job %s was not found", rq.Params["extId"])
	}
	return DataProtection.entityAnswer(http.StatusOK, "dataprotection.v4.config.GetRecoveryPlanJobApiResponse", renderJob(rq.PC, j))
}

func handleListSteps(rq Request) (int, any) {
	id := rq.Params["recoveryPlanJobExtId"]
	j, ok := findJob(rq.PC, id)
	if !ok {
		return DataProtection.fail(http.StatusNotFound, 40400, "recoveryPlanJobExtId", "recovery plan job %s was not found", id)
	}
	return listOf(DataProtection, rq, stepFields, "dataprotection.v4.config.ListRecoveryPlanJobExecutionStepsApiResponse",
		"dataprotection.v4.config.RecoveryPlanJobExecutionStep", j.Steps, renderStep)
}

// planIn is the body of a RecoveryPlan create or update.
type planIn struct {
	Name             *string         `json:"name"`
	Description      *string         `json:"description"`
	PrimaryLocation  *planLocationIn `json:"primaryLocation"`
	RecoveryLocation *planLocationIn `json:"recoveryLocation"`
	Witness          *struct {
		ExtID       *string `json:"extId"`
		TimeoutSecs *int64  `json:"timeoutSecs"`
	} `json:"witness"`
}

type planLocationIn struct {
	DomainManagerExtID *string `json:"domainManagerExtId"`
	Clusters           []struct {
		ExtID string `json:"extId"`
	} `json:"clusters"`
}

func decodePlan(rq Request) (RecoveryPlan, int, any, bool) {
	var in planIn
	if st, body, ok := DataPolicies.decode(rq, &in); !ok {
		return RecoveryPlan{}, st, body, false
	}
	fail := func(field, format string, args ...any) (RecoveryPlan, int, any, bool) {
		st, body := DataPolicies.fail(http.StatusBadRequest, 40004, field, format, args...)
		return RecoveryPlan{}, st, body, false
	}
	if in.Name == nil || *in.Name == "" {
		return fail("name", "name is required")
	}
	p := RecoveryPlan{Name: *in.Name}
	if in.Description != nil {
		p.Description = *in.Description
	}
	for _, l := range []struct {
		field string
		in    *planLocationIn
		out   *DRLocation
	}{{"primaryLocation", in.PrimaryLocation, &p.Primary}, {"recoveryLocation", in.RecoveryLocation, &p.Recovery}} {
		if l.in == nil || l.in.DomainManagerExtID == nil || *l.in.DomainManagerExtID == "" {
			return fail(l.field+".domainManagerExtId", "%s.domainManagerExtId is required", l.field)
		}
		l.out.DomainManagerExtID = *l.in.DomainManagerExtID
		for _, c := range l.in.Clusters {
			l.out.Clusters = append(l.out.Clusters, c.ExtID)
		}
	}
	if w := in.Witness; w != nil {
		if w.ExtID == nil || *w.ExtID == "" {
			return fail("witness.extId", "witness.extId is required")
		}
		p.Witness = &Witness{ExtID: *w.ExtID, TimeoutSecs: w.TimeoutSecs}
	}
	return p, 0, nil, true
}

func handleCreatePlan(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, st, body, ok := decodePlan(rq)
		if !ok {
			return st, body
		}
		_, task, err := rq.PC.CreateRecoveryPlan(rq.HTTP.Context(), p)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.CreateRecoveryPlanApiResponse", task)
	})
}

func handleUpdatePlan(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		cur, found := findPlan(rq.PC, rq.Params["extId"])
		if st, body, ok := DataPolicies.matchCurrent(rq, found, "recovery plan "+rq.Params["extId"],
			func() map[string]any { return renderPlan(rq.PC, cur) }); !ok {
			return st, body
		}
		p, st, body, ok := decodePlan(rq)
		if !ok {
			return st, body
		}
		p.ExtID = cur.ExtID
		task, err := rq.PC.UpdateRecoveryPlan(rq.HTTP.Context(), p)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.UpdateRecoveryPlanApiResponse", task)
	})
}

func handleDeletePlan(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		cur, found := findPlan(rq.PC, rq.Params["extId"])
		if st, body, ok := DataPolicies.matchCurrent(rq, found, "recovery plan "+rq.Params["extId"],
			func() map[string]any { return renderPlan(rq.PC, cur) }); !ok {
			return st, body
		}
		task, err := rq.PC.DeleteRecoveryPlan(rq.HTTP.Context(), cur.ExtID)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.DeleteRecoveryPlanApiResponse", task)
	})
}

// stageIn is the body of a RecoveryStage create or update.
type stageIn struct {
	EntityType     *string  `json:"entityType"`
	Priority       *int     `json:"priority"`
	CategoryExtIDs []string `json:"categoryExtIds"`
	Entities       []struct {
		ExtID string `json:"extId"`
	} `json:"entities"`
	PostActions []struct {
		Config *struct {
			ObjectType string `json:"$objectType"`
			DelaySecs  *int64 `json:"delaySecs"`
		} `json:"config"`
	} `json:"postActions"`
}

func decodeStage(rq Request) (RecoveryStage, int, any, bool) {
	var in stageIn
	if st, body, ok := DataPolicies.decode(rq, &in); !ok {
		return RecoveryStage{}, st, body, false
	}
	fail := func(field, format string, args ...any) (RecoveryStage, int, any, bool) {
		st, body := DataPolicies.fail(http.StatusBadRequest, 40004, field, format, args...)
		return RecoveryStage{}, st, body, false
	}
	if in.EntityType == nil || *in.EntityType != "VM" {
		return fail("entityType", "entityType is required and prismsim recovers VM only")
	}
	var s RecoveryStage
	if in.Priority != nil {
		s.Priority = *in.Priority
	}
	s.CategoryIDs = in.CategoryExtIDs
	for _, e := range in.Entities {
		s.EntityIDs = append(s.EntityIDs, e.ExtID)
	}
	if len(s.CategoryIDs) == 0 && len(s.EntityIDs) == 0 {
		return fail("categoryExtIds", "a stage names the VMs it recovers: categoryExtIds or entities")
	}
	for i, a := range in.PostActions {
		if a.Config == nil || a.Config.DelaySecs == nil {
			return fail(fmt.Sprintf("postActions[%d].config", i), "postActions[%d].config must be a DelayAction with delaySecs", i)
		}
		d := *a.Config.DelaySecs
		s.DelaySecs = &d
	}
	return s, 0, nil, true
}

func handleCreateStage(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
		if !ok {
			return planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
		}
		s, st, body, ok := decodeStage(rq)
		if !ok {
			return st, body
		}
		task, err := rq.PC.PutRecoveryStage(rq.HTTP.Context(), p.ExtID, s, true)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.CreateRecoveryStageApiResponse", task)
	})
}

func stageOf(rq Request) (RecoveryPlan, RecoveryStage, int, any, bool) {
	p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
	if !ok {
		st, body := planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
		return p, RecoveryStage{}, st, body, false
	}
	if s, ok := findByID(p.Stages, stageID, rq.Params["extId"]); ok {
		if st, body, ok := DataPolicies.checkIfMatch(rq, renderStage(rq.PC, p.ExtID, s)); !ok {
			return p, s, st, body, false
		}
		return p, s, 0, nil, true
	}
	st, body := DataPolicies.fail(http.StatusNotFound, 40400, "extId", "stage %s of recovery plan %s was not found", rq.Params["extId"], p.ExtID)
	return p, RecoveryStage{}, st, body, false
}

func handleUpdateStage(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, cur, st, body, ok := stageOf(rq)
		if !ok {
			return st, body
		}
		s, st, body, ok := decodeStage(rq)
		if !ok {
			return st, body
		}
		s.ExtID = cur.ExtID
		task, err := rq.PC.PutRecoveryStage(rq.HTTP.Context(), p.ExtID, s, false)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.UpdateRecoveryStageApiResponse", task)
	})
}

func handleDeleteStage(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, cur, st, body, ok := stageOf(rq)
		if !ok {
			return st, body
		}
		task, err := rq.PC.DeleteRecoveryStage(rq.HTTP.Context(), p.ExtID, cur.ExtID)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.DeleteRecoveryStageApiResponse", task)
	})
}

// commonEntityTypes maps the model's kinds to common.v1.config.EntityType.
var commonEntityTypes = map[string]string{
	"vm": "VM", "subnet": "SUBNET", "cluster": "CLUSTER", "category": "CATEGORY", "vpc": "VPC",
}

func renderValidationError(m JobMessage) map[string]any {
	var ents []any
	for _, e := range m.Entities {
		ref := map[string]any{"$objectType": "common.v1.config.EntityReference", "$reserved": map[string]any{"$fv": "v1.r0"},
			"extId": e.ExtID, "name": e.Name}
		if t := commonEntityTypes[e.Kind]; t != "" {
			ref["entityType"] = t
		}
		ents = append(ents, ref)
	}
	out := map[string]any{"extId": m.ExtID, "severity": m.Severity, "errorGroup": m.Group, "message": m.Message}
	if len(ents) > 0 {
		out["affectedEntities"] = ents
	}
	if m.Cause != "" || m.Impact != "" || m.Resolution != "" {
		rca := map[string]any{"cause": m.Cause}
		if m.Impact != "" {
			rca["impacts"] = []string{m.Impact}
		}
		if m.Resolution != "" {
			rca["resolutions"] = []string{m.Resolution}
		}
		out["rootCauseAnalysis"] = DataProtection.object("dataprotection.v4.config.RootCauseAnalysis", rca)
	}
	return DataProtection.object("dataprotection.v4.config.RecoveryPlanValidationError", out)
}

func handleListValidationErrors(rq Request) (int, any) {
	id := rq.Params["recoveryPlanJobExtId"]
	j, ok := findJob(rq.PC, id)
	if !ok {
		return DataProtection.fail(http.StatusNotFound, 40400, "recoveryPlanJobExtId", "recovery plan job %s was not found", id)
	}
	return listOf(DataProtection, rq, []string{"extId", "severity", "errorGroup"}, "dataprotection.v4.config.ListRecoveryPlanJobValidationErrorsApiResponse",
		"dataprotection.v4.config.RecoveryPlanValidationError", j.Messages, renderValidationError)
}

func handleDeleteJob(rq Request) (int, any) {
	return DataProtection.mutation(rq, func() (int, any) {
		j, found := findJob(rq.PC, rq.Params["extId"])
		if st, body, ok := DataProtection.matchCurrent(rq, found, "recovery plan job "+rq.Params["extId"],
			func() map[string]any { return renderJob(rq.PC, j) }); !ok {
			return st, body
		}
		task, err := rq.PC.DeleteRecoveryPlanJob(rq.HTTP.Context(), j.ExtID)
		if err != nil {
			return DataProtection.failModel(err)
		}
		return DataProtection.taskAnswer("dataprotection.v4.config.DeleteRecoveryPlanJobApiResponse", task)
	})
}

func renderNetworkConfig(c *NetworkConfig) map[string]any {
	out := map[string]any{}
	if c.SubnetName != "" {
		out["subnetName"] = c.SubnetName
	}
	if c.VPCExtID != "" {
		out["vpc"] = dp("datapolicies.v4.config.EntityReference", map[string]any{"extId": c.VPCExtID})
	}
	if c.Gateway != "" || c.PrefixLength != nil {
		ipv4 := map[string]any{"defaultGatewayIp": c.Gateway}
		if c.PrefixLength != nil {
			ipv4["prefixLength"] = *c.PrefixLength
		}
		out["ipConfig"] = dp("datapolicies.v4.config.IPConfig", map[string]any{"ipv4": dp("datapolicies.v4.config.IPv4Config", ipv4)})
	}
	return dp("datapolicies.v4.config.NetworkConfig", out)
}

func renderNetworkMapping(b Backend, plan string, m NetworkMapping) map[string]any {
	out := map[string]any{"extId": m.ExtID, "links": []any{v4Link(b.URL()+plansPath+"/"+plan+"/network-mappings/"+m.ExtID, "self")}}
	for name, c := range map[string]*NetworkConfig{"primaryNetwork": m.Primary, "recoveryNetwork": m.Recovery,
		"primaryTestNetwork": m.PrimaryTest, "recoveryTestNetwork": m.RecoveryTest} {
		if c != nil {
			out[name] = renderNetworkConfig(c)
		}
	}
	return dp("datapolicies.v4.config.NetworkMapping", out)
}

func handleListNetworkMappings(rq Request) (int, any) {
	p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
	if !ok {
		return planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
	}
	return listOf(DataPolicies, rq, []string{"extId"}, "datapolicies.v4.config.ListNetworkMappingsApiResponse",
		"datapolicies.v4.config.NetworkMapping", p.NetworkMappings, func(m NetworkMapping) map[string]any { return renderNetworkMapping(rq.PC, p.ExtID, m) })
}

func handleGetNetworkMapping(rq Request) (int, any) {
	p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
	if !ok {
		return planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
	}
	if m, ok := findByID(p.NetworkMappings, func(m NetworkMapping) string { return m.ExtID }, rq.Params["extId"]); ok {
		return DataPolicies.entityAnswer(http.StatusOK, "datapolicies.v4.config.GetNetworkMappingApiResponse", renderNetworkMapping(rq.PC, p.ExtID, m))
	}
	return DataPolicies.fail(http.StatusNotFound, 40400, "extId", "network mapping %s of recovery plan %s was not found", rq.Params["extId"], p.ExtID)
}

func renderRecoverySetting(b Backend, plan string, r RecoverySetting) map[string]any {
	setting := map[string]any{}
	if r.PowerState != "" {
		setting["powerState"] = r.PowerState
	}
	if r.ScriptEnabled != nil {
		cfg := map[string]any{"isEnabled": *r.ScriptEnabled}
		if r.ScriptTimeout != nil {
			cfg["timeoutSecs"] = *r.ScriptTimeout
		}
		setting["inGuestScriptExecutionConfig"] = dp("datapolicies.v4.config.InGuestScriptExecutionConfig", cfg)
	}
	if len(r.IPMappings) > 0 {
		var ips []any
		ip := func(s string) any {
			return dp("common.v1.config.IPAddress", map[string]any{"ipv4": dp("common.v1.config.IPv4Address", map[string]any{"value": s})})
		}
		for _, m := range r.IPMappings {
			o := map[string]any{"networkMappingExtId": m.NetworkMappingExtID}
			for k, v := range map[string]string{"primaryIp": m.PrimaryIP, "recoveryIp": m.RecoveryIP, "primaryTestIp": m.PrimaryTestIP, "recoveryTestIp": m.RecoveryTestIP} {
				if v != "" {
					o[k] = ip(v)
				}
			}
			ips = append(ips, dp("datapolicies.v4.config.IpMapping", o))
		}
		setting["ipMappings"] = ips
	}
	objectType := "datapolicies.v4.config.VmRecoverySetting"
	if r.Scope == "VM_CATEGORY" {
		objectType = "datapolicies.v4.config.VmCategoryRecoverySetting"
		setting["vmCategoryExtId"] = r.CategoryExtID
	} else {
		setting["vm"] = dp("datapolicies.v4.config.EntityReference", map[string]any{"extId": r.VMExtID})
	}
	return dp("datapolicies.v4.config.RecoverySetting", map[string]any{
		"extId": r.ExtID, "scope": r.Scope,
		"$recoverySettingItemDiscriminator": objectType,
		"recoverySetting":                   dp(objectType, setting),
		"links":                             []any{v4Link(b.URL()+plansPath+"/"+plan+"/recovery-settings/"+r.ExtID, "self")},
	})
}

func handleListRecoverySettings(rq Request) (int, any) {
	p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
	if !ok {
		return planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
	}
	return listOf(DataPolicies, rq, []string{"extId", "scope"}, "datapolicies.v4.config.ListRecoverySettingsApiResponse",
		"datapolicies.v4.config.RecoverySetting", p.RecoverySettings, func(r RecoverySetting) map[string]any { return renderRecoverySetting(rq.PC, p.ExtID, r) })
}

func handleGetRecoverySetting(rq Request) (int, any) {
	p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
	if !ok {
		return planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
	}
	if r, ok := findByID(p.RecoverySettings, func(r RecoverySetting) string { return r.ExtID }, rq.Params["extId"]); ok {
		return DataPolicies.entityAnswer(http.StatusOK, "datapolicies.v4.config.GetRecoverySettingApiResponse", renderRecoverySetting(rq.PC, p.ExtID, r))
	}
	return DataPolicies.fail(http.StatusNotFound, 40400, "extId", "recovery setting %s of recovery plan %s was not found", rq.Params["extId"], p.ExtID)
}

// recoverySettingIn is the body of a RecoverySetting create or update.
type recoverySettingIn struct {
	Setting *struct {
		ObjectType string `json:"$objectType"`
		Vm         *struct {
			ExtID string `json:"extId"`
		} `json:"vm"`
		VMCategoryExtID *string `json:"vmCategoryExtId"`
		PowerState      *string `json:"powerState"`
		Script          *struct {
			IsEnabled   *bool  `json:"isEnabled"`
			TimeoutSecs *int64 `json:"timeoutSecs"`
		} `json:"inGuestScriptExecutionConfig"`
		IPMappings []struct {
			NetworkMappingExtID *string `json:"networkMappingExtId"`
			PrimaryIP           *ipIn   `json:"primaryIp"`
			RecoveryIP          *ipIn   `json:"recoveryIp"`
			PrimaryTestIP       *ipIn   `json:"primaryTestIp"`
			RecoveryTestIP      *ipIn   `json:"recoveryTestIp"`
		} `json:"ipMappings"`
		FloatingIPs      []json.RawMessage `json:"floatingIpAssociations"`
		VGAttachments    []json.RawMessage `json:"volumeGroupAttachments"`
		VolumeGroupExtID *string           `json:"volumeGroupExtId"`
	} `json:"recoverySetting"`
}

type ipIn struct {
	IPv4 *struct {
		Value string `json:"value"`
	} `json:"ipv4"`
}

func (i *ipIn) value() string {
	if i == nil || i.IPv4 == nil {
		return ""
	}
	return i.IPv4.Value
}

// decodeRecoverySetting reads a VmRecoverySetting or a VmCategoryRecoverySetting.
// Floating IPs and volume groups are not served (400): the model has no form for them here.
func decodeRecoverySetting(rq Request) (RecoverySetting, int, any, bool) {
	var in recoverySettingIn
	if st, body, ok := DataPolicies.decode(rq, &in); !ok {
		return RecoverySetting{}, st, body, false
	}
	fail := func(field, format string, args ...any) (RecoverySetting, int, any, bool) {
		st, body := DataPolicies.fail(http.StatusBadRequest, 40004, field, format, args...)
		return RecoverySetting{}, st, body, false
	}
	s := in.Setting
	if s == nil {
		return fail("recoverySetting", "recoverySetting is required")
	}
	var r RecoverySetting
	switch {
	case s.ObjectType == "datapolicies.v4.config.VmRecoverySetting" || (s.ObjectType == "" && s.Vm != nil):
		if s.Vm == nil || s.Vm.ExtID == "" {
			return fail("recoverySetting.vm.extId", "recoverySetting.vm.extId is required")
		}
		r.Scope, r.VMExtID = "VM", s.Vm.ExtID
	case s.ObjectType == "datapolicies.v4.config.VmCategoryRecoverySetting" || (s.ObjectType == "" && s.VMCategoryExtID != nil):
		if s.VMCategoryExtID == nil || *s.VMCategoryExtID == "" {
			return fail("recoverySetting.vmCategoryExtId", "recoverySetting.vmCategoryExtId is required")
		}
		r.Scope, r.CategoryExtID = "VM_CATEGORY", *s.VMCategoryExtID
	default:
		return fail("recoverySetting", "recoverySetting: $objectType %q is not served by prismsim (VmRecoverySetting and VmCategoryRecoverySetting are)", s.ObjectType)
	}
	if len(s.FloatingIPs) > 0 || len(s.VGAttachments) > 0 {
		return fail("recoverySetting.floatingIpAssociations", "recoverySetting: floating IP associations and volume group attachments are not served by prismsim over v4")
	}
	if s.PowerState != nil {
		if *s.PowerState != "ON" && *s.PowerState != "OFF" {
			return fail("recoverySetting.powerState", "recoverySetting.powerState must be ON or OFF, got %q", *s.PowerState)
		}
		r.PowerState = *s.PowerState
	}
	if s.Script != nil {
		if s.Script.IsEnabled == nil {
			return fail("recoverySetting.inGuestScriptExecutionConfig.isEnabled", "recoverySetting.inGuestScriptExecutionConfig.isEnabled is required")
		}
		r.ScriptEnabled, r.ScriptTimeout = s.Script.IsEnabled, s.Script.TimeoutSecs
	}
	if len(s.IPMappings) > 0 && r.Scope != "VM" {
		return fail("recoverySetting.ipMappings", "recoverySetting.ipMappings are a VM's: a category setting has none")
	}
	for i, m := range s.IPMappings {
		if m.NetworkMappingExtID == nil || *m.NetworkMappingExtID == "" {
			return fail(fmt.Sprintf("recoverySetting.ipMappings[%d].networkMappingExtId", i), "recoverySetting.ipMappings[%d].networkMappingExtId is required", i)
		}
		// primaryIp and recoveryIp are required by the SDK; prismsim takes either alone
		// (v3 lets a VM have a static address at one site only: leniency).
		r.IPMappings = append(r.IPMappings, IPMapping{NetworkMappingExtID: *m.NetworkMappingExtID, PrimaryIP: m.PrimaryIP.value(),
			RecoveryIP: m.RecoveryIP.value(), PrimaryTestIP: m.PrimaryTestIP.value(), RecoveryTestIP: m.RecoveryTestIP.value()})
	}
	return r, 0, nil, true
}

func handleCreateRecoverySetting(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
		if !ok {
			return planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
		}
		r, st, body, ok := decodeRecoverySetting(rq)
		if !ok {
			return st, body
		}
		task, err := rq.PC.PutRecoverySetting(rq.HTTP.Context(), p.ExtID, r)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.CreateRecoverySettingApiResponse", task)
	})
}

// settingOf finds the recovery setting of a PUT or DELETE and checks If-Match against it.
func settingOf(rq Request) (RecoveryPlan, RecoverySetting, int, any, bool) {
	p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
	if !ok {
		st, body := planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
		return p, RecoverySetting{}, st, body, false
	}
	r, found := findByID(p.RecoverySettings, func(r RecoverySetting) string { return r.ExtID }, rq.Params["extId"])
	st, body, ok := DataPolicies.matchCurrent(rq, found, "recovery setting "+rq.Params["extId"],
		func() map[string]any { return renderRecoverySetting(rq.PC, p.ExtID, r) })
	return p, r, st, body, ok
}

func handleUpdateRecoverySetting(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, cur, st, body, ok := settingOf(rq)
		if !ok {
			return st, body
		}
		r, st, body, ok := decodeRecoverySetting(rq)
		if !ok {
			return st, body
		}
		if r.Scope != cur.Scope || r.VMExtID != cur.VMExtID || r.CategoryExtID != cur.CategoryExtID {
			st, body := DataPolicies.fail(http.StatusBadRequest, 40004, "recoverySetting", "a recovery setting's VM or category cannot change: delete it and create another")
			return st, body
		}
		task, err := rq.PC.PutRecoverySetting(rq.HTTP.Context(), p.ExtID, r)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.UpdateRecoverySettingApiResponse", task)
	})
}

func handleDeleteRecoverySetting(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, cur, st, body, ok := settingOf(rq)
		if !ok {
			return st, body
		}
		task, err := rq.PC.DeleteRecoverySetting(rq.HTTP.Context(), p.ExtID, cur)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.DeleteRecoverySettingApiResponse", task)
	})
}

// networkIn is a NetworkConfig of a request body.
type networkIn struct {
	SubnetName  *string `json:"subnetName"`
	SubnetExtID *string `json:"subnetExtId"`
	Vpc         *struct {
		ExtID string `json:"extId"`
	} `json:"vpc"`
	IPConfig *struct {
		IPv4 *struct {
			DefaultGatewayIP *string `json:"defaultGatewayIp"`
			PrefixLength     *int64  `json:"prefixLength"`
		} `json:"ipv4"`
	} `json:"ipConfig"`
}

type networkMappingIn struct {
	PrimaryNetwork      *networkIn `json:"primaryNetwork"`
	RecoveryNetwork     *networkIn `json:"recoveryNetwork"`
	PrimaryTestNetwork  *networkIn `json:"primaryTestNetwork"`
	RecoveryTestNetwork *networkIn `json:"recoveryTestNetwork"`
}

func networkOf(field string, in *networkIn, required bool) (*NetworkConfig, string, error) {
	if in == nil {
		if required {
			return nil, field, fmt.Errorf("%s is required", field)
		}
		return nil, "", nil
	}
	if in.SubnetName == nil || *in.SubnetName == "" {
		return nil, field + ".subnetName", fmt.Errorf("%s.subnetName is required by prismsim: the model maps networks by subnet name (subnetExtId alone is not resolved)", field)
	}
	c := &NetworkConfig{SubnetName: *in.SubnetName}
	if in.Vpc != nil {
		c.VPCExtID = in.Vpc.ExtID
	}
	if in.IPConfig != nil && in.IPConfig.IPv4 != nil {
		if in.IPConfig.IPv4.DefaultGatewayIP != nil {
			c.Gateway = *in.IPConfig.IPv4.DefaultGatewayIP
		}
		c.PrefixLength = in.IPConfig.IPv4.PrefixLength
	}
	return c, "", nil
}

func decodeNetworkMapping(rq Request) (NetworkMapping, int, any, bool) {
	var in networkMappingIn
	if st, body, ok := DataPolicies.decode(rq, &in); !ok {
		return NetworkMapping{}, st, body, false
	}
	var m NetworkMapping
	for _, n := range []struct {
		field    string
		in       *networkIn
		out      **NetworkConfig
		required bool
	}{
		{"primaryNetwork", in.PrimaryNetwork, &m.Primary, true}, {"recoveryNetwork", in.RecoveryNetwork, &m.Recovery, true},
		{"primaryTestNetwork", in.PrimaryTestNetwork, &m.PrimaryTest, false}, {"recoveryTestNetwork", in.RecoveryTestNetwork, &m.RecoveryTest, false},
	} {
		c, field, err := networkOf(n.field, n.in, n.required)
		if err != nil {
			st, body := DataPolicies.fail(http.StatusBadRequest, 40004, field, "%v", err)
			return m, st, body, false
		}
		*n.out = c
	}
	return m, 0, nil, true
}

func handleCreateNetworkMapping(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
		if !ok {
			return planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
		}
		m, st, body, ok := decodeNetworkMapping(rq)
		if !ok {
			return st, body
		}
		task, err := rq.PC.PutNetworkMapping(rq.HTTP.Context(), p.ExtID, m, true)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.CreateNetworkMappingApiResponse", task)
	})
}

// mappingOf finds the network mapping of a PUT or DELETE and checks If-Match against it.
func mappingOf(rq Request) (RecoveryPlan, NetworkMapping, int, any, bool) {
	p, ok := findPlan(rq.PC, rq.Params["recoveryPlanExtId"])
	if !ok {
		st, body := planNotFound(DataPolicies, rq.Params["recoveryPlanExtId"])
		return p, NetworkMapping{}, st, body, false
	}
	m, found := findByID(p.NetworkMappings, func(m NetworkMapping) string { return m.ExtID }, rq.Params["extId"])
	st, body, ok := DataPolicies.matchCurrent(rq, found, "network mapping "+rq.Params["extId"],
		func() map[string]any { return renderNetworkMapping(rq.PC, p.ExtID, m) })
	return p, m, st, body, ok
}

func handleUpdateNetworkMapping(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, cur, st, body, ok := mappingOf(rq)
		if !ok {
			return st, body
		}
		m, st, body, ok := decodeNetworkMapping(rq)
		if !ok {
			return st, body
		}
		m.ExtID = cur.ExtID
		task, err := rq.PC.PutNetworkMapping(rq.HTTP.Context(), p.ExtID, m, false)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.UpdateNetworkMappingApiResponse", task)
	})
}

func handleDeleteNetworkMapping(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, cur, st, body, ok := mappingOf(rq)
		if !ok {
			return st, body
		}
		task, err := rq.PC.DeleteNetworkMapping(rq.HTTP.Context(), p.ExtID, cur.ExtID)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.DeleteNetworkMappingApiResponse", task)
	})
}
