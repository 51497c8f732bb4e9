package prismsim

import (
	"testing"
)

// TestPlanWithEmptyStage: the spec requires entity_info_list but not that it lists
// anything; a plan with an empty stage is stored and reports it.
func TestPlanWithEmptyStage(t *testing.T) {
	env := newRuleEnv(t, nil)
	empty := map[string]any{"delay_time_secs": 0,
		"stage_work": map[string]any{"recover_entities": map[string]any{"entity_info_list": []any{}}}}
	plan := env.createPlan(t, env.planBody("empty-stage", []any{
		stage(0, catEntity(map[string]string{"replicated-vm": "from-canada"})), empty,
	}, env.prodTestMapping()))
	if !hasFinding(findings(t, plan), "WARNING ENTITY", "stage 2 recovers no entity") {
		t.Fatalf("findings: %v", findings(t, plan))
	}
	// Left out, as the spec requires it: refused.
	body := env.planBody("no-list", []any{map[string]any{"stage_work": map[string]any{"recover_entities": map[string]any{}}}})
	refuse(t, env.ca.v3("POST", "/recovery_plans", body), 422, reasonValidation)
}

// TestScheduleZeroValues: what SDK-style clients send with every asynchronous schedule.
func TestScheduleZeroValues(t *testing.T) {
	env := newRuleEnv(t, nil)
	s := schedule(3600, 2, 2)
	s["auto_suspend_timeout_secs"] = 0
	s["remote_snapshot_retention_policy"] = map[string]any{"num_snapshots": 2,
		"rollup_retention_policy": map[string]any{"multiple": 0, "snapshot_interval_type": ""}}
	id := env.createRule(t, env.ca, env.ruleBody("zero-values", s))
	r := expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	if getInt(t, r, "spec", "resources", "availability_zone_connectivity_list", 0, "snapshot_schedule_list", 0, "auto_suspend_timeout_secs") != 0 {
		t.Fatalf("the spec is not kept as sent: %s", mustJSON(r["spec"]))
	}
}
