package provider

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// This file holds the rules of nutanixdr_recovery_plan that involve more than one attribute
// (validateRecoveryPlan, at plan time and again when applying) and those only Prism Central can
// answer (checkSubnets, checkWitness). Every message names the attribute path it is about.

// summaryInvalidRecoveryPlan is the summary of every rule's diagnostic.
const summaryInvalidRecoveryPlan = "Invalid recovery plan"

// validateRecoveryPlan checks the rules between attributes of m, a configuration or a plan.
// Values unknown at plan time are skipped.
func validateRecoveryPlan(ctx context.Context, m recoveryPlanModel) diag.Diagnostics {
	var diags diag.Diagnostics
	validateRPLocations(ctx, m, &diags)
	validateRPStages(ctx, m.Stages, &diags)
	sides := validateRPNetworkMappings(ctx, m.NetworkMappings, &diags)
	validateRPIPAssignments(ctx, m, sides, &diags)
	validateRPFloatingIPs(ctx, m.FloatingIPs, &diags)
	validateWholeSeconds(path.Root("witness").AtName("failover_timeout"), witnessTimeout(ctx, m.Witness), &diags)
	return diags
}

// witnessTimeout returns the failover timeout of the witness, null when there is none.
func witnessTimeout(ctx context.Context, o types.Object) timetypes.GoDuration {
	w, ok, _ := objectAs[recoveryPlanWitnessModel](ctx, o)
	if !ok {
		return timetypes.NewGoDurationNull()
	}
	return w.FailoverTimeout
}

// validateRPLocations checks that the primary and recovery locations differ: another
// availability zone, or other clusters of the same one.
func validateRPLocations(ctx context.Context, m recoveryPlanModel, diags *diag.Diagnostics) {
	primary, ok1, d := objectAs[recoveryPlanLocationModel](ctx, m.PrimaryLocation)
	diags.Append(d...)
	recovery, ok2, d := objectAs[recoveryPlanLocationModel](ctx, m.RecoveryLocation)
	diags.Append(d...)
	if !ok1 || !ok2 || !known(primary.AvailabilityZoneID) || !known(recovery.AvailabilityZoneID) ||
		primary.AvailabilityZoneID.ValueString() != recovery.AvailabilityZoneID.ValueString() {
		return
	}
	if primary.ClusterIDs.IsUnknown() || recovery.ClusterIDs.IsUnknown() {
		return
	}
	if primary.ClusterIDs.IsNull() || recovery.ClusterIDs.IsNull() {
		diags.AddAttributeError(path.Root("recovery_location").AtName("availability_zone_id"), summaryInvalidRecoveryPlan,
			fmt.Sprintf("recovery_location.availability_zone_id is %s, the same availability zone as primary_location: "+
				"a plan within one availability zone recovers to other clusters. Set cluster_ids of both locations, "+
				"with different clusters, or choose the paired availability zone.", recovery.AvailabilityZoneID.ValueString()))
		return
	}
	var pc, rc []types.String
	diags.Append(primary.ClusterIDs.ElementsAs(ctx, &pc, false)...)
	diags.Append(recovery.ClusterIDs.ElementsAs(ctx, &rc, false)...)
	for i, c := range rc {
		if !known(c) {
			continue
		}
		for _, o := range pc {
			if known(o) && o.ValueString() == c.ValueString() {
				p := path.Root("recovery_location").AtName("cluster_ids").AtListIndex(i)
				diags.AddAttributeError(p, summaryInvalidRecoveryPlan,
					fmt.Sprintf("%s %s is also a cluster of primary_location, in the same availability zone: the "+
						"primary and recovery locations must differ. Recover to other clusters.", p, c.ValueString()))
			}
		}
	}
}

// validateRPStages checks the delays and that every entity selector has exactly one of
// categories and vm_id.
func validateRPStages(ctx context.Context, l types.List, diags *diag.Diagnostics) {
	stages, _, d := knownElems[recoveryPlanStageModel](ctx, l)
	diags.Append(d...)
	for _, s := range stages {
		p := path.Root("stages").AtListIndex(s.index)
		if known(s.value.DelayAfter) {
			if dur, dd := s.value.DelayAfter.ValueGoDuration(); !dd.HasError() && dur < 0 {
				diags.AddAttributeError(p.AtName("delay_after"), summaryInvalidRecoveryPlan,
					fmt.Sprintf("%s is %q, a negative delay: give zero or more, such as \"30s\", or leave it unset.",
						p.AtName("delay_after"), s.value.DelayAfter.ValueString()))
			}
		}
		validateWholeSeconds(p.AtName("delay_after"), s.value.DelayAfter, diags)
		entities, _, d := knownElems[recoveryPlanEntityModel](ctx, s.value.Entities)
		diags.Append(d...)
		for _, e := range entities {
			ep := p.AtName("entities").AtListIndex(e.index)
			if e.value.Categories.IsUnknown() || e.value.VMID.IsUnknown() {
				continue
			}
			switch {
			case !e.value.Categories.IsNull() && !e.value.VMID.IsNull():
				diags.AddAttributeError(ep, summaryInvalidRecoveryPlan,
					fmt.Sprintf("%s sets both categories and vm_id: an entity selector chooses VMs either by categories "+
						"or by one VM's id. Split it into two elements.", ep))
			case e.value.Categories.IsNull() && e.value.VMID.IsNull():
				diags.AddAttributeError(ep, summaryInvalidRecoveryPlan,
					fmt.Sprintf("%s sets neither categories nor vm_id: give exactly one, such as "+
						"{ categories = { \"replicated-vm\" = \"from-canada\" } } or { vm_id = data.nutanixdr_vm.dns.id }.", ep))
			}
			if sc, ok, _ := objectAs[recoveryPlanScriptModel](ctx, e.value.Script); ok {
				validateWholeSeconds(ep.AtName("script").AtName("timeout"), sc.Timeout, diags)
			}
		}
	}
}

// validateWholeSeconds reports a duration the API cannot hold: it counts whole seconds.
func validateWholeSeconds(p path.Path, v timetypes.GoDuration, diags *diag.Diagnostics) {
	if !known(v) {
		return
	}
	if d, dd := v.ValueGoDuration(); !dd.HasError() && d%time.Second != 0 {
		diags.AddAttributeError(p, summaryInvalidRecoveryPlan,
			fmt.Sprintf("%s is %q: Prism Central counts whole seconds. Round it, such as %q.", p, v.ValueString(),
				durationText(d.Round(time.Second))))
	}
}

// recoveryPlanSides are the known sides of the known network mappings: for each mapping, its primary
// and recovery networks, and whether each side is known.
type recoveryPlanSides struct {
	sides [][2]recoveryPlanSiteNetworksModel
	index []int // position in network_mappings of each element of sides
	known bool  // no mapping or side is unknown
}

// validateRPNetworkMappings checks each network: gateway and prefix length together, the
// gateway a host address of its network, and production and test networks apart.
func validateRPNetworkMappings(ctx context.Context, l types.List, diags *diag.Diagnostics) recoveryPlanSides {
	out := recoveryPlanSides{known: !l.IsUnknown()}
	mappings, someUnknown, d := knownElems[recoveryPlanNetworkMappingModel](ctx, l)
	diags.Append(d...)
	out.known = out.known && !someUnknown
	for _, nm := range mappings {
		var pair [2]recoveryPlanSiteNetworksModel
		for k, o := range []types.Object{nm.value.Primary, nm.value.Recovery} {
			p := path.Root("network_mappings").AtListIndex(nm.index).AtName(recoveryPlanSites[k])
			side, ok, d := objectAs[recoveryPlanSiteNetworksModel](ctx, o)
			diags.Append(d...)
			if !ok {
				out.known = out.known && !o.IsUnknown()
				continue
			}
			pair[k] = side
			prod, prodOK, d := objectAs[recoveryPlanNetworkModel](ctx, side.Production)
			diags.Append(d...)
			test, testOK, d := objectAs[recoveryPlanNetworkModel](ctx, side.Test)
			diags.Append(d...)
			if prodOK {
				validateRPNetwork(p.AtName("production"), prod, diags)
			}
			if testOK {
				validateRPNetwork(p.AtName("test"), test, diags)
			}
			if prodOK && testOK && known(prod.SubnetName) && known(test.SubnetName) && !prod.VPCID.IsUnknown() &&
				!test.VPCID.IsUnknown() && prod.SubnetName.Equal(test.SubnetName) && prod.VPCID.Equal(test.VPCID) {
				diags.AddAttributeError(p.AtName("test").AtName("subnet_name"), summaryInvalidRecoveryPlan,
					fmt.Sprintf("%s is %q, the production network of the same site: a test failover must not recover "+
						"VMs into the network the production VMs use. Map an isolated test network, such as \"vlan51-test\".",
						p.AtName("test").AtName("subnet_name"), test.SubnetName.ValueString()))
			}
		}
		out.sides = append(out.sides, pair)
		out.index = append(out.index, nm.index)
	}
	return out
}

// validateRPNetwork checks one production or test network.
func validateRPNetwork(p path.Path, n recoveryPlanNetworkModel, diags *diag.Diagnostics) {
	if n.GatewayIP.IsUnknown() || n.PrefixLength.IsUnknown() {
		return
	}
	if n.GatewayIP.IsNull() != n.PrefixLength.IsNull() {
		set, unset := "gateway_ip", "prefix_length"
		if n.GatewayIP.IsNull() {
			set, unset = unset, set
		}
		diags.AddAttributeError(p.AtName(unset), summaryInvalidRecoveryPlan,
			fmt.Sprintf("%s is set but %s is not: they describe the network together. Set both or neither.",
				p.AtName(set), p.AtName(unset)))
		return
	}
	prefix, ok := networkPrefix(n)
	if !ok {
		return
	}
	gw, _ := parseIPv4(n.GatewayIP.ValueString())
	if err := checkGateway(prefix, gw); err != nil {
		diags.AddAttributeError(p.AtName("gateway_ip"), summaryInvalidRecoveryPlan,
			fmt.Sprintf("%s %s with prefix_length %d: %s. Give the gateway's own address, such as %s.",
				p.AtName("gateway_ip"), gw, n.PrefixLength.ValueInt64(), err, prefix.Addr().Next()))
	}
}

// validateRPIPAssignments checks that each static IP lies in a network mapped at its site, is
// a host address there, and that a VM has one element per site.
func validateRPIPAssignments(ctx context.Context, m recoveryPlanModel, sides recoveryPlanSides, diags *diag.Diagnostics) {
	ips, _, d := knownElems[recoveryPlanIPAssignmentModel](ctx, m.IPAssignments)
	diags.Append(d...)
	seen := map[[2]string]int{}
	for _, a := range ips {
		p := path.Root("ip_assignments").AtListIndex(a.index)
		if a.value.RecoveryIP.IsNull() && a.value.TestIP.IsNull() {
			diags.AddAttributeError(p, summaryInvalidRecoveryPlan,
				fmt.Sprintf("%s sets neither recovery_ip nor test_ip: give at least one.", p))
		}
		if !known(a.value.Site) {
			continue
		}
		if known(a.value.VMID) {
			key := [2]string{a.value.VMID.ValueString(), a.value.Site.ValueString()}
			if j, dup := seen[key]; dup {
				diags.AddAttributeError(p.AtName("vm_id"), summaryInvalidRecoveryPlan,
					fmt.Sprintf("%s %s has static IPs at the %s site in ip_assignments[%d] already: give one element per "+
						"VM and site, with both recovery_ip and test_ip.", p.AtName("vm_id"), key[0], key[1], j))
			} else {
				seen[key] = a.index
			}
		}
		if !sides.known {
			continue
		}
		k := siteIndex(a.value.Site.ValueString())
		for _, which := range []struct {
			attr string
			v    types.String
			test bool
		}{{"recovery_ip", a.value.RecoveryIP, false}, {"test_ip", a.value.TestIP, true}} {
			if !known(which.v) {
				continue
			}
			validateRPStaticIP(ctx, p.AtName(which.attr), which.v.ValueString(), a.value.Site.ValueString(), k, which.test, sides, diags)
		}
	}
}

// validateRPStaticIP checks one static IP against the networks of side k.
func validateRPStaticIP(ctx context.Context, p path.Path, ip, site string, k int, test bool, sides recoveryPlanSides, diags *diag.Diagnostics) {
	addr, err := parseIPv4(ip)
	if err != nil {
		return // The attribute validator reports it.
	}
	kind := "production"
	if test {
		kind = "test"
	}
	var nets []string
	var unplaced []string
	for i := range sides.sides {
		n, ok := siteNetwork(ctx, sides.sides[i][k], test)
		if !ok {
			continue
		}
		at := fmt.Sprintf("network_mappings[%d].%s.%s", sides.index[i], site, kind)
		prefix, ok := networkPrefix(n)
		if !ok {
			if n.GatewayIP.IsUnknown() || n.PrefixLength.IsUnknown() {
				return
			}
			unplaced = append(unplaced, at)
			continue
		}
		nets = append(nets, fmt.Sprintf("%s (%s)", prefix, at))
		if !prefix.Contains(addr) {
			continue
		}
		gw, _ := parseIPv4(n.GatewayIP.ValueString())
		if reason := hostAddressProblem(prefix, gw, addr); reason != "" {
			diags.AddAttributeError(p, summaryInvalidRecoveryPlan, fmt.Sprintf("%s %s is %s. Choose another address.", p, addr, reason))
		}
		return
	}
	switch {
	case len(nets) == 0 && len(unplaced) == 0:
		diags.AddAttributeError(p, summaryInvalidRecoveryPlan,
			fmt.Sprintf("%s is set, but no network mapping has a %s network at the %s site: a static IP belongs to a "+
				"mapped network. Add a network mapping, or remove the address.", p, kind, site))
	case len(nets) == 0 && len(unplaced) == 1:
		// The only network of the site does not say its prefix: the address goes there unchecked.
	case len(nets) == 0:
		diags.AddAttributeError(p, summaryInvalidRecoveryPlan,
			fmt.Sprintf("%s %s cannot be placed: several %s networks are mapped at the %s site (%s) and none sets "+
				"gateway_ip and prefix_length. Set them, so that the address goes to the network that holds it.",
				p, addr, kind, site, strings.Join(unplaced, ", ")))
	default:
		diags.AddAttributeError(p, summaryInvalidRecoveryPlan,
			fmt.Sprintf("%s %s is not inside the mapped subnet: the %s networks mapped at the %s site are %s. Choose an "+
				"address inside one of them.", p, addr, kind, site, strings.Join(nets, ", ")))
	}
}

// hostAddressProblem says why addr cannot be a VM's address in network prefix with gateway
// gw, or "".
func hostAddressProblem(prefix netip.Prefix, gw, addr netip.Addr) string {
	switch {
	case prefix.Bits() < 31 && addr == prefix.Addr():
		return fmt.Sprintf("the network address of %s", prefix)
	case prefix.Bits() < 31 && addr == lastAddr(prefix):
		return fmt.Sprintf("the broadcast address of %s", prefix)
	case addr == gw:
		return fmt.Sprintf("the gateway of %s", prefix)
	}
	return ""
}

// validateRPFloatingIPs checks that each floating IP configuration sets exactly one of ip and
// allocate_dynamically.
func validateRPFloatingIPs(ctx context.Context, l types.List, diags *diag.Diagnostics) {
	fips, _, d := knownElems[recoveryPlanFloatingIPModel](ctx, l)
	diags.Append(d...)
	for _, f := range fips {
		p := path.Root("floating_ips").AtListIndex(f.index)
		if f.value.Recovery.IsNull() && f.value.Test.IsNull() {
			diags.AddAttributeError(p, summaryInvalidRecoveryPlan,
				fmt.Sprintf("%s sets neither recovery nor test: give at least one.", p))
		}
		for _, c := range []struct {
			attr string
			o    types.Object
		}{{"recovery", f.value.Recovery}, {"test", f.value.Test}} {
			cfg, ok, d := objectAs[recoveryPlanFloatingIPConfigModel](ctx, c.o)
			diags.Append(d...)
			if !ok || cfg.IP.IsUnknown() || cfg.AllocateDynamically.IsUnknown() {
				continue
			}
			if known(cfg.AllocateDynamically) && !cfg.AllocateDynamically.ValueBool() {
				diags.AddAttributeError(p.AtName(c.attr).AtName("allocate_dynamically"), summaryInvalidRecoveryPlan,
					fmt.Sprintf("%s is false: set it to true, or leave it unset and give ip.", p.AtName(c.attr).AtName("allocate_dynamically")))
				continue
			}
			dynamic := cfg.AllocateDynamically.ValueBool()
			if cfg.IP.IsNull() == !dynamic {
				diags.AddAttributeError(p.AtName(c.attr), summaryInvalidRecoveryPlan,
					fmt.Sprintf("%s must set exactly one of ip and allocate_dynamically = true.", p.AtName(c.attr)))
			}
		}
	}
}

// checkAtApply runs the checks that need Prism Central, before the plan is sent: the mapped
// subnets of the site this Prism Central manages, and the synchronous policy a witness needs.
func (r *recoveryPlanResource) checkAtApply(ctx context.Context, m recoveryPlanModel, recoveryPlan client.RecoveryPlan, diags *diag.Diagnostics) {
	r.checkSubnets(ctx, m, diags)
	if len(recoveryPlan.Witnesses) > 0 {
		r.checkWitness(ctx, recoveryPlan, diags)
	}
}

// checkSubnets checks that every subnet mapped at the site this Prism Central manages (its
// Local availability zone) exists there, in the named VPC, and holds the gateway given. The
// subnets of a paired site are checked by Prism Central when the plan is sent. A failure to
// read the availability zone or the subnets skips the check.
func (r *recoveryPlanResource) checkSubnets(ctx context.Context, m recoveryPlanModel, diags *diag.Diagnostics) {
	if !known(m.NetworkMappings) {
		return
	}
	local, err := r.data.client.LocalAvailabilityZone(ctx)
	if err != nil {
		return
	}
	var localSites []int
	for k, o := range []types.Object{m.PrimaryLocation, m.RecoveryLocation} {
		l, ok, _ := objectAs[recoveryPlanLocationModel](ctx, o)
		if ok && known(l.AvailabilityZoneID) && l.AvailabilityZoneID.ValueString() == local.UUID {
			localSites = append(localSites, k)
		}
	}
	if len(localSites) == 0 {
		return
	}
	mappings, _, d := knownElems[recoveryPlanNetworkMappingModel](ctx, m.NetworkMappings)
	diags.Append(d...)
	var subnets []client.Subnet
	listed := false
	for _, nm := range mappings {
		for _, k := range localSites {
			o := nm.value.Primary
			if k == 1 {
				o = nm.value.Recovery
			}
			side, ok, _ := objectAs[recoveryPlanSiteNetworksModel](ctx, o)
			if !ok {
				continue
			}
			for _, kind := range []string{"production", "test"} {
				n, ok := siteNetwork(ctx, side, kind == "test")
				if !ok || !known(n.SubnetName) || n.VPCID.IsUnknown() {
					continue
				}
				if !listed {
					if subnets, err = r.data.client.ListSubnets(ctx, ""); err != nil {
						return
					}
					listed = true
				}
				p := path.Root("network_mappings").AtListIndex(nm.index).AtName(recoveryPlanSites[k]).AtName(kind)
				checkMappedSubnet(p, n, subnets, diags)
			}
		}
	}
}

// checkMappedSubnet checks network n, at path p, against the subnets of its site.
func checkMappedSubnet(p path.Path, n recoveryPlanNetworkModel, subnets []client.Subnet, diags *diag.Diagnostics) {
	name := n.SubnetName.ValueString()
	var names []string
	var found *client.Subnet
	for i := range subnets {
		s := &subnets[i]
		if s.IsExternal {
			continue
		}
		names = append(names, s.Name)
		if s.Name == name && (n.VPCID.IsNull() || s.VPCUUID == n.VPCID.ValueString()) {
			found = s
			break
		}
	}
	if found == nil {
		where := "this site"
		if known(n.VPCID) {
			where = "VPC " + n.VPCID.ValueString()
		}
		diags.AddAttributeError(p.AtName("subnet_name"), summaryInvalidRecoveryPlan,
			fmt.Sprintf("%s %q does not exist in %s (the availability zone of this Prism Central). The subnets there: %s.",
				p.AtName("subnet_name"), name, where, listNames(names)))
		return
	}
	prefix, ok := networkPrefix(n)
	if !ok || found.CIDR == "" {
		return
	}
	cidr, err := netip.ParsePrefix(found.CIDR)
	if err != nil {
		return
	}
	gw, _ := parseIPv4(n.GatewayIP.ValueString())
	if cidr.Masked() != prefix {
		diags.AddAttributeError(p.AtName("gateway_ip"), summaryInvalidRecoveryPlan,
			fmt.Sprintf("%s %s/%d is not the network of subnet %q, which is %s. Give its gateway (%s) and prefix length.",
				p.AtName("gateway_ip"), gw, n.PrefixLength.ValueInt64(), name, found.CIDR, orUnknown(found.GatewayIP)))
	}
}

// orUnknown returns s, or "unknown" for "".
func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// checkWitness checks that a synchronous protection policy between the plan's two
// availability zones covers the plan's VMs (those of this Prism Central it selects).
func (r *recoveryPlanResource) checkWitness(ctx context.Context, recoveryPlan client.RecoveryPlan, diags *diag.Diagnostics) {
	p := path.Root("witness")
	rules, err := r.data.client.ListProtectionPolicies(ctx, "")
	if err != nil {
		addClientError(diags, opLookup, kindProtectionPolicy, "(all)", err)
		return
	}
	primary, recovery := azAt(&recoveryPlan, 0).AvailabilityZoneUUID, azAt(&recoveryPlan, 1).AvailabilityZoneUUID
	covered := map[string]bool{}
	var syncRules []string
	for _, rule := range rules {
		if !synchronousBetween(rule, primary, recovery) {
			continue
		}
		syncRules = append(syncRules, rule.Name)
		ids, err := r.data.client.ProtectedVMUUIDs(ctx, rule.UUID)
		if err != nil {
			addClientError(diags, opLookup, kindProtectionPolicy, rule.Name, err)
			return
		}
		for _, id := range ids {
			covered[id] = true
		}
	}
	if len(syncRules) == 0 {
		diags.AddAttributeError(p, summaryInvalidRecoveryPlan,
			fmt.Sprintf("witness is set, but no synchronous protection policy (rpo = \"0s\") replicates between "+
				"availability zones %s and %s: a witness fails over automatically only with synchronous replication. "+
				"Create one (nutanixdr_protection_policy, applied first), or remove witness.", primary, recovery))
		return
	}
	vms, err := r.data.client.ListVMs(ctx, "")
	if err != nil {
		addClientError(diags, opLookup, "VM", "(all)", err)
		return
	}
	var missing []string
	for _, vm := range vms {
		if planSelects(recoveryPlan, vm) && !covered[vm.UUID] {
			missing = append(missing, vm.Name)
		}
	}
	if len(missing) > 0 {
		diags.AddAttributeError(p, summaryInvalidRecoveryPlan,
			fmt.Sprintf("witness is set, but the plan's VMs %s are not covered by the synchronous protection policies "+
				"between its locations (%s): a witness needs every VM replicated synchronously. Give them the "+
				"policies' categories, or remove witness.", listNames(missing), listNames(syncRules)))
	}
}

// synchronousBetween tells whether rule replicates synchronously from availability zone a to
// b or back.
func synchronousBetween(rule client.ProtectionPolicy, a, b string) bool {
	for _, c := range rule.Connectivity {
		if c.SourceIndex < 0 || c.SourceIndex >= len(rule.Locations) || c.DestinationIndex < 0 || c.DestinationIndex >= len(rule.Locations) {
			continue
		}
		src, dst := rule.Locations[c.SourceIndex].AvailabilityZoneUUID, rule.Locations[c.DestinationIndex].AvailabilityZoneUUID
		if (src != a || dst != b) && (src != b || dst != a) {
			continue
		}
		if slices.ContainsFunc(c.Schedules, func(s client.SnapshotSchedule) bool { return s.RPOSecs == 0 }) {
			return true
		}
	}
	return false
}

// planSelects tells whether a stage of recoveryPlan selects vm, by id or by all of a selector's categories.
func planSelects(recoveryPlan client.RecoveryPlan, vm client.VM) bool {
	for _, s := range recoveryPlan.Stages {
		for _, e := range s.Entities {
			if e.VMUUID != "" {
				if e.VMUUID == vm.UUID {
					return true
				}
				continue
			}
			if len(e.Categories) == 0 {
				continue
			}
			all := true
			for k, v := range e.Categories {
				all = all && vm.Categories[k] == v
			}
			if all {
				return true
			}
		}
	}
	return false
}
