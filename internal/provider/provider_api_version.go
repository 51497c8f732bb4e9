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
		MarkdownDescription: "Which Prism Central API the provider speaks, per kind of entity. `\"auto\"` (the default) " +
			"uses the v4 API for each kind the Prism Central serves over the v4 revision this provider speaks, and the v3 API " +
			"otherwise: it asks the Prism Central once per API namespace and provider process (`OPTIONS " +
			"/api/<namespace>/unversioned/info`), and an operation the v4 API cannot express (such as a recovery plan's " +
			"floating IPs or a protection policy's LTSS location) goes over v3. `\"v3\"` uses the v3 API for every kind " +
			"that has one. `\"v4\"` uses the v4 API for every kind, asks nothing, never falls back to v3 (an operation v4 " +
			"cannot express is an error naming what), and refuses, when the provider is configured, a Prism Central that does " +
			"not serve it. Defaults to the environment variable `NUTANIXDR_API_VERSION`, else `\"auto\"`. Under every choice, " +
			"availability zones (which v4 does not have) and category keys (v4 has no entity for a key) are read over v3, and MST " +
			"recovery point stores (which have no v3 API) over v4. The protocol chosen for each kind is logged when the provider is " +
			"configured (`TF_LOG=INFO`), and the answer of each probe at debug level. See the guide on Prism Central API versions.",
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
// NUTANIXDR_API_VERSION, else "auto") and reports one this provider version cannot serve as an
// error on the attribute.
func apiVersionOf(v types.String, env string, diags *diag.Diagnostics) string {
	if v.IsNull() || v.IsUnknown() {
		if env == "" {
			return client.APIVersionAuto
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
