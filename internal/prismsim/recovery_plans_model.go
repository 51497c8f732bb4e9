package prismsim

import (
	"encoding/json"
	"net"
	"time"
)

// The recovery plan model: a plan spec decoded and resolved against the PC that holds it
// (availability zone URLs become PCs of the world), and the facts of each site it names.
// Checks, warnings, GET /recovery_plans/{uuid}/entities and, later, recovery plan jobs
// work on these values rather than on raw JSON, so that they see one interpretation of
// the spec: stages in order (recoveryPlan.stages, recoveryPlan.stageVMs), the entities a
// stage recovers at a site, and which network (and static IPs) a VM's NIC maps to at the
// other site (recoveryPlan.mapNetwork, planSiteNetwork.staticIPs).

// The part of a recovery plan spec the emulator interprets; the rest is kept as sent.
type planSpecView struct {
	Name        *string            `json:"name"`
	Description *string            `json:"description"`
	Resources   *planResourcesView `json:"resources"`
}

type planResourcesView struct {
	StageList  []planStageView     `json:"stage_list"`
	Parameters *planParametersView `json:"parameters"`
}

type planStageView struct {
	StageUUID     string `json:"stage_uuid"`
	DelayTimeSecs *int64 `json:"delay_time_secs"`
	StageWork     *struct {
		RecoverEntities *struct {
			EntityInfoList []planEntityInfoView `json:"entity_info_list"`
		} `json:"recover_entities"`
	} `json:"stage_work"`
}

type planEntityInfoView struct {
	AnyEntityReference *refView          `json:"any_entity_reference"`
	Categories         map[string]string `json:"categories"`
	VMPowerState       string            `json:"vm_power_state"`
	ScriptList         []struct {
		EnableScriptExec *bool  `json:"enable_script_exec"`
		Timeout          *int64 `json:"timeout"`
	} `json:"script_list"`
}

type planParametersView struct {
	PrimaryLocationIndex *int64 `json:"primary_location_index"`
	AvailabilityZoneList []struct {
		AvailabilityZoneURL  string    `json:"availability_zone_url"`
		ClusterReferenceList []refView `json:"cluster_reference_list"`
	} `json:"availability_zone_list"`
	NetworkMappingList []struct {
		AreNetworksStretched *bool               `json:"are_networks_stretched"`
		AZNetworkMappingList []planAZNetworkView `json:"availability_zone_network_mapping_list"`
	} `json:"network_mapping_list"`
	FloatingIPAssignmentList []struct {
		AvailabilityZoneURL string `json:"availability_zone_url"`
		VMIPAssignmentList  []struct {
			VMReference      *refView `json:"vm_reference"`
			VMNicInformation *struct {
				IP   string `json:"ip"`
				UUID string `json:"uuid"`
			} `json:"vm_nic_information"`
			RecoveryFloatingIPConfig *planFloatingIPView `json:"recovery_floating_ip_config"`
			TestFloatingIPConfig     *planFloatingIPView `json:"test_floating_ip_config"`
		} `json:"vm_ip_assignment_list"`
	} `json:"floating_ip_assignment_list"`
	WitnessConfigurationList []struct {
		WitnessAddress             string `json:"witness_address"`
		WitnessFailoverTimeoutSecs *int64 `json:"witness_failover_timeout_secs"`
	} `json:"witness_configuration_list"`
	CutoverMode string `json:"cutover_mode"`
}

type planAZNetworkView struct {
	AvailabilityZoneURL      string           `json:"availability_zone_url"`
	ClusterReferenceList     []refView        `json:"cluster_reference_list"`
	RecoveryNetwork          *planNetworkView `json:"recovery_network"`
	TestNetwork              *planNetworkView `json:"test_network"`
	RecoveryIPAssignmentList []planVMIPView   `json:"recovery_ip_assignment_list"`
	TestIPAssignmentList     []planVMIPView   `json:"test_ip_assignment_list"`
}

type planNetworkView struct {
	Name            string           `json:"name"`
	VPCReference    *refView         `json:"vpc_reference"`
	UseVPCReference bool             `json:"use_vpc_reference"`
	SubnetList      []planSubnetView `json:"subnet_list"`
}

type planSubnetView struct {
	GatewayIP                 string `json:"gateway_ip"`
	PrefixLength              *int64 `json:"prefix_length"`
	ExternalConnectivityState string `json:"external_connectivity_state"`
}

type planVMIPView struct {
	VMReference  *refView `json:"vm_reference"`
	IPConfigList []struct {
		IPAddress string `json:"ip_address"`
	} `json:"ip_config_list"`
}

type planFloatingIPView struct {
	IP                        string `json:"ip"`
	ShouldAllocateDynamically *bool  `json:"should_allocate_dynamically"`
}

// decodePlanSpec decodes a stored plan spec; Resources and Parameters are never nil.
func decodePlanSpec(raw []byte) planSpecView {
	var spec planSpecView
	_ = json.Unmarshal(raw, &spec)
	if spec.Resources == nil {
		spec.Resources = &planResourcesView{}
	}
	if spec.Resources.Parameters == nil {
		spec.Resources.Parameters = &planParametersView{}
	}
	return spec
}

// recoveryPlan is a plan resolved against the PC that holds it.
type recoveryPlan struct {
	uuid     string
	name     string
	azs      []planAZ
	primary  int
	stages   []planStage
	mappings []planMapping
	floating []planFloatingIP
	witness  *planWitness
	cutover  string
}

// planAZ is one entry of availability_zone_list: its URL as the holding PC knows it, the PC
// of the world it denotes ("" when the holding PC does not know the AZ) and its clusters.
type planAZ struct {
	url      string
	site     string
	clusters []string
}

// planStage is one stage: its entities are recovered in parallel, then the next stage
// starts after delay.
type planStage struct {
	index    int
	uuid     string
	delay    time.Duration
	entities []planEntity
}

// planEntity selects what a stage recovers: one VM (vm set) or the VMs that have every
// category of categories.
type planEntity struct {
	vm         string
	vmName     string
	categories map[string]string
	powerOn    bool // vm_power_state; ON when absent
	scripts    []planScript
}

type planScript struct {
	enabled bool
	timeout time.Duration
}

// selects reports whether the entity selects a VM with that uuid and those categories.
func (pe planEntity) selects(vmUUID string, cats map[string][]string) bool {
	if pe.vm != "" {
		return pe.vm == vmUUID
	}
	if len(pe.categories) == 0 {
		return false
	}
	for k, v := range pe.categories {
		if !hasCategory(cats, k, v) {
			return false
		}
	}
	return true
}

// planMapping is one item of network_mapping_list: the same network at each site.
type planMapping struct {
	index     int
	stretched bool
	sites     []planSiteNetwork
}

// planSiteNetwork is a mapping's entry for one site.
type planSiteNetwork struct {
	url         string
	site        string
	clusters    []string
	recovery    *planNetwork
	test        *planNetwork
	recoveryIPs []planStaticIP
	testIPs     []planStaticIP
}

// planNetwork names a subnet: a VLAN subnet by name, or an overlay subnet of a VPC.
type planNetwork struct {
	name    string
	vpc     string // set only with use_vpc_reference
	subnets []planSubnetConfig
}

type planSubnetConfig struct {
	gateway string
	prefix  int
}

// network returns the IPv4 network subnet_list[0] describes, or nil.
func (n *planNetwork) network() *net.IPNet {
	if n == nil || len(n.subnets) == 0 {
		return nil
	}
	ip := net.ParseIP(n.subnets[0].gateway).To4()
	if ip == nil || n.subnets[0].prefix < 0 || n.subnets[0].prefix > 32 {
		return nil
	}
	mask := net.CIDRMask(n.subnets[0].prefix, 32)
	return &net.IPNet{IP: ip.Mask(mask), Mask: mask}
}

func (n *planNetwork) same(o *planNetwork) bool {
	return n != nil && o != nil && n.name == o.name && n.vpc == o.vpc
}

type planStaticIP struct {
	vm  string
	ips []string
}

// staticIPs returns the addresses the entry assigns to a VM in its recovery (or test)
// network, or nil.
func (s *planSiteNetwork) staticIPs(vmUUID string, test bool) []string {
	list := s.recoveryIPs
	if test {
		list = s.testIPs
	}
	for _, a := range list {
		if a.vm == vmUUID {
			return a.ips
		}
	}
	return nil
}

// network returns the recovery or the test network of the entry.
func (s *planSiteNetwork) network(test bool) *planNetwork {
	if test {
		return s.test
	}
	return s.recovery
}

type planFloatingIP struct {
	url  string
	site string
	vm   string
	nic  string
}

type planWitness struct {
	address string
	timeout time.Duration
}

// planOfLocked resolves a plan snapshot against this PC's availability zones. The caller
// holds the PC's mutex.
func (pc *PC) planOfLocked(id string, snap *snapshot) *recoveryPlan {
	return resolvePlan(id, snap.name, decodePlanSpec(snap.spec), func(url string) string {
		site, _ := pc.azTargetLocked(url)
		return site
	})
}

// resolvePlan builds the model of a decoded spec; site maps an availability zone URL to
// the PC of the world it denotes ("" if unknown).
func resolvePlan(id, name string, spec planSpecView, site func(string) string) *recoveryPlan {
	p := &recoveryPlan{uuid: id, name: name}
	params := spec.Resources.Parameters
	for _, az := range params.AvailabilityZoneList {
		p.azs = append(p.azs, planAZ{url: normUUID(az.AvailabilityZoneURL), site: site(az.AvailabilityZoneURL),
			clusters: refUUIDs(az.ClusterReferenceList)})
	}
	if params.PrimaryLocationIndex != nil {
		p.primary = int(*params.PrimaryLocationIndex)
	}
	for i, st := range spec.Resources.StageList {
		ps := planStage{index: i, uuid: st.StageUUID}
		if st.DelayTimeSecs != nil {
			ps.delay = time.Duration(*st.DelayTimeSecs) * time.Second
		}
		if st.StageWork != nil && st.StageWork.RecoverEntities != nil {
			for _, info := range st.StageWork.RecoverEntities.EntityInfoList {
				pe := planEntity{categories: info.Categories, powerOn: info.VMPowerState != "OFF"}
				if ref := info.AnyEntityReference; ref != nil {
					pe.vm, pe.vmName = normUUID(ref.UUID), ref.Name
				}
				for _, s := range info.ScriptList {
					ps := planScript{enabled: s.EnableScriptExec != nil && *s.EnableScriptExec}
					if s.Timeout != nil {
						ps.timeout = time.Duration(*s.Timeout) * time.Second
					}
					pe.scripts = append(pe.scripts, ps)
				}
				ps.entities = append(ps.entities, pe)
			}
		}
		p.stages = append(p.stages, ps)
	}
	for i, m := range params.NetworkMappingList {
		pm := planMapping{index: i, stretched: m.AreNetworksStretched != nil && *m.AreNetworksStretched}
		for _, e := range m.AZNetworkMappingList {
			pm.sites = append(pm.sites, planSiteNetwork{
				url: normUUID(e.AvailabilityZoneURL), site: site(e.AvailabilityZoneURL),
				clusters: refUUIDs(e.ClusterReferenceList),
				recovery: planNetworkOf(e.RecoveryNetwork), test: planNetworkOf(e.TestNetwork),
				recoveryIPs: staticIPsOf(e.RecoveryIPAssignmentList), testIPs: staticIPsOf(e.TestIPAssignmentList),
			})
		}
		p.mappings = append(p.mappings, pm)
	}
	for _, f := range params.FloatingIPAssignmentList {
		for _, a := range f.VMIPAssignmentList {
			fip := planFloatingIP{url: normUUID(f.AvailabilityZoneURL), site: site(f.AvailabilityZoneURL)}
			if a.VMReference != nil {
				fip.vm = normUUID(a.VMReference.UUID)
			}
			if a.VMNicInformation != nil {
				fip.nic = normUUID(a.VMNicInformation.UUID)
			}
			p.floating = append(p.floating, fip)
		}
	}
	if l := params.WitnessConfigurationList; len(l) > 0 {
		p.witness = &planWitness{address: l[0].WitnessAddress}
		if l[0].WitnessFailoverTimeoutSecs != nil {
			p.witness.timeout = time.Duration(*l[0].WitnessFailoverTimeoutSecs) * time.Second
		}
	}
	p.cutover = params.CutoverMode
	return p
}

func refUUIDs(refs []refView) []string {
	var out []string
	for _, r := range refs {
		out = append(out, normUUID(r.UUID))
	}
	return out
}

func planNetworkOf(v *planNetworkView) *planNetwork {
	if v == nil || (v.Name == "" && len(v.SubnetList) == 0) {
		return nil
	}
	n := &planNetwork{name: v.Name}
	if v.UseVPCReference && v.VPCReference != nil {
		n.vpc = normUUID(v.VPCReference.UUID)
	}
	for _, s := range v.SubnetList {
		c := planSubnetConfig{gateway: s.GatewayIP, prefix: -1}
		if s.PrefixLength != nil {
			c.prefix = int(*s.PrefixLength)
		}
		n.subnets = append(n.subnets, c)
	}
	return n
}

func staticIPsOf(list []planVMIPView) []planStaticIP {
	var out []planStaticIP
	for _, a := range list {
		s := planStaticIP{}
		if a.VMReference != nil {
			s.vm = normUUID(a.VMReference.UUID)
		}
		for _, c := range a.IPConfigList {
			s.ips = append(s.ips, c.IPAddress)
		}
		out = append(out, s)
	}
	return out
}

// primaryAZ returns the protected location (primary_location_index, 0 when absent).
func (p *recoveryPlan) primaryAZ() planAZ {
	if p.primary >= 0 && p.primary < len(p.azs) {
		return p.azs[p.primary]
	}
	return planAZ{}
}

// recoveryCluster returns the first cluster of the recovery location, or "".
func (p *recoveryPlan) recoveryCluster() string {
	if c := p.recoveryAZ().clusters; len(c) > 0 {
		return c[0]
	}
	return ""
}

// recoveryAZ returns the first location that is not the primary one.
func (p *recoveryPlan) recoveryAZ() planAZ {
	for i, az := range p.azs {
		if i != p.primary {
			return az
		}
	}
	return planAZ{}
}

// sites returns the PCs of the world the plan names, without duplicates.
func (p *recoveryPlan) sites() []string {
	var out []string
	for _, az := range p.azs {
		if az.site != "" {
			out = append(out, az.site)
		}
	}
	for _, m := range p.mappings {
		for _, s := range m.sites {
			if s.site != "" {
				out = append(out, s.site)
			}
		}
	}
	return dedupe(out)
}

// categoryPairs returns the key:value pairs the stages select by.
func (p *recoveryPlan) categoryPairs() map[string][]string {
	out := map[string][]string{}
	for _, st := range p.stages {
		for _, pe := range st.entities {
			for k, v := range pe.categories {
				if !contains(out[k], v) {
					out[k] = append(out[k], v)
				}
			}
		}
	}
	return out
}

// stageVM is a VM a stage recovers, with the entity that selected it.
type stageVM struct {
	vm     vmFact
	entity planEntity
}

// stageVMs resolves the stages at a site: for each stage, the live VMs of the site its
// entities select, in inventory order. A VM selected by several stages is recovered by
// the first one only.
func (p *recoveryPlan) stageVMs(site *siteFacts) [][]stageVM {
	out := make([][]stageVM, len(p.stages))
	if site == nil {
		return out
	}
	seen := map[string]bool{}
	for i, st := range p.stages {
		for _, vm := range site.vms {
			if seen[vm.uuid] {
				continue
			}
			for _, pe := range st.entities {
				if pe.selects(vm.uuid, vm.categories) {
					out[i] = append(out[i], stageVM{vm: vm, entity: pe})
					seen[vm.uuid] = true
					break
				}
			}
		}
	}
	return out
}

// entities returns the VMs of a site the plan recovers, stage by stage.
func (p *recoveryPlan) entities(site *siteFacts) []vmFact {
	var out []vmFact
	for _, st := range p.stageVMs(site) {
		for _, s := range st {
			out = append(out, s.vm)
		}
	}
	return out
}

// selects reports whether some stage selects a VM with that uuid and those categories.
func (p *recoveryPlan) selects(vmUUID string, cats map[string][]string) bool {
	for _, st := range p.stages {
		for _, pe := range st.entities {
			if pe.selects(vmUUID, cats) {
				return true
			}
		}
	}
	return false
}

// mappedNetwork is where a VM NIC's network maps: the mapping's entry at the source site
// (whose production network the NIC is on; its subnet_list gives the source addressing)
// and its entry at the target site (target.network(test) and target.staticIPs(vm, test)).
type mappedNetwork struct {
	source *planSiteNetwork
	target *planSiteNetwork
}

// mapNetwork finds how a NIC on the network named network, of a VM on cluster fromCluster
// at site from, maps to site to (cluster toCluster; "" for any): the mapping whose entry
// at from has that production network, preferring entries that name the cluster over the
// site's default entry (the spec's rule). ok is false when no mapping has both entries.
func (p *recoveryPlan) mapNetwork(from, fromCluster, network, to, toCluster string) (mappedNetwork, bool) {
	// pick returns the mapping's entry at site for cluster: one that names the cluster,
	// else (unless specific) the site's default entry.
	pick := func(m *planMapping, site, cluster string, specific bool, match func(*planSiteNetwork) bool) *planSiteNetwork {
		var def *planSiteNetwork
		for i := range m.sites {
			s := &m.sites[i]
			if s.site != site || !match(s) {
				continue
			}
			if len(s.clusters) > 0 && cluster != "" && contains(s.clusters, cluster) {
				return s
			}
			if len(s.clusters) == 0 && def == nil {
				def = s
			}
		}
		if specific {
			return nil
		}
		return def
	}
	production := func(s *planSiteNetwork) bool { return s.recovery != nil && s.recovery.name == network }
	anyEntry := func(*planSiteNetwork) bool { return true }
	// A mapping whose entry names the VM's cluster wins over one with a default entry.
	for _, specific := range []bool{true, false} {
		for i := range p.mappings {
			m := &p.mappings[i]
			src := pick(m, from, fromCluster, specific, production)
			if src == nil {
				continue
			}
			if dst := pick(m, to, toCluster, false, anyEntry); dst != nil {
				return mappedNetwork{source: src, target: dst}, true
			}
		}
	}
	return mappedNetwork{}, false
}

// siteFacts is what recovery plans need to know of one PC of the world, copied under its
// mutex so that a plan can be checked against several sites without holding two PCs'
// mutexes.
type siteFacts struct {
	name     string
	down     bool
	azURLs   map[string]string // PC of the world -> this PC's availability zone of it
	clusters map[string]string // AOS cluster uuid -> name
	subnets  []subnetFact
	vpcs     map[string]string // uuid -> name
	vms      []vmFact
	rules    []policyFact
	points   []pointFact
}

type subnetFact struct {
	uuid, name, cluster, vpc string
	network                  *net.IPNet
	gateway                  string
}

type vmFact struct {
	uuid, name, cluster, power string
	categories                 map[string][]string
	nics                       []nicFact
}

type nicFact struct {
	uuid, subnet, subnetName string
	ips                      []string
}

// policyFact is a committed protection policy (v3 protection_rule) of the site: its locations as PCs of the world
// and its replication links.
type policyFact struct {
	uuid, name string
	filter     *categoryFilterView
	locations  []planLocation
	links      []ruleLink
}

type ruleLink struct {
	src, dst int
	sync     bool
}

// pointFact is a VM recovery point that lives on the site.
type pointFact struct {
	vm, vmName string
	categories map[string][]string
	created    time.Time
}

// siteFactsLocked copies what plans need of this PC. The caller holds its mutex; points
// are the PC's recovery points when wanted (see World.sitesFacts).
func (pc *PC) siteFactsLocked(points []*recoveryPoint) *siteFacts {
	f := &siteFacts{name: pc.Name(), down: pc.Down(), azURLs: map[string]string{},
		clusters: map[string]string{}, vpcs: map[string]string{}}
	for _, az := range pc.entitiesLocked(azKind) {
		d := azInfo(az)
		switch {
		case d.local:
			f.azURLs[pc.Name()] = az.uuid
		case d.peer != "":
			f.azURLs[d.peer] = az.uuid
		}
	}
	for _, c := range pc.entitiesLocked(clusterKind) {
		if !clusterInfo(c).prismCentral {
			f.clusters[c.uuid] = c.current().name
		}
	}
	names := map[string]string{}
	for _, s := range pc.entitiesLocked(subnetKind) {
		cur := s.current()
		spec := decodeSubnetSpec(cur.spec)
		sf := subnetFact{uuid: s.uuid, name: cur.name, cluster: subnetCluster(s), network: subnetNetworkOf(cur)}
		if ref := spec.Resources.VPCReference; ref != nil {
			sf.vpc = normUUID(ref.UUID)
		}
		if ipc := spec.Resources.IPConfig; ipc != nil {
			sf.gateway = ipc.DefaultGatewayIP
		}
		names[s.uuid] = cur.name
		f.subnets = append(f.subnets, sf)
	}
	for _, v := range pc.entitiesLocked(vpcKind) {
		f.vpcs[v.uuid] = v.current().name
	}
	for _, vm := range pc.entitiesLocked(vmKind) {
		if vm.committed == nil {
			continue
		}
		cur := vm.current()
		spec := decodeVMSpec(cur.spec)
		vf := vmFact{uuid: vm.uuid, name: cur.name, cluster: pc.vmClusterLocked(vm), power: spec.Resources.PowerState,
			categories: cur.categories}
		for _, nic := range spec.Resources.NicList {
			nf := nicFact{uuid: normUUID(nic.UUID)}
			if nic.SubnetReference != nil {
				nf.subnet = normUUID(nic.SubnetReference.UUID)
				nf.subnetName = names[nf.subnet]
			}
			for _, ep := range nic.IPEndpointList {
				nf.ips = append(nf.ips, ep.IP)
			}
			vf.nics = append(vf.nics, nf)
		}
		f.vms = append(f.vms, vf)
	}
	for _, r := range pc.entitiesLocked(policyKind) {
		if r.committed == nil {
			continue
		}
		spec := decodeRuleSpec(r.committed.spec)
		rf := policyFact{uuid: r.uuid, name: r.committed.name, filter: spec.Resources.CategoryFilter}
		for _, loc := range spec.Resources.OrderedAZList {
			site, _ := pc.azTargetLocked(loc.AvailabilityZoneURL)
			rf.locations = append(rf.locations, planLocation{pc: site, clusters: loc.clusters(), target: loc.target()})
		}
		for _, c := range spec.Resources.ConnectivityList {
			if c.SourceIndex == nil || c.DestinationIndex == nil || len(c.Schedules) == 0 {
				continue
			}
			l := ruleLink{src: int(*c.SourceIndex), dst: int(*c.DestinationIndex)}
			for _, s := range c.Schedules {
				l.sync = l.sync || (s.RPOSecs != nil && *s.RPOSecs == 0)
			}
			rf.links = append(rf.links, l)
		}
		f.rules = append(f.rules, rf)
	}
	for _, p := range points {
		f.points = append(f.points, pointFact{vm: p.vmUUID, vmName: p.vmName, categories: p.vmCategories, created: p.created})
	}
	return f
}

// sitesFacts copies the facts of the named PCs (unknown names are skipped), one PC's
// mutex at a time; withPoints adds their recovery points. No mutex may be held.
func (w *World) sitesFacts(names []string, withPoints bool) map[string]*siteFacts {
	out := map[string]*siteFacts{}
	for _, name := range dedupe(names) {
		pc := w.PC(name)
		if pc == nil {
			continue
		}
		var live []*recoveryPoint
		if withPoints {
			live = w.repl.liveReplicas(name, w.clock.Now())
		}
		pc.mu.Lock()
		var points []*recoveryPoint
		if withPoints {
			points = pc.recoveryPointsLocked(live)
		}
		out[name] = pc.siteFactsLocked(points)
		pc.mu.Unlock()
	}
	return out
}

func (s *siteFacts) vm(id string) *vmFact {
	for i := range s.vms {
		if s.vms[i].uuid == id {
			return &s.vms[i]
		}
	}
	return nil
}

// subnetsNamed returns the site's subnets a plan network names: overlay subnets of its
// VPC, or subnets of that name outside VPCs, on one of clusters when clusters are given.
func (s *siteFacts) subnetsNamed(n *planNetwork, clusters []string) []subnetFact {
	var out []subnetFact
	for _, sf := range s.subnets {
		if sf.name != n.name || sf.vpc != n.vpc {
			continue
		}
		if n.vpc == "" && len(clusters) > 0 && !contains(clusters, sf.cluster) {
			continue
		}
		out = append(out, sf)
	}
	return out
}

// covering returns the site's rules that replicate a VM of the site to the PC to.
func (s *siteFacts) covering(vm vmFact, to string) (rules []policyFact, sync bool) {
	for _, r := range s.rules {
		if !r.filter.matches(vm.categories) {
			continue
		}
		hit := false
		for _, l := range r.links {
			if l.src >= len(r.locations) || l.dst >= len(r.locations) {
				continue
			}
			src, dst := r.locations[l.src], r.locations[l.dst]
			if src.pc != s.name || dst.pc != to {
				continue
			}
			if len(src.clusters) > 0 && !contains(src.clusters, vm.cluster) {
				continue
			}
			hit = true
			sync = sync || l.sync
		}
		if hit {
			rules = append(rules, r)
		}
	}
	return rules, sync
}

// protectedAnywhere reports whether some rule of the site replicates the VM from it.
func (s *siteFacts) protectedAnywhere(vm vmFact) (protected, sync bool) {
	for _, r := range s.rules {
		if !r.filter.matches(vm.categories) {
			continue
		}
		for _, l := range r.links {
			if l.src < len(r.locations) && r.locations[l.src].pc == s.name {
				protected = true
				sync = sync || l.sync
			}
		}
	}
	return protected, sync
}

// azOrder is a rule's locations as availability zone URLs of the asking PC, the shape of
// availability_zone_order_list items.
type azOrder []map[string]string

func (o azOrder) key() string {
	data, _ := json.Marshal(o)
	return string(data)
}

// orderOf renders a rule's location order with the asking site's availability zone URLs.
func orderOf(r policyFact, asker *siteFacts) azOrder {
	out := azOrder{}
	for _, loc := range r.locations {
		item := map[string]string{"availability_zone_url": asker.azURLs[loc.pc]}
		if len(loc.clusters) > 0 {
			item["cluster"] = loc.clusters[0]
		}
		out = append(out, item)
	}
	return out
}

// uniqueOrders returns the distinct orders of rules, in first-seen order, and the index
// of each rule's order.
func uniqueOrders(rules []policyFact, asker *siteFacts) ([]azOrder, map[string]int) {
	var orders []azOrder
	index := map[string]int{}
	keys := map[string]int{}
	for _, r := range rules {
		o := orderOf(r, asker)
		k := o.key()
		i, ok := keys[k]
		if !ok {
			i = len(orders)
			keys[k] = i
			orders = append(orders, o)
		}
		index[r.uuid] = i
	}
	return orders, index
}
