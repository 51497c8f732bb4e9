package v4

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// fakePC is a Backend without a world: the v4 wire only needs what Backend gives.
type fakePC struct {
	Backend // nil: what the stores do not need panics
	stores  []model.RecoveryPointStore
}

func (f fakePC) URL() string                                     { return "https://127.0.0.1:9440" }
func (f fakePC) RecoveryPointStores() []model.RecoveryPointStore { return f.stores }

func serve(t *testing.T, b Backend, method, target string, params map[string]string) (int, map[string]any) {
	t.Helper()
	for _, rt := range Routes() {
		if rt.Method != method {
			continue
		}
		if (params == nil) != (rt.Template == StoresPath) {
			continue
		}
		status, body := rt.Serve(Request{PC: b, HTTP: httptest.NewRequestWithContext(context.Background(), method, target, nil), Params: params})
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatal(err)
		}
		return status, out
	}
	t.Fatalf("no route for %s %s", method, target)
	return 0, nil
}

func TestStoresWireOnAFakeModel(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	pc := fakePC{stores: []model.RecoveryPointStore{
		{ExtID: model.NewUUID(), Name: "a", Bucket: "b1", BucketType: model.BucketTypeAWS, Region: "us-east-1", Status: "AVAILABLE", CreateTime: now, UpdateTime: now},
		{ExtID: model.NewUUID(), Name: "b", Bucket: "b2", BucketType: model.BucketTypeNtxOSS, Status: "AVAILABLE", CreateTime: now, UpdateTime: now},
	}}
	status, body := serve(t, pc, http.MethodGet, StoresPath+"?$filter=bucket%20eq%20'b2'", nil)
	data, _ := body["data"].([]any)
	if status != http.StatusOK || len(data) != 1 {
		t.Fatalf("filtered list: %d %v", status, body)
	}
	first, ok := data[0].(map[string]any)
	if !ok || first["name"] != "b" {
		t.Fatalf("filtered list: %v, want the store named b", data[0])
	}
	status, _ = serve(t, pc, http.MethodGet, StoresPath+"/"+pc.stores[0].ExtID, map[string]string{"extId": pc.stores[0].ExtID})
	if status != http.StatusOK {
		t.Fatalf("get: %d", status)
	}
	id := model.NewUUID()
	if status, _ = serve(t, pc, http.MethodGet, StoresPath+"/"+id, map[string]string{"extId": id}); status != http.StatusNotFound {
		t.Fatalf("get of an unknown store: %d, want 404", status)
	}
}
