package v3

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// Categories: keys and values (PUT, GET, DELETE, lists) and /category/query, on the
// model's category operations (CategoryBackend). Categories are synchronous: no task.

// CategoryKey is a category key of the model.
type CategoryKey struct {
	Name, Description string
	SystemDefined     bool
	Cardinality       int64
	Seq               int64 // creation order
}

// CategoryValue is a value of the category key Key.
type CategoryValue struct {
	Key, Value, Description string
	SystemDefined           bool
	AssignmentRule          json.RawMessage
	Seq                     int64 // creation order
}

// CategoryQuery asks which entities have category values applied (or, UsedIn, use them in
// their spec), by kind: the kinds named, else every kind with a match; Offset and Count
// page each kind's matches.
type CategoryQuery struct {
	Params           map[string][]string
	Kinds            []string
	UsedIn, MatchAll bool
	Offset, Count    int64
}

// CategoryMatch is an entity a category query matched, with its categories (one value a key).
type CategoryMatch struct {
	Kind, UUID, Name string
	Categories       map[string]string
}

// CategoryMatches are the matches of one kind: how many, and the page asked for.
type CategoryMatches struct {
	Kind    string
	Matched int
	Page    []CategoryMatch
}

// CategoryBackend is what the v3 wire needs of a PC for categories. A Put answers
// whether it created the key or value (else it replaced it).
type CategoryBackend interface {
	PutCategoryKey(name, description string, cardinality int64) (k CategoryKey, created bool, err error)
	CategoryKey(name string) (CategoryKey, error)
	// CategoryKeys returns every key of the PC.
	CategoryKeys() []CategoryKey
	DeleteCategoryKey(name string) error
	PutCategoryValue(key, value, description string, rule json.RawMessage) (v CategoryValue, created bool, err error)
	CategoryValue(key, value string) (CategoryValue, error)
	// CategoryValues returns every value of key.
	CategoryValues(key string) ([]CategoryValue, error)
	DeleteCategoryValue(key, value string) error
	QueryCategories(q CategoryQuery) []CategoryMatches
}

// categoryPathParams checks the {name} and {value} path parameters of a request; strict
// applies the pattern PUT requires, else only the length every operation requires.
func categoryPathParams(rq Request, strict bool) *Error {
	check := model.CheckCategoryLength
	if strict {
		check = model.CheckCategoryName
	}
	for _, p := range []string{"name", "value"} {
		v, ok := rq.Params[p]
		if !ok {
			continue
		}
		if err := check("path parameter "+p, v); err != nil {
			return &Error{Status: http.StatusUnprocessableEntity, Reason: ReasonValidation, Message: err.Error(),
				Details: map[string]string{"parameter": p}}
		}
	}
	return nil
}

// CategoryKeyJSON is the spec's category_key_status.
type CategoryKeyJSON struct {
	APIVersion    string         `json:"api_version"`
	Name          string         `json:"name"`
	Description   string         `json:"description"`
	SystemDefined bool           `json:"system_defined"`
	Capabilities  map[string]any `json:"capabilities"`
}

// CategoryValueJSON is the spec's category_value_status.
type CategoryValueJSON struct {
	APIVersion     string          `json:"api_version"`
	Name           string          `json:"name"`
	Value          string          `json:"value"`
	Description    string          `json:"description"`
	SystemDefined  bool            `json:"system_defined"`
	AssignmentRule json.RawMessage `json:"assignment_rule,omitempty"`
}

// RenderCategoryKey renders a key as GET /categories/{name} answers it.
func RenderCategoryKey(k CategoryKey) CategoryKeyJSON {
	return CategoryKeyJSON{APIVersion: APIVersion, Name: k.Name, Description: k.Description,
		SystemDefined: k.SystemDefined, Capabilities: map[string]any{"cardinality": k.Cardinality}}
}

// RenderCategoryValue renders a value as GET /categories/{name}/{value} answers it.
func RenderCategoryValue(v CategoryValue) CategoryValueJSON {
	return CategoryValueJSON{APIVersion: APIVersion, Name: v.Key, Value: v.Value, Description: v.Description,
		SystemDefined: v.SystemDefined, AssignmentRule: v.AssignmentRule}
}

type categoryKeyInput struct {
	Name         *string `json:"name"`
	Description  *string `json:"description"`
	Capabilities *struct {
		Cardinality *int64 `json:"cardinality"`
	} `json:"capabilities"`
}

func handlePutCategoryKey(rq Request) (int, any, error) {
	name := rq.Param("name")
	if apiErr := categoryPathParams(rq, true); apiErr != nil {
		return 0, nil, apiErr
	}
	var in categoryKeyInput
	if err := rq.Decode(&in); err != nil {
		return 0, nil, err
	}
	if in.Name == nil {
		return 0, nil, ValidationError("name is required")
	}
	if *in.Name != name {
		return 0, nil, InvalidArgument("name %q in the body does not match %q in the path", *in.Name, name)
	}
	description, apiErr := checkCategoryPut("name", name, in.Description)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	cardinality := int64(model.DefaultCardinality)
	if in.Capabilities != nil && in.Capabilities.Cardinality != nil {
		cardinality = *in.Capabilities.Cardinality
		if cardinality < 1 {
			return 0, nil, ValidationError("capabilities.cardinality must be at least 1")
		}
	}
	k, created, err := rq.PC.PutCategoryKey(name, description, cardinality)
	if err != nil {
		return 0, nil, err
	}
	return createdOrOK(created), RenderCategoryKey(k), nil
}

// checkCategoryPut checks the name of a key or value a PUT creates or replaces and its
// description, and returns the description ("" when none is given).
func checkCategoryPut(field, name string, description *string) (string, *Error) {
	if err := model.CheckCategoryName(field, name); err != nil {
		return "", ValidationError("%v", err)
	}
	if description == nil {
		return "", nil
	}
	if len(*description) > model.MaxCategoryDescription {
		return "", ValidationError("description is longer than %d characters", model.MaxCategoryDescription)
	}
	return *description, nil
}

// createdOrOK is the status of a PUT that created (201) or replaced (200) what it names.
func createdOrOK(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

func handleGetCategoryKey(rq Request) (int, any, error) {
	name := rq.Param("name")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	k, err := rq.PC.CategoryKey(name)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, RenderCategoryKey(k), nil
}

func handleDeleteCategoryKey(rq Request) (int, any, error) {
	name := rq.Param("name")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	if err := rq.PC.DeleteCategoryKey(name); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, nil, nil
}

type categoryValueInput struct {
	Value          *string         `json:"value"`
	Description    *string         `json:"description"`
	AssignmentRule json.RawMessage `json:"assignment_rule"`
}

func handlePutCategoryValue(rq Request) (int, any, error) {
	name, value := rq.Param("name"), rq.Param("value")
	if apiErr := categoryPathParams(rq, true); apiErr != nil {
		return 0, nil, apiErr
	}
	var in categoryValueInput
	if err := rq.Decode(&in); err != nil {
		return 0, nil, err
	}
	if in.Value != nil && *in.Value != value {
		return 0, nil, InvalidArgument("value %q in the body does not match %q in the path", *in.Value, value)
	}
	description, apiErr := checkCategoryPut("value", value, in.Description)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	if string(in.AssignmentRule) == "null" {
		in.AssignmentRule = nil
	}
	v, created, err := rq.PC.PutCategoryValue(name, value, description, in.AssignmentRule)
	if err != nil {
		return 0, nil, err
	}
	return createdOrOK(created), RenderCategoryValue(v), nil
}

func handleGetCategoryValue(rq Request) (int, any, error) {
	name, value := rq.Param("name"), rq.Param("value")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	v, err := rq.PC.CategoryValue(name, value)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, RenderCategoryValue(v), nil
}

func handleDeleteCategoryValue(rq Request) (int, any, error) {
	name, value := rq.Param("name"), rq.Param("value")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	if err := rq.PC.DeleteCategoryValue(name, value); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, nil, nil
}

var (
	categoryKeyAttrs   = []string{"name", "system_defined"}
	categoryValueAttrs = []string{"value", "system_defined"}
)

// listCategories answers a list of category keys or values, in creation order by default.
func listCategories(lr ListRequest, known []string, items []ListItem) (int, any, error) {
	sort.Slice(items, func(i, j int) bool { return items[i].Seq < items[j].Seq })
	return listAnswer(lr, "category", known, items)
}

func handleListCategoryKeys(rq Request) (int, any, error) {
	lr, apiErr := DecodeList(rq.Body, "category")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	keys := rq.PC.CategoryKeys()
	items := make([]ListItem, 0, len(keys))
	for _, k := range keys {
		k := k
		items = append(items, ListItem{
			Seq:    k.Seq,
			Attrs:  map[string][]string{"name": {k.Name}, "system_defined": {fmt.Sprint(k.SystemDefined)}},
			Render: func() any { return RenderCategoryKey(k) },
		})
	}
	return listCategories(lr, categoryKeyAttrs, items)
}

func handleListCategoryValues(rq Request) (int, any, error) {
	name := rq.Param("name")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	lr, apiErr := DecodeList(rq.Body, "category")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	values, err := rq.PC.CategoryValues(name)
	if err != nil {
		return 0, nil, err
	}
	items := make([]ListItem, 0, len(values))
	for _, v := range values {
		v := v
		items = append(items, ListItem{
			Seq:    v.Seq,
			Attrs:  map[string][]string{"value": {v.Value}, "system_defined": {fmt.Sprint(v.SystemDefined)}},
			Render: func() any { return RenderCategoryValue(v) },
		})
	}
	return listCategories(lr, categoryValueAttrs, items)
}

type categoryQueryInput struct {
	UsageType         string `json:"usage_type"`
	GroupMemberOffset *int64 `json:"group_member_offset"`
	GroupMemberCount  *int64 `json:"group_member_count"`
	CategoryFilter    *struct {
		Type     string              `json:"type"`
		KindList []string            `json:"kind_list"`
		Params   map[string][]string `json:"params"`
	} `json:"category_filter"`
}

// queryReference is the spec's entity_reference, with the entity's categories.
type queryReference struct {
	Kind       string            `json:"kind"`
	UUID       string            `json:"uuid"`
	Name       string            `json:"name,omitempty"`
	Categories map[string]string `json:"categories,omitempty"`
}

type queryResult struct {
	Kind                string           `json:"kind"`
	KindReferenceList   []queryReference `json:"kind_reference_list"`
	FilteredEntityCount int64            `json:"filtered_entity_count"`
	TotalEntityCount    int64            `json:"total_entity_count"`
}

// handleCategoryQuery answers POST /category/query: which entities have the given category
// values applied (usage_type APPLIED_TO, the default) or use them in their spec (USED_IN),
// grouped by kind and paged per kind with group_member_offset and group_member_count.
func handleCategoryQuery(rq Request) (int, any, error) {
	var in categoryQueryInput
	if err := rq.Decode(&in); err != nil {
		return 0, nil, err
	}
	if in.CategoryFilter == nil || in.CategoryFilter.Params == nil {
		return 0, nil, ValidationError("category_filter.params is required")
	}
	usage := in.UsageType
	if usage == "" {
		usage = "APPLIED_TO"
	}
	if usage != "APPLIED_TO" && usage != "USED_IN" {
		return 0, nil, ValidationError("usage_type must be APPLIED_TO or USED_IN, got %q", in.UsageType)
	}
	matchAll := false
	switch in.CategoryFilter.Type {
	case "", "CATEGORIES_MATCH_ANY":
	case "CATEGORIES_MATCH_ALL":
		matchAll = true
	default:
		return 0, nil, ValidationError("category_filter.type must be CATEGORIES_MATCH_ALL or CATEGORIES_MATCH_ANY, got %q",
			in.CategoryFilter.Type)
	}
	offset, count := int64(0), int64(DefaultListLength)
	if in.GroupMemberOffset != nil {
		offset = *in.GroupMemberOffset
	}
	if in.GroupMemberCount != nil {
		count = *in.GroupMemberCount
	}
	if offset < 0 || count < 1 {
		return 0, nil, ValidationError("group_member_offset must be >= 0 and group_member_count >= 1")
	}
	groups := rq.PC.QueryCategories(CategoryQuery{Params: in.CategoryFilter.Params, Kinds: in.CategoryFilter.KindList,
		UsedIn: usage == "USED_IN", MatchAll: matchAll, Offset: offset, Count: count})
	results := []queryResult{}
	total := 0
	for _, g := range groups {
		res := queryResult{Kind: g.Kind, KindReferenceList: []queryReference{},
			FilteredEntityCount: int64(g.Matched), TotalEntityCount: int64(g.Matched)}
		for _, m := range g.Page {
			res.KindReferenceList = append(res.KindReferenceList, queryReference(m))
		}
		total += g.Matched
		results = append(results, res)
	}
	return http.StatusOK, map[string]any{
		"api_version": APIVersion,
		"metadata":    map[string]any{"kind": "category", "total_matches": total, "usage_type": usage},
		"results":     results,
	}, nil
}

func init() {
	addRoutes(
		route(http.MethodPost, "/categories/list", "category", handleListCategoryKeys),
		route(http.MethodPut, "/categories/{name}", "category", handlePutCategoryKey),
		route(http.MethodGet, "/categories/{name}", "category", handleGetCategoryKey),
		route(http.MethodDelete, "/categories/{name}", "category", handleDeleteCategoryKey),
		route(http.MethodPost, "/categories/{name}/list", "category", handleListCategoryValues),
		route(http.MethodPut, "/categories/{name}/{value}", "category", handlePutCategoryValue),
		route(http.MethodGet, "/categories/{name}/{value}", "category", handleGetCategoryValue),
		route(http.MethodDelete, "/categories/{name}/{value}", "category", handleDeleteCategoryValue),
		route(http.MethodPost, "/category/query", "category", handleCategoryQuery),
	)
}
