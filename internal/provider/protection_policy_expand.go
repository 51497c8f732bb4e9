package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// This file converts nutanixdr_protection_policy between its Terraform model and the client's
// protection rule. The two must round-trip exactly, or the framework rejects the state after an
// apply: labels become indexes and back, replications between the same two locations become
// the schedules of one connectivity entry and back in the user's order, null stays null where
// Prism Central fills in a value of its own, and durations keep the user's spelling.

// Values of category_filter.match, and the prefix that makes them the API's filter types.
const (
	matchAny        = "ANY"
	matchAll        = "ALL"
	matchTypePrefix = "CATEGORIES_MATCH_"
	categoryKindVM  = "vm"
	generatedLabel  = "location-"
)

// maxPolicyNameLength is the limit of spec.name of a protection_rule.
const maxPolicyNameLength = 64

// rollupIntervals are the values of a roll-up retention's interval.
var rollupIntervals = client.RollupIntervalTypes

// Attribute types of the nested objects, for building values.
var (
	rollupAttrTypes = map[string]attr.Type{
		"multiple": types.Int64Type,
		"interval": types.StringType,
	}
	retentionAttrTypes = map[string]attr.Type{
		"count":  types.Int64Type,
		"rollup": types.ObjectType{AttrTypes: rollupAttrTypes},
	}
	replicationAttrTypes = map[string]attr.Type{
		"from":                 types.StringType,
		"to":                   types.StringType,
		"rpo":                  timetypes.GoDurationType{},
		"snapshot_type":        types.StringType,
		"local_retention":      types.ObjectType{AttrTypes: retentionAttrTypes},
		"remote_retention":     types.ObjectType{AttrTypes: retentionAttrTypes},
		"auto_suspend_timeout": timetypes.GoDurationType{},
	}
	locationAttrTypes = map[string]attr.Type{
		"label":                types.StringType,
		"availability_zone_id": types.StringType,
		"cluster_ids":          types.ListType{ElemType: types.StringType},
		"primary":              types.BoolType,
		"mst_target_id":        types.StringType,
	}
	categoryFilterAttrTypes = map[string]attr.Type{
		"match":      types.StringType,
		"categories": types.MapType{ElemType: types.ListType{ElemType: types.StringType}},
	}
)

// listElems decodes the elements of a list of objects; a null or unknown list gives none.
func listElems[T any](ctx context.Context, l types.List) ([]T, diag.Diagnostics) {
	if l.IsNull() || l.IsUnknown() {
		return nil, nil
	}
	var out []T
	diags := l.ElementsAs(ctx, &out, false)
	return out, diags
}

// objectAs decodes an object; it reports false for a null or unknown one.
func objectAs[T any](ctx context.Context, o types.Object) (T, bool, diag.Diagnostics) {
	var out T
	if o.IsNull() || o.IsUnknown() {
		return out, false, nil
	}
	diags := o.As(ctx, &out, basetypes.ObjectAsOptions{})
	return out, !diags.HasError(), diags
}

// expandProtectionPolicy builds the protection rule of a known model (a plan or a state): the
// locations in their order with their labels as indexes, one connectivity entry per (from, to)
// pair in the order the pairs first appear, and the replications of a pair as its schedules in
// their order.
func expandProtectionPolicy(ctx context.Context, m protectionPolicyModel) (client.ProtectionPolicy, diag.Diagnostics) {
	var diags diag.Diagnostics
	rule := client.ProtectionPolicy{
		UUID:        m.ID.ValueString(),
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
		StartTime:   m.StartTime.ValueString(),
	}
	if m.ID.IsUnknown() {
		rule.UUID = ""
	}

	cf, ok, d := objectAs[categoryFilterModel](ctx, m.CategoryFilter)
	diags.Append(d...)
	if ok {
		rule.CategoryFilter, d = expandCategoryFilter(ctx, cf)
		diags.Append(d...)
	}

	locs, d := listElems[locationModel](ctx, m.Locations)
	diags.Append(d...)
	index := make(map[string]int, len(locs))
	for i, l := range locs {
		index[l.Label.ValueString()] = i
		loc := client.ProtectionLocation{AvailabilityZoneUUID: l.AvailabilityZoneID.ValueString()}
		if mst := l.MSTTargetID.ValueString(); mst != "" {
			loc.TargetType = client.TargetTypeMST
			loc.RecoveryPointRepositoryUUID = mst
		} else {
			loc.TargetType = client.TargetTypeAOSCluster
			if !l.ClusterIDs.IsNull() && !l.ClusterIDs.IsUnknown() {
				diags.Append(l.ClusterIDs.ElementsAs(ctx, &loc.ClusterUUIDs, false)...)
			}
		}
		rule.Locations = append(rule.Locations, loc)
		if l.Primary.ValueBool() {
			rule.PrimaryLocationIndexes = append(rule.PrimaryLocationIndexes, i)
		}
	}

	reps, d := listElems[replicationModel](ctx, m.Replications)
	diags.Append(d...)
	entry := make(map[[2]int]int)
	for i, rep := range reps {
		src, okSrc := index[rep.From.ValueString()]
		dst, okDst := index[rep.To.ValueString()]
		if !okSrc || !okDst {
			diags.AddError("Invalid protection policy",
				fmt.Sprintf("replications[%d] goes from %q to %q, which are not both labels of locations.", i,
					rep.From.ValueString(), rep.To.ValueString()))
			continue
		}
		sched, d := expandSchedule(ctx, rep)
		diags.Append(d...)
		key := [2]int{src, dst}
		e, seen := entry[key]
		if !seen {
			e = len(rule.Connectivity)
			entry[key] = e
			rule.Connectivity = append(rule.Connectivity, client.ProtectionConnectivity{SourceIndex: src, DestinationIndex: dst})
		}
		rule.Connectivity[e].Schedules = append(rule.Connectivity[e].Schedules, sched)
	}
	return rule, diags
}

// expandCategoryFilter builds the API's category filter: the match type, VMs as the kind, and
// the categories.
func expandCategoryFilter(ctx context.Context, cf categoryFilterModel) (client.CategoryFilter, diag.Diagnostics) {
	match := cf.Match.ValueString()
	if match == "" {
		match = matchAny
	}
	out := client.CategoryFilter{Type: matchTypePrefix + match, KindList: []string{categoryKindVM}}
	var diags diag.Diagnostics
	if !cf.Categories.IsNull() && !cf.Categories.IsUnknown() {
		out.Params = make(map[string][]string)
		diags = cf.Categories.ElementsAs(ctx, &out.Params, false)
	}
	return out, diags
}

// expandSchedule builds the snapshot schedule of a replication.
func expandSchedule(ctx context.Context, rep replicationModel) (client.SnapshotSchedule, diag.Diagnostics) {
	var diags diag.Diagnostics
	rpo, d := rep.RPO.ValueGoDuration()
	diags.Append(d...)
	s := client.SnapshotSchedule{
		RPOSecs:      int64(rpo / time.Second),
		SnapshotType: rep.SnapshotType.ValueString(),
	}
	s.LocalRetention, d = expandRetention(ctx, rep.LocalRetention)
	diags.Append(d...)
	s.RemoteRetention, d = expandRetention(ctx, rep.RemoteRetention)
	diags.Append(d...)
	if !rep.AutoSuspendTimeout.IsNull() && !rep.AutoSuspendTimeout.IsUnknown() {
		t, d := rep.AutoSuspendTimeout.ValueGoDuration()
		diags.Append(d...)
		secs := int64(t / time.Second)
		s.AutoSuspendTimeoutSecs = &secs
	}
	return s, diags
}

// expandRetention builds a retention policy; a null retention gives nil.
func expandRetention(ctx context.Context, o types.Object) (*client.RetentionPolicy, diag.Diagnostics) {
	rm, ok, diags := objectAs[retentionModel](ctx, o)
	if !ok {
		return nil, diags
	}
	out := &client.RetentionPolicy{}
	if !rm.Count.IsNull() && !rm.Count.IsUnknown() {
		n := rm.Count.ValueInt64()
		out.NumSnapshots = &n
	}
	ru, ok, d := objectAs[rollupModel](ctx, rm.Rollup)
	diags.Append(d...)
	if ok {
		out.Rollup = &client.RollupRetention{Multiple: ru.Multiple.ValueInt64(), IntervalType: ru.Interval.ValueString()}
	}
	return out, diags
}

// flattenProtectionPolicy builds the model of rule. prior is the plan (after a create or an
// update) or the state (on refresh), nil right after an import; it decides the labels, the order
// of the replications and of category values, the spelling of durations, and which nulls stay
// null although Prism Central filled a value in. importLabels, if any, label the locations of an
// import. ProtectedVMIDs and Timeouts are left to the caller.
func flattenProtectionPolicy(ctx context.Context, rule *client.ProtectionPolicy, prior *protectionPolicyModel, importLabels []string) (protectionPolicyModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := protectionPolicyModel{
		ID:             types.StringValue(rule.UUID),
		Name:           types.StringValue(rule.Name),
		ProtectedVMIDs: types.SetNull(types.StringType),
	}
	var priorCF *categoryFilterModel
	var priorLocs []locationModel
	var priorReps []replicationModel
	if prior != nil {
		out.Description = optionalString(rule.Description, &prior.Description)
		out.StartTime = optionalString(rule.StartTime, &prior.StartTime)
		if cf, ok, d := objectAs[categoryFilterModel](ctx, prior.CategoryFilter); ok {
			priorCF = &cf
		} else {
			diags.Append(d...)
		}
		var d diag.Diagnostics
		priorLocs, d = listElems[locationModel](ctx, prior.Locations)
		diags.Append(d...)
		priorReps, d = listElems[replicationModel](ctx, prior.Replications)
		diags.Append(d...)
	} else {
		out.Description = optionalString(rule.Description, nil)
		out.StartTime = optionalString(rule.StartTime, nil)
	}
	if diags.HasError() {
		return out, diags
	}

	var d diag.Diagnostics
	out.CategoryFilter, d = flattenCategoryFilter(ctx, rule.CategoryFilter, priorCF)
	diags.Append(d...)

	labels := locationLabels(len(rule.Locations), priorLocs, importLabels)
	locs := make([]locationModel, len(rule.Locations))
	for i, l := range rule.Locations {
		var p *locationModel
		if i < len(priorLocs) {
			p = &priorLocs[i]
		}
		locs[i], d = flattenLocation(ctx, l, labels[i], isPrimary(rule, i), p)
		diags.Append(d...)
	}
	out.Locations, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: locationAttrTypes}, locs)
	diags.Append(d...)

	reps, d := flattenReplications(rule, labels, priorReps)
	diags.Append(d...)
	out.Replications, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: replicationAttrTypes}, reps)
	diags.Append(d...)
	return out, diags
}

// optionalString returns s, or null for an empty s where the prior value is null (or there is
// no prior value): an unset optional string is not planned as "".
func optionalString(s string, prior *types.String) types.String {
	if s == "" && (prior == nil || prior.IsNull()) {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// isPrimary tells whether location i of rule is primary. A rule without primary_location_list
// (two locations, made elsewhere) has its first location primary, as the order of
// ordered_availability_zone_list is the order of preference.
func isPrimary(rule *client.ProtectionPolicy, i int) bool {
	if len(rule.PrimaryLocationIndexes) == 0 {
		return i == 0
	}
	return slices.Contains(rule.PrimaryLocationIndexes, i)
}

// locationLabels returns n labels: those of the import ID, else those of the prior locations
// by position, and location-<i+1> for the others, made unique.
func locationLabels(n int, prior []locationModel, importLabels []string) []string {
	labels := make([]string, n)
	used := make(map[string]bool, n)
	for i := range labels {
		switch {
		case i < len(importLabels):
			labels[i] = importLabels[i]
		case i < len(prior) && !prior[i].Label.IsNull() && !prior[i].Label.IsUnknown() && !used[prior[i].Label.ValueString()]:
			labels[i] = prior[i].Label.ValueString()
		}
		if labels[i] != "" {
			used[labels[i]] = true
		}
	}
	for i := range labels {
		if labels[i] != "" {
			continue
		}
		for k := i + 1; ; k++ {
			l := generatedLabel + strconv.Itoa(k)
			if !used[l] {
				labels[i] = l
				used[l] = true
				break
			}
		}
	}
	return labels
}

// flattenLocation builds a location. Clusters that Prism Central filled in for a location the
// prior value leaves without cluster_ids stay unset.
func flattenLocation(ctx context.Context, l client.ProtectionLocation, label string, primary bool, prior *locationModel) (locationModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := locationModel{
		Label:              types.StringValue(label),
		AvailabilityZoneID: types.StringValue(l.AvailabilityZoneUUID),
		Primary:            types.BoolValue(primary),
		MSTTargetID:        types.StringNull(),
		ClusterIDs:         types.ListNull(types.StringType),
	}
	if l.TargetType == client.TargetTypeMST {
		out.MSTTargetID = types.StringValue(l.RecoveryPointRepositoryUUID)
		return out, diags
	}
	if len(l.ClusterUUIDs) == 0 || (prior != nil && prior.ClusterIDs.IsNull()) {
		return out, diags
	}
	out.ClusterIDs, diags = types.ListValueFrom(ctx, types.StringType, l.ClusterUUIDs)
	return out, diags
}

// flattenCategoryFilter builds category_filter; the values of a key keep the prior order when
// they are the same values.
func flattenCategoryFilter(ctx context.Context, cf client.CategoryFilter, prior *categoryFilterModel) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	match := strings.TrimPrefix(cf.Type, matchTypePrefix)
	if match == "" {
		match = matchAny // The API's default.
	}
	var priorParams map[string][]string
	if prior != nil && !prior.Categories.IsNull() && !prior.Categories.IsUnknown() {
		diags.Append(prior.Categories.ElementsAs(ctx, &priorParams, false)...)
	}
	params := make(map[string][]string, len(cf.Params))
	for k, vs := range cf.Params {
		if p, ok := priorParams[k]; ok && sameElements(p, vs) {
			params[k] = p
		} else {
			params[k] = slices.Clone(vs)
		}
	}
	cats, d := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, params)
	diags.Append(d...)
	out, d := types.ObjectValue(categoryFilterAttrTypes, map[string]attr.Value{
		"match":      types.StringValue(match),
		"categories": cats,
	})
	diags.Append(d...)
	return out, diags
}

// sameElements tells whether a and b hold the same strings, in any order.
func sameElements(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// apiReplication is one schedule of the rule with the labels of its ends.
type apiReplication struct {
	from, to string
	schedule client.SnapshotSchedule
}

// flattenReplications builds replications in the prior order. Each prior replication takes the
// first schedule between the same two locations that flattens to exactly it; those left take the
// first remaining schedule between the same locations (a change made outside Terraform); prior
// replications with no schedule left are dropped, and schedules nobody took follow, in the API's
// order.
func flattenReplications(rule *client.ProtectionPolicy, labels []string, prior []replicationModel) ([]replicationModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	var api []apiReplication
	for _, c := range rule.Connectivity {
		from, to := labelAt(labels, c.SourceIndex), labelAt(labels, c.DestinationIndex)
		for _, s := range c.Schedules {
			api = append(api, apiReplication{from: from, to: to, schedule: s})
		}
	}
	taken := make([]bool, len(api))
	placed := make([]*replicationModel, len(prior))
	sameEnds := func(p replicationModel, a apiReplication) bool {
		return p.From.ValueString() == a.from && p.To.ValueString() == a.to
	}
	// Exact matches first, so that a changed schedule does not take the place of an unchanged one.
	for i, p := range prior {
		for j, a := range api {
			if taken[j] || !sameEnds(p, a) {
				continue
			}
			rep, d := flattenReplication(a, &prior[i])
			diags.Append(d...)
			if replicationEqual(rep, p) {
				taken[j], placed[i] = true, &rep
				break
			}
		}
	}
	for i, p := range prior {
		if placed[i] != nil {
			continue
		}
		for j, a := range api {
			if taken[j] || !sameEnds(p, a) {
				continue
			}
			rep, d := flattenReplication(a, &prior[i])
			diags.Append(d...)
			taken[j], placed[i] = true, &rep
			break
		}
	}
	out := make([]replicationModel, 0, len(api))
	for _, p := range placed {
		if p != nil {
			out = append(out, *p)
		}
	}
	for j, a := range api {
		if !taken[j] {
			rep, d := flattenReplication(a, nil)
			diags.Append(d...)
			out = append(out, rep)
		}
	}
	return out, diags
}

// labelAt returns the label of location i, or a placeholder for an index out of range (which
// Prism Central refuses, but a partial answer must not crash the provider).
func labelAt(labels []string, i int) string {
	if i >= 0 && i < len(labels) {
		return labels[i]
	}
	return "index-" + strconv.Itoa(i)
}

// replicationEqual tells whether two replications are the same values.
func replicationEqual(a, b replicationModel) bool {
	return a.From.Equal(b.From) && a.To.Equal(b.To) && a.RPO.Equal(b.RPO) && a.SnapshotType.Equal(b.SnapshotType) &&
		a.LocalRetention.Equal(b.LocalRetention) && a.RemoteRetention.Equal(b.RemoteRetention) &&
		a.AutoSuspendTimeout.Equal(b.AutoSuspendTimeout)
}

// flattenReplication builds a replication from a schedule; prior (nil when none) keeps the
// spelling of durations, and keeps null the retentions and auto-suspend timeout that Prism
// Central filled in although they were not set.
func flattenReplication(a apiReplication, prior *replicationModel) (replicationModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := a.schedule
	out := replicationModel{
		From:               types.StringValue(a.from),
		To:                 types.StringValue(a.to),
		SnapshotType:       types.StringValue(s.SnapshotType),
		AutoSuspendTimeout: timetypes.NewGoDurationNull(),
	}
	var priorRPO, priorSuspend *timetypes.GoDuration
	var priorLocal, priorRemote *types.Object
	if prior != nil {
		priorRPO, priorSuspend = &prior.RPO, &prior.AutoSuspendTimeout
		priorLocal, priorRemote = &prior.LocalRetention, &prior.RemoteRetention
	}
	out.RPO = durationValue(s.RPOSecs, priorRPO)
	if s.SnapshotType == "" {
		out.SnapshotType = types.StringValue(client.SnapshotTypeCrashConsistent)
		if prior != nil && !prior.SnapshotType.IsNull() && !prior.SnapshotType.IsUnknown() {
			out.SnapshotType = prior.SnapshotType
		}
	}
	if s.AutoSuspendTimeoutSecs != nil && (priorSuspend == nil || !priorSuspend.IsNull()) {
		out.AutoSuspendTimeout = durationValue(*s.AutoSuspendTimeoutSecs, priorSuspend)
	}
	var d diag.Diagnostics
	out.LocalRetention, d = flattenRetention(s.LocalRetention, priorLocal, s.RPOSecs)
	diags.Append(d...)
	out.RemoteRetention, d = flattenRetention(s.RemoteRetention, priorRemote, s.RPOSecs)
	diags.Append(d...)
	return out, diags
}

// flattenRetention builds a retention: {count} for a linear policy, {rollup} for a roll-up one,
// null for none, and null where the prior value is null. The prior value stays where it keeps
// the same recovery points as r at this RPO: N points taken every hour (day, week) are a
// roll-up of N hours (days, weeks). The v4 API cannot say a schedule whose local and remote
// retentions are of different kinds and shows the linear side as that roll-up.
func flattenRetention(r *client.RetentionPolicy, prior *types.Object, rpoSecs int64) (types.Object, diag.Diagnostics) {
	null := types.ObjectNull(retentionAttrTypes)
	if r == nil || (r.NumSnapshots == nil && r.Rollup == nil) || (prior != nil && prior.IsNull()) {
		return null, nil
	}
	if prior != nil && !prior.IsUnknown() && sameRetention(r, *prior, rpoSecs) {
		return *prior, nil
	}
	count := types.Int64Null()
	if r.NumSnapshots != nil {
		count = types.Int64Value(*r.NumSnapshots)
	}
	rollup := types.ObjectNull(rollupAttrTypes)
	var diags diag.Diagnostics
	if r.Rollup != nil {
		var d diag.Diagnostics
		rollup, d = types.ObjectValue(rollupAttrTypes, map[string]attr.Value{
			"multiple": types.Int64Value(r.Rollup.Multiple),
			"interval": types.StringValue(r.Rollup.IntervalType),
		})
		diags.Append(d...)
	}
	out, d := types.ObjectValue(retentionAttrTypes, map[string]attr.Value{"count": count, "rollup": rollup})
	diags.Append(d...)
	return out, diags
}

// sameRetention reports whether the retention prior (a state value) keeps the same recovery
// points as r on a schedule of rpoSecs: a count of N and a roll-up of N intervals of exactly
// the RPO.
func sameRetention(r *client.RetentionPolicy, prior types.Object, rpoSecs int64) bool {
	attrs := prior.Attributes()
	count, _ := attrs["count"].(types.Int64)
	rollup, _ := attrs["rollup"].(types.Object)
	interval := map[int64]string{3600: client.RollupHourly, 86400: client.RollupDaily, 7 * 86400: client.RollupWeekly}[rpoSecs]
	if interval == "" {
		return false
	}
	priorRollup := func() (int64, string, bool) {
		if rollup.IsNull() || rollup.IsUnknown() {
			return 0, "", false
		}
		ra := rollup.Attributes()
		m, _ := ra["multiple"].(types.Int64)
		i, _ := ra["interval"].(types.String)
		return m.ValueInt64(), i.ValueString(), true
	}
	switch {
	case r.Rollup != nil && !count.IsNull() && !count.IsUnknown():
		return r.Rollup.IntervalType == interval && r.Rollup.Multiple == count.ValueInt64()
	case r.NumSnapshots != nil:
		m, i, ok := priorRollup()
		return ok && i == interval && m == *r.NumSnapshots
	}
	return false
}

// durationValue returns secs seconds as a duration string: the prior spelling when it is the
// same duration ("60m" stays "60m"), else the shortest usual one ("15m", "1h", "0s").
func durationValue(secs int64, prior *timetypes.GoDuration) timetypes.GoDuration {
	d := time.Duration(secs) * time.Second
	if prior != nil && !prior.IsNull() && !prior.IsUnknown() {
		if p, diags := prior.ValueGoDuration(); !diags.HasError() && p == d {
			return *prior
		}
	}
	return timetypes.NewGoDurationValueFromStringMust(durationText(d))
}
