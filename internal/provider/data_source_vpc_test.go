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

func TestAccVPCDataSources(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	for n := range bulkCount {
		v := client.VPC{Name: fmt.Sprintf("bulk-vpc-%03d", n)}
		if n == 7 {
			v.Description, v.DNSServers = "the seventh", []string{"10.10.0.53"}
			v.ExternallyRoutablePrefixes = []string{"172.30.0.0/16"}
		}
		if _, err := c.CreateVPC(t.Context(), v); err != nil {
			t.Fatalf("creating VPC %d: %v", n, err)
		}
	}
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const one = "data.nutanixdr_vpc.seventh"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + "data \"nutanixdr_vpc\" \"missing\" {\n  name = \"no-such-vpc\"\n}\n",
				ExpectError: acctest.ErrorRegexp(`No VPC named "no-such-vpc"`),
			},
			{
				Config: provider + `
data "nutanixdr_vpc" "seventh" {
  name = "bulk-vpc-007"
}
data "nutanixdr_vpcs" "all" {}
data "nutanixdr_vpcs" "tens" {
  name_regex = "^bulk-vpc-0[0-9]0$"
}
data "nutanixdr_vpcs" "none" {
  name_regex = "^prod-"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(one, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(one, tfjsonpath.New("description"), knownvalue.StringExact("the seventh")),
					statecheck.ExpectKnownValue(one, tfjsonpath.New("dns_servers"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("10.10.0.53")})),
					statecheck.ExpectKnownValue(one, tfjsonpath.New("externally_routable_prefixes"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("172.30.0.0/16")})),
					statecheck.ExpectKnownValue(one, tfjsonpath.New("external_subnet_ids"), knownvalue.ListSizeExact(0)),
					listCount("data.nutanixdr_vpcs.all", "vpcs", bulkCount),
					listCount("data.nutanixdr_vpcs.tens", "vpcs", 10),
					statecheck.ExpectKnownValue("data.nutanixdr_vpcs.tens", tfjsonpath.New("vpcs").AtSliceIndex(9).AtMapKey("name"),
						knownvalue.StringExact("bulk-vpc-090")),
					listCount("data.nutanixdr_vpcs.none", "vpcs", 0),
				},
			},
		},
	})
}
