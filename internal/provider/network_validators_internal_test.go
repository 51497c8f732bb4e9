package provider

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestParseCIDR(t *testing.T) {
	for _, tc := range []struct {
		in, wantErr string
	}{
		{"172.30.1.0/24", ""},
		{"172.30.0.0/16", ""},
		{"0.0.0.0/0", ""},
		{"10.0.0.7/32", ""},
		{"172.30.1.1/24", `did you mean "172.30.1.0/24"`},
		{"172.30.1.0", "not an IPv4 network in prefix notation"},
		{"172.30.1.0/33", "not an IPv4 network"},
		{"fd00::/64", "not an IPv4 network"},
		{"", "not an IPv4 network"},
	} {
		_, err := parseCIDR(tc.in)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("parseCIDR(%q): unexpected error %v", tc.in, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("parseCIDR(%q) = %v, want an error containing %q", tc.in, err, tc.wantErr)
		}
	}
}

func TestLastAddr(t *testing.T) {
	for in, want := range map[string]string{
		"172.30.1.0/24": "172.30.1.255", "172.30.0.0/16": "172.30.255.255", "10.0.0.0/8": "10.255.255.255",
		"192.168.51.0/25": "192.168.51.127", "10.0.0.4/30": "10.0.0.7", "10.0.0.1/32": "10.0.0.1", "0.0.0.0/0": "255.255.255.255",
	} {
		if got := lastAddr(netip.MustParsePrefix(in)).String(); got != want {
			t.Errorf("lastAddr(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestCheckGateway(t *testing.T) {
	network := netip.MustParsePrefix("172.30.1.0/24")
	for gw, wantErr := range map[string]string{
		"172.30.1.1":   "",
		"172.30.1.254": "",
		"172.30.2.1":   "not inside the subnet's network 172.30.1.0/24",
		"172.30.1.0":   "network address",
		"172.30.1.255": "broadcast address",
	} {
		err := checkGateway(network, netip.MustParseAddr(gw))
		switch {
		case wantErr == "" && err != nil:
			t.Errorf("checkGateway(%s): unexpected error %v", gw, err)
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
			t.Errorf("checkGateway(%s) = %v, want an error containing %q", gw, err, wantErr)
		}
	}
}

func rng(a, b string) ipRange {
	return ipRange{start: netip.MustParseAddr(a), end: netip.MustParseAddr(b)}
}

func TestCheckPoolAndOverlaps(t *testing.T) {
	network := netip.MustParsePrefix("172.30.1.0/24")
	if err := checkPool(network, rng("172.30.1.100", "172.30.1.200")); err != nil {
		t.Errorf("a pool inside: %v", err)
	}
	if err := checkPool(network, rng("172.30.1.200", "172.30.2.10")); err == nil || !strings.Contains(err.Error(), "not inside") {
		t.Errorf("a pool reaching outside: %v", err)
	}
	if err := checkPool(network, rng("172.30.1.200", "172.30.1.100")); err == nil || !strings.Contains(err.Error(), "starts after it ends") {
		t.Errorf("a reversed pool: %v", err)
	}
	pools := []ipRange{rng("172.30.1.10", "172.30.1.20"), rng("172.30.1.21", "172.30.1.30"), rng("172.30.1.30", "172.30.1.40")}
	got := overlappingPools(pools)
	if len(got) != 1 || got[0] != [2]int{1, 2} {
		t.Errorf("overlappingPools = %v, want [[1 2]] (adjacent pools do not overlap, sharing an end does)", got)
	}
}

func TestCheckRoutablePrefix(t *testing.T) {
	for in, ok := range map[string]bool{
		"172.30.0.0/16": true, "172.30.1.0/28": true, "172.30.1.0/24": true,
		"172.0.0.0/15": false, "172.30.1.0/29": false,
	} {
		err := checkRoutablePrefix(netip.MustParsePrefix(in))
		if (err == nil) != ok {
			t.Errorf("checkRoutablePrefix(%s) = %v, want ok=%v", in, err, ok)
		}
	}
	ps := []netip.Prefix{
		netip.MustParsePrefix("172.30.0.0/16"), netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("172.30.5.0/24"),
	}
	if got := overlappingPrefixes(ps); len(got) != 1 || got[0] != [2]int{0, 2} {
		t.Errorf("overlappingPrefixes = %v, want [[0 2]]", got)
	}
}

func TestCheckOverlayInRoutablePrefixes(t *testing.T) {
	network := netip.MustParsePrefix("172.30.1.0/24")
	if err := checkOverlayInRoutablePrefixes(network, []string{"10.0.0.0/16", "172.30.0.0/16"}); err != nil {
		t.Errorf("inside the second prefix: %v", err)
	}
	if err := checkOverlayInRoutablePrefixes(network, []string{"172.30.1.0/24"}); err != nil {
		t.Errorf("equal to the prefix: %v", err)
	}
	err := checkOverlayInRoutablePrefixes(network, []string{"172.30.1.0/25"})
	if err == nil || !strings.Contains(err.Error(), "172.30.1.0/24 is in none of them (the VPC has: 172.30.1.0/25)") {
		t.Errorf("wider than the prefix: %v", err)
	}
	err = checkOverlayInRoutablePrefixes(network, nil)
	if err == nil || !strings.Contains(err.Error(), "the VPC has: none") {
		t.Errorf("no prefixes: %v", err)
	}
}

// runValidator returns the error details of v for value at attribute path p.
func runValidator(v validator.String, p path.Path, value types.String) []string {
	var resp validator.StringResponse
	v.ValidateString(context.Background(), validator.StringRequest{Path: p, ConfigValue: value}, &resp)
	var out []string
	for _, d := range resp.Diagnostics.Errors() {
		out = append(out, d.Detail())
	}
	return out
}

func TestNetworkValidatorsNameTheAttribute(t *testing.T) {
	at := path.Root("ip_config").AtName("cidr")
	if got := runValidator(cidrString(), at, types.StringValue("172.30.1.9/24")); len(got) != 1 ||
		!strings.HasPrefix(got[0], "ip_config.cidr: ") || !strings.Contains(got[0], `"172.30.1.0/24"`) {
		t.Errorf("cidrString on a host address: %v", got)
	}
	for _, v := range []types.String{types.StringValue("172.30.1.0/24"), types.StringNull(), types.StringUnknown()} {
		if got := runValidator(cidrString(), at, v); len(got) != 0 {
			t.Errorf("cidrString(%s): %v", v, got)
		}
	}
	prefixes := path.Root("externally_routable_prefixes").AtListIndex(1)
	got := runValidator(routablePrefixString(), prefixes, types.StringValue("172.30.1.0/29"))
	if len(got) != 1 || !strings.HasPrefix(got[0], "externally_routable_prefixes[1]: ") || !strings.Contains(got[0], "from /16 to /28") {
		t.Errorf("routablePrefixString on a /29: %v", got)
	}
	if got := runValidator(routablePrefixString(), prefixes, types.StringValue("172.30.0.0/16")); len(got) != 0 {
		t.Errorf("routablePrefixString on a /16: %v", got)
	}
	gw := path.Root("ip_config").AtName("gateway_ip")
	if got := runValidator(ipv4String(), gw, types.StringValue("172.30.1")); len(got) != 1 || !strings.HasPrefix(got[0], "ip_config.gateway_ip: ") {
		t.Errorf("ipv4String on a short address: %v", got)
	}
}
