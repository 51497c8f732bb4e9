// Package prismsim emulates Prism Central's v3 REST API with state, so that the provider,
// its tests and users' CI can run disaster-recovery topologies without a Prism Central.
//
// A World holds several PCs. Each PC has its own HTTPS listener on 127.0.0.1, its own
// self-signed certificate (SANs 127.0.0.1 and localhost) and credentials, and its own
// inventory: clusters, VLAN subnets, VMs, categories and tasks. The PCs share one simulated
// Clock (World.Clock) and one set of Settings.
//
// # Layout
//
//   - config.go, presets.go: WorldConfig, LoadConfig (JSON or YAML), named presets.
//   - world.go, pc.go, certs.go, clock.go: life cycle, listeners, certificates, simulated time.
//   - server.go: routing (path templates), basic authentication, the recorder (OnExchange),
//     request counters and fault application, around every v3 handler.
//   - envelope.go: the intentful envelope {api_version, metadata, spec, status} and the
//     generic get, list, create, update and delete of an entity kind.
//   - list.go: list bodies, FIQL filters, sorting and paging. errors.go: the v3 error shape.
//   - tasks.go: the task engine (PC.startTask) and /tasks. faults.go, admin.go: /_prismsim.
//   - categories.go, clusters.go, subnets.go, vms.go: one file per kind.
//   - dr.go: enabling disaster recovery (the Local availability zone), the service status,
//     and PC.requireDR, which kinds that need disaster recovery call.
//   - availability_zones.go, remote_connections.go, cloud_trusts.go: pairing PCs of the
//     world and unpairing them, both sides at once.
//   - sites.go: World.SiteDown and World.SiteUp, and their admin routes.
//   - protection_rules.go: the protection_rule kind, its checks and its copies on paired PCs.
//   - replication.go: schedules on the simulated clock, transfers, suspension while a site
//     is down, synchronous replicas. recovery_points.go: each PC's recovery points, their
//     retention and /vm_recovery_points.
//   - ssh.go: the PC VM's SSH server (PCConfig.SSH). mst_cli.go: clustermgmt-cli mst
//     deploy, list and remove, as it runs there. mst.go: MST deployments, the recovery
//     point stores they create, their checks in protection rules and their stats.
//     v4_stores.go: GET /api/dataprotection/v4.4/config/recovery-point-stores.
//   - presets_pilot.go: the nc2-pilot-light preset.
//   - recovery_plans.go: the recovery_plan kind, its checks against every site it names
//     and its copies on paired PCs. recovery_plans_status.go: its computed status and
//     /recovery_plans/{uuid}/entities. recovery_plans_model.go: a plan resolved to PCs of
//     the world (stages, entity resolution, network mapping lookup) and the facts of each
//     site it is checked against.
//
// # Adding a kind
//
// A new intentful kind is a new file: a kindSpec (how to check an intent, render its status,
// expose list attributes) passed to registerKind with the operations it supports, in the
// file's init function. Routes that are not plain entity operations are added with
// registerAPI; admin endpoints with registerAdmin. Asynchronous work goes through
// PC.startTask, whose run function applies the change when the task succeeds. A kind whose
// changes reach other PCs or start simulations sets kindSpec.beforeCommit (runs in the task
// without any mutex held) and kindSpec.afterCommit (runs when the change is committed).
// A kind whose intent refers to other PCs' inventory sets kindSpec.precheck, which runs
// before the request is accepted without any mutex held.
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
// the world's. A goroutine may take the world's mutex while holding a PC's, never the other
// way round, and never holds two PCs' mutexes at once. The replicator's mutex
// (replication.go) is like the world's: taken after a PC's, never before; so is each PC's
// MST mutex (mst.go), which a rule check may take for another PC's stores. Clock callbacks
// run without any of them held. A PC's listener and site state are guarded by its lifeMu, taken before its
// inventory mutex. Work on two PCs (pairing, unpairing) runs in a task's unlocked step,
// which takes the remote PC's mutex, then releases it before the task takes its own PC's.
package prismsim
