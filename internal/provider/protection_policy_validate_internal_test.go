package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// ppDetails joins the details of diags, each prefixed by its attribute path.
func ppDetails(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			b.WriteString("[" + wp.Path().String() + "] ")
		}
		b.WriteString(d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

// ppMutate returns the rich policy with its locations and replications changed by edit.
func ppMutate(t *testing.T, edit func(locs []locationModel, reps []replicationModel) ([]locationModel, []replicationModel)) protectionPolicyModel {
	t.Helper()
	ctx := context.Background()
	m := ppRich(t)
	locs, d := listElems[locationModel](ctx, m.Locations)
	ppNoError(t, d)
	reps, d := listElems[replicationModel](ctx, m.Replications)
	ppNoError(t, d)
	locs, reps = edit(locs, reps)
	m.Locations, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: locationAttrTypes}, locs)
	ppNoError(t, d)
	m.Replications, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: replicationAttrTypes}, reps)
	ppNoError(t, d)
	return m
}

// The rich policy's locations are canada (0, primary), france (1, no clusters), japan (2) and
// s3 (3, MST); its replications canada->france 1h (0), canada->s3 24h (1), canada->france 168h
// (2) and canada->japan 0s (3).
func TestValidateProtectionPolicy(t *testing.T) {
	type edit = func(locs []locationModel, reps []replicationModel) ([]locationModel, []replicationModel)
	str := types.StringValue
	dur := timetypes.NewGoDurationValueFromStringMust
	for name, tc := range map[string]struct {
		edit edit
		want []string // "[path] fragment" each
	}{
		"duplicate label": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			l[2].Label = str("france")
			return l, r
		}, []string{`[locations[2].label] Invalid protection policy: locations[2].label "france" is also the label of locations[1]`}},
		"unknown from": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[1].From = str("spain")
			return l, r
		}, []string{`[replications[1].from] Invalid protection policy: replications[1].from "spain" is not the label of a location. The labels are "canada", "france", "japan", "s3".`}},
		"unknown to": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[0].To = str("France")
			return l, r
		}, []string{`[replications[0].to] Invalid protection policy: replications[0].to "France" is not the label of a location.`}},
		"to itself": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[0].To = str("canada")
			return l, r
		}, []string{`[replications[0].to] Invalid protection policy: replications[0].to is "canada", the same location as from`}},
		"no primary": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			l[0].Primary = types.BoolValue(false)
			return l, r
		}, []string{`[locations] Invalid protection policy: locations has no primary location`}},
		"two primaries": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			l[2].Primary = types.BoolValue(true)
			return l, r
		}, []string{`[locations] Invalid protection policy: locations has 2 primary locations (locations[0], locations[2])`}},
		"MST primary": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			l[0].Primary = types.BoolValue(false)
			l[3].Primary = types.BoolValue(true)
			return l, r
		}, []string{`[locations[3].primary] Invalid protection policy: locations[3].primary is true, but the location is an MST store`}},
		"MST and clusters": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			l[3].ClusterIDs = ppStrings(t, []string{ppClusterFR})
			return l, r
		}, []string{`[locations[3].mst_target_id] Invalid protection policy: locations[3].mst_target_id and locations[3].cluster_ids are both set`}},
		"rpo 30m": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[0].RPO = dur("30m")
			return l, r
		}, []string{`[replications[0].rpo] Invalid protection policy: replications[0].rpo "30m" is not an RPO Prism Central accepts`}},
		"rpo 90s": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[0].RPO = dur("90s")
			return l, r
		}, []string{`[replications[0].rpo] Invalid protection policy: replications[0].rpo "90s" is not an RPO`}},
		"synchronous with retention": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[3].LocalRetention, r[3].RemoteRetention = ppCount(t, 1), ppRollup(t, 1, client.RollupDaily)
			return l, r
		}, []string{
			`[replications[3].local_retention] Invalid protection policy: replications[3].local_retention is set, but rpo is "0s"`,
			`[replications[3].remote_retention] Invalid protection policy: replications[3].remote_retention is set, but rpo is "0s"`,
		}},
		"synchronous without clusters": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[3].To = str("france")
			return l, r
		}, []string{`[replications[3].to] Invalid protection policy: replications[3].to "france" has no cluster_ids, but rpo is "0s"`}},
		"synchronous to MST": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[3].To = str("s3")
			return l, r
		}, []string{`[replications[3].to] Invalid protection policy: replications[3].to "s3" is an MST store, but rpo is "0s"`}},
		"auto suspend asynchronous": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[0].AutoSuspendTimeout = dur("1m")
			return l, r
		}, []string{`[replications[0].auto_suspend_timeout] Invalid protection policy: replications[0].auto_suspend_timeout is set, but rpo is "1h"`}},
		"from MST": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[1].From, r[1].To = str("s3"), str("canada")
			return l, r
		}, []string{`[replications[1].from] Invalid protection policy: replications[1].from "s3" is an MST store`}},
		"MST linear over 36": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[1].RemoteRetention = ppCount(t, 37)
			return l, r
		}, []string{`[replications[1].remote_retention.count] Invalid protection policy: replications[1].remote_retention.count is 37, but the destination is an MST store, which keeps at most 36`}},
		"MST roll-up over a month": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[1].RemoteRetention = ppRollup(t, 5, client.RollupWeekly)
			return l, r
		}, []string{`[replications[1].remote_retention.rollup] Invalid protection policy: replications[1].remote_retention.rollup keeps 5 WEEKLY`}},
		"MST roll-up yearly": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[1].RemoteRetention = ppRollup(t, 1, client.RollupYearly)
			return l, r
		}, []string{`[replications[1].remote_retention.rollup] Invalid protection policy: replications[1].remote_retention.rollup keeps 1 YEARLY`}},
		"retention without count or rollup": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			o, d := types.ObjectValue(retentionAttrTypes, map[string]attr.Value{"count": types.Int64Null(), "rollup": types.ObjectNull(rollupAttrTypes)})
			ppNoError(t, d)
			r[0].LocalRetention = o
			return l, r
		}, []string{`[replications[0].local_retention] Invalid protection policy: replications[0].local_retention sets neither count nor rollup`}},
		"retention with both": {func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			ru := ppRollup(t, 2, client.RollupDaily).Attributes()["rollup"]
			o, d := types.ObjectValue(retentionAttrTypes, map[string]attr.Value{"count": types.Int64Value(3), "rollup": ru})
			ppNoError(t, d)
			r[2].RemoteRetention = o
			return l, r
		}, []string{`[replications[2].remote_retention] Invalid protection policy: replications[2].remote_retention sets both count and rollup`}},
	} {
		t.Run(name, func(t *testing.T) {
			diags := validateProtectionPolicy(context.Background(), ppMutate(t, tc.edit))
			got := ppDetails(diags)
			if diags.ErrorsCount() != len(tc.want) {
				t.Errorf("want %d errors, got:\n%s", len(tc.want), got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
		})
	}
}

func TestValidateProtectionPolicy_valid(t *testing.T) {
	for name, m := range map[string]protectionPolicyModel{
		"seed": ppSeed(t),
		"rich": ppRich(t),
		"MST limits": ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[1].RemoteRetention = ppRollup(t, 31, client.RollupDaily)
			r[0].To, r[0].RemoteRetention = types.StringValue("s3"), ppCount(t, 36)
			r[2].To, r[2].RemoteRetention = types.StringValue("s3"), ppRollup(t, 1, client.RollupMonthly)
			return l, r
		}),
	} {
		if diags := validateProtectionPolicy(context.Background(), m); diags.HasError() {
			t.Errorf("%s: %s", name, ppDetails(diags))
		}
	}
}

// TestValidateProtectionPolicy_unknown checks that values unknown at plan time are skipped
// rather than reported.
func TestValidateProtectionPolicy_unknown(t *testing.T) {
	ctx := context.Background()
	for name, m := range map[string]protectionPolicyModel{
		"locations unknown": func() protectionPolicyModel {
			m := ppRich(t)
			m.Locations = types.ListUnknown(types.ObjectType{AttrTypes: locationAttrTypes})
			return m
		}(),
		"replications unknown": func() protectionPolicyModel {
			m := ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
				return l, r
			})
			m.Replications = types.ListUnknown(types.ObjectType{AttrTypes: replicationAttrTypes})
			return m
		}(),
		"a label unknown": ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			l[1].Label = types.StringUnknown()
			r[0].To = types.StringValue("whatever-it-becomes")
			return l, r
		}),
		"from unknown": ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[1].From = types.StringUnknown()
			return l, r
		}),
		"rpo unknown": ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[3].RPO = timetypes.NewGoDurationUnknown()
			r[3].LocalRetention = ppCount(t, 3)
			return l, r
		}),
		"primary unknown": ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			l[0].Primary = types.BoolUnknown()
			return l, r
		}),
		"retention unknown": ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			r[1].RemoteRetention = types.ObjectUnknown(retentionAttrTypes)
			return l, r
		}),
		"a location unknown": func() protectionPolicyModel {
			m := ppRich(t)
			elems := m.Locations.Elements()
			elems[0] = types.ObjectUnknown(locationAttrTypes)
			m.Locations = types.ListValueMust(types.ObjectType{AttrTypes: locationAttrTypes}, elems)
			return m
		}(),
		"a replication unknown": func() protectionPolicyModel {
			m := ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
				r[0].From = types.StringValue("spain")
				return l, r
			})
			elems := m.Replications.Elements()
			elems[0] = types.ObjectUnknown(replicationAttrTypes)
			m.Replications = types.ListValueMust(types.ObjectType{AttrTypes: replicationAttrTypes}, elems)
			return m
		}(),
		"count unknown": ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
			o, d := types.ObjectValue(retentionAttrTypes, map[string]attr.Value{"count": types.Int64Unknown(), "rollup": types.ObjectNull(rollupAttrTypes)})
			ppNoError(t, d)
			r[1].RemoteRetention = o
			return l, r
		}),
	} {
		if diags := validateProtectionPolicy(ctx, m); diags.HasError() {
			t.Errorf("%s: %s", name, ppDetails(diags))
		}
	}
}

// TestProtectionPolicyValidateConfig runs ValidateConfig on a configuration, as the framework
// does, with an unknown element and with an error.
func TestProtectionPolicyValidateConfig(t *testing.T) {
	ctx := context.Background()
	s := ppSchema(t)
	run := func(m protectionPolicyModel) diag.Diagnostics {
		var resp resource.ValidateConfigResponse
		cfg := tfsdk.Config{Schema: s, Raw: ppRaw(t, m)}
		r, ok := newProtectionPolicyResource().(resource.ResourceWithValidateConfig)
		if !ok {
			t.Fatal("nutanixdr_protection_policy must validate its configuration")
		}
		r.ValidateConfig(ctx, resource.ValidateConfigRequest{Config: cfg}, &resp)
		return resp.Diagnostics
	}
	m := ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
		l[0].AvailabilityZoneID = types.StringUnknown()
		r[2].From = types.StringUnknown()
		return l, r
	})
	m.ID = types.StringUnknown()
	m.ProtectedVMIDs = types.SetUnknown(types.StringType)
	if diags := run(m); diags.HasError() {
		t.Errorf("unknown values must be skipped: %s", ppDetails(diags))
	}
	m = ppMutate(t, func(l []locationModel, r []replicationModel) ([]locationModel, []replicationModel) {
		r[0].From = types.StringValue("spain")
		return l, r
	})
	if got := ppDetails(run(m)); !strings.Contains(got, `replications[0].from "spain" is not the label`) {
		t.Errorf("ValidateConfig must report the bad label, got %q", got)
	}
}
