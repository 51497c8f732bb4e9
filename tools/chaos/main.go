// Command chaos runs the fault campaign (`make chaos`): N seeded runs of internal/scenario's
// Chaos on the leap-two-sites topology, each with a log of its own under -logs, then the
// figures and the fault x operation matrix. It exits 1 when an invariant was violated.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/scenario"
)

func main() {
	var (
		n           = flag.Int("n", 10, "number of seeded runs")
		first       = flag.Uint64("seed", 1, "seed of the first run; run i uses seed+i")
		budget      = flag.Duration("duration", 30*time.Minute, "stop starting runs after this long")
		runTimeout  = flag.Duration("run-timeout", 8*time.Minute, "time limit of one run")
		tofu        = flag.String("tofu", "bin/tofu", "OpenTofu executable")
		providerDir = flag.String("provider-dir", "bin", "directory holding the terraform-provider-nutanixdr executable")
		examples    = flag.String("examples", "examples/scenarios", "directory holding the scenarios' configurations")
		logs        = flag.String("logs", "bin/chaos", "directory of the per-seed logs and the summary")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := os.MkdirAll(*logs, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(2)
	}
	start := time.Now()
	var results []scenario.ChaosResult
	for i := 0; i < *n && ctx.Err() == nil && time.Since(start) < *budget; i++ {
		seed := *first + uint64(i)
		res := runOne(ctx, seed, *runTimeout, *logs, scenario.Config{Tofu: *tofu, ProviderDir: *providerDir, ExamplesDir: *examples})
		results = append(results, res)
		status := "ok"
		if res.Err != nil {
			status = "harness error: " + res.Err.Error()
		} else if len(res.Violations) > 0 {
			status = fmt.Sprintf("%d violation(s): %s", len(res.Violations), strings.Join(res.Violations, "; "))
		} else if len(res.Notes) > 0 {
			status = "ok; note: " + strings.Join(res.Notes, "; ")
		}
		fmt.Printf("seed %-4d apply: %-17s %-7s %-19s landed %-5t failed %-5t | %-9s failover: %-17s landed %-5t failed %-5t | %5.1fs  %s\n",
			seed, res.ApplyFault, res.ApplyPC, strings.TrimPrefix(res.ApplyPath, "/api/nutanix/v3/"), res.ApplyLanded, res.ApplyFailed,
			res.Failover, res.FOFault, res.FailoverLanded, res.FailoverFailed, res.Duration.Seconds(), status)
	}
	summary := summarize(results, time.Since(start))
	fmt.Print("\n" + summary)
	if err := os.WriteFile(filepath.Join(*logs, "summary.txt"), []byte(summary), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
	}
	for _, r := range results {
		if len(r.Violations) > 0 || r.Err != nil {
			os.Exit(1)
		}
	}
}

// runOne runs one seed with its log in dir/seed-N.log.
func runOne(ctx context.Context, seed uint64, timeout time.Duration, dir string, cfg scenario.Config) scenario.ChaosResult {
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("seed-%d.log", seed)))
	if err != nil {
		return scenario.ChaosResult{Seed: seed, Err: err}
	}
	defer func() { _ = f.Close() }()
	cfg.Out = f
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res := scenario.Chaos(rctx, cfg, seed)
	writeResult(f, res)
	return res
}

func writeResult(w io.Writer, r scenario.ChaosResult) {
	_, _ = fmt.Fprintf(w, "\n==> chaos result: seed %d, apply under %s on %s %s (landed: %t, failed: %t, converged in %d), %s failover under %s (landed: %t, failed: %t, converged in %d), %s\n",
		r.Seed, r.ApplyFault, r.ApplyPC, r.ApplyPath, r.ApplyLanded, r.ApplyFailed, r.ApplyConverge, r.Failover, r.FOFault,
		r.FailoverLanded, r.FailoverFailed, r.FailoverConverge, r.Duration)
	for _, v := range r.Violations {
		_, _ = fmt.Fprintf(w, "VIOLATION: %s\n", v)
	}
	for _, n := range r.Notes {
		_, _ = fmt.Fprintf(w, "NOTE: %s\n", n)
	}
	if r.Err != nil {
		_, _ = fmt.Fprintf(w, "HARNESS ERROR: %v\n", r.Err)
	}
}

// summarize renders the figures and the matrices: apply fault x aimed path, failover fault x
// failover type; each cell is runs/violations.
func summarize(results []scenario.ChaosResult, took time.Duration) string {
	var b strings.Builder
	violations, errs, applyFailed, foFailed, applyLanded, foLanded, notes := 0, 0, 0, 0, 0, 0, 0
	for _, r := range results {
		notes += len(r.Notes)
		if r.ApplyLanded {
			applyLanded++
		}
		if r.FailoverLanded {
			foLanded++
		}
		violations += len(r.Violations)
		if r.Err != nil {
			errs++
		}
		if r.ApplyFailed {
			applyFailed++
		}
		if r.FailoverFailed {
			foFailed++
		}
	}
	fmt.Fprintf(&b, "chaos: %d runs in %s, %d invariant violation(s), %d harness error(s), %d note(s)\n"+
		"apply faults that landed: %d, faulted applies that failed: %d; failover faults that landed: %d, faulted failovers that failed: %d\n"+
		"(every failed apply then converged with plain applies unless a violation says otherwise)\n\n",
		len(results), took.Round(time.Second), violations, errs, notes, applyLanded, applyFailed, foLanded, foFailed)
	matrix(&b, "apply fault \\ path", results, func(r scenario.ChaosResult) (string, string) {
		return r.ApplyFault, strings.TrimPrefix(r.ApplyPath, "/api/nutanix/v3/")
	})
	b.WriteString("\n")
	matrix(&b, "failover fault \\ type", results, func(r scenario.ChaosResult) (string, string) { return r.FOFault, r.Failover })
	return b.String()
}

func matrix(b *strings.Builder, title string, results []scenario.ChaosResult, key func(scenario.ChaosResult) (string, string)) {
	type cell struct{ runs, bad int }
	cells := map[[2]string]*cell{}
	rows, cols := map[string]bool{}, map[string]bool{}
	for _, r := range results {
		row, col := key(r)
		rows[row], cols[col] = true, true
		c := cells[[2]string{row, col}]
		if c == nil {
			c = &cell{}
			cells[[2]string{row, col}] = c
		}
		c.runs++
		if len(r.Violations) > 0 || r.Err != nil {
			c.bad++
		}
	}
	sortedKeys := func(m map[string]bool) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	rs, cs := sortedKeys(rows), sortedKeys(cols)
	fmt.Fprintf(b, "%-22s", title)
	for _, c := range cs {
		fmt.Fprintf(b, " %-18s", c)
	}
	b.WriteString("   (runs/violating runs)\n")
	for _, r := range rs {
		fmt.Fprintf(b, "%-22s", r)
		for _, c := range cs {
			if x := cells[[2]string{r, c}]; x != nil {
				fmt.Fprintf(b, " %-18s", fmt.Sprintf("%d/%d", x.runs, x.bad))
			} else {
				fmt.Fprintf(b, " %-18s", "-")
			}
		}
		b.WriteString("\n")
	}
}
