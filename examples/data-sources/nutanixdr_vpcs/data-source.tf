data "nutanixdr_vpcs" "all" {}

import {
  for_each = { for v in data.nutanixdr_vpcs.all.vpcs : v.name => v.id }
  to       = nutanixdr_vpc.adopted[each.key]
  id       = each.value
}
