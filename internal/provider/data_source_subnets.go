package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// newSubnetsDataSource lists subnets, filtered by name, type and VPC.
func newSubnetsDataSource() datasource.DataSource {
	return &listDataSource[client.Subnet]{spec: listSpec[client.Subnet]{
		typeSuffix: "subnets",
		kind:       "subnet",
		description: "Lists the subnets of Prism Central, filtered by name, type and VPC: for network mappings, and " +
			"for `import` blocks of `nutanixdr_subnet` with `for_each`.",
		results: "subnets",
		itemAttrs: map[string]schema.Attribute{
			"id":          computedString("UUID of the subnet (the import ID of `nutanixdr_subnet`)."),
			"name":        computedString("Name of the subnet."),
			"subnet_type": computedString("`VLAN` or `OVERLAY`."),
			"cluster_id":  computedString("UUID of the cluster of a VLAN subnet; null for overlay subnets."),
			"vlan_id":     computedInt("VLAN id of a VLAN subnet; null for overlay subnets."),
			"vpc_id":      computedString("UUID of the VPC of an overlay subnet; null for VLAN subnets."),
			"cidr":        computedString("Network and prefix length, e.g. `192.168.50.0/24`; null without IP configuration."),
			"is_external": computedBool("Whether it is an external subnet (a VPC's uplink)."),
		},
		list:   func(ctx context.Context, c *client.Client) ([]client.Subnet, error) { return c.ListSubnets(ctx, "") },
		nameOf: func(s client.Subnet) string { return s.Name },
		idOf:   func(s client.Subnet) string { return s.UUID },
		extra: map[string]listFilter[client.Subnet]{
			"subnet_type": {
				attr: schema.StringAttribute{
					MarkdownDescription: "Keep only the subnets of this type: `VLAN` or `OVERLAY`. Unset: both.",
					Optional:            true,
					Validators:          []validator.String{stringvalidator.OneOf(client.SubnetTypeVLAN, client.SubnetTypeOverlay)},
				},
				keeps: func(v attr.Value, s client.Subnet) bool {
					t, ok := v.(types.String)
					return ok && t.ValueString() == s.SubnetType
				},
			},
			"vpc_id": {
				attr: schema.StringAttribute{
					MarkdownDescription: "Keep only the overlay subnets of this VPC (UUID). Unset: every subnet.",
					Optional:            true,
				},
				keeps: func(v attr.Value, s client.Subnet) bool {
					t, ok := v.(types.String)
					return ok && t.ValueString() == s.VPCUUID
				},
			},
		},
		flatten: func(s client.Subnet) map[string]attr.Value {
			return map[string]attr.Value{
				"id": types.StringValue(s.UUID), "name": types.StringValue(s.Name),
				"subnet_type": types.StringValue(s.SubnetType),
				"cluster_id":  stringOrNull(s.ClusterUUID),
				"vlan_id":     types.Int64PointerValue(s.VLANID),
				"vpc_id":      stringOrNull(s.VPCUUID),
				"cidr":        stringOrNull(s.CIDR),
				"is_external": types.BoolValue(s.IsExternal),
			}
		},
	}}
}
