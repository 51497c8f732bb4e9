package prismsim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// The category model: keys, values and the rules their names follow, whatever the wire
// (package v3 serves them through v3_backend.go; config.go checks seeded ones with the same rules).

// Category limits and name rules are the model's (model/categories.go).
const (
	maxCategoryDescription = model.MaxCategoryDescription
	defaultCardinality     = model.DefaultCardinality
)

var checkCategoryName = model.CheckCategoryName

// systemCategories are created on every PC with system_defined true; they cannot be changed
// or deleted, but users may add values of their own to them, as on a real PC.
var systemCategories = []struct {
	name        string
	description string
	values      []string
}{
	{"Environment", "Environment", []string{"Production", "Dev", "Staging", "Testing"}},
	{"AppType", "Application type", []string{"Default", "Exchange", "Oracle_DB", "SQL_Server", "Kubernetes"}},
	{"AppTier", "Application tier", []string{"Default"}},
	{"Quarantine", "Quarantine", []string{"Strict", "Forensic"}},
}

// categoryKey is a category key and its values. Categories are synchronous: no task.
type categoryKey struct {
	name          string
	description   string
	systemDefined bool
	cardinality   int64
	values        map[string]*categoryValue
	seq           int64
}

type categoryValue struct {
	value          string
	description    string
	systemDefined  bool
	assignmentRule json.RawMessage
	seq            int64
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

// categoryKeyInfo is a copy of a category key, as the model hands it to wires.
type categoryKeyInfo struct {
	name          string
	description   string
	systemDefined bool
	cardinality   int64
	seq           int64
}

// categoryValueInfo is a copy of a category value of key.
type categoryValueInfo struct {
	key            string
	value          string
	description    string
	systemDefined  bool
	assignmentRule json.RawMessage
	seq            int64
}

func (k *categoryKey) info() categoryKeyInfo {
	return categoryKeyInfo{name: k.name, description: k.description, systemDefined: k.systemDefined,
		cardinality: k.cardinality, seq: k.seq}
}

func (v *categoryValue) info(key string) categoryValueInfo {
	return categoryValueInfo{key: key, value: v.value, description: v.description, systemDefined: v.systemDefined,
		assignmentRule: v.assignmentRule, seq: v.seq}
}

func readOnly(what string) *modelError {
	return failf(errPrecondition, model.CondReadOnly, "%s is system-defined: it cannot be modified or deleted", what)
}

// putCategoryKey creates the key name or replaces its description and cardinality; created
// tells which. A system-defined key cannot change.
func (pc *PC) putCategoryKey(name, description string, cardinality int64) (categoryKeyInfo, bool, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	created := false
	switch {
	case k == nil:
		k = pc.addCategoryKeyLocked(name, description, false)
		created = true
	case k.systemDefined:
		return categoryKeyInfo{}, false, readOnly("category " + name)
	default:
		k.description = description
	}
	k.cardinality = cardinality
	return k.info(), created, nil
}

// categoryKey returns the key name.
func (pc *PC) categoryKey(name string) (categoryKeyInfo, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	if k == nil {
		return categoryKeyInfo{}, notFoundError("category", name)
	}
	return k.info(), nil
}

// categoryKeys returns every key in creation order.
func (pc *PC) categoryKeys() []categoryKeyInfo {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	out := make([]categoryKeyInfo, 0, len(pc.categories))
	for _, k := range pc.categories {
		out = append(out, k.info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// deleteCategoryKey removes the key name, which must have no values left.
func (pc *PC) deleteCategoryKey(name string) error {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[name]
	if k == nil {
		return notFoundError("category", name)
	}
	if k.systemDefined {
		return readOnly("category " + name)
	}
	if len(k.values) > 0 {
		values := sortedKeys(k.values)
		return &modelError{Kind: errInUse, Code: model.CondDeletionFailed, Entity: "category", ID: name,
			Message: fmt.Sprintf("category %s still has %d value(s) (%s): delete its values first",
				name, len(values), strings.Join(values, ", ")),
			Details: map[string]string{"values": strings.Join(values, ",")},
		}
	}
	delete(pc.categories, name)
	return nil
}

// putCategoryValue creates the value of key or replaces its description and assignment
// rule; created tells which. The key must exist; a system-defined value cannot change.
func (pc *PC) putCategoryValue(key, value, description string, rule json.RawMessage) (categoryValueInfo, bool, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[key]
	if k == nil {
		me := notFoundError("category", key)
		me.Message = fmt.Sprintf("category %s was not found: create the key before its values", key)
		return categoryValueInfo{}, false, me
	}
	v := k.values[value]
	created := false
	switch {
	case v == nil:
		v = pc.addCategoryValueLocked(k, value, description, false)
		created = true
	case v.systemDefined:
		return categoryValueInfo{}, false, readOnly("category value " + key + ":" + value)
	default:
		v.description = description
	}
	v.assignmentRule = rule
	return v.info(key), created, nil
}

// categoryValueLocked returns the value of key, or a not-found error for the key or the value.
func (pc *PC) categoryValueLocked(key, value string) (*categoryValue, error) {
	k := pc.categories[key]
	if k == nil {
		return nil, notFoundError("category", key)
	}
	v := k.values[value]
	if v == nil {
		return nil, notFoundError("category", key+"/"+value)
	}
	return v, nil
}

// categoryValue returns the value of key.
func (pc *PC) categoryValue(key, value string) (categoryValueInfo, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	v, err := pc.categoryValueLocked(key, value)
	if err != nil {
		return categoryValueInfo{}, err
	}
	return v.info(key), nil
}

// categoryValues returns the values of key in creation order.
func (pc *PC) categoryValues(key string) ([]categoryValueInfo, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[key]
	if k == nil {
		return nil, notFoundError("category", key)
	}
	out := make([]categoryValueInfo, 0, len(k.values))
	for _, v := range k.values {
		out = append(out, v.info(key))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, nil
}

// deleteCategoryValue removes the value of key, which no entity may use.
func (pc *PC) deleteCategoryValue(key, value string) error {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	v, err := pc.categoryValueLocked(key, value)
	if err != nil {
		return err
	}
	if v.systemDefined {
		return readOnly("category value " + key + ":" + value)
	}
	if users := pc.categoryUsersLocked(key, value); len(users) > 0 {
		names := make([]string, len(users))
		for i, u := range users {
			names[i] = u.Kind + " " + u.Name
		}
		return &modelError{Kind: errInUse, Code: model.CondDeletionFailed, Entity: "category", ID: key + "/" + value,
			Message: fmt.Sprintf("category value %s:%s is in use by %s: remove it from them first",
				key, value, strings.Join(names, ", ")),
			Details: map[string]string{"entities": strings.Join(names, ",")},
		}
	}
	delete(pc.categories[key].values, value)
	return nil
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

// categoryQuery asks which entities have category values applied (or, usedIn, use them in
// their spec), by kind: the kinds named, else every kind with a match.
type categoryQuery struct {
	params   map[string][]string
	kinds    []string
	usedIn   bool
	matchAll bool
	offset   int64
	count    int64
}

// categoryMatch is an entity a category query matched, with its categories (one value a key).
type categoryMatch struct {
	kind, uuid, name string
	categories       map[string]string
}

// categoryMatches are the matches of one kind: how many, and the page asked for.
type categoryMatches struct {
	kind    string
	matched int
	page    []categoryMatch
}

// queryCategories runs a category query.
func (pc *PC) queryCategories(q categoryQuery) []categoryMatches {
	usage := "APPLIED_TO"
	if q.usedIn {
		usage = "USED_IN"
	}
	kindNames := q.kinds
	explicitKinds := len(kindNames) > 0
	if !explicitKinds {
		kindNames = sortedKeys(kinds)
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var out []categoryMatches
	for _, kindName := range kindNames {
		k := kinds[kindName]
		var matched []*entity
		if k != nil {
			for _, e := range pc.entitiesLocked(k) {
				if queryMatches(e, k, usage, q.params, q.matchAll) {
					matched = append(matched, e)
				}
			}
		}
		if len(matched) == 0 && !explicitKinds {
			continue
		}
		g := categoryMatches{kind: kindName, matched: len(matched)}
		for i := q.offset; i < int64(len(matched)) && i < q.offset+q.count; i++ {
			e := matched[i]
			single := map[string]string{}
			for key, values := range e.current().categories {
				if len(values) > 0 {
					single[key] = values[0]
				}
			}
			g.page = append(g.page, categoryMatch{kind: k.name, uuid: e.uuid, name: e.current().name, categories: single})
		}
		out = append(out, g)
	}
	return out
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
