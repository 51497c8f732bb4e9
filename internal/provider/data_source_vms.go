package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// newVMsDataSource lists VMs, filtered by name, categories and cluster.
func newVMsDataSource() datasource.DataSource {
	return &listDataSource[client.VM]{spec: listSpec[client.VM]{
		typeSuffix: "vms",
		kind:       "VM",
		description: "Lists the VMs of Prism Central, filtered by name, categories and cluster: to protect or recover " +
			"a set of VMs, or to import their categories (`nutanixdr_vm_categories`, import ID the VM's id) with " +
			"`for_each`.",
		results: "vms",
		itemAttrs: map[string]schema.Attribute{
			"id":           computedString("UUID of the VM."),
			"name":         computedString("Name of the VM."),
			"cluster_id":   computedString("UUID of the cluster that runs it."),
			"power_state":  computedString("`ON` or `OFF`."),
			"ip_addresses": computedList("IP addresses of its NICs, in NIC order."),
			"categories":   computedMap("Its categories, key to value, system-defined ones included."),
		},
		list:           func(ctx context.Context, c *client.Client) ([]client.VM, error) { return c.ListVMs(ctx, "") },
		nameOf:         func(v client.VM) string { return v.Name },
		idOf:           func(v client.VM) string { return v.UUID },
		categoriesOf:   func(v client.VM) map[string][]string { return categoriesOfMap(v.Categories) },
		categoriesHelp: "carry",
		extra: map[string]listFilter[client.VM]{
			"cluster_id": {
				attr: schema.StringAttribute{
					MarkdownDescription: "Keep only the VMs of this cluster (UUID). Unset: every cluster.",
					Optional:            true,
				},
				keeps: func(v attr.Value, vm client.VM) bool {
					s, ok := v.(types.String)
					return ok && s.ValueString() == vm.ClusterUUID
				},
			},
		},
		flatten: func(v client.VM) map[string]attr.Value {
			return map[string]attr.Value{
				"id": types.StringValue(v.UUID), "name": types.StringValue(v.Name),
				"cluster_id":   stringOrNull(v.ClusterUUID),
				"power_state":  types.StringValue(v.PowerState),
				"ip_addresses": stringList(v.IPAddresses),
				"categories":   stringMapValue(v.Categories),
			}
		},
	}}
}
