package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Reference points at another entity.
type Reference struct {
	Kind string
	UUID string
	Name string
}

// referenceJSON is a v3 reference ({kind, uuid, name}).
type referenceJSON struct {
	Kind string `json:"kind,omitempty"`
	UUID string `json:"uuid,omitempty"`
	Name string `json:"name,omitempty"`
}

func (r *referenceJSON) toReference() Reference {
	if r == nil {
		return Reference{}
	}
	return Reference{Kind: r.Kind, UUID: r.UUID, Name: r.Name}
}

// taskUUIDs decodes execution_context.task_uuid, which is a string in
// answers to mutations and a list in some reads.
type taskUUIDs []string

// UnmarshalJSON accepts a string, a list of strings or null.
func (t *taskUUIDs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = nil
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("decoding task_uuid: %w", err)
		}
		if s == "" {
			*t = nil
		} else {
			*t = taskUUIDs{s}
		}
		return nil
	case b[0] == '[':
		var l []string
		if err := json.Unmarshal(b, &l); err != nil {
			return fmt.Errorf("decoding task_uuid list: %w", err)
		}
		out := make(taskUUIDs, 0, len(l))
		for _, s := range l {
			if s != "" {
				out = append(out, s)
			}
		}
		*t = out
		return nil
	}
	return fmt.Errorf("decoding task_uuid: expected a string or a list, got %s", truncate(string(b)))
}

// first returns the first task uuid, or "".
func (t taskUUIDs) first() string {
	if len(t) == 0 {
		return ""
	}
	return t[0]
}

type executionContext struct {
	TaskUUID taskUUIDs `json:"task_uuid"`
}

// entityMetadata is the typed view of an intentful entity's metadata.
type entityMetadata struct {
	Kind                 string              `json:"kind"`
	UUID                 string              `json:"uuid"`
	Name                 string              `json:"name"`
	SpecVersion          *int64              `json:"spec_version"`
	Categories           map[string]string   `json:"categories"`
	CategoriesMapping    map[string][]string `json:"categories_mapping"`
	UseCategoriesMapping *bool               `json:"use_categories_mapping"`
}

// entityStatus is the part of an intentful entity's status every kind
// shares.
type entityStatus struct {
	State            string            `json:"state"`
	ExecutionContext *executionContext `json:"execution_context"`
}

// pending reports an entity whose last change is still being applied.
func (s entityStatus) pending() bool {
	return strings.EqualFold(s.State, "PENDING") || strings.EqualFold(s.State, "RUNNING")
}

func (s entityStatus) taskUUIDs() taskUUIDs {
	if s.ExecutionContext == nil {
		return nil
	}
	return s.ExecutionContext.TaskUUID
}

// intentResponse is the answer to a create, update or delete of an
// intentful entity.
type intentResponse struct {
	APIVersion string         `json:"api_version"`
	Metadata   entityMetadata `json:"metadata"`
	Status     entityStatus   `json:"status"`
	// TaskUUID is set by the few calls that answer {task_uuid} alone.
	TaskUUID taskUUIDs `json:"task_uuid"`
}

func (r *intentResponse) looksLikeV3() bool {
	return r.APIVersion != "" || r.Metadata.Kind != "" || r.Metadata.UUID != "" || r.Status.State != "" || len(r.TaskUUID) > 0
}

func (r *intentResponse) task() string {
	if t := r.Status.taskUUIDs().first(); t != "" {
		return t
	}
	return r.TaskUUID.first()
}

// errNoChange is returned by an update's mutate function when the entity
// already is as wanted: nothing is sent.
var errNoChange = errors.New("no change needed")

// updateResult tells what an update did.
type updateResult struct {
	// Doc is the entity as last read, before the change.
	Doc *document
	// Changed is false when mutate found nothing to change.
	Changed bool
	// TaskUUID is the task of the update, when the server gave one.
	TaskUUID string
}

// createEntity creates an intentful entity with POST /<kind>s. It chooses
// metadata.uuid itself before the first attempt, so that a retry after a
// lost answer cannot create a second entity: an ENTITY_ALREADY_EXISTS on a
// retried attempt means the first attempt landed, and so does any other 4xx
// refusal of a retry after an attempt that may have been processed when
// the entity with that uuid can be read. It returns the entity's
// uuid and the task of the create. The task is "" when the create landed
// on an earlier attempt and the entity names no task: wait with
// waitSettled then.
func (c *Client) createEntity(ctx context.Context, op, kind string, spec any, metadata map[string]any) (string, string, error) {
	meta := make(map[string]any, len(metadata)+2)
	maps.Copy(meta, metadata)
	meta["kind"] = kind
	id, _ := meta["uuid"].(string)
	if id == "" {
		id = uuid.NewString()
		meta["uuid"] = id
	}
	in := map[string]any{"api_version": apiVersion, "metadata": meta, "spec": spec}
	path := collectionPath(kind)
	var resp intentResponse
	res, err := c.send(ctx, call{op: op, method: http.MethodPost, path: path, in: in, out: &resp, idempotent: true})
	if err != nil {
		var apiErr *APIError
		if res.attempts > 1 && errors.As(err, &apiErr) {
			entityPath := path + "/" + escape(id)
			landed := apiErr.HasReason(ReasonEntityAlreadyExists)
			task := ""
			if !landed && res.maybeCommitted && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 {
				// The retry was refused for another reason (a kind that
				// checks a conflict of its own first): if the entity with
				// the uuid chosen here exists, the first attempt made it.
				landed, task = c.probe(ctx, op, entityPath)
			} else if landed {
				_, task = c.probe(ctx, op, entityPath)
			}
			if landed {
				// The first attempt created the entity; its answer was lost.
				c.log.Debug(ctx, "create landed on an earlier attempt", map[string]any{"operation": op, "kind": kind, "uuid": id, "reasons": apiErr.Reasons})
				return id, task, nil
			}
		}
		if createRefused(err, res) {
			return "", "", err
		}
		// The create may have reached Prism Central (an answer lost with no retry left, a
		// timeout or a cancellation mid-request): look for the entity under the uuid chosen
		// here, with a context of its own since the request's may be the one that ended.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), landedProbeTimeout)
		defer cancel()
		exists, task, perr := c.probeErr(pctx, op, path+"/"+escape(id))
		switch {
		case perr == nil && exists:
			c.log.Debug(ctx, "create landed although its answer was lost", map[string]any{"operation": op, "kind": kind, "uuid": id})
			return id, task, nil
		case errors.Is(perr, ErrNotFound):
			return "", "", err
		default:
			// Unknown: the caller keeps the uuid, so that the entity, if it exists, is
			// tracked rather than created a second time.
			return id, "", err
		}
	}
	if resp.Metadata.UUID != "" {
		id = resp.Metadata.UUID
	}
	return id, resp.task(), nil
}

// probe reads an entity: exists is true when it could be read, and task is
// the task its status names while it is not settled, or "".
func (c *Client) probe(ctx context.Context, op, path string) (exists bool, task string) {
	exists, task, _ = c.probeErr(ctx, op, path)
	return exists, task
}

// probeErr is probe with the error of the read: ErrNotFound (wrapped) when
// the entity is gone, another error when the read could not tell.
func (c *Client) probeErr(ctx context.Context, op, path string) (exists bool, task string, err error) {
	var raw json.RawMessage
	if err := c.do(ctx, op, http.MethodGet, path, nil, &raw); err != nil {
		return false, "", err
	}
	doc, err := newDocument(raw)
	if err != nil {
		return false, "", err
	}
	if !doc.Status.pending() {
		return true, "", nil
	}
	return true, doc.Status.taskUUIDs().first(), nil
}

// landedProbeTimeout bounds the read that looks for a create whose answer was lost.
const landedProbeTimeout = 30 * time.Second

// createRefused tells whether a failed create certainly created nothing: Prism Central
// answered it with an error and no earlier attempt may have been processed, or the request
// never reached it (no connection, an untrusted certificate).
func createRefused(err error, res outcome) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) && !res.maybeCommitted {
		return true
	}
	return isDialError(err) || isCertificateError(err) || errors.Is(err, ErrUntrustedCertificate)
}

// updateEntity is a read-modify-write of the intentful entity at path: it
// reads the entity, lets mutate change the document (typed view for
// reading, raw body for writing), and PUTs back {api_version, metadata,
// spec} with metadata (spec_version included) and every field the client
// does not model as read. When the server refuses the update because the
// entity changed meanwhile, it starts over, up to c.rmwAttempts times; so
// mutate must compute its change from the document it is given.
func (c *Client) updateEntity(ctx context.Context, op, path string, mutate func(*document) error) (updateResult, error) {
	var lastErr error
	for attempt := 1; attempt <= c.rmwAttempts; attempt++ {
		var raw json.RawMessage
		if err := c.do(ctx, op, http.MethodGet, path, nil, &raw); err != nil {
			return updateResult{}, err
		}
		doc, err := newDocument(raw)
		if err != nil {
			return updateResult{}, fmt.Errorf("%s: %w", op, err)
		}
		if err := mutate(doc); err != nil {
			if errors.Is(err, errNoChange) {
				return updateResult{Doc: doc}, nil
			}
			return updateResult{}, fmt.Errorf("%s: %w", op, err)
		}
		var resp intentResponse
		_, err = c.send(ctx, call{op: op, method: http.MethodPut, path: path, in: doc.body, out: &resp, idempotent: true})
		if err == nil {
			return updateResult{Doc: doc, Changed: true, TaskUUID: resp.task()}, nil
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !apiErr.isConflict() {
			return updateResult{}, err
		}
		lastErr = err
		c.log.Debug(ctx, "update conflicted with another change; reading the entity again", map[string]any{
			"operation": op, "path": APIPath + path, "attempt": attempt, "reasons": apiErr.Reasons,
		})
		if attempt < c.rmwAttempts {
			if err := waitFor(ctx, jitteredBackoff(c.taskWaitMin, c.taskWaitMax, attempt-1)); err != nil {
				return updateResult{}, fmt.Errorf("%s: %w", op, err)
			}
		}
	}
	return updateResult{}, fmt.Errorf("%s: the entity kept changing during %d read-modify-write attempts: %w", op, c.rmwAttempts, lastErr)
}

// waitSettled reads the intentful entity at path until its status is no
// longer PENDING or RUNNING, with the task backoff, and returns it.
func (c *Client) waitSettled(ctx context.Context, op, path string) (*document, error) {
	wait := c.taskWaitMin
	for {
		var raw json.RawMessage
		if err := c.do(ctx, op, http.MethodGet, path, nil, &raw); err != nil {
			return nil, err
		}
		doc, err := newDocument(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		if !doc.Status.pending() {
			return doc, nil
		}
		if err := waitFor(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: waiting for the entity to settle (state %s): %w", op, doc.Status.State, err)
		}
		wait = min(wait*2, c.taskWaitMax)
	}
}

// collectionPath returns the path of a kind's collection: "vm" -> "/vms".
func collectionPath(kind string) string { return "/" + kind + "s" }
