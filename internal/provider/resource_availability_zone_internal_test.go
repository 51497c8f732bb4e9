package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// pairingSchema returns the schema of nutanixdr_availability_zone.
func pairingSchema(t *testing.T) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	newAvailabilityZoneResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// pairingValue builds a value of the resource's schema; attributes not in attrs are null, and
// a nil attrs gives a null object.
func pairingValue(t *testing.T, s schema.Schema, attrs map[string]string) tftypes.Value {
	t.Helper()
	typ, ok := s.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	if attrs == nil {
		return tftypes.NewValue(typ, nil)
	}
	vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range attrs {
		vals[name] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(typ, vals)
}

func TestPairingSchema(t *testing.T) {
	s := pairingSchema(t)
	pw, ok := s.Attributes["password"].(schema.StringAttribute)
	if !ok {
		t.Fatalf("password is %T", s.Attributes["password"])
	}
	if !pw.WriteOnly || !pw.Sensitive || pw.Computed || len(pw.PlanModifiers) != 0 {
		t.Errorf("password must be write-only, sensitive, not computed and without plan modifiers "+
			"(OpenTofu replaces on any write-only path a provider says requires replacement): %+v", pw)
	}
	for _, name := range []string{"remote_address", "username", "cloud_type"} {
		a, ok := s.Attributes[name].(schema.StringAttribute)
		if !ok || len(a.PlanModifiers) == 0 {
			t.Errorf("%s must carry a replacing plan modifier", name)
		}
	}
}

func TestPairingModifyPlan_password(t *testing.T) {
	s := pairingSchema(t)
	state := map[string]string{
		"id": "az-1", "remote_address": "192.168.0.10", "username": "admin", "cloud_type": client.CloudTypeOnPrem,
		"name": "PC_192.168.0.10", "cloud_trust_id": "ct-1",
	}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	cfg := map[string]string{"remote_address": "192.168.0.10", "username": "admin"}
	for _, tc := range []struct {
		name          string
		state, config map[string]string
		wantError     bool
	}{
		{"create without password", nil, cfg, true},
		{"create with password", nil, with(cfg, "password", "pw"), false},
		{"no change without password", state, cfg, false},
		{"same remote spelled differently", state, with(cfg, "remote_address", "https://192.168.0.10:9440"), false},
		{"replace without password", state, with(cfg, "remote_address", "192.168.0.20"), true},
		{"replace (user) without password", state, with(cfg, "username", "other"), true},
		{"replace with password", state, with(cfg, "remote_address", "192.168.0.20", "password", "pw"), false},
		{"first apply after import", with(state, "username", ""), cfg, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.state
			if st != nil && st["username"] == "" {
				st = with(st)
				delete(st, "username")
			}
			// The plan is the configuration with the default, without the write-only password.
			plan := with(tc.config, "cloud_type", client.CloudTypeOnPrem)
			delete(plan, "password")
			req := resource.ModifyPlanRequest{
				Config: tfsdk.Config{Schema: s, Raw: pairingValue(t, s, tc.config)},
				Plan:   tfsdk.Plan{Schema: s, Raw: pairingValue(t, s, plan)},
				State:  tfsdk.State{Schema: s, Raw: pairingValue(t, s, st)},
			}
			resp := resource.ModifyPlanResponse{Plan: req.Plan}
			(&availabilityZoneResource{}).ModifyPlan(context.Background(), req, &resp)
			if got := resp.Diagnostics.HasError(); got != tc.wantError {
				t.Fatalf("error = %v, want %v: %v", got, tc.wantError, resp.Diagnostics)
			}
			if tc.wantError {
				d := resp.Diagnostics.Errors()[0]
				if !strings.Contains(d.Detail(), "needs the password") || !strings.Contains(d.Detail(), "not stored in the state") {
					t.Errorf("detail %q", d.Detail())
				}
			}
		})
	}
}

func TestSameRemote(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"192.168.0.10", "192.168.0.10:9440", true},
		{"192.168.0.10", "https://192.168.0.10:9440/", true},
		{"PC.example.com", "pc.example.com.", true},
		{"[fd00::1]:9440", "fd00::1", true},
		{"192.168.0.10", "192.168.0.11", false},
		{"192.168.0.10:9441", "192.168.0.10", false},
	} {
		if got := sameRemote(tc.a, tc.b); got != tc.same {
			t.Errorf("sameRemote(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestPairingCause(t *testing.T) {
	task := func(code, detail string) error {
		return fmt.Errorf("pairing: %w", &client.TaskError{Operation: "pairing with remote Prism Central x",
			TaskUUID: "t-1", Status: "FAILED", ErrorCode: code, ErrorDetail: detail})
	}
	for _, tc := range []struct {
		err  error
		want int
		hint string
	}{
		{task("PAIRING_FAILED", "cannot pair a Prism Central with itself"), causeSelf, "cannot be paired with itself"},
		{task("CLOUD_TRUST_EXISTS", "already paired with 192.168.0.10"), causeAlreadyPaired, "Declare each pairing once"},
		{&client.APIError{StatusCode: 409, Reasons: []string{"CLOUD_TRUST_EXISTS"}}, causeAlreadyPaired, "already paired"},
		{task("PAIRING_FAILED", "authentication failed on remote 192.168.0.10"), causeRemoteAuth, "not of the one the provider"},
		{task("REMOTE_CLUSTER_NOT_CONNECTED", "remote 10.9.9.9"), causeUnreachable, "port 9440"},
		{task("PAIRING_FAILED", "remote 10.9.9.9 is unreachable"), causeUnreachable, "remote is up"},
		{task("PAIRING_FAILED", "disaster recovery is not enabled on france"), causeDRDisabled, "enabled on both"},
		{errors.New("boom"), causeUnknown, ""},
	} {
		if got := pairingCause(tc.err); got != tc.want {
			t.Errorf("pairingCause(%v) = %d, want %d", tc.err, got, tc.want)
		}
		if hint := pairingHint(tc.err); !strings.Contains(hint, tc.hint) || (tc.hint == "") != (hint == "") {
			t.Errorf("pairingHint(%v) = %q, want it to contain %q", tc.err, hint, tc.hint)
		}
	}
}

func TestFlattenPairing(t *testing.T) {
	az := &client.AvailabilityZone{UUID: "az-1", Name: "PC_192.168.0.10", Type: client.AvailabilityZonePC,
		ManagementURL: "192.168.0.10", CloudTrustUUID: "ct-1", Reachable: true}
	ct := &client.CloudTrust{UUID: "ct-1", URL: "192.168.0.10", CloudType: client.CloudTypeOnPrem, AvailabilityZoneUUID: "az-1"}

	// After a create, the configured arguments stay as they are.
	m := availabilityZoneModel{
		RemoteAddress: types.StringValue("192.168.0.10:9440"),
		Username:      types.StringValue("admin"),
		Password:      types.StringValue("must-not-stay"),
		CloudType:     types.StringValue(client.CloudTypeOnPrem),
	}
	flattenPairing(&m, az, ct)
	if m.ID.ValueString() != "az-1" || m.Name.ValueString() != "PC_192.168.0.10" || m.CloudTrustID.ValueString() != "ct-1" {
		t.Errorf("computed attributes %+v", m)
	}
	if m.RemoteAddress.ValueString() != "192.168.0.10:9440" || m.Username.ValueString() != "admin" {
		t.Errorf("configured arguments changed: %+v", m)
	}
	if !m.Password.IsNull() {
		t.Error("the password must never be kept")
	}

	// After an import, only the id is known: the API fills the rest but the user name.
	imported := availabilityZoneModel{ID: types.StringValue("az-1"), RemoteAddress: types.StringNull(),
		Username: types.StringNull(), Password: types.StringNull(), CloudType: types.StringNull()}
	flattenPairing(&imported, az, &client.CloudTrust{UUID: "ct-1"})
	if imported.RemoteAddress.ValueString() != "192.168.0.10" || imported.CloudType.ValueString() != client.CloudTypeOnPrem ||
		!imported.Username.IsNull() {
		t.Errorf("imported %+v", imported)
	}
}

func TestLocalAZNotPairingDetail(t *testing.T) {
	got := localAZNotPairingDetail(&client.AvailabilityZone{UUID: "u-1", Name: localAZName, Type: client.AvailabilityZoneLocal})
	if !strings.Contains(got, `u-1 ("Local AZ") is the Local availability zone`) || !strings.Contains(got, "nutanixdr_disaster_recovery") {
		t.Errorf("detail %q", got)
	}
}
