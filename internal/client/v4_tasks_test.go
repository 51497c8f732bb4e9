package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	prismcommon "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/common/v1/config"
	prismcfg "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/config"
	prismerr "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/error"
)

const taskBase = "/api/prism/v4.3/config/tasks/"

// sdkTask is a prism.v4.config.Task as the SDK models it.
func sdkTask(extID string, status prismcfg.TaskStatus, pct int) prismcfg.Task {
	t := prismcfg.NewTask()
	t.ExtId = &extID
	t.Status = status.Ref()
	t.ProgressPercentage = &pct
	op, desc := "kCreateProtectionPolicy", "Create protection policy"
	t.Operation, t.OperationDescription = &op, &desc
	created := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	t.CreatedTime = &created
	return *t
}

// taskSequence serves one task whose status moves one step per read, answering with the SDK's
// GetTaskApiResponse.
type taskSequence struct {
	t     *testing.T
	mu    sync.Mutex
	steps []prismcfg.Task
	reads int
}

func (s *taskSequence) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, taskBase) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	step := s.steps[min(s.reads, len(s.steps)-1)]
	s.reads++
	if got := strings.TrimPrefix(r.URL.Path, taskBase); got != *step.ExtId {
		s.t.Errorf("task read at %q, want %q", got, *step.ExtId)
	}
	resp := prismcfg.NewGetTaskApiResponse()
	if err := resp.SetData(step); err != nil {
		s.t.Fatalf("SetData: %v", err)
	}
	writeSDK(s.t, w, http.StatusOK, resp)
}

func TestWaitForV4TaskFollowsTheTaskToSuccess(t *testing.T) {
	const id = "ZXJnb24=:0a1b2c3d-0000-4000-8000-000000000001"
	done := sdkTask(id, prismcfg.TASKSTATUS_SUCCEEDED, 100)
	ref := prismcfg.NewEntityReference()
	rel, ext, name := "datapolicies:config:protection-policy", "pp-1", "replicated-vm"
	ref.Rel, ref.ExtId, ref.Name = &rel, &ext, &name
	done.EntitiesAffected = []prismcfg.EntityReference{*ref}
	kv := prismcommon.NewKVPair()
	key := "protectionPolicyExtId"
	kv.Name = &key
	if err := kv.SetValue("pp-1"); err != nil {
		t.Fatalf("SetValue: %v", err)
	}
	done.CompletionDetails = []prismcommon.KVPair{*kv}
	completed := time.Date(2026, 12, 6, 10, 0, 5, 0, time.UTC)
	done.CompletedTime = &completed
	seq := &taskSequence{t: t, steps: []prismcfg.Task{
		sdkTask(id, prismcfg.TASKSTATUS_QUEUED, 0),
		sdkTask(id, prismcfg.TASKSTATUS_RUNNING, 40),
		sdkTask(id, prismcfg.TASKSTATUS_RUNNING, 40),
		sdkTask(id, prismcfg.TASKSTATUS_RUNNING, 80),
		done,
	}}
	c, _ := newClient(t, newServer(t, seq.ServeHTTP))

	var seen []string
	task, err := c.WaitForV4Task(context.Background(), id, "creating protection policy replicated-vm", func(t V4Task) {
		seen = append(seen, t.Status)
	})
	if err != nil {
		t.Fatalf("WaitForV4Task: %v", err)
	}
	if task.Status != TaskSucceeded || task.ProgressPercentage != 100 || !task.Done() {
		t.Errorf("task = %+v", task)
	}
	if len(task.EntitiesAffected) != 1 || task.EntitiesAffected[0] != (Reference{Kind: rel, UUID: "pp-1", Name: name}) {
		t.Errorf("entities affected = %+v", task.EntitiesAffected)
	}
	if task.CompletionDetails["protectionPolicyExtId"] != "pp-1" {
		t.Errorf("completion details = %v", task.CompletionDetails)
	}
	if !task.CompletedTime.Equal(completed) || task.Operation != "kCreateProtectionPolicy" {
		t.Errorf("completed %v, operation %q", task.CompletedTime, task.Operation)
	}
	if seq.reads != 5 {
		t.Errorf("%d reads, want 5", seq.reads)
	}
	// Progress is reported on changes only: the repeated RUNNING 40% is not.
	if got := strings.Join(seen, ","); got != "QUEUED,RUNNING,RUNNING,SUCCEEDED" {
		t.Errorf("progress = %s", got)
	}
}

func TestWaitForV4TaskReportsFailureAndCancel(t *testing.T) {
	const id = "ZXJnb24=:0a1b2c3d-0000-4000-8000-000000000002"
	failed := sdkTask(id, prismcfg.TASKSTATUS_FAILED, 100)
	for _, m := range [][2]string{{"DPL-50010", "replication location france is not reachable"}, {"DPL-50011", "remote Prism Central is down"}} {
		am := prismerr.NewAppMessage()
		code, msg := m[0], m[1]
		am.Code, am.Message = &code, &msg
		failed.ErrorMessages = append(failed.ErrorMessages, *am)
	}
	canceled := sdkTask(id, prismcfg.TASKSTATUS_CANCELED, 30)
	legacy := "canceled by admin"
	canceled.LegacyErrorMessage = &legacy

	for name, tt := range map[string]struct {
		final  prismcfg.Task
		status string
		parts  []string
	}{
		"failed": {final: failed, status: TaskFailed, parts: []string{
			"creating protection policy replicated-vm", "task " + id + " ended FAILED",
			"DPL-50010: replication location france is not reachable", "DPL-50011: remote Prism Central is down",
		}},
		"canceled": {final: canceled, status: V4TaskCanceled, parts: []string{"ended CANCELED", "canceled by admin"}},
	} {
		t.Run(name, func(t *testing.T) {
			seq := &taskSequence{t: t, steps: []prismcfg.Task{sdkTask(id, prismcfg.TASKSTATUS_RUNNING, 10), tt.final}}
			c, _ := newClient(t, newServer(t, seq.ServeHTTP))
			task, err := c.WaitForV4Task(context.Background(), id, "creating protection policy replicated-vm", nil)
			var te *TaskError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a *TaskError", err)
			}
			if te.Status != tt.status || task == nil || task.Status != tt.status {
				t.Errorf("TaskError status %q, task %+v; want %s", te.Status, task, tt.status)
			}
			mustContain(t, err.Error(), tt.parts...)
		})
	}
}

func TestWaitForV4TaskHonoursTheContext(t *testing.T) {
	const id = "ZXJnb24=:0a1b2c3d-0000-4000-8000-000000000003"
	seq := &taskSequence{t: t, steps: []prismcfg.Task{sdkTask(id, prismcfg.TASKSTATUS_RUNNING, 50)}}
	c, _ := newClient(t, newServer(t, seq.ServeHTTP))
	ctx, cancel := context.WithCancel(context.Background())
	reads := 0
	_, err := c.WaitForV4Task(ctx, id, "deleting protection policy pp-1", func(V4Task) {
		reads++
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	mustContain(t, err.Error(), "deleting protection policy pp-1: waiting for task "+id, "last seen RUNNING, 50%")
	if reads != 1 {
		t.Errorf("progress called %d times, want 1", reads)
	}
	if _, err := c.WaitForV4Task(context.Background(), "", "x", nil); err == nil {
		t.Error("empty task id: no error")
	}
}

func TestGetV4TaskOfAnUnknownTask(t *testing.T) {
	c, _ := newClient(t, newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		am := prismerr.NewAppMessage()
		code, msg := "PRI-40400", "task not found"
		am.Code, am.Message = &code, &msg
		er := prismerr.NewErrorResponse()
		if err := er.SetError([]prismerr.AppMessage{*am}); err != nil {
			t.Fatalf("SetError: %v", err)
		}
		resp := prismcfg.NewGetTaskApiResponse()
		if err := resp.SetData(*er); err != nil {
			t.Fatalf("SetData: %v", err)
		}
		writeSDK(t, w, http.StatusNotFound, resp)
	}))
	_, err := c.GetV4Task(context.Background(), "ZXJnb24=:nope")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	mustContain(t, err.Error(), "reading task ZXJnb24=:nope", "PRI-40400: task not found")
}
