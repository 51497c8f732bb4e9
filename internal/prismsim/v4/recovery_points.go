package v4

import (
	"net/http"
	"strings"
	"time"
)

// Recovery points (dataprotection v4.3, SDK dataprotection-go-client api/recovery_points_api.go,
// models/dataprotection/v4/config RecoveryPoint and VmRecoveryPoint), read only:
//
//	GET /api/dataprotection/v4.3/config/recovery-points[?OData]                 -> []RecoveryPoint
//	GET /api/dataprotection/v4.3/config/recovery-points/{extId}                 -> RecoveryPoint, ETag
//	GET /api/dataprotection/v4.3/config/recovery-points/{recoveryPointExtId}/vm-recovery-points/{extId}
//	                                                                            -> VmRecoveryPoint, ETag
//
// A recovery point is one of the model's VM recovery points (v3 vm_recovery_point) on this PC:
// the local ones it took and the copies it received, with one VM recovery point inside
// (tools/prismsim/README.md, "v4", says how the fields map). The header X-Cluster-Id, which
// the SDK documents as the cluster type to fetch from (AOS or MST), picks the points kept on
// clusters (AOS) or in MST stores (MST), and a cluster or store extId the points kept there;
// without it every point is listed (lenient: what a PC lists then is UNCONFIRMED). Creating, replicating, restoring and deleting recovery points are not served:
// protection policies make them.

var recoveryPointsPath = DataProtection.Prefix() + "/config/recovery-points"

const (
	recoveryPointType   = "dataprotection.v4.config.RecoveryPoint"
	vmRecoveryPointType = "dataprotection.v4.config.VmRecoveryPoint"
)

// recoveryPointFields are what $filter and $orderby take: the fields Nutanix's documentation
// lists as filterable (creationTime, extId, locationAgnosticId, name, recoveryPointType,
// vmRecoveryPoints) and sortable (creationTime, expirationTime, name), among those prismsim
// fills; vmRecoveryPoints is filtered with a lambda, vmRecoveryPoints/any(v:v/vmExtId eq '...').
var recoveryPointFields = []string{"extId", "name", "creationTime", "expirationTime", "locationAgnosticId", "recoveryPointType", "status",
	"vmRecoveryPoints", "vmRecoveryPoints/extId", "vmRecoveryPoints/vmExtId", "vmRecoveryPoints/locationAgnosticId",
	"vmRecoveryPoints/recoveryPointType", "vmRecoveryPoints/creationTime"}

// RecoveryPointBackend is what the v4 wire needs of a PC for recovery points.
type RecoveryPointBackend interface {
	// RecoveryPoints returns the recovery points that live on the PC now, oldest first.
	RecoveryPoints() []RecoveryPoint
}

// RecoveryPoint is dataprotection.v4.config.RecoveryPoint in the model's terms: one VM
// recovery point of the model.
type RecoveryPoint struct {
	ExtID              string
	LocationAgnosticID string
	Name               string
	Type               string // CRASH_CONSISTENT or APPLICATION_CONSISTENT
	Created            time.Time
	Expires            time.Time // zero: never
	// ClusterExtID is the cluster the point is kept on; StoreExtID the MST store it is kept in.
	ClusterExtID string
	StoreExtID   string
	// SourceDM and SourceClusters are where the point was taken: the PC (domain manager) and
	// the cluster of the VM.
	SourceDM       string
	SourceClusters []string
	VM             VMRecoveryPoint
}

// VMRecoveryPoint is dataprotection.v4.config.VmRecoveryPoint.
type VMRecoveryPoint struct {
	ExtID              string
	LocationAgnosticID string
	VMExtID            string
	// Categories are the VM's categories when the point was taken, "key/value".
	Categories []string
}

func recoveryPointRoutes() []Route {
	return []Route{
		{http.MethodGet, recoveryPointsPath, "vm_recovery_point", handleListRecoveryPoints},
		{http.MethodGet, recoveryPointsPath + "/{extId}", "vm_recovery_point", handleGetRecoveryPoint},
		{http.MethodGet, recoveryPointsPath + "/{recoveryPointExtId}/vm-recovery-points/{extId}", "vm_recovery_point", handleGetVMRecoveryPoint},
	}
}

func dpr(objectType string, fields map[string]any) map[string]any {
	return DataProtection.object(objectType, fields)
}

func rpTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func renderVMRecoveryPoint(b Backend, p RecoveryPoint) map[string]any {
	out := map[string]any{
		"extId": p.VM.ExtID, "locationAgnosticId": p.VM.LocationAgnosticID, "name": p.Name,
		"vmExtId": p.VM.VMExtID, "creationTime": rpTime(p.Created), "recoveryPointType": p.Type,
		"status": "COMPLETE", "hypervisorType": "AHV",
		"links": []any{v4Link(b.URL()+recoveryPointsPath+"/"+p.ExtID+"/vm-recovery-points/"+p.VM.ExtID, "self")},
	}
	if !p.Expires.IsZero() {
		out["expirationTime"] = rpTime(p.Expires)
	}
	if len(p.VM.Categories) > 0 {
		out["vmCategories"] = p.VM.Categories
	}
	return dpr(vmRecoveryPointType, out)
}

func renderRecoveryPoint(b Backend, p RecoveryPoint) map[string]any {
	out := map[string]any{
		"extId": p.ExtID, "locationAgnosticId": p.LocationAgnosticID, "name": p.Name,
		"creationTime": rpTime(p.Created), "recoveryPointType": p.Type, "status": "COMPLETE", "isSecure": false,
		"vmRecoveryPoints": []any{renderVMRecoveryPoint(b, p)},
		"links":            []any{v4Link(b.URL()+recoveryPointsPath+"/"+p.ExtID, "self")},
	}
	if !p.Expires.IsZero() {
		out["expirationTime"] = rpTime(p.Expires)
	}
	if where := firstOf(p.ClusterExtID, p.StoreExtID); where != "" {
		out["locationReferences"] = []any{dpr("dataprotection.v4.config.LocationReference", map[string]any{"locationExtId": where})}
	}
	if p.SourceDM != "" {
		clusters := p.SourceClusters
		if clusters == nil {
			clusters = []string{}
		}
		out["sourceLocation"] = dpr("dataprotection.v4.config.DisasterRecoveryLocation",
			map[string]any{"domainManagerExtId": p.SourceDM, "clusterExtIds": clusters})
	}
	return dpr(recoveryPointType, out)
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// pointsOfClusterType returns the points X-Cluster-Id selects; ok is false for a value that
// is neither a cluster type nor an id.
func pointsOfClusterType(rq Request) ([]RecoveryPoint, bool) {
	want := strings.TrimSpace(rq.HTTP.Header.Get("X-Cluster-Id"))
	var out []RecoveryPoint
	for _, p := range rq.PC.RecoveryPoints() {
		switch {
		case want == "":
		case strings.EqualFold(want, "AOS"):
			if p.StoreExtID != "" {
				continue
			}
		case strings.EqualFold(want, "MST"):
			if p.StoreExtID == "" {
				continue
			}
		case len(want) == 36:
			if !strings.EqualFold(want, p.ClusterExtID) && !strings.EqualFold(want, p.StoreExtID) {
				continue
			}
		default:
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

func handleListRecoveryPoints(rq Request) (int, any) {
	points, ok := pointsOfClusterType(rq)
	if !ok {
		return DataProtection.fail(http.StatusBadRequest, 40005, "X-Cluster-Id",
			"X-Cluster-Id %q is not a cluster type (AOS or MST) nor a cluster or store extId", rq.HTTP.Header.Get("X-Cluster-Id"))
	}
	return listOf(DataProtection, rq, recoveryPointFields, "dataprotection.v4.config.ListRecoveryPointsApiResponse", recoveryPointType,
		points, func(p RecoveryPoint) map[string]any { return renderRecoveryPoint(rq.PC, p) })
}

func findRecoveryPoint(b Backend, id string) (RecoveryPoint, bool) {
	return findByID(b.RecoveryPoints(), func(p RecoveryPoint) string { return p.ExtID }, id)
}

func handleGetRecoveryPoint(rq Request) (int, any) {
	p, ok := findRecoveryPoint(rq.PC, rq.Params["extId"])
	if !ok {
		return DataProtection.fail(http.StatusNotFound, 40400, "extId", "recovery point %s was not found", rq.Params["extId"])
	}
	return DataProtection.entityAnswer(http.StatusOK, "dataprotection.v4.config.GetRecoveryPointApiResponse", renderRecoveryPoint(rq.PC, p))
}

func handleGetVMRecoveryPoint(rq Request) (int, any) {
	p, ok := findRecoveryPoint(rq.PC, rq.Params["recoveryPointExtId"])
	if !ok {
		return DataProtection.fail(http.StatusNotFound, 40400, "recoveryPointExtId", "recovery point %s was not found", rq.Params["recoveryPointExtId"])
	}
	if !strings.EqualFold(p.VM.ExtID, rq.Params["extId"]) {
		return DataProtection.fail(http.StatusNotFound, 40400, "extId", "recovery point %s has no VM recovery point %s", p.ExtID, rq.Params["extId"])
	}
	return DataProtection.entityAnswer(http.StatusOK, "dataprotection.v4.config.GetVmRecoveryPointApiResponse", renderVMRecoveryPoint(rq.PC, p))
}
