package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestNormalizeEndpoint(t *testing.T) {
	tests := []struct {
		endpoint string
		port     int
		want     string
		wantErr  string
	}{
		{endpoint: "10.0.0.5", port: 9440, want: "https://10.0.0.5:9440"},
		{endpoint: " pc.example.com ", port: 9440, want: "https://pc.example.com:9440"},
		{endpoint: "pc.example.com:9441", port: 9440, want: "https://pc.example.com:9441"},
		{endpoint: "https://10.0.0.5", port: 9443, want: "https://10.0.0.5:9443"},
		{endpoint: "https://10.0.0.5:1234/", port: 9440, want: "https://10.0.0.5:1234"},
		{endpoint: "fe80::1", port: 9440, want: "https://[fe80::1]:9440"},
		{endpoint: "[fe80::1]:99", port: 9440, want: "https://[fe80::1]:99"},
		{endpoint: "", port: 9440, wantErr: "endpoint is required"},
		{endpoint: "http://10.0.0.5", port: 9440, wantErr: "only https"},
		{endpoint: "https://10.0.0.5/console", port: 9440, wantErr: "without a path"},
		{endpoint: "10.0.0.5", port: 70000, wantErr: "out of range"},
		{endpoint: "pc:notaport", port: 9440, wantErr: "not a number"},
	}
	for _, tt := range tests {
		got, err := normalizeEndpoint(tt.endpoint, tt.port)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("normalizeEndpoint(%q, %d) error = %v, want one containing %q", tt.endpoint, tt.port, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("normalizeEndpoint(%q, %d) = %q, %v; want %q", tt.endpoint, tt.port, got, err, tt.want)
		}
	}
}

func TestNewValidatesAndDefaults(t *testing.T) {
	if _, err := New(Config{Endpoint: "pc", Password: "p"}); err == nil || !strings.Contains(err.Error(), "NUTANIX_USERNAME") {
		t.Errorf("missing username: %v", err)
	}
	if _, err := New(Config{Endpoint: "pc", Username: "u"}); err == nil || !strings.Contains(err.Error(), "NUTANIX_PASSWORD") {
		t.Errorf("missing password: %v", err)
	}
	c, err := New(Config{Endpoint: "pc", Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint() != "https://pc:9440" || c.maxRetries != DefaultMaxRetries || c.timeout != DefaultRequestTimeout || c.userAgent != DefaultUserAgent {
		t.Errorf("defaults not applied: %s %d %s %s", c.Endpoint(), c.maxRetries, c.timeout, c.userAgent)
	}
	if c.http.RetryWaitMin != DefaultRetryWaitMin || c.http.RetryWaitMax != DefaultRetryWaitMax {
		t.Errorf("retry waits: %s %s", c.http.RetryWaitMin, c.http.RetryWaitMax)
	}
	c, err = New(Config{Endpoint: "pc", Username: "u", Password: "p", MaxRetries: -1})
	if err != nil || c.http.RetryMax != 0 {
		t.Errorf("negative MaxRetries should disable retries: %v %d", err, c.http.RetryMax)
	}
}

func TestConfigStringHidesPassword(t *testing.T) {
	cfg := Config{Endpoint: "pc", Username: "u", Password: testPassword}
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		if strings.Contains(s, testPassword) {
			t.Errorf("password printed: %s", s)
		}
	}
}

func TestCACertificateErrors(t *testing.T) {
	for name, pemText := range map[string]string{
		"garbage":   "not a certificate",
		"key block": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"bad der":   "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	} {
		_, err := New(Config{Endpoint: "pc", Username: "u", Password: "p", CACertPEM: pemText})
		if err == nil || !strings.Contains(err.Error(), "ca_certificate") {
			t.Errorf("%s: error %v does not name ca_certificate", name, err)
		}
	}
}

func TestTLSVerification(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, keyBody("Environment")) })
	ctx := context.Background()

	t.Run("unknown authority", func(t *testing.T) {
		c, log := newClient(t, srv, func(cfg *Config) { cfg.CACertPEM = "" })
		_, err := c.GetCategoryKey(ctx, "Environment")
		if err == nil {
			t.Fatal("expected a TLS error")
		}
		mustContain(t, err.Error(), "reading category Environment", "not trusted", "ca_certificate", "insecure = true", srv.URL)
		if !errors.Is(err, ErrUntrustedCertificate) {
			t.Errorf("errors.Is(err, ErrUntrustedCertificate) = false: %v", err)
		}
		if n := len(log.retries()); n != 0 {
			t.Errorf("a certificate error was retried %d times", n)
		}
	})
	t.Run("ca certificate", func(t *testing.T) {
		c, _ := newClient(t, srv)
		k, err := c.GetCategoryKey(ctx, "Environment")
		if err != nil || k.Name != "Environment" {
			t.Fatalf("GetCategoryKey = %+v, %v", k, err)
		}
	})
	t.Run("insecure", func(t *testing.T) {
		c, _ := newClient(t, srv, func(cfg *Config) { cfg.CACertPEM = ""; cfg.Insecure = true })
		if _, err := c.GetCategoryKey(ctx, "Environment"); err != nil {
			t.Fatalf("insecure client: %v", err)
		}
	})
}

func TestRequestHeaders(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if ua := r.Header.Get("User-Agent"); ua != "my-agent/1.0" {
			t.Errorf("User-Agent = %q", ua)
		}
		if r.Header.Get("Accept") != "application/json" {
			t.Errorf("Accept = %q", r.Header.Get("Accept"))
		}
		if r.Method == http.MethodPut && r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
		}
		if r.URL.EscapedPath() != "/api/nutanix/v3/categories/My%20Key" {
			t.Errorf("path = %q", r.URL.EscapedPath())
		}
		if r.Method == http.MethodGet {
			v3Error(w, 404, ReasonEntityNotFound, "no such key")
			return
		}
		writeJSON(w, 200, keyBody("My Key"))
	})
	c, _ := newClient(t, srv, func(cfg *Config) { cfg.UserAgent = "my-agent/1.0" })
	if _, err := c.PutCategoryKey(context.Background(), CategoryKey{Name: "My Key"}); err != nil {
		t.Fatal(err)
	}
}

func TestUnauthorized(t *testing.T) {
	var n counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { n.add(r) })
	c, log := newClient(t, srv, func(cfg *Config) { cfg.Password = "wrong-password" })
	_, err := c.ListCategoryKeys(context.Background())
	if err == nil {
		t.Fatal("expected an authentication error")
	}
	want := "listing categories: authentication failed for user admin at " + srv.URL + ": check username and password (NUTANIX_USERNAME / NUTANIX_PASSWORD)"
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err.Error(), want)
	}
	if !errors.Is(err, ErrAuthentication) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotPrismCentral) {
		t.Errorf("wrong sentinels for %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Errorf("errors.As APIError: %+v", apiErr)
	}
	if len(log.retries()) != 0 {
		t.Error("a 401 was retried")
	}
	if strings.Contains(log.text(), "wrong-password") || strings.Contains(err.Error(), "wrong-password") {
		t.Error("the password was logged or put in an error")
	}
}

func TestLogsHoldNoSecrets(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("x") == "" && strings.HasSuffix(r.URL.Path, "/list") {
			writeJSON(w, 503, map[string]any{})
			return
		}
		writeJSON(w, 200, keyBody("k"))
	})
	c, log := newClient(t, srv)
	_, _ = c.ListCategoryKeys(context.Background())
	_, _ = c.GetCategoryKey(context.Background(), "k")
	text := log.text()
	if strings.Contains(text, testPassword) || strings.Contains(text, "Basic ") || strings.Contains(strings.ToLower(text), "authorization") {
		t.Errorf("logs hold a secret:\n%s", text)
	}
	if len(log.retries()) == 0 {
		t.Error("expected retries to be logged")
	}
}
