package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

const examplesDir = "../../examples/scenarios"

// TestScenarios runs every scenario as `make demo` does (same runner, same steps, the
// provider built with go build, OpenTofu from bin/), then checks what the scenario's
// outputs say against what the emulator holds.
func TestScenarios(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("scenario tests run OpenTofu against prismsim: set TF_ACC=1 (make test does)")
	}
	tofu := tofuPath(t)
	providerDir := buildProvider(t)

	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
			defer cancel()
			out := &testWriter{t: t}
			defer out.Flush()

			r, err := Start(ctx, Config{
				Tofu:        tofu,
				ProviderDir: providerDir,
				ExamplesDir: examplesDir,
				TempDir:     t.TempDir(),
				Out:         out,
				World:       acctest.WithPCVersion(os.Getenv(acctest.PCVersionEnv)),
			}, s)
			if err != nil {
				t.Fatal(err)
			}
			closed := false
			defer func() {
				if !closed {
					if err := r.Close(context.WithoutCancel(ctx)); err != nil {
						t.Error(err)
					}
				}
			}()

			if err := r.RunSteps(ctx); err != nil {
				t.Fatal(err)
			}
			if check, ok := outputChecks[s.Name]; ok {
				check(ctx, t, r)
			}
			closed = true
			if err := r.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(r.Dir); !os.IsNotExist(err) {
				t.Errorf("the scenario's directory %s is still there after Close (stat: %v)", r.Dir, err)
			}
		})
	}
}

// outputChecks compare a scenario's outputs with the emulator's state, after its steps.
var outputChecks = map[string]func(ctx context.Context, t *testing.T, r *Run){
	"nc2-pilot-light": func(ctx context.Context, t *testing.T, r *Run) {
		outs, err := r.Outputs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var store struct{ ID, Name, Bucket, Status string }
		decodeOutput(t, outs, "mst_store", &store)
		st, err := r.pilotStore(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if store.ID != st.ExtID || store.Bucket != st.Bucket || store.Name != st.Name || store.Status != st.Status {
			t.Errorf("output mst_store = %+v, nc2-aws lists %s %s %s %s", store, st.ExtID, st.Name, st.Bucket, st.Status)
		}
		var categories map[string][]string
		decodeOutput(t, outs, "categories", &categories)
		if got := categories[pilotCategoryKey+":"+pilotTier1]; !slices.Equal(got, pilotTier1VMs) {
			t.Errorf("output categories[%s:%s] = %v, want %v", pilotCategoryKey, pilotTier1, got, pilotTier1VMs)
		}
		if got := categories[pilotCategoryKey+":"+pilotTier2]; !slices.Equal(got, pilotTier2VMs) {
			t.Errorf("output categories[%s:%s] = %v, want %v", pilotCategoryKey, pilotTier2, got, pilotTier2VMs)
		}
		var policies map[string]struct{ ID string }
		decodeOutput(t, outs, "policies", &policies)
		for tier, want := range map[string]string{"tier1": pilotCategoryKey + "-" + pilotTier1, "tier2": pilotCategoryKey + "-" + pilotTier2} {
			var rule struct {
				Spec struct {
					Name string `json:"name"`
				} `json:"spec"`
			}
			if err := r.Call(ctx, pilotPrimary, http.MethodGet, "/api/nutanix/v3/protection_rules/"+policies[tier].ID, nil, &rule); err != nil {
				t.Errorf("output policies[%s].id: %v", tier, err)
			} else if rule.Spec.Name != want {
				t.Errorf("output policies[%s].id names rule %q on %s, want %q", tier, rule.Spec.Name, pilotPrimary, want)
			}
		}
		var plan struct{ ID, Name string }
		decodeOutput(t, outs, "recovery_plan", &plan)
		var rp struct {
			Spec struct {
				Name string `json:"name"`
			} `json:"spec"`
		}
		if err := r.Call(ctx, pilotRecovery, http.MethodGet, "/api/nutanix/v3/recovery_plans/"+plan.ID, nil, &rp); err != nil {
			t.Errorf("output recovery_plan.id: %v", err)
		} else if rp.Spec.Name != plan.Name || plan.Name != pilotPlanName {
			t.Errorf("output recovery_plan.name = %q, nc2-aws has %q, want %q", plan.Name, rp.Spec.Name, pilotPlanName)
		}
		f, err := r.pilotFailoverOutput(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var job struct {
			Status struct {
				ExecutionStatus struct {
					Status string `json:"status"`
				} `json:"execution_status"`
			} `json:"status"`
		}
		if err := r.Call(ctx, pilotRecovery, http.MethodGet, "/api/nutanix/v3/recovery_plan_jobs/"+f.JobID, nil, &job); err != nil {
			t.Errorf("output failover.job_id: %v", err)
		} else if job.Status.ExecutionStatus.Status != f.Status {
			t.Errorf("output failover.status = %s, nc2-aws says %s", f.Status, job.Status.ExecutionStatus.Status)
		}
	},
	"nc2-cross-region-nonat": func(ctx context.Context, t *testing.T, r *Run) {
		outs, err := r.Outputs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var networks map[string]struct {
			ExternalSubnetID string   `json:"external_subnet_id"`
			EnableNAT        bool     `json:"enable_nat"`
			VPCID            string   `json:"vpc_id"`
			RoutablePrefixes []string `json:"routable_prefixes"`
			OverlaySubnetID  string   `json:"overlay_subnet_id"`
		}
		decodeOutput(t, outs, "networks", &networks)
		for _, pc := range []string{nc2Primary, nc2Recovery} {
			n := networks[pc]
			vpc, err := r.nc2SiteVPC(ctx, pc)
			if err != nil {
				t.Fatal(err)
			}
			if n.EnableNAT || n.VPCID != vpc.UUID || !slices.Equal(n.RoutablePrefixes, []string{nc2RoutablePfx}) {
				t.Errorf("output networks[%s] = %+v, the emulator has VPC %s with %v", pc, n, vpc.UUID, vpc.Prefixes)
			}
			if err := r.Call(ctx, pc, http.MethodGet, "/api/nutanix/v3/subnets/"+n.OverlaySubnetID, nil, nil); err != nil {
				t.Errorf("output networks[%s].overlay_subnet_id: %v", pc, err)
			}
		}
		var vms map[string]struct {
			ID          string   `json:"id"`
			IPAddresses []string `json:"ip_addresses"`
		}
		decodeOutput(t, outs, "protected_vms", &vms)
		for name, ip := range nc2VMIPs {
			vm, err := r.VMByName(ctx, nc2Primary, name)
			if err != nil {
				t.Fatal(err)
			}
			if vms[name].ID != vm.UUID || !slices.Equal(vms[name].IPAddresses, []string{ip}) {
				t.Errorf("output protected_vms[%s] = %+v, the emulator says %s %v", name, vms[name], vm.UUID, vm.IPAddresses)
			}
		}
	},
	"leap-two-sites": func(ctx context.Context, t *testing.T, r *Run) {
		outs, err := r.Outputs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var category string
		decodeOutput(t, outs, "category", &category)
		if want := leapCategoryKey + ":" + leapCategoryValue; category != want {
			t.Errorf("output category = %q, want %q", category, want)
		}
		var protected map[string]struct {
			ID          string            `json:"id"`
			IPAddresses []string          `json:"ip_addresses"`
			Categories  map[string]string `json:"categories"`
		}
		decodeOutput(t, outs, "protected_vms", &protected)
		names := make([]string, 0, len(protected))
		for name := range protected {
			names = append(names, name)
		}
		slices.Sort(names)
		if !slices.Equal(names, leapProtectedVMs) {
			t.Errorf("output protected_vms names %v, want %v", names, leapProtectedVMs)
		}
		for name, got := range protected {
			vm, err := r.VMByName(ctx, leapPrimary, name)
			if err != nil {
				t.Error(err)
				continue
			}
			if got.ID != vm.UUID {
				t.Errorf("output protected_vms[%s].id = %s, the emulator says %s", name, got.ID, vm.UUID)
			}
			if !slices.Equal(got.IPAddresses, vm.IPAddresses) {
				t.Errorf("output protected_vms[%s].ip_addresses = %v, the emulator says %v", name, got.IPAddresses, vm.IPAddresses)
			}
			if got.Categories[leapCategoryKey] != vm.Categories[leapCategoryKey] {
				t.Errorf("output protected_vms[%s].categories = %v, the emulator says %v", name, got.Categories, vm.Categories)
			}
		}
	},
}

func decodeOutput(t *testing.T, outs map[string]Output, name string, v any) {
	t.Helper()
	o, ok := outs[name]
	if !ok {
		t.Fatalf("no output %q (outputs: %v)", name, outs)
	}
	if err := json.Unmarshal(o.Value, v); err != nil {
		t.Fatalf("output %q: %v", name, err)
	}
}

// TestScenarioDefinitions checks that every scenario has its configuration and its preset,
// and that every configuration directory has a scenario.
func TestScenarioDefinitions(t *testing.T) {
	entries, err := os.ReadDir(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	slices.Sort(dirs)
	if names := Names(); !slices.Equal(dirs, names) {
		t.Errorf("examples/scenarios holds %v, the scenarios are %v", dirs, names)
	}
	for _, s := range All() {
		if _, err := prismsim.Preset(s.Preset); err != nil {
			t.Errorf("scenario %s: preset %s: %v", s.Name, s.Preset, err)
		}
		if len(s.Steps) == 0 {
			t.Errorf("scenario %s has no steps", s.Name)
		}
		for i, st := range s.Steps {
			if st.Title() == "" {
				t.Errorf("scenario %s: step %d has no title", s.Name, i+1)
			}
		}
		if _, err := os.Stat(filepath.Join(examplesDir, s.Name, "README.md")); err != nil {
			t.Errorf("scenario %s has no README.md: %v", s.Name, err)
		}
	}
	if _, err := Get("no-such-scenario"); err == nil || !strings.Contains(err.Error(), "leap-two-sites") {
		t.Errorf("Get of an unknown name: error %v, want one listing the scenarios", err)
	}
}

func TestCLIConfig(t *testing.T) {
	got := cliConfig("/opt/providers")
	for _, want := range []string{
		`"registry.opentofu.org/nutanixdr/nutanixdr" = "/opt/providers"`,
		`"registry.terraform.io/nutanixdr/nutanixdr" = "/opt/providers"`,
		"direct {}",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("CLI configuration lacks %q:\n%s", want, got)
		}
	}
}

func TestTofuEnv(t *testing.T) {
	got := tofuEnv([]string{
		"PATH=/usr/bin", "TF_CLI_CONFIG_FILE=/nowhere/.terraformrc", "TF_CLI_ARGS_apply=-parallelism=1",
		"NUTANIX_PASSWORD=secret", "TF_LOG=debug", "HOME=/root",
	}, "/tmp/x/tofu.tfrc")
	want := []string{
		"PATH=/usr/bin", "TF_LOG=debug", "HOME=/root",
		"TF_CLI_CONFIG_FILE=/tmp/x/tofu.tfrc", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("tofuEnv = %v, want %v", got, want)
	}
}

func TestCopyConfig(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{
		"main.tf":                        "# main",
		"modules/site/main.tf":           "# module",
		"terraform.tfstate":              "{}",
		"terraform.tfstate.backup":       "{}",
		".terraform.lock.hcl":            "# lock",
		".terraform/providers/x/main.tf": "# cache",
	}
	for name, content := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dst := filepath.Join(t.TempDir(), "work")
	if err := copyConfig(src, dst); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dst, p)
		got = append(got, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"main.tf", "modules/site/main.tf"}; !slices.Equal(got, want) {
		t.Errorf("copied %v, want %v", got, want)
	}
}

func TestApplyVarsAccumulate(t *testing.T) {
	r := &Run{StateDir: "/s", vars: map[string]string{}}
	r.SetVars(map[string]string{"b": `"2"`, "a": "1"})
	r.SetVars(map[string]string{"b": `"3"`})
	got := r.withVars("apply")
	want := []string{"apply", "-var-file=" + filepath.Join("/s", "env.json"), "-var", "a=1", "-var", `b="3"`}
	if !slices.Equal(got, want) {
		t.Errorf("withVars = %q, want %q", got, want)
	}
}

// tofuPath is the OpenTofu binary of the acceptance tests: TF_ACC_TERRAFORM_PATH or bin/tofu.
func tofuPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if p == "" {
		p = filepath.Join("..", "..", "bin", "tofu")
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("no OpenTofu at %s (run make tofu, or set TF_ACC_TERRAFORM_PATH): %v", abs, err)
	}
	return abs
}

// buildProvider builds the provider from this tree into a temporary directory, as make build
// does into bin/.
func buildProvider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, ProviderBinary), ".")
	cmd.Dir = filepath.Join("..", "..")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build of the provider: %v\n%s", err, out.String())
	}
	return dir
}

// testWriter sends what it is given to t.Log, one line at a time.
type testWriter struct {
	t   *testing.T
	mu  sync.Mutex
	buf []byte
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.t.Log(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	return len(p), nil
}

// Flush logs what is left after the last newline.
func (w *testWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.t.Log(string(w.buf))
		w.buf = nil
	}
}

func TestWriteTree(t *testing.T) {
	var v any
	if err := json.Unmarshal([]byte(`{
		"ids": {"canada": "a", "france": "b"},
		"vms": {"app-01": {"ip_addresses": ["192.168.50.10"], "categories": {"k": "v"}, "id": "x", "on": true, "n": 2}},
		"list": [{"a": 1}, "s"],
		"empty": ""
	}`), &v); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writeTree(&b, "out", v, "")
	want := `out:
  empty: ""
  ids: {canada: a, france: b}
  list:
    [0]: {a: 1}
    [1]: s
  vms:
    app-01:
      categories: {k: v}
      id: x
      ip_addresses: [192.168.50.10]
      n: 2
      on: true
`
	if got := b.String(); got != want {
		t.Errorf("writeTree:\n%s\nwant:\n%s", got, want)
	}
}

// TestWorldSteps drives a world with the steps that need no OpenTofu: clock, sites, checks.
func TestWorldSteps(t *testing.T) {
	cfg, err := prismsim.Preset("leap-two-sites")
	if err != nil {
		t.Fatal(err)
	}
	w, err := prismsim.NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	out := &testWriter{t: t}
	defer out.Flush()
	r := &Run{Scenario: &Scenario{Name: "steps"}, World: w, api: newAPI(w), out: out, vars: map[string]string{}}
	ctx := context.Background()

	before := w.Clock().Now()
	if err := (AdvanceClock{By: 15 * time.Minute}).Do(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := w.Clock().Now().Sub(before); got < 15*time.Minute {
		t.Errorf("the clock moved by %s, want at least 15m", got)
	}
	if err := (AdvanceClock{}).Do(ctx, r); err == nil {
		t.Error("advancing the clock by 0 succeeded")
	}

	if err := (SiteDown{PC: "canada"}).Do(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := r.VMs(ctx, "canada"); err == nil {
		t.Error("canada still answers after SiteDown")
	}
	if _, err := r.VMs(ctx, "france"); err != nil {
		t.Errorf("france no longer answers after canada went down: %v", err)
	}
	if err := (SiteUp{PC: "canada"}).Do(ctx, r); err != nil {
		t.Fatal(err)
	}
	vms, err := r.VMs(ctx, "canada")
	if err != nil {
		t.Fatalf("canada does not answer after SiteUp: %v", err)
	}
	var names []string
	for _, vm := range vms {
		names = append(names, vm.Name)
	}
	if want := []string{"app-01", "db-01", "dns-01"}; !slices.Equal(names, want) {
		t.Errorf("canada's VMs are %v, want %v", names, want)
	}

	// The leap-two-sites check fails on the untouched world: nothing carries the category yet.
	if err := checkLeapCategories(ctx, r); err == nil || !strings.Contains(err.Error(), "app-01") {
		t.Errorf("checkLeapCategories on an untouched world: %v, want an error naming app-01", err)
	}
	if err := checkLeapCleaned(ctx, r); err != nil {
		t.Errorf("checkLeapCleaned on an untouched world: %v", err)
	}
}
