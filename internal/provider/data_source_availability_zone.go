package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ datasource.DataSource                     = (*availabilityZoneDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*availabilityZoneDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*availabilityZoneDataSource)(nil)
)

// kindAvailabilityZone names the entity in diagnostics.
const kindAvailabilityZone = "availability zone"

// localAZName is the name Prism Central gives its Local availability zone.
const localAZName = "Local AZ"

// newAvailabilityZoneDataSource is the constructor the provider registers.
func newAvailabilityZoneDataSource() datasource.DataSource {
	return &availabilityZoneDataSource{}
}

// availabilityZoneDataSource looks up the Local availability zone, or another one by name.
type availabilityZoneDataSource struct {
	data *providerData
}

// availabilityZoneDataSourceModel is the data source's configuration and result.
type availabilityZoneDataSourceModel struct {
	Local         types.Bool   `tfsdk:"local"`
	Name          types.String `tfsdk:"name"`
	ID            types.String `tfsdk:"id"`
	Type          types.String `tfsdk:"type"`
	ManagementURL types.String `tfsdk:"management_url"`
	Reachable     types.Bool   `tfsdk:"reachable"`
}

// Metadata returns the data source type name.
func (d *availabilityZoneDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_availability_zone"
}

// Schema describes the data source.
func (d *availabilityZoneDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up an availability zone of Prism Central: its own (`local = true`), which exists " +
			"once disaster recovery is enabled (`nutanixdr_disaster_recovery`), or a paired Prism Central by name " +
			"(`PC_<address>`), for the source and target availability zones of protection policies and recovery " +
			"plans. Set exactly one of `local` and `name`.",
		Attributes: map[string]schema.Attribute{
			"local": schema.BoolAttribute{
				MarkdownDescription: "Set to `true` to look up the Local availability zone (this Prism Central). " +
					"Conflicts with `name`.",
				Optional:   true,
				Validators: []validator.Bool{boolvalidator.Equals(true)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact name of the availability zone, e.g. `PC_192.168.0.10` for a paired Prism " +
					"Central. Conflicts with `local`; filled in when `local = true`.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{nonEmptyName()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the availability zone.",
				Computed:            true,
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Management plane of the availability zone: `" + client.AvailabilityZoneLocal + "` (this Prism " +
					"Central), `" + client.AvailabilityZonePC + "` (a paired on-premises Prism Central) or `" + client.AvailabilityZoneXi + "` (Nutanix " +
					"hosted cloud).",
				Computed: true,
			},
			"management_url": schema.StringAttribute{
				MarkdownDescription: "Address of the management plane of the availability zone as Prism Central reports " +
					"it: the paired Prism Central (or Xi portal), e.g. `192.168.0.10`; for the Local availability zone, " +
					"this Prism Central's own, or null when it reports none.",
				Computed: true,
			},
			"reachable": schema.BoolAttribute{
				MarkdownDescription: "Whether Prism Central can currently reach the availability zone's management plane; " +
					"`false` while the paired site is down. Always `true` for the Local availability zone.",
				Computed: true,
			},
		},
	}
}

// ConfigValidators requires exactly one of local and name.
func (d *availabilityZoneDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("local"), path.MatchRoot("name")),
	}
}

// Configure receives the provider data.
func (d *availabilityZoneDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read looks the availability zone up.
func (d *availabilityZoneDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg availabilityZoneDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var az *client.AvailabilityZone
	if cfg.Local.ValueBool() {
		local, err := d.data.client.LocalAvailabilityZone(ctx)
		if errors.Is(err, client.ErrNotFound) {
			resp.Diagnostics.AddAttributeError(path.Root("local"), errorSummary(opLookup, kindAvailabilityZone),
				drNotEnabledDetail())
			return
		}
		if err != nil {
			addClientError(&resp.Diagnostics, opLookup, kindAvailabilityZone, localAZName, err)
			return
		}
		az = local
	} else {
		name := cfg.Name.ValueString()
		all, err := d.data.client.ListAvailabilityZones(ctx, "")
		if err != nil {
			addClientError(&resp.Diagnostics, opLookup, kindAvailabilityZone, name, err)
			return
		}
		found, ok := findAvailabilityZone(all, name, &resp.Diagnostics)
		if !ok {
			return
		}
		az = &found
	}
	out := flattenAvailabilityZoneDataSource(*az)
	out.Local = cfg.Local
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}

// findAvailabilityZone returns the one availability zone of all named name. With no match, the
// error lists the names that exist, and says to enable disaster recovery when there is not even
// a Local availability zone.
func findAvailabilityZone(all []client.AvailabilityZone, name string, diags *diag.Diagnostics) (client.AvailabilityZone, bool) {
	var matches []client.AvailabilityZone
	names := make([]string, 0, len(all))
	hasLocal := false
	for _, az := range all {
		names = append(names, az.Name)
		hasLocal = hasLocal || az.Type == client.AvailabilityZoneLocal
		if az.Name == name {
			matches = append(matches, az)
		}
	}
	switch {
	case len(matches) == 1:
		return matches[0], true
	case len(matches) == 0 && !hasLocal:
		diags.AddAttributeError(path.Root("name"), errorSummary(opLookup, kindAvailabilityZone),
			fmt.Sprintf("No availability zone named %q on this Prism Central. %s", name, drNotEnabledDetail()))
	case len(matches) == 0:
		diags.AddAttributeError(path.Root("name"), errorSummary(opLookup, kindAvailabilityZone),
			fmt.Sprintf("No availability zone named %q on this Prism Central. The availability zones it has: %s. "+
				"A paired Prism Central is named PC_<its address>; pair it with a nutanixdr_availability_zone "+
				"resource, or use local = true for this Prism Central.", name, listNames(names)))
	default:
		ids := make([]string, 0, len(matches))
		for _, az := range matches {
			ids = append(ids, az.UUID)
		}
		diags.AddAttributeError(path.Root("name"), errorSummary(opLookup, kindAvailabilityZone),
			fmt.Sprintf("%d availability zones are named %q on this Prism Central (ids %s); a data source needs "+
				"exactly one.", len(matches), name, listNames(ids)))
	}
	return client.AvailabilityZone{}, false
}

// flattenAvailabilityZoneDataSource builds the data source's result from the API availability
// zone; local is left to the caller, since it is an argument.
func flattenAvailabilityZoneDataSource(az client.AvailabilityZone) availabilityZoneDataSourceModel {
	m := availabilityZoneDataSourceModel{
		Local:         types.BoolNull(),
		Name:          types.StringValue(az.Name),
		ID:            types.StringValue(az.UUID),
		Type:          types.StringValue(az.Type),
		ManagementURL: types.StringNull(),
		Reachable:     types.BoolValue(az.Reachable || az.Type == client.AvailabilityZoneLocal),
	}
	if az.ManagementURL != "" {
		m.ManagementURL = types.StringValue(az.ManagementURL)
	}
	return m
}
