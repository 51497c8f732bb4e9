package client

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testUser     = "admin"
	testPassword = "s3cret-Pa55word-xyz"
)

// logEntry is one message received by recLogger.
type logEntry struct {
	level  string
	msg    string
	fields map[string]any
}

// recLogger records log messages for assertions.
type recLogger struct {
	mu      sync.Mutex
	entries []logEntry
}

func (l *recLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("DEBUG", msg, fields)
}

func (l *recLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add("WARN", msg, fields)
}

func (l *recLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, logEntry{level: level, msg: msg, fields: fields})
}

// retries returns the retry messages logged.
func (l *recLogger) retries() []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []logEntry
	for _, e := range l.entries {
		if e.level == "WARN" && strings.Contains(e.msg, "retrying") {
			out = append(out, e)
		}
	}
	return out
}

// text renders everything logged, for secret checks.
func (l *recLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, e := range l.entries {
		fmt.Fprintf(&b, "%s %s %v\n", e.level, e.msg, e.fields)
	}
	return b.String()
}

// newServer starts a TLS test server on 127.0.0.1 that checks basic auth
// (answering 401 with an HTML body like a real PC) before calling h.
func newServer(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != testUser || p != testPassword {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprint(w, "<html><head><title>401 Unauthorized</title></head><body>Unauthorized</body></html>")
			return
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// fakeServer starts a server that answers the tasks of tasks and hands
// every other request, counted in cnt, to handle; it returns a client of
// it and the client's log.
func fakeServer(t testing.TB, tasks *fakeTasks, cnt *counter, handle http.HandlerFunc) (*Client, *recLogger) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if tasks.handle(w, r) {
			return
		}
		cnt.add(r)
		handle(w, r)
	})
	return newClient(t, srv)
}

// caPEM returns the PEM of the test server's certificate.
func caPEM(srv *httptest.Server) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

// newClient returns a client for srv that trusts its certificate, with
// short retry waits. Each of mods adjusts the configuration.
func newClient(t testing.TB, srv *httptest.Server, mods ...func(*Config)) (*Client, *recLogger) {
	t.Helper()
	log := &recLogger{}
	cfg := Config{
		Endpoint:     srv.URL,
		Username:     testUser,
		Password:     testPassword,
		CACertPEM:    caPEM(srv),
		MaxRetries:   3,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		Logger:       log,
		// The v3 wire, unless a test asks for another: "auto" would first ask the server
		// which v4 namespaces it serves (v4_wire.go).
		APIVersion: APIVersionV3,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.taskWaitMin = time.Millisecond
	c.taskWaitMax = 10 * time.Millisecond
	forgetEndpointWhenDone(t, c.endpoint)
	return c, log
}

// forgetEndpointWhenDone forgets, when the test ends, what the process keeps per endpoint
// (the v4 probes' answers, the zone map): a later test's server may get the same port, and
// must not inherit them.
func forgetEndpointWhenDone(t testing.TB, endpoint string) {
	t.Cleanup(func() {
		zoneMaps.Delete(endpoint)
		v4Probes.Range(func(k, _ any) bool {
			if key, ok := k.(string); ok && strings.HasPrefix(key, endpoint+" ") {
				v4Probes.Delete(k)
			}
			return true
		})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// v3Error writes a v3 error document.
func v3Error(w http.ResponseWriter, status int, reason, message string) {
	writeJSON(w, status, map[string]any{
		"api_version": "3.1",
		"kind":        "category",
		"code":        status,
		"state":       "ERROR",
		"message_list": []map[string]any{{
			"reason":  reason,
			"message": message,
			"details": map[string]any{"entity": "x"},
		}},
	})
}

// dropConnection closes the client connection without an answer.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Errorf("response writer cannot be hijacked")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// counter counts requests per "METHOD path".
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(r *http.Request) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	k := r.Method + " " + r.URL.Path
	c.n[k]++
	return c.n[k]
}

func (c *counter) get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

// keyBody is the answer for a category key.
func keyBody(name string) map[string]any {
	return map[string]any{"api_version": "3.1", "name": name, "description": "d", "system_defined": false}
}

// mustContain fails unless s contains every part.
func mustContain(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("message %q does not contain %q", s, p)
		}
	}
}

// fakePut is the spec_version check of a fake's PUT of the entity e: it
// decodes body and answers 400 to a body it cannot decode, or 409 to a
// stale metadata.spec_version and, while *conflicts > 0, to any PUT (each
// such conflict counts down and bumps the stored version, as a concurrent
// change would). ok is true when the PUT may go ahead, with the decoded
// body and e's stored metadata.
func fakePut(w http.ResponseWriter, e map[string]any, body []byte, conflicts *int) (in, stored map[string]any, ok bool) {
	if err := decodeNumbers(body, &in); err != nil {
		v3Error(w, 400, "INVALID_ARGUMENT", err.Error())
		return nil, nil, false
	}
	stored, _ = e["metadata"].(map[string]any)
	meta, _ := in["metadata"].(map[string]any)
	if meta["spec_version"] != stored["spec_version"] || *conflicts > 0 {
		if *conflicts > 0 {
			*conflicts--
			bumpSpecVersion(stored)
		}
		v3Error(w, 409, ReasonConcurrentRequests, "spec_version is stale")
		return nil, nil, false
	}
	return in, stored, true
}

// bumpSpecVersion adds one to metadata.spec_version.
func bumpSpecVersion(meta map[string]any) {
	v, _ := meta["spec_version"].(json.Number)
	n, _ := v.Int64()
	meta["spec_version"] = json.Number(fmt.Sprint(n + 1))
}
