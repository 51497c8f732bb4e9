package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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
	_ resource.Resource                   = (*vpcRouteTableResource)(nil)
	_ resource.ResourceWithConfigure      = (*vpcRouteTableResource)(nil)
	_ resource.ResourceWithImportState    = (*vpcRouteTableResource)(nil)
	_ resource.ResourceWithValidateConfig = (*vpcRouteTableResource)(nil)
)

// kindRouteTable names the entity in diagnostics.
const kindRouteTable = "VPC route table"

// defaultRouteTableTimeout bounds each operation when the timeouts attribute leaves it unset:
// every change is a route table task.
const defaultRouteTableTimeout = 10 * time.Minute

// newVPCRouteTableResource is the constructor the provider registers.
func newVPCRouteTableResource() resource.Resource {
	return &vpcRouteTableResource{}
}

// vpcRouteTableResource manages the routes of a VPC. Every VPC has one route table, which
// exists as long as the VPC: the resource owns its content, and destroying it empties it.
type vpcRouteTableResource struct {
	data *providerData
}

// vpcRouteTableModel is the resource's configuration and state.
type vpcRouteTableModel struct {
	ID                           types.String   `tfsdk:"id"`
	VPCID                        types.String   `tfsdk:"vpc_id"`
	StaticRoutes                 types.List     `tfsdk:"static_routes"`
	DefaultRouteExternalSubnetID types.String   `tfsdk:"default_route_external_subnet_id"`
	Timeouts                     timeouts.Value `tfsdk:"timeouts"`
}

// vpcRouteModel is one element of static_routes.
type vpcRouteModel struct {
	Destination      types.String `tfsdk:"destination"`
	ExternalSubnetID types.String `tfsdk:"external_subnet_id"`
}

// vpcRouteAttrTypes are the attribute types of a static route, for building values.
var vpcRouteAttrTypes = map[string]attr.Type{
	"destination":        types.StringType,
	"external_subnet_id": types.StringType,
}

// Metadata returns the resource type name.
func (r *vpcRouteTableResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vpc_route_table"
}

// Schema describes the resource.
func (r *vpcRouteTableResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The routes of a VPC (`nutanixdr_vpc`): its default route and static routes through its " +
			"external subnets. Every VPC has exactly one route table; this resource owns all of its routes (routes " +
			"added outside Terraform show as changes to remove), updates them in place, and empties the table when " +
			"destroyed. Declare at most one per VPC.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The VPC UUID, also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"vpc_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the VPC, e.g. `nutanixdr_vpc.a.id`. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{uuidString()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"static_routes": schema.ListNestedAttribute{
				MarkdownDescription: "Static routes: traffic to `destination` leaves through the external subnet " +
					"`external_subnet_id`. For the default route (`0.0.0.0/0`) use `default_route_external_subnet_id`.",
				Optional: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"destination": schema.StringAttribute{
							MarkdownDescription: "Destination network in prefix notation, with its network address, " +
								"such as `10.20.0.0/16`; each destination at most once.",
							Required:   true,
							Validators: []validator.String{cidrString()},
						},
						"external_subnet_id": schema.StringAttribute{
							MarkdownDescription: "UUID of the next hop, an external subnet attached to the VPC " +
								"(in its `external_subnet_ids`).",
							Required:   true,
							Validators: []validator.String{uuidString()},
						},
					},
				},
			},
			"default_route_external_subnet_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the external subnet the default route (`0.0.0.0/0`) goes through, one " +
					"of the VPC's `external_subnet_ids`. Unset, the VPC has no default route.",
				Optional:   true,
				Validators: []validator.String{uuidString()},
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: "How long to wait for the task that writes the routes. Defaults to `\"" +
					durationText(defaultRouteTableTimeout) + "\"`.",
				UpdateDescription: "How long to wait for the task that changes the routes. Defaults to `\"" +
					durationText(defaultRouteTableTimeout) + "\"`.",
				DeleteDescription: "How long to wait for the task that empties the route table. Defaults to `\"" +
					durationText(defaultRouteTableTimeout) + "\"`.",
			}),
		},
	}
}

// Configure receives the provider data.
func (r *vpcRouteTableResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Create writes the routes into the VPC's route table, which exists with the VPC.
func (r *vpcRouteTableResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan vpcRouteTableModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultRouteTableTimeout)
	resp.Diagnostics.Append(diags...)
	r.write(ctx, timeout, opCreate, plan, &resp.State, &resp.Diagnostics)
}

// Read refreshes the routes. The table of a VPC deleted outside Terraform is gone with it: the
// resource leaves the state, and the next plan creates it again.
func (r *vpcRouteTableResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state vpcRouteTableModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	rt, err := r.data.client.GetRouteTable(ctx, id)
	if !readFound(ctx, resp, kindRouteTable, id, err) {
		return
	}
	next, diags := flattenRouteTable(rt, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

// Update rewrites the routes in place.
func (r *vpcRouteTableResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan vpcRouteTableModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultRouteTableTimeout)
	resp.Diagnostics.Append(diags...)
	r.write(ctx, timeout, opUpdate, plan, &resp.State, &resp.Diagnostics)
}

// Delete empties the route table; a VPC already gone counts as done, its table with it.
func (r *vpcRouteTableResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state vpcRouteTableModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultRouteTableTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id := state.ID.ValueString()
	_, err := r.data.client.PutRouteTable(ctx, client.RouteTable{VPCUUID: id})
	if err == nil || errors.Is(err, client.ErrNotFound) {
		return
	}
	addClientError(&resp.Diagnostics, opDelete, kindRouteTable, id, err)
}

// ImportState imports the route table of a VPC by the VPC's UUID; Read fills in the routes.
func (r *vpcRouteTableResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isUUID(req.ID) {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of nutanixdr_vpc_route_table is the UUID of its VPC, such as "+
				"\"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b\"; got %q.%s", req.ID, importByNameHint("nutanixdr_vpc", "nutanixdr_vpcs")))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("vpc_id"), req.ID)...)
}

// ValidateConfig checks, at plan time, the rules between routes: each destination once, and the
// default route through its own attribute. Unknown values are skipped.
func (r *vpcRouteTableResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg vpcRouteTableModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateRouteTable(ctx, cfg)...)
}

// write makes the table what plan says and saves the result to state.
func (r *vpcRouteTableResource) write(ctx context.Context, timeout time.Duration, op operation, plan vpcRouteTableModel, state stateSetter, diags *diag.Diagnostics) {
	diags.Append(validateRouteTable(ctx, plan)...)
	rt := expandRouteTable(ctx, plan, diags)
	if diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	got, err := r.data.client.PutRouteTable(ctx, rt)
	if err != nil {
		detail := clientErrorDetail(op, kindRouteTable, rt.VPCUUID, err)
		if errors.Is(err, client.ErrNotFound) {
			detail += "\n\nNo VPC has this UUID on this Prism Central: check vpc_id."
		}
		diags.AddError(errorSummary(op, kindRouteTable), detail)
		return
	}
	plan.ID = types.StringValue(rt.VPCUUID)
	next, d := flattenRouteTable(got, plan)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	diags.Append(state.Set(ctx, next)...)
}

// stateSetter is the part of tfsdk.State that write needs.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// validateRouteTable checks that no destination appears twice and that the default route is
// not among the static routes.
func validateRouteTable(ctx context.Context, m vpcRouteTableModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.StaticRoutes.IsNull() || m.StaticRoutes.IsUnknown() {
		return diags
	}
	var routes []vpcRouteModel
	diags.Append(m.StaticRoutes.ElementsAs(ctx, &routes, false)...)
	if diags.HasError() {
		return diags
	}
	first := make(map[string]int, len(routes))
	for i, rt := range routes {
		if rt.Destination.IsNull() || rt.Destination.IsUnknown() {
			continue
		}
		p, err := parseCIDR(rt.Destination.ValueString())
		if err != nil {
			continue // The attribute validator reports it.
		}
		at := path.Root("static_routes").AtListIndex(i).AtName("destination")
		if p.String() == defaultRouteDestination {
			diags.AddAttributeError(at, "Default route among the static routes",
				fmt.Sprintf("static_routes[%d].destination is %s, the default route: set "+
					"default_route_external_subnet_id to the external subnet instead.", i, defaultRouteDestination))
			continue
		}
		if j, dup := first[p.String()]; dup {
			diags.AddAttributeError(at, "Duplicate route destination",
				fmt.Sprintf("static_routes[%d].destination %s is also static_routes[%d].destination: a destination "+
					"can have one route only.", i, p, j))
			continue
		}
		first[p.String()] = i
	}
	return diags
}

// expandRouteTable builds the client's route table from a known plan.
func expandRouteTable(ctx context.Context, m vpcRouteTableModel, diags *diag.Diagnostics) client.RouteTable {
	rt := client.RouteTable{
		VPCUUID:                        m.VPCID.ValueString(),
		DefaultRouteExternalSubnetUUID: m.DefaultRouteExternalSubnetID.ValueString(),
	}
	if m.StaticRoutes.IsNull() || m.StaticRoutes.IsUnknown() {
		return rt
	}
	var routes []vpcRouteModel
	diags.Append(m.StaticRoutes.ElementsAs(ctx, &routes, false)...)
	for _, r := range routes {
		rt.StaticRoutes = append(rt.StaticRoutes, client.Route{
			Destination:               r.Destination.ValueString(),
			NextHopExternalSubnetUUID: r.ExternalSubnetID.ValueString(),
		})
	}
	return rt
}

// flattenRouteTable builds the state from the API table. No routes stay as prior had them (null
// or empty). A route through another kind of next hop (a VPN, a subnet of the VPC) is kept with
// a null external_subnet_id, so that the plan shows it and removes it.
func flattenRouteTable(rt *client.RouteTable, prior vpcRouteTableModel) (vpcRouteTableModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := prior
	m.ID = types.StringValue(rt.VPCUUID)
	m.VPCID = types.StringValue(rt.VPCUUID)
	m.DefaultRouteExternalSubnetID = stringOrNull(rt.DefaultRouteExternalSubnetUUID)
	routeType := types.ObjectType{AttrTypes: vpcRouteAttrTypes}
	var elems []attr.Value
	for _, r := range rt.StaticRoutes {
		if r.Destination == defaultRouteDestination && r.NextHopExternalSubnetUUID == rt.DefaultRouteExternalSubnetUUID {
			continue // The default route, where a table lists it among the others.
		}
		o, d := types.ObjectValue(vpcRouteAttrTypes, map[string]attr.Value{
			"destination":        types.StringValue(r.Destination),
			"external_subnet_id": stringOrNull(r.NextHopExternalSubnetUUID),
		})
		diags.Append(d...)
		elems = append(elems, o)
	}
	if len(elems) == 0 && !isEmptyList(prior.StaticRoutes) {
		m.StaticRoutes = types.ListNull(routeType)
		return m, diags
	}
	if elems == nil {
		elems = []attr.Value{}
	}
	l, d := types.ListValue(routeType, elems)
	diags.Append(d...)
	m.StaticRoutes = l
	return m, diags
}
