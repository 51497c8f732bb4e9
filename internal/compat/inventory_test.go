package compat_test

import (
	"context"
	"errors"
	"testing"

	v3 "github.com/nutanix-cloud-native/prism-go-client/v3"
	"github.com/nutanix-cloud-native/prism-go-client/v3/models"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

func TestCompatAvailabilityZones(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, id := range []string{e.caLocal, e.caFR} {
		az, err := e.ca.sdk.V3.GetAvailabilityZone(ctx, id)
		if err != nil {
			t.Fatalf("get availability zone %s: %v", id, err)
		}
		if az.Metadata == nil || az.Metadata.UUID == nil || *az.Metadata.UUID != id {
			t.Fatalf("availability zone %s: metadata %+v", id, az.Metadata)
		}
	}
}

// TestCompatErrors: prism-go-client treats a non-2xx answer as an error only when its body
// says state ERROR (or carries a message); prismsim's errors must say so.
func TestCompatErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	missing := "00000000-0000-4000-8000-000000000000"
	if _, err := e.ca.sdk.V3.GetProtectionRule(ctx, missing); err == nil {
		t.Fatal("get of a missing protection rule: no error")
	}
	if _, err := e.ca.sdk.V3.GetCategoryKey(ctx, "no-such-key"); err == nil {
		t.Fatal("get of a missing category: no error")
	}
	if _, err := e.ca.sdk.V3.CreateRecoveryPlan(ctx, &v3.RecoveryPlanInput{Metadata: &v3.Metadata{Kind: ptr("recovery_plan")},
		Spec: &v3.RecoveryPlanSpec{Name: "no-locations", Resources: &v3.RecoveryPlanResources{}}}); err == nil {
		t.Fatal("create of a plan without locations: no error")
	}
}

// TestCompatVMs: the category assignment flow of SDK users (read the VM, set
// metadata.categories, send metadata and spec back), and create, list, delete.
func TestCompatVMs(t *testing.T) {
	e := newEnv(t)
	e.withCategory(t)
	ctx := context.Background()
	sdk := e.ca.sdk.V3
	prod, err := e.ca.our.ListSubnets(ctx, "name==vlan50-prod")
	if err != nil || len(prod) != 1 {
		t.Fatalf("vlan50-prod: %v %v", prod, err)
	}

	resp, err := sdk.CreateVM(ctx, &v3.VMIntentInput{
		APIVersion: ptr("3.1.0"),
		Metadata:   &v3.Metadata{Kind: ptr("vm"), Categories: map[string]string{}},
		Spec: &v3.VM{
			Name:             ptr("compat-vm"),
			Description:      ptr(""),
			ClusterReference: &v3.Reference{Kind: ptr("cluster"), UUID: ptr(e.ca01)},
			Resources: &v3.VMResources{
				NumSockets: ptr(int64(1)), NumVcpusPerSocket: ptr(int64(1)), MemorySizeMib: ptr(int64(1024)),
				PowerState: ptr("ON"), DiskList: []*v3.VMDisk{}, GpuList: []*v3.VMGpu{},
				NicList: []*v3.VMNic{{SubnetReference: &v3.Reference{Kind: ptr("subnet"), UUID: ptr(prod[0].UUID)},
					IPEndpointList: []*v3.IPAddress{}}},
			},
		},
	})
	if err != nil {
		t.Fatalf("create vm: %v", err)
	}
	wait(t, e.ca, taskOf(t, resp.Status.ExecutionContext))
	id := *resp.Metadata.UUID

	vm, err := sdk.GetVM(ctx, id)
	if err != nil {
		t.Fatalf("get vm: %v", err)
	}
	if list, err := sdk.ListVM(ctx, &v3.DSMetadata{Kind: ptr("vm"), Filter: ptr("vm_name==compat-vm")}); err != nil || len(list.Entities) != 1 {
		t.Fatalf("list vms: %+v %v", list, err)
	}
	if all, err := sdk.ListAllVM(ctx, ""); err != nil || len(all.Entities) < 4 {
		t.Fatalf("list all vms: %+v %v", all, err)
	}
	vm.Metadata.Categories = map[string]string{"replicated-vm": "from-canada"}
	upd, err := sdk.UpdateVM(ctx, id, &v3.VMIntentInput{APIVersion: vm.APIVersion, Metadata: vm.Metadata, Spec: vm.Spec})
	if err != nil {
		t.Fatalf("update vm: %v", err)
	}
	wait(t, e.ca, taskOf(t, upd.Status.ExecutionContext))
	if got, err := e.ca.our.GetVM(ctx, id); err != nil || got.Categories["replicated-vm"] != "from-canada" {
		t.Fatalf("after update, our client reads %+v %v", got, err)
	}

	del, err := sdk.DeleteVM(ctx, id)
	if err != nil {
		t.Fatalf("delete vm: %v", err)
	}
	wait(t, e.ca, taskOf(t, del.Status.ExecutionContext))
	if _, err := e.ca.our.GetVM(ctx, id); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("after delete, our client reads the vm: %v", err)
	}
}

// TestCompatSubnets: a VLAN subnet as the SDK's models.Subnet serializes it
// (availability_zone_reference_list and reserved_ip_address_list null).
func TestCompatSubnets(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sdk := e.ca.sdk.V3
	resp, err := sdk.CreateSubnet(ctx, &v3.SubnetIntentInput{
		APIVersion: ptr("3.1.0"),
		Metadata:   &v3.Metadata{Kind: ptr("subnet")},
		Spec: &models.Subnet{
			Name:             ptr("vlan60-compat"),
			ClusterReference: &models.ClusterReference{Kind: "cluster", UUID: ptr(e.ca01)},
			Resources: &models.SubnetResources{SubnetType: ptr("VLAN"), VlanID: ptr(int32(60)),
				IPConfig: &models.IPConfig{SubnetIP: "192.168.60.0", PrefixLength: 24, DefaultGatewayIP: "192.168.60.1"}},
		},
	})
	if err != nil {
		t.Fatalf("create subnet: %v", err)
	}
	wait(t, e.ca, taskOf(t, resp.Status.ExecutionContext))
	id := *resp.Metadata.UUID

	sub, err := sdk.GetSubnet(ctx, id)
	if err != nil {
		t.Fatalf("get subnet: %v", err)
	}
	if list, err := sdk.ListSubnet(ctx, &v3.DSMetadata{Kind: ptr("subnet"), Filter: ptr("name==vlan60-compat")}); err != nil || len(list.Entities) != 1 {
		t.Fatalf("list subnets: %+v %v", list, err)
	}
	if all, err := sdk.ListAllSubnet(ctx, "", nil); err != nil || len(all.Entities) < 3 {
		t.Fatalf("list all subnets: %+v %v", all, err)
	}
	sub.Spec.Description = "changed by prism-go-client"
	upd, err := sdk.UpdateSubnet(ctx, id, &v3.SubnetIntentInput{APIVersion: sub.APIVersion, Metadata: sub.Metadata, Spec: sub.Spec})
	if err != nil {
		t.Fatalf("update subnet: %v", err)
	}
	wait(t, e.ca, taskOf(t, upd.Status.ExecutionContext))
	if got, err := e.ca.our.GetSubnet(ctx, id); err != nil || got.Description != "changed by prism-go-client" || got.VLANID == nil || *got.VLANID != 60 {
		t.Fatalf("after update, our client reads %+v %v", got, err)
	}
	del, err := sdk.DeleteSubnet(ctx, id)
	if err != nil {
		t.Fatalf("delete subnet: %v", err)
	}
	wait(t, e.ca, taskOf(t, del.Status.ExecutionContext))
	if _, err := e.ca.our.GetSubnet(ctx, id); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("after delete, our client reads the subnet: %v", err)
	}
}
