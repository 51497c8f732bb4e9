package v3

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Recovery points: POST /vm_recovery_points/list and GET /vm_recovery_points/{uuid}.

// RecoveryPoint is a recovery point that lives on a PC, as the model shows it.
type RecoveryPoint struct {
	UUID, Name string
	Agnostic   string // the location-agnostic uuid a point shares with its copies
	Type       string // CRASH_CONSISTENT...
	VM         Reference
	// VMSpec and VMCategories are the VM's spec and categories when the point was taken.
	VMSpec           json.RawMessage
	VMCategories     map[string][]string
	Created, Expires time.Time  // Expires is zero for a point that does not expire
	AZ               *Reference // the PC's Local availability zone, if enabled
	Cluster          *Reference // the cluster it is kept on, if any
	// SourceAZ and SourceCluster name where a copy came from.
	SourceAZ, SourceCluster *Reference
	Rule                    Reference // the protection policy that made it
	// StoreUUID is the MST store a replica is kept in, Store its reference ({kind, uuid,
	// name, bucket}); nil and "" when none.
	StoreUUID string
	Store     map[string]any
}

// RecoveryPointBackend is what the v3 wire needs of a PC for recovery points.
type RecoveryPointBackend interface {
	// VMRecoveryPoints returns the recovery points that live on the PC now (live
	// synchronous replicas included), in their default list order.
	VMRecoveryPoints() []RecoveryPoint
	VMRecoveryPoint(id string) (RecoveryPoint, error)
}

func init() {
	addRoutes(
		route(http.MethodPost, "/vm_recovery_points/list", "vm_recovery_point", handleListRecoveryPoints),
		route(http.MethodGet, "/vm_recovery_points/{uuid}", "vm_recovery_point", handleGetRecoveryPoint),
	)
}

var pointAttrs = []string{"name", "vm_uuid", "vm_name", "availability_zone_uuid", "availability_zone_name", "cluster_uuid",
	"source_availability_zone_uuid", "protection_rule_uuid", "recovery_point_type", "creation_time", "expiration_time",
	"location_agnostic_uuid", "uuid", "recovery_point_store_uuid"}

func pointAttrsOf(p RecoveryPoint) map[string][]string {
	a := map[string][]string{
		"uuid":                   {p.UUID},
		"name":                   {p.Name},
		"vm_uuid":                {p.VM.UUID},
		"vm_name":                {p.VM.Name},
		"protection_rule_uuid":   {p.Rule.UUID},
		"recovery_point_type":    {p.Type},
		"creation_time":          {fmt.Sprint(p.Created.UnixMicro())},
		"location_agnostic_uuid": {p.Agnostic},
	}
	if p.AZ != nil {
		a["availability_zone_uuid"] = []string{p.AZ.UUID}
		a["availability_zone_name"] = []string{p.AZ.Name}
	}
	if p.Cluster != nil {
		a["cluster_uuid"] = []string{p.Cluster.UUID}
	}
	if p.StoreUUID != "" {
		a["recovery_point_store_uuid"] = []string{p.StoreUUID}
	}
	if !p.Expires.IsZero() {
		a["expiration_time"] = []string{fmt.Sprint(p.Expires.UnixMicro())}
	}
	if p.SourceAZ != nil {
		a["source_availability_zone_uuid"] = []string{p.SourceAZ.UUID}
	}
	return a
}

// renderPoint renders a point as the spec's vm_recovery_point_intent_resource.
func renderPoint(p RecoveryPoint) map[string]any {
	resources := map[string]any{
		"parent_vm_reference":                      p.VM,
		"recovery_point_type":                      p.Type,
		"creation_time":                            FormatTime(p.Created),
		"vm_recovery_point_location_agnostic_uuid": p.Agnostic,
	}
	if !p.Expires.IsZero() {
		resources["expiration_time"] = FormatTime(p.Expires)
	}
	if p.SourceAZ != nil {
		resources["source_availability_zone_reference"] = *p.SourceAZ
	}
	if p.SourceCluster != nil {
		resources["source_cluster_reference"] = *p.SourceCluster
	}
	spec := map[string]any{"name": p.Name, "resources": resources}
	status := map[string]any{"name": p.Name, "state": "COMPLETE"}
	if p.AZ != nil {
		spec["availability_zone_reference"] = *p.AZ
		status["availability_zone_reference"] = *p.AZ
	}
	if p.Cluster != nil {
		spec["cluster_reference"] = *p.Cluster
		status["cluster_reference"] = *p.Cluster
	}
	statusRes := make(map[string]any, len(resources)+3)
	for k, val := range resources {
		statusRes[k] = val
	}
	statusRes["vm_spec"] = p.VMSpec
	single := map[string]string{}
	for k, vals := range p.VMCategories {
		if len(vals) > 0 {
			single[k] = vals[0]
		}
	}
	statusRes["vm_metadata"] = map[string]any{"kind": p.VM.Kind, "uuid": p.VM.UUID, "categories": single}
	// Not in the spec: the rule that made the recovery point.
	statusRes["protection_rule_reference"] = p.Rule
	// Not in the spec either: the MST store a replica is kept in.
	if p.Store != nil {
		statusRes["recovery_point_store_reference"] = p.Store
	}
	status["resources"] = statusRes
	return map[string]any{
		"api_version": APIVersion,
		"metadata": map[string]any{
			"kind": "vm_recovery_point", "uuid": p.UUID, "spec_version": 0,
			"creation_time": FormatTime(p.Created), "last_update_time": FormatTime(p.Created),
			"categories": map[string]string{}, "categories_mapping": map[string][]string{},
		},
		"spec":   spec,
		"status": status,
	}
}

func handleListRecoveryPoints(rq Request) (int, any, error) {
	lr, apiErr := DecodeList(rq.Body, "vm_recovery_point")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	points := rq.PC.VMRecoveryPoints()
	items := make([]ListItem, len(points))
	for i, p := range points {
		p := p
		items[i] = ListItem{Seq: int64(i), Attrs: pointAttrsOf(p), Render: func() any { return renderPoint(p) }}
	}
	return listAnswer(lr, "vm_recovery_point", pointAttrs, items)
}

func handleGetRecoveryPoint(rq Request) (int, any, error) {
	id, apiErr := rq.UUIDParam()
	if apiErr != nil {
		return 0, nil, apiErr
	}
	p, err := rq.PC.VMRecoveryPoint(id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderPoint(p), nil
}
