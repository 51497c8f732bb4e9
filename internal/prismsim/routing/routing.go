// Package routing matches HTTP requests against path templates such as
// "/api/nutanix/v3/categories/{name}", for every wire of prismsim that routes by path.
package routing

import (
	"net/url"
	"strings"
)

// Route is a method and a path template, with H, what serves it.
type Route[H any] struct {
	Method   string
	Template string
	Segs     []string // the template's segments
	H        H
}

// Key is the route's name in request counters: "PUT /api/nutanix/v3/categories/{name}".
func (rt *Route[H]) Key() string { return rt.Method + " " + rt.Template }

// Table holds routes. A literal segment is preferred to a parameter at the first position
// where two matching templates differ.
type Table[H any] struct {
	Routes []*Route[H]
}

// Add adds a route; a method and template added twice is a programming error (panic).
func (t *Table[H]) Add(method, template string, h H) {
	for _, existing := range t.Routes {
		if existing.Method == method && existing.Template == template {
			panic("prismsim: route registered twice: " + method + " " + template)
		}
	}
	t.Routes = append(t.Routes, &Route[H]{Method: method, Template: template, Segs: SplitPath(template), H: h})
}

// SplitPath splits a path into its segments, without empty leading or trailing ones.
func SplitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// IsParam reports whether a template segment is a parameter ("{name}").
func IsParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// Match finds the route for method and escaped path. It returns the route and its
// parameters, or nil and whether another method would have matched the path.
func (t *Table[H]) Match(method, escapedPath string) (*Route[H], map[string]string, bool) {
	raw := SplitPath(escapedPath)
	segs := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, nil, false
		}
		segs[i] = u
	}
	var best *Route[H]
	pathMatched := false
	for _, rt := range t.Routes {
		if !rt.matches(segs) {
			continue
		}
		pathMatched = true
		if rt.Method != method {
			continue
		}
		if best == nil || rt.moreSpecific(best) {
			best = rt
		}
	}
	if best == nil {
		return nil, nil, pathMatched
	}
	params := map[string]string{}
	for i, s := range best.Segs {
		if IsParam(s) {
			params[s[1:len(s)-1]] = segs[i]
		}
	}
	return best, params, false
}

func (rt *Route[H]) matches(segs []string) bool {
	if len(segs) != len(rt.Segs) {
		return false
	}
	for i, s := range rt.Segs {
		if IsParam(s) {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if s != segs[i] {
			return false
		}
	}
	return true
}

func (rt *Route[H]) moreSpecific(other *Route[H]) bool {
	for i := range rt.Segs {
		a, b := IsParam(rt.Segs[i]), IsParam(other.Segs[i])
		if a != b {
			return !a
		}
	}
	return false
}
