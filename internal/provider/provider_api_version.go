package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// The provider's api_version: which Prism Central API (v3 or v4) each DR kind is spoken over.

var _ provider.ProviderWithValidateConfig = (*nutanixdrProvider)(nil)

// apiVersionAttribute is the api_version attribute of the provider block.
func apiVersionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Which Prism Central API the provider speaks, per kind of entity: `\"auto\"` (the default) uses " +
			"the v4 API for a kind where both this provider and the Prism Central serve it over v4, and the v3 API elsewhere; " +
			"`\"v3\"` uses the v3 API for every kind that has one; `\"v4\"` requires the v4 API for every kind. " +
			"This provider version speaks v3 for every kind that has a v3 API, so `\"auto\"` resolves to v3 for them and " +
			"`\"v4\"` is refused with the list of kinds not yet served over v4. MST recovery point stores have no v3 API and " +
			"are always read over v4. The protocol chosen for each kind is logged when the provider is configured " +
			"(`TF_LOG=INFO`).",
		Optional:   true,
		Validators: []validator.String{stringvalidator.OneOf(client.APIVersions...)},
	}
}

// ValidateConfig refuses, at plan time, an api_version this provider version cannot serve.
func (p *nutanixdrProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var v types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("api_version"), &v)...)
	if resp.Diagnostics.HasError() || v.IsNull() || v.IsUnknown() {
		return
	}
	checkAPIVersion(v.ValueString(), &resp.Diagnostics)
}

// apiVersionOf returns the api_version of the block ("auto" when unset) and reports one this
// provider version cannot serve as an error on the attribute.
func apiVersionOf(v types.String, diags *diag.Diagnostics) string {
	if v.IsNull() || v.IsUnknown() {
		return client.APIVersionAuto
	}
	checkAPIVersion(v.ValueString(), diags)
	return v.ValueString()
}

func checkAPIVersion(v string, diags *diag.Diagnostics) {
	if !isAPIVersion(v) {
		return // The attribute's OneOf validator reports it, with the allowed values.
	}
	if _, err := client.ResolveProtocols(v); err != nil {
		diags.AddAttributeError(path.Root("api_version"), summaryInvalidProviderValue, err.Error()+".")
	}
}

func isAPIVersion(v string) bool {
	for _, a := range client.APIVersions {
		if v == a {
			return true
		}
	}
	return false
}

// logProtocols logs the protocol chosen for each kind on this Prism Central.
func logProtocols(ctx context.Context, c *client.Client, apiVersion string) {
	fields := map[string]any{"endpoint": c.Endpoint(), "api_version": apiVersion}
	for _, p := range c.Protocols() {
		fields[strings.ReplaceAll(strings.ToLower(string(p.Kind)), " ", "_")] = p.String()
	}
	tflog.Info(ctx, fmt.Sprintf("Prism Central API protocol per kind (api_version = %q)", apiVersion), fields)
}
