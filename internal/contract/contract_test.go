package contract

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/apispec"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// step is one operation (or a few related ones) driven through the emulator. Later waves add
// rows to steps(); TestContract runs them in order, checks that each step caused the exchanges
// it names, then checks every recorded exchange against the spec.
type step struct {
	name string
	// routes lists the "METHOD /template" routes the step must exercise; "A | B" accepts either.
	routes []string
	run    func(ctx context.Context, t *testing.T, e *env)
}

const (
	testKey   = "contract-key"
	stepLimit = 30 * time.Second
)

// TestContract runs its steps in order on one world: they build on each other's state.
func TestContract(t *testing.T) {
	t.Parallel()
	spec := SpecOrSkip(t)
	e := newEnv(t)
	for _, s := range steps() {
		t.Run(s.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), stepLimit)
			defer cancel()
			before := len(e.rec.Exchanges())
			s.run(ctx, t, e)
			// The emulator records an exchange before it answers, so the step's are all in.
			wantRoutes(t, spec, s.routes, e.rec.Exchanges()[before:])
		})
	}
	if err := e.close(); err != nil {
		t.Fatalf("closing the world: %v", err)
	}
	t.Run("exchanges conform to the spec", func(t *testing.T) {
		e.rec.Check(t, spec)
		routes := e.rec.Routes(spec)
		for _, r := range SortedRoutes(routes) {
			t.Logf("%4d %s", routes[r], r)
		}
	})
}

// wantRoutes fails unless the exchanges cover every route of want.
func wantRoutes(t *testing.T, spec *apispec.Spec, want []string, exchanges []prismsim.Exchange) {
	t.Helper()
	seen := map[string]bool{}
	for _, x := range exchanges {
		if tmpl, ok := spec.Match(x.Method, x.Path); ok {
			seen[x.Method+" "+tmpl] = true
		}
	}
	for _, w := range want {
		if !slices.ContainsFunc(strings.Split(w, " | "), func(r string) bool { return seen[r] }) {
			t.Errorf("the step caused no exchange for %s", w)
		}
	}
}

func steps() []step {
	return append([]step{
		{"clusters are listed with the PC itself", []string{"POST /clusters/list"}, listClusters},
		{"a cluster is read", []string{"GET /clusters/{uuid}"}, getCluster},
		{"subnets are listed and read", []string{"POST /subnets/list", "GET /subnets/{uuid}"}, listAndGetSubnets},
		{"VMs are listed and read", []string{"POST /vms/list", "GET /vms/{uuid}"}, listAndGetVMs},
		{"system categories are listed", []string{"POST /categories/list", "POST /categories/{name}/list"}, listSystemCategories},
		{"a category key is created and updated", []string{"PUT /categories/{name}", "GET /categories/{name}"}, putCategoryKey},
		{"category values are created, read and listed", []string{"PUT /categories/{name}/{value}", "GET /categories/{name}/{value}", "POST /categories/{name}/list"}, putCategoryValues},
		{"VM categories are updated through a task", []string{"GET /vms/{uuid}", "PUT /vms/{uuid}", "POST /tasks/poll | GET /tasks/{uuid}"}, updateVMCategories},
		{"category usage is queried", []string{"POST /category/query"}, queryCategoryUsage},
		{"a task is waited for and read", []string{"PUT /vms/{uuid}", "POST /tasks/poll", "GET /tasks/{uuid}"}, waitAndGetTask},
		{"tasks are listed", []string{"POST /tasks/list"}, listTasks},
		{"lists are paged", []string{"POST /vms/list"}, pagedList},
		{"a VM is created and deleted", []string{"POST /vms", "DELETE /vms/{uuid}", "GET /vms/{uuid}"}, createAndDeleteVM},
		{"a stale spec_version is refused", []string{"PUT /vms/{uuid}"}, staleSpecVersion},
		{"concurrent VM updates both land", []string{"PUT /vms/{uuid}"}, concurrentVMUpdates},
		{"missing entities are not found", []string{"GET /categories/{name}", "GET /categories/{name}/{value}", "GET /vms/{uuid}", "GET /clusters/{uuid}", "GET /subnets/{uuid}", "GET /tasks/{uuid}"}, notFound},
		{"a category value in use is not deleted", []string{"DELETE /categories/{name}/{value}"}, deleteValueInUse},
		{"bad input is refused", []string{"PUT /categories/{name}", "PUT /categories/{name}/{value}", "POST /vms/list", "PUT /vms/{uuid}", "POST /vms", "POST /tasks/poll", "POST /category/query"}, badInput},
		{"bad credentials are refused", []string{"GET /categories/{name}"}, badCredentials},
		{"the second PC answers too", []string{"POST /categories/list", "POST /vms/list", "POST /clusters/list"}, secondPC},
		{"the API version is served", []string{"GET /versions"}, versions},
		{"categories are cleaned up", []string{"DELETE /categories/{name}/{value}", "DELETE /categories/{name}"}, cleanupCategories},
	}, slices.Concat(drSteps(), ppSteps(), rplanSteps(), unpairSteps())...)
}

func listClusters(ctx context.Context, t *testing.T, e *env) {
	if err := e.canada.CheckPrismCentral(ctx); err != nil {
		t.Errorf("CheckPrismCentral: %v", err)
	}
	all, err := e.canada.ListClusters(ctx, "")
	if err != nil {
		t.Fatalf("ListClusters: %v", err)
	}
	var pcs int
	for _, c := range all {
		e.clusters[c.Name] = c.UUID
		if c.IsPrismCentral {
			pcs++
			if !slices.Contains(c.ServiceList, "PRISM_CENTRAL") {
				t.Errorf("cluster %s is marked Prism Central with services %v", c.Name, c.ServiceList)
			}
		}
	}
	if pcs != 1 {
		t.Errorf("%d Prism Central entries in /clusters/list, want 1: %+v", pcs, all)
	}
	if e.clusters["CA01"] == "" {
		t.Fatalf("CA01 missing from %+v", all)
	}
	named, err := e.canada.ListClusters(ctx, "name==CA01")
	if err != nil {
		t.Fatalf("ListClusters(name==CA01): %v", err)
	}
	if len(named) != 1 || named[0].UUID != e.clusters["CA01"] {
		t.Errorf("filter name==CA01 gave %+v", named)
	}
}

func getCluster(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the uuid of CA01", e.clusters["CA01"])
	c, err := e.canada.GetCluster(ctx, id)
	if err != nil {
		t.Fatalf("GetCluster: %v", err)
	}
	if c.Name != "CA01" || c.IsPrismCentral || !slices.Contains(c.ServiceList, "AOS") {
		t.Errorf("GetCluster(CA01) = %+v", c)
	}
}

func listAndGetSubnets(ctx context.Context, t *testing.T, e *env) {
	all, err := e.canada.ListSubnets(ctx, "")
	if err != nil {
		t.Fatalf("ListSubnets: %v", err)
	}
	for _, s := range all {
		e.subnets[s.Name] = s.UUID
	}
	id := e.subnets["vlan51-test"]
	if e.subnets["vlan50-prod"] == "" || id == "" {
		t.Fatalf("preset subnets missing from %+v", all)
	}
	s, err := e.canada.GetSubnet(ctx, id)
	if err != nil {
		t.Fatalf("GetSubnet: %v", err)
	}
	if s.Name != "vlan51-test" || s.VLANID == nil || *s.VLANID != 51 || s.CIDR != "192.168.51.0/25" || s.GatewayIP != "192.168.51.1" {
		t.Errorf("GetSubnet(vlan51-test) = %+v", s)
	}
}

func listAndGetVMs(ctx context.Context, t *testing.T, e *env) {
	all, err := e.canada.ListVMs(ctx, "")
	if err != nil {
		t.Fatalf("ListVMs: %v", err)
	}
	for _, vm := range all {
		e.vms[vm.Name] = vm.UUID
	}
	for _, name := range []string{"app-01", "db-01", "dns-01"} {
		if e.vms[name] == "" {
			t.Errorf("VM %s missing from %+v", name, all)
		}
	}
	named, err := e.canada.ListVMs(ctx, "name==db-01")
	if err != nil {
		t.Fatalf("ListVMs(name==db-01): %v", err)
	}
	if len(named) != 1 || named[0].Name != "db-01" {
		t.Errorf("filter name==db-01 gave %+v", named)
	}
	vm, err := e.canada.GetVM(ctx, need(t, "the uuid of app-01", e.vms["app-01"]))
	if err != nil {
		t.Fatalf("GetVM: %v", err)
	}
	if vm.Name != "app-01" || vm.PowerState != "ON" || vm.ClusterName != "CA01" || !slices.Contains(vm.IPAddresses, "192.168.50.10") {
		t.Errorf("GetVM(app-01) = %+v", vm)
	}
}

func listSystemCategories(ctx context.Context, t *testing.T, e *env) {
	keys, err := e.canada.ListCategoryKeys(ctx)
	if err != nil {
		t.Fatalf("ListCategoryKeys: %v", err)
	}
	i := slices.IndexFunc(keys, func(k client.CategoryKey) bool { return k.Name == "Environment" })
	if i < 0 || !keys[i].SystemDefined {
		t.Errorf("system-defined Environment missing from %+v", keys)
	}
	values, err := e.canada.ListCategoryValues(ctx, "Environment")
	if err != nil {
		t.Fatalf("ListCategoryValues: %v", err)
	}
	for _, want := range []string{"Production", "Dev", "Staging", "Testing"} {
		if !slices.ContainsFunc(values, func(v client.CategoryValue) bool { return v.Value == want }) {
			t.Errorf("Environment/%s missing from %+v", want, values)
		}
	}
}

func putCategoryKey(ctx context.Context, t *testing.T, e *env) {
	k, err := e.canada.PutCategoryKey(ctx, client.CategoryKey{Name: testKey, Description: "created by the contract test"})
	if err != nil {
		t.Fatalf("PutCategoryKey (create): %v", err)
	}
	if k.Name != testKey || k.SystemDefined {
		t.Errorf("created key = %+v", k)
	}
	if _, err := e.canada.PutCategoryKey(ctx, client.CategoryKey{Name: testKey, Description: "updated"}); err != nil {
		t.Fatalf("PutCategoryKey (update): %v", err)
	}
	got, err := e.canada.GetCategoryKey(ctx, testKey)
	if err != nil {
		t.Fatalf("GetCategoryKey: %v", err)
	}
	if got.Description != "updated" {
		t.Errorf("description after update = %q", got.Description)
	}
}

func putCategoryValues(ctx context.Context, t *testing.T, e *env) {
	for _, v := range []string{"v1", "v2"} {
		if _, err := e.canada.PutCategoryValue(ctx, client.CategoryValue{Key: testKey, Value: v, Description: "value " + v}); err != nil {
			t.Fatalf("PutCategoryValue(%s): %v", v, err)
		}
	}
	got, err := e.canada.GetCategoryValue(ctx, testKey, "v1")
	if err != nil {
		t.Fatalf("GetCategoryValue: %v", err)
	}
	if got.Key != testKey || got.Value != "v1" || got.Description != "value v1" {
		t.Errorf("GetCategoryValue = %+v", got)
	}
	values, err := e.canada.ListCategoryValues(ctx, testKey)
	if err != nil {
		t.Fatalf("ListCategoryValues: %v", err)
	}
	var names []string
	for _, v := range values {
		names = append(names, v.Value)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"v1", "v2"}) {
		t.Errorf("values of %s = %v", testKey, names)
	}
}

func updateVMCategories(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the uuid of app-01", e.vms["app-01"])
	vm, err := e.canada.UpdateVMCategories(ctx, id, func(c map[string]string) { c[testKey] = "v1" })
	if err != nil {
		t.Fatalf("UpdateVMCategories: %v", err)
	}
	if vm.Categories[testKey] != "v1" {
		t.Errorf("categories after update = %v", vm.Categories)
	}
	again, err := e.canada.GetVM(ctx, id)
	if err != nil {
		t.Fatalf("GetVM: %v", err)
	}
	if again.Categories[testKey] != "v1" || again.Name != "app-01" || !slices.Contains(again.IPAddresses, "192.168.50.10") {
		t.Errorf("VM after the category update = %+v", again)
	}
}

func queryCategoryUsage(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the uuid of app-01", e.vms["app-01"])
	usage, err := e.canada.QueryCategoryUsage(ctx, testKey, []string{"v1"}, []string{"vm"})
	if err != nil {
		t.Fatalf("QueryCategoryUsage: %v", err)
	}
	if len(usage) != 1 || usage[0].UUID != id || usage[0].Kind != "vm" {
		t.Errorf("usage of %s:v1 = %+v, want app-01 only", testKey, usage)
	}
	all, err := e.canada.QueryCategoryUsage(ctx, testKey, nil, nil)
	if err != nil {
		t.Fatalf("QueryCategoryUsage(every value): %v", err)
	}
	if !slices.ContainsFunc(all, func(u client.CategoryUsage) bool { return u.UUID == id }) {
		t.Errorf("usage of every value of %s = %+v, want app-01 among them", testKey, all)
	}
}

// rawVMPut reads a VM with a raw GET and returns the body of a PUT that sets one category,
// everything else sent back as read.
func rawVMPut(ctx context.Context, t *testing.T, e *env, id, key, value string) []byte {
	t.Helper()
	status, body, err := e.raw.do(ctx, http.MethodGet, "/vms/"+id, nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET /vms/%s: %d %v %s", id, status, err, truncate(body))
	}
	vm := object(t, body)
	delete(vm, "status")
	md, ok := vm["metadata"].(map[string]any)
	if !ok {
		t.Fatalf("GET /vms/%s has no metadata object: %s", id, truncate(body))
	}
	cats, _ := md["categories"].(map[string]any)
	if cats == nil {
		cats = map[string]any{}
	}
	cats[key] = value
	md["categories"] = cats
	return mustJSON(t, vm)
}

func waitAndGetTask(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the uuid of db-01", e.vms["db-01"])
	status, body, err := e.raw.do(ctx, http.MethodPut, "/vms/"+id, rawVMPut(ctx, t, e, id, "Environment", "Production"))
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("PUT /vms/%s: %d %v %s", id, status, err, truncate(body))
	}
	taskUUID := taskOf(t, body)
	var seen []string
	done, err := e.canada.WaitForTask(ctx, taskUUID, "updating VM db-01", func(task client.Task) { seen = append(seen, task.Status) })
	if err != nil {
		t.Fatalf("WaitForTask: %v", err)
	}
	if done.Status != "SUCCEEDED" || done.PercentageComplete != 100 {
		t.Errorf("task after waiting = %+v (progress seen %v)", done, seen)
	}
	got, err := e.canada.GetTask(ctx, taskUUID)
	if err != nil {
		t.Fatalf("GetTask: %v", err)
	}
	if got.UUID != taskUUID || got.Status != "SUCCEEDED" || got.CompletionTime.IsZero() {
		t.Errorf("GetTask = %+v", got)
	}
	if !slices.ContainsFunc(got.EntityReferences, func(r client.Reference) bool { return r.Kind == "vm" && r.UUID == id }) {
		t.Errorf("task entity references %+v lack vm %s", got.EntityReferences, id)
	}
}

func listTasks(ctx context.Context, t *testing.T, e *env) {
	status, body, err := e.raw.do(ctx, http.MethodPost, "/tasks/list", []byte(`{"kind":"task","length":20,"offset":0}`))
	if err != nil || status != http.StatusOK {
		t.Fatalf("POST /tasks/list: %d %v %s", status, err, truncate(body))
	}
	entities, _ := object(t, body)["entities"].([]any)
	if len(entities) == 0 {
		t.Errorf("no tasks listed after VM updates: %s", truncate(body))
	}
}

func pagedList(ctx context.Context, t *testing.T, e *env) {
	status, body, err := e.raw.do(ctx, http.MethodPost, "/vms/list", []byte(`{"kind":"vm","length":1,"offset":1,"sort_attribute":"vm_name","sort_order":"ASCENDING"}`))
	if err != nil || status != http.StatusOK {
		t.Fatalf("POST /vms/list: %d %v %s", status, err, truncate(body))
	}
	page := object(t, body)
	md, _ := page["metadata"].(map[string]any)
	entities, _ := page["entities"].([]any)
	if len(entities) != 1 || fmt.Sprint(md["total_matches"]) != "3" || fmt.Sprint(md["length"]) != "1" || fmt.Sprint(md["offset"]) != "1" {
		t.Errorf("page 2 of 3 VMs by one: metadata %v, %d entities", md, len(entities))
	}
}

func createAndDeleteVM(ctx context.Context, t *testing.T, e *env) {
	clusterUUID := need(t, "the uuid of CA01", e.clusters["CA01"])
	subnetUUID := need(t, "the uuid of vlan51-test", e.subnets["vlan51-test"])
	id := randomUUID(t)
	create := mustJSON(t, map[string]any{
		"api_version": "3.1.0",
		"metadata":    map[string]any{"kind": "vm", "uuid": id, "categories": map[string]string{"Environment": "Testing"}},
		"spec": map[string]any{
			"name":              "contract-vm",
			"cluster_reference": map[string]any{"kind": "cluster", "uuid": clusterUUID},
			"resources": map[string]any{
				"num_sockets": 1, "num_vcpus_per_socket": 1, "memory_size_mib": 1024, "power_state": "OFF",
				"nic_list": []any{map[string]any{
					"subnet_reference": map[string]any{"kind": "subnet", "uuid": subnetUUID},
					"ip_endpoint_list": []any{map[string]any{"ip": "192.168.51.20"}},
				}},
			},
		},
	})
	status, body, err := e.raw.do(ctx, http.MethodPost, "/vms", create)
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("POST /vms: %d %v %s", status, err, truncate(body))
	}
	if _, err := e.canada.WaitForTask(ctx, taskOf(t, body), "creating VM contract-vm", nil); err != nil {
		t.Fatalf("waiting for the create: %v", err)
	}
	vm, err := e.canada.GetVM(ctx, id)
	if err != nil {
		t.Fatalf("GetVM after create: %v", err)
	}
	if vm.Name != "contract-vm" || vm.PowerState != "OFF" || !slices.Contains(vm.IPAddresses, "192.168.51.20") || vm.Categories["Environment"] != "Testing" {
		t.Errorf("created VM = %+v", vm)
	}

	status, body, err = e.raw.do(ctx, http.MethodPost, "/vms", create)
	if err != nil || status != http.StatusConflict || !strings.Contains(string(body), "ENTITY_ALREADY_EXISTS") {
		t.Errorf("second create with the same metadata.uuid: %d %v %s, want 409 ENTITY_ALREADY_EXISTS", status, err, truncate(body))
	}

	status, body, err = e.raw.do(ctx, http.MethodDelete, "/vms/"+id, nil)
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("DELETE /vms/%s: %d %v %s", id, status, err, truncate(body))
	}
	if _, err := e.canada.WaitForTask(ctx, taskOf(t, body), "deleting VM contract-vm", nil); err != nil {
		t.Fatalf("waiting for the delete: %v", err)
	}
	_, err = e.canada.GetVM(ctx, id)
	wantNotFound(t, "GetVM after delete", err)
	status, body, err = e.raw.do(ctx, http.MethodDelete, "/vms/"+id, nil)
	if err != nil || status != http.StatusNotFound {
		t.Errorf("deleting the deleted VM again: %d %v %s, want 404", status, err, truncate(body))
	}
}

// taskOf returns status.execution_context.task_uuid of an intent response.
func taskOf(t *testing.T, body []byte) string {
	t.Helper()
	st, _ := object(t, body)["status"].(map[string]any)
	ec, _ := st["execution_context"].(map[string]any)
	id, _ := ec["task_uuid"].(string)
	if id == "" {
		t.Fatalf("no status.execution_context.task_uuid string in %s", truncate(body))
	}
	return id
}

func staleSpecVersion(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the uuid of dns-01", e.vms["dns-01"])
	first := rawVMPut(ctx, t, e, id, "Environment", "Dev")
	stale := rawVMPut(ctx, t, e, id, "Environment", "Testing")
	status, body, err := e.raw.do(ctx, http.MethodPut, "/vms/"+id, first)
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("first PUT /vms/%s: %d %v %s", id, status, err, truncate(body))
	}
	status, body, err = e.raw.do(ctx, http.MethodPut, "/vms/"+id, stale)
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusConflict {
		t.Errorf("PUT with a stale spec_version: status %d, want 409: %s", status, truncate(body))
	}
}

func concurrentVMUpdates(ctx context.Context, t *testing.T, e *env) {
	id := need(t, "the uuid of db-01", e.vms["db-01"])
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, kv := range [][2]string{{testKey, "v2"}, {"Environment", "Staging"}} {
		wg.Go(func() {
			_, errs[i] = e.canada.UpdateVMCategories(ctx, id, func(c map[string]string) { c[kv[0]] = kv[1] })
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("update %d: %v", i, err)
		}
	}
	vm, err := e.canada.GetVM(ctx, id)
	if err != nil {
		t.Fatalf("GetVM: %v", err)
	}
	if vm.Categories[testKey] != "v2" || vm.Categories["Environment"] != "Staging" {
		t.Errorf("categories after concurrent updates = %v, want both", vm.Categories)
	}
}

func notFound(ctx context.Context, t *testing.T, e *env) {
	missing := randomUUID(t)
	_, err := e.canada.GetCategoryKey(ctx, "contract-missing")
	wantNotFound(t, "GetCategoryKey", err)
	_, err = e.canada.GetCategoryValue(ctx, testKey, "missing")
	wantNotFound(t, "GetCategoryValue", err)
	_, err = e.canada.GetVM(ctx, missing)
	wantNotFound(t, "GetVM", err)
	_, err = e.canada.GetCluster(ctx, missing)
	wantNotFound(t, "GetCluster", err)
	_, err = e.canada.GetSubnet(ctx, missing)
	wantNotFound(t, "GetSubnet", err)
	_, err = e.canada.GetTask(ctx, missing)
	wantNotFound(t, "GetTask", err)
}

func deleteValueInUse(ctx context.Context, t *testing.T, e *env) {
	need(t, "app-01 carrying "+testKey+":v1", e.vms["app-01"])
	err := e.canada.DeleteCategoryValue(ctx, testKey, "v1")
	wantAPIError(t, "DeleteCategoryValue of a value in use", err, "ENTITY_DELETION_FAILED")
	if _, err := e.canada.GetCategoryValue(ctx, testKey, "v1"); err != nil {
		t.Errorf("the value in use is gone: %v", err)
	}
}

// badInput sends requests the spec refuses; the emulator must answer 4xx with a conforming
// error body.
func badInput(ctx context.Context, t *testing.T, e *env) {
	tooLong := strings.Repeat("x", 1001)
	long := "contract-" + strings.Repeat("k", 56)
	type badRequest struct{ what, method, path, body string }
	cases := []badRequest{
		{"a key name outside the pattern", http.MethodPut, "/categories/bad!name", `{"name":"bad!name"}`},
		{"a key name of the wrong type", http.MethodPut, "/categories/contract-typed", `{"name":5}`},
		{"a key without its required name", http.MethodPut, "/categories/contract-unnamed", `{"description":"no name"}`},
		{"a description over maxLength", http.MethodPut, "/categories/" + testKey + "/v3", fmt.Sprintf(`{"value":"v3","description":%q}`, tooLong)},
		{"a list length under the minimum", http.MethodPost, "/vms/list", `{"kind":"vm","length":0}`},
		{"a body that is not JSON", http.MethodPost, "/vms/list", `{"kind":`},
		{"a value outside the pattern", http.MethodPut, "/categories/" + testKey + "/bad!value", `{"value":"bad!value"}`},
		{"a key name over 64 characters", http.MethodPut, "/categories/" + long, fmt.Sprintf(`{"name":%q}`, long)},
		{"a list of another kind", http.MethodPost, "/vms/list", `{"kind":"cluster"}`},
		{"a sort order outside the enum", http.MethodPost, "/vms/list", `{"kind":"vm","sort_order":"UP"}`},
		{"a poll timeout over the maximum", http.MethodPost, "/tasks/poll", `{"task_uuid_list":[],"poll_timeout_seconds":31}`},
		{"a poll of something that is not a UUID", http.MethodPost, "/tasks/poll", `{"task_uuid_list":["not-a-uuid"],"poll_timeout_seconds":1}`},
		{"a poll without its required timeout", http.MethodPost, "/tasks/poll", `{"task_uuid_list":[]}`},
		{"a query with an unknown usage type", http.MethodPost, "/category/query", `{"usage_type":"EVERYWHERE","category_filter":{"params":{"Environment":["Dev"]}}}`},
		{"a query filter without params", http.MethodPost, "/category/query", `{"usage_type":"APPLIED_TO","category_filter":{"type":"CATEGORIES_MATCH_ANY"}}`},
		{"a VM create without metadata", http.MethodPost, "/vms", `{"spec":{"name":"contract-bad","resources":{}}}`},
	}
	if id := e.vms["app-01"]; id != "" {
		cases = append(cases, badRequest{"a VM update without spec", http.MethodPut, "/vms/" + id, `{"metadata":{"kind":"vm"}}`})
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
			if c.method == http.MethodPut && strings.HasPrefix(c.path, "/categories/") && status < 300 {
				// Undo what was wrongly accepted, so that later steps see the state they expect.
				if st, b, err := e.raw.do(ctx, http.MethodDelete, c.path, nil); err != nil || st != http.StatusOK {
					t.Errorf("undoing %s: %d %v %s", c.path, st, err, truncate(b))
				}
			}
		}
	}
	// A refused create must leave nothing behind.
	for _, name := range []string{"contract-typed", "contract-unnamed"} {
		_, err := e.canada.GetCategoryKey(ctx, name)
		wantNotFound(t, "key "+name+" after a refused create", err)
	}
}

func badCredentials(ctx context.Context, t *testing.T, e *env) {
	c := newClient(t, e.canadaPC, e.canadaPC.Password()+"-wrong")
	_, err := c.GetCategoryKey(ctx, "Environment")
	if err == nil || !strings.Contains(err.Error(), "authentication failed") {
		t.Errorf("GetCategoryKey with a wrong password: %v, want an authentication failure", err)
	}
}

func secondPC(ctx context.Context, t *testing.T, e *env) {
	keys, err := e.france.ListCategoryKeys(ctx)
	if err != nil {
		t.Fatalf("ListCategoryKeys on france: %v", err)
	}
	if slices.ContainsFunc(keys, func(k client.CategoryKey) bool { return k.Name == testKey }) {
		t.Errorf("%s, created on canada, appears on france", testKey)
	}
	vms, err := e.france.ListVMs(ctx, "")
	if err != nil {
		t.Fatalf("ListVMs on france: %v", err)
	}
	if len(vms) != 0 {
		t.Errorf("france has VMs: %+v", vms)
	}
	clusters, err := e.france.ListClusters(ctx, "name==FR01")
	if err != nil {
		t.Fatalf("ListClusters on france: %v", err)
	}
	if len(clusters) != 1 {
		t.Errorf("FR01 on france: %+v", clusters)
	}
}

func versions(ctx context.Context, t *testing.T, e *env) {
	status, body, err := e.raw.do(ctx, http.MethodGet, "/versions", nil)
	if err != nil {
		t.Fatal(err)
	}
	if status == http.StatusNotFound {
		e.rec.Ignore(http.MethodGet, apiBase+"/versions", "the emulator does not serve it")
		t.Skip("the emulator does not serve GET /versions (optional in this wave)")
	}
	if status != http.StatusOK {
		t.Errorf("GET /versions: %d %s", status, truncate(body))
	}
}

func cleanupCategories(ctx context.Context, t *testing.T, e *env) {
	for _, name := range []string{"app-01", "db-01"} {
		id := e.vms[name]
		if id == "" {
			continue
		}
		if _, err := e.canada.UpdateVMCategories(ctx, id, func(c map[string]string) { delete(c, testKey) }); err != nil {
			t.Errorf("removing %s from %s: %v", testKey, name, err)
		}
	}
	for _, v := range []string{"v1", "v2"} {
		if err := e.canada.DeleteCategoryValue(ctx, testKey, v); err != nil {
			t.Errorf("DeleteCategoryValue(%s): %v", v, err)
		}
	}
	if err := e.canada.DeleteCategoryKey(ctx, testKey); err != nil {
		t.Errorf("DeleteCategoryKey: %v", err)
	}
	_, err := e.canada.GetCategoryKey(ctx, testKey)
	wantNotFound(t, "GetCategoryKey after delete", err)
	wantNotFound(t, "DeleteCategoryKey of a missing key", e.canada.DeleteCategoryKey(ctx, testKey))
}
