package v4

import "testing"

func TestFilterLambdas(t *testing.T) {
	fields := []string{"name", "vms", "vms/vmExtId", "vms/type"}
	item := map[string]any{"name": "rp", "vms": []any{
		map[string]any{"vmExtId": "a", "type": "CRASH_CONSISTENT"},
		map[string]any{"vmExtId": "b", "type": "APPLICATION_CONSISTENT"},
	}}
	empty := map[string]any{"name": "none"}
	for filter, want := range map[string][2]bool{ // on item, on empty
		"vms/any(v:v/vmExtId eq 'a')":                                        {true, false},
		"vms/any(x:x/vmExtId eq 'c')":                                        {false, false},
		"vms/any(v:v/vmExtId eq 'b' and v/type eq 'APPLICATION_CONSISTENT')": {true, false},
		"vms/any(v:v/vmExtId eq 'a' and v/type eq 'APPLICATION_CONSISTENT')": {false, false},
		"vms/all(v:v/type ne 'LIVE')":                                        {true, true},
		"vms/all(v:v/vmExtId eq 'a')":                                        {false, true},
		"name eq 'rp' and vms/any(v:(v/vmExtId eq 'z' or v/vmExtId eq 'b'))": {true, false},
		"vms/any(a:a/vmExtId eq 'a') or vms/any(a:a/vmExtId eq 'q')":         {true, false},
		"not vms/any(v:v/vmExtId eq 'a')":                                    {false, true},
	} {
		pred, err := parseFilter(filter, fields)
		if err != nil {
			t.Errorf("%s: %v", filter, err)
			continue
		}
		if got := [2]bool{pred(item), pred(empty)}; got != want {
			t.Errorf("%s = %v, want %v", filter, got, want)
		}
	}
	for _, bad := range []string{
		"other/any(v:v/vmExtId eq 'a')", // not a collection of the list
		"vms/any(v:v/disk eq 'a')",      // not a field of its items
		"vms/any(v v/vmExtId eq 'a')",   // no colon
		"vms/any(v:v/vmExtId eq 'a'",    // unclosed
		"vms/any(v/x:v/vmExtId eq 'a')", // not a variable
	} {
		if _, err := parseFilter(bad, fields); err == nil {
			t.Errorf("%q parsed, want an error", bad)
		}
	}
}
