package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ datasource.DataSource              = (*vmDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*vmDataSource)(nil)
)

// newVMDataSource is the constructor the provider registers.
func newVMDataSource() datasource.DataSource {
	return &vmDataSource{}
}

// vmDataSource looks a VM up by name.
type vmDataSource struct {
	data *providerData
}

// vmDataSourceModel is the data source's configuration and result.
type vmDataSourceModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	ClusterID    types.String `tfsdk:"cluster_id"`
	PowerState   types.String `tfsdk:"power_state"`
	IPAddresses  types.List   `tfsdk:"ip_addresses"`
	Categories   types.Map    `tfsdk:"categories"`
	AllowMissing types.Bool   `tfsdk:"allow_missing"`
	Found        types.Bool   `tfsdk:"found"`
}

// Metadata returns the data source type name.
func (d *vmDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vm"
}

// Schema describes the data source.
func (d *vmDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a VM by name, for `nutanixdr_vm_categories` and the VM entries of recovery " +
			"plan stages. When several clusters have a VM of the same name, set `cluster_id` to pick one. A failover " +
			"moves a VM to the other site's Prism Central: with `allow_missing = true`, a VM that is not (or no " +
			"longer) on this Prism Central gives `found = false` instead of an error, so that a configuration " +
			"covering both sites looks each protected VM up on both and tags it where it runs.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact name of the VM, e.g. `app-01`.",
				Required:            true,
				Validators:          []validator.String{nonEmptyName()},
			},
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the cluster that runs the VM. Set it to narrow the search; otherwise it " +
					"is filled in from the VM found.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{uuidString()},
			},
			"allow_missing": schema.BoolAttribute{
				MarkdownDescription: "When no VM has this name on this Prism Central (it runs on the paired site " +
					"after a failover, or it is gone), succeed with `found = false` and null attributes instead of " +
					"failing. Defaults to `false`. Several VMs of the name are an error either way.",
				Optional: true,
			},
			"found": schema.BoolAttribute{
				MarkdownDescription: "Whether the VM was found; always `true` without `allow_missing`.",
				Computed:            true,
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the VM; null when it was not found.",
				Computed:            true,
			},
			"power_state": schema.StringAttribute{
				MarkdownDescription: "`ON` or `OFF`.",
				Computed:            true,
			},
			"ip_addresses": schema.ListAttribute{
				MarkdownDescription: "IP addresses of the VM's NICs, in NIC order.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"categories": schema.MapAttribute{
				MarkdownDescription: "Every category of the VM, key to value, system-defined ones included.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

// Configure receives the provider data.
func (d *vmDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read looks the VM up.
func (d *vmDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg vmDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var match func(client.VM) bool
	if !cfg.ClusterID.IsNull() {
		clusterID := cfg.ClusterID.ValueString()
		match = func(vm client.VM) bool { return vm.ClusterUUID == clusterID }
	}
	finder := named[client.VM]{
		kind:       "VM",
		list:       d.data.client.ListVMs,
		filterAttr: "vm_name",
		nameOf:     func(vm client.VM) string { return vm.Name },
		idOf:       func(vm client.VM) string { return vm.UUID },
		matchArgs:  "cluster_id",
		narrowHint: "Set cluster_id to choose the cluster, or rename the VMs so that their names are unique.",
	}
	finder.allowMissing = cfg.AllowMissing.ValueBool()
	vm, ok := finder.lookup(ctx, cfg.Name.ValueString(), match, &resp.Diagnostics)
	if !ok {
		if finder.allowMissing && !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(resp.State.Set(ctx, missingVM(cfg))...)
		}
		return
	}
	m, diags := flattenVM(vm)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.AllowMissing, m.Found = cfg.AllowMissing, types.BoolValue(true)
	if !cfg.ClusterID.IsNull() {
		m.ClusterID = cfg.ClusterID
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// missingVM is the result of a VM not found with allow_missing: the configuration, found =
// false, and null attributes.
func missingVM(cfg vmDataSourceModel) vmDataSourceModel {
	return vmDataSourceModel{
		ID:           types.StringNull(),
		Name:         cfg.Name,
		ClusterID:    cfg.ClusterID,
		PowerState:   types.StringNull(),
		IPAddresses:  types.ListNull(types.StringType),
		Categories:   types.MapNull(types.StringType),
		AllowMissing: cfg.AllowMissing,
		Found:        types.BoolValue(false),
	}
}

// flattenVM builds the model from the API VM. Lists and maps are empty, never null, so that
// expressions over them need no null checks.
func flattenVM(vm client.VM) (vmDataSourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	ips := make([]attr.Value, 0, len(vm.IPAddresses))
	for _, ip := range vm.IPAddresses {
		ips = append(ips, types.StringValue(ip))
	}
	ipList, d := types.ListValue(types.StringType, ips)
	diags.Append(d...)
	cats := make(map[string]attr.Value, len(vm.Categories))
	for k, v := range vm.Categories {
		cats[k] = types.StringValue(v)
	}
	catMap, d := types.MapValue(types.StringType, cats)
	diags.Append(d...)
	return vmDataSourceModel{
		ID:          types.StringValue(vm.UUID),
		Name:        types.StringValue(vm.Name),
		ClusterID:   stringOrNull(vm.ClusterUUID),
		PowerState:  types.StringValue(vm.PowerState),
		IPAddresses: ipList,
		Categories:  catMap,
	}, diags
}
