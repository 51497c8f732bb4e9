package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/provider"
)

// cliDir drives the Terraform or OpenTofu CLI of the acceptance tests directly in a temporary
// directory, for what terraform-plugin-testing cannot express (plan -generate-config-out, then
// editing the generated configuration). The provider is served in-process and reached through
// TF_REATTACH_PROVIDERS, as terraform-plugin-testing does.
type cliDir struct {
	t    *testing.T
	dir  string
	bin  string
	addr string // provider source address, e.g. registry.opentofu.org/nutanixdr/nutanixdr
	env  []string
}

// newCLIDir starts the provider and returns a working directory for the CLI. It skips the test
// unless TF_ACC is set.
func newCLIDir(t *testing.T) *cliDir {
	t.Helper()
	acctest.RequireAcc(t)
	acctest.PreCheck(t)
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	addr := acctest.ProviderHost() + "/nutanixdr/nutanixdr"

	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	go func() {
		err := tf6server.Serve(addr, providerserver.NewProtocol6(provider.New("test")()),
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithLoggingSink(t))
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case <-closed:
		t.Fatal("the provider server stopped before it started")
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	raw, err := json.Marshal(map[string]any{addr: map[string]any{
		"Protocol": string(cfg.Protocol), "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": true,
		"Addr": map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}})
	if err != nil {
		t.Fatalf("encoding the reattach configuration: %v", err)
	}
	return &cliDir{t: t, dir: t.TempDir(), bin: bin, addr: addr, env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+string(raw), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")}
}

// requiredProviders is the terraform block that names the provider's source address.
func (c *cliDir) requiredProviders() string { return acctest.RequiredProviders("nutanixdr") }

// write writes a file of the working directory.
func (c *cliDir) write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatalf("writing %s: %v", name, err)
	}
}

// read reads a file of the working directory.
func (c *cliDir) read(name string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatalf("reading %s: %v", name, err)
	}
	return string(b)
}

// run runs the CLI with args and returns its exit code and output; it fails the test when the
// CLI cannot be started.
func (c *cliDir) run(args ...string) (int, string) {
	c.t.Helper()
	cmd := exec.CommandContext(c.t.Context(), c.bin, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	default:
		c.t.Fatalf("running %s %s: %v\n%s", c.bin, strings.Join(args, " "), err, out.String())
		return -1, ""
	}
}

// must runs the CLI and fails the test unless it exits 0.
func (c *cliDir) must(args ...string) string {
	c.t.Helper()
	code, out := c.run(args...)
	if code != 0 {
		c.t.Fatalf("%s %s exited %d:\n%s", filepath.Base(c.bin), strings.Join(args, " "), code, out)
	}
	return out
}

// planEmpty fails the test unless a plan of the directory has no changes.
func (c *cliDir) planEmpty() {
	c.t.Helper()
	code, out := c.run("plan", "-no-color", "-input=false", "-detailed-exitcode")
	if code != 0 {
		c.t.Fatalf("want an empty plan (exit 0), got exit %d:\n%s", code, out)
	}
}
