package v4

import (
	"net/http"
	"time"
)

// Tasks (prism v4.3, SDK prism-go-client api/tasks_api.go, models/prism/v4/config Task):
//
//	GET /api/prism/v4.3/config/tasks[?$filter&$orderby&$page&$limit]
//	GET /api/prism/v4.3/config/tasks/{extId}
//
// The model's tasks, whatever wire started them, as prism.v4.config.Task. Their extIds are
// the model's task uuids (v3's task_uuid).

var tasksPath = Prism.Prefix() + "/config/tasks"

// taskFields are what $filter and $orderby take on tasks (the SDK's ListTasksRequest names
// status, operation and the times among others).
var taskFields = []string{"extId", "status", "operation", "createdTime", "startedTime", "completedTime", "lastUpdatedTime"}

func taskRoutes() []Route {
	return []Route{
		{http.MethodGet, tasksPath, "task", handleListTasks},
		{http.MethodGet, tasksPath + "/{extId}", "task", handleGetTask},
	}
}

// relOf names a v3 kind as the rel of a v4 entity reference (UNCONFIRMED beyond the
// pattern "<namespace>:<module>:<entity>" of vmm:ahv:vm in Nutanix's examples).
var relOf = map[string]string{
	"vm":                "vmm:ahv:vm",
	"category":          "prism:config:category",
	"protection_rule":   "datapolicies:config:protection-policy",
	"recovery_plan":     "datapolicies:config:recovery-plan",
	"recovery_plan_job": "dataprotection:config:recovery-plan-job",
	"subnet":            "networking:config:subnet",
	"vpc":               "networking:config:vpc",
	"vpc_route_table":   "networking:config:route-table",
	"cluster":           "clustermgmt:config:cluster",
}

func v4Time(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func renderTask(t Task) map[string]any {
	entities := make([]any, 0, len(t.Entities))
	for _, e := range t.Entities {
		rel := relOf[e.Kind]
		if rel == "" {
			rel = e.Kind
		}
		ref := map[string]any{"$objectType": "prism.v4.config.EntityReference", "$reserved": Prism.reserved(), "extId": e.ExtID, "rel": rel}
		if e.Name != "" {
			ref["name"] = e.Name
		}
		entities = append(entities, ref)
	}
	out := map[string]any{
		"extId":                t.ExtID,
		"operation":            t.Operation,
		"operationDescription": t.Operation,
		"status":               t.Status,
		"progressPercentage":   t.Percent,
		"createdTime":          v4Time(t.Created),
		"lastUpdatedTime":      v4Time(t.Updated),
		"entitiesAffected":     entities,
		"isCancelable":         false,
		"clusterExtIds":        []string{t.ClusterID},
	}
	for k, v := range map[string]any{"startedTime": v4Time(t.Started), "completedTime": v4Time(t.Completed)} {
		if v != nil {
			out[k] = v
		}
	}
	if t.ErrorCode != "" || t.ErrorDetail != "" {
		out["legacyErrorMessage"] = t.ErrorDetail
		out["errorMessages"] = []any{map[string]any{
			"$objectType": "prism.v4.error.AppMessage", "$reserved": Prism.reserved(),
			"code": t.ErrorCode, "message": t.ErrorDetail, "severity": "ERROR", "locale": "en_US",
		}}
	}
	return Prism.object("prism.v4.config.Task", out)
}

func handleListTasks(rq Request) (int, any) {
	return listOf(Prism, rq, taskFields, "prism.v4.config.ListTasksApiResponse", "prism.v4.config.Task", rq.PC.Tasks(), renderTask)
}

func handleGetTask(rq Request) (int, any) {
	id := rq.Params["extId"]
	if t, ok := findByID(rq.PC.Tasks(), func(t Task) string { return t.ExtID }, id); ok {
		return Prism.entityAnswer(http.StatusOK, "prism.v4.config.GetTaskApiResponse", renderTask(t))
	}
	return Prism.fail(http.StatusNotFound, 40400, "extId", "task %s was not found", id)
}
