package provider

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ resource.Resource                   = (*subnetResource)(nil)
	_ resource.ResourceWithConfigure      = (*subnetResource)(nil)
	_ resource.ResourceWithImportState    = (*subnetResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*subnetResource)(nil)
	_ resource.ResourceWithValidateConfig = (*subnetResource)(nil)
)

// kindSubnet names the entity in diagnostics.
const kindSubnet = "subnet"

// newSubnetResource is the constructor the provider registers.
func newSubnetResource() resource.Resource {
	return &subnetResource{}
}

// subnetResource manages a VLAN subnet of a cluster, or an overlay subnet of a VPC.
type subnetResource struct {
	data *providerData
}

// subnetModel is the resource's configuration and state.
type subnetModel struct {
	ID          types.String   `tfsdk:"id"`
	Name        types.String   `tfsdk:"name"`
	Description types.String   `tfsdk:"description"`
	Type        types.String   `tfsdk:"type"`
	ClusterID   types.String   `tfsdk:"cluster_id"`
	VLANID      types.Int64    `tfsdk:"vlan_id"`
	IsExternal  types.Bool     `tfsdk:"is_external"`
	EnableNAT   types.Bool     `tfsdk:"enable_nat"`
	VPCID       types.String   `tfsdk:"vpc_id"`
	IPConfig    types.Object   `tfsdk:"ip_config"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// subnetIPConfigModel is the ip_config object.
type subnetIPConfigModel struct {
	CIDR      types.String `tfsdk:"cidr"`
	GatewayIP types.String `tfsdk:"gateway_ip"`
	Pools     types.List   `tfsdk:"pools"`
	DHCP      types.Object `tfsdk:"dhcp"`
}

// subnetPoolModel is one element of ip_config.pools.
type subnetPoolModel struct {
	Start types.String `tfsdk:"start"`
	End   types.String `tfsdk:"end"`
}

// subnetDHCPModel is the ip_config.dhcp object.
type subnetDHCPModel struct {
	DNSServers   types.List   `tfsdk:"dns_servers"`
	DomainName   types.String `tfsdk:"domain_name"`
	DomainSearch types.List   `tfsdk:"domain_search"`
}

// Attribute types of the nested objects, for building values.
var (
	subnetPoolAttrTypes = map[string]attr.Type{"start": types.StringType, "end": types.StringType}
	subnetDHCPAttrTypes = map[string]attr.Type{
		"dns_servers":   types.ListType{ElemType: types.StringType},
		"domain_name":   types.StringType,
		"domain_search": types.ListType{ElemType: types.StringType},
	}
	subnetIPConfigAttrTypes = map[string]attr.Type{
		"cidr":       types.StringType,
		"gateway_ip": types.StringType,
		"pools":      types.ListType{ElemType: types.ObjectType{AttrTypes: subnetPoolAttrTypes}},
		"dhcp":       types.ObjectType{AttrTypes: subnetDHCPAttrTypes},
	}
)

// Metadata returns the resource type name.
func (r *subnetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_subnet"
}

// Schema describes the resource.
func (r *subnetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A subnet of Prism Central: a `VLAN` subnet of a cluster, or an `OVERLAY` subnet of a VPC " +
			"(`nutanixdr_vpc`). An external VLAN subnet (`is_external = true`) is the uplink of VPCs; with " +
			"`enable_nat = false` it does no NAT, so the VMs of the VPCs' overlay subnets keep their addresses outside, " +
			"which is what recovering them with the same IP in another region needs. Name, description, VLAN id and " +
			"IP configuration change in place; the type, the cluster, the VPC and the external/NAT settings replace " +
			"the subnet. Fields of the subnet this resource does not manage are kept on update.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the subnet, also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Name of the subnet, 1 to %d characters, such as `vpc-a-overlay`.",
					maxSubnetNameLength),
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, maxSubnetNameLength)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Free-form description, at most %d characters. Defaults to `\"\"`.",
					maxDescriptionLength),
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: descriptionValidators(),
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "`VLAN` (a subnet of a cluster, on a VLAN of its physical network) or `OVERLAY` " +
					"(a subnet of a VPC). Changing it replaces the subnet.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(client.SubnetTypes...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the cluster of a `VLAN` subnet (required for `VLAN`, not allowed for " +
					"`OVERLAY`), e.g. `data.nutanixdr_cluster.tokyo.id`. Changing it replaces the subnet.",
				Optional:      true,
				Validators:    []validator.String{uuidString()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"vlan_id": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("VLAN id of a `VLAN` subnet, 0 to %d (required for `VLAN`, not allowed "+
					"for `OVERLAY`).", maxVLANID),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxVLANID)},
			},
			"is_external": schema.BoolAttribute{
				MarkdownDescription: "Whether a `VLAN` subnet is external: the uplink VPCs reach the outside through " +
					"(`external_subnet_ids` of `nutanixdr_vpc`). Only `VLAN` subnets can be external. Defaults to " +
					"`false`. Changing it replaces the subnet.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"enable_nat": schema.BoolAttribute{
				MarkdownDescription: "Whether Prism Central translates the addresses of the VPCs attached to this " +
					"external subnet; only allowed with `is_external = true`. Set `false` for a no-NAT uplink: the " +
					"VPCs' `externally_routable_prefixes` are then reachable as they are, and their overlay subnets " +
					"must lie inside them. Left unset, Prism Central's default applies (NAT) and is not tracked. " +
					"Turning NAT on or off replaces the subnet.",
				Optional: true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplaceIf(natChanged,
					"Turning NAT on or off replaces the subnet.", "Turning NAT on or off replaces the subnet.")},
			},
			"vpc_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the VPC of an `OVERLAY` subnet (required for `OVERLAY`, not allowed for " +
					"`VLAN`), e.g. `nutanixdr_vpc.a.id`. Changing it replaces the subnet.",
				Optional:      true,
				Validators:    []validator.String{uuidString()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"ip_config": schema.SingleNestedAttribute{
				MarkdownDescription: "IP address management of the subnet: its network, gateway, address pools and " +
					"DHCP options. Required for `OVERLAY` and external subnets; a `VLAN` subnet without it is not " +
					"managed by Prism Central's IPAM. Removing it replaces the subnet.",
				Optional: true,
				PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplaceIf(ipConfigRemoved,
					"Removing ip_config replaces the subnet.", "Removing ip_config replaces the subnet.")},
				Attributes: map[string]schema.Attribute{
					"cidr": schema.StringAttribute{
						MarkdownDescription: "Network of the subnet in prefix notation, with the network address: " +
							"`172.30.1.0/24`, not `172.30.1.1/24`. It can change in place as long as the addresses " +
							"of the VMs on the subnet stay inside.",
						Required:   true,
						Validators: []validator.String{cidrString()},
					},
					"gateway_ip": schema.StringAttribute{
						MarkdownDescription: "Default gateway of the subnet, an address inside `cidr` other than its " +
							"network and broadcast addresses and outside the pools, such as `172.30.1.1`. Required for " +
							"`OVERLAY` and external subnets.",
						Optional:   true,
						Validators: []validator.String{ipv4String()},
					},
					"pools": schema.ListNestedAttribute{
						MarkdownDescription: "Ranges of addresses Prism Central hands out to VMs, inside `cidr` and " +
							"not overlapping each other.",
						Optional: true,
						NestedObject: schema.NestedAttributeObject{
							Attributes: map[string]schema.Attribute{
								"start": schema.StringAttribute{
									MarkdownDescription: "First address of the range, such as `172.30.1.100`.",
									Required:            true,
									Validators:          []validator.String{ipv4String()},
								},
								"end": schema.StringAttribute{
									MarkdownDescription: "Last address of the range (included), not before `start`, " +
										"such as `172.30.1.200`.",
									Required:   true,
									Validators: []validator.String{ipv4String()},
								},
							},
						},
					},
					"dhcp": schema.SingleNestedAttribute{
						MarkdownDescription: "Options Prism Central's DHCP server gives the VMs of the subnet.",
						Optional:            true,
						Attributes: map[string]schema.Attribute{
							"dns_servers": schema.ListAttribute{
								MarkdownDescription: fmt.Sprintf("IPv4 addresses of the DNS servers, at most %d.",
									maxDHCPListLength),
								ElementType: types.StringType,
								Optional:    true,
								Validators: []validator.List{
									listvalidator.SizeAtMost(maxDHCPListLength),
									listvalidator.ValueStringsAre(ipv4String()),
								},
							},
							"domain_name": schema.StringAttribute{
								MarkdownDescription: "Domain name of the VMs, such as `tokyo.example.com`.",
								Optional:            true,
							},
							"domain_search": schema.ListAttribute{
								MarkdownDescription: fmt.Sprintf("DNS search domains, at most %d.", maxDHCPListLength),
								ElementType:         types.StringType,
								Optional:            true,
								Validators: []validator.List{
									listvalidator.SizeAtMost(maxDHCPListLength),
									listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
								},
							},
						},
					},
				},
			},
			"timeouts": taskTimeoutsAttribute(ctx, "subnet"),
		},
	}
}

// Configure receives the provider data.
func (r *subnetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create creates the subnet and waits for its task.
func (r *subnetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan subnetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Values unknown at plan time were skipped by ValidateConfig; they are known now.
	resp.Diagnostics.Append(validateSubnet(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultTaskTimeout)
	resp.Diagnostics.Append(diags...)
	spec, diags := expandSubnet(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	name := plan.Name.ValueString()
	r.checkNoNATPlacement(ctx, spec, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	created, err := r.data.client.CreateSubnet(ctx, spec)
	if err != nil {
		createFailed(ctx, resp, kindSubnet, name, created, func(e *client.Subnet) string { return e.UUID }, err)
		return
	}
	state, diags := flattenSubnetResource(ctx, created, plan, false)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Read refreshes the subnet; a subnet deleted outside Terraform is removed from the state, so
// that the next plan creates it again.
func (r *subnetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state subnetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	s, err := r.data.client.LookupSubnet(ctx, id)
	if !readFound(ctx, resp, kindSubnet, id, err) {
		return
	}
	// Right after an import only the id is known: every attribute comes from Prism Central.
	importing := state.Name.IsNull()
	next, diags := flattenSubnetResource(ctx, s, state, importing)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

// Update changes, in place, what Prism Central updates: name, description, VLAN id and IP
// configuration. The client reads the subnet and writes it back with only these changed.
func (r *subnetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state subnetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateSubnet(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultTaskTimeout)
	resp.Diagnostics.Append(diags...)
	spec, diags := expandSubnet(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	r.checkNoNATPlacement(ctx, spec, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	updated, err := r.data.client.UpdateSubnet(ctx, id, spec)
	if err != nil {
		addClientError(&resp.Diagnostics, opUpdate, kindSubnet, plan.Name.ValueString(), err)
		return
	}
	plan.ID = state.ID
	next, diags := flattenSubnetResource(ctx, updated, plan, false)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

// Delete deletes the subnet; a subnet already gone counts as deleted. Prism Central refuses
// while VMs or VPCs use the subnet, and its message names them.
func (r *subnetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state subnetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteEntity(ctx, state.Timeouts, &resp.Diagnostics, kindSubnet, state.Name.ValueString(), state.ID.ValueString(), r.data.client.DeleteSubnet)
}

// ImportState imports a subnet by its UUID; Read fills in the rest.
func (r *subnetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isUUID(req.ID) {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of nutanixdr_subnet is the subnet UUID, such as "+
				"\"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b\"; got %q.%s", req.ID, importByNameHint("nutanixdr_subnet", "nutanixdr_subnets")))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// ModifyPlan checks, when an overlay subnet is created or its network changes and its VPC
// and network are known at plan time, that an overlay subnet of a no-NAT VPC lies inside one
// of the VPC's externally routable prefixes. A VPC created in the same apply is only known
// then: Create checks it again.
func (r *subnetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // Destroy, or not configured yet.
	}
	var plan subnetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Type.ValueString() != client.SubnetTypeOverlay || plan.VPCID.IsUnknown() || plan.VPCID.IsNull() {
		return
	}
	ipc, ok, diags := subnetIPConfig(ctx, plan.IPConfig)
	resp.Diagnostics.Append(diags...)
	if !ok || ipc.CIDR.IsUnknown() || ipc.CIDR.IsNull() {
		return
	}
	network, err := parseCIDR(ipc.CIDR.ValueString())
	if err != nil {
		return // The attribute validator reports it.
	}
	if !req.State.Raw.IsNull() {
		var state subnetModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		was, ok, _ := subnetIPConfig(ctx, state.IPConfig)
		if resp.Diagnostics.HasError() || (ok && was.CIDR.Equal(ipc.CIDR)) {
			return // The network stays: Prism Central accepted it already.
		}
	}
	r.checkPlacement(ctx, plan.VPCID.ValueString(), network, &resp.Diagnostics)
}

// ValidateConfig checks, at plan time, what the attribute validators cannot: the rules between
// attributes. Values still unknown are skipped; Create and Update check them again.
func (r *subnetResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg subnetModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateSubnet(ctx, cfg)...)
}

// checkNoNATPlacement checks, before an overlay subnet is created, that it lies inside a
// routable prefix of its VPC when the VPC does no NAT. Failures to read the VPC are left to
// the create, which reports them in Prism Central's words.
func (r *subnetResource) checkNoNATPlacement(ctx context.Context, spec client.SubnetSpec, diags *diag.Diagnostics) {
	if spec.SubnetType != client.SubnetTypeOverlay || spec.VPCUUID == "" || spec.IPConfig == nil {
		return
	}
	network, err := parseCIDR(spec.IPConfig.CIDR)
	if err != nil {
		return
	}
	r.checkPlacement(ctx, spec.VPCUUID, network, diags)
}

// checkPlacement adds an error on ip_config.cidr when the VPC vpcID has an external subnet
// without NAT and network lies in none of its externally routable prefixes. Read errors are
// only logged: the create that follows reports them in Prism Central's words.
func (r *subnetResource) checkPlacement(ctx context.Context, vpcID string, network netip.Prefix, diags *diag.Diagnostics) {
	vpc, err := r.data.client.GetVPC(ctx, vpcID)
	if err != nil {
		tflog.Debug(ctx, "could not read the VPC of an overlay subnet to check its placement", map[string]any{
			"vpc_id": vpcID, "error": err.Error(),
		})
		return
	}
	noNAT := ""
	for _, id := range vpc.ExternalSubnetUUIDs {
		ext, err := r.data.client.GetSubnet(ctx, id)
		if err != nil {
			tflog.Debug(ctx, "could not read an external subnet of a VPC", map[string]any{"subnet_id": id, "error": err.Error()})
			continue
		}
		if ext.EnableNAT != nil && !*ext.EnableNAT {
			noNAT = ext.Name
			break
		}
	}
	if noNAT == "" {
		return
	}
	if err := checkOverlayInRoutablePrefixes(network, vpc.ExternallyRoutablePrefixes); err != nil {
		diags.AddAttributeError(path.Root("ip_config").AtName("cidr"), "Overlay subnet outside the VPC's routable prefixes",
			fmt.Sprintf("ip_config.cidr: VPC %q (%s) is attached to the no-NAT external subnet %q: %s.",
				vpc.Name, vpc.UUID, noNAT, err))
	}
}

// natChanged tells whether a change of enable_nat turns NAT on or off: unset means NAT, as
// Prism Central's default, so null and true are the same.
func natChanged(_ context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
	nat := func(v types.Bool) bool { return v.IsNull() || v.ValueBool() }
	resp.RequiresReplace = !req.StateValue.IsUnknown() && !req.PlanValue.IsUnknown() && nat(req.StateValue) != nat(req.PlanValue)
}

// ipConfigRemoved tells whether the plan removes ip_config, which Prism Central cannot do in
// place.
func ipConfigRemoved(_ context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && req.PlanValue.IsNull()
}

// validateSubnet checks the rules between the attributes of a subnet; unknown values are
// skipped. Each message names the attribute it is about.
func validateSubnet(ctx context.Context, m subnetModel) diag.Diagnostics {
	var diags diag.Diagnostics
	typ := m.Type.ValueString()
	known := !m.Type.IsUnknown() && !m.Type.IsNull()
	set := func(v attr.Value) bool { return !v.IsNull() }
	misplaced := func(name string, v attr.Value, only string) {
		if set(v) {
			diags.AddAttributeError(path.Root(name), "Attribute not allowed for this subnet type",
				fmt.Sprintf("%s is only allowed with type = %q; this subnet has type = %q. Remove %s.", name, only, typ, name))
		}
	}
	missing := func(name string, v attr.Value, what string) {
		if v.IsNull() {
			diags.AddAttributeError(path.Root(name), "Missing attribute for this subnet type",
				fmt.Sprintf("%s is required with type = %q: set it to %s.", name, typ, what))
		}
	}
	if known {
		switch typ {
		case client.SubnetTypeVLAN:
			missing("cluster_id", m.ClusterID, "the UUID of the cluster (see the nutanixdr_cluster data source)")
			missing("vlan_id", m.VLANID, fmt.Sprintf("the VLAN id, 0 to %d", maxVLANID))
			misplaced("vpc_id", m.VPCID, client.SubnetTypeOverlay)
		case client.SubnetTypeOverlay:
			missing("vpc_id", m.VPCID, "the UUID of the VPC (nutanixdr_vpc)")
			missing("ip_config", m.IPConfig, "the network and gateway of the subnet")
			misplaced("cluster_id", m.ClusterID, client.SubnetTypeVLAN)
			misplaced("vlan_id", m.VLANID, client.SubnetTypeVLAN)
			if m.IsExternal.ValueBool() {
				diags.AddAttributeError(path.Root("is_external"), "Attribute not allowed for this subnet type",
					fmt.Sprintf("is_external = true is only allowed with type = %q: an overlay subnet cannot be "+
						"the external subnet of a VPC. Remove is_external.", client.SubnetTypeVLAN))
			}
		}
	}
	if set(m.EnableNAT) && !m.IsExternal.IsUnknown() && !m.IsExternal.ValueBool() {
		diags.AddAttributeError(path.Root("enable_nat"), "Attribute not allowed on an internal subnet",
			"enable_nat is only allowed with is_external = true: NAT applies to the traffic of VPCs leaving "+
				"through an external subnet. Set is_external = true, or remove enable_nat.")
	}

	external := m.IsExternal.ValueBool() && typ != client.SubnetTypeOverlay
	if external && m.IPConfig.IsNull() {
		diags.AddAttributeError(path.Root("ip_config"), "Missing IP configuration of an external subnet",
			"ip_config is required with is_external = true: the VPCs attached to an external subnet get their "+
				"addresses on it and reach the outside through its gateway. Set ip_config with cidr and gateway_ip.")
	}
	ipc, ok, d := subnetIPConfig(ctx, m.IPConfig)
	diags.Append(d...)
	if !ok {
		return diags
	}
	if ipc.GatewayIP.IsNull() && ((known && typ == client.SubnetTypeOverlay) || external) {
		diags.AddAttributeError(path.Root("ip_config").AtName("gateway_ip"), "Missing gateway",
			"ip_config.gateway_ip is required for overlay and external subnets: their traffic leaves through it. "+
				"Set it to an address inside ip_config.cidr, such as its first host.")
	}
	diags.Append(validateIPConfig(ctx, ipc)...)
	return diags
}

// validateIPConfig checks the gateway and pools against the network of ip_config.
func validateIPConfig(ctx context.Context, ipc subnetIPConfigModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if ipc.CIDR.IsUnknown() || ipc.CIDR.IsNull() {
		return diags
	}
	network, err := parseCIDR(ipc.CIDR.ValueString())
	if err != nil {
		return diags // The attribute validator reports it.
	}
	base := path.Root("ip_config")
	var gateway netip.Addr
	if !ipc.GatewayIP.IsUnknown() && !ipc.GatewayIP.IsNull() {
		if gw, err := parseIPv4(ipc.GatewayIP.ValueString()); err == nil {
			gateway = gw
			if err := checkGateway(network, gw); err != nil {
				diags.AddAttributeError(base.AtName("gateway_ip"), "Invalid gateway",
					fmt.Sprintf("ip_config.gateway_ip: %s.", err))
			}
		}
	}
	if ipc.Pools.IsUnknown() || ipc.Pools.IsNull() {
		return diags
	}
	var pools []subnetPoolModel
	diags.Append(ipc.Pools.ElementsAs(ctx, &pools, false)...)
	if diags.HasError() {
		return diags
	}
	var ranges []ipRange
	var indexes []int
	for i, p := range pools {
		if p.Start.IsUnknown() || p.End.IsUnknown() {
			continue
		}
		start, err1 := parseIPv4(p.Start.ValueString())
		end, err2 := parseIPv4(p.End.ValueString())
		if err1 != nil || err2 != nil {
			continue // The attribute validators report them.
		}
		r := ipRange{start: start, end: end}
		if err := checkPool(network, r); err != nil {
			diags.AddAttributeError(base.AtName("pools").AtListIndex(i), "Invalid address pool",
				fmt.Sprintf("ip_config.pools[%d]: %s.", i, err))
			continue
		}
		if gateway.IsValid() && r.start.Compare(gateway) <= 0 && gateway.Compare(r.end) <= 0 {
			diags.AddAttributeError(base.AtName("pools").AtListIndex(i), "Invalid address pool",
				fmt.Sprintf("ip_config.pools[%d]: the pool %s holds the gateway %s (ip_config.gateway_ip), which "+
					"no VM may be given: start the pool after it or end it before.", i, r, gateway))
		}
		ranges = append(ranges, r)
		indexes = append(indexes, i)
	}
	for _, pair := range overlappingPools(ranges) {
		i, j := indexes[pair[0]], indexes[pair[1]]
		diags.AddAttributeError(base.AtName("pools").AtListIndex(j), "Overlapping address pools",
			fmt.Sprintf("ip_config.pools[%d] (%s) overlaps ip_config.pools[%d] (%s): an address can be in one pool only.",
				j, ranges[pair[1]], i, ranges[pair[0]]))
	}
	return diags
}

// subnetIPConfig returns the ip_config object of a model, and whether it is set and known.
func subnetIPConfig(ctx context.Context, o types.Object) (subnetIPConfigModel, bool, diag.Diagnostics) {
	var ipc subnetIPConfigModel
	if o.IsNull() || o.IsUnknown() {
		return ipc, false, nil
	}
	diags := o.As(ctx, &ipc, basetypes.ObjectAsOptions{})
	return ipc, !diags.HasError(), diags
}

// expandSubnet builds the client's subnet spec from a known plan. Booleans the configuration
// sets are sent as they are, false included: a no-NAT external subnet needs enable_nat = false
// to reach Prism Central.
func expandSubnet(ctx context.Context, m subnetModel) (client.SubnetSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	spec := client.SubnetSpec{
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
		SubnetType:  m.Type.ValueString(),
		ClusterUUID: m.ClusterID.ValueString(),
		VLANID:      m.VLANID.ValueInt64Pointer(),
		VPCUUID:     m.VPCID.ValueString(),
		EnableNAT:   m.EnableNAT.ValueBoolPointer(),
	}
	if spec.SubnetType == client.SubnetTypeVLAN {
		spec.IsExternal = m.IsExternal.ValueBoolPointer()
	}
	ipc, ok, d := subnetIPConfig(ctx, m.IPConfig)
	diags.Append(d...)
	if !ok {
		return spec, diags
	}
	out := &client.IPConfig{
		CIDR:      ipc.CIDR.ValueString(),
		GatewayIP: ipc.GatewayIP.ValueString(),
	}
	if !ipc.Pools.IsNull() && !ipc.Pools.IsUnknown() {
		var pools []subnetPoolModel
		diags.Append(ipc.Pools.ElementsAs(ctx, &pools, false)...)
		for _, p := range pools {
			out.Pools = append(out.Pools, p.Start.ValueString()+"-"+p.End.ValueString())
		}
	}
	if !ipc.DHCP.IsNull() && !ipc.DHCP.IsUnknown() {
		var dhcp subnetDHCPModel
		diags.Append(ipc.DHCP.As(ctx, &dhcp, basetypes.ObjectAsOptions{})...)
		out.DNSServers = expandStringList(ctx, dhcp.DNSServers, &diags)
		out.DomainSearch = expandStringList(ctx, dhcp.DomainSearch, &diags)
		out.DomainName = dhcp.DomainName.ValueString()
	}
	spec.IPConfig = out
	return spec, diags
}

// flattenSubnetResource builds the state from the API subnet. prior is the plan or the previous
// state: optional values it leaves null stay null when Prism Central reports its defaults, and
// empty lists stay empty, so that the state matches the configuration. After an import
// (importing), everything Prism Central reports is taken.
func flattenSubnetResource(ctx context.Context, s *client.Subnet, prior subnetModel, importing bool) (subnetModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := prior
	m.ID = types.StringValue(s.UUID)
	m.Name = types.StringValue(s.Name)
	m.Description = types.StringValue(s.Description)
	m.Type = types.StringValue(s.SubnetType)
	m.IsExternal = types.BoolValue(s.IsExternal)
	m.ClusterID, m.VLANID, m.VPCID = types.StringNull(), types.Int64Null(), types.StringNull()
	switch s.SubnetType {
	case client.SubnetTypeVLAN:
		m.ClusterID = stringOrNull(s.ClusterUUID)
		m.VLANID = types.Int64PointerValue(s.VLANID)
	case client.SubnetTypeOverlay:
		m.VPCID = stringOrNull(s.VPCUUID)
	}
	switch {
	case importing || !prior.EnableNAT.IsNull():
		m.EnableNAT = types.BoolPointerValue(s.EnableNAT)
	default:
		m.EnableNAT = types.BoolNull()
	}
	var d diag.Diagnostics
	m.IPConfig, d = flattenSubnetIPConfig(ctx, s.IPConfig, prior.IPConfig)
	diags.Append(d...)
	return m, diags
}

// flattenSubnetIPConfig builds the ip_config object from the API's, shaped like prior.
func flattenSubnetIPConfig(ctx context.Context, ipc *client.IPConfig, prior types.Object) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	if ipc == nil || ipc.CIDR == "" {
		return types.ObjectNull(subnetIPConfigAttrTypes), diags
	}
	var was subnetIPConfigModel
	if !prior.IsNull() && !prior.IsUnknown() {
		diags.Append(prior.As(ctx, &was, basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true})...)
	} else {
		was = subnetIPConfigModel{
			Pools: types.ListNull(types.ObjectType{AttrTypes: subnetPoolAttrTypes}),
			DHCP:  types.ObjectNull(subnetDHCPAttrTypes),
		}
	}
	poolType := types.ObjectType{AttrTypes: subnetPoolAttrTypes}
	pools := types.ListNull(poolType)
	if len(ipc.Pools) > 0 || isEmptyList(was.Pools) {
		elems := make([]attr.Value, 0, len(ipc.Pools))
		for _, p := range ipc.Pools {
			start, end, err := client.SplitPool(p)
			if err != nil {
				start, end = p, p // Shown as read, so that the diff tells what Prism Central holds.
			}
			o, d := types.ObjectValue(subnetPoolAttrTypes, map[string]attr.Value{
				"start": types.StringValue(start), "end": types.StringValue(end),
			})
			diags.Append(d...)
			elems = append(elems, o)
		}
		var d diag.Diagnostics
		pools, d = types.ListValue(poolType, elems)
		diags.Append(d...)
	}

	dhcp := types.ObjectNull(subnetDHCPAttrTypes)
	hasDHCP := len(ipc.DNSServers) > 0 || len(ipc.DomainSearch) > 0 || ipc.DomainName != ""
	if hasDHCP || (!was.DHCP.IsNull() && !was.DHCP.IsUnknown()) {
		var wasDHCP subnetDHCPModel
		if !was.DHCP.IsNull() && !was.DHCP.IsUnknown() {
			diags.Append(was.DHCP.As(ctx, &wasDHCP, basetypes.ObjectAsOptions{})...)
		} else {
			wasDHCP = subnetDHCPModel{DNSServers: types.ListNull(types.StringType), DomainSearch: types.ListNull(types.StringType)}
		}
		var d diag.Diagnostics
		dhcp, d = types.ObjectValue(subnetDHCPAttrTypes, map[string]attr.Value{
			"dns_servers":   flattenStringList(wasDHCP.DNSServers, ipc.DNSServers),
			"domain_name":   flattenOptionalString(wasDHCP.DomainName, ipc.DomainName),
			"domain_search": flattenStringList(wasDHCP.DomainSearch, ipc.DomainSearch),
		})
		diags.Append(d...)
	}

	o, d := types.ObjectValue(subnetIPConfigAttrTypes, map[string]attr.Value{
		"cidr":       types.StringValue(ipc.CIDR),
		"gateway_ip": flattenOptionalString(was.GatewayIP, ipc.GatewayIP),
		"pools":      pools,
		"dhcp":       dhcp,
	})
	diags.Append(d...)
	return o, diags
}

// isEmptyList tells whether l is a known list with no elements.
func isEmptyList(l types.List) bool {
	return !l.IsNull() && !l.IsUnknown() && len(l.Elements()) == 0
}

// flattenStringList returns the API's strings as a list; with none, an empty list if prior was
// one and null otherwise.
func flattenStringList(prior types.List, api []string) types.List {
	if len(api) == 0 && !isEmptyList(prior) {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, 0, len(api))
	for _, s := range api {
		elems = append(elems, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, elems)
}

// flattenOptionalString returns the API's string; "" stays "" if prior was "" and is null
// otherwise.
func flattenOptionalString(prior types.String, api string) types.String {
	if api == "" && !prior.IsNull() && !prior.IsUnknown() && prior.ValueString() == "" {
		return types.StringValue("")
	}
	return stringOrNull(api)
}

// expandStringList converts a known list of strings; null or unknown gives nil.
func expandStringList(ctx context.Context, l types.List, diags *diag.Diagnostics) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(l.Elements()))
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}
