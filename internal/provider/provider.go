// Package provider implements the nutanixdr Terraform / OpenTofu provider on the plugin framework.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

var (
	_ provider.Provider                  = (*nutanixdrProvider)(nil)
	_ provider.ProviderWithActions       = (*nutanixdrProvider)(nil)
	_ provider.ProviderWithListResources = (*nutanixdrProvider)(nil)
)

// Environment variables read when the provider block leaves an attribute unset. They are the
// names the official Nutanix provider uses, so existing pipelines keep working.
const (
	envEndpoint = "NUTANIX_ENDPOINT"
	envPort     = "NUTANIX_PORT"
	envUsername = "NUTANIX_USERNAME"
	envPassword = "NUTANIX_PASSWORD"
	envInsecure = "NUTANIX_INSECURE"
	// envAPIVersion is this provider's own (api_version has no counterpart elsewhere).
	envAPIVersion = "NUTANIXDR_API_VERSION"
)

// Defaults of the provider block.
const (
	defaultPort           = 9440
	defaultRequestTimeout = 60 * time.Second
	defaultMaxRetries     = 5
)

// New returns a constructor of the provider, as providerserver.Serve and the acceptance tests
// expect. The version is set by the release build and shows in the User-Agent header.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &nutanixdrProvider{version: version}
	}
}

// nutanixdrProvider is the provider implementation.
type nutanixdrProvider struct {
	version string
}

// providerModel is the provider block.
type providerModel struct {
	Endpoint       types.String         `tfsdk:"endpoint"`
	Port           types.Int64          `tfsdk:"port"`
	Username       types.String         `tfsdk:"username"`
	Password       types.String         `tfsdk:"password"`
	Insecure       types.Bool           `tfsdk:"insecure"`
	CACertificate  types.String         `tfsdk:"ca_certificate"`
	RequestTimeout timetypes.GoDuration `tfsdk:"request_timeout"`
	MaxRetries     types.Int64          `tfsdk:"max_retries"`
	APIVersion     types.String         `tfsdk:"api_version"`
}

// providerData is what Configure hands to every resource and data source. It is a struct rather
// than the bare client so that later additions (a clock, test hooks) do not change every type.
type providerData struct {
	client *client.Client
}

// Metadata returns the provider type name.
func (p *nutanixdrProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "nutanixdr"
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *nutanixdrProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `nutanixdr` provider manages Nutanix disaster recovery (Leap) through the " +
			"Prism Central v3 API: disaster recovery enablement, pairing of Prism Centrals (availability zones), " +
			"categories, VM category assignments, protection policies (to clusters or to S3 through MST), recovery plans, " +
			"no-NAT overlay networking (subnets, VPCs, route tables), and the failovers themselves (planned, unplanned, test, live) " +
			"as a resource and as Terraform 1.14 actions; plus lookups of clusters, subnets, VMs, availability zones and recovery plan jobs. " +
			"Declare one provider block (an alias) per Prism Central.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Address of Prism Central: a host name or IP address, or a full `https://` URL. " +
					"Falls back to the `" + envEndpoint + "` environment variable. Must point at Prism Central, not Prism Element: when the provider is configured it asks the endpoint one question, once, and an answer that is not the Prism Central API (an HTML page, plain text, other JSON; under `api_version = \"v4\"`, an endpoint that does not serve the v4 API) is an error on this attribute.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"port": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("TCP port of the Prism Central API. Falls back to the `%s` environment "+
					"variable, then to `%d`.", envPort, defaultPort),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 65535)},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "User name for basic authentication. Falls back to the `" + envUsername + "` environment variable.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "Password for basic authentication. Falls back to the `" + envPassword + "` environment variable.",
				Optional:            true,
				Sensitive:           true,
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip verification of the Prism Central TLS certificate. Prefer `ca_certificate`. " +
					"Falls back to the `" + envInsecure + "` environment variable, then to `false`.",
				Optional: true,
			},
			"ca_certificate": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded certificate (or CA certificate) to trust for Prism Central, in addition " +
					"to the system roots. Use it for the self-signed certificate Prism Central ships with, e.g. " +
					"`file(\"pc-ca.pem\")`.",
				Optional:   true,
				Validators: []validator.String{pemCertificate()},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit of one HTTP request to Prism Central, as a Go duration string (`\"30s\"`, `\"2m\"`). " +
					"Retries get their own limit each. Defaults to `\"60s\"`.",
				CustomType: timetypes.GoDurationType{},
				Optional:   true,
				Validators: []validator.String{positiveDuration()},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a connection error, a rate "+
					"limit (429) or a transient server error (502, 503, 504). `0` disables retries. Defaults to `%d`.", defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"api_version": apiVersionAttribute(),
		},
	}
}

// Configure builds the API client from the provider block and the environment.
func (p *nutanixdrProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	for _, a := range []struct {
		name string
		v    interface{ IsUnknown() bool }
	}{
		{"endpoint", cfg.Endpoint}, {"port", cfg.Port}, {"username", cfg.Username}, {"password", cfg.Password},
		{"insecure", cfg.Insecure}, {"ca_certificate", cfg.CACertificate}, {"request_timeout", cfg.RequestTimeout},
		{"max_retries", cfg.MaxRetries}, {"api_version", cfg.APIVersion},
	} {
		if a.v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(a.name), summaryUnknownProviderValue,
				fmt.Sprintf("The provider cannot connect to Prism Central while %q is unknown: its value depends on a "+
					"resource that has not been applied yet. Set it to a value known at plan time (a literal, a "+
					"variable%s), or apply the resource it depends on first with -target.", a.name, envHint(a.name)))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	ccfg, diags := clientConfig(cfg, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ccfg.UserAgent = fmt.Sprintf("terraform-provider-nutanixdr/%s terraform/%s", p.version, req.TerraformVersion)
	ccfg.Logger = newClientLogger(ccfg.Password)

	c, err := client.New(ccfg)
	if err != nil {
		resp.Diagnostics.AddError(summaryConfigureClient,
			"The provider could not build its Prism Central client: "+err.Error())
		return
	}
	tflog.Debug(ctx, "configured Prism Central client", map[string]any{
		"endpoint": ccfg.Endpoint, "port": ccfg.Port, "username": ccfg.Username, "insecure": ccfg.Insecure,
		"ca_certificate": ccfg.CACertPEM != "", "request_timeout": ccfg.RequestTimeout.String(), "max_retries": ccfg.MaxRetries,
	})
	logProtocols(ctx, c, ccfg.APIVersion)
	checkEndpoint(ctx, c, ccfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{client: c}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

// Resources lists the resource types of the provider.
// Each has a resource identity (identity.go).
func (p *nutanixdrProvider) Resources(_ context.Context) []func() resource.Resource {
	return withIdentities([]func() resource.Resource{
		newCategoryResource,
		newCategoryValueResource,
		newVMCategoriesResource,
		newDisasterRecoveryResource,
		newAvailabilityZoneResource,
		newSubnetResource,
		newVPCResource,
		newVPCRouteTableResource,
		newProtectionPolicyResource,
		newRecoveryPlanResource,
		newFailoverResource,
		newMSTTargetResource,
	})
}

// DataSources lists the data source types of the provider.
func (p *nutanixdrProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newClusterDataSource,
		newSubnetDataSource,
		newVMDataSource,
		newAvailabilityZoneDataSource,
		newRecoveryPlanJobsDataSource,
		newMSTTargetDataSource,
		newProtectionPolicyDataSource,
		newRecoveryPlanDataSource,
		newVPCDataSource,
		newCategoryDataSource,
		newProtectionPoliciesDataSource,
		newRecoveryPlansDataSource,
		newVMsDataSource,
		newSubnetsDataSource,
		newVPCsDataSource,
		newCategoriesDataSource,
	}
}

// ListResources lists the list resource types (Terraform 1.14 and later; list_resources.go).
func (p *nutanixdrProvider) ListResources(_ context.Context) []func() list.ListResource {
	return listResources()
}

// Actions lists the action types of the provider (Terraform 1.14 and later).
func (p *nutanixdrProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		newFailoverAction,
		newFailoverCleanupAction,
	}
}

// envHint names the environment variable an attribute falls back to, as the end of a list.
func envHint(attr string) string {
	env, ok := map[string]string{
		"endpoint": envEndpoint, "port": envPort, "username": envUsername, "password": envPassword, "insecure": envInsecure,
	}[attr]
	if !ok {
		return ""
	}
	return ", or the " + env + " environment variable"
}

// clientConfig merges the provider block with the environment (getenv) and the defaults. The
// block wins over the environment. Missing required settings and unparsable environment values
// are reported as attribute errors.
func clientConfig(cfg providerModel, getenv func(string) string) (client.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := client.Config{
		Port:           defaultPort,
		RequestTimeout: defaultRequestTimeout,
		MaxRetries:     defaultMaxRetries,
	}

	str := func(v types.String, env string) string {
		if !v.IsNull() {
			return v.ValueString()
		}
		return strings.TrimSpace(getenv(env))
	}
	out.Endpoint = str(cfg.Endpoint, envEndpoint)
	out.Username = str(cfg.Username, envUsername)
	if !cfg.Password.IsNull() {
		out.Password = cfg.Password.ValueString()
	} else {
		out.Password = getenv(envPassword)
	}
	for _, req := range []struct {
		attr, env, val, what string
	}{
		{"endpoint", envEndpoint, out.Endpoint, "the Prism Central address"},
		{"username", envUsername, out.Username, "the Prism Central user name"},
		{"password", envPassword, out.Password, "the Prism Central password"},
	} {
		if req.val == "" {
			diags.AddAttributeError(path.Root(req.attr), summaryMissingProviderValue,
				fmt.Sprintf("The provider needs %s. Set %q in the provider block or the %s environment variable.",
					req.what, req.attr, req.env))
		}
	}

	switch {
	case !cfg.Port.IsNull():
		out.Port = int(cfg.Port.ValueInt64())
	case getenv(envPort) != "":
		n, err := strconv.Atoi(strings.TrimSpace(getenv(envPort)))
		if err != nil || n < 1 || n > 65535 {
			diags.AddAttributeError(path.Root("port"), summaryInvalidProviderValue,
				fmt.Sprintf("The %s environment variable is %q: it must be a TCP port number between 1 and 65535.",
					envPort, getenv(envPort)))
		} else {
			out.Port = n
		}
	}

	switch {
	case !cfg.Insecure.IsNull():
		out.Insecure = cfg.Insecure.ValueBool()
	case getenv(envInsecure) != "":
		b, err := strconv.ParseBool(strings.TrimSpace(getenv(envInsecure)))
		if err != nil {
			diags.AddAttributeError(path.Root("insecure"), summaryInvalidProviderValue,
				fmt.Sprintf("The %s environment variable is %q: it must be true or false.", envInsecure, getenv(envInsecure)))
		} else {
			out.Insecure = b
		}
	}

	if !cfg.CACertificate.IsNull() {
		out.CACertPEM = cfg.CACertificate.ValueString()
	}
	if !cfg.RequestTimeout.IsNull() {
		d, dd := cfg.RequestTimeout.ValueGoDuration()
		if dd.HasError() {
			diags.AddAttributeError(path.Root("request_timeout"), summaryInvalidProviderValue,
				fmt.Sprintf("%q is not a Go duration string such as \"60s\" or \"2m\".", cfg.RequestTimeout.ValueString()))
		} else {
			out.RequestTimeout = d
		}
	}
	if !cfg.MaxRetries.IsNull() {
		out.MaxRetries = int(cfg.MaxRetries.ValueInt64())
		if out.MaxRetries == 0 {
			// The client reads 0 as "use the default" and a negative budget as "no retries".
			out.MaxRetries = -1
		}
	}
	out.APIVersion = apiVersionOf(cfg.APIVersion, getenv(envAPIVersion), &diags)
	return out, diags
}
