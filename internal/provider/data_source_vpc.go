package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ datasource.DataSource              = (*vpcDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*vpcDataSource)(nil)
)

// newVPCDataSource is the constructor the provider registers.
func newVPCDataSource() datasource.DataSource {
	return &vpcDataSource{}
}

// vpcDataSource looks a VPC up by name.
type vpcDataSource struct {
	data *providerData
}

// Metadata returns the data source type name.
func (d *vpcDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vpc"
}

// Schema describes the data source.
func (d *vpcDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := vpcAttributes()
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: "Exact name of the VPC, e.g. `dr-vpc`.",
		Required:            true,
		Validators:          []validator.String{nonEmptyName()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a VPC by name: for the `vpc_id` of overlay subnets and network mappings, and for " +
			"the import ID of `nutanixdr_vpc` and `nutanixdr_vpc_route_table`.",
		Attributes: attrs,
	}
}

// Configure receives the provider data.
func (d *vpcDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read looks the VPC up: one list call per page.
func (d *vpcDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var name types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() {
		return
	}
	finder := named[client.VPC]{
		kind:       "VPC",
		list:       d.data.client.ListVPCs,
		filterAttr: "name",
		nameOf:     func(v client.VPC) string { return v.Name },
		idOf:       func(v client.VPC) string { return v.UUID },
		narrowHint: "Rename one of them, or use the data source nutanixdr_vpcs and pick by id.",
	}
	vpc, ok := finder.lookup(ctx, name.ValueString(), nil, &resp.Diagnostics)
	if !ok {
		return
	}
	setAttributes(ctx, &resp.State, flattenVPCAttributes(vpc), &resp.Diagnostics)
}

// setAttributes sets top-level attributes of a state.
func setAttributes(ctx context.Context, state *tfsdk.State, vals map[string]attr.Value, diags *diag.Diagnostics) {
	for name, v := range vals {
		diags.Append(state.SetAttribute(ctx, path.Root(name), v)...)
	}
}
