package compat_test

import (
	"slices"
	"sort"
	"testing"
	"time"

	dprapi "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/api"
	dprcfg "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/dataprotection/v4/config"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// Recovery points over v4: Nutanix's dataprotection SDK lists (filter, order, pages) and
// reads the recovery points a protection rule made, on the source PC (local points) and on
// the target (the copies replication brought); every answer decodes in the SDK, and the
// points are those v3 lists (our client, over v3 and over v4).

// v4Client is our client speaking v4 wherever the PC serves it (api_version = "auto").
func v4Client(t *testing.T, pc *prismsim.PC) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: pc.Endpoint(), Port: pc.Port(), Username: pc.Username(), Password: pc.Password(),
		CACertPEM: string(pc.CACertPEM()), UserAgent: "nutanixdr-compat", APIVersion: client.APIVersionAuto})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// listSDKPoints lists every page of recovery points with the SDK, limit per page, checking
// that the pages add up to totalAvailableResults.
func listSDKPoints(t *testing.T, api *dprapi.RecoveryPointsApi, filter, orderby string, limit int) []dprcfg.RecoveryPoint {
	t.Helper()
	var all []dprcfg.RecoveryPoint
	total := -1
	for page := 0; page < 100; page++ {
		var f, o *string
		if filter != "" {
			f = &filter
		}
		if orderby != "" {
			o = &orderby
		}
		resp, err := api.ListRecoveryPoints(nil, ptr(page), ptr(limit), f, o, nil)
		if err != nil {
			t.Fatalf("listing recovery points (filter %q, page %d): %v", filter, page, err)
		}
		if resp.Metadata != nil && resp.Metadata.TotalAvailableResults != nil {
			total = *resp.Metadata.TotalAvailableResults
		}
		if resp.GetData() == nil {
			break
		}
		items := dataAs[[]dprcfg.RecoveryPoint](t, resp.GetData())
		all = append(all, items...)
		if len(items) < limit {
			break
		}
	}
	if total != len(all) {
		t.Fatalf("filter %q: the pages hold %d recovery points, totalAvailableResults says %d", filter, len(all), total)
	}
	return all
}

func sdkPointIDs(points []dprcfg.RecoveryPoint) []string {
	out := make([]string, 0, len(points))
	for _, p := range points {
		out = append(out, *p.ExtId)
	}
	sort.Strings(out)
	return out
}

func ourPointIDs(points []client.RecoveryPoint) []string {
	out := make([]string, 0, len(points))
	for _, p := range points {
		out = append(out, p.UUID)
	}
	sort.Strings(out)
	return out
}

func TestV4CompatRecoveryPoints(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	e.createSDKRule(t, "compat-rule")
	e.w.Clock().Advance(4 * time.Hour) // hourly points of app-01 and db-01, replicated to france
	ctx := t.Context()
	app := acctest.VMID(t, e.w, "canada", "app-01")

	for _, s := range []site{e.ca, e.fr} {
		api := dprapi.NewRecoveryPointsApi(dprClient(t, s.pc))
		v3Points, err := s.our.ListVMRecoveryPoints(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(v3Points) < 4 {
			t.Fatalf("%s holds %d recovery points over v3, want at least 4", s.pc.Name(), len(v3Points))
		}
		// Every page, 3 at a time: the same points as v3's.
		all := listSDKPoints(t, api, "", "", 3)
		if got, want := sdkPointIDs(all), ourPointIDs(v3Points); !slices.Equal(got, want) {
			t.Fatalf("%s: the SDK lists %v, v3 lists %v", s.pc.Name(), got, want)
		}
		byID := map[string]client.RecoveryPoint{}
		for _, p := range v3Points {
			byID[p.UUID] = p
		}
		for _, p := range all {
			want := byID[*p.ExtId]
			if len(p.VmRecoveryPoints) != 1 || *p.VmRecoveryPoints[0].VmExtId != want.VMUUID ||
				!p.CreationTime.Equal(want.CreationTime) || p.RecoveryPointType.GetName() != want.Type ||
				*p.LocationAgnosticId != want.LocationAgnosticUUID || p.Status.GetName() != "COMPLETE" {
				t.Fatalf("%s: the SDK reads %+v, v3 %+v", s.pc.Name(), p, want)
			}
			if len(p.LocationReferences) != 1 || *p.LocationReferences[0].LocationExtId != want.ClusterUUID {
				t.Errorf("%s: point %s is located at %+v, v3 says cluster %s", s.pc.Name(), *p.ExtId, p.LocationReferences, want.ClusterUUID)
			}
			// The source of a copy is canada, where it was taken; france holds only copies.
			if p.SourceLocation == nil || *p.SourceLocation.DomainManagerExtId != e.ca.pc.UUID() {
				t.Errorf("%s: point %s has source %+v, want canada (%s)", s.pc.Name(), *p.ExtId, p.SourceLocation, e.ca.pc.UUID())
			}
		}

		// The VM lambda filter, newest first: app-01's points, as v3's vm_uuid filter gives them.
		filtered := listSDKPoints(t, api, "vmRecoveryPoints/any(a:a/vmExtId eq '"+app+"')", "creationTime desc", 2)
		v3App, err := s.our.ListVMRecoveryPoints(ctx, "vm_uuid=="+app)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := sdkPointIDs(filtered), ourPointIDs(v3App); len(got) == 0 || !slices.Equal(got, want) {
			t.Fatalf("%s: app-01's points: the SDK lists %v, v3 %v", s.pc.Name(), got, want)
		}
		for i := 1; i < len(filtered); i++ {
			if filtered[i].CreationTime.After(*filtered[i-1].CreationTime) {
				t.Fatalf("%s: $orderby=creationTime desc lists %s after %s", s.pc.Name(), filtered[i].CreationTime, filtered[i-1].CreationTime)
			}
		}

		// Get, with its ETag, and the VM recovery point inside.
		id := *filtered[0].ExtId
		got, err := api.GetRecoveryPointById(&id)
		if err != nil {
			t.Fatalf("%s: get %s: %v", s.pc.Name(), id, err)
		}
		rp := dataAs[dprcfg.RecoveryPoint](t, got.GetData())
		if *rp.ExtId != id || *rp.VmRecoveryPoints[0].VmExtId != app {
			t.Fatalf("%s: get %s answers %+v", s.pc.Name(), id, rp)
		}
		if tag := dprClient(t, s.pc).GetEtag(got.GetData()); tag == "" {
			t.Errorf("%s: the recovery point has no ETag", s.pc.Name())
		}
		vmGot, err := api.GetVmRecoveryPointById(&id, rp.VmRecoveryPoints[0].ExtId)
		if err != nil {
			t.Fatalf("%s: get the VM recovery point: %v", s.pc.Name(), err)
		}
		if v := dataAs[dprcfg.VmRecoveryPoint](t, vmGot.GetData()); *v.VmExtId != app || !slices.Contains(v.VmCategories, "replicated-vm/from-canada") {
			t.Errorf("%s: the VM recovery point is %+v", s.pc.Name(), v)
		}

		// Our client over v4 reads the same points, and the same one by id.
		ours, err := v4Client(t, s.pc).ListVMRecoveryPoints(ctx, "vm_uuid=="+app)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ourPointIDs(ours), ourPointIDs(v3App); !slices.Equal(got, want) {
			t.Fatalf("%s: our client lists %v over v4, %v over v3", s.pc.Name(), got, want)
		}
		one, err := v4Client(t, s.pc).GetVMRecoveryPoint(ctx, id)
		if err != nil || one.UUID != id || one.VMUUID != app || one.SourceAvailabilityZoneUUID == "" {
			t.Fatalf("%s: our client reads %s over v4: %+v, %v", s.pc.Name(), id, one, err)
		}
	}

	// Refusals: an unknown point, a field that cannot be filtered on.
	api := dprapi.NewRecoveryPointsApi(dprClient(t, e.fr.pc))
	_, err := api.GetRecoveryPointById(ptr("8c000000-0000-4000-8000-0000000000c8"))
	wantStatus(t, "get a missing recovery point", err, 404, &dprcfg.GetRecoveryPointApiResponse{})
	_, err = api.ListRecoveryPoints(nil, nil, nil, ptr("ownerExtId eq 'x'"), nil, nil)
	wantStatus(t, "filter on a field prismsim does not fill", err, 400, &dprcfg.ListRecoveryPointsApiResponse{})
	_, err = api.ListRecoveryPoints(nil, nil, nil, ptr("vmRecoveryPoints/any(a:a/diskRecoveryPoints eq 'x')"), nil, nil)
	wantStatus(t, "a lambda on a field prismsim does not fill", err, 400, &dprcfg.ListRecoveryPointsApiResponse{})
	// Points are made by protection policies, not by clients: no delete, no create.
	one := listSDKPoints(t, api, "", "", 1)[0]
	_, err = api.DeleteRecoveryPointById(one.ExtId, map[string]any{"If-Match": ptr("*")})
	if st, _ := sdkStatus(err); st != 405 {
		t.Errorf("deleting a recovery point: %v, want 405", err)
	}
}
