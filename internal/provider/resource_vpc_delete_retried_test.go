package provider_test

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// TestAccVPC_destroyRetried deletes a VPC whose first DELETE was processed but answered by a
// dropped connection: the client's retry finds the delete under way, 409 "vpc ... is already
// being deleted", as a destroy run again after a failed one does. That used to fail the
// destroy; a delete under way is success once the entity is gone, so the provider waits for it.
func TestAccVPC_destroyRetried(t *testing.T) {
	w := acctest.NewWorldPreset(t, nc2Preset, nil)
	c := acctest.Client(t, w, acctest.PCTokyo)
	provider := acctest.ProviderConfig(w, acctest.PCTokyo, "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckVPCsGone(t, c),
		Steps: []resource.TestStep{
			{
				Config: provider + `
resource "nutanixdr_vpc" "a" {
  name = "vpc-destroy-retried"
}
`,
			},
			{
				PreConfig: func() {
					w.UpdateSettings(prismsim.Settings{TaskLatency: prismsim.Duration(2 * time.Second), ClockRate: 1})
					if _, err := w.AddFault(prismsim.Fault{PC: acctest.PCTokyo, PathPrefix: "/api/nutanix/v3/vpcs/",
						Method: "DELETE", Kind: prismsim.FaultDropAfterCommit}); err != nil {
						t.Fatal(err)
					}
				},
				Config: provider,
			},
		},
	})
}
