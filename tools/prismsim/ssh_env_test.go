package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// TestPilotEnvCarriesSSH checks that env.json of the nc2-pilot-light preset describes
// nc2-aws's SSH server well enough to log in with a pinned host key and run the CLI.
func TestPilotEnvCarriesSSH(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-preset", "nc2-pilot-light", "-state-dir", dir, "-task-latency", "20ms"}, &stdout, &stderr)
	}()
	var env prismsim.Env
	deadline := time.Now().Add(10 * time.Second)
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "env.json")); err == nil && json.Unmarshal(data, &env) == nil && len(env.PCs) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("env.json not written; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if env.PCs["onprem"].SSH != nil {
		t.Errorf("onprem has ssh: %+v", env.PCs["onprem"].SSH)
	}
	s := env.PCs["nc2-aws"].SSH
	if s == nil || s.Host != "127.0.0.1" || s.Port == 0 || s.User != "nutanix" || s.Password == "" || s.HostKey == "" {
		t.Fatalf("nc2-aws ssh: %+v", s)
	}
	hostKey, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s.HostKey))
	if err != nil {
		t.Fatalf("host_key: %v", err)
	}
	client, err := ssh.Dial("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), &ssh.ClientConfig{
		User: s.User, Auth: []ssh.AuthMethod{ssh.Password(s.Password)},
		HostKeyCallback: ssh.FixedHostKey(hostKey), Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("ssh: %v", err)
	}
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sess.Stdout = &out
	if err := sess.Run("clustermgmt-cli mst list"); err != nil || !strings.Contains(out.String(), "No MST deployments found.") {
		t.Errorf("mst list: %v %q", err, out.String())
	}
	_ = sess.Close()
	_ = client.Close()

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	if !strings.Contains(stderr.String(), "ssh") {
		t.Errorf("stderr does not mention the ssh server: %s", stderr.String())
	}
}
