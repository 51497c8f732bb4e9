package prismsim

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// Protection rules (protection policies). POST /protection_rules, GET/PUT/DELETE
// /protection_rules/{uuid} and POST /protection_rules/list are the generic intentful
// operations; the kind checks a rule as a real Prism Central does (see
// checkProtectionRuleLocked), and its tasks sync it to the other PCs it names and
// (re)schedule replication (replication.go).
//
// Entity sync: a rule is copied, with the same uuid and spec_version, to every paired PC
// that is one of its locations, availability zone references translated to that PC's own
// availability zones (its Local AZ for itself, PC_<ip> for the others). Every copy can be
// changed and deleted, as on a real Prism Central (the Leap guide reverses replication by
// updating the synced policy on the destination PC): a change or delete on any of them
// reaches the others before its task succeeds, and replication follows the latest
// version, whichever PC it was written on. A peer that is down gets the change at once
// (it answers nothing until it is up again), as the original PC's changes always did.

const (
	maxRuleName        = 64
	maxRuleDescription = 1000
	// rpoMinimum is the shortest non-zero RPO (NearSync, 1 minute).
	rpoMinimum = 60
)

// Enums of the spec.
var (
	snapshotTypes     = []string{"CRASH_CONSISTENT", "APPLICATION_CONSISTENT"}
	targetTypes       = []string{"AOS_CLUSTER", "LTSS", "MST"}
	rollupIntervals   = []string{"HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
	categoryMatchAll  = "CATEGORIES_MATCH_ALL"
	categoryMatchAny  = "CATEGORIES_MATCH_ANY"
	startTimePattern  = regexp.MustCompile(`^([01][0-9]|2[0-3])h:([0-5][0-9])m$`)
	rollupUnitLengths = map[string]time.Duration{
		"HOURLY": time.Hour, "DAILY": 24 * time.Hour, "WEEKLY": 7 * 24 * time.Hour,
		"MONTHLY": 30 * 24 * time.Hour, "YEARLY": 365 * 24 * time.Hour,
	}
)

// rollupRPOs are the RPOs (seconds) Prism Central accepts with a roll-up retention:
// minutes 1-6, 10, 12, 15; hours 1, 2, 3, 4, 6, 8, 12; a day; one or two weeks.
var rollupRPOs = map[int64]bool{
	60: true, 120: true, 180: true, 240: true, 300: true, 360: true, 600: true, 720: true, 900: true,
	3600: true, 7200: true, 10800: true, 14400: true, 21600: true, 28800: true, 43200: true,
	86400: true, 604800: true, 1209600: true,
}

// Limits of a location of type MST (an S3 store): linear retention up to 36 recovery
// points, roll-up up to one month.
const (
	mstMaxLinear = 36
	mstMaxRollup = 31 * 24 * time.Hour
)

// policyData is what a protection policy (the v3 protection_rule) is beyond its spec:
// origin names the PC the rule was created on ("" on that PC). It tells the copies of one rule from an unrelated rule that
// has the same uuid on another PC; it is never answered.
type policyData struct {
	origin string
}

func policyInfo(e *entity) policyData {
	d, _ := e.data.(policyData)
	return d
}

// ruleOriginLocked names the PC a rule of this PC was created on. The caller holds the
// PC's mutex.
func (pc *PC) ruleOriginLocked(e *entity) string {
	if o := policyInfo(e).origin; o != "" {
		return o
	}
	return pc.Name()
}

// The part of a protection rule spec the emulator interprets.
type prSpecView struct {
	Name        *string          `json:"name"`
	Description *string          `json:"description"`
	Resources   *prResourcesView `json:"resources"`
}

type prResourcesView struct {
	OrderedAZList       []prLocationView     `json:"ordered_availability_zone_list"`
	PrimaryLocationList []int64              `json:"primary_location_list"`
	ConnectivityList    []prConnectivityView `json:"availability_zone_connectivity_list"`
	CategoryFilter      *categoryFilterView  `json:"category_filter"`
	StartTime           *string              `json:"start_time"`
}

type prLocationView struct {
	AvailabilityZoneURL         string   `json:"availability_zone_url"`
	ClusterUUID                 string   `json:"cluster_uuid"`
	ClusterUUIDList             []string `json:"cluster_uuid_list"`
	TargetType                  string   `json:"target_type"`
	RecoveryPointRepositoryUUID string   `json:"recovery_point_repository_uuid"`
}

// clusters returns cluster_uuid and cluster_uuid_list, lower-cased, without duplicates.
func (l prLocationView) clusters() []string {
	var out []string
	if l.ClusterUUID != "" {
		out = append(out, normUUID(l.ClusterUUID))
	}
	for _, c := range l.ClusterUUIDList {
		out = append(out, normUUID(c))
	}
	return dedupe(out)
}

func (l prLocationView) target() string {
	if l.TargetType == "" {
		return "AOS_CLUSTER"
	}
	return l.TargetType
}

type prConnectivityView struct {
	SourceIndex      *int64           `json:"source_availability_zone_index"`
	DestinationIndex *int64           `json:"destination_availability_zone_index"`
	Schedules        []prScheduleView `json:"snapshot_schedule_list"`
}

type prScheduleView struct {
	RPOSecs                *int64         `json:"recovery_point_objective_secs"`
	SnapshotType           string         `json:"snapshot_type"`
	Local                  *retentionView `json:"local_snapshot_retention_policy"`
	Remote                 *retentionView `json:"remote_snapshot_retention_policy"`
	AutoSuspendTimeoutSecs *int64         `json:"auto_suspend_timeout_secs"`
}

type retentionView struct {
	NumSnapshots *int64 `json:"num_snapshots"`
	Rollup       *struct {
		Multiple     *int64 `json:"multiple"`
		IntervalType string `json:"snapshot_interval_type"`
	} `json:"rollup_retention_policy"`
}

type categoryFilterView struct {
	Type     string              `json:"type"`
	KindList []string            `json:"kind_list"`
	Params   map[string][]string `json:"params"`
}

// matches reports whether an entity with these categories passes the filter.
func (f *categoryFilterView) matches(cats map[string][]string) bool {
	if f == nil || len(f.Params) == 0 {
		return false
	}
	all := f.Type == categoryMatchAll
	for key, values := range f.Params {
		hit := false
		for _, v := range values {
			if hasCategory(cats, key, v) {
				hit = true
				break
			}
		}
		if hit && !all {
			return true
		}
		if !hit && all {
			return false
		}
	}
	return all
}

func decodeRuleSpec(raw []byte) prSpecView {
	var spec prSpecView
	_ = json.Unmarshal(raw, &spec)
	if spec.Resources == nil {
		spec.Resources = &prResourcesView{}
	}
	spec.normalize()
	return spec
}

// normalize reads the retention policies of every schedule as normalized does.
func (spec prSpecView) normalize() {
	if spec.Resources == nil {
		return
	}
	for _, c := range spec.Resources.ConnectivityList {
		for i := range c.Schedules {
			c.Schedules[i].Local = c.Schedules[i].Local.normalized()
			c.Schedules[i].Remote = c.Schedules[i].Remote.normalized()
		}
	}
}

// normalized reads a retention policy as SDK-style clients send it, every field present:
// a roll-up with no multiple and no interval, or num_snapshots 0, is absent; a policy
// with neither is no policy (a synchronous schedule's, or the default retention).
func (r *retentionView) normalized() *retentionView {
	if r == nil {
		return nil
	}
	out := *r
	if out.Rollup != nil && (out.Rollup.Multiple == nil || *out.Rollup.Multiple == 0) && out.Rollup.IntervalType == "" {
		out.Rollup = nil
	}
	if out.NumSnapshots != nil && *out.NumSnapshots == 0 {
		out.NumSnapshots = nil
	}
	if out.Rollup == nil && out.NumSnapshots == nil {
		return nil
	}
	return &out
}

var policyKind = &kindSpec{
	name:   "protection_rule",
	plural: "protection_rules",
	opName: "ProtectionRule",
	attrs: func(_ *PC, e *entity) map[string][]string {
		return map[string][]string{"name": {e.current().name}}
	},
	known: []string{"name"},
	usesCategory: func(e *entity, key, value string) bool {
		for _, s := range []*snapshot{e.intent, e.committed} {
			if s == nil {
				continue
			}
			if f := decodeRuleSpec(s.spec).Resources.CategoryFilter; f != nil && contains(f.Params[key], value) {
				return true
			}
		}
		return false
	},
}

func init() {
	// Set here: these functions refer to policyKind.
	policyKind.prepare = prepareProtectionRule
	policyKind.status = prStatus
	policyKind.beforeCommit = beforeRuleCommit
	policyKind.afterCommit = afterRuleCommit
	registerKind(policyKind)
}

// prepareProtectionRule checks a rule intent on the PC it is sent to.
func prepareProtectionRule(pc *PC, old *entity, in *snapshot) *modelError {
	if apiErr := pc.drRequired("", "creating protection policies"); apiErr != nil {
		return apiErr
	}
	var spec prSpecView
	if err := decodeStrictTypes(in.spec, &spec); err != nil {
		return malformed("spec: %v", err)
	}
	spec.normalize()
	self := ""
	if old != nil {
		self = old.uuid
	}
	if _, apiErr := pc.checkProtectionRuleLocked(self, spec, old == nil); apiErr != nil {
		return apiErr
	}
	in.name = *spec.Name
	return nil
}

// azTargetLocked resolves an availability zone of this PC to the PC of the world it
// denotes: this PC for the Local AZ, the peer for a PC availability zone.
func (pc *PC) azTargetLocked(id string) (string, *entity) {
	if !isUUID(id) {
		return "", nil
	}
	az := pc.entityLocked(azKind, normUUID(id))
	if az == nil {
		return "", nil
	}
	if azInfo(az).local {
		return pc.Name(), az
	}
	return azInfo(az).peer, az
}

// checkProtectionRuleLocked checks a rule spec as Prism Central does before accepting
// it, and returns the PC each location resolves to. self is the rule's uuid on update.
// Clusters of remote locations are checked by the task (beforeRuleCommit).
func (pc *PC) checkProtectionRuleLocked(self string, spec prSpecView, create bool) ([]string, *modelError) {
	if spec.Name == nil || *spec.Name == "" {
		return nil, malformed("spec.name is required")
	}
	if len(*spec.Name) > maxRuleName {
		return nil, malformed("spec.name is longer than %d characters", maxRuleName)
	}
	if spec.Description != nil && len(*spec.Description) > maxRuleDescription {
		return nil, malformed("spec.description is longer than %d characters", maxRuleDescription)
	}
	r := spec.Resources
	if r == nil {
		return nil, malformed("spec.resources is required")
	}
	if len(r.OrderedAZList) == 0 {
		return nil, malformed("spec.resources.ordered_availability_zone_list is required and must not be empty")
	}
	if r.ConnectivityList == nil {
		return nil, malformed("spec.resources.availability_zone_connectivity_list is required")
	}
	if r.StartTime != nil && !startTimePattern.MatchString(*r.StartTime) {
		return nil, malformed("spec.resources.start_time %q must be \"HHh:MMm\" between 00h:00m and 23h:59m", *r.StartTime)
	}
	n := len(r.OrderedAZList)
	targets := make([]string, n)
	for i, loc := range r.OrderedAZList {
		field := fmt.Sprintf("spec.resources.ordered_availability_zone_list[%d]", i)
		if loc.TargetType != "" && !contains(targetTypes, loc.TargetType) {
			return nil, malformed("%s.target_type must be one of %s, got %q", field, strings.Join(targetTypes, ", "), loc.TargetType)
		}
		if loc.AvailabilityZoneURL == "" {
			return nil, malformed("%s.availability_zone_url is required: the uuid of an availability zone", field)
		}
		target, az := pc.azTargetLocked(loc.AvailabilityZoneURL)
		if az == nil {
			return nil, &modelError{
				Kind: errInvalid, Code: reasonInvalidArgument,
				Message: fmt.Sprintf("%s: availability zone %s is not known to this Prism Central (neither its Local AZ nor a paired one)",
					field, loc.AvailabilityZoneURL),
				Details: map[string]string{"availability_zone_url": loc.AvailabilityZoneURL},
			}
		}
		targets[i] = target
		if create && target != pc.Name() {
			if peer := pc.w.PC(target); peer == nil || peer.Down() {
				return nil, &modelError{
					Kind: errInvalid, Code: reasonRemoteNotConnected,
					Message: fmt.Sprintf("%s: availability zone %s is unreachable: its Prism Central does not answer; retry when it is up",
						field, az.current().name),
					Details: map[string]string{"availability_zone_url": loc.AvailabilityZoneURL},
				}
			}
		}
		for _, c := range append([]string{loc.ClusterUUID}, loc.ClusterUUIDList...) {
			if c != "" && !isUUID(c) {
				return nil, malformed("%s: cluster uuid %q is not a UUID", field, c)
			}
		}
		if loc.target() == "MST" {
			if !isUUID(loc.RecoveryPointRepositoryUUID) {
				return nil, malformed("%s.recovery_point_repository_uuid is required with target_type MST", field)
			}
			if len(loc.clusters()) > 0 {
				return nil, invalid("%s: cluster_uuid and cluster_uuid_list must not be set with target_type MST", field)
			}
			if apiErr := pc.w.checkStoreLocationLocked(field, target, loc.RecoveryPointRepositoryUUID); apiErr != nil {
				return nil, apiErr
			}
		} else if loc.RecoveryPointRepositoryUUID != "" {
			return nil, invalid("%s.recovery_point_repository_uuid may only be set with target_type MST", field)
		}
		if target == pc.Name() {
			for _, c := range loc.clusters() {
				ce := pc.entityLocked(clusterKind, c)
				if ce == nil || clusterInfo(ce).prismCentral {
					return nil, &modelError{
						Kind: errInvalid, Code: reasonInvalidArgument,
						Message: fmt.Sprintf("%s: cluster %s is not a cluster of the Local availability zone", field, c),
						Details: map[string]string{"cluster_uuid": c},
					}
				}
			}
		}
	}
	if n > 2 && len(r.PrimaryLocationList) == 0 {
		return nil, malformed("spec.resources.primary_location_list is required with more than two availability zones (%d given)", n)
	}
	for i, idx := range r.PrimaryLocationList {
		if idx < 0 || idx >= int64(n) {
			return nil, invalid("spec.resources.primary_location_list[%d]: index %d is out of range (0-%d)", i, idx, n-1)
		}
	}
	hasSync := false
	for i, conn := range r.ConnectivityList {
		field := fmt.Sprintf("spec.resources.availability_zone_connectivity_list[%d]", i)
		if conn.SourceIndex == nil || conn.DestinationIndex == nil {
			return nil, malformed("%s: source_availability_zone_index and destination_availability_zone_index are required", field)
		}
		src, dst := *conn.SourceIndex, *conn.DestinationIndex
		for _, idx := range []int64{src, dst} {
			if idx < 0 || idx >= int64(n) {
				return nil, invalid("%s: availability zone index %d is out of range (0-%d)", field, idx, n-1)
			}
		}
		if src == dst {
			return nil, invalid("%s: source and destination are the same location (%d)", field, src)
		}
		srcLoc, dstLoc := r.OrderedAZList[src], r.OrderedAZList[dst]
		if srcLoc.target() == "MST" {
			return nil, invalid("%s: location %d is an MST store, which can only be a replication target, not a source", field, src)
		}
		for j, s := range conn.Schedules {
			sf := fmt.Sprintf("%s.snapshot_schedule_list[%d]", field, j)
			sync, apiErr := checkSchedule(sf, s, srcLoc, dstLoc)
			if apiErr != nil {
				return nil, apiErr
			}
			hasSync = hasSync || sync
		}
	}
	f := r.CategoryFilter
	if f == nil || len(f.Params) == 0 {
		return nil, malformed("spec.resources.category_filter.params is required: the categories of the VMs to protect")
	}
	if f.Type != "" && f.Type != categoryMatchAll && f.Type != categoryMatchAny {
		return nil, malformed("spec.resources.category_filter.type must be %s or %s, got %q", categoryMatchAll, categoryMatchAny, f.Type)
	}
	for _, k := range f.KindList {
		if k != vmKind.name {
			return nil, invalid("spec.resources.category_filter.kind_list: only %q can be protected, got %q", vmKind.name, k)
		}
	}
	for key, values := range f.Params {
		if len(values) == 0 {
			return nil, malformed("spec.resources.category_filter.params[%q] must list at least one value", key)
		}
	}
	if me := pc.checkCategoriesLocked(f.Params); me != nil {
		me.Field = "spec.resources.category_filter"
		me.Message = "spec.resources.category_filter: " + me.Message
		return nil, me
	}
	if hasSync {
		if apiErr := pc.checkSyncOverlapLocked(self, f); apiErr != nil {
			return nil, apiErr
		}
	}
	return targets, nil
}

// checkSchedule checks one snapshot schedule between two locations; it reports whether
// the schedule is synchronous.
func checkSchedule(field string, s prScheduleView, src, dst prLocationView) (bool, *modelError) {
	if s.RPOSecs == nil {
		return false, malformed("%s.recovery_point_objective_secs is required", field)
	}
	rpo := *s.RPOSecs
	if s.SnapshotType != "" && !contains(snapshotTypes, s.SnapshotType) {
		return false, malformed("%s.snapshot_type must be one of %s, got %q", field, strings.Join(snapshotTypes, ", "), s.SnapshotType)
	}
	for name, r := range map[string]*retentionView{"local_snapshot_retention_policy": s.Local, "remote_snapshot_retention_policy": s.Remote} {
		if apiErr := checkRetention(field+"."+name, r); apiErr != nil {
			return false, apiErr
		}
	}
	if s.AutoSuspendTimeoutSecs != nil && *s.AutoSuspendTimeoutSecs < 0 {
		return false, malformed("%s.auto_suspend_timeout_secs must not be negative", field)
	}
	switch {
	case rpo < 0:
		return false, malformed("%s.recovery_point_objective_secs must not be negative, got %d", field, rpo)
	case rpo == 0:
		if s.Local != nil || s.Remote != nil {
			return false, invalid("%s: a synchronous schedule (RPO 0) keeps no recovery points: remove the retention policies", field)
		}
		if src.target() != "AOS_CLUSTER" || dst.target() != "AOS_CLUSTER" {
			return false, invalid("%s: synchronous replication (RPO 0) needs AOS clusters at both ends", field)
		}
		return true, nil
	}
	// auto_suspend_timeout_secs on an asynchronous schedule is ignored: SDK-style clients
	// send it (0) with every schedule.
	if rpo < rpoMinimum || rpo%60 != 0 {
		return false, invalid("%s.recovery_point_objective_secs %d must be 0 (synchronous) or whole minutes from %d", field, rpo, rpoMinimum)
	}
	for _, r := range []*retentionView{s.Local, s.Remote} {
		if r != nil && r.Rollup != nil && !rollupRPOs[rpo] {
			return false, invalid("%s: RPO %ds cannot be used with a roll-up retention (allowed: 1-6, 10, 12, 15 minutes; 1, 2, 3, 4, 6, 8, 12 hours; 1 day; 1 or 2 weeks)", field, rpo)
		}
	}
	if dst.target() == "MST" && s.Remote != nil {
		if r := s.Remote; r.NumSnapshots != nil && *r.NumSnapshots > mstMaxLinear {
			return false, invalid("%s.remote_snapshot_retention_policy: an MST store keeps at most %d recovery points, got %d", field, mstMaxLinear, *r.NumSnapshots)
		}
		if r := s.Remote; r.Rollup != nil && retentionHorizon(r) > mstMaxRollup {
			return false, invalid("%s.remote_snapshot_retention_policy: an MST store keeps roll-up recovery points for at most one month", field)
		}
	}
	return false, nil
}

// checkRetention checks a snapshot_retention_policy: exactly one of num_snapshots and
// rollup_retention_policy, with positive numbers.
func checkRetention(field string, r *retentionView) *modelError {
	if r == nil {
		return nil
	}
	if (r.NumSnapshots == nil) == (r.Rollup == nil) {
		return malformed("%s: give exactly one of num_snapshots and rollup_retention_policy", field)
	}
	if r.NumSnapshots != nil && *r.NumSnapshots < 1 {
		return malformed("%s.num_snapshots must be at least 1, got %d", field, *r.NumSnapshots)
	}
	if r.Rollup != nil {
		if r.Rollup.Multiple == nil || *r.Rollup.Multiple < 1 {
			return malformed("%s.rollup_retention_policy.multiple is required and must be at least 1", field)
		}
		if !contains(rollupIntervals, r.Rollup.IntervalType) {
			return malformed("%s.rollup_retention_policy.snapshot_interval_type must be one of %s, got %q",
				field, strings.Join(rollupIntervals, ", "), r.Rollup.IntervalType)
		}
	}
	return nil
}

// retentionHorizon is how long a roll-up retention keeps recovery points.
func retentionHorizon(r *retentionView) time.Duration {
	if r == nil || r.Rollup == nil || r.Rollup.Multiple == nil {
		return 0
	}
	return time.Duration(*r.Rollup.Multiple) * rollupUnitLengths[r.Rollup.IntervalType]
}

// hasSyncSchedule reports whether a rule spec has a synchronous (RPO 0) schedule.
func hasSyncSchedule(spec prSpecView) bool {
	for _, c := range spec.Resources.ConnectivityList {
		for _, s := range c.Schedules {
			if s.RPOSecs != nil && *s.RPOSecs == 0 {
				return true
			}
		}
	}
	return false
}

// checkSyncOverlapLocked refuses a synchronous rule that would protect a VM of this PC
// another synchronous rule protects already.
func (pc *PC) checkSyncOverlapLocked(self string, f *categoryFilterView) *modelError {
	var others []*entity
	for _, e := range pc.entitiesLocked(policyKind) {
		if e.uuid != self && hasSyncSchedule(decodeRuleSpec(e.intent.spec)) {
			others = append(others, e)
		}
	}
	if len(others) == 0 {
		return nil
	}
	for _, vm := range pc.entitiesLocked(vmKind) {
		cats := vm.current().categories
		if !f.matches(cats) {
			continue
		}
		for _, o := range others {
			if decodeRuleSpec(o.intent.spec).Resources.CategoryFilter.matches(cats) {
				return &modelError{
					Kind: errInvalid, Code: reasonInvalidArgument,
					Message: fmt.Sprintf("vm %s (%s) is already protected by the synchronous protection rule %s (%s): a VM can be in one synchronous protection rule only",
						vm.current().name, vm.uuid, o.intent.name, o.uuid),
					Details: map[string]string{"vm_uuid": vm.uuid, "protection_rule_uuid": o.uuid},
				}
			}
		}
	}
	return nil
}

// prStatus renders protection_rule_def_status: the spec's name, description and
// resources, and a message_list when replication to a location is suspended.
func prStatus(pc *PC, e *entity) map[string]any {
	cur := e.current()
	spec := decodeObject(cur.spec)
	status := map[string]any{"name": cur.name, "resources": spec["resources"]}
	if status["resources"] == nil {
		status["resources"] = map[string]any{}
	}
	if d, ok := spec["description"]; ok {
		status["description"] = d
	}
	if msgs := pc.w.repl.ruleMessages(e.uuid, pc.w.clock.Now()); len(msgs) > 0 {
		status["message_list"] = msgs
	}
	return status
}

// beforeRuleCommit is the unlocked step of a rule's tasks: it checks the clusters of
// remote locations on their PCs, then copies the rule to (or, on delete, removes it
// from) the other PCs. It runs on whichever PC holding the rule was asked.
func beforeRuleCommit(pc *PC, e *entity, snap *snapshot) error {
	w := pc.w
	pc.mu.Lock()
	origin := pc.ruleOriginLocked(e)
	pc.mu.Unlock()
	if snap == nil {
		for _, other := range w.pcs {
			if other != pc {
				other.dropRuleCopy(origin, e.uuid)
			}
		}
		return nil
	}
	spec := decodeRuleSpec(snap.spec)
	pc.mu.Lock()
	targets := make([]string, len(spec.Resources.OrderedAZList))
	for i, loc := range spec.Resources.OrderedAZList {
		targets[i], _ = pc.azTargetLocked(loc.AvailabilityZoneURL)
	}
	version := snap.version
	cats := pc.categoryDefsLocked(ruleCategories(spec))
	pc.mu.Unlock()
	for i, loc := range spec.Resources.OrderedAZList {
		remote := w.PC(targets[i])
		if remote == nil || remote == pc || len(loc.clusters()) == 0 {
			continue
		}
		if apiErr := remote.checkClusters(fmt.Sprintf("spec.resources.ordered_availability_zone_list[%d]", i), loc.clusters()); apiErr != nil {
			return apiErr
		}
	}
	synced := map[string]bool{}
	for _, name := range targets {
		remote := w.PC(name)
		if remote == nil || remote == pc || synced[name] {
			continue
		}
		synced[name] = true
		remote.putRuleCopy(pc, origin, e.uuid, e.created, version, snap, targets, cats)
	}
	// A PC that was a location before and is not any more loses its copy.
	for _, other := range w.pcs {
		if other != pc && !synced[other.Name()] {
			other.dropRuleCopy(origin, e.uuid)
		}
	}
	return nil
}

// checkClusters checks that the clusters exist on this PC (a remote location's).
func (pc *PC) checkClusters(field string, ids []string) *modelError {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for _, c := range ids {
		ce := pc.entityLocked(clusterKind, c)
		if ce == nil || clusterInfo(ce).prismCentral {
			return &modelError{
				Kind: errInvalid, Code: reasonInvalidArgument,
				Message: fmt.Sprintf("%s: cluster %s is not a cluster of availability zone PC_%s", field, c, pc.AdvertisedIP()),
				Details: map[string]string{"cluster_uuid": c},
			}
		}
	}
	return nil
}

// putRuleCopy creates or updates this PC's copy of a rule created on the PC origin,
// written on another PC, with availability zone references translated to this PC's
// availability zones. An older version than the copy's is ignored (tasks may end out of
// order), and so is an unrelated rule with the same uuid. The categories the rule uses
// (cats, as the writing PC defines them) are synced first (category_sync.go).
func (pc *PC) putRuleCopy(writer *PC, origin, id string, created time.Time, version int64, snap *snapshot, targets []string, cats []syncedCategory) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.syncCategoriesLocked(cats)
	e := pc.entityLocked(policyKind, id)
	if e != nil && (pc.ruleOriginLocked(e) != origin || !pc.syncedWriteWinsLocked(e, writer.Name(), version, snap)) {
		return
	}
	spec := decodeObject(snap.spec)
	if res, ok := spec["resources"].(map[string]any); ok {
		if locs, ok := res["ordered_availability_zone_list"].([]any); ok {
			for i, l := range locs {
				loc, ok := l.(map[string]any)
				if !ok || i >= len(targets) {
					continue
				}
				if az := pc.azOfLocked(targets[i]); az != nil {
					loc["availability_zone_url"] = az.uuid
				}
			}
		}
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		raw = snap.spec
	}
	cp := &snapshot{version: version, name: snap.name, spec: raw, categories: cloneMapping(snap.categories),
		meta: snap.meta, updated: snap.updated}
	if e == nil {
		e = &entity{kind: policyKind, uuid: id, created: created, data: policyData{origin: originHere(pc, origin)}}
		pc.addEntityLocked(e)
	}
	e.version, e.intent, e.committed = version, cp, cp
}

// azOfLocked returns this PC's availability zone of the named PC: its Local AZ for
// itself, the PC availability zone of a peer.
func (pc *PC) azOfLocked(name string) *entity {
	if name == pc.Name() {
		return pc.localAZLocked()
	}
	for _, az := range pc.entitiesLocked(azKind) {
		if azInfo(az).peer == name {
			return az
		}
	}
	return nil
}

// originHere is how an entity's origin is stored on pc: "" when pc is the origin.
func originHere(pc *PC, origin string) string {
	if origin == pc.Name() {
		return ""
	}
	return origin
}

// syncedWriteWinsLocked reports whether a synced write of version (snap, from the PC
// writer) replaces e, this PC's copy: a newer version does, an older one does not (tasks
// may end out of order), nor any write to a copy being deleted (the delete wins). Two
// writes of the same version, one on each PC at once, are settled the same way on both
// PCs: the later write wins, then (at the same instant) the writer with the greater name.
// The caller holds the PC's mutex.
func (pc *PC) syncedWriteWinsLocked(e *entity, writer string, version int64, snap *snapshot) bool {
	if e.deleting {
		return false
	}
	if version != e.version || e.intent == nil {
		return version > e.version
	}
	if own := e.intent.updated; !snap.updated.Equal(own) {
		return snap.updated.After(own)
	}
	return writer > pc.Name()
}

// dropRuleCopy removes this PC's copy of a rule created on the PC origin, if any.
func (pc *PC) dropRuleCopy(origin, id string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if e := pc.entityLocked(policyKind, id); e != nil && pc.ruleOriginLocked(e) == origin {
		pc.removeEntityLocked(e)
	}
}

// afterRuleCommit (re)schedules replication for a committed rule, or stops it.
func afterRuleCommit(pc *PC, e *entity, gone bool) {
	if gone {
		pc.w.repl.stop(e.uuid)
		return
	}
	pc.w.repl.schedule(pc.planLocked(e))
}

// ProtectedVMs implements v3.Backend: the VMs of this PC the protection policy id
// selects, each with the other policies that select it too.
func (pc *PC) ProtectedVMs(id string) ([]v3.ProtectedVM, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e := pc.entityLocked(policyKind, id)
	if e == nil {
		return nil, notFoundError(policyKind.name, id)
	}
	var out []v3.ProtectedVM
	for _, vm := range pc.protectedVMsLocked(e) {
		p := v3.ProtectedVM{VM: v3.Reference{Kind: vmKind.name, UUID: vm.uuid, Name: vm.current().name}}
		for _, other := range pc.entitiesLocked(policyKind) {
			if other != e && decodeRuleSpec(other.current().spec).Resources.CategoryFilter.matches(vm.current().categories) {
				p.Conflicts = append(p.Conflicts, v3.Reference(other.ref()))
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// protectedVMsLocked returns the VMs of this PC a rule's committed category filter selects.
func (pc *PC) protectedVMsLocked(e *entity) []*entity {
	f := decodeRuleSpec(e.current().spec).Resources.CategoryFilter
	var out []*entity
	for _, vm := range pc.entitiesLocked(vmKind) {
		if vm.committed != nil && f.matches(vm.current().categories) {
			out = append(out, vm)
		}
	}
	return out
}

// ruleProtectingLocked returns a committed rule of this PC whose filter selects the VM,
// or nil.
func (pc *PC) ruleProtectingLocked(vm *entity) *entity {
	for _, e := range pc.entitiesLocked(policyKind) {
		if e.committed != nil && decodeRuleSpec(e.committed.spec).Resources.CategoryFilter.matches(vm.current().categories) {
			return e
		}
	}
	return nil
}
