package provider

import (
	"context"
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestApplyVMCategories(t *testing.T) {
	cats := map[string]string{"Environment": "Production", "mine": "old", "dropped": "x", "theirs": "y"}
	had := map[string]string{"mine": "old", "dropped": "x"}
	want := map[string]string{"mine": "new", "added": "z"}
	applyVMCategories(cats, had, want)
	expect := map[string]string{"Environment": "Production", "mine": "new", "added": "z", "theirs": "y"}
	if !maps.Equal(cats, expect) {
		t.Errorf("got %v, want %v", cats, expect)
	}

	// Destroy: had set, want empty.
	applyVMCategories(cats, map[string]string{"mine": "new", "added": "z"}, nil)
	if !maps.Equal(cats, map[string]string{"Environment": "Production", "theirs": "y"}) {
		t.Errorf("after destroy got %v", cats)
	}
}

func TestFlattenVMCategories(t *testing.T) {
	vm := map[string]string{"mine": "a", "theirs": "b"}
	got, diags := flattenVMCategories([]string{"mine", "removed-by-hand"}, vm)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := types.MapValueMust(types.StringType, map[string]attr.Value{"mine": types.StringValue("a")})
	if !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}

	empty, _ := flattenVMCategories([]string{"gone"}, vm)
	if empty.IsNull() || len(empty.Elements()) != 0 {
		t.Errorf("a map whose keys are all gone must be empty, not null: %v", empty)
	}
}

func TestExpandStringMapRoundTrip(t *testing.T) {
	ctx := context.Background()
	in := map[string]string{"a": "1", "b": "2"}
	m, diags := flattenVMCategories(managedKeys(in), in)
	if diags.HasError() {
		t.Fatal(diags)
	}
	out, diags := expandStringMap(ctx, m)
	if diags.HasError() || !maps.Equal(in, out) {
		t.Errorf("round trip gave %v (%v)", out, diags)
	}
	if out, _ := expandStringMap(ctx, types.MapNull(types.StringType)); out == nil || len(out) != 0 {
		t.Errorf("null map must expand to an empty map, got %v", out)
	}
}

func TestUserKeys(t *testing.T) {
	got := userKeys(map[string]string{"Environment": "Dev", "b": "1", "a": "2"}, map[string]bool{"Environment": true})
	if len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("got %v", got)
	}
}
