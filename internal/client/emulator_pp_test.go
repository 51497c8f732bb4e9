package client

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Category of the seed's protection policy.
const (
	seedKey   = "replicated-vm"
	seedValue = "from-canada"
)

// protectedSites is leap-two-sites with disaster recovery enabled on both
// PCs, the two paired, and what a protection rule between them names.
type protectedSites struct {
	*twoSites
	caLocal, caOfFrance string // canada's zones: its Local AZ, its zone of france
	frLocal, frOfCanada string // france's zones
	ca01, fr01          string
	vms                 map[string]string // canada's VMs by name
}

func startProtectedSites(t *testing.T) *protectedSites {
	t.Helper()
	ts := startTwoSites(t)
	ts.enableBoth(t)
	ctx := context.Background()
	if _, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd)); err != nil {
		t.Fatal(err)
	}
	ps := &protectedSites{twoSites: ts, vms: map[string]string{}}
	ps.caLocal = zoneNamed(t, ts.ca, "Local AZ").UUID
	ps.caOfFrance = zoneNamed(t, ts.ca, "PC_"+franceIP).UUID
	ps.frLocal = zoneNamed(t, ts.fr, "Local AZ").UUID
	ps.frOfCanada = zoneNamed(t, ts.fr, "PC_"+canadaIP).UUID
	ps.ca01 = clusterNamed(t, ts.ca, "CA01")
	ps.fr01 = clusterNamed(t, ts.fr, "FR01")
	vms, err := ts.ca.ListVMs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, vm := range vms {
		ps.vms[vm.Name] = vm.UUID
	}
	return ps
}

func clusterNamed(t *testing.T, c *Client, name string) string {
	t.Helper()
	cs, err := c.ListClusters(context.Background(), "name=="+name)
	if err != nil || len(cs) != 1 {
		t.Fatalf("cluster %s: %+v, %v", name, cs, err)
	}
	return cs[0].UUID
}

// tagSeedVMs creates replicated-vm:from-canada on both PCs and assigns it to
// app-01 and db-01.
func (ps *protectedSites) tagSeedVMs(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, c := range []*Client{ps.ca, ps.fr} {
		if _, err := c.PutCategoryKey(ctx, CategoryKey{Name: seedKey, Description: "VMs replicated by the seed policy"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PutCategoryValue(ctx, CategoryValue{Key: seedKey, Value: seedValue}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"app-01", "db-01"} {
		if _, err := ps.ca.UpdateVMCategories(ctx, ps.vms[name], func(m map[string]string) { m[seedKey] = seedValue }); err != nil {
			t.Fatal(err)
		}
	}
}

// seed returns the seed's bidirectional policy between canada and france.
func (ps *protectedSites) seed() ProtectionPolicy {
	return seedRule(ps.caLocal, ps.ca01, ps.caOfFrance, ps.fr01)
}

// advance moves the emulator's clock through the admin API.
func (ps *protectedSites) advance(t *testing.T, d time.Duration) {
	t.Helper()
	ps.call(t, http.MethodPost, "/_prismsim/clock/advance", map[string]any{"seconds": d.Seconds()}, nil)
}

// pointsByVM groups recovery points by VM name.
func pointsByVM(points []RecoveryPoint) map[string][]RecoveryPoint {
	out := map[string][]RecoveryPoint{}
	for _, point := range points {
		out[point.VMName] = append(out[point.VMName], point)
	}
	return out
}

func TestEmulatorProtectionPolicySeedPolicy(t *testing.T) {
	ps := startProtectedSites(t)
	ps.tagSeedVMs(t)
	ctx := context.Background()
	in := ps.seed()
	rule, err := ps.ca.CreateProtectionPolicy(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !uuidPattern.MatchString(rule.UUID) || rule.State != "COMPLETE" {
		t.Errorf("created rule = %+v", rule)
	}
	want := in
	want.UUID, want.State, want.SpecVersion = rule.UUID, rule.State, rule.SpecVersion
	if !reflect.DeepEqual(*rule, want) {
		t.Errorf("the rule does not round-trip:\n got %#v\nwant %#v", *rule, want)
	}
	got, err := ps.ca.GetProtectionPolicy(ctx, rule.UUID)
	if err != nil || !reflect.DeepEqual(got, rule) {
		t.Errorf("GetProtectionPolicy = %#v, %v", got, err)
	}
	all, err := ps.ca.ListProtectionPolicies(ctx, "")
	if err != nil || len(all) != 1 || all[0].UUID != rule.UUID {
		t.Errorf("ListProtectionPolicies on canada = %+v, %v", all, err)
	}
	// France sees the rule, with the same uuid, in its own zones.
	frRules, err := ps.fr.ListProtectionPolicies(ctx, "")
	if err != nil || len(frRules) != 1 || frRules[0].UUID != rule.UUID || frRules[0].Name != rule.Name {
		t.Fatalf("ListProtectionPolicies on france = %+v, %v", frRules, err)
	}
	if zones := []string{frRules[0].Locations[0].AvailabilityZoneUUID, frRules[0].Locations[1].AvailabilityZoneUUID}; !slices.Equal(zones, []string{ps.frOfCanada, ps.frLocal}) {
		t.Errorf("france's copy names zones %v, want [%s %s]", zones, ps.frOfCanada, ps.frLocal)
	}
	protected, err := ps.ca.ProtectedVMUUIDs(ctx, rule.UUID)
	wantVMs := []string{ps.vms["app-01"], ps.vms["db-01"]}
	slices.Sort(wantVMs)
	if err != nil || !slices.Equal(protected, wantVMs) {
		t.Errorf("ProtectedVMUUIDs = %v, %v; want %v", protected, err, wantVMs)
	}

	ps.advance(t, time.Hour)
	frPoints, err := ps.fr.ListVMRecoveryPoints(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	byVM := pointsByVM(frPoints)
	for _, name := range []string{"app-01", "db-01"} {
		points := byVM[name]
		if len(points) == 0 || len(points) > 4 {
			t.Errorf("france holds %d recovery points of %s after an hour, want 1-4", len(points), name)
			continue
		}
		for _, point := range points {
			if point.VMUUID != ps.vms[name] || point.AvailabilityZoneUUID != ps.frLocal || point.Type != RecoveryPointApplicationConsistent ||
				point.CreationTime.IsZero() || point.ProtectionPolicyUUID != rule.UUID {
				t.Errorf("replicated recovery point of %s = %+v", name, point)
			}
		}
	}
	// Filters by VM, zone and rule.
	for filter, want := range map[string]int{
		"vm_uuid==" + ps.vms["app-01"]:          len(byVM["app-01"]),
		"availability_zone_uuid==" + ps.frLocal: len(frPoints),
		"protection_rule_uuid==" + rule.UUID:    len(frPoints),
		"vm_uuid==" + ps.vms["dns-01"]:          0,
	} {
		points, err := ps.fr.ListVMRecoveryPoints(ctx, filter)
		if err != nil || len(points) != want {
			t.Errorf("ListVMRecoveryPoints(%s) = %d points, %v; want %d", filter, len(points), err, want)
		}
	}
	if n := len(byVM["dns-01"]); n != 0 {
		t.Errorf("france holds %d recovery points of dns-01, which is not protected", n)
	}
	caPoints, err := ps.ca.ListVMRecoveryPoints(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, points := range pointsByVM(caPoints) {
		if name != "app-01" && name != "db-01" || len(points) > 4 {
			t.Errorf("canada holds %d local recovery points of %s", len(points), name)
		}
		for _, point := range points {
			if point.AvailabilityZoneUUID != ps.caLocal {
				t.Errorf("local recovery point of %s = %+v", name, point)
			}
		}
	}
	if len(caPoints) == 0 {
		t.Error("canada holds no local recovery point after an hour")
	}
	if len(frPoints) > 0 {
		one, err := ps.fr.GetVMRecoveryPoint(ctx, frPoints[0].UUID)
		if err != nil || !one.CreationTime.Equal(frPoints[0].CreationTime) || one.VMUUID != frPoints[0].VMUUID {
			t.Errorf("GetVMRecoveryPoint = %+v, %v; want %+v", one, err, frPoints[0])
		}
	}

	// Another hour: linear retention keeps the newest four per VM.
	ps.advance(t, time.Hour)
	frPoints, err = ps.fr.ListVMRecoveryPoints(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, points := range pointsByVM(frPoints) {
		if len(points) != 4 {
			t.Errorf("france holds %d recovery points of %s after two hours, want the 4 kept", len(points), name)
		}
	}

	if err := ps.ca.DeleteProtectionPolicy(ctx, rule.UUID); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.ca.GetProtectionPolicy(ctx, rule.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetProtectionPolicy after delete: %v", err)
	}
	if frRules, err := ps.fr.ListProtectionPolicies(ctx, ""); err != nil || len(frRules) != 0 {
		t.Errorf("france's rules after the delete = %+v, %v", frRules, err)
	}
	if err := ps.ca.DeleteProtectionPolicy(ctx, rule.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting again: %v, want ErrNotFound", err)
	}
	// Existing recovery points stay until they expire.
	now := ps.now(t)
	kept, err := ps.fr.ListVMRecoveryPoints(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, point := range frPoints {
		alive := point.ExpirationTime.IsZero() || point.ExpirationTime.After(now)
		found := slices.ContainsFunc(kept, func(k RecoveryPoint) bool { return k.UUID == point.UUID })
		if alive != found {
			t.Errorf("after the delete, at %s, recovery point %+v is kept: %t", now, point, found)
		}
	}
	if len(kept) == 0 {
		t.Error("the delete removed every recovery point at once")
	}
}

// now reads the emulator's clock.
func (ps *protectedSites) now(t *testing.T) time.Time {
	t.Helper()
	var st struct {
		Now time.Time `json:"now"`
	}
	ps.call(t, http.MethodGet, "/_prismsim/clock", nil, &st)
	return st.Now
}

// rawRule reads a rule as canada serves it.
func (ps *protectedSites) rawRule(t *testing.T, id string) map[string]any {
	t.Helper()
	var doc map[string]any
	ps.call(t, http.MethodGet, "/api/nutanix/v3/protection_rules/"+id, nil, &doc)
	return doc
}

func TestEmulatorProtectionPolicyUpdateKeepsUnmodeledFields(t *testing.T) {
	ps := startProtectedSites(t)
	ps.tagSeedVMs(t)
	ctx := context.Background()
	in := ps.seed()
	// Two schedules from canada to france.
	in.Connectivity[0].Schedules = append(in.Connectivity[0].Schedules, SnapshotSchedule{RPOSecs: 3600, SnapshotType: SnapshotTypeCrashConsistent,
		LocalRetention: &RetentionPolicy{Rollup: &RollupRetention{Multiple: 1, IntervalType: RollupDaily}}, RemoteRetention: &RetentionPolicy{Rollup: &RollupRetention{Multiple: 7, IntervalType: RollupDaily}}})
	rule, err := ps.ca.CreateProtectionPolicy(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rule.Connectivity, in.Connectivity) {
		t.Fatalf("schedules read back as %#v", rule.Connectivity)
	}
	// Someone else adds fields the client does not model, at every level.
	doc := ps.rawRule(t, rule.UUID)
	delete(doc, "status")
	spec, _ := doc["spec"].(map[string]any)
	res, _ := spec["resources"].(map[string]any)
	res["is_approval_policy_needed"] = false
	locs, _ := res["ordered_availability_zone_list"].([]any)
	loc1, _ := locs[1].(map[string]any)
	loc1["future_location_field"] = "fr"
	conns, _ := res["availability_zone_connectivity_list"].([]any)
	conn0, _ := conns[0].(map[string]any)
	conn0["future_connectivity_field"] = map[string]any{"x": 1.0}
	scheds, _ := conn0["snapshot_schedule_list"].([]any)
	sched1, _ := scheds[1].(map[string]any)
	sched1["future_schedule_field"] = []any{"b", "a"}
	var accepted struct {
		Status struct {
			ExecutionContext struct {
				TaskUUID string `json:"task_uuid"`
			} `json:"execution_context"`
		} `json:"status"`
	}
	ps.call(t, http.MethodPut, "/api/nutanix/v3/protection_rules/"+rule.UUID, doc, &accepted)
	if _, err := ps.ca.WaitForTask(ctx, accepted.Status.ExecutionContext.TaskUUID, "adding fields", nil); err != nil {
		t.Fatal(err)
	}

	read, err := ps.ca.GetProtectionPolicy(ctx, rule.UUID)
	if err != nil {
		t.Fatal(err)
	}
	read.Description = "updated"
	read.Connectivity[1].Schedules[0].RPOSecs = 1800
	read.Connectivity[0].Schedules[0].RemoteRetention = linear(2)
	updated, err := ps.ca.UpdateProtectionPolicy(ctx, *read)
	if err != nil {
		t.Fatal(err)
	}
	want := *read
	want.SpecVersion = updated.SpecVersion
	if updated.SpecVersion <= read.SpecVersion || !reflect.DeepEqual(*updated, want) {
		t.Errorf("updated rule = %#v\nwant %#v", *updated, want)
	}
	after := ps.rawRule(t, rule.UUID)
	for path, want := range map[string]string{
		"spec.resources.is_approval_policy_needed": "false",
		"spec.description":                         `"updated"`,
	} {
		if got := jsonOf(t, subtree(after, path)); got != want {
			t.Errorf("%s = %s, want %s", path, got, want)
		}
	}
	res, _ = subtree(after, "spec.resources").(map[string]any)
	locs, _ = res["ordered_availability_zone_list"].([]any)
	conns, _ = res["availability_zone_connectivity_list"].([]any)
	if l, _ := locs[1].(map[string]any); l["future_location_field"] != "fr" {
		t.Errorf("location 1 lost its field: %v", l)
	}
	c0, _ := conns[0].(map[string]any)
	if jsonOf(t, c0["future_connectivity_field"]) != `{"x":1}` {
		t.Errorf("replication 0 lost its field: %v", c0)
	}
	s, _ := c0["snapshot_schedule_list"].([]any)
	if s1, _ := s[1].(map[string]any); len(s) != 2 || jsonOf(t, s1["future_schedule_field"]) != `["b","a"]` {
		t.Errorf("schedules = %s", jsonOf(t, s))
	}
	// The same rule once more changes nothing and sends nothing.
	ps.resetRequests(t)
	if _, err := ps.ca.UpdateProtectionPolicy(ctx, *updated); err != nil {
		t.Fatal(err)
	}
	if n := ps.requests(t, "PUT /api/nutanix/v3/protection_rules/{uuid}"); n != 0 {
		t.Errorf("an update without change sent %d PUTs", n)
	}
	// France holds a copy, and can change it: the change reaches Canada.
	frCopy, err := ps.fr.GetProtectionPolicy(ctx, rule.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if frCopy.Description != "updated" || frCopy.Connectivity[1].Schedules[0].RPOSecs != 1800 {
		t.Errorf("france's copy was not updated: %+v", frCopy)
	}
	frCopy.Description = "from france"
	fromFR, err := ps.fr.UpdateProtectionPolicy(ctx, *frCopy)
	if err != nil {
		t.Fatalf("updating france's copy: %v", err)
	}
	if got, err := ps.ca.GetProtectionPolicy(ctx, rule.UUID); err != nil || got.Description != "from france" || got.SpecVersion != fromFR.SpecVersion {
		t.Errorf("canada after france's update: %+v, %v", got, err)
	}
}

func TestEmulatorProtectionPolicyRefusals(t *testing.T) {
	ts := startTwoSites(t)
	ctx := context.Background()
	// Disaster recovery is not enabled yet.
	r := seedRule("0a000000-0000-4000-8000-00000000000a", "0b000000-0000-4000-8000-00000000000b", "0c000000-0000-4000-8000-00000000000c", "0d000000-0000-4000-8000-00000000000d")
	_, err := ts.ca.CreateProtectionPolicy(ctx, r)
	wantRefusal(t, "a rule without disaster recovery", err, "creating protection rule replicated-vm")

	ps := startProtectedSites(t)
	ps.tagSeedVMs(t)
	cases := []struct {
		what   string
		mutate func(*ProtectionPolicy)
	}{
		{"an unknown availability zone", func(r *ProtectionPolicy) {
			r.Locations[1].AvailabilityZoneUUID = "0f000000-0000-4000-8000-00000000000f"
		}},
		{"an unknown local cluster", func(r *ProtectionPolicy) {
			r.Locations[0].ClusterUUIDs = []string{"0e000000-0000-4000-8000-00000000000e"}
		}},
		{"an unknown category value", func(r *ProtectionPolicy) { r.CategoryFilter.Params = map[string][]string{seedKey: {"nope"}} }},
		{"an unknown category key", func(r *ProtectionPolicy) { r.CategoryFilter.Params = map[string][]string{"no-such-key": {"x"}} }},
	}
	for _, c := range cases {
		r := ps.seed()
		c.mutate(&r)
		got, err := ps.ca.CreateProtectionPolicy(ctx, r)
		if got != nil {
			t.Errorf("%s: returned %+v", c.what, got)
		}
		wantRefusal(t, c.what, err, "creating protection rule replicated-vm")
	}
	if all, err := ps.ca.ListProtectionPolicies(ctx, ""); err != nil || len(all) != 0 {
		t.Errorf("refused creates left %+v, %v", all, err)
	}
	missing := "0f000000-0000-4000-8000-0000000000f0"
	if _, err := ps.ca.GetProtectionPolicy(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetProtectionPolicy of a missing rule: %v", err)
	}
	if err := ps.ca.DeleteProtectionPolicy(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteProtectionPolicy of a missing rule: %v", err)
	}
	if _, err := ps.ca.ProtectedVMUUIDs(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("ProtectedVMUUIDs of a missing rule: %v", err)
	}
}

// wantRefusal fails unless err is a 4xx *APIError or a *TaskError whose text
// starts with op.
func wantRefusal(t *testing.T, what string, err error, op string) {
	t.Helper()
	var apiErr *APIError
	var taskErr *TaskError
	switch {
	case errors.As(err, &apiErr):
		if apiErr.StatusCode/100 != 4 {
			t.Errorf("%s: status %d: %v", what, apiErr.StatusCode, err)
		}
	case errors.As(err, &taskErr):
	default:
		t.Errorf("%s: error = %v (%T), want an *APIError or *TaskError", what, err, err)
		return
	}
	if !strings.HasPrefix(err.Error(), op) {
		t.Errorf("%s: error %q does not start with %q", what, err, op)
	}
	t.Logf("%s: %v", what, err)
}

func TestEmulatorProtectionPolicyDropAfterCommit(t *testing.T) {
	ps := startProtectedSites(t)
	ps.tagSeedVMs(t)
	checkCreateSurvivesDrop(t, ps.simPC, "/protection_rules",
		func() (*ProtectionPolicy, error) {
			return ps.ca.CreateProtectionPolicy(context.Background(), ps.seed())
		},
		func() ([]ProtectionPolicy, error) { return ps.ca.ListProtectionPolicies(context.Background(), "") },
		func(p *ProtectionPolicy) string { return p.UUID })
}

// TestEmulatorProtectionPolicyShapes creates rules that use more of the
// model (a synchronous schedule, several schedules between one pair,
// roll-up) and checks each reads back exactly.
func TestEmulatorProtectionPolicyShapes(t *testing.T) {
	ps := startProtectedSites(t)
	ps.tagSeedVMs(t)
	ctx := context.Background()
	sync := ps.seed()
	sync.Name = "synchronous"
	sync.Connectivity = []ProtectionConnectivity{{SourceIndex: 0, DestinationIndex: 1, Schedules: []SnapshotSchedule{{RPOSecs: 0, AutoSuspendTimeoutSecs: i64(30)}}}}
	rollup := ps.seed()
	rollup.Name, rollup.StartTime = "rollup", "02h:30m"
	rollup.CategoryFilter = CategoryFilter{Type: CategoriesMatchAll, KindList: []string{KindVM}, Params: map[string][]string{"Environment": {"Production"}}}
	rollup.Connectivity[0].Schedules = []SnapshotSchedule{
		{RPOSecs: 3600, SnapshotType: SnapshotTypeCrashConsistent, LocalRetention: &RetentionPolicy{Rollup: &RollupRetention{Multiple: 1, IntervalType: RollupDaily}}, RemoteRetention: &RetentionPolicy{Rollup: &RollupRetention{Multiple: 7, IntervalType: RollupDaily}}},
		{RPOSecs: 86400, RemoteRetention: &RetentionPolicy{Rollup: &RollupRetention{Multiple: 4, IntervalType: RollupWeekly}}},
	}
	rollup.PrimaryLocationIndexes = nil
	for _, in := range []ProtectionPolicy{sync, rollup} {
		got, err := ps.ca.CreateProtectionPolicy(ctx, in)
		if err != nil {
			t.Errorf("%s: %v", in.Name, err)
			continue
		}
		want := in
		want.UUID, want.State, want.SpecVersion = got.UUID, got.State, got.SpecVersion
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s reads back as\n%#v\nwant\n%#v", in.Name, *got, want)
		}
	}
	// A second synchronous rule over the same VMs is refused.
	again := sync
	again.Name = "synchronous-2"
	_, err := ps.ca.CreateProtectionPolicy(ctx, again)
	wantRefusal(t, "overlapping synchronous rules", err, "creating protection rule synchronous-2")
}
