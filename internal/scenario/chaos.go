package scenario

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// The fault campaign (tools/chaos, `make chaos`): on the leap-two-sites topology, one seeded run
// applies the configuration under a random fault, converges with plain applies, runs a random
// failover under another random fault and converges again, following the guide's steps as the
// leap-two-sites scenario does (a test failover and its cleanup; a planned failover, then the
// reversal with active_site and the failback; or Canada down, the unplanned failover from the
// disaster configuration, Canada's return, the reversal and the failback), checks the
// invariants through the API of both sites, and destroys, checking that nothing is left. No VM
// is deleted by hand. Everything random comes from the seed, so a run can be replayed.

// ChaosFault is a fault of the campaign: a name for the matrix and what it does to the world.
type ChaosFault struct {
	Name string
	// Fault is an admin fault to install, if any (PC and PathPrefix are filled in).
	Fault *prismsim.Fault
	// During, if set, runs alongside the faulted apply (a site going down and up, a clock
	// moving on) and stops when ctx ends.
	During func(ctx context.Context, r *Run, rng *rand.Rand)
	// Interrupt cancels the faulted apply after a random delay, as Ctrl-C does.
	Interrupt bool
}

// ChaosResult is what one seeded run did and found.
type ChaosResult struct {
	Seed       uint64
	ApplyFault string
	ApplyPC    string
	ApplyPath  string
	Failover   string // planned, unplanned or test
	FOFault    string
	// ApplyFailed and FailoverFailed say whether the faulted commands failed (a fault may be
	// absorbed by the retries).
	ApplyFailed, FailoverFailed bool
	// ApplyLanded and FailoverLanded say whether the fault met a request (or a job) at all.
	ApplyLanded, FailoverLanded bool
	// Converge counts the plain applies each phase needed after its fault.
	ApplyConverge, FailoverConverge int
	// Violations are the broken invariants; Notes what is not one but worth a look (a diff
	// that a refresh settles); Err is a failure of the harness itself.
	Violations []string
	Notes      []string
	Err        error
	Duration   time.Duration
}

// chaosPaths are the API paths the apply faults aim at.
var chaosPaths = []string{
	"/api/nutanix/v3/categories", "/api/nutanix/v3/vms", "/api/nutanix/v3/protection_rules",
	"/api/nutanix/v3/recovery_plans", "/api/nutanix/v3/cloud_trusts", "/api/nutanix/v3/availability_zones",
	"/api/nutanix/v3/services", "/api/nutanix/v3/tasks",
}

// chaosRequestFaults are the faults aimed at one path, for applies and failovers alike.
func chaosRequestFaults() []ChaosFault {
	return []ChaosFault{
		{Name: "none"},
		{Name: "503", Fault: &prismsim.Fault{Kind: prismsim.FaultStatus, Status: http.StatusServiceUnavailable, Count: 2}},
		{Name: "html500", Fault: &prismsim.Fault{Kind: prismsim.FaultHTML500, Count: 2}},
		{Name: "429", Fault: &prismsim.Fault{Kind: prismsim.FaultRetryAfter, Count: 2}},
		{Name: "drop_after_commit", Fault: &prismsim.Fault{Kind: prismsim.FaultDropAfterCommit, Count: 1}},
		{Name: "task_failure", Fault: &prismsim.Fault{Kind: prismsim.FaultTaskFailure, Count: 1}},
		{Name: "latency", Fault: &prismsim.Fault{Kind: prismsim.FaultLatency, Latency: prismsim.Duration(1500 * time.Millisecond), Count: 3}},
		{Name: "site_down", During: func(ctx context.Context, r *Run, rng *rand.Rand) {
			if !chaosSleep(ctx, time.Duration(500+rng.IntN(3000))*time.Millisecond) {
				return
			}
			_ = r.World.SiteDown(leapRecovery)
			chaosSleep(ctx, 2*time.Second)
			_ = r.World.SiteUp(leapRecovery)
		}},
		{Name: "interrupt", Interrupt: true},
	}
}

// chaosJobFaults are the faults that land inside a failover's job.
func chaosJobFaults() []ChaosFault {
	return []ChaosFault{
		{Name: "job_source_down", Fault: &prismsim.Fault{Kind: prismsim.FaultJobSourceDown, Count: 1}},
		{Name: "job_pc_restart", Fault: &prismsim.Fault{Kind: prismsim.FaultJobPCRestart, Latency: prismsim.Duration(2 * time.Second), Count: 1}},
		{Name: "job_stuck", Fault: &prismsim.Fault{Kind: prismsim.FaultJobStuck, Latency: prismsim.Duration(30 * time.Minute), Count: 1},
			During: func(ctx context.Context, r *Run, _ *rand.Rand) {
				// The stuck job goes on once the clock has moved past it.
				if chaosSleep(ctx, 4*time.Second) {
					r.World.Clock().Advance(time.Hour)
				}
			}},
	}
}

// ChaosFailovers are the failover types of the campaign.
var ChaosFailovers = []string{"planned", "unplanned", "test"}

// chaosMaxConverge bounds the plain applies after a fault.
const chaosMaxConverge = 3

// Chaos runs the campaign's run of seed on a fresh leap-two-sites world.
func Chaos(ctx context.Context, cfg Config, seed uint64) (res ChaosResult) {
	start := time.Now()
	res.Seed = seed
	defer func() { res.Duration = time.Since(start) }()
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	rng := rand.New(rand.NewChaCha8(key))
	reqFaults := chaosRequestFaults()
	applyFault := reqFaults[rng.IntN(len(reqFaults))]
	applyPath := chaosPaths[rng.IntN(len(chaosPaths))]
	applyPC := []string{leapPrimary, leapRecovery}[rng.IntN(2)]
	foType := ChaosFailovers[rng.IntN(len(ChaosFailovers))]
	foFaults := append(reqFaults, chaosJobFaults()...)
	foFault := foFaults[rng.IntN(len(foFaults))]
	res.ApplyFault, res.ApplyPC, res.ApplyPath, res.Failover, res.FOFault = applyFault.Name, applyPC, applyPath, foType, foFault.Name

	cfg.World = func(wc *prismsim.WorldConfig) {
		wc.Settings.TaskLatency = prismsim.Duration(200 * time.Millisecond)
	}
	s := leapTwoSites()
	s.Steps = nil
	r, err := Start(ctx, cfg, s)
	if err != nil {
		res.Err = err
		return res
	}
	violate := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		res.Violations = append(res.Violations, msg)
		r.logf("\n!!! invariant violated: %s\n", msg)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		if err := r.Close(cctx); err != nil {
			violate("destroy left something or failed: %v", err)
		}
	}()
	r.logf("chaos seed %d: apply under %s on %s %s, then a %s failover under %s\n",
		seed, applyFault.Name, applyPC, applyPath, foType, foFault.Name)

	// Phase 1: the first apply under a fault, then plain applies until it converges.
	landed, applyErr := r.chaosApply(ctx, rng, applyFault, applyPath, applyPC, Apply{})
	res.ApplyFailed, res.ApplyLanded = applyErr != nil, landed
	n, err := r.converge(ctx, Apply{})
	res.ApplyConverge = n
	if err != nil {
		violate("the configuration did not converge after %s on %s: %v", applyFault.Name, applyPath, err)
		return res
	}
	if transient, err := r.planSettles(ctx); err != nil {
		violate("perpetual diff after %s on %s: %v", applyFault.Name, applyPath, err)
	} else if transient {
		res.Notes = append(res.Notes, fmt.Sprintf("after %s on %s, the first plan showed a diff that a refresh settled", applyFault.Name, applyPath))
	}
	for _, check := range []func(context.Context, *Run) error{checkLeapPairing, checkLeapCategories, checkLeapPlans} {
		if err := check(ctx, r); err != nil {
			violate("after convergence: %v", err)
		}
	}
	r.World.Clock().Advance(time.Hour)

	// Phase 2: a failover under a fault, then plain applies until it converges, then the rest
	// of the guide's sequence from there (as the leap-two-sites scenario runs it).
	switch foType {
	case "planned":
		r.chaosPlanned(ctx, rng, foFault, &res, violate)
	case "unplanned":
		r.chaosUnplanned(ctx, rng, foFault, &res, violate)
	case "test":
		r.chaosTest(ctx, rng, foFault, &res, violate)
	}
	return res
}

// chaosJobsPath is the API path the failover faults aim at.
const chaosJobsPath = "/api/nutanix/v3/recovery_plan_jobs"

// chaosFailover runs apply, a failover, under fault f, then plain applies until it converges,
// checking after each that the state of the configuration in dir records every job that may
// have changed something. The sites the fault took down come back up, except Canada in the
// disaster (dir "disaster"). It reports whether the run can go on.
func (r *Run) chaosFailover(ctx context.Context, rng *rand.Rand, f ChaosFault, apply Step, dir string, res *ChaosResult, violate func(string, ...any)) bool {
	before, err := r.chaosJobs(ctx)
	if err != nil {
		res.Err = err
		return false
	}
	landed, foErr := r.chaosApply(ctx, rng, f, chaosJobsPath, leapRecovery, apply)
	res.FailoverFailed, res.FailoverLanded = foErr != nil, landed
	if dir == "" {
		r.siteUpAll()
	} else if err := r.World.SiteUp(leapRecovery); err != nil {
		res.Err = err
		return false
	}
	if err := r.checkJobsRecorded(ctx, before, dir); err != nil {
		violate("%v", err)
	}
	n, err := r.converge(ctx, apply)
	res.FailoverConverge = n
	if err != nil {
		violate("the %s failover did not converge after %s: %v", res.Failover, f.Name, err)
		return false
	}
	if err := r.checkJobsRecorded(ctx, before, dir); err != nil {
		violate("%v", err)
	}
	return true
}

// chaosPlanned runs the guide's planned failover under fault f: failover = "planned" with
// the scenario's configuration, plain applies until it converges, one more plain apply and
// an empty plan with the same variables (the VMs are found and tagged in France before
// active_site is flipped), then the reversal and the failback.
func (r *Run) chaosPlanned(ctx context.Context, rng *rand.Rand, f ChaosFault, res *ChaosResult, violate func(string, ...any)) {
	apply := Apply{Vars: map[string]string{"failover": "planned"}}
	if !r.chaosFailover(ctx, rng, f, apply, "", res, violate) {
		return
	}
	// Before active_site is flipped, a plain apply works: the VMs are found in France and
	// their tags adopted there (the apply that ran the failover read them in Canada, so one
	// more apply may be needed), and then the plan is empty.
	if _, err := r.converge(ctx, apply); err != nil {
		violate("a plain apply after the planned failover under %s, before active_site is flipped: %v", f.Name, err)
		return
	}
	if transient, err := r.planSettles(ctx); err != nil {
		violate("perpetual diff after the planned failover, before active_site is flipped: %v", err)
	} else if transient {
		res.Notes = append(res.Notes, fmt.Sprintf("after the planned failover under %s, the first plan showed a diff that a refresh settled", f.Name))
	}
	if err := r.checkRunsOnce(ctx); err != nil {
		violate("planned failover: %v", err)
	}
	if f.Name == prismsim.FaultJobSourceDown && res.FailoverLanded {
		// The job could not remove the source's copies (README: job_source_down): Canada
		// keeps them powered off, so the VMs run once, in France.
		if err := r.checkRunsOnce(ctx, leapRecovery); err != nil {
			violate("planned failover: %v", err)
		}
	} else if err := checkLeapMoved(ctx, r, leapPrimary, leapRecovery); err != nil {
		violate("planned failover: %v", err)
	}
	r.failback(ctx, violate)
}

// chaosUnplanned runs the guide's disaster under fault f: Canada down, the unplanned
// failover from the configuration that needs only France (tofu -chdir=disaster apply) and
// plain applies of it while Canada stays down; then Canada's return, where no VM may run at
// both sites, and the reversal and failback of the scenario's configuration.
func (r *Run) chaosUnplanned(ctx context.Context, rng *rand.Rand, f ChaosFault, res *ChaosResult, violate func(string, ...any)) {
	r.World.Clock().Advance(5 * time.Minute)
	if err := r.World.SiteDown(leapPrimary); err != nil {
		res.Err = err
		return
	}
	if !r.chaosFailover(ctx, rng, f, ApplyIn{Dir: "disaster"}, "disaster", res, violate) {
		return
	}
	if err := r.checkRunsOnce(ctx, leapRecovery); err != nil {
		violate("unplanned failover: %v", err)
	}
	if err := checkLeapUnplanned(ctx, r); err != nil {
		violate("unplanned failover: %v", err)
	}
	if err := r.World.SiteUp(leapPrimary); err != nil {
		res.Err = err
		return
	}
	if err := r.checkRunsOnce(ctx); err != nil {
		violate("Canada is back after the unplanned failover: %v", err)
	}
	if err := checkLeapMoved(ctx, r, leapPrimary, leapRecovery); err != nil {
		violate("Canada is back after the unplanned failover: %v", err)
	}
	r.failback(ctx, violate)
}

// chaosTest runs the guide's rehearsal under fault f: failover = "test", plain applies, then
// its cleanup (failover = ""), which must leave no test clone.
func (r *Run) chaosTest(ctx context.Context, rng *rand.Rand, f ChaosFault, res *ChaosResult, violate func(string, ...any)) {
	if !r.chaosFailover(ctx, rng, f, Apply{Vars: map[string]string{"failover": "test"}}, "", res, violate) {
		return
	}
	if err := checkLeapTestFailover(ctx, r); err != nil {
		violate("test failover: %v", err)
	}
	if err := r.checkRunsOnce(ctx, leapPrimary); err != nil {
		violate("test failover: %v", err)
	}
	if _, err := r.converge(ctx, Apply{Vars: map[string]string{"failover": ""}}); err != nil {
		violate("the test failover's cleanup did not converge: %v", err)
	} else if err := checkLeapVMsAt(ctx, r, leapRecovery, nil); err != nil {
		violate("orphaned test clones after the cleanup: %v", err)
	}
}

// chaosApply runs one apply (an Apply or an ApplyIn) under fault f (aimed at path on pc) and
// returns its error and whether the fault landed; the fault is removed afterwards.
func (r *Run) chaosApply(ctx context.Context, rng *rand.Rand, f ChaosFault, path, pc string, apply Step) (bool, error) {
	installed := prismsim.Fault{}
	if f.Fault != nil {
		fault := *f.Fault
		fault.PC, fault.PathPrefix = pc, path
		var err error
		if installed, err = r.World.AddFault(fault); err != nil {
			return false, err
		}
	}
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	if f.Interrupt {
		var stop context.CancelFunc
		actx, stop = context.WithTimeout(actx, time.Duration(1000+rng.IntN(6000))*time.Millisecond)
		defer stop()
	}
	done := make(chan struct{})
	if f.During != nil {
		go func() {
			defer close(done)
			f.During(actx, r, rng)
		}()
	} else {
		close(done)
	}
	r.logf("\n==> chaos: apply under %s (%s)\n", f.Name, path)
	err := apply.Do(actx, r)
	cancel()
	<-done
	landed := f.Name != "none"
	for _, left := range r.World.Faults() {
		if left.ID == installed.ID && left.Count == installed.Count {
			landed = false
		}
	}
	r.World.ClearFaults("")
	if err != nil {
		r.logf("\n==> chaos: the faulted apply failed: %v\n", err)
	}
	r.logf("\n==> chaos: the fault %s landed: %t\n", f.Name, landed)
	return landed, err
}

// converge runs apply (an Apply or an ApplyIn) until it succeeds, at most chaosMaxConverge
// times, and returns how many it took.
func (r *Run) converge(ctx context.Context, apply Step) (int, error) {
	var err error
	for i := 1; i <= chaosMaxConverge; i++ {
		r.logf("\n==> chaos: converging, plain apply %d\n", i)
		if err = apply.Do(ctx, r); err == nil {
			return i, nil
		}
	}
	return chaosMaxConverge, err
}

// siteUpAll brings every site back up.
func (r *Run) siteUpAll() {
	for _, pc := range r.World.PCs() {
		if pc.Down() {
			_ = r.World.SiteUp(pc.Name())
		}
	}
}

// checkRunsOnce checks that each protected VM is powered on exactly once over the sites given
// (both when none), and is not lost.
func (r *Run) checkRunsOnce(ctx context.Context, sites ...string) error {
	if len(sites) == 0 {
		sites = []string{leapPrimary, leapRecovery}
	}
	on := map[string][]string{}
	for _, pc := range sites {
		vms, err := r.VMs(ctx, pc)
		if err != nil {
			return err
		}
		for _, vm := range vms {
			if slices.Contains(leapProtectedVMs, vm.Name) && vm.PowerState == "ON" && !isTestCopy(vm) {
				on[vm.Name] = append(on[vm.Name], pc)
			}
		}
	}
	var errs []error
	for _, name := range leapProtectedVMs {
		switch n := len(on[name]); {
		case n == 0:
			errs = append(errs, fmt.Errorf("%s runs nowhere among %s: lost", name, strings.Join(sites, ", ")))
		case n > 1:
			errs = append(errs, fmt.Errorf("%s runs %d times (%s)", name, n, strings.Join(on[name], ", ")))
		}
	}
	return errors.Join(errs...)
}

// isTestCopy tells a test failover's copy (on the test network 192.168.51.0/25) from a VM.
func isTestCopy(vm VM) bool {
	for _, ip := range vm.IPAddresses {
		if strings.HasPrefix(ip, "192.168.51.") {
			return true
		}
	}
	return false
}

// planSettles runs `tofu plan`; when it proposes changes right after an apply, it refreshes the
// state once (`apply -refresh-only`) and plans again. transient is true when the second plan is
// empty: the first one only showed what the PCs settled after the apply (e.g. a recovery plan's
// validation warnings gone once its protection policy took effect); an error is a diff that
// stays.
func (r *Run) planSettles(ctx context.Context) (transient bool, err error) {
	if err := (PlanEmpty{}).Do(ctx, r); err == nil {
		return false, nil
	}
	r.logf("\n==> chaos: the plan is not empty: refreshing once and planning again\n")
	if err := r.Tofu(ctx, r.withVars(applyArgs("-refresh-only")...)...); err != nil {
		return false, err
	}
	if err := (PlanEmpty{}).Do(ctx, r); err != nil {
		return false, err
	}
	return true, nil
}

// failback runs the guide's reversal and failback after a failover to France, with plain
// applies: replication reversed (active_site = france), a planned failover back to canada,
// then the initial topology again; the VMs must run once, in canada.
func (r *Run) failback(ctx context.Context, violate func(string, ...any)) {
	steps := []map[string]string{
		{"active_site": leapRecovery, "failover": ""},
		{"failover": "planned"},
		{"active_site": leapPrimary, "failover": ""},
	}
	for i, vars := range steps {
		if i == 1 {
			r.World.Clock().Advance(time.Hour)
		}
		if _, err := r.converge(ctx, Apply{Vars: vars}); err != nil {
			violate("failback step %s did not converge: %v", formatVars(vars), err)
			return
		}
	}
	if _, err := r.planSettles(ctx); err != nil {
		violate("perpetual diff after the failback: %v", err)
	}
	if err := checkLeapMoved(ctx, r, leapRecovery, leapPrimary); err != nil {
		violate("failback: %v", err)
	}
	if err := r.checkRunsOnce(ctx); err != nil {
		violate("failback: %v", err)
	}
}

// chaosJob is a recovery plan job as the campaign sees it.
type chaosJob struct {
	UUID, Status string
}

// chaosJobs lists the recovery plan jobs of France.
func (r *Run) chaosJobs(ctx context.Context) ([]chaosJob, error) {
	var page struct {
		Entities []struct {
			Metadata struct {
				UUID string `json:"uuid"`
			} `json:"metadata"`
			Status struct {
				ExecutionStatus struct {
					Status string `json:"status"`
				} `json:"execution_status"`
			} `json:"status"`
		} `json:"entities"`
	}
	if err := r.Call(ctx, leapRecovery, http.MethodPost, "/api/nutanix/v3/recovery_plan_jobs/list",
		map[string]any{"kind": "recovery_plan_job", "length": 500}, &page); err != nil {
		return nil, fmt.Errorf("listing the jobs of %s: %w", leapRecovery, err)
	}
	var jobs []chaosJob
	for _, e := range page.Entities {
		jobs = append(jobs, chaosJob{UUID: e.Metadata.UUID, Status: e.Status.ExecutionStatus.Status})
	}
	return jobs, nil
}

// checkJobsRecorded checks that the state of the configuration in dir ("" for the scenario's,
// "disaster" for the one that needs only France) records the job of the failover when a job
// started since before may have changed something (it runs, or it ended having run its
// recovery).
func (r *Run) checkJobsRecorded(ctx context.Context, before []chaosJob, dir string) error {
	jobs, err := r.chaosJobs(ctx)
	if err != nil {
		return err
	}
	args := []string{"show", "-json"}
	if dir != "" {
		args = append([]string{"-chdir=" + dir}, args...)
	}
	out, err := r.TofuOutput(ctx, args...)
	if err != nil {
		return err
	}
	recorded := stateJobIDs(out)
	for _, j := range jobs {
		if slices.ContainsFunc(before, func(b chaosJob) bool { return b.UUID == j.UUID }) {
			continue
		}
		if j.Status == "FAILED" || j.Status == "ABORTED" || j.Status == "QUEUED" {
			// Refused by its validation or never run: it changed nothing.
			continue
		}
		if !slices.Contains(recorded, j.UUID) {
			// A later job of the same failover may have replaced it in the state.
			if len(recorded) > 0 && j.Status != "RUNNING" {
				continue
			}
			return fmt.Errorf("job %s (%s) may have changed something but the state does not record it (state: %v)", j.UUID, j.Status, recorded)
		}
	}
	return nil
}

// stateJobIDs returns the job_id of every nutanixdr_failover in `tofu show -json`.
func stateJobIDs(show []byte) []string {
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if json.Unmarshal(show, &doc) != nil {
		return nil
	}
	var ids []string
	for _, res := range doc.Values.RootModule.Resources {
		if id, ok := res.Values["job_id"].(string); ok && res.Type == "nutanixdr_failover" && id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// chaosSleep waits d or until ctx ends; it reports whether d passed.
func chaosSleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
