package prismsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// The admin API lives under /_prismsim on every PC's listener, with that PC's credentials.
// It speaks plain JSON; errors are {"error": "..."}. Its calls are neither counted, faulted
// nor recorded.

func (pc *PC) serveAdmin(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, adminError{Error: "reading request body: " + err.Error()})
		return
	}
	rt, params, otherMethod := adminRoutes.match(r.Method, r.URL.EscapedPath())
	if rt == nil {
		status := http.StatusNotFound
		msg := fmt.Sprintf("no admin endpoint %s %s", r.Method, r.URL.Path)
		if otherMethod {
			status = http.StatusMethodNotAllowed
		}
		writeJSON(w, status, adminError{Error: msg})
		return
	}
	rq := &request{pc: pc, r: r, body: body, route: rt, params: params}
	status, out, err := rt.h(rq)
	if err != nil {
		status = http.StatusBadRequest
		var apiErr *apiError
		if errors.As(err, &apiErr) {
			status = apiErr.Status
			err = errors.New(apiErr.Message)
		}
		writeJSON(w, status, adminError{Error: err.Error()})
		return
	}
	writeJSON(w, status, out)
	if rq.after != nil {
		_ = http.NewResponseController(w).Flush()
		rq.after()
	}
}

type adminError struct {
	Error string `json:"error"`
}

func badAdmin(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, reasonInvalidRequest, format, args...)
}

// decodeAdmin decodes an admin body strictly (unknown fields are refused).
func decodeAdmin(rq *request, v any) *apiError {
	if len(rq.body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(rq.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badAdmin("invalid JSON body: %v", err)
	}
	return nil
}

// targetPC returns the PC named by ?pc=, or the PC whose listener got the request.
func targetPC(rq *request) (*PC, *apiError) {
	name := rq.r.URL.Query().Get("pc")
	if name == "" {
		return rq.pc, nil
	}
	pc := rq.pc.w.PC(name)
	if pc == nil {
		return nil, errorf(http.StatusNotFound, reasonNotFound, "unknown pc %q", name)
	}
	return pc, nil
}

// ClockState is what GET /_prismsim/clock answers (model.ClockState).
type ClockState = model.ClockState

func (w *World) clockState() ClockState {
	return ClockState{Now: w.clock.Now(), Rate: w.clock.Rate(), PendingTimers: w.clock.PendingTimers()}
}

func adminGetClock(rq *request) (int, any, error) {
	return http.StatusOK, rq.pc.w.clockState(), nil
}

// adminAdvanceClock answers POST /_prismsim/clock/advance {"seconds": N} or
// {"duration": "1h"}: simulated time moves forward and due timers fire before it answers.
func adminAdvanceClock(rq *request) (int, any, error) {
	var in struct {
		Seconds  *float64 `json:"seconds"`
		Duration Duration `json:"duration"`
	}
	if err := decodeAdmin(rq, &in); err != nil {
		return 0, nil, err
	}
	var d time.Duration
	switch {
	case in.Seconds != nil && in.Duration != 0:
		return 0, nil, badAdmin("give either seconds or duration, not both")
	case in.Seconds != nil:
		if *in.Seconds < 0 || math.IsNaN(*in.Seconds) || *in.Seconds > 100*365*24*3600 {
			return 0, nil, badAdmin("seconds must be between 0 and 100 years, got %g", *in.Seconds)
		}
		d = time.Duration(*in.Seconds * float64(time.Second))
	case in.Duration != 0:
		if in.Duration < 0 {
			return 0, nil, badAdmin("duration must not be negative")
		}
		d = in.Duration.Std()
	default:
		return 0, nil, badAdmin("seconds is required, e.g. {\"seconds\": 3600}")
	}
	rq.pc.w.clock.Advance(d)
	return http.StatusOK, rq.pc.w.clockState(), nil
}

func adminAddFault(rq *request) (int, any, error) {
	var f Fault
	if err := decodeAdmin(rq, &f); err != nil {
		return 0, nil, err
	}
	if f.ID != 0 {
		return 0, nil, badAdmin("id is assigned by the emulator")
	}
	added, err := rq.pc.w.AddFault(f)
	if err != nil {
		return 0, nil, badAdmin("%v", err)
	}
	return http.StatusCreated, added, nil
}

func adminListFaults(rq *request) (int, any, error) {
	return http.StatusOK, map[string]any{"faults": rq.pc.w.Faults()}, nil
}

// adminClearFaults answers DELETE /_prismsim/faults (all faults, or ?pc= only).
func adminClearFaults(rq *request) (int, any, error) {
	name := rq.r.URL.Query().Get("pc")
	if name != "" && rq.pc.w.PC(name) == nil {
		return 0, nil, errorf(http.StatusNotFound, reasonNotFound, "unknown pc %q", name)
	}
	removed := rq.pc.w.ClearFaults(name)
	return http.StatusOK, map[string]any{"removed": removed}, nil
}

func adminGetRequests(rq *request) (int, any, error) {
	pc, apiErr := targetPC(rq)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	return http.StatusOK, pc.RequestCounts(), nil
}

func adminResetRequests(rq *request) (int, any, error) {
	pc, apiErr := targetPC(rq)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	pc.ResetRequestCounts()
	return http.StatusOK, pc.RequestCounts(), nil
}

func adminGetSettings(rq *request) (int, any, error) {
	return http.StatusOK, rq.pc.w.Settings(), nil
}

// adminPutSettings answers PUT /_prismsim/settings: the fields present change, the others
// keep their value.
func adminPutSettings(rq *request) (int, any, error) {
	w := rq.pc.w
	s := w.Settings()
	if err := decodeAdmin(rq, &s); err != nil {
		return 0, nil, err
	}
	if err := s.Validate(); err != nil {
		return 0, nil, badAdmin("%v", err)
	}
	w.UpdateSettings(s)
	return http.StatusOK, w.Settings(), nil
}

func adminGetState(rq *request) (int, any, error) {
	return http.StatusOK, rq.pc.w.State(), nil
}

// WorldState is the whole world as GET /_prismsim/state answers it.
type WorldState struct {
	Clock    ClockState         `json:"clock"`
	Settings Settings           `json:"settings"`
	Faults   []Fault            `json:"faults"`
	PCs      map[string]PCState `json:"pcs"`
}

// PCState is one PC's inventory, entities rendered as the v3 API renders them.
type PCState struct {
	Name         string                `json:"name"`
	URL          string                `json:"url"`
	AdvertisedIP string                `json:"advertised_ip"`
	Region       string                `json:"region,omitempty"`
	UUID         string                `json:"uuid"`
	Down         bool                  `json:"down"`
	DREnabled    bool                  `json:"dr_enabled"`
	Entities     map[string][]envelope `json:"entities"`
	Categories   []categoryState       `json:"categories"`
	Tasks        []taskJSON            `json:"tasks"`
	Requests     RequestCounts         `json:"requests"`
	// ProtectionRules summarizes the PC's protection rules (owned and synced copies).
	ProtectionRules []ProtectionRuleState `json:"protection_rules"`
	// RecoveryPoints counts the recovery points that live on the PC.
	RecoveryPoints RecoveryPointStats `json:"recovery_points"`
	// RecoveryPointStores are the PC's MST stores with their stats (mst.go).
	RecoveryPointStores []RecoveryPointStore `json:"recovery_point_stores,omitempty"`
}

type categoryState struct {
	categoryKeyJSON
	Values []categoryValueJSON `json:"values"`
}

// State returns a snapshot of the whole world.
func (w *World) State() WorldState {
	st := WorldState{Clock: w.clockState(), Settings: w.Settings(), Faults: w.Faults(), PCs: map[string]PCState{}}
	for _, pc := range w.pcs {
		st.PCs[pc.Name()] = pc.state()
	}
	return st
}

func (pc *PC) state() PCState {
	st := PCState{Name: pc.Name(), URL: pc.URL(), AdvertisedIP: pc.AdvertisedIP(), Region: pc.Region(),
		UUID: pc.uuid, Down: pc.Down(), DREnabled: pc.DREnabled(), Entities: map[string][]envelope{},
		Requests: pc.RequestCounts()}
	live := pc.w.repl.liveReplicas(pc.Name(), pc.w.clock.Now())
	pc.mu.Lock()
	defer pc.mu.Unlock()
	st.ProtectionRules = pc.ruleStatesLocked()
	st.RecoveryPoints = pc.recoveryPointStatsLocked(live)
	st.RecoveryPointStores = pc.recoveryPointStoresLocked()
	for _, name := range sortedKeys(kinds) {
		k := kinds[name]
		list := []envelope{}
		for _, e := range pc.entitiesLocked(k) {
			list = append(list, pc.renderLocked(e))
		}
		st.Entities[k.plural] = list
	}
	st.Categories = []categoryState{}
	for _, name := range sortedKeys(pc.categories) {
		k := pc.categories[name]
		cs := categoryState{categoryKeyJSON: k.info().render(), Values: []categoryValueJSON{}}
		for _, v := range sortedKeys(k.values) {
			cs.Values = append(cs.Values, k.values[v].info(name).render())
		}
		st.Categories = append(st.Categories, cs)
	}
	st.Tasks = []taskJSON{}
	for _, t := range pc.taskList {
		st.Tasks = append(st.Tasks, pc.renderTaskLocked(t))
	}
	return st
}

// Site outages (/sites) are in sites.go.
func init() {
	registerMount(mount{prefix: adminPrefix + "/", serve: (*PC).serveAdmin})
	registerAdmin(http.MethodGet, "/clock", adminGetClock)
	registerAdmin(http.MethodPost, "/clock/advance", adminAdvanceClock)
	registerAdmin(http.MethodPost, "/faults", adminAddFault)
	registerAdmin(http.MethodGet, "/faults", adminListFaults)
	registerAdmin(http.MethodDelete, "/faults", adminClearFaults)
	registerAdmin(http.MethodGet, "/requests", adminGetRequests)
	registerAdmin(http.MethodDelete, "/requests", adminResetRequests)
	registerAdmin(http.MethodGet, "/state", adminGetState)
	registerAdmin(http.MethodGet, "/settings", adminGetSettings)
	registerAdmin(http.MethodPut, "/settings", adminPutSettings)
}
