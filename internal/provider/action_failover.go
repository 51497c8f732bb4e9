package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ action.Action                   = (*failoverAction)(nil)
	_ action.ActionWithConfigure      = (*failoverAction)(nil)
	_ action.ActionWithValidateConfig = (*failoverAction)(nil)
)

// newFailoverAction is the constructor the provider registers.
func newFailoverAction() action.Action {
	return &failoverAction{}
}

// failoverAction runs a recovery plan job when invoked (Terraform 1.14 and later:
// `terraform apply -invoke=action.nutanixdr_failover.<name>`), and reports its progress as it
// runs. It records nothing in the state.
type failoverAction struct {
	data *providerData
}

// failoverActionModel is the action's configuration.
type failoverActionModel struct {
	RecoveryPlanID        types.String         `tfsdk:"recovery_plan_id"`
	Type                  types.String         `tfsdk:"type"`
	From                  types.String         `tfsdk:"from_availability_zone_id"`
	To                    types.String         `tfsdk:"to_availability_zone_id"`
	FromClusterIDs        types.Set            `tfsdk:"from_cluster_ids"`
	ToClusterIDs          types.Set            `tfsdk:"to_cluster_ids"`
	RecoveryReferenceTime timetypes.RFC3339    `tfsdk:"recovery_reference_time"`
	IgnoreWarnings        types.Bool           `tfsdk:"ignore_warnings"`
	Timeout               timetypes.GoDuration `tfsdk:"timeout"`
}

// Metadata returns the action type name.
func (a *failoverAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_failover"
}

// Schema describes the action.
func (a *failoverAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs a failover of a recovery plan (a recovery plan job) and waits for it, reporting " +
			"progress as its steps complete: a planned, unplanned, test or live failover, or a validation of the plan. " +
			"Invoke it with `terraform apply -invoke=action.nutanixdr_failover.<name>` (Terraform 1.14 and later; " +
			"OpenTofu has no actions: use the `nutanixdr_failover` resource there). Nothing is recorded in the state; " +
			"a job that fails fails the invocation with the validation errors and failed steps Prism Central reported.\n\n" +
			"Use the provider configuration (alias) of the **recovery** site's Prism Central, the one of " +
			"`to_availability_zone_id`: recovery plan jobs run there. Undo a test failover with " +
			"`nutanixdr_failover_cleanup`.",
		Attributes: map[string]schema.Attribute{
			"recovery_plan_id": schema.StringAttribute{
				MarkdownDescription: descRecoveryPlanID,
				Required:            true,
				Validators:          []validator.String{uuidString()},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: descType,
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(failoverTypes...)},
			},
			"from_availability_zone_id": schema.StringAttribute{
				MarkdownDescription: descFromAZ,
				Optional:            true,
				Validators:          []validator.String{uuidString()},
			},
			"to_availability_zone_id": schema.StringAttribute{
				MarkdownDescription: descToAZ,
				Optional:            true,
				Validators:          []validator.String{uuidString()},
			},
			"from_cluster_ids": schema.SetAttribute{
				MarkdownDescription: descFromClusters,
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          clusterIDsValidators(),
			},
			"to_cluster_ids": schema.SetAttribute{
				MarkdownDescription: descToClusters,
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          clusterIDsValidators(),
			},
			"recovery_reference_time": schema.StringAttribute{
				MarkdownDescription: descReferenceTime,
				CustomType:          timetypes.RFC3339Type{},
				Optional:            true,
			},
			"ignore_warnings": schema.BoolAttribute{
				MarkdownDescription: descIgnoreWarnings,
				Optional:            true,
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: "How long to wait for the job to end, as a Go duration string. Defaults to `\"" +
					durationText(defaultFailoverTimeout) + "\"`. A job still running then keeps running in Prism Central.",
				CustomType: timetypes.GoDurationType{},
				Optional:   true,
				Validators: []validator.String{positiveDuration()},
			},
		},
	}
}

// Configure receives the provider data.
func (a *failoverAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Invoke runs the job, sends a progress message when it starts running, as each step ends and
// as the percentage moves, and fails with Prism Central's errors when the job does not complete.
func (a *failoverAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg failoverActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateFailoverArguments(cfg.arguments())...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		resp.Diagnostics.AddError(summaryUnconfiguredAction, unconfiguredActionDetail)
		return
	}
	timeout := actionTimeout(cfg.Timeout, defaultFailoverTimeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ftype := cfg.Type.ValueString()
	args := cfg.arguments()
	resp.Diagnostics.Append(resolveDirection(ctx, a.data.client, opRun, &args)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateFailoverArguments(args)...)
	in, diags := args.input(ctx, jobName(ftype, time.Now()))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	send := func(msg string) {
		tflog.Info(ctx, msg, map[string]any{"recovery_plan_id": in.RecoveryPlanUUID, "type": ftype})
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	run := runFailover(ctx, a.data.client, in, ftype, send)
	if run.addError(&resp.Diagnostics, opRun, timeout, "timeout") {
		return
	}
	addJobWarnings(&resp.Diagnostics, ftype, run.job)
	send(finishedMessage(ftype, run.job, run.vms))
}

// ValidateConfig checks the rules between arguments; values still unknown are skipped, and
// Invoke checks them again.
func (a *failoverAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg failoverActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateFailoverArguments(cfg.arguments())...)
}

// arguments returns the arguments the action shares with the resource.
func (m failoverActionModel) arguments() failoverArguments {
	return failoverArguments{
		RecoveryPlanID: m.RecoveryPlanID, Type: m.Type, From: m.From, To: m.To,
		FromClusterIDs: m.FromClusterIDs, ToClusterIDs: m.ToClusterIDs,
		RecoveryReferenceTime: m.RecoveryReferenceTime, IgnoreWarnings: m.IgnoreWarnings,
	}
}
