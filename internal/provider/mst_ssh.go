package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/sshcli"
)

// This file runs clustermgmt-cli on the Prism Central VM for nutanixdr_mst_target: the only
// way to deploy MST, since no API call does.

// mstCLI is the command that deploys MST on a Prism Central VM.
const mstCLI = "clustermgmt-cli"

// Exit statuses of clustermgmt-cli and of the shell that runs it.
const (
	cliExitUsage    = 2
	cliExitNotFound = 127
)

// sshModel is the ssh attribute. Password and PrivateKey are write-only: only the
// configuration holds them, and they are null in the plan and the state.
type sshModel struct {
	Host                  types.String `tfsdk:"host"`
	Port                  types.Int64  `tfsdk:"port"`
	User                  types.String `tfsdk:"user"`
	Password              types.String `tfsdk:"password"`
	PrivateKey            types.String `tfsdk:"private_key"`
	PrivateKeyFile        types.String `tfsdk:"private_key_file"`
	HostKey               types.String `tfsdk:"host_key"`
	InsecureIgnoreHostKey types.Bool   `tfsdk:"insecure_ignore_host_key"`
}

// hasCredential tells whether the configuration gives a way to log in (unknown counts: it
// is checked again at apply).
func (m *sshModel) hasCredential() bool {
	set := func(v types.String) bool { return v.IsUnknown() || (!v.IsNull() && v.ValueString() != "") }
	return set(m.Password) || set(m.PrivateKey) || set(m.PrivateKeyFile)
}

// sshConfig builds the connection settings; password and privateKey come from the
// configuration (write-only), and a private_key_file is read now.
func sshConfig(m *sshModel, password, privateKey string) (sshcli.Config, error) {
	cfg := sshcli.Config{
		Host:                  m.Host.ValueString(),
		Port:                  int(m.Port.ValueInt64()),
		User:                  m.User.ValueString(),
		Password:              password,
		PrivateKey:            privateKey,
		HostKey:               m.HostKey.ValueString(),
		InsecureIgnoreHostKey: m.InsecureIgnoreHostKey.ValueBool(),
	}
	if cfg.PrivateKey == "" && !m.PrivateKeyFile.IsNull() && m.PrivateKeyFile.ValueString() != "" {
		data, err := os.ReadFile(m.PrivateKeyFile.ValueString())
		if err != nil {
			return cfg, fmt.Errorf("reading ssh.private_key_file: %w", err)
		}
		cfg.PrivateKey = string(data)
	}
	return cfg, nil
}

// mstDeployment is what clustermgmt-cli mst deploy is run with.
type mstDeployment struct {
	Bucket, Region, Network, BucketType string
	IPs                                 []string
	AccessKeyID, SecretAccessKey        string
}

// argv is the command line: the keys are not in it, they are typed at the prompts.
func (d mstDeployment) argv() []string {
	return []string{mstCLI, "mst", "deploy", "-b", d.Bucket, "-r", d.Region, "-i", strings.Join(d.IPs, ","),
		"-s", d.Network, "-t", d.BucketType}
}

// answers are the prompts of the keys, in the order the CLI asks: the access key, then the
// secret key ("secret access key" on some versions, hence the exclusion).
func (d mstDeployment) answers() []sshcli.Answer {
	return []sshcli.Answer{
		{Name: "access key", Match: sshcli.PromptEndsWith([]string{"access key"}, "secret"), Value: d.AccessKeyID},
		{Name: "secret key", Match: sshcli.PromptEndsWith([]string{"secret"}), Value: d.SecretAccessKey},
	}
}

// cliRun is one command run on the Prism Central VM, for messages.
type cliRun struct {
	command string
	result  sshcli.Result
	err     error
}

// runCLI connects, runs argv with the answers and logs what happened (never the answers: they
// are masked in the output, and the caller masks them in ctx too).
func runCLI(ctx context.Context, cfg sshcli.Config, argv []string, answers []sshcli.Answer) cliRun {
	run := cliRun{command: sshcli.QuoteCommand(argv)}
	tflog.Debug(ctx, "running a command on the Prism Central VM", map[string]any{"ssh": cfg.String(), "command": run.command})
	conn, err := sshcli.Dial(ctx, cfg)
	if err != nil {
		run.err = err
		return run
	}
	defer func() { _ = conn.Close() }()
	run.result, run.err = conn.Run(ctx, argv, answers)
	tflog.Debug(ctx, "command on the Prism Central VM ended", map[string]any{
		"command": run.command, "exit_status": run.result.ExitStatus, "stdout": run.result.Stdout, "stderr": run.result.Stderr,
	})
	return run
}

// cliErrorLine matches the lines clustermgmt-cli explains a refusal with.
var cliErrorLine = regexp.MustCompile(`(?m)^\s*(?:Error|ERROR|error):\s*(.+)$`)

// cliMessage returns what the CLI said about a failure: its Error lines, or the end of its
// output.
func cliMessage(res sshcli.Result) string {
	var lines []string
	for _, m := range cliErrorLine.FindAllStringSubmatch(res.Stderr+"\n"+res.Stdout, -1) {
		lines = append(lines, strings.TrimSpace(m[1]))
	}
	if len(lines) > 0 {
		return strings.Join(lines, "\n")
	}
	out := strings.TrimSpace(res.Stderr)
	if out == "" {
		out = strings.TrimSpace(res.Stdout)
	}
	if len(out) > 2000 {
		out = "..." + out[len(out)-2000:]
	}
	if out == "" {
		return "(no output)"
	}
	return out
}

// cliUnavailable tells whether a run shows that the command (or its subcommand) does not
// exist on this Prism Central.
func cliUnavailable(res sshcli.Result) bool {
	if res.ExitStatus == cliExitNotFound {
		return true
	}
	out := strings.ToLower(res.Stderr + res.Stdout)
	return res.ExitStatus == cliExitUsage && (strings.Contains(out, "unknown command") || strings.Contains(out, "invalid choice"))
}

// sshErrorHint says what to do about a failed connection.
func sshErrorHint(err error) string {
	switch {
	case errors.Is(err, sshcli.ErrAuthentication):
		return "Check ssh.user (nutanix) and ssh.password or ssh.private_key: they are those of the Prism Central VM, " +
			"not of the Prism Central web console."
	case errors.Is(err, sshcli.ErrHostKeyMismatch):
		return "ssh.host_key pins another key. If the Prism Central VM was redeployed, pin its new key; otherwise " +
			"check that ssh.host is the Prism Central VM."
	case errors.Is(err, sshcli.ErrUnreachable):
		return "Check ssh.host and ssh.port and that SSH (port 22) is open from where Terraform runs to the Prism Central VM."
	case errors.Is(err, context.DeadlineExceeded):
		return "The command did not finish in time: raise timeouts and check the deployment with " +
			"`clustermgmt-cli mst list` on the Prism Central VM."
	}
	return ""
}

// mstDeployHint says what to do about a refused deployment, from the CLI's message.
func mstDeployHint(msg string) string {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "already deployed"):
		return "The bucket already has an MST deployment on this Prism Central: import it (`tofu import " +
			"nutanixdr_mst_target.<name> <store id>`, the id is on the nutanixdr_mst_target data source) or use another bucket."
	case strings.Contains(m, "access key") || strings.Contains(m, "secret key"):
		return "Check access_key_id and secret_access_key: those of an IAM user with full access to the bucket."
	case strings.Contains(m, "in use") || strings.Contains(m, "dhcp pool") || strings.Contains(m, "not in network"):
		return "Pick three free addresses of network_name, outside its DHCP pool."
	case strings.Contains(m, "network"):
		return "network_name must be the name of a subnet of this Prism Central, as the nutanixdr_subnet data source shows it."
	case strings.Contains(m, "disaster recovery is not enabled"):
		return "Enable disaster recovery on this Prism Central first (resource nutanixdr_disaster_recovery) and make this resource depend on it."
	}
	return ""
}
