package provider

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/sshcli"
)

// This file holds the checks of an MST deployment: the bucket name, the three addresses, and,
// against the Prism Central, the network they must belong to.

// mstIPCount is how many addresses an MST deployment takes (its service VMs).
const mstIPCount = 3

// recommendedBucketPrefix is the prefix the NC2 guide recommends for MST buckets.
const recommendedBucketPrefix = "nutanix-clusters"

// bucketNameChars matches a bucket name made of what S3 allows, starting and ending with a
// letter or digit.
var bucketNameChars = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)

// checkBucketName returns why name is not a valid bucket name, or "".
func checkBucketName(name string) string {
	switch {
	case len(name) < 3 || len(name) > 63:
		return fmt.Sprintf("it is %d characters long; bucket names are 3 to 63 characters", len(name))
	case strings.Contains(name, "_"):
		return "it contains an underscore; use lowercase letters, digits, hyphens (-) and dots (.)"
	case strings.ToLower(name) != name:
		return "it contains upper-case letters; bucket names are lowercase"
	case !bucketNameChars.MatchString(name):
		return "use lowercase letters, digits, hyphens (-) and dots (.) only, starting and ending with a letter or digit"
	case strings.Contains(name, ".."):
		return "it contains two adjacent dots"
	case isIPv4Literal(name):
		return "it is formatted as an IP address"
	case strings.HasPrefix(name, "xn--") || strings.HasSuffix(name, "-s3alias"):
		return "the prefix xn-- and the suffix -s3alias are reserved"
	}
	return ""
}

func isIPv4Literal(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// bucketNameValidator checks a bucket name, and warns when it does not start with the prefix
// the NC2 guide recommends.
type bucketNameValidator struct{}

var _ validator.String = bucketNameValidator{}

// bucketName returns the validator of an MST bucket name.
func bucketName() validator.String { return bucketNameValidator{} }

// Description says what the validator checks.
func (bucketNameValidator) Description(_ context.Context) string {
	return "value must be a bucket name: 3 to 63 lowercase letters, digits, hyphens and dots, no underscores"
}

// MarkdownDescription says what the validator checks.
func (v bucketNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString runs the check.
func (bucketNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	if why := checkBucketName(name); why != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid bucket name",
			fmt.Sprintf("%s %q is not a valid bucket name: %s.", req.Path, name, why))
		return
	}
	if !strings.HasPrefix(name, recommendedBucketPrefix) {
		resp.Diagnostics.AddAttributeWarning(req.Path, "Bucket name without the recommended prefix",
			fmt.Sprintf("The bucket %q does not start with %q. The NC2 guide recommends bucket names that start with "+
				"it (and IAM policies are often written for nutanix-clusters*): check that the access key may use this bucket.",
				name, recommendedBucketPrefix))
	}
}

// checkMSTAddresses returns why the addresses cannot be those of an MST deployment, without
// looking at any network: exactly three distinct IPv4 addresses.
func checkMSTAddresses(ips []string) []string {
	var problems []string
	if len(ips) != mstIPCount {
		problems = append(problems, fmt.Sprintf("MST needs exactly %d IP addresses, one per service VM; %d given", mstIPCount, len(ips)))
	}
	seen := map[netip.Addr]int{}
	for i, s := range ips {
		a, err := parseIPv4(s)
		if err != nil {
			problems = append(problems, fmt.Sprintf("ip_addresses[%d]: %s", i, err))
			continue
		}
		if j, dup := seen[a]; dup {
			problems = append(problems, fmt.Sprintf("ip_addresses[%d] and ip_addresses[%d] are both %s: the addresses must be distinct", j, i, a))
			continue
		}
		seen[a] = i
	}
	return problems
}

// mstNetworkProblems returns why the addresses cannot be used in subnet: each must lie inside
// its network, be neither its network, broadcast nor gateway address, lie outside its DHCP
// pools, and not be used by a VM (usedBy maps addresses to VM names).
func mstNetworkProblems(subnet client.Subnet, ips []string, usedBy map[string]string) []string {
	cidr := subnet.CIDR
	var pools []string
	if subnet.IPConfig != nil {
		if cidr == "" {
			cidr = subnet.IPConfig.CIDR
		}
		pools = subnet.IPConfig.Pools
	}
	if cidr == "" {
		return []string{fmt.Sprintf("network %q has no IP address management (no network address): MST needs a managed network", subnet.Name)}
	}
	network, err := netip.ParsePrefix(cidr)
	if err != nil {
		return []string{fmt.Sprintf("network %q has the address %q, which does not parse: %s", subnet.Name, cidr, err)}
	}
	network = network.Masked()
	var ranges []ipRange
	for _, p := range pools {
		if r, ok := parsePool(p); ok {
			ranges = append(ranges, r)
		}
	}
	var problems []string
	for i, s := range ips {
		a, err := parseIPv4(s)
		if err != nil {
			continue // Reported by checkMSTAddresses.
		}
		switch {
		case !network.Contains(a):
			problems = append(problems, fmt.Sprintf("ip_addresses[%d] %s is not inside network %q (%s)", i, a, subnet.Name, network))
			continue
		case network.Bits() < 31 && (a == network.Addr() || a == lastAddr(network)):
			problems = append(problems, fmt.Sprintf("ip_addresses[%d] %s is the network or broadcast address of %s", i, a, network))
			continue
		case subnet.GatewayIP != "" && a.String() == subnet.GatewayIP:
			problems = append(problems, fmt.Sprintf("ip_addresses[%d] %s is the gateway of network %q", i, a, subnet.Name))
			continue
		}
		for _, r := range ranges {
			if r.start.Compare(a) <= 0 && a.Compare(r.end) <= 0 {
				problems = append(problems, fmt.Sprintf("ip_addresses[%d] %s is inside the DHCP pool %s of network %q: shrink "+
					"the pool (the NC2 guide ends PC-Net's at .200) or pick addresses outside it", i, a, r, subnet.Name))
				break
			}
		}
		if vm, ok := usedBy[a.String()]; ok {
			problems = append(problems, fmt.Sprintf("ip_addresses[%d] %s is already used by VM %q", i, a, vm))
		}
	}
	return problems
}

// parsePool parses a pool written "first-last" or "first last".
func parsePool(s string) (ipRange, bool) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == ' ' })
	if len(f) != 2 {
		return ipRange{}, false
	}
	a, err1 := parseIPv4(f[0])
	b, err2 := parseIPv4(f[1])
	if err1 != nil || err2 != nil {
		return ipRange{}, false
	}
	return ipRange{start: a, end: b}, true
}

// hostKeyValidator checks a pinned SSH host key.
type hostKeyValidator struct{}

var _ validator.String = hostKeyValidator{}

// sshHostKey returns the validator of a pinned SSH host key.
func sshHostKey() validator.String { return hostKeyValidator{} }

// Description says what the validator checks.
func (hostKeyValidator) Description(_ context.Context) string {
	return "value must be a public key in authorized_keys format, a known_hosts line, or a SHA256 fingerprint"
}

// MarkdownDescription says what the validator checks.
func (v hostKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString runs the check.
func (hostKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := sshcli.HostKeyMatcher(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid SSH host key",
			fmt.Sprintf("%s: %s. Pin the key the Prism Central VM presents, e.g. the output of "+
				"`ssh-keyscan -t ed25519 <host>` without the host name, or `ssh-keygen -l -f` of its key (SHA256:...).", req.Path, err))
	}
}

// sshHostValidator checks the address of the SSH host: an IP address or a host name, with no
// port (the port has its own attribute).
type sshHostValidator struct{}

var _ validator.String = sshHostValidator{}

// sshHost returns the validator of an SSH host.
func sshHost() validator.String { return sshHostValidator{} }

// Description says what the validator checks.
func (sshHostValidator) Description(_ context.Context) string {
	return "value must be an IP address or host name, without a port"
}

// MarkdownDescription says what the validator checks.
func (v sshHostValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString runs the check.
func (sshHostValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	err := checkRemoteAddress(s)
	if err == nil {
		if _, perr := netip.ParseAddr(s); perr != nil && strings.Contains(s, ":") {
			err = fmt.Errorf("it has a port: set ssh.port instead")
		}
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid SSH host",
			fmt.Sprintf("%s %q is not an IP address or host name: %s.", req.Path, s, err))
	}
}
