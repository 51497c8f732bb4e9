package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// newProtectionPoliciesDataSource lists protection policies, for import blocks with for_each
// and for references by name.
func newProtectionPoliciesDataSource() datasource.DataSource {
	return &listDataSource[client.ProtectionPolicy]{spec: listSpec[client.ProtectionPolicy]{
		typeSuffix: "protection_policies",
		kind:       kindProtectionPolicy,
		description: "Lists the protection policies of Prism Central, filtered by name and by the categories they " +
			"protect: for `import` blocks with `for_each`, and to find ids by name. Leap syncs a policy to the paired " +
			"Prism Central of its locations, so it is listed on both, with the same id: adopt it through one " +
			"provider configuration only, and refer to it elsewhere with the data source `nutanixdr_protection_policy`.",
		results: "protection_policies",
		itemAttrs: map[string]schema.Attribute{
			"id":          computedString("UUID of the policy (the import ID of `nutanixdr_protection_policy`)."),
			"name":        computedString("Name of the policy."),
			"description": computedString("Description of the policy (`\"\"` when none)."),
			"categories": schema.MapAttribute{
				MarkdownDescription: "The categories the policy protects: key to the list of its values.",
				ElementType:         types.ListType{ElemType: types.StringType},
				Computed:            true,
			},
			"availability_zone_ids": computedList("UUIDs of the availability zones of its locations, in order."),
		},
		list: func(ctx context.Context, c *client.Client) ([]client.ProtectionPolicy, error) {
			return c.ListProtectionPolicies(ctx, "")
		},
		nameOf:         func(r client.ProtectionPolicy) string { return r.Name },
		idOf:           func(r client.ProtectionPolicy) string { return r.UUID },
		categoriesOf:   func(r client.ProtectionPolicy) map[string][]string { return r.CategoryFilter.Params },
		categoriesHelp: "protect (in their category filter)",
		flatten: func(r client.ProtectionPolicy) map[string]attr.Value {
			cats := make(map[string]attr.Value, len(r.CategoryFilter.Params))
			for k, vs := range r.CategoryFilter.Params {
				vs = slices.Clone(vs)
				slices.Sort(vs)
				cats[k] = stringList(vs)
			}
			azs := make([]string, 0, len(r.Locations))
			for _, l := range r.Locations {
				azs = append(azs, l.AvailabilityZoneUUID)
			}
			return map[string]attr.Value{
				"id": types.StringValue(r.UUID), "name": types.StringValue(r.Name),
				"description":           types.StringValue(r.Description),
				"categories":            types.MapValueMust(types.ListType{ElemType: types.StringType}, cats),
				"availability_zone_ids": stringList(azs),
			}
		},
	}}
}
