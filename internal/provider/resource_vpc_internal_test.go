package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// noNATVPC is the VPC of the no-NAT pattern.
func noNATVPC() vpcModel {
	return vpcModel{
		ID:                         types.StringUnknown(),
		Name:                       types.StringValue("vpc-a"),
		Description:                types.StringValue(""),
		ExternalSubnetIDs:          strList([]string{testSubnetID}),
		ExternallyRoutablePrefixes: strList([]string{"172.30.0.0/16"}),
		DNSServers:                 strList(nil),
		Timeouts:                   nullTimeouts(),
	}
}

func TestVPCRoundTrip(t *testing.T) {
	ctx := context.Background()
	for name, m := range map[string]vpcModel{
		"no-NAT":      noNATVPC(),
		"empty lists": {Name: types.StringValue("b"), Description: types.StringValue("d"), ExternalSubnetIDs: strList([]string{}), ExternallyRoutablePrefixes: strList([]string{}), DNSServers: strList([]string{"10.0.0.53"})},
		"null lists":  {Name: types.StringValue("c"), Description: types.StringValue(""), ExternalSubnetIDs: strList(nil), ExternallyRoutablePrefixes: strList(nil), DNSServers: strList(nil)},
	} {
		t.Run(name, func(t *testing.T) {
			var diags diag.Diagnostics
			v := expandVPC(ctx, m, &diags)
			mustNoDiags(t, diags)
			v.UUID = testVPCID
			got := flattenVPC(&v, m)
			if got.ID.ValueString() != testVPCID {
				t.Errorf("id = %s", got.ID)
			}
			for _, f := range []struct {
				name      string
				got, want attr.Value
			}{
				{"name", got.Name, m.Name}, {"description", got.Description, m.Description},
				{"external_subnet_ids", got.ExternalSubnetIDs, m.ExternalSubnetIDs},
				{"externally_routable_prefixes", got.ExternallyRoutablePrefixes, m.ExternallyRoutablePrefixes},
				{"dns_servers", got.DNSServers, m.DNSServers},
			} {
				if !f.got.Equal(f.want) {
					t.Errorf("%s = %s, want %s", f.name, f.got, f.want)
				}
			}
		})
	}
	v := expandVPC(ctx, noNATVPC(), new(diag.Diagnostics))
	if !slices.Equal(v.ExternallyRoutablePrefixes, []string{"172.30.0.0/16"}) || !slices.Equal(v.ExternalSubnetUUIDs, []string{testSubnetID}) {
		t.Errorf("expandVPC = %+v", v)
	}
}

func TestValidateVPC(t *testing.T) {
	ctx := context.Background()
	m := noNATVPC()
	if diags := validateVPC(ctx, m); diags.HasError() {
		t.Fatal(diags)
	}
	m.ExternallyRoutablePrefixes = strList([]string{"10.1.0.0/16", "172.30.0.0/16", "172.30.8.0/24", "10.1.0.0/16"})
	errs := validateVPC(ctx, m).Errors()
	if len(errs) != 1 || !strings.Contains(errs[0].Detail(),
		"externally_routable_prefixes[2] (172.30.8.0/24) overlaps externally_routable_prefixes[1] (172.30.0.0/16)") {
		t.Errorf("errors = %v (duplicates are left to UniqueValues)", errs)
	}
	m.ExternallyRoutablePrefixes = types.ListUnknown(types.StringType)
	if diags := validateVPC(ctx, m); diags.HasError() {
		t.Errorf("unknown prefixes: %v", diags)
	}
}

// routeList builds static_routes from destination/next hop pairs; nil gives a null list.
func routeList(pairs [][2]string) types.List {
	typ := types.ObjectType{AttrTypes: vpcRouteAttrTypes}
	if pairs == nil {
		return types.ListNull(typ)
	}
	elems := make([]attr.Value, 0, len(pairs))
	for _, p := range pairs {
		elems = append(elems, types.ObjectValueMust(vpcRouteAttrTypes, map[string]attr.Value{
			"destination": types.StringValue(p[0]), "external_subnet_id": types.StringValue(p[1]),
		}))
	}
	return types.ListValueMust(typ, elems)
}

func TestRouteTableRoundTrip(t *testing.T) {
	ctx := context.Background()
	for name, m := range map[string]vpcRouteTableModel{
		"default route only": {VPCID: types.StringValue(testVPCID), StaticRoutes: routeList(nil),
			DefaultRouteExternalSubnetID: types.StringValue(testSubnetID)},
		"static routes": {VPCID: types.StringValue(testVPCID), StaticRoutes: routeList([][2]string{
			{"10.20.0.0/16", testSubnetID}, {"10.30.0.0/16", testSubnetID}}), DefaultRouteExternalSubnetID: types.StringNull()},
		"empty": {VPCID: types.StringValue(testVPCID), StaticRoutes: routeList([][2]string{}), DefaultRouteExternalSubnetID: types.StringNull()},
	} {
		t.Run(name, func(t *testing.T) {
			var diags diag.Diagnostics
			rt := expandRouteTable(ctx, m, &diags)
			mustNoDiags(t, diags)
			got, diags := flattenRouteTable(&rt, m)
			mustNoDiags(t, diags)
			if !got.StaticRoutes.Equal(m.StaticRoutes) || !got.DefaultRouteExternalSubnetID.Equal(m.DefaultRouteExternalSubnetID) ||
				got.ID.ValueString() != testVPCID {
				t.Errorf("got %+v, want %+v", got, m)
			}
		})
	}

	// A table that lists the default route among its routes, and a route through a VPN.
	m := vpcRouteTableModel{VPCID: types.StringValue(testVPCID), StaticRoutes: routeList(nil)}
	got, diags := flattenRouteTable(&client.RouteTable{VPCUUID: testVPCID, DefaultRouteExternalSubnetUUID: testSubnetID,
		StaticRoutes: []client.Route{
			{Destination: defaultRouteDestination, NextHopExternalSubnetUUID: testSubnetID},
			{Destination: "10.40.0.0/16", NextHopVPNConnectionUUID: testClusterID},
		}}, m)
	mustNoDiags(t, diags)
	var routes []vpcRouteModel
	mustNoDiags(t, got.StaticRoutes.ElementsAs(ctx, &routes, false))
	if len(routes) != 1 || routes[0].Destination.ValueString() != "10.40.0.0/16" || !routes[0].ExternalSubnetID.IsNull() {
		t.Errorf("routes = %+v, want only the VPN route, with a null external_subnet_id", routes)
	}
}

func TestValidateRouteTable(t *testing.T) {
	ctx := context.Background()
	m := vpcRouteTableModel{VPCID: types.StringValue(testVPCID), StaticRoutes: routeList([][2]string{
		{"10.20.0.0/16", testSubnetID}, {"0.0.0.0/0", testSubnetID}, {"10.20.0.0/16", testSubnetID}, {"10.30.0.0/16", testSubnetID},
	})}
	errs := validateRouteTable(ctx, m).Errors()
	if len(errs) != 2 ||
		!strings.Contains(errs[0].Detail(), "static_routes[1].destination is 0.0.0.0/0, the default route: set default_route_external_subnet_id") ||
		!strings.Contains(errs[1].Detail(), "static_routes[2].destination 10.20.0.0/16 is also static_routes[0].destination") {
		t.Errorf("errors = %v", errs)
	}
}
