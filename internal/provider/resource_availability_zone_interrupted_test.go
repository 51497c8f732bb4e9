package provider_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// TestAccAvailabilityZone_createInterrupted covers a pairing whose create stops waiting while
// the pairing task still runs, as when the CLI is interrupted (here: the create timeout is
// shorter than the PC's task latency). The cleanup must wait for the task before it unpairs,
// instead of giving up on a 409 "still being created" and leaving a pairing that no state
// knows of, which made every later apply fail with CLOUD_TRUST_EXISTS.
func TestAccAvailabilityZone_createInterrupted(t *testing.T) {
	w := acctest.NewWorldWith(t, func(cfg *prismsim.WorldConfig) {
		acctest.WithDR(acctest.PCCanada, acctest.PCFrance)(cfg)
		cfg.Settings.TaskLatency = prismsim.Duration(3 * time.Second)
	})
	ca := acctest.Client(t, w, acctest.PCCanada)
	fr := acctest.Client(t, w, acctest.PCFrance)
	france := w.PC(acctest.PCFrance)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	config := func(createTimeout string) string {
		return provider + testAccPairingConfig(france.AdvertisedIP(), france.Username(), france.Password(),
			"  timeouts = {\n    create = \""+createTimeout+"\"\n  }\n")
	}
	nothingLeft := func() {
		for name, c := range map[string]*client.Client{acctest.PCCanada: ca, acctest.PCFrance: fr} {
			if err := testAccCheckNotPaired(t, c)(nil); err != nil {
				t.Errorf("the interrupted pairing left something on %s: %v", name, err)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckNotPaired(t, ca), testAccCheckNotPaired(t, fr),
		),
		Steps: []resource.TestStep{
			{
				Config:      config("1s"),
				ExpectError: regexp.MustCompile(`(?s)Error creating availability zone.*(deadline|timed? ?out|timeout)`),
			},
			{
				// The cleanup unpaired once the pairing task ended: the next apply pairs.
				PreConfig: nothingLeft,
				Config:    config("1m"),
				Check:     testAccCheckPairedWith(t, ca, "PC_"+france.AdvertisedIP(), france.AdvertisedIP()),
			},
		},
	})
}
