package compat_test

import (
	"net/http"
	"testing"

	vmmapi "github.com/nutanix/ntnx-api-golang-clients/vmm-go-client/v4/api"
	vmmclient "github.com/nutanix/ntnx-api-golang-clients/vmm-go-client/v4/client"
	vmmprism "github.com/nutanix/ntnx-api-golang-clients/vmm-go-client/v4/models/prism/v4/config"
	vmmcfg "github.com/nutanix/ntnx-api-golang-clients/vmm-go-client/v4/models/vmm/v4/ahv/config"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// The vmm v4.2 part of the v4 compatibility suite: Nutanix's vmm SDK lists (filter, pages,
// order), reads and changes the categories of VMs on prismsim (associate and disassociate
// with the VM's ETag); effects are checked through our client over v3.

func vmmClient(t *testing.T, pc *prismsim.PC) *vmmclient.ApiClient {
	tg := targetOf(t, pc)
	ac := vmmclient.NewApiClient()
	ac.Host, ac.Port, ac.Username, ac.Password = tg.host, tg.port, tg.user, tg.pass
	ac.VerifySSL = false
	ac.MaxRetryAttempts = 0
	return ac
}

// waitVMTask waits for the task of a VM action's answer.
func waitVMTask(t *testing.T, s site, what string, data any) {
	t.Helper()
	ref, ok := data.(vmmprism.TaskReference)
	if !ok || ref.ExtId == nil {
		t.Fatalf("%s answered %T %+v, want a TaskReference", what, data, data)
	}
	if got, err := s.our.WaitForTask(t.Context(), *ref.ExtId, what, nil); err != nil || got.Status != "SUCCEEDED" {
		t.Fatalf("%s: task %s: %+v %v", what, *ref.ExtId, got, err)
	}
}

func vmCategoryIDs(v vmmcfg.Vm) []string {
	var out []string
	for _, c := range v.Categories {
		out = append(out, *c.ExtId)
	}
	return out
}

func categoryRefs(ids ...string) []vmmcfg.CategoryReference {
	var out []vmmcfg.CategoryReference
	for _, id := range ids {
		r := vmmcfg.NewCategoryReference()
		r.ExtId = ptr(id)
		out = append(out, *r)
	}
	return out
}

func TestV4CompatVMs(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t) // app-01 and db-01 have replicated-vm:from-canada
	ctx := t.Context()
	ac := vmmClient(t, e.ca.pc)
	api := vmmapi.NewVmApi(ac)
	catID := replicatedCategoryID(t, e.ca.pc)
	appID := acctest.VMID(t, e.w, "canada", "app-01")

	// List: every VM of v3, by pages of one, ordered by name.
	ours, err := e.ca.our.ListVMs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for page := 0; ; page++ {
		list, err := api.ListVms(ptr(page), ptr(1), nil, ptr("name"), nil)
		if err != nil {
			t.Fatalf("listing page %d: %v", page, err)
		}
		items, _ := list.GetData().([]vmmcfg.Vm)
		if len(items) == 0 {
			break
		}
		names = append(names, *items[0].Name)
	}
	if len(names) != len(ours) {
		t.Fatalf("v4 pages list %d VMs (%v), v3 %d", len(names), names, len(ours))
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] > names[i] {
			t.Fatalf("$orderby=name: %v", names)
		}
	}

	// Filter by name and by extId; the VM shows its cluster, power state, categories, NICs.
	list, err := api.ListVms(nil, nil, ptr("name eq 'app-01'"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := list.GetData().([]vmmcfg.Vm)
	if len(items) != 1 || *items[0].ExtId != appID {
		t.Fatalf("$filter name eq 'app-01': %+v", items)
	}
	list, err = api.ListVms(nil, nil, ptr("extId eq '"+appID+"'"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if items, _ := list.GetData().([]vmmcfg.Vm); len(items) != 1 || *items[0].Name != "app-01" {
		t.Fatalf("$filter extId: %+v", items)
	}
	v3vm, err := e.ca.our.GetVM(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := api.GetVmById(ptr(appID))
	if err != nil {
		t.Fatal(err)
	}
	vm := dataAs[vmmcfg.Vm](t, got.GetData())
	if vm.Cluster == nil || *vm.Cluster.ExtId != v3vm.ClusterUUID || vm.PowerState.GetName() != v3vm.PowerState {
		t.Fatalf("v4 VM %+v, v3 %+v", vm, v3vm)
	}
	if ids := vmCategoryIDs(vm); len(ids) != 1 || ids[0] != catID {
		t.Fatalf("v4 categories %v, want [%s]", ids, catID)
	}
	var ips []string
	for _, n := range vm.Nics {
		if n.NetworkInfo != nil && n.NetworkInfo.Ipv4Config != nil && n.NetworkInfo.Ipv4Config.IpAddress != nil {
			ips = append(ips, *n.NetworkInfo.Ipv4Config.IpAddress.Value)
		}
	}
	if len(ips) != len(v3vm.IPAddresses) || (len(ips) > 0 && ips[0] != v3vm.IPAddresses[0]) {
		t.Fatalf("v4 addresses %v, v3 %v", ips, v3vm.IPAddresses)
	}
	tag := ac.GetEtag(got.GetData())
	if tag == "" {
		t.Fatal("GetVmById answered no ETag")
	}

	// Disassociate without If-Match: 428; with a stale one: 412.
	body := vmmcfg.NewDisassociateVmCategoriesParams()
	body.Categories = categoryRefs(catID)
	_, err = api.DisassociateCategories(ptr(appID), body)
	wantStatus(t, "disassociating without If-Match", err, http.StatusPreconditionRequired, vmmcfg.NewDisassociateCategoriesApiResponse())
	stale := `W/"0000"`
	_, err = api.DisassociateCategories(ptr(appID), body, map[string]any{"If-Match": &stale})
	wantStatus(t, "disassociating with a stale If-Match", err, http.StatusPreconditionFailed, vmmcfg.NewDisassociateCategoriesApiResponse())

	// With the ETag read: the category leaves the VM, as v3 sees.
	rid := "7c1f3a52-0d2b-4e8e-9a41-5e6f7a8b9c01"
	args := map[string]any{"If-Match": &tag, "NTNX-Request-Id": &rid}
	dis, err := api.DisassociateCategories(ptr(appID), body, args)
	if err != nil {
		t.Fatal(err)
	}
	waitVMTask(t, e.ca, "disassociating", dis.GetData())
	if v, err := e.ca.our.GetVM(ctx, appID); err != nil || len(v.Categories) != 0 {
		t.Fatalf("v3 sees the VM's categories as %v (%v), want none", v.Categories, err)
	}
	// The same request id again answers the same task without acting (the ETag changed).
	again, err := api.DisassociateCategories(ptr(appID), body, args)
	if err != nil {
		t.Fatalf("the replay: %v", err)
	}
	a, b := dataAs[vmmprism.TaskReference](t, dis.GetData()), dataAs[vmmprism.TaskReference](t, again.GetData())
	if *a.ExtId != *b.ExtId {
		t.Fatalf("the replay answered task %s, the first %s", *b.ExtId, *a.ExtId)
	}

	// The old ETag is stale now; associate with the new one.
	assoc := vmmcfg.NewAssociateVmCategoriesParams()
	assoc.Categories = categoryRefs(catID)
	_, err = api.AssociateCategories(ptr(appID), assoc, map[string]any{"If-Match": &tag})
	wantStatus(t, "associating with the ETag read before the change", err, http.StatusPreconditionFailed, vmmcfg.NewAssociateCategoriesApiResponse())
	got, err = api.GetVmById(ptr(appID))
	if err != nil {
		t.Fatal(err)
	}
	if ids := vmCategoryIDs(dataAs[vmmcfg.Vm](t, got.GetData())); len(ids) != 0 {
		t.Fatalf("v4 categories after disassociating: %v", ids)
	}
	tag = ac.GetEtag(got.GetData())
	as, err := api.AssociateCategories(ptr(appID), assoc, map[string]any{"If-Match": &tag})
	if err != nil {
		t.Fatal(err)
	}
	waitVMTask(t, e.ca, "associating", as.GetData())
	if v, err := e.ca.our.GetVM(ctx, appID); err != nil || v.Categories["replicated-vm"] != "from-canada" {
		t.Fatalf("v3 sees the VM's categories as %v (%v)", v.Categories, err)
	}

	// A category extId that names no category: 400. An unknown VM: 404.
	got, err = api.GetVmById(ptr(appID))
	if err != nil {
		t.Fatal(err)
	}
	tag = ac.GetEtag(got.GetData())
	bad := vmmcfg.NewAssociateVmCategoriesParams()
	bad.Categories = categoryRefs("00000000-0000-4000-8000-000000000001")
	_, err = api.AssociateCategories(ptr(appID), bad, map[string]any{"If-Match": &tag})
	wantStatus(t, "associating a category that does not exist", err, http.StatusBadRequest, vmmcfg.NewAssociateCategoriesApiResponse())
	_, err = api.GetVmById(ptr("00000000-0000-4000-8000-000000000002"))
	wantStatus(t, "reading a VM that does not exist", err, http.StatusNotFound, vmmcfg.NewGetVmApiResponse())
}
