package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ datasource.DataSource              = (*categoryDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*categoryDataSource)(nil)
)

// newCategoryDataSource is the constructor the provider registers.
func newCategoryDataSource() datasource.DataSource {
	return &categoryDataSource{}
}

// categoryDataSource reads a category key and its values by name.
type categoryDataSource struct {
	data *providerData
}

// categoryValueAttrTypes are the attributes of an element of values.
var categoryValueAttrTypes = map[string]attr.Type{
	"id": types.StringType, "value": types.StringType, "description": types.StringType, "system_defined": types.BoolType,
}

// Metadata returns the data source type name.
func (d *categoryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_category"
}

// Schema describes the data source.
func (d *categoryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a category key by name, with its values: to reference a category this " +
			"configuration does not manage (a system-defined one such as `Environment`, or one another team owns) " +
			"in protection policies, recovery plans and `nutanixdr_vm_categories`, and to find the import IDs " +
			"(`key/value`) of `nutanixdr_category_value`.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the key, e.g. `replicated-vm`.",
				Required:            true,
				Validators:          categoryNameValidators(),
			},
			"id":             computedString("Name of the key (the import ID of `nutanixdr_category`)."),
			"description":    computedString("Description of the key (`\"\"` when none)."),
			"system_defined": computedBool("Whether Prism Central defines the key: it cannot be managed, only referenced."),
			"values": schema.ListNestedAttribute{
				MarkdownDescription: "The values of the key, sorted.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":             computedString("`key/value`, the import ID of `nutanixdr_category_value`."),
					"value":          computedString("The value."),
					"description":    computedString("Description of the value (`\"\"` when none)."),
					"system_defined": computedBool("Whether Prism Central defines the value."),
				}},
			},
		},
	}
}

// Configure receives the provider data.
func (d *categoryDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read reads the key, then lists its values (one list call per page).
func (d *categoryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var name types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, err := d.data.client.GetCategoryKey(ctx, name.ValueString())
	if errors.Is(err, client.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), errorSummary(opLookup, kindCategory),
			fmt.Sprintf("No category named %q on this Prism Central. The data source nutanixdr_categories lists "+
				"the ones it has.", name.ValueString()))
		return
	}
	if err != nil {
		addClientError(&resp.Diagnostics, opLookup, kindCategory, name.ValueString(), err)
		return
	}
	values, err := d.data.client.ListCategoryValues(ctx, key.Name)
	if err != nil {
		addClientError(&resp.Diagnostics, opLookup, kindCategory, name.ValueString(), err)
		return
	}
	slices.SortFunc(values, func(a, b client.CategoryValue) int { return compareStrings(a.Value, b.Value) })
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.ObjectValueMust(categoryValueAttrTypes, map[string]attr.Value{
			"id": types.StringValue(categoryValueID(key.Name, v.Value)), "value": types.StringValue(v.Value),
			"description": types.StringValue(v.Description), "system_defined": types.BoolValue(v.SystemDefined),
		}))
	}
	setAttributes(ctx, &resp.State, map[string]attr.Value{
		"name": types.StringValue(key.Name), "id": types.StringValue(key.Name),
		"description": types.StringValue(key.Description), "system_defined": types.BoolValue(key.SystemDefined),
		"values": types.ListValueMust(types.ObjectType{AttrTypes: categoryValueAttrTypes}, elems),
	}, &resp.Diagnostics)
}
