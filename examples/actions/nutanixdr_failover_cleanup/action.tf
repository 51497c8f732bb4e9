# Terraform 1.14 and later: removes the test VMs of a test failover, e.g. the latest test
# listed by the nutanixdr_recovery_plan_jobs data source:
#   terraform apply -invoke=action.nutanixdr_failover_cleanup.rehearsal
data "nutanixdr_recovery_plan_jobs" "canada_to_france" {
  provider         = nutanixdr.france
  recovery_plan_id = nutanixdr_recovery_plan.canada_to_france.id
}

action "nutanixdr_failover_cleanup" "rehearsal" {
  provider = nutanixdr.france

  config {
    job_id = [for j in data.nutanixdr_recovery_plan_jobs.canada_to_france.jobs : j.id if j.type == "TEST"][0]
  }
}
