package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const testVMUUID = "5b0c1a3e-2f1d-4c77-9a64-1f0e6c2d9b11"

// vmFixture is a VM as Prism Central returns it, with fields the client
// does not model in spec and metadata (and a number beyond float64
// precision) that an update must send back untouched.
const vmFixture = `{
  "api_version": "3.1",
  "metadata": {
    "kind": "vm", "uuid": "` + testVMUUID + `", "spec_version": 7, "spec_hash": "00000000000000000000000000000000",
    "creation_time": "2024-05-01T10:00:00Z", "last_update_time": "2024-05-02T10:00:00Z",
    "owner_reference": {"kind": "user", "uuid": "00000000-0000-0000-0000-000000000000", "name": "admin"},
    "categories": {"Environment": "Production", "Team": "blue"},
    "categories_mapping": {"Environment": ["Production"], "Team": ["blue"], "Multi": ["a", "b"]},
    "use_categories_mapping": true,
    "future_metadata_field": {"x": [1, 2, 3]}
  },
  "spec": {
    "name": "app-01",
    "cluster_reference": {"kind": "cluster", "uuid": "c1", "name": "CA01"},
    "resources": {
      "power_state": "ON", "num_sockets": 2, "memory_size_mib": 4096,
      "serial_number": 12345678901234567890,
      "nic_list": [{"uuid": "n1", "subnet_reference": {"kind": "subnet", "uuid": "s1"}, "ip_endpoint_list": [{"ip": "192.168.50.10", "type": "ASSIGNED"}]}],
      "future_spec_field": {"nested": {"deep": true}, "list": ["p", "q"]}
    }
  },
  "status": {
    "state": "COMPLETE", "name": "app-01",
    "cluster_reference": {"kind": "cluster", "uuid": "c1", "name": "CA01"},
    "resources": {
      "power_state": "ON",
      "nic_list": [{"uuid": "n1", "subnet_reference": {"kind": "subnet", "uuid": "s1", "name": "vlan50-prod"}, "ip_endpoint_list": [{"ip": "192.168.50.10"}]}]
    },
    "execution_context": {"task_uuid": ["a-creation-task"]}
  }
}`

// fakeVMs serves one VM with spec_version checks and tasks.
type fakeVMs struct {
	t     *testing.T
	mu    sync.Mutex
	doc   map[string]any // the VM as stored (metadata and spec; status rebuilt)
	puts  [][]byte
	tasks *fakeTasks
	n     int
	// conflicts is how many PUTs are refused with a conflict, each after
	// a concurrent change that bumps spec_version.
	conflicts int
	// dropPuts is how many PUTs are committed and then answered by a
	// dropped connection.
	dropPuts   int
	taskLength time.Duration
	failTasks  bool
}

func newFakeVMs(t *testing.T, fixture string) *fakeVMs {
	var doc map[string]any
	if err := decodeNumbers([]byte(fixture), &doc); err != nil {
		t.Fatal(err)
	}
	return &fakeVMs{t: t, doc: doc, tasks: newFakeTasks()}
}

func (f *fakeVMs) specVersion() int64 {
	meta, _ := f.doc["metadata"].(map[string]any)
	n, _ := meta["spec_version"].(json.Number)
	v, _ := n.Int64()
	return v
}

func (f *fakeVMs) bump() {
	meta, _ := f.doc["metadata"].(map[string]any)
	meta["spec_version"] = json.Number(fmt.Sprint(f.specVersion() + 1))
}

func (f *fakeVMs) handle(w http.ResponseWriter, r *http.Request) {
	if f.tasks.handle(w, r) {
		return
	}
	if r.URL.Path != "/api/nutanix/v3/vms/"+testVMUUID {
		v3Error(w, 404, ReasonEntityNotFound, "no such VM")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, 200, f.doc)
	case http.MethodPut:
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		f.puts = append(f.puts, buf.Bytes())
		var in map[string]any
		if err := decodeNumbers(buf.Bytes(), &in); err != nil {
			v3Error(w, 400, "INVALID_ARGUMENT", err.Error())
			return
		}
		meta, _ := in["metadata"].(map[string]any)
		sv, _ := meta["spec_version"].(json.Number)
		if got, _ := sv.Int64(); got != f.specVersion() || f.conflicts > 0 {
			if f.conflicts > 0 {
				f.conflicts--
				f.bump()
			}
			v3Error(w, 409, ReasonConcurrentRequests, "spec_version is stale")
			return
		}
		f.n++
		task := fmt.Sprintf("00000000-0000-4000-8000-%012d", f.n)
		var final map[string]any
		if f.failTasks {
			final = map[string]any{"status": TaskFailed, "error_code": "INJECTED", "error_detail": "injected failure"}
		}
		f.tasks.add(task, f.taskLength, final)
		f.doc["metadata"] = meta
		f.doc["spec"] = in["spec"]
		f.bump()
		status, _ := f.doc["status"].(map[string]any)
		status["execution_context"] = map[string]any{"task_uuid": []string{task}}
		if f.dropPuts > 0 {
			f.dropPuts--
			dropConnection(f.t, w)
			return
		}
		writeJSON(w, 202, map[string]any{
			"api_version": "3.1",
			"metadata":    meta,
			"status":      map[string]any{"state": "PENDING", "execution_context": map[string]any{"task_uuid": task}},
		})
	default:
		w.WriteHeader(405)
	}
}

func vmServer(t *testing.T, f *fakeVMs) *Client {
	srv := newServer(t, f.handle)
	c, _ := newClient(t, srv)
	return c
}

// subtree returns the value at a dotted path of a decoded document.
func subtree(doc map[string]any, path string) any {
	var cur any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func TestGetVMDecodes(t *testing.T) {
	c := vmServer(t, newFakeVMs(t, vmFixture))
	vm, err := c.GetVM(context.Background(), testVMUUID)
	if err != nil {
		t.Fatal(err)
	}
	want := VM{
		UUID: testVMUUID, Name: "app-01", ClusterUUID: "c1", ClusterName: "CA01", PowerState: "ON",
		IPAddresses: []string{"192.168.50.10"}, SubnetUUIDs: []string{"s1"},
		Categories: map[string]string{"Environment": "Production", "Team": "blue"}, SpecVersion: 7,
	}
	if !reflect.DeepEqual(*vm, want) {
		t.Errorf("GetVM =\n%+v\nwant\n%+v", *vm, want)
	}
	_, err = c.GetVM(context.Background(), "5b0c1a3e-0000-4000-8000-000000000000")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("missing VM: %v", err)
	}
}

func TestUpdateVMCategoriesPreservesUnknownFields(t *testing.T) {
	f := newFakeVMs(t, vmFixture)
	c := vmServer(t, f)
	vm, err := c.UpdateVMCategories(context.Background(), testVMUUID, func(m map[string]string) {
		m["Environment"] = "Dev"
		delete(m, "Team")
		m["replicated-vm"] = "from-canada"
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.puts) != 1 {
		t.Fatalf("PUTs = %d", len(f.puts))
	}
	var sent, orig map[string]any
	if err := decodeNumbers(f.puts[0], &sent); err != nil {
		t.Fatal(err)
	}
	if err := decodeNumbers([]byte(vmFixture), &orig); err != nil {
		t.Fatal(err)
	}
	if _, ok := sent["status"]; ok {
		t.Error("status was sent")
	}
	if sent["api_version"] != "3.1" {
		t.Errorf("api_version = %v", sent["api_version"])
	}
	if !reflect.DeepEqual(sent["spec"], orig["spec"]) {
		t.Errorf("spec changed:\n%v\nwant\n%v", sent["spec"], orig["spec"])
	}
	if !bytes.Contains(f.puts[0], []byte("12345678901234567890")) {
		t.Error("a large number lost precision")
	}
	for _, k := range []string{"kind", "uuid", "spec_version", "spec_hash", "owner_reference", "future_metadata_field", "creation_time", "use_categories_mapping"} {
		if !reflect.DeepEqual(subtree(sent, "metadata."+k), subtree(orig, "metadata."+k)) {
			t.Errorf("metadata.%s = %v, want %v", k, subtree(sent, "metadata."+k), subtree(orig, "metadata."+k))
		}
	}
	wantCats := map[string]any{"Environment": "Dev", "replicated-vm": "from-canada"}
	if got := subtree(sent, "metadata.categories"); !reflect.DeepEqual(got, wantCats) {
		t.Errorf("categories = %v", got)
	}
	wantMapping := map[string]any{"Environment": []any{"Dev"}, "Multi": []any{"a", "b"}, "replicated-vm": []any{"from-canada"}}
	if got := subtree(sent, "metadata.categories_mapping"); !reflect.DeepEqual(got, wantMapping) {
		t.Errorf("categories_mapping = %v, want %v", got, wantMapping)
	}
	if f.tasks.polls() != 1 {
		t.Errorf("task polls = %d, want 1", f.tasks.polls())
	}
	if vm.Categories["Environment"] != "Dev" || vm.Categories["replicated-vm"] != "from-canada" || vm.Categories["Team"] != "" || vm.SpecVersion != 8 {
		t.Errorf("VM after update = %+v", vm)
	}
}

func TestUpdateVMCategoriesWithoutMapping(t *testing.T) {
	fixture := strings.Replace(vmFixture, `"categories_mapping": {"Environment": ["Production"], "Team": ["blue"], "Multi": ["a", "b"]},
    "use_categories_mapping": true,`, "", 1)
	f := newFakeVMs(t, fixture)
	c := vmServer(t, f)
	if _, err := c.UpdateVMCategories(context.Background(), testVMUUID, func(m map[string]string) { m["Team"] = "red" }); err != nil {
		t.Fatal(err)
	}
	var sent map[string]any
	if err := json.Unmarshal(f.puts[0], &sent); err != nil {
		t.Fatal(err)
	}
	if subtree(sent, "metadata.categories_mapping") != nil || subtree(sent, "metadata.use_categories_mapping") != nil {
		t.Errorf("the update added categories mapping fields: %v", sent["metadata"])
	}
}

func TestUpdateVMCategoriesNoChange(t *testing.T) {
	f := newFakeVMs(t, vmFixture)
	c := vmServer(t, f)
	vm, err := c.UpdateVMCategories(context.Background(), testVMUUID, func(m map[string]string) { m["Environment"] = "Production" })
	if err != nil {
		t.Fatal(err)
	}
	if len(f.puts) != 0 {
		t.Errorf("%d PUTs for no change", len(f.puts))
	}
	if vm.Categories["Environment"] != "Production" || vm.UUID != testVMUUID {
		t.Errorf("VM = %+v", vm)
	}
}

func TestUpdateVMCategoriesRetriesConflicts(t *testing.T) {
	f := newFakeVMs(t, vmFixture)
	f.conflicts = 2
	c := vmServer(t, f)
	calls := 0
	vm, err := c.UpdateVMCategories(context.Background(), testVMUUID, func(m map[string]string) {
		calls++
		m["Team"] = "red"
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 3 || len(f.puts) != 3 {
		t.Errorf("mutate calls = %d, PUTs = %d; want 3 each", calls, len(f.puts))
	}
	var last map[string]any
	if err := decodeNumbers(f.puts[2], &last); err != nil {
		t.Fatal(err)
	}
	if sv := subtree(last, "metadata.spec_version"); sv != json.Number("9") {
		t.Errorf("last PUT spec_version = %v, want the re-read 9", sv)
	}
	if vm.Categories["Team"] != "red" {
		t.Errorf("VM = %+v", vm)
	}

	f.conflicts = 100
	_, err = c.UpdateVMCategories(context.Background(), testVMUUID, func(m map[string]string) { m["Team"] = "green" })
	if err == nil {
		t.Fatal("endless conflicts succeeded")
	}
	mustContain(t, err.Error(), "updating the categories of VM "+testVMUUID, "kept changing", "5 read-modify-write attempts", ReasonConcurrentRequests)
}

func TestUpdateVMCategoriesDroppedAnswer(t *testing.T) {
	f := newFakeVMs(t, vmFixture)
	f.dropPuts = 1
	f.taskLength = 100 * time.Millisecond
	c := vmServer(t, f)
	vm, err := c.UpdateVMCategories(context.Background(), testVMUUID, func(m map[string]string) { m["Team"] = "red" })
	if err != nil {
		t.Fatal(err)
	}
	if f.n != 1 {
		t.Errorf("the update was applied %d times", f.n)
	}
	if vm.Categories["Team"] != "red" {
		t.Errorf("VM = %+v", vm)
	}
}

func TestUpdateVMCategoriesFailedTask(t *testing.T) {
	f := newFakeVMs(t, vmFixture)
	f.failTasks = true
	c := vmServer(t, f)
	_, err := c.UpdateVMCategories(context.Background(), testVMUUID, func(m map[string]string) { m["Team"] = "red" })
	var te *TaskError
	if !errors.As(err, &te) || te.ErrorCode != "INJECTED" {
		t.Fatalf("error = %v, want a TaskError", err)
	}
	mustContain(t, err.Error(), "updating the categories of VM "+testVMUUID, "ended FAILED", "injected failure")
}

// widgetServer serves POST /widgets creates that store entities by
// metadata.uuid.
type widgetServer struct {
	t     *testing.T
	mu    sync.Mutex
	store map[string]map[string]any
	posts int
	drop  int
}

func (s *widgetServer) handle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/nutanix/v3/widgets":
		s.posts++
		var in struct {
			Metadata map[string]any `json:"metadata"`
			Spec     map[string]any `json:"spec"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			v3Error(w, 400, "INVALID_ARGUMENT", err.Error())
			return
		}
		id, _ := in.Metadata["uuid"].(string)
		if id == "" {
			s.t.Error("create sent without a client-chosen metadata.uuid")
			id = fmt.Sprint(len(s.store))
		}
		if _, ok := s.store[id]; ok {
			v3Error(w, 409, ReasonEntityAlreadyExists, "widget "+id+" already exists")
			return
		}
		s.store[id] = in.Spec
		if s.drop > 0 {
			s.drop--
			dropConnection(s.t, w)
			return
		}
		writeJSON(w, 202, map[string]any{"metadata": map[string]any{"kind": "widget", "uuid": id}, "status": map[string]any{"state": "PENDING", "execution_context": map[string]any{"task_uuid": "task-of-" + id}}})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/nutanix/v3/widgets/"):
		id := strings.TrimPrefix(r.URL.Path, "/api/nutanix/v3/widgets/")
		if _, ok := s.store[id]; !ok {
			v3Error(w, 404, ReasonEntityNotFound, "no widget")
			return
		}
		writeJSON(w, 200, map[string]any{"metadata": map[string]any{"kind": "widget", "uuid": id}, "spec": s.store[id],
			"status": map[string]any{"state": "PENDING", "execution_context": map[string]any{"task_uuid": []string{"task-of-" + id}}}})
	default:
		w.WriteHeader(404)
	}
}

func TestCreateEntity(t *testing.T) {
	s := &widgetServer{t: t, store: map[string]map[string]any{}}
	srv := newServer(t, s.handle)
	c, _ := newClient(t, srv)
	id, task, err := c.createEntity(context.Background(), "creating widget w1", "widget", map[string]any{"name": "w1"}, map[string]any{"categories": map[string]string{"a": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.store) != 1 || s.store[id]["name"] != "w1" || task != "task-of-"+id {
		t.Errorf("store = %v, id = %s, task = %s", s.store, id, task)
	}
}

func TestCreateEntityIdempotentOnRetry(t *testing.T) {
	s := &widgetServer{t: t, store: map[string]map[string]any{}, drop: 1}
	srv := newServer(t, s.handle)
	c, log := newClient(t, srv)
	id, task, err := c.createEntity(context.Background(), "creating widget w1", "widget", map[string]any{"name": "w1"}, nil)
	if err != nil {
		t.Fatalf("create after a dropped answer: %v", err)
	}
	if len(s.store) != 1 {
		t.Fatalf("%d widgets created, want exactly one", len(s.store))
	}
	if _, ok := s.store[id]; !ok {
		t.Errorf("returned uuid %s is not the created widget", id)
	}
	if task != "task-of-"+id {
		t.Errorf("task = %q, want the one the entity's status names", task)
	}
	if s.posts != 2 || len(log.retries()) != 1 {
		t.Errorf("posts = %d, retries = %d", s.posts, len(log.retries()))
	}
}

func TestCreateEntityExistingOnFirstAttempt(t *testing.T) {
	s := &widgetServer{t: t, store: map[string]map[string]any{"5b0c1a3e-0000-4000-8000-00000000000a": {}}}
	srv := newServer(t, s.handle)
	c, _ := newClient(t, srv)
	_, _, err := c.createEntity(context.Background(), "creating widget w1", "widget", map[string]any{}, map[string]any{"uuid": "5b0c1a3e-0000-4000-8000-00000000000a"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.HasReason(ReasonEntityAlreadyExists) {
		t.Fatalf("error = %v, want ENTITY_ALREADY_EXISTS", err)
	}
	mustContain(t, err.Error(), "creating widget w1", "already exists")
}

// TestCreateEntityAnswerLostWithoutRetry covers a create that Prism Central committed but whose
// answer was lost with no retry left (max_retries = 0): the client finds the entity under the
// uuid it chose, so the caller tracks it instead of creating it again on the next run.
func TestCreateEntityAnswerLostWithoutRetry(t *testing.T) {
	s := &widgetServer{t: t, store: map[string]map[string]any{}, drop: 1}
	srv := newServer(t, s.handle)
	c, _ := newClient(t, srv, func(cfg *Config) { cfg.MaxRetries = -1 })
	id, task, err := c.createEntity(context.Background(), "creating widget w1", "widget", map[string]any{"name": "w1"}, nil)
	if err != nil {
		t.Fatalf("create whose answer was lost: %v", err)
	}
	if _, ok := s.store[id]; !ok || len(s.store) != 1 || s.posts != 1 {
		t.Fatalf("id %q, store %v, posts %d: want the one widget created, found by its uuid", id, s.store, s.posts)
	}
	if task != "task-of-"+id {
		t.Errorf("task = %q, want the one the entity's status names", task)
	}
}

// TestCreateEntityNeverReached covers a create that could not reach Prism Central: nothing was
// created, so no uuid comes back.
func TestCreateEntityNeverReached(t *testing.T) {
	srv := newServer(t, func(http.ResponseWriter, *http.Request) {})
	c, _ := newClient(t, srv, func(cfg *Config) { cfg.MaxRetries = -1 })
	srv.Close()
	id, _, err := c.createEntity(context.Background(), "creating widget w1", "widget", map[string]any{"name": "w1"}, nil)
	if err == nil || id != "" {
		t.Fatalf("id %q, err %v: want no uuid and an error", id, err)
	}
}

// TestCreateAndSettleKeepsUnknownOutcome covers a create whose answer was lost and whose
// entity cannot be looked up either: the uuid comes back as accepted with the error, so the
// caller keeps it (a later read drops it if the create never landed).
func TestCreateAndSettleKeepsUnknownOutcome(t *testing.T) {
	s := &widgetServer{t: t, store: map[string]map[string]any{}, drop: 1}
	var mu sync.Mutex
	gets := 0
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			mu.Lock()
			gets++
			mu.Unlock()
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		s.handle(w, r)
	})
	c, _ := newClient(t, srv, func(cfg *Config) { cfg.MaxRetries = -1 })
	id, accepted, err := c.createAndSettle(context.Background(), "creating widget w1", "widget", map[string]any{"name": "w1"}, nil)
	if err == nil || !accepted || id == "" {
		t.Fatalf("id %q, accepted %v, err %v: want the uuid kept with the error", id, accepted, err)
	}
	if _, ok := s.store[id]; !ok {
		t.Errorf("kept uuid %s is not the widget the server created (%v)", id, s.store)
	}
}
