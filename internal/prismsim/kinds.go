package prismsim

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// kindSpec describes an intentful entity kind of the model ({metadata, spec, status} on
// v3). The generic model operations (entities.go) and the v3 wire's generic handlers serve
// get, list, create, update and delete for every kind; a kind's file supplies only what is
// particular to it. Hooks run with the PC's mutex held unless they say otherwise.
type kindSpec struct {
	name   string // "vm": metadata.kind, error bodies, references
	plural string // "vms": the v3 path segment
	opName string // "Vm": task operation types VmCreate, VmUpdate, VmDelete

	// prepare checks an intent before it is accepted and may normalise its spec (for
	// example give new NICs a UUID). It must set in.name. old is nil on create.
	prepare func(pc *PC, old *entity, in *snapshot) *modelError
	// status renders the status of e from its committed snapshot (its intent while
	// a create is pending); the generic code sets status.state.
	status func(pc *PC, e *entity) map[string]any
	// attrs returns the attributes that list filters and sort_attribute see; known lists
	// their names.
	attrs func(pc *PC, e *entity) map[string][]string
	known []string
	// precheck, optional, runs before prepare on a create or update, without any mutex
	// held, so that it may check the intent against other PCs (references to their
	// inventory); it may take one PC's mutex at a time. id is the entity's uuid; create
	// tells a create from an update.
	precheck func(pc *PC, id string, in *snapshot, create bool) *modelError
	// beforeDelete may refuse a delete.
	beforeDelete func(pc *PC, e *entity) *modelError
	// usesCategory reports whether e's spec refers to a category value (as a policy's
	// category filter does), for /category/query USED_IN and deletion checks.
	usesCategory func(e *entity, key, value string) bool
	// beforeCommit, optional, runs in the task of a create or update (snap is the new
	// intent) or of a delete (snap is nil), without any mutex held, before the change is
	// committed: it may check or change other PCs. An error fails the task.
	beforeCommit func(pc *PC, e *entity, snap *snapshot) error
	// beforeView, optional, runs before the kind's entities are read (get or list), without
	// any mutex held: it may refresh what their status shows (a plan's findings).
	beforeView func(pc *PC)
	// afterCommit, optional, runs with the PC's mutex held once a create or update task has
	// committed its intent, or a delete task has removed e (then gone is true).
	afterCommit func(pc *PC, e *entity, gone bool)
}

// kinds holds every registered kind by name.
var kinds = map[string]*kindSpec{}

// registerKind registers a kind of entity of the model; the wires serve it (v3: the
// generic handlers of package v3's envelope.go, by the kind's name).
func registerKind(k *kindSpec) {
	if _, dup := kinds[k.name]; dup {
		panic("prismsim: kind registered twice: " + k.name)
	}
	kinds[k.name] = k
}

// snapshot is one version of an entity's intent.
type snapshot struct {
	version    int64
	name       string
	spec       json.RawMessage
	categories map[string][]string        // categories_mapping form
	meta       map[string]json.RawMessage // metadata fields kept as sent (owner_reference...)
	// v4Labels are the location labels a v4 client gave a protection policy (v3 has no
	// field for them); nil when the intent came through v3.
	v4Labels []string
	updated  time.Time
}

// entity is an intentful entity. Its intent (what GET shows in spec and metadata) changes
// when a create or update is accepted; committed follows when the task succeeds, and is what
// status, category usage and later simulations act on.
type entity struct {
	kind      *kindSpec
	uuid      string
	seq       int64
	created   time.Time
	version   int64 // spec_version of the latest accepted intent
	intent    *snapshot
	committed *snapshot // nil until the create task succeeds
	pending   int       // tasks not ended yet
	task      string    // the latest task that changes the entity
	deleting  bool
	data      any // kind-private facts that are not part of the spec
}

func (e *entity) ref() reference {
	return reference{Kind: e.kind.name, UUID: e.uuid, Name: e.intent.name}
}

// current is the committed snapshot, or the intent while the create is pending.
func (e *entity) current() *snapshot {
	if e.committed != nil {
		return e.committed
	}
	return e.intent
}

// entityLocked returns a live entity of kind k.
func (pc *PC) entityLocked(k *kindSpec, id string) *entity {
	return pc.entities[k.name][id]
}

// findEntityLocked returns an entity of any kind by UUID.
func (pc *PC) findEntityLocked(id string) *entity {
	for _, byID := range pc.entities {
		if e, ok := byID[id]; ok {
			return e
		}
	}
	return nil
}

// entitiesLocked returns the entities of a kind in creation order.
func (pc *PC) entitiesLocked(k *kindSpec) []*entity {
	out := make([]*entity, 0, len(pc.entities[k.name]))
	for _, e := range pc.entities[k.name] {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func (pc *PC) addEntityLocked(e *entity) {
	pc.entitySeq++
	e.seq = pc.entitySeq
	if pc.entities[e.kind.name] == nil {
		pc.entities[e.kind.name] = map[string]*entity{}
	}
	pc.entities[e.kind.name][e.uuid] = e
}

func (pc *PC) removeEntityLocked(e *entity) {
	delete(pc.entities[e.kind.name], e.uuid)
}

// seedEntityLocked adds a settled entity (spec_version 0) without a task, as NewWorld does
// for the configured inventory.
func (pc *PC) seedEntityLocked(k *kindSpec, id string, spec any, categories map[string][]string, data any) error {
	_, err := pc.newEntityLocked(k, id, spec, categories, data)
	return err
}

// newSettledEntityLocked adds a settled entity without categories, as the emulator does for
// entities a task creates besides the one it was asked for (availability zones, remote
// connections, the remote side of a pairing). An empty id gets a new UUID.
func (pc *PC) newSettledEntityLocked(k *kindSpec, id string, spec any, data any) (*entity, error) {
	return pc.newEntityLocked(k, id, spec, nil, data)
}

func (pc *PC) newEntityLocked(k *kindSpec, id string, spec any, categories map[string][]string, data any) (*entity, error) {
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("encoding %s spec: %w", k.name, err)
	}
	if id == "" {
		id = newUUID()
	}
	now := pc.w.clock.Now()
	snap := &snapshot{spec: raw, categories: cloneMapping(categories), updated: now}
	e := &entity{kind: k, uuid: normUUID(id), created: now, data: data}
	if k.prepare != nil {
		if apiErr := k.prepare(pc, nil, snap); apiErr != nil {
			return nil, fmt.Errorf("%s %s: %s", k.name, id, apiErr.Message)
		}
	}
	e.intent, e.committed = snap, snap
	pc.addEntityLocked(e)
	return e, nil
}

// beforeCommitOf returns the unlocked step of a task of kind k on e, or nil.
func (k *kindSpec) beforeCommitOf(pc *PC, e *entity, snap *snapshot) func() error {
	if k.beforeCommit == nil {
		return nil
	}
	return func() error { return k.beforeCommit(pc, e, snap) }
}

// missingCategoriesLocked returns the key:value pairs of cats that do not exist on this PC,
// sorted by key.
func (pc *PC) missingCategoriesLocked(cats map[string][]string) []string {
	var missing []string
	for _, key := range sortedKeys(cats) {
		ck := pc.categories[key]
		for _, v := range cats[key] {
			if ck == nil || ck.values[v] == nil {
				missing = append(missing, key+":"+v)
			}
		}
	}
	return missing
}
