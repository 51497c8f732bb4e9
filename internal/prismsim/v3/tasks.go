package v3

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// Tasks: GET /tasks/{uuid}, POST /tasks/poll and POST /tasks/list.

// maxPollTimeout is the spec's maximum poll_timeout_seconds.
const maxPollTimeout = 30

// Reference is a reference to an entity ({kind, uuid, name}).
type Reference struct {
	Kind string `json:"kind"`
	UUID string `json:"uuid"`
	Name string `json:"name,omitempty"`
}

// Task is a task of the model as the v3 wire shows it.
type Task struct {
	UUID, Status, Operation, Progress string
	Percent                           int
	Entities                          []Reference
	Cluster                           Reference // the PC's own cluster
	Created, Started, Completed       time.Time // Started and Completed are zero until then
	Updated                           time.Time
	Logical                           int64
	Seq                               int64 // creation order
	ErrorCode, ErrorDetail            string
}

// TaskBackend is what the v3 wire needs of a PC for tasks.
type TaskBackend interface {
	// GetTask returns the task id.
	GetTask(id string) (Task, error)
	// ListTasks returns the PC's tasks in creation order.
	ListTasks() []Task
	// PollTasks waits until one of the tasks ids has ended (not at all when one already
	// has), or timeout passes, and returns them all; timedOut tells that none had ended.
	PollTasks(ctx context.Context, ids []string, timeout time.Duration) (tasks []Task, timedOut bool, err error)
}

func init() {
	addRoutes(
		route(http.MethodGet, "/tasks/{uuid}", "task", handleGetTask),
		route(http.MethodPost, "/tasks/poll", "task", handlePollTasks),
		route(http.MethodPost, "/tasks/list", "task", handleListTasks),
	)
}

// TaskJSON is the spec's task definition.
type TaskJSON struct {
	APIVersion           string      `json:"api_version"`
	UUID                 string      `json:"uuid"`
	Status               string      `json:"status"`
	OperationType        string      `json:"operation_type"`
	ProgressMessage      string      `json:"progress_message"`
	PercentageComplete   int         `json:"percentage_complete"`
	EntityReferenceList  []Reference `json:"entity_reference_list"`
	SubtaskReferenceList []Reference `json:"subtask_reference_list"`
	ClusterReference     Reference   `json:"cluster_reference"`
	CreationTime         string      `json:"creation_time"`
	CreationTimeUsecs    int64       `json:"creation_time_usecs"`
	StartTime            string      `json:"start_time,omitempty"`
	StartTimeUsecs       int64       `json:"start_time_usecs,omitempty"`
	CompletionTime       string      `json:"completion_time,omitempty"`
	CompletionTimeUsecs  int64       `json:"completion_time_usecs,omitempty"`
	LastUpdateTime       string      `json:"last_update_time"`
	LogicalTimestamp     int64       `json:"logical_timestamp"`
	ErrorCode            string      `json:"error_code,omitempty"`
	ErrorDetail          string      `json:"error_detail,omitempty"`
}

// RenderTask renders a task as GET /tasks/{uuid} answers it.
func RenderTask(t Task) TaskJSON {
	refs := t.Entities
	if refs == nil {
		refs = []Reference{}
	}
	out := TaskJSON{
		APIVersion:           APIVersion,
		UUID:                 t.UUID,
		Status:               t.Status,
		OperationType:        t.Operation,
		ProgressMessage:      t.Progress,
		PercentageComplete:   t.Percent,
		EntityReferenceList:  refs,
		SubtaskReferenceList: []Reference{},
		ClusterReference:     t.Cluster,
		CreationTime:         FormatTime(t.Created),
		CreationTimeUsecs:    t.Created.UnixMicro(),
		LastUpdateTime:       FormatTime(t.Updated),
		LogicalTimestamp:     t.Logical,
		ErrorCode:            t.ErrorCode,
		ErrorDetail:          t.ErrorDetail,
	}
	if !t.Started.IsZero() {
		out.StartTime = FormatTime(t.Started)
		out.StartTimeUsecs = t.Started.UnixMicro()
	}
	if !t.Completed.IsZero() {
		out.CompletionTime = FormatTime(t.Completed)
		out.CompletionTimeUsecs = t.Completed.UnixMicro()
	}
	return out
}

func handleGetTask(rq Request) (int, any, error) {
	id, apiErr := rq.UUIDParam()
	if apiErr != nil {
		return 0, nil, apiErr
	}
	t, err := rq.PC.GetTask(id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, RenderTask(t), nil
}

type taskPollInput struct {
	TaskUUIDList       []string     `json:"task_uuid_list"`
	PollTimeoutSeconds *json.Number `json:"poll_timeout_seconds"`
}

type taskPollResponse struct {
	Entities        []TaskJSON `json:"entities"`
	HasPollTimedOut bool       `json:"has_poll_timed_out"`
}

// handlePollTasks answers POST /tasks/poll: it returns as soon as one of the listed tasks
// has ended (at once when one already has), or when poll_timeout_seconds pass. The answer
// holds every listed task in its current state.
func handlePollTasks(rq Request) (int, any, error) {
	var in taskPollInput
	if err := rq.Decode(&in); err != nil {
		return 0, nil, err
	}
	if len(in.TaskUUIDList) == 0 {
		return 0, nil, ValidationError("task_uuid_list is required and must not be empty")
	}
	if in.PollTimeoutSeconds == nil {
		return 0, nil, ValidationError("poll_timeout_seconds is required")
	}
	secs, err := strconv.Atoi(in.PollTimeoutSeconds.String())
	if err != nil || secs < 0 || secs > maxPollTimeout {
		return 0, nil, ValidationError("poll_timeout_seconds must be an integer from 0 to %d, got %s",
			maxPollTimeout, in.PollTimeoutSeconds.String())
	}
	ids := make([]string, len(in.TaskUUIDList))
	for i, id := range in.TaskUUIDList {
		if !model.IsUUID(id) {
			return 0, nil, Errorf(http.StatusBadRequest, ReasonInvalidUUID, "task_uuid_list[%d]: %q is not a UUID", i, id)
		}
		ids[i] = model.NormUUID(id)
	}
	tasks, timedOut, err := rq.PC.PollTasks(rq.Ctx(), ids, time.Duration(secs)*time.Second)
	if err != nil {
		return 0, nil, err
	}
	out := taskPollResponse{Entities: make([]TaskJSON, len(tasks)), HasPollTimedOut: timedOut}
	for i, t := range tasks {
		out.Entities[i] = RenderTask(t)
	}
	return http.StatusOK, out, nil
}

var taskAttrs = []string{"uuid", "status", "operation_type", "entity_uuid", "entity_kind", "creation_time"}

func handleListTasks(rq Request) (int, any, error) {
	lr, apiErr := DecodeList(rq.Body, "task")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	// Newest first, as Prism Central lists tasks.
	tasks := rq.PC.ListTasks()
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].Seq > tasks[j].Seq })
	items := make([]ListItem, 0, len(tasks))
	for i, t := range tasks {
		attrs := map[string][]string{
			"uuid":           {t.UUID},
			"status":         {t.Status},
			"operation_type": {t.Operation},
			"creation_time":  {fmt.Sprint(t.Created.UnixMicro())},
		}
		for _, ref := range t.Entities {
			attrs["entity_uuid"] = append(attrs["entity_uuid"], ref.UUID)
			attrs["entity_kind"] = append(attrs["entity_kind"], ref.Kind)
		}
		t := t
		items = append(items, ListItem{Seq: int64(i), Attrs: attrs, Render: func() any { return RenderTask(t) }})
	}
	return listAnswer(lr, "task", taskAttrs, items)
}
