# An MST deployment is imported by the extId of its recovery point store (data source
# nutanixdr_mst_target, looked up by bucket, or `clustermgmt-cli mst list`). The ssh connection
# and the write-only keys cannot be imported: the first apply after the import stores the
# configured ssh values without deploying again.
tofu import nutanixdr_mst_target.s3 5f0c2d1e-7a3b-4c5d-8e9f-0a1b2c3d4e5f
