package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// TestProtocol_resourceIdentity checks through the protocol server that every resource has an
// identity (one string, id, required for import), that an import by identity (Terraform 1.12+
// `import { identity = {...} }`) works as an import by ID and returns the identity, and that the
// guards apply to it too.
func TestProtocol_resourceIdentity(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	ca, schemas := protoServer(t)
	s.configureProtocol(t, ca, schemas, acctest.PCCanada)

	ids, err := ca.GetResourceIdentitySchemas(t.Context(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || hasError(ids.Diagnostics) {
		t.Fatalf("GetResourceIdentitySchemas: %v %s", err, diagsText(ids.Diagnostics))
	}
	for typ := range schemas.ResourceSchemas {
		is, ok := ids.IdentitySchemas[typ]
		if !ok || len(is.IdentityAttributes) != 1 || is.IdentityAttributes[0].Name != "id" || !is.IdentityAttributes[0].RequiredForImport {
			t.Errorf("%s: identity schema %+v, want one attribute id, required for import", typ, is)
		}
	}

	idType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}
	importByIdentity := func(typ, id string) *tfprotov6.ImportResourceStateResponse {
		dv, err := tfprotov6.NewDynamicValue(idType, tftypes.NewValue(idType, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)}))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := ca.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{TypeName: typ,
			Identity:           &tfprotov6.ResourceIdentityData{IdentityData: &dv},
			ClientCapabilities: &tfprotov6.ImportResourceStateClientCapabilities{DeferralAllowed: false}})
		if err != nil {
			t.Fatalf("ImportResourceState %s: %v", typ, err)
		}
		return resp
	}
	for typ, id := range map[string]string{
		"nutanixdr_recovery_plan":     s.planID,
		"nutanixdr_protection_policy": s.ruleID,
		"nutanixdr_category_value":    foKey + "/" + foValue,
	} {
		resp := importByIdentity(typ, id)
		checkDiags(t, resp.Diagnostics, nil)
		if len(resp.ImportedResources) != 1 || resp.ImportedResources[0].Identity == nil {
			t.Fatalf("%s: imported %+v, want one resource with its identity", typ, resp.ImportedResources)
		}
		got, err := resp.ImportedResources[0].Identity.IdentityData.Unmarshal(idType)
		if err != nil {
			t.Fatal(err)
		}
		if m, _ := goOf(got).(map[string]any); m["id"] != id {
			t.Errorf("%s: identity %v, want id %s", typ, m, id)
		}
	}
	checkDiags(t, importByIdentity("nutanixdr_category", "Environment").Diagnostics, []string{"system-defined"})
}
