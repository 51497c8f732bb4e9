package prismsim

import (
	"fmt"
	"strings"
	"time"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// What a recovery plan reports: its status (planStatus), computed when it is read from the
// facts of the sites it names (refreshPlanViews, planFindings), and the entities it
// selects (PlanEntities, which v3 serves at GET /recovery_plans/{uuid}/entities).

// planStatus renders recovery_plan_def_status from the plan's committed snapshot and its
// latest view (computed by refreshPlanViews, planKind.beforeView, when the plan is read).
func planStatus(pc *PC, e *entity) map[string]any {
	cur := e.current()
	spec := decodeObject(cur.spec)
	status := map[string]any{"name": cur.name, "resources": spec["resources"], "recovery_availability_zone_order_list": []any{}}
	if status["resources"] == nil {
		status["resources"] = map[string]any{}
	}
	if d, ok := spec["description"]; ok {
		status["description"] = d
	}
	if v := planInfo(e).view; v != nil && v.snap == cur {
		status["recovery_availability_zone_order_list"] = v.orders
		status["latest_validation_time"] = formatTime(v.at)
		if len(v.messages) > 0 {
			status["message_list"] = v.messages
		}
	}
	return status
}

// refreshPlanViews computes the view of every plan of the PC. It takes one PC's mutex at
// a time.
func (pc *PC) refreshPlanViews() {
	type job struct {
		e       *entity
		snap    *snapshot
		plan    *recoveryPlan
		missing []string // categories of its stages this PC lacks
	}
	pc.mu.Lock()
	var jobs []job
	names := []string{pc.Name()}
	for _, e := range pc.entitiesLocked(planKind) {
		j := job{e: e, snap: e.current(), plan: pc.planOfLocked(e.uuid, e.current())}
		j.missing = pc.missingCategoriesLocked(j.plan.categoryPairs())
		jobs = append(jobs, j)
		names = append(names, j.plan.sites()...)
	}
	pc.mu.Unlock()
	if len(jobs) == 0 {
		return
	}
	// With the recovery points: a plan reports the VMs a failover could not recover yet.
	sites := pc.w.sitesFacts(names, true)
	now := pc.w.clock.Now()
	views := make([]*planView, len(jobs))
	for i, j := range jobs {
		messages, orders := planFindings(pc.w, j.plan, sites, sites[pc.Name()])
		if len(j.missing) > 0 {
			m := finding(planSeverityWarning, "ENTITY", reasonCategoryMismatch,
				"the stages select VMs by category %s, which does not exist on this Prism Central: create it, or protect the VMs with a policy that uses it (entity sync brings it here)",
				strings.Join(j.missing, ", "))
			m.Details["categories"] = strings.Join(j.missing, ",")
			messages = append(messages, m)
		}
		views[i] = &planView{snap: j.snap, at: now, messages: messages, orders: orders}
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for i, j := range jobs {
		if pc.entityLocked(planKind, j.e.uuid) == j.e && j.e.current() == j.snap {
			d := planInfo(j.e)
			d.view = views[i]
			j.e.data = d
		}
	}
}

// finding builds a message_list item of a plan's status.
func finding(severity, validationType, reason, format string, args ...any) messageItem {
	return messageItem{Message: fmt.Sprintf(format, args...), Reason: reason,
		Details: map[string]string{"severity": severity, "validation_type": validationType}}
}

// planFindings validates a plan as Prism Central does when it reports a plan's state:
// errors that would make a failover fail and warnings about what it would leave behind.
// It also returns recovery_availability_zone_order_list as the asking PC renders it.
func planFindings(w *World, p *recoveryPlan, sites map[string]*siteFacts, asker *siteFacts) ([]messageItem, []any) {
	msgs := []messageItem{}
	for i, az := range p.azs {
		switch f := sites[az.site]; {
		case az.site == "":
			msgs = append(msgs, finding(planSeverityError, "INFRASTRUCTURE", reasonNotFound,
				"availability zone %s (availability_zone_list[%d]) is not known to this Prism Central any more: pair it again or change the plan", az.url, i))
		case f != nil && f.down:
			m := finding(planSeverityWarning, "CONNECTIVITY", reasonRemoteNotConnected,
				"availability zone %s is unreachable: its Prism Central does not answer", siteLabel(w, az.site))
			msgs = append(msgs, m)
		}
	}
	primary, recovery := p.primaryAZ(), p.recoveryAZ()
	f := sites[primary.site]
	orders := []any{}
	if f != nil && asker != nil {
		msgs = append(msgs, entityFindings(w, p, sites, f, recovery.site)...)
		var rules []policyFact
		seen := map[string]bool{}
		for _, vm := range p.entities(f) {
			covering, _ := f.covering(vm, recovery.site)
			for _, r := range covering {
				if !seen[r.uuid] {
					seen[r.uuid] = true
					rules = append(rules, r)
				}
			}
		}
		unique, _ := uniqueOrders(rules, asker)
		list := []any{}
		for _, o := range unique {
			list = append(list, map[string]any{"availability_zone_list": o})
		}
		orders = append(orders, map[string]any{"availability_zone_url": asker.azURLs[primary.site], "availability_zone_order_list": list})
		if len(unique) > 1 {
			msgs = append(msgs, finding(planSeverityError, "ENTITY", reasonInvalidArgument,
				"the plan's VMs are protected by protection policies with %d different availability zone orders: a plan recovers VMs of one order only", len(unique)))
		}
	}
	msgs = append(msgs, networkFindings(w, p, sites)...)
	return msgs, orders
}

// entityFindings reports the VMs of the plan at its primary location f: gone, none,
// selected twice, not replicated to the recovery location, witness without synchronous
// replication, NICs whose network has no mapping.
func entityFindings(w *World, p *recoveryPlan, sites map[string]*siteFacts, f *siteFacts, recoverySite string) []messageItem {
	var msgs []messageItem
	for i, st := range p.stages {
		if len(st.entities) == 0 {
			msgs = append(msgs, finding(planSeverityWarning, "ENTITY", "CONFIGURATION_INCOMPLETE",
				"stage %d recovers no entity: add VMs or categories to it, or remove it", i+1))
		}
		for _, pe := range st.entities {
			if pe.vm == "" {
				continue
			}
			found := false
			for _, az := range p.azs {
				if s := sites[az.site]; s != nil && s.vm(pe.vm) != nil {
					found = true
				}
			}
			if !found {
				name := pe.vm
				if pe.vmName != "" {
					name = pe.vmName + " (" + pe.vm + ")"
				}
				m := finding(planSeverityError, "ENTITY", reasonNotFound,
					"vm %s of stage %d does not exist at the plan's availability zones any more", name, i+1)
				m.Details["vm_uuid"] = pe.vm
				msgs = append(msgs, m)
			}
		}
	}
	vms := p.entities(f)
	if len(vms) == 0 {
		msgs = append(msgs, finding(planSeverityWarning, "ENTITY", "CONFIGURATION_INCOMPLETE",
			"the plan selects no VM at its primary location %s: a failover would recover nothing", siteLabel(w, f.name)))
	}
	for _, vm := range vms {
		stages := []string{}
		for i, st := range p.stages {
			for _, pe := range st.entities {
				if pe.selects(vm.uuid, vm.categories) {
					stages = append(stages, fmt.Sprint(i+1))
					break
				}
			}
		}
		if len(stages) > 1 {
			m := finding(planSeverityWarning, "ENTITY", "CONFIGURATION_INCOMPLETE",
				"vm %s is selected by stages %s: it is recovered in stage %s only", vm.name, strings.Join(stages, ", "), stages[0])
			m.Details["vm_uuid"] = vm.uuid
			msgs = append(msgs, m)
		}
	}
	witnessMissing := []string{}
	for _, vm := range vms {
		rules, sync := f.covering(vm, recoverySite)
		if len(rules) == 0 {
			m := finding(planSeverityWarning, "ENTITY", "CONFIGURATION_INCOMPLETE",
				"vm %s is not protected by a protection policy that replicates it to %s: it cannot be recovered there",
				vm.name, siteLabel(w, recoverySite))
			m.Details["vm_uuid"] = vm.uuid
			msgs = append(msgs, m)
		}
		if !sync {
			witnessMissing = append(witnessMissing, vm.name)
		}
		if len(rules) > 0 && !hasRecoveryPoint(sites[recoverySite], vm.uuid) {
			m := finding(planSeverityWarning, "RECOVERY_POINT", reasonNotFound,
				"vm %s has no recovery point at %s yet: an unplanned or test failover would fail until its protection policy replicates one (within one RPO)",
				vm.name, siteLabel(w, recoverySite))
			m.Details["vm_uuid"] = vm.uuid
			msgs = append(msgs, m)
		}
		for _, nic := range vm.nics {
			if nic.subnetName == "" {
				continue
			}
			if m, ok := p.mapNetwork(f.name, vm.cluster, nic.subnetName, recoverySite, p.recoveryCluster()); !ok || m.target.recovery == nil {
				m := finding(planSeverityWarning, "NETWORK", "CONFIGURATION_INCOMPLETE",
					"vm %s has a NIC on %s, which no network mapping maps to %s: it would be recovered without that network",
					vm.name, nic.subnetName, siteLabel(w, recoverySite))
				m.Details["vm_uuid"] = vm.uuid
				msgs = append(msgs, m)
			}
		}
	}
	if p.witness != nil && (len(vms) == 0 || len(witnessMissing) > 0) {
		msgs = append(msgs, finding(planSeverityError, "ENTITY", "CONFIGURATION_INCOMPLETE",
			"the witness cannot fail the plan over: vm %s not replicated synchronously (RPO 0) to %s",
			orNone(strings.Join(witnessMissing, ", ")), siteLabel(w, recoverySite)))
	}
	return msgs
}

// hasRecoveryPoint tells whether the site f holds a recovery point of the VM, or runs the
// VM itself (it was recovered there already). A site not known or down counts as having
// one: what it holds cannot be told, and its being down is reported on its own.
func hasRecoveryPoint(f *siteFacts, vmUUID string) bool {
	if f == nil || f.down || f.vm(vmUUID) != nil {
		return true
	}
	for _, pt := range f.points {
		if pt.vm == vmUUID {
			return true
		}
	}
	return false
}

// networkFindings reports mappings with no network at one of the plan's locations, the
// same network for production and test, and mapped subnets that do not exist.
func networkFindings(w *World, p *recoveryPlan, sites map[string]*siteFacts) []messageItem {
	var msgs []messageItem
	for i, m := range p.mappings {
		for _, az := range p.azs {
			has := false
			for _, s := range m.sites {
				if s.site == az.site && s.url == az.url && s.recovery != nil && s.recovery.name != "" {
					has = true
				}
			}
			if !has && az.site != "" {
				msg := finding(planSeverityWarning, "NETWORK", "CONFIGURATION_INCOMPLETE",
					"network_mapping_list[%d] has no production network at availability zone %s: VMs on this network would be recovered there without it",
					i, siteLabel(w, az.site))
				msg.Details["availability_zone_url"] = az.url
				msgs = append(msgs, msg)
			}
		}
		for _, s := range m.sites {
			if s.recovery.same(s.test) {
				msgs = append(msgs, finding(planSeverityWarning, "NETWORK", "CONFIGURATION_INCOMPLETE",
					"network_mapping_list[%d]: %s is both the production and the test network at %s: a test failover would connect to production",
					i, s.recovery.name, siteLabel(w, s.site)))
			}
			f := sites[s.site]
			if f == nil || f.down {
				continue
			}
			clusters := s.clusters
			if len(clusters) == 0 {
				clusters = p.azClusters(s.site)
			}
			for _, n := range []*planNetwork{s.recovery, s.test} {
				if n != nil && n.name != "" && len(f.subnetsNamed(n, clusters)) == 0 {
					msgs = append(msgs, finding(planSeverityError, "NETWORK", reasonNotFound,
						"network_mapping_list[%d]: subnet %s does not exist at %s any more", i, n.name, siteLabel(w, s.site)))
				}
			}
		}
	}
	return msgs
}

// For each availability zone of a plan, PlanEntities answers the live VMs there that the
// plan selects, then the VMs it selects that have only recovery points there (as of the
// reference time, when given).
//
// planFacts resolves the recovery plan id of this PC and returns it with the facts of every
// site it names and of this PC, with their recovery points.
func (pc *PC) planFacts(id string) (*recoveryPlan, map[string]*siteFacts, error) {
	pc.mu.Lock()
	e := pc.entityLocked(planKind, id)
	if e == nil {
		pc.mu.Unlock()
		return nil, nil, notFoundError(planKind.name, id)
	}
	p := pc.planOfLocked(e.uuid, e.current())
	pc.mu.Unlock()
	return p, pc.w.sitesFacts(append(p.sites(), pc.Name()), true), nil
}

// PlanEntities implements v3.Backend: the VMs a recovery plan's stages select at each of
// its availability zones, live or as recovery points taken at or before refTime (zero:
// any), with their protection, and the location orders of the policies that cover them.
func (pc *PC) PlanEntities(id string, refTime time.Time) ([]v3.PlanZoneEntities, error) {
	p, sites, err := pc.planFacts(id)
	if err != nil {
		return nil, err
	}
	asker := sites[pc.Name()]
	var out []v3.PlanZoneEntities
	for _, az := range p.azs {
		zone := v3.PlanZoneEntities{URL: az.url}
		f := sites[az.site]
		if f == nil {
			out = append(out, zone)
			continue
		}
		zone.Known = true
		other := p.recoveryAZ().site
		if az.site == other {
			other = p.primaryAZ().site
		}
		var rules []policyFact
		var covered []string // the rule ordering each entity, if any
		live := map[string]bool{}
		for _, vm := range p.entities(f) {
			live[vm.uuid] = true
			it := v3.PlanEntity{VM: v3.Reference{Kind: vmKind.name, UUID: vm.uuid, Name: vm.name}, Protection: "UNPROTECTED"}
			covering, sync := f.covering(vm, other)
			if len(covering) > 0 {
				it.Protection = "PROTECTED"
			} else if protected, _ := f.protectedAnywhere(vm); protected {
				it.Protection = "PROTECTED"
			}
			if sync {
				it.Replication, it.Recoverability = "SYNCED", "RECOVERABLE"
				if peer := sites[other]; peer != nil && peer.down {
					it.Replication, it.Recoverability = "OUT_OF_SYNC", "UNRECOVERABLE"
				}
			}
			rules = append(rules, covering...)
			rule := ""
			if len(covering) > 0 {
				rule = covering[0].uuid
			}
			zone.Entities = append(zone.Entities, it)
			covered = append(covered, rule)
		}
		points := map[string]bool{}
		for _, pt := range f.points {
			if live[pt.vm] || points[pt.vm] || !p.selects(pt.vm, pt.categories) {
				continue
			}
			if !refTime.IsZero() && pt.created.After(refTime) {
				continue
			}
			points[pt.vm] = true
			zone.Entities = append(zone.Entities, v3.PlanEntity{
				VM: v3.Reference{Kind: vmKind.name, UUID: pt.vm, Name: pt.vmName}, IsRecoveryPoint: true, Protection: "PROTECTED"})
			covered = append(covered, "")
		}
		orders, index := uniqueOrders(rules, asker)
		for i, rule := range covered {
			if rule != "" {
				n := index[rule]
				zone.Entities[i].OrderIndex = &n
			}
		}
		for _, o := range orders {
			zone.Orders = append(zone.Orders, o)
		}
		out = append(out, zone)
	}
	return out, nil
}
