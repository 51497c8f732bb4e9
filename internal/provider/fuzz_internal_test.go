package provider

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The fuzz targets below feed the provider's validators and parsers any string: none may
// panic, every refusal names the attribute and says what is allowed, and what a parser
// accepts is well formed. `go test` runs the seeds; `make fuzz` runs each for FUZZTIME.

// fuzzedValidators are the string validators of the schemas, by name.
func fuzzedValidators() map[string][]validator.String {
	return map[string][]validator.String{
		"uuid":            {uuidString()},
		"category_name":   categoryNameValidators(),
		"description":     descriptionValidators(),
		"positive_dur":    {positiveDuration()},
		"ca_certificate":  {pemCertificate()},
		"name":            {nonEmptyName()},
		"remote_address":  {remoteAddress()},
		"cidr":            {cidrString()},
		"routable_prefix": {routablePrefixString()},
		"ipv4":            {ipv4String()},
		"start_time":      {startTimeValidator()},
		"bucket":          {bucketName()},
	}
}

var fuzzValidatorSeeds = []string{
	"", " ", "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b", "replicated-vm", "a/b", "15m", "0s", "-1h", "1e9h",
	"9223372036854775807ns", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "ca.pem",
	"192.168.0.10", "https://10.0.0.5:9440/", "[::1]:9440", "host:99999", "172.30.1.0/24", "10.0.0.1/33",
	"10.0.0.0/8", "256.1.1.1", "2026-12-06T12:00:00Z", "12:00", "my-bucket", "My_Bucket", "192.168.1.1",
	strings.Repeat("x", 2000), "\x00\xff", "日本",
}

func FuzzStringValidators(f *testing.F) {
	for _, s := range fuzzValidatorSeeds {
		f.Add(s)
	}
	validators := fuzzedValidators()
	f.Fuzz(func(t *testing.T, s string) {
		ctx := context.Background()
		for name, vs := range validators {
			p := path.Root("fuzzed_" + name)
			for _, v := range vs {
				req := validator.StringRequest{Path: p, ConfigValue: types.StringValue(s)}
				resp := &validator.StringResponse{}
				v.ValidateString(ctx, req, resp)
				_ = v.Description(ctx)
				_ = v.MarkdownDescription(ctx)
				for _, d := range resp.Diagnostics.Errors() {
					if d.Summary() == "" || d.Detail() == "" {
						t.Fatalf("%s(%q): an error without summary or detail: %+v", name, s, d)
					}
					withPath, ok := d.(interface{ Path() path.Path })
					if !ok || !withPath.Path().Equal(p) {
						t.Fatalf("%s(%q): the error does not name the attribute: %s: %s", name, s, d.Summary(), d.Detail())
					}
				}
				// Null and unknown values are left to other checks.
				for _, cv := range []types.String{types.StringNull(), types.StringUnknown()} {
					resp := &validator.StringResponse{}
					v.ValidateString(ctx, validator.StringRequest{Path: p, ConfigValue: cv}, resp)
					if resp.Diagnostics.HasError() {
						t.Fatalf("%s refused a %s value", name, cv)
					}
				}
			}
		}
	})
}

func FuzzDurations(f *testing.F) {
	for _, s := range []string{"15m", "0s", "1h", "2h0m0s", "-5m", "1.5h", "336h", "1e3s", "1h1m1s1ms", "", "m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := time.ParseDuration(s)
		if err != nil {
			return
		}
		_ = validRPO(d)
		text := durationText(d)
		back, err := time.ParseDuration(text)
		if err != nil || back != d {
			t.Fatalf("durationText(%v) = %q, which parses as %v, %v", d, text, back, err)
		}
	})
}

func FuzzNetworkParsers(f *testing.F) {
	for _, seed := range [][2]string{
		{"172.30.1.0/24", "172.30.1.1"}, {"10.0.0.0/31", "10.0.0.1"}, {"10.0.0.5/32", "10.0.0.5"},
		{"0.0.0.0/0", "255.255.255.255"}, {"192.168.50.0/24", "192.168.50.10 192.168.50.99"},
		{"192.168.50.0/25", "192.168.50.100-192.168.50.200"}, {"::1/128", "::1"}, {"1.2.3.4/24", "01.2.3.4"},
		{"", ""}, {"10.0.0.0/8", "10.0.0.0/16,10.1.0.0/16"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, cidr, addr string) {
		if p, err := parseCIDR(cidr); err == nil {
			if !p.IsValid() || !p.Addr().Is4() || p.Masked() != p {
				t.Fatalf("parseCIDR(%q) accepted %v", cidr, p)
			}
			last := lastAddr(p)
			if !p.Contains(last) {
				t.Fatalf("lastAddr(%v) = %v, outside the network", p, last)
			}
			if a, err := parseIPv4(addr); err == nil {
				if !a.Is4() {
					t.Fatalf("parseIPv4(%q) accepted %v", addr, a)
				}
				_ = checkGateway(p, a)
				_ = hostAddressProblem(p, a, a)
			}
			if r, ok := parsePool(addr); ok {
				_ = checkPool(p, r)
				_ = overlappingPools([]ipRange{r, r})
			}
			_ = checkRoutablePrefix(p)
			_ = checkOverlayInRoutablePrefixes(p, strings.Split(addr, ","))
			_ = overlappingPrefixes([]netip.Prefix{p, p})
		}
		_ = checkMSTAddresses(strings.Fields(addr))
		_ = checkRemoteAddress(addr)
		_ = checkBucketName(addr)
	})
}

func FuzzImportIDs(f *testing.F) {
	for _, s := range []string{
		"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b", "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b/canada,france",
		"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b/a,a", "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b/", "x/y", "replicated-vm/from-canada",
		"/", "a/b/c", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if id, labels, err := parseProtectionPolicyImportID(s); err == nil {
			if !isUUID(id) {
				t.Fatalf("parseProtectionPolicyImportID(%q) gave id %q", s, id)
			}
			seen := map[string]bool{}
			for _, l := range labels {
				if l == "" || seen[l] {
					t.Fatalf("parseProtectionPolicyImportID(%q) gave labels %q", s, labels)
				}
				seen[l] = true
			}
		}
		if key, value, err := parseCategoryValueID(s); err == nil {
			if key == "" || value == "" || categoryValueID(key, value) != s {
				t.Fatalf("parseCategoryValueID(%q) = %q, %q", s, key, value)
			}
		}
	})
}
