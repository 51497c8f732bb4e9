package prismsim

import (
	"context"
	"encoding/json"
	"fmt"
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
			for i, st := range r.StageList {
				s := v4.RecoveryStage{ExtID: st.StageUUID, Priority: i + 1, DelaySecs: st.DelayTimeSecs}
				if s.ExtID == "" {
					s.ExtID = model.NameUUID("stage", e.uuid, strconv.Itoa(i))
				}
				if st.StageWork != nil && st.StageWork.RecoverEntities != nil {
					for _, info := range st.StageWork.RecoverEntities.EntityInfoList {
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
				vj.Steps = append(vj.Steps, vs)
			}
		}
		out = append(out, vj)
	}
	return out
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
