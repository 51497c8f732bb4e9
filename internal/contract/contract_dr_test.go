package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// Keys of env.dr.
const (
	drLocalCanada = "local AZ of canada"
	drLocalFrance = "local AZ of france"
	drTrust       = "cloud trust canada->france"
	drRemoteAZ    = "AZ of france on canada"
)

// drSteps are the disaster recovery steps (issue 3): enabling DR, availability zones and the
// pairing of canada with france through /cloud_trusts and its failures. They run after the
// Foundation steps on the same world; the unpairing (unpairSteps) runs after the steps that
// need the pairing.
func drSteps() []step {
	return []step{
		{"pairing without disaster recovery is refused", []string{"POST /cloud_trusts"}, pairWithoutDR},
		{"disaster recovery is enabled", []string{"POST /services/disaster_recovery", "POST /tasks/poll | GET /tasks/{uuid}", "GET /services/{service_name}/status"}, enableDR},
		{"availability zones are listed and read", []string{"POST /availability_zones/list", "GET /availability_zones/{uuid}"}, listAndGetAZs},
		{"pairing failures are refused and leave nothing", []string{"POST /cloud_trusts"}, pairingFailures},
		{"two Prism Centrals are paired", []string{"POST /cloud_trusts", "POST /tasks/poll | GET /tasks/{uuid}", "GET /cloud_trusts/{uuid}", "POST /cloud_trusts/list", "POST /availability_zones/list"}, pairPCs},
		{"pairing twice is refused", []string{"POST /cloud_trusts"}, pairTwice},
		{"missing zones and trusts are not found", []string{"GET /availability_zones/{uuid}", "GET /cloud_trusts/{uuid}", "DELETE /cloud_trusts/{uuid}"}, drNotFound},
		{"bad disaster recovery input is refused", []string{"POST /services/disaster_recovery", "POST /cloud_trusts", "POST /cloud_trusts/list", "POST /availability_zones/list"}, badDRInput},
	}
}

// unpairSteps undo the pairing; they run after every step that needs it.
func unpairSteps() []step {
	return []step{
		{"two Prism Centrals are unpaired", []string{"GET /cloud_trusts/{uuid}", "DELETE /cloud_trusts/{uuid}", "POST /tasks/poll | GET /tasks/{uuid}"}, unpairPCs},
	}
}

// toFrance is the pairing input of canada with france by france's advertised address.
func (e *env) toFrance(password string) client.CloudTrustInput {
	return client.CloudTrustInput{RemoteAddress: e.francePC.AdvertisedIP(), Username: e.francePC.Username(), Password: password}
}

// wantPairingError fails unless err is an *APIError or a *TaskError whose text names the
// remote address and contains every part of want.
func wantPairingError(t *testing.T, what string, err error, address string, want ...string) {
	t.Helper()
	var apiErr *client.APIError
	var taskErr *client.TaskError
	if !errors.As(err, &apiErr) && !errors.As(err, &taskErr) {
		t.Errorf("%s: want a *client.APIError or *client.TaskError, got %T: %v", what, err, err)
		return
	}
	if apiErr != nil && (apiErr.StatusCode < 400 || apiErr.StatusCode > 499) {
		t.Errorf("%s: status %d, want 4xx: %v", what, apiErr.StatusCode, err)
	}
	msg := err.Error()
	for _, w := range append([]string{"pairing with remote Prism Central " + address}, want...) {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: error %q lacks %q", what, msg, w)
		}
	}
}

// zoneNames returns the sorted names of a PC's availability zones.
func zoneNames(ctx context.Context, t *testing.T, c *client.Client) []string {
	t.Helper()
	azs, err := c.ListAvailabilityZones(ctx, "")
	if err != nil {
		t.Fatalf("ListAvailabilityZones: %v", err)
	}
	names := make([]string, 0, len(azs))
	for _, az := range azs {
		names = append(names, az.Name)
	}
	sort.Strings(names)
	return names
}

func trustCount(ctx context.Context, t *testing.T, c *client.Client) int {
	t.Helper()
	trusts, err := c.ListCloudTrusts(ctx)
	if err != nil {
		t.Fatalf("ListCloudTrusts: %v", err)
	}
	return len(trusts)
}

func pairWithoutDR(ctx context.Context, t *testing.T, e *env) {
	ct, err := e.canada.CreateCloudTrust(ctx, e.toFrance(e.francePC.Password()))
	if ct != nil {
		t.Errorf("a pairing without disaster recovery returned %+v", ct)
	}
	wantPairingError(t, "pairing before enabling DR", err, e.francePC.AdvertisedIP(), "not enabled")
	if _, err := e.canada.LocalAvailabilityZone(ctx); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("Local AZ before enabling DR: %v, want ErrNotFound", err)
	}
}

func enableDR(ctx context.Context, t *testing.T, e *env) {
	for name, c := range map[string]*client.Client{"canada": e.canada, "france": e.france} {
		if err := c.EnableDisasterRecovery(ctx); err != nil {
			t.Fatalf("enabling DR on %s: %v", name, err)
		}
		st, err := c.DisasterRecoveryStatus(ctx)
		if err != nil || st.Enablement != client.ServiceEnabled {
			t.Errorf("DR status of %s = %+v, %v; want ENABLED", name, st, err)
		}
	}
	// Enabling again succeeds and changes nothing.
	before := zoneNames(ctx, t, e.canada)
	if err := e.canada.EnableDisasterRecovery(ctx); err != nil {
		t.Errorf("enabling DR again: %v", err)
	}
	if after := zoneNames(ctx, t, e.canada); !slices.Equal(before, after) || !slices.Equal(after, []string{"Local AZ"}) {
		t.Errorf("zones before and after enabling again: %v, %v; want [Local AZ]", before, after)
	}
}

func listAndGetAZs(ctx context.Context, t *testing.T, e *env) {
	for name, c := range map[string]*client.Client{drLocalCanada: e.canada, drLocalFrance: e.france} {
		local, err := c.LocalAvailabilityZone(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if local.Name != "Local AZ" || local.Type != client.AvailabilityZoneLocal || !local.Reachable {
			t.Errorf("%s = %+v", name, local)
		}
		got, err := c.GetAvailabilityZone(ctx, local.UUID)
		if err != nil || *got != *local {
			t.Errorf("GetAvailabilityZone(%s) = %+v, %v; want %+v", name, got, err, local)
		}
		e.dr[name] = local.UUID
	}
	if e.dr[drLocalCanada] == e.dr[drLocalFrance] {
		t.Errorf("both PCs have Local AZ %s", e.dr[drLocalCanada])
	}
	filtered, err := e.canada.ListAvailabilityZones(ctx, "name==Local AZ")
	if err != nil || len(filtered) != 1 || filtered[0].UUID != e.dr[drLocalCanada] {
		t.Errorf("filter name==Local AZ gave %+v, %v", filtered, err)
	}
}

func pairPCs(ctx context.Context, t *testing.T, e *env) {
	need(t, "DR enabled on both PCs", e.dr[drLocalFrance])
	franceIP, canadaIP := e.francePC.AdvertisedIP(), e.canadaPC.AdvertisedIP()
	ct, err := e.canada.CreateCloudTrust(ctx, e.toFrance(e.francePC.Password()))
	if err != nil {
		t.Fatalf("pairing canada with france: %v", err)
	}
	e.dr[drTrust], e.dr[drRemoteAZ] = ct.UUID, ct.AvailabilityZoneUUID
	if ct.URL != franceIP || ct.CloudType != client.CloudTypeOnPrem || ct.AvailabilityZoneUUID == "" {
		t.Errorf("cloud trust = %+v", ct)
	}
	if names := zoneNames(ctx, t, e.canada); !slices.Equal(names, []string{"Local AZ", "PC_" + franceIP}) {
		t.Errorf("canada's zones = %v, want Local AZ and PC_%s", names, franceIP)
	}
	if names := zoneNames(ctx, t, e.france); !slices.Equal(names, []string{"Local AZ", "PC_" + canadaIP}) {
		t.Errorf("france's zones = %v, want Local AZ and PC_%s", names, canadaIP)
	}
	az, err := e.canada.GetAvailabilityZone(ctx, ct.AvailabilityZoneUUID)
	if err != nil {
		t.Fatalf("GetAvailabilityZone(PC_%s): %v", franceIP, err)
	}
	if az.Name != "PC_"+franceIP || az.Type != client.AvailabilityZonePC || az.CloudTrustUUID != ct.UUID || !az.Reachable {
		t.Errorf("canada's zone of france = %+v (trust %s)", az, ct.UUID)
	}
	got, err := e.canada.GetCloudTrust(ctx, ct.UUID)
	if err != nil || *got != *ct {
		t.Errorf("GetCloudTrust = %+v, %v; want %+v", got, err, ct)
	}
	if n := trustCount(ctx, t, e.france); n != 1 {
		t.Errorf("france has %d cloud trusts, want 1 (the other side of the pairing)", n)
	}
	// The password is never read back.
	status, body, err := e.raw.do(ctx, http.MethodGet, "/cloud_trusts/"+ct.UUID, nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET /cloud_trusts/%s: %d %v", ct.UUID, status, err)
	}
	if strings.Contains(string(body), e.francePC.Password()) {
		t.Errorf("GET /cloud_trusts/%s returns the remote password", ct.UUID)
	}
	byAZ, err := e.canada.CloudTrustForAvailabilityZone(ctx, ct.AvailabilityZoneUUID)
	if err != nil || byAZ.UUID != ct.UUID {
		t.Errorf("CloudTrustForAvailabilityZone = %+v, %v", byAZ, err)
	}
}

// pairingCase is a pairing that must fail with an error containing want.
type pairingCase struct {
	what string
	c    *client.Client
	in   client.CloudTrustInput
	want []string
}

// refusedPairings runs the cases, then checks that each PC has trusts cloud trusts and zones
// availability zones.
func refusedPairings(ctx context.Context, t *testing.T, e *env, cases []pairingCase, trusts, zones int) {
	t.Helper()
	for _, c := range cases {
		ct, err := c.c.CreateCloudTrust(ctx, c.in)
		if ct != nil {
			t.Errorf("%s returned %+v", c.what, ct)
		}
		wantPairingError(t, c.what, err, c.in.RemoteAddress, c.want...)
	}
	for name, c := range map[string]*client.Client{"canada": e.canada, "france": e.france} {
		if n := trustCount(ctx, t, c); n != trusts {
			t.Errorf("%s has %d cloud trusts after refused pairings, want %d", name, n, trusts)
		}
		if n := len(zoneNames(ctx, t, c)); n != zones {
			t.Errorf("%s has %d zones after refused pairings, want %d", name, n, zones)
		}
	}
}

func pairingFailures(ctx context.Context, t *testing.T, e *env) {
	need(t, "DR enabled on both PCs", e.dr[drLocalFrance])
	refusedPairings(ctx, t, e, []pairingCase{
		{"pairing with itself", e.canada,
			client.CloudTrustInput{RemoteAddress: e.canadaPC.AdvertisedIP(), Username: e.canadaPC.Username(), Password: e.canadaPC.Password()},
			[]string{"itself"}},
		{"wrong remote credentials", e.canada, e.toFrance("not-the-password"), []string{"authentication failed"}},
		{"an unknown remote", e.canada,
			client.CloudTrustInput{RemoteAddress: "192.168.99.99", Username: "admin", Password: e.francePC.Password()},
			[]string{"unreachable"}},
	}, 0, 1)
}

func pairTwice(ctx context.Context, t *testing.T, e *env) {
	need(t, "the pairing of canada with france", e.dr[drTrust])
	refusedPairings(ctx, t, e, []pairingCase{
		{"pairing twice", e.canada, e.toFrance(e.francePC.Password()), []string{"CLOUD_TRUST_EXISTS"}},
		{"pairing twice from the other side", e.france,
			client.CloudTrustInput{RemoteAddress: e.canadaPC.AdvertisedIP(), Username: e.canadaPC.Username(), Password: e.canadaPC.Password()},
			[]string{"CLOUD_TRUST_EXISTS"}},
	}, 1, 2)
}

func drNotFound(ctx context.Context, t *testing.T, e *env) {
	missing := randomUUID(t)
	_, err := e.canada.GetAvailabilityZone(ctx, missing)
	wantNotFound(t, "GetAvailabilityZone", err)
	_, err = e.canada.GetCloudTrust(ctx, missing)
	wantNotFound(t, "GetCloudTrust", err)
	wantNotFound(t, "DeleteCloudTrust", e.canada.DeleteCloudTrust(ctx, missing))
	_, err = e.canada.CloudTrustForAvailabilityZone(ctx, missing)
	wantNotFound(t, "CloudTrustForAvailabilityZone", err)
	// The typed client reads before it deletes: send the DELETE itself.
	status, body, err := e.raw.do(ctx, http.MethodDelete, "/cloud_trusts/"+missing, nil)
	if err != nil || status != http.StatusNotFound {
		t.Errorf("DELETE /cloud_trusts/%s: %d %v %s, want 404", missing, status, err, truncate(body))
	}
}

func badDRInput(ctx context.Context, t *testing.T, e *env) {
	type badRequest struct{ what, method, path, body string }
	resources := func(extra string) string {
		return fmt.Sprintf(`{"url":%q,"username":"admin","password":"x"%s}`, e.francePC.AdvertisedIP(), extra)
	}
	cases := []badRequest{
		{"a DR state outside the enum", http.MethodPost, "/services/disaster_recovery", `{"state":"DISABLE"}`},
		{"a DR request without its state", http.MethodPost, "/services/disaster_recovery", `{}`},
		{"a cloud trust without metadata", http.MethodPost, "/cloud_trusts", fmt.Sprintf(`{"spec":{"resources":%s}}`, resources(""))},
		{"a cloud trust without spec", http.MethodPost, "/cloud_trusts", `{"metadata":{"kind":"cloud_trust"}}`},
		{"a cloud type outside the enum", http.MethodPost, "/cloud_trusts",
			fmt.Sprintf(`{"metadata":{"kind":"cloud_trust","uuid":%q},"spec":{"resources":%s}}`, randomUUID(t), resources(`,"cloud_type":"GCP"`))},
		{"a cloud trust name over 64 characters", http.MethodPost, "/cloud_trusts",
			fmt.Sprintf(`{"metadata":{"kind":"cloud_trust"},"spec":{"name":%q,"resources":%s}}`, strings.Repeat("n", 65), resources(""))},
		{"a cloud trust list of another kind", http.MethodPost, "/cloud_trusts/list", `{"kind":"vm"}`},
		{"a zone list length under the minimum", http.MethodPost, "/availability_zones/list", `{"kind":"availability_zone","length":0}`},
	}
	for _, c := range cases {
		e.rec.ExpectInvalidRequest(c.method, apiBase+c.path)
		status, body, err := e.raw.do(ctx, c.method, c.path, []byte(c.body))
		if err != nil {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		if status < 400 || status > 499 {
			t.Errorf("%s: %s %s answered %d, want 4xx: %s", c.what, c.method, c.path, status, truncate(body))
		}
	}
	if n := trustCount(ctx, t, e.canada); e.dr[drTrust] != "" && n != 1 {
		t.Errorf("canada has %d cloud trusts after refused creates, want 1", n)
	}
}

func unpairPCs(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the pairing of canada with france", e.dr[drTrust])
	if err := e.canada.DeleteCloudTrust(ctx, id); err != nil {
		t.Fatalf("DeleteCloudTrust: %v", err)
	}
	for name, c := range map[string]*client.Client{"canada": e.canada, "france": e.france} {
		if n := trustCount(ctx, t, c); n != 0 {
			t.Errorf("%s has %d cloud trusts after unpairing", name, n)
		}
		if names := zoneNames(ctx, t, c); !slices.Equal(names, []string{"Local AZ"}) {
			t.Errorf("%s's zones after unpairing = %v, want [Local AZ]", name, names)
		}
	}
	_, err := e.canada.GetAvailabilityZone(ctx, e.dr[drRemoteAZ])
	wantNotFound(t, "the zone of france after unpairing", err)
	wantNotFound(t, "unpairing again", e.canada.DeleteCloudTrust(ctx, id))
}

// TestEmulatorRoutesAreInSpec checks that every v3 route the emulator serves is an operation
// of the spec, so that nothing the emulator offers lets a client depend on a path real
// Prism Centrals do not have.
func TestEmulatorRoutesAreInSpec(t *testing.T) {
	t.Parallel()
	spec := SpecOrSkip(t)
	routes := prismsim.Routes()
	if len(routes) == 0 {
		t.Fatal("prismsim.Routes() lists no route")
	}
	served := 0
	for _, r := range routes {
		method, path, ok := strings.Cut(r, " ")
		if !ok {
			t.Errorf("route %q is not \"METHOD /path\"", r)
			continue
		}
		if !underBase(spec, path) {
			continue
		}
		served++
		tmpl, ok := spec.Match(method, path)
		if !ok {
			t.Errorf("the emulator serves %s, which is not an operation of the spec", r)
			continue
		}
		if want := strings.TrimPrefix(path, spec.BasePath()); tmpl != want {
			t.Logf("%s matches the spec's %s %s", r, method, tmpl)
		}
	}
	if served == 0 {
		t.Errorf("no route of prismsim.Routes() is under %s: %v", spec.BasePath(), routes)
	}
	t.Logf("%d emulator routes under %s are operations of the spec", served, spec.BasePath())
}
