package prismsim

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func addFault(t *testing.T, c *apiClient, f map[string]any) map[string]any {
	t.Helper()
	return expect(t, c.do("POST", "/_prismsim/faults", f), http.StatusCreated).json(t)
}

func TestFaultLatencyAndMatching(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	f := addFault(t, c, map[string]any{"pc": "canada", "path_prefix": "/api/nutanix/v3/versions", "method": "get", "kind": "latency", "latency": "400ms", "count": 1})
	if getInt(t, f, "id") == 0 || getString(f, "method") != "GET" || getString(f, "latency") != "400ms" {
		t.Fatalf("fault: %v", f)
	}
	start := time.Now()
	expect(t, c.v3("GET", "/versions", nil), 200)
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Fatalf("latency fault not applied: %s", d)
	}
	start = time.Now()
	expect(t, c.v3("GET", "/versions", nil), 200)
	if d := time.Since(start); d > 300*time.Millisecond {
		t.Fatalf("latency fault applied twice: %s", d)
	}
	if faults := arr(t, expect(t, c.do("GET", "/_prismsim/faults", nil), 200).json(t)["faults"]); len(faults) != 0 {
		t.Fatalf("consumed fault still listed: %v", faults)
	}

	// Method, PC and prefix must all match.
	addFault(t, c, map[string]any{"pc": "france", "path_prefix": "/api/nutanix/v3/", "kind": "status", "status": 503})
	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/categories", "method": "PUT", "kind": "status", "status": 503})
	expect(t, c.v3("GET", "/versions", nil), 200)
	expect(t, c.v3("GET", "/categories/Environment", nil), 200)
	expect(t, c.v3("PUT", "/categories/x", map[string]any{"name": "x"}), 503)
	expect(t, c.v3("PUT", "/categories/x", map[string]any{"name": "x"}), 201)
	fr := newClient(t, w.PC("france"))
	expect(t, fr.v3("GET", "/versions", nil), 503)
	expect(t, fr.v3("GET", "/versions", nil), 200)

	// Bad faults are refused; DELETE clears.
	for _, bad := range []map[string]any{
		{"kind": "explode"}, {"kind": "status"}, {"kind": "latency"}, {"pc": "mars", "kind": "html500"},
		{"kind": "html500", "path_prefix": "api"}, {"kind": "html500", "color": "red"},
	} {
		expect(t, c.do("POST", "/_prismsim/faults", bad), http.StatusBadRequest)
	}
	addFault(t, c, map[string]any{"kind": "html500", "count": 5})
	addFault(t, c, map[string]any{"kind": "html500", "pc": "france"})
	if r := expect(t, c.do("DELETE", "/_prismsim/faults?pc=france", nil), 200).json(t); getInt(t, r, "removed") != 1 {
		t.Fatalf("removed %v", r)
	}
	if r := expect(t, c.do("DELETE", "/_prismsim/faults", nil), 200).json(t); getInt(t, r, "removed") != 1 {
		t.Fatalf("removed %v", r)
	}
	expect(t, c.v3("GET", "/versions", nil), 200)
	if len(w.Faults()) != 0 {
		t.Fatal("faults left")
	}
}

func TestFaultAnswers(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))

	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/vms", "kind": "status", "status": 503, "count": 2})
	for i := 0; i < 2; i++ {
		r := expect(t, c.v3("POST", "/vms/list", map[string]any{}), 503)
		if r.reason(t) != reasonServiceUnavailable || getString(r.json(t), "kind") != "vm" || getInt(t, r.json(t), "code") != 503 {
			t.Fatalf("status fault body: %s", r.body)
		}
	}
	expect(t, c.v3("POST", "/vms/list", map[string]any{}), 200)

	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/vms", "kind": "html500"})
	r := expect(t, c.v3("POST", "/vms/list", map[string]any{}), 500)
	if json.Valid(r.body) || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "<html>") {
		t.Fatalf("html500: %q %s", r.header.Get("Content-Type"), r.body)
	}

	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/vms", "kind": "retry_after", "retry_after_seconds": 2})
	r = expect(t, c.v3("POST", "/vms/list", map[string]any{}), http.StatusTooManyRequests)
	if r.header.Get("Retry-After") != "2" || r.reason(t) != reasonTooManyRequests {
		t.Fatalf("retry_after: %v %s", r.header, r.body)
	}
	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/vms", "kind": "retry_after", "status": 503})
	r = expect(t, c.v3("POST", "/vms/list", map[string]any{}), http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("retry_after default: %v", r.header)
	}
	expect(t, c.v3("POST", "/vms/list", map[string]any{}), 200)

	// Faulted requests are not processed.
	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/categories", "kind": "status", "status": 500})
	expect(t, c.v3("PUT", "/categories/lost", map[string]any{"name": "lost"}), 500)
	expect(t, c.v3("GET", "/categories/lost", nil), 404)
}

func TestFaultDropAfterCommit(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	var mu sync.Mutex
	var dropped []Exchange
	w.OnExchange(func(x Exchange) {
		if x.Dropped {
			mu.Lock()
			dropped = append(dropped, x)
			mu.Unlock()
		}
	})
	defer w.OnExchange(nil)
	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/categories/committed", "method": "PUT", "kind": "drop_after_commit"})

	req, err := http.NewRequestWithContext(context.Background(), http.MethodPut, c.pc.URL()+"/api/nutanix/v3/categories/committed",
		strings.NewReader(`{"name":"committed","description":"landed"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(c.user, c.pass)
	resp, err := c.http.Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("got a response (%d) instead of a dropped connection", resp.StatusCode)
	}
	// The change was committed before the connection was closed.
	got := expect(t, c.v3("GET", "/categories/committed", nil), 200).json(t)
	if got["description"] != "landed" {
		t.Fatalf("not committed: %v", got)
	}
	mu.Lock()
	dropped1 := append([]Exchange(nil), dropped...)
	mu.Unlock()
	if dropped := dropped1; len(dropped) != 1 || dropped[0].Status != http.StatusCreated || dropped[0].Route != "PUT /api/nutanix/v3/categories/{name}" {
		t.Fatalf("recorded drops: %+v", dropped)
	}
	// A retried create (with the same uuid) then meets ENTITY_ALREADY_EXISTS.
	vm := c.vmByName("app-01")
	id := newUUID()
	body := map[string]any{"metadata": map[string]any{"kind": "vm", "uuid": id}, "spec": map[string]any{
		"name": "retry-me", "cluster_reference": get(vm, "spec", "cluster_reference"), "resources": map[string]any{}}}
	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/vms", "method": "POST", "kind": "drop_after_commit"})
	data, _ := json.Marshal(body)
	req, _ = http.NewRequestWithContext(context.Background(), http.MethodPost, c.pc.URL()+"/api/nutanix/v3/vms", strings.NewReader(string(data)))
	req.SetBasicAuth(c.user, c.pass)
	if resp, err := c.http.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatal("create was answered")
	}
	if r := expect(t, c.v3("POST", "/vms", body), http.StatusConflict); r.reason(t) != reasonAlreadyExists {
		t.Fatal(r.reason(t))
	}
}

func TestFaultTaskFailure(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	expect(t, c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "replicated-vm"}), 201)
	expect(t, c.v3("PUT", "/categories/replicated-vm/from-canada", map[string]any{}), 201)
	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/vms/", "method": "PUT", "kind": "task_failure", "count": 1})
	// Requests that create no task do not consume it.
	c.vmByName("app-01")
	expect(t, c.v3("PUT", "/categories/other", map[string]any{"name": "other"}), 201)

	vm := c.vmByName("app-01")
	id := getString(vm, "metadata", "uuid")
	md := obj(t, vm["metadata"])
	md["categories"] = map[string]any{"replicated-vm": "from-canada"}
	r := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]}), 202).json(t)
	task := c.waitTask(getString(r, "status", "execution_context", "task_uuid"))
	if getString(task, "status") != TaskFailed || getString(task, "error_code") == "" || getString(task, "error_detail") == "" ||
		getInt(t, task, "percentage_complete") != 100 {
		t.Fatalf("failed task: %s", mustJSON(task))
	}
	got := expect(t, c.v3("GET", "/vms/"+id, nil), 200).json(t)
	if get(got, "metadata", "categories", "replicated-vm") != nil || getString(got, "status", "state") != "COMPLETE" {
		t.Fatalf("failed update applied: %s", mustJSON(got["metadata"]))
	}
	// The next update goes through.
	md = obj(t, got["metadata"])
	md["categories"] = map[string]any{"replicated-vm": "from-canada"}
	r = expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": got["spec"]}), 202).json(t)
	if task := c.waitTask(getString(r, "status", "execution_context", "task_uuid")); getString(task, "status") != TaskSucceeded {
		t.Fatalf("second update: %s", mustJSON(task))
	}
	if got := c.vmByName("app-01"); getString(got, "metadata", "categories", "replicated-vm") != "from-canada" {
		t.Fatalf("second update not applied: %v", got["metadata"])
	}
}

func TestRequestCounters(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	expect(t, c.do("DELETE", "/_prismsim/requests", nil), 200)
	c.v3("PUT", "/categories/a", map[string]any{"name": "a"})
	c.v3("PUT", "/categories/b", map[string]any{"name": "b"})
	c.v3("GET", "/categories/a", nil)
	c.v3("POST", "/categories/list", nil)
	c.v3("GET", "/nothing", nil)
	addFault(t, c, map[string]any{"kind": "status", "status": 503, "path_prefix": "/api/nutanix/v3/vms"})
	c.v3("POST", "/vms/list", nil)
	c.do("GET", "/_prismsim/state", nil)

	r := expect(t, c.do("GET", "/_prismsim/requests", nil), 200).json(t)
	want := map[string]int64{
		"PUT /api/nutanix/v3/categories/{name}": 2,
		"GET /api/nutanix/v3/categories/{name}": 1,
		"POST /api/nutanix/v3/categories/list":  1,
		"POST /api/nutanix/v3/vms/list":         1,
		"GET /api/nutanix/v3/nothing":           1,
	}
	if getInt(t, r, "total") != 6 {
		t.Fatalf("total: %s", mustJSON(r))
	}
	for k, n := range want {
		if getInt(t, r, "by_route", k) != n {
			t.Errorf("%s: %v", k, get(r, "by_route", k))
		}
	}
	if got := w.PC("france").RequestCounts(); got.Total != 0 {
		t.Fatalf("france counted %d", got.Total)
	}
	fr := expect(t, c.do("GET", "/_prismsim/requests?pc=france", nil), 200).json(t)
	if getInt(t, fr, "total") != 0 {
		t.Fatalf("france via canada: %v", fr)
	}
	expect(t, c.do("GET", "/_prismsim/requests?pc=mars", nil), 404)
	expect(t, c.do("DELETE", "/_prismsim/requests", nil), 200)
	if w.PC("canada").RequestCounts().Total != 0 {
		t.Fatal("reset did not reset")
	}
}

func TestSettingsAdmin(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("france"))
	s := expect(t, c.do("GET", "/_prismsim/settings", nil), 200).json(t)
	if s["task_latency"] != testTaskLatency.String() || s["replication_delay"] != "30s" || getInt(t, s, "clock_rate") != 1 {
		t.Fatalf("settings %v", s)
	}
	s = expect(t, c.do("PUT", "/_prismsim/settings", map[string]any{"task_latency": "1s", "clock_rate": 120}), 200).json(t)
	if s["task_latency"] != "1s" || s["replication_delay"] != "30s" || getInt(t, s, "clock_rate") != 120 {
		t.Fatalf("after PUT %v", s)
	}
	if got := w.Settings(); got.TaskLatency.Std() != time.Second || w.Clock().Rate() != 120 {
		t.Fatalf("world settings %+v rate %g", got, w.Clock().Rate())
	}
	expect(t, c.do("PUT", "/_prismsim/settings", map[string]any{"task_latency": "soon"}), 400)
	expect(t, c.do("PUT", "/_prismsim/settings", map[string]any{"clock_rate": -2}), 400)
	expect(t, c.do("PUT", "/_prismsim/settings", map[string]any{"tusk_latency": "1s"}), 400)
	// Settings are world-wide.
	if s := expect(t, newClient(t, w.PC("canada")).do("GET", "/_prismsim/settings", nil), 200).json(t); s["task_latency"] != "1s" {
		t.Fatalf("canada sees %v", s)
	}
}

func TestStateAdmin(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	expect(t, c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "replicated-vm"}), 201)
	st := expect(t, c.do("GET", "/_prismsim/state", nil), 200).json(t)
	if getString(st, "pcs", "canada", "advertised_ip") != "192.168.10.10" ||
		len(arr(t, get(st, "pcs", "canada", "entities", "vms"))) != 3 ||
		len(arr(t, get(st, "pcs", "france", "entities", "vms"))) != 0 ||
		len(arr(t, get(st, "pcs", "france", "entities", "clusters"))) != 2 ||
		getString(st, "clock", "now") == "" || getString(st, "settings", "task_latency") == "" {
		t.Fatalf("state: %s", mustJSON(st))
	}
	found := false
	for _, cat := range arr(t, get(st, "pcs", "canada", "categories")) {
		found = found || getString(cat, "name") == "replicated-vm"
	}
	if !found {
		t.Fatal("state misses the new category")
	}
}

// TestFaultErrorCode checks the error_code of a fault: the reason of a status fault's v3 error
// and the error_code of a task_failure fault's task; other kinds and malformed codes are refused.
func TestFaultErrorCode(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	f := addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/vms/", "method": "PUT", "kind": "task_failure", "error_code": "VM_POWER_STATE_INVALID"})
	if getString(f, "error_code") != "VM_POWER_STATE_INVALID" {
		t.Fatalf("fault: %v", f)
	}
	expect(t, c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "replicated-vm"}), 201)
	expect(t, c.v3("PUT", "/categories/replicated-vm/from-canada", map[string]any{}), 201)
	vm := c.vmByName("app-01")
	id := getString(vm, "metadata", "uuid")
	md := obj(t, vm["metadata"])
	md["categories"] = map[string]any{"replicated-vm": "from-canada"}
	r := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]}), 202).json(t)
	task := c.waitTask(getString(r, "status", "execution_context", "task_uuid"))
	if getString(task, "status") != TaskFailed || getString(task, "error_code") != "VM_POWER_STATE_INVALID" {
		t.Fatalf("failed task: %s", mustJSON(task))
	}

	addFault(t, c, map[string]any{"path_prefix": "/api/nutanix/v3/vms/list", "kind": "status", "status": 409, "error_code": "CONCURRENT_REQUESTS_NOT_ALLOWED"})
	body := expect(t, c.v3("POST", "/vms/list", map[string]any{"kind": "vm"}), 409).json(t)
	if got := getString(arr(t, get(body, "message_list"))[0], "reason"); got != "CONCURRENT_REQUESTS_NOT_ALLOWED" {
		t.Fatalf("status fault answered %s", mustJSON(body))
	}

	for _, bad := range []map[string]any{
		{"path_prefix": "/api", "kind": "latency", "latency": "1s", "error_code": "X"},
		{"path_prefix": "/api", "kind": "task_failure", "error_code": "not a code"},
	} {
		expect(t, c.do("POST", "/_prismsim/faults", bad), http.StatusBadRequest)
	}
}
