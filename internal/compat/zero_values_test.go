package compat_test

import (
	"context"
	"strings"
	"testing"

	v3 "github.com/nutanix-cloud-native/prism-go-client/v3"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// TestCompatZeroValues sends the shapes SDK users send when they fill a struct only in
// part: sections left out or empty, zero delays, empty strings, zero retention counts.
// Prism Central takes them; an incomplete plan is stored and reports what it lacks.
func TestCompatZeroValues(t *testing.T) {
	e := newEnv(t)
	e.withCategory(t)
	ctx := context.Background()
	try := func(name string, mut func(p *v3.RecoveryPlanInput)) {
		p := e.sdkPlan(name)
		mut(p)
		resp, err := e.ca.sdk.V3.CreateRecoveryPlan(ctx, p)
		if err != nil {
			t.Errorf("plan %s: %v", name, err)
			return
		}
		wait(t, e.ca, taskOf(t, resp.Status.ExecutionContext))
	}
	try("nostages", func(p *v3.RecoveryPlanInput) { p.Spec.Resources.StageList = nil })
	// What the spec refuses is refused, through the SDK's error: a stage whose
	// entity_info_list or recover_entities is left out (the SDK leaves out an empty list),
	// and a subnet_list item without gateway_ip and prefix_length.
	refused := func(name string, mut func(p *v3.RecoveryPlanInput)) {
		p := e.sdkPlan(name)
		mut(p)
		if _, err := e.ca.sdk.V3.CreateRecoveryPlan(ctx, p); err == nil || !strings.Contains(err.Error(), "VALIDATION_ERROR") {
			t.Errorf("plan %s: %v, want a VALIDATION_ERROR", name, err)
		}
	}
	refused("emptystage", func(p *v3.RecoveryPlanInput) {
		p.Spec.Resources.StageList[0].StageWork.RecoverEntities.EntityInfoList = nil
	})
	refused("emptystagework", func(p *v3.RecoveryPlanInput) { p.Spec.Resources.StageList[0].StageWork = &v3.StageWork{} })
	refused("subnetnogw", func(p *v3.RecoveryPlanInput) {
		p.Spec.Resources.Parameters.NetworkMappingList[0].AvailabilityZoneNetworkMappingList[0].RecoveryNetwork.SubnetList = []*v3.SubnetList{{}}
	})
	try("nomapping", func(p *v3.RecoveryPlanInput) { p.Spec.Resources.Parameters.NetworkMappingList = nil })
	try("script0", func(p *v3.RecoveryPlanInput) {
		p.Spec.Resources.StageList[0].StageWork.RecoverEntities.EntityInfoList[0].ScriptList = []*v3.ScriptList{{EnableScriptExec: ptr(false), Timeout: ptr(int64(0))}}
	})
	try("emptyclusters", func(p *v3.RecoveryPlanInput) {
		p.Spec.Resources.Parameters.AvailabilityZoneList[0].ClusterReferenceList = []*v3.Reference{}
	})
	try("notestnet", func(p *v3.RecoveryPlanInput) {
		p.Spec.Resources.Parameters.NetworkMappingList[0].AvailabilityZoneNetworkMappingList[0].TestNetwork = nil
	})
	try("emptynet", func(p *v3.RecoveryPlanInput) {
		p.Spec.Resources.Parameters.NetworkMappingList[0].AvailabilityZoneNetworkMappingList[0].TestNetwork = &v3.Network{}
	})
	try("onlyonemapsite", func(p *v3.RecoveryPlanInput) {
		l := p.Spec.Resources.Parameters.NetworkMappingList[0]
		l.AvailabilityZoneNetworkMappingList = l.AvailabilityZoneNetworkMappingList[:1]
	})
	try("noprimaryindex", func(p *v3.RecoveryPlanInput) { p.Spec.Resources.Parameters.PrimaryLocationIndex = nil })
	try("vmstage-power", func(p *v3.RecoveryPlanInput) {
		p.Spec.Resources.StageList = append(p.Spec.Resources.StageList, &v3.StageList{DelayTimeSecs: ptr(int64(0)), StageWork: &v3.StageWork{RecoverEntities: &v3.RecoverEntities{EntityInfoList: []*v3.EntityInfoList{{AnyEntityReference: &v3.Reference{Kind: ptr("vm"), UUID: ptr(acctest.VMID(t, e.w, "canada", "dns-01")), Name: ptr("dns-01")}, Categories: map[string]string{}}}}}})
	})
	rtry := func(name string, mut func(p *v3.ProtectionRuleInput)) {
		p := e.sdkRule(name)
		mut(p)
		resp, err := e.ca.sdk.V3.CreateProtectionRule(ctx, p)
		if err != nil {
			t.Errorf("rule %s: %v", name, err)
			return
		}
		wait(t, e.ca, taskOf(t, resp.Status.ExecutionContext))
		del, err := e.ca.sdk.V3.DeleteProtectionRule(ctx, *resp.Metadata.UUID)
		if err != nil {
			t.Fatalf("delete rule %s: %v", name, err)
		}
		wait(t, e.ca, taskOf(t, del.Status.ExecutionContext))
	}
	rtry("notype", func(p *v3.ProtectionRuleInput) {
		p.Spec.Resources.CategoryFilter.Type = nil
		p.Spec.Resources.CategoryFilter.KindList = nil
	})
	rtry("emptykind", func(p *v3.ProtectionRuleInput) { p.Spec.Resources.CategoryFilter.KindList = []*string{} })
	rtry("descr", func(p *v3.ProtectionRuleInput) { p.Spec.Description = "" })
	rtry("nosnaptype", func(p *v3.ProtectionRuleInput) {
		p.Spec.Resources.AvailabilityZoneConnectivityList[0].SnapshotScheduleList[0].SnapshotType = ""
	})
	rtry("emptyret", func(p *v3.ProtectionRuleInput) {
		p.Spec.Resources.AvailabilityZoneConnectivityList[0].SnapshotScheduleList[0].LocalSnapshotRetentionPolicy = &v3.SnapshotRetentionPolicy{}
	})
	rtry("noclusteruuid", func(p *v3.ProtectionRuleInput) {
		p.Spec.Resources.OrderedAvailabilityZoneList[1].ClusterUUID = ""
	})
	rtry("sync0", func(p *v3.ProtectionRuleInput) {
		s := p.Spec.Resources.AvailabilityZoneConnectivityList[0].SnapshotScheduleList[0]
		s.RecoveryPointObjectiveSecs = ptr(int64(0))
		s.LocalSnapshotRetentionPolicy = &v3.SnapshotRetentionPolicy{NumSnapshots: ptr(int64(0))}
		s.RemoteSnapshotRetentionPolicy = &v3.SnapshotRetentionPolicy{NumSnapshots: ptr(int64(0))}
		p.Spec.Resources.AvailabilityZoneConnectivityList = p.Spec.Resources.AvailabilityZoneConnectivityList[:1]
	})
	rtry("startempty", func(p *v3.ProtectionRuleInput) { p.Spec.Resources.StartTime = "" })
	rtry("meta-uuid-empty", func(p *v3.ProtectionRuleInput) { p.Metadata.UUID = ptr(""); p.Metadata.SpecVersion = ptr(int64(0)) })
}
