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
		MarkdownDescription: "Which Prism Central API the provider speaks, per kind of entity: `\"v3\"` (the default) " +
			"uses the v3 API for every kind that has one; `\"auto\"` (a preview) uses the v4 API for a kind where both this " +
			"provider and the Prism Central serve it over v4, and the v3 API elsewhere; `\"v4\"` requires the v4 API for " +
			"every kind. Defaults to the environment variable `NUTANIXDR_API_VERSION`, else `\"v3\"`. " +
			"This provider version speaks v4 for category values, protection policies, recovery plans and their failovers " +
			"(recovery plan actions and jobs), pairing (availability zones) and clusters: under `\"auto\"` it asks the Prism Central once per API namespace " +
			"(`OPTIONS /api/<namespace>/unversioned/info`) whether it serves the v4 version the provider speaks, and uses v3 " +
			"otherwise, and for what this provider cannot express over v4 (such as a recovery plan's floating IPs, scripts " +
			"or static IPs); every other kind with a v3 API is spoken over v3, so `\"v4\"` is refused with the list of kinds " +
			"not yet served over v4. `\"auto\"` is a preview and not the default because an update of a protection policy " +
			"over v4 can still drop fields this provider does not model (see the guide on Prism Central API versions). " +
			"Category keys stay on the v3 API (v4 has no entity for a key). MST recovery point stores have no v3 API and are " +
			"always read over v4. The protocol chosen for each kind is logged when the provider is configured " +
			"(`TF_LOG=INFO`), and the answer of each probe at debug level.",
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

// apiVersionOf returns the api_version of the block (when unset, env, the value of
// NUTANIXDR_API_VERSION, else "v3") and reports one this provider version cannot serve as an
// error on the attribute.
func apiVersionOf(v types.String, env string, diags *diag.Diagnostics) string {
	if v.IsNull() || v.IsUnknown() {
		if env == "" {
			return client.APIVersionV3
		}
		if !isAPIVersion(env) {
			diags.AddAttributeError(path.Root("api_version"), summaryInvalidProviderValue,
				fmt.Sprintf("%s is %q; api_version must be one of %q.", envAPIVersion, env, client.APIVersions))
			return client.APIVersionV3
		}
		checkAPIVersion(env, diags)
		return env
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
