package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// This file holds the list resources (Terraform 1.14 `list` blocks in .tfquery.hcl files, run
// by `terraform query`): for every kind that exists on its own on a Prism Central, the entities
// there, by identity and name, filtered by a name regex. With include_resource (and so
// `terraform query -generate-config-out`), each result carries the resource's state as an
// import followed by a refresh makes it, so that the configuration generated from it plans
// with no changes. A policy or plan that Leap syncs between paired Prism Centrals is listed
// on each of them, as their list APIs answer it.

var (
	_ list.ListResource              = (*listResource)(nil)
	_ list.ListResourceWithConfigure = (*listResource)(nil)
)

// listed is one entity a list resource returns: its id (the resource's id and import ID) and
// the name shown for it.
type listed struct {
	id, name string
}

// listResourceSpec describes the list resource of one resource type.
type listResourceSpec struct {
	typeSuffix string // "protection_policy": the resource type it lists
	kind       string // for messages
	// list returns the entities, with one list call per page of the API.
	list func(ctx context.Context, c *client.Client) ([]listed, error)
	// newResource makes the resource, whose ImportState and Read fill in a result's state.
	newResource func() resource.Resource
}

// listResource is the list resource of one resource type.
type listResource struct {
	data *providerData
	spec listResourceSpec
}

// newListResource returns the constructor of a list resource.
func newListResource(spec listResourceSpec) func() list.ListResource {
	return func() list.ListResource { return &listResource{spec: spec} }
}

// Metadata returns the type name: that of the resource listed.
func (r *listResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.spec.typeSuffix
}

// ListResourceConfigSchema describes the list block's config.
func (r *listResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the " + r.spec.kind + " entries of Prism Central, by identity and name.",
		Attributes: map[string]schema.Attribute{
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Keep only the entries whose name matches this regular expression (Go RE2 " +
					"syntax, unanchored). Unset: every entry.",
				Optional:   true,
				Validators: []validator.String{regexString()},
			},
		},
	}
}

// Configure receives the provider data.
func (r *listResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// List streams the entities the filter keeps, up to the request's limit.
func (r *listResource) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	var diags diag.Diagnostics
	var nameRegex types.String
	diags.Append(req.Config.GetAttribute(ctx, path.Root("name_regex"), &nameRegex)...)
	var re *regexp.Regexp
	if !diags.HasError() && !nameRegex.IsNull() && !nameRegex.IsUnknown() {
		var err error
		if re, err = regexp.Compile(nameRegex.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("name_regex"), "Invalid regular expression", err.Error())
		}
	}
	if !diags.HasError() && r.data == nil {
		diags.AddError(errorSummary(opLookup, r.spec.kind), "The provider is not configured.")
	}
	if diags.HasError() {
		resp.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	items, err := r.spec.list(ctx, r.data.client)
	if err != nil {
		addClientError(&diags, opLookup, r.spec.kind, r.spec.typeSuffix, err)
		resp.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	resp.Results = func(push func(list.ListResult) bool) {
		var n int64
		for _, it := range items {
			if re != nil && !re.MatchString(it.name) {
				continue
			}
			if req.Limit > 0 && n >= req.Limit {
				return
			}
			n++
			result := req.NewListResult(ctx)
			result.DisplayName = it.name
			result.Diagnostics.Append(result.Identity.Set(ctx, identityModel{ID: types.StringValue(it.id)})...)
			if req.IncludeResource && !result.Diagnostics.HasError() {
				r.fill(ctx, req, &result, it.id)
			}
			if !push(result) {
				return
			}
		}
	}
}

// fill sets the result's resource state as `import` would: the resource's ImportState, then its
// Read.
func (r *listResource) fill(ctx context.Context, req list.ListRequest, result *list.ListResult, id string) {
	res := r.spec.newResource()
	if c, ok := res.(resource.ResourceWithConfigure); ok {
		var cr resource.ConfigureResponse
		c.Configure(ctx, resource.ConfigureRequest{ProviderData: r.data}, &cr)
		result.Diagnostics.Append(cr.Diagnostics...)
	}
	importer, ok := res.(resource.ResourceWithImportState)
	if !ok || result.Diagnostics.HasError() {
		return
	}
	empty := tfsdk.State{Schema: req.ResourceSchema, Raw: tftypes.NewValue(req.ResourceSchema.Type().TerraformType(ctx), nil)}
	imp := resource.ImportStateResponse{State: empty}
	importer.ImportState(ctx, resource.ImportStateRequest{ID: id}, &imp)
	result.Diagnostics.Append(imp.Diagnostics...)
	if result.Diagnostics.HasError() {
		return
	}
	read := resource.ReadResponse{State: imp.State}
	res.Read(ctx, resource.ReadRequest{State: imp.State}, &read)
	result.Diagnostics.Append(read.Diagnostics...)
	if result.Diagnostics.HasError() {
		return
	}
	if read.State.Raw.IsNull() {
		result.Diagnostics.AddError(errorSummary(opLookup, r.spec.kind),
			"The "+r.spec.kind+" "+id+" was listed but is gone: it was deleted meanwhile.")
		return
	}
	result.Resource = &tfsdk.Resource{Schema: req.ResourceSchema, Raw: read.State.Raw}
}

// listResources lists the list resources of the provider.
func listResources() []func() list.ListResource {
	return []func() list.ListResource{
		newListResource(listResourceSpec{typeSuffix: "category", kind: kindCategory, newResource: newCategoryResource,
			list: func(ctx context.Context, c *client.Client) ([]listed, error) {
				keys, err := c.ListCategoryKeys(ctx)
				var out []listed
				for _, k := range keys {
					if !k.SystemDefined {
						out = append(out, listed{k.Name, k.Name})
					}
				}
				return out, err
			}}),
		newListResource(listResourceSpec{typeSuffix: "category_value", kind: kindCategoryValue, newResource: newCategoryValueResource,
			list: func(ctx context.Context, c *client.Client) ([]listed, error) {
				keys, err := c.ListCategoryKeys(ctx)
				if err != nil {
					return nil, err
				}
				var out []listed
				for _, k := range keys {
					values, err := c.ListCategoryValues(ctx, k.Name)
					if err != nil {
						return nil, err
					}
					for _, v := range values {
						if !v.SystemDefined {
							id := categoryValueID(k.Name, v.Value)
							out = append(out, listed{id, id})
						}
					}
				}
				return out, nil
			}}),
		newListResource(listResourceSpec{typeSuffix: "vm_categories", kind: kindVMCategories, newResource: newVMCategoriesResource,
			list: func(ctx context.Context, c *client.Client) ([]listed, error) {
				keys, err := c.ListCategoryKeys(ctx)
				if err != nil {
					return nil, err
				}
				system := map[string]bool{}
				for _, k := range keys {
					system[k.Name] = k.SystemDefined
				}
				vms, err := c.ListVMs(ctx, "")
				var out []listed
				for _, vm := range vms {
					for k := range vm.Categories {
						if !system[k] {
							out = append(out, listed{vm.UUID, vm.Name})
							break
						}
					}
				}
				return out, err
			}}),
		newListResource(listResourceSpec{typeSuffix: "availability_zone", kind: "availability zone", newResource: newAvailabilityZoneResource,
			list: listing(func(ctx context.Context, c *client.Client) ([]client.AvailabilityZone, error) {
				return c.ListAvailabilityZones(ctx, "")
			}, func(az client.AvailabilityZone) (string, string, bool) { return az.UUID, az.Name, az.Type == "PC" })}),
		newListResource(listResourceSpec{typeSuffix: "protection_policy", kind: kindProtectionPolicy, newResource: newProtectionPolicyResource,
			list: listing(func(ctx context.Context, c *client.Client) ([]client.ProtectionPolicy, error) {
				return c.ListProtectionPolicies(ctx, "")
			}, func(r client.ProtectionPolicy) (string, string, bool) { return r.UUID, r.Name, true })}),
		newListResource(listResourceSpec{typeSuffix: "recovery_plan", kind: kindRecoveryPlan, newResource: newRecoveryPlanResource,
			list: listing(func(ctx context.Context, c *client.Client) ([]client.RecoveryPlan, error) {
				return c.ListRecoveryPlans(ctx, "")
			}, func(p client.RecoveryPlan) (string, string, bool) { return p.UUID, p.Name, true })}),
		newListResource(listResourceSpec{typeSuffix: "subnet", kind: "subnet", newResource: newSubnetResource,
			list: listing(func(ctx context.Context, c *client.Client) ([]client.Subnet, error) {
				return c.ListSubnets(ctx, "")
			}, func(s client.Subnet) (string, string, bool) { return s.UUID, s.Name, true })}),
		newListResource(listResourceSpec{typeSuffix: "vpc", kind: "VPC", newResource: newVPCResource, list: listVPCs}),
		newListResource(listResourceSpec{typeSuffix: "vpc_route_table", kind: "VPC route table", newResource: newVPCRouteTableResource, list: listVPCs}),
		newListResource(listResourceSpec{typeSuffix: "mst_target", kind: "MST target", newResource: newMSTTargetResource,
			list: listing(func(ctx context.Context, c *client.Client) ([]client.RecoveryPointStore, error) {
				return c.ListRecoveryPointStores(ctx, "")
			}, func(s client.RecoveryPointStore) (string, string, bool) { return s.ExtID, s.Name, true })}),
	}
}

// listing builds the list function of a list resource from a client list call and a function
// that gives an entity's id and name, and whether to keep it.
func listing[T any](list func(context.Context, *client.Client) ([]T, error), of func(T) (id, name string, keep bool)) func(context.Context, *client.Client) ([]listed, error) {
	return func(ctx context.Context, c *client.Client) ([]listed, error) {
		items, err := list(ctx, c)
		out := make([]listed, 0, len(items))
		for _, it := range items {
			if id, name, keep := of(it); keep {
				out = append(out, listed{id, name})
			}
		}
		return out, err
	}
}

// listVPCs lists the VPCs, for the VPCs and their route tables (one each, id the VPC's).
var listVPCs = listing(func(ctx context.Context, c *client.Client) ([]client.VPC, error) {
	return c.ListVPCs(ctx, "")
}, func(v client.VPC) (string, string, bool) { return v.UUID, v.Name, true })
