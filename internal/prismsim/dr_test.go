package prismsim

import (
	"testing"
)

// enableDR enables disaster recovery through the API and returns the finished task.
func (c *apiClient) enableDR() map[string]any {
	c.t.Helper()
	r := expect(c.t, c.v3("POST", "/services/disaster_recovery", map[string]any{"state": "ENABLE"}), 202)
	id := getString(r.json(c.t), "task_uuid")
	if !isUUID(id) {
		c.t.Fatalf("no task_uuid in %s", r.body)
	}
	task := c.waitTask(id)
	if getString(task, "status") != TaskSucceeded {
		c.t.Fatalf("enable task: %s", mustJSON(task))
	}
	return task
}

// azs lists the PC's availability zones by name.
func (c *apiClient) azs() map[string]map[string]any {
	c.t.Helper()
	r := expect(c.t, c.v3("POST", "/availability_zones/list", map[string]any{"kind": "availability_zone"}), 200).json(c.t)
	out := map[string]map[string]any{}
	for _, e := range arr(c.t, r["entities"]) {
		out[getString(e, "status", "name")] = obj(c.t, e)
	}
	if n := getInt(c.t, r, "metadata", "total_matches"); int(n) != len(out) {
		c.t.Fatalf("total_matches %d for %d distinct names: %s", n, len(out), mustJSON(r))
	}
	return out
}

func TestEnableDisasterRecovery(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	if w.PC("canada").DREnabled() {
		t.Fatal("leap-two-sites must start with DR disabled")
	}
	st := expect(t, c.v3("GET", "/services/disaster_recovery/status", nil), 200).json(t)
	if getString(st, "service_enablement_status") != "DISABLED" {
		t.Fatalf("status before enabling: %s", mustJSON(st))
	}
	if len(c.azs()) != 0 {
		t.Fatal("a PC without DR has no availability zone")
	}

	task := c.enableDR()
	ref := obj(t, get(task, "entity_reference_list", 0))
	if getString(ref, "kind") != "availability_zone" || getString(ref, "name") != "Local AZ" {
		t.Fatalf("enable task references %v, want the Local AZ", ref)
	}
	azs := c.azs()
	local, ok := azs["Local AZ"]
	if len(azs) != 1 || !ok {
		t.Fatalf("availability zones after enabling: %v", azs)
	}
	if getString(local, "status", "resources", "management_plane_type") != "Local" ||
		getString(local, "spec", "resources", "management_plane_type") != "Local" ||
		getString(local, "status", "state") != "COMPLETE" {
		t.Fatalf("Local AZ: %s", mustJSON(local))
	}
	id := getString(local, "metadata", "uuid")
	if id != getString(ref, "uuid") {
		t.Fatalf("task references %s, list shows %s", getString(ref, "uuid"), id)
	}
	got := expect(t, c.v3("GET", "/availability_zones/"+id, nil), 200).json(t)
	if getString(got, "status", "name") != "Local AZ" || getString(got, "metadata", "kind") != "availability_zone" {
		t.Fatalf("GET Local AZ: %s", mustJSON(got))
	}
	if !w.PC("canada").DREnabled() || w.PC("france").DREnabled() {
		t.Fatal("DREnabled should be true on canada only")
	}

	st = expect(t, c.v3("GET", "/services/disaster_recovery/status?include_capabilities=true", nil), 200).json(t)
	if getString(st, "service_enablement_status") != "ENABLED" || getString(st, "task_uuid") != getString(task, "uuid") ||
		get(st, "service_capabilities", "can_enable", "state") != false {
		t.Fatalf("status after enabling: %s", mustJSON(st))
	}

	// Enabling again succeeds and changes nothing.
	again := c.enableDR()
	if getString(again, "entity_reference_list", 0, "uuid") != id || len(c.azs()) != 1 {
		t.Fatalf("second enable: %s, azs %v", mustJSON(again), c.azs())
	}

	// Bad bodies, unknown services.
	r := expect(t, c.v3("POST", "/services/disaster_recovery", map[string]any{}), 422)
	if r.reason(t) != "VALIDATION_ERROR" {
		t.Fatalf("missing state: %s", r.body)
	}
	expect(t, c.v3("POST", "/services/disaster_recovery", map[string]any{"state": "DISABLE"}), 422)
	expect(t, c.v3("GET", "/services/nope/status", nil), 404)
	expect(t, c.v3("GET", "/services/disaster_recovery/status?include_capabilities=maybe", nil), 422)
	expect(t, c.v3("GET", "/availability_zones/"+newUUID(), nil), 404)

	// The Local AZ cannot be created, changed or deleted directly.
	for _, m := range []string{"PUT", "DELETE"} {
		r := expect(t, c.v3(m, "/availability_zones/"+id, map[string]any{}), 422)
		if r.reason(t) != "ACTION_NOT_SUPPORTED" {
			t.Fatalf("%s Local AZ: %s", m, r.body)
		}
	}
	expect(t, c.v3("POST", "/availability_zones", map[string]any{}), 422)
	expect(t, c.v3("DELETE", "/availability_zones/"+newUUID(), nil), 404)
}

func TestDREnabledConfig(t *testing.T) {
	w := startWorld(t, func(cfg *WorldConfig) { cfg.PCs[1].DREnabled = true })
	if w.PC("canada").DREnabled() || !w.PC("france").DREnabled() {
		t.Fatal("dr_enabled should apply to france only")
	}
	fr := newClient(t, w.PC("france"))
	if _, ok := fr.azs()["Local AZ"]; !ok {
		t.Fatal("france should start with its Local AZ")
	}
	st := expect(t, fr.v3("GET", "/services/disaster_recovery/status", nil), 200).json(t)
	if getString(st, "service_enablement_status") != "ENABLED" {
		t.Fatalf("status: %s", mustJSON(st))
	}
	state := w.State()
	if !state.PCs["france"].DREnabled || state.PCs["canada"].DREnabled {
		t.Fatalf("state dr_enabled: canada %v france %v", state.PCs["canada"].DREnabled, state.PCs["france"].DREnabled)
	}
	// drRequired is what later kinds call; v3 answers it with 422.
	if err := w.PC("canada").drRequired("", "creating a protection rule"); err == nil || v3Error(err).Status != 422 {
		t.Fatalf("drRequired on canada: %v", err)
	}
	if err := w.PC("france").drRequired("", "creating a protection rule"); err != nil {
		t.Fatalf("drRequired on france: %v", err)
	}
}
