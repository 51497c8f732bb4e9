package compat_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"

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
	e := newEnv(t)
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
	read := got.GetData().(prismcfg.Category)
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
	e := newEnv(t)
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
