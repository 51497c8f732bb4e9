// Package client is a typed client for the Prism Central v3 REST API.
//
// It carries everything the provider needs to talk to Prism Central safely:
// TLS verification with an optional extra CA, retries of transient failures
// that never duplicate a change, typed errors that say what to do, task
// waiting through the long-poll endpoint, and read-modify-write updates that
// keep every field the client does not model. It imports nothing from
// Terraform: the provider plugs its logger in through the Logger interface.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults applied by New to zero fields of Config.
const (
	DefaultPort           = 9440
	DefaultRequestTimeout = 60 * time.Second
	DefaultMaxRetries     = 5
	DefaultRetryWaitMin   = 250 * time.Millisecond
	DefaultRetryWaitMax   = 5 * time.Second
	DefaultUserAgent      = "terraform-provider-nutanixdr"

	// APIPath is the base path of the v3 API on a Prism Central.
	APIPath = "/api/nutanix/v3"

	// API version sent in request envelopes that carry one (apiVersion).
	apiVersion = "3.1.0"

	// Bound of how much of a response body is read (maxResponseBytes).
	maxResponseBytes = 64 << 20
	// Page length used by list calls (defaultPageSize).
	defaultPageSize = 100
	// How many times a read-modify-write is tried when the server
	// reports a concurrent change (defaultRMWAttempts).
	defaultRMWAttempts = 5
)

// Config holds what New needs to reach a Prism Central.
type Config struct {
	// Endpoint is a host name or IP address without a scheme, or a full
	// https URL (whose port, if any, overrides Port).
	Endpoint string
	// Port defaults to 9440.
	Port     int
	Username string
	Password string
	// Insecure skips TLS certificate verification.
	Insecure bool
	// CACertPEM holds extra trusted CA or server certificates (PEM); they
	// are added to the system pool. TLS is verified unless Insecure is set.
	CACertPEM string
	// RequestTimeout bounds each HTTP attempt; default 60s.
	RequestTimeout time.Duration
	// MaxRetries is the retry budget of one request; default 5. A negative
	// value disables retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the jittered exponential backoff
	// between retries; defaults 250ms and 5s.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// UserAgent is sent with every request.
	UserAgent string
	// Logger receives debug and warning messages; it may be nil.
	Logger Logger
	// APIVersion chooses the protocol of each DR kind: "auto" (the default when empty), "v3"
	// or "v4" (api_version.go).
	APIVersion string
}

// String describes the configuration without its password.
func (c Config) String() string {
	return fmt.Sprintf("client.Config{Endpoint:%q Port:%d Username:%q Password:<redacted> Insecure:%t CACertPEM:%d bytes RequestTimeout:%s MaxRetries:%d RetryWaitMin:%s RetryWaitMax:%s UserAgent:%q}",
		c.Endpoint, c.Port, c.Username, c.Insecure, len(c.CACertPEM), c.RequestTimeout, c.MaxRetries, c.RetryWaitMin, c.RetryWaitMax, c.UserAgent)
}

// GoString describes the configuration without its password.
func (c Config) GoString() string { return c.String() }

// Logger receives the client's log messages. Fields never hold secrets.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// Client talks to one Prism Central. It is safe for concurrent use.
type Client struct {
	endpoint   string // https://host:port
	apiBase    string // endpoint + APIPath
	username   string
	password   string
	userAgent  string
	timeout    time.Duration
	maxRetries int
	log        Logger
	http       *retryablehttp.Client

	pageSize    int
	rmwAttempts int
	// taskWaitMin and taskWaitMax bound the backoff of task polling when
	// the long poll is unavailable or returns early.
	taskWaitMin time.Duration
	taskWaitMax time.Duration
	// pollUnsupported is set once the server has shown it has no
	// POST /tasks/poll; later waits go straight to GET /tasks/{uuid}.
	pollUnsupported atomic.Bool
	// values answers lookups of category values from one list per key and per run.
	values runCache[CategoryValue]
	// vms and subnets answer lookups of VMs and subnets from one list per run when worth it.
	vms     runCache[VM]
	subnets runCache[Subnet]
	// protocols is the wire of each DR kind (api_version.go).
	protocols []KindProtocol
	// categoryNames maps v4 category extIds to their key and value (v4CategoryJSON), as
	// read in this run (v4_categories.go); an extId names one pair for its life.
	categoryNames sync.Map
}

// New validates cfg, applies defaults and builds a client. It does not
// contact the server; see CheckPrismCentral.
func New(cfg Config) (*Client, error) {
	if cfg.Port == 0 {
		cfg.Port = DefaultPort
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Logger == nil {
		cfg.Logger = nopLogger{}
	}
	if cfg.Username == "" {
		return nil, errors.New("username is required to authenticate to Prism Central (NUTANIX_USERNAME)")
	}
	if cfg.Password == "" {
		return nil, errors.New("password is required to authenticate to Prism Central (NUTANIX_PASSWORD)")
	}
	protocols, err := ResolveProtocols(cfg.APIVersion)
	if err != nil {
		return nil, err
	}
	endpoint, err := normalizeEndpoint(cfg.Endpoint, cfg.Port)
	if err != nil {
		return nil, err
	}
	transport, err := newTransport(cfg.Insecure, cfg.CACertPEM)
	if err != nil {
		return nil, err
	}
	c := &Client{
		endpoint:    endpoint,
		apiBase:     endpoint + APIPath,
		username:    cfg.Username,
		password:    cfg.Password,
		userAgent:   cfg.UserAgent,
		timeout:     cfg.RequestTimeout,
		maxRetries:  cfg.MaxRetries,
		log:         cfg.Logger,
		pageSize:    defaultPageSize,
		rmwAttempts: defaultRMWAttempts,
		taskWaitMin: 50 * time.Millisecond,
		taskWaitMax: 2 * time.Second,
		protocols:   protocols,
	}
	c.http = c.newRetryingClient(&http.Client{Transport: transport, Timeout: cfg.RequestTimeout}, cfg.RetryWaitMin, cfg.RetryWaitMax)
	return c, nil
}

// Endpoint returns the base URL the client talks to, e.g.
// "https://10.0.0.5:9440".
func (c *Client) Endpoint() string { return c.endpoint }

// normalizeEndpoint turns a host, host:port or https URL into
// "https://host:port".
func normalizeEndpoint(endpoint string, port int) (string, error) {
	endpoint = strings.TrimSpace(endpoint)
	if endpoint == "" {
		return "", errors.New("endpoint is required: set it to the Prism Central address (NUTANIX_ENDPOINT)")
	}
	if port < 1 || port > 65535 {
		return "", fmt.Errorf("port %d is out of range 1-65535", port)
	}
	var host string
	portStr := strconv.Itoa(port)
	if strings.Contains(endpoint, "://") {
		u, err := url.Parse(endpoint)
		if err != nil {
			return "", fmt.Errorf("endpoint %q is not a valid URL: %w", endpoint, err)
		}
		if u.Scheme != "https" {
			return "", fmt.Errorf("endpoint %q: only https is supported by Prism Central", endpoint)
		}
		if u.Path != "" && u.Path != "/" {
			return "", fmt.Errorf("endpoint %q: give the Prism Central address only, without a path", endpoint)
		}
		host = u.Hostname()
		if u.Port() != "" {
			portStr = u.Port()
		}
	} else if h, p, err := net.SplitHostPort(endpoint); err == nil {
		host, portStr = h, p
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(endpoint, "["), "]")
	}
	if host == "" || strings.ContainsAny(host, "/ ") {
		return "", fmt.Errorf("endpoint %q is not a host name, IP address or https URL", endpoint)
	}
	if p, err := strconv.Atoi(portStr); err != nil || p < 1 || p > 65535 {
		return "", fmt.Errorf("endpoint %q: port %q is not a number in 1-65535", endpoint, portStr)
	}
	return "https://" + net.JoinHostPort(host, portStr), nil
}

// call describes one API request.
type call struct {
	op     string // what the caller is doing, for messages: "reading VM x"
	method string
	path   string // below APIPath, already escaped: "/vms/<uuid>"
	in     any    // request body, marshaled to JSON when not nil
	out    any    // decoded from a 2xx body when not nil
	// idempotent says the request may be sent again after a failure that
	// may have reached the server (a dropped connection, 502, 504, an
	// HTML 500).
	idempotent bool
	// once sends the request a single time, whatever the failure.
	once bool
}

// outcome tells what happened to a call, beyond its decoded body.
type outcome struct {
	status   int
	attempts int
	// maybeCommitted is true when an earlier attempt failed in a way that
	// may have happened after the server processed it.
	maybeCommitted bool
}

// do sends one request with the client's retry policy and decodes the
// answer into out. PUT, GET and DELETE are treated as idempotent; a POST is
// not (use send with idempotent set for safe POSTs).
func (c *Client) do(ctx context.Context, op, method, path string, in, out any) error {
	_, err := c.send(ctx, call{op: op, method: method, path: path, in: in, out: out, idempotent: method != http.MethodPost})
	return err
}

// send is the one path every request takes: encoding, retries, logging,
// error classification and decoding.
func (c *Client) send(ctx context.Context, cl call) (outcome, error) {
	var body []byte
	if cl.in != nil {
		b, err := json.Marshal(cl.in)
		if err != nil {
			return outcome{}, fmt.Errorf("%s: encoding the request: %w", cl.op, err)
		}
		body = b
	}
	st := &attemptState{op: cl.op, method: cl.method, path: APIPath + cl.path, idempotent: cl.idempotent, once: cl.once, maxAttempts: c.maxRetries + 1}
	if cl.once {
		st.maxAttempts = 1
	}
	ctx = context.WithValue(ctx, attemptKey{}, st)
	var raw any
	if body != nil {
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, c.apiBase+cl.path, raw)
	if err != nil {
		return outcome{}, fmt.Errorf("%s: building the request: %w", cl.op, err)
	}
	req.SetBasicAuth(c.username, c.password)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	res := outcome{attempts: st.attempts, maybeCommitted: st.maybeCommitted}
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		return res, c.transportError(ctx, st, err)
	}
	defer func() { _ = resp.Body.Close() }()
	res.status = resp.StatusCode
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		if ctx.Err() != nil {
			return res, c.transportError(ctx, st, err)
		}
		return res, fmt.Errorf("%s: reading the answer to %s %s from %s: %w", cl.op, cl.method, st.path, c.endpoint, err)
	}
	c.log.Debug(ctx, "Prism Central request", map[string]any{
		"operation":   cl.op,
		"method":      cl.method,
		"path":        st.path,
		"status":      resp.StatusCode,
		"attempts":    st.attempts,
		"duration_ms": time.Since(start).Milliseconds(),
	})
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return res, c.responseError(st, resp, data)
	}
	if cl.out == nil {
		return res, nil
	}
	if err := c.decode(st, resp, data, cl.out); err != nil {
		if ctx.Err() != nil {
			// The answer was cut short by the caller's deadline.
			return res, c.transportError(ctx, st, err)
		}
		return res, err
	}
	return res, nil
}

// v3Shape is implemented by response types that can tell whether a decoded
// body looks like what Prism Central sends, to catch endpoints that answer
// 200 with something else.
type v3Shape interface {
	looksLikeV3() bool
}

// decode unmarshals a 2xx body into out and checks that it looks like a
// Prism Central v3 answer.
func (c *Client) decode(st *attemptState, resp *http.Response, data []byte, out any) error {
	if raw, ok := out.(*json.RawMessage); ok {
		if !json.Valid(data) || !isJSONObject(data) {
			return c.notPrismError(st, resp, data)
		}
		*raw = append((*raw)[:0], data...)
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return c.notPrismError(st, resp, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		if !json.Valid(data) {
			return c.notPrismError(st, resp, data)
		}
		return &DecodeError{Operation: st.op, What: fmt.Sprintf("the answer to %s %s", st.method, st.path), Err: err}
	}
	if v, ok := out.(v3Shape); ok && !v.looksLikeV3() {
		return c.notPrismError(st, resp, data)
	}
	return nil
}

func isJSONObject(data []byte) bool {
	t := bytes.TrimSpace(data)
	return len(t) > 0 && t[0] == '{'
}

// escape escapes one path segment.
func escape(segment string) string { return url.PathEscape(segment) }

// waitFor blocks for d or until ctx is done.
func waitFor(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("waiting before the next attempt: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}
