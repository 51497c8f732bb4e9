package scenario

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
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
			leapCategoryKey + ":" + leapCategoryValue + " on both sites, assigned to app-01 and db-01 in Canada; DR enabled on both sites and the sites paired; the seed's 15-minute policy replicating them to France; the seed's recovery plan and a staged dns-first plan",
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
				Description: "the category exists on both sites; app-01 and db-01 carry " +
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
		},
		AfterDestroy: []Step{
			Check{
				Description: "the category is gone from both sites and from every VM",
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
	want := []string{"dns-first-canada-to-france", "replicated-vm-canada-to-france"}
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

// checkLeapCleaned verifies that destroy removed the category and its assignments.
func checkLeapCleaned(ctx context.Context, r *Run) error {
	var errs []error
	for _, pc := range []string{leapPrimary, leapRecovery} {
		ok, err := r.CategoryKeyExists(ctx, pc, leapCategoryKey)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok:
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
