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
	_ datasource.DataSource              = (*recoveryPlanDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*recoveryPlanDataSource)(nil)
)

// newRecoveryPlanDataSource is the constructor the provider registers.
func newRecoveryPlanDataSource() datasource.DataSource {
	return &recoveryPlanDataSource{}
}

// recoveryPlanDataSource looks a recovery plan up by name: on the recovery site, the copy Prism
// Central synchronized there, which is what a failover run from that site alone needs.
type recoveryPlanDataSource struct {
	data *providerData
}

// recoveryPlanDataSourceModel is the data source's configuration and result.
type recoveryPlanDataSourceModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	Description      types.String `tfsdk:"description"`
	PrimaryLocation  types.Object `tfsdk:"primary_location"`
	RecoveryLocation types.Object `tfsdk:"recovery_location"`
	EntityCount      types.Int64  `tfsdk:"entity_count"`
	Validation       types.List   `tfsdk:"validation"`
}

// Metadata returns the data source type name.
func (d *recoveryPlanDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recovery_plan"
}

// Schema describes the data source.
func (d *recoveryPlanDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	location := func(what string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			MarkdownDescription: "The plan's " + what + " location, as this Prism Central names it.",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"availability_zone_id": schema.StringAttribute{
					MarkdownDescription: "UUID of the availability zone, as this Prism Central knows it: its Local " +
						"availability zone, or its availability zone of the paired site.",
					Computed: true,
				},
				"cluster_ids": schema.ListAttribute{
					MarkdownDescription: "UUIDs of the clusters the plan names there; null when it names none.",
					ElementType:         types.StringType,
					Computed:            true,
				},
			},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a recovery plan by name. Prism Central synchronizes a plan to the other site of " +
			"its locations, so the Prism Central of the recovery site finds it too, with the availability zones named " +
			"as that Prism Central knows them: a configuration that runs a failover from the recovery site alone (the " +
			"primary site down) finds the plan there by name and passes its `id` to `nutanixdr_failover`. `validation` " +
			"tells beforehand what would make a failover fail, such as VMs that have no recovery point at the recovery " +
			"site yet. Over the v4 API, where a plan has no validation status, reading the data source runs the plan's " +
			"`validate` action (a recovery plan job, which validates a planned failover) and deletes the job once its " +
			"validation errors are read.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact name of the recovery plan.",
				Required:            true,
				Validators:          []validator.String{nonEmptyName()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the recovery plan (the same on both sites).",
				Computed:            true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the plan; `\"\"` when it has none.",
				Computed:            true,
			},
			"primary_location":  location("primary"),
			"recovery_location": location("recovery"),
			"entity_count": schema.Int64Attribute{
				MarkdownDescription: "How many entities (VMs) the plan covers now; null when Prism Central could not " +
					"tell (a warning says why).",
				Computed: true,
			},
			"validation": schema.ListNestedAttribute{
				MarkdownDescription: "Errors and warnings Prism Central reports about the plan now, as for the " +
					"`nutanixdr_recovery_plan` resource: for instance a `RECOVERY_POINT` warning for each VM that has no " +
					"recovery point at the recovery site yet (an unplanned or test failover would fail until the " +
					"protection policy has replicated one).",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"severity": schema.StringAttribute{MarkdownDescription: "`ERROR` or `WARNING`; `\"\"` when not given.", Computed: true},
						"type":     schema.StringAttribute{MarkdownDescription: "What it is about (`ENTITY`, `NETWORK`, `RECOVERY_POINT`, ...).", Computed: true},
						"reason":   schema.StringAttribute{MarkdownDescription: "The kind of problem, as Prism Central names it.", Computed: true},
						"message":  schema.StringAttribute{MarkdownDescription: "The message.", Computed: true},
					},
				},
			},
		},
	}
}

// Configure receives the provider data.
func (d *recoveryPlanDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read looks the plan up and reads the entities it covers.
func (d *recoveryPlanDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg recoveryPlanDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	finder := named[client.RecoveryPlan]{
		kind:       kindRecoveryPlan,
		list:       d.data.client.ListRecoveryPlans,
		filterAttr: "name",
		nameOf:     func(p client.RecoveryPlan) string { return p.Name },
		idOf:       func(p client.RecoveryPlan) string { return p.UUID },
		narrowHint: "Rename the recovery plans so that their names are unique.",
	}
	recoveryPlan, ok := finder.lookup(ctx, cfg.Name.ValueString(), nil, &resp.Diagnostics)
	if !ok {
		return
	}
	// The validation as read, or asked of Prism Central where the read cannot show it (v4).
	validation, err := d.data.client.RecoveryPlanValidation(ctx, &recoveryPlan)
	if err != nil {
		addClientError(&resp.Diagnostics, opRead, kindRecoveryPlan, recoveryPlan.UUID, err)
		return
	}
	recoveryPlan.Validation = validation
	full, diags := flattenRecoveryPlan(ctx, &recoveryPlan, nil)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	out := recoveryPlanDataSourceModel{
		ID:               full.ID,
		Name:             full.Name,
		Description:      types.StringValue(recoveryPlan.Description),
		PrimaryLocation:  full.PrimaryLocation,
		RecoveryLocation: full.RecoveryLocation,
		EntityCount:      planEntityCount(ctx, d.data.client, recoveryPlan.UUID, &resp.Diagnostics),
		Validation:       full.Validation,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}
