package compat_test

import (
	"testing"
	"time"

	prismapi "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/api"
	prismcfg "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/config"
	prismmgmt "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/management"

	dprapi "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/api"
	dprcfg "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/dataprotection/v4/config"
	dprops "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/dataprotection/v4/operations"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// Each PC is one domain manager, with its pairings as registrations, read through the SDK's
// DomainManagerApi and RegistrationApi.
func TestV4CompatDomainManagers(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	for _, pair := range [][2]site{{e.ca, e.fr}, {e.fr, e.ca}} {
		local, remote := pair[0].pc, pair[1].pc
		dms := prismapi.NewDomainManagerApi(prismClient(t, local))
		list, err := dms.ListDomainManagers(nil)
		if err != nil {
			t.Fatalf("%s: list domain managers: %v", local.Name(), err)
		}
		items := dataAs[[]prismcfg.DomainManager](t, list.GetData())
		if len(items) != 1 || *items[0].ExtId != local.UUID() || *items[0].Config.Name != local.Name() ||
			*items[0].Config.BuildInfo.Version != v4Release || *items[0].Network.ExternalAddress.Ipv4.Value != local.AdvertisedIP() {
			t.Fatalf("%s: domain managers %+v", local.Name(), items)
		}
		got, err := dms.GetDomainManagerById(items[0].ExtId)
		if err != nil || *dataAs[prismcfg.DomainManager](t, got.GetData()).ExtId != local.UUID() {
			t.Fatalf("%s: get domain manager: %+v %v", local.Name(), got, err)
		}
		_, err = dms.GetDomainManagerById(ptr(remote.UUID()))
		wantStatus(t, "another PC's domain manager", err, 404, &prismcfg.GetDomainManagerApiResponse{})

		regs := prismapi.NewRegistrationApi(prismClient(t, local))
		rl, err := regs.ListRegistrations(items[0].ExtId, nil, nil, nil, nil, nil)
		if err != nil {
			t.Fatalf("%s: list registrations: %v", local.Name(), err)
		}
		rs := dataAs[[]prismmgmt.Registration](t, rl.GetData())
		if len(rs) != 1 || *rs[0].RemoteClusterExtId != remote.UUID() || rs[0].ConnectivityStatus.GetName() != "CONNECTED" ||
			*rs[0].RemoteClusterDetails.Name != remote.Name() || rs[0].RemoteClusterDetails.ClusterType.GetName() != "DOMAIN_MANAGER" ||
			*rs[0].RemoteClusterDetails.ExternalAddress.Ipv4.Value != remote.AdvertisedIP() {
			t.Fatalf("%s: registrations %+v", local.Name(), rs)
		}
		if r, err := regs.GetRegistrationById(items[0].ExtId, rs[0].ExtId); err != nil ||
			*dataAs[prismmgmt.Registration](t, r.GetData()).ExtId != *rs[0].ExtId {
			t.Fatalf("%s: get registration: %+v %v", local.Name(), r, err)
		}
		_, err = regs.ListRegistrations(ptr(remote.UUID()), nil, nil, nil, nil, nil)
		wantStatus(t, "registrations of another PC", err, 404, &prismmgmt.ListRegistrationApiResponse{})
	}

	// A registration whose remote site is down is DISCONNECTED.
	if err := e.w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	rl, err := prismapi.NewRegistrationApi(prismClient(t, e.ca.pc)).ListRegistrations(ptr(e.ca.pc.UUID()), nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rs := dataAs[[]prismmgmt.Registration](t, rl.GetData()); len(rs) != 1 || rs[0].ConnectivityStatus.GetName() != "DISCONNECTED" {
		t.Fatalf("registrations with france down: %+v", rs)
	}
}

// The execution steps of a failover name what they recovered (EntityRecoveryResult).
func TestV4CompatStepResults(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	e.createSDKRule(t, "compat-rule")
	e.w.Clock().Advance(2 * time.Hour) // recovery points reach france
	plan := e.createSDKPlan(t, "v4-results-plan")
	d := dprcfg.NewFailoverDirection()
	d.SourceDomainManagerExtId, d.TargetDomainManagerExtId = ptr(e.ca.pc.UUID()), ptr(e.fr.pc.UUID())
	spec := dprops.NewPlannedFailoverSpec()
	spec.Name, spec.FailoverDirections = ptr("v4-planned"), []dprcfg.FailoverDirection{*d}
	resp, err := dprapi.NewRecoveryPlanActionsApi(dprClient(t, e.fr.pc)).PlannedFailoverRecoveryPlan(&plan, spec)
	if err != nil {
		t.Fatalf("planned failover: %v", err)
	}
	job := runV4Action(t, e.fr, resp.GetData())
	steps, err := dprapi.NewRecoveryPlanJobsApi(dprClient(t, e.fr.pc)).ListExecutionStepsByRecoveryPlanJobId(&job, nil, nil, nil, nil)
	if err != nil {
		t.Fatalf("steps: %v", err)
	}
	vms, err := e.fr.our.ListVMs(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	onFrance := map[string]string{}
	for _, vm := range vms {
		onFrance[vm.UUID] = vm.Name
	}
	recovered := map[string]bool{}
	for _, s := range dataAs[[]dprcfg.RecoveryPlanJobExecutionStep](t, steps.GetData()) {
		for _, r := range s.ExecutionStepResults {
			res, ok := r.Result.GetValue().(dprcfg.EntityRecoveryResult)
			if !ok {
				t.Fatalf("step %s: result %T", *s.ExtId, r.Result.GetValue())
			}
			if res.EntityType.GetName() != "VM" || onFrance[*res.RecoveredEntityExtId] != *res.Name || *res.SourceEntityExtId == "" {
				t.Fatalf("step %s: result %+v (france has %v)", *s.ExtId, res, onFrance)
			}
			recovered[*res.Name] = true
		}
	}
	if !recovered["app-01"] || !recovered["db-01"] {
		t.Fatalf("recovered %v, want app-01 and db-01", recovered)
	}
}
