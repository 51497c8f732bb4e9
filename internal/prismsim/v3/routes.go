package v3

import "net/http"

// Operations of an intentful kind that the generic handlers (envelope.go) serve.
const (
	opGet = 1 << iota
	opList
	opCreate
	opUpdate
	opDelete

	opRead = opGet | opList
	opAll  = opRead | opCreate | opUpdate | opDelete
)

// entityKinds are the intentful kinds and the generic routes each serves: the model's
// kind name (metadata.kind), the path segment, the operations.
var entityKinds = []struct {
	name, plural string
	ops          int
}{
	{"availability_zone", "availability_zones", opRead},
	{"cloud_trust", "cloud_trusts", opRead},
	{"cluster", "clusters", opRead},
	{"protection_rule", "protection_rules", opAll},
	{"recovery_plan", "recovery_plans", opAll},
	{"recovery_plan_job", "recovery_plan_jobs", opRead},
	{"remote_connection", "remote_connections", opRead},
	{"subnet", "subnets", opAll},
	{"vm", "vms", opAll},
	{"vpc", "vpcs", opAll},
}

// routeLists are the routes of each file of the wire beyond the generic ones; a file adds
// its own in its init function.
var routeLists [][]Route

func addRoutes(rts ...Route) { routeLists = append(routeLists, rts) }

// route builds a route whose template is relative to Prefix.
func route(method, template, kind string, h Handler) Route {
	return Route{Method: method, Template: Prefix + template, Kind: kind, Serve: h}
}

// Routes lists every route of the v3 wire.
func Routes() []Route {
	var out []Route
	for _, k := range entityKinds {
		base := "/" + k.plural
		for _, r := range []struct {
			op       int
			method   string
			template string
			h        func(string) Handler
		}{
			{opGet, http.MethodGet, base + "/{uuid}", GetEntity},
			{opList, http.MethodPost, base + "/list", ListEntities},
			{opCreate, http.MethodPost, base, CreateEntity},
			{opUpdate, http.MethodPut, base + "/{uuid}", UpdateEntity},
			{opDelete, http.MethodDelete, base + "/{uuid}", DeleteEntity},
		} {
			if k.ops&r.op != 0 {
				out = append(out, route(r.method, r.template, k.name, r.h(k.name)))
			}
		}
	}
	for _, rts := range routeLists {
		out = append(out, rts...)
	}
	return out
}
