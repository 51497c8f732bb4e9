package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// newRecoveryPlansDataSource lists recovery plans, for import blocks with for_each and for
// references by name.
func newRecoveryPlansDataSource() datasource.DataSource {
	return &listDataSource[client.RecoveryPlan]{spec: listSpec[client.RecoveryPlan]{
		typeSuffix: "recovery_plans",
		kind:       kindRecoveryPlan,
		description: "Lists the recovery plans of Prism Central, filtered by name and by the categories their stages " +
			"recover: for `import` blocks with `for_each`, and to find ids by name. Leap syncs a plan to the paired " +
			"Prism Central of its locations, so it is listed on both, with the same id: adopt it through one " +
			"provider configuration only, and refer to it elsewhere with the data source `nutanixdr_recovery_plan`.",
		results: "recovery_plans",
		itemAttrs: map[string]schema.Attribute{
			"id":                            computedString("UUID of the plan (the import ID of `nutanixdr_recovery_plan`)."),
			"name":                          computedString("Name of the plan."),
			"description":                   computedString("Description of the plan (`\"\"` when none)."),
			"primary_availability_zone_id":  computedString("UUID of the availability zone of its primary location."),
			"recovery_availability_zone_id": computedString("UUID of the availability zone of its recovery location."),
			"stage_count":                   computedInt("Number of stages."),
		},
		list: func(ctx context.Context, c *client.Client) ([]client.RecoveryPlan, error) {
			return c.ListRecoveryPlans(ctx, "")
		},
		nameOf: func(p client.RecoveryPlan) string { return p.Name },
		idOf:   func(p client.RecoveryPlan) string { return p.UUID },
		categoriesOf: func(p client.RecoveryPlan) map[string][]string {
			out := map[string][]string{}
			for _, s := range p.Stages {
				for _, e := range s.Entities {
					for k, v := range e.Categories {
						out[k] = append(out[k], v)
					}
				}
			}
			return out
		},
		categoriesHelp: "recover (an entity of a stage selects)",
		flatten: func(p client.RecoveryPlan) map[string]attr.Value {
			pi, ri := planLocationIndexes(&p)
			return map[string]attr.Value{
				"id": types.StringValue(p.UUID), "name": types.StringValue(p.Name),
				"description":                   types.StringValue(p.Description),
				"primary_availability_zone_id":  stringOrNull(azAt(&p, pi).AvailabilityZoneUUID),
				"recovery_availability_zone_id": stringOrNull(azAt(&p, ri).AvailabilityZoneUUID),
				"stage_count":                   types.Int64Value(int64(len(p.Stages))),
			}
		},
	}}
}
