// Package v3 is prismsim's v3 wire: Prism Central's REST API under /api/nutanix/v3. It
// decodes requests, calls the model through the Backend it declares (package prismsim's
// PC implements it) and renders v3 JSON: the intentful envelope, lists with FIQL filters,
// tasks, categories, recovery points, job step trees and the v3 error shape. It takes no
// mutex and holds no state: what it shows comes from the typed values the model hands it
// (Entity, Task, RecoveryPoint...), and what it asks is typed arguments (Intent,
// JobRequest, TrustRequest...) answered with model errors (model.Error), which ErrorOf
// maps to v3 statuses and reasons.
//
// Routes lists every route; package prismsim adds them to each PC's HTTPS pipeline
// (wire_v3.go), which counts, faults and records them.
package v3
