package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// newVPCsDataSource lists VPCs, filtered by name.
func newVPCsDataSource() datasource.DataSource {
	return &listDataSource[client.VPC]{spec: listSpec[client.VPC]{
		typeSuffix: "vpcs",
		kind:       "VPC",
		description: "Lists the VPCs of Prism Central, filtered by name: for `import` blocks of `nutanixdr_vpc` " +
			"(and `nutanixdr_vpc_route_table`, whose import ID is the VPC's id) with `for_each`.",
		results:   "vpcs",
		itemAttrs: vpcAttributes(),
		list:      func(ctx context.Context, c *client.Client) ([]client.VPC, error) { return c.ListVPCs(ctx, "") },
		nameOf:    func(v client.VPC) string { return v.Name },
		idOf:      func(v client.VPC) string { return v.UUID },
		flatten:   flattenVPCAttributes,
	}}
}

// vpcAttributes are the attributes of a VPC read by nutanixdr_vpc and nutanixdr_vpcs.
func vpcAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                           computedString("UUID of the VPC (the import ID of `nutanixdr_vpc`)."),
		"name":                         computedString("Name of the VPC."),
		"description":                  computedString("Description of the VPC (`\"\"` when none)."),
		"external_subnet_ids":          computedList("UUIDs of its external subnets."),
		"externally_routable_prefixes": computedList("Its externally routable prefixes, e.g. `172.30.0.0/16`."),
		"dns_servers":                  computedList("IPv4 addresses of its DNS servers."),
	}
}

// flattenVPCAttributes builds the attributes of vpcAttributes.
func flattenVPCAttributes(v client.VPC) map[string]attr.Value {
	return map[string]attr.Value{
		"id": types.StringValue(v.UUID), "name": types.StringValue(v.Name),
		"description":                  types.StringValue(v.Description),
		"external_subnet_ids":          stringList(v.ExternalSubnetUUIDs),
		"externally_routable_prefixes": stringList(v.ExternallyRoutablePrefixes),
		"dns_servers":                  stringList(v.DNSServers),
	}
}
