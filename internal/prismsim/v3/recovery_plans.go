package v3

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Recovery plans are served by the generic handlers; GET /recovery_plans/{uuid}/entities
// is here.

// PlanEntity is a VM a recovery plan's stages select at one of its availability zones.
type PlanEntity struct {
	VM              Reference
	IsRecoveryPoint bool   // known from a recovery point only
	Protection      string // PROTECTED or UNPROTECTED
	// Replication and Recoverability are set for a VM replicated synchronously:
	// SYNCED/RECOVERABLE, or OUT_OF_SYNC/UNRECOVERABLE while its peer is down.
	Replication, Recoverability string
	// OrderIndex is the index in the zone's Orders of the policy that covers the VM.
	OrderIndex *int
}

// PlanZoneEntities are the entities of a plan at one of its availability zones.
type PlanZoneEntities struct {
	URL string
	// Known tells that the model knows the zone's site; when not, it has no entities and
	// no orders.
	Known    bool
	Entities []PlanEntity
	// Orders are the distinct location orders of the policies that cover the entities,
	// each a list of {availability_zone_url, cluster}.
	Orders [][]map[string]string
}

// PlanBackend is what the v3 wire needs of a PC for recovery plans beyond the generic
// handlers.
type PlanBackend interface {
	// PlanEntities answers the entities of plan id at each of its availability zones, as
	// of refTime (zero: now).
	PlanEntities(id string, refTime time.Time) ([]PlanZoneEntities, error)
}

// planEntityActions are the spec's action_type values of GET /recovery_plans/{uuid}/entities.
var planEntityActions = []string{"MIGRATE", "LIVE_MIGRATE", "FAILOVER", "TEST_FAILOVER"}

func init() {
	addRoutes(route(http.MethodGet, "/recovery_plans/{uuid}/entities", "recovery_plan", handlePlanEntities))
}

func handlePlanEntities(rq Request) (int, any, error) {
	id, apiErr := rq.UUIDParam()
	if apiErr != nil {
		return 0, nil, apiErr
	}
	q := rq.HTTP.URL.Query()
	if a := q.Get("action_type"); a != "" && !slices.Contains(planEntityActions, a) {
		return 0, nil, ValidationError("query parameter action_type must be one of %s, got %q", strings.Join(planEntityActions, ", "), a)
	}
	var refTime time.Time
	if s := q.Get("recovery_reference_time"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return 0, nil, ValidationError("query parameter recovery_reference_time must be a date-time like 2024-05-01T14:00:00Z, got %q", s)
		}
		refTime = t
	}
	zones, err := rq.PC.PlanEntities(id, refTime)
	if err != nil {
		return 0, nil, err
	}
	list := []any{}
	for _, z := range zones {
		entities := []any{}
		item := map[string]any{"availability_zone_url": z.URL, "entity_list": entities}
		if !z.Known {
			list = append(list, item)
			continue
		}
		for _, en := range z.Entities {
			it := map[string]any{
				"any_entity_reference": en.VM,
				"is_recovery_point":    en.IsRecoveryPoint,
				"protection_status":    en.Protection,
			}
			if en.Replication != "" {
				it["replication_status"] = en.Replication
				it["recoverability"] = map[string]any{"status": en.Recoverability}
			}
			if en.OrderIndex != nil {
				it["recovery_availability_zone_order_index"] = *en.OrderIndex
			}
			entities = append(entities, it)
		}
		orderList := []any{}
		for _, o := range z.Orders {
			orderList = append(orderList, map[string]any{"availability_zone_list": o})
		}
		item["entity_list"] = entities
		item["availability_zone_order_list"] = orderList
		list = append(list, item)
	}
	return http.StatusOK, map[string]any{"entities_per_availability_zone_list": list}, nil
}
