package provider_test

import (
	"context"
	"fmt"
	"slices"
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

// testAccVPCByName returns the one VPC named name.
func testAccVPCByName(ctx context.Context, c *client.Client, name string) (*client.VPC, error) {
	vpcs, err := c.ListVPCs(ctx, "")
	if err != nil {
		return nil, err
	}
	var found []client.VPC
	for _, v := range vpcs {
		if v.Name == name {
			found = append(found, v)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("%d VPCs named %q", len(found), name)
	}
	return &found[0], nil
}

// testAccVPCID returns the UUID of the one VPC named name, or fails the test.
func testAccVPCID(t *testing.T, c *client.Client, name string) string {
	t.Helper()
	v, err := testAccVPCByName(t.Context(), c, name)
	if err != nil {
		t.Fatalf("looking up VPC %s: %v", name, err)
	}
	return v.UUID
}

// testAccCheckVPCsGone checks that no VPC is left.
func testAccCheckVPCsGone(t *testing.T, c *client.Client) resource.TestCheckFunc {
	return func(*terraform.State) error {
		vpcs, err := c.ListVPCs(t.Context(), "")
		if err != nil {
			return err
		}
		if len(vpcs) > 0 {
			return fmt.Errorf("VPC %s (%s) still exists", vpcs[0].Name, vpcs[0].UUID)
		}
		return nil
	}
}

func TestAccVPC_basic(t *testing.T) {
	w := acctest.NewWorldPreset(t, nc2Preset, nil)
	c := acctest.Client(t, w, acctest.PCTokyo)
	provider := acctest.ProviderConfig(w, acctest.PCTokyo, "")
	const addr = "nutanixdr_vpc.a"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	ext := testAccExternalSubnetConfig(defaultExt())
	updated := testAccVPCConfig("vpc-b", `["172.30.0.0/16", "10.99.0.0/24"]`, `description = "two prefixes"
  dns_servers = ["10.10.0.53"]`)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckVPCsGone(t, c), testAccCheckSubnetsGone(t, c, "ext-nonat"),
		),
		Steps: []resource.TestStep{
			{
				Config: provider + ext + testAccVPCConfig("vpc-a", `["172.30.0.0/16"]`, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("externally_routable_prefixes"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("172.30.0.0/16")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("dns_servers"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("external_subnet_ids").AtSliceIndex(0),
						"nutanixdr_subnet.external", tfjsonpath.New("id"), compare.ValuesSame()),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "vpc-a",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `the VPC UUID`, `got "vpc-a"`),
			},
			{
				Config: provider + ext + updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: func(*terraform.State) error {
					v, err := testAccVPCByName(t.Context(), c, "vpc-b")
					if err != nil {
						return err
					}
					if v.Description != "two prefixes" || !slices.Equal(v.ExternallyRoutablePrefixes, []string{"172.30.0.0/16", "10.99.0.0/24"}) ||
						!slices.Equal(v.DNSServers, []string{"10.10.0.53"}) {
						return fmt.Errorf("VPC not updated: %+v", v)
					}
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Changed outside Terraform: the plan puts it back, in place.
				PreConfig: func() {
					v, err := testAccVPCByName(t.Context(), c, "vpc-b")
					if err != nil {
						t.Fatal(err)
					}
					v.Name, v.ExternallyRoutablePrefixes = "by-hand", []string{"172.30.0.0/16"}
					if _, err := c.UpdateVPC(t.Context(), *v); err != nil {
						t.Fatalf("changing the VPC out of band: %v", err)
					}
				},
				Config: provider + ext + updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				// Deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					if err := c.DeleteVPC(t.Context(), testAccVPCID(t, c, "vpc-b")); err != nil {
						t.Fatalf("deleting the VPC out of band: %v", err)
					}
				},
				Config: provider + ext + updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A second VPC may not announce a prefix the first one has: Prism Central refuses.
				Config: provider + ext + updated + `
resource "nutanixdr_vpc" "other" {
  name                         = "vpc-other"
  externally_routable_prefixes = ["172.30.8.0/24"]
}
`,
				ExpectError: acctest.ErrorRegexp(`Error creating VPC`, `"vpc-other"`),
			},
		},
	})
}

func TestAccVPC_validation(t *testing.T) {
	vpc := func(body string) string {
		return offlineProviderConfig() + "resource \"nutanixdr_vpc\" \"test\" {\n  name = \"v\"\n" + body + "\n}\n"
	}
	var steps []resource.TestStep
	for _, tc := range []struct {
		body  string
		error []string
	}{
		{`externally_routable_prefixes = ["172.30.1.0/29"]`, []string{`externally_routable_prefixes[0]: 172.30.1.0/29 is a /29`, `from /16 to /28`}},
		{`externally_routable_prefixes = ["172.0.0.0/15"]`, []string{`172.0.0.0/15 is a /15`}},
		{`externally_routable_prefixes = ["172.30.0.1/16"]`, []string{`externally_routable_prefixes[0]: "172.30.0.1/16" is not a network address`, `"172.30.0.0/16"`}},
		{`externally_routable_prefixes = ["172.30.0.0/16", "172.30.1.0/24"]`, []string{`externally_routable_prefixes[1] (172.30.1.0/24) overlaps externally_routable_prefixes[0] (172.30.0.0/16)`}},
		{`externally_routable_prefixes = ["172.30.0.0/16", "172.30.0.0/16"]`, []string{`Duplicate List Value`, `externally_routable_prefixes`, `duplicate values of: "172.30.0.0/16"`}},
		{`external_subnet_ids = ["ext"]`, []string{`external_subnet_ids[0]`, `must be a UUID`}},
		{`dns_servers = ["dns.example.com"]`, []string{`dns_servers[0]: "dns.example.com" is not an IPv4 address`}},
	} {
		steps = append(steps, resource.TestStep{Config: vpc(tc.body), ExpectError: acctest.ErrorRegexp(tc.error...)})
	}
	steps = append(steps, resource.TestStep{
		Config: offlineProviderConfig() + `
resource "nutanixdr_vpc" "test" {
  name = "this-name-is-longer-than-sixty-four-characters-which-prism-central-refuses"
}
`,
		ExpectError: acctest.ErrorRegexp(`name string length must be between 1 and 64`),
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}
