package apispec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// rawSchema is a Swagger 2.0 schema object as written in the document.
type rawSchema struct {
	Ref                  string                `json:"$ref"`
	Type                 string                `json:"type"`
	Format               string                `json:"format"`
	Properties           map[string]*rawSchema `json:"properties"`
	Required             []string              `json:"required"`
	AdditionalProperties json.RawMessage       `json:"additionalProperties"`
	Items                *rawSchema            `json:"items"`
	AllOf                []*rawSchema          `json:"allOf"`
	Enum                 []json.RawMessage     `json:"enum"`
	NtnxEnum             []json.RawMessage     `json:"x-ntnx-enum"`
	MinLength            *int                  `json:"minLength"`
	MaxLength            *int                  `json:"maxLength"`
	Minimum              *json.Number          `json:"minimum"`
	Maximum              *json.Number          `json:"maximum"`
	ExclusiveMinimum     bool                  `json:"exclusiveMinimum"`
	ExclusiveMaximum     bool                  `json:"exclusiveMaximum"`
	Pattern              string                `json:"pattern"`
	MinItems             *int                  `json:"minItems"`
	MaxItems             *int                  `json:"maxItems"`
	Nullable             bool                  `json:"x-nullable"`
}

// schema is a compiled schema. It is immutable once the spec is loaded, so validations may run
// concurrently.
type schema struct {
	// loc is the schema's JSON pointer in the document, used in notes.
	loc string

	// ref names the definition this schema refers to; target is resolved after every
	// definition is compiled, so recursive definitions need no special case here.
	ref    string
	target *schema

	typ              string
	format           string
	nullable         bool
	properties       map[string]*schema
	required         []string
	additional       *schema
	noAdditional     bool
	items            *schema
	allOf            []*schema
	enum             []any
	minLength        *int
	maxLength        *int
	minimum          *big.Rat
	maximum          *big.Rat
	exclusiveMinimum bool
	exclusiveMaximum bool
	pattern          *regexp.Regexp
	patternSrc       string
	minItems         *int
	maxItems         *int
}

// compiler turns raw schemas into compiled ones and collects what it could not honor.
type compiler struct {
	refs  []*schema
	notes []string
}

func (c *compiler) note(format string, args ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

// compile compiles r found at loc; nil compiles to nil (no constraint).
func (c *compiler) compile(r *rawSchema, loc string) *schema {
	if r == nil {
		return nil
	}
	s := &schema{loc: loc}
	if r.Ref != "" {
		// Siblings of $ref are ignored, as Swagger 2.0 says.
		s.ref = r.Ref
		c.refs = append(c.refs, s)
		return s
	}
	s.typ = r.Type
	s.format = r.Format
	s.nullable = r.Nullable
	s.required = r.Required
	s.minLength, s.maxLength = r.MinLength, r.MaxLength
	s.minItems, s.maxItems = r.MinItems, r.MaxItems
	s.exclusiveMinimum, s.exclusiveMaximum = r.ExclusiveMinimum, r.ExclusiveMaximum
	if r.Minimum != nil {
		s.minimum = c.rat(*r.Minimum, loc+"/minimum")
	}
	if r.Maximum != nil {
		s.maximum = c.rat(*r.Maximum, loc+"/maximum")
	}
	if r.Pattern != "" {
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			c.note("%s/pattern %q skipped: %v", loc, r.Pattern, err)
		} else {
			s.pattern, s.patternSrc = re, r.Pattern
		}
	}
	for _, raw := range [][]json.RawMessage{r.Enum, r.NtnxEnum} {
		for i, v := range raw {
			val, err := decodeJSON(v)
			if err != nil {
				c.note("%s enum value %d skipped: %v", loc, i, err)
				continue
			}
			s.enum = append(s.enum, val)
		}
	}
	if len(r.Properties) > 0 {
		s.properties = make(map[string]*schema, len(r.Properties))
		for name, p := range r.Properties {
			s.properties[name] = c.compile(p, loc+"/properties/"+pointerEscape(name))
		}
	}
	if len(r.AdditionalProperties) > 0 {
		ap := bytes.TrimSpace(r.AdditionalProperties)
		switch {
		case bytes.Equal(ap, []byte("false")):
			s.noAdditional = true
		case bytes.Equal(ap, []byte("true")):
		default:
			var sub rawSchema
			if err := json.Unmarshal(ap, &sub); err != nil {
				c.note("%s/additionalProperties skipped: %v", loc, err)
			} else {
				s.additional = c.compile(&sub, loc+"/additionalProperties")
			}
		}
	}
	s.items = c.compile(r.Items, loc+"/items")
	for i, sub := range r.AllOf {
		s.allOf = append(s.allOf, c.compile(sub, fmt.Sprintf("%s/allOf/%d", loc, i)))
	}
	if s.typ == "" {
		// The v3 document leaves the type out on maps and on a few objects.
		switch {
		case s.properties != nil || s.additional != nil || s.noAdditional || len(r.AdditionalProperties) > 0:
			s.typ = "object"
		case s.items != nil:
			s.typ = "array"
		}
	}
	return s
}

func (c *compiler) rat(n json.Number, loc string) *big.Rat {
	r, ok := new(big.Rat).SetString(n.String())
	if !ok {
		c.note("%s %q skipped: not a number", loc, n)
		return nil
	}
	return r
}

// resolve points every $ref at its compiled definition.
func (c *compiler) resolve(defs map[string]*schema) {
	const prefix = "#/definitions/"
	for _, s := range c.refs {
		name, ok := strings.CutPrefix(s.ref, prefix)
		if ok {
			s.target = defs[unescapePointer(name)]
		}
		if s.target == nil {
			c.note("%s: $ref %q does not resolve; not validated", s.loc, s.ref)
		}
	}
	c.refs = nil
}

func unescapePointer(token string) string {
	if !strings.Contains(token, "~") {
		return token
	}
	return strings.ReplaceAll(strings.ReplaceAll(token, "~1", "/"), "~0", "~")
}

// decodeJSON decodes one JSON value keeping numbers exact, refusing trailing data.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	end := dec.InputOffset()
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid JSON: data after the first value at offset %d", end)
	}
	return v, nil
}

// validator walks a decoded value and a schema together, collecting problems.
type validator struct {
	problems []Problem
}

func (v *validator) addf(ptr, format string, args ...any) {
	v.problems = append(v.problems, Problem{Pointer: ptr, Message: fmt.Sprintf(format, args...)})
}

// validate checks val at ptr against s. seen holds the $refs followed at this location without
// descending into the value: meeting one again means the definitions form a cycle that consumes
// no data, which would never end.
func (v *validator) validate(s *schema, val any, ptr string, seen []*schema) {
	for s != nil && s.ref != "" {
		if s.target == nil {
			return // Unresolvable; listed by Spec.Notes.
		}
		for _, r := range seen {
			if r == s.target {
				v.addf(ptr, "schema cycle through %s without data; not validated", s.ref)
				return
			}
		}
		seen = append(seen, s.target)
		s = s.target
	}
	if s == nil {
		return
	}
	for _, sub := range s.allOf {
		v.validate(sub, val, ptr, seen)
	}
	if val == nil {
		if s.typ != "" && !s.nullable {
			v.addf(ptr, "expected %s, got null", s.typ)
		}
		return
	}
	got := jsonType(val)
	if !typeMatches(s.typ, val) {
		v.addf(ptr, "expected %s, got %s", s.typ, got)
		return
	}
	if len(s.enum) > 0 && !inEnum(s.enum, val) {
		v.addf(ptr, "%s is not one of %s", short(val), enumList(s.enum))
	}
	switch x := val.(type) {
	case map[string]any:
		v.object(s, x, ptr)
	case []any:
		v.array(s, x, ptr)
	case string:
		v.str(s, x, ptr)
	case json.Number:
		v.number(s, x, ptr)
	}
}

func (v *validator) object(s *schema, obj map[string]any, ptr string) {
	for _, name := range s.required {
		if _, ok := obj[name]; !ok {
			v.addf(ptr, "missing required property %q", name)
		}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		child := ptr + "/" + pointerEscape(k)
		if p, ok := s.properties[k]; ok {
			v.validate(p, obj[k], child, nil)
			continue
		}
		switch {
		case s.noAdditional:
			v.addf(child, "property %q is not allowed (additionalProperties is false)", k)
		case s.additional != nil:
			v.validate(s.additional, obj[k], child, nil)
		}
	}
}

func (v *validator) array(s *schema, arr []any, ptr string) {
	if s.minItems != nil && len(arr) < *s.minItems {
		v.addf(ptr, "%d items, fewer than minItems %d", len(arr), *s.minItems)
	}
	if s.maxItems != nil && len(arr) > *s.maxItems {
		v.addf(ptr, "%d items, more than maxItems %d", len(arr), *s.maxItems)
	}
	if s.items == nil {
		return
	}
	for i, item := range arr {
		v.validate(s.items, item, fmt.Sprintf("%s/%d", ptr, i), nil)
	}
}

func (v *validator) str(s *schema, str, ptr string) {
	if s.minLength != nil || s.maxLength != nil {
		n := utf8.RuneCountInString(str)
		if s.minLength != nil && n < *s.minLength {
			v.addf(ptr, "length %d is less than minLength %d", n, *s.minLength)
		}
		if s.maxLength != nil && n > *s.maxLength {
			v.addf(ptr, "length %d exceeds maxLength %d", n, *s.maxLength)
		}
	}
	if s.pattern != nil && !s.pattern.MatchString(str) {
		v.addf(ptr, "%s does not match pattern %s", short(str), s.patternSrc)
	}
}

func (v *validator) number(s *schema, n json.Number, ptr string) {
	if s.minimum == nil && s.maximum == nil && integerRanges[s.format] == nil {
		return
	}
	r, ok := new(big.Rat).SetString(n.String())
	if !ok {
		v.addf(ptr, "%s is not a number", n)
		return
	}
	if s.minimum != nil {
		c := r.Cmp(s.minimum)
		if c < 0 || (c == 0 && s.exclusiveMinimum) {
			v.addf(ptr, "%s is less than minimum %s%s", n, s.minimum.RatString(), exclusive(s.exclusiveMinimum))
		}
	}
	if s.maximum != nil {
		c := r.Cmp(s.maximum)
		if c > 0 || (c == 0 && s.exclusiveMaximum) {
			v.addf(ptr, "%s is greater than maximum %s%s", n, s.maximum.RatString(), exclusive(s.exclusiveMaximum))
		}
	}
	if rng := integerRanges[s.format]; rng != nil && s.typ == "integer" {
		i := r.Num() // An integer by now: typeMatches checked it.
		if i.Cmp(rng[0]) < 0 || i.Cmp(rng[1]) > 0 {
			v.addf(ptr, "%s is out of range for format %s", n, s.format)
		}
	}
}

func exclusive(b bool) string {
	if b {
		return " (exclusive)"
	}
	return ""
}

// integerRanges holds the inclusive bounds of the integer formats the document uses.
var integerRanges = func() map[string]*[2]*big.Int {
	m := map[string]*[2]*big.Int{}
	for _, bits := range []uint{8, 16, 32, 64} {
		one := big.NewInt(1)
		half := new(big.Int).Lsh(one, bits-1)
		full := new(big.Int).Lsh(one, bits)
		m[fmt.Sprintf("int%d", bits)] = &[2]*big.Int{new(big.Int).Neg(half), new(big.Int).Sub(half, one)}
		m[fmt.Sprintf("uint%d", bits)] = &[2]*big.Int{big.NewInt(0), new(big.Int).Sub(full, one)}
	}
	return m
}()

// jsonType names the JSON type of a decoded value; numbers written as integers are "integer".
func jsonType(val any) string {
	switch x := val.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if isInteger(x) {
			return "integer"
		}
		return "number"
	default:
		return fmt.Sprintf("%T", val)
	}
}

func typeMatches(typ string, val any) bool {
	switch typ {
	case "":
		return true
	case "number":
		_, ok := val.(json.Number)
		return ok
	case "integer":
		n, ok := val.(json.Number)
		return ok && isInteger(n)
	default:
		t := jsonType(val)
		return t == typ
	}
}

// isInteger reports whether n is written as an integer: no fraction and no exponent.
func isInteger(n json.Number) bool {
	return !strings.ContainsAny(string(n), ".eE")
}

func inEnum(enum []any, val any) bool {
	for _, e := range enum {
		if jsonEqual(e, val) {
			return true
		}
	}
	return false
}

// jsonEqual compares two decoded JSON values, numbers by value.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		rx, okx := new(big.Rat).SetString(x.String())
		ry, oky := new(big.Rat).SetString(y.String())
		return okx && oky && rx.Cmp(ry) == 0
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

// short renders a value for a message, cut to a readable length.
func short(val any) string {
	b, err := json.Marshal(val)
	if err != nil {
		return fmt.Sprint(val)
	}
	const limit = 80
	if len(b) > limit {
		return string(b[:limit]) + "..."
	}
	return string(b)
}

func enumList(enum []any) string {
	const limit = 12
	parts := make([]string, 0, limit+1)
	for i, e := range enum {
		if i == limit {
			parts = append(parts, fmt.Sprintf("... (%d values)", len(enum)))
			break
		}
		parts = append(parts, short(e))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
