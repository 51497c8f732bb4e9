package v4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// The common machinery of the v4 wire (internal/apispec/v4/README.md, "The common
// contract"): the answer envelope {$objectType, $reserved, $dataItemDiscriminator, data,
// metadata}, the error envelope, Ntnx-Request-Id on mutations, ETag and If-Match, and lists
// with OData $filter, $orderby, $page and $limit.

// Namespace is a v4 namespace at the revision the wire serves.
type Namespace struct {
	Name     string // prism, datapolicies, dataprotection
	Version  string // v4.3
	codePfx  string // the prefix of error codes (prism: PRI)
	revision string // the $fv of $reserved: v4.r3
}

// Prefix is the path prefix of the namespace's versioned API.
func (n Namespace) Prefix() string { return "/api/" + n.Name + "/" + n.Version }

// The namespaces the wire serves, at the revisions of the SDKs pinned in go.mod.
var (
	Prism          = Namespace{Name: "prism", Version: "v4.3", codePfx: "PRI", revision: "v4.r3"}
	DataPolicies   = Namespace{Name: "datapolicies", Version: "v4.2", codePfx: "DPL", revision: "v4.r2"}
	DataProtection = Namespace{Name: "dataprotection", Version: "v4.3", codePfx: "DTP", revision: "v4.r3"}
)

// Namespaces lists the namespaces of the wire, for the server's mounts.
func Namespaces() []Namespace {
	return []Namespace{Prism, DataPolicies, DataProtection, ClusterMgmt, Networking, VMM}
}

// Reply is an answer body with header fields (the ETag of a read).
type Reply struct {
	Header http.Header
	Body   any
}

func (n Namespace) reserved() map[string]any { return map[string]any{"$fv": n.revision} }

func (n Namespace) metadata() map[string]any {
	return map[string]any{
		"$objectType": "common.v1.response.ApiResponseMetadata",
		"$reserved":   map[string]any{"$fv": "v1.r0"},
		"flags":       v4Flags(false),
	}
}

// object adds $objectType and $reserved to an entity rendering.
func (n Namespace) object(objectType string, fields map[string]any) map[string]any {
	fields["$objectType"] = objectType
	if _, ok := fields["$reserved"]; !ok {
		fields["$reserved"] = n.reserved()
	}
	return fields
}

// answer wraps data in the envelope of the operation whose response type is respType
// (e.g. prism.v4.config.GetCategoryApiResponse). discriminator names what data is.
func (n Namespace) answer(respType, discriminator string, data any) map[string]any {
	out := map[string]any{
		"$objectType": respType,
		"$reserved":   n.reserved(),
		"metadata":    n.metadata(),
	}
	if data != nil {
		out["$dataItemDiscriminator"] = discriminator
		out["data"] = data
	}
	return out
}

// entityAnswer answers one entity with its ETag, in the header and in data.$reserved.ETag
// (where the SDK also copies it).
func (n Namespace) entityAnswer(status int, respType string, entity map[string]any) (int, any) {
	etag := ETag(entity)
	res := map[string]any{"$fv": n.revision, "ETag": etag}
	entity["$reserved"] = res
	h := http.Header{}
	h.Set("ETag", etag)
	objectType, _ := entity["$objectType"].(string)
	return status, Reply{Header: h, Body: n.answer(respType, objectType, entity)}
}

// taskAnswer answers an accepted asynchronous mutation: 202 and a TaskReference.
func (n Namespace) taskAnswer(respType, taskID string) (int, any) {
	ref := map[string]any{
		"$objectType": "prism.v4.config.TaskReference",
		"$reserved":   map[string]any{"$fv": "v4.r3"},
		"extId":       taskID,
	}
	return http.StatusAccepted, n.answer(respType, "prism.v4.config.TaskReference", ref)
}

// ETag is the entity tag of an entity rendering: a digest of its fields but $reserved and
// links (which name the PC's address, not the entity's state), so that it changes whenever
// what a client reads of the entity changes.
func ETag(entity map[string]any) string {
	c := make(map[string]any, len(entity))
	for k, v := range entity {
		if k != "$reserved" && k != "links" {
			c[k] = v
		}
	}
	data, _ := json.Marshal(c)
	sum := sha256.Sum256(data)
	return `W/"` + hex.EncodeToString(sum[:12]) + `"`
}

func etagMatches(ifMatch, etag string) bool {
	norm := func(s string) string { return strings.Trim(strings.TrimPrefix(strings.TrimSpace(s), "W/"), `"`) }
	for _, cand := range strings.Split(ifMatch, ",") {
		if strings.TrimSpace(cand) == "*" || norm(cand) == norm(etag) {
			return true
		}
	}
	return false
}

// checkIfMatch checks the If-Match header of a PUT or DELETE against the entity as it is
// now: 428 without it (the docs require it), 412 when it is stale.
func (n Namespace) checkIfMatch(rq Request, current map[string]any) (int, any, bool) {
	im := rq.HTTP.Header.Get("If-Match")
	if im == "" {
		st, body := n.fail(http.StatusPreconditionRequired, 42800, "",
			"If-Match is required on %s: read the entity and send its ETag", rq.HTTP.Method)
		return st, body, false
	}
	if !etagMatches(im, ETag(current)) {
		st, body := n.fail(http.StatusPreconditionFailed, 41200, "",
			"If-Match %s does not match the entity's current ETag: it changed since it was read; read it again", im)
		return st, body, false
	}
	return 0, nil, true
}

// matchCurrent checks a PUT or DELETE of an entity: 404 when it was not found (what names
// it), else If-Match against its current rendering.
func (n Namespace) matchCurrent(rq Request, found bool, what string, render func() map[string]any) (int, any, bool) {
	if !found {
		st, body := n.fail(http.StatusNotFound, 40400, "extId", "%s was not found", what)
		return st, body, false
	}
	return n.checkIfMatch(rq, render())
}

// fail answers a v4 ErrorResponse with one AppMessage. field, when set, goes in the
// message's argumentsMap as "field".
func (n Namespace) fail(status, code int, field, format string, args ...any) (int, any) {
	msg := map[string]any{
		"$objectType": n.Name + ".v4.error.AppMessage",
		"$reserved":   n.reserved(),
		"message":     fmt.Sprintf(format, args...),
		"severity":    "ERROR",
		"code":        fmt.Sprintf("%s-%d", n.codePfx, code),
		"locale":      "en_US",
		"errorGroup":  errorGroup(status),
	}
	if field != "" {
		msg["argumentsMap"] = map[string]string{"field": field}
	}
	errResp := map[string]any{
		"$objectType":             n.Name + ".v4.error.ErrorResponse",
		"$reserved":               n.reserved(),
		"$errorItemDiscriminator": "List<" + n.Name + ".v4.error.AppMessage>",
		"error":                   []any{msg},
	}
	return status, n.answer(n.Name+".v4.error.ErrorResponse", n.Name+".v4.error.ErrorResponse", errResp)
}

func errorGroup(status int) string {
	switch status {
	case http.StatusNotFound:
		return "ENTITY_NOT_FOUND"
	case http.StatusConflict, http.StatusPreconditionFailed, http.StatusPreconditionRequired:
		return "CONFLICT"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	default:
		if status >= 500 {
			return "INTERNAL_ERROR"
		}
		return "VALIDATION_ERROR"
	}
}

// failModel answers a model error with the status its kind has on the wire.
func (n Namespace) failModel(err error) (int, any) {
	var me *model.Error
	if !asModelError(err, &me) {
		return n.fail(http.StatusInternalServerError, 50000, "", "%v", err)
	}
	status := map[model.ErrKind]int{
		model.Invalid: http.StatusBadRequest, model.Malformed: http.StatusBadRequest, model.Precondition: http.StatusBadRequest,
		model.NotFound: http.StatusNotFound, model.Exists: http.StatusConflict,
		model.Conflict: http.StatusConflict, model.InUse: http.StatusConflict,
		model.Unauthorized: http.StatusUnauthorized, model.Unavailable: http.StatusServiceUnavailable,
	}[me.Kind]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return n.fail(status, status*100, me.Field, "%s", me.Message)
}

// decode decodes the JSON body into v.
func (n Namespace) decode(rq Request, v any) (int, any, bool) {
	body := bytes.TrimSpace(rq.Body)
	if len(body) == 0 {
		st, b := n.fail(http.StatusBadRequest, 40000, "", "a request body is required")
		return st, b, false
	}
	if err := json.Unmarshal(body, v); err != nil {
		st, b := n.fail(http.StatusBadRequest, 40000, "", "request body does not match the schema: %v", err)
		return st, b, false
	}
	return 0, nil, true
}

// mutation serves a POST, PUT or DELETE: it requires Ntnx-Request-Id, and answers a
// request id seen before for the same method and path with the first answer, without
// acting again. An id being served, or used for another operation, is refused with 409.
func (n Namespace) mutation(rq Request, act func() (int, any)) (int, any) {
	id := rq.HTTP.Header.Get("Ntnx-Request-Id")
	if id == "" {
		return n.fail(http.StatusBadRequest, 40001, "Ntnx-Request-Id",
			"the Ntnx-Request-Id header is required on %s: a UUID the client chooses per request", rq.HTTP.Method)
	}
	op := rq.HTTP.Method + " " + rq.HTTP.URL.Path
	log := rq.PC.RequestLog()
	switch state, prev := log.Begin(id, op); state {
	case model.RequestAnswered:
		body := prev.Body
		if prev.Header != nil {
			body = Reply{Header: prev.Header, Body: prev.Body}
		}
		return prev.Status, body
	case model.RequestInProgress:
		return n.fail(http.StatusConflict, 40901, "Ntnx-Request-Id", "request %s is being served", id)
	case model.RequestOtherOperation:
		return n.fail(http.StatusConflict, 40902, "Ntnx-Request-Id",
			"request id %s was used for another operation: use a new id per request", id)
	}
	status, body := act()
	ans := model.LoggedAnswer{Status: status, Body: body}
	if r, ok := body.(Reply); ok {
		ans.Header, ans.Body = r.Header, r.Body
	}
	log.End(id, ans, status < 500)
	return status, body
}

// listQuery is a list request's OData options.
type listQuery struct {
	page, limit int
	match       func(map[string]any) bool
	order       []orderKey
}

// parseList reads $page, $limit, $filter and $orderby; fields lists what $filter and
// $orderby may name (paths of the rendering, dotted).
func (n Namespace) parseList(rq Request, fields []string) (listQuery, int, any, bool) {
	q := rq.HTTP.URL.Query()
	for k := range q {
		switch k {
		case "$filter", "$page", "$limit", "$select", "$orderby", "$expand":
		default:
			st, b := n.fail(http.StatusBadRequest, 40002, k, "unknown query parameter %s", k)
			return listQuery{}, st, b, false
		}
	}
	var lq listQuery
	var err error
	if lq.page, err = v4IntParam(q, "$page", 0, 0, 1<<20); err == nil {
		lq.limit, err = v4IntParam(q, "$limit", v4DefaultLimit, 1, v4MaxLimit)
	}
	if err == nil {
		lq.match, err = parseFilter(q.Get("$filter"), fields)
	}
	if err == nil {
		lq.order, err = parseOrderBy(q.Get("$orderby"), fields)
	}
	if err != nil {
		st, b := n.fail(http.StatusBadRequest, 40003, "", "%v", err)
		return listQuery{}, st, b, false
	}
	return lq, 0, nil, true
}

// list answers a page of items (renderings in the backend's order) after filtering and
// sorting; an empty page has no data, as the SDK marshals it.
func (n Namespace) list(rq Request, lq listQuery, respType, objectType string, items []map[string]any) (int, any) {
	var selected []map[string]any
	for _, it := range items {
		if lq.match(it) {
			selected = append(selected, it)
		}
	}
	sortItems(selected, lq.order)
	var data []any
	start := lq.page * lq.limit
	for i := start; i < len(selected) && i < start+lq.limit; i++ {
		it := selected[i]
		it["$reserved"] = map[string]any{"$fv": n.revision, "ETag": ETag(it)}
		data = append(data, it)
	}
	out := n.answer(respType, "List<"+objectType+">", nil)
	if len(data) > 0 {
		out["$dataItemDiscriminator"] = "List<" + objectType + ">"
		out["data"] = data
	}
	self := rq.PC.URL() + rq.HTTP.URL.RequestURI()
	links := []map[string]any{v4Link(self, "self")}
	page := func(p int, rel string) {
		v := url.Values{}
		for k, vs := range rq.HTTP.URL.Query() {
			v[k] = vs
		}
		v.Set("$page", strconv.Itoa(p))
		v.Set("$limit", strconv.Itoa(lq.limit))
		links = append(links, v4Link(rq.PC.URL()+rq.HTTP.URL.Path+"?"+v.Encode(), rel))
	}
	last := 0
	if len(selected) > 0 {
		last = (len(selected) - 1) / lq.limit
	}
	page(0, "first")
	page(last, "last")
	if lq.page < last {
		page(lq.page+1, "next")
	}
	if lq.page > 0 {
		page(lq.page-1, "prev")
	}
	md := n.metadata()
	md["totalAvailableResults"] = len(selected)
	md["flags"] = v4Flags(len(selected) > lq.limit)
	md["links"] = links
	out["metadata"] = md
	return http.StatusOK, out
}

// listOf answers a list request: the OData options of rq over the renderings of items.
func listOf[T any](n Namespace, rq Request, fields []string, respType, objectType string, items []T, render func(T) map[string]any) (int, any) {
	lq, st, body, ok := n.parseList(rq, fields)
	if !ok {
		return st, body
	}
	rendered := make([]map[string]any, 0, len(items))
	for _, it := range items {
		rendered = append(rendered, render(it))
	}
	return n.list(rq, lq, respType, objectType, rendered)
}

// findByID returns the item whose id (compared without case) is want.
func findByID[T any](items []T, id func(T) string, want string) (T, bool) {
	for _, it := range items {
		if strings.EqualFold(id(it), want) {
			return it, true
		}
	}
	var zero T
	return zero, false
}
