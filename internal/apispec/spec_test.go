package apispec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// routingDoc has templates that compete for the same URLs.
const routingDoc = `{
  "swagger": "2.0",
  "basePath": "/api/test/v1/",
  "parameters": {
    "uuid": {"in": "path", "name": "uuid", "required": true, "type": "string", "pattern": "^[0-9a-f]{8}$"}
  },
  "paths": {
    "/jobs": {"post": {"parameters": [{"in": "body", "name": "b", "required": true, "schema": {"type": "object", "required": ["x"]}}],
                       "responses": {"202": {"description": "accepted", "schema": {"$ref": "#/definitions/job"}},
                                     "default": {"description": "error", "schema": {"$ref": "#/definitions/error"}}}}},
    "/jobs/list": {"post": {"parameters": [{"in": "body", "name": "b", "schema": {"type": "object"}}],
                            "responses": {"200": {"description": "ok", "schema": {"type": "object"}}}}},
    "/jobs/{uuid}": {
      "get": {"parameters": [{"$ref": "#/parameters/uuid"}],
              "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/job"}},
                            "404": {"description": "gone", "schema": {"$ref": "#/definitions/error"}}}},
      "delete": {"parameters": [{"$ref": "#/parameters/uuid"}], "responses": {"200": {"description": "deleted"}}}
    },
    "/jobs/{uuid}/{action}": {"post": {"parameters": [{"$ref": "#/parameters/uuid"}, {"in": "path", "name": "action", "type": "string", "x-ntnx-enum": ["cleanup", "rerun"]}],
                                       "responses": {"202": {"description": "ok"}}}},
    "/jobs/{uuid}/{status}": {"get": {"parameters": [{"$ref": "#/parameters/uuid"}, {"in": "path", "name": "status", "type": "string"}],
                                      "responses": {"200": {"description": "ok", "schema": {"type": "object", "required": ["state"]}}}}},
    "/jobs/{uuid}/parts/{n}": {"get": {"parameters": [{"$ref": "#/parameters/uuid"}, {"in": "path", "name": "n", "type": "integer", "maximum": 9}],
                                       "responses": {"200": {"description": "ok"}}}}
  },
  "definitions": {
    "job": {"type": "object", "required": ["uuid"], "properties": {"uuid": {"type": "string"}}},
    "error": {"type": "object", "required": ["state"], "properties": {"state": {"type": "string", "x-ntnx-enum": ["ERROR"]}}}
  }
}`

const base = "/api/test/v1"

func TestMatch(t *testing.T) {
	t.Parallel()
	s := mustParse(t, routingDoc)
	if s.BasePath() != base {
		t.Fatalf("BasePath() = %q, want %q (trailing slash dropped)", s.BasePath(), base)
	}
	tests := []struct {
		method, path, want string
	}{
		{"POST", base + "/jobs", "/jobs"},
		{"POST", base + "/jobs/", "/jobs"},
		{"POST", base + "/jobs/list", "/jobs/list"},
		{"get", base + "/jobs/list", "/jobs/{uuid}"}, // The literal has no GET: fall back to the parameter.
		{"GET", base + "/jobs/0123abcd", "/jobs/{uuid}"},
		{"POST", base + "/jobs/0123abcd/cleanup", "/jobs/{uuid}/{action}"},
		{"GET", base + "/jobs/0123abcd/execution_status", "/jobs/{uuid}/{status}"},
		{"GET", base + "/jobs/0123abcd/parts", "/jobs/{uuid}/{status}"},
		{"GET", base + "/jobs/0123abcd/parts/3", "/jobs/{uuid}/parts/{n}"},
		{"PUT", base + "/jobs/0123abcd", ""},
		{"POST", base + "/nothing", ""},
		{"POST", "/jobs", ""},
		{"POST", base + "x/jobs", ""},
		{"GET", base + "/jobs//status", ""},
	}
	for _, tc := range tests {
		got, ok := s.Match(tc.method, tc.path)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("Match(%s, %s) = %q, %v; want %q", tc.method, tc.path, got, ok, tc.want)
		}
		if s.HasOperation(tc.method, tc.path) != ok {
			t.Errorf("HasOperation(%s, %s) disagrees with Match", tc.method, tc.path)
		}
	}
	if n := s.Operations(); n != 7 {
		t.Errorf("Operations() = %d, want 7", n)
	}
}

func validationProblems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %T: %v", err, err)
	}
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestValidateRequest(t *testing.T) {
	t.Parallel()
	s := mustParse(t, routingDoc)
	tests := []struct {
		name, method, path, body string
		want                     []string
	}{
		{"body ok", "POST", "/jobs", `{"x":1}`, nil},
		{"body invalid", "POST", "/jobs", `{}`, []string{`(root): missing required property "x"`}},
		{"required body missing", "POST", "/jobs", " ", []string{`(root): missing required request body`}},
		{"optional body missing", "POST", "/jobs/list", "", nil},
		{"body where none is taken", "DELETE", "/jobs/0123abcd", `{}`, []string{`(root): the operation takes no request body, got 2 bytes`}},
		{"path parameter pattern", "GET", "/jobs/XYZ", "", []string{`{uuid}: path parameter: "XYZ" does not match pattern ^[0-9a-f]{8}$`}},
		{"path parameter enum", "POST", "/jobs/0123abcd/explode", "", []string{`{action}: path parameter: "explode" is not one of ["cleanup", "rerun"]`}},
		{"integer path parameter", "GET", "/jobs/0123abcd/parts/12", "", []string{`{n}: path parameter: 12 is greater than maximum 9`}},
		{"integer path parameter not a number", "GET", "/jobs/0123abcd/parts/two", "", []string{`{n}: path parameter "two" is not a number`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := validationProblems(t, s.ValidateRequest(tc.method, base+tc.path, []byte(tc.body)))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n got: %q\nwant: %q", got, tc.want)
			}
		})
	}
}

func TestValidateResponse(t *testing.T) {
	t.Parallel()
	s := mustParse(t, routingDoc)
	tests := []struct {
		name, method, path string
		status             int
		body               string
		want               []string
	}{
		{"declared status", "POST", "/jobs", 202, `{"uuid":"u"}`, nil},
		{"declared status invalid", "POST", "/jobs", 202, `{"uuid":1}`, []string{`/uuid: expected string, got integer`}},
		{"default used for errors", "POST", "/jobs", 409, `{"state":"ERROR"}`, nil},
		{"default schema enforced", "POST", "/jobs", 400, `{"state":"BAD"}`, []string{`/state: "BAD" is not one of ["ERROR"]`}},
		{"undeclared success status", "POST", "/jobs", 200, `{"state":"ERROR"}`, []string{`(root): status 200 is not declared (the spec declares 202)`}},
		{"exact status before default", "GET", "/jobs/0123abcd", 404, `{"uuid":"u"}`, []string{`(root): missing required property "state"`}},
		{"success without schema accepts anything", "DELETE", "/jobs/0123abcd", 200, `not json at all`, nil},
		{"undeclared status without default", "DELETE", "/jobs/0123abcd", 500, `{}`, []string{`(root): status 500 is not declared and the operation has no default response`}},
		{"empty body where a schema exists", "GET", "/jobs/0123abcd", 200, ``, []string{`(root): empty body; the spec gives a schema (#/definitions/job) for status 200`}},
		{"empty body on default", "POST", "/jobs", 503, ``, []string{`(root): empty body; the spec gives a schema (#/definitions/error) for status 503 (default)`}},
		{"same shape picked by method", "GET", "/jobs/0123abcd/execution_status", 200, `{}`, []string{`(root): missing required property "state"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := validationProblems(t, s.ValidateResponse(tc.method, base+tc.path, tc.status, []byte(tc.body)))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n got: %q\nwant: %q", got, tc.want)
			}
		})
	}
}

func TestUnknownOperation(t *testing.T) {
	t.Parallel()
	s := mustParse(t, routingDoc)
	for _, err := range []error{
		s.ValidateRequest("PATCH", base+"/jobs", nil),
		s.ValidateResponse("GET", base+"/elsewhere", 200, []byte(`{}`)),
	} {
		if !errors.Is(err, ErrUnknownOperation) {
			t.Errorf("want ErrUnknownOperation, got %v", err)
		}
	}
}

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	s := mustParse(t, routingDoc)
	err := s.ValidateResponse("GET", base+"/jobs/0123abcd", 200, []byte(`{"uuid":[]}`))
	want := "GET /api/test/v1/jobs/0123abcd (/jobs/{uuid}) response 200: 1 problem(s)\n  /uuid: expected string, got array"
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %v, want %q", err, want)
	}
}

func TestParseRejectsBadDocuments(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"not JSON": `{`,
		"no paths": `{"swagger":"2.0","paths":{}}`,
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: Parse succeeded", name)
		}
	}
}

func TestLocateFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "spec.json")
	t.Setenv(EnvSpecPath, p)
	if got, ok := Locate(); got != p || ok {
		t.Errorf("Locate() = %q, %v before the file exists; want %q, false", got, ok, p)
	}
	if err := os.WriteFile(p, []byte(routingDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, ok := Locate(); got != p || !ok {
		t.Errorf("Locate() = %q, %v; want %q, true", got, ok, p)
	}
	s, err := Load(p)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if s.Path() != p {
		t.Errorf("Path() = %q, want %q", s.Path(), p)
	}
}

func TestLocateWalksUpToTheModule(t *testing.T) {
	t.Setenv(EnvSpecPath, "")
	root := t.TempDir()
	mod := filepath.Join(root, "main")
	nested := filepath.Join(mod, "tools", "tofu")
	deep := filepath.Join(nested, "sub")
	for _, d := range []string{deep, filepath.Join(root, "shared", "api")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(mod, "go.mod"):    "// The module.\nmodule " + ModulePath + "\n\ngo 1.26\n",
		filepath.Join(nested, "go.mod"): "module example.com/tofu\n",
	}
	for p, content := range files {
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want := filepath.Join(root, "shared", "api", "prism-v3-swagger.json")
	t.Chdir(deep)
	if got, ok := Locate(); got != want || ok {
		t.Errorf("Locate() = %q, %v without the file; want %q, false", got, ok, want)
	}
	if err := os.WriteFile(want, []byte(routingDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, ok := Locate(); got != want || !ok {
		t.Errorf("Locate() = %q, %v; want %q, true", got, ok, want)
	}
	t.Chdir(root)
	if got, ok := Locate(); got != "" || ok {
		t.Errorf("Locate() outside the module = %q, %v; want nothing", got, ok)
	}
}
