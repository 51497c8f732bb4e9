package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// TestAccProvider_apiVersion checks the api_version choices: a value that is not a choice is
// refused at plan time naming the attribute; "auto", "v3" and "v4" work. "v4" on a Prism
// Central that does not serve the v4 revisions the provider speaks is refused when the
// provider is configured, saying what to do; on one that serves them, nothing at all is sent
// over v3 (the endpoint check included).
func TestAccProvider_apiVersion(t *testing.T) {
	for _, tc := range []struct {
		release string
		v4Works bool
	}{{prismsim.DefaultPCVersion, false}, {v4Release, true}} {
		t.Run(tc.release, func(t *testing.T) {
			w := acctest.NewWorldWith(t, acctest.WithPCVersion(tc.release))
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
			v4Step := resource.TestStep{
				Config: config(`"v4"`),
				ExpectError: acctest.ErrorRegexp(`Endpoint is not Prism Central`, `does not serve the clustermgmt v4.2 API`,
					`api_version = "v4"`, `api_version = "auto"`),
			}
			if tc.v4Works {
				v4Step = resource.TestStep{
					PreConfig: func() { w.PC(acctest.PCCanada).ResetRequestCounts() },
					Config:    config(`"v4"`),
					ConfigStateChecks: []statecheck.StateCheck{clusterFound, acctest.CheckAPI(func(context.Context) error {
						for route, n := range w.PC(acctest.PCCanada).RequestCounts().ByRoute {
							if strings.Contains(route, "/api/nutanix/v3/") {
								return fmt.Errorf("api_version = \"v4\" sent %d requests over v3 (%s)", n, route)
							}
						}
						return nil
					})},
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:      config(`"v5"`),
						ExpectError: acctest.ErrorRegexp(`api_version`, `value must be one of`, `"auto"`, `"v3"`, `"v4"`, `got: "v5"`),
					},
					v4Step,
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
		})
	}
}
