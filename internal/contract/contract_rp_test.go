package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// Keys of env.dr set by the recovery plan steps.
const (
	rplanRule   = "protection rule of the recovery plans"
	rplanSeed   = "recovery plan seed-plan"
	rplanStaged = "recovery plan staged"
	rplanPath   = "/recovery_plans"
)

// rplanSteps are the recovery plan steps (issue 5): the seed's plan and a staged plan
// between the paired PCs, their copies on france, their entities, update, refusals and
// delete. They run while canada and france are paired, after the protection policy steps
// (which clean up after themselves), and set up the category and the policy they need.
func rplanSteps() []step {
	return []step{
		{"recovery plan VMs are protected", []string{"PUT /categories/{name}", "PUT /categories/{name}/{value}", "PUT /vms/{uuid}", "POST /protection_rules"}, rplanSetup},
		{"a recovery plan is created", []string{"POST /recovery_plans", "POST /tasks/poll | GET /tasks/{uuid}", "GET /recovery_plans/{uuid}"}, rplanCreate},
		{"a staged recovery plan with static IPs is created", []string{"POST /recovery_plans", "GET /recovery_plans/{uuid}"}, rplanCreateStaged},
		{"recovery plans are listed on both PCs", []string{"POST /recovery_plans/list"}, rplanList},
		{"the entities of a recovery plan are read", []string{"GET /recovery_plans/{uuid}/entities"}, rplanEntities},
		{"a recovery plan is updated", []string{"GET /recovery_plans/{uuid}", "PUT /recovery_plans/{uuid}", "POST /tasks/poll | GET /tasks/{uuid}"}, rplanUpdate},
		{"a stale recovery plan spec_version is refused", []string{"PUT /recovery_plans/{uuid}"}, rplanStale},
		{"the recovery plan copy on the paired PC is updated there", []string{"GET /recovery_plans/{uuid}", "PUT /recovery_plans/{uuid}", "POST /tasks/poll | GET /tasks/{uuid}"}, rplanCopyUpdated},
		{"a subnet a recovery plan maps is not deleted", []string{"DELETE /subnets/{uuid}"}, rplanSubnetInUse},
		{"invalid recovery plans are refused", []string{"POST /recovery_plans"}, rplanRefused},
		{"malformed recovery plan requests are refused", []string{"POST /recovery_plans", "POST /recovery_plans/list", "GET /recovery_plans/{uuid}/entities"}, rplanMalformed},
		{"missing recovery plans are not found", []string{"GET /recovery_plans/{uuid}", "DELETE /recovery_plans/{uuid}", "GET /recovery_plans/{uuid}/entities"}, rplanNotFound},
		{"recovery plans are deleted", []string{"DELETE /recovery_plans/{uuid}", "POST /tasks/poll | GET /tasks/{uuid}", "POST /recovery_plans/list"}, rplanDelete},
		{"recovery plan prerequisites are cleaned up", []string{"DELETE /protection_rules/{uuid}", "PUT /vms/{uuid}", "DELETE /categories/{name}/{value}", "DELETE /categories/{name}"}, rplanCleanup},
	}
}

func intp(v int) *int { return &v }

func rplanSetup(ctx context.Context, t *testing.T, e *env) {
	need(t, "the pairing of canada with france", e.dr[drTrust])
	need(t, "cluster FR01", e.dr[ppFR01])
	ppTagVMs(ctx, t, e)
	r, err := e.canada.CreateProtectionPolicy(ctx, ppSeedRule(e))
	if err != nil {
		t.Fatalf("CreateProtectionPolicy: %v", err)
	}
	e.dr[rplanRule] = r.UUID
}

// rplanNetworks returns the production and test networks of the preset.
func rplanNetworks() (prod, test *client.RecoveryNetwork) {
	return &client.RecoveryNetwork{Name: "vlan50-prod", Subnets: []client.RecoverySubnet{{GatewayIP: "192.168.50.1", PrefixLength: 24}}},
		&client.RecoveryNetwork{Name: "vlan51-test", Subnets: []client.RecoverySubnet{{GatewayIP: "192.168.51.1", PrefixLength: 25}}}
}

// rplanSeedPlan is the seed's plan: primary canada, recovery france, one stage with the
// replicated-vm:from-canada VMs powered on, vlan50-prod and vlan51-test on both sides.
func rplanSeedPlan(e *env) client.RecoveryPlan {
	caProd, caTest := rplanNetworks()
	frProd, frTest := rplanNetworks()
	return client.RecoveryPlan{
		Name:        "seed-plan",
		Description: "canada -> france",
		Stages: []client.RecoveryStage{{Entities: []client.RecoveryEntity{
			{Categories: map[string]string{ppCatKey: ppCatValue}, PowerState: client.PowerStateOn},
		}}},
		PrimaryLocationIndex: intp(0),
		AvailabilityZones:    []client.RecoveryPlanAZ{{AvailabilityZoneUUID: e.dr[drLocalCanada]}, {AvailabilityZoneUUID: e.dr[drRemoteAZ]}},
		NetworkMappings: []client.NetworkMapping{{PerAZ: []client.AZNetworkMapping{
			{AvailabilityZoneUUID: e.dr[drLocalCanada], Recovery: caProd, Test: caTest},
			{AvailabilityZoneUUID: e.dr[drRemoteAZ], Recovery: frProd, Test: frTest},
		}}},
	}
}

// rplanStagedPlan starts dns-01 first, then after 30 s app-01 and db-01, with a script
// on dns-01 and static IPs for app-01 and db-01 in france.
func rplanStagedPlan(e *env) client.RecoveryPlan {
	p := rplanSeedPlan(e)
	p.Name, p.Description = "staged", "dns-01 first, then app-01 and db-01"
	p.Stages = []client.RecoveryStage{
		{DelaySecs: i64(30), Entities: []client.RecoveryEntity{{VMUUID: e.vms["dns-01"], Scripts: []client.RecoveryScript{{Enabled: true, TimeoutSecs: i64(120)}}}}},
		{Entities: []client.RecoveryEntity{{VMUUID: e.vms["app-01"]}, {VMUUID: e.vms["db-01"]}}},
	}
	fr := &p.NetworkMappings[0].PerAZ[1]
	fr.RecoveryIPs = []client.VMIPAssignment{{VMUUID: e.vms["app-01"], IPs: []string{"192.168.50.110"}}, {VMUUID: e.vms["db-01"], IPs: []string{"192.168.50.111"}}}
	fr.TestIPs = []client.VMIPAssignment{{VMUUID: e.vms["app-01"], IPs: []string{"192.168.51.110"}}}
	p.CutoverMode = client.CutoverLate
	return p
}

// rplanWant is what a created plan reads back as: in, with what the server computes.
func rplanWant(t *testing.T, in client.RecoveryPlan, got *client.RecoveryPlan) client.RecoveryPlan {
	t.Helper()
	want := in
	want.UUID, want.State, want.SpecVersion, want.Validation = got.UUID, got.State, got.SpecVersion, got.Validation
	want.Stages = slices.Clone(in.Stages)
	if len(got.Stages) != len(want.Stages) {
		t.Fatalf("%d stages read back, want %d", len(got.Stages), len(want.Stages))
	}
	for i := range want.Stages {
		if want.Stages[i].UUID == "" {
			want.Stages[i].UUID = got.Stages[i].UUID
		}
		if got.Stages[i].UUID == "" {
			t.Errorf("stage %d got no stage_uuid", i)
		}
	}
	return want
}

func rplanCreateAndCheck(ctx context.Context, t *testing.T, e *env, in client.RecoveryPlan, key string) {
	t.Helper()
	p, err := e.canada.CreateRecoveryPlan(ctx, in)
	if err != nil {
		t.Fatalf("CreateRecoveryPlan(%s): %v", in.Name, err)
	}
	e.dr[key] = p.UUID
	if want := rplanWant(t, in, p); !reflect.DeepEqual(*p, want) || p.State != "COMPLETE" {
		t.Errorf("the created plan reads back as\n%#v\nwant\n%#v", *p, want)
	}
	for _, m := range p.Validation {
		if m.Severity == client.PlanMessageError {
			t.Errorf("plan %s: error reported: %s", in.Name, m.Message)
		}
	}
}

func rplanCreate(ctx context.Context, t *testing.T, e *env) {
	need(t, "the protection rule of the plans", e.dr[rplanRule])
	rplanCreateAndCheck(ctx, t, e, rplanSeedPlan(e), rplanSeed)
}

func rplanCreateStaged(ctx context.Context, t *testing.T, e *env) {
	need(t, "the protection rule of the plans", e.dr[rplanRule])
	need(t, "the uuid of dns-01", e.vms["dns-01"])
	rplanCreateAndCheck(ctx, t, e, rplanStagedPlan(e), rplanStaged)
}

func rplanList(ctx context.Context, t *testing.T, e *env) {
	seed := need(t, "the seed plan", e.dr[rplanSeed])
	for name, c := range map[string]*client.Client{"canada": e.canada, "france": e.france} {
		all, err := c.ListRecoveryPlans(ctx, "")
		if err != nil {
			t.Fatalf("ListRecoveryPlans on %s: %v", name, err)
		}
		byName := map[string]client.RecoveryPlan{}
		for _, p := range all {
			byName[p.Name] = p
		}
		if got := byName["seed-plan"]; got.UUID != seed || len(got.Stages) != 1 || len(got.NetworkMappings) != 1 {
			t.Errorf("%s lists %+v, want the seed plan %s", name, all, seed)
		}
		if got := byName["staged"]; e.dr[rplanStaged] != "" && (got.UUID != e.dr[rplanStaged] || len(got.Stages) != 2) {
			t.Errorf("%s lists %+v, want the staged plan %s", name, all, e.dr[rplanStaged])
		}
	}
	fr, err := e.france.GetRecoveryPlan(ctx, seed)
	if err != nil {
		t.Fatalf("GetRecoveryPlan on france: %v", err)
	}
	if azs := fr.AvailabilityZones; len(azs) != 2 || azs[1].AvailabilityZoneUUID != e.dr[drLocalFrance] || azs[0].AvailabilityZoneUUID == e.dr[drLocalCanada] {
		t.Errorf("france's copy names zones %+v, want canada's zone on france then france's Local AZ %s", azs, e.dr[drLocalFrance])
	}
}

func rplanEntities(ctx context.Context, t *testing.T, e *env) {
	staged := need(t, "the staged plan", e.dr[rplanStaged])
	entities, err := e.canada.RecoveryPlanEntities(ctx, staged)
	if err != nil {
		t.Fatalf("RecoveryPlanEntities: %v", err)
	}
	var names []string
	for _, en := range entities {
		if en.AvailabilityZoneUUID == e.dr[drLocalCanada] && !en.IsRecoveryPoint {
			names = append(names, en.Name)
			if en.UUID != e.vms[en.Name] || en.Kind != "vm" {
				t.Errorf("entity %+v", en)
			}
		}
	}
	if len(names) != 3 || names[0] != "dns-01" {
		t.Errorf("live entities at canada = %v, want dns-01 first, then app-01 and db-01", names)
	}
	seed := need(t, "the seed plan", e.dr[rplanSeed])
	entities, err = e.france.RecoveryPlanEntities(ctx, seed)
	if err != nil {
		t.Fatalf("RecoveryPlanEntities on france: %v", err)
	}
	if len(entities) == 0 {
		t.Errorf("france reports no entity of the seed plan")
	}
}

// rplanBody reads a plan through the raw client and returns it without status.
func rplanBody(ctx context.Context, t *testing.T, e *env, id string) map[string]any {
	t.Helper()
	status, body, err := e.raw.do(ctx, http.MethodGet, rplanPath+"/"+id, nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET %s/%s: %d %v %s", rplanPath, id, status, err, truncate(body))
	}
	doc := object(t, body)
	delete(doc, "status")
	return doc
}

func rplanUpdate(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the staged plan", e.dr[rplanStaged])
	p, err := e.canada.GetRecoveryPlan(ctx, id)
	if err != nil {
		t.Fatalf("GetRecoveryPlan: %v", err)
	}
	p.Description = "updated"
	p.Stages[0].DelaySecs = i64(45)
	p.Stages[1].Entities[0], p.Stages[1].Entities[1] = p.Stages[1].Entities[1], p.Stages[1].Entities[0]
	p.NetworkMappings[0].PerAZ[1].TestIPs = nil
	got, err := e.canada.UpdateRecoveryPlan(ctx, *p)
	if err != nil {
		t.Fatalf("UpdateRecoveryPlan: %v", err)
	}
	want := *p
	want.SpecVersion, want.Validation = got.SpecVersion, got.Validation
	if got.SpecVersion <= p.SpecVersion || !reflect.DeepEqual(*got, want) {
		t.Errorf("updated plan = %#v\nwant %#v", *got, want)
	}
	doc := rplanBody(ctx, t, e, id)
	if ips := fmt.Sprint(walkJSON(doc, "spec", "resources", "parameters", "network_mapping_list", 0, "availability_zone_network_mapping_list", 1)); strings.Contains(ips, "test_ip_assignment_list") {
		t.Errorf("removed test IPs are still in the plan: %s", ips)
	}
	copyOnFrance, err := e.france.GetRecoveryPlan(ctx, id)
	if err != nil || copyOnFrance.Description != "updated" || copyOnFrance.SpecVersion != got.SpecVersion || !reflect.DeepEqual(copyOnFrance.Stages, got.Stages) {
		t.Errorf("france's copy after the update = %+v, %v", copyOnFrance, err)
	}
}

// walkJSON follows keys (strings into objects, ints into lists); nil when absent.
func walkJSON(v any, keys ...any) any {
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

func rplanStale(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the staged plan", e.dr[rplanStaged])
	doc := rplanBody(ctx, t, e, id)
	meta, _ := doc["metadata"].(map[string]any)
	sv, _ := meta["spec_version"].(json.Number)
	current, err := sv.Int64()
	if err != nil {
		t.Fatalf("spec_version %v: %v", meta["spec_version"], err)
	}
	meta["spec_version"] = current - 1
	status, body, err := e.raw.do(ctx, http.MethodPut, rplanPath+"/"+id, mustJSON(t, doc))
	if err != nil || status != http.StatusConflict {
		t.Fatalf("PUT with spec_version %d (current %d): %d %v %s, want 409", current-1, current, status, err, truncate(body))
	}
	if p, err := e.canada.GetRecoveryPlan(ctx, id); err != nil || int64(p.SpecVersion) != current {
		t.Errorf("the refused PUT changed the plan: %+v, %v", p, err)
	}
}

// rplanCopyUpdated updates the seed plan's copy on france, as the seed guide edits the
// synced plan on the destination PC: canada gets the change.
func rplanCopyUpdated(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the seed plan", e.dr[rplanSeed])
	p, err := e.france.GetRecoveryPlan(ctx, id)
	if err != nil {
		t.Fatalf("GetRecoveryPlan on france: %v", err)
	}
	p.Description = "changed on france"
	updated, err := e.france.UpdateRecoveryPlan(ctx, *p)
	if err != nil {
		t.Fatalf("updating the copy on france: %v", err)
	}
	if got, err := e.canada.GetRecoveryPlan(ctx, id); err != nil || got.Description != "changed on france" || got.SpecVersion != updated.SpecVersion {
		t.Errorf("the plan on canada after the update on france = %+v, %v", got, err)
	}
}

func rplanSubnetInUse(ctx context.Context, t *testing.T, e *env) {
	need(t, "the seed plan", e.dr[rplanSeed])
	subnets, err := e.france.ListSubnets(ctx, "name==vlan51-test")
	if err != nil || len(subnets) != 1 {
		t.Fatalf("vlan51-test on france: %+v, %v", subnets, err)
	}
	wantAPIError(t, "deleting a subnet a plan maps", e.france.DeleteSubnet(ctx, subnets[0].UUID), "")
	if _, err := e.france.GetSubnet(ctx, subnets[0].UUID); err != nil {
		t.Errorf("the mapped subnet is gone: %v", err)
	}
}

func rplanRefused(ctx context.Context, t *testing.T, e *env) {
	need(t, "the seed plan", e.dr[rplanSeed])
	cases := []struct {
		what   string
		mutate func(*client.RecoveryPlan)
	}{
		{"an unknown availability zone", func(p *client.RecoveryPlan) { p.AvailabilityZones[1].AvailabilityZoneUUID = randomUUID(t) }},
		{"both locations in one zone without clusters", func(p *client.RecoveryPlan) {
			p.AvailabilityZones[1] = p.AvailabilityZones[0]
			p.NetworkMappings = nil
		}},
		{"a subnet that does not exist at the recovery site", func(p *client.RecoveryPlan) { p.NetworkMappings[0].PerAZ[1].Recovery.Name = "vlan99" }},
		{"a gateway outside the subnet", func(p *client.RecoveryPlan) {
			p.NetworkMappings[0].PerAZ[1].Recovery.Subnets = []client.RecoverySubnet{{GatewayIP: "10.0.0.1", PrefixLength: 24}}
		}},
		{"a static IP outside the network", func(p *client.RecoveryPlan) {
			p.NetworkMappings[0].PerAZ[1].RecoveryIPs = []client.VMIPAssignment{{VMUUID: e.vms["app-01"], IPs: []string{"192.168.51.20"}}}
		}},
		{"a VM that does not exist", func(p *client.RecoveryPlan) { p.Stages[0].Entities = []client.RecoveryEntity{{VMUUID: randomUUID(t)}} }},
		{"a witness without synchronous replication", func(p *client.RecoveryPlan) {
			p.Witnesses = []client.Witness{{Address: e.dr[drRemoteAZ], FailoverTimeoutSecs: 30}}
		}},
	}
	for _, c := range cases {
		p := rplanSeedPlan(e)
		p.Name = "refused"
		c.mutate(&p)
		got, err := e.canada.CreateRecoveryPlan(ctx, p)
		if got != nil {
			t.Errorf("%s: returned %+v", c.what, got)
		}
		var taskErr *client.TaskError
		if !errors.As(err, &taskErr) {
			wantAPIError(t, c.what, err, "")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "creating recovery plan refused") {
			t.Errorf("%s: error %q does not name the operation", c.what, err)
		}
	}
	if all, err := e.canada.ListRecoveryPlans(ctx, "name==refused"); err != nil || len(all) != 0 {
		t.Errorf("refused creates left plans: %+v, %v", all, err)
	}
}

func rplanMalformed(ctx context.Context, t *testing.T, e *env) {
	seed := need(t, "the seed plan", e.dr[rplanSeed])
	type badRequest struct{ what, method, path, body string }
	plan := func(spec string) string {
		return fmt.Sprintf(`{"api_version":"3.1","metadata":{"kind":"recovery_plan","uuid":%q},"spec":%s}`, randomUUID(t), spec)
	}
	params := fmt.Sprintf(`{"availability_zone_list":[{"availability_zone_url":%q},{"availability_zone_url":%q}]}`, e.dr[drLocalCanada], e.dr[drRemoteAZ])
	stage := func(entity string) string {
		return `[{"stage_work":{"recover_entities":{"entity_info_list":[` + entity + `]}}}]`
	}
	vm := fmt.Sprintf(`{"any_entity_reference":{"kind":"vm","uuid":%q}`, e.vms["app-01"])
	cases := []badRequest{
		{"a plan without spec", http.MethodPost, rplanPath, fmt.Sprintf(`{"metadata":{"kind":"recovery_plan","uuid":%q}}`, randomUUID(t))},
		{"a plan without name", http.MethodPost, rplanPath, plan(`{"resources":{"parameters":` + params + `}}`)},
		{"a plan without resources", http.MethodPost, rplanPath, plan(`{"name":"x"}`)},
		{"a plan name over 64 characters", http.MethodPost, rplanPath, plan(fmt.Sprintf(`{"name":%q,"resources":{"parameters":%s}}`, strings.Repeat("n", 65), params))},
		{"a stage without stage_work", http.MethodPost, rplanPath, plan(`{"name":"x","resources":{"stage_list":[{"delay_time_secs":5}],"parameters":` + params + `}}`)},
		{"a negative stage delay", http.MethodPost, rplanPath, plan(`{"name":"x","resources":{"stage_list":[{"delay_time_secs":-1,"stage_work":{"recover_entities":{"entity_info_list":[` + vm + `}]}}}],"parameters":` + params + `}}`)},
		{"a power state outside the enum", http.MethodPost, rplanPath, plan(`{"name":"x","resources":{"stage_list":` + stage(vm+`,"vm_power_state":"SUSPENDED"}`) + `,"parameters":` + params + `}}`)},
		{"a script without enable_script_exec", http.MethodPost, rplanPath, plan(`{"name":"x","resources":{"stage_list":` + stage(vm+`,"script_list":[{"timeout":10}]}`) + `,"parameters":` + params + `}}`)},
		{"a cutover mode outside the enum", http.MethodPost, rplanPath, plan(fmt.Sprintf(
			`{"name":"x","resources":{"parameters":{"availability_zone_list":[{"availability_zone_url":%q},{"availability_zone_url":%q}],"cutover_mode":"SOON"}}}`, e.dr[drLocalCanada], e.dr[drRemoteAZ]))},
		{"a subnet without prefix length", http.MethodPost, rplanPath, plan(fmt.Sprintf(
			`{"name":"x","resources":{"parameters":{"availability_zone_list":[{"availability_zone_url":%q},{"availability_zone_url":%q}],"network_mapping_list":[{"availability_zone_network_mapping_list":[{"availability_zone_url":%q,"recovery_network":{"name":"vlan50-prod","subnet_list":[{"gateway_ip":"192.168.50.1"}]}}]}]}}}`,
			e.dr[drLocalCanada], e.dr[drRemoteAZ], e.dr[drLocalCanada]))},
		{"a plan list of another kind", http.MethodPost, rplanPath + "/list", `{"kind":"vm"}`},
		{"entities for an action outside the enum", http.MethodGet, rplanPath + "/" + seed + "/entities?action_type=REBOOT", ""},
	}
	for _, c := range cases {
		path, _, _ := strings.Cut(c.path, "?")
		e.rec.ExpectInvalidRequest(c.method, apiBase+path)
		var body []byte
		if c.body != "" {
			body = []byte(c.body)
		}
		status, answer, err := e.raw.do(ctx, c.method, c.path, body)
		if err != nil {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		if status < 400 || status > 499 {
			t.Errorf("%s: %s %s answered %d, want 4xx: %s", c.what, c.method, c.path, status, truncate(answer))
		}
	}
	if all, err := e.canada.ListRecoveryPlans(ctx, ""); err != nil || len(all) != 2 {
		t.Errorf("malformed creates left plans: %+v, %v", all, err)
	}
}

func rplanNotFound(ctx context.Context, t *testing.T, e *env) {
	missing := randomUUID(t)
	_, err := e.canada.GetRecoveryPlan(ctx, missing)
	wantNotFound(t, "GetRecoveryPlan", err)
	wantNotFound(t, "DeleteRecoveryPlan", e.canada.DeleteRecoveryPlan(ctx, missing))
	_, err = e.canada.RecoveryPlanEntities(ctx, missing)
	wantNotFound(t, "RecoveryPlanEntities", err)
	_, err = e.canada.UpdateRecoveryPlan(ctx, client.RecoveryPlan{UUID: missing, Name: "x"})
	wantNotFound(t, "UpdateRecoveryPlan", err)
}

func rplanDelete(ctx context.Context, t *testing.T, e *env) {
	// The seed plan is deleted on france, the staged one on canada: a synced plan can be
	// deleted on either PC, and goes on both.
	for key, c := range map[string]*client.Client{rplanSeed: e.france, rplanStaged: e.canada} {
		id := need(t, key, e.dr[key])
		if err := c.DeleteRecoveryPlan(ctx, id); err != nil {
			t.Fatalf("DeleteRecoveryPlan(%s): %v", key, err)
		}
		_, err := e.canada.GetRecoveryPlan(ctx, id)
		wantNotFound(t, key+" after its delete", err)
		delete(e.dr, key)
	}
	for name, c := range map[string]*client.Client{"canada": e.canada, "france": e.france} {
		if all, err := c.ListRecoveryPlans(ctx, ""); err != nil || len(all) != 0 {
			t.Errorf("%s still lists %+v, %v", name, all, err)
		}
	}
}

func rplanCleanup(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the protection rule of the plans", e.dr[rplanRule])
	if err := e.canada.DeleteProtectionPolicy(ctx, id); err != nil {
		t.Errorf("DeleteProtectionPolicy: %v", err)
	}
	delete(e.dr, rplanRule)
	ppCleanup(ctx, t, e)
}
