package apispec

import (
	"errors"
	"strings"
	"testing"
)

// realSpec loads the v3 document the project ships beside the module, or skips.
func realSpec(tb testing.TB) *Spec {
	tb.Helper()
	s, err := LoadDefault()
	if errors.Is(err, ErrSpecNotFound) {
		tb.Skipf("skipping: %v", err)
	}
	if err != nil {
		tb.Fatalf("LoadDefault: %v", err)
	}
	return s
}

func TestRealSpecLoads(t *testing.T) {
	t.Parallel()
	s := realSpec(t)
	if s.BasePath() != "/api/nutanix/v3" {
		t.Errorf("BasePath() = %q", s.BasePath())
	}
	if s.Operations() < 418 {
		t.Errorf("Operations() = %d, want at least one per path (418)", s.Operations())
	}
	for _, n := range s.Notes() {
		t.Logf("note: %s", n)
	}
	again, err := LoadDefault()
	if err != nil || again != s {
		t.Errorf("LoadDefault() did not return the cached spec: %p %p %v", again, s, err)
	}
}

func TestRealSpecRouting(t *testing.T) {
	t.Parallel()
	s := realSpec(t)
	const v3 = "/api/nutanix/v3"
	const id = "0e09cf83-ac68-4f28-af70-6df9a43df4f0"
	for _, tc := range []struct{ method, path, want string }{
		{"POST", v3 + "/recovery_plan_jobs/" + id + "/cleanup", "/recovery_plan_jobs/{uuid}/{action}"},
		{"GET", v3 + "/recovery_plan_jobs/" + id + "/execution_status", "/recovery_plan_jobs/{uuid}/{status}"},
		{"POST", v3 + "/clusters/list", "/clusters/list"},
		{"PUT", v3 + "/clusters/multicluster_config/" + id, "/clusters/multicluster_config/{uuid}"},
		{"PUT", v3 + "/categories/Environment/Production", "/categories/{name}/{value}"},
		{"POST", v3 + "/categories/Environment/list", "/categories/{name}/list"},
		{"POST", v3 + "/category/query", "/category/query"},
		{"POST", v3 + "/tasks/poll", "/tasks/poll"},
		{"GET", v3 + "/versions", "/versions"},
	} {
		if got, ok := s.Match(tc.method, tc.path); !ok || got != tc.want {
			t.Errorf("Match(%s, %s) = %q, %v; want %q", tc.method, tc.path, got, ok, tc.want)
		}
	}
	for _, tc := range []struct{ method, path string }{
		{"POST", v3 + "/categories"},
		{"PATCH", v3 + "/vms/" + id},
		{"GET", v3 + "/_prismsim/state"},
		{"GET", "/_prismsim/state"},
	} {
		if s.HasOperation(tc.method, tc.path) {
			t.Errorf("HasOperation(%s, %s) = true", tc.method, tc.path)
		}
	}
}

func TestRealSpecBodies(t *testing.T) {
	t.Parallel()
	s := realSpec(t)
	const v3 = "/api/nutanix/v3"
	const id = "0e09cf83-ac68-4f28-af70-6df9a43df4f0"
	type check struct {
		name   string
		method string
		path   string
		status int // 0 validates the request.
		body   string
		want   []string
	}
	for _, tc := range []check{
		{"category key request", "PUT", v3 + "/categories/replicated-vm", 0, `{"name":"replicated-vm","description":"VMs replicated to France"}`, nil},
		{"category key without name", "PUT", v3 + "/categories/replicated-vm", 0, `{"description":"x"}`, []string{`(root): missing required property "name"`}},
		{"category name pattern", "PUT", v3 + "/categories/bad!name", 0, `{"name":"bad!name"}`, []string{`{name}: path parameter: "bad!name" does not match pattern ^[a-zA-Z0-9_.-]+( [a-zA-Z0-9_.-]+)*$`}},
		{"category key created", "PUT", v3 + "/categories/replicated-vm", 201, `{"api_version":"3.1.0","name":"replicated-vm","system_defined":false}`, nil},
		{"category delete with no body", "DELETE", v3 + "/categories/replicated-vm", 200, ``, nil},
		{"category delete 204 is not the contract", "DELETE", v3 + "/categories/replicated-vm", 204, ``, []string{
			`(root): status 204 is not declared (the spec declares 200)`,
			`(root): empty body; the spec gives a schema (#/definitions/category_status) for status 204 (default)`,
		}},
		{"error body", "GET", v3 + "/categories/nope", 404, `{"api_version":"3.1","kind":"category","code":404,"state":"ERROR",
			"message_list":[{"message":"category nope not found","reason":"ENTITY_NOT_FOUND","details":{"name":"nope"}}]}`, nil},
		{"error body with wrong kind and unknown reason", "GET", v3 + "/vms/" + id, 404, `{"api_version":"3.1","kind":"category","code":404,"state":"ERROR",
			"message_list":[{"message":"gone","reason":"NOT_FOUND"}]}`, []string{
			`/kind: "category" is not one of ["vm"]`,
			`/message_list/0/reason: "NOT_FOUND" is not one of ["ACCESS_DENIED", "ACCESS_FORBIDDEN", "ACTION_NOT_SUPPORTED", "AFFINITY_FAILURE", "AUTHENTICATION_REQUIRED", "BEARER_TOKEN_EXPIRED", "BEARER_TOKEN_BAD_SIGNATURE", "CANNOT_MODIFY_PRE_CONFIGURED_REPORT", "CATEGORY_NAME_VALUE_MISMATCH", "CLUSTER_CAPABILITY_ERROR", "CONFIGURATION_INCOMPLETE", "CONCURRENT_REQUESTS_NOT_ALLOWED", ... (81 values)]`,
		}},
		{"task", "GET", v3 + "/tasks/" + id, 200, `{"uuid":"` + id + `","status":"SUCCEEDED","percentage_complete":100,
			"entity_reference_list":[{"kind":"vm","uuid":"` + id + `"}],"creation_time_usecs":1732280000000000}`, nil},
		{"task with wrong types", "GET", v3 + "/tasks/" + id, 200, `{"uuid":"not-a-uuid","status":"DONE","percentage_complete":99.5}`, []string{
			`/percentage_complete: expected integer, got number`,
			`/status: "DONE" is not one of ["QUEUED", "RUNNING", "SUCCEEDED", "ABORTED", "SUSPENDED", "FAILED"]`,
			`/uuid: "not-a-uuid" does not match pattern ^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$`,
		}},
		{"vm update with a numeric IP", "PUT", v3 + "/vms/" + id, 0, `{"metadata":{"kind":"vm","spec_version":3,"categories":{"Environment":"Production"}},
			"spec":{"name":"app-01","resources":{"nic_list":[{"ip_endpoint_list":[{"ip":3232248330}]}]}}}`,
			[]string{`/spec/resources/nic_list/0/ip_endpoint_list/0/ip: expected string, got integer`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tc.status == 0 {
				err = s.ValidateRequest(tc.method, tc.path, []byte(tc.body))
			} else {
				err = s.ValidateResponse(tc.method, tc.path, tc.status, []byte(tc.body))
			}
			got := validationProblems(t, err)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n got: %q\nwant: %q", got, tc.want)
			}
		})
	}
}

func BenchmarkRealSpecValidateVMList(b *testing.B) {
	s := realSpec(b)
	body := []byte(`{"api_version":"3.1","metadata":{"kind":"vm","total_matches":1,"length":1,"offset":0},"entities":[
		{"metadata":{"kind":"vm","uuid":"0e09cf83-ac68-4f28-af70-6df9a43df4f0","spec_version":1,"categories":{"Environment":"Production"}},
		 "spec":{"name":"app-01","resources":{"num_sockets":1,"memory_size_mib":2048,"power_state":"ON",
		   "nic_list":[{"subnet_reference":{"kind":"subnet","uuid":"0e09cf83-ac68-4f28-af70-6df9a43df4f1"},"ip_endpoint_list":[{"ip":"192.168.50.10"}]}]}},
		 "status":{"name":"app-01","state":"COMPLETE","resources":{"power_state":"ON"}}}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.ValidateResponse("POST", "/api/nutanix/v3/vms/list", 200, body); err != nil {
			b.Fatal(err)
		}
	}
}
