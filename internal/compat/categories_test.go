package compat_test

import (
	"context"
	"errors"
	"testing"

	v3 "github.com/nutanix-cloud-native/prism-go-client/v3"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

func TestCompatCategories(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sdk, our := e.ca.sdk.V3, e.ca.our

	// Create: the SDK sends api_version, an empty description.
	if _, err := sdk.CreateOrUpdateCategoryKey(ctx, &v3.CategoryKey{Name: ptr("compat"), Description: ptr(""), APIVersion: ptr("3.1.0")}); err != nil {
		t.Fatalf("create key: %v", err)
	}
	if _, err := sdk.CreateOrUpdateCategoryValue(ctx, "compat", &v3.CategoryValue{Value: ptr("one"), Description: ptr(""), APIVersion: ptr("3.1.0")}); err != nil {
		t.Fatalf("create value: %v", err)
	}
	// Get, list.
	k, err := sdk.GetCategoryKey(ctx, "compat")
	if err != nil || k.Name == nil || *k.Name != "compat" {
		t.Fatalf("get key: %+v %v", k, err)
	}
	if v, err := sdk.GetCategoryValue(ctx, "compat", "one"); err != nil || v.Value == nil || *v.Value != "one" {
		t.Fatalf("get value: %+v %v", v, err)
	}
	keys, err := sdk.ListCategories(ctx, &v3.CategoryListMetadata{})
	if err != nil || len(keys.Entities) == 0 {
		t.Fatalf("list keys: %+v %v", keys, err)
	}
	values, err := sdk.ListCategoryValues(ctx, "compat", &v3.CategoryListMetadata{Kind: ptr("category"), Length: ptr(int64(20)), Offset: ptr(int64(0))})
	if err != nil || len(values.Entities) != 1 {
		t.Fatalf("list values: %+v %v", values, err)
	}
	if all, err := sdk.ListAllCategoryValues(ctx, "compat", ""); err != nil || len(all.Entities) != 1 {
		t.Fatalf("list all values: %+v %v", all, err)
	}
	// Update: descriptions.
	if _, err := sdk.CreateOrUpdateCategoryKey(ctx, &v3.CategoryKey{Name: ptr("compat"), Description: ptr("changed")}); err != nil {
		t.Fatalf("update key: %v", err)
	}
	if _, err := sdk.CreateOrUpdateCategoryValue(ctx, "compat", &v3.CategoryValue{Value: ptr("one"), Description: ptr("changed")}); err != nil {
		t.Fatalf("update value: %v", err)
	}
	if got, err := our.GetCategoryValue(ctx, "compat", "one"); err != nil || got.Description != "changed" {
		t.Fatalf("our client reads %+v %v", got, err)
	}
	if got, err := our.GetCategoryKey(ctx, "compat"); err != nil || got.Description != "changed" {
		t.Fatalf("our client reads %+v %v", got, err)
	}
	// Query: what uses a value.
	if _, err := sdk.GetCategoryQuery(ctx, &v3.CategoryQueryInput{APIVersion: ptr("3.1.0"),
		UsageType: ptr("APPLIED_TO"), CategoryFilter: &v3.CategoryFilter{Type: ptr("CATEGORIES_MATCH_ANY"),
			KindList: []*string{ptr("vm")}, Params: map[string][]string{"compat": {"one"}}}}); err != nil {
		t.Fatalf("category query: %v", err)
	}
	// Delete.
	if err := sdk.DeleteCategoryValue(ctx, "compat", "one"); err != nil {
		t.Fatalf("delete value: %v", err)
	}
	if err := sdk.DeleteCategoryKey(ctx, "compat"); err != nil {
		t.Fatalf("delete key: %v", err)
	}
	if _, err := our.GetCategoryKey(ctx, "compat"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("after delete, our client reads the key: %v", err)
	}
}
