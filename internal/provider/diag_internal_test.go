package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestClientErrorDiagnostics(t *testing.T) {
	var diags diag.Diagnostics
	err := fmt.Errorf("updating the categories of VM x: %w", context.DeadlineExceeded)
	addClientError(&diags, opUpdate, kindVMCategories, "x", err)
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics", len(diags))
	}
	d := diags[0]
	if d.Summary() != "Error updating VM categories" {
		t.Errorf("summary %q", d.Summary())
	}
	for _, want := range []string{`Could not update VM categories "x".`, "context deadline exceeded", "Raise the resource's timeouts"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}

	plain := clientErrorDetail(opDelete, kindCategory, "k", errors.New("boom"))
	if plain != "Could not delete category \"k\".\n\nboom" {
		t.Errorf("detail %q", plain)
	}
}

func TestAlreadyExistsDetail(t *testing.T) {
	got := alreadyExistsDetail(kindCategoryValue, "k/v", false, "nutanixdr_category_value.<name>", "k/v")
	if !strings.Contains(got, "tofu import nutanixdr_category_value.<name> k/v") {
		t.Errorf("detail %q lacks the import command", got)
	}
	if got := alreadyExistsDetail(kindCategory, "Environment", true, "", ""); !strings.Contains(got, "system-defined") {
		t.Errorf("detail %q", got)
	}
}

func TestConfiguredData(t *testing.T) {
	var diags diag.Diagnostics
	if configuredData(nil, &diags) != nil || diags.HasError() {
		t.Error("nil provider data (not yet configured) must be accepted")
	}
	pd := &providerData{}
	if configuredData(pd, &diags) != pd {
		t.Error("provider data not returned")
	}
	if configuredData("wrong", &diags) != nil || !diags.HasError() {
		t.Error("provider data of the wrong type must be an error")
	}
}
