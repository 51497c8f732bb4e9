package provider_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// handMadeSetup is a DR setup made through the v3 API, as a team running Leap from Prism
// Central's UI has it: the sites paired, categories on VMs, a two-way policy, a plan with
// delays, scripts, static IPs and cluster-scoped network mappings, a no-NAT subnet and a VPC,
// each carrying fields the provider does not model.
type handMadeSetup struct {
	s                                *failoverSites
	raw                              *rawAPI
	extID, vpcID, overlayID, appVMID string
	ca01, fr01                       string
	rulePath, planPath, extPath      string
	vpcPath, overlayPath             string
	importIDs                        map[string]string // resource address -> import ID
}

// newHandMadeSetup builds the setup on canada (paired with france), through the API.
func newHandMadeSetup(t *testing.T) *handMadeSetup {
	t.Helper()
	s := newFailoverSites(t, failoverSitesOptions{})
	ctx := t.Context()
	h := &handMadeSetup{s: s, raw: newRawAPI(t, s.w.PC(acctest.PCCanada), s.ca)}
	h.ca01 = acctest.ClusterID(t, s.w, acctest.PCCanada, "CA01")
	h.fr01 = acctest.ClusterID(t, s.w, acctest.PCFrance, "FR01")
	h.appVMID = acctest.VMID(t, s.w, acctest.PCCanada, "app-01")
	yes, no := true, false
	vlan := int64(100)

	ext, err := s.ca.CreateSubnet(ctx, client.SubnetSpec{Name: "ext-nonat", SubnetType: client.SubnetTypeVLAN,
		ClusterUUID: h.ca01, VLANID: &vlan, IsExternal: &yes, EnableNAT: &no,
		IPConfig: &client.IPConfig{CIDR: "10.10.100.0/24", GatewayIP: "10.10.100.1", Pools: []string{"10.10.100.50-10.10.100.99"}}})
	if err != nil {
		t.Fatalf("creating the no-NAT subnet: %v", err)
	}
	h.extID = ext.UUID
	vpc, err := s.ca.CreateVPC(ctx, client.VPC{Name: "dr-vpc", ExternalSubnetUUIDs: []string{ext.UUID},
		ExternallyRoutablePrefixes: []string{"172.30.0.0/16"}, DNSServers: []string{"10.10.0.53"}})
	if err != nil {
		t.Fatalf("creating the VPC: %v", err)
	}
	h.vpcID = vpc.UUID
	overlay, err := s.ca.CreateSubnet(ctx, client.SubnetSpec{Name: "app-overlay", SubnetType: client.SubnetTypeOverlay,
		VPCUUID: vpc.UUID, IPConfig: &client.IPConfig{CIDR: "172.30.1.0/24", GatewayIP: "172.30.1.1",
			DNSServers: []string{"10.10.0.53"}, DomainName: "dr.example"}})
	if err != nil {
		t.Fatalf("creating the overlay subnet: %v", err)
	}
	h.overlayID = overlay.UUID

	h.rulePath = "/protection_rules/" + s.ruleID
	h.planPath = "/recovery_plans/" + s.planID
	h.extPath = "/subnets/" + h.extID
	h.overlayPath = "/subnets/" + h.overlayID
	h.vpcPath = "/vpcs/" + h.vpcID

	// The policy becomes two-way, with a second (daily) schedule canada -> france, a start
	// time and multi-party approval.
	h.raw.edit(h.rulePath, func(spec map[string]any) {
		res := at(spec, "resources")
		conns, _ := res["availability_zone_connectivity_list"].([]any)
		back := map[string]any{"source_availability_zone_index": 1, "destination_availability_zone_index": 0,
			"snapshot_schedule_list": []any{map[string]any{"recovery_point_objective_secs": 3600,
				"snapshot_type":                    "CRASH_CONSISTENT",
				"local_snapshot_retention_policy":  map[string]any{"num_snapshots": 2},
				"remote_snapshot_retention_policy": map[string]any{"rollup_retention_policy": map[string]any{"multiple": 7, "snapshot_interval_type": "DAILY"}}}}}
		sched, _ := at(conns[0])["snapshot_schedule_list"].([]any)
		at(conns[0])["snapshot_schedule_list"] = append(sched, map[string]any{"recovery_point_objective_secs": 86400,
			"snapshot_type": "CRASH_CONSISTENT", "local_snapshot_retention_policy": map[string]any{"num_snapshots": 7},
			"remote_snapshot_retention_policy": map[string]any{"num_snapshots": 7}})
		res["availability_zone_connectivity_list"] = append(conns, back)
		res["start_time"] = "22h:30m"
		res["is_approval_policy_needed"] = true
	})
	// The plan gets delays, scripts, power states, static IPs, cluster-scoped mappings and
	// what the provider does not model: a data-services IP mapping and subnet ranges.
	h.raw.edit(h.planPath, func(spec map[string]any) {
		res := at(spec, "resources")
		stages, _ := res["stage_list"].([]any)
		at(stages[0])["delay_time_secs"] = 45
		entity := at(stages[1], "stage_work", "recover_entities", "entity_info_list", 0)
		entity["script_list"] = []any{map[string]any{"enable_script_exec": true, "timeout": 300}}
		entity["vm_power_state"] = "ON"
		params := at(res, "parameters")
		mappings, _ := params["network_mapping_list"].([]any)
		for _, m := range mappings {
			perAZ, _ := at(m)["availability_zone_network_mapping_list"].([]any)
			for _, a := range perAZ {
				az := at(a)
				cluster := h.ca01
				if az["availability_zone_url"] == s.caOfFrance {
					cluster = h.fr01
					az["recovery_ip_assignment_list"] = []any{map[string]any{
						"vm_reference":   map[string]any{"kind": "vm", "uuid": h.appVMID},
						"ip_config_list": []any{map[string]any{"ip_address": "192.168.50.20"}}}}
					at(az, "recovery_network", "subnet_list", 0)["subnet_range"] = map[string]any{
						"start_ip_address": "192.168.50.10", "end_ip_address": "192.168.50.60"}
					at(az, "test_network", "subnet_list", 0)["external_connectivity_state"] = "DISABLED"
					at(az, "test_network", "subnet_list", 0)["l2_stretch_config"] = []any{map[string]any{
						"local_vtep_interface_ip_address": "192.168.51.2", "remote_vtep_interface_ip_address": "192.168.51.3",
						"local_vtep_gateway_config": map[string]any{"name": "vtep-fr"}}}
				}
				az["cluster_reference_list"] = []any{map[string]any{"kind": "cluster", "uuid": cluster}}
			}
		}
		res["volume_group_recovery_info_list"] = []any{map[string]any{"category_filter": map[string]any{
			"type": "CATEGORIES_MATCH_ANY", "kind_list": []any{"volume_group"}, "params": map[string]any{foKey: []any{foValue}}}}}
		at(stages[0], "stage_work", "recover_entities", "entity_info_list", 0)["volume_group_attachment_list"] = []any{}
		params["data_service_ip_mapping_list"] = []any{map[string]any{"data_service_ip_mapping": []any{map[string]any{
			"availability_zone_url": s.caOfFrance, "recovery_data_service_ip": "192.168.50.9", "test_data_service_ip": "192.168.51.9",
			"cluster_reference": map[string]any{"kind": "cluster", "uuid": h.fr01}}}}}
	})
	// The subnets and the VPC carry DHCP and DNS details the provider does not model.
	h.raw.edit(h.overlayPath, func(spec map[string]any) {
		dhcp := at(spec, "resources", "ip_config", "dhcp_options")
		dhcp["boot_file_name"] = "pxelinux.0"
		dhcp["tftp_server_name"] = "172.30.1.5"
	})
	h.raw.edit(h.extPath, func(spec map[string]any) {
		res := at(spec, "resources")
		at(res, "ip_config")["dhcp_server_address"] = map[string]any{"ip": "10.10.100.2"}
		res["vswitch_name"] = "br0"
		res["advanced_networking"] = true
		res["availability_zone_reference_list"] = []any{map[string]any{"kind": "availability_zone", "uuid": s.caLocal}}
		res["network_function_chain_reference"] = map[string]any{"kind": "network_function_chain", "uuid": "5e2d4c6b-1a3f-4b8e-9c7d-0f1e2d3c4b5a"}
		res["virtual_switch_uuid"] = "3c1b3f2e-8a0d-4f5e-9b7a-2d6c4e8f0a1b"
		res["reserved_ip_address_list"] = []any{"10.10.100.7"}
	})
	h.raw.edit(h.vpcPath, func(spec map[string]any) {
		res := at(spec, "resources")
		res["vpc_type"] = "REGULAR"
		res["availability_zone_reference_list"] = []any{map[string]any{"kind": "availability_zone", "uuid": s.caLocal}}
		at(res, "external_subnet_list", 0)["external_ip_list"] = []any{"10.10.100.60"}
		at(res, "common_domain_name_server_ip_list", 0)["port"] = 53
	})

	h.importIDs = map[string]string{
		"nutanixdr_category.replicated_vm":          foKey,
		"nutanixdr_category_value.from_canada":      foKey + "/" + foValue,
		"nutanixdr_vm_categories.app_01":            h.appVMID,
		"nutanixdr_subnet.ext_nonat":                h.extID,
		"nutanixdr_vpc.dr_vpc":                      h.vpcID,
		"nutanixdr_subnet.app_overlay":              h.overlayID,
		"nutanixdr_protection_policy.replicated_vm": s.ruleID + "/canada,france",
		"nutanixdr_recovery_plan.canada_to_france":  s.planID,
		"nutanixdr_disaster_recovery.canada":        "local",
	}
	return h
}

// specs reads the specs of the setup's entities.
func (h *handMadeSetup) specs() map[string]map[string]any {
	return map[string]map[string]any{
		h.rulePath: h.raw.spec(h.rulePath), h.planPath: h.raw.spec(h.planPath), h.extPath: h.raw.spec(h.extPath),
		h.overlayPath: h.raw.spec(h.overlayPath), h.vpcPath: h.raw.spec(h.vpcPath),
	}
}

// importBlocks declares an import block for each entity of the setup.
func (h *handMadeSetup) importBlocks() string {
	var b strings.Builder
	for addr, id := range h.importIDs {
		fmt.Fprintf(&b, "import {\n  to = %s\n  id = %q\n}\n", addr, id)
	}
	return b.String()
}

// TestAccAdoption_generatedConfig adopts a hand-made setup as a new user does: import blocks,
// `plan -generate-config-out`, apply. The generated configuration then plans with no changes,
// and a change of one field (the plan's and the policy's description) keeps every other field
// of every entity on Prism Central, compared path by path with what the API held before.
func TestAccAdoption_generatedConfig(t *testing.T) {
	cli := newCLIDir(t)
	h := newHandMadeSetup(t)
	cli.write("main.tf", cli.requiredProviders()+acctest.ProviderConfig(h.s.w, acctest.PCCanada, "")+h.importBlocks())
	cli.must("init", "-no-color", "-input=false")
	cli.must("plan", "-no-color", "-input=false", "-generate-config-out=generated.tf")
	generated := cli.read("generated.tf")
	for _, want := range []string{"cluster_ids", `delay_after = "45s"`, `timeout = "5m"`, "192.168.50.20", "enable_nat", `start_time = "22h:30m"`} {
		if !strings.Contains(generated, want) {
			t.Errorf("the generated configuration lacks %s:\n%s", want, generated)
		}
	}
	before := h.specs()
	cli.must("apply", "-no-color", "-input=false", "-auto-approve")
	cli.planEmpty()
	h.checkListResourcesMatch(t, cli)
	if diff := specsDiff(before, h.specs(), nil); len(diff) > 0 {
		t.Fatalf("importing changed the entities:\n%s", joinLines(diff))
	}

	// One field changes: the descriptions. Nothing else may move on Prism Central.
	edited := regexp.MustCompile(`(?m)^(resource "nutanixdr_(recovery_plan|protection_policy)" "[a-z_]+" \{\n)`).
		ReplaceAllString(generated, "${1}  description = \"adopted\"\n")
	edited = regexp.MustCompile(`(?m)^  description\s+= null\n`).ReplaceAllString(edited, "")
	cli.write("generated.tf", edited)
	cli.must("apply", "-no-color", "-input=false", "-auto-approve")
	cli.planEmpty()
	after := h.specs()
	for _, p := range []string{h.rulePath, h.planPath} {
		if got := after[p]["description"]; got != "adopted" {
			t.Errorf("%s: description %v, want adopted", p, got)
		}
	}
	skip := map[string]bool{h.rulePath + ".description": true, h.planPath + ".description": true}
	if diff := specsDiff(before, after, skip); len(diff) > 0 {
		t.Fatalf("changing the descriptions changed other fields on Prism Central:\n%s", joinLines(diff))
	}
	for p, spec := range before {
		t.Logf("%s: %d fields kept, e.g. %s", p, len(leafPaths(spec)), strings.Join(leafPaths(spec), " "))
	}
}

// specsDiff lists the differences between two readings of the setup's specs.
func specsDiff(before, after map[string]map[string]any, skip map[string]bool) []string {
	var out []string
	for p := range before {
		sk := map[string]bool{}
		for k := range skip {
			if rest, ok := strings.CutPrefix(k, p); ok {
				sk[rest] = true
			}
		}
		for _, d := range jsonDiff(before[p], after[p], sk) {
			out = append(out, p+d)
		}
	}
	return out
}

// checkListResourcesMatch checks that the list resources (terraform query, include_resource)
// return, for every adopted entity, the state the import made: the state whose generated
// configuration has just planned with no changes.
func (h *handMadeSetup) checkListResourcesMatch(t *testing.T, cli *cliDir) {
	t.Helper()
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Type    string         `json:"type"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(cli.must("show", "-json")), &shown); err != nil {
		t.Fatalf("decoding the state: %v", err)
	}
	srv, schemas := protoServer(t)
	h.s.configureProtocol(t, srv, schemas, acctest.PCCanada)
	for _, r := range shown.Values.RootModule.Resources {
		if _, ok := schemas.ListResourceSchemas[r.Type]; !ok {
			continue // nutanixdr_disaster_recovery exists while DR is on: there is nothing to list.
		}
		results, diags := listResource(t, srv, schemas, r.Type, nil, true, 0)
		checkDiags(t, diags, nil)
		var found *listedResult
		for i := range results {
			if results[i].id == r.Values["id"] {
				found = &results[i]
			}
		}
		if found == nil {
			t.Errorf("%s: the list resource does not return %v", r.Address, r.Values["id"])
			continue
		}
		// The state of JSON numbers is float64; the list results' int64.
		listedJSON, _ := json.Marshal(found.resource)
		var listed map[string]any
		_ = json.Unmarshal(listedJSON, &listed)
		// A list result is an import by id alone: a policy's locations get the default labels.
		skip := map[string]bool{}
		for i := range 4 {
			for _, p := range []string{".locations[%d].label", ".replications[%d].from", ".replications[%d].to"} {
				skip[fmt.Sprintf(p, i)] = r.Type == "nutanixdr_protection_policy"
			}
		}
		if diff := jsonDiff(r.Values, listed, skip); len(diff) > 0 {
			t.Errorf("%s: the list resource's state differs from the import's:\n%s", r.Address, joinLines(diff))
		}
	}
}

// TestAccAdoption_importForEach imports every VPC with one import block iterating over the
// nutanixdr_vpcs list data source, as the guide shows: the data source returns what the
// resource blocks need, the next plan is empty, and nothing changes on Prism Central.
func TestAccAdoption_importForEach(t *testing.T) {
	w := acctest.NewWorld(t)
	c := acctest.Client(t, w, acctest.PCCanada)
	raw := newRawAPI(t, w.PC(acctest.PCCanada), c)
	before := map[string]map[string]any{}
	for _, v := range []client.VPC{
		{Name: "vpc-a"},
		{Name: "vpc-b", Description: "no-NAT", ExternallyRoutablePrefixes: []string{"172.30.0.0/16"}, DNSServers: []string{"10.10.0.53"}},
	} {
		got, err := c.CreateVPC(t.Context(), v)
		if err != nil {
			t.Fatalf("creating %s: %v", v.Name, err)
		}
		before["/vpcs/"+got.UUID] = raw.spec("/vpcs/" + got.UUID)
	}
	config := acctest.ProviderConfig(w, acctest.PCCanada, "") + `
data "nutanixdr_vpcs" "all" {}

locals {
  vpcs = { for v in data.nutanixdr_vpcs.all.vpcs : v.name => v }
}

import {
  for_each = local.vpcs
  to       = nutanixdr_vpc.adopted[each.key]
  id       = each.value.id
}

resource "nutanixdr_vpc" "adopted" {
  for_each                     = local.vpcs
  name                         = each.value.name
  description                  = each.value.description
  external_subnet_ids          = length(each.value.external_subnet_ids) > 0 ? each.value.external_subnet_ids : null
  externally_routable_prefixes = length(each.value.externally_routable_prefixes) > 0 ? each.value.externally_routable_prefixes : null
  dns_servers                  = length(each.value.dns_servers) > 0 ? each.value.dns_servers : null
}
`
	// terraform-plugin-testing cannot read the state of for_each resources: drive the CLI.
	cli := newCLIDir(t)
	cli.write("main.tf", cli.requiredProviders()+config)
	cli.must("init", "-no-color", "-input=false")
	cli.must("apply", "-no-color", "-input=false", "-auto-approve")
	cli.planEmpty()
	got := cli.must("state", "list")
	t.Logf("adopted:\n%s", got)
	if !strings.Contains(got, `nutanixdr_vpc.adopted["vpc-a"]`) || !strings.Contains(got, `nutanixdr_vpc.adopted["vpc-b"]`) {
		t.Errorf("the state holds:\n%s", got)
	}
	after := map[string]map[string]any{}
	for p := range before {
		after[p] = raw.spec(p)
	}
	if diff := specsDiff(before, after, nil); len(diff) > 0 {
		t.Errorf("the import changed the VPCs:\n%s", joinLines(diff))
	}
}

// TestAccAdoption_syncedCopyOnPairedPC adopts, through france's provider, the policy and plan
// that canada created and Leap synced to france: they import there like any other, the
// generated configuration plans with no changes, and a change applied through france reaches
// canada, where they were created.
func TestAccAdoption_syncedCopyOnPairedPC(t *testing.T) {
	cli := newCLIDir(t)
	s := newFailoverSites(t, failoverSitesOptions{})
	cli.write("main.tf", cli.requiredProviders()+acctest.ProviderConfig(s.w, acctest.PCFrance, "")+fmt.Sprintf(`
import {
  to = nutanixdr_protection_policy.synced
  id = %q
}
import {
  to = nutanixdr_recovery_plan.synced
  id = %q
}
`, s.ruleID, s.planID))
	cli.must("init", "-no-color", "-input=false")
	cli.must("plan", "-no-color", "-input=false", "-generate-config-out=generated.tf")
	cli.must("apply", "-no-color", "-input=false", "-auto-approve")
	cli.planEmpty()

	edited := regexp.MustCompile(`(?m)^  description\s+= null\n`).ReplaceAllString(cli.read("generated.tf"), "")
	edited = regexp.MustCompile(`(?m)^(resource "nutanixdr_(recovery_plan|protection_policy)" "synced" \{\n)`).
		ReplaceAllString(edited, "${1}  description = \"changed on france\"\n")
	if n := strings.Count(edited, "changed on france"); n != 2 {
		t.Fatalf("the generated configuration has %d of the 2 resources:\n%s", n, edited)
	}
	cli.write("generated.tf", edited)
	cli.must("apply", "-no-color", "-input=false", "-auto-approve")
	cli.planEmpty()

	rule, err := s.ca.GetProtectionPolicy(t.Context(), s.ruleID)
	if err != nil {
		t.Fatalf("reading the policy on canada: %v", err)
	}
	plan, err := s.ca.GetRecoveryPlan(t.Context(), s.planID)
	if err != nil {
		t.Fatalf("reading the plan on canada: %v", err)
	}
	if rule.Description != "changed on france" || plan.Description != "changed on france" {
		t.Errorf("on canada: policy description %q, plan description %q, want the change made on france",
			rule.Description, plan.Description)
	}
}
