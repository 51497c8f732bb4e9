package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// testAccSubnetDataSourceConfig looks a subnet up by name, next to the cluster CA01.
func testAccSubnetDataSourceConfig(name string, byCluster bool) string {
	cluster := ""
	if byCluster {
		cluster = "cluster_id = data.nutanixdr_cluster.ca.id"
	}
	return fmt.Sprintf(`
data "nutanixdr_cluster" "ca" {
  name = "CA01"
}

data "nutanixdr_subnet" "test" {
  name = %q
  %s
}
`, name, cluster)
}

func TestAccSubnetDataSource(t *testing.T) {
	w := acctest.NewWorld(t)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const addr = "data.nutanixdr_subnet.test"
	sameCluster := statecheck.CompareValuePairs(
		addr, tfjsonpath.New("cluster_id"),
		"data.nutanixdr_cluster.ca", tfjsonpath.New("id"),
		compare.ValuesSame(),
	)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + testAccSubnetDataSourceConfig("vlan50-prod", false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("subnet_type"), knownvalue.StringExact("VLAN")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vlan_id"), knownvalue.Int64Exact(50)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cidr"), knownvalue.StringExact("192.168.50.0/24")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_ip"), knownvalue.StringExact("192.168.50.1")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vpc_id"), knownvalue.Null()),
					sameCluster,
				},
			},
			{
				Config: provider + testAccSubnetDataSourceConfig("vlan51-test", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vlan_id"), knownvalue.Int64Exact(51)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cidr"), knownvalue.StringExact("192.168.51.0/25")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_ip"), knownvalue.StringExact("192.168.51.1")),
					sameCluster,
				},
			},
			{
				Config: provider + `
data "nutanixdr_subnet" "test" {
  name       = "vlan50-prod"
  cluster_id = "00000000-0000-4000-8000-000000000000"
}
`,
				ExpectError: acctest.ErrorRegexp(`No subnet named "vlan50-prod" matches the other arguments (cluster_id)`),
			},
			{
				Config:      provider + testAccSubnetDataSourceConfig("vlan99", false),
				ExpectError: acctest.ErrorRegexp(`Error looking up subnet`, `No subnet named "vlan99"`, `"vlan50-prod", "vlan51-test"`),
			},
		},
	})
}
