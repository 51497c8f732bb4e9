package prismsim

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/routing"
)

const (
	v3Prefix     = "/api/nutanix/v3"
	maxBodyBytes = 16 << 20
)

// apiHandler serves one route of a wire (v3: wire_v3.go, v4: wire_v4.go). It returns the
// status and a body encoded as JSON (a rawResponse is sent as is, a withHeader with its
// header fields, nil sends no body), or an error, answered in the v3 error shape
// (v3.ErrorOf): the PC's gateway answers so whatever the path.
type apiHandler func(rq *request) (int, any, error)

// rawResponse is a body sent verbatim.
type rawResponse struct {
	ContentType string
	Body        []byte
}

// request is what a handler sees of an HTTP request.
type request struct {
	pc     *PC
	r      *http.Request
	body   []byte
	params map[string]string
}

// route is a v3 (or v4) route: a method and a path template, with the kind named in its
// error bodies and its handler.
type route = routing.Route[routeHandler]

// routeHandler is what serves a route.
type routeHandler struct {
	kind string // the kind named in error bodies of this route
	h    apiHandler
}

// router matches requests against the routes' templates (package routing).
type router = routing.Table[routeHandler]

// apiRoutes holds the routes of the wires, added by wire_v3.go and wire_v4.go from their
// packages' route lists.
var apiRoutes router

// mount is a protocol served under a path prefix of the PC's HTTPS listener besides v3:
// the admin API (wire_admin.go) and the v4 wire (wire_v4.go, package v4) mount themselves
// in their init functions, so that this file names none of them.
type mount struct {
	prefix string
	// api marks a Prism Central API: its requests that fail authentication are recorded.
	api   bool
	serve func(pc *PC, w http.ResponseWriter, r *http.Request)
}

var mounts []mount

func registerMount(m mount) { mounts = append(mounts, m) }

// mountOf returns the mount serving path, if any.
func mountOf(path string) (mount, bool) {
	for _, m := range mounts {
		if strings.HasPrefix(path, m.prefix) {
			return m, true
		}
	}
	return mount{}, false
}

// ServeHTTP authenticates, then serves the v3 API or the mount whose prefix the path has.
func (pc *PC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	m, mounted := mountOf(path)
	isAPI := strings.HasPrefix(path, v3Prefix+"/") || path == v3Prefix || (mounted && m.api)
	if !pc.authorized(r) {
		body := []byte("<!DOCTYPE html>\n<html><head><title>401 Unauthorized</title></head>" +
			"<body><h1>HTTP Status 401 - Unauthorized</h1><p>Authentication required.</p></body></html>\n")
		w.Header().Set("WWW-Authenticate", `Basic realm="Intent Gateway Login Required"`)
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write(body)
		if isAPI {
			reqBody, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
			pc.w.record(Exchange{
				PC: pc.Name(), Method: r.Method, Path: path, RequestBody: reqBody,
				Status: http.StatusUnauthorized, ResponseBody: body, ContentType: "text/html;charset=utf-8",
			})
		}
		return
	}
	switch {
	case mounted:
		m.serve(pc, w, r)
	case isAPI:
		pc.serveAPI(w, r)
	default:
		writeJSON(w, http.StatusNotFound, errorf(http.StatusNotFound, reasonNotSupported,
			"%s is not a Prism Central v3 API path (expected %s/...)", path, v3Prefix).Body(""))
	}
}

func (pc *PC) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	return ok && pc.credentialsMatch(user, pass)
}

// credentialsMatch compares credentials with the PC's in constant time.
func (pc *PC) credentialsMatch(user, pass string) bool {
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(pc.cfg.Username)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(pc.cfg.Password)) == 1
	return userOK && passOK
}

// reqInfo identifies a request for fault matching; tasks created while serving it look it up.
type reqInfo struct {
	pc     string
	method string
	path   string
}

type reqInfoKey struct{}

func requestInfo(ctx context.Context) (reqInfo, bool) {
	info, ok := ctx.Value(reqInfoKey{}).(reqInfo)
	return info, ok
}

// interception is what the faults matching one request do to it (faults.go): delay it,
// answer instead of the handler, or drop the connection after the handler has answered.
type interception struct {
	latency time.Duration
	respond func(kind string) response // answers instead of the handler
	drop    bool
}

// intercept, set by faults.go, consumes the faults that apply to a request.
var intercept = func(*World, string, string, string) interception { return interception{} }

// response is a fully rendered answer, kept in memory until faults have had their say.
type response struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

func (pc *PC) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	path := r.URL.Path
	rt, params, otherMethod := apiRoutes.Match(r.Method, r.URL.EscapedPath())
	routeKey := r.Method + " " + path
	kind := ""
	if rt != nil {
		routeKey = rt.Key()
		kind = rt.H.kind
	}
	pc.countRequest(routeKey)

	var resp response
	fx := intercept(pc.w, pc.Name(), r.Method, path)
	if fx.latency > 0 {
		timer := time.NewTimer(fx.latency)
		select {
		case <-timer.C:
		case <-r.Context().Done():
		case <-pc.w.ctx.Done():
		}
		timer.Stop()
	}
	switch {
	case fx.respond != nil:
		resp = fx.respond(kind)
	case err != nil:
		resp = errorResponseOf(kind, errorf(http.StatusBadRequest, reasonInvalidRequest, "reading request body: %v", err))
	case len(body) > maxBodyBytes:
		resp = errorResponseOf(kind, errorf(http.StatusRequestEntityTooLarge, reasonInvalidRequest,
			"request body is larger than %d bytes", maxBodyBytes))
	case rt == nil && otherMethod:
		resp = errorResponseOf(kind, errorf(http.StatusMethodNotAllowed, reasonNotSupported,
			"method %s is not supported on %s", r.Method, path))
	case rt == nil:
		resp = errorResponseOf(kind, errorf(http.StatusNotFound, reasonNotSupported,
			"%s %s is not supported by this Prism Central", r.Method, path))
	default:
		ctx := context.WithValue(r.Context(), reqInfoKey{}, reqInfo{pc: pc.Name(), method: r.Method, path: path})
		rq := &request{pc: pc, r: r.WithContext(ctx), body: body, params: params}
		resp = runHandler(rt, rq)
	}

	pc.w.record(Exchange{
		PC: pc.Name(), Method: r.Method, Path: path, Route: routeKey, RequestBody: redactSecrets(body),
		Status: resp.status, ResponseBody: resp.body, ContentType: resp.contentType, Dropped: fx.drop,
	})
	if fx.drop {
		dropConnection(w)
		return
	}
	resp.write(w)
}

// runHandler calls the route's handler and renders what it returns.
func runHandler(rt *route, rq *request) response {
	status, body, err := rt.H.h(rq)
	if err != nil {
		return errorResponseOf(rt.H.kind, v3Error(err))
	}
	return renderBody(status, body)
}

func renderBody(status int, body any) response {
	switch b := body.(type) {
	case nil:
		return response{status: status}
	case withHeader:
		resp := renderBody(status, b.body)
		resp.header = b.header
		return resp
	case rawResponse:
		return response{status: status, contentType: b.ContentType, body: b.Body}
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return errorResponseOf("", errorf(http.StatusInternalServerError, reasonInternal, "encoding response: %v", err))
		}
		return response{status: status, contentType: "application/json", body: data}
	}
}

func errorResponseOf(kind string, e *apiError) response {
	data, _ := json.Marshal(e.Body(kind))
	return response{status: e.Status, contentType: "application/json", body: data}
}

func (resp response) write(w http.ResponseWriter) {
	for k, vs := range resp.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if resp.contentType != "" {
		w.Header().Set("Content-Type", resp.contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (should not happen on HTTP/1.1): abort the handler instead, which
		// also closes the connection without a response.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(fmt.Sprintf(`{"error":%q}`, err.Error()))
	}
	response{status: status, contentType: "application/json", body: data}.write(w)
}

// Routes lists every v3 route the emulator serves, as "METHOD /api/nutanix/v3/template"
// with the spec's path templates, sorted. The v4 routes (package v4) are not listed.
func Routes() []string {
	out := make([]string, 0, len(apiRoutes.Routes))
	for _, rt := range apiRoutes.Routes {
		if strings.HasPrefix(rt.Template, v3Prefix+"/") {
			out = append(out, rt.Key())
		}
	}
	sort.Strings(out)
	return out
}
