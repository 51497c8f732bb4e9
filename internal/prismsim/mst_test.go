package prismsim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
	"golang.org/x/crypto/ssh"
)

// Test keys in the formats the CLI accepts. They are not real credentials.
const (
	testAccessKey = "AKIAPRISMSIMTEST0042"
	testSecretKey = "pRiSmSiM/TeSt+SeCrEt0123456789abcdefghij"
	testBucket    = "nutanix-clusters-pilotlight-jwr"
	testIPs       = "10.110.33.201,10.110.33.202,10.110.33.203"
)

func testDeployCommand(bucket string) string {
	return "clustermgmt-cli mst deploy \\\n-b " + bucket + " \\\n-r ap-northeast-1 \\\n-i " + testIPs + " \\\n-s PC-Net \\\n-t aws"
}

// startPilot starts the nc2-pilot-light preset with fast tasks.
func startPilot(t *testing.T, latency time.Duration, mutate func(*WorldConfig)) *World {
	t.Helper()
	cfg, err := Preset("nc2-pilot-light")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Settings.TaskLatency = Duration(latency)
	if mutate != nil {
		mutate(&cfg)
	}
	w, err := NewWorld(cfg)
	if err != nil {
		t.Fatalf("NewWorld: %v", err)
	}
	if err := w.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return w
}

// sshClientConfig logs in with the PC's password, pinning its host key from env.json's
// authorized_keys line.
func sshClientConfig(t *testing.T, env SSHEnv) *ssh.ClientConfig {
	t.Helper()
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(env.HostKey))
	if err != nil {
		t.Fatalf("host_key %q: %v", env.HostKey, err)
	}
	return &ssh.ClientConfig{User: env.User, Auth: []ssh.AuthMethod{ssh.Password(env.Password)},
		HostKeyCallback: ssh.FixedHostKey(pub), Timeout: 10 * time.Second}
}

func sshDial(t *testing.T, pc *PC, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	t.Helper()
	env, ok := pc.SSH()
	if !ok {
		t.Fatalf("pc %s has no ssh server", pc.Name())
	}
	return ssh.Dial("tcp", net.JoinHostPort(env.Host, strconv.Itoa(env.Port)), cfg)
}

type cmdResult struct {
	stdout, stderr string
	status         int
}

// sshRun runs one command line over a new connection with the given stdin.
func sshRun(t *testing.T, pc *PC, command, stdin string) cmdResult {
	t.Helper()
	env, _ := pc.SSH()
	client, err := sshDial(t, pc, sshClientConfig(t, env))
	if err != nil {
		t.Fatalf("ssh: %v", err)
	}
	defer func() { _ = client.Close() }()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sess.Close() }()
	var out, errb bytes.Buffer
	sess.Stdin, sess.Stdout, sess.Stderr = strings.NewReader(stdin), &out, &errb
	res := cmdResult{}
	if err := sess.Run(command); err != nil {
		var exitErr *ssh.ExitError
		if !errors.As(err, &exitErr) {
			t.Fatalf("running %q: %v", command, err)
		}
		res.status = exitErr.ExitStatus()
	}
	res.stdout, res.stderr = out.String(), errb.String()
	return res
}

func deployStdin() string { return testAccessKey + "\n" + testSecretKey + "\n" }

// v4Stores lists the stores through the v4 API.
func v4Stores(t *testing.T, c *apiClient, query string) map[string]any {
	t.Helper()
	return expect(t, c.do("GET", v4.StoresPath+query, nil), 200).json(t)
}

func TestSSHAuthAndHostKey(t *testing.T) {
	w := startPilot(t, testTaskLatency, nil)
	nc2 := w.PC("nc2-aws")
	env := w.Env(t.TempDir())
	if env.PCs["onprem"].SSH != nil {
		t.Errorf("onprem has ssh: %+v", env.PCs["onprem"].SSH)
	}
	sshEnv := env.PCs["nc2-aws"].SSH
	if sshEnv == nil {
		t.Fatal("no ssh in nc2-aws's env")
	}
	if sshEnv.Host != "127.0.0.1" || sshEnv.Port == 0 || sshEnv.User != DefaultSSHUser || len(sshEnv.Password) != defaultPasswordLength {
		t.Errorf("ssh env: %+v", *sshEnv)
	}
	if !strings.HasPrefix(sshEnv.HostKey, "ssh-ed25519 ") || sshEnv.HostKey != strings.TrimSpace(string(ssh.MarshalAuthorizedKey(nc2.SSHHostKey()))) {
		t.Errorf("host_key %q", sshEnv.HostKey)
	}

	// Right password, pinned host key.
	if r := sshRun(t, nc2, "whoami", ""); r.status != 0 || strings.TrimSpace(r.stdout) != DefaultSSHUser {
		t.Errorf("whoami: %+v", r)
	}
	// Wrong password, wrong user.
	for _, mutate := range []func(*ssh.ClientConfig){
		func(c *ssh.ClientConfig) { c.Auth = []ssh.AuthMethod{ssh.Password(sshEnv.Password + "x")} },
		func(c *ssh.ClientConfig) { c.User = "admin" },
	} {
		cfg := sshClientConfig(t, *sshEnv)
		mutate(cfg)
		if c, err := sshDial(t, nc2, cfg); err == nil {
			_ = c.Close()
			t.Error("login succeeded with wrong credentials")
		} else if !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("wrong credentials: %v", err)
		}
	}
	// A pinned key that is not the server's.
	other, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherPub, err := ssh.NewPublicKey(other)
	if err != nil {
		t.Fatal(err)
	}
	cfg := sshClientConfig(t, *sshEnv)
	cfg.HostKeyCallback = ssh.FixedHostKey(otherPub)
	if c, err := sshDial(t, nc2, cfg); err == nil {
		_ = c.Close()
		t.Error("connected with a wrong pinned host key")
	} else if !strings.Contains(err.Error(), "host key mismatch") {
		t.Errorf("wrong host key: %v", err)
	}
	// Unknown commands are the shell's business.
	if r := sshRun(t, nc2, "ls -l", ""); r.status != 127 || !strings.Contains(r.stderr, "ls: command not found") {
		t.Errorf("ls: %+v", r)
	}

	// env.json carries it too.
	dir := t.TempDir()
	if _, err := w.WriteState(dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	s, ok := raw["pcs"]["nc2-aws"]["ssh"].(map[string]any)
	if !ok || s["host_key"] != sshEnv.HostKey || s["user"] != "nutanix" || s["password"] != sshEnv.Password {
		t.Errorf("env.json ssh: %v", raw["pcs"]["nc2-aws"]["ssh"])
	}
	if _, ok := raw["pcs"]["onprem"]["ssh"]; ok {
		t.Error("env.json has ssh for onprem")
	}
}

func TestSSHAuthorizedKeysAndFixedPort(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	_, otherPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherSigner, err := ssh.NewSignerFromKey(otherPriv)
	if err != nil {
		t.Fatal(err)
	}
	// A port that is free now.
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v", ln.Addr())
	}
	port := addr.Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	w := startPilot(t, testTaskLatency, func(cfg *WorldConfig) {
		cfg.PCs[1].SSH = &SSHConfig{Enabled: true, Port: port, Password: "pilot-light-pw",
			AuthorizedKeys: []string{string(ssh.MarshalAuthorizedKey(signer.PublicKey()))}}
	})
	nc2 := w.PC("nc2-aws")
	env, _ := nc2.SSH()
	if env.Port != port || env.Password != "pilot-light-pw" {
		t.Fatalf("ssh env %+v, want port %d", env, port)
	}
	cfg := sshClientConfig(t, env)
	cfg.Auth = []ssh.AuthMethod{ssh.PublicKeys(signer)}
	c, err := sshDial(t, nc2, cfg)
	if err != nil {
		t.Fatalf("key login: %v", err)
	}
	_ = c.Close()
	cfg.Auth = []ssh.AuthMethod{ssh.PublicKeys(otherSigner)}
	if c, err := sshDial(t, nc2, cfg); err == nil {
		_ = c.Close()
		t.Error("login with an unauthorized key")
	}

	// Configuration errors.
	for name, mutate := range map[string]func(*WorldConfig){
		"bad key":       func(cfg *WorldConfig) { cfg.PCs[1].SSH.AuthorizedKeys = []string{"ssh-ed25519 nope"} },
		"port clash":    func(cfg *WorldConfig) { cfg.PCs[0].Port, cfg.PCs[1].SSH.Port = 40123, 40123 },
		"bad user":      func(cfg *WorldConfig) { cfg.PCs[1].SSH.User = "Not A User" },
		"negative port": func(cfg *WorldConfig) { cfg.PCs[1].SSH.Port = -1 },
	} {
		cfg, err := Preset("nc2-pilot-light")
		if err != nil {
			t.Fatal(err)
		}
		mutate(&cfg)
		if _, err := NewWorld(cfg); err == nil || !strings.Contains(err.Error(), "ssh") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestMSTDeployHappyPathAndStoreDelay(t *testing.T) {
	const latency = 300 * time.Millisecond
	w := startPilot(t, latency, nil)
	nc2 := w.PC("nc2-aws")
	api := newClient(t, nc2)
	if got := arr(t, v4Stores(t, api, "")["data"]); len(got) != 0 {
		t.Fatalf("stores before deploy: %v", got)
	}

	env, _ := nc2.SSH()
	client, err := sshDial(t, nc2, sshClientConfig(t, env))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	sess.Stderr = &stderr
	if err := sess.Start(testDeployCommand(testBucket)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	readUntil := func(want string) {
		t.Helper()
		buf := make([]byte, 256)
		for !strings.Contains(out.String(), want) {
			n, err := stdout.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				t.Fatalf("waiting for %q: %v; output so far:\n%s", want, err, out.String())
			}
		}
	}
	// The prompts come one at a time, on stdout.
	readUntil("Enter the access key: ")
	if strings.Contains(out.String(), "secret") {
		t.Fatalf("secret prompt before the access key was entered:\n%s", out.String())
	}
	if _, err := io.WriteString(stdin, testAccessKey+"\n"); err != nil {
		t.Fatal(err)
	}
	readUntil("Enter the secret key: ")
	if _, err := io.WriteString(stdin, testSecretKey+"\n"); err != nil {
		t.Fatal(err)
	}
	readUntil("[1/3]")
	// Deploying: not a store yet, but the CLI lists it.
	if got := arr(t, v4Stores(t, api, "")["data"]); len(got) != 0 {
		t.Errorf("store listed while deploying: %v", got)
	}
	if r := sshRun(t, nc2, "clustermgmt-cli mst list", ""); r.status != 0 || !strings.Contains(r.stdout, testBucket) || !strings.Contains(r.stdout, StoreDeploying) {
		t.Errorf("mst list while deploying: %+v", r)
	}
	rest, err := io.ReadAll(stdout)
	if err != nil {
		t.Fatal(err)
	}
	out.Write(rest)
	if err := sess.Wait(); err != nil {
		t.Fatalf("deploy: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), stderr.String())
	}
	text := out.String()
	for _, want := range []string{
		"Validating MST deployment parameters...",
		"Bucket:       " + testBucket + " (aws, region ap-northeast-1)",
		"IP addresses: 10.110.33.201, 10.110.33.202, 10.110.33.203",
		"Enter the access key: \nEnter the secret key: \n",
		"[1/3] Deploying 3 MST service VMs on network PC-Net",
		"[2/3] Connecting MST to Amazon S3 bucket " + testBucket + " in ap-northeast-1...",
		"[3/3] Registering the recovery point store with Prism Central...",
		"MST deployment completed successfully.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output misses %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, testSecretKey) || strings.Contains(text, testAccessKey) || strings.Contains(stderr.String(), testSecretKey) {
		t.Errorf("keys echoed:\n%s", text)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}

	// Now the store exists.
	list := v4Stores(t, api, "")
	data := arr(t, list["data"])
	if len(data) != 1 || getInt(t, list, "metadata", "totalAvailableResults") != 1 {
		t.Fatalf("stores: %s", mustJSON(list))
	}
	st := obj(t, data[0])
	id := getString(st, "extId")
	if !isUUID(id) || getString(st, "bucket") != testBucket || getString(st, "status") != StoreAvailable ||
		getString(st, "region") != "ap-northeast-1" || getString(st, "objectStore", "bucketType") != "AWS_S3" ||
		getString(st, "objectStore", "bucketName") != testBucket || getString(st, "network", "name") != "PC-Net" ||
		getString(st, "accessKeyId") != "AKIA************0042" {
		t.Errorf("store: %s", mustJSON(st))
	}
	if !strings.Contains(text, "Recovery point store: "+testBucket+" (ext ID "+id+")") {
		t.Errorf("output does not name the store %s:\n%s", id, text)
	}
	one := expect(t, api.do("GET", v4.StoresPath+"/"+id, nil), 200).json(t)
	if getString(one, "data", "extId") != id {
		t.Errorf("get: %s", mustJSON(one))
	}
	// The store's creation time is simulated time, after the deployment started.
	created, err := time.Parse(time.RFC3339, getString(st, "createTime"))
	if err != nil || created.After(w.Clock().Now()) {
		t.Errorf("createTime %q: %v", getString(st, "createTime"), err)
	}
	// Secrets are not in the state dump, the CLI list or the v4 answer.
	state, err := json.Marshal(w.State())
	if err != nil {
		t.Fatal(err)
	}
	for _, blob := range [][]byte{state, []byte(mustJSON(list)), []byte(sshRun(t, nc2, "clustermgmt-cli mst list -o json", "").stdout)} {
		if bytes.Contains(blob, []byte(testSecretKey)) || bytes.Contains(blob, []byte(testAccessKey)) {
			t.Errorf("a key leaked: %s", blob)
		}
	}
	if stores := w.State().PCs["nc2-aws"].RecoveryPointStores; len(stores) != 1 || stores[0].ExtID != id {
		t.Errorf("state stores: %+v", stores)
	}
	r := sshRun(t, nc2, "clustermgmt-cli mst list", "")
	if r.status != 0 || !strings.Contains(r.stdout, "BUCKET") || !strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, StoreAvailable) {
		t.Errorf("mst list: %+v", r)
	}
	var entries []mstListEntry
	if err := json.Unmarshal([]byte(sshRun(t, nc2, "clustermgmt-cli mst list --output=json", "").stdout), &entries); err != nil ||
		len(entries) != 1 || entries[0].ExtID != id || entries[0].Network != "PC-Net" {
		t.Errorf("mst list json: %+v %v", entries, err)
	}
}

func TestMSTDeployRefusals(t *testing.T) {
	w := startPilot(t, testTaskLatency, func(cfg *WorldConfig) {
		cfg.PCs[1].VMs = append(cfg.PCs[1].VMs, VMConfig{Name: "bastion", Subnet: "PC-Net", IP: "10.110.33.210"})
	})
	nc2 := w.PC("nc2-aws")
	api := newClient(t, nc2)
	deploy := func(flags string) string { return "clustermgmt-cli mst deploy " + flags }
	base := func(b, r, ips, s, typ string) string {
		return deploy(fmt.Sprintf("-b %s -r %s -i %s -s %s -t %s", b, r, ips, s, typ))
	}
	ok := base(testBucket, "ap-northeast-1", testIPs, "PC-Net", "aws")
	if r := sshRun(t, nc2, ok, deployStdin()); r.status != 0 {
		t.Fatalf("first deploy: %+v", r)
	}
	other := "nutanix-clusters-tier2"
	cases := []struct {
		name, command, stdin string
		status               int
		stderr               string
	}{
		{"underscore bucket", base("nutanix_clusters", "ap-northeast-1", testIPs, "PC-Net", "aws"), "", 1, "underscores are not allowed"},
		{"short bucket", base("ab", "ap-northeast-1", testIPs, "PC-Net", "aws"), "", 1, "3 to 63 characters"},
		{"upper-case bucket", base("Nutanix-Clusters", "ap-northeast-1", testIPs, "PC-Net", "aws"), "", 1, "upper-case"},
		{"IP bucket", base("192.168.1.1", "ap-northeast-1", testIPs, "PC-Net", "aws"), "", 1, "IP address"},
		{"bad type", base(other, "ap-northeast-1", testIPs, "PC-Net", "gcs"), "", 1, `invalid bucket type "gcs"`},
		{"bad region", base(other, "tokyo", testIPs, "PC-Net", "aws"), "", 1, `invalid region "tokyo"`},
		{"two IPs", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.212", "PC-Net", "aws"), "", 1, "exactly 3 IP addresses"},
		{"four IPs", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.212,10.110.33.213,10.110.33.214", "PC-Net", "aws"), "", 1, "exactly 3 IP addresses"},
		{"duplicate IPs", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.211,10.110.33.213", "PC-Net", "aws"), "", 1, "given twice"},
		{"not an IP", base(other, "ap-northeast-1", "10.110.33.211,nope,10.110.33.213", "PC-Net", "aws"), "", 1, `invalid IP address "nope"`},
		{"unknown network", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.212,10.110.33.213", "Prod-Net", "aws"), "", 1, `network "Prod-Net" not found on this Prism Central (networks: PC-Net)`},
		{"outside network", base(other, "ap-northeast-1", "10.110.33.211,10.110.34.212,10.110.33.213", "PC-Net", "aws"), "", 1, "10.110.34.212 is not in network PC-Net (10.110.33.0/24)"},
		{"in DHCP pool", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.150,10.110.33.213", "PC-Net", "aws"), "", 1, "10.110.33.150 is inside the DHCP pool 10.110.33.50-10.110.33.200"},
		{"used by a VM", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.210,10.110.33.213", "PC-Net", "aws"), "", 1, "10.110.33.210 is already in use by vm bastion"},
		{"used by the PC", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.10,10.110.33.213", "PC-Net", "aws"), "", 1, "in use by Prism Central"},
		{"gateway", base(other, "ap-northeast-1", "10.110.33.1,10.110.33.212,10.110.33.213", "PC-Net", "aws"), "", 1, "in use by the gateway of PC-Net"},
		{"broadcast", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.255,10.110.33.213", "PC-Net", "aws"), "", 1, "broadcast"},
		{"used by MST", base(other, "ap-northeast-1", "10.110.33.201,10.110.33.212,10.110.33.213", "PC-Net", "aws"), "", 1, "in use by the MST deployment of bucket " + testBucket},
		{"already deployed", ok, deployStdin(), 1, "MST is already deployed for bucket " + testBucket},
		{"malformed access key", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.212,10.110.33.213", "PC-Net", "aws"), "akia-lower\n" + testSecretKey + "\n", 1, "invalid access key"},
		{"malformed secret key", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.212,10.110.33.213", "PC-Net", "aws"), testAccessKey + "\nshort\n", 1, "invalid secret key"},
		{"no keys", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.212,10.110.33.213", "PC-Net", "aws"), "", 1, "no access key entered"},
		{"no secret key", base(other, "ap-northeast-1", "10.110.33.211,10.110.33.212,10.110.33.213", "PC-Net", "aws"), testAccessKey + "\n", 1, "no secret key entered"},
		{"missing flags", deploy("-b " + other + " -r ap-northeast-1"), "", 2, "missing required flags: -i, -s, -t"},
		{"unknown flag", deploy("-b " + other + " --zone a"), "", 2, "unknown flag --zone"},
		{"flag without value", deploy("-b"), "", 2, "flag -b needs a value"},
		{"stray argument", deploy("now"), "", 2, `unexpected argument "now"`},
		{"unknown subcommand", "clustermgmt-cli mst upgrade", "", 2, `unknown command "mst upgrade"`},
		{"unknown command", "clustermgmt-cli cluster", "", 2, `unknown command "cluster"`},
		{"no command", "clustermgmt-cli", "", 2, ""},
		{"remove unknown bucket", "clustermgmt-cli mst remove -b " + other, "", 1, "no MST deployment found for bucket " + other},
		{"remove without bucket", "clustermgmt-cli mst remove", "", 2, "missing required flags: -b"},
		{"bad list format", "clustermgmt-cli mst list -o yaml", "", 2, `invalid output format "yaml"`},
		{"unbalanced quote", "clustermgmt-cli mst deploy -b 'x", "", 2, "unexpected EOF"},
	}
	for _, tc := range cases {
		r := sshRun(t, nc2, tc.command, tc.stdin)
		if r.status != tc.status || !strings.Contains(r.stderr, tc.stderr) {
			t.Errorf("%s: status %d, stderr %q; want %d and %q (stdout %q)", tc.name, r.status, r.stderr, tc.status, tc.stderr, r.stdout)
		}
		if tc.status != 0 && tc.stderr != "" && !strings.Contains(r.stderr, "Error: ") && !strings.Contains(r.stderr, "bash: ") {
			t.Errorf("%s: stderr %q has no Error: line", tc.name, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, testSecretKey) {
			t.Errorf("%s: secret key printed", tc.name)
		}
	}
	if got := arr(t, v4Stores(t, api, "")["data"]); len(got) != 1 {
		t.Errorf("refused deployments made stores: %s", mustJSON(got))
	}
	// Help answers 0.
	if r := sshRun(t, nc2, "clustermgmt-cli mst deploy --help", ""); r.status != 0 || !strings.Contains(r.stdout, "-t, --type") {
		t.Errorf("help: %+v", r)
	}
	// A PC without disaster recovery refuses.
	w2 := startPilot(t, testTaskLatency, func(cfg *WorldConfig) { cfg.PCs[1].DREnabled = false })
	if r := sshRun(t, w2.PC("nc2-aws"), ok, deployStdin()); r.status != 1 || !strings.Contains(r.stderr, "disaster recovery is not enabled") {
		t.Errorf("no DR: %+v", r)
	}
}

// pilotRuleEnv is the pilot-light world paired, with tier-2 VMs in dr-tier:s3 and a store
// deployed on nc2-aws.
type pilotRuleEnv struct {
	w            *World
	onprem, nc2  *apiClient
	local, toNC2 string // onprem's availability zones
	onprem01     string
	store        string
}

func newPilotRuleEnv(t *testing.T, extra ...func(*WorldConfig)) *pilotRuleEnv {
	t.Helper()
	w := startPilot(t, testTaskLatency, func(cfg *WorldConfig) {
		cfg.PCs[0].Categories = append(cfg.PCs[0].Categories, CategoryConfig{Name: "dr-tier", Values: []string{"nc2", "s3"}})
		for i := range cfg.PCs[0].VMs {
			tier := "s3"
			if strings.HasPrefix(cfg.PCs[0].VMs[i].Name, "erp-") {
				tier = "nc2"
			}
			cfg.PCs[0].VMs[i].Categories = map[string]string{"dr-tier": tier}
		}
		for _, f := range extra {
			f(cfg)
		}
	})
	env := &pilotRuleEnv{w: w, onprem: newClient(t, w.PC("onprem")), nc2: newClient(t, w.PC("nc2-aws"))}
	env.onprem.mustPair(w.PC("nc2-aws"))
	azs := env.onprem.azs()
	env.local = getString(azs[localAZName], "metadata", "uuid")
	env.toNC2 = getString(azs["PC_"+w.PC("nc2-aws").AdvertisedIP()], "metadata", "uuid")
	env.onprem01 = clusterUUID(t, env.onprem, "ONPREM01")
	if r := sshRun(t, w.PC("nc2-aws"), testDeployCommand(testBucket), deployStdin()); r.status != 0 {
		t.Fatalf("deploy: %+v", r)
	}
	st, ok := w.PC("nc2-aws").RecoveryPointStoreByBucket(testBucket)
	if !ok {
		t.Fatal("no store after deploy")
	}
	env.store = st.ExtID
	return env
}

// mstRule is an onprem -> S3 rule on dr-tier:s3, hourly, linear retention.
func (env *pilotRuleEnv) mstRule(name, az, store string, remote int) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"kind": "protection_rule", "uuid": newUUID()},
		"spec": map[string]any{
			"name": name,
			"resources": map[string]any{
				"ordered_availability_zone_list": []any{
					map[string]any{"availability_zone_url": env.local, "cluster_uuid": env.onprem01},
					map[string]any{"availability_zone_url": az, "target_type": "MST", "recovery_point_repository_uuid": store},
				},
				"availability_zone_connectivity_list": []any{map[string]any{
					"source_availability_zone_index": 0, "destination_availability_zone_index": 1,
					"snapshot_schedule_list": []any{schedule(3600, 2, remote)},
				}},
				"category_filter": map[string]any{"type": "CATEGORIES_MATCH_ANY", "kind_list": []string{"vm"},
					"params": map[string]any{"dr-tier": []string{"s3"}}},
			},
		},
	}
}

func TestMSTPolicyFillsStore(t *testing.T) {
	env := newPilotRuleEnv(t)
	w := env.w
	// The store must exist on the availability zone's PC.
	for name, body := range map[string]map[string]any{
		"unknown store":   env.mstRule("bad", env.toNC2, newUUID(), 36),
		"store elsewhere": env.mstRule("bad", env.local, env.store, 36),
	} {
		r := env.onprem.v3("POST", "/protection_rules", body)
		if r.status != 422 || r.reason(t) != reasonInvalidArgument || !strings.Contains(r.message(t), "no recovery point store") {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	re := &ruleEnv{w: w}
	rule := re.createRule(t, env.onprem, env.mstRule("tier2-to-s3", env.toNC2, env.store, 36))

	w.Clock().Advance(3*time.Hour + w.Settings().ReplicationDelay.Std())
	points := rps(t, env.nc2, "recovery_point_store_uuid=="+env.store)
	byVM := countByVM(points)
	if len(byVM) != 3 || byVM["file-01"] < 3 || byVM["web-01"] != byVM["file-01"] || byVM["erp-db-01"] != 0 {
		t.Fatalf("points in the store by vm: %v", byVM)
	}
	for _, p := range points {
		if getString(p, "status", "resources", "recovery_point_store_reference", "uuid") != env.store ||
			getString(p, "status", "resources", "recovery_point_store_reference", "bucket") != testBucket ||
			get(p, "status", "cluster_reference") != nil ||
			getString(p, "status", "availability_zone_reference", "name") != localAZName {
			t.Fatalf("point: %s", mustJSON(p))
		}
	}
	if all := rps(t, env.nc2, ""); len(all) != len(points) {
		t.Errorf("nc2 has %d points, the store %d", len(all), len(points))
	}
	// Per bucket in the store's stats (v4 and admin state).
	st := obj(t, arr(t, v4Stores(t, env.nc2, "?$filter=bucket%20eq%20'"+testBucket+"'")["data"])[0])
	if n := getInt(t, st, "stats", "recoveryPointCount"); int(n) != len(points) || getInt(t, st, "stats", "vmCount") != 3 ||
		getInt(t, st, "stats", "recoveryPointsByVm", "web-02") != int64(byVM["web-02"]) {
		t.Errorf("stats: %s", mustJSON(st["stats"]))
	}
	stores := w.State().PCs["nc2-aws"].RecoveryPointStores
	if len(stores) != 1 || stores[0].Stats.RecoveryPoints != len(points) || stores[0].Stats.ByProtectionRule[rule] != len(points) {
		t.Errorf("state stores: %+v", stores)
	}

	// MST retention: at most 36 per VM, however long it runs.
	w.Clock().Advance(48 * time.Hour)
	byVM = countByVM(rps(t, env.nc2, "recovery_point_store_uuid=="+env.store))
	for vm, n := range byVM {
		if n != mstMaxLinear {
			t.Errorf("vm %s: %d points in the store, want %d", vm, n, mstMaxLinear)
		}
	}

	// Removal is refused while the rule uses the store, then allowed.
	nc2 := w.PC("nc2-aws")
	if r := sshRun(t, nc2, "clustermgmt-cli mst remove -b "+testBucket, ""); r.status != 1 || !strings.Contains(r.stderr, "used by protection policies tier2-to-s3 ("+rule+") on onprem") {
		t.Errorf("remove in use: %+v", r)
	}
	if got := getString(arr(t, v4Stores(t, env.nc2, "")["data"])[0], "status"); got != StoreAvailable {
		t.Errorf("status after refused removal: %s", got)
	}
	del := expect(t, env.onprem.v3("DELETE", "/protection_rules/"+rule, nil), 202).json(t)
	env.onprem.waitTask(getString(del, "status", "execution_context", "task_uuid"))
	r := sshRun(t, nc2, "clustermgmt-cli mst remove -b "+testBucket, "")
	if r.status != 0 || !strings.Contains(r.stdout, "MST deployment for bucket "+testBucket+" removed.") {
		t.Fatalf("remove: %+v", r)
	}
	expect(t, env.nc2.do("GET", v4.StoresPath+"/"+env.store, nil), 404)
	if n := len(rps(t, env.nc2, "")); n != 0 {
		t.Errorf("%d points left after removal", n)
	}
	// The addresses are free again.
	if r := sshRun(t, nc2, testDeployCommand(testBucket), deployStdin()); r.status != 0 {
		t.Errorf("redeploy: %+v", r)
	}
}

func TestStoreV4Endpoint(t *testing.T) {
	w := startPilot(t, testTaskLatency, nil)
	nc2 := w.PC("nc2-aws")
	api := newClient(t, nc2)
	for _, b := range []string{"nutanix-clusters-a", "nutanix-clusters-b", "nutanix-clusters-c"} {
		ips := map[string]string{"nutanix-clusters-a": "201,202,203", "nutanix-clusters-b": "204,205,206", "nutanix-clusters-c": "207,208,209"}[b]
		var full []string
		for _, last := range strings.Split(ips, ",") {
			full = append(full, "10.110.33."+last)
		}
		cmd := "clustermgmt-cli mst deploy --bucket=" + b + " --region ap-northeast-1 --ips " + strings.Join(full, ",") + " --network PC-Net --type ntx_oss"
		if r := sshRun(t, nc2, cmd, "nutanix_objects_access_01\nobjects+secret/key_0123456789\n"); r.status != 0 {
			t.Fatalf("deploy %s: %+v", b, r)
		}
	}
	all := v4Stores(t, api, "")
	if len(arr(t, all["data"])) != 3 || getString(all, "data", 0, "objectStore", "bucketType") != "NUTANIX_OBJECTS" {
		t.Fatalf("list: %s", mustJSON(all))
	}
	page := v4Stores(t, api, "?$limit=2&$page=1")
	if d := arr(t, page["data"]); len(d) != 1 || getString(d[0], "bucket") != "nutanix-clusters-c" ||
		getInt(t, page, "metadata", "totalAvailableResults") != 3 {
		t.Errorf("page: %s", mustJSON(page))
	}
	first := v4Stores(t, api, "?$limit=2")
	if getString(first, "metadata", "links", 1, "rel") != "next" {
		t.Errorf("no next link: %s", mustJSON(first))
	}
	f := v4Stores(t, api, "?$filter="+strings.ReplaceAll("bucket eq 'nutanix-clusters-b' and status eq 'AVAILABLE'", " ", "%20"))
	if d := arr(t, f["data"]); len(d) != 1 || getString(d[0], "bucket") != "nutanix-clusters-b" {
		t.Errorf("filter: %s", mustJSON(f))
	}
	for query, status := range map[string]int{
		"?$filter=bucket%20ne%20'x'": 400, "?$filter=owner%20eq%20'x'": 400, "?$limit=0": 400, "?$limit=101": 400, "?foo=1": 400,
	} {
		r := api.do("GET", v4.StoresPath+query, nil)
		if r.status != status || getString(r.json(t), "data", "error", 0, "severity") != "ERROR" {
			t.Errorf("%s: %d %s", query, r.status, r.body)
		}
	}
	r := expect(t, api.do("GET", v4.StoresPath+"/"+newUUID(), nil), 404)
	if !strings.Contains(getString(r.json(t), "data", "error", 0, "message"), "not found") {
		t.Errorf("404 body: %s", r.body)
	}
	expect(t, api.do("GET", v4.StoresPath+"/nope", nil), 400)
	// Same authentication as v3.
	bad := newClient(t, nc2)
	bad.pass = "wrong"
	if r := bad.do("GET", v4.StoresPath, nil); r.status != 401 || !strings.Contains(string(r.body), "<html>") {
		t.Errorf("bad credentials: %d %s", r.status, r.body)
	}
	// onprem has no store; the v4 routes stay out of Routes().
	if d := arr(t, v4Stores(t, newClient(t, w.PC("onprem")), "")["data"]); len(d) != 0 {
		t.Errorf("onprem stores: %v", d)
	}
	for _, rt := range Routes() {
		if strings.Contains(rt, "dataprotection") {
			t.Errorf("Routes() lists %s", rt)
		}
	}
}

func TestPilotPreset(t *testing.T) {
	cfg, err := Preset("nc2-pilot-light")
	if err != nil {
		t.Fatal(err)
	}
	if !contains(PresetNames(), "nc2-pilot-light") {
		t.Error("preset not listed")
	}
	w := startPilot(t, testTaskLatency, nil)
	if got := w.PCNames(); len(got) != 2 || got[0] != "onprem" || got[1] != "nc2-aws" {
		t.Fatalf("pcs %v", got)
	}
	onprem, nc2 := w.PC("onprem"), w.PC("nc2-aws")
	if !onprem.DREnabled() || !nc2.DREnabled() || nc2.Region() != "ap-northeast-1" || onprem.SSHEnabled() || !nc2.SSHEnabled() {
		t.Errorf("dr %v %v, region %q, ssh %v %v", onprem.DREnabled(), nc2.DREnabled(), nc2.Region(), onprem.SSHEnabled(), nc2.SSHEnabled())
	}
	// Not paired: each PC has its Local availability zone only.
	for _, pc := range []*PC{onprem, nc2} {
		if azs := newClient(t, pc).azs(); len(azs) != 1 {
			t.Errorf("%s availability zones: %v", pc.Name(), azs)
		}
	}
	c := newClient(t, onprem)
	tier1 := []string{"erp-db-01", "erp-app-01"}
	tier2 := []string{"file-01", "web-01", "web-02"}
	var allCPU, allMem, t1CPU, t1Mem int
	for _, name := range append(append([]string{}, tier1...), tier2...) {
		vm := c.vmByName(name)
		cpu := int(getInt(t, vm, "spec", "resources", "num_sockets") * getInt(t, vm, "spec", "resources", "num_vcpus_per_socket"))
		mem := int(getInt(t, vm, "spec", "resources", "memory_size_mib"))
		ip := getString(vm, "spec", "resources", "nic_list", 0, "ip_endpoint_list", 0, "ip")
		if getString(vm, "spec", "cluster_reference", "name") != "ONPREM01" || ip == "" || getString(vm, "status", "resources", "power_state") != "ON" {
			t.Errorf("vm %s: %s", name, mustJSON(vm))
		}
		allCPU, allMem = allCPU+cpu, allMem+mem
		if contains(tier1, name) {
			t1CPU, t1Mem = t1CPU+cpu, t1Mem+mem
		}
	}
	capa, ok := nc2.ClusterCapacity("NC2-PL")
	if !ok || capa.Nodes != 3 {
		t.Fatalf("NC2-PL capacity %+v", capa)
	}
	if capa.VCPUs >= allCPU || capa.MemoryMiB >= allMem || capa.VCPUs < t1CPU || capa.MemoryMiB < t1Mem {
		t.Errorf("NC2-PL (%d vCPUs, %d MiB) should hold tier 1 (%d, %d) but not everything (%d, %d)",
			capa.VCPUs, capa.MemoryMiB, t1CPU, t1Mem, allCPU, allMem)
	}
	n := newClient(t, nc2)
	r := expect(t, n.v3("POST", "/subnets/list", map[string]any{"filter": "name==PC-Net"}), 200).json(t)
	ipc := get(r, "entities", 0, "spec", "resources", "ip_config")
	if getString(ipc, "subnet_ip") != "10.110.33.0" || getInt(t, ipc, "prefix_length") != 24 ||
		getString(ipc, "pool_list", 0, "range") != "10.110.33.50 10.110.33.200" {
		t.Errorf("PC-Net: %s", mustJSON(ipc))
	}
	if len(cfg.PCs[1].VMs) != 0 {
		t.Errorf("nc2-aws has VMs: %v", cfg.PCs[1].VMs)
	}
}

func TestSSHShellWithPTY(t *testing.T) {
	w := startPilot(t, testTaskLatency, nil)
	nc2 := w.PC("nc2-aws")
	env, _ := nc2.SSH()
	client, err := sshDial(t, nc2, sshClientConfig(t, env))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 40, 120, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	sess.Stdout = &out
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(want string, count int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for strings.Count(out.String(), want) < count {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in:\n%s", want, out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	prompt := "nutanix@NTNX-10-110-33-10-A-PCVM:~$ "
	waitFor(prompt, 1)
	write := func(s string) {
		t.Helper()
		if _, err := io.WriteString(stdin, s); err != nil {
			t.Fatal(err)
		}
	}
	// A command with continuation lines, then the keys typed at the prompts.
	write("clustermgmt-cli mst deploy -b " + testBucket + " \\\r-r ap-northeast-1 -i " + testIPs + " -s PC-Net -t aws\r")
	waitFor("Enter the access key: ", 1)
	write(testAccessKey + "\r")
	waitFor("Enter the secret key: ", 1)
	write(testSecretKey + "\r")
	waitFor("MST deployment completed successfully.\r\n", 1)
	waitFor(prompt, 2)
	write("clustermgmt-cli mst lisx\x7ft\r")
	waitFor(StoreAvailable, 1)
	write("exit 3\r")
	err = sess.Wait()
	var exitErr *ssh.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitStatus() != 3 {
		t.Errorf("shell exit: %v", err)
	}
	text := out.String()
	if !strings.Contains(text, "Enter the access key: "+testAccessKey+"\r\n") {
		t.Errorf("access key not echoed:\n%s", text)
	}
	if strings.Contains(text, testSecretKey) {
		t.Errorf("secret key echoed:\n%s", text)
	}
	if _, ok := nc2.RecoveryPointStoreByBucket(testBucket); !ok {
		t.Error("no store after the shell deploy")
	}
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader on two goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestSSHSiteDownRefusesConnections(t *testing.T) {
	w := startPilot(t, testTaskLatency, nil)
	nc2 := w.PC("nc2-aws")
	if err := w.SiteDown("nc2-aws"); err != nil {
		t.Fatal(err)
	}
	env, _ := nc2.SSH()
	if c, err := sshDial(t, nc2, sshClientConfig(t, env)); err == nil {
		_ = c.Close()
		t.Error("ssh connected to a site that is down")
	}
	if err := w.SiteUp("nc2-aws"); err != nil {
		t.Fatal(err)
	}
	if r := sshRun(t, nc2, "hostname", ""); r.status != 0 || strings.TrimSpace(r.stdout) != "NTNX-10-110-33-10-A-PCVM" {
		t.Errorf("hostname: %+v", r)
	}
}
