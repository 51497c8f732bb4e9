package prismsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// Task statuses.
const (
	TaskQueued    = "QUEUED"
	TaskRunning   = "RUNNING"
	TaskSucceeded = "SUCCEEDED"
	TaskFailed    = "FAILED"
)

// maxPollTimeout is the spec's maximum poll_timeout_seconds.
const maxPollTimeout = 30

// task is an asynchronous operation of a PC. Fields are guarded by the PC's mutex.
type task struct {
	uuid     string
	opType   string
	status   string
	percent  int
	progress string
	refs     []reference
	// err is why the task failed, typed (a *modelError) when the model knows why.
	err       error
	created   time.Time
	started   time.Time
	completed time.Time
	updated   time.Time
	logical   int64
	seq       int64
}

// reference names an entity in task and query answers.
type reference struct {
	Kind string `json:"kind"`
	UUID string `json:"uuid"`
	Name string `json:"name,omitempty"`
}

// taskWork is what a task does when it ends. The functions run and abandon are called
// with the PC's mutex held.
type taskWork struct {
	// unlocked, optional, runs first, without any mutex held, so that it may work on
	// another PC (pairing creates the remote side there); an error fails the task.
	unlocked func() error
	// run applies the change; an error fails the task (a *modelError gives its condition as
	// error_code). run must leave the state unchanged when it fails.
	run func() error
	// abandon, optional, undoes what was reserved when the request was accepted; it runs
	// when the task fails (injected fault or run error).
	abandon func()
}

func (t *task) done() bool { return t.status == TaskSucceeded || t.status == TaskFailed }

// taskFailureInjector, set by faults.go, returns the error a task of opType created while
// serving the request in ctx must fail with (an injected fault), or nil.
var taskFailureInjector func(w *World, ctx context.Context, opType string) error

// startTask creates a QUEUED task and schedules it: RUNNING after half of the world's
// task latency (real time), then SUCCEEDED once work.run succeeds at the full latency, or
// FAILED. A matching task_failure fault for the request in ctx fails it. The caller holds
// the PC's mutex.
func (pc *PC) startTask(ctx context.Context, opType string, refs []reference, work taskWork) *task {
	now := pc.w.clock.Now()
	pc.taskSeq++
	t := &task{
		uuid:     newUUID(),
		opType:   opType,
		status:   TaskQueued,
		progress: "Queued",
		refs:     refs,
		created:  now,
		updated:  now,
		logical:  1,
		seq:      pc.taskSeq,
	}
	pc.tasks[t.uuid] = t
	pc.taskList = append(pc.taskList, t)

	var injected error
	if taskFailureInjector != nil {
		injected = taskFailureInjector(pc.w, ctx, opType)
	}
	latency := pc.w.Settings().TaskLatency.Std()
	started := pc.w.goBackground(func(wctx context.Context) {
		// A task does not move while its site is down: it resumes when the site is up.
		if !sleepCtx(wctx, latency/2) || !pc.waitUp(wctx) {
			return
		}
		pc.mu.Lock()
		pc.setTaskLocked(t, TaskRunning, 50, "Running")
		pc.mu.Unlock()
		if !sleepCtx(wctx, latency-latency/2) || !pc.waitUp(wctx) {
			return
		}
		var err error
		if injected != nil {
			err = injected
		} else if work.unlocked != nil {
			err = work.unlocked()
			if err == nil && !pc.waitUp(wctx) {
				return
			}
		}
		pc.mu.Lock()
		defer pc.mu.Unlock()
		if err == nil && work.run != nil {
			err = work.run()
		}
		if err != nil {
			if work.abandon != nil {
				work.abandon()
			}
			t.err = err
			pc.setTaskLocked(t, TaskFailed, 100, "Failed")
		} else {
			pc.setTaskLocked(t, TaskSucceeded, 100, "Completed")
		}
	})
	if !started {
		t.progress = "Not started: Prism Central is shutting down"
	}
	return t
}

// taskErrorOf is the error_code and error_detail of a task that failed with err: the
// condition a model error names (its v3 reason when it names none), or INTERNAL_ERROR.
func taskErrorOf(err error) (code, detail string) {
	var me *modelError
	var apiErr *apiError
	switch {
	case errors.As(err, &me):
		e := v3Error(me)
		return e.Reason, e.Message
	case errors.As(err, &apiErr):
		return apiErr.Reason, apiErr.Message
	default:
		return reasonInternal, err.Error()
	}
}

// setTaskLocked moves a task to a new status and wakes pollers when it ends.
func (pc *PC) setTaskLocked(t *task, status string, percent int, progress string) {
	now := pc.w.clock.Now()
	if status == TaskRunning && t.started.IsZero() {
		t.started = now
	}
	if status == TaskSucceeded || status == TaskFailed {
		if t.started.IsZero() {
			t.started = now
		}
		t.completed = now
	}
	t.status = status
	t.percent = percent
	t.progress = progress
	t.updated = now
	t.logical++
	if t.done() {
		close(pc.taskEvent)
		pc.taskEvent = make(chan struct{})
	}
}

// sleepCtx waits d (real time); it reports false when ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// taskJSON is the spec's task definition.
type taskJSON struct {
	APIVersion           string      `json:"api_version"`
	UUID                 string      `json:"uuid"`
	Status               string      `json:"status"`
	OperationType        string      `json:"operation_type"`
	ProgressMessage      string      `json:"progress_message"`
	PercentageComplete   int         `json:"percentage_complete"`
	EntityReferenceList  []reference `json:"entity_reference_list"`
	SubtaskReferenceList []reference `json:"subtask_reference_list"`
	ClusterReference     reference   `json:"cluster_reference"`
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

func (pc *PC) renderTaskLocked(t *task) taskJSON {
	refs := t.refs
	if refs == nil {
		refs = []reference{}
	}
	out := taskJSON{
		APIVersion:           apiVersion,
		UUID:                 t.uuid,
		Status:               t.status,
		OperationType:        t.opType,
		ProgressMessage:      t.progress,
		PercentageComplete:   t.percent,
		EntityReferenceList:  refs,
		SubtaskReferenceList: []reference{},
		ClusterReference:     reference{Kind: "cluster", UUID: pc.uuid, Name: pc.Name()},
		CreationTime:         formatTime(t.created),
		CreationTimeUsecs:    t.created.UnixMicro(),
		LastUpdateTime:       formatTime(t.updated),
		LogicalTimestamp:     t.logical,
	}
	if t.err != nil {
		out.ErrorCode, out.ErrorDetail = taskErrorOf(t.err)
	}
	if !t.started.IsZero() {
		out.StartTime = formatTime(t.started)
		out.StartTimeUsecs = t.started.UnixMicro()
	}
	if !t.completed.IsZero() {
		out.CompletionTime = formatTime(t.completed)
		out.CompletionTimeUsecs = t.completed.UnixMicro()
	}
	return out
}

func handleGetTask(rq *request) (int, any, error) {
	pc := rq.pc
	id, apiErr := uuidParam(rq)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	var out taskJSON
	if err := pc.viewTask(id, func(t *task) { out = pc.renderTaskLocked(t) }); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

// viewTask calls view with the task id of the PC.
func (pc *PC) viewTask(id string, view func(t *task)) error {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	t, ok := pc.tasks[id]
	if !ok {
		return notFoundError("task", id)
	}
	view(t)
	return nil
}

// viewTasks calls view with every task of the PC, in creation order.
func (pc *PC) viewTasks(view func(tasks []*task)) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	view(pc.taskList)
}

// pollTasks waits until one of the tasks ids has ended (not at all when one already has),
// or timeout passes, then calls view with them all; timedOut tells that none had ended.
func (pc *PC) pollTasks(ctx context.Context, ids []string, timeout time.Duration, view func(tasks []*task, timedOut bool)) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	timedOut := false
	for {
		pc.mu.Lock()
		tasks := make([]*task, len(ids))
		anyDone := false
		for i, id := range ids {
			t, ok := pc.tasks[id]
			if !ok {
				pc.mu.Unlock()
				return notFoundError("task", id)
			}
			tasks[i] = t
			anyDone = anyDone || t.done()
		}
		if anyDone || timedOut || timeout == 0 {
			view(tasks, !anyDone)
			pc.mu.Unlock()
			return nil
		}
		event := pc.taskEvent
		pc.mu.Unlock()
		select {
		case <-event:
		case <-deadline.C:
			timedOut = true
		case <-ctx.Done():
			return failf(errUnavailable, "", "request canceled")
		case <-pc.w.ctx.Done():
			return failf(errUnavailable, "", "Prism Central is shutting down")
		}
	}
}

type taskPollInput struct {
	TaskUUIDList       []string     `json:"task_uuid_list"`
	PollTimeoutSeconds *json.Number `json:"poll_timeout_seconds"`
}

type taskPollResponse struct {
	Entities        []taskJSON `json:"entities"`
	HasPollTimedOut bool       `json:"has_poll_timed_out"`
}

// handlePollTasks answers POST /tasks/poll: it returns as soon as one of the listed tasks
// has ended (at once when one already has), or when poll_timeout_seconds pass. The answer
// holds every listed task in its current state.
func handlePollTasks(rq *request) (int, any, error) {
	pc := rq.pc
	var in taskPollInput
	if err := rq.decode(&in); err != nil {
		return 0, nil, err
	}
	if len(in.TaskUUIDList) == 0 {
		return 0, nil, validationError("task_uuid_list is required and must not be empty")
	}
	if in.PollTimeoutSeconds == nil {
		return 0, nil, validationError("poll_timeout_seconds is required")
	}
	secs, err := strconv.Atoi(in.PollTimeoutSeconds.String())
	if err != nil || secs < 0 || secs > maxPollTimeout {
		return 0, nil, validationError("poll_timeout_seconds must be an integer from 0 to %d, got %s",
			maxPollTimeout, in.PollTimeoutSeconds.String())
	}
	ids := make([]string, len(in.TaskUUIDList))
	for i, id := range in.TaskUUIDList {
		if !isUUID(id) {
			return 0, nil, errorf(http.StatusBadRequest, reasonInvalidUUID, "task_uuid_list[%d]: %q is not a UUID", i, id)
		}
		ids[i] = normUUID(id)
	}
	var out taskPollResponse
	err = pc.pollTasks(rq.ctx(), ids, time.Duration(secs)*time.Second, func(tasks []*task, timedOut bool) {
		out = taskPollResponse{Entities: make([]taskJSON, len(tasks)), HasPollTimedOut: timedOut}
		for i, t := range tasks {
			out.Entities[i] = pc.renderTaskLocked(t)
		}
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

var taskAttrs = []string{"uuid", "status", "operation_type", "entity_uuid", "entity_kind", "creation_time"}

func handleListTasks(rq *request) (int, any, error) {
	pc := rq.pc
	lr, apiErr := decodeListRequest(rq, "task")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	var meta listMetadata
	var page []any
	pc.viewTasks(func(tasks []*task) {
		items := make([]listItem, 0, len(tasks))
		// Newest first, as Prism Central lists tasks.
		ordered := append([]*task(nil), tasks...)
		sort.SliceStable(ordered, func(i, j int) bool { return ordered[i].seq > ordered[j].seq })
		for i, t := range ordered {
			attrs := map[string][]string{
				"uuid":           {t.uuid},
				"status":         {t.status},
				"operation_type": {t.opType},
				"creation_time":  {fmt.Sprint(t.created.UnixMicro())},
			}
			for _, ref := range t.refs {
				attrs["entity_uuid"] = append(attrs["entity_uuid"], ref.UUID)
				attrs["entity_kind"] = append(attrs["entity_kind"], ref.Kind)
			}
			t := t
			items = append(items, listItem{Seq: int64(i), Attrs: attrs, Render: func() any { return pc.renderTaskLocked(t) }})
		}
		meta, page, apiErr = runList(lr, "task", taskAttrs, items)
	})
	if apiErr != nil {
		return 0, nil, apiErr
	}
	return http.StatusOK, map[string]any{"api_version": apiVersion, "metadata": meta, "entities": page}, nil
}

func init() {
	registerAPI(http.MethodGet, "/tasks/{uuid}", "task", handleGetTask)
	registerAPI(http.MethodPost, "/tasks/poll", "task", handlePollTasks)
	registerAPI(http.MethodPost, "/tasks/list", "task", handleListTasks)
}
