package prismsim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestVMEnvelope(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	vm := c.vmByName("app-01")
	id := getString(vm, "metadata", "uuid")
	r := expect(t, c.v3("GET", "/vms/"+id, nil), 200)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
	got := r.json(t)
	if got["api_version"] != apiVersion || getString(got, "metadata", "kind") != "vm" || getString(got, "metadata", "uuid") != id ||
		getInt(t, got, "metadata", "spec_version") != 0 || getString(got, "status", "state") != "COMPLETE" ||
		getString(got, "spec", "name") != "app-01" || getString(got, "status", "name") != "app-01" {
		t.Fatalf("envelope: %s", mustJSON(got))
	}
	for _, f := range []string{"creation_time", "last_update_time", "spec_hash"} {
		if getString(got, "metadata", f) == "" {
			t.Errorf("metadata.%s missing", f)
		}
	}
	if _, err := time.Parse(time.RFC3339, getString(got, "metadata", "creation_time")); err != nil {
		t.Errorf("creation_time: %v", err)
	}
	if getInt(t, got, "spec", "resources", "num_sockets") != 2 || getInt(t, got, "spec", "resources", "num_vcpus_per_socket") != 1 ||
		getInt(t, got, "spec", "resources", "memory_size_mib") != 4096 ||
		getString(got, "spec", "resources", "nic_list", 0, "uuid") == "" ||
		getString(got, "spec", "cluster_reference", "kind") != "cluster" {
		t.Fatalf("spec: %s", mustJSON(got["spec"]))
	}
	if getString(got, "status", "cluster_reference", "uuid") != getString(got, "spec", "cluster_reference", "uuid") {
		t.Fatal("status cluster_reference differs from spec")
	}

	nf := expect(t, c.v3("GET", "/vms/"+newUUID(), nil), http.StatusNotFound)
	if nf.reason(t) != reasonNotFound || getString(nf.json(t), "kind") != "vm" || getString(nf.json(t), "state") != "ERROR" ||
		getInt(t, nf.json(t), "code") != 404 || getString(nf.json(t), "api_version") != apiVersion {
		t.Fatalf("404 body: %s", nf.body)
	}
	if r := expect(t, c.v3("GET", "/vms/not-a-uuid", nil), http.StatusBadRequest); r.reason(t) != reasonInvalidUUID {
		t.Fatal(r.reason(t))
	}
	if r := expect(t, c.v3("POST", "/vms/list", "{not json"), http.StatusBadRequest); r.reason(t) != reasonInvalidRequest {
		t.Fatal(r.reason(t))
	}
}

func TestVMListFilterPaging(t *testing.T) {
	w := startWorld(t, func(cfg *WorldConfig) {
		cfg.PCs[0].Clusters = append(cfg.PCs[0].Clusters, ClusterConfig{Name: "CA02"})
		cfg.PCs[0].Subnets = append(cfg.PCs[0].Subnets, SubnetConfig{Name: "ca02-net", Cluster: "CA02", VLANID: 60, CIDR: "10.60.0.0/24", Gateway: "10.60.0.1"})
		cfg.PCs[0].VMs = append(cfg.PCs[0].VMs,
			VMConfig{Name: "app-02", Cluster: "CA02", Subnet: "ca02-net", IP: "10.60.0.5", PowerState: "OFF"},
			VMConfig{Name: "batch", Cluster: "CA02", VCPUs: 8})
	})
	c := newClient(t, w.PC("canada"))
	names := func(body map[string]any) string {
		var out []string
		for _, e := range arr(t, body["entities"]) {
			out = append(out, getString(e, "spec", "name"))
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		filter string
		want   string
	}{
		{"vm_name==app-01", "app-01"},
		{"name==db-01", "db-01"},
		{"vm_name==app-.*", "app-01,app-02"},
		{"power_state==OFF", "app-02"},
		{"cluster_name==CA01;power_state==ON", "app-01,db-01,dns-01"},
		{"cluster_name==CA02,vm_name==dns-01", "dns-01,app-02,batch"},
		{"(vm_name==app-01,vm_name==app-02);cluster_name==CA02", "app-02"},
		{"ip_address==192.168.50.11", "db-01"},
		{"vm_name!=app-01;cluster_name==CA01", "db-01,dns-01"},
		{"vm_name=cs=tc", "batch"},
		{"vm_name==app%2D01", "app-01"},
	}
	for _, tc := range cases {
		r := expect(t, c.v3("POST", "/vms/list", map[string]any{"kind": "vm", "filter": tc.filter}), 200).json(t)
		if got := names(r); got != tc.want {
			t.Errorf("filter %q: got %s, want %s", tc.filter, got, tc.want)
		}
		if getString(r, "metadata", "filter") != tc.filter {
			t.Errorf("metadata.filter %v", get(r, "metadata"))
		}
	}
	if r := expect(t, c.v3("POST", "/vms/list", map[string]any{"filter": "color==red"}), 422); r.reason(t) != reasonInvalidArgument ||
		!strings.Contains(r.message(t), "vm_name") {
		t.Fatalf("unknown attribute: %s", r.body)
	}
	expect(t, c.v3("POST", "/vms/list", map[string]any{"filter": "vm_name=="}), 422)

	// Paging: total_matches counts every match, length what is returned.
	p := expect(t, c.v3("POST", "/vms/list", map[string]any{"length": 2, "offset": 0, "sort_attribute": "vm_name"}), 200).json(t)
	if names(p) != "app-01,app-02" || getInt(t, p, "metadata", "total_matches") != 5 || getInt(t, p, "metadata", "length") != 2 ||
		getInt(t, p, "metadata", "offset") != 0 {
		t.Fatalf("page 1: %s %v", names(p), p["metadata"])
	}
	p = expect(t, c.v3("POST", "/vms/list", map[string]any{"length": 2, "offset": 4, "sort_attribute": "vm_name"}), 200).json(t)
	if names(p) != "dns-01" || getInt(t, p, "metadata", "total_matches") != 5 || getInt(t, p, "metadata", "offset") != 4 {
		t.Fatalf("last page: %s %v", names(p), p["metadata"])
	}
	p = expect(t, c.v3("POST", "/vms/list", map[string]any{"offset": 10}), 200).json(t)
	if len(arr(t, p["entities"])) != 0 || getInt(t, p, "metadata", "total_matches") != 5 {
		t.Fatalf("beyond the end: %s", mustJSON(p))
	}
	p = expect(t, c.v3("POST", "/vms/list", map[string]any{"sort_attribute": "vm_name", "sort_order": "DESCENDING", "length": 1}), 200).json(t)
	if names(p) != "dns-01" {
		t.Fatalf("descending: %s", names(p))
	}
	for _, bad := range []map[string]any{{"length": 0}, {"offset": -1}, {"sort_order": "UP"}, {"kind": "subnet"}, {"sort_attribute": "color"}, {"length": "ten"}} {
		expect(t, c.v3("POST", "/vms/list", bad), 422)
	}
}

func TestVMUpdateCategoriesWithTask(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	expect(t, c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "replicated-vm"}), 201)
	expect(t, c.v3("PUT", "/categories/replicated-vm/from-canada", map[string]any{}), 201)

	vm := c.vmByName("db-01")
	id := getString(vm, "metadata", "uuid")
	md := obj(t, vm["metadata"])
	spec := obj(t, vm["spec"])
	// Fields the emulator does not interpret are kept as sent.
	spec["description"] = "database"
	obj(t, spec["resources"])["boot_config"] = map[string]any{"boot_device_order_list": []any{"DISK", "CDROM"}}
	obj(t, spec["resources"])["guest_customization"] = map[string]any{"is_overridable": true}
	md["categories"] = map[string]any{"replicated-vm": "from-canada", "Environment": "Production"}
	md["owner_reference"] = map[string]any{"kind": "user", "uuid": newUUID(), "name": "admin"}

	accepted := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"api_version": "3.1", "metadata": md, "spec": spec}), 202).json(t)
	taskID := getString(accepted, "status", "execution_context", "task_uuid")
	if !isUUID(taskID) || getString(accepted, "status", "state") != "PENDING" || getInt(t, accepted, "metadata", "spec_version") != 1 {
		t.Fatalf("accepted: %s", mustJSON(accepted))
	}
	// Before the task ends the change is not applied: no VM has the value yet.
	q := map[string]any{"category_filter": map[string]any{"params": map[string]any{"replicated-vm": []string{"from-canada"}}}}
	if res := arr(t, expect(t, c.v3("POST", "/category/query", q), 200).json(t)["results"]); len(res) != 0 {
		t.Fatalf("applied before the task ended: %v", res)
	}
	task := expect(t, c.v3("GET", "/tasks/"+taskID, nil), 200).json(t)
	if s := getString(task, "status"); s != TaskQueued && s != TaskRunning {
		t.Fatalf("task status right after PUT: %s", s)
	}
	if getString(task, "entity_reference_list", 0, "uuid") != id || getString(task, "entity_reference_list", 0, "kind") != "vm" ||
		getString(task, "operation_type") != "VmUpdate" || getString(task, "creation_time") == "" {
		t.Fatalf("task: %s", mustJSON(task))
	}
	done := c.waitTask(taskID)
	if getString(done, "status") != TaskSucceeded || getInt(t, done, "percentage_complete") != 100 || getString(done, "completion_time") == "" {
		t.Fatalf("done: %s", mustJSON(done))
	}
	got := expect(t, c.v3("GET", "/vms/"+id, nil), 200).json(t)
	if getString(got, "metadata", "categories", "replicated-vm") != "from-canada" ||
		getString(got, "metadata", "categories_mapping", "Environment", 0) != "Production" ||
		getString(got, "status", "state") != "COMPLETE" || getInt(t, got, "metadata", "spec_version") != 1 ||
		getString(got, "spec", "description") != "database" ||
		getString(got, "spec", "resources", "boot_config", "boot_device_order_list", 1) != "CDROM" ||
		get(got, "spec", "resources", "guest_customization", "is_overridable") != true ||
		getString(got, "metadata", "owner_reference", "name") != "admin" {
		t.Fatalf("after update: %s", mustJSON(got))
	}
	if res := expect(t, c.v3("POST", "/category/query", q), 200).json(t); getInt(t, res, "results", 0, "total_entity_count") != 1 {
		t.Fatalf("query after: %s", mustJSON(res))
	}

	// categories_mapping is used only with use_categories_mapping.
	md = obj(t, got["metadata"])
	md["use_categories_mapping"] = true
	md["categories_mapping"] = map[string]any{"Environment": []string{"Production", "Staging"}}
	r := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": got["spec"]}), 202).json(t)
	c.waitTask(getString(r, "status", "execution_context", "task_uuid"))
	got = expect(t, c.v3("GET", "/vms/"+id, nil), 200).json(t)
	if len(arr(t, get(got, "metadata", "categories_mapping", "Environment"))) != 2 || get(got, "metadata", "categories", "replicated-vm") != nil {
		t.Fatalf("mapping: %s", mustJSON(got["metadata"]))
	}
}

func TestVMUpdateRefusals(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	vm := c.vmByName("app-01")
	id := getString(vm, "metadata", "uuid")
	md := obj(t, vm["metadata"])

	// Unknown category key or value.
	md["categories"] = map[string]any{"replicated-vm": "from-canada"}
	r := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]}), 422)
	if r.reason(t) != reasonCategoryMismatch || !strings.Contains(r.message(t), "replicated-vm:from-canada") {
		t.Fatalf("%s", r.body)
	}
	md["categories"] = map[string]any{"Environment": "Prod"}
	if r := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]}), 422); !strings.Contains(r.message(t), "Environment:Prod") {
		t.Fatalf("%s", r.body)
	}
	md["categories"] = map[string]any{}

	// spec_version is required and must be current.
	delete(md, "spec_version")
	expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]}), 422)
	md["spec_version"] = 0
	first := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]}), 202).json(t)
	stale := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]}), http.StatusConflict)
	if stale.reason(t) != reasonConcurrent || getString(stale.json(t), "kind") != "vm" || getInt(t, stale.json(t), "code") != 409 {
		t.Fatalf("stale: %s", stale.body)
	}
	// The intent is visible at once with the new spec_version; a follow-up based on it is accepted.
	c.waitTask(getString(first, "status", "execution_context", "task_uuid"))
	md["spec_version"] = 1
	expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]}), 202)

	// Bad spec content.
	spec := obj(t, vm["spec"])
	res := obj(t, spec["resources"])
	md["spec_version"] = 2
	res["power_state"] = "SLEEPING"
	expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": spec}), 422)
	res["power_state"] = "ON"
	res["num_sockets"] = 1.5
	expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": spec}), 422)
	res["num_sockets"] = 2
	nic := obj(t, arr(t, res["nic_list"])[0])
	nic["ip_endpoint_list"] = []any{map[string]any{"ip": "192.168.50.11"}}
	if r := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": spec}), 422); !strings.Contains(r.message(t), "db-01") {
		t.Fatalf("duplicate IP: %s", r.body)
	}
	nic["ip_endpoint_list"] = []any{map[string]any{"ip": "10.0.0.1"}}
	expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": spec}), 422)
	nic["ip_endpoint_list"] = []any{map[string]any{"ip": "192.168.50.10"}}
	md["kind"] = "subnet"
	expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": spec}), 422)
	md["kind"] = "vm"
	expect(t, c.v3("PUT", "/vms/"+newUUID(), map[string]any{"metadata": map[string]any{"kind": "vm", "spec_version": 0}, "spec": spec}), 404)
	if r := expect(t, c.v3("PUT", "/vms/"+newUUID(), map[string]any{"metadata": md, "spec": spec}), 422); r.reason(t) != reasonInvalidArgument {
		t.Fatalf("uuid mismatch: %s", r.body)
	}
	expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md}), 422)
	expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": spec}), 202)
}

func TestVMCreateDelete(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	template := c.vmByName("app-01")
	clusterRef := get(template, "spec", "cluster_reference")
	subnetRef := get(template, "spec", "resources", "nic_list", 0, "subnet_reference")
	id := newUUID()
	body := map[string]any{
		"metadata": map[string]any{"kind": "vm", "uuid": id},
		"spec": map[string]any{
			"name":              "web-01",
			"cluster_reference": clusterRef,
			"resources": map[string]any{
				"num_sockets": 1, "num_vcpus_per_socket": 2, "memory_size_mib": 2048, "power_state": "OFF",
				"nic_list": []any{map[string]any{"subnet_reference": subnetRef, "ip_endpoint_list": []any{map[string]any{"ip": "192.168.50.20"}}}},
			},
		},
	}
	r := expect(t, c.v3("POST", "/vms", body), 202).json(t)
	if getString(r, "metadata", "uuid") != id || getString(r, "status", "state") != "PENDING" {
		t.Fatalf("create: %s", mustJSON(r))
	}
	// A retried create with the same uuid is refused.
	dup := expect(t, c.v3("POST", "/vms", body), http.StatusConflict)
	if dup.reason(t) != reasonAlreadyExists {
		t.Fatalf("duplicate: %s", dup.body)
	}
	if task := c.waitTask(getString(r, "status", "execution_context", "task_uuid")); getString(task, "operation_type") != "VmCreate" ||
		getString(task, "status") != TaskSucceeded {
		t.Fatalf("create task %v", task)
	}
	got := expect(t, c.v3("GET", "/vms/"+id, nil), 200).json(t)
	if getString(got, "status", "state") != "COMPLETE" || getString(got, "status", "resources", "power_state") != "OFF" ||
		getString(got, "spec", "resources", "nic_list", 0, "mac_address") == "" {
		t.Fatalf("created: %s", mustJSON(got))
	}
	expect(t, c.v3("POST", "/vms", body), http.StatusConflict)

	// Create without cluster or with the PC as cluster is refused.
	noCluster := map[string]any{"metadata": map[string]any{"kind": "vm"}, "spec": map[string]any{"name": "x", "resources": map[string]any{}}}
	expect(t, c.v3("POST", "/vms", noCluster), 422)
	obj(t, noCluster["spec"])["cluster_reference"] = map[string]any{"kind": "cluster", "uuid": w.PC("canada").UUID()}
	if r := expect(t, c.v3("POST", "/vms", noCluster), 422); !strings.Contains(r.message(t), "Prism Central") {
		t.Fatal(r.message(t))
	}

	del := expect(t, c.v3("DELETE", "/vms/"+id, nil), 202).json(t)
	if getString(del, "status", "state") != "DELETE_PENDING" {
		t.Fatalf("delete: %s", mustJSON(del))
	}
	expect(t, c.v3("DELETE", "/vms/"+id, nil), http.StatusConflict)
	c.waitTask(getString(del, "status", "execution_context", "task_uuid"))
	expect(t, c.v3("GET", "/vms/"+id, nil), http.StatusNotFound)
}

func TestClustersAndSubnets(t *testing.T) {
	w := startWorld(t, nil)
	pc := w.PC("canada")
	c := newClient(t, pc)
	r := expect(t, c.v3("POST", "/clusters/list", map[string]any{"kind": "cluster"}), 200).json(t)
	if getInt(t, r, "metadata", "total_matches") != 2 {
		t.Fatalf("clusters: %s", mustJSON(r))
	}
	services := map[string]string{}
	for _, e := range arr(t, r["entities"]) {
		services[getString(e, "status", "name")] = getString(e, "status", "resources", "config", "service_list", 0)
	}
	if services["canada"] != "PRISM_CENTRAL" || services["CA01"] != "AOS" {
		t.Fatalf("services %v", services)
	}
	pcEntry := expect(t, c.v3("GET", "/clusters/"+pc.UUID(), nil), 200).json(t)
	if getString(pcEntry, "status", "resources", "network", "external_ip") != "192.168.10.10" {
		t.Fatalf("PC entry: %s", mustJSON(pcEntry))
	}
	ca01 := expect(t, c.v3("POST", "/clusters/list", map[string]any{"filter": "name==CA01"}), 200).json(t)
	id := getString(ca01, "entities", 0, "metadata", "uuid")
	expect(t, c.v3("GET", "/clusters/"+id, nil), 200)
	expect(t, c.v3("GET", "/clusters/"+newUUID(), nil), 404)

	subnets := expect(t, c.v3("POST", "/subnets/list", map[string]any{"filter": "vlan_id==51;cluster_name==CA01"}), 200).json(t)
	sub := get(subnets, "entities", 0)
	if getInt(t, subnets, "metadata", "total_matches") != 1 || getString(sub, "spec", "name") != "vlan51-test" ||
		getString(sub, "status", "resources", "subnet_type") != "VLAN" || getString(sub, "status", "cluster_reference", "uuid") != id ||
		getString(sub, "status", "cluster_reference", "name") != "CA01" {
		t.Fatalf("subnet: %s", mustJSON(subnets))
	}
	expect(t, c.v3("GET", "/subnets/"+getString(sub, "metadata", "uuid"), nil), 200)
}

func TestVMUpdateKeepsCluster(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	vm := c.vmByName("dns-01")
	id := getString(vm, "metadata", "uuid")
	cluster := getString(vm, "spec", "cluster_reference", "uuid")
	spec := obj(t, vm["spec"])
	delete(spec, "cluster_reference")
	r := expect(t, c.v3("PUT", "/vms/"+id, map[string]any{"metadata": vm["metadata"], "spec": spec}), 202).json(t)
	c.waitTask(getString(r, "status", "execution_context", "task_uuid"))
	got := expect(t, c.v3("GET", "/vms/"+id, nil), 200).json(t)
	if getString(got, "spec", "cluster_reference", "uuid") != cluster || getString(got, "status", "cluster_reference", "name") != "CA01" {
		t.Fatalf("cluster lost: %s", mustJSON(got))
	}
}
