package provider_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// TestAccProvider_apiVersion checks the api_version choices: a value that is not a choice and
// "v4" (not served yet) are refused at plan time naming the attribute; "auto" and "v3" work.
func TestAccProvider_apiVersion(t *testing.T) {
	w := acctest.NewWorld(t)
	config := func(apiVersion string) string {
		block := acctest.ProviderConfig(w, acctest.PCCanada, "")
		block = strings.TrimSuffix(block, "}\n") + "  api_version    = " + apiVersion + "\n}\n"
		return block + `
data "nutanixdr_cluster" "x" {
  name = "CA01"
}
`
	}
	clusterFound := statecheck.ExpectKnownValue("data.nutanixdr_cluster.x", tfjsonpath.New("name"), knownvalue.StringExact("CA01"))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(`"v5"`),
				ExpectError: acctest.ErrorRegexp(`api_version`, `value must be one of`, `"auto"`, `"v3"`, `"v4"`, `got: "v5"`),
			},
			{
				Config: config(`"v4"`),
				ExpectError: acctest.ErrorRegexp(`Invalid provider configuration`, `api_version = "v4" is not available in this provider version`,
					`disaster recovery enablement`, `Set api_version = "auto"`),
			},
			{
				Config:            config(`"v3"`),
				ConfigStateChecks: []statecheck.StateCheck{clusterFound},
			},
			{
				Config:            config(`"auto"`),
				ConfigStateChecks: []statecheck.StateCheck{clusterFound},
			},
		},
	})
}
