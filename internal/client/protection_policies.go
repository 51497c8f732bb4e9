package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Snapshot types of a schedule (snapshot_type).
const (
	SnapshotTypeCrashConsistent       = "CRASH_CONSISTENT"
	SnapshotTypeApplicationConsistent = "APPLICATION_CONSISTENT"
)

// SnapshotTypes lists every snapshot type a schedule accepts, for
// validators.
var SnapshotTypes = []string{SnapshotTypeCrashConsistent, SnapshotTypeApplicationConsistent}

// Interval types of a roll-up retention (snapshot_interval_type).
const (
	RollupHourly  = "HOURLY"
	RollupDaily   = "DAILY"
	RollupWeekly  = "WEEKLY"
	RollupMonthly = "MONTHLY"
	RollupYearly  = "YEARLY"
)

// RollupIntervalTypes lists every roll-up interval type, for validators.
var RollupIntervalTypes = []string{RollupHourly, RollupDaily, RollupWeekly, RollupMonthly, RollupYearly}

// Match types of a category filter (type).
const (
	CategoriesMatchAll = "CATEGORIES_MATCH_ALL"
	CategoriesMatchAny = "CATEGORIES_MATCH_ANY"
)

// CategoryMatchTypes lists every category filter type, for validators.
var CategoryMatchTypes = []string{CategoriesMatchAll, CategoriesMatchAny}

// Target types of a protection rule location (target_type).
const (
	TargetTypeAOSCluster = "AOS_CLUSTER"
	TargetTypeLTSS       = "LTSS"
	TargetTypeMST        = "MST"
)

// TargetTypes lists every location target type, for validators.
var TargetTypes = []string{TargetTypeAOSCluster, TargetTypeLTSS, TargetTypeMST}

// KindVM is the kind of a VM, as category_filter.kind_list names it.
const KindVM = "vm"

// Recovery point objectives, in seconds: 0 is synchronous replication,
// NearSync spans one to fifteen minutes.
const (
	SynchronousRPOSecs int64 = 0
	NearSyncMinRPOSecs int64 = 60
	NearSyncMaxRPOSecs int64 = 15 * 60
)

// RollupRPOSecs lists the RPOs Prism Central accepts with a roll-up
// retention: 1, 2, 3, 4, 5, 6, 10, 12 and 15 minutes; 1, 2, 3, 4, 6, 8 and
// 12 hours; one day; one and two weeks.
var RollupRPOSecs = []int64{
	60, 120, 180, 240, 300, 360, 600, 720, 900,
	3600, 2 * 3600, 3 * 3600, 4 * 3600, 6 * 3600, 8 * 3600, 12 * 3600,
	86400, 7 * 86400, 14 * 86400,
}

// ProtectionPolicy is a protection policy: which VMs (by category), where
// they are protected (ordered locations) and how (schedules between pairs
// of locations).
//
// Nil and empty are kept apart where the wire keeps them apart: a nil
// slice or pointer is a field that is absent, an empty one is sent (and
// read back) as an empty list. Order is kept everywhere.
type ProtectionPolicy struct {
	UUID        string
	Name        string
	Description string
	// StartTime is "HHh:MMm", or "" to start at once.
	StartTime string
	// Locations is ordered_availability_zone_list: indexes of
	// PrimaryLocationIndexes and Connectivity point into it.
	Locations []ProtectionLocation
	// PrimaryLocationIndexes is primary_location_list; nil when absent.
	PrimaryLocationIndexes []int
	// Connectivity is availability_zone_connectivity_list: one entry per
	// direction between two locations, each with its schedules.
	Connectivity   []ProtectionConnectivity
	CategoryFilter CategoryFilter
	// State is status.state as read (e.g. COMPLETE); not sent.
	State string
	// SpecVersion is metadata.spec_version as read. Updates use the
	// version they read themselves, so it is not sent either.
	SpecVersion int
}

// ProtectionLocation is one entry of ordered_availability_zone_list.
type ProtectionLocation struct {
	// AvailabilityZoneUUID is availability_zone_url: the zone's uuid.
	AvailabilityZoneUUID string
	// ClusterUUIDs are the clusters of the zone: one is sent as
	// cluster_uuid, several (or an empty list) as cluster_uuid_list. On
	// update the form the server holds is kept.
	ClusterUUIDs []string
	// TargetType is AOS_CLUSTER, LTSS or MST; "" when absent.
	TargetType string
	// RecoveryPointRepositoryUUID is the MST store of an MST target.
	RecoveryPointRepositoryUUID string
}

// ProtectionConnectivity is one entry of
// availability_zone_connectivity_list: replication from one location to
// another with its schedules.
type ProtectionConnectivity struct {
	SourceIndex      int
	DestinationIndex int
	// Schedules is snapshot_schedule_list; nil when absent.
	Schedules []SnapshotSchedule
}

// SnapshotSchedule is one entry of snapshot_schedule_list.
type SnapshotSchedule struct {
	// RPOSecs is recovery_point_objective_secs; 0 is synchronous.
	RPOSecs int64
	// SnapshotType is CRASH_CONSISTENT or APPLICATION_CONSISTENT; ""
	// when absent.
	SnapshotType    string
	LocalRetention  *RetentionPolicy
	RemoteRetention *RetentionPolicy
	// AutoSuspendTimeoutSecs is for synchronous replication only.
	AutoSuspendTimeoutSecs *int64
}

// RetentionPolicy keeps either the newest NumSnapshots (linear) or the
// recovery points of a roll-up rule.
type RetentionPolicy struct {
	NumSnapshots *int64
	Rollup       *RollupRetention
}

// RollupRetention keeps Multiple intervals' worth of recovery points, e.g.
// 7 DAILY.
type RollupRetention struct {
	Multiple int64
	// IntervalType is HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY.
	IntervalType string
}

// CategoryFilter selects the protected entities by category. A zero
// CategoryFilter is sent as no filter at all.
type CategoryFilter struct {
	// Type is CATEGORIES_MATCH_ALL or CATEGORIES_MATCH_ANY; "" when
	// absent (the API then matches ANY).
	Type string
	// KindList is usually ["vm"]; nil when absent.
	KindList []string
	// Params maps a category key to its values.
	Params map[string][]string
}

// isZero reports a filter with nothing set.
func (f *CategoryFilter) isZero() bool {
	return f.Type == "" && f.KindList == nil && f.Params == nil
}

// Keys of the protection rule wire format.
const (
	keyLocations      = "ordered_availability_zone_list"
	keyConnectivity   = "availability_zone_connectivity_list"
	keySchedules      = "snapshot_schedule_list"
	keyPrimary        = "primary_location_list"
	keyClusterUUID    = "cluster_uuid"
	keyClusterList    = "cluster_uuid_list"
	keyFilter         = "category_filter"
	keyLocalRet       = "local_snapshot_retention_policy"
	keyRemoteRet      = "remote_snapshot_retention_policy"
	keyRollup         = "rollup_retention_policy"
	keyAutoSuspend    = "auto_suspend_timeout_secs"
	keyRPO            = "recovery_point_objective_secs"
	keySourceIndex    = "source_availability_zone_index"
	keyDestIndex      = "destination_availability_zone_index"
	keyAZURL          = "availability_zone_url"
	protectionKind    = "protection_rule"
	protectionPath    = "/protection_rules"
	maxPolicyNameLen  = 64
	maxPolicyDescrLen = 1000
)

// retentionJSON is snapshot_retention_policy.
type retentionJSON struct {
	NumSnapshots *int64 `json:"num_snapshots"`
	Rollup       *struct {
		Multiple             int64  `json:"multiple"`
		SnapshotIntervalType string `json:"snapshot_interval_type"`
	} `json:"rollup_retention_policy"`
}

func (r *retentionJSON) toRetention() *RetentionPolicy {
	if r == nil {
		return nil
	}
	out := &RetentionPolicy{NumSnapshots: r.NumSnapshots}
	if r.Rollup != nil {
		out.Rollup = &RollupRetention{Multiple: r.Rollup.Multiple, IntervalType: r.Rollup.SnapshotIntervalType}
	}
	return out
}

type protectionRuleResourcesJSON struct {
	StartTime                   string `json:"start_time"`
	OrderedAvailabilityZoneList []struct {
		AvailabilityZoneURL         string    `json:"availability_zone_url"`
		ClusterUUID                 string    `json:"cluster_uuid"`
		ClusterUUIDList             *[]string `json:"cluster_uuid_list"`
		TargetType                  string    `json:"target_type"`
		RecoveryPointRepositoryUUID string    `json:"recovery_point_repository_uuid"`
	} `json:"ordered_availability_zone_list"`
	PrimaryLocationList              []int `json:"primary_location_list"`
	AvailabilityZoneConnectivityList []struct {
		SourceIndex          int `json:"source_availability_zone_index"`
		DestinationIndex     int `json:"destination_availability_zone_index"`
		SnapshotScheduleList []struct {
			RPOSecs                int64          `json:"recovery_point_objective_secs"`
			SnapshotType           string         `json:"snapshot_type"`
			LocalRetention         *retentionJSON `json:"local_snapshot_retention_policy"`
			RemoteRetention        *retentionJSON `json:"remote_snapshot_retention_policy"`
			AutoSuspendTimeoutSecs *int64         `json:"auto_suspend_timeout_secs"`
		} `json:"snapshot_schedule_list"`
	} `json:"availability_zone_connectivity_list"`
	CategoryFilter *struct {
		Type     string              `json:"type"`
		KindList []string            `json:"kind_list"`
		Params   map[string][]string `json:"params"`
	} `json:"category_filter"`
}

type protectionRuleJSON struct {
	entityHead
	Spec *struct {
		Name        string                       `json:"name"`
		Description string                       `json:"description"`
		Resources   *protectionRuleResourcesJSON `json:"resources"`
	} `json:"spec"`
	Status *struct {
		Name        string                       `json:"name"`
		Description string                       `json:"description"`
		State       string                       `json:"state"`
		Resources   *protectionRuleResourcesJSON `json:"resources"`
	} `json:"status"`
}

// toPolicy converts the entity: the spec (what was asked) when there is one,
// else the status. id is the uuid asked for, for an entity that names none.
func (p *protectionRuleJSON) toPolicy(id string) ProtectionPolicy {
	out := ProtectionPolicy{UUID: firstNonEmpty(p.Metadata.UUID, id)}
	if p.Metadata.SpecVersion != nil {
		out.SpecVersion = int(*p.Metadata.SpecVersion)
	}
	var res *protectionRuleResourcesJSON
	if p.Status != nil {
		out.State = p.Status.State
		out.Name, out.Description = p.Status.Name, p.Status.Description
		res = p.Status.Resources
	}
	if p.Spec != nil {
		out.Name, out.Description = p.Spec.Name, p.Spec.Description
		if p.Spec.Resources != nil {
			res = p.Spec.Resources
		}
	}
	if out.Name == "" {
		out.Name = p.Metadata.Name
	}
	if res == nil {
		return out
	}
	out.StartTime = res.StartTime
	if res.OrderedAvailabilityZoneList != nil {
		out.Locations = make([]ProtectionLocation, 0, len(res.OrderedAvailabilityZoneList))
	}
	for _, l := range res.OrderedAvailabilityZoneList {
		loc := ProtectionLocation{AvailabilityZoneUUID: l.AvailabilityZoneURL, TargetType: l.TargetType, RecoveryPointRepositoryUUID: l.RecoveryPointRepositoryUUID}
		switch {
		case l.ClusterUUIDList != nil:
			loc.ClusterUUIDs = slices.Clone(*l.ClusterUUIDList)
			if loc.ClusterUUIDs == nil {
				loc.ClusterUUIDs = []string{}
			}
		case l.ClusterUUID != "":
			loc.ClusterUUIDs = []string{l.ClusterUUID}
		}
		out.Locations = append(out.Locations, loc)
	}
	out.PrimaryLocationIndexes = res.PrimaryLocationList
	if res.AvailabilityZoneConnectivityList != nil {
		out.Connectivity = make([]ProtectionConnectivity, 0, len(res.AvailabilityZoneConnectivityList))
	}
	for _, c := range res.AvailabilityZoneConnectivityList {
		conn := ProtectionConnectivity{SourceIndex: c.SourceIndex, DestinationIndex: c.DestinationIndex}
		if c.SnapshotScheduleList != nil {
			conn.Schedules = make([]SnapshotSchedule, 0, len(c.SnapshotScheduleList))
		}
		for _, s := range c.SnapshotScheduleList {
			conn.Schedules = append(conn.Schedules, SnapshotSchedule{
				RPOSecs:                s.RPOSecs,
				SnapshotType:           s.SnapshotType,
				LocalRetention:         s.LocalRetention.toRetention(),
				RemoteRetention:        s.RemoteRetention.toRetention(),
				AutoSuspendTimeoutSecs: s.AutoSuspendTimeoutSecs,
			})
		}
		out.Connectivity = append(out.Connectivity, conn)
	}
	if f := res.CategoryFilter; f != nil {
		out.CategoryFilter = CategoryFilter{Type: f.Type, KindList: f.KindList, Params: f.Params}
		if out.CategoryFilter.Params == nil {
			// The filter is there: keep it apart from a zero one.
			out.CategoryFilter.Params = map[string][]string{}
		}
	}
	return out
}

// validate checks what the client can check before anything is sent:
// required fields, enumerations and indexes. Prism Central checks the
// rest (zones, clusters, categories, RPOs).
func (r *ProtectionPolicy) validate(op string) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(r.Name) == "" {
		add("the name is empty")
	} else if len(r.Name) > maxPolicyNameLen {
		add("the name is longer than %d characters", maxPolicyNameLen)
	}
	if len(r.Description) > maxPolicyDescrLen {
		add("the description is longer than %d characters", maxPolicyDescrLen)
	}
	if r.StartTime != "" && !validStartTime(r.StartTime) {
		add("start time %q is not of the form HHh:MMm (00h:00m to 23h:59m)", r.StartTime)
	}
	if len(r.Locations) == 0 {
		add("there is no location")
	}
	for i, l := range r.Locations {
		if l.AvailabilityZoneUUID == "" {
			add("location %d has no availability zone", i)
		}
		if l.TargetType != "" && !slices.Contains(TargetTypes, l.TargetType) {
			add("location %d: target type %q is not one of %s", i, l.TargetType, strings.Join(TargetTypes, ", "))
		}
	}
	inRange := func(i int) bool { return i >= 0 && i < len(r.Locations) }
	for _, i := range r.PrimaryLocationIndexes {
		if !inRange(i) {
			add("primary location index %d is out of range 0-%d", i, len(r.Locations)-1)
		}
	}
	for i, c := range r.Connectivity {
		if !inRange(c.SourceIndex) || !inRange(c.DestinationIndex) {
			add("replication %d: location indexes %d -> %d are out of range 0-%d", i, c.SourceIndex, c.DestinationIndex, len(r.Locations)-1)
		}
		for j, s := range c.Schedules {
			if s.RPOSecs < 0 {
				add("replication %d, schedule %d: the RPO is negative", i, j)
			}
			if s.SnapshotType != "" && !slices.Contains(SnapshotTypes, s.SnapshotType) {
				add("replication %d, schedule %d: snapshot type %q is not one of %s", i, j, s.SnapshotType, strings.Join(SnapshotTypes, ", "))
			}
			for _, p := range []*RetentionPolicy{s.LocalRetention, s.RemoteRetention} {
				if p != nil && p.Rollup != nil && !slices.Contains(RollupIntervalTypes, p.Rollup.IntervalType) {
					add("replication %d, schedule %d: roll-up interval %q is not one of %s", i, j, p.Rollup.IntervalType, strings.Join(RollupIntervalTypes, ", "))
				}
			}
		}
	}
	if t := r.CategoryFilter.Type; t != "" && !slices.Contains(CategoryMatchTypes, t) {
		add("category filter type %q is not one of %s", t, strings.Join(CategoryMatchTypes, ", "))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", op, strings.Join(problems, "; "))
	}
	return nil
}

// validStartTime checks "HHh:MMm" with HH 00-23 and MM 00-59.
func validStartTime(s string) bool {
	if len(s) != 7 || s[2] != 'h' || s[3] != ':' || s[6] != 'm' {
		return false
	}
	for _, i := range []int{0, 1, 4, 5} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[4]-'0')*10 + int(s[5]-'0')
	return h <= 23 && m <= 59
}

// kindProtectionPolicy declares the protection policy.
var kindProtectionPolicy = &entityKind[ProtectionPolicy, ProtectionPolicy]{
	noun:  "protection rule",
	v3:    v3ProtectionRules,
	v4:    v4ProtectionPolicies,
	wire:  KindProtectionPolicies,
	name:  func(p *ProtectionPolicy) string { return p.Name },
	check: func(p *ProtectionPolicy, op string, _ bool) error { return p.validate(op) },
	accepted: func(p *ProtectionPolicy, id string) *ProtectionPolicy {
		a := *p
		a.UUID, a.State, a.SpecVersion = id, "", 0
		return &a
	},
}

// v3ProtectionRules is the protection policy on the v3 wire: kind
// protection_rule.
var v3ProtectionRules = &v3Kind[ProtectionPolicy, ProtectionPolicy, protectionRuleJSON]{
	kind:   "protection_rule",
	decode: (*protectionRuleJSON).toPolicy,
	write: func(spec map[string]any, p *ProtectionPolicy) error {
		writePolicySpec(spec, p)
		return nil
	},
}

// CreateProtectionPolicy creates a protection policy and waits for its
// task, then returns it as read. The create carries a metadata.uuid chosen
// by the client (p.UUID when set), so a retry after a lost answer cannot
// create a second policy.
//
// When Prism Central accepted the policy but the client could not see it
// through (the wait timed out, a read failed, or the task failed and left
// the policy behind), the error comes with a non-nil policy holding the
// uuid, so that the caller can track or delete what was created.
func (c *Client) CreateProtectionPolicy(ctx context.Context, p ProtectionPolicy) (*ProtectionPolicy, error) {
	return kindProtectionPolicy.create(ctx, c, &p, p.UUID)
}

// GetProtectionPolicy reads a protection policy.
func (c *Client) GetProtectionPolicy(ctx context.Context, uuid string) (*ProtectionPolicy, error) {
	return kindProtectionPolicy.get(ctx, c, uuid)
}

// ListProtectionPolicies lists the protection policies matching a FIQL
// filter ("" for all), every page.
func (c *Client) ListProtectionPolicies(ctx context.Context, filter string) ([]ProtectionPolicy, error) {
	return kindProtectionPolicy.list(ctx, c, filter)
}

// UpdateProtectionPolicy makes the policy p.UUID what p says and waits for
// the task, then returns it as read. It is a read-modify-write: every field
// the client does not model, in the spec and inside each location,
// replication, schedule, retention and filter, is sent back as read, and
// list items keep their place: an item of the update takes the unmodeled
// fields of the item it matches as read (a location by zone and clusters,
// a replication by its pair of locations, a schedule by RPO and type or
// else by position). Nothing is sent when the policy already is as p says.
// The update starts over on a spec_version conflict (up to 5 times).
// p.State and p.SpecVersion are ignored.
func (c *Client) UpdateProtectionPolicy(ctx context.Context, p ProtectionPolicy) (*ProtectionPolicy, error) {
	return kindProtectionPolicy.update(ctx, c, p.UUID, &p)
}

// DeleteProtectionPolicy deletes a protection policy and waits for the
// task. A missing policy gives an error matching ErrNotFound; a 404 to a
// repeated attempt whose first try may have landed counts as done. Recovery
// points the policy made are kept until they expire.
func (c *Client) DeleteProtectionPolicy(ctx context.Context, uuid string) error {
	return kindProtectionPolicy.delete(ctx, c, uuid)
}

// affectedEntitiesJSON is affected_entity_list, the answer of
// GET /protection_rules/{uuid}/query_entities.
type affectedEntitiesJSON struct {
	EntityList []struct {
		VMReference *referenceJSON `json:"vm_reference"`
	} `json:"entity_list"`
}

func (a *affectedEntitiesJSON) looksLikeV3() bool { return a.EntityList != nil }

// ProtectedVMUUIDs returns the uuids of the VMs the rule covers now,
// sorted, never nil. It asks GET /protection_rules/{uuid}/query_entities;
// a Prism Central that does not offer it gets the rule's category filter
// matched against its VMs instead. A missing rule gives an error matching
// ErrNotFound.
func (c *Client) ProtectedVMUUIDs(ctx context.Context, uuid string) ([]string, error) {
	op := "listing the VMs protection rule " + uuid + " protects"
	var a affectedEntitiesJSON
	err := c.do(ctx, op, http.MethodGet, v3ProtectionRules.path(uuid)+"/query_entities", nil, &a)
	if err == nil {
		out := []string{}
		for _, e := range a.EntityList {
			if e.VMReference != nil && e.VMReference.UUID != "" && !slices.Contains(out, e.VMReference.UUID) {
				out = append(out, e.VMReference.UUID)
			}
		}
		slices.Sort(out)
		return out, nil
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !queryUnsupported(apiErr) {
		return nil, err
	}
	// Either the rule is missing or the server has no query_entities:
	// reading the rule tells.
	r, rerr := kindProtectionPolicy.flow(ctx, c).get(ctx, c, op, uuid)
	if rerr != nil {
		return nil, rerr
	}
	c.log.Debug(ctx, "query_entities not offered; matching the category filter against the VMs", map[string]any{"operation": op, "status": apiErr.StatusCode})
	vms, err := c.ListVMs(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	out := []string{}
	for i := range vms {
		if r.CategoryFilter.matches(KindVM, vms[i].Categories) {
			out = append(out, vms[i].UUID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// queryUnsupported reports an answer to query_entities that may mean the
// server does not offer it.
func queryUnsupported(e *APIError) bool {
	switch e.StatusCode {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return true
	}
	return false
}

// matches reports whether an entity of kind with categories is selected
// by the filter: any listed value of any key (ANY, the default) or of
// every key (ALL).
func (f *CategoryFilter) matches(kind string, categories map[string]string) bool {
	if len(f.Params) == 0 || (f.KindList != nil && !slices.Contains(f.KindList, kind)) {
		return false
	}
	all := f.Type == CategoriesMatchAll
	for k, values := range f.Params {
		v, ok := categories[k]
		hit := ok && slices.Contains(values, v)
		if hit && !all {
			return true
		}
		if !hit && all {
			return false
		}
	}
	return all
}

// writePolicySpec writes the modeled fields of r into spec, a protection
// rule spec as read (or an empty map for a create), and leaves every
// other field as it is. Lists are written in r's order; each item starts
// from the item as read that it matches, so that what the client does not
// model inside items survives.
func writePolicySpec(spec map[string]any, r *ProtectionPolicy) {
	spec["name"] = r.Name
	putString(spec, "description", r.Description)
	res := rawObject(spec, "resources")
	putString(res, "start_time", r.StartTime)

	// Locations match by zone and clusters, then by zone alone.
	locs, match := mergeItems(rawObjects(res[keyLocations]), r.Locations, false,
		func(item map[string]any) []string {
			az := rawString(item, keyAZURL)
			return []string{az + "|" + strings.Join(rawClusters(item), ","), az}
		},
		func(l *ProtectionLocation) []string {
			return []string{l.AvailabilityZoneUUID + "|" + strings.Join(l.ClusterUUIDs, ","), l.AvailabilityZoneUUID}
		}, writeLocation)
	res[keyLocations] = locs
	oldToNew := map[int]int{}
	for i, j := range match {
		if j >= 0 {
			oldToNew[j] = i
		}
	}

	if r.PrimaryLocationIndexes == nil {
		delete(res, keyPrimary)
	} else {
		res[keyPrimary] = slices.Clone(r.PrimaryLocationIndexes)
	}

	// Replications match by their pair of locations, renumbered through
	// the location matching.
	res[keyConnectivity], _ = mergeItems(rawObjects(res[keyConnectivity]), r.Connectivity, false,
		func(item map[string]any) []string {
			s, sok := rawInt(item, keySourceIndex)
			d, dok := rawInt(item, keyDestIndex)
			ns, sm := oldToNew[s]
			nd, dm := oldToNew[d]
			if sok && dok && sm && dm {
				return []string{fmt.Sprintf("%d>%d", ns, nd)}
			}
			return []string{"\x00unmatched"}
		},
		func(cn *ProtectionConnectivity) []string {
			return []string{fmt.Sprintf("%d>%d", cn.SourceIndex, cn.DestinationIndex)}
		}, writeConnectivity)

	if r.CategoryFilter.isZero() {
		delete(res, keyFilter)
		return
	}
	f := rawObject(res, keyFilter)
	putString(f, "type", r.CategoryFilter.Type)
	if r.CategoryFilter.KindList == nil {
		delete(f, "kind_list")
	} else {
		f["kind_list"] = slices.Clone(r.CategoryFilter.KindList)
	}
	params := make(map[string]any, len(r.CategoryFilter.Params))
	for k, vs := range r.CategoryFilter.Params {
		if vs == nil {
			vs = []string{}
		}
		params[k] = slices.Clone(vs)
	}
	f["params"] = params
}

func writeLocation(item map[string]any, l *ProtectionLocation) {
	_, existed := item[keyAZURL]
	_, hadType := item["target_type"]
	putString(item, keyAZURL, l.AvailabilityZoneUUID)
	_, hadOne := item[keyClusterUUID]
	_, hadList := item[keyClusterList]
	if l.ClusterUUIDs == nil {
		delete(item, keyClusterUUID)
		delete(item, keyClusterList)
	} else {
		useList := hadList || len(l.ClusterUUIDs) != 1
		useOne := len(l.ClusterUUIDs) == 1 && (hadOne || !hadList)
		if useList {
			item[keyClusterList] = slices.Clone(l.ClusterUUIDs)
		} else {
			delete(item, keyClusterList)
		}
		if useOne {
			item[keyClusterUUID] = l.ClusterUUIDs[0]
		} else {
			delete(item, keyClusterUUID)
		}
	}
	// A location read without target_type is a cluster location: stating the default would
	// invent a field the entity did not have.
	if !existed || hadType || l.TargetType != TargetTypeAOSCluster {
		putString(item, "target_type", l.TargetType)
	}
	putString(item, "recovery_point_repository_uuid", l.RecoveryPointRepositoryUUID)
}

func writeConnectivity(item map[string]any, cn *ProtectionConnectivity) {
	item[keySourceIndex] = cn.SourceIndex
	item[keyDestIndex] = cn.DestinationIndex
	if cn.Schedules == nil {
		delete(item, keySchedules)
		return
	}
	// Schedules match by RPO and type, then by RPO, then by position.
	item[keySchedules], _ = mergeItems(rawObjects(item[keySchedules]), cn.Schedules, true,
		func(s map[string]any) []string {
			rpo := rawNumber(s, keyRPO)
			return []string{rpo + "|" + rawString(s, "snapshot_type"), rpo}
		},
		func(s *SnapshotSchedule) []string {
			rpo := strconv.FormatInt(s.RPOSecs, 10)
			return []string{rpo + "|" + s.SnapshotType, rpo}
		}, writeSchedule)
}

func writeSchedule(item map[string]any, s *SnapshotSchedule) {
	item[keyRPO] = s.RPOSecs
	putString(item, "snapshot_type", s.SnapshotType)
	writeRetention(item, keyLocalRet, s.LocalRetention)
	writeRetention(item, keyRemoteRet, s.RemoteRetention)
	if s.AutoSuspendTimeoutSecs == nil {
		delete(item, keyAutoSuspend)
	} else {
		item[keyAutoSuspend] = *s.AutoSuspendTimeoutSecs
	}
}

func writeRetention(parent map[string]any, key string, p *RetentionPolicy) {
	if p == nil {
		delete(parent, key)
		return
	}
	obj := rawObject(parent, key)
	if p.NumSnapshots == nil {
		delete(obj, "num_snapshots")
	} else {
		obj["num_snapshots"] = *p.NumSnapshots
	}
	if p.Rollup == nil {
		delete(obj, keyRollup)
		return
	}
	ro := rawObject(obj, keyRollup)
	ro["multiple"] = p.Rollup.Multiple
	putString(ro, "snapshot_interval_type", p.Rollup.IntervalType)
}

// rawClusters returns the clusters of a location as read.
func rawClusters(item map[string]any) []string {
	if l, ok := item[keyClusterList].([]any); ok {
		out := make([]string, 0, len(l))
		for _, v := range l {
			s, _ := v.(string)
			out = append(out, s)
		}
		return out
	}
	if s := rawString(item, keyClusterUUID); s != "" {
		return []string{s}
	}
	return nil
}
