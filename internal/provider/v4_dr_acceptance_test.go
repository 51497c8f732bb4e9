package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// Disaster recovery enablement over v4: on a Prism Central that serves prism v4.3, the
// provider under api_version = "auto" enables disaster recovery as the domain manager's
// product NUTANIX_DISASTER_RECOVERY; prismsim's request counters show that v3's enablement
// was not used. The Local availability zone, which v4 has not, is read over v3.

// Routes of the enablement.
const (
	v4ProductPut = "PUT /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/products/{extId}"
	v4Products   = "GET /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/products"
	v3EnableDR   = "POST /api/nutanix/v3/services/disaster_recovery"
)

func TestAccV4DisasterRecovery(t *testing.T) {
	w := acctest.NewWorldWith(t, acctest.Edits(acctest.WithPCVersion(v4Release)))
	s := &v4Sites{failoverSites: &failoverSites{w: w}}
	c := acctest.Client(t, w, acctest.PCCanada)
	canada := w.PC(acctest.PCCanada)
	const addr = "nutanixdr_disaster_recovery.test"
	base := acctest.ProviderConfig(w, acctest.PCCanada, "")
	provider := withAPIVersion(base, "auto")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckLocalAZ(t, c, nil),
		Steps: []resource.TestStep{
			{
				PreConfig:        func() { canada.ResetRequestCounts() },
				Config:           provider + testAccDisasterRecoveryConfig(""),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("local_availability_zone_id"), knownvalue.StringRegexp(uuidRegexp)),
					s.checkRoutes(acctest.PCCanada, []string{v4Products, v4ProductPut}, []string{v3EnableDR}),
					s.logRoutes(t, acctest.PCCanada, "enabling disaster recovery over v4"),
				},
				Check: testAccCheckLocalAZ(t, c, nil),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "local",
				ImportStateVerify: true,
			},
			{
				// Removed: disaster recovery stays enabled.
				Config: provider,
			},
			{
				// Declared again: the enabled product is adopted without an update.
				PreConfig:        func() { canada.ResetRequestCounts() },
				Config:           provider + testAccDisasterRecoveryConfig(""),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v4Products}, []string{v4ProductPut, v3EnableDR}),
				},
			},
		},
	})
}

// Under api_version = "v3" the same Prism Central is enabled over v3: the counts of both
// tests are the comparison of the two wires.
func TestAccV4DisasterRecoveryUnderV3(t *testing.T) {
	w := acctest.NewWorldWith(t, acctest.Edits(acctest.WithPCVersion(v4Release)))
	s := &v4Sites{failoverSites: &failoverSites{w: w}}
	c := acctest.Client(t, w, acctest.PCCanada)
	canada := w.PC(acctest.PCCanada)
	provider := withAPIVersion(acctest.ProviderConfig(w, acctest.PCCanada, ""), "v3")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckLocalAZ(t, c, nil),
		Steps: []resource.TestStep{
			{
				PreConfig:        func() { canada.ResetRequestCounts() },
				Config:           provider + testAccDisasterRecoveryConfig(""),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					s.checkRoutes(acctest.PCCanada, []string{v3EnableDR}, []string{v4Products, v4ProductPut}),
					s.logRoutes(t, acctest.PCCanada, "enabling disaster recovery over v3"),
				},
			},
		},
	})
}
