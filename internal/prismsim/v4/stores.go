package v4

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// The v4 read API of MST recovery point stores, on the PC's HTTPS listener with the same
// credentials:
//
//	GET /api/dataprotection/v4.4/config/recovery-point-stores[?$filter=...&$page=N&$limit=M]
//	GET /api/dataprotection/v4.4/config/recovery-point-stores/{extId}
//
// Answers are v4-shaped: {"data": ..., "metadata": {...}, "$objectType": ...}; errors are
// {"data": {"error": [{"message", "code", "severity"}]}} with the HTTP status. $filter
// takes "field eq 'value'" clauses joined by "and", on extId, name, bucket, bucketType,
// region and status. Stores being deployed are not listed (they do not exist yet); a
// store being removed is listed with status REMOVING until it is gone.

const (
	// Prefix is the path prefix of the v4 APIs the wire serves.
	Prefix = "/api/dataprotection/v4.4"
	// StoresPath lists the recovery point stores.
	StoresPath        = Prefix + "/config/recovery-point-stores"
	v4StoreObjectType = "dataprotection.v4.config.RecoveryPointStore"
	v4DefaultLimit    = 50
	v4MaxLimit        = 100
)

// Request is a v4 request as the server that routed it hands it over.
type Request struct {
	PC     Backend
	HTTP   *http.Request
	Params map[string]string // the route template's path parameters
	Body   []byte            // the request body
}

// Route is a v4 route: its method, its full path template, the kind it serves, and the
// function that answers it with a status and a body to encode as JSON.
type Route struct {
	Method   string
	Template string
	Kind     string
	Serve    func(rq Request) (int, any)
}

// Routes lists the routes of the v4 wire.
func Routes() []Route {
	return append([]Route{
		{http.MethodGet, StoresPath, "recovery_point_store", handleListStores},
		{http.MethodGet, StoresPath + "/{extId}", "recovery_point_store", handleGetStore},
	}, allRoutes()...)
}

// v4Error answers in the v4 error shape.
func v4Error(status int, code, format string, args ...any) (int, any) {
	return status, map[string]any{
		"$objectType": "dataprotection.v4.error.ErrorResponse",
		"data": map[string]any{
			"$objectType": "dataprotection.v4.error.ErrorResponse",
			"error": []map[string]any{{
				"$objectType": "dataprotection.v4.error.AppMessage",
				"message":     fmt.Sprintf(format, args...),
				"severity":    "ERROR",
				"code":        code,
				"locale":      "en_US",
			}},
		},
	}
}

func v4Flags(paginated bool) []map[string]any {
	return []map[string]any{
		{"$objectType": "common.v1.config.Flag", "name": "hasError", "value": false},
		{"$objectType": "common.v1.config.Flag", "name": "isPaginated", "value": paginated},
	}
}

func v4Link(href, rel string) map[string]any {
	return map[string]any{"$objectType": "common.v1.response.ApiLink", "href": href, "rel": rel}
}

// renderStore renders a store as the v4 RecoveryPointStore.
func renderStore(pc Backend, s model.RecoveryPointStore) map[string]any {
	objectType, endpoint := "AWS_S3", "s3."+s.Region+".amazonaws.com"
	if s.BucketType == model.BucketTypeNtxOSS {
		objectType, endpoint = "NUTANIX_OBJECTS", ""
	}
	ips := make([]map[string]any, len(s.IPAddresses))
	for i, ip := range s.IPAddresses {
		ips[i] = map[string]any{"ipv4": map[string]any{"value": ip, "prefixLength": 32}}
	}
	stats := map[string]any{
		"recoveryPointCount": s.Stats.RecoveryPoints,
		"vmCount":            len(s.Stats.ByVM),
		"recoveryPointsByVm": s.Stats.ByVM,
	}
	if s.Stats.Latest != nil {
		stats["latestRecoveryPointTime"] = s.Stats.Latest.UTC().Format(time.RFC3339)
	}
	if s.Stats.Oldest != nil {
		stats["oldestRecoveryPointTime"] = s.Stats.Oldest.UTC().Format(time.RFC3339)
	}
	objectStore := map[string]any{"bucketName": s.Bucket, "bucketType": objectType, "region": s.Region}
	if endpoint != "" {
		objectStore["endpoint"] = endpoint
	}
	return map[string]any{
		"$objectType":    v4StoreObjectType,
		"extId":          s.ExtID,
		"name":           s.Name,
		"storeType":      "MST",
		"bucket":         s.Bucket,
		"bucketType":     s.BucketType,
		"region":         s.Region,
		"status":         s.Status,
		"objectStore":    objectStore,
		"network":        map[string]any{"name": s.Network, "extId": s.NetworkUUID},
		"ipAddresses":    ips,
		"accessKeyId":    s.AccessKeyID,
		"createTime":     s.CreateTime.UTC().Format(time.RFC3339),
		"lastUpdateTime": s.UpdateTime.UTC().Format(time.RFC3339),
		"stats":          stats,
		"links":          []map[string]any{v4Link(pc.URL()+StoresPath+"/"+s.ExtID, "self")},
	}
}

var v4FilterClause = regexp.MustCompile(`^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$`)

var v4FilterFields = map[string]func(model.RecoveryPointStore) string{
	"extId":      func(s model.RecoveryPointStore) string { return s.ExtID },
	"name":       func(s model.RecoveryPointStore) string { return s.Name },
	"bucket":     func(s model.RecoveryPointStore) string { return s.Bucket },
	"bucketType": func(s model.RecoveryPointStore) string { return s.BucketType },
	"region":     func(s model.RecoveryPointStore) string { return s.Region },
	"status":     func(s model.RecoveryPointStore) string { return s.Status },
}

// parseV4Filter parses "a eq 'x' and b eq 'y'" into a predicate.
func parseV4Filter(f string) (func(model.RecoveryPointStore) bool, error) {
	if strings.TrimSpace(f) == "" {
		return func(model.RecoveryPointStore) bool { return true }, nil
	}
	type clause struct {
		get   func(model.RecoveryPointStore) string
		value string
	}
	var clauses []clause
	for _, part := range regexp.MustCompile(`\s+and\s+`).Split(f, -1) {
		m := v4FilterClause.FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("unsupported $filter clause %q: use field eq 'value' joined by and", strings.TrimSpace(part))
		}
		get, ok := v4FilterFields[m[1]]
		if !ok {
			return nil, fmt.Errorf("unsupported $filter field %q (filterable: %s)", m[1], strings.Join(slices.Sorted(maps.Keys(v4FilterFields)), ", "))
		}
		clauses = append(clauses, clause{get: get, value: strings.ReplaceAll(m[2], "''", "'")})
	}
	return func(s model.RecoveryPointStore) bool {
		for _, c := range clauses {
			if c.get(s) != c.value {
				return false
			}
		}
		return true
	}, nil
}

func v4IntParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s must be an integer from %d to %d, got %q", name, lo, hi, v)
	}
	return n, nil
}

func handleListStores(rq Request) (int, any) {
	q := rq.HTTP.URL.Query()
	for k := range q {
		switch k {
		case "$filter", "$page", "$limit", "$select", "$orderby":
		default:
			return v4Error(http.StatusBadRequest, "DTP-40001", "unknown query parameter %s", k)
		}
	}
	match, err := parseV4Filter(q.Get("$filter"))
	if err != nil {
		return v4Error(http.StatusBadRequest, "DTP-40002", "%v", err)
	}
	page, err := v4IntParam(q, "$page", 0, 0, 1<<20)
	if err != nil {
		return v4Error(http.StatusBadRequest, "DTP-40003", "%v", err)
	}
	limit, err := v4IntParam(q, "$limit", v4DefaultLimit, 1, v4MaxLimit)
	if err != nil {
		return v4Error(http.StatusBadRequest, "DTP-40003", "%v", err)
	}
	pc := rq.PC
	var selected []model.RecoveryPointStore
	for _, s := range pc.RecoveryPointStores() {
		if match(s) {
			selected = append(selected, s)
		}
	}
	data := []map[string]any{}
	start := page * limit
	for i := start; i < len(selected) && i < start+limit; i++ {
		data = append(data, renderStore(pc, selected[i]))
	}
	self := pc.URL() + rq.HTTP.URL.RequestURI()
	links := []map[string]any{v4Link(self, "self")}
	if start+limit < len(selected) {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("$page", strconv.Itoa(page+1))
		next.Set("$limit", strconv.Itoa(limit))
		links = append(links, v4Link(pc.URL()+StoresPath+"?"+next.Encode(), "next"))
	}
	return http.StatusOK, map[string]any{
		"$objectType": "dataprotection.v4.config.ListRecoveryPointStoresApiResponse",
		"data":        data,
		"metadata": map[string]any{
			"$objectType":           "common.v1.response.ApiResponseMetadata",
			"totalAvailableResults": len(selected),
			"flags":                 v4Flags(len(selected) > limit),
			"links":                 links,
		},
	}
}

func handleGetStore(rq Request) (int, any) {
	id := rq.Params["extId"]
	if !model.IsUUID(id) {
		return v4Error(http.StatusBadRequest, "DTP-40004", "extId %q is not a UUID", id)
	}
	pc := rq.PC
	for _, s := range pc.RecoveryPointStores() {
		if s.ExtID == model.NormUUID(id) {
			return http.StatusOK, map[string]any{
				"$objectType": "dataprotection.v4.config.GetRecoveryPointStoreApiResponse",
				"data":        renderStore(pc, s),
				"metadata": map[string]any{
					"$objectType": "common.v1.response.ApiResponseMetadata",
					"flags":       v4Flags(false),
					"links":       []map[string]any{v4Link(pc.URL()+StoresPath+"/"+s.ExtID, "self")},
				},
			}
		}
	}
	return v4Error(http.StatusNotFound, "DTP-40400", "recovery point store %s not found", id)
}
