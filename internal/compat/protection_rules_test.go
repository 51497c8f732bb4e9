package compat_test

import (
	"context"
	"errors"
	"testing"

	v3 "github.com/nutanix-cloud-native/prism-go-client/v3"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// sdkRule is a Canada -> France rule (and back) on replicated-vm:from-canada as the SDK
// builds it, with the zero values its users send: auto_suspend_timeout_secs 0 on an
// asynchronous schedule.
func (e *env) sdkRule(name string) *v3.ProtectionRuleInput {
	schedule := func() *v3.SnapshotScheduleList {
		return &v3.SnapshotScheduleList{
			RecoveryPointObjectiveSecs:    ptr(int64(3600)),
			AutoSuspendTimeoutSecs:        ptr(int64(0)),
			SnapshotType:                  "CRASH_CONSISTENT",
			LocalSnapshotRetentionPolicy:  &v3.SnapshotRetentionPolicy{NumSnapshots: ptr(int64(2))},
			RemoteSnapshotRetentionPolicy: &v3.SnapshotRetentionPolicy{NumSnapshots: ptr(int64(2))},
		}
	}
	// The way back carries an empty roll-up beside its linear retention, as a client that
	// fills every section does.
	back := schedule()
	back.RemoteSnapshotRetentionPolicy.RollupRetentionPolicy = &v3.RollupRetentionPolicy{Multiple: ptr(int64(0))}
	return &v3.ProtectionRuleInput{
		APIVersion: "3.1.0",
		Metadata:   &v3.Metadata{Kind: ptr("protection_rule"), Categories: map[string]string{}},
		Spec: &v3.ProtectionRuleSpec{
			Name: name,
			Resources: &v3.ProtectionRuleResources{
				OrderedAvailabilityZoneList: []*v3.OrderedAvailabilityZoneList{
					{AvailabilityZoneURL: e.caLocal, ClusterUUID: e.ca01},
					{AvailabilityZoneURL: e.caFR, ClusterUUID: e.fr01},
				},
				AvailabilityZoneConnectivityList: []*v3.AvailabilityZoneConnectivityList{
					{SourceAvailabilityZoneIndex: ptr(int64(0)), DestinationAvailabilityZoneIndex: ptr(int64(1)),
						SnapshotScheduleList: []*v3.SnapshotScheduleList{schedule()}},
					{SourceAvailabilityZoneIndex: ptr(int64(1)), DestinationAvailabilityZoneIndex: ptr(int64(0)),
						SnapshotScheduleList: []*v3.SnapshotScheduleList{back}},
				},
				CategoryFilter: &v3.CategoryFilter{Type: ptr("CATEGORIES_MATCH_ANY"), KindList: []*string{ptr("vm")},
					Params: map[string][]string{"replicated-vm": {"from-canada"}}},
			},
		},
	}
}

// withCategory creates replicated-vm:from-canada on canada through the SDK and puts it on
// app-01 and db-01 through ours.
func (e *env) withCategory(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.ca.sdk.V3.CreateOrUpdateCategoryKey(ctx, &v3.CategoryKey{Name: ptr("replicated-vm")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ca.sdk.V3.CreateOrUpdateCategoryValue(ctx, "replicated-vm", &v3.CategoryValue{Value: ptr("from-canada")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app-01", "db-01"} {
		if _, err := e.ca.our.UpdateVMCategories(ctx, acctest.VMID(t, e.w, "canada", name), func(m map[string]string) { m["replicated-vm"] = "from-canada" }); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *env) createSDKRule(t *testing.T, name string) string {
	t.Helper()
	resp, err := e.ca.sdk.V3.CreateProtectionRule(context.Background(), e.sdkRule(name))
	if err != nil {
		t.Fatalf("create protection rule: %v", err)
	}
	wait(t, e.ca, taskOf(t, resp.Status.ExecutionContext))
	return *resp.Metadata.UUID
}

func TestCompatProtectionRules(t *testing.T) {
	e := newEnv(t)
	e.withCategory(t)
	ctx := context.Background()
	sdk := e.ca.sdk.V3

	id := e.createSDKRule(t, "compat-rule")
	got, err := e.ca.our.GetProtectionPolicy(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Connectivity) != 2 || got.Connectivity[0].Schedules[0].RPOSecs != 3600 || got.CategoryFilter.Params["replicated-vm"][0] != "from-canada" {
		t.Fatalf("our client reads %+v", got)
	}

	// Entity sync: the category, created on canada only, is on france with the rule, and
	// in use there while the synced rule uses it.
	if _, err := e.fr.sdk.V3.GetCategoryValue(ctx, "replicated-vm", "from-canada"); err != nil {
		t.Fatalf("the rule's category on france: %v", err)
	}
	if err := e.fr.sdk.V3.DeleteCategoryValue(ctx, "replicated-vm", "from-canada"); err == nil {
		t.Fatal("deleting on france a category value the synced rule uses: no error")
	}

	// Get and list decode in the SDK, on the owner and on the paired PC.
	rule, err := sdk.GetProtectionRule(ctx, id)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if _, err := e.fr.sdk.V3.GetProtectionRule(ctx, id); err != nil {
		t.Fatalf("get on france: %v", err)
	}
	list, err := sdk.ListProtectionRules(ctx, &v3.DSMetadata{Kind: ptr("protection_rule"), Length: ptr(int64(20))})
	if err != nil || len(list.Entities) != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if all, err := sdk.ListAllProtectionRules(ctx, ""); err != nil || len(all.Entities) != 1 {
		t.Fatalf("list all: %+v %v", all, err)
	}

	// Update: the SDK sends back the metadata it read and the spec, changed.
	rule.Spec.Description = "changed by prism-go-client"
	rule.Spec.Resources.AvailabilityZoneConnectivityList[0].SnapshotScheduleList[0].RecoveryPointObjectiveSecs = ptr(int64(7200))
	upd, err := sdk.UpdateProtectionRule(ctx, id, &v3.ProtectionRuleInput{APIVersion: rule.APIVersion, Metadata: rule.Metadata, Spec: rule.Spec})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	wait(t, e.ca, taskOf(t, upd.Status.ExecutionContext))
	if got, err := e.ca.our.GetProtectionPolicy(ctx, id); err != nil || got.Description != "changed by prism-go-client" || got.Connectivity[0].Schedules[0].RPOSecs != 7200 {
		t.Fatalf("after update, our client reads %+v %v", got, err)
	}

	// Delete: the answer decodes in the SDK's DeleteResponse.
	del, err := sdk.DeleteProtectionRule(ctx, id)
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	wait(t, e.ca, taskOf(t, del.Status.ExecutionContext))
	if _, err := e.ca.our.GetProtectionPolicy(ctx, id); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("after delete, our client reads the rule: %v", err)
	}
}

// TestCompatSyncedRuleChangedOnFrance follows the seed guide's "Inversion de la
// réplication" with the SDK: on France, the destination, the synced policy is updated to
// make France's Local AZ the primary location and Canada the recovery location. Canada
// gets the change in its own availability zones (read with our client); a delete through
// the SDK on France removes the policy on Canada too.
func TestCompatSyncedRuleChangedOnFrance(t *testing.T) {
	e := newEnv(t)
	e.withCategory(t)
	ctx := context.Background()
	id := e.createSDKRule(t, "compat-synced")
	fr := e.fr.sdk.V3

	rule, err := fr.GetProtectionRule(ctx, id)
	if err != nil {
		t.Fatalf("get on france: %v", err)
	}
	locs := rule.Spec.Resources.OrderedAvailabilityZoneList
	if len(locs) != 2 || locs[0].AvailabilityZoneURL != e.frCA || locs[1].AvailabilityZoneURL != e.frLocal {
		t.Fatalf("france's copy is not in france's zones: %+v %+v", locs[0], locs[1])
	}
	locs[0].AvailabilityZoneURL, locs[0].ClusterUUID = e.frLocal, e.fr01 // Primary Location: Local AZ
	locs[1].AvailabilityZoneURL, locs[1].ClusterUUID = e.frCA, e.ca01    // Recovery Location: Canada
	rule.Spec.Description = "reversed on france"
	upd, err := fr.UpdateProtectionRule(ctx, id, &v3.ProtectionRuleInput{APIVersion: rule.APIVersion, Metadata: rule.Metadata, Spec: rule.Spec})
	if err != nil {
		t.Fatalf("update on france: %v", err)
	}
	wait(t, e.fr, taskOf(t, upd.Status.ExecutionContext))

	got, err := e.ca.our.GetProtectionPolicy(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Description != "reversed on france" || got.SpecVersion != 1 || len(got.Locations) != 2 ||
		got.Locations[0].AvailabilityZoneUUID != e.caFR || got.Locations[0].ClusterUUIDs[0] != e.fr01 ||
		got.Locations[1].AvailabilityZoneUUID != e.caLocal || got.Locations[1].ClusterUUIDs[0] != e.ca01 {
		t.Fatalf("canada after the update on france: %+v", got)
	}
	// Canada's SDK reads the same version, and can update from there in turn.
	caRule, err := e.ca.sdk.V3.GetProtectionRule(ctx, id)
	if err != nil || *caRule.Metadata.SpecVersion != 1 {
		t.Fatalf("get on canada: %+v %v", caRule, err)
	}

	del, err := fr.DeleteProtectionRule(ctx, id)
	if err != nil {
		t.Fatalf("delete on france: %v", err)
	}
	wait(t, e.fr, taskOf(t, del.Status.ExecutionContext))
	if _, err := e.ca.our.GetProtectionPolicy(ctx, id); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("after the delete on france, canada still has the rule: %v", err)
	}
}
