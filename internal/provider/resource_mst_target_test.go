package provider_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/crypto/ssh"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/sshcli"
)

// Names of the preset nc2-pilot-light.
const (
	presetPilotLight = "nc2-pilot-light"
	pcNC2            = "nc2-aws"
	pilotNetwork     = "PC-Net"
)

// mstIPs are free addresses of PC-Net, above its DHCP pool (which ends at .200).
var mstIPs = []string{"10.110.33.201", "10.110.33.202", "10.110.33.203"}

// mstKeys returns an access key and a secret key in the formats the CLI accepts, unique to
// the test, so that finding them anywhere means this test leaked them.
func mstKeys(t *testing.T) (access, secret string) {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	hex := strings.ToUpper(fmt.Sprintf("%x", b))
	return "AKIA" + hex[:16], "sEcReT/" + hex + "+"
}

// mstOpts is the configuration of one test step.
type mstOpts struct {
	bucket, region, network, bucketType string
	ips                                 []string
	// ipsExpr replaces ips by an expression (e.g. one unknown at plan time).
	ipsExpr                     string
	access, secret              string
	password, keyFile, hostKey  string
	insecure, noHostKey, noKeys bool
	// fromVars declares the secrets as sensitive variables, set through TF_VAR_ environment
	// variables, as a real configuration would: the test framework logs the configuration's
	// text, literals included.
	fromVars bool
	extra    string
}

// pilotMST returns the options of a deployment on nc2-aws with its SSH password.
func pilotMST(t *testing.T, w *prismsim.World, bucket string) mstOpts {
	t.Helper()
	env, ok := w.PC(pcNC2).SSH()
	if !ok {
		t.Fatalf("pc %s has no ssh server", pcNC2)
	}
	access, secret := mstKeys(t)
	return mstOpts{bucket: bucket, region: "ap-northeast-1", network: pilotNetwork, bucketType: "aws", ips: mstIPs,
		access: access, secret: secret, password: env.Password, hostKey: env.HostKey}
}

func testAccMSTConfig(w *prismsim.World, o mstOpts) string {
	env, _ := w.PC(pcNC2).SSH()
	var b strings.Builder
	b.WriteString(acctest.ProviderConfig(w, pcNC2, ""))
	b.WriteString("resource \"nutanixdr_mst_target\" \"test\" {\n  ssh = {\n")
	fmt.Fprintf(&b, "    host = %q\n    port = %d\n", env.Host, env.Port)
	secret := func(v, name string) string {
		if o.fromVars {
			return "var." + name
		}
		return acctest.HCLString(v)
	}
	if o.password != "" {
		fmt.Fprintf(&b, "    password = %s\n", secret(o.password, "mst_ssh_password"))
	}
	if o.keyFile != "" {
		fmt.Fprintf(&b, "    private_key_file = %s\n", acctest.HCLString(o.keyFile))
	}
	if !o.noHostKey {
		fmt.Fprintf(&b, "    host_key = %s\n", acctest.HCLString(o.hostKey))
	}
	if o.insecure {
		b.WriteString("    insecure_ignore_host_key = true\n")
	}
	b.WriteString("  }\n")
	ips := o.ipsExpr
	if ips == "" {
		quoted := make([]string, len(o.ips))
		for i, ip := range o.ips {
			quoted[i] = fmt.Sprintf("%q", ip)
		}
		ips = "[" + strings.Join(quoted, ", ") + "]"
	}
	fmt.Fprintf(&b, "  bucket       = %q\n  region       = %q\n  ip_addresses = %s\n  network_name = %q\n  bucket_type  = %q\n",
		o.bucket, o.region, ips, o.network, o.bucketType)
	if !o.noKeys {
		fmt.Fprintf(&b, "  access_key_id     = %s\n  secret_access_key = %s\n", secret(o.access, "mst_access_key_id"),
			secret(o.secret, "mst_secret_access_key"))
	}
	b.WriteString(o.extra)
	b.WriteString("}\n")
	if o.fromVars {
		for _, name := range []string{"mst_ssh_password", "mst_access_key_id", "mst_secret_access_key"} {
			fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n}\n", name)
		}
	}
	return b.String()
}

// secretsNotInPlan is a plan check that fails when a secret appears in what the plan shows:
// the planned values, the changes and the prior state. The plan's copy of the configuration
// is left out: it echoes the literals of the test's own .tf file, as the file itself does.
type secretsNotInPlan []string

func (s secretsNotInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan == nil {
		resp.Error = errors.New("no plan")
		return
	}
	parts := map[string]any{
		"planned_values": req.Plan.PlannedValues, "resource_changes": req.Plan.ResourceChanges,
		"prior_state": req.Plan.PriorState, "output_changes": req.Plan.OutputChanges,
	}
	for name, part := range parts {
		data, err := json.Marshal(part)
		if err != nil {
			resp.Error = err
			return
		}
		for i, secret := range s {
			if secret != "" && strings.Contains(string(data), secret) {
				resp.Error = fmt.Errorf("the plan's %s holds secret #%d", name, i)
				return
			}
		}
	}
}

// removeMSTOutOfBand removes the bucket's MST deployment with the CLI over SSH, as an operator
// would, and waits until the store is gone.
func removeMSTOutOfBand(t *testing.T, w *prismsim.World, bucket string) {
	t.Helper()
	pc := w.PC(pcNC2)
	env, _ := pc.SSH()
	c, err := sshcli.Dial(t.Context(), sshcli.Config{Host: env.Host, Port: env.Port, User: env.User, Password: env.Password, HostKey: env.HostKey})
	if err != nil {
		t.Fatalf("ssh to %s: %v", pcNC2, err)
	}
	defer func() { _ = c.Close() }()
	res, err := c.Run(t.Context(), []string{"clustermgmt-cli", "mst", "remove", "-b", bucket}, nil)
	if err != nil || res.ExitStatus != 0 {
		t.Fatalf("mst remove: %+v %v", res, err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, ok := pc.RecoveryPointStoreByBucket(bucket); !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store of %s is still there", bucket)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkStoreOf checks that the store of bucket exists (or not) on nc2-aws.
func checkStoreOf(w *prismsim.World, bucket string, exists bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, ok := w.PC(pcNC2).RecoveryPointStoreByBucket(bucket)
		if ok != exists {
			return fmt.Errorf("store of bucket %s exists = %v, want %v", bucket, ok, exists)
		}
		return nil
	}
}

// storeIDOf checks that the state's id is the extId of the bucket's store.
func storeIDOf(w *prismsim.World, bucket string) resource.TestCheckFunc {
	const addr = "nutanixdr_mst_target.test"
	return func(s *terraform.State) error {
		st, ok := w.PC(pcNC2).RecoveryPointStoreByBucket(bucket)
		if !ok {
			return fmt.Errorf("no store of bucket %s", bucket)
		}
		return resource.TestCheckResourceAttr(addr, "id", st.ExtID)(s)
	}
}

func TestAccMSTTarget_basic(t *testing.T) {
	w := acctest.NewWorldPreset(t, presetPilotLight, nil)
	const bucket = "nutanix-clusters-pilotlight-acc"
	const addr = "nutanixdr_mst_target.test"
	o := pilotMST(t, w, bucket)
	secrets := secretsNotInPlan{o.access, o.secret, o.password}
	config := testAccMSTConfig(w, o)
	dataSource := `
data "nutanixdr_mst_target" "by_bucket" {
  bucket = nutanixdr_mst_target.test.bucket
}
`
	sameStore := statecheck.CompareValue(compare.ValuesSame())
	var firstID string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// Destroy has no credential it can use (the password is write-only): the store stays
		// on Prism Central, as the warning says.
		CheckDestroy: checkStoreOf(w, bucket, true),
		Steps: []resource.TestStep{
			{
				Config: config + dataSource,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{secrets, plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{secrets, plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("AVAILABLE")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bucket"), knownvalue.StringExact(bucket)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(bucket)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("access_key_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_access_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ssh").AtMapKey("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ssh").AtMapKey("user"), knownvalue.StringExact("nutanix")),
					acctest.CheckSecretNotStored(addr, "id", o.secret),
					acctest.CheckSecretNotStored(addr, "id", o.access),
					acctest.CheckSecretNotStored(addr, "id", o.password),
					sameStore.AddStateValue(addr, tfjsonpath.New("id")),
					sameStore.AddStateValue("data.nutanixdr_mst_target.by_bucket", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("data.nutanixdr_mst_target.by_bucket", tfjsonpath.New("network_name"), knownvalue.StringExact(pilotNetwork)),
					statecheck.ExpectKnownValue("data.nutanixdr_mst_target.by_bucket", tfjsonpath.New("ip_addresses"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(mstIPs[0]), knownvalue.StringExact(mstIPs[1]), knownvalue.StringExact(mstIPs[2])})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					storeIDOf(w, bucket),
					func(s *terraform.State) error {
						firstID = s.RootModule().Resources[addr].Primary.ID
						return nil
					},
				),
			},
			{
				// The ssh connection and the write-only keys cannot be imported.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"ssh", "timeouts"},
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: bucket,
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `extId of the recovery point store`),
			},
			{
				// The keys may leave the configuration once deployed.
				Config: testAccMSTConfig(w, func() mstOpts { c := o; c.noKeys = true; return c }()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Removed outside Terraform: the plan deploys again.
				PreConfig: func() { removeMSTOutOfBand(t, w, bucket) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{secrets, plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					storeIDOf(w, bucket),
					func(s *terraform.State) error {
						if id := s.RootModule().Resources[addr].Primary.ID; id == firstID {
							return fmt.Errorf("the store was not deployed again (id %s)", id)
						}
						return nil
					},
				),
			},
		},
	})
	removeMSTOutOfBand(t, w, bucket)
}

// withAuthorizedKey returns an edit that lets a new key log in to nc2-aws, and the path of
// its private key file.
func withAuthorizedKey(t *testing.T) (func(*prismsim.WorldConfig), string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))
	return func(cfg *prismsim.WorldConfig) {
		for i := range cfg.PCs {
			if cfg.PCs[i].Name == pcNC2 && cfg.PCs[i].SSH != nil {
				cfg.PCs[i].SSH.AuthorizedKeys = append(cfg.PCs[i].SSH.AuthorizedKeys, line)
			}
		}
	}, file
}

// TestAccMSTTarget_keyFile deploys with a private key file, the credential destroy can use:
// destroy removes MST with the CLI.
func TestAccMSTTarget_keyFile(t *testing.T) {
	edit, keyFile := withAuthorizedKey(t)
	w := acctest.NewWorldPreset(t, presetPilotLight, edit)
	const bucket = "nutanix-clusters-keyfile"
	const addr = "nutanixdr_mst_target.test"
	o := pilotMST(t, w, bucket)
	o.password, o.keyFile = "", keyFile
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkStoreOf(w, bucket, false),
		Steps: []resource.TestStep{
			{
				Config: testAccMSTConfig(w, o),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ssh").AtMapKey("private_key_file"), knownvalue.StringExact(keyFile)),
					acctest.CheckSecretNotStored(addr, "id", o.secret),
				},
				Check: storeIDOf(w, bucket),
			},
			{
				// The ssh settings change in place, without deploying again.
				Config: testAccMSTConfig(w, func() mstOpts {
					c := o
					c.noKeys = true
					c.extra = "  timeouts = {\n    delete = \"5m\"\n  }\n"
					return c
				}()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: storeIDOf(w, bucket),
			},
			{
				// Other addresses replace the deployment, which needs the keys again.
				Config: testAccMSTConfig(w, func() mstOpts {
					c := o
					c.noKeys, c.ips = true, []string{"10.110.33.204", "10.110.33.205", "10.110.33.206"}
					return c
				}()),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`Missing bucket keys`),
			},
			{
				Config: testAccMSTConfig(w, func() mstOpts { c := o; c.ips = []string{"10.110.33.204", "10.110.33.205", "10.110.33.206"}; return c }()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ip_addresses").AtSliceIndex(0), knownvalue.StringExact("10.110.33.204")),
				},
				Check: storeIDOf(w, bucket),
			},
		},
	})
}

// TestAccMSTTarget_errors checks each refused input: at plan time when the values are known,
// at apply otherwise, with nothing deployed.
func TestAccMSTTarget_errors(t *testing.T) {
	w := acctest.NewWorldPreset(t, presetPilotLight, nil)
	const bucket = "nutanix-clusters-errors"
	base := pilotMST(t, w, bucket)
	with := func(f func(*mstOpts)) string {
		o := base
		f(&o)
		return testAccMSTConfig(w, o)
	}
	steps := []resource.TestStep{}
	plan := func(config string, fragments ...string) {
		steps = append(steps, resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.ErrorRegexp(fragments...)})
	}
	apply := func(config string, fragments ...string) {
		steps = append(steps, resource.TestStep{Config: config, ExpectError: acctest.ErrorRegexp(fragments...)})
	}
	plan(with(func(o *mstOpts) { o.bucket = "nutanix_clusters_x" }), `Invalid bucket name`, `underscore`)
	plan(with(func(o *mstOpts) { o.bucket = "Nutanix-Clusters-X" }), `Invalid bucket name`, `upper-case`)
	plan(with(func(o *mstOpts) { o.bucket = "nx" }), `Invalid bucket name`, `3 to 63 characters`)
	plan(with(func(o *mstOpts) { o.bucket = "nutanix-clusters-" + strings.Repeat("a", 50) }), `Invalid bucket name`, `3 to 63 characters`)
	plan(with(func(o *mstOpts) { o.ips = mstIPs[:2] }), `ip_addresses list must contain at least 3 elements`)
	plan(with(func(o *mstOpts) { o.ips = []string{mstIPs[0], mstIPs[0], mstIPs[1]} }), `ip_addresses`, `duplicate`)
	plan(with(func(o *mstOpts) { o.ips = []string{"10.110.33.201", "10.110.33.202", "10.110.33"} }), `Invalid IP address`)
	plan(with(func(o *mstOpts) { o.bucketType = "s3" }), `bucket_type value must be one of`, `"aws"`, `"ntx_oss"`)
	plan(with(func(o *mstOpts) { o.noHostKey = true }), `Missing SSH host key`, `insecure_ignore_host_key`)
	plan(with(func(o *mstOpts) { o.hostKey = "not-a-key" }), `Invalid SSH host key`)
	plan(with(func(o *mstOpts) { o.noKeys = true }), `Missing bucket keys`, `access_key_id and secret_access_key`)
	plan(with(func(o *mstOpts) { o.password = "" }), `Missing SSH credential`)
	plan(with(func(o *mstOpts) { o.ips = []string{"10.110.33.201", "10.110.33.202", "10.110.33.150"} }),
		`Invalid MST addresses`, `10.110.33.150 is inside the DHCP pool`)
	plan(with(func(o *mstOpts) { o.ips = []string{"10.110.33.201", "10.110.33.202", "10.110.34.5"} }),
		`Invalid MST addresses`, `10.110.34.5 is not inside network "PC-Net"`)
	plan(with(func(o *mstOpts) { o.network = "No-Such-Net" }), `Unknown MST network`, `No subnet named "No-Such-Net"`, `"PC-Net"`)
	// Unknown at plan time: checked at apply, before anything runs on the Prism Central VM.
	apply(with(func(o *mstOpts) {
		o.ipsExpr = "terraform_data.ips.output"
		o.extra = ""
	})+`
resource "terraform_data" "ips" {
  input = ["10.110.33.201", "10.110.33.202", "10.110.33.199"]
}
`, `Invalid MST addresses`, `10.110.33.199 is inside the DHCP pool`)
	// Refused by the CLI (exit status 1) or by the SSH server.
	apply(with(func(o *mstOpts) { o.access = "not-an-aws-key" }), `Error creating MST target`, `exited with status 1`,
		`invalid access key`, `Check access_key_id and secret_access_key`)
	apply(with(func(o *mstOpts) { o.region = "tokyo" }), `exited with status 1`, `invalid region "tokyo"`)
	apply(with(func(o *mstOpts) { o.password = "wrong-password" }), `Error creating MST target`, `ssh authentication failed`,
		`Check ssh.user`)
	_, otherPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ssh.NewSignerFromKey(otherPriv)
	if err != nil {
		t.Fatal(err)
	}
	apply(with(func(o *mstOpts) { o.hostKey = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(other.PublicKey()))) }),
		`ssh host key mismatch`, `not the pinned host key`)
	// A bucket nobody deployed.
	steps = append(steps, resource.TestStep{
		Config:      acctest.ProviderConfig(w, pcNC2, "") + "data \"nutanixdr_mst_target\" \"x\" {\n  bucket = \"nutanix-clusters-none\"\n}\n",
		ExpectError: acctest.ErrorRegexp(`Error looking up MST target`, `No MST recovery point store for bucket "nutanix-clusters-none"`),
	})
	for i := range steps {
		if steps[i].PreConfig == nil {
			steps[i].PreConfig = func() {
				if _, ok := w.PC(pcNC2).RecoveryPointStoreByBucket(bucket); ok {
					t.Errorf("step %d: a refused deployment left a store behind", i)
				}
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkStoreOf(w, bucket, false),
		Steps:                    steps,
	})
}

// TestAccMSTTarget_alreadyDeployed checks that a bucket deployed outside Terraform is refused,
// before anything runs on the Prism Central VM, with the import command.
func TestAccMSTTarget_alreadyDeployed(t *testing.T) {
	w := acctest.NewWorldPreset(t, presetPilotLight, nil)
	const bucket = "nutanix-clusters-taken"
	o := pilotMST(t, w, bucket)
	st := deployMSTOutOfBand(t, w, o)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      testAccMSTConfig(w, o),
			ExpectError: acctest.ErrorRegexp(`MST already deployed for the bucket`, `tofu import nutanixdr_mst_target.<name> `+st.ExtID),
		}},
	})
}

// deployMSTOutOfBand deploys MST for o.bucket on the nc2-aws Prism Central over SSH, as an
// operator would by hand, and returns the store it created.
func deployMSTOutOfBand(t *testing.T, w *prismsim.World, o mstOpts) prismsim.RecoveryPointStore {
	t.Helper()
	env, _ := w.PC(pcNC2).SSH()
	c, err := sshcli.Dial(t.Context(), sshcli.Config{Host: env.Host, Port: env.Port, User: env.User, Password: env.Password, HostKey: env.HostKey})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Run(t.Context(), []string{"clustermgmt-cli", "mst", "deploy", "-b", o.bucket, "-r", o.region, "-i", strings.Join(o.ips, ","),
		"-s", o.network, "-t", o.bucketType}, []sshcli.Answer{
		{Name: "access key", Match: sshcli.PromptEndsWith([]string{"access key"}, "secret"), Value: o.access},
		{Name: "secret key", Match: sshcli.PromptEndsWith([]string{"secret"}), Value: o.secret},
	})
	_ = c.Close()
	if err != nil || res.ExitStatus != 0 {
		t.Fatalf("deploying out of band: %+v %v", res, err)
	}
	st, ok := w.PC(pcNC2).RecoveryPointStoreByBucket(o.bucket)
	if !ok {
		t.Fatal("no store after the deployment")
	}
	return st
}

// TestAccMSTTarget_secretsNotLogged deploys and destroys with every log at TRACE, OpenTofu's
// and the provider's, and checks that no secret reached them. It sets environment variables,
// so it does not run in parallel.
func TestAccMSTTarget_secretsNotLogged(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	w := acctest.NewWorldPreset(t, presetPilotLight, nil)
	const bucket = "nutanix-clusters-logs"
	o := pilotMST(t, w, bucket)
	o.fromVars = true
	t.Setenv("TF_VAR_mst_ssh_password", o.password)
	t.Setenv("TF_VAR_mst_access_key_id", o.access)
	t.Setenv("TF_VAR_mst_secret_access_key", o.secret)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccMSTConfig(w, o),
			Check:  storeIDOf(w, bucket),
		}},
	})
	files, err := filepath.Glob(filepath.Join(logDir, "*.log"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no log file written in %s (%v)", logDir, err)
	}
	var all strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	logs := all.String()
	// The logs are real: they hold the provider's record of the command it ran.
	for _, want := range []string{"running a command on the Prism Central VM", "clustermgmt-cli mst deploy -b " + bucket,
		"Enter the secret key"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the logs do not hold %q: nothing was logged where the secrets could have been", want)
		}
	}
	for name, secret := range map[string]string{"access key": o.access, "secret key": o.secret, "ssh password": o.password} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold the %s", name)
			// Show where, without the secret itself.
			for _, l := range strings.Split(logs, "\n") {
				if strings.Contains(l, secret) {
					t.Logf("in: %.200s", strings.ReplaceAll(l, secret, "<"+name+">"))
				}
			}
		}
	}
	removeMSTOutOfBand(t, w, bucket)
}
