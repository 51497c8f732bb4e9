package client

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"

	dpapi "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/api"
	dpclient "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/client"
	dpcfg "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/models/datapolicies/v4/config"
)

// TestSDKBehaviorTheContractRecordsHolds runs Nutanix's own datapolicies client against the
// policy server of these tests, to keep the behaviors internal/apispec/v4/README.md records as
// OBSERVED true of the pinned SDK: it negotiates its version with OPTIONS
// /api/datapolicies/unversioned/info, sends Ntnx-Request-Id on every call (reads included, a
// fresh one each time), and sends back as If-Match the ETag it read.
func TestSDKBehaviorTheContractRecordsHolds(t *testing.T) {
	ps := newPolicyServer(t)
	ps.policies["pp-1"] = sdkPolicy("pp-1")
	var mu sync.Mutex
	var calls []string
	var readIDs []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.Path)
		if r.Method == http.MethodGet {
			readIDs = append(readIDs, r.Header.Get(headerRequestID))
		}
		mu.Unlock()
		if r.Method == http.MethodOptions {
			writeJSON(w, http.StatusOK, map[string]any{"data": "v4.2"})
			return
		}
		ps.ServeHTTP(w, r)
	})
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(u.Port())
	ac := dpclient.NewApiClient()
	ac.Host, ac.Port = u.Hostname(), port
	ac.Username, ac.Password = testUser, testPassword
	ac.VerifySSL = false // The test server's certificate; the SDK takes no CA.
	ac.MaxRetryAttempts = 0
	api := dpapi.NewProtectionPoliciesApi(ac)

	id := "pp-1"
	got, err := api.GetProtectionPolicyById(&id)
	if err != nil {
		t.Fatalf("SDK read: %v", err)
	}
	pp, ok := got.GetData().(dpcfg.ProtectionPolicy)
	if !ok {
		t.Fatalf("SDK read: data is %T", got.GetData())
	}
	if etag := ac.GetEtag(pp); etag != ps.etag("pp-1") {
		t.Errorf("SDK ETag = %q, want %q", etag, ps.etag("pp-1"))
	}
	desc := "changed through the SDK"
	pp.Description = &desc
	if _, err := api.UpdateProtectionPolicyById(&id, &pp); err != nil {
		t.Fatalf("SDK update: %v", err)
	}
	if _, err := api.GetProtectionPolicyById(&id); err != nil {
		t.Fatalf("SDK second read: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(calls) == 0 || calls[0] != "OPTIONS /api/datapolicies/unversioned/info" {
		t.Errorf("calls = %v, want the version negotiation first", calls)
	}
	if len(ps.ifMatch) != 1 || ps.ifMatch[0] != `W/"pp-1-0"` {
		t.Errorf("If-Match of the SDK update = %v, want the ETag it read", ps.ifMatch)
	}
	if len(ps.ids) != 1 || ps.ids[0] == "" {
		t.Errorf("Ntnx-Request-Id of the SDK update = %v", ps.ids)
	}
	if len(readIDs) != 2 || readIDs[0] == "" || readIDs[0] == readIDs[1] {
		t.Errorf("Ntnx-Request-Id of the SDK reads = %v, want two different ids", readIDs)
	}
	if d := ps.policies["pp-1"].Description; d == nil || *d != desc {
		t.Errorf("description after the SDK update = %v", d)
	}
}
