package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	localAZUUID  = "0a000000-0000-4000-8000-00000000000a"
	remoteConn   = "0c000000-0000-4000-8000-00000000000c"
	remoteAZUUID = "0b000000-0000-4000-8000-00000000000b"
	remoteAddr   = "10.0.0.2"
)

var uuidPattern = regexp.MustCompile(`^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$`)

// fakeDR serves the disaster recovery service, availability zones and
// cloud trusts of one Prism Central paired (when asked) with remoteAddr,
// with tasks from fakeTasks.
type fakeDR struct {
	t     *testing.T
	tasks *fakeTasks
	cnt   counter

	mu      sync.Mutex
	enabled bool
	azs     map[string]map[string]any
	trusts  map[string]map[string]any
	bodies  []string // request bodies of POST /cloud_trusts
	// enableTask is the task uuid POST /services/disaster_recovery
	// answers; "" answers {} without a task.
	enableTask string
	// createFinal overrides the end of the pairing task (a failure).
	createFinal map[string]any
	// dropCreates drops the answer of that many committed creates.
	dropCreates int
	// pairedReason is the reason a create is refused with when a trust
	// exists already, checked before the uuid.
	pairedReason string
	// noRemoteConnection leaves the remote connection out of the zone, so
	// that trusts are matched by address.
	noRemoteConnection bool
	// trustURLAnswer, when set, is the url the server reports for trusts.
	trustURLAnswer string
	// echo is added to error messages (a server quoting the request).
	echo bool
	// latency is how long a pairing task runs; default 20ms.
	latency time.Duration
}

func newFakeDR(t *testing.T) *fakeDR {
	return &fakeDR{
		t: t, tasks: newFakeTasks(), enableTask: "0e000000-0000-4000-8000-0000000000e1",
		azs: map[string]map[string]any{}, trusts: map[string]map[string]any{},
	}
}

func (f *fakeDR) server(t *testing.T) (*Client, *recLogger) {
	return fakeServer(t, f.tasks, &f.cnt, f.handle)
}

func azEntity(uuid, name, kind, url, conn string, extra map[string]any) map[string]any {
	res := map[string]any{"management_plane_type": kind}
	if url != "" {
		res["management_url"] = url
	}
	if conn != "" {
		res["credentials"] = map[string]any{"pc": map[string]any{"remote_connection_reference": map[string]any{"kind": "remote_connection", "uuid": conn}}}
	}
	for k, v := range extra {
		res[k] = v
	}
	return map[string]any{
		"api_version": "3.1",
		"metadata":    map[string]any{"kind": "availability_zone", "uuid": uuid},
		"spec":        map[string]any{"name": name, "resources": map[string]any{"management_plane_type": kind}},
		"status":      map[string]any{"name": name, "resources": res},
	}
}

func (f *fakeDR) enableLocal() {
	f.enabled = true
	f.azs[localAZUUID] = azEntity(localAZUUID, "Local AZ", "Local", "", "", nil)
}

func (f *fakeDR) list(w http.ResponseWriter, kind string, store map[string]map[string]any) {
	entities := make([]any, 0, len(store))
	for _, k := range sortedNames(store) {
		entities = append(entities, store[k])
	}
	writeJSON(w, 200, map[string]any{"api_version": "3.1", "metadata": map[string]any{"kind": kind, "total_matches": len(entities), "length": len(entities), "offset": 0}, "entities": entities})
}

func (f *fakeDR) handle(w http.ResponseWriter, r *http.Request) {
	const base = "/api/nutanix/v3"
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, base)
	switch {
	case r.Method == http.MethodPost && path == "/services/disaster_recovery":
		if string(body) != `{"state":"ENABLE"}` {
			f.t.Errorf("enable body = %s", body)
		}
		if f.enableTask == "" {
			writeJSON(w, 202, map[string]any{})
			return
		}
		f.tasks.add(f.enableTask, 20*time.Millisecond, nil)
		f.enableLocal()
		writeJSON(w, 202, map[string]any{"task_uuid": f.enableTask})
	case r.Method == http.MethodGet && path == "/services/disaster_recovery/status":
		state := ServiceDisabled
		if f.enabled {
			state = ServiceEnabled
		}
		writeJSON(w, 200, map[string]any{"service_enablement_status": state, "task_uuid": f.enableTask})
	case r.Method == http.MethodPost && path == "/availability_zones/list":
		f.list(w, "availability_zone", f.azs)
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/availability_zones/"):
		az, ok := f.azs[strings.TrimPrefix(path, "/availability_zones/")]
		if !ok {
			v3Error(w, 404, ReasonEntityNotFound, "no such availability zone")
			return
		}
		writeJSON(w, 200, az)
	case r.Method == http.MethodPost && path == "/cloud_trusts/list":
		f.list(w, "cloud_trust", f.trusts)
	case r.Method == http.MethodPost && path == "/cloud_trusts":
		f.create(w, body)
	case strings.HasPrefix(path, "/cloud_trusts/"):
		id := strings.TrimPrefix(path, "/cloud_trusts/")
		ct, ok := f.trusts[id]
		if !ok {
			v3Error(w, 404, ReasonEntityNotFound, "cloud trust "+id+" not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, ct)
		case http.MethodDelete:
			delete(f.trusts, id)
			delete(f.azs, remoteAZUUID)
			task := "0e000000-0000-4000-8000-0000000000d1"
			f.tasks.add(task, 10*time.Millisecond, nil)
			writeJSON(w, 202, map[string]any{"metadata": map[string]any{"kind": "cloud_trust", "uuid": id}, "status": map[string]any{"state": "DELETE_PENDING", "execution_context": map[string]any{"task_uuid": task}}})
		default:
			w.WriteHeader(405)
		}
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		w.WriteHeader(404)
	}
}

func (f *fakeDR) create(w http.ResponseWriter, body []byte) {
	f.bodies = append(f.bodies, string(body))
	var in struct {
		APIVersion string `json:"api_version"`
		Metadata   struct {
			Kind string `json:"kind"`
			UUID string `json:"uuid"`
		} `json:"metadata"`
		Spec struct {
			Resources struct {
				URL       string `json:"url"`
				Username  string `json:"username"`
				Password  string `json:"password"`
				CloudType string `json:"cloud_type"`
			} `json:"resources"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		v3Error(w, 400, "INVALID_ARGUMENT", err.Error())
		return
	}
	res := in.Spec.Resources
	if f.pairedReason != "" && len(f.trusts) > 0 {
		msg := "already paired with " + res.URL
		if f.echo {
			msg += " using password " + res.Password
		}
		v3Error(w, 409, f.pairedReason, msg)
		return
	}
	if _, ok := f.trusts[in.Metadata.UUID]; ok {
		v3Error(w, 409, ReasonEntityAlreadyExists, "cloud trust exists")
		return
	}
	id := in.Metadata.UUID
	task := "0e000000-0000-4000-8000-0000000000c1"
	final := map[string]any{"status": TaskSucceeded, "entity_reference_list": []map[string]any{
		{"kind": "cloud_trust", "uuid": id}, {"kind": "availability_zone", "uuid": remoteAZUUID, "name": "PC_" + remoteAddr},
	}}
	if f.createFinal != nil {
		final = f.createFinal
		if f.echo {
			final["error_detail"] = fmt.Sprintf("%v (password %s)", final["error_detail"], res.Password)
		}
	} else {
		url := res.URL
		if f.trustURLAnswer != "" {
			url = f.trustURLAnswer
		}
		f.trusts[id] = map[string]any{
			"api_version": "3.1",
			"metadata":    map[string]any{"kind": "cloud_trust", "uuid": id},
			"spec":        map[string]any{"resources": map[string]any{"url": res.URL, "username": res.Username, "password": res.Password, "cloud_type": res.CloudType}},
			"status": map[string]any{"state": "COMPLETE", "resources": map[string]any{
				"url": url, "cloud_type": res.CloudType, "username": res.Username,
				"remote_connection_reference": map[string]any{"kind": "remote_connection", "uuid": remoteConn},
			}},
		}
		conn := remoteConn
		if f.noRemoteConnection {
			conn = ""
		}
		f.azs[remoteAZUUID] = azEntity(remoteAZUUID, "PC_"+remoteAddr, "PC", remoteAddr, conn, nil)
	}
	f.tasks.add(task, max(f.latency, 20*time.Millisecond), final)
	if f.dropCreates > 0 {
		f.dropCreates--
		dropConnection(f.t, w)
		return
	}
	writeJSON(w, 202, map[string]any{"api_version": "3.1", "metadata": map[string]any{"kind": "cloud_trust", "uuid": id},
		"status": map[string]any{"state": "PENDING", "execution_context": map[string]any{"task_uuid": task}}})
}

func TestEnableDisasterRecovery(t *testing.T) {
	f := newFakeDR(t)
	c, _ := f.server(t)
	ctx := context.Background()
	st, err := c.DisasterRecoveryStatus(ctx)
	if err != nil || st.Enablement != ServiceDisabled {
		t.Fatalf("status before = %+v, %v", st, err)
	}
	if _, err := c.LocalAvailabilityZone(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Local AZ before enabling: %v, want ErrNotFound", err)
	}
	if err := c.EnableDisasterRecovery(ctx); err != nil {
		t.Fatal(err)
	}
	if f.tasks.polls() == 0 {
		t.Error("the enablement task was not waited for")
	}
	local, err := c.LocalAvailabilityZone(ctx)
	if err != nil || local.UUID != localAZUUID || local.Name != "Local AZ" || local.Type != AvailabilityZoneLocal || !local.Reachable {
		t.Fatalf("Local AZ = %+v, %v", local, err)
	}
	if st, err := c.DisasterRecoveryStatus(ctx); err != nil || st.Enablement != ServiceEnabled {
		t.Errorf("status after = %+v, %v", st, err)
	}
	// Enabling again is harmless.
	if err := c.EnableDisasterRecovery(ctx); err != nil {
		t.Errorf("enabling again: %v", err)
	}
}

func TestEnableDisasterRecoveryWithoutTask(t *testing.T) {
	f := newFakeDR(t)
	f.enableTask = ""
	c, _ := f.server(t)
	// Without a task and without a Local AZ the enablement did not happen.
	err := c.EnableDisasterRecovery(context.Background())
	if err == nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("enable without a task nor a Local AZ: %v", err)
	}
	mustContain(t, err.Error(), "enabling disaster recovery on "+c.Endpoint(), "without a task", "no Local availability zone")
	// Without a task but with a Local AZ it is enabled already.
	f.mu.Lock()
	f.enableLocal()
	f.mu.Unlock()
	if err := c.EnableDisasterRecovery(context.Background()); err != nil {
		t.Errorf("enable without a task, Local AZ present: %v", err)
	}
}

func TestEnableDisasterRecoveryTaskFails(t *testing.T) {
	f := newFakeDR(t)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if f.tasks.handle(w, r) {
			return
		}
		if r.URL.Path == "/api/nutanix/v3/services/disaster_recovery" {
			f.tasks.add(f.enableTask, 5*time.Millisecond, map[string]any{"status": TaskFailed, "error_code": "SERVICE_ENABLEMENT_FAILED", "error_detail": "not enough memory"})
			writeJSON(w, 202, map[string]any{"task_uuid": f.enableTask})
			return
		}
		t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
	})
	c, _ := newClient(t, srv)
	err := c.EnableDisasterRecovery(context.Background())
	var te *TaskError
	if !errors.As(err, &te) || te.ErrorCode != "SERVICE_ENABLEMENT_FAILED" {
		t.Fatalf("error = %v, want a *TaskError", err)
	}
	mustContain(t, err.Error(), "enabling disaster recovery on "+c.Endpoint()+": task "+f.enableTask+" ended FAILED", "not enough memory")
}

func TestEnableDisasterRecoveryRetriesDroppedAnswer(t *testing.T) {
	f := newFakeDR(t)
	var posts int
	var mu sync.Mutex
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if f.tasks.handle(w, r) {
			return
		}
		mu.Lock()
		posts++
		n := posts
		mu.Unlock()
		f.tasks.add(f.enableTask, 5*time.Millisecond, nil)
		if n == 1 {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 202, map[string]any{"task_uuid": f.enableTask})
	})
	c, _ := newClient(t, srv)
	if err := c.EnableDisasterRecovery(context.Background()); err != nil {
		t.Fatalf("enable after a dropped answer: %v", err)
	}
	if posts != 2 {
		t.Errorf("posts = %d, want 2", posts)
	}
}
