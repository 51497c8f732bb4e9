package prismsim

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"
)

// Recovery plans. POST /recovery_plans, GET/PUT/DELETE /recovery_plans/{uuid} and POST
// /recovery_plans/list are the generic intentful operations; GET
// /recovery_plans/{uuid}/entities answers which VMs the plan recovers at each of its
// availability zones. The model the checks work on is in recovery_plans_model.go, the
// status and the entities answer in recovery_plans_status.go.
//
// Checks, when the request arrives (nothing is created when refused):
//   - the shape (422 VALIDATION_ERROR): name 1-64 characters, description up to 1000,
//     exactly two availability zones, each stage with a recover_entities list whose items
//     have exactly one of categories and any_entity_reference, delays and script timeouts
//     not negative, the spec's enums, IPv4 addresses, at most one witness;
//   - references (422 INVALID_ARGUMENT): availability zones that are this PC's Local AZ or
//     a paired one, two locations on one PC only with disjoint clusters, clusters of the
//     location's PC, VMs that live at one of the plan's locations, subnets by name at the
//     PC of each network mapping entry (for a VPC network, an overlay subnet of that VPC),
//     gateway and prefix matching the subnet, static IPs inside their network, each VM
//     and category pair selected once, and a witness only when every VM of the plan is
//     replicated synchronously (RPO 0) to the recovery location;
//   - a location whose PC is down (create only): 422 REMOTE_CLUSTER_NOT_CONNECTED.
//
// Categories a stage selects by that do not exist here are accepted and reported in the
// status (a WARNING finding): the plan is incomplete until they are created, by hand or
// by entity sync with a protection policy that uses them (category_sync.go).
//
// References at other PCs are checked before the request is accepted (kindSpec.precheck)
// and again by the task, which fails (error_code INVALID_ARGUMENT) when they changed in
// between.
//
// Entity sync: as protection rules, a plan is copied, same uuid and spec_version, to the
// other PC of its locations, with availability zone URLs translated to that PC's own.
// Every copy can be changed and deleted (the Leap guide edits the synced plan on the
// destination PC after a planned failover): a change or delete on any of them reaches
// the others before its task succeeds, a peer that is down at once.
//
// Status: besides the spec's name, description and resources, status carries
// recovery_availability_zone_order_list (the location orders of the protection rules that
// replicate the plan's VMs) and message_list: what Prism Central reports when it validates
// a plan, each item with details.severity (ERROR or WARNING) and details.validation_type
// (the job validation's ENTITY, NETWORK, RECOVERY_POINT, CONNECTIVITY or INFRASTRUCTURE), computed when
// the plan is read.

const (
	maxPlanName        = 64
	maxPlanDescription = 1000
	maxPlanNetworkName = 64
)

// Enums of the spec.
var (
	vmPowerStates       = []string{"ON", "OFF"}
	cutoverModes        = []string{"EARLY", "LATE"}
	connectivityStates  = []string{"ENABLED", "DISABLED"}
	planSeverityError   = "ERROR"
	planSeverityWarning = "WARNING"
)

// planData is what a recovery plan is beyond its spec: origin names the PC the plan was
// created on ("" on that PC; never answered: it tells the copies of one plan from an
// unrelated plan with the same uuid); view is the latest validation of its current
// snapshot.
type planData struct {
	origin string
	view   *planView
}

func planInfo(e *entity) planData {
	d, _ := e.data.(planData)
	return d
}

// planView is a plan's computed status: its findings and the location orders of the
// rules protecting its VMs, as of a time, for one snapshot.
type planView struct {
	snap     *snapshot
	at       time.Time
	messages []messageItem
	orders   []any
}

var planKind = &kindSpec{
	name:   "recovery_plan",
	plural: "recovery_plans",
	opName: "RecoveryPlan",
	attrs: func(_ *PC, e *entity) map[string][]string {
		return map[string][]string{"name": {e.current().name}}
	},
	known: []string{"name"},
	usesCategory: func(e *entity, key, value string) bool {
		for _, s := range []*snapshot{e.intent, e.committed} {
			if s == nil {
				continue
			}
			for _, st := range decodePlanSpec(s.spec).Resources.StageList {
				if st.StageWork == nil || st.StageWork.RecoverEntities == nil {
					continue
				}
				for _, info := range st.StageWork.RecoverEntities.EntityInfoList {
					if v, ok := info.Categories[key]; ok && v == value {
						return true
					}
				}
			}
		}
		return false
	},
}

func init() {
	// Set here: these functions refer to rpKind.
	planKind.prepare = preparePlan
	planKind.precheck = precheckPlan
	planKind.status = planStatus
	planKind.beforeCommit = beforePlanCommit
	planKind.beforeView = (*PC).refreshPlanViews
	registerKind(planKind)
	registerSubnetUsers(planSubnetUsers)
	registerVPCUsers(planVPCUsers)
}

// preparePlan checks a plan intent's shape and its references to this PC's availability
// zones and categories, and gives stages without a stage_uuid one. References to the
// inventory of the locations are checked by precheckPlan and the task.
func preparePlan(pc *PC, old *entity, in *snapshot) *modelError {
	spec, apiErr := pc.checkPlanLocked(in)
	if apiErr != nil {
		return apiErr
	}
	// Stages keep their uuid: a stage sent without one gets the uuid of the stage at the
	// same position before the update, or a new one.
	var before []planStageView
	if old != nil {
		before = decodePlanSpec(old.intent.spec).Resources.StageList
	}
	raw := decodeObject(in.spec)
	res, _ := raw["resources"].(map[string]any)
	stages, _ := res["stage_list"].([]any)
	changed := false
	for i, s := range stages {
		st, ok := s.(map[string]any)
		if !ok {
			continue
		}
		if id, _ := st["stage_uuid"].(string); id != "" {
			continue
		}
		id := newUUID()
		if i < len(before) && isUUID(before[i].StageUUID) && !stageUUIDTaken(spec, before[i].StageUUID) {
			id = normUUID(before[i].StageUUID)
		}
		st["stage_uuid"] = id
		changed = true
	}
	if changed {
		if data, err := json.Marshal(raw); err == nil {
			in.spec = data
		}
	}
	in.name = *spec.Name
	return nil
}

func stageUUIDTaken(spec planSpecView, id string) bool {
	for _, st := range spec.Resources.StageList {
		if normUUID(st.StageUUID) == normUUID(id) {
			return true
		}
	}
	return false
}

// checkPlanLocked checks what can be checked on this PC alone. The caller holds its mutex.
func (pc *PC) checkPlanLocked(in *snapshot) (planSpecView, *modelError) {
	var spec planSpecView
	if apiErr := pc.drRequired("", "creating recovery plans"); apiErr != nil {
		return spec, apiErr
	}
	if err := decodeStrictTypes(in.spec, &spec); err != nil {
		return spec, malformed("spec: %v", err)
	}
	if spec.Name == nil || *spec.Name == "" {
		return spec, malformed("spec.name is required")
	}
	if len(*spec.Name) > maxPlanName {
		return spec, malformed("spec.name is longer than %d characters", maxPlanName)
	}
	if spec.Description != nil && len(*spec.Description) > maxPlanDescription {
		return spec, malformed("spec.description is longer than %d characters", maxPlanDescription)
	}
	if spec.Resources == nil {
		return spec, malformed("spec.resources is required")
	}
	if spec.Resources.Parameters == nil {
		return spec, malformed("spec.resources.parameters is required: availability_zone_list names the primary and the recovery locations")
	}
	p := pc.planOfLocked("", in)
	if apiErr := checkPlanLocations(pc, spec, p); apiErr != nil {
		return spec, apiErr
	}
	if apiErr := checkPlanStages(spec); apiErr != nil {
		return spec, apiErr
	}
	if apiErr := checkPlanNetworks(spec, p); apiErr != nil {
		return spec, apiErr
	}
	if apiErr := checkPlanExtras(pc, spec, p); apiErr != nil {
		return spec, apiErr
	}
	return spec, nil
}

const planParams = "spec.resources.parameters"

func checkPlanLocations(pc *PC, spec planSpecView, p *recoveryPlan) *modelError {
	params := spec.Resources.Parameters
	if len(params.AvailabilityZoneList) != 2 {
		return malformed("%s.availability_zone_list must name exactly two availability zones (the primary and the recovery location), got %d",
			planParams, len(params.AvailabilityZoneList))
	}
	for i, az := range params.AvailabilityZoneList {
		field := fmt.Sprintf("%s.availability_zone_list[%d]", planParams, i)
		if az.AvailabilityZoneURL == "" {
			return malformed("%s.availability_zone_url is required: the uuid of an availability zone", field)
		}
		if p.azs[i].site == "" {
			return unknownAZ(field, az.AvailabilityZoneURL)
		}
		if apiErr := checkClusterRefs(field+".cluster_reference_list", az.ClusterReferenceList); apiErr != nil {
			return apiErr
		}
	}
	if params.PrimaryLocationIndex != nil && (*params.PrimaryLocationIndex < 0 || *params.PrimaryLocationIndex > 1) {
		return invalid("%s.primary_location_index %d is out of range (0-1)", planParams, *params.PrimaryLocationIndex)
	}
	a, b := p.azs[0], p.azs[1]
	if a.site == b.site {
		if len(a.clusters) == 0 || len(b.clusters) == 0 {
			return invalid("%s.availability_zone_list: both locations are availability zone %s: "+
				"recovery within one availability zone needs cluster_reference_list at both locations", planParams, pc.siteLabelLocked(a.site))
		}
		for _, c := range a.clusters {
			if contains(b.clusters, c) {
				return invalid("%s.availability_zone_list: cluster %s is both the primary and the recovery location", planParams, c)
			}
		}
	}
	return nil
}

func unknownAZ(field, url string) *modelError {
	return &modelError{
		Kind: errInvalid, Code: reasonInvalidArgument,
		Message: fmt.Sprintf("%s: availability zone %s is not known to this Prism Central (neither its Local AZ nor a paired one)",
			field, url),
		Details: map[string]string{"availability_zone_url": url},
	}
}

func checkClusterRefs(field string, refs []refView) *modelError {
	for j, ref := range refs {
		if ref.Kind != "" && ref.Kind != "cluster" {
			return malformed("%s[%d].kind must be \"cluster\", got %q", field, j, ref.Kind)
		}
		if !isUUID(ref.UUID) {
			return malformed("%s[%d].uuid %q is not a UUID", field, j, ref.UUID)
		}
	}
	return nil
}

func checkPlanStages(spec planSpecView) *modelError {
	vms := map[string]string{}
	cats := map[string]string{}
	uuids := map[string]bool{}
	for i, st := range spec.Resources.StageList {
		field := fmt.Sprintf("spec.resources.stage_list[%d]", i)
		if st.StageUUID != "" {
			if !isUUID(st.StageUUID) {
				return malformed("%s.stage_uuid %q is not a UUID", field, st.StageUUID)
			}
			if uuids[normUUID(st.StageUUID)] {
				return invalid("%s.stage_uuid %s is used by another stage", field, st.StageUUID)
			}
			uuids[normUUID(st.StageUUID)] = true
		}
		if st.DelayTimeSecs != nil && *st.DelayTimeSecs < 0 {
			return malformed("%s.delay_time_secs must not be negative, got %d", field, *st.DelayTimeSecs)
		}
		// The spec requires stage_work.recover_entities.entity_info_list, but not that it
		// lists anything: a stage with an empty list is stored, and the plan's status says
		// it recovers nothing (recovery_plans_status.go).
		if st.StageWork == nil || st.StageWork.RecoverEntities == nil || st.StageWork.RecoverEntities.EntityInfoList == nil {
			return malformed("%s.stage_work.recover_entities.entity_info_list is required", field)
		}
		for j, info := range st.StageWork.RecoverEntities.EntityInfoList {
			ef := fmt.Sprintf("%s.stage_work.recover_entities.entity_info_list[%d]", field, j)
			if (info.AnyEntityReference == nil) == (len(info.Categories) == 0) {
				return malformed("%s: give exactly one of categories and any_entity_reference", ef)
			}
			if ref := info.AnyEntityReference; ref != nil {
				if ref.Kind != vmKind.name {
					return invalid("%s.any_entity_reference.kind must be %q (only VMs are recovered), got %q", ef, vmKind.name, ref.Kind)
				}
				if !isUUID(ref.UUID) {
					return malformed("%s.any_entity_reference.uuid %q is not a UUID", ef, ref.UUID)
				}
				if prev, dup := vms[normUUID(ref.UUID)]; dup {
					return invalid("%s: vm %s is already recovered by %s: a VM is recovered once", ef, ref.UUID, prev)
				}
				vms[normUUID(ref.UUID)] = ef
			}
			if len(info.Categories) > 0 {
				key := categoriesKey(info.Categories)
				if prev, dup := cats[key]; dup {
					return invalid("%s: categories %s are already selected by %s", ef, key, prev)
				}
				cats[key] = ef
			}
			if info.VMPowerState != "" && !contains(vmPowerStates, info.VMPowerState) {
				return malformed("%s.vm_power_state must be ON or OFF, got %q", ef, info.VMPowerState)
			}
			for k, s := range info.ScriptList {
				if s.EnableScriptExec == nil {
					return malformed("%s.script_list[%d].enable_script_exec is required", ef, k)
				}
				if s.Timeout != nil && *s.Timeout < 0 {
					return malformed("%s.script_list[%d].timeout must not be negative, got %d", ef, k, *s.Timeout)
				}
			}
		}
	}
	return nil
}

// categoriesKey renders a categories selector as "k1:v1,k2:v2" (keys sorted).
func categoriesKey(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+":"+m[k])
	}
	return strings.Join(parts, ",")
}

func mappingField(i, j int) string {
	return fmt.Sprintf("%s.network_mapping_list[%d].availability_zone_network_mapping_list[%d]", planParams, i, j)
}

func checkPlanNetworks(spec planSpecView, p *recoveryPlan) *modelError {
	for i, m := range spec.Resources.Parameters.NetworkMappingList {
		for j, e := range m.AZNetworkMappingList {
			field := mappingField(i, j)
			if e.AvailabilityZoneURL == "" {
				return malformed("%s.availability_zone_url is required", field)
			}
			if !p.hasAZ(e.AvailabilityZoneURL) {
				return invalid("%s.availability_zone_url %s is not one of the plan's availability zones (availability_zone_list)",
					field, e.AvailabilityZoneURL)
			}
			if apiErr := checkClusterRefs(field+".cluster_reference_list", e.ClusterReferenceList); apiErr != nil {
				return apiErr
			}
			site := p.mappings[i].sites[j]
			for _, n := range []struct {
				name string
				view *planNetworkView
				ips  []planVMIPView
				net  *planNetwork
			}{
				{"recovery", e.RecoveryNetwork, e.RecoveryIPAssignmentList, site.recovery},
				{"test", e.TestNetwork, e.TestIPAssignmentList, site.test},
			} {
				nf := field + "." + n.name + "_network"
				if n.view != nil {
					if apiErr := checkNetworkView(nf, n.view); apiErr != nil {
						return apiErr
					}
				}
				af := field + "." + n.name + "_ip_assignment_list"
				if len(n.ips) > 0 && (n.net == nil || n.net.name == "") {
					return invalid("%s: static IPs need the %s_network they are in", af, n.name)
				}
				if apiErr := checkStaticIPs(af, n.ips, n.net.network()); apiErr != nil {
					return apiErr
				}
			}
		}
	}
	return nil
}

func checkNetworkView(field string, v *planNetworkView) *modelError {
	if len(v.Name) > maxPlanNetworkName {
		return malformed("%s.name is longer than %d characters", field, maxPlanNetworkName)
	}
	if v.UseVPCReference && (v.VPCReference == nil || !isUUID(v.VPCReference.UUID)) {
		return malformed("%s.vpc_reference.uuid is required with use_vpc_reference", field)
	}
	if v.VPCReference != nil && v.VPCReference.Kind != "" && v.VPCReference.Kind != vpcKind.name {
		return malformed("%s.vpc_reference.kind must be \"vpc\", got %q", field, v.VPCReference.Kind)
	}
	for k, s := range v.SubnetList {
		sf := fmt.Sprintf("%s.subnet_list[%d]", field, k)
		if net.ParseIP(s.GatewayIP).To4() == nil {
			return malformed("%s.gateway_ip %q is not an IPv4 address", sf, s.GatewayIP)
		}
		if s.PrefixLength == nil || *s.PrefixLength < 0 || *s.PrefixLength > 32 {
			return malformed("%s.prefix_length is required and must be 0-32", sf)
		}
		if s.ExternalConnectivityState != "" && !contains(connectivityStates, s.ExternalConnectivityState) {
			return malformed("%s.external_connectivity_state must be ENABLED or DISABLED, got %q", sf, s.ExternalConnectivityState)
		}
	}
	return nil
}

// checkStaticIPs checks static IP assignments: IPv4 addresses, inside network when known,
// not the gateway, each address and each VM once.
func checkStaticIPs(field string, list []planVMIPView, network *net.IPNet) *modelError {
	seen := map[string]bool{}
	vms := map[string]bool{}
	for k, a := range list {
		af := fmt.Sprintf("%s[%d]", field, k)
		if a.VMReference == nil || !isUUID(a.VMReference.UUID) {
			return malformed("%s.vm_reference.uuid is required", af)
		}
		if vms[normUUID(a.VMReference.UUID)] {
			return invalid("%s: vm %s has static IPs in this list already", af, a.VMReference.UUID)
		}
		vms[normUUID(a.VMReference.UUID)] = true
		if len(a.IPConfigList) == 0 {
			return malformed("%s.ip_config_list must list at least one address", af)
		}
		for l, c := range a.IPConfigList {
			ip := net.ParseIP(c.IPAddress).To4()
			if ip == nil {
				return malformed("%s.ip_config_list[%d].ip_address %q is not an IPv4 address", af, l, c.IPAddress)
			}
			if network != nil && !network.Contains(ip) {
				return invalid("%s.ip_config_list[%d]: %s is outside the network %s", af, l, c.IPAddress, network)
			}
			if seen[ip.String()] {
				return invalid("%s.ip_config_list[%d]: %s is assigned twice", af, l, c.IPAddress)
			}
			seen[ip.String()] = true
		}
	}
	return nil
}

func checkPlanExtras(pc *PC, spec planSpecView, p *recoveryPlan) *modelError {
	params := spec.Resources.Parameters
	for i, f := range params.FloatingIPAssignmentList {
		field := fmt.Sprintf("%s.floating_ip_assignment_list[%d]", planParams, i)
		if f.AvailabilityZoneURL == "" {
			return malformed("%s.availability_zone_url is required", field)
		}
		if !p.hasAZ(f.AvailabilityZoneURL) {
			return invalid("%s.availability_zone_url %s is not one of the plan's availability zones", field, f.AvailabilityZoneURL)
		}
		for j, a := range f.VMIPAssignmentList {
			af := fmt.Sprintf("%s.vm_ip_assignment_list[%d]", field, j)
			if a.VMReference == nil || !isUUID(a.VMReference.UUID) {
				return malformed("%s.vm_reference.uuid is required", af)
			}
			if a.VMNicInformation == nil || !isUUID(a.VMNicInformation.UUID) {
				return malformed("%s.vm_nic_information.uuid is required", af)
			}
			for name, c := range map[string]*planFloatingIPView{"recovery_floating_ip_config": a.RecoveryFloatingIPConfig, "test_floating_ip_config": a.TestFloatingIPConfig} {
				if c == nil {
					continue
				}
				if (c.IP == "") == (c.ShouldAllocateDynamically == nil) {
					return malformed("%s.%s: give exactly one of ip and should_allocate_dynamically", af, name)
				}
				if c.IP != "" && net.ParseIP(c.IP).To4() == nil {
					return malformed("%s.%s.ip %q is not an IPv4 address", af, name, c.IP)
				}
			}
		}
	}
	if l := params.WitnessConfigurationList; len(l) > 0 {
		if len(l) > 1 {
			return malformed("%s.witness_configuration_list has at most one item, got %d", planParams, len(l))
		}
		w := l[0]
		field := planParams + ".witness_configuration_list[0]"
		if w.WitnessAddress == "" {
			return malformed("%s.witness_address is required: the availability zone (or address) of the witness", field)
		}
		if w.WitnessFailoverTimeoutSecs != nil && *w.WitnessFailoverTimeoutSecs < 1 {
			return malformed("%s.witness_failover_timeout_secs must be at least 1, got %d", field, *w.WitnessFailoverTimeoutSecs)
		}
		if isUUID(w.WitnessAddress) {
			if site, _ := pc.azTargetLocked(w.WitnessAddress); site == "" {
				return unknownAZ(field+".witness_address", w.WitnessAddress)
			}
		}
	}
	if params.CutoverMode != "" && !contains(cutoverModes, params.CutoverMode) {
		return malformed("%s.cutover_mode must be EARLY or LATE, got %q", planParams, params.CutoverMode)
	}
	return nil
}

// hasAZ reports whether url is one of the plan's availability zones.
func (p *recoveryPlan) hasAZ(url string) bool {
	for _, az := range p.azs {
		if az.url == normUUID(url) {
			return true
		}
	}
	return false
}

// siteLabelLocked names a PC of the world as this PC's availability zone of it.
func (pc *PC) siteLabelLocked(site string) string {
	if site == pc.Name() {
		return localAZName
	}
	return siteLabel(pc.w, site)
}

// siteLabel names a PC of the world as its peers' availability zones do: PC_<ip>.
func siteLabel(w *World, site string) string {
	if peer := w.PC(site); peer != nil {
		return "PC_" + peer.AdvertisedIP()
	}
	return site
}

// precheckPlan checks the references of a plan intent at its locations' PCs before the
// request is accepted. The shape is checked first (as preparePlan will again), so that a
// malformed intent gets the same answer whether or not it names other PCs.
func precheckPlan(pc *PC, id string, in *snapshot, create bool) *modelError {
	probe := &snapshot{spec: in.spec, categories: in.categories}
	pc.mu.Lock()
	var old *entity
	if create {
		if pc.findEntityLocked(id) != nil {
			pc.mu.Unlock()
			return nil // the generic handler answers ENTITY_ALREADY_EXISTS
		}
	} else {
		old = pc.entityLocked(planKind, id)
		if old == nil || old.deleting {
			pc.mu.Unlock()
			return nil // the generic handler answers 404 or 409
		}
	}
	if _, apiErr := pc.checkPlanLocked(probe); apiErr != nil {
		pc.mu.Unlock()
		return apiErr
	}
	p := pc.planOfLocked(id, probe)
	pc.mu.Unlock()
	sites := pc.w.sitesFacts(append(p.sites(), pc.Name()), false)
	if create {
		for _, name := range p.sites() {
			if f := sites[name]; f != nil && f.down {
				return &modelError{
					Kind: errInvalid, Code: reasonRemoteNotConnected,
					Message: fmt.Sprintf("%s.availability_zone_list: availability zone %s is unreachable: its Prism Central does not answer; retry when it is up",
						planParams, siteLabel(pc.w, name)),
					Details: map[string]string{"availability_zone": siteLabel(pc.w, name)},
				}
			}
		}
	}
	return checkPlanSites(pc.w, p, sites)
}

// checkPlanSites checks a plan's references to the inventory of its locations' PCs.
// sites holds the facts of every PC the plan names.
func checkPlanSites(w *World, p *recoveryPlan, sites map[string]*siteFacts) *modelError {
	for i, az := range p.azs {
		f := sites[az.site]
		if f == nil {
			continue
		}
		for _, c := range az.clusters {
			if _, ok := f.clusters[c]; !ok {
				return clusterNotAt(fmt.Sprintf("%s.availability_zone_list[%d]", planParams, i), c, siteLabel(w, az.site))
			}
		}
	}
	// VMs named explicitly live at one of the plan's locations.
	live := func(id string) bool {
		for _, az := range p.azs {
			if f := sites[az.site]; f != nil && f.vm(id) != nil {
				return true
			}
		}
		return false
	}
	for i, st := range p.stages {
		for j, pe := range st.entities {
			if pe.vm != "" && !live(pe.vm) {
				return &modelError{
					Kind: errInvalid, Code: reasonInvalidArgument,
					Message: fmt.Sprintf("spec.resources.stage_list[%d].stage_work.recover_entities.entity_info_list[%d]: vm %s does not exist at the plan's availability zones",
						i, j, pe.vm),
					Details: map[string]string{"vm_uuid": pe.vm},
				}
			}
		}
	}
	for i, m := range p.mappings {
		for j, s := range m.sites {
			field := mappingField(i, j)
			for _, ips := range [][]planStaticIP{s.recoveryIPs, s.testIPs} {
				for _, a := range ips {
					if !live(a.vm) {
						return invalid("%s: vm %s of a static IP assignment does not exist at the plan's availability zones", field, a.vm)
					}
				}
			}
			f := sites[s.site]
			if f == nil {
				continue
			}
			clusters := s.clusters
			if len(clusters) == 0 {
				clusters = p.azClusters(s.site)
			}
			for _, c := range s.clusters {
				if _, ok := f.clusters[c]; !ok {
					return clusterNotAt(field, c, siteLabel(w, s.site))
				}
			}
			for _, n := range []struct {
				name string
				net  *planNetwork
				ips  []planStaticIP
			}{{"recovery", s.recovery, s.recoveryIPs}, {"test", s.test, s.testIPs}} {
				if n.net == nil || n.net.name == "" {
					continue
				}
				if apiErr := checkNetworkAt(w, f, field+"."+n.name+"_network", n.net, clusters, n.ips); apiErr != nil {
					return apiErr
				}
			}
		}
	}
	for i, fip := range p.floating {
		if fip.vm == "" || live(fip.vm) {
			continue
		}
		return invalid("%s.floating_ip_assignment_list: item %d names vm %s, which does not exist at the plan's availability zones",
			planParams, i, fip.vm)
	}
	if p.witness != nil {
		if apiErr := checkWitness(w, p, sites); apiErr != nil {
			return apiErr
		}
	}
	return nil
}

func clusterNotAt(field, cluster, az string) *modelError {
	return &modelError{
		Kind: errInvalid, Code: reasonInvalidArgument,
		Message: fmt.Sprintf("%s: cluster %s is not a cluster of availability zone %s", field, cluster, az),
		Details: map[string]string{"cluster_uuid": cluster},
	}
}

// azClusters returns the clusters availability_zone_list gives for a site.
func (p *recoveryPlan) azClusters(site string) []string {
	var out []string
	for _, az := range p.azs {
		if az.site == site {
			out = append(out, az.clusters...)
		}
	}
	return out
}

// checkNetworkAt checks that a mapped network exists at its site and that its
// subnet_list and static IPs agree with the subnet.
func checkNetworkAt(w *World, f *siteFacts, field string, n *planNetwork, clusters []string, ips []planStaticIP) *modelError {
	where := "availability zone " + siteLabel(w, f.name)
	if n.vpc != "" {
		name, ok := f.vpcs[n.vpc]
		if !ok {
			return &modelError{
				Kind: errInvalid, Code: reasonInvalidArgument,
				Message: fmt.Sprintf("%s.vpc_reference: vpc %s does not exist at %s", field, n.vpc, where),
				Details: map[string]string{"vpc_uuid": n.vpc},
			}
		}
		where = fmt.Sprintf("vpc %s at %s", name, where)
	}
	found := f.subnetsNamed(n, clusters)
	if len(found) == 0 {
		return &modelError{
			Kind: errInvalid, Code: reasonInvalidArgument,
			Message: fmt.Sprintf("%s.name: no subnet named %q in %s: create it or map an existing one", field, n.name, where),
			Details: map[string]string{"subnet_name": n.name},
		}
	}
	network := found[0].network
	if cfg := n.network(); cfg != nil && network != nil {
		ones, _ := network.Mask.Size()
		if n.subnets[0].prefix != ones || !network.Contains(net.ParseIP(n.subnets[0].gateway)) {
			return invalid("%s.subnet_list[0]: gateway %s/%d does not match subnet %s (%s, gateway %s)",
				field, n.subnets[0].gateway, n.subnets[0].prefix, n.name, network, orNone(found[0].gateway))
		}
	}
	if network == nil {
		network = n.network()
	}
	for _, a := range ips {
		for _, ip := range a.ips {
			parsed := net.ParseIP(ip)
			if network != nil && !network.Contains(parsed) {
				return invalid("%s: static IP %s of vm %s is outside subnet %s (%s)", field, ip, a.vm, n.name, network)
			}
			if gw := found[0].gateway; gw != "" && parsed.Equal(net.ParseIP(gw)) {
				return invalid("%s: static IP %s of vm %s is the gateway of subnet %s", field, ip, a.vm, n.name)
			}
		}
	}
	return nil
}

// checkWitness refuses a witness unless every VM of the plan, at its primary location, is
// replicated synchronously (RPO 0) to the recovery location.
func checkWitness(w *World, p *recoveryPlan, sites map[string]*siteFacts) *modelError {
	primary, recovery := p.primaryAZ(), p.recoveryAZ()
	f := sites[primary.site]
	if f == nil {
		return nil
	}
	field := planParams + ".witness_configuration_list"
	vms := p.entities(f)
	if len(vms) == 0 {
		return invalid("%s: a witness fails over automatically only VMs replicated synchronously (RPO 0); the plan selects no VM at its primary location %s",
			field, siteLabel(w, primary.site))
	}
	var missing []string
	for _, vm := range vms {
		if _, sync := f.covering(vm, recovery.site); !sync {
			missing = append(missing, vm.name)
		}
	}
	if len(missing) > 0 {
		verb := "are"
		if len(missing) == 1 {
			verb = "is"
		}
		return &modelError{
			Kind: errInvalid, Code: reasonInvalidArgument,
			Message: fmt.Sprintf("%s: a witness needs synchronous replication (RPO 0) of every VM of the plan to %s: vm %s %s not protected by a synchronous protection policy towards it",
				field, siteLabel(w, recovery.site), strings.Join(missing, ", "), verb),
			Details: map[string]string{"vm_names": strings.Join(missing, ",")},
		}
	}
	return nil
}

// beforePlanCommit is the unlocked step of a plan's tasks: it checks the references at
// the locations' PCs again, then copies the plan to (or, on delete, removes it from) the
// other PC of its locations. It runs on whichever PC holding the plan was asked.
func beforePlanCommit(pc *PC, e *entity, snap *snapshot) error {
	w := pc.w
	pc.mu.Lock()
	origin := pc.planOriginLocked(e)
	pc.mu.Unlock()
	if snap == nil {
		for _, other := range w.pcs {
			if other != pc {
				other.dropPlanCopy(origin, e.uuid)
			}
		}
		return nil
	}
	pc.mu.Lock()
	p := pc.planOfLocked(e.uuid, snap)
	urlSites := map[string]string{}
	for _, az := range pc.entitiesLocked(azKind) {
		urlSites[az.uuid], _ = pc.azTargetLocked(az.uuid)
	}
	cats := pc.categoryDefsLocked(p.categoryPairs())
	pc.mu.Unlock()
	if apiErr := checkPlanSites(w, p, w.sitesFacts(append(p.sites(), pc.Name()), false)); apiErr != nil {
		return apiErr
	}
	synced := map[string]bool{pc.Name(): true}
	for _, az := range p.azs {
		remote := w.PC(az.site)
		if remote == nil || synced[az.site] {
			continue
		}
		synced[az.site] = true
		remote.putPlanCopy(pc, origin, e.uuid, e.created, snap, urlSites, cats)
	}
	for _, other := range w.pcs {
		if !synced[other.Name()] {
			other.dropPlanCopy(origin, e.uuid)
		}
	}
	return nil
}

// putPlanCopy creates or updates this PC's copy of a plan created on the PC origin,
// written on the PC writer, with availability zone URLs (urlSites: the writer's AZ uuid ->
// PC of the world) translated to this PC's availability zones. An older version than the
// copy's is ignored (syncedWriteWinsLocked), and so is an unrelated plan with the same
// uuid. The categories the plan's stages use (cats, as the writer defines them) are
// synced first (category_sync.go).
func (pc *PC) putPlanCopy(writer *PC, origin, id string, created time.Time, snap *snapshot, urlSites map[string]string, cats []syncedCategory) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.syncCategoriesLocked(cats)
	e := pc.entityLocked(planKind, id)
	if e != nil && (pc.planOriginLocked(e) != origin || !pc.syncedWriteWinsLocked(e, writer.Name(), snap.version, snap)) {
		return
	}
	translate := func(v string) string {
		if site, ok := urlSites[normUUID(v)]; ok && site != "" {
			if az := pc.azOfLocked(site); az != nil {
				return az.uuid
			}
		}
		return v
	}
	spec := decodeObject(snap.spec)
	if res, ok := spec["resources"].(map[string]any); ok {
		rewriteFields(res["parameters"], map[string]bool{"availability_zone_url": true, "witness_address": true}, translate)
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		raw = snap.spec
	}
	cp := &snapshot{version: snap.version, name: snap.name, spec: raw, categories: cloneMapping(snap.categories),
		meta: snap.meta, updated: snap.updated}
	if e == nil {
		e = &entity{kind: planKind, uuid: id, created: created, data: planData{origin: originHere(pc, origin)}}
		pc.addEntityLocked(e)
	}
	e.version, e.intent, e.committed = snap.version, cp, cp
}

// rewriteFields replaces, at any depth of v, the string values of the named fields by
// f of them.
func rewriteFields(v any, fields map[string]bool, f func(string) string) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && fields[k] {
				x[k] = f(s)
				continue
			}
			rewriteFields(val, fields, f)
		}
	case []any:
		for _, val := range x {
			rewriteFields(val, fields, f)
		}
	}
}

// planOriginLocked names the PC a plan of this PC was created on. The caller holds the
// PC's mutex.
func (pc *PC) planOriginLocked(e *entity) string {
	if o := planInfo(e).origin; o != "" {
		return o
	}
	return pc.Name()
}

// dropPlanCopy removes this PC's copy of a plan created on the PC origin, if any.
func (pc *PC) dropPlanCopy(origin, id string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if e := pc.entityLocked(planKind, id); e != nil && pc.planOriginLocked(e) == origin {
		pc.removeEntityLocked(e)
	}
}

// planSubnetUsers names the plans of this PC whose network mappings name the subnet at
// this PC (in their intent or committed state). The caller holds the PC's mutex.
func planSubnetUsers(pc *PC, subnetUUID string) []reference {
	s := pc.entityLocked(subnetKind, subnetUUID)
	if s == nil {
		return nil
	}
	spec := decodeSubnetSpec(s.current().spec)
	vpc := ""
	if ref := spec.Resources.VPCReference; ref != nil {
		vpc = normUUID(ref.UUID)
	}
	name, cluster := s.current().name, subnetCluster(s)
	return pc.planUsersLocked(func(p *recoveryPlan, site *planSiteNetwork, n *planNetwork) bool {
		if n.name != name || n.vpc != vpc {
			return false
		}
		clusters := site.clusters
		if len(clusters) == 0 {
			clusters = p.azClusters(site.site)
		}
		return vpc != "" || len(clusters) == 0 || contains(clusters, cluster)
	})
}

// planVPCUsers names the plans of this PC whose network mappings name the VPC at this PC.
func planVPCUsers(pc *PC, vpcUUID string) []reference {
	vpcUUID = normUUID(vpcUUID)
	return pc.planUsersLocked(func(_ *recoveryPlan, _ *planSiteNetwork, n *planNetwork) bool { return n.vpc == vpcUUID })
}

// planUsersLocked returns the plans with a network, mapped at this PC, that match says
// uses the entity.
func (pc *PC) planUsersLocked(match func(p *recoveryPlan, site *planSiteNetwork, n *planNetwork) bool) []reference {
	var out []reference
	for _, e := range pc.entitiesLocked(planKind) {
		used := false
		for _, snap := range []*snapshot{e.intent, e.committed} {
			if snap == nil || used {
				continue
			}
			p := pc.planOfLocked(e.uuid, snap)
			for i := range p.mappings {
				for j := range p.mappings[i].sites {
					site := &p.mappings[i].sites[j]
					if site.site != pc.Name() {
						continue
					}
					for _, n := range []*planNetwork{site.recovery, site.test} {
						if n != nil && match(p, site, n) {
							used = true
						}
					}
				}
			}
		}
		if used {
			out = append(out, e.ref())
		}
	}
	return out
}
