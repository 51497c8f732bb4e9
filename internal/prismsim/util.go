package prismsim

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// The UUID helpers are the model's (model/uuid.go).
var (
	isUUID   = model.IsUUID
	normUUID = model.NormUUID
	newUUID  = model.NewUUID
)

// contains reports whether list has s.
var contains = slices.Contains[[]string, string]

// decodeStrictTypes decodes JSON into v, reporting type mismatches with the field's name.
var decodeStrictTypes = model.DecodeStrict

// dedupe returns values without repetitions.
var dedupe = model.Dedupe

// formatTime formats a time as the v3 API does (RFC 3339, UTC): the kinds' statuses show
// times so.
var formatTime = v3.FormatTime

// newMAC returns a random MAC address in the range AHV uses (50:6b:8d).
func newMAC() string {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("prismsim: reading random bytes: %v", err))
	}
	return fmt.Sprintf("50:6b:8d:%02x:%02x:%02x", b[0], b[1], b[2])
}

func cloneMapping(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = append([]string{}, v...)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// decodeObject decodes a JSON object keeping numbers exact; it returns an empty map when
// data is not an object.
func decodeObject(data []byte) map[string]any {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil || m == nil {
		return map[string]any{}
	}
	return m
}

// setField returns the JSON object data with one top-level field set.
func setField(data json.RawMessage, key string, value any) json.RawMessage {
	m := decodeObject(data)
	m[key] = value
	out, err := json.Marshal(m)
	if err != nil {
		return data
	}
	return out
}

// secretFields are the JSON fields whose values never leave the emulator: recorded
// request bodies show them as "****".
var secretFields = map[string]bool{"password": true}

// redactSecrets returns body with the values of secret fields replaced, at any depth. A
// body without such a field is returned as it is; one that mentions a secret field but is
// not JSON is withheld.
func redactSecrets(body []byte) []byte {
	if !bytes.Contains(body, []byte(`"password"`)) {
		return body
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return []byte("(withheld: not JSON, and it mentions a password)")
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if _, isString := val.(string); isString && secretFields[k] {
					x[k] = "****"
					continue
				}
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}
