package compat_test

import (
	"testing"

	prismapi "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/api"
	prismcfg "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/config"
	prismmgmt "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/management"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// Disaster recovery is the domain manager's product NUTANIX_DISASTER_RECOVERY, read and
// enabled through the SDK's DomainManagerApi (ListProducts, GetProductById,
// UpdateProductById): enabling it over v4 is seen over v3 (status, Local availability zone),
// and enabling it over v3 is seen over v4.
func TestV4CompatDREnablement(t *testing.T) {
	w := acctest.NewWorldWith(t, acctest.Edits(acctest.WithPCVersion(v4Release)))
	ca, fr := newSite(t, w, "canada"), newSite(t, w, "france")
	ctx := t.Context()
	ac := prismClient(t, ca.pc)
	dms := prismapi.NewDomainManagerApi(ac)
	dm := ptr(ca.pc.UUID())

	list, err := dms.ListProducts(dm, nil, nil, ptr("name eq 'NUTANIX_DISASTER_RECOVERY'"), nil, nil)
	if err != nil {
		t.Fatalf("list products: %v", err)
	}
	products := dataAs[[]prismmgmt.Product](t, list.GetData())
	if len(products) != 1 || products[0].Name.GetName() != "NUTANIX_DISASTER_RECOVERY" ||
		products[0].EnablementState.GetName() != "DISABLED" || products[0].ExtId == nil {
		t.Fatalf("products %+v", products)
	}
	id := products[0].ExtId
	_, err = dms.ListProducts(ptr(fr.pc.UUID()), nil, nil, nil, nil, nil)
	wantStatus(t, "products of another PC", err, 404, &prismmgmt.ListProductsApiResponse{})
	_, err = dms.GetProductById(dm, ptr("00000000-0000-4000-8000-000000000000"))
	wantStatus(t, "an unknown product", err, 404, &prismmgmt.GetProductApiResponse{})

	got, err := dms.GetProductById(dm, id)
	if err != nil {
		t.Fatalf("get product: %v", err)
	}
	read := dataAs[prismmgmt.Product](t, got.GetData())
	staleTag := ac.GetEtag(read)
	if staleTag == "" {
		t.Fatal("no ETag in the read")
	}

	// Without If-Match (a product built, not read): 428. DISABLED: 400.
	bare := prismmgmt.NewProduct()
	bare.Name, bare.EnablementState = read.Name, prismmgmt.ENABLEMENTSTATE_ENABLED.Ref()
	_, err = dms.UpdateProductById(dm, id, bare, nil)
	wantStatus(t, "update without If-Match", err, 428, &prismmgmt.UpdateProductApiResponse{})
	read.EnablementState = prismmgmt.ENABLEMENTSTATE_DISABLED.Ref()
	_, err = dms.UpdateProductById(dm, id, &read, nil)
	wantStatus(t, "disabling", err, 400, &prismmgmt.UpdateProductApiResponse{})

	// Enabling, sent twice under one request id: one task, one Local availability zone.
	read.EnablementState = prismmgmt.ENABLEMENTSTATE_ENABLED.Ref()
	rid := "8f8e3a52-7f4e-4a0c-9d8e-2b7d4c1e5a61"
	args := map[string]any{"NTNX-Request-Id": &rid}
	first, err := dms.UpdateProductById(dm, id, &read, nil, args)
	if err != nil {
		t.Fatalf("enable: %v", err)
	}
	second, err := dms.UpdateProductById(dm, id, &read, nil, args)
	if err != nil {
		t.Fatalf("the replay: %v", err)
	}
	a, b := dataAs[prismcfg.TaskReference](t, first.GetData()), dataAs[prismcfg.TaskReference](t, second.GetData())
	if *a.ExtId != *b.ExtId {
		t.Fatalf("the replay answered task %s, the first %s", *b.ExtId, *a.ExtId)
	}
	tk, err := ca.our.WaitForV4Task(ctx, *a.ExtId, "enabling", nil)
	if err != nil || tk.Status != "SUCCEEDED" {
		t.Fatalf("task %s: %+v %v", *a.ExtId, tk, err)
	}
	if st, err := ca.our.DisasterRecoveryStatus(ctx); err != nil || st.Enablement != client.ServiceEnabled {
		t.Fatalf("v3 status after the v4 enablement: %+v %v", st, err)
	}
	if _, err := ca.our.LocalAvailabilityZone(ctx); err != nil {
		t.Fatalf("no Local availability zone after the v4 enablement: %v", err)
	}
	got, err = dms.GetProductById(dm, id)
	if err != nil {
		t.Fatal(err)
	}
	if p := dataAs[prismmgmt.Product](t, got.GetData()); p.EnablementState.GetName() != "ENABLED" || p.ServiceEnablementTime == nil {
		t.Fatalf("the product after enabling: %+v", p)
	}
	// The ETag read before the enablement is stale now.
	_, err = dms.UpdateProductById(dm, id, &read, nil, map[string]any{"If-Match": &staleTag})
	wantStatus(t, "stale update", err, 412, &prismmgmt.UpdateProductApiResponse{})

	// Enabled over v3, seen over v4.
	if err := fr.our.EnableDisasterRecovery(ctx); err != nil {
		t.Fatal(err)
	}
	list, err = prismapi.NewDomainManagerApi(prismClient(t, fr.pc)).ListProducts(ptr(fr.pc.UUID()), nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := dataAs[[]prismmgmt.Product](t, list.GetData()); len(p) != 1 || p[0].EnablementState.GetName() != "ENABLED" {
		t.Fatalf("france's products after the v3 enablement: %+v", p)
	}
}
