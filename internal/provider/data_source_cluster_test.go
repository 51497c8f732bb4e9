package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// testAccClusterDataSourceConfig looks a cluster up by name.
func testAccClusterDataSourceConfig(name string) string {
	return fmt.Sprintf(`
data "nutanixdr_cluster" "test" {
  name = %q
}
`, name)
}

func TestAccClusterDataSource(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	clusters, err := c.ListClusters(t.Context(), "")
	if err != nil {
		t.Fatalf("listing clusters: %v", err)
	}
	var ca01, pcName string
	for _, cl := range clusters {
		switch {
		case cl.IsPrismCentral:
			pcName = cl.Name
		case cl.Name == "CA01":
			ca01 = cl.UUID
		}
	}
	if ca01 == "" || pcName == "" {
		t.Fatalf("the world should list CA01 and Prism Central itself as clusters, got %+v", clusters)
	}
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	const addr = "data.nutanixdr_cluster.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + testAccClusterDataSourceConfig("CA01"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(ca01)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("CA01")),
				},
			},
			{
				Config:      provider + testAccClusterDataSourceConfig("nope"),
				ExpectError: acctest.ErrorRegexp(`Error looking up cluster`, `No cluster named "nope"`, `"CA01"`),
			},
			{
				// Prism Central's own entry in the cluster list is not a cluster to protect.
				Config:      provider + testAccClusterDataSourceConfig(pcName),
				ExpectError: acctest.ErrorRegexp(fmt.Sprintf(`No cluster named %q`, pcName), `"CA01"`),
			},
		},
	})
}
