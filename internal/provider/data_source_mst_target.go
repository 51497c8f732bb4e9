package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ datasource.DataSource              = (*mstTargetDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*mstTargetDataSource)(nil)
)

// newMSTTargetDataSource is the constructor the provider registers.
func newMSTTargetDataSource() datasource.DataSource {
	return &mstTargetDataSource{}
}

// mstTargetDataSource looks an MST recovery point store up by bucket.
type mstTargetDataSource struct {
	data *providerData
}

// mstTargetDataSourceModel is the data source's configuration and result.
type mstTargetDataSourceModel struct {
	Bucket             types.String `tfsdk:"bucket"`
	ID                 types.String `tfsdk:"id"`
	Name               types.String `tfsdk:"name"`
	Status             types.String `tfsdk:"status"`
	BucketType         types.String `tfsdk:"bucket_type"`
	Region             types.String `tfsdk:"region"`
	NetworkName        types.String `tfsdk:"network_name"`
	NetworkID          types.String `tfsdk:"network_id"`
	IPAddresses        types.List   `tfsdk:"ip_addresses"`
	RecoveryPointCount types.Int64  `tfsdk:"recovery_point_count"`
}

// Metadata returns the data source type name.
func (d *mstTargetDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mst_target"
}

// Schema describes the data source.
func (d *mstTargetDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up the MST (Multicloud Snapshot Technology) recovery point store of a bucket on the " +
			"Prism Central of the provider configuration, through the v4 API, for the `mst_target_id` of a protection " +
			"policy when MST was deployed outside this configuration (or to import a `nutanixdr_mst_target`).",
		Attributes: map[string]schema.Attribute{
			"bucket": schema.StringAttribute{
				MarkdownDescription: "Name of the bucket MST was deployed for, e.g. `nutanix-clusters-pilotlight`.",
				Required:            true,
				Validators:          []validator.String{nonEmptyName()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "extId of the recovery point store: the `mst_target_id` of `nutanixdr_protection_policy`.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the recovery point store.",
				Computed:            true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the store: `AVAILABLE`, or `REMOVING` while it is removed.",
				Computed:            true,
			},
			"bucket_type": schema.StringAttribute{
				MarkdownDescription: "Kind of bucket: `aws` (Amazon S3) or `ntx_oss` (Nutanix Objects).",
				Computed:            true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the bucket.",
				Computed:            true,
			},
			"network_name": schema.StringAttribute{
				MarkdownDescription: "Name of the subnet of the MST service VMs.",
				Computed:            true,
			},
			"network_id": schema.StringAttribute{
				MarkdownDescription: "UUID of that subnet.",
				Computed:            true,
			},
			"ip_addresses": schema.ListAttribute{
				MarkdownDescription: "Addresses of the MST service VMs.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"recovery_point_count": schema.Int64Attribute{
				MarkdownDescription: "How many recovery points the store holds.",
				Computed:            true,
			},
		},
	}
}

// Configure receives the provider data.
func (d *mstTargetDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read looks the store up.
func (d *mstTargetDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg mstTargetDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket := cfg.Bucket.ValueString()
	stores, err := d.data.client.ListRecoveryPointStores(ctx, client.StoreFilterBucket(bucket))
	if err != nil {
		addClientError(&resp.Diagnostics, opLookup, kindMSTTarget, bucket, err)
		return
	}
	var matches []client.RecoveryPointStore
	for _, s := range stores {
		if s.Bucket == bucket {
			matches = append(matches, s)
		}
	}
	switch len(matches) {
	case 1:
	case 0:
		all, err := d.data.client.ListRecoveryPointStores(ctx, "")
		if err != nil {
			addClientError(&resp.Diagnostics, opLookup, kindMSTTarget, bucket, err)
			return
		}
		buckets := make([]string, 0, len(all))
		for _, s := range all {
			buckets = append(buckets, s.Bucket)
		}
		resp.Diagnostics.AddAttributeError(path.Root("bucket"), errorSummary(opLookup, kindMSTTarget),
			fmt.Sprintf("No MST recovery point store for bucket %q on this Prism Central. The buckets it has stores "+
				"for: %s. MST is deployed per Prism Central (resource nutanixdr_mst_target): check that the provider "+
				"points at the Prism Central it was deployed on.", bucket, listNames(buckets)))
		return
	default:
		ids := make([]string, 0, len(matches))
		for _, s := range matches {
			ids = append(ids, s.ExtID)
		}
		resp.Diagnostics.AddAttributeError(path.Root("bucket"), errorSummary(opLookup, kindMSTTarget),
			fmt.Sprintf("%d recovery point stores are for bucket %q (ids %s); a data source needs exactly one.",
				len(matches), bucket, listNames(ids)))
		return
	}
	s := matches[0]
	cfg.ID = types.StringValue(s.ExtID)
	cfg.Name = types.StringValue(s.Name)
	cfg.Status = types.StringValue(s.Status)
	cfg.BucketType = types.StringValue(s.BucketType)
	cfg.Region = types.StringValue(s.Region)
	cfg.NetworkName = types.StringValue(s.NetworkName)
	cfg.NetworkID = types.StringValue(s.NetworkUUID)
	cfg.IPAddresses = mstStringList(s.IPAddresses)
	cfg.RecoveryPointCount = types.Int64Value(int64(s.RecoveryPointCount))
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
