package prismsim

import (
	"context"
	"errors"
	"time"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// Task statuses.
const (
	TaskQueued    = "QUEUED"
	TaskRunning   = "RUNNING"
	TaskSucceeded = "SUCCEEDED"
	TaskFailed    = "FAILED"
)

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

// v3TaskLocked is t as the v3 wire shows it.
func (pc *PC) v3TaskLocked(t *task) v3.Task {
	out := v3.Task{
		UUID: t.uuid, Status: t.status, Operation: t.opType, Progress: t.progress, Percent: t.percent,
		Cluster: v3.Reference{Kind: "cluster", UUID: pc.uuid, Name: pc.Name()},
		Created: t.created, Started: t.started, Completed: t.completed, Updated: t.updated,
		Logical: t.logical, Seq: t.seq,
	}
	for _, r := range t.refs {
		out.Entities = append(out.Entities, v3.Reference(r))
	}
	if t.err != nil {
		out.ErrorCode, out.ErrorDetail = taskErrorOf(t.err)
	}
	return out
}

// GetTask implements v3.Backend.
func (pc *PC) GetTask(id string) (v3.Task, error) {
	var out v3.Task
	err := pc.viewTask(id, func(t *task) { out = pc.v3TaskLocked(t) })
	return out, err
}

// ListTasks implements v3.Backend.
func (pc *PC) ListTasks() []v3.Task {
	var out []v3.Task
	pc.viewTasks(func(tasks []*task) {
		out = make([]v3.Task, len(tasks))
		for i, t := range tasks {
			out[i] = pc.v3TaskLocked(t)
		}
	})
	return out
}

// PollTasks implements v3.Backend.
func (pc *PC) PollTasks(ctx context.Context, ids []string, timeout time.Duration) ([]v3.Task, bool, error) {
	var out []v3.Task
	var timedOut bool
	err := pc.pollTasks(ctx, ids, timeout, func(tasks []*task, none bool) {
		timedOut = none
		out = make([]v3.Task, len(tasks))
		for i, t := range tasks {
			out[i] = pc.v3TaskLocked(t)
		}
	})
	return out, timedOut, err
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
