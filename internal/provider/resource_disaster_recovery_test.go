package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// testAccDisasterRecoveryConfig enables disaster recovery, with an optional create timeout,
// and looks the Local availability zone up.
func testAccDisasterRecoveryConfig(createTimeout string) string {
	timeouts := ""
	if createTimeout != "" {
		timeouts = fmt.Sprintf("\n  timeouts = {\n    create = %q\n  }\n", createTimeout)
	}
	return fmt.Sprintf(`
resource "nutanixdr_disaster_recovery" "test" {%s}

data "nutanixdr_availability_zone" "local" {
  local      = true
  depends_on = [nutanixdr_disaster_recovery.test]
}
`, timeouts)
}

func TestAccDisasterRecovery_basic(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const addr = "nutanixdr_disaster_recovery.test"
	sameLocal := statecheck.CompareValue(compare.ValuesSame())

	if _, err := c.LocalAvailabilityZone(t.Context()); err == nil {
		t.Fatal("the preset must start with disaster recovery disabled")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// Destroy leaves disaster recovery enabled: the API has no disable.
		CheckDestroy: testAccCheckLocalAZ(t, c, nil),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccDisasterRecoveryConfig(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("local")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("local_availability_zone_id"), knownvalue.StringRegexp(uuidRegexp)),
					sameLocal.AddStateValue(addr, tfjsonpath.New("local_availability_zone_id")),
					sameLocal.AddStateValue("data.nutanixdr_availability_zone.local", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("data.nutanixdr_availability_zone.local", tfjsonpath.New("name"), knownvalue.StringExact("Local AZ")),
					statecheck.ExpectKnownValue("data.nutanixdr_availability_zone.local", tfjsonpath.New("type"), knownvalue.StringExact("Local")),
					statecheck.ExpectKnownValue("data.nutanixdr_availability_zone.local", tfjsonpath.New("management_url"), knownvalue.StringExact(w.PC(acctest.PCCanada).AdvertisedIP())),
					statecheck.ExpectKnownValue("data.nutanixdr_availability_zone.local", tfjsonpath.New("reachable"), knownvalue.Bool(true)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckLocalAZ(t, c, func(s *terraform.State) string {
					return s.RootModule().Resources[addr].Primary.Attributes["local_availability_zone_id"]
				}),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "local",
				ImportStateVerify: true,
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "canada",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `use "local" as the import ID`, `got "canada"`),
			},
			{
				// Only the timeouts change: an in-place update that calls nothing.
				Config: provider + testAccDisasterRecoveryConfig("45m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameLocal.AddStateValue(addr, tfjsonpath.New("local_availability_zone_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("45m")),
				},
			},
			{
				// Removing the resource keeps disaster recovery enabled (and warns).
				Config: provider,
				Check:  testAccCheckLocalAZ(t, c, nil),
			},
			{
				// Declaring it again adopts the enabled service and its Local availability zone.
				Config: provider + testAccDisasterRecoveryConfig(""),
				ConfigStateChecks: []statecheck.StateCheck{
					sameLocal.AddStateValue(addr, tfjsonpath.New("local_availability_zone_id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccDisasterRecovery_importDisabled checks that importing where disaster recovery is not
// enabled finds nothing.
func TestAccDisasterRecovery_importDisabled(t *testing.T) {
	w := acctest.NewWorld(t)
	provider := acctest.ProviderConfig(w, acctest.PCFrance, "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + testAccClusterDataSourceConfig("FR01"),
			},
			{
				// An import step's own configuration is used as it is: it names the provider's
				// source itself.
				Config:        acctest.RequiredProviders("nutanixdr") + provider + `resource "nutanixdr_disaster_recovery" "test" {}`,
				ResourceName:  "nutanixdr_disaster_recovery.test",
				ImportState:   true,
				ImportStateId: "local",
				ExpectError:   acctest.ErrorRegexp(`Cannot import non-existent remote object`),
			},
		},
	})
}

// testAccCheckLocalAZ checks through the API that disaster recovery is enabled and, when id is
// set, that the Local availability zone has the id it returns from the state.
func testAccCheckLocalAZ(t *testing.T, c *client.Client, id func(*terraform.State) string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		local, err := c.LocalAvailabilityZone(t.Context())
		if err != nil {
			return fmt.Errorf("disaster recovery must be enabled: %w", err)
		}
		if id != nil {
			if want := id(s); local.UUID != want {
				return fmt.Errorf("the Local availability zone is %s, the state says %s", local.UUID, want)
			}
		}
		return nil
	}
}

// testAccLocalAZID returns the UUID of the Local availability zone of a Prism Central.
func testAccLocalAZID(ctx context.Context, t *testing.T, c *client.Client) string {
	t.Helper()
	local, err := c.LocalAvailabilityZone(ctx)
	if err != nil {
		t.Fatalf("looking up the Local availability zone: %v", err)
	}
	return local.UUID
}
