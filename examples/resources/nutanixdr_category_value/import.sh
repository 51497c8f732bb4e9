# A category value is imported by <category>/<value>.
tofu import nutanixdr_category_value.from_canada replicated-vm/from-canada
