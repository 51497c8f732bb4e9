package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	caAZ      = "1a000000-0000-4000-8000-0000000000a1"
	frAZ      = "1b000000-0000-4000-8000-0000000000b1"
	s3AZ      = "1c000000-0000-4000-8000-0000000000c1"
	caCluster = "2a000000-0000-4000-8000-0000000000a2"
	frCluster = "2b000000-0000-4000-8000-0000000000b2"
	fr2       = "2b000000-0000-4000-8000-0000000000b3"
	mstStore  = "3c000000-0000-4000-8000-0000000000c3"
	vmApp     = "4a000000-0000-4000-8000-0000000000a4"
	vmDB      = "4b000000-0000-4000-8000-0000000000b4"
	vmDNS     = "4c000000-0000-4000-8000-0000000000c4"
)

func i64(v int64) *int64 { return &v }

func linear(n int64) *RetentionPolicy { return &RetentionPolicy{NumSnapshots: i64(n)} }

// seedRule is the policy of the leap-two-sites seed: canada -> france every
// 15 minutes, application-consistent, 4 local and 4 remote, and back.
func seedRule(caAZ, caCluster, frAZ, frCluster string) ProtectionPolicy {
	return ProtectionPolicy{
		Name:        "replicated-vm",
		Description: "canada <-> france",
		Locations: []ProtectionLocation{
			{AvailabilityZoneUUID: caAZ, ClusterUUIDs: []string{caCluster}},
			{AvailabilityZoneUUID: frAZ, ClusterUUIDs: []string{frCluster}},
		},
		PrimaryLocationIndexes: []int{0},
		Connectivity: []ProtectionConnectivity{
			{SourceIndex: 0, DestinationIndex: 1, Schedules: []SnapshotSchedule{{RPOSecs: 900, SnapshotType: SnapshotTypeApplicationConsistent, LocalRetention: linear(4), RemoteRetention: linear(4)}}},
			{SourceIndex: 1, DestinationIndex: 0, Schedules: []SnapshotSchedule{{RPOSecs: 900, SnapshotType: SnapshotTypeCrashConsistent, LocalRetention: linear(4), RemoteRetention: linear(4)}}},
		},
		CategoryFilter: CategoryFilter{Type: CategoriesMatchAny, KindList: []string{KindVM}, Params: map[string][]string{"replicated-vm": {"from-canada"}}},
	}
}

// richRule uses every part of the model: three locations with primaries,
// several schedules between one pair, both directions, roll-up, an MST
// target, a synchronous schedule, absent retention and empty lists.
func richRule() ProtectionPolicy {
	return ProtectionPolicy{
		Name:      "three-sites",
		StartTime: "18h:30m",
		Locations: []ProtectionLocation{
			{AvailabilityZoneUUID: caAZ, ClusterUUIDs: []string{caCluster}},
			{AvailabilityZoneUUID: frAZ, ClusterUUIDs: []string{frCluster, fr2}, TargetType: TargetTypeAOSCluster},
			{AvailabilityZoneUUID: s3AZ, TargetType: TargetTypeMST, RecoveryPointRepositoryUUID: mstStore},
		},
		PrimaryLocationIndexes: []int{0},
		Connectivity: []ProtectionConnectivity{
			{SourceIndex: 0, DestinationIndex: 1, Schedules: []SnapshotSchedule{
				{RPOSecs: 3600, SnapshotType: SnapshotTypeCrashConsistent, LocalRetention: &RetentionPolicy{Rollup: &RollupRetention{Multiple: 7, IntervalType: RollupDaily}}, RemoteRetention: linear(24)},
				{RPOSecs: 300, LocalRetention: linear(2)},
				{RPOSecs: 0, AutoSuspendTimeoutSecs: i64(30)},
			}},
			{SourceIndex: 1, DestinationIndex: 0, Schedules: []SnapshotSchedule{}},
			{SourceIndex: 0, DestinationIndex: 2, Schedules: []SnapshotSchedule{{RPOSecs: 86400, RemoteRetention: &RetentionPolicy{Rollup: &RollupRetention{Multiple: 1, IntervalType: RollupMonthly}}}}},
			{SourceIndex: 1, DestinationIndex: 2},
		},
		CategoryFilter: CategoryFilter{Type: CategoriesMatchAll, Params: map[string][]string{"Environment": {"Production", "Staging"}, "Team": {}}},
	}
}

// fakeRules serves protection rules, VMs and recovery points of one Prism
// Central, storing specs as sent.
// fakeRules serves protection rules, and the VMs and recovery points
// that ProtectedVMUUIDs and the recovery point reads ask for.
type fakeRules struct {
	*fakeKind
	points []map[string]any
	vms    []map[string]any
	// noQuery answers query_entities 404 without a reason, as a server
	// without the route.
	noQuery bool
}

func newFakeRules(t *testing.T) *fakeRules {
	f := &fakeRules{fakeKind: newFakeKind(t, "protection_rule", "protection rule", 10*time.Millisecond)}
	f.specHash = "abc"
	f.sub = f.handleSub
	f.other = f.handleOther
	return f
}

func listAnswer(kind string, entities []any) map[string]any {
	return map[string]any{"api_version": "3.1", "metadata": map[string]any{"kind": kind, "total_matches": len(entities), "length": len(entities), "offset": 0}, "entities": entities}
}

// handleSub answers query_entities.
func (f *fakeRules) handleSub(w http.ResponseWriter, r *http.Request, _, sub string, e map[string]any) bool {
	if sub != "query_entities" {
		return false
	}
	if f.noQuery {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"api_version":"3.1","code":404,"state":"ERROR","message_list":[{"message":"no route"}]}`))
		return true
	}
	if e == nil || r.Method != http.MethodGet {
		return false
	}
	writeJSON(w, 200, map[string]any{"entity_list": []any{
		map[string]any{"vm_reference": map[string]any{"kind": "vm", "uuid": vmDB}},
		map[string]any{"vm_reference": map[string]any{"kind": "vm", "uuid": vmApp}},
	}})
	return true
}

// handleOther serves the VMs and the recovery points.
func (f *fakeRules) handleOther(w http.ResponseWriter, r *http.Request, path string, body []byte) bool {
	switch {
	case r.Method == http.MethodPost && path == "/vms/list":
		var entities []any
		for _, vm := range f.vms {
			entities = append(entities, vm)
		}
		writeJSON(w, 200, listAnswer("vm", entities))
	case r.Method == http.MethodPost && path == "/vm_recovery_points/list":
		var in listRequest
		_ = json.Unmarshal(body, &in)
		if in.Kind != "vm_recovery_point" {
			v3Error(w, 400, "INVALID_ARGUMENT", "kind "+in.Kind)
			return true
		}
		var entities []any
		for _, p := range f.points {
			entities = append(entities, p)
		}
		writeJSON(w, 200, listAnswer("vm_recovery_point", entities))
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/vm_recovery_points/"):
		id := strings.TrimPrefix(path, "/vm_recovery_points/")
		for _, p := range f.points {
			if subtree(p, "metadata.uuid") == id {
				writeJSON(w, 200, p)
				return true
			}
		}
		v3Error(w, 404, ReasonEntityNotFound, "no recovery point "+id)
	default:
		return false
	}
	return true
}

// asRead returns r as the client reads it back after a create.
func asRead(r ProtectionPolicy, uuid string, specVersion int) ProtectionPolicy {
	r.UUID, r.State, r.SpecVersion = uuid, "COMPLETE", specVersion
	return r
}

func TestCreateProtectionPolicyWire(t *testing.T) {
	f := newFakeRules(t)
	c, _ := f.server(t)
	in := seedRule(caAZ, caCluster, frAZ, frCluster)
	got, err := c.CreateProtectionPolicy(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.posts) != 1 {
		t.Fatalf("%d creates sent", len(f.posts))
	}
	var sent map[string]any
	if err := json.Unmarshal(f.posts[0], &sent); err != nil {
		t.Fatal(err)
	}
	id, _ := subtree(sent, "metadata.uuid").(string)
	if !uuidPattern.MatchString(id) || subtree(sent, "metadata.kind") != "protection_rule" || sent["api_version"] != apiVersion {
		t.Errorf("envelope = %v", sent)
	}
	want := `{"description":"canada <-> france","name":"replicated-vm","resources":{` +
		`"availability_zone_connectivity_list":[` +
		`{"destination_availability_zone_index":1,"snapshot_schedule_list":[{"local_snapshot_retention_policy":{"num_snapshots":4},"recovery_point_objective_secs":900,"remote_snapshot_retention_policy":{"num_snapshots":4},"snapshot_type":"APPLICATION_CONSISTENT"}],"source_availability_zone_index":0},` +
		`{"destination_availability_zone_index":0,"snapshot_schedule_list":[{"local_snapshot_retention_policy":{"num_snapshots":4},"recovery_point_objective_secs":900,"remote_snapshot_retention_policy":{"num_snapshots":4},"snapshot_type":"CRASH_CONSISTENT"}],"source_availability_zone_index":1}],` +
		`"category_filter":{"kind_list":["vm"],"params":{"replicated-vm":["from-canada"]},"type":"CATEGORIES_MATCH_ANY"},` +
		`"ordered_availability_zone_list":[{"availability_zone_url":"` + caAZ + `","cluster_uuid":"` + caCluster + `"},{"availability_zone_url":"` + frAZ + `","cluster_uuid":"` + frCluster + `"}],` +
		`"primary_location_list":[0]}}`
	if spec := jsonOf(t, sent["spec"]); spec != want {
		t.Errorf("spec sent:\n%s\nwant:\n%s", spec, want)
	}
	if !reflect.DeepEqual(*got, asRead(in, id, 0)) {
		t.Errorf("created rule = %+v\nwant %+v", *got, asRead(in, id, 0))
	}
	// A uuid chosen by the caller is used.
	in.UUID = "5a000000-0000-4000-8000-0000000000a5"
	got, err = c.CreateProtectionPolicy(context.Background(), in)
	if err != nil || got.UUID != in.UUID || f.stored[in.UUID] == nil {
		t.Errorf("create with a chosen uuid = %+v, %v", got, err)
	}
}

// TestProtectionPolicyRoundTrip checks that every shape of the model comes
// back exactly as created: order, several schedules between one pair, both
// directions, nil against empty.
func TestProtectionPolicyRoundTrip(t *testing.T) {
	f := newFakeRules(t)
	c, _ := f.server(t)
	ctx := context.Background()
	in := richRule()
	got, err := c.CreateProtectionPolicy(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	want := asRead(in, got.UUID, 0)
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", *got, want)
	}
	if got.Connectivity[3].Schedules != nil || got.Connectivity[1].Schedules == nil || got.Connectivity[0].Schedules[1].RemoteRetention != nil ||
		got.Locations[2].ClusterUUIDs != nil || got.CategoryFilter.KindList != nil || got.CategoryFilter.Params["Team"] == nil {
		t.Errorf("nil and empty were not kept apart: %#v", got)
	}
	stored := jsonOf(t, subtree(f.stored[got.UUID], "spec.resources"))
	if !strings.Contains(stored, `"cluster_uuid_list":["`+frCluster+`","`+fr2+`"]`) {
		t.Errorf("two clusters were not sent as cluster_uuid_list: %s", stored)
	}
	conns, _ := subtree(f.stored[got.UUID], "spec.resources.availability_zone_connectivity_list").([]any)
	if last, _ := conns[3].(map[string]any); last == nil {
		t.Fatalf("connectivity stored as %s", stored)
	} else if _, ok := last["snapshot_schedule_list"]; ok {
		t.Errorf("nil schedules were sent: %v", conns[3])
	}
	all, err := c.ListProtectionPolicies(ctx, "")
	if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], want) {
		t.Errorf("ListProtectionPolicies = %#v, %v", all, err)
	}
	// An update with the rule as read sends nothing.
	if _, err := c.UpdateProtectionPolicy(ctx, *got); err != nil || len(f.puts) != 0 {
		t.Errorf("no-op update: %v, %d PUTs", err, len(f.puts))
	}
}

// ruleFixture is a rule as a server holds it, with fields the client does
// not model at every level.
const ruleFixture = `{
  "api_version": "3.1",
  "metadata": {"kind": "protection_rule", "uuid": "6a000000-0000-4000-8000-0000000000a6", "spec_version": 3,
    "spec_hash": "h", "categories": {"Owner": "dr"}, "owner_reference": {"kind": "user", "uuid": "00000000-0000-0000-0000-000000000000"}},
  "spec": {
    "name": "replicated-vm", "future_spec_field": {"a": [3, 2, 1]},
    "resources": {
      "is_approval_policy_needed": true,
      "future_resources_field": 12345678901234567890,
      "ordered_availability_zone_list": [
        {"availability_zone_url": "` + caAZ + `", "cluster_uuid": "` + caCluster + `", "loc_extra": "ca"},
        {"availability_zone_url": "` + frAZ + `", "cluster_uuid": "` + frCluster + `", "cluster_uuid_list": ["` + frCluster + `"], "loc_extra": "fr"}
      ],
      "primary_location_list": [0],
      "availability_zone_connectivity_list": [
        {"source_availability_zone_index": 0, "destination_availability_zone_index": 1, "conn_extra": "ca>fr",
         "snapshot_schedule_list": [
           {"recovery_point_objective_secs": 900, "snapshot_type": "APPLICATION_CONSISTENT", "sched_extra": "15m",
            "local_snapshot_retention_policy": {"num_snapshots": 4, "ret_extra": "l"},
            "remote_snapshot_retention_policy": {"num_snapshots": 4}},
           {"recovery_point_objective_secs": 3600, "sched_extra": "1h",
            "local_snapshot_retention_policy": {"rollup_retention_policy": {"multiple": 7, "snapshot_interval_type": "DAILY", "rollup_extra": 1}}}
         ]},
        {"source_availability_zone_index": 1, "destination_availability_zone_index": 0, "conn_extra": "fr>ca",
         "snapshot_schedule_list": [{"recovery_point_objective_secs": 900, "sched_extra": "back"}]}
      ],
      "category_filter": {"type": "CATEGORIES_MATCH_ANY", "kind_list": ["vm"], "params": {"replicated-vm": ["from-canada"]}, "filter_extra": "x"}
    }
  },
  "status": {"state": "COMPLETE", "resources": {"computed": true}}
}`

const fixtureUUID = "6a000000-0000-4000-8000-0000000000a6"

func fixtureServer(t *testing.T) (*fakeRules, *Client) {
	t.Helper()
	f := newFakeRules(t)
	f.seed(ruleFixture)
	c, _ := f.server(t)
	return f, c
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func TestUpdateProtectionPolicyKeepsUnknownFields(t *testing.T) {
	f, c := fixtureServer(t)
	ctx := context.Background()
	r, err := c.GetProtectionPolicy(ctx, fixtureUUID)
	if err != nil {
		t.Fatal(err)
	}
	if r.SpecVersion != 3 || r.State != "COMPLETE" || r.Name != "replicated-vm" || len(r.Connectivity) != 2 || len(r.Connectivity[0].Schedules) != 2 ||
		!slices.Equal(r.Locations[1].ClusterUUIDs, []string{frCluster}) || r.Connectivity[0].Schedules[1].RemoteRetention != nil {
		t.Fatalf("read %#v", r)
	}
	// Swap the two schedules of canada -> france, change the RPO of the
	// return one, add a third location and a replication to it.
	c0 := &r.Connectivity[0]
	c0.Schedules[0], c0.Schedules[1] = c0.Schedules[1], c0.Schedules[0]
	c0.Schedules[1].LocalRetention.NumSnapshots = i64(8)
	r.Connectivity[1].Schedules[0].RPOSecs = 1800
	r.Locations = append(r.Locations, ProtectionLocation{AvailabilityZoneUUID: s3AZ, TargetType: TargetTypeMST, RecoveryPointRepositoryUUID: mstStore})
	r.Connectivity = append(r.Connectivity, ProtectionConnectivity{SourceIndex: 0, DestinationIndex: 2, Schedules: []SnapshotSchedule{{RPOSecs: 86400, RemoteRetention: linear(30)}}})
	r.Description = "with S3"
	got, err := c.UpdateProtectionPolicy(ctx, *r)
	if err != nil {
		t.Fatal(err)
	}
	put := f.lastPut(t)
	checks := map[string]string{
		"metadata":                                 `{"categories":{"Owner":"dr"},"kind":"protection_rule","owner_reference":{"kind":"user","uuid":"00000000-0000-0000-0000-000000000000"},"spec_hash":"h","spec_version":3,"uuid":"` + fixtureUUID + `"}`,
		"spec.future_spec_field":                   `{"a":[3,2,1]}`,
		"spec.description":                         `"with S3"`,
		"spec.resources.future_resources_field":    `12345678901234567890`,
		"spec.resources.is_approval_policy_needed": `true`,
		"spec.resources.ordered_availability_zone_list": `[{"availability_zone_url":"` + caAZ + `","cluster_uuid":"` + caCluster + `","loc_extra":"ca"},` +
			`{"availability_zone_url":"` + frAZ + `","cluster_uuid":"` + frCluster + `","cluster_uuid_list":["` + frCluster + `"],"loc_extra":"fr"},` +
			`{"availability_zone_url":"` + s3AZ + `","recovery_point_repository_uuid":"` + mstStore + `","target_type":"MST"}]`,
		"spec.resources.availability_zone_connectivity_list": `[` +
			`{"conn_extra":"ca>fr","destination_availability_zone_index":1,"snapshot_schedule_list":[` +
			`{"local_snapshot_retention_policy":{"rollup_retention_policy":{"multiple":7,"rollup_extra":1,"snapshot_interval_type":"DAILY"}},"recovery_point_objective_secs":3600,"sched_extra":"1h"},` +
			`{"local_snapshot_retention_policy":{"num_snapshots":8,"ret_extra":"l"},"recovery_point_objective_secs":900,"remote_snapshot_retention_policy":{"num_snapshots":4},"sched_extra":"15m","snapshot_type":"APPLICATION_CONSISTENT"}],"source_availability_zone_index":0},` +
			`{"conn_extra":"fr>ca","destination_availability_zone_index":0,"snapshot_schedule_list":[{"recovery_point_objective_secs":1800,"sched_extra":"back"}],"source_availability_zone_index":1},` +
			`{"destination_availability_zone_index":2,"snapshot_schedule_list":[{"recovery_point_objective_secs":86400,"remote_snapshot_retention_policy":{"num_snapshots":30}}],"source_availability_zone_index":0}]`,
		"spec.resources.category_filter": `{"filter_extra":"x","kind_list":["vm"],"params":{"replicated-vm":["from-canada"]},"type":"CATEGORIES_MATCH_ANY"}`,
	}
	for path, want := range checks {
		if got := jsonOf(t, subtree(put, path)); got != want {
			t.Errorf("%s sent as\n%s\nwant\n%s", path, got, want)
		}
	}
	if _, ok := put["status"]; ok {
		t.Error("the status was sent back")
	}
	want := *r
	want.SpecVersion, want.State = 4, "COMPLETE"
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("updated rule = %#v\nwant %#v", *got, want)
	}
}

// TestUpdateProtectionPolicyRemovesAndRenumbers drops the first location:
// the others move up, their replications follow them with their own
// unmodeled fields, and the removed one's go with it.
func TestUpdateProtectionPolicyRemovesAndRenumbers(t *testing.T) {
	f, c := fixtureServer(t)
	ctx := context.Background()
	r, err := c.GetProtectionPolicy(ctx, fixtureUUID)
	if err != nil {
		t.Fatal(err)
	}
	// Put france first and canada second: both replications swap indexes.
	r.Locations[0], r.Locations[1] = r.Locations[1], r.Locations[0]
	r.PrimaryLocationIndexes = []int{1}
	r.Connectivity[0].SourceIndex, r.Connectivity[0].DestinationIndex = 1, 0
	r.Connectivity[1].SourceIndex, r.Connectivity[1].DestinationIndex = 0, 1
	// Drop the retention of the return schedule's remote copy and the
	// local one of the 1h schedule: absent stays absent.
	r.Connectivity[0].Schedules[1].LocalRetention = nil
	if _, err := c.UpdateProtectionPolicy(ctx, *r); err != nil {
		t.Fatal(err)
	}
	put := f.lastPut(t)
	locs := jsonOf(t, subtree(put, "spec.resources.ordered_availability_zone_list"))
	if !strings.HasPrefix(locs, `[{"availability_zone_url":"`+frAZ) || !strings.Contains(locs, `"loc_extra":"fr"},{"availability_zone_url":"`+caAZ) {
		t.Errorf("locations sent as %s", locs)
	}
	conns, _ := subtree(put, "spec.resources.availability_zone_connectivity_list").([]any)
	if len(conns) != 2 {
		t.Fatalf("connectivity sent as %v", conns)
	}
	first, _ := conns[0].(map[string]any)
	second, _ := conns[1].(map[string]any)
	if first["conn_extra"] != "ca>fr" || jsonOf(t, first["source_availability_zone_index"]) != "1" || second["conn_extra"] != "fr>ca" {
		t.Errorf("connectivity sent as %s", jsonOf(t, conns))
	}
	sched := jsonOf(t, subtree(first, "snapshot_schedule_list"))
	if !strings.Contains(sched, `{"recovery_point_objective_secs":3600,"sched_extra":"1h"}`) {
		t.Errorf("schedules sent as %s", sched)
	}
	if jsonOf(t, subtree(put, "spec.resources.primary_location_list")) != "[1]" {
		t.Errorf("primary_location_list sent as %v", subtree(put, "spec.resources.primary_location_list"))
	}
}

func TestCreateProtectionPolicyTaskFails(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("entity left %t", keep), func(t *testing.T) {
			f := newFakeRules(t)
			f.failTasks, f.keepFailed = true, keep
			c, _ := f.server(t)
			got, err := c.CreateProtectionPolicy(context.Background(), seedRule(caAZ, caCluster, frAZ, frCluster))
			var te *TaskError
			if !errors.As(err, &te) || te.ErrorCode != "INVALID_ARGUMENT" {
				t.Fatalf("error = %v, want a *TaskError", err)
			}
			mustContain(t, err.Error(), "creating protection rule replicated-vm: task", "ended FAILED", "does not exist")
			if keep != (got != nil) {
				t.Errorf("rule = %+v with the entity left %t", got, keep)
			}
			if got != nil && f.stored[got.UUID] == nil {
				t.Errorf("the returned uuid %s is not the rule left behind", got.UUID)
			}
		})
	}
}

func TestCreateProtectionPolicyWaitTimesOut(t *testing.T) {
	f := newFakeRules(t)
	f.latency = time.Minute
	c, _ := f.server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	got, err := c.CreateProtectionPolicy(ctx, seedRule(caAZ, caCluster, frAZ, frCluster))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want the deadline", err)
	}
	if got == nil || f.stored[got.UUID] == nil || got.Name != "replicated-vm" {
		t.Fatalf("rule = %+v, want the accepted rule's uuid", got)
	}
}

func TestCreateProtectionPolicyValidates(t *testing.T) {
	f := newFakeRules(t)
	c, _ := f.server(t)
	mod := func(m func(*ProtectionPolicy)) ProtectionPolicy {
		r := seedRule(caAZ, caCluster, frAZ, frCluster)
		m(&r)
		return r
	}
	tests := []struct {
		r    ProtectionPolicy
		want string
	}{
		{mod(func(r *ProtectionPolicy) { r.Name = " " }), "the name is empty"},
		{mod(func(r *ProtectionPolicy) { r.Name = strings.Repeat("n", 65) }), "longer than 64"},
		{mod(func(r *ProtectionPolicy) { r.StartTime = "24h:00m" }), `start time "24h:00m"`},
		{mod(func(r *ProtectionPolicy) { r.StartTime = "8h:00m" }), `start time "8h:00m"`},
		{mod(func(r *ProtectionPolicy) { r.Locations = nil; r.Connectivity = nil; r.PrimaryLocationIndexes = nil }), "there is no location"},
		{mod(func(r *ProtectionPolicy) { r.Locations[1].AvailabilityZoneUUID = "" }), "location 1 has no availability zone"},
		{mod(func(r *ProtectionPolicy) { r.Locations[0].TargetType = "S3" }), `target type "S3"`},
		{mod(func(r *ProtectionPolicy) { r.PrimaryLocationIndexes = []int{2} }), "primary location index 2 is out of range 0-1"},
		{mod(func(r *ProtectionPolicy) { r.Connectivity[1].DestinationIndex = 5 }), "replication 1: location indexes 1 -> 5 are out of range"},
		{mod(func(r *ProtectionPolicy) { r.Connectivity[0].Schedules[0].SnapshotType = "FAST" }), `snapshot type "FAST"`},
		{mod(func(r *ProtectionPolicy) { r.Connectivity[0].Schedules[0].RPOSecs = -1 }), "the RPO is negative"},
		{mod(func(r *ProtectionPolicy) {
			r.Connectivity[0].Schedules[0].RemoteRetention = &RetentionPolicy{Rollup: &RollupRetention{Multiple: 1, IntervalType: "DECADE"}}
		}), `roll-up interval "DECADE"`},
		{mod(func(r *ProtectionPolicy) { r.CategoryFilter.Type = "ANY" }), `category filter type "ANY"`},
	}
	for _, tt := range tests {
		_, err := c.CreateProtectionPolicy(context.Background(), tt.r)
		if err == nil {
			t.Errorf("%+v accepted", tt.r)
			continue
		}
		mustContain(t, err.Error(), "creating protection rule", tt.want)
	}
	if len(f.posts) != 0 {
		t.Errorf("invalid rules were sent: %d", len(f.posts))
	}
}

func vmEntity(uuid, name string, cats map[string]string) map[string]any {
	return map[string]any{"metadata": map[string]any{"kind": "vm", "uuid": uuid, "categories": cats}, "spec": map[string]any{"name": name}}
}

func TestProtectedVMUUIDs(t *testing.T) {
	f, c := fixtureServer(t)
	ctx := context.Background()
	f.vms = []map[string]any{
		vmEntity(vmDNS, "dns-01", map[string]string{"Environment": "Production"}),
		vmEntity(vmDB, "db-01", map[string]string{"replicated-vm": "from-canada"}),
		vmEntity(vmApp, "app-01", map[string]string{"replicated-vm": "from-canada", "Environment": "Production"}),
	}
	got, err := c.ProtectedVMUUIDs(ctx, fixtureUUID)
	if err != nil || !slices.Equal(got, []string{vmApp, vmDB}) {
		t.Errorf("ProtectedVMUUIDs = %v, %v", got, err)
	}
	if n := f.cnt.get("POST /api/nutanix/v3/vms/list"); n != 0 {
		t.Errorf("VMs listed %d times while query_entities answered", n)
	}
	missing := "7a000000-0000-4000-8000-0000000000a7"
	if _, err := c.ProtectedVMUUIDs(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("ProtectedVMUUIDs of a missing rule: %v", err)
	}

	f.noQuery = true
	got, err = c.ProtectedVMUUIDs(ctx, fixtureUUID)
	if err != nil || !slices.Equal(got, []string{vmApp, vmDB}) {
		t.Errorf("ProtectedVMUUIDs by category = %v, %v", got, err)
	}
	if _, err := c.ProtectedVMUUIDs(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("ProtectedVMUUIDs of a missing rule without query_entities: %v", err)
	}
}

func TestCategoryFilterMatches(t *testing.T) {
	cats := map[string]string{"a": "1", "b": "2"}
	tests := []struct {
		f    CategoryFilter
		want bool
	}{
		{CategoryFilter{Params: map[string][]string{"a": {"1"}}}, true},
		{CategoryFilter{Type: CategoriesMatchAny, Params: map[string][]string{"a": {"9"}, "b": {"2"}}}, true},
		{CategoryFilter{Type: CategoriesMatchAll, Params: map[string][]string{"a": {"9"}, "b": {"2"}}}, false},
		{CategoryFilter{Type: CategoriesMatchAll, Params: map[string][]string{"a": {"1", "9"}, "b": {"2"}}}, true},
		{CategoryFilter{Type: CategoriesMatchAll, Params: map[string][]string{}}, false},
		{CategoryFilter{KindList: []string{"volume_group"}, Params: map[string][]string{"a": {"1"}}}, false},
	}
	for _, tt := range tests {
		if got := tt.f.matches(KindVM, cats); got != tt.want {
			t.Errorf("%+v matches = %t, want %t", tt.f, got, tt.want)
		}
	}
}

func TestMatchItems(t *testing.T) {
	k := func(keys ...string) [][]string {
		out := make([][]string, len(keys))
		for i, s := range keys {
			out[i] = strings.Split(s, "/")
		}
		return out
	}
	tests := []struct {
		old, new   [][]string
		positional bool
		want       []int
	}{
		{k("a/x", "b/y"), k("b/y", "a/x"), false, []int{1, 0}},
		{k("a/x", "a/x"), k("a/x", "a/x", "a/x"), false, []int{0, 1, -1}},
		{k("a/x", "b/x"), k("c/x", "b/z"), false, []int{0, 1}},
		{k("a/x", "b/y"), k("c/z"), false, []int{-1}},
		{k("a/x", "b/y"), k("c/z", "b/y"), true, []int{0, 1}},
		{k("a/x", "b/y"), k("b/y"), true, []int{1}},
		{k("a/x"), k("c/z", "d/w"), true, []int{0, -1}},
	}
	for _, tt := range tests {
		if got := matchItems(tt.old, tt.new, tt.positional); !slices.Equal(got, tt.want) {
			t.Errorf("matchItems(%v, %v, %t) = %v, want %v", tt.old, tt.new, tt.positional, got, tt.want)
		}
	}
}

func TestValidStartTime(t *testing.T) {
	for s, want := range map[string]bool{"00h:00m": true, "23h:59m": true, "18h:30m": true, "24h:00m": false, "12h:60m": false, "1h:00m": false, "12:00": false, "+1h:00m": false, "12h:0xm": false} {
		if got := validStartTime(s); got != want {
			t.Errorf("validStartTime(%q) = %t, want %t", s, got, want)
		}
	}
}
