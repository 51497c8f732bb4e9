package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// listServer is the provider's protocol server with the list resource RPCs.
type listServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

// listedResult is one result of a list resource, decoded.
type listedResult struct {
	name, id string
	resource map[string]any // nil without include_resource
}

// listResource runs a list resource through the protocol server, as `terraform query` does.
func listResource(t *testing.T, srv tfprotov6.ProviderServer, schemas *tfprotov6.GetProviderSchemaResponse, typ string,
	cfg map[string]any, include bool, limit int64) ([]listedResult, []*tfprotov6.Diagnostic) {
	t.Helper()
	ls, ok := srv.(listServer)
	if !ok {
		t.Fatalf("the protocol server %T does not serve list resources", srv)
	}
	schema, ok := schemas.ListResourceSchemas[typ]
	if !ok {
		t.Fatalf("no list resource %s", typ)
	}
	stream, err := ls.ListResource(t.Context(), &tfprotov6.ListResourceRequest{TypeName: typ,
		Config: dynamicValue(t, schema, cfg), IncludeResource: include, Limit: limit})
	if err != nil {
		t.Fatalf("ListResource %s: %v", typ, err)
	}
	idType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}
	var out []listedResult
	var diags []*tfprotov6.Diagnostic
	for r := range stream.Results {
		diags = append(diags, r.Diagnostics...)
		if r.Identity == nil {
			continue
		}
		res := listedResult{name: r.DisplayName}
		idv, err := r.Identity.IdentityData.Unmarshal(idType)
		if err != nil {
			t.Fatalf("%s: decoding an identity: %v", typ, err)
		}
		res.id, _ = goOf(idv).(map[string]any)["id"].(string)
		if r.Resource != nil {
			v, err := r.Resource.Unmarshal(schemas.ResourceSchemas[typ].ValueType())
			if err != nil {
				t.Fatalf("%s: decoding a resource: %v", typ, err)
			}
			res.resource, _ = goOf(v).(map[string]any)
		}
		out = append(out, res)
	}
	return out, diags
}

// TestProtocol_listResources lists through the protocol server: every kind that exists on its own
// has a list resource; filters, limits, more than one page, empty results; the policies and
// plans synced to france are listed there too; include_resource returns the state an import makes.
func TestProtocol_listResources(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{edit: withBulkInventory})
	addBulkPoliciesAndPlans(t, s)
	for n := range bulkCount {
		if _, err := s.ca.CreateVPC(t.Context(), client.VPC{Name: fmt.Sprintf("bulk-vpc-%03d", n)}); err != nil {
			t.Fatalf("creating VPC %d: %v", n, err)
		}
	}
	ca, schemas := protoServer(t)
	s.configureProtocol(t, ca, schemas, acctest.PCCanada)
	fr, _ := protoServer(t)
	s.configureProtocol(t, fr, schemas, acctest.PCFrance)

	for _, typ := range []string{"nutanixdr_category", "nutanixdr_category_value", "nutanixdr_vm_categories",
		"nutanixdr_availability_zone", "nutanixdr_protection_policy", "nutanixdr_recovery_plan", "nutanixdr_subnet",
		"nutanixdr_vpc", "nutanixdr_vpc_route_table", "nutanixdr_mst_target"} {
		if _, ok := schemas.ListResourceSchemas[typ]; !ok {
			t.Errorf("no list resource %s", typ)
		}
	}

	count := func(srv tfprotov6.ProviderServer, typ string, cfg map[string]any, limit int64) []listedResult {
		t.Helper()
		got, diags := listResource(t, srv, schemas, typ, cfg, false, limit)
		checkDiags(t, diags, nil)
		return got
	}
	if got := count(ca, "nutanixdr_vpc", nil, 0); len(got) != bulkCount {
		t.Errorf("VPCs: %d, want %d (more than one page)", len(got), bulkCount)
	}
	if got := count(ca, "nutanixdr_vpc_route_table", map[string]any{"name_regex": "^bulk-vpc-10"}, 0); len(got) != 5 {
		t.Errorf("route tables of bulk-vpc-10x: %d, want 5", len(got))
	}
	if got := count(ca, "nutanixdr_vpc", nil, 7); len(got) != 7 {
		t.Errorf("VPCs with limit 7: %d", len(got))
	}
	if got := count(ca, "nutanixdr_vpc", map[string]any{"name_regex": "^prod-"}, 0); len(got) != 0 {
		t.Errorf("VPCs named prod-: %v, want none", got)
	}
	if got := count(ca, "nutanixdr_mst_target", nil, 0); len(got) != 0 {
		t.Errorf("MST targets: %v, want none", got)
	}
	if got := count(ca, "nutanixdr_category", map[string]any{"name_regex": "^" + foKey + "$"}, 0); len(got) != 1 || got[0].id != foKey {
		t.Errorf("categories: %v, want %s", got, foKey)
	}
	if got := count(ca, "nutanixdr_category", nil, 0); len(got) != bulkCount+1 {
		t.Errorf("categories: %d, want %d (system-defined ones cannot be managed)", len(got), bulkCount+1)
	}
	if got := count(ca, "nutanixdr_category", map[string]any{"name_regex": "^Environment$"}, 0); len(got) != 0 {
		t.Errorf("categories named Environment: %v, want none (system-defined)", got)
	}
	if got := count(ca, "nutanixdr_category_value", nil, 0); len(got) != bulkCount+1 {
		t.Errorf("category values: %d, want %d (the bulk keys' and %s/%s; no system-defined one)", len(got), bulkCount+1, foKey, foValue)
	}
	if got := count(ca, "nutanixdr_vm_categories", nil, 0); len(got) != 2+(bulkCount+1)/2 {
		t.Errorf("VMs with categories: %d, want app-01, db-01 and the even bulk VMs", len(got))
	}
	if got := count(ca, "nutanixdr_subnet", map[string]any{"name_regex": "^bulk-net-"}, 0); len(got) != bulkCount {
		t.Errorf("bulk subnets: %d, want %d", len(got), bulkCount)
	}
	if got := count(ca, "nutanixdr_availability_zone", nil, 0); len(got) != 1 || got[0].id != s.caOfFrance {
		t.Errorf("pairings: %v, want france's zone %s", got, s.caOfFrance)
	}
	for _, typ := range []string{"nutanixdr_protection_policy", "nutanixdr_recovery_plan"} {
		if got := count(ca, typ, nil, 0); len(got) != bulkCount+1 {
			t.Errorf("%s on canada: %d, want %d", typ, len(got), bulkCount+1)
		}
		if got := count(ca, typ, map[string]any{"name_regex": "^bulk-.*-10[0-9]$"}, 0); len(got) != 5 {
			t.Errorf("%s on canada named bulk-*-10x: %d, want 5", typ, len(got))
		}
		onCanada := map[string]bool{}
		for _, r := range count(ca, typ, nil, 0) {
			onCanada[r.id] = true
		}
		onFrance := count(fr, typ, nil, 0)
		if len(onFrance) != len(onCanada) {
			t.Errorf("%s on france: %d, want the %d synced from canada", typ, len(onFrance), len(onCanada))
		}
		for _, r := range onFrance {
			if !onCanada[r.id] {
				t.Errorf("%s on france: %s (%s) is not on canada", typ, r.id, r.name)
			}
		}
	}
	_, diags := listResource(t, ca, schemas, "nutanixdr_vpc", map[string]any{"name_regex": "("}, false, 0)
	checkDiags(t, diags, []string{"Invalid regular expression"})

	// include_resource: the state of an import, as -generate-config-out writes it.
	got, diags := listResource(t, ca, schemas, "nutanixdr_recovery_plan", map[string]any{"name_regex": "^canada-to-france$"}, true, 0)
	checkDiags(t, diags, nil)
	if len(got) != 1 || got[0].resource["id"] != s.planID || got[0].resource["name"] != "canada-to-france" {
		t.Fatalf("recovery plans with their resources: %+v", got)
	}
	got, diags = listResource(t, ca, schemas, "nutanixdr_protection_policy", map[string]any{"name_regex": "^replicated-vm$"}, true, 0)
	checkDiags(t, diags, nil)
	if len(got) != 1 || got[0].resource["id"] != s.ruleID || got[0].resource["locations"] == nil {
		t.Fatalf("protection policies with their resources: %+v", got)
	}
}
