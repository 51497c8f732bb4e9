// Package prismsim emulates Prism Central's v3 REST API with state, so that the provider,
// its tests and users' CI can run disaster-recovery topologies without a Prism Central.
//
// A World holds several PCs. Each PC has its own HTTPS listener on 127.0.0.1, its own
// self-signed certificate (SANs 127.0.0.1 and localhost) and credentials, and its own
// inventory: clusters, VLAN subnets, VMs, categories and tasks. The PCs share one simulated
// Clock (World.Clock) and one set of Settings.
//
// # One model, several wires
//
// The emulator is a model of Prism Central (World, PCs, the clock, entities and the DR
// engine: pairing, replication, recovery points, recovery plan jobs, the witness) that
// wires speak for: v3 (the REST API clients use), v4 (categories, tasks, protection
// policies, recovery plans, their actions and jobs, and the recovery-point-store reads),
// admin (/_prismsim) and ssh (the PC VM's shell). A model operation takes typed
// arguments, takes the PCs' mutexes itself and answers a typed error (model.Error: not
// found, exists, conflict, in use, invalid with its field, precondition, unauthorized,
// unavailable); a wire decodes, calls the model and renders, and never takes a mutex
// (TestWiresTakeNoMutex). What a wire shows of an accepted change it takes through a view
// function the model calls at the moment of acceptance (acceptedView), so that the answer
// shows the change as accepted. An entity created through one wire is the model's: every
// wire sees it.
//
// Packages:
//
//   - model: what of the model no wire shapes: the simulated clock, model.Error and its
//     kinds, UUIDs, settings and durations, faults, typed views (recovery point stores,
//     sites, request counts, the clock). It imports no net/http.
//   - v4: the v4 wire, on a Backend it declares (PC implements it).
//   - admin: the admin wire (/_prismsim), on a World it declares (wire_admin.go).
//   - ssh: the SSH wire, on a Host it declares (wire_ssh.go implements it).
//   - prismsim (this package): World and PC and the rest of the model, the v3 wire, and
//     the assembly: wire_v4.go and wire_admin.go mount their wires in the HTTPS pipeline
//     (server.go: routing, authentication, request counters, faults, the recorder),
//     wire_ssh.go runs the ssh wire as a side wire of the world (world.go).
//
// Still in this package, to move out next: the v3 wire (handle* functions, envelope.go's
// and each kind's rendering, list.go, errors.go) beside the model operations it calls
// (entities.go, category_model.go, and the model operations in each kind's file). It can
// only leave once World and PC do: their methods are the model's operations, and Go keeps
// a type's methods in its package, so the model package must take World, PC, entities and
// every kind's model half at once, with exported operations for the wires.
//
// The kinds' checks (kindSpec.prepare, precheck, beforeDelete and the checks they call)
// answer model errors: Malformed for a wrong shape (v3: 422 VALIDATION_ERROR), Invalid for
// a rule broken (v3: 422 INVALID_ARGUMENT, or the condition they name), NotFound, Conflict,
// InUse. Their messages still name v3 spec fields (spec.resources...), as the model still
// stores v3-shaped intents: the v4 wire maps its bodies to that intent (v4_policies.go,
// v4_plans.go) and passes these messages on as they are. Only the v3 wire's own
// decoding (decodeIntent, decodeListRequest, uuidParam, categoryPathParams, checkTrustSpec,
// checkJobSpec, the route table path) builds v3 errors (*apiError) directly.
//
// # Names: provider, model, v3
//
// The provider's resources, the model's names and the v3 wire's, for a newcomer who
// knows one of them:
//
//	provider resource / data source    model (types, operations)            v3 path                                 file
//	nutanixdr_availability_zone        ctKind, PC.pair, PC.unpair            /cloud_trusts, /availability_zones      cloud_trusts.go, availability_zones.go, remote_connections.go, v4_pairing.go, v4/domain_manager_actions.go (v4)
//	nutanixdr_category(_value)         categoryKey(Info), categoryValue(Info), PC.putCategoryKey...  /categories/{name}[/{value}], /category/query  category_model.go (model), categories.go (v3)
//	nutanixdr_disaster_recovery        PC.enableDR, PC.drState, PC.drRequired /services/disaster_recovery             dr.go
//	nutanixdr_protection_policy        policyKind, policyData, policyFact    /protection_rules                       protection_rules.go (v3 names: prSpecView...), replication.go
//	nutanixdr_recovery_plan            planKind, planData, recoveryPlan      /recovery_plans                         recovery_plans.go, recovery_plans_model.go, recovery_plans_status.go
//	nutanixdr_failover                 jobKind, jobState, PC.createJob, gatherFailoverFacts, planFailover  /recovery_plan_jobs  recovery_plan_jobs.go, failover.go, witness.go
//	nutanixdr_mst_target               mstState, model.RecoveryPointStore    (none: clustermgmt-cli over ssh; v4 reads)  mst.go, mst_cli.go, wire_ssh.go, v4/stores.go
//	nutanixdr_subnet(s)                subnetKind                            /subnets                                subnets.go, subnets_write.go
//	nutanixdr_vpc(s)                   vpcKind                               /vpcs                                   vpcs.go
//	nutanixdr_vpc_route_table          routeTableKind                        /vpcs/{uuid}/route_tables               route_tables.go
//	nutanixdr_vm(s), nutanixdr_vm_categories  vmKind                         /vms                                    vms.go
//	nutanixdr_cluster                  clusterKind                           /clusters                               clusters.go, v4_clusters.go, v4/clusters.go (v4)
//	(recovery points, read by failover) recoveryPoint, pointStore, pointView  /vm_recovery_points                     recovery_points.go
//	(every intentful kind)             entity, snapshot, kindSpec, PC.createEntity...  POST/GET/PUT/DELETE /{kind}s  entities.go (model), envelope.go (v3)
//	(every task)                       task, PC.startTask, PC.pollTasks       /tasks                                  tasks.go
//
// In names, plan means a recovery plan, point a recovery point, policy a protection
// policy (the v3 protection_rule); pr* names are the v3 protection_rule's spec views.
//
// # Layout
//
//   - config.go, presets*.go: WorldConfig, LoadConfig (JSON or YAML), named presets.
//   - world.go, pc.go, certs.go: life cycle, listeners, side wires, certificates, site state.
//   - server.go: routing (path templates), basic authentication, mounts, the recorder
//     (OnExchange), request counters and fault interception, around every v3 and v4 handler.
//   - entities.go: the model's entity operations. envelope.go: the v3 intentful envelope
//     {api_version, metadata, spec, status} and the generic v3 handlers of a kind.
//   - list.go: list bodies, FIQL filters, sorting and paging. errors.go: the v3 error
//     shape and how model errors map to it (v3Error). model_errors.go: short names.
//   - tasks.go: the task engine (PC.startTask) and /tasks. faults.go: the fault engine
//     (what the admin wire's faults do to requests, tasks and jobs). admin.go: World.State.
//   - category_model.go, categories.go, clusters.go, subnets.go, vms.go: the inventory kinds.
//   - dr.go: enabling disaster recovery (the Local availability zone), the service status.
//   - availability_zones.go, remote_connections.go, cloud_trusts.go: pairing PCs of the
//     world and unpairing them, both sides at once.
//   - sites.go: World.SiteDown and World.SiteUp, and their admin routes.
//   - protection_rules.go: protection policies, their checks and their copies on paired PCs.
//   - replication.go: schedules on the simulated clock, transfers, suspension while a site
//     is down, synchronous replicas. recovery_points.go: each PC's recovery points, their
//     retention and /vm_recovery_points.
//   - mst.go: MST deployments, the recovery point stores they create, their checks in
//     protection policies and their stats. mst_cli.go: clustermgmt-cli mst deploy, list and
//     remove, as the PC VM runs them (over the ssh wire).
//   - recovery_plans.go: recovery plans, their checks against every site they name and
//     their copies on paired PCs. recovery_plans_status.go: their computed status and
//     /recovery_plans/{uuid}/entities. recovery_plans_model.go: a plan resolved to PCs of
//     the world and the facts of each site it is checked against.
//   - recovery_plan_jobs.go: jobs (failover, migrate, test failover, validate, cleanup,
//     rerun). failover.go: what a job does; gatherFailoverFacts copies both sites' facts
//     under their mutexes, planFailover plans from them without any. witness.go: automatic
//     failover.
//
// # Adding a kind
//
// A new intentful kind is a new file: a kindSpec (how to check an intent, render its status,
// expose list attributes) passed to registerKind with the operations it supports, in the
// file's init function; the generic model operations (entities.go) and v3 handlers
// (envelope.go) serve it. Routes that are not plain entity operations are a v3 handler that
// decodes, a model operation on PC that locks and answers model errors, and a rendering;
// they are added with registerAPI; admin endpoints are package admin's. Asynchronous work
// goes through PC.startTask, whose run function applies the change when the task succeeds.
// A kind whose changes reach other PCs or start simulations sets kindSpec.beforeCommit
// (runs in the task without any mutex held) and kindSpec.afterCommit (runs when the change
// is committed). A kind whose intent refers to other PCs' inventory sets
// kindSpec.precheck, which runs before the request is accepted without any mutex held.
//
// # Semantics worth knowing
//
//   - Specs are stored as sent: fields the emulator does not interpret survive an update.
//   - An accepted create or update is visible at once in GET (spec, metadata, a new
//     spec_version, status.state PENDING); it is committed, and seen by status, category
//     usage and later simulations, when its task succeeds. A failed task rolls the intent
//     back.
//   - While an entity is not settled (status.state PENDING or DELETE_PENDING), GET and list
//     show the task that will settle it in status.execution_context.task_uuid (a string).
//   - A PUT with a stale metadata.spec_version is refused with 409 and reason
//     CONCURRENT_REQUESTS_NOT_ALLOWED, the reason Prism Central gives for edit conflicts;
//     it tells a client to read the entity again and retry. SPEC_UPDATE_ERROR is left for
//     specs that cannot be applied at all.
//   - Tasks move QUEUED, RUNNING (after half of Settings.TaskLatency, real time),
//     SUCCEEDED or FAILED (after the full latency). Their timestamps are simulated time.
//     The tasks of a site that is down do not move until it is up again.
//   - A site that is down keeps its state; its port refuses connections, and its peers'
//     availability zones and remote connections of it carry a REMOTE_CLUSTER_NOT_CONNECTED
//     message in status.message_list.
//
// # Locking
//
// Each PC's inventory is guarded by its own mutex; settings, faults and the life cycle by
// the world's. The model takes them, never a wire. A goroutine may take the world's mutex
// while holding a PC's, never the other way round, and never holds two PCs' mutexes at
// once. The replicator's mutex (replication.go) is like the world's: taken after a PC's,
// never before; so is each PC's MST mutex (mst.go), which a rule check may take for
// another PC's stores. Clock callbacks run without any of them held. A PC's listener and
// site state are guarded by its lifeMu, taken before its inventory mutex. Work on two PCs
// (pairing, unpairing) runs in a task's unlocked step, which takes the remote PC's mutex,
// then releases it before the task takes its own PC's.
package prismsim
