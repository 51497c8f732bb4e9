// Package acctest holds what the acceptance tests of the provider share: the OpenTofu
// environment, an emulated pair of Prism Centrals, provider blocks pointing at them, provider
// factories, and an API client for out-of-band changes and destroy checks.
package acctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/provider"
)

// Names of the default world's Prism Centrals (preset leap-two-sites).
const (
	PCCanada = "canada"
	PCFrance = "france"
)

// preset is the world every acceptance test starts.
const preset = "leap-two-sites"

// taskLatency keeps emulated tasks short so that tests run fast while still going through
// QUEUED and RUNNING.
const taskLatency = 20 * time.Millisecond

// SecondSite is the provider name that reaches the second Prism Central of a two-site test
// (resources there say `provider = nutanixdr2`). In-process, OpenTofu connects every alias of a
// provider to the one server the test runs, and the provider's configuration is per server: two
// aliases pointing at two Prism Centrals would both end up talking to the one configured last.
// A second provider name gets a server, and so a configuration, of its own.
const SecondSite = "nutanixdr2"

// ProtoV6ProviderFactories serves the provider in-process to OpenTofu under the name
// nutanixdr, and an independent instance under the name SecondSite.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"nutanixdr": providerserver.NewProtocol6WithError(provider.New("test")()),
	SecondSite:  providerserver.NewProtocol6WithError(provider.New("test")()),
}

var (
	setupOnce sync.Once
	setupErr  error
)

// Setup prepares the environment of the acceptance tests; call it from TestMain before
// m.Run. It points TF_ACC_TERRAFORM_PATH at the repository's bin/tofu (unless already set),
// makes the CLI look the provider up under <ProviderHost()>/nutanixdr, and gives it a
// CLI configuration file of its own: the machine's TF_CLI_CONFIG_FILE may name a file that does
// not exist, which breaks `tofu version`. It uses os.Setenv because t.Setenv forbids
// t.Parallel.
func Setup() error {
	setupOnce.Do(func() { setupErr = setup() })
	return setupErr
}

func setup() error {
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		root, err := RepoRoot()
		if err != nil {
			return err
		}
		if err := os.Setenv("TF_ACC_TERRAFORM_PATH", filepath.Join(root, "bin", "tofu")); err != nil {
			return fmt.Errorf("setting TF_ACC_TERRAFORM_PATH: %w", err)
		}
	}
	for k, v := range map[string]string{
		"TF_ACC_PROVIDER_NAMESPACE": "nutanixdr",
		"TF_ACC_PROVIDER_HOST":      ProviderHost(),
	} {
		if err := os.Setenv(k, v); err != nil {
			return fmt.Errorf("setting %s: %w", k, err)
		}
	}
	// One empty file shared by every test binary: writing it again changes nothing, and no
	// temporary directory is left behind per run.
	cfg := filepath.Join(os.TempDir(), "nutanixdr-acctest-empty.tfrc")
	if err := os.WriteFile(cfg, nil, 0o600); err != nil {
		return fmt.Errorf("writing the OpenTofu CLI configuration: %w", err)
	}
	if err := os.Setenv("TF_CLI_CONFIG_FILE", cfg); err != nil {
		return fmt.Errorf("setting TF_CLI_CONFIG_FILE: %w", err)
	}
	return nil
}

// defaultProviderHost is the registry host of the provider's address under OpenTofu.
const defaultProviderHost = "registry.opentofu.org"

// ProviderHost returns the registry host the tests address the provider under: that of
// TF_ACC_PROVIDER_HOST when set (make test-terraform sets Terraform's), else OpenTofu's.
func ProviderHost() string {
	if h := os.Getenv("TF_ACC_PROVIDER_HOST"); h != "" {
		return h
	}
	return defaultProviderHost
}

// RequiredProviders returns a terraform block naming the source address of each provider name.
func RequiredProviders(names ...string) string {
	var b strings.Builder
	b.WriteString("\nterraform {\n  required_providers {\n")
	for _, n := range names {
		fmt.Fprintf(&b, "    %s = {\n      source = \"%s/nutanixdr/%s\"\n    }\n", n, ProviderHost(), n)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// RepoRoot returns the directory of go.mod, found by walking up from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("finding the repository root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// PreCheck fails the test early, with what to run, when the acceptance tests cannot work.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		return
	}
	if err := Setup(); err != nil {
		t.Fatalf("acceptance test setup: %v", err)
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("OpenTofu not found at %s (TF_ACC_TERRAFORM_PATH): run `make tofu` first (%v)", bin, err)
	}
}

// RequireAcc skips a test that drives the CLI itself unless TF_ACC is set, as the tests of
// terraform-plugin-testing are skipped, then checks the environment as PreCheck does.
func RequireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test) to run it")
	}
}

// PCVersionEnv names the environment variable that has the test worlds' Prism Centrals pose as
// a release (prismsim's pc_version), for the protocol matrix.
const PCVersionEnv = "NUTANIXDR_ACC_PC_VERSION"

// NewWorld starts the leap-two-sites world in-process, with short task latency, and closes it
// when the test ends.
func NewWorld(t *testing.T) *prismsim.World {
	t.Helper()
	return NewWorldWith(t, nil)
}

// NewWorldWith is NewWorld with a chance to change the preset's configuration (add clusters,
// subnets, VMs) before the world starts; edit may be nil.
func NewWorldWith(t *testing.T, edit func(*prismsim.WorldConfig)) *prismsim.World {
	t.Helper()
	cfg, err := prismsim.Preset(preset)
	if err != nil {
		t.Fatalf("loading preset %s: %v", preset, err)
	}
	cfg.Settings.TaskLatency = prismsim.Duration(taskLatency)
	// The protocol matrix: NUTANIXDR_ACC_PC_VERSION has every PC pose as that release before
	// the test's own edits (make test API=v4 sets pc.7.5, which serves the v4 API).
	if v := os.Getenv(PCVersionEnv); v != "" {
		WithPCVersion(v)(&cfg)
	}
	if edit != nil {
		edit(&cfg)
	}
	w, err := prismsim.NewWorld(cfg)
	if err != nil {
		t.Fatalf("building world %s: %v", preset, err)
	}
	if err := w.Start(); err != nil {
		t.Fatalf("starting world %s: %v", preset, err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("closing world: %v", err)
		}
	})
	return w
}

// pc returns the named Prism Central of w or fails the test.
func pc(t *testing.T, w *prismsim.World, name string) *prismsim.PC {
	t.Helper()
	p := w.PC(name)
	if p == nil {
		t.Fatalf("no Prism Central %q in the world (have %v)", name, w.PCNames())
	}
	return p
}

// ProviderConfig returns a provider block for the named Prism Central of w, with its
// certificate as ca_certificate so that TLS is verified. The alias may be empty. All aliases
// share one in-process provider configuration (see SecondSite): for two Prism Centrals in one
// test use TwoSitesConfig.
func ProviderConfig(w *prismsim.World, pcName, alias string) string {
	return providerBlock(w, "nutanixdr", pcName, alias)
}

// TwoSitesConfig returns the provider configuration of a two-site test: the provider nutanixdr
// for the Prism Central primary, and the provider SecondSite for secondary.
func TwoSitesConfig(w *prismsim.World, primary, secondary string) string {
	return RequiredProviders("nutanixdr", SecondSite) + providerBlock(w, "nutanixdr", primary, "") + providerBlock(w, SecondSite, secondary, "")
}

// providerBlock returns a provider block of the given provider name for the named Prism
// Central of w.
func providerBlock(w *prismsim.World, name, pcName, alias string) string {
	p := w.PC(pcName)
	if p == nil {
		panic(fmt.Sprintf("acctest: no Prism Central %q in the world", pcName))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "provider %q {\n", name)
	if alias != "" {
		fmt.Fprintf(&b, "  alias          = %s\n", HCLString(alias))
	}
	fmt.Fprintf(&b, "  endpoint       = %s\n", HCLString(p.Endpoint()))
	fmt.Fprintf(&b, "  port           = %d\n", p.Port())
	fmt.Fprintf(&b, "  username       = %s\n", HCLString(p.Username()))
	fmt.Fprintf(&b, "  password       = %s\n", HCLString(p.Password()))
	b.WriteString("  ca_certificate = <<-EOT\n")
	for _, line := range strings.Split(strings.TrimRight(string(p.CACertPEM()), "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	b.WriteString("  EOT\n}\n")
	return b.String()
}

// Client returns an API client for the named Prism Central of w, for out-of-band changes and
// destroy checks. It speaks v3 whatever the Prism Central serves.
func Client(t *testing.T, w *prismsim.World, pcName string) *client.Client {
	t.Helper()
	p := pc(t, w, pcName)
	c, err := client.New(client.Config{
		Endpoint:  p.Endpoint(),
		Port:      p.Port(),
		Username:  p.Username(),
		Password:  p.Password(),
		CACertPEM: string(p.CACertPEM()),
		UserAgent: "nutanixdr-acctest",
		// Checks read through v3, whatever the PC serves: what a test made through the
		// provider (on v4 where the PC serves it) is checked through the other wire.
		APIVersion: "v3",
	})
	if err != nil {
		t.Fatalf("building a client for %s: %v", pcName, err)
	}
	return c
}

// HCLString returns s as an HCL string literal: quotes, backslashes and control characters
// escaped, and template sequences ("${", "%{") doubled so that they stay literal.
func HCLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte(c)
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// ErrorRegexp returns a regular expression for ExpectError that matches an error holding each
// fragment, in order, whatever line breaks OpenTofu wrapped the message with: the words of a
// fragment are matched literally, separated by any white space.
func ErrorRegexp(fragments ...string) *regexp.Regexp {
	parts := make([]string, 0, len(fragments))
	for _, f := range fragments {
		words := strings.Fields(f)
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		parts = append(parts, strings.Join(words, `\s+`))
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// CheckAPI returns a state check that ignores the state and runs check against the API, for
// steps whose state the legacy Check functions cannot read (for_each instances).
func CheckAPI(check func(ctx context.Context) error) statecheck.StateCheck {
	return apiCheck(check)
}

// apiCheck is the state check CheckAPI returns.
type apiCheck func(ctx context.Context) error

// CheckState runs the check.
func (c apiCheck) CheckState(ctx context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c(ctx)
}

// WithDR returns an edit for NewWorldWith that starts the named Prism Centrals with disaster
// recovery enabled (a Local availability zone), for tests of what needs it rather than of the
// enablement itself.
func WithDR(pcNames ...string) func(*prismsim.WorldConfig) {
	return func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			for _, name := range pcNames {
				if cfg.PCs[i].Name == name {
					cfg.PCs[i].DREnabled = true
				}
			}
		}
	}
}

// CheckSecretNotStored returns a state check that fails when secret appears in the state:
// neither in what OpenTofu shows (`tofu show -json`) nor in the state file it wrote. The state
// file is the terraform.tfstate, under the directories the test framework works in, that holds
// the value of attribute markerAttr of resource addr (a UUID that no other test has); the check
// fails if it finds no such file, so that it cannot pass by looking nowhere.
func CheckSecretNotStored(addr, markerAttr, secret string) statecheck.StateCheck {
	return secretCheck{addr: addr, attr: markerAttr, secret: secret}
}

// secretCheck is the state check CheckSecretNotStored returns.
type secretCheck struct {
	addr, attr, secret string
}

// CheckState runs the check.
func (c secretCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check(req.State)
}

func (c secretCheck) check(state *tfjson.State) error {
	if c.secret == "" {
		return errors.New("CheckSecretNotStored needs a non-empty secret")
	}
	shown, err := json.Marshal(state)
	if err != nil {
		return fmt.Errorf("encoding the state: %w", err)
	}
	if strings.Contains(string(shown), c.secret) {
		return errors.New("the state OpenTofu shows holds the secret")
	}
	marker, err := stateString(state, c.addr, c.attr)
	if err != nil {
		return err
	}
	files, err := StateFilesHolding(marker)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no state file holds %s.%s = %q: cannot check the file", c.addr, c.attr, marker)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("reading state file: %w", err)
		}
		if strings.Contains(string(data), c.secret) {
			return fmt.Errorf("the state file %s holds the secret", f)
		}
	}
	return nil
}

// stateString returns the string attribute attr of the root module resource addr of state.
func stateString(state *tfjson.State, addr, attr string) (string, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return "", errors.New("the state is empty")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address != addr {
			continue
		}
		v, ok := r.AttributeValues[attr].(string)
		if !ok || v == "" {
			return "", fmt.Errorf("%s has no string attribute %s in the state", addr, attr)
		}
		return v, nil
	}
	return "", fmt.Errorf("%s is not in the state", addr)
}

// StateFilesHolding returns the state files of the test framework's working directories
// (under TF_ACC_TEMP_DIR, or the system temporary directory) that contain marker.
func StateFilesHolding(marker string) ([]string, error) {
	base := os.Getenv("TF_ACC_TEMP_DIR")
	if base == "" {
		base = os.TempDir()
	}
	files, err := filepath.Glob(filepath.Join(base, "plugintest*", "work*", "terraform.tfstate"))
	if err != nil {
		return nil, fmt.Errorf("listing state files: %w", err)
	}
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // A working directory removed by a test that just ended.
		}
		if strings.Contains(string(data), marker) {
			out = append(out, f)
		}
	}
	return out, nil
}

// WithPCVersion has the named Prism Centrals (all when none is named) pose as release
// version, such as "pc.7.5", which serves the v4 API (prismsim's pc_version.go).
func WithPCVersion(version string, pcNames ...string) func(*prismsim.WorldConfig) {
	return func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			if len(pcNames) == 0 || slices.Contains(pcNames, cfg.PCs[i].Name) {
				cfg.PCs[i].PCVersion = version
			}
		}
	}
}

// WithCategory returns an edit for NewWorldWith that adds the user-defined category key with
// its values to every Prism Central of the world.
func WithCategory(key string, values ...string) func(*prismsim.WorldConfig) {
	return func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			cfg.PCs[i].Categories = append(cfg.PCs[i].Categories, prismsim.CategoryConfig{
				Name: key, Values: append([]string(nil), values...),
			})
		}
	}
}

// WithVMCategory returns an edit for NewWorldWith that assigns key:value to the named VMs of
// the Prism Central pcName; the category must exist there (WithCategory).
func WithVMCategory(pcName, key, value string, vms ...string) func(*prismsim.WorldConfig) {
	return func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			if cfg.PCs[i].Name != pcName {
				continue
			}
			for j := range cfg.PCs[i].VMs {
				vm := &cfg.PCs[i].VMs[j]
				for _, name := range vms {
					if vm.Name == name {
						if vm.Categories == nil {
							vm.Categories = make(map[string]string)
						}
						vm.Categories[key] = value
					}
				}
			}
		}
	}
}

// Edits combines edits for NewWorldWith, applied in order.
func Edits(edits ...func(*prismsim.WorldConfig)) func(*prismsim.WorldConfig) {
	return func(cfg *prismsim.WorldConfig) {
		for _, e := range edits {
			e(cfg)
		}
	}
}

// Pair pairs the Prism Central local with remote through the API, as nutanixdr_availability_zone
// does, for tests of what needs a pairing rather than of the pairing itself. Disaster recovery
// must be enabled on both (WithDR). It returns the UUID of local's availability zone of remote.
func Pair(t *testing.T, w *prismsim.World, local, remote string) string {
	t.Helper()
	r := pc(t, w, remote)
	ct, err := Client(t, w, local).CreateCloudTrust(t.Context(), client.CloudTrustInput{
		RemoteAddress: r.AdvertisedIP(), Username: r.Username(), Password: r.Password(),
		CloudType: client.CloudTypeOnPrem,
	})
	if err != nil {
		t.Fatalf("pairing %s with %s: %v", local, remote, err)
	}
	if ct.AvailabilityZoneUUID == "" {
		t.Fatalf("pairing %s with %s: no availability zone in %+v", local, remote, ct)
	}
	return ct.AvailabilityZoneUUID
}

// LocalAZ returns the UUID of the Local availability zone of the named Prism Central.
func LocalAZ(t *testing.T, w *prismsim.World, pcName string) string {
	t.Helper()
	az, err := Client(t, w, pcName).LocalAvailabilityZone(t.Context())
	if err != nil {
		t.Fatalf("reading the Local availability zone of %s: %v", pcName, err)
	}
	return az.UUID
}

// ClusterID returns the UUID of the AOS cluster named name of the named Prism Central.
func ClusterID(t *testing.T, w *prismsim.World, pcName, name string) string {
	t.Helper()
	clusters, err := Client(t, w, pcName).ListClusters(t.Context(), "")
	if err != nil {
		t.Fatalf("listing the clusters of %s: %v", pcName, err)
	}
	for _, c := range clusters {
		if c.Name == name && !c.IsPrismCentral {
			return c.UUID
		}
	}
	t.Fatalf("no cluster %s on %s (have %+v)", name, pcName, clusters)
	return ""
}

// VMID returns the UUID of the VM named name of the named Prism Central.
func VMID(t *testing.T, w *prismsim.World, pcName, name string) string {
	t.Helper()
	vms, err := Client(t, w, pcName).ListVMs(t.Context(), "")
	if err != nil {
		t.Fatalf("listing the VMs of %s: %v", pcName, err)
	}
	for _, vm := range vms {
		if vm.Name == name {
			return vm.UUID
		}
	}
	t.Fatalf("no VM %s on %s", name, pcName)
	return ""
}

// Names of the Prism Centrals of the preset nc2-cross-region.
const (
	PCTokyo = "tokyo"
	PCOsaka = "osaka"
)

// NewWorldPreset is NewWorldWith for another preset than leap-two-sites, such as
// nc2-cross-region; edit may be nil.
func NewWorldPreset(t *testing.T, name string, edit func(*prismsim.WorldConfig)) *prismsim.World {
	t.Helper()
	cfg, err := prismsim.Preset(name)
	if err != nil {
		t.Fatalf("loading preset %s: %v", name, err)
	}
	cfg.Settings.TaskLatency = prismsim.Duration(taskLatency)
	if v := os.Getenv(PCVersionEnv); v != "" {
		WithPCVersion(v)(&cfg) // the protocol matrix, as in NewWorldWith
	}
	if edit != nil {
		edit(&cfg)
	}
	w, err := prismsim.NewWorld(cfg)
	if err != nil {
		t.Fatalf("building world %s: %v", name, err)
	}
	if err := w.Start(); err != nil {
		t.Fatalf("starting world %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("closing world: %v", err)
		}
	})
	return w
}
