package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// failing answers the first n requests with fail, then with a category key.
func failing(n int, fail func(w http.ResponseWriter)) (http.HandlerFunc, *counter) {
	var cnt counter
	return func(w http.ResponseWriter, r *http.Request) {
		if cnt.add(r) <= n {
			fail(w)
			return
		}
		writeJSON(w, 200, keyBody("Environment"))
	}, &cnt
}

func htmlPage(status int) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Service Temporarily Down</title></head><body><h1>Oops</h1></body></html>")
	}
}

func TestRetriesTransientFailures(t *testing.T) {
	const path = "GET /api/nutanix/v3/categories/Environment"
	tests := map[string]struct {
		fail  func(w http.ResponseWriter)
		cause string
	}{
		"503": {fail: func(w http.ResponseWriter) { v3Error(w, 503, "SERVICE_UNAVAILABLE", "busy") }, cause: "503 Service Unavailable"},
		"502": {fail: func(w http.ResponseWriter) { w.WriteHeader(502) }, cause: "502 Bad Gateway"},
		"504": {fail: func(w http.ResponseWriter) { w.WriteHeader(504) }, cause: "504 Gateway Timeout"},
		"429": {fail: func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			v3Error(w, 429, "TOO_MANY_REQUESTS", "slow down")
		}, cause: "429 Too Many Requests"},
		"html 500": {fail: htmlPage(500), cause: "HTML"},
		"html 500 without content type": {fail: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.WriteHeader(500)
			_, _ = fmt.Fprint(w, "<html><body><h1>500</h1></body></html>")
		}, cause: "HTML"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			h, cnt := failing(2, tt.fail)
			srv := newServer(t, h)
			c, log := newClient(t, srv)
			k, err := c.GetCategoryKey(context.Background(), "Environment")
			if err != nil {
				t.Fatalf("GetCategoryKey: %v", err)
			}
			if k.Name != "Environment" {
				t.Errorf("name = %q", k.Name)
			}
			if got := cnt.get(path); got != 3 {
				t.Errorf("requests = %d, want 3", got)
			}
			retries := log.retries()
			if len(retries) != 2 {
				t.Fatalf("logged retries = %d, want 2: %s", len(retries), log.text())
			}
			cause, _ := retries[0].fields["cause"].(string)
			if !strings.Contains(cause, tt.cause) {
				t.Errorf("logged cause %q does not name %q", cause, tt.cause)
			}
			if retries[1].fields["attempt"] != 3 || retries[1].fields["operation"] != "reading category Environment" {
				t.Errorf("retry fields: %v", retries[1].fields)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	h, cnt := failing(1, func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(429)
	})
	srv := newServer(t, h)
	c, _ := newClient(t, srv)
	start := time.Now()
	if _, err := c.GetCategoryKey(context.Background(), "Environment"); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("retried after %s, before the 1s the server asked for", el)
	}
	if cnt.get("GET /api/nutanix/v3/categories/Environment") != 2 {
		t.Error("expected exactly one retry")
	}
}

func TestRetryAfterBeyondDeadlineFailsAtOnce(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		v3Error(w, 429, "TOO_MANY_REQUESTS", "slow down")
	})
	c, _ := newClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetCategoryKey(ctx, "Environment")
	if err == nil {
		t.Fatal("expected an error")
	}
	if time.Since(start) > time.Second {
		t.Errorf("waited %s although the server asked for more than the deadline allows", time.Since(start))
	}
	mustContain(t, err.Error(), "429 Too Many Requests", "rate limiting")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"100000", maxRetryAfter, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(time.Hour).Format(http.TimeFormat), maxRetryAfter, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %t; want %s, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestJitteredBackoffBounds(t *testing.T) {
	minWait, maxWait := 100*time.Millisecond, time.Second
	for attempt := 0; attempt < 10; attempt++ {
		upper := min(maxWait, minWait<<attempt)
		for i := 0; i < 50; i++ {
			d := jitteredBackoff(minWait, maxWait, attempt)
			if d < minWait || d > upper {
				t.Fatalf("attempt %d: backoff %s outside [%s, %s]", attempt, d, minWait, upper)
			}
		}
	}
}

func TestConnectionDropIsRetried(t *testing.T) {
	var cnt counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if cnt.add(r) == 1 {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 200, keyBody("Environment"))
	})
	c, log := newClient(t, srv)
	if _, err := c.GetCategoryKey(context.Background(), "Environment"); err != nil {
		t.Fatal(err)
	}
	if len(log.retries()) != 1 {
		t.Errorf("retries = %d, want 1", len(log.retries()))
	}
	cause, _ := log.retries()[0].fields["cause"].(string)
	mustContain(t, cause, "connection error")
}

func TestRetryBudgetExhausted(t *testing.T) {
	tests := map[string]struct {
		fail  func(t *testing.T, w http.ResponseWriter)
		parts []string
	}{
		"503": {
			fail:  func(_ *testing.T, w http.ResponseWriter) { v3Error(w, 503, "SERVICE_UNAVAILABLE", "cluster busy") },
			parts: []string{"503 Service Unavailable", "after 3 attempts", "cluster busy", "retry later"},
		},
		"html 500": {
			fail:  func(_ *testing.T, w http.ResponseWriter) { htmlPage(500)(w) },
			parts: []string{"500 Internal Server Error", "after 3 attempts", "Service Temporarily Down", "HTML error page"},
		},
		"connection drop": {
			fail:  dropConnection,
			parts: []string{"failed after 3 attempts", "EOF", "reachable"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var cnt counter
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				cnt.add(r)
				tt.fail(t, w)
			})
			c, _ := newClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 2 })
			_, err := c.GetCategoryKey(context.Background(), "Environment")
			if err == nil {
				t.Fatal("expected an error")
			}
			mustContain(t, err.Error(), append([]string{"reading category Environment", "GET /api/nutanix/v3/categories/Environment"}, tt.parts...)...)
			if got := cnt.get("GET /api/nutanix/v3/categories/Environment"); got < 3 {
				t.Errorf("requests = %d, want at least 3", got)
			}
			if errors.Is(err, ErrNotFound) {
				t.Error("a transient failure matched ErrNotFound")
			}
		})
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	for _, tt := range []struct {
		status int
		reason string
		is     error
	}{
		{400, "INVALID_ARGUMENT", nil},
		{404, ReasonEntityNotFound, ErrNotFound},
		{409, ReasonConcurrentRequests, nil},
		{422, "VALIDATION_ERROR", nil},
	} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			var cnt counter
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				cnt.add(r)
				v3Error(w, tt.status, tt.reason, "the message")
			})
			c, log := newClient(t, srv)
			_, err := c.GetCategoryKey(context.Background(), "Environment")
			if err == nil {
				t.Fatal("expected an error")
			}
			if n := cnt.get("GET /api/nutanix/v3/categories/Environment"); n != 1 {
				t.Errorf("requests = %d, want 1", n)
			}
			if len(log.retries()) != 0 {
				t.Error("retried a client error")
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("not an *APIError: %T %v", err, err)
			}
			if apiErr.StatusCode != tt.status || !apiErr.HasReason(tt.reason) || apiErr.Operation != "reading category Environment" ||
				apiErr.Code != tt.status || apiErr.Kind != "category" || len(apiErr.Messages) != 1 || apiErr.Details[0] != "entity=x" {
				t.Errorf("APIError fields: %+v", apiErr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v) = false", tt.is)
			}
			if tt.is == nil && errors.Is(err, ErrNotFound) {
				t.Error("matched ErrNotFound")
			}
			mustContain(t, err.Error(), "reading category Environment", tt.reason, "the message", "details: entity=x")
		})
	}
}

func TestNonIdempotentPostIsNotRepeatedAfterDrop(t *testing.T) {
	var cnt counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		cnt.add(r)
		dropConnection(t, w)
	})
	c, _ := newClient(t, srv)
	err := c.do(context.Background(), "triggering failover", http.MethodPost, "/recovery_plan_jobs", map[string]any{}, nil)
	if err == nil {
		t.Fatal("expected an error")
	}
	if n := cnt.get("POST /api/nutanix/v3/recovery_plan_jobs"); n != 1 {
		t.Errorf("a non-idempotent POST was sent %d times", n)
	}
	mustContain(t, err.Error(), "triggering failover", "not repeated", "check the result in Prism Central")
}

func TestNonIdempotentPostIsNotRepeatedAfterGatewayError(t *testing.T) {
	var cnt counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		cnt.add(r)
		w.WriteHeader(http.StatusBadGateway)
	})
	c, _ := newClient(t, srv)
	err := c.do(context.Background(), "triggering failover", http.MethodPost, "/recovery_plan_jobs", map[string]any{}, nil)
	if n := cnt.get("POST /api/nutanix/v3/recovery_plan_jobs"); n != 1 {
		t.Errorf("a non-idempotent POST was sent %d times", n)
	}
	mustContain(t, fmt.Sprint(err), "triggering failover", "502 Bad Gateway", "not repeated")
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	c, _ := newClient(t, srv, func(cfg *Config) { cfg.RetryWaitMin = 10 * time.Second; cfg.RetryWaitMax = 20 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetCategoryKey(ctx, "Environment")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v does not wrap context.DeadlineExceeded", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("cancellation took %s", time.Since(start))
	}
	mustContain(t, err.Error(), "reading category Environment")
}

func TestRequestTimeoutPerAttempt(t *testing.T) {
	var cnt counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if cnt.add(r) == 1 {
			// Stall past the client's timeout, then abort without an
			// answer (a normal return would send an empty 200).
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			panic(http.ErrAbortHandler)
		}
		writeJSON(w, 200, keyBody("Environment"))
	})
	c, log := newClient(t, srv, func(cfg *Config) { cfg.RequestTimeout = 300 * time.Millisecond })
	if _, err := c.GetCategoryKey(context.Background(), "Environment"); err != nil {
		t.Fatal(err)
	}
	if len(log.retries()) != 1 {
		t.Errorf("retries = %d, want 1 after a timed-out attempt", len(log.retries()))
	}
}
