package prismsim

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// ruleEnv is a world with DR enabled and canada paired with france, VMs app-01 and db-01
// in category replicated-vm:from-canada.
type ruleEnv struct {
	w       *World
	ca, fr  *apiClient
	caLocal string // canada's Local AZ
	caFR    string // canada's AZ of france
	frLocal string // france's Local AZ
	frCA    string // france's AZ of canada
	ca01    string // cluster uuids
	fr01    string
}

func withRuleCategories(cfg *WorldConfig) {
	for i := range cfg.PCs {
		cfg.PCs[i].DREnabled = true
		cfg.PCs[i].Categories = append(cfg.PCs[i].Categories,
			CategoryConfig{Name: "replicated-vm", Values: []string{"from-canada", "from-france", "sync"}})
	}
	for i := range cfg.PCs[0].VMs {
		if name := cfg.PCs[0].VMs[i].Name; name == "app-01" || name == "db-01" {
			cfg.PCs[0].VMs[i].Categories = map[string]string{"replicated-vm": "from-canada"}
		}
	}
}

func newRuleEnv(t *testing.T, mutate func(*WorldConfig)) *ruleEnv {
	t.Helper()
	w := startWorld(t, func(cfg *WorldConfig) {
		withRuleCategories(cfg)
		if mutate != nil {
			mutate(cfg)
		}
	})
	env := &ruleEnv{w: w, ca: newClient(t, w.PC("canada")), fr: newClient(t, w.PC("france"))}
	env.ca.mustPair(w.PC("france"))
	caAZ, frAZ := env.ca.azs(), env.fr.azs()
	env.caLocal = getString(caAZ[localAZName], "metadata", "uuid")
	env.caFR = getString(caAZ["PC_"+w.PC("france").AdvertisedIP()], "metadata", "uuid")
	env.frLocal = getString(frAZ[localAZName], "metadata", "uuid")
	env.frCA = getString(frAZ["PC_"+w.PC("canada").AdvertisedIP()], "metadata", "uuid")
	env.ca01 = clusterUUID(t, env.ca, "CA01")
	env.fr01 = clusterUUID(t, env.fr, "FR01")
	return env
}

func clusterUUID(t *testing.T, c *apiClient, name string) string {
	t.Helper()
	r := expect(t, c.v3("POST", "/clusters/list", map[string]any{"filter": "name==" + name}), 200).json(t)
	return getString(r, "entities", 0, "metadata", "uuid")
}

// schedule is a snapshot_schedule_list item with linear retention (count 0: none).
func schedule(rpo int, local, remote int) map[string]any {
	s := map[string]any{"recovery_point_objective_secs": rpo, "snapshot_type": "CRASH_CONSISTENT"}
	if local > 0 {
		s["local_snapshot_retention_policy"] = map[string]any{"num_snapshots": local}
	}
	if remote > 0 {
		s["remote_snapshot_retention_policy"] = map[string]any{"num_snapshots": remote}
	}
	return s
}

// ruleBody is a canada -> france rule on replicated-vm:from-canada with the given schedules.
func (env *ruleEnv) ruleBody(name string, schedules ...map[string]any) map[string]any {
	list := make([]any, len(schedules))
	for i, s := range schedules {
		list[i] = s
	}
	return map[string]any{
		"metadata": map[string]any{"kind": "protection_rule", "uuid": newUUID()},
		"spec": map[string]any{
			"name": name,
			"resources": map[string]any{
				"start_time": "00h:00m",
				"ordered_availability_zone_list": []any{
					map[string]any{"availability_zone_url": env.caLocal, "cluster_uuid": env.ca01},
					map[string]any{"availability_zone_url": env.caFR, "cluster_uuid": env.fr01},
				},
				"availability_zone_connectivity_list": []any{map[string]any{
					"source_availability_zone_index": 0, "destination_availability_zone_index": 1,
					"snapshot_schedule_list": list,
				}},
				"category_filter": map[string]any{"type": "CATEGORIES_MATCH_ANY", "kind_list": []string{"vm"},
					"params": map[string]any{"replicated-vm": []string{"from-canada"}}},
			},
		},
	}
}

// noStartTime removes start_time: the first recovery points are taken at the commit.
func noStartTime(t *testing.T, body map[string]any) map[string]any {
	delete(obj(t, get(body, "spec", "resources")), "start_time")
	return body
}

// createRule creates a rule and waits for its task; it returns the rule's uuid.
func (env *ruleEnv) createRule(t *testing.T, c *apiClient, body map[string]any) string {
	t.Helper()
	r := expect(t, c.v3("POST", "/protection_rules", body), 202).json(t)
	task := c.waitTask(getString(r, "status", "execution_context", "task_uuid"))
	if getString(task, "status") != TaskSucceeded {
		t.Fatalf("create task: %s", mustJSON(task))
	}
	return getString(r, "metadata", "uuid")
}

// rps lists a PC's recovery points (all pages) with an optional filter.
func rps(t *testing.T, c *apiClient, filter string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for offset := 0; ; offset += 500 {
		r := expect(t, c.v3("POST", "/vm_recovery_points/list", map[string]any{
			"kind": "vm_recovery_point", "filter": filter, "length": 500, "offset": offset}), 200).json(t)
		ents := arr(t, r["entities"])
		for _, e := range ents {
			out = append(out, obj(t, e))
		}
		if len(ents) < 500 {
			return out
		}
	}
}

func countByVM(points []map[string]any) map[string]int {
	out := map[string]int{}
	for _, p := range points {
		out[getString(p, "spec", "resources", "parent_vm_reference", "name")]++
	}
	return out
}

func TestProtectionRuleValidation(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) {
		cfg.PCs = append(cfg.PCs, PCConfig{Name: "japan", AdvertisedIP: "192.168.20.10", DREnabled: true,
			Clusters: []ClusterConfig{{Name: "JP01"}}})
	})
	env.ca.mustPair(env.w.PC("japan"))
	caJP := getString(env.ca.azs()["PC_192.168.20.10"], "metadata", "uuid")
	set := func(path []string, v any) func(map[string]any) {
		return func(b map[string]any) {
			m := obj(t, get(b, "spec"))
			for _, p := range path[:len(path)-1] {
				next, ok := m[p].(map[string]any)
				if !ok {
					var idx int
					if _, err := fmt.Sscanf(p, "%d", &idx); err == nil {
						continue
					}
					t.Fatalf("no %s in %v", p, m)
				}
				m = next
			}
			if v == nil {
				delete(m, path[len(path)-1])
			} else {
				m[path[len(path)-1]] = v
			}
		}
	}
	loc := func(i int) func(b map[string]any) map[string]any {
		return func(b map[string]any) map[string]any {
			return obj(t, get(b, "spec", "resources", "ordered_availability_zone_list", i))
		}
	}
	conn := func(b map[string]any) map[string]any {
		return obj(t, get(b, "spec", "resources", "availability_zone_connectivity_list", 0))
	}
	sched := func(b map[string]any) map[string]any {
		return obj(t, get(b, "spec", "resources", "availability_zone_connectivity_list", 0, "snapshot_schedule_list", 0))
	}
	cases := []struct {
		name   string
		mutate func(map[string]any)
		status int
		reason string
	}{
		{"no name", set([]string{"name"}, nil), 422, reasonValidation},
		{"long name", set([]string{"name"}, strings.Repeat("n", 65)), 422, reasonValidation},
		{"bad start_time", set([]string{"resources", "start_time"}, "25h:00m"), 422, reasonValidation},
		{"unknown AZ", func(b map[string]any) { loc(1)(b)["availability_zone_url"] = newUUID() }, 422, reasonInvalidArgument},
		{"unknown local cluster", func(b map[string]any) { loc(0)(b)["cluster_uuid"] = newUUID() }, 422, reasonInvalidArgument},
		{"PC as cluster", func(b map[string]any) { loc(0)(b)["cluster_uuid"] = env.w.PC("canada").UUID() }, 422, reasonInvalidArgument},
		{"bad target type", func(b map[string]any) { loc(1)(b)["target_type"] = "TAPE" }, 422, reasonValidation},
		{"index out of range", func(b map[string]any) { conn(b)["destination_availability_zone_index"] = 2 }, 422, reasonInvalidArgument},
		{"same source and destination", func(b map[string]any) { conn(b)["destination_availability_zone_index"] = 0 }, 422, reasonInvalidArgument},
		{"primary index out of range", set([]string{"resources", "primary_location_list"}, []int{5}), 422, reasonInvalidArgument},
		{"no RPO", func(b map[string]any) { delete(sched(b), "recovery_point_objective_secs") }, 422, reasonValidation},
		{"RPO not whole minutes", func(b map[string]any) { sched(b)["recovery_point_objective_secs"] = 90 }, 422, reasonInvalidArgument},
		{"bad snapshot type", func(b map[string]any) { sched(b)["snapshot_type"] = "FUZZY" }, 422, reasonValidation},
		{"retention count negative", func(b map[string]any) {
			sched(b)["remote_snapshot_retention_policy"] = map[string]any{"num_snapshots": -1}
		}, 422, reasonValidation},
		{"retention both kinds", func(b map[string]any) {
			sched(b)["remote_snapshot_retention_policy"] = map[string]any{"num_snapshots": 2,
				"rollup_retention_policy": map[string]any{"multiple": 2, "snapshot_interval_type": "DAILY"}}
		}, 422, reasonValidation},
		{"rollup with odd RPO", func(b map[string]any) {
			sched(b)["recovery_point_objective_secs"] = 420
			sched(b)["remote_snapshot_retention_policy"] = map[string]any{
				"rollup_retention_policy": map[string]any{"multiple": 2, "snapshot_interval_type": "DAILY"}}
		}, 422, reasonInvalidArgument},
		{"RPO 0 with retention", func(b map[string]any) { sched(b)["recovery_point_objective_secs"] = 0 }, 422, reasonInvalidArgument},
		{"RPO 0 to MST", func(b map[string]any) {
			s := sched(b)
			s["recovery_point_objective_secs"] = 0
			delete(s, "local_snapshot_retention_policy")
			delete(s, "remote_snapshot_retention_policy")
			l := loc(1)(b)
			delete(l, "cluster_uuid")
			l["target_type"], l["recovery_point_repository_uuid"] = "MST", newUUID()
		}, 422, reasonInvalidArgument},
		{"MST as source", func(b map[string]any) {
			l := loc(0)(b)
			delete(l, "cluster_uuid")
			l["target_type"], l["recovery_point_repository_uuid"] = "MST", newUUID()
		}, 422, reasonInvalidArgument},
		{"MST without repository", func(b map[string]any) {
			l := loc(1)(b)
			delete(l, "cluster_uuid")
			l["target_type"] = "MST"
		}, 422, reasonValidation},
		{"MST linear over 36", func(b map[string]any) {
			l := loc(1)(b)
			delete(l, "cluster_uuid")
			l["target_type"], l["recovery_point_repository_uuid"] = "MST", newUUID()
			sched(b)["remote_snapshot_retention_policy"] = map[string]any{"num_snapshots": 37}
		}, 422, reasonInvalidArgument},
		{"unknown category value", set([]string{"resources", "category_filter", "params"},
			map[string]any{"replicated-vm": []string{"nowhere"}}), 422, reasonCategoryMismatch},
		{"no category filter", set([]string{"resources", "category_filter"}, nil), 422, reasonValidation},
		{"bad match type", func(b map[string]any) {
			obj(t, get(b, "spec", "resources", "category_filter"))["type"] = "SOME"
		}, 422, reasonValidation},
		{"three AZs without primary", func(b map[string]any) {
			res := obj(t, get(b, "spec", "resources"))
			res["ordered_availability_zone_list"] = append(arr(t, res["ordered_availability_zone_list"]),
				map[string]any{"availability_zone_url": caJP})
		}, 422, reasonValidation},
	}
	for _, tc := range cases {
		body := env.ruleBody("bad", schedule(3600, 2, 2))
		tc.mutate(body)
		r := env.ca.v3("POST", "/protection_rules", body)
		if r.status != tc.status || r.reason(t) != tc.reason {
			t.Errorf("%s: %d %s, want %d %s: %s", tc.name, r.status, r.reason(t), tc.status, tc.reason, r.body)
		}
	}
	if n := len(env.w.State().PCs["canada"].Entities["protection_rules"]); n != 0 {
		t.Fatalf("%d rules left by refused creates", n)
	}

	// A cluster of the remote location is checked on the remote PC: the task fails.
	body := env.ruleBody("remote-cluster", schedule(3600, 2, 2))
	loc(1)(body)["cluster_uuid"] = env.ca01
	r := expect(t, env.ca.v3("POST", "/protection_rules", body), 202).json(t)
	task := env.ca.waitTask(getString(r, "status", "execution_context", "task_uuid"))
	if getString(task, "status") != TaskFailed || getString(task, "error_code") != reasonInvalidArgument {
		t.Fatalf("remote cluster task: %s", mustJSON(task))
	}
	expect(t, env.ca.v3("GET", "/protection_rules/"+getString(r, "metadata", "uuid"), nil), 404)

	// A location whose PC is down cannot be used by a new rule.
	if err := env.w.SiteDown("japan"); err != nil {
		t.Fatal(err)
	}
	body = env.ruleBody("to-japan", schedule(3600, 2, 2))
	loc(1)(body)["availability_zone_url"] = caJP
	delete(loc(1)(body), "cluster_uuid")
	if r := env.ca.v3("POST", "/protection_rules", body); r.status != 422 || r.reason(t) != reasonRemoteNotConnected {
		t.Fatalf("rule to a down AZ: %d %s", r.status, r.body)
	}

	// Two synchronous rules cannot protect one VM.
	syncSched := map[string]any{"recovery_point_objective_secs": 0, "auto_suspend_timeout_secs": 60}
	env.createRule(t, env.ca, env.ruleBody("sync-1", syncSched))
	r2 := env.ca.v3("POST", "/protection_rules", env.ruleBody("sync-2", syncSched))
	if r2.status != 422 || r2.reason(t) != reasonInvalidArgument || !strings.Contains(r2.message(t), "synchronous") {
		t.Fatalf("overlapping synchronous rule: %d %s", r2.status, r2.body)
	}

	// Disaster recovery must be enabled.
	w2 := startWorld(t, nil)
	c2 := newClient(t, w2.PC("canada"))
	if r := c2.v3("POST", "/protection_rules", env.ruleBody("no-dr", schedule(3600, 2, 2))); r.status != 422 || r.reason(t) != reasonDRDisabled {
		t.Fatalf("rule without DR: %d %s", r.status, r.body)
	}
}

func TestAsyncReplicationArrivesAfterDelay(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) { cfg.Settings.ReplicationDelay = Duration(10 * time.Minute) })
	id := env.createRule(t, env.ca, noStartTime(t, env.ruleBody("ca-fr", schedule(3600, 2, 2))))

	local := rps(t, env.ca, "protection_rule_uuid=="+id)
	if got := countByVM(local); got["app-01"] != 1 || got["db-01"] != 1 || len(got) != 2 {
		t.Fatalf("local recovery points at creation: %v", got)
	}
	if n := len(rps(t, env.fr, "")); n != 0 {
		t.Fatalf("france has %d recovery points before the replication delay", n)
	}
	env.w.Clock().Advance(9 * time.Minute)
	if n := len(rps(t, env.fr, "")); n != 0 {
		t.Fatalf("france has %d recovery points before the replication delay", n)
	}
	env.w.Clock().Advance(2 * time.Minute)
	copies := rps(t, env.fr, "")
	if got := countByVM(copies); got["app-01"] != 1 || got["db-01"] != 1 {
		t.Fatalf("france after the delay: %v", got)
	}
	cp := copies[0]
	vmName := getString(cp, "spec", "resources", "parent_vm_reference", "name")
	var src map[string]any
	for _, p := range local {
		if getString(p, "spec", "resources", "parent_vm_reference", "name") == vmName {
			src = p
		}
	}
	for what, pair := range map[string][2]string{
		"availability zone":  {getString(cp, "status", "availability_zone_reference", "uuid"), env.frLocal},
		"source AZ":          {getString(cp, "spec", "resources", "source_availability_zone_reference", "uuid"), env.frCA},
		"cluster":            {getString(cp, "status", "cluster_reference", "uuid"), env.fr01},
		"source cluster":     {getString(cp, "spec", "resources", "source_cluster_reference", "uuid"), env.ca01},
		"rule":               {getString(cp, "status", "resources", "protection_rule_reference", "uuid"), id},
		"creation time":      {getString(cp, "spec", "resources", "creation_time"), getString(src, "spec", "resources", "creation_time")},
		"agnostic uuid":      {getString(cp, "spec", "resources", "vm_recovery_point_location_agnostic_uuid"), getString(src, "spec", "resources", "vm_recovery_point_location_agnostic_uuid")},
		"source VM":          {getString(cp, "spec", "resources", "parent_vm_reference", "uuid"), getString(src, "spec", "resources", "parent_vm_reference", "uuid")},
		"local AZ of source": {getString(src, "spec", "availability_zone_reference", "uuid"), env.caLocal},
		"type":               {getString(cp, "status", "resources", "recovery_point_type"), "CRASH_CONSISTENT"},
	} {
		if pair[0] != pair[1] || pair[0] == "" {
			t.Errorf("%s: %q, want %q", what, pair[0], pair[1])
		}
	}
	if getString(cp, "metadata", "uuid") == getString(src, "metadata", "uuid") {
		t.Error("a copy has the uuid of its source")
	}
	// GET on the PC it lives on, 404 elsewhere.
	g := expect(t, env.fr.v3("GET", "/vm_recovery_points/"+getString(cp, "metadata", "uuid"), nil), 200).json(t)
	if getString(g, "status", "name") != getString(cp, "status", "name") {
		t.Fatalf("GET: %s", mustJSON(g))
	}
	expect(t, env.ca.v3("GET", "/vm_recovery_points/"+getString(cp, "metadata", "uuid"), nil), 404)
	// Filters: by VM, by AZ, by source AZ.
	vmID := getString(cp, "spec", "resources", "parent_vm_reference", "uuid")
	if n := len(rps(t, env.fr, "vm_uuid=="+vmID)); n != 1 {
		t.Fatalf("filter by vm: %d", n)
	}
	if n := len(rps(t, env.fr, "availability_zone_uuid=="+env.frLocal+";source_availability_zone_uuid=="+env.frCA)); n != 2 {
		t.Fatalf("filter by AZ: %d", n)
	}
	if n := len(rps(t, env.fr, "availability_zone_uuid=="+env.caLocal)); n != 0 {
		t.Fatalf("filter by another AZ: %d", n)
	}
	// The rule's protected VMs and the VMs' protection type.
	q := expect(t, env.ca.v3("GET", "/protection_rules/"+id+"/query_entities", nil), 200).json(t)
	names := map[string]bool{}
	for _, e := range arr(t, q["entity_list"]) {
		names[getString(e, "vm_reference", "name")] = true
	}
	if len(names) != 2 || !names["app-01"] || !names["db-01"] {
		t.Fatalf("query_entities: %s", mustJSON(q))
	}
	if s := getString(env.ca.vmByName("app-01"), "status", "resources", "protection_type"); s != "RULE_PROTECTED" {
		t.Fatalf("app-01 protection_type %q", s)
	}
	if s := getString(env.ca.vmByName("dns-01"), "status", "resources", "protection_type"); s != "UNPROTECTED" {
		t.Fatalf("dns-01 protection_type %q", s)
	}
	st := env.w.State()
	if st.PCs["france"].RecoveryPoints.ByProtectionRule[id] != 2 || st.PCs["canada"].RecoveryPoints.Total != 2 {
		t.Fatalf("admin state counts: %+v / %+v", st.PCs["france"].RecoveryPoints, st.PCs["canada"].RecoveryPoints)
	}
	if rs := st.PCs["france"].ProtectionRules; len(rs) != 1 || rs[0].Owner != "canada" || rs[0].UUID != id {
		t.Fatalf("admin state rules on france: %+v", rs)
	}
}

func TestLinearRetention(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) { cfg.Settings.ReplicationDelay = Duration(20 * time.Second) })
	env.createRule(t, env.ca, noStartTime(t, env.ruleBody("linear", schedule(60, 3, 5))))
	env.w.Clock().Advance(time.Hour)
	if got := countByVM(rps(t, env.ca, "")); got["app-01"] != 3 || got["db-01"] != 3 {
		t.Fatalf("canada keeps %v, want 3 per VM", got)
	}
	copies := rps(t, env.fr, "vm_name==app-01")
	if len(copies) != 5 {
		t.Fatalf("france keeps %d of app-01, want 5", len(copies))
	}
	// The newest are kept, one RPO apart.
	var times []time.Time
	for _, p := range copies {
		ts, err := time.Parse(time.RFC3339, getString(p, "spec", "resources", "creation_time"))
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, ts)
	}
	for i := 1; i < len(times); i++ {
		if d := times[i].Sub(times[i-1]); d != time.Minute {
			t.Fatalf("copies %v apart, want 1m: %v", d, times)
		}
	}
	if age := env.w.Clock().Now().Sub(times[len(times)-1]); age > 2*time.Minute {
		t.Fatalf("newest copy is %v old", age)
	}
}

func TestRollupRetentionPrune(t *testing.T) {
	st := newPointStore()
	keep := retention{multiple: 3, unit: 24 * time.Hour}
	start := time.Date(2025, 1, 1, 0, 30, 0, 0, time.UTC)
	var last time.Time
	for i := 0; i < 24*6; i++ {
		last = start.Add(time.Duration(i) * time.Hour)
		st.add(&recoveryPoint{uuid: newUUID(), rule: "r", vmUUID: "v", created: last}, keep)
	}
	list := st.series[seriesKey{rule: "r", vm: "v"}]
	if len(list) != len(st.byID) {
		t.Fatalf("series %d, index %d", len(list), len(st.byID))
	}
	fine, days := 0, map[string]int{}
	for _, p := range list {
		age := last.Sub(p.created)
		switch {
		case age < 24*time.Hour:
			fine++
		case age < 72*time.Hour:
			days[p.created.Format("2006-01-02")]++
		default:
			t.Errorf("point of %s kept, older than 3 days", p.created)
		}
	}
	if fine != 24 {
		t.Errorf("%d points in the last day, want 24", fine)
	}
	if len(days) < 2 || len(days) > 3 {
		t.Errorf("older points on days %v, want 2 or 3 days", days)
	}
	for d, n := range days {
		if n != 1 {
			t.Errorf("%d points kept on %s, want 1", n, d)
		}
	}
}

func TestRollupRetention(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) { cfg.Settings.ReplicationDelay = Duration(time.Minute) })
	s := schedule(3600, 2, 0)
	s["remote_snapshot_retention_policy"] = map[string]any{
		"rollup_retention_policy": map[string]any{"multiple": 2, "snapshot_interval_type": "DAILY"}}
	env.createRule(t, env.ca, noStartTime(t, env.ruleBody("rollup", s)))
	env.w.Clock().Advance(5 * 24 * time.Hour)
	copies := rps(t, env.fr, "vm_name==app-01")
	now := env.w.Clock().Now()
	recent, older := 0, 0
	for _, p := range copies {
		ts, err := time.Parse(time.RFC3339, getString(p, "spec", "resources", "creation_time"))
		if err != nil {
			t.Fatal(err)
		}
		switch age := now.Sub(ts); {
		case age <= 25*time.Hour:
			recent++
		case age <= 49*time.Hour:
			older++
		default:
			t.Errorf("copy %s is %v old, beyond 2 days", ts, age)
		}
		if exp := getString(p, "spec", "resources", "expiration_time"); exp != formatTime(ts.Add(48*time.Hour)) {
			t.Errorf("expiration %s for a copy of %s", exp, ts)
		}
	}
	if recent < 23 || older < 1 || older > 2 {
		t.Fatalf("%d copies in the last day, %d older; want 24ish and 1-2", recent, older)
	}
	if n := len(rps(t, env.ca, "vm_name==app-01")); n != 2 {
		t.Fatalf("canada keeps %d local points, want 2", n)
	}
}

func TestSynchronousReplication(t *testing.T) {
	env := newRuleEnv(t, nil)
	id := env.createRule(t, env.ca, env.ruleBody("sync",
		map[string]any{"recovery_point_objective_secs": 0, "auto_suspend_timeout_secs": 120}))
	check := func(want time.Time) []map[string]any {
		t.Helper()
		points := rps(t, env.fr, "protection_rule_uuid=="+id)
		if got := countByVM(points); len(points) != 2 || got["app-01"] != 1 || got["db-01"] != 1 {
			t.Fatalf("synchronous replicas: %v", got)
		}
		for _, p := range points {
			ts, err := time.Parse(time.RFC3339, getString(p, "spec", "resources", "creation_time"))
			if err != nil {
				t.Fatal(err)
			}
			if d := want.Sub(ts); d < -2*time.Second || d > 2*time.Second {
				t.Fatalf("replica as of %s, want %s", ts, want)
			}
		}
		return points
	}
	first := check(env.w.Clock().Now())
	env.w.Clock().Advance(time.Hour)
	again := check(env.w.Clock().Now())
	if getString(first[0], "metadata", "uuid") != getString(again[0], "metadata", "uuid") {
		t.Fatal("a live replica changed uuid")
	}
	expect(t, env.fr.v3("GET", "/vm_recovery_points/"+getString(again[0], "metadata", "uuid"), nil), 200)
	if n := len(rps(t, env.ca, "")); n != 0 {
		t.Fatalf("a synchronous rule took %d local recovery points", n)
	}

	// The destination goes down: stalled, then suspended after auto_suspend_timeout.
	if err := env.w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	msg := func() string {
		r := expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
		return getString(r, "status", "message_list", 0, "message")
	}
	if m := msg(); !strings.Contains(m, "stalled") {
		t.Fatalf("message while france is down: %q", m)
	}
	env.w.Clock().Advance(3 * time.Minute)
	if m := msg(); !strings.Contains(m, "suspended") {
		t.Fatalf("message after auto_suspend_timeout: %q", m)
	}
	if rs := env.w.State().PCs["canada"].ProtectionRules; len(rs) != 1 || !rs[0].Suspended {
		t.Fatalf("admin state: %+v", rs)
	}
	if err := env.w.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	if m := msg(); m != "" {
		t.Fatalf("message after france is back: %q", m)
	}
	check(env.w.Clock().Now())

	// The source goes down: the replica stays as of the outage.
	downAt := env.w.Clock().Now()
	if err := env.w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	env.w.Clock().Advance(time.Hour)
	check(downAt)
}

func TestDownDestinationSuspendsAndResumes(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) { cfg.Settings.ReplicationDelay = Duration(time.Minute) })
	id := env.createRule(t, env.ca, noStartTime(t, env.ruleBody("ca-fr", schedule(600, 100, 100))))
	env.w.Clock().Advance(2 * time.Minute)
	if n := len(rps(t, env.fr, "vm_name==app-01")); n != 1 {
		t.Fatalf("france has %d of app-01 before the outage", n)
	}
	if err := env.w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	env.w.Clock().Advance(time.Hour)
	if n := len(rps(t, env.ca, "vm_name==app-01")); n != 7 {
		t.Fatalf("canada has %d of app-01, want 7 (one every 10 minutes)", n)
	}
	r := expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	if m := getString(r, "status", "message_list", 0, "message"); !strings.Contains(m, "suspended") || !strings.Contains(m, "12 recovery point") {
		t.Fatalf("status while france is down: %s", mustJSON(r["status"]))
	}
	if err := env.w.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	if n := len(rps(t, env.fr, "vm_name==app-01")); n != 1 {
		t.Fatalf("france has %d of app-01 right after coming back, want 1 (the rest arrive after the delay)", n)
	}
	env.w.Clock().Advance(90 * time.Second)
	if n := len(rps(t, env.fr, "vm_name==app-01")); n != 7 {
		t.Fatalf("france has %d of app-01 after resuming, want 7", n)
	}
	if m := getString(expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t), "status", "message_list"); m != "" {
		t.Fatalf("message after resuming: %v", m)
	}

	// A source that is down takes no recovery points.
	before := env.w.PC("canada").RecoveryPointStats().Total
	if err := env.w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	env.w.Clock().Advance(time.Hour)
	if after := env.w.PC("canada").RecoveryPointStats().Total; after != before {
		t.Fatalf("canada took recovery points while down: %d -> %d", before, after)
	}
}

func TestRuleSyncedToPairedPC(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) { cfg.Settings.ReplicationDelay = Duration(time.Minute) })
	body := noStartTime(t, env.ruleBody("ca-fr", schedule(3600, 2, 2)))
	// France -> Canada for failback, in the same rule.
	res := obj(t, get(body, "spec", "resources"))
	res["availability_zone_connectivity_list"] = append(arr(t, res["availability_zone_connectivity_list"]),
		map[string]any{"source_availability_zone_index": 1, "destination_availability_zone_index": 0,
			"snapshot_schedule_list": []any{schedule(3600, 2, 2)}})
	id := env.createRule(t, env.ca, body)

	cp := expect(t, env.fr.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	if getString(cp, "spec", "resources", "ordered_availability_zone_list", 0, "availability_zone_url") != env.frCA ||
		getString(cp, "spec", "resources", "ordered_availability_zone_list", 1, "availability_zone_url") != env.frLocal {
		t.Fatalf("copy's AZs are not france's: %s", mustJSON(cp["spec"]))
	}
	if getString(cp, "status", "state") != "COMPLETE" || getString(cp, "spec", "name") != "ca-fr" {
		t.Fatalf("copy: %s", mustJSON(cp))
	}
	list := expect(t, env.fr.v3("POST", "/protection_rules/list", map[string]any{"kind": "protection_rule"}), 200).json(t)
	if getInt(t, list, "metadata", "total_matches") != 1 || getString(list, "entities", 0, "metadata", "uuid") != id {
		t.Fatalf("france's list: %s", mustJSON(list))
	}
	// An update on canada reaches france.
	orig := expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	spec := obj(t, orig["spec"])
	spec["description"] = "changed"
	r := expect(t, env.ca.v3("PUT", "/protection_rules/"+id, map[string]any{"metadata": orig["metadata"], "spec": spec}), 202).json(t)
	if task := env.ca.waitTask(getString(r, "status", "execution_context", "task_uuid")); getString(task, "status") != TaskSucceeded {
		t.Fatalf("update task: %s", mustJSON(task))
	}
	cp = expect(t, env.fr.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	if getString(cp, "spec", "description") != "changed" || getInt(t, cp, "metadata", "spec_version") != 1 {
		t.Fatalf("copy after update: %s", mustJSON(cp))
	}
	env.w.Clock().Advance(2 * time.Minute)
	if n := len(rps(t, env.fr, "protection_rule_uuid=="+id)); n != 2 {
		t.Fatalf("france has %d copies", n)
	}
	// Deleted on canada, gone on france; recovery points stay until they expire.
	d := expect(t, env.ca.v3("DELETE", "/protection_rules/"+id, nil), 202).json(t)
	if task := env.ca.waitTask(getString(d, "status", "execution_context", "task_uuid")); getString(task, "status") != TaskSucceeded {
		t.Fatalf("delete task: %s", mustJSON(task))
	}
	expect(t, env.fr.v3("GET", "/protection_rules/"+id, nil), 404)
	expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 404)
	if n := len(rps(t, env.fr, "protection_rule_uuid=="+id)); n != 2 {
		t.Fatalf("france has %d copies right after the delete, want 2", n)
	}
	env.w.Clock().Advance(3 * time.Hour)
	if n := len(rps(t, env.fr, "protection_rule_uuid=="+id)) + len(rps(t, env.ca, "")); n != 0 {
		t.Fatalf("%d recovery points left after expiry", n)
	}
}

// TestRuleCopyChangedOnPairedPC follows the seed guide's "Inversion de la réplication":
// after a planned failover, the operator connects to the destination PC (France), opens
// the protection policy synced there (Actions > Update) and makes France's Local AZ the
// primary location, Canada the recovery location. The change reaches Canada in Canada's
// own AZs, replication follows it, and a delete on France removes the policy on both.
func TestRuleCopyChangedOnPairedPC(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) {
		cfg.Settings.ReplicationDelay = Duration(time.Minute)
		// The VM the planned failover recovered on France, with its category.
		cfg.PCs[1].VMs = append(cfg.PCs[1].VMs, VMConfig{Name: "app-01-fr", Cluster: "FR01",
			Categories: map[string]string{"replicated-vm": "from-canada"}})
	})
	id := env.createRule(t, env.ca, noStartTime(t, env.ruleBody("ca-fr", schedule(3600, 2, 2))))
	env.w.Clock().Advance(2 * time.Minute)
	if n := len(rps(t, env.ca, "vm_name==app-01-fr")); n != 0 {
		t.Fatalf("canada holds %d recovery points of france's VM before the reversal", n)
	}

	env.fr.accept(env.fr.putBack("/protection_rules/"+id, func(spec map[string]any) {
		locs := arr(t, get(spec, "resources", "ordered_availability_zone_list"))
		locs[0] = map[string]any{"availability_zone_url": env.frLocal, "cluster_uuid": env.fr01} // Primary Location: Local AZ
		locs[1] = map[string]any{"availability_zone_url": env.frCA, "cluster_uuid": env.ca01}    // Recovery Location: Canada
		spec["description"] = "reversed on france"
	}))
	for _, c := range []struct {
		pc                *apiClient
		primary, recovery string
		primaryC, recovC  string
	}{{env.fr, env.frLocal, env.frCA, env.fr01, env.ca01}, {env.ca, env.caFR, env.caLocal, env.fr01, env.ca01}} {
		r := expect(t, c.pc.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
		locs := "spec.resources.ordered_availability_zone_list"
		if getString(r, "spec", "description") != "reversed on france" || getInt(t, r, "metadata", "spec_version") != 1 ||
			getString(r, "status", "state") != "COMPLETE" ||
			getString(r, "spec", "resources", "ordered_availability_zone_list", 0, "availability_zone_url") != c.primary ||
			getString(r, "spec", "resources", "ordered_availability_zone_list", 0, "cluster_uuid") != c.primaryC ||
			getString(r, "spec", "resources", "ordered_availability_zone_list", 1, "availability_zone_url") != c.recovery ||
			getString(r, "spec", "resources", "ordered_availability_zone_list", 1, "cluster_uuid") != c.recovC {
			t.Fatalf("%s after the reversal (%s): %s %s", c.pc.pc.Name(), locs, mustJSON(r["metadata"]), mustJSON(r["spec"]))
		}
		if _, ok := obj(t, r["metadata"])["owner"]; ok {
			t.Errorf("%s answers a field the spec lacks: %s", c.pc.pc.Name(), mustJSON(r["metadata"]))
		}
	}
	// Replication follows the change (at the rule's pace: every hour since its create):
	// France's VM now reaches Canada.
	env.w.Clock().Advance(time.Hour + 2*time.Minute)
	if n := len(rps(t, env.ca, "vm_name==app-01-fr")); n == 0 {
		t.Fatal("canada holds no recovery point of france's VM after the reversal")
	}
	// The versions are in step: Canada's stale read is refused, a fresh one accepted, and
	// the change reaches France.
	refuse(t, env.ca.v3("PUT", "/protection_rules/"+id, map[string]any{
		"metadata": map[string]any{"kind": "protection_rule", "spec_version": 0}, "spec": obj(t, get(env.ruleBody("x"), "spec"))}),
		409, reasonConcurrent)
	env.ca.accept(env.ca.putBack("/protection_rules/"+id, func(spec map[string]any) { spec["description"] = "from canada" }))
	if r := expect(t, env.fr.v3("GET", "/protection_rules/"+id, nil), 200).json(t); getString(r, "spec", "description") != "from canada" ||
		getInt(t, r, "metadata", "spec_version") != 2 {
		t.Fatalf("france after canada's update: %s", mustJSON(r["metadata"]))
	}

	// Deleted on France, gone on both; replication stops.
	env.fr.accept(env.fr.v3("DELETE", "/protection_rules/"+id, nil))
	refuse(t, env.fr.v3("GET", "/protection_rules/"+id, nil), 404, reasonNotFound)
	refuse(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 404, reasonNotFound)
	if env.w.repl.live(id) {
		t.Error("replication still scheduled after the delete on france")
	}
}

// TestRuleCopyChangedWhilePeerDown: a change written on one PC while the other is down
// reaches it as the original PC's changes always did: it holds the change when it is up.
func TestRuleCopyChangedWhilePeerDown(t *testing.T) {
	env := newRuleEnv(t, nil)
	id := env.createRule(t, env.ca, noStartTime(t, env.ruleBody("ca-fr", schedule(3600, 2, 2))))
	if err := env.w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	env.fr.accept(env.fr.putBack("/protection_rules/"+id, func(spec map[string]any) { spec["description"] = "while canada was down" }))
	if err := env.w.SiteUp("canada"); err != nil {
		t.Fatal(err)
	}
	r := expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	if getString(r, "spec", "description") != "while canada was down" || getInt(t, r, "metadata", "spec_version") != 1 {
		t.Fatalf("canada once up: %s %s", mustJSON(r["metadata"]), mustJSON(r["spec"]))
	}
	// And the other way round, then a delete while the peer is down.
	if err := env.w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	env.ca.accept(env.ca.putBack("/protection_rules/"+id, func(spec map[string]any) { spec["description"] = "while france was down" }))
	if err := env.w.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	if r := expect(t, env.fr.v3("GET", "/protection_rules/"+id, nil), 200).json(t); getString(r, "spec", "description") != "while france was down" {
		t.Fatalf("france once up: %s", mustJSON(r["spec"]))
	}
	if err := env.w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	env.fr.accept(env.fr.v3("DELETE", "/protection_rules/"+id, nil))
	if err := env.w.SiteUp("canada"); err != nil {
		t.Fatal(err)
	}
	refuse(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 404, reasonNotFound)
}

// TestRuleSameVersionOnBothPCs: two writes of the same spec_version, one on each PC, end
// with the same rule on both (the later write; the same instant: a fixed order of PCs).
func TestRuleSameVersionOnBothPCs(t *testing.T) {
	env := newRuleEnv(t, nil)
	id := env.createRule(t, env.ca, noStartTime(t, env.ruleBody("ca-fr", schedule(3600, 2, 2))))
	r1 := expect(t, env.ca.putBack("/protection_rules/"+id, func(spec map[string]any) { spec["description"] = "canada" }), 202).json(t)
	r2 := expect(t, env.fr.putBack("/protection_rules/"+id, func(spec map[string]any) { spec["description"] = "france" }), 202).json(t)
	env.ca.waitTask(getString(r1, "status", "execution_context", "task_uuid"))
	env.fr.waitTask(getString(r2, "status", "execution_context", "task_uuid"))
	ca := expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	fr := expect(t, env.fr.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	if getString(ca, "spec", "description") != getString(fr, "spec", "description") ||
		getInt(t, ca, "metadata", "spec_version") != getInt(t, fr, "metadata", "spec_version") {
		t.Fatalf("the PCs disagree: canada %q v%d, france %q v%d", getString(ca, "spec", "description"), getInt(t, ca, "metadata", "spec_version"),
			getString(fr, "spec", "description"), getInt(t, fr, "metadata", "spec_version"))
	}
}

func TestThreeLocationRule(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) {
		cfg.Settings.ReplicationDelay = Duration(time.Minute)
		cfg.PCs = append(cfg.PCs, PCConfig{Name: "japan", AdvertisedIP: "192.168.20.10", DREnabled: true,
			Clusters: []ClusterConfig{{Name: "JP01"}}})
	})
	jp := newClient(t, env.w.PC("japan"))
	env.ca.mustPair(env.w.PC("japan"))
	caJP := getString(env.ca.azs()["PC_192.168.20.10"], "metadata", "uuid")
	body := noStartTime(t, env.ruleBody("three", schedule(3600, 2, 2)))
	res := obj(t, get(body, "spec", "resources"))
	res["ordered_availability_zone_list"] = append(arr(t, res["ordered_availability_zone_list"]),
		map[string]any{"availability_zone_url": caJP, "cluster_uuid": clusterUUID(t, jp, "JP01")})
	res["availability_zone_connectivity_list"] = append(arr(t, res["availability_zone_connectivity_list"]),
		map[string]any{"source_availability_zone_index": 0, "destination_availability_zone_index": 2,
			"snapshot_schedule_list": []any{schedule(7200, 2, 3), schedule(86400, 1, 1)}})
	if r := env.ca.v3("POST", "/protection_rules", body); r.status != 422 || r.reason(t) != reasonValidation {
		t.Fatalf("three AZs without primary_location_list: %d %s", r.status, r.body)
	}
	res["primary_location_list"] = []int{0}
	id := env.createRule(t, env.ca, body)
	for _, c := range []*apiClient{env.fr, jp} {
		cp := expect(t, c.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
		if l := arr(t, get(cp, "spec", "resources", "primary_location_list")); len(l) != 1 {
			t.Fatalf("%s copy: %s", c.pc.Name(), mustJSON(cp["spec"]))
		}
	}
	env.w.Clock().Advance(5 * time.Hour)
	if n := len(rps(t, env.fr, "vm_name==app-01")); n != 2 {
		t.Fatalf("france keeps %d of app-01, want 2", n)
	}
	// Japan: the 2-hour schedule keeps 3, the daily one 1.
	if n := len(rps(t, jp, "vm_name==app-01")); n != 4 {
		t.Fatalf("japan keeps %d of app-01, want 4", n)
	}
	jpLocal := getString(jp.azs()[localAZName], "metadata", "uuid")
	if n := len(rps(t, jp, "availability_zone_uuid=="+jpLocal)); n != 8 {
		t.Fatalf("japan lists %d recovery points in its Local AZ, want 8", n)
	}
}

func TestPendingGetNamesTask(t *testing.T) {
	env := newRuleEnv(t, nil)
	env.w.UpdateSettings(Settings{TaskLatency: Duration(2 * time.Second), ReplicationDelay: Duration(time.Minute)})
	r := expect(t, env.ca.v3("POST", "/protection_rules", env.ruleBody("pending", schedule(3600, 2, 2))), 202).json(t)
	id, taskID := getString(r, "metadata", "uuid"), getString(r, "status", "execution_context", "task_uuid")
	g := expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	if getString(g, "status", "state") != "PENDING" || getString(g, "status", "execution_context", "task_uuid") != taskID {
		t.Fatalf("pending GET: %s", mustJSON(g["status"]))
	}
	env.ca.waitTask(taskID)
	g = expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	if getString(g, "status", "state") != "COMPLETE" || get(g, "status", "execution_context") != nil {
		t.Fatalf("settled GET: %s", mustJSON(g["status"]))
	}
}

// TestAdvanceDay checks what a day of 1-minute RPO on 10 VMs leaves: the retention's worth of
// recovery points per VM on each side. It logs the time the day took; it asserts none, since a
// loaded machine makes any limit flaky.
func TestAdvanceDay(t *testing.T) {
	env := newRuleEnv(t, func(cfg *WorldConfig) {
		for i := 0; i < 8; i++ {
			cfg.PCs[0].VMs = append(cfg.PCs[0].VMs, VMConfig{Name: fmt.Sprintf("bulk-%02d", i), Cluster: "CA01",
				Categories: map[string]string{"replicated-vm": "from-canada"}})
		}
	})
	env.createRule(t, env.ca, noStartTime(t, env.ruleBody("fast", schedule(60, 10, 10))))
	start := time.Now()
	env.w.Clock().Advance(24 * time.Hour)
	t.Logf("Advance(24h), 1-minute RPO, 10 VMs: %v", time.Since(start))
	if st := env.w.PC("france").RecoveryPointStats(); st.Total != 100 || len(st.ByVM) != 10 {
		t.Fatalf("france: %+v", st)
	}
	if st := env.w.PC("canada").RecoveryPointStats(); st.Total != 100 {
		t.Fatalf("canada: %+v", st)
	}
}
