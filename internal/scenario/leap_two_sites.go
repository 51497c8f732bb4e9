package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// The leap-two-sites topology: two on-premises Prism Centrals, Canada and France.
const (
	leapPrimary       = "canada"
	leapRecovery      = "france"
	leapCategoryKey   = "replicated-vm"
	leapCategoryValue = "from-canada"
	// leapRetention is the retention count of the scenario's policy (its retention variable).
	leapRetention = 4
)

// leapProtectedVMs and leapUnprotectedVMs are the VMs of Canada that the configuration tags
// (its protected_vms default) and those it must leave alone.
var (
	leapProtectedVMs   = []string{"app-01", "db-01"}
	leapUnprotectedVMs = []string{"dns-01"}
)

func leapTwoSites() *Scenario {
	return &Scenario{
		Name: "leap-two-sites",
		Summary: "two on-premises Prism Centrals, Canada and France; the category " +
			leapCategoryKey + ":" + leapCategoryValue + " created on Canada only (France receives it with the synced policy), assigned to app-01 and db-01 in Canada; DR enabled on both sites and the sites paired; the guide's 15-minute policy replicating them to France; the guide's recovery plan and a staged dns-first plan; a test failover and its cleanup, the planned failover to France, the reversal and the failback, and the disaster: an unplanned failover from a configuration that needs only France, the return of Canada, the configuration converging with protection reversed, and the failback",
		Preset: "leap-two-sites",
		Steps: []Step{
			Apply{Description: "tofu apply: DR enabled and the sites paired, the category assigned to app-01 and db-01, the protection policy, the recovery plans"},
			ShowOutputs{},
			ShowVMs{},
			Check{
				Description: "each site sees its Local AZ and the other as PC_<address>",
				Fn:          checkLeapPairing,
			},
			Check{
				Description: "the category exists on Canada, and on France through the synced policy; app-01 and db-01 carry " +
					leapCategoryKey + ": " + leapCategoryValue + ", dns-01 does not",
				Fn: checkLeapCategories,
			},
			Check{
				Description: "both recovery plans exist on Canada and, synced, on France",
				Fn:          checkLeapPlans,
			},
			PlanEmpty{},
			AdvanceClock{By: time.Hour},
			ShowRecoveryPoints{PC: leapRecovery},
			Check{
				Description: "an hour later, France holds the replicated recovery points of app-01 and db-01 (4 each, the retention) and none of dns-01",
				Fn:          checkLeapReplication,
			},

			// A rehearsal: a test failover into France's test network, then its cleanup.
			Apply{
				Description: "tofu apply with failover=test: a test failover to France (nutanixdr_failover on France)",
				Vars:        map[string]string{"failover": "test"},
			},
			ShowVMs{},
			Check{
				Description: "France runs test copies of app-01 and db-01 on vlan51-test; Canada's VMs run untouched",
				Fn:          checkLeapTestFailover,
			},
			Apply{
				Description: "tofu apply with failover=\"\": destroying the test failover cleans its VMs up",
				Vars:        map[string]string{"failover": ""},
			},
			Check{
				Description: "the test VMs are gone from France",
				Fn:          func(ctx context.Context, r *Run) error { return checkLeapVMsAt(ctx, r, leapRecovery, nil) },
			},

			// The planned failover of the guide, then the reversal and the failback.
			Apply{
				Description: "tofu apply with failover=planned: the planned failover Canada -> France",
				Vars:        map[string]string{"failover": "planned"},
			},
			ShowOutputs{},
			ShowVMs{},
			Check{
				Description: "app-01 and db-01 run in France with their addresses and are gone from Canada",
				Fn:          func(ctx context.Context, r *Run) error { return checkLeapMoved(ctx, r, leapPrimary, leapRecovery) },
			},
			Apply{
				Description: "tofu apply with active_site=france: the policy's primary location and the plan are reversed (replication France -> Canada)",
				Vars:        map[string]string{"active_site": leapRecovery, "failover": ""},
			},
			PlanEmpty{},
			AdvanceClock{By: time.Hour},
			ShowRecoveryPoints{PC: leapPrimary},
			Apply{
				Description: "tofu apply with failover=planned: the failback France -> Canada (nutanixdr_failover on Canada)",
				Vars:        map[string]string{"failover": "planned"},
			},
			ShowVMs{},
			Check{
				Description: "app-01 and db-01 run in Canada again with their addresses and are gone from France",
				Fn:          func(ctx context.Context, r *Run) error { return checkLeapMoved(ctx, r, leapRecovery, leapPrimary) },
			},
			Apply{
				Description: "tofu apply with active_site=canada: back to the initial topology",
				Vars:        map[string]string{"active_site": leapPrimary, "failover": ""},
			},
			PlanEmpty{},

			// Disaster: Canada is lost; an unplanned failover from the replicated recovery points.
			AdvanceClock{By: time.Hour},
			AdvanceClock{By: 5 * time.Minute},
			SiteDown{PC: leapPrimary},
			ApplyIn{
				Dir: "disaster",
				Description: "with Canada down: tofu -chdir=disaster apply, the unplanned failover from a configuration that needs only France " +
					"(the recovery plan found there by name)",
			},
			ShowVMs{PCs: []string{leapRecovery}},
			Check{
				Description: "app-01 and db-01 run in France, recovered from the last recovery point; the data-loss window is reported",
				Fn:          checkLeapUnplanned,
			},
			SiteUp{PC: leapPrimary},
			Check{
				Description: "Canada is back, without the VMs France now runs",
				Fn:          func(ctx context.Context, r *Run) error { return checkLeapMoved(ctx, r, leapPrimary, leapRecovery) },
			},
			Apply{
				Description: "tofu apply with active_site=france: the configuration converges, the VMs' tags adopted in France and protection reversed (France -> Canada)",
				Vars:        map[string]string{"active_site": leapRecovery, "failover": ""},
			},
			PlanEmpty{},
			AdvanceClock{By: time.Hour},
			Apply{
				Description: "tofu apply with failover=planned: the failback France -> Canada",
				Vars:        map[string]string{"failover": "planned"},
			},
			Check{
				Description: "app-01 and db-01 run in Canada again and are gone from France",
				Fn:          func(ctx context.Context, r *Run) error { return checkLeapMoved(ctx, r, leapRecovery, leapPrimary) },
			},
			Apply{
				Description: "tofu apply with active_site=canada: back to the initial topology",
				Vars:        map[string]string{"active_site": leapPrimary, "failover": ""},
			},
			PlanEmpty{},
		},
		AfterDestroy: []Step{
			Check{
				Description: "the category is gone from Canada and from every VM; France keeps the synced copy, unused",
				Fn:          checkLeapCleaned,
			},
			Check{
				Description: "the sites are unpaired; each keeps only its Local AZ (DR has no disable)",
				Fn:          checkLeapUnpaired,
			},
		},
	}
}

// checkLeapCategories verifies the applied configuration through the emulator's v3 API.
func checkLeapCategories(ctx context.Context, r *Run) error {
	var errs []error
	for _, pc := range []string{leapPrimary, leapRecovery} {
		ok, err := r.CategoryValueExists(ctx, pc, leapCategoryKey, leapCategoryValue)
		switch {
		case err != nil:
			errs = append(errs, err)
		case !ok:
			errs = append(errs, fmt.Errorf("%s has no category value %s:%s", pc, leapCategoryKey, leapCategoryValue))
		}
	}
	for _, name := range leapProtectedVMs {
		vm, err := r.VMByName(ctx, leapPrimary, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if got, ok := vm.Categories[leapCategoryKey]; !ok || got != leapCategoryValue {
			errs = append(errs, fmt.Errorf("VM %s carries %s, want %s: %s among them",
				name, formatCategories(vm.Categories), leapCategoryKey, leapCategoryValue))
		}
	}
	for _, name := range leapUnprotectedVMs {
		vm, err := r.VMByName(ctx, leapPrimary, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if got, ok := vm.Categories[leapCategoryKey]; ok {
			errs = append(errs, fmt.Errorf("VM %s carries %s: %s, but the configuration does not protect it",
				name, leapCategoryKey, got))
		}
	}
	return errors.Join(errs...)
}

// checkLeapPairing verifies that each site sees its Local AZ and the other site as PC_<ip>.
func checkLeapPairing(ctx context.Context, r *Run) error {
	var errs []error
	for _, pair := range [][2]string{{leapPrimary, leapRecovery}, {leapRecovery, leapPrimary}} {
		here, there := pair[0], pair[1]
		azs, err := r.AvailabilityZones(ctx, here)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		want := map[string]string{"Local AZ": "Local", "PC_" + r.World.PC(there).AdvertisedIP(): "PC"}
		got := map[string]string{}
		for _, az := range azs {
			got[az.Name] = az.Type
		}
		if !maps.Equal(got, want) {
			errs = append(errs, fmt.Errorf("%s sees availability zones %v, want %v", here, got, want))
		}
	}
	return errors.Join(errs...)
}

// checkLeapReplication verifies that the protection policy replicated the tagged VMs to France,
// keeping as many points as its retention says.
func checkLeapReplication(ctx context.Context, r *Run) error {
	rps, err := r.RecoveryPoints(ctx, leapRecovery)
	if err != nil {
		return err
	}
	perVM := map[string]int{}
	for _, rp := range rps {
		perVM[rp.VMName]++
	}
	var errs []error
	for _, name := range leapProtectedVMs {
		if perVM[name] != leapRetention {
			errs = append(errs, fmt.Errorf("the recovery site holds %d recovery points of %s, want %d (the retention)", perVM[name], name, leapRetention))
		}
	}
	for _, name := range leapUnprotectedVMs {
		if perVM[name] != 0 {
			errs = append(errs, fmt.Errorf("the recovery site holds %d recovery points of %s, which the policy does not select", perVM[name], name))
		}
	}
	return errors.Join(errs...)
}

// checkLeapPlans verifies that the scenario's two recovery plans exist on both sites: France
// holds the copies it runs failovers from.
func checkLeapPlans(ctx context.Context, r *Run) error {
	want := []string{"dns-first-canada-to-france", "replicated-vm"}
	var errs []error
	for _, pc := range []string{leapPrimary, leapRecovery} {
		var out struct {
			Entities []struct {
				Spec struct {
					Name string `json:"name"`
				} `json:"spec"`
			} `json:"entities"`
		}
		in := map[string]any{"kind": "recovery_plan", "length": 100}
		if err := r.Call(ctx, pc, http.MethodPost, "/api/nutanix/v3/recovery_plans/list", in, &out); err != nil {
			errs = append(errs, err)
			continue
		}
		var got []string
		for _, e := range out.Entities {
			got = append(got, e.Spec.Name)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			errs = append(errs, fmt.Errorf("%s holds recovery plans %v, want %v", pc, got, want))
		}
	}
	return errors.Join(errs...)
}

// checkLeapVMsAt verifies the exact set of VM names a PC holds.
func checkLeapVMsAt(ctx context.Context, r *Run, pc string, want []string) error {
	vms, err := r.VMs(ctx, pc)
	if err != nil {
		return err
	}
	got := []string{}
	for _, vm := range vms {
		got = append(got, vm.Name)
	}
	slices.Sort(got)
	w := append([]string{}, want...)
	slices.Sort(w)
	if !slices.Equal(got, w) {
		return fmt.Errorf("%s holds VMs %v, want %v", pc, got, w)
	}
	return nil
}

// checkLeapTestFailover verifies a test failover: clones on the test network of the recovery
// site, production untouched at the primary.
func checkLeapTestFailover(ctx context.Context, r *Run) error {
	var errs []error
	vms, err := r.VMs(ctx, leapRecovery)
	if err != nil {
		return err
	}
	testNet := netip.MustParsePrefix("192.168.51.0/25")
	clones := 0
	for _, vm := range vms {
		if !strings.HasSuffix(vm.Name, "-test") {
			errs = append(errs, fmt.Errorf("a test failover left %s in %s, which is not a test copy", vm.Name, leapRecovery))
			continue
		}
		clones++
		for _, ip := range vm.IPAddresses {
			if a, err := netip.ParseAddr(ip); err != nil || !testNet.Contains(a) {
				errs = append(errs, fmt.Errorf("test copy %s has address %s, outside the test network %s", vm.Name, ip, testNet))
			}
		}
	}
	if clones != len(leapProtectedVMs) {
		errs = append(errs, fmt.Errorf("%s runs %d test copies, want %d", leapRecovery, clones, len(leapProtectedVMs)))
	}
	for _, name := range leapProtectedVMs {
		vm, err := r.VMByName(ctx, leapPrimary, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if vm.PowerState != "ON" {
			errs = append(errs, fmt.Errorf("%s in %s is %s during a test failover, want ON", name, leapPrimary, vm.PowerState))
		}
	}
	return errors.Join(errs...)
}

// leapIPs are the addresses the protected VMs keep wherever they run.
var leapIPs = map[string]string{"app-01": "192.168.50.10", "db-01": "192.168.50.11"}

// checkLeapMoved verifies that the protected VMs left from and run, powered on with their
// addresses, at to.
func checkLeapMoved(ctx context.Context, r *Run, from, to string) error {
	var errs []error
	for _, name := range leapProtectedVMs {
		vm, err := r.VMByName(ctx, to, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if vm.PowerState != "ON" || !slices.Equal(vm.IPAddresses, []string{leapIPs[name]}) {
			errs = append(errs, fmt.Errorf("%s in %s is %s with %v, want ON with %s", name, to, vm.PowerState, vm.IPAddresses, leapIPs[name]))
		}
		if got := vm.Categories[leapCategoryKey]; got != leapCategoryValue {
			errs = append(errs, fmt.Errorf("%s in %s lost its category (%s)", name, to, formatCategories(vm.Categories)))
		}
		if _, err := r.VMByName(ctx, from, name); err == nil {
			errs = append(errs, fmt.Errorf("%s is still in %s after the planned failover", name, from))
		}
	}
	return errors.Join(errs...)
}

// checkLeapUnplanned verifies the unplanned failover: the VMs run in France, and the disaster
// configuration's failover output reports a positive data-loss window no longer than the RPO.
func checkLeapUnplanned(ctx context.Context, r *Run) error {
	var errs []error
	for _, name := range leapProtectedVMs {
		vm, err := r.VMByName(ctx, leapRecovery, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if vm.PowerState != "ON" {
			errs = append(errs, fmt.Errorf("%s in %s is %s, want ON", name, leapRecovery, vm.PowerState))
		}
	}
	raw, err := r.TofuOutput(ctx, "-chdir=disaster", "output", "-json", "failover")
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	var fo struct {
		Status         string `json:"status"`
		DataLossWindow string `json:"data_loss_window"`
	}
	if err := json.Unmarshal(raw, &fo); err != nil {
		return errors.Join(append(errs, fmt.Errorf("decoding the disaster configuration's failover output: %w", err))...)
	}
	if !strings.HasPrefix(fo.Status, "COMPLETED") {
		errs = append(errs, fmt.Errorf("the failover output says %s, want a completed failover", fo.Status))
	} else if window, err := checkDataLossWindow(fo.DataLossWindow, 15*time.Minute); err != nil {
		errs = append(errs, fmt.Errorf("%w (the 15-minute RPO)", err))
	} else {
		r.logf("data lost: the last %s before Canada went down\n", window)
	}
	return errors.Join(errs...)
}

// checkLeapUnpaired verifies that destroy unpaired the sites on both sides.
func checkLeapUnpaired(ctx context.Context, r *Run) error {
	var errs []error
	for _, pc := range []string{leapPrimary, leapRecovery} {
		azs, err := r.AvailabilityZones(ctx, pc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(azs) != 1 || azs[0].Type != "Local" {
			errs = append(errs, fmt.Errorf("%s still sees availability zones %v after destroy, want only its Local AZ", pc, azs))
		}
	}
	return errors.Join(errs...)
}

// checkLeapCleaned verifies that destroy removed the category from Canada, where the
// configuration created it, and its assignments everywhere. France may keep the copy entity
// sync made of it (synced categories outlive the policy that brought them).
func checkLeapCleaned(ctx context.Context, r *Run) error {
	var errs []error
	for _, pc := range []string{leapPrimary, leapRecovery} {
		ok, err := r.CategoryKeyExists(ctx, pc, leapCategoryKey)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok && pc == leapPrimary:
			errs = append(errs, fmt.Errorf("%s still has the category %s", pc, leapCategoryKey))
		}
		vms, err := r.VMs(ctx, pc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, vm := range vms {
			if v, ok := vm.Categories[leapCategoryKey]; ok {
				errs = append(errs, fmt.Errorf("VM %s on %s still carries %s: %s", vm.Name, pc, leapCategoryKey, v))
			}
		}
	}
	return errors.Join(errs...)
}
