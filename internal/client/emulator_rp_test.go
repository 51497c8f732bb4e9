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

// planSites is leap-two-sites with disaster recovery enabled on both PCs,
// the two paired, replicated-vm:from-canada on app-01 and db-01, and
// (unless noRule) the seed's protection policy from canada to france.
type planSites struct {
	*protectedSites
}

func startPlanSites(t *testing.T, withRule bool) *planSites {
	t.Helper()
	ps := startProtectedSites(t)
	ps.tagSeedVMs(t)
	if withRule {
		if _, err := ps.ca.CreateProtectionPolicy(context.Background(), ps.seed()); err != nil {
			t.Fatal(err)
		}
	}
	return &planSites{protectedSites: ps}
}

// vlanNetworks returns the production and test networks of the preset.
func vlanNetworks() (prod, test *RecoveryNetwork) {
	return &RecoveryNetwork{Name: "vlan50-prod", Subnets: []RecoverySubnet{{GatewayIP: "192.168.50.1", PrefixLength: 24}}},
		&RecoveryNetwork{Name: "vlan51-test", Subnets: []RecoverySubnet{{GatewayIP: "192.168.51.1", PrefixLength: 25}}}
}

// seedPlan is the plan of the leap-two-sites seed: primary canada,
// recovery france, one stage with the replicated-vm:from-canada VMs
// powered on, production vlan50-prod and test vlan51-test on both sides.
func (s *planSites) seedPlan() RecoveryPlan {
	caProd, caTest := vlanNetworks()
	frProd, frTest := vlanNetworks()
	return RecoveryPlan{
		Name:        "seed-plan",
		Description: "canada -> france",
		Stages: []RecoveryStage{{Entities: []RecoveryEntity{
			{Categories: map[string]string{seedKey: seedValue}, PowerState: PowerStateOn},
		}}},
		PrimaryLocationIndex: intp(0),
		AvailabilityZones:    []RecoveryPlanAZ{{AvailabilityZoneUUID: s.caLocal}, {AvailabilityZoneUUID: s.caOfFrance}},
		NetworkMappings: []NetworkMapping{{PerAZ: []AZNetworkMapping{
			{AvailabilityZoneUUID: s.caLocal, Recovery: caProd, Test: caTest},
			{AvailabilityZoneUUID: s.caOfFrance, Recovery: frProd, Test: frTest},
		}}},
	}
}

// stagedSeedPlan shows boot order with a delay: dns-01 first, then after
// 30 s app-01 and db-01; with a script on dns-01 and static IPs in france.
func (s *planSites) stagedSeedPlan() RecoveryPlan {
	p := s.seedPlan()
	p.Name, p.Description = "staged", "dns-01 first, then app-01 and db-01"
	p.Stages = []RecoveryStage{
		{DelaySecs: i64(30), Entities: []RecoveryEntity{{VMUUID: s.vms["dns-01"], Scripts: []RecoveryScript{{Enabled: true, TimeoutSecs: i64(120)}}}}},
		{Entities: []RecoveryEntity{{VMUUID: s.vms["app-01"]}, {VMUUID: s.vms["db-01"], PowerState: PowerStateOn}}},
	}
	fr := &p.NetworkMappings[0].PerAZ[1]
	fr.RecoveryIPs = []VMIPAssignment{{VMUUID: s.vms["app-01"], IPs: []string{"192.168.50.110"}}, {VMUUID: s.vms["db-01"], IPs: []string{"192.168.50.111"}}}
	fr.TestIPs = []VMIPAssignment{{VMUUID: s.vms["app-01"], IPs: []string{"192.168.51.110"}}}
	p.CutoverMode = CutoverEarly
	return p
}

// planWant returns what a created plan reads back as: in, with the uuid,
// state, version and findings read, and the stage uuids Prism Central gave.
func planWant(t *testing.T, in RecoveryPlan, got *RecoveryPlan) RecoveryPlan {
	t.Helper()
	want := in
	want.UUID, want.State, want.SpecVersion, want.Validation = got.UUID, got.State, got.SpecVersion, got.Validation
	want.Stages = slices.Clone(in.Stages)
	if len(got.Stages) != len(want.Stages) {
		t.Fatalf("%d stages read back, want %d", len(got.Stages), len(want.Stages))
	}
	for i := range want.Stages {
		if in.Stages[i].UUID == "" {
			if !uuidPattern.MatchString(got.Stages[i].UUID) {
				t.Errorf("stage %d has no uuid: %q", i, got.Stages[i].UUID)
			}
			want.Stages[i].UUID = got.Stages[i].UUID
		}
	}
	return want
}

// planErrors returns the messages of severity ERROR.
func planErrors(p *RecoveryPlan) []string {
	var out []string
	for _, m := range p.Validation {
		if m.Severity == PlanMessageError {
			out = append(out, m.Message)
		}
	}
	return out
}

// entityNames returns the names of the entities reported for a zone, in
// order, and whether any of them is a recovery point.
func entityNames(entities []RecoveryPlanEntity, az string) (names []string, points bool) {
	for _, e := range entities {
		if e.AvailabilityZoneUUID == az {
			names = append(names, e.Name)
			points = points || e.IsRecoveryPoint
		}
	}
	return names, points
}

func TestEmulatorRecoveryPlanSeedPlan(t *testing.T) {
	s := startPlanSites(t, true)
	ctx := context.Background()
	in := s.seedPlan()
	plan, err := s.ca.CreateRecoveryPlan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !uuidPattern.MatchString(plan.UUID) || plan.State != "COMPLETE" {
		t.Errorf("created plan = %+v", plan)
	}
	want := planWant(t, in, plan)
	if !reflect.DeepEqual(*plan, want) {
		t.Errorf("the plan does not round-trip:\n got %#v\nwant %#v", *plan, want)
	}
	if errs := planErrors(plan); len(errs) > 0 {
		t.Errorf("the seed plan has errors: %v", errs)
	}
	for _, m := range plan.Validation {
		t.Logf("finding: %s %s %s: %s", m.Severity, m.ValidationType, m.Reason, m.Message)
	}
	got, err := s.ca.GetRecoveryPlan(ctx, plan.UUID)
	if err != nil || !reflect.DeepEqual(*got, *plan) {
		t.Errorf("GetRecoveryPlan = %#v, %v", got, err)
	}
	all, err := s.ca.ListRecoveryPlans(ctx, "")
	if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], *plan) {
		t.Errorf("ListRecoveryPlans = %#v, %v", all, err)
	}
	// The plan's entities: the two tagged VMs, live and protected, on
	// canada; nothing live on france.
	entities, err := s.ca.RecoveryPlanEntities(ctx, plan.UUID)
	if err != nil {
		t.Fatal(err)
	}
	names, points := entityNames(entities, s.caLocal)
	slices.Sort(names)
	if !slices.Equal(names, []string{"app-01", "db-01"}) || points {
		t.Errorf("entities at canada = %v (recovery points %t), all = %+v", names, points, entities)
	}
	for _, e := range entities {
		if e.AvailabilityZoneUUID == s.caLocal && (e.Kind != KindVM || e.UUID != s.vms[e.Name] || e.ProtectionStatus != "PROTECTED") {
			t.Errorf("entity %+v", e)
		}
	}
	// After a replication, france holds recovery points of both VMs and
	// reports them as the plan's entities there.
	s.advance(t, 20*time.Minute)
	frEntities, err := s.fr.RecoveryPlanEntities(ctx, plan.UUID)
	if err != nil {
		t.Fatal(err)
	}
	names, _ = entityNames(frEntities, s.frLocal)
	slices.Sort(names)
	if !slices.Equal(names, []string{"app-01", "db-01"}) {
		t.Errorf("entities at france = %+v", frEntities)
	}
	for _, e := range frEntities {
		if e.AvailabilityZoneUUID == s.frLocal && !e.IsRecoveryPoint {
			t.Errorf("entity at france is not a recovery point: %+v", e)
		}
	}
	// France has the plan, same uuid, in its own zones; it can change its copy, and
	// the change reaches canada.
	frPlan, err := s.fr.GetRecoveryPlan(ctx, plan.UUID)
	if err != nil {
		t.Fatalf("france does not see the plan: %v", err)
	}
	if frPlan.Name != in.Name || len(frPlan.AvailabilityZones) != 2 ||
		frPlan.AvailabilityZones[0].AvailabilityZoneUUID != s.frOfCanada || frPlan.AvailabilityZones[1].AvailabilityZoneUUID != s.frLocal {
		t.Errorf("france's copy = %+v", frPlan)
	}
	if !reflect.DeepEqual(frPlan.Stages, plan.Stages) {
		t.Errorf("france's stages = %+v, want %+v", frPlan.Stages, plan.Stages)
	}
	frPlan.Description = "changed on france"
	if _, err = s.fr.UpdateRecoveryPlan(ctx, *frPlan); err != nil {
		t.Fatalf("updating france's copy: %v", err)
	}
	if plan, err = s.ca.GetRecoveryPlan(ctx, plan.UUID); err != nil || plan.Description != "changed on france" ||
		plan.AvailabilityZones[0].AvailabilityZoneUUID != s.caLocal {
		t.Fatalf("canada after france's update = %+v, %v", plan, err)
	}
	// An update on canada reaches france.
	plan.Description = "changed on canada"
	plan.Stages[0].DelaySecs = i64(10)
	updated, err := s.ca.UpdateRecoveryPlan(ctx, *plan)
	if err != nil {
		t.Fatal(err)
	}
	if updated.Description != "changed on canada" || updated.SpecVersion != plan.SpecVersion+1 || updated.Stages[0].UUID != plan.Stages[0].UUID {
		t.Errorf("updated plan = %+v", updated)
	}
	if frPlan, err = s.fr.GetRecoveryPlan(ctx, plan.UUID); err != nil || frPlan.Description != "changed on canada" || *frPlan.Stages[0].DelaySecs != 10 {
		t.Errorf("france after the update = %+v, %v", frPlan, err)
	}
	// A subnet the plan maps cannot be deleted.
	subnets, err := s.fr.ListSubnets(ctx, "name==vlan51-test")
	if err != nil || len(subnets) != 1 {
		t.Fatalf("vlan51-test on france: %+v, %v", subnets, err)
	}
	err = s.fr.DeleteSubnet(ctx, subnets[0].UUID)
	wantRefusal(t, "deleting a mapped subnet", err, "deleting subnet")
	// Deleting on canada removes the copy too.
	if err := s.ca.DeleteRecoveryPlan(ctx, plan.UUID); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*Client{"canada": s.ca, "france": s.fr} {
		if _, err := c.GetRecoveryPlan(ctx, plan.UUID); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s after delete: %v, want ErrNotFound", name, err)
		}
	}
	if err := s.ca.DeleteRecoveryPlan(ctx, plan.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting again: %v", err)
	}
}

func TestEmulatorRecoveryPlanStaged(t *testing.T) {
	s := startPlanSites(t, true)
	ctx := context.Background()
	in := s.stagedSeedPlan()
	plan, err := s.ca.CreateRecoveryPlan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	want := planWant(t, in, plan)
	if !reflect.DeepEqual(*plan, want) {
		t.Errorf("the staged plan does not round-trip:\n got %#v\nwant %#v", *plan, want)
	}
	if plan.Stages[0].UUID == plan.Stages[1].UUID {
		t.Errorf("two stages share uuid %s", plan.Stages[0].UUID)
	}
	// dns-01 is in the plan but no protection policy replicates it:
	// warned, not refused.
	warned := false
	for _, m := range plan.Validation {
		warned = warned || (m.Severity == PlanMessageWarning && strings.Contains(m.Message, "dns-01"))
	}
	if !warned {
		t.Errorf("no warning about unprotected dns-01: %+v", plan.Validation)
	}
	// Boot order: dns-01 first.
	entities, err := s.ca.RecoveryPlanEntities(ctx, plan.UUID)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := entityNames(entities, s.caLocal)
	if len(names) != 3 || names[0] != "dns-01" {
		t.Errorf("entities at canada = %v, want dns-01 first of three", names)
	}
	// France's copy keeps the order, scripts and static IPs.
	frPlan, err := s.fr.GetRecoveryPlan(ctx, plan.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(frPlan.Stages, plan.Stages) || !reflect.DeepEqual(frPlan.NetworkMappings[0].PerAZ[1].RecoveryIPs, in.NetworkMappings[0].PerAZ[1].RecoveryIPs) {
		t.Errorf("france's copy = %#v", frPlan)
	}
	// Swapping the stages keeps each stage's uuid with its VMs.
	swapped := *plan
	swapped.Stages = []RecoveryStage{plan.Stages[1], plan.Stages[0]}
	swapped.Stages[0].UUID, swapped.Stages[1].UUID = "", ""
	got, err := s.ca.UpdateRecoveryPlan(ctx, swapped)
	if err != nil {
		t.Fatal(err)
	}
	if got.Stages[0].UUID != plan.Stages[1].UUID || got.Stages[1].UUID != plan.Stages[0].UUID || got.Stages[1].Entities[0].VMUUID != s.vms["dns-01"] {
		t.Errorf("after the swap: %+v", got.Stages)
	}
	// The same plan again as read is no change at all.
	s.resetRequests(t)
	if _, err := s.ca.UpdateRecoveryPlan(ctx, *got); err != nil {
		t.Fatal(err)
	}
	if n := s.requests(t, "PUT /api/nutanix/v3/recovery_plans/{uuid}"); n != 0 {
		t.Errorf("%d PUTs for an unchanged plan", n)
	}
}

// TestEmulatorRecoveryPlanWitness needs synchronous replication of the
// plan's VMs: refused with the 15-minute policy, accepted with an RPO 0
// one.
func TestEmulatorRecoveryPlanWitness(t *testing.T) {
	s := startPlanSites(t, false)
	ctx := context.Background()
	in := s.seedPlan()
	in.Name = "witnessed"
	in.Witnesses = []Witness{{Address: s.caOfFrance, FailoverTimeoutSecs: 30}}
	async, err := s.ca.CreateProtectionPolicy(ctx, s.seed())
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ca.CreateRecoveryPlan(ctx, in)
	wantRefusal(t, "a witness without synchronous replication", err, "creating recovery plan witnessed")
	if err := s.ca.DeleteProtectionPolicy(ctx, async.UUID); err != nil {
		t.Fatal(err)
	}
	sync := s.seed()
	sync.Name = "synchronous"
	sync.Connectivity = []ProtectionConnectivity{{SourceIndex: 0, DestinationIndex: 1, Schedules: []SnapshotSchedule{{RPOSecs: SynchronousRPOSecs, AutoSuspendTimeoutSecs: i64(30)}}}}
	if _, err := s.ca.CreateProtectionPolicy(ctx, sync); err != nil {
		t.Fatal(err)
	}
	plan, err := s.ca.CreateRecoveryPlan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	want := planWant(t, in, plan)
	if !reflect.DeepEqual(*plan, want) {
		t.Errorf("the plan with a witness does not round-trip:\n got %#v\nwant %#v", *plan, want)
	}
	if errs := planErrors(plan); len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
	entities, err := s.ca.RecoveryPlanEntities(ctx, plan.UUID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entities {
		if e.AvailabilityZoneUUID == s.caLocal && (e.ReplicationStatus != "SYNCED" || e.Recoverability != "RECOVERABLE") {
			t.Errorf("synchronously replicated entity = %+v", e)
		}
	}
	// Dropping the timeout drops the field; dropping the witness drops
	// the list.
	plan.Witnesses[0].FailoverTimeoutSecs = 0
	got, err := s.ca.UpdateRecoveryPlan(ctx, *plan)
	if err != nil || !reflect.DeepEqual(got.Witnesses, []Witness{{Address: s.caOfFrance}}) {
		t.Errorf("witness without a timeout = %+v, %v", got, err)
	}
	if w := jsonOf(t, walk(s.rawPlan(t, plan.UUID), "spec", "resources", "parameters", "witness_configuration_list")); w != `[{"witness_address":"`+s.caOfFrance+`"}]` {
		t.Errorf("witness stored as %s", w)
	}
	got.Witnesses = nil
	if got, err = s.ca.UpdateRecoveryPlan(ctx, *got); err != nil || got.Witnesses != nil {
		t.Errorf("without a witness = %+v, %v", got, err)
	}
}

// rawPlan reads a plan as canada serves it.
func (s *planSites) rawPlan(t *testing.T, id string) map[string]any {
	t.Helper()
	var doc map[string]any
	s.call(t, http.MethodGet, "/api/nutanix/v3/recovery_plans/"+id, nil, &doc)
	return doc
}

// TestEmulatorRecoveryPlanUpdateKeepsUnmodeledFields puts fields of the
// spec the client does not model into a plan, then updates it through
// the client: they are all still there.
func TestEmulatorRecoveryPlanUpdateKeepsUnmodeledFields(t *testing.T) {
	s := startPlanSites(t, true)
	ctx := context.Background()
	plan, err := s.ca.CreateRecoveryPlan(ctx, s.stagedSeedPlan())
	if err != nil {
		t.Fatal(err)
	}
	doc := s.rawPlan(t, plan.UUID)
	delete(doc, "status")
	res, _ := walk(doc, "spec", "resources").(map[string]any)
	res["volume_group_recovery_info_list"] = []any{}
	dnsEntity, _ := walk(res, "stage_list", 0, "stage_work", "recover_entities", "entity_info_list", 0).(map[string]any)
	dnsEntity["volume_group_attachment_list"] = []any{}
	frSubnet, _ := walk(res, "parameters", "network_mapping_list", 0, "availability_zone_network_mapping_list", 1, "recovery_network", "subnet_list", 0).(map[string]any)
	frSubnet["subnet_range"] = map[string]any{"start_ip_address": "192.168.50.100", "end_ip_address": "192.168.50.200"}
	params, _ := res["parameters"].(map[string]any)
	params["data_service_ip_mapping_list"] = []any{}
	if dnsEntity == nil || frSubnet == nil || params == nil {
		t.Fatalf("the plan as served has not the expected shape: %s", jsonOf(t, doc))
	}
	var accepted intentResponse
	s.call(t, http.MethodPut, "/api/nutanix/v3/recovery_plans/"+plan.UUID, doc, &accepted)
	if _, err := s.ca.WaitForTask(ctx, accepted.task(), "raw update", nil); err != nil {
		t.Fatal(err)
	}
	read, err := s.ca.GetRecoveryPlan(ctx, plan.UUID)
	if err != nil {
		t.Fatal(err)
	}
	// Reorder the two VMs of stage 2, add an address, change the delay.
	read.Stages[1].Entities[0], read.Stages[1].Entities[1] = read.Stages[1].Entities[1], read.Stages[1].Entities[0]
	read.Stages[0].DelaySecs = i64(45)
	frIPs := &read.NetworkMappings[0].PerAZ[1].RecoveryIPs[0]
	frIPs.IPs = append(frIPs.IPs, "192.168.50.120")
	got, err := s.ca.UpdateRecoveryPlan(ctx, *read)
	if err != nil {
		t.Fatal(err)
	}
	want := *read
	want.SpecVersion, want.Validation = got.SpecVersion, got.Validation
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("updated plan:\n got %#v\nwant %#v", *got, want)
	}
	after := s.rawPlan(t, plan.UUID)
	for _, c := range []struct {
		path []any
		want string
	}{
		{[]any{"spec", "resources", "volume_group_recovery_info_list"}, `[]`},
		{[]any{"spec", "resources", "parameters", "data_service_ip_mapping_list"}, `[]`},
		{[]any{"spec", "resources", "stage_list", 0, "delay_time_secs"}, `45`},
		{[]any{"spec", "resources", "stage_list", 0, "stage_work", "recover_entities", "entity_info_list", 0, "volume_group_attachment_list"}, `[]`},
		{[]any{"spec", "resources", "stage_list", 1, "stage_work", "recover_entities", "entity_info_list", 0, "any_entity_reference", "uuid"}, `"` + s.vms["db-01"] + `"`},
		{[]any{"spec", "resources", "parameters", "network_mapping_list", 0, "availability_zone_network_mapping_list", 1, "recovery_network", "subnet_list", 0, "subnet_range"},
			`{"end_ip_address":"192.168.50.200","start_ip_address":"192.168.50.100"}`},
		{[]any{"spec", "resources", "parameters", "network_mapping_list", 0, "availability_zone_network_mapping_list", 1, "recovery_ip_assignment_list", 0, "ip_config_list"},
			`[{"ip_address":"192.168.50.110"},{"ip_address":"192.168.50.120"}]`},
	} {
		if got := jsonOf(t, walk(after, c.path...)); got != c.want {
			t.Errorf("%v after the update = %s, want %s", c.path, got, c.want)
		}
	}
}

// walk follows keys (strings into objects, ints into lists) from v; nil
// when the path is not there.
func walk(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// TestEmulatorRecoveryPlanRefusals checks what Prism Central refuses, and
// that nothing is left behind by a refusal.
func TestEmulatorRecoveryPlanRefusals(t *testing.T) {
	s := startPlanSites(t, true)
	ctx := context.Background()
	mod := func(name string, m func(*RecoveryPlan)) RecoveryPlan {
		p := s.seedPlan()
		p.Name = name
		m(&p)
		return p
	}
	for _, p := range []RecoveryPlan{
		mod("one-location", func(p *RecoveryPlan) { p.AvailabilityZones = p.AvailabilityZones[:1]; p.NetworkMappings = nil }),
		mod("same-location", func(p *RecoveryPlan) {
			p.AvailabilityZones[1] = p.AvailabilityZones[0]
			p.NetworkMappings = nil
		}),
		mod("unknown-zone", func(p *RecoveryPlan) { p.AvailabilityZones[1].AvailabilityZoneUUID = caAZ }),
		mod("foreign-cluster", func(p *RecoveryPlan) { p.AvailabilityZones[1].ClusterUUIDs = []string{s.ca01} }),
		mod("unknown-subnet", func(p *RecoveryPlan) { p.NetworkMappings[0].PerAZ[1].Recovery.Name = "vlan99-nowhere" }),
		mod("wrong-gateway", func(p *RecoveryPlan) {
			p.NetworkMappings[0].PerAZ[1].Test.Subnets[0] = RecoverySubnet{GatewayIP: "192.168.60.1", PrefixLength: 24}
		}),
		mod("ip-outside", func(p *RecoveryPlan) {
			p.NetworkMappings[0].PerAZ[1].RecoveryIPs = []VMIPAssignment{{VMUUID: s.vms["app-01"], IPs: []string{"192.168.51.10"}}}
		}),
		mod("unknown-vm", func(p *RecoveryPlan) { p.Stages[0].Entities = []RecoveryEntity{{VMUUID: vmApp}} }),
		mod("vm-twice", func(p *RecoveryPlan) {
			p.Stages = []RecoveryStage{{Entities: []RecoveryEntity{{VMUUID: s.vms["app-01"]}}}, {Entities: []RecoveryEntity{{VMUUID: s.vms["app-01"]}}}}
		}),
		mod("mapping-elsewhere", func(p *RecoveryPlan) { p.NetworkMappings[0].PerAZ[1].AvailabilityZoneUUID = s.frLocal }),
	} {
		_, err := s.ca.CreateRecoveryPlan(ctx, p)
		wantRefusal(t, p.Name, err, "creating recovery plan "+p.Name)
	}
	if all, err := s.ca.ListRecoveryPlans(ctx, ""); err != nil || len(all) != 0 {
		t.Errorf("refused plans were kept: %+v, %v", all, err)
	}
	missing := "7a000000-0000-4000-8000-0000000000a7"
	if _, err := s.ca.GetRecoveryPlan(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRecoveryPlan of a missing plan: %v", err)
	}
	if _, err := s.ca.RecoveryPlanEntities(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("RecoveryPlanEntities of a missing plan: %v", err)
	}
	if err := s.ca.DeleteRecoveryPlan(ctx, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteRecoveryPlan of a missing plan: %v", err)
	}
}

// TestEmulatorRecoveryPlanDropAfterCommit loses the answer to a create that
// landed: the retry finds the plan and there is one plan.
func TestEmulatorRecoveryPlanDropAfterCommit(t *testing.T) {
	s := startPlanSites(t, true)
	checkCreateSurvivesDrop(t, s.simPC, "/recovery_plans",
		func() (*RecoveryPlan, error) { return s.ca.CreateRecoveryPlan(context.Background(), s.seedPlan()) },
		func() ([]RecoveryPlan, error) { return s.ca.ListRecoveryPlans(context.Background(), "") },
		func(p *RecoveryPlan) string { return p.UUID })
}
