package prismsim

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Replication on the simulated clock.
//
// Each committed protection rule is planned (rulePlan) from its owner's view: every
// location resolves to a PC of the world. For every schedule with an RPO, a timer fires
// at the rule's start (the commit, or the next start_time) and then every RPO. At each
// tick the source PC takes one recovery point of every VM of its inventory the category
// filter selects (none while the source site is down), keeps them by the local retention,
// and sends them to the destination: they arrive Settings.ReplicationDelay later and are
// kept there by the remote retention. While the destination site is down, what it should
// receive waits (queued) and is sent when it is back up, arriving one replication delay
// after that.
//
// A synchronous schedule (RPO 0) has no timer: the destination has one live replica of
// each selected VM, created "now" whenever it is read (as of the outage while the source
// is down). While the destination is down the rule's status says replication is stalled,
// or suspended once auto_suspend_timeout_secs has passed; it resumes when the site is up.
//
// Locking: the replicator's mutex may be taken while holding a PC's mutex, never the
// other way round. Timer callbacks take the replicator's mutex, release it, then take one
// PC's mutex at a time.

// retention is a checked snapshot_retention_policy.
type retention struct {
	count    int           // linear: keep the newest count
	multiple int           // roll-up: keep for multiple units
	unit     time.Duration // roll-up unit (HOURLY...); 0 for linear
}

// horizon is how long a recovery point is expected to live under r with the given RPO.
func (r retention) horizon(rpo time.Duration) time.Duration {
	if r.unit > 0 {
		return time.Duration(r.multiple) * r.unit
	}
	return time.Duration(r.count) * rpo
}

func retentionOf(v *retentionView, fallback retention) retention {
	switch {
	case v == nil:
		return fallback
	case v.NumSnapshots != nil:
		return retention{count: int(*v.NumSnapshots)}
	case v.Rollup != nil && v.Rollup.Multiple != nil:
		return retention{multiple: int(*v.Rollup.Multiple), unit: rollupUnitLengths[v.Rollup.IntervalType]}
	}
	return fallback
}

type planLocation struct {
	pc       string // the PC of the world the location is
	clusters []string
	target   string
	store    string // the MST store (recovery_point_repository_uuid) of a target MST
}

type planSchedule struct {
	id           int // position among the rule's schedules, in spec order
	src, dst     int
	rpo          time.Duration
	snapshotType string
	local        retention
	remote       retention
	autoSuspend  time.Duration
	suspends     bool // auto_suspend_timeout_secs is set
}

// rulePlan is what replication needs of a committed rule.
type rulePlan struct {
	uuid      string
	name      string
	owner     string
	locations []planLocation
	schedules []planSchedule
	filter    *categoryFilterView
	start     time.Time
	// fixedStart is true when start comes from start_time.
	fixedStart bool
}

// planLocked builds the plan of a committed rule of this PC.
func (pc *PC) planLocked(e *entity) *rulePlan {
	spec := decodeRuleSpec(e.current().spec)
	r := spec.Resources
	now := pc.w.clock.Now()
	plan := &rulePlan{uuid: e.uuid, name: e.current().name, owner: pc.Name(), filter: r.CategoryFilter, start: now}
	if r.StartTime != nil {
		var hh, mm int
		if _, err := fmt.Sscanf(*r.StartTime, "%dh:%dm", &hh, &mm); err == nil {
			day := now.Truncate(24 * time.Hour)
			at := day.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
			if at.Before(now) {
				at = at.Add(24 * time.Hour)
			}
			plan.start, plan.fixedStart = at, true
		}
	}
	for _, loc := range r.OrderedAZList {
		target, _ := pc.azTargetLocked(loc.AvailabilityZoneURL)
		plan.locations = append(plan.locations, planLocation{pc: target, clusters: loc.clusters(), target: loc.target(),
			store: normUUID(loc.RecoveryPointRepositoryUUID)})
	}
	for _, conn := range r.ConnectivityList {
		if conn.SourceIndex == nil || conn.DestinationIndex == nil {
			continue
		}
		for _, s := range conn.Schedules {
			if s.RPOSecs == nil {
				continue
			}
			remote := retentionOf(s.Remote, retention{count: 1})
			ps := planSchedule{
				id:           len(plan.schedules),
				src:          int(*conn.SourceIndex),
				dst:          int(*conn.DestinationIndex),
				rpo:          time.Duration(*s.RPOSecs) * time.Second,
				snapshotType: s.SnapshotType,
				remote:       remote,
				local:        retentionOf(s.Local, remote),
			}
			if ps.snapshotType == "" {
				ps.snapshotType = "CRASH_CONSISTENT"
			}
			if s.AutoSuspendTimeoutSecs != nil {
				ps.suspends = true
				ps.autoSuspend = time.Duration(*s.AutoSuspendTimeoutSecs) * time.Second
			}
			plan.schedules = append(plan.schedules, ps)
		}
	}
	return plan
}

// ruleRun is the live schedule of a rule.
type ruleRun struct {
	plan    *rulePlan
	timers  []*Timer
	stopped bool
}

// transfer is a batch of recovery points on its way to a destination.
type transfer struct {
	rule     string
	ruleName string
	sched    planSchedule
	src      string
	dst      planLocation
	points   []*recoveryPoint
}

type replicator struct {
	w         *World
	mu        sync.Mutex
	runs      map[string]*ruleRun
	queued    map[string][]*transfer // by destination PC
	downSince map[string]time.Time
}

func newReplicator(w *World) *replicator {
	return &replicator{w: w, runs: map[string]*ruleRun{}, queued: map[string][]*transfer{}, downSince: map[string]time.Time{}}
}

// schedule starts (or restarts, after an update) a rule's timers.
func (r *replicator) schedule(plan *rulePlan) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.runs[plan.uuid]
	r.stopLocked(plan.uuid)
	run := &ruleRun{plan: plan, timers: make([]*Timer, len(plan.schedules))}
	r.runs[plan.uuid] = run
	now := plan.start
	keepPace := old != nil && !plan.fixedStart && old.plan.start.Before(now)
	if keepPace {
		plan.start = old.plan.start
	}
	for _, s := range plan.schedules {
		if s.rpo <= 0 {
			continue
		}
		s := s
		first := plan.start
		if keepPace {
			// An update keeps the pace of the running schedule: the next recovery point is
			// due at the next multiple of the RPO since the rule started.
			first = plan.start.Add((now.Sub(plan.start)/s.rpo + 1) * s.rpo)
		}
		run.timers[s.id] = r.w.clock.AtFunc(first, func(due time.Time) { r.tick(run, s, due) })
	}
}

// stop ends a rule's schedule; its recovery points stay until they expire.
func (r *replicator) stop(rule string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopLocked(rule)
}

func (r *replicator) stopLocked(rule string) {
	run := r.runs[rule]
	if run == nil {
		return
	}
	run.stopped = true
	for _, t := range run.timers {
		if t != nil {
			t.Stop()
		}
	}
	delete(r.runs, rule)
}

// live reports whether a rule is scheduled. The caller may hold a PC's mutex.
func (r *replicator) live(rule string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.runs[rule] != nil
}

// tick is one RPO of an asynchronous schedule: it schedules the next one, then takes and
// sends the recovery points.
func (r *replicator) tick(run *ruleRun, s planSchedule, due time.Time) {
	r.mu.Lock()
	if run.stopped {
		r.mu.Unlock()
		return
	}
	run.timers[s.id] = r.w.clock.AtFunc(due.Add(s.rpo), func(next time.Time) { r.tick(run, s, next) })
	plan := run.plan
	r.mu.Unlock()

	src := r.w.PC(plan.locations[s.src].pc)
	if src == nil || src.Down() {
		return
	}
	src.mu.Lock()
	points := src.takeRecoveryPointsLocked(plan, s, due)
	src.mu.Unlock()
	if len(points) == 0 {
		return
	}
	r.send(&transfer{rule: plan.uuid, ruleName: plan.name, sched: s, src: src.Name(), dst: plan.locations[s.dst], points: points}, due)
}

// send dispatches a transfer sent at the given time: it arrives one replication delay
// later, or waits while the destination is down.
func (r *replicator) send(tr *transfer, at time.Time) {
	dst := r.w.PC(tr.dst.pc)
	if dst == nil {
		return
	}
	r.mu.Lock()
	if dst.Down() {
		r.queued[dst.Name()] = append(r.queued[dst.Name()], tr)
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	delay := r.w.Settings().ReplicationDelay.Std()
	r.w.clock.AtFunc(at.Add(delay), func(due time.Time) { r.arrive(tr, due) })
}

// arrive stores a transfer's copies on its destination, or queues it again when the
// destination went down meanwhile.
func (r *replicator) arrive(tr *transfer, due time.Time) {
	dst := r.w.PC(tr.dst.pc)
	if dst == nil {
		return
	}
	r.mu.Lock()
	if dst.Down() {
		r.queued[dst.Name()] = append(r.queued[dst.Name()], tr)
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	dst.mu.Lock()
	dst.receiveLocked(tr, due)
	dst.mu.Unlock()
}

// siteDown records when a site went down.
func (r *replicator) siteDown(name string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.downSince[name]; !ok {
		r.downSince[name] = at
	}
}

// siteUp sends what waited for a site that is back up. The site's down flag is already
// clear.
func (r *replicator) siteUp(name string, at time.Time) {
	r.mu.Lock()
	delete(r.downSince, name)
	waiting := r.queued[name]
	delete(r.queued, name)
	r.mu.Unlock()
	for _, tr := range waiting {
		r.send(tr, at)
	}
}

// ruleMessages describes, as message_list items, the replication of a rule that is
// suspended or stalled at now. The caller may hold a PC's mutex.
func (r *replicator) ruleMessages(rule string, now time.Time) []messageItem {
	r.mu.Lock()
	defer r.mu.Unlock()
	run := r.runs[rule]
	if run == nil {
		return nil
	}
	var out []messageItem
	for _, s := range run.plan.schedules {
		src, dst := run.plan.locations[s.src].pc, run.plan.locations[s.dst].pc
		if since, down := r.downSince[src]; down {
			out = append(out, messageItem{
				Reason:  reasonRemoteNotConnected,
				Message: fmt.Sprintf("source %s is down since %s: no recovery points are taken", src, formatTime(since)),
				Details: map[string]string{"source": src, "destination": dst},
			})
			continue
		}
		since, down := r.downSince[dst]
		if !down {
			continue
		}
		msg := ""
		switch {
		case s.rpo > 0:
			n := 0
			for _, tr := range r.queued[dst] {
				if tr.rule == rule && tr.sched.id == s.id {
					n += len(tr.points)
				}
			}
			msg = fmt.Sprintf("replication from %s to %s is suspended since %s: %s is unreachable; %d recovery point(s) wait to be sent",
				src, dst, formatTime(since), dst, n)
		case s.suspends && now.Sub(since) >= s.autoSuspend:
			msg = fmt.Sprintf("synchronous replication from %s to %s is suspended since %s (auto_suspend_timeout_secs %d passed after %s became unreachable); it resumes when %s is back",
				src, dst, formatTime(since.Add(s.autoSuspend)), int64(s.autoSuspend/time.Second), dst, dst)
		default:
			msg = fmt.Sprintf("synchronous replication from %s to %s is stalled since %s: %s is unreachable", src, dst, formatTime(since), dst)
		}
		out = append(out, messageItem{Reason: reasonRemoteNotConnected, Message: msg,
			Details: map[string]string{"source": src, "destination": dst}})
	}
	return out
}

// syncSuspended reports whether a synchronous schedule of the rule is suspended (its
// destination has been down for longer than auto_suspend_timeout_secs).
func (r *replicator) syncSuspended(rule string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	run := r.runs[rule]
	if run == nil {
		return false
	}
	for _, s := range run.plan.schedules {
		since, down := r.downSince[run.plan.locations[s.dst].pc]
		if s.rpo == 0 && down && s.suspends && now.Sub(since) >= s.autoSuspend {
			return true
		}
	}
	return false
}

// liveReplicas returns the synchronous replicas that live on the named PC at now: one per
// VM selected by a synchronous schedule towards it. It takes no mutex on entry.
func (r *replicator) liveReplicas(dstName string, now time.Time) []*recoveryPoint {
	type job struct {
		plan *rulePlan
		s    planSchedule
		asOf time.Time
	}
	var jobs []job
	r.mu.Lock()
	ids := make([]string, 0, len(r.runs))
	for id := range r.runs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		run := r.runs[id]
		for _, s := range run.plan.schedules {
			if s.rpo != 0 || run.plan.locations[s.dst].pc != dstName {
				continue
			}
			j := job{plan: run.plan, s: s, asOf: now}
			for _, end := range []string{run.plan.locations[s.src].pc, dstName} {
				if t, down := r.downSince[end]; down && t.Before(j.asOf) {
					j.asOf = t
				}
			}
			jobs = append(jobs, j)
		}
	}
	r.mu.Unlock()
	var out []*recoveryPoint
	for _, j := range jobs {
		src := r.w.PC(j.plan.locations[j.s.src].pc)
		if src == nil {
			continue
		}
		src.mu.Lock()
		for _, vm := range src.selectedVMsLocked(j.plan, j.s) {
			key := fmt.Sprintf("%s/%d/%s/%s", j.plan.uuid, j.s.id, vm.uuid, dstName)
			p := src.newPointLocked(j.plan, j.s, vm, j.asOf)
			p.uuid, p.agnostic = hashUUID("live/"+key), hashUUID("agnostic/"+key)
			p.name = truncate(vm.current().name+"_synchronous_replica", 64)
			p.live = true
			p.sourcePC, p.sourceCluster, p.sourceClusterName = src.Name(), p.clusterUUID, p.clusterName
			p.clusterUUID, p.clusterName = "", ""
			out = append(out, p)
		}
		src.mu.Unlock()
	}
	return out
}

// hashUUID derives a stable UUID (version 4 layout) from a key.
func hashUUID(key string) string {
	b := sha256.Sum256([]byte(key))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
