package v4

import (
	"fmt"
	"slices"
	"strings"
)

// OData lambda operators on collection fields (OData 4.01 URL conventions, 5.1.1.13):
// `collection/any(v:v/field eq 'x')` holds when some item of the collection satisfies the
// inner expression, `collection/all(...)` when every item does. Clients filter recovery
// points by VM this way: vmRecoveryPoints/any(a:a/vmExtId eq '<vm extId>'). A list allows
// the collection by naming it in its fields, and the inner fields as "collection/field".

// lambda parses a lambda at the current token; ok is false when there is none.
func (p *filterParser) lambda() (predicate, bool, error) {
	t := p.peek()
	if t.kind != "ident" || p.pos+1 >= len(p.toks) || p.toks[p.pos+1].text != "(" {
		return nil, false, nil
	}
	i := strings.LastIndex(t.text, "/")
	if i < 0 {
		return nil, false, nil
	}
	coll, op := t.text[:i], strings.ToLower(t.text[i+1:])
	if op != "any" && op != "all" {
		return nil, false, nil
	}
	if !slices.Contains(p.fields, coll) {
		return nil, true, fmt.Errorf("field %q cannot be filtered on (allowed: %s)", coll, strings.Join(p.fields, ", "))
	}
	p.pos += 2
	v := p.next()
	if v.kind != "ident" || strings.Contains(v.text, "/") {
		return nil, true, fmt.Errorf("%s/%s: expected a lambda variable, got %q", coll, op, v.text)
	}
	if err := p.expect(":"); err != nil {
		return nil, true, fmt.Errorf("%s/%s: %w", coll, op, err)
	}
	// Inside, v/field names a field of an item: strip the variable up to the matching ")".
	depth := 1
	for j := p.pos; j < len(p.toks) && depth > 0; j++ {
		switch tok := &p.toks[j]; {
		case tok.kind == "punct" && tok.text == "(":
			depth++
		case tok.kind == "punct" && tok.text == ")":
			depth--
		case tok.kind == "ident":
			if rest, ok := strings.CutPrefix(tok.text, v.text+"/"); ok {
				tok.text = rest
			}
		}
	}
	var inner []string
	for _, f := range p.fields {
		if rest, ok := strings.CutPrefix(f, coll+"/"); ok {
			inner = append(inner, rest)
		}
	}
	outer := p.fields
	p.fields = inner
	pred, err := p.or()
	p.fields = outer
	if err == nil {
		err = p.expect(")")
	}
	if err != nil {
		return nil, true, fmt.Errorf("%s/%s: %w", coll, op, err)
	}
	return func(m map[string]any) bool {
		items := collectionItems(lookup(m, coll))
		for _, it := range items {
			if pred(it) != (op == "all") {
				return op == "any"
			}
		}
		return op == "all"
	}, true, nil
}

// collectionItems returns the objects of a collection value.
func collectionItems(v any) []map[string]any {
	switch c := v.(type) {
	case []map[string]any:
		return c
	case []any:
		out := make([]map[string]any, 0, len(c))
		for _, it := range c {
			if m, ok := it.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}
