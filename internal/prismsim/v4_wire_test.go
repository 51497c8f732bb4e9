package prismsim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// doV4 sends a v4 request with header fields.
func (c *apiClient) doV4(method, path string, body any, header map[string]string) apiResponse {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.pc.URL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.SetBasicAuth(c.user, c.pass)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(resp.Body)
	return apiResponse{status: resp.StatusCode, header: resp.Header, body: data}
}

func TestV4RequestIDIsRequiredAndIdempotent(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	path := "/api/prism/v4.3/config/categories"
	body := map[string]any{"key": "Idem", "value": "one"}

	r := c.doV4(http.MethodPost, path, body, nil)
	expect(t, r, http.StatusBadRequest)
	if get(r.json(t), "data", "$objectType") != "prism.v4.error.ErrorResponse" {
		t.Fatalf("no v4 error document: %s", r.body)
	}

	id := model.NewUUID()
	first := expect(t, c.doV4(http.MethodPost, path, body, map[string]string{"Ntnx-Request-Id": id}), http.StatusCreated)
	again := expect(t, c.doV4(http.MethodPost, path, body, map[string]string{"Ntnx-Request-Id": id}), http.StatusCreated)
	if getString(first.json(t), "data", "extId") != getString(again.json(t), "data", "extId") || first.header.Get("ETag") != again.header.Get("ETag") {
		t.Fatalf("the repeat answered differently:\n%s\n%s", first.body, again.body)
	}
	// A new id for the same create acts: the value exists now.
	expect(t, c.doV4(http.MethodPost, path, body, map[string]string{"Ntnx-Request-Id": model.NewUUID()}), http.StatusConflict)
	// The id again on another operation is refused.
	expect(t, c.doV4(http.MethodDelete, path+"/"+getString(first.json(t), "data", "extId"), nil,
		map[string]string{"Ntnx-Request-Id": id, "If-Match": first.header.Get("ETag")}), http.StatusConflict)
	// The value is there once, through v3.
	vals := expect(t, c.v3(http.MethodPost, "/categories/Idem/list", map[string]any{}), http.StatusOK)
	if n := len(arr(t, get(vals.json(t), "entities"))); n != 1 {
		t.Fatalf("v3 lists %d values of Idem, want 1", n)
	}
	// Version negotiation.
	info := expect(t, c.doV4(http.MethodOptions, "/api/prism/unversioned/info", nil, nil), http.StatusOK)
	if getString(info.json(t), "data") != "v4.3" {
		t.Fatalf("info: %s", info.body)
	}
}
