package provider_test

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// addBulkPoliciesAndPlans creates, on canada, bulkCount policies (bulk-rule-000...) and plans
// (bulk-plan-000...) through the API: the even ones protect or recover replicated-vm:from-canada,
// the odd ones Environment:Dev.
func addBulkPoliciesAndPlans(t *testing.T, s *failoverSites) {
	t.Helper()
	ctx := t.Context()
	ca01 := acctest.ClusterID(t, s.w, acctest.PCCanada, "CA01")
	fr01 := acctest.ClusterID(t, s.w, acctest.PCFrance, "FR01")
	four := int64(4)
	for n := range bulkCount {
		cat := map[string]string{foKey: foValue}
		if n%2 == 1 {
			cat = map[string]string{"Environment": "Dev"}
		}
		params := map[string][]string{}
		for k, v := range cat {
			params[k] = []string{v}
		}
		_, err := s.ca.CreateProtectionPolicy(ctx, client.ProtectionPolicy{
			Name: fmt.Sprintf("bulk-rule-%03d", n),
			Locations: []client.ProtectionLocation{
				{AvailabilityZoneUUID: s.caLocal, ClusterUUIDs: []string{ca01}},
				{AvailabilityZoneUUID: s.caOfFrance, ClusterUUIDs: []string{fr01}},
			},
			PrimaryLocationIndexes: []int{0},
			Connectivity: []client.ProtectionConnectivity{{SourceIndex: 0, DestinationIndex: 1, Schedules: []client.SnapshotSchedule{{
				RPOSecs: 3600, SnapshotType: client.SnapshotTypeCrashConsistent, LocalRetention: &client.RetentionPolicy{NumSnapshots: &four},
				RemoteRetention: &client.RetentionPolicy{NumSnapshots: &four}}}}},
			CategoryFilter: client.CategoryFilter{Type: client.CategoriesMatchAny, KindList: []string{client.KindVM}, Params: params},
		})
		if err != nil {
			t.Fatalf("creating policy %d: %v", n, err)
		}
		zero := 0
		_, err = s.ca.CreateRecoveryPlan(ctx, client.RecoveryPlan{
			Name:                 fmt.Sprintf("bulk-plan-%03d", n),
			Stages:               []client.RecoveryStage{{Entities: []client.RecoveryEntity{{Categories: cat}}}},
			PrimaryLocationIndex: &zero,
			AvailabilityZones:    []client.RecoveryPlanAZ{{AvailabilityZoneUUID: s.caLocal}, {AvailabilityZoneUUID: s.caOfFrance}},
		})
		if err != nil {
			t.Fatalf("creating plan %d: %v", n, err)
		}
	}
}

func TestAccPoliciesAndPlansDataSources(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	addBulkPoliciesAndPlans(t, s)
	provider := acctest.ProviderConfig(s.w, acctest.PCCanada, "")
	const pol, plan = "data.nutanixdr_protection_policies", "data.nutanixdr_recovery_plans"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + `
data "nutanixdr_protection_policies" "all" {}
data "nutanixdr_protection_policies" "bulk_dev" {
  name_regex = "^bulk-"
  categories = { Environment = "Dev" }
}
data "nutanixdr_protection_policies" "none" {
  categories = { Environment = "Staging" }
}
data "nutanixdr_recovery_plans" "all" {}
data "nutanixdr_recovery_plans" "from_canada" {
  categories = { "replicated-vm" = "from-canada" }
}
data "nutanixdr_recovery_plans" "none" {
  name_regex = "^nothing$"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					listCount(pol+".all", "protection_policies", bulkCount+1),
					listCount(pol+".bulk_dev", "protection_policies", bulkCount/2),
					statecheck.ExpectKnownValue(pol+".bulk_dev", tfjsonpath.New("protection_policies").AtSliceIndex(0),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id": knownvalue.StringRegexp(uuidRegexp), "name": knownvalue.StringExact("bulk-rule-001"),
							"description": knownvalue.StringExact(""),
							"categories": knownvalue.MapExact(map[string]knownvalue.Check{
								"Environment": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Dev")}),
							}),
							"availability_zone_ids": knownvalue.ListExact([]knownvalue.Check{
								knownvalue.StringExact(s.caLocal), knownvalue.StringExact(s.caOfFrance),
							}),
						})),
					listCount(pol+".none", "protection_policies", 0),
					listCount(plan+".all", "recovery_plans", bulkCount+1),
					listCount(plan+".from_canada", "recovery_plans", (bulkCount+1)/2),
					statecheck.ExpectKnownValue(plan+".from_canada", tfjsonpath.New("recovery_plans").AtSliceIndex(0),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id": knownvalue.StringRegexp(uuidRegexp), "name": knownvalue.StringExact("bulk-plan-000"),
							"description":                   knownvalue.StringExact(""),
							"primary_availability_zone_id":  knownvalue.StringExact(s.caLocal),
							"recovery_availability_zone_id": knownvalue.StringExact(s.caOfFrance),
							"stage_count":                   knownvalue.Int64Exact(1),
						})),
					listCount(plan+".none", "recovery_plans", 0),
					listCount(plan+".none", "ids", 0),
				},
			},
		},
	})
}

// TestProtocol_listDataSourcesEconomy reads the list data sources through the protocol server
// and counts the requests: one list call per page of 100, no read per item. France lists the
// policies and plans canada synced there, with the same ids.
func TestProtocol_listDataSourcesEconomy(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	addBulkPoliciesAndPlans(t, s)
	ca, schemas := protoServer(t)
	s.configureProtocol(t, ca, schemas, acctest.PCCanada)
	fr, _ := protoServer(t)
	s.configureProtocol(t, fr, schemas, acctest.PCFrance)

	routes := map[string]string{
		"nutanixdr_protection_policies": "POST /api/nutanix/v3/protection_rules/list",
		"nutanixdr_recovery_plans":      "POST /api/nutanix/v3/recovery_plans/list",
	}
	// Over v4 (make test API=v4) the lists are GETs. A policy's zones and categories are
	// mapped to v4 ids by lookups made once per client and category, not per policy (at most
	// 6 here); a v4 recovery plan is several entities, so each plan costs three reads of its
	// parts (stages, network mappings, recovery settings): a known cost of the v4 wire.
	extra := map[string]int{}
	v4 := accV4(t, s.w, acctest.PCCanada, client.KindRecoveryPlans)
	if v4 {
		routes = map[string]string{
			"nutanixdr_protection_policies": "GET /api/datapolicies/v4.2/config/protection-policies",
			"nutanixdr_recovery_plans":      "GET /api/datapolicies/v4.2/config/recovery-plans",
		}
		// The lookups (the zone map: 3 requests, once per process; category names) are made by
		// whichever list runs first (the map's order), so both may make them.
		extra = map[string]int{"nutanixdr_protection_policies": 6, "nutanixdr_recovery_plans": 3*(bulkCount+1) + 6}
	}
	for typ, route := range routes {
		pc := s.w.PC(acctest.PCCanada)
		pc.ResetRequestCounts()
		items := readListDataSource(t, ca, schemas, typ, nil)
		if len(items) != bulkCount+1 {
			t.Errorf("%s: %d entries, want %d", typ, len(items), bulkCount+1)
		}
		got := pc.RequestCounts()
		// Beside the list calls, the first use of a v4 namespace in the process asks which
		// revision the PC serves (api_version = auto): once per namespace, not per call.
		probes := 0
		for r, n := range got.ByRoute {
			if strings.HasSuffix(r, "/unversioned/info") {
				probes += n
			}
		}
		other := got.Total - probes - got.ByRoute[route]
		if got.ByRoute[route] != 2 || probes > 1 || (!v4 && other != 0) || (v4 && other > extra[typ]) {
			t.Errorf("%s: %d requests (%v), want 2 list calls (%d entries, pages of 100) and at most one version probe",
				typ, got.Total, got.ByRoute, bulkCount+1)
		}
		copies := readListDataSource(t, fr, schemas, typ, nil)
		if len(copies) != bulkCount+1 {
			t.Fatalf("%s on france: %d entries, want %d", typ, len(copies), bulkCount+1)
		}
		ids := map[any]bool{}
		for _, it := range items {
			ids[it["id"]] = true
		}
		for _, c := range copies {
			if !ids[c["id"]] {
				t.Errorf("%s on france: %v (%v) is not listed on canada, want the same ids", typ, c["name"], c["id"])
				break
			}
		}
	}
}

// readListDataSource reads a list data source through the protocol server and returns its
// result elements as maps.
func readListDataSource(t *testing.T, srv tfprotov6.ProviderServer, schemas *tfprotov6.GetProviderSchemaResponse, typ string,
	attrs map[string]any) []map[string]any {
	t.Helper()
	schema := schemas.DataSourceSchemas[typ]
	resp, err := srv.ReadDataSource(t.Context(), &tfprotov6.ReadDataSourceRequest{TypeName: typ, Config: dynamicValue(t, schema, attrs)})
	if err != nil {
		t.Fatalf("ReadDataSource %s: %v", typ, err)
	}
	if hasError(resp.Diagnostics) {
		t.Fatalf("ReadDataSource %s: %s", typ, diagsText(resp.Diagnostics))
	}
	state, err := resp.State.Unmarshal(schema.ValueType())
	if err != nil {
		t.Fatalf("decoding the state of %s: %v", typ, err)
	}
	top, _ := goOf(state).(map[string]any)
	results := ""
	for name, v := range top {
		if _, ok := v.([]any); ok && name != "ids" {
			results = name
		}
	}
	list, _ := top[results].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, m)
	}
	return out
}

// goOf converts a value to Go: maps, slices, strings, bools, int64 and nil.
func goOf(v tftypes.Value) any {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	case v.Type().Is(tftypes.Number):
		var n big.Float
		_ = v.As(&n)
		i, _ := n.Int64()
		return i
	case v.Type().Is(tftypes.List{}), v.Type().Is(tftypes.Set{}):
		var l []tftypes.Value
		_ = v.As(&l)
		out := make([]any, 0, len(l))
		for _, e := range l {
			out = append(out, goOf(e))
		}
		return out
	default:
		var m map[string]tftypes.Value
		_ = v.As(&m)
		out := make(map[string]any, len(m))
		for k, e := range m {
			out[k] = goOf(e)
		}
		return out
	}
}
