package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// This file holds the plan-time rules of nutanixdr_protection_policy that involve more than one
// attribute. Every message names the attribute path it is about. Values unknown at plan time
// are skipped; Create and Update run the same rules on the plan, where everything is known.

// summaryInvalidProtectionPolicy is the summary of every rule's diagnostic.
const summaryInvalidProtectionPolicy = "Invalid protection policy"

// Limits of replication to an MST store (the NC2 on AWS pilot-light guide).
const (
	maxMSTLinearRetention = 36
	maxMSTRollupDays      = 31
)

// nearSyncMax is the longest NearSync RPO; NearSync RPOs are whole minutes from one minute.
const nearSyncMax = 15 * time.Minute

// rollupRPOs are the asynchronous RPOs above NearSync the API accepts (v4 documentation of
// protection policies): 1, 2, 3, 4, 6, 8 and 12 hours, a day, one or two weeks.
var rollupRPOs = []time.Duration{
	time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 6 * time.Hour, 8 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour,
}

// rollupRPOText lists rollupRPOs as users write them, for messages.
const rollupRPOText = `"1h", "2h", "3h", "4h", "6h", "8h", "12h", "24h", "168h" or "336h"`

// validRPO tells whether d is an RPO the API accepts.
func validRPO(d time.Duration) bool {
	switch {
	case d == 0:
		return true
	case d < 0:
		return false
	case d <= nearSyncMax:
		return d%time.Minute == 0
	}
	for _, r := range rollupRPOs {
		if d == r {
			return true
		}
	}
	return false
}

// rollupDays is how many days a roll-up retention spans, at most (a month counts 31 days, a
// year 366); ok is false for an unknown interval.
func rollupDays(multiple int64, interval string) (float64, bool) {
	per := map[string]float64{
		client.RollupHourly:  1.0 / 24,
		client.RollupDaily:   1,
		client.RollupWeekly:  7,
		client.RollupMonthly: maxMSTRollupDays,
		client.RollupYearly:  366,
	}[interval]
	return float64(multiple) * per, per > 0
}

// known tells whether a value is neither null nor unknown.
func known(v interface {
	IsNull() bool
	IsUnknown() bool
}) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// validateProtectionPolicy checks the rules between attributes of m, a configuration or a plan.
func validateProtectionPolicy(ctx context.Context, m protectionPolicyModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.Locations.IsUnknown() {
		return diags
	}
	locs, unknownLocs, d := knownElems[locationModel](ctx, m.Locations)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	labelsKnown := !unknownLocs
	for _, l := range locs {
		labelsKnown = labelsKnown && !l.value.Label.IsUnknown()
	}
	byLabel := validateLocations(locs, unknownLocs, &diags)

	if m.Replications.IsUnknown() {
		return diags
	}
	reps, _, d := knownElems[replicationModel](ctx, m.Replications)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	for _, rep := range reps {
		validateReplication(ctx, rep.index, rep.value, locs, byLabel, labelsKnown, &diags)
	}
	return diags
}

// indexed is an element of a list with its position.
type indexed[T any] struct {
	index int
	value T
}

// knownElems decodes the known elements of a list of objects with their positions, and
// reports whether some element is unknown (a whole object unknown at plan time).
func knownElems[T any](ctx context.Context, l types.List) ([]indexed[T], bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	if l.IsNull() || l.IsUnknown() {
		return nil, l.IsUnknown(), diags
	}
	var out []indexed[T]
	someUnknown := false
	for i, e := range l.Elements() {
		if e.IsUnknown() {
			someUnknown = true
			continue
		}
		o, ok := e.(types.Object)
		if !ok {
			diags.AddError("Unexpected list element", fmt.Sprintf("Element %d is %T, not an object. This is a bug in the provider: please report it.", i, e))
			return nil, false, diags
		}
		v, ok, d := objectAs[T](ctx, o)
		diags.Append(d...)
		if ok {
			out = append(out, indexed[T]{index: i, value: v})
		}
	}
	return out, someUnknown, diags
}

// validateLocations checks the known locations and returns the position of each known label;
// someUnknown says that other locations are unknown as a whole.
func validateLocations(locs []indexed[locationModel], someUnknown bool, diags *diag.Diagnostics) map[string]int {
	byLabel := make(map[string]int, len(locs))
	primaries := []int{}
	primaryUnknown := someUnknown
	for _, il := range locs {
		i, l := il.index, il.value
		p := path.Root("locations").AtListIndex(i)
		if known(l.Label) {
			label := l.Label.ValueString()
			if j, dup := byLabel[label]; dup {
				diags.AddAttributeError(p.AtName("label"), summaryInvalidProtectionPolicy,
					fmt.Sprintf("%s %q is also the label of locations[%d]: labels must be unique, since "+
						"replications name locations by label.", p.AtName("label"), label, j))
			} else {
				byLabel[label] = i
			}
		}
		switch {
		case l.Primary.IsUnknown():
			primaryUnknown = true
		case l.Primary.ValueBool():
			primaries = append(primaries, i)
		}
		mst := known(l.MSTTargetID)
		if mst && known(l.ClusterIDs) {
			diags.AddAttributeError(p.AtName("mst_target_id"), summaryInvalidProtectionPolicy,
				fmt.Sprintf("%s and %s are both set: a location is either clusters or an MST store. Remove one.",
					p.AtName("mst_target_id"), p.AtName("cluster_ids")))
		}
		if mst && l.Primary.ValueBool() {
			diags.AddAttributeError(p.AtName("primary"), summaryInvalidProtectionPolicy,
				fmt.Sprintf("%s is true, but the location is an MST store (mst_target_id): VMs cannot run on an "+
					"MST store. Make a location of clusters primary.", p.AtName("primary")))
		}
	}
	if primaryUnknown {
		return byLabel
	}
	switch len(primaries) {
	case 1:
	case 0:
		diags.AddAttributeError(path.Root("locations"), summaryInvalidProtectionPolicy,
			"locations has no primary location: set primary = true on exactly one location, the one where "+
				"the protected VMs run.")
	default:
		names := make([]string, len(primaries))
		for k, i := range primaries {
			names[k] = fmt.Sprintf("locations[%d]", i)
		}
		diags.AddAttributeError(path.Root("locations"), summaryInvalidProtectionPolicy,
			fmt.Sprintf("locations has %d primary locations (%s): exactly one location must have primary = true.",
				len(primaries), strings.Join(names, ", ")))
	}
	return byLabel
}

// validateReplication checks replications[i].
func validateReplication(ctx context.Context, i int, rep replicationModel, locs []indexed[locationModel], byLabel map[string]int, labelsKnown bool, diags *diag.Diagnostics) {
	p := path.Root("replications").AtListIndex(i)
	at := make(map[int]*locationModel, len(locs))
	for k := range locs {
		at[locs[k].index] = &locs[k].value
	}
	end := func(attr string, v types.String) (*locationModel, bool) {
		if !known(v) || !labelsKnown {
			return nil, false
		}
		j, ok := byLabel[v.ValueString()]
		if !ok {
			diags.AddAttributeError(p.AtName(attr), summaryInvalidProtectionPolicy,
				fmt.Sprintf("%s %q is not the label of a location. The labels are %s.", p.AtName(attr),
					v.ValueString(), listNames(labelsOf(locs))))
			return nil, false
		}
		return at[j], true
	}
	from, fromOK := end("from", rep.From)
	to, toOK := end("to", rep.To)
	if fromOK && toOK && rep.From.ValueString() == rep.To.ValueString() {
		diags.AddAttributeError(p.AtName("to"), summaryInvalidProtectionPolicy,
			fmt.Sprintf("%s is %q, the same location as from: a replication goes to another location.",
				p.AtName("to"), rep.To.ValueString()))
	}
	if fromOK && known(from.MSTTargetID) {
		diags.AddAttributeError(p.AtName("from"), summaryInvalidProtectionPolicy,
			fmt.Sprintf("%s %q is an MST store (mst_target_id): an MST store is only ever a destination of "+
				"replication, never a source.", p.AtName("from"), rep.From.ValueString()))
	}

	rpo, rpoKnown := time.Duration(0), false
	if known(rep.RPO) {
		if d, dd := rep.RPO.ValueGoDuration(); !dd.HasError() {
			rpo, rpoKnown = d, true
		}
	}
	if rpoKnown && !validRPO(rpo) {
		diags.AddAttributeError(p.AtName("rpo"), summaryInvalidProtectionPolicy,
			fmt.Sprintf("%s %q is not an RPO Prism Central accepts: \"0s\" (synchronous), whole minutes from \"1m\" "+
				"to \"15m\" (NearSync), or %s.", p.AtName("rpo"), rep.RPO.ValueString(), rollupRPOText))
	}
	synchronous := rpoKnown && rpo == 0
	if synchronous {
		for _, r := range []struct {
			name string
			v    types.Object
		}{{"local_retention", rep.LocalRetention}, {"remote_retention", rep.RemoteRetention}} {
			if !r.v.IsNull() {
				diags.AddAttributeError(p.AtName(r.name), summaryInvalidProtectionPolicy,
					fmt.Sprintf("%s is set, but rpo is \"0s\": synchronous replication keeps the destination "+
						"current and has no retention. Remove %s.", p.AtName(r.name), r.name))
			}
		}
		for _, e := range []struct {
			attr string
			loc  *locationModel
			ok   bool
		}{{"from", from, fromOK}, {"to", to, toOK}} {
			if !e.ok {
				continue
			}
			label := e.loc.Label.ValueString()
			switch {
			case known(e.loc.MSTTargetID):
				diags.AddAttributeError(p.AtName(e.attr), summaryInvalidProtectionPolicy,
					fmt.Sprintf("%s %q is an MST store, but rpo is \"0s\": synchronous replication runs between "+
						"clusters only.", p.AtName(e.attr), label))
			case e.loc.ClusterIDs.IsNull():
				diags.AddAttributeError(p.AtName(e.attr), summaryInvalidProtectionPolicy,
					fmt.Sprintf("%s %q has no cluster_ids, but rpo is \"0s\": synchronous replication runs between "+
						"named clusters. Set cluster_ids of location %q.", p.AtName(e.attr), label, label))
			}
		}
	}
	if rpoKnown && !synchronous && !rep.AutoSuspendTimeout.IsNull() {
		diags.AddAttributeError(p.AtName("auto_suspend_timeout"), summaryInvalidProtectionPolicy,
			fmt.Sprintf("%s is set, but rpo is %q: the auto-suspend timeout applies to synchronous replication "+
				"(rpo = \"0s\") only. Remove it.", p.AtName("auto_suspend_timeout"), rep.RPO.ValueString()))
	}

	toMST := toOK && known(to.MSTTargetID)
	validateRetention(ctx, p.AtName("local_retention"), rep.LocalRetention, false, diags)
	validateRetention(ctx, p.AtName("remote_retention"), rep.RemoteRetention, toMST, diags)
}

// validateRetention checks a retention: exactly one of count and rollup, and the limits of an
// MST store when the retention is kept on one.
func validateRetention(ctx context.Context, p path.Path, o types.Object, onMST bool, diags *diag.Diagnostics) {
	rm, ok, d := objectAs[retentionModel](ctx, o)
	diags.Append(d...)
	if !ok || rm.Count.IsUnknown() || rm.Rollup.IsUnknown() {
		return
	}
	switch {
	case rm.Count.IsNull() && rm.Rollup.IsNull():
		diags.AddAttributeError(p, summaryInvalidProtectionPolicy,
			fmt.Sprintf("%s sets neither count nor rollup: give exactly one, e.g. { count = 4 } or "+
				"{ rollup = { multiple = 7, interval = \"DAILY\" } }.", p))
		return
	case !rm.Count.IsNull() && !rm.Rollup.IsNull():
		diags.AddAttributeError(p, summaryInvalidProtectionPolicy,
			fmt.Sprintf("%s sets both count and rollup: a retention is either linear (count) or roll-up (rollup). "+
				"Remove one.", p))
		return
	}
	if !onMST {
		return
	}
	if !rm.Count.IsNull() && rm.Count.ValueInt64() > maxMSTLinearRetention {
		diags.AddAttributeError(p.AtName("count"), summaryInvalidProtectionPolicy,
			fmt.Sprintf("%s is %d, but the destination is an MST store, which keeps at most %d linear recovery points.",
				p.AtName("count"), rm.Count.ValueInt64(), maxMSTLinearRetention))
	}
	ru, ok, d := objectAs[rollupModel](ctx, rm.Rollup)
	diags.Append(d...)
	if !ok || !known(ru.Multiple) || !known(ru.Interval) {
		return
	}
	if days, ok := rollupDays(ru.Multiple.ValueInt64(), ru.Interval.ValueString()); ok && days > maxMSTRollupDays {
		diags.AddAttributeError(p.AtName("rollup"), summaryInvalidProtectionPolicy,
			fmt.Sprintf("%s keeps %d %s, but the destination is an MST store, which keeps at most one month of "+
				"roll-up recovery points (e.g. multiple = 4 with WEEKLY, 31 with DAILY, or 1 with MONTHLY).",
				p.AtName("rollup"), ru.Multiple.ValueInt64(), ru.Interval.ValueString()))
	}
}

// labelsOf returns the known labels of locs.
func labelsOf(locs []indexed[locationModel]) []string {
	var out []string
	for _, l := range locs {
		if known(l.value.Label) {
			out = append(out, l.value.Label.ValueString())
		}
	}
	return out
}

// startTimePattern matches "HHh:MMm" from 00h:00m to 23h:59m.
var startTimePattern = regexp.MustCompile(`^([01][0-9]|2[0-3])h:[0-5][0-9]m$`)

// startTimeCheck checks start_time.
type startTimeCheck struct{}

var _ validator.String = startTimeCheck{}

// startTimeValidator returns the validator of start_time.
func startTimeValidator() validator.String { return startTimeCheck{} }

// Description says what the validator checks.
func (startTimeCheck) Description(_ context.Context) string {
	return `value must be a time of day "HHh:MMm" between "00h:00m" and "23h:59m"`
}

// MarkdownDescription says what the validator checks.
func (v startTimeCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString runs the check.
func (startTimeCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if !startTimePattern.MatchString(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid start time",
			fmt.Sprintf("%s %q is not a time of day in the form \"HHh:MMm\" between \"00h:00m\" and \"23h:59m\", "+
				"such as \"18h:00m\".", req.Path, req.ConfigValue.ValueString()))
	}
}
