package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// foreignServer starts a TLS server on 127.0.0.1 that is not Prism Central: it asks for no
// credentials and answers every request with answer, counting them.
func foreignServer(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *counter) {
	t.Helper()
	var cnt counter
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cnt.add(r)
		answer(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &cnt
}

// pythonErrorPage is the error page of Python's http.server, a common "some HTTPS server".
func pythonErrorPage(status int, message string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"+
			"<title>Error response</title>\n</head>\n<body>\n<h1>Error response</h1>\n<p>Error code: %d</p>\n"+
			"<p>Message: %s.</p>\n</body>\n</html>\n", status, message)
	}
}

// foreignAnswers are answers of HTTPS servers that are not Prism Central.
var foreignAnswers = map[string]func(w http.ResponseWriter, r *http.Request){
	"html 501": pythonErrorPage(http.StatusNotImplemented, "Unsupported method ('POST')"),
	"html 404": pythonErrorPage(http.StatusNotFound, "File not found"),
	"html 200": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = fmt.Fprint(w, "<html><head><title>Welcome to nginx!</title></head><body></body></html>")
	},
	"plain text 404": func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
	"plain text 200": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = fmt.Fprint(w, "OK")
	},
	"plain text 405": func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
	},
	"foreign json 200": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"status": "ok", "version": "1.2.3"})
	},
	"foreign json 400": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 400, map[string]any{"error": "unknown route", "code": "E_ROUTE"})
	},
	"empty 404": func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) },
}

// TestCheckEndpointNotPrismCentral checks that an HTTPS server that is not Prism Central is
// told at once, in one request, with a message that names endpoint and port and does not
// blame a busy Prism Central.
func TestCheckEndpointNotPrismCentral(t *testing.T) {
	for name, answer := range foreignAnswers {
		t.Run(name, func(t *testing.T) {
			srv, cnt := foreignServer(t, answer)
			c, log := newClient(t, srv)
			err := c.CheckEndpoint(context.Background())
			if !errors.Is(err, ErrNotPrismCentral) {
				t.Fatalf("error = %v, want one matching ErrNotPrismCentral", err)
			}
			mustContain(t, err.Error(), "checking the endpoint", srv.URL+" is not a Prism Central v3 API",
				"POST /api/nutanix/v3/clusters/list answered", "check endpoint and port", "9440")
			for _, wrong := range []string{"restarting", "overloaded", "retry later", "fix the configuration according to the message"} {
				if strings.Contains(err.Error(), wrong) {
					t.Errorf("message %q says %q", err, wrong)
				}
			}
			if n := cnt.get("POST /api/nutanix/v3/clusters/list"); n != 1 {
				t.Errorf("requests = %d, want 1", n)
			}
			if len(log.retries()) != 0 {
				t.Errorf("retried: %s", log.text())
			}
			if errors.Is(err, ErrNotFound) {
				t.Error("a foreign answer matched ErrNotFound")
			}
		})
	}
}

// TestForeignAnswersAreNotRetried checks the same answers on an ordinary request: each is an
// error that points at endpoint and port, sent once.
func TestForeignAnswersAreNotRetried(t *testing.T) {
	for name, answer := range foreignAnswers {
		t.Run(name, func(t *testing.T) {
			srv, cnt := foreignServer(t, answer)
			c, log := newClient(t, srv)
			_, err := c.ListVMs(context.Background(), "")
			if !errors.Is(err, ErrNotPrismCentral) {
				t.Fatalf("error = %v, want one matching ErrNotPrismCentral", err)
			}
			mustContain(t, err.Error(), "listing VMs", srv.URL+" is not a Prism Central v3 API", "check endpoint and port")
			if strings.Contains(err.Error(), "restarting") {
				t.Errorf("message %q blames a restarting Prism Central", err)
			}
			if n := cnt.get("POST /api/nutanix/v3/vms/list"); n != 1 {
				t.Errorf("requests = %d, want 1", n)
			}
			if len(log.retries()) != 0 {
				t.Errorf("retried: %s", log.text())
			}
		})
	}
}

// TestCheckEndpointPrismCentral checks what the check lets through: a Prism Central's list, and
// every failure that says nothing about what the endpoint is (a transient HTML 500 or 503, a
// refused password), which the check reports without retrying and without ErrNotPrismCentral.
// The ordinary requests still retry the transient pages.
func TestCheckEndpointPrismCentral(t *testing.T) {
	list := func(w http.ResponseWriter) {
		writeJSON(w, 200, map[string]any{
			"api_version": "3.1", "metadata": map[string]any{"kind": "cluster", "total_matches": 1, "length": 1},
			"entities": []any{clusterEntity("00000000-0000-0000-0000-000000000002", "pc-canada", "PRISM_CENTRAL")},
		})
	}
	t.Run("prism central", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { list(w) })
		c, _ := newClient(t, srv)
		if err := c.CheckEndpoint(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	for name, fail := range map[string]func(w http.ResponseWriter){
		"html 500":  htmlPage(http.StatusInternalServerError),
		"html 503":  htmlPage(http.StatusServiceUnavailable),
		"html 502":  htmlPage(http.StatusBadGateway),
		"empty 504": func(w http.ResponseWriter) { w.WriteHeader(http.StatusGatewayTimeout) },
	} {
		t.Run(name, func(t *testing.T) {
			var cnt counter
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if cnt.add(r) <= 2 {
					fail(w)
					return
				}
				list(w)
			})
			c, log := newClient(t, srv)
			err := c.CheckEndpoint(context.Background())
			if err == nil || errors.Is(err, ErrNotPrismCentral) {
				t.Fatalf("error = %v, want a transient failure that does not match ErrNotPrismCentral", err)
			}
			if n := cnt.get("POST /api/nutanix/v3/clusters/list"); n != 1 {
				t.Errorf("the check sent %d requests, want 1", n)
			}
			if _, err := c.ListClusters(context.Background(), ""); err != nil {
				t.Fatalf("a transient page was not retried by an ordinary request: %v", err)
			}
			if n := len(log.retries()); n != 1 {
				t.Errorf("retries = %d, want 1: %s", n, log.text())
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { list(w) })
		c, _ := newClient(t, srv, func(cfg *Config) { cfg.Password = "wrong" })
		err := c.CheckEndpoint(context.Background())
		if !errors.Is(err, ErrAuthentication) || errors.Is(err, ErrNotPrismCentral) {
			t.Fatalf("error = %v, want an authentication error only", err)
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { list(w) })
		c, log := newClient(t, srv)
		srv.Close()
		err := c.CheckEndpoint(context.Background())
		if err == nil || errors.Is(err, ErrNotPrismCentral) {
			t.Fatalf("error = %v, want a connection error", err)
		}
		if len(log.retries()) != 0 {
			t.Errorf("the check retried a refused connection: %s", log.text())
		}
	})
	t.Run("prism element", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 500, map[string]any{
				"api_version": "3.1", "code": 500, "kind": "cluster", "state": "ERROR",
				"message_list": []map[string]any{{"reason": ReasonEntityReadError, "message": "Failed to read cluster"}},
			})
		})
		c, _ := newClient(t, srv)
		err := c.CheckEndpoint(context.Background())
		if !errors.Is(err, ErrNotPrismCentral) {
			t.Fatalf("error = %v, want one matching ErrNotPrismCentral", err)
		}
		mustContain(t, err.Error(), "Prism Element")
	})
}
