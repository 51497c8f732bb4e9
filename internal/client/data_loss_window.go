package client

import (
	"context"
	"strings"
	"time"
)

// The data-loss window of an unplanned failover, from recovery points. The v4 recovery plan
// job has no such field, and the v3 job reports one only as an extension
// (status.data_loss_window_secs, which prismsim sends and Prism Central may not); when the job
// does not report it, the client works it out as Nutanix documents the unplanned failover
// (dataprotection RecoveryPlanJob.recoveryReferenceTime): each VM is restored from its latest
// recovery point taken at the failed zone on or before the recovery reference time, or
// before the job started when none was given. The window is the time between that point and
// the reference time, the longest over the recovered VMs. The points are those the recovery
// site's Prism Central holds (the client of the job), read through ListVMRecoveryPoints on
// whichever wire the client speaks for recovery points: one list per 20 VMs (over v4, two
// requests: v4_recovery_points.go).
//
// It is an upper bound of what was lost when the failed site went down before the job
// started (nothing was written after that), and it is worked out when the job is read once
// it has ended: a point that expired since makes it longer (it is worked out again only on
// import, the resource keeps what it recorded).

// dataLossVMsPerList bounds the VMs of one list request (the filter is one clause per VM).
const dataLossVMsPerList = 20

// fillDataLossWindow sets j.DataLossWindow of a completed unplanned failover that does not
// report one. A failure to read the recovery points leaves it unknown, with a warning: the
// failover itself succeeded.
func (c *Client) fillDataLossWindow(ctx context.Context, op string, j *RecoveryPlanJob) {
	if j == nil || j.DataLossWindow != nil || j.ActionType != JobActionFailover || !strings.HasPrefix(j.Status, JobStatusCompleted) {
		return
	}
	window, err := c.dataLossWindow(ctx, op, j)
	if err != nil {
		c.log.Warn(ctx, "could not work out the data-loss window of the unplanned failover from the recovery points",
			map[string]any{"operation": op, "job_uuid": j.UUID, "error": err.Error()})
		return
	}
	j.DataLossWindow = window
}

// dataLossWindow works the window of j out; nil when no recovered VM has a recovery point
// that could have been used.
func (c *Client) dataLossWindow(ctx context.Context, op string, j *RecoveryPlanJob) (*time.Duration, error) {
	ref := j.StartTime
	if t := j.RecoveryReferenceTime; t != nil && (ref.IsZero() || t.Before(ref)) {
		ref = *t
	}
	if ref.IsZero() {
		return nil, nil
	}
	var vms []string
	seen := map[string]bool{}
	for _, vm := range j.RecoveredVMs {
		if vm.Error == "" && vm.SourceUUID != "" && !seen[vm.SourceUUID] {
			seen[vm.SourceUUID] = true
			vms = append(vms, vm.SourceUUID)
		}
	}
	// The latest usable point of each VM.
	latest := map[string]time.Time{}
	for start := 0; start < len(vms); start += dataLossVMsPerList {
		chunk := vms[start:min(start+dataLossVMsPerList, len(vms))]
		terms := make([]string, len(chunk))
		for i, id := range chunk {
			terms[i] = "vm_uuid==" + id
		}
		points, err := kindVMRecoveryPoint.flow(ctx, c).list(ctx, c, op+": listing the recovery points of the recovered VMs", strings.Join(terms, ","), nil)
		if err != nil {
			return nil, err
		}
		for _, p := range points {
			if !seen[p.VMUUID] || p.CreationTime.IsZero() || p.CreationTime.After(ref) {
				continue
			}
			if j.FailedAZUUID != "" && p.SourceAvailabilityZoneUUID != "" && p.SourceAvailabilityZoneUUID != j.FailedAZUUID {
				continue // Not taken at the failed zone: not what the failover recovers from.
			}
			if t, ok := latest[p.VMUUID]; !ok || p.CreationTime.After(t) {
				latest[p.VMUUID] = p.CreationTime
			}
		}
	}
	var window *time.Duration
	for _, t := range latest {
		if d := ref.Sub(t); window == nil || d > *window {
			window = &d
		}
	}
	return window, nil
}
