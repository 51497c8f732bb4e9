package provider_test

import (
	"context"
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

// drEnablementCase is a test case on canada, posing as a release that serves v4 with disaster
// recovery disabled, under api_version = apiVersion; steps gets its provider block and the
// sites (canada's client in s.ca).
func drEnablementCase(t *testing.T, apiVersion string, steps func(provider string, s *v4Sites) []resource.TestStep) resource.TestCase {
	w := acctest.NewWorldWith(t, acctest.Edits(acctest.WithPCVersion(v4Release)))
	c := acctest.Client(t, w, acctest.PCCanada)
	s := &v4Sites{failoverSites: &failoverSites{w: w, ca: c}}
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckLocalAZ(t, c, nil),
		Steps:                    steps(withAPIVersion(acctest.ProviderConfig(w, acctest.PCCanada, ""), apiVersion), s),
	}
}

// enableStep enables disaster recovery on canada, and checks which routes it took (its
// request counts are logged, for the comparison of the wires) and that v3 sees it enabled.
func enableStep(t *testing.T, provider string, s *v4Sites, used, unused []string, how string) resource.TestStep {
	const addr = "nutanixdr_disaster_recovery.test"
	return resource.TestStep{
		PreConfig:        func() { s.w.PC(acctest.PCCanada).ResetRequestCounts() },
		Config:           provider + testAccDisasterRecoveryConfig(""),
		ConfigPlanChecks: emptyAfter,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("local_availability_zone_id"), knownvalue.StringRegexp(uuidRegexp)),
			s.checkRoutes(acctest.PCCanada, used, unused),
			s.logRoutes(t, acctest.PCCanada, "enabling disaster recovery "+how),
			acctest.CheckAPI(func(ctx context.Context) error {
				_, err := s.ca.LocalAvailabilityZone(ctx)
				return err
			}),
		},
	}
}

func TestAccV4DisasterRecovery(t *testing.T) {
	const addr = "nutanixdr_disaster_recovery.test"
	resource.ParallelTest(t, drEnablementCase(t, "auto", func(provider string, s *v4Sites) []resource.TestStep {
		canada := s.w.PC(acctest.PCCanada)
		return []resource.TestStep{
			enableStep(t, provider, s, []string{v4Products, v4ProductPut}, []string{v3EnableDR}, "over v4"),
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
		}
	}))
}

// Under api_version = "v3" the same Prism Central is enabled over v3: the counts of both
// tests are the comparison of the two wires.
func TestAccV4DisasterRecoveryUnderV3(t *testing.T) {
	resource.ParallelTest(t, drEnablementCase(t, "v3", func(provider string, s *v4Sites) []resource.TestStep {
		return []resource.TestStep{
			enableStep(t, provider, s, []string{v3EnableDR}, []string{v4Products, v4ProductPut}, "over v3"),
		}
	}))
}
