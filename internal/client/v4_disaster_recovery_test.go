package client

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// Routes of the enablement, as prismsim counts them.
const (
	routeProducts   = "GET /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/products"
	routeProduct    = "GET /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/products/{extId}"
	routeProductPut = "PUT /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/products/{extId}"
	routeV3EnableDR = "POST /api/nutanix/v3/services/disaster_recovery"
	routeV3DRStatus = "GET /api/nutanix/v3/services/{service_name}/status"
)

// startV4Single starts leap-two-sites with both PCs at a release that serves v4 and disaster
// recovery disabled; it returns canada.
func startV4Single(t *testing.T) *simPC {
	t.Helper()
	w := startPresetWorld(t, "leap-two-sites", func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			cfg.PCs[i].PCVersion = "pc.7.5"
		}
	})
	return &simPC{world: w, pc: w.PC("canada"), admin: adminClient(t, w.PC("canada"))}
}

// enableTasks counts canada's disaster recovery enablement tasks.
func enableTasks(s *simPC) int {
	n := 0
	for _, tk := range s.pc.Tasks() {
		if tk.Operation == "EnableDisasterRecovery" {
			n++
		}
	}
	return n
}

// Under "auto", on a Prism Central that serves prism v4.3, enabling disaster recovery is the
// product update, and v3 sees the result; enabling again reads and sends nothing more.
func TestV4EnableDisasterRecovery(t *testing.T) {
	ca := startV4Single(t)
	c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	v3c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionV3 })
	ctx := t.Context()
	if st, err := c.DisasterRecoveryStatus(ctx); err != nil || st.Enablement != ServiceDisabled {
		t.Fatalf("status before: %+v %v", st, err)
	}
	ca.resetRequests(t)
	if err := c.EnableDisasterRecovery(ctx); err != nil {
		t.Fatalf("enabling over v4: %v", err)
	}
	if n, v3 := ca.requests(t, routeProductPut), ca.requests(t, routeV3EnableDR); n != 1 || v3 != 0 {
		t.Fatalf("product update sent %d times, v3 enablement %d times; want 1 and 0", n, v3)
	}
	if st, err := v3c.DisasterRecoveryStatus(ctx); err != nil || st.Enablement != ServiceEnabled {
		t.Fatalf("v3 status after the v4 enablement: %+v %v", st, err)
	}
	if _, err := v3c.LocalAvailabilityZone(ctx); err != nil {
		t.Fatalf("no Local availability zone: %v", err)
	}
	ca.resetRequests(t)
	if st, err := c.DisasterRecoveryStatus(ctx); err != nil || st.Enablement != ServiceEnabled {
		t.Fatalf("v4 status after: %+v %v", st, err)
	}
	if err := c.EnableDisasterRecovery(ctx); err != nil {
		t.Fatalf("enabling again: %v", err)
	}
	if n, get, v3 := ca.requests(t, routeProductPut), ca.requests(t, routeProduct), ca.requests(t, routeV3DRStatus); n != 0 || get != 0 || v3 != 0 {
		t.Fatalf("enabling an enabled service sent %d updates, %d reads, %d v3 status reads; want none", n, get, v3)
	}
	if enableTasks(ca) != 1 {
		t.Fatalf("%d enablement tasks, want 1", enableTasks(ca))
	}
}

// An update whose answer is lost is sent again under the same request id: one enablement
// task.
func TestV4EnableDisasterRecoveryDroppedAnswer(t *testing.T) {
	ca := startV4Single(t)
	c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	ca.fault(t, map[string]any{"path_prefix": "/api/prism/v4.3/management", "method": http.MethodPut, "kind": "drop_after_commit", "count": 1})
	var mu sync.Mutex
	var puts []prismsim.Exchange
	ca.world.OnExchange(func(x prismsim.Exchange) {
		if x.Route == routeProductPut {
			mu.Lock()
			puts = append(puts, x)
			mu.Unlock()
		}
	})
	ca.resetRequests(t)
	if err := c.EnableDisasterRecovery(t.Context()); err != nil {
		t.Fatalf("enabling with a dropped answer: %v", err)
	}
	if n := ca.requests(t, routeProductPut); n != 2 {
		t.Fatalf("product update sent %d times, want 2 (the retry)", n)
	}
	if enableTasks(ca) != 1 {
		t.Fatalf("%d enablement tasks, want 1: the retry must resend the request id", enableTasks(ca))
	}
	// The retry was answered the first answer (the same task), as only a repeated request id is.
	mu.Lock()
	defer mu.Unlock()
	if len(puts) != 2 || puts[0].Status != http.StatusAccepted || puts[1].Status != http.StatusAccepted ||
		!bytes.Equal(puts[0].ResponseBody, puts[1].ResponseBody) {
		t.Fatalf("the two updates answered differently: %+v", puts)
	}
}

// Under "v3", or on a release that does not serve prism v4.3, the enablement stays v3.
func TestV4EnableDisasterRecoveryStaysV3(t *testing.T) {
	ca := startV4Single(t)
	c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionV3 })
	ca.resetRequests(t)
	if err := c.EnableDisasterRecovery(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n, v3 := ca.requests(t, routeProducts), ca.requests(t, routeV3EnableDR); n != 0 || v3 != 1 {
		t.Fatalf("products listed %d times, v3 enablement %d times; want 0 and 1", n, v3)
	}
}
