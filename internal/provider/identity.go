package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// This file gives every resource a resource identity (Terraform 1.12 and later): one string
// attribute, `id`, the same value as the resource's `id` attribute. Terraform records it in
// the state and imports by it (`import { to = ...  identity = { id = "..." } }`), and list
// resources return it. The resources themselves are unchanged: withIdentity wraps one, sets the
// identity from the state's id after Create, Read, Update and ImportState, and turns an import
// by identity into an import by ID (every resource's import ID is its id).

var (
	_ resource.ResourceWithIdentity       = (*identified)(nil)
	_ resource.ResourceWithConfigure      = (*identified)(nil)
	_ resource.ResourceWithImportState    = (*identified)(nil)
	_ resource.ResourceWithModifyPlan     = (*identified)(nil)
	_ resource.ResourceWithValidateConfig = (*identified)(nil)
)

// withIdentities gives every resource of a list its identity.
func withIdentities(list []func() resource.Resource) []func() resource.Resource {
	out := make([]func() resource.Resource, len(list))
	for i, newResource := range list {
		out[i] = withIdentity(newResource)
	}
	return out
}

// identityAttr is the identity's one attribute.
const identityAttr = "id"

// identityModel is the identity of every resource.
type identityModel struct {
	ID types.String `tfsdk:"id"`
}

// withIdentity returns a constructor of the resource with a resource identity.
func withIdentity(newResource func() resource.Resource) func() resource.Resource {
	return func() resource.Resource {
		return &identified{Resource: newResource()}
	}
}

// identified is a resource with a resource identity.
type identified struct {
	resource.Resource
}

// IdentitySchema describes the identity.
func (r *identified) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			identityAttr: identityschema.StringAttribute{
				Description:       "The resource's `id`, which is also its import ID.",
				RequiredForImport: true,
			},
		},
	}
}

// Configure passes the provider data on.
func (r *identified) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if inner, ok := r.Resource.(resource.ResourceWithConfigure); ok {
		inner.Configure(ctx, req, resp)
	}
}

// ModifyPlan passes on to the resource's, if it has one.
func (r *identified) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if inner, ok := r.Resource.(resource.ResourceWithModifyPlan); ok {
		inner.ModifyPlan(ctx, req, resp)
	}
}

// ValidateConfig passes on to the resource's, if it has one.
func (r *identified) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if inner, ok := r.Resource.(resource.ResourceWithValidateConfig); ok {
		inner.ValidateConfig(ctx, req, resp)
	}
}

// Create creates, then sets the identity.
func (r *identified) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.Resource.Create(ctx, req, resp)
	setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Read reads, then sets the identity. When the resource is gone, the identity still comes from
// the prior state: the framework wants one after every read, and a client without identity
// support (Terraform before 1.12, OpenTofu) sends none to keep.
func (r *identified) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	r.Resource.Read(ctx, req, resp)
	if resp.State.Raw.IsNull() {
		setIdentity(ctx, &req.State, resp.Identity, &resp.Diagnostics)
		return
	}
	setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Update updates, then sets the identity.
func (r *identified) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.Resource.Update(ctx, req, resp)
	setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
}

// ImportState imports by ID, or by identity (Terraform 1.12+): the identity's id becomes the
// import ID. The identity is set from the state the resource's ImportState leaves.
func (r *identified) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil {
		var id identityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		req.ID = id.ID.ValueString()
	}
	inner, ok := r.Resource.(resource.ResourceWithImportState)
	if !ok {
		resp.Diagnostics.AddError("Resource Import Not Implemented", "This resource cannot be imported.")
		return
	}
	inner.ImportState(ctx, req, resp)
	setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
}

// setIdentity sets the identity from the state's id, when both are there and known.
func setIdentity(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || diags.HasError() || state.Raw.IsNull() {
		return
	}
	var id types.String
	diags.Append(state.GetAttribute(ctx, path.Root("id"), &id)...)
	if id.IsNull() || id.IsUnknown() || id.ValueString() == "" {
		return
	}
	diags.Append(identity.Set(ctx, identityModel{ID: id})...)
}
