package prismsim

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"time"
)

// What a recovery plan job does (jobs are in recovery_plan_jobs.go). A job runs in a
// goroutine of the recovery PC once its create task has succeeded:
//
//  1. Validation (planFailover), on the facts of both sites (gatherFailoverFacts): the VMs to recover stage by
//     stage, where each NIC goes and which address it gets, the recovery cluster's
//     capacity, categories at the recovery site. Errors stop the job (FAILED) unless
//     should_continue_on_validation_failure is set, in which case the VMs in error are
//     skipped. A VALIDATE job ends here: FAILED with errors, COMPLETED_WITH_WARNING with
//     warnings only, else COMPLETED.
//  2. Preprocessing: the capacity reservation; for MIGRATE the VMs are powered off at the
//     source and their final state is synchronized, for LIVE_MIGRATE the running VMs are
//     synchronized.
//  3. Operation, stage by stage: each VM is created at the recovery site (same uuid, same
//     name and categories; a test failover creates clones named <name>-test with a new
//     uuid) on the mapped networks, powered on as the plan says; the job waits the
//     stage's delay_time_secs of simulated time before the next stage.
//  4. Postprocessing: MIGRATE and LIVE_MIGRATE remove the VMs from the source.
//
// Every step but stage delays is immediate: with no delays a job ends about one task
// latency after it is created, whatever the clock rate. Stage delays are simulated
// seconds: they pass with the clock (Settings.ClockRate, or an advance of the clock).
//
// Sources: MIGRATE and LIVE_MIGRATE move the live VMs of the source, which must be up.
// FAILOVER and TEST_FAILOVER recover from the latest recovery point at the recovery site,
// copied from the source (or a synchronous replica), taken at or before
// recovery_reference_time (default: now); the source may be down. VALIDATE checks as a
// planned failover when the source is up, else as an unplanned one.
//
// Addresses: a static IP assignment of the plan wins; else a NIC whose recovery network
// has the same CIDR as its source network keeps its address; else it gets a free address
// of the recovery network (the same host part when free) and the job warns, naming the
// VM.

// vmMove is what the job does with one VM.
type vmMove struct {
	srcUUID, srcName string
	dstUUID, dstName string
	spec             map[string]any
	cats             map[string][]string
	ips              []string
	ipNotes          []string
	powerOn          bool
	already          bool   // the VM is at the recovery site already (a rerun)
	skip             string // why it is not recovered (validation error, continued)
	fromPoint        time.Time
	fromStore        string // the MST store the recovery point comes from, if any
	vcpus, memMiB    int64
}

type fpStage struct {
	uuid  string
	delay time.Duration
	moves []*vmMove
}

// failoverPlan is the outcome of a job's validation.
type failoverPlan struct {
	errors, warnings []jobMessage
	fatal            bool // nothing can be done at all
	stages           []fpStage
	clusterName      string
	dataLoss         *time.Duration
}

func (fp *failoverPlan) errorf(typ string, refs []reference, format string, args ...any) {
	fp.errors = append(fp.errors, jobMessage{typ: typ, refs: refs, message: fmt.Sprintf(format, args...)})
}

func (fp *failoverPlan) warnf(typ string, refs []reference, format string, args ...any) {
	fp.warnings = append(fp.warnings, jobMessage{typ: typ, refs: refs, message: fmt.Sprintf(format, args...)})
}

// dstInventory is what validation needs of the recovery PC beyond its site facts.
type dstInventory struct {
	plan        *recoveryPlan
	cluster     string
	clusterName string
	categories  map[string]bool // "key:value"
	usedVCPUs   int64
	usedMemMiB  int64
}

// pointCopy is a recovery point at the recovery site, copied under its PC's mutex.
type pointCopy struct {
	vm, name, cluster string
	cats              map[string][]string
	spec              json.RawMessage
	created           time.Time
	store             string
}

// vmCopy is a live VM of the source, copied under its PC's mutex.
type vmCopy struct {
	spec json.RawMessage
	cats map[string][]string
}

func vmSize(spec map[string]any) (vcpus, mem int64) {
	res, _ := spec["resources"].(map[string]any)
	num := func(k string, def float64) float64 {
		switch v := res[k].(type) {
		case json.Number:
			if f, err := v.Float64(); err == nil {
				return f
			}
		case float64:
			return v
		}
		return def
	}
	return int64(num("num_sockets", 1) * num("num_vcpus_per_socket", 1)), int64(num("memory_size_mib", 0))
}

// inventoryLocked copies what validation needs of the recovery PC. The caller holds its
// mutex.
func (pc *PC) inventoryLocked(j *jobState) (*dstInventory, bool) {
	planE := pc.entityLocked(planKind, j.plan.UUID)
	if planE == nil {
		return nil, false
	}
	inv := &dstInventory{plan: pc.planOfLocked(planE.uuid, planE.current()), categories: map[string]bool{}}
	switch {
	case len(j.recoveryClusters) > 0:
		inv.cluster = j.recoveryClusters[0]
	case len(inv.plan.azClusters(pc.Name())) > 0:
		inv.cluster = inv.plan.azClusters(pc.Name())[0]
	default:
		for _, c := range pc.entitiesLocked(clusterKind) {
			if !clusterInfo(c).prismCentral {
				inv.cluster = c.uuid
				break
			}
		}
	}
	if c := pc.entityLocked(clusterKind, inv.cluster); c != nil {
		inv.clusterName = c.current().name
	}
	for key, k := range pc.categories {
		for v := range k.values {
			inv.categories[key+":"+v] = true
		}
	}
	for _, vm := range pc.entitiesLocked(vmKind) {
		spec := decodeObject(vm.current().spec)
		if pc.vmClusterLocked(vm) != inv.cluster || decodeVMSpec(vm.current().spec).Resources.PowerState == "OFF" {
			continue
		}
		c, m := vmSize(spec)
		inv.usedVCPUs += c
		inv.usedMemMiB += m
	}
	return inv, true
}

// failoverFacts is what planning a job needs of both sites. gatherFailoverFacts copies it
// under each PC's mutex in turn; planFailover works on it alone, without any mutex.
type failoverFacts struct {
	job      *jobState
	dstName  string
	srcName  string
	inv      *dstInventory // nil when the plan is gone from the recovery PC
	srcKnown bool          // the failed site names a PC of the world
	srcF     *siteFacts
	dstF     *siteFacts
	srcLabel string
	dstLabel string
	now      time.Time
	ref      time.Time // recover from recovery points taken at or before ref
	fromLive bool      // the VMs are recovered from the live source, not recovery points
	specs    map[string]vmCopy
	points   map[string]pointCopy
	// srcDownSince is when the failed site went down, if srcDown.
	srcDown      bool
	srcDownSince time.Time
	capacity     ClusterCapacity
	hasCapacity  bool
}

// gatherFailoverFacts copies what planning job j at the recovery PC dst needs, taking one
// PC's mutex at a time. No mutex may be held. It stops gathering where planning will stop.
func (w *World) gatherFailoverFacts(dst *PC, j *jobState) *failoverFacts {
	f := &failoverFacts{job: j, dstName: dst.Name(), srcName: j.failedSite}
	srcPC := w.PC(f.srcName)
	f.srcKnown = srcPC != nil
	dst.mu.Lock()
	inv, ok := dst.inventoryLocked(j)
	dst.mu.Unlock()
	if !ok || srcPC == nil {
		return f
	}
	f.inv = inv
	sites := w.sitesFacts([]string{f.srcName, f.dstName}, false)
	f.srcF, f.dstF = sites[f.srcName], sites[f.dstName]
	f.srcLabel, f.dstLabel = siteLabel(w, f.srcName), localAZName+" ("+f.dstName+")"
	f.now = w.clock.Now()
	f.fromLive = j.action == actionMigrate || j.action == actionLiveMigrate || (j.action == actionValidate && !f.srcF.down)
	if (f.fromLive && f.srcF.down) || inv.cluster == "" {
		return f
	}
	f.specs, f.points = map[string]vmCopy{}, map[string]pointCopy{}
	f.ref = f.now
	if j.refTime != nil && j.refTime.Before(f.now) {
		f.ref = *j.refTime
	}
	if f.fromLive {
		srcPC.mu.Lock()
		for _, vm := range srcPC.entitiesLocked(vmKind) {
			f.specs[vm.uuid] = vmCopy{spec: vm.current().spec, cats: cloneMapping(vm.current().categories)}
		}
		srcPC.mu.Unlock()
	} else {
		live := w.repl.liveReplicas(f.dstName, f.now)
		dst.mu.Lock()
		for _, pt := range dst.recoveryPointsLocked(live) {
			if pt.sourcePC != f.srcName || pt.created.After(f.ref) {
				continue
			}
			if old, seen := f.points[pt.vmUUID]; !seen || !pt.created.Before(old.created) {
				f.points[pt.vmUUID] = pointCopy{vm: pt.vmUUID, name: pt.vmName, cluster: pt.sourceCluster,
					cats: cloneMapping(pt.vmCategories), spec: pt.vmSpec, created: pt.created, store: pt.store}
			}
		}
		dst.mu.Unlock()
	}
	f.srcDownSince, f.srcDown = w.repl.downSinceOf(f.srcName)
	f.capacity, f.hasCapacity = dst.ClusterCapacity(inv.clusterName)
	return f
}

// planFailover validates a job against the facts of both sites and plans what it does. It
// takes no mutex: everything it needs is in f.
func planFailover(f *failoverFacts) *failoverPlan {
	fp := &failoverPlan{}
	j := f.job
	test := j.action == actionTestFailover
	inv := f.inv
	if inv == nil || !f.srcKnown {
		fp.fatal = true
		fp.errorf("ENTITY", []reference{j.plan}, "recovery plan %s does not exist on this Prism Central any more", j.plan.Name)
		return fp
	}
	p := inv.plan
	fp.clusterName = inv.clusterName
	srcF, dstF := f.srcF, f.dstF
	srcLabel, dstLabel := f.srcLabel, f.dstLabel
	fromLive := f.fromLive
	if fromLive && srcF.down {
		fp.fatal = true
		fp.errors = append(fp.errors, jobMessage{typ: "CONNECTIVITY", message: fmt.Sprintf(
			"availability zone %s is unreachable: a %s needs both sites up", srcLabel, strings.ToLower(actionLabel(j.action))),
			cause: srcLabel + " does not answer", resolution: "Run an unplanned failover (FAILOVER) from the replicated recovery points, or bring the site back."})
		return fp
	}
	if inv.cluster == "" {
		fp.fatal = true
		fp.errorf("INFRASTRUCTURE", nil, "no AOS cluster to recover to at %s", dstLabel)
		return fp
	}

	// The VMs to recover and what they are recovered from.
	specs, points, ref := f.specs, f.points, f.ref
	facts := srcF
	if !fromLive {
		facts = pointFacts(srcF, points)
	}
	stages := p.stageVMs(facts)
	count := 0
	for _, st := range stages {
		count += len(st)
	}
	if !fromLive {
		// VMs of the plan at the source with nothing to recover them from.
		for _, vm := range p.entities(srcF) {
			if _, ok := points[vm.uuid]; !ok && dstF.vm(vm.uuid) == nil {
				fp.errors = append(fp.errors, jobMessage{typ: "RECOVERY_POINT", refs: []reference{{Kind: vmKind.name, UUID: vm.uuid, Name: vm.name}},
					message: fmt.Sprintf("vm %s has no recovery point at %s taken at or before %s: it cannot be recovered", vm.name, dstLabel, formatTime(ref)),
					cause:   "no protection policy replicated it here yet", resolution: "Protect the VM with a policy replicating to this availability zone and wait for a recovery point."})
			}
		}
		if !srcF.down && j.action == actionFailover {
			fp.warnf("CONNECTIVITY", nil, "availability zone %s is reachable: its VMs are left as they are; a planned failover (MIGRATE) moves them without data loss", srcLabel)
		}
	}
	if count == 0 {
		fp.fatal = true
		// The plan's VMs without a recovery point are reported above; only a plan that
		// selects no VM at all at the source says so.
		if len(fp.errors) == 0 {
			fp.errorf("ENTITY", []reference{j.plan}, "recovery plan %s selects no VM to recover from %s: nothing to fail over", j.plan.Name, srcLabel)
		}
		return fp
	}

	used := map[string]map[string]bool{} // subnet uuid -> addresses in use at the recovery site
	for _, vm := range dstF.vms {
		for _, nic := range vm.nics {
			if used[nic.subnet] == nil {
				used[nic.subnet] = map[string]bool{}
			}
			for _, ip := range nic.ips {
				used[nic.subnet][ip] = true
			}
		}
	}
	for _, sf := range dstF.subnets {
		if sf.gateway != "" {
			if used[sf.uuid] == nil {
				used[sf.uuid] = map[string]bool{}
			}
			used[sf.uuid][sf.gateway] = true
		}
	}
	var needVCPUs, needMem int64
	var failure time.Time
	if j.action == actionFailover {
		failure = ref
		if since := f.srcDownSince; f.srcDown && srcF.down && since.Before(failure) {
			failure = since
		}
	}
	for i, st := range stages {
		stage := fpStage{uuid: p.stages[i].uuid, delay: p.stages[i].delay}
		for _, sv := range st {
			vm := sv.vm
			mv := &vmMove{srcUUID: vm.uuid, srcName: vm.name, dstUUID: vm.uuid, dstName: vm.name, powerOn: sv.entity.powerOn}
			vmRef := []reference{{Kind: vmKind.name, UUID: vm.uuid, Name: vm.name}}
			stage.moves = append(stage.moves, mv)
			if test {
				mv.dstUUID, mv.dstName = newUUID(), truncate(vm.name, 251)+"-test"
			} else if dstF.vm(vm.uuid) != nil {
				mv.already = true
				continue
			}
			var raw json.RawMessage
			if fromLive {
				c := specs[vm.uuid]
				raw, mv.cats = c.spec, c.cats
			} else {
				pt := points[vm.uuid]
				raw, mv.cats, mv.fromPoint, mv.fromStore = pt.spec, pt.cats, pt.created, pt.store
			}
			if j.action == actionLiveMigrate {
				mv.powerOn = vm.power != "OFF"
			}
			switch j.action {
			case actionMigrate, actionLiveMigrate:
				rules, sync := srcF.covering(vm, f.dstName)
				if len(rules) == 0 {
					mv.skip = fmt.Sprintf("vm %s is not protected by a protection policy that replicates it from %s to %s", vm.name, srcLabel, dstLabel)
				} else if j.action == actionLiveMigrate && !sync {
					mv.skip = fmt.Sprintf("vm %s is not replicated synchronously (RPO 0) to %s: a live migration needs a synchronous protection policy", vm.name, dstLabel)
				}
				if mv.skip != "" {
					fp.errors = append(fp.errors, jobMessage{typ: "ENTITY", refs: vmRef, message: mv.skip,
						resolution: "Protect the VM with a protection policy towards the recovery availability zone."})
					continue
				}
			}
			var missing []string
			for _, key := range sortedKeys(mv.cats) {
				for _, v := range mv.cats[key] {
					if !inv.categories[key+":"+v] {
						missing = append(missing, key+":"+v)
					}
				}
			}
			if len(missing) > 0 {
				mv.skip = fmt.Sprintf("vm %s has categories %s, which do not exist at %s", vm.name, strings.Join(missing, ", "), dstLabel)
				fp.errors = append(fp.errors, jobMessage{typ: "CATEGORY", refs: vmRef, message: mv.skip,
					resolution: "Create the categories at the recovery availability zone."})
				continue
			}
			spec := decodeObject(raw)
			if spec == nil {
				spec = map[string]any{}
			}
			if msg := planNICs(fp, p, mv, spec, vm, srcF, dstF, inv, test, used); msg != "" {
				mv.skip = msg
				continue
			}
			spec["name"] = mv.dstName
			spec["cluster_reference"] = map[string]any{"kind": clusterKind.name, "uuid": inv.cluster, "name": inv.clusterName}
			res, _ := spec["resources"].(map[string]any)
			if res == nil {
				res = map[string]any{}
				spec["resources"] = res
			}
			res["power_state"] = "OFF"
			if mv.powerOn {
				res["power_state"] = "ON"
			}
			mv.spec = spec
			mv.vcpus, mv.memMiB = vmSize(spec)
			if mv.powerOn {
				needVCPUs += mv.vcpus
				needMem += mv.memMiB
			}
			if !failure.IsZero() && !mv.fromPoint.IsZero() {
				loss := failure.Sub(mv.fromPoint)
				if loss < 0 {
					loss = 0
				}
				if fp.dataLoss == nil || loss > *fp.dataLoss {
					fp.dataLoss = &loss
				}
			}
		}
		fp.stages = append(fp.stages, stage)
	}
	if capacity, ok := f.capacity, f.hasCapacity; ok {
		needVCPUs, needMem = fp.deferStoreVMs(capacity, inv, dstLabel, needVCPUs, needMem)
		if capacity.VCPUs > 0 && inv.usedVCPUs+needVCPUs > int64(capacity.VCPUs) {
			fp.fatal = true
			fp.errors = append(fp.errors, jobMessage{typ: "INFRASTRUCTURE", message: fmt.Sprintf(
				"cluster %s at %s has %d vCPUs, %d in use: the recovered VMs need %d more", inv.clusterName, dstLabel, capacity.VCPUs, inv.usedVCPUs, needVCPUs),
				resolution: "Free capacity on the recovery cluster or recover fewer VMs."})
		}
		if capacity.MemoryMiB > 0 && inv.usedMemMiB+needMem > int64(capacity.MemoryMiB) {
			fp.fatal = true
			fp.errors = append(fp.errors, jobMessage{typ: "INFRASTRUCTURE", message: fmt.Sprintf(
				"cluster %s at %s has %d MiB of memory, %d MiB in use: the recovered VMs need %d MiB more", inv.clusterName, dstLabel, capacity.MemoryMiB, inv.usedMemMiB, needMem),
				resolution: "Free capacity on the recovery cluster or recover fewer VMs."})
		}
	}
	return fp
}

// deferStoreVMs handles a recovery cluster too small for the VMs to power on when some of
// them are restored from an MST recovery point store (S3, Nutanix Objects): as Prism Central
// does for a pilot-light recovery, the job warns that the cluster needs more nodes and
// recovers those VMs powered off, the last stages first, until what is powered on fits. It
// returns what still needs to be powered on; a shortfall that remains is an error of the
// caller's.
func (fp *failoverPlan) deferStoreVMs(capacity ClusterCapacity, inv *dstInventory, dstLabel string, needVCPUs, needMem int64) (int64, int64) {
	short := func() bool {
		return (capacity.VCPUs > 0 && inv.usedVCPUs+needVCPUs > int64(capacity.VCPUs)) ||
			(capacity.MemoryMiB > 0 && inv.usedMemMiB+needMem > int64(capacity.MemoryMiB))
	}
	if !short() {
		return needVCPUs, needMem
	}
	var deferred []reference
	var names []string
	for i := len(fp.stages) - 1; i >= 0 && short(); i-- {
		moves := fp.stages[i].moves
		for k := len(moves) - 1; k >= 0 && short(); k-- {
			mv := moves[k]
			if mv.spec == nil || !mv.powerOn || mv.fromStore == "" {
				continue
			}
			mv.powerOn = false
			if res, ok := mv.spec["resources"].(map[string]any); ok {
				res["power_state"] = "OFF"
			}
			needVCPUs -= mv.vcpus
			needMem -= mv.memMiB
			deferred = append(deferred, reference{Kind: vmKind.name, UUID: mv.dstUUID, Name: mv.dstName})
			names = append(names, mv.dstName)
		}
	}
	if len(deferred) == 0 {
		return needVCPUs, needMem
	}
	slices.Reverse(deferred)
	slices.Reverse(names)
	fp.warnings = append(fp.warnings, jobMessage{typ: "INFRASTRUCTURE", refs: deferred, message: fmt.Sprintf(
		"cluster %s at %s lacks the capacity (%d vCPUs, %d MiB of memory) to power on every VM restored from the recovery point store: %s recovered powered off",
		inv.clusterName, dstLabel, capacity.VCPUs, capacity.MemoryMiB, strings.Join(names, ", ")),
		resolution: "Expand the cluster with more nodes, then power these VMs on."})
	return needVCPUs, needMem
}

func actionLabel(action string) string {
	switch action {
	case actionMigrate:
		return "planned failover (MIGRATE)"
	case actionLiveMigrate:
		return "live migration (LIVE_MIGRATE)"
	case actionFailover:
		return "unplanned failover (FAILOVER)"
	case actionTestFailover:
		return "test failover (TEST_FAILOVER)"
	}
	return "validation (VALIDATE)"
}

// pointFacts is the source site as its recovery points at the recovery site show it: the
// VMs they are of, with their NICs, for the plan's stage resolution.
func pointFacts(src *siteFacts, points map[string]pointCopy) *siteFacts {
	f := &siteFacts{name: src.name}
	ids := make([]string, 0, len(points))
	for id := range points {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool {
		pa, pb := points[ids[a]], points[ids[b]]
		if pa.name != pb.name {
			return pa.name < pb.name
		}
		return pa.vm < pb.vm
	})
	for _, id := range ids {
		pt := points[id]
		spec := decodeVMSpec(pt.spec)
		vf := vmFact{uuid: pt.vm, name: pt.name, cluster: pt.cluster, power: spec.Resources.PowerState, categories: pt.cats}
		for _, nic := range spec.Resources.NicList {
			nf := nicFact{uuid: normUUID(nic.UUID)}
			if nic.SubnetReference != nil {
				nf.subnet = normUUID(nic.SubnetReference.UUID)
				nf.subnetName = nic.SubnetReference.Name
				for _, s := range src.subnets {
					if s.uuid == nf.subnet {
						nf.subnetName = s.name
					}
				}
			}
			for _, ep := range nic.IPEndpointList {
				nf.ips = append(nf.ips, ep.IP)
			}
			vf.nics = append(vf.nics, nf)
		}
		f.vms = append(f.vms, vf)
	}
	return f
}

// planNICs maps each NIC of a VM to the recovery (or test) network and picks its address.
// It changes spec's nic_list and returns why the VM cannot be recovered, if it cannot.
func planNICs(fp *failoverPlan, p *recoveryPlan, mv *vmMove, spec map[string]any, vm vmFact,
	srcF, dstF *siteFacts, inv *dstInventory, test bool, used map[string]map[string]bool) string {
	res, _ := spec["resources"].(map[string]any)
	nics, _ := res["nic_list"].([]any)
	vmRef := []reference{{Kind: vmKind.name, UUID: vm.uuid, Name: vm.name}}
	dstLabel := localAZName + " (" + dstF.name + ")"
	which := "recovery"
	if test {
		which = "test"
	}
	out := []any{}
	mapped := 0
	for k, n := range nics {
		nic, ok := n.(map[string]any)
		if !ok || k >= len(vm.nics) {
			continue
		}
		nf := vm.nics[k]
		var srcNet *net.IPNet
		for _, s := range srcF.subnets {
			if s.uuid == nf.subnet {
				srcNet = s.network
			}
		}
		m, found := p.mapNetwork(srcF.name, vm.cluster, nf.subnetName, dstF.name, inv.cluster)
		var target *planNetwork
		if found {
			target = m.target.network(test)
			if srcNet == nil {
				srcNet = m.source.recovery.network()
			}
		}
		if target == nil || target.name == "" {
			fp.warnf("NETWORK", vmRef, "vm %s: its NIC on %s has no %s network mapped at %s: the VM is recovered without it",
				vm.name, orNone(nf.subnetName), which, dstLabel)
			continue
		}
		subs := dstF.subnetsNamed(target, []string{inv.cluster})
		if len(subs) == 0 {
			msg := fmt.Sprintf("vm %s: network %s maps to %s network %s at %s, which does not exist on cluster %s",
				vm.name, orNone(nf.subnetName), which, target.name, dstLabel, inv.clusterName)
			fp.errors = append(fp.errors, jobMessage{typ: "NETWORK", refs: vmRef, message: msg,
				resolution: "Create the subnet at the recovery availability zone or change the plan's network mapping."})
			return msg
		}
		sf := subs[0]
		if used[sf.uuid] == nil {
			used[sf.uuid] = map[string]bool{}
		}
		srcIP := ""
		if len(nf.ips) > 0 {
			srcIP = nf.ips[0]
		}
		ip := ""
		statics := m.target.staticIPs(vm.uuid, test)
		switch {
		case mapped < len(statics):
			ip = statics[mapped]
			if used[sf.uuid][ip] {
				msg := fmt.Sprintf("vm %s: static IP %s in %s at %s is already in use", vm.name, ip, sf.name, dstLabel)
				fp.errors = append(fp.errors, jobMessage{typ: "NETWORK", refs: vmRef, message: msg})
				return msg
			}
			if ip != srcIP {
				mv.ipNotes = append(mv.ipNotes, fmt.Sprintf("static IP %s in %s", ip, sf.name))
			}
		case srcIP != "" && srcNet != nil && sf.network != nil && srcNet.String() == sf.network.String() && !used[sf.uuid][srcIP]:
			ip = srcIP
		default:
			ip = freeIP(sf.network, srcIP, used[sf.uuid])
			if ip == "" {
				msg := fmt.Sprintf("vm %s: no free address left in %s at %s", vm.name, sf.name, dstLabel)
				fp.errors = append(fp.errors, jobMessage{typ: "NETWORK", refs: vmRef, message: msg})
				return msg
			}
			if srcIP != "" {
				fp.warnf("NETWORK", vmRef, "vm %s: its IP address %s was not kept: it gets %s in %s at %s", vm.name, srcIP, ip, sf.name, dstLabel)
				mv.ipNotes = append(mv.ipNotes, fmt.Sprintf("%s in %s (was %s)", ip, sf.name, srcIP))
			}
		}
		mapped++
		used[sf.uuid][ip] = true
		mv.ips = append(mv.ips, ip)
		nic["subnet_reference"] = map[string]any{"kind": subnetKind.name, "uuid": sf.uuid, "name": sf.name}
		nic["ip_endpoint_list"] = []any{map[string]any{"ip": ip, "type": "ASSIGNED"}}
		if test {
			delete(nic, "uuid")
			delete(nic, "mac_address")
		}
		out = append(out, nic)
	}
	if res != nil {
		res["nic_list"] = out
	}
	return ""
}

// freeIP returns a free host address of network: the one with the host part of like when
// free, else the first free one.
func freeIP(network *net.IPNet, like string, used map[string]bool) string {
	if network == nil {
		return ""
	}
	base := network.IP.To4()
	if base == nil {
		return ""
	}
	ones, bits := network.Mask.Size()
	size := uint32(1) << uint(bits-ones)
	if size < 4 {
		return ""
	}
	at := func(host uint32) string {
		v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
		v += host
		return net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v)).String()
	}
	if ip := net.ParseIP(like).To4(); ip != nil {
		mask := size - 1
		host := (uint32(ip[0])<<24 | uint32(ip[1])<<16 | uint32(ip[2])<<8 | uint32(ip[3])) & mask
		if host > 0 && host < size-1 && !used[at(host)] {
			return at(host)
		}
	}
	for host := uint32(2); host < size-1; host++ {
		if !used[at(host)] {
			return at(host)
		}
	}
	return ""
}

// addStepLocked adds a RUNNING step to a phase of the job (or of its cleanup).
func (pc *PC) addStepLocked(j *jobState, phase *jobPhase, parent, op, msg string, refs []reference) *jobStep {
	j.stepSeq++
	s := &jobStep{uuid: newUUID(), parent: parent, seq: j.stepSeq, op: op, message: msg, status: jobRunning,
		start: pc.w.clock.Now(), refs: refs}
	phase.steps = append(phase.steps, s)
	return s
}

func (pc *PC) endStepLocked(s *jobStep, status, msg string) {
	s.status, s.end = status, pc.w.clock.Now()
	if status == jobCompleted || status == jobCompletedWithWarning {
		s.percent = 100
	}
	if msg != "" {
		s.message = msg
	}
}

// runJob runs a job its create task started, on this PC (the recovery site).
func (pc *PC) runJob(ctx context.Context, e *entity) {
	w := pc.w
	pc.mu.Lock()
	j := jobOf(e)
	j.status, j.started, j.percent = jobRunning, w.clock.Now(), 1
	j.phases[phasePre].status = jobRunning
	in := *j
	pc.mu.Unlock()

	fp := planFailover(w.gatherFailoverFacts(pc, &in))
	pc.mu.Lock()
	j.errors, j.warnings = fp.errors, fp.warnings
	if in.action == actionValidate || fp.fatal || (len(fp.errors) > 0 && !in.continueOnFailure) {
		pc.endValidationLocked(j, in.action == actionValidate)
		pc.mu.Unlock()
		return
	}
	total := 0
	for _, st := range fp.stages {
		total += len(st.moves)
	}
	pre := j.phases[phasePre]
	s := pc.addStepLocked(j, pre, "", "RESOURCE_RESERVATION", fmt.Sprintf("Reserving resources for %d VM(s) on cluster %s", total, fp.clusterName), nil)
	pc.endStepLocked(s, jobCompleted, "")
	pc.mu.Unlock()

	src := w.PC(in.failedSite)
	if in.action == actionMigrate || in.action == actionLiveMigrate {
		ok := pc.syncSource(j, src, fp)
		if !ok {
			return
		}
	}
	pc.mu.Lock()
	pre.status, pre.percent = jobCompleted, 100
	j.phases[phaseOperation].status = jobRunning
	j.percent = 10
	pc.mu.Unlock()
	pc.jobFaultAtRecovery(&in)

	failed, done := 0, 0
	var moved []*vmMove
	for si, st := range fp.stages {
		if !pc.waitUp(ctx) {
			return
		}
		pc.mu.Lock()
		refs := []reference{}
		for _, mv := range st.moves {
			refs = append(refs, reference{Kind: vmKind.name, UUID: mv.srcUUID, Name: mv.srcName})
		}
		root := pc.addStepLocked(j, j.phases[phaseOperation], "", "STAGE_RECOVERY",
			fmt.Sprintf("Stage %d: recovering %d VM(s)", si+1, len(st.moves)), refs)
		if isUUID(st.uuid) {
			root.uuid = st.uuid
		}
		stageFailed := 0
		if si == 0 && in.fault != nil && in.fault.kind == FaultJobStuck {
			pc.mu.Unlock()
			if !pc.jobStuck(ctx, in.fault.latency) {
				return
			}
			pc.mu.Lock()
		}
		for _, mv := range st.moves {
			if !pc.recoverVMLocked(j, root, mv, in.action) {
				stageFailed++
			} else if !mv.already {
				moved = append(moved, mv)
			}
			done++
			j.phases[phaseOperation].percent = done * 100 / max(total, 1)
			j.percent = 10 + done*80/max(total, 1)
		}
		failed += stageFailed
		root.percent = 100
		if stageFailed > 0 {
			pc.endStepLocked(root, jobFailed, "")
		} else {
			pc.endStepLocked(root, jobCompleted, fmt.Sprintf("Stage %d: recovered %d VM(s)", si+1, len(st.moves)))
		}
		var delay *jobStep
		var elapsed <-chan struct{}
		var timer *Timer
		if st.delay > 0 && si < len(fp.stages)-1 {
			// The timer is set before the step shows, so that an advance of the clock by
			// whoever sees the step counts.
			elapsed, timer = w.simTimer(st.delay)
			delay = pc.addStepLocked(j, j.phases[phaseOperation], root.uuid, "DELAY",
				fmt.Sprintf("Waiting %d seconds before stage %d", int64(st.delay/time.Second), si+2), nil)
		}
		pc.mu.Unlock()
		if delay != nil {
			select {
			case <-elapsed:
			case <-ctx.Done():
				timer.Stop()
				return
			}
			pc.mu.Lock()
			pc.endStepLocked(delay, jobCompleted, "")
			pc.mu.Unlock()
		}
	}

	pc.mu.Lock()
	j.phases[phaseOperation].status, j.phases[phaseOperation].percent = jobCompleted, 100
	if failed > 0 {
		j.phases[phaseOperation].status = jobFailed
	}
	post := j.phases[phasePost]
	post.status = jobRunning
	var cleanup *jobStep
	if (in.action == actionMigrate || in.action == actionLiveMigrate) && len(moved) > 0 {
		refs := []reference{}
		for _, mv := range moved {
			refs = append(refs, reference{Kind: vmKind.name, UUID: mv.srcUUID, Name: mv.srcName})
		}
		cleanup = pc.addStepLocked(j, post, "", "ENTITIES_CLEANUP",
			fmt.Sprintf("Removing %d VM(s) from %s", len(moved), siteLabel(w, in.failedSite)), refs)
	}
	pc.mu.Unlock()
	cleanupFailed := false
	if cleanup != nil {
		src.mu.Lock()
		reachable := !src.Down()
		if reachable {
			for _, mv := range moved {
				if vm := src.entityLocked(vmKind, mv.srcUUID); vm != nil {
					src.removeVMLocked(vm)
				}
			}
		}
		src.mu.Unlock()
		pc.mu.Lock()
		if reachable {
			pc.endStepLocked(cleanup, jobCompleted, fmt.Sprintf("Removed %d VM(s) from %s", len(moved), siteLabel(w, in.failedSite)))
		} else {
			cleanupFailed = true
			cleanup.errCode, cleanup.errDetail = "AZ_NOT_REACHABLE", siteLabel(w, in.failedSite)+" went down: the source VMs were not removed"
			for _, mv := range moved {
				j.pendingCleanup = append(j.pendingCleanup, mv.srcUUID)
			}
			pc.endStepLocked(cleanup, jobFailed, "")
		}
		pc.mu.Unlock()
	}

	pc.mu.Lock()
	defer pc.mu.Unlock()
	post.status, post.percent = jobCompleted, 100
	if cleanupFailed {
		post.status = jobFailed
	}
	switch in.action {
	case actionFailover:
		j.dataLoss = fp.dataLoss
	case actionMigrate, actionLiveMigrate:
		zero := time.Duration(0)
		j.dataLoss = &zero
	}
	switch {
	case failed > 0 && len(j.warnings) > 0:
		j.status = jobFailedWithWarning
	case failed > 0:
		j.status = jobFailed
	case cleanupFailed || len(j.warnings) > 0 || len(j.errors) > 0:
		j.status = jobCompletedWithWarning
	default:
		j.status = jobCompleted
	}
	j.percent, j.ended = 100, w.clock.Now()
}

// jobFaultAtRecovery applies the admin fault of a job (faults.go) that lands when its
// recovery starts: after the VMs were powered off at the source (MIGRATE) and before any is
// recovered. job_source_down takes the source site down: the recovery goes on from the
// recovery points already at this site (MIGRATE's final one included) and the removal of the
// source VMs fails (README: "Faults inside a recovery plan job"). job_pc_restart takes this
// PC down and up again after the fault's latency: the job, kept in the PC's database,
// resumes where it was once the PC is up (the stage loop waits for it).
func (pc *PC) jobFaultAtRecovery(j *jobState) {
	if j.fault == nil {
		return
	}
	w := pc.w
	switch j.fault.kind {
	case FaultJobSourceDown:
		_ = w.SiteDown(j.failedSite)
	case FaultJobPCRestart:
		if w.SiteDown(pc.Name()) != nil {
			return
		}
		down := j.fault.latency
		w.goBackground(func(wctx context.Context) {
			if sleepCtx(wctx, down) {
				_ = w.SiteUp(pc.Name())
			}
		})
	}
}

// jobStuck holds a job in its current step for d of simulated time (job_stuck). It reports
// false when the world closes meanwhile.
func (pc *PC) jobStuck(ctx context.Context, d time.Duration) bool {
	elapsed, timer := pc.w.simTimer(d)
	select {
	case <-elapsed:
		return true
	case <-ctx.Done():
		timer.Stop()
		return false
	}
}

// endValidationLocked ends a job after its validation: a VALIDATE job, or one whose
// validation found errors.
func (pc *PC) endValidationLocked(j *jobState, validate bool) {
	now := pc.w.clock.Now()
	j.percent, j.ended = 100, now
	pre := j.phases[phasePre]
	if validate {
		for _, ph := range j.phases {
			ph.status, ph.percent = jobCompleted, 100
		}
		switch {
		case len(j.errors) > 0:
			j.status = jobFailed
		case len(j.warnings) > 0:
			j.status = jobCompletedWithWarning
		default:
			j.status = jobCompleted
		}
		return
	}
	s := pc.addStepLocked(j, pre, "", "AUDIT", fmt.Sprintf("Validation of the recovery plan found %d error(s)", len(j.errors)), nil)
	s.errCode, s.errDetail = "INTERNAL_ERROR", "the recovery plan failed validation: see validation_information.errors_list"
	pc.endStepLocked(s, jobFailed, "")
	pre.status, pre.percent = jobFailed, 100
	j.phases[phaseOperation].status = jobAborted
	j.phases[phasePost].status = jobAborted
	j.status = jobFailed
}

// syncSource is the preprocessing of a planned or live migration: MIGRATE powers the VMs
// off at the source; both take their final state there. It reports false when the job
// failed (the source went down).
func (pc *PC) syncSource(j *jobState, src *PC, fp *failoverPlan) bool {
	pc.mu.Lock()
	msg := "Powering off the VMs at " + siteLabel(pc.w, j.failedSite) + " and replicating their final recovery point"
	if j.action == actionLiveMigrate {
		msg = "Synchronizing the running VMs from " + siteLabel(pc.w, j.failedSite)
	}
	step := pc.addStepLocked(j, j.phases[phasePre], "", "SYNC_RECOVERY_POINTS", msg, nil)
	pc.mu.Unlock()
	src.mu.Lock()
	down := src.Down()
	if !down {
		for _, st := range fp.stages {
			for _, mv := range st.moves {
				vm := src.entityLocked(vmKind, mv.srcUUID)
				if vm == nil || mv.skip != "" || mv.already {
					continue
				}
				if j.action == actionMigrate {
					src.setVMPowerLocked(vm, "OFF")
				}
				// The final state: what the source has now, on the mapped networks.
				final := decodeObject(vm.current().spec)
				if res, ok := final["resources"].(map[string]any); ok {
					if tres, ok := mv.spec["resources"].(map[string]any); ok {
						for k, v := range res {
							if k != "nic_list" && k != "power_state" {
								tres[k] = v
							}
						}
					}
				}
				mv.cats = cloneMapping(vm.current().categories)
			}
		}
	}
	src.mu.Unlock()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if down {
		step.errCode, step.errDetail = "AZ_NOT_REACHABLE", siteLabel(pc.w, j.failedSite)+" went down during the migration"
		pc.endStepLocked(step, jobFailed, "")
		j.phases[phasePre].status = jobFailed
		j.phases[phaseOperation].status, j.phases[phasePost].status = jobAborted, jobAborted
		j.status, j.percent, j.ended = jobFailed, 100, pc.w.clock.Now()
		return false
	}
	pc.endStepLocked(step, jobCompleted, "")
	return true
}

// setVMPowerLocked changes a VM's power state as an update would (new spec_version).
func (pc *PC) setVMPowerLocked(vm *entity, state string) {
	cur := vm.current()
	spec := decodeObject(cur.spec)
	res, _ := spec["resources"].(map[string]any)
	if res == nil || res["power_state"] == state {
		return
	}
	res["power_state"] = state
	raw, err := json.Marshal(spec)
	if err != nil {
		return
	}
	vm.version++
	snap := &snapshot{version: vm.version, name: cur.name, spec: raw, categories: cloneMapping(cur.categories),
		meta: cur.meta, updated: pc.w.clock.Now()}
	vm.intent, vm.committed = snap, snap
}

// recoverVMLocked recovers one VM at this PC under the stage step root; it reports false
// when the VM could not be recovered.
func (pc *PC) recoverVMLocked(j *jobState, root *jobStep, mv *vmMove, action string) bool {
	op := "ENTITY_RECOVERY"
	if action == actionMigrate || action == actionLiveMigrate {
		op = "ENTITY_MIGRATION"
	}
	src := reference{Kind: vmKind.name, UUID: mv.srcUUID, Name: mv.srcName}
	ops := j.phases[phaseOperation]
	step := pc.addStepLocked(j, ops, root.uuid, op, "Recovering vm "+mv.srcName, []reference{src})
	switch {
	case mv.skip != "":
		step.errCode, step.errDetail = "ENTITY_NOT_FOUND", mv.skip
		step.recovered = []recoveredInfo{{source: src, err: mv.skip}}
		pc.endStepLocked(step, jobFailed, "")
		return false
	case mv.already:
		info := recoveredInfo{source: src, uuid: mv.dstUUID, name: mv.dstName}
		if vm := pc.entityLocked(vmKind, mv.dstUUID); vm != nil {
			info.name = vm.current().name
			for _, nic := range decodeVMSpec(vm.current().spec).Resources.NicList {
				for _, ep := range nic.IPEndpointList {
					info.ips = append(info.ips, ep.IP)
				}
			}
		}
		step.recovered = []recoveredInfo{info}
		pc.endStepLocked(step, jobCompleted, fmt.Sprintf("vm %s is at %s already", mv.srcName, pc.Name()))
		return true
	}
	what := "Restoring vm " + mv.dstName
	if !mv.fromPoint.IsZero() {
		what += " from its recovery point of " + formatTime(mv.fromPoint)
	}
	restore := pc.addStepLocked(j, ops, step.uuid, "ENTITY_RESTORATION", what, []reference{src})
	vm, err := pc.newEntityLocked(vmKind, mv.dstUUID, mv.spec, mv.cats, nil)
	if err != nil {
		restore.errCode, restore.errDetail = "INTERNAL_ERROR", err.Error()
		pc.endStepLocked(restore, jobFailed, "")
		step.errCode, step.errDetail = "INTERNAL_ERROR", err.Error()
		step.recovered = []recoveredInfo{{source: src, err: err.Error()}}
		pc.endStepLocked(step, jobFailed, "")
		return false
	}
	pc.endStepLocked(restore, jobCompleted, "")
	dst := reference{Kind: vmKind.name, UUID: vm.uuid, Name: vm.current().name}
	if len(mv.ipNotes) > 0 {
		s := pc.addStepLocked(j, ops, step.uuid, "IP_CUSTOMIZATION", fmt.Sprintf("vm %s: %s", mv.dstName, strings.Join(mv.ipNotes, "; ")), []reference{dst})
		pc.endStepLocked(s, jobCompleted, "")
	}
	if mv.powerOn {
		s := pc.addStepLocked(j, ops, step.uuid, "VM_POWER_ON", "Powering on vm "+mv.dstName, []reference{dst})
		pc.endStepLocked(s, jobCompleted, "")
	}
	if action == actionTestFailover {
		j.clones = append(j.clones, dst)
	}
	step.recovered = []recoveredInfo{{source: src, uuid: vm.uuid, name: vm.current().name, ips: append([]string{}, mv.ips...)}}
	pc.endStepLocked(step, jobCompleted, fmt.Sprintf("Recovered vm %s as %s", mv.srcName, vm.current().name))
	return true
}

// simTimer returns a channel closed once d of simulated time has passed, and its timer.
func (w *World) simTimer(d time.Duration) (<-chan struct{}, *Timer) {
	ch := make(chan struct{})
	t := w.clock.AfterFunc(d, func(time.Time) { close(ch) })
	return ch, t
}

// downSinceOf returns when a site went down, if it is down.
func (r *replicator) downSinceOf(site string) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.downSince[site]
	return t, ok
}
