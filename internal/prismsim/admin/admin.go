// Package admin is prismsim's admin wire: the API under /_prismsim on every PC's HTTPS
// listener, with that PC's credentials, through which tests and tools drive the world
// (clock, faults, request counters, settings, sites, state). It speaks plain JSON; errors
// are {"error": "..."}. Its calls are neither counted, faulted nor recorded. It knows the
// world only through World, which prismsim implements (wire_admin.go).
package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/routing"
)

// Prefix is the path prefix of the admin API.
const Prefix = "/_prismsim"

// maxBodyBytes bounds a request body.
const maxBodyBytes = 16 << 20

// World is what the admin wire needs of the world.
type World interface {
	PCNames() []string
	Clock() *model.Clock
	Settings() model.Settings
	UpdateSettings(s model.Settings)
	AddFault(f model.Fault) (model.Fault, error)
	Faults() []model.Fault
	ClearFaults(pc string) int
	SiteDown(pc string) error
	SiteUp(pc string) error
	// Site returns the state of the named PC's site; ok is false when there is no such PC.
	Site(pc string) (model.SiteState, bool)
	RequestCounts(pc string) model.RequestCounts
	ResetRequestCounts(pc string)
	// State is the whole world, as GET /_prismsim/state answers it.
	State() any
}

// request is what a handler sees of an admin request.
type request struct {
	w      World
	pc     string // the PC whose listener got the request
	r      *http.Request
	body   []byte
	params map[string]string
	// after runs once the answer has been sent (taking down the site whose listener got
	// the request, for example).
	after func()
}

// adminError is an error answered with its status as {"error": message}.
type adminError struct {
	status  int
	message string
}

func (e *adminError) Error() string { return e.message }

func bad(format string, args ...any) *adminError {
	return &adminError{status: http.StatusBadRequest, message: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) *adminError {
	return &adminError{status: http.StatusConflict, message: fmt.Sprintf(format, args...)}
}

func unknownPC(format string, args ...any) *adminError {
	return &adminError{status: http.StatusNotFound, message: fmt.Sprintf(format, args...)}
}

type handler func(rq *request) (int, any, error)

// routes are the admin endpoints.
var routes = func() *routing.Table[handler] {
	t := &routing.Table[handler]{}
	for _, r := range []struct {
		method, path string
		h            handler
	}{
		{http.MethodGet, "/clock", getClock},
		{http.MethodPost, "/clock/advance", advanceClock},
		{http.MethodPost, "/faults", addFault},
		{http.MethodGet, "/faults", listFaults},
		{http.MethodDelete, "/faults", clearFaults},
		{http.MethodGet, "/requests", getRequests},
		{http.MethodDelete, "/requests", resetRequests},
		{http.MethodGet, "/state", getState},
		{http.MethodGet, "/settings", getSettings},
		{http.MethodPut, "/settings", putSettings},
		{http.MethodGet, "/sites", listSites},
		{http.MethodPost, "/sites/{pc}/down", siteDown},
		{http.MethodPost, "/sites/{pc}/up", siteUp},
	} {
		t.Add(r.method, Prefix+r.path, r.h)
	}
	return t
}()

// Serve answers an admin request that reached the listener of the PC named pc.
func Serve(w World, pc string, rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "reading request body: " + err.Error()})
		return
	}
	rt, params, otherMethod := routes.Match(r.Method, r.URL.EscapedPath())
	if rt == nil {
		status := http.StatusNotFound
		if otherMethod {
			status = http.StatusMethodNotAllowed
		}
		writeJSON(rw, status, map[string]string{"error": fmt.Sprintf("no admin endpoint %s %s", r.Method, r.URL.Path)})
		return
	}
	rq := &request{w: w, pc: pc, r: r, body: body, params: params}
	status, out, err := rt.H(rq)
	if err != nil {
		status = http.StatusBadRequest
		var ae *adminError
		if errors.As(err, &ae) {
			status = ae.status
		}
		writeJSON(rw, status, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(rw, status, out)
	if rq.after != nil {
		_ = http.NewResponseController(rw).Flush()
		rq.after()
	}
}

func writeJSON(rw http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(fmt.Sprintf(`{"error":%q}`, err.Error()))
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Content-Length", fmt.Sprint(len(data)))
	rw.WriteHeader(status)
	_, _ = rw.Write(data)
}

// decode decodes an admin body strictly (unknown fields are refused); an empty body
// leaves v as it is.
func decode(rq *request, v any) error {
	if len(rq.body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(rq.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bad("invalid JSON body: %v", err)
	}
	return nil
}

// targetPC returns the PC named by ?pc=, or the PC whose listener got the request.
func targetPC(rq *request) (string, error) {
	name := rq.r.URL.Query().Get("pc")
	if name == "" {
		return rq.pc, nil
	}
	if _, ok := rq.w.Site(name); !ok {
		return "", unknownPC("unknown pc %q", name)
	}
	return name, nil
}

func clockState(c *model.Clock) model.ClockState {
	return model.ClockState{Now: c.Now(), Rate: c.Rate(), PendingTimers: c.PendingTimers()}
}

func getClock(rq *request) (int, any, error) {
	return http.StatusOK, clockState(rq.w.Clock()), nil
}

// advanceClock answers POST /_prismsim/clock/advance {"seconds": N} or {"duration": "1h"}:
// simulated time moves forward and due timers fire before it answers.
func advanceClock(rq *request) (int, any, error) {
	var in struct {
		Seconds  *float64       `json:"seconds"`
		Duration model.Duration `json:"duration"`
	}
	if err := decode(rq, &in); err != nil {
		return 0, nil, err
	}
	var d time.Duration
	switch {
	case in.Seconds != nil && in.Duration != 0:
		return 0, nil, bad("give either seconds or duration, not both")
	case in.Seconds != nil:
		if *in.Seconds < 0 || math.IsNaN(*in.Seconds) || *in.Seconds > 100*365*24*3600 {
			return 0, nil, bad("seconds must be between 0 and 100 years, got %g", *in.Seconds)
		}
		d = time.Duration(*in.Seconds * float64(time.Second))
	case in.Duration != 0:
		if in.Duration < 0 {
			return 0, nil, bad("duration must not be negative")
		}
		d = in.Duration.Std()
	default:
		return 0, nil, bad("seconds is required, e.g. {\"seconds\": 3600}")
	}
	rq.w.Clock().Advance(d)
	return http.StatusOK, clockState(rq.w.Clock()), nil
}

func addFault(rq *request) (int, any, error) {
	var f model.Fault
	if err := decode(rq, &f); err != nil {
		return 0, nil, err
	}
	if f.ID != 0 {
		return 0, nil, bad("id is assigned by the emulator")
	}
	added, err := rq.w.AddFault(f)
	if err != nil {
		return 0, nil, bad("%v", err)
	}
	return http.StatusCreated, added, nil
}

func listFaults(rq *request) (int, any, error) {
	return http.StatusOK, map[string]any{"faults": rq.w.Faults()}, nil
}

// clearFaults answers DELETE /_prismsim/faults (all faults, or ?pc= only).
func clearFaults(rq *request) (int, any, error) {
	name := rq.r.URL.Query().Get("pc")
	if name != "" {
		if _, ok := rq.w.Site(name); !ok {
			return 0, nil, unknownPC("unknown pc %q", name)
		}
	}
	return http.StatusOK, map[string]any{"removed": rq.w.ClearFaults(name)}, nil
}

func getRequests(rq *request) (int, any, error) {
	pc, err := targetPC(rq)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.w.RequestCounts(pc), nil
}

func resetRequests(rq *request) (int, any, error) {
	pc, err := targetPC(rq)
	if err != nil {
		return 0, nil, err
	}
	rq.w.ResetRequestCounts(pc)
	return http.StatusOK, rq.w.RequestCounts(pc), nil
}

func getSettings(rq *request) (int, any, error) {
	return http.StatusOK, rq.w.Settings(), nil
}

// putSettings answers PUT /_prismsim/settings: the fields present change, the others keep
// their value.
func putSettings(rq *request) (int, any, error) {
	s := rq.w.Settings()
	if err := decode(rq, &s); err != nil {
		return 0, nil, err
	}
	if err := s.Validate(); err != nil {
		return 0, nil, bad("%v", err)
	}
	rq.w.UpdateSettings(s)
	return http.StatusOK, rq.w.Settings(), nil
}

func getState(rq *request) (int, any, error) {
	return http.StatusOK, rq.w.State(), nil
}

func listSites(rq *request) (int, any, error) {
	out := []model.SiteState{}
	for _, name := range rq.w.PCNames() {
		if st, ok := rq.w.Site(name); ok {
			out = append(out, st)
		}
	}
	return http.StatusOK, map[string]any{"sites": out}, nil
}

// site returns the PC named by the {pc} path parameter.
func site(rq *request) (string, error) {
	name := rq.params["pc"]
	if _, ok := rq.w.Site(name); !ok {
		return "", unknownPC("unknown pc %q (known: %s)", name, strings.Join(rq.w.PCNames(), ", "))
	}
	return name, nil
}

// siteDown answers POST /_prismsim/sites/{pc}/down. When the site is the one whose
// listener got the request, it goes down once the answer is sent.
func siteDown(rq *request) (int, any, error) {
	target, err := site(rq)
	if err != nil {
		return 0, nil, err
	}
	if target == rq.pc {
		rq.after = func() { _ = rq.w.SiteDown(target) }
		st, _ := rq.w.Site(target)
		st.Down = true
		return http.StatusOK, st, nil
	}
	if err := rq.w.SiteDown(target); err != nil {
		return 0, nil, conflict("%v", err)
	}
	st, _ := rq.w.Site(target)
	return http.StatusOK, st, nil
}

// siteUp answers POST /_prismsim/sites/{pc}/up.
func siteUp(rq *request) (int, any, error) {
	target, err := site(rq)
	if err != nil {
		return 0, nil, err
	}
	if err := rq.w.SiteUp(target); err != nil {
		return 0, nil, conflict("%v", err)
	}
	st, _ := rq.w.Site(target)
	return http.StatusOK, st, nil
}
