package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ resource.Resource                = (*vmCategoriesResource)(nil)
	_ resource.ResourceWithConfigure   = (*vmCategoriesResource)(nil)
	_ resource.ResourceWithImportState = (*vmCategoriesResource)(nil)
)

// kindVMCategories names the entity in diagnostics.
const kindVMCategories = "VM categories"

// defaultVMCategoriesTimeout bounds each operation when the timeouts attribute leaves it unset:
// every change is a VM update task.
const defaultVMCategoriesTimeout = 10 * time.Minute

// newVMCategoriesResource is the constructor the provider registers.
func newVMCategoriesResource() resource.Resource {
	return &vmCategoriesResource{}
}

// vmCategoriesResource manages some category assignments of an existing VM: the keys its
// configuration lists, and no others.
type vmCategoriesResource struct {
	data *providerData
}

// vmCategoriesModel is the resource's state.
type vmCategoriesModel struct {
	ID         types.String   `tfsdk:"id"`
	VMID       types.String   `tfsdk:"vm_id"`
	Categories types.Map      `tfsdk:"categories"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// Metadata returns the resource type name.
func (r *vmCategoriesResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vm_categories"
}

// Schema describes the resource.
func (r *vmCategoriesResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Category assignments of an existing VM, such as `replicated-vm = \"from-canada\"`, " +
			"which put the VM under a protection policy. Only the keys listed in `categories` are managed: other " +
			"categories of the VM are left alone, so several configurations (or the Prism Central UI) can share a VM. " +
			"A VM holds at most one value per key.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The VM UUID, also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"vm_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the VM, e.g. `data.nutanixdr_vm.app.id`. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{uuidString()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"categories": schema.MapAttribute{
				MarkdownDescription: "Category key to value. The keys and values must exist (`nutanixdr_category` and " +
					"`nutanixdr_category_value`). A key removed from this map is removed from the VM; keys not in the " +
					"map are never touched. Importing takes every non-system category of the VM.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(categoryNameValidators()...),
					mapvalidator.ValueStringsAre(categoryNameValidators()...),
				},
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Create: true, Read: true, Update: true, Delete: true,
				CreateDescription: "How long to wait for the VM update task that assigns the categories. Defaults to `\"10m\"`.",
				UpdateDescription: "How long to wait for the VM update task that changes the categories. Defaults to `\"10m\"`.",
				DeleteDescription: "How long to wait for the VM update task that removes the categories. Defaults to `\"10m\"`.",
				ReadDescription:   "How long reading the VM may take. Defaults to `\"10m\"`.",
			}),
		},
	}
}

// Configure receives the provider data.
func (r *vmCategoriesResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create assigns the categories to the VM.
func (r *vmCategoriesResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan vmCategoriesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultVMCategoriesTimeout)
	resp.Diagnostics.Append(diags...)
	want, diags := expandStringMap(ctx, plan.Categories)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	vmID := plan.VMID.ValueString()
	vm, err := r.data.client.UpdateVMCategories(ctx, vmID, func(cats map[string]string) {
		applyVMCategories(cats, nil, want)
	})
	if err != nil {
		addVMCategoriesError(&resp.Diagnostics, opCreate, vmID, err)
		r.keepLandedCreate(ctx, &plan, want, resp)
		return
	}
	plan.ID = types.StringValue(vmID)
	plan.Categories, diags = flattenVMCategories(managedKeys(want), vm.Categories)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// landedCheckTimeout bounds the read that looks for an update that landed before a failure.
const landedCheckTimeout = 30 * time.Second

// keepLandedCreate runs after a failed Create: the update may have landed before the failure
// (an interrupted wait, a lost answer). If any of the wanted categories are on the VM, it saves
// them to the state, which the framework marks tainted, so that destroy can remove them instead
// of leaving them on the VM unmanaged. It reads with a context of its own: the request's may be
// the one that was canceled.
func (r *vmCategoriesResource) keepLandedCreate(ctx context.Context, plan *vmCategoriesModel, want map[string]string, resp *resource.CreateResponse) {
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), landedCheckTimeout)
	defer cancel()
	vm, err := r.data.client.GetVM(readCtx, plan.VMID.ValueString())
	if err != nil {
		return
	}
	landed := false
	for k, v := range want {
		if vm.Categories[k] == v {
			landed = true
			break
		}
	}
	if !landed {
		return
	}
	plan.ID = types.StringValue(plan.VMID.ValueString())
	cats, diags := flattenVMCategories(managedKeys(want), vm.Categories)
	if diags.HasError() {
		return
	}
	plan.Categories = cats
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read refreshes the managed keys: a key removed outside Terraform leaves the map (so the next
// plan adds it back) and a changed value shows as a diff. After an import the state has no keys
// yet: every non-system category of the VM is taken.
func (r *vmCategoriesResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state vmCategoriesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultVMCategoriesTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	vmID := state.VMID.ValueString()
	vm, err := r.data.client.LookupVM(ctx, vmID)
	if errors.Is(err, client.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addVMCategoriesError(&resp.Diagnostics, opRead, vmID, err)
		return
	}

	var keys []string
	if state.Categories.IsNull() {
		system, err := r.systemKeys(ctx)
		if err != nil {
			addVMCategoriesError(&resp.Diagnostics, opImport, vmID, err)
			return
		}
		keys = userKeys(vm.Categories, system)
	} else {
		old, diags := expandStringMap(ctx, state.Categories)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		keys = managedKeys(old)
	}
	state.ID = types.StringValue(vmID)
	state.Categories, diags = flattenVMCategories(keys, vm.Categories)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update sets the planned keys and removes the keys dropped from the configuration.
func (r *vmCategoriesResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state vmCategoriesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultVMCategoriesTimeout)
	resp.Diagnostics.Append(diags...)
	want, diags := expandStringMap(ctx, plan.Categories)
	resp.Diagnostics.Append(diags...)
	had, diags := expandStringMap(ctx, state.Categories)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	vmID := plan.VMID.ValueString()
	vm, err := r.data.client.UpdateVMCategories(ctx, vmID, func(cats map[string]string) {
		applyVMCategories(cats, had, want)
	})
	if err != nil {
		addVMCategoriesError(&resp.Diagnostics, opUpdate, vmID, err)
		return
	}
	plan.ID = types.StringValue(vmID)
	plan.Categories, diags = flattenVMCategories(managedKeys(want), vm.Categories)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete removes the managed keys from the VM; a VM already gone counts as done.
func (r *vmCategoriesResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state vmCategoriesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultVMCategoriesTimeout)
	resp.Diagnostics.Append(diags...)
	had, diags := expandStringMap(ctx, state.Categories)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	vmID := state.VMID.ValueString()
	_, err := r.data.client.UpdateVMCategories(ctx, vmID, func(cats map[string]string) {
		applyVMCategories(cats, had, nil)
	})
	if err != nil && !errors.Is(err, client.ErrNotFound) {
		addVMCategoriesError(&resp.Diagnostics, opDelete, vmID, err)
	}
}

// ImportState imports the categories of a VM by its UUID. Read then fills in every
// non-system category the VM has.
func (r *vmCategoriesResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isUUID(req.ID) {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of nutanixdr_vm_categories is the VM UUID, such as "+
				"\"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b\" (see the nutanixdr_vm data source); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("vm_id"), req.ID)...)
}

// systemKeys returns the names of the system-defined category keys.
func (r *vmCategoriesResource) systemKeys(ctx context.Context) (map[string]bool, error) {
	keys, err := r.data.client.ListCategoryKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool)
	for _, k := range keys {
		if k.SystemDefined {
			out[k.Name] = true
		}
	}
	return out, nil
}

// addVMCategoriesError words a failed operation on a VM's categories.
func addVMCategoriesError(diags *diag.Diagnostics, op operation, vmID string, err error) {
	detail := clientErrorDetail(op, "the categories of VM", vmID, err)
	if errors.Is(err, client.ErrNotFound) && op != opDelete {
		detail += "\n\nNo VM has this UUID on this Prism Central: check vm_id (the nutanixdr_vm data source " +
			"looks a VM up by name) and that the provider points at the Prism Central that manages the VM."
	}
	diags.AddError(errorSummary(op, kindVMCategories), detail)
}

// applyVMCategories changes a VM's categories in place: the keys of had that want no longer has
// are removed, and every key of want is set. Keys in neither are left alone.
func applyVMCategories(cats, had, want map[string]string) {
	for k := range had {
		if _, keep := want[k]; !keep {
			delete(cats, k)
		}
	}
	for k, v := range want {
		cats[k] = v
	}
}

// managedKeys returns the keys of m, sorted.
func managedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// userKeys returns the keys of a VM's categories that are not system-defined, sorted.
func userKeys(cats map[string]string, system map[string]bool) []string {
	keys := make([]string, 0, len(cats))
	for k := range cats {
		if !system[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// flattenVMCategories returns the map of the given keys to the VM's values; keys the VM does not
// have are left out. The result is never null, so an emptied map still plans the keys back.
func flattenVMCategories(keys []string, cats map[string]string) (types.Map, diag.Diagnostics) {
	elems := make(map[string]attr.Value, len(keys))
	for _, k := range keys {
		if v, ok := cats[k]; ok {
			elems[k] = types.StringValue(v)
		}
	}
	return types.MapValue(types.StringType, elems)
}

// expandStringMap converts a known map of strings; a null map gives an empty one.
func expandStringMap(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	out := make(map[string]string)
	if m.IsNull() || m.IsUnknown() {
		return out, nil
	}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}
