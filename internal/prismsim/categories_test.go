package prismsim

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestCategoryKeysAndValues(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))

	expect(t, c.v3("GET", "/categories/replicated-vm", nil), http.StatusNotFound)
	r := expect(t, c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "replicated-vm", "description": "DR"}), http.StatusCreated).json(t)
	if r["name"] != "replicated-vm" || r["description"] != "DR" || r["system_defined"] != false || r["api_version"] != apiVersion {
		t.Fatalf("created key: %v", r)
	}
	r = expect(t, c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "replicated-vm", "description": "DR v2"}), http.StatusOK).json(t)
	if r["description"] != "DR v2" {
		t.Fatalf("updated key: %v", r)
	}
	if got := expect(t, c.v3("GET", "/categories/replicated-vm", nil), 200).json(t)["description"]; got != "DR v2" {
		t.Fatalf("read back %v", got)
	}
	// Name in the body must match the path; name is required.
	if rr := expect(t, c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "other"}), 422); rr.reason(t) != reasonInvalidArgument {
		t.Fatal(rr.reason(t))
	}
	if rr := expect(t, c.v3("PUT", "/categories/replicated-vm", map[string]any{}), 422); rr.reason(t) != reasonValidation {
		t.Fatal(rr.reason(t))
	}
	long := strings.Repeat("x", 65)
	expect(t, c.v3("PUT", "/categories/"+long, map[string]any{"name": long}), 422)

	// Values: the key must exist.
	expect(t, c.v3("PUT", "/categories/nokey/v", map[string]any{"value": "v"}), http.StatusNotFound)
	v := expect(t, c.v3("PUT", "/categories/replicated-vm/from-canada", map[string]any{"value": "from-canada", "description": "primary"}), 201).json(t)
	if v["name"] != "replicated-vm" || v["value"] != "from-canada" || v["description"] != "primary" || v["system_defined"] != false {
		t.Fatalf("value: %v", v)
	}
	expect(t, c.v3("PUT", "/categories/replicated-vm/from-canada", map[string]any{"description": "p2"}), 200)
	if got := expect(t, c.v3("GET", "/categories/replicated-vm/from-canada", nil), 200).json(t)["description"]; got != "p2" {
		t.Fatalf("value description %v", got)
	}
	expect(t, c.v3("GET", "/categories/replicated-vm/nope", nil), http.StatusNotFound)

	// A key with values cannot be deleted.
	rr := expect(t, c.v3("DELETE", "/categories/replicated-vm", nil), http.StatusConflict)
	if rr.reason(t) != reasonDeletionFailed || !strings.Contains(rr.message(t), "from-canada") {
		t.Fatalf("%s: %s", rr.reason(t), rr.message(t))
	}
	expect(t, c.v3("DELETE", "/categories/replicated-vm/from-canada", nil), 200)
	expect(t, c.v3("GET", "/categories/replicated-vm/from-canada", nil), http.StatusNotFound)
	expect(t, c.v3("DELETE", "/categories/replicated-vm", nil), 200)
	expect(t, c.v3("GET", "/categories/replicated-vm", nil), http.StatusNotFound)
	expect(t, c.v3("DELETE", "/categories/replicated-vm", nil), http.StatusNotFound)

	// Categories are per PC.
	expect(t, c.v3("PUT", "/categories/only-here", map[string]any{"name": "only-here"}), 201)
	expect(t, newClient(t, w.PC("france")).v3("GET", "/categories/only-here", nil), http.StatusNotFound)
}

func TestSystemDefinedCategories(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("france"))
	k := expect(t, c.v3("GET", "/categories/Environment", nil), 200).json(t)
	if k["system_defined"] != true {
		t.Fatalf("Environment: %v", k)
	}
	values := expect(t, c.v3("POST", "/categories/Environment/list", map[string]any{"kind": "category"}), 200).json(t)
	var got []string
	for _, e := range arr(t, values["entities"]) {
		got = append(got, getString(e, "value"))
		if get(e, "system_defined") != true {
			t.Fatalf("value not system-defined: %v", e)
		}
	}
	if strings.Join(got, ",") != "Production,Dev,Staging,Testing" {
		t.Fatalf("Environment values %v", got)
	}
	for _, rq := range []struct{ method, path string }{
		{"PUT", "/categories/Environment"},
		{"DELETE", "/categories/Environment"},
		{"PUT", "/categories/Environment/Production"},
		{"DELETE", "/categories/Environment/Production"},
	} {
		body := map[string]any{"name": "Environment", "description": "mine"}
		if rq.method == "DELETE" {
			body = nil
		}
		r := c.v3(rq.method, rq.path, body)
		if r.status != http.StatusUnprocessableEntity || r.reason(t) != reasonReadOnly {
			t.Fatalf("%s %s: %d %s", rq.method, rq.path, r.status, r.body)
		}
	}
	// Users may add their own values to a system key, and delete them.
	v := expect(t, c.v3("PUT", "/categories/Environment/DR-Test", map[string]any{}), 201).json(t)
	if v["system_defined"] != false {
		t.Fatalf("user value: %v", v)
	}
	expect(t, c.v3("DELETE", "/categories/Environment/DR-Test", nil), 200)
	expect(t, c.v3("GET", "/categories/Environment/Production", nil), 200)
}

func TestCategoryValueInUse(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	expect(t, c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "replicated-vm"}), 201)
	expect(t, c.v3("PUT", "/categories/replicated-vm/from-canada", map[string]any{}), 201)
	for _, name := range []string{"app-01", "db-01"} {
		vm := c.vmByName(name)
		md := obj(t, vm["metadata"])
		md["categories"] = map[string]any{"replicated-vm": "from-canada"}
		r := expect(t, c.v3("PUT", "/vms/"+getString(md, "uuid"), map[string]any{"metadata": md, "spec": vm["spec"]}), 202).json(t)
		if task := c.waitTask(getString(r, "status", "execution_context", "task_uuid")); task["status"] != TaskSucceeded {
			t.Fatalf("task %v", task)
		}
	}
	r := expect(t, c.v3("DELETE", "/categories/replicated-vm/from-canada", nil), http.StatusConflict)
	if r.reason(t) != reasonDeletionFailed || !strings.Contains(r.message(t), "vm app-01") || !strings.Contains(r.message(t), "vm db-01") {
		t.Fatalf("%s: %s", r.reason(t), r.message(t))
	}

	// /category/query answers which VMs carry the value.
	q := expect(t, c.v3("POST", "/category/query", map[string]any{
		"usage_type":      "APPLIED_TO",
		"category_filter": map[string]any{"type": "CATEGORIES_MATCH_ANY", "kind_list": []string{"vm"}, "params": map[string]any{"replicated-vm": []string{"from-canada"}}},
	}), 200).json(t)
	if getString(q, "results", 0, "kind") != "vm" || getInt(t, q, "results", 0, "total_entity_count") != 2 {
		t.Fatalf("query: %s", mustJSON(q))
	}
	names := map[string]bool{}
	for _, ref := range arr(t, get(q, "results", 0, "kind_reference_list")) {
		names[getString(ref, "name")] = true
		if getString(ref, "categories", "replicated-vm") != "from-canada" || getString(ref, "kind") != "vm" {
			t.Fatalf("reference %v", ref)
		}
	}
	if !names["app-01"] || !names["db-01"] || len(names) != 2 {
		t.Fatalf("query names %v", names)
	}
	// MATCH_ALL with a second key nobody has matches nothing; paging per kind works.
	q = expect(t, c.v3("POST", "/category/query", map[string]any{
		"category_filter": map[string]any{"type": "CATEGORIES_MATCH_ALL", "params": map[string]any{
			"replicated-vm": []string{"from-canada"}, "Environment": []string{"Production"}}},
	}), 200).json(t)
	if len(arr(t, q["results"])) != 0 {
		t.Fatalf("MATCH_ALL: %s", mustJSON(q))
	}
	q = expect(t, c.v3("POST", "/category/query", map[string]any{
		"group_member_count": 1, "group_member_offset": 1,
		"category_filter": map[string]any{"params": map[string]any{"replicated-vm": []string{}}},
	}), 200).json(t)
	if len(arr(t, get(q, "results", 0, "kind_reference_list"))) != 1 || getInt(t, q, "results", 0, "filtered_entity_count") != 2 {
		t.Fatalf("paged query: %s", mustJSON(q))
	}
	expect(t, c.v3("POST", "/category/query", map[string]any{}), 422)
}

func TestCategoryParallelValues(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	expect(t, c.v3("PUT", "/categories/parallel", map[string]any{"name": "parallel"}), 201)
	var wg sync.WaitGroup
	statuses := make([]int, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := c.v3("PUT", fmt.Sprintf("/categories/parallel/v%02d", i), map[string]any{"value": fmt.Sprintf("v%02d", i)})
			statuses[i] = r.status
		}(i)
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusCreated {
			t.Fatalf("value %d: status %d", i, s)
		}
	}
	// All 50 are listed; paging by 20 with total_matches.
	seen := map[string]bool{}
	for offset := 0; ; offset += 20 {
		page := expect(t, c.v3("POST", "/categories/parallel/list", map[string]any{"length": 20, "offset": offset}), 200).json(t)
		if getInt(t, page, "metadata", "total_matches") != 50 {
			t.Fatalf("total_matches %v", get(page, "metadata"))
		}
		ents := arr(t, page["entities"])
		for _, e := range ents {
			seen[getString(e, "value")] = true
		}
		if len(ents) < 20 {
			break
		}
	}
	if len(seen) != 50 {
		t.Fatalf("listed %d values", len(seen))
	}
}

func TestCategoryKeyList(t *testing.T) {
	w := startWorld(t, func(cfg *WorldConfig) {
		cfg.PCs[0].Categories = []CategoryConfig{{Name: "tier", Description: "app tier", Values: []string{"gold"}}}
	})
	c := newClient(t, w.PC("canada"))
	all := expect(t, c.v3("POST", "/categories/list", map[string]any{"kind": "category", "length": 100}), 200).json(t)
	total := getInt(t, all, "metadata", "total_matches")
	if total < 5 || getString(all, "metadata", "kind") != "category" {
		t.Fatalf("list metadata %v", all["metadata"])
	}
	r := expect(t, c.v3("POST", "/categories/list", map[string]any{"filter": "name==tier,name==Environment", "sort_attribute": "name"}), 200).json(t)
	if getInt(t, r, "metadata", "total_matches") != 2 || getString(r, "entities", 0, "name") != "Environment" ||
		getString(r, "entities", 1, "name") != "tier" || getString(r, "entities", 1, "description") != "app tier" {
		t.Fatalf("filtered: %s", mustJSON(r))
	}
	r = expect(t, c.v3("POST", "/categories/list", map[string]any{"filter": "system_defined==false"}), 200).json(t)
	if getInt(t, r, "metadata", "total_matches") != 1 {
		t.Fatalf("user keys: %s", mustJSON(r))
	}
	expect(t, c.v3("POST", "/categories/nokey/list", map[string]any{}), 404)
	expect(t, c.v3("POST", "/categories/list", map[string]any{"kind": "vm"}), 422)
}

func TestCategoryPathParameterPattern(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	long := strings.Repeat("k", 65)
	for path, param := range map[string]string{
		"/categories/bad!name":                "name",
		"/categories/two%20%20spaces":         "name",
		"/categories/trailing%20":             "name",
		"/categories/" + long:                 "name",
		"/categories/Environment/bad%2Fvalue": "value",
		"/categories/Environment/" + long:     "value",
		"/categories/bad:key/ok":              "name",
	} {
		body := map[string]any{"name": strings.TrimPrefix(path, "/categories/")}
		if strings.Count(path, "/") == 3 {
			body = map[string]any{}
		}
		r := expect(t, c.v3("PUT", path, body), 422)
		m := r.json(t)
		if r.reason(t) != "VALIDATION_ERROR" || getString(m, "message_list", 0, "details", "parameter") != param ||
			!strings.Contains(r.message(t), "path parameter "+param) {
			t.Errorf("PUT %s: %s, want a VALIDATION_ERROR naming %s", path, r.body, param)
		}
	}
	// Every operation has the length limit; only PUT has the pattern.
	expect(t, c.v3("GET", "/categories/"+long, nil), 422)
	expect(t, c.v3("DELETE", "/categories/Environment/"+long, nil), 422)
	expect(t, c.v3("GET", "/categories/bad!name", nil), 404)
	// Single spaces between words are fine.
	expect(t, c.v3("PUT", "/categories/two%20words", map[string]any{"name": "two words"}), 201)
	expect(t, c.v3("PUT", "/categories/two%20words/v.1_a-b%20c", map[string]any{"value": "v.1_a-b c"}), 201)
}
