package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ resource.Resource                = (*availabilityZoneResource)(nil)
	_ resource.ResourceWithConfigure   = (*availabilityZoneResource)(nil)
	_ resource.ResourceWithImportState = (*availabilityZoneResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*availabilityZoneResource)(nil)
)

// kindPairing names the entity in the details of diagnostics; summaries use the resource's
// own name, availability zone.
const kindPairing = "pairing with remote Prism Central"

// Default time limits of the pairing and unpairing tasks when the timeouts attribute leaves
// them unset.
const (
	defaultPairingTimeout   = 10 * time.Minute
	defaultUnpairingTimeout = 10 * time.Minute
)

// cleanupTimeout bounds the unpairing of a half-created pairing, which runs after the create's
// own time limit may have passed.
const cleanupTimeout = 2 * time.Minute

// defaultRemotePort is the port of a remote Prism Central address that names none.
const defaultRemotePort = 9440

// newAvailabilityZoneResource is the constructor the provider registers.
func newAvailabilityZoneResource() resource.Resource {
	return &availabilityZoneResource{}
}

// availabilityZoneResource pairs the Prism Central of the provider configuration with a remote
// one (a cloud trust), which gives each an availability zone of the other.
type availabilityZoneResource struct {
	data *providerData
}

// availabilityZoneModel is the resource's configuration and state. Password is write-only:
// it is only ever set in the configuration, and null in the plan and the state.
type availabilityZoneModel struct {
	ID            types.String   `tfsdk:"id"`
	RemoteAddress types.String   `tfsdk:"remote_address"`
	Username      types.String   `tfsdk:"username"`
	Password      types.String   `tfsdk:"password"`
	CloudType     types.String   `tfsdk:"cloud_type"`
	Name          types.String   `tfsdk:"name"`
	CloudTrustID  types.String   `tfsdk:"cloud_trust_id"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

// Metadata returns the resource type name.
func (r *availabilityZoneResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_availability_zone"
}

// Schema describes the resource.
func (r *availabilityZoneResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Pairs the Prism Central of the provider configuration with a remote Prism Central " +
			"(a cloud trust). Afterwards each sees the other as an availability zone: this one names it " +
			"`PC_<remote address>`, and the remote one names this one `PC_<this address>`. Protection policies and " +
			"recovery plans reference the `id`. Disaster recovery must be enabled on both Prism Centrals first " +
			"(`nutanixdr_disaster_recovery`). Destroying the resource unpairs both sides. The remote password is " +
			"write-only: it is sent once, when pairing, and never stored in the plan or the state (OpenTofu 1.11 or " +
			"Terraform 1.11 and later).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of this Prism Central's availability zone of the remote one, what protection " +
					"policies and recovery plans reference; also the import ID.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"remote_address": schema.StringAttribute{
				MarkdownDescription: "IP address or host name of the remote Prism Central, optionally with `:port` " +
					"(default 9440), such as `192.168.0.10`; no `https://`. Changing it to another Prism Central " +
					"replaces the pairing.",
				Required:   true,
				Validators: []validator.String{remoteAddress()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(requireReplaceOfRemote,
					"Changing the remote Prism Central replaces the pairing.",
					"Changing the remote Prism Central replaces the pairing.")},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "User name on the remote Prism Central, with the rights to pair (e.g. `admin`). " +
					"Changing it replaces the pairing, except right after an import, when it is only stored.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(requireReplaceUnlessImported,
					"Changing the remote user name replaces the pairing.",
					"Changing the remote user name replaces the pairing.")},
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "Password of `username` on the remote Prism Central. Write-only: it is used when " +
					"pairing and never stored in the plan or the state, so changing it later changes nothing. Required " +
					"when the pairing is created or replaced; it may be removed from the configuration afterwards.",
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"cloud_type": schema.StringAttribute{
				MarkdownDescription: "Kind of the remote: `" + strings.Join(client.CloudTypes, "`, `") + "`. Defaults to `" +
					client.CloudTypeOnPrem + "` (a Prism Central of your own). Changing it replaces the pairing.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(client.CloudTypeOnPrem),
				Validators:    []validator.String{stringvalidator.OneOf(client.CloudTypes...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the availability zone, e.g. `PC_192.168.0.10`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cloud_trust_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the cloud trust that holds the pairing.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Create: true, Delete: true,
				CreateDescription: "How long to wait for the pairing task. Defaults to `\"" +
					durationText(defaultPairingTimeout) + "\"`.",
				DeleteDescription: "How long to wait for the unpairing task. Defaults to `\"" +
					durationText(defaultUnpairingTimeout) + "\"`.",
			}),
		},
	}
}

// Configure receives the provider data.
func (r *availabilityZoneResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create pairs with the remote Prism Central. The password comes from the configuration, the
// only place a write-only value is. A pairing that fails half-way is unpaired before the error
// is returned, so that nothing is left on either side.
func (r *availabilityZoneResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan availabilityZoneModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var password types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if password.IsNull() || password.IsUnknown() || password.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(path.Root("password"), errorSummary(opCreate, kindAvailabilityZone),
			missingPasswordDetail(plan.RemoteAddress.ValueString()))
		return
	}
	ctx = withMaskedSecrets(ctx, password.ValueString())
	timeout, diags := plan.Timeouts.Create(ctx, defaultPairingTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	remote := plan.RemoteAddress.ValueString()
	if _, err := r.data.client.LocalAvailabilityZone(ctx); err != nil {
		if errors.Is(err, client.ErrNotFound) {
			resp.Diagnostics.AddError(errorSummary(opCreate, kindAvailabilityZone),
				fmt.Sprintf("Could not pair with the remote Prism Central at remote_address %q: %s", remote, drNotEnabledDetail()))
			return
		}
		addClientError(&resp.Diagnostics, opCreate, kindPairing, remote, err)
		return
	}

	ct, err := r.data.client.CreateCloudTrust(ctx, client.CloudTrustInput{
		RemoteAddress: remote,
		Username:      plan.Username.ValueString(),
		Password:      password.ValueString(),
		CloudType:     plan.CloudType.ValueString(),
	})
	if err != nil {
		r.addPairingError(ctx, &resp.Diagnostics, remote, err)
		if ct != nil && ct.UUID != "" && !r.unpairHalfCreated(ctx, &resp.Diagnostics, remote, ct.UUID) {
			r.keepHalfCreated(ctx, &resp.Diagnostics, &resp.State, plan, ct.UUID)
		}
		return
	}
	az, err := r.data.client.GetAvailabilityZone(ctx, ct.AvailabilityZoneUUID)
	if err != nil {
		addClientError(&resp.Diagnostics, opCreate, kindPairing, remote, err)
		if !r.unpairHalfCreated(ctx, &resp.Diagnostics, remote, ct.UUID) {
			r.keepHalfCreated(ctx, &resp.Diagnostics, &resp.State, plan, ct.UUID)
		}
		return
	}
	flattenPairing(&plan, az, ct)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read refreshes the pairing. A pairing removed outside Terraform (its availability zone or its
// cloud trust gone) is removed from the state, so that the next plan pairs again.
func (r *availabilityZoneResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state availabilityZoneModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	az, err := r.data.client.GetAvailabilityZone(ctx, id)
	if !readFound(ctx, resp, kindAvailabilityZone, id, err) {
		return
	}
	if az.Type == client.AvailabilityZoneLocal {
		resp.Diagnostics.AddError(errorSummary(opRead, kindAvailabilityZone), localAZNotPairingDetail(az))
		return
	}
	if az.CloudTrustUUID == "" {
		// The zone outlived its pairing; nothing is left to manage.
		resp.State.RemoveResource(ctx)
		return
	}
	ct, err := r.data.client.GetCloudTrust(ctx, az.CloudTrustUUID)
	if !readFound(ctx, resp, kindAvailabilityZone, id, err) {
		return
	}
	flattenPairing(&state, az, ct)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update stores what changes without a new pairing: the timeouts, the spelling of the remote
// address (another address of the same Prism Central is not planned as a replacement), and
// the user name after an import, which the API does not return. Every other change replaces
// the pairing, and the password is write-only, so the API has nothing to update.
func (r *availabilityZoneResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state availabilityZoneModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.Name, plan.CloudTrustID = state.ID, state.Name, state.CloudTrustID
	plan.Password = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete unpairs both sides; a pairing already gone counts as deleted.
func (r *availabilityZoneResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state availabilityZoneModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultUnpairingTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	err := r.data.client.DeleteCloudTrust(ctx, state.CloudTrustID.ValueString())
	if err == nil || errors.Is(err, client.ErrNotFound) {
		return
	}
	addClientError(&resp.Diagnostics, opDelete, kindPairing, state.RemoteAddress.ValueString(), err)
}

// ImportState imports a pairing by the UUID of this side's availability zone of the remote;
// Read finds its cloud trust and remote address. The user name is not returned by the API: the
// first apply after the import stores the configured one without pairing again.
func (r *availabilityZoneResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isUUID(req.ID) {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of nutanixdr_availability_zone is the UUID of the availability zone of the "+
				"remote Prism Central, such as \"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b\" (see the "+
				"nutanixdr_availability_zone data source, name = \"PC_<remote address>\"); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// ModifyPlan refuses, at plan time, to create or replace a pairing without a password: the
// write-only password is optional so that it can leave the configuration once paired.
func (r *availabilityZoneResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // Destroy: nothing to check.
	}
	var plan, config availabilityZoneModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !config.Password.IsNull() {
		return
	}
	creating := req.State.Raw.IsNull()
	if !creating {
		var state availabilityZoneModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		creating = pairingReplaced(plan, state)
	}
	if creating {
		resp.Diagnostics.AddAttributeError(path.Root("password"), "Missing remote password",
			missingPasswordDetail(plan.RemoteAddress.ValueString()))
	}
}

// pairingReplaced tells whether the plan replaces the pairing of state, as the plan modifiers
// of the arguments decide. Unknown values do not count: Create checks the password again.
func pairingReplaced(plan, state availabilityZoneModel) bool {
	changed := func(p, s types.String, same func(a, b string) bool) bool {
		if p.IsUnknown() || s.IsNull() {
			return false
		}
		return !same(p.ValueString(), s.ValueString())
	}
	equal := func(a, b string) bool { return a == b }
	return changed(plan.RemoteAddress, state.RemoteAddress, sameRemote) ||
		changed(plan.Username, state.Username, equal) ||
		changed(plan.CloudType, state.CloudType, equal)
}

// unpairHalfCreated deletes a cloud trust that a failed or interrupted create left behind, with
// a time limit of its own since the create's may be spent (the client waits for a pairing task
// still running before it unpairs). If that fails too, the error says what to clean up, and it
// returns false.
func (r *availabilityZoneResource) unpairHalfCreated(ctx context.Context, diags *diag.Diagnostics, remote, trustUUID string) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	err := r.data.client.DeleteCloudTrust(ctx, trustUUID)
	if err == nil || errors.Is(err, client.ErrNotFound) {
		return true
	}
	diags.AddError(errorSummary(opCreate, kindAvailabilityZone),
		fmt.Sprintf("The failed pairing with %q left cloud trust %s behind, and removing it failed too:\n\n%s\n\n"+
			"Unpair it in Prism Central (Administration, Availability Zones) before running the command again.",
			remote, trustUUID, err))
	return false
}

// keepHalfCreated records in the state a pairing that a failed create could not remove, when
// its availability zone can be found: the resource is then tainted, so the next apply unpairs
// and pairs again instead of failing on a pairing it does not know of.
func (r *availabilityZoneResource) keepHalfCreated(ctx context.Context, diags *diag.Diagnostics, state *tfsdk.State, plan availabilityZoneModel, trustUUID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	ct, err := r.data.client.GetCloudTrust(ctx, trustUUID)
	if err != nil || ct.AvailabilityZoneUUID == "" {
		return
	}
	az, err := r.data.client.GetAvailabilityZone(ctx, ct.AvailabilityZoneUUID)
	if err != nil {
		return
	}
	flattenPairing(&plan, az, ct)
	diags.Append(state.Set(ctx, plan)...)
}

// addPairingError words a failed pairing: the client's error, which carries Prism Central's
// reason, then what to do about the usual causes.
func (r *availabilityZoneResource) addPairingError(ctx context.Context, diags *diag.Diagnostics, remote string, err error) {
	detail := clientErrorDetail(opCreate, kindPairing, remote, err)
	if hint := pairingHint(err); hint != "" {
		detail += "\n\n" + hint
	}
	if pairingCause(err) == causeAlreadyPaired {
		if azs, lerr := r.data.client.ListAvailabilityZones(ctx, ""); lerr == nil {
			for _, az := range azs {
				if az.Type != client.AvailabilityZoneLocal && sameRemote(az.ManagementURL, remote) {
					detail += fmt.Sprintf("\n\nTo manage the existing pairing, import it:\n\n"+
						"  tofu import nutanixdr_availability_zone.<name> %s\n\n(or terraform import).", az.UUID)
					break
				}
			}
		}
	}
	diags.AddAttributeError(path.Root("remote_address"), errorSummary(opCreate, kindAvailabilityZone), detail)
}

// Causes of a failed pairing that the error can say more about.
const (
	causeUnknown = iota
	causeSelf
	causeAlreadyPaired
	causeRemoteAuth
	causeUnreachable
	causeDRDisabled
)

// pairingCause classifies a pairing error by the reason and message Prism Central gave.
func pairingCause(err error) int {
	var codes []string
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		codes = append(codes, apiErr.Reasons...)
	}
	var taskErr *client.TaskError
	if errors.As(err, &taskErr) {
		codes = append(codes, taskErr.ErrorCode)
	}
	for _, c := range codes {
		switch strings.ToUpper(c) {
		case "CLOUD_TRUST_EXISTS", "ENTITY_ALREADY_EXISTS":
			return causeAlreadyPaired
		case "REMOTE_CLUSTER_NOT_CONNECTED":
			return causeUnreachable
		}
	}
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "itself"):
		return causeSelf
	case strings.Contains(msg, "already paired"), strings.Contains(msg, "already exists"):
		return causeAlreadyPaired
	case strings.Contains(msg, "not enabled"):
		return causeDRDisabled
	case strings.Contains(msg, "authentication"), strings.Contains(msg, "credentials"):
		return causeRemoteAuth
	case strings.Contains(msg, "unreachable"), strings.Contains(msg, "not reachable"),
		strings.Contains(msg, "not connected"), strings.Contains(msg, "unknown host"):
		return causeUnreachable
	}
	return causeUnknown
}

// pairingHint says what to do about a failed pairing, by its cause.
func pairingHint(err error) string {
	switch pairingCause(err) {
	case causeSelf:
		return "remote_address names the Prism Central the provider is configured for: a Prism Central cannot be " +
			"paired with itself. Set remote_address to the address of the other Prism Central."
	case causeAlreadyPaired:
		return "This Prism Central is already paired with that Prism Central (by another resource, another " +
			"configuration or by hand). Declare each pairing once: a single resource pairs both sides."
	case causeRemoteAuth:
		return "Check username and password: they are those of the remote Prism Central, not of the one the " +
			"provider is configured for."
	case causeUnreachable:
		return "Check that remote_address is the address of the remote Prism Central (as this Prism Central reaches " +
			"it), that the remote is up, and that port 9440 is open between the two."
	case causeDRDisabled:
		return "Disaster recovery must be enabled on both Prism Centrals before pairing: declare a " +
			"nutanixdr_disaster_recovery resource for each (one per provider alias) and make the pairing depend on both."
	}
	return ""
}

// missingPasswordDetail words the refusal to pair without a password.
func missingPasswordDetail(remote string) string {
	return fmt.Sprintf("Pairing with the remote Prism Central at %q needs the password of username on it. Set "+
		"password (write-only: it is not stored in the state), e.g. from a variable marked sensitive or an "+
		"ephemeral value. It may be removed from the configuration once paired.", remote)
}

// localAZNotPairingDetail words the error for an import of the Local availability zone.
func localAZNotPairingDetail(az *client.AvailabilityZone) string {
	return fmt.Sprintf("Availability zone %s (%q) is the Local availability zone of this Prism Central, not a pairing "+
		"with a remote one. Import a pairing by the id of the remote's availability zone (data source "+
		"nutanixdr_availability_zone with name = \"PC_<remote address>\"); the Local one belongs to "+
		"nutanixdr_disaster_recovery.", az.UUID, az.Name)
}

// requireReplaceOfRemote replaces the pairing when the remote address names another Prism
// Central; another spelling of the same address (https://, the default port, case) does not.
func requireReplaceOfRemote(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && !sameRemote(req.StateValue.ValueString(), req.PlanValue.ValueString())
}

// requireReplaceUnlessImported replaces the pairing when the value changes, except from null:
// after an import the API has not said which user paired, and the configured one is stored.
func requireReplaceUnlessImported(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull()
}

// sameRemote tells whether two remote addresses name the same Prism Central endpoint: equal
// once the scheme, a trailing slash and the default port are dropped, ignoring case.
func sameRemote(a, b string) bool {
	return remoteEndpoint(a) == remoteEndpoint(b)
}

// remoteEndpoint normalises a remote address to host:port.
func remoteEndpoint(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), strconv.Itoa(defaultRemotePort)
	}
	return net.JoinHostPort(strings.TrimSuffix(host, "."), port)
}

// flattenPairing fills the computed attributes of m from the API, and the arguments the
// configuration leaves to the API after an import (remote address, username, cloud type). The
// password is never set: it is write-only.
func flattenPairing(m *availabilityZoneModel, az *client.AvailabilityZone, ct *client.CloudTrust) {
	m.ID = types.StringValue(az.UUID)
	m.Name = types.StringValue(az.Name)
	m.CloudTrustID = types.StringValue(ct.UUID)
	m.Password = types.StringNull()
	if m.RemoteAddress.IsNull() || m.RemoteAddress.ValueString() == "" {
		remote := ct.URL
		if remote == "" {
			remote = az.ManagementURL
		}
		m.RemoteAddress = types.StringValue(remote)
	}
	if (m.Username.IsNull() || m.Username.ValueString() == "") && ct.Username != "" {
		m.Username = types.StringValue(ct.Username)
	}
	if ct.CloudType != "" {
		m.CloudType = types.StringValue(ct.CloudType)
	} else if m.CloudType.IsNull() {
		m.CloudType = types.StringValue(client.CloudTypeOnPrem)
	}
}
