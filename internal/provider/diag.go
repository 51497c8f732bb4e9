package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// This file holds the wording every resource and data source shares, so that errors read the
// same everywhere: the summary names the operation, the detail says what failed on which entity,
// what Prism Central answered, and what to do.

// Summaries of provider-level diagnostics.
const (
	summaryUnknownProviderValue   = "Unknown provider configuration value"
	summaryMissingProviderValue   = "Missing provider configuration"
	summaryInvalidProviderValue   = "Invalid provider configuration"
	summaryConfigureClient        = "Error configuring the Prism Central client"
	summaryUnexpectedProviderData = "Unexpected provider data"
	summaryInvalidImportID        = "Invalid import ID"
)

// operation is the verb of a summary: "Error creating category value".
type operation string

// The operations a resource or data source performs.
const (
	opCreate operation = "creating"
	opRead   operation = "reading"
	opUpdate operation = "updating"
	opDelete operation = "deleting"
	opImport operation = "importing"
	opLookup operation = "looking up"
)

// errorSummary returns the summary of an error diagnostic for op on a kind of entity, e.g.
// "Error creating category value".
func errorSummary(op operation, kind string) string {
	return "Error " + string(op) + " " + kind
}

// addClientError appends the diagnostic for err, returned by the client while performing op on
// the entity of the given kind named name.
func addClientError(diags *diag.Diagnostics, op operation, kind, name string, err error) {
	diags.AddError(errorSummary(op, kind), clientErrorDetail(op, kind, name, err))
}

// clientErrorDetail words the detail of a client error: the entity, then the client's own
// message, which already carries Prism Central's words and what to do, then what Terraform users
// in particular can do.
func clientErrorDetail(op operation, kind, name string, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Could not %s %s %q.\n\n%s", verbOf(op), kind, name, err.Error())
	if hint := errorHint(err); hint != "" {
		b.WriteString("\n\n")
		b.WriteString(hint)
	}
	return b.String()
}

// verbOf turns "creating" into "create" for the detail sentence.
func verbOf(op operation) string {
	switch op {
	case opCreate:
		return "create"
	case opRead:
		return "read"
	case opUpdate:
		return "update"
	case opDelete:
		return "delete"
	case opImport:
		return "import"
	default:
		return "look up"
	}
}

// errorHint adds what the client's message cannot know: the Terraform settings that help.
func errorHint(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "The operation did not finish in time. Raise the resource's timeouts (or the provider's " +
			"request_timeout for single slow requests) and run the command again."
	case errors.Is(err, client.ErrAuthentication), errors.Is(err, client.ErrNotPrismCentral),
		errors.Is(err, client.ErrUntrustedCertificate):
		return "Check the provider block (endpoint, port, username, password, ca_certificate, insecure) " +
			"or the NUTANIX_* environment variables it falls back to."
	}
	return ""
}

// alreadyExistsDetail words the refusal to create an entity that exists already.
func alreadyExistsDetail(kind, name string, systemDefined bool, address, importID string) string {
	if systemDefined {
		return fmt.Sprintf("The %s %q already exists in Prism Central and is system-defined: it cannot be managed "+
			"by Terraform. Reference it by name instead of declaring it.", kind, name)
	}
	return fmt.Sprintf("The %s %q already exists in Prism Central. To manage it, import it:\n\n"+
		"  tofu import %s %s\n\n(or terraform import), or choose another name.", kind, name, address, importID)
}

// unexpectedProviderDataDetail words the error for provider data of the wrong type, which only
// a bug can cause.
func unexpectedProviderDataDetail(data any) string {
	return fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider: please report it.", data)
}

// configuredData returns the provider data a resource or data source receives in Configure; nil
// (and no error) before the provider is configured, as during validation.
func configuredData(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError(summaryUnexpectedProviderData, unexpectedProviderDataDetail(data))
		return nil
	}
	return pd
}
