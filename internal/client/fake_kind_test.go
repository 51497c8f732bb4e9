package client

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeKind serves one intentful kind the way Prism Central stores its
// entities: creates by client-chosen uuid, specs kept as sent, updates
// checked against spec_version, every change through a task. A kind's
// fake embeds it and serves what is its own through sub and other.
type fakeKind struct {
	t     *testing.T
	tasks *fakeTasks
	cnt   counter
	// kind is the v3 kind ("protection_rule"), noun its name in answers.
	kind, noun string
	latency    time.Duration

	mu     sync.Mutex
	stored map[string]map[string]any
	n      int
	// posts and puts are the request bodies of creates and updates.
	posts, puts [][]byte
	// specHash, when set, is stored as metadata.spec_hash on create.
	specHash string
	// decorate adds server-side fields to a stored spec.
	decorate func(spec map[string]any)
	// status adds to the status of every entity as read.
	status func(status map[string]any)
	// dropCreates drops the answer of that many committed creates.
	dropCreates int
	// conflicts is how many updates are refused after a concurrent change.
	conflicts int
	// failTasks makes the next create's task fail; keepFailed leaves the
	// entity.
	failTasks, keepFailed bool
	// sub answers a request below an entity (<collection>/<id>/<sub>);
	// false leaves the answer to fakeKind. The entity may be nil (missing).
	sub func(w http.ResponseWriter, r *http.Request, id, sub string, e map[string]any) bool
	// other answers a request outside the collection; false is a request
	// the fake did not expect.
	other func(w http.ResponseWriter, r *http.Request, path string, body []byte) bool
}

func newFakeKind(t *testing.T, kind, noun string, latency time.Duration) *fakeKind {
	return &fakeKind{t: t, tasks: newFakeTasks(), kind: kind, noun: noun, latency: latency, stored: map[string]map[string]any{}}
}

func (f *fakeKind) server(t *testing.T) (*Client, *recLogger) {
	return fakeServer(t, f.tasks, &f.cnt, f.handle)
}

// client is server without its log.
func (f *fakeKind) client(t *testing.T) *Client {
	c, _ := f.server(t)
	return c
}

// seed stores doc, an entity as JSON, as the server holds it ({metadata,
// spec}), and returns its uuid.
func (f *fakeKind) seed(doc string) string {
	var e map[string]any
	if err := decodeNumbers([]byte(doc), &e); err != nil {
		f.t.Fatal(err)
	}
	id, _ := subtree(e, "metadata.uuid").(string)
	f.stored[id] = map[string]any{"metadata": e["metadata"], "spec": e["spec"]}
	return id
}

func (f *fakeKind) task(final map[string]any) string {
	f.n++
	id := fmt.Sprintf("0e000000-0000-4000-8000-%012d", f.n)
	f.tasks.add(id, f.latency, final)
	return id
}

// answer is entity id as GET returns it.
func (f *fakeKind) answer(id string) map[string]any {
	e := f.stored[id]
	status := map[string]any{"state": "COMPLETE", "name": "status-name", "resources": map[string]any{"computed": true}}
	if f.status != nil {
		f.status(status)
	}
	return map[string]any{"api_version": "3.1", "metadata": e["metadata"], "spec": e["spec"], "status": status}
}

// accepted answers a change that a task will apply.
func (f *fakeKind) accepted(w http.ResponseWriter, meta any, state string, final map[string]any) {
	writeJSON(w, 202, map[string]any{"api_version": "3.1", "metadata": meta,
		"status": map[string]any{"state": state, "execution_context": map[string]any{"task_uuid": f.task(final)}}})
}

func (f *fakeKind) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, APIPath)
	coll := collectionPath(f.kind)
	switch {
	case r.Method == http.MethodPost && path == coll:
		f.create(w, body)
	case r.Method == http.MethodPost && path == coll+"/list":
		var in listRequest
		_ = json.Unmarshal(body, &in)
		if in.Kind != f.kind {
			v3Error(w, 400, "INVALID_ARGUMENT", "kind "+in.Kind)
			return
		}
		var all []any
		for _, id := range sortedNames(f.stored) {
			all = append(all, f.answer(id))
		}
		page := all[min(in.Offset, len(all)):min(in.Offset+in.Length, len(all))]
		writeJSON(w, 200, map[string]any{"api_version": "3.1", "metadata": map[string]any{"kind": in.Kind, "total_matches": len(all), "length": len(page), "offset": in.Offset}, "entities": page})
	case strings.HasPrefix(path, coll+"/"):
		id, sub, _ := strings.Cut(strings.TrimPrefix(path, coll+"/"), "/")
		e, ok := f.stored[id]
		if sub != "" && f.sub != nil && f.sub(w, r, id, sub, e) {
			return
		}
		if !ok {
			v3Error(w, 404, ReasonEntityNotFound, f.noun+" "+id+" not found")
			return
		}
		switch {
		case sub != "":
			w.WriteHeader(404)
		case r.Method == http.MethodGet:
			writeJSON(w, 200, f.answer(id))
		case r.Method == http.MethodPut:
			f.update(w, e, body)
		case r.Method == http.MethodDelete:
			delete(f.stored, id)
			f.accepted(w, e["metadata"], "DELETE_PENDING", nil)
		default:
			w.WriteHeader(405)
		}
	case f.other != nil && f.other(w, r, path, body):
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		w.WriteHeader(404)
	}
}

func (f *fakeKind) create(w http.ResponseWriter, body []byte) {
	f.posts = append(f.posts, body)
	var in map[string]any
	if err := decodeNumbers(body, &in); err != nil {
		v3Error(w, 400, "INVALID_ARGUMENT", err.Error())
		return
	}
	meta, _ := in["metadata"].(map[string]any)
	spec, _ := in["spec"].(map[string]any)
	id, _ := meta["uuid"].(string)
	if id == "" || meta["kind"] != f.kind || spec == nil {
		v3Error(w, 400, "INVALID_ARGUMENT", "bad create")
		return
	}
	if _, ok := f.stored[id]; ok {
		v3Error(w, 409, ReasonEntityAlreadyExists, f.noun+" "+id+" already exists")
		return
	}
	if f.decorate != nil {
		f.decorate(spec)
	}
	meta["spec_version"] = json.Number("0")
	if f.specHash != "" {
		meta["spec_hash"] = f.specHash
	}
	f.stored[id] = map[string]any{"metadata": meta, "spec": spec}
	var final map[string]any
	if f.failTasks {
		f.failTasks = false
		final = map[string]any{"status": TaskFailed, "error_code": "INVALID_ARGUMENT", "error_detail": "category replicated-vm:nope does not exist"}
		if !f.keepFailed {
			delete(f.stored, id)
		}
	}
	if f.dropCreates > 0 {
		f.dropCreates--
		f.task(final)
		dropConnection(f.t, w)
		return
	}
	f.accepted(w, meta, "PENDING", final)
}

func (f *fakeKind) update(w http.ResponseWriter, e map[string]any, body []byte) {
	f.puts = append(f.puts, body)
	in, stored, ok := fakePut(w, e, body, &f.conflicts)
	if !ok {
		return
	}
	bumpSpecVersion(stored)
	e["spec"] = in["spec"]
	f.accepted(w, stored, "PENDING", nil)
}

// lastPut decodes the last PUT body keeping numbers exact.
func (f *fakeKind) lastPut(t *testing.T) map[string]any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.puts) == 0 {
		t.Fatal("no PUT was sent")
	}
	var m map[string]any
	if err := decodeNumbers(f.puts[len(f.puts)-1], &m); err != nil {
		t.Fatal(err)
	}
	return m
}
