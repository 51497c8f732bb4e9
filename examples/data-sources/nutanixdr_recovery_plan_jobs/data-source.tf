# The jobs of a recovery plan on the recovery site, newest first, whoever started them: a
# pipeline sees there that a witness failed over by itself.
data "nutanixdr_recovery_plan_jobs" "canada_to_france" {
  provider         = nutanixdr.france
  recovery_plan_id = nutanixdr_recovery_plan.canada_to_france.id
}

output "witness_failovers" {
  value = [
    for j in data.nutanixdr_recovery_plan_jobs.canada_to_france.jobs : "${j.started_at} ${j.status}"
    if j.initiator == "witness"
  ]
}

output "latest_job" {
  value = try(data.nutanixdr_recovery_plan_jobs.canada_to_france.jobs[0], null)
}
