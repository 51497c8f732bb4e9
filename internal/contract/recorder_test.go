package contract

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/apispec"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// recorderDoc is a tiny spec: PUT /things/{name} takes and returns a thing.
const recorderDoc = `{
  "swagger": "2.0",
  "basePath": "/api/nutanix/v3",
  "paths": {"/things/{name}": {"put": {
    "parameters": [{"in": "body", "name": "b", "required": true, "schema": {"$ref": "#/definitions/thing"}}],
    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/thing"}},
                  "default": {"description": "error", "schema": {"type": "object", "required": ["state"]}}}}}},
  "definitions": {"thing": {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}}}
}`

func TestRecorderViolations(t *testing.T) {
	t.Parallel()
	spec, err := apispec.Parse([]byte(recorderDoc))
	if err != nil {
		t.Fatal(err)
	}
	const jsonCT = "application/json; charset=utf-8"
	var r Recorder
	r.ExpectInvalidRequest("PUT", "/api/nutanix/v3/things/bad")
	r.ExpectInvalidRequest("PUT", "/api/nutanix/v3/things/lax")
	r.Ignore("PUT", "/api/nutanix/v3/things/faulty", "html500 fault")
	for _, e := range []prismsim.Exchange{
		{PC: "a", Method: "PUT", Path: "/api/nutanix/v3/things/ok", RequestBody: []byte(`{"name":"ok"}`), Status: 200, ResponseBody: []byte(`{"name":"ok"}`), ContentType: jsonCT},
		{PC: "a", Method: "PUT", Path: "/api/nutanix/v3/things/x", RequestBody: []byte(`{"name":1}`), Status: 200, ResponseBody: []byte(`{"name":"x","tags":[1,"a",2]}`), ContentType: jsonCT},
		{PC: "b", Method: "PUT", Path: "/api/nutanix/v3/things/y", RequestBody: []byte(`{"name":"y"}`), Status: 200, ResponseBody: []byte(`{"name":"y","tags":[3]}`), ContentType: "text/plain"},
		{PC: "a", Method: "PUT", Path: "/api/nutanix/v3/things/bad", RequestBody: []byte(`{}`), Status: 400, ResponseBody: []byte(`{"state":"ERROR"}`), ContentType: jsonCT},
		{PC: "a", Method: "PUT", Path: "/api/nutanix/v3/things/lax", RequestBody: []byte(`{}`), Status: 200, ResponseBody: []byte(`{"name":"lax"}`), ContentType: jsonCT},
		{PC: "a", Method: "PUT", Path: "/api/nutanix/v3/things/faulty", RequestBody: []byte(`{}`), Status: 500, ResponseBody: []byte(`<html>`), ContentType: "text/html"},
		{PC: "a", Method: "PUT", Path: "/api/nutanix/v3/things/gateway", RequestBody: []byte(`{"name":"gw"}`), Status: 502, ResponseBody: []byte(`<html>Bad Gateway</html>`), ContentType: "text/html"},
		{PC: "a", Method: "PUT", Path: "/api/nutanix/v3/things/json500", RequestBody: []byte(`{"name":"j"}`), Status: 500, ResponseBody: []byte(`{}`), ContentType: jsonCT},
		{PC: "a", Method: "PUT", Path: "/api/nutanix/v3/things/auth", RequestBody: []byte(`{"name":"auth"}`), Status: 401, ResponseBody: []byte(`Unauthorized`), ContentType: "text/plain"},
		{PC: "a", Method: "GET", Path: "/api/nutanix/v3/things/ok", Status: 200, ResponseBody: []byte(`{"name":"ok"}`), ContentType: jsonCT},
		{PC: "a", Method: "GET", Path: "/_prismsim/state", Status: 200, ResponseBody: []byte(`{}`), ContentType: jsonCT},
	} {
		r.Record(e)
	}

	var got []string
	for _, v := range r.Violations(spec) {
		got = append(got, v.String())
	}
	want := []string{
		`a PUT /api/nutanix/v3/things/x (/things/{name}) request: /name: expected string, got integer`,
		`a PUT /api/nutanix/v3/things/x (/things/{name}) response 200: /tags/0: expected string, got integer`,
		`a PUT /api/nutanix/v3/things/x (/things/{name}) response 200: /tags/2: expected string, got integer`,
		`b PUT /api/nutanix/v3/things/y (/things/{name}) response 200: /tags/0: expected string, got integer`,
		`b PUT /api/nutanix/v3/things/y (/things/{name}) response 200: (root): Content-Type "text/plain", want application/json`,
		`a PUT /api/nutanix/v3/things/lax (/things/{name}) request: (root): a request the spec refuses was answered 200, want a 4xx refusal ((root): missing required property "name")`,
		`a PUT /api/nutanix/v3/things/json500 (/things/{name}) response 500: (root): missing required property "state"`,
		`a GET /api/nutanix/v3/things/ok (no template) operation: (root): the spec has no such operation`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	groups := Group(r.Violations(spec))
	if len(groups) != 6 || groups[1].Count != 3 || !strings.Contains(groups[1].Example.Pointer, "/tags/0") {
		t.Errorf("Group merged badly: %+v", groups)
	}

	routes := r.Routes(spec)
	if routes["PUT /things/{name}"] != 9 || routes["GET /api/nutanix/v3/things/ok (not in spec)"] != 1 || len(routes) != 2 {
		t.Errorf("Routes() = %v", routes)
	}
}

func TestRecorderCopiesAndIsConcurrencySafe(t *testing.T) {
	t.Parallel()
	var r Recorder
	body := []byte(`{"name":"a"}`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r.Record(prismsim.Exchange{Method: "PUT", Path: "/api/nutanix/v3/things/a", RequestBody: body, Status: 200})
		})
	}
	wg.Wait()
	body[2] = 'X'
	ex := r.Exchanges()
	if len(ex) != 8 || string(ex[0].RequestBody) != `{"name":"a"}` {
		t.Errorf("exchanges not copied: %d %s", len(ex), ex[0].RequestBody)
	}
	r.Reset()
	if len(r.Exchanges()) != 0 {
		t.Error("Reset kept exchanges")
	}
}

func TestCheckFailsWithoutExchanges(t *testing.T) {
	t.Parallel()
	spec, err := apispec.Parse([]byte(recorderDoc))
	if err != nil {
		t.Fatal(err)
	}
	var r Recorder
	ft := &fakeT{}
	r.Check(ft, spec)
	if !ft.failed || !strings.Contains(ft.msg, "no exchanges") {
		t.Errorf("Check on an empty recorder: failed=%v %q", ft.failed, ft.msg)
	}
	r.Record(prismsim.Exchange{PC: "a", Method: "PUT", Path: "/api/nutanix/v3/things/x", RequestBody: []byte(`{"name":1}`), Status: 200, ResponseBody: []byte(`{"name":"x"}`), ContentType: "application/json"})
	ft = &fakeT{}
	r.Check(ft, spec)
	if !ft.failed || !strings.Contains(ft.msg, "1x a PUT /api/nutanix/v3/things/x (/things/{name}) request: /name: expected string, got integer") {
		t.Errorf("Check with a violation: failed=%v %q", ft.failed, ft.msg)
	}
}

// fakeT records what Check reports instead of failing the real test.
type fakeT struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.failed = true
	f.msg += fmt.Sprintf(format, args...)
}

func (f *fakeT) Error(args ...any) {
	f.failed = true
	f.msg += fmt.Sprint(args...)
}

func (f *fakeT) Logf(string, ...any) {}
