package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/sshcli"
)

func TestCheckBucketName(t *testing.T) {
	for name, want := range map[string]string{
		"nutanix-clusters-pilotlight-jwr": "",
		"abc":                             "",
		"my.bucket-01":                    "",
		"ab":                              "3 to 63",
		strings.Repeat("a", 64):           "3 to 63",
		"nutanix_clusters":                "underscore",
		"Nutanix-clusters":                "upper-case",
		"-nutanix":                        "starting and ending",
		"nutanix-":                        "starting and ending",
		"nutanix..x":                      "adjacent dots",
		"10.110.33.201":                   "IP address",
		"xn--bucket":                      "reserved",
		"bucket-s3alias":                  "reserved",
		"bucket name":                     "lowercase letters",
	} {
		got := checkBucketName(name)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("checkBucketName(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestBucketNameValidatorWarnsWithoutPrefix(t *testing.T) {
	run := func(v string) *validator.StringResponse {
		resp := &validator.StringResponse{}
		bucketName().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("bucket"),
			ConfigValue: types.StringValue(v)}, resp)
		return resp
	}
	if r := run("nutanix-clusters-x"); r.Diagnostics.HasError() || r.Diagnostics.WarningsCount() != 0 {
		t.Errorf("recommended name: %v", r.Diagnostics)
	}
	r := run("my-backups")
	if r.Diagnostics.HasError() || r.Diagnostics.WarningsCount() != 1 ||
		!strings.Contains(r.Diagnostics.Warnings()[0].Detail(), `does not start with "nutanix-clusters"`) {
		t.Errorf("other name: %v", r.Diagnostics)
	}
	if r := run("My_Bucket"); !r.Diagnostics.HasError() {
		t.Errorf("invalid name accepted")
	}
}

func TestCheckMSTAddresses(t *testing.T) {
	if p := checkMSTAddresses([]string{"10.0.0.1", "10.0.0.2", "10.0.0.3"}); len(p) != 0 {
		t.Errorf("valid addresses: %v", p)
	}
	p := checkMSTAddresses([]string{"10.0.0.1", "10.0.0.1"})
	if len(p) != 2 || !strings.Contains(p[0], "exactly 3") || !strings.Contains(p[1], "distinct") {
		t.Errorf("two equal addresses: %v", p)
	}
	if p := checkMSTAddresses([]string{"10.0.0.1", "x", "10.0.0.3"}); len(p) != 1 || !strings.Contains(p[0], "ip_addresses[1]") {
		t.Errorf("bad address: %v", p)
	}
}

func TestMSTNetworkProblems(t *testing.T) {
	subnet := client.Subnet{Name: "PC-Net", CIDR: "10.110.33.0/24", GatewayIP: "10.110.33.1",
		IPConfig: &client.IPConfig{CIDR: "10.110.33.0/24", Pools: []string{"10.110.33.50-10.110.33.200"}}}
	used := map[string]string{"10.110.33.210": "web-01"}
	if p := mstNetworkProblems(subnet, []string{"10.110.33.201", "10.110.33.202", "10.110.33.203"}, used); len(p) != 0 {
		t.Errorf("free addresses: %v", p)
	}
	p := mstNetworkProblems(subnet, []string{"10.110.33.200", "10.110.34.1", "10.110.33.210", "10.110.33.1", "10.110.33.255"}, used)
	want := []string{"inside the DHCP pool 10.110.33.50-10.110.33.200", `not inside network "PC-Net"`, `used by VM "web-01"`,
		"gateway", "broadcast"}
	if len(p) != len(want) {
		t.Fatalf("problems %v", p)
	}
	for i, w := range want {
		if !strings.Contains(p[i], w) {
			t.Errorf("problem %d = %q, want %q", i, p[i], w)
		}
	}
	if p := mstNetworkProblems(client.Subnet{Name: "bare"}, []string{"10.0.0.1"}, nil); len(p) != 1 || !strings.Contains(p[0], "no IP address management") {
		t.Errorf("unmanaged network: %v", p)
	}
}

func TestCLIMessages(t *testing.T) {
	res := sshcli.Result{ExitStatus: 1, Stdout: "Validating...\n", Stderr: "Warning: x\nError: IP address 10.0.0.1 is already in use by vm-1\n"}
	if got := cliMessage(res); got != "IP address 10.0.0.1 is already in use by vm-1" {
		t.Errorf("cliMessage = %q", got)
	}
	if got := cliMessage(sshcli.Result{Stdout: "something odd"}); got != "something odd" {
		t.Errorf("cliMessage without Error lines = %q", got)
	}
	if !cliUnavailable(sshcli.Result{ExitStatus: 127, Stderr: "bash: clustermgmt-cli: command not found"}) ||
		!cliUnavailable(sshcli.Result{ExitStatus: 2, Stderr: `Error: unknown command "mst remove"`}) ||
		cliUnavailable(sshcli.Result{ExitStatus: 1, Stderr: "Error: used by protection policies"}) {
		t.Error("cliUnavailable misclassifies")
	}
	for msg, want := range map[string]string{
		"MST is already deployed for bucket b":      "import it",
		"invalid secret key: an AWS secret":         "access_key_id and secret_access_key",
		"IP address x is inside the DHCP pool":      "outside its DHCP pool",
		`network "x" not found on this Prism`:       "network_name",
		"disaster recovery is not enabled on this":  "nutanixdr_disaster_recovery",
		"something else entirely":                   "",
		"IP address 10.0.0.9 is not in network PCN": "outside its DHCP pool",
	} {
		if got := mstDeployHint(msg); (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("mstDeployHint(%q) = %q, want %q", msg, got, want)
		}
	}
}

// TestRunCLILogsNoSecret deploys MST on the emulator's nc2-aws through runCLI with every log
// captured, and checks that the logs hold the command and the CLI's output but no key, even
// without the masking the resource adds.
func TestRunCLILogsNoSecret(t *testing.T) {
	cfg, err := prismsim.Preset("nc2-pilot-light")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Settings.TaskLatency = prismsim.Duration(10 * time.Millisecond)
	w, err := prismsim.NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	}()
	env, ok := w.PC("nc2-aws").SSH()
	if !ok {
		t.Fatal("nc2-aws has no ssh server")
	}
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	d := mstDeployment{Bucket: "nutanix-clusters-unit", Region: "ap-northeast-1", Network: "PC-Net", BucketType: client.BucketTypeAWS,
		IPs: []string{"10.110.33.221", "10.110.33.222", "10.110.33.223"}, AccessKeyID: "AKIAUNITTEST00000042",
		SecretAccessKey: "uNiT/TeSt+SeCrEt0123456789abcdefghijklmn"}
	if strings.Contains(strings.Join(d.argv(), " "), d.AccessKeyID) || strings.Contains(strings.Join(d.argv(), " "), d.SecretAccessKey) {
		t.Fatalf("a key is in the command line %q", d.argv())
	}
	run := runCLI(ctx, sshcli.Config{Host: env.Host, Port: env.Port, User: env.User, Password: env.Password, HostKey: env.HostKey},
		d.argv(), d.answers())
	if run.err != nil || run.result.ExitStatus != 0 {
		t.Fatalf("deploy: %+v", run)
	}
	if _, ok := w.PC("nc2-aws").RecoveryPointStoreByBucket(d.Bucket); !ok {
		t.Error("no store after the deployment")
	}
	text := logs.String()
	for _, want := range []string{"clustermgmt-cli mst deploy -b nutanix-clusters-unit", "Enter the access key", "MST deployment completed"} {
		if !strings.Contains(text, want) {
			t.Errorf("the logs do not hold %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{d.AccessKeyID, d.SecretAccessKey, env.Password} {
		if strings.Contains(text, secret) {
			t.Errorf("the logs hold a secret")
		}
	}

	// Removal through the CLI, and the answer when there is nothing to remove.
	rm := runCLI(ctx, sshcli.Config{Host: env.Host, Port: env.Port, User: env.User, Password: env.Password, HostKey: env.HostKey},
		[]string{mstCLI, "mst", "remove", "-b", d.Bucket}, nil)
	if rm.err != nil || rm.result.ExitStatus != 0 {
		t.Fatalf("remove: %+v", rm)
	}
	rm = runCLI(ctx, sshcli.Config{Host: env.Host, Port: env.Port, User: env.User, Password: env.Password, HostKey: env.HostKey},
		[]string{mstCLI, "mst", "remove", "-b", "nutanix-clusters-none"}, nil)
	if rm.result.ExitStatus != 1 || !strings.Contains(strings.ToLower(cliMessage(rm.result)), "no mst deployment found") {
		t.Errorf("removing nothing: %+v", rm)
	}
}
