package scenario

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// testingExampleDir is the example of a user's DR module with its `tofu test` suite.
const testingExampleDir = "../../examples/testing"

// TestTestingExample runs the example of docs/guides/testing-your-dr-module-in-ci.md the way the
// guide's pipeline does: prismsim from the example's world file writes env.json, the provider
// is installed through dev_overrides, and `tofu test -var-file=env.json` runs the module's
// tests (apply, test failover, cleanup, destroy). It then checks that the tests left nothing
// behind in the emulator.
func TestTestingExample(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("the testing example runs OpenTofu against prismsim: set TF_ACC=1 (make test does)")
	}
	tofu := tofuPath(t)
	providerDir := buildProvider(t)

	wc, err := prismsim.LoadConfig(filepath.Join(testingExampleDir, "tests", "world.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := prismsim.NewWorld(wc)
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
	dir := t.TempDir()
	stateDir, workDir := filepath.Join(dir, "state"), filepath.Join(dir, "work")
	if _, err := w.WriteState(stateDir); err != nil {
		t.Fatal(err)
	}
	if err := copyConfig(testingExampleDir, workDir); err != nil {
		t.Fatal(err)
	}
	cli := filepath.Join(dir, "tofu.tfrc")
	if err := os.WriteFile(cli, []byte(cliConfig(providerDir)), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tofu, "test", "-no-color", "-var-file="+filepath.Join(stateDir, "env.json"))
	cmd.Dir = workDir
	cmd.Env = tofuEnv(os.Environ(), cli)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	t.Logf("tofu test:\n%s", out.String())
	if err != nil {
		t.Fatalf("tofu test failed: %v", err)
	}
	if !strings.Contains(out.String(), "Success! 3 passed, 0 failed.") {
		t.Errorf("tofu test did not run and pass the example's three runs")
	}

	// tofu test destroys what it applied: no test copy, policy, plan or pairing is left.
	r := &Run{World: w, api: newAPI(w)}
	vms, err := r.VMs(ctx, "france")
	if err != nil {
		t.Fatal(err)
	}
	if len(vms) != 0 {
		t.Errorf("france still runs %d VMs after the tests: %v", len(vms), vms)
	}
	for _, pc := range []string{"canada", "france"} {
		for _, kind := range []string{"protection_rule", "recovery_plan"} {
			var page struct {
				Entities []any `json:"entities"`
			}
			if err := r.Call(ctx, pc, http.MethodPost, "/api/nutanix/v3/"+kind+"s/list", map[string]any{"kind": kind}, &page); err != nil {
				t.Fatal(err)
			}
			if len(page.Entities) != 0 {
				t.Errorf("%s still has %d %ss after the tests", pc, len(page.Entities), kind)
			}
		}
	}
	azs, err := r.AvailabilityZones(ctx, "canada")
	if err != nil {
		t.Fatal(err)
	}
	if len(azs) != 1 {
		t.Errorf("canada still sees %d availability zones after the tests, want its Local one: %v", len(azs), azs)
	}
}
