output "categories" {
  description = "The tier categories, as key:value, and the VMs carrying each where they run."
  value = {
    "${var.category_name}:${local.tier1}" = sort([for name in keys(merge(nutanixdr_vm_categories.onprem, nutanixdr_vm_categories.nc2)) : name if local.tier_vms[name] == local.tier1])
    "${var.category_name}:${local.tier2}" = sort([for name in keys(merge(nutanixdr_vm_categories.onprem, nutanixdr_vm_categories.nc2)) : name if local.tier_vms[name] == local.tier2])
  }
}

output "mst_store" {
  description = "The recovery point store MST created for the bucket on NC2's Prism Central (mst_target_id of the tier-2 policy)."
  value = {
    id     = nutanixdr_mst_target.s3.id
    name   = nutanixdr_mst_target.s3.name
    bucket = nutanixdr_mst_target.s3.bucket
    status = nutanixdr_mst_target.s3.status
  }
}

output "policies" {
  description = "The two protection policies and the VMs each covers."
  value = {
    tier1 = { id = nutanixdr_protection_policy.tier1.id, to = "NC2 cluster ${var.clusters["nc2-aws"]}", rpo = var.tier1_rpo }
    tier2 = { id = nutanixdr_protection_policy.tier2.id, to = "S3 bucket ${var.mst.bucket}", rpo = var.tier2_rpo }
  }
}

output "availability_zones" {
  description = "Each site's Local availability zone and its view of the other."
  value = {
    onprem    = { local = data.nutanixdr_availability_zone.onprem_local.id, nc2 = nutanixdr_availability_zone.nc2.id }
    "nc2-aws" = { local = data.nutanixdr_availability_zone.nc2_local.id, onprem = data.nutanixdr_availability_zone.onprem_from_nc2.id }
  }
}

# What Prism Central reports about the plan (entity_count, validation) changes as VMs are
# tagged and protected: read it with `tofu state show nutanixdr_recovery_plan.pilot_light`
# after a refresh rather than from an output, which would show as a change at every plan.
output "recovery_plan" {
  description = "The recovery plan on NC2's Prism Central."
  value = {
    id   = nutanixdr_recovery_plan.pilot_light.id
    name = nutanixdr_recovery_plan.pilot_light.name
  }
}
