package v3

import "net/http"

// Protection rules (protection policies) are served by the generic handlers; GET
// /protection_rules/{uuid}/query_entities is here.

// ProtectedVM is a VM a protection policy selects, and the other policies that select it too.
type ProtectedVM struct {
	VM        Reference
	Conflicts []Reference
}

// PolicyBackend is what the v3 wire needs of a PC for protection policies beyond the
// generic handlers.
type PolicyBackend interface {
	// ProtectedVMs returns the VMs of the PC the protection policy id selects.
	ProtectedVMs(id string) ([]ProtectedVM, error)
}

func init() {
	addRoutes(route(http.MethodGet, "/protection_rules/{uuid}/query_entities", "protection_rule", handleRuleQueryEntities))
}

// handleRuleQueryEntities answers GET /protection_rules/{uuid}/query_entities with the
// spec's affected_entity_list: the VMs of this PC the rule's category filter selects,
// each with the other rules that select it too.
func handleRuleQueryEntities(rq Request) (int, any, error) {
	id, apiErr := rq.UUIDParam()
	if apiErr != nil {
		return 0, nil, apiErr
	}
	protected, err := rq.PC.ProtectedVMs(id)
	if err != nil {
		return 0, nil, err
	}
	list := []any{}
	for _, p := range protected {
		item := map[string]any{"vm_reference": p.VM}
		var conflicts []any
		for _, other := range p.Conflicts {
			conflicts = append(conflicts, map[string]any{"protection_rule_reference": other})
		}
		if len(conflicts) > 0 {
			item["conflicting_protection_rule_list"] = conflicts
		}
		list = append(list, item)
	}
	return http.StatusOK, map[string]any{"entity_list": list}, nil
}
