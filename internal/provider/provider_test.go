package provider_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
)

func TestMain(m *testing.M) {
	if err := acctest.Setup(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// offlineProviderConfig is a provider block that passes configuration but reaches nothing: for
// steps that must fail before any API call.
func offlineProviderConfig() string {
	return `
provider "nutanixdr" {
  endpoint = "127.0.0.1"
  port     = 1
  username = "admin"
  password = "unused"
}
`
}

// TestAccProvider_missingSettings checks that a provider block without credentials names the
// attribute and its environment variable.
func TestAccProvider_missingSettings(t *testing.T) {
	for _, env := range []string{"NUTANIX_USERNAME", "NUTANIX_PASSWORD", "NUTANIX_ENDPOINT"} {
		if os.Getenv(env) != "" {
			t.Skipf("%s is set in the environment, so the provider would not miss it", env)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "nutanixdr" {
  endpoint = "127.0.0.1"
}

data "nutanixdr_cluster" "x" {
  name = "CA01"
}
`,
				ExpectError: acctest.ErrorRegexp(`Missing provider configuration`, `"username" in the provider block or the NUTANIX_USERNAME environment variable`),
			},
		},
	})
}

// TestAccProvider_invalidSettings checks the provider block validation that needs no server.
func TestAccProvider_invalidSettings(t *testing.T) {
	config := func(attrs string) string {
		return fmt.Sprintf(`
provider "nutanixdr" {
  endpoint = "127.0.0.1"
  username = "admin"
  password = "unused"
  %s
}

data "nutanixdr_cluster" "x" {
  name = "CA01"
}
`, attrs)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(`ca_certificate = "pc-ca.pem"`),
				ExpectError: acctest.ErrorRegexp(`no PEM certificate`, `looks like a file name`),
			},
			{
				Config:      config(`request_timeout = "soon"`),
				ExpectError: acctest.ErrorRegexp(`"soon"`, `duration`),
			},
			{
				Config:      config(`request_timeout = "0s"`),
				ExpectError: acctest.ErrorRegexp(`request_timeout must be greater than zero`),
			},
			{
				Config:      config(`port = 70000`),
				ExpectError: acctest.ErrorRegexp(`port value must be between 1 and 65535`),
			},
		},
	})
}

// TestAccProvider_connection checks what users see when the connection settings are wrong, and
// that insecure = true skips verification.
func TestAccProvider_connection(t *testing.T) {
	w := acctest.NewWorld(t)
	pc := w.PC(acctest.PCCanada)
	config := func(password, extra string) string {
		return fmt.Sprintf(`
provider "nutanixdr" {
  endpoint = %q
  port     = %d
  username = %q
  password = %s
  %s
}

data "nutanixdr_cluster" "x" {
  name = "CA01"
}
`, pc.Endpoint(), pc.Port(), pc.Username(), acctest.HCLString(password), extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// No ca_certificate: the self-signed certificate is refused, and the error says
				// what to set.
				Config:      config(pc.Password(), ""),
				ExpectError: acctest.ErrorRegexp(`is not trusted`, `set ca_certificate`),
			},
			{
				Config:      config("wrong-password", "insecure = true"),
				ExpectError: acctest.ErrorRegexp(`authentication failed for user`, `check username and password`),
			},
			{
				Config: config(pc.Password(), "insecure = true"),
			},
		},
	})
}
