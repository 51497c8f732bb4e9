package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// What the resources of Prism Central's entities do alike.

// deleteEntity is the Delete of a resource whose entity one client call deletes, under the
// delete timeout t: an entity already gone counts as deleted. The entity is named in errors by
// name, or by id when it has none.
func deleteEntity(ctx context.Context, t timeouts.Value, diags *diag.Diagnostics, kind, name, id string,
	del func(ctx context.Context, id string) error,
) {
	timeout, d := t.Delete(ctx, defaultTaskTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := del(ctx, id)
	if err == nil || errors.Is(err, client.ErrNotFound) {
		return
	}
	addClientError(diags, opDelete, kind, nameOrID(name, id), err)
}

// createFailed reports a failed create of an entity of kind named name. When Prism Central took
// the create although the client could not see it through, the client returns the entity
// (created, not nil, id its uuid) with the error: the id goes in the state, so that the next
// apply reads the entity instead of creating a second one, and destroy removes it instead of
// leaving it behind unmanaged.
func createFailed[T any](ctx context.Context, resp *resource.CreateResponse, kind, name string, created *T, id func(*T) string, err error) {
	addClientError(&resp.Diagnostics, opCreate, kind, name, err)
	if created != nil && id(created) != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id(created))...)
	}
}

// readFound tells a resource's Read whether the read that returned err found the entity. An
// entity gone from Prism Central leaves the state, so that the next plan creates it again;
// another error is reported, naming the entity of kind by name.
func readFound(ctx context.Context, resp *resource.ReadResponse, kind, name string, err error) bool {
	if errors.Is(err, client.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return false
	}
	if err != nil {
		addClientError(&resp.Diagnostics, opRead, kind, name, err)
		return false
	}
	return true
}

// addEntityError words a failed operation on an existing entity of kind; when the entity is
// gone, it says so and how to create it anew, calling it what (as Prism Central does).
func addEntityError(diags *diag.Diagnostics, op operation, kind, what, name, id string, err error) {
	detail := clientErrorDetail(op, kind, nameOrID(name, id), err)
	if errors.Is(err, client.ErrNotFound) {
		detail += fmt.Sprintf("\n\n%s %s is gone from Prism Central: refresh (tofu refresh or plan) "+
			"and apply again to create it anew.", what, id)
	}
	diags.AddError(errorSummary(op, kind), detail)
}

// nameOrID names an entity by its name, or by its id when it has none.
func nameOrID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}
