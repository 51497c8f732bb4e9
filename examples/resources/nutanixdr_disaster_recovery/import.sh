# There is one disaster recovery service per Prism Central: its import ID is always "local".
tofu import nutanixdr_disaster_recovery.canada local
