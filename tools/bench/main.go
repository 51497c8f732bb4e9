// Command bench measures what the provider costs Prism Central at scale: for N category values
// under one key it runs create (`tofu apply`), refresh (`tofu plan`, which must find nothing to
// do) and destroy (`tofu destroy -refresh=false`, the deletes alone) through OpenTofu against an
// in-process prismsim world, and reports the requests each phase sent per object (prismsim
// counts them per route) and its wall time. With -base it builds the provider of another git
// revision into a temporary directory and measures it the same way in the same run, N by N,
// so the two codes are compared on the same machine under the same load.
//
// Usage (from the repository root; make bench builds what it needs first):
//
//	go run ./tools/bench -tofu bin/tofu -provider-dir bin [-base REV] [-n 100,500,2000]
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/scenario"
)

// providerBinary is the executable name dev_overrides looks for.
const providerBinary = "terraform-provider-nutanixdr"

// pcName is the Prism Central of the preset the benchmark talks to.
const pcName = "canada"

// phases are measured in this order on each world.
var phases = []phase{
	{name: "create", args: []string{"apply", "-auto-approve"}},
	{name: "refresh", args: []string{"plan", "-detailed-exitcode"}},
	{name: "destroy", args: []string{"destroy", "-auto-approve", "-refresh=false"}},
}

type phase struct {
	name string
	args []string
}

// code is one build of the provider under measure.
type code struct {
	label string
	dir   string // holds providerBinary
}

// result is one phase of one code at one N.
type result struct {
	code     string
	n        int
	phase    string
	requests prismsim.RequestCounts
	wall     time.Duration
}

func main() {
	var (
		tofu        = flag.String("tofu", "bin/tofu", "OpenTofu executable")
		providerDir = flag.String("provider-dir", "bin", "directory holding the provider executable under measure")
		base        = flag.String("base", "", "git revision whose provider is measured beside it (empty: none)")
		sizes       = flag.String("n", "100,500", "comma-separated numbers of category values")
		parallelism = flag.Int("parallelism", 10, "OpenTofu's -parallelism")
		count       = flag.Int("count", 1, "runs of each N and code; the report gives the median wall time (and requests)")
		routes      = flag.Bool("routes", false, "also print the requests of each phase by route")
		latency     = flag.Duration("latency", 0, "time prismsim adds to every API request, as a remote Prism Central would (0: none)")
		resources   = flag.Bool("resources", false, "also count the requests of each resource type's create, refresh, update and delete")
	)
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, options{tofu: *tofu, providerDir: *providerDir, base: *base, sizes: *sizes,
		parallelism: *parallelism, count: max(*count, 1), routes: *routes, latency: *latency, resources: *resources}); err != nil {
		_, _ = fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// options are the command line's settings.
type options struct {
	tofu, providerDir, base, sizes string
	parallelism, count             int
	routes, resources              bool
	latency                        time.Duration
}

func run(ctx context.Context, o options) error {
	var ns []int
	if o.sizes != "" {
		var err error
		if ns, err = parseSizes(o.sizes); err != nil {
			return err
		}
	}
	tofu, err := filepath.Abs(o.tofu)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "nutanixdr-bench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()

	current, err := filepath.Abs(o.providerDir)
	if err != nil {
		return err
	}
	codes := []code{{label: "new", dir: current}}
	if o.base != "" {
		dir, err := buildRevision(ctx, o.base, filepath.Join(tmp, "base"))
		if err != nil {
			return err
		}
		codes = append([]code{{label: "base " + shortRev(o.base), dir: dir}}, codes...)
	}

	var results []result
	round := 0
	for _, n := range ns {
		var runs []result
		for range o.count {
			// The codes take turns going first, so that neither always meets the machine as
			// the other left it.
			order := codes
			if round%2 == 1 {
				order = slices.Clone(codes)
				slices.Reverse(order)
			}
			round++
			for _, c := range order {
				_, _ = fmt.Fprintf(os.Stderr, "bench: N=%d, %s\n", n, c.label)
				rs, err := measure(ctx, tofu, c, n, o, filepath.Join(tmp, fmt.Sprintf("run-%d-%d", n, len(runs))))
				if err != nil {
					return fmt.Errorf("measuring %d values with %s: %w", n, c.label, err)
				}
				runs = append(runs, rs...)
			}
		}
		for _, c := range codes {
			for _, ph := range phases {
				results = append(results, median(runs, c.label, ph.name))
			}
		}
	}
	if o.latency > 0 {
		fmt.Printf("prismsim latency: %s per API request\n", o.latency)
	}
	if len(results) > 0 {
		report(os.Stdout, results, o.routes)
	}
	if o.resources {
		for _, c := range codes {
			rs, err := measureResources(ctx, tofu, c.dir, filepath.Join(tmp, "resources-"+strings.ReplaceAll(c.label, " ", "-")))
			if err != nil {
				return fmt.Errorf("%s: %w", c.label, err)
			}
			reportResources(os.Stdout, rs, c.label)
			if o.routes {
				reportResourceRoutes(os.Stdout, rs)
			}
		}
	}
	return nil
}

// measure starts a fresh world, runs the phases on it and returns their figures.
func measure(ctx context.Context, tofu string, c code, n int, o options, dir string) ([]result, error) {
	cfg, err := prismsim.Preset("leap-two-sites")
	if err != nil {
		return nil, err
	}
	w, err := startWorld(cfg)
	if err != nil {
		return nil, err
	}
	defer func() { _ = w.Close() }()
	if o.latency > 0 {
		// A latency fault with a count no run reaches applies to every request.
		f := prismsim.Fault{PC: pcName, PathPrefix: "/api/nutanix/v3/", Kind: prismsim.FaultLatency,
			Count: math.MaxInt32, Latency: prismsim.Duration(o.latency)}
		if _, err := w.AddFault(f); err != nil {
			return nil, err
		}
	}
	env, err := w.WriteState(filepath.Join(dir, "state"))
	if err != nil {
		return nil, err
	}
	pcEnv, ok := env.PCs[pcName]
	if !ok {
		return nil, fmt.Errorf("the preset has no PC %q", pcName)
	}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(configuration(n, pcEnv.CAFile)), 0o600); err != nil {
		return nil, err
	}
	cli := filepath.Join(dir, "tofu.tfrc")
	if err := os.WriteFile(cli, []byte(scenario.DevOverridesConfig(c.dir)), 0o600); err != nil {
		return nil, err
	}
	environ := tofuEnv(os.Environ(), cli, pcEnv)

	pc := w.PC(pcName)
	var out []result
	for _, ph := range phases {
		args := append([]string{ph.args[0], "-no-color", "-input=false", fmt.Sprintf("-parallelism=%d", o.parallelism)}, ph.args[1:]...)
		pc.ResetRequestCounts()
		start := time.Now()
		err := runTofu(ctx, tofu, work, environ, args)
		wall := time.Since(start)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ph.name, err)
		}
		out = append(out, result{code: c.label, n: n, phase: ph.name, requests: pc.RequestCounts(), wall: wall})
	}
	return out, nil
}

// configuration is the root module: one key and n values under it. Endpoint and credentials
// come from the environment (NUTANIX_*), never from the command line.
func configuration(n int, caFile string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    nutanixdr = { source = "nutanixdr/nutanixdr" }
  }
}

provider "nutanixdr" {
  ca_certificate = file(%q)
}

resource "nutanixdr_category" "bench" {
  name        = "bench"
  description = "request economy benchmark"
}

resource "nutanixdr_category_value" "bench" {
  count    = %d
  category = nutanixdr_category.bench.name
  value    = format("value-%%05d", count.index)
}
`, caFile, n)
}

// runTofu runs one OpenTofu command; its output is shown only when it fails. A plan with
// -detailed-exitcode that finds changes (exit 2) is a failure: the refresh must be clean.
func runTofu(ctx context.Context, tofu, dir string, environ, args []string) error {
	cmd := exec.CommandContext(ctx, tofu, args...)
	cmd.Dir = dir
	cmd.Env = environ
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("tofu %s: %w\n%s", strings.Join(args, " "), err, tail(output.String(), 40))
	}
	return nil
}

// buildRevision builds the provider of a git revision into dir/bin and returns that
// directory. The revision's tree is exported with git archive, so the repository's own
// worktrees and branches are left alone.
func buildRevision(ctx context.Context, rev, dir string) (string, error) {
	src := filepath.Join(dir, "src")
	bin := filepath.Join(dir, "bin")
	for _, d := range []string{src, bin} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return "", err
		}
	}
	_, _ = fmt.Fprintf(os.Stderr, "bench: building the provider of %s\n", rev)
	archive := exec.CommandContext(ctx, "git", "archive", "--format=tar", rev)
	extract := exec.CommandContext(ctx, "tar", "-x", "-C", src)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return "", err
	}
	var archiveErr bytes.Buffer
	archive.Stderr = &archiveErr
	extract.Stdin = pipe
	if err := archive.Start(); err != nil {
		return "", fmt.Errorf("git archive %s: %w", rev, err)
	}
	if out, err := extract.CombinedOutput(); err != nil {
		_ = archive.Wait()
		return "", fmt.Errorf("extracting %s: %w\n%s", rev, err, out)
	}
	if err := archive.Wait(); err != nil {
		return "", fmt.Errorf("git archive %s: %w\n%s", rev, err, archiveErr.String())
	}
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(bin, providerBinary), ".")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the provider of %s: %w\n%s", rev, err, out)
	}
	return bin, nil
}

// median returns the run of code and phase with the median wall time; its requests are the
// median requests of those runs.
func median(runs []result, code, phase string) result {
	var rs []result
	for _, r := range runs {
		if r.code == code && r.phase == phase {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b result) int { return cmp.Compare(a.requests.Total, b.requests.Total) })
	requests := rs[len(rs)/2].requests
	slices.SortFunc(rs, func(a, b result) int { return cmp.Compare(a.wall, b.wall) })
	out := rs[len(rs)/2]
	out.requests = requests
	return out
}

// report prints one line per N, code and phase.
func report(w io.Writer, results []result, routes bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	_, _ = fmt.Fprintln(tw, "N\tphase\tcode\trequests\trequests/object\twall\twall/object\t")
	for _, r := range results {
		_, _ = fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%.3f\t%.2fs\t%.1fms\t\n", r.n, r.phase, r.code, r.requests.Total,
			float64(r.requests.Total)/float64(r.n), r.wall.Seconds(),
			float64(r.wall.Microseconds())/1000/float64(r.n))
	}
	_ = tw.Flush()
	if !routes {
		return
	}
	for _, r := range results {
		_, _ = fmt.Fprintf(w, "\nN=%d %s %s:\n", r.n, r.phase, r.code)
		printRoutes(w, r.requests)
	}
}

// printRoutes prints request counts by route, sorted by route.
func printRoutes(w io.Writer, counts prismsim.RequestCounts) {
	names := make([]string, 0, len(counts.ByRoute))
	for name := range counts.ByRoute {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		_, _ = fmt.Fprintf(w, "  %6d  %s\n", counts.ByRoute[name], name)
	}
}

func parseSizes(s string) ([]int, error) {
	var ns []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-n: %q is not a positive number", f)
		}
		ns = append(ns, n)
	}
	if len(ns) == 0 {
		return nil, errors.New("-n: no sizes given")
	}
	return ns, nil
}

// tofuEnv is the scenarios' OpenTofu environment plus the PC's address and credentials.
func tofuEnv(environ []string, cliConfig string, pc prismsim.PCEnv) []string {
	return append(scenario.TofuEnv(environ, cliConfig),
		"NUTANIX_ENDPOINT="+pc.Endpoint,
		"NUTANIX_PORT="+strconv.Itoa(pc.Port),
		"NUTANIX_USERNAME="+pc.Username,
		"NUTANIX_PASSWORD="+pc.Password,
	)
}

// startWorld builds and starts a world; the caller closes it.
func startWorld(cfg prismsim.WorldConfig) (*prismsim.World, error) {
	w, err := prismsim.NewWorld(cfg)
	if err != nil {
		return nil, err
	}
	if err := w.Start(); err != nil {
		return nil, err
	}
	return w, nil
}

func shortRev(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}
