package prismsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// Protection policies for the v4 wire: the model's protection rules (protection_rules.go)
// converted to and from datapolicies.v4.config.ProtectionPolicy. A location's
// domainManagerExtId is the UUID of the PC its availability zone denotes (PC.UUID, the
// PC's own cluster); categoryIds are the v4 category extIds (categoryExtID). The checks
// are the v3 kind's (prepareProtectionRule): their messages name v3 fields.

// v4Err turns a v3 check's *apiError into a model error the v4 wire maps to its own
// status; model errors pass through.
func v4Err(err error) error {
	var ae *apiError
	if !errors.As(err, &ae) {
		return err
	}
	kind := model.Invalid
	switch {
	case ae.Status == http.StatusNotFound:
		kind = model.NotFound
	case ae.Status == http.StatusConflict:
		kind = model.Conflict
	case ae.Status == http.StatusUnauthorized:
		kind = model.Unauthorized
	case ae.Status >= 500:
		kind = model.Unavailable
	}
	return &model.Error{Kind: kind, Code: ae.Reason, Message: ae.Message, Details: ae.Details}
}

// domainManagersLocked maps the PC UUID of each availability zone of this PC to the AZ's
// uuid, and back.
func (pc *PC) domainManagersLocked() (byDM, byAZ map[string]string) {
	byDM, byAZ = map[string]string{}, map[string]string{}
	for _, az := range pc.entitiesLocked(azKind) {
		target, _ := pc.azTargetLocked(az.uuid)
		peer := pc.w.PC(target)
		if peer == nil {
			continue
		}
		byDM[peer.UUID()] = az.uuid
		byAZ[az.uuid] = peer.UUID()
	}
	return byDM, byAZ
}

// ProtectionPolicies implements v4.Backend.
func (pc *PC) ProtectionPolicies() []v4.ProtectionPolicy {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	_, byAZ := pc.domainManagersLocked()
	var out []v4.ProtectionPolicy
	for _, e := range pc.entitiesLocked(policyKind) {
		out = append(out, pc.v4PolicyLocked(e, byAZ))
	}
	return out
}

func (pc *PC) v4PolicyLocked(e *entity, byAZ map[string]string) v4.ProtectionPolicy {
	spec := decodeRuleSpec(e.intent.spec)
	p := v4.ProtectionPolicy{ExtID: e.uuid, Name: e.intent.name}
	if spec.Description != nil {
		p.Description = *spec.Description
	}
	r := spec.Resources
	labels := e.intent.v4Labels
	if len(labels) != len(r.OrderedAZList) {
		labels = make([]string, len(r.OrderedAZList))
		for i, loc := range r.OrderedAZList {
			target, _ := pc.azTargetLocked(loc.AvailabilityZoneURL)
			labels[i] = target
			if target == "" || slices.Contains(labels[:i], target) {
				labels[i] = "location-" + strconv.Itoa(i)
			}
		}
	}
	for i, loc := range r.OrderedAZList {
		dm := byAZ[normUUID(loc.AvailabilityZoneURL)]
		if dm == "" {
			dm = loc.AvailabilityZoneURL
		}
		l := v4.ReplicationLocation{Label: labels[i], DomainManagerExtID: dm,
			IsPrimary: slices.Contains(r.PrimaryLocationList, int64(i)) || (len(r.PrimaryLocationList) == 0 && i == 0)}
		if loc.target() == "MST" {
			l.StoreExtID = loc.RecoveryPointRepositoryUUID
		} else {
			l.ClusterExtIDs = loc.clusters()
		}
		p.Locations = append(p.Locations, l)
	}
	for _, c := range r.ConnectivityList {
		if c.SourceIndex == nil || c.DestinationIndex == nil {
			continue
		}
		for _, s := range c.Schedules {
			rc := v4.ReplicationConfiguration{Source: labels[*c.SourceIndex], Remote: labels[*c.DestinationIndex],
				RecoveryPointType: s.SnapshotType, SyncAutoSuspendSecs: s.AutoSuspendTimeoutSecs}
			if s.RPOSecs != nil {
				rc.RPOSecs = *s.RPOSecs
			}
			if r.StartTime != nil {
				rc.StartTime = *r.StartTime
			}
			rc.Linear, rc.Rollup = v4Retention(s.Local, s.Remote, rc.RPOSecs)
			p.Configurations = append(p.Configurations, rc)
		}
	}
	if f := r.CategoryFilter; f != nil {
		for _, key := range sortedKeys(f.Params) {
			for _, value := range f.Params[key] {
				p.CategoryIDs = append(p.CategoryIDs, pc.categoryExtID(key, value))
			}
		}
	}
	return p
}

// v4Retention maps v3's two retention policies to v4's one. Both linear: a LinearRetention;
// both roll-up: an AutoRollupRetention; a side without a retention is absent. v3 lets the two
// sides be of different kinds, v4 does not: a linear side then shows as the roll-up that keeps
// the same recovery points (N points taken every hour, day or week are a roll-up of N such
// intervals) when the RPO is one of those intervals, and the schedule shows the local side's
// kind otherwise, the other side absent (tools/prismsim/README.md, v4 section: assumption).
func v4Retention(local, remote *retentionView, rpoSecs int64) (*v4.LinearRetention, *v4.RollupRetention) {
	linear := func(r *retentionView) bool { return r != nil && r.NumSnapshots != nil }
	rollup := func(r *retentionView) bool { return r != nil && r.Rollup != nil }
	count := func(r *retentionView) *int64 {
		if !linear(r) {
			return nil
		}
		n := *r.NumSnapshots
		return &n
	}
	details := func(r *retentionView) *v4.RollupDetails {
		switch {
		case rollup(r):
			d := &v4.RollupDetails{IntervalType: r.Rollup.IntervalType}
			if r.Rollup.Multiple != nil {
				d.Frequency = *r.Rollup.Multiple
			}
			return d
		case linear(r) && rollupIntervalOf(rpoSecs) != "":
			return &v4.RollupDetails{IntervalType: rollupIntervalOf(rpoSecs), Frequency: *r.NumSnapshots}
		}
		return nil
	}
	switch {
	case !linear(local) && !rollup(local) && !linear(remote) && !rollup(remote):
		return nil, nil
	case (rollup(local) || rollup(remote)) && (!linear(local) && !linear(remote) || rollupIntervalOf(rpoSecs) != ""):
		return nil, &v4.RollupRetention{Local: details(local), Remote: details(remote)}
	case rollup(local):
		return nil, &v4.RollupRetention{Local: details(local)}
	default:
		return &v4.LinearRetention{Local: count(local), Remote: count(remote)}, nil
	}
}

// rollupIntervalOf is the roll-up interval an RPO is exactly, or "".
func rollupIntervalOf(rpoSecs int64) string {
	switch rpoSecs {
	case 3600:
		return "HOURLY"
	case 86400:
		return "DAILY"
	case 7 * 86400:
		return "WEEKLY"
	}
	return ""
}

// storedRetention is a schedule of a stored rule: its v3 retentions and how v4 shows them.
type storedRetention struct {
	local, remote *retentionView
	linear        *v4.LinearRetention
	rollup        *v4.RollupRetention
}

// storedRetentionsLocked lists the schedules of a stored rule by source label, remote label
// and RPO, in order.
func (pc *PC) storedRetentionsLocked(e *entity) map[string][]storedRetention {
	_, byAZ := pc.domainManagersLocked()
	shown := pc.v4PolicyLocked(e, byAZ)
	r := decodeRuleSpec(e.current().spec).Resources
	out := map[string][]storedRetention{}
	i := 0
	for _, c := range r.ConnectivityList {
		if c.SourceIndex == nil || c.DestinationIndex == nil {
			continue
		}
		for _, s := range c.Schedules {
			rc := shown.Configurations[i]
			i++
			k := rc.Source + "\x00" + rc.Remote + "\x00" + strconv.FormatInt(rc.RPOSecs, 10)
			out[k] = append(out[k], storedRetention{local: s.Local, remote: s.Remote, linear: rc.Linear, rollup: rc.Rollup})
		}
	}
	return out
}

// v3RuleSpecLocked converts a v4 policy to the v3 rule spec the model keeps. A schedule of
// stored (an update) whose retention v4 shows as the one written keeps its v3 retentions:
// v4 cannot say retentions of two kinds and shows them as an equivalent roll-up
// (v4Retention), which written back changes nothing.
func (pc *PC) v3RuleSpecLocked(p v4.ProtectionPolicy, stored map[string][]storedRetention) (*snapshot, error) {
	byDM, _ := pc.domainManagersLocked()
	index := map[string]int{}
	var azs []map[string]any
	var primary []int64
	labels := make([]string, len(p.Locations))
	for i, l := range p.Locations {
		field := fmt.Sprintf("replicationLocations[%d]", i)
		if _, dup := index[l.Label]; dup {
			return nil, &model.Error{Kind: model.Invalid, Field: field + ".label", Message: fmt.Sprintf("%s.label %q is used by another location", field, l.Label)}
		}
		index[l.Label] = i
		labels[i] = l.Label
		az := byDM[normUUID(l.DomainManagerExtID)]
		if az == "" {
			return nil, &model.Error{Kind: model.Invalid, Field: field + ".domainManagerExtId",
				Message: fmt.Sprintf("%s.domainManagerExtId %s is neither this Prism Central nor one paired with it", field, l.DomainManagerExtID)}
		}
		loc := map[string]any{"availability_zone_url": az}
		switch {
		case l.StoreExtID != "":
			loc["target_type"] = "MST"
			loc["recovery_point_repository_uuid"] = l.StoreExtID
		case len(l.ClusterExtIDs) == 1:
			loc["cluster_uuid"] = l.ClusterExtIDs[0]
		case len(l.ClusterExtIDs) > 1:
			loc["cluster_uuid_list"] = l.ClusterExtIDs
		}
		azs = append(azs, loc)
		if l.IsPrimary {
			primary = append(primary, int64(i))
		}
	}
	type pair struct{ src, dst int }
	var order []pair
	schedules := map[pair][]map[string]any{}
	startTime := ""
	for i, c := range p.Configurations {
		field := fmt.Sprintf("replicationConfigurations[%d]", i)
		src, ok := index[c.Source]
		if !ok {
			return nil, &model.Error{Kind: model.Invalid, Field: field + ".sourceLocationLabel",
				Message: fmt.Sprintf("%s.sourceLocationLabel %q names no location", field, c.Source)}
		}
		if c.Remote == "" {
			return nil, &model.Error{Kind: model.Invalid, Field: field + ".remoteLocationLabel",
				Message: fmt.Sprintf("%s.remoteLocationLabel is required by prismsim: it models schedules between two locations only", field)}
		}
		dst, ok := index[c.Remote]
		if !ok {
			return nil, &model.Error{Kind: model.Invalid, Field: field + ".remoteLocationLabel",
				Message: fmt.Sprintf("%s.remoteLocationLabel %q names no location", field, c.Remote)}
		}
		if c.StartTime != "" {
			if startTime != "" && startTime != c.StartTime {
				return nil, &model.Error{Kind: model.Invalid, Field: field + ".schedule.startTime",
					Message: fmt.Sprintf("%s.schedule.startTime %q differs from another schedule's %q: prismsim keeps one start time per policy", field, c.StartTime, startTime)}
			}
			startTime = c.StartTime
		}
		s := map[string]any{"recovery_point_objective_secs": c.RPOSecs}
		if c.RecoveryPointType != "" {
			s["snapshot_type"] = c.RecoveryPointType
		}
		if c.SyncAutoSuspendSecs != nil {
			s["auto_suspend_timeout_secs"] = *c.SyncAutoSuspendSecs
		}
		sk := c.Source + "\x00" + c.Remote + "\x00" + strconv.FormatInt(c.RPOSecs, 10)
		var kept *storedRetention
		if len(stored[sk]) > 0 {
			kept = &stored[sk][0]
			stored[sk] = stored[sk][1:]
			if !reflect.DeepEqual(kept.linear, c.Linear) || !reflect.DeepEqual(kept.rollup, c.Rollup) {
				kept = nil
			}
		}
		switch {
		case kept != nil:
			if kept.local != nil {
				s["local_snapshot_retention_policy"] = kept.local
			}
			if kept.remote != nil {
				s["remote_snapshot_retention_policy"] = kept.remote
			}
		case c.Linear != nil:
			if c.Linear.Local != nil {
				s["local_snapshot_retention_policy"] = map[string]any{"num_snapshots": *c.Linear.Local}
			}
			if c.Linear.Remote != nil {
				s["remote_snapshot_retention_policy"] = map[string]any{"num_snapshots": *c.Linear.Remote}
			}
		case c.Rollup != nil:
			rollup := func(d v4.RollupDetails) map[string]any {
				return map[string]any{"rollup_retention_policy": map[string]any{"multiple": d.Frequency, "snapshot_interval_type": d.IntervalType}}
			}
			if c.Rollup.Local != nil {
				s["local_snapshot_retention_policy"] = rollup(*c.Rollup.Local)
			}
			if c.Rollup.Remote != nil {
				s["remote_snapshot_retention_policy"] = rollup(*c.Rollup.Remote)
			}
		}
		k := pair{src, dst}
		if _, seen := schedules[k]; !seen {
			order = append(order, k)
		}
		schedules[k] = append(schedules[k], s)
	}
	conns := []map[string]any{}
	for _, k := range order {
		conns = append(conns, map[string]any{"source_availability_zone_index": k.src,
			"destination_availability_zone_index": k.dst, "snapshot_schedule_list": schedules[k]})
	}
	params := map[string][]string{}
	byExtID := map[string][2]string{}
	for name, k := range pc.categories {
		for value := range k.values {
			byExtID[pc.categoryExtID(name, value)] = [2]string{name, value}
		}
	}
	for i, id := range p.CategoryIDs {
		kv, ok := byExtID[normUUID(id)]
		if !ok {
			return nil, &model.Error{Kind: model.Invalid, Field: fmt.Sprintf("categoryIds[%d]", i),
				Message: fmt.Sprintf("categoryIds[%d]: category %s does not exist on this Prism Central", i, id)}
		}
		if !slices.Contains(params[kv[0]], kv[1]) {
			params[kv[0]] = append(params[kv[0]], kv[1])
		}
	}
	for _, vs := range params {
		sort.Strings(vs)
	}
	res := map[string]any{
		"ordered_availability_zone_list":      azs,
		"availability_zone_connectivity_list": conns,
		"category_filter":                     map[string]any{"type": categoryMatchAny, "kind_list": []string{vmKind.name}, "params": params},
	}
	if len(primary) > 0 {
		res["primary_location_list"] = primary
	}
	if startTime != "" {
		res["start_time"] = startTime
	}
	spec := map[string]any{"name": p.Name, "resources": res}
	if p.Description != "" {
		spec["description"] = p.Description
	}
	data, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	return &snapshot{spec: data, name: p.Name, categories: map[string][]string{}, meta: map[string]json.RawMessage{},
		updated: pc.w.clock.Now(), v4Labels: labels}, nil
}

func (pc *PC) v4RuleSnapshot(p v4.ProtectionPolicy) (*snapshot, int64, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var version int64
	if p.ExtID != "" {
		e := pc.entityLocked(policyKind, normUUID(p.ExtID))
		if e == nil {
			return nil, 0, notFoundError(policyKind.name, p.ExtID)
		}
		version = e.version
	}
	var stored map[string][]storedRetention
	if p.ExtID != "" {
		stored = pc.storedRetentionsLocked(pc.entityLocked(policyKind, normUUID(p.ExtID)))
	}
	snap, err := pc.v3RuleSpecLocked(p, stored)
	if err == nil && p.ExtID != "" {
		snap.spec, err = keepV3Only(pc.entityLocked(policyKind, normUUID(p.ExtID)).current().spec, snap.spec)
	}
	return snap, version, err
}

// v4MappedRuleResources are the fields of a protection rule's resources that the v4
// ProtectionPolicy carries (v3RuleSpecLocked writes them); the others have no v4 form.
var v4MappedRuleResources = map[string]bool{
	"ordered_availability_zone_list": true, "availability_zone_connectivity_list": true,
	"category_filter": true, "primary_location_list": true, "start_time": true,
}

// keepV3Only carries the fields of the stored v3 spec that the v4 model does not carry (such
// as is_approval_policy_needed) into the spec a v4 update wrote: a v4 update changes what v4
// says and nothing else. ASSUMPTION (tools/prismsim/README.md, v4 section): a Prism Central
// stores one entity for both APIs, so what one API cannot say survives the other's update.
func keepV3Only(stored, updated json.RawMessage) (json.RawMessage, error) {
	var old, upd map[string]any
	if err := json.Unmarshal(stored, &old); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(updated, &upd); err != nil {
		return nil, err
	}
	oldRes, _ := old["resources"].(map[string]any)
	updRes, _ := upd["resources"].(map[string]any)
	if updRes == nil {
		updRes = map[string]any{}
		upd["resources"] = updRes
	}
	for k, v := range oldRes {
		if !v4MappedRuleResources[k] {
			updRes[k] = v
		}
	}
	return json.Marshal(upd)
}

// CreateProtectionPolicy implements v4.Backend.
func (pc *PC) CreateProtectionPolicy(ctx context.Context, p v4.ProtectionPolicy) (string, string, error) {
	snap, _, err := pc.v4RuleSnapshot(v4.ProtectionPolicy{Name: p.Name, Description: p.Description,
		CategoryIDs: p.CategoryIDs, Locations: p.Locations, Configurations: p.Configurations})
	if err != nil {
		return "", "", err
	}
	id := newUUID()
	var taskID string
	if err := pc.createEntity(ctx, policyKind, id, snap, func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", "", v4Err(err)
	}
	return id, taskID, nil
}

// UpdateProtectionPolicy implements v4.Backend.
func (pc *PC) UpdateProtectionPolicy(ctx context.Context, p v4.ProtectionPolicy) (string, error) {
	snap, version, err := pc.v4RuleSnapshot(p)
	if err != nil {
		return "", err
	}
	var taskID string
	if err := pc.updateEntity(ctx, policyKind, normUUID(p.ExtID), version, snap, func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", v4Err(err)
	}
	return taskID, nil
}

// DeleteProtectionPolicy implements v4.Backend.
func (pc *PC) DeleteProtectionPolicy(ctx context.Context, extID string) (string, error) {
	var taskID string
	if err := pc.deleteEntity(ctx, policyKind, normUUID(extID), func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", v4Err(err)
	}
	return taskID, nil
}
