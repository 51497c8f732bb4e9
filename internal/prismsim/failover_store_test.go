package prismsim

import (
	"strings"
	"testing"
	"time"
)

// TestJobFailoverFromStoreDefersWhatDoesNotFit recovers tier-2 VMs from an MST store into a
// cluster too small to power them all on: the job warns that the cluster needs more nodes and
// recovers the VMs that do not fit powered off, instead of failing.
func TestJobFailoverFromStoreDefersWhatDoesNotFit(t *testing.T) {
	const capacity = 12 // vCPUs; tier 2 (file-01 8, web-01 4, web-02 4) needs 16
	env := newPilotRuleEnv(t, func(cfg *WorldConfig) {
		// The recovered VMs keep their category: it must exist at the recovery site too.
		cfg.PCs[1].Categories = append(cfg.PCs[1].Categories, CategoryConfig{Name: "dr-tier", Values: []string{"nc2", "s3"}})
		for i := range cfg.PCs[1].Clusters {
			if cfg.PCs[1].Clusters[i].Name == "NC2-PL" {
				cfg.PCs[1].Clusters[i].VCPUCapacity = capacity
			}
		}
	})
	w := env.w
	re := &ruleEnv{w: w}
	re.createRule(t, env.onprem, env.mstRule("tier2-to-s3", env.toNC2, env.store, 12))
	w.Clock().Advance(3*time.Hour + w.Settings().ReplicationDelay.Std())

	nc2PL := clusterUUID(t, env.nc2, "NC2-PL")
	plan := env.onprem.accept(env.onprem.v3("POST", "/recovery_plans", map[string]any{
		"metadata": map[string]any{"kind": "recovery_plan", "uuid": newUUID()},
		"spec": map[string]any{"name": "tier2-to-nc2", "resources": map[string]any{
			"stage_list": []any{stage(0, catEntity(map[string]string{"dr-tier": "s3"}))},
			"parameters": map[string]any{
				"primary_location_index": 0,
				"availability_zone_list": []any{
					map[string]any{"availability_zone_url": env.local},
					map[string]any{"availability_zone_url": env.toNC2, "cluster_reference_list": []any{
						map[string]any{"kind": "cluster", "uuid": nc2PL}}},
				},
				"network_mapping_list": []any{map[string]any{"are_networks_stretched": false, "availability_zone_network_mapping_list": []any{
					siteNetworks(env.local, network("vlan10-prod", "192.168.10.1", 24), nil),
					siteNetworks(env.toNC2, network("PC-Net", "10.110.33.1", 24), nil),
				}}},
			},
		}},
	}))
	planUUID := getString(plan, "metadata", "uuid")

	if err := w.SiteDown("onprem"); err != nil {
		t.Fatal(err)
	}
	nc2AZs := env.nc2.azs()
	job := startJob(t, env.nc2, map[string]any{
		"api_version": "3.1",
		"metadata":    map[string]any{"kind": "recovery_plan_job", "uuid": newUUID()},
		"spec": map[string]any{"name": "pilot-light", "resources": map[string]any{
			"recovery_plan_reference": map[string]any{"kind": "recovery_plan", "uuid": planUUID},
			"execution_parameters": map[string]any{
				"failed_availability_zone_list": []any{map[string]any{
					"availability_zone_url": getString(nc2AZs["PC_"+w.PC("onprem").AdvertisedIP()], "metadata", "uuid")}},
				"recovery_availability_zone_list": []any{map[string]any{
					"availability_zone_url": getString(nc2AZs[localAZName], "metadata", "uuid")}},
				"action_type": "FAILOVER",
			},
		}},
	})
	done := waitJob(t, env.nc2, job, nil)
	if got := jobStatusOf(done); got != "COMPLETED_WITH_WARNING" {
		t.Fatalf("job %s: %s", got, mustJSON(done))
	}
	var warning string
	for _, m := range messages(done, "warnings_list") {
		if strings.Contains(m, "lacks the capacity") {
			warning = m
		}
	}
	if warning == "" || !strings.Contains(warning, "NC2-PL") {
		t.Fatalf("no capacity warning naming NC2-PL among %q", messages(done, "warnings_list"))
	}

	// The VMs the warning names are off; the others run; what runs fits the cluster.
	vms := vmsOf(t, env.nc2)
	on, deferred := 0, 0
	for _, name := range []string{"file-01", "web-01", "web-02"} {
		vm, ok := vms[name]
		if !ok {
			t.Fatalf("%s was not recovered on nc2-aws", name)
		}
		named := strings.Contains(warning, name)
		switch power := vmPower(vm); {
		case named && power != "OFF":
			t.Errorf("%s is named in the warning but %s", name, power)
		case !named && power != "ON":
			t.Errorf("%s is not named in the warning but %s", name, power)
		case power == "ON":
			on += int(getInt(t, vm, "spec", "resources", "num_sockets") * getInt(t, vm, "spec", "resources", "num_vcpus_per_socket"))
		default:
			deferred++
		}
	}
	if deferred == 0 || on > capacity {
		t.Errorf("%d VMs deferred, %d vCPUs powered on: want at least one deferred and at most %d on", deferred, on, capacity)
	}
}
