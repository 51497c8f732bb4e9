# A protection policy is imported by the UUID of its protection rule, followed by "/" and the
# labels of its locations in the order of the policy. Without labels, the locations are
# labeled location-1, location-2, ...
tofu import nutanixdr_protection_policy.canada_to_france 0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b/canada,france
