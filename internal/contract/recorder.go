// Package contract checks the exchanges between Prism Central v3 clients and the prismsim
// emulator against the v3 swagger document. Its tests drive the emulator with the typed client;
// the Recorder is exported so that other packages' tests (the provider's acceptance tests) can
// run the same checks on whatever traffic they cause.
package contract

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/apispec"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// SpecOrSkip returns the v3 spec found by apispec.Locate, or skips the test with a message saying
// where to put it when it is absent. Any other loading error fails the test.
func SpecOrSkip(tb testing.TB) *apispec.Spec {
	tb.Helper()
	spec, err := apispec.LoadDefault()
	if errors.Is(err, apispec.ErrSpecNotFound) {
		tb.Skipf("skipping contract checks: %v", err)
	}
	if err != nil {
		tb.Fatalf("loading the v3 spec: %v", err)
	}
	return spec
}

// Recorder collects the exchanges of a prismsim world for the contract checks. The zero value
// is ready to use and it is safe for concurrent use. Attach it with World.OnExchange(r.Record)
// (or r.Attach(w)) before driving the emulator, and call Check once the calls to cover have
// returned; closing the world first guarantees that nothing is still being served.
type Recorder struct {
	mu        sync.Mutex
	exchanges []prismsim.Exchange
	invalid   map[string]bool
	ignored   map[string]string
}

// Attach makes w report every exchange to r.
func (r *Recorder) Attach(w *prismsim.World) {
	w.OnExchange(r.Record)
}

// Record stores a copy of one exchange; it is the callback for World.OnExchange.
func (r *Recorder) Record(e prismsim.Exchange) {
	e.RequestBody = append([]byte(nil), e.RequestBody...)
	e.ResponseBody = append([]byte(nil), e.ResponseBody...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exchanges = append(r.exchanges, e)
}

// Exchanges returns a copy of what has been recorded, in order.
func (r *Recorder) Exchanges() []prismsim.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]prismsim.Exchange(nil), r.exchanges...)
}

// Reset forgets the recorded exchanges (the expectations stay).
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exchanges = nil
}

// ExpectInvalidRequest declares that requests for method on exactly this URL path are sent
// against the spec on purpose (tests of bad input). Their request bodies are not reported;
// instead the emulator must refuse them with a 4xx status, and their responses are checked
// as usual.
func (r *Recorder) ExpectInvalidRequest(method, path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.invalid == nil {
		r.invalid = map[string]bool{}
	}
	r.invalid[key(method, path)] = true
}

// Ignore leaves exchanges for method on exactly this URL path out of the checks, for traffic
// the contract does not cover, such as answers shaped by an injected fault. The reason is kept
// for the log.
func (r *Recorder) Ignore(method, path, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ignored == nil {
		r.ignored = map[string]string{}
	}
	r.ignored[key(method, path)] = reason
}

func key(method, path string) string {
	return strings.ToUpper(method) + " " + path
}

// Violation is one way a recorded exchange departs from the spec.
type Violation struct {
	PC     string
	Method string
	Path   string
	// Template is the matched path template ("" when the spec has no such operation).
	Template string
	Status   int
	// Side is "operation", "request" or "response".
	Side    string
	Pointer string
	Message string
}

// String renders the violation on one line.
func (v Violation) String() string {
	tmpl := v.Template
	if tmpl == "" {
		tmpl = "no template"
	}
	side := v.Side
	if v.Side == "response" {
		side = fmt.Sprintf("response %d", v.Status)
	}
	return fmt.Sprintf("%s %s %s (%s) %s: %s", v.PC, v.Method, v.Path, tmpl, side, apispec.Problem{Pointer: v.Pointer, Message: v.Message})
}

// Violations checks every recorded exchange under the spec's base path: the operation must
// exist in the spec, the request body must match the operation's body schema (unless declared
// with ExpectInvalidRequest, in which case the emulator must answer 4xx), and the response body
// must match the schema of its status code, with a JSON content type. Two kinds of answer are
// outside the spec and their bodies are not checked: 401 (authentication happens before the API
// and real Prism Centrals answer it with a page that is not JSON) and a 5xx whose content type
// is not JSON (the HTML error pages of gateways and of real Prism Centrals, which the emulator
// reproduces as a fault). Exchanges outside the base path (the emulator's admin API) are left
// out.
func (r *Recorder) Violations(spec *apispec.Spec) []Violation {
	r.mu.Lock()
	exchanges := append([]prismsim.Exchange(nil), r.exchanges...)
	invalid := make(map[string]bool, len(r.invalid))
	for k, v := range r.invalid {
		invalid[k] = v
	}
	ignored := make(map[string]string, len(r.ignored))
	for k, v := range r.ignored {
		ignored[k] = v
	}
	r.mu.Unlock()

	var out []Violation
	for _, e := range exchanges {
		if !underBase(spec, e.Path) {
			continue
		}
		if _, skip := ignored[key(e.Method, e.Path)]; skip {
			continue
		}
		v := Violation{PC: e.PC, Method: e.Method, Path: e.Path, Status: e.Status}
		tmpl, ok := spec.Match(e.Method, e.Path)
		if !ok {
			v.Side, v.Message = "operation", "the spec has no such operation"
			out = append(out, v)
			continue
		}
		v.Template = tmpl

		reqErr := spec.ValidateRequest(e.Method, e.Path, e.RequestBody)
		if invalid[key(e.Method, e.Path)] {
			if reqErr != nil && (e.Status < 400 || e.Status > 499) {
				v.Side = "request"
				v.Message = fmt.Sprintf("a request the spec refuses was answered %d, want a 4xx refusal (%s)", e.Status, firstProblem(reqErr))
				out = append(out, v)
			}
		} else {
			out = append(out, problems(v, "request", reqErr)...)
		}

		if e.Status == http.StatusUnauthorized || (e.Status >= 500 && !isJSONContentType(e.ContentType)) {
			continue
		}
		out = append(out, problems(v, "response", spec.ValidateResponse(e.Method, e.Path, e.Status, e.ResponseBody))...)
		if len(strings.TrimSpace(string(e.ResponseBody))) > 0 && !isJSONContentType(e.ContentType) {
			v.Side = "response"
			v.Message = fmt.Sprintf("Content-Type %q, want application/json", e.ContentType)
			out = append(out, v)
		}
	}
	return out
}

func underBase(spec *apispec.Spec, path string) bool {
	rest, ok := strings.CutPrefix(path, spec.BasePath())
	return ok && (rest == "" || strings.HasPrefix(rest, "/"))
}

func isJSONContentType(ct string) bool {
	media, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(media), "application/json")
}

func firstProblem(err error) string {
	var ve *apispec.ValidationError
	if errors.As(err, &ve) && len(ve.Problems) > 0 {
		return ve.Problems[0].String()
	}
	return err.Error()
}

// problems turns a validation error into violations on side.
func problems(base Violation, side string, err error) []Violation {
	if err == nil {
		return nil
	}
	base.Side = side
	var ve *apispec.ValidationError
	if !errors.As(err, &ve) {
		base.Message = err.Error()
		return []Violation{base}
	}
	out := make([]Violation, 0, len(ve.Problems))
	for _, p := range ve.Problems {
		v := base
		v.Pointer, v.Message = p.Pointer, p.Message
		out = append(out, v)
	}
	return out
}

// Routes counts the recorded exchanges under the spec's base path by "METHOD template", e.g.
// "PUT /categories/{name}"; exchanges the spec does not describe count under
// "METHOD path (not in spec)".
func (r *Recorder) Routes(spec *apispec.Spec) map[string]int {
	counts := map[string]int{}
	for _, e := range r.Exchanges() {
		if !underBase(spec, e.Path) {
			continue
		}
		if tmpl, ok := spec.Match(e.Method, e.Path); ok {
			counts[strings.ToUpper(e.Method)+" "+tmpl]++
		} else {
			counts[key(e.Method, e.Path)+" (not in spec)"]++
		}
	}
	return counts
}

// Check fails t with every violation, grouped so that one fault repeated across exchanges and
// list entries reads as one line with a count and an example path. It also fails when nothing
// was recorded under the base path, which means the recorder was not attached.
func (r *Recorder) Check(tb testing.TB, spec *apispec.Spec) {
	tb.Helper()
	routes := r.Routes(spec)
	total := 0
	for _, n := range routes {
		total += n
	}
	if total == 0 {
		tb.Errorf("no exchanges under %s were recorded: attach the recorder with World.OnExchange before driving the emulator", spec.BasePath())
		return
	}
	r.mu.Lock()
	ignored := make([]string, 0, len(r.ignored))
	for k, reason := range r.ignored {
		ignored = append(ignored, k+": "+reason)
	}
	r.mu.Unlock()
	sort.Strings(ignored)
	for _, line := range ignored {
		tb.Logf("contract: not checking %s", line)
	}
	vs := r.Violations(spec)
	if len(vs) == 0 {
		tb.Logf("contract: %d exchanges over %d routes conform to %s", total, len(routes), spec.Path())
		return
	}
	groups := Group(vs)
	var b strings.Builder
	fmt.Fprintf(&b, "%d contract violation(s) in %d exchanges (%d distinct):", len(vs), total, len(groups))
	for _, g := range groups {
		fmt.Fprintf(&b, "\n  %dx %s", g.Count, g.Example)
	}
	tb.Error(b.String())
}

// ViolationGroup is one distinct violation with how often it occurred.
type ViolationGroup struct {
	Count   int
	Example Violation
}

var indexToken = regexp.MustCompile(`/[0-9]+(/|$)`)

// Group merges violations that differ only in the PC, the concrete URL path or list indexes
// in the pointer, keeping the first as the example; groups keep first-seen order.
func Group(vs []Violation) []ViolationGroup {
	index := map[string]int{}
	var groups []ViolationGroup
	for _, v := range vs {
		ptr := indexToken.ReplaceAllString(v.Pointer, "/*$1")
		ptr = indexToken.ReplaceAllString(ptr, "/*$1") // Adjacent indexes share a slash.
		k := strings.Join([]string{v.Side, strings.ToUpper(v.Method), v.Template, pathKey(v), strconv.Itoa(v.Status), ptr, v.Message}, "\x00")
		if i, ok := index[k]; ok {
			groups[i].Count++
			continue
		}
		index[k] = len(groups)
		groups = append(groups, ViolationGroup{Count: 1, Example: v})
	}
	return groups
}

// pathKey keeps the concrete path only for operations the spec lacks, where it is all there is.
func pathKey(v Violation) string {
	if v.Template == "" {
		return v.Path
	}
	return ""
}

// SortedRoutes returns the keys of a Routes result in order, for logs.
func SortedRoutes(routes map[string]int) []string {
	keys := make([]string, 0, len(routes))
	for k := range routes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
