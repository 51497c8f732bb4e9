package client

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// v3Total counts the requests the PC served on v3 routes.
func v3Total(t *testing.T, s *simPC) int {
	t.Helper()
	var counts struct {
		ByRoute map[string]int `json:"by_route"`
	}
	s.call(t, http.MethodGet, "/_prismsim/requests", nil, &counts)
	n := 0
	for route, c := range counts.ByRoute {
		if strings.Contains(route, "/api/nutanix/v3/") {
			n += c
		}
	}
	return n
}

// Under api_version = "v4" the endpoint checks (CheckEndpoint at configure, CheckPrismCentral
// on a failed lookup) ask the v4 API: a Prism Central that no longer serves v3 passes them,
// and nothing is sent over v3.
func TestV4EndpointChecks(t *testing.T) {
	ca, _ := startV4Pair(t)
	c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionV4 })
	ca.resetRequests(t)
	if err := c.CheckEndpoint(t.Context()); err != nil {
		t.Fatalf("CheckEndpoint over v4: %v", err)
	}
	if err := c.CheckPrismCentral(t.Context()); err != nil {
		t.Fatalf("CheckPrismCentral over v4: %v", err)
	}
	if n := ca.requests(t, routeV4Clusters); n != 2 {
		t.Errorf("%d v4 cluster lists, want 2 (one per check)", n)
	}
	if n := v3Total(t, ca); n != 0 {
		t.Errorf("%d v3 requests under api_version = \"v4\", want none", n)
	}
}

// Under api_version = "v4", an endpoint that does not serve clustermgmt v4.2 (a Prism
// Central of an older release here) is refused at configure with what to do.
func TestV4EndpointCheckOlderRelease(t *testing.T) {
	w := startPresetWorld(t, "leap-two-sites", func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			cfg.PCs[i].PCVersion = prismsim.DefaultPCVersion
		}
	})
	ca := &simPC{world: w, pc: w.PC("canada"), admin: adminClient(t, w.PC("canada"))}
	c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionV4 })
	err := c.CheckEndpoint(t.Context())
	if !errors.Is(err, ErrNotPrismCentral) {
		t.Fatalf("CheckEndpoint over v4 on %s: %v, want ErrNotPrismCentral", prismsim.DefaultPCVersion, err)
	}
	for _, want := range []string{"clustermgmt v4.2", `api_version = "auto"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
