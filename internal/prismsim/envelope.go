package prismsim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"
)

// kindSpec describes an intentful entity kind ({api_version, metadata, spec, status}). The
// generic handlers of this file serve get, list, create, update and delete for every kind;
// a kind's file supplies only what is particular to it. Hooks run with the PC's mutex held.
type kindSpec struct {
	name   string // "vm": metadata.kind, error bodies, references
	plural string // "vms": the path segment
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
	// afterCommit, optional, runs with the PC's mutex held once a create or update task has
	// committed its intent, or a delete task has removed e (then gone is true).
	afterCommit func(pc *PC, e *entity, gone bool)
}

// kinds holds every registered kind by name.
var kinds = map[string]*kindSpec{}

// Entity operations a kind can register.
const (
	opGet    = "get"
	opList   = "list"
	opCreate = "create"
	opUpdate = "update"
	opDelete = "delete"
)

// registerKind registers a kind and the generic routes of the given operations.
func registerKind(k *kindSpec, ops ...string) {
	if _, dup := kinds[k.name]; dup {
		panic("prismsim: kind registered twice: " + k.name)
	}
	kinds[k.name] = k
	base := "/" + k.plural
	for _, op := range ops {
		switch op {
		case opGet:
			registerAPI(http.MethodGet, base+"/{uuid}", k.name, handleGetEntity(k))
		case opList:
			registerAPI(http.MethodPost, base+"/list", k.name, handleListEntities(k))
		case opCreate:
			registerAPI(http.MethodPost, base, k.name, handleCreateEntity(k))
		case opUpdate:
			registerAPI(http.MethodPut, base+"/{uuid}", k.name, handleUpdateEntity(k))
		case opDelete:
			registerAPI(http.MethodDelete, base+"/{uuid}", k.name, handleDeleteEntity(k))
		default:
			panic("prismsim: unknown operation " + op)
		}
	}
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

// envelope is the shape of an intentful entity in answers.
type envelope struct {
	APIVersion string          `json:"api_version"`
	Metadata   map[string]any  `json:"metadata"`
	Spec       json.RawMessage `json:"spec"`
	Status     map[string]any  `json:"status"`
}

// renderLocked renders e as GET answers it.
func (pc *PC) renderLocked(e *entity) envelope {
	in := e.intent
	meta := map[string]any{}
	for k, v := range in.meta {
		meta[k] = v
	}
	sum := sha256.Sum256(in.spec)
	meta["kind"] = e.kind.name
	meta["uuid"] = e.uuid
	meta["spec_version"] = e.version
	meta["spec_hash"] = hex.EncodeToString(sum[:])
	meta["creation_time"] = formatTime(e.created)
	meta["last_update_time"] = formatTime(in.updated)
	single := map[string]string{}
	for key, values := range in.categories {
		if len(values) > 0 {
			single[key] = values[0]
		}
	}
	meta["categories"] = single
	meta["categories_mapping"] = cloneMapping(in.categories)

	status := e.kind.status(pc, e)
	switch {
	case e.deleting:
		status["state"] = "DELETE_PENDING"
	case e.pending > 0 || e.committed == nil:
		status["state"] = "PENDING"
	default:
		status["state"] = "COMPLETE"
	}
	// An entity that is not settled names the task that will settle it, as mutation
	// answers do.
	if status["state"] != "COMPLETE" && e.task != "" {
		status["execution_context"] = map[string]any{"task_uuid": e.task}
	}
	return envelope{APIVersion: apiVersion, Metadata: meta, Spec: in.spec, Status: status}
}

// renderAcceptedLocked renders the 202 answer of a mutation: the entity with its task in
// status.execution_context.
func (pc *PC) renderAcceptedLocked(e *entity, t *task) envelope {
	e.task = t.uuid
	env := pc.renderLocked(e)
	env.Status["execution_context"] = map[string]any{"task_uuid": t.uuid}
	return env
}

// deletedEnvelope is the 202 answer of a delete: the envelope without spec. The spec
// makes spec optional there, and Nutanix's prism-go-client decodes a delete answer's spec
// as a string (real PCs answer "spec": ""), so an object would fail to decode in it.
type deletedEnvelope struct {
	APIVersion string         `json:"api_version"`
	Metadata   map[string]any `json:"metadata"`
	Status     map[string]any `json:"status"`
}

// renderDeleteAcceptedLocked renders the 202 answer of a delete.
func (pc *PC) renderDeleteAcceptedLocked(e *entity, t *task) deletedEnvelope {
	env := pc.renderAcceptedLocked(e, t)
	return deletedEnvelope{APIVersion: env.APIVersion, Metadata: env.Metadata, Status: env.Status}
}

func handleGetEntity(k *kindSpec) apiHandler {
	return func(rq *request) (int, any, error) {
		id, apiErr := uuidParam(rq)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		var out envelope
		if err := rq.pc.viewEntity(k, id, func(e *entity) { out = rq.pc.renderLocked(e) }); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, out, nil
	}
}

func handleListEntities(k *kindSpec) apiHandler {
	return func(rq *request) (int, any, error) {
		lr, apiErr := decodeListRequest(rq, k.name)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		pc := rq.pc
		var meta listMetadata
		var page []any
		pc.viewEntities(k, func(entities []*entity) {
			var items []listItem
			for _, e := range entities {
				e := e
				attrs := k.attrs(pc, e)
				attrs["uuid"] = []string{e.uuid}
				items = append(items, listItem{Seq: e.seq, Attrs: attrs, Render: func() any { return pc.renderLocked(e) }})
			}
			meta, page, apiErr = runList(lr, k.name, append([]string{"uuid"}, k.known...), items)
		})
		if apiErr != nil {
			return 0, nil, apiErr
		}
		return http.StatusOK, map[string]any{"api_version": apiVersion, "metadata": meta, "entities": page}, nil
	}
}

// intentInput is the body of a create or update ({api_version, metadata, spec}).
type intentInput struct {
	Metadata json.RawMessage `json:"metadata"`
	Spec     json.RawMessage `json:"spec"`
}

type metadataInput struct {
	Kind                 string              `json:"kind"`
	UUID                 string              `json:"uuid"`
	SpecVersion          *int64              `json:"spec_version"`
	Categories           map[string]string   `json:"categories"`
	CategoriesMapping    map[string][]string `json:"categories_mapping"`
	UseCategoriesMapping bool                `json:"use_categories_mapping"`
}

// managedMetadata are the metadata fields the emulator computes; the others are kept as sent.
var managedMetadata = map[string]bool{
	"kind": true, "uuid": true, "spec_version": true, "spec_hash": true, "creation_time": true,
	"last_update_time": true, "categories": true, "categories_mapping": true,
	"use_categories_mapping": true, "name": true, "entity_version": true,
}

// decodeIntent decodes and checks the body of a create or update of kind k.
func decodeIntent(rq *request, k *kindSpec) (metadataInput, *snapshot, *apiError) {
	var in intentInput
	var meta metadataInput
	if err := rq.decode(&in); err != nil {
		return meta, nil, err
	}
	if len(in.Metadata) == 0 || bytes.Equal(in.Metadata, []byte("null")) {
		return meta, nil, validationError("metadata is required")
	}
	if len(in.Spec) == 0 || bytes.Equal(in.Spec, []byte("null")) {
		return meta, nil, validationError("spec is required")
	}
	if in.Spec[0] != '{' {
		return meta, nil, validationError("spec must be an object")
	}
	if err := decodeStrictTypes(in.Metadata, &meta); err != nil {
		return meta, nil, validationError("metadata: %v", err)
	}
	if meta.Kind == "" {
		return meta, nil, validationError("metadata.kind is required")
	}
	if meta.Kind != k.name {
		return meta, nil, validationError("metadata.kind must be %q, got %q", k.name, meta.Kind)
	}
	var rawMeta map[string]json.RawMessage
	if err := json.Unmarshal(in.Metadata, &rawMeta); err != nil {
		return meta, nil, validationError("metadata must be an object")
	}
	extra := map[string]json.RawMessage{}
	for key, v := range rawMeta {
		if !managedMetadata[key] {
			extra[key] = v
		}
	}
	cats := map[string][]string{}
	if meta.UseCategoriesMapping {
		for key, values := range meta.CategoriesMapping {
			cats[key] = dedupe(values)
		}
	} else {
		for key, value := range meta.Categories {
			cats[key] = []string{value}
		}
	}
	var spec bytes.Buffer
	if err := json.Compact(&spec, in.Spec); err != nil {
		return meta, nil, errorf(http.StatusBadRequest, reasonInvalidRequest, "spec is not valid JSON: %v", err)
	}
	snap := &snapshot{spec: spec.Bytes(), categories: cats, meta: extra, updated: rq.pc.w.clock.Now()}
	return meta, snap, nil
}

func handleCreateEntity(k *kindSpec) apiHandler {
	return func(rq *request) (int, any, error) {
		meta, snap, apiErr := decodeIntent(rq, k)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		id := newUUID()
		if meta.UUID != "" {
			if !isUUID(meta.UUID) {
				return 0, nil, errorf(http.StatusUnprocessableEntity, reasonInvalidUUID, "metadata.uuid %q is not a UUID", meta.UUID)
			}
			id = normUUID(meta.UUID)
		}
		var out envelope
		if err := rq.pc.createEntity(rq.ctx(), k, id, snap, func(e *entity, t *task) { out = rq.pc.renderAcceptedLocked(e, t) }); err != nil {
			return 0, nil, err
		}
		return http.StatusAccepted, out, nil
	}
}

func handleUpdateEntity(k *kindSpec) apiHandler {
	return func(rq *request) (int, any, error) {
		id, apiErr := uuidParam(rq)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		meta, snap, apiErr := decodeIntent(rq, k)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		if meta.UUID != "" && normUUID(meta.UUID) != id {
			return 0, nil, invalidArgument("metadata.uuid %s does not match the uuid %s in the path", meta.UUID, id)
		}
		if meta.SpecVersion == nil {
			return 0, nil, validationError("metadata.spec_version is required on update: read the %s first and send back its metadata", k.name)
		}
		var out envelope
		if err := rq.pc.updateEntity(rq.ctx(), k, id, *meta.SpecVersion, snap, func(e *entity, t *task) { out = rq.pc.renderAcceptedLocked(e, t) }); err != nil {
			return 0, nil, err
		}
		return http.StatusAccepted, out, nil
	}
}

func handleDeleteEntity(k *kindSpec) apiHandler {
	return func(rq *request) (int, any, error) {
		id, apiErr := uuidParam(rq)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		var out deletedEnvelope
		if err := rq.pc.deleteEntity(rq.ctx(), k, id, func(e *entity, t *task) { out = rq.pc.renderDeleteAcceptedLocked(e, t) }); err != nil {
			return 0, nil, err
		}
		return http.StatusAccepted, out, nil
	}
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
