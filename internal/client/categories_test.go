package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

// fakeCategories keeps category keys and values as raw JSON objects.
type fakeCategories struct {
	t      *testing.T
	mu     sync.Mutex
	keys   map[string]map[string]any
	values map[string]map[string]map[string]any
	puts   []map[string]any
	// dropDeletes commits that many deletes, then drops the connection.
	dropDeletes int
}

func newFakeCategories(t *testing.T) *fakeCategories {
	return &fakeCategories{t: t, keys: map[string]map[string]any{}, values: map[string]map[string]map[string]any{}}
}

func (f *fakeCategories) handle(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rest := strings.TrimPrefix(r.URL.Path, "/api/nutanix/v3/categories/")
	parts := strings.Split(rest, "/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/nutanix/v3/categories/list":
		var list []any
		for _, name := range sortedNames(f.keys) {
			list = append(list, f.keys[name])
		}
		writeJSON(w, 200, map[string]any{"metadata": map[string]any{"total_matches": len(list)}, "entities": list})
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "list":
		var list []any
		for _, v := range sortedNames(f.values[parts[0]]) {
			list = append(list, f.values[parts[0]][v])
		}
		writeJSON(w, 200, map[string]any{"metadata": map[string]any{"total_matches": len(list)}, "entities": list})
	case len(parts) == 1:
		f.object(w, r, f.keys, parts[0], func(in map[string]any) map[string]any {
			in["name"] = parts[0]
			if f.values[parts[0]] == nil {
				f.values[parts[0]] = map[string]map[string]any{}
			}
			return in
		})
	case len(parts) == 2:
		values := f.values[parts[0]]
		if values == nil {
			v3Error(w, 404, ReasonEntityNotFound, "category "+parts[0]+" does not exist")
			return
		}
		f.object(w, r, values, parts[1], func(in map[string]any) map[string]any {
			in["name"] = parts[0]
			return in
		})
	default:
		v3Error(w, 404, ReasonEntityNotFound, "no route")
	}
}

func (f *fakeCategories) object(w http.ResponseWriter, r *http.Request, store map[string]map[string]any, name string, onPut func(map[string]any) map[string]any) {
	switch r.Method {
	case http.MethodGet:
		obj, ok := store[name]
		if !ok {
			v3Error(w, 404, ReasonEntityNotFound, name+" does not exist")
			return
		}
		writeJSON(w, 200, obj)
	case http.MethodPut:
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			v3Error(w, 400, "INVALID_ARGUMENT", err.Error())
			return
		}
		f.puts = append(f.puts, maps.Clone(in))
		obj := onPut(in)
		obj["system_defined"] = false
		store[name] = obj
		writeJSON(w, 200, obj)
	case http.MethodDelete:
		if _, ok := store[name]; !ok {
			v3Error(w, 404, ReasonEntityNotFound, name+" does not exist")
			return
		}
		delete(store, name)
		if f.dropDeletes > 0 {
			f.dropDeletes--
			dropConnection(f.t, w)
			return
		}
		w.WriteHeader(200)
	}
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestCategoryKeysAndValues(t *testing.T) {
	f := newFakeCategories(t)
	srv := newServer(t, f.handle)
	c, _ := newClient(t, srv)
	c.pageSize = 2
	ctx := context.Background()

	k, err := c.PutCategoryKey(ctx, CategoryKey{Name: "replicated-vm", Description: "DR"})
	if err != nil || *k != (CategoryKey{Name: "replicated-vm", Description: "DR"}) {
		t.Fatalf("PutCategoryKey = %+v, %v", k, err)
	}
	for _, v := range []string{"from-canada", "from-france", "from space"} {
		if _, err := c.PutCategoryValue(ctx, CategoryValue{Key: "replicated-vm", Value: v, Description: "d " + v}); err != nil {
			t.Fatal(err)
		}
	}
	v, err := c.GetCategoryValue(ctx, "replicated-vm", "from space")
	if err != nil || *v != (CategoryValue{Key: "replicated-vm", Value: "from space", Description: "d from space"}) {
		t.Fatalf("GetCategoryValue = %+v, %v", v, err)
	}
	values, err := c.ListCategoryValues(ctx, "replicated-vm")
	if err != nil || len(values) != 3 || values[0].Value != "from space" || values[2].Key != "replicated-vm" {
		t.Fatalf("ListCategoryValues = %+v, %v", values, err)
	}
	for _, name := range []string{"a", "b", "c"} {
		if _, err := c.PutCategoryKey(ctx, CategoryKey{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := c.ListCategoryKeys(ctx)
	if err != nil || len(keys) != 4 {
		t.Fatalf("ListCategoryKeys = %+v, %v", keys, err)
	}
	if err := c.DeleteCategoryValue(ctx, "replicated-vm", "from-france"); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCategoryValue(ctx, "replicated-vm", "from-france")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted value: %v", err)
	}
	err = c.DeleteCategoryValue(ctx, "replicated-vm", "from-france")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting a missing value: %v", err)
	}
	mustContain(t, err.Error(), "deleting category value replicated-vm/from-france")
	if err := c.DeleteCategoryKey(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCategoryKey(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted key: %v", err)
	}
}

func TestPutCategoryKeyKeepsUnknownFields(t *testing.T) {
	f := newFakeCategories(t)
	f.keys["Tier"] = map[string]any{"name": "Tier", "description": "old", "system_defined": false, "capabilities": map[string]any{"cardinality": 64}}
	srv := newServer(t, f.handle)
	c, _ := newClient(t, srv)
	if _, err := c.PutCategoryKey(context.Background(), CategoryKey{Name: "Tier", Description: "new"}); err != nil {
		t.Fatal(err)
	}
	sent := f.puts[0]
	if !reflect.DeepEqual(sent["capabilities"], map[string]any{"cardinality": float64(64)}) || sent["description"] != "new" {
		t.Errorf("PUT body = %v", sent)
	}
	if _, ok := sent["system_defined"]; ok {
		t.Error("read-only system_defined was sent")
	}
}

func TestDeleteAfterDroppedAnswer(t *testing.T) {
	f := newFakeCategories(t)
	f.keys["k"] = map[string]any{"name": "k"}
	f.values["k"] = map[string]map[string]any{"v": {"name": "k", "value": "v"}}
	f.dropDeletes = 1
	srv := newServer(t, f.handle)
	c, _ := newClient(t, srv)
	if err := c.DeleteCategoryValue(context.Background(), "k", "v"); err != nil {
		t.Fatalf("a delete whose answer was lost must count as done: %v", err)
	}
	if len(f.values["k"]) != 0 {
		t.Error("value still there")
	}
}

func TestQueryCategoryUsage(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	vms := 5
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/nutanix/v3/categories/Env/list":
			writeJSON(w, 200, map[string]any{"metadata": map[string]any{"total_matches": 2}, "entities": []any{
				map[string]any{"name": "Env", "value": "Prod"}, map[string]any{"name": "Env", "value": "Dev"},
			}})
		case "/api/nutanix/v3/category/query":
			var in map[string]any
			_ = json.NewDecoder(r.Body).Decode(&in)
			mu.Lock()
			bodies = append(bodies, in)
			mu.Unlock()
			offsetF, _ := in["group_member_offset"].(float64)
			countF, _ := in["group_member_count"].(float64)
			offset, count := int(offsetF), int(countF)
			var refs []any
			for i := offset; i < vms && i < offset+count; i++ {
				refs = append(refs, map[string]any{"kind": "vm", "uuid": fmt.Sprintf("vm-%d", i), "name": fmt.Sprintf("app-%d", i), "categories": map[string]string{"Env": "Prod"}})
			}
			writeJSON(w, 200, map[string]any{
				"metadata": map[string]any{"total_matches": vms},
				"results":  []any{map[string]any{"kind": "vm", "kind_reference_list": refs, "filtered_entity_count": vms, "total_entity_count": vms}},
			})
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	})
	c, _ := newClient(t, srv)
	c.pageSize = 2
	usage, err := c.QueryCategoryUsage(context.Background(), "Env", nil, []string{"vm"})
	if err != nil {
		t.Fatal(err)
	}
	if len(usage) != vms || !reflect.DeepEqual(usage[4], CategoryUsage{Kind: "vm", UUID: "vm-4", Name: "app-4", Categories: map[string]string{"Env": "Prod"}}) {
		t.Errorf("usage = %+v", usage)
	}
	if len(bodies) != 3 {
		t.Errorf("queries = %d, want 3", len(bodies))
	}
	filter, _ := bodies[0]["category_filter"].(map[string]any)
	if bodies[0]["usage_type"] != "APPLIED_TO" || !reflect.DeepEqual(filter["params"], map[string]any{"Env": []any{"Prod", "Dev"}}) ||
		!reflect.DeepEqual(filter["kind_list"], []any{"vm"}) || filter["type"] != "CATEGORIES_MATCH_ANY" {
		t.Errorf("query body = %v", bodies[0])
	}
}
