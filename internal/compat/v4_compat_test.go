package compat_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"

	v3 "github.com/nutanix-cloud-native/prism-go-client/v3"
	dpapi "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/api"
	dpclient "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/client"
	dpcfg "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/models/datapolicies/v4/config"
	dpcommon "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/models/dataprotection/v4/common"
	dpprism "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/models/prism/v4/config"
	dprapi "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/api"
	dprclient "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/client"
	dprcfg "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/dataprotection/v4/config"
	dprops "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/dataprotection/v4/operations"
	dprprism "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/prism/v4/config"
	prismapi "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/api"
	prismclient "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/client"
	prismcfg "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/config"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// The v4 compatibility suite: Nutanix's v4 Go SDKs (the modules pinned in go.mod) drive an
// in-process prismsim; every answer must decode in the SDK's models, and every effect is
// checked through the v3 side (our client). The SDKs take no CA bundle, so they run with
// VerifySSL false against the emulator's self-signed certificate (127.0.0.1 only).

// dataAs returns an SDK answer's data as a T, or fails the test.
func dataAs[T any](t *testing.T, data any) T {
	t.Helper()
	v, ok := data.(T)
	if !ok {
		t.Fatalf("answer data is %T, want %T", data, v)
	}
	return v
}

// sdkTarget is how an SDK ApiClient reaches a PC.
type sdkTarget struct {
	host       string
	port       int
	user, pass string
}

func targetOf(t *testing.T, pc *prismsim.PC) sdkTarget {
	t.Helper()
	u, err := url.Parse(pc.URL())
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	return sdkTarget{host: u.Hostname(), port: port, user: pc.Username(), pass: pc.Password()}
}

func prismClient(t *testing.T, pc *prismsim.PC) *prismclient.ApiClient {
	tg := targetOf(t, pc)
	ac := prismclient.NewApiClient()
	ac.Host, ac.Port, ac.Username, ac.Password = tg.host, tg.port, tg.user, tg.pass
	ac.VerifySSL = false
	ac.MaxRetryAttempts = 0
	return ac
}

// sdkStatus returns the HTTP status of an SDK error (0 when it is not an HTTP answer) and
// its body.
func sdkStatus(err error) (int, []byte) {
	var ge prismclient.GenericOpenAPIError
	if errors.As(err, &ge) {
		n, _ := strconv.Atoi(strings.Fields(ge.Status)[0])
		return n, ge.Body
	}
	// The other modules' GenericOpenAPIError types have the same fields.
	data, _ := json.Marshal(err)
	var g struct {
		Body   []byte
		Status string
	}
	if json.Unmarshal(data, &g) == nil && g.Status != "" {
		n, _ := strconv.Atoi(strings.Fields(g.Status)[0])
		return n, g.Body
	}
	return 0, nil
}

// wantStatus fails unless err is an HTTP answer with status whose body decodes as the
// response type resp (an SDK *ApiResponse holding an ErrorResponse).
func wantStatus(t *testing.T, what string, err error, status int, resp any) {
	t.Helper()
	got, body := sdkStatus(err)
	if got != status {
		t.Fatalf("%s: err = %v (status %d), want status %d", what, err, got, status)
	}
	if resp != nil {
		if err := json.Unmarshal(body, resp); err != nil {
			t.Fatalf("%s: the error body does not decode in the SDK: %v\n%s", what, err, body)
		}
	}
}

func TestV4CompatCategories(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	ctx := t.Context()
	ac := prismClient(t, e.ca.pc)
	api := prismapi.NewCategoriesApi(ac)

	// Created through v4, seen through v3.
	created, err := api.CreateCategory(&prismcfg.Category{Key: ptr("V4Tier"), Value: ptr("gold"), Description: ptr("through v4")})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	cat, ok := created.GetData().(prismcfg.Category)
	if !ok || cat.ExtId == nil || *cat.Key != "V4Tier" {
		t.Fatalf("create answered %T %+v", created.GetData(), cat)
	}
	if v, err := e.ca.our.GetCategoryValue(ctx, "V4Tier", "gold"); err != nil || v.Description != "through v4" {
		t.Fatalf("v3 sees %+v, %v", v, err)
	}
	// Created through v3, seen through v4 with a filter.
	if _, err := e.ca.our.CreateCategoryValue(ctx, client.CategoryValue{Key: "V4Tier", Value: "silver"}); err != nil {
		t.Fatal(err)
	}
	list, err := api.ListCategories(nil, nil, ptr("key eq 'V4Tier' and value eq 'silver'"), nil, nil, nil)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	items, ok := list.GetData().([]prismcfg.Category)
	if !ok || len(items) != 1 || *items[0].Value != "silver" {
		t.Fatalf("filtered list: %T %+v", list.GetData(), items)
	}
	// Pages: two values of V4Tier, one per page, sorted by value descending.
	for page, want := range []string{"silver", "gold"} {
		list, err := api.ListCategories(ptr(page), ptr(1), ptr("startswith(key, 'V4T')"), ptr("value desc"), nil, nil)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		items, _ := list.GetData().([]prismcfg.Category)
		if len(items) != 1 || *items[0].Value != want || *list.Metadata.TotalAvailableResults != 2 {
			t.Fatalf("page %d: %+v (total %v), want %s", page, items, list.Metadata.TotalAvailableResults, want)
		}
	}
	// A page past the end has no data and decodes.
	if list, err := api.ListCategories(ptr(5), ptr(1), ptr("key eq 'V4Tier'"), nil, nil, nil); err != nil || list.GetData() != nil {
		t.Fatalf("past the end: %v %v", list.GetData(), err)
	}
	// A bad filter is a 400 ErrorResponse.
	_, err = api.ListCategories(nil, nil, ptr("nosuch eq 'x'"), nil, nil, nil)
	wantStatus(t, "bad filter", err, 400, &prismcfg.ListCategoriesApiResponse{})

	// Update with the ETag read; a stale ETag is refused with 412.
	got, err := api.GetCategoryById(cat.ExtId, nil)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	read := dataAs[prismcfg.Category](t, got.GetData())
	staleTag := ac.GetEtag(read)
	if staleTag == "" {
		t.Fatal("no ETag in the read")
	}
	read.Description = ptr("changed through v4")
	if _, err := api.UpdateCategoryById(cat.ExtId, &read); err != nil {
		t.Fatalf("update: %v", err)
	}
	if v, _ := e.ca.our.GetCategoryValue(ctx, "V4Tier", "gold"); v.Description != "changed through v4" {
		t.Fatalf("v3 sees description %q after the v4 update", v.Description)
	}
	read.Description = ptr("stale")
	_, err = api.UpdateCategoryById(cat.ExtId, &read)
	wantStatus(t, "stale update", err, 412, &prismcfg.UpdateCategoryApiResponse{})
	_, err = api.DeleteCategoryById(cat.ExtId, map[string]any{"If-Match": &staleTag})
	wantStatus(t, "stale delete", err, 412, nil)
	_, err = api.DeleteCategoryById(cat.ExtId)
	wantStatus(t, "delete without If-Match", err, 428, nil)

	got, err = api.GetCategoryById(cat.ExtId, nil)
	if err != nil {
		t.Fatal(err)
	}
	tag := ac.GetEtag(got.GetData())
	if _, err := api.DeleteCategoryById(cat.ExtId, map[string]any{"If-Match": &tag}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := e.ca.our.GetCategoryValue(ctx, "V4Tier", "gold"); err == nil {
		t.Fatal("v3 still sees the value deleted through v4")
	}
	_, err = api.GetCategoryById(cat.ExtId, nil)
	wantStatus(t, "get after delete", err, 404, &prismcfg.GetCategoryApiResponse{})
}

func TestV4CompatTasks(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	id := e.createSDKRule(t, "v4-task-rule")
	api := prismapi.NewTasksApi(prismClient(t, e.ca.pc))

	list, err := api.ListTasks(nil, ptr(100), ptr("status eq 'SUCCEEDED'"), ptr("createdTime desc"), nil)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	tasks, ok := list.GetData().([]prismcfg.Task)
	if !ok || len(tasks) == 0 {
		t.Fatalf("list: %T %v", list.GetData(), list.GetData())
	}
	var ruleTask *prismcfg.Task
	for i, tk := range tasks {
		for _, ent := range tk.EntitiesAffected {
			if ent.ExtId != nil && *ent.ExtId == id {
				ruleTask = &tasks[i]
			}
		}
	}
	if ruleTask == nil {
		t.Fatalf("no task affects the rule %s", id)
	}
	got, err := api.GetTaskById(ruleTask.ExtId, nil)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	tk, ok := got.GetData().(prismcfg.Task)
	if !ok || tk.Status == nil || tk.Status.GetName() != "SUCCEEDED" || tk.CompletedTime == nil || tk.CreatedTime == nil {
		t.Fatalf("task: %+v", tk)
	}
	_, err = api.GetTaskById(ptr("no-such-task"), nil)
	wantStatus(t, "unknown task", err, 404, &prismcfg.GetTaskApiResponse{})
}

func dpClient(t *testing.T, pc *prismsim.PC) *dpclient.ApiClient {
	tg := targetOf(t, pc)
	ac := dpclient.NewApiClient()
	ac.Host, ac.Port, ac.Username, ac.Password = tg.host, tg.port, tg.user, tg.pass
	ac.VerifySSL = false
	ac.MaxRetryAttempts = 0
	return ac
}

// waitV4Task waits for a v4 task through our client (v4 task extIds are the model's task
// uuids, which v3 serves too), then reads it through the prism SDK, which must decode it.
func waitV4Task(t *testing.T, s site, data any) {
	t.Helper()
	ref, ok := data.(dpprism.TaskReference)
	if !ok || ref.ExtId == nil {
		t.Fatalf("answer data is %T %+v, want a TaskReference", data, data)
	}
	if got, err := s.our.WaitForTask(t.Context(), *ref.ExtId, "waiting for "+*ref.ExtId, nil); err != nil || got.Status != "SUCCEEDED" {
		t.Fatalf("task %s: %+v %v", *ref.ExtId, got, err)
	}
	tk, err := prismapi.NewTasksApi(prismClient(t, s.pc)).GetTaskById(ref.ExtId, nil)
	if err != nil {
		t.Fatalf("task %s through the SDK: %v", *ref.ExtId, err)
	}
	if task, ok := tk.GetData().(prismcfg.Task); !ok || task.Status.GetName() != "SUCCEEDED" {
		t.Fatalf("task %s through the SDK: %+v", *ref.ExtId, tk.GetData())
	}
}

// deleteWithETag reads an entity through a datapolicies SDK, deletes it with the ETag read
// as If-Match, and waits for the delete's task.
func deleteWithETag[R, D interface{ GetData() interface{} }](t *testing.T, s site, ac interface{ GetEtag(any) string }, what string,
	read func() (R, error), del func(args map[string]any) (D, error)) {
	t.Helper()
	got, err := read()
	if err != nil {
		t.Fatalf("reading %s: %v", what, err)
	}
	tag := ac.GetEtag(got.GetData())
	resp, err := del(map[string]any{"If-Match": &tag})
	if err != nil {
		t.Fatalf("deleting %s: %v", what, err)
	}
	waitV4Task(t, s, resp.GetData())
}

// sdkPolicy is a policy from canada's cluster to france's, protecting category ids.
func (e *env) sdkPolicy(t *testing.T, name string, categoryIDs ...string) *dpcfg.ProtectionPolicy {
	t.Helper()
	loc := func(label string, pc *prismsim.PC, cluster string, primary bool) dpcfg.ReplicationLocation {
		l := dpcfg.NewReplicationLocation()
		l.Label, l.DomainManagerExtId, l.IsPrimary = ptr(label), ptr(pc.UUID()), ptr(primary)
		nc := dpcfg.NewNutanixCluster()
		nc.ClusterExtIds = []string{cluster}
		if err := l.SetReplicationSubLocation(*nc); err != nil {
			t.Fatal(err)
		}
		return *l
	}
	conf := func(src, dst string) dpcfg.ReplicationConfiguration {
		s := dpcfg.NewSchedule()
		s.RecoveryPointObjectiveTimeSeconds = ptr(3600)
		s.RecoveryPointType = dpcommon.RECOVERYPOINTTYPE_CRASH_CONSISTENT.Ref()
		r := dpcfg.NewLinearRetention()
		r.Local, r.Remote = ptr(2), ptr(3)
		if err := s.SetRetention(*r); err != nil {
			t.Fatal(err)
		}
		c := dpcfg.NewReplicationConfiguration()
		c.SourceLocationLabel, c.RemoteLocationLabel, c.Schedule = ptr(src), ptr(dst), s
		return *c
	}
	p := dpcfg.NewProtectionPolicy()
	p.Name, p.Description = ptr(name), ptr("through v4")
	p.CategoryIds = categoryIDs
	p.ReplicationLocations = []dpcfg.ReplicationLocation{loc("canada-site", e.ca.pc, e.ca01, true), loc("france-site", e.fr.pc, e.fr01, false)}
	p.ReplicationConfigurations = []dpcfg.ReplicationConfiguration{conf("canada-site", "france-site"), conf("france-site", "canada-site")}
	return p
}

// replicatedCategoryID finds the v4 extId of replicated-vm:from-canada (withCategory) on pc
// through the prism SDK.
func replicatedCategoryID(t *testing.T, pc *prismsim.PC) string {
	t.Helper()
	list, err := prismapi.NewCategoriesApi(prismClient(t, pc)).ListCategories(nil, nil,
		ptr("key eq 'replicated-vm' and value eq 'from-canada'"), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := list.GetData().([]prismcfg.Category)
	if len(items) != 1 {
		t.Fatalf("category replicated-vm:from-canada: %+v", items)
	}
	return *items[0].ExtId
}

func TestV4CompatProtectionPolicies(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	ctx := t.Context()
	ac := dpClient(t, e.ca.pc)
	api := dpapi.NewProtectionPoliciesApi(ac)
	catID := replicatedCategoryID(t, e.ca.pc)

	// Created through v4, seen through v3.
	created, err := api.CreateProtectionPolicy(e.sdkPolicy(t, "v4-policy", catID))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	waitV4Task(t, e.ca, created.GetData())
	list, err := api.ListProtectionPolicies(nil, nil, ptr("name eq 'v4-policy'"), nil, nil)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	items, ok := list.GetData().([]dpcfg.ProtectionPolicy)
	if !ok || len(items) != 1 {
		t.Fatalf("list: %T %+v", list.GetData(), list.GetData())
	}
	id := *items[0].ExtId
	rule, err := e.ca.our.GetProtectionPolicy(ctx, id)
	if err != nil {
		t.Fatalf("v3 read of the v4 policy: %v", err)
	}
	if rule.Name != "v4-policy" || len(rule.Locations) != 2 || rule.Locations[1].AvailabilityZoneUUID != e.caFR ||
		len(rule.Connectivity) != 2 || rule.CategoryFilter.Params["replicated-vm"][0] != "from-canada" {
		t.Fatalf("v3 sees %+v", rule)
	}

	// Created through v3, read through v4: labels are the PCs' names.
	v3id := e.createSDKRule(t, "v3-rule")
	got, err := api.GetProtectionPolicyById(&v3id)
	if err != nil {
		t.Fatalf("v4 read of a v3 rule: %v", err)
	}
	v3p := dataAs[dpcfg.ProtectionPolicy](t, got.GetData())
	if *v3p.Name != "v3-rule" || len(v3p.ReplicationLocations) != 2 || *v3p.ReplicationLocations[1].DomainManagerExtId != e.fr.pc.UUID() ||
		len(v3p.CategoryIds) != 1 || v3p.CategoryIds[0] != catID || len(v3p.ReplicationConfigurations) != 2 {
		t.Fatalf("v4 sees %+v", v3p)
	}
	if lr, ok := v3p.ReplicationConfigurations[0].Schedule.GetRetention().(dpcfg.LinearRetention); !ok || *lr.Local != 2 {
		t.Fatalf("retention: %+v", v3p.ReplicationConfigurations[0].Schedule.GetRetention())
	}
	// Pages of one, by name.
	for page, want := range []string{"v3-rule", "v4-policy"} {
		list, err := api.ListProtectionPolicies(ptr(page), ptr(1), nil, ptr("name asc"), nil)
		if err != nil {
			t.Fatal(err)
		}
		items, _ := list.GetData().([]dpcfg.ProtectionPolicy)
		if len(items) != 1 || *items[0].Name != want || *list.Metadata.TotalAvailableResults != 2 {
			t.Fatalf("page %d: %+v", page, items)
		}
	}

	// Update with the ETag read; the stale ETag is refused.
	got, err = api.GetProtectionPolicyById(&id)
	if err != nil {
		t.Fatal(err)
	}
	p := dataAs[dpcfg.ProtectionPolicy](t, got.GetData())
	stale := ac.GetEtag(p)
	p.Description = ptr("changed through v4")
	upd, err := api.UpdateProtectionPolicyById(&id, &p)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	waitV4Task(t, e.ca, upd.GetData())
	if rule, _ := e.ca.our.GetProtectionPolicy(ctx, id); rule.Description != "changed through v4" {
		t.Fatalf("v3 sees description %q", rule.Description)
	}
	if stale == "" || ac.GetEtag(p) != stale {
		t.Fatalf("ETag of the read %q, of the object sent again %q", stale, ac.GetEtag(p))
	}
	_, err = api.UpdateProtectionPolicyById(&id, &p) // p still carries the ETag read before the update
	wantStatus(t, "stale update", err, 412, &dpcfg.UpdateProtectionPolicyApiResponse{})
	// A bad body names the field.
	bad := e.sdkPolicy(t, "bad", "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b")
	_, err = api.CreateProtectionPolicy(bad)
	wantStatus(t, "unknown category", err, 400, &dpcfg.CreateProtectionPolicyApiResponse{})

	// Delete with the ETag; v3 no longer sees it.
	deleteWithETag(t, e.ca, ac, "the policy", func() (*dpcfg.GetProtectionPolicyApiResponse, error) { return api.GetProtectionPolicyById(&id) },
		func(args map[string]any) (*dpcfg.DeleteProtectionPolicyApiResponse, error) {
			return api.DeleteProtectionPolicyById(&id, args)
		})
	if _, err := e.ca.our.GetProtectionPolicy(ctx, id); err == nil {
		t.Fatal("v3 still sees the policy deleted through v4")
	}
	_, err = api.GetProtectionPolicyById(&id)
	wantStatus(t, "get after delete", err, 404, &dpcfg.GetProtectionPolicyApiResponse{})
}

func dprClient(t *testing.T, pc *prismsim.PC) *dprclient.ApiClient {
	tg := targetOf(t, pc)
	ac := dprclient.NewApiClient()
	ac.Host, ac.Port, ac.Username, ac.Password = tg.host, tg.port, tg.user, tg.pass
	ac.VerifySSL = false
	ac.MaxRetryAttempts = 0
	return ac
}

// runV4Action waits for the task of a recovery plan action, finds the job it started
// (in the task's entitiesAffected) and waits for the job through our client.
func runV4Action(t *testing.T, s site, data any) string {
	t.Helper()
	job, err := startV4Action(t, s, data)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// startV4Action is runV4Action that answers the job's error instead of failing.
func startV4Action(t *testing.T, s site, data any) (string, error) {
	t.Helper()
	ref, ok := data.(dprprism.TaskReference)
	if !ok || ref.ExtId == nil {
		t.Fatalf("action answered %T %+v, want a TaskReference", data, data)
	}
	if _, err := s.our.WaitForTask(t.Context(), *ref.ExtId, "action", nil); err != nil {
		t.Fatal(err)
	}
	tk, err := prismapi.NewTasksApi(prismClient(t, s.pc)).GetTaskById(ref.ExtId, nil)
	if err != nil {
		t.Fatal(err)
	}
	job := ""
	for _, ent := range dataAs[prismcfg.Task](t, tk.GetData()).EntitiesAffected {
		if *ent.Rel == "dataprotection:config:recovery-plan-job" {
			job = *ent.ExtId
		}
	}
	if job == "" {
		t.Fatalf("no job in the action's task: %+v", tk.GetData())
	}
	_, err = s.our.WaitForRecoveryPlanJob(t.Context(), job, nil)
	return job, err
}

func TestV4CompatRecoveryPlansAndActions(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	e.createSDKRule(t, "compat-rule")
	e.w.Clock().Advance(2 * time.Hour) // recovery points reach france
	plan := e.createSDKPlan(t, "v4-actions-plan")
	ctx := t.Context()

	// The v3 plan, synced to france, read through v4 there.
	plans := dpapi.NewRecoveryPlansApi(dpClient(t, e.fr.pc))
	got, err := plans.GetRecoveryPlanById(&plan)
	if err != nil {
		t.Fatalf("get plan: %v", err)
	}
	rp := dataAs[dpcfg.RecoveryPlan](t, got.GetData())
	if *rp.Name != "v4-actions-plan" || *rp.PrimaryLocation.DomainManagerExtId != e.ca.pc.UUID() || *rp.RecoveryLocation.DomainManagerExtId != e.fr.pc.UUID() {
		t.Fatalf("plan through v4: %+v", rp)
	}
	if list, err := plans.ListRecoveryPlans(nil, nil, ptr("name eq 'v4-actions-plan'"), nil, nil); err != nil || len(dataAs[[]dpcfg.RecoveryPlan](t, list.GetData())) != 1 {
		t.Fatalf("list plans: %+v %v", list, err)
	}
	stages, err := plans.ListRecoveryStages(&plan, nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatalf("stages: %v", err)
	}
	st := dataAs[[]dpcfg.RecoveryStage](t, stages.GetData())
	if len(st) != 1 || len(st[0].CategoryExtIds) != 1 || st[0].CategoryExtIds[0] != replicatedCategoryID(t, e.fr.pc) {
		t.Fatalf("stages: %+v", st)
	}
	if _, err := plans.GetRecoveryStageById(&plan, st[0].ExtId); err != nil {
		t.Fatalf("stage: %v", err)
	}

	maps, err := plans.ListNetworkMappings(&plan, nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatalf("network mappings: %v", err)
	}
	nm := dataAs[[]dpcfg.NetworkMapping](t, maps.GetData())
	if len(nm) != 1 || *nm[0].PrimaryNetwork.SubnetName != "vlan50-prod" || *nm[0].RecoveryTestNetwork.SubnetName != "vlan51-test" ||
		*nm[0].PrimaryNetwork.IpConfig.Ipv4.DefaultGatewayIp != "192.168.50.1" || *nm[0].RecoveryTestNetwork.IpConfig.Ipv4.PrefixLength != 25 {
		t.Fatalf("network mappings: %+v", nm)
	}
	if _, err := plans.GetNetworkMappingById(&plan, nm[0].ExtId); err != nil {
		t.Fatalf("network mapping: %v", err)
	}

	actions := dprapi.NewRecoveryPlanActionsApi(dprClient(t, e.fr.pc))
	jobs := dprapi.NewRecoveryPlanJobsApi(dprClient(t, e.fr.pc))
	direction := func() []dprcfg.FailoverDirection {
		d := dprcfg.NewFailoverDirection()
		d.SourceDomainManagerExtId, d.TargetDomainManagerExtId = ptr(e.ca.pc.UUID()), ptr(e.fr.pc.UUID())
		return []dprcfg.FailoverDirection{*d}
	}

	// Validate.
	v := dprops.NewBaseRecoveryPlanActionSpec()
	v.Name, v.FailoverDirections = ptr("v4-validate"), direction()
	resp, err := actions.ValidateRecoveryPlan(&plan, v)
	if err != nil {
		t.Fatalf("validate: %v", err)
	}
	validate := runV4Action(t, e.fr, resp.GetData())

	// Test failover, its job and steps through v4, then its clean-up.
	tf := dprops.NewTestFailoverSpec()
	tf.Name, tf.FailoverDirections = ptr("v4-test"), direction()
	tresp, err := actions.TestFailoverRecoveryPlan(&plan, tf)
	if err != nil {
		t.Fatalf("test failover: %v", err)
	}
	test := runV4Action(t, e.fr, tresp.GetData())
	job, err := jobs.GetRecoveryPlanJobById(&test)
	if err != nil {
		t.Fatalf("get job: %v", err)
	}
	j := dataAs[dprcfg.RecoveryPlanJob](t, job.GetData())
	if j.ActionType.GetName() != "TEST_FAILOVER" || !strings.HasPrefix(j.Status.GetName(), "SUCCEEDED") || *j.RecoveryPlanExtId != plan {
		t.Fatalf("job: %+v (status %s)", j, j.Status.GetName())
	}
	list, err := jobs.ListRecoveryPlanJobs(nil, nil, ptr("recoveryPlanExtId eq '"+plan+"' and actionType eq 'VALIDATE'"), nil, nil)
	if err != nil {
		t.Fatalf("list jobs: %v", err)
	}
	if items := dataAs[[]dprcfg.RecoveryPlanJob](t, list.GetData()); len(items) != 1 || *items[0].ExtId != validate {
		t.Fatalf("validate jobs: %+v", items)
	}
	steps, err := jobs.ListExecutionStepsByRecoveryPlanJobId(&test, nil, nil, nil, nil)
	if err != nil {
		t.Fatalf("steps: %v", err)
	}
	if items, _ := steps.GetData().([]dprcfg.RecoveryPlanJobExecutionStep); len(items) == 0 || items[0].Phase == nil {
		t.Fatalf("steps: %+v", steps.GetData())
	}
	if _, err := jobs.ListValidationErrorsByRecoveryPlanJobId(&test, nil, nil, nil, nil); err != nil {
		t.Fatalf("validation errors: %v", err)
	}
	// The validate job deleted with its ETag.
	vjob, err := jobs.GetRecoveryPlanJobById(&validate)
	if err != nil {
		t.Fatal(err)
	}
	vtag := dprClient(t, e.fr.pc).GetEtag(vjob.GetData())
	dresp, err := jobs.DeleteRecoveryPlanJobById(&validate, map[string]any{"If-Match": &vtag})
	if err != nil {
		t.Fatalf("delete job: %v", err)
	}
	if ref, ok := dresp.GetData().(dprprism.TaskReference); !ok {
		t.Fatalf("delete job answered %T", dresp.GetData())
	} else if _, err := e.fr.our.WaitForTask(ctx, *ref.ExtId, "delete job", nil); err != nil {
		t.Fatal(err)
	}
	_, err = jobs.GetRecoveryPlanJobById(&validate)
	wantStatus(t, "deleted job", err, 404, &dprcfg.GetRecoveryPlanJobApiResponse{})

	clean, err := actions.CleanupRecoveryPlanResources(&plan)
	if err != nil {
		t.Fatalf("clean-up: %v", err)
	}
	ref := dataAs[dprprism.TaskReference](t, clean.GetData())
	if _, err := e.fr.our.WaitForTask(ctx, *ref.ExtId, "clean-up", nil); err != nil {
		t.Fatal(err)
	}
	vms, err := e.fr.our.ListVMs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, vm := range vms {
		if strings.HasSuffix(vm.Name, "-test") {
			t.Fatalf("after the clean-up, france still runs %s", vm.Name)
		}
	}

	// A planned failover moves the VMs to france, seen through v3.
	pf := dprops.NewPlannedFailoverSpec()
	pf.Name, pf.FailoverDirections = ptr("v4-migrate"), direction()
	presp, err := actions.PlannedFailoverRecoveryPlan(&plan, pf)
	if err != nil {
		t.Fatalf("planned failover: %v", err)
	}
	runV4Action(t, e.fr, presp.GetData())
	vms, err = e.fr.our.ListVMs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, vm := range vms {
		found = found || vm.Name == "app-01"
	}
	if !found {
		t.Fatal("after the planned failover, app-01 is not on france")
	}
	// An action without a direction names the field.
	bad := dprops.NewBaseRecoveryPlanActionSpec()
	bad.Name = ptr("no-direction")
	_, err = actions.ValidateRecoveryPlan(&plan, bad)
	wantStatus(t, "no direction", err, 400, &dprops.ValidateRecoveryPlanApiResponse{})
}

func TestV4CompatRecoveryPlanLifeCycle(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	ctx := t.Context()
	ac := dpClient(t, e.ca.pc)
	plans := dpapi.NewRecoveryPlansApi(ac)
	catID := replicatedCategoryID(t, e.ca.pc)

	// A plan created through v4 is a v3 plan with its two availability zones.
	loc := func(pc *prismsim.PC) *dpcfg.DisasterRecoveryLocation {
		l := dpcfg.NewDisasterRecoveryLocation()
		l.DomainManagerExtId = ptr(pc.UUID())
		return l
	}
	p := dpcfg.NewRecoveryPlan()
	p.Name, p.Description = ptr("v4-plan"), ptr("through v4")
	p.PrimaryLocation, p.RecoveryLocation = loc(e.ca.pc), loc(e.fr.pc)
	created, err := plans.CreateRecoveryPlan(p)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	waitV4Task(t, e.ca, created.GetData())
	list, err := plans.ListRecoveryPlans(nil, nil, ptr("name eq 'v4-plan'"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := *dataAs[[]dpcfg.RecoveryPlan](t, list.GetData())[0].ExtId
	v3plan, err := e.ca.our.GetRecoveryPlan(ctx, id)
	if err != nil || len(v3plan.AvailabilityZones) != 2 || v3plan.Description != "through v4" {
		t.Fatalf("v3 sees %+v, %v", v3plan, err)
	}

	// A stage by category, then its delay changed, seen through v3.
	st := dpcfg.NewRecoveryStage()
	st.EntityType = dpcfg.RECOVERABLEENTITYTYPE_VM.Ref()
	st.CategoryExtIds = []string{catID}
	sresp, err := plans.CreateRecoveryStage(&id, st)
	if err != nil {
		t.Fatalf("create stage: %v", err)
	}
	waitV4Task(t, e.ca, sresp.GetData())
	stages, err := plans.ListRecoveryStages(&id, nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sid := *dataAs[[]dpcfg.RecoveryStage](t, stages.GetData())[0].ExtId
	sgot, err := plans.GetRecoveryStageById(&id, &sid)
	if err != nil {
		t.Fatal(err)
	}
	stage := dataAs[dpcfg.RecoveryStage](t, sgot.GetData())
	delay := dpcfg.NewDelayAction()
	delay.DelaySecs = ptr(30)
	action := dpcfg.NewStageAction()
	if err := action.SetConfig(*delay); err != nil {
		t.Fatal(err)
	}
	stage.PostActions = []dpcfg.StageAction{*action}
	uresp, err := plans.UpdateRecoveryStageById(&id, &sid, &stage)
	if err != nil {
		t.Fatalf("update stage: %v", err)
	}
	waitV4Task(t, e.ca, uresp.GetData())
	v3plan, err = e.ca.our.GetRecoveryPlan(ctx, id)
	if err != nil || len(v3plan.Stages) != 1 || v3plan.Stages[0].UUID != sid || v3plan.Stages[0].DelaySecs == nil || *v3plan.Stages[0].DelaySecs != 30 ||
		v3plan.Stages[0].Entities[0].Categories["replicated-vm"] != "from-canada" {
		t.Fatalf("v3 sees stages %+v, %v", v3plan.Stages, err)
	}
	_, err = plans.UpdateRecoveryStageById(&id, &sid, &stage) // the ETag read before the update
	wantStatus(t, "stale stage update", err, 412, &dpcfg.UpdateRecoveryStageApiResponse{})

	// A network mapping between the two sites' production and test networks, then changed
	// with its ETag, seen through v3.
	network := func(name, gateway string, prefix int) *dpcfg.NetworkConfig {
		ipv4 := dpcfg.NewIPv4Config()
		ipv4.DefaultGatewayIp, ipv4.PrefixLength = ptr(gateway), ptr(prefix)
		ip := dpcfg.NewIPConfig()
		ip.Ipv4 = ipv4
		c := dpcfg.NewNetworkConfig()
		c.SubnetName, c.IpConfig = ptr(name), ip
		return c
	}
	nm := dpcfg.NewNetworkMapping()
	nm.PrimaryNetwork, nm.RecoveryNetwork = network("vlan50-prod", "192.168.50.1", 24), network("vlan50-prod", "192.168.50.1", 24)
	nm.PrimaryTestNetwork, nm.RecoveryTestNetwork = network("vlan51-test", "192.168.51.1", 25), network("vlan51-test", "192.168.51.1", 25)
	mresp, err := plans.CreateNetworkMapping(&id, nm)
	if err != nil {
		t.Fatalf("create network mapping: %v", err)
	}
	waitV4Task(t, e.ca, mresp.GetData())
	maps, err := plans.ListNetworkMappings(&id, nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mid := *dataAs[[]dpcfg.NetworkMapping](t, maps.GetData())[0].ExtId
	mgot, err := plans.GetNetworkMappingById(&id, &mid)
	if err != nil {
		t.Fatal(err)
	}
	m := dataAs[dpcfg.NetworkMapping](t, mgot.GetData())
	m.RecoveryTestNetwork = nil
	m.PrimaryTestNetwork = nil
	mupd, err := plans.UpdateNetworkMappingById(&id, &mid, &m)
	if err != nil {
		t.Fatalf("update network mapping: %v", err)
	}
	waitV4Task(t, e.ca, mupd.GetData())
	v3plan, err = e.ca.our.GetRecoveryPlan(ctx, id)
	if err != nil || len(v3plan.NetworkMappings) != 1 || len(v3plan.NetworkMappings[0].PerAZ) != 2 {
		t.Fatalf("v3 sees network mappings %+v, %v", v3plan.NetworkMappings, err)
	}
	for _, side := range v3plan.NetworkMappings[0].PerAZ {
		if side.Recovery == nil || side.Recovery.Name != "vlan50-prod" || side.Test != nil {
			t.Fatalf("v3 sees a network mapping side %+v", side)
		}
	}
	_, err = plans.UpdateNetworkMappingById(&id, &mid, &m)
	wantStatus(t, "stale network mapping update", err, 412, &dpcfg.UpdateNetworkMappingApiResponse{})
	deleteWithETag(t, e.ca, ac, "the network mapping", func() (*dpcfg.GetNetworkMappingApiResponse, error) { return plans.GetNetworkMappingById(&id, &mid) },
		func(args map[string]any) (*dpcfg.DeleteNetworkMappingApiResponse, error) {
			return plans.DeleteNetworkMappingById(&id, &mid, args)
		})
	if v3plan, _ := e.ca.our.GetRecoveryPlan(ctx, id); len(v3plan.NetworkMappings) != 0 {
		t.Fatalf("v3 sees network mappings %+v after the delete", v3plan.NetworkMappings)
	}

	// The plan's description, with its ETag; then the stale ETag is refused.
	got, err := plans.GetRecoveryPlanById(&id)
	if err != nil {
		t.Fatal(err)
	}
	rp := dataAs[dpcfg.RecoveryPlan](t, got.GetData())
	rp.Description = ptr("changed through v4")
	presp, err := plans.UpdateRecoveryPlanById(&id, &rp)
	if err != nil {
		t.Fatalf("update plan: %v", err)
	}
	waitV4Task(t, e.ca, presp.GetData())
	if v3plan, _ := e.ca.our.GetRecoveryPlan(ctx, id); v3plan.Description != "changed through v4" || len(v3plan.Stages) != 1 {
		t.Fatalf("v3 sees %+v", v3plan)
	}
	_, err = plans.UpdateRecoveryPlanById(&id, &rp)
	wantStatus(t, "stale plan update", err, 412, &dpcfg.UpdateRecoveryPlanApiResponse{})

	// Delete the stage, then the plan.
	deleteWithETag(t, e.ca, ac, "the stage", func() (*dpcfg.GetRecoveryStageApiResponse, error) { return plans.GetRecoveryStageById(&id, &sid) },
		func(args map[string]any) (*dpcfg.DeleteRecoveryStageApiResponse, error) {
			return plans.DeleteRecoveryStageById(&id, &sid, args)
		})
	deleteWithETag(t, e.ca, ac, "the plan", func() (*dpcfg.GetRecoveryPlanApiResponse, error) { return plans.GetRecoveryPlanById(&id) },
		func(args map[string]any) (*dpcfg.DeleteRecoveryPlanApiResponse, error) {
			return plans.DeleteRecoveryPlanById(&id, args)
		})
	if _, err := e.ca.our.GetRecoveryPlan(ctx, id); err == nil {
		t.Fatal("v3 still sees the plan deleted through v4")
	}
}

// A failover that finds problems: the plan's VMs are protected by no policy, and the
// job's validation errors decode in the SDK.
func TestV4CompatValidationErrors(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	plan := e.createSDKPlan(t, "compat-plan")
	actions := dprapi.NewRecoveryPlanActionsApi(dprClient(t, e.fr.pc))
	d := dprcfg.NewFailoverDirection()
	d.SourceDomainManagerExtId, d.TargetDomainManagerExtId = ptr(e.ca.pc.UUID()), ptr(e.fr.pc.UUID())
	u := dprops.NewUnplannedFailoverSpec()
	u.Name, u.FailoverDirections = ptr("v4-unplanned"), []dprcfg.FailoverDirection{*d}
	resp, err := actions.UnplannedFailoverRecoveryPlan(&plan, u)
	if err != nil {
		t.Fatalf("unplanned failover: %v", err)
	}
	job, err := startV4Action(t, e.fr, resp.GetData())
	if err == nil {
		t.Fatal("an unplanned failover of VMs without recovery points succeeded")
	}
	list, err := dprapi.NewRecoveryPlanJobsApi(dprClient(t, e.fr.pc)).ListValidationErrorsByRecoveryPlanJobId(&job, nil, nil, nil, nil)
	if err != nil {
		t.Fatalf("validation errors: %v", err)
	}
	items, _ := list.GetData().([]dprcfg.RecoveryPlanValidationError)
	if len(items) == 0 || items[0].Message == nil || items[0].ErrorGroup == nil || items[0].Severity == nil {
		t.Fatalf("validation errors: %+v", list.GetData())
	}
	t.Logf("first validation message: %s %s: %s", items[0].Severity.GetName(), items[0].ErrorGroup.GetName(), *items[0].Message)
}

// The SDK resends a create with the request id of the first (as its transport's retries
// do): the second answers the first's task and does not create a second policy.
func TestV4CompatRequestIDReplay(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	api := dpapi.NewProtectionPoliciesApi(dpClient(t, e.ca.pc))
	catID := replicatedCategoryID(t, e.ca.pc)
	id := "5b0d5a1e-8d1c-4c43-9a55-0f3b8d0e6a11"
	args := map[string]any{"NTNX-Request-Id": &id}
	e.ca.pc.ResetRequestCounts()
	first, err := api.CreateProtectionPolicy(e.sdkPolicy(t, "replayed", catID), args)
	if err != nil {
		t.Fatal(err)
	}
	second, err := api.CreateProtectionPolicy(e.sdkPolicy(t, "replayed", catID), args)
	if err != nil {
		t.Fatalf("the replay: %v", err)
	}
	a, b := dataAs[dpprism.TaskReference](t, first.GetData()), dataAs[dpprism.TaskReference](t, second.GetData())
	if *a.ExtId != *b.ExtId {
		t.Fatalf("the replay answered task %s, the first %s", *b.ExtId, *a.ExtId)
	}
	waitV4Task(t, e.ca, first.GetData())
	if n := e.ca.pc.RequestCounts().ByRoute["POST /api/datapolicies/v4.2/config/protection-policies"]; n != 2 {
		t.Fatalf("POST protection-policies counted %d times, want 2", n)
	}
	rules, err := e.ca.our.ListProtectionPolicies(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 {
		t.Fatalf("%d protection rules after a create sent twice with one request id, want 1", len(rules))
	}
}

// Recovery settings: a v3 plan whose stage runs in-guest scripts on the VMs of a category
// shows a VmCategoryRecoverySetting through v4.
func TestV4CompatRecoverySettings(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	in := e.sdkPlan("scripted-plan")
	in.Spec.Resources.StageList[0].StageWork.RecoverEntities.EntityInfoList[0].ScriptList =
		[]*v3.ScriptList{{EnableScriptExec: ptr(true), Timeout: ptr(int64(300))}}
	resp, err := e.ca.sdk.V3.CreateRecoveryPlan(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	wait(t, e.ca, taskOf(t, resp.Status.ExecutionContext))
	plan := *resp.Metadata.UUID
	plans := dpapi.NewRecoveryPlansApi(dpClient(t, e.ca.pc))
	list, err := plans.ListRecoverySettings(&plan, nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatalf("recovery settings: %v", err)
	}
	settings := dataAs[[]dpcfg.RecoverySetting](t, list.GetData())
	if len(settings) != 1 || settings[0].Scope.GetName() != "VM_CATEGORY" {
		t.Fatalf("recovery settings: %+v", settings)
	}
	cs, ok := settings[0].GetRecoverySetting().(dpcfg.VmCategoryRecoverySetting)
	if !ok || *cs.VmCategoryExtId != replicatedCategoryID(t, e.ca.pc) ||
		!*cs.InGuestScriptExecutionConfig.IsEnabled || *cs.InGuestScriptExecutionConfig.TimeoutSecs != 300 {
		t.Fatalf("recovery setting: %T %+v", settings[0].GetRecoverySetting(), settings[0].GetRecoverySetting())
	}
	if _, err := plans.GetRecoverySettingById(&plan, settings[0].ExtId); err != nil {
		t.Fatalf("recovery setting: %v", err)
	}
}

// v4Release is a Prism Central release that serves the v4 revisions of the SDKs pinned in
// go.mod (prismsim's pc_version.go); the presets' default, pc.2024.3, does not.
const v4Release = "pc.7.5"

// With the primary site down, the recovery PC serves the synced plan through v4 and an
// unplanned failover through v4 recovers the VMs there.
func TestV4CompatUnplannedFailoverWithSiteDown(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release))
	e.withCategory(t)
	e.createSDKRule(t, "compat-rule")
	e.w.Clock().Advance(2 * time.Hour) // recovery points reach france
	plan := e.createSDKPlan(t, "v4-down-plan")
	if err := e.w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	if _, err := dpapi.NewRecoveryPlansApi(dpClient(t, e.fr.pc)).GetRecoveryPlanById(&plan); err != nil {
		t.Fatalf("the plan on france with canada down: %v", err)
	}
	d := dprcfg.NewFailoverDirection()
	d.SourceDomainManagerExtId, d.TargetDomainManagerExtId = ptr(e.ca.pc.UUID()), ptr(e.fr.pc.UUID())
	u := dprops.NewUnplannedFailoverSpec()
	u.Name, u.FailoverDirections = ptr("v4-unplanned"), []dprcfg.FailoverDirection{*d}
	resp, err := dprapi.NewRecoveryPlanActionsApi(dprClient(t, e.fr.pc)).UnplannedFailoverRecoveryPlan(&plan, u)
	if err != nil {
		t.Fatalf("unplanned failover: %v", err)
	}
	job := runV4Action(t, e.fr, resp.GetData())
	got, err := dprapi.NewRecoveryPlanJobsApi(dprClient(t, e.fr.pc)).GetRecoveryPlanJobById(&job)
	if err != nil {
		t.Fatal(err)
	}
	if j := dataAs[dprcfg.RecoveryPlanJob](t, got.GetData()); j.ActionType.GetName() != "UNPLANNED_FAILOVER" || !strings.HasPrefix(j.Status.GetName(), "SUCCEEDED") {
		t.Fatalf("job: %s %s", j.ActionType.GetName(), j.Status.GetName())
	}
	vms, err := e.fr.our.ListVMs(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, vm := range vms {
		found = found || vm.Name == "app-01"
	}
	if !found {
		t.Fatal("after the unplanned failover, app-01 is not on france")
	}
}

// TestV4CompatCategoryAssociations: a category's associations (how many entities of each
// kind have it) are shown only when asked with $expand=associations, as the SDK's Category
// documents; asked, they count the VMs that carry the value.
func TestV4CompatCategoryAssociations(t *testing.T) {
	e := newEnv(t, acctest.WithPCVersion(v4Release), acctest.WithCategory("Tier", "gold"),
		acctest.WithVMCategory("canada", "Tier", "gold", "app-01", "db-01"))
	api := prismapi.NewCategoriesApi(prismClient(t, e.ca.pc))
	filter := ptr("key eq 'Tier' and value eq 'gold'")
	for _, expand := range []*string{nil, ptr("associations")} {
		list, err := api.ListCategories(nil, nil, filter, nil, expand, nil)
		if err != nil {
			t.Fatalf("list (expand %v): %v", expand, err)
		}
		items, _ := list.GetData().([]prismcfg.Category)
		if len(items) != 1 {
			t.Fatalf("list (expand %v): %+v", expand, items)
		}
		got, err := api.GetCategoryById(items[0].ExtId, expand)
		if err != nil {
			t.Fatalf("get (expand %v): %v", expand, err)
		}
		one := dataAs[prismcfg.Category](t, got.GetData())
		for what, assoc := range map[string][]prismcfg.AssociationSummary{"list": items[0].Associations, "get": one.Associations} {
			switch {
			case expand == nil && len(assoc) != 0:
				t.Errorf("%s without $expand shows associations: %+v", what, assoc)
			case expand != nil && (len(assoc) != 1 || assoc[0].Count == nil || *assoc[0].Count != 2):
				t.Errorf("%s with $expand=associations: %+v, want the 2 VMs", what, assoc)
			}
		}
	}
}
