package client

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// A small v4 Prism Central serving recovery points: the dataprotection probe, the list (which
// records its $filter) and the get; every other request is recorded and answered 404 (or an
// empty v3 list).
type fakeRecoveryPoints struct {
	mu     sync.Mutex
	points []map[string]any
	// mst are the points kept in MST stores, listed only with X-Cluster-Id: MST (refused
	// with 400 when refuseMST is set).
	mst        []map[string]any
	refuseMST  bool
	filters    []string
	mstFilters []string
	other      []string
	failing    bool
}

const (
	rpDMCanada = "0c000000-0000-4000-8000-0000000000c0"
	rpAZCanada = "0a000000-0000-4000-8000-0000000000a0"
	rpDMOther  = "0d000000-0000-4000-8000-0000000000d0"
	rpAZOther  = "0e000000-0000-4000-8000-0000000000e0"
)

func (f *fakeRecoveryPoints) handle(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	const coll = "/api/dataprotection/v4.3/config/recovery-points"
	switch {
	case r.Method == http.MethodOptions && r.URL.Path == "/api/dataprotection/unversioned/info":
		_, _ = w.Write([]byte(`{"data":"v4.3"}`))
	case r.Method == http.MethodGet && r.URL.Path == coll && f.failing:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"data":{"error":[{"code":"DTP-40003","message":"no"}]}}`))
	case r.Method == http.MethodGet && r.URL.Path == coll && r.Header.Get("X-Cluster-Id") == "MST" && f.refuseMST:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"data":{"error":[{"code":"DTP-40005","message":"no MST"}]}}`))
	case r.Method == http.MethodGet && r.URL.Path == coll:
		points := f.points
		if r.Header.Get("X-Cluster-Id") == "MST" {
			points = f.mst
			f.mstFilters = append(f.mstFilters, r.URL.Query().Get("$filter"))
		} else {
			f.filters = append(f.filters, r.URL.Query().Get("$filter"))
		}
		body, _ := json.Marshal(map[string]any{"data": points, "metadata": map[string]any{"totalAvailableResults": len(points)}})
		_, _ = w.Write(body)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, coll+"/"):
		id := strings.TrimPrefix(r.URL.Path, coll+"/")
		for _, p := range f.points {
			if p["extId"] == id {
				body, _ := json.Marshal(map[string]any{"data": p})
				w.Header().Set("ETag", `W/"1"`)
				_, _ = w.Write(body)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"data":{"error":[{"code":"DTP-40400","message":"not found"}]}}`))
	case r.Method == http.MethodPost && r.URL.Path == "/api/nutanix/v3/vm_recovery_points/list":
		f.other = append(f.other, r.Method+" "+r.URL.Path)
		_, _ = w.Write([]byte(`{"api_version":"3.1","metadata":{"kind":"vm_recovery_point","total_matches":0,"length":0,"offset":0},"entities":[]}`))
	default:
		f.other = append(f.other, r.Method+" "+r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
	}
}

// v4Point is a v4 recovery point taken at dm of the VMs given (vm extId -> VM recovery point extId).
func v4Point(id, dm, created string, vms ...string) map[string]any {
	var vmps []any
	for i := 0; i+1 < len(vms); i += 2 {
		vmps = append(vmps, map[string]any{"extId": vms[i+1], "vmExtId": vms[i], "creationTime": created, "recoveryPointType": "CRASH_CONSISTENT"})
	}
	return map[string]any{
		"extId": id, "name": "rp-" + id[:2], "creationTime": created, "expirationTime": "2025-01-03T00:00:00Z",
		"locationAgnosticId": "9f000000-0000-4000-8000-0000000000f9", "recoveryPointType": "CRASH_CONSISTENT", "status": "COMPLETE",
		"locationReferences": []any{map[string]any{"locationExtId": frCluster}},
		"sourceLocation":     map[string]any{"domainManagerExtId": dm, "clusterExtIds": []any{"ca000000-0000-4000-8000-0000000000ca"}},
		"vmRecoveryPoints":   vmps,
	}
}

// clientOf returns an "auto" client of the fake whose zone map knows canada's and another
// Prism Central's domain managers.
func (f *fakeRecoveryPoints) clientOf(t *testing.T) (*Client, *recLogger) {
	t.Helper()
	srv := newServer(t, f.handle)
	c, log := newClient(t, srv, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	z := c.zoneCache()
	z.built = true
	z.toAZ = map[string]string{rpDMCanada: rpAZCanada, rpDMOther: rpAZOther}
	z.toDM = map[string]string{rpAZCanada: rpDMCanada, rpAZOther: rpDMOther}
	return c, log
}

func TestV4RecoveryPointFilter(t *testing.T) {
	for _, tc := range []struct{ fiql, odata string }{
		{"", ""},
		{"vm_uuid==" + vmApp, "vmRecoveryPoints/any(v:v/vmExtId eq '" + vmApp + "')"},
		{"vm_uuid==" + vmApp + ",vm_uuid==" + vmDB, "vmRecoveryPoints/any(v:v/vmExtId eq '" + vmApp + "') or vmRecoveryPoints/any(v:v/vmExtId eq '" + vmDB + "')"},
		{"name==it's", "name eq 'it''s'"},
	} {
		got, err := v4RecoveryPointFilter(tc.fiql)
		if err != nil || got != tc.odata {
			t.Errorf("v4RecoveryPointFilter(%q) = %q, %v; want %q", tc.fiql, got, err, tc.odata)
		}
	}
	for _, fiql := range []string{"vm_name==app-01", "protection_rule_uuid==" + fixtureUUID, "vm_uuid==a;name==b", "recovery_point_type==LIVE"} {
		if _, err := v4RecoveryPointFilter(fiql); !isNoV4Form(err) {
			t.Errorf("v4RecoveryPointFilter(%q) = %v, want a no-v4-form error", fiql, err)
		}
	}
}

func isNoV4Form(err error) bool {
	_, ok := err.(*noV4FormError) //nolint:errorlint // the function returns it unwrapped
	return ok
}

// A v4 point of two VMs is two of the client's points, with the v4 point's id and each VM
// recovery point's; its source domain manager is mapped to its zone. A filter without a v4
// form is read over v3 under "auto".
func TestListVMRecoveryPointsOverV4(t *testing.T) {
	f := &fakeRecoveryPoints{points: []map[string]any{
		v4Point("8a000000-0000-4000-8000-0000000000a8", rpDMCanada, "2025-01-02T03:04:05Z",
			vmApp, "8b000000-0000-4000-8000-0000000000b8", vmDB, "8c000000-0000-4000-8000-0000000000c8"),
	}}
	c, _ := f.clientOf(t)
	ctx := t.Context()
	points, err := c.ListVMRecoveryPoints(ctx, "vm_uuid=="+vmApp)
	if err != nil || len(points) != 2 {
		t.Fatalf("ListVMRecoveryPoints = %+v, %v", points, err)
	}
	if len(f.filters) != 1 || f.filters[0] != "vmRecoveryPoints/any(v:v/vmExtId eq '"+vmApp+"')" {
		t.Errorf("filters sent: %q", f.filters)
	}
	want := RecoveryPoint{UUID: "8a000000-0000-4000-8000-0000000000a8", VMRecoveryPointUUID: "8b000000-0000-4000-8000-0000000000b8",
		Name: "rp-8a", VMUUID: vmApp, ClusterUUID: frCluster, SourceAvailabilityZoneUUID: rpAZCanada,
		LocationAgnosticUUID: "9f000000-0000-4000-8000-0000000000f9", Type: RecoveryPointCrashConsistent,
		CreationTime: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), ExpirationTime: time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)}
	if points[0] != want || points[1].VMUUID != vmDB || points[1].UUID != want.UUID || points[1].VMRecoveryPointUUID != "8c000000-0000-4000-8000-0000000000c8" {
		t.Errorf("points = %+v\nwant %+v first", points, want)
	}
	one, err := c.GetVMRecoveryPoint(ctx, want.UUID)
	if err != nil || one.VMUUID != vmApp {
		t.Errorf("GetVMRecoveryPoint = %+v, %v", one, err)
	}
	if _, err := c.GetVMRecoveryPoint(ctx, "8d000000-0000-4000-8000-0000000000d8"); err == nil {
		t.Error("GetVMRecoveryPoint of a missing point: no error")
	}
	if _, err := c.ListVMRecoveryPoints(ctx, "vm_name==app-01"); err != nil || len(f.other) != 1 || !strings.Contains(f.other[0], "/api/nutanix/v3/vm_recovery_points/list") {
		t.Errorf("a vm_name filter: %v, other requests %q (want the v3 list)", err, f.other)
	}
}

// The data-loss window of an unplanned failover the job does not report is worked out from
// the recovery points: per recovered VM the latest point taken at the failed zone on or before
// the reference time, the longest gap of them.
func TestDataLossWindowFromRecoveryPoints(t *testing.T) {
	start := time.Date(2025, 1, 2, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) string { return start.Add(d).Format(time.RFC3339) }
	f := &fakeRecoveryPoints{points: []map[string]any{
		v4Point("8a000000-0000-4000-8000-0000000000a1", rpDMCanada, at(-20*time.Minute), vmApp, "8b000000-0000-4000-8000-0000000000b1"),
		v4Point("8a000000-0000-4000-8000-0000000000a2", rpDMCanada, at(-7*time.Minute), vmApp, "8b000000-0000-4000-8000-0000000000b2"),
		// Taken elsewhere (a point of the VM's earlier life at another site): not a source.
		v4Point("8a000000-0000-4000-8000-0000000000a3", rpDMOther, at(-2*time.Minute), vmApp, "8b000000-0000-4000-8000-0000000000b3"),
		// After the job started: not used.
		v4Point("8a000000-0000-4000-8000-0000000000a4", rpDMCanada, at(time.Minute), vmApp, "8b000000-0000-4000-8000-0000000000b4"),
		v4Point("8a000000-0000-4000-8000-0000000000a5", rpDMCanada, at(-4*time.Minute), vmDB, "8b000000-0000-4000-8000-0000000000b5"),
	}}
	c, log := f.clientOf(t)
	ctx := t.Context()
	job := func() *RecoveryPlanJob {
		return &RecoveryPlanJob{UUID: "5a000000-0000-4000-8000-0000000000a5", ActionType: JobActionFailover, Status: JobStatusCompleted,
			StartTime: start, FailedAZUUID: rpAZCanada,
			RecoveredVMs: []RecoveredVM{{SourceUUID: vmApp, UUID: vmApp}, {SourceUUID: vmDB, UUID: vmDB}}}
	}

	j := job()
	c.fillDataLossWindow(ctx, "test", j)
	if j.DataLossWindow == nil || *j.DataLossWindow != 7*time.Minute {
		t.Fatalf("window = %v, want 7m (app-01's point of 11:53)", j.DataLossWindow)
	}
	if len(f.filters) != 1 || !strings.Contains(f.filters[0], vmApp) || !strings.Contains(f.filters[0], " or ") {
		t.Errorf("one list for both VMs, got filters %q", f.filters)
	}

	// A reference time: the points on or before it.
	j = job()
	ref := start.Add(-10 * time.Minute)
	j.RecoveryReferenceTime = &ref
	c.fillDataLossWindow(ctx, "test", j)
	if j.DataLossWindow == nil || *j.DataLossWindow != 10*time.Minute {
		t.Errorf("window with a reference time = %v, want 10m (app-01's point of 11:40)", j.DataLossWindow)
	}

	// Reported, not a completed unplanned failover: left as it is, nothing read.
	sent := len(f.filters)
	five := 5 * time.Minute
	for _, j := range []*RecoveryPlanJob{
		{ActionType: JobActionFailover, Status: JobStatusCompleted, StartTime: start, DataLossWindow: &five, RecoveredVMs: job().RecoveredVMs},
		{ActionType: JobActionMigrate, Status: JobStatusCompleted, StartTime: start, RecoveredVMs: job().RecoveredVMs},
		{ActionType: JobActionFailover, Status: JobStatusFailed, StartTime: start, RecoveredVMs: job().RecoveredVMs},
	} {
		before := j.DataLossWindow
		c.fillDataLossWindow(ctx, "test", j)
		if j.DataLossWindow != before {
			t.Errorf("%s %s: window changed to %v", j.ActionType, j.Status, j.DataLossWindow)
		}
	}
	if len(f.filters) != sent {
		t.Errorf("recovery points listed for jobs that need no window: %q", f.filters[sent:])
	}

	// The points cannot be read: the window stays unknown, with a warning.
	f.mu.Lock()
	f.failing = true
	f.mu.Unlock()
	j = job()
	c.fillDataLossWindow(ctx, "test", j)
	if j.DataLossWindow != nil || !strings.Contains(log.text(), "data-loss window") {
		t.Errorf("window = %v after a failed list; log:\n%s", j.DataLossWindow, log.text())
	}
}

// Points kept in MST stores are listed with X-Cluster-Id: MST too, once each even when the
// Prism Central lists them by default as well, oldest first; a Prism Central that refuses that
// list (4xx) gives the others.
func TestListVMRecoveryPointsInMSTStores(t *testing.T) {
	local := v4Point("8a000000-0000-4000-8000-0000000000a8", rpDMCanada, "2025-01-02T03:04:05Z", vmApp, "8b000000-0000-4000-8000-0000000000b8")
	inStore := v4Point("8e000000-0000-4000-8000-0000000000e8", rpDMCanada, "2025-01-02T01:00:00Z", vmApp, "8f000000-0000-4000-8000-0000000000f8")
	f := &fakeRecoveryPoints{points: []map[string]any{local}, mst: []map[string]any{local, inStore}}
	c, _ := f.clientOf(t)
	points, err := c.ListVMRecoveryPoints(t.Context(), "vm_uuid=="+vmApp)
	if err != nil || len(points) != 2 || points[0].UUID != inStore["extId"] || points[1].UUID != local["extId"] {
		t.Fatalf("ListVMRecoveryPoints = %+v, %v; want the store's point, then the local one", points, err)
	}
	if len(f.mstFilters) != 1 || f.mstFilters[0] != f.filters[0] {
		t.Errorf("the MST list had filters %q, the other %q", f.mstFilters, f.filters)
	}
	f.refuseMST = true
	points, err = c.ListVMRecoveryPoints(t.Context(), "vm_uuid=="+vmApp)
	if err != nil || len(points) != 1 || points[0].UUID != local["extId"] {
		t.Errorf("with the MST list refused: %+v, %v", points, err)
	}
}
