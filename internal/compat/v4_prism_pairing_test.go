package compat_test

import (
	"testing"

	clmapi "github.com/nutanix/ntnx-api-golang-clients/clustermgmt-go-client/v4/api"
	clmclient "github.com/nutanix/ntnx-api-golang-clients/clustermgmt-go-client/v4/client"
	clmcfg "github.com/nutanix/ntnx-api-golang-clients/clustermgmt-go-client/v4/models/clustermgmt/v4/config"
	prismapi "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/api"
	prismcommon "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/common/v1/config"
	prismcfg "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/config"
	prismmgmt "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/management"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// Pairing over v4: the prism SDK's DomainManagerApi registers and unregisters Prism Centrals
// of an unpaired world; the effects are checked through v3 (our client), and a pairing made
// over one wire is undone through the other.

// unpairedSites is the leap-two-sites world at a release that serves v4, DR enabled on both
// PCs, not paired.
func unpairedSites(t *testing.T) (*prismsim.World, site, site) {
	t.Helper()
	w := acctest.NewWorldWith(t, acctest.Edits(acctest.WithDR("canada", "france"), acctest.WithPCVersion(v4Release)))
	return w, newSite(t, w, "canada"), newSite(t, w, "france")
}

// registerSpec is what the SDK sends to pair with remote: a DomainManagerRemoteClusterSpec.
func registerSpec(t *testing.T, remote *prismsim.PC, password string) *prismmgmt.ClusterRegistrationSpec {
	t.Helper()
	ip := prismcommon.NewIPv4Address()
	ip.Value = ptr(remote.AdvertisedIP())
	addr := prismcommon.NewIPAddressOrFQDN()
	addr.Ipv4 = ip
	auth := prismcommon.NewBasicAuth()
	auth.Username, auth.Password = ptr(remote.Username()), ptr(password)
	creds := prismmgmt.NewCredentials()
	creds.Authentication = auth
	rc := prismmgmt.NewRemoteClusterSpec()
	rc.Address, rc.Credentials = addr, creds
	dm := prismmgmt.NewDomainManagerRemoteClusterSpec()
	dm.CloudType, dm.RemoteCluster = prismmgmt.DOMAINMANAGERCLOUDTYPE_ONPREM_CLOUD.Ref(), rc
	spec := prismmgmt.NewClusterRegistrationSpec()
	if err := spec.SetRemoteCluster(*dm); err != nil {
		t.Fatal(err)
	}
	return spec
}

// v4TaskOf returns the task of an action's answer, read through the SDK's TasksApi after our
// client waited for it (it ends SUCCEEDED or FAILED).
func v4TaskOf(t *testing.T, s site, data any) (prismcfg.Task, error) {
	t.Helper()
	ref := dataAs[prismcfg.TaskReference](t, data)
	_, werr := s.our.WaitForTask(t.Context(), *ref.ExtId, "waiting for "+*ref.ExtId, nil)
	tk, err := prismapi.NewTasksApi(prismClient(t, s.pc)).GetTaskById(ref.ExtId, nil)
	if err != nil {
		t.Fatalf("task %s through the SDK: %v", *ref.ExtId, err)
	}
	return dataAs[prismcfg.Task](t, tk.GetData()), werr
}

// remoteZones lists the PC's availability zones other than its Local one, through v3.
func remoteZones(t *testing.T, s site) []client.AvailabilityZone {
	t.Helper()
	azs, err := s.our.ListAvailabilityZones(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []client.AvailabilityZone
	for _, az := range azs {
		if az.Type != client.AvailabilityZoneLocal {
			out = append(out, az)
		}
	}
	return out
}

func registrations(t *testing.T, s site) []prismmgmt.Registration {
	t.Helper()
	rl, err := prismapi.NewRegistrationApi(prismClient(t, s.pc)).ListRegistrations(ptr(s.pc.UUID()), nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatalf("%s: list registrations: %v", s.pc.Name(), err)
	}
	if rl.GetData() == nil {
		return nil
	}
	return dataAs[[]prismmgmt.Registration](t, rl.GetData())
}

func TestV4CompatPairing(t *testing.T) {
	w, ca, fr := unpairedSites(t)
	dms := prismapi.NewDomainManagerApi(prismClient(t, ca.pc))
	local := ptr(ca.pc.UUID())

	// A register sent twice under one request id pairs once and answers the same task.
	id := "8f6d2a4e-1b3c-4d5e-9f70-a1b2c3d4e5f6"
	args := map[string]any{"NTNX-Request-Id": &id}
	ca.pc.ResetRequestCounts()
	first, err := dms.Register(local, registerSpec(t, fr.pc, fr.pc.Password()), nil, args)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	again, err := dms.Register(local, registerSpec(t, fr.pc, fr.pc.Password()), nil, args)
	if err != nil {
		t.Fatalf("the replay: %v", err)
	}
	if a, b := dataAs[prismcfg.TaskReference](t, first.GetData()), dataAs[prismcfg.TaskReference](t, again.GetData()); *a.ExtId != *b.ExtId {
		t.Fatalf("the replay answered task %s, the first %s", *b.ExtId, *a.ExtId)
	}
	if task, err := v4TaskOf(t, ca, first.GetData()); err != nil || task.Status.GetName() != "SUCCEEDED" {
		t.Fatalf("register task: %+v %v", task, err)
	}
	if n := ca.pc.RequestCounts().ByRoute["POST /api/prism/v4.3/management/domain-managers/{extId}/$actions/register"]; n != 2 {
		t.Fatalf("register counted %d times, want 2: %v", n, ca.pc.RequestCounts().ByRoute)
	}

	// Both sides have the other as an availability zone (v3) and a registration (v4); a
	// registration is the cloud trust v3 shows.
	for _, pair := range [][2]site{{ca, fr}, {fr, ca}} {
		s, other := pair[0], pair[1]
		if zs := remoteZones(t, s); len(zs) != 1 || zs[0].ManagementURL != other.pc.AdvertisedIP() || zs[0].Name != "PC_"+other.pc.AdvertisedIP() {
			t.Fatalf("%s: remote zones %+v", s.pc.Name(), zs)
		}
		rs := registrations(t, s)
		if len(rs) != 1 || *rs[0].RemoteClusterExtId != other.pc.UUID() || rs[0].ConnectivityStatus.GetName() != "CONNECTED" {
			t.Fatalf("%s: registrations %+v", s.pc.Name(), rs)
		}
		trusts, err := s.our.ListCloudTrusts(t.Context())
		if err != nil || len(trusts) != 1 || trusts[0].UUID != *rs[0].ExtId {
			t.Fatalf("%s: cloud trusts %+v %v, want the registration %s", s.pc.Name(), trusts, err, *rs[0].ExtId)
		}
	}

	// Pairing again is the model's refusal, in the task.
	resp, err := dms.Register(local, registerSpec(t, fr.pc, fr.pc.Password()), nil)
	if err != nil {
		t.Fatalf("second register: %v", err)
	}
	if task, err := v4TaskOf(t, ca, resp.GetData()); task.Status.GetName() != "FAILED" || len(task.ErrorMessages) == 0 ||
		*task.ErrorMessages[0].Code != "CLOUD_TRUST_EXISTS" || err == nil {
		t.Fatalf("second register: task %+v, wait %v", task, err)
	}

	// What the wire refuses: another PC's domain manager, a Prism Element, no body.
	_, err = dms.Register(ptr(fr.pc.UUID()), registerSpec(t, ca.pc, ca.pc.Password()), nil)
	wantStatus(t, "register on another PC's domain manager", err, 404, &prismmgmt.RegisterApiResponse{})
	aos := prismmgmt.NewAOSRemoteClusterSpec()
	aos.RemoteCluster = prismmgmt.NewRemoteClusterSpec()
	pe := prismmgmt.NewClusterRegistrationSpec()
	if err := pe.SetRemoteCluster(*aos); err != nil {
		t.Fatal(err)
	}
	_, err = dms.Register(local, pe, nil)
	wantStatus(t, "register of a Prism Element", err, 400, &prismmgmt.RegisterApiResponse{})

	// Unregister (naming the remote domain manager) unpairs both sides.
	ref := prismmgmt.NewClusterReference()
	ref.ExtId = ptr(fr.pc.UUID())
	un, err := dms.Unregister(local, ref, nil)
	if err != nil {
		t.Fatalf("unregister: %v", err)
	}
	if task, err := v4TaskOf(t, ca, un.GetData()); err != nil || task.Status.GetName() != "SUCCEEDED" {
		t.Fatalf("unregister task: %+v %v", task, err)
	}
	for _, s := range []site{ca, fr} {
		if zs, rs := remoteZones(t, s), registrations(t, s); len(zs) != 0 || len(rs) != 0 {
			t.Fatalf("%s after unregister: zones %+v, registrations %+v", s.pc.Name(), zs, rs)
		}
	}
	_, err = dms.Unregister(local, ref, nil)
	wantStatus(t, "unregister of a PC not paired", err, 404, &prismmgmt.UnregisterApiResponse{})

	// A pairing made over v3 is unregistered over v4.
	acctest.Pair(t, w, "canada", "france")
	un, err = dms.Unregister(local, ref, nil)
	if err != nil {
		t.Fatalf("unregister of a v3 pairing: %v", err)
	}
	if task, err := v4TaskOf(t, ca, un.GetData()); err != nil || task.Status.GetName() != "SUCCEEDED" {
		t.Fatalf("unregister task: %+v %v", task, err)
	}
	if zs := remoteZones(t, fr); len(zs) != 0 {
		t.Fatalf("france after unregister of a v3 pairing: %+v", zs)
	}

	// A wrong password, and the remote's site down: the task fails and leaves nothing.
	resp, err = dms.Register(local, registerSpec(t, fr.pc, "not-"+fr.pc.Password()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if task, _ := v4TaskOf(t, ca, resp.GetData()); task.Status.GetName() != "FAILED" || *task.ErrorMessages[0].Code != "PAIRING_FAILED" {
		t.Fatalf("register with a wrong password: %+v", task)
	}
	if err := w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	resp, err = dms.Register(local, registerSpec(t, fr.pc, fr.pc.Password()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if task, _ := v4TaskOf(t, ca, resp.GetData()); task.Status.GetName() != "FAILED" || *task.ErrorMessages[0].Code != "REMOTE_CLUSTER_NOT_CONNECTED" {
		t.Fatalf("register with france down: %+v", task)
	}
	if zs, rs := remoteZones(t, ca), registrations(t, ca); len(zs) != 0 || len(rs) != 0 {
		t.Fatalf("canada after failed registers: zones %+v, registrations %+v", zs, rs)
	}
}

func clmClient(t *testing.T, pc *prismsim.PC) *clmclient.ApiClient {
	tg := targetOf(t, pc)
	ac := clmclient.NewApiClient()
	ac.Host, ac.Port, ac.Username, ac.Password = tg.host, tg.port, tg.user, tg.pass
	ac.VerifySSL = false
	ac.MaxRetryAttempts = 0
	return ac
}

// Clusters over clustermgmt v4.2 are v3's clusters under the same ids; a release that does
// not serve clustermgmt v4.2 answers 404.
func TestV4CompatClusters(t *testing.T) {
	_, ca, _ := unpairedSites(t)
	api := clmapi.NewClustersApi(clmClient(t, ca.pc))
	list, err := api.ListClusters(nil, nil, nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatalf("list clusters: %v", err)
	}
	v3, err := ca.our.ListClusters(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]client.Cluster{}
	for _, c := range v3 {
		byID[c.UUID] = c
	}
	items := dataAs[[]clmcfg.Cluster](t, list.GetData())
	if len(items) != len(v3) || len(items) < 2 {
		t.Fatalf("%d v4 clusters, %d v3 clusters", len(items), len(v3))
	}
	for _, c := range items {
		want, ok := byID[*c.ExtId]
		fn := c.Config.ClusterFunction
		if !ok || *c.Name != want.Name || len(fn) != 1 || (fn[0].GetName() == "PRISM_CENTRAL") != want.IsPrismCentral {
			t.Fatalf("v4 cluster %s %s %v, v3 %+v", *c.ExtId, *c.Name, fn, want)
		}
		got, err := api.GetClusterById(c.ExtId, nil)
		if err != nil || *dataAs[clmcfg.Cluster](t, got.GetData()).Name != want.Name {
			t.Fatalf("get cluster %s: %+v %v", *c.ExtId, got, err)
		}
	}
	filtered, err := api.ListClusters(nil, nil, ptr("name eq 'CA01'"), nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fs := dataAs[[]clmcfg.Cluster](t, filtered.GetData()); len(fs) != 1 || *fs[0].Name != "CA01" {
		t.Fatalf("clusters named CA01: %+v", fs)
	}
	_, err = api.GetClusterById(ptr("00000000-0000-4000-8000-000000000000"), nil)
	wantStatus(t, "an unknown cluster", err, 404, &clmcfg.GetClusterApiResponse{})

	old := acctest.NewWorldWith(t, acctest.WithPCVersion("pc.2024.3"))
	_, err = clmapi.NewClustersApi(clmClient(t, old.PC("canada"))).ListClusters(nil, nil, nil, nil, nil, nil, nil)
	if status, _ := sdkStatus(err); status != 404 {
		t.Fatalf("clusters on pc.2024.3: err = %v, want 404", err)
	}
}
