package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// fakeEntity is what the look-up tests list.
type fakeEntity struct{ id, name string }

// fakeFinder returns a finder over entities whose list records the filters it was given and
// honors "name==x" filters loosely, as Prism Central does (a substring match).
func fakeFinder(entities []fakeEntity, filters *[]string) named[fakeEntity] {
	return named[fakeEntity]{
		kind: "cluster",
		list: func(_ context.Context, filter string) ([]fakeEntity, error) {
			*filters = append(*filters, filter)
			want, _ := strings.CutPrefix(filter, "name==")
			var out []fakeEntity
			for _, e := range entities {
				if strings.Contains(e.name, want) {
					out = append(out, e)
				}
			}
			return out, nil
		},
		filterAttr: "name",
		nameOf:     func(e fakeEntity) string { return e.name },
		idOf:       func(e fakeEntity) string { return e.id },
		keep:       func(e fakeEntity) bool { return e.name != "pc-itself" },
		narrowHint: "Rename them.",
	}
}

// diagText joins the details of the error diagnostics.
func diagText(diags diag.Diagnostics) string {
	var out []string
	for _, d := range diags.Errors() {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return strings.Join(out, "\n")
}

func TestLookup(t *testing.T) {
	entities := []fakeEntity{
		{"id-1", "CA01"}, {"id-2", "CA01-old"}, {"id-3", "DUP"}, {"id-4", "DUP"}, {"id-5", "pc-itself"},
	}
	ctx := context.Background()

	t.Run("exact match among loose ones", func(t *testing.T) {
		var filters []string
		var diags diag.Diagnostics
		got, ok := fakeFinder(entities, &filters).lookup(ctx, "CA01", nil, &diags)
		if !ok || got.id != "id-1" || diags.HasError() {
			t.Fatalf("got %v %v %s", got, ok, diagText(diags))
		}
		if fmt.Sprint(filters) != "[name==CA01]" {
			t.Errorf("filters %v, want one name filter", filters)
		}
	})
	t.Run("none lists the names", func(t *testing.T) {
		var filters []string
		var diags diag.Diagnostics
		_, ok := fakeFinder(entities, &filters).lookup(ctx, "FR01", nil, &diags)
		text := diagText(diags)
		if ok || !strings.Contains(text, `No cluster named "FR01" on this Prism Central. The clusters it has: "CA01", "CA01-old", "DUP".`) {
			t.Errorf("got %v, diagnostics:\n%s", ok, text)
		}
		if strings.Contains(text, "pc-itself") {
			t.Errorf("an excluded entity is listed:\n%s", text)
		}
		if fmt.Sprint(filters) != "[name==FR01 ]" {
			t.Errorf("filters %v, want the name filter then a full list", filters)
		}
	})
	t.Run("several list their ids", func(t *testing.T) {
		var filters []string
		var diags diag.Diagnostics
		_, ok := fakeFinder(entities, &filters).lookup(ctx, "DUP", nil, &diags)
		text := diagText(diags)
		if ok || !strings.Contains(text, `2 clusters are named "DUP" on this Prism Central (ids "id-3", "id-4")`) ||
			!strings.Contains(text, "Rename them.") {
			t.Errorf("got %v, diagnostics:\n%s", ok, text)
		}
	})
	t.Run("a match function narrows several to one", func(t *testing.T) {
		var filters []string
		var diags diag.Diagnostics
		got, ok := fakeFinder(entities, &filters).lookup(ctx, "DUP", func(e fakeEntity) bool { return e.id == "id-4" }, &diags)
		if !ok || got.id != "id-4" {
			t.Errorf("got %v %v %s", got, ok, diagText(diags))
		}
	})
	t.Run("names that fail the match function are listed by id", func(t *testing.T) {
		f := fakeFinder(entities, new([]string))
		f.matchArgs = "cluster_id"
		var diags diag.Diagnostics
		_, ok := f.lookup(ctx, "DUP", func(fakeEntity) bool { return false }, &diags)
		want := `No cluster named "DUP" matches the other arguments (cluster_id). The clusters of that name have ids "id-3", "id-4".`
		if ok || !strings.Contains(diagText(diags), want) {
			t.Errorf("got %v, diagnostics:\n%s", ok, diagText(diags))
		}
	})
	t.Run("excluded entities are never returned", func(t *testing.T) {
		var filters []string
		var diags diag.Diagnostics
		_, ok := fakeFinder(entities, &filters).lookup(ctx, "pc-itself", nil, &diags)
		if ok || !strings.Contains(diagText(diags), `No cluster named "pc-itself"`) {
			t.Errorf("got %v, diagnostics:\n%s", ok, diagText(diags))
		}
	})
	t.Run("names unsafe for FIQL list everything", func(t *testing.T) {
		var filters []string
		var diags diag.Diagnostics
		_, _ = fakeFinder(entities, &filters).lookup(ctx, "a,b", nil, &diags)
		_, _ = fakeFinder(entities, &filters).lookup(ctx, "db[1]", nil, &diags)
		if fmt.Sprintf("%q", filters) != `["" ""]` {
			t.Errorf("filters %q, want only the unfiltered list", filters)
		}
	})
	t.Run("list errors name the operation", func(t *testing.T) {
		f := fakeFinder(entities, new([]string))
		f.list = func(context.Context, string) ([]fakeEntity, error) { return nil, errors.New("boom") }
		var diags diag.Diagnostics
		_, ok := f.lookup(ctx, "CA01", nil, &diags)
		if ok || !strings.Contains(diagText(diags), `Error looking up cluster: Could not look up cluster "CA01".`) {
			t.Errorf("got %v, diagnostics:\n%s", ok, diagText(diags))
		}
	})
}

func TestListNames(t *testing.T) {
	if got := listNames(nil); got != "none" {
		t.Errorf("listNames(nil) = %q", got)
	}
	if got := listNames([]string{"b", "a", "b"}); got != `"a", "b"` {
		t.Errorf("listNames = %q", got)
	}
	var many []string
	for i := range 25 {
		many = append(many, fmt.Sprintf("vm-%02d", i))
	}
	if got := listNames(many); !strings.HasSuffix(got, `"vm-19", and 5 more`) {
		t.Errorf("listNames(25 names) = %q", got)
	}
}
