package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ resource.Resource                = (*disasterRecoveryResource)(nil)
	_ resource.ResourceWithConfigure   = (*disasterRecoveryResource)(nil)
	_ resource.ResourceWithImportState = (*disasterRecoveryResource)(nil)
)

// kindDisasterRecovery names the entity in diagnostics.
const kindDisasterRecovery = "disaster recovery"

// disasterRecoveryID is the only ID of the resource: there is one disaster recovery service
// per Prism Central.
const disasterRecoveryID = "local"

// defaultDisasterRecoveryTimeout bounds the enablement when the timeouts attribute leaves it
// unset. Enabling Leap starts services on Prism Central, which takes minutes on a real one.
const defaultDisasterRecoveryTimeout = 20 * time.Minute

// summaryDisasterRecoveryStaysEnabled is the warning Delete gives.
const summaryDisasterRecoveryStaysEnabled = "Disaster recovery stays enabled"

// newDisasterRecoveryResource is the constructor the provider registers.
func newDisasterRecoveryResource() resource.Resource {
	return &disasterRecoveryResource{}
}

// disasterRecoveryResource enables disaster recovery (Leap) on the Prism Central of the
// provider configuration.
type disasterRecoveryResource struct {
	data *providerData
}

// disasterRecoveryModel is the resource's state.
type disasterRecoveryModel struct {
	ID                      types.String   `tfsdk:"id"`
	LocalAvailabilityZoneID types.String   `tfsdk:"local_availability_zone_id"`
	Timeouts                timeouts.Value `tfsdk:"timeouts"`
}

// Metadata returns the resource type name.
func (r *disasterRecoveryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_disaster_recovery"
}

// Schema describes the resource.
func (r *disasterRecoveryResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Enables disaster recovery (Leap) on the Prism Central of the provider configuration, " +
			"which gives it its Local availability zone. Declare it once per Prism Central (per provider alias), " +
			"before pairing (`nutanixdr_availability_zone`) and protecting anything. The API has no way to disable " +
			"disaster recovery: destroying the resource only removes it from the state, with a warning.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Always `" + disasterRecoveryID + "`, also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"local_availability_zone_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the Local availability zone, which Prism Central creates when disaster " +
					"recovery is enabled.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Create: true,
				CreateDescription: "How long to wait for the enablement task. Defaults to `\"" +
					durationText(defaultDisasterRecoveryTimeout) + "\"`.",
			}),
		},
	}
}

// Configure receives the provider data.
func (r *disasterRecoveryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create enables disaster recovery and waits for the task. Enabling it where it is enabled
// already succeeds: the resource then adopts the service as it is.
func (r *disasterRecoveryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan disasterRecoveryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultDisasterRecoveryTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if err := r.data.client.EnableDisasterRecovery(ctx); err != nil {
		addClientError(&resp.Diagnostics, opCreate, kindDisasterRecovery, disasterRecoveryID, err)
		return
	}
	local, err := r.data.client.LocalAvailabilityZone(ctx)
	if errors.Is(err, client.ErrNotFound) {
		resp.Diagnostics.AddError(errorSummary(opCreate, kindDisasterRecovery),
			"Prism Central finished enabling disaster recovery but lists no Local availability zone. Check the "+
				"disaster recovery service in Prism Central (Prism Central settings, Disaster Recovery), then run the "+
				"command again.")
		return
	}
	if err != nil {
		addLocalAZError(&resp.Diagnostics, opCreate, err)
		return
	}
	plan.ID = types.StringValue(disasterRecoveryID)
	plan.LocalAvailabilityZoneID = types.StringValue(local.UUID)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read checks that the Local availability zone still exists; without it disaster recovery is
// not enabled, and the resource is removed from the state so that the next plan enables it.
func (r *disasterRecoveryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state disasterRecoveryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	local, err := r.data.client.LocalAvailabilityZone(ctx)
	if errors.Is(err, client.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addLocalAZError(&resp.Diagnostics, opRead, err)
		return
	}
	state.ID = types.StringValue(disasterRecoveryID)
	state.LocalAvailabilityZoneID = types.StringValue(local.UUID)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update only stores new timeouts: the resource has no argument, so nothing of the service can
// change, and the API has nothing to update.
func (r *disasterRecoveryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan disasterRecoveryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete leaves disaster recovery enabled, since the API cannot disable it, and says so.
func (r *disasterRecoveryResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddWarning(summaryDisasterRecoveryStaysEnabled,
		"The nutanixdr_disaster_recovery resource was removed from the state, but disaster recovery (Leap) is "+
			"still enabled on Prism Central, with its Local availability zone: the Prism Central API has no way to "+
			"disable it. Declaring the resource again adopts the enabled service.")
}

// ImportState imports the service by the ID `local`; Read fills in the Local availability
// zone.
func (r *disasterRecoveryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != disasterRecoveryID {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("There is one disaster recovery service per Prism Central: use %q as the import ID of "+
				"nutanixdr_disaster_recovery; got %q.", disasterRecoveryID, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), disasterRecoveryID)...)
}

// addLocalAZError words a failed read of the Local availability zone.
func addLocalAZError(diags *diag.Diagnostics, op operation, err error) {
	if errors.Is(err, client.ErrNotFound) {
		diags.AddError(errorSummary(op, kindDisasterRecovery), drNotEnabledDetail())
		return
	}
	addClientError(diags, op, kindAvailabilityZone, localAZName, err)
}

// drNotEnabledDetail says that disaster recovery must be enabled first.
func drNotEnabledDetail() string {
	return "Prism Central has no Local availability zone, so disaster recovery is not enabled on it: " +
		"enable disaster recovery first (resource nutanixdr_disaster_recovery), and make what needs it depend on " +
		"that resource (reference nutanixdr_disaster_recovery.<name>.local_availability_zone_id or use depends_on)."
}
