package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// DecodeStrict decodes JSON into v keeping numbers exact, reporting a type mismatch with
// the field's name ("field spec.name: expected string, got JSON number").
func DecodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return fmt.Errorf("field %s: expected %s, got JSON %s", typeErr.Field, JSONTypeName(typeErr.Type), typeErr.Value)
		}
		return err
	}
	return nil
}

// JSONTypeName names the JSON a Go type decodes: object for a struct or a map, array for
// a slice or an array, else the Go name (string, int64, bool...). Messages name a type so,
// never by the Go package that declares it.
func JSONTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	default:
		return t.String()
	}
}

// Dedupe returns values without repetitions, in their first order (never nil).
func Dedupe(values []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
