package prismsim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/admin"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/routing"
)

// FuzzRequestBodies sends any body to every route of the v3 API (and the admin API's faults),
// through the PC's handler in-process. The emulator must not panic, and a v3 request it refuses
// gets a v3 error document (api_version, code, message_list with a reason), never a 5xx of its
// own. `go test` runs the seeds; `make fuzz` runs it for FUZZTIME.
func FuzzRequestBodies(f *testing.F) {
	for i := range apiRoutes.Routes {
		for _, seed := range []string{
			`{}`, `{"kind":"vm","length":1,"offset":0,"filter":"name==app-01"}`,
			`{"metadata":{"kind":"vm","uuid":"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b","spec_version":0,"categories":{"a":"b"}},"spec":{"name":"x","resources":{}}}`,
			`{"spec":{"name":"x","resources":{"url":"192.168.0.10","username":"admin","password":"p","cloud_type":"ONPREM_CLOUD"}},"metadata":{"kind":"cloud_trust"}}`,
			`{"spec":{"resources":{"stage_list":[{"stage_work":{"recover_entities":{"entity_info_list":[{"categories":{"a":"b"}}]}}}]}},"metadata":{"spec_version":"x"}}`,
			`{"name":"x","value":1}`, `[]`, `null`, `{"metadata":`, "\xff", ``,
		} {
			f.Add(uint8(i), []byte(seed))
		}
	}
	f.Add(uint8(255), []byte(`{"pc":"canada","path_prefix":"/api/nutanix/v3/vms","kind":"status","status":503,"error_code":"X"}`))
	w := startWorld(f, nil)
	pc := w.PC("canada")
	ids := fuzzEntityIDs(f, pc)
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		if int(route) >= len(apiRoutes.Routes) {
			rec := serveFuzzed(pc, http.MethodPost, admin.Prefix+"/faults", body)
			if rec.Code >= 500 || !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("POST faults answered %d: %s", rec.Code, rec.Body)
			}
			w.ClearFaults("")
			return
		}
		rt := apiRoutes.Routes[route]
		p := fuzzRoutePath(rt, ids)
		rec := serveFuzzed(pc, rt.Method, p, body)
		if rec.Code < 400 {
			return
		}
		var doc struct {
			APIVersion  string `json:"api_version"`
			Code        int    `json:"code"`
			MessageList []struct {
				Reason  string `json:"reason"`
				Message string `json:"message"`
			} `json:"message_list"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil && strings.HasPrefix(p, v3Prefix+"/") {
			t.Fatalf("%s %s answered %d with no v3 error document: %s", rt.Method, p, rec.Code, rec.Body)
		}
		if rec.Code >= 500 {
			t.Fatalf("%s %s answered %d to %q: %s", rt.Method, p, rec.Code, body, rec.Body)
		}
		if strings.HasPrefix(p, v3Prefix+"/") && (doc.Code != rec.Code || len(doc.MessageList) == 0 || doc.MessageList[0].Reason == "") {
			t.Fatalf("%s %s answered %d with an incomplete v3 error: %s", rt.Method, p, rec.Code, rec.Body)
		}
	})
}

// serveFuzzed serves one request through the PC's handler.
func serveFuzzed(pc *PC, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(context.Background(), method, path, bytes.NewReader(body))
	req.SetBasicAuth(pc.Username(), pc.Password())
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	pc.ServeHTTP(rec, req)
	return rec
}

// fuzzEntityIDs lists the first entity of each v3 collection, so that fuzzed requests reach
// the decoding of real entities rather than a 404.
func fuzzEntityIDs(t testing.TB, pc *PC) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, rt := range apiRoutes.Routes {
		if rt.Method != http.MethodPost || !strings.HasSuffix(rt.Template, "/list") {
			continue
		}
		coll := strings.TrimSuffix(rt.Template, "/list")
		rec := serveFuzzed(pc, http.MethodPost, rt.Template, []byte(`{}`))
		var page struct {
			Entities []struct {
				Metadata struct {
					UUID string `json:"uuid"`
				} `json:"metadata"`
			} `json:"entities"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &page) == nil && len(page.Entities) > 0 {
			ids[coll] = page.Entities[0].Metadata.UUID
		}
	}
	return ids
}

// fuzzRoutePath fills the parameters of a route: an entity of its collection when there is
// one, else a UUID that names nothing.
func fuzzRoutePath(rt *route, ids map[string]string) string {
	segs := make([]string, len(rt.Segs))
	for i, s := range rt.Segs {
		if !routing.IsParam(s) {
			segs[i] = s
			continue
		}
		coll := "/" + strings.Join(segs[:i], "/")
		if id := ids[coll]; id != "" {
			segs[i] = id
		} else {
			segs[i] = "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
		}
	}
	return "/" + strings.Join(segs, "/")
}
