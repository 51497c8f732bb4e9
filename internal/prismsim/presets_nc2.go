package prismsim

// The nc2-cross-region preset: two NC2 sites in two AWS regions, disaster recovery enabled
// on both and not paired (the scenario pairs them). Tokyo's VMs sit on a placeholder VLAN
// subnet with the CIDR of the overlay subnet the scenario creates, 172.30.1.0/24, so that
// moving their NICs onto it keeps their addresses.

func init() {
	presets["nc2-cross-region"] = nc2CrossRegion
}

func nc2CrossRegion() WorldConfig {
	vm := func(name, ip string) VMConfig {
		return VMConfig{Name: name, Cluster: "NC2-TYO", Subnet: "tyo-staging", IP: ip, PowerState: "ON"}
	}
	return WorldConfig{
		PCs: []PCConfig{
			{
				Name:         "tokyo",
				AdvertisedIP: "10.10.0.10",
				Region:       "ap-northeast-1",
				DREnabled:    true,
				Clusters:     []ClusterConfig{{Name: "NC2-TYO"}},
				Subnets: []SubnetConfig{
					{Name: "tyo-staging", Cluster: "NC2-TYO", VLANID: 0, CIDR: "172.30.1.0/24", Gateway: "172.30.1.1"},
				},
				VMs: []VMConfig{
					vm("web-01", "172.30.1.34"),
					vm("app-01", "172.30.1.35"),
				},
			},
			{
				Name:         "osaka",
				AdvertisedIP: "10.20.0.10",
				Region:       "ap-northeast-3",
				DREnabled:    true,
				Clusters:     []ClusterConfig{{Name: "NC2-OSA"}},
			},
		},
	}
}
