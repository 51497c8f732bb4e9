package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Task statuses.
const (
	TaskQueued    = "QUEUED"
	TaskRunning   = "RUNNING"
	TaskSucceeded = "SUCCEEDED"
	TaskAborted   = "ABORTED"
	TaskSuspended = "SUSPENDED"
	TaskFailed    = "FAILED"
)

const (
	// The longest long poll the API accepts.
	maxPollSeconds = 30
	// Margin that keeps a long poll clear of the request timeout and of
	// the context deadline.
	pollMargin = 2 * time.Second
	// How quick an unfinished poll answer must be to be treated as one
	// that did not wait, and followed by a backoff.
	earlyPollReturn = 100 * time.Millisecond
)

// Task is a Prism Central task.
type Task struct {
	UUID               string
	Status             string
	OperationType      string
	ProgressMessage    string
	ErrorCode          string
	ErrorDetail        string
	PercentageComplete int
	EntityReferences   []Reference
	CreationTime       time.Time
	CompletionTime     time.Time
}

// Done reports whether the task reached a final status.
func (t *Task) Done() bool {
	return t.Status == TaskSucceeded || t.Status == TaskFailed || t.Status == TaskAborted
}

type taskJSON struct {
	UUID                string          `json:"uuid"`
	Status              string          `json:"status"`
	OperationType       string          `json:"operation_type"`
	ProgressMessage     string          `json:"progress_message"`
	ErrorCode           string          `json:"error_code"`
	ErrorDetail         string          `json:"error_detail"`
	PercentageComplete  int             `json:"percentage_complete"`
	EntityReferenceList []referenceJSON `json:"entity_reference_list"`
	CreationTime        string          `json:"creation_time"`
	CompletionTime      string          `json:"completion_time"`
	CreationTimeUsecs   int64           `json:"creation_time_usecs"`
	CompletionTimeUsecs int64           `json:"completion_time_usecs"`
}

func (t *taskJSON) looksLikeV3() bool { return t.UUID != "" || t.Status != "" }

func (t *taskJSON) toTask() Task {
	out := Task{
		UUID:               t.UUID,
		Status:             t.Status,
		OperationType:      t.OperationType,
		ProgressMessage:    t.ProgressMessage,
		ErrorCode:          t.ErrorCode,
		ErrorDetail:        t.ErrorDetail,
		PercentageComplete: t.PercentageComplete,
		CreationTime:       parseTime(t.CreationTime, t.CreationTimeUsecs),
		CompletionTime:     parseTime(t.CompletionTime, t.CompletionTimeUsecs),
	}
	for i := range t.EntityReferenceList {
		out.EntityReferences = append(out.EntityReferences, t.EntityReferenceList[i].toReference())
	}
	return out
}

// parseTime reads an RFC 3339 time, or else microseconds since the epoch.
func parseTime(s string, usecs int64) time.Time {
	if s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t
		}
	}
	if usecs > 0 {
		return time.UnixMicro(usecs).UTC()
	}
	return time.Time{}
}

type pollRequest struct {
	TaskUUIDList       []string `json:"task_uuid_list"`
	PollTimeoutSeconds int      `json:"poll_timeout_seconds"`
}

type pollResponse struct {
	Entities        []taskJSON `json:"entities"`
	HasPollTimedOut *bool      `json:"has_poll_timed_out"`
}

func (p *pollResponse) looksLikeV3() bool { return p.Entities != nil || p.HasPollTimedOut != nil }

// find returns the polled task with the given uuid.
func (p *pollResponse) find(uuid string) *taskJSON {
	for i := range p.Entities {
		if p.Entities[i].UUID == uuid {
			return &p.Entities[i]
		}
	}
	return nil
}

// GetTask reads a task.
func (c *Client) GetTask(ctx context.Context, uuid string) (*Task, error) {
	return c.getTask(ctx, "reading task "+uuid, uuid)
}

func (c *Client) getTask(ctx context.Context, op, uuid string) (*Task, error) {
	var t taskJSON
	if err := c.do(ctx, op, http.MethodGet, "/tasks/"+escape(uuid), nil, &t); err != nil {
		return nil, err
	}
	task := t.toTask()
	if task.UUID == "" {
		task.UUID = uuid
	}
	return &task, nil
}

// WaitForTask waits until the task ends. It long-polls POST /tasks/poll
// (poll_timeout_seconds up to 30, never past ctx's deadline or the request
// timeout) and falls back to GET /tasks/{uuid} with a backoff from 50ms to
// 2s when the server does not offer the poll. It returns a *TaskError when
// the task ends FAILED or ABORTED. The progress function may be nil; it is
// called each time the task's status, percentage or message changes. The
// operation names what the task does, for messages.
func (c *Client) WaitForTask(ctx context.Context, uuid, operation string, progress func(Task)) (*Task, error) {
	op := fmt.Sprintf("waiting for task %s", uuid)
	if operation != "" {
		op = fmt.Sprintf("%s: waiting for task %s", operation, uuid)
	}
	if uuid == "" {
		return nil, fmt.Errorf("%s: no task uuid to wait for", op)
	}
	w := &taskWatch{uuid: uuid, operation: operation, progress: progress}
	if !c.pollUnsupported.Load() {
		task, err := c.longPoll(ctx, op, w)
		if task != nil || err != nil {
			return task, err
		}
	}
	return c.pollByGet(ctx, op, w)
}

// taskWatch follows one task and reports its changes.
type taskWatch struct {
	uuid      string
	operation string
	progress  func(Task)
	last      *Task
}

// observe records a read of the task. It reports done when the task ended,
// with its *TaskError if it failed.
func (w *taskWatch) observe(t Task) (task *Task, done bool, err error) {
	if w.progress != nil && (w.last == nil || w.last.Status != t.Status || w.last.PercentageComplete != t.PercentageComplete || w.last.ProgressMessage != t.ProgressMessage) {
		w.progress(t)
	}
	w.last = &t
	switch t.Status {
	case TaskSucceeded:
		return &t, true, nil
	case TaskFailed, TaskAborted:
		te := &TaskError{Operation: w.operation, TaskUUID: w.uuid, Status: t.Status, ErrorCode: t.ErrorCode, ErrorDetail: t.ErrorDetail}
		// A progress message that only repeats the status ("Failed") adds
		// nothing to the error.
		if msg := strings.TrimSpace(t.ProgressMessage); msg != "" && !strings.EqualFold(msg, t.Status) {
			te.Messages = []string{msg}
		}
		return nil, true, te
	}
	return nil, false, nil
}

// lastSeen describes the last status seen, for timeout messages.
func (w *taskWatch) lastSeen() string {
	if w.last == nil {
		return "no status seen yet"
	}
	return fmt.Sprintf("last seen %s, %d%%", w.last.Status, w.last.PercentageComplete)
}

func (w *taskWatch) ctxError(op string, err error) error {
	return fmt.Errorf("%s (%s): %w", op, w.lastSeen(), err)
}

// longPoll waits through POST /tasks/poll. It returns (nil, nil) when the
// server does not offer the poll, so that the caller falls back to GET.
func (c *Client) longPoll(ctx context.Context, op string, w *taskWatch) (*Task, error) {
	wait := c.taskWaitMin
	for {
		timeout := c.pollTimeout(ctx)
		start := time.Now()
		var resp pollResponse
		_, err := c.send(ctx, call{
			op: op, method: http.MethodPost, path: "/tasks/poll",
			in:  pollRequest{TaskUUIDList: []string{w.uuid}, PollTimeoutSeconds: timeout},
			out: &resp, idempotent: true,
		})
		if err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				switch apiErr.StatusCode {
				case http.StatusMethodNotAllowed, http.StatusNotImplemented:
					c.pollUnsupported.Store(true)
					c.log.Debug(ctx, "task poll not offered; polling the task instead", map[string]any{"status": apiErr.StatusCode})
					return nil, nil
				case http.StatusNotFound:
					// Either the poll is not offered or the task is
					// unknown; GET /tasks/{uuid} tells which.
					if !errors.Is(err, ErrNotFound) {
						c.pollUnsupported.Store(true)
					}
					return nil, nil
				}
			}
			if ctx.Err() != nil {
				return nil, w.ctxError(op, ctx.Err())
			}
			return nil, err
		}
		if t := resp.find(w.uuid); t != nil {
			if task, done, terr := w.observe(t.toTask()); done {
				return task, terr
			}
		}
		// A poll that came back unfinished at once did not wait (a timeout
		// of 0 near the deadline, or a server that ignores it): back off.
		if time.Since(start) < earlyPollReturn || timeout == 0 {
			if err := waitFor(ctx, wait); err != nil {
				return nil, w.ctxError(op, ctx.Err())
			}
			wait = min(wait*2, c.taskWaitMax)
		} else {
			wait = c.taskWaitMin
		}
	}
}

// pollTimeout returns the poll_timeout_seconds to ask for: 30, less when
// the request timeout or ctx's deadline is closer.
func (c *Client) pollTimeout(ctx context.Context) int {
	limit := time.Duration(maxPollSeconds) * time.Second
	limit = min(limit, c.timeout-pollMargin)
	if deadline, ok := ctx.Deadline(); ok {
		limit = min(limit, time.Until(deadline)-pollMargin)
	}
	secs := int(limit / time.Second)
	return max(0, min(secs, maxPollSeconds))
}

// pollByGet waits by reading the task with a capped backoff.
func (c *Client) pollByGet(ctx context.Context, op string, w *taskWatch) (*Task, error) {
	return c.pollUntilDone(ctx, op, w, func() (*Task, error) { return c.getTask(ctx, op, w.uuid) })
}

// pollUntilDone reads the task with read until it ends, backing off from taskWaitMin to
// taskWaitMax between reads (v3 here, v4 in v4_tasks.go).
func (c *Client) pollUntilDone(ctx context.Context, op string, w *taskWatch, read func() (*Task, error)) (*Task, error) {
	wait := c.taskWaitMin
	for {
		t, err := read()
		if err != nil {
			if ctx.Err() != nil {
				return nil, w.ctxError(op, ctx.Err())
			}
			return nil, err
		}
		if task, done, terr := w.observe(*t); done {
			return task, terr
		}
		if err := waitFor(ctx, wait); err != nil {
			return nil, w.ctxError(op, ctx.Err())
		}
		wait = min(wait*2, c.taskWaitMax)
	}
}
