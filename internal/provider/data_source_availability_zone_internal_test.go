package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

func TestFindAvailabilityZone(t *testing.T) {
	local := client.AvailabilityZone{UUID: "l-1", Name: localAZName, Type: client.AvailabilityZoneLocal}
	france := client.AvailabilityZone{UUID: "f-1", Name: "PC_192.168.0.10", Type: client.AvailabilityZonePC, ManagementURL: "192.168.0.10"}

	var diags diag.Diagnostics
	got, ok := findAvailabilityZone([]client.AvailabilityZone{local, france}, "PC_192.168.0.10", &diags)
	if !ok || got.UUID != "f-1" || diags.HasError() {
		t.Errorf("got %+v %v %v", got, ok, diags)
	}

	for _, tc := range []struct {
		name string
		all  []client.AvailabilityZone
		want []string
	}{
		{"no match", []client.AvailabilityZone{local, france}, []string{
			`No availability zone named "PC_10.0.0.1"`, `"Local AZ", "PC_192.168.0.10"`, "PC_<its address>"}},
		{"disaster recovery not enabled", nil, []string{
			`No availability zone named "PC_10.0.0.1"`, "enable disaster recovery first (resource nutanixdr_disaster_recovery)"}},
		{"several", []client.AvailabilityZone{local, {UUID: "a", Name: "PC_10.0.0.1"}, {UUID: "b", Name: "PC_10.0.0.1"}}, []string{
			`2 availability zones are named "PC_10.0.0.1"`, `"a", "b"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			if _, ok := findAvailabilityZone(tc.all, "PC_10.0.0.1", &diags); ok || !diags.HasError() {
				t.Fatal("expected an error")
			}
			d := diags.Errors()[0]
			if d.Summary() != "Error looking up availability zone" {
				t.Errorf("summary %q", d.Summary())
			}
			for _, w := range tc.want {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail lacks %q:\n%s", w, d.Detail())
				}
			}
		})
	}
}

func TestFlattenAvailabilityZoneDataSource(t *testing.T) {
	local := flattenAvailabilityZoneDataSource(client.AvailabilityZone{UUID: "l-1", Name: localAZName, Type: client.AvailabilityZoneLocal})
	if !local.ManagementURL.IsNull() || !local.Reachable.ValueBool() || local.Type.ValueString() != "Local" || !local.Local.IsNull() {
		t.Errorf("local %+v", local)
	}
	down := flattenAvailabilityZoneDataSource(client.AvailabilityZone{UUID: "f-1", Name: "PC_192.168.0.10",
		Type: client.AvailabilityZonePC, ManagementURL: "192.168.0.10"})
	if down.ManagementURL.ValueString() != "192.168.0.10" || down.Reachable.ValueBool() || down.ID.ValueString() != "f-1" {
		t.Errorf("remote %+v", down)
	}
}
