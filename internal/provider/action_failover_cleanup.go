package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ action.Action              = (*failoverCleanupAction)(nil)
	_ action.ActionWithConfigure = (*failoverCleanupAction)(nil)
)

// newFailoverCleanupAction is the constructor the provider registers.
func newFailoverCleanupAction() action.Action {
	return &failoverCleanupAction{}
}

// failoverCleanupAction cleans a test failover up: the clones it made are removed.
type failoverCleanupAction struct {
	data *providerData
}

// failoverCleanupActionModel is the action's configuration.
type failoverCleanupActionModel struct {
	JobID   types.String         `tfsdk:"job_id"`
	Timeout timetypes.GoDuration `tfsdk:"timeout"`
}

// Metadata returns the action type name.
func (a *failoverCleanupAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_failover_cleanup"
}

// Schema describes the action.
func (a *failoverCleanupAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Cleans a test failover up, as Prism Central's Clean-up of a test does: the test VMs the " +
			"job created are removed, production is untouched. Invoke it with " +
			"`terraform apply -invoke=action.nutanixdr_failover_cleanup.<name>` (Terraform 1.14 and later; on OpenTofu " +
			"use `cleanup_on_destroy` of the `nutanixdr_failover` resource). Use the provider configuration of the " +
			"Prism Central the test ran on (the recovery site).",
		Attributes: map[string]schema.Attribute{
			"job_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the test failover job (`type = \"" + failoverTest + "\"`) to clean up: the " +
					"`job_id` of a `nutanixdr_failover` resource, or one listed by the `nutanixdr_recovery_plan_jobs` " +
					"data source.",
				Required:   true,
				Validators: []validator.String{uuidString()},
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: "How long to wait for the cleanup, as a Go duration string. Defaults to `\"" +
					durationText(defaultCleanupTimeout) + "\"`.",
				CustomType: timetypes.GoDurationType{},
				Optional:   true,
				Validators: []validator.String{positiveDuration()},
			},
		},
	}
}

// Configure receives the provider data.
func (a *failoverCleanupAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Invoke checks that the job is a test failover, then cleans it up and waits for the cleanup.
func (a *failoverCleanupAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg failoverCleanupActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		resp.Diagnostics.AddError(summaryUnconfiguredAction, unconfiguredActionDetail)
		return
	}
	timeout := actionTimeout(cfg.Timeout, defaultCleanupTimeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	send := func(msg string) {
		tflog.Info(ctx, msg, map[string]any{"job_id": cfg.JobID.ValueString()})
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}

	id := cfg.JobID.ValueString()
	job, err := a.data.client.GetRecoveryPlanJob(ctx, id)
	if errors.Is(err, client.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("job_id"), summaryCleanup,
			fmt.Sprintf("Prism Central has no recovery plan job %s. Check job_id: it must be the id of a test failover "+
				"job on the Prism Central of the provider configuration (the recovery site), e.g. from the "+
				"nutanixdr_recovery_plan_jobs data source.", id))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(summaryCleanup, clientErrorDetail(opRead, "recovery plan job", id, err))
		return
	}
	if failoverTypeOf(job.ActionType) != failoverTest {
		resp.Diagnostics.AddAttributeError(path.Root("job_id"), summaryCleanup,
			fmt.Sprintf("Recovery plan job %s is a %s job (action type %s), not a test failover: only a test failover "+
				"can be cleaned up. Undo a planned or unplanned failover by failing back.", id,
				failoverTypeOf(job.ActionType), job.ActionType))
		return
	}
	send(fmt.Sprintf("cleaning up test failover job %s", id))
	if err := a.data.client.CleanupRecoveryPlanJob(ctx, id); err != nil {
		resp.Diagnostics.AddError(summaryCleanup, cleanupErrorDetail(id, err))
		return
	}
	send(fmt.Sprintf("test failover job %s cleaned up: its test VMs are removed", id))
}
