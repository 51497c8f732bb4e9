package prismsim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// jobEnv is a ruleEnv with a bidirectional protection policy (canada <-> france,
// replicated-vm:from-canada), recovery points replicated to france and a plan: db-01 in
// stage 1 (30 s delay after it), app-01 in stage 2, production and test networks mapped.
type jobEnv struct {
	*ruleEnv
	plan string
	rule string
}

// bidirectional adds the france -> canada link to a canada -> france rule body.
func bidirectional(t *testing.T, body map[string]any) map[string]any {
	res := obj(t, get(body, "spec", "resources"))
	conns := arr(t, res["availability_zone_connectivity_list"])
	back := map[string]any{"source_availability_zone_index": 1, "destination_availability_zone_index": 0,
		"snapshot_schedule_list": get(conns[0], "snapshot_schedule_list")}
	res["availability_zone_connectivity_list"] = append(conns, back)
	return body
}

func newJobEnv(t *testing.T, mutate func(*WorldConfig), schedules ...map[string]any) *jobEnv {
	t.Helper()
	env := &jobEnv{ruleEnv: newRuleEnv(t, mutate)}
	if len(schedules) == 0 {
		schedules = []map[string]any{schedule(3600, 2, 2)}
	}
	env.rule = env.createRule(t, env.ca, bidirectional(t, noStartTime(t, env.ruleBody("ca-fr", schedules...))))
	// The first recovery points are taken at the commit and reach france 30 s later.
	env.w.Clock().Advance(2 * time.Minute)
	return env
}

// createJobPlan creates the plan with the given stage delay after stage 1.
func (env *jobEnv) createJobPlan(t *testing.T, delay int, mutate func(body map[string]any)) {
	t.Helper()
	body := env.planBody("rp-jobs", []any{
		stage(delay, vmEntity(env.vmUUID(t, "db-01"))),
		stage(0, vmEntity(env.vmUUID(t, "app-01"))),
	}, env.prodTestMapping())
	if mutate != nil {
		mutate(body)
	}
	plan := env.createPlan(t, body)
	env.plan = getString(plan, "metadata", "uuid")
}

// jobBody is a job of the plan from canada to france, as france names them.
func (env *jobEnv) jobBody(action string) map[string]any {
	return map[string]any{
		"api_version": "3.1",
		"metadata":    map[string]any{"kind": "recovery_plan_job", "uuid": newUUID()},
		"spec": map[string]any{"name": strings.ToLower(action) + "-job", "resources": map[string]any{
			"recovery_plan_reference": map[string]any{"kind": "recovery_plan", "uuid": env.plan},
			"execution_parameters": map[string]any{
				"failed_availability_zone_list":   []any{map[string]any{"availability_zone_url": env.frCA}},
				"recovery_availability_zone_list": []any{map[string]any{"availability_zone_url": env.frLocal}},
				"action_type":                     action,
			},
		}},
	}
}

// startJob posts a job body to c, waits for the create task and returns the job uuid
// the task names.
func startJob(t *testing.T, c *apiClient, body map[string]any) string {
	t.Helper()
	r := expect(t, c.v3("POST", "/recovery_plan_jobs", body), 202).json(t)
	if len(r) != 1 || getString(r, "task_uuid") == "" {
		t.Fatalf("create answered %s, want {task_uuid} only", mustJSON(r))
	}
	task := c.waitTask(getString(r, "task_uuid"))
	if getString(task, "status") != TaskSucceeded {
		t.Fatalf("create task: %s", mustJSON(task))
	}
	for _, ref := range arr(t, task["entity_reference_list"]) {
		if getString(ref, "kind") == "recovery_plan_job" {
			return getString(ref, "uuid")
		}
	}
	t.Fatalf("the create task names no recovery_plan_job: %s", mustJSON(task))
	return ""
}

var terminalJob = map[string]bool{"COMPLETED": true, "FAILED": true, "ABORTED": true, "COMPLETED_WITH_WARNING": true, "FAILED_WITH_WARNING": true}

// waitJob reads a job until cond holds (nil: until it ends) and returns it.
func waitJob(t *testing.T, c *apiClient, id string, cond func(job map[string]any) bool) map[string]any {
	t.Helper()
	if cond == nil {
		cond = func(job map[string]any) bool {
			return terminalJob[getString(job, "status", "execution_status", "status")]
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		job := expect(t, c.v3("GET", "/recovery_plan_jobs/"+id, nil), 200).json(t)
		if cond(job) {
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: condition not met: %s", id, mustJSON(get(job, "status")))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func jobStatusOf(job map[string]any) string {
	return getString(job, "status", "execution_status", "status")
}

// messages returns the messages of validation_information's errors_list or warnings_list.
func messages(job map[string]any, list string) []string {
	var out []string
	items, _ := get(job, "status", "validation_information", list).([]any)
	for _, m := range items {
		out = append(out, getString(m, "validation_type")+": "+getString(m, "message"))
	}
	return out
}

// vmsOf returns the PC's VMs by name.
func vmsOf(t *testing.T, c *apiClient) map[string]map[string]any {
	t.Helper()
	r := expect(t, c.v3("POST", "/vms/list", map[string]any{"kind": "vm", "length": 500}), 200).json(t)
	out := map[string]map[string]any{}
	for _, e := range arr(t, r["entities"]) {
		out[getString(e, "status", "name")] = obj(t, e)
	}
	return out
}

func vmIP(vm map[string]any) string {
	return getString(vm, "status", "resources", "nic_list", 0, "ip_endpoint_list", 0, "ip")
}
func vmPower(vm map[string]any) string {
	return getString(vm, "status", "resources", "power_state")
}

// jobSteps returns the step tree of a job, all phases, by operation type.
func jobSteps(t *testing.T, c *apiClient, id, which string) map[string][]map[string]any {
	t.Helper()
	r := expect(t, c.v3("GET", "/recovery_plan_jobs/"+id+"/"+which, nil), 200).json(t)
	out := map[string][]map[string]any{}
	for _, ph := range []string{"preprocessing_status", "operation_status", "postprocessing_status"} {
		for _, s := range arr(t, get(r, ph, "step_execution_status_list")) {
			out[getString(s, "operation_type")] = append(out[getString(s, "operation_type")], obj(t, s))
		}
	}
	return out
}

func TestJobValidateAndCapacity(t *testing.T) {
	env := newJobEnv(t, func(cfg *WorldConfig) {
		cfg.PCs[1].Clusters[0].VCPUCapacity = 3 // app-01 and db-01 need 2 vCPUs each
	})
	env.createJobPlan(t, 0, nil)
	before := vmsOf(t, env.ca)
	id := startJob(t, env.fr, env.jobBody("VALIDATE"))
	job := waitJob(t, env.fr, id, nil)
	if s := jobStatusOf(job); s != "FAILED" {
		t.Fatalf("VALIDATE on a small cluster: %s %s", s, mustJSON(get(job, "status")))
	}
	errs := messages(job, "errors_list")
	if len(errs) != 1 || !strings.Contains(errs[0], "INFRASTRUCTURE") || !strings.Contains(errs[0], "FR01 at") || !strings.Contains(errs[0], "3 vCPUs") {
		t.Fatalf("errors: %v", errs)
	}
	// A failover refused by validation changes nothing.
	id = startJob(t, env.fr, env.jobBody("MIGRATE"))
	job = waitJob(t, env.fr, id, nil)
	if jobStatusOf(job) != "FAILED" || len(messages(job, "errors_list")) != 1 {
		t.Fatalf("MIGRATE on a small cluster: %s", mustJSON(get(job, "status")))
	}
	if n := len(vmsOf(t, env.fr)); n != 0 {
		t.Fatalf("france has %d VMs after a refused migration", n)
	}
	after := vmsOf(t, env.ca)
	for name, vm := range before {
		if vmPower(after[name]) != vmPower(vm) {
			t.Errorf("%s: power %s -> %s", name, vmPower(vm), vmPower(after[name]))
		}
	}
	steps := jobSteps(t, env.fr, id, "execution_status")
	if len(steps["AUDIT"]) != 1 || getString(steps["AUDIT"][0], "status") != "FAILED" || len(steps["STAGE_RECOVERY"]) != 0 {
		t.Fatalf("steps of a refused job: %s", mustJSON(steps))
	}
}

func TestJobValidateClean(t *testing.T) {
	env := newJobEnv(t, nil)
	env.createJobPlan(t, 0, nil)
	job := waitJob(t, env.fr, startJob(t, env.fr, env.jobBody("VALIDATE")), nil)
	if jobStatusOf(job) != "COMPLETED" || len(messages(job, "errors_list"))+len(messages(job, "warnings_list")) != 0 {
		t.Fatalf("VALIDATE: %s", mustJSON(get(job, "status")))
	}
	if getString(job, "status", "initiator") != "user" || get(job, "status", "witness_address") != nil {
		t.Fatalf("initiator: %s", mustJSON(get(job, "status")))
	}
	if len(vmsOf(t, env.fr)) != 0 || len(vmsOf(t, env.ca)) != 3 {
		t.Fatal("VALIDATE changed the inventory")
	}
	// Jobs run on the recovery site only; the plan must exist there.
	refuse(t, env.ca.v3("POST", "/recovery_plan_jobs", env.jobBody("VALIDATE")), 422, reasonInvalidArgument)
	bad := env.jobBody("VALIDATE")
	obj(t, get(bad, "spec", "resources", "execution_parameters"))["action_type"] = "JUMP"
	refuse(t, env.fr.v3("POST", "/recovery_plan_jobs", bad), 422, reasonValidation)
}

func TestJobMigrate(t *testing.T) {
	env := newJobEnv(t, nil)
	env.createJobPlan(t, 30, nil)
	ca := vmsOf(t, env.ca)
	id := startJob(t, env.fr, env.jobBody("MIGRATE"))
	// Stage 1 recovered, then the 30 s delay runs on the simulated clock.
	job := waitJob(t, env.fr, id, func(job map[string]any) bool {
		steps := jobSteps(t, env.fr, id, "execution_status")
		return len(steps["DELAY"]) == 1
	})
	if jobStatusOf(job) != "RUNNING" {
		t.Fatalf("during the delay: %s", mustJSON(get(job, "status")))
	}
	fr := vmsOf(t, env.fr)
	if db := fr["db-01"]; db == nil || vmIP(db) != "192.168.50.11" || vmPower(db) != "ON" {
		t.Fatalf("db-01 at france after stage 1: %s", mustJSON(db))
	}
	if fr["app-01"] != nil {
		t.Fatal("app-01 recovered before the stage delay passed")
	}
	if p := vmPower(vmsOf(t, env.ca)["app-01"]); p != "OFF" {
		t.Fatalf("app-01 at canada is %s during the migration, want OFF", p)
	}
	// No second job of the plan while this one runs.
	refuse(t, env.fr.v3("POST", "/recovery_plan_jobs", env.jobBody("VALIDATE")), 409, reasonConcurrent)
	env.w.Clock().Advance(31 * time.Second)
	job = waitJob(t, env.fr, id, nil)
	if jobStatusOf(job) != "COMPLETED" {
		t.Fatalf("MIGRATE: %s", mustJSON(get(job, "status")))
	}
	if getInt(t, job, "status", "data_loss_window_secs") != 0 || getString(job, "status", "end_time") == "" {
		t.Fatalf("status: %s", mustJSON(get(job, "status")))
	}
	fr = vmsOf(t, env.fr)
	caAfter := vmsOf(t, env.ca)
	for name, ip := range map[string]string{"app-01": "192.168.50.10", "db-01": "192.168.50.11"} {
		vm := fr[name]
		if vm == nil || vmIP(vm) != ip || vmPower(vm) != "ON" {
			t.Fatalf("%s at france: %s", name, mustJSON(vm))
		}
		if getString(vm, "metadata", "uuid") != getString(ca[name], "metadata", "uuid") {
			t.Errorf("%s changed uuid", name)
		}
		if getString(vm, "metadata", "categories", "replicated-vm") != "from-canada" {
			t.Errorf("%s lost its categories: %s", name, mustJSON(get(vm, "metadata")))
		}
		if getString(vm, "status", "cluster_reference", "uuid") != env.fr01 {
			t.Errorf("%s is on cluster %s", name, getString(vm, "status", "cluster_reference", "name"))
		}
		if caAfter[name] != nil {
			t.Errorf("%s is still at canada", name)
		}
	}
	if caAfter["dns-01"] == nil {
		t.Error("dns-01, not in the plan, left canada")
	}
	steps := jobSteps(t, env.fr, id, "execution_status")
	recovered := map[string][]any{}
	for _, s := range steps["ENTITY_MIGRATION"] {
		for _, r := range arr(t, s["recovered_entity_info_list"]) {
			recovered[getString(r, "recovered_entity_info", "entity_name")] = arr(t, get(r, "recovered_entity_info", "ip_address_list"))
		}
	}
	if len(recovered) != 2 || recovered["app-01"][0] != "192.168.50.10" {
		t.Fatalf("recovered entities: %v", recovered)
	}
	if len(steps["STAGE_RECOVERY"]) != 2 || len(steps["ENTITIES_CLEANUP"]) != 1 || len(steps["SYNC_RECOVERY_POINTS"]) != 1 || len(steps["VM_POWER_ON"]) != 2 {
		t.Fatalf("steps: %v", mustJSON(steps))
	}
	// The reverse direction of the policy selects the VMs at france: recovery points
	// reach canada.
	env.w.Clock().Advance(time.Hour + time.Minute)
	back := 0
	for _, p := range rps(t, env.ca, "vm_name==app-01") {
		if getString(p, "spec", "resources", "source_availability_zone_reference", "uuid") == env.caFR {
			back++
		}
	}
	if back == 0 {
		t.Fatal("no recovery point of app-01 came back from france")
	}
	list := expect(t, env.fr.v3("POST", "/recovery_plan_jobs/list", map[string]any{"kind": "recovery_plan_job"}), 200).json(t)
	if n := getInt(t, list, "metadata", "total_matches"); n != 1 || getString(list, "entities", 0, "status", "initiator") != "user" {
		t.Fatalf("list: %s", mustJSON(list))
	}
	// Failback with the same plan, run on canada: france -> canada.
	back2 := env.jobBody("MIGRATE")
	ep := obj(t, get(back2, "spec", "resources", "execution_parameters"))
	ep["failed_availability_zone_list"] = []any{map[string]any{"availability_zone_url": env.caFR}}
	ep["recovery_availability_zone_list"] = []any{map[string]any{"availability_zone_url": env.caLocal}}
	id = startJob(t, env.ca, back2)
	waitJob(t, env.ca, id, func(job map[string]any) bool { return len(jobSteps(t, env.ca, id, "execution_status")["DELAY"]) == 1 })
	env.w.Clock().Advance(31 * time.Second)
	if job := waitJob(t, env.ca, id, nil); jobStatusOf(job) != "COMPLETED" {
		t.Fatalf("failback: %s", mustJSON(get(job, "status")))
	}
	caAfter = vmsOf(t, env.ca)
	if vmIP(caAfter["app-01"]) != "192.168.50.10" || vmPower(caAfter["db-01"]) != "ON" || len(vmsOf(t, env.fr)) != 0 {
		t.Fatalf("after the failback: canada %v", caAfter)
	}
}

func TestJobFailoverSourceDown(t *testing.T) {
	env := newJobEnv(t, nil)
	env.createJobPlan(t, 0, nil)
	points := rps(t, env.fr, "vm_name==app-01")
	if len(points) == 0 {
		t.Fatal("no recovery point of app-01 at france")
	}
	latest := getString(points[len(points)-1], "spec", "resources", "creation_time")
	env.w.Clock().Advance(5 * time.Minute)
	if err := env.w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	down := env.w.Clock().Now()
	env.w.Clock().Advance(10 * time.Minute)
	// A planned failover needs both sites.
	job := waitJob(t, env.fr, startJob(t, env.fr, env.jobBody("MIGRATE")), nil)
	if errs := messages(job, "errors_list"); jobStatusOf(job) != "FAILED" || len(errs) != 1 || !strings.Contains(errs[0], "CONNECTIVITY") {
		t.Fatalf("MIGRATE with canada down: %s", mustJSON(get(job, "status")))
	}
	// Before the first recovery point there is nothing to recover.
	early := env.jobBody("FAILOVER")
	created, err := time.Parse(time.RFC3339, latest)
	if err != nil {
		t.Fatal(err)
	}
	obj(t, get(early, "spec", "resources", "execution_parameters"))["recovery_reference_time"] = formatTime(created.Add(-time.Hour))
	job = waitJob(t, env.fr, startJob(t, env.fr, early), nil)
	// It names the VMs without a recovery point, and not a plan that "selects no VM".
	if errs := strings.Join(messages(job, "errors_list"), "\n"); jobStatusOf(job) != "FAILED" ||
		!strings.Contains(errs, "RECOVERY_POINT") || strings.Contains(errs, "selects no VM") {
		t.Fatalf("FAILOVER before any recovery point: %s", mustJSON(get(job, "status")))
	}
	id := startJob(t, env.fr, env.jobBody("FAILOVER"))
	job = waitJob(t, env.fr, id, nil)
	if jobStatusOf(job) != "COMPLETED" {
		t.Fatalf("FAILOVER: %s", mustJSON(get(job, "status")))
	}
	want := down.Sub(created).Seconds()
	got := getFloat(t, job, "status", "data_loss_window_secs")
	if got < want-2 || got > want+2 {
		t.Fatalf("data loss window %vs, want about %vs", got, want)
	}
	fr := vmsOf(t, env.fr)
	for name, ip := range map[string]string{"app-01": "192.168.50.10", "db-01": "192.168.50.11"} {
		if vm := fr[name]; vm == nil || vmIP(vm) != ip || vmPower(vm) != "ON" {
			t.Fatalf("%s at france: %s", name, mustJSON(vm))
		}
	}
	// A rerun finds everything recovered already.
	r := expect(t, env.fr.v3("POST", "/recovery_plan_jobs/"+id+"/rerun", map[string]any{}), 202).json(t)
	task := env.fr.waitTask(getString(r, "task_uuid"))
	var rerun string
	for _, ref := range arr(t, task["entity_reference_list"]) {
		if getString(ref, "kind") == "recovery_plan_job" && getString(ref, "uuid") != id {
			rerun = getString(ref, "uuid")
			break
		}
	}
	job = waitJob(t, env.fr, rerun, nil)
	if jobStatusOf(job) != "COMPLETED" || getString(job, "status", "parent_recovery_plan_job_reference", "uuid") != id {
		t.Fatalf("rerun: %s", mustJSON(get(job, "status")))
	}
	if n := len(vmsOf(t, env.fr)); n != 2 {
		t.Fatalf("france has %d VMs after the rerun", n)
	}
	// Canada comes back without the VMs france now runs (they are out of date there); the
	// VMs no failover recovered stay.
	if err := env.w.SiteUp("canada"); err != nil {
		t.Fatal(err)
	}
	ca := vmsOf(t, env.ca)
	if _, ok := ca["app-01"]; ok {
		t.Fatalf("canada still runs app-01 after its return: %v", mustJSON(ca["app-01"]))
	}
	if _, ok := ca["db-01"]; ok {
		t.Fatal("canada still runs db-01 after its return")
	}
	if _, ok := ca["dns-01"]; !ok {
		t.Fatal("canada lost dns-01, which no failover recovered")
	}
}

func getFloat(t *testing.T, v any, path ...any) float64 {
	t.Helper()
	n, ok := get(v, path...).(json.Number)
	if !ok {
		t.Fatalf("%v is not a number at %v", get(v, path...), path)
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestJobTestFailoverAndCleanup(t *testing.T) {
	env := newJobEnv(t, nil)
	env.createJobPlan(t, 0, nil)
	id := startJob(t, env.fr, env.jobBody("TEST_FAILOVER"))
	job := waitJob(t, env.fr, id, nil)
	if jobStatusOf(job) != "COMPLETED_WITH_WARNING" {
		t.Fatalf("TEST_FAILOVER: %s", mustJSON(get(job, "status")))
	}
	warns := strings.Join(messages(job, "warnings_list"), "\n")
	for _, name := range []string{"app-01", "db-01"} {
		if !strings.Contains(warns, "vm "+name+": its IP address") {
			t.Errorf("no warning names %s: %s", name, warns)
		}
	}
	fr := vmsOf(t, env.fr)
	for name, ip := range map[string]string{"app-01-test": "192.168.51.10", "db-01-test": "192.168.51.11"} {
		vm := fr[name]
		if vm == nil || vmIP(vm) != ip || getString(vm, "status", "resources", "nic_list", 0, "subnet_reference", "name") != "vlan51-test" {
			t.Fatalf("%s: %s", name, mustJSON(vm))
		}
	}
	if len(fr) != 2 {
		t.Fatalf("france has %d VMs", len(fr))
	}
	ca := vmsOf(t, env.ca)
	if len(ca) != 3 || vmPower(ca["app-01"]) != "ON" {
		t.Fatal("the test failover touched production")
	}
	if r := expect(t, env.fr.v3("GET", "/recovery_plan_jobs/"+id+"/cleanup_status", nil), 200).json(t); len(r) != 0 {
		t.Fatalf("cleanup_status before a cleanup: %s", mustJSON(r))
	}
	r := expect(t, env.fr.v3("POST", "/recovery_plan_jobs/"+id+"/cleanup", map[string]any{}), 202).json(t)
	env.fr.waitTask(getString(r, "task_uuid"))
	waitJob(t, env.fr, id, func(job map[string]any) bool {
		return getString(job, "status", "cleanup_status", "status") == "COMPLETED"
	})
	if n := len(vmsOf(t, env.fr)); n != 0 {
		t.Fatalf("france has %d VMs after the cleanup", n)
	}
	if steps := jobSteps(t, env.fr, id, "cleanup_status"); len(steps["ENTITIES_CLEANUP"]) != 1 {
		t.Fatalf("cleanup steps: %s", mustJSON(steps))
	}
	refuse(t, env.fr.v3("POST", "/recovery_plan_jobs/"+id+"/cleanup", map[string]any{}), 409, reasonConcurrent)
	del := expect(t, env.fr.v3("DELETE", "/recovery_plan_jobs/"+id, nil), 200).json(t)
	env.fr.waitTask(getString(del, "task_uuid"))
	refuse(t, env.fr.v3("GET", "/recovery_plan_jobs/"+id, nil), 404, reasonNotFound)
}

func TestJobLiveMigrate(t *testing.T) {
	t.Run("needs a synchronous policy", func(t *testing.T) {
		env := newJobEnv(t, nil)
		env.createJobPlan(t, 0, nil)
		job := waitJob(t, env.fr, startJob(t, env.fr, env.jobBody("LIVE_MIGRATE")), nil)
		if errs := strings.Join(messages(job, "errors_list"), "\n"); jobStatusOf(job) != "FAILED" || !strings.Contains(errs, "synchronous") {
			t.Fatalf("LIVE_MIGRATE without synchronous replication: %s", mustJSON(get(job, "status")))
		}
		if len(vmsOf(t, env.fr)) != 0 {
			t.Fatal("a refused live migration moved VMs")
		}
	})
	t.Run("synchronous", func(t *testing.T) {
		env := newJobEnv(t, nil, map[string]any{"recovery_point_objective_secs": 0})
		env.createJobPlan(t, 0, nil)
		job := waitJob(t, env.fr, startJob(t, env.fr, env.jobBody("LIVE_MIGRATE")), nil)
		if jobStatusOf(job) != "COMPLETED" || getInt(t, job, "status", "data_loss_window_secs") != 0 {
			t.Fatalf("LIVE_MIGRATE: %s", mustJSON(get(job, "status")))
		}
		fr, ca := vmsOf(t, env.fr), vmsOf(t, env.ca)
		for _, name := range []string{"app-01", "db-01"} {
			if vm := fr[name]; vm == nil || vmPower(vm) != "ON" || ca[name] != nil {
				t.Fatalf("%s after the live migration: france %s, canada %v", name, mustJSON(vm), ca[name] != nil)
			}
		}
		if steps := jobSteps(t, env.fr, getString(job, "metadata", "uuid"), "execution_status"); len(steps["SYNC_RECOVERY_POINTS"]) != 1 {
			t.Fatalf("steps: %s", mustJSON(steps))
		}
	})
}

func TestWitnessFailover(t *testing.T) {
	env := newJobEnv(t, nil, map[string]any{"recovery_point_objective_secs": 0})
	env.createJobPlan(t, 0, func(body map[string]any) {
		params(t, body)["witness_configuration_list"] = []any{map[string]any{"witness_address": "192.168.1.50", "witness_failover_timeout_secs": 60}}
	})
	jobs := func() []any {
		r := expect(t, env.fr.v3("POST", "/recovery_plan_jobs/list", map[string]any{}), 200).json(t)
		return arr(t, r["entities"])
	}
	if err := env.w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	env.w.Clock().Advance(50 * time.Second)
	time.Sleep(50 * time.Millisecond)
	if n := len(jobs()); n != 0 {
		t.Fatalf("%d jobs before the witness timeout", n)
	}
	env.w.Clock().Advance(15 * time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for len(jobs()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the witness started no failover")
		}
		time.Sleep(20 * time.Millisecond)
	}
	id := getString(jobs()[0], "metadata", "uuid")
	job := waitJob(t, env.fr, id, nil)
	st := get(job, "status")
	if jobStatusOf(job) != "COMPLETED" || getString(st, "initiator") != "witness" || getString(st, "witness_address") != "192.168.1.50" ||
		getString(job, "spec", "resources", "execution_parameters", "action_type") != "FAILOVER" || getInt(t, st, "data_loss_window_secs") != 0 {
		t.Fatalf("witness job: %s", mustJSON(job))
	}
	fr := vmsOf(t, env.fr)
	if fr["app-01"] == nil || fr["db-01"] == nil || vmPower(fr["app-01"]) != "ON" {
		t.Fatalf("france after the witness failover: %v", fr)
	}
	// Canada back: no failback.
	if err := env.w.SiteUp("canada"); err != nil {
		t.Fatal(err)
	}
	env.w.Clock().Advance(10 * time.Minute)
	time.Sleep(50 * time.Millisecond)
	if n := len(jobs()); n != 1 {
		t.Fatalf("%d jobs after canada came back, want 1", n)
	}
	if n := len(arr(t, expect(t, env.ca.v3("POST", "/recovery_plan_jobs/list", map[string]any{}), 200).json(t)["entities"])); n != 0 {
		t.Fatalf("canada started %d jobs", n)
	}
}

// TestRecoveryPointExpiryAfterRPOChange checks that a recovery point is never listed
// after its expiration_time once the RPO grew (count-based retention keeps it longer).
func TestRecoveryPointExpiryAfterRPOChange(t *testing.T) {
	env := newRuleEnv(t, nil)
	id := env.createRule(t, env.ca, noStartTime(t, env.ruleBody("rpo", schedule(3600, 2, 2))))
	env.w.Clock().Advance(3 * time.Hour)
	rule := expect(t, env.ca.v3("GET", "/protection_rules/"+id, nil), 200).json(t)
	s := obj(t, get(rule, "spec", "resources", "availability_zone_connectivity_list", 0, "snapshot_schedule_list", 0))
	s["recovery_point_objective_secs"] = 4 * 3600
	env.ca.accept(env.ca.v3("PUT", "/protection_rules/"+id, map[string]any{"metadata": rule["metadata"], "spec": rule["spec"]}))
	for i := 0; i < 12; i++ {
		env.w.Clock().Advance(time.Hour)
		now := env.w.Clock().Now()
		for _, c := range []*apiClient{env.ca, env.fr} {
			for _, p := range rps(t, c, "") {
				exp, err := time.Parse(time.RFC3339, getString(p, "spec", "resources", "expiration_time"))
				if err != nil {
					t.Fatal(err)
				}
				grace := time.Duration(0)
				if getString(p, "spec", "resources", "source_availability_zone_reference", "uuid") != "" {
					grace = env.w.Settings().ReplicationDelay.Std()
				}
				if !exp.Add(grace).After(now) {
					t.Fatalf("hour %d: %s lists %s, expired at %s (now %s)", i, c.pc.Name(), getString(p, "spec", "name"), exp, now)
				}
			}
		}
	}
	if n := len(rps(t, env.fr, "vm_name==app-01")); n == 0 {
		t.Fatal("france lost every recovery point of app-01")
	}
}

// setVMCategory assigns key:value to a VM of c's PC and waits for the update.
func setVMCategory(t *testing.T, c *apiClient, name, key, value string) {
	t.Helper()
	vm := c.vmByName(name)
	md := obj(t, vm["metadata"])
	cats := obj(t, md["categories"])
	cats[key] = value
	delete(md, "categories_mapping")
	c.accept(c.v3("PUT", "/vms/"+getString(md, "uuid"), map[string]any{"metadata": md, "spec": vm["spec"]}))
}

// exerciseRecoveryPlanJobRoutes drives every recovery plan job route with answers of every
// kind (200, 202, 404, 409, 422). It enables disaster recovery and pairs the PCs when they
// are not yet, protects dns-01 (Environment:Dev) and makes a plan of it.
func exerciseRecoveryPlanJobRoutes(t *testing.T, w *World) {
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
	caAZ, frAZ := c.azs(), fr.azs()
	env := &jobEnv{ruleEnv: &ruleEnv{w: w, ca: c, fr: fr,
		caLocal: getString(caAZ[localAZName], "metadata", "uuid"),
		caFR:    getString(caAZ["PC_"+france.AdvertisedIP()], "metadata", "uuid"),
		frLocal: getString(frAZ[localAZName], "metadata", "uuid"),
		frCA:    getString(frAZ["PC_"+w.PC("canada").AdvertisedIP()], "metadata", "uuid"),
		ca01:    clusterUUID(t, c, "CA01"), fr01: clusterUUID(t, fr, "FR01")}}
	setVMCategory(t, c, "dns-01", "Environment", "Dev")
	rule := bidirectional(t, noStartTime(t, env.ruleBody("jobs-spec", schedule(3600, 2, 2))))
	obj(t, get(rule, "spec", "resources", "category_filter"))["params"] = map[string]any{"Environment": []string{"Dev"}}
	env.rule = env.createRule(t, c, rule)
	w.Clock().Advance(2 * time.Minute)
	plan := env.planBody("rp-jobs-spec", []any{
		stage(3600, catEntity(map[string]string{"Environment": "Dev"})),
		stage(0, catEntity(map[string]string{"Environment": "Staging"})),
	}, env.prodTestMapping())
	env.plan = getString(env.createPlan(t, plan), "metadata", "uuid")

	bad := env.jobBody("VALIDATE")
	obj(t, get(bad, "spec"))["name"] = ""
	fr.v3("POST", "/recovery_plan_jobs", bad)
	unknown := env.jobBody("VALIDATE")
	obj(t, get(unknown, "spec", "resources", "recovery_plan_reference"))["uuid"] = newUUID()
	fr.v3("POST", "/recovery_plan_jobs", unknown)
	validate := startJob(t, fr, env.jobBody("VALIDATE"))
	waitJob(t, fr, validate, nil)
	fr.v3("POST", "/recovery_plan_jobs", map[string]any{"metadata": map[string]any{"kind": "recovery_plan_job", "uuid": validate},
		"spec": get(env.jobBody("VALIDATE"), "spec")})
	testJob := startJob(t, fr, env.jobBody("TEST_FAILOVER"))
	waitJob(t, fr, testJob, func(map[string]any) bool { return len(jobSteps(t, fr, testJob, "execution_status")["DELAY"]) == 1 })
	fr.v3("POST", "/recovery_plan_jobs", env.jobBody("VALIDATE")) // 409: the test failover runs
	fr.v3("POST", "/recovery_plan_jobs/"+testJob+"/cleanup", map[string]any{})
	fr.v3("DELETE", "/recovery_plan_jobs/"+testJob, nil)
	fr.v3("GET", "/recovery_plan_jobs/"+testJob+"/execution_status", nil)
	fr.v3("GET", "/recovery_plan_jobs/"+testJob+"/cleanup_status", nil)
	w.Clock().Advance(2 * time.Hour) // ends the stage delay
	waitJob(t, fr, testJob, nil)
	fr.v3("GET", "/recovery_plan_jobs/"+testJob, nil)
	fr.v3("POST", "/recovery_plan_jobs/list", map[string]any{"kind": "recovery_plan_job"})
	fr.v3("POST", "/recovery_plan_jobs/list", map[string]any{"filter": "nope==1"})
	fr.v3("GET", "/recovery_plan_jobs/"+testJob+"/execution_status", nil)
	fr.v3("GET", "/recovery_plan_jobs/"+testJob+"/nope_status", nil)
	fr.v3("GET", "/recovery_plan_jobs/"+newUUID()+"/execution_status", nil)
	fr.waitTask(getString(fr.v3("POST", "/recovery_plan_jobs/"+testJob+"/cleanup", map[string]any{}).json(t), "task_uuid"))
	fr.v3("GET", "/recovery_plan_jobs/"+testJob+"/cleanup_status", nil)
	fr.v3("POST", "/recovery_plan_jobs/"+testJob+"/cleanup", map[string]any{})
	fr.v3("POST", "/recovery_plan_jobs/"+validate+"/rerun", map[string]any{})
	fr.v3("POST", "/recovery_plan_jobs/"+testJob+"/nope", map[string]any{})
	fr.v3("POST", "/recovery_plan_jobs/"+newUUID()+"/rerun", map[string]any{})
	rerun := fr.v3("POST", "/recovery_plan_jobs/"+testJob+"/rerun", map[string]any{"rerun_recovery_plan_job_uuid": newUUID()}).json(t)
	fr.waitTask(getString(rerun, "task_uuid"))
	fr.v3("GET", "/recovery_plan_jobs/"+newUUID(), nil)
	fr.waitTask(getString(fr.v3("DELETE", "/recovery_plan_jobs/"+validate, nil).json(t), "task_uuid"))
	fr.v3("DELETE", "/recovery_plan_jobs/"+validate, nil)
	w.Clock().Advance(2 * time.Hour) // ends the rerun's stage delay
}

// recoveryPlanJobRoutes are the routes of recovery plan jobs.
func recoveryPlanJobRoutes() []string {
	var out []string
	for _, rt := range Routes() {
		if strings.Contains(rt, "/recovery_plan_jobs") {
			out = append(out, rt)
		}
	}
	return out
}

func TestRecoveryPlanJobRoutes(t *testing.T) {
	doc := loadSwagger(t)
	want := []string{
		"POST /api/nutanix/v3/recovery_plan_jobs",
		"GET /api/nutanix/v3/recovery_plan_jobs/{uuid}",
		"DELETE /api/nutanix/v3/recovery_plan_jobs/{uuid}",
		"POST /api/nutanix/v3/recovery_plan_jobs/list",
		"GET /api/nutanix/v3/recovery_plan_jobs/{uuid}/{status}",
		"POST /api/nutanix/v3/recovery_plan_jobs/{uuid}/{action}",
	}
	got := recoveryPlanJobRoutes()
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

// TestRecoveryPlanJobResponsesMatchSpec checks every answer of the job routes against the
// spec's schema, and that each route was exercised.
func TestRecoveryPlanJobResponsesMatchSpec(t *testing.T) {
	doc := loadSwagger(t)
	w := startWorld(t, nil)
	exchanges := recordExchanges(w, func() { exerciseRecoveryPlanJobRoutes(t, w) })
	served, statuses := checkAnswers(t, doc, exchangesOn(exchanges, "/recovery_plan_jobs"), false)
	for _, s := range []int{200, 202, 404, 409, 422} {
		if !statuses[s] {
			t.Errorf("no %d answer of a recovery plan job route was checked", s)
		}
	}
	for _, rt := range recoveryPlanJobRoutes() {
		if !served[rt] {
			t.Errorf("route %s was not exercised", rt)
		}
	}
}
