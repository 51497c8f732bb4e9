package prismsim

import (
	"encoding/json"
	"testing"
)

// TestKeepV3OnlyOnV4Update checks that a v4 update of a protection rule keeps the fields v4
// cannot say (is_approval_policy_needed) and takes every field it can say from the update,
// including one the update leaves out (the rule's start time goes).
func TestKeepV3OnlyOnV4Update(t *testing.T) {
	stored := json.RawMessage(`{"name":"p","description":"old","resources":{
		"is_approval_policy_needed":true,"start_time":"10h00",
		"ordered_availability_zone_list":[{"availability_zone_url":"a"}],
		"category_filter":{"type":"CATEGORIES_MATCH_ALL","params":{"k":["v"]}}}}`)
	updated := json.RawMessage(`{"name":"p","description":"new","resources":{
		"ordered_availability_zone_list":[{"availability_zone_url":"b"}],
		"category_filter":{"type":"CATEGORIES_MATCH_ANY","params":{"k":["w"]}}}}`)
	got, err := keepV3Only(stored, updated)
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Description string         `json:"description"`
		Resources   map[string]any `json:"resources"`
	}
	if err := json.Unmarshal(got, &spec); err != nil {
		t.Fatal(err)
	}
	r := spec.Resources
	if spec.Description != "new" || r["is_approval_policy_needed"] != true || r["start_time"] != nil {
		t.Errorf("spec after the v4 update: %s", got)
	}
	azs, _ := r["ordered_availability_zone_list"].([]any)
	var first map[string]any
	if len(azs) == 1 {
		first, _ = azs[0].(map[string]any)
	}
	if first["availability_zone_url"] != "b" {
		t.Errorf("zones after the v4 update: %v", r["ordered_availability_zone_list"])
	}
}
