package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// ProviderBinary is the file name of the provider executable that dev_overrides points at.
const ProviderBinary = "terraform-provider-nutanixdr"

// providerAddresses are the addresses a configuration's `source = "nutanixdr/nutanixdr"`
// resolves to under OpenTofu and under Terraform; the CLI configuration overrides both so that
// -tofu may also name a terraform binary.
var providerAddresses = []string{
	"registry.opentofu.org/nutanixdr/nutanixdr",
	"registry.terraform.io/nutanixdr/nutanixdr",
}

// cleanupTimeout bounds the destroy and shutdown that follow a scenario, which run even when
// the scenario's own context was canceled.
const cleanupTimeout = 10 * time.Minute

// Config says where the tools are and where the runner writes.
type Config struct {
	// Tofu is the OpenTofu (or Terraform) executable.
	Tofu string
	// ProviderDir is the directory holding the terraform-provider-nutanixdr executable.
	ProviderDir string
	// ExamplesDir is the directory holding one directory per scenario (examples/scenarios).
	ExamplesDir string
	// TempDir is where the scenario's directory is created; empty means os.TempDir.
	TempDir string
	// Out receives the progress of the scenario and the output of every OpenTofu command.
	// Nil discards it.
	Out io.Writer
	// Color lets OpenTofu color its output.
	Color bool
	// Keep leaves the scenario's directory (state, configuration, CLI config) on disk.
	Keep bool
	// World, when set, adjusts the preset's world before it starts (settings, inventory).
	World func(*prismsim.WorldConfig)
}

// Run is a scenario in progress: its world, its directories and the variables of its last apply.
type Run struct {
	Scenario *Scenario
	// World is the running emulator.
	World *prismsim.World
	// Env is what the world wrote to StateDir/env.json.
	Env prismsim.Env
	// Dir holds StateDir, WorkDir and the CLI configuration.
	Dir string
	// StateDir holds env.json and the PCs' CA files.
	StateDir string
	// WorkDir is the copy of the scenario's configuration where OpenTofu runs.
	WorkDir string
	// CLIConfig is the OpenTofu CLI configuration file with the dev_overrides.
	CLIConfig string

	cfg       Config
	out       io.Writer
	vars      map[string]string
	api       *api
	destroyed bool
	closed    bool
}

// Execute runs a whole scenario: start, steps, destroy, checks after destroy, stop. The
// destroy and the shutdown happen even when a step fails or ctx is canceled.
func Execute(ctx context.Context, cfg Config, s *Scenario) (err error) {
	r, err := Start(ctx, cfg, s)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		err = errors.Join(err, r.Close(cctx))
	}()
	return r.RunSteps(ctx)
}

// Start builds and starts the scenario's world, writes its state directory and CLI
// configuration, and copies the scenario's configuration into a fresh work directory.
func Start(ctx context.Context, cfg Config, s *Scenario) (*Run, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("starting scenario %s: %w", s.Name, err)
	}
	cfg, err := cfg.resolve()
	if err != nil {
		return nil, fmt.Errorf("starting scenario %s: %w", s.Name, err)
	}
	src := filepath.Join(cfg.ExamplesDir, s.Name)
	if st, err := os.Stat(src); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("starting scenario %s: no configuration directory %s", s.Name, src)
	}

	dir, err := os.MkdirTemp(cfg.TempDir, "nutanixdr-"+s.Name+"-")
	if err != nil {
		return nil, fmt.Errorf("starting scenario %s: %w", s.Name, err)
	}
	r := &Run{
		Scenario:  s,
		Dir:       dir,
		StateDir:  filepath.Join(dir, "state"),
		WorkDir:   filepath.Join(dir, "work"),
		CLIConfig: filepath.Join(dir, "tofu.tfrc"),
		cfg:       cfg,
		out:       cfg.Out,
		vars:      map[string]string{},
	}
	if r.out == nil {
		r.out = io.Discard
	}
	if err := r.start(src); err != nil {
		return nil, errors.Join(fmt.Errorf("starting scenario %s: %w", s.Name, err), r.stop())
	}
	return r, nil
}

func (r *Run) start(src string) error {
	wc, err := prismsim.Preset(r.Scenario.Preset)
	if err != nil {
		return fmt.Errorf("loading prismsim preset %s: %w", r.Scenario.Preset, err)
	}
	if r.cfg.World != nil {
		r.cfg.World(&wc)
	}
	w, err := prismsim.NewWorld(wc)
	if err != nil {
		return fmt.Errorf("building the %s world: %w", r.Scenario.Preset, err)
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("starting the %s world: %w", r.Scenario.Preset, err)
	}
	r.World = w
	r.api = newAPI(w)

	if err := os.MkdirAll(r.StateDir, 0o700); err != nil {
		return fmt.Errorf("creating the state directory: %w", err)
	}
	env, err := w.WriteState(r.StateDir)
	if err != nil {
		return fmt.Errorf("writing the world's state to %s: %w", r.StateDir, err)
	}
	r.Env = env
	if err := copyConfig(src, r.WorkDir); err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	if err := os.WriteFile(r.CLIConfig, []byte(cliConfig(r.cfg.ProviderDir)), 0o600); err != nil {
		return fmt.Errorf("writing the CLI configuration: %w", err)
	}

	r.logf("Scenario %s: %s\n", r.Scenario.Name, r.Scenario.Summary)
	r.logf("prismsim world %q is up:\n", r.Scenario.Preset)
	for _, name := range w.PCNames() {
		pc := w.PC(name)
		r.logf("  %-8s %s  (advertised as %s, user %s)\n", name, pc.URL(), pc.AdvertisedIP(), pc.Username())
	}
	r.logf("  var file: %s\n", r.VarFile())
	r.logf("  work dir: %s\n", r.WorkDir)
	return nil
}

// RunSteps runs the scenario's steps in order and stops at the first failure.
func (r *Run) RunSteps(ctx context.Context) error {
	return r.runSteps(ctx, r.Scenario.Steps)
}

func (r *Run) runSteps(ctx context.Context, steps []Step) error {
	for i, st := range steps {
		r.logf("\n==> [%d/%d] %s\n", i+1, len(steps), st.Title())
		if err := st.Do(ctx, r); err != nil {
			return fmt.Errorf("scenario %s, step %d (%s): %w", r.Scenario.Name, i+1, st.Title(), err)
		}
	}
	return nil
}

// Destroy runs `tofu destroy` with the variables of the last apply, then the scenario's
// AfterDestroy checks. It does nothing the second time, nor when nothing was applied.
func (r *Run) Destroy(ctx context.Context) error {
	if r.destroyed {
		return nil
	}
	r.destroyed = true
	if _, err := os.Stat(filepath.Join(r.WorkDir, "terraform.tfstate")); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	// A step may have failed with a site down: destroy needs every Prism Central.
	for _, pc := range r.World.PCs() {
		if pc.Down() {
			r.logf("\n==> Bring site %s back up to destroy\n", pc.Name())
			if err := r.World.SiteUp(pc.Name()); err != nil {
				return fmt.Errorf("scenario %s: bringing site %s up to destroy: %w", r.Scenario.Name, pc.Name(), err)
			}
		}
	}
	r.logf("\n==> Destroy everything the scenario created\n")
	if err := r.Tofu(ctx, r.withVars("destroy", "-auto-approve", "-input=false", "-compact-warnings", "-concise")...); err != nil {
		return fmt.Errorf("scenario %s: destroying: %w", r.Scenario.Name, err)
	}
	if len(r.Scenario.AfterDestroy) == 0 {
		return nil
	}
	return r.runSteps(ctx, r.Scenario.AfterDestroy)
}

// Close destroys what is left (see Destroy), stops the world and removes the scenario's
// directory unless Config.Keep is set. It is safe to call more than once.
func (r *Run) Close(ctx context.Context) error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Destroy(ctx)
	err = errors.Join(err, r.stop())
	if err == nil {
		r.logf("\nThe world is stopped and everything the scenario created is gone.\n")
	}
	return err
}

// stop stops the world and removes the scenario's directory.
func (r *Run) stop() error {
	var err error
	if r.World != nil {
		if cerr := r.World.Close(); cerr != nil {
			err = fmt.Errorf("stopping the world: %w", cerr)
		}
		r.World = nil
	}
	if r.cfg.Keep {
		r.logf("Kept %s\n", r.Dir)
		return err
	}
	if rerr := os.RemoveAll(r.Dir); rerr != nil {
		err = errors.Join(err, fmt.Errorf("removing %s: %w", r.Dir, rerr))
	}
	return err
}

// VarFile is the env.json the world wrote, passed to every OpenTofu command as -var-file.
func (r *Run) VarFile() string {
	return filepath.Join(r.StateDir, "env.json")
}

// SetVars records variables (name to HCL value) for this and every later apply and for the
// final destroy.
func (r *Run) SetVars(vars map[string]string) {
	for k, v := range vars {
		r.vars[k] = v
	}
}

// applyArgs is the command line of a non-interactive apply, with extra arguments (e.g.
// -refresh=false, -target=ADDR). -concise leaves the plan and the result, not the progress.
func applyArgs(extra ...string) []string {
	return append([]string{"apply", "-auto-approve", "-input=false", "-compact-warnings", "-concise"}, extra...)
}

// withVars appends the var file and the recorded variables to an OpenTofu command line.
func (r *Run) withVars(args ...string) []string {
	args = append(args, "-var-file="+r.VarFile())
	names := make([]string, 0, len(r.vars))
	for k := range r.vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		args = append(args, "-var", k+"="+r.vars[k])
	}
	return args
}

// Tofu runs an OpenTofu command in the work directory, streaming its output to Config.Out.
func (r *Run) Tofu(ctx context.Context, args ...string) error {
	cmd := r.tofuCommand(ctx, args)
	cmd.Stdout = r.out
	if r.cfg.Out != nil {
		// What OpenTofu said is already in Out: the error only points at it.
		cmd.Stderr = r.out
		if err := cmd.Run(); err != nil {
			return tofuError(args, err, []byte("(see its output above)"))
		}
		return nil
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return tofuError(args, err, stderr.Bytes())
	}
	return nil
}

// TofuOutput runs an OpenTofu command in the work directory and returns its standard output.
func (r *Run) TofuOutput(ctx context.Context, args ...string) ([]byte, error) {
	cmd := r.tofuCommand(ctx, args)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), tofuError(args, err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}

// Output is one root module output as `tofu output -json` reports it.
type Output struct {
	Sensitive bool            `json:"sensitive"`
	Type      json.RawMessage `json:"type"`
	Value     json.RawMessage `json:"value"`
}

// Outputs returns the root module's outputs.
func (r *Run) Outputs(ctx context.Context) (map[string]Output, error) {
	data, err := r.TofuOutput(ctx, "output", "-json")
	if err != nil {
		return nil, err
	}
	var outs map[string]Output
	if err := json.Unmarshal(data, &outs); err != nil {
		return nil, fmt.Errorf("decoding tofu output -json: %w", err)
	}
	return outs, nil
}

func (r *Run) tofuCommand(ctx context.Context, args []string) *exec.Cmd {
	if !r.cfg.Color && len(args) > 0 {
		args = append([]string{args[0], "-no-color"}, args[1:]...)
	}
	cmd := exec.CommandContext(ctx, r.cfg.Tofu, args...)
	cmd.Dir = r.WorkDir
	cmd.Env = tofuEnv(os.Environ(), r.CLIConfig)
	// Let OpenTofu stop cleanly (release the state, report what it did) when ctx ends.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	return cmd
}

// tofuEnv is the environment of the OpenTofu commands: the caller's, without what would make
// the scenario depend on the machine (another CLI configuration, extra arguments, Nutanix
// credentials), plus the scenario's CLI configuration.
func tofuEnv(environ []string, cliConfig string) []string {
	env := make([]string, 0, len(environ)+4)
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "TF_CLI_CONFIG_FILE", name == "TERRAFORM_CONFIG", name == "TF_DATA_DIR",
			name == "TF_WORKSPACE", name == "TF_INPUT", name == "TF_IN_AUTOMATION",
			strings.HasPrefix(name, "TF_CLI_ARGS"), strings.HasPrefix(name, "NUTANIX_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
	)
}

// tofuError describes a failed OpenTofu command with the end of what it printed on stderr.
func tofuError(args []string, err error, stderr []byte) error {
	cmd := "tofu"
	if len(args) > 0 {
		cmd += " " + args[0]
	}
	msg := strings.TrimSpace(string(stderr))
	const maxLen = 4000
	if len(msg) > maxLen {
		msg = "..." + msg[len(msg)-maxLen:]
	}
	switch {
	case msg == "":
		return fmt.Errorf("%s: %w", cmd, err)
	case !strings.Contains(msg, "\n"):
		return fmt.Errorf("%s: %w %s", cmd, err, msg)
	default:
		return fmt.Errorf("%s: %w:\n%s", cmd, err, msg)
	}
}

// cliConfig is the OpenTofu CLI configuration that makes the scenario use the provider built
// into providerDir, with no registry and no `tofu init`.
func cliConfig(providerDir string) string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, addr := range providerAddresses {
		fmt.Fprintf(&b, "    %q = %q\n", addr, providerDir)
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// copyConfig copies a scenario's configuration, leaving out OpenTofu's working files and any
// state a user may have left there.
func copyConfig(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if name == ".terraform" && rel != "." {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || name == ".terraform.lock.hcl" ||
			strings.HasSuffix(name, ".tfstate") || strings.Contains(name, ".tfstate.") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}

// resolve checks the configuration and makes its paths absolute (OpenTofu runs in another
// directory, and dev_overrides needs an absolute path).
func (c Config) resolve() (Config, error) {
	if c.Tofu == "" {
		return c, errors.New("no OpenTofu executable given")
	}
	if !strings.ContainsRune(c.Tofu, filepath.Separator) {
		p, err := exec.LookPath(c.Tofu)
		if err != nil {
			return c, fmt.Errorf("finding %s: %w", c.Tofu, err)
		}
		c.Tofu = p
	}
	var err error
	for _, p := range []*string{&c.Tofu, &c.ProviderDir, &c.ExamplesDir} {
		if *p, err = filepath.Abs(*p); err != nil {
			return c, err
		}
	}
	if st, err := os.Stat(c.Tofu); err != nil || st.IsDir() {
		return c, fmt.Errorf("no OpenTofu executable at %s: run make tofu", c.Tofu)
	}
	bin := filepath.Join(c.ProviderDir, ProviderBinary)
	if _, err := os.Stat(bin); err != nil {
		if _, werr := os.Stat(bin + ".exe"); werr != nil {
			return c, fmt.Errorf("no provider executable at %s: run make build", bin)
		}
	}
	return c, nil
}

func (r *Run) logf(format string, args ...any) {
	_, _ = fmt.Fprintf(r.out, format, args...)
}
