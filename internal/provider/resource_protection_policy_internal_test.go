package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// UUIDs of the test policies.
const (
	ppAZCanada  = "11111111-1111-4111-8111-111111111111"
	ppAZFrance  = "22222222-2222-4222-8222-222222222222"
	ppAZJapan   = "33333333-3333-4333-8333-333333333333"
	ppClusterCA = "44444444-4444-4444-8444-444444444444"
	ppClusterFR = "55555555-5555-4555-8555-555555555555"
	ppClusterJP = "66666666-6666-4666-8666-666666666666"
	ppMST       = "77777777-7777-4777-8777-777777777777"
	ppRuleID    = "88888888-8888-4888-8888-888888888888"
)

// ppLoc builds a location; clusters nil leaves cluster_ids null.
func ppLoc(t *testing.T, label, az string, clusters []string, primary bool, mst string) locationModel {
	t.Helper()
	l := locationModel{
		Label:              types.StringValue(label),
		AvailabilityZoneID: types.StringValue(az),
		ClusterIDs:         types.ListNull(types.StringType),
		Primary:            types.BoolValue(primary),
		MSTTargetID:        types.StringNull(),
	}
	if clusters != nil {
		l.ClusterIDs = ppStrings(t, clusters)
	}
	if mst != "" {
		l.MSTTargetID = types.StringValue(mst)
	}
	return l
}

// ppStrings builds a list of strings.
func ppStrings(t *testing.T, s []string) types.List {
	t.Helper()
	l, d := types.ListValueFrom(context.Background(), types.StringType, s)
	ppNoError(t, d)
	return l
}

// ppRep builds a replication with crash-consistent snapshots and no retention.
func ppRep(from, to, rpo string) replicationModel {
	return replicationModel{
		From:               types.StringValue(from),
		To:                 types.StringValue(to),
		RPO:                timetypes.NewGoDurationValueFromStringMust(rpo),
		SnapshotType:       types.StringValue(client.SnapshotTypeCrashConsistent),
		LocalRetention:     types.ObjectNull(retentionAttrTypes),
		RemoteRetention:    types.ObjectNull(retentionAttrTypes),
		AutoSuspendTimeout: timetypes.NewGoDurationNull(),
	}
}

// ppCount builds a linear retention.
func ppCount(t *testing.T, n int64) types.Object {
	t.Helper()
	o, d := types.ObjectValue(retentionAttrTypes, map[string]attr.Value{
		"count": types.Int64Value(n), "rollup": types.ObjectNull(rollupAttrTypes),
	})
	ppNoError(t, d)
	return o
}

// ppRollup builds a roll-up retention.
func ppRollup(t *testing.T, multiple int64, interval string) types.Object {
	t.Helper()
	ru, d := types.ObjectValue(rollupAttrTypes, map[string]attr.Value{
		"multiple": types.Int64Value(multiple), "interval": types.StringValue(interval),
	})
	ppNoError(t, d)
	o, d := types.ObjectValue(retentionAttrTypes, map[string]attr.Value{"count": types.Int64Null(), "rollup": ru})
	ppNoError(t, d)
	return o
}

// ppPolicy builds a policy model selecting replicated-vm:from-canada.
func ppPolicy(t *testing.T, locs []locationModel, reps []replicationModel) protectionPolicyModel {
	t.Helper()
	ctx := context.Background()
	cats, d := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType},
		map[string][]string{"replicated-vm": {"from-canada"}})
	ppNoError(t, d)
	cf, d := types.ObjectValue(categoryFilterAttrTypes, map[string]attr.Value{
		"match": types.StringValue(matchAny), "categories": cats,
	})
	ppNoError(t, d)
	l, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: locationAttrTypes}, locs)
	ppNoError(t, d)
	r, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: replicationAttrTypes}, reps)
	ppNoError(t, d)
	return protectionPolicyModel{
		ID:             types.StringValue(ppRuleID),
		Name:           types.StringValue("replicated-vm"),
		Description:    types.StringNull(),
		StartTime:      types.StringNull(),
		CategoryFilter: cf,
		Locations:      l,
		Replications:   r,
		ProtectedVMIDs: types.SetNull(types.StringType),
		Timeouts:       timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})},
	}
}

// ppSeed is the seed's bidirectional Canada/France policy.
func ppSeed(t *testing.T) protectionPolicyModel {
	t.Helper()
	ab := ppRep("canada", "france", "15m")
	ab.SnapshotType = types.StringValue(client.SnapshotTypeApplicationConsistent)
	ab.LocalRetention, ab.RemoteRetention = ppCount(t, 4), ppCount(t, 4)
	ba := ppRep("france", "canada", "15m")
	ba.LocalRetention, ba.RemoteRetention = ppCount(t, 4), ppCount(t, 4)
	return ppPolicy(t,
		[]locationModel{
			ppLoc(t, "canada", ppAZCanada, []string{ppClusterCA}, true, ""),
			ppLoc(t, "france", ppAZFrance, []string{ppClusterFR}, false, ""),
		},
		[]replicationModel{ab, ba})
}

// ppRich is a policy with every form: three locations and an MST store, several schedules
// between one pair given apart, roll-up retention, synchronous replication, a description and a
// start time.
func ppRich(t *testing.T) protectionPolicyModel {
	t.Helper()
	hourly := ppRep("canada", "france", "1h")
	hourly.LocalRetention, hourly.RemoteRetention = ppCount(t, 2), ppRollup(t, 7, client.RollupDaily)
	toS3 := ppRep("canada", "s3", "24h")
	toS3.LocalRetention, toS3.RemoteRetention = ppCount(t, 1), ppRollup(t, 4, client.RollupWeekly)
	weekly := ppRep("canada", "france", "168h")
	weekly.SnapshotType = types.StringValue(client.SnapshotTypeApplicationConsistent)
	weekly.RemoteRetention = ppRollup(t, 12, client.RollupMonthly)
	sync := ppRep("canada", "japan", "0s")
	sync.AutoSuspendTimeout = timetypes.NewGoDurationValueFromStringMust("30s")
	m := ppPolicy(t,
		[]locationModel{
			ppLoc(t, "canada", ppAZCanada, []string{ppClusterCA}, true, ""),
			ppLoc(t, "france", ppAZFrance, nil, false, ""),
			ppLoc(t, "japan", ppAZJapan, []string{ppClusterJP}, false, ""),
			ppLoc(t, "s3", ppAZFrance, nil, false, ppMST),
		},
		[]replicationModel{hourly, toS3, weekly, sync})
	m.Description = types.StringValue("tier 1 to France, Japan and S3")
	m.StartTime = types.StringValue("18h:30m")
	return m
}

func ppNoError(t *testing.T, d diag.Diagnostics) {
	t.Helper()
	if d.HasError() {
		t.Fatalf("unexpected diagnostics: %v", d)
	}
}

// ppSchema returns the schema of nutanixdr_protection_policy.
func ppSchema(t *testing.T) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	newProtectionPolicyResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	ppNoError(t, resp.Diagnostics)
	return resp.Schema
}

// ppRaw converts a model to a value of the schema, which checks that the model's nested types
// are the schema's.
func ppRaw(t *testing.T, m protectionPolicyModel) tftypes.Value {
	t.Helper()
	s := ppSchema(t)
	st := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(context.Background()), nil)}
	ppNoError(t, st.Set(context.Background(), m))
	return st.Raw
}

// ppEqual fails the test when the two models differ, naming the first attribute that does.
func ppEqual(t *testing.T, got, want protectionPolicyModel) {
	t.Helper()
	g, w := ppRaw(t, got), ppRaw(t, want)
	if g.Equal(w) {
		return
	}
	diffs, err := g.Diff(w)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("at %s: got %v, want %v", d.Path, d.Value1, d.Value2)
	}
}

func TestProtectionPolicyExpand_seed(t *testing.T) {
	rule, d := expandProtectionPolicy(context.Background(), ppSeed(t))
	ppNoError(t, d)
	four := int64(4)
	want := client.ProtectionPolicy{
		UUID: ppRuleID,
		Name: "replicated-vm",
		Locations: []client.ProtectionLocation{
			{AvailabilityZoneUUID: ppAZCanada, ClusterUUIDs: []string{ppClusterCA}, TargetType: client.TargetTypeAOSCluster},
			{AvailabilityZoneUUID: ppAZFrance, ClusterUUIDs: []string{ppClusterFR}, TargetType: client.TargetTypeAOSCluster},
		},
		PrimaryLocationIndexes: []int{0},
		Connectivity: []client.ProtectionConnectivity{
			{SourceIndex: 0, DestinationIndex: 1, Schedules: []client.SnapshotSchedule{{
				RPOSecs: 900, SnapshotType: client.SnapshotTypeApplicationConsistent,
				LocalRetention: &client.RetentionPolicy{NumSnapshots: &four}, RemoteRetention: &client.RetentionPolicy{NumSnapshots: &four},
			}}},
			{SourceIndex: 1, DestinationIndex: 0, Schedules: []client.SnapshotSchedule{{
				RPOSecs: 900, SnapshotType: client.SnapshotTypeCrashConsistent,
				LocalRetention: &client.RetentionPolicy{NumSnapshots: &four}, RemoteRetention: &client.RetentionPolicy{NumSnapshots: &four},
			}}},
		},
		CategoryFilter: client.CategoryFilter{
			Type: client.CategoriesMatchAny, KindList: []string{"vm"}, Params: map[string][]string{"replicated-vm": {"from-canada"}},
		},
	}
	if !reflect.DeepEqual(rule, want) {
		t.Errorf("expand:\n got %+v\nwant %+v", rule, want)
	}
}

func TestProtectionPolicyExpand_grouping(t *testing.T) {
	rule, d := expandProtectionPolicy(context.Background(), ppRich(t))
	ppNoError(t, d)
	if rule.Description != "tier 1 to France, Japan and S3" || rule.StartTime != "18h:30m" {
		t.Errorf("description %q, start time %q", rule.Description, rule.StartTime)
	}
	// canada->france (1h, 168h), canada->s3, canada->japan: pairs in the order they first appear,
	// schedules of a pair in the order given.
	type entry struct {
		src, dst int
		rpos     []int64
	}
	var got []entry
	for _, c := range rule.Connectivity {
		e := entry{src: c.SourceIndex, dst: c.DestinationIndex}
		for _, s := range c.Schedules {
			e.rpos = append(e.rpos, s.RPOSecs)
		}
		got = append(got, e)
	}
	want := []entry{{0, 1, []int64{3600, 7 * 86400}}, {0, 3, []int64{86400}}, {0, 2, []int64{0}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("connectivity %+v, want %+v", got, want)
	}
	if l := rule.Locations[3]; l.TargetType != client.TargetTypeMST || l.RecoveryPointRepositoryUUID != ppMST || l.ClusterUUIDs != nil {
		t.Errorf("MST location %+v", l)
	}
	if l := rule.Locations[1]; l.ClusterUUIDs != nil || l.TargetType != client.TargetTypeAOSCluster {
		t.Errorf("a location without cluster_ids must send none: %+v", l)
	}
	sync := rule.Connectivity[2].Schedules[0]
	if sync.LocalRetention != nil || sync.RemoteRetention != nil || sync.AutoSuspendTimeoutSecs == nil || *sync.AutoSuspendTimeoutSecs != 30 {
		t.Errorf("synchronous schedule %+v", sync)
	}
	weekly := rule.Connectivity[0].Schedules[1]
	if weekly.LocalRetention != nil || weekly.RemoteRetention == nil || weekly.RemoteRetention.NumSnapshots != nil ||
		*weekly.RemoteRetention.Rollup != (client.RollupRetention{Multiple: 12, IntervalType: client.RollupMonthly}) {
		t.Errorf("roll-up schedule %+v", weekly)
	}
	if !reflect.DeepEqual(rule.PrimaryLocationIndexes, []int{0}) {
		t.Errorf("primary %v", rule.PrimaryLocationIndexes)
	}
}

func TestProtectionPolicyRoundTrip(t *testing.T) {
	ctx := context.Background()
	for name, m := range map[string]protectionPolicyModel{"seed": ppSeed(t), "rich": ppRich(t)} {
		t.Run(name, func(t *testing.T) {
			rule, d := expandProtectionPolicy(ctx, m)
			ppNoError(t, d)
			got, d := flattenProtectionPolicy(ctx, &rule, &m, nil)
			ppNoError(t, d)
			got.Timeouts = m.Timeouts
			ppEqual(t, got, m)
		})
	}
}

// ppShuffled returns rule as a server could answer it: connectivity entries and the schedules
// of each in reverse order, category values reordered, and values filled in.
func ppShuffled(rule client.ProtectionPolicy) client.ProtectionPolicy {
	out := rule
	out.Connectivity = nil
	for i := len(rule.Connectivity) - 1; i >= 0; i-- {
		c := rule.Connectivity[i]
		var scheds []client.SnapshotSchedule
		for j := len(c.Schedules) - 1; j >= 0; j-- {
			scheds = append(scheds, c.Schedules[j])
		}
		c.Schedules = scheds
		out.Connectivity = append(out.Connectivity, c)
	}
	return out
}

func TestProtectionPolicyFlatten_restoresOrder(t *testing.T) {
	ctx := context.Background()
	m := ppRich(t)
	rule, d := expandProtectionPolicy(ctx, m)
	ppNoError(t, d)
	got, d := flattenProtectionPolicy(ctx, new(ppShuffled(rule)), &m, nil)
	ppNoError(t, d)
	got.Timeouts = m.Timeouts
	ppEqual(t, got, m)

	// Two schedules between the same pair that differ only by retention, given in one order and
	// answered in the other, keep their places.
	a := ppRep("canada", "france", "1h")
	a.RemoteRetention = ppCount(t, 3)
	b := ppRep("canada", "france", "1h")
	b.RemoteRetention = ppCount(t, 5)
	m = ppPolicy(t, []locationModel{
		ppLoc(t, "canada", ppAZCanada, nil, true, ""), ppLoc(t, "france", ppAZFrance, nil, false, ""),
	}, []replicationModel{a, b})
	rule, d = expandProtectionPolicy(ctx, m)
	ppNoError(t, d)
	got, d = flattenProtectionPolicy(ctx, new(ppShuffled(rule)), &m, nil)
	ppNoError(t, d)
	got.Timeouts = m.Timeouts
	ppEqual(t, got, m)
}

func TestProtectionPolicyFlatten_nullsAndServerValues(t *testing.T) {
	ctx := context.Background()
	m := ppRich(t)
	m.Description = types.StringNull()
	m.StartTime = types.StringValue("")
	rule, d := expandProtectionPolicy(ctx, m)
	ppNoError(t, d)
	// What a Prism Central may add: clusters of a location left to it, retentions and a suspend
	// timeout nobody set, an empty description.
	served := rule
	served.Locations = append([]client.ProtectionLocation(nil), rule.Locations...)
	served.Locations[1].ClusterUUIDs = []string{ppClusterFR}
	served.Connectivity = append([]client.ProtectionConnectivity(nil), rule.Connectivity...)
	scheds := append([]client.SnapshotSchedule(nil), served.Connectivity[0].Schedules...)
	one, sixty := int64(1), int64(60)
	scheds[1].LocalRetention = &client.RetentionPolicy{NumSnapshots: &one}
	scheds[0].AutoSuspendTimeoutSecs = &sixty
	served.Connectivity[0].Schedules = scheds
	got, d := flattenProtectionPolicy(ctx, &served, &m, nil)
	ppNoError(t, d)
	got.Timeouts = m.Timeouts
	ppEqual(t, got, m)
	if !got.Description.IsNull() || got.StartTime.IsNull() || got.StartTime.ValueString() != "" {
		t.Errorf("description %v (want null), start_time %v (want \"\")", got.Description, got.StartTime)
	}
}

func TestProtectionPolicyFlatten_drift(t *testing.T) {
	ctx := context.Background()
	m := ppSeed(t)
	rule, d := expandProtectionPolicy(ctx, m)
	ppNoError(t, d)
	// Changed outside Terraform: the RPO and the remote retention of canada->france, and the
	// France cluster list emptied.
	changed := rule
	changed.Connectivity = append([]client.ProtectionConnectivity(nil), rule.Connectivity...)
	s := changed.Connectivity[0].Schedules[0]
	s.RPOSecs = 3600
	s.RemoteRetention = &client.RetentionPolicy{Rollup: &client.RollupRetention{Multiple: 2, IntervalType: client.RollupWeekly}}
	changed.Connectivity[0].Schedules = []client.SnapshotSchedule{s}
	got, d := flattenProtectionPolicy(ctx, &changed, &m, nil)
	ppNoError(t, d)
	reps, d := listElems[replicationModel](ctx, got.Replications)
	ppNoError(t, d)
	if len(reps) != 2 || reps[0].From.ValueString() != "canada" || reps[0].RPO.ValueString() != "1h" ||
		!reps[0].RemoteRetention.Equal(ppRollup(t, 2, client.RollupWeekly)) {
		t.Errorf("the changed replication must stay first, with the new values: %+v", reps)
	}
	if reps[1].From.ValueString() != "france" {
		t.Errorf("france->canada must stay second: %+v", reps[1])
	}

	// A schedule removed outside Terraform disappears; one added shows at the end.
	changed.Connectivity = []client.ProtectionConnectivity{rule.Connectivity[1], {SourceIndex: 0, DestinationIndex: 1,
		Schedules: []client.SnapshotSchedule{rule.Connectivity[0].Schedules[0], {RPOSecs: 86400, SnapshotType: client.SnapshotTypeCrashConsistent}}}}
	got, d = flattenProtectionPolicy(ctx, &changed, &m, nil)
	ppNoError(t, d)
	reps, d = listElems[replicationModel](ctx, got.Replications)
	ppNoError(t, d)
	var order []string
	for _, r := range reps {
		order = append(order, r.From.ValueString()+">"+r.To.ValueString()+"@"+r.RPO.ValueString())
	}
	if strings.Join(order, " ") != "canada>france@15m france>canada@15m canada>france@24h" {
		t.Errorf("order after an added schedule: %v", order)
	}
}

func TestProtectionPolicyFlatten_durationSpelling(t *testing.T) {
	ctx := context.Background()
	m := ppSeed(t)
	reps, d := listElems[replicationModel](ctx, m.Replications)
	ppNoError(t, d)
	reps[0].RPO = timetypes.NewGoDurationValueFromStringMust("60m")
	reps[1].RPO = timetypes.NewGoDurationValueFromStringMust("1h0m0s")
	m.Replications, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: replicationAttrTypes}, reps)
	ppNoError(t, d)
	rule, d := expandProtectionPolicy(ctx, m)
	ppNoError(t, d)
	got, d := flattenProtectionPolicy(ctx, &rule, &m, nil)
	ppNoError(t, d)
	got.Timeouts = m.Timeouts
	ppEqual(t, got, m)

	for secs, want := range map[int64]string{0: "0s", 60: "1m", 900: "15m", 3600: "1h", 86400: "24h", 1209600: "336h", 90: "1m30s"} {
		if got := durationValue(secs, nil).ValueString(); got != want {
			t.Errorf("durationValue(%d) = %q, want %q", secs, got, want)
		}
	}
}

func TestProtectionPolicyFlatten_import(t *testing.T) {
	ctx := context.Background()
	m := ppRich(t)
	rule, d := expandProtectionPolicy(ctx, m)
	ppNoError(t, d)
	rule.PrimaryLocationIndexes = nil

	got, d := flattenProtectionPolicy(ctx, &rule, nil, []string{"canada", "france", "japan", "s3"})
	ppNoError(t, d)
	got.Timeouts = m.Timeouts
	// Without a prior value, nothing is known to be unset: the import takes what the API holds,
	// the first location is primary when the rule names none, and the replications come in the
	// API's order (grouped by pair).
	reps, d := listElems[replicationModel](ctx, m.Replications)
	ppNoError(t, d)
	m.Replications, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: replicationAttrTypes},
		[]replicationModel{reps[0], reps[2], reps[1], reps[3]})
	ppNoError(t, d)
	ppEqual(t, got, m)

	got, d = flattenProtectionPolicy(ctx, &rule, nil, nil)
	ppNoError(t, d)
	locs, d := listElems[locationModel](ctx, got.Locations)
	ppNoError(t, d)
	reps, d = listElems[replicationModel](ctx, got.Replications)
	ppNoError(t, d)
	if locs[0].Label.ValueString() != "location-1" || locs[3].Label.ValueString() != "location-4" ||
		reps[3].To.ValueString() != "location-3" {
		t.Errorf("generated labels: %v / %v", locs, reps)
	}

	// Generated labels never repeat a kept one.
	prior := []locationModel{ppLoc(t, "location-2", ppAZCanada, nil, true, "")}
	if got := locationLabels(3, prior, nil); !reflect.DeepEqual(got, []string{"location-2", "location-3", "location-4"}) {
		t.Errorf("locationLabels = %v", got)
	}
}

func TestParseProtectionPolicyImportID(t *testing.T) {
	for in, want := range map[string][]string{
		ppRuleID:                         nil,
		ppRuleID + "/canada,france":      {"canada", "france"},
		ppRuleID + "/a b,c/d":            {"a b", "c/d"},
		"not-a-uuid":                     {"error"},
		ppRuleID + "/canada,":            {"error"},
		ppRuleID + "/canada,canada":      {"error"},
		"/canada":                        {"error"},
		ppRuleID + "x/canada":            {"error"},
		strings.ToUpper(ppRuleID) + "/x": {"x"},
	} {
		id, labels, err := parseProtectionPolicyImportID(in)
		switch {
		case len(want) == 1 && want[0] == "error":
			if err == nil {
				t.Errorf("%q: want an error, got %q %v", in, id, labels)
			}
		case err != nil:
			t.Errorf("%q: %v", in, err)
		case !strings.EqualFold(id, ppRuleID) || !reflect.DeepEqual(labels, want):
			t.Errorf("%q: got %q %v, want %v", in, id, labels, want)
		}
	}
}

func TestValidRPO(t *testing.T) {
	for s, want := range map[string]bool{
		"0s": true, "1m": true, "5m": true, "15m": true, "1h": true, "2h": true, "3h": true, "4h": true, "6h": true,
		"8h": true, "12h": true, "24h": true, "168h": true, "336h": true, "60m": true,
		"30s": false, "90s": false, "16m": false, "30m": false, "5h": false, "48h": false, "-15m": false, "720h": false,
	} {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := validRPO(d); got != want {
			t.Errorf("validRPO(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestStartTimeValidator(t *testing.T) {
	for s, ok := range map[string]bool{
		"00h:00m": true, "18h:00m": true, "23h:59m": true, "09h:05m": true,
		"24h:00m": false, "9h:05m": false, "18:00": false, "18h00m": false, "18h:60m": false, "": false, " 18h:00m": false,
	} {
		var resp validator.StringResponse
		startTimeValidator().ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("start_time"), ConfigValue: types.StringValue(s)}, &resp)
		if resp.Diagnostics.HasError() == ok {
			t.Errorf("start_time %q: errors %v, want ok=%v", s, resp.Diagnostics, ok)
		}
		if !ok && !strings.Contains(ppDetails(resp.Diagnostics), `start_time "`+s+`" is not a time of day`) {
			t.Errorf("start_time %q: the message must name the attribute: %v", s, resp.Diagnostics)
		}
	}
}

func TestProtectionPolicySchema(t *testing.T) {
	s := ppSchema(t)
	var walk func(prefix string, attrs map[string]schema.Attribute)
	walk = func(prefix string, attrs map[string]schema.Attribute) {
		for name, a := range attrs {
			if a.GetMarkdownDescription() == "" && a.GetDescription() == "" {
				t.Errorf("%s%s has no MarkdownDescription", prefix, name)
			}
			switch n := a.(type) {
			case schema.SingleNestedAttribute:
				walk(prefix+name+".", n.Attributes)
			case schema.ListNestedAttribute:
				walk(prefix+name+"[].", n.NestedObject.Attributes)
			}
		}
	}
	walk("", s.Attributes)

	vms, ok := s.Attributes["protected_vm_ids"].(schema.SetAttribute)
	if !ok || !vms.Computed || vms.Optional || len(vms.PlanModifiers) != 0 {
		t.Errorf("protected_vm_ids must be computed only, without UseStateForUnknown (it changes as VMs are tagged): %+v", vms)
	}
	id, ok := s.Attributes["id"].(schema.StringAttribute)
	if !ok || len(id.PlanModifiers) != 1 {
		t.Errorf("id must keep its value through plans (UseStateForUnknown): %+v", id)
	}
	for name, a := range s.Attributes {
		if sa, ok := a.(schema.StringAttribute); ok && name != "id" && len(sa.PlanModifiers) > 0 {
			t.Errorf("%s must not replace: every argument updates in place", name)
		}
	}
}

func TestProtectionPolicyCategoryFilter(t *testing.T) {
	ctx := context.Background()
	m := ppSeed(t)
	cats, d := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType},
		map[string][]string{"replicated-vm": {"from-france", "from-canada"}, "tier": {"gold"}})
	ppNoError(t, d)
	m.CategoryFilter, d = types.ObjectValue(categoryFilterAttrTypes, map[string]attr.Value{
		"match": types.StringValue(matchAll), "categories": cats,
	})
	ppNoError(t, d)
	rule, d := expandProtectionPolicy(ctx, m)
	ppNoError(t, d)
	want := client.CategoryFilter{Type: client.CategoriesMatchAll, KindList: []string{"vm"},
		Params: map[string][]string{"replicated-vm": {"from-france", "from-canada"}, "tier": {"gold"}}}
	if !reflect.DeepEqual(rule.CategoryFilter, want) {
		t.Errorf("category filter %+v, want %+v", rule.CategoryFilter, want)
	}

	// Values answered in another order keep the configured order; a changed list shows as
	// answered; a missing type is the API's default, ANY.
	rule.CategoryFilter.Params["replicated-vm"] = []string{"from-canada", "from-france"}
	got, d := flattenProtectionPolicy(ctx, &rule, &m, nil)
	ppNoError(t, d)
	got.Timeouts = m.Timeouts
	ppEqual(t, got, m)

	rule.CategoryFilter = client.CategoryFilter{Params: map[string][]string{"replicated-vm": {"from-canada"}}}
	got, d = flattenProtectionPolicy(ctx, &rule, &m, nil)
	ppNoError(t, d)
	cf, ok, d := objectAs[categoryFilterModel](ctx, got.CategoryFilter)
	ppNoError(t, d)
	var params map[string][]string
	ppNoError(t, cf.Categories.ElementsAs(ctx, &params, false))
	if !ok || cf.Match.ValueString() != matchAny || !reflect.DeepEqual(params, map[string][]string{"replicated-vm": {"from-canada"}}) {
		t.Errorf("category filter %v %v", cf.Match, params)
	}
}
