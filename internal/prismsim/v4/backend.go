package v4

import (
	"context"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// Backend is what the v4 wire needs of a PC of the model.
type Backend interface {
	// URL is the PC's base URL, for links.
	URL() string
	// RecoveryPointStores returns the PC's deployed MST stores.
	RecoveryPointStores() []model.RecoveryPointStore
	// RequestLog remembers the answers of mutations by Ntnx-Request-Id.
	RequestLog() *model.RequestLog

	// Tasks returns the PC's tasks, oldest first.
	Tasks() []Task

	// Categories returns every category value of the PC, in creation order, without their
	// usage (Category.Usage is nil: CategoryUsage counts it, for $expand=associations).
	Categories() []Category
	// CategoryUsage counts the entities that have key:value assigned or use it, by v3 kind.
	CategoryUsage(key, value string) map[string]int
	// CreateCategory creates the value c.Value of the key c.Key (the key too if it has no
	// value yet).
	CreateCategory(c Category) (Category, error)
	// UpdateCategory changes the description of the value key:value.
	UpdateCategory(key, value, description string) (Category, error)
	// DeleteCategory removes the value key:value.
	DeleteCategory(key, value string) error

	PolicyBackend
	PlanBackend
	PlanEditor
	DomainManagerBackend
	PairingBackend
	ClusterBackend
	RecoveryPointBackend
	NetworkingBackend
	ProductBackend
	VMBackend
}

// Task is a task of the model as the v4 wire shows it.
type Task struct {
	ExtID       string
	Operation   string
	Status      string // QUEUED, RUNNING, SUCCEEDED, FAILED
	Percent     int
	Progress    string
	Created     time.Time
	Started     time.Time // zero while queued
	Completed   time.Time // zero until done
	Updated     time.Time
	Entities    []EntityRef
	ErrorCode   string
	ErrorDetail string
	ClusterID   string // the PC's own cluster
}

// EntityRef names an entity a task affects: Kind is the model's kind name (v3's).
type EntityRef struct {
	Kind  string
	ExtID string
	Name  string
}

// Category is one key:value pair of the model; ExtID is derived from the PC and the names.
type Category struct {
	ExtID       string
	Key         string
	Value       string
	Description string
	System      bool
	// Usage counts the entities that have the value assigned, by v3 kind: filled only when
	// a request asks for the associations (withUsage).
	Usage map[string]int
}

// PolicyBackend is what the v4 wire needs of a PC for protection policies. Mutations
// answer the id of the model's task that settles them.
type PolicyBackend interface {
	// ProtectionPolicies returns the PC's protection policies (v3 protection rules), as
	// their latest accepted intent, in creation order.
	ProtectionPolicies() []ProtectionPolicy
	CreateProtectionPolicy(ctx context.Context, p ProtectionPolicy) (extID, taskID string, err error)
	UpdateProtectionPolicy(ctx context.Context, p ProtectionPolicy) (taskID string, err error)
	DeleteProtectionPolicy(ctx context.Context, extID string) (taskID string, err error)
}

// ProtectionPolicy is datapolicies.v4.config.ProtectionPolicy in the model's terms.
type ProtectionPolicy struct {
	ExtID          string
	Name           string
	Description    string
	CategoryIDs    []string // category extIds
	Locations      []ReplicationLocation
	Configurations []ReplicationConfiguration
}

// ReplicationLocation is a location of a policy: a PC (domain manager) and its clusters,
// or an MST recovery point store.
type ReplicationLocation struct {
	Label              string
	DomainManagerExtID string
	IsPrimary          bool
	ClusterExtIDs      []string
	StoreExtID         string // MST: the recovery point repository
}

// ReplicationConfiguration is a schedule from one location to another.
type ReplicationConfiguration struct {
	Source, Remote      string // labels
	RPOSecs             int64
	RecoveryPointType   string
	Linear              *LinearRetention
	Rollup              *RollupRetention
	StartTime           string
	SyncAutoSuspendSecs *int64
}

// LinearRetention keeps a number of recovery points.
type LinearRetention struct {
	Local  *int64 // nil: no local retention (v3's default)
	Remote *int64
}

// RollupRetention keeps recovery points rolled up by interval.
type RollupRetention struct {
	Local  *RollupDetails // nil: no local retention (v3's default)
	Remote *RollupDetails
}

// RollupDetails is a roll-up interval and how many of them.
type RollupDetails struct {
	IntervalType string
	Frequency    int64
}

// PlanBackend is what the v4 wire needs of a PC for recovery plans and their jobs.
type PlanBackend interface {
	// RecoveryPlans returns the PC's recovery plans as their latest accepted intent.
	RecoveryPlans() []RecoveryPlan
	// RecoveryPlanJobs returns the PC's recovery plan jobs, oldest first.
	RecoveryPlanJobs() []RecoveryPlanJob
	// RunRecoveryPlan starts a job of the plan; it answers the task that starts it.
	RunRecoveryPlan(ctx context.Context, a PlanAction) (taskID string, err error)
	// DeleteRecoveryPlanJob removes a job that has ended.
	DeleteRecoveryPlanJob(ctx context.Context, extID string) (taskID string, err error)
	// CleanUpRecoveryPlan removes what the plan's latest test failover created.
	CleanUpRecoveryPlan(ctx context.Context, planExtID string) (taskID string, err error)
}

// RecoveryPlan is datapolicies.v4.config.RecoveryPlan with its stages.
type RecoveryPlan struct {
	ExtID, Name, Description string
	Primary, Recovery        DRLocation
	Stages                   []RecoveryStage
	NetworkMappings          []NetworkMapping
	RecoverySettings         []RecoverySetting
	Witness                  *Witness // nil: none
}

// Witness is a plan's witness: the domain manager whose witness service watches the plan's
// locations (extId), and how long it waits before it acts.
type Witness struct {
	ExtID       string
	TimeoutSecs *int64
}

// RecoverySetting is how a VM, or the VMs of a category, are recovered: power state and
// in-guest scripts.
type RecoverySetting struct {
	ExtID         string
	Scope         string // VM or VM_CATEGORY
	VMExtID       string
	CategoryExtID string
	PowerState    string
	ScriptEnabled *bool
	ScriptTimeout *int64
	IPMappings    []IPMapping // VM scope only
}

// IPMapping is a VM's static addresses on the two sides of one network mapping, for
// failovers and for test failovers ("" where none).
type IPMapping struct {
	NetworkMappingExtID                                  string
	PrimaryIP, RecoveryIP, PrimaryTestIP, RecoveryTestIP string
}

// NetworkMapping maps a network of the primary location to one of the recovery location,
// for failovers and for test failovers.
type NetworkMapping struct {
	ExtID                                        string
	Primary, Recovery, PrimaryTest, RecoveryTest *NetworkConfig
}

// NetworkConfig is a network of a mapping: a subnet by name (in a VPC or not) and its IPv4
// gateway and prefix.
type NetworkConfig struct {
	SubnetName, VPCExtID, Gateway string
	PrefixLength                  *int64
}

// DRLocation is a PC (domain manager) and clusters of it.
type DRLocation struct {
	DomainManagerExtID string
	Clusters           []string
}

// RecoveryStage is a stage of a plan: the VMs it recovers, by category or by id.
type RecoveryStage struct {
	ExtID       string
	Priority    int
	CategoryIDs []string
	EntityIDs   []string
	DelaySecs   *int64
}

// PlanAction is a recovery plan action (dataprotection.v4.operations).
type PlanAction struct {
	PlanExtID string
	Name      string
	// Action is the model's (v3) action type: VALIDATE, MIGRATE, LIVE_MIGRATE, FAILOVER,
	// TEST_FAILOVER.
	Action                string
	SourceDM, TargetDM    string
	SourceCluster         string
	TargetCluster         string
	RecoveryReferenceTime *time.Time
	ContinueOnValidation  bool
}

// RecoveryPlanJob is dataprotection.v4.config.RecoveryPlanJob in the model's terms.
type RecoveryPlanJob struct {
	ExtID, Name, PlanExtID, PlanName string
	Action                           string // the model's (v3) action type
	Status                           string // the model's (v3) status
	Percent                          int
	Created, Started, Ended          time.Time
	SourceDM, TargetDM               string
	RecoveryReferenceTime            *time.Time
	Initiator                        string
	Steps                            []JobStep
	Messages                         []JobMessage
}

// JobMessage is a validation error or warning of a job.
type JobMessage struct {
	ExtID, Severity, Group, Message string
	Cause, Impact, Resolution       string
	Entities                        []EntityRef
}

// JobStep is an execution step of a job.
type JobStep struct {
	ExtID, Phase, Operation, Status, Description string
	Percent                                      int
	Start, End                                   time.Time
	ErrorCode, ErrorDetail                       string
	Entities                                     []EntityRef
	// Recovered are the entities the step recovered: Kind, ExtID and Name of the source
	// entity, and RecoveredExtID of what the step made of it.
	Recovered []RecoveredEntity
}

// RecoveredEntity is an entity a job step recovered (dataprotection.v4.config.EntityRecoveryResult).
type RecoveredEntity struct {
	EntityRef
	RecoveredExtID string
}

// PlanEditor is what the v4 wire needs of a PC to change recovery plans. A v4 plan is the
// model's one plan document: its stages are parts of it, and each change is an update of
// the plan with its own task.
type PlanEditor interface {
	CreateRecoveryPlan(ctx context.Context, p RecoveryPlan) (extID, taskID string, err error)
	// UpdateRecoveryPlan changes the name, description and locations; stages stay.
	UpdateRecoveryPlan(ctx context.Context, p RecoveryPlan) (taskID string, err error)
	DeleteRecoveryPlan(ctx context.Context, extID string) (taskID string, err error)
	// PutRecoveryStage adds the stage (create) or replaces the stage with its ExtID.
	PutRecoveryStage(ctx context.Context, planExtID string, s RecoveryStage, create bool) (taskID string, err error)
	DeleteRecoveryStage(ctx context.Context, planExtID, stageExtID string) (taskID string, err error)
	// PutNetworkMapping adds the mapping (create) or replaces the mapping with its ExtID.
	PutNetworkMapping(ctx context.Context, planExtID string, m NetworkMapping, create bool) (taskID string, err error)
	DeleteNetworkMapping(ctx context.Context, planExtID, mappingExtID string) (taskID string, err error)
	// PutRecoverySetting sets how a VM, or the VMs of a category, are recovered (a create of
	// a scope that has a setting replaces it); DeleteRecoverySetting removes it.
	PutRecoverySetting(ctx context.Context, planExtID string, r RecoverySetting) (taskID string, err error)
	DeleteRecoverySetting(ctx context.Context, planExtID string, r RecoverySetting) (taskID string, err error)
}
