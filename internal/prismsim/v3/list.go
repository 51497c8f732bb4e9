package v3

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// List paging limits: Prism Central answers 20 entities by default and at most 500.
const (
	DefaultListLength = 20
	MaxListLength     = 500
)

// ListRequest is the body of POST /<kind>s/list (the spec's <kind>_list_metadata).
type ListRequest struct {
	Kind          string `json:"kind"`
	Length        *int   `json:"length"`
	Offset        *int   `json:"offset"`
	Filter        string `json:"filter"`
	SortAttribute string `json:"sort_attribute"`
	SortOrder     string `json:"sort_order"`
}

// ListMetadata is the metadata of a list answer (the spec's <kind>_list_metadata_output).
// Length is the number of entities returned and is left out when there are none, since
// some kinds' list metadata require length >= 1.
type ListMetadata struct {
	Kind          string `json:"kind"`
	TotalMatches  int    `json:"total_matches"`
	Length        int    `json:"length,omitempty"`
	Offset        int    `json:"offset"`
	Filter        string `json:"filter,omitempty"`
	SortAttribute string `json:"sort_attribute,omitempty"`
	SortOrder     string `json:"sort_order,omitempty"`
}

// ListItem is one candidate entity of a list: the attributes filters and sorting see, and
// how to render it.
type ListItem struct {
	Seq    int64
	Attrs  map[string][]string
	Render func() any
}

// DecodeList decodes and checks a list body for the given kind.
func DecodeList(body []byte, kind string) (ListRequest, *Error) {
	var lr ListRequest
	if err := DecodeBody(body, &lr); err != nil {
		return lr, err
	}
	if lr.Kind != "" && lr.Kind != kind {
		return lr, ValidationError("kind must be %q on this list, got %q", kind, lr.Kind)
	}
	if lr.Length != nil && *lr.Length < 1 {
		return lr, ValidationError("length must be at least 1, got %d", *lr.Length)
	}
	if lr.Offset != nil && *lr.Offset < 0 {
		return lr, ValidationError("offset must not be negative, got %d", *lr.Offset)
	}
	switch lr.SortOrder {
	case "", "ASCENDING", "DESCENDING":
	default:
		return lr, ValidationError("sort_order must be ASCENDING or DESCENDING, got %q", lr.SortOrder)
	}
	return lr, nil
}

// RunList filters, sorts and pages items (given in their default order). The known list
// names the attributes filters and sort_attribute may use.
func RunList(lr ListRequest, kind string, known []string, items []ListItem) (ListMetadata, []any, *Error) {
	meta := ListMetadata{Kind: kind, Filter: lr.Filter, SortAttribute: lr.SortAttribute, SortOrder: lr.SortOrder}
	var filter fiqlExpr
	if strings.TrimSpace(lr.Filter) != "" {
		f, err := parseFIQL(lr.Filter, known)
		if err != nil {
			return meta, nil, InvalidArgument("filter %q: %v", lr.Filter, err)
		}
		filter = f
	}
	matched := make([]ListItem, 0, len(items))
	for _, it := range items {
		if filter == nil || filter.match(it.Attrs) {
			matched = append(matched, it)
		}
	}
	desc := lr.SortOrder == "DESCENDING"
	if lr.SortAttribute != "" {
		if !contains(known, lr.SortAttribute) {
			return meta, nil, InvalidArgument("sort_attribute %q is not supported for kind %s (supported: %s)",
				lr.SortAttribute, kind, strings.Join(known, ", "))
		}
		attr := lr.SortAttribute
		sort.SliceStable(matched, func(i, j int) bool {
			c := compareValues(first(matched[i].Attrs[attr]), first(matched[j].Attrs[attr]))
			if c == 0 {
				return matched[i].Seq < matched[j].Seq
			}
			if desc {
				return c > 0
			}
			return c < 0
		})
	} else if desc {
		for i, j := 0, len(matched)-1; i < j; i, j = i+1, j-1 {
			matched[i], matched[j] = matched[j], matched[i]
		}
	}
	offset, length := 0, DefaultListLength
	if lr.Offset != nil {
		offset = *lr.Offset
	}
	if lr.Length != nil {
		length = min(*lr.Length, MaxListLength)
	}
	meta.TotalMatches = len(matched)
	meta.Offset = offset
	page := []any{}
	for i := offset; i < len(matched) && len(page) < length; i++ {
		page = append(page, matched[i].Render())
	}
	meta.Length = len(page)
	return meta, page, nil
}

// listAnswer runs a list (RunList) and answers its body {api_version, metadata, entities}.
func listAnswer(lr ListRequest, kind string, known []string, items []ListItem) (int, any, error) {
	meta, page, apiErr := RunList(lr, kind, known, items)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	return http.StatusOK, map[string]any{"api_version": APIVersion, "metadata": meta, "entities": page}, nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// compareValues compares numerically when both values are numbers, else as strings.
func compareValues(a, b string) int {
	fa, errA := strconv.ParseFloat(a, 64)
	fb, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		default:
			return 0
		}
	}
	return strings.Compare(a, b)
}

// fiqlExpr is a parsed FIQL filter. Grammar (Prism's subset of FIQL):
//
//	or         = and *( "," and )
//	and        = term *( ";" term )
//	term       = "(" or ")" / comparison
//	comparison = selector op value
//	op         = "==" / "!=" / "=lt=" / "=le=" / "=gt=" / "=ge=" / "=cs="
//
// ";" (AND) binds tighter than "," (OR). Values end at ";", "," or ")" unless quoted; they
// may be percent-encoded. "==" matches a value equal to the argument or fully matching it
// as a regular expression ("vm_name==app-.*"); a multi-valued attribute (a VM's IP
// addresses) matches when any of its values does. "=cs=" is a substring match.
type fiqlExpr interface {
	match(attrs map[string][]string) bool
}

type fiqlOr []fiqlExpr

func (o fiqlOr) match(attrs map[string][]string) bool {
	for _, e := range o {
		if e.match(attrs) {
			return true
		}
	}
	return false
}

type fiqlAnd []fiqlExpr

func (a fiqlAnd) match(attrs map[string][]string) bool {
	for _, e := range a {
		if !e.match(attrs) {
			return false
		}
	}
	return true
}

type fiqlCmp struct {
	attr  string
	op    string
	value string
	re    *regexp.Regexp
}

func (c *fiqlCmp) match(attrs map[string][]string) bool {
	values := attrs[c.attr]
	if c.op == "!=" {
		for _, v := range values {
			if c.equal(v) {
				return false
			}
		}
		return true
	}
	for _, v := range values {
		if c.matchOne(v) {
			return true
		}
	}
	return false
}

func (c *fiqlCmp) equal(v string) bool {
	return v == c.value || (c.re != nil && c.re.MatchString(v))
}

func (c *fiqlCmp) matchOne(v string) bool {
	switch c.op {
	case "==":
		return c.equal(v)
	case "=cs=":
		return strings.Contains(v, c.value)
	case "=lt=":
		return compareValues(v, c.value) < 0
	case "=le=":
		return compareValues(v, c.value) <= 0
	case "=gt=":
		return compareValues(v, c.value) > 0
	case "=ge=":
		return compareValues(v, c.value) >= 0
	}
	return false
}

type fiqlParser struct {
	s     string
	pos   int
	known []string
}

func parseFIQL(s string, known []string) (fiqlExpr, error) {
	p := &fiqlParser{s: s, known: known}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at position %d", p.s[p.pos:], p.pos)
	}
	return e, nil
}

func (p *fiqlParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *fiqlParser) parseOr() (fiqlExpr, error) {
	var terms fiqlOr
	for {
		e, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		terms = append(terms, e)
		if p.peek() != ',' {
			break
		}
		p.pos++
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *fiqlParser) parseAnd() (fiqlExpr, error) {
	var terms fiqlAnd
	for {
		e, err := p.parseTerm()
		if err != nil {
			return nil, err
		}
		terms = append(terms, e)
		if p.peek() != ';' {
			break
		}
		p.pos++
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *fiqlParser) parseTerm() (fiqlExpr, error) {
	for p.peek() == ' ' {
		p.pos++
	}
	if p.peek() == '(' {
		p.pos++
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, fmt.Errorf("missing ) at position %d", p.pos)
		}
		p.pos++
		return e, nil
	}
	return p.parseComparison()
}

func isSelectorByte(b byte) bool {
	return b == '_' || b == '.' || b == '-' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}

func (p *fiqlParser) parseComparison() (fiqlExpr, error) {
	start := p.pos
	for p.pos < len(p.s) && isSelectorByte(p.s[p.pos]) {
		p.pos++
	}
	attr := p.s[start:p.pos]
	if attr == "" {
		return nil, fmt.Errorf("expected an attribute name at position %d", start)
	}
	if !contains(p.known, attr) {
		return nil, fmt.Errorf("unsupported attribute %q (supported: %s)", attr, strings.Join(p.known, ", "))
	}
	op, err := p.parseOperator()
	if err != nil {
		return nil, err
	}
	value, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	c := &fiqlCmp{attr: attr, op: op, value: value}
	if op == "==" || op == "!=" {
		if re, err := regexp.Compile("^(?:" + value + ")$"); err == nil {
			c.re = re
		}
	}
	return c, nil
}

func (p *fiqlParser) parseOperator() (string, error) {
	rest := p.s[p.pos:]
	for _, op := range []string{"==", "!=", "=lt=", "=le=", "=gt=", "=ge=", "=cs="} {
		if strings.HasPrefix(rest, op) {
			p.pos += len(op)
			return op, nil
		}
	}
	return "", fmt.Errorf("expected an operator (==, !=, =lt=, =le=, =gt=, =ge=, =cs=) at position %d", p.pos)
}

func (p *fiqlParser) parseValue() (string, error) {
	if q := p.peek(); q == '"' || q == '\'' {
		end := strings.IndexByte(p.s[p.pos+1:], q)
		if end < 0 {
			return "", fmt.Errorf("unterminated quoted value at position %d", p.pos)
		}
		v := p.s[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
		return v, nil
	}
	start := p.pos
	for p.pos < len(p.s) && !strings.ContainsRune(";,)", rune(p.s[p.pos])) {
		p.pos++
	}
	raw := p.s[start:p.pos]
	if raw == "" {
		return "", fmt.Errorf("missing value at position %d", start)
	}
	if strings.Contains(raw, "%") {
		if v, err := url.PathUnescape(raw); err == nil {
			return v, nil
		}
	}
	return raw, nil
}
