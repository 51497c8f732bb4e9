package provider

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Limits of the Prism Central v3 API (definitions category_key and category_value of the
// spec).
const (
	maxCategoryNameLength = 64
	maxDescriptionLength  = 1000
)

// noSlash matches names that can be used as one segment of an API path and of a `key/value`
// import ID.
var noSlash = regexp.MustCompile(`^[^/]*$`)

// uuidPattern matches the UUIDs Prism Central gives its entities.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// isUUID tells whether s is a UUID.
func isUUID(s string) bool { return uuidPattern.MatchString(s) }

// uuidString validates an attribute that holds an entity UUID.
func uuidString() validator.String {
	return stringvalidator.RegexMatches(uuidPattern,
		"must be a UUID such as 0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b (look it up with a data source)")
}

// categoryNameValidators validate a category key or value name: what the API accepts, and no
// "/" since the name is a path segment and part of the `key/value` ID.
func categoryNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, maxCategoryNameLength),
		stringvalidator.RegexMatches(noSlash, `must not contain "/"`),
	}
}

// descriptionValidators validate a category key or value description.
func descriptionValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtMost(maxDescriptionLength)}
}

// positiveDurationValidator checks that a Go duration string is greater than zero. Parsing
// errors are left to timetypes.GoDuration, which reports them.
type positiveDurationValidator struct{}

var _ validator.String = positiveDurationValidator{}

// positiveDuration returns a validator that rejects zero and negative durations.
func positiveDuration() validator.String { return positiveDurationValidator{} }

// Description says what the validator checks.
func (positiveDurationValidator) Description(_ context.Context) string {
	return "value must be a Go duration greater than zero"
}

// MarkdownDescription says what the validator checks.
func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString runs the check.
func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil {
		return
	}
	if d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s must be greater than zero, got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}

// pemCertificateValidator checks that a string holds at least one PEM-encoded X.509 certificate
// and nothing that fails to parse.
type pemCertificateValidator struct{}

var _ validator.String = pemCertificateValidator{}

// pemCertificate returns a validator of PEM certificate content.
func pemCertificate() validator.String { return pemCertificateValidator{} }

// Description says what the validator checks.
func (pemCertificateValidator) Description(_ context.Context) string {
	return "value must be one or more PEM-encoded X.509 certificates"
}

// MarkdownDescription says what the validator checks.
func (v pemCertificateValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString runs the check.
func (pemCertificateValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkPEMCertificates(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CA certificate",
			fmt.Sprintf("%s: %s.", req.Path, err))
	}
}

// checkPEMCertificates returns why s is not a usable PEM bundle of certificates, or nil.
func checkPEMCertificates(s string) error {
	rest := []byte(s)
	n := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return fmt.Errorf("found a PEM block of type %q where a CERTIFICATE was expected", block.Type)
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("certificate %d does not parse: %w", n+1, err)
		}
		n++
	}
	if n == 0 {
		hint := ""
		if !strings.Contains(s, "\n") && len(s) < 512 {
			hint = ` (it looks like a file name: pass the content with file("...") instead)`
		}
		return fmt.Errorf("no PEM certificate (-----BEGIN CERTIFICATE-----) found%s", hint)
	}
	return nil
}

// nonEmptyName validates the name a data source looks up.
func nonEmptyName() validator.String {
	return stringvalidator.LengthAtLeast(1)
}

// remoteAddressValidator checks the address of a remote Prism Central: an IP address or a host
// name, optionally followed by :port. Prism Central takes no scheme and no path there.
type remoteAddressValidator struct{}

var _ validator.String = remoteAddressValidator{}

// remoteAddress returns a validator of the address of a remote Prism Central.
func remoteAddress() validator.String { return remoteAddressValidator{} }

// Description says what the validator checks.
func (remoteAddressValidator) Description(_ context.Context) string {
	return "value must be an IP address or host name, optionally with :port, such as 192.168.0.10 or pc.example.com:9440"
}

// MarkdownDescription says what the validator checks.
func (v remoteAddressValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString runs the check.
func (remoteAddressValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkRemoteAddress(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid remote address",
			fmt.Sprintf("%s %q is not the address of a Prism Central: %s. Give an IP address or host name, "+
				"optionally with :port, such as \"192.168.0.10\" or \"pc-france.example.com:9440\".",
				req.Path, req.ConfigValue.ValueString(), err))
	}
}

// hostLabel matches one label of a host name (RFC 1123).
var hostLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// checkRemoteAddress returns why s is not an IP address or host name with an optional port,
// or nil.
func checkRemoteAddress(s string) error {
	switch {
	case s == "":
		return errors.New("it is empty")
	case strings.TrimSpace(s) != s || strings.ContainsAny(s, " \t\r\n"):
		return errors.New("it contains white space")
	case strings.Contains(s, "://"):
		return errors.New("it has a scheme: leave out \"https://\"")
	case strings.ContainsAny(s, "/?#@"):
		return errors.New("it has a path, query or user part: give the host (and port) only")
	}
	host := s
	if ip := net.ParseIP(s); ip != nil {
		return nil // A bare IPv4 or IPv6 address.
	}
	if strings.Contains(s, ":") {
		h, port, err := net.SplitHostPort(s)
		if err != nil {
			return errors.New("it is neither host nor host:port (write an IPv6 address with a port as [addr]:port)")
		}
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("the port %q is not a number between 1 and 65535", port)
		}
		host = h
		if net.ParseIP(host) != nil {
			return nil
		}
	}
	if len(host) > 253 {
		return errors.New("the host name is longer than 253 characters")
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if !hostLabel.MatchString(label) {
			return fmt.Errorf("%q is not a valid host name", host)
		}
	}
	return nil
}
