package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// UUIDs of the test plans.
const (
	rpAZCanada  = "11111111-1111-4111-8111-111111111111"
	rpAZFrance  = "22222222-2222-4222-8222-222222222222"
	rpClusterA  = "44444444-4444-4444-8444-444444444444"
	rpClusterB  = "55555555-5555-4555-8555-555555555555"
	rpVMDNS     = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	rpVMApp     = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
	rpVMDB      = "cccccccc-cccc-4ccc-8ccc-cccccccccccc"
	rpNIC       = "dddddddd-dddd-4ddd-8ddd-dddddddddddd"
	rpPlanID    = "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee"
	rpVPC       = "ffffffff-ffff-4fff-8fff-ffffffffffff"
	rpStageUUID = "12121212-1212-4212-8212-121212121212"
)

// rpNoError fails the test on error diagnostics.
func rpNoError(t *testing.T, d diag.Diagnostics) {
	t.Helper()
	if d.HasError() {
		t.Fatalf("unexpected diagnostics: %v", d)
	}
}

// rpObj builds an object of the given attribute types from a model struct.
func rpObj(t *testing.T, types_ map[string]attr.Type, v any) types.Object {
	t.Helper()
	o, d := types.ObjectValueFrom(context.Background(), types_, v)
	rpNoError(t, d)
	return o
}

// rpList builds a list of objects.
func rpList(t *testing.T, types_ map[string]attr.Type, vs ...types.Object) types.List {
	t.Helper()
	vals := make([]attr.Value, len(vs))
	for i, v := range vs {
		vals[i] = v
	}
	l, d := types.ListValue(types.ObjectType{AttrTypes: types_}, vals)
	rpNoError(t, d)
	return l
}

// rpDur returns a duration value, null for "".
func rpDur(s string) timetypes.GoDuration {
	if s == "" {
		return timetypes.NewGoDurationNull()
	}
	return timetypes.NewGoDurationValueFromStringMust(s)
}

// rpStr returns a string value, null for "".
func rpStr(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// rpLoc builds a location.
func rpLoc(t *testing.T, az string, clusters ...string) types.Object {
	t.Helper()
	l := rpLocationModel{AvailabilityZoneID: types.StringValue(az), ClusterIDs: types.ListNull(types.StringType)}
	if len(clusters) > 0 {
		var d diag.Diagnostics
		l.ClusterIDs, d = types.ListValueFrom(context.Background(), types.StringType, clusters)
		rpNoError(t, d)
	}
	return rpObj(t, rpLocationAttrTypes, l)
}

// rpEntity builds an entity selector: vm is a VM uuid, or "key=value" categories.
func rpEntity(t *testing.T, vm string, cats map[string]string, script types.Object, power types.Bool) types.Object {
	t.Helper()
	e := rpEntityModel{VMID: rpStr(vm), Categories: types.MapNull(types.StringType), Script: script, PowerOn: power}
	if cats != nil {
		var d diag.Diagnostics
		e.Categories, d = types.MapValueFrom(context.Background(), types.StringType, cats)
		rpNoError(t, d)
	}
	return rpObj(t, rpEntityAttrTypes, e)
}

// rpScript builds a script.
func rpScript(t *testing.T, enabled bool, timeout string) types.Object {
	t.Helper()
	return rpObj(t, rpScriptAttrTypes, rpScriptModel{Enabled: types.BoolValue(enabled), Timeout: rpDur(timeout)})
}

// rpStage builds a stage.
func rpStage(t *testing.T, delay string, entities ...types.Object) types.Object {
	t.Helper()
	return rpObj(t, rpStageAttrTypes, rpStageModel{DelayAfter: rpDur(delay), Entities: rpList(t, rpEntityAttrTypes, entities...)})
}

// rpNet builds a network; prefix 0 leaves gateway and prefix length null.
func rpNet(t *testing.T, name, vpc, gw string, prefix int64) types.Object {
	t.Helper()
	n := rpNetworkModel{SubnetName: types.StringValue(name), VPCID: rpStr(vpc), GatewayIP: rpStr(gw), PrefixLength: types.Int64Null()}
	if prefix > 0 {
		n.PrefixLength = types.Int64Value(prefix)
	}
	return rpObj(t, rpNetworkAttrTypes, n)
}

// rpSide builds one side of a network mapping; test may be a null object.
func rpSide(t *testing.T, prod, test types.Object) types.Object {
	t.Helper()
	return rpObj(t, rpSiteNetworksAttrTypes, rpSiteNetworksModel{Production: prod, Test: test, ClusterIDs: types.ListNull(types.StringType)})
}

// rpMapping builds a network mapping.
func rpMapping(t *testing.T, stretched bool, primary, recovery types.Object) types.Object {
	t.Helper()
	return rpObj(t, rpNetworkMappingAttrTypes, rpNetworkMappingModel{Stretched: types.BoolValue(stretched), Primary: primary, Recovery: recovery})
}

// rpIP builds an IP assignment.
func rpIP(t *testing.T, vm, site, recoveryIP, testIP string) types.Object {
	t.Helper()
	return rpObj(t, rpIPAssignmentAttrTypes, rpIPAssignmentModel{VMID: rpStr(vm), Site: rpStr(site), RecoveryIP: rpStr(recoveryIP), TestIP: rpStr(testIP)})
}

// rpBase returns a minimal plan model: canada to france, one stage by category, nothing else.
func rpBase(t *testing.T) recoveryPlanModel {
	t.Helper()
	m := nullRecoveryPlanModel()
	m.ID = types.StringValue(rpPlanID)
	m.Name = types.StringValue("canada-to-france")
	m.PrimaryLocation = rpLoc(t, rpAZCanada)
	m.RecoveryLocation = rpLoc(t, rpAZFrance)
	m.Stages = rpList(t, rpStageAttrTypes, rpStage(t, "", rpEntity(t, "", map[string]string{"replicated-vm": "from-canada"},
		types.ObjectNull(rpScriptAttrTypes), types.BoolValue(true))))
	m.EntityCount = types.Int64Null()
	m.Validation = types.ListNull(types.ObjectType{AttrTypes: rpValidationAttrTypes})
	return m
}

// rpStaged returns the 3-stage plan with two network mappings, static IPs in an order that
// differs from the API's, a floating IP, a witness and a cutover mode.
func rpStaged(t *testing.T) recoveryPlanModel {
	t.Helper()
	m := rpBase(t)
	m.Description = types.StringValue("DNS first")
	m.Stages = rpList(t, rpStageAttrTypes,
		rpStage(t, "30s", rpEntity(t, rpVMDNS, nil, rpScript(t, true, "5m"), types.BoolValue(true))),
		rpStage(t, "2m",
			rpEntity(t, rpVMApp, nil, types.ObjectNull(rpScriptAttrTypes), types.BoolNull()),
			rpEntity(t, rpVMDB, nil, rpScript(t, false, ""), types.BoolValue(false))),
		rpStage(t, "", rpEntity(t, "", map[string]string{"replicated-vm": "from-canada", "tier": "web"},
			types.ObjectNull(rpScriptAttrTypes), types.BoolNull())),
	)
	null := types.ObjectNull(rpNetworkAttrTypes)
	m.NetworkMappings = rpList(t, rpNetworkMappingAttrTypes,
		rpMapping(t, false,
			rpSide(t, rpNet(t, "vlan50-prod", "", "192.168.50.1", 24), rpNet(t, "vlan51-test", "", "192.168.51.1", 25)),
			rpSide(t, rpNet(t, "vlan50-prod", "", "192.168.50.1", 24), rpNet(t, "vlan51-test", "", "192.168.51.1", 25))),
		rpMapping(t, true,
			rpSide(t, rpNet(t, "overlay-a", rpVPC, "10.1.0.1", 16), null),
			rpSide(t, rpNet(t, "overlay-b", "", "10.2.0.1", 16), null)),
	)
	m.IPAssignments = rpList(t, rpIPAssignmentAttrTypes,
		rpIP(t, rpVMApp, rpSiteRecovery, "10.2.0.20", ""),
		rpIP(t, rpVMDNS, rpSiteRecovery, "192.168.50.2", "192.168.51.2"),
		rpIP(t, rpVMDNS, rpSitePrimary, "192.168.50.2", ""),
		rpIP(t, rpVMDB, rpSiteRecovery, "", "192.168.51.11"),
	)
	m.FloatingIPs = rpList(t, rpFloatingIPAttrTypes, rpObj(t, rpFloatingIPAttrTypes, rpFloatingIPModel{
		VMID: types.StringValue(rpVMApp), Site: types.StringValue(rpSiteRecovery), NICID: types.StringValue(rpNIC), NICIP: types.StringNull(),
		Recovery: rpObj(t, rpFloatingIPConfigAttrTypes, rpFloatingIPConfigModel{IP: types.StringValue("203.0.113.5"), AllocateDynamically: types.BoolNull()}),
		Test:     rpObj(t, rpFloatingIPConfigAttrTypes, rpFloatingIPConfigModel{IP: types.StringNull(), AllocateDynamically: types.BoolValue(true)}),
	}))
	m.Witness = rpObj(t, rpWitnessAttrTypes, rpWitnessModel{AvailabilityZoneID: types.StringValue(rpAZCanada), FailoverTimeout: rpDur("30s")})
	m.CutoverMode = types.StringValue("LATE")
	return m
}

// rpReadBack simulates Prism Central: the plan as sent, through JSON (so nothing is shared),
// with what a PC adds on read (stage uuids, names of VM references, a state).
func rpReadBack(t *testing.T, p client.RecoveryPlan) *client.RecoveryPlan {
	t.Helper()
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out client.RecoveryPlan
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	out.UUID, out.State, out.SpecVersion = rpPlanID, "COMPLETE", 1
	for i := range out.Stages {
		out.Stages[i].UUID = rpStageUUID
		for j := range out.Stages[i].Entities {
			if out.Stages[i].Entities[j].VMUUID != "" {
				out.Stages[i].Entities[j].VMName = "vm"
			}
		}
	}
	return &out
}

// rpComparable clears what flatten leaves to the caller.
func rpComparable(m recoveryPlanModel) recoveryPlanModel {
	m.EntityCount = types.Int64Null()
	m.Validation = types.ListNull(types.ObjectType{AttrTypes: rpValidationAttrTypes})
	return m
}

// rpDiff reports the attributes of got that differ from want.
func rpDiff(got, want recoveryPlanModel) []string {
	var out []string
	pairs := map[string][2]attr.Value{
		"id": {got.ID, want.ID}, "name": {got.Name, want.Name}, "description": {got.Description, want.Description},
		"primary_location": {got.PrimaryLocation, want.PrimaryLocation}, "recovery_location": {got.RecoveryLocation, want.RecoveryLocation},
		"stages": {got.Stages, want.Stages}, "network_mappings": {got.NetworkMappings, want.NetworkMappings},
		"ip_assignments": {got.IPAssignments, want.IPAssignments}, "floating_ips": {got.FloatingIPs, want.FloatingIPs},
		"witness": {got.Witness, want.Witness}, "cutover_mode": {got.CutoverMode, want.CutoverMode},
	}
	for name, p := range pairs {
		if !p[0].Equal(p[1]) {
			out = append(out, name+":\n got  "+p[0].String()+"\n want "+p[1].String())
		}
	}
	return out
}

func TestRecoveryPlanRoundTrip_staged(t *testing.T) {
	ctx := context.Background()
	plan := rpStaged(t)
	sent, d := expandRecoveryPlan(ctx, plan)
	rpNoError(t, d)

	// What is sent: the primary first, every stage with its entities and scripts, each mapping
	// as one entry per location, the static IPs in the mapping whose network holds them.
	if sent.PrimaryLocationIndex == nil || *sent.PrimaryLocationIndex != 0 || len(sent.AvailabilityZones) != 2 ||
		sent.AvailabilityZones[0].AvailabilityZoneUUID != rpAZCanada || sent.AvailabilityZones[1].AvailabilityZoneUUID != rpAZFrance {
		t.Fatalf("locations sent as %+v (primary %v)", sent.AvailabilityZones, sent.PrimaryLocationIndex)
	}
	if len(sent.Stages) != 3 || *sent.Stages[0].DelaySecs != 30 || *sent.Stages[1].DelaySecs != 120 || sent.Stages[2].DelaySecs != nil {
		t.Fatalf("stages sent as %+v", sent.Stages)
	}
	dns := sent.Stages[0].Entities[0]
	if dns.VMUUID != rpVMDNS || len(dns.Scripts) != 1 || !dns.Scripts[0].Enabled || *dns.Scripts[0].TimeoutSecs != 300 || dns.PowerState != client.PowerStateOn {
		t.Fatalf("dns entity sent as %+v", dns)
	}
	if db := sent.Stages[1].Entities[1]; len(db.Scripts) != 1 || db.Scripts[0].Enabled || db.Scripts[0].TimeoutSecs != nil || db.PowerState != client.PowerStateOff {
		t.Fatalf("db entity sent as %+v", db)
	}
	if app := sent.Stages[1].Entities[0]; app.Scripts != nil || app.PowerState != "" {
		t.Fatalf("app entity sent as %+v: unset script and power state must not be sent", app)
	}
	if len(sent.NetworkMappings) != 2 || len(sent.NetworkMappings[0].PerAZ) != 2 {
		t.Fatalf("network mappings sent as %+v", sent.NetworkMappings)
	}
	m0, m1 := sent.NetworkMappings[0], sent.NetworkMappings[1]
	if got := m0.PerAZ[1].RecoveryIPs; len(got) != 1 || got[0].VMUUID != rpVMDNS || got[0].IPs[0] != "192.168.50.2" {
		t.Fatalf("france's recovery IPs of mapping 0 are %+v", got)
	}
	if got := m0.PerAZ[1].TestIPs; len(got) != 2 || got[0].VMUUID != rpVMDNS || got[1].VMUUID != rpVMDB {
		t.Fatalf("france's test IPs of mapping 0 are %+v", got)
	}
	if got := m1.PerAZ[1].RecoveryIPs; len(got) != 1 || got[0].VMUUID != rpVMApp || got[0].IPs[0] != "10.2.0.20" {
		t.Fatalf("france's recovery IPs of mapping 1 are %+v", got)
	}
	if got := m0.PerAZ[0].RecoveryIPs; len(got) != 1 || got[0].VMUUID != rpVMDNS {
		t.Fatalf("canada's recovery IPs of mapping 0 are %+v", got)
	}
	if !m1.Stretched || m1.PerAZ[0].Recovery.VPCUUID != rpVPC || !m1.PerAZ[0].Recovery.UseVPC || m1.PerAZ[0].Test != nil {
		t.Fatalf("mapping 1 sent as %+v", m1)
	}
	if m0.PerAZ[0].ClusterUUIDs != nil {
		t.Fatalf("clusters sent in a mapping between two availability zones: %+v", m0.PerAZ[0])
	}
	if len(sent.Witnesses) != 1 || sent.Witnesses[0].FailoverTimeoutSecs != 30 || sent.CutoverMode != "LATE" {
		t.Fatalf("witness %+v, cutover %q", sent.Witnesses, sent.CutoverMode)
	}
	if len(sent.FloatingIPs) != 1 || sent.FloatingIPs[0].AvailabilityZoneUUID != rpAZFrance || sent.FloatingIPs[0].VMs[0].Test == nil ||
		!sent.FloatingIPs[0].VMs[0].Test.AllocateDynamically {
		t.Fatalf("floating IPs sent as %+v", sent.FloatingIPs)
	}

	// Read back, the state is exactly the plan.
	got, d := flattenRecoveryPlan(ctx, rpReadBack(t, sent), &plan)
	rpNoError(t, d)
	if diff := rpDiff(rpComparable(got), rpComparable(plan)); len(diff) > 0 {
		t.Fatalf("the read plan differs from the plan:\n%s", strings.Join(diff, "\n"))
	}
	// An absent test network that Prism Central answers as an empty object stays null.
	emptyTest := rpReadBack(t, sent)
	emptyTest.NetworkMappings[1].PerAZ[1].Test = &client.RecoveryNetwork{}
	withEmpty, d := flattenRecoveryPlan(ctx, emptyTest, &plan)
	rpNoError(t, d)
	if !withEmpty.NetworkMappings.Equal(plan.NetworkMappings) {
		t.Fatalf("an empty test network read back as %s", withEmpty.NetworkMappings)
	}
	// Expanding the state again sends the same plan: no diff, no spurious update.
	again, d := expandRecoveryPlan(ctx, got)
	rpNoError(t, d)
	if a, b := rpJSON(t, again), rpJSON(t, sent); a != b {
		t.Fatalf("expand(flatten(expand(plan))) differs:\n%s\n%s", a, b)
	}

	// Imported (no prior), stages and mappings come back whole; the static IPs come in the
	// API's order.
	imported, d := flattenRecoveryPlan(ctx, rpReadBack(t, sent), nil)
	rpNoError(t, d)
	for name, p := range map[string][2]attr.Value{
		"stages":           {imported.Stages, plan.Stages},
		"network_mappings": {imported.NetworkMappings, plan.NetworkMappings},
		"witness":          {imported.Witness, plan.Witness},
		"floating_ips":     {imported.FloatingIPs, plan.FloatingIPs},
	} {
		if !p[0].Equal(p[1]) {
			t.Errorf("imported %s:\n got  %s\n want %s", name, p[0], p[1])
		}
	}
	ips, d := listElems[rpIPAssignmentModel](ctx, imported.IPAssignments)
	rpNoError(t, d)
	if len(ips) != 4 {
		t.Fatalf("imported %d IP assignments, want 4: %v", len(ips), imported.IPAssignments)
	}
}

// rpJSON encodes a plan for comparisons.
func rpJSON(t *testing.T, p client.RecoveryPlan) string {
	t.Helper()
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestRecoveryPlanRoundTrip_nullStaysNull(t *testing.T) {
	ctx := context.Background()
	plan := rpBase(t)
	sent, d := expandRecoveryPlan(ctx, plan)
	rpNoError(t, d)
	if sent.Stages[0].DelaySecs != nil || sent.Stages[0].Entities[0].Scripts != nil || sent.NetworkMappings != nil ||
		sent.FloatingIPs != nil || sent.Witnesses != nil || sent.CutoverMode != "" || sent.Description != "" {
		t.Fatalf("unset attributes were sent: %s", rpJSON(t, sent))
	}
	// Prism Central fills in defaults: a zero delay, a disabled script, empty lists.
	back := rpReadBack(t, sent)
	zero := int64(0)
	back.Stages[0].DelaySecs = &zero
	back.Stages[0].Entities[0].Scripts = []client.RecoveryScript{{Enabled: false}}
	back.NetworkMappings = []client.NetworkMapping{}
	back.Stages[0].Entities[0].PowerState = client.PowerStateOn
	back.Witnesses = []client.Witness{}
	got, d := flattenRecoveryPlan(ctx, back, &plan)
	rpNoError(t, d)
	if diff := rpDiff(rpComparable(got), rpComparable(plan)); len(diff) > 0 {
		t.Fatalf("defaults of Prism Central leaked into the state:\n%s", strings.Join(diff, "\n"))
	}
	// The same defaults on import read as unset too, except the script Prism Central reports.
	imported, d := flattenRecoveryPlan(ctx, back, nil)
	rpNoError(t, d)
	if !imported.NetworkMappings.IsNull() || !imported.Witness.IsNull() || !imported.Description.IsNull() {
		t.Fatalf("imported %v %v %v", imported.NetworkMappings, imported.Witness, imported.Description)
	}
	stages, _ := listElems[rpStageModel](ctx, imported.Stages)
	if len(stages) != 1 || !stages[0].DelayAfter.IsNull() {
		t.Fatalf("imported stages %v", imported.Stages)
	}
}

func TestRecoveryPlanRoundTrip_outOfBandChange(t *testing.T) {
	ctx := context.Background()
	plan := rpStaged(t)
	sent, d := expandRecoveryPlan(ctx, plan)
	rpNoError(t, d)
	back := rpReadBack(t, sent)
	// Changed elsewhere: a stage dropped, a delay changed, a static IP moved.
	back.Stages = back.Stages[:2]
	sixty := int64(60)
	back.Stages[0].DelaySecs = &sixty
	back.NetworkMappings[1].PerAZ[1].RecoveryIPs[0].IPs = []string{"10.2.0.99"}
	got, d := flattenRecoveryPlan(ctx, back, &plan)
	rpNoError(t, d)
	stages, _ := listElems[rpStageModel](ctx, got.Stages)
	if len(stages) != 2 || stages[0].DelayAfter.ValueString() != "1m" {
		t.Fatalf("stages read as %v", got.Stages)
	}
	ips, _ := listElems[rpIPAssignmentModel](ctx, got.IPAssignments)
	if len(ips) != 4 || ips[0].VMID.ValueString() != rpVMApp || ips[0].RecoveryIP.ValueString() != "10.2.0.99" {
		t.Fatalf("the changed IP assignment lost its place: %v", got.IPAssignments)
	}
}

func TestRecoveryPlanRoundTrip_sameAZ(t *testing.T) {
	ctx := context.Background()
	plan := rpBase(t)
	plan.PrimaryLocation = rpLoc(t, rpAZCanada, rpClusterA)
	plan.RecoveryLocation = rpLoc(t, rpAZCanada, rpClusterB)
	plan.NetworkMappings = rpList(t, rpNetworkMappingAttrTypes, rpMapping(t, false,
		rpSide(t, rpNet(t, "a-prod", "", "", 0), types.ObjectNull(rpNetworkAttrTypes)),
		rpSide(t, rpNet(t, "b-prod", "", "", 0), types.ObjectNull(rpNetworkAttrTypes))))
	rpNoError(t, validateRecoveryPlan(ctx, plan))
	sent, d := expandRecoveryPlan(ctx, plan)
	rpNoError(t, d)
	if got := sent.NetworkMappings[0].PerAZ[1].ClusterUUIDs; len(got) != 1 || got[0] != rpClusterB {
		t.Fatalf("clusters of the recovery side sent as %v", got)
	}
	// Prism Central may answer the entries of one zone in another order: clusters decide.
	back := rpReadBack(t, sent)
	pz := back.NetworkMappings[0].PerAZ
	pz[0], pz[1] = pz[1], pz[0]
	got, d := flattenRecoveryPlan(ctx, back, &plan)
	rpNoError(t, d)
	if diff := rpDiff(rpComparable(got), rpComparable(plan)); len(diff) > 0 {
		t.Fatalf("%s", strings.Join(diff, "\n"))
	}
}

func TestValidateRecoveryPlan(t *testing.T) {
	ctx := context.Background()
	null := types.ObjectNull(rpNetworkAttrTypes)
	oneMapping := func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
		m.NetworkMappings = rpList(t, rpNetworkMappingAttrTypes, rpMapping(t, false,
			rpSide(t, rpNet(t, "vlan50-prod", "", "192.168.50.1", 24), rpNet(t, "vlan51-test", "", "192.168.51.1", 25)),
			rpSide(t, rpNet(t, "vlan50-prod", "", "192.168.50.1", 24), rpNet(t, "vlan51-test", "", "192.168.51.1", 25))))
		return m
	}
	for name, tc := range map[string]struct {
		edit func(t *testing.T, m recoveryPlanModel) recoveryPlanModel
		want []string
	}{
		"valid staged": {edit: func(t *testing.T, _ recoveryPlanModel) recoveryPlanModel { return rpStaged(t) }},
		"same location": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.RecoveryLocation = rpLoc(t, rpAZCanada)
				return m
			},
			want: []string{"recovery_location.availability_zone_id is " + rpAZCanada + ", the same availability zone as primary_location"},
		},
		"same clusters": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.PrimaryLocation = rpLoc(t, rpAZCanada, rpClusterA)
				m.RecoveryLocation = rpLoc(t, rpAZCanada, rpClusterB, rpClusterA)
				return m
			},
			want: []string{"recovery_location.cluster_ids[1] " + rpClusterA + " is also a cluster of primary_location"},
		},
		"negative delay": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.Stages = rpList(t, rpStageAttrTypes, rpStage(t, "-5s", rpEntity(t, rpVMDNS, nil, types.ObjectNull(rpScriptAttrTypes), types.BoolNull())))
				return m
			},
			want: []string{`stages[0].delay_after is "-5s", a negative delay`},
		},
		"fraction of a second": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.Stages = rpList(t, rpStageAttrTypes, rpStage(t, "1500ms", rpEntity(t, rpVMDNS, nil, types.ObjectNull(rpScriptAttrTypes), types.BoolNull())))
				return m
			},
			want: []string{`stages[0].delay_after is "1500ms": Prism Central counts whole seconds`},
		},
		"both selectors": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.Stages = rpList(t, rpStageAttrTypes, rpStage(t, "", rpEntity(t, rpVMDNS, map[string]string{"a": "b"}, types.ObjectNull(rpScriptAttrTypes), types.BoolNull())))
				return m
			},
			want: []string{"stages[0].entities[0] sets both categories and vm_id"},
		},
		"no selector": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.Stages = rpList(t, rpStageAttrTypes, rpStage(t, "", rpEntity(t, rpVMDNS, nil, types.ObjectNull(rpScriptAttrTypes), types.BoolNull())),
					rpStage(t, "", rpEntity(t, "", nil, types.ObjectNull(rpScriptAttrTypes), types.BoolNull())))
				return m
			},
			want: []string{"stages[1].entities[0] sets neither categories nor vm_id"},
		},
		"production is test": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.NetworkMappings = rpList(t, rpNetworkMappingAttrTypes, rpMapping(t, false,
					rpSide(t, rpNet(t, "vlan50-prod", "", "", 0), null),
					rpSide(t, rpNet(t, "vlan50-prod", "", "", 0), rpNet(t, "vlan50-prod", "", "", 0))))
				return m
			},
			want: []string{`network_mappings[0].recovery.test.subnet_name is "vlan50-prod", the production network of the same site`},
		},
		"gateway is the network address": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.NetworkMappings = rpList(t, rpNetworkMappingAttrTypes, rpMapping(t, false,
					rpSide(t, rpNet(t, "vlan50-prod", "", "192.168.50.0", 24), null),
					rpSide(t, rpNet(t, "vlan50-prod", "", "192.168.50.1", 24), null)))
				return m
			},
			want: []string{"network_mappings[0].primary.production.gateway_ip 192.168.50.0 with prefix_length 24: 192.168.50.0 is the network address"},
		},
		"gateway without prefix": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.NetworkMappings = rpList(t, rpNetworkMappingAttrTypes, rpMapping(t, false,
					rpSide(t, rpNet(t, "vlan50-prod", "", "192.168.50.1", 0), null),
					rpSide(t, rpNet(t, "vlan50-prod", "", "", 0), null)))
				return m
			},
			want: []string{"network_mappings[0].primary.production.gateway_ip is set but network_mappings[0].primary.production.prefix_length is not"},
		},
		"IP outside the mapped subnet": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m = oneMapping(t, m)
				m.IPAssignments = rpList(t, rpIPAssignmentAttrTypes, rpIP(t, rpVMDNS, rpSiteRecovery, "192.168.60.2", "192.168.51.200"))
				return m
			},
			want: []string{
				"ip_assignments[0].recovery_ip 192.168.60.2 is not inside the mapped subnet: the production networks mapped at the recovery site are 192.168.50.0/24 (network_mappings[0].recovery.production)",
				"ip_assignments[0].test_ip 192.168.51.200 is not inside the mapped subnet",
			},
		},
		"IP is the gateway": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m = oneMapping(t, m)
				m.IPAssignments = rpList(t, rpIPAssignmentAttrTypes, rpIP(t, rpVMDNS, rpSitePrimary, "192.168.50.1", ""))
				return m
			},
			want: []string{"ip_assignments[0].recovery_ip 192.168.50.1 is the gateway of 192.168.50.0/24"},
		},
		"IP without a mapping": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.IPAssignments = rpList(t, rpIPAssignmentAttrTypes, rpIP(t, rpVMDNS, rpSiteRecovery, "192.168.50.2", ""))
				return m
			},
			want: []string{"ip_assignments[0].recovery_ip is set, but no network mapping has a production network at the recovery site"},
		},
		"VM twice at a site": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m = oneMapping(t, m)
				m.IPAssignments = rpList(t, rpIPAssignmentAttrTypes, rpIP(t, rpVMDNS, rpSiteRecovery, "192.168.50.2", ""),
					rpIP(t, rpVMDNS, rpSiteRecovery, "", "192.168.51.2"))
				return m
			},
			want: []string{"ip_assignments[1].vm_id " + rpVMDNS + " has static IPs at the recovery site in ip_assignments[0] already"},
		},
		"no address": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m = oneMapping(t, m)
				m.IPAssignments = rpList(t, rpIPAssignmentAttrTypes, rpIP(t, rpVMDNS, rpSiteRecovery, "", ""))
				return m
			},
			want: []string{"ip_assignments[0] sets neither recovery_ip nor test_ip"},
		},
		"floating IP both": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.FloatingIPs = rpList(t, rpFloatingIPAttrTypes, rpObj(t, rpFloatingIPAttrTypes, rpFloatingIPModel{
					VMID: types.StringValue(rpVMApp), Site: types.StringValue(rpSiteRecovery), NICID: types.StringValue(rpNIC), NICIP: types.StringNull(),
					Recovery: rpObj(t, rpFloatingIPConfigAttrTypes, rpFloatingIPConfigModel{IP: types.StringValue("203.0.113.5"), AllocateDynamically: types.BoolValue(true)}),
					Test:     types.ObjectNull(rpFloatingIPConfigAttrTypes),
				}))
				return m
			},
			want: []string{"floating_ips[0].recovery must set exactly one of ip and allocate_dynamically = true"},
		},
		"floating IP allocate false": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.FloatingIPs = rpList(t, rpFloatingIPAttrTypes, rpObj(t, rpFloatingIPAttrTypes, rpFloatingIPModel{
					VMID: types.StringValue(rpVMApp), Site: types.StringValue(rpSiteRecovery), NICID: types.StringValue(rpNIC), NICIP: types.StringNull(),
					Recovery: rpObj(t, rpFloatingIPConfigAttrTypes, rpFloatingIPConfigModel{IP: types.StringValue("203.0.113.5"), AllocateDynamically: types.BoolValue(false)}),
					Test:     types.ObjectNull(rpFloatingIPConfigAttrTypes),
				}))
				return m
			},
			want: []string{"floating_ips[0].recovery.allocate_dynamically is false"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			d := validateRecoveryPlan(ctx, tc.edit(t, rpBase(t)))
			var got []string
			for _, e := range d.Errors() {
				got = append(got, e.Detail())
			}
			if len(tc.want) == 0 && len(got) > 0 {
				t.Fatalf("unexpected errors: %q", got)
			}
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || strings.Contains(g, w)
				}
				if !found {
					t.Errorf("no error containing %q; got %q", w, got)
				}
			}
		})
	}
}

// TestValidateRecoveryPlan_unknown checks that values unknown at plan time are skipped rather
// than reported.
func TestValidateRecoveryPlan_unknown(t *testing.T) {
	ctx := context.Background()
	m := rpStaged(t)
	m.NetworkMappings = types.ListUnknown(types.ObjectType{AttrTypes: rpNetworkMappingAttrTypes})
	m.RecoveryLocation = types.ObjectUnknown(rpLocationAttrTypes)
	m.Stages = rpList(t, rpStageAttrTypes, rpObj(t, rpStageAttrTypes, rpStageModel{
		DelayAfter: timetypes.NewGoDurationUnknown(),
		Entities: rpList(t, rpEntityAttrTypes, rpObj(t, rpEntityAttrTypes, rpEntityModel{
			Categories: types.MapNull(types.StringType), VMID: types.StringUnknown(),
			Script: types.ObjectNull(rpScriptAttrTypes), PowerOn: types.BoolNull(),
		})),
	}))
	if d := validateRecoveryPlan(ctx, m); d.HasError() {
		t.Fatalf("unknown values reported: %v", d)
	}
}

// TestRecoveryPlanSchema checks that every attribute has a description and that the schema is
// valid for the framework.
func TestRecoveryPlanSchema(t *testing.T) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	(&recoveryPlanResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	rpNoError(t, resp.Diagnostics)
	if d := resp.Schema.ValidateImplementation(ctx); d.HasError() {
		t.Fatalf("schema: %v", d)
	}
	var walk func(prefix string, attrs map[string]schema.Attribute)
	walk = func(prefix string, attrs map[string]schema.Attribute) {
		for name, a := range attrs {
			if a.GetMarkdownDescription() == "" && a.GetDescription() == "" {
				t.Errorf("%s%s has no description", prefix, name)
			}
			switch n := a.(type) {
			case schema.SingleNestedAttribute:
				walk(prefix+name+".", n.Attributes)
			case schema.ListNestedAttribute:
				walk(prefix+name+".", n.NestedObject.Attributes)
			}
		}
	}
	walk("", resp.Schema.Attributes)
	// The model and the schema agree: a null state of the schema decodes into the model.
	m := nullRecoveryPlanModel()
	if len(rpDiff(m, m)) != 0 {
		t.Fatal("a model differs from itself")
	}
}
