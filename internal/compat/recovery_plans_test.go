package compat_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	v3 "github.com/nutanix-cloud-native/prism-go-client/v3"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// sdkPlan is a Canada -> France plan as the SDK builds it: a category stage with a zero
// delay, an empty script list, the production and test networks mapped at both sites,
// are_networks_stretched false.
func (e *env) sdkPlan(name string) *v3.RecoveryPlanInput {
	network := func(subnet, gateway string, prefix int64) *v3.Network {
		return &v3.Network{Name: subnet, UseVPCReference: ptr(false),
			SubnetList: []*v3.SubnetList{{GatewayIP: gateway, PrefixLength: ptr(prefix)}}}
	}
	site := func(az string) *v3.AvailabilityZoneNetworkMappingList {
		return &v3.AvailabilityZoneNetworkMappingList{AvailabilityZoneURL: az,
			RecoveryNetwork:          network("vlan50-prod", "192.168.50.1", 24),
			TestNetwork:              network("vlan51-test", "192.168.51.1", 25),
			RecoveryIPAssignmentList: []*v3.IPAssignmentList{}, TestIPAssignmentList: []*v3.IPAssignmentList{}}
	}
	return &v3.RecoveryPlanInput{
		APIVersion: "3.1.0",
		Metadata:   &v3.Metadata{Kind: ptr("recovery_plan")},
		Spec: &v3.RecoveryPlanSpec{
			Name: name,
			Resources: &v3.RecoveryPlanResources{
				StageList: []*v3.StageList{{
					DelayTimeSecs: ptr(int64(0)),
					StageWork: &v3.StageWork{RecoverEntities: &v3.RecoverEntities{EntityInfoList: []*v3.EntityInfoList{
						{Categories: map[string]string{"replicated-vm": "from-canada"}, ScriptList: []*v3.ScriptList{}},
					}}},
				}},
				Parameters: &v3.Parameters{
					PrimaryLocationIndex: ptr(int64(0)),
					AvailabilityZoneList: []*v3.AvailabilityZoneList{
						{AvailabilityZoneURL: ptr(e.caLocal)}, {AvailabilityZoneURL: ptr(e.caFR)},
					},
					NetworkMappingList: []*v3.NetworkMappingList{{AreNetworksStretched: ptr(false),
						AvailabilityZoneNetworkMappingList: []*v3.AvailabilityZoneNetworkMappingList{site(e.caLocal), site(e.caFR)}}},
					FloatingIPAssignmentList: []*v3.FloatingIPAssignmentList{},
				},
			},
		},
	}
}

func (e *env) createSDKPlan(t *testing.T, name string) string {
	t.Helper()
	resp, err := e.ca.sdk.V3.CreateRecoveryPlan(context.Background(), e.sdkPlan(name))
	if err != nil {
		t.Fatalf("create recovery plan: %v", err)
	}
	wait(t, e.ca, taskOf(t, resp.Status.ExecutionContext))
	return *resp.Metadata.UUID
}

func TestCompatRecoveryPlans(t *testing.T) {
	e := newEnv(t)
	e.withCategory(t)
	e.createSDKRule(t, "compat-rule")
	ctx := context.Background()
	sdk := e.ca.sdk.V3

	id := e.createSDKPlan(t, "compat-plan")
	got, err := e.ca.our.GetRecoveryPlan(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Stages) != 1 || got.Stages[0].Entities[0].Categories["replicated-vm"] != "from-canada" || len(got.NetworkMappings) != 1 {
		t.Fatalf("our client reads %+v", got)
	}

	plan, err := sdk.GetRecoveryPlan(ctx, id)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if _, err := e.fr.sdk.V3.GetRecoveryPlan(ctx, id); err != nil {
		t.Fatalf("get on france: %v", err)
	}
	if list, err := sdk.ListRecoveryPlans(ctx, &v3.DSMetadata{Kind: ptr("recovery_plan")}); err != nil || len(list.Entities) != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if all, err := sdk.ListAllRecoveryPlans(ctx, ""); err != nil || len(all.Entities) != 1 {
		t.Fatalf("list all: %+v %v", all, err)
	}

	plan.Spec.Description = "changed by prism-go-client"
	plan.Spec.Resources.StageList[0].DelayTimeSecs = ptr(int64(30))
	upd, err := sdk.UpdateRecoveryPlan(ctx, id, &v3.RecoveryPlanInput{APIVersion: plan.APIVersion, Metadata: plan.Metadata, Spec: plan.Spec})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	wait(t, e.ca, taskOf(t, upd.Status.ExecutionContext))
	if got, err := e.ca.our.GetRecoveryPlan(ctx, id); err != nil || got.Description != "changed by prism-go-client" || *got.Stages[0].DelaySecs != 30 {
		t.Fatalf("after update, our client reads %+v %v", got, err)
	}

	// The seed guide then edits the synced plan on France, source and destination
	// swapped: Canada gets it in its own availability zones.
	frPlan, err := e.fr.sdk.V3.GetRecoveryPlan(ctx, id)
	if err != nil {
		t.Fatalf("get on france: %v", err)
	}
	azs := frPlan.Spec.Resources.Parameters.AvailabilityZoneList
	if len(azs) != 2 {
		t.Fatalf("france's copy has %d availability zones", len(azs))
	}
	azs[0], azs[1] = azs[1], azs[0]
	frPlan.Spec.Description = "reversed on france"
	frUpd, err := e.fr.sdk.V3.UpdateRecoveryPlan(ctx, id, &v3.RecoveryPlanInput{APIVersion: frPlan.APIVersion, Metadata: frPlan.Metadata, Spec: frPlan.Spec})
	if err != nil {
		t.Fatalf("update on france: %v", err)
	}
	wait(t, e.fr, taskOf(t, frUpd.Status.ExecutionContext))
	if got, err := e.ca.our.GetRecoveryPlan(ctx, id); err != nil || got.Description != "reversed on france" ||
		got.AvailabilityZones[0].AvailabilityZoneUUID != e.caFR || got.AvailabilityZones[1].AvailabilityZoneUUID != e.caLocal {
		t.Fatalf("canada after the update on france: %+v %v", got, err)
	}

	del, err := sdk.DeleteRecoveryPlan(ctx, id)
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	wait(t, e.ca, taskOf(t, del.Status.ExecutionContext))
	if _, err := e.ca.our.GetRecoveryPlan(ctx, id); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("after delete, our client reads the plan: %v", err)
	}
}

func TestCompatRecoveryPlanJobs(t *testing.T) {
	e := newEnv(t)
	e.withCategory(t)
	e.createSDKRule(t, "compat-rule")
	e.w.Clock().Advance(2 * time.Hour) // recovery points reach france
	plan := e.createSDKPlan(t, "compat-plan")
	ctx := context.Background()
	sdk := e.fr.sdk.V3

	// A test failover on france, as the SDK sends it.
	resp, err := sdk.CreateRecoveryPlanJob(ctx, &v3.RecoveryPlanJobIntentInput{
		APIVersion: ptr("3.1.0"),
		Metadata:   &v3.Metadata{Kind: ptr("recovery_plan_job")},
		Spec: &v3.RecoveryPlanJob{Name: ptr("compat-test"), Resources: &v3.RecoveryPlanJobResources{
			RecoveryPlanReference: &v3.Reference{Kind: ptr("recovery_plan"), UUID: ptr(plan)},
			ExecutionParameters: &v3.RecoveryPlanJobResourcesExecutionParameters{
				ActionType:                        ptr("TEST_FAILOVER"),
				FailedAvailabilityZoneList:        []*v3.AvailabilityZoneList{{AvailabilityZoneURL: ptr(e.frCA)}},
				RecoveryAvailabilityZoneList:      []*v3.AvailabilityZoneList{{AvailabilityZoneURL: ptr(e.frLocal)}},
				ShouldContinueOnValidationFailure: ptr(false),
			},
		}},
	})
	if err != nil {
		t.Fatalf("create job: %v", err)
	}
	task, err := e.fr.our.WaitForTask(ctx, resp.TaskUUID, "job create", nil)
	if err != nil {
		t.Fatal(err)
	}
	var job string
	for _, ref := range task.EntityReferences {
		if ref.Kind == "recovery_plan_job" {
			job = ref.UUID
		}
	}
	done, err := e.fr.our.WaitForRecoveryPlanJob(ctx, job, nil)
	if err != nil || !strings.HasPrefix(done.Status, "COMPLETED") {
		t.Fatalf("job: %+v %v", done, err)
	}

	if _, err := sdk.GetRecoveryPlanJob(ctx, job); err != nil {
		t.Fatalf("get job: %v", err)
	}
	for _, status := range []string{"execution_status", "cleanup_status"} {
		if _, err := sdk.GetRecoveryPlanJobStatus(ctx, job, status); err != nil {
			t.Fatalf("get job %s: %v", status, err)
		}
	}
	if list, err := sdk.ListRecoveryPlanJobs(ctx, &v3.DSMetadata{Kind: ptr("recovery_plan_job"), Length: ptr(int64(20)), Offset: ptr(int64(0))}); err != nil || len(list.Entities) != 1 {
		t.Fatalf("list jobs: %+v %v", list, err)
	}
	// Cleanup of the test failover, then delete of the job.
	cleanup, err := sdk.PerformRecoveryPlanJobAction(ctx, job, "cleanup", &v3.RecoveryPlanJobActionRequest{})
	if err != nil {
		t.Fatalf("cleanup: %v", err)
	}
	if cleanup.TaskUUID != "" {
		if _, err := e.fr.our.WaitForTask(ctx, cleanup.TaskUUID, "cleanup", nil); err != nil {
			t.Fatal(err)
		}
	}
	vms, err := e.fr.our.ListVMs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, vm := range vms {
		if vm.Name == "app-01-test" || vm.Name == "db-01-test" {
			t.Fatalf("after cleanup, france still runs %s", vm.Name)
		}
	}
	if err := sdk.DeleteRecoveryPlanJob(ctx, job); err != nil {
		t.Fatalf("delete job: %v", err)
	}
	// The SDK drops the delete's task: read until the job is gone.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		_, err := e.fr.our.GetRecoveryPlanJob(wctx, job)
		if errors.Is(err, client.ErrNotFound) {
			break
		}
		if wctx.Err() != nil {
			t.Fatalf("after delete, our client still reads the job: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
