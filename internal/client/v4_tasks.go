package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// v4 tasks: every asynchronous v4 mutation answers with a TaskReference ({extId}); the task is
// read at /api/prism/<version>/config/tasks/{extId} (prism.v4.config.Task). There is no long
// poll in v4, so a wait reads the task with the same capped backoff as the v3 fallback
// (taskWaitMin doubling to taskWaitMax, never a fixed sleep).

// Statuses of a v4 task (prism.v4.config.TaskStatus): the v3 ones (tasks.go) but ABORTED, and
// these two.
const (
	V4TaskCanceling = "CANCELING"
	V4TaskCanceled  = "CANCELED"
)

// V4Task is a v4 task.
type V4Task struct {
	ExtID                string
	Status               string
	Operation            string
	OperationDescription string
	ProgressPercentage   int
	// EntitiesAffected are the entities the task works on or created; Kind is the v4 "rel"
	// (e.g. "datapolicies:config:protection-policy").
	EntitiesAffected []Reference
	// CompletionDetails are the task's name/value results (values rendered as text).
	CompletionDetails map[string]string
	// ErrorMessages are "code: message" of a failed task.
	ErrorMessages []string
	// LegacyErrorMessage is the error of tasks created by older APIs.
	LegacyErrorMessage string
	CreatedTime        time.Time
	CompletedTime      time.Time
}

// Done reports whether the task reached a final status.
func (t *V4Task) Done() bool {
	return t.Status == TaskSucceeded || t.Status == TaskFailed || t.Status == V4TaskCanceled
}

// v4TaskJSON is prism.v4.config.Task as far as the client reads it.
type v4TaskJSON struct {
	ExtID                string `json:"extId"`
	Status               string `json:"status"`
	Operation            string `json:"operation"`
	OperationDescription string `json:"operationDescription"`
	ProgressPercentage   int    `json:"progressPercentage"`
	EntitiesAffected     []struct {
		ExtID string `json:"extId"`
		Rel   string `json:"rel"`
		Name  string `json:"name"`
	} `json:"entitiesAffected"`
	CompletionDetails []struct {
		Name  string          `json:"name"`
		Value json.RawMessage `json:"value"`
	} `json:"completionDetails"`
	ErrorMessages      []v4AppMessage `json:"errorMessages"`
	LegacyErrorMessage string         `json:"legacyErrorMessage"`
	CreatedTime        string         `json:"createdTime"`
	CompletedTime      string         `json:"completedTime"`
}

func (t *v4TaskJSON) toV4Task() V4Task {
	out := V4Task{
		ExtID:                t.ExtID,
		Status:               t.Status,
		Operation:            t.Operation,
		OperationDescription: t.OperationDescription,
		ProgressPercentage:   t.ProgressPercentage,
		LegacyErrorMessage:   t.LegacyErrorMessage,
		CreatedTime:          parseTime(t.CreatedTime, 0),
		CompletedTime:        parseTime(t.CompletedTime, 0),
	}
	for _, e := range t.EntitiesAffected {
		out.EntitiesAffected = append(out.EntitiesAffected, Reference{Kind: e.Rel, UUID: e.ExtID, Name: e.Name})
	}
	for _, d := range t.CompletionDetails {
		if out.CompletionDetails == nil {
			out.CompletionDetails = map[string]string{}
		}
		var s string
		if json.Unmarshal(d.Value, &s) != nil {
			s = string(d.Value)
		}
		out.CompletionDetails[d.Name] = s
	}
	for _, m := range t.ErrorMessages {
		if s := codeMessage(m.Code, m.Message); s != "" {
			out.ErrorMessages = append(out.ErrorMessages, s)
		}
	}
	return out
}

// asTask renders the v4 task as a v3 Task, so that the v3 task watch (tasks.go) follows it.
// CANCELED, the v4 name of an aborted task, is ABORTED there.
func (t *V4Task) asTask(raw *v4TaskJSON) Task {
	out := Task{
		UUID:               t.ExtID,
		Status:             t.Status,
		OperationType:      t.Operation,
		PercentageComplete: t.ProgressPercentage,
		EntityReferences:   t.EntitiesAffected,
		CreationTime:       t.CreatedTime,
		CompletionTime:     t.CompletedTime,
	}
	if out.Status == V4TaskCanceled {
		out.Status = TaskAborted
	}
	if len(raw.ErrorMessages) > 0 {
		out.ErrorCode = raw.ErrorMessages[0].Code
		out.ErrorDetail = raw.ErrorMessages[0].Message
	} else {
		out.ErrorDetail = t.LegacyErrorMessage
	}
	return out
}

// GetV4Task reads a v4 task.
func (c *Client) GetV4Task(ctx context.Context, extID string) (*V4Task, error) {
	t, _, err := c.getV4Task(ctx, "reading task "+extID, extID)
	return t, err
}

func (c *Client) getV4Task(ctx context.Context, op, extID string) (*V4Task, *v4TaskJSON, error) {
	var raw v4TaskJSON
	if _, err := c.sendV4(ctx, v4Call{op: op, method: http.MethodGet, path: v4Prism.Path("/config/tasks/" + escape(extID)), out: &raw}); err != nil {
		return nil, nil, err
	}
	t := raw.toV4Task()
	if t.ExtID == "" {
		t.ExtID = extID
	}
	return &t, &raw, nil
}

// WaitForV4Task waits until the v4 task ends, reading it with a backoff from taskWaitMin to
// taskWaitMax. It returns a *TaskError when the task ends FAILED or CANCELED. progress may be
// nil; it is called each time the task's status or percentage changes. operation names what
// the task does, for messages.
func (c *Client) WaitForV4Task(ctx context.Context, extID, operation string, progress func(V4Task)) (*V4Task, error) {
	op := fmt.Sprintf("waiting for task %s", extID)
	if operation != "" {
		op = fmt.Sprintf("%s: waiting for task %s", operation, extID)
	}
	if extID == "" {
		return nil, fmt.Errorf("%s: no task extId to wait for", op)
	}
	var current *V4Task
	w := &taskWatch{uuid: extID, operation: operation}
	if progress != nil {
		w.progress = func(Task) { progress(*current) }
	}
	_, err := c.pollUntilDone(ctx, op, w, func() (*Task, error) {
		t, raw, err := c.getV4Task(ctx, op, extID)
		if err != nil {
			return nil, err
		}
		current = t
		task := t.asTask(raw)
		return &task, nil
	})
	var te *TaskError
	if errors.As(err, &te) && current != nil {
		te.Status = current.Status
		te.Messages = v4TaskErrorMessages(current, te)
		return current, err
	}
	if err != nil {
		return nil, err
	}
	return current, nil
}

// v4TaskErrorMessages lists the task's error messages beyond the first, which the TaskError
// already carries as code and detail.
func v4TaskErrorMessages(t *V4Task, te *TaskError) []string {
	var out []string
	first := te.ErrorCode + ": " + te.ErrorDetail
	for _, m := range t.ErrorMessages {
		if m != first && m != te.ErrorDetail && !strings.HasSuffix(first, m) {
			out = append(out, m)
		}
	}
	return out
}
