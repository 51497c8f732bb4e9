package apispec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// ModulePath is the module whose go.mod Locate looks for.
const ModulePath = "github.com/nutanixdr/terraform-provider-nutanixdr"

// EnvSpecPath names the environment variable that overrides where the spec is found.
const EnvSpecPath = "PRISM_V3_SPEC"

// Spec is a loaded swagger document ready to validate bodies. It is safe for concurrent use.
type Spec struct {
	path     string
	basePath string
	root     *node
	notes    []string
	ops      int
}

// operation is one method of one path template.
type operation struct {
	template   string
	method     string
	pathParams map[string]*schema
	body       *schema
	hasBody    bool
	bodyReq    bool
	responses  map[string]*response
}

type response struct {
	schema *schema
}

// node is a trie of path segments; literal children are tried before the parameter child.
type node struct {
	literal map[string]*node
	param   *node
	// ops holds the operations of every template ending here, by upper-case method. Templates
	// of the same shape (e.g. /recovery_plan_jobs/{uuid}/{action} and .../{uuid}/{status})
	// share the node and differ by method.
	ops map[string]*operation
}

// Raw document shapes.
type rawDocument struct {
	BasePath    string                                `json:"basePath"`
	Paths       map[string]map[string]json.RawMessage `json:"paths"`
	Parameters  map[string]*rawParameter              `json:"parameters"`
	Definitions map[string]*rawSchema                 `json:"definitions"`
}

type rawOperation struct {
	Parameters []*rawParameter         `json:"parameters"`
	Responses  map[string]*rawResponse `json:"responses"`
}

type rawResponse struct {
	Schema *rawSchema `json:"schema"`
}

// rawParameter is a parameter object; non-body parameters carry their schema inline.
type rawParameter struct {
	Ref      string     `json:"$ref"`
	Name     string     `json:"name"`
	In       string     `json:"in"`
	Required bool       `json:"required"`
	Schema   *rawSchema `json:"schema"`

	Type      string            `json:"type"`
	Format    string            `json:"format"`
	Pattern   string            `json:"pattern"`
	MinLength *int              `json:"minLength"`
	MaxLength *int              `json:"maxLength"`
	Minimum   *json.Number      `json:"minimum"`
	Maximum   *json.Number      `json:"maximum"`
	Enum      []json.RawMessage `json:"enum"`
	NtnxEnum  []json.RawMessage `json:"x-ntnx-enum"`
}

func (p *rawParameter) inlineSchema() *rawSchema {
	return &rawSchema{
		Type: p.Type, Format: p.Format, Pattern: p.Pattern,
		MinLength: p.MinLength, MaxLength: p.MaxLength,
		Minimum: p.Minimum, Maximum: p.Maximum,
		Enum: p.Enum, NtnxEnum: p.NtnxEnum,
	}
}

var httpMethods = map[string]bool{
	"GET": true, "PUT": true, "POST": true, "DELETE": true,
	"OPTIONS": true, "HEAD": true, "PATCH": true,
}

// Locate finds the spec file: $PRISM_V3_SPEC if set, else ../shared/api/prism-v3-swagger.json
// beside the directory holding this module's go.mod, found by walking up from the working
// directory. It returns the path it settled on and whether that file exists.
func Locate() (string, bool) {
	if p := os.Getenv(EnvSpecPath); p != "" {
		return p, fileExists(p)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if isModuleRoot(dir) {
			p := filepath.Join(filepath.Dir(dir), "shared", "api", "prism-v3-swagger.json")
			return p, fileExists(p)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// isModuleRoot reports whether dir holds the go.mod of ModulePath (nested modules such as
// tools/tofu are passed over).
func isModuleRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(data)) {
		if mod, ok := strings.CutPrefix(strings.TrimSpace(line), "module"); ok {
			return strings.Trim(strings.TrimSpace(mod), `"`) == ModulePath
		}
	}
	return false
}

var defaultSpec struct {
	once sync.Once
	spec *Spec
	err  error
}

// LoadDefault loads the spec Locate finds, once per process; later calls return the same
// result. It returns an error wrapping ErrSpecNotFound when there is no spec file.
func LoadDefault() (*Spec, error) {
	defaultSpec.once.Do(func() {
		p, ok := Locate()
		if !ok {
			where := p
			if where == "" {
				where = "no candidate path"
			}
			defaultSpec.err = fmt.Errorf("%w: %s", ErrSpecNotFound, where)
			return
		}
		defaultSpec.spec, defaultSpec.err = Load(p)
	})
	return defaultSpec.spec, defaultSpec.err
}

// Load reads and compiles the swagger document at path.
func Load(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading spec: %w", err)
	}
	s, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("loading spec %s: %w", path, err)
	}
	s.path = path
	return s, nil
}

// Parse compiles a swagger document held in memory.
func Parse(data []byte) (*Spec, error) {
	var doc rawDocument
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding swagger document: %w", err)
	}
	if len(doc.Paths) == 0 {
		return nil, errors.New("swagger document has no paths")
	}
	c := &compiler{}
	defs := make(map[string]*schema, len(doc.Definitions))
	for name, d := range doc.Definitions {
		defs[name] = c.compile(d, "#/definitions/"+pointerEscape(name))
	}
	s := &Spec{basePath: strings.TrimRight(doc.BasePath, "/"), root: &node{}}
	templates := make([]string, 0, len(doc.Paths))
	for t := range doc.Paths {
		templates = append(templates, t)
	}
	sort.Strings(templates)
	for _, t := range templates {
		if err := s.addPath(c, doc, t, doc.Paths[t]); err != nil {
			return nil, err
		}
	}
	c.resolve(defs)
	s.notes = c.notes
	sort.Strings(s.notes)
	return s, nil
}

func (s *Spec) addPath(c *compiler, doc rawDocument, template string, item map[string]json.RawMessage) error {
	loc := "#/paths/" + pointerEscape(template)
	var shared []*rawParameter
	if raw, ok := item["parameters"]; ok {
		if err := json.Unmarshal(raw, &shared); err != nil {
			return fmt.Errorf("%s/parameters: %w", loc, err)
		}
	}
	n := s.root
	for _, seg := range splitPath(template) {
		if isParam(seg) {
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
			continue
		}
		if n.literal == nil {
			n.literal = map[string]*node{}
		}
		child := n.literal[seg]
		if child == nil {
			child = &node{}
			n.literal[seg] = child
		}
		n = child
	}
	methods := make([]string, 0, len(item))
	for m := range item {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	for _, m := range methods {
		method := strings.ToUpper(m)
		if !httpMethods[method] {
			continue
		}
		var ro rawOperation
		dec := json.NewDecoder(bytes.NewReader(item[m]))
		dec.UseNumber()
		if err := dec.Decode(&ro); err != nil {
			return fmt.Errorf("%s/%s: %w", loc, m, err)
		}
		op := &operation{template: template, method: method, pathParams: map[string]*schema{}, responses: map[string]*response{}}
		params := append(append([]*rawParameter{}, shared...), ro.Parameters...)
		for i, p := range params {
			ploc := fmt.Sprintf("%s/%s/parameters/%d", loc, m, i)
			if p.Ref != "" {
				name, _ := strings.CutPrefix(p.Ref, "#/parameters/")
				resolved := doc.Parameters[name]
				if resolved == nil {
					c.note("%s: parameter $ref %q does not resolve; not validated", ploc, p.Ref)
					continue
				}
				p = resolved
			}
			switch p.In {
			case "body":
				op.hasBody = true
				op.bodyReq = p.Required
				op.body = c.compile(p.Schema, ploc+"/schema")
			case "path":
				op.pathParams[p.Name] = c.compile(p.inlineSchema(), ploc)
			}
		}
		for code, r := range ro.Responses {
			resp := &response{}
			if r != nil {
				resp.schema = c.compile(r.Schema, fmt.Sprintf("%s/%s/responses/%s/schema", loc, m, code))
			}
			op.responses[code] = resp
		}
		if n.ops == nil {
			n.ops = map[string]*operation{}
		}
		if prev := n.ops[method]; prev != nil {
			c.note("%s %s: same shape as %s; the first template is used", method, template, prev.template)
			continue
		}
		n.ops[method] = op
		s.ops++
	}
	return nil
}

func isParam(seg string) bool {
	return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Path returns the file the spec was loaded from ("" when parsed from memory).
func (s *Spec) Path() string { return s.path }

// BasePath returns the document's basePath, e.g. "/api/nutanix/v3".
func (s *Spec) BasePath() string { return s.basePath }

// Operations returns how many (method, path template) pairs the spec describes.
func (s *Spec) Operations() int { return s.ops }

// Notes lists what the compiler could not honor: patterns RE2 cannot compile, references that
// do not resolve, templates shadowed by another of the same shape and method.
func (s *Spec) Notes() []string { return append([]string(nil), s.notes...) }

// Match returns the path template (relative to the base path) of the operation that serves
// method on the URL path, preferring literal segments over parameters, left to right, and the
// template that has the method among those of the same shape.
func (s *Spec) Match(method, path string) (string, bool) {
	op, _ := s.match(method, path)
	if op == nil {
		return "", false
	}
	return op.template, true
}

// HasOperation reports whether the spec describes method on the URL path.
func (s *Spec) HasOperation(method, path string) bool {
	op, _ := s.match(method, path)
	return op != nil
}

// match finds the operation and the path parameter values.
func (s *Spec) match(method, path string) (*operation, map[string]string) {
	rest, ok := strings.CutPrefix(path, s.basePath)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return nil, nil
	}
	segs := splitPath(rest)
	method = strings.ToUpper(method)
	var values []string
	var walk func(n *node, i int) *operation
	walk = func(n *node, i int) *operation {
		if i == len(segs) {
			return n.ops[method]
		}
		if child := n.literal[segs[i]]; child != nil {
			if op := walk(child, i+1); op != nil {
				return op
			}
		}
		if n.param != nil && segs[i] != "" {
			values = append(values, segs[i])
			if op := walk(n.param, i+1); op != nil {
				return op
			}
			values = values[:len(values)-1]
		}
		return nil
	}
	op := walk(s.root, 0)
	if op == nil {
		return nil, nil
	}
	// values holds the parameter segments in order; name them from the template.
	params := map[string]string{}
	j := 0
	for _, seg := range splitPath(op.template) {
		if isParam(seg) {
			params[seg[1:len(seg)-1]] = values[j]
			j++
		}
	}
	return op, params
}

// ValidateRequest checks the path parameters and the body of a request against the spec.
// Problems with a path parameter carry the pointer "{name}" of the parameter. It returns an error wrapping ErrUnknownOperation when the spec has no such operation, and a
// *ValidationError listing every problem otherwise.
func (s *Spec) ValidateRequest(method, path string, body []byte) error {
	op, params := s.match(method, path)
	if op == nil {
		return fmt.Errorf("%s %s: %w", method, path, ErrUnknownOperation)
	}
	v := &validator{}
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ps := op.pathParams[name]
		if ps == nil {
			continue
		}
		var val any = params[name]
		if ps.typ == "integer" || ps.typ == "number" {
			val = json.Number(params[name])
			if _, err := strconv.ParseFloat(params[name], 64); err != nil {
				v.addf("{"+name+"}", "path parameter %q is not a number", params[name])
				continue
			}
		}
		pv := &validator{}
		pv.validate(ps, val, "", nil)
		for _, p := range pv.problems {
			v.addf("{"+name+"}", "path parameter: %s", p.Message)
		}
	}
	empty := len(bytes.TrimSpace(body)) == 0
	switch {
	case !op.hasBody && !empty:
		v.addf("", "the operation takes no request body, got %d bytes", len(body))
	case op.hasBody && empty && op.bodyReq:
		v.addf("", "missing required request body")
	case op.hasBody && !empty:
		s.validateBody(v, op.body, body)
	}
	return s.result(v, op, method, path, 0)
}

// ValidateResponse checks a response body against the schema the spec gives for its status
// code, falling back to "default". A 2xx status the spec does not declare is a problem when the
// operation declares another 2xx status; a declared status without a schema accepts any body;
// an empty body where a schema exists is a problem.
func (s *Spec) ValidateResponse(method, path string, status int, body []byte) error {
	op, _ := s.match(method, path)
	if op == nil {
		return fmt.Errorf("%s %s: %w", method, path, ErrUnknownOperation)
	}
	v := &validator{}
	code := strconv.Itoa(status)
	resp, declared := op.responses[code]
	if !declared {
		if status >= 200 && status < 300 {
			if other := op.successCodes(); len(other) > 0 {
				v.addf("", "status %d is not declared (the spec declares %s)", status, strings.Join(other, ", "))
			}
		}
		resp = op.responses["default"]
	}
	switch {
	case resp == nil:
		v.addf("", "status %d is not declared and the operation has no default response", status)
	case resp.schema == nil:
		// Nothing to check.
	case len(bytes.TrimSpace(body)) == 0:
		v.addf("", "empty body; the spec gives a schema%s for status %s", schemaName(resp.schema), responseKey(declared, code))
	default:
		s.validateBody(v, resp.schema, body)
	}
	return s.result(v, op, method, path, status)
}

func (op *operation) successCodes() []string {
	var codes []string
	for c := range op.responses {
		if len(c) == 3 && c[0] == '2' {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	return codes
}

func responseKey(declared bool, code string) string {
	if declared {
		return code
	}
	return code + " (default)"
}

func schemaName(sc *schema) string {
	if sc.ref != "" {
		return " (" + sc.ref + ")"
	}
	return ""
}

func (s *Spec) validateBody(v *validator, sc *schema, body []byte) {
	val, err := decodeJSON(body)
	if err != nil {
		v.addf("", "body is not JSON (%v): %s", err, short(string(body)))
		return
	}
	v.validate(sc, val, "", nil)
}

func (s *Spec) result(v *validator, op *operation, method, path string, status int) error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Method: method, Path: path, Template: op.template, Status: status, Problems: v.problems}
}
