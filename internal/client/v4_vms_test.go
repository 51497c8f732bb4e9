package client

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// VMs over v4 against prismsim posing as a release that serves vmm v4.2: the typed
// operations go over v4 under api_version = "auto" (prismsim's counters), read the VMs a v3
// client reads, and change a VM's categories with one associate and/or one disassociate
// action, seen through v3.

const (
	vmmV4Get         = "GET /api/vmm/v4.2/ahv/config/vms/{extId}"
	vmmV4List        = "GET /api/vmm/v4.2/ahv/config/vms"
	vmmV4Associate   = "POST /api/vmm/v4.2/ahv/config/vms/{extId}/$actions/associate-categories"
	vmmV4Disassocate = "POST /api/vmm/v4.2/ahv/config/vms/{extId}/$actions/disassociate-categories"
	v3VMPut          = "PUT /api/nutanix/v3/vms/{uuid}"
)

func startV4VMSite(t *testing.T) (s *simPC, v4c, v3c *Client) {
	t.Helper()
	s = startPresetPC(t, "leap-two-sites", "canada", func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			cfg.PCs[i].PCVersion = "pc.7.5"
		}
	})
	v4c, _ = s.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
	v3c, _ = s.client(t, func(cfg *Config) { cfg.APIVersion = APIVersionV3 })
	return s, v4c, v3c
}

// comparable drops what only one wire shows: v3's spec_version and cluster name.
func comparableVM(v VM) VM {
	v.SpecVersion, v.ClusterName = 0, ""
	return v
}

func TestV4VMsOverEmulator(t *testing.T) {
	s, c, v3 := startV4VMSite(t)
	ctx := context.Background()
	for _, kv := range [][2]string{{"replicated-vm", "from-canada"}, {"replicated-vm", "gold"}, {"Tier", "web"}} {
		if _, err := v3.PutCategoryKey(ctx, CategoryKey{Name: kv[0]}); err != nil {
			t.Fatal(err)
		}
		if _, err := v3.PutCategoryValue(ctx, CategoryValue{Key: kv[0], Value: kv[1]}); err != nil {
			t.Fatal(err)
		}
	}
	app := vmByName(t, v3, "app-01")
	if _, err := v3.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) { m["Tier"] = "web" }); err != nil {
		t.Fatal(err)
	}
	s.resetRequests(t)

	// Reads: the same VMs as v3, over v4.
	v3all, err := v3.ListVMs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListVMs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(v3all) {
		t.Fatalf("v4 lists %d VMs, v3 %d", len(all), len(v3all))
	}
	byID := map[string]VM{}
	for _, v := range v3all {
		byID[v.UUID] = comparableVM(v)
	}
	for _, v := range all {
		if want := byID[v.UUID]; !reflect.DeepEqual(comparableVM(v), want) {
			t.Errorf("v4 VM %+v, v3 %+v", v, want)
		}
	}
	got := vmByName(t, c, "app-01")
	if got.UUID != app.UUID || got.Categories["Tier"] != "web" {
		t.Errorf("vm_name==app-01 over v4: %+v", got)
	}
	one, err := c.GetVM(ctx, app.UUID)
	if err != nil || !reflect.DeepEqual(comparableVM(*one), comparableVM(got)) {
		t.Errorf("GetVM over v4: %+v %v", one, err)
	}
	if n := s.requests(t, vmmV4List) + s.requests(t, vmmV4Get); n != 3 {
		t.Errorf("%d vmm reads, want 3 (two lists, one get)", n)
	}

	// Add one category and change another's value: one associate (both), one disassociate.
	s.resetRequests(t)
	vm, err := c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) {
		m["replicated-vm"] = "from-canada"
		m["Tier"] = "web" // the same value: no change
	})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(vm.Categories, map[string]string{"replicated-vm": "from-canada", "Tier": "web"}) {
		t.Errorf("returned categories %v", vm.Categories)
	}
	if got := []int{s.requests(t, vmmV4Get), s.requests(t, vmmV4Associate), s.requests(t, vmmV4Disassocate), s.requests(t, v3VMPut)}; !slices.Equal(got, []int{1, 1, 0, 0}) {
		t.Errorf("GET, associate, disassociate, v3 PUT: %v, want [1 1 0 0]", got)
	}
	s.resetRequests(t)
	vm, err = c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) {
		m["replicated-vm"] = "gold"
		delete(m, "Tier")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := []int{s.requests(t, vmmV4Get), s.requests(t, vmmV4Associate), s.requests(t, vmmV4Disassocate)}; !slices.Equal(got, []int{2, 1, 1}) {
		t.Errorf("GET, associate, disassociate: %v, want [2 1 1]", got)
	}
	after, err := v3.GetVM(ctx, app.UUID)
	if err != nil || !maps.Equal(after.Categories, map[string]string{"replicated-vm": "gold"}) || !maps.Equal(vm.Categories, after.Categories) {
		t.Errorf("v3 sees %+v (%v); the update returned %v", after, err, vm.Categories)
	}

	// Only removals: one GET, one disassociate. No change: one GET, nothing sent.
	s.resetRequests(t)
	if _, err := c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) { delete(m, "replicated-vm") }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) { delete(m, "absent") }); err != nil {
		t.Fatal(err)
	}
	if got := []int{s.requests(t, vmmV4Get), s.requests(t, vmmV4Associate), s.requests(t, vmmV4Disassocate)}; !slices.Equal(got, []int{2, 0, 1}) {
		t.Errorf("GET, associate, disassociate: %v, want [2 0 1]", got)
	}
	if after, err := v3.GetVM(ctx, app.UUID); err != nil || len(after.Categories) != 0 {
		t.Errorf("v3 sees %+v (%v), want no categories", after, err)
	}

	// A value that does not exist is refused before any action, naming it.
	_, err = c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) { m["replicated-vm"] = "missing" })
	if err == nil {
		t.Fatal("assigning a category value that does not exist: no error")
	}
	mustContain(t, err.Error(), "replicated-vm/missing", "does not exist")
}

// A change made by someone else between the client's read and its action: the action is
// refused with 412, and the client reads the VM again and sends the difference again, keeping
// the other change.
func TestV4VMCategoriesChangedMeanwhile(t *testing.T) {
	s, c, v3 := startV4VMSite(t)
	ctx := context.Background()
	for _, kv := range [][2]string{{"acc-dr", "gold"}, {"oob", "x"}} {
		if _, err := v3.PutCategoryKey(ctx, CategoryKey{Name: kv[0]}); err != nil {
			t.Fatal(err)
		}
		if _, err := v3.PutCategoryValue(ctx, CategoryValue{Key: kv[0], Value: kv[1]}); err != nil {
			t.Fatal(err)
		}
	}
	app := vmByName(t, v3, "app-01")
	s.resetRequests(t)
	calls := 0
	vm, err := c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) {
		calls++
		if calls == 1 {
			// After the client's read: someone else adds oob:x over v3.
			if _, err := v3.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) { m["oob"] = "x" }); err != nil {
				t.Fatal(err)
			}
		}
		m["acc-dr"] = "gold"
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Errorf("mutate called %d times, want 2 (the 412 reads again)", calls)
	}
	if got := []int{s.requests(t, vmmV4Get), s.requests(t, vmmV4Associate)}; !slices.Equal(got, []int{2, 2}) {
		t.Errorf("GET, associate: %v, want [2 2] (one refused with 412)", got)
	}
	want := map[string]string{"acc-dr": "gold", "oob": "x"}
	after, err := v3.GetVM(ctx, app.UUID)
	if err != nil || !maps.Equal(after.Categories, want) || !maps.Equal(vm.Categories, want) {
		t.Errorf("v3 sees %v (%v), the update returned %v; want %v", after.Categories, err, vm.Categories, want)
	}
}
