package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// This file holds what the list data sources (nutanixdr_protection_policies, _recovery_plans,
// _vms, _subnets, _vpcs, _categories) share: the filters, one list call per page of the API and
// no read per item, and a list of objects as the result, sorted by name then id.

var (
	_ datasource.DataSource              = (*listDataSource[client.VPC])(nil)
	_ datasource.DataSourceWithConfigure = (*listDataSource[client.VPC])(nil)
)

// listDataSource lists the entities of one kind, filtered.
type listDataSource[T any] struct {
	data *providerData
	spec listSpec[T]
}

// listSpec describes a list data source.
type listSpec[T any] struct {
	typeSuffix  string // "protection_policies"
	kind        string // "protection policy", for messages
	description string
	// results is the name of the result attribute, itemAttrs its elements' attributes.
	results   string
	itemAttrs map[string]schema.Attribute
	// list lists every entity; nameOf and idOf give their names and ids.
	list   func(ctx context.Context, c *client.Client) ([]T, error)
	nameOf func(T) string
	idOf   func(T) string
	// categoriesOf, when set, gives the categories an entity carries or selects, and enables
	// the categories filter.
	categoriesOf func(T) map[string][]string
	// categoriesHelp says what the categories filter matches.
	categoriesHelp string
	// extra are filters of this kind: attribute and predicate on its configured value.
	extra map[string]listFilter[T]
	// flatten builds the attributes of an element.
	flatten func(T) map[string]attr.Value
}

// listFilter is a filter of one kind of list.
type listFilter[T any] struct {
	attr  schema.Attribute
	keeps func(v attr.Value, it T) bool
}

// Metadata returns the data source type name.
func (d *listDataSource[T]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.typeSuffix
}

// itemType is the object type of a result element.
func (d *listDataSource[T]) itemType() types.ObjectType {
	attrTypes := map[string]attr.Type{}
	for name, a := range d.spec.itemAttrs {
		attrTypes[name] = a.GetType()
	}
	return types.ObjectType{AttrTypes: attrTypes}
}

// Schema describes the data source.
func (d *listDataSource[T]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"name_regex": schema.StringAttribute{
			MarkdownDescription: "Keep only the " + d.spec.kind + " entries whose name matches this regular expression " +
				"(Go syntax, RE2; unanchored: use `^...$` for a whole name). Unset: every name.",
			Optional:   true,
			Validators: []validator.String{regexString()},
		},
		"ids": schema.ListAttribute{
			MarkdownDescription: "The UUIDs (ids) of the entries kept, in the order of `" + d.spec.results + "`.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		d.spec.results: schema.ListNestedAttribute{
			MarkdownDescription: "The entries kept, sorted by name, then id. Empty when none matches.",
			Computed:            true,
			NestedObject:        schema.NestedAttributeObject{Attributes: d.spec.itemAttrs},
		},
	}
	if d.spec.categoriesOf != nil {
		attrs["categories"] = schema.MapAttribute{
			MarkdownDescription: "Keep only the entries that " + d.spec.categoriesHelp + " every one of these " +
				"categories, key to value, such as `{ \"replicated-vm\" = \"from-canada\" }`. Unset: no filter.",
			ElementType: types.StringType,
			Optional:    true,
		}
	}
	for name, f := range d.spec.extra {
		attrs[name] = f.attr
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.spec.description, Attributes: attrs}
}

// Configure receives the provider data.
func (d *listDataSource[T]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read lists the entities, one list call per page, and keeps those the filters match.
func (d *listDataSource[T]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var nameRegex types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name_regex"), &nameRegex)...)
	want := map[string]string{}
	if d.spec.categoriesOf != nil {
		var cats types.Map
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("categories"), &cats)...)
		if !cats.IsNull() {
			resp.Diagnostics.Append(cats.ElementsAs(ctx, &want, false)...)
		}
	}
	extra := map[string]attr.Value{}
	for name := range d.spec.extra {
		var v attr.Value
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		extra[name] = v
	}
	if resp.Diagnostics.HasError() {
		return
	}
	var re *regexp.Regexp
	if !nameRegex.IsNull() {
		var err error
		if re, err = regexp.Compile(nameRegex.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name_regex"), "Invalid regular expression", err.Error())
			return
		}
	}

	all, err := d.spec.list(ctx, d.data.client)
	if err != nil {
		addClientError(&resp.Diagnostics, opLookup, d.spec.kind, d.spec.typeSuffix, err)
		return
	}
	kept := slices.DeleteFunc(all, func(it T) bool {
		if re != nil && !re.MatchString(d.spec.nameOf(it)) {
			return true
		}
		if len(want) > 0 && !hasCategories(d.spec.categoriesOf(it), want) {
			return true
		}
		for name, f := range d.spec.extra {
			if v := extra[name]; !v.IsNull() && !f.keeps(v, it) {
				return true
			}
		}
		return false
	})
	slices.SortStableFunc(kept, func(a, b T) int {
		if c := compareStrings(d.spec.nameOf(a), d.spec.nameOf(b)); c != 0 {
			return c
		}
		return compareStrings(d.spec.idOf(a), d.spec.idOf(b))
	})

	typ := d.itemType()
	items := make([]attr.Value, 0, len(kept))
	ids := make([]attr.Value, 0, len(kept))
	for _, it := range kept {
		v, diags := types.ObjectValue(typ.AttrTypes, d.spec.flatten(it))
		resp.Diagnostics.Append(diags...)
		items = append(items, v)
		ids = append(ids, types.StringValue(d.spec.idOf(it)))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name_regex"), nameRegex)...)
	if d.spec.categoriesOf != nil {
		var cats types.Map
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("categories"), &cats)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("categories"), cats)...)
	}
	for name, v := range extra {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ids"), types.ListValueMust(types.StringType, ids))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(d.spec.results), types.ListValueMust(typ, items))...)
}

// compareStrings orders two strings.
func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// hasCategories tells whether every key/value of want is among have.
func hasCategories(have map[string][]string, want map[string]string) bool {
	for k, v := range want {
		if !slices.Contains(have[k], v) {
			return false
		}
	}
	return true
}

// regexValidator checks that a string is a valid regular expression.
type regexValidator struct{}

// regexString validates an attribute that holds a regular expression.
func regexString() validator.String { return regexValidator{} }

func (regexValidator) Description(context.Context) string {
	return "must be a valid regular expression"
}
func (v regexValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%s is not a valid regular expression (Go RE2 syntax): %s.", req.Path, err))
	}
}

// stringList builds a list of strings; nil gives an empty list.
func stringList(s []string) types.List {
	vals := make([]attr.Value, 0, len(s))
	for _, v := range s {
		vals = append(vals, types.StringValue(v))
	}
	return types.ListValueMust(types.StringType, vals)
}

// categoriesOfMap turns {key: value} into {key: [value]}.
func categoriesOfMap(m map[string]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = []string{v}
	}
	return out
}

// stringMapValue builds a map of strings; nil gives an empty map.
func stringMapValue(m map[string]string) types.Map {
	vals := make(map[string]attr.Value, len(m))
	for k, v := range m {
		vals[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, vals)
}

// computedString, computedBool, computedList and computedMap are the computed attributes of
// list elements.
func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
}

func computedBool(desc string) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: desc, Computed: true}
}

func computedInt(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
}

func computedList(desc string) schema.ListAttribute {
	return schema.ListAttribute{MarkdownDescription: desc, ElementType: types.StringType, Computed: true}
}

func computedMap(desc string) schema.MapAttribute {
	return schema.MapAttribute{MarkdownDescription: desc, ElementType: types.StringType, Computed: true}
}
