package admin

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// fakeWorld is a World without PCs' listeners: the admin wire only needs what World gives.
type fakeWorld struct {
	clock *model.Clock
	down  map[string]bool
}

func (f *fakeWorld) PCNames() []string                            { return []string{"a", "b"} }
func (f *fakeWorld) Clock() *model.Clock                          { return f.clock }
func (f *fakeWorld) Settings() model.Settings                     { return model.Settings{}.WithDefaults() }
func (f *fakeWorld) UpdateSettings(model.Settings)                {}
func (f *fakeWorld) AddFault(fl model.Fault) (model.Fault, error) { return fl, nil }
func (f *fakeWorld) Faults() []model.Fault                        { return nil }
func (f *fakeWorld) ClearFaults(string) int                       { return 0 }
func (f *fakeWorld) SiteDown(pc string) error {
	if f.down[pc] {
		return errors.New("site " + pc + " is already down")
	}
	f.down[pc] = true
	return nil
}
func (f *fakeWorld) SiteUp(pc string) error { f.down[pc] = false; return nil }
func (f *fakeWorld) Site(pc string) (model.SiteState, bool) {
	if pc != "a" && pc != "b" {
		return model.SiteState{}, false
	}
	return model.SiteState{PC: pc, Down: f.down[pc]}, true
}
func (f *fakeWorld) RequestCounts(string) model.RequestCounts { return model.RequestCounts{} }
func (f *fakeWorld) ResetRequestCounts(string)                {}
func (f *fakeWorld) State() any                               { return map[string]string{"state": "ok"} }

func do(w World, method, path, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	Serve(w, "a", rec, httptest.NewRequestWithContext(context.Background(), method, path, strings.NewReader(body)))
	return rec
}

func TestAdminWireOnAFakeWorld(t *testing.T) {
	w := &fakeWorld{clock: model.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 0), down: map[string]bool{}}
	if rec := do(w, http.MethodGet, Prefix+"/nope", ""); rec.Code != http.StatusNotFound {
		t.Errorf("unknown endpoint: %d", rec.Code)
	}
	if rec := do(w, http.MethodPut, Prefix+"/clock", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("wrong method: %d", rec.Code)
	}
	rec := do(w, http.MethodPost, Prefix+"/clock/advance", `{"duration":"1h"}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"now":"2026-01-01T01:00:00Z"`) {
		t.Errorf("advance: %d %s", rec.Code, rec.Body)
	}
	if rec := do(w, http.MethodPost, Prefix+"/clock/advance", `{"seconds":1,"duration":"1s"}`); rec.Code != http.StatusBadRequest {
		t.Errorf("seconds and duration: %d", rec.Code)
	}
	if rec := do(w, http.MethodPost, Prefix+"/sites/zz/down", ""); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "known: a, b") {
		t.Errorf("unknown site: %d %s", rec.Code, rec.Body)
	}
	// The site whose listener got the request goes down once the answer is sent.
	if rec := do(w, http.MethodPost, Prefix+"/sites/a/down", ""); rec.Code != http.StatusOK || !w.down["a"] {
		t.Errorf("own site down: %d %v", rec.Code, w.down)
	}
	if rec := do(w, http.MethodPost, Prefix+"/sites/b/down", ""); rec.Code != http.StatusOK {
		t.Errorf("site b down: %d", rec.Code)
	}
	if rec := do(w, http.MethodPost, Prefix+"/sites/b/down", ""); rec.Code != http.StatusConflict {
		t.Errorf("site b down again: %d %s", rec.Code, rec.Body)
	}
}
