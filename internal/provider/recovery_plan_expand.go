package provider

import (
	"context"
	"net/netip"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// This file converts nutanixdr_recovery_plan between its Terraform model and the client's
// recovery plan. The two round-trip exactly, or the framework rejects the state after an apply:
// the locations become availability_zone_list with the primary first, every stage keeps its
// entities and scripts, every network mapping becomes one entry per location, the static IPs
// of a site go into the mapping whose network holds them, and null stays null where Prism
// Central reads back an empty or default value.

// Limits of the Prism Central v3 API (recovery_plan and recovery_plan_network of the spec).
const (
	maxRecoveryPlanNameLength    = 64
	maxRecoveryNetworkNameLength = 64
)

// Values of site in ip_assignments and floating_ips.
const (
	recoveryPlanSitePrimary  = "primary"
	recoveryPlanSiteRecovery = "recovery"
)

// recoveryPlanSites are the values of site.
var recoveryPlanSites = []string{recoveryPlanSitePrimary, recoveryPlanSiteRecovery}

// recoveryPlanCutoverModes are the values of cutover_mode.
var recoveryPlanCutoverModes = client.CutoverModes

// Attribute types of the nested objects, for building values.
var (
	recoveryPlanLocationAttrTypes = map[string]attr.Type{
		"availability_zone_id": types.StringType,
		"cluster_ids":          types.ListType{ElemType: types.StringType},
	}
	recoveryPlanScriptAttrTypes = map[string]attr.Type{
		"enabled": types.BoolType,
		"timeout": timetypes.GoDurationType{},
	}
	recoveryPlanEntityAttrTypes = map[string]attr.Type{
		"categories": types.MapType{ElemType: types.StringType},
		"vm_id":      types.StringType,
		"script":     types.ObjectType{AttrTypes: recoveryPlanScriptAttrTypes},
		"power_on":   types.BoolType,
	}
	recoveryPlanStageAttrTypes = map[string]attr.Type{
		"delay_after": timetypes.GoDurationType{},
		"entities":    types.ListType{ElemType: types.ObjectType{AttrTypes: recoveryPlanEntityAttrTypes}},
	}
	recoveryPlanNetworkAttrTypes = map[string]attr.Type{
		"subnet_name":   types.StringType,
		"vpc_id":        types.StringType,
		"gateway_ip":    types.StringType,
		"prefix_length": types.Int64Type,
	}
	recoveryPlanSiteNetworksAttrTypes = map[string]attr.Type{
		"production":  types.ObjectType{AttrTypes: recoveryPlanNetworkAttrTypes},
		"test":        types.ObjectType{AttrTypes: recoveryPlanNetworkAttrTypes},
		"cluster_ids": types.ListType{ElemType: types.StringType},
	}
	recoveryPlanNetworkMappingAttrTypes = map[string]attr.Type{
		"stretched": types.BoolType,
		"primary":   types.ObjectType{AttrTypes: recoveryPlanSiteNetworksAttrTypes},
		"recovery":  types.ObjectType{AttrTypes: recoveryPlanSiteNetworksAttrTypes},
	}
	recoveryPlanIPAssignmentAttrTypes = map[string]attr.Type{
		"vm_id":       types.StringType,
		"site":        types.StringType,
		"recovery_ip": types.StringType,
		"test_ip":     types.StringType,
	}
	recoveryPlanFloatingIPConfigAttrTypes = map[string]attr.Type{
		"ip":                   types.StringType,
		"allocate_dynamically": types.BoolType,
	}
	recoveryPlanFloatingIPAttrTypes = map[string]attr.Type{
		"vm_id":    types.StringType,
		"site":     types.StringType,
		"nic_id":   types.StringType,
		"nic_ip":   types.StringType,
		"recovery": types.ObjectType{AttrTypes: recoveryPlanFloatingIPConfigAttrTypes},
		"test":     types.ObjectType{AttrTypes: recoveryPlanFloatingIPConfigAttrTypes},
	}
	recoveryPlanWitnessAttrTypes = map[string]attr.Type{
		"availability_zone_id": types.StringType,
		"failover_timeout":     timetypes.GoDurationType{},
	}
	recoveryPlanValidationAttrTypes = map[string]attr.Type{
		"severity": types.StringType,
		"type":     types.StringType,
		"reason":   types.StringType,
		"message":  types.StringType,
	}
)

// expandRecoveryPlan builds the recovery plan of a known model (a plan or a state).
func expandRecoveryPlan(ctx context.Context, m recoveryPlanModel) (client.RecoveryPlan, diag.Diagnostics) {
	var diags diag.Diagnostics
	recoveryPlan := client.RecoveryPlan{
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
		CutoverMode: m.CutoverMode.ValueString(),
	}
	if known(m.ID) {
		recoveryPlan.UUID = m.ID.ValueString()
	}

	primary, _, d := objectAs[recoveryPlanLocationModel](ctx, m.PrimaryLocation)
	diags.Append(d...)
	recovery, _, d := objectAs[recoveryPlanLocationModel](ctx, m.RecoveryLocation)
	diags.Append(d...)
	zero := 0
	recoveryPlan.PrimaryLocationIndex = &zero
	recoveryPlan.AvailabilityZones = []client.RecoveryPlanAZ{
		{AvailabilityZoneUUID: primary.AvailabilityZoneID.ValueString(), ClusterUUIDs: expandStringList(ctx, primary.ClusterIDs, &diags)},
		{AvailabilityZoneUUID: recovery.AvailabilityZoneID.ValueString(), ClusterUUIDs: expandStringList(ctx, recovery.ClusterIDs, &diags)},
	}

	stages, d := listElems[recoveryPlanStageModel](ctx, m.Stages)
	diags.Append(d...)
	recoveryPlan.Stages = make([]client.RecoveryStage, 0, len(stages))
	for _, s := range stages {
		stage, d := expandRecoveryStage(ctx, s)
		diags.Append(d...)
		recoveryPlan.Stages = append(recoveryPlan.Stages, stage)
	}

	mappings, d := listElems[recoveryPlanNetworkMappingModel](ctx, m.NetworkMappings)
	diags.Append(d...)
	sameAZ := recoveryPlan.AvailabilityZones[0].AvailabilityZoneUUID == recoveryPlan.AvailabilityZones[1].AvailabilityZoneUUID
	sides := make([][2]recoveryPlanSiteNetworksModel, len(mappings))
	for i, nm := range mappings {
		out := client.NetworkMapping{Stretched: nm.Stretched.ValueBool()}
		for k, o := range []types.Object{nm.Primary, nm.Recovery} {
			side, _, d := objectAs[recoveryPlanSiteNetworksModel](ctx, o)
			diags.Append(d...)
			sides[i][k] = side
			az := client.AZNetworkMapping{AvailabilityZoneUUID: recoveryPlan.AvailabilityZones[k].AvailabilityZoneUUID}
			switch {
			case !side.ClusterIDs.IsNull() && !side.ClusterIDs.IsUnknown():
				az.ClusterUUIDs = expandStringList(ctx, side.ClusterIDs, &diags)
			case sameAZ:
				// Within one availability zone, the clusters tell the two sides apart.
				az.ClusterUUIDs = recoveryPlan.AvailabilityZones[k].ClusterUUIDs
			}
			az.Recovery, d = expandRecoveryNetwork(ctx, side.Production)
			diags.Append(d...)
			az.Test, d = expandRecoveryNetwork(ctx, side.Test)
			diags.Append(d...)
			out.PerAZ = append(out.PerAZ, az)
		}
		recoveryPlan.NetworkMappings = append(recoveryPlan.NetworkMappings, out)
	}

	ips, d := listElems[recoveryPlanIPAssignmentModel](ctx, m.IPAssignments)
	diags.Append(d...)
	for _, a := range ips {
		k := siteIndex(a.Site.ValueString())
		vm := a.VMID.ValueString()
		if known(a.RecoveryIP) {
			if i := placeIP(ctx, sides, k, false, a.RecoveryIP.ValueString()); i >= 0 {
				az := &recoveryPlan.NetworkMappings[i].PerAZ[k]
				az.RecoveryIPs = append(az.RecoveryIPs, client.VMIPAssignment{VMUUID: vm, IPs: []string{a.RecoveryIP.ValueString()}})
			}
		}
		if known(a.TestIP) {
			if i := placeIP(ctx, sides, k, true, a.TestIP.ValueString()); i >= 0 {
				az := &recoveryPlan.NetworkMappings[i].PerAZ[k]
				az.TestIPs = append(az.TestIPs, client.VMIPAssignment{VMUUID: vm, IPs: []string{a.TestIP.ValueString()}})
			}
		}
	}

	fips, d := listElems[recoveryPlanFloatingIPModel](ctx, m.FloatingIPs)
	diags.Append(d...)
	group := map[int]int{}
	for _, f := range fips {
		k := siteIndex(f.Site.ValueString())
		g, ok := group[k]
		if !ok {
			g = len(recoveryPlan.FloatingIPs)
			group[k] = g
			recoveryPlan.FloatingIPs = append(recoveryPlan.FloatingIPs, client.FloatingIPAssignment{AvailabilityZoneUUID: recoveryPlan.AvailabilityZones[k].AvailabilityZoneUUID})
		}
		vm := client.FloatingIPVM{VMUUID: f.VMID.ValueString(), NICUUID: f.NICID.ValueString(), NICIP: f.NICIP.ValueString()}
		vm.Recovery, d = expandFloatingIPConfig(ctx, f.Recovery)
		diags.Append(d...)
		vm.Test, d = expandFloatingIPConfig(ctx, f.Test)
		diags.Append(d...)
		recoveryPlan.FloatingIPs[g].VMs = append(recoveryPlan.FloatingIPs[g].VMs, vm)
	}

	if w, ok, d := objectAs[recoveryPlanWitnessModel](ctx, m.Witness); ok {
		t, dd := w.FailoverTimeout.ValueGoDuration()
		diags.Append(dd...)
		recoveryPlan.Witnesses = []client.Witness{{Address: w.AvailabilityZoneID.ValueString(), FailoverTimeoutSecs: int64(t / time.Second)}}
	} else {
		diags.Append(d...)
	}
	return recoveryPlan, diags
}

// siteIndex returns the index in availability_zone_list of a site: 0 for primary, 1 for
// recovery.
func siteIndex(site string) int {
	if site == recoveryPlanSitePrimary {
		return 0
	}
	return 1
}

// expandRecoveryStage builds a stage: its delay (absent when unset) and its entities in order.
func expandRecoveryStage(ctx context.Context, s recoveryPlanStageModel) (client.RecoveryStage, diag.Diagnostics) {
	var diags diag.Diagnostics
	var out client.RecoveryStage
	if known(s.DelayAfter) {
		d, dd := s.DelayAfter.ValueGoDuration()
		diags.Append(dd...)
		secs := int64(d / time.Second)
		out.DelaySecs = &secs
	}
	entities, d := listElems[recoveryPlanEntityModel](ctx, s.Entities)
	diags.Append(d...)
	out.Entities = make([]client.RecoveryEntity, 0, len(entities))
	for _, e := range entities {
		ent := client.RecoveryEntity{VMUUID: e.VMID.ValueString()}
		if known(e.Categories) {
			ent.Categories = map[string]string{}
			diags.Append(e.Categories.ElementsAs(ctx, &ent.Categories, false)...)
		}
		if sc, ok, d := objectAs[recoveryPlanScriptModel](ctx, e.Script); ok {
			script := client.RecoveryScript{Enabled: sc.Enabled.ValueBool()}
			if known(sc.Timeout) {
				t, dd := sc.Timeout.ValueGoDuration()
				diags.Append(dd...)
				secs := int64(t / time.Second)
				script.TimeoutSecs = &secs
			}
			ent.Scripts = []client.RecoveryScript{script}
		} else {
			diags.Append(d...)
		}
		if known(e.PowerOn) {
			ent.PowerState = client.PowerStateOff
			if e.PowerOn.ValueBool() {
				ent.PowerState = client.PowerStateOn
			}
		}
		out.Entities = append(out.Entities, ent)
	}
	return out, diags
}

// expandRecoveryNetwork builds a network; a null network gives nil.
func expandRecoveryNetwork(ctx context.Context, o types.Object) (*client.RecoveryNetwork, diag.Diagnostics) {
	n, ok, diags := objectAs[recoveryPlanNetworkModel](ctx, o)
	if !ok {
		return nil, diags
	}
	out := &client.RecoveryNetwork{Name: n.SubnetName.ValueString()}
	if known(n.VPCID) {
		out.VPCUUID, out.UseVPC = n.VPCID.ValueString(), true
	}
	if known(n.GatewayIP) && known(n.PrefixLength) {
		out.Subnets = []client.RecoverySubnet{{GatewayIP: n.GatewayIP.ValueString(), PrefixLength: n.PrefixLength.ValueInt64()}}
	}
	return out, diags
}

// cutoverModeValue is the plan's cut-over mode; a plan read over v4, which does not show it,
// keeps the prior value (null on import: the v4 API cannot say it).
func cutoverModeValue(p *client.RecoveryPlan, prior *types.String) types.String {
	if p.CutoverModeUnshown && p.CutoverMode == "" {
		if prior != nil && !prior.IsUnknown() {
			return *prior
		}
		return types.StringNull()
	}
	return optionalString(p.CutoverMode, prior)
}

// expandFloatingIPConfig builds a floating IP configuration; a null one gives nil.
func expandFloatingIPConfig(ctx context.Context, o types.Object) (*client.FloatingIPConfig, diag.Diagnostics) {
	c, ok, diags := objectAs[recoveryPlanFloatingIPConfigModel](ctx, o)
	if !ok {
		return nil, diags
	}
	return &client.FloatingIPConfig{IP: c.IP.ValueString(), AllocateDynamically: c.AllocateDynamically.ValueBool()}, diags
}

// networkPrefix returns the network of a production or test network from its gateway and
// prefix length, and whether both are known.
func networkPrefix(n recoveryPlanNetworkModel) (netip.Prefix, bool) {
	if !known(n.GatewayIP) || !known(n.PrefixLength) {
		return netip.Prefix{}, false
	}
	gw, err := parseIPv4(n.GatewayIP.ValueString())
	if err != nil || n.PrefixLength.ValueInt64() < 0 || n.PrefixLength.ValueInt64() > 32 {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(gw, int(n.PrefixLength.ValueInt64())).Masked(), true
}

// siteNetwork returns the production (or test) network of side k of a mapping, if set.
func siteNetwork(ctx context.Context, side recoveryPlanSiteNetworksModel, test bool) (recoveryPlanNetworkModel, bool) {
	o := side.Production
	if test {
		o = side.Test
	}
	n, ok, _ := objectAs[recoveryPlanNetworkModel](ctx, o)
	return n, ok
}

// placeIP returns the index of the network mapping whose production (or test) network at
// side k holds ip: the only mapping when there is one and it has that network, else the first
// whose network contains the address; -1 when none does.
func placeIP(ctx context.Context, sides [][2]recoveryPlanSiteNetworksModel, k int, test bool, ip string) int {
	addr, err := parseIPv4(ip)
	if err != nil {
		return -1
	}
	candidates := 0
	last := -1
	for i := range sides {
		n, ok := siteNetwork(ctx, sides[i][k], test)
		if !ok {
			continue
		}
		candidates++
		last = i
		if p, ok := networkPrefix(n); ok && p.Contains(addr) {
			return i
		}
	}
	if candidates == 1 {
		if n, _ := siteNetwork(ctx, sides[last][k], test); !hasPrefix(n) {
			return last
		}
	}
	return -1
}

// hasPrefix tells whether a network sets its gateway and prefix length.
func hasPrefix(n recoveryPlanNetworkModel) bool {
	_, ok := networkPrefix(n)
	return ok
}

// flattenRecoveryPlan builds the model of recoveryPlan. prior is the plan (after a create or an update)
// or the state (on refresh), nil right after an import; it decides which nulls stay null
// although Prism Central read back an empty or default value, the spelling of durations, and
// the order of ip_assignments and floating_ips. EntityCount and Timeouts are left to the caller.
func flattenRecoveryPlan(ctx context.Context, recoveryPlan *client.RecoveryPlan, prior *recoveryPlanModel) (recoveryPlanModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	var p recoveryPlanModel
	if prior != nil {
		p = *prior
	} else {
		p = nullRecoveryPlanModel()
	}
	out := recoveryPlanModel{
		ID:          types.StringValue(recoveryPlan.UUID),
		Name:        types.StringValue(recoveryPlan.Name),
		Description: optionalString(recoveryPlan.Description, &p.Description),
		CutoverMode: cutoverModeValue(recoveryPlan, &p.CutoverMode),
		EntityCount: types.Int64Null(),
	}

	pi, ri := planLocationIndexes(recoveryPlan)
	var priorPrimary, priorRecovery *recoveryPlanLocationModel
	if l, ok, _ := objectAs[recoveryPlanLocationModel](ctx, p.PrimaryLocation); ok {
		priorPrimary = &l
	}
	if l, ok, _ := objectAs[recoveryPlanLocationModel](ctx, p.RecoveryLocation); ok {
		priorRecovery = &l
	}
	var d diag.Diagnostics
	out.PrimaryLocation, d = flattenRPLocation(ctx, azAt(recoveryPlan, pi), priorPrimary)
	diags.Append(d...)
	out.RecoveryLocation, d = flattenRPLocation(ctx, azAt(recoveryPlan, ri), priorRecovery)
	diags.Append(d...)

	priorStages, d := listElems[recoveryPlanStageModel](ctx, p.Stages)
	diags.Append(d...)
	stages := make([]attr.Value, 0, len(recoveryPlan.Stages))
	for i, s := range recoveryPlan.Stages {
		var ps *recoveryPlanStageModel
		if i < len(priorStages) {
			ps = &priorStages[i]
		}
		v, d := flattenRecoveryStage(ctx, s, ps)
		diags.Append(d...)
		stages = append(stages, v)
	}
	out.Stages, d = types.ListValue(types.ObjectType{AttrTypes: recoveryPlanStageAttrTypes}, stages)
	diags.Append(d...)

	primaryAZ, recoveryAZ := azAt(recoveryPlan, pi), azAt(recoveryPlan, ri)
	priorMappings, d := listElems[recoveryPlanNetworkMappingModel](ctx, p.NetworkMappings)
	diags.Append(d...)
	mappings := make([]attr.Value, 0, len(recoveryPlan.NetworkMappings))
	var ips []recoveryPlanIPAssignmentModel
	for i, nm := range recoveryPlan.NetworkMappings {
		var pm *recoveryPlanNetworkMappingModel
		if i < len(priorMappings) {
			pm = &priorMappings[i]
		}
		perAZ := mappingSides(nm, primaryAZ, recoveryAZ)
		v, d := flattenNetworkMapping(ctx, nm.Stretched, perAZ, [2]client.RecoveryPlanAZ{primaryAZ, recoveryAZ}, pm)
		diags.Append(d...)
		mappings = append(mappings, v)
		for k, az := range perAZ {
			if az != nil {
				ips = append(ips, flattenIPAssignments(*az, recoveryPlanSites[k])...)
			}
		}
	}
	out.NetworkMappings, d = optionalList(types.ObjectType{AttrTypes: recoveryPlanNetworkMappingAttrTypes}, mappings, p.NetworkMappings)
	diags.Append(d...)

	priorIPs, d := listElems[recoveryPlanIPAssignmentModel](ctx, p.IPAssignments)
	diags.Append(d...)
	ipValues := make([]attr.Value, 0, len(ips))
	for _, a := range orderLike(ips, priorIPs, ipAssignmentEqual, func(a, b recoveryPlanIPAssignmentModel) bool {
		return a.VMID.Equal(b.VMID) && a.Site.Equal(b.Site)
	}) {
		v, d := types.ObjectValueFrom(ctx, recoveryPlanIPAssignmentAttrTypes, a)
		diags.Append(d...)
		ipValues = append(ipValues, v)
	}
	out.IPAssignments, d = optionalList(types.ObjectType{AttrTypes: recoveryPlanIPAssignmentAttrTypes}, ipValues, p.IPAssignments)
	diags.Append(d...)

	priorFIPs, d := listElems[recoveryPlanFloatingIPModel](ctx, p.FloatingIPs)
	diags.Append(d...)
	var fips []recoveryPlanFloatingIPModel
	for _, g := range recoveryPlan.FloatingIPs {
		site := recoveryPlanSiteRecovery
		if g.AvailabilityZoneUUID == primaryAZ.AvailabilityZoneUUID && primaryAZ.AvailabilityZoneUUID != recoveryAZ.AvailabilityZoneUUID {
			site = recoveryPlanSitePrimary
		}
		for _, vm := range g.VMs {
			f, d := flattenFloatingIP(vm, site)
			diags.Append(d...)
			fips = append(fips, f)
		}
	}
	fipValues := make([]attr.Value, 0, len(fips))
	for _, f := range orderLike(fips, priorFIPs, floatingIPEqual, func(a, b recoveryPlanFloatingIPModel) bool {
		return a.VMID.Equal(b.VMID) && a.Site.Equal(b.Site) && a.NICID.Equal(b.NICID)
	}) {
		v, d := types.ObjectValueFrom(ctx, recoveryPlanFloatingIPAttrTypes, f)
		diags.Append(d...)
		fipValues = append(fipValues, v)
	}
	out.FloatingIPs, d = optionalList(types.ObjectType{AttrTypes: recoveryPlanFloatingIPAttrTypes}, fipValues, p.FloatingIPs)
	diags.Append(d...)

	out.Witness = types.ObjectNull(recoveryPlanWitnessAttrTypes)
	if len(recoveryPlan.Witnesses) > 0 {
		w := recoveryPlan.Witnesses[0]
		var priorTimeout *timetypes.GoDuration
		if pw, ok, _ := objectAs[recoveryPlanWitnessModel](ctx, p.Witness); ok {
			priorTimeout = &pw.FailoverTimeout
		}
		out.Witness, d = types.ObjectValue(recoveryPlanWitnessAttrTypes, map[string]attr.Value{
			"availability_zone_id": types.StringValue(w.Address),
			"failover_timeout":     durationValue(w.FailoverTimeoutSecs, priorTimeout),
		})
		diags.Append(d...)
	}

	vals := make([]attr.Value, 0, len(recoveryPlan.Validation))
	for _, m := range recoveryPlan.Validation {
		v, d := types.ObjectValue(recoveryPlanValidationAttrTypes, map[string]attr.Value{
			"severity": types.StringValue(m.Severity),
			"type":     types.StringValue(m.ValidationType),
			"reason":   types.StringValue(m.Reason),
			"message":  types.StringValue(m.Message),
		})
		diags.Append(d...)
		vals = append(vals, v)
	}
	out.Validation, d = types.ListValue(types.ObjectType{AttrTypes: recoveryPlanValidationAttrTypes}, vals)
	diags.Append(d...)
	return out, diags
}

// nullRecoveryPlanModel is a model whose every attribute is null: the prior value of an import.
func nullRecoveryPlanModel() recoveryPlanModel {
	return recoveryPlanModel{
		Description:      types.StringNull(),
		CutoverMode:      types.StringNull(),
		PrimaryLocation:  types.ObjectNull(recoveryPlanLocationAttrTypes),
		RecoveryLocation: types.ObjectNull(recoveryPlanLocationAttrTypes),
		Stages:           types.ListNull(types.ObjectType{AttrTypes: recoveryPlanStageAttrTypes}),
		NetworkMappings:  types.ListNull(types.ObjectType{AttrTypes: recoveryPlanNetworkMappingAttrTypes}),
		IPAssignments:    types.ListNull(types.ObjectType{AttrTypes: recoveryPlanIPAssignmentAttrTypes}),
		FloatingIPs:      types.ListNull(types.ObjectType{AttrTypes: recoveryPlanFloatingIPAttrTypes}),
		Witness:          types.ObjectNull(recoveryPlanWitnessAttrTypes),
	}
}

// planLocationIndexes returns the indexes in availability_zone_list of the primary location
// (primary_location_index, 0 when absent) and of the recovery location (the first other one).
func planLocationIndexes(recoveryPlan *client.RecoveryPlan) (int, int) {
	pi := 0
	if recoveryPlan.PrimaryLocationIndex != nil && *recoveryPlan.PrimaryLocationIndex >= 0 && *recoveryPlan.PrimaryLocationIndex < len(recoveryPlan.AvailabilityZones) {
		pi = *recoveryPlan.PrimaryLocationIndex
	}
	ri := 1
	if pi == 1 {
		ri = 0
	}
	return pi, ri
}

// azAt returns entry i of availability_zone_list, or an empty one when Prism Central answered
// fewer (a partial answer must not crash the provider).
func azAt(recoveryPlan *client.RecoveryPlan, i int) client.RecoveryPlanAZ {
	if i < len(recoveryPlan.AvailabilityZones) {
		return recoveryPlan.AvailabilityZones[i]
	}
	return client.RecoveryPlanAZ{}
}

// flattenRPLocation builds primary_location or recovery_location; clusters stay unset where
// the prior value leaves them unset.
func flattenRPLocation(ctx context.Context, az client.RecoveryPlanAZ, prior *recoveryPlanLocationModel) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	clusters := types.ListNull(types.StringType)
	if len(az.ClusterUUIDs) > 0 && (prior == nil || !prior.ClusterIDs.IsNull()) {
		var d diag.Diagnostics
		clusters, d = types.ListValueFrom(ctx, types.StringType, az.ClusterUUIDs)
		diags.Append(d...)
	}
	out, d := types.ObjectValue(recoveryPlanLocationAttrTypes, map[string]attr.Value{
		"availability_zone_id": types.StringValue(az.AvailabilityZoneUUID),
		"cluster_ids":          clusters,
	})
	diags.Append(d...)
	return out, diags
}

// flattenRecoveryStage builds a stage; prior (nil when none) keeps the spelling of the delay
// and a null delay null when Prism Central reads it back as zero.
func flattenRecoveryStage(ctx context.Context, s client.RecoveryStage, prior *recoveryPlanStageModel) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	delay := timetypes.NewGoDurationNull()
	priorNull := prior == nil || prior.DelayAfter.IsNull()
	if s.DelaySecs != nil && (!priorNull || *s.DelaySecs != 0) {
		var pd *timetypes.GoDuration
		if prior != nil {
			pd = &prior.DelayAfter
		}
		delay = durationValue(*s.DelaySecs, pd)
	}
	var priorEntities []recoveryPlanEntityModel
	if prior != nil {
		var d diag.Diagnostics
		priorEntities, d = listElems[recoveryPlanEntityModel](ctx, prior.Entities)
		diags.Append(d...)
	}
	entities := make([]attr.Value, 0, len(s.Entities))
	for i, e := range s.Entities {
		var pe *recoveryPlanEntityModel
		if i < len(priorEntities) {
			pe = &priorEntities[i]
		}
		v, d := flattenRecoveryEntity(ctx, e, pe)
		diags.Append(d...)
		entities = append(entities, v)
	}
	list, d := types.ListValue(types.ObjectType{AttrTypes: recoveryPlanEntityAttrTypes}, entities)
	diags.Append(d...)
	out, d := types.ObjectValue(recoveryPlanStageAttrTypes, map[string]attr.Value{"delay_after": delay, "entities": list})
	diags.Append(d...)
	return out, diags
}

// flattenRecoveryEntity builds an entity selector. A script Prism Central reads back as
// disabled without a timeout stays null where the prior value is null.
func flattenRecoveryEntity(ctx context.Context, e client.RecoveryEntity, prior *recoveryPlanEntityModel) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	vals := map[string]attr.Value{
		"categories": types.MapNull(types.StringType),
		"vm_id":      types.StringNull(),
		"script":     types.ObjectNull(recoveryPlanScriptAttrTypes),
		"power_on":   types.BoolNull(),
	}
	switch {
	case e.VMUUID != "":
		vals["vm_id"] = types.StringValue(e.VMUUID)
	default:
		m, d := types.MapValueFrom(ctx, types.StringType, e.Categories)
		diags.Append(d...)
		vals["categories"] = m
	}
	if len(e.Scripts) > 0 {
		sc := e.Scripts[0]
		priorScriptNull := prior != nil && prior.Script.IsNull()
		if !priorScriptNull || sc.Enabled || sc.TimeoutSecs != nil {
			timeout := timetypes.NewGoDurationNull()
			var priorTimeout *timetypes.GoDuration
			if prior != nil {
				if ps, ok, _ := objectAs[recoveryPlanScriptModel](ctx, prior.Script); ok {
					priorTimeout = &ps.Timeout
				}
			}
			if sc.TimeoutSecs != nil && (priorTimeout == nil || !priorTimeout.IsNull() || *sc.TimeoutSecs != 0) {
				timeout = durationValue(*sc.TimeoutSecs, priorTimeout)
			}
			s, d := types.ObjectValue(recoveryPlanScriptAttrTypes, map[string]attr.Value{
				"enabled": types.BoolValue(sc.Enabled),
				"timeout": timeout,
			})
			diags.Append(d...)
			vals["script"] = s
		}
	}
	if e.PowerState != "" {
		vals["power_on"] = types.BoolValue(e.PowerState == client.PowerStateOn)
	}
	out, d := types.ObjectValue(recoveryPlanEntityAttrTypes, vals)
	diags.Append(d...)
	return out, diags
}

// mappingSides returns the entries of a network mapping for the primary and the recovery
// location: by availability zone, and by clusters when both are the same availability zone,
// else by position.
func mappingSides(nm client.NetworkMapping, primary, recovery client.RecoveryPlanAZ) [2]*client.AZNetworkMapping {
	var out [2]*client.AZNetworkMapping
	taken := make([]bool, len(nm.PerAZ))
	match := func(az client.RecoveryPlanAZ, byClusters bool) *client.AZNetworkMapping {
		for j := range nm.PerAZ {
			e := &nm.PerAZ[j]
			if taken[j] || e.AvailabilityZoneUUID != az.AvailabilityZoneUUID {
				continue
			}
			if byClusters && len(az.ClusterUUIDs) > 0 && !sameElements(e.ClusterUUIDs, az.ClusterUUIDs) {
				continue
			}
			taken[j] = true
			return e
		}
		return nil
	}
	same := primary.AvailabilityZoneUUID == recovery.AvailabilityZoneUUID
	out[0] = match(primary, same)
	out[1] = match(recovery, same)
	for k := range out {
		if out[k] == nil {
			for j := range nm.PerAZ {
				if !taken[j] {
					taken[j] = true
					out[k] = &nm.PerAZ[j]
					break
				}
			}
		}
	}
	return out
}

// flattenNetworkMapping builds a network mapping from the entries of its two sides.
func flattenNetworkMapping(ctx context.Context, stretched bool, perAZ [2]*client.AZNetworkMapping, locs [2]client.RecoveryPlanAZ,
	prior *recoveryPlanNetworkMappingModel) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	sameAZ := locs[0].AvailabilityZoneUUID == locs[1].AvailabilityZoneUUID
	sides := make(map[string]attr.Value, 2)
	for k, name := range recoveryPlanSites {
		var ps *recoveryPlanSiteNetworksModel
		if prior != nil {
			o := prior.Primary
			if k == 1 {
				o = prior.Recovery
			}
			if s, ok, _ := objectAs[recoveryPlanSiteNetworksModel](ctx, o); ok {
				ps = &s
			}
		}
		var prod, test *client.RecoveryNetwork
		if perAZ[k] != nil {
			prod, test = perAZ[k].Recovery, perAZ[k].Test
		}
		var priorProd, priorTest *recoveryPlanNetworkModel
		if ps != nil {
			if n, ok, _ := objectAs[recoveryPlanNetworkModel](ctx, ps.Production); ok {
				priorProd = &n
			}
			if n, ok, _ := objectAs[recoveryPlanNetworkModel](ctx, ps.Test); ok {
				priorTest = &n
			}
		}
		pv, d := flattenRecoveryNetwork(prod, priorProd)
		diags.Append(d...)
		if pv.IsNull() {
			// production is required: an answer without it still gives a value to plan against.
			pv, d = flattenRecoveryNetwork(&client.RecoveryNetwork{}, priorProd)
			diags.Append(d...)
		}
		tv, d := flattenRecoveryNetwork(test, priorTest)
		diags.Append(d...)
		var clusters []string
		if perAZ[k] != nil {
			clusters = perAZ[k].ClusterUUIDs
		}
		priorClusters := types.ListNull(types.StringType)
		if ps != nil {
			priorClusters = ps.ClusterIDs
		}
		cv, d := flattenMappingClusters(ctx, clusters, sameAZ, locs[k].ClusterUUIDs, priorClusters)
		diags.Append(d...)
		sv, d := types.ObjectValue(recoveryPlanSiteNetworksAttrTypes, map[string]attr.Value{"production": pv, "test": tv, "cluster_ids": cv})
		diags.Append(d...)
		sides[name] = sv
	}
	out, d := types.ObjectValue(recoveryPlanNetworkMappingAttrTypes, map[string]attr.Value{
		"stretched": types.BoolValue(stretched),
		"primary":   sides[recoveryPlanSitePrimary],
		"recovery":  sides[recoveryPlanSiteRecovery],
	})
	diags.Append(d...)
	return out, diags
}

// flattenMappingClusters builds the cluster_ids of a side of a network mapping from its
// cluster_reference_list: null when there is none, or when it is what an unset cluster_ids
// sends (the location's clusters, both locations being one availability zone); else the list,
// in the prior order when it holds the same clusters.
func flattenMappingClusters(ctx context.Context, clusters []string, sameAZ bool, locClusters []string, prior types.List) (types.List, diag.Diagnostics) {
	if !prior.IsNull() && !prior.IsUnknown() {
		var p []string
		if d := prior.ElementsAs(ctx, &p, false); !d.HasError() && sameElements(p, clusters) {
			return prior, nil
		}
	}
	if len(clusters) == 0 || (sameAZ && sameElements(clusters, locClusters)) {
		return types.ListNull(types.StringType), nil
	}
	return types.ListValueFrom(ctx, types.StringType, clusters)
}

// flattenRecoveryNetwork builds a network; nil (or an empty one Prism Central may answer for an
// absent network) gives null. The VPC,
// gateway and prefix length stay null where the prior value leaves them null.
func flattenRecoveryNetwork(n *client.RecoveryNetwork, prior *recoveryPlanNetworkModel) (types.Object, diag.Diagnostics) {
	if n == nil || (n.Name == "" && n.VPCUUID == "" && len(n.Subnets) == 0 && (prior == nil || prior.SubnetName.IsNull())) {
		return types.ObjectNull(recoveryPlanNetworkAttrTypes), nil
	}
	vals := map[string]attr.Value{
		"subnet_name":   types.StringValue(n.Name),
		"vpc_id":        types.StringNull(),
		"gateway_ip":    types.StringNull(),
		"prefix_length": types.Int64Null(),
	}
	if n.VPCUUID != "" && (n.UseVPC || prior == nil || !prior.VPCID.IsNull()) {
		vals["vpc_id"] = types.StringValue(n.VPCUUID)
	}
	if len(n.Subnets) > 0 && (prior == nil || !prior.GatewayIP.IsNull() || !prior.PrefixLength.IsNull()) {
		s := n.Subnets[0]
		if s.GatewayIP != "" {
			vals["gateway_ip"] = types.StringValue(s.GatewayIP)
		}
		vals["prefix_length"] = types.Int64Value(s.PrefixLength)
	}
	return types.ObjectValue(recoveryPlanNetworkAttrTypes, vals)
}

// flattenIPAssignments turns the static IPs of one side of a mapping into ip_assignments: one
// element per VM, with its production and test address, in the order the VMs first appear.
func flattenIPAssignments(az client.AZNetworkMapping, site string) []recoveryPlanIPAssignmentModel {
	var out []recoveryPlanIPAssignmentModel
	at := map[string]int{}
	get := func(vm string) *recoveryPlanIPAssignmentModel {
		i, ok := at[vm]
		if !ok {
			i = len(out)
			at[vm] = i
			out = append(out, recoveryPlanIPAssignmentModel{
				VMID: types.StringValue(vm), Site: types.StringValue(site),
				RecoveryIP: types.StringNull(), TestIP: types.StringNull(),
			})
		}
		return &out[i]
	}
	for _, a := range az.RecoveryIPs {
		if len(a.IPs) > 0 {
			get(a.VMUUID).RecoveryIP = types.StringValue(a.IPs[0])
		}
	}
	for _, a := range az.TestIPs {
		if len(a.IPs) > 0 {
			get(a.VMUUID).TestIP = types.StringValue(a.IPs[0])
		}
	}
	return out
}

// flattenFloatingIP builds a floating IP element of a site.
func flattenFloatingIP(vm client.FloatingIPVM, site string) (recoveryPlanFloatingIPModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := recoveryPlanFloatingIPModel{
		VMID:  types.StringValue(vm.VMUUID),
		Site:  types.StringValue(site),
		NICID: types.StringValue(vm.NICUUID),
		NICIP: types.StringNull(),
	}
	if vm.NICIP != "" {
		out.NICIP = types.StringValue(vm.NICIP)
	}
	var d diag.Diagnostics
	out.Recovery, d = flattenFloatingIPConfig(vm.Recovery)
	diags.Append(d...)
	out.Test, d = flattenFloatingIPConfig(vm.Test)
	diags.Append(d...)
	return out, diags
}

// flattenFloatingIPConfig builds a floating IP configuration; nil gives null.
func flattenFloatingIPConfig(c *client.FloatingIPConfig) (types.Object, diag.Diagnostics) {
	if c == nil {
		return types.ObjectNull(recoveryPlanFloatingIPConfigAttrTypes), nil
	}
	ip, dyn := types.StringNull(), types.BoolNull()
	if c.IP != "" {
		ip = types.StringValue(c.IP)
	}
	if c.AllocateDynamically {
		dyn = types.BoolValue(true)
	}
	return types.ObjectValue(recoveryPlanFloatingIPConfigAttrTypes, map[string]attr.Value{"ip": ip, "allocate_dynamically": dyn})
}

// ipAssignmentEqual tells whether two IP assignments are the same values.
func ipAssignmentEqual(a, b recoveryPlanIPAssignmentModel) bool {
	return a.VMID.Equal(b.VMID) && a.Site.Equal(b.Site) && a.RecoveryIP.Equal(b.RecoveryIP) && a.TestIP.Equal(b.TestIP)
}

// floatingIPEqual tells whether two floating IP elements are the same values.
func floatingIPEqual(a, b recoveryPlanFloatingIPModel) bool {
	return a.VMID.Equal(b.VMID) && a.Site.Equal(b.Site) && a.NICID.Equal(b.NICID) && a.NICIP.Equal(b.NICIP) &&
		a.Recovery.Equal(b.Recovery) && a.Test.Equal(b.Test)
}

// orderLike returns items in the order of prior: each prior element takes the first item equal
// to it, then those left take the first item with the same key (a change made outside
// Terraform); items nobody took follow in their own order.
func orderLike[T any](items, prior []T, equal, sameKey func(a, b T) bool) []T {
	taken := make([]bool, len(items))
	placed := make([]int, len(prior))
	for i := range placed {
		placed[i] = -1
	}
	for _, match := range []func(a, b T) bool{equal, sameKey} {
		for i, p := range prior {
			if placed[i] >= 0 {
				continue
			}
			for j, it := range items {
				if !taken[j] && match(it, p) {
					taken[j], placed[i] = true, j
					break
				}
			}
		}
	}
	out := make([]T, 0, len(items))
	for _, j := range placed {
		if j >= 0 {
			out = append(out, items[j])
		}
	}
	for j, it := range items {
		if !taken[j] {
			out = append(out, it)
		}
	}
	return out
}

// optionalList returns the list of vals, or null when it is empty and the prior value is null
// (an unset list is not planned as []).
func optionalList(elem attr.Type, vals []attr.Value, prior types.List) (types.List, diag.Diagnostics) {
	if len(vals) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.ListNull(elem), nil
	}
	return types.ListValue(elem, vals)
}
