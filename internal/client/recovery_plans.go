package client

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Power states of a recovered entity (vm_power_state).
const (
	PowerStateOn  = "ON"
	PowerStateOff = "OFF"
)

// RecoveryPowerStates lists every power state an entity of a stage
// accepts, for validators.
var RecoveryPowerStates = []string{PowerStateOn, PowerStateOff}

// Cutover modes of a recovery plan (cutover_mode).
const (
	CutoverEarly = "EARLY"
	CutoverLate  = "LATE"
)

// CutoverModes lists every cutover mode, for validators.
var CutoverModes = []string{CutoverEarly, CutoverLate}

// RecoveryPlan is a recovery plan: what is recovered (stages, in order),
// between which availability zones, on which networks and with which
// addresses.
//
// Nil and empty are kept apart where the wire keeps them apart: a nil
// slice, map or pointer is a field that is absent, an empty one is sent
// (and read back) as an empty list or object. Order is kept everywhere.
type RecoveryPlan struct {
	UUID        string
	Name        string
	Description string
	// Stages is stage_list, in power-on order.
	Stages []RecoveryStage
	// PrimaryLocationIndex is parameters.primary_location_index: the index
	// in AvailabilityZones of the protected zone; nil when absent.
	PrimaryLocationIndex *int
	// AvailabilityZones is parameters.availability_zone_list.
	AvailabilityZones []RecoveryPlanAZ
	// NetworkMappings is parameters.network_mapping_list.
	NetworkMappings []NetworkMapping
	// FloatingIPs is parameters.floating_ip_assignment_list.
	FloatingIPs []FloatingIPAssignment
	// Witnesses is parameters.witness_configuration_list (at most one).
	Witnesses []Witness
	// CutoverMode is EARLY or LATE; "" when absent.
	CutoverMode string
	// CutoverModeUnshown is set on a plan read over v4, which does not show the cut-over
	// mode (CutoverMode is then ""): the caller keeps what it knows of it. A plan written
	// with one is written over v3 under "auto".
	CutoverModeUnshown bool
	// ValidationUnshown is set on a plan read over v4, which has no validation status
	// (Validation is then nil): RecoveryPlanValidation asks Prism Central.
	ValidationUnshown bool
	// State is status.state as read (e.g. COMPLETE); not sent.
	State string
	// SpecVersion is metadata.spec_version as read. Updates use the
	// version they read themselves, so it is not sent either.
	SpecVersion int
	// Validation is status.message_list as read: what Prism Central
	// reports about the plan (warnings included); not sent.
	Validation []RecoveryPlanMessage
}

// RecoveryPlanMessage is one item of a plan's status.message_list: an
// error or a warning Prism Central reports when it validates the plan.
type RecoveryPlanMessage struct {
	Reason  string
	Message string
	// Severity is details.severity (ERROR or WARNING) and ValidationType
	// details.validation_type (ENTITY, NETWORK, ...), "" when not given.
	Severity       string
	ValidationType string
	// Details is details as read.
	Details map[string]string
}

// Severities of a plan's messages (details.severity).
const (
	PlanMessageError   = "ERROR"
	PlanMessageWarning = "WARNING"
)

// RecoveryStage is one entry of stage_list: entities recovered together,
// then a delay before the next stage.
type RecoveryStage struct {
	// UUID is stage_uuid as read. On update "" keeps the uuid of the
	// stage it matches; a value is sent.
	UUID string
	// DelaySecs is delay_time_secs, the wait after this stage before the
	// next one starts; nil when absent.
	DelaySecs *int64
	// Entities is stage_work.recover_entities.entity_info_list.
	Entities []RecoveryEntity
}

// RecoveryEntity is one entry of entity_info_list: one VM
// (any_entity_reference) or the VMs with every category of Categories.
type RecoveryEntity struct {
	// VMUUID is any_entity_reference.uuid; "" selects by categories.
	VMUUID string
	// VMName is the reference's name as read; sent when set, and on
	// update "" keeps the name as read.
	VMName string
	// Categories selects VMs by category ({key: value}).
	Categories map[string]string
	// Scripts is script_list: in-guest scripts run after recovery.
	Scripts []RecoveryScript
	// PowerState is vm_power_state, ON or OFF; "" when absent (ON).
	PowerState string
}

// RecoveryScript is one entry of script_list.
type RecoveryScript struct {
	// Enabled is enable_script_exec.
	Enabled bool
	// TimeoutSecs is timeout; nil when absent.
	TimeoutSecs *int64
}

// RecoveryPlanAZ is one entry of availability_zone_list.
type RecoveryPlanAZ struct {
	// AvailabilityZoneUUID is availability_zone_url: the zone's uuid.
	AvailabilityZoneUUID string
	// ClusterUUIDs is cluster_reference_list, needed when both ends of
	// the plan are under one Prism Central.
	ClusterUUIDs []string
}

// NetworkMapping is one entry of network_mapping_list: the networks that
// stand for each other in each zone.
type NetworkMapping struct {
	// Stretched is are_networks_stretched; false is sent only when the
	// plan as read holds false.
	Stretched bool
	// PerAZ is availability_zone_network_mapping_list.
	PerAZ []AZNetworkMapping
}

// AZNetworkMapping is the part of a network mapping in one zone.
type AZNetworkMapping struct {
	// AvailabilityZoneUUID is availability_zone_url.
	AvailabilityZoneUUID string
	// ClusterUUIDs is cluster_reference_list.
	ClusterUUIDs []string
	// Recovery is recovery_network (failover and migrate), Test is
	// test_network (test failover); nil when absent.
	Recovery *RecoveryNetwork
	Test     *RecoveryNetwork
	// RecoveryIPs is recovery_ip_assignment_list, TestIPs is
	// test_ip_assignment_list: static addresses per VM.
	RecoveryIPs []VMIPAssignment
	TestIPs     []VMIPAssignment
}

// RecoveryNetwork is a recovery_plan_network: a subnet by name, in a VPC
// when VPCUUID is set.
type RecoveryNetwork struct {
	Name string
	// VPCUUID is vpc_reference.uuid; "" when absent.
	VPCUUID string
	// UseVPC is use_vpc_reference; false is sent only when the plan as
	// read holds false.
	UseVPC bool
	// Subnets is subnet_list.
	Subnets []RecoverySubnet
}

// RecoverySubnet is one entry of subnet_list.
type RecoverySubnet struct {
	GatewayIP    string
	PrefixLength int64
	// ExternalConnectivityState is for public cloud zones; "" when absent.
	// On update, "" keeps the value as read.
	ExternalConnectivityState string
}

// VMIPAssignment is a recovery_plan_vm_ip_assignment: the addresses of a
// VM after recovery.
type VMIPAssignment struct {
	VMUUID string
	// VMName is the reference's name as read; sent when set, and on
	// update "" keeps the name as read.
	VMName string
	// IPs is ip_config_list (required by the API: nil is sent as []).
	IPs []string
}

// FloatingIPAssignment is one entry of floating_ip_assignment_list: the
// floating IPs of VMs recovered in one zone.
type FloatingIPAssignment struct {
	AvailabilityZoneUUID string
	// VMs is vm_ip_assignment_list.
	VMs []FloatingIPVM
}

// FloatingIPVM is one entry of vm_ip_assignment_list.
type FloatingIPVM struct {
	VMUUID string
	VMName string
	// NICUUID and NICIP are vm_nic_information: the NIC that gets the
	// floating IP (NICIP "" when absent).
	NICUUID string
	NICIP   string
	// Recovery is recovery_floating_ip_config, Test is
	// test_floating_ip_config; nil when absent.
	Recovery *FloatingIPConfig
	Test     *FloatingIPConfig
}

// FloatingIPConfig is a recovery_plan_floating_ip_config.
type FloatingIPConfig struct {
	// IP is ip; "" when absent.
	IP string
	// AllocateDynamically is should_allocate_dynamically; false is sent
	// only when the plan as read holds false.
	AllocateDynamically bool
}

// Witness is one entry of witness_configuration_list.
type Witness struct {
	// Address is witness_address: the URL of the zone the witness runs in.
	Address string
	// FailoverTimeoutSecs is witness_failover_timeout_secs; 0 when absent
	// (the API's minimum is 1).
	FailoverTimeoutSecs int64
}

// RecoveryPlanEntity is an entity of a plan as
// GET /recovery_plans/{uuid}/entities reports it.
type RecoveryPlanEntity struct {
	Reference
	// AvailabilityZoneUUID is the local zone the entity was reported for.
	AvailabilityZoneUUID string
	// IsRecoveryPoint is true when only recovery points of the entity are
	// in that zone, not the live entity.
	IsRecoveryPoint bool
	// ProtectionStatus is PROTECTED or UNPROTECTED; "" when absent.
	ProtectionStatus string
	// ReplicationStatus is SYNCED, SYNCING or OUT_OF_SYNC (synchronous
	// replication only); "" when absent.
	ReplicationStatus string
	// Recoverability is RECOVERABLE or UNRECOVERABLE (synchronous
	// replication only), with its reason; "" when absent.
	Recoverability       string
	RecoverabilityReason string
}

// Keys of the recovery plan wire format.
const (
	recoveryPlanKind       = "recovery_plan"
	recoveryPlansPath      = "/recovery_plans"
	planKeyStageList       = "stage_list"
	planKeyStageUUID       = "stage_uuid"
	planKeyDelay           = "delay_time_secs"
	planKeyStageWork       = "stage_work"
	planKeyRecoverEntities = "recover_entities"
	planKeyEntityInfoList  = "entity_info_list"
	planKeyAnyEntityRef    = "any_entity_reference"
	planKeyCategories      = "categories"
	planKeyScriptList      = "script_list"
	planKeyParameters      = "parameters"
	planKeyPlanPrimary     = "primary_location_index"
	planKeyPlanAZList      = "availability_zone_list"
	planKeyClusterRefs     = "cluster_reference_list"
	planKeyNetMappings     = "network_mapping_list"
	planKeyAZNetMappings   = "availability_zone_network_mapping_list"
	planKeyRecoveryNet     = "recovery_network"
	planKeyTestNet         = "test_network"
	planKeyRecoveryIPs     = "recovery_ip_assignment_list"
	planKeyTestIPs         = "test_ip_assignment_list"
	planKeyIPConfigList    = "ip_config_list"
	planKeyVMRef           = "vm_reference"
	planKeySubnetList      = "subnet_list"
	planKeyFloatingIPs     = "floating_ip_assignment_list"
	planKeyVMIPList        = "vm_ip_assignment_list"
	planKeyWitnesses       = "witness_configuration_list"
	maxPlanNameLen         = 64
	maxPlanDescrLen        = 1000
	maxPlanNetNameLen      = 64
)

type planEntityInfoJSON struct {
	AnyEntityReference *referenceJSON    `json:"any_entity_reference"`
	Categories         map[string]string `json:"categories"`
	ScriptList         []struct {
		EnableScriptExec bool   `json:"enable_script_exec"`
		Timeout          *int64 `json:"timeout"`
	} `json:"script_list"`
	VMPowerState string `json:"vm_power_state"`
}

type planNetworkJSON struct {
	Name            string         `json:"name"`
	VPCReference    *referenceJSON `json:"vpc_reference"`
	UseVPCReference bool           `json:"use_vpc_reference"`
	SubnetList      []struct {
		GatewayIP                 string `json:"gateway_ip"`
		PrefixLength              int64  `json:"prefix_length"`
		ExternalConnectivityState string `json:"external_connectivity_state"`
	} `json:"subnet_list"`
}

type planIPAssignmentJSON struct {
	VMReference  *referenceJSON `json:"vm_reference"`
	IPConfigList []struct {
		IPAddress string `json:"ip_address"`
	} `json:"ip_config_list"`
}

type planFloatingConfigJSON struct {
	IP                        string `json:"ip"`
	ShouldAllocateDynamically bool   `json:"should_allocate_dynamically"`
}

type planParametersJSON struct {
	PrimaryLocationIndex *int `json:"primary_location_index"`
	AvailabilityZoneList []struct {
		AvailabilityZoneURL  string          `json:"availability_zone_url"`
		ClusterReferenceList []referenceJSON `json:"cluster_reference_list"`
	} `json:"availability_zone_list"`
	NetworkMappingList []struct {
		AreNetworksStretched bool `json:"are_networks_stretched"`
		AZNetworkMappingList []struct {
			AvailabilityZoneURL      string                 `json:"availability_zone_url"`
			ClusterReferenceList     []referenceJSON        `json:"cluster_reference_list"`
			RecoveryNetwork          *planNetworkJSON       `json:"recovery_network"`
			TestNetwork              *planNetworkJSON       `json:"test_network"`
			RecoveryIPAssignmentList []planIPAssignmentJSON `json:"recovery_ip_assignment_list"`
			TestIPAssignmentList     []planIPAssignmentJSON `json:"test_ip_assignment_list"`
		} `json:"availability_zone_network_mapping_list"`
	} `json:"network_mapping_list"`
	FloatingIPAssignmentList []struct {
		AvailabilityZoneURL string `json:"availability_zone_url"`
		VMIPAssignmentList  []struct {
			VMReference      *referenceJSON `json:"vm_reference"`
			VMNicInformation *struct {
				IP   string `json:"ip"`
				UUID string `json:"uuid"`
			} `json:"vm_nic_information"`
			RecoveryFloatingIPConfig *planFloatingConfigJSON `json:"recovery_floating_ip_config"`
			TestFloatingIPConfig     *planFloatingConfigJSON `json:"test_floating_ip_config"`
		} `json:"vm_ip_assignment_list"`
	} `json:"floating_ip_assignment_list"`
	WitnessConfigurationList []struct {
		WitnessAddress             string `json:"witness_address"`
		WitnessFailoverTimeoutSecs int64  `json:"witness_failover_timeout_secs"`
	} `json:"witness_configuration_list"`
	CutoverMode string `json:"cutover_mode"`
}

type planResourcesJSON struct {
	StageList []struct {
		StageUUID     string `json:"stage_uuid"`
		DelayTimeSecs *int64 `json:"delay_time_secs"`
		StageWork     *struct {
			RecoverEntities *struct {
				EntityInfoList []planEntityInfoJSON `json:"entity_info_list"`
			} `json:"recover_entities"`
		} `json:"stage_work"`
	} `json:"stage_list"`
	Parameters *planParametersJSON `json:"parameters"`
}

type recoveryPlanJSON struct {
	entityHead
	Spec *struct {
		Name        string             `json:"name"`
		Description string             `json:"description"`
		Resources   *planResourcesJSON `json:"resources"`
	} `json:"spec"`
	Status *struct {
		Name        string             `json:"name"`
		Description string             `json:"description"`
		State       string             `json:"state"`
		Resources   *planResourcesJSON `json:"resources"`
		MessageList []struct {
			Reason  string            `json:"reason"`
			Message string            `json:"message"`
			Details map[string]string `json:"details"`
		} `json:"message_list"`
	} `json:"status"`
}

// toPlan converts the entity: the spec (what was asked) when there is one,
// else the status. id is the uuid asked for, for an entity that names none.
func (p *recoveryPlanJSON) toPlan(id string) RecoveryPlan {
	out := RecoveryPlan{UUID: firstNonEmpty(p.Metadata.UUID, id)}
	if p.Metadata.SpecVersion != nil {
		out.SpecVersion = int(*p.Metadata.SpecVersion)
	}
	var res *planResourcesJSON
	if p.Status != nil {
		out.State = p.Status.State
		out.Name, out.Description = p.Status.Name, p.Status.Description
		res = p.Status.Resources
		for _, m := range p.Status.MessageList {
			out.Validation = append(out.Validation, RecoveryPlanMessage{Reason: m.Reason, Message: m.Message,
				Severity: m.Details["severity"], ValidationType: m.Details["validation_type"], Details: m.Details})
		}
	}
	if p.Spec != nil {
		out.Name, out.Description = p.Spec.Name, p.Spec.Description
		if p.Spec.Resources != nil {
			res = p.Spec.Resources
		}
	}
	if out.Name == "" {
		out.Name = p.Metadata.Name
	}
	if res == nil {
		return out
	}
	if res.StageList != nil {
		out.Stages = make([]RecoveryStage, 0, len(res.StageList))
	}
	for _, s := range res.StageList {
		st := RecoveryStage{UUID: s.StageUUID, DelaySecs: s.DelayTimeSecs}
		if s.StageWork != nil && s.StageWork.RecoverEntities != nil && s.StageWork.RecoverEntities.EntityInfoList != nil {
			list := s.StageWork.RecoverEntities.EntityInfoList
			st.Entities = make([]RecoveryEntity, 0, len(list))
			for _, e := range list {
				st.Entities = append(st.Entities, e.toEntity())
			}
		}
		out.Stages = append(out.Stages, st)
	}
	params := res.Parameters
	if params == nil {
		return out
	}
	out.PrimaryLocationIndex = params.PrimaryLocationIndex
	out.CutoverMode = params.CutoverMode
	if params.AvailabilityZoneList != nil {
		out.AvailabilityZones = make([]RecoveryPlanAZ, 0, len(params.AvailabilityZoneList))
	}
	for _, az := range params.AvailabilityZoneList {
		out.AvailabilityZones = append(out.AvailabilityZones, RecoveryPlanAZ{AvailabilityZoneUUID: az.AvailabilityZoneURL, ClusterUUIDs: planRefUUIDs(az.ClusterReferenceList)})
	}
	if params.NetworkMappingList != nil {
		out.NetworkMappings = make([]NetworkMapping, 0, len(params.NetworkMappingList))
	}
	for _, m := range params.NetworkMappingList {
		nm := NetworkMapping{Stretched: m.AreNetworksStretched}
		if m.AZNetworkMappingList != nil {
			nm.PerAZ = make([]AZNetworkMapping, 0, len(m.AZNetworkMappingList))
		}
		for _, a := range m.AZNetworkMappingList {
			nm.PerAZ = append(nm.PerAZ, AZNetworkMapping{
				AvailabilityZoneUUID: a.AvailabilityZoneURL,
				ClusterUUIDs:         planRefUUIDs(a.ClusterReferenceList),
				Recovery:             a.RecoveryNetwork.toNetwork(),
				Test:                 a.TestNetwork.toNetwork(),
				RecoveryIPs:          planIPAssignments(a.RecoveryIPAssignmentList),
				TestIPs:              planIPAssignments(a.TestIPAssignmentList),
			})
		}
		out.NetworkMappings = append(out.NetworkMappings, nm)
	}
	if params.FloatingIPAssignmentList != nil {
		out.FloatingIPs = make([]FloatingIPAssignment, 0, len(params.FloatingIPAssignmentList))
	}
	for _, f := range params.FloatingIPAssignmentList {
		fa := FloatingIPAssignment{AvailabilityZoneUUID: f.AvailabilityZoneURL}
		if f.VMIPAssignmentList != nil {
			fa.VMs = make([]FloatingIPVM, 0, len(f.VMIPAssignmentList))
		}
		for _, v := range f.VMIPAssignmentList {
			fv := FloatingIPVM{Recovery: v.RecoveryFloatingIPConfig.toConfig(), Test: v.TestFloatingIPConfig.toConfig()}
			if v.VMReference != nil {
				fv.VMUUID, fv.VMName = v.VMReference.UUID, v.VMReference.Name
			}
			if v.VMNicInformation != nil {
				fv.NICUUID, fv.NICIP = v.VMNicInformation.UUID, v.VMNicInformation.IP
			}
			fa.VMs = append(fa.VMs, fv)
		}
		out.FloatingIPs = append(out.FloatingIPs, fa)
	}
	if params.WitnessConfigurationList != nil {
		out.Witnesses = make([]Witness, 0, len(params.WitnessConfigurationList))
	}
	for _, w := range params.WitnessConfigurationList {
		out.Witnesses = append(out.Witnesses, Witness{Address: w.WitnessAddress, FailoverTimeoutSecs: w.WitnessFailoverTimeoutSecs})
	}
	return out
}

func (e *planEntityInfoJSON) toEntity() RecoveryEntity {
	out := RecoveryEntity{Categories: e.Categories, PowerState: e.VMPowerState}
	if e.AnyEntityReference != nil {
		out.VMUUID, out.VMName = e.AnyEntityReference.UUID, e.AnyEntityReference.Name
	}
	if e.ScriptList != nil {
		out.Scripts = make([]RecoveryScript, 0, len(e.ScriptList))
	}
	for _, s := range e.ScriptList {
		out.Scripts = append(out.Scripts, RecoveryScript{Enabled: s.EnableScriptExec, TimeoutSecs: s.Timeout})
	}
	return out
}

func (n *planNetworkJSON) toNetwork() *RecoveryNetwork {
	if n == nil {
		return nil
	}
	out := &RecoveryNetwork{Name: n.Name, UseVPC: n.UseVPCReference}
	if n.VPCReference != nil {
		out.VPCUUID = n.VPCReference.UUID
	}
	if n.SubnetList != nil {
		out.Subnets = make([]RecoverySubnet, 0, len(n.SubnetList))
	}
	for _, s := range n.SubnetList {
		out.Subnets = append(out.Subnets, RecoverySubnet{GatewayIP: s.GatewayIP, PrefixLength: s.PrefixLength, ExternalConnectivityState: s.ExternalConnectivityState})
	}
	return out
}

func (f *planFloatingConfigJSON) toConfig() *FloatingIPConfig {
	if f == nil {
		return nil
	}
	return &FloatingIPConfig{IP: f.IP, AllocateDynamically: f.ShouldAllocateDynamically}
}

func planIPAssignments(list []planIPAssignmentJSON) []VMIPAssignment {
	if list == nil {
		return nil
	}
	out := make([]VMIPAssignment, 0, len(list))
	for _, a := range list {
		v := VMIPAssignment{IPs: make([]string, 0, len(a.IPConfigList))}
		if a.VMReference != nil {
			v.VMUUID, v.VMName = a.VMReference.UUID, a.VMReference.Name
		}
		for _, c := range a.IPConfigList {
			v.IPs = append(v.IPs, c.IPAddress)
		}
		out = append(out, v)
	}
	return out
}

// planRefUUIDs returns the uuids of a reference list; nil when absent.
func planRefUUIDs(refs []referenceJSON) []string {
	if refs == nil {
		return nil
	}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, r.UUID)
	}
	return out
}

// validate checks what the client can check before anything is sent:
// required fields, enumerations, ranges and address syntax. Prism Central
// checks the rest (zones, clusters, subnets, VMs, categories).
func (p *RecoveryPlan) validate(op string) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(p.Name) == "" {
		add("the name is empty")
	} else if len(p.Name) > maxPlanNameLen {
		add("the name is longer than %d characters", maxPlanNameLen)
	}
	if len(p.Description) > maxPlanDescrLen {
		add("the description is longer than %d characters", maxPlanDescrLen)
	}
	for i, s := range p.Stages {
		if s.DelaySecs != nil && *s.DelaySecs < 0 {
			add("stage %d: the delay is negative", i)
		}
		if len(s.Entities) == 0 {
			add("stage %d recovers nothing: give it at least one entity", i)
		}
		for j, e := range s.Entities {
			switch {
			case e.VMUUID == "" && len(e.Categories) == 0:
				add("stage %d, entity %d: give either a VM or categories", i, j)
			case e.VMUUID != "" && len(e.Categories) > 0:
				add("stage %d, entity %d: give either a VM or categories, not both", i, j)
			}
			if e.PowerState != "" && !slices.Contains(RecoveryPowerStates, e.PowerState) {
				add("stage %d, entity %d: power state %q is not one of %s", i, j, e.PowerState, strings.Join(RecoveryPowerStates, ", "))
			}
			for k, sc := range e.Scripts {
				if sc.TimeoutSecs != nil && *sc.TimeoutSecs < 0 {
					add("stage %d, entity %d, script %d: the timeout is negative", i, j, k)
				}
			}
		}
	}
	for i, az := range p.AvailabilityZones {
		if az.AvailabilityZoneUUID == "" {
			add("location %d has no availability zone", i)
		}
	}
	if i := p.PrimaryLocationIndex; i != nil && (*i < 0 || (len(p.AvailabilityZones) > 0 && *i >= len(p.AvailabilityZones))) {
		add("primary location index %d is out of range 0-%d", *i, max(len(p.AvailabilityZones)-1, 0))
	}
	for i, m := range p.NetworkMappings {
		for j, a := range m.PerAZ {
			where := fmt.Sprintf("network mapping %d, zone entry %d", i, j)
			if a.AvailabilityZoneUUID == "" {
				add("%s has no availability zone", where)
			}
			for _, n := range []struct {
				what string
				net  *RecoveryNetwork
			}{{"recovery network", a.Recovery}, {"test network", a.Test}} {
				if n.net == nil {
					continue
				}
				if len(n.net.Name) > maxPlanNetNameLen {
					add("%s: the %s name is longer than %d characters", where, n.what, maxPlanNetNameLen)
				}
				for k, s := range n.net.Subnets {
					if !planIsIPv4(s.GatewayIP) {
						add("%s: %s subnet %d: gateway %q is not an IPv4 address", where, n.what, k, s.GatewayIP)
					}
					if s.PrefixLength < 0 || s.PrefixLength > 32 {
						add("%s: %s subnet %d: prefix length %d is not within 0-32", where, n.what, k, s.PrefixLength)
					}
				}
			}
			for _, l := range []struct {
				what string
				list []VMIPAssignment
			}{{"recovery IP", a.RecoveryIPs}, {"test IP", a.TestIPs}} {
				for k, v := range l.list {
					if v.VMUUID == "" {
						add("%s: %s assignment %d has no VM", where, l.what, k)
					}
					if len(v.IPs) == 0 {
						add("%s: %s assignment %d has no address", where, l.what, k)
					}
					for _, ip := range v.IPs {
						if !planIsIPv4(ip) {
							add("%s: %s assignment %d: %q is not an IPv4 address", where, l.what, k, ip)
						}
					}
				}
			}
		}
	}
	for i, f := range p.FloatingIPs {
		if f.AvailabilityZoneUUID == "" {
			add("floating IP assignment %d has no availability zone", i)
		}
		for j, v := range f.VMs {
			if v.VMUUID == "" || v.NICUUID == "" {
				add("floating IP assignment %d, VM %d: give the VM and its NIC", i, j)
			}
			for _, ip := range []string{v.NICIP, floatingIPOf(v.Recovery), floatingIPOf(v.Test)} {
				if ip != "" && !planIsIPv4(ip) {
					add("floating IP assignment %d, VM %d: %q is not an IPv4 address", i, j, ip)
				}
			}
		}
	}
	if len(p.Witnesses) > 1 {
		add("there are %d witnesses; a plan takes at most one", len(p.Witnesses))
	}
	for i, w := range p.Witnesses {
		if w.FailoverTimeoutSecs < 0 {
			add("witness %d: the failover timeout is negative", i)
		}
	}
	if p.CutoverMode != "" && !slices.Contains(CutoverModes, p.CutoverMode) {
		add("cutover mode %q is not one of %s", p.CutoverMode, strings.Join(CutoverModes, ", "))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", op, strings.Join(problems, "; "))
	}
	return nil
}

func floatingIPOf(c *FloatingIPConfig) string {
	if c == nil {
		return ""
	}
	return c.IP
}

func planIsIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// kindRecoveryPlan declares the recovery plan.
var kindRecoveryPlan = &entityKind[RecoveryPlan, RecoveryPlan]{
	noun:  "recovery plan",
	v3:    v3RecoveryPlans,
	v4:    v4RecoveryPlans,
	wire:  KindRecoveryPlans,
	name:  func(p *RecoveryPlan) string { return p.Name },
	check: func(p *RecoveryPlan, op string, _ bool) error { return p.validate(op) },
	accepted: func(p *RecoveryPlan, id string) *RecoveryPlan {
		a := *p
		a.UUID, a.State, a.SpecVersion, a.Validation = id, "", 0, nil
		return &a
	},
}

// v3RecoveryPlans is the recovery plan on the v3 wire: kind recovery_plan.
var v3RecoveryPlans = &v3Kind[RecoveryPlan, RecoveryPlan, recoveryPlanJSON]{
	kind:   "recovery_plan",
	decode: (*recoveryPlanJSON).toPlan,
	write: func(spec map[string]any, p *RecoveryPlan) error {
		writePlanSpec(spec, p)
		return nil
	},
	// The plan's validation messages live in its status.
	reread: true,
}

// CreateRecoveryPlan creates a recovery plan and waits for its task, then
// returns it as read. The create carries a metadata.uuid chosen by the
// client (p.UUID when set), so a retry after a lost answer cannot create a
// second plan.
//
// When Prism Central accepted the plan but the client could not see it
// through (the wait timed out, a read failed, or the task failed and left
// the plan behind), the error comes with a non-nil plan holding the uuid,
// so that the caller can track or delete what was created.
func (c *Client) CreateRecoveryPlan(ctx context.Context, p RecoveryPlan) (*RecoveryPlan, error) {
	return kindRecoveryPlan.create(ctx, c, &p, p.UUID)
}

// GetRecoveryPlan reads a recovery plan. A missing plan gives an error
// matching ErrNotFound.
func (c *Client) GetRecoveryPlan(ctx context.Context, uuid string) (*RecoveryPlan, error) {
	return kindRecoveryPlan.get(ctx, c, uuid)
}

// ListRecoveryPlans lists the recovery plans matching a FIQL filter (""
// for all), every page.
func (c *Client) ListRecoveryPlans(ctx context.Context, filter string) ([]RecoveryPlan, error) {
	return kindRecoveryPlan.list(ctx, c, filter)
}

// UpdateRecoveryPlan makes the plan p.UUID what p says and waits for the
// task, then returns it as read. It is a read-modify-write: every field
// the client does not model, in the spec and inside each stage, entity,
// zone, network mapping, network, subnet, assignment and witness, is sent
// back as read, and list items keep their place: an item of the update
// takes the unmodeled fields of the item as read it matches (a stage by
// uuid, else by its entities, else by position; an entity by VM or
// categories; a zone entry by zone and clusters; an assignment by VM).
// Nothing is sent when the plan already is as p says. The update starts
// over on a spec_version conflict (up to 5 times). p.State,
// p.SpecVersion and p.Validation are ignored.
func (c *Client) UpdateRecoveryPlan(ctx context.Context, p RecoveryPlan) (*RecoveryPlan, error) {
	return kindRecoveryPlan.update(ctx, c, p.UUID, &p)
}

// DeleteRecoveryPlan deletes a recovery plan and waits for the task. A
// missing plan gives an error matching ErrNotFound; a 404 to a repeated
// attempt whose first try may have landed counts as done.
func (c *Client) DeleteRecoveryPlan(ctx context.Context, uuid string) error {
	return kindRecoveryPlan.delete(ctx, c, uuid)
}

// planEntitiesJSON is recovery_plan_entities.
type planEntitiesJSON struct {
	EntitiesPerAZ []struct {
		AvailabilityZoneURL string `json:"availability_zone_url"`
		EntityList          []struct {
			AnyEntityReference *referenceJSON `json:"any_entity_reference"`
			IsRecoveryPoint    bool           `json:"is_recovery_point"`
			ProtectionStatus   string         `json:"protection_status"`
			ReplicationStatus  string         `json:"replication_status"`
			Recoverability     *struct {
				Status string `json:"status"`
				Reason string `json:"reason"`
			} `json:"recoverability"`
		} `json:"entity_list"`
	} `json:"entities_per_availability_zone_list"`
}

func (e *planEntitiesJSON) looksLikeV3() bool { return e.EntitiesPerAZ != nil }

// RecoveryPlanEntities returns the entities of a plan as Prism Central
// computes them (GET /recovery_plans/{uuid}/entities): the live VMs its
// stages select and the VMs of which recovery points are present, zone by
// zone in the order reported, never nil. A missing plan gives an error
// matching ErrNotFound.
func (c *Client) RecoveryPlanEntities(ctx context.Context, uuid string) ([]RecoveryPlanEntity, error) {
	op := "listing the entities of recovery plan " + uuid
	var e planEntitiesJSON
	if err := c.do(ctx, op, http.MethodGet, v3RecoveryPlans.path(uuid)+"/entities", nil, &e); err != nil {
		return nil, err
	}
	out := []RecoveryPlanEntity{}
	for _, az := range e.EntitiesPerAZ {
		for _, ent := range az.EntityList {
			pe := RecoveryPlanEntity{
				Reference:            ent.AnyEntityReference.toReference(),
				AvailabilityZoneUUID: az.AvailabilityZoneURL,
				IsRecoveryPoint:      ent.IsRecoveryPoint,
				ProtectionStatus:     ent.ProtectionStatus,
				ReplicationStatus:    ent.ReplicationStatus,
			}
			if r := ent.Recoverability; r != nil {
				pe.Recoverability, pe.RecoverabilityReason = r.Status, r.Reason
			}
			out = append(out, pe)
		}
	}
	return out, nil
}

// writePlanSpec writes the modeled fields of p into spec, a recovery plan
// spec as read (or an empty map for a create), and leaves every other
// field as it is. Lists are written in p's order; each item starts from
// the item as read that it matches, so that what the client does not
// model inside items survives.
func writePlanSpec(spec map[string]any, p *RecoveryPlan) {
	spec["name"] = p.Name
	putString(spec, "description", p.Description)
	res := rawObject(spec, "resources")
	writePlanStages(res, p.Stages)

	params, had := res[planKeyParameters].(map[string]any)
	if !had {
		params = map[string]any{}
	}
	writePlanParameters(params, p)
	if had || len(params) > 0 {
		res[planKeyParameters] = params
	}
}

// planNoKey returns a key that matches nothing: items without a key of
// their own must not match each other.
func planNoKey(side string, i int) string { return fmt.Sprintf("\x00%s%d", side, i) }

// writePlanStages writes stage_list. A stage matches the stage as read
// with its uuid, else the one with the same entities (in any order), else
// the one sharing the most entities with it, else the one at its
// position.
func writePlanStages(res map[string]any, stages []RecoveryStage) {
	if stages == nil {
		delete(res, planKeyStageList)
		return
	}
	old := rawObjects(res[planKeyStageList])
	oldSets := make([][]string, len(old))
	oldKeys := make([][]string, len(old))
	for j, item := range old {
		id := "u:" + rawString(item, planKeyStageUUID)
		if rawString(item, planKeyStageUUID) == "" {
			id = planNoKey("o", j)
		}
		work := rawChild(rawChild(item, planKeyStageWork), planKeyRecoverEntities)
		for _, e := range rawObjects(work[planKeyEntityInfoList]) {
			oldSets[j] = append(oldSets[j], planRawEntityKey(e))
		}
		slices.Sort(oldSets[j])
		oldKeys[j] = []string{id, "e:" + strings.Join(oldSets[j], ";")}
	}
	newSets := make([][]string, len(stages))
	newKeys := make([][]string, len(stages))
	for i, s := range stages {
		id := "u:" + s.UUID
		if s.UUID == "" {
			id = planNoKey("n", i)
		}
		for k := range s.Entities {
			newSets[i] = append(newSets[i], planEntityKey(&s.Entities[k]))
		}
		slices.Sort(newSets[i])
		newKeys[i] = []string{id, "e:" + strings.Join(newSets[i], ";")}
	}
	match := matchItems(oldKeys, newKeys, false)
	used := make([]bool, len(old))
	for _, j := range match {
		if j >= 0 {
			used[j] = true
		}
	}
	for i := range stages {
		if match[i] >= 0 {
			continue
		}
		best, bestShared := -1, 0
		for j := range old {
			if n := sharedCount(newSets[i], oldSets[j]); !used[j] && n > bestShared {
				best, bestShared = j, n
			}
		}
		if best >= 0 {
			match[i], used[best] = best, true
		}
	}
	for i := range stages {
		if match[i] < 0 && i < len(old) && !used[i] {
			match[i], used[i] = i, true
		}
	}
	res[planKeyStageList] = writeMatched(old, stages, match, writePlanStage)
}

// sharedCount counts the items two sorted lists have in common.
func sharedCount(a, b []string) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

func writePlanStage(item map[string]any, s *RecoveryStage) {
	if s.UUID != "" {
		item[planKeyStageUUID] = s.UUID
	}
	if s.DelaySecs == nil {
		delete(item, planKeyDelay)
	} else {
		item[planKeyDelay] = *s.DelaySecs
	}
	work := rawObject(rawObject(item, planKeyStageWork), planKeyRecoverEntities)
	work[planKeyEntityInfoList], _ = mergeItems(rawObjects(work[planKeyEntityInfoList]), s.Entities, true,
		func(e map[string]any) []string { return []string{planRawEntityKey(e)} },
		func(e *RecoveryEntity) []string { return []string{planEntityKey(e)} },
		writePlanEntity)
}

// planEntityKey identifies an entity of a stage: its VM, or its categories.
func planEntityKey(e *RecoveryEntity) string {
	if e.VMUUID != "" {
		return "vm:" + e.VMUUID
	}
	return "cat:" + planCategoriesKey(e.Categories)
}

func planRawEntityKey(e map[string]any) string {
	if id := rawString(rawChild(e, planKeyAnyEntityRef), "uuid"); id != "" {
		return "vm:" + id
	}
	cats := map[string]string{}
	for k, v := range rawChild(e, planKeyCategories) {
		s, _ := v.(string)
		cats[k] = s
	}
	return "cat:" + planCategoriesKey(cats)
}

func planCategoriesKey(cats map[string]string) string {
	keys := slices.Sorted(maps.Keys(cats))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + cats[k]
	}
	return strings.Join(parts, ",")
}

func writePlanEntity(item map[string]any, e *RecoveryEntity) {
	if e.VMUUID == "" {
		delete(item, planKeyAnyEntityRef)
	} else {
		writePlanVMRef(item, planKeyAnyEntityRef, e.VMUUID, e.VMName)
	}
	if e.Categories == nil {
		delete(item, planKeyCategories)
	} else {
		cats := make(map[string]any, len(e.Categories))
		for k, v := range e.Categories {
			cats[k] = v
		}
		item[planKeyCategories] = cats
	}
	if e.Scripts == nil {
		delete(item, planKeyScriptList)
	} else {
		old := rawObjects(item[planKeyScriptList])
		list := make([]any, len(e.Scripts))
		for i, s := range e.Scripts {
			sc := map[string]any{}
			if i < len(old) {
				sc = old[i]
			}
			sc["enable_script_exec"] = s.Enabled
			if s.TimeoutSecs == nil {
				delete(sc, "timeout")
			} else {
				sc["timeout"] = *s.TimeoutSecs
			}
			list[i] = sc
		}
		item[planKeyScriptList] = list
	}
	putString(item, "vm_power_state", e.PowerState)
}

// writePlanVMRef points the VM reference at key to uuid, keeping the reference
// as read when it already does; name is set when given, else the name as
// read is kept.
func writePlanVMRef(parent map[string]any, key, uuid, name string) {
	ref, _ := parent[key].(map[string]any)
	if ref == nil || rawString(ref, "uuid") != uuid {
		ref = map[string]any{"kind": KindVM, "uuid": uuid}
		parent[key] = ref
	}
	if name != "" {
		ref["name"] = name
	}
}

// writePlanClusterRefs writes a cluster_reference_list, keeping each reference
// as read (its name included) that names the same cluster.
func writePlanClusterRefs(parent map[string]any, uuids []string) {
	if uuids == nil {
		delete(parent, planKeyClusterRefs)
		return
	}
	parent[planKeyClusterRefs] = takeItems(rawObjects(parent[planKeyClusterRefs]), uuids,
		func(o map[string]any, id string) bool { return rawString(o, "uuid") == id },
		func(id string) map[string]any { return map[string]any{"kind": "cluster", "uuid": id} })
}

func planRawClusterRefs(item map[string]any) string {
	var ids []string
	for _, r := range rawObjects(item[planKeyClusterRefs]) {
		ids = append(ids, rawString(r, "uuid"))
	}
	return strings.Join(ids, ",")
}

func writePlanParameters(params map[string]any, p *RecoveryPlan) {
	if p.PrimaryLocationIndex == nil {
		delete(params, planKeyPlanPrimary)
	} else {
		params[planKeyPlanPrimary] = *p.PrimaryLocationIndex
	}

	putItems(params, planKeyPlanAZList, p.AvailabilityZones, false, planRawZoneKey,
		func(az *RecoveryPlanAZ) []string { return planZoneKey(az.AvailabilityZoneUUID, az.ClusterUUIDs) },
		func(item map[string]any, az *RecoveryPlanAZ) {
			item[keyAZURL] = az.AvailabilityZoneUUID
			writePlanClusterRefs(item, az.ClusterUUIDs)
		})

	writePlanNetworkMappings(params, p.NetworkMappings)
	writePlanFloatingIPs(params, p.FloatingIPs)

	putItems(params, planKeyWitnesses, p.Witnesses, true,
		func(item map[string]any) []string { return []string{rawString(item, "witness_address")} },
		func(w *Witness) []string { return []string{w.Address} },
		func(item map[string]any, w *Witness) {
			putString(item, "witness_address", w.Address)
			if w.FailoverTimeoutSecs == 0 {
				delete(item, "witness_failover_timeout_secs")
			} else {
				item["witness_failover_timeout_secs"] = w.FailoverTimeoutSecs
			}
		})

	putString(params, "cutover_mode", p.CutoverMode)
}

// planMappingKey identifies a network mapping by the zones and production
// networks of its entries.
func planMappingKey(m *NetworkMapping) string {
	parts := make([]string, len(m.PerAZ))
	for i, a := range m.PerAZ {
		name := ""
		if a.Recovery != nil {
			name = a.Recovery.Name
		}
		parts[i] = a.AvailabilityZoneUUID + "=" + name
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

func planRawMappingKey(item map[string]any) string {
	entries := rawObjects(item[planKeyAZNetMappings])
	parts := make([]string, len(entries))
	for i, a := range entries {
		parts[i] = rawString(a, keyAZURL) + "=" + rawString(rawChild(a, planKeyRecoveryNet), "name")
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

func writePlanNetworkMappings(params map[string]any, mappings []NetworkMapping) {
	putItems(params, planKeyNetMappings, mappings, true,
		func(item map[string]any) []string { return []string{planRawMappingKey(item)} },
		func(m *NetworkMapping) []string { return []string{planMappingKey(m)} },
		writePlanNetworkMapping)
}

func writePlanNetworkMapping(item map[string]any, m *NetworkMapping) {
	putBool(item, "are_networks_stretched", m.Stretched)
	putItems(item, planKeyAZNetMappings, m.PerAZ, false, planRawZoneKey,
		func(a *AZNetworkMapping) []string { return planZoneKey(a.AvailabilityZoneUUID, a.ClusterUUIDs) },
		func(e map[string]any, a *AZNetworkMapping) {
			e[keyAZURL] = a.AvailabilityZoneUUID
			writePlanClusterRefs(e, a.ClusterUUIDs)
			writePlanNetwork(e, planKeyRecoveryNet, a.Recovery)
			writePlanNetwork(e, planKeyTestNet, a.Test)
			writePlanIPAssignments(e, planKeyRecoveryIPs, a.RecoveryIPs)
			writePlanIPAssignments(e, planKeyTestIPs, a.TestIPs)
		})
}

// planZoneKey identifies a zone entry by zone and clusters, then by zone
// alone; planRawZoneKey is the same for an entry as read.
func planZoneKey(az string, clusters []string) []string {
	return []string{az + "|" + strings.Join(clusters, ","), az}
}

func planRawZoneKey(item map[string]any) []string {
	az := rawString(item, keyAZURL)
	return []string{az + "|" + planRawClusterRefs(item), az}
}

func writePlanNetwork(parent map[string]any, key string, n *RecoveryNetwork) {
	if n == nil {
		delete(parent, key)
		return
	}
	obj := rawObject(parent, key)
	putString(obj, "name", n.Name)
	if n.VPCUUID == "" {
		delete(obj, "vpc_reference")
	} else {
		putReference(obj, "vpc_reference", "vpc", n.VPCUUID)
	}
	putBool(obj, "use_vpc_reference", n.UseVPC)
	putItems(obj, planKeySubnetList, n.Subnets, true,
		func(s map[string]any) []string {
			return []string{rawString(s, "gateway_ip") + "/" + rawNumber(s, "prefix_length")}
		},
		func(s *RecoverySubnet) []string {
			return []string{s.GatewayIP + "/" + strconv.FormatInt(s.PrefixLength, 10)}
		},
		func(item map[string]any, s *RecoverySubnet) {
			item["gateway_ip"] = s.GatewayIP
			item["prefix_length"] = s.PrefixLength
			// "" keeps what the plan as read holds: the provider does not model it, and a
			// subnet of a public cloud zone set by hand must keep it.
			if s.ExternalConnectivityState != "" {
				item["external_connectivity_state"] = s.ExternalConnectivityState
			}
		})
}

func writePlanIPAssignments(parent map[string]any, key string, list []VMIPAssignment) {
	putItems(parent, key, list, false,
		func(a map[string]any) []string { return []string{rawString(rawChild(a, planKeyVMRef), "uuid")} },
		func(a *VMIPAssignment) []string { return []string{a.VMUUID} },
		func(item map[string]any, a *VMIPAssignment) {
			writePlanVMRef(item, planKeyVMRef, a.VMUUID, a.VMName)
			item[planKeyIPConfigList] = takeItems(rawObjects(item[planKeyIPConfigList]), a.IPs,
				func(o map[string]any, ip string) bool { return rawString(o, "ip_address") == ip },
				func(ip string) map[string]any { return map[string]any{"ip_address": ip} })
		})
}

func writePlanFloatingIPs(params map[string]any, fips []FloatingIPAssignment) {
	putItems(params, planKeyFloatingIPs, fips, false,
		func(f map[string]any) []string { return []string{rawString(f, keyAZURL)} },
		func(f *FloatingIPAssignment) []string { return []string{f.AvailabilityZoneUUID} },
		func(item map[string]any, f *FloatingIPAssignment) {
			item[keyAZURL] = f.AvailabilityZoneUUID
			putItems(item, planKeyVMIPList, f.VMs, false,
				func(v map[string]any) []string {
					vm := rawString(rawChild(v, planKeyVMRef), "uuid")
					return []string{vm + "|" + rawString(rawChild(v, "vm_nic_information"), "uuid"), vm}
				},
				func(v *FloatingIPVM) []string { return []string{v.VMUUID + "|" + v.NICUUID, v.VMUUID} },
				writePlanFloatingVM)
		})
}

func writePlanFloatingVM(vi map[string]any, v *FloatingIPVM) {
	writePlanVMRef(vi, planKeyVMRef, v.VMUUID, v.VMName)
	nic := rawObject(vi, "vm_nic_information")
	nic["uuid"] = v.NICUUID
	putString(nic, "ip", v.NICIP)
	writePlanFloatingConfig(vi, "recovery_floating_ip_config", v.Recovery)
	writePlanFloatingConfig(vi, "test_floating_ip_config", v.Test)
}

func writePlanFloatingConfig(parent map[string]any, key string, c *FloatingIPConfig) {
	if c == nil {
		delete(parent, key)
		return
	}
	obj := rawObject(parent, key)
	putString(obj, "ip", c.IP)
	putBool(obj, "should_allocate_dynamically", c.AllocateDynamically)
}
