package acctest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if !strings.Contains(two, `provider "`+SecondSite+`" {`) || !strings.Contains(two, `source = "registry.opentofu.org/nutanixdr/`+SecondSite+`"`) {
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
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") != "nutanixdr" || os.Getenv("TF_ACC_PROVIDER_HOST") != "registry.opentofu.org" {
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
