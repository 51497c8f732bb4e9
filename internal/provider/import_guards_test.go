package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// importResource runs ImportResourceState for one resource type and ID through the protocol
// server, as `import` does, and returns its diagnostics.
func importResource(t *testing.T, srv tfprotov6.ProviderServer, typ, id string) []*tfprotov6.Diagnostic {
	t.Helper()
	resp, err := srv.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{TypeName: typ, ID: id})
	if err != nil {
		t.Fatalf("ImportResourceState %s %s: %v", typ, id, err)
	}
	return resp.Diagnostics
}

// TestProtocol_importGuards imports what can be read but never changed: system-defined
// categories, and names where UUIDs are expected. Each is refused at import, saying what to do
// instead; user-defined categories import. The copies of canada's policy and plan that Leap
// synced to france import there as on canada: they can be changed on either Prism Central.
func TestProtocol_importGuards(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})

	fr, schemas := protoServer(t)
	s.configureProtocol(t, fr, schemas, acctest.PCFrance)
	ca, _ := protoServer(t)
	s.configureProtocol(t, ca, schemas, acctest.PCCanada)

	for _, srv := range []tfprotov6.ProviderServer{ca, fr} {
		checkDiags(t, importResource(t, srv, "nutanixdr_protection_policy", s.ruleID), nil)
		checkDiags(t, importResource(t, srv, "nutanixdr_recovery_plan", s.planID), nil)
	}
	checkDiags(t, importResource(t, fr, "nutanixdr_protection_policy", s.ruleID+"/canada,france"), nil)

	systemRefused := []string{"system-defined", "cannot be managed", "reference it instead"}
	checkDiags(t, importResource(t, ca, "nutanixdr_category", "Environment"), append(systemRefused, `"Environment"`))
	checkDiags(t, importResource(t, ca, "nutanixdr_category_value", "Environment/Production"),
		append(systemRefused, `"Production" of the category "Environment"`))
	checkDiags(t, importResource(t, ca, "nutanixdr_category", foKey), nil)
	checkDiags(t, importResource(t, ca, "nutanixdr_category_value", foKey+"/"+foValue), nil)
	checkDiags(t, importResource(t, ca, "nutanixdr_category", "no-such-key"), []string{"Error importing category", "no-such-key"})

	checkDiags(t, importResource(t, ca, "nutanixdr_recovery_plan", "canada-to-france"),
		[]string{"Invalid import ID", "data source nutanixdr_recovery_plan", "nutanixdr_recovery_plans", "for_each"})
	for typ, ds := range map[string]string{"nutanixdr_subnet": "nutanixdr_subnets", "nutanixdr_vpc": "nutanixdr_vpcs",
		"nutanixdr_vpc_route_table": "nutanixdr_vpcs"} {
		checkDiags(t, importResource(t, ca, typ, "prod"), []string{"Invalid import ID", ds, "for_each"})
	}
	checkDiags(t, importResource(t, ca, "nutanixdr_protection_policy", "replicated-vm"),
		[]string{"Invalid import ID", "data source nutanixdr_protection_policy", "nutanixdr_protection_policies"})
}
