# Imported by subnet UUID.
tofu import nutanixdr_subnet.overlay 3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b
