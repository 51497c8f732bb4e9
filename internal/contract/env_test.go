package contract

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// apiBase is the v3 base path on every listener.
const apiBase = "/api/nutanix/v3"

// env is one emulated world with a recorder attached, typed clients for both PCs of the
// leap-two-sites preset, a raw HTTP client for calls the typed client does not offer or must
// not make (bad input, stale versions), and what earlier steps learnt.
type env struct {
	world     *prismsim.World
	rec       *Recorder
	canadaPC  *prismsim.PC
	francePC  *prismsim.PC
	canada    *client.Client
	france    *client.Client
	raw       *rawClient
	closeOnce sync.Once
	closeErr  error

	// State found or made by earlier steps, by name.
	clusters map[string]string
	subnets  map[string]string
	vms      map[string]string
	// dr holds what the disaster recovery steps found: zone and trust uuids.
	dr map[string]string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	cfg, err := prismsim.Preset("leap-two-sites")
	if err != nil {
		t.Fatalf("preset: %v", err)
	}
	w, err := prismsim.NewWorld(cfg)
	if err != nil {
		t.Fatalf("NewWorld: %v", err)
	}
	e := &env{world: w, rec: &Recorder{}, clusters: map[string]string{}, subnets: map[string]string{}, vms: map[string]string{}, dr: map[string]string{}}
	e.rec.Attach(w)
	if err := w.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := e.close(); err != nil {
			t.Errorf("closing the world: %v", err)
		}
	})
	e.canadaPC = w.PC("canada")
	e.francePC = w.PC("france")
	francePC := e.francePC
	if e.canadaPC == nil || francePC == nil {
		t.Fatalf("preset leap-two-sites lacks canada or france: %v", w.PCNames())
	}
	e.canada = newClient(t, e.canadaPC, e.canadaPC.Password())
	e.france = newClient(t, francePC, francePC.Password())
	e.raw = newRawClient(t, e.canadaPC)
	return e
}

// close stops the world once; afterwards every exchange has been recorded.
func (e *env) close() error {
	e.closeOnce.Do(func() { e.closeErr = e.world.Close() })
	return e.closeErr
}

func newClient(t *testing.T, pc *prismsim.PC, password string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		Endpoint:       pc.Endpoint(),
		Port:           pc.Port(),
		Username:       pc.Username(),
		Password:       password,
		CACertPEM:      string(pc.CACertPEM()),
		RequestTimeout: 20 * time.Second,
		RetryWaitMin:   10 * time.Millisecond,
		RetryWaitMax:   100 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("client for %s: %v", pc.Name(), err)
	}
	return c
}

// need skips the step when an earlier step did not find what it depends on.
func need(t *testing.T, what string, value string) string {
	t.Helper()
	if value == "" {
		t.Skipf("skipping: an earlier step did not provide %s", what)
	}
	return value
}

// rawClient sends hand-made requests to one PC's v3 API.
type rawClient struct {
	base     string
	user     string
	password string
	http     *http.Client
}

func newRawClient(t *testing.T, pc *prismsim.PC) *rawClient {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pc.CACertPEM()) {
		t.Fatalf("no certificate in %s's CA PEM", pc.Name())
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	t.Cleanup(tr.CloseIdleConnections)
	return &rawClient{
		base:     pc.URL() + apiBase,
		user:     pc.Username(),
		password: pc.Password(),
		http:     &http.Client{Transport: tr, Timeout: 20 * time.Second},
	}
}

// do sends body (nil for none) to the v3 path and returns the status and the response body.
func (r *rawClient) do(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("building %s %s: %w", method, path, err)
	}
	req.SetBasicAuth(r.user, r.password)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("reading %s %s: %w", method, path, err)
	}
	return resp.StatusCode, data, nil
}

// object decodes a JSON object keeping numbers exact.
func object(t *testing.T, data []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decoding %q: %v", truncate(data), err)
	}
	return m
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

// randomUUID returns a version 4 UUID no entity has.
func randomUUID(t *testing.T) string {
	t.Helper()
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// wantNotFound fails unless err says the entity does not exist.
func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, client.ErrNotFound) {
		t.Errorf("%s: want an error matching client.ErrNotFound, got %v", what, err)
	}
}

// wantAPIError fails unless err is a *client.APIError with a 4xx status and the reason.
func wantAPIError(t *testing.T, what string, err error, reason string) {
	t.Helper()
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Errorf("%s: want a *client.APIError, got %T: %v", what, err, err)
		return
	}
	if apiErr.StatusCode < 400 || apiErr.StatusCode > 499 {
		t.Errorf("%s: status %d, want 4xx", what, apiErr.StatusCode)
	}
	if reason != "" && !apiErr.HasReason(reason) {
		t.Errorf("%s: reasons %v, want %s", what, apiErr.Reasons, reason)
	}
}
