package prismsim

import (
	"encoding/json"
	"sort"
	"time"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// VM recovery points. They are not intentful entities of the PC's inventory (a policy
// makes thousands): each PC keeps its own in a store, by series (rule, schedule, VM), and
// answers POST /vm_recovery_points/list and GET /vm_recovery_points/{uuid} for the
// recovery points that live on it: the local ones it took as a source, and the copies it
// received as a destination. Synchronous replicas are computed when read
// (replicator.liveReplicas).
//
// Retention: linear keeps the newest num_snapshots of a series; roll-up (multiple, unit)
// keeps every point of the last unit, then the newest point of each unit-long bucket
// (UTC-aligned) for multiple units. It is applied at each new point of the series. A
// point's expiration_time is its creation time plus num_snapshots RPOs (linear) or
// multiple units (roll-up). Under a linear retention the expiration_time of a series'
// points is recomputed at each new point from the current RPO (refreshExpiry), so that it
// stays what the retention will do after an RPO change. Points whose expiration_time has
// passed are removed (copies of a live rule one replication delay later: their series is
// pruned when the next copy arrives), so no point is listed past its expiry for long.

// recoveryPoint is one VM recovery point on one PC.
type recoveryPoint struct {
	uuid              string
	agnostic          string // shared by a point and its copies
	name              string
	seq               int64
	rule              string
	ruleName          string
	sched             int
	vmUUID            string
	vmName            string
	vmSpec            json.RawMessage
	vmCategories      map[string][]string
	typ               string
	created           time.Time
	expires           time.Time
	clusterUUID       string
	clusterName       string
	sourcePC          string // the PC a copy came from; "" for a local point
	sourceCluster     string
	sourceClusterName string
	live              bool   // a synchronous replica, computed when read
	store             string // the MST store (mst.go) a replica is kept in
}

type seriesKey struct {
	rule  string
	sched int
	vm    string
}

// pointStore holds a PC's recovery points; it is guarded by the PC's mutex.
type pointStore struct {
	byID   map[string]*recoveryPoint
	series map[seriesKey][]*recoveryPoint
	seq    int64
}

func newPointStore() pointStore {
	return pointStore{byID: map[string]*recoveryPoint{}, series: map[seriesKey][]*recoveryPoint{}}
}

// add stores p and applies the retention to its series.
func (st *pointStore) add(p *recoveryPoint, keep retention) {
	st.seq++
	p.seq = st.seq
	st.byID[p.uuid] = p
	k := seriesKey{rule: p.rule, sched: p.sched, vm: p.vmUUID}
	list := append(st.series[k], p)
	for i := len(list) - 1; i > 0 && list[i].created.Before(list[i-1].created); i-- {
		list[i], list[i-1] = list[i-1], list[i]
	}
	st.series[k] = st.prune(list, keep, list[len(list)-1].created)
}

// prune applies a retention to a series sorted by creation time, as of ref.
func (st *pointStore) prune(list []*recoveryPoint, keep retention, ref time.Time) []*recoveryPoint {
	if keep.unit == 0 {
		if keep.count > 0 && len(list) > keep.count {
			for _, p := range list[:len(list)-keep.count] {
				delete(st.byID, p.uuid)
			}
			list = list[len(list)-keep.count:]
		}
		return list
	}
	fine := ref.Add(-keep.unit)
	horizon := ref.Add(-time.Duration(keep.multiple) * keep.unit)
	i := 0
	for i < len(list) && !list[i].created.After(fine) {
		i++
	}
	if i == 0 {
		return list
	}
	kept := make([]*recoveryPoint, 0, len(list))
	for j, p := range list[:i] {
		newerInBucket := j+1 < i && list[j+1].created.Truncate(keep.unit).Equal(p.created.Truncate(keep.unit))
		if !p.created.After(horizon) || newerInBucket {
			delete(st.byID, p.uuid)
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == i {
		return list
	}
	return append(kept, list[i:]...)
}

// refreshExpiry recomputes the expiration_time of the points of p's series under a
// linear retention: the i-th newest point (from 0) goes when count-i more points have
// come, one RPO apart, so it expires count-i RPOs after the newest one was taken.
func (st *pointStore) refreshExpiry(p *recoveryPoint, keep retention, rpo time.Duration) {
	if keep.unit > 0 || keep.count <= 0 || rpo <= 0 {
		return
	}
	list := st.series[seriesKey{rule: p.rule, sched: p.sched, vm: p.vmUUID}]
	if len(list) == 0 {
		return
	}
	newest := list[len(list)-1].created
	for i, q := range list {
		q.expires = newest.Add(time.Duration(keep.count-(len(list)-1-i)) * rpo)
	}
}

// pruneExpired removes the points whose expiration_time has passed; copies (points with a
// source PC) of a rule that is still scheduled are given copyGrace more, the time the
// next copy takes to arrive and prune them by the retention.
func (st *pointStore) pruneExpired(now time.Time, copyGrace time.Duration, live func(rule string) bool) {
	liveRules := map[string]bool{}
	for k, list := range st.series {
		isLive, seen := liveRules[k.rule]
		if !seen {
			isLive = live(k.rule)
			liveRules[k.rule] = isLive
		}
		kept := list[:0]
		for _, p := range list {
			end := p.expires
			if isLive && p.sourcePC != "" {
				end = end.Add(copyGrace)
			}
			if p.expires.IsZero() || end.After(now) {
				kept = append(kept, p)
			} else {
				delete(st.byID, p.uuid)
			}
		}
		if len(kept) == 0 {
			delete(st.series, k)
		} else {
			st.series[k] = kept
		}
	}
}

// vmClusterLocked returns a VM's cluster uuid (VMs do not move between clusters).
func (pc *PC) vmClusterLocked(vm *entity) string {
	if c, ok := pc.vmClusters[vm.uuid]; ok {
		return c
	}
	c := ""
	if ref := decodeVMSpec(vm.current().spec).ClusterReference; ref != nil {
		c = normUUID(ref.UUID)
	}
	pc.vmClusters[vm.uuid] = c
	return c
}

// selectedVMsLocked returns the VMs of this PC (the schedule's source) the rule selects.
func (pc *PC) selectedVMsLocked(plan *rulePlan, s planSchedule) []*entity {
	loc := plan.locations[s.src]
	var out []*entity
	for _, vm := range pc.entitiesLocked(vmKind) {
		if vm.committed == nil || !plan.filter.matches(vm.current().categories) {
			continue
		}
		if len(loc.clusters) > 0 && !contains(loc.clusters, pc.vmClusterLocked(vm)) {
			continue
		}
		out = append(out, vm)
	}
	return out
}

// newPointLocked makes a recovery point of vm (of this PC) at the given time.
func (pc *PC) newPointLocked(plan *rulePlan, s planSchedule, vm *entity, at time.Time) *recoveryPoint {
	cur := vm.current()
	p := &recoveryPoint{
		uuid:         newUUID(),
		agnostic:     newUUID(),
		name:         truncate(cur.name+"_"+at.UTC().Format("2006-01-02_15-04-05"), 64),
		rule:         plan.uuid,
		ruleName:     plan.name,
		sched:        s.id,
		vmUUID:       vm.uuid,
		vmName:       cur.name,
		vmSpec:       cur.spec,
		vmCategories: cur.categories,
		typ:          s.snapshotType,
		created:      at,
		clusterUUID:  pc.vmClusterLocked(vm),
	}
	if c := pc.entityLocked(clusterKind, p.clusterUUID); c != nil {
		p.clusterName = c.current().name
	}
	return p
}

// takeRecoveryPointsLocked takes a local recovery point of every VM the schedule selects.
func (pc *PC) takeRecoveryPointsLocked(plan *rulePlan, s planSchedule, at time.Time) []*recoveryPoint {
	vms := pc.selectedVMsLocked(plan, s)
	out := make([]*recoveryPoint, 0, len(vms))
	for _, vm := range vms {
		p := pc.newPointLocked(plan, s, vm, at)
		p.expires = at.Add(s.local.horizon(s.rpo))
		pc.points.add(p, s.local)
		pc.points.refreshExpiry(p, s.local, s.rpo)
		out = append(out, p)
	}
	return out
}

// receiveLocked stores the copies of a transfer that arrived on this PC.
func (pc *PC) receiveLocked(tr *transfer, _ time.Time) {
	clusterUUID := ""
	if len(tr.dst.clusters) > 0 {
		clusterUUID = tr.dst.clusters[0]
	} else if tr.dst.target == "AOS_CLUSTER" {
		for _, c := range pc.entitiesLocked(clusterKind) {
			if !clusterInfo(c).prismCentral {
				clusterUUID = c.uuid
				break
			}
		}
	}
	clusterName := ""
	if c := pc.entityLocked(clusterKind, clusterUUID); c != nil {
		clusterName = c.current().name
	}
	for _, src := range tr.points {
		p := *src
		p.uuid = newUUID()
		p.expires = src.created.Add(tr.sched.remote.horizon(tr.sched.rpo))
		p.sourcePC, p.sourceCluster, p.sourceClusterName = tr.src, src.clusterUUID, src.clusterName
		p.clusterUUID, p.clusterName = clusterUUID, clusterName
		if tr.dst.target == "MST" {
			p.store = tr.dst.store
		}
		keep := storeRetention(tr.dst, tr.sched.remote)
		pc.points.add(&p, keep)
		pc.points.refreshExpiry(&p, keep, tr.sched.rpo)
	}
}

// recoveryPointsLocked returns this PC's recovery points (with the live replicas given),
// oldest first, after removing expired ones. The caller holds the PC's mutex.
func (pc *PC) recoveryPointsLocked(live []*recoveryPoint) []*recoveryPoint {
	pc.points.pruneExpired(pc.w.clock.Now(), pc.w.Settings().ReplicationDelay.Std(), pc.w.repl.live)
	out := make([]*recoveryPoint, 0, len(pc.points.byID)+len(live))
	for _, p := range pc.points.byID {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].created.Equal(out[j].created) {
			return out[i].created.Before(out[j].created)
		}
		return out[i].seq < out[j].seq
	})
	return append(out, live...)
}

// pointView is what rendering a recovery point needs of its PC.
type pointView struct {
	pc    *PC
	local *entity
	now   time.Time
}

func (pc *PC) pointViewLocked() pointView {
	return pointView{pc: pc, local: pc.localAZLocked(), now: pc.w.clock.Now()}
}

// v3PointLocked is p as the v3 wire shows it.
func (v pointView) v3PointLocked(p *recoveryPoint) v3.RecoveryPoint {
	out := v3.RecoveryPoint{
		UUID: p.uuid, Name: p.name, Agnostic: p.agnostic, Type: p.typ,
		VM:     v3.Reference{Kind: vmKind.name, UUID: p.vmUUID, Name: p.vmName},
		VMSpec: p.vmSpec, VMCategories: p.vmCategories, Created: p.created, Expires: p.expires,
		Rule:      v3.Reference{Kind: policyKind.name, UUID: p.rule, Name: p.ruleName},
		StoreUUID: p.store, Store: v.pc.storeRefLocked(p.store),
	}
	if v.local != nil {
		ref := v3.Reference(v.local.ref())
		out.AZ = &ref
	}
	if p.clusterUUID != "" {
		out.Cluster = &v3.Reference{Kind: clusterKind.name, UUID: p.clusterUUID, Name: p.clusterName}
	}
	if p.sourcePC != "" {
		if az := v.pc.azOfLocked(p.sourcePC); az != nil {
			ref := v3.Reference(az.ref())
			out.SourceAZ = &ref
		}
		if p.sourceCluster != "" {
			out.SourceCluster = &v3.Reference{Kind: clusterKind.name, UUID: p.sourceCluster, Name: p.sourceClusterName}
		}
	}
	return out
}

// VMRecoveryPoints implements v3.Backend.
func (pc *PC) VMRecoveryPoints() []v3.RecoveryPoint {
	var out []v3.RecoveryPoint
	pc.viewRecoveryPoints(func(v pointView, points []*recoveryPoint) {
		out = make([]v3.RecoveryPoint, len(points))
		for i, p := range points {
			out[i] = v.v3PointLocked(p)
		}
	})
	return out
}

// VMRecoveryPoint implements v3.Backend.
func (pc *PC) VMRecoveryPoint(id string) (v3.RecoveryPoint, error) {
	var out v3.RecoveryPoint
	err := pc.viewRecoveryPoint(id, func(v pointView, p *recoveryPoint) { out = v.v3PointLocked(p) })
	return out, err
}

// viewRecoveryPoints calls view with the recovery points that live on the PC now (live
// synchronous replicas included) and what rendering them needs.
func (pc *PC) viewRecoveryPoints(view func(v pointView, points []*recoveryPoint)) {
	live := pc.w.repl.liveReplicas(pc.Name(), pc.w.clock.Now())
	pc.mu.Lock()
	defer pc.mu.Unlock()
	view(pc.pointViewLocked(), pc.recoveryPointsLocked(live))
}

// viewRecoveryPoint calls view with the recovery point id of the PC.
func (pc *PC) viewRecoveryPoint(id string, view func(v pointView, p *recoveryPoint)) error {
	live := pc.w.repl.liveReplicas(pc.Name(), pc.w.clock.Now())
	pc.mu.Lock()
	defer pc.mu.Unlock()
	v := pc.pointViewLocked()
	pc.points.pruneExpired(v.now, pc.w.Settings().ReplicationDelay.Std(), pc.w.repl.live)
	if p := pc.points.byID[id]; p != nil {
		view(v, p)
		return nil
	}
	for _, p := range live {
		if p.uuid == id {
			view(v, p)
			return nil
		}
	}
	return notFoundError("vm_recovery_point", id)
}

// RecoveryPointStats counts the recovery points that live on a PC.
type RecoveryPointStats struct {
	// Total counts every recovery point, live synchronous replicas included.
	Total int `json:"total"`
	// Live counts the synchronous replicas.
	Live int `json:"live"`
	// ByProtectionRule counts by the uuid of the rule that made them.
	ByProtectionRule map[string]int `json:"by_protection_rule"`
	// ByVM counts by the name of the VM they are of.
	ByVM map[string]int `json:"by_vm"`
	// Latest is the creation time of the newest one.
	Latest *time.Time `json:"latest,omitempty"`
}

// RecoveryPointStats counts the recovery points that live on the PC now.
func (p *PC) RecoveryPointStats() RecoveryPointStats {
	live := p.w.repl.liveReplicas(p.Name(), p.w.clock.Now())
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.recoveryPointStatsLocked(live)
}

func (p *PC) recoveryPointStatsLocked(live []*recoveryPoint) RecoveryPointStats {
	st := RecoveryPointStats{ByProtectionRule: map[string]int{}, ByVM: map[string]int{}, Live: len(live)}
	for _, rp := range p.recoveryPointsLocked(live) {
		st.Total++
		st.ByProtectionRule[rp.rule]++
		st.ByVM[rp.vmName]++
		if st.Latest == nil || rp.created.After(*st.Latest) {
			t := rp.created
			st.Latest = &t
		}
	}
	return st
}

// ProtectionRuleState is how the admin state shows a protection rule of a PC.
type ProtectionRuleState struct {
	UUID  string `json:"uuid"`
	Name  string `json:"name"`
	Owner string `json:"owner"`
	// State is status.state: PENDING, COMPLETE or DELETE_PENDING.
	State string `json:"state"`
	// ProtectedVMs names the VMs of this PC the rule selects.
	ProtectedVMs []string `json:"protected_vms"`
	// Suspended is true while a synchronous schedule is suspended.
	Suspended bool `json:"suspended"`
	// Messages describe suspended or stalled replication.
	Messages []string `json:"messages,omitempty"`
}

func (p *PC) ruleStatesLocked() []ProtectionRuleState {
	now := p.w.clock.Now()
	out := []ProtectionRuleState{}
	for _, e := range p.entitiesLocked(policyKind) {
		owner := p.Name()
		if o := policyInfo(e).origin; o != "" {
			owner = o
		}
		st := ProtectionRuleState{UUID: e.uuid, Name: e.intent.name, Owner: owner, ProtectedVMs: []string{},
			Suspended: p.w.repl.syncSuspended(e.uuid, now)}
		st.State = entityState(e)
		for _, vm := range p.protectedVMsLocked(e) {
			st.ProtectedVMs = append(st.ProtectedVMs, vm.current().name)
		}
		for _, m := range p.w.repl.ruleMessages(e.uuid, now) {
			st.Messages = append(st.Messages, m.Message)
		}
		out = append(out, st)
	}
	return out
}
