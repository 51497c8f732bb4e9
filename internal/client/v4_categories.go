package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
)

// Category values over the v4 API (prism v4.3, /config/categories). A v4 category is one
// key:value pair with its own extId (prism.v4.config.Category); v3 names values by key and
// value, and so does the provider's state. The client keeps the names: it finds a value's
// extId with $filter=key eq 'k' and value eq 'v', so state written under v3 reads under v4
// and back. A category key has no v4 entity of its own (and its description no v4 field), so
// keys keep the v3 endpoints whatever the protocol of the values (categories.go).

// Category types (prism.v4.config.CategoryType).
const v4CategoryUser = "USER"

// v4CategoryJSON is prism.v4.config.Category as far as the client reads it.
type v4CategoryJSON struct {
	ExtID       string `json:"extId,omitempty"`
	Key         string `json:"key"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
	Type        string `json:"type,omitempty"`
}

func (j *v4CategoryJSON) toValue() CategoryValue {
	return CategoryValue{Key: j.Key, Value: j.Value, Description: j.Description, SystemDefined: j.Type != "" && j.Type != v4CategoryUser}
}

// v4CategoriesPath is the collection of v4 categories; v4CategoryPath one of them.
func v4CategoriesPath() string           { return v4Prism.Path("/config/categories") }
func v4CategoryPath(extID string) string { return v4CategoriesPath() + "/" + escape(extID) }

// v4CategoryList lists the categories matching an OData filter, remembering their names.
func (c *Client) v4CategoryList(ctx context.Context, op, filter string) ([]v4CategoryJSON, error) {
	all, err := listV4[v4CategoryJSON](ctx, c, v4List{op: op, path: v4CategoriesPath(), filter: filter})
	for i := range all {
		c.categoryNames.Store(all[i].ExtID, all[i])
	}
	return all, err
}

// v4CategoryFind finds the category key/value; a missing one matches ErrNotFound.
func (c *Client) v4CategoryFind(ctx context.Context, op, key, value string) (*v4CategoryJSON, error) {
	found, err := c.v4CategoryList(ctx, op, V4FilterEq("key", key)+" and "+V4FilterEq("value", value))
	if err != nil {
		return nil, err
	}
	for i := range found {
		// The filter is the server's; the names are checked here too.
		if found[i].Key == key && found[i].Value == value {
			return &found[i], nil
		}
	}
	return nil, fmt.Errorf("%s: category value %s/%s: %w", op, key, value, ErrNotFound)
}

func (c *Client) v4GetCategoryValue(ctx context.Context, key, value string) (*CategoryValue, error) {
	j, err := c.v4CategoryFind(ctx, "reading category value "+key+"/"+value, key, value)
	if err != nil {
		return nil, err
	}
	out := j.toValue()
	return &out, nil
}

// v4CategoryValuesOf lists the values of key, for the run's lookups (LookupCategoryValue).
func (c *Client) v4CategoryValuesOf(key string) func(context.Context, func(pages int) bool) (map[string]CategoryValue, error) {
	return func(ctx context.Context, _ func(pages int) bool) (map[string]CategoryValue, error) {
		all, err := c.v4CategoryList(ctx, "listing values of category "+key, V4FilterEq("key", key))
		if err != nil {
			return nil, err
		}
		out := make(map[string]CategoryValue, len(all))
		for i := range all {
			if all[i].Key == key {
				out[all[i].Value] = all[i].toValue()
			}
		}
		return out, nil
	}
}

func (c *Client) v4ListCategoryValues(ctx context.Context, key string) ([]CategoryValue, error) {
	m, err := c.v4CategoryValuesOf(key)(ctx, nil)
	if err != nil {
		return nil, err
	}
	out := make([]CategoryValue, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out, nil
}

// v4CreateCategoryValue POSTs the category under one request id: the answer is the category
// (synchronous, no task).
func (c *Client) v4CreateCategoryValue(ctx context.Context, op string, v CategoryValue) (*CategoryValue, error) {
	if err := c.v4CategoryKeyExists(ctx, op, v.Key); err != nil {
		return nil, err
	}
	var got v4CategoryJSON
	_, err := c.sendV4(ctx, v4Call{op: op, method: http.MethodPost, path: v4CategoriesPath(), requestID: NewRequestID(),
		in: v4CategoryJSON{Key: v.Key, Value: v.Value, Description: v.Description}, out: &got})
	if err != nil {
		c.values.unknown(v.Key, v.Value)
		return nil, err
	}
	if got.Key == "" {
		got.Key, got.Value, got.Description = v.Key, v.Value, v.Description
	}
	if got.ExtID != "" {
		c.categoryNames.Store(got.ExtID, got)
	}
	res := got.toValue()
	c.values.wrote(v.Key, v.Value, res)
	return &res, nil
}

// v4CategoryKeyExists refuses a value of a key that does not exist, as v3 does (ErrNotFound).
// A v4 category is one key:value pair, and a v4 POST of a new key creates it (the SDK's
// Category has no key entity; nutanix.dev's v4 examples create a category by key and value
// alone); keys are this provider's nutanixdr_category, managed over v3. So that a
// configuration behaves the same on both wires, the key is asked over v3 unless a value of it
// was read over v4 in this client already.
func (c *Client) v4CategoryKeyExists(ctx context.Context, op, key string) error {
	known := false
	c.categoryNames.Range(func(_, v any) bool {
		if j, ok := v.(v4CategoryJSON); ok && j.Key == key {
			known = true
		}
		return !known
	})
	if known {
		return nil
	}
	if _, err := c.GetCategoryKey(ctx, key); err != nil {
		return fmt.Errorf("%s: category key %s: %w", op, key, err)
	}
	return nil
}

// v4PutCategoryValue creates the value, or updates its description: one list to find it, then
// one GET (ETag) and one PUT with If-Match, keeping the fields the client does not model.
func (c *Client) v4PutCategoryValue(ctx context.Context, op string, v CategoryValue) (*CategoryValue, error) {
	found, err := c.v4CategoryFind(ctx, op, v.Key, v.Value)
	if errors.Is(err, ErrNotFound) {
		return c.v4CreateCategoryValue(ctx, op, v)
	}
	if err != nil {
		return nil, err
	}
	path := v4CategoryPath(found.ExtID)
	var res CategoryValue
	err = conditionalV4(ctx, c, op, func() (json.RawMessage, string, error) {
		var raw json.RawMessage
		etag, err := c.getV4Entity(ctx, op, path, &raw)
		return raw, etag, err
	}, func(raw json.RawMessage, etag string) (string, bool, error) {
		var cur v4CategoryJSON
		body := map[string]any{}
		if err := json.Unmarshal(raw, &cur); err != nil {
			return "", false, err
		}
		if err := decodeNumbers(raw, &body); err != nil {
			return "", false, err
		}
		res = cur.toValue()
		if cur.Description == v.Description {
			return "", false, nil
		}
		body["description"] = v.Description
		// The answer is a list of messages, not the category.
		_, err := c.sendV4(ctx, v4Call{op: op, method: http.MethodPut, path: path, in: body, requestID: NewRequestID(), etag: etag})
		res.Description = v.Description
		return "", true, err
	})
	if err != nil {
		c.values.unknown(v.Key, v.Value)
		return nil, err
	}
	c.values.wrote(v.Key, v.Value, res)
	return &res, nil
}

// v4DeleteCategoryValue finds the value and deletes it with If-Match.
func (c *Client) v4DeleteCategoryValue(ctx context.Context, op, key, value string) error {
	found, err := c.v4CategoryFind(ctx, op, key, value)
	if err != nil {
		return err
	}
	return c.deleteV4(ctx, op, v4CategoryPath(found.ExtID))
}

// categoryExtIDs maps a category filter's names (key -> values) to v4 category extIds: one
// list per key. A value that does not exist is an error naming it.
func (c *Client) categoryExtIDs(ctx context.Context, op string, params map[string][]string) ([]string, error) {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		all, err := c.v4CategoryList(ctx, op, V4FilterEq("key", k))
		if err != nil {
			return nil, err
		}
		ids := map[string]string{}
		for i := range all {
			if all[i].Key == k {
				ids[all[i].Value] = all[i].ExtID
			}
		}
		for _, v := range params[k] {
			id, ok := ids[v]
			if !ok {
				return nil, fmt.Errorf("%s: category value %s/%s does not exist: create it first (nutanixdr_category_value)", op, k, v)
			}
			out = append(out, id)
		}
	}
	return out, nil
}

// categoryParams maps v4 category extIds back to names (key -> values, in the order of ids):
// each id the client has not seen in this run is read once (GET /config/categories/{extId}).
func (c *Client) categoryParams(ctx context.Context, op string, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range ids {
		v, ok := c.categoryNames.Load(id)
		if !ok {
			var j v4CategoryJSON
			if _, err := c.getV4Entity(ctx, op, v4CategoryPath(id), &j); err != nil {
				return nil, fmt.Errorf("%w (category %s of the entity)", err, id)
			}
			c.categoryNames.Store(id, j)
			v = j
		}
		j, _ := v.(v4CategoryJSON)
		out[j.Key] = append(out[j.Key], j.Value)
	}
	return out, nil
}
