package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ datasource.DataSource              = (*recoveryPlanJobsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*recoveryPlanJobsDataSource)(nil)
)

// kindRecoveryPlanJobs names the entity in diagnostics.
const kindRecoveryPlanJobs = "recovery plan jobs"

// newRecoveryPlanJobsDataSource is the constructor the provider registers.
func newRecoveryPlanJobsDataSource() datasource.DataSource {
	return &recoveryPlanJobsDataSource{}
}

// recoveryPlanJobsDataSource lists the jobs of a recovery plan, whoever started them: this
// provider, a person in Prism Central, or a witness.
type recoveryPlanJobsDataSource struct {
	data *providerData
}

// recoveryPlanJobsModel is the data source's configuration and result.
type recoveryPlanJobsModel struct {
	RecoveryPlanID types.String          `tfsdk:"recovery_plan_id"`
	Jobs           []recoveryPlanJobItem `tfsdk:"jobs"`
}

// recoveryPlanJobItem is one element of jobs.
type recoveryPlanJobItem struct {
	ID                 types.String      `tfsdk:"id"`
	Name               types.String      `tfsdk:"name"`
	Type               types.String      `tfsdk:"type"`
	ActionType         types.String      `tfsdk:"action_type"`
	Status             types.String      `tfsdk:"status"`
	PercentageComplete types.Int64       `tfsdk:"percentage_complete"`
	Initiator          types.String      `tfsdk:"initiator"`
	StartedAt          timetypes.RFC3339 `tfsdk:"started_at"`
	FinishedAt         timetypes.RFC3339 `tfsdk:"finished_at"`
}

// Metadata returns the data source type name.
func (d *recoveryPlanJobsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recovery_plan_jobs"
}

// Schema describes the data source.
func (d *recoveryPlanJobsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the jobs (failovers, tests, validations) of a recovery plan on the Prism Central of " +
			"the provider configuration, whoever started them: `nutanixdr_failover`, a person in Prism Central, or a " +
			"witness that failed over by itself when the primary site went down. A pipeline uses it to see that a " +
			"failover happened and how it ended. Use the provider configuration of the site the jobs ran on (the " +
			"recovery site).",
		Attributes: map[string]schema.Attribute{
			"recovery_plan_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the recovery plan whose jobs to list.",
				Required:            true,
				Validators:          []validator.String{uuidString()},
			},
			"jobs": schema.ListNestedAttribute{
				MarkdownDescription: "The jobs of the plan, newest first (by start time): `jobs[0]` is the latest.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							MarkdownDescription: "UUID of the job (`job_id` of `nutanixdr_failover`).",
							Computed:            true,
						},
						"name": schema.StringAttribute{
							MarkdownDescription: "Name of the job.",
							Computed:            true,
						},
						"type": schema.StringAttribute{
							MarkdownDescription: "Failover type, as `nutanixdr_failover` names it: `" +
								strings.Join(failoverTypes, "`, `") + "`; the action type for one the provider does not know.",
							Computed: true,
						},
						"action_type": schema.StringAttribute{
							MarkdownDescription: "Action type as the API names it: `MIGRATE`, `FAILOVER`, `TEST_FAILOVER`, " +
								"`LIVE_MIGRATE` or `VALIDATE`.",
							Computed: true,
						},
						"status": schema.StringAttribute{
							MarkdownDescription: "Status of the job: `QUEUED`, `RUNNING`, `COMPLETED`, `FAILED`, `ABORTED`, " +
								"`COMPLETED_WITH_WARNING` or `FAILED_WITH_WARNING`.",
							Computed: true,
						},
						"percentage_complete": schema.Int64Attribute{
							MarkdownDescription: "Progress of the job, 0 to 100.",
							Computed:            true,
						},
						"initiator": schema.StringAttribute{
							MarkdownDescription: "Who started the job: `" + client.JobInitiatorWitness + "` for an automatic " +
								"failover by the witness of the plan, otherwise `" + client.JobInitiatorUser + "` or the user " +
								"Prism Central names.",
							Computed: true,
						},
						"started_at": schema.StringAttribute{
							MarkdownDescription: "When the job started, in RFC 3339 format; null if it has not.",
							CustomType:          timetypes.RFC3339Type{},
							Computed:            true,
						},
						"finished_at": schema.StringAttribute{
							MarkdownDescription: "When the job ended, in RFC 3339 format; null while it runs.",
							CustomType:          timetypes.RFC3339Type{},
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

// Configure receives the provider data.
func (d *recoveryPlanJobsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read lists the jobs of the plan.
func (d *recoveryPlanJobsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg recoveryPlanJobsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planID := cfg.RecoveryPlanID.ValueString()
	jobs, err := d.data.client.ListRecoveryPlanJobsOfPlan(ctx, planID)
	if err != nil {
		addClientError(&resp.Diagnostics, opLookup, kindRecoveryPlanJobs, planID, err)
		return
	}
	cfg.Jobs = flattenRecoveryPlanJobs(jobs)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// flattenRecoveryPlanJobs returns the jobs as the data source lists them, in the given order.
func flattenRecoveryPlanJobs(jobs []client.RecoveryPlanJob) []recoveryPlanJobItem {
	out := make([]recoveryPlanJobItem, 0, len(jobs))
	for _, j := range jobs {
		item := recoveryPlanJobItem{
			ID:                 types.StringValue(j.UUID),
			Name:               types.StringValue(j.Name),
			Type:               types.StringValue(failoverTypeOf(j.ActionType)),
			ActionType:         types.StringValue(j.ActionType),
			Status:             types.StringValue(j.Status),
			PercentageComplete: types.Int64Value(int64(j.PercentageComplete)),
			Initiator:          types.StringNull(),
			StartedAt:          rfc3339Value(j.StartTime),
			FinishedAt:         rfc3339Value(j.EndTime),
		}
		if j.Initiator != "" {
			item.Initiator = types.StringValue(j.Initiator)
		}
		out = append(out, item)
	}
	return out
}
