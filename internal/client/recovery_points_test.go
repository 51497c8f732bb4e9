package client

import (
	"context"
	"errors"
	"testing"
	"time"
)

func recoveryPointEntity(uuid, vm, vmName, az, rule, typ, created, expires string) map[string]any {
	res := map[string]any{
		"parent_vm_reference":                      map[string]any{"kind": "vm", "uuid": vm, "name": vmName},
		"recovery_point_type":                      typ,
		"creation_time":                            created,
		"vm_recovery_point_location_agnostic_uuid": "9a000000-0000-4000-8000-0000000000a9",
	}
	if expires != "" {
		res["expiration_time"] = expires
	}
	if rule != "" {
		res["protection_rule_reference"] = map[string]any{"kind": "protection_rule", "uuid": rule}
	}
	return map[string]any{
		"api_version": "3.1",
		"metadata":    map[string]any{"kind": "vm_recovery_point", "uuid": uuid},
		"spec":        map[string]any{"name": "ignored-spec-name"},
		"status": map[string]any{
			"name": vmName + "-point", "state": "COMPLETE",
			"availability_zone_reference": map[string]any{"kind": "availability_zone", "uuid": az},
			"cluster_reference":           map[string]any{"kind": "cluster", "uuid": frCluster},
			"resources":                   res,
		},
	}
}

func TestListVMRecoveryPoints(t *testing.T) {
	f := newFakeRules(t)
	f.points = []map[string]any{
		recoveryPointEntity("8a000000-0000-4000-8000-0000000000a8", vmApp, "app-01", frAZ, fixtureUUID, RecoveryPointApplicationConsistent, "2025-01-02T03:04:05Z", "2025-01-02T04:04:05Z"),
		recoveryPointEntity("8b000000-0000-4000-8000-0000000000b8", vmDB, "db-01", frAZ, "", RecoveryPointCrashConsistent, "2025-01-02T03:19:05.5Z", ""),
	}
	c, _ := f.server(t)
	ctx := context.Background()
	points, err := c.ListVMRecoveryPoints(ctx, "")
	if err != nil || len(points) != 2 {
		t.Fatalf("ListVMRecoveryPoints = %+v, %v", points, err)
	}
	want := RecoveryPoint{
		UUID: "8a000000-0000-4000-8000-0000000000a8", Name: "app-01-point", VMUUID: vmApp, VMName: "app-01",
		AvailabilityZoneUUID: frAZ, ClusterUUID: frCluster, ProtectionPolicyUUID: fixtureUUID,
		// A local point: taken in the zone it lives in.
		SourceAvailabilityZoneUUID: frAZ, VMRecoveryPointUUID: "8a000000-0000-4000-8000-0000000000a8",
		LocationAgnosticUUID: "9a000000-0000-4000-8000-0000000000a9", Type: RecoveryPointApplicationConsistent,
		CreationTime:   time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		ExpirationTime: time.Date(2025, 1, 2, 4, 4, 5, 0, time.UTC),
	}
	if !points[0].CreationTime.Equal(want.CreationTime) || !points[0].ExpirationTime.Equal(want.ExpirationTime) {
		t.Errorf("times = %v, %v", points[0].CreationTime, points[0].ExpirationTime)
	}
	points[0].CreationTime, points[0].ExpirationTime = want.CreationTime, want.ExpirationTime
	if points[0] != want {
		t.Errorf("recovery point = %+v\nwant %+v", points[0], want)
	}
	if !points[1].ExpirationTime.IsZero() || points[1].ProtectionPolicyUUID != "" || points[1].CreationTime.Nanosecond() != 5e8 {
		t.Errorf("recovery point without expiry or rule = %+v", points[1])
	}
	got, err := c.GetVMRecoveryPoint(ctx, want.UUID)
	if err != nil || got.VMUUID != vmApp || got.Type != want.Type {
		t.Errorf("GetVMRecoveryPoint = %+v, %v", got, err)
	}
	if _, err := c.GetVMRecoveryPoint(ctx, "8c000000-0000-4000-8000-0000000000c8"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetVMRecoveryPoint of a missing point: %v", err)
	}
}
