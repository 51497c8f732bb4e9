package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

// TestAccMSTTargetDataSource looks up a store deployed outside Terraform by its bucket, and
// checks that an unknown bucket is an error naming the buckets that have stores.
func TestAccMSTTargetDataSource(t *testing.T) {
	w := acctest.NewWorldPreset(t, presetPilotLight, nil)
	const bucket = "nutanix-clusters-lookup"
	st := deployMSTOutOfBand(t, w, pilotMST(t, w, bucket))
	lookup := func(b string) string {
		return acctest.ProviderConfig(w, pcNC2, "") + `
data "nutanixdr_mst_target" "x" {
  bucket = ` + acctest.HCLString(b) + `
}
`
	}
	const addr = "data.nutanixdr_mst_target.x"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: lookup(bucket),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(st.ExtID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact(st.Status)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("region"), knownvalue.StringExact(st.Region)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("network_name"), knownvalue.StringExact(pilotNetwork)),
				},
			},
			{
				Config:      lookup("nutanix-clusters-missing"),
				ExpectError: acctest.ErrorRegexp(`No MST recovery point store for bucket "nutanix-clusters-missing"`, bucket),
			},
		},
	})
}
