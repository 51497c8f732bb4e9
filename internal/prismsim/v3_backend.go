package prismsim

import (
	"context"
	"encoding/json"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// The model operations the v3 wire calls (v3.Backend): they take the PC's mutex (through
// the model's operations) and hand the wire copies in the v3 package's types.

var _ v3.Backend = (*PC)(nil)

// kindNamed returns the registered kind called name.
func kindNamed(name string) (*kindSpec, error) {
	k := kinds[name]
	if k == nil {
		return nil, failf(errInternal, "", "no entity kind %q", name)
	}
	return k, nil
}

// entityState is an entity's status.state: DELETE_PENDING while a delete is in
// progress, PENDING while a change is, COMPLETE once settled.
func entityState(e *entity) string {
	switch {
	case e.deleting:
		return "DELETE_PENDING"
	case e.pending > 0 || e.committed == nil:
		return "PENDING"
	default:
		return "COMPLETE"
	}
}

// v3EntityLocked is e as the v3 wire shows it: its latest accepted intent and its kind's
// status.
func (pc *PC) v3EntityLocked(e *entity) v3.Entity {
	in := e.intent
	return v3.Entity{
		Kind: e.kind.name, UUID: e.uuid, SpecVersion: e.version, Created: e.created, Updated: in.updated,
		Spec: in.spec, Meta: in.meta, Categories: cloneMapping(in.categories),
		Status: e.kind.status(pc, e), State: entityState(e), Task: e.task,
	}
}

// renderLocked renders e as a v3 GET answers it (the admin wire's state shows it so).
func (pc *PC) renderLocked(e *entity) v3.Envelope { return v3.Render(pc.v3EntityLocked(e)) }

// ViewEntity implements v3.Backend.
func (pc *PC) ViewEntity(kind, id string) (v3.Entity, error) {
	k, err := kindNamed(kind)
	if err != nil {
		return v3.Entity{}, err
	}
	if k.beforeView != nil {
		k.beforeView(pc)
	}
	var out v3.Entity
	err = pc.viewEntity(k, id, func(e *entity) { out = pc.v3EntityLocked(e) })
	return out, err
}

// ListEntities implements v3.Backend.
func (pc *PC) ListEntities(kind string, view func(known []string, items []v3.Listed)) error {
	k, err := kindNamed(kind)
	if err != nil {
		return err
	}
	if k.beforeView != nil {
		k.beforeView(pc)
	}
	pc.viewEntities(k, func(entities []*entity) {
		items := make([]v3.Listed, 0, len(entities))
		for _, e := range entities {
			e := e
			attrs := k.attrs(pc, e)
			attrs["uuid"] = []string{e.uuid}
			items = append(items, v3.Listed{Seq: e.seq, Attrs: attrs, View: func() v3.Entity { return pc.v3EntityLocked(e) }})
		}
		view(append([]string{"uuid"}, k.known...), items)
	})
	return nil
}

// HasEntity implements v3.Backend.
func (pc *PC) HasEntity(kind, id string) bool {
	k, err := kindNamed(kind)
	if err != nil {
		return false
	}
	return pc.viewEntity(k, id, func(*entity) {}) == nil
}

// snapshotOf is the model's intent of a v3 create or update, accepted now.
func (pc *PC) snapshotOf(in v3.Intent) *snapshot {
	return &snapshot{spec: in.Spec, categories: in.Categories, meta: in.Meta, updated: pc.w.clock.Now()}
}

// CreateEntity implements v3.Backend.
func (pc *PC) CreateEntity(ctx context.Context, kind, id string, in v3.Intent) (v3.Entity, error) {
	k, err := kindNamed(kind)
	if err != nil {
		return v3.Entity{}, err
	}
	var out v3.Entity
	err = pc.createEntity(ctx, k, id, pc.snapshotOf(in), func(e *entity, _ *task) { out = pc.v3EntityLocked(e) })
	return out, err
}

// UpdateEntity implements v3.Backend.
func (pc *PC) UpdateEntity(ctx context.Context, kind, id string, specVersion int64, in v3.Intent) (v3.Entity, error) {
	k, err := kindNamed(kind)
	if err != nil {
		return v3.Entity{}, err
	}
	var out v3.Entity
	err = pc.updateEntity(ctx, k, id, specVersion, pc.snapshotOf(in), func(e *entity, _ *task) { out = pc.v3EntityLocked(e) })
	return out, err
}

// DeleteEntity implements v3.Backend.
func (pc *PC) DeleteEntity(ctx context.Context, kind, id string) (v3.Entity, error) {
	k, err := kindNamed(kind)
	if err != nil {
		return v3.Entity{}, err
	}
	var out v3.Entity
	err = pc.deleteEntity(ctx, k, id, func(e *entity, _ *task) { out = pc.v3EntityLocked(e) })
	return out, err
}

func (k categoryKeyInfo) v3() v3.CategoryKey {
	return v3.CategoryKey{Name: k.name, Description: k.description, SystemDefined: k.systemDefined,
		Cardinality: k.cardinality, Seq: k.seq}
}

func (v categoryValueInfo) v3() v3.CategoryValue {
	return v3.CategoryValue{Key: v.key, Value: v.value, Description: v.description, SystemDefined: v.systemDefined,
		AssignmentRule: v.assignmentRule, Seq: v.seq}
}

// PutCategoryKey implements v3.Backend.
func (pc *PC) PutCategoryKey(name, description string, cardinality int64) (v3.CategoryKey, bool, error) {
	k, created, err := pc.putCategoryKey(name, description, cardinality)
	return k.v3(), created, err
}

// CategoryKey implements v3.Backend.
func (pc *PC) CategoryKey(name string) (v3.CategoryKey, error) {
	k, err := pc.categoryKey(name)
	return k.v3(), err
}

// CategoryKeys implements v3.Backend.
func (pc *PC) CategoryKeys() []v3.CategoryKey {
	keys := pc.categoryKeys()
	out := make([]v3.CategoryKey, len(keys))
	for i, k := range keys {
		out[i] = k.v3()
	}
	return out
}

// DeleteCategoryKey implements v3.Backend.
func (pc *PC) DeleteCategoryKey(name string) error { return pc.deleteCategoryKey(name) }

// PutCategoryValue implements v3.Backend.
func (pc *PC) PutCategoryValue(key, value, description string, rule json.RawMessage) (v3.CategoryValue, bool, error) {
	v, created, err := pc.putCategoryValue(key, value, description, rule)
	return v.v3(), created, err
}

// CategoryValue implements v3.Backend.
func (pc *PC) CategoryValue(key, value string) (v3.CategoryValue, error) {
	v, err := pc.categoryValue(key, value)
	return v.v3(), err
}

// CategoryValues implements v3.Backend.
func (pc *PC) CategoryValues(key string) ([]v3.CategoryValue, error) {
	values, err := pc.categoryValues(key)
	out := make([]v3.CategoryValue, len(values))
	for i, v := range values {
		out[i] = v.v3()
	}
	return out, err
}

// DeleteCategoryValue implements v3.Backend.
func (pc *PC) DeleteCategoryValue(key, value string) error { return pc.deleteCategoryValue(key, value) }

// QueryCategories implements v3.Backend.
func (pc *PC) QueryCategories(q v3.CategoryQuery) []v3.CategoryMatches {
	groups := pc.queryCategories(categoryQuery{params: q.Params, kinds: q.Kinds, usedIn: q.UsedIn,
		matchAll: q.MatchAll, offset: q.Offset, count: q.Count})
	out := make([]v3.CategoryMatches, len(groups))
	for i, g := range groups {
		out[i] = v3.CategoryMatches{Kind: g.kind, Matched: g.matched}
		for _, m := range g.page {
			out[i].Page = append(out[i].Page, v3.CategoryMatch{Kind: m.kind, UUID: m.uuid, Name: m.name, Categories: m.categories})
		}
	}
	return out
}
