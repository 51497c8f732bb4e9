package prismsim

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// The fault kinds, the Fault type and FaultKinds are the model's (model/faults.go).
const (
	FaultLatency         = model.FaultLatency
	FaultStatus          = model.FaultStatus
	FaultHTML500         = model.FaultHTML500
	FaultRetryAfter      = model.FaultRetryAfter
	FaultDropAfterCommit = model.FaultDropAfterCommit
	FaultTaskFailure     = model.FaultTaskFailure
	FaultJobSourceDown   = model.FaultJobSourceDown
	FaultJobPCRestart    = model.FaultJobPCRestart
	FaultJobStuck        = model.FaultJobStuck
)

// Fault is an injected misbehavior of a PC (model.Fault).
type Fault = model.Fault

// FaultKinds lists the fault kinds.
var FaultKinds = model.FaultKinds

// jobFaultKinds are the kinds consumed when a recovery plan job is created.
var jobFaultKinds = []string{FaultJobSourceDown, FaultJobPCRestart, FaultJobStuck}

// errorCodePattern is what an error_code of a fault may be: an upper-case identifier, as
// Prism Central's reasons are (ENTITY_NOT_FOUND, CONCURRENT_REQUESTS_NOT_ALLOWED).
var errorCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

// normalizeFault checks f and fills its defaults.
func normalizeFault(f *Fault, w *World) error {
	if f.PC != "" && w.PC(f.PC) == nil {
		return fmt.Errorf("unknown pc %q (known: %s)", f.PC, strings.Join(w.PCNames(), ", "))
	}
	if f.PathPrefix != "" && !strings.HasPrefix(f.PathPrefix, "/") {
		return fmt.Errorf("path_prefix %q must start with /", f.PathPrefix)
	}
	f.Method = strings.ToUpper(f.Method)
	if f.Count < 0 {
		return fmt.Errorf("count %d is negative", f.Count)
	}
	if f.Count == 0 {
		f.Count = 1
	}
	if f.ErrorCode != "" {
		if f.Kind != FaultStatus && f.Kind != FaultTaskFailure {
			return fmt.Errorf("error_code applies to kinds status and task_failure, not %s", f.Kind)
		}
		if !errorCodePattern.MatchString(f.ErrorCode) {
			return fmt.Errorf("error_code %q must be an upper-case identifier such as ENTITY_NOT_FOUND", f.ErrorCode)
		}
	}
	switch f.Kind {
	case FaultLatency:
		if f.Latency <= 0 {
			return fmt.Errorf("kind latency needs a positive latency, e.g. \"2s\"")
		}
	case FaultStatus:
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("kind status needs a status between 400 and 599, got %d", f.Status)
		}
	case FaultRetryAfter:
		if f.Status == 0 {
			f.Status = http.StatusTooManyRequests
		}
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("kind retry_after needs a status between 400 and 599, got %d", f.Status)
		}
		if f.RetryAfterSeconds < 0 {
			return fmt.Errorf("retry_after_seconds %d is negative", f.RetryAfterSeconds)
		}
		if f.RetryAfterSeconds == 0 {
			f.RetryAfterSeconds = 1
		}
	case FaultHTML500, FaultDropAfterCommit, FaultTaskFailure, FaultJobSourceDown:
	case FaultJobPCRestart:
		if f.Latency < 0 {
			return fmt.Errorf("kind job_pc_restart needs a positive latency (how long the PC is down), e.g. \"2s\"")
		}
		if f.Latency == 0 {
			f.Latency = Duration(2 * time.Second)
		}
	case FaultJobStuck:
		if f.Latency < 0 {
			return fmt.Errorf("kind job_stuck needs a positive latency (how long the job is stuck, in simulated time), e.g. \"24h\"")
		}
		if f.Latency == 0 {
			f.Latency = Duration(24 * time.Hour)
		}
	default:
		return fmt.Errorf("unknown fault kind %q (known: %s)", f.Kind, strings.Join(FaultKinds, ", "))
	}
	return nil
}

func faultMatches(f *Fault, pc, method, path string) bool {
	return (f.PC == "" || f.PC == pc) &&
		strings.HasPrefix(path, f.PathPrefix) &&
		(f.Method == "" || f.Method == method)
}

// AddFault installs a fault and returns it with its ID and defaults filled in.
func (w *World) AddFault(f Fault) (Fault, error) {
	if err := normalizeFault(&f, w); err != nil {
		return Fault{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.faultSeq++
	f.ID = w.faultSeq
	stored := f
	w.faults = append(w.faults, &stored)
	return f, nil
}

// Faults returns the installed faults with their remaining counts.
func (w *World) Faults() []Fault {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Fault, 0, len(w.faults))
	for _, f := range w.faults {
		out = append(out, *f)
	}
	return out
}

// ClearFaults removes every fault, or only those of one PC when pc is not empty. It returns
// how many it removed.
func (w *World) ClearFaults(pc string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	kept := w.faults[:0]
	removed := 0
	for _, f := range w.faults {
		if pc != "" && f.PC != pc {
			kept = append(kept, f)
			continue
		}
		removed++
	}
	for i := len(kept); i < len(w.faults); i++ {
		w.faults[i] = nil
	}
	w.faults = kept
	return removed
}

// takeFaults consumes the faults that apply to a request: every matching latency fault,
// the first matching answering fault (status, html500, retry_after) and the first matching
// drop_after_commit fault. Faults of kind task_failure are consumed when tasks are created.
func (w *World) takeFaults(pc, method, path string) interception {
	var fx interception
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.faults {
		if f.Count == 0 || !faultMatches(f, pc, method, path) {
			continue
		}
		switch f.Kind {
		case FaultLatency:
			fx.latency += f.Latency.Std()
		case FaultStatus, FaultHTML500, FaultRetryAfter:
			if fx.respond != nil {
				continue
			}
			fx.respond = faultResponder(*f)
		case FaultDropAfterCommit:
			if fx.drop {
				continue
			}
			fx.drop = true
		default:
			continue
		}
		f.Count--
	}
	w.pruneFaultsLocked()
	return fx
}

// takeJobFault consumes one matching fault of a job kind (job_source_down, job_pc_restart,
// job_stuck), if any, for a job being created.
func (w *World) takeJobFault(info reqInfo) (Fault, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.faults {
		if slices.Contains(jobFaultKinds, f.Kind) && f.Count > 0 && faultMatches(f, info.pc, info.method, info.path) {
			f.Count--
			taken := *f
			w.pruneFaultsLocked()
			return taken, true
		}
	}
	return Fault{}, false
}

func init() {
	intercept = (*World).takeFaults
	taskFailureInjector = injectedTaskFailure
	jobFaultInjector = injectedJobFault
}

// injectedJobFault consumes a job fault matching the request in ctx, if any.
func injectedJobFault(w *World, ctx context.Context) *jobFault {
	info, ok := requestInfo(ctx)
	if !ok {
		return nil
	}
	f, hit := w.takeJobFault(info)
	if !hit {
		return nil
	}
	return &jobFault{kind: f.Kind, latency: f.Latency.Std()}
}

// injectedTaskFailure consumes a task_failure fault matching the request in ctx, if any,
// and returns the error the task of opType it creates fails with.
func injectedTaskFailure(w *World, ctx context.Context, opType string) error {
	info, ok := requestInfo(ctx)
	if !ok {
		return nil
	}
	f, hit := w.takeTaskFailure(info)
	if !hit {
		return nil
	}
	code := f.ErrorCode
	if code == "" {
		code = reasonInternal
	}
	return failf(errInternal, code, "%s failed: injected task failure (fault %d)", opType, f.ID)
}

// takeTaskFailure consumes one matching task_failure fault, if any.
func (w *World) takeTaskFailure(info reqInfo) (Fault, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.faults {
		if f.Kind == FaultTaskFailure && f.Count > 0 && faultMatches(f, info.pc, info.method, info.path) {
			f.Count--
			taken := *f
			w.pruneFaultsLocked()
			return taken, true
		}
	}
	return Fault{}, false
}

func (w *World) pruneFaultsLocked() {
	kept := w.faults[:0]
	for _, f := range w.faults {
		if f.Count > 0 {
			kept = append(kept, f)
		}
	}
	for i := len(kept); i < len(w.faults); i++ {
		w.faults[i] = nil
	}
	w.faults = kept
}

func faultResponder(f Fault) func(kind string) response {
	return func(kind string) response {
		switch f.Kind {
		case FaultHTML500:
			body := "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head><body>" +
				"<h1>Internal Server Error</h1><p>The server encountered an internal error and was unable " +
				"to complete your request.</p></body></html>\n"
			return response{status: http.StatusInternalServerError, contentType: "text/html; charset=utf-8", body: []byte(body)}
		case FaultRetryAfter:
			resp := errorResponseOf(kind, errorf(f.Status, v3.ReasonForStatus(f.Status),
				"too many requests: retry after %d seconds", f.RetryAfterSeconds))
			resp.header = http.Header{"Retry-After": []string{strconv.Itoa(f.RetryAfterSeconds)}}
			return resp
		default:
			reason := f.ErrorCode
			if reason == "" {
				reason = v3.ReasonForStatus(f.Status)
			}
			return errorResponseOf(kind, errorf(f.Status, reason,
				"%s: the service could not handle the request", http.StatusText(f.Status)))
		}
	}
}
