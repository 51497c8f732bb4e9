package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// Pairing and clusters over v4: on Prism Centrals that serve prism v4.3 and clustermgmt v4.2,
// the provider under api_version = "auto" pairs with the domain managers' register action,
// reads the pairing as a registration, unpairs with the unregister action and reads clusters
// over clustermgmt; prismsim's request counters show that no v3 pairing or cluster route was
// used. The zones themselves, which v4 has not, are read over v3.

// Routes of pairing and clusters.
const (
	v4Register     = "POST /api/prism/v4.3/management/domain-managers/{extId}/$actions/register"
	v4Unregister   = "POST /api/prism/v4.3/management/domain-managers/{extId}/$actions/unregister"
	v4Registration = "GET /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/registrations/{extId}"
	v4Clusters     = "GET /api/clustermgmt/v4.2/config/clusters"
	v3TrustCreate  = "POST /api/nutanix/v3/cloud_trusts"
	v3TrustGet     = "GET /api/nutanix/v3/cloud_trusts/{uuid}"
	v3TrustDelete  = "DELETE /api/nutanix/v3/cloud_trusts/{uuid}"
	v3ClustersList = "POST /api/nutanix/v3/clusters/list"
	v3ZonesList    = "POST /api/nutanix/v3/availability_zones/list"
)

// pairingOverV4 reports whether the provider pairs with the Prism Central pcName of w over v4
// in this run: the protocol matrix (make test API=v4) sets NUTANIXDR_API_VERSION and has the
// PCs pose as a release that serves v4.
func pairingOverV4(w *prismsim.World, pcName string) bool {
	v := os.Getenv("NUTANIXDR_API_VERSION")
	return (v == "auto" || v == "v4") && w.PC(pcName).ServesV4()
}

// importIgnoredOverV4 is what an import of a pairing cannot verify over v4: a registration
// does not name the remote user the pairing was made with (v3's cloud trust does).
func importIgnoredOverV4(w *prismsim.World) []string {
	if pairingOverV4(w, acctest.PCCanada) {
		return []string{"username"}
	}
	return nil
}

// newUnpairedV4Sites is canada and france posing as a release that serves v4, with disaster
// recovery enabled, not paired; ca and fr are their v3 clients.
func newUnpairedV4Sites(t *testing.T) *v4Sites {
	t.Helper()
	w := acctest.NewWorldWith(t, acctest.Edits(acctest.WithDR(acctest.PCCanada, acctest.PCFrance), acctest.WithPCVersion(v4Release)))
	return &v4Sites{failoverSites: &failoverSites{w: w, ca: acctest.Client(t, w, acctest.PCCanada), fr: acctest.Client(t, w, acctest.PCFrance)}}
}

// notPairedCheck is the destroy check of a pairing test: neither side is paired.
func (s *v4Sites) notPairedCheck(t *testing.T) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(testAccCheckNotPaired(t, s.ca), testAccCheckNotPaired(t, s.fr))
}

func TestAccV4Pairing(t *testing.T) {
	s := newUnpairedV4Sites(t)
	w, ca, fr := s.w, s.ca, s.fr
	canada, france := w.PC(acctest.PCCanada), w.PC(acctest.PCFrance)
	const addr = "nutanixdr_availability_zone.test"
	provider := withAPIVersion(acctest.ProviderConfig(w, acctest.PCCanada, ""), "auto")
	pairing := provider + testAccPairingConfig(france.AdvertisedIP(), france.Username(), france.Password(), "") + `
data "nutanixdr_cluster" "ca" {
  name = "CA01"
}
`
	ca01 := acctest.ClusterID(t, w, acctest.PCCanada, "CA01")
	clusterLists := watchV3ClusterLists(w)
	clusterOnly := provider + `
data "nutanixdr_cluster" "ca" {
  name = "CA01"
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             s.notPairedCheck(t),
		Steps: []resource.TestStep{
			{
				// With france down, the pairing fails over v4 with the model's reason, and
				// leaves nothing on either side.
				PreConfig: func() {
					if err := w.SiteDown(acctest.PCFrance); err != nil {
						t.Fatal(err)
					}
					canada.ResetRequestCounts()
				},
				Config:      pairing,
				ExpectError: regexp.MustCompile(`(?s)Error creating availability zone.*REMOTE_CLUSTER_NOT_CONNECTED`),
			},
			{
				PreConfig: func() {
					if err := testAccCheckNotPaired(t, ca)(nil); err != nil {
						t.Fatalf("the failed pairing left something: %v", err)
					}
					if err := s.routesUsed(acctest.PCCanada, []string{v4Register}, []string{v3TrustCreate}); err != nil {
						t.Fatal(err)
					}
					if err := w.SiteUp(acctest.PCFrance); err != nil {
						t.Fatal(err)
					}
					canada.ResetRequestCounts()
				},
				Config:           pairing,
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("PC_"+france.AdvertisedIP())),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cloud_trust_id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue("data.nutanixdr_cluster.ca", tfjsonpath.New("id"), knownvalue.StringExact(ca01)),
					s.checkRoutes(acctest.PCCanada, []string{v4Register, v4Clusters},
						[]string{v3TrustCreate, v3TrustGet, v3TrustDelete}),
					acctest.CheckAPI(func(context.Context) error { return clusterLists.none() }),
					s.logRoutes(t, acctest.PCCanada, "pairing over v4 and reading a cluster"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPairedWith(t, ca, "PC_"+france.AdvertisedIP(), france.AdvertisedIP()),
					testAccCheckPairedWith(t, fr, "PC_"+canada.AdvertisedIP(), canada.AdvertisedIP()),
				),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"username"},
			},
			{
				// Unpairing (the resource removed) with france down reads the registration,
				// then is the unregister action; france's side goes when it comes back up.
				PreConfig: func() {
					canada.ResetRequestCounts()
					if err := w.SiteDown(acctest.PCFrance); err != nil {
						t.Fatal(err)
					}
				},
				Config:           clusterOnly,
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v4Registration, v4Unregister}, []string{v3TrustGet, v3TrustDelete}),
					acctest.CheckAPI(func(context.Context) error { return w.SiteUp(acctest.PCFrance) }),
					acctest.CheckAPI(func(context.Context) error {
						for name, c := range map[string]func() error{
							acctest.PCCanada: func() error { return testAccCheckNotPaired(t, ca)(nil) },
							acctest.PCFrance: func() error { return testAccCheckNotPaired(t, fr)(nil) },
						} {
							if err := c(); err != nil {
								return fmt.Errorf("%s after unpairing: %w", name, err)
							}
						}
						return nil
					}),
				},
			},
		},
	})
}

// A pairing made over v3 is read and unpaired by the provider over v4: the state's ids mean
// the same on both wires.
func TestAccV4PairingFromV3State(t *testing.T) {
	s := newUnpairedV4Sites(t)
	w := s.w
	canada, france := w.PC(acctest.PCCanada), w.PC(acctest.PCFrance)
	base := acctest.ProviderConfig(w, acctest.PCCanada, "")
	pairing := testAccPairingConfig(france.AdvertisedIP(), france.Username(), france.Password(), "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             s.notPairedCheck(t),
		Steps: []resource.TestStep{
			{
				Config: withAPIVersion(base, "v3") + pairing,
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v3TrustCreate}, []string{v4Register}),
				},
			},
			{
				PreConfig:        func() { canada.ResetRequestCounts() },
				Config:           withAPIVersion(base, "auto") + pairing,
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v4Registration, v3ZonesList}, []string{v3TrustGet, v4Register}),
				},
			},
			{
				PreConfig: func() { canada.ResetRequestCounts() },
				Config:    withAPIVersion(base, "auto"),
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v4Unregister}, []string{v3TrustDelete}),
				},
			},
		},
	})
}

// v3ClusterLists counts the v3 cluster lists a world served beyond the provider's endpoint
// check (POST /clusters/list of length 1 at every configure, which stays v3 by design).
type v3ClusterLists struct {
	mu sync.Mutex
	n  int
}

func watchV3ClusterLists(w *prismsim.World) *v3ClusterLists {
	l := &v3ClusterLists{}
	w.OnExchange(func(x prismsim.Exchange) {
		var body struct {
			Length int `json:"length"`
		}
		if x.Method == "POST" && x.Path == "/api/nutanix/v3/clusters/list" && (json.Unmarshal(x.RequestBody, &body) != nil || body.Length != 1) {
			l.mu.Lock()
			l.n++
			l.mu.Unlock()
		}
	})
	return l
}

// none fails when a v3 cluster list other than the endpoint check was served.
func (l *v3ClusterLists) none() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n > 0 {
		return fmt.Errorf("clusters were listed over v3 %d times besides the endpoint check", l.n)
	}
	return nil
}
