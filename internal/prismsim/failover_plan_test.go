package prismsim

import (
	"strings"
	"testing"
)

// planFailover is pure: it plans from copied facts, with no PC, no world and no mutex.
func TestPlanFailoverFromFactsAlone(t *testing.T) {
	job := &jobState{action: actionMigrate, plan: reference{Kind: planKind.name, UUID: newUUID(), Name: "plan"}, failedSite: "a"}

	fp := planFailover(&failoverFacts{job: job, dstName: "b", srcName: "a", srcKnown: true})
	if !fp.fatal || len(fp.errors) != 1 || !strings.Contains(fp.errors[0].message, "does not exist on this Prism Central any more") {
		t.Fatalf("a plan gone from the recovery PC: %+v", fp)
	}

	inv := &dstInventory{plan: &recoveryPlan{}, cluster: newUUID(), clusterName: "c"}
	fp = planFailover(&failoverFacts{job: job, dstName: "b", srcName: "a", srcKnown: true, inv: inv,
		srcF: &siteFacts{name: "a", down: true}, dstF: &siteFacts{name: "b"}, srcLabel: "PC_a", dstLabel: "Local (b)", fromLive: true})
	if !fp.fatal || len(fp.errors) != 1 || fp.errors[0].typ != "CONNECTIVITY" || !strings.Contains(fp.errors[0].message, "needs both sites up") {
		t.Fatalf("a planned failover from a site that is down: %+v", fp)
	}
}
