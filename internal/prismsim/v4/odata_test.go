package v4

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestFilterGrammar(t *testing.T) {
	fields := []string{"name", "key", "value", "status", "n", "flag", "a.b"}
	item := map[string]any{"name": "O'Brien web", "key": "Tier", "value": "gold", "status": "SUCCEEDED", "n": 3, "flag": true,
		"a": map[string]any{"b": "nested"}}
	for filter, want := range map[string]bool{
		"name eq 'O''Brien web'":                       true,
		"key eq 'Tier' and value eq 'gold'":            true,
		"key eq 'Tier' and value eq 'silver'":          false,
		"value eq 'silver' or value eq 'gold'":         true,
		"not (value eq 'gold')":                        false,
		"startswith(name, 'O''B')":                     true,
		"contains(name,'web') and endswith(key, 'er')": true,
		"n eq 3 and flag eq true":                      true,
		"status ne 'FAILED'":                           true,
		"a.b eq 'nested'":                              true,
		"(key eq 'x' or key eq 'Tier') and n eq 3":     true,
	} {
		pred, err := parseFilter(filter, fields)
		if err != nil {
			t.Errorf("%s: %v", filter, err)
			continue
		}
		if got := pred(item); got != want {
			t.Errorf("%s on %v = %v, want %v", filter, item, got, want)
		}
	}
	for _, bad := range []string{"other eq 'x'", "name gt 'x'", "name eq", "name eq 'x", "startswith(name, 3)", "name eq 'x' garbage"} {
		if _, err := parseFilter(bad, fields); err == nil {
			t.Errorf("%q parsed, want an error", bad)
		}
	}
	if _, err := parseOrderBy("name desc, key", fields); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"other", "name sideways", "name asc extra"} {
		if _, err := parseOrderBy(bad, fields); err == nil {
			t.Errorf("$orderby %q parsed, want an error", bad)
		}
	}
}

func TestListPagesAndLimits(t *testing.T) {
	rq := func(target string) Request {
		return Request{PC: fakePC{}, HTTP: httptest.NewRequestWithContext(context.Background(), http.MethodGet, target, nil)}
	}
	items := func() []map[string]any {
		var out []map[string]any
		for _, n := range []string{"c", "a", "b"} {
			out = append(out, Prism.object("prism.v4.config.Category", map[string]any{"key": n}))
		}
		return out
	}
	lq, _, _, ok := Prism.parseList(rq("/x?$limit=2&$page=1&$orderby=key%20desc"), []string{"key"})
	if !ok {
		t.Fatal("parseList refused a valid query")
	}
	status, body := Prism.list(rq("/x"), lq, "r", "prism.v4.config.Category", items())
	out, _ := body.(map[string]any)
	data, _ := out["data"].([]any)
	md, _ := out["metadata"].(map[string]any)
	if status != http.StatusOK || len(data) != 1 || md["totalAvailableResults"] != 3 {
		t.Fatalf("page 1 of 2: %d %v", status, out)
	}
	if first, _ := data[0].(map[string]any); first["key"] != "a" {
		t.Fatalf("page 1 of 2 sorted desc: %d %v", status, out)
	}
	lq.page = 7
	_, body = Prism.list(rq("/x"), lq, "r", "prism.v4.config.Category", items())
	if past, _ := body.(map[string]any); past["data"] != nil {
		t.Fatalf("a page past the end has data: %v", body)
	}
	for _, q := range []string{"$limit=0", "$limit=101", "$page=-1", "$bogus=1", "$filter=key%20gt%201"} {
		if _, status, _, ok := Prism.parseList(rq("/x?"+q), []string{"key"}); ok || status != http.StatusBadRequest {
			t.Errorf("%s: ok=%v status %d, want 400", q, ok, status)
		}
	}
}

func TestIfMatch(t *testing.T) {
	entity := Prism.object("prism.v4.config.Category", map[string]any{"key": "k", "value": "v"})
	etag := ETag(entity)
	req := func(ifMatch string) Request {
		r := httptest.NewRequestWithContext(context.Background(), http.MethodPut, "/x", nil)
		if ifMatch != "" {
			r.Header.Set("If-Match", ifMatch)
		}
		return Request{HTTP: r}
	}
	if status, _, ok := Prism.checkIfMatch(req(""), entity); ok || status != http.StatusPreconditionRequired {
		t.Errorf("without If-Match: %d", status)
	}
	if status, _, ok := Prism.checkIfMatch(req(`W/"stale"`), entity); ok || status != http.StatusPreconditionFailed {
		t.Errorf("stale If-Match: %d", status)
	}
	if _, _, ok := Prism.checkIfMatch(req(etag), entity); !ok {
		t.Error("the current ETag is refused")
	}
	entity["$reserved"] = map[string]any{"ETag": etag}
	if ETag(entity) != etag {
		t.Error("the ETag depends on $reserved")
	}
	entity["links"] = []any{v4Link("https://127.0.0.1:1/x", "self")}
	if ETag(entity) != etag {
		t.Error("the ETag depends on the links (the PC's address)")
	}
	entity["value"] = "w"
	if ETag(entity) == etag {
		t.Error("the ETag did not change with the entity")
	}
}
