package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

func TestClientConfig_apiVersion(t *testing.T) {
	base := func(v types.String) providerModel {
		m := nullProviderModel()
		m.Endpoint, m.Username, m.Password = types.StringValue("pc"), types.StringValue("admin"), types.StringValue("secret")
		m.APIVersion = v
		return m
	}
	for in, want := range map[types.String]string{
		types.StringNull():        client.APIVersionAuto, // the default
		types.StringValue("auto"): client.APIVersionAuto,
		types.StringValue("v3"):   client.APIVersionV3,
	} {
		cfg, diags := clientConfig(base(in), env(nil))
		if diags.HasError() || cfg.APIVersion != want {
			t.Errorf("api_version %s: got %q, %v; want %q", in, cfg.APIVersion, diags, want)
		}
	}
	// Unset, the environment chooses; the block wins over it.
	for in, want := range map[types.String]string{
		types.StringNull():      client.APIVersionV3,
		types.StringValue("v4"): client.APIVersionV4,
	} {
		cfg, diags := clientConfig(base(in), env(map[string]string{envAPIVersion: "v3"}))
		if diags.HasError() || cfg.APIVersion != want {
			t.Errorf("api_version %s with %s=v3: got %q, %v; want %q", in, envAPIVersion, cfg.APIVersion, diags, want)
		}
	}
	if _, diags := clientConfig(base(types.StringNull()), env(map[string]string{envAPIVersion: "v5"})); !diags.HasError() {
		t.Errorf("%s=v5 was accepted", envAPIVersion)
	}

	if cfg, diags := clientConfig(base(types.StringValue("v4")), env(nil)); diags.HasError() || cfg.APIVersion != client.APIVersionV4 {
		t.Errorf("api_version v4: %q, %v", cfg.APIVersion, diags)
	}
}

// providerConfig builds the raw provider block with api_version set to v (other attributes
// null).
func providerConfig(t *testing.T, v tftypes.Value) (fwprovider.Provider, tfsdk.Config) {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var sresp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &sresp)
	objType, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	vals := make(map[string]tftypes.Value, len(objType.AttributeTypes))
	for name, at := range objType.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["api_version"] = v
	return p, tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, vals)}
}

func TestValidateConfig_apiVersion(t *testing.T) {
	ctx := context.Background()
	for name, tt := range map[string]struct {
		v       tftypes.Value
		wantErr bool
	}{
		"unset":   {v: tftypes.NewValue(tftypes.String, nil)},
		"unknown": {v: tftypes.NewValue(tftypes.String, tftypes.UnknownValue)},
		"auto":    {v: tftypes.NewValue(tftypes.String, "auto")},
		"v3":      {v: tftypes.NewValue(tftypes.String, "v3")},
		"v4":      {v: tftypes.NewValue(tftypes.String, "v4")},
	} {
		t.Run(name, func(t *testing.T) {
			p, cfg := providerConfig(t, tt.v)
			pv, ok := p.(fwprovider.ProviderWithValidateConfig)
			if !ok {
				t.Fatal("the provider does not validate its configuration")
			}
			var resp fwprovider.ValidateConfigResponse
			pv.ValidateConfig(ctx, fwprovider.ValidateConfigRequest{Config: cfg}, &resp)
			if resp.Diagnostics.HasError() != tt.wantErr {
				t.Fatalf("diagnostics = %v, want error %t", resp.Diagnostics, tt.wantErr)
			}
			if tt.wantErr && !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "not serve these kinds over the v4 API yet") {
				t.Errorf("detail = %s", resp.Diagnostics.Errors()[0].Detail())
			}
		})
	}
}

func TestLogProtocols(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	c, err := client.New(client.Config{Endpoint: "10.0.0.5", Username: "admin", Password: "secret-pass", APIVersion: client.APIVersionAuto})
	if err != nil {
		t.Fatal(err)
	}
	logProtocols(ctx, c, client.APIVersionAuto)
	logged := out.String()
	for _, want := range []string{
		`Prism Central API protocol per kind (api_version = \"auto\")`,
		`"recovery_plans":"v3 (api_version = \"auto\": v4 (datapolicies v4.2) once the Prism Central answers that it serves it)"`,
		`"subnets":"v3 (api_version = \"auto\": v4 (networking v4.3) once the Prism Central answers that it serves it)"`,
		`"mst_recovery_point_stores":"v4 (Prism Central has no v3 API for MST recovery point stores)"`,
		`"endpoint":"https://10.0.0.5:9440"`,
		`"@level":"info"`,
	} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %s:\n%s", want, logged)
		}
	}
	if strings.Contains(logged, "secret-pass") {
		t.Errorf("the log holds the password:\n%s", logged)
	}
}
