package prismsim

import (
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// catEntity is an entity_info_list item selecting by categories.
func catEntity(cats map[string]string) map[string]any {
	return map[string]any{"categories": cats}
}

// vmEntity is an entity_info_list item naming a VM.
func vmEntity(uuid string) map[string]any {
	return map[string]any{"any_entity_reference": map[string]any{"kind": "vm", "uuid": uuid}}
}

// stage is a stage_list item.
func stage(delay int, entities ...map[string]any) map[string]any {
	list := make([]any, len(entities))
	for i, e := range entities {
		list[i] = e
	}
	return map[string]any{"delay_time_secs": delay,
		"stage_work": map[string]any{"recover_entities": map[string]any{"entity_info_list": list}}}
}

// network is a recovery_plan_network naming a VLAN subnet, with its gateway and prefix
// when gateway is not empty.
func network(name, gateway string, prefix int) map[string]any {
	n := map[string]any{"name": name}
	if gateway != "" {
		n["subnet_list"] = []any{map[string]any{"gateway_ip": gateway, "prefix_length": prefix}}
	}
	return n
}

// siteNetworks is an availability_zone_network_mapping_list item.
func siteNetworks(az string, recovery, test map[string]any) map[string]any {
	m := map[string]any{"availability_zone_url": az}
	if recovery != nil {
		m["recovery_network"] = recovery
	}
	if test != nil {
		m["test_network"] = test
	}
	return m
}

// prodTestMapping maps vlan50-prod (production) and vlan51-test (test) at both sites.
func (env *ruleEnv) prodTestMapping() map[string]any {
	return map[string]any{"are_networks_stretched": false, "availability_zone_network_mapping_list": []any{
		siteNetworks(env.caLocal, network("vlan50-prod", "192.168.50.1", 24), network("vlan51-test", "192.168.51.1", 25)),
		siteNetworks(env.caFR, network("vlan50-prod", "192.168.50.1", 24), network("vlan51-test", "192.168.51.1", 25)),
	}}
}

// planBody is a canada -> france plan with the given stages and network mappings.
func (env *ruleEnv) planBody(name string, stages []any, mappings ...any) map[string]any {
	params := map[string]any{
		"primary_location_index": 0,
		"availability_zone_list": []any{
			map[string]any{"availability_zone_url": env.caLocal},
			map[string]any{"availability_zone_url": env.caFR},
		},
	}
	if mappings != nil {
		params["network_mapping_list"] = mappings
	}
	return map[string]any{
		"metadata": map[string]any{"kind": "recovery_plan", "uuid": newUUID()},
		"spec": map[string]any{"name": name, "description": "plan " + name,
			"resources": map[string]any{"stage_list": stages, "parameters": params}},
	}
}

// params returns spec.resources.parameters of a plan body.
func params(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	return obj(t, get(body, "spec", "resources", "parameters"))
}

// createPlan creates a plan, waits for its task and returns the plan read back.
func (env *ruleEnv) createPlan(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	accepted := env.ca.accept(env.ca.v3("POST", "/recovery_plans", body))
	return expect(t, env.ca.v3("GET", "/recovery_plans/"+getString(accepted, "metadata", "uuid"), nil), 200).json(t)
}

// findings returns the message_list of a plan's status as "SEVERITY TYPE: message".
func findings(t *testing.T, plan map[string]any) []string {
	t.Helper()
	var out []string
	list, _ := get(plan, "status", "message_list").([]any)
	for _, m := range list {
		out = append(out, getString(m, "details", "severity")+" "+getString(m, "details", "validation_type")+": "+getString(m, "message"))
	}
	return out
}

func hasFinding(list []string, parts ...string) bool {
	for _, f := range list {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(f, p)
		}
		if all {
			return true
		}
	}
	return false
}

func (env *ruleEnv) vmUUID(t *testing.T, name string) string {
	t.Helper()
	return getString(env.ca.vmByName(name), "metadata", "uuid")
}

// stagedPlan is the seed's staged plan: the replicated-vm:from-canada VMs, then dns-01
// 30 seconds later, with production and test networks mapped at both sites.
func (env *ruleEnv) stagedPlan(t *testing.T, name string) map[string]any {
	return env.planBody(name, []any{
		stage(30, catEntity(map[string]string{"replicated-vm": "from-canada"})),
		stage(0, vmEntity(env.vmUUID(t, "dns-01"))),
	}, env.prodTestMapping())
}

func TestRecoveryPlanCRUDAndSync(t *testing.T) {
	env := newRuleEnv(t, nil)
	env.createRule(t, env.ca, noStartTime(t, env.ruleBody("hourly", schedule(3600, 2, 2))))
	plan := env.createPlan(t, env.stagedPlan(t, "rp-staged"))
	id := getString(plan, "metadata", "uuid")
	if s := getString(plan, "status", "state"); s != "COMPLETE" {
		t.Fatalf("state %s", s)
	}
	stages := arr(t, get(plan, "spec", "resources", "stage_list"))
	stageIDs := []string{getString(stages[0], "stage_uuid"), getString(stages[1], "stage_uuid")}
	if !isUUID(stageIDs[0]) || !isUUID(stageIDs[1]) || stageIDs[0] == stageIDs[1] {
		t.Fatalf("stages got no distinct stage_uuid: %v", stageIDs)
	}
	if d := getInt(t, stages[0], "delay_time_secs"); d != 30 {
		t.Errorf("delay_time_secs %d", d)
	}
	if got, want := mustJSON(get(plan, "status", "resources")), mustJSON(get(plan, "spec", "resources")); got != want {
		t.Errorf("status.resources differs from spec.resources:\n%s\n%s", got, want)
	}
	// dns-01 is in the plan but no protection rule replicates it to France.
	f := findings(t, plan)
	if !hasFinding(f, "WARNING ENTITY", "dns-01", "PC_192.168.0.10") || hasFinding(f, "WARNING ENTITY", "app-01") {
		t.Errorf("findings %v", f)
	}
	// Until the policy has replicated them, the plan says that its VMs have no recovery
	// point at the recovery site (a failover would fail); once they arrive, it no longer does.
	if !hasFinding(f, "WARNING RECOVERY_POINT", "app-01", "no recovery point at PC_192.168.0.10") ||
		!hasFinding(f, "WARNING RECOVERY_POINT", "db-01") || hasFinding(f, "RECOVERY_POINT", "dns-01") {
		t.Errorf("findings before the first recovery point %v", f)
	}
	env.w.Clock().Advance(2 * time.Hour)
	later := expect(t, env.fr.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if f := findings(t, later); hasFinding(f, "RECOVERY_POINT") {
		t.Errorf("findings once the recovery points arrived %v", f)
	}
	orders := arr(t, get(plan, "status", "recovery_availability_zone_order_list"))
	if len(orders) != 1 || getString(orders[0], "availability_zone_url") != env.caLocal ||
		getString(orders[0], "availability_zone_order_list", 0, "availability_zone_list", 1, "availability_zone_url") != env.caFR {
		t.Errorf("recovery_availability_zone_order_list %s", mustJSON(orders))
	}

	// France holds a copy with the same uuid, its own AZ URLs.
	cp := expect(t, env.fr.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if getInt(t, cp, "metadata", "spec_version") != 0 ||
		getString(cp, "spec", "resources", "parameters", "availability_zone_list", 0, "availability_zone_url") != env.frCA ||
		getString(cp, "spec", "resources", "parameters", "availability_zone_list", 1, "availability_zone_url") != env.frLocal ||
		getString(cp, "spec", "resources", "parameters", "network_mapping_list", 0, "availability_zone_network_mapping_list", 1, "availability_zone_url") != env.frLocal {
		t.Fatalf("copy on france: %s", mustJSON(cp["spec"]))
	}
	if getString(cp, "spec", "resources", "stage_list", 1, "stage_uuid") != stageIDs[1] {
		t.Error("the copy's stages have other uuids")
	}
	list := expect(t, env.fr.v3("POST", "/recovery_plans/list", map[string]any{"kind": "recovery_plan", "filter": "name==rp-staged"}), 200).json(t)
	if getInt(t, list, "metadata", "total_matches") != 1 {
		t.Errorf("france lists %s", mustJSON(list["metadata"]))
	}

	// An update without stage uuids keeps them (by position) and reaches the copy.
	spec := obj(t, plan["spec"])
	spec["description"] = "changed"
	for _, s := range arr(t, get(spec, "resources", "stage_list")) {
		delete(obj(t, s), "stage_uuid")
	}
	env.ca.accept(env.ca.v3("PUT", "/recovery_plans/"+id, map[string]any{"metadata": plan["metadata"], "spec": spec}))
	refuse(t, env.ca.v3("PUT", "/recovery_plans/"+id, map[string]any{"metadata": plan["metadata"], "spec": spec}), 409, reasonConcurrent)
	got := expect(t, env.ca.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if getString(got, "spec", "resources", "stage_list", 0, "stage_uuid") != stageIDs[0] {
		t.Error("stage_uuid changed on update")
	}
	cp = expect(t, env.fr.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if getString(cp, "spec", "description") != "changed" || getInt(t, cp, "metadata", "spec_version") != 1 {
		t.Errorf("copy not updated: %s %s", mustJSON(cp["metadata"]), getString(cp, "spec", "description"))
	}

	// The copy is a plan like any other: the seed guide ("Modification du plan de reprise
	// d'activité") swaps its source and destination on France after a planned failover.
	// The change reaches Canada, in Canada's own AZ URLs, at the same spec_version.
	env.fr.accept(env.fr.putBack("/recovery_plans/"+id, func(spec map[string]any) {
		azs := arr(t, get(spec, "resources", "parameters", "availability_zone_list"))
		azs[0], azs[1] = azs[1], azs[0]
		spec["description"] = "reversed on france"
	}))
	got = expect(t, env.ca.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if getString(got, "spec", "description") != "reversed on france" || getInt(t, got, "metadata", "spec_version") != 2 ||
		getString(got, "spec", "resources", "parameters", "availability_zone_list", 0, "availability_zone_url") != env.caFR ||
		getString(got, "spec", "resources", "parameters", "availability_zone_list", 1, "availability_zone_url") != env.caLocal ||
		getString(got, "spec", "resources", "parameters", "network_mapping_list", 0, "availability_zone_network_mapping_list", 1, "availability_zone_url") != env.caFR {
		t.Fatalf("canada after france's update: %s %s", mustJSON(got["metadata"]), mustJSON(got["spec"]))
	}
	if getString(got, "spec", "resources", "stage_list", 1, "stage_uuid") != stageIDs[1] {
		t.Error("france's update changed the stage uuids")
	}
	// The versions stay in step: canada's stale version is refused, the current one taken.
	refuse(t, env.ca.v3("PUT", "/recovery_plans/"+id, map[string]any{"metadata": plan["metadata"], "spec": spec}), 409, reasonConcurrent)

	// Deleted on france, gone on both.
	env.fr.accept(env.fr.v3("DELETE", "/recovery_plans/"+id, nil))
	refuse(t, env.ca.v3("GET", "/recovery_plans/"+id, nil), 404, reasonNotFound)
	refuse(t, env.fr.v3("GET", "/recovery_plans/"+id, nil), 404, reasonNotFound)
}

func TestRecoveryPlanEntities(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) { cfg.Settings.ReplicationDelay = Duration(time.Minute) })
	env.createRule(t, env.ca, noStartTime(t, env.ruleBody("hourly", schedule(3600, 2, 2))))
	plan := env.createPlan(t, env.stagedPlan(t, "rp"))
	id := getString(plan, "metadata", "uuid")
	env.w.Clock().Advance(2 * time.Minute) // the first recovery points reach France

	names := func(item any) []string {
		var out []string
		for _, e := range arr(t, get(item, "entity_list")) {
			out = append(out, getString(e, "any_entity_reference", "name")+map[bool]string{true: "(rp)", false: ""}[get(e, "is_recovery_point") == true])
		}
		return out
	}
	r := expect(t, env.ca.v3("GET", "/recovery_plans/"+id+"/entities", nil), 200).json(t)
	list := arr(t, r["entities_per_availability_zone_list"])
	if len(list) != 2 || getString(list[0], "availability_zone_url") != env.caLocal {
		t.Fatalf("entities: %s", mustJSON(r))
	}
	// Stage order: the category's VMs (inventory order), then dns-01.
	if got := strings.Join(names(list[0]), ","); got != "app-01,db-01,dns-01" {
		t.Errorf("canada entities %s", got)
	}
	if got := strings.Join(names(list[1]), ","); got != "app-01(rp),db-01(rp)" {
		t.Errorf("france entities %s", got)
	}
	for _, e := range arr(t, get(list[0], "entity_list")) {
		want := "PROTECTED"
		if getString(e, "any_entity_reference", "name") == "dns-01" {
			want = "UNPROTECTED"
		}
		if got := getString(e, "protection_status"); got != want {
			t.Errorf("%s: protection_status %s, want %s", getString(e, "any_entity_reference", "name"), got, want)
		}
	}
	if n := len(arr(t, get(list[0], "availability_zone_order_list"))); n != 1 {
		t.Errorf("%d availability zone orders", n)
	}
	// Recovery points taken after the reference time do not count.
	past := url.QueryEscape(env.w.Clock().Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	r = expect(t, env.ca.v3("GET", "/recovery_plans/"+id+"/entities?action_type=FAILOVER&recovery_reference_time="+past, nil), 200).json(t)
	if n := len(arr(t, get(r, "entities_per_availability_zone_list", 1, "entity_list"))); n != 0 {
		t.Errorf("%d entities at france before the first recovery point", n)
	}
	// France answers for its copy, with its own AZ URLs.
	r = expect(t, env.fr.v3("GET", "/recovery_plans/"+id+"/entities", nil), 200).json(t)
	if getString(r, "entities_per_availability_zone_list", 1, "availability_zone_url") != env.frLocal ||
		strings.Join(names(get(r, "entities_per_availability_zone_list", 1)), ",") != "app-01(rp),db-01(rp)" {
		t.Errorf("france: %s", mustJSON(r))
	}
	refuse(t, env.ca.v3("GET", "/recovery_plans/"+id+"/entities?action_type=EXPLODE", nil), 422, reasonValidation)
	refuse(t, env.ca.v3("GET", "/recovery_plans/"+newUUID()+"/entities", nil), 404, reasonNotFound)
}

func TestRecoveryPlanValidation(t *testing.T) {
	env := newRuleEnv(t, nil)
	app := env.vmUUID(t, "app-01")
	good := func() map[string]any { return env.stagedPlan(t, "rp-"+newUUID()[:8]) }
	mapping := func(b map[string]any, site int, kind string) map[string]any {
		return obj(t, get(params(t, b), "network_mapping_list", 0, "availability_zone_network_mapping_list", site, kind))
	}
	cases := []struct {
		name   string
		mutate func(b map[string]any)
		status int
		reason string
		parts  []string
	}{
		{"no name", func(b map[string]any) { delete(obj(t, b["spec"]), "name") }, 422, reasonValidation, []string{"spec.name"}},
		{"one location", func(b map[string]any) {
			p := params(t, b)
			p["availability_zone_list"] = arr(t, p["availability_zone_list"])[:1]
		}, 422, reasonValidation, []string{"exactly two"}},
		{"unknown availability zone", func(b map[string]any) {
			obj(t, get(params(t, b), "availability_zone_list", 1))["availability_zone_url"] = newUUID()
		}, 422, reasonInvalidArgument, []string{"availability_zone_list[1]", "not known"}},
		{"same location", func(b map[string]any) {
			obj(t, get(params(t, b), "availability_zone_list", 1))["availability_zone_url"] = env.caLocal
		}, 422, reasonInvalidArgument, []string{"cluster_reference_list"}},
		{"primary index", func(b map[string]any) { params(t, b)["primary_location_index"] = 2 }, 422, reasonInvalidArgument, []string{"primary_location_index"}},
		{"remote cluster", func(b map[string]any) {
			obj(t, get(params(t, b), "availability_zone_list", 1))["cluster_reference_list"] = []any{map[string]any{"kind": "cluster", "uuid": env.ca01}}
		}, 422, reasonInvalidArgument, []string{"not a cluster of availability zone PC_192.168.0.10"}},
		{"both selectors", func(b map[string]any) {
			e := obj(t, get(b, "spec", "resources", "stage_list", 0, "stage_work", "recover_entities", "entity_info_list", 0))
			e["any_entity_reference"] = map[string]any{"kind": "vm", "uuid": app}
		}, 422, reasonValidation, []string{"exactly one of categories and any_entity_reference"}},
		{"negative delay", func(b map[string]any) {
			obj(t, get(b, "spec", "resources", "stage_list", 0))["delay_time_secs"] = -1
		}, 422, reasonValidation, []string{"delay_time_secs"}},
		{"script without enable", func(b map[string]any) {
			e := obj(t, get(b, "spec", "resources", "stage_list", 1, "stage_work", "recover_entities", "entity_info_list", 0))
			e["script_list"] = []any{map[string]any{"timeout": 60}}
		}, 422, reasonValidation, []string{"enable_script_exec"}},
		{"unknown vm", func(b map[string]any) {
			obj(t, get(b, "spec", "resources", "stage_list", 1, "stage_work", "recover_entities", "entity_info_list", 0, "any_entity_reference"))["uuid"] = newUUID()
		}, 422, reasonInvalidArgument, []string{"does not exist at the plan's availability zones"}},
		{"vm twice", func(b map[string]any) {
			stages := arr(t, get(b, "spec", "resources", "stage_list"))
			obj(t, get(b, "spec", "resources"))["stage_list"] = append(stages, stage(0, vmEntity(env.vmUUID(t, "dns-01"))))
		}, 422, reasonInvalidArgument, []string{"recovered once"}},
		{"subnet missing at the recovery site", func(b map[string]any) {
			mapping(b, 1, "recovery_network")["name"] = "vlan99"
			delete(mapping(b, 1, "recovery_network"), "subnet_list")
		}, 422, reasonInvalidArgument, []string{"no subnet named \"vlan99\"", "PC_192.168.0.10"}},
		{"subnet missing at the primary site", func(b map[string]any) {
			mapping(b, 0, "test_network")["name"] = "vlan77"
			delete(mapping(b, 0, "test_network"), "subnet_list")
		}, 422, reasonInvalidArgument, []string{"test_network.name", "vlan77"}},
		{"gateway of another network", func(b map[string]any) {
			obj(t, get(mapping(b, 1, "recovery_network"), "subnet_list", 0))["gateway_ip"] = "10.0.0.1"
		}, 422, reasonInvalidArgument, []string{"does not match subnet vlan50-prod"}},
		{"bad prefix", func(b map[string]any) {
			obj(t, get(mapping(b, 1, "recovery_network"), "subnet_list", 0))["prefix_length"] = 33
		}, 422, reasonValidation, []string{"prefix_length"}},
		{"static IP outside", func(b map[string]any) {
			site := obj(t, get(params(t, b), "network_mapping_list", 0, "availability_zone_network_mapping_list", 1))
			site["recovery_ip_assignment_list"] = []any{map[string]any{"vm_reference": map[string]any{"kind": "vm", "uuid": app},
				"ip_config_list": []any{map[string]any{"ip_address": "192.168.60.10"}}}}
		}, 422, reasonInvalidArgument, []string{"outside the network 192.168.50.0/24"}},
		{"static IP is the gateway", func(b map[string]any) {
			site := obj(t, get(params(t, b), "network_mapping_list", 0, "availability_zone_network_mapping_list", 1))
			site["test_ip_assignment_list"] = []any{map[string]any{"vm_reference": map[string]any{"kind": "vm", "uuid": app},
				"ip_config_list": []any{map[string]any{"ip_address": "192.168.51.1"}}}}
		}, 422, reasonInvalidArgument, []string{"is the gateway of subnet vlan51-test"}},
		{"mapping outside the plan", func(b map[string]any) {
			obj(t, get(params(t, b), "network_mapping_list", 0, "availability_zone_network_mapping_list", 1))["availability_zone_url"] = env.frLocal
		}, 422, reasonInvalidArgument, []string{"not one of the plan's availability zones"}},
		{"witness without synchronous replication", func(b map[string]any) {
			params(t, b)["witness_configuration_list"] = []any{map[string]any{"witness_address": env.caFR, "witness_failover_timeout_secs": 30}}
		}, 422, reasonInvalidArgument, []string{"synchronous", "app-01, db-01, dns-01 are not"}},
		{"two witnesses", func(b map[string]any) {
			w := map[string]any{"witness_address": env.caFR}
			params(t, b)["witness_configuration_list"] = []any{w, w}
		}, 422, reasonValidation, []string{"at most one"}},
		{"cutover mode", func(b map[string]any) { params(t, b)["cutover_mode"] = "NOW" }, 422, reasonValidation, []string{"EARLY or LATE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := good()
			tc.mutate(b)
			r := refuse(t, env.ca.v3("POST", "/recovery_plans", b), tc.status, tc.reason)
			for _, p := range tc.parts {
				if !strings.Contains(r.message(t), p) {
					t.Errorf("message %q does not mention %q", r.message(t), p)
				}
			}
		})
	}
	list := expect(t, env.ca.v3("POST", "/recovery_plans/list", map[string]any{}), 200).json(t)
	if n := getInt(t, list, "metadata", "total_matches"); n != 0 {
		t.Fatalf("%d plans exist after refused requests", n)
	}
	// The same site twice with the same cluster is refused too.
	b := good()
	for i := range 2 {
		az := obj(t, get(params(t, b), "availability_zone_list", i))
		az["availability_zone_url"] = env.caLocal
		az["cluster_reference_list"] = []any{map[string]any{"kind": "cluster", "uuid": env.ca01}}
	}
	refuse(t, env.ca.v3("POST", "/recovery_plans", b), 422, reasonInvalidArgument)

	// A location whose PC is down refuses a create.
	if err := env.w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	refuse(t, env.ca.v3("POST", "/recovery_plans", good()), 422, reasonRemoteNotConnected)
	if err := env.w.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	env.createPlan(t, good())
}

func TestRecoveryPlanNeedsDR(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	refuse(t, c.v3("POST", "/recovery_plans", map[string]any{"metadata": map[string]any{"kind": "recovery_plan"},
		"spec": map[string]any{"name": "x", "resources": map[string]any{}}}), 422, reasonDRDisabled)
}

func TestRecoveryPlanWitness(t *testing.T) {
	env := newRuleEnv(t, nil)
	sync := env.createRule(t, env.ca, noStartTime(t, env.ruleBody("sync", map[string]any{"recovery_point_objective_secs": 0})))
	body := env.planBody("rp-witness", []any{stage(0, catEntity(map[string]string{"replicated-vm": "from-canada"}))}, env.prodTestMapping())
	params(t, body)["witness_configuration_list"] = []any{map[string]any{"witness_address": env.caFR, "witness_failover_timeout_secs": 30}}
	plan := env.createPlan(t, body)
	id := getString(plan, "metadata", "uuid")
	if f := findings(t, plan); hasFinding(f, "ERROR") {
		t.Errorf("findings %v", f)
	}
	r := expect(t, env.ca.v3("GET", "/recovery_plans/"+id+"/entities", nil), 200).json(t)
	for _, e := range arr(t, get(r, "entities_per_availability_zone_list", 0, "entity_list")) {
		if getString(e, "replication_status") != "SYNCED" || getString(e, "recoverability", "status") != "RECOVERABLE" {
			t.Errorf("entity %s", mustJSON(e))
		}
	}
	// The copy on France names its own AZ of the witness.
	cp := expect(t, env.fr.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if w := getString(cp, "spec", "resources", "parameters", "witness_configuration_list", 0, "witness_address"); w != env.frLocal {
		t.Errorf("witness_address on france %s, want %s", w, env.frLocal)
	}
	// Adding dns-01, which is not replicated synchronously, is refused.
	refuse(t, env.ca.putBack("/recovery_plans/"+id, func(spec map[string]any) {
		stages := arr(t, get(spec, "resources", "stage_list"))
		obj(t, spec["resources"])["stage_list"] = append(stages, stage(0, vmEntity(env.vmUUID(t, "dns-01"))))
	}), 422, reasonInvalidArgument)
	// Without the synchronous rule the plan reports that its witness cannot act.
	env.ca.accept(env.ca.v3("DELETE", "/protection_rules/"+sync, nil))
	plan = expect(t, env.ca.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if f := findings(t, plan); !hasFinding(f, "ERROR ENTITY", "witness", "app-01, db-01") || !hasFinding(f, "WARNING ENTITY", "app-01", "not protected") {
		t.Errorf("findings %v", f)
	}
	if orders := arr(t, get(plan, "status", "recovery_availability_zone_order_list", 0, "availability_zone_order_list")); len(orders) != 0 {
		t.Errorf("orders without rules: %s", mustJSON(orders))
	}
}

func TestRecoveryPlanNetworkFindings(t *testing.T) {
	env := newRuleEnv(t, nil)
	env.createRule(t, env.ca, noStartTime(t, env.ruleBody("hourly", schedule(3600, 2, 2))))
	stages := []any{stage(0, catEntity(map[string]string{"replicated-vm": "from-canada"}))}
	// No mapping at all: the VMs' network is not mapped.
	plan := env.createPlan(t, env.planBody("rp-nomap", stages))
	if f := findings(t, plan); !hasFinding(f, "WARNING NETWORK", "app-01", "vlan50-prod") {
		t.Errorf("findings %v", f)
	}
	// A mapping for Canada only, and the same network for production and test.
	half := map[string]any{"availability_zone_network_mapping_list": []any{
		siteNetworks(env.caLocal, network("vlan50-prod", "", 0), network("vlan50-prod", "", 0)),
	}}
	plan = env.createPlan(t, env.planBody("rp-half", stages, half))
	f := findings(t, plan)
	if !hasFinding(f, "WARNING NETWORK", "no production network at availability zone PC_192.168.0.10") ||
		!hasFinding(f, "WARNING NETWORK", "both the production and the test network") {
		t.Errorf("findings %v", f)
	}
	// A complete mapping has no network finding.
	plan = env.createPlan(t, env.planBody("rp-full", stages, env.prodTestMapping()))
	if f := findings(t, plan); hasFinding(f, "NETWORK") || len(f) != 2 || !hasFinding(f, "RECOVERY_POINT") {
		t.Errorf("findings %v", f)
	}
}

func TestRecoveryPlanKeepsItsReferences(t *testing.T) {
	env := newRuleEnv(t, nil)
	subnetID := func(c *apiClient, name string) string {
		r := expect(t, c.v3("POST", "/subnets/list", map[string]any{"filter": "name==" + name}), 200).json(t)
		return getString(r, "entities", 0, "metadata", "uuid")
	}
	body := env.planBody("rp-refs", []any{stage(0, catEntity(map[string]string{"replicated-vm": "sync"}))}, env.prodTestMapping())
	plan := env.createPlan(t, body)
	id := getString(plan, "metadata", "uuid")
	for _, c := range []*apiClient{env.ca, env.fr} {
		r := refuse(t, c.v3("DELETE", "/subnets/"+subnetID(c, "vlan51-test"), nil), 409, reasonDeletionFailed)
		if !strings.Contains(r.message(t), "recovery_plan rp-refs") {
			t.Errorf("message %q", r.message(t))
		}
	}
	r := refuse(t, env.ca.v3("DELETE", "/categories/replicated-vm/sync", nil), 409, reasonDeletionFailed)
	if !strings.Contains(r.message(t), "rp-refs") {
		t.Errorf("message %q", r.message(t))
	}
	env.ca.accept(env.ca.v3("DELETE", "/recovery_plans/"+id, nil))
	env.fr.accept(env.fr.v3("DELETE", "/subnets/"+subnetID(env.fr, "vlan51-test"), nil))
	expect(t, env.ca.v3("DELETE", "/categories/replicated-vm/sync", nil), 200)
}

func TestRecoveryPlanVPCNetwork(t *testing.T) {
	env := newRuleEnv(t, nil)
	vpc := newUUID()
	env.fr.accept(env.fr.v3("POST", "/vpcs", map[string]any{"metadata": map[string]any{"kind": "vpc", "uuid": vpc},
		"spec": map[string]any{"name": "dr-vpc", "resources": map[string]any{}}}))
	overlay := newUUID()
	env.fr.accept(env.fr.v3("POST", "/subnets", map[string]any{"metadata": map[string]any{"kind": "subnet", "uuid": overlay},
		"spec": map[string]any{"name": "ovl-app", "resources": map[string]any{
			"subnet_type":   "OVERLAY",
			"vpc_reference": map[string]any{"kind": "vpc", "uuid": vpc},
			"ip_config":     map[string]any{"subnet_ip": "10.10.0.0", "prefix_length": 24, "default_gateway_ip": "10.10.0.1"},
		}}}))
	vpcNet := func(name string) map[string]any {
		return map[string]any{"name": name, "use_vpc_reference": true, "vpc_reference": map[string]any{"kind": "vpc", "uuid": vpc}}
	}
	mapping := func(name string) map[string]any {
		return map[string]any{"availability_zone_network_mapping_list": []any{
			siteNetworks(env.caLocal, network("vlan50-prod", "", 0), nil),
			siteNetworks(env.caFR, vpcNet(name), nil),
		}}
	}
	stages := []any{stage(0, catEntity(map[string]string{"replicated-vm": "from-canada"}))}
	// vlan50-prod exists at France, but not in the VPC.
	r := refuse(t, env.ca.v3("POST", "/recovery_plans", env.planBody("rp-vpc", stages, mapping("vlan50-prod"))), 422, reasonInvalidArgument)
	if !strings.Contains(r.message(t), "vpc dr-vpc") {
		t.Errorf("message %q", r.message(t))
	}
	plan := env.createPlan(t, env.planBody("rp-vpc", stages, mapping("ovl-app")))
	refuse(t, env.fr.v3("DELETE", "/subnets/"+overlay, nil), 409, reasonDeletionFailed)
	r = refuse(t, env.fr.v3("DELETE", "/vpcs/"+vpc, nil), 409, reasonDeletionFailed)
	if !strings.Contains(r.message(t), "rp-vpc") {
		t.Errorf("message %q", r.message(t))
	}
	env.ca.accept(env.ca.v3("DELETE", "/recovery_plans/"+getString(plan, "metadata", "uuid"), nil))
	env.fr.accept(env.fr.v3("DELETE", "/subnets/"+overlay, nil))
}

func TestRecoveryPlanReportsLostReferences(t *testing.T) {
	env := newRuleEnv(t, nil)
	plan := env.createPlan(t, env.stagedPlan(t, "rp-lost"))
	id := getString(plan, "metadata", "uuid")
	// A VM the plan names may be deleted; the plan reports it.
	env.ca.accept(env.ca.v3("DELETE", "/vms/"+env.vmUUID(t, "dns-01"), nil))
	plan = expect(t, env.ca.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if f := findings(t, plan); !hasFinding(f, "ERROR ENTITY", "of stage 2 does not exist") {
		t.Errorf("findings %v", f)
	}
	if err := env.w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	plan = expect(t, env.ca.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if f := findings(t, plan); !hasFinding(f, "WARNING CONNECTIVITY", "PC_192.168.0.10 is unreachable") {
		t.Errorf("findings %v", f)
	}
	if err := env.w.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	trusts := expect(t, env.ca.v3("POST", "/cloud_trusts/list", map[string]any{}), 200).json(t)
	env.ca.accept(env.ca.v3("DELETE", "/cloud_trusts/"+getString(trusts, "entities", 0, "metadata", "uuid"), nil))
	plan = expect(t, env.ca.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if f := findings(t, plan); !hasFinding(f, "ERROR INFRASTRUCTURE", env.caFR, "not known") {
		t.Errorf("findings %v", f)
	}
}

// TestRecoveryPlanMapNetwork checks the network lookup failover builds on: entries that
// name the VM's cluster win over the site's default entry.
func TestRecoveryPlanMapNetwork(t *testing.T) {
	spec := decodePlanSpec([]byte(`{"name":"p","resources":{"parameters":{
	  "availability_zone_list":[{"availability_zone_url":"az-a"},{"availability_zone_url":"az-b"}],
	  "network_mapping_list":[
	    {"availability_zone_network_mapping_list":[
	      {"availability_zone_url":"az-a","recovery_network":{"name":"prod"}},
	      {"availability_zone_url":"az-b","recovery_network":{"name":"prod-b"},"test_network":{"name":"test-b"},
	       "recovery_ip_assignment_list":[{"vm_reference":{"kind":"vm","uuid":"VM1"},"ip_config_list":[{"ip_address":"10.0.0.5"}]}]}]},
	    {"availability_zone_network_mapping_list":[
	      {"availability_zone_url":"az-a","cluster_reference_list":[{"kind":"cluster","uuid":"c2"}],"recovery_network":{"name":"prod"}},
	      {"availability_zone_url":"az-b","recovery_network":{"name":"prod-c2"}}]}]}}}`))
	sites := map[string]string{"az-a": "a", "az-b": "b"}
	p := resolvePlan("id", "p", spec, func(u string) string { return sites[u] })
	for cluster, want := range map[string]string{"c1": "prod-b", "c2": "prod-c2"} {
		m, ok := p.mapNetwork("a", cluster, "prod", "b", "")
		if !ok || m.target.network(false).name != want || m.source.recovery.name != "prod" {
			t.Errorf("cluster %s: ok %v, mapping %+v", cluster, ok, m)
		}
	}
	m, _ := p.mapNetwork("a", "c1", "prod", "b", "")
	dst := m.target
	if dst.network(true).name != "test-b" || strings.Join(dst.staticIPs("vm1", false), ",") != "10.0.0.5" || dst.staticIPs("vm1", true) != nil {
		t.Errorf("test network %v, static IPs %v", dst.network(true), dst.staticIPs("vm1", false))
	}
	if _, ok := p.mapNetwork("a", "c1", "other", "b", ""); ok {
		t.Error("an unmapped network was mapped")
	}
	if p.primaryAZ().site != "a" || p.recoveryAZ().site != "b" {
		t.Errorf("primary %+v, recovery %+v", p.primaryAZ(), p.recoveryAZ())
	}
}

// recoveryPlanRoutes are the routes of recovery plans.
func recoveryPlanRoutes() []string {
	var out []string
	for _, rt := range Routes() {
		if strings.Contains(rt, "/recovery_plans") {
			out = append(out, rt)
		}
	}
	return out
}

func TestRecoveryPlanRoutes(t *testing.T) {
	doc := loadSwagger(t)
	want := []string{
		"POST /api/nutanix/v3/recovery_plans",
		"GET /api/nutanix/v3/recovery_plans/{uuid}",
		"PUT /api/nutanix/v3/recovery_plans/{uuid}",
		"DELETE /api/nutanix/v3/recovery_plans/{uuid}",
		"POST /api/nutanix/v3/recovery_plans/list",
		"GET /api/nutanix/v3/recovery_plans/{uuid}/entities",
	}
	got := recoveryPlanRoutes()
	if strings.Join(got, "\n") != strings.Join(sortedCopy(want), "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(sortedCopy(want), "\n"))
	}
	for _, rt := range want {
		method, template, _ := strings.Cut(rt, " ")
		if _, ok := doc.Paths[strings.TrimPrefix(template, v3Prefix)][strings.ToLower(method)]; !ok {
			t.Errorf("%s is not in the spec", rt)
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// exerciseRecoveryPlanRoutes drives every recovery plan route of canada (and the copy on
// france) with answers of every kind (200, 202, 404, 409, 422). It enables disaster
// recovery and pairs the two PCs when they are not yet, and deletes what it creates.
func exerciseRecoveryPlanRoutes(t *testing.T, w *World) {
	t.Helper()
	c, fr := newClient(t, w.PC("canada")), newClient(t, w.PC("france"))
	for _, cl := range []*apiClient{c, fr} {
		if !cl.pc.DREnabled() {
			cl.enableDR()
		}
	}
	france := w.PC("france")
	if _, paired := c.azs()["PC_"+france.AdvertisedIP()]; !paired {
		c.mustPair(france)
	}
	caAZ := c.azs()
	env := &ruleEnv{w: w, ca: c, fr: fr,
		caLocal: getString(caAZ[localAZName], "metadata", "uuid"),
		caFR:    getString(caAZ["PC_"+france.AdvertisedIP()], "metadata", "uuid")}
	body := env.planBody("rp-spec", []any{
		stage(10, catEntity(map[string]string{"Environment": "Production"})),
		stage(0, vmEntity(getString(c.vmByName("dns-01"), "metadata", "uuid"))),
	}, env.prodTestMapping())
	params(t, body)["cutover_mode"] = "LATE"
	id := getString(body, "metadata", "uuid")
	bad := env.planBody("rp-bad", []any{stage(-1, vmEntity(newUUID()))})
	c.v3("POST", "/recovery_plans", bad)
	c.accept(c.v3("POST", "/recovery_plans", body))
	c.v3("POST", "/recovery_plans", body)
	got := c.v3("GET", "/recovery_plans/"+id, nil).json(t)
	c.v3("GET", "/recovery_plans/"+newUUID(), nil)
	c.v3("POST", "/recovery_plans/list", map[string]any{"kind": "recovery_plan"})
	c.v3("POST", "/recovery_plans/list", map[string]any{"filter": "nope==1"})
	c.accept(c.v3("PUT", "/recovery_plans/"+id, map[string]any{"metadata": got["metadata"], "spec": got["spec"]}))
	c.v3("PUT", "/recovery_plans/"+id, map[string]any{"metadata": got["metadata"], "spec": got["spec"]})
	c.v3("PUT", "/recovery_plans/"+newUUID(), map[string]any{"metadata": map[string]any{"kind": "recovery_plan", "spec_version": 0}, "spec": got["spec"]})
	c.v3("GET", "/recovery_plans/"+id+"/entities", nil)
	c.v3("GET", "/recovery_plans/"+id+"/entities?action_type=TEST_FAILOVER", nil)
	c.v3("GET", "/recovery_plans/"+id+"/entities?action_type=NOPE", nil)
	c.v3("GET", "/recovery_plans/"+newUUID()+"/entities", nil)
	fr.v3("GET", "/recovery_plans/"+id, nil)
	fr.v3("POST", "/recovery_plans/list", map[string]any{})
	fr.v3("GET", "/recovery_plans/"+id+"/entities", nil)
	c.v3("DELETE", "/recovery_plans/"+newUUID(), nil)
	fr.accept(fr.v3("DELETE", "/recovery_plans/"+id, nil)) // the copy: gone on both
	c.v3("GET", "/recovery_plans/"+id, nil)
}

// TestRecoveryPlanResponsesMatchSpec checks every answer of the recovery plan routes
// against the spec's schema, and that each route was exercised.
func TestRecoveryPlanResponsesMatchSpec(t *testing.T) {
	doc := loadSwagger(t)
	w := startWorld(t, nil)
	exchanges := recordExchanges(w, func() { exerciseRecoveryPlanRoutes(t, w) })
	served, statuses := checkAnswers(t, doc, exchangesOn(exchanges, "/recovery_plans"), false)
	for _, s := range []int{200, 202, 404, 409, 422} {
		if !statuses[s] {
			t.Errorf("no %d answer of a recovery plan route was checked", s)
		}
	}
	for _, rt := range recoveryPlanRoutes() {
		if !served[rt] {
			t.Errorf("route %s was not exercised", rt)
		}
	}
}
