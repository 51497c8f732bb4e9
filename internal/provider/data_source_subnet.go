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
	_ datasource.DataSource              = (*subnetDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*subnetDataSource)(nil)
)

// newSubnetDataSource is the constructor the provider registers.
func newSubnetDataSource() datasource.DataSource {
	return &subnetDataSource{}
}

// subnetDataSource looks a subnet up by name.
type subnetDataSource struct {
	data *providerData
}

// subnetDataSourceModel is the data source's configuration and result.
type subnetDataSourceModel struct {
	ID         types.String `tfsdk:"id"`
	Name       types.String `tfsdk:"name"`
	ClusterID  types.String `tfsdk:"cluster_id"`
	SubnetType types.String `tfsdk:"subnet_type"`
	VLANID     types.Int64  `tfsdk:"vlan_id"`
	CIDR       types.String `tfsdk:"cidr"`
	GatewayIP  types.String `tfsdk:"gateway_ip"`
	VPCID      types.String `tfsdk:"vpc_id"`
}

// Metadata returns the data source type name.
func (d *subnetDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_subnet"
}

// Schema describes the data source.
func (d *subnetDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a subnet by name, for the network mappings of recovery plans. When several " +
			"clusters have a subnet of the same name, set `cluster_id` to pick one.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact name of the subnet, e.g. `vlan50-prod`.",
				Required:            true,
				Validators:          []validator.String{nonEmptyName()},
			},
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the cluster the subnet belongs to (VLAN subnets). Set it to narrow the " +
					"search; otherwise it is filled in from the subnet found.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{uuidString()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the subnet.",
				Computed:            true,
			},
			"subnet_type": schema.StringAttribute{
				MarkdownDescription: "`VLAN` or `OVERLAY`.",
				Computed:            true,
			},
			"vlan_id": schema.Int64Attribute{
				MarkdownDescription: "VLAN id of a VLAN subnet; null for overlay subnets.",
				Computed:            true,
			},
			"cidr": schema.StringAttribute{
				MarkdownDescription: "Network address and prefix length, e.g. `192.168.50.0/24`; null when the subnet " +
					"has no IP configuration.",
				Computed: true,
			},
			"gateway_ip": schema.StringAttribute{
				MarkdownDescription: "Default gateway, e.g. `192.168.50.1`; null when the subnet has none.",
				Computed:            true,
			},
			"vpc_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the VPC of an overlay subnet; null for VLAN subnets.",
				Computed:            true,
			},
		},
	}
}

// Configure receives the provider data.
func (d *subnetDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read looks the subnet up.
func (d *subnetDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg subnetDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var match func(client.Subnet) bool
	if !cfg.ClusterID.IsNull() {
		clusterID := cfg.ClusterID.ValueString()
		match = func(s client.Subnet) bool { return s.ClusterUUID == clusterID }
	}
	finder := named[client.Subnet]{
		kind:       "subnet",
		list:       d.data.client.ListSubnets,
		filterAttr: "name",
		nameOf:     func(s client.Subnet) string { return s.Name },
		idOf:       func(s client.Subnet) string { return s.UUID },
		matchArgs:  "cluster_id",
		narrowHint: "Set cluster_id to choose the cluster whose subnet you mean.",
	}
	subnet, ok := finder.lookup(ctx, cfg.Name.ValueString(), match, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenSubnet(subnet))...)
}

// flattenSubnet builds the model from the API subnet; absent values are null, not "".
func flattenSubnet(s client.Subnet) subnetDataSourceModel {
	m := subnetDataSourceModel{
		ID:         types.StringValue(s.UUID),
		Name:       types.StringValue(s.Name),
		ClusterID:  stringOrNull(s.ClusterUUID),
		SubnetType: types.StringValue(s.SubnetType),
		VLANID:     types.Int64PointerValue(s.VLANID),
		CIDR:       stringOrNull(s.CIDR),
		GatewayIP:  stringOrNull(s.GatewayIP),
		VPCID:      stringOrNull(s.VPCUUID),
	}
	return m
}

// stringOrNull returns a null string for "", the value otherwise.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
