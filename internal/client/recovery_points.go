package client

import (
	"context"
	"time"
)

// Recovery point types (recovery_point_type).
const (
	RecoveryPointCrashConsistent       = SnapshotTypeCrashConsistent
	RecoveryPointApplicationConsistent = SnapshotTypeApplicationConsistent
	RecoveryPointLive                  = "LIVE"
)

// RecoveryPointTypes lists every recovery point type.
var RecoveryPointTypes = []string{RecoveryPointCrashConsistent, RecoveryPointApplicationConsistent, RecoveryPointLive}

// RecoveryPoint is a VM recovery point: a snapshot of one VM kept in one
// availability zone. A replicated copy is listed by the Prism Central of
// the zone it was replicated to.
type RecoveryPoint struct {
	UUID string
	Name string
	// VMUUID and VMName name the VM the point is a snapshot of
	// (parent_vm_reference).
	VMUUID string
	VMName string
	// AvailabilityZoneUUID is the zone the point lives in, when reported.
	AvailabilityZoneUUID string
	// SourceAvailabilityZoneUUID is the zone the point was taken in: the
	// source of a replicated copy, the zone it lives in for a local point
	// (when reported).
	SourceAvailabilityZoneUUID string
	// VMRecoveryPointUUID is the id of the VM recovery point inside a v4
	// recovery point (UUID is the v4 recovery point's); over v3, UUID.
	VMRecoveryPointUUID string
	// ClusterUUID is the cluster the point lives on, when reported.
	ClusterUUID string
	// ProtectionPolicyUUID is the protection rule that made the point, when
	// reported.
	ProtectionPolicyUUID string
	// LocationAgnosticUUID is shared by every copy of the same point.
	LocationAgnosticUUID string
	// Type is CRASH_CONSISTENT, APPLICATION_CONSISTENT or LIVE.
	Type string
	// CreationTime is when the snapshot was taken; ExpirationTime when it
	// will be garbage collected (zero: never).
	CreationTime   time.Time
	ExpirationTime time.Time
}

type recoveryPointResourcesJSON struct {
	ParentVMReference                   *referenceJSON `json:"parent_vm_reference"`
	RecoveryPointType                   string         `json:"recovery_point_type"`
	CreationTime                        string         `json:"creation_time"`
	ExpirationTime                      string         `json:"expiration_time"`
	VMRecoveryPointLocationAgnosticUUID string         `json:"vm_recovery_point_location_agnostic_uuid"`
	ProtectionRuleReference             *referenceJSON `json:"protection_rule_reference"`
	SourceAvailabilityZoneReference     *referenceJSON `json:"source_availability_zone_reference"`
}

type recoveryPointSideJSON struct {
	Name                      string                     `json:"name"`
	AvailabilityZoneReference *referenceJSON             `json:"availability_zone_reference"`
	ClusterReference          *referenceJSON             `json:"cluster_reference"`
	Resources                 recoveryPointResourcesJSON `json:"resources"`
}

type recoveryPointJSON struct {
	entityHead
	Spec   recoveryPointSideJSON `json:"spec"`
	Status recoveryPointSideJSON `json:"status"`
}

// refUUID returns the uuid of the first non-nil reference.
func refUUID(refs ...*referenceJSON) (uuid, name string) {
	for _, r := range refs {
		if r != nil && r.UUID != "" {
			return r.UUID, r.Name
		}
	}
	return "", ""
}

// toRecoveryPoint converts the entity; id is the uuid asked for, for an
// entity that names none.
func (p *recoveryPointJSON) toRecoveryPoint(id string) RecoveryPoint {
	st, sp := &p.Status, &p.Spec
	out := RecoveryPoint{
		UUID:                 firstNonEmpty(p.Metadata.UUID, id),
		Name:                 firstNonEmpty(st.Name, sp.Name, p.Metadata.Name),
		Type:                 firstNonEmpty(st.Resources.RecoveryPointType, sp.Resources.RecoveryPointType),
		LocationAgnosticUUID: firstNonEmpty(st.Resources.VMRecoveryPointLocationAgnosticUUID, sp.Resources.VMRecoveryPointLocationAgnosticUUID),
		CreationTime:         parseTime(firstNonEmpty(st.Resources.CreationTime, sp.Resources.CreationTime), 0),
		ExpirationTime:       parseTime(firstNonEmpty(st.Resources.ExpirationTime, sp.Resources.ExpirationTime), 0),
	}
	out.VMUUID, out.VMName = refUUID(st.Resources.ParentVMReference, sp.Resources.ParentVMReference)
	out.AvailabilityZoneUUID, _ = refUUID(st.AvailabilityZoneReference, sp.AvailabilityZoneReference)
	out.ClusterUUID, _ = refUUID(st.ClusterReference, sp.ClusterReference)
	out.ProtectionPolicyUUID, _ = refUUID(st.Resources.ProtectionRuleReference, sp.Resources.ProtectionRuleReference)
	out.SourceAvailabilityZoneUUID, _ = refUUID(st.Resources.SourceAvailabilityZoneReference, sp.Resources.SourceAvailabilityZoneReference)
	if out.SourceAvailabilityZoneUUID == "" {
		out.SourceAvailabilityZoneUUID = out.AvailabilityZoneUUID
	}
	out.VMRecoveryPointUUID = out.UUID
	return out
}

// ListVMRecoveryPoints lists the VM recovery points this Prism Central
// holds that match a FIQL filter ("" for all), every page: the local
// points it took and the copies replicated to it. Filters name the
// attributes vm_uuid, vm_name, availability_zone_uuid,
// protection_rule_uuid or recovery_point_type, e.g.
// "vm_uuid==<uuid>". Over v4 (v4_recovery_points.go) only vm_uuid and
// name filter; the others are read over v3 under api_version = "auto".
func (c *Client) ListVMRecoveryPoints(ctx context.Context, filter string) ([]RecoveryPoint, error) {
	return kindVMRecoveryPoint.list(ctx, c, filter)
}

// GetVMRecoveryPoint reads a VM recovery point.
func (c *Client) GetVMRecoveryPoint(ctx context.Context, uuid string) (*RecoveryPoint, error) {
	return kindVMRecoveryPoint.get(ctx, c, uuid)
}

// kindVMRecoveryPoint declares the VM recovery point, which the client only
// reads.
var kindVMRecoveryPoint = &entityKind[RecoveryPoint, RecoveryPoint]{noun: "VM recovery point", v3: &v3Kind[RecoveryPoint, RecoveryPoint, recoveryPointJSON]{
	kind:   "vm_recovery_point",
	decode: (*recoveryPointJSON).toRecoveryPoint,
}, v4: v4RecoveryPoints, wire: KindRecoveryPoints}
