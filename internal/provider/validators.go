package provider

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"
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
