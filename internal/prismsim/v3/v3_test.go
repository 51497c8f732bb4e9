package v3

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// fakePC is a Backend of one kind's entities in memory: the wire needs nothing else of
// the model to serve the generic handlers. Methods it does not override panic (the nil
// embedded Backend), so a handler that reaches for more fails the test.
type fakePC struct {
	Backend
	entities map[string]Entity
}

func (f *fakePC) CreateEntity(_ context.Context, kind, id string, in Intent) (Entity, error) {
	if _, ok := f.entities[id]; ok {
		return Entity{}, model.ExistsError(kind, id)
	}
	e := Entity{Kind: kind, UUID: id, Spec: in.Spec, Meta: in.Meta, Categories: in.Categories,
		Status: map[string]any{"name": "x"}, State: "PENDING", Task: "t-1", Created: time.Unix(0, 0)}
	f.entities[id] = e
	return e, nil
}

func (f *fakePC) ViewEntity(kind, id string) (Entity, error) {
	e, ok := f.entities[id]
	if !ok {
		return Entity{}, model.NotFoundError(kind, id)
	}
	return e, nil
}

func serve(t *testing.T, pc Backend, h Handler, method, path, body string, params map[string]string) (int, map[string]any) {
	t.Helper()
	rq := Request{PC: pc, HTTP: httptest.NewRequestWithContext(context.Background(), method, path, strings.NewReader(body)), Params: params, Body: []byte(body)}
	status, out, err := h(rq)
	if err != nil {
		e := ErrorOf(err)
		status, out = e.Status, e.Body("vm")
	}
	data, _ := json.Marshal(out)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return status, m
}

// at returns the value at a path of map keys and list indexes in a decoded JSON document,
// or nil.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestGenericHandlersOnAFakeBackend(t *testing.T) {
	pc := &fakePC{entities: map[string]Entity{}}
	id := "0f0e0d0c-0b0a-4908-8706-050403020100"
	body := `{"metadata": {"kind": "vm", "uuid": "` + strings.ToUpper(id) + `", "owner_reference": {"kind": "user"}},
		"spec": {"name": "app-01"}}`
	status, out := serve(t, pc, CreateEntity("vm"), http.MethodPost, Prefix+"/vms", body, nil)
	if status != http.StatusAccepted {
		t.Fatalf("create: %d %v", status, out)
	}
	if at(out, "metadata", "uuid") != id || at(out, "metadata", "kind") != "vm" || at(out, "metadata", "owner_reference") == nil {
		t.Errorf("create metadata: %v", out["metadata"])
	}
	if got := at(out, "status", "execution_context", "task_uuid"); got != "t-1" {
		t.Errorf("create execution_context.task_uuid: %v", got)
	}
	status, out = serve(t, pc, GetEntity("vm"), http.MethodGet, Prefix+"/vms/"+id, "", map[string]string{"uuid": id})
	if status != http.StatusOK || at(out, "status", "state") != "PENDING" {
		t.Errorf("get: %d %v", status, out)
	}
	// A model error is answered in the v3 shape.
	status, out = serve(t, pc, CreateEntity("vm"), http.MethodPost, Prefix+"/vms", body, nil)
	if status != http.StatusConflict || at(out, "message_list", 0, "reason") != ReasonAlreadyExists {
		t.Errorf("create again: %d %v", status, out)
	}
	other := "1f0e0d0c-0b0a-4908-8706-050403020100"
	status, out = serve(t, pc, GetEntity("vm"), http.MethodGet, Prefix+"/vms/"+other, "", map[string]string{"uuid": other})
	if status != http.StatusNotFound || out["kind"] != "vm" {
		t.Errorf("get unknown: %d %v", status, out)
	}
}

func TestDecodeIntentRefusesWhatBreaksTheSchema(t *testing.T) {
	for body, want := range map[string]string{
		`{"spec": {}}`:                                   "metadata is required",
		`{"metadata": {"kind": "vm"}}`:                   "spec is required",
		`{"metadata": {"kind": "vm"}, "spec": []}`:       "spec must be an object",
		`{"metadata": {}, "spec": {}}`:                   "metadata.kind is required",
		`{"metadata": {"kind": "subnet"}, "spec": {}}`:   `metadata.kind must be "vm", got "subnet"`,
		`{"metadata": {"kind": 3}, "spec": {}}`:          "metadata: field kind: expected string, got JSON number",
		`{"metadata": {"kind": "vm"}, "spec": {}} trail`: "request body has data after the JSON value",
	} {
		rq := Request{HTTP: httptest.NewRequestWithContext(context.Background(), http.MethodPost, Prefix+"/vms", nil), Body: []byte(body)}
		_, _, err := DecodeIntent(rq, "vm")
		if err == nil || err.Message != want {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}

func TestRoutesAreUniqueAndUnderThePrefix(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range Routes() {
		key := rt.Method + " " + rt.Template
		if seen[key] {
			t.Errorf("%s is routed twice", key)
		}
		seen[key] = true
		if !strings.HasPrefix(rt.Template, Prefix+"/") || rt.Kind == "" || rt.Serve == nil {
			t.Errorf("route %s: kind %q", key, rt.Kind)
		}
	}
	if len(seen) < 60 {
		t.Errorf("only %d routes", len(seen))
	}
}

// A body of the wrong JSON type is named by its JSON type, not by the Go type the wire
// decodes it into.
func TestTypeMismatchesNameJSONTypes(t *testing.T) {
	for body, want := range map[string]string{
		`[]`:                     "field : expected object, got JSON array",
		`{"length": "x"}`:        "field length: expected int, got JSON string",
		`{"filter": ["a", "b"]}`: "field filter: expected string, got JSON array",
	} {
		if _, err := DecodeList([]byte(body), "vm"); err == nil || err.Message != want {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}
