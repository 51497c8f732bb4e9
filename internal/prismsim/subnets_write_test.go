package prismsim

import (
	"strings"
	"testing"
)

// netWorld starts leap-two-sites and returns a client of canada and the uuid of CA01.
func netWorld(t *testing.T) (*World, *apiClient, string) {
	t.Helper()
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	return w, c, c.netClusterUUID("CA01")
}

func expectMessage(t *testing.T, r apiResponse, parts ...string) {
	t.Helper()
	msg := r.message(t)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message %q does not mention %q", msg, p)
		}
	}
}

func TestSubnetCreateVLANAndExternal(t *testing.T) {
	_, c, cluster := netWorld(t)
	id := newUUID()
	body := c.accept(c.v3("POST", "/subnets", intent("subnet", id,
		externalSubnetSpec("ext-nonat", cluster, 100, "10.1.0.0", 24, "10.1.0.1", boolPtr(false)))))
	if getString(body, "metadata", "uuid") != id {
		t.Fatalf("client-chosen uuid not kept: %v", body["metadata"])
	}
	got := expect(t, c.v3("GET", "/subnets/"+id, nil), 200).json(t)
	if v, ok := get(got, "spec", "resources", "enable_nat").(bool); !ok || v {
		t.Errorf("spec enable_nat = %v, want false kept", get(got, "spec", "resources", "enable_nat"))
	}
	if v, ok := get(got, "status", "resources", "enable_nat").(bool); !ok || v {
		t.Errorf("status enable_nat = %v, want false", get(got, "status", "resources", "enable_nat"))
	}
	if getString(got, "status", "state") != "COMPLETE" || getString(got, "status", "cluster_reference", "name") != "CA01" {
		t.Errorf("status: %v", got["status"])
	}

	// An external subnet without enable_nat has NAT, as Prism Central defaults it.
	natID := newUUID()
	c.accept(c.v3("POST", "/subnets", intent("subnet", natID,
		externalSubnetSpec("ext-nat", cluster, 101, "10.2.0.0", 24, "10.2.0.1", nil))))
	nat := expect(t, c.v3("GET", "/subnets/"+natID, nil), 200).json(t)
	if v, _ := get(nat, "status", "resources", "enable_nat").(bool); !v {
		t.Errorf("status enable_nat of an external subnet without it = %v, want true", get(nat, "status", "resources", "enable_nat"))
	}
	if _, sent := obj(t, get(nat, "spec", "resources"))["enable_nat"]; sent {
		t.Error("the spec must stay as sent, without enable_nat")
	}

	list := expect(t, c.v3("POST", "/subnets/list", map[string]any{"filter": "is_external==true"}), 200).json(t)
	if n := getInt(t, list, "metadata", "total_matches"); n != 2 {
		t.Errorf("external subnets listed: %d, want 2", n)
	}
}

func TestSubnetRulesRefused(t *testing.T) {
	_, c, cluster := netWorld(t)
	vlan := func(mutate func(spec, res, ipc map[string]any)) map[string]any {
		spec := externalSubnetSpec("s", cluster, 200, "10.5.0.0", 24, "10.5.0.1", nil)
		res := obj(t, spec["resources"])
		res["is_external"] = false
		mutate(spec, res, obj(t, res["ip_config"]))
		return intent("subnet", newUUID(), spec)
	}
	cases := []struct {
		name   string
		body   map[string]any
		status int
		reason string
		msg    string
	}{
		{"vlan id too big", vlan(func(_, res, _ map[string]any) { res["vlan_id"] = 4096 }), 422, reasonValidation, "vlan_id"},
		{"vlan id missing", vlan(func(_, res, _ map[string]any) { delete(res, "vlan_id") }), 422, reasonValidation, "vlan_id"},
		{"unknown cluster", vlan(func(spec, _, _ map[string]any) {
			spec["cluster_reference"] = map[string]any{"kind": "cluster", "uuid": newUUID()}
		}), 422, reasonInvalidArgument, "does not exist"},
		{"no cluster", vlan(func(spec, _, _ map[string]any) { delete(spec, "cluster_reference") }), 422, reasonValidation, "cluster_reference"},
		{"nat off without external", vlan(func(_, res, _ map[string]any) { res["enable_nat"] = false }), 422, reasonInvalidArgument, "is_external"},
		{"external without ip_config", vlan(func(_, res, _ map[string]any) {
			res["is_external"] = true
			delete(res, "ip_config")
		}), 422, reasonInvalidArgument, "ip_config"},
		{"vpc on vlan", vlan(func(_, res, _ map[string]any) {
			res["vpc_reference"] = map[string]any{"kind": "vpc", "uuid": newUUID()}
		}), 422, reasonInvalidArgument, "OVERLAY"},
		{"host bits", vlan(func(_, _, ipc map[string]any) { ipc["subnet_ip"] = "10.5.0.7" }), 422, reasonValidation, "host bits"},
		{"gateway outside", vlan(func(_, _, ipc map[string]any) { ipc["default_gateway_ip"] = "10.6.0.1" }), 422, reasonInvalidArgument, "not inside"},
		{"gateway is network", vlan(func(_, _, ipc map[string]any) { ipc["default_gateway_ip"] = "10.5.0.0" }), 422, reasonInvalidArgument, "network or broadcast"},
		{"pool outside", vlan(func(_, _, ipc map[string]any) {
			ipc["pool_list"] = []any{map[string]any{"range": "10.5.0.10 10.5.1.10"}}
		}), 422, reasonInvalidArgument, "not inside"},
		{"pools overlap", vlan(func(_, _, ipc map[string]any) {
			ipc["pool_list"] = []any{map[string]any{"range": "10.5.0.10 10.5.0.50"}, map[string]any{"range": "10.5.0.40 10.5.0.60"}}
		}), 422, reasonInvalidArgument, "overlaps pool_list[0]"},
		{"pool holds gateway", vlan(func(_, _, ipc map[string]any) {
			ipc["pool_list"] = []any{map[string]any{"range": "10.5.0.1 10.5.0.50"}}
		}), 422, reasonInvalidArgument, "gateway"},
		{"pool with dash", vlan(func(_, _, ipc map[string]any) {
			ipc["pool_list"] = []any{map[string]any{"range": "10.5.0.10-10.5.0.50"}}
		}), 422, reasonValidation, "one space"},
		{"pool reversed", vlan(func(_, _, ipc map[string]any) {
			ipc["pool_list"] = []any{map[string]any{"range": "10.5.0.50 10.5.0.10"}}
		}), 422, reasonValidation, "starts after"},
		{"bad dns", vlan(func(_, _, ipc map[string]any) {
			ipc["dhcp_options"] = map[string]any{"domain_name_server_list": []any{"dns.example"}}
		}), 422, reasonValidation, "domain_name_server_list[0]"},
		{"overlay without vpc", intent("subnet", newUUID(), map[string]any{"name": "o", "resources": map[string]any{
			"subnet_type": "OVERLAY", "ip_config": map[string]any{"subnet_ip": "172.30.1.0", "prefix_length": 24, "default_gateway_ip": "172.30.1.1"},
		}}), 422, reasonValidation, "vpc_reference"},
		{"overlay with unknown vpc", intent("subnet", newUUID(), overlaySubnetSpec("o", newUUID(), "172.30.1.0", 24, "172.30.1.1")),
			422, reasonInvalidArgument, "create the VPC first"},
		{"bad type", vlan(func(_, res, _ map[string]any) { res["subnet_type"] = "VXLAN" }), 422, reasonValidation, "VLAN or OVERLAY"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := refuse(t, c.v3("POST", "/subnets", tc.body), tc.status, tc.reason)
			expectMessage(t, r, tc.msg)
		})
	}
	// VLAN 4095 is accepted.
	c.accept(c.v3("POST", "/subnets", vlan(func(_, res, _ map[string]any) { res["vlan_id"] = 4095 })))
}

func TestSubnetUpdate(t *testing.T) {
	_, c, cluster := netWorld(t)
	id := newUUID()
	spec := externalSubnetSpec("ext", cluster, 100, "10.1.0.0", 24, "10.1.0.1", boolPtr(false))
	obj(t, spec["resources"])["vswitch_name"] = "br0"
	spec["unmanaged_field"] = "kept"
	c.accept(c.v3("POST", "/subnets", intent("subnet", id, spec)))
	path := "/subnets/" + id

	c.accept(c.putBack(path, func(spec map[string]any) {
		spec["name"] = "ext-renamed"
		ipc := obj(t, get(spec, "resources", "ip_config"))
		ipc["pool_list"] = []any{map[string]any{"range": "10.1.0.100 10.1.0.200"}}
	}))
	got := expect(t, c.v3("GET", path, nil), 200).json(t)
	if getString(got, "status", "name") != "ext-renamed" || getString(got, "spec", "unmanaged_field") != "kept" ||
		getString(got, "spec", "resources", "vswitch_name") != "br0" {
		t.Fatalf("update lost fields: %v", got["spec"])
	}
	if getInt(t, got, "metadata", "spec_version") != 1 {
		t.Errorf("spec_version %v", get(got, "metadata", "spec_version"))
	}
	for field, mutate := range map[string]func(res map[string]any){
		"enable_nat":  func(res map[string]any) { res["enable_nat"] = true },
		"is_external": func(res map[string]any) { res["is_external"] = false; delete(res, "enable_nat") },
		"subnet_type": func(res map[string]any) { res["subnet_type"] = "OVERLAY" },
	} {
		r := c.putBack(path, func(spec map[string]any) { mutate(obj(t, spec["resources"])) })
		if r.status != 422 || !strings.Contains(r.message(t), "cannot be changed") && !strings.Contains(r.message(t), "only valid") {
			t.Errorf("%s change: %d %s", field, r.status, r.body)
		}
	}
	r := c.putBack(path, func(spec map[string]any) {
		spec["cluster_reference"] = map[string]any{"kind": "cluster", "uuid": newUUID()}
	})
	refuse(t, r, 422, reasonInvalidArgument)
}

func TestSubnetInUseByVMCannotBeDeleted(t *testing.T) {
	_, c, _ := netWorld(t)
	subnets := expect(t, c.v3("POST", "/subnets/list", map[string]any{"filter": "name==vlan50-prod"}), 200).json(t)
	prod := getString(subnets, "entities", 0, "metadata", "uuid")
	r := refuse(t, c.v3("DELETE", "/subnets/"+prod, nil), 409, reasonDeletionFailed)
	expectMessage(t, r, "vm app-01", "vm db-01", "vm dns-01")

	// Its network cannot shrink away from the VMs' addresses either.
	r = c.putBack("/subnets/"+prod, func(spec map[string]any) {
		ipc := obj(t, get(spec, "resources", "ip_config"))
		ipc["prefix_length"] = 29
		ipc["default_gateway_ip"] = "192.168.50.1"
	})
	refuse(t, r, 422, reasonInvalidArgument)
	expectMessage(t, r, "outside the new network")

	// vlan51-test is unused: it goes.
	subnets = expect(t, c.v3("POST", "/subnets/list", map[string]any{"filter": "name==vlan51-test"}), 200).json(t)
	test := getString(subnets, "entities", 0, "metadata", "uuid")
	c.accept(c.v3("DELETE", "/subnets/"+test, nil))
	refuse(t, c.v3("GET", "/subnets/"+test, nil), 404, reasonNotFound)
}

func TestSubnetUsersHook(t *testing.T) {
	w, c, _ := netWorld(t)
	subnets := expect(t, c.v3("POST", "/subnets/list", map[string]any{"filter": "name==vlan51-test"}), 200).json(t)
	test := getString(subnets, "entities", 0, "metadata", "uuid")
	saved := subnetUserFinders
	t.Cleanup(func() { subnetUserFinders = saved })
	registerSubnetUsers(func(_ *PC, subnetUUID string) []reference {
		if subnetUUID == test {
			return []reference{{Kind: "recovery_plan", UUID: newUUID(), Name: "rp-1"}}
		}
		return nil
	})
	pc := w.PC("canada")
	pc.mu.Lock()
	users := pc.subnetUsers(test)
	pc.mu.Unlock()
	if len(users) != 1 || users[0].Name != "rp-1" {
		t.Fatalf("subnetUsers = %v", users)
	}
	r := refuse(t, c.v3("DELETE", "/subnets/"+test, nil), 409, reasonDeletionFailed)
	expectMessage(t, r, "recovery_plan rp-1")

	vpc := newUUID()
	c.accept(c.v3("POST", "/vpcs", intent("vpc", vpc, vpcSpec("vpc-a", nil, nil))))
	savedVPC := vpcUserFinders
	t.Cleanup(func() { vpcUserFinders = savedVPC })
	registerVPCUsers(func(_ *PC, vpcUUID string) []reference {
		if vpcUUID == vpc {
			return []reference{{Kind: "recovery_plan", UUID: newUUID(), Name: "rp-2"}}
		}
		return nil
	})
	expectMessage(t, refuse(t, c.v3("DELETE", "/vpcs/"+vpc, nil), 409, reasonDeletionFailed), "recovery_plan rp-2")
}

// TestNC2CrossRegionPreset checks the preset and the path its scenario takes: a no-NAT
// external subnet, a VPC routing 172.30.0.0/16, the overlay subnet 172.30.1.0/24, and
// web-01's NIC moved onto it keeping 172.30.1.34.
func TestNC2CrossRegionPreset(t *testing.T) {
	if !contains(PresetNames(), "nc2-cross-region") {
		t.Fatalf("PresetNames() = %v", PresetNames())
	}
	cfg, err := Preset("nc2-cross-region")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Settings.TaskLatency = Duration(testTaskLatency)
	w, err := NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	tokyo, osaka := w.PC("tokyo"), w.PC("osaka")
	if tokyo == nil || osaka == nil {
		t.Fatalf("PCs: %v", w.PCNames())
	}
	for _, tc := range []struct {
		pc             *PC
		ip, region, cl string
	}{{tokyo, "10.10.0.10", "ap-northeast-1", "NC2-TYO"}, {osaka, "10.20.0.10", "ap-northeast-3", "NC2-OSA"}} {
		if tc.pc.AdvertisedIP() != tc.ip || tc.pc.Region() != tc.region || !tc.pc.DREnabled() {
			t.Errorf("%s: ip %s region %s dr %v", tc.pc.Name(), tc.pc.AdvertisedIP(), tc.pc.Region(), tc.pc.DREnabled())
		}
		cl := newClient(t, tc.pc)
		cl.netClusterUUID(tc.cl)
		azs := cl.azs()
		if len(azs) != 1 {
			t.Errorf("%s: availability zones %v, want only the Local one (not paired)", tc.pc.Name(), azs)
		}
	}
	c := newClient(t, tokyo)
	cluster := c.netClusterUUID("NC2-TYO")
	ext := newUUID()
	c.accept(c.v3("POST", "/subnets", intent("subnet", ext,
		externalSubnetSpec("ext-nonat", cluster, 0, "10.10.16.0", 20, "10.10.16.1", boolPtr(false)))))
	vpc := newUUID()
	c.accept(c.v3("POST", "/vpcs", intent("vpc", vpc, vpcSpec("vpc-a", []string{ext}, []string{"172.30.0.0/16"}))))
	overlay := newUUID()
	c.accept(c.v3("POST", "/subnets", intent("subnet", overlay, overlaySubnetSpec("vpc-a-apps", vpc, "172.30.1.0", 24, "172.30.1.1"))))
	c.accept(c.putBack("/vpcs/"+vpc+"/route_tables", func(spec map[string]any) {
		obj(t, spec["resources"])["default_route_nexthop"] = map[string]any{
			"external_subnet_reference": map[string]any{"kind": "subnet", "uuid": ext},
		}
	}))

	vm := c.vmByName("web-01")
	id := getString(vm, "metadata", "uuid")
	if ip := getString(vm, "status", "resources", "nic_list", 0, "ip_endpoint_list", 0, "ip"); ip != "172.30.1.34" {
		t.Fatalf("web-01 starts with %q", ip)
	}
	c.accept(c.putBack("/vms/"+id, func(spec map[string]any) {
		nic := obj(t, get(spec, "resources", "nic_list", 0))
		nic["subnet_reference"] = map[string]any{"kind": "subnet", "uuid": overlay}
	}))
	moved := expect(t, c.v3("GET", "/vms/"+id, nil), 200).json(t)
	if getString(moved, "status", "resources", "nic_list", 0, "subnet_reference", "uuid") != overlay ||
		getString(moved, "status", "resources", "nic_list", 0, "subnet_reference", "name") != "vpc-a-apps" ||
		getString(moved, "status", "resources", "nic_list", 0, "ip_endpoint_list", 0, "ip") != "172.30.1.34" {
		t.Fatalf("web-01 after the move: %v", get(moved, "status", "resources", "nic_list"))
	}
	onOverlay := expect(t, c.v3("POST", "/vms/list", map[string]any{"filter": "subnet_uuid==" + overlay}), 200).json(t)
	if n := getInt(t, onOverlay, "metadata", "total_matches"); n != 1 {
		t.Errorf("VMs on the overlay subnet: %d, want 1", n)
	}
	usage := expect(t, c.v3("GET", "/subnets/"+overlay, nil), 200).json(t)
	if n := getInt(t, usage, "status", "resources", "ip_usage_stats", "num_assigned_ips"); n != 1 {
		t.Errorf("num_assigned_ips %d, want 1", n)
	}

	// app-01 cannot take the gateway, nor an address outside the subnet.
	app := c.vmByName("app-01")
	appID := getString(app, "metadata", "uuid")
	for ip, want := range map[string]string{"172.30.1.1": "gateway", "172.30.2.35": "outside"} {
		r := c.putBack("/vms/"+appID, func(spec map[string]any) {
			nic := obj(t, get(spec, "resources", "nic_list", 0))
			nic["subnet_reference"] = map[string]any{"kind": "subnet", "uuid": overlay}
			nic["ip_endpoint_list"] = []any{map[string]any{"ip": ip, "type": "ASSIGNED"}}
		})
		refuse(t, r, 422, reasonInvalidArgument)
		expectMessage(t, r, want)
	}

	// The overlay subnet is in use by web-01 now; the VPC has a subnet; the external
	// subnet is used by the VPC and its route table.
	expectMessage(t, refuse(t, c.v3("DELETE", "/subnets/"+overlay, nil), 409, reasonDeletionFailed), "vm web-01")
	expectMessage(t, refuse(t, c.v3("DELETE", "/vpcs/"+vpc, nil), 409, reasonDeletionFailed), "subnet vpc-a-apps")
	expectMessage(t, refuse(t, c.v3("DELETE", "/subnets/"+ext, nil), 409, reasonDeletionFailed), "vpc vpc-a", "vpc_route_table vpc-a")
}
