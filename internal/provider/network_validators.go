package provider

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// This file holds the checks of addresses and networks that the subnet, VPC and route table
// resources share: attribute validators, and plain functions for the rules between attributes,
// which the resources' ValidateConfig apply.

// Limits of the Prism Central v3 API (definitions subnet, vpc and vlan_id of the spec) and of
// the externally routable prefixes of a VPC, which Prism Central keeps between /16 and /28.
const (
	maxSubnetNameLength       = 256
	maxVPCNameLength          = 64
	maxVLANID                 = 4095
	minRoutablePrefixLength   = 16
	maxRoutablePrefixLength   = 28
	maxDHCPListLength         = 32
	defaultRouteDestination   = "0.0.0.0/0"
	canonicalCIDRExampleInMsg = "172.30.1.0/24"
)

// parseIPv4 parses a dotted IPv4 address such as 172.30.1.1.
func parseIPv4(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 address such as 172.30.1.1", s)
	}
	return a, nil
}

// parseCIDR parses an IPv4 network in prefix notation whose address is the network address:
// "172.30.1.0/24", not "172.30.1.5/24", which Prism Central would store as another network.
func parseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 network in prefix notation such as %s", s, canonicalCIDRExampleInMsg)
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("%q is not a network address: the bits after /%d must be zero (did you mean %q?)",
			s, p.Bits(), m.String())
	}
	return p, nil
}

// lastAddr returns the last address (the broadcast address) of an IPv4 network.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := 32 - p.Bits()
	for i := 3; i >= 0 && host > 0; i-- {
		n := min(host, 8)
		b[i] |= byte(1<<n - 1)
		host -= n
	}
	return netip.AddrFrom4(b)
}

// checkGateway returns why gw cannot be the default gateway of the network, or nil: it must lie
// inside, and be neither the network address nor the broadcast address.
func checkGateway(network netip.Prefix, gw netip.Addr) error {
	switch {
	case !network.Contains(gw):
		return fmt.Errorf("%s is not inside the subnet's network %s", gw, network)
	case network.Bits() < 31 && gw == network.Addr():
		return fmt.Errorf("%s is the network address of %s, which no host can use", gw, network)
	case network.Bits() < 31 && gw == lastAddr(network):
		return fmt.Errorf("%s is the broadcast address of %s, which no host can use", gw, network)
	}
	return nil
}

// ipRange is an inclusive range of IPv4 addresses, such as a DHCP pool.
type ipRange struct {
	start, end netip.Addr
}

// String formats the range as users write it.
func (r ipRange) String() string { return r.start.String() + "-" + r.end.String() }

// overlaps tells whether r and o share an address.
func (r ipRange) overlaps(o ipRange) bool {
	return r.start.Compare(o.end) <= 0 && o.start.Compare(r.end) <= 0
}

// checkPool returns why r cannot be an address pool of the network, or nil.
func checkPool(network netip.Prefix, r ipRange) error {
	switch {
	case r.start.Compare(r.end) > 0:
		return fmt.Errorf("the pool %s starts after it ends: start must not be greater than end", r)
	case !network.Contains(r.start) || !network.Contains(r.end):
		return fmt.Errorf("the pool %s is not inside the subnet's network %s", r, network)
	}
	return nil
}

// overlappingPools returns the index pairs of pools that share addresses.
func overlappingPools(pools []ipRange) [][2]int {
	var out [][2]int
	for i := range pools {
		for j := i + 1; j < len(pools); j++ {
			if pools[i].overlaps(pools[j]) {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

// checkRoutablePrefix returns why p cannot be an externally routable prefix of a VPC, or nil.
func checkRoutablePrefix(p netip.Prefix) error {
	if p.Bits() < minRoutablePrefixLength || p.Bits() > maxRoutablePrefixLength {
		return fmt.Errorf("%s is a /%d: Prism Central accepts externally routable prefixes from /%d to /%d",
			p, p.Bits(), minRoutablePrefixLength, maxRoutablePrefixLength)
	}
	return nil
}

// overlappingPrefixes returns the index pairs of prefixes that share addresses.
func overlappingPrefixes(ps []netip.Prefix) [][2]int {
	var out [][2]int
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if ps[i].Overlaps(ps[j]) {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

// prefixCovering returns the first of prefixes that contains all of network, and whether there
// is one.
func prefixCovering(prefixes []netip.Prefix, network netip.Prefix) (netip.Prefix, bool) {
	for _, p := range prefixes {
		if p.Bits() <= network.Bits() && p.Contains(network.Addr()) {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// checkOverlayInRoutablePrefixes returns why an overlay subnet of network cannot join a VPC whose
// external subnet does no NAT and whose externally routable prefixes are prefixes, or nil.
// Without NAT, the VMs' addresses are seen as they are outside the VPC, so the subnet must lie
// inside one of the prefixes the VPC announces.
func checkOverlayInRoutablePrefixes(network netip.Prefix, prefixes []string) error {
	parsed := make([]netip.Prefix, 0, len(prefixes))
	for _, s := range prefixes {
		if p, err := netip.ParsePrefix(s); err == nil {
			parsed = append(parsed, p.Masked())
		}
	}
	if _, ok := prefixCovering(parsed, network); ok {
		return nil
	}
	have := "none"
	if len(prefixes) > 0 {
		have = strings.Join(prefixes, ", ")
	}
	return fmt.Errorf("the VPC's external subnet does no NAT, so an overlay subnet must lie inside one of the VPC's "+
		"externally_routable_prefixes; %s is in none of them (the VPC has: %s). Add a prefix that covers it to the "+
		"VPC, or choose a network inside one", network, have)
}

// cidrValidator checks an IPv4 network in prefix notation, optionally with bounds on the prefix
// length.
type cidrValidator struct {
	minBits, maxBits int
}

var _ validator.String = cidrValidator{}

// cidrString returns a validator of an IPv4 network such as 172.30.1.0/24.
func cidrString() validator.String { return cidrValidator{minBits: 0, maxBits: 32} }

// routablePrefixString returns a validator of an externally routable prefix of a VPC.
func routablePrefixString() validator.String {
	return cidrValidator{minBits: minRoutablePrefixLength, maxBits: maxRoutablePrefixLength}
}

// Description says what the validator checks.
func (v cidrValidator) Description(_ context.Context) string {
	if v.minBits == 0 && v.maxBits == 32 {
		return "value must be an IPv4 network address in prefix notation, such as " + canonicalCIDRExampleInMsg
	}
	return fmt.Sprintf("value must be an IPv4 network address in prefix notation, from /%d to /%d", v.minBits, v.maxBits)
}

// MarkdownDescription says what the validator checks.
func (v cidrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString runs the check.
func (v cidrValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p, err := parseCIDR(req.ConfigValue.ValueString())
	if err == nil && (p.Bits() < v.minBits || p.Bits() > v.maxBits) {
		if v.minBits == minRoutablePrefixLength && v.maxBits == maxRoutablePrefixLength {
			err = checkRoutablePrefix(p)
		} else {
			err = fmt.Errorf("%s is a /%d: the prefix length must be from /%d to /%d", p, p.Bits(), v.minBits, v.maxBits)
		}
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid network", fmt.Sprintf("%s: %s.", req.Path, err))
	}
}

// ipv4Validator checks an IPv4 address.
type ipv4Validator struct{}

var _ validator.String = ipv4Validator{}

// ipv4String returns a validator of an IPv4 address such as 172.30.1.1.
func ipv4String() validator.String { return ipv4Validator{} }

// Description says what the validator checks.
func (ipv4Validator) Description(_ context.Context) string {
	return "value must be an IPv4 address such as 172.30.1.1"
}

// MarkdownDescription says what the validator checks.
func (v ipv4Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString runs the check.
func (ipv4Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseIPv4(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP address", fmt.Sprintf("%s: %s.", req.Path, err))
	}
}
