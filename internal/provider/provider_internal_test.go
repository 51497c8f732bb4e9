package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// env returns a getenv reading from m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// nullProviderModel is a provider block with every attribute unset.
func nullProviderModel() providerModel {
	return providerModel{
		Endpoint:       types.StringNull(),
		Port:           types.Int64Null(),
		Username:       types.StringNull(),
		Password:       types.StringNull(),
		Insecure:       types.BoolNull(),
		CACertificate:  types.StringNull(),
		RequestTimeout: timetypes.NewGoDurationNull(),
		MaxRetries:     types.Int64Null(),
	}
}

func TestClientConfig_environmentAndDefaults(t *testing.T) {
	cfg, diags := clientConfig(nullProviderModel(), env(map[string]string{
		"NUTANIX_ENDPOINT": "pc.example.com",
		"NUTANIX_USERNAME": "admin",
		"NUTANIX_PASSWORD": "s3cret",
		"NUTANIX_PORT":     "9441",
		"NUTANIX_INSECURE": "true",
	}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if cfg.Endpoint != "pc.example.com" || cfg.Username != "admin" || cfg.Password != "s3cret" ||
		cfg.Port != 9441 || !cfg.Insecure {
		t.Errorf("environment not applied: %v", cfg)
	}
	if cfg.RequestTimeout != 60*time.Second || cfg.MaxRetries != 5 {
		t.Errorf("defaults not applied: %v", cfg)
	}
}

func TestClientConfig_blockWinsOverEnvironment(t *testing.T) {
	m := nullProviderModel()
	m.Endpoint = types.StringValue("10.0.0.5")
	m.Port = types.Int64Value(443)
	m.Username = types.StringValue("dr-admin")
	m.Password = types.StringValue("from-block")
	m.Insecure = types.BoolValue(false)
	m.RequestTimeout = timetypes.NewGoDurationValueFromStringMust("2m")
	m.MaxRetries = types.Int64Value(0)
	cfg, diags := clientConfig(m, env(map[string]string{
		"NUTANIX_ENDPOINT": "ignored", "NUTANIX_USERNAME": "ignored", "NUTANIX_PASSWORD": "ignored",
		"NUTANIX_PORT": "1", "NUTANIX_INSECURE": "true",
	}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if cfg.Endpoint != "10.0.0.5" || cfg.Username != "dr-admin" || cfg.Password != "from-block" ||
		cfg.Port != 443 || cfg.Insecure || cfg.RequestTimeout != 2*time.Minute {
		t.Errorf("block not applied: %v", cfg)
	}
	if cfg.MaxRetries >= 0 {
		t.Errorf("max_retries = 0 must disable retries (negative for the client), got %d", cfg.MaxRetries)
	}
}

func TestClientConfig_missingAndInvalid(t *testing.T) {
	_, diags := clientConfig(nullProviderModel(), env(map[string]string{
		"NUTANIX_PORT": "ninety", "NUTANIX_INSECURE": "maybe",
	}))
	var all []string
	for _, d := range diags.Errors() {
		all = append(all, d.Summary()+": "+d.Detail())
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{
		`"endpoint" in the provider block or the NUTANIX_ENDPOINT environment variable`,
		`"username" in the provider block or the NUTANIX_USERNAME environment variable`,
		`"password" in the provider block or the NUTANIX_PASSWORD environment variable`,
		`NUTANIX_PORT environment variable is "ninety"`,
		`NUTANIX_INSECURE environment variable is "maybe"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnostics do not say %q:\n%s", want, text)
		}
	}
	if len(all) != 5 {
		t.Errorf("got %d errors, want 5:\n%s", len(all), text)
	}
}

// TestSchemas validates every schema the provider serves, as the framework does at run time.
func TestSchemas(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var presp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &presp)
	if presp.Diagnostics.HasError() {
		t.Fatalf("provider schema: %v", presp.Diagnostics)
	}
	for name, a := range presp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("provider attribute %s has no description", name)
		}
	}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "nutanixdr"}, &meta)
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s schema: %v", meta.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s schema: %v", meta.TypeName, diags)
		}
		for name, a := range resp.Schema.Attributes {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("%s attribute %s has no description", meta.TypeName, name)
			}
		}
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "nutanixdr"}, &meta)
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s schema: %v", meta.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s schema: %v", meta.TypeName, diags)
		}
		for name, a := range resp.Schema.Attributes {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("%s attribute %s has no description", meta.TypeName, name)
			}
		}
	}
}

func TestConfigure_unknownValue(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var sresp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx)
	objType, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("schema type is %T", typ)
	}
	vals := make(map[string]tftypes.Value, len(objType.AttributeTypes))
	for name, at := range objType.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["endpoint"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	vals["username"] = tftypes.NewValue(tftypes.String, "admin")
	vals["password"] = tftypes.NewValue(tftypes.String, "secret")
	req := fwprovider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, vals)}}
	var resp fwprovider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("an unknown endpoint must be an error")
	}
	d := resp.Diagnostics.Errors()[0]
	if d.Summary() != summaryUnknownProviderValue || !strings.Contains(d.Detail(), `"endpoint" is unknown`) ||
		!strings.Contains(d.Detail(), "NUTANIX_ENDPOINT") {
		t.Errorf("diagnostic %q: %q", d.Summary(), d.Detail())
	}
	if resp.ResourceData != nil {
		t.Error("no provider data may be handed out after an error")
	}
}
