package prismsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
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

func (pc *PC) seedCategoriesLocked(extra []CategoryConfig) {
	for _, sys := range systemCategories {
		k := pc.addCategoryKeyLocked(sys.name, sys.description, true)
		for _, v := range sys.values {
			pc.addCategoryValueLocked(k, v, "", true)
		}
	}
	for _, c := range extra {
		k := pc.categories[c.Name]
		if k == nil {
			k = pc.addCategoryKeyLocked(c.Name, c.Description, false)
		}
		for _, v := range c.Values {
			if k.values[v] == nil {
				pc.addCategoryValueLocked(k, v, "", false)
			}
		}
	}
}

func (pc *PC) addCategoryKeyLocked(name, description string, system bool) *categoryKey {
	pc.entitySeq++
	k := &categoryKey{name: name, description: description, systemDefined: system,
		cardinality: defaultCardinality, values: map[string]*categoryValue{}, seq: pc.entitySeq}
	pc.categories[name] = k
	return k
}

func (pc *PC) addCategoryValueLocked(k *categoryKey, value, description string, system bool) *categoryValue {
	pc.entitySeq++
	v := &categoryValue{value: value, description: description, systemDefined: system, seq: pc.entitySeq}
	k.values[value] = v
	return v
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

func (k *categoryKey) render() categoryKeyJSON {
	return categoryKeyJSON{APIVersion: apiVersion, Name: k.name, Description: k.description,
		SystemDefined: k.systemDefined, Capabilities: map[string]any{"cardinality": k.cardinality}}
}

func (v *categoryValue) render(key string) categoryValueJSON {
	return categoryValueJSON{APIVersion: apiVersion, Name: key, Value: v.value, Description: v.description,
		SystemDefined: v.systemDefined, AssignmentRule: v.assignmentRule}
}

type categoryKeyInput struct {
	Name         *string `json:"name"`
	Description  *string `json:"description"`
	Capabilities *struct {
		Cardinality *int64 `json:"cardinality"`
	} `json:"capabilities"`
}

func readOnly(what string) *apiError {
	return errorf(http.StatusUnprocessableEntity, reasonReadOnly,
		"%s is system-defined: it cannot be modified or deleted", what)
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
	pc := rq.pc
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	status := http.StatusOK
	switch {
	case k == nil:
		k = pc.addCategoryKeyLocked(name, description, false)
		status = http.StatusCreated
	case k.systemDefined:
		return 0, nil, readOnly("category " + name)
	default:
		k.description = description
	}
	k.cardinality = cardinality
	return status, k.render(), nil
}

func handleGetCategoryKey(rq *request) (int, any, error) {
	name := rq.param("name")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	pc := rq.pc
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	if k == nil {
		return 0, nil, notFound("category", name)
	}
	return http.StatusOK, k.render(), nil
}

func handleDeleteCategoryKey(rq *request) (int, any, error) {
	name := rq.param("name")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	pc := rq.pc
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	if k == nil {
		return 0, nil, notFound("category", name)
	}
	if k.systemDefined {
		return 0, nil, readOnly("category " + name)
	}
	if len(k.values) > 0 {
		values := sortedKeys(k.values)
		return 0, nil, &apiError{
			Status: http.StatusConflict,
			Reason: reasonDeletionFailed,
			Message: fmt.Sprintf("category %s still has %d value(s) (%s): delete its values first",
				name, len(values), strings.Join(values, ", ")),
			Details: map[string]string{"values": strings.Join(values, ",")},
		}
	}
	delete(pc.categories, name)
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
	pc := rq.pc
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	if k == nil {
		apiErr := notFound("category", name)
		apiErr.Message = fmt.Sprintf("category %s was not found: create the key before its values", name)
		return 0, nil, apiErr
	}
	v := k.values[value]
	status := http.StatusOK
	switch {
	case v == nil:
		v = pc.addCategoryValueLocked(k, value, description, false)
		status = http.StatusCreated
	case v.systemDefined:
		return 0, nil, readOnly("category value " + name + ":" + value)
	default:
		v.description = description
	}
	v.assignmentRule = in.AssignmentRule
	return status, v.render(name), nil
}

func handleGetCategoryValue(rq *request) (int, any, error) {
	name, value := rq.param("name"), rq.param("value")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	pc := rq.pc
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	if k == nil {
		return 0, nil, notFound("category", name)
	}
	v := k.values[value]
	if v == nil {
		return 0, nil, notFound("category", name+"/"+value)
	}
	return http.StatusOK, v.render(name), nil
}

func handleDeleteCategoryValue(rq *request) (int, any, error) {
	name, value := rq.param("name"), rq.param("value")
	if apiErr := categoryPathParams(rq, false); apiErr != nil {
		return 0, nil, apiErr
	}
	pc := rq.pc
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	if k == nil {
		return 0, nil, notFound("category", name)
	}
	v := k.values[value]
	if v == nil {
		return 0, nil, notFound("category", name+"/"+value)
	}
	if v.systemDefined {
		return 0, nil, readOnly("category value " + name + ":" + value)
	}
	if users := pc.categoryUsersLocked(name, value); len(users) > 0 {
		names := make([]string, len(users))
		for i, u := range users {
			names[i] = u.Kind + " " + u.Name
		}
		return 0, nil, &apiError{
			Status: http.StatusConflict,
			Reason: reasonDeletionFailed,
			Message: fmt.Sprintf("category value %s:%s is in use by %s: remove it from them first",
				name, value, strings.Join(names, ", ")),
			Details: map[string]string{"entities": strings.Join(names, ",")},
		}
	}
	delete(k.values, value)
	return http.StatusOK, nil, nil
}

// categoryUsersLocked lists the entities that have key:value assigned (in their intent or
// committed state) or refer to it in their spec.
func (pc *PC) categoryUsersLocked(key, value string) []reference {
	var out []reference
	for _, kindName := range sortedKeys(kinds) {
		k := kinds[kindName]
		for _, e := range pc.entitiesLocked(k) {
			if hasCategory(e.intent.categories, key, value) ||
				(e.committed != nil && hasCategory(e.committed.categories, key, value)) ||
				(k.usesCategory != nil && k.usesCategory(e, key, value)) {
				out = append(out, e.ref())
			}
		}
	}
	return out
}

func hasCategory(cats map[string][]string, key, value string) bool {
	for _, v := range cats[key] {
		if v == value {
			return true
		}
	}
	return false
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
	pc := rq.pc
	pc.mu.Lock()
	defer pc.mu.Unlock()
	items := make([]listItem, 0, len(pc.categories))
	for _, k := range pc.categories {
		k := k
		items = append(items, listItem{
			seq:    k.seq,
			attrs:  map[string][]string{"name": {k.name}, "system_defined": {fmt.Sprint(k.systemDefined)}},
			render: func() any { return k.render() },
		})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].seq < items[j].seq })
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
	pc := rq.pc
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	if k == nil {
		return 0, nil, notFound("category", name)
	}
	items := make([]listItem, 0, len(k.values))
	for _, v := range k.values {
		v := v
		items = append(items, listItem{
			seq:    v.seq,
			attrs:  map[string][]string{"value": {v.value}, "system_defined": {fmt.Sprint(v.systemDefined)}},
			render: func() any { return v.render(name) },
		})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].seq < items[j].seq })
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
	params := in.CategoryFilter.Params
	kindNames := in.CategoryFilter.KindList
	explicitKinds := len(kindNames) > 0
	if !explicitKinds {
		kindNames = sortedKeys(kinds)
	}
	pc := rq.pc
	pc.mu.Lock()
	defer pc.mu.Unlock()
	results := []queryResult{}
	total := 0
	for _, kindName := range kindNames {
		k := kinds[kindName]
		var matched []*entity
		if k != nil {
			for _, e := range pc.entitiesLocked(k) {
				if queryMatches(e, k, usage, params, matchAll) {
					matched = append(matched, e)
				}
			}
		}
		if len(matched) == 0 && !explicitKinds {
			continue
		}
		res := queryResult{Kind: kindName, KindReferenceList: []queryReference{},
			FilteredEntityCount: int64(len(matched)), TotalEntityCount: int64(len(matched))}
		for i := offset; i < int64(len(matched)) && i < offset+count; i++ {
			e := matched[i]
			single := map[string]string{}
			for key, values := range e.current().categories {
				if len(values) > 0 {
					single[key] = values[0]
				}
			}
			res.KindReferenceList = append(res.KindReferenceList, queryReference{
				Kind: k.name, UUID: e.uuid, Name: e.current().name, Categories: single})
		}
		total += len(matched)
		results = append(results, res)
	}
	return http.StatusOK, map[string]any{
		"api_version": apiVersion,
		"metadata":    map[string]any{"kind": "category", "total_matches": total, "usage_type": usage},
		"results":     results,
	}, nil
}

// queryMatches applies a category filter to an entity. A key with an empty value list
// matches any value of that key.
func queryMatches(e *entity, k *kindSpec, usage string, params map[string][]string, matchAll bool) bool {
	if len(params) == 0 {
		return false
	}
	has := func(key, value string) bool {
		if usage == "USED_IN" {
			return k.usesCategory != nil && k.usesCategory(e, key, value)
		}
		return hasCategory(e.current().categories, key, value)
	}
	keyMatches := func(key string, values []string) bool {
		if len(values) == 0 {
			if usage == "APPLIED_TO" {
				return len(e.current().categories[key]) > 0
			}
			return false
		}
		for _, v := range values {
			if has(key, v) {
				return true
			}
		}
		return false
	}
	for key, values := range params {
		m := keyMatches(key, values)
		if matchAll && !m {
			return false
		}
		if !matchAll && m {
			return true
		}
	}
	return matchAll
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
