# The store MST created for a bucket on the Prism Central of NC2 on AWS, e.g. deployed by hand.
data "nutanixdr_mst_target" "s3" {
  provider = nutanixdr.nc2
  bucket   = "nutanix-clusters-pilotlight-jwr"
}

output "mst_store" {
  value = "${data.nutanixdr_mst_target.s3.id} (${data.nutanixdr_mst_target.s3.status}, ${data.nutanixdr_mst_target.s3.recovery_point_count} recovery points)"
}
