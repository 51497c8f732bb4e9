package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	planVPC     = "5c000000-0000-4000-8000-0000000000c5"
	planNIC     = "6c000000-0000-4000-8000-0000000000c6"
	witnessAZ   = "1d000000-0000-4000-8000-0000000000d1"
	planFixture = "7c000000-0000-4000-8000-0000000000c7"
	stageA      = "8a000000-0000-4000-8000-0000000000a8"
	stageB      = "8b000000-0000-4000-8000-0000000000b8"
)

func intp(v int) *int { return &v }

// fakePlans serves recovery plans, their validation messages and their
// entities.
type fakePlans struct {
	*fakeKind
	// messages is the status.message_list of every plan.
	messages []any
	// entities is the answer to GET /recovery_plans/{uuid}/entities.
	entities map[string]any
}

func newFakePlans(t *testing.T) *fakePlans {
	f := &fakePlans{fakeKind: newFakeKind(t, "recovery_plan", "recovery plan", 5*time.Millisecond)}
	f.status = func(status map[string]any) {
		if f.messages != nil {
			status["message_list"] = f.messages
		}
	}
	f.sub = func(w http.ResponseWriter, r *http.Request, _, sub string, e map[string]any) bool {
		if sub != "entities" || e == nil || r.Method != http.MethodGet {
			return false
		}
		writeJSON(w, 200, f.entities)
		return true
	}
	return f
}

// seed stores planFixtureDoc as the server holds it.
func (f *fakePlans) seed() { f.fakeKind.seed(planFixtureDoc) }

// seededPlan serves planFixtureDoc and returns the fake, a client of it
// and the plan as read.
func seededPlan(t *testing.T) (*fakePlans, *Client, *RecoveryPlan) {
	t.Helper()
	f := newFakePlans(t)
	f.seed()
	c := f.client(t)
	p, err := c.GetRecoveryPlan(context.Background(), planFixture)
	if err != nil {
		t.Fatal(err)
	}
	return f, c, p
}

func sameJSON(t *testing.T, what string, got any, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(jsonOf(t, got)), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation for %s: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		var b bytes.Buffer
		_ = json.Compact(&b, []byte(want))
		t.Errorf("%s sent as\n%s\nwant\n%s", what, jsonOf(t, got), b.String())
	}
}

// stagedPlan is a three-stage plan between canada and france that uses
// every part of the model: a VM with a script and a delay, two VMs
// together, a category selector powered off with an empty script list,
// two network mappings (VLAN with static IPs, and a stretched VPC one),
// a floating IP, a witness and a cutover mode.
func stagedPlan() RecoveryPlan {
	return RecoveryPlan{
		Name:        "three-tier",
		Description: "dns first, then app and db, then the rest",
		Stages: []RecoveryStage{
			{DelaySecs: i64(30), Entities: []RecoveryEntity{{VMUUID: vmDNS, Scripts: []RecoveryScript{{Enabled: true, TimeoutSecs: i64(300)}}, PowerState: PowerStateOn}}},
			{DelaySecs: i64(0), Entities: []RecoveryEntity{{VMUUID: vmApp}, {VMUUID: vmDB, Scripts: []RecoveryScript{{Enabled: false}}}}},
			{Entities: []RecoveryEntity{{Categories: map[string]string{"replicated-vm": "from-canada"}, Scripts: []RecoveryScript{}, PowerState: PowerStateOff}}},
		},
		PrimaryLocationIndex: intp(0),
		AvailabilityZones: []RecoveryPlanAZ{
			{AvailabilityZoneUUID: caAZ, ClusterUUIDs: []string{caCluster}},
			{AvailabilityZoneUUID: frAZ, ClusterUUIDs: []string{frCluster}},
		},
		NetworkMappings: []NetworkMapping{
			{PerAZ: []AZNetworkMapping{
				{AvailabilityZoneUUID: caAZ,
					Recovery: &RecoveryNetwork{Name: "vlan50-prod", Subnets: []RecoverySubnet{{GatewayIP: "192.168.50.1", PrefixLength: 24}}},
					Test:     &RecoveryNetwork{Name: "vlan51-test", Subnets: []RecoverySubnet{{GatewayIP: "192.168.51.1", PrefixLength: 25}}},
				},
				{AvailabilityZoneUUID: frAZ,
					Recovery:    &RecoveryNetwork{Name: "vlan50-prod", Subnets: []RecoverySubnet{{GatewayIP: "192.168.50.1", PrefixLength: 24}}},
					Test:        &RecoveryNetwork{Name: "vlan51-test", Subnets: []RecoverySubnet{{GatewayIP: "192.168.51.1", PrefixLength: 25}}},
					RecoveryIPs: []VMIPAssignment{{VMUUID: vmApp, IPs: []string{"192.168.50.110"}}, {VMUUID: vmDB, IPs: []string{"192.168.50.111", "192.168.50.112"}}},
					TestIPs:     []VMIPAssignment{{VMUUID: vmApp, IPs: []string{"192.168.51.110"}}},
				},
			}},
			{Stretched: true, PerAZ: []AZNetworkMapping{
				{AvailabilityZoneUUID: caAZ, ClusterUUIDs: []string{},
					Recovery: &RecoveryNetwork{Name: "overlay-a", VPCUUID: planVPC, UseVPC: true, Subnets: []RecoverySubnet{{GatewayIP: "10.10.0.1", PrefixLength: 24}}}},
				{AvailabilityZoneUUID: frAZ,
					Recovery: &RecoveryNetwork{Name: "overlay-a", VPCUUID: planVPC, UseVPC: true, Subnets: []RecoverySubnet{}}},
			}},
		},
		FloatingIPs: []FloatingIPAssignment{{AvailabilityZoneUUID: frAZ, VMs: []FloatingIPVM{{
			VMUUID: vmApp, NICUUID: planNIC, NICIP: "192.168.50.10",
			Recovery: &FloatingIPConfig{IP: "203.0.113.5"}, Test: &FloatingIPConfig{AllocateDynamically: true},
		}}}},
		Witnesses:   []Witness{{Address: witnessAZ, FailoverTimeoutSecs: 30}},
		CutoverMode: CutoverLate,
	}
}

// stagedPlanSpec is what stagedPlan sends as spec.
const stagedPlanSpec = `{
  "name": "three-tier",
  "description": "dns first, then app and db, then the rest",
  "resources": {
    "stage_list": [
      {"delay_time_secs": 30, "stage_work": {"recover_entities": {"entity_info_list": [
        {"any_entity_reference": {"kind": "vm", "uuid": "` + vmDNS + `"}, "script_list": [{"enable_script_exec": true, "timeout": 300}], "vm_power_state": "ON"}]}}},
      {"delay_time_secs": 0, "stage_work": {"recover_entities": {"entity_info_list": [
        {"any_entity_reference": {"kind": "vm", "uuid": "` + vmApp + `"}},
        {"any_entity_reference": {"kind": "vm", "uuid": "` + vmDB + `"}, "script_list": [{"enable_script_exec": false}]}]}}},
      {"stage_work": {"recover_entities": {"entity_info_list": [
        {"categories": {"replicated-vm": "from-canada"}, "script_list": [], "vm_power_state": "OFF"}]}}}
    ],
    "parameters": {
      "primary_location_index": 0,
      "availability_zone_list": [
        {"availability_zone_url": "` + caAZ + `", "cluster_reference_list": [{"kind": "cluster", "uuid": "` + caCluster + `"}]},
        {"availability_zone_url": "` + frAZ + `", "cluster_reference_list": [{"kind": "cluster", "uuid": "` + frCluster + `"}]}
      ],
      "network_mapping_list": [
        {"availability_zone_network_mapping_list": [
          {"availability_zone_url": "` + caAZ + `",
           "recovery_network": {"name": "vlan50-prod", "subnet_list": [{"gateway_ip": "192.168.50.1", "prefix_length": 24}]},
           "test_network": {"name": "vlan51-test", "subnet_list": [{"gateway_ip": "192.168.51.1", "prefix_length": 25}]}},
          {"availability_zone_url": "` + frAZ + `",
           "recovery_network": {"name": "vlan50-prod", "subnet_list": [{"gateway_ip": "192.168.50.1", "prefix_length": 24}]},
           "test_network": {"name": "vlan51-test", "subnet_list": [{"gateway_ip": "192.168.51.1", "prefix_length": 25}]},
           "recovery_ip_assignment_list": [
             {"vm_reference": {"kind": "vm", "uuid": "` + vmApp + `"}, "ip_config_list": [{"ip_address": "192.168.50.110"}]},
             {"vm_reference": {"kind": "vm", "uuid": "` + vmDB + `"}, "ip_config_list": [{"ip_address": "192.168.50.111"}, {"ip_address": "192.168.50.112"}]}],
           "test_ip_assignment_list": [
             {"vm_reference": {"kind": "vm", "uuid": "` + vmApp + `"}, "ip_config_list": [{"ip_address": "192.168.51.110"}]}]}
        ]},
        {"are_networks_stretched": true, "availability_zone_network_mapping_list": [
          {"availability_zone_url": "` + caAZ + `", "cluster_reference_list": [],
           "recovery_network": {"name": "overlay-a", "vpc_reference": {"kind": "vpc", "uuid": "` + planVPC + `"}, "use_vpc_reference": true,
             "subnet_list": [{"gateway_ip": "10.10.0.1", "prefix_length": 24}]}},
          {"availability_zone_url": "` + frAZ + `",
           "recovery_network": {"name": "overlay-a", "vpc_reference": {"kind": "vpc", "uuid": "` + planVPC + `"}, "use_vpc_reference": true, "subnet_list": []}}
        ]}
      ],
      "floating_ip_assignment_list": [
        {"availability_zone_url": "` + frAZ + `", "vm_ip_assignment_list": [
          {"vm_reference": {"kind": "vm", "uuid": "` + vmApp + `"}, "vm_nic_information": {"uuid": "` + planNIC + `", "ip": "192.168.50.10"},
           "recovery_floating_ip_config": {"ip": "203.0.113.5"}, "test_floating_ip_config": {"should_allocate_dynamically": true}}]}
      ],
      "witness_configuration_list": [{"witness_address": "` + witnessAZ + `", "witness_failover_timeout_secs": 30}],
      "cutover_mode": "LATE"
    }
  }
}`

// planAsRead returns p as the client reads it back after a create.
func planAsRead(p RecoveryPlan, uuid string, specVersion int) RecoveryPlan {
	p.UUID, p.State, p.SpecVersion = uuid, "COMPLETE", specVersion
	return p
}

func TestCreateRecoveryPlanWire(t *testing.T) {
	f := newFakePlans(t)
	c := f.client(t)
	ctx := context.Background()
	in := stagedPlan()
	got, err := c.CreateRecoveryPlan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.posts) != 1 {
		t.Fatalf("%d creates sent", len(f.posts))
	}
	var sent map[string]any
	if err := decodeNumbers(f.posts[0], &sent); err != nil {
		t.Fatal(err)
	}
	id, _ := subtree(sent, "metadata.uuid").(string)
	if !uuidPattern.MatchString(id) || subtree(sent, "metadata.kind") != "recovery_plan" || sent["api_version"] != apiVersion {
		t.Errorf("envelope = %v", sent)
	}
	sameJSON(t, "spec", sent["spec"], stagedPlanSpec)
	want := planAsRead(in, id, 0)
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("created plan:\n got %#v\nwant %#v", *got, want)
	}
	// A uuid chosen by the caller is used.
	in.UUID = planFixture
	got, err = c.CreateRecoveryPlan(ctx, in)
	if err != nil || got.UUID != planFixture || f.stored[planFixture] == nil {
		t.Errorf("create with a chosen uuid = %+v, %v", got, err)
	}
}

// TestRecoveryPlanRoundTrip checks that the plan comes back exactly as
// created, nil and empty apart, through Get and List, and that an update
// with the plan as read sends nothing.
func TestRecoveryPlanRoundTrip(t *testing.T) {
	f := newFakePlans(t)
	c := f.client(t)
	ctx := context.Background()
	for _, in := range []RecoveryPlan{
		stagedPlan(),
		{Name: "minimal", Stages: []RecoveryStage{{Entities: []RecoveryEntity{{VMUUID: vmApp}}}}},
		{Name: "empty lists", Stages: []RecoveryStage{}, AvailabilityZones: []RecoveryPlanAZ{}, NetworkMappings: []NetworkMapping{{PerAZ: []AZNetworkMapping{}}},
			FloatingIPs: []FloatingIPAssignment{{AvailabilityZoneUUID: frAZ}}, Witnesses: []Witness{}},
		{Name: "empty categories", Stages: []RecoveryStage{{Entities: []RecoveryEntity{{VMUUID: vmDB, Categories: map[string]string{}}}}},
			NetworkMappings: []NetworkMapping{{PerAZ: []AZNetworkMapping{{AvailabilityZoneUUID: caAZ, Recovery: &RecoveryNetwork{}, RecoveryIPs: []VMIPAssignment{}}}}}},
	} {
		got, err := c.CreateRecoveryPlan(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", in.Name, err)
		}
		want := planAsRead(in, got.UUID, 0)
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s does not round-trip:\n got %#v\nwant %#v", in.Name, *got, want)
		}
		read, err := c.GetRecoveryPlan(ctx, got.UUID)
		if err != nil || !reflect.DeepEqual(*read, want) {
			t.Errorf("GetRecoveryPlan(%s) = %#v, %v", in.Name, read, err)
		}
		puts := len(f.puts)
		if _, err := c.UpdateRecoveryPlan(ctx, *read); err != nil || len(f.puts) != puts {
			t.Errorf("no-op update of %s: %v, %d PUTs", in.Name, err, len(f.puts)-puts)
		}
	}
	minimal := jsonOf(t, f.stored[sortedPlanByName(t, f, "minimal")]["spec"])
	if minimal != `{"name":"minimal","resources":{"stage_list":[{"stage_work":{"recover_entities":{"entity_info_list":[{"any_entity_reference":{"kind":"vm","uuid":"`+vmApp+`"}}]}}}]}}` {
		t.Errorf("a minimal plan was sent as %s", minimal)
	}
	empty := jsonOf(t, f.stored[sortedPlanByName(t, f, "empty lists")]["spec"])
	if empty != `{"name":"empty lists","resources":{"parameters":{"availability_zone_list":[],"floating_ip_assignment_list":[{"availability_zone_url":"`+frAZ+`"}],"network_mapping_list":[{"availability_zone_network_mapping_list":[]}],"witness_configuration_list":[]},"stage_list":[]}}` {
		t.Errorf("empty lists were sent as %s", empty)
	}
	all, err := c.ListRecoveryPlans(ctx, "")
	if err != nil || len(all) != 4 {
		t.Fatalf("ListRecoveryPlans = %d plans, %v", len(all), err)
	}
	for _, p := range all {
		if p.Name == "three-tier" && !reflect.DeepEqual(p, planAsRead(stagedPlan(), p.UUID, 0)) {
			t.Errorf("listed plan = %#v", p)
		}
	}
}

func sortedPlanByName(t *testing.T, f *fakePlans, name string) string {
	t.Helper()
	for id, e := range f.stored {
		if subtree(e, "spec.name") == name {
			return id
		}
	}
	t.Fatalf("no plan %s stored", name)
	return ""
}

// planFixtureDoc is a plan as a server holds it, with fields the client
// does not model at every level.
const planFixtureDoc = `{
  "metadata": {"kind": "recovery_plan", "uuid": "` + planFixture + `", "spec_version": 7, "spec_hash": "h",
    "categories": {"Owner": "dr"}, "owner_reference": {"kind": "user", "uuid": "00000000-0000-0000-0000-000000000000"}},
  "spec": {
    "name": "seed-plan", "future_spec_field": [1, 2],
    "resources": {
      "future_resources_field": 12345678901234567890,
      "volume_group_recovery_info_list": [{"category_filter": {"params": {"vg": ["x"]}}}],
      "stage_list": [
        {"stage_uuid": "` + stageA + `", "delay_time_secs": 30, "stage_extra": "a",
         "stage_work": {"work_extra": 1, "recover_entities": {"re_extra": true, "entity_info_list": [
           {"any_entity_reference": {"kind": "vm", "uuid": "` + vmDNS + `", "name": "dns-01"}, "entity_extra": "dns",
            "volume_group_attachment_list": [{"vm_reference": {"kind": "vm", "uuid": "` + vmDNS + `"}, "volume_group_attachment_info_list": []}],
            "script_list": [{"enable_script_exec": true, "timeout": 60, "script_extra": "s"}]}]}}},
        {"stage_uuid": "` + stageB + `", "stage_extra": "b",
         "stage_work": {"recover_entities": {"entity_info_list": [
           {"categories": {"replicated-vm": "from-canada"}, "entity_extra": "cat"},
           {"any_entity_reference": {"kind": "vm", "uuid": "` + vmApp + `", "name": "app-01"}, "vm_power_state": "ON"}]}}}
      ],
      "parameters": {
        "params_extra": "p",
        "data_service_ip_mapping_list": [{"data_service_ip_mapping": []}],
        "primary_location_index": 0,
        "availability_zone_list": [
          {"availability_zone_url": "` + caAZ + `", "cluster_reference_list": [{"kind": "cluster", "uuid": "` + caCluster + `", "name": "CA01"}], "az_extra": "ca"},
          {"availability_zone_url": "` + frAZ + `", "az_extra": "fr"}
        ],
        "network_mapping_list": [
          {"are_networks_stretched": false, "mapping_extra": "m0", "availability_zone_network_mapping_list": [
            {"availability_zone_url": "` + caAZ + `", "entry_extra": "ca",
             "recovery_network": {"name": "vlan50-prod", "net_extra": "n", "virtual_network_reference": {"kind": "virtual_network", "uuid": "` + planVPC + `"},
               "subnet_list": [{"gateway_ip": "192.168.50.1", "prefix_length": 24, "subnet_extra": "s",
                 "subnet_range": {"start_ip_address": "192.168.50.100", "end_ip_address": "192.168.50.200"}}]},
             "test_network": {"name": "vlan51-test", "subnet_list": [{"gateway_ip": "192.168.51.1", "prefix_length": 25}]}},
            {"availability_zone_url": "` + frAZ + `", "entry_extra": "fr",
             "recovery_network": {"name": "vlan50-prod"},
             "recovery_ip_assignment_list": [{"vm_reference": {"kind": "vm", "uuid": "` + vmApp + `", "name": "app-01"}, "assign_extra": "x",
               "ip_config_list": [{"ip_address": "192.168.50.110", "ip_extra": 1}]}]}
          ]}
        ],
        "witness_configuration_list": [{"witness_address": "` + witnessAZ + `", "witness_failover_timeout_secs": 30, "witness_extra": "w"}],
        "floating_ip_assignment_list": [{"availability_zone_url": "` + frAZ + `", "fip_extra": "f", "vm_ip_assignment_list": [
          {"vm_reference": {"kind": "vm", "uuid": "` + vmApp + `"}, "vm_nic_information": {"uuid": "` + planNIC + `", "nic_extra": 2},
           "recovery_floating_ip_config": {"ip": "203.0.113.5", "should_allocate_dynamically": false, "cfg_extra": 3}}]}],
        "cutover_mode": "EARLY"
      }
    }
  }
}`

func TestGetRecoveryPlanDecodes(t *testing.T) {
	f := newFakePlans(t)
	f.seed()
	f.messages = []any{
		map[string]any{"reason": "VALIDATION_ERROR", "message": "VM db-01 is not protected toward france", "details": map[string]any{"vm": "db-01"}},
		map[string]any{"reason": "CONFIGURATION_INCOMPLETE", "message": "no mapping", "details": map[string]any{"severity": "WARNING", "validation_type": "NETWORK"}},
	}
	c := f.client(t)
	got, err := c.GetRecoveryPlan(context.Background(), planFixture)
	if err != nil {
		t.Fatal(err)
	}
	want := RecoveryPlan{
		UUID: planFixture, Name: "seed-plan", State: "COMPLETE", SpecVersion: 7,
		Stages: []RecoveryStage{
			{UUID: stageA, DelaySecs: i64(30), Entities: []RecoveryEntity{{VMUUID: vmDNS, VMName: "dns-01", Scripts: []RecoveryScript{{Enabled: true, TimeoutSecs: i64(60)}}}}},
			{UUID: stageB, Entities: []RecoveryEntity{{Categories: map[string]string{"replicated-vm": "from-canada"}}, {VMUUID: vmApp, VMName: "app-01", PowerState: PowerStateOn}}},
		},
		PrimaryLocationIndex: intp(0),
		AvailabilityZones:    []RecoveryPlanAZ{{AvailabilityZoneUUID: caAZ, ClusterUUIDs: []string{caCluster}}, {AvailabilityZoneUUID: frAZ}},
		NetworkMappings: []NetworkMapping{{PerAZ: []AZNetworkMapping{
			{AvailabilityZoneUUID: caAZ,
				Recovery: &RecoveryNetwork{Name: "vlan50-prod", Subnets: []RecoverySubnet{{GatewayIP: "192.168.50.1", PrefixLength: 24}}},
				Test:     &RecoveryNetwork{Name: "vlan51-test", Subnets: []RecoverySubnet{{GatewayIP: "192.168.51.1", PrefixLength: 25}}}},
			{AvailabilityZoneUUID: frAZ, Recovery: &RecoveryNetwork{Name: "vlan50-prod"},
				RecoveryIPs: []VMIPAssignment{{VMUUID: vmApp, VMName: "app-01", IPs: []string{"192.168.50.110"}}}},
		}}},
		FloatingIPs: []FloatingIPAssignment{{AvailabilityZoneUUID: frAZ, VMs: []FloatingIPVM{{VMUUID: vmApp, NICUUID: planNIC, Recovery: &FloatingIPConfig{IP: "203.0.113.5"}}}}},
		Witnesses:   []Witness{{Address: witnessAZ, FailoverTimeoutSecs: 30}},
		CutoverMode: CutoverEarly,
		Validation: []RecoveryPlanMessage{
			{Reason: "VALIDATION_ERROR", Message: "VM db-01 is not protected toward france", Details: map[string]string{"vm": "db-01"}},
			{Reason: "CONFIGURATION_INCOMPLETE", Message: "no mapping", Severity: PlanMessageWarning, ValidationType: "NETWORK",
				Details: map[string]string{"severity": "WARNING", "validation_type": "NETWORK"}},
		},
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("read:\n got %#v\nwant %#v", *got, want)
	}
	// The fixture as read updates to nothing.
	if _, err := c.UpdateRecoveryPlan(context.Background(), *got); err != nil || len(f.puts) != 0 {
		t.Errorf("no-op update: %v, %d PUTs", err, len(f.puts))
	}
}

// TestRecoveryPlanFromStatus reads a plan whose answer has no spec, as
// some list answers do: the status stands in.
func TestRecoveryPlanFromStatus(t *testing.T) {
	var p recoveryPlanJSON
	doc := `{"metadata": {"kind": "recovery_plan", "uuid": "` + planFixture + `"}, "status": {"name": "from-status", "state": "COMPLETE",
	  "resources": {"stage_list": [{"delay_time_secs": 5, "stage_work": {"recover_entities": {"entity_info_list": [{"any_entity_reference": {"kind": "vm", "uuid": "` + vmApp + `"}}]}}}],
	  "parameters": {"primary_location_index": 1}}}}`
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	got := p.toPlan("")
	want := RecoveryPlan{UUID: planFixture, Name: "from-status", State: "COMPLETE", PrimaryLocationIndex: intp(1),
		Stages: []RecoveryStage{{DelaySecs: i64(5), Entities: []RecoveryEntity{{VMUUID: vmApp}}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("from status:\n got %#v\nwant %#v", got, want)
	}
	// A stage without stage_work reads as no entities, not a crash.
	if err := json.Unmarshal([]byte(`{"spec": {"name": "x", "resources": {"stage_list": [{}], "parameters": null}}}`), &p); err != nil {
		t.Fatal(err)
	}
	if got := p.toPlan(""); len(got.Stages) != 1 || got.Stages[0].Entities != nil {
		t.Errorf("partial plan = %#v", got)
	}
}

func TestUpdateRecoveryPlanKeepsUnknownFields(t *testing.T) {
	f, c, p := seededPlan(t)
	ctx := context.Background()
	// Swap the two stages (without saying their uuids), move app-01 to the
	// front of its stage, change the dns script's timeout, add a third
	// stage, a test IP, a second static address, a subnet to the france
	// network, and drop the witness timeout.
	p.Stages[0], p.Stages[1] = p.Stages[1], p.Stages[0]
	p.Stages[0].UUID, p.Stages[1].UUID = "", ""
	s0 := &p.Stages[0]
	s0.Entities[0], s0.Entities[1] = s0.Entities[1], s0.Entities[0]
	p.Stages[1].Entities[0].Scripts[0].TimeoutSecs = i64(120)
	p.Stages = append(p.Stages, RecoveryStage{Entities: []RecoveryEntity{{VMUUID: vmDB}}})
	fr := &p.NetworkMappings[0].PerAZ[1]
	fr.RecoveryIPs[0].IPs = append(fr.RecoveryIPs[0].IPs, "192.168.50.120")
	fr.TestIPs = []VMIPAssignment{{VMUUID: vmApp, IPs: []string{"192.168.51.110"}}}
	fr.Recovery.Subnets = []RecoverySubnet{{GatewayIP: "192.168.50.1", PrefixLength: 24}}
	p.NetworkMappings[0].PerAZ[0].Recovery.Subnets[0].ExternalConnectivityState = "DISABLED"
	p.Witnesses[0].FailoverTimeoutSecs = 0
	p.AvailabilityZones[1].ClusterUUIDs = []string{frCluster}
	p.FloatingIPs[0].VMs[0].Test = &FloatingIPConfig{AllocateDynamically: true}
	p.Description = "reordered"
	got, err := c.UpdateRecoveryPlan(ctx, *p)
	if err != nil {
		t.Fatal(err)
	}
	put := f.lastPut(t)
	checks := map[string]string{
		"metadata":                                               `{"categories":{"Owner":"dr"},"kind":"recovery_plan","owner_reference":{"kind":"user","uuid":"00000000-0000-0000-0000-000000000000"},"spec_hash":"h","spec_version":7,"uuid":"` + planFixture + `"}`,
		"spec.future_spec_field":                                 `[1,2]`,
		"spec.description":                                       `"reordered"`,
		"spec.resources.future_resources_field":                  `12345678901234567890`,
		"spec.resources.volume_group_recovery_info_list":         `[{"category_filter":{"params":{"vg":["x"]}}}]`,
		"spec.resources.parameters.params_extra":                 `"p"`,
		"spec.resources.parameters.data_service_ip_mapping_list": `[{"data_service_ip_mapping":[]}]`,
		"spec.resources.stage_list": `[
		  {"stage_uuid":"` + stageB + `","stage_extra":"b","stage_work":{"recover_entities":{"entity_info_list":[
		    {"any_entity_reference":{"kind":"vm","uuid":"` + vmApp + `","name":"app-01"},"vm_power_state":"ON"},
		    {"categories":{"replicated-vm":"from-canada"},"entity_extra":"cat"}]}}},
		  {"stage_uuid":"` + stageA + `","delay_time_secs":30,"stage_extra":"a","stage_work":{"work_extra":1,"recover_entities":{"re_extra":true,"entity_info_list":[
		    {"any_entity_reference":{"kind":"vm","uuid":"` + vmDNS + `","name":"dns-01"},"entity_extra":"dns",
		     "volume_group_attachment_list":[{"vm_reference":{"kind":"vm","uuid":"` + vmDNS + `"},"volume_group_attachment_info_list":[]}],
		     "script_list":[{"enable_script_exec":true,"timeout":120,"script_extra":"s"}]}]}}},
		  {"stage_work":{"recover_entities":{"entity_info_list":[{"any_entity_reference":{"kind":"vm","uuid":"` + vmDB + `"}}]}}}]`,
		"spec.resources.parameters.availability_zone_list": `[
		  {"availability_zone_url":"` + caAZ + `","cluster_reference_list":[{"kind":"cluster","uuid":"` + caCluster + `","name":"CA01"}],"az_extra":"ca"},
		  {"availability_zone_url":"` + frAZ + `","cluster_reference_list":[{"kind":"cluster","uuid":"` + frCluster + `"}],"az_extra":"fr"}]`,
		"spec.resources.parameters.network_mapping_list": `[{"are_networks_stretched":false,"mapping_extra":"m0","availability_zone_network_mapping_list":[
		  {"availability_zone_url":"` + caAZ + `","entry_extra":"ca",
		   "recovery_network":{"name":"vlan50-prod","net_extra":"n","virtual_network_reference":{"kind":"virtual_network","uuid":"` + planVPC + `"},
		     "subnet_list":[{"gateway_ip":"192.168.50.1","prefix_length":24,"subnet_extra":"s","external_connectivity_state":"DISABLED",
		       "subnet_range":{"start_ip_address":"192.168.50.100","end_ip_address":"192.168.50.200"}}]},
		   "test_network":{"name":"vlan51-test","subnet_list":[{"gateway_ip":"192.168.51.1","prefix_length":25}]}},
		  {"availability_zone_url":"` + frAZ + `","entry_extra":"fr",
		   "recovery_network":{"name":"vlan50-prod","subnet_list":[{"gateway_ip":"192.168.50.1","prefix_length":24}]},
		   "recovery_ip_assignment_list":[{"vm_reference":{"kind":"vm","uuid":"` + vmApp + `","name":"app-01"},"assign_extra":"x",
		     "ip_config_list":[{"ip_address":"192.168.50.110","ip_extra":1},{"ip_address":"192.168.50.120"}]}],
		   "test_ip_assignment_list":[{"vm_reference":{"kind":"vm","uuid":"` + vmApp + `"},"ip_config_list":[{"ip_address":"192.168.51.110"}]}]}]}]`,
		"spec.resources.parameters.witness_configuration_list": `[{"witness_address":"` + witnessAZ + `","witness_extra":"w"}]`,
		"spec.resources.parameters.floating_ip_assignment_list": `[{"availability_zone_url":"` + frAZ + `","fip_extra":"f","vm_ip_assignment_list":[
		  {"vm_reference":{"kind":"vm","uuid":"` + vmApp + `"},"vm_nic_information":{"uuid":"` + planNIC + `","nic_extra":2},
		   "recovery_floating_ip_config":{"ip":"203.0.113.5","should_allocate_dynamically":false,"cfg_extra":3},
		   "test_floating_ip_config":{"should_allocate_dynamically":true}}]}]`,
		"spec.resources.parameters.cutover_mode":           `"EARLY"`,
		"spec.resources.parameters.primary_location_index": `0`,
	}
	for path, want := range checks {
		sameJSON(t, path, subtree(put, path), want)
	}
	if jsonOf(t, subtree(put, "spec.resources.future_resources_field")) != "12345678901234567890" {
		t.Error("a large number was not sent back exactly")
	}
	if _, ok := put["status"]; ok {
		t.Error("the status was sent back")
	}
	want := *p
	want.SpecVersion, want.State = 8, "COMPLETE"
	want.Stages[0].UUID, want.Stages[1].UUID = stageB, stageA
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("updated plan:\n got %#v\nwant %#v", *got, want)
	}
}

// TestUpdateRecoveryPlanRemoves drops what the plan no longer says: absent
// stays absent, and removed items take their unmodeled fields with them.
func TestUpdateRecoveryPlanRemoves(t *testing.T) {
	f, c, p := seededPlan(t)
	ctx := context.Background()
	p.Stages = p.Stages[1:]
	p.Stages[0].Entities = p.Stages[0].Entities[1:]
	p.NetworkMappings = nil
	p.Witnesses = nil
	p.FloatingIPs = []FloatingIPAssignment{}
	p.PrimaryLocationIndex = nil
	p.CutoverMode = ""
	p.AvailabilityZones[0].ClusterUUIDs = nil
	if _, err := c.UpdateRecoveryPlan(ctx, *p); err != nil {
		t.Fatal(err)
	}
	put := f.lastPut(t)
	sameJSON(t, "stage_list", subtree(put, "spec.resources.stage_list"), `[{"stage_uuid":"`+stageB+`","stage_extra":"b","stage_work":{"recover_entities":{"entity_info_list":[
	  {"any_entity_reference":{"kind":"vm","uuid":"`+vmApp+`","name":"app-01"},"vm_power_state":"ON"}]}}}]`)
	sameJSON(t, "parameters", subtree(put, "spec.resources.parameters"), `{"params_extra":"p","data_service_ip_mapping_list":[{"data_service_ip_mapping":[]}],
	  "availability_zone_list":[{"availability_zone_url":"`+caAZ+`","az_extra":"ca"},{"availability_zone_url":"`+frAZ+`","az_extra":"fr"}],
	  "floating_ip_assignment_list":[]}`)
}

func TestCreateRecoveryPlanValidates(t *testing.T) {
	f := newFakePlans(t)
	c := f.client(t)
	mod := func(m func(*RecoveryPlan)) RecoveryPlan {
		p := stagedPlan()
		m(&p)
		return p
	}
	tests := []struct {
		p    RecoveryPlan
		want string
	}{
		{mod(func(p *RecoveryPlan) { p.Name = "" }), "the name is empty"},
		{mod(func(p *RecoveryPlan) { p.Name = strings.Repeat("n", 65) }), "longer than 64"},
		{mod(func(p *RecoveryPlan) { p.Description = strings.Repeat("d", 1001) }), "description is longer than 1000"},
		{mod(func(p *RecoveryPlan) { p.Stages[1].DelaySecs = i64(-1) }), "stage 1: the delay is negative"},
		{mod(func(p *RecoveryPlan) { p.Stages[2].Entities = nil }), "stage 2 recovers nothing"},
		{mod(func(p *RecoveryPlan) { p.Stages[0].Entities[0].VMUUID = "" }), "stage 0, entity 0: give either a VM or categories"},
		{mod(func(p *RecoveryPlan) { p.Stages[0].Entities[0].Categories = map[string]string{"a": "b"} }), "not both"},
		{mod(func(p *RecoveryPlan) { p.Stages[0].Entities[0].PowerState = "SUSPENDED" }), `power state "SUSPENDED"`},
		{mod(func(p *RecoveryPlan) { p.Stages[0].Entities[0].Scripts[0].TimeoutSecs = i64(-5) }), "script 0: the timeout is negative"},
		{mod(func(p *RecoveryPlan) { p.AvailabilityZones[1].AvailabilityZoneUUID = "" }), "location 1 has no availability zone"},
		{mod(func(p *RecoveryPlan) { p.PrimaryLocationIndex = intp(2) }), "primary location index 2 is out of range 0-1"},
		{mod(func(p *RecoveryPlan) { p.NetworkMappings[0].PerAZ[1].AvailabilityZoneUUID = "" }), "network mapping 0, zone entry 1 has no availability zone"},
		{mod(func(p *RecoveryPlan) { p.NetworkMappings[0].PerAZ[0].Test.Subnets[0].GatewayIP = "192.168.51" }), `test network subnet 0: gateway "192.168.51"`},
		{mod(func(p *RecoveryPlan) { p.NetworkMappings[1].PerAZ[0].Recovery.Subnets[0].PrefixLength = 33 }), "prefix length 33"},
		{mod(func(p *RecoveryPlan) { p.NetworkMappings[0].PerAZ[1].RecoveryIPs[1].IPs[0] = "::1" }), `recovery IP assignment 1: "::1" is not an IPv4 address`},
		{mod(func(p *RecoveryPlan) { p.NetworkMappings[0].PerAZ[1].TestIPs[0].IPs = nil }), "test IP assignment 0 has no address"},
		{mod(func(p *RecoveryPlan) { p.NetworkMappings[0].PerAZ[1].TestIPs[0].VMUUID = "" }), "test IP assignment 0 has no VM"},
		{mod(func(p *RecoveryPlan) { p.FloatingIPs[0].VMs[0].NICUUID = "" }), "floating IP assignment 0, VM 0: give the VM and its NIC"},
		{mod(func(p *RecoveryPlan) { p.FloatingIPs[0].VMs[0].Recovery.IP = "1.2.3.256" }), `"1.2.3.256" is not an IPv4 address`},
		{mod(func(p *RecoveryPlan) { p.Witnesses = append(p.Witnesses, Witness{Address: caAZ}) }), "at most one"},
		{mod(func(p *RecoveryPlan) { p.Witnesses[0].FailoverTimeoutSecs = -1 }), "witness 0: the failover timeout is negative"},
		{mod(func(p *RecoveryPlan) { p.CutoverMode = "SOON" }), `cutover mode "SOON"`},
	}
	for _, tt := range tests {
		_, err := c.CreateRecoveryPlan(context.Background(), tt.p)
		if err == nil {
			t.Errorf("plan accepted, want %q", tt.want)
			continue
		}
		mustContain(t, err.Error(), "creating", "recovery plan", tt.want)
	}
	if len(f.posts) != 0 {
		t.Errorf("invalid plans were sent: %d", len(f.posts))
	}
}

func TestRecoveryPlanEntities(t *testing.T) {
	f := newFakePlans(t)
	f.seed()
	f.entities = map[string]any{"entities_per_availability_zone_list": []any{
		map[string]any{"availability_zone_url": caAZ, "entity_list": []any{
			map[string]any{"any_entity_reference": map[string]any{"kind": "vm", "uuid": vmDNS, "name": "dns-01"}, "is_recovery_point": false, "protection_status": "PROTECTED"},
			map[string]any{"any_entity_reference": map[string]any{"kind": "vm", "uuid": vmApp, "name": "app-01"}, "is_recovery_point": true,
				"replication_status": "SYNCED", "recoverability": map[string]any{"status": "UNRECOVERABLE", "reason": "no recovery point"}},
		}},
	}}
	c := f.client(t)
	ctx := context.Background()
	got, err := c.RecoveryPlanEntities(ctx, planFixture)
	if err != nil {
		t.Fatal(err)
	}
	want := []RecoveryPlanEntity{
		{Reference: Reference{Kind: "vm", UUID: vmDNS, Name: "dns-01"}, AvailabilityZoneUUID: caAZ, ProtectionStatus: "PROTECTED"},
		{Reference: Reference{Kind: "vm", UUID: vmApp, Name: "app-01"}, AvailabilityZoneUUID: caAZ, IsRecoveryPoint: true, ReplicationStatus: "SYNCED",
			Recoverability: "UNRECOVERABLE", RecoverabilityReason: "no recovery point"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entities:\n got %#v\nwant %#v", got, want)
	}
	f.entities = map[string]any{"entities_per_availability_zone_list": []any{}}
	if got, err := c.RecoveryPlanEntities(ctx, planFixture); err != nil || got == nil || len(got) != 0 {
		t.Errorf("no entities = %#v, %v", got, err)
	}
	if _, err := c.RecoveryPlanEntities(ctx, stageA); !errors.Is(err, ErrNotFound) {
		t.Errorf("entities of a missing plan: %v", err)
	}
}

// TestUpdateRecoveryPlanStageFollowsItsEntities swaps the stages and adds a
// VM to one, without stage uuids: each stage still takes the uuid and the
// unmodeled fields of the stage that shares the most entities with it.
func TestUpdateRecoveryPlanStageFollowsItsEntities(t *testing.T) {
	f, c, p := seededPlan(t)
	ctx := context.Background()
	p.Stages[0], p.Stages[1] = p.Stages[1], p.Stages[0]
	p.Stages[0].UUID, p.Stages[1].UUID = "", ""
	p.Stages[0].Entities = append(p.Stages[0].Entities, RecoveryEntity{VMUUID: vmDB})
	p.Stages[1].Entities = append([]RecoveryEntity{{VMUUID: "9d000000-0000-4000-8000-0000000000d9"}}, p.Stages[1].Entities...)
	if _, err := c.UpdateRecoveryPlan(ctx, *p); err != nil {
		t.Fatal(err)
	}
	stages, _ := subtree(f.lastPut(t), "spec.resources.stage_list").([]any)
	if len(stages) != 2 {
		t.Fatalf("stages sent: %v", stages)
	}
	for i, want := range []string{stageB, stageA} {
		st, _ := stages[i].(map[string]any)
		if st["stage_uuid"] != want {
			t.Errorf("stage %d sent as %s, want the uuid %s", i, jsonOf(t, st), want)
		}
	}
}
