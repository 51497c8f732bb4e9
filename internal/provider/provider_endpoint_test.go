package provider_test

import (
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// TestAccProvider_notPrismCentral checks what a user sees with the endpoint pointed at an HTTPS
// server that is not Prism Central (here one that answers every POST with an HTML 501, as
// Python's http.server does): an error at configure time on endpoint that names endpoint and
// port, after one request, and no advice to retry.
func TestAccProvider_notPrismCentral(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = fmt.Fprintf(w, "<!DOCTYPE HTML>\n<html><head><title>Error response</title></head><body>"+
			"<h1>Error response</h1><p>Error code: 501</p><p>Message: Unsupported method (%q).</p></body></html>\n", r.Method)
	}))
	t.Cleanup(srv.Close)
	host, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	ca := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "nutanixdr" {
  endpoint       = %q
  port           = %s
  username       = "admin"
  password       = "unused"
  ca_certificate = %s
}

data "nutanixdr_cluster" "x" {
  name = "CA01"
}
`, host, port, acctest.HCLString(ca)),
				ExpectError: acctest.ErrorRegexp(`Endpoint is not Prism Central`,
					`https://`+host+`:`+port+` is not a Prism Central v3 API`,
					`POST /api/nutanix/v3/clusters/list answered 501 Not Implemented (an HTML page titled "Error response")`,
					`check endpoint and port`, `Here endpoint is "`+host+`" and port is `+port),
			},
		},
	})
	if n := requests.Load(); n == 0 || n > 2 {
		// One check per configuration of the provider: plan, and the refresh before it at most.
		t.Errorf("the server got %d requests", n)
	}
}
