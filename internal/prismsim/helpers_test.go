package prismsim

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testTaskLatency keeps tasks fast in tests.
const testTaskLatency = 30 * time.Millisecond

// startWorld starts the leap-two-sites preset with fast tasks; mutate may change the config.
func startWorld(t testing.TB, mutate func(*WorldConfig)) *World {
	t.Helper()
	cfg, err := Preset("leap-two-sites")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Settings.TaskLatency = Duration(testTaskLatency)
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

// apiClient is a plain HTTP client for one PC that trusts only the PC's certificate.
type apiClient struct {
	t    *testing.T
	pc   *PC
	http *http.Client
	user string
	pass string
}

func newClient(t *testing.T, pc *PC) *apiClient {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pc.CACertPEM()) {
		t.Fatal("CA PEM did not parse")
	}
	// One connection per request: a site taken down closes its connections, and a POST sent on
	// a pooled one it closed fails with EOF (Go does not repeat a POST), as seen under load.
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &apiClient{t: t, pc: pc, http: &http.Client{Transport: tr, Timeout: 60 * time.Second},
		user: pc.Username(), pass: pc.Password()}
}

type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (r apiResponse) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("status %d: body is not a JSON object: %v\n%s", r.status, err, r.body)
	}
	return m
}

// reason returns message_list[0].reason of an error body.
func (r apiResponse) reason(t *testing.T) string {
	t.Helper()
	m := r.json(t)
	list, _ := m["message_list"].([]any)
	if len(list) == 0 {
		t.Fatalf("no message_list in %s", r.body)
	}
	first, _ := list[0].(map[string]any)
	s, _ := first["reason"].(string)
	return s
}

func (r apiResponse) message(t *testing.T) string {
	t.Helper()
	list, _ := r.json(t)["message_list"].([]any)
	if len(list) == 0 {
		return ""
	}
	first, _ := list[0].(map[string]any)
	s, _ := first["message"].(string)
	return s
}

// do sends a request; path is relative to the PC root ("/api/nutanix/v3/..." or "/_prismsim/...").
func (c *apiClient) do(method, path string, body any) apiResponse {
	c.t.Helper()
	return c.doWith(method, path, body, nil)
}

// doWith is do with header fields (v4's Ntnx-Request-Id and If-Match).
func (c *apiClient) doWith(method, path string, body any, header map[string]string) apiResponse {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.pc.URL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.SetBasicAuth(c.user, c.pass)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return apiResponse{status: resp.StatusCode, header: resp.Header, body: data}
}

// v3 sends a request to /api/nutanix/v3 + path.
func (c *apiClient) v3(method, path string, body any) apiResponse {
	c.t.Helper()
	return c.do(method, v3Prefix+path, body)
}

// expect fails the test unless the response has the wanted status.
func expect(t *testing.T, r apiResponse, status int) apiResponse {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

// get walks a decoded JSON value along keys and list indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func getString(v any, path ...any) string {
	s, _ := get(v, path...).(string)
	return s
}

func getInt(t *testing.T, v any, path ...any) int64 {
	t.Helper()
	n, ok := get(v, path...).(json.Number)
	if !ok {
		t.Fatalf("%v is not a number at %v", get(v, path...), path)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("%s is not an integer at %v", n, path)
	}
	return i
}

// vmByName finds a VM of the PC by name through the list API.
func (c *apiClient) vmByName(name string) map[string]any {
	c.t.Helper()
	r := expect(c.t, c.v3("POST", "/vms/list", map[string]any{"kind": "vm", "filter": "vm_name==" + name}), 200)
	ents, _ := r.json(c.t)["entities"].([]any)
	if len(ents) != 1 {
		c.t.Fatalf("vm %s: %d matches", name, len(ents))
	}
	m, _ := ents[0].(map[string]any)
	return m
}

// waitTask long-polls a task until it ends.
func (c *apiClient) waitTask(id string) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r := expect(c.t, c.v3("POST", "/tasks/poll", map[string]any{"task_uuid_list": []string{id}, "poll_timeout_seconds": 5}), 200)
		task, _ := get(r.json(c.t), "entities", 0).(map[string]any)
		if s := getString(task, "status"); s == TaskSucceeded || s == TaskFailed {
			return task
		}
	}
	c.t.Fatalf("task %s did not end", id)
	return nil
}

// obj asserts that v is a JSON object.
func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("want a JSON object, got %T: %v", v, v)
	}
	return m
}

// arr asserts that v is a JSON array.
func arr(t *testing.T, v any) []any {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("want a JSON array, got %T: %v", v, v)
	}
	return l
}
