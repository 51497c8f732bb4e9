package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	rpjPlan      = "5a000000-0000-4000-8000-0000000000a5"
	rpjJob       = "6a000000-0000-4000-8000-0000000000a6"
	rpjParent    = "6b000000-0000-4000-8000-0000000000b6"
	rpjStage     = "7a000000-0000-4000-8000-0000000000a7"
	rpjStepApp   = "7b000000-0000-4000-8000-0000000000b7"
	rpjStepDB    = "7c000000-0000-4000-8000-0000000000c7"
	rpjStepPower = "7d000000-0000-4000-8000-0000000000d7"
	rpjStepPre   = "7e000000-0000-4000-8000-0000000000e7"
	rpjRecApp    = "8a000000-0000-4000-8000-0000000000a8"
	rpjRecDB     = "8b000000-0000-4000-8000-0000000000b8"
)

// rpjFrame is what the fake answers for a job at one read: the
// execution_status of the job, the step tree, and more status fields.
type rpjFrame struct {
	state  map[string]any
	steps  map[string]any
	status map[string]any
}

type rpjFakeJob struct {
	meta   map[string]any
	spec   map[string]any
	frames []rpjFrame
	gets   int
	// cleanup is the sequence of cleanup_status answers once a cleanup was
	// asked for; cleanupGets counts reads since.
	cleanup     []map[string]any
	cleaning    bool
	cleanupGets int
	cleanupTree map[string]any
}

func (j *rpjFakeJob) frame() rpjFrame {
	return j.frames[min(max(j.gets-1, 0), len(j.frames)-1)]
}

// rpjFakeTask is a task that stays RUNNING for running reads, naming refs
// only if runRefs, then ends with final.
type rpjFakeTask struct {
	gets    int
	running int
	runRefs bool
	refs    []map[string]any
	final   map[string]any
}

// rpjFake serves recovery plan jobs and their tasks; POST /tasks/poll is
// not offered, so tasks are read with GET.
type rpjFake struct {
	t   *testing.T
	cnt counter

	mu    sync.Mutex
	jobs  map[string]*rpjFakeJob
	order []string
	tasks map[string]*rpjFakeTask
	n     int
	// bodies of creates, cleanups and reruns as sent.
	posts, cleanups, reruns [][]byte
	// newJob prepares each created job: frames, task behavior.
	newJob func(id string, j *rpjFakeJob, t *rpjFakeTask)
	// serverUUID, when set, is the uuid the server gives a created job
	// instead of metadata.uuid.
	serverUUID string
	// noJobRef leaves the job out of the create task's references.
	noJobRef bool
	// dropCreates drops the answer of that many committed creates.
	dropCreates int
	// refuse answers the next create with this reason (409).
	refuse string
	// noSteps answers execution_status 404 without a reason.
	noSteps bool
	// forget accepts creates without keeping the job.
	forget bool
	// taskDown answers every task read 503, as a Prism Central whose task
	// service cannot be reached.
	taskDown bool
	// jobsDown answers every read of a job 503.
	jobsDown bool
}

func newRPJFake(t *testing.T) *rpjFake {
	return &rpjFake{t: t, jobs: map[string]*rpjFakeJob{}, tasks: map[string]*rpjFakeTask{}}
}

func (f *rpjFake) client(t *testing.T) *Client {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		f.cnt.add(r)
		f.handle(w, r)
	})
	c, _ := newClient(t, srv)
	return c
}

func (f *rpjFake) task(t *rpjFakeTask) string {
	f.n++
	id := fmt.Sprintf("0f000000-0000-4000-8000-%012d", f.n)
	f.tasks[id] = t
	return id
}

func (f *rpjFake) add(id string, j *rpjFakeJob) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs[id] = j
	f.order = append(f.order, id)
}

// entity renders a job as GET answers it.
func (f *rpjFake) entity(id string, j *rpjFakeJob) map[string]any {
	fr := j.frame()
	status := map[string]any{"name": j.spec["name"], "resources": j.spec["resources"], "execution_status": fr.state}
	for k, v := range fr.status {
		status[k] = v
	}
	if j.cleaning && len(j.cleanup) > 0 {
		status["cleanup_status"] = j.cleanup[min(max(j.cleanupGets-1, 0), len(j.cleanup)-1)]
	}
	meta := map[string]any{"kind": jobKind, "uuid": id, "creation_time": "2025-01-02T03:04:05Z"}
	return map[string]any{"api_version": "3.1", "metadata": meta, "spec": j.spec, "status": status}
}

func (f *rpjFake) handle(w http.ResponseWriter, r *http.Request) {
	const base = "/api/nutanix/v3"
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, base)
	switch {
	case r.Method == http.MethodPost && path == "/tasks/poll":
		w.WriteHeader(http.StatusNotImplemented)
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/tasks/"):
		id := strings.TrimPrefix(path, "/tasks/")
		if f.taskDown {
			v3Error(w, 503, "SERVICE_UNAVAILABLE", "task service unavailable")
			return
		}
		t, ok := f.tasks[id]
		if !ok {
			v3Error(w, 404, ReasonEntityNotFound, "no task "+id)
			return
		}
		t.gets++
		out := map[string]any{"uuid": id, "status": TaskRunning, "percentage_complete": 10, "operation_type": "RecoveryPlanExecute"}
		if t.runRefs || t.gets > t.running {
			out["entity_reference_list"] = t.refs
		}
		if t.gets > t.running {
			out["status"], out["percentage_complete"] = TaskSucceeded, 100
			for k, v := range t.final {
				out[k] = v
			}
		}
		writeJSON(w, 200, out)
	case r.Method == http.MethodPost && path == jobPath:
		f.create(w, body)
	case r.Method == http.MethodPost && path == jobPath+"/list":
		var in listRequest
		_ = json.Unmarshal(body, &in)
		if in.Kind != jobKind {
			v3Error(w, 400, "INVALID_ARGUMENT", "kind "+in.Kind)
			return
		}
		var entities []any
		for _, id := range f.order[min(in.Offset, len(f.order)):min(in.Offset+in.Length, len(f.order))] {
			entities = append(entities, f.entity(id, f.jobs[id]))
		}
		writeJSON(w, 200, map[string]any{"api_version": "3.1", "metadata": map[string]any{"kind": jobKind, "total_matches": len(f.order), "length": len(entities), "offset": in.Offset}, "entities": entities})
	case strings.HasPrefix(path, jobPath+"/"):
		id, sub, _ := strings.Cut(strings.TrimPrefix(path, jobPath+"/"), "/")
		if f.jobsDown && r.Method == http.MethodGet {
			v3Error(w, 503, "SERVICE_UNAVAILABLE", "recovery plan jobs unavailable")
			return
		}
		j, ok := f.jobs[id]
		if !ok {
			v3Error(w, 404, ReasonEntityNotFound, "recovery plan job "+id+" not found")
			return
		}
		switch {
		case r.Method == http.MethodGet && sub == "":
			j.gets++
			if j.cleaning {
				j.cleanupGets++
			}
			writeJSON(w, 200, f.entity(id, j))
		case r.Method == http.MethodGet && sub == jobStepsURL:
			if f.noSteps {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(404)
				_, _ = w.Write([]byte(`{"api_version":"3.1","code":404,"state":"ERROR","message_list":[{"message":"no route"}]}`))
				return
			}
			steps := j.frame().steps
			if steps == nil {
				steps = map[string]any{}
			}
			writeJSON(w, 200, steps)
		case r.Method == http.MethodGet && sub == jobCleanURL:
			writeJSON(w, 200, j.cleanupTree)
		case r.Method == http.MethodPost && sub == "cleanup":
			f.cleanups = append(f.cleanups, body)
			j.cleaning = true
			writeJSON(w, 202, map[string]any{"task_uuid": f.task(&rpjFakeTask{running: 1})})
		case r.Method == http.MethodPost && sub == "rerun":
			f.reruns = append(f.reruns, body)
			var in map[string]any
			_ = json.Unmarshal(body, &in)
			newID, _ := in["rerun_recovery_plan_job_uuid"].(string)
			f.jobs[newID] = &rpjFakeJob{meta: map[string]any{"uuid": newID}, spec: j.spec, frames: []rpjFrame{{state: map[string]any{"status": JobStatusRunning, "percentage_complete": 0}}}}
			f.order = append(f.order, newID)
			refs := []map[string]any{{"kind": jobKind, "uuid": id}, {"kind": jobKind, "uuid": newID}}
			writeJSON(w, 202, map[string]any{"task_uuid": f.task(&rpjFakeTask{running: 1, refs: refs})})
		case r.Method == http.MethodDelete && sub == "":
			delete(f.jobs, id)
			f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == id })
			writeJSON(w, 200, map[string]any{"task_uuid": f.task(&rpjFakeTask{})})
		default:
			w.WriteHeader(405)
		}
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		w.WriteHeader(404)
	}
}

func (f *rpjFake) create(w http.ResponseWriter, body []byte) {
	f.posts = append(f.posts, body)
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		v3Error(w, 400, "INVALID_ARGUMENT", err.Error())
		return
	}
	meta, _ := in["metadata"].(map[string]any)
	spec, _ := in["spec"].(map[string]any)
	mid, _ := meta["uuid"].(string)
	if mid == "" || meta["kind"] != jobKind || spec == nil {
		v3Error(w, 400, "INVALID_ARGUMENT", "bad create")
		return
	}
	if f.refuse != "" {
		reason := f.refuse
		f.refuse = ""
		v3Error(w, 409, reason, "another job of recovery plan "+rpjPlan+" is running")
		return
	}
	id := mid
	if f.serverUUID != "" {
		id = f.serverUUID
	}
	if _, ok := f.jobs[id]; ok {
		v3Error(w, 409, ReasonEntityAlreadyExists, "recovery plan job "+id+" already exists")
		return
	}
	j := &rpjFakeJob{meta: meta, spec: spec, frames: []rpjFrame{{state: map[string]any{"status": JobStatusQueued, "percentage_complete": 0}}}}
	t := &rpjFakeTask{refs: []map[string]any{{"kind": "recovery_plan", "uuid": rpjPlan}}}
	if !f.noJobRef {
		t.refs = append(t.refs, map[string]any{"kind": jobKind, "uuid": id})
	}
	if f.newJob != nil {
		f.newJob(id, j, t)
	}
	if !f.forget {
		f.jobs[id] = j
		f.order = append(f.order, id)
	}
	task := f.task(t)
	if f.dropCreates > 0 {
		f.dropCreates--
		dropConnection(f.t, w)
		return
	}
	writeJSON(w, 202, map[string]any{"task_uuid": task})
}

func rpjExec(status string, pct int, phases ...string) map[string]any {
	e := map[string]any{"status": status, "percentage_complete": pct}
	for i, k := range []string{"preprocessing_status", "operation_status", "postprocessing_status"} {
		if i < len(phases) {
			e[k] = map[string]any{"status": phases[i], "percentage_complete": map[string]int{JobStatusCompleted: 100, JobStatusRunning: 50}[phases[i]]}
		}
	}
	return e
}

func rpjStep(id, parent, op, status string, seq int, extra map[string]any) map[string]any {
	s := map[string]any{"step_uuid": id, "operation_type": op, "status": status, "step_sequence_number": seq, "percentage_complete": map[string]int{JobStatusCompleted: 100, JobStatusRunning: 40}[status]}
	if parent != "" {
		s["parent_step_uuid"] = parent
	}
	for k, v := range extra {
		s[k] = v
	}
	return s
}

func rpjTree(pre []map[string]any, op []map[string]any) map[string]any {
	out := map[string]any{}
	if pre != nil {
		out["preprocessing_status"] = map[string]any{"status": JobStatusCompleted, "percentage_complete": 100, "step_execution_status_list": pre}
	}
	if op != nil {
		out["operation_status"] = map[string]any{"status": JobStatusRunning, "percentage_complete": 50, "step_execution_status_list": op}
	}
	return out
}

func rpjVMRef(id, name string) []map[string]any {
	return []map[string]any{{"kind": "vm", "uuid": id, "name": name}}
}

func rpjRecovered(srcID, srcName, id, name string) map[string]any {
	return map[string]any{"recovered_entity_info_list": []map[string]any{{
		"source_entity_reference": map[string]any{"kind": "vm", "uuid": srcID, "name": srcName},
		"recovered_entity_info":   map[string]any{"entity_uuid": id, "entity_name": name},
	}}}
}

func rpjInput(action string) FailoverInput {
	return FailoverInput{RecoveryPlanUUID: rpjPlan, ActionType: action, FailedAZUUID: caAZ, RecoveryAZUUID: frAZ, Name: "job-" + strings.ToLower(action)}
}

func TestStartRecoveryPlanJobWireEachAction(t *testing.T) {
	ref := time.Date(2025, 3, 4, 5, 6, 7, 890_000_000, time.FixedZone("CET", 3600))
	azs := `"failed_availability_zone_list":[{"availability_zone_url":"` + caAZ + `"}],"recovery_availability_zone_list":[{"availability_zone_url":"` + frAZ + `"}]`
	plan := `"recovery_plan_reference":{"kind":"recovery_plan","uuid":"` + rpjPlan + `"}`
	cases := []struct {
		action string
		mod    func(*FailoverInput)
		want   string
	}{
		{JobActionValidate, nil,
			`{"name":"job-validate","resources":{` + plan + `,"execution_parameters":{` + azs + `,"action_type":"VALIDATE","should_continue_on_validation_failure":false}}}`},
		{JobActionMigrate, func(in *FailoverInput) { in.ContinueOnValidationFailure = true },
			`{"name":"job-migrate","resources":{` + plan + `,"execution_parameters":{` + azs + `,"action_type":"MIGRATE","should_continue_on_validation_failure":true}}}`},
		{JobActionFailover, func(in *FailoverInput) { in.RecoveryReferenceTime = &ref },
			`{"name":"job-failover","resources":{` + plan + `,"execution_parameters":{` + azs + `,"action_type":"FAILOVER","recovery_reference_time":"2025-03-04T04:06:07Z","should_continue_on_validation_failure":false}}}`},
		{JobActionTestFailover, nil,
			`{"name":"job-test_failover","resources":{` + plan + `,"execution_parameters":{` + azs + `,"action_type":"TEST_FAILOVER","should_continue_on_validation_failure":false}}}`},
		{JobActionLiveMigrate, func(in *FailoverInput) {
			in.FailedClusterUUIDs = []string{caCluster}
			in.RecoveryClusterUUIDs = []string{frCluster, fr2}
		},
			`{"name":"job-live_migrate","resources":{` + plan + `,"execution_parameters":{` +
				`"failed_availability_zone_list":[{"availability_zone_url":"` + caAZ + `","cluster_reference_list":[{"kind":"cluster","uuid":"` + caCluster + `"}]}],` +
				`"recovery_availability_zone_list":[{"availability_zone_url":"` + frAZ + `","cluster_reference_list":[{"kind":"cluster","uuid":"` + frCluster + `"},{"kind":"cluster","uuid":"` + fr2 + `"}]}],` +
				`"action_type":"LIVE_MIGRATE","should_continue_on_validation_failure":false}}}`},
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			f := newRPJFake(t)
			f.serverUUID = rpjJob
			c := f.client(t)
			in := rpjInput(tc.action)
			if tc.mod != nil {
				tc.mod(&in)
			}
			id, err := c.StartRecoveryPlanJob(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if id != rpjJob {
				t.Errorf("job uuid = %s, want %s (the one the task names)", id, rpjJob)
			}
			if len(f.posts) != 1 {
				t.Fatalf("%d creates sent", len(f.posts))
			}
			var sent map[string]any
			if err := json.Unmarshal(f.posts[0], &sent); err != nil {
				t.Fatal(err)
			}
			if mid, _ := subtree(sent, "metadata.uuid").(string); !uuidPattern.MatchString(mid) || subtree(sent, "metadata.kind") != jobKind || sent["api_version"] != apiVersion {
				t.Errorf("envelope = %v", sent)
			}
			// Compare as canonical JSON: key order of the wire does not matter.
			var want any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if got, w := jsonOf(t, sent["spec"]), jsonOf(t, want); got != w {
				t.Errorf("spec sent:\n%s\nwant:\n%s", got, w)
			}
		})
	}
}

func TestStartRecoveryPlanJobDefaultsAndChosenUUID(t *testing.T) {
	f := newRPJFake(t)
	c := f.client(t)
	in := rpjInput(JobActionTestFailover)
	in.Name = ""
	in.UUID = rpjParent
	id, err := c.StartRecoveryPlanJob(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if id != rpjParent {
		t.Errorf("job uuid = %s, want the chosen %s", id, rpjParent)
	}
	var sent map[string]any
	if err := json.Unmarshal(f.posts[0], &sent); err != nil {
		t.Fatal(err)
	}
	name, _ := subtree(sent, "spec.name").(string)
	if !strings.HasPrefix(name, "test_failover-") || len(name) > maxJobName || subtree(sent, "metadata.uuid") != rpjParent {
		t.Errorf("name %q, metadata %v", name, sent["metadata"])
	}
}

func TestStartRecoveryPlanJobFallsBackToMetadataUUID(t *testing.T) {
	f := newRPJFake(t)
	f.noJobRef = true
	f.newJob = func(_ string, _ *rpjFakeJob, tk *rpjFakeTask) { tk.running = 2 }
	c := f.client(t)
	id, err := c.StartRecoveryPlanJob(context.Background(), rpjInput(JobActionMigrate))
	if err != nil {
		t.Fatal(err)
	}
	var sent map[string]any
	_ = json.Unmarshal(f.posts[0], &sent)
	if id != subtree(sent, "metadata.uuid") {
		t.Errorf("job uuid = %s, want metadata.uuid %v", id, subtree(sent, "metadata.uuid"))
	}
	if n := f.cnt.get("GET /api/nutanix/v3/tasks/0f000000-0000-4000-8000-000000000001"); n != 3 {
		t.Errorf("task read %d times, want 3 (until it ended)", n)
	}
}

func TestStartRecoveryPlanJobReturnsOnceTheTaskNamesTheJob(t *testing.T) {
	f := newRPJFake(t)
	f.serverUUID = rpjJob
	// The task lasts as long as the job, but names it from the start.
	f.newJob = func(_ string, _ *rpjFakeJob, tk *rpjFakeTask) { tk.running, tk.runRefs = 1000, true }
	c := f.client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	id, err := c.StartRecoveryPlanJob(ctx, rpjInput(JobActionMigrate))
	if err != nil || id != rpjJob {
		t.Fatalf("id %s, err %v", id, err)
	}
	if n := f.cnt.get("GET /api/nutanix/v3/tasks/0f000000-0000-4000-8000-000000000001"); n != 1 {
		t.Errorf("task read %d times, want 1", n)
	}
}

func TestStartRecoveryPlanJobRetryIsSafe(t *testing.T) {
	f := newRPJFake(t)
	f.dropCreates = 1
	c := f.client(t)
	id, err := c.StartRecoveryPlanJob(context.Background(), rpjInput(JobActionMigrate))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.posts) != 2 || len(f.jobs) != 1 {
		t.Fatalf("%d creates sent, %d jobs exist", len(f.posts), len(f.jobs))
	}
	var first, second map[string]any
	_ = json.Unmarshal(f.posts[0], &first)
	_ = json.Unmarshal(f.posts[1], &second)
	if subtree(first, "metadata.uuid") != subtree(second, "metadata.uuid") || id != subtree(first, "metadata.uuid") {
		t.Errorf("uuids %v, %v; returned %s", subtree(first, "metadata.uuid"), subtree(second, "metadata.uuid"), id)
	}
	if _, ok := f.jobs[id]; !ok {
		t.Errorf("job %s does not exist", id)
	}
}

func TestStartRecoveryPlanJobRefusedOrFailed(t *testing.T) {
	t.Run("concurrent job", func(t *testing.T) {
		f := newRPJFake(t)
		f.refuse = ReasonConcurrentRequests
		c := f.client(t)
		id, err := c.StartRecoveryPlanJob(context.Background(), rpjInput(JobActionMigrate))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !apiErr.HasReason(ReasonConcurrentRequests) || id != "" {
			t.Fatalf("id %q, err %v", id, err)
		}
		mustContain(t, err.Error(), "starting a MIGRATE job of recovery plan "+rpjPlan, "another job of recovery plan", "CONCURRENT_REQUESTS_NOT_ALLOWED")
	})
	t.Run("task failed, job tells why", func(t *testing.T) {
		f := newRPJFake(t)
		f.newJob = func(_ string, j *rpjFakeJob, tk *rpjFakeTask) {
			tk.final = map[string]any{"status": TaskFailed, "error_code": "VALIDATION_FAILED", "error_detail": "validation failed"}
			j.frames = []rpjFrame{{state: rpjExec(JobStatusFailed, 0), status: map[string]any{"validation_information": map[string]any{"errors_list": []any{
				map[string]any{"validation_type": "NETWORK", "message": "subnet vlan50-prod has no mapping on france"},
			}}}}}
		}
		c := f.client(t)
		id, err := c.StartRecoveryPlanJob(context.Background(), rpjInput(JobActionMigrate))
		var je *JobError
		if !errors.As(err, &je) || id == "" || je.JobUUID != id {
			t.Fatalf("id %q, err %T %v", id, err, err)
		}
		mustContain(t, err.Error(), "ended FAILED", "NETWORK: subnet vlan50-prod has no mapping on france")
	})
	t.Run("task failed, no job", func(t *testing.T) {
		f := newRPJFake(t)
		f.noJobRef, f.forget = true, true
		f.newJob = func(_ string, _ *rpjFakeJob, tk *rpjFakeTask) {
			tk.final = map[string]any{"status": TaskFailed, "error_code": "INTERNAL_ERROR", "error_detail": "plan is not synced"}
		}
		c := f.client(t)
		id, err := c.StartRecoveryPlanJob(context.Background(), rpjInput(JobActionMigrate))
		var te *TaskError
		if !errors.As(err, &te) || id != "" {
			t.Fatalf("id %q, err %T %v", id, err, err)
		}
		mustContain(t, err.Error(), "starting a MIGRATE job of recovery plan", "INTERNAL_ERROR", "plan is not synced")
	})
}

// TestStartRecoveryPlanJobKeepsTheChosenUUIDOnError checks that a job whose create was
// accepted keeps its uuid (the one the client chose, metadata.uuid) when its task cannot be
// followed: the job may exist, and the caller must not lose it.
func TestStartRecoveryPlanJobKeepsTheChosenUUIDOnError(t *testing.T) {
	chosen := func(t *testing.T, f *rpjFake) string {
		t.Helper()
		var sent map[string]any
		if err := json.Unmarshal(f.posts[len(f.posts)-1], &sent); err != nil {
			t.Fatal(err)
		}
		id, _ := subtree(sent, "metadata.uuid").(string)
		if id == "" {
			t.Fatalf("no metadata.uuid sent: %v", sent)
		}
		return id
	}
	t.Run("first task read fails", func(t *testing.T) {
		f := newRPJFake(t)
		f.newJob = func(string, *rpjFakeJob, *rpjFakeTask) { f.taskDown = true }
		c := f.client(t)
		id, err := c.StartRecoveryPlanJob(context.Background(), rpjInput(JobActionTestFailover))
		if err == nil {
			t.Fatalf("no error, id %q", id)
		}
		if want := chosen(t, f); id != want {
			t.Errorf("id = %q, want the chosen uuid %s with the error", id, want)
		}
		mustContain(t, err.Error(), "task service unavailable")
	})
	t.Run("task wait times out before it names the job", func(t *testing.T) {
		f := newRPJFake(t)
		f.noJobRef = true
		f.newJob = func(_ string, _ *rpjFakeJob, tk *rpjFakeTask) { tk.running = 1 << 20 }
		c := f.client(t)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		id, err := c.StartRecoveryPlanJob(ctx, rpjInput(JobActionTestFailover))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("id %q, err %v; want a deadline error", id, err)
		}
		if want := chosen(t, f); id != want {
			t.Errorf("id = %q, want the chosen uuid %s with the error", id, want)
		}
		if _, ok := f.jobs[id]; !ok {
			t.Errorf("the returned id %s is not the job's", id)
		}
	})
	t.Run("task failed and the job cannot be read", func(t *testing.T) {
		f := newRPJFake(t)
		f.serverUUID = rpjJob
		// The task names the job only once it ended, failed, and the job cannot be read.
		f.newJob = func(_ string, _ *rpjFakeJob, tk *rpjFakeTask) {
			tk.running = 1
			tk.final = map[string]any{"status": TaskFailed, "error_code": "INTERNAL_ERROR", "error_detail": "boom"}
			f.jobsDown = true
		}
		c := f.client(t)
		id, err := c.StartRecoveryPlanJob(context.Background(), rpjInput(JobActionTestFailover))
		var te *TaskError
		if !errors.As(err, &te) || id != rpjJob {
			t.Fatalf("id %q, err %T %v; want %s with the task's error", id, err, err, rpjJob)
		}
	})
	t.Run("rerun task wait times out", func(t *testing.T) {
		f := newRPJFake(t)
		f.add(rpjParent, &rpjFakeJob{spec: map[string]any{"name": "p"}, frames: []rpjFrame{{state: rpjExec(JobStatusFailed, 100)}}})
		c := f.client(t)
		f.mu.Lock()
		f.taskDown = true
		f.mu.Unlock()
		id, err := c.RerunRecoveryPlanJob(context.Background(), rpjParent)
		if err == nil || id == "" || id == rpjParent {
			t.Fatalf("id %q, err %v; want the new job's uuid with the error", id, err)
		}
		var sent map[string]any
		_ = json.Unmarshal(f.reruns[0], &sent)
		if id != sent["rerun_recovery_plan_job_uuid"] {
			t.Errorf("id = %s, want the rerun uuid sent %v", id, sent["rerun_recovery_plan_job_uuid"])
		}
	})
}

func TestStartRecoveryPlanJobValidatesInput(t *testing.T) {
	f := newRPJFake(t)
	c := f.client(t)
	now := time.Now()
	cases := []struct {
		mod  func(*FailoverInput)
		want string
	}{
		{func(in *FailoverInput) { in.RecoveryPlanUUID = "" }, "recovery plan uuid is empty"},
		{func(in *FailoverInput) { in.ActionType = "PLANNED" }, `action type "PLANNED" is not one of VALIDATE, MIGRATE, FAILOVER, TEST_FAILOVER, LIVE_MIGRATE`},
		{func(in *FailoverInput) { in.FailedAZUUID = "" }, "zone to fail over from is empty"},
		{func(in *FailoverInput) { in.RecoveryAZUUID = "" }, "zone to recover to is empty"},
		{func(in *FailoverInput) { in.RecoveryAZUUID = in.FailedAZUUID }, "are the same: name the clusters"},
		{func(in *FailoverInput) { in.RecoveryReferenceTime = &now }, "only applies to FAILOVER and TEST_FAILOVER, not MIGRATE"},
		{func(in *FailoverInput) { in.Name = strings.Repeat("x", 65) }, "65 characters long; at most 64"},
	}
	for _, tc := range cases {
		in := rpjInput(JobActionMigrate)
		tc.mod(&in)
		_, err := c.StartRecoveryPlanJob(context.Background(), in)
		if err == nil {
			t.Errorf("%+v: no error", in)
			continue
		}
		mustContain(t, err.Error(), tc.want)
	}
	if len(f.posts) != 0 {
		t.Errorf("%d creates sent for invalid input", len(f.posts))
	}
}

// rpjProgressJob is a MIGRATE job that runs in frames: queued, preprocessing,
// stage with app-01 recovering, app-01 powering on, then completed.
func rpjProgressJob(j *rpjFakeJob) {
	pre := []map[string]any{rpjStep(rpjStepPre, "", "RESOURCE_RESERVATION", JobStatusCompleted, 0, map[string]any{"message": "Reserving resources"})}
	stage := func(st string) map[string]any {
		return rpjStep(rpjStage, "", "STAGE_RECOVERY", st, 0, map[string]any{"message": "Stage 1"})
	}
	app := func(st string, extra map[string]any) map[string]any {
		m := map[string]any{"any_entity_reference_list": rpjVMRef(vmApp, "app-01")}
		for k, v := range extra {
			m[k] = v
		}
		return rpjStep(rpjStepApp, rpjStage, "ENTITY_RECOVERY", st, 0, m)
	}
	power := func(st string) map[string]any {
		return rpjStep(rpjStepPower, rpjStepApp, "VM_POWER_ON", st, 0, map[string]any{"any_entity_reference_list": rpjVMRef(rpjRecApp, "app-01")})
	}
	db := func(st string, extra map[string]any) map[string]any {
		m := map[string]any{"any_entity_reference_list": rpjVMRef(vmDB, "db-01")}
		for k, v := range extra {
			m[k] = v
		}
		return rpjStep(rpjStepDB, rpjStage, "ENTITY_RECOVERY", st, 1, m)
	}
	done := func() map[string]any {
		return map[string]any{"recovered_entity_info_list": rpjRecovered(vmApp, "app-01", rpjRecApp, "app-01")["recovered_entity_info_list"]}
	}
	doneDB := rpjRecovered(vmDB, "db-01", rpjRecDB, "db-01")
	j.frames = []rpjFrame{
		{state: rpjExec(JobStatusQueued, 0)},
		{state: rpjExec(JobStatusRunning, 10, JobStatusRunning), steps: rpjTree([]map[string]any{rpjStep(rpjStepPre, "", "RESOURCE_RESERVATION", JobStatusRunning, 0, map[string]any{"message": "Reserving resources"})}, nil)},
		{state: rpjExec(JobStatusRunning, 40, JobStatusCompleted, JobStatusRunning), steps: rpjTree(pre, []map[string]any{db(JobStatusQueued, nil), app(JobStatusRunning, nil), stage(JobStatusRunning)})},
		// Unchanged: no progress call.
		{state: rpjExec(JobStatusRunning, 40, JobStatusCompleted, JobStatusRunning), steps: rpjTree(pre, []map[string]any{db(JobStatusQueued, nil), app(JobStatusRunning, nil), stage(JobStatusRunning)})},
		{state: rpjExec(JobStatusRunning, 70, JobStatusCompleted, JobStatusRunning), steps: rpjTree(pre, []map[string]any{power(JobStatusRunning), db(JobStatusRunning, nil), app(JobStatusRunning, done()), stage(JobStatusRunning)})},
		{state: rpjExec(JobStatusCompleted, 100, JobStatusCompleted, JobStatusCompleted, JobStatusCompleted),
			status: map[string]any{"start_time": "2025-01-02T03:04:06Z", "end_time": "2025-01-02T03:09:06Z"},
			steps:  rpjTree(pre, []map[string]any{power(JobStatusCompleted), db(JobStatusCompleted, doneDB), app(JobStatusCompleted, done()), stage(JobStatusCompleted)})},
	}
}

func TestWaitForRecoveryPlanJobReportsProgress(t *testing.T) {
	f := newRPJFake(t)
	f.newJob = func(_ string, j *rpjFakeJob, _ *rpjFakeTask) { rpjProgressJob(j) }
	c := f.client(t)
	ctx := context.Background()
	id, err := c.StartRecoveryPlanJob(ctx, rpjInput(JobActionMigrate))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	job, err := c.WaitForRecoveryPlanJob(ctx, id, func(j RecoveryPlanJob) {
		seen = append(seen, fmt.Sprintf("%s %d%% %s", j.Status, j.PercentageComplete, j.CurrentStep))
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"QUEUED 0% ",
		"RUNNING 10% Reserving resources",
		"RUNNING 40% ENTITY_RECOVERY app-01",
		"RUNNING 70% VM_POWER_ON app-01",
		"COMPLETED 100% ",
	}
	if !slices.Equal(seen, want) {
		t.Errorf("progress:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
	var order []string
	for _, s := range job.Steps {
		order = append(order, fmt.Sprintf("%s/%d/%s", s.Phase, s.Depth, s.Name))
	}
	wantOrder := []string{
		"PREPROCESSING/0/Reserving resources",
		"OPERATION/0/Stage 1",
		"OPERATION/1/ENTITY_RECOVERY app-01",
		"OPERATION/2/VM_POWER_ON app-01",
		"OPERATION/1/ENTITY_RECOVERY db-01",
	}
	if !slices.Equal(order, wantOrder) {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(order, "\n"), strings.Join(wantOrder, "\n"))
	}
	wantVMs := []RecoveredVM{
		{Name: "app-01", UUID: rpjRecApp, SourceName: "app-01", SourceUUID: vmApp, AZUUID: frAZ},
		{Name: "db-01", UUID: rpjRecDB, SourceName: "db-01", SourceUUID: vmDB, AZUUID: frAZ},
	}
	if !reflect.DeepEqual(job.RecoveredVMs, wantVMs) {
		t.Errorf("recovered VMs = %+v\nwant %+v", job.RecoveredVMs, wantVMs)
	}
	if job.Failed() || !job.Done() || job.StartTime.IsZero() || job.EndTime.Sub(job.StartTime) != 5*time.Minute || len(job.Phases) != 3 {
		t.Errorf("job = %+v", job)
	}
	// The step tree is not asked for while the job is queued.
	if n := f.cnt.get("GET /api/nutanix/v3/recovery_plan_jobs/" + id + "/execution_status"); n != 5 {
		t.Errorf("execution_status read %d times, want 5", n)
	}
}

func TestWaitForRecoveryPlanJobFailedError(t *testing.T) {
	f := newRPJFake(t)
	f.add(rpjJob, &rpjFakeJob{spec: map[string]any{"name": "planned-1", "resources": map[string]any{
		"recovery_plan_reference": map[string]any{"kind": "recovery_plan", "uuid": rpjPlan, "name": "rp-canada"},
		"execution_parameters":    map[string]any{"action_type": JobActionMigrate},
	}}, frames: []rpjFrame{
		{state: rpjExec(JobStatusRunning, 30, JobStatusCompleted, JobStatusRunning)},
		{state: rpjExec(JobStatusFailedWithWarning, 60, JobStatusCompleted, JobStatusFailed),
			status: map[string]any{"validation_information": map[string]any{
				"errors_list": []any{map[string]any{
					"validation_type": "INFRASTRUCTURE", "message": "cluster FR01 lacks memory for the plan's VMs",
					"affected_any_reference_list":       []any{map[string]any{"kind": "vm", "uuid": vmDB, "name": "db-01"}},
					"impact_message_list":               []any{"db-01 cannot be powered on"},
					"cause_and_resolution_message_list": []any{map[string]any{"cause": "64 GiB needed, 32 GiB free", "resolution_list": []any{"Free memory on FR01."}}},
				}},
				"warnings_list": []any{map[string]any{"validation_type": "NETWORK", "message": "test network not mapped"}},
			}},
			steps: rpjTree(nil, []map[string]any{
				rpjStep(rpjStage, "", "STAGE_RECOVERY", JobStatusFailed, 0, map[string]any{"message": "Stage 1"}),
				rpjStep(rpjStepApp, rpjStage, "ENTITY_RECOVERY", JobStatusCompleted, 0, map[string]any{"any_entity_reference_list": rpjVMRef(vmApp, "app-01")}),
				rpjStep(rpjStepDB, rpjStage, "ENTITY_RECOVERY", JobStatusFailed, 1, map[string]any{
					"any_entity_reference_list": rpjVMRef(vmDB, "db-01"), "error_code": "OPERATION_TIMED_OUT", "error_detail": "power on of db-01 timed out",
				}),
			})},
	}})
	c := f.client(t)
	job, err := c.WaitForRecoveryPlanJob(context.Background(), rpjJob, nil)
	var je *JobError
	if !errors.As(err, &je) {
		t.Fatalf("err = %T %v", err, err)
	}
	if job == nil || job.Status != JobStatusFailedWithWarning || je.Status != JobStatusFailedWithWarning || je.JobUUID != rpjJob || je.ActionType != JobActionMigrate {
		t.Errorf("job %+v, error %+v", job, je)
	}
	if len(je.FailedSteps) != 1 || je.FailedSteps[0].UUID != rpjStepDB {
		t.Errorf("failed steps = %+v", je.FailedSteps)
	}
	want := "MIGRATE of recovery plan rp-canada: recovery plan job planned-1 (" + rpjJob + ") ended FAILED_WITH_WARNING; " +
		"validation errors: (1) INFRASTRUCTURE: cluster FR01 lacks memory for the plan's VMs (affects db-01); impact: db-01 cannot be powered on; cause: 64 GiB needed, 32 GiB free; resolution: Free memory on FR01.; " +
		"failed steps: (1) ENTITY_RECOVERY db-01: OPERATION_TIMED_OUT: power on of db-01 timed out; " +
		"warnings: (1) NETWORK: test network not mapped; " +
		"fix the causes (see the job in Prism Central, Recovery Plans > the plan > Reports) and run again"
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
}

func TestWaitForRecoveryPlanJobValidationOutcomes(t *testing.T) {
	errs := map[string]any{"validation_information": map[string]any{"errors_list": []any{map[string]any{"validation_type": "ENTITY", "message": "VM dns-01 is not protected"}}}}
	warns := map[string]any{"validation_information": map[string]any{"warnings_list": []any{map[string]any{"validation_type": "RECOVERY_POINT", "message": "latest recovery point is 2h old"}}}}
	cases := []struct {
		name     string
		action   string
		cont     bool
		status   string
		extra    map[string]any
		wantFail bool
		wantText string
	}{
		{"validate with errors fails", JobActionValidate, false, JobStatusCompleted, errs, true, "ended COMPLETED with validation errors; validation errors: (1) ENTITY: VM dns-01 is not protected"},
		{"validate with warnings passes", JobActionValidate, false, JobStatusCompletedWithWarning, warns, false, ""},
		{"failover told to continue passes", JobActionFailover, true, JobStatusCompleted, errs, false, ""},
		{"aborted without reasons", JobActionFailover, false, JobStatusAborted, nil, true, "ended ABORTED; Prism Central gave no reason"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newRPJFake(t)
			f.add(rpjJob, &rpjFakeJob{spec: map[string]any{"name": "v", "resources": map[string]any{
				"recovery_plan_reference": map[string]any{"kind": "recovery_plan", "uuid": rpjPlan},
				"execution_parameters":    map[string]any{"action_type": tc.action, "should_continue_on_validation_failure": tc.cont},
			}}, frames: []rpjFrame{{state: rpjExec(tc.status, 100), status: tc.extra}}})
			c := f.client(t)
			job, err := c.WaitForRecoveryPlanJob(context.Background(), rpjJob, nil)
			if job == nil || job.Status != tc.status {
				t.Fatalf("job = %+v", job)
			}
			var je *JobError
			if got := errors.As(err, &je); got != tc.wantFail {
				t.Fatalf("err = %v, want failure %t", err, tc.wantFail)
			}
			if tc.wantFail {
				mustContain(t, err.Error(), tc.wantText)
			}
		})
	}
}

func TestWaitForRecoveryPlanJobBacksOffAndHonorsContext(t *testing.T) {
	f := newRPJFake(t)
	f.add(rpjJob, &rpjFakeJob{spec: map[string]any{"name": "slow"}, frames: []rpjFrame{{
		state: rpjExec(JobStatusRunning, 20, JobStatusCompleted, JobStatusRunning),
		steps: rpjTree(nil, []map[string]any{rpjStep(rpjStage, "", "DELAY", JobStatusRunning, 0, map[string]any{"message": "Waiting 30s before stage 2"})}),
	}}})
	c := f.client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 1600*time.Millisecond)
	defer cancel()
	calls := 0
	start := time.Now()
	job, err := c.WaitForRecoveryPlanJob(ctx, rpjJob, func(RecoveryPlanJob) { calls++ })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("returned %s after the start, long after the deadline", el)
	}
	mustContain(t, err.Error(), "waiting for recovery plan job "+rpjJob, "last seen RUNNING, 20%, step Waiting 30s before stage 2", "the job goes on in Prism Central")
	if job == nil || job.Status != JobStatusRunning {
		t.Errorf("last job = %+v", job)
	}
	if calls != 1 {
		t.Errorf("progress called %d times for an unchanged job", calls)
	}
	// 100, 200, 400, 800 ms: five reads in 1.6 s, not one every 100 ms.
	if n := f.cnt.get("GET /api/nutanix/v3/recovery_plan_jobs/" + rpjJob); n < 4 || n > 6 {
		t.Errorf("job read %d times in 1.6s, want 4-6 with the backoff", n)
	}
}

func TestWaitForRecoveryPlanJobWithoutStepTree(t *testing.T) {
	f := newRPJFake(t)
	f.noSteps = true
	f.add(rpjJob, &rpjFakeJob{spec: map[string]any{"name": "x"}, frames: []rpjFrame{
		{state: rpjExec(JobStatusRunning, 10)}, {state: rpjExec(JobStatusRunning, 50)}, {state: rpjExec(JobStatusCompleted, 100)},
	}})
	c := f.client(t)
	var pcts []int
	job, err := c.WaitForRecoveryPlanJob(context.Background(), rpjJob, func(j RecoveryPlanJob) { pcts = append(pcts, j.PercentageComplete) })
	if err != nil {
		t.Fatal(err)
	}
	if job.Steps != nil || !slices.Equal(pcts, []int{10, 50, 100}) {
		t.Errorf("steps %v, progress %v", job.Steps, pcts)
	}
	if n := f.cnt.get("GET /api/nutanix/v3/recovery_plan_jobs/" + rpjJob + "/execution_status"); n != 1 {
		t.Errorf("execution_status asked %d times after a 404, want 1", n)
	}
}

func TestWaitForRecoveryPlanJobNotFound(t *testing.T) {
	f := newRPJFake(t)
	c := f.client(t)
	_, err := c.WaitForRecoveryPlanJob(context.Background(), rpjJob, nil)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	_, err = c.GetRecoveryPlanJob(context.Background(), rpjJob)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

// rpjFullJob is a job answer with every field the spec gives a job's status,
// plus the initiator and data-loss window extensions.
const rpjFullJob = `{
 "api_version": "3.1",
 "metadata": {"kind": "recovery_plan_job", "uuid": "` + rpjJob + `", "creation_time": "2025-05-06T07:08:00Z", "spec_version": 0},
 "spec": {"name": "spec-name", "resources": {"recovery_plan_reference": {"kind": "recovery_plan", "uuid": "` + rpjPlan + `"},
  "execution_parameters": {"action_type": "FAILOVER", "failed_availability_zone_list": [{"availability_zone_url": "` + caAZ + `"}], "recovery_availability_zone_list": [{"availability_zone_url": "` + frAZ + `"}]}}},
 "status": {
  "name": "unplanned-1",
  "start_time": "2025-05-06T07:08:09Z",
  "end_time": "2025-05-06T07:18:09.5Z",
  "witness_address": "https://witness.example:9440",
  "initiator": "ignored when a witness is named",
  "data_loss_window_secs": 754.25,
  "parent_recovery_plan_job_reference": {"kind": "recovery_plan_job", "uuid": "` + rpjParent + `"},
  "root_recovery_plan_job_reference": {"kind": "recovery_plan_job", "uuid": "` + rpjStepPre + `"},
  "recovery_plan_specification": {"name": "rp-canada", "description": "canada to france", "resources": {}},
  "resources": {"recovery_plan_reference": {"kind": "recovery_plan", "uuid": "` + rpjPlan + `", "name": "rp-canada"},
   "execution_parameters": {"action_type": "FAILOVER",
    "failed_availability_zone_list": [{"availability_zone_url": "` + caAZ + `", "cluster_reference_list": [{"kind": "cluster", "uuid": "` + caCluster + `"}]}],
    "recovery_availability_zone_list": [{"availability_zone_url": "` + frAZ + `", "cluster_reference_list": [{"kind": "cluster", "uuid": "` + frCluster + `"}, {"kind": "cluster", "uuid": "` + fr2 + `"}]}],
    "recovery_reference_time": "2025-05-06T07:00:00Z",
    "should_continue_on_validation_failure": true}},
  "execution_status": {"status": "COMPLETED_WITH_WARNING", "percentage_complete": 100,
   "preprocessing_status": {"status": "COMPLETED", "percentage_complete": 100},
   "operation_status": {"status": "COMPLETED_WITH_WARNING", "percentage_complete": 100},
   "postprocessing_status": {"status": "COMPLETED", "percentage_complete": 100}},
  "cleanup_status": {"status": "RUNNING", "percentage_complete": 30, "operation_status": {"status": "RUNNING", "percentage_complete": 30}},
  "validation_information": {
   "errors_list": [{"validation_type": "NETWORK", "message": "m1", "affected_any_reference_list": [{"kind": "subnet", "uuid": "` + rpjStepDB + `"}], "impact_message_list": ["i1", "i2"], "cause_and_resolution_message_list": [{"cause": "c1", "resolution_list": ["r1", "r2"]}, {"cause": "c2"}]}],
   "warnings_list": [{"validation_type": "LICENSE", "message": "m2"}]}
 }
}`

const rpjFullSteps = `{
 "preprocessing_status": {"status": "COMPLETED", "percentage_complete": 100, "step_execution_status_list": []},
 "operation_status": {"status": "COMPLETED_WITH_WARNING", "percentage_complete": 100, "step_execution_status_list": [
  {"step_uuid": "` + rpjStepApp + `", "parent_step_uuid": "` + rpjStage + `", "step_sequence_number": 0, "operation_type": "ENTITY_RESTORATION", "status": "COMPLETED_WITH_WARNING",
   "percentage_complete": 100, "message": "Restoring app-01", "error_code": "VNIC_ATTACHMENT_FAILED", "error_detail": "nic 2 not attached",
   "start_time": "2025-05-06T07:09:00Z", "end_time": "2025-05-06T07:10:00Z",
   "any_entity_reference_list": [{"kind": "vm", "uuid": "` + vmApp + `", "name": "app-01"}],
   "recovered_entity_info_list": [
    {"source_entity_reference": {"kind": "vm", "uuid": "` + vmApp + `", "name": "app-01"}, "recovered_entity_info": {"entity_uuid": "` + rpjRecApp + `", "entity_name": "app-01", "ip_address_list": ["192.168.50.10"]}},
    {"source_entity_reference": {"kind": "vm", "uuid": "` + vmDNS + `", "name": "dns-01"}, "error_detail": "no recovery point"}]},
  {"step_uuid": "` + rpjStage + `", "step_sequence_number": 0, "operation_type": "STAGE_RECOVERY", "status": "COMPLETED", "percentage_complete": 100}
 ]}
}`

const rpjCleanupSteps = `{"operation_status": {"status": "RUNNING", "percentage_complete": 30, "step_execution_status_list": [
 {"step_uuid": "` + rpjStepDB + `", "operation_type": "ENTITIES_CLEANUP", "status": "RUNNING", "percentage_complete": 30}]}}`

func TestGetRecoveryPlanJobDecodesEveryField(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case APIPath + "/recovery_plan_jobs/" + rpjJob:
			_, _ = io.WriteString(w, rpjFullJob)
		case APIPath + "/recovery_plan_jobs/" + rpjJob + "/execution_status":
			_, _ = io.WriteString(w, rpjFullSteps)
		case APIPath + "/recovery_plan_jobs/" + rpjJob + "/cleanup_status":
			_, _ = io.WriteString(w, rpjCleanupSteps)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			w.WriteHeader(404)
		}
	})
	c, _ := newClient(t, srv)
	got, err := c.GetRecoveryPlanJob(context.Background(), rpjJob)
	if err != nil {
		t.Fatal(err)
	}
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ref := ts("2025-05-06T07:00:00Z")
	window := 754250 * time.Millisecond
	errMsg := JobValidationMessage{Type: "NETWORK", Message: "m1", Entities: []Reference{{Kind: "subnet", UUID: rpjStepDB}}, Impacts: []string{"i1", "i2"},
		Causes: []JobValidationCause{{Cause: "c1", Resolutions: []string{"r1", "r2"}}, {Cause: "c2"}}}
	appStep := JobStep{UUID: rpjStepApp, ParentUUID: rpjStage, Phase: JobPhaseOperation, Depth: 1, OperationType: "ENTITY_RESTORATION", Name: "Restoring app-01",
		Message: "Restoring app-01", Status: JobStatusCompletedWithWarning, PercentageComplete: 100, ErrorCode: "VNIC_ATTACHMENT_FAILED", ErrorDetail: "nic 2 not attached",
		StartTime: ts("2025-05-06T07:09:00Z"), EndTime: ts("2025-05-06T07:10:00Z"), Entities: []Reference{{Kind: "vm", UUID: vmApp, Name: "app-01"}},
		Recovered: []RecoveredEntity{
			{SourceKind: "vm", SourceUUID: vmApp, SourceName: "app-01", UUID: rpjRecApp, Name: "app-01", IPAddresses: []string{"192.168.50.10"}},
			{SourceKind: "vm", SourceUUID: vmDNS, SourceName: "dns-01", Error: "no recovery point"},
		}}
	want := RecoveryPlanJob{
		UUID: rpjJob, Name: "unplanned-1", RecoveryPlanUUID: rpjPlan, RecoveryPlanName: "rp-canada", ActionType: JobActionFailover,
		FailedAZUUID: caAZ, RecoveryAZUUID: frAZ, FailedClusterUUIDs: []string{caCluster}, RecoveryClusterUUIDs: []string{frCluster, fr2},
		RecoveryReferenceTime: &ref, ContinueOnValidationFailure: true,
		Status: JobStatusCompletedWithWarning, PercentageComplete: 100,
		Phases:    []JobPhase{{JobPhasePreprocessing, JobStatusCompleted, 100}, {JobPhaseOperation, JobStatusCompletedWithWarning, 100}, {JobPhasePostprocessing, JobStatusCompleted, 100}},
		Initiator: JobInitiatorWitness, WitnessAddress: "https://witness.example:9440", ParentJobUUID: rpjParent, RootJobUUID: rpjStepPre,
		CreationTime: ts("2025-05-06T07:08:00Z"), StartTime: ts("2025-05-06T07:08:09Z"), EndTime: ts("2025-05-06T07:18:09.5Z"),
		Errors:           []string{"NETWORK: m1 (affects " + rpjStepDB + "); impact: i1; impact: i2; cause: c1; resolution: r1 r2; cause: c2"},
		Warnings:         []string{"LICENSE: m2"},
		ValidationErrors: []JobValidationMessage{errMsg}, ValidationWarnings: []JobValidationMessage{{Type: "LICENSE", Message: "m2"}},
		Steps: []JobStep{
			{UUID: rpjStage, Phase: JobPhaseOperation, OperationType: "STAGE_RECOVERY", Name: "STAGE_RECOVERY", Status: JobStatusCompleted, PercentageComplete: 100},
			appStep,
		},
		RecoveredVMs: []RecoveredVM{
			{Name: "app-01", UUID: rpjRecApp, SourceName: "app-01", SourceUUID: vmApp, AZUUID: frAZ, IPAddresses: []string{"192.168.50.10"}},
			{SourceName: "dns-01", SourceUUID: vmDNS, AZUUID: frAZ, Error: "no recovery point"},
		},
		DataLossWindow: &window,
		CleanupStatus:  JobStatusRunning, CleanupPercentageComplete: 30,
		CleanupSteps: []JobStep{{UUID: rpjStepDB, Phase: JobPhaseOperation, OperationType: "ENTITIES_CLEANUP", Name: "ENTITIES_CLEANUP", Status: JobStatusRunning, PercentageComplete: 30}},
	}
	if !reflect.DeepEqual(*got, want) {
		gj, _ := json.MarshalIndent(got, "", " ")
		wj, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("job:\n%s\nwant:\n%s", gj, wj)
	}
	if !got.Done() || got.Failed() {
		t.Errorf("done %t failed %t", got.Done(), got.Failed())
	}
}

func TestRecoveryPlanJobInitiatorAndFallbacks(t *testing.T) {
	cases := []struct {
		body string
		want RecoveryPlanJob
	}{
		{`{"metadata":{"uuid":"a"},"spec":{"name":"from-spec","resources":{"recovery_plan_reference":{"uuid":"p"},"execution_parameters":{"action_type":"MIGRATE"}}}}`,
			RecoveryPlanJob{UUID: "a", Name: "from-spec", RecoveryPlanUUID: "p", ActionType: JobActionMigrate, Initiator: JobInitiatorUser}},
		{`{"metadata":{"uuid":"b"},"status":{"initiator":"witness","name":"s","recovery_plan_specification":{"name":"rp"}}}`,
			RecoveryPlanJob{UUID: "b", Name: "s", RecoveryPlanName: "rp", Initiator: JobInitiatorWitness}},
	}
	for _, tc := range cases {
		var j jobJSON
		if err := json.Unmarshal([]byte(tc.body), &j); err != nil {
			t.Fatal(err)
		}
		if got := j.toJob(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.body, got, tc.want)
		}
	}
}

func TestFlattenJobStepsOrdersTrees(t *testing.T) {
	mk := func(id, parent string, seq int64) JobStep {
		return JobStep{UUID: id, ParentUUID: parent, Sequence: seq, Name: id}
	}
	steps := []JobStep{
		mk("c2", "s2", 0),
		mk("s2", "", 2),
		mk("c1b", "s1", 1),
		mk("orphan", "gone", 0),
		mk("s1", "", 1),
		mk("c1a", "s1", 0),
		mk("g", "c1a", 0),
		mk("x", "y", 0),
		mk("y", "x", 0),
	}
	var got []string
	for _, s := range flattenSteps(steps) {
		got = append(got, fmt.Sprintf("%s@%d", s.UUID, s.Depth))
	}
	want := []string{"orphan@0", "s1@0", "c1a@1", "g@2", "c1b@1", "s2@0", "c2@1", "x@0", "y@1"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestCleanupRecoveryPlanJob(t *testing.T) {
	setup := func(t *testing.T, final string) (*rpjFake, *Client) {
		f := newRPJFake(t)
		f.add(rpjJob, &rpjFakeJob{spec: map[string]any{"name": "test-1", "resources": map[string]any{"execution_parameters": map[string]any{"action_type": JobActionTestFailover}}},
			frames: []rpjFrame{{state: rpjExec(JobStatusCompleted, 100)}},
			cleanup: []map[string]any{
				{"status": JobStatusRunning, "percentage_complete": 20},
				{"status": JobStatusRunning, "percentage_complete": 60},
				{"status": final, "percentage_complete": 100},
			},
			cleanupTree: rpjTree(nil, []map[string]any{rpjStep(rpjStepApp, "", "ENTITIES_CLEANUP", JobStatusFailed, 0, map[string]any{"error_code": "ENTITY_NOT_FOUND", "error_detail": "clone app-01-test is gone"})}),
		})
		return f, f.client(t)
	}
	t.Run("completes", func(t *testing.T) {
		f, c := setup(t, JobStatusCompleted)
		if err := c.CleanupRecoveryPlanJob(context.Background(), rpjJob); err != nil {
			t.Fatal(err)
		}
		if len(f.cleanups) != 1 || string(f.cleanups[0]) != "{}" {
			t.Errorf("cleanup bodies %q", f.cleanups)
		}
		if n := f.cnt.get("GET /api/nutanix/v3/recovery_plan_jobs/" + rpjJob); n != 3 {
			t.Errorf("job read %d times, want 3 (until the cleanup ended)", n)
		}
		job, err := c.GetRecoveryPlanJob(context.Background(), rpjJob)
		if err != nil || job.CleanupStatus != JobStatusCompleted || len(job.CleanupSteps) != 1 {
			t.Errorf("job %+v, %v", job, err)
		}
	})
	t.Run("fails", func(t *testing.T) {
		_, c := setup(t, JobStatusFailed)
		err := c.CleanupRecoveryPlanJob(context.Background(), rpjJob)
		var je *JobError
		if !errors.As(err, &je) || !je.Cleanup || je.Status != JobStatusFailed {
			t.Fatalf("err = %T %v", err, err)
		}
		mustContain(t, err.Error(), "cleaning up the test failover of recovery plan job "+rpjJob, "the cleanup of recovery plan job test-1 ("+rpjJob+") ended FAILED",
			"ENTITIES_CLEANUP: ENTITY_NOT_FOUND: clone app-01-test is gone", "run the cleanup again")
	})
}

func TestRerunRecoveryPlanJob(t *testing.T) {
	f := newRPJFake(t)
	f.add(rpjParent, &rpjFakeJob{spec: map[string]any{"name": "failed-1"}, frames: []rpjFrame{{state: rpjExec(JobStatusFailed, 40)}}})
	c := f.client(t)
	id, err := c.RerunRecoveryPlanJob(context.Background(), rpjParent)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.reruns) != 1 {
		t.Fatalf("%d reruns sent", len(f.reruns))
	}
	var sent map[string]any
	if err := json.Unmarshal(f.reruns[0], &sent); err != nil {
		t.Fatal(err)
	}
	newID, _ := sent["rerun_recovery_plan_job_uuid"].(string)
	if !uuidPattern.MatchString(newID) || sent["should_continue_rerun_on_validation_failure"] != false || len(sent) != 2 {
		t.Errorf("rerun body %s", f.reruns[0])
	}
	if id != newID || id == rpjParent {
		t.Errorf("rerun job = %s, want the new job %s", id, newID)
	}
	if _, ok := f.jobs[id]; !ok {
		t.Errorf("job %s not created", id)
	}
}

func TestListAndDeleteRecoveryPlanJobs(t *testing.T) {
	f := newRPJFake(t)
	spec := func(plan string) map[string]any {
		return map[string]any{"name": "j", "resources": map[string]any{"recovery_plan_reference": map[string]any{"kind": "recovery_plan", "uuid": plan}, "execution_parameters": map[string]any{"action_type": JobActionFailover}}}
	}
	starts := []string{"2025-01-01T00:00:00Z", "2025-01-03T00:00:00Z", "2025-01-02T00:00:00Z"}
	for i := range 5 {
		plan := rpjPlan
		if i == 3 {
			plan = "other"
		}
		st := map[string]any{"start_time": starts[i%3]}
		if i == 4 {
			st["witness_address"] = "10.0.0.9"
		}
		f.add(fmt.Sprintf("job-%d", i), &rpjFakeJob{spec: spec(plan), frames: []rpjFrame{{state: rpjExec(JobStatusCompleted, 100), status: st}}})
	}
	c := f.client(t)
	c.pageSize = 2
	ctx := context.Background()
	all, err := c.ListRecoveryPlanJobs(ctx, "")
	if err != nil || len(all) != 5 {
		t.Fatalf("%d jobs, %v", len(all), err)
	}
	mine, err := c.ListRecoveryPlanJobsOfPlan(ctx, rpjPlan)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range mine {
		got = append(got, j.UUID+"/"+j.Initiator)
	}
	want := []string{"job-1/user", "job-4/witness", "job-2/user", "job-0/user"}
	if !slices.Equal(got, want) {
		t.Errorf("jobs of the plan %v, want %v", got, want)
	}
	if err := c.DeleteRecoveryPlanJob(ctx, "job-0"); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.jobs["job-0"]; ok {
		t.Error("job-0 not deleted")
	}
	if err := c.DeleteRecoveryPlanJob(ctx, "job-0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

// TestWaitForRecoveryPlanJobThroughOutage has the job's Prism Central stop answering (a
// restart) for longer than one read's retries: 503 pages, then dropped connections. The wait
// goes on through it and returns the job once it has completed, instead of losing track of it.
func TestWaitForRecoveryPlanJobThroughOutage(t *testing.T) {
	f := newRPJFake(t)
	f.noSteps = true
	f.add(rpjJob, &rpjFakeJob{spec: map[string]any{"name": "planned"}, frames: []rpjFrame{
		{state: rpjExec(JobStatusRunning, 40)}, {state: rpjExec(JobStatusCompleted, 100)},
	}})
	var mu sync.Mutex
	down, forever := 0, false
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := down
		down++
		mu.Unlock()
		switch {
		case forever || n >= 1 && n < 4:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "<html><body>503 Service Temporarily Unavailable</body></html>")
		case n >= 4 && n < 6:
			dropConnection(t, w)
		default:
			f.cnt.add(r)
			f.handle(w, r)
		}
	})
	c, log := newClient(t, srv, func(cfg *Config) {
		cfg.MaxRetries = 1
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, time.Millisecond
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	job, err := c.WaitForRecoveryPlanJob(ctx, rpjJob, nil)
	if err != nil {
		t.Fatalf("the wait ended during the outage: %v", err)
	}
	if job.Status != JobStatusCompleted {
		t.Errorf("status %s, want COMPLETED", job.Status)
	}
	mustContain(t, log.text(), "did not answer while a recovery plan job runs")

	// A wait whose time runs out during an outage says that Prism Central was not answering.
	mu.Lock()
	forever = true
	mu.Unlock()
	short, cancelShort := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancelShort()
	_, err = c.WaitForRecoveryPlanJob(short, rpjJob, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	mustContain(t, err.Error(), "the job goes on in Prism Central", "Prism Central was not answering", "503")
}
