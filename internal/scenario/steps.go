package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"time"
)

// Apply runs `tofu apply -auto-approve` with the world's env.json as var file. Vars (name to
// value, passed as -var name=value: a string is given bare, e.g. "active_site" = "france",
// numbers and bools as written) are added to those of earlier applies and kept for the final
// destroy. Args are extra arguments for this apply only (e.g. -refresh=false, -target=ADDR).
type Apply struct {
	// Description replaces the default title.
	Description string
	Vars        map[string]string
	Args        []string
}

// Title implements Step.
func (s Apply) Title() string {
	if s.Description != "" {
		return s.Description
	}
	if len(s.Vars) == 0 {
		return "tofu apply"
	}
	return "tofu apply with " + formatVars(s.Vars)
}

// Do implements Step.
func (s Apply) Do(ctx context.Context, r *Run) error {
	r.SetVars(s.Vars)
	return r.Tofu(ctx, r.withVars(applyArgs(s.Args...)...)...)
}

// ApplyIn runs `tofu -chdir=DIR apply` on a configuration of its own in a directory of the
// scenario's (the disaster configuration), with the var file only: the recorded variables
// belong to the scenario's configuration.
type ApplyIn struct {
	Dir         string
	Description string
}

// Title implements Step.
func (s ApplyIn) Title() string {
	if s.Description != "" {
		return s.Description
	}
	return "tofu -chdir=" + s.Dir + " apply"
}

// Do implements Step.
func (s ApplyIn) Do(ctx context.Context, r *Run) error {
	return r.Tofu(ctx, append([]string{"-chdir=" + s.Dir}, applyArgs("-var-file="+r.VarFile())...)...)
}

// PlanEmpty runs `tofu plan` and fails when it proposes any change: after an apply, the
// configuration and the PCs must agree.
type PlanEmpty struct{}

// Title implements Step.
func (PlanEmpty) Title() string { return "tofu plan proposes no change" }

// Do implements Step.
func (PlanEmpty) Do(ctx context.Context, r *Run) error {
	err := r.Tofu(ctx, r.withVars("plan", "-input=false", "-compact-warnings", "-concise", "-detailed-exitcode")...)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 {
		return errors.New("tofu plan proposes changes right after an apply (see its output above)")
	}
	return err
}

// ShowOutputs prints the root module's outputs (`tofu output -json`) as an indented tree.
// Sensitive outputs are not shown.
type ShowOutputs struct {
	// Names limits the outputs shown (e.g. after a targeted apply, whose other outputs are
	// stale); empty shows them all.
	Names []string
}

// Title implements Step.
func (s ShowOutputs) Title() string {
	if len(s.Names) == 0 {
		return "outputs"
	}
	return "outputs: " + strings.Join(s.Names, ", ")
}

// Do implements Step.
func (s ShowOutputs) Do(ctx context.Context, r *Run) error {
	outs, err := r.Outputs(ctx)
	if err != nil {
		return err
	}
	if len(outs) == 0 {
		r.logf("(no outputs)\n")
		return nil
	}
	names := make([]string, 0, len(outs))
	for name := range outs {
		if len(s.Names) == 0 || slices.Contains(s.Names, name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		o := outs[name]
		if o.Sensitive {
			fmt.Fprintf(&b, "%s: (sensitive)\n", name)
			continue
		}
		var v any
		if err := json.Unmarshal(o.Value, &v); err != nil {
			return fmt.Errorf("decoding output %s: %w", name, err)
		}
		writeTree(&b, name, v, "")
	}
	r.logf("%s", b.String())
	return nil
}

// writeTree writes a JSON value under a label: scalars and lists of scalars on one line, maps
// and other lists as indented children.
func writeTree(b *strings.Builder, label string, v any, indent string) {
	if line, ok := inline(v); ok {
		fmt.Fprintf(b, "%s%s: %s\n", indent, label, line)
		return
	}
	fmt.Fprintf(b, "%s%s:\n", indent, label)
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			writeTree(b, k, t[k], indent+"  ")
		}
	case []any:
		for i, e := range t {
			writeTree(b, fmt.Sprintf("[%d]", i), e, indent+"  ")
		}
	}
}

// inline renders scalars, lists of scalars and small maps of scalars on one line.
func inline(v any) (string, bool) {
	switch t := v.(type) {
	case nil:
		return "null", true
	case string:
		if t == "" {
			return `""`, true
		}
		return t, true
	case bool, float64:
		return fmt.Sprint(t), true
	case []any:
		parts := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := scalar(e)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return "[" + strings.Join(parts, ", ") + "]", true
	case map[string]any:
		if len(t) > 3 {
			return "", false
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			s, ok := scalar(t[k])
			if !ok {
				return "", false
			}
			parts = append(parts, k+": "+s)
		}
		return "{" + strings.Join(parts, ", ") + "}", true
	}
	return "", false
}

func scalar(v any) (string, bool) {
	switch v.(type) {
	case nil, string, bool, float64:
		return inline(v)
	}
	return "", false
}

// ShowVMs prints the VMs of PCs as the emulator reports them through the v3 API: name, power
// state, IPs and categories.
type ShowVMs struct {
	// PCs to show; empty means every PC of the world.
	PCs []string
}

// Title implements Step.
func (s ShowVMs) Title() string {
	if len(s.PCs) == 0 {
		return "VMs on every PC, as the v3 API reports them"
	}
	return "VMs on " + strings.Join(s.PCs, ", ") + ", as the v3 API reports them"
}

// Do implements Step.
func (s ShowVMs) Do(ctx context.Context, r *Run) error {
	pcs := s.PCs
	if len(pcs) == 0 {
		pcs = r.World.PCNames()
	}
	for _, pc := range pcs {
		vms, err := r.VMs(ctx, pc)
		if err != nil {
			return err
		}
		r.logf("%s:\n", pc)
		if len(vms) == 0 {
			r.logf("  (no VMs)\n")
			continue
		}
		r.logf("  %-12s %-6s %-18s %s\n", "NAME", "POWER", "IP ADDRESSES", "CATEGORIES")
		for _, vm := range vms {
			ips := strings.Join(vm.IPAddresses, ",")
			if ips == "" {
				ips = "-"
			}
			r.logf("  %-12s %-6s %-18s %s\n", vm.Name, vm.PowerState, ips, formatCategories(vm.Categories))
		}
	}
	return nil
}

// AdvanceClock moves the world's simulated clock forward.
type AdvanceClock struct {
	By time.Duration
}

// Title implements Step.
func (s AdvanceClock) Title() string { return "advance the simulated clock by " + s.By.String() }

// Do implements Step.
func (s AdvanceClock) Do(_ context.Context, r *Run) error {
	if s.By <= 0 {
		return fmt.Errorf("cannot advance the clock by %s", s.By)
	}
	r.World.Clock().Advance(s.By)
	r.logf("simulated time is now %s\n", r.World.Clock().Now().UTC().Format(time.RFC3339))
	return nil
}

// SiteDown takes a PC down through the admin API (asked of another PC of the world): its
// listener refuses connections until SiteUp.
type SiteDown struct {
	PC string
}

// Title implements Step.
func (s SiteDown) Title() string { return "take site " + s.PC + " down" }

// Do implements Step.
func (s SiteDown) Do(ctx context.Context, r *Run) error {
	return r.siteState(ctx, s.PC, "down")
}

// SiteUp brings a PC taken down by SiteDown back.
type SiteUp struct {
	PC string
}

// Title implements Step.
func (s SiteUp) Title() string { return "bring site " + s.PC + " back up" }

// Do implements Step.
func (s SiteUp) Do(ctx context.Context, r *Run) error {
	return r.siteState(ctx, s.PC, "up")
}

func (r *Run) siteState(ctx context.Context, pc, state string) error {
	var errs []error
	for _, via := range r.World.PCNames() {
		if via == pc {
			continue
		}
		err := r.Call(ctx, via, http.MethodPost, "/_prismsim/sites/"+url.PathEscape(pc)+"/"+state, struct{}{}, nil)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return fmt.Errorf("no other PC in the world to ask to bring %s %s", pc, state)
	}
	return fmt.Errorf("bringing site %s %s: %w", pc, state, errors.Join(errs...))
}

// Check verifies the result of the previous steps through the emulator, and fails the
// scenario with Fn's error.
type Check struct {
	// Description says what must hold.
	Description string
	Fn          func(ctx context.Context, r *Run) error
}

// Title implements Step.
func (s Check) Title() string { return "check: " + s.Description }

// Do implements Step.
func (s Check) Do(ctx context.Context, r *Run) error {
	if err := s.Fn(ctx, r); err != nil {
		return err
	}
	r.logf("ok\n")
	return nil
}

func formatVars(vars map[string]string) string {
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, k+"="+vars[k])
	}
	return strings.Join(parts, " ")
}

func formatCategories(cats map[string]string) string {
	if len(cats) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(cats))
	for k := range cats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+cats[k])
	}
	return strings.Join(parts, ", ")
}

// ShowRecoveryPoints prints the VM recovery points a PC holds, as its v3 API lists them.
type ShowRecoveryPoints struct {
	PC string
}

// Title implements Step.
func (s ShowRecoveryPoints) Title() string { return "recovery points held by " + s.PC }

// Do implements Step.
func (s ShowRecoveryPoints) Do(ctx context.Context, r *Run) error {
	rps, err := r.RecoveryPoints(ctx, s.PC)
	if err != nil {
		return err
	}
	if len(rps) == 0 {
		r.logf("  (no recovery points)\n")
		return nil
	}
	r.logf("  %-10s %-24s %-22s %s\n", "VM", "CREATED (simulated)", "TYPE", "NAME")
	for _, rp := range rps {
		r.logf("  %-10s %-24s %-22s %s\n", rp.VMName, rp.Created.UTC().Format(time.RFC3339), rp.Type, rp.Name)
	}
	return nil
}

// checkDataLossWindow checks the data_loss_window output of an unplanned failover run on the
// recovery site: more than 0 and at most limit, whichever wire the provider spoke (over v4
// the provider works it out from the recovery points the recovery site holds).
func checkDataLossWindow(raw string, limit time.Duration) (time.Duration, error) {
	window, err := time.ParseDuration(raw)
	switch {
	case err != nil:
		return 0, fmt.Errorf("data_loss_window %q: %w", raw, err)
	case window <= 0 || window > limit:
		return window, fmt.Errorf("data_loss_window is %s, want more than 0 and at most %s", window, limit)
	}
	return window, nil
}
