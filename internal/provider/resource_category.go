package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ resource.Resource                = (*categoryResource)(nil)
	_ resource.ResourceWithConfigure   = (*categoryResource)(nil)
	_ resource.ResourceWithImportState = (*categoryResource)(nil)
)

// kindCategory names the entity in diagnostics.
const kindCategory = "category"

// newCategoryResource is the constructor the provider registers.
func newCategoryResource() resource.Resource {
	return &categoryResource{}
}

// categoryResource manages a category key.
type categoryResource struct {
	data *providerData
}

// categoryModel is the resource's state.
type categoryModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
}

// Metadata returns the resource type name.
func (r *categoryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_category"
}

// Schema describes the resource.
func (r *categoryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A category key of Prism Central, such as `replicated-vm`. Categories select the VMs " +
			"that protection policies replicate and recovery plans recover. Its values are " +
			"`nutanixdr_category_value` resources. System-defined keys (such as `Environment`) cannot be managed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The category name, which is its identifier in Prism Central.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Name of the category key, 1 to %d characters, no `/`. "+
					"Changing it replaces the key (Prism Central cannot rename one).", maxCategoryNameLength),
				Required:      true,
				Validators:    categoryNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Free-form description, at most %d characters. Defaults to `\"\"`.",
					maxDescriptionLength),
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: descriptionValidators(),
			},
		},
	}
}

// Configure receives the provider data.
func (r *categoryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create creates the key. It refuses to adopt a key that already exists, so that two
// configurations never silently share (and later delete) one key.
func (r *categoryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan categoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()

	existing, err := r.data.client.GetCategoryKey(ctx, name)
	switch {
	case err == nil:
		resp.Diagnostics.AddAttributeError(path.Root("name"), errorSummary(opCreate, kindCategory),
			alreadyExistsDetail(kindCategory, name, existing.SystemDefined, "nutanixdr_category.<name>", name))
		return
	case !errors.Is(err, client.ErrNotFound):
		addClientError(&resp.Diagnostics, opCreate, kindCategory, name, err)
		return
	}

	got, err := r.data.client.CreateCategoryKey(ctx, expandCategory(plan))
	if err != nil {
		addClientError(&resp.Diagnostics, opCreate, kindCategory, name, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenCategory(got))...)
}

// Read refreshes the state; a key deleted outside Terraform is removed from the state.
func (r *categoryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state categoryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	got, err := r.data.client.GetCategoryKey(ctx, state.ID.ValueString())
	if !readFound(ctx, resp, kindCategory, state.ID.ValueString(), err) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenCategory(got))...)
}

// Update changes the description (the name forces a replacement).
func (r *categoryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan categoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	got, err := r.data.client.PutCategoryKey(ctx, expandCategory(plan))
	if err != nil {
		addClientError(&resp.Diagnostics, opUpdate, kindCategory, plan.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenCategory(got))...)
}

// Delete deletes the key; one already gone counts as deleted.
func (r *categoryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state categoryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.data.client.DeleteCategoryKey(ctx, state.ID.ValueString())
	if err != nil && !errors.Is(err, client.ErrNotFound) {
		addClientError(&resp.Diagnostics, opDelete, kindCategory, state.ID.ValueString(), err)
	}
}

// ImportState imports a key by name.
func (r *categoryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" || !noSlash.MatchString(req.ID) {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of a category is its name, such as \"replicated-vm\"; got %q.", req.ID))
		return
	}
	checkImportable(ctx, &resp.Diagnostics, kindCategory, req.ID, r.data.client.GetCategoryKey,
		func(got *client.CategoryKey) bool {
			return refuseSystemCategory(&resp.Diagnostics, kindCategory, fmt.Sprintf("%q", got.Name), got.SystemDefined)
		})
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}

// expandCategory builds the API key from the model.
func expandCategory(m categoryModel) client.CategoryKey {
	return client.CategoryKey{
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
	}
}

// flattenCategory builds the model from the API key. The description is always a string (""
// when absent), matching the schema default, so an omitted description never shows a diff.
func flattenCategory(k *client.CategoryKey) categoryModel {
	return categoryModel{
		ID:          types.StringValue(k.Name),
		Name:        types.StringValue(k.Name),
		Description: types.StringValue(k.Description),
	}
}
