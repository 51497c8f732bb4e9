package provider

import (
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

func TestParseCategoryValueID(t *testing.T) {
	key, value, err := parseCategoryValueID("replicated-vm/from-canada")
	if err != nil || key != "replicated-vm" || value != "from-canada" {
		t.Errorf("got %q %q %v", key, value, err)
	}
	for _, bad := range []string{"replicated-vm", "a/b/c", "/v", "k/", ""} {
		if _, _, err := parseCategoryValueID(bad); err == nil || !strings.Contains(err.Error(), "<category>/<value>") {
			t.Errorf("%q: error %v, want one naming the expected form", bad, err)
		}
	}
}

func TestCategoryValueRoundTrip(t *testing.T) {
	in := client.CategoryValue{Key: "replicated-vm", Value: "from-canada", Description: "d"}
	m := flattenCategoryValue(&in)
	if m.ID.ValueString() != "replicated-vm/from-canada" {
		t.Errorf("id %q", m.ID.ValueString())
	}
	if out := expandCategoryValue(m); out != in {
		t.Errorf("round trip gave %+v, want %+v", out, in)
	}
}

func TestCategoryRoundTrip(t *testing.T) {
	in := client.CategoryKey{Name: "replicated-vm"}
	m := flattenCategory(&in)
	if m.Description.IsNull() || m.Description.ValueString() != "" {
		t.Errorf("an absent description must flatten to \"\" (the schema default), got %v", m.Description)
	}
	if out := expandCategory(m); out != in {
		t.Errorf("round trip gave %+v, want %+v", out, in)
	}
}

func TestDescribeUsage(t *testing.T) {
	got := describeUsage([]client.CategoryUsage{{Kind: "vm", Name: "db-01"}, {Kind: "vm", UUID: "u-1"}, {Kind: "vm", Name: "app-01"}})
	if got != "vm app-01, vm db-01, vm u-1" {
		t.Errorf("got %q", got)
	}
}
