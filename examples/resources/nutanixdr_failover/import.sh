# A job that ran already (in Prism Central, by a witness, or by another configuration) is
# imported by its UUID on the recovery site's Prism Central (data source
# nutanixdr_recovery_plan_jobs): it is recorded without running again, its arguments read
# from the job.
tofu import nutanixdr_failover.planned 3f2b6c1d-8e4a-4b7f-9c0d-1a2b3c4d5e6f
