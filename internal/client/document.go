package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// A document is an intentful entity as read, typed and raw; the raw helpers
// below edit the raw side (maps decoded with decodeNumbers) so that an
// update changes what it means to and sends every other field back as read.

// document is an intentful entity as read, both typed and raw, so that an
// update changes what it means to and sends every other field back as it
// came.
type document struct {
	// read is the entity exactly as read.
	read []byte
	// body is what an update sends: api_version, metadata and spec of the
	// read entity (status dropped), with numbers kept as read. Changes are
	// made on it.
	body map[string]any
	// Metadata and Status are typed views of the entity as read.
	Metadata entityMetadata
	Status   entityStatus
}

// newDocument parses an entity read from the API.
func newDocument(data []byte) (*document, error) {
	var typed struct {
		Metadata entityMetadata `json:"metadata"`
		Status   entityStatus   `json:"status"`
	}
	if err := json.Unmarshal(data, &typed); err != nil {
		return nil, &DecodeError{What: "the entity", Err: err}
	}
	var raw map[string]any
	if err := decodeNumbers(data, &raw); err != nil {
		return nil, err
	}
	body := map[string]any{}
	for _, k := range []string{"api_version", "metadata", "spec"} {
		if v, ok := raw[k]; ok {
			body[k] = v
		}
	}
	return &document{read: data, body: body, Metadata: typed.Metadata, Status: typed.Status}, nil
}

// decodeNumbers unmarshals JSON keeping numbers as json.Number, so that
// they are sent back exactly as read.
func decodeNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return &DecodeError{What: "the entity", Err: err}
	}
	return nil
}

// decode unmarshals the entity as read into v.
func (d *document) decode(v any) error {
	if err := json.Unmarshal(d.read, v); err != nil {
		return &DecodeError{What: "the entity", Err: err}
	}
	return nil
}

// sent returns what an update made of the entity once its task succeeded:
// the metadata and spec of the body, with the spec_version Prism Central
// moved to on accepting it (one more than the version sent) and the state
// COMPLETE, and no other status: a kind's conversion falls back to the
// spec for what a status would say.
func (d *document) sent() (*document, error) {
	out := maps.Clone(d.body)
	meta := maps.Clone(d.metadata())
	if n, ok := meta["spec_version"].(json.Number); ok {
		if v, err := n.Int64(); err == nil {
			meta["spec_version"] = v + 1
		}
	}
	out["metadata"] = meta
	out["status"] = map[string]any{"state": "COMPLETE"}
	data, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encoding the entity as sent: %w", err)
	}
	return newDocument(data)
}

// object returns the object at key of the body, creating it if absent.
func (d *document) object(key string) map[string]any {
	if m, ok := d.body[key].(map[string]any); ok {
		return m
	}
	m := map[string]any{}
	d.body[key] = m
	return m
}

// metadata returns the raw metadata object that will be sent.
func (d *document) metadata() map[string]any { return d.object("metadata") }

// Reading the raw side. Each helper reads a nil map as empty.

// rawString returns the string at key of m, or "" when there is none.
func rawString(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// rawNumber renders the number at key as read ("" when absent).
func rawNumber(m map[string]any, key string) string {
	switch n := m[key].(type) {
	case json.Number:
		return n.String()
	case int, int64, float64:
		return fmt.Sprint(n)
	}
	return ""
}

// rawInt returns the integer at key of m; false when there is none.
func rawInt(m map[string]any, key string) (int, bool) {
	n, err := strconv.Atoi(rawNumber(m, key))
	return n, err == nil
}

// rawChild returns the object at key of m, or nil when there is none (reading
// a nil map is safe); unlike rawObject it changes nothing.
func rawChild(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

// rawReferenceUUID returns the uuid of the reference at key of m.
func rawReferenceUUID(m map[string]any, key string) string {
	ref, _ := m[key].(map[string]any)
	return rawString(ref, "uuid")
}

// rawObject returns the object at key of m, replacing anything else there
// with a new empty object.
func rawObject(m map[string]any, key string) map[string]any {
	if o, ok := m[key].(map[string]any); ok {
		return o
	}
	o := map[string]any{}
	m[key] = o
	return o
}

// rawObjects returns the objects of a raw list; items that are not objects
// come back as empty maps, which match nothing.
func rawObjects(v any) []map[string]any {
	l, _ := v.([]any)
	out := make([]map[string]any, len(l))
	for i, item := range l {
		out[i], _ = item.(map[string]any)
		if out[i] == nil {
			out[i] = map[string]any{}
		}
	}
	return out
}

// Writing the raw side. Each helper writes only what it must, so that a
// value already as wanted is sent back exactly as read.

// putString sets key to v, or removes it when v is "" (an empty string the
// server holds is left as it is).
func putString(m map[string]any, key, v string) {
	if v != "" {
		m[key] = v
		return
	}
	if cur, ok := m[key].(string); ok && cur == "" {
		return
	}
	delete(m, key)
}

// putStrings sets key to the list, or removes it when the list is empty.
func putStrings(m map[string]any, key string, v []string) {
	if len(v) == 0 {
		delete(m, key)
		return
	}
	m[key] = slices.Clone(v)
}

// putBool sets key to true, or removes it for false (a false the server
// holds is left as it is).
func putBool(m map[string]any, key string, v bool) {
	if v {
		m[key] = true
		return
	}
	if cur, ok := m[key].(bool); ok && !cur {
		return
	}
	delete(m, key)
}

// putObjects sets key to the list; an empty list is sent as [] when the
// entity had items there and left out when it had none.
func putObjects(m map[string]any, key string, items []any) {
	if len(items) == 0 {
		if cur, ok := m[key].([]any); !ok || len(cur) == 0 {
			return
		}
	}
	m[key] = items
}

// putReference points the reference at key to uuid, keeping the reference
// as read (its name included) when it already does.
func putReference(m map[string]any, key, kind, uuid string) {
	if rawReferenceUUID(m, key) == uuid {
		return
	}
	m[key] = map[string]any{"kind": kind, "uuid": uuid}
}

// Matching the items of a raw list with the items of a typed one, so that
// an item that stays keeps what the client does not model.

// takeObject returns the first object of old not used yet that match
// accepts, marking it used; nil when none does.
func takeObject(old []map[string]any, used []bool, match func(map[string]any) bool) map[string]any {
	for i, o := range old {
		if !used[i] && match(o) {
			used[i] = true
			return o
		}
	}
	return nil
}

// matchItems pairs each new item with at most one old item: for each level
// of keys (most specific first), a new item takes the first unused old
// item with the same key at that level; with positional set, a new item
// still unmatched then takes the old item at its own position if unused.
// It returns, for each new item, the old index or -1.
func matchItems(oldKeys, newKeys [][]string, positional bool) []int {
	match := make([]int, len(newKeys))
	for i := range match {
		match[i] = -1
	}
	used := make([]bool, len(oldKeys))
	levels := 0
	for _, k := range newKeys {
		levels = max(levels, len(k))
	}
	for level := range levels {
		for i, nk := range newKeys {
			if match[i] >= 0 || level >= len(nk) {
				continue
			}
			for j, ok := range oldKeys {
				if !used[j] && level < len(ok) && ok[level] == nk[level] {
					match[i], used[j] = j, true
					break
				}
			}
		}
	}
	if positional {
		for i := range newKeys {
			if match[i] < 0 && i < len(oldKeys) && !used[i] {
				match[i], used[i] = i, true
			}
		}
	}
	return match
}

// mergeItems makes the raw list for items out of old, the list as read:
// each item starts from the object of old it matches (matchItems over the
// keys rawKey gives an object as read and key an item, most specific
// first) or from a new object, and write fills it in. It returns the list
// and, for each item, the index in old it took or -1.
func mergeItems[V any](old []map[string]any, items []V, positional bool,
	rawKey func(map[string]any) []string, key func(*V) []string, write func(item map[string]any, v *V),
) ([]any, []int) {
	oldKeys := make([][]string, len(old))
	for j, o := range old {
		oldKeys[j] = rawKey(o)
	}
	newKeys := make([][]string, len(items))
	for i := range items {
		newKeys[i] = key(&items[i])
	}
	match := matchItems(oldKeys, newKeys, positional)
	return writeMatched(old, items, match, write), match
}

// writeMatched makes the raw list for items: item i starts from
// old[match[i]], or from a new object when match[i] is -1, and write fills
// it in.
func writeMatched[V any](old []map[string]any, items []V, match []int, write func(item map[string]any, v *V)) []any {
	list := make([]any, len(items))
	for i := range items {
		item := map[string]any{}
		if j := match[i]; j >= 0 {
			item = old[j]
		}
		write(item, &items[i])
		list[i] = item
	}
	return list
}

// putItems writes the list at key of parent with mergeItems, from the list
// as read there; nil items remove it.
func putItems[V any](parent map[string]any, key string, items []V, positional bool,
	rawKey func(map[string]any) []string, itemKey func(*V) []string, write func(item map[string]any, v *V),
) {
	if items == nil {
		delete(parent, key)
		return
	}
	parent[key], _ = mergeItems(rawObjects(parent[key]), items, positional, rawKey, itemKey, write)
}

// takeItems makes the raw list for items out of old, the list as read: each
// item is the first object of old not taken yet that same accepts (kept as
// read), or else fresh's new object.
func takeItems[V any](old []map[string]any, items []V, same func(o map[string]any, v V) bool, fresh func(v V) map[string]any) []any {
	used := make([]bool, len(old))
	out := make([]any, 0, len(items))
	for _, v := range items {
		item := takeObject(old, used, func(o map[string]any) bool { return same(o, v) })
		if item == nil {
			item = fresh(v)
		}
		out = append(out, item)
	}
	return out
}
