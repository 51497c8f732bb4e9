package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

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
	_ resource.Resource                = (*categoryValueResource)(nil)
	_ resource.ResourceWithConfigure   = (*categoryValueResource)(nil)
	_ resource.ResourceWithImportState = (*categoryValueResource)(nil)
)

// kindCategoryValue names the entity in diagnostics.
const kindCategoryValue = "category value"

// newCategoryValueResource is the constructor the provider registers.
func newCategoryValueResource() resource.Resource {
	return &categoryValueResource{}
}

// categoryValueResource manages one value of a category key.
type categoryValueResource struct {
	data *providerData
}

// categoryValueModel is the resource's state.
type categoryValueModel struct {
	ID          types.String `tfsdk:"id"`
	Category    types.String `tfsdk:"category"`
	Value       types.String `tfsdk:"value"`
	Description types.String `tfsdk:"description"`
}

// Metadata returns the resource type name.
func (r *categoryValueResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_category_value"
}

// Schema describes the resource.
func (r *categoryValueResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A value of a category key, such as `from-canada` of `replicated-vm`. Assign it to VMs " +
			"with `nutanixdr_vm_categories` and select them in protection policies and recovery plans. " +
			"Prism Central refuses to delete a value still assigned to VMs.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<category>/<value>`, also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"category": schema.StringAttribute{
				MarkdownDescription: "Name of the category key the value belongs to (usually `nutanixdr_category.<name>.name`). " +
					"Changing it replaces the value.",
				Required:      true,
				Validators:    categoryNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"value": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The value, 1 to %d characters, no `/`. Changing it replaces the value "+
					"(Prism Central cannot rename one).", maxCategoryNameLength),
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
func (r *categoryValueResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create creates the value. Like the key, it refuses to adopt a value that already exists. The
// check is answered from one list of the key's values per run (shared by every value created
// with it), and the create is then a single PUT: with nothing there, there is nothing to keep.
func (r *categoryValueResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan categoryValueModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, value := plan.Category.ValueString(), plan.Value.ValueString()
	id := categoryValueID(key, value)

	existing, err := r.data.client.LookupCategoryValue(ctx, key, value)
	switch {
	case err == nil:
		resp.Diagnostics.AddAttributeError(path.Root("value"), errorSummary(opCreate, kindCategoryValue),
			alreadyExistsDetail(kindCategoryValue, id, existing.SystemDefined, "nutanixdr_category_value.<name>", id))
		return
	case !errors.Is(err, client.ErrNotFound):
		addClientError(&resp.Diagnostics, opCreate, kindCategoryValue, id, err)
		return
	}

	got, err := r.data.client.CreateCategoryValue(ctx, expandCategoryValue(plan))
	if err != nil {
		if errors.Is(err, client.ErrNotFound) {
			resp.Diagnostics.AddAttributeError(path.Root("category"), errorSummary(opCreate, kindCategoryValue),
				fmt.Sprintf("Could not create category value %q: the category key %q does not exist. Create it with a "+
					"nutanixdr_category resource and reference its name (category = nutanixdr_category.<name>.name) so "+
					"that it is created first.\n\n%s", id, key, err))
			return
		}
		addClientError(&resp.Diagnostics, opCreate, kindCategoryValue, id, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenCategoryValue(got))...)
}

// Read refreshes the state; a value deleted outside Terraform is removed from the state. The
// values of one key are refreshed from one list per run rather than a GET each.
func (r *categoryValueResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state categoryValueModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, value := state.Category.ValueString(), state.Value.ValueString()
	got, err := r.data.client.LookupCategoryValue(ctx, key, value)
	if !readFound(ctx, resp, kindCategoryValue, categoryValueID(key, value), err) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenCategoryValue(got))...)
}

// Update changes the description (category and value force a replacement).
func (r *categoryValueResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan categoryValueModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	got, err := r.data.client.PutCategoryValue(ctx, expandCategoryValue(plan))
	if err != nil {
		addClientError(&resp.Diagnostics, opUpdate, kindCategoryValue,
			categoryValueID(plan.Category.ValueString(), plan.Value.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenCategoryValue(got))...)
}

// Delete deletes the value; one already gone counts as deleted. When Prism Central refuses
// because the value is still assigned, the error lists the entities that use it.
func (r *categoryValueResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state categoryValueModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, value := state.Category.ValueString(), state.Value.ValueString()
	err := r.data.client.DeleteCategoryValue(ctx, key, value)
	if err == nil || errors.Is(err, client.ErrNotFound) {
		return
	}
	detail := clientErrorDetail(opDelete, kindCategoryValue, categoryValueID(key, value), err)
	var apiErr *client.APIError
	// Which entities carry the value is asked with v3's category query on either wire (v4 has
	// no query that names them).
	if errors.As(err, &apiErr) && apiErr.InUse() {
		if users, qerr := r.data.client.QueryCategoryUsage(ctx, key, []string{value}, nil); qerr == nil && len(users) > 0 {
			detail += "\n\nStill assigned to: " + describeUsage(users) + "."
		}
	}
	resp.Diagnostics.AddError(errorSummary(opDelete, kindCategoryValue), detail)
}

// ImportState imports a value by its `key/value` ID.
func (r *categoryValueResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	key, value, err := parseCategoryValueID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError(summaryInvalidImportID, err.Error())
		return
	}
	checkImportable(ctx, &resp.Diagnostics, kindCategoryValue, req.ID,
		func(ctx context.Context, _ string) (*client.CategoryValue, error) {
			return r.data.client.GetCategoryValue(ctx, key, value)
		},
		func(got *client.CategoryValue) bool {
			return refuseSystemCategory(&resp.Diagnostics, kindCategoryValue,
				fmt.Sprintf("%q of the category %q", value, key), got.SystemDefined)
		})
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("category"), key)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("value"), value)...)
}

// categoryValueID returns the `key/value` ID of a category value.
func categoryValueID(key, value string) string {
	return key + "/" + value
}

// parseCategoryValueID splits a `key/value` ID.
func parseCategoryValueID(id string) (key, value string, err error) {
	parts := strings.Split(id, "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("the ID of a category value has the form <category>/<value>, such as "+
			"\"replicated-vm/from-canada\"; got %q", id)
	}
	return parts[0], parts[1], nil
}

// expandCategoryValue builds the API value from the model.
func expandCategoryValue(m categoryValueModel) client.CategoryValue {
	return client.CategoryValue{
		Key:         m.Category.ValueString(),
		Value:       m.Value.ValueString(),
		Description: m.Description.ValueString(),
	}
}

// flattenCategoryValue builds the model from the API value.
func flattenCategoryValue(v *client.CategoryValue) categoryValueModel {
	return categoryValueModel{
		ID:          types.StringValue(categoryValueID(v.Key, v.Value)),
		Category:    types.StringValue(v.Key),
		Value:       types.StringValue(v.Value),
		Description: types.StringValue(v.Description),
	}
}

// describeUsage lists the entities a category value is assigned to, at most ten, sorted.
func describeUsage(users []client.CategoryUsage) string {
	names := make([]string, 0, len(users))
	for _, u := range users {
		label := u.Name
		if label == "" {
			label = u.UUID
		}
		names = append(names, fmt.Sprintf("%s %s", u.Kind, label))
	}
	sort.Strings(names)
	if len(names) > 10 {
		names = append(names[:10], fmt.Sprintf("and %d more", len(users)-10))
	}
	return strings.Join(names, ", ")
}
