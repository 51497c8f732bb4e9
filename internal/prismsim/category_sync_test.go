package prismsim

import (
	"strings"
	"testing"
	"time"
)

// onCanadaOnly keeps the replicated-vm category on canada only, as the seed guide
// creates it; france has a key of its own, "tier", with the value "gold".
func onCanadaOnly(cfg *WorldConfig) {
	for i := range cfg.PCs {
		if cfg.PCs[i].Name != "france" {
			continue
		}
		var kept []CategoryConfig
		for _, c := range cfg.PCs[i].Categories {
			if c.Name != "replicated-vm" {
				kept = append(kept, c)
			}
		}
		cfg.PCs[i].Categories = append(kept, CategoryConfig{Name: "tier", Description: "france's own", Values: []string{"gold"}})
	}
	for i := range cfg.PCs {
		if cfg.PCs[i].Name == "canada" {
			cfg.PCs[i].Categories = append(cfg.PCs[i].Categories,
				CategoryConfig{Name: "tier", Description: "canada's", Values: []string{"gold", "silver"}})
		}
	}
}

// TestCategorySync follows the seed guide: the category on canada only, a policy and a
// plan created on canada, and the planned failover run on france validates.
func TestCategorySync(t *testing.T) {
	env := newRuleEnv(t, onCanadaOnly)
	expect(t, env.fr.v3("GET", "/categories/replicated-vm", nil), 404)
	expect(t, env.ca.do("PUT", v3Prefix+"/categories/replicated-vm/from-canada",
		map[string]any{"value": "from-canada", "description": "replicated from canada"}), 200)

	body := bidirectional(t, noStartTime(t, env.ruleBody("ca-fr", schedule(3600, 2, 2))))
	filter := obj(t, get(body, "spec", "resources", "category_filter", "params"))
	filter["tier"] = []string{"gold", "silver"}
	rule := env.createRule(t, env.ca, body)

	// Created on france where missing, with canada's descriptions; not overwritten where present.
	v := expect(t, env.fr.v3("GET", "/categories/replicated-vm/from-canada", nil), 200).json(t)
	if getString(v, "description") != "replicated from canada" || get(v, "system_defined") != false {
		t.Fatalf("synced value: %s", mustJSON(v))
	}
	expect(t, env.fr.v3("GET", "/categories/replicated-vm/from-france", nil), 404) // not used: not synced
	if k := expect(t, env.fr.v3("GET", "/categories/tier", nil), 200).json(t); getString(k, "description") != "france's own" {
		t.Fatalf("france's key was overwritten: %s", mustJSON(k))
	}
	expect(t, env.fr.v3("GET", "/categories/tier/silver", nil), 200)

	// In use by the synced copy: refused on france like any value in use.
	r := env.fr.v3("DELETE", "/categories/replicated-vm/from-canada", nil)
	if r.status != 409 || r.reason(t) != reasonDeletionFailed || !strings.Contains(r.message(t), "protection_rule ca-fr") {
		t.Fatalf("delete of a value the synced policy uses: %d %s", r.status, r.body)
	}

	// The seed's plan, created on canada, synced to france, where the planned failover runs.
	plan := env.createPlan(t, env.planBody("seed", []any{
		stage(0, catEntity(map[string]string{"replicated-vm": "from-canada"})),
	}, env.prodTestMapping()))
	jobs := &jobEnv{ruleEnv: env, plan: getString(plan, "metadata", "uuid"), rule: rule}
	env.w.Clock().Advance(2 * time.Minute)
	job := waitJob(t, env.fr, startJob(t, env.fr, jobs.jobBody("MIGRATE")), nil)
	if jobStatusOf(job) != "COMPLETED" {
		t.Fatalf("planned failover: %s\nerrors: %v", jobStatusOf(job), messages(job, "errors_list"))
	}
	if vm := env.fr.vmByName("app-01"); getString(vm, "metadata", "categories", "replicated-vm") != "from-canada" {
		t.Fatalf("app-01 in france: %s", mustJSON(vm["metadata"]))
	}

	// The policy and plan go: the synced categories stay on france (in use by the VMs now).
	env.ca.accept(env.ca.v3("DELETE", "/recovery_plans/"+jobs.plan, nil))
	env.ca.accept(env.ca.v3("DELETE", "/protection_rules/"+rule, nil))
	expect(t, env.fr.v3("GET", "/categories/tier/silver", nil), 200)
	expect(t, env.fr.v3("DELETE", "/categories/tier/silver", nil), 200)
}

// TestPlanWithMissingCategory: a plan whose stage selects by a category this PC lacks is
// stored and reported (a WARNING finding), not refused; the finding goes once entity sync
// brings the category with a policy that uses it.
func TestPlanWithMissingCategory(t *testing.T) {
	env := newRuleEnv(t, onCanadaOnly)
	body := env.planBody("on-france", []any{stage(0, catEntity(map[string]string{"replicated-vm": "from-canada"}))}, env.prodTestMapping())
	p := params(t, body)
	p["availability_zone_list"] = []any{map[string]any{"availability_zone_url": env.frCA}, map[string]any{"availability_zone_url": env.frLocal}}
	for _, m := range arr(t, get(p, "network_mapping_list", 0, "availability_zone_network_mapping_list")) {
		az := obj(t, m)
		if az["availability_zone_url"] == env.caLocal {
			az["availability_zone_url"] = env.frCA
		} else {
			az["availability_zone_url"] = env.frLocal
		}
	}
	id := getString(env.fr.accept(env.fr.v3("POST", "/recovery_plans", body)), "metadata", "uuid")
	plan := expect(t, env.fr.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if !hasFinding(findings(t, plan), "WARNING ENTITY", "replicated-vm:from-canada", "does not exist") {
		t.Fatalf("findings: %v", findings(t, plan))
	}
	env.createRule(t, env.ca, env.ruleBody("ca-fr", schedule(3600, 2, 2)))
	plan = expect(t, env.fr.v3("GET", "/recovery_plans/"+id, nil), 200).json(t)
	if hasFinding(findings(t, plan), "does not exist") {
		t.Fatalf("findings after the sync: %v", findings(t, plan))
	}
}
