package provider_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// bulkCount is more than one page of the client's list calls (100 entities): the list data
// sources must go past it.
const bulkCount = 105

// withBulkInventory adds to canada bulkCount VMs (bulk-vm-000...; the even ones carry
// replicated-vm:from-canada), VLAN subnets (bulk-net-000...) and category keys (bulk-cat-000...).
func withBulkInventory(cfg *prismsim.WorldConfig) {
	for i := range cfg.PCs {
		pc := &cfg.PCs[i]
		if pc.Name != acctest.PCCanada {
			continue
		}
		if !slices.ContainsFunc(pc.Categories, func(c prismsim.CategoryConfig) bool { return c.Name == foKey }) {
			pc.Categories = append(pc.Categories, prismsim.CategoryConfig{Name: foKey, Values: []string{foValue}})
		}
		for n := range bulkCount {
			vm := prismsim.VMConfig{Name: fmt.Sprintf("bulk-vm-%03d", n)}
			if n%2 == 0 {
				vm.Categories = map[string]string{foKey: foValue}
			}
			pc.VMs = append(pc.VMs, vm)
			pc.Subnets = append(pc.Subnets, prismsim.SubnetConfig{Name: fmt.Sprintf("bulk-net-%03d", n),
				VLANID: 1000 + n, CIDR: fmt.Sprintf("10.%d.%d.0/24", 100+n/200, n%200), Gateway: fmt.Sprintf("10.%d.%d.1", 100+n/200, n%200)})
			pc.Categories = append(pc.Categories, prismsim.CategoryConfig{Name: fmt.Sprintf("bulk-cat-%03d", n), Values: []string{"v"}})
		}
	}
}

// listCount checks the number of elements of a list attribute.
func listCount(addr, attr string, n int) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.ListSizeExact(n))
}

func TestAccVMsAndSubnetsDataSources(t *testing.T) {
	w := acctest.NewWorldWith(t, withBulkInventory)
	provider := acctest.ProviderConfig(w, acctest.PCCanada, "")
	ca01 := acctest.ClusterID(t, w, acctest.PCCanada, "CA01")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + "data \"nutanixdr_vms\" \"bad\" {\n  name_regex = \"(\"\n}\n",
				ExpectError: acctest.ErrorRegexp("Invalid regular expression", "name_regex"),
			},
			{
				Config:      provider + "data \"nutanixdr_subnets\" \"bad\" {\n  subnet_type = \"FLAT\"\n}\n",
				ExpectError: acctest.ErrorRegexp("subnet_type", "VLAN", "OVERLAY"),
			},
			{
				Config: provider + `
data "nutanixdr_vms" "bulk" {
  name_regex = "^bulk-vm-"
}
data "nutanixdr_vms" "protected" {
  name_regex = "^bulk-vm-"
  categories = { "replicated-vm" = "from-canada" }
}
data "nutanixdr_vms" "one" {
  name_regex = "^bulk-vm-007$"
  cluster_id = "` + ca01 + `"
}
data "nutanixdr_vms" "none" {
  name_regex = "^no-such-vm$"
}
data "nutanixdr_subnets" "bulk" {
  name_regex  = "^bulk-net-"
  subnet_type = "VLAN"
}
data "nutanixdr_subnets" "overlay" {
  subnet_type = "OVERLAY"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					listCount("data.nutanixdr_vms.bulk", "vms", bulkCount),
					listCount("data.nutanixdr_vms.bulk", "ids", bulkCount),
					listCount("data.nutanixdr_vms.protected", "vms", (bulkCount+1)/2),
					statecheck.ExpectKnownValue("data.nutanixdr_vms.protected", tfjsonpath.New("vms").AtSliceIndex(1).AtMapKey("name"),
						knownvalue.StringExact("bulk-vm-002")),
					statecheck.ExpectKnownValue("data.nutanixdr_vms.one", tfjsonpath.New("vms").AtSliceIndex(0).AtMapKey("cluster_id"),
						knownvalue.StringExact(ca01)),
					listCount("data.nutanixdr_vms.one", "vms", 1),
					listCount("data.nutanixdr_vms.none", "vms", 0),
					listCount("data.nutanixdr_vms.none", "ids", 0),
					listCount("data.nutanixdr_subnets.bulk", "subnets", bulkCount),
					statecheck.ExpectKnownValue("data.nutanixdr_subnets.bulk", tfjsonpath.New("subnets").AtSliceIndex(104).AtMapKey("vlan_id"),
						knownvalue.Int64Exact(1104)),
					listCount("data.nutanixdr_subnets.overlay", "subnets", 0),
				},
			},
		},
	})
}
