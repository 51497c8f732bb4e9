package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
)

// v4Kind is the v4 flow of a kind whose entity is one v4 entity at <collection>/{extId} of a
// namespace, created, updated and deleted through tasks (the datapolicies, dataprotection and
// networking kinds). It keeps the contract of internal/apispec/v4/README.md:
//   - a create is one POST with a Ntnx-Request-Id chosen for the operation, which every retry
//     of it resends, so that a create whose answer was lost does not act twice;
//   - an update or a delete reads the entity (one GET, its ETag) and sends the PUT or the
//     DELETE with If-Match; on 412 (someone changed it since) it reads again, once, and sends
//     again if the change still applies, under a new request id since it is a new request
//     built on a new read;
//   - tasks are waited for with the v4 task wait (no fixed sleeps).
//
// An update sends back every field of the entity as read that the client does not model
// (the raw document is changed in place), and nothing when the change is already there.
type v4Kind[T, W any] struct {
	ns         v4Namespace
	collection string // "/config/protection-policies"
	// rel names the kind in a task's entitiesAffected (e.g. "protection-polic"; matched as a
	// part of the rel, whose exact form is UNCONFIRMED).
	rel string
	// decode converts an entity as read (its raw JSON).
	decode func(ctx context.Context, c *Client, raw json.RawMessage) (T, error)
	// write applies v to the entity as read (an empty map for a create), leaving what the
	// client does not model as it is.
	write func(ctx context.Context, c *Client, body map[string]any, v *W) error
	// name is v's name, to find a created entity by when its task names none.
	name func(v *W) string
	// fiql, when set, rewrites a list's FIQL filter before it becomes OData (a kind whose v3
	// attribute for the name is not "name").
	fiql func(filter string) string
	// prepare, when set, sees the entities of a list before they are decoded (to learn what
	// they refer to with one request rather than one per entity).
	prepare func(ctx context.Context, c *Client, op string, raws []json.RawMessage) error
}

func (k *v4Kind[T, W]) path(id string) string { return k.ns.Path(k.collection + "/" + escape(id)) }

// read reads the entity as raw JSON and its ETag.
func (k *v4Kind[T, W]) read(ctx context.Context, c *Client, op, id string) (json.RawMessage, string, error) {
	var raw json.RawMessage
	etag, err := c.getV4Entity(ctx, op, k.path(id), &raw)
	return raw, etag, err
}

func (k *v4Kind[T, W]) get(ctx context.Context, c *Client, op, id string) (*T, error) {
	raw, _, err := k.read(ctx, c, op, id)
	if err != nil {
		return nil, err
	}
	out, err := k.decode(ctx, c, raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return &out, nil
}

func (k *v4Kind[T, W]) list(ctx context.Context, c *Client, op, filter string, _ func(pages int) bool) ([]T, error) {
	if k.fiql != nil {
		filter = k.fiql(filter)
	}
	odata, err := odataFilter(filter)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	raws, err := listV4[json.RawMessage](ctx, c, v4List{op: op, path: k.ns.Path(k.collection), filter: odata})
	if err != nil {
		return nil, err
	}
	if k.prepare != nil {
		if err := k.prepare(ctx, c, op, raws); err != nil {
			return nil, err
		}
	}
	out := make([]T, 0, len(raws))
	for _, raw := range raws {
		t, err := k.decode(ctx, c, raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// create POSTs the entity under one request id, waits for the task and reads the entity back.
// id (the uuid a v3 create may choose) cannot be chosen over v4: the server assigns extIds.
func (k *v4Kind[T, W]) create(ctx context.Context, c *Client, op string, v *W, _ string, accepted func(id string) *T) (*T, error) {
	body := map[string]any{}
	if err := k.write(ctx, c, body, v); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPost, path: k.ns.Path(k.collection), in: body, requestID: NewRequestID()})
	if err != nil {
		// Every retry carried the request id, so at most one create landed. Which entity it
		// made is not known without its task: an entity found by name could be someone
		// else's, so none is claimed.
		return nil, err
	}
	t, werr := c.WaitForV4Task(ctx, task, op, nil)
	id := ""
	if t != nil {
		id = k.createdID(t)
	}
	if id == "" && werr == nil {
		// The task succeeded but names no entity of the kind: find it by name.
		found, err := k.findByName(ctx, c, op, k.name(v))
		if err != nil {
			return nil, err
		}
		id = found
	}
	if werr != nil {
		var te *TaskError
		if id != "" && errors.As(werr, &te) {
			// The task failed: the entity is the caller's to track only if it was left.
			if _, _, err := k.read(ctx, c, op, id); errors.Is(err, ErrNotFound) {
				return nil, werr
			}
		}
		if id != "" {
			return accepted(id), werr
		}
		return nil, werr
	}
	got, err := k.get(ctx, c, op, id)
	if err != nil {
		return accepted(id), err
	}
	return got, nil
}

// createdID is the extId of the entity the create task made: the affected entity of the
// kind, or the only one.
func (k *v4Kind[T, W]) createdID(t *V4Task) string {
	for _, e := range t.EntitiesAffected {
		if e.UUID != "" && strings.Contains(strings.ReplaceAll(strings.ToLower(e.Kind), "_", "-"), k.rel) {
			return e.UUID
		}
	}
	if len(t.EntitiesAffected) == 1 {
		return t.EntitiesAffected[0].UUID
	}
	return ""
}

// findByName finds the one entity named name.
func (k *v4Kind[T, W]) findByName(ctx context.Context, c *Client, op, name string) (string, error) {
	type idOnly struct {
		ExtID string `json:"extId"`
	}
	found, err := listV4[idOnly](ctx, c, v4List{op: op, path: k.ns.Path(k.collection), filter: V4FilterEq("name", name)})
	if err != nil {
		return "", err
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%s: the create task succeeded but names no entity, and %d entities are named %q", op, len(found), name)
	}
	return found[0].ExtID, nil
}

func (k *v4Kind[T, W]) update(ctx context.Context, c *Client, op, id string, v *W) (*T, error) {
	var last json.RawMessage
	err := conditionalV4(ctx, c, op, func() (json.RawMessage, string, error) {
		return k.read(ctx, c, op, id)
	}, func(raw json.RawMessage, etag string) (string, bool, error) {
		last = raw
		body := map[string]any{}
		if err := decodeNumbers(raw, &body); err != nil {
			return "", false, err
		}
		if err := k.write(ctx, c, body, v); err != nil {
			return "", false, err
		}
		after, err := json.Marshal(body)
		if err != nil {
			return "", false, err
		}
		// The server adds and normalizes fields ($objectType, $reserved, defaults), so
		// the change is judged on what the client models: the entity as read and as it
		// would be, both converted (the id maps are warm: no request).
		if bytes.Equal(raw, after) || k.same(ctx, c, raw, after) {
			return "", false, nil
		}
		last = nil
		task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPut, path: k.path(id), in: body, requestID: NewRequestID(), etag: etag})
		return task, true, err
	})
	if err != nil {
		return nil, err
	}
	if last != nil {
		// Nothing was sent: the entity already is as v says.
		out, err := k.decode(ctx, c, last)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return &out, nil
	}
	return k.get(ctx, c, op, id)
}

// same reports whether two forms of the entity convert to the same T.
func (k *v4Kind[T, W]) same(ctx context.Context, c *Client, a, b json.RawMessage) bool {
	ta, err1 := k.decode(ctx, c, a)
	tb, err2 := k.decode(ctx, c, b)
	return err1 == nil && err2 == nil && reflect.DeepEqual(ta, tb)
}

func (k *v4Kind[T, W]) remove(ctx context.Context, c *Client, op, id string) error {
	return c.deleteV4(ctx, op, k.path(id))
}

// deleteV4 deletes the entity at path: one GET for its ETag, then the DELETE with If-Match
// under a request id, and its task (if it answers one) waited for; on 412, once more.
func (c *Client) deleteV4(ctx context.Context, op, path string) error {
	return conditionalV4(ctx, c, op, func() (json.RawMessage, string, error) {
		etag, err := c.getV4Entity(ctx, op, path, nil)
		return nil, etag, err
	}, func(_ json.RawMessage, etag string) (string, bool, error) {
		task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodDelete, path: path, requestID: NewRequestID(), etag: etag})
		return task, true, err
	})
}

// conditionalV4 reads an entity (one GET, its ETag), then lets send build and send the
// conditional mutation (sent false when there is nothing to send) and waits for its task.
// On 412 it reads again and tries once more.
func conditionalV4(ctx context.Context, c *Client, op string,
	read func() (json.RawMessage, string, error), send func(raw json.RawMessage, etag string) (task string, sent bool, err error),
) error {
	for attempt := 1; ; attempt++ {
		raw, etag, err := read()
		if err != nil {
			return err
		}
		if etag == "" {
			return fmt.Errorf("%s: Prism Central answered the read without an ETag, which the v4 update or delete needs as If-Match", op)
		}
		task, sent, err := send(raw, etag)
		if err != nil {
			if errors.Is(err, ErrPreconditionFailed) && attempt == 1 {
				c.log.Debug(ctx, "entity changed since it was read (412): reading it again", map[string]any{"operation": op})
				continue
			}
			return err
		}
		if !sent || task == "" {
			return nil
		}
		_, err = c.WaitForV4Task(ctx, task, op, nil)
		return err
	}
}

// odataFilter turns the client's FIQL filters ("name==x", the only form the provider passes)
// into OData.
func odataFilter(fiql string) (string, error) {
	if fiql == "" {
		return "", nil
	}
	if name, ok := strings.CutPrefix(fiql, "name=="); ok && !strings.ContainsAny(name, ";,") {
		return V4FilterEq("name", name), nil
	}
	return "", noV4Form("the filter %q has no v4 form in this client (only name==<name>)", fiql)
}

// errNoV4Form is matched by the refusal of something the v4 flow of a kind cannot say (or,
// on a read, cannot show) in this client: an LTSS location, a plan's floating IPs. Under
// api_version = "auto" the kind then does that operation over v3 (entityKind.fallback), so a
// configuration that works over v3 keeps working on a Prism Central that also serves v4.
var errNoV4Form = errors.New("no v4 form")

// noV4Form returns an error matching errNoV4Form.
func noV4Form(format string, args ...any) error {
	return &noV4FormError{msg: fmt.Sprintf(format, args...)}
}

type noV4FormError struct{ msg string }

func (e *noV4FormError) Error() string        { return e.msg }
func (e *noV4FormError) Is(target error) bool { return target == errNoV4Form }
