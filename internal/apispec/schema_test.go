package apispec

import (
	"errors"
	"strings"
	"testing"
)

// schemaDoc is a small swagger document exercising every supported keyword; POST /check takes
// and returns a "thing".
const schemaDoc = `{
  "swagger": "2.0",
  "basePath": "/api/test/v1",
  "paths": {
    "/check": {"post": {
      "parameters": [{"in": "body", "name": "body", "required": true, "schema": {"$ref": "#/definitions/thing"}}],
      "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/thing"}}}
    }}
  },
  "definitions": {
    "thing": {
      "type": "object",
      "required": ["name"],
      "properties": {
        "name":     {"type": "string", "minLength": 2, "maxLength": 5},
        "count":    {"type": "integer", "format": "int32", "minimum": 0, "maximum": 10},
        "big":      {"type": "integer", "format": "int64"},
        "small":    {"type": "integer", "format": "uint8"},
        "ratio":    {"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": true},
        "flag":     {"type": "boolean"},
        "state":    {"type": "string", "x-ntnx-enum": ["ON", "OFF"]},
        "level":    {"type": "integer", "enum": [1, 2, 3]},
        "uuid":     {"type": "string", "pattern": "^[a-f0-9]{4}$"},
        "broken":   {"type": "string", "pattern": "^(?!x)"},
        "maybe":    {"type": "string", "x-nullable": true},
        "tags":     {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string"}},
        "labels":   {"type": "object", "additionalProperties": {"type": "string"}},
        "strict":   {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "string"}}},
        "map":      {"additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "anything": {},
        "node":     {"$ref": "#/definitions/tree", "description": "siblings of $ref are ignored", "type": "string"},
        "both":     {"allOf": [{"$ref": "#/definitions/has_a"}, {"type": "object", "required": ["b"]}]},
        "loop":     {"$ref": "#/definitions/loop_a"},
        "missing":  {"$ref": "#/definitions/nowhere"}
      }
    },
    "tree": {"type": "object", "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/definitions/tree"}}}},
    "has_a": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
    "loop_a": {"$ref": "#/definitions/loop_b"},
    "loop_b": {"allOf": [{"$ref": "#/definitions/loop_a"}]}
  }
}`

func mustParse(t *testing.T, doc string) *Spec {
	t.Helper()
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

// problems validates body as the request of POST /check and returns the problems as strings.
func problems(t *testing.T, s *Spec, body string) []string {
	t.Helper()
	err := s.ValidateRequest("POST", "/api/test/v1/check", []byte(body))
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %T: %v", err, err)
	}
	out := make([]string, 0, len(ve.Problems))
	for _, p := range ve.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestSchemaKeywords(t *testing.T) {
	t.Parallel()
	s := mustParse(t, schemaDoc)
	tests := []struct {
		name string
		body string
		want []string // Exact problems, in order; nil means valid.
	}{
		{"minimal valid", `{"name":"ab"}`, nil},
		{"everything valid", `{"name":"abcde","count":10,"big":9223372036854775807,"small":255,"ratio":0.5,"flag":true,
			"state":"OFF","level":2,"uuid":"0a1b","maybe":null,"tags":["x"],"labels":{"k":"v"},"strict":{"a":"b"},
			"map":{"k":["v"]},"anything":null,"extra":{"unknown":"allowed"},
			"node":{"value":1,"children":[{"value":2,"children":[]}]},"both":{"a":"x","b":1}}`, nil},
		{"missing required", `{}`, []string{`(root): missing required property "name"`}},
		{"root type", `[]`, []string{`(root): expected object, got array`}},
		{"string type", `{"name":5}`, []string{`/name: expected string, got integer`}},
		{"min length counts runes", `{"name":"é"}`, []string{`/name: length 1 is less than minLength 2`}},
		{"max length", `{"name":"abcdef"}`, []string{`/name: length 6 exceeds maxLength 5`}},
		{"runes within max length", `{"name":"ééééé"}`, nil},
		{"integer written as decimal", `{"name":"ab","count":1.0}`, []string{`/count: expected integer, got number`}},
		{"integer written with exponent", `{"name":"ab","count":1e1}`, []string{`/count: expected integer, got number`}},
		{"integer from string", `{"name":"ab","count":"1"}`, []string{`/count: expected integer, got string`}},
		{"minimum", `{"name":"ab","count":-1}`, []string{`/count: -1 is less than minimum 0`}},
		{"maximum", `{"name":"ab","count":11}`, []string{`/count: 11 is greater than maximum 10`}},
		{"exclusive maximum", `{"name":"ab","ratio":1}`, []string{`/ratio: 1 is greater than maximum 1 (exclusive)`}},
		{"number accepts integer", `{"name":"ab","ratio":0}`, nil},
		{"int64 overflow", `{"name":"ab","big":9223372036854775808}`, []string{`/big: 9223372036854775808 is out of range for format int64`}},
		{"uint8 overflow", `{"name":"ab","small":256}`, []string{`/small: 256 is out of range for format uint8`}},
		{"boolean", `{"name":"ab","flag":"true"}`, []string{`/flag: expected boolean, got string`}},
		{"ntnx enum", `{"name":"ab","state":"on"}`, []string{`/state: "on" is not one of ["ON", "OFF"]`}},
		{"numeric enum compares values", `{"name":"ab","level":4}`, []string{`/level: 4 is not one of [1, 2, 3]`}},
		{"pattern", `{"name":"ab","uuid":"0A1Z"}`, []string{`/uuid: "0A1Z" does not match pattern ^[a-f0-9]{4}$`}},
		{"uncompilable pattern skipped", `{"name":"ab","broken":"xyz"}`, nil},
		{"null refused", `{"name":null}`, []string{`/name: expected string, got null`}},
		{"null refused for untyped map", `{"name":"ab","map":null}`, []string{`/map: expected object, got null`}},
		{"min items", `{"name":"ab","tags":[]}`, []string{`/tags: 0 items, fewer than minItems 1`}},
		{"max items and item type", `{"name":"ab","tags":["a",1,"c"]}`, []string{`/tags: 3 items, more than maxItems 2`, `/tags/1: expected string, got integer`}},
		{"additional properties schema", `{"name":"ab","labels":{"a/b":1}}`, []string{`/labels/a~1b: expected string, got integer`}},
		{"additional properties false", `{"name":"ab","strict":{"a":"x","b":"y"}}`, []string{`/strict/b: property "b" is not allowed (additionalProperties is false)`}},
		{"untyped map values", `{"name":"ab","map":{"k":"v"}}`, []string{`/map/k: expected array, got string`}},
		{"recursive definition", `{"name":"ab","node":{"children":[{"children":[{"value":"deep"}]}]}}`, []string{`/node/children/0/children/0/value: expected integer, got string`}},
		{"ref siblings ignored", `{"name":"ab","node":"a string"}`, []string{`/node: expected object, got string`}},
		{"all of", `{"name":"ab","both":{}}`, []string{`/both: missing required property "a"`, `/both: missing required property "b"`}},
		{"cycle without data", `{"name":"ab","loop":{}}`, []string{`/loop: schema cycle through #/definitions/loop_a without data; not validated`}},
		{"unresolved ref accepts", `{"name":"ab","missing":[1]}`, nil},
		{"every problem listed", `{"name":1,"count":"x","state":"NO","tags":[2]}`, []string{
			`/count: expected integer, got string`,
			`/name: expected string, got integer`,
			`/state: "NO" is not one of ["ON", "OFF"]`,
			`/tags/0: expected string, got integer`,
		}},
		{"not JSON", `{"name":`, []string{`(root): body is not JSON (invalid JSON: unexpected EOF): "{\"name\":"`}},
		{"trailing data", `{"name":"ab"} {}`, []string{`(root): body is not JSON (invalid JSON: data after the first value at offset 13): "{\"name\":\"ab\"} {}"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := problems(t, s, tc.body)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n got: %q\nwant: %q", got, tc.want)
			}
		})
	}
}

func TestNotesListSkippedConstraints(t *testing.T) {
	t.Parallel()
	s := mustParse(t, schemaDoc)
	notes := strings.Join(s.Notes(), "\n")
	for _, want := range []string{
		`#/definitions/thing/properties/broken/pattern "^(?!x)" skipped`,
		`#/definitions/thing/properties/missing: $ref "#/definitions/nowhere" does not resolve`,
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

func TestPointerEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"plain": "plain", "a/b": "a~1b", "a~b": "a~0b", "~/": "~0~1"} {
		if got := pointerEscape(in); got != want {
			t.Errorf("pointerEscape(%q) = %q, want %q", in, got, want)
		}
		if got := unescapePointer(pointerEscape(in)); got != in {
			t.Errorf("round trip of %q gave %q", in, got)
		}
	}
}
