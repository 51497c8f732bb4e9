package v3

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// The intentful envelope {api_version, metadata, spec, status} and the generic handlers of
// an intentful kind: get, list, create, update and delete, on the model's entity
// operations (EntityBackend).

// Entity is an intentful entity of the model as the v3 wire shows it: its latest accepted
// intent, and the status the model computes for it.
type Entity struct {
	Kind        string
	UUID        string
	SpecVersion int64
	Created     time.Time
	Updated     time.Time // when the intent was accepted
	Spec        json.RawMessage
	Meta        map[string]json.RawMessage // metadata fields kept as sent (owner_reference...)
	Categories  map[string][]string        // categories_mapping form
	// Status is the kind's status as the model computes it (status.state aside).
	Status map[string]any
	State  string // COMPLETE, PENDING or DELETE_PENDING
	Task   string // the task that will settle it, while it is not settled
}

// Intent is the body of a create or update as the model takes it.
type Intent struct {
	Spec       json.RawMessage
	Categories map[string][]string
	Meta       map[string]json.RawMessage
}

// Listed is an entity of a list: its position in creation order, the attributes filters
// and sorting see, and its view, valid during the list's view function only.
type Listed struct {
	Seq   int64
	Attrs map[string][]string
	View  func() Entity
}

// EntityBackend is what the v3 wire needs of a PC for intentful kinds, by the kind's name.
// Mutations answer the entity as accepted, with the task that settles it in Task.
type EntityBackend interface {
	// ViewEntity returns the entity of kind with uuid id.
	ViewEntity(kind, id string) (Entity, error)
	// ListEntities calls view with the attributes filters and sorting may use (known) and
	// the entities of kind in creation order.
	ListEntities(kind string, view func(known []string, items []Listed)) error
	CreateEntity(ctx context.Context, kind, id string, in Intent) (Entity, error)
	UpdateEntity(ctx context.Context, kind, id string, specVersion int64, in Intent) (Entity, error)
	DeleteEntity(ctx context.Context, kind, id string) (Entity, error)
	// HasEntity reports whether the entity of kind with uuid id exists.
	HasEntity(kind, id string) bool
}

// Envelope is the shape of an intentful entity in answers.
type Envelope struct {
	APIVersion string          `json:"api_version"`
	Metadata   map[string]any  `json:"metadata"`
	Spec       json.RawMessage `json:"spec"`
	Status     map[string]any  `json:"status"`
}

// FormatTime formats a time as the API does (RFC 3339, UTC).
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Render renders e as GET answers it.
func Render(e Entity) Envelope {
	meta := map[string]any{}
	for k, v := range e.Meta {
		meta[k] = v
	}
	sum := sha256.Sum256(e.Spec)
	meta["kind"] = e.Kind
	meta["uuid"] = e.UUID
	meta["spec_version"] = e.SpecVersion
	meta["spec_hash"] = hex.EncodeToString(sum[:])
	meta["creation_time"] = FormatTime(e.Created)
	meta["last_update_time"] = FormatTime(e.Updated)
	single := map[string]string{}
	mapping := make(map[string][]string, len(e.Categories))
	for key, values := range e.Categories {
		if len(values) > 0 {
			single[key] = values[0]
		}
		mapping[key] = append([]string{}, values...)
	}
	meta["categories"] = single
	meta["categories_mapping"] = mapping

	status := map[string]any{}
	for k, v := range e.Status {
		status[k] = v
	}
	status["state"] = e.State
	// An entity that is not settled names the task that will settle it, as mutation
	// answers do.
	if e.State != "COMPLETE" && e.Task != "" {
		status["execution_context"] = map[string]any{"task_uuid": e.Task}
	}
	return Envelope{APIVersion: APIVersion, Metadata: meta, Spec: e.Spec, Status: status}
}

// RenderAccepted renders the 202 answer of a mutation: the entity with its task (e.Task)
// in status.execution_context.
func RenderAccepted(e Entity) Envelope {
	env := Render(e)
	env.Status["execution_context"] = map[string]any{"task_uuid": e.Task}
	return env
}

// DeletedEnvelope is the 202 answer of a delete: the envelope without spec. The spec
// makes spec optional there, and Nutanix's prism-go-client decodes a delete answer's spec
// as a string (real PCs answer "spec": ""), so an object would fail to decode in it.
type DeletedEnvelope struct {
	APIVersion string         `json:"api_version"`
	Metadata   map[string]any `json:"metadata"`
	Status     map[string]any `json:"status"`
}

// RenderDeleteAccepted renders the 202 answer of a delete.
func RenderDeleteAccepted(e Entity) DeletedEnvelope {
	env := RenderAccepted(e)
	return DeletedEnvelope{APIVersion: env.APIVersion, Metadata: env.Metadata, Status: env.Status}
}

// GetEntity serves GET /{kind}s/{uuid}.
func GetEntity(kind string) Handler {
	return func(rq Request) (int, any, error) {
		id, apiErr := rq.UUIDParam()
		if apiErr != nil {
			return 0, nil, apiErr
		}
		e, err := rq.PC.ViewEntity(kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, Render(e), nil
	}
}

// ListEntities serves POST /{kind}s/list.
func ListEntities(kind string) Handler {
	return func(rq Request) (int, any, error) {
		lr, apiErr := DecodeList(rq.Body, kind)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		var meta ListMetadata
		var page []any
		err := rq.PC.ListEntities(kind, func(known []string, entities []Listed) {
			items := make([]ListItem, 0, len(entities))
			for _, e := range entities {
				view := e.View
				attrs := e.Attrs
				items = append(items, ListItem{Seq: e.Seq, Attrs: attrs, Render: func() any { return Render(view()) }})
			}
			meta, page, apiErr = RunList(lr, kind, known, items)
		})
		if err != nil {
			return 0, nil, err
		}
		if apiErr != nil {
			return 0, nil, apiErr
		}
		return http.StatusOK, map[string]any{"api_version": APIVersion, "metadata": meta, "entities": page}, nil
	}
}

// intentInput is the body of a create or update ({api_version, metadata, spec}).
type intentInput struct {
	Metadata json.RawMessage `json:"metadata"`
	Spec     json.RawMessage `json:"spec"`
}

// MetadataInput is what the wire reads of a create's or update's metadata.
type MetadataInput struct {
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

// DecodeIntent decodes and checks the body of a create or update of kind.
func DecodeIntent(rq Request, kind string) (MetadataInput, Intent, *Error) {
	var in intentInput
	var meta MetadataInput
	if err := rq.Decode(&in); err != nil {
		return meta, Intent{}, err
	}
	if len(in.Metadata) == 0 || bytes.Equal(in.Metadata, []byte("null")) {
		return meta, Intent{}, ValidationError("metadata is required")
	}
	if len(in.Spec) == 0 || bytes.Equal(in.Spec, []byte("null")) {
		return meta, Intent{}, ValidationError("spec is required")
	}
	if in.Spec[0] != '{' {
		return meta, Intent{}, ValidationError("spec must be an object")
	}
	if err := model.DecodeStrict(in.Metadata, &meta); err != nil {
		return meta, Intent{}, ValidationError("metadata: %v", err)
	}
	if meta.Kind == "" {
		return meta, Intent{}, ValidationError("metadata.kind is required")
	}
	if meta.Kind != kind {
		return meta, Intent{}, ValidationError("metadata.kind must be %q, got %q", kind, meta.Kind)
	}
	var rawMeta map[string]json.RawMessage
	if err := json.Unmarshal(in.Metadata, &rawMeta); err != nil {
		return meta, Intent{}, ValidationError("metadata must be an object")
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
			cats[key] = model.Dedupe(values)
		}
	} else {
		for key, value := range meta.Categories {
			cats[key] = []string{value}
		}
	}
	var spec bytes.Buffer
	if err := json.Compact(&spec, in.Spec); err != nil {
		return meta, Intent{}, Errorf(http.StatusBadRequest, ReasonInvalidRequest, "spec is not valid JSON: %v", err)
	}
	return meta, Intent{Spec: spec.Bytes(), Categories: cats, Meta: extra}, nil
}

// NewEntityUUID is the uuid of a created entity: metadata.uuid when the client gives one,
// else a new one.
func NewEntityUUID(meta MetadataInput) (string, *Error) {
	if meta.UUID == "" {
		return model.NewUUID(), nil
	}
	if !model.IsUUID(meta.UUID) {
		return "", Errorf(http.StatusUnprocessableEntity, ReasonInvalidUUID, "metadata.uuid %q is not a UUID", meta.UUID)
	}
	return model.NormUUID(meta.UUID), nil
}

// CreateEntity serves POST /{kind}s.
func CreateEntity(kind string) Handler {
	return func(rq Request) (int, any, error) {
		meta, in, apiErr := DecodeIntent(rq, kind)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		id, apiErr := NewEntityUUID(meta)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		e, err := rq.PC.CreateEntity(rq.Ctx(), kind, id, in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusAccepted, RenderAccepted(e), nil
	}
}

// UpdateEntity serves PUT /{kind}s/{uuid}.
func UpdateEntity(kind string) Handler {
	return func(rq Request) (int, any, error) {
		id, apiErr := rq.UUIDParam()
		if apiErr != nil {
			return 0, nil, apiErr
		}
		meta, in, apiErr := DecodeIntent(rq, kind)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		if meta.UUID != "" && model.NormUUID(meta.UUID) != id {
			return 0, nil, InvalidArgument("metadata.uuid %s does not match the uuid %s in the path", meta.UUID, id)
		}
		if meta.SpecVersion == nil {
			return 0, nil, ValidationError("metadata.spec_version is required on update: read the %s first and send back its metadata", kind)
		}
		e, err := rq.PC.UpdateEntity(rq.Ctx(), kind, id, *meta.SpecVersion, in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusAccepted, RenderAccepted(e), nil
	}
}

// DeleteEntity serves DELETE /{kind}s/{uuid}.
func DeleteEntity(kind string) Handler {
	return func(rq Request) (int, any, error) {
		id, apiErr := rq.UUIDParam()
		if apiErr != nil {
			return 0, nil, apiErr
		}
		e, err := rq.PC.DeleteEntity(rq.Ctx(), kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusAccepted, RenderDeleteAccepted(e), nil
	}
}
