package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// The flows below see a create, update or delete of an intentful entity
// through, the same way for every kind.

// createAndSettle creates an entity of kind (see createEntity; metadata
// may carry the uuid to use) and sees the create through: it waits for the
// task, or, when the create landed on an earlier attempt and names no
// task, until the entity settles. accepted is true with an error when
// Prism Central took the create but the client could not see it through,
// so that the entity may exist under id; it is false with an error when
// the task failed and the entity is gone.
func (c *Client) createAndSettle(ctx context.Context, op, kind string, spec, metadata map[string]any) (id string, accepted bool, err error) {
	id, task, err := c.createEntity(ctx, op, kind, spec, metadata)
	if err != nil {
		// An id with the error: the create may have landed.
		return id, id != "", err
	}
	path := collectionPath(kind) + "/" + escape(id)
	if task != "" {
		if _, err := c.WaitForTask(ctx, task, op, nil); err != nil {
			var te *TaskError
			if errors.As(err, &te) {
				if exists, _ := c.probe(ctx, op, path); !exists {
					return id, false, err
				}
			}
			return id, true, err
		}
		return id, true, nil
	}
	if _, err := c.waitSettled(ctx, op, path); err != nil {
		if errors.Is(err, ErrNotFound) {
			return id, false, fmt.Errorf("%s: Prism Central accepted %s %s but it is gone: the create failed; see its task in Prism Central (Activity > Tasks), fix the cause and run again", op, strings.ReplaceAll(kind, "_", " "), id)
		}
		return id, true, err
	}
	return id, true, nil
}

// createAndRead creates an entity of kind (see createAndSettle), then
// reads it back with get. When Prism Central accepted the create but the
// client could not see it through or read it back, the error comes with
// accepted(id), so that the caller can track or delete what was created;
// when the create failed and left nothing behind, with nil.
func createAndRead[T any](ctx context.Context, c *Client, op, kind string, spec, metadata map[string]any,
	accepted func(id string) *T, get func(ctx context.Context, op, id string) (*T, error),
) (*T, error) {
	id, ok, err := c.createAndSettle(ctx, op, kind, spec, metadata)
	if err != nil {
		if ok {
			return accepted(id), err
		}
		return nil, err
	}
	got, err := get(ctx, op, id)
	if err != nil {
		return accepted(id), err
	}
	return got, nil
}

// uuidMetadata is the metadata of a create that asks for uuid, or nil
// (the client chooses one) when uuid is "".
func uuidMetadata(uuid string) map[string]any {
	if uuid == "" {
		return nil
	}
	return map[string]any{"uuid": uuid}
}

// specChange turns a change of the raw spec into an updateEntity mutation
// that sends nothing when the spec comes out as it was read. noun names
// the entity in the (unlikely) encoding errors: "the <noun> as read".
func specChange(noun string, write func(spec map[string]any) error) func(*document) error {
	return func(d *document) error {
		spec := d.object("spec")
		before, err := json.Marshal(spec)
		if err != nil {
			return fmt.Errorf("encoding the %s as read: %w", noun, err)
		}
		if err := write(spec); err != nil {
			return err
		}
		after, err := json.Marshal(spec)
		if err != nil {
			return fmt.Errorf("encoding the updated %s: %w", noun, err)
		}
		if bytes.Equal(before, after) {
			return errNoChange
		}
		return nil
	}
}

// updateAndSettle is a read-modify-write of the entity at path (see
// updateEntity) followed by a wait for the change to be applied. It
// returns the entity when it has it as settled; or, when a task applied
// the change and succeeded, applied: the document as read with the change
// made, which is what the entity now is, spec and metadata.
func (c *Client) updateAndSettle(ctx context.Context, op, path string, mutate func(*document) error) (settled, applied *document, err error) {
	res, err := c.updateEntity(ctx, op, path, mutate)
	if err != nil {
		return nil, nil, err
	}
	task := res.TaskUUID
	if !res.Changed {
		// Nothing to change, but an earlier update (perhaps one whose
		// answer was lost) may still be in flight.
		if !res.Doc.Status.pending() {
			return res.Doc, nil, nil
		}
		task = res.Doc.Status.taskUUIDs().first()
	}
	if task == "" {
		settled, err := c.waitSettled(ctx, op, path)
		return settled, nil, err
	}
	if _, err := c.WaitForTask(ctx, task, op, nil); err != nil {
		return nil, nil, err
	}
	if !res.Changed {
		// The task was someone else's: what it applied is not known here.
		settled, err := c.waitSettled(ctx, op, path)
		return settled, nil, err
	}
	return nil, res.Doc, nil
}

// updateAndRead is updateAndSettle followed by the entity as it is
// afterwards: fromDoc converts the settled document when there is one.
// When a task applied the change, reread (when not nil) reads the entity
// again, for a kind whose status tells what the spec cannot; without
// reread, fromDoc converts the metadata and spec that were sent, with no
// status, which the kind's conversion must read as it reads a settled
// entity: an update then reads once.
func updateAndRead[T any](ctx context.Context, c *Client, op, path string, mutate func(*document) error,
	fromDoc func(*document) (*T, error), reread func() (*T, error),
) (*T, error) {
	doc, applied, err := c.updateAndSettle(ctx, op, path, mutate)
	if err != nil {
		return nil, err
	}
	if doc != nil {
		return fromDoc(doc)
	}
	if reread != nil {
		return reread()
	}
	sent, err := applied.sent()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return fromDoc(sent)
}

// deleteAndWait deletes the intentful entity at path and waits for the
// task, or until it is gone when the answer names none. A 404 to a
// repeated attempt whose first try may have landed counts as done. A
// delete already under way (409 "already being deleted", from another run
// or an earlier attempt) is waited for: it is success once the entity is
// gone. An entity still being created (409 "still being created", such as
// the cleanup of a create that was interrupted) is waited for until its
// create settles, then deleted; if the create failed, nothing is left and
// that is success too.
func (c *Client) deleteAndWait(ctx context.Context, op, path string) error {
	for attempt := 1; ; attempt++ {
		var resp intentResponse
		res, err := c.send(ctx, call{op: op, method: http.MethodDelete, path: path, out: &resp, idempotent: true})
		if err != nil {
			if res.maybeCommitted && errors.Is(err, ErrNotFound) {
				return nil
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || attempt >= maxDeleteAttempts {
				return err
			}
			switch {
			case apiErr.alreadyDeleting():
				// Another delete runs: done when the entity is gone; try again
				// if it failed and the entity is back to normal.
				if gone, werr := c.waitNotPending(ctx, op, path, true); werr != nil || gone {
					return werr
				}
				continue
			case apiErr.stillCreating():
				if gone, werr := c.waitNotPending(ctx, op, path, false); werr != nil || gone {
					return werr
				}
				continue
			}
			return err
		}
		if task := resp.task(); task != "" {
			_, err := c.WaitForTask(ctx, task, op, nil)
			return err
		}
		return c.waitGone(ctx, op, path)
	}
}

// maxDeleteAttempts bounds the deletes deleteAndWait sends when it finds
// the entity busy with another create or delete.
const maxDeleteAttempts = 4

// waitNotPending reads the entity at path, with the task backoff, until it
// is gone (gone true) or settled, no longer in the create or the delete
// (deleting) that was running.
func (c *Client) waitNotPending(ctx context.Context, op, path string, deleting bool) (gone bool, err error) {
	wait := c.taskWaitMin
	for {
		var raw json.RawMessage
		err := c.do(ctx, op, http.MethodGet, path, nil, &raw)
		if errors.Is(err, ErrNotFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		doc, err := newDocument(raw)
		if err != nil {
			return false, fmt.Errorf("%s: %w", op, err)
		}
		busy := doc.Status.pending()
		if deleting {
			busy = busy || strings.EqualFold(doc.Status.State, "DELETE_PENDING") || strings.EqualFold(doc.Status.State, "DELETING")
		}
		if !busy {
			return false, nil
		}
		what := "its create"
		if deleting {
			what = "the delete already under way"
		}
		if err := waitFor(ctx, wait); err != nil {
			return false, fmt.Errorf("%s: waiting for %s to finish (state %s): %w", op, what, doc.Status.State, err)
		}
		wait = min(wait*2, c.taskWaitMax)
	}
}

// waitGone reads the entity at path, with the task backoff, until it is not
// found.
func (c *Client) waitGone(ctx context.Context, op, path string) error {
	wait := c.taskWaitMin
	for {
		err := c.do(ctx, op, http.MethodGet, path, nil, nil)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := waitFor(ctx, wait); err != nil {
			return fmt.Errorf("%s: waiting for the entity to be deleted: %w", op, err)
		}
		wait = min(wait*2, c.taskWaitMax)
	}
}
