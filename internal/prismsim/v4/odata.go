package v4

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// OData $filter and $orderby over entity renderings (OData 4.01 URL conventions, as the
// SDKs' list requests describe them): comparisons `field eq|ne literal`, the functions
// startswith, endswith and contains on strings, joined by and, or, not and parentheses.
// Literals are 'strings' (quotes doubled inside), true, false, null and numbers. Fields are
// the rendering's names, dotted for nested objects; each list names the ones it takes.

type token struct {
	kind string // ident, string, number, punct
	text string
}

func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')' || c == ',' || c == ':':
			out = append(out, token{"punct", string(c)})
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for ; ; j++ {
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated string literal at %d", i)
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				b.WriteByte(s[j])
			}
			out = append(out, token{"string", b.String()})
			i = j + 1
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(s) && strings.ContainsRune("0123456789.eE+-", rune(s[j])) {
				j++
			}
			out = append(out, token{"number", s[i:j]})
			i = j
		case isIdent(c):
			j := i
			for j < len(s) && (isIdent(s[j]) || (s[j] >= '0' && s[j] <= '9') || s[j] == '.' || s[j] == '/') {
				j++
			}
			out = append(out, token{"ident", s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q at %d", c, i)
		}
	}
	return out, nil
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

type predicate func(map[string]any) bool

type filterParser struct {
	toks   []token
	pos    int
	fields []string
}

func (p *filterParser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{}
}

func (p *filterParser) next() token { t := p.peek(); p.pos++; return t }

func (p *filterParser) keyword(w string) bool {
	if t := p.peek(); t.kind == "ident" && strings.EqualFold(t.text, w) {
		p.pos++
		return true
	}
	return false
}

func (p *filterParser) expect(punct string) error {
	if t := p.next(); t.kind != "punct" || t.text != punct {
		return fmt.Errorf("expected %q, got %q", punct, t.text)
	}
	return nil
}

func (p *filterParser) or() (predicate, error) {
	left, err := p.and()
	for err == nil && p.keyword("or") {
		var right predicate
		if right, err = p.and(); err == nil {
			l := left
			left = func(m map[string]any) bool { return l(m) || right(m) }
		}
	}
	return left, err
}

func (p *filterParser) and() (predicate, error) {
	left, err := p.unary()
	for err == nil && p.keyword("and") {
		var right predicate
		if right, err = p.unary(); err == nil {
			l := left
			left = func(m map[string]any) bool { return l(m) && right(m) }
		}
	}
	return left, err
}

func (p *filterParser) field() (string, error) {
	t := p.next()
	if t.kind != "ident" {
		return "", fmt.Errorf("expected a field name, got %q", t.text)
	}
	if !slices.Contains(p.fields, t.text) {
		return "", fmt.Errorf("field %q cannot be filtered or sorted on (allowed: %s)", t.text, strings.Join(p.fields, ", "))
	}
	return t.text, nil
}

func (p *filterParser) literal() (any, error) {
	t := p.next()
	switch {
	case t.kind == "string":
		return t.text, nil
	case t.kind == "number":
		return numberLit(t.text), nil
	case t.kind == "ident" && (t.text == "true" || t.text == "false"):
		return t.text == "true", nil
	case t.kind == "ident" && t.text == "null":
		return nil, nil
	}
	return nil, fmt.Errorf("expected a literal ('text', a number, true, false or null), got %q", t.text)
}

var stringFuncs = map[string]func(s, sub string) bool{
	"startswith": strings.HasPrefix,
	"endswith":   strings.HasSuffix,
	"contains":   strings.Contains,
}

func (p *filterParser) unary() (predicate, error) {
	if p.keyword("not") {
		inner, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(m map[string]any) bool { return !inner(m) }, nil
	}
	if t := p.peek(); t.kind == "punct" && t.text == "(" {
		p.pos++
		inner, err := p.or()
		if err == nil {
			err = p.expect(")")
		}
		return inner, err
	}
	if pred, ok, err := p.lambda(); ok {
		return pred, err
	}
	if t := p.peek(); t.kind == "ident" {
		if fn, ok := stringFuncs[strings.ToLower(t.text)]; ok && p.pos+1 < len(p.toks) && p.toks[p.pos+1].text == "(" {
			p.pos += 2
			f, err := p.field()
			if err == nil {
				err = p.expect(",")
			}
			var lit any
			if err == nil {
				lit, err = p.literal()
			}
			if err == nil {
				err = p.expect(")")
			}
			if err != nil {
				return nil, err
			}
			sub, ok := lit.(string)
			if !ok {
				return nil, fmt.Errorf("%s takes a string literal", t.text)
			}
			return func(m map[string]any) bool {
				s, ok := lookup(m, f).(string)
				return ok && fn(s, sub)
			}, nil
		}
	}
	f, err := p.field()
	if err != nil {
		return nil, err
	}
	op := strings.ToLower(p.next().text)
	if op != "eq" && op != "ne" {
		return nil, fmt.Errorf("unsupported operator %q after %s (supported: eq, ne, startswith, endswith, contains)", op, f)
	}
	lit, err := p.literal()
	if err != nil {
		return nil, err
	}
	return func(m map[string]any) bool { return equalValue(lookup(m, f), lit) == (op == "eq") }, nil
}

// numberLit is a number literal, compared with a value's decimal form.
type numberLit string

func equalValue(v, lit any) bool {
	switch l := lit.(type) {
	case numberLit:
		return v != nil && fmt.Sprint(v) == string(l)
	case nil:
		return v == nil
	case bool:
		b, ok := v.(bool)
		return ok && b == l
	case string:
		s, ok := v.(string)
		return ok && s == l
	}
	return false
}

// lookup returns the value at a dotted path of a rendering.
func lookup(m map[string]any, path string) any {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[part]
	}
	return cur
}

func parseFilter(f string, fields []string) (predicate, error) {
	if strings.TrimSpace(f) == "" {
		return func(map[string]any) bool { return true }, nil
	}
	toks, err := tokenize(f)
	if err != nil {
		return nil, fmt.Errorf("$filter: %w", err)
	}
	p := &filterParser{toks: toks, fields: fields}
	pred, err := p.or()
	if err == nil && p.pos < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.peek().text)
	}
	if err != nil {
		return nil, fmt.Errorf("$filter %q: %w", f, err)
	}
	return pred, nil
}

type orderKey struct {
	field string
	desc  bool
}

func parseOrderBy(s string, fields []string) ([]orderKey, error) {
	var out []orderKey
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	for _, part := range strings.Split(s, ",") {
		words := strings.Fields(part)
		if len(words) == 0 || len(words) > 2 {
			return nil, fmt.Errorf("$orderby %q: expected field [asc|desc]", s)
		}
		if !slices.Contains(fields, words[0]) {
			return nil, fmt.Errorf("$orderby: field %q cannot be sorted on (allowed: %s)", words[0], strings.Join(fields, ", "))
		}
		k := orderKey{field: words[0]}
		if len(words) == 2 {
			switch strings.ToLower(words[1]) {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, fmt.Errorf("$orderby: %q must be asc or desc", words[1])
			}
		}
		out = append(out, k)
	}
	return out, nil
}

func sortItems(items []map[string]any, keys []orderKey) {
	if len(keys) == 0 {
		return
	}
	sort.SliceStable(items, func(i, j int) bool {
		for _, k := range keys {
			a, b := fmt.Sprint(lookup(items[i], k.field)), fmt.Sprint(lookup(items[j], k.field))
			if a == b {
				continue
			}
			return (a < b) != k.desc
		}
		return false
	})
}

func asModelError(err error, target **model.Error) bool { return errors.As(err, target) }
