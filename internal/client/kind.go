package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Each kind of entity the client manages is declared once, in its own file
// (kindProtectionPolicy, kindRecoveryPlan, kindSubnet, kindVPC,
// kindRouteTable, kindVM, kindCluster, kindAvailabilityZone, kindCloudTrust,
// kindVMRecoveryPoint, kindRecoveryPlanJob): its name in messages, what a
// create or an update checks, and per wire protocol how its entities are
// read and written. The typed operations the provider calls
// (CreateProtectionPolicy, GetSubnet...) hand the call to the kind, which
// names the operation, checks the input and passes it to the kind's flow;
// the flow sees it through on the wire:
//
//   - v3 (v3Kind below, over entity_flows.go): a create POSTs /<kind>s with a
//     metadata.uuid the client chose, waits for the task and reads the
//     entity back; an update is a read-modify-write PUT that carries the
//     spec_version it read; a delete waits for its task; a list pages with
//     length and offset.
//   - v4 (v4_flow.go): a kindFlow per kind it serves, with its own JSON and
//     writer (request ids on mutations, If-Match with the ETag it read, v4
//     tasks, $page/$limit), set beside v3 in the kind's declaration;
//     entityKind.flow then picks the one the client chose for the kind
//     (api_version, v4_wire.go). The typed operations, and so the
//     provider, stay as they are. List filters are v3 FIQL today: a v4
//     flow translates them to OData $filter (odataFilter).

// kindFlow is how one wire protocol reaches the entities of one kind: T is
// an entity as read, W what a create or an update asks for (often T
// itself). op names the operation in messages; id is the entity's id.
type kindFlow[T, W any] interface {
	// get reads the entity; a missing one gives an error matching
	// ErrNotFound.
	get(ctx context.Context, c *Client, op, id string) (*T, error)
	// list reads every entity matching filter ("" for all), every page.
	// With worth set, it asks after the first page whether the whole list,
	// of that many pages, is worth reading, and stops with errListTooLong
	// if not.
	list(ctx context.Context, c *Client, op, filter string, worth func(pages int) bool) ([]T, error)
	// create creates the entity v describes, under id when id is not "",
	// sees it through and reads it back. When the server took the create
	// but it could not be seen through, the error comes with accepted(id).
	create(ctx context.Context, c *Client, op string, v *W, id string, accepted func(id string) *T) (*T, error)
	// update makes entity id what v says, keeping what the client does not
	// model as read, sees it through and returns the entity as it then is.
	update(ctx context.Context, c *Client, op, id string, v *W) (*T, error)
	// remove deletes the entity and sees the delete through.
	remove(ctx context.Context, c *Client, op, id string) error
}

// entityKind declares one kind of entity.
type entityKind[T, W any] struct {
	// noun names an entity of the kind in messages: "protection rule".
	noun string
	// v3 is the kind's flow over the v3 API.
	v3 kindFlow[T, W]
	// v4 is the kind's flow over the v4 API, nil while the client speaks
	// only v3 for the kind; wire is the kind whose protocol chooses.
	v4   kindFlow[T, W]
	wire DRKind

	// The fields below serve the kinds the client creates or updates.

	// name is the name of v, for messages.
	name func(v *W) string
	// check verifies v before anything is sent (for a create or an update);
	// its error starts with op.
	check func(v *W, op string, create bool) error
	// accepted is what a create that Prism Central took but the client
	// could not see through returns with its error: v as far as the client
	// knows it, under id.
	accepted func(v *W, id string) *T
}

// flow returns the flow the client speaks for the kind: v4 when the kind
// has one and the client's protocol for it is v4, v3 otherwise.
func (k *entityKind[T, W]) flow(ctx context.Context, c *Client) kindFlow[T, W] {
	if k.v4 != nil && c.wire(ctx, k.wire) == WireV4 {
		if c.auto(k.wire) {
			return &v4OrV3[T, W]{v4: k.v4, v3: k.v3, kind: k.wire}
		}
		return k.v4
	}
	return k.v3
}

// operation names an operation on an entity of the kind in messages:
// "creating protection rule gold (uuid)".
func (k *entityKind[T, W]) operation(verb, name, id string) string {
	switch {
	case name != "" && id != "":
		return fmt.Sprintf("%s %s %s (%s)", verb, k.noun, name, id)
	case name != "":
		return fmt.Sprintf("%s %s %s", verb, k.noun, name)
	case id == "":
		return fmt.Sprintf("%s a %s", verb, k.noun)
	}
	return fmt.Sprintf("%s %s %s", verb, k.noun, id)
}

// get reads entity id.
func (k *entityKind[T, W]) get(ctx context.Context, c *Client, id string) (*T, error) {
	return k.flow(ctx, c).get(ctx, c, k.operation("reading", "", id), id)
}

// list lists the entities matching a filter ("" for all), every page.
func (k *entityKind[T, W]) list(ctx context.Context, c *Client, filter string) ([]T, error) {
	return k.flow(ctx, c).list(ctx, c, "listing "+k.noun+"s", filter, nil)
}

// create checks v and creates the entity it describes, under id when id is
// not "", then returns it as read. When Prism Central took the create but
// the client could not see it through (the wait timed out, a read failed,
// or the task failed and left the entity behind), the error comes with a
// non-nil entity holding its id, so that the caller can track or delete
// what was created.
func (k *entityKind[T, W]) create(ctx context.Context, c *Client, v *W, id string) (*T, error) {
	op := k.operation("creating", k.name(v), "")
	if err := k.check(v, op, true); err != nil {
		return nil, err
	}
	return k.flow(ctx, c).create(ctx, c, op, v, id, func(id string) *T { return k.accepted(v, id) })
}

// update checks v and makes entity id what v says, then returns it as it
// then is.
func (k *entityKind[T, W]) update(ctx context.Context, c *Client, id string, v *W) (*T, error) {
	op := k.operation("updating", k.name(v), id)
	if id == "" {
		return nil, fmt.Errorf("%s: no uuid: say which %s to update", op, k.noun)
	}
	if err := k.check(v, op, false); err != nil {
		return nil, err
	}
	return k.flow(ctx, c).update(ctx, c, op, id, v)
}

// delete deletes entity id and sees the delete through.
func (k *entityKind[T, W]) delete(ctx context.Context, c *Client, id string) error {
	return k.flow(ctx, c).remove(ctx, c, k.operation("deleting", "", id), id)
}

// lookupList is the list of a run's lookups (see runCache): every entity of
// the kind, by key.
func (k *entityKind[T, W]) lookupList(c *Client, key func(*T) string) func(context.Context, func(pages int) bool) (map[string]T, error) {
	return func(ctx context.Context, worth func(pages int) bool) (map[string]T, error) {
		all, err := k.flow(ctx, c).list(ctx, c, "listing "+k.noun+"s", "", worth)
		if err != nil {
			return nil, err
		}
		out := make(map[string]T, len(all))
		for i := range all {
			out[key(&all[i])] = all[i]
		}
		return out, nil
	}
}

// v3Kind is the v3 flow of a kind: J is the kind's JSON, decoded from what
// the API answers and converted to T.
type v3Kind[T, W, J any] struct {
	// kind is the v3 kind: metadata.kind, and /<kind>s the collection.
	kind string
	// entityPath, when set, is the path of an entity that does not live at
	// /<kind>s/<id> (a VPC's route table).
	entityPath func(id string) string
	// decode converts an entity as read. id is the id asked for ("" in a
	// list), for an entity that names none.
	decode func(j *J, id string) T
	// write applies v to spec, a spec as read (update) or an empty one
	// (create), leaving what the client does not model as it is. An error
	// refuses the change.
	write func(spec map[string]any, v *W) error
	// reread reads the entity again after an update's task succeeded, for a
	// kind whose status tells what the spec cannot (a recovery plan's
	// validation messages). Otherwise what the update sent is converted,
	// which saves a read.
	reread bool
}

// path is the path of entity id.
func (k *v3Kind[T, W, J]) path(id string) string {
	if k.entityPath != nil {
		return k.entityPath(id)
	}
	return collectionPath(k.kind) + "/" + escape(id)
}

func (k *v3Kind[T, W, J]) get(ctx context.Context, c *Client, op, id string) (*T, error) {
	var j J
	if err := c.do(ctx, op, http.MethodGet, k.path(id), nil, &j); err != nil {
		return nil, err
	}
	out := k.decode(&j, id)
	return &out, nil
}

func (k *v3Kind[T, W, J]) list(ctx context.Context, c *Client, op, filter string, worth func(pages int) bool) ([]T, error) {
	var out []T
	err := c.listAllIf(ctx, op, k.kind, collectionPath(k.kind)+"/list", filter, worth, func(raw json.RawMessage) error {
		var j J
		if err := json.Unmarshal(raw, &j); err != nil {
			return &DecodeError{What: "a " + k.kind, Err: err}
		}
		out = append(out, k.decode(&j, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (k *v3Kind[T, W, J]) create(ctx context.Context, c *Client, op string, v *W, id string, accepted func(id string) *T) (*T, error) {
	spec := map[string]any{}
	if err := k.write(spec, v); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return createAndRead(ctx, c, op, k.kind, spec, uuidMetadata(id), accepted, func(ctx context.Context, op, id string) (*T, error) {
		return k.get(ctx, c, op, id)
	})
}

func (k *v3Kind[T, W, J]) update(ctx context.Context, c *Client, op, id string, v *W) (*T, error) {
	change := specChange("entity", func(spec map[string]any) error { return k.write(spec, v) })
	var reread func() (*T, error)
	if k.reread {
		reread = func() (*T, error) { return k.get(ctx, c, op, id) }
	}
	fromDoc := func(d *document) (*T, error) {
		out, err := k.fromDocument(d, id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return out, nil
	}
	return updateAndRead(ctx, c, op, k.path(id), change, fromDoc, reread)
}

func (k *v3Kind[T, W, J]) remove(ctx context.Context, c *Client, op, id string) error {
	return c.deleteAndWait(ctx, op, k.path(id))
}

// fromDocument converts an entity read as a document.
func (k *v3Kind[T, W, J]) fromDocument(d *document, id string) (*T, error) {
	var j J
	if err := d.decode(&j); err != nil {
		return nil, err
	}
	out := k.decode(&j, id)
	return &out, nil
}

// entityHead is the part every v3 entity's JSON shares; embedded in a
// kind's JSON, it tells an answer that looks like an entity.
type entityHead struct {
	Metadata entityMetadata `json:"metadata"`
}

func (h *entityHead) looksLikeV3() bool { return h.Metadata.UUID != "" || h.Metadata.Kind != "" }
