package prismsim

import (
	"testing"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// Every kind of the model is served by the v3 wire, and every route of the wire is in the
// server's table: the wire names kinds by their model names (v3/routes.go), so a kind
// renamed on one side only would answer 500 (no such kind) or 404.
func TestV3WireServesEveryKind(t *testing.T) {
	served := map[string]bool{}
	for _, rt := range v3.Routes() {
		served[rt.Kind] = true
		if got, _, _ := apiRoutes.Match(rt.Method, rt.Template); got == nil || got.Key() != rt.Method+" "+rt.Template {
			t.Errorf("%s %s is not in the server's route table", rt.Method, rt.Template)
		}
	}
	for name := range kinds {
		if !served[name] {
			t.Errorf("kind %s has no v3 route", name)
		}
	}
}
