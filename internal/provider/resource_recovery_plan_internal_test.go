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
	recoveryPlanAZCanada  = "11111111-1111-4111-8111-111111111111"
	recoveryPlanAZFrance  = "22222222-2222-4222-8222-222222222222"
	recoveryPlanClusterA  = "44444444-4444-4444-8444-444444444444"
	recoveryPlanClusterB  = "55555555-5555-4555-8555-555555555555"
	recoveryPlanVMDNS     = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	recoveryPlanVMApp     = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
	recoveryPlanVMDB      = "cccccccc-cccc-4ccc-8ccc-cccccccccccc"
	recoveryPlanNIC       = "dddddddd-dddd-4ddd-8ddd-dddddddddddd"
	recoveryPlanPlanID    = "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee"
	recoveryPlanVPC       = "ffffffff-ffff-4fff-8fff-ffffffffffff"
	recoveryPlanStageUUID = "12121212-1212-4212-8212-121212121212"
)

// recoveryPlanNoError fails the test on error diagnostics.
func recoveryPlanNoError(t *testing.T, d diag.Diagnostics) {
	t.Helper()
	if d.HasError() {
		t.Fatalf("unexpected diagnostics: %v", d)
	}
}

// recoveryPlanObj builds an object of the given attribute types from a model struct.
func recoveryPlanObj(t *testing.T, types_ map[string]attr.Type, v any) types.Object {
	t.Helper()
	o, d := types.ObjectValueFrom(context.Background(), types_, v)
	recoveryPlanNoError(t, d)
	return o
}

// recoveryPlanList builds a list of objects.
func recoveryPlanList(t *testing.T, types_ map[string]attr.Type, vs ...types.Object) types.List {
	t.Helper()
	vals := make([]attr.Value, len(vs))
	for i, v := range vs {
		vals[i] = v
	}
	l, d := types.ListValue(types.ObjectType{AttrTypes: types_}, vals)
	recoveryPlanNoError(t, d)
	return l
}

// recoveryPlanDur returns a duration value, null for "".
func recoveryPlanDur(s string) timetypes.GoDuration {
	if s == "" {
		return timetypes.NewGoDurationNull()
	}
	return timetypes.NewGoDurationValueFromStringMust(s)
}

// recoveryPlanStr returns a string value, null for "".
func recoveryPlanStr(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// recoveryPlanLoc builds a location.
func recoveryPlanLoc(t *testing.T, az string, clusters ...string) types.Object {
	t.Helper()
	l := recoveryPlanLocationModel{AvailabilityZoneID: types.StringValue(az), ClusterIDs: types.ListNull(types.StringType)}
	if len(clusters) > 0 {
		var d diag.Diagnostics
		l.ClusterIDs, d = types.ListValueFrom(context.Background(), types.StringType, clusters)
		recoveryPlanNoError(t, d)
	}
	return recoveryPlanObj(t, recoveryPlanLocationAttrTypes, l)
}

// recoveryPlanEntity builds an entity selector: vm is a VM uuid, or "key=value" categories.
func recoveryPlanEntity(t *testing.T, vm string, cats map[string]string, script types.Object, power types.Bool) types.Object {
	t.Helper()
	e := recoveryPlanEntityModel{VMID: recoveryPlanStr(vm), Categories: types.MapNull(types.StringType), Script: script, PowerOn: power}
	if cats != nil {
		var d diag.Diagnostics
		e.Categories, d = types.MapValueFrom(context.Background(), types.StringType, cats)
		recoveryPlanNoError(t, d)
	}
	return recoveryPlanObj(t, recoveryPlanEntityAttrTypes, e)
}

// recoveryPlanScript builds a script.
func recoveryPlanScript(t *testing.T, enabled bool, timeout string) types.Object {
	t.Helper()
	return recoveryPlanObj(t, recoveryPlanScriptAttrTypes, recoveryPlanScriptModel{Enabled: types.BoolValue(enabled), Timeout: recoveryPlanDur(timeout)})
}

// recoveryPlanStage builds a stage.
func recoveryPlanStage(t *testing.T, delay string, entities ...types.Object) types.Object {
	t.Helper()
	return recoveryPlanObj(t, recoveryPlanStageAttrTypes, recoveryPlanStageModel{DelayAfter: recoveryPlanDur(delay), Entities: recoveryPlanList(t, recoveryPlanEntityAttrTypes, entities...)})
}

// recoveryPlanNet builds a network; prefix 0 leaves gateway and prefix length null.
func recoveryPlanNet(t *testing.T, name, vpc, gw string, prefix int64) types.Object {
	t.Helper()
	n := recoveryPlanNetworkModel{SubnetName: types.StringValue(name), VPCID: recoveryPlanStr(vpc), GatewayIP: recoveryPlanStr(gw), PrefixLength: types.Int64Null()}
	if prefix > 0 {
		n.PrefixLength = types.Int64Value(prefix)
	}
	return recoveryPlanObj(t, recoveryPlanNetworkAttrTypes, n)
}

// recoveryPlanSide builds one side of a network mapping; test may be a null object.
func recoveryPlanSide(t *testing.T, prod, test types.Object) types.Object {
	t.Helper()
	return recoveryPlanObj(t, recoveryPlanSiteNetworksAttrTypes, recoveryPlanSiteNetworksModel{Production: prod, Test: test, ClusterIDs: types.ListNull(types.StringType)})
}

// recoveryPlanMapping builds a network mapping.
func recoveryPlanMapping(t *testing.T, stretched bool, primary, recovery types.Object) types.Object {
	t.Helper()
	return recoveryPlanObj(t, recoveryPlanNetworkMappingAttrTypes, recoveryPlanNetworkMappingModel{Stretched: types.BoolValue(stretched), Primary: primary, Recovery: recovery})
}

// recoveryPlanIP builds an IP assignment.
func recoveryPlanIP(t *testing.T, vm, site, recoveryIP, testIP string) types.Object {
	t.Helper()
	return recoveryPlanObj(t, recoveryPlanIPAssignmentAttrTypes, recoveryPlanIPAssignmentModel{VMID: recoveryPlanStr(vm), Site: recoveryPlanStr(site), RecoveryIP: recoveryPlanStr(recoveryIP), TestIP: recoveryPlanStr(testIP)})
}

// recoveryPlanBase returns a minimal plan model: canada to france, one stage by category, nothing else.
func recoveryPlanBase(t *testing.T) recoveryPlanModel {
	t.Helper()
	m := nullRecoveryPlanModel()
	m.ID = types.StringValue(recoveryPlanPlanID)
	m.Name = types.StringValue("canada-to-france")
	m.PrimaryLocation = recoveryPlanLoc(t, recoveryPlanAZCanada)
	m.RecoveryLocation = recoveryPlanLoc(t, recoveryPlanAZFrance)
	m.Stages = recoveryPlanList(t, recoveryPlanStageAttrTypes, recoveryPlanStage(t, "", recoveryPlanEntity(t, "", map[string]string{"replicated-vm": "from-canada"},
		types.ObjectNull(recoveryPlanScriptAttrTypes), types.BoolValue(true))))
	m.EntityCount = types.Int64Null()
	m.Validation = types.ListNull(types.ObjectType{AttrTypes: recoveryPlanValidationAttrTypes})
	return m
}

// recoveryPlanStaged returns the 3-stage plan with two network mappings, static IPs in an order that
// differs from the API's, a floating IP, a witness and a cutover mode.
func recoveryPlanStaged(t *testing.T) recoveryPlanModel {
	t.Helper()
	m := recoveryPlanBase(t)
	m.Description = types.StringValue("DNS first")
	m.Stages = recoveryPlanList(t, recoveryPlanStageAttrTypes,
		recoveryPlanStage(t, "30s", recoveryPlanEntity(t, recoveryPlanVMDNS, nil, recoveryPlanScript(t, true, "5m"), types.BoolValue(true))),
		recoveryPlanStage(t, "2m",
			recoveryPlanEntity(t, recoveryPlanVMApp, nil, types.ObjectNull(recoveryPlanScriptAttrTypes), types.BoolNull()),
			recoveryPlanEntity(t, recoveryPlanVMDB, nil, recoveryPlanScript(t, false, ""), types.BoolValue(false))),
		recoveryPlanStage(t, "", recoveryPlanEntity(t, "", map[string]string{"replicated-vm": "from-canada", "tier": "web"},
			types.ObjectNull(recoveryPlanScriptAttrTypes), types.BoolNull())),
	)
	null := types.ObjectNull(recoveryPlanNetworkAttrTypes)
	m.NetworkMappings = recoveryPlanList(t, recoveryPlanNetworkMappingAttrTypes,
		recoveryPlanMapping(t, false,
			recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "192.168.50.1", 24), recoveryPlanNet(t, "vlan51-test", "", "192.168.51.1", 25)),
			recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "192.168.50.1", 24), recoveryPlanNet(t, "vlan51-test", "", "192.168.51.1", 25))),
		recoveryPlanMapping(t, true,
			recoveryPlanSide(t, recoveryPlanNet(t, "overlay-a", recoveryPlanVPC, "10.1.0.1", 16), null),
			recoveryPlanSide(t, recoveryPlanNet(t, "overlay-b", "", "10.2.0.1", 16), null)),
	)
	m.IPAssignments = recoveryPlanList(t, recoveryPlanIPAssignmentAttrTypes,
		recoveryPlanIP(t, recoveryPlanVMApp, recoveryPlanSiteRecovery, "10.2.0.20", ""),
		recoveryPlanIP(t, recoveryPlanVMDNS, recoveryPlanSiteRecovery, "192.168.50.2", "192.168.51.2"),
		recoveryPlanIP(t, recoveryPlanVMDNS, recoveryPlanSitePrimary, "192.168.50.2", ""),
		recoveryPlanIP(t, recoveryPlanVMDB, recoveryPlanSiteRecovery, "", "192.168.51.11"),
	)
	m.FloatingIPs = recoveryPlanList(t, recoveryPlanFloatingIPAttrTypes, recoveryPlanObj(t, recoveryPlanFloatingIPAttrTypes, recoveryPlanFloatingIPModel{
		VMID: types.StringValue(recoveryPlanVMApp), Site: types.StringValue(recoveryPlanSiteRecovery), NICID: types.StringValue(recoveryPlanNIC), NICIP: types.StringNull(),
		Recovery: recoveryPlanObj(t, recoveryPlanFloatingIPConfigAttrTypes, recoveryPlanFloatingIPConfigModel{IP: types.StringValue("203.0.113.5"), AllocateDynamically: types.BoolNull()}),
		Test:     recoveryPlanObj(t, recoveryPlanFloatingIPConfigAttrTypes, recoveryPlanFloatingIPConfigModel{IP: types.StringNull(), AllocateDynamically: types.BoolValue(true)}),
	}))
	m.Witness = recoveryPlanObj(t, recoveryPlanWitnessAttrTypes, recoveryPlanWitnessModel{AvailabilityZoneID: types.StringValue(recoveryPlanAZCanada), FailoverTimeout: recoveryPlanDur("30s")})
	m.CutoverMode = types.StringValue("LATE")
	return m
}

// recoveryPlanReadBack simulates Prism Central: the plan as sent, through JSON (so nothing is shared),
// with what a PC adds on read (stage uuids, names of VM references, a state).
func recoveryPlanReadBack(t *testing.T, p client.RecoveryPlan) *client.RecoveryPlan {
	t.Helper()
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out client.RecoveryPlan
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	out.UUID, out.State, out.SpecVersion = recoveryPlanPlanID, "COMPLETE", 1
	for i := range out.Stages {
		out.Stages[i].UUID = recoveryPlanStageUUID
		for j := range out.Stages[i].Entities {
			if out.Stages[i].Entities[j].VMUUID != "" {
				out.Stages[i].Entities[j].VMName = "vm"
			}
		}
	}
	return &out
}

// recoveryPlanComparable clears what flatten leaves to the caller.
func recoveryPlanComparable(m recoveryPlanModel) recoveryPlanModel {
	m.EntityCount = types.Int64Null()
	m.Validation = types.ListNull(types.ObjectType{AttrTypes: recoveryPlanValidationAttrTypes})
	return m
}

// recoveryPlanDiff reports the attributes of got that differ from want.
func recoveryPlanDiff(got, want recoveryPlanModel) []string {
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
	plan := recoveryPlanStaged(t)
	sent, d := expandRecoveryPlan(ctx, plan)
	recoveryPlanNoError(t, d)

	// What is sent: the primary first, every stage with its entities and scripts, each mapping
	// as one entry per location, the static IPs in the mapping whose network holds them.
	if sent.PrimaryLocationIndex == nil || *sent.PrimaryLocationIndex != 0 || len(sent.AvailabilityZones) != 2 ||
		sent.AvailabilityZones[0].AvailabilityZoneUUID != recoveryPlanAZCanada || sent.AvailabilityZones[1].AvailabilityZoneUUID != recoveryPlanAZFrance {
		t.Fatalf("locations sent as %+v (primary %v)", sent.AvailabilityZones, sent.PrimaryLocationIndex)
	}
	if len(sent.Stages) != 3 || *sent.Stages[0].DelaySecs != 30 || *sent.Stages[1].DelaySecs != 120 || sent.Stages[2].DelaySecs != nil {
		t.Fatalf("stages sent as %+v", sent.Stages)
	}
	dns := sent.Stages[0].Entities[0]
	if dns.VMUUID != recoveryPlanVMDNS || len(dns.Scripts) != 1 || !dns.Scripts[0].Enabled || *dns.Scripts[0].TimeoutSecs != 300 || dns.PowerState != client.PowerStateOn {
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
	if got := m0.PerAZ[1].RecoveryIPs; len(got) != 1 || got[0].VMUUID != recoveryPlanVMDNS || got[0].IPs[0] != "192.168.50.2" {
		t.Fatalf("france's recovery IPs of mapping 0 are %+v", got)
	}
	if got := m0.PerAZ[1].TestIPs; len(got) != 2 || got[0].VMUUID != recoveryPlanVMDNS || got[1].VMUUID != recoveryPlanVMDB {
		t.Fatalf("france's test IPs of mapping 0 are %+v", got)
	}
	if got := m1.PerAZ[1].RecoveryIPs; len(got) != 1 || got[0].VMUUID != recoveryPlanVMApp || got[0].IPs[0] != "10.2.0.20" {
		t.Fatalf("france's recovery IPs of mapping 1 are %+v", got)
	}
	if got := m0.PerAZ[0].RecoveryIPs; len(got) != 1 || got[0].VMUUID != recoveryPlanVMDNS {
		t.Fatalf("canada's recovery IPs of mapping 0 are %+v", got)
	}
	if !m1.Stretched || m1.PerAZ[0].Recovery.VPCUUID != recoveryPlanVPC || !m1.PerAZ[0].Recovery.UseVPC || m1.PerAZ[0].Test != nil {
		t.Fatalf("mapping 1 sent as %+v", m1)
	}
	if m0.PerAZ[0].ClusterUUIDs != nil {
		t.Fatalf("clusters sent in a mapping between two availability zones: %+v", m0.PerAZ[0])
	}
	if len(sent.Witnesses) != 1 || sent.Witnesses[0].FailoverTimeoutSecs != 30 || sent.CutoverMode != "LATE" {
		t.Fatalf("witness %+v, cutover %q", sent.Witnesses, sent.CutoverMode)
	}
	if len(sent.FloatingIPs) != 1 || sent.FloatingIPs[0].AvailabilityZoneUUID != recoveryPlanAZFrance || sent.FloatingIPs[0].VMs[0].Test == nil ||
		!sent.FloatingIPs[0].VMs[0].Test.AllocateDynamically {
		t.Fatalf("floating IPs sent as %+v", sent.FloatingIPs)
	}

	// Read back, the state is exactly the plan.
	got, d := flattenRecoveryPlan(ctx, recoveryPlanReadBack(t, sent), &plan)
	recoveryPlanNoError(t, d)
	if diff := recoveryPlanDiff(recoveryPlanComparable(got), recoveryPlanComparable(plan)); len(diff) > 0 {
		t.Fatalf("the read plan differs from the plan:\n%s", strings.Join(diff, "\n"))
	}
	// An absent test network that Prism Central answers as an empty object stays null.
	emptyTest := recoveryPlanReadBack(t, sent)
	emptyTest.NetworkMappings[1].PerAZ[1].Test = &client.RecoveryNetwork{}
	withEmpty, d := flattenRecoveryPlan(ctx, emptyTest, &plan)
	recoveryPlanNoError(t, d)
	if !withEmpty.NetworkMappings.Equal(plan.NetworkMappings) {
		t.Fatalf("an empty test network read back as %s", withEmpty.NetworkMappings)
	}
	// Expanding the state again sends the same plan: no diff, no spurious update.
	again, d := expandRecoveryPlan(ctx, got)
	recoveryPlanNoError(t, d)
	if a, b := recoveryPlanJSON(t, again), recoveryPlanJSON(t, sent); a != b {
		t.Fatalf("expand(flatten(expand(plan))) differs:\n%s\n%s", a, b)
	}

	// Imported (no prior), stages and mappings come back whole; the static IPs come in the
	// API's order.
	imported, d := flattenRecoveryPlan(ctx, recoveryPlanReadBack(t, sent), nil)
	recoveryPlanNoError(t, d)
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
	ips, d := listElems[recoveryPlanIPAssignmentModel](ctx, imported.IPAssignments)
	recoveryPlanNoError(t, d)
	if len(ips) != 4 {
		t.Fatalf("imported %d IP assignments, want 4: %v", len(ips), imported.IPAssignments)
	}
}

// recoveryPlanJSON encodes a plan for comparisons.
func recoveryPlanJSON(t *testing.T, p client.RecoveryPlan) string {
	t.Helper()
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestRecoveryPlanRoundTrip_nullStaysNull(t *testing.T) {
	ctx := context.Background()
	plan := recoveryPlanBase(t)
	sent, d := expandRecoveryPlan(ctx, plan)
	recoveryPlanNoError(t, d)
	if sent.Stages[0].DelaySecs != nil || sent.Stages[0].Entities[0].Scripts != nil || sent.NetworkMappings != nil ||
		sent.FloatingIPs != nil || sent.Witnesses != nil || sent.CutoverMode != "" || sent.Description != "" {
		t.Fatalf("unset attributes were sent: %s", recoveryPlanJSON(t, sent))
	}
	// Prism Central fills in defaults: a zero delay, a disabled script, empty lists.
	back := recoveryPlanReadBack(t, sent)
	zero := int64(0)
	back.Stages[0].DelaySecs = &zero
	back.Stages[0].Entities[0].Scripts = []client.RecoveryScript{{Enabled: false}}
	back.NetworkMappings = []client.NetworkMapping{}
	back.Stages[0].Entities[0].PowerState = client.PowerStateOn
	back.Witnesses = []client.Witness{}
	got, d := flattenRecoveryPlan(ctx, back, &plan)
	recoveryPlanNoError(t, d)
	if diff := recoveryPlanDiff(recoveryPlanComparable(got), recoveryPlanComparable(plan)); len(diff) > 0 {
		t.Fatalf("defaults of Prism Central leaked into the state:\n%s", strings.Join(diff, "\n"))
	}
	// The same defaults on import read as unset too, except the script Prism Central reports.
	imported, d := flattenRecoveryPlan(ctx, back, nil)
	recoveryPlanNoError(t, d)
	if !imported.NetworkMappings.IsNull() || !imported.Witness.IsNull() || !imported.Description.IsNull() {
		t.Fatalf("imported %v %v %v", imported.NetworkMappings, imported.Witness, imported.Description)
	}
	stages, _ := listElems[recoveryPlanStageModel](ctx, imported.Stages)
	if len(stages) != 1 || !stages[0].DelayAfter.IsNull() {
		t.Fatalf("imported stages %v", imported.Stages)
	}
}

func TestRecoveryPlanRoundTrip_outOfBandChange(t *testing.T) {
	ctx := context.Background()
	plan := recoveryPlanStaged(t)
	sent, d := expandRecoveryPlan(ctx, plan)
	recoveryPlanNoError(t, d)
	back := recoveryPlanReadBack(t, sent)
	// Changed elsewhere: a stage dropped, a delay changed, a static IP moved.
	back.Stages = back.Stages[:2]
	sixty := int64(60)
	back.Stages[0].DelaySecs = &sixty
	back.NetworkMappings[1].PerAZ[1].RecoveryIPs[0].IPs = []string{"10.2.0.99"}
	got, d := flattenRecoveryPlan(ctx, back, &plan)
	recoveryPlanNoError(t, d)
	stages, _ := listElems[recoveryPlanStageModel](ctx, got.Stages)
	if len(stages) != 2 || stages[0].DelayAfter.ValueString() != "1m" {
		t.Fatalf("stages read as %v", got.Stages)
	}
	ips, _ := listElems[recoveryPlanIPAssignmentModel](ctx, got.IPAssignments)
	if len(ips) != 4 || ips[0].VMID.ValueString() != recoveryPlanVMApp || ips[0].RecoveryIP.ValueString() != "10.2.0.99" {
		t.Fatalf("the changed IP assignment lost its place: %v", got.IPAssignments)
	}
}

func TestRecoveryPlanRoundTrip_sameAZ(t *testing.T) {
	ctx := context.Background()
	plan := recoveryPlanBase(t)
	plan.PrimaryLocation = recoveryPlanLoc(t, recoveryPlanAZCanada, recoveryPlanClusterA)
	plan.RecoveryLocation = recoveryPlanLoc(t, recoveryPlanAZCanada, recoveryPlanClusterB)
	plan.NetworkMappings = recoveryPlanList(t, recoveryPlanNetworkMappingAttrTypes, recoveryPlanMapping(t, false,
		recoveryPlanSide(t, recoveryPlanNet(t, "a-prod", "", "", 0), types.ObjectNull(recoveryPlanNetworkAttrTypes)),
		recoveryPlanSide(t, recoveryPlanNet(t, "b-prod", "", "", 0), types.ObjectNull(recoveryPlanNetworkAttrTypes))))
	recoveryPlanNoError(t, validateRecoveryPlan(ctx, plan))
	sent, d := expandRecoveryPlan(ctx, plan)
	recoveryPlanNoError(t, d)
	if got := sent.NetworkMappings[0].PerAZ[1].ClusterUUIDs; len(got) != 1 || got[0] != recoveryPlanClusterB {
		t.Fatalf("clusters of the recovery side sent as %v", got)
	}
	// Prism Central may answer the entries of one zone in another order: clusters decide.
	back := recoveryPlanReadBack(t, sent)
	pz := back.NetworkMappings[0].PerAZ
	pz[0], pz[1] = pz[1], pz[0]
	got, d := flattenRecoveryPlan(ctx, back, &plan)
	recoveryPlanNoError(t, d)
	if diff := recoveryPlanDiff(recoveryPlanComparable(got), recoveryPlanComparable(plan)); len(diff) > 0 {
		t.Fatalf("%s", strings.Join(diff, "\n"))
	}
}

func TestValidateRecoveryPlan(t *testing.T) {
	ctx := context.Background()
	null := types.ObjectNull(recoveryPlanNetworkAttrTypes)
	oneMapping := func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
		m.NetworkMappings = recoveryPlanList(t, recoveryPlanNetworkMappingAttrTypes, recoveryPlanMapping(t, false,
			recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "192.168.50.1", 24), recoveryPlanNet(t, "vlan51-test", "", "192.168.51.1", 25)),
			recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "192.168.50.1", 24), recoveryPlanNet(t, "vlan51-test", "", "192.168.51.1", 25))))
		return m
	}
	for name, tc := range map[string]struct {
		edit func(t *testing.T, m recoveryPlanModel) recoveryPlanModel
		want []string
	}{
		"valid staged": {edit: func(t *testing.T, _ recoveryPlanModel) recoveryPlanModel { return recoveryPlanStaged(t) }},
		"same location": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.RecoveryLocation = recoveryPlanLoc(t, recoveryPlanAZCanada)
				return m
			},
			want: []string{"recovery_location.availability_zone_id is " + recoveryPlanAZCanada + ", the same availability zone as primary_location"},
		},
		"same clusters": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.PrimaryLocation = recoveryPlanLoc(t, recoveryPlanAZCanada, recoveryPlanClusterA)
				m.RecoveryLocation = recoveryPlanLoc(t, recoveryPlanAZCanada, recoveryPlanClusterB, recoveryPlanClusterA)
				return m
			},
			want: []string{"recovery_location.cluster_ids[1] " + recoveryPlanClusterA + " is also a cluster of primary_location"},
		},
		"negative delay": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.Stages = recoveryPlanList(t, recoveryPlanStageAttrTypes, recoveryPlanStage(t, "-5s", recoveryPlanEntity(t, recoveryPlanVMDNS, nil, types.ObjectNull(recoveryPlanScriptAttrTypes), types.BoolNull())))
				return m
			},
			want: []string{`stages[0].delay_after is "-5s", a negative delay`},
		},
		"fraction of a second": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.Stages = recoveryPlanList(t, recoveryPlanStageAttrTypes, recoveryPlanStage(t, "1500ms", recoveryPlanEntity(t, recoveryPlanVMDNS, nil, types.ObjectNull(recoveryPlanScriptAttrTypes), types.BoolNull())))
				return m
			},
			want: []string{`stages[0].delay_after is "1500ms": Prism Central counts whole seconds`},
		},
		"both selectors": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.Stages = recoveryPlanList(t, recoveryPlanStageAttrTypes, recoveryPlanStage(t, "", recoveryPlanEntity(t, recoveryPlanVMDNS, map[string]string{"a": "b"}, types.ObjectNull(recoveryPlanScriptAttrTypes), types.BoolNull())))
				return m
			},
			want: []string{"stages[0].entities[0] sets both categories and vm_id"},
		},
		"no selector": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.Stages = recoveryPlanList(t, recoveryPlanStageAttrTypes, recoveryPlanStage(t, "", recoveryPlanEntity(t, recoveryPlanVMDNS, nil, types.ObjectNull(recoveryPlanScriptAttrTypes), types.BoolNull())),
					recoveryPlanStage(t, "", recoveryPlanEntity(t, "", nil, types.ObjectNull(recoveryPlanScriptAttrTypes), types.BoolNull())))
				return m
			},
			want: []string{"stages[1].entities[0] sets neither categories nor vm_id"},
		},
		"production is test": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.NetworkMappings = recoveryPlanList(t, recoveryPlanNetworkMappingAttrTypes, recoveryPlanMapping(t, false,
					recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "", 0), null),
					recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "", 0), recoveryPlanNet(t, "vlan50-prod", "", "", 0))))
				return m
			},
			want: []string{`network_mappings[0].recovery.test.subnet_name is "vlan50-prod", the production network of the same site`},
		},
		"gateway is the network address": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.NetworkMappings = recoveryPlanList(t, recoveryPlanNetworkMappingAttrTypes, recoveryPlanMapping(t, false,
					recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "192.168.50.0", 24), null),
					recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "192.168.50.1", 24), null)))
				return m
			},
			want: []string{"network_mappings[0].primary.production.gateway_ip 192.168.50.0 with prefix_length 24: 192.168.50.0 is the network address"},
		},
		"gateway without prefix": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.NetworkMappings = recoveryPlanList(t, recoveryPlanNetworkMappingAttrTypes, recoveryPlanMapping(t, false,
					recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "192.168.50.1", 0), null),
					recoveryPlanSide(t, recoveryPlanNet(t, "vlan50-prod", "", "", 0), null)))
				return m
			},
			want: []string{"network_mappings[0].primary.production.gateway_ip is set but network_mappings[0].primary.production.prefix_length is not"},
		},
		"IP outside the mapped subnet": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m = oneMapping(t, m)
				m.IPAssignments = recoveryPlanList(t, recoveryPlanIPAssignmentAttrTypes, recoveryPlanIP(t, recoveryPlanVMDNS, recoveryPlanSiteRecovery, "192.168.60.2", "192.168.51.200"))
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
				m.IPAssignments = recoveryPlanList(t, recoveryPlanIPAssignmentAttrTypes, recoveryPlanIP(t, recoveryPlanVMDNS, recoveryPlanSitePrimary, "192.168.50.1", ""))
				return m
			},
			want: []string{"ip_assignments[0].recovery_ip 192.168.50.1 is the gateway of 192.168.50.0/24"},
		},
		"IP without a mapping": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.IPAssignments = recoveryPlanList(t, recoveryPlanIPAssignmentAttrTypes, recoveryPlanIP(t, recoveryPlanVMDNS, recoveryPlanSiteRecovery, "192.168.50.2", ""))
				return m
			},
			want: []string{"ip_assignments[0].recovery_ip is set, but no network mapping has a production network at the recovery site"},
		},
		"VM twice at a site": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m = oneMapping(t, m)
				m.IPAssignments = recoveryPlanList(t, recoveryPlanIPAssignmentAttrTypes, recoveryPlanIP(t, recoveryPlanVMDNS, recoveryPlanSiteRecovery, "192.168.50.2", ""),
					recoveryPlanIP(t, recoveryPlanVMDNS, recoveryPlanSiteRecovery, "", "192.168.51.2"))
				return m
			},
			want: []string{"ip_assignments[1].vm_id " + recoveryPlanVMDNS + " has static IPs at the recovery site in ip_assignments[0] already"},
		},
		"no address": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m = oneMapping(t, m)
				m.IPAssignments = recoveryPlanList(t, recoveryPlanIPAssignmentAttrTypes, recoveryPlanIP(t, recoveryPlanVMDNS, recoveryPlanSiteRecovery, "", ""))
				return m
			},
			want: []string{"ip_assignments[0] sets neither recovery_ip nor test_ip"},
		},
		"floating IP both": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.FloatingIPs = recoveryPlanList(t, recoveryPlanFloatingIPAttrTypes, recoveryPlanObj(t, recoveryPlanFloatingIPAttrTypes, recoveryPlanFloatingIPModel{
					VMID: types.StringValue(recoveryPlanVMApp), Site: types.StringValue(recoveryPlanSiteRecovery), NICID: types.StringValue(recoveryPlanNIC), NICIP: types.StringNull(),
					Recovery: recoveryPlanObj(t, recoveryPlanFloatingIPConfigAttrTypes, recoveryPlanFloatingIPConfigModel{IP: types.StringValue("203.0.113.5"), AllocateDynamically: types.BoolValue(true)}),
					Test:     types.ObjectNull(recoveryPlanFloatingIPConfigAttrTypes),
				}))
				return m
			},
			want: []string{"floating_ips[0].recovery must set exactly one of ip and allocate_dynamically = true"},
		},
		"floating IP allocate false": {
			edit: func(t *testing.T, m recoveryPlanModel) recoveryPlanModel {
				m.FloatingIPs = recoveryPlanList(t, recoveryPlanFloatingIPAttrTypes, recoveryPlanObj(t, recoveryPlanFloatingIPAttrTypes, recoveryPlanFloatingIPModel{
					VMID: types.StringValue(recoveryPlanVMApp), Site: types.StringValue(recoveryPlanSiteRecovery), NICID: types.StringValue(recoveryPlanNIC), NICIP: types.StringNull(),
					Recovery: recoveryPlanObj(t, recoveryPlanFloatingIPConfigAttrTypes, recoveryPlanFloatingIPConfigModel{IP: types.StringValue("203.0.113.5"), AllocateDynamically: types.BoolValue(false)}),
					Test:     types.ObjectNull(recoveryPlanFloatingIPConfigAttrTypes),
				}))
				return m
			},
			want: []string{"floating_ips[0].recovery.allocate_dynamically is false"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			d := validateRecoveryPlan(ctx, tc.edit(t, recoveryPlanBase(t)))
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
	m := recoveryPlanStaged(t)
	m.NetworkMappings = types.ListUnknown(types.ObjectType{AttrTypes: recoveryPlanNetworkMappingAttrTypes})
	m.RecoveryLocation = types.ObjectUnknown(recoveryPlanLocationAttrTypes)
	m.Stages = recoveryPlanList(t, recoveryPlanStageAttrTypes, recoveryPlanObj(t, recoveryPlanStageAttrTypes, recoveryPlanStageModel{
		DelayAfter: timetypes.NewGoDurationUnknown(),
		Entities: recoveryPlanList(t, recoveryPlanEntityAttrTypes, recoveryPlanObj(t, recoveryPlanEntityAttrTypes, recoveryPlanEntityModel{
			Categories: types.MapNull(types.StringType), VMID: types.StringUnknown(),
			Script: types.ObjectNull(recoveryPlanScriptAttrTypes), PowerOn: types.BoolNull(),
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
	recoveryPlanNoError(t, resp.Diagnostics)
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
	if len(recoveryPlanDiff(m, m)) != 0 {
		t.Fatal("a model differs from itself")
	}
}
