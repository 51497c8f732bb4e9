package provider_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
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
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// pcJapan is a third Prism Central some tests add to the preset, to move a pairing to.
const pcJapan = "japan"

// withJapan adds the Prism Central japan (advertised 192.168.20.10), a copy of france.
func withJapan(cfg *prismsim.WorldConfig) {
	for _, p := range cfg.PCs {
		if p.Name == acctest.PCFrance {
			p.Name, p.AdvertisedIP, p.Password, p.Port = pcJapan, "192.168.20.10", "", 0
			cfg.PCs = append(cfg.PCs, p)
			return
		}
	}
}

// testAccPairingConfig declares the pairing test with the remote at address; an empty
// password leaves it out of the configuration.
func testAccPairingConfig(address, username, password, extra string) string {
	pw := ""
	if password != "" {
		pw = "  password       = " + acctest.HCLString(password) + "\n"
	}
	return fmt.Sprintf(`
resource "nutanixdr_availability_zone" "test" {
  remote_address = %q
  username       = %q
%s%s}
`, address, username, pw, extra)
}

func TestAccAvailabilityZone_basic(t *testing.T) {
	w := acctest.NewWorldWith(t, func(cfg *prismsim.WorldConfig) {
		withJapan(cfg)
		acctest.WithDR(acctest.PCCanada, acctest.PCFrance, pcJapan)(cfg)
	})
	ca := acctest.Client(t, w, acctest.PCCanada)
	fr := acctest.Client(t, w, acctest.PCFrance)
	jp := acctest.Client(t, w, pcJapan)
	canada, france, japan := w.PC(acctest.PCCanada), w.PC(acctest.PCFrance), w.PC(pcJapan)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const addr = "nutanixdr_availability_zone.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	frName, jpName := "PC_"+france.AdvertisedIP(), "PC_"+japan.AdvertisedIP()
	caName := "PC_" + canada.AdvertisedIP()

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckNotPaired(t, ca), testAccCheckNotPaired(t, fr), testAccCheckNotPaired(t, jp),
		),
		Steps: []resource.TestStep{
			{
				Config: provider + testAccPairingConfig(france.AdvertisedIP(), france.Username(), france.Password(), ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(frName)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cloud_trust_id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cloud_type"), knownvalue.StringExact("ONPREM_CLOUD")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("remote_address"), knownvalue.StringExact(france.AdvertisedIP())),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password"), knownvalue.Null()),
					acctest.CheckSecretNotStored(addr, "cloud_trust_id", france.Password()),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPaired(t, ca, addr, frName, france.AdvertisedIP()),
					testAccCheckPairedWith(t, fr, caName, canada.AdvertisedIP()),
				),
			},
			{
				// The remote user name comes back from the cloud trust (not over v4); the
				// write-only password is null on both sides.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: importIgnoredOverV4(w),
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: frName,
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `UUID of the availability zone`, `got "`+frName+`"`),
			},
			{
				// Another spelling of the same address is stored in place, not a new pairing.
				Config: provider + testAccPairingConfig(france.AdvertisedIP()+":9440", france.Username(), france.Password(), ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				// Once paired, the password may leave the configuration: nothing to change.
				Config: provider + testAccPairingConfig(france.AdvertisedIP()+":9440", france.Username(), "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Unpaired outside Terraform: the plan pairs again, which needs the password.
				PreConfig:   func() { testAccUnpair(t, ca, frName) },
				Config:      provider + testAccPairingConfig(france.AdvertisedIP()+":9440", france.Username(), "", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`Missing remote password`, `needs the password`),
			},
			{
				Config: provider + testAccPairingConfig(france.AdvertisedIP(), france.Username(), france.Password(), ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPaired(t, ca, addr, frName, france.AdvertisedIP()),
					testAccCheckPairedWith(t, fr, caName, canada.AdvertisedIP()),
				),
			},
			{
				// Another Prism Central replaces the pairing: france is unpaired on both sides.
				Config: provider + testAccPairingConfig(japan.AdvertisedIP(), japan.Username(), japan.Password(), `
  timeouts = {
    create = "5m"
    delete = "5m"
  }
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(jpName)),
					acctest.CheckSecretNotStored(addr, "cloud_trust_id", japan.Password()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPaired(t, ca, addr, jpName, japan.AdvertisedIP()),
					testAccCheckPairedWith(t, jp, caName, canada.AdvertisedIP()),
					testAccCheckNotPaired(t, fr),
				),
			},
		},
	})
}

// TestAccAvailabilityZone_errors checks that each refused pairing reads well, names the remote
// address, and leaves nothing on either side.
func TestAccAvailabilityZone_errors(t *testing.T) {
	w := acctest.NewWorldWith(t, acctest.WithDR(acctest.PCCanada, acctest.PCFrance))
	ca := acctest.Client(t, w, acctest.PCCanada)
	fr := acctest.Client(t, w, acctest.PCFrance)
	canada, france := w.PC(acctest.PCCanada), w.PC(acctest.PCFrance)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	nothingLeft := func() {
		for name, c := range map[string]*client.Client{acctest.PCCanada: ca, acctest.PCFrance: fr} {
			if err := testAccCheckNotPaired(t, c)(nil); err != nil {
				t.Errorf("a failed pairing left something on %s: %v", name, err)
			}
		}
	}
	var existing *client.CloudTrust
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckNotPaired(t, ca), testAccCheckNotPaired(t, fr),
		),
		Steps: []resource.TestStep{
			{
				Config:      provider + testAccPairingConfig(canada.AdvertisedIP(), canada.Username(), canada.Password(), ""),
				ExpectError: acctest.ErrorRegexp(`Error creating availability zone`, `"`+canada.AdvertisedIP()+`"`, `itself`),
			},
			{
				PreConfig:   nothingLeft,
				Config:      provider + testAccPairingConfig(france.AdvertisedIP(), france.Username(), "not-the-password", ""),
				ExpectError: acctest.ErrorRegexp(`Error creating availability zone`, `"`+france.AdvertisedIP()+`"`, `authentication`, `Check username and password`),
			},
			{
				PreConfig:   nothingLeft,
				Config:      provider + testAccPairingConfig("192.168.99.99", "admin", "whatever", ""),
				ExpectError: acctest.ErrorRegexp(`Error creating availability zone`, `"192.168.99.99"`, `unreachable`),
			},
			{
				// A site that is down is unreachable too.
				PreConfig: func() {
					nothingLeft()
					if err := w.SiteDown(acctest.PCFrance); err != nil {
						t.Fatalf("taking france down: %v", err)
					}
				},
				Config:      provider + testAccPairingConfig(france.AdvertisedIP(), france.Username(), france.Password(), ""),
				ExpectError: acctest.ErrorRegexp(`Error creating availability zone`, `"`+france.AdvertisedIP()+`"`, `unreachable`),
			},
			{
				// Paired already (here by hand): the error says how to import the pairing, and
				// the existing pairing is left alone.
				PreConfig: func() {
					if err := w.SiteUp(acctest.PCFrance); err != nil {
						t.Fatalf("bringing france up: %v", err)
					}
					nothingLeft()
					var err error
					existing, err = ca.CreateCloudTrust(t.Context(), client.CloudTrustInput{
						RemoteAddress: france.AdvertisedIP(), Username: france.Username(), Password: france.Password(),
					})
					if err != nil {
						t.Fatalf("pairing out of band: %v", err)
					}
				},
				Config: provider + testAccPairingConfig(france.AdvertisedIP(), france.Username(), france.Password(), ""),
				ExpectError: acctest.ErrorRegexp(`Error creating availability zone`, `"`+france.AdvertisedIP()+`"`,
					`already paired`, `tofu import nutanixdr_availability_zone.<name>`),
			},
			{
				PreConfig: func() {
					if _, err := ca.GetCloudTrust(t.Context(), existing.UUID); err != nil {
						t.Errorf("the failed create removed the pairing it did not make: %v", err)
					}
					testAccUnpair(t, ca, "PC_"+france.AdvertisedIP())
				},
				Config:      provider + testAccPairingConfig("https://"+france.AdvertisedIP(), "admin", "pw", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`Invalid remote address`, `leave out "https://"`),
			},
			{
				Config:      provider + testAccPairingConfig(france.AdvertisedIP()+":70000", "admin", "pw", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`Invalid remote address`, `between 1 and 65535`),
			},
			{
				Config:      provider + testAccPairingConfig(france.AdvertisedIP(), "admin", "pw", `  cloud_type = "ONPREM"`+"\n"),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`cloud_type value must be one of`, `"ONPREM_CLOUD"`),
			},
			{
				Config:      provider + testAccPairingConfig(france.AdvertisedIP(), "admin", "", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`Missing remote password`, `"`+france.AdvertisedIP()+`" needs the password`),
			},
			{
				Config:      provider + testAccPairingConfig(france.AdvertisedIP(), "", "pw", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`username string length must be at least 1`),
			},
		},
	})
}

// TestAccAvailabilityZone_drDisabled checks the errors when disaster recovery is not enabled:
// on the remote (Prism Central refuses), and here (the provider says to enable it first).
func TestAccAvailabilityZone_drDisabled(t *testing.T) {
	w := acctest.NewWorldWith(t, acctest.WithDR(acctest.PCCanada))
	ca := acctest.Client(t, w, acctest.PCCanada)
	fr := acctest.Client(t, w, acctest.PCFrance)
	canada, france := w.PC(acctest.PCCanada), w.PC(acctest.PCFrance)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(testAccCheckNotPaired(t, ca), testAccCheckNotPaired(t, fr)),
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig(w, acctest.PCCanada, "") +
					testAccPairingConfig(france.AdvertisedIP(), france.Username(), france.Password(), ""),
				ExpectError: acctest.ErrorRegexp(`Error creating availability zone`, `"`+france.AdvertisedIP()+`"`,
					`not enabled`, `enabled on both Prism Centrals`),
			},
			{
				Config: acctest.ProviderConfig(w, acctest.PCFrance, "") +
					testAccPairingConfig(canada.AdvertisedIP(), canada.Username(), canada.Password(), ""),
				ExpectError: acctest.ErrorRegexp(`Error creating availability zone`, `"`+canada.AdvertisedIP()+`"`,
					`enable disaster recovery first (resource nutanixdr_disaster_recovery)`),
			},
		},
	})
}

// TestAccAvailabilityZone_twoSites builds the whole of a two-site setup: disaster recovery on
// both Prism Centrals, the pairing, each side's view of the other, and a resource that uses the
// pairing. Destroying it removes the user of the pairing before the pairing.
func TestAccAvailabilityZone_twoSites(t *testing.T) {
	w := acctest.NewWorld(t)
	ca := acctest.Client(t, w, acctest.PCCanada)
	fr := acctest.Client(t, w, acctest.PCFrance)
	canada, france := w.PC(acctest.PCCanada), w.PC(acctest.PCFrance)
	var mu sync.Mutex
	var deletes []string
	w.OnExchange(func(x prismsim.Exchange) {
		// Unpairing is a DELETE of the cloud trust over v3, the unregister action over v4.
		unregister := x.Method == "POST" && strings.HasSuffix(x.Path, "/$actions/unregister")
		if (x.Method == "DELETE" || unregister) && x.Status < 300 && !strings.HasPrefix(x.Path, "/_prismsim") {
			mu.Lock()
			deletes = append(deletes, x.PC+" "+x.Path)
			mu.Unlock()
		}
	})
	config := acctest.TwoSitesConfig(w, acctest.PCCanada, acctest.PCFrance) + fmt.Sprintf(`
resource "nutanixdr_disaster_recovery" "canada" {}

resource "nutanixdr_disaster_recovery" "france" {
  provider = %[1]s
}

resource "nutanixdr_availability_zone" "france" {
  remote_address = %[2]q
  username       = %[3]q
  password       = %[4]s

  depends_on = [nutanixdr_disaster_recovery.canada, nutanixdr_disaster_recovery.france]
}

# France's view of the pairing.
data "nutanixdr_availability_zone" "canada_from_france" {
  provider   = %[1]s
  name       = %[5]q
  depends_on = [nutanixdr_availability_zone.france]
}

data "nutanixdr_availability_zone" "france_from_canada" {
  name = nutanixdr_availability_zone.france.name
}

# A user of the pairing, destroyed before it.
resource "nutanixdr_category" "user" {
  name        = "acc-az-user"
  description = "replicates to ${nutanixdr_availability_zone.france.id}"
}
`, acctest.SecondSite, france.AdvertisedIP(), france.Username(), acctest.HCLString(france.Password()), "PC_"+canada.AdvertisedIP())
	const fromFrance = "data.nutanixdr_availability_zone.canada_from_france"
	const fromCanada = "data.nutanixdr_availability_zone.france_from_canada"
	samePairing := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckNotPaired(t, ca), testAccCheckNotPaired(t, fr),
			testAccCheckCategoriesGone(t, ca, "acc-az-user"),
			func(*terraform.State) error {
				mu.Lock()
				defer mu.Unlock()
				user := slices.Index(deletes, acctest.PCCanada+" /api/nutanix/v3/categories/acc-az-user")
				pairing := slices.IndexFunc(deletes, func(s string) bool {
					return strings.HasPrefix(s, acctest.PCCanada+" /api/nutanix/v3/cloud_trusts/") ||
						(strings.HasPrefix(s, acctest.PCCanada+" ") && strings.HasSuffix(s, "/$actions/unregister"))
				})
				if user < 0 || pairing < 0 || user > pairing {
					return fmt.Errorf("the user of the pairing must be deleted before the pairing; deletes were %v", deletes)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fromFrance, tfjsonpath.New("type"), knownvalue.StringExact("PC")),
					statecheck.ExpectKnownValue(fromFrance, tfjsonpath.New("management_url"), knownvalue.StringExact(canada.AdvertisedIP())),
					statecheck.ExpectKnownValue(fromFrance, tfjsonpath.New("reachable"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(fromFrance, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(fromCanada, tfjsonpath.New("management_url"), knownvalue.StringExact(france.AdvertisedIP())),
					samePairing.AddStateValue(fromCanada, tfjsonpath.New("id")),
					samePairing.AddStateValue("nutanixdr_availability_zone.france", tfjsonpath.New("id")),
					acctest.CheckSecretNotStored("nutanixdr_availability_zone.france", "cloud_trust_id", france.Password()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPairedWith(t, fr, "PC_"+canada.AdvertisedIP(), canada.AdvertisedIP()),
					func(s *terraform.State) error {
						want := s.RootModule().Resources[fromFrance].Primary.ID
						azs, err := fr.ListAvailabilityZones(t.Context(), "")
						if err != nil {
							return err
						}
						for _, az := range azs {
							if az.Name == "PC_"+canada.AdvertisedIP() && az.UUID == want {
								return nil
							}
						}
						return fmt.Errorf("france's data source returned %s, not france's zone of canada (%+v)", want, azs)
					},
				),
			},
		},
	})
}

// testAccCheckPaired checks through the API that the Prism Central of c has the availability
// zone of the state's resource addr, named name, with management URL url, and its cloud trust.
func testAccCheckPaired(t *testing.T, c *client.Client, addr, name, url string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		az, err := c.GetAvailabilityZone(t.Context(), rs.Primary.ID)
		if err != nil {
			return fmt.Errorf("reading availability zone %s: %w", rs.Primary.ID, err)
		}
		if az.Name != name || az.Type != client.AvailabilityZonePC || az.ManagementURL != url {
			return fmt.Errorf("availability zone %s is %+v, want %s of type PC at %s", rs.Primary.ID, az, name, url)
		}
		if want := rs.Primary.Attributes["cloud_trust_id"]; az.CloudTrustUUID != want {
			return fmt.Errorf("availability zone %s belongs to cloud trust %q, the state says %q", name, az.CloudTrustUUID, want)
		}
		return nil
	}
}

// testAccCheckPairedWith checks through the API that the Prism Central of c has an
// availability zone named name at url, with a cloud trust (the remote side of a pairing).
func testAccCheckPairedWith(t *testing.T, c *client.Client, name, url string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		azs, err := c.ListAvailabilityZones(t.Context(), "")
		if err != nil {
			return fmt.Errorf("listing availability zones: %w", err)
		}
		for _, az := range azs {
			if az.Name == name {
				if az.ManagementURL != url || az.CloudTrustUUID == "" {
					return fmt.Errorf("availability zone %s is %+v, want management URL %s and a cloud trust", name, az, url)
				}
				return nil
			}
		}
		return fmt.Errorf("no availability zone %s among %+v", name, azs)
	}
}

// testAccCheckNotPaired checks through the API that the Prism Central of c has no cloud trust
// and no availability zone but (perhaps) its Local one.
func testAccCheckNotPaired(t *testing.T, c *client.Client) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := t.Context()
		trusts, err := c.ListCloudTrusts(ctx)
		if err != nil {
			return fmt.Errorf("listing cloud trusts: %w", err)
		}
		if len(trusts) > 0 {
			return fmt.Errorf("cloud trusts left: %+v", trusts)
		}
		azs, err := c.ListAvailabilityZones(ctx, "")
		if err != nil {
			return fmt.Errorf("listing availability zones: %w", err)
		}
		for _, az := range azs {
			if az.Type != client.AvailabilityZoneLocal {
				return fmt.Errorf("availability zone left: %+v", az)
			}
		}
		return nil
	}
}

// testAccUnpair unpairs, through the API, the pairing of c's availability zone named name.
func testAccUnpair(t *testing.T, c *client.Client, name string) {
	t.Helper()
	ctx := t.Context()
	ct, err := testAccTrustOf(ctx, c, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCloudTrust(ctx, ct); err != nil {
		t.Fatalf("unpairing %s out of band: %v", name, err)
	}
}

// testAccTrustOf returns the cloud trust UUID of c's availability zone named name.
func testAccTrustOf(ctx context.Context, c *client.Client, name string) (string, error) {
	azs, err := c.ListAvailabilityZones(ctx, "")
	if err != nil {
		return "", fmt.Errorf("listing availability zones: %w", err)
	}
	for _, az := range azs {
		if az.Name == name {
			if az.CloudTrustUUID == "" {
				return "", fmt.Errorf("availability zone %s has no cloud trust", name)
			}
			return az.CloudTrustUUID, nil
		}
	}
	return "", errors.New("no availability zone " + name)
}
