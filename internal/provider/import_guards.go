package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
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

// refuseSyncedCopy adds an error when owner is set, that is when the entity read is a
// read-only copy that another Prism Central synced here: it can only be managed through the
// provider configured for its owner.
func refuseSyncedCopy(diags *diag.Diagnostics, kind, tfType, id, name string, owner *client.Reference) bool {
	if owner == nil {
		return false
	}
	who := owner.Name
	if owner.UUID != "" {
		who = fmt.Sprintf("%s (availability zone %s)", owner.Name, owner.UUID)
	}
	diags.AddError(errorSummary(opImport, kind),
		fmt.Sprintf("The %s %q (%s) on this Prism Central is a read-only copy synced from the Prism Central %s, "+
			"which owns it: every change or delete would be refused here (ENTITY_IS_READONLY).\n\n"+
			"Import it with the provider configuration of the owning Prism Central instead (the same UUID), "+
			"for example `provider = nutanixdr.<alias of that site>` in the import block, or refer to it "+
			"with the data source %s if this configuration only needs its id.", kind, name, id, who, tfType))
	return true
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
