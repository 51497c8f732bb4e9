package prismsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
)

// categoryPathParams checks the {name} and {value} path parameters of a request; strict
// applies the pattern PUT requires, else only the length every operation requires.
func categoryPathParams(rq *request, strict bool) *apiError {
	check := checkCategoryLength
	if strict {
		check = checkCategoryName
	}
	for _, p := range []string{"name", "value"} {
		v, ok := rq.params[p]
		if !ok {
			continue
		}
		if err := check("path parameter "+p, v); err != nil {
			return &apiError{Status: http.StatusUnprocessableEntity, Reason: reasonValidation, Message: err.Error(),
				Details: map[string]string{"parameter": p}}
		}
	}
	return nil
}

// categoryKeyJSON is the spec's category_key_status.
type categoryKeyJSON struct {
	APIVersion    string         `json:"api_version"`
	Name          string         `json:"name"`
	Description   string         `json:"description"`
	SystemDefined bool           `json:"system_defined"`
	Capabilities  map[string]any `json:"capabilities"`
}

// categoryValueJSON is the spec's category_value_status.
type categoryValueJSON struct {
	APIVersion     string          `json:"api_version"`
	Name           string          `json:"name"`
	Value          string          `json:"value"`
	Description    string          `json:"description"`
	SystemDefined  bool            `json:"system_defined"`
	AssignmentRule json.RawMessage `json:"assignment_rule,omitempty"`
}

func (k categoryKeyInfo) render() categoryKeyJSON {
	return categoryKeyJSON{APIVersion: apiVersion, Name: k.name, Description: k.description,
		SystemDefined: k.systemDefined, Capabilities: map[string]any{"cardinality": k.cardinality}}
}

func (v categoryValueInfo) render() categoryValueJSON {
	return categoryValueJSON{APIVersion: apiVersion, Name: v.key, Value: v.value, Description: v.description,
		SystemDefined: v.systemDefined, AssignmentRule: v.assignmentRule}
}

type categoryKeyInput struct {
	Name         *string `json:"name"`
	Description  *string `json:"description"`
	Capabilities *struct {
		Cardinality *int64 `json:"cardinality"`
	} `json:"capabilities"`
}

func handlePutCategoryKey(rq *request) (int, any, error) {
	name := rq.param("name")
	if apiErr := categoryPathParams(rq, true); apiErr != nil {
		return 0, nil, apiErr
	}
	var in categoryKeyInput
	if err := rq.decode(&in); err != nil {
		return 0, nil, err
	}
	if in.Name == nil {
		return 0, nil, validationError("name is required")
	}
	if *in.Name != name {
		return 0, nil, invalidArgument("name %q in the body does not match %q in the path", *in.Name, name)
	}
	if err := checkCategoryName("name", name); err != nil {
		return 0, nil, validationError("%v", err)
	}
	description := ""
	if in.Description != nil {
		description = *in.Description
	}
	if len(description) > maxCategoryDescription {
		return 0, nil, validationError("description is longer than %d characters", maxCategoryDescription)
	}
	cardinality := int64(defaultCardinality)
	if in.Capabilities != nil && in.Capabilities.Cardinality != nil {
		cardinality = *in.Capabilities.Cardinality
		if cardinality < 1 {
			return 0, nil, validationError("capabilities.cardinality must be at least 1")
		}
	}
	k, created, err := rq.pc.putCategoryKey(name, description, cardinality)
	if err != nil {
		return 0, nil, err
	}
	return createdOrOK(created), k.render(), nil
}

// createdOrOK is the status of a PUT that created (201) or replaced (200) what it names.
func createdOrOK(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

func handleGetCategoryKey(rq *request) (int, any, error) {
	name := rq.param("name")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	k, err := rq.pc.categoryKey(name)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, k.render(), nil
}

func handleDeleteCategoryKey(rq *request) (int, any, error) {
	name := rq.param("name")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	if err := rq.pc.deleteCategoryKey(name); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, nil, nil
}

type categoryValueInput struct {
	Value          *string         `json:"value"`
	Description    *string         `json:"description"`
	AssignmentRule json.RawMessage `json:"assignment_rule"`
}

func handlePutCategoryValue(rq *request) (int, any, error) {
	name, value := rq.param("name"), rq.param("value")
	if apiErr := categoryPathParams(rq, true); apiErr != nil {
		return 0, nil, apiErr
	}
	var in categoryValueInput
	if err := rq.decode(&in); err != nil {
		return 0, nil, err
	}
	if in.Value != nil && *in.Value != value {
		return 0, nil, invalidArgument("value %q in the body does not match %q in the path", *in.Value, value)
	}
	if err := checkCategoryName("value", value); err != nil {
		return 0, nil, validationError("%v", err)
	}
	description := ""
	if in.Description != nil {
		description = *in.Description
	}
	if len(description) > maxCategoryDescription {
		return 0, nil, validationError("description is longer than %d characters", maxCategoryDescription)
	}
	if string(in.AssignmentRule) == "null" {
		in.AssignmentRule = nil
	}
	v, created, err := rq.pc.putCategoryValue(name, value, description, in.AssignmentRule)
	if err != nil {
		return 0, nil, err
	}
	return createdOrOK(created), v.render(), nil
}

func handleGetCategoryValue(rq *request) (int, any, error) {
	name, value := rq.param("name"), rq.param("value")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	v, err := rq.pc.categoryValue(name, value)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, v.render(), nil
}

func handleDeleteCategoryValue(rq *request) (int, any, error) {
	name, value := rq.param("name"), rq.param("value")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	if err := rq.pc.deleteCategoryValue(name, value); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, nil, nil
}

var (
	categoryKeyAttrs   = []string{"name", "system_defined"}
	categoryValueAttrs = []string{"value", "system_defined"}
)

func handleListCategoryKeys(rq *request) (int, any, error) {
	lr, apiErr := decodeListRequest(rq, "category")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	keys := rq.pc.categoryKeys()
	items := make([]listItem, 0, len(keys))
	for _, k := range keys {
		k := k
		items = append(items, listItem{
			Seq:    k.seq,
			Attrs:  map[string][]string{"name": {k.name}, "system_defined": {fmt.Sprint(k.systemDefined)}},
			Render: func() any { return k.render() },
		})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Seq < items[j].Seq })
	meta, page, apiErr := runList(lr, "category", categoryKeyAttrs, items)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	return http.StatusOK, map[string]any{"api_version": apiVersion, "metadata": meta, "entities": page}, nil
}

func handleListCategoryValues(rq *request) (int, any, error) {
	name := rq.param("name")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	lr, apiErr := decodeListRequest(rq, "category")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	values, err := rq.pc.categoryValues(name)
	if err != nil {
		return 0, nil, err
	}
	items := make([]listItem, 0, len(values))
	for _, v := range values {
		v := v
		items = append(items, listItem{
			Seq:    v.seq,
			Attrs:  map[string][]string{"value": {v.value}, "system_defined": {fmt.Sprint(v.systemDefined)}},
			Render: func() any { return v.render() },
		})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Seq < items[j].Seq })
	meta, page, apiErr := runList(lr, "category", categoryValueAttrs, items)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	return http.StatusOK, map[string]any{"api_version": apiVersion, "metadata": meta, "entities": page}, nil
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
func handleCategoryQuery(rq *request) (int, any, error) {
	var in categoryQueryInput
	if err := rq.decode(&in); err != nil {
		return 0, nil, err
	}
	if in.CategoryFilter == nil || in.CategoryFilter.Params == nil {
		return 0, nil, validationError("category_filter.params is required")
	}
	usage := in.UsageType
	if usage == "" {
		usage = "APPLIED_TO"
	}
	if usage != "APPLIED_TO" && usage != "USED_IN" {
		return 0, nil, validationError("usage_type must be APPLIED_TO or USED_IN, got %q", in.UsageType)
	}
	matchAll := false
	switch in.CategoryFilter.Type {
	case "", "CATEGORIES_MATCH_ANY":
	case "CATEGORIES_MATCH_ALL":
		matchAll = true
	default:
		return 0, nil, validationError("category_filter.type must be CATEGORIES_MATCH_ALL or CATEGORIES_MATCH_ANY, got %q",
			in.CategoryFilter.Type)
	}
	offset, count := int64(0), int64(defaultListLength)
	if in.GroupMemberOffset != nil {
		offset = *in.GroupMemberOffset
	}
	if in.GroupMemberCount != nil {
		count = *in.GroupMemberCount
	}
	if offset < 0 || count < 1 {
		return 0, nil, validationError("group_member_offset must be >= 0 and group_member_count >= 1")
	}
	groups := rq.pc.queryCategories(categoryQuery{params: in.CategoryFilter.Params, kinds: in.CategoryFilter.KindList,
		usedIn: usage == "USED_IN", matchAll: matchAll, offset: offset, count: count})
	results := []queryResult{}
	total := 0
	for _, g := range groups {
		res := queryResult{Kind: g.kind, KindReferenceList: []queryReference{},
			FilteredEntityCount: int64(g.matched), TotalEntityCount: int64(g.matched)}
		for _, m := range g.page {
			res.KindReferenceList = append(res.KindReferenceList, queryReference{
				Kind: m.kind, UUID: m.uuid, Name: m.name, Categories: m.categories})
		}
		total += g.matched
		results = append(results, res)
	}
	return http.StatusOK, map[string]any{
		"api_version": apiVersion,
		"metadata":    map[string]any{"kind": "category", "total_matches": total, "usage_type": usage},
		"results":     results,
	}, nil
}

func init() {
	registerAPI(http.MethodPost, "/categories/list", "category", handleListCategoryKeys)
	registerAPI(http.MethodPut, "/categories/{name}", "category", handlePutCategoryKey)
	registerAPI(http.MethodGet, "/categories/{name}", "category", handleGetCategoryKey)
	registerAPI(http.MethodDelete, "/categories/{name}", "category", handleDeleteCategoryKey)
	registerAPI(http.MethodPost, "/categories/{name}/list", "category", handleListCategoryValues)
	registerAPI(http.MethodPut, "/categories/{name}/{value}", "category", handlePutCategoryValue)
	registerAPI(http.MethodGet, "/categories/{name}/{value}", "category", handleGetCategoryValue)
	registerAPI(http.MethodDelete, "/categories/{name}/{value}", "category", handleDeleteCategoryValue)
	registerAPI(http.MethodPost, "/category/query", "category", handleCategoryQuery)
}
