package prismsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/ssh"
)

// clustermgmt-cli, the PC VM's command that deploys MST, as the SSH server runs it.
//
//	clustermgmt-cli mst deploy -b <bucket> -r <region> -i <ip1>,<ip2>,<ip3> -s <network> -t <aws|ntx_oss>
//	clustermgmt-cli mst list [-o table|json]
//	clustermgmt-cli mst remove -b <bucket>
//
// Flags take their value as the next word or after "=" (-b=x, --bucket=x); long names
// are --bucket, --region, --ips, --network (or --subnet), --type, --output. deploy checks
// its arguments, then the PC's state, then prompts on stdin for the access key ("Enter
// the access key: ", echoed on a terminal) and the secret key ("Enter the secret key: ",
// never echoed), checks their format, and follows the deployment (mst.go) until the store
// exists. Messages for refusals go to stderr as "Error: ...".
//
// Exit statuses: 0 success; 1 refused (bad bucket name, type, region or addresses, unknown
// network, addresses outside the network, inside its DHCP pool or in use, keys missing or
// malformed, bucket already deployed, disaster recovery not enabled, store in use); 2
// usage (unknown command or flag, missing flag, stray argument); 130 interrupted (Ctrl-C
// or a signal; a deployment already started goes on).

const cliName = "clustermgmt-cli"

// Exit statuses of clustermgmt-cli.
const (
	cliExitOK          = 0
	cliExitFailure     = 1
	cliExitUsage       = 2
	cliExitInterrupted = 130
)

// cliSession is one run of clustermgmt-cli in an SSH session.
type cliSession struct {
	pc          *PC
	in          ssh.LineReader
	out, errOut io.Writer
	pty         bool // the terminal echoes what is typed
	interrupted func() bool
}

const cliUsage = `Usage: clustermgmt-cli <command> [flags]

Commands:
  mst deploy   Deploy Multicloud Snapshot Technology (MST) for an object store bucket
  mst list     List the MST deployments of this Prism Central
  mst remove   Remove the MST deployment of a bucket

Run "clustermgmt-cli mst <command> --help" for the flags of a command.
`

const mstDeployUsage = `Usage: clustermgmt-cli mst deploy -b <bucket> -r <region> -i <ip1>,<ip2>,<ip3> -s <network> -t <aws|ntx_oss>

Deploys MST for a bucket. The access key and the secret key of a user with full access
to the bucket are asked for on standard input.

Flags:
  -b, --bucket    bucket name (3-63 characters: lowercase letters, digits, '-', '.')
  -r, --region    region of the bucket (e.g. ap-northeast-1)
  -i, --ips       three free IP addresses of the network, outside its DHCP pool
  -s, --network   name of the network (subnet) for the MST service VMs
  -t, --type      bucket type: aws (Amazon S3) or ntx_oss (Nutanix Objects)
`

const mstListUsage = `Usage: clustermgmt-cli mst list [-o table|json]

Lists the MST deployments of this Prism Central.

Flags:
  -o, --output    output format: table (default) or json
`

const mstRemoveUsage = `Usage: clustermgmt-cli mst remove -b <bucket>

Removes the MST deployment of a bucket and its recovery point store. Refused while a
protection policy has a location in the store. The bucket and its objects are kept.

Flags:
  -b, --bucket    bucket name
`

func (c *cliSession) errorf(status int, format string, args ...any) int {
	_, _ = fmt.Fprintf(c.errOut, "Error: "+format+"\n", args...)
	return status
}

func (c *cliSession) printf(format string, args ...any) {
	_, _ = fmt.Fprintf(c.out, format, args...)
}

func (c *cliSession) run(ctx context.Context, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		c.printf("%s", cliUsage)
		if len(args) == 0 {
			return cliExitUsage
		}
		return cliExitOK
	}
	if args[0] != "mst" {
		_, _ = fmt.Fprint(c.errOut, cliUsage)
		return c.errorf(cliExitUsage, "unknown command %q", args[0])
	}
	if len(args) < 2 || isHelp(args[1]) {
		c.printf("%s", cliUsage)
		if len(args) < 2 {
			return cliExitUsage
		}
		return cliExitOK
	}
	switch args[1] {
	case "deploy":
		return c.deploy(ctx, args[2:])
	case "list":
		return c.list(args[2:])
	case "remove":
		return c.remove(ctx, args[2:])
	}
	_, _ = fmt.Fprint(c.errOut, cliUsage)
	return c.errorf(cliExitUsage, "unknown command \"mst %s\"", args[1])
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "help" }

// cliFlag is a flag with a value: -x or --long.
type cliFlag struct {
	short, key string
	long       []string
}

var (
	deployFlags = []cliFlag{
		{short: "b", key: "bucket", long: []string{"bucket"}},
		{short: "r", key: "region", long: []string{"region"}},
		{short: "i", key: "ips", long: []string{"ips", "ip-addresses"}},
		{short: "s", key: "network", long: []string{"network", "subnet"}},
		{short: "t", key: "type", long: []string{"type", "bucket-type"}},
	}
	listFlags   = []cliFlag{{short: "o", key: "output", long: []string{"output"}}}
	removeFlags = []cliFlag{{short: "b", key: "bucket", long: []string{"bucket"}}}
)

// errHelp is parseFlags' answer to -h or --help.
var errHelp = errors.New("help requested")

// parseFlags parses flags with values; the last occurrence of a flag wins.
func parseFlags(args []string, defs []cliFlag) (map[string]string, error) {
	out := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if isHelp(a) {
			return nil, errHelp
		}
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			return nil, fmt.Errorf("unexpected argument %q", a)
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		long := strings.HasPrefix(a, "--")
		var def *cliFlag
		for j := range defs {
			if (!long && defs[j].short == name) || (long && contains(defs[j].long, name)) {
				def = &defs[j]
			}
		}
		if def == nil {
			return nil, fmt.Errorf("unknown flag %s", strings.SplitN(a, "=", 2)[0])
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag %s needs a value", a)
			}
			i++
			value = args[i]
		}
		out[def.key] = value
	}
	return out, nil
}

// usageError reports a parse error with the command's usage.
func (c *cliSession) usageError(err error, usage string) int {
	if errors.Is(err, errHelp) {
		c.printf("%s", usage)
		return cliExitOK
	}
	_, _ = fmt.Fprint(c.errOut, usage)
	return c.errorf(cliExitUsage, "%v", err)
}

func (c *cliSession) deploy(ctx context.Context, args []string) int {
	flags, err := parseFlags(args, deployFlags)
	if err != nil {
		return c.usageError(err, mstDeployUsage)
	}
	var missing []string
	for _, f := range deployFlags {
		if _, ok := flags[f.key]; !ok {
			missing = append(missing, "-"+f.short)
		}
	}
	if len(missing) > 0 {
		return c.usageError(fmt.Errorf("missing required flags: %s", strings.Join(missing, ", ")), mstDeployUsage)
	}
	req := mstRequest{Bucket: flags["bucket"], Region: flags["region"], Network: flags["network"], BucketType: flags["type"]}
	for _, ip := range strings.Split(flags["ips"], ",") {
		if ip = strings.TrimSpace(ip); ip != "" {
			req.IPs = append(req.IPs, ip)
		}
	}
	if err := req.checkArgs(); err != nil {
		return c.errorf(cliExitFailure, "%v", err)
	}
	c.printf("Validating MST deployment parameters...\n")
	if err := c.pc.checkMSTDeployment(req); err != nil {
		return c.errorf(cliExitFailure, "%v", err)
	}
	c.printf("  Bucket:       %s (%s, region %s)\n", req.Bucket, req.BucketType, req.Region)
	c.printf("  Network:      %s\n", req.Network)
	c.printf("  IP addresses: %s\n", strings.Join(req.IPs, ", "))
	if !strings.HasPrefix(req.Bucket, RecommendedBucketPrefix) {
		_, _ = fmt.Fprintf(c.errOut, "Warning: bucket names starting with %q are recommended for NC2\n", RecommendedBucketPrefix)
	}
	if r := c.pc.Region(); req.BucketType == BucketTypeAWS && r != "" && r != req.Region {
		_, _ = fmt.Fprintf(c.errOut, "Warning: the bucket's region %s differs from this Prism Central's region %s\n", req.Region, r)
	}
	access, status := c.prompt(ctx, "Enter the access key: ", false)
	if status >= 0 {
		return status
	}
	secret, status := c.prompt(ctx, "Enter the secret key: ", true)
	if status >= 0 {
		return status
	}
	c.printf("Verifying access to bucket %s...\n", req.Bucket)
	// The secret key is only checked; it is not kept anywhere.
	if err := checkKeys(req.BucketType, access, secret); err != nil {
		return c.errorf(cliExitFailure, "%v", err)
	}
	job, err := c.pc.startMSTDeployment(req, access)
	if err != nil {
		return c.errorf(cliExitFailure, "%v", err)
	}
	c.printf("Starting MST deployment for bucket %s.\n", req.Bucket)
	if status := c.follow(ctx, job, "the deployment goes on: see clustermgmt-cli mst list"); status >= 0 {
		return status
	}
	if job.err != nil {
		return c.errorf(cliExitFailure, "MST deployment for bucket %s failed: %v", req.Bucket, job.err)
	}
	c.printf("MST deployment completed successfully.\n")
	c.printf("Recovery point store: %s (ext ID %s)\n", job.store.name, job.store.extID)
	return cliExitOK
}

// prompt writes a prompt and reads one line; status is -1 on success, else the exit
// status to return.
func (c *cliSession) prompt(ctx context.Context, text string, secret bool) (string, int) {
	c.printf("%s", text)
	line, err := c.in.ReadLine(ctx, secret)
	if !c.pty {
		// No terminal echoed the end of the line.
		c.printf("\n")
	}
	switch {
	case errors.Is(err, ssh.ErrInterrupted) || (err != nil && c.interrupted()):
		return "", c.errorf(cliExitInterrupted, "interrupted")
	case errors.Is(err, io.EOF):
		what := "access key"
		if secret {
			what = "secret key"
		}
		return "", c.errorf(cliExitFailure, "no %s entered (end of input)", what)
	case err != nil:
		return "", c.errorf(cliExitFailure, "%v", err)
	}
	return strings.TrimSpace(line), -1
}

// follow prints a job's progress until it ends; it returns -1 then, or the exit status
// when the command is interrupted first.
func (c *cliSession) follow(ctx context.Context, job *mstJob, onInterrupt string) int {
	for {
		select {
		case line, ok := <-job.lines:
			if !ok {
				return -1
			}
			c.printf("%s\n", line)
		case <-ctx.Done():
			return c.errorf(cliExitInterrupted, "interrupted: %s", onInterrupt)
		}
	}
}

func (c *cliSession) list(args []string) int {
	flags, err := parseFlags(args, listFlags)
	if err != nil {
		return c.usageError(err, mstListUsage)
	}
	entries := c.pc.mstList()
	switch flags["output"] {
	case "", "table":
	case "json":
		if entries == nil {
			entries = []mstListEntry{}
		}
		data, err := json.MarshalIndent(entries, "", "  ")
		if err != nil {
			return c.errorf(cliExitFailure, "encoding the list: %v", err)
		}
		c.printf("%s\n", data)
		return cliExitOK
	default:
		return c.usageError(fmt.Errorf("invalid output format %q: use table or json", flags["output"]), mstListUsage)
	}
	if len(entries) == 0 {
		c.printf("No MST deployments found.\n")
		return cliExitOK
	}
	tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "BUCKET\tTYPE\tREGION\tNETWORK\tIP ADDRESSES\tSTATUS\tEXT ID")
	for _, e := range entries {
		id := e.ExtID
		if id == "" {
			id = "-"
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Bucket, e.BucketType, e.Region, e.Network,
			strings.Join(e.IPAddresses, ","), e.Status, id)
	}
	if err := tw.Flush(); err != nil {
		return cliExitFailure
	}
	return cliExitOK
}

func (c *cliSession) remove(ctx context.Context, args []string) int {
	flags, err := parseFlags(args, removeFlags)
	if err != nil {
		return c.usageError(err, mstRemoveUsage)
	}
	bucket, ok := flags["bucket"]
	if !ok {
		return c.usageError(errors.New("missing required flags: -b"), mstRemoveUsage)
	}
	job, err := c.pc.startMSTRemoval(bucket)
	if err != nil {
		return c.errorf(cliExitFailure, "%v", err)
	}
	c.printf("Removing MST deployment for bucket %s (recovery point store %s).\n", bucket, job.store.extID)
	if status := c.follow(ctx, job, "the removal goes on: see clustermgmt-cli mst list"); status >= 0 {
		return status
	}
	if job.err != nil {
		return c.errorf(cliExitFailure, "removing MST for bucket %s failed: %v", bucket, job.err)
	}
	c.printf("MST deployment for bucket %s removed.\n", bucket)
	return cliExitOK
}
