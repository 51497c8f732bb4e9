package prismsim

import (
	"context"
	"fmt"
	"strings"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// The model of intentful entities, whatever the wire: view, create, update and delete an
// entity of a kind, with the kind's hooks (kindSpec). Each operation takes the PC's mutex
// itself; what a wire shows of the result it takes through a view function the operation
// calls under that mutex, at the moment the result is exactly as the operation left it.

// acceptedView is how a wire takes its view of a change the model accepted: the model calls
// it with the entity and the task that will settle it, at the moment of acceptance (under
// the PC's mutex, before the task can move), so that the answer shows the change as it was
// accepted. It must only read the entity and the PC's inventory; e.task is t's uuid.
type acceptedView func(e *entity, t *task)

// viewEntity calls view with the entity of kind k and uuid id.
func (pc *PC) viewEntity(k *kindSpec, id string, view func(e *entity)) error {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e := pc.entityLocked(k, id)
	if e == nil {
		return notFoundError(k.name, id)
	}
	view(e)
	return nil
}

// viewEntities calls view with the entities of kind k in creation order.
func (pc *PC) viewEntities(k *kindSpec, view func(entities []*entity)) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	view(pc.entitiesLocked(k))
}

// createEntity accepts the creation of an entity of kind k with uuid id and intent snap: it
// is visible at once (PENDING) and committed when its task succeeds.
func (pc *PC) createEntity(ctx context.Context, k *kindSpec, id string, snap *snapshot, view acceptedView) error {
	if k.precheck != nil {
		if err := k.precheck(pc, id, snap, true); err != nil {
			return err
		}
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if existing := pc.findEntityLocked(id); existing != nil {
		return existsError(existing.kind.name, id)
	}
	if err := pc.checkCategoriesLocked(snap.categories); err != nil {
		return err
	}
	if k.prepare != nil {
		if err := k.prepare(pc, nil, snap); err != nil {
			return err
		}
	}
	e := &entity{kind: k, uuid: id, created: snap.updated, intent: snap, pending: 1}
	pc.addEntityLocked(e)
	t := pc.startTask(ctx, k.opName+"Create", []reference{e.ref()}, taskWork{
		unlocked: k.beforeCommitOf(pc, e, snap),
		run: func() error {
			e.pending--
			if e.committed == nil || snap.version > e.committed.version {
				e.committed = snap
			}
			if k.afterCommit != nil {
				k.afterCommit(pc, e, false)
			}
			return nil
		},
		abandon: func() {
			e.pending--
			pc.removeEntityLocked(e)
		},
	})
	e.task = t.uuid
	view(e, t)
	return nil
}

// updateEntity accepts a new intent snap for the entity of kind k and uuid id, based on its
// specVersion: a stale one is a conflict.
func (pc *PC) updateEntity(ctx context.Context, k *kindSpec, id string, specVersion int64, snap *snapshot, view acceptedView) error {
	if k.precheck != nil {
		if err := k.precheck(pc, id, snap, false); err != nil {
			return err
		}
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e := pc.entityLocked(k, id)
	if e == nil {
		return notFoundError(k.name, id)
	}
	if e.deleting {
		return &modelError{Kind: errConflict, Entity: k.name, ID: id, Message: fmt.Sprintf("%s %s is being deleted", k.name, id)}
	}
	if specVersion != e.version {
		return &modelError{Kind: errConflict, Entity: k.name, ID: id,
			Message: fmt.Sprintf("Edit conflict: %s %s is at spec_version %d, the request was based on %d: read it again and retry",
				k.name, id, e.version, specVersion),
			Details: map[string]string{"current_spec_version": fmt.Sprint(e.version)},
		}
	}
	if err := pc.checkCategoriesLocked(snap.categories); err != nil {
		return err
	}
	if k.prepare != nil {
		if err := k.prepare(pc, e, snap); err != nil {
			return err
		}
	}
	e.version++
	snap.version = e.version
	e.intent = snap
	e.pending++
	t := pc.startTask(ctx, k.opName+"Update", []reference{e.ref()}, taskWork{
		unlocked: k.beforeCommitOf(pc, e, snap),
		run: func() error {
			e.pending--
			if e.committed == nil || snap.version > e.committed.version {
				e.committed = snap
				if k.afterCommit != nil {
					k.afterCommit(pc, e, false)
				}
			}
			return nil
		},
		abandon: func() {
			e.pending--
			if e.intent == snap && e.committed != nil {
				e.intent = e.committed
			}
		},
	})
	e.task = t.uuid
	view(e, t)
	return nil
}

// deleteEntity accepts the deletion of the entity of kind k and uuid id; the kind may refuse
// it (beforeDelete).
func (pc *PC) deleteEntity(ctx context.Context, k *kindSpec, id string, view acceptedView) error {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e := pc.entityLocked(k, id)
	if e == nil {
		return notFoundError(k.name, id)
	}
	if e.deleting {
		return &modelError{Kind: errConflict, Entity: k.name, ID: id, Message: fmt.Sprintf("%s %s is already being deleted", k.name, id)}
	}
	if k.beforeDelete != nil {
		if err := k.beforeDelete(pc, e); err != nil {
			return err
		}
	}
	e.deleting = true
	e.pending++
	t := pc.startTask(ctx, k.opName+"Delete", []reference{e.ref()}, taskWork{
		unlocked: k.beforeCommitOf(pc, e, nil),
		run: func() error {
			e.pending--
			pc.removeEntityLocked(e)
			if k.afterCommit != nil {
				k.afterCommit(pc, e, true)
			}
			return nil
		},
		abandon: func() {
			e.pending--
			e.deleting = false
		},
	})
	e.task = t.uuid
	view(e, t)
	return nil
}

// checkCategoriesLocked refuses category assignments whose key or value does not exist.
func (pc *PC) checkCategoriesLocked(cats map[string][]string) *modelError {
	missing := pc.missingCategoriesLocked(cats)
	if len(missing) == 0 {
		return nil
	}
	return &modelError{
		Kind:  errInvalid,
		Code:  model.CondCategoryMismatch,
		Field: "categories",
		Message: fmt.Sprintf("category %s does not exist on this Prism Central: create the key and value first",
			strings.Join(missing, ", ")),
		Details: map[string]string{"categories": strings.Join(missing, ",")},
	}
}
