package client

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

const (
	canadaIP = "192.168.10.10"
	franceIP = "192.168.0.10"
)

// twoSites is the leap-two-sites world with a client for each PC.
type twoSites struct {
	*simPC
	france   *prismsim.PC
	ca, fr   *Client
	caLog    *recLogger
	frLog    *recLogger
	frPasswd string
}

func startTwoSites(t *testing.T) *twoSites {
	t.Helper()
	s := startWorld(t)
	fr := s.world.PC("france")
	if fr == nil {
		t.Fatal("no PC france in the preset")
	}
	ts := &twoSites{simPC: s, france: fr, frPasswd: fr.Password()}
	ts.ca, ts.caLog = s.client(t)
	ts.fr, ts.frLog = (&simPC{world: s.world, pc: fr, admin: s.admin}).client(t)
	return ts
}

// toFrance pairs canada with france through france's advertised address.
func (ts *twoSites) toFrance(password string) CloudTrustInput {
	return CloudTrustInput{RemoteAddress: franceIP, Username: ts.france.Username(), Password: password}
}

func (ts *twoSites) enableBoth(t *testing.T) {
	t.Helper()
	for _, c := range []*Client{ts.ca, ts.fr} {
		if err := c.EnableDisasterRecovery(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// zoneNames lists the names of the availability zones of c, sorted.
func zoneNames(t *testing.T, c *Client) []string {
	t.Helper()
	azs, err := c.ListAvailabilityZones(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, az := range azs {
		names = append(names, az.Name)
	}
	sort.Strings(names)
	return names
}

func trustCount(t *testing.T, c *Client) int {
	t.Helper()
	trusts, err := c.ListCloudTrusts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(trusts)
}

func zoneNamed(t *testing.T, c *Client, name string) AvailabilityZone {
	t.Helper()
	azs, err := c.ListAvailabilityZones(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(azs, func(az AvailabilityZone) bool { return az.Name == name })
	if i < 0 {
		t.Fatalf("no availability zone %s in %+v", name, azs)
	}
	return azs[i]
}

// wantNothingLeft fails unless neither side has a trust or a remote zone.
func (ts *twoSites) wantNothingLeft(t *testing.T, what string) {
	t.Helper()
	for _, side := range []struct {
		name string
		c    *Client
	}{{"canada", ts.ca}, {"france", ts.fr}} {
		if n := trustCount(t, side.c); n != 0 {
			t.Errorf("%s left %d cloud trust(s) on %s", what, n, side.name)
		}
		if names := zoneNames(t, side.c); len(names) > 1 {
			t.Errorf("%s left availability zones %v on %s", what, names, side.name)
		}
	}
}

// wantPairingError checks that err is an *APIError or *TaskError whose text
// names the remote address and says why.
func wantPairingError(t *testing.T, err error, address string, why ...string) {
	t.Helper()
	var apiErr *APIError
	var taskErr *TaskError
	if !errors.As(err, &apiErr) && !errors.As(err, &taskErr) {
		t.Fatalf("error = %v (%T), want an *APIError or a *TaskError", err, err)
	}
	mustContain(t, err.Error(), append([]string{"pairing with remote Prism Central " + address + ": "}, why...)...)
	t.Logf("pairing error: %v", err)
}

func TestEmulatorEnableDisasterRecovery(t *testing.T) {
	ts := startTwoSites(t)
	ctx := context.Background()
	_, err := ts.ca.LocalAvailabilityZone(ctx)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Local AZ before enabling: %v, want ErrNotFound", err)
	}
	mustContain(t, err.Error(), "disaster recovery is not enabled")
	if st, err := ts.ca.DisasterRecoveryStatus(ctx); err != nil || st.Enablement != ServiceDisabled {
		t.Errorf("status before enabling = %+v, %v", st, err)
	}
	if err := ts.ca.EnableDisasterRecovery(ctx); err != nil {
		t.Fatal(err)
	}
	local, err := ts.ca.LocalAvailabilityZone(ctx)
	if err != nil || local.Name != "Local AZ" || local.Type != AvailabilityZoneLocal || !local.Reachable {
		t.Fatalf("Local AZ = %+v, %v", local, err)
	}
	if st, err := ts.ca.DisasterRecoveryStatus(ctx); err != nil || st.Enablement != ServiceEnabled {
		t.Errorf("status after enabling = %+v, %v", st, err)
	}
	// Enabling again changes nothing.
	if err := ts.ca.EnableDisasterRecovery(ctx); err != nil {
		t.Fatalf("enabling again: %v", err)
	}
	again, err := ts.ca.LocalAvailabilityZone(ctx)
	if err != nil || again.UUID != local.UUID {
		t.Errorf("Local AZ after enabling again = %+v, %v; want %s", again, err, local.UUID)
	}
	if names := zoneNames(t, ts.ca); !slices.Equal(names, []string{"Local AZ"}) {
		t.Errorf("zones = %v", names)
	}
	got, err := ts.ca.GetAvailabilityZone(ctx, local.UUID)
	if err != nil || *got != *local {
		t.Errorf("GetAvailabilityZone = %+v, %v; want %+v", got, err, local)
	}
	// France is untouched.
	if _, err := ts.fr.LocalAvailabilityZone(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("france's Local AZ: %v, want ErrNotFound", err)
	}
}

func TestEmulatorPairing(t *testing.T) {
	ts := startTwoSites(t)
	ctx := context.Background()

	t.Run("DR disabled here", func(t *testing.T) {
		_, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd))
		wantPairingError(t, err, franceIP, "not enabled")
	})
	if err := ts.ca.EnableDisasterRecovery(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("DR disabled on the remote", func(t *testing.T) {
		_, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd))
		wantPairingError(t, err, franceIP, "not enabled")
		ts.wantNothingLeft(t, "pairing with a remote without DR")
	})
	if err := ts.fr.EnableDisasterRecovery(ctx); err != nil {
		t.Fatal(err)
	}

	failures := []struct {
		name string
		in   CloudTrustInput
		why  []string
	}{
		{"self", CloudTrustInput{RemoteAddress: canadaIP, Username: ts.pc.Username(), Password: ts.pc.Password()}, []string{"itself"}},
		{"self by listen address", CloudTrustInput{RemoteAddress: ts.pc.URL(), Username: ts.pc.Username(), Password: ts.pc.Password()}, []string{"itself"}},
		{"wrong credentials", ts.toFrance(ts.frPasswd + "-wrong"), []string{"authentication failed"}},
		{"unknown address", CloudTrustInput{RemoteAddress: "192.168.99.99", Username: "admin", Password: ts.frPasswd}, []string{"unreachable"}},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			ct, err := ts.ca.CreateCloudTrust(ctx, f.in)
			if ct != nil {
				t.Errorf("a failed pairing returned %+v", ct)
			}
			wantPairingError(t, err, strings.TrimSpace(f.in.RemoteAddress), f.why...)
			ts.wantNothingLeft(t, "pairing ("+f.name+")")
		})
	}

	ct, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd))
	if err != nil {
		t.Fatal(err)
	}
	if ct.UUID == "" || ct.AvailabilityZoneUUID == "" || ct.CloudType != CloudTypeOnPrem || ct.URL != franceIP {
		t.Errorf("cloud trust = %+v", ct)
	}
	if names := zoneNames(t, ts.ca); !slices.Equal(names, []string{"Local AZ", "PC_" + franceIP}) {
		t.Errorf("canada's zones = %v", names)
	}
	if names := zoneNames(t, ts.fr); !slices.Equal(names, []string{"Local AZ", "PC_" + canadaIP}) {
		t.Errorf("france's zones = %v", names)
	}
	caSide := zoneNamed(t, ts.ca, "PC_"+franceIP)
	if caSide.UUID != ct.AvailabilityZoneUUID || caSide.Type != AvailabilityZonePC || remoteKey(caSide.ManagementURL) != remoteKey(franceIP) ||
		caSide.CloudTrustUUID != ct.UUID || !caSide.Reachable {
		t.Errorf("canada's zone of france = %+v (trust %+v)", caSide, ct)
	}
	frSide := zoneNamed(t, ts.fr, "PC_"+canadaIP)
	if frSide.Type != AvailabilityZonePC || remoteKey(frSide.ManagementURL) != remoteKey(canadaIP) || frSide.CloudTrustUUID == "" || !frSide.Reachable {
		t.Errorf("france's zone of canada = %+v", frSide)
	}
	got, err := ts.ca.GetCloudTrust(ctx, ct.UUID)
	if err != nil || *got != *ct {
		t.Errorf("GetCloudTrust = %+v, %v; want %+v", got, err, ct)
	}
	byAZ, err := ts.ca.CloudTrustForAvailabilityZone(ctx, caSide.UUID)
	if err != nil || byAZ.UUID != ct.UUID {
		t.Errorf("CloudTrustForAvailabilityZone = %+v, %v", byAZ, err)
	}
	if n := trustCount(t, ts.fr); n != 1 {
		t.Errorf("france has %d cloud trusts, want 1", n)
	}

	t.Run("twice", func(t *testing.T) {
		_, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd))
		wantPairingError(t, err, franceIP, "CLOUD_TRUST_EXISTS")
		if n := trustCount(t, ts.ca); n != 1 {
			t.Errorf("canada has %d cloud trusts after pairing twice", n)
		}
	})
	t.Run("twice from the other side", func(t *testing.T) {
		_, err := ts.fr.CreateCloudTrust(ctx, CloudTrustInput{RemoteAddress: canadaIP, Username: ts.pc.Username(), Password: ts.pc.Password()})
		wantPairingError(t, err, canadaIP, "CLOUD_TRUST_EXISTS")
		if n := trustCount(t, ts.fr); n != 1 {
			t.Errorf("france has %d cloud trusts after pairing twice", n)
		}
	})

	t.Run("remote down", func(t *testing.T) {
		if err := ts.world.SiteDown("france"); err != nil {
			t.Fatal(err)
		}
		az, err := ts.ca.GetAvailabilityZone(ctx, caSide.UUID)
		if err != nil || az.Reachable {
			t.Errorf("zone of france while france is down = %+v, %v; want unreachable", az, err)
		}
		if err := ts.world.SiteUp("france"); err != nil {
			t.Fatal(err)
		}
		az, err = ts.ca.GetAvailabilityZone(ctx, caSide.UUID)
		if err != nil || !az.Reachable {
			t.Errorf("zone of france once france is up = %+v, %v; want reachable", az, err)
		}
	})

	if err := ts.ca.DeleteCloudTrust(ctx, ct.UUID); err != nil {
		t.Fatal(err)
	}
	ts.wantNothingLeft(t, "unpairing")
	if err := ts.ca.DeleteCloudTrust(ctx, ct.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("unpairing again: %v, want ErrNotFound", err)
	}
	if _, err := ts.ca.GetAvailabilityZone(ctx, caSide.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("zone of france after unpairing: %v, want ErrNotFound", err)
	}

	t.Run("unreachable remote", func(t *testing.T) {
		if err := ts.world.SiteDown("france"); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := ts.world.SiteUp("france"); err != nil {
				t.Fatal(err)
			}
		}()
		_, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd))
		wantPairingError(t, err, franceIP, "unreachable")
		if n := trustCount(t, ts.ca); n != 0 {
			t.Errorf("a pairing with a down remote left %d trust(s)", n)
		}
		if names := zoneNames(t, ts.ca); len(names) != 1 {
			t.Errorf("a pairing with a down remote left zones %v", names)
		}
	})
	ts.wantNothingLeft(t, "pairing with a down remote")

	for name, log := range map[string]*recLogger{"canada": ts.caLog, "france": ts.frLog} {
		if text := log.text(); strings.Contains(text, ts.frPasswd) || strings.Contains(text, ts.pc.Password()) {
			t.Errorf("a password was logged by the client of %s", name)
		}
	}
}

func TestEmulatorPairingDropAfterCommit(t *testing.T) {
	ts := startTwoSites(t)
	ts.world.UpdateSettings(prismsim.Settings{TaskLatency: prismsim.Duration(100 * time.Millisecond), ClockRate: 1})
	ts.enableBoth(t)
	ts.fault(t, map[string]any{"path_prefix": "/api/nutanix/v3/cloud_trusts", "method": "POST", "kind": "drop_after_commit", "count": 1})
	ts.resetRequests(t)
	ct, err := ts.ca.CreateCloudTrust(context.Background(), ts.toFrance(ts.frPasswd))
	if err != nil {
		t.Fatalf("pairing with a dropped answer: %v", err)
	}
	if n := ts.requests(t, "POST /api/nutanix/v3/cloud_trusts"); n != 2 {
		t.Errorf("creates = %d, want 2 (one dropped, one refused)", n)
	}
	if n := trustCount(t, ts.ca); n != 1 {
		t.Errorf("canada has %d cloud trusts, want exactly one", n)
	}
	if n := trustCount(t, ts.fr); n != 1 {
		t.Errorf("france has %d cloud trusts, want exactly one", n)
	}
	if names := zoneNames(t, ts.ca); !slices.Equal(names, []string{"Local AZ", "PC_" + franceIP}) {
		t.Errorf("canada's zones = %v", names)
	}
	if ct.AvailabilityZoneUUID != zoneNamed(t, ts.ca, "PC_"+franceIP).UUID {
		t.Errorf("cloud trust = %+v", ct)
	}
	if len(ts.caLog.retries()) != 1 {
		t.Errorf("retries logged = %d, want 1", len(ts.caLog.retries()))
	}
}

// TestEmulatorPairingFailedTask checks that an injected task failure of a
// pairing comes back as a *TaskError and leaves nothing.
func TestEmulatorPairingFailedTask(t *testing.T) {
	ts := startTwoSites(t)
	ts.enableBoth(t)
	ts.fault(t, map[string]any{"path_prefix": "/api/nutanix/v3/cloud_trusts", "method": http.MethodPost, "kind": "task_failure", "count": 1})
	ct, err := ts.ca.CreateCloudTrust(context.Background(), ts.toFrance(ts.frPasswd))
	var te *TaskError
	if ct != nil || !errors.As(err, &te) {
		t.Fatalf("CreateCloudTrust = %+v, %v; want a *TaskError", ct, err)
	}
	wantPairingError(t, err, franceIP, "ended FAILED")
	ts.wantNothingLeft(t, "a failed pairing task")
}

// TestEmulatorPairingByListenAddress pairs through the address the remote
// listens on rather than its advertised one: the zone is still named after
// the advertised address, and trust and zone are linked through their
// remote connection.
func TestEmulatorPairingByListenAddress(t *testing.T) {
	ts := startTwoSites(t)
	ts.enableBoth(t)
	ctx := context.Background()
	address := "127.0.0.1:" + strconv.Itoa(ts.france.Port())
	ct, err := ts.ca.CreateCloudTrust(ctx, CloudTrustInput{RemoteAddress: address, Username: ts.france.Username(), Password: ts.frPasswd})
	if err != nil {
		t.Fatal(err)
	}
	az := zoneNamed(t, ts.ca, "PC_"+franceIP)
	if ct.URL != address || ct.AvailabilityZoneUUID != az.UUID || az.CloudTrustUUID != ct.UUID || ct.RemoteConnectionUUID == "" || az.RemoteConnectionUUID != ct.RemoteConnectionUUID {
		t.Errorf("trust %+v and zone %+v are not linked", ct, az)
	}
	got, err := ts.ca.GetCloudTrust(ctx, ct.UUID)
	if err != nil || got.AvailabilityZoneUUID != az.UUID {
		t.Errorf("GetCloudTrust = %+v, %v", got, err)
	}
	byAZ, err := ts.ca.CloudTrustForAvailabilityZone(ctx, az.UUID)
	if err != nil || byAZ.UUID != ct.UUID {
		t.Errorf("CloudTrustForAvailabilityZone = %+v, %v", byAZ, err)
	}
	// France's side is linked as well, and france can unpair.
	frAZ := zoneNamed(t, ts.fr, "PC_"+canadaIP)
	frTrust, err := ts.fr.CloudTrustForAvailabilityZone(ctx, frAZ.UUID)
	if err != nil || frTrust.AvailabilityZoneUUID != frAZ.UUID {
		t.Fatalf("france's trust = %+v, %v", frTrust, err)
	}
	if err := ts.fr.DeleteCloudTrust(ctx, frTrust.UUID); err != nil {
		t.Fatalf("unpairing from france: %v", err)
	}
	ts.wantNothingLeft(t, "unpairing from the remote side")
}

// TestEmulatorUnpairWhileRemoteDown unpairs while the remote site is down:
// this side is cleaned at once, the remote side when it comes back.
func TestEmulatorUnpairWhileRemoteDown(t *testing.T) {
	ts := startTwoSites(t)
	ts.enableBoth(t)
	ctx := context.Background()
	ct, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd))
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.world.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	if az := zoneNamed(t, ts.ca, "PC_"+franceIP); az.Reachable {
		t.Errorf("zone of a down france = %+v, want unreachable", az)
	}
	if err := ts.ca.DeleteCloudTrust(ctx, ct.UUID); err != nil {
		t.Fatalf("unpairing while france is down: %v", err)
	}
	if n, names := trustCount(t, ts.ca), zoneNames(t, ts.ca); n != 0 || len(names) != 1 {
		t.Errorf("canada after unpairing: %d trusts, zones %v", n, names)
	}
	if err := ts.world.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	ts.wantNothingLeft(t, "unpairing while the remote was down")
	// Pairing again works.
	if _, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd)); err != nil {
		t.Errorf("pairing again: %v", err)
	}
}

// TestEmulatorUnpairWhileStillCreating is the cleanup of an interrupted
// pairing: the create's wait gives up while its task still runs, and the
// delete that follows gets 409 "still being created". It waits for the
// create to settle, then unpairs, leaving nothing on either side.
func TestEmulatorUnpairWhileStillCreating(t *testing.T) {
	ts := startTwoSites(t)
	ts.world.UpdateSettings(prismsim.Settings{TaskLatency: prismsim.Duration(400 * time.Millisecond), ClockRate: 1})
	ts.enableBoth(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ct, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd))
	if !errors.Is(err, context.DeadlineExceeded) || ct == nil || ct.UUID == "" {
		t.Fatalf("CreateCloudTrust = %+v, %v; want the accepted trust and the deadline", ct, err)
	}
	if err := ts.ca.DeleteCloudTrust(context.Background(), ct.UUID); err != nil {
		t.Fatalf("unpairing a pairing still being created: %v", err)
	}
	ts.wantNothingLeft(t, "unpairing while the pairing was being created")
}

// TestEmulatorDeleteAlreadyBeingDeleted is a destroy retried while the
// first one's delete still runs: the 409 "already being deleted" is waited
// for and is success once the entity is gone.
func TestEmulatorDeleteAlreadyBeingDeleted(t *testing.T) {
	ts := startTwoSites(t)
	ts.enableBoth(t)
	ctx := context.Background()
	ct, err := ts.ca.CreateCloudTrust(ctx, ts.toFrance(ts.frPasswd))
	if err != nil {
		t.Fatal(err)
	}
	ts.world.UpdateSettings(prismsim.Settings{TaskLatency: prismsim.Duration(400 * time.Millisecond), ClockRate: 1})
	first, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := ts.ca.DeleteCloudTrust(first, ct.UUID); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("first unpairing = %v, want the deadline while its task runs", err)
	}
	if err := ts.ca.DeleteCloudTrust(ctx, ct.UUID); err != nil {
		t.Fatalf("unpairing again while the first unpairing runs: %v", err)
	}
	ts.wantNothingLeft(t, "a retried unpairing")
}
