package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// This file holds the checks ImportState makes before it adopts an entity: what could be read
// but never changed must be refused at import, with what to do instead, rather than at the first
// apply that touches it.

// importByNameHint is appended to the invalid-ID error of an import that expects a UUID: it
// says where the UUID of an entity known by name comes from.
func importByNameHint(dataSource, listDataSource string) string {
	return fmt.Sprintf(" To import by name, look the UUID up with the data source %s (one by name) or %s "+
		"(a list, for import blocks with for_each), then import that UUID.", dataSource, listDataSource)
}

// refuseSystemCategory adds an error when a category key or value is system-defined: Prism
// Central refuses every change and delete of one, so it cannot be managed, only referenced.
func refuseSystemCategory(diags *diag.Diagnostics, kind, what string, systemDefined bool) bool {
	if !systemDefined {
		return false
	}
	diags.AddError(errorSummary(opImport, kind),
		fmt.Sprintf("The %s %s is system-defined: Prism Central refuses to change or delete it, so it cannot be "+
			"managed by Terraform. Do not import it; reference it instead, by its name (or through the data "+
			"source nutanixdr_category, which lists its values).", kind, what))
	return true
}

// checkImportable reads the entity an import names with get and adds the error that says why it
// cannot be imported, if it cannot: not found, unreadable, or refused by the guard.
func checkImportable[T any](ctx context.Context, diags *diag.Diagnostics, kind, id string,
	get func(context.Context, string) (*T, error), guard func(*T) bool) {
	got, err := get(ctx, id)
	if err != nil {
		addClientError(diags, opImport, kind, id, err)
		return
	}
	guard(got)
}
