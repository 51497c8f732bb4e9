package prismsim

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// Recovery plans, their actions and jobs for the v4 wire: the model's recovery plans
// (recovery_plans.go) seen as datapolicies.v4.config.RecoveryPlan and RecoveryStage, and
// recovery plan actions run as the model's jobs (recovery_plan_jobs.go, failover.go).

// RecoveryPlans implements v4.Backend.
func (pc *PC) RecoveryPlans() []v4.RecoveryPlan {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	_, byAZ := pc.domainManagersLocked()
	var out []v4.RecoveryPlan
	for _, e := range pc.entitiesLocked(planKind) {
		var spec planSpecView
		_ = json.Unmarshal(e.intent.spec, &spec)
		p := v4.RecoveryPlan{ExtID: e.uuid, Name: e.intent.name}
		if spec.Description != nil {
			p.Description = *spec.Description
		}
		if r := spec.Resources; r != nil {
			if par := r.Parameters; par != nil {
				p.NetworkMappings = v4NetworkMappings(e.uuid, par)
				if l := par.WitnessConfigurationList; len(l) > 0 {
					// The witness runs in an availability zone: its extId is that zone's
					// domain manager (assumption, tools/prismsim/README.md).
					w := &v4.Witness{ExtID: byAZ[normUUID(l[0].WitnessAddress)], TimeoutSecs: l[0].WitnessFailoverTimeoutSecs}
					if w.ExtID == "" {
						w.ExtID = l[0].WitnessAddress
					}
					p.Witness = w
				}
				primary := int64(0)
				if par.PrimaryLocationIndex != nil {
					primary = *par.PrimaryLocationIndex
				}
				for i, az := range par.AvailabilityZoneList {
					loc := v4.DRLocation{DomainManagerExtID: byAZ[normUUID(az.AvailabilityZoneURL)], Clusters: refUUIDs(az.ClusterReferenceList)}
					if loc.DomainManagerExtID == "" {
						loc.DomainManagerExtID = az.AvailabilityZoneURL
					}
					if int64(i) == primary {
						p.Primary = loc
					} else if p.Recovery.DomainManagerExtID == "" {
						p.Recovery = loc
					}
				}
			}
			// Settings in the order of their VMs' first static address in the mappings'
			// assignment lists (so that a client listing them finds the lists' order), then
			// the settings of stage entities without addresses, in stage order.
			var settings []v4.RecoverySetting
			at := map[string]int{} // scope key -> index in settings
			if par := r.Parameters; par != nil {
				settings = v4IPSettings(e.uuid, par, settings, at)
			}
			for i, st := range r.StageList {
				s := v4.RecoveryStage{ExtID: st.StageUUID, Priority: i + 1, DelaySecs: st.DelayTimeSecs}
				if s.ExtID == "" {
					s.ExtID = model.NameUUID("stage", e.uuid, strconv.Itoa(i))
				}
				if st.StageWork != nil && st.StageWork.RecoverEntities != nil {
					for _, info := range st.StageWork.RecoverEntities.EntityInfoList {
						if rs, ok := pc.v4RecoverySettingLocked(e.uuid, info); ok {
							// A VM with static addresses has its setting already: the stage
							// entity's power state and scripts join it (and the entity stays
							// in the stage, below).
							if k, seen := at[rs.Scope+rs.VMExtID+rs.CategoryExtID]; seen {
								settings[k].PowerState, settings[k].ScriptEnabled, settings[k].ScriptTimeout = rs.PowerState, rs.ScriptEnabled, rs.ScriptTimeout
							} else {
								at[rs.Scope+rs.VMExtID+rs.CategoryExtID] = len(settings)
								settings = append(settings, rs)
							}
						}
						if info.AnyEntityReference != nil && info.AnyEntityReference.UUID != "" {
							s.EntityIDs = append(s.EntityIDs, normUUID(info.AnyEntityReference.UUID))
						}
						for _, key := range sortedKeys(info.Categories) {
							s.CategoryIDs = append(s.CategoryIDs, pc.categoryExtID(key, info.Categories[key]))
						}
					}
				}
				p.Stages = append(p.Stages, s)
			}
			p.RecoverySettings = settings
		}
		out = append(out, p)
	}
	return out
}

// RecoveryPlanJobs implements v4.Backend.
func (pc *PC) RecoveryPlanJobs() []v4.RecoveryPlanJob {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var out []v4.RecoveryPlanJob
	for _, e := range pc.entitiesLocked(jobKind) {
		j := jobOf(e)
		vj := v4.RecoveryPlanJob{ExtID: e.uuid, Name: j.name, PlanExtID: j.plan.UUID, PlanName: j.plan.Name,
			Action: j.action, Status: j.status, Percent: j.percent, Created: j.created, Started: j.started, Ended: j.ended,
			RecoveryReferenceTime: j.refTime, Initiator: j.initiator}
		if p := pc.w.PC(j.failedSite); p != nil {
			vj.SourceDM = p.UUID()
		}
		if p := pc.w.PC(j.recoverySite); p != nil {
			vj.TargetDM = p.UUID()
		}
		for i, ph := range j.phases {
			for _, s := range ph.steps {
				vs := v4.JobStep{ExtID: s.uuid, Phase: []string{"PRE_PROCESSING", "ENTITY_RECOVERY", "POST_PROCESSING"}[i],
					Operation: s.op, Status: s.status, Description: s.message, Percent: s.percent, Start: s.start, End: s.end,
					ErrorCode: s.errCode, ErrorDetail: s.errDetail}
				for _, r := range s.refs {
					vs.Entities = append(vs.Entities, v4.EntityRef{Kind: r.Kind, ExtID: r.UUID, Name: r.Name})
				}
				for _, r := range s.recovered {
					if r.uuid != "" { // v4 has no form for a VM that failed: the step's error says it.
						vs.Recovered = append(vs.Recovered, v4.RecoveredEntity{
							EntityRef: v4.EntityRef{Kind: r.source.Kind, ExtID: r.source.UUID, Name: r.name}, RecoveredExtID: r.uuid})
					}
				}
				vj.Steps = append(vj.Steps, vs)
			}
		}
		for sev, list := range map[string][]jobMessage{"ERROR": j.errors, "WARNING": j.warnings} {
			for i, m := range list {
				vm := v4.JobMessage{ExtID: model.NameUUID("job-message", e.uuid, sev, strconv.Itoa(i)), Severity: sev,
					Group: m.typ, Message: m.message, Cause: m.cause, Impact: m.impact, Resolution: m.resolution}
				for _, r := range m.refs {
					vm.Entities = append(vm.Entities, v4.EntityRef{Kind: r.Kind, ExtID: r.UUID, Name: r.Name})
				}
				vj.Messages = append(vj.Messages, vm)
			}
		}
		sort.SliceStable(vj.Messages, func(a, b int) bool { return vj.Messages[a].Severity < vj.Messages[b].Severity })
		out = append(out, vj)
	}
	return out
}

// DeleteRecoveryPlanJob implements v4.Backend.
func (pc *PC) DeleteRecoveryPlanJob(ctx context.Context, extID string) (string, error) {
	taskID, err := pc.deleteJob(ctx, normUUID(extID))
	return taskID, v4Err(err)
}

// RunRecoveryPlan implements v4.Backend: the action becomes a job request as v3 would
// send it, on the availability zones of the domain managers named.
func (pc *PC) RunRecoveryPlan(ctx context.Context, a v4.PlanAction) (string, error) {
	req, snap, err := pc.v4JobRequest(a)
	if err != nil {
		return "", err
	}
	taskID, err := pc.createJob(ctx, newUUID(), req, snap)
	return taskID, v4Err(err)
}

func (pc *PC) v4JobRequest(a v4.PlanAction) (jobRequest, *snapshot, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	plan := pc.entityLocked(planKind, normUUID(a.PlanExtID))
	if plan == nil {
		return jobRequest{}, nil, notFoundError("recovery plan", a.PlanExtID)
	}
	byDM, _ := pc.domainManagersLocked()
	failed, recovery := byDM[normUUID(a.SourceDM)], byDM[normUUID(a.TargetDM)]
	for field, az := range map[string]string{"sourceDomainManagerExtId": failed, "targetDomainManagerExtId": recovery} {
		if az == "" {
			return jobRequest{}, nil, &model.Error{Kind: model.Invalid, Field: "failoverDirections[0]." + field,
				Message: fmt.Sprintf("failoverDirections[0].%s is neither this Prism Central nor one paired with it", field)}
		}
	}
	req := jobRequest{name: a.Name, planUUID: plan.uuid, action: a.Action, failedURL: failed, recoveryURL: recovery,
		refTime: a.RecoveryReferenceTime, cont: a.ContinueOnValidation}
	if a.SourceCluster != "" {
		req.failedClusters = []string{normUUID(a.SourceCluster)}
	}
	if a.TargetCluster != "" {
		req.recClusters = []string{normUUID(a.TargetCluster)}
	}
	snap := &snapshot{spec: jobSpecJSON(a.Name, plan.uuid, plan.current().name, a.Action, failed, recovery),
		categories: map[string][]string{}, meta: map[string]json.RawMessage{}, updated: pc.w.clock.Now()}
	return req, snap, nil
}

// CleanUpRecoveryPlan implements v4.Backend: it cleans up the plan's latest test failover.
func (pc *PC) CleanUpRecoveryPlan(ctx context.Context, planExtID string) (string, error) {
	var latest string
	pc.mu.Lock()
	for _, e := range pc.entitiesLocked(jobKind) {
		if j := jobOf(e); j.plan.UUID == normUUID(planExtID) && j.action == actionTestFailover && !e.deleting {
			latest = e.uuid
		}
	}
	pc.mu.Unlock()
	if latest == "" {
		return "", &model.Error{Kind: model.Precondition, Message: fmt.Sprintf("recovery plan %s has no test failover to clean up", planExtID)}
	}
	taskID, err := pc.cleanupJob(ctx, latest)
	return taskID, v4Err(err)
}

// editPlan returns a new intent for the plan id, edited by edit on its v3 spec (a
// decoded object), and the spec_version it is based on; id "" starts from an empty plan.
func (pc *PC) editPlan(id string, edit func(pc *PC, spec map[string]any, byDM map[string]string) error) (*snapshot, int64, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	byDM, _ := pc.domainManagersLocked()
	spec := map[string]any{"resources": map[string]any{"stage_list": []any{}, "parameters": map[string]any{}}}
	snap := &snapshot{categories: map[string][]string{}, meta: map[string]json.RawMessage{}, updated: pc.w.clock.Now()}
	var version int64
	if id != "" {
		e := pc.entityLocked(planKind, normUUID(id))
		if e == nil {
			return nil, 0, notFoundError("recovery plan", id)
		}
		spec, version = decodeObject(e.intent.spec), e.version
		snap.categories, snap.meta = e.intent.categories, e.intent.meta
	}
	if err := edit(pc, spec, byDM); err != nil {
		return nil, 0, err
	}
	data, err := json.Marshal(spec)
	if err != nil {
		return nil, 0, err
	}
	snap.spec = data
	if name, ok := spec["name"].(string); ok {
		snap.name = name
	}
	return snap, version, nil
}

func objectAt(m map[string]any, key string) map[string]any {
	o, ok := m[key].(map[string]any)
	if !ok {
		o = map[string]any{}
		m[key] = o
	}
	return o
}

// setPlanHeader writes the name, description and locations of p into a v3 plan spec.
func setPlanHeader(p v4.RecoveryPlan) func(*PC, map[string]any, map[string]string) error {
	return func(_ *PC, spec map[string]any, byDM map[string]string) error {
		spec["name"] = p.Name
		if p.Description != "" {
			spec["description"] = p.Description
		} else {
			delete(spec, "description")
		}
		params := objectAt(objectAt(spec, "resources"), "parameters")
		var azs []any
		for i, l := range []v4.DRLocation{p.Primary, p.Recovery} {
			field := []string{"primaryLocation", "recoveryLocation"}[i]
			if byDM[normUUID(l.DomainManagerExtID)] == "" {
				return &model.Error{Kind: model.Invalid, Field: field + ".domainManagerExtId",
					Message: fmt.Sprintf("%s.domainManagerExtId %q is neither this Prism Central nor one paired with it", field, l.DomainManagerExtID)}
			}
		}
		for _, l := range []v4.DRLocation{p.Primary, p.Recovery} {
			az := map[string]any{"availability_zone_url": byDM[normUUID(l.DomainManagerExtID)]}
			if len(l.Clusters) > 0 {
				var refs []any
				for _, c := range l.Clusters {
					refs = append(refs, map[string]any{"kind": "cluster", "uuid": c})
				}
				az["cluster_reference_list"] = refs
			}
			azs = append(azs, az)
		}
		params["availability_zone_list"] = azs
		params["primary_location_index"] = 0
		if w := p.Witness; w != nil {
			az := byDM[normUUID(w.ExtID)]
			if az == "" {
				return &model.Error{Kind: model.Invalid, Field: "witness.extId",
					Message: fmt.Sprintf("witness.extId %q is neither this Prism Central nor one paired with it", w.ExtID)}
			}
			wc := map[string]any{"witness_address": az}
			if w.TimeoutSecs != nil {
				wc["witness_failover_timeout_secs"] = *w.TimeoutSecs
			}
			params["witness_configuration_list"] = []any{wc}
		} else {
			delete(params, "witness_configuration_list")
		}
		return nil
	}
}

// CreateRecoveryPlan implements v4.Backend.
func (pc *PC) CreateRecoveryPlan(ctx context.Context, p v4.RecoveryPlan) (string, string, error) {
	snap, _, err := pc.editPlan("", setPlanHeader(p))
	if err != nil {
		return "", "", err
	}
	id := newUUID()
	var taskID string
	if err := pc.createEntity(ctx, planKind, id, snap, func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", "", v4Err(err)
	}
	return id, taskID, nil
}

func (pc *PC) updatePlanWith(ctx context.Context, id string, edit func(*PC, map[string]any, map[string]string) error) (string, error) {
	snap, version, err := pc.editPlan(id, edit)
	if err != nil {
		return "", err
	}
	var taskID string
	if err := pc.updateEntity(ctx, planKind, normUUID(id), version, snap, func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", v4Err(err)
	}
	return taskID, nil
}

// UpdateRecoveryPlan implements v4.Backend.
func (pc *PC) UpdateRecoveryPlan(ctx context.Context, p v4.RecoveryPlan) (string, error) {
	return pc.updatePlanWith(ctx, p.ExtID, setPlanHeader(p))
}

// DeleteRecoveryPlan implements v4.Backend.
func (pc *PC) DeleteRecoveryPlan(ctx context.Context, extID string) (string, error) {
	var taskID string
	if err := pc.deleteEntity(ctx, planKind, normUUID(extID), func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", v4Err(err)
	}
	return taskID, nil
}

// v3StageLocked renders a v4 stage as a v3 stage_list item.
func (pc *PC) v3StageLocked(s v4.RecoveryStage) (map[string]any, error) {
	byExtID := map[string][2]string{}
	for name, k := range pc.categories {
		for value := range k.values {
			byExtID[pc.categoryExtID(name, value)] = [2]string{name, value}
		}
	}
	var infos []any
	for i, id := range s.CategoryIDs {
		kv, ok := byExtID[normUUID(id)]
		if !ok {
			return nil, &model.Error{Kind: model.Invalid, Field: fmt.Sprintf("categoryExtIds[%d]", i),
				Message: fmt.Sprintf("categoryExtIds[%d]: category %s does not exist on this Prism Central", i, id)}
		}
		infos = append(infos, map[string]any{"categories": map[string]string{kv[0]: kv[1]}})
	}
	for _, id := range s.EntityIDs {
		infos = append(infos, map[string]any{"any_entity_reference": map[string]any{"kind": "vm", "uuid": id}})
	}
	st := map[string]any{"stage_uuid": s.ExtID, "stage_work": map[string]any{"recover_entities": map[string]any{"entity_info_list": infos}}}
	if s.DelaySecs != nil {
		st["delay_time_secs"] = *s.DelaySecs
	}
	return st, nil
}

// PutRecoveryStage implements v4.Backend.
func (pc *PC) PutRecoveryStage(ctx context.Context, planExtID string, s v4.RecoveryStage, create bool) (string, error) {
	if create && s.ExtID == "" {
		s.ExtID = newUUID()
	}
	return pc.updatePlanWith(ctx, planExtID, func(pc *PC, spec map[string]any, _ map[string]string) error {
		st, err := pc.v3StageLocked(s)
		if err != nil {
			return err
		}
		res := objectAt(spec, "resources")
		stages, _ := res["stage_list"].([]any)
		if create {
			pos := len(stages)
			if s.Priority > 0 && s.Priority-1 < pos {
				pos = s.Priority - 1
			}
			res["stage_list"] = append(stages[:pos:pos], append([]any{st}, stages[pos:]...)...)
			return nil
		}
		for i, old := range stages {
			if o, ok := old.(map[string]any); ok && o["stage_uuid"] == s.ExtID {
				stages[i] = st
				return nil
			}
		}
		return notFoundError("recovery stage", s.ExtID)
	})
}

// DeleteRecoveryStage implements v4.Backend.
func (pc *PC) DeleteRecoveryStage(ctx context.Context, planExtID, stageExtID string) (string, error) {
	return pc.updatePlanWith(ctx, planExtID, func(_ *PC, spec map[string]any, _ map[string]string) error {
		res := objectAt(spec, "resources")
		stages, _ := res["stage_list"].([]any)
		for i, old := range stages {
			if o, ok := old.(map[string]any); ok && o["stage_uuid"] == stageExtID {
				res["stage_list"] = append(stages[:i:i], stages[i+1:]...)
				return nil
			}
		}
		return notFoundError("recovery stage", stageExtID)
	})
}

// v4NetworkMappings maps each network_mapping_list item: its entry for the primary
// availability zone is the primary side, the other the recovery side.
func v4NetworkMappings(plan string, par *planParametersView) []v4.NetworkMapping {
	config := func(n *planNetworkView) *v4.NetworkConfig {
		if n == nil || (n.Name == "" && len(n.SubnetList) == 0) {
			return nil
		}
		c := &v4.NetworkConfig{SubnetName: n.Name}
		if n.UseVPCReference && n.VPCReference != nil {
			c.VPCExtID = n.VPCReference.UUID
		}
		if len(n.SubnetList) > 0 {
			c.Gateway, c.PrefixLength = n.SubnetList[0].GatewayIP, n.SubnetList[0].PrefixLength
		}
		return c
	}
	isPrimary := v4PrimarySide(par)
	var out []v4.NetworkMapping
	for i, m := range par.NetworkMappingList {
		nm := v4.NetworkMapping{ExtID: model.NameUUID("network-mapping", plan, strconv.Itoa(i))}
		for k, side := range m.AZNetworkMappingList {
			if isPrimary(k, side) {
				nm.Primary, nm.PrimaryTest = config(side.RecoveryNetwork), config(side.TestNetwork)
			} else {
				nm.Recovery, nm.RecoveryTest = config(side.RecoveryNetwork), config(side.TestNetwork)
			}
		}
		out = append(out, nm)
	}
	return out
}

// v4RecoverySettingLocked is the recovery setting of an entity_info_list item that sets a
// power state or in-guest scripts: for its VM, or for the VMs of its (first) category.
func (pc *PC) v4RecoverySettingLocked(plan string, info planEntityInfoView) (v4.RecoverySetting, bool) {
	rs := v4.RecoverySetting{PowerState: info.VMPowerState}
	for _, s := range info.ScriptList {
		rs.ScriptEnabled, rs.ScriptTimeout = s.EnableScriptExec, s.Timeout
	}
	if rs.PowerState == "" && rs.ScriptEnabled == nil {
		return rs, false
	}
	switch {
	case info.AnyEntityReference != nil && info.AnyEntityReference.UUID != "":
		rs.Scope, rs.VMExtID = "VM", normUUID(info.AnyEntityReference.UUID)
	case len(info.Categories) > 0:
		key := sortedKeys(info.Categories)[0]
		rs.Scope, rs.CategoryExtID = "VM_CATEGORY", pc.categoryExtID(key, info.Categories[key])
	default:
		return rs, false
	}
	rs.ExtID = v4SettingID(plan, rs)
	return rs, true
}

// v4SettingID is a recovery setting's extId: derived from the plan and the setting's VM or
// category, so that it stays while stages and mappings change around it (assumption).
func v4SettingID(plan string, rs v4.RecoverySetting) string {
	if rs.Scope == "VM" {
		return model.NameUUID("recovery-setting", plan, "vm", rs.VMExtID)
	}
	return model.NameUUID("recovery-setting", plan, "category", rs.CategoryExtID)
}

// v4IPSettings adds the static addresses of the plan's network mappings (v3's
// recovery_ip_assignment_list and test_ip_assignment_list of each side) to the settings of
// their VMs, making a setting for a VM that has none: one IpMapping per VM and mapping, the
// first address of each side.
func v4IPSettings(plan string, par *planParametersView, settings []v4.RecoverySetting, at map[string]int) []v4.RecoverySetting {
	isPrimary := v4PrimarySide(par)
	for i, m := range par.NetworkMappingList {
		mapping := model.NameUUID("network-mapping", plan, strconv.Itoa(i))
		for k, side := range m.AZNetworkMappingList {
			primary := isPrimary(k, side)
			for test, list := range [][]planVMIPView{side.RecoveryIPAssignmentList, side.TestIPAssignmentList} {
				for _, a := range list {
					if a.VMReference == nil || a.VMReference.UUID == "" || len(a.IPConfigList) == 0 {
						continue
					}
					vm := normUUID(a.VMReference.UUID)
					j, ok := at["VM"+vm]
					if !ok {
						rs := v4.RecoverySetting{Scope: "VM", VMExtID: vm}
						rs.ExtID = v4SettingID(plan, rs)
						j = len(settings)
						at["VM"+vm] = j
						settings = append(settings, rs)
					}
					rs := &settings[j]
					ipm := slices.IndexFunc(rs.IPMappings, func(x v4.IPMapping) bool { return x.NetworkMappingExtID == mapping })
					if ipm < 0 {
						rs.IPMappings = append(rs.IPMappings, v4.IPMapping{NetworkMappingExtID: mapping})
						ipm = len(rs.IPMappings) - 1
					}
					ip := a.IPConfigList[0].IPAddress
					switch x := &rs.IPMappings[ipm]; {
					case primary && test == 0:
						x.PrimaryIP = ip
					case primary:
						x.PrimaryTestIP = ip
					case test == 0:
						x.RecoveryIP = ip
					default:
						x.RecoveryTestIP = ip
					}
				}
			}
		}
	}
	return settings
}

// v4PrimarySide tells whether the k-th side of a network mapping is the plan's primary one:
// by availability zone, or when both locations are in one zone by the clusters it names (by
// position when it names none).
func v4PrimarySide(par *planParametersView) func(k int, side planAZNetworkView) bool {
	primaryAZ := ""
	primary := int64(0)
	if par.PrimaryLocationIndex != nil {
		primary = *par.PrimaryLocationIndex
	}
	if int(primary) < len(par.AvailabilityZoneList) {
		primaryAZ = normUUID(par.AvailabilityZoneList[primary].AvailabilityZoneURL)
	}
	sameAZ := len(par.AvailabilityZoneList) == 2 &&
		normUUID(par.AvailabilityZoneList[0].AvailabilityZoneURL) == normUUID(par.AvailabilityZoneList[1].AvailabilityZoneURL)
	return func(k int, side planAZNetworkView) bool {
		if !sameAZ {
			return normUUID(side.AvailabilityZoneURL) == primaryAZ
		}
		if len(side.ClusterReferenceList) > 0 {
			for _, c := range par.AvailabilityZoneList[primary].ClusterReferenceList {
				if normUUID(c.UUID) == normUUID(side.ClusterReferenceList[0].UUID) {
					return true
				}
			}
			return false
		}
		return int64(k) == primary
	}
}

// v3Network renders a v4 network config as a v3 recovery or test network.
func v3Network(c *v4.NetworkConfig) map[string]any {
	if c == nil {
		return nil
	}
	n := map[string]any{"name": c.SubnetName, "use_vpc_reference": c.VPCExtID != ""}
	if c.VPCExtID != "" {
		n["vpc_reference"] = map[string]any{"kind": "vpc", "uuid": c.VPCExtID}
	}
	if c.Gateway != "" || c.PrefixLength != nil {
		sn := map[string]any{"gateway_ip": c.Gateway}
		if c.PrefixLength != nil {
			sn["prefix_length"] = *c.PrefixLength
		}
		n["subnet_list"] = []any{sn}
	}
	return n
}

// v3NetworkMapping renders a v4 network mapping as a v3 network_mapping_list item on the
// plan's primary and recovery availability zones.
func v3NetworkMapping(params map[string]any, m v4.NetworkMapping) (map[string]any, error) {
	azs, _ := params["availability_zone_list"].([]any)
	if len(azs) != 2 {
		return nil, &model.Error{Kind: model.Precondition, Message: "the recovery plan has no primary and recovery locations to map networks between"}
	}
	primary := 0
	if n, ok := params["primary_location_index"].(json.Number); ok && n.String() == "1" {
		primary = 1
	}
	url := func(i int) any {
		az, _ := azs[i].(map[string]any)
		return az["availability_zone_url"]
	}
	// Both locations in one availability zone: each side names its location's clusters.
	clusters := func(i int) any {
		if fmt.Sprint(url(0)) != fmt.Sprint(url(1)) {
			return nil
		}
		az, _ := azs[i].(map[string]any)
		return az["cluster_reference_list"]
	}
	side := func(i int, prod, test *v4.NetworkConfig) map[string]any {
		out := map[string]any{"availability_zone_url": url(i)}
		if cl := clusters(i); cl != nil {
			out["cluster_reference_list"] = cl
		}
		if n := v3Network(prod); n != nil {
			out["recovery_network"] = n
		}
		if n := v3Network(test); n != nil {
			out["test_network"] = n
		}
		return out
	}
	return map[string]any{"are_networks_stretched": false, "availability_zone_network_mapping_list": []any{
		side(primary, m.Primary, m.PrimaryTest), side(1-primary, m.Recovery, m.RecoveryTest),
	}}, nil
}

// PutNetworkMapping implements v4.Backend.
func (pc *PC) PutNetworkMapping(ctx context.Context, planExtID string, m v4.NetworkMapping, create bool) (string, error) {
	return pc.updatePlanWith(ctx, planExtID, func(_ *PC, spec map[string]any, _ map[string]string) error {
		params := objectAt(objectAt(spec, "resources"), "parameters")
		item, err := v3NetworkMapping(params, m)
		if err != nil {
			return err
		}
		list, _ := params["network_mapping_list"].([]any)
		if create {
			params["network_mapping_list"] = append(list, item)
			return nil
		}
		for i := range list {
			if model.NameUUID("network-mapping", normUUID(planExtID), strconv.Itoa(i)) == m.ExtID {
				list[i] = item
				return nil
			}
		}
		return notFoundError("network mapping", m.ExtID)
	})
}

// DeleteNetworkMapping implements v4.Backend.
func (pc *PC) DeleteNetworkMapping(ctx context.Context, planExtID, mappingExtID string) (string, error) {
	return pc.updatePlanWith(ctx, planExtID, func(_ *PC, spec map[string]any, _ map[string]string) error {
		params := objectAt(objectAt(spec, "resources"), "parameters")
		list, _ := params["network_mapping_list"].([]any)
		for i := range list {
			if model.NameUUID("network-mapping", normUUID(planExtID), strconv.Itoa(i)) == mappingExtID {
				params["network_mapping_list"] = append(list[:i:i], list[i+1:]...)
				return nil
			}
		}
		return notFoundError("network mapping", mappingExtID)
	})
}

// PutRecoverySetting implements v4.Backend: the setting's power state and scripts go to the
// stage entities that select its VM by itself (or its category), its addresses to the
// assignment lists of the network mappings' sides. The model keeps a power state and scripts
// per stage entity: a VM that no stage selects by itself cannot have them (400).
func (pc *PC) PutRecoverySetting(ctx context.Context, planExtID string, r v4.RecoverySetting) (string, error) {
	return pc.updatePlanWith(ctx, planExtID, func(pc *PC, spec map[string]any, _ map[string]string) error {
		return pc.editRecoverySettingLocked(spec, planExtID, r)
	})
}

// DeleteRecoverySetting implements v4.Backend: the VM or category is recovered as by default.
func (pc *PC) DeleteRecoverySetting(ctx context.Context, planExtID string, r v4.RecoverySetting) (string, error) {
	clear := v4.RecoverySetting{Scope: r.Scope, VMExtID: r.VMExtID, CategoryExtID: r.CategoryExtID}
	return pc.updatePlanWith(ctx, planExtID, func(pc *PC, spec map[string]any, _ map[string]string) error {
		return pc.editRecoverySettingLocked(spec, planExtID, clear)
	})
}

func (pc *PC) editRecoverySettingLocked(spec map[string]any, planExtID string, r v4.RecoverySetting) error {
	res := objectAt(spec, "resources")
	stages, _ := res["stage_list"].([]any)
	var category [2]string
	if r.Scope == "VM_CATEGORY" {
		for name, k := range pc.categories {
			for value := range k.values {
				if pc.categoryExtID(name, value) == normUUID(r.CategoryExtID) {
					category = [2]string{name, value}
				}
			}
		}
		if category[0] == "" {
			return &model.Error{Kind: model.Invalid, Field: "recoverySetting.vmCategoryExtId",
				Message: fmt.Sprintf("recoverySetting.vmCategoryExtId: category %s does not exist on this Prism Central", r.CategoryExtID)}
		}
	}
	matched := false
	for _, st := range stages {
		stage, _ := st.(map[string]any)
		work, _ := stage["stage_work"].(map[string]any)
		rec, _ := work["recover_entities"].(map[string]any)
		infos, _ := rec["entity_info_list"].([]any)
		for _, it := range infos {
			info, _ := it.(map[string]any)
			if info == nil {
				continue
			}
			switch r.Scope {
			case "VM":
				ref, _ := info["any_entity_reference"].(map[string]any)
				if ref == nil || normUUID(fmt.Sprint(ref["uuid"])) != normUUID(r.VMExtID) {
					continue
				}
			default:
				cats, _ := info["categories"].(map[string]any)
				if len(cats) != 1 || fmt.Sprint(cats[category[0]]) != category[1] {
					continue
				}
			}
			matched = true
			delete(info, "vm_power_state")
			delete(info, "script_list")
			if r.PowerState != "" {
				info["vm_power_state"] = r.PowerState
			}
			if r.ScriptEnabled != nil {
				script := map[string]any{"enable_script_exec": *r.ScriptEnabled}
				if r.ScriptTimeout != nil {
					script["timeout"] = *r.ScriptTimeout
				}
				info["script_list"] = []any{script}
			}
		}
	}
	if !matched && (r.PowerState != "" || r.ScriptEnabled != nil) {
		what := "VM " + r.VMExtID + " by itself"
		if r.Scope != "VM" {
			what = "category " + category[0] + ":" + category[1] + " alone"
		}
		return &model.Error{Kind: model.Invalid, Field: "recoverySetting",
			Message: fmt.Sprintf("recoverySetting: no stage of the plan selects %s: prismsim keeps a power state and scripts per stage entity", what)}
	}
	if r.Scope != "VM" {
		return nil
	}
	params := objectAt(res, "parameters")
	var par planParametersView
	if raw, err := json.Marshal(params); err == nil {
		_ = json.Unmarshal(raw, &par)
	}
	isPrimary := v4PrimarySide(&par)
	mappings, _ := params["network_mapping_list"].([]any)
	// The VM's addresses leave a hole where they were, filled by the setting's address (so
	// that a changed address keeps its place in the list) or removed at the end.
	eachList := func(visit func(side map[string]any, key string, list []any)) {
		for _, m := range mappings {
			mm, _ := m.(map[string]any)
			sides, _ := mm["availability_zone_network_mapping_list"].([]any)
			for _, sd := range sides {
				side, _ := sd.(map[string]any)
				for _, key := range []string{"recovery_ip_assignment_list", "test_ip_assignment_list"} {
					list, _ := side[key].([]any)
					visit(side, key, list)
				}
			}
		}
	}
	eachList(func(side map[string]any, key string, list []any) {
		for i, a := range list {
			am, _ := a.(map[string]any)
			ref, _ := am["vm_reference"].(map[string]any)
			if ref != nil && normUUID(fmt.Sprint(ref["uuid"])) == normUUID(r.VMExtID) {
				list[i] = nil
			}
		}
	})
	defer eachList(func(side map[string]any, key string, list []any) {
		kept := slices.DeleteFunc(list, func(a any) bool { return a == nil })
		if len(kept) == 0 {
			delete(side, key)
		} else if side != nil {
			side[key] = kept
		}
	})
	for i, ipm := range r.IPMappings {
		at := -1
		for j := range mappings {
			if model.NameUUID("network-mapping", normUUID(planExtID), strconv.Itoa(j)) == normUUID(ipm.NetworkMappingExtID) {
				at = j
			}
		}
		if at < 0 {
			return &model.Error{Kind: model.Invalid, Field: fmt.Sprintf("recoverySetting.ipMappings[%d].networkMappingExtId", i),
				Message: fmt.Sprintf("recoverySetting.ipMappings[%d].networkMappingExtId %s is not a network mapping of the plan", i, ipm.NetworkMappingExtID)}
		}
		mm, _ := mappings[at].(map[string]any)
		sides, _ := mm["availability_zone_network_mapping_list"].([]any)
		for k, sd := range sides {
			side, _ := sd.(map[string]any)
			if k >= len(par.NetworkMappingList[at].AZNetworkMappingList) {
				continue
			}
			prod, test := ipm.RecoveryIP, ipm.RecoveryTestIP
			if isPrimary(k, par.NetworkMappingList[at].AZNetworkMappingList[k]) {
				prod, test = ipm.PrimaryIP, ipm.PrimaryTestIP
			}
			for key, ip := range map[string]string{"recovery_ip_assignment_list": prod, "test_ip_assignment_list": test} {
				if ip == "" {
					continue
				}
				list, _ := side[key].([]any)
				item := map[string]any{"vm_reference": map[string]any{"kind": "vm", "uuid": normUUID(r.VMExtID)},
					"ip_config_list": []any{map[string]any{"ip_address": ip}}}
				if hole := slices.Index(list, any(nil)); hole >= 0 {
					list[hole] = item
				} else {
					side[key] = append(list, item)
				}
			}
		}
	}
	return nil
}
