package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ resource.Resource                   = (*protectionPolicyResource)(nil)
	_ resource.ResourceWithConfigure      = (*protectionPolicyResource)(nil)
	_ resource.ResourceWithImportState    = (*protectionPolicyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*protectionPolicyResource)(nil)
)

// kindProtectionPolicy names the entity in diagnostics.
const kindProtectionPolicy = "protection policy"

// privateImportLabels is the private state key that carries the location labels of an import
// ID from ImportState to the Read that follows.
const privateImportLabels = "import_labels"

// newProtectionPolicyResource is the constructor the provider registers.
func newProtectionPolicyResource() resource.Resource {
	return &protectionPolicyResource{}
}

// protectionPolicyResource manages a protection policy (a protection_rule): which VMs are
// protected (a category filter), where they live and are replicated to (labeled locations), and
// how often and for how long (replications between labels).
type protectionPolicyResource struct {
	data *providerData
}

// protectionPolicyModel is the resource's configuration, plan and state. The nested lists and
// objects stay framework values so that unknown values of the configuration can be validated.
type protectionPolicyModel struct {
	ID             types.String   `tfsdk:"id"`
	Name           types.String   `tfsdk:"name"`
	Description    types.String   `tfsdk:"description"`
	StartTime      types.String   `tfsdk:"start_time"`
	CategoryFilter types.Object   `tfsdk:"category_filter"`
	Locations      types.List     `tfsdk:"locations"`
	Replications   types.List     `tfsdk:"replications"`
	ProtectedVMIDs types.Set      `tfsdk:"protected_vm_ids"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

// categoryFilterModel is the category_filter attribute.
type categoryFilterModel struct {
	Match      types.String `tfsdk:"match"`
	Categories types.Map    `tfsdk:"categories"`
}

// locationModel is one element of locations.
type locationModel struct {
	Label              types.String `tfsdk:"label"`
	AvailabilityZoneID types.String `tfsdk:"availability_zone_id"`
	ClusterIDs         types.List   `tfsdk:"cluster_ids"`
	Primary            types.Bool   `tfsdk:"primary"`
	MSTTargetID        types.String `tfsdk:"mst_target_id"`
}

// replicationModel is one element of replications.
type replicationModel struct {
	From               types.String         `tfsdk:"from"`
	To                 types.String         `tfsdk:"to"`
	RPO                timetypes.GoDuration `tfsdk:"rpo"`
	SnapshotType       types.String         `tfsdk:"snapshot_type"`
	LocalRetention     types.Object         `tfsdk:"local_retention"`
	RemoteRetention    types.Object         `tfsdk:"remote_retention"`
	AutoSuspendTimeout timetypes.GoDuration `tfsdk:"auto_suspend_timeout"`
}

// retentionModel is local_retention and remote_retention: exactly one of count (linear) and
// rollup.
type retentionModel struct {
	Count  types.Int64  `tfsdk:"count"`
	Rollup types.Object `tfsdk:"rollup"`
}

// rollupModel is the rollup attribute of a retention.
type rollupModel struct {
	Multiple types.Int64  `tfsdk:"multiple"`
	Interval types.String `tfsdk:"interval"`
}

// Metadata returns the resource type name.
func (r *protectionPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_protection_policy"
}

// Schema describes the resource.
func (r *protectionPolicyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	retention := func(where string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			MarkdownDescription: "How many recovery points of this replication are kept " + where + ": either " +
				"`{ count = N }` (the newest N, linear) or `{ rollup = { multiple = N, interval = \"DAILY\" } }` " +
				"(one per interval for N intervals). Not allowed with synchronous replication (`rpo = \"0s\"`). " +
				"To an MST store, at most 36 linear or one month of roll-up.",
			Optional: true,
			Attributes: map[string]schema.Attribute{
				"count": schema.Int64Attribute{
					MarkdownDescription: "Linear retention: the number of recovery points kept, at least 1. Conflicts with `rollup`.",
					Optional:            true,
					Validators:          []validator.Int64{int64validator.AtLeast(1)},
				},
				"rollup": schema.SingleNestedAttribute{
					MarkdownDescription: "Roll-up retention: one recovery point per `interval` for `multiple` intervals " +
						"(`multiple = 7, interval = \"DAILY\"` keeps a week of daily points). Conflicts with `count`.",
					Optional: true,
					Attributes: map[string]schema.Attribute{
						"multiple": schema.Int64Attribute{
							MarkdownDescription: "How many intervals are kept, at least 1.",
							Required:            true,
							Validators:          []validator.Int64{int64validator.AtLeast(1)},
						},
						"interval": schema.StringAttribute{
							MarkdownDescription: "The interval: `" + strings.Join(rollupIntervals, "`, `") + "`.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.OneOf(rollupIntervals...)},
						},
					},
				},
			},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A protection policy (protection rule): the VMs a category filter selects are " +
			"snapshotted at their primary location and replicated between locations, asynchronously (`rpo` of an " +
			"hour or more), NearSync (1 to 15 minutes) or synchronously (`rpo = \"0s\"`). Locations are named by " +
			"`label`, and `replications` go `from` one label `to` another: a bidirectional policy has one " +
			"replication each way, and several replications between the same two locations are several schedules. " +
			"Disaster recovery must be enabled and the Prism Centrals paired (`nutanixdr_availability_zone`). " +
			"Every argument can be changed in place.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the protection rule, also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Name of the policy, 1 to %d characters.", maxPolicyNameLength),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxPolicyNameLength)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Free-form description, at most %d characters.", maxDescriptionLength),
				Optional:            true,
				Validators:          descriptionValidators(),
			},
			"start_time": schema.StringAttribute{
				MarkdownDescription: "Time of day of the first snapshot, as `\"HHh:MMm\"` between `\"00h:00m\"` and " +
					"`\"23h:59m\"` (e.g. `\"18h:00m\"`), in the time zone of Prism Central. Unset, the policy starts at once.",
				Optional:   true,
				Validators: []validator.String{startTimeValidator()},
			},
			"category_filter": schema.SingleNestedAttribute{
				MarkdownDescription: "The VMs the policy protects: those carrying the listed categories.",
				Required:            true,
				Attributes: map[string]schema.Attribute{
					"match": schema.StringAttribute{
						MarkdownDescription: "`ANY`: a VM carrying any of the categories is protected; `ALL`: only a VM " +
							"carrying all of them. Defaults to `ANY`.",
						Optional:   true,
						Computed:   true,
						Default:    stringdefault.StaticString(matchAny),
						Validators: []validator.String{stringvalidator.OneOf(matchAny, matchAll)},
					},
					"categories": schema.MapAttribute{
						MarkdownDescription: "Category key to the list of its values, e.g. " +
							"`{ \"replicated-vm\" = [\"from-canada\"] }`. The keys and values must exist " +
							"(`nutanixdr_category`, `nutanixdr_category_value`) on the Prism Centrals of the policy.",
						ElementType: types.ListType{ElemType: types.StringType},
						Required:    true,
						Validators: []validator.Map{
							mapvalidator.SizeAtLeast(1),
							mapvalidator.KeysAre(categoryNameValidators()...),
							mapvalidator.ValueListsAre(
								listvalidator.SizeAtLeast(1),
								listvalidator.UniqueValues(),
								listvalidator.ValueStringsAre(categoryNameValidators()...),
							),
						},
					},
				},
			},
			"locations": schema.ListNestedAttribute{
				MarkdownDescription: "The locations of the policy, in order of preference: each an availability zone " +
					"(the Local one of this Prism Central or a paired one) with its clusters, or an MST store. " +
					"Replications name them by `label`. Exactly one is `primary`.",
				Required:   true,
				Validators: []validator.List{listvalidator.SizeAtLeast(2)},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"label": schema.StringAttribute{
							MarkdownDescription: "Name of the location inside this resource, unique among `locations`, " +
								"used by `from` and `to` of `replications` (e.g. `\"canada\"`). Not sent to Prism Central.",
							Required:   true,
							Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"availability_zone_id": schema.StringAttribute{
							MarkdownDescription: "UUID of the availability zone, as this Prism Central knows it: " +
								"`data.nutanixdr_availability_zone.<local>.id` for this one (`local = true`), " +
								"`nutanixdr_availability_zone.<pairing>.id` for a paired one.",
							Required:   true,
							Validators: []validator.String{uuidString()},
						},
						"cluster_ids": schema.ListAttribute{
							MarkdownDescription: "UUIDs of the clusters of the location (`data.nutanixdr_cluster.<name>.id`). " +
								"Unset, Prism Central chooses; required at both ends of synchronous replication. " +
								"Conflicts with `mst_target_id`.",
							ElementType: types.StringType,
							Optional:    true,
							Validators: []validator.List{
								listvalidator.SizeAtLeast(1),
								listvalidator.UniqueValues(),
								listvalidator.ValueStringsAre(uuidString()),
							},
						},
						"primary": schema.BoolAttribute{
							MarkdownDescription: "Whether the protected VMs run here. Exactly one location is primary. " +
								"Defaults to `false`.",
							Optional: true,
							Computed: true,
							Default:  booldefault.StaticBool(false),
						},
						"mst_target_id": schema.StringAttribute{
							MarkdownDescription: "UUID of an MST store (`nutanixdr_mst_target.<name>.id`), an S3 or Nutanix " +
								"Objects bucket: the location is that store instead of clusters. An MST location is " +
								"never a `from` of a replication, never primary, and keeps at most 36 linear or one month " +
								"of roll-up recovery points. Conflicts with `cluster_ids`.",
							Optional:   true,
							Validators: []validator.String{uuidString()},
						},
					},
				},
			},
			"replications": schema.ListNestedAttribute{
				MarkdownDescription: "The replications: each copies the recovery points of the VMs at `from` to `to` " +
					"every `rpo`. Those between the same two locations are schedules of one connection, in the order " +
					"given; give one in each direction for failback.",
				Required:   true,
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"from": schema.StringAttribute{
							MarkdownDescription: "Label of the source location; never an MST store.",
							Required:            true,
						},
						"to": schema.StringAttribute{
							MarkdownDescription: "Label of the destination location, another than `from`.",
							Required:            true,
						},
						"rpo": schema.StringAttribute{
							MarkdownDescription: "Recovery point objective, as a Go duration string: `\"0s\"` for " +
								"synchronous replication, `\"1m\"` to `\"15m\"` in whole minutes for NearSync, or one of " +
								"`\"1h\"`, `\"2h\"`, `\"3h\"`, `\"4h\"`, `\"6h\"`, `\"8h\"`, `\"12h\"`, `\"24h\"`, " +
								"`\"168h\"` (a week), `\"336h\"` (two weeks).",
							CustomType: timetypes.GoDurationType{},
							Required:   true,
						},
						"snapshot_type": schema.StringAttribute{
							MarkdownDescription: "`" + client.SnapshotTypeCrashConsistent + "` or `" +
								client.SnapshotTypeApplicationConsistent + "` (quiesces the guest through Nutanix " +
								"Guest Tools). Defaults to `" + client.SnapshotTypeCrashConsistent + "`.",
							Optional:   true,
							Computed:   true,
							Default:    stringdefault.StaticString(client.SnapshotTypeCrashConsistent),
							Validators: []validator.String{stringvalidator.OneOf(client.SnapshotTypes...)},
						},
						"local_retention":  retention("at the source (`from`)"),
						"remote_retention": retention("at the destination (`to`)"),
						"auto_suspend_timeout": schema.StringAttribute{
							MarkdownDescription: "Synchronous replication only: how long a lost connection to the " +
								"destination is tolerated before the replication is suspended (and the VMs keep " +
								"running unprotected), as a Go duration string such as `\"30s\"`. Unset, it is never " +
								"suspended automatically.",
							CustomType: timetypes.GoDurationType{},
							Optional:   true,
							Validators: []validator.String{positiveDuration()},
						},
					},
				},
			},
			"protected_vm_ids": schema.SetAttribute{
				MarkdownDescription: "UUIDs of the VMs the policy covers now, as Prism Central reports them. It " +
					"changes as VMs gain or lose the categories of `category_filter`, so it is read again at every " +
					"refresh, and a VM tagged in the same apply may only show at the next one.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"timeouts": taskTimeoutsAttribute(ctx, "protection rule"),
		},
	}
}

// Configure receives the provider data.
func (r *protectionPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create creates the protection rule and waits for its task.
func (r *protectionPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan protectionPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Values unknown at plan time were skipped by ValidateConfig; they are known now.
	resp.Diagnostics.Append(validateProtectionPolicy(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultTaskTimeout)
	resp.Diagnostics.Append(diags...)
	rule, diags := expandProtectionPolicy(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	name := plan.Name.ValueString()
	created, err := r.data.client.CreateProtectionPolicy(ctx, rule)
	if err != nil {
		createFailed(ctx, resp, kindProtectionPolicy, name, created, func(e *client.ProtectionPolicy) string { return e.UUID }, err)
		return
	}
	state, diags := flattenProtectionPolicy(ctx, created, &plan, nil)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.ProtectedVMIDs = r.protectedVMs(ctx, created.UUID, &resp.Diagnostics)
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Read refreshes the policy. A rule deleted outside Terraform is removed from the state, so
// that the next plan creates it again. Right after an import, the labels of the import ID (or
// generated ones) name the locations.
func (r *protectionPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state protectionPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	rule, err := r.data.client.GetProtectionPolicy(ctx, id)
	if !readFound(ctx, resp, kindProtectionPolicy, id, err) {
		return
	}

	prior := &state
	var labels []string
	if state.Name.IsNull() {
		// Imported: nothing to align with but the labels of the import ID.
		prior = nil
		raw, diags := req.Private.GetKey(ctx, privateImportLabels)
		resp.Diagnostics.Append(diags...)
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &labels); err != nil {
				resp.Diagnostics.AddError(errorSummary(opImport, kindProtectionPolicy),
					fmt.Sprintf("The location labels kept from the import ID do not decode: %s. This is a bug in the provider: please report it.", err))
				return
			}
		}
		if resp.Private != nil { // nil when a list resource reads it (list_resources.go)
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportLabels, nil)...)
		}
		if len(labels) > 0 && len(labels) != len(rule.Locations) {
			resp.Diagnostics.AddError(errorSummary(opImport, kindProtectionPolicy),
				fmt.Sprintf("The import ID names %d location labels (%s), but protection policy %s has %d locations. "+
					"Give one label per location, in the order of the policy, or none.",
					len(labels), strings.Join(labels, ","), id, len(rule.Locations)))
			return
		}
	}
	next, diags := flattenProtectionPolicy(ctx, rule, prior, labels)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	next.ProtectedVMIDs = r.protectedVMs(ctx, rule.UUID, &resp.Diagnostics)
	next.Timeouts = state.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

// Update changes the rule in place. A change that Prism Central does not see (labels, the
// timeouts) is stored without calling it.
func (r *protectionPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state protectionPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateProtectionPolicy(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultTaskTimeout)
	resp.Diagnostics.Append(diags...)
	want, diags := expandProtectionPolicy(ctx, plan)
	resp.Diagnostics.Append(diags...)
	had, diags := expandProtectionPolicy(ctx, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id := state.ID.ValueString()
	var rule *client.ProtectionPolicy
	var err error
	if reflect.DeepEqual(want, had) {
		rule, err = r.data.client.GetProtectionPolicy(ctx, id)
	} else {
		want.UUID = id
		rule, err = r.data.client.UpdateProtectionPolicy(ctx, want)
	}
	if err != nil {
		addEntityError(&resp.Diagnostics, opUpdate, kindProtectionPolicy, "Protection rule", plan.Name.ValueString(), id, err)
		return
	}
	next, diags := flattenProtectionPolicy(ctx, rule, &plan, nil)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	next.ProtectedVMIDs = r.protectedVMs(ctx, rule.UUID, &resp.Diagnostics)
	next.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

// Delete deletes the rule and waits for its task; a rule already gone counts as deleted.
// Recovery points it made stay until they expire.
func (r *protectionPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state protectionPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteEntity(ctx, state.Timeouts, &resp.Diagnostics, kindProtectionPolicy, state.Name.ValueString(), state.ID.ValueString(), r.data.client.DeleteProtectionPolicy)
}

// ImportState imports a policy by its UUID, optionally followed by "/" and the labels of its
// locations in order, comma-separated: `<uuid>/canada,france`. Without labels the locations are
// labeled location-1, location-2, ...
func (r *protectionPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, labels, err := parseProtectionPolicyImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of nutanixdr_protection_policy is the UUID of the protection rule, optionally "+
				"followed by \"/\" and the labels of its locations in order, such as "+
				"\"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b/canada,france\": %s; got %q.%s", err, req.ID,
				importByNameHint("nutanixdr_protection_policy", "nutanixdr_protection_policies")))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	if len(labels) > 0 {
		raw, err := json.Marshal(labels)
		if err != nil {
			resp.Diagnostics.AddError(summaryInvalidImportID, "Could not keep the labels of the import ID: "+err.Error())
			return
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportLabels, raw)...)
	}
}

// ValidateConfig checks, at plan time, what the attribute validators cannot: the rules between
// attributes. Values still unknown are skipped; Create and Update check them again.
func (r *protectionPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg protectionPolicyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateProtectionPolicy(ctx, cfg)...)
}

// protectedVMs returns the set of the VMs rule uuid covers (policyVMs).
func (r *protectionPolicyResource) protectedVMs(ctx context.Context, uuid string, diags *diag.Diagnostics) types.Set {
	return policyVMs(ctx, r.data.client, uuid, diags)
}

// policyVMs returns the set of the VMs rule uuid covers. A failure is a warning with an empty
// set: the rule itself is in place, and the next refresh reads the VMs again.
func policyVMs(ctx context.Context, c *client.Client, uuid string, diags *diag.Diagnostics) types.Set {
	ids, err := c.ProtectedVMUUIDs(ctx, uuid)
	if err != nil {
		diags.AddWarning("Could not read the VMs of protection policy "+uuid,
			fmt.Sprintf("protected_vm_ids is left empty until the next refresh:\n\n%s", err))
		ids = nil
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	set, d := types.SetValueFrom(ctx, types.StringType, slices.Compact(ids))
	diags.Append(d...)
	return set
}

// parseProtectionPolicyImportID splits an import ID into the rule UUID and the location
// labels, if any.
func parseProtectionPolicyImportID(s string) (string, []string, error) {
	id, rest, hasLabels := strings.Cut(s, "/")
	if !isUUID(id) {
		return "", nil, errors.New("it does not start with a UUID")
	}
	if !hasLabels {
		return id, nil, nil
	}
	labels := strings.Split(rest, ",")
	seen := make(map[string]bool, len(labels))
	for _, l := range labels {
		if l == "" {
			return "", nil, errors.New("a label is empty")
		}
		if seen[l] {
			return "", nil, fmt.Errorf("the label %q is given twice", l)
		}
		seen[l] = true
	}
	return id, labels, nil
}
