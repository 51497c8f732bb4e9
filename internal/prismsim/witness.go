package prismsim

import (
	"context"
	"fmt"
	"time"
)

// The witness: a recovery plan with witness_configuration_list (which the plan checks
// allow only when every VM of the plan is replicated synchronously to the recovery
// location) fails over by itself. When the plan's primary site goes down, the PC of its
// recovery location starts a FAILOVER job once witness_failover_timeout_secs of
// simulated time have passed (defaultWitnessTimeout when unset), provided the site is
// still down (and has not been down and up in between), the witness itself (when its
// address is an availability zone of a PC of the world) is up, no job of the plan is
// running and the plan still has VMs at the failed site. The job's status has
// witness_address set and initiator "witness". Bringing the site back does not fail
// back.

// defaultWitnessTimeout is the failover timeout of a witness without
// witness_failover_timeout_secs.
const defaultWitnessTimeout = 30 * time.Second

// witnessArm is an automatic failover waiting for its timeout.
type witnessArm struct {
	plan        string
	planName    string
	address     string
	failedURL   string
	recoveryURL string
	timeout     time.Duration
}

// witnessSiteDown arms the witnesses of the plans whose primary site went down. World.SiteDown
// calls it once the site is down.
func (w *World) witnessSiteDown(site string) {
	since, down := w.repl.downSinceOf(site)
	if !down {
		return
	}
	for _, pc := range w.pcs {
		if pc.Name() == site || pc.Down() {
			continue
		}
		var arms []witnessArm
		pc.mu.Lock()
		for _, e := range pc.entitiesLocked(planKind) {
			if e.committed == nil {
				continue
			}
			if arm, ok := pc.witnessArmLocked(e, site); ok {
				arms = append(arms, arm)
			}
		}
		pc.mu.Unlock()
		for _, arm := range arms {
			pc, arm := pc, arm
			w.clock.AfterFunc(arm.timeout, func(time.Time) { w.witnessFire(pc, site, since, arm) })
		}
	}
}

// witnessArmLocked returns the automatic failover of plan e from site to this PC, if the
// plan has a witness for it.
func (pc *PC) witnessArmLocked(e *entity, site string) (witnessArm, bool) {
	p := pc.planOfLocked(e.uuid, e.current())
	if p.witness == nil || p.primaryAZ().site != site || p.recoveryAZ().site != pc.Name() {
		return witnessArm{}, false
	}
	failed, local := pc.azOfLocked(site), pc.localAZLocked()
	if failed == nil || local == nil {
		return witnessArm{}, false
	}
	arm := witnessArm{plan: e.uuid, planName: e.current().name, address: p.witness.address,
		failedURL: failed.uuid, recoveryURL: local.uuid, timeout: p.witness.timeout}
	if arm.timeout <= 0 {
		arm.timeout = defaultWitnessTimeout
	}
	return arm, true
}

// witnessFire starts the automatic failover of an armed witness if it still applies. It
// runs on the clock's goroutine (or in an advance) without any mutex held.
func (w *World) witnessFire(pc *PC, site string, since time.Time, arm witnessArm) {
	src := w.PC(site)
	if src == nil || !src.Down() || pc.Down() {
		return
	}
	if t, down := w.repl.downSinceOf(site); !down || !t.Equal(since) {
		return
	}
	pc.mu.Lock()
	e := pc.entityLocked(planKind, arm.plan)
	ok := e != nil && e.committed != nil && pc.runningJobLocked(arm.plan) == nil
	var p *recoveryPlan
	if ok {
		_, ok = pc.witnessArmLocked(e, site)
		p = pc.planOfLocked(e.uuid, e.current())
	}
	witnessSite := ""
	if ok && isUUID(arm.address) {
		witnessSite, _ = pc.azTargetLocked(arm.address)
	}
	pc.mu.Unlock()
	if !ok {
		return
	}
	if ws := w.PC(witnessSite); ws != nil && ws.Down() {
		return
	}
	// Nothing to do when the plan's VMs are not at the failed site any more.
	facts := w.sitesFacts([]string{site}, false)[site]
	if facts == nil || len(p.entities(facts)) == 0 {
		return
	}
	now := w.clock.Now()
	name := truncate(fmt.Sprintf("witness-failover-%s", now.UTC().Format("20060102-150405")), maxJobName)
	req := jobRequest{name: name, planUUID: arm.plan, action: actionFailover, failedURL: arm.failedURL, recoveryURL: arm.recoveryURL}
	snap := &snapshot{spec: jobSpecJSON(name, arm.plan, arm.planName, actionFailover, arm.failedURL, arm.recoveryURL),
		categories: map[string][]string{}, updated: now}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	_, _ = pc.newJobLocked(context.Background(), newUUID(), req, snap, initiatorWitness, arm.address, nil)
}
