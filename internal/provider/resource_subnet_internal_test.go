package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

const (
	testClusterID = "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
	testVPCID     = "1c7f3e2d-4b5e-4f60-9bac-1d2e3f4a5b6c"
	testSubnetID  = "2d8a4f3e-5c6f-4a71-8cbd-2e3f4a5b6c7d"
)

// nullTimeouts is the timeouts attribute left out of a configuration.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

// strList builds a list of strings; nil gives a null list.
func strList(ss []string) types.List {
	if ss == nil {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, 0, len(ss))
	for _, s := range ss {
		elems = append(elems, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, elems)
}

// poolList builds ip_config.pools from start/end pairs; nil gives a null list.
func poolList(pairs [][2]string) types.List {
	typ := types.ObjectType{AttrTypes: subnetPoolAttrTypes}
	if pairs == nil {
		return types.ListNull(typ)
	}
	elems := make([]attr.Value, 0, len(pairs))
	for _, p := range pairs {
		elems = append(elems, types.ObjectValueMust(subnetPoolAttrTypes, map[string]attr.Value{
			"start": types.StringValue(p[0]), "end": types.StringValue(p[1]),
		}))
	}
	return types.ListValueMust(typ, elems)
}

// dhcpObject builds ip_config.dhcp.
func dhcpObject(dns []string, domain types.String, search []string) types.Object {
	return types.ObjectValueMust(subnetDHCPAttrTypes, map[string]attr.Value{
		"dns_servers": strList(dns), "domain_name": domain, "domain_search": strList(search),
	})
}

// ipConfigObject builds ip_config.
func ipConfigObject(cidr string, gw types.String, pools types.List, dhcp types.Object) types.Object {
	return types.ObjectValueMust(subnetIPConfigAttrTypes, map[string]attr.Value{
		"cidr": types.StringValue(cidr), "gateway_ip": gw, "pools": pools, "dhcp": dhcp,
	})
}

// noNATExternalSubnet is the uplink of the no-NAT pattern.
func noNATExternalSubnet() subnetModel {
	return subnetModel{
		ID:          types.StringUnknown(),
		Name:        types.StringValue("ext-nonat"),
		Description: types.StringValue(""),
		Type:        types.StringValue(client.SubnetTypeVLAN),
		ClusterID:   types.StringValue(testClusterID),
		VLANID:      types.Int64Value(0),
		IsExternal:  types.BoolValue(true),
		EnableNAT:   types.BoolValue(false),
		VPCID:       types.StringNull(),
		IPConfig: ipConfigObject("10.10.0.0/24", types.StringValue("10.10.0.1"),
			poolList([][2]string{{"10.10.0.100", "10.10.0.200"}}), types.ObjectNull(subnetDHCPAttrTypes)),
		Timeouts: nullTimeouts(),
	}
}

// overlaySubnet is the overlay subnet of the no-NAT pattern.
func overlaySubnet() subnetModel {
	return subnetModel{
		ID:          types.StringUnknown(),
		Name:        types.StringValue("vpc-a-172-30-1"),
		Description: types.StringValue("web tier"),
		Type:        types.StringValue(client.SubnetTypeOverlay),
		ClusterID:   types.StringNull(),
		VLANID:      types.Int64Null(),
		IsExternal:  types.BoolValue(false),
		EnableNAT:   types.BoolNull(),
		VPCID:       types.StringValue(testVPCID),
		IPConfig: ipConfigObject("172.30.1.0/24", types.StringValue("172.30.1.1"),
			poolList([][2]string{{"172.30.1.10", "172.30.1.99"}, {"172.30.1.150", "172.30.1.199"}}),
			dhcpObject([]string{"10.10.0.53", "10.10.0.54"}, types.StringValue("tokyo.example.com"), []string{"example.com"})),
		Timeouts: nullTimeouts(),
	}
}

// apiSubnetFrom is what Prism Central returns for spec, as the client reads it: pools come
// back as "first-last", and an unset enable_nat of an external subnet reads as its default.
func apiSubnetFrom(spec client.SubnetSpec, defaultNAT *bool) *client.Subnet {
	out := &client.Subnet{
		UUID: testSubnetID, Name: spec.Name, Description: spec.Description, SubnetType: spec.SubnetType,
		ClusterUUID: spec.ClusterUUID, VLANID: spec.VLANID, VPCUUID: spec.VPCUUID, EnableNAT: spec.EnableNAT,
	}
	if spec.SubnetType == client.SubnetTypeOverlay {
		out.ClusterUUID = testClusterID // Prism Central names the cluster of overlay subnets too.
	}
	if spec.IsExternal != nil {
		out.IsExternal = *spec.IsExternal
	}
	if out.EnableNAT == nil && out.IsExternal {
		out.EnableNAT = defaultNAT
	}
	if ip := spec.IPConfig; ip != nil {
		cp := *ip
		cp.Pools = nil
		for _, p := range ip.Pools {
			first, last, _ := client.SplitPool(p)
			cp.Pools = append(cp.Pools, first+"-"+last)
		}
		out.IPConfig = &cp
		out.CIDR, out.GatewayIP = ip.CIDR, ip.GatewayIP
	}
	return out
}

// checkSameSubnet fails the test for every attribute where got differs from want.
func checkSameSubnet(t *testing.T, got, want subnetModel) {
	t.Helper()
	for _, f := range []struct {
		name      string
		got, want attr.Value
	}{
		{"name", got.Name, want.Name}, {"description", got.Description, want.Description},
		{"type", got.Type, want.Type}, {"cluster_id", got.ClusterID, want.ClusterID}, {"vlan_id", got.VLANID, want.VLANID},
		{"is_external", got.IsExternal, want.IsExternal}, {"enable_nat", got.EnableNAT, want.EnableNAT},
		{"vpc_id", got.VPCID, want.VPCID}, {"ip_config", got.IPConfig, want.IPConfig},
	} {
		if !f.got.Equal(f.want) {
			t.Errorf("%s = %s, want %s", f.name, f.got, f.want)
		}
	}
}

func mustNoDiags(t *testing.T, diags diag.Diagnostics) {
	t.Helper()
	if diags.HasError() {
		t.Fatal(diags)
	}
}

func TestExpandSubnet_sendsFalse(t *testing.T) {
	ctx := context.Background()
	spec, diags := expandSubnet(ctx, noNATExternalSubnet())
	mustNoDiags(t, diags)
	if spec.EnableNAT == nil || *spec.EnableNAT {
		t.Errorf("EnableNAT = %v, want a pointer to false", spec.EnableNAT)
	}
	if spec.IsExternal == nil || !*spec.IsExternal {
		t.Errorf("IsExternal = %v, want a pointer to true", spec.IsExternal)
	}
	if spec.VLANID == nil || *spec.VLANID != 0 {
		t.Errorf("VLANID = %v, want a pointer to 0 (VLAN 0 is a VLAN)", spec.VLANID)
	}
	if spec.IPConfig == nil || spec.IPConfig.CIDR != "10.10.0.0/24" || !slices.Equal(spec.IPConfig.Pools, []string{"10.10.0.100-10.10.0.200"}) {
		t.Errorf("IPConfig = %+v", spec.IPConfig)
	}

	overlay, diags := expandSubnet(ctx, overlaySubnet())
	mustNoDiags(t, diags)
	if overlay.IsExternal != nil || overlay.EnableNAT != nil || overlay.VLANID != nil || overlay.ClusterUUID != "" {
		t.Errorf("an overlay spec carries VLAN settings: %+v", overlay)
	}
	if overlay.VPCUUID != testVPCID || !slices.Equal(overlay.IPConfig.DNSServers, []string{"10.10.0.53", "10.10.0.54"}) ||
		overlay.IPConfig.DomainName != "tokyo.example.com" || !slices.Equal(overlay.IPConfig.DomainSearch, []string{"example.com"}) {
		t.Errorf("overlay spec = %+v, ip_config %+v", overlay, overlay.IPConfig)
	}
}

func TestSubnetRoundTrip(t *testing.T) {
	ctx := context.Background()
	nat := true
	for name, m := range map[string]subnetModel{
		"no-NAT external": noNATExternalSubnet(),
		"overlay":         overlaySubnet(),
	} {
		t.Run(name, func(t *testing.T) {
			spec, diags := expandSubnet(ctx, m)
			mustNoDiags(t, diags)
			got, diags := flattenSubnetResource(ctx, apiSubnetFrom(spec, &nat), m, false)
			mustNoDiags(t, diags)
			if got.ID.ValueString() != testSubnetID {
				t.Errorf("id = %s", got.ID)
			}
			checkSameSubnet(t, got, m)

			// An import reads the same subnet back with nothing known but its id.
			imported := subnetModel{ID: types.StringValue(testSubnetID), Timeouts: nullTimeouts(),
				IPConfig: types.ObjectNull(subnetIPConfigAttrTypes)}
			got, diags = flattenSubnetResource(ctx, apiSubnetFrom(spec, &nat), imported, true)
			mustNoDiags(t, diags)
			checkSameSubnet(t, got, m)
		})
	}
}

func TestFlattenSubnet_nullStaysNull(t *testing.T) {
	ctx := context.Background()
	m := noNATExternalSubnet()
	m.EnableNAT = types.BoolNull()
	m.IPConfig = ipConfigObject("10.10.0.0/24", types.StringNull(), poolList(nil), types.ObjectNull(subnetDHCPAttrTypes))
	spec, diags := expandSubnet(ctx, m)
	mustNoDiags(t, diags)
	if spec.EnableNAT != nil {
		t.Fatalf("an unset enable_nat is sent as %v", *spec.EnableNAT)
	}
	nat := true
	got, diags := flattenSubnetResource(ctx, apiSubnetFrom(spec, &nat), m, false)
	mustNoDiags(t, diags)
	checkSameSubnet(t, got, m)

	// An import takes the default Prism Central reports.
	imported := subnetModel{ID: types.StringValue(testSubnetID), IPConfig: types.ObjectNull(subnetIPConfigAttrTypes)}
	got, diags = flattenSubnetResource(ctx, apiSubnetFrom(spec, &nat), imported, true)
	mustNoDiags(t, diags)
	if !got.EnableNAT.Equal(types.BoolValue(true)) {
		t.Errorf("imported enable_nat = %s, want true", got.EnableNAT)
	}

	// An enable_nat changed outside Terraform shows as a diff when the configuration sets it.
	m = noNATExternalSubnet()
	api := apiSubnetFrom(client.SubnetSpec{Name: "ext-nonat", SubnetType: client.SubnetTypeVLAN,
		ClusterUUID: testClusterID, VLANID: m.VLANID.ValueInt64Pointer(), IsExternal: new(true), EnableNAT: new(true)}, nil)
	got, diags = flattenSubnetResource(ctx, api, m, false)
	mustNoDiags(t, diags)
	if !got.EnableNAT.Equal(types.BoolValue(true)) {
		t.Errorf("enable_nat changed out of band = %s, want true", got.EnableNAT)
	}
	if !got.IPConfig.IsNull() {
		t.Errorf("ip_config removed out of band = %s, want null", got.IPConfig)
	}
}

func TestFlattenSubnet_emptyListsStayEmpty(t *testing.T) {
	ctx := context.Background()
	m := overlaySubnet()
	m.IPConfig = ipConfigObject("172.30.1.0/24", types.StringValue("172.30.1.1"), poolList([][2]string{}),
		dhcpObject([]string{}, types.StringValue(""), nil))
	spec, diags := expandSubnet(ctx, m)
	mustNoDiags(t, diags)
	got, diags := flattenSubnetResource(ctx, apiSubnetFrom(spec, nil), m, false)
	mustNoDiags(t, diags)
	checkSameSubnet(t, got, m)
}

func TestValidateSubnet(t *testing.T) {
	ctx := context.Background()
	with := func(base subnetModel, edit func(*subnetModel)) subnetModel {
		edit(&base)
		return base
	}
	for _, tc := range []struct {
		name string
		m    subnetModel
		want []string // Fragments of the details, one per expected error.
	}{
		{"no-NAT external subnet", noNATExternalSubnet(), nil},
		{"overlay subnet", overlaySubnet(), nil},
		{"VLAN without cluster and VLAN", with(noNATExternalSubnet(), func(m *subnetModel) {
			m.ClusterID, m.VLANID = types.StringNull(), types.Int64Null()
		}), []string{`cluster_id is required with type = "VLAN"`, `vlan_id is required with type = "VLAN"`}},
		{"VLAN with a VPC", with(noNATExternalSubnet(), func(m *subnetModel) { m.VPCID = types.StringValue(testVPCID) }),
			[]string{`vpc_id is only allowed with type = "OVERLAY"`}},
		{"overlay with VLAN settings", with(overlaySubnet(), func(m *subnetModel) {
			m.ClusterID, m.VLANID, m.IsExternal = types.StringValue(testClusterID), types.Int64Value(5), types.BoolValue(true)
		}), []string{`cluster_id is only allowed with type = "VLAN"`, `vlan_id is only allowed with type = "VLAN"`,
			`is_external = true is only allowed with type = "VLAN"`}},
		{"overlay without VPC, ip_config", with(overlaySubnet(), func(m *subnetModel) {
			m.VPCID, m.IPConfig = types.StringNull(), types.ObjectNull(subnetIPConfigAttrTypes)
		}), []string{`vpc_id is required with type = "OVERLAY"`, `ip_config is required with type = "OVERLAY"`}},
		{"overlay without gateway", with(overlaySubnet(), func(m *subnetModel) {
			m.IPConfig = ipConfigObject("172.30.1.0/24", types.StringNull(), poolList(nil), types.ObjectNull(subnetDHCPAttrTypes))
		}), []string{`ip_config.gateway_ip is required for overlay and external subnets`}},
		{"external without ip_config", with(noNATExternalSubnet(), func(m *subnetModel) {
			m.IPConfig = types.ObjectNull(subnetIPConfigAttrTypes)
		}), []string{"ip_config is required with is_external = true"}},
		{"external without gateway", with(noNATExternalSubnet(), func(m *subnetModel) {
			m.IPConfig = ipConfigObject("10.10.0.0/24", types.StringNull(), poolList(nil), types.ObjectNull(subnetDHCPAttrTypes))
		}), []string{"ip_config.gateway_ip is required for overlay and external subnets"}},
		{"internal VLAN without ip_config", with(noNATExternalSubnet(), func(m *subnetModel) {
			m.IsExternal, m.EnableNAT, m.IPConfig = types.BoolValue(false), types.BoolNull(), types.ObjectNull(subnetIPConfigAttrTypes)
		}), nil},
		{"gateway in a pool", with(overlaySubnet(), func(m *subnetModel) {
			m.IPConfig = ipConfigObject("172.30.1.0/24", types.StringValue("172.30.1.1"),
				poolList([][2]string{{"172.30.1.1", "172.30.1.9"}}), types.ObjectNull(subnetDHCPAttrTypes))
		}), []string{"ip_config.pools[0]: the pool 172.30.1.1-172.30.1.9 holds the gateway 172.30.1.1"}},
		{"NAT on an internal subnet", with(noNATExternalSubnet(), func(m *subnetModel) { m.IsExternal = types.BoolValue(false) }),
			[]string{"enable_nat is only allowed with is_external = true"}},
		{"NAT with is_external unknown", with(noNATExternalSubnet(), func(m *subnetModel) { m.IsExternal = types.BoolUnknown() }), nil},
		{"gateway outside", with(overlaySubnet(), func(m *subnetModel) {
			m.IPConfig = ipConfigObject("172.30.1.0/24", types.StringValue("172.30.2.1"), poolList(nil), types.ObjectNull(subnetDHCPAttrTypes))
		}), []string{"ip_config.gateway_ip: 172.30.2.1 is not inside the subnet's network 172.30.1.0/24"}},
		{"pools outside and overlapping", with(overlaySubnet(), func(m *subnetModel) {
			m.IPConfig = ipConfigObject("172.30.1.0/24", types.StringValue("172.30.1.1"), poolList([][2]string{
				{"172.30.1.10", "172.30.1.50"}, {"172.30.1.200", "172.30.2.5"}, {"172.30.1.40", "172.30.1.60"},
			}), types.ObjectNull(subnetDHCPAttrTypes))
		}), []string{"ip_config.pools[1]: the pool 172.30.1.200-172.30.2.5 is not inside",
			"ip_config.pools[2] (172.30.1.40-172.30.1.60) overlaps ip_config.pools[0] (172.30.1.10-172.30.1.50)"}},
		{"unknown type and network", with(overlaySubnet(), func(m *subnetModel) {
			m.Type = types.StringUnknown()
			m.IPConfig = types.ObjectUnknown(subnetIPConfigAttrTypes)
		}), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := validateSubnet(ctx, tc.m)
			errs := diags.Errors()
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d: %v", len(errs), len(tc.want), errs)
			}
			for i, want := range tc.want {
				if !strings.Contains(errs[i].Detail(), want) {
					t.Errorf("error %d = %q, want it to contain %q", i, errs[i].Detail(), want)
				}
			}
		})
	}
}

func TestSubnetReplaceConditions(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		state, plan types.Bool
		replace     bool
	}{
		{types.BoolNull(), types.BoolValue(true), false},
		{types.BoolValue(true), types.BoolNull(), false},
		{types.BoolNull(), types.BoolValue(false), true},
		{types.BoolValue(false), types.BoolNull(), true},
		{types.BoolValue(false), types.BoolValue(true), true},
		{types.BoolValue(false), types.BoolUnknown(), false},
	} {
		var resp boolplanmodifier.RequiresReplaceIfFuncResponse
		natChanged(ctx, planmodifier.BoolRequest{StateValue: tc.state, PlanValue: tc.plan}, &resp)
		if resp.RequiresReplace != tc.replace {
			t.Errorf("enable_nat %s -> %s: replace = %v, want %v", tc.state, tc.plan, resp.RequiresReplace, tc.replace)
		}
	}
	ipc := ipConfigObject("10.0.0.0/24", types.StringNull(), poolList(nil), types.ObjectNull(subnetDHCPAttrTypes))
	null := types.ObjectNull(subnetIPConfigAttrTypes)
	for _, tc := range []struct {
		state, plan types.Object
		replace     bool
	}{{ipc, null, true}, {null, ipc, false}, {ipc, ipc, false}} {
		var resp objectplanmodifier.RequiresReplaceIfFuncResponse
		ipConfigRemoved(ctx, planmodifier.ObjectRequest{StateValue: tc.state, PlanValue: tc.plan}, &resp)
		if resp.RequiresReplace != tc.replace {
			t.Errorf("ip_config %s -> %s: replace = %v, want %v", tc.state, tc.plan, resp.RequiresReplace, tc.replace)
		}
	}
}
