package provider

import (
	"context"
	"fmt"
	"reflect"

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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ resource.Resource                   = (*recoveryPlanResource)(nil)
	_ resource.ResourceWithConfigure      = (*recoveryPlanResource)(nil)
	_ resource.ResourceWithImportState    = (*recoveryPlanResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*recoveryPlanResource)(nil)
	_ resource.ResourceWithValidateConfig = (*recoveryPlanResource)(nil)
)

// kindRecoveryPlan names the entity in diagnostics.
const kindRecoveryPlan = "recovery plan"

// newRecoveryPlanResource is the constructor the provider registers.
func newRecoveryPlanResource() resource.Resource {
	return &recoveryPlanResource{}
}

// recoveryPlanResource manages a recovery plan: what a failover brings back, in which order
// (stages), on which networks and with which addresses, and whether a witness may start it.
type recoveryPlanResource struct {
	data *providerData
}

// recoveryPlanModel is the resource's configuration, plan and state. Nested lists and objects
// stay framework values so that the parts of a configuration unknown at plan time can be
// validated around.
type recoveryPlanModel struct {
	ID               types.String   `tfsdk:"id"`
	Name             types.String   `tfsdk:"name"`
	Description      types.String   `tfsdk:"description"`
	PrimaryLocation  types.Object   `tfsdk:"primary_location"`
	RecoveryLocation types.Object   `tfsdk:"recovery_location"`
	Stages           types.List     `tfsdk:"stages"`
	NetworkMappings  types.List     `tfsdk:"network_mappings"`
	IPAssignments    types.List     `tfsdk:"ip_assignments"`
	FloatingIPs      types.List     `tfsdk:"floating_ips"`
	Witness          types.Object   `tfsdk:"witness"`
	CutoverMode      types.String   `tfsdk:"cutover_mode"`
	EntityCount      types.Int64    `tfsdk:"entity_count"`
	Validation       types.List     `tfsdk:"validation"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

// recoveryPlanLocationModel is primary_location and recovery_location.
type recoveryPlanLocationModel struct {
	AvailabilityZoneID types.String `tfsdk:"availability_zone_id"`
	ClusterIDs         types.List   `tfsdk:"cluster_ids"`
}

// recoveryPlanStageModel is one element of stages.
type recoveryPlanStageModel struct {
	DelayAfter timetypes.GoDuration `tfsdk:"delay_after"`
	Entities   types.List           `tfsdk:"entities"`
}

// recoveryPlanEntityModel is one element of stages[*].entities: exactly one of categories and vm_id.
type recoveryPlanEntityModel struct {
	Categories types.Map    `tfsdk:"categories"`
	VMID       types.String `tfsdk:"vm_id"`
	Script     types.Object `tfsdk:"script"`
	PowerOn    types.Bool   `tfsdk:"power_on"`
}

// recoveryPlanScriptModel is the script of an entity selector.
type recoveryPlanScriptModel struct {
	Enabled types.Bool           `tfsdk:"enabled"`
	Timeout timetypes.GoDuration `tfsdk:"timeout"`
}

// recoveryPlanNetworkMappingModel is one element of network_mappings.
type recoveryPlanNetworkMappingModel struct {
	Stretched types.Bool   `tfsdk:"stretched"`
	Primary   types.Object `tfsdk:"primary"`
	Recovery  types.Object `tfsdk:"recovery"`
}

// recoveryPlanSiteNetworksModel is the primary or recovery side of a network mapping.
type recoveryPlanSiteNetworksModel struct {
	Production types.Object `tfsdk:"production"`
	Test       types.Object `tfsdk:"test"`
	ClusterIDs types.List   `tfsdk:"cluster_ids"`
}

// recoveryPlanNetworkModel is a production or test network.
type recoveryPlanNetworkModel struct {
	SubnetName   types.String `tfsdk:"subnet_name"`
	VPCID        types.String `tfsdk:"vpc_id"`
	GatewayIP    types.String `tfsdk:"gateway_ip"`
	PrefixLength types.Int64  `tfsdk:"prefix_length"`
}

// recoveryPlanIPAssignmentModel is one element of ip_assignments.
type recoveryPlanIPAssignmentModel struct {
	VMID       types.String `tfsdk:"vm_id"`
	Site       types.String `tfsdk:"site"`
	RecoveryIP types.String `tfsdk:"recovery_ip"`
	TestIP     types.String `tfsdk:"test_ip"`
}

// recoveryPlanFloatingIPModel is one element of floating_ips.
type recoveryPlanFloatingIPModel struct {
	VMID     types.String `tfsdk:"vm_id"`
	Site     types.String `tfsdk:"site"`
	NICID    types.String `tfsdk:"nic_id"`
	NICIP    types.String `tfsdk:"nic_ip"`
	Recovery types.Object `tfsdk:"recovery"`
	Test     types.Object `tfsdk:"test"`
}

// recoveryPlanFloatingIPConfigModel is the recovery or test floating IP of a NIC.
type recoveryPlanFloatingIPConfigModel struct {
	IP                  types.String `tfsdk:"ip"`
	AllocateDynamically types.Bool   `tfsdk:"allocate_dynamically"`
}

// recoveryPlanWitnessModel is the witness attribute.
type recoveryPlanWitnessModel struct {
	AvailabilityZoneID types.String         `tfsdk:"availability_zone_id"`
	FailoverTimeout    timetypes.GoDuration `tfsdk:"failover_timeout"`
}

// Metadata returns the resource type name.
func (r *recoveryPlanResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recovery_plan"
}

// Schema describes the resource.
func (r *recoveryPlanResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	location := func(which string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			MarkdownDescription: "The " + which + ": an availability zone and, optionally, its clusters.",
			Required:            true,
			Attributes: map[string]schema.Attribute{
				"availability_zone_id": schema.StringAttribute{
					MarkdownDescription: "UUID of the availability zone as this Prism Central knows it: " +
						"`data.nutanixdr_availability_zone.<local>.id` for this one, `nutanixdr_availability_zone.<pairing>.id` " +
						"(or the data source by name) for a paired one.",
					Required:   true,
					Validators: []validator.String{uuidString()},
				},
				"cluster_ids": schema.ListAttribute{
					MarkdownDescription: "UUIDs of the clusters (`data.nutanixdr_cluster.<name>.id`). Needed when both " +
						"locations are the same availability zone (one Prism Central managing both clusters); unset, " +
						"the plan uses the clusters its protection policies name.",
					ElementType: types.StringType,
					Optional:    true,
					Validators: []validator.List{
						listvalidator.SizeAtLeast(1),
						listvalidator.UniqueValues(),
						listvalidator.ValueStringsAre(uuidString()),
					},
				},
			},
		}
	}
	network := func(what string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			MarkdownDescription: "The " + what + ": a subnet by name, of a VPC when `vpc_id` is set. `gateway_ip` and " +
				"`prefix_length` describe its network; set both or neither. They let the plan check static IPs and " +
				"are required to place `ip_assignments` when there are several network mappings.",
			Attributes: map[string]schema.Attribute{
				"subnet_name": schema.StringAttribute{
					MarkdownDescription: fmt.Sprintf("Name of the subnet at that site, 1 to %d characters, such as "+
						"`vlan50-prod`. It must exist there (checked when the provider's Prism Central manages that site, "+
						"by Prism Central otherwise).", maxRecoveryNetworkNameLength),
					Required:   true,
					Validators: []validator.String{stringvalidator.LengthBetween(1, maxRecoveryNetworkNameLength)},
				},
				"vpc_id": schema.StringAttribute{
					MarkdownDescription: "UUID of the VPC the subnet belongs to (`nutanixdr_vpc.<name>.id`), for an overlay " +
						"subnet. Unset for a VLAN subnet.",
					Optional:   true,
					Validators: []validator.String{uuidString()},
				},
				"gateway_ip": schema.StringAttribute{
					MarkdownDescription: "Default gateway of the subnet, such as `192.168.50.1`: neither the network " +
						"nor the broadcast address of `gateway_ip/prefix_length`.",
					Optional:   true,
					Validators: []validator.String{ipv4String()},
				},
				"prefix_length": schema.Int64Attribute{
					MarkdownDescription: "Prefix length of the subnet's network, 1 to 30 (`24` for a /24).",
					Optional:            true,
					Validators:          []validator.Int64{int64validator.Between(1, 30)},
				},
			},
		}
	}
	side := func(which string) schema.SingleNestedAttribute {
		prod := network("network the VMs are recovered into at the " + which + " location by a failover or migration")
		prod.Required = true
		test := network("network the VMs are recovered into at the " + which + " location by a test failover; it must " +
			"differ from `production`")
		test.Optional = true
		return schema.SingleNestedAttribute{
			MarkdownDescription: "The networks at the " + which + " location.",
			Required:            true,
			Attributes: map[string]schema.Attribute{
				"production": prod,
				"test":       test,
				"cluster_ids": schema.ListAttribute{
					MarkdownDescription: "UUIDs of the clusters of the " + which + " location these networks apply to " +
						"(the mapping's `cluster_reference_list`), for a location with several clusters mapped " +
						"differently. Unset: the location's `cluster_ids` when both locations are the same " +
						"availability zone (the clusters tell the sides apart), else none.",
					ElementType: types.StringType,
					Optional:    true,
					Validators:  []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(uuidString())},
				},
			},
		}
	}
	floatingConfig := func(what string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			MarkdownDescription: "The floating IP the NIC gets on " + what + ": exactly one of `ip` and `allocate_dynamically`.",
			Optional:            true,
			Attributes: map[string]schema.Attribute{
				"ip": schema.StringAttribute{
					MarkdownDescription: "The floating IP address. Conflicts with `allocate_dynamically`.",
					Optional:            true,
					Validators:          []validator.String{ipv4String()},
				},
				"allocate_dynamically": schema.BoolAttribute{
					MarkdownDescription: "`true` to let Prism Central allocate a floating IP (`false` is refused: " +
						"leave it unset). Conflicts with `ip`.",
					Optional: true,
				},
			},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A recovery plan: what a failover from `primary_location` to `recovery_location` (or back) " +
			"recovers, in which order (`stages`, each started after the previous one plus its `delay_after`), on which " +
			"networks (`network_mappings`), with which static or floating IPs, and whether a witness may fail over " +
			"automatically (synchronous replication only). The VMs must be protected by a protection policy " +
			"(`nutanixdr_protection_policy`) toward the recovery location. Prism Central shares the plan with the paired " +
			"Prism Central, from which a failover is started. Every argument can be changed in place.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the recovery plan, also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Name of the plan, 1 to %d characters.", maxRecoveryPlanNameLength),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxRecoveryPlanNameLength)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Free-form description, at most %d characters.", maxDescriptionLength),
				Optional:            true,
				Validators:          descriptionValidators(),
			},
			"primary_location":  location("location the VMs run at (the protected site)"),
			"recovery_location": location("location the VMs are recovered at; another availability zone, or other clusters of the same one"),
			"stages": schema.ListNestedAttribute{
				MarkdownDescription: "The stages, in power-on order. The entities of a stage are recovered together; " +
					"the next stage starts `delay_after` the end of this one. Put what others depend on first " +
					"(a DNS server, then the applications).",
				Required:   true,
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"delay_after": schema.StringAttribute{
							MarkdownDescription: "How long to wait after this stage before starting the next one, as a Go " +
								"duration string in whole seconds (`\"30s\"`, `\"2m\"`); not negative. Unset, no delay.",
							CustomType: timetypes.GoDurationType{},
							Optional:   true,
						},
						"entities": schema.ListNestedAttribute{
							MarkdownDescription: "What the stage recovers: each element selects VMs either by " +
								"`categories` (every VM carrying all of them) or by `vm_id`, exactly one of the two.",
							Required:   true,
							Validators: []validator.List{listvalidator.SizeAtLeast(1)},
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"categories": schema.MapAttribute{
										MarkdownDescription: "Category key to value, such as `{ \"replicated-vm\" = \"from-canada\" }`: " +
											"the VMs carrying all of them. Conflicts with `vm_id`.",
										ElementType: types.StringType,
										Optional:    true,
										Validators: []validator.Map{
											mapvalidator.SizeAtLeast(1),
											mapvalidator.KeysAre(categoryNameValidators()...),
											mapvalidator.ValueStringsAre(categoryNameValidators()...),
										},
									},
									"vm_id": schema.StringAttribute{
										MarkdownDescription: "UUID of one VM at the primary location (`data.nutanixdr_vm.<name>.id`). " +
											"Conflicts with `categories`.",
										Optional:   true,
										Validators: []validator.String{uuidString()},
									},
									"script": schema.SingleNestedAttribute{
										MarkdownDescription: "Whether the recovery script inside the guest runs after recovery " +
											"(through Nutanix Guest Tools), and for how long at most.",
										Optional: true,
										Attributes: map[string]schema.Attribute{
											"enabled": schema.BoolAttribute{
												MarkdownDescription: "`true` to run the script.",
												Required:            true,
											},
											"timeout": schema.StringAttribute{
												MarkdownDescription: "Time limit of the script, as a Go duration string in whole " +
													"seconds such as `\"5m\"`. Unset, Prism Central's default.",
												CustomType: timetypes.GoDurationType{},
												Optional:   true,
												Validators: []validator.String{positiveDuration()},
											},
										},
									},
									"power_on": schema.BoolAttribute{
										MarkdownDescription: "Whether the recovered VMs are powered on (`true`) or left off " +
											"(`false`). Unset, Prism Central's default (on).",
										Optional: true,
									},
								},
							},
						},
					},
				},
			},
			"network_mappings": schema.ListNestedAttribute{
				MarkdownDescription: "Which network at the recovery location a VM's network at the primary location " +
					"maps to, and back: for each side, the `production` network (failover, migration) and the " +
					"`test` network (test failover).",
				Optional: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"stretched": schema.BoolAttribute{
							MarkdownDescription: "Whether the networks are stretched across the two locations (one layer-2 " +
								"network), so that VMs keep their addresses. Defaults to `false`.",
							Optional: true,
							Computed: true,
							Default:  booldefault.StaticBool(false),
						},
						"primary":  side("primary"),
						"recovery": side("recovery"),
					},
				},
			},
			"ip_assignments": schema.ListNestedAttribute{
				MarkdownDescription: "Static IPs of VMs after recovery at a site: `recovery_ip` in the `production` network " +
					"and `test_ip` in the `test` network of that site's side of a network mapping. The mapping is the " +
					"one whose network contains the address (the only one when there is one). At most one element per " +
					"VM and site. The order is kept; an import lists them mapping by mapping, the primary site first.",
				Optional: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"vm_id": schema.StringAttribute{
							MarkdownDescription: "UUID of the VM (`data.nutanixdr_vm.<name>.id`).",
							Required:            true,
							Validators:          []validator.String{uuidString()},
						},
						"site": schema.StringAttribute{
							MarkdownDescription: "Where the addresses apply: `recovery` (failover to the recovery location) " +
								"or `primary` (failback to the primary location).",
							Required:   true,
							Validators: []validator.String{stringvalidator.OneOf(recoveryPlanSites...)},
						},
						"recovery_ip": schema.StringAttribute{
							MarkdownDescription: "Address in the site's production network, after a failover or migration.",
							Optional:            true,
							Validators:          []validator.String{ipv4String()},
						},
						"test_ip": schema.StringAttribute{
							MarkdownDescription: "Address in the site's test network, after a test failover.",
							Optional:            true,
							Validators:          []validator.String{ipv4String()},
						},
					},
				},
			},
			"floating_ips": schema.ListNestedAttribute{
				MarkdownDescription: "Floating IPs (of a VPC's external subnet) given to a VM's NIC after recovery at a site.",
				Optional:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"vm_id": schema.StringAttribute{
							MarkdownDescription: "UUID of the VM.",
							Required:            true,
							Validators:          []validator.String{uuidString()},
						},
						"site": schema.StringAttribute{
							MarkdownDescription: "Where the floating IPs apply: `recovery` or `primary`.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.OneOf(recoveryPlanSites...)},
						},
						"nic_id": schema.StringAttribute{
							MarkdownDescription: "UUID of the VM's NIC.",
							Required:            true,
							Validators:          []validator.String{uuidString()},
						},
						"nic_ip": schema.StringAttribute{
							MarkdownDescription: "Address of that NIC, to tell it apart.",
							Optional:            true,
							Validators:          []validator.String{ipv4String()},
						},
						"recovery": floatingConfig("failover or migration"),
						"test":     floatingConfig("test failover"),
					},
				},
			},
			"witness": schema.SingleNestedAttribute{
				MarkdownDescription: "A witness that fails over automatically when the primary location is lost. Only with " +
					"synchronous replication: a protection policy with `rpo = \"0s\"` between the two locations must cover " +
					"the plan's VMs (checked when applying).",
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"availability_zone_id": schema.StringAttribute{
						MarkdownDescription: "UUID of the availability zone the witness runs in.",
						Required:            true,
						Validators:          []validator.String{uuidString()},
					},
					"failover_timeout": schema.StringAttribute{
						MarkdownDescription: "How long the primary location may be unreachable before the witness fails over, " +
							"as a Go duration string in whole seconds such as `\"30s\"`.",
						CustomType: timetypes.GoDurationType{},
						Required:   true,
						Validators: []validator.String{positiveDuration()},
					},
				},
			},
			"cutover_mode": schema.StringAttribute{
				MarkdownDescription: "For recovery from recovery points on network storage: `EARLY` makes the VMs " +
					"available before their data is fully restored, `LATE` after. Unset, Prism Central's default.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(recoveryPlanCutoverModes...)},
			},
			"entity_count": schema.Int64Attribute{
				MarkdownDescription: "How many entities (VMs) the plan covers now, as Prism Central computes them from its " +
					"stages. Read again at every refresh.",
				Computed: true,
			},
			"validation": schema.ListNestedAttribute{
				MarkdownDescription: "Errors and warnings Prism Central reports about the plan, such as a VM that no " +
					"protection policy covers toward the recovery location, or a network mapped at one site only. " +
					"Read again at every refresh. Over the v4 API a plan has no validation status, and a refresh starts no " +
					"job, so it is empty there: the `nutanixdr_recovery_plan` data source validates the plan on demand.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"severity": schema.StringAttribute{
							MarkdownDescription: "`ERROR` (a failover of the plan would fail) or `WARNING`; `\"\"` when " +
								"Prism Central does not say.",
							Computed: true,
						},
						"type": schema.StringAttribute{
							MarkdownDescription: "What the message is about: `ENTITY`, `NETWORK`, `RECOVERY_POINT`, `CATEGORY`, " +
								"`CONNECTIVITY`, `INFRASTRUCTURE` or `LICENSE`; `\"\"` when Prism Central does not say.",
							Computed: true,
						},
						"reason": schema.StringAttribute{
							MarkdownDescription: "The kind of problem, as Prism Central names it.",
							Computed:            true,
						},
						"message": schema.StringAttribute{
							MarkdownDescription: "The message.",
							Computed:            true,
						},
					},
				},
			},
			"timeouts": taskTimeoutsAttribute(ctx, "plan"),
		},
	}
}

// Configure receives the provider data.
func (r *recoveryPlanResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create creates the plan and waits for its task.
func (r *recoveryPlanResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan recoveryPlanModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultTaskTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Values unknown at plan time were skipped by ValidateConfig; they are known now, and so is
	// what only Prism Central can tell (subnets, synchronous policies).
	resp.Diagnostics.Append(validateRecoveryPlan(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	recoveryPlan, diags := expandRecoveryPlan(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.checkAtApply(ctx, plan, recoveryPlan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	name := plan.Name.ValueString()
	created, err := r.data.client.CreateRecoveryPlan(ctx, recoveryPlan)
	if err != nil {
		createFailed(ctx, resp, kindRecoveryPlan, name, created, func(e *client.RecoveryPlan) string { return e.UUID }, err)
		return
	}
	r.setState(ctx, created, &plan, plan.Timeouts, &resp.State, &resp.Diagnostics)
}

// Read refreshes the plan. A plan deleted outside Terraform is removed from the state, so that
// the next plan creates it again.
func (r *recoveryPlanResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state recoveryPlanModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	recoveryPlan, err := r.data.client.GetRecoveryPlan(ctx, id)
	if !readFound(ctx, resp, kindRecoveryPlan, id, err) {
		return
	}
	prior := &state
	if state.Name.IsNull() {
		prior = nil // Imported: nothing to align with.
	}
	r.setState(ctx, recoveryPlan, prior, state.Timeouts, &resp.State, &resp.Diagnostics)
}

// Update changes the plan in place. A change Prism Central does not see (the timeouts) is
// stored without calling it.
func (r *recoveryPlanResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state recoveryPlanModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultTaskTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	resp.Diagnostics.Append(validateRecoveryPlan(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	want, diags := expandRecoveryPlan(ctx, plan)
	resp.Diagnostics.Append(diags...)
	had, diags := expandRecoveryPlan(ctx, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	var recoveryPlan *client.RecoveryPlan
	var err error
	if reflect.DeepEqual(want, had) {
		recoveryPlan, err = r.data.client.GetRecoveryPlan(ctx, id)
	} else {
		r.checkAtApply(ctx, plan, want, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		want.UUID = id
		recoveryPlan, err = r.data.client.UpdateRecoveryPlan(ctx, want)
	}
	if err != nil {
		addEntityError(&resp.Diagnostics, opUpdate, kindRecoveryPlan, "Recovery plan", plan.Name.ValueString(), id, err)
		return
	}
	r.setState(ctx, recoveryPlan, &plan, plan.Timeouts, &resp.State, &resp.Diagnostics)
}

// Delete deletes the plan and waits for its task; a plan already gone counts as deleted.
func (r *recoveryPlanResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state recoveryPlanModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteEntity(ctx, state.Timeouts, &resp.Diagnostics, kindRecoveryPlan, state.Name.ValueString(), state.ID.ValueString(), r.data.client.DeleteRecoveryPlan)
}

// ImportState imports a plan by its UUID.
func (r *recoveryPlanResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isUUID(req.ID) {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of nutanixdr_recovery_plan is the UUID of the recovery plan, such as "+
				"\"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b\"; got %q.%s", req.ID,
				importByNameHint("nutanixdr_recovery_plan", "nutanixdr_recovery_plans")))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// ModifyPlan looks, at plan time, for the mapped subnets of the site this Prism Central
// manages. A missing subnet is only a warning here, since it may be created in the same apply;
// the apply checks again and fails if it is still missing.
func (r *recoveryPlanResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // Destroy, or validation before the provider is configured.
	}
	var plan recoveryPlanModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state recoveryPlanModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if plan.NetworkMappings.Equal(state.NetworkMappings) && plan.PrimaryLocation.Equal(state.PrimaryLocation) &&
			plan.RecoveryLocation.Equal(state.RecoveryLocation) {
			return // The mappings were checked when they were applied: no request on every plan.
		}
	}
	var diags diag.Diagnostics
	r.checkSubnets(ctx, plan, &diags)
	for _, d := range diags {
		if p, ok := d.(diag.DiagnosticWithPath); ok {
			resp.Diagnostics.AddAttributeWarning(p.Path(), d.Summary(), d.Detail()+
				"\n\nIf the subnet is created in the same apply, ignore this warning; otherwise the apply will fail.")
			continue
		}
		resp.Diagnostics.AddWarning(d.Summary(), d.Detail())
	}
}

// ValidateConfig checks, at plan time, the rules between attributes. Values still unknown are
// skipped; Create and Update check them again.
func (r *recoveryPlanResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg recoveryPlanModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateRecoveryPlan(ctx, cfg)...)
}

// setState stores the model of recoveryPlan, aligned with prior (nil after an import), with the plan's
// entity count read from Prism Central.
func (r *recoveryPlanResource) setState(ctx context.Context, recoveryPlan *client.RecoveryPlan, prior *recoveryPlanModel, to timeouts.Value, state interface {
	Set(context.Context, any) diag.Diagnostics
}, diags *diag.Diagnostics) {
	next, d := flattenRecoveryPlan(ctx, recoveryPlan, prior)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	next.EntityCount = r.entityCount(ctx, recoveryPlan.UUID, diags)
	next.Timeouts = to
	diags.Append(state.Set(ctx, next)...)
}

// entityCount returns how many entities plan uuid covers (planEntityCount).
func (r *recoveryPlanResource) entityCount(ctx context.Context, uuid string, diags *diag.Diagnostics) types.Int64 {
	return planEntityCount(ctx, r.data.client, uuid, diags)
}

// planEntityCount returns how many entities plan uuid covers. A failure is a warning with a
// null count: the plan itself is in place, and the next refresh reads the entities again.
func planEntityCount(ctx context.Context, c *client.Client, uuid string, diags *diag.Diagnostics) types.Int64 {
	entities, err := c.RecoveryPlanEntities(ctx, uuid)
	if err != nil {
		diags.AddWarning("Could not read the entities of recovery plan "+uuid,
			fmt.Sprintf("entity_count is left unset until the next refresh:\n\n%s", err))
		return types.Int64Null()
	}
	// An entity is reported once per availability zone that has it (live or as recovery points).
	seen := make(map[string]bool, len(entities))
	for _, e := range entities {
		seen[e.Kind+"/"+e.UUID] = true
	}
	return types.Int64Value(int64(len(seen)))
}
