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
	_ datasource.DataSource              = (*clusterDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*clusterDataSource)(nil)
)

// newClusterDataSource is the constructor the provider registers.
func newClusterDataSource() datasource.DataSource {
	return &clusterDataSource{}
}

// clusterDataSource looks an AOS cluster up by name.
type clusterDataSource struct {
	data *providerData
}

// clusterDataSourceModel is the data source's configuration and result.
type clusterDataSourceModel struct {
	ID   types.String `tfsdk:"id"`
	Name types.String `tfsdk:"name"`
}

// Metadata returns the data source type name.
func (d *clusterDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster"
}

// Schema describes the data source.
func (d *clusterDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up an AOS cluster registered with Prism Central by name, for the cluster ids of " +
			"protection policies and recovery plans. Prism Central's own entry in the cluster list is never returned.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact name of the cluster, e.g. `CA01`.",
				Required:            true,
				Validators:          []validator.String{nonEmptyName()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the cluster.",
				Computed:            true,
			},
		},
	}
}

// Configure receives the provider data.
func (d *clusterDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read looks the cluster up.
func (d *clusterDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg clusterDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	finder := named[client.Cluster]{
		kind:       "cluster",
		list:       d.data.client.ListClusters,
		filterAttr: "name",
		nameOf:     func(c client.Cluster) string { return c.Name },
		idOf:       func(c client.Cluster) string { return c.UUID },
		keep:       func(c client.Cluster) bool { return !c.IsPrismCentral },
		narrowHint: "Rename the clusters so that their names are unique.",
	}
	cluster, ok := finder.lookup(ctx, cfg.Name.ValueString(), nil, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenCluster(cluster))...)
}

// flattenCluster builds the model from the API cluster.
func flattenCluster(c client.Cluster) clusterDataSourceModel {
	return clusterDataSourceModel{
		ID:   types.StringValue(c.UUID),
		Name: types.StringValue(c.Name),
	}
}
