package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// Keys of env.dr set by the protection policy steps.
const (
	ppRule      = "protection rule canada<->france"
	ppFR01      = "cluster FR01"
	ppCatKey    = "replicated-vm"
	ppCatValue  = "from-canada"
	ppRulesPath = "/protection_rules"
)

// ppSteps are the protection policy steps (issue 4): a bidirectional protection rule
// between the paired PCs, its recovery points on the simulated clock, its update, its
// refusals and its delete. They run while canada and france are paired.
func ppSteps() []step {
	return []step{
		{"protected VMs get the category", []string{"PUT /categories/{name}", "PUT /categories/{name}/{value}", "PUT /vms/{uuid}"}, ppTagVMs},
		{"a protection rule is created", []string{"POST /protection_rules", "POST /tasks/poll | GET /tasks/{uuid}", "GET /protection_rules/{uuid}"}, ppCreate},
		{"protection rules are listed on both PCs", []string{"POST /protection_rules/list"}, ppList},
		{"the VMs a protection rule covers are queried", []string{"GET /protection_rules/{uuid}/query_entities"}, ppQueryEntities},
		{"recovery points are taken and replicated", []string{"POST /vm_recovery_points/list", "GET /vm_recovery_points/{uuid}"}, ppRecoveryPoints},
		{"a protection rule is updated", []string{"GET /protection_rules/{uuid}", "PUT /protection_rules/{uuid}", "POST /tasks/poll | GET /tasks/{uuid}"}, ppUpdate},
		{"a stale protection rule spec_version is refused", []string{"PUT /protection_rules/{uuid}"}, ppStale},
		{"the copy on the paired PC is updated there", []string{"GET /protection_rules/{uuid}", "PUT /protection_rules/{uuid}", "POST /tasks/poll | GET /tasks/{uuid}"}, ppCopyUpdated},
		{"invalid protection rules are refused", []string{"POST /protection_rules"}, ppRefused},
		{"malformed protection rule requests are refused", []string{"POST /protection_rules", "POST /protection_rules/list", "POST /vm_recovery_points/list"}, ppMalformed},
		{"missing protection rules and recovery points are not found", []string{"GET /protection_rules/{uuid}", "DELETE /protection_rules/{uuid}", "GET /protection_rules/{uuid}/query_entities", "GET /vm_recovery_points/{uuid}"}, ppNotFound},
		{"a protection rule is deleted on the paired PC", []string{"DELETE /protection_rules/{uuid}", "POST /tasks/poll | GET /tasks/{uuid}", "POST /protection_rules/list"}, ppDelete},
		{"protection categories are cleaned up", []string{"PUT /vms/{uuid}", "DELETE /categories/{name}/{value}", "DELETE /categories/{name}"}, ppCleanup},
	}
}

func i64(v int64) *int64 { return &v }

// ppSeedRule is the seed's policy: canada -> france every 15 minutes, application
// consistent, 4 local and 4 remote, and france -> canada for failback.
func ppSeedRule(e *env) client.ProtectionPolicy {
	four := func() *client.RetentionPolicy { return &client.RetentionPolicy{NumSnapshots: i64(4)} }
	return client.ProtectionPolicy{
		Name:        "replicated-vm",
		Description: "canada <-> france",
		Locations: []client.ProtectionLocation{
			{AvailabilityZoneUUID: e.dr[drLocalCanada], ClusterUUIDs: []string{e.clusters["CA01"]}},
			{AvailabilityZoneUUID: e.dr[drRemoteAZ], ClusterUUIDs: []string{e.dr[ppFR01]}},
		},
		PrimaryLocationIndexes: []int{0},
		Connectivity: []client.ProtectionConnectivity{
			{SourceIndex: 0, DestinationIndex: 1, Schedules: []client.SnapshotSchedule{
				{RPOSecs: 900, SnapshotType: client.SnapshotTypeApplicationConsistent, LocalRetention: four(), RemoteRetention: four()},
				{RPOSecs: 86400, SnapshotType: client.SnapshotTypeCrashConsistent, RemoteRetention: &client.RetentionPolicy{Rollup: &client.RollupRetention{Multiple: 2, IntervalType: client.RollupWeekly}}},
			}},
			{SourceIndex: 1, DestinationIndex: 0, Schedules: []client.SnapshotSchedule{{RPOSecs: 900, LocalRetention: four(), RemoteRetention: four()}}},
		},
		CategoryFilter: client.CategoryFilter{Type: client.CategoriesMatchAny, KindList: []string{"vm"}, Params: map[string][]string{ppCatKey: {ppCatValue}}},
	}
}

func ppTagVMs(ctx context.Context, t *testing.T, e *env) {
	need(t, "the pairing of canada with france", e.dr[drTrust])
	for _, c := range []*client.Client{e.canada, e.france} {
		if _, err := c.PutCategoryKey(ctx, client.CategoryKey{Name: ppCatKey, Description: "replicated by the seed policy"}); err != nil {
			t.Fatalf("PutCategoryKey: %v", err)
		}
		if _, err := c.PutCategoryValue(ctx, client.CategoryValue{Key: ppCatKey, Value: ppCatValue}); err != nil {
			t.Fatalf("PutCategoryValue: %v", err)
		}
	}
	for _, name := range []string{"app-01", "db-01"} {
		id := need(t, "the uuid of "+name, e.vms[name])
		vm, err := e.canada.UpdateVMCategories(ctx, id, func(m map[string]string) { m[ppCatKey] = ppCatValue })
		if err != nil || vm.Categories[ppCatKey] != ppCatValue {
			t.Fatalf("UpdateVMCategories(%s) = %+v, %v", name, vm, err)
		}
	}
	fr, err := e.france.ListClusters(ctx, "name==FR01")
	if err != nil || len(fr) != 1 {
		t.Fatalf("ListClusters(name==FR01) on france = %+v, %v", fr, err)
	}
	e.dr[ppFR01] = fr[0].UUID
}

func ppCreate(ctx context.Context, t *testing.T, e *env) {
	need(t, "cluster FR01 and the categories", e.dr[ppFR01])
	in := ppSeedRule(e)
	r, err := e.canada.CreateProtectionPolicy(ctx, in)
	if err != nil {
		t.Fatalf("CreateProtectionPolicy: %v", err)
	}
	e.dr[ppRule] = r.UUID
	want := in
	want.UUID, want.State, want.SpecVersion = r.UUID, r.State, r.SpecVersion
	if !reflect.DeepEqual(*r, want) || r.State != "COMPLETE" {
		t.Errorf("the created rule reads back as\n%#v\nwant\n%#v", *r, want)
	}
}

func ppList(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the protection rule", e.dr[ppRule])
	for name, c := range map[string]*client.Client{"canada": e.canada, "france": e.france} {
		all, err := c.ListProtectionPolicies(ctx, "")
		if err != nil {
			t.Fatalf("ListProtectionPolicies on %s: %v", name, err)
		}
		if len(all) != 1 || all[0].UUID != id || all[0].Name != "replicated-vm" || len(all[0].Connectivity) != 2 {
			t.Errorf("%s lists %+v, want the rule %s", name, all, id)
		}
	}
	named, err := e.canada.ListProtectionPolicies(ctx, "name==replicated-vm")
	if err != nil || len(named) != 1 {
		t.Errorf("ListProtectionPolicies(name==replicated-vm) = %+v, %v", named, err)
	}
}

func ppQueryEntities(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the protection rule", e.dr[ppRule])
	got, err := e.canada.ProtectedVMUUIDs(ctx, id)
	if err != nil {
		t.Fatalf("ProtectedVMUUIDs: %v", err)
	}
	want := []string{e.vms["app-01"], e.vms["db-01"]}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ProtectedVMUUIDs = %v, want app-01 and db-01 %v", got, want)
	}
}

// admin calls the emulator's admin API on canada.
func (e *env) admin(ctx context.Context, t *testing.T, method, path string, in, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		body = bytes.NewReader(mustJSON(t, in))
	}
	req, err := http.NewRequestWithContext(ctx, method, e.canadaPC.URL()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(e.raw.user, e.raw.password)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.raw.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %v %s", method, path, resp.StatusCode, err, truncate(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func ppRecoveryPoints(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the protection rule", e.dr[ppRule])
	e.admin(ctx, t, http.MethodPost, "/_prismsim/clock/advance", map[string]any{"seconds": 3600}, nil)
	frLocal := e.dr[drLocalFrance]
	rps, err := e.france.ListVMRecoveryPoints(ctx, "")
	if err != nil {
		t.Fatalf("ListVMRecoveryPoints on france: %v", err)
	}
	count := map[string]int{}
	for _, rp := range rps {
		count[rp.VMName]++
		if rp.AvailabilityZoneUUID != frLocal || rp.ProtectionPolicyUUID != id || rp.CreationTime.IsZero() || rp.VMUUID != e.vms[rp.VMName] {
			t.Errorf("replicated recovery point = %+v", rp)
		}
	}
	for _, name := range []string{"app-01", "db-01"} {
		if count[name] == 0 {
			t.Errorf("france holds no recovery point of %s after an hour: %v", name, count)
		}
	}
	if count["dns-01"] != 0 {
		t.Errorf("france holds recovery points of dns-01, which is not protected")
	}
	byVM, err := e.france.ListVMRecoveryPoints(ctx, "vm_uuid=="+e.vms["app-01"])
	if err != nil || len(byVM) != count["app-01"] {
		t.Errorf("ListVMRecoveryPoints(vm_uuid==app-01) = %d points, %v; want %d", len(byVM), err, count["app-01"])
	}
	local, err := e.canada.ListVMRecoveryPoints(ctx, "availability_zone_uuid=="+e.dr[drLocalCanada])
	if err != nil || len(local) == 0 {
		t.Errorf("canada's local recovery points = %d, %v", len(local), err)
	}
	if len(rps) > 0 {
		one, err := e.france.GetVMRecoveryPoint(ctx, rps[0].UUID)
		if err != nil || one.UUID != rps[0].UUID || !one.CreationTime.Equal(rps[0].CreationTime) {
			t.Errorf("GetVMRecoveryPoint = %+v, %v; want %+v", one, err, rps[0])
		}
	}
}

func ppUpdate(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the protection rule", e.dr[ppRule])
	r, err := e.canada.GetProtectionPolicy(ctx, id)
	if err != nil {
		t.Fatalf("GetProtectionPolicy: %v", err)
	}
	r.Description = "updated"
	r.Connectivity[1].Schedules[0].RPOSecs = 1800
	r.Connectivity[0].Schedules[0].LocalRetention = &client.RetentionPolicy{NumSnapshots: i64(6)}
	got, err := e.canada.UpdateProtectionPolicy(ctx, *r)
	if err != nil {
		t.Fatalf("UpdateProtectionPolicy: %v", err)
	}
	want := *r
	want.SpecVersion = got.SpecVersion
	if got.SpecVersion <= r.SpecVersion || !reflect.DeepEqual(*got, want) {
		t.Errorf("updated rule = %#v\nwant %#v", *got, want)
	}
	copyOnFrance, err := e.france.GetProtectionPolicy(ctx, id)
	if err != nil || copyOnFrance.Description != "updated" || copyOnFrance.SpecVersion != got.SpecVersion {
		t.Errorf("france's copy after the update = %+v, %v", copyOnFrance, err)
	}
}

// ruleBody reads a rule through the raw client and returns it without status.
func ruleBody(ctx context.Context, t *testing.T, e *env, id string) map[string]any {
	t.Helper()
	status, body, err := e.raw.do(ctx, http.MethodGet, ppRulesPath+"/"+id, nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET %s/%s: %d %v %s", ppRulesPath, id, status, err, truncate(body))
	}
	doc := object(t, body)
	delete(doc, "status")
	return doc
}

func ppStale(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the protection rule", e.dr[ppRule])
	doc := ruleBody(ctx, t, e, id)
	meta, _ := doc["metadata"].(map[string]any)
	sv, _ := meta["spec_version"].(json.Number)
	current, err := sv.Int64()
	if err != nil {
		t.Fatalf("spec_version %v: %v", meta["spec_version"], err)
	}
	meta["spec_version"] = current - 1
	status, body, err := e.raw.do(ctx, http.MethodPut, ppRulesPath+"/"+id, mustJSON(t, doc))
	if err != nil || status != http.StatusConflict {
		t.Fatalf("PUT with spec_version %d (current %d): %d %v %s, want 409", current-1, current, status, err, truncate(body))
	}
	if !strings.Contains(string(body), client.ReasonConcurrentRequests) {
		t.Errorf("stale PUT answered %s, want reason %s", truncate(body), client.ReasonConcurrentRequests)
	}
	if r, err := e.canada.GetProtectionPolicy(ctx, id); err != nil || int64(r.SpecVersion) != current {
		t.Errorf("the refused PUT changed the rule: %+v, %v", r, err)
	}
}

// ppCopyUpdated updates the rule's copy on france, as the seed guide updates the synced
// policy on the destination PC: canada gets the change, in its own availability zones.
func ppCopyUpdated(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the protection rule", e.dr[ppRule])
	r, err := e.france.GetProtectionPolicy(ctx, id)
	if err != nil {
		t.Fatalf("GetProtectionPolicy on france: %v", err)
	}
	r.Description = "changed on france"
	updated, err := e.france.UpdateProtectionPolicy(ctx, *r)
	if err != nil {
		t.Fatalf("updating the copy on france: %v", err)
	}
	got, err := e.canada.GetProtectionPolicy(ctx, id)
	if err != nil || got.Description != "changed on france" || got.SpecVersion != updated.SpecVersion {
		t.Fatalf("the rule on canada after the update on france = %+v, %v", got, err)
	}
	if got.Locations[0].AvailabilityZoneUUID != e.dr[drLocalCanada] || got.Locations[1].AvailabilityZoneUUID != e.dr[drRemoteAZ] {
		t.Errorf("canada's locations are not in its own availability zones: %+v", got.Locations)
	}
}

func ppRefused(ctx context.Context, t *testing.T, e *env) {
	need(t, "the protection rule", e.dr[ppRule])
	cases := []struct {
		what   string
		reason string
		mutate func(*client.ProtectionPolicy)
	}{
		{"an unknown availability zone", "", func(r *client.ProtectionPolicy) { r.Locations[1].AvailabilityZoneUUID = randomUUID(t) }},
		{"an unknown cluster of the Local AZ", "", func(r *client.ProtectionPolicy) { r.Locations[0].ClusterUUIDs = []string{randomUUID(t)} }},
		{"a category value that does not exist", "", func(r *client.ProtectionPolicy) { r.CategoryFilter.Params = map[string][]string{ppCatKey: {"nope"}} }},
		{"a replication index out of range", "", func(r *client.ProtectionPolicy) {
			r.Locations = r.Locations[:1]
			r.PrimaryLocationIndexes = nil
			r.Connectivity = []client.ProtectionConnectivity{{SourceIndex: 0, DestinationIndex: 0, Schedules: r.Connectivity[0].Schedules}}
		}},
		{"a synchronous schedule with retention", "", func(r *client.ProtectionPolicy) {
			r.Connectivity[0].Schedules = []client.SnapshotSchedule{{RPOSecs: 0, LocalRetention: &client.RetentionPolicy{NumSnapshots: i64(1)}}}
		}},
	}
	for _, c := range cases {
		r := ppSeedRule(e)
		r.Name = "refused"
		c.mutate(&r)
		got, err := e.canada.CreateProtectionPolicy(ctx, r)
		if got != nil {
			t.Errorf("%s: returned %+v", c.what, got)
		}
		var taskErr *client.TaskError
		if !errors.As(err, &taskErr) {
			wantAPIError(t, c.what, err, c.reason)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "creating protection rule refused") {
			t.Errorf("%s: error %q does not name the operation", c.what, err)
		}
	}
	all, err := e.canada.ListProtectionPolicies(ctx, "")
	if err != nil || len(all) != 1 {
		t.Errorf("refused creates left rules: %+v, %v", all, err)
	}
}

func ppMalformed(ctx context.Context, t *testing.T, e *env) {
	type badRequest struct{ what, method, path, body string }
	rule := func(spec string) string {
		return fmt.Sprintf(`{"api_version":"3.1","metadata":{"kind":"protection_rule","uuid":%q},"spec":%s}`, randomUUID(t), spec)
	}
	resources := fmt.Sprintf(`{"ordered_availability_zone_list":[{"availability_zone_url":%q}],"availability_zone_connectivity_list":[]}`, e.dr[drLocalCanada])
	cases := []badRequest{
		{"a rule without spec", http.MethodPost, ppRulesPath, fmt.Sprintf(`{"metadata":{"kind":"protection_rule","uuid":%q}}`, randomUUID(t))},
		{"a rule without resources", http.MethodPost, ppRulesPath, rule(`{"name":"x"}`)},
		{"a rule without name", http.MethodPost, ppRulesPath, rule(`{"resources":` + resources + `}`)},
		{"a rule name over 64 characters", http.MethodPost, ppRulesPath, rule(fmt.Sprintf(`{"name":%q,"resources":%s}`, strings.Repeat("n", 65), resources))},
		{"a snapshot type outside the enum", http.MethodPost, ppRulesPath, rule(fmt.Sprintf(
			`{"name":"x","resources":{"ordered_availability_zone_list":[{"availability_zone_url":%q},{"availability_zone_url":%q}],"availability_zone_connectivity_list":[{"source_availability_zone_index":0,"destination_availability_zone_index":1,"snapshot_schedule_list":[{"recovery_point_objective_secs":3600,"snapshot_type":"FAST"}]}]}}`,
			e.dr[drLocalCanada], e.dr[drRemoteAZ]))},
		{"a target type outside the enum", http.MethodPost, ppRulesPath, rule(fmt.Sprintf(
			`{"name":"x","resources":{"ordered_availability_zone_list":[{"availability_zone_url":%q,"target_type":"S3"}],"availability_zone_connectivity_list":[]}}`, e.dr[drLocalCanada]))},
		{"a category filter type outside the enum", http.MethodPost, ppRulesPath, rule(fmt.Sprintf(
			`{"name":"x","resources":{"ordered_availability_zone_list":[{"availability_zone_url":%q}],"availability_zone_connectivity_list":[],"category_filter":{"type":"ANY","params":{"a":["b"]}}}}`, e.dr[drLocalCanada]))},
		{"a schedule without RPO", http.MethodPost, ppRulesPath, rule(fmt.Sprintf(
			`{"name":"x","resources":{"ordered_availability_zone_list":[{"availability_zone_url":%q},{"availability_zone_url":%q}],"availability_zone_connectivity_list":[{"source_availability_zone_index":0,"destination_availability_zone_index":1,"snapshot_schedule_list":[{"snapshot_type":"CRASH_CONSISTENT"}]}]}}`,
			e.dr[drLocalCanada], e.dr[drRemoteAZ]))},
		{"a rule list of another kind", http.MethodPost, ppRulesPath + "/list", `{"kind":"vm"}`},
		{"a recovery point list length under the minimum", http.MethodPost, "/vm_recovery_points/list", `{"kind":"vm_recovery_point","length":0}`},
	}
	for _, c := range cases {
		e.rec.ExpectInvalidRequest(c.method, apiBase+c.path)
		status, body, err := e.raw.do(ctx, c.method, c.path, []byte(c.body))
		if err != nil {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		if status < 400 || status > 499 {
			t.Errorf("%s: %s %s answered %d, want 4xx: %s", c.what, c.method, c.path, status, truncate(body))
		}
	}
	if all, err := e.canada.ListProtectionPolicies(ctx, ""); err != nil || len(all) != 1 {
		t.Errorf("malformed creates left rules: %+v, %v", all, err)
	}
}

func ppNotFound(ctx context.Context, t *testing.T, e *env) {
	missing := randomUUID(t)
	_, err := e.canada.GetProtectionPolicy(ctx, missing)
	wantNotFound(t, "GetProtectionPolicy", err)
	wantNotFound(t, "DeleteProtectionPolicy", e.canada.DeleteProtectionPolicy(ctx, missing))
	_, err = e.canada.ProtectedVMUUIDs(ctx, missing)
	wantNotFound(t, "ProtectedVMUUIDs", err)
	_, err = e.canada.GetVMRecoveryPoint(ctx, missing)
	wantNotFound(t, "GetVMRecoveryPoint", err)
	_, err = e.canada.UpdateProtectionPolicy(ctx, client.ProtectionPolicy{UUID: missing, Name: "x", Locations: []client.ProtectionLocation{{AvailabilityZoneUUID: e.dr[drLocalCanada]}}})
	wantNotFound(t, "UpdateProtectionPolicy", err)
}

func ppDelete(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the protection rule", e.dr[ppRule])
	before, err := e.france.ListVMRecoveryPoints(ctx, "protection_rule_uuid=="+id)
	if err != nil {
		t.Fatalf("ListVMRecoveryPoints: %v", err)
	}
	// Deleted on france (a synced policy can be deleted on either PC): gone on both.
	if err := e.france.DeleteProtectionPolicy(ctx, id); err != nil {
		t.Fatalf("DeleteProtectionPolicy on france: %v", err)
	}
	for name, c := range map[string]*client.Client{"canada": e.canada, "france": e.france} {
		if all, err := c.ListProtectionPolicies(ctx, ""); err != nil || len(all) != 0 {
			t.Errorf("%s still lists %+v, %v", name, all, err)
		}
	}
	_, err = e.canada.GetProtectionPolicy(ctx, id)
	wantNotFound(t, "the rule after its delete", err)
	after, err := e.france.ListVMRecoveryPoints(ctx, "protection_rule_uuid=="+id)
	if err != nil || (len(before) > 0 && len(after) == 0) {
		t.Errorf("recovery points of the deleted rule on france: %d before, %d after (%v); want them kept until they expire", len(before), len(after), err)
	}
	delete(e.dr, ppRule)
}

func ppCleanup(ctx context.Context, t *testing.T, e *env) {
	need(t, "the protection categories", e.dr[ppFR01])
	for _, name := range []string{"app-01", "db-01"} {
		if _, err := e.canada.UpdateVMCategories(ctx, e.vms[name], func(m map[string]string) { delete(m, ppCatKey) }); err != nil {
			t.Errorf("UpdateVMCategories(%s): %v", name, err)
		}
	}
	for name, c := range map[string]*client.Client{"canada": e.canada, "france": e.france} {
		if err := c.DeleteCategoryValue(ctx, ppCatKey, ppCatValue); err != nil {
			t.Errorf("DeleteCategoryValue on %s: %v", name, err)
		}
		if err := c.DeleteCategoryKey(ctx, ppCatKey); err != nil {
			t.Errorf("DeleteCategoryKey on %s: %v", name, err)
		}
	}
}
