package model

// Fault kinds.
const (
	// FaultLatency delays matching requests by Latency, then serves them normally.
	FaultLatency = "latency"
	// FaultStatus answers matching requests with Status and a v3 JSON error, unprocessed.
	FaultStatus = "status"
	// FaultHTML500 answers matching requests with a 500 and an HTML page, unprocessed.
	FaultHTML500 = "html500"
	// FaultRetryAfter answers matching requests with Status (default 429) and a Retry-After
	// header of RetryAfterSeconds (default 1), unprocessed.
	FaultRetryAfter = "retry_after"
	// FaultDropAfterCommit processes and commits matching requests, then closes the
	// connection without answering.
	FaultDropAfterCommit = "drop_after_commit"
	// FaultTaskFailure makes the next Count tasks created by matching requests end FAILED.
	FaultTaskFailure = "task_failure"
	// FaultJobSourceDown takes the source (failed) site of the next Count recovery plan jobs
	// created by matching requests down once the job has powered the VMs off there (MIGRATE:
	// after its final sync; other actions: when the recovery starts), before any VM is
	// recovered. See tools/prismsim/README.md for what the job does then.
	FaultJobSourceDown = "job_source_down"
	// FaultJobPCRestart restarts the recovery Prism Central (its listener down, then up after
	// Latency of wall-clock time, default 2s) when the job's recovery starts; the job resumes.
	FaultJobPCRestart = "job_pc_restart"
	// FaultJobStuck holds the job in its first recovery stage for Latency of simulated time
	// (default 24h), past any client's timeout; it goes on once the clock has passed it.
	FaultJobStuck = "job_stuck"
)

// FaultKinds lists the fault kinds.
var FaultKinds = []string{FaultLatency, FaultStatus, FaultHTML500, FaultRetryAfter, FaultDropAfterCommit, FaultTaskFailure,
	FaultJobSourceDown, FaultJobPCRestart, FaultJobStuck}

// Fault is an injected misbehavior of a PC's v3 API. A request matches when it reaches PC
// (any PC when empty), its path starts with PathPrefix and its method is Method (any when
// empty). Each matching request consumes one of Count (task_failure: each task created);
// the fault disappears when Count reaches zero.
type Fault struct {
	ID                int      `json:"id"`
	PC                string   `json:"pc,omitempty"`
	PathPrefix        string   `json:"path_prefix"`
	Method            string   `json:"method,omitempty"`
	Kind              string   `json:"kind"`
	Count             int      `json:"count"`
	Status            int      `json:"status,omitempty"`
	Latency           Duration `json:"latency,omitempty"`
	RetryAfterSeconds int      `json:"retry_after_seconds,omitempty"`
	// ErrorCode is the reason a status fault's v3 error carries in its message_list, or the
	// error_code a task_failure fault's task ends with; left out, the reason of the status
	// (status) or INTERNAL_ERROR (task_failure).
	ErrorCode string `json:"error_code,omitempty"`
}
