package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Category usage types of POST /category/query.
const (
	categoryUsageAppliedTo = "APPLIED_TO"
	categoryMatchAny       = "CATEGORIES_MATCH_ANY"
)

// CategoryKey is a category key ("Environment").
type CategoryKey struct {
	Name          string
	Description   string
	SystemDefined bool
}

// CategoryValue is one value of a category key ("Environment: Production").
type CategoryValue struct {
	Key           string
	Value         string
	Description   string
	SystemDefined bool
}

// CategoryUsage is an entity a category value is assigned to.
type CategoryUsage struct {
	Kind       string
	UUID       string
	Name       string
	Categories map[string]string
}

type categoryKeyJSON struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	SystemDefined bool   `json:"system_defined"`
}

func (k *categoryKeyJSON) looksLikeV3() bool { return k.Name != "" }

func (k *categoryKeyJSON) toKey() CategoryKey {
	return CategoryKey{Name: k.Name, Description: k.Description, SystemDefined: k.SystemDefined}
}

type categoryValueJSON struct {
	Name          string `json:"name"`
	Value         string `json:"value"`
	Description   string `json:"description"`
	SystemDefined bool   `json:"system_defined"`
}

func (v *categoryValueJSON) looksLikeV3() bool { return v.Value != "" }

func (v *categoryValueJSON) toValue(key string) CategoryValue {
	if v.Name != "" {
		key = v.Name
	}
	return CategoryValue{Key: key, Value: v.Value, Description: v.Description, SystemDefined: v.SystemDefined}
}

func keyPath(name string) string         { return "/categories/" + escape(name) }
func valuePath(key, value string) string { return keyPath(key) + "/" + escape(value) }

// GetCategoryKey reads a category key.
func (c *Client) GetCategoryKey(ctx context.Context, name string) (*CategoryKey, error) {
	var k categoryKeyJSON
	if err := c.do(ctx, "reading category "+name, http.MethodGet, keyPath(name), nil, &k); err != nil {
		return nil, err
	}
	out := k.toKey()
	return &out, nil
}

// CreateCategoryKey creates a category key the caller has just found absent (GetCategoryKey
// answered ErrNotFound): one PUT, no read, since there is nothing to keep.
func (c *Client) CreateCategoryKey(ctx context.Context, k CategoryKey) (*CategoryKey, error) {
	return c.putCategoryKey(ctx, "creating category "+k.Name, map[string]any{}, k)
}

// PutCategoryKey creates a category key or updates its description. Fields
// of an existing key the client does not model are sent back unchanged.
func (c *Client) PutCategoryKey(ctx context.Context, k CategoryKey) (*CategoryKey, error) {
	op := "creating or updating category " + k.Name
	body, err := c.readForPut(ctx, op, keyPath(k.Name))
	if err != nil {
		return nil, err
	}
	return c.putCategoryKey(ctx, op, body, k)
}

// putCategoryKey overlays k on body (what the server holds, or nothing) and sends it.
func (c *Client) putCategoryKey(ctx context.Context, op string, body map[string]any, k CategoryKey) (*CategoryKey, error) {
	delete(body, "system_defined")
	body["api_version"] = apiVersion
	body["name"] = k.Name
	body["description"] = k.Description
	var out categoryKeyJSON
	err := c.do(ctx, op, http.MethodPut, keyPath(k.Name), body, &out)
	// Whatever happened, the key's values are no longer what an earlier list said.
	c.values.forget(k.Name)
	if err != nil {
		return nil, err
	}
	res := out.toKey()
	return &res, nil
}

// DeleteCategoryKey deletes a category key. A key still holding values or
// assigned to entities is refused by Prism Central.
func (c *Client) DeleteCategoryKey(ctx context.Context, name string) error {
	err := c.deleteSync(ctx, "deleting category "+name, keyPath(name))
	c.values.forget(name)
	return err
}

// ListCategoryKeys lists every category key, system-defined ones included.
func (c *Client) ListCategoryKeys(ctx context.Context) ([]CategoryKey, error) {
	return listTyped(ctx, c, "listing categories", "category", "/categories/list", "", (*categoryKeyJSON).toKey)
}

// GetCategoryValue reads one value of a category key.
func (c *Client) GetCategoryValue(ctx context.Context, key, value string) (*CategoryValue, error) {
	if c.wire(ctx, KindCategories) == WireV4 {
		return c.v4GetCategoryValue(ctx, key, value)
	}
	var v categoryValueJSON
	if err := c.do(ctx, "reading category value "+key+"/"+value, http.MethodGet, valuePath(key, value), nil, &v); err != nil {
		return nil, err
	}
	out := v.toValue(key)
	return &out, nil
}

// LookupCategoryValue answers whether a value exists, like GetCategoryValue (ErrNotFound when
// it does not), but from one list of the key's values per run, shared by every lookup of that
// key: a refresh or the existence checks of many values cost a list page per 100 values
// instead of a GET each. Each object's answer from the list is used once; asking about the
// same value again in the run sends a GET. See runCache.
func (c *Client) LookupCategoryValue(ctx context.Context, key, value string) (*CategoryValue, error) {
	list := listGroup(c, "listing values of category "+key, "category", keyPath(key)+"/list",
		func(v *categoryValueJSON) CategoryValue { return v.toValue(key) },
		func(v *CategoryValue) string { return v.Value })
	if c.wire(ctx, KindCategories) == WireV4 {
		list = c.v4CategoryValuesOf(key)
	}
	fetch := fetchOne(func(ctx context.Context) (*CategoryValue, error) { return c.GetCategoryValue(ctx, key, value) })
	return lookupOne(ctx, &c.values, key, value, "category value "+key+"/"+value, list, fetch)
}

// CreateCategoryValue creates a category value the caller has just found absent (with
// LookupCategoryValue or GetCategoryValue): one PUT, no read, since there is nothing to keep.
func (c *Client) CreateCategoryValue(ctx context.Context, v CategoryValue) (*CategoryValue, error) {
	if c.wire(ctx, KindCategories) == WireV4 {
		return c.v4CreateCategoryValue(ctx, "creating category value "+v.Key+"/"+v.Value, v)
	}
	return c.putCategoryValue(ctx, "creating category value "+v.Key+"/"+v.Value, map[string]any{}, v)
}

// PutCategoryValue creates a category value or updates its description.
// Fields of an existing value the client does not model are sent back
// unchanged: one GET, one PUT.
func (c *Client) PutCategoryValue(ctx context.Context, v CategoryValue) (*CategoryValue, error) {
	op := "creating or updating category value " + v.Key + "/" + v.Value
	if c.wire(ctx, KindCategories) == WireV4 {
		return c.v4PutCategoryValue(ctx, op, v)
	}
	body, err := c.readForPut(ctx, op, valuePath(v.Key, v.Value))
	if err != nil {
		return nil, err
	}
	return c.putCategoryValue(ctx, op, body, v)
}

// putCategoryValue overlays v on body (what the server holds, or nothing), sends it, and
// tells the run's cache what the server answered.
func (c *Client) putCategoryValue(ctx context.Context, op string, body map[string]any, v CategoryValue) (*CategoryValue, error) {
	delete(body, "system_defined")
	delete(body, "name")
	body["api_version"] = apiVersion
	body["value"] = v.Value
	body["description"] = v.Description
	var out categoryValueJSON
	if err := c.do(ctx, op, http.MethodPut, valuePath(v.Key, v.Value), body, &out); err != nil {
		c.values.unknown(v.Key, v.Value)
		return nil, err
	}
	res := out.toValue(v.Key)
	c.values.wrote(v.Key, v.Value, res)
	return &res, nil
}

// DeleteCategoryValue deletes a category value. A value still assigned to
// an entity or used by a policy is refused by Prism Central.
func (c *Client) DeleteCategoryValue(ctx context.Context, key, value string) error {
	op := "deleting category value " + key + "/" + value
	var err error
	if c.wire(ctx, KindCategories) == WireV4 {
		err = c.v4DeleteCategoryValue(ctx, op, key, value)
	} else {
		err = c.deleteSync(ctx, op, valuePath(key, value))
	}
	switch {
	case err == nil || errors.Is(err, ErrNotFound):
		c.values.deleted(key, value)
	default:
		c.values.unknown(key, value)
	}
	return err
}

// ListCategoryValues lists every value of a category key.
func (c *Client) ListCategoryValues(ctx context.Context, key string) ([]CategoryValue, error) {
	if c.wire(ctx, KindCategories) == WireV4 {
		return c.v4ListCategoryValues(ctx, key)
	}
	return listTyped(ctx, c, "listing values of category "+key, "category", keyPath(key)+"/list", "",
		func(v *categoryValueJSON) CategoryValue { return v.toValue(key) })
}

// QueryCategoryUsage lists the entities that have one of values of key
// assigned (POST /category/query, usage APPLIED_TO). An empty values means
// every value of the key; an empty kinds means every kind.
func (c *Client) QueryCategoryUsage(ctx context.Context, key string, values []string, kinds []string) ([]CategoryUsage, error) {
	op := "querying the entities with category " + key
	if len(values) == 0 {
		all, err := c.ListCategoryValues(ctx, key)
		if err != nil {
			return nil, err
		}
		for _, v := range all {
			values = append(values, v.Value)
		}
		if len(values) == 0 {
			return nil, nil
		}
	}
	filter := map[string]any{"type": categoryMatchAny, "params": map[string][]string{key: values}}
	if len(kinds) > 0 {
		filter["kind_list"] = kinds
	}
	var out []CategoryUsage
	seen := map[string]bool{}
	for offset := 0; ; offset += c.pageSize {
		in := map[string]any{
			"api_version":         apiVersion,
			"usage_type":          categoryUsageAppliedTo,
			"category_filter":     filter,
			"group_member_count":  c.pageSize,
			"group_member_offset": offset,
		}
		var resp categoryQueryResponse
		if _, err := c.send(ctx, call{op: op, method: http.MethodPost, path: "/category/query", in: in, out: &resp, idempotent: true}); err != nil {
			return nil, err
		}
		more := false
		for _, group := range resp.Results {
			for _, ref := range group.KindReferenceList {
				kind := ref.Kind
				if kind == "" {
					kind = group.Kind
				}
				id := kind + "/" + ref.UUID
				if seen[id] {
					continue
				}
				seen[id] = true
				out = append(out, CategoryUsage{Kind: kind, UUID: ref.UUID, Name: ref.Name, Categories: ref.Categories})
			}
			total := group.FilteredEntityCount
			if total == 0 {
				total = group.TotalEntityCount
			}
			if len(group.KindReferenceList) == c.pageSize && offset+len(group.KindReferenceList) < total {
				more = true
			}
		}
		if !more {
			return out, nil
		}
	}
}

type categoryQueryResponse struct {
	Results []struct {
		Kind                string `json:"kind"`
		FilteredEntityCount int    `json:"filtered_entity_count"`
		TotalEntityCount    int    `json:"total_entity_count"`
		KindReferenceList   []struct {
			Kind       string            `json:"kind"`
			UUID       string            `json:"uuid"`
			Name       string            `json:"name"`
			Categories map[string]string `json:"categories"`
		} `json:"kind_reference_list"`
	} `json:"results"`
	Metadata json.RawMessage `json:"metadata"`
}

func (r *categoryQueryResponse) looksLikeV3() bool { return r.Results != nil || r.Metadata != nil }

// readForPut reads the object at path as a raw map so that a create-or-
// update PUT sends back what it does not change. A missing object gives an
// empty map.
func (c *Client) readForPut(ctx context.Context, op, path string) (map[string]any, error) {
	var raw json.RawMessage
	err := c.do(ctx, op, http.MethodGet, path, nil, &raw)
	if errors.Is(err, ErrNotFound) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, err
	}
	body := map[string]any{}
	if err := decodeNumbers(raw, &body); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return body, nil
}

// deleteSync sends a DELETE that needs no task. A 404 on a repeated
// attempt whose first try may have landed counts as done.
func (c *Client) deleteSync(ctx context.Context, op, path string) error {
	res, err := c.send(ctx, call{op: op, method: http.MethodDelete, path: path, idempotent: true})
	if err != nil && res.maybeCommitted && errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
