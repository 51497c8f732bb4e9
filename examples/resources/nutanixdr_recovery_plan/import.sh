# A recovery plan is imported by its UUID.
tofu import nutanixdr_recovery_plan.canada_to_france 0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b
