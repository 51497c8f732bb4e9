package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ datasource.DataSource              = (*protectionPolicyDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*protectionPolicyDataSource)(nil)
)

// newProtectionPolicyDataSource is the constructor the provider registers.
func newProtectionPolicyDataSource() datasource.DataSource {
	return &protectionPolicyDataSource{}
}

// protectionPolicyDataSource looks a protection policy up by name: on the recovery site, the
// copy Prism Central synchronized there.
type protectionPolicyDataSource struct {
	data *providerData
}

// protectionPolicyDataSourceModel is the data source's configuration and result.
type protectionPolicyDataSourceModel struct {
	ID             types.String `tfsdk:"id"`
	Name           types.String `tfsdk:"name"`
	Description    types.String `tfsdk:"description"`
	CategoryFilter types.Object `tfsdk:"category_filter"`
	Locations      types.List   `tfsdk:"locations"`
	ProtectedVMIDs types.Set    `tfsdk:"protected_vm_ids"`
}

// Metadata returns the data source type name.
func (d *protectionPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_protection_policy"
}

// Schema describes the data source.
func (d *protectionPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a protection policy by name. Prism Central synchronizes a policy to the other " +
			"sites of its locations, so the Prism Central of the recovery site finds it too, with the availability " +
			"zones named as that Prism Central knows them: a configuration that runs on the recovery site alone (the " +
			"primary site down) can check which VMs the policy covers and where its primary location is.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact name of the protection policy.",
				Required:            true,
				Validators:          []validator.String{nonEmptyName()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the protection policy (the same on every site).",
				Computed:            true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the policy; null when it has none.",
				Computed:            true,
			},
			"category_filter": schema.SingleNestedAttribute{
				MarkdownDescription: "The categories that select the protected VMs.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"match": schema.StringAttribute{
						MarkdownDescription: "`ANY` (a VM with any of the categories) or `ALL` (a VM with all of them).",
						Computed:            true,
					},
					"categories": schema.MapAttribute{
						MarkdownDescription: "Category key to its values.",
						ElementType:         types.ListType{ElemType: types.StringType},
						Computed:            true,
					},
				},
			},
			"locations": schema.ListNestedAttribute{
				MarkdownDescription: "The policy's locations, in Prism Central's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"label": schema.StringAttribute{
							MarkdownDescription: "`location-<n>`, n counting from 1 (the API keeps no labels).",
							Computed:            true,
						},
						"availability_zone_id": schema.StringAttribute{
							MarkdownDescription: "UUID of the availability zone, as this Prism Central knows it.",
							Computed:            true,
						},
						"cluster_ids": schema.ListAttribute{
							MarkdownDescription: "UUIDs of the clusters of the location; null when it names none.",
							ElementType:         types.StringType,
							Computed:            true,
						},
						"primary": schema.BoolAttribute{
							MarkdownDescription: "Whether the location is a primary one (where the protected VMs run).",
							Computed:            true,
						},
						"mst_target_id": schema.StringAttribute{
							MarkdownDescription: "UUID of the MST store of an MST location; null otherwise.",
							Computed:            true,
						},
					},
				},
			},
			"protected_vm_ids": schema.SetAttribute{
				MarkdownDescription: "UUIDs of the VMs the policy covers now, on this Prism Central.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

// Configure receives the provider data.
func (d *protectionPolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read looks the policy up and reads the VMs it covers.
func (d *protectionPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg protectionPolicyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	finder := named[client.ProtectionPolicy]{
		kind:       kindProtectionPolicy,
		list:       d.data.client.ListProtectionPolicies,
		filterAttr: "name",
		nameOf:     func(r client.ProtectionPolicy) string { return r.Name },
		idOf:       func(r client.ProtectionPolicy) string { return r.UUID },
		narrowHint: "Rename the protection policies so that their names are unique.",
	}
	rule, ok := finder.lookup(ctx, cfg.Name.ValueString(), nil, &resp.Diagnostics)
	if !ok {
		return
	}
	full, diags := flattenProtectionPolicy(ctx, &rule, nil, nil)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	out := protectionPolicyDataSourceModel{
		ID:             full.ID,
		Name:           full.Name,
		Description:    full.Description,
		CategoryFilter: full.CategoryFilter,
		Locations:      full.Locations,
		ProtectedVMIDs: policyVMs(ctx, d.data.client, rule.UUID, &resp.Diagnostics),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}
