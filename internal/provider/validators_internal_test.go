package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// selfSignedPEM returns a fresh self-signed certificate in PEM form.
func selfSignedPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "pc.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestCheckPEMCertificates(t *testing.T) {
	cert := selfSignedPEM(t)
	for _, tc := range []struct {
		name, in, wantErr string
	}{
		{"one certificate", cert, ""},
		{"a bundle", cert + cert, ""},
		{"a file name", "pc-ca.pem", "looks like a file name"},
		{"empty", "", "no PEM certificate"},
		{"a private key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", `type "PRIVATE KEY"`},
		{"garbage in a block", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "does not parse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkPEMCertificates(tc.in)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

// runStringValidators returns the error details of the validators for value.
func runStringValidators(vs []validator.String, value types.String) []string {
	var out []string
	for _, v := range vs {
		req := validator.StringRequest{Path: path.Root("name"), ConfigValue: value}
		var resp validator.StringResponse
		v.ValidateString(context.Background(), req, &resp)
		for _, d := range resp.Diagnostics.Errors() {
			out = append(out, d.Detail())
		}
	}
	return out
}

func TestCategoryNameValidators(t *testing.T) {
	for _, tc := range []struct {
		in      string
		wantErr string
	}{
		{"replicated-vm", ""},
		{strings.Repeat("a", 64), ""},
		{"with space and ünïcode", ""},
		{"", "between 1 and 64"},
		{strings.Repeat("a", 65), "between 1 and 64"},
		{"key/value", `must not contain "/"`},
	} {
		errs := runStringValidators(categoryNameValidators(), types.StringValue(tc.in))
		joined := strings.Join(errs, "; ")
		switch {
		case tc.wantErr == "" && len(errs) > 0:
			t.Errorf("%q: unexpected errors: %s", tc.in, joined)
		case tc.wantErr != "" && !strings.Contains(joined, tc.wantErr):
			t.Errorf("%q: errors %q, want one containing %q", tc.in, joined, tc.wantErr)
		}
	}
	if errs := runStringValidators(categoryNameValidators(), types.StringUnknown()); len(errs) > 0 {
		t.Errorf("unknown value must not be validated: %v", errs)
	}
}

func TestDescriptionValidators(t *testing.T) {
	if errs := runStringValidators(descriptionValidators(), types.StringValue(strings.Repeat("d", 1000))); len(errs) > 0 {
		t.Errorf("1000 characters must pass: %v", errs)
	}
	if errs := runStringValidators(descriptionValidators(), types.StringValue(strings.Repeat("d", 1001))); len(errs) != 1 {
		t.Errorf("1001 characters must fail once, got %v", errs)
	}
}

func TestPositiveDuration(t *testing.T) {
	for in, wantErr := range map[string]bool{"60s": false, "1m30s": false, "0s": true, "-5s": true, "soon": false} {
		errs := runStringValidators([]validator.String{positiveDuration()}, types.StringValue(in))
		if (len(errs) > 0) != wantErr {
			t.Errorf("%q: errors %v, want error %t", in, errs, wantErr)
		}
	}
}

func TestUUIDString(t *testing.T) {
	if errs := runStringValidators([]validator.String{uuidString()}, types.StringValue("0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b")); len(errs) > 0 {
		t.Errorf("a UUID must pass: %v", errs)
	}
	if errs := runStringValidators([]validator.String{uuidString()}, types.StringValue("app-01")); len(errs) != 1 {
		t.Errorf("a name must fail, got %v", errs)
	}
}

func TestCheckRemoteAddress(t *testing.T) {
	for _, ok := range []string{
		"192.168.0.10", "192.168.0.10:9440", "pc-france.example.com", "pc-france.example.com:9440",
		"localhost", "fd00::1", "[fd00::1]:9440", "PC01",
	} {
		if err := checkRemoteAddress(ok); err != nil {
			t.Errorf("%q: unexpected error %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"":                        "empty",
		"https://192.168.0.10":    "leave out",
		"192.168.0.10/api":        "path",
		"admin@192.168.0.10":      "user part",
		"192.168.0.10:99999":      "between 1 and 65535",
		"192.168.0.10:abc":        "between 1 and 65535",
		"pc france":               "white space",
		" 192.168.0.10":           "white space",
		"pc_france.example.com":   "not a valid host name",
		"-pc.example.com":         "not a valid host name",
		"fd00::1:9440:x":          "neither host nor host:port",
		"192.168.0.10:9440:1":     "neither host nor host:port",
		strings.Repeat("a.", 130): "longer than 253",
	} {
		err := checkRemoteAddress(bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", bad, err, want)
		}
	}
}

func TestRemoteAddressValidator(t *testing.T) {
	req := validator.StringRequest{Path: path.Root("remote_address"), ConfigValue: types.StringValue("https://192.168.0.10")}
	var resp validator.StringResponse
	remoteAddress().ValidateString(context.Background(), req, &resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("expected an error")
	}
	d := resp.Diagnostics.Errors()[0]
	if d.Summary() != "Invalid remote address" || !strings.Contains(d.Detail(), `remote_address "https://192.168.0.10" is not the address of a Prism Central`) {
		t.Errorf("%q: %q", d.Summary(), d.Detail())
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		var resp validator.StringResponse
		remoteAddress().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: v}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v must be skipped", v)
		}
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", 20 * time.Minute: "20m", time.Hour: "1h", 90 * time.Second: "1m30s", 45 * time.Second: "45s",
	} {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%v) = %q, want %q", d, got, want)
		}
	}
}
