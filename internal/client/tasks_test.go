package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const testTaskUUID = "0e09cf83-ac68-4f28-af70-6df9a43df4f0"

// fakeTasks serves /tasks/poll and /tasks/{uuid} for tasks that end at a
// given time.
type fakeTasks struct {
	mu           sync.Mutex
	ends         map[string]time.Time
	final        map[string]map[string]any
	pollStatus   int // when set, POST /tasks/poll answers it
	pollTimeouts []int
	cnt          counter
}

func newFakeTasks() *fakeTasks {
	return &fakeTasks{ends: map[string]time.Time{}, final: map[string]map[string]any{}}
}

// add registers a task that succeeds (or ends with final) after d.
func (f *fakeTasks) add(uuid string, d time.Duration, final map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ends[uuid] = time.Now().Add(d)
	if final == nil {
		final = map[string]any{"status": TaskSucceeded}
	}
	f.final[uuid] = final
}

func (f *fakeTasks) task(uuid string) (map[string]any, bool, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	end, ok := f.ends[uuid]
	if !ok {
		return nil, false, false
	}
	t := map[string]any{
		"uuid": uuid, "status": TaskRunning, "percentage_complete": 50, "operation_type": "kVmUpdate",
		"creation_time":         "2025-01-02T03:04:05Z",
		"entity_reference_list": []map[string]any{{"kind": "vm", "uuid": "vm-1", "name": "app-01"}},
	}
	done := !time.Now().Before(end)
	if done {
		t["percentage_complete"] = 100
		t["completion_time_usecs"] = int64(1735787045000000)
		for k, v := range f.final[uuid] {
			t[k] = v
		}
	}
	return t, done, true
}

func (f *fakeTasks) handle(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/nutanix/v3/tasks/poll":
		f.cnt.add(r)
		if f.pollStatus != 0 {
			w.WriteHeader(f.pollStatus)
			return true
		}
		var in pollRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.TaskUUIDList) != 1 {
			v3Error(w, 400, "INVALID_ARGUMENT", "bad poll")
			return true
		}
		f.mu.Lock()
		f.pollTimeouts = append(f.pollTimeouts, in.PollTimeoutSeconds)
		f.mu.Unlock()
		deadline := time.Now().Add(time.Duration(in.PollTimeoutSeconds) * time.Second)
		for {
			t, done, ok := f.task(in.TaskUUIDList[0])
			if !ok {
				v3Error(w, 404, ReasonEntityNotFound, "no such task")
				return true
			}
			if done || !time.Now().Before(deadline) {
				writeJSON(w, 200, map[string]any{"entities": []any{t}, "has_poll_timed_out": !done})
				return true
			}
			select {
			case <-r.Context().Done():
				panic(http.ErrAbortHandler)
			case <-time.After(5 * time.Millisecond):
			}
		}
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/nutanix/v3/tasks/"):
		f.cnt.add(r)
		t, _, ok := f.task(strings.TrimPrefix(r.URL.Path, "/api/nutanix/v3/tasks/"))
		if !ok {
			v3Error(w, 404, ReasonEntityNotFound, "no such task")
			return true
		}
		writeJSON(w, 200, t)
		return true
	}
	return false
}

func (f *fakeTasks) polls() int { return f.cnt.get("POST /api/nutanix/v3/tasks/poll") }
func (f *fakeTasks) gets() int  { return f.cnt.get("GET /api/nutanix/v3/tasks/" + testTaskUUID) }

func taskServer(t *testing.T, f *fakeTasks) *Client {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if !f.handle(w, r) {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			w.WriteHeader(500)
		}
	})
	c, _ := newClient(t, srv)
	return c
}

func TestWaitForTaskLongPoll(t *testing.T) {
	f := newFakeTasks()
	f.add(testTaskUUID, 300*time.Millisecond, nil)
	c := taskServer(t, f)
	var seen []string
	start := time.Now()
	task, err := c.WaitForTask(context.Background(), testTaskUUID, "updating VM", func(t Task) { seen = append(seen, t.Status) })
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	if task.Status != TaskSucceeded || task.UUID != testTaskUUID || task.PercentageComplete != 100 || task.OperationType != "kVmUpdate" {
		t.Errorf("task = %+v", task)
	}
	if len(task.EntityReferences) != 1 || task.EntityReferences[0] != (Reference{Kind: "vm", UUID: "vm-1", Name: "app-01"}) {
		t.Errorf("entity references = %+v", task.EntityReferences)
	}
	if task.CreationTime.IsZero() || task.CompletionTime.IsZero() {
		t.Errorf("times not decoded: %+v", task)
	}
	if f.polls() != 1 || f.gets() != 0 {
		t.Errorf("polls = %d, gets = %d; want one long poll and no GET", f.polls(), f.gets())
	}
	if el > 300*time.Millisecond+250*time.Millisecond {
		t.Errorf("completion noticed %s after start, task took 300ms", el)
	}
	if f.pollTimeouts[0] < 1 || f.pollTimeouts[0] > maxPollSeconds {
		t.Errorf("poll_timeout_seconds = %d", f.pollTimeouts[0])
	}
	if len(seen) != 1 || seen[0] != TaskSucceeded {
		t.Errorf("progress calls = %v", seen)
	}
}

func TestWaitForTaskPollBoundedByDeadline(t *testing.T) {
	f := newFakeTasks()
	f.add(testTaskUUID, time.Hour, nil)
	c := taskServer(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 3500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.WaitForTask(ctx, testTaskUUID, "updating VM", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v does not wrap DeadlineExceeded", err)
	}
	mustContain(t, err.Error(), "updating VM", testTaskUUID, "last seen RUNNING, 50%")
	if time.Since(start) > 4500*time.Millisecond {
		t.Errorf("returned %s after a 3.5s deadline", time.Since(start))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pollTimeouts) == 0 || f.pollTimeouts[0] > 2 {
		t.Errorf("poll timeouts %v not bounded by the 3.5s deadline", f.pollTimeouts)
	}
}

func TestWaitForTaskFallsBackToGet(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			f := newFakeTasks()
			f.pollStatus = status
			f.add(testTaskUUID, 200*time.Millisecond, nil)
			c := taskServer(t, f)
			var seen []string
			task, err := c.WaitForTask(context.Background(), testTaskUUID, "", func(t Task) { seen = append(seen, t.Status) })
			if err != nil || task.Status != TaskSucceeded {
				t.Fatalf("WaitForTask = %+v, %v", task, err)
			}
			if f.polls() != 1 || f.gets() < 2 {
				t.Errorf("polls = %d, gets = %d", f.polls(), f.gets())
			}
			// Backoff is capped at taskWaitMax (10ms in tests): a 200ms task
			// takes a bounded number of reads.
			if f.gets() > 200 {
				t.Errorf("%d reads for a 200ms task", f.gets())
			}
			if len(seen) != 2 || seen[0] != TaskRunning || seen[1] != TaskSucceeded {
				t.Errorf("progress calls = %v", seen)
			}
			// The client remembers that the server has no poll.
			f.add(testTaskUUID, 0, nil)
			if _, err := c.WaitForTask(context.Background(), testTaskUUID, "", nil); err != nil {
				t.Fatal(err)
			}
			if f.polls() != 1 {
				t.Errorf("poll tried again after the server showed it has none: %d", f.polls())
			}
		})
	}
}

func TestWaitForTaskUnknownTask(t *testing.T) {
	f := newFakeTasks()
	c := taskServer(t, f)
	_, err := c.WaitForTask(context.Background(), testTaskUUID, "deleting VM", nil)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("error %v does not match ErrNotFound", err)
	}
	if c.pollUnsupported.Load() {
		t.Error("a task not found was taken for a server without poll")
	}
}

func TestWaitForTaskFailed(t *testing.T) {
	for _, status := range []string{TaskFailed, TaskAborted} {
		f := newFakeTasks()
		f.add(testTaskUUID, 0, map[string]any{"status": status, "error_code": "VM_UPDATE_FAILED", "error_detail": "category Foo does not exist", "progress_message": "updating"})
		c := taskServer(t, f)
		_, err := c.WaitForTask(context.Background(), testTaskUUID, "updating the categories of VM app-01", nil)
		var te *TaskError
		if !errors.As(err, &te) {
			t.Fatalf("not a *TaskError: %T %v", err, err)
		}
		if te.Status != status || te.ErrorCode != "VM_UPDATE_FAILED" || te.ErrorDetail != "category Foo does not exist" || te.TaskUUID != testTaskUUID || te.Operation != "updating the categories of VM app-01" {
			t.Errorf("TaskError = %+v", te)
		}
		mustContain(t, err.Error(), "updating the categories of VM app-01", "ended "+status, "category Foo does not exist")
	}
}

func TestWaitForTaskImmediatePollBacksOff(t *testing.T) {
	f := newFakeTasks()
	f.add(testTaskUUID, 300*time.Millisecond, nil)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		// A server that ignores poll_timeout_seconds.
		if r.URL.Path == "/api/nutanix/v3/tasks/poll" {
			f.cnt.add(r)
			tk, done, _ := f.task(testTaskUUID)
			writeJSON(w, 200, map[string]any{"entities": []any{tk}, "has_poll_timed_out": !done})
			return
		}
		t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
	})
	c, _ := newClient(t, srv)
	c.taskWaitMax = 50 * time.Millisecond
	if _, err := c.WaitForTask(context.Background(), testTaskUUID, "", nil); err != nil {
		t.Fatal(err)
	}
	if n := f.polls(); n > 20 {
		t.Errorf("%d polls in 300ms: the client spins", n)
	}
}

func TestGetTask(t *testing.T) {
	f := newFakeTasks()
	f.add(testTaskUUID, time.Hour, nil)
	c := taskServer(t, f)
	task, err := c.GetTask(context.Background(), testTaskUUID)
	if err != nil || task.Status != TaskRunning || task.Done() {
		t.Fatalf("GetTask = %+v, %v", task, err)
	}
	_, err = c.GetTask(context.Background(), "5b0c1a3e-0000-4000-8000-000000000009")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown task: %v", err)
	}
	mustContain(t, err.Error(), "reading task 5b0c1a3e-0000-4000-8000-000000000009")
}

func TestTaskUUIDDecoding(t *testing.T) {
	for in, want := range map[string]string{
		`{"task_uuid": "a"}`:        "a",
		`{"task_uuid": ["b", "c"]}`: "b",
		`{"task_uuid": null}`:       "",
		`{}`:                        "",
		`{"task_uuid": []}`:         "",
		`{"task_uuid": ["", "d"]}`:  "d",
		`{"task_uuid": ""}`:         "",
	} {
		var ec executionContext
		if err := json.Unmarshal([]byte(in), &ec); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got := ec.TaskUUID.first(); got != want {
			t.Errorf("%s: first = %q, want %q", in, got, want)
		}
	}
	var ec executionContext
	if err := json.Unmarshal([]byte(`{"task_uuid": 5}`), &ec); err == nil {
		t.Error("a number was accepted as task_uuid")
	}
}
