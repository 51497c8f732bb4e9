package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// Routes of the category API as prismsim counts them.
const (
	routeListValues = "POST /api/nutanix/v3/categories/{name}/list"
	routeGetValue   = "GET /api/nutanix/v3/categories/{name}/{value}"
	routePutValue   = "PUT /api/nutanix/v3/categories/{name}/{value}"
)

// seedValues creates the key Tier and values value-000 ... through a client of their own, as another
// tool would.
func seedValues(t *testing.T, sim *simPC, n int) {
	const key = "Tier"
	t.Helper()
	other, _ := sim.client(t)
	ctx := context.Background()
	if _, err := other.PutCategoryKey(ctx, CategoryKey{Name: key}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := other.PutCategoryValue(ctx, CategoryValue{Key: key, Value: fmt.Sprintf("value-%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// A refresh of many values of one key costs one list (a page per 100 values), shared by
// lookups that run at the same time, and no GET.
func TestLookupCategoryValueListsOncePerKey(t *testing.T) {
	sim := startWorld(t)
	seedValues(t, sim, 150)
	c, _ := sim.client(t)
	sim.resetRequests(t)

	var wg sync.WaitGroup
	errs := make(chan error, 160)
	for i := range 160 {
		wg.Go(func() {
			name := fmt.Sprintf("value-%03d", i)
			v, err := c.LookupCategoryValue(context.Background(), "Tier", name)
			switch {
			case i < 150 && err != nil:
				errs <- fmt.Errorf("%s: %w", name, err)
			case i < 150 && v.Value != name:
				errs <- fmt.Errorf("%s: got %+v", name, v)
			case i >= 150 && !errors.Is(err, ErrNotFound):
				errs <- fmt.Errorf("%s: want ErrNotFound, got %v, %w", name, v, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := sim.requests(t, routeListValues); got != 2 {
		t.Errorf("list requests = %d, want 2 (one list of 150 values, pages of 100)", got)
	}
	if got := sim.requests(t, routeGetValue); got != 0 {
		t.Errorf("GET requests = %d, want 0", got)
	}
}

// Creating values found absent costs the shared list and one PUT each: no read per value.
func TestCreateCategoryValuesOnePutEach(t *testing.T) {
	sim := startWorld(t)
	seedValues(t, sim, 0)
	c, _ := sim.client(t)
	sim.resetRequests(t)
	ctx := context.Background()

	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range 40 {
		wg.Go(func() {
			v := CategoryValue{Key: "Tier", Value: fmt.Sprintf("value-%03d", i), Description: "d"}
			if _, err := c.LookupCategoryValue(ctx, v.Key, v.Value); !errors.Is(err, ErrNotFound) {
				t.Errorf("lookup %s: want ErrNotFound, got %v", v.Value, err)
				failed.Add(1)
				return
			}
			if _, err := c.CreateCategoryValue(ctx, v); err != nil {
				t.Errorf("create %s: %v", v.Value, err)
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		return
	}
	if got := sim.requests(t, routeListValues); got != 1 {
		t.Errorf("list requests = %d, want 1", got)
	}
	if got := sim.requests(t, routePutValue); got != 40 {
		t.Errorf("PUT requests = %d, want 40", got)
	}
	if got := sim.requests(t, routeGetValue); got != 0 {
		t.Errorf("GET requests = %d, want 0", got)
	}
	v, err := c.GetCategoryValue(ctx, "Tier", "value-007")
	if err != nil || v.Description != "d" {
		t.Errorf("GetCategoryValue = %+v, %v", v, err)
	}
}

// An out-of-band change made during a run is seen by the next question about the object: the
// list answers each object once, after which the client asks the server again. A new client
// (the next run) lists afresh.
func TestLookupCategoryValueSeesOutOfBandChanges(t *testing.T) {
	sim := startWorld(t)
	seedValues(t, sim, 3)
	c, _ := sim.client(t)
	other, _ := sim.client(t)
	ctx := context.Background()

	// The run's first refresh: the list answers.
	for _, name := range []string{"value-000", "value-001", "value-009"} {
		_, _ = c.LookupCategoryValue(ctx, "Tier", name)
	}
	// Out of band, while the run goes on.
	if _, err := other.PutCategoryValue(ctx, CategoryValue{Key: "Tier", Value: "value-000", Description: "changed"}); err != nil {
		t.Fatal(err)
	}
	if err := other.DeleteCategoryValue(ctx, "Tier", "value-001"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.PutCategoryValue(ctx, CategoryValue{Key: "Tier", Value: "value-009"}); err != nil {
		t.Fatal(err)
	}

	for _, lookup := range []struct {
		name string
		c    *Client
	}{{"the same run", c}, {"the next run", mustClient(t, sim)}} {
		if v, err := lookup.c.LookupCategoryValue(ctx, "Tier", "value-000"); err != nil || v.Description != "changed" {
			t.Errorf("%s: value-000 = %+v, %v; want the description changed out of band", lookup.name, v, err)
		}
		if v, err := lookup.c.LookupCategoryValue(ctx, "Tier", "value-001"); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: value-001 = %+v, %v; want ErrNotFound (deleted out of band)", lookup.name, v, err)
		}
		if _, err := lookup.c.LookupCategoryValue(ctx, "Tier", "value-009"); err != nil {
			t.Errorf("%s: value-009: %v; want it (created out of band)", lookup.name, err)
		}
	}
}

func mustClient(t *testing.T, sim *simPC) *Client {
	t.Helper()
	c, _ := sim.client(t)
	return c
}

// The client's own writes keep the cache exact without asking the server again: what it
// created is there, what it deleted is gone, what failed is asked about.
func TestLookupCategoryValueFollowsOwnWrites(t *testing.T) {
	sim := startWorld(t)
	seedValues(t, sim, 2)
	c, _ := sim.client(t)
	ctx := context.Background()
	if _, err := c.LookupCategoryValue(ctx, "Tier", "value-005"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("value-005 before its create: %v", err)
	}
	if _, err := c.CreateCategoryValue(ctx, CategoryValue{Key: "Tier", Value: "value-005", Description: "mine"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCategoryValue(ctx, "Tier", "value-000"); err != nil {
		t.Fatal(err)
	}
	sim.resetRequests(t)
	if v, err := c.LookupCategoryValue(ctx, "Tier", "value-005"); err != nil || v.Description != "mine" {
		t.Errorf("value-005 after its create = %+v, %v", v, err)
	}
	if _, err := c.LookupCategoryValue(ctx, "Tier", "value-000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("value-000 after its delete: want ErrNotFound, got %v", err)
	}
	if got := sim.requests(t, routeListValues) + sim.requests(t, routeGetValue); got != 0 {
		t.Errorf("the answers to the client's own writes sent %d requests, want 0", got)
	}

	// A write the server refuses leaves the object unknown: the next lookup asks.
	sim.fault(t, map[string]any{"path_prefix": "/api/nutanix/v3/categories/Tier/value-001", "method": "PUT", "kind": "status", "status": 500, "count": 10})
	if _, err := c.PutCategoryValue(ctx, CategoryValue{Key: "Tier", Value: "value-001", Description: "x"}); err == nil {
		t.Fatal("PutCategoryValue succeeded through a fault")
	}
	sim.call(t, "DELETE", "/_prismsim/faults", nil, nil)
	sim.resetRequests(t)
	if _, err := c.LookupCategoryValue(ctx, "Tier", "value-001"); err != nil {
		t.Errorf("value-001: %v", err)
	}
	if got := sim.requests(t, routeGetValue); got != 1 {
		t.Errorf("GET requests after a failed write = %d, want 1", got)
	}
}

// A write that lands while the list is in flight wins over the list, which may predate it.
func TestRunCacheWriteDuringList(t *testing.T) {
	var rc runCache[string]
	ctx := context.Background()
	release := make(chan struct{})
	listed := make(chan struct{})
	list := func(ctx context.Context, _ func(int) bool) (map[string]string, error) {
		close(listed)
		<-release
		return map[string]string{"a": "listed", "b": "listed"}, ctx.Err()
	}
	fetch := func(context.Context) (string, bool, error) { return "fetched", true, nil }

	type answer struct {
		v      string
		exists bool
		err    error
	}
	got := make(chan answer, 1)
	go func() {
		v, ok, err := rc.lookup(ctx, "g", "x", list, fetch)
		got <- answer{v, ok, err}
	}()
	<-listed
	rc.wrote("g", "a", "written")
	rc.deleted("g", "b")
	rc.unknown("g", "c")
	close(release)
	if a := <-got; a.err != nil || a.exists {
		t.Errorf("x = %+v, want absent", a)
	}
	for _, tc := range []struct {
		name, want string
		exists     bool
	}{{"a", "written", true}, {"b", "", false}, {"c", "fetched", true}, {"a", "fetched", true}} {
		v, ok, err := rc.lookup(ctx, "g", tc.name, list, fetch)
		if err != nil || v != tc.want || ok != tc.exists {
			t.Errorf("%s = %q, %v, %v; want %q, %v", tc.name, v, ok, err, tc.want, tc.exists)
		}
	}
}

// A failed list is not cached: its waiters get the error and the next lookup lists again.
func TestRunCacheListErrorNotCached(t *testing.T) {
	var rc runCache[string]
	ctx := context.Background()
	calls := 0
	list := func(context.Context, func(int) bool) (map[string]string, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("boom")
		}
		return map[string]string{"a": "listed"}, nil
	}
	fetch := func(context.Context) (string, bool, error) { return "", false, errors.New("unexpected fetch") }
	if _, _, err := rc.lookup(ctx, "g", "a", list, fetch); err == nil {
		t.Fatal("want the list's error")
	}
	if v, ok, err := rc.lookup(ctx, "g", "a", list, fetch); err != nil || !ok || v != "listed" {
		t.Errorf("a = %q, %v, %v", v, ok, err)
	}
	if calls != 2 {
		t.Errorf("list calls = %d, want 2", calls)
	}
}

// A list longer than the lookups asked so far is not read whole: the run asks one object at a
// time until its lookups outnumber the list's pages, then lists.
func TestLookupCategoryValueListsWhenWorthIt(t *testing.T) {
	sim := startWorld(t)
	seedValues(t, sim, 250) // three pages of 100
	c, _ := sim.client(t)
	sim.resetRequests(t)
	ctx := context.Background()
	want := []struct{ lists, gets int }{
		{1, 1}, // the first page says three pages: not worth it for one lookup
		{1, 2}, // two lookups: still a GET each
		{4, 2}, // three lookups: the whole list
		{4, 2}, // answered from it
	}
	for i, w := range want {
		name := fmt.Sprintf("value-%03d", i)
		if v, err := c.LookupCategoryValue(ctx, "Tier", name); err != nil || v.Value != name {
			t.Fatalf("lookup %d: %+v, %v", i+1, v, err)
		}
		if lists, gets := sim.requests(t, routeListValues), sim.requests(t, routeGetValue); lists != w.lists || gets != w.gets {
			t.Errorf("after lookup %d: %d list pages and %d GETs, want %d and %d", i+1, lists, gets, w.lists, w.gets)
		}
	}
}

// The refresh of many VMs' categories comes from one list of the VMs, and an update of a VM's
// categories costs a read, a PUT and the task's poll, its answer kept for the run.
func TestLookupVMAndUpdateCategories(t *testing.T) {
	sim := startWorld(t)
	c, _ := sim.client(t)
	ctx := context.Background()
	vms, err := c.ListVMs(ctx, "")
	if err != nil || len(vms) < 2 {
		t.Fatalf("ListVMs = %d VMs, %v", len(vms), err)
	}
	sim.resetRequests(t)
	for _, vm := range vms {
		got, err := c.LookupVM(ctx, vm.UUID)
		if err != nil || got.Name != vm.Name {
			t.Fatalf("LookupVM(%s) = %+v, %v", vm.Name, got, err)
		}
	}
	if got := sim.requests(t, "POST /api/nutanix/v3/vms/list"); got != 1 {
		t.Errorf("VM list requests = %d, want 1", got)
	}
	if got := sim.requests(t, "GET /api/nutanix/v3/vms/{uuid}"); got != 0 {
		t.Errorf("VM GET requests = %d, want 0", got)
	}

	sim.resetRequests(t)
	vm, err := c.UpdateVMCategories(ctx, vms[0].UUID, func(m map[string]string) { m["Environment"] = "Dev" })
	if err != nil || vm.Categories["Environment"] != "Dev" {
		t.Fatalf("UpdateVMCategories = %+v, %v", vm, err)
	}
	var counts struct {
		Total int `json:"total"`
	}
	sim.call(t, "GET", "/_prismsim/requests", nil, &counts)
	if counts.Total != 3 {
		t.Errorf("UpdateVMCategories sent %d requests, want 3 (GET, PUT, task poll)", counts.Total)
	}
	// The client's own write answers the next lookup; a second lookup asks again.
	sim.resetRequests(t)
	if got, err := c.LookupVM(ctx, vms[0].UUID); err != nil || got.Categories["Environment"] != "Dev" {
		t.Errorf("LookupVM after the update = %+v, %v", got, err)
	}
	if got, err := c.LookupVM(ctx, vms[0].UUID); err != nil || got.Categories["Environment"] != "Dev" {
		t.Errorf("LookupVM again = %+v, %v", got, err)
	}
	if got := sim.requests(t, "GET /api/nutanix/v3/vms/{uuid}"); got != 1 {
		t.Errorf("VM GET requests = %d, want 1 (the second lookup)", got)
	}
}
