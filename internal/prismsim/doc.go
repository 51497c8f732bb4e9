// Package prismsim emulates Prism Central's v3 REST API (and part of v4) with state, so
// that the provider, its tests and users' CI can run disaster-recovery topologies without
// a Prism Central.
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
//     sites, request counts, the clock), the category name rules, remote address parsing
//     and strict JSON decoding. It imports no net/http.
//   - v3: the v3 wire (/api/nutanix/v3): request and list decoding (FIQL filters, sorting,
//     paging), the v3 error shape and how model errors map to it, the intentful envelope
//     and the generic handlers of every intentful kind, and the routes particular to a
//     kind (categories, tasks, disaster recovery, pairing, jobs, recovery points...), on a
//     Backend it declares (v3/backend.go; PC implements it).
//   - v4: the v4 wire, on a Backend it declares (PC implements it).
//   - admin: the admin wire (/_prismsim), on a World it declares (wire_admin.go).
//   - ssh: the SSH wire, on a Host it declares (wire_ssh.go implements it).
//   - prismsim (this package): World and PC and the rest of the model (entities, kinds,
//     tasks, categories, the DR engine), the model operations the wires call (v3_backend.go
//     and the files of the model they name, v4_*.go), and the assembly: wire_v3.go and
//     wire_v4.go add their wires' routes to the HTTPS pipeline (server.go: routing,
//     authentication, request counters, faults, the recorder), wire_admin.go mounts the
//     admin wire, wire_ssh.go runs the ssh wire as a side wire of the world (world.go).
//
// Why the model stays here, behind the wires' interfaces, rather than moving to package
// model with World and PC: the model's operations are methods of World and PC and reach
// into every kind's facts, so moving them is one move of some 14,000 lines with every
// kind at once; declaring what each wire needs as an interface in the wire's package
// (v3.Backend, v4.Backend) and implementing it here got the v3 wire out kind by kind,
// each step checked by the contract tests, the prism-go-client suite and the refusal
// table, without touching the model's code paths. The interfaces take and answer typed
// values (v3.Entity, v3.Intent, v3.Task, v3.JobRequest...), so the model can still move
// behind them later.
//
// What of v3's shapes the model still holds, and why:
//
//   - Intents are stored as v3 sent them (snapshot.spec is v3 JSON) and the kinds' checks
//     read them so; the v4 wire maps its bodies to that intent (v4_policies.go,
//     v4_plans.go). Each kind's status (kindSpec.status) is computed from that intent and
//     the model's facts in v3's shape, and handed to the wire in v3.Entity.Status; so are
//     the findings of a plan and a job (messageItem, v3's reasons) and the location
//     orders of a plan's entities.
//   - errors.go gives short names of package v3's reasons (those findings use them) and
//     error constructors (the assembly's: server.go and faults.go answer unknown paths,
//     oversized bodies and injected faults in the v3 error shape, as the PC's gateway
//     does). No model operation or check builds a v3 error any more: they answer
//     model.Error; tasks.go shows a failed task's error as v3 does (v3.ErrorOf's reason
//     and message).
//   - The admin wire's state dump (admin.go) renders entities, tasks and categories with
//     package v3's rendering functions.
//
// # Names: provider, model, v3
//
// The provider's resources, the model's names and the v3 wire's, for a newcomer who
// knows one of them (v3/ files are package v3's; the others are this package's model):
//
//	provider resource / data source    model (types, operations)            v3 path                                 model files; wire files (v3/, v4/)
//	nutanixdr_availability_zone        ctKind, PC.pair (Pair), PC.unpair (Unpair), PC.AvailabilityZone  /cloud_trusts, /availability_zones  cloud_trusts.go, availability_zones.go, remote_connections.go, v4_pairing.go; v3/cloud_trusts.go, v3/availability_zones.go, v4/domain_manager_actions.go
//	nutanixdr_category(_value)         categoryKey(Info), categoryValue(Info), PC.putCategoryKey (PutCategoryKey)...  /categories/{name}[/{value}], /category/query  category_model.go, model/categories.go; v3/categories.go
//	nutanixdr_disaster_recovery        PC.enableDR (EnableDR), PC.drState (DRService), PC.drRequired  /services/disaster_recovery  dr.go, v4_products.go; v3/dr.go, v4/products.go
//	nutanixdr_protection_policy        policyKind, policyData, policyFact, PC.ProtectedVMs  /protection_rules  protection_rules.go (v3 names: prSpecView...), replication.go, v4_policies.go; v3/protection_rules.go, v4/policies.go
//	nutanixdr_recovery_plan            planKind, planData, recoveryPlan, PC.PlanEntities  /recovery_plans     recovery_plans.go, recovery_plans_model.go, recovery_plans_status.go, v4_plans.go; v3/recovery_plans.go, v4/plans.go
//	nutanixdr_failover                 jobKind, jobState, PC.createJob (CreateJob), gatherFailoverFacts, planFailover  /recovery_plan_jobs  recovery_plan_jobs.go, failover.go, witness.go; v3/recovery_plan_jobs.go
//	nutanixdr_mst_target               mstState, model.RecoveryPointStore    (none: clustermgmt-cli over ssh; v4 reads)  mst.go, mst_cli.go, wire_ssh.go, v4/stores.go
//	nutanixdr_subnet(s)                subnetKind                            /subnets                                subnets.go, subnets_write.go, v4_networking.go; v4/networking.go
//	nutanixdr_vpc(s)                   vpcKind                               /vpcs                                   vpcs.go, v4_networking.go; v4/networking.go
//	nutanixdr_vpc_route_table          routeTableKind                        /vpcs/{uuid}/route_tables               route_tables.go, v4_networking.go; v3/route_tables.go, v4/networking.go
//	nutanixdr_vm(s), nutanixdr_vm_categories  vmKind                         /vms                                    vms.go, v4_vms.go; v4/vms.go
//	nutanixdr_cluster                  clusterKind                           /clusters                               clusters.go, v4_clusters.go; v4/clusters.go
//	(recovery points, read by failover) recoveryPoint, pointStore, pointView, PC.VMRecoveryPoints  /vm_recovery_points  recovery_points.go, v4_recovery_points.go; v3/recovery_points.go, v4/recovery_points.go
//	(every intentful kind)             entity, snapshot, kindSpec, PC.createEntity (CreateEntity)...  POST/GET/PUT/DELETE /{kind}s  kinds.go, entities.go, v3_backend.go; v3/envelope.go, v3/routes.go
//	(every task)                       task, PC.startTask, PC.pollTasks (PollTasks)  /tasks                      tasks.go; v3/tasks.go
//
// A model operation in parentheses is the exported method of v3.Backend that calls it.
// In names, plan means a recovery plan, point a recovery point, policy a protection
// policy (the v3 protection_rule); pr* names are the v3 protection_rule's spec views.
//
// # Layout
//
// This package (the model and the assembly):
//
//   - config.go, presets*.go: WorldConfig, LoadConfig (JSON or YAML), named presets.
//   - world.go, pc.go, certs.go: life cycle, listeners, side wires, certificates, site state.
//   - server.go: routing (path templates), basic authentication, mounts, the recorder
//     (OnExchange), request counters and fault interception, around every v3 and v4 handler.
//     wire_v3.go, wire_v4.go, wire_admin.go, wire_ssh.go: the wires assembled.
//   - kinds.go: kindSpec, the registry of kinds, entity and snapshot. entities.go: the
//     model's entity operations. v3_backend.go: the entity, task-view and category
//     operations of v3.Backend (the other kinds' are in their files, named in the table).
//   - errors.go, model_errors.go: short names of package v3's and package model's.
//   - tasks.go: the task engine (PC.startTask, pollTasks). faults.go: the fault engine
//     (what the admin wire's faults do to requests, tasks and jobs). admin.go: World.State.
//   - category_model.go, clusters.go, subnets.go, vms.go: the inventory kinds.
//   - dr.go: enabling disaster recovery (the Local availability zone), the service state.
//   - availability_zones.go, remote_connections.go, cloud_trusts.go: pairing PCs of the
//     world and unpairing them, both sides at once.
//   - sites.go: World.SiteDown and World.SiteUp, and their admin routes.
//   - protection_rules.go: protection policies, their checks and their copies on paired PCs.
//   - replication.go: schedules on the simulated clock, transfers, suspension while a site
//     is down, synchronous replicas. recovery_points.go: each PC's recovery points and
//     their retention.
//   - mst.go: MST deployments, the recovery point stores they create, their checks in
//     protection policies and their stats. mst_cli.go: clustermgmt-cli mst deploy, list and
//     remove, as the PC VM runs them (over the ssh wire).
//   - recovery_plans.go: recovery plans, their checks against every site they name and
//     their copies on paired PCs. recovery_plans_status.go: their computed status and the
//     entities they select (PlanEntities). recovery_plans_model.go: a plan resolved to PCs
//     of the world and the facts of each site it is checked against.
//   - recovery_plan_jobs.go: jobs (failover, migrate, test failover, validate, cleanup,
//     rerun). failover.go: what a job does; gatherFailoverFacts copies both sites' facts
//     under their mutexes, planFailover plans from them without any. witness.go: automatic
//     failover.
//   - v4_*.go: the model operations of v4.Backend.
//
// Package v3 (the v3 wire):
//
//   - backend.go: Backend, the interfaces it gathers, and /versions. routes.go: the
//     generic routes of each intentful kind and Routes.
//   - request.go: Request, body and uuid decoding. errors.go: the v3 error shape, its
//     reasons and ErrorOf (model errors to v3 answers). list.go: list bodies, FIQL
//     filters, sorting and paging.
//   - envelope.go: Entity and Intent, the intentful envelope and the generic handlers.
//   - one file for each kind with routes of its own: availability_zones.go,
//     categories.go, cloud_trusts.go, dr.go, protection_rules.go, recovery_plans.go,
//     recovery_plan_jobs.go, recovery_points.go, route_tables.go, tasks.go.
//
// # Adding a kind
//
// A new intentful kind is a new file: a kindSpec (how to check an intent, render its status,
// expose list attributes) passed to registerKind in the file's init function, and a line
// of v3/routes.go's entityKinds naming the generic routes it serves; the generic model
// operations (entities.go, v3_backend.go) and v3 handlers (v3/envelope.go) serve it. A
// kindSpec.beforeView refreshes what its status shows before it is read. Routes that are
// not plain entity operations are a handler in package v3 that decodes and renders (added
// with addRoutes in the v3 file's init function), a method of the interface the handler
// needs (declared beside it, gathered in v3.Backend), and that method on PC: a model
// operation that locks and answers model errors and typed values; admin endpoints are
// package admin's. Asynchronous work goes through PC.startTask, whose run function
// applies the change when the task succeeds.
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
