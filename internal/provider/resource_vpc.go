package provider

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ resource.Resource                   = (*vpcResource)(nil)
	_ resource.ResourceWithConfigure      = (*vpcResource)(nil)
	_ resource.ResourceWithImportState    = (*vpcResource)(nil)
	_ resource.ResourceWithValidateConfig = (*vpcResource)(nil)
)

// kindVPC names the entity in diagnostics.
const kindVPC = "VPC"

// newVPCResource is the constructor the provider registers.
func newVPCResource() resource.Resource {
	return &vpcResource{}
}

// vpcResource manages a VPC: a routing domain of overlay subnets, attached to the outside
// through external subnets.
type vpcResource struct {
	data *providerData
}

// vpcModel is the resource's configuration and state.
type vpcModel struct {
	ID                         types.String   `tfsdk:"id"`
	Name                       types.String   `tfsdk:"name"`
	Description                types.String   `tfsdk:"description"`
	ExternalSubnetIDs          types.List     `tfsdk:"external_subnet_ids"`
	ExternallyRoutablePrefixes types.List     `tfsdk:"externally_routable_prefixes"`
	DNSServers                 types.List     `tfsdk:"dns_servers"`
	Timeouts                   timeouts.Value `tfsdk:"timeouts"`
}

// Metadata returns the resource type name.
func (r *vpcResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vpc"
}

// Schema describes the resource.
func (r *vpcResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A VPC of Prism Central (Flow Virtual Networking): the routing domain of overlay subnets " +
			"(`nutanixdr_subnet` with `type = \"OVERLAY\"`), attached to the outside through external VLAN subnets. " +
			"Attached to an external subnet with `enable_nat = false`, the VPC's `externally_routable_prefixes` are " +
			"reachable as they are, and its overlay subnets must lie inside them: declaring the same prefix in a VPC " +
			"of each region lets recovered VMs keep their addresses. Its routes are `nutanixdr_vpc_route_table`. " +
			"Every attribute changes in place.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "UUID of the VPC, also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Name of the VPC, 1 to %d characters, such as `vpc-a`.", maxVPCNameLength),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxVPCNameLength)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Free-form description, at most %d characters. Defaults to `\"\"`.",
					maxDescriptionLength),
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: descriptionValidators(),
			},
			"external_subnet_ids": schema.ListAttribute{
				MarkdownDescription: "UUIDs of the external subnets (`nutanixdr_subnet` with `is_external = true`) the " +
					"VPC reaches the outside through, e.g. `[nutanixdr_subnet.external.id]`.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.List{
					listvalidator.ValueStringsAre(uuidString()),
					listvalidator.UniqueValues(),
				},
			},
			"externally_routable_prefixes": schema.ListAttribute{
				MarkdownDescription: fmt.Sprintf("Networks of the VPC, such as `172.30.0.0/16`, that are routed to the "+
					"outside without NAT through a no-NAT external subnet. Each from /%d to /%d, written with its network "+
					"address; they may not overlap each other nor the prefixes of the other VPCs of the Prism Central.",
					minRoutablePrefixLength, maxRoutablePrefixLength),
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.List{
					listvalidator.ValueStringsAre(routablePrefixString()),
					listvalidator.UniqueValues(),
				},
			},
			"dns_servers": schema.ListAttribute{
				MarkdownDescription: "IPv4 addresses of the DNS servers common to the VPC's subnets.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.List{
					listvalidator.ValueStringsAre(ipv4String()),
				},
			},
			"timeouts": taskTimeoutsAttribute(ctx, "VPC"),
		},
	}
}

// Configure receives the provider data.
func (r *vpcResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create creates the VPC and waits for its task.
func (r *vpcResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan vpcModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateVPC(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultTaskTimeout)
	resp.Diagnostics.Append(diags...)
	vpc := expandVPC(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	created, err := r.data.client.CreateVPC(ctx, vpc)
	if err != nil {
		createFailed(ctx, resp, kindVPC, vpc.Name, created, func(e *client.VPC) string { return e.UUID }, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenVPC(created, plan))...)
}

// Read refreshes the VPC; a VPC deleted outside Terraform is removed from the state, so that
// the next plan creates it again.
func (r *vpcResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state vpcModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	vpc, err := r.data.client.GetVPC(ctx, id)
	if !readFound(ctx, resp, kindVPC, id, err) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenVPC(vpc, state))...)
}

// Update changes the VPC in place. The client reads the VPC and writes it back with only the
// modeled fields changed.
func (r *vpcResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state vpcModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateVPC(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultTaskTimeout)
	resp.Diagnostics.Append(diags...)
	vpc := expandVPC(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	vpc.UUID = state.ID.ValueString()
	updated, err := r.data.client.UpdateVPC(ctx, vpc)
	if err != nil {
		addClientError(&resp.Diagnostics, opUpdate, kindVPC, vpc.Name, err)
		return
	}
	plan.ID = state.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, flattenVPC(updated, plan))...)
}

// Delete deletes the VPC; a VPC already gone counts as deleted. Prism Central refuses while
// the VPC has subnets, and says so.
func (r *vpcResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state vpcModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteEntity(ctx, state.Timeouts, &resp.Diagnostics, kindVPC, state.Name.ValueString(), state.ID.ValueString(), r.data.client.DeleteVPC)
}

// ImportState imports a VPC by its UUID; Read fills in the rest.
func (r *vpcResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isUUID(req.ID) {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of nutanixdr_vpc is the VPC UUID, such as "+
				"\"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b\"; got %q.%s", req.ID, importByNameHint("nutanixdr_vpc", "nutanixdr_vpcs")))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// ValidateConfig checks, at plan time, what the attribute validators cannot: prefixes of the
// VPC that overlap each other. Unknown values are skipped; Create and Update check again.
func (r *vpcResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg vpcModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateVPC(ctx, cfg)...)
}

// validateVPC checks that the externally routable prefixes do not overlap each other.
func validateVPC(ctx context.Context, m vpcModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.ExternallyRoutablePrefixes.IsNull() || m.ExternallyRoutablePrefixes.IsUnknown() {
		return diags
	}
	var raw []types.String
	diags.Append(m.ExternallyRoutablePrefixes.ElementsAs(ctx, &raw, false)...)
	if diags.HasError() {
		return diags
	}
	var prefixes []netip.Prefix
	var indexes []int
	for i, s := range raw {
		if s.IsNull() || s.IsUnknown() {
			continue
		}
		p, err := parseCIDR(s.ValueString())
		if err != nil {
			continue // The attribute validator reports it.
		}
		prefixes = append(prefixes, p)
		indexes = append(indexes, i)
	}
	for _, pair := range overlappingPrefixes(prefixes) {
		i, j := indexes[pair[0]], indexes[pair[1]]
		if prefixes[pair[0]] == prefixes[pair[1]] {
			continue // listvalidator.UniqueValues reports duplicates.
		}
		diags.AddAttributeError(path.Root("externally_routable_prefixes").AtListIndex(j), "Overlapping routable prefixes",
			fmt.Sprintf("externally_routable_prefixes[%d] (%s) overlaps externally_routable_prefixes[%d] (%s): the "+
				"prefixes of a VPC may not share addresses. Keep the larger one, or split them apart.",
				j, prefixes[pair[1]], i, prefixes[pair[0]]))
	}
	return diags
}

// expandVPC builds the client's VPC from a known plan.
func expandVPC(ctx context.Context, m vpcModel, diags *diag.Diagnostics) client.VPC {
	return client.VPC{
		Name:                       m.Name.ValueString(),
		Description:                m.Description.ValueString(),
		ExternalSubnetUUIDs:        expandStringList(ctx, m.ExternalSubnetIDs, diags),
		ExternallyRoutablePrefixes: expandStringList(ctx, m.ExternallyRoutablePrefixes, diags),
		DNSServers:                 expandStringList(ctx, m.DNSServers, diags),
	}
}

// flattenVPC builds the state from the API VPC; lists that are empty stay as prior had them
// (null or empty), so that the state matches the configuration.
func flattenVPC(v *client.VPC, prior vpcModel) vpcModel {
	m := prior
	m.ID = types.StringValue(v.UUID)
	m.Name = types.StringValue(v.Name)
	m.Description = types.StringValue(v.Description)
	m.ExternalSubnetIDs = flattenStringList(prior.ExternalSubnetIDs, v.ExternalSubnetUUIDs)
	m.ExternallyRoutablePrefixes = flattenStringList(prior.ExternallyRoutablePrefixes, v.ExternallyRoutablePrefixes)
	m.DNSServers = flattenStringList(prior.DNSServers, v.DNSServers)
	return m
}
