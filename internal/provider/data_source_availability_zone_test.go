package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// testAccAvailabilityZoneDataSourceConfig looks an availability zone up with the given
// arguments (HCL lines).
func testAccAvailabilityZoneDataSourceConfig(args string) string {
	return fmt.Sprintf(`
data "nutanixdr_availability_zone" "test" {
%s
}
`, args)
}

// TestAccAvailabilityZoneDataSource looks up the Local availability zone and a paired one,
// follows the paired one while its site goes down and up, and checks the look-up errors.
func TestAccAvailabilityZoneDataSource(t *testing.T) {
	w := acctest.NewWorldWith(t, acctest.WithDR(acctest.PCCanada, acctest.PCFrance))
	ca := acctest.Client(t, w, acctest.PCCanada)
	france := w.PC(acctest.PCFrance)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const addr = "data.nutanixdr_availability_zone.test"
	frName := "PC_" + france.AdvertisedIP()

	// Paired out of band: the data source reads what exists.
	ct, err := ca.CreateCloudTrust(t.Context(), client.CloudTrustInput{
		RemoteAddress: france.AdvertisedIP(), Username: france.Username(), Password: france.Password(),
	})
	if err != nil {
		t.Fatalf("pairing canada with france: %v", err)
	}
	localID := testAccLocalAZID(t.Context(), t, ca)
	byName := testAccAvailabilityZoneDataSourceConfig(fmt.Sprintf("  name = %q", frName))
	site := func(up bool) func() {
		return func() {
			var err error
			if up {
				err = w.SiteUp(acctest.PCFrance)
			} else {
				err = w.SiteDown(acctest.PCFrance)
			}
			if err != nil {
				t.Fatalf("changing the site of france (up = %v): %v", up, err)
			}
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + testAccAvailabilityZoneDataSourceConfig("  local = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(localID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Local AZ")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("type"), knownvalue.StringExact("Local")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("local"), knownvalue.Bool(true)),
				},
			},
			{
				Config: provider + byName,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(ct.AvailabilityZoneUUID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("type"), knownvalue.StringExact("PC")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_url"), knownvalue.StringExact(france.AdvertisedIP())),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("reachable"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("local"), knownvalue.Null()),
				},
			},
			{
				PreConfig: site(false),
				Config:    provider + byName,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(ct.AvailabilityZoneUUID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("reachable"), knownvalue.Bool(false)),
				},
			},
			{
				PreConfig: site(true),
				Config:    provider + byName,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("reachable"), knownvalue.Bool(true)),
				},
			},
			{
				Config:      provider + testAccAvailabilityZoneDataSourceConfig(`  name = "PC_10.9.9.9"`),
				ExpectError: acctest.ErrorRegexp(`Error looking up availability zone`, `No availability zone named "PC_10.9.9.9"`, `"Local AZ", "`+frName+`"`),
			},
		},
	})
}

// TestAccAvailabilityZoneDataSource_invalid checks the argument rules, which need no server.
func TestAccAvailabilityZoneDataSource_invalid(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      offlineProviderConfig() + testAccAvailabilityZoneDataSourceConfig("  local = true\n  name = \"Local AZ\""),
				ExpectError: acctest.ErrorRegexp(`Invalid Attribute Combination`, `Exactly one of these attributes must be configured: [local,name]`),
			},
			{
				Config:      offlineProviderConfig() + testAccAvailabilityZoneDataSourceConfig(""),
				ExpectError: acctest.ErrorRegexp(`Exactly one of these attributes must be configured: [local,name]`),
			},
			{
				Config:      offlineProviderConfig() + testAccAvailabilityZoneDataSourceConfig("  local = false"),
				ExpectError: acctest.ErrorRegexp(`local Value must be "true"`),
			},
			{
				Config:      offlineProviderConfig() + testAccAvailabilityZoneDataSourceConfig(`  name = ""`),
				ExpectError: acctest.ErrorRegexp(`name string length must be at least 1`),
			},
		},
	})
}

// TestAccAvailabilityZoneDataSource_drDisabled checks the errors where disaster recovery is not
// enabled, by local and by name.
func TestAccAvailabilityZoneDataSource_drDisabled(t *testing.T) {
	w := acctest.NewWorld(t)
	provider := acctest.ProviderConfig(w, acctest.PCFrance, "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + testAccAvailabilityZoneDataSourceConfig("  local = true"),
				ExpectError: acctest.ErrorRegexp(`Error looking up availability zone`, `enable disaster recovery first (resource nutanixdr_disaster_recovery)`),
			},
			{
				Config: provider + testAccAvailabilityZoneDataSourceConfig(`  name = "PC_192.168.10.10"`),
				ExpectError: acctest.ErrorRegexp(`No availability zone named "PC_192.168.10.10"`,
					`enable disaster recovery first (resource nutanixdr_disaster_recovery)`),
			},
		},
	})
}
