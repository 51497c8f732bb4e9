package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of run and reads of the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-state-dir", dir, "-task-latency", "50ms", "-clock-rate", "2"}, &stdout, &stderr)
	}()

	envPath := filepath.Join(dir, "env.json")
	var env prismsim.Env
	deadline := time.Now().Add(10 * time.Second)
	for {
		if data, err := os.ReadFile(envPath); err == nil && json.Unmarshal(data, &env) == nil && len(env.PCs) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("env.json not written; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	canada := env.PCs["canada"]
	caPEM, err := os.ReadFile(canada.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		"https://"+canada.Endpoint+":"+strconv.Itoa(canada.Port)+"/_prismsim/settings", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(canada.Username, canada.Password)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var settings map[string]any
	err = json.NewDecoder(resp.Body).Decode(&settings)
	_ = resp.Body.Close()
	if err != nil || settings["task_latency"] != "50ms" || settings["clock_rate"] != 2.0 {
		t.Fatalf("settings %v (%v)", settings, err)
	}
	// stdout holds env.json as written.
	var printed prismsim.Env
	if err := json.Unmarshal([]byte(stdout.String()), &printed); err != nil || printed.PCs["france"] != env.PCs["france"] {
		t.Fatalf("stdout %q: %v", stdout.String(), err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Fatalf("stderr: %s", stderr.String())
	}
}

func TestRunFlags(t *testing.T) {
	var out, errOut syncBuffer
	if err := run(context.Background(), []string{"-print-config", "-listen-port", "19440"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "world.yaml")
	if err := os.WriteFile(path, []byte(out.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := prismsim.LoadConfig(path)
	if err != nil {
		t.Fatalf("printed config does not load back: %v\n%s", err, out.String())
	}
	if len(cfg.PCs) != 2 || cfg.PCs[0].Port != 19440 || cfg.PCs[1].Port != 19441 || cfg.PCs[0].VMs[0].Name != "app-01" {
		t.Fatalf("config %+v", cfg)
	}
	for _, args := range [][]string{{"-preset", "nope"}, {"-config", path, "-preset", "leap-two-sites"}, {"-clock-rate", "-1"}, {"extra"}} {
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
