# Every policy named replicated-*, imported in one go. The list includes the policies Leap
# synced from the paired Prism Central: adopt each policy through one provider configuration only.
data "nutanixdr_protection_policies" "replicated" {
  name_regex = "^replicated-"
}

import {
  for_each = {
    for p in data.nutanixdr_protection_policies.replicated.protection_policies : p.name => p.id
  }
  to = nutanixdr_protection_policy.adopted[each.key]
  id = each.value
}
