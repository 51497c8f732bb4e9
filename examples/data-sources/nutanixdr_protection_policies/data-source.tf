# Every policy this Prism Central owns (copies synced from a paired one are left out),
# imported in one go.
data "nutanixdr_protection_policies" "owned" {
  name_regex = "^replicated-"
}

import {
  for_each = {
    for p in data.nutanixdr_protection_policies.owned.protection_policies :
    p.name => p.id if p.owner_availability_zone_id == null
  }
  to = nutanixdr_protection_policy.adopted[each.key]
  id = each.value
}
