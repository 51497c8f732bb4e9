package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// newCategoriesDataSource lists category keys, filtered by name and origin.
func newCategoriesDataSource() datasource.DataSource {
	return &listDataSource[client.CategoryKey]{spec: listSpec[client.CategoryKey]{
		typeSuffix: "categories",
		kind:       kindCategory,
		description: "Lists the category keys of Prism Central, filtered by name and by origin (system-defined keys " +
			"such as `Environment` cannot be managed, only referenced): for `import` blocks of `nutanixdr_category` " +
			"with `for_each`. The values of one key are in the data source `nutanixdr_category`.",
		results: "categories",
		itemAttrs: map[string]schema.Attribute{
			"id":             computedString("Name of the key (the import ID of `nutanixdr_category`)."),
			"name":           computedString("Name of the key."),
			"description":    computedString("Description of the key (`\"\"` when none)."),
			"system_defined": computedBool("Whether Prism Central defines the key (it cannot be managed then)."),
		},
		list: func(ctx context.Context, c *client.Client) ([]client.CategoryKey, error) {
			return c.ListCategoryKeys(ctx)
		},
		nameOf: func(k client.CategoryKey) string { return k.Name },
		idOf:   func(k client.CategoryKey) string { return k.Name },
		extra: map[string]listFilter[client.CategoryKey]{
			"system_defined": {
				attr: schema.BoolAttribute{
					MarkdownDescription: "`false` to keep only user-defined keys (those that can be imported), `true` " +
						"for system-defined ones only. Unset: both.",
					Optional: true,
				},
				keeps: func(v attr.Value, k client.CategoryKey) bool {
					b, ok := v.(types.Bool)
					return ok && b.ValueBool() == k.SystemDefined
				},
			},
		},
		flatten: func(k client.CategoryKey) map[string]attr.Value {
			return map[string]attr.Value{
				"id": types.StringValue(k.Name), "name": types.StringValue(k.Name),
				"description":    types.StringValue(k.Description),
				"system_defined": types.BoolValue(k.SystemDefined),
			}
		},
	}}
}
