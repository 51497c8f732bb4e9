package acctest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestHCLString(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:          `"plain"`,
		`q"uo\te`:        `"q\"uo\\te"`,
		"line\nbreak\t":  `"line\nbreak\t"`,
		`${interp}%{if}`: `"$${interp}%%{if}"`,
		`$5 and 100%`:    `"$5 and 100%"`,
	} {
		if got := HCLString(in); got != want {
			t.Errorf("HCLString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestErrorRegexp(t *testing.T) {
	re := ErrorRegexp(`No VM named "web-01"`, `"app-01", "db-01"`)
	wrapped := "Error: Error looking up VM\n\nNo VM named\n\"web-01\" on this Prism Central. The VMs it has: \"app-01\",\n\"db-01\"."
	if !re.MatchString(wrapped) {
		t.Errorf("%s does not match the wrapped message:\n%s", re, wrapped)
	}
	if re.MatchString(`No VM named "web-02"`) {
		t.Errorf("%s matches another name", re)
	}
	if !ErrorRegexp(`a.b (c)`).MatchString("a.b (c)") || ErrorRegexp(`a.b`).MatchString("axb") {
		t.Error("fragments must match literally")
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Errorf("no go.mod in %s: %v", root, err)
	}
	wd, _ := os.Getwd()
	if !strings.HasPrefix(wd, root) {
		t.Errorf("root %s is not above the working directory %s", root, wd)
	}
}

func TestNewWorldAndProviderConfig(t *testing.T) {
	w := NewWorld(t)
	cfg := ProviderConfig(w, PCCanada, "canada")
	p := w.PC(PCCanada)
	for _, want := range []string{
		`provider "nutanixdr" {`, `alias          = "canada"`, `endpoint       = "127.0.0.1"`,
		"-----BEGIN CERTIFICATE-----", "  EOT\n}",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("provider block lacks %q:\n%s", want, cfg)
		}
	}
	if !strings.Contains(cfg, HCLString(p.Password())) {
		t.Error("provider block lacks the password")
	}
	two := TwoSitesConfig(w, PCCanada, PCFrance)
	if !strings.Contains(two, `provider "`+SecondSite+`" {`) || !strings.Contains(two, `source = "`+ProviderHost()+`/nutanixdr/`+SecondSite+`"`) {
		t.Errorf("two-site configuration lacks the second provider:\n%s", two)
	}
	c := Client(t, w, PCFrance)
	clusters, err := c.ListClusters(t.Context(), "")
	if err != nil {
		t.Fatalf("the client does not reach the emulator over verified TLS: %v", err)
	}
	found := false
	for _, cl := range clusters {
		found = found || cl.Name == "FR01"
	}
	if !found {
		t.Errorf("france lists clusters %+v, want FR01 among them", clusters)
	}
}

func TestSetup(t *testing.T) {
	if err := Setup(); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") != "nutanixdr" || os.Getenv("TF_ACC_PROVIDER_HOST") != ProviderHost() {
		t.Error("provider namespace and host not set")
	}
	if !filepath.IsAbs(os.Getenv("TF_ACC_TERRAFORM_PATH")) {
		t.Errorf("TF_ACC_TERRAFORM_PATH %q is not absolute", os.Getenv("TF_ACC_TERRAFORM_PATH"))
	}
	data, err := os.ReadFile(os.Getenv("TF_CLI_CONFIG_FILE"))
	if err != nil || len(data) != 0 {
		t.Errorf("TF_CLI_CONFIG_FILE must be an empty file: %v %q", err, data)
	}
}

func TestCheckSecretNotStored(t *testing.T) {
	base := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", base)
	const addr, marker, secret = "nutanixdr_availability_zone.test", "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b", "s3cret-remote-pw"
	state := func(attrs map[string]any) *tfjson.State {
		return &tfjson.State{Values: &tfjson.StateValues{RootModule: &tfjson.StateModule{
			Resources: []*tfjson.StateResource{{Address: addr, AttributeValues: attrs}},
		}}}
	}
	clean := state(map[string]any{"cloud_trust_id": marker, "password": nil})
	run := func(s *tfjson.State) error {
		var resp statecheck.CheckStateResponse
		CheckSecretNotStored(addr, "cloud_trust_id", secret).CheckState(t.Context(), statecheck.CheckStateRequest{State: s}, &resp)
		return resp.Error
	}
	if err := run(clean); err == nil || !strings.Contains(err.Error(), "no state file holds") {
		t.Errorf("without a state file the check must fail, got %v", err)
	}

	dir := filepath.Join(base, "plugintest123", "work456")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "terraform.tfstate")
	write := func(content string) {
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"cloud_trust_id":"` + marker + `","password":null}`)
	if err := run(clean); err != nil {
		t.Errorf("a clean state must pass: %v", err)
	}
	write(`{"cloud_trust_id":"` + marker + `","password":"` + secret + `"}`)
	if err := run(clean); err == nil || !strings.Contains(err.Error(), "holds the secret") {
		t.Errorf("a state file with the secret must fail, got %v", err)
	}
	write(`{"cloud_trust_id":"` + marker + `"}`)
	if err := run(state(map[string]any{"cloud_trust_id": marker, "password": secret})); err == nil {
		t.Error("a shown state with the secret must fail")
	}
	if err := run(state(map[string]any{})); err == nil {
		t.Error("a state without the marker attribute must fail")
	}
}

func TestWithDR(t *testing.T) {
	w := NewWorldWith(t, WithDR(PCFrance))
	if _, err := Client(t, w, PCFrance).LocalAvailabilityZone(t.Context()); err != nil {
		t.Errorf("france must start with disaster recovery enabled: %v", err)
	}
	if _, err := Client(t, w, PCCanada).LocalAvailabilityZone(t.Context()); err == nil {
		t.Error("canada must start with disaster recovery disabled")
	}
}
