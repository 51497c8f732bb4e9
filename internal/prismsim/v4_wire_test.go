package prismsim

import (
	"net/http"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

func TestV4RequestIDIsRequiredAndIdempotent(t *testing.T) {
	w := startWorld(t, poseAs(v4Release))
	c := newClient(t, w.PC("canada"))
	path := "/api/prism/v4.3/config/categories"
	body := map[string]any{"key": "Idem", "value": "one"}

	r := c.doWith(http.MethodPost, path, body, nil)
	expect(t, r, http.StatusBadRequest)
	if get(r.json(t), "data", "$objectType") != "prism.v4.error.ErrorResponse" {
		t.Fatalf("no v4 error document: %s", r.body)
	}

	id := model.NewUUID()
	first := expect(t, c.doWith(http.MethodPost, path, body, map[string]string{"Ntnx-Request-Id": id}), http.StatusCreated)
	again := expect(t, c.doWith(http.MethodPost, path, body, map[string]string{"Ntnx-Request-Id": id}), http.StatusCreated)
	if getString(first.json(t), "data", "extId") != getString(again.json(t), "data", "extId") || first.header.Get("ETag") != again.header.Get("ETag") {
		t.Fatalf("the repeat answered differently:\n%s\n%s", first.body, again.body)
	}
	// A new id for the same create acts: the value exists now.
	expect(t, c.doWith(http.MethodPost, path, body, map[string]string{"Ntnx-Request-Id": model.NewUUID()}), http.StatusConflict)
	// The id again on another operation is refused.
	expect(t, c.doWith(http.MethodDelete, path+"/"+getString(first.json(t), "data", "extId"), nil,
		map[string]string{"Ntnx-Request-Id": id, "If-Match": first.header.Get("ETag")}), http.StatusConflict)
	// The value is there once, through v3.
	vals := expect(t, c.v3(http.MethodPost, "/categories/Idem/list", map[string]any{}), http.StatusOK)
	if n := len(arr(t, get(vals.json(t), "entities"))); n != 1 {
		t.Fatalf("v3 lists %d values of Idem, want 1", n)
	}
	// Version negotiation.
	info := expect(t, c.doWith(http.MethodOptions, "/api/prism/unversioned/info", nil, nil), http.StatusOK)
	if getString(info.json(t), "data") != "v4.3" {
		t.Fatalf("info: %s", info.body)
	}
}

// v4Release is a release that serves the v4 wire's revisions (pc_version.go).
const v4Release = "pc.7.5"

// poseAs has every PC of the world pose as release version.
func poseAs(version string) func(*WorldConfig) {
	return func(cfg *WorldConfig) {
		for i := range cfg.PCs {
			cfg.PCs[i].PCVersion = version
		}
	}
}
