package prismsim

// The nc2-pilot-light preset: the NC2-on-AWS pilot-light topology of the NC2 guide.
//
// PC onprem runs cluster ONPREM01 with tier-1 VMs (erp-db-01, erp-app-01), meant to
// replicate to the NC2 cluster with a short RPO, and tier-2 VMs (file-01, web-01,
// web-02), meant to replicate to an S3 bucket through MST. PC nc2-aws (region
// ap-northeast-1) runs the small pilot-light cluster NC2-PL, sized for three nodes and
// too small to run every VM of onprem at once, and the network PC-Net 10.110.33.0/24
// whose DHCP pool was shrunk to end at .200 to leave room for the three MST addresses;
// its PC VM (10.110.33.10) accepts SSH as nutanix, to run clustermgmt-cli mst deploy.
// Disaster recovery is enabled on both PCs; they are not paired (the scenario pairs
// them). The categories (dr-tier) are left to the scenario too.

func init() {
	presets["nc2-pilot-light"] = nc2PilotLight
}

func nc2PilotLight() WorldConfig {
	vm := func(name, ip string, vcpus, memGiB int) VMConfig {
		return VMConfig{Name: name, Cluster: "ONPREM01", Subnet: "vlan10-prod", IP: ip, PowerState: "ON",
			VCPUs: vcpus, MemoryMiB: memGiB * 1024}
	}
	return WorldConfig{
		PCs: []PCConfig{
			{
				Name:         "onprem",
				AdvertisedIP: "192.168.1.10",
				DREnabled:    true,
				Clusters: []ClusterConfig{
					{Name: "ONPREM01", ExternalIP: "192.168.1.20", Nodes: 4, VCPUCapacity: 96, MemoryCapacityMiB: 512 * 1024},
				},
				Subnets: []SubnetConfig{
					{Name: "vlan10-prod", Cluster: "ONPREM01", VLANID: 10, CIDR: "192.168.10.0/24", Gateway: "192.168.10.1",
						DHCPPool: []string{"192.168.10.100-192.168.10.199"}},
				},
				VMs: []VMConfig{
					// Tier 1: to the NC2 cluster, short RPO and RTO.
					vm("erp-db-01", "192.168.10.21", 8, 64),
					vm("erp-app-01", "192.168.10.22", 8, 32),
					// Tier 2: to S3 through MST, recovered into NC2 on disaster.
					vm("file-01", "192.168.10.31", 8, 32),
					vm("web-01", "192.168.10.41", 4, 16),
					vm("web-02", "192.168.10.42", 4, 16),
				},
			},
			{
				Name:         "nc2-aws",
				AdvertisedIP: "10.110.33.10",
				Region:       "ap-northeast-1",
				DREnabled:    true,
				// Three i3.metal-like nodes with most of their resources taken by the
				// platform: room for the tier-1 VMs (16 vCPUs, 96 GiB), not for all of them.
				Clusters: []ClusterConfig{
					{Name: "NC2-PL", ExternalIP: "10.110.33.20", Nodes: 3, VCPUCapacity: 24, MemoryCapacityMiB: 128 * 1024},
				},
				Subnets: []SubnetConfig{
					{Name: "PC-Net", Cluster: "NC2-PL", VLANID: 0, CIDR: "10.110.33.0/24", Gateway: "10.110.33.1",
						DHCPPool: []string{"10.110.33.50-10.110.33.200"}},
				},
				SSH: &SSHConfig{Enabled: true},
			},
		},
	}
}
