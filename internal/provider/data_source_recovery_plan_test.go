package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// testAccLookupPlanName is the name of the plan the look-up tests create on Canada.
const testAccLookupPlanName = "canada-to-france"

// createSeedPlan creates, through the API on Canada, the seed's plan: the replicated-vm VMs
// recovered from Canada into France. It returns its UUID.
func (e *testAccPlanEnv) createSeedPlan(t *testing.T) string {
	t.Helper()
	primary := 0
	plan, err := e.ca.CreateRecoveryPlan(t.Context(), client.RecoveryPlan{
		Name:                 testAccLookupPlanName,
		Description:          "the seed's plan",
		Stages:               []client.RecoveryStage{{Entities: []client.RecoveryEntity{{Categories: map[string]string{testAccPlanKey: "from-canada"}}}}},
		PrimaryLocationIndex: &primary,
		AvailabilityZones:    []client.RecoveryPlanAZ{{AvailabilityZoneUUID: e.azCanada}, {AvailabilityZoneUUID: e.azFrance}},
		NetworkMappings: []client.NetworkMapping{{PerAZ: []client.AZNetworkMapping{
			{AvailabilityZoneUUID: e.azCanada, Recovery: &client.RecoveryNetwork{Name: "vlan50-prod"}, Test: &client.RecoveryNetwork{Name: "vlan51-test"}},
			{AvailabilityZoneUUID: e.azFrance, Recovery: &client.RecoveryNetwork{Name: "vlan50-prod"}, Test: &client.RecoveryNetwork{Name: "vlan51-test"}},
		}}},
	})
	if err != nil {
		t.Fatalf("creating the recovery plan: %v", err)
	}
	return plan.UUID
}

// testAccRecoveryPlanDataSourceConfig looks a plan up by name.
func testAccRecoveryPlanDataSourceConfig(name string) string {
	return fmt.Sprintf(`
data "nutanixdr_recovery_plan" "test" {
  name = %q
}
`, name)
}

// On the recovery site, the plan made on the primary one is found by name, with its locations
// as the recovery site names them, and it says beforehand that a failover would fail until
// the first recovery points have arrived.
func TestAccRecoveryPlanDataSource(t *testing.T) {
	// The clock stands still until the test advances it: the first step runs before any
	// recovery point has arrived in France, however slow the machine.
	env := testAccPlanWorldWith(t, false, func(cfg *prismsim.WorldConfig) { cfg.Settings.ClockRate = 1e-9 })
	planID := env.createSeedPlan(t)
	frLocal := acctest.LocalAZ(t, env.w, acctest.PCFrance)
	fr := acctest.Client(t, env.w, acctest.PCFrance)
	frOfCanada := ""
	azs, err := fr.ListAvailabilityZones(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, az := range azs {
		if az.Type != client.AvailabilityZoneLocal {
			frOfCanada = az.UUID
		}
	}
	provider := acctest.ProviderConfig(env.w, acctest.PCFrance, "")
	const addr = "data.nutanixdr_recovery_plan.test"
	noPoint := knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"severity": knownvalue.StringExact("WARNING"),
		"type":     knownvalue.StringExact("RECOVERY_POINT"),
		"message":  knownvalue.StringRegexp(regexp.MustCompile(`vm app-01 has no recovery point at .* yet`)),
	})

	// v3: the plan's status says no recovery point has reached France yet. v4 has no status:
	// the validation is what the validate action finds, which validates a planned failover
	// of the live VMs (no recovery point needed), so it finds nothing to say here.
	var firstValidation knownvalue.Check = knownvalue.ListPartial(map[int]knownvalue.Check{0: noPoint})
	if accV4(t, env.w, acctest.PCFrance, client.KindRecoveryPlans) {
		firstValidation = knownvalue.ListExact(nil)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + testAccRecoveryPlanDataSourceConfig(testAccLookupPlanName),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(planID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("the seed's plan")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("primary_location").AtMapKey("availability_zone_id"), knownvalue.StringExact(frOfCanada)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("recovery_location").AtMapKey("availability_zone_id"), knownvalue.StringExact(frLocal)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("entity_count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("validation"), firstValidation),
				},
			},
			{
				// Once the policy has replicated the VMs, the plan is ready.
				PreConfig: func() { env.w.Clock().Advance(2 * time.Hour) },
				Config:    provider + testAccRecoveryPlanDataSourceConfig(testAccLookupPlanName),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("validation"), knownvalue.ListExact(nil)),
				},
			},
			{
				Config:      provider + testAccRecoveryPlanDataSourceConfig("nope"),
				ExpectError: acctest.ErrorRegexp(`Error looking up recovery plan`, `No recovery plan named "nope"`, `"canada-to-france"`),
			},
		},
	})
}
