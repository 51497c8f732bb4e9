package client

import (
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// Routes of pairing and clusters, as prismsim counts them.
const (
	routeRegister   = "POST /api/prism/v4.3/management/domain-managers/{extId}/$actions/register"
	routeUnregister = "POST /api/prism/v4.3/management/domain-managers/{extId}/$actions/unregister"
	routeDMs        = "GET /api/prism/v4.3/config/domain-managers"
	routeRegs       = "GET /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/registrations"
	routeV3Trusts   = "POST /api/nutanix/v3/cloud_trusts"
	routeV4Clusters = "GET /api/clustermgmt/v4.2/config/clusters"
)

// startV4Pair starts leap-two-sites with both PCs at a release that serves v4, DR enabled on
// both, not paired; it returns canada and france.
func startV4Pair(t *testing.T) (*simPC, *simPC) {
	t.Helper()
	w := startPresetWorld(t, "leap-two-sites", func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			cfg.PCs[i].PCVersion, cfg.PCs[i].DREnabled = "pc.7.5", true
		}
	})
	ca := &simPC{world: w, pc: w.PC("canada"), admin: adminClient(t, w.PC("canada"))}
	fr := &simPC{world: w, pc: w.PC("france"), admin: adminClient(t, w.PC("france"))}
	return ca, fr
}

func (s *simPC) pairingInput() CloudTrustInput {
	return CloudTrustInput{RemoteAddress: s.pc.AdvertisedIP(), Username: s.pc.Username(), Password: s.pc.Password()}
}

// remoteZoneCount counts the PC's zones other than Local, over v3.
func remoteZoneCount(t *testing.T, s *simPC) int {
	t.Helper()
	c, _ := s.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionV3 })
	azs, err := c.ListAvailabilityZones(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, az := range azs {
		if az.Type != AvailabilityZoneLocal {
			n++
		}
	}
	return n
}

// Under "auto", on a Prism Central that serves prism v4.3, the typed pairing operations speak
// v4: register, registrations, unregister; what they return is what v3 would.
func TestV4Pairing(t *testing.T) {
	ca, fr := startV4Pair(t)
	c, log := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	ctx := t.Context()
	ca.resetRequests(t)
	ct, err := c.CreateCloudTrust(ctx, fr.pairingInput())
	if err != nil {
		t.Fatalf("pairing over v4: %v", err)
	}
	if n, v3 := ca.requests(t, routeRegister), ca.requests(t, routeV3Trusts); n != 1 || v3 != 0 {
		t.Fatalf("register sent %d times, v3 cloud trusts %d times; want 1 and 0", n, v3)
	}
	if ct.URL != fr.pc.AdvertisedIP() || ct.CloudType != CloudTypeOnPrem || ct.AvailabilityZoneUUID == "" || ct.UUID == "" {
		t.Fatalf("cloud trust %+v", ct)
	}
	v3c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionV3 })
	az, err := v3c.GetAvailabilityZone(ctx, ct.AvailabilityZoneUUID)
	if err != nil || az.CloudTrustUUID != ct.UUID || az.ManagementURL != fr.pc.AdvertisedIP() {
		t.Fatalf("the zone over v3: %+v %v, want trust %s", az, err, ct.UUID)
	}
	got, err := c.GetCloudTrust(ctx, ct.UUID)
	if err != nil || got.UUID != ct.UUID || got.URL != ct.URL || got.AvailabilityZoneUUID != ct.AvailabilityZoneUUID {
		t.Fatalf("GetCloudTrust over v4: %+v %v", got, err)
	}
	if az4, err := c.GetAvailabilityZone(ctx, ct.AvailabilityZoneUUID); err != nil || az4.CloudTrustUUID != ct.UUID {
		t.Fatalf("GetAvailabilityZone under auto: %+v %v", az4, err)
	}
	if byZone, err := c.CloudTrustForAvailabilityZone(ctx, ct.AvailabilityZoneUUID); err != nil || byZone.UUID != ct.UUID {
		t.Fatalf("CloudTrustForAvailabilityZone: %+v %v", byZone, err)
	}
	if remoteZoneCount(t, fr) != 1 {
		t.Fatal("france has no zone of canada")
	}

	ca.resetRequests(t)
	if err := c.DeleteCloudTrust(ctx, ct.UUID); err != nil {
		t.Fatalf("unpairing over v4: %v", err)
	}
	if n := ca.requests(t, routeUnregister); n != 1 {
		t.Fatalf("unregister sent %d times, want 1", n)
	}
	if a, b := remoteZoneCount(t, ca), remoteZoneCount(t, fr); a != 0 || b != 0 {
		t.Fatalf("remote zones after unpairing: canada %d, france %d", a, b)
	}
	if _, err := c.GetCloudTrust(ctx, ct.UUID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetCloudTrust after unpairing: %v", err)
	}
	if strings.Contains(log.text(), fr.pc.Password()) {
		t.Fatal("the remote password is in the client's log")
	}
}

// A register whose answer is lost is sent again under the same request id: one pairing.
func TestV4PairingDroppedAnswer(t *testing.T) {
	ca, fr := startV4Pair(t)
	c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	ca.fault(t, map[string]any{"path_prefix": "/api/prism/v4.3/management", "method": http.MethodPost, "kind": "drop_after_commit", "count": 1})
	ca.resetRequests(t)
	ct, err := c.CreateCloudTrust(t.Context(), fr.pairingInput())
	if err != nil {
		t.Fatalf("pairing with a dropped answer: %v", err)
	}
	if n := ca.requests(t, routeRegister); n != 2 {
		t.Fatalf("register sent %d times, want 2 (the retry)", n)
	}
	if remoteZoneCount(t, ca) != 1 || ct.AvailabilityZoneUUID == "" {
		t.Fatalf("after the retry: %+v", ct)
	}
}

// With the remote down, the pairing task fails, names why, and leaves nothing.
func TestV4PairingPeerDown(t *testing.T) {
	ca, fr := startV4Pair(t)
	c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	if err := ca.world.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	ct, err := c.CreateCloudTrust(t.Context(), fr.pairingInput())
	var te *TaskError
	if !errors.As(err, &te) || te.ErrorCode != ReasonRemoteNotConnected || ct != nil {
		t.Fatalf("pairing with france down: %+v %v", ct, err)
	}
	mustContain(t, err.Error(), fr.pc.AdvertisedIP())
	if remoteZoneCount(t, ca) != 0 {
		t.Fatal("a failed pairing left a zone")
	}

	// Unpairing with the remote down: this side at once, the remote's when it is back.
	if err := ca.world.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	ct, err = c.CreateCloudTrust(t.Context(), fr.pairingInput())
	if err != nil {
		t.Fatal(err)
	}
	if err := ca.world.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCloudTrust(t.Context(), ct.UUID); err != nil {
		t.Fatalf("unpairing with france down: %v", err)
	}
	if err := ca.world.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	if a, b := remoteZoneCount(t, ca), remoteZoneCount(t, fr); a != 0 || b != 0 {
		t.Fatalf("remote zones after unpairing with france down: canada %d, france %d", a, b)
	}
}

// What the register action cannot carry is paired over v3 under "auto": a remote address
// with a port, a cloud type v4 does not take.
func TestV4PairingFallsBackToV3(t *testing.T) {
	ca, fr := startV4Pair(t)
	c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	in := fr.pairingInput()
	in.RemoteAddress = "127.0.0.1:" + strconv.Itoa(fr.pc.Port())
	ca.resetRequests(t)
	ct, err := c.CreateCloudTrust(t.Context(), in)
	if err != nil {
		t.Fatalf("pairing by loopback address and port: %v", err)
	}
	if n, v3 := ca.requests(t, routeRegister), ca.requests(t, routeV3Trusts); n != 0 || v3 != 1 {
		t.Fatalf("register %d, v3 cloud trusts %d; want 0 and 1", n, v3)
	}
	// Unpairing a trust that is a registration too goes over v4.
	if err := c.DeleteCloudTrust(t.Context(), ct.UUID); err != nil {
		t.Fatal(err)
	}
	if _, err := v4RemoteAddress("pc.example.com:9441"); !errors.Is(err, errNoV4Form) {
		t.Errorf("an address with a port: %v", err)
	}
	if a, err := v4RemoteAddress("https://pc.example.com:9440/"); err != nil || a["fqdn"] == nil {
		t.Errorf("a name on the default port: %v %v", a, err)
	}
}

// The zone map is built once per process and Prism Central, whatever the number of clients
// (configures); a pairing made by the process forgets it.
func TestV4ZoneMapPerProcess(t *testing.T) {
	ca, fr := startV4Pair(t)
	ctx := t.Context()
	first, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	local, err := first.LocalAvailabilityZone(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ca.resetRequests(t)
	if dm, err := first.domainManagerOf(ctx, "test", local.UUID); err != nil || dm != ca.pc.UUID() {
		t.Fatalf("domain manager of the Local zone: %q %v", dm, err)
	}
	if d, r := ca.requests(t, routeDMs), ca.requests(t, routeRegs); d != 1 || r != 1 {
		t.Fatalf("first build: %d domain manager lists, %d registration lists; want 1 and 1", d, r)
	}
	for i := 0; i < 3; i++ {
		again, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
		if _, err := again.domainManagerOf(ctx, "test", local.UUID); err != nil {
			t.Fatal(err)
		}
	}
	if d, r := ca.requests(t, routeDMs), ca.requests(t, routeRegs); d != 1 || r != 1 {
		t.Fatalf("three more configures: %d domain manager lists, %d registration lists; want still 1 and 1", d, r)
	}
	ct, err := first.CreateCloudTrust(ctx, fr.pairingInput())
	if err != nil {
		t.Fatal(err)
	}
	ca.resetRequests(t)
	later, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	if dm, err := later.domainManagerOf(ctx, "test", ct.AvailabilityZoneUUID); err != nil || dm != fr.pc.UUID() {
		t.Fatalf("domain manager of france's zone after pairing: %q %v", dm, err)
	}
	if d, r := ca.requests(t, routeDMs), ca.requests(t, routeRegs); d != 0 || r != 1 {
		t.Fatalf("after pairing: %d domain manager lists, %d registration lists; want 0 (kept) and 1", d, r)
	}
}

// Under "auto", clusters are read over clustermgmt v4.2 and read as over v3.
func TestV4Clusters(t *testing.T) {
	ca, _ := startV4Pair(t)
	ctx := t.Context()
	v4c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	v3c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionV3 })
	ca.resetRequests(t)
	got, err := v4c.ListClusters(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := ca.requests(t, routeV4Clusters); n != 1 {
		t.Fatalf("v4 cluster lists: %d, want 1", n)
	}
	want, err := v3c.ListClusters(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("over v4 %+v\nover v3 %+v", got, want)
	}
	named, err := v4c.ListClusters(ctx, "name==CA01")
	if err != nil || len(named) != 1 || named[0].Name != "CA01" || named[0].IsPrismCentral {
		t.Fatalf("clusters named CA01: %+v %v", named, err)
	}
	one, err := v4c.GetCluster(ctx, named[0].UUID)
	if err != nil || !reflect.DeepEqual(*one, named[0]) {
		t.Fatalf("GetCluster: %+v %v", one, err)
	}
	if err := v4c.CheckPrismCentral(ctx); err != nil {
		t.Fatal(err)
	}
}

// The requests a pairing and an unpairing cost on each wire, task reads aside (their number
// depends on the task's latency), logged for the record. v3: POST /cloud_trusts and a read of
// the trust (the zone comes in the task); GET and DELETE. v4, in a fresh process: the
// namespace probe and the local domain manager (once per process), the register action, a
// list of registrations and one of the zones (v3); two reads of the registration and the
// unregister action.
func TestPairingRequestCounts(t *testing.T) {
	for _, wire := range []string{APIVersionV3, APIVersionAuto} {
		ca, fr := startV4Pair(t)
		c, _ := ca.client(t, func(cfg *Config) { cfg.APIVersion = wire })
		count := func() (int, int) {
			var counts struct {
				ByRoute map[string]int `json:"by_route"`
			}
			ca.call(t, http.MethodGet, "/_prismsim/requests", nil, &counts)
			n, tasks := 0, 0
			for route, k := range counts.ByRoute {
				if strings.Contains(route, "/tasks") {
					tasks += k
				} else {
					n += k
				}
			}
			return n, tasks
		}
		ca.resetRequests(t)
		ct, err := c.CreateCloudTrust(t.Context(), fr.pairingInput())
		if err != nil {
			t.Fatal(err)
		}
		pair, pairTasks := count()
		ca.resetRequests(t)
		if err := c.DeleteCloudTrust(t.Context(), ct.UUID); err != nil {
			t.Fatal(err)
		}
		unpair, unpairTasks := count()
		t.Logf("%s: pairing %d requests (+%d task reads), unpairing %d (+%d task reads)", wire, pair, pairTasks, unpair, unpairTasks)
		want := map[string][2]int{APIVersionV3: {2, 2}, APIVersionAuto: {5, 3}}[wire]
		if pair != want[0] || unpair != want[1] {
			t.Errorf("%s: pairing %d, unpairing %d requests; want %d and %d", wire, pair, unpair, want[0], want[1])
		}
	}
}
