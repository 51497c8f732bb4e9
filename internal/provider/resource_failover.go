package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ resource.Resource                   = (*failoverResource)(nil)
	_ resource.ResourceWithConfigure      = (*failoverResource)(nil)
	_ resource.ResourceWithValidateConfig = (*failoverResource)(nil)
	_ resource.ResourceWithImportState    = (*failoverResource)(nil)
)

// newFailoverResource is the constructor the provider registers.
func newFailoverResource() resource.Resource {
	return &failoverResource{}
}

// failoverResource runs a recovery plan job when it is created, and again whenever it is
// replaced (a change of triggers or of any argument). Its state is the record of the job.
type failoverResource struct {
	data *providerData
}

// failoverModel is the resource's configuration and state.
type failoverModel struct {
	ID                    types.String         `tfsdk:"id"`
	RecoveryPlanID        types.String         `tfsdk:"recovery_plan_id"`
	Type                  types.String         `tfsdk:"type"`
	From                  types.String         `tfsdk:"from_availability_zone_id"`
	To                    types.String         `tfsdk:"to_availability_zone_id"`
	FromClusterIDs        types.Set            `tfsdk:"from_cluster_ids"`
	ToClusterIDs          types.Set            `tfsdk:"to_cluster_ids"`
	RecoveryReferenceTime timetypes.RFC3339    `tfsdk:"recovery_reference_time"`
	IgnoreWarnings        types.Bool           `tfsdk:"ignore_warnings"`
	Triggers              types.Map            `tfsdk:"triggers"`
	CleanupOnDestroy      types.Bool           `tfsdk:"cleanup_on_destroy"`
	JobID                 types.String         `tfsdk:"job_id"`
	Status                types.String         `tfsdk:"status"`
	StartedAt             timetypes.RFC3339    `tfsdk:"started_at"`
	FinishedAt            timetypes.RFC3339    `tfsdk:"finished_at"`
	Warnings              types.List           `tfsdk:"warnings"`
	Errors                types.List           `tfsdk:"errors"`
	RecoveredVMs          types.List           `tfsdk:"recovered_vms"`
	DataLossWindow        timetypes.GoDuration `tfsdk:"data_loss_window"`
	Timeouts              timeouts.Value       `tfsdk:"timeouts"`
}

// recoveredVMModel is one element of recovered_vms.
type recoveredVMModel struct {
	Name               types.String `tfsdk:"name"`
	ID                 types.String `tfsdk:"id"`
	AvailabilityZoneID types.String `tfsdk:"availability_zone_id"`
	IPAddresses        types.List   `tfsdk:"ip_addresses"`
}

// recoveredVMAttrTypes are the attribute types of recoveredVMModel.
var recoveredVMAttrTypes = map[string]attr.Type{
	"name":                 types.StringType,
	"id":                   types.StringType,
	"availability_zone_id": types.StringType,
	"ip_addresses":         types.ListType{ElemType: types.StringType},
}

// Metadata returns the resource type name.
func (r *failoverResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_failover"
}

// Schema describes the resource.
func (r *failoverResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	// The availability zones default from the plan: the job's, kept until it runs again (a
	// replacement is planned as a create, which takes them from the plan as it is then).
	keepThenReplace := []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs a failover of a recovery plan (a recovery plan job) when created, and waits for it: " +
			"a planned, unplanned, test or live failover, or a validation of the plan. The job runs again whenever the " +
			"resource is replaced: when `triggers` or any other argument changes, or after `tofu apply -replace`. " +
			"Reading the resource never runs the job again: its state is the record of the job that ran.\n\n" +
			"Put the resource on the provider configuration (alias) of the **recovery** site's Prism Central, the one " +
			"of `to_availability_zone_id`: recovery plan jobs run there, and it is the Prism Central still up when the " +
			"source site is down.\n\n" +
			"A job that fails fails the apply, with the validation errors and failed steps Prism Central reported. A job " +
			"refused at validation changed nothing and leaves nothing in the state, so that the next apply runs it again; " +
			"a job that may have changed something (it failed after validation, outran `timeouts.create`, or its outcome " +
			"is not known) is recorded as tainted, so that the next apply replaces it: the cleanup of a test failover " +
			"with `cleanup_on_destroy = true`, then a new job. Destroying the resource only forgets " +
			"the job, except for a test failover with `cleanup_on_destroy = true`, whose test VMs are then cleaned up. " +
			"A Prism Central that stops answering while the job runs (it restarts) is waited for until `timeouts.create`, " +
			"since it keeps its jobs: the job is recorded as it ends, not lost track of. " +
			"Progress (status, step, percentage) is logged while the job runs (`TF_LOG=info`). A job that ran already " +
			"(in Prism Central, or by a witness) can be imported by its UUID, to be recorded without running again. " +
			"Works on OpenTofu and Terraform; Terraform 1.14 and later can also run the `nutanixdr_failover` action.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the recovery plan job, as `job_id`.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"recovery_plan_id": schema.StringAttribute{
				MarkdownDescription: descRecoveryPlanID + " Changing it runs a new job.",
				Required:            true,
				Validators:          []validator.String{uuidString()},
				PlanModifiers:       replace,
			},
			"type": schema.StringAttribute{
				MarkdownDescription: descType + " Changing it runs a new job.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(failoverTypes...)},
				PlanModifiers:       replace,
			},
			"from_availability_zone_id": schema.StringAttribute{
				MarkdownDescription: descFromAZ + " Changing it runs a new job.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{uuidString()},
				PlanModifiers:       keepThenReplace,
			},
			"to_availability_zone_id": schema.StringAttribute{
				MarkdownDescription: descToAZ + " Changing it runs a new job.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{uuidString()},
				PlanModifiers:       keepThenReplace,
			},
			"from_cluster_ids": schema.SetAttribute{
				MarkdownDescription: descFromClusters + " Changing them runs a new job.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          clusterIDsValidators(),
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"to_cluster_ids": schema.SetAttribute{
				MarkdownDescription: descToClusters + " Changing them runs a new job.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          clusterIDsValidators(),
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"recovery_reference_time": schema.StringAttribute{
				MarkdownDescription: descReferenceTime + " Changing it runs a new job.",
				CustomType:          timetypes.RFC3339Type{},
				Optional:            true,
				PlanModifiers:       replace,
			},
			"ignore_warnings": schema.BoolAttribute{
				MarkdownDescription: descIgnoreWarnings + " Changing it runs a new job.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary map of strings: any change runs the job again (the resource is replaced). " +
					"For example `{ rehearsal = \"2025-06\" }` for a monthly test failover, or the id of a resource the " +
					"failover must follow.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"cleanup_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "Only with `type = \"" + failoverTest + "\"`: when the resource is destroyed (or " +
					"replaced, before the new test runs), clean the test failover up: its test VMs are removed, as " +
					"Prism Central's Clean-up of a test does. Defaults to `false`: destroying only forgets the job. Can " +
					"be changed without running the job again.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"job_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the recovery plan job that ran, for `nutanixdr_failover_cleanup` and the " +
					"`nutanixdr_recovery_plan_jobs` data source.",
				Computed:      true,
				PlanModifiers: keep,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Final status of the job: `" + client.JobStatusCompleted + "` or `" + client.JobStatusCompletedWithWarning +
					"` for a job that completed; for a job recorded as tainted (see above), its last known status, or null.",
				Computed:      true,
				PlanModifiers: keep,
			},
			"started_at": schema.StringAttribute{
				MarkdownDescription: "When the job started, in RFC 3339 format (Prism Central's clock).",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
				PlanModifiers:       keep,
			},
			"finished_at": schema.StringAttribute{
				MarkdownDescription: "When the job ended, in RFC 3339 format (Prism Central's clock).",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
				PlanModifiers:       keep,
			},
			"warnings": schema.ListAttribute{
				MarkdownDescription: "Warnings the job reported (validation warnings, VMs whose IP address could not be " +
					"kept, ...), in the order Prism Central gave them.",
				ElementType:   types.StringType,
				Computed:      true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"errors": schema.ListAttribute{
				MarkdownDescription: "Validation errors the job reported and ran despite (`ignore_warnings = true`); " +
					"empty otherwise.",
				ElementType:   types.StringType,
				Computed:      true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"recovered_vms": schema.ListNestedAttribute{
				MarkdownDescription: "The VMs the job recovered, on the recovery site (for a test failover, the test " +
					"clones); empty for a validation.",
				Computed:      true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{
							MarkdownDescription: "Name of the recovered VM.",
							Computed:            true,
						},
						"id": schema.StringAttribute{
							MarkdownDescription: "UUID of the recovered VM on the recovery site's Prism Central.",
							Computed:            true,
						},
						"availability_zone_id": schema.StringAttribute{
							MarkdownDescription: "UUID of the availability zone the VM was recovered in.",
							Computed:            true,
						},
						"ip_addresses": schema.ListAttribute{
							MarkdownDescription: "IP addresses of the recovered VM.",
							ElementType:         types.StringType,
							Computed:            true,
						},
					},
				},
			},
			"data_loss_window": schema.StringAttribute{
				MarkdownDescription: "Unplanned failover: the time between the recovery point the VMs were recovered from " +
					"and the failure (or `recovery_reference_time`), what was lost, as a Go duration string (`\"4m30s\"`). " +
					"`\"0s\"` for planned failovers and live migrations, which lose nothing; null for tests and validations. " +
					"When the job does not report it (a job read over the v4 API has no such field), it is worked out from the " +
					"recovery points the recovery site holds: each VM's latest point taken at the failed site on or before " +
					"`recovery_reference_time` (or the start of the job), the longest gap; an upper bound when the site went " +
					"down before the job started.",
				CustomType:    timetypes.GoDurationType{},
				Computed:      true,
				PlanModifiers: keep,
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Create: true, Delete: true,
				CreateDescription: "How long to wait for the job to end. Defaults to `\"" +
					durationText(defaultFailoverTimeout) + "\"`.",
				DeleteDescription: "How long to wait for the cleanup of a test failover (`cleanup_on_destroy`). Defaults " +
					"to `\"" + durationText(defaultCleanupTimeout) + "\"`.",
			}),
		},
	}
}

// clusterIDsValidators validate from_cluster_ids and to_cluster_ids.
func clusterIDsValidators() []validator.Set {
	return []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(uuidString())}
}

// Configure receives the provider data.
func (r *failoverResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create runs the job and waits for it. A job that does not complete fails the apply. It leaves
// nothing in the state when it did not start or stopped at validation, having changed nothing;
// a job that may have changed something (it failed after validation, ran out of time, or the
// provider lost track of it) is recorded with the error, so that the resource is tainted and
// the next apply replaces it: Delete, which cleans up a test failover with cleanup_on_destroy,
// then a new job. Forgetting it would orphan the VMs of a test failover and let the next apply
// start a second one beside the first (failoverRun.mayHaveChanged has the rule).
func (r *failoverResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan failoverModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Values unknown at plan time were skipped by ValidateConfig; they are known now.
	resp.Diagnostics.Append(validateFailoverModel(plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultFailoverTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ftype := plan.Type.ValueString()
	args := plan.arguments()
	resp.Diagnostics.Append(resolveDirection(ctx, r.data.client, opCreate, &args)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.From, plan.To = args.From, args.To
	resp.Diagnostics.Append(validateFailoverArguments(args)...)
	in, diags := args.input(ctx, jobName(ftype, time.Now()))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	run := runFailover(ctx, r.data.client, in, ftype, func(msg string) {
		tflog.Info(ctx, msg, map[string]any{"recovery_plan_id": in.RecoveryPlanUUID, "type": ftype})
	})
	if run.mayHaveChanged() {
		run.addErrorRecorded(&resp.Diagnostics, opCreate, timeout, "timeouts.create",
			taintedNote(ftype, plan.CleanupOnDestroy.ValueBool()))
		// An error with a state: the framework records the resource as tainted.
		resp.Diagnostics.Append(flattenFailedFailover(ctx, &plan, run)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	if run.addError(&resp.Diagnostics, opCreate, timeout, "timeouts.create") {
		return
	}
	resp.Diagnostics.Append(flattenFailoverJob(ctx, &plan, run.job, run.vms)...)
	addJobWarnings(&resp.Diagnostics, ftype, run.job)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read refreshes the status of the job. It never runs the job again. A job record that Prism
// Central no longer has (jobs are purged after a while) leaves the state as it is: the state is
// the history of what ran, not an object to recreate. After an import, the arguments and what
// the job recovered are read from the job.
func (r *failoverResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state failoverModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.JobID.ValueString()
	if id == "" {
		id = state.ID.ValueString()
	}
	imported := state.RecoveryPlanID.IsNull()
	job, err := r.data.client.GetRecoveryPlanJob(ctx, id)
	switch {
	case errors.Is(err, client.ErrNotFound) && imported:
		resp.Diagnostics.AddError(errorSummary(opImport, kindFailover),
			fmt.Sprintf("Prism Central has no recovery plan job %s. Import a job by its id on the Prism Central of the "+
				"provider configuration (the recovery site), e.g. from the nutanixdr_recovery_plan_jobs data source.", id))
		return
	case errors.Is(err, client.ErrNotFound):
		tflog.Debug(ctx, "recovery plan job no longer in Prism Central; keeping its record", map[string]any{"job_id": id})
		return
	case err != nil:
		addClientError(&resp.Diagnostics, opRead, "recovery plan job", id, err)
		return
	}
	if imported {
		if !job.Done() {
			resp.Diagnostics.AddError(errorSummary(opImport, kindFailover),
				fmt.Sprintf("Recovery plan job %s is %s: import it once it has ended.", id, firstOf(job.Status, "not started")))
			return
		}
		resp.Diagnostics.Append(importedFailover(ctx, &state, job)...)
		resp.Diagnostics.Append(flattenFailoverJob(ctx, &state, job, recoveredVMsOf(ctx, r.data.client, job, job.RecoveryAZUUID))...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	refreshFailoverJob(&state, job)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update stores what changes without running the job again: cleanup_on_destroy and the
// timeouts. Every other argument replaces the resource.
func (r *failoverResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state failoverModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.CleanupOnDestroy = plan.CleanupOnDestroy
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Delete cleans a test failover up when cleanup_on_destroy is set; otherwise it only forgets
// the job, since a failover cannot be undone by deleting its record (fail back with another
// failover). A job Prism Central no longer has, or a cleanup already done, counts as done.
func (r *failoverResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state failoverModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.Type.ValueString() != failoverTest || !state.CleanupOnDestroy.ValueBool() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultCleanupTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := state.JobID.ValueString()
	// A job recorded tainted may still run (it outran timeouts.create): a test is cleaned up
	// once it has ended. Its failure does not matter here: the cleanup removes what it made.
	if job, err := r.data.client.GetRecoveryPlanJob(ctx, id); err == nil && !job.Done() {
		tflog.Info(ctx, "waiting for the test failover job to end before cleaning it up", map[string]any{"job_id": id})
		if _, err := r.data.client.WaitForRecoveryPlanJob(ctx, id, nil); err != nil {
			var jobErr *client.JobError
			if !errors.As(err, &jobErr) && !errors.Is(err, client.ErrNotFound) {
				resp.Diagnostics.AddError(errorSummary(opDelete, kindFailover), cleanupErrorDetail(id, err))
				return
			}
		}
	}
	tflog.Info(ctx, "cleaning up test failover", map[string]any{"job_id": id})
	err := r.data.client.CleanupRecoveryPlanJob(ctx, id)
	if err == nil || errors.Is(err, client.ErrNotFound) {
		return
	}
	resp.Diagnostics.AddError(errorSummary(opDelete, kindFailover), cleanupErrorDetail(id, err))
}

// ImportState adopts a job that ran already, by its UUID, so that it is recorded without being
// run again: for instance a failover started in Prism Central or by a witness. Read fills the
// arguments in from the job.
func (r *failoverResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isUUID(req.ID) {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of nutanixdr_failover is the UUID of a recovery plan job, such as "+
				"\"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b\" (see the nutanixdr_recovery_plan_jobs data source); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("job_id"), req.ID)...)
}

// ValidateConfig checks, at plan time, the rules between arguments. Values still unknown are
// skipped; Create checks them again.
func (r *failoverResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg failoverModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateFailoverModel(cfg)...)
}

// validateFailoverModel checks the rules between the resource's arguments.
func validateFailoverModel(m failoverModel) diag.Diagnostics {
	diags := validateFailoverArguments(m.arguments())
	if m.CleanupOnDestroy.ValueBool() && knownString(m.Type) && m.Type.ValueString() != failoverTest {
		diags.AddAttributeError(path.Root("cleanup_on_destroy"), "Invalid failover arguments",
			fmt.Sprintf("cleanup_on_destroy removes the VMs of a test failover: it is only allowed with type = %q, "+
				"not with type = %q. A %s failover is undone by failing back (another nutanixdr_failover from the "+
				"other site), not by a cleanup.", failoverTest, m.Type.ValueString(), m.Type.ValueString()))
	}
	return diags
}

// arguments returns the arguments the resource shares with the action.
func (m failoverModel) arguments() failoverArguments {
	return failoverArguments{
		RecoveryPlanID: m.RecoveryPlanID, Type: m.Type, From: m.From, To: m.To,
		FromClusterIDs: m.FromClusterIDs, ToClusterIDs: m.ToClusterIDs,
		RecoveryReferenceTime: m.RecoveryReferenceTime, IgnoreWarnings: m.IgnoreWarnings,
	}
}

// importedFailover fills the arguments of an imported job in from the job; those the job does
// not carry (triggers, cleanup_on_destroy) take their defaults.
func importedFailover(ctx context.Context, m *failoverModel, job *client.RecoveryPlanJob) diag.Diagnostics {
	var diags diag.Diagnostics
	ftype := failoverTypeOf(job.ActionType)
	if _, ok := failoverActionTypes[ftype]; !ok {
		diags.AddError(errorSummary(opImport, kindFailover),
			fmt.Sprintf("Recovery plan job %s has action type %q, which nutanixdr_failover does not run.", job.UUID, job.ActionType))
		return diags
	}
	m.RecoveryPlanID = types.StringValue(job.RecoveryPlanUUID)
	m.Type = types.StringValue(ftype)
	m.From = types.StringValue(job.FailedAZUUID)
	m.To = types.StringValue(job.RecoveryAZUUID)
	m.FromClusterIDs = clusterSet(ctx, job.FailedClusterUUIDs, &diags)
	m.ToClusterIDs = clusterSet(ctx, job.RecoveryClusterUUIDs, &diags)
	m.RecoveryReferenceTime = timetypes.NewRFC3339Null()
	if job.RecoveryReferenceTime != nil && ftype == failoverUnplanned {
		m.RecoveryReferenceTime = timetypes.NewRFC3339TimeValue(job.RecoveryReferenceTime.UTC())
	}
	m.IgnoreWarnings = types.BoolValue(job.ContinueOnValidationFailure)
	m.CleanupOnDestroy = types.BoolValue(false)
	m.Triggers = types.MapNull(types.StringType)
	return diags
}

// clusterSet returns cluster UUIDs as a set; null for none, as when the argument is left out.
func clusterSet(ctx context.Context, ids []string, diags *diag.Diagnostics) types.Set {
	if len(ids) == 0 {
		return types.SetNull(types.StringType)
	}
	s, d := types.SetValueFrom(ctx, types.StringType, ids)
	diags.Append(d...)
	return s
}

// flattenFailoverJob fills the computed attributes of m from the job that completed and the VMs
// it recovered.
func flattenFailoverJob(ctx context.Context, m *failoverModel, job *client.RecoveryPlanJob, vms []recoveredVM) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(job.UUID)
	m.JobID = types.StringValue(job.UUID)
	refreshFailoverJob(m, job)
	m.RecoveredVMs = recoveredVMsValue(ctx, vms, &diags)
	m.DataLossWindow = timetypes.NewGoDurationNull()
	if job.DataLossWindow != nil {
		m.DataLossWindow = timetypes.NewGoDurationValue(job.DataLossWindow.Round(time.Second))
	}
	return diags
}

// flattenFailedFailover fills the computed attributes of m for a job that did not complete but
// is recorded (tainted): its UUID, and what is known of it, from the last snapshot of the job
// or from its error; the rest is null or empty. The recovered VMs are those the job reports,
// not read again: the resource is to be replaced.
func flattenFailedFailover(ctx context.Context, m *failoverModel, run failoverRun) diag.Diagnostics {
	var diags diag.Diagnostics
	id := run.knownJobID()
	m.ID = types.StringValue(id)
	m.JobID = types.StringValue(id)
	m.Status = types.StringNull()
	m.StartedAt = timetypes.NewRFC3339Null()
	m.FinishedAt = timetypes.NewRFC3339Null()
	m.Warnings = jobStringList(nil)
	m.Errors = jobStringList(nil)
	m.DataLossWindow = timetypes.NewGoDurationNull()
	var vms []recoveredVM
	if run.job != nil {
		refreshFailoverJob(m, run.job)
		vms = recoveredVMsOf(ctx, nil, run.job, run.job.RecoveryAZUUID)
		if run.job.DataLossWindow != nil {
			m.DataLossWindow = timetypes.NewGoDurationValue(run.job.DataLossWindow.Round(time.Second))
		}
	}
	var jobErr *client.JobError
	if errors.As(run.err, &jobErr) {
		if jobErr.Status != "" {
			m.Status = types.StringValue(jobErr.Status)
		}
		if run.job == nil {
			m.Warnings = jobStringList(jobErr.Warnings)
			m.Errors = jobStringList(jobErr.Errors)
		}
	}
	m.RecoveredVMs = recoveredVMsValue(ctx, vms, &diags)
	return diags
}

// refreshFailoverJob sets what Read refreshes: the status, the times and the messages of the
// job. What the job recovered stays as Create recorded it: the VMs may have moved since.
func refreshFailoverJob(m *failoverModel, job *client.RecoveryPlanJob) {
	if job.Status != "" {
		m.Status = types.StringValue(job.Status)
	}
	m.StartedAt = rfc3339Value(job.StartTime)
	m.FinishedAt = rfc3339Value(job.EndTime)
	m.Warnings = jobStringList(job.Warnings)
	m.Errors = jobStringList(job.Errors)
}

// rfc3339Value returns t in RFC 3339 format, UTC, or null for the zero time.
func rfc3339Value(t time.Time) timetypes.RFC3339 {
	if t.IsZero() {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(t.UTC())
}

// jobStringList returns the strings as a list value; an empty list (not null) for none, so that
// the attribute reads the same whether or not the API sent the field.
func jobStringList(items []string) types.List {
	elems := make([]attr.Value, 0, len(items))
	for _, s := range items {
		elems = append(elems, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, elems)
}

// recoveredVMsValue returns the recovered_vms list of vms.
func recoveredVMsValue(ctx context.Context, vms []recoveredVM, diags *diag.Diagnostics) types.List {
	elems := make([]recoveredVMModel, 0, len(vms))
	for _, vm := range vms {
		elems = append(elems, recoveredVMModel{
			Name:               types.StringValue(vm.Name),
			ID:                 types.StringValue(vm.ID),
			AvailabilityZoneID: types.StringValue(vm.AZ),
			IPAddresses:        jobStringList(vm.IPs),
		})
	}
	l, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: recoveredVMAttrTypes}, elems)
	diags.Append(d...)
	return l
}

// addJobWarnings adds a warning diagnostic for a job that completed with warnings, so that
// they show in the apply's output and not only in the state.
func addJobWarnings(diags *diag.Diagnostics, failoverType string, job *client.RecoveryPlanJob) {
	if len(job.Warnings) == 0 && len(job.Errors) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The %s failover job %s ended %s.", failoverType, job.UUID, job.Status)
	writeList(&b, "Validation errors it ran despite", job.Errors)
	writeList(&b, "Warnings", job.Warnings)
	diags.AddWarning("Failover completed with warnings", b.String())
}

// cleanupErrorDetail words a failed cleanup of a test failover.
func cleanupErrorDetail(jobID string, err error) string {
	detail := fmt.Sprintf("Could not clean up test failover job %s.\n\n%s", jobID, err)
	if hint := errorHint(err); hint != "" {
		detail += "\n\n" + hint
	}
	return detail + "\n\nThe test VMs may still exist: clean the test up in Prism Central (Recovery Plans, Clean-up " +
		"test VMs) or with the nutanixdr_failover_cleanup action, then run the command again."
}
