package prismsim

import (
	"sort"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// The PC's recovery points as the v4 wire shows them (v4.RecoveryPointBackend): the same
// points v3 lists at /vm_recovery_points (recovery_points.go), one v4 recovery point per v3
// VM recovery point, with one VM recovery point inside. The v4 recovery point has the v3
// uuid as its extId, so the two wires name a point alike; the VM recovery point inside has
// an extId (and a location-agnostic id) derived from the v3 ones. tools/prismsim/README.md,
// "v4", has the field map.

// RecoveryPoints implements v4.RecoveryPointBackend.
func (pc *PC) RecoveryPoints() []v4.RecoveryPoint {
	var out []v4.RecoveryPoint
	pc.viewRecoveryPoints(func(_ pointView, points []*recoveryPoint) {
		out = make([]v4.RecoveryPoint, 0, len(points))
		for _, p := range points {
			out = append(out, pc.v4RecoveryPointLocked(p))
		}
	})
	return out
}

// v4RecoveryPointLocked converts a point of this PC. The caller holds the PC's mutex; the
// source PC is named by its uuid, which does not change (no lock on it).
func (pc *PC) v4RecoveryPointLocked(p *recoveryPoint) v4.RecoveryPoint {
	out := v4.RecoveryPoint{
		ExtID: p.uuid, LocationAgnosticID: p.agnostic, Name: p.name, Type: p.typ,
		Created: p.created, Expires: p.expires, ClusterExtID: p.clusterUUID, StoreExtID: p.store,
		SourceDM: pc.uuid,
		VM: v4.VMRecoveryPoint{
			ExtID:              model.NameUUID("vm-recovery-point", p.uuid),
			LocationAgnosticID: model.NameUUID("vm-recovery-point", p.agnostic),
			VMExtID:            p.vmUUID,
		},
	}
	if p.typ == "" {
		out.Type = "CRASH_CONSISTENT"
	}
	source := p.clusterUUID
	if p.sourcePC != "" {
		if src := pc.w.PC(p.sourcePC); src != nil {
			out.SourceDM = src.uuid
		}
		source = p.sourceCluster
	}
	if source != "" {
		out.SourceClusters = []string{source}
	}
	for _, k := range sortedKeys(p.vmCategories) {
		for _, v := range p.vmCategories[k] {
			out.VM.Categories = append(out.VM.Categories, k+"/"+v)
		}
	}
	sort.Strings(out.VM.Categories)
	return out
}
