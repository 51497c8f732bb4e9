package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestNotPrismCentralAnswers(t *testing.T) {
	tests := map[string]func(w http.ResponseWriter){
		"html 200": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = fmt.Fprint(w, "<html><head><title>Welcome to nginx!</title></head><body></body></html>")
		},
		"foreign json 200": func(w http.ResponseWriter) { writeJSON(w, 200, map[string]any{"hello": "world"}) },
		"html 404": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(404)
			_, _ = fmt.Fprint(w, "<html><head><title>Not Found</title></head><body>nope</body></html>")
		},
		"foreign json 404": func(w http.ResponseWriter) { writeJSON(w, 404, map[string]any{"error": "no route"}) },
		"empty 200":        func(w http.ResponseWriter) { w.WriteHeader(200) },
		"text 200":         func(w http.ResponseWriter) { _, _ = fmt.Fprint(w, "OK") },
	}
	for name, answer := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { answer(w) })
			c, _ := newClient(t, srv)
			_, err := c.GetCategoryKey(context.Background(), "Environment")
			if err == nil {
				t.Fatal("expected an error")
			}
			mustContain(t, err.Error(), "reading category Environment", srv.URL+" is not a Prism Central v3 API", "check endpoint and port")
			if !errors.Is(err, ErrNotPrismCentral) {
				t.Error("does not match ErrNotPrismCentral")
			}
			if errors.Is(err, ErrNotFound) {
				t.Error("a foreign 404 must not match ErrNotFound: Read would drop resources from the state")
			}
		})
	}
}

func TestPrismElementAnswer(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, map[string]any{
			"api_version": "3.1", "code": 500, "kind": "category", "state": "ERROR",
			"message_list": []map[string]any{{"reason": "ENTITY_READ_ERROR", "message": "Failed to read category"}},
		})
	})
	c, _ := newClient(t, srv)
	_, err := c.ListCategoryKeys(context.Background())
	if err == nil {
		t.Fatal("expected an error")
	}
	mustContain(t, err.Error(), "listing categories", "ENTITY_READ_ERROR", "this looks like Prism Element, not Prism Central: point endpoint at the Prism Central address")
	if !errors.Is(err, ErrNotPrismCentral) {
		t.Error("does not match ErrNotPrismCentral")
	}
}

func clusterEntity(uuid, name string, services ...string) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"kind": "cluster", "uuid": uuid},
		"spec":     map[string]any{"name": name},
		"status": map[string]any{"name": name, "resources": map[string]any{
			"config": map[string]any{"service_list": services}, "network": map[string]any{},
		}},
	}
}

func TestCheckPrismCentral(t *testing.T) {
	ctx := context.Background()
	serve := func(entities ...map[string]any) *Client {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/nutanix/v3/clusters/list" {
				t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			}
			writeJSON(w, 200, map[string]any{"metadata": map[string]any{"total_matches": len(entities), "kind": "cluster"}, "entities": entities})
		})
		c, _ := newClient(t, srv)
		return c
	}
	pc := serve(clusterEntity("00000000-0000-0000-0000-000000000001", "CA01", "AOS"),
		clusterEntity("00000000-0000-0000-0000-000000000002", "pc-canada", "PRISM_CENTRAL"))
	if err := pc.CheckPrismCentral(ctx); err != nil {
		t.Errorf("a Prism Central was refused: %v", err)
	}
	pe := serve(clusterEntity("00000000-0000-0000-0000-000000000001", "CA01", "AOS"))
	err := pe.CheckPrismCentral(ctx)
	if err == nil {
		t.Fatal("a Prism Element was accepted")
	}
	mustContain(t, err.Error(), "CA01 (AOS)", "this looks like Prism Element, not Prism Central: point endpoint at the Prism Central address")
	if !errors.Is(err, ErrNotPrismCentral) {
		t.Error("does not match ErrNotPrismCentral")
	}
}

func TestForbidden(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		v3Error(w, 403, "ACCESS_DENIED", "permission denied")
	})
	c, _ := newClient(t, srv)
	_, err := c.GetVM(context.Background(), "5b0c1a3e-0000-4000-8000-000000000001")
	mustContain(t, fmt.Sprint(err), "reading VM 5b0c1a3e-0000-4000-8000-000000000001", "user admin is not allowed", "ACCESS_DENIED", "role")
}

func TestRawBodyIsTruncated(t *testing.T) {
	long := strings.Repeat("x", 5000)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(500)
		_, _ = fmt.Fprint(w, long)
	})
	c, log := newClient(t, srv)
	_, err := c.GetCategoryKey(context.Background(), "Environment")
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("not an APIError: %v", err)
	}
	if len(apiErr.Body) > maxQuotedBody+len(bodyTruncatedSuffix) || !strings.HasSuffix(apiErr.Body, bodyTruncatedSuffix) {
		t.Errorf("body not truncated: %d bytes", len(apiErr.Body))
	}
	if len(log.retries()) != 0 {
		t.Error("a plain-text 500 is not an HTML page and must not be retried")
	}
	mustContain(t, err.Error(), "500 Internal Server Error", "internal error")
}

func TestTaskErrorMessage(t *testing.T) {
	e := &TaskError{Operation: "updating the categories of VM x", TaskUUID: "t-1", Status: "FAILED", ErrorCode: "504", ErrorDetail: "host unreachable", Messages: []string{"step 2"}}
	mustContain(t, e.Error(), "updating the categories of VM x", "task t-1 ended FAILED", "504", "host unreachable", "step 2", "Prism Central")
}

func TestAPIErrorHints(t *testing.T) {
	for _, tt := range []struct {
		e    APIError
		want string
	}{
		{APIError{StatusCode: 409, Reasons: []string{ReasonEntityAlreadyExists}}, "already exists"},
		{APIError{StatusCode: 409, Reasons: []string{ReasonConcurrentRequests}}, "changed by someone else"},
		{APIError{StatusCode: 409, Reasons: []string{ReasonEntityDeletionFailed}}, "still in use"},
		{APIError{StatusCode: 422, Reasons: []string{"VALIDATION_ERROR"}}, "fix the configuration"},
		{APIError{StatusCode: 429}, "parallelism"},
	} {
		mustContain(t, tt.e.Error(), tt.want)
	}
}

// TestAPIErrorBusyHints checks that a 409 for an entity still being created
// or already being deleted gets its own hint, not the one for a concurrent
// change.
func TestAPIErrorBusyHints(t *testing.T) {
	for _, tt := range []struct {
		msg, want string
	}{
		{"cloud trust x is still being created: wait for its task, then delete it", "still being created: wait for its create task"},
		{"recovery_plan x is already being deleted", "already being deleted by another request"},
		{"recovery plan p already has a running job: MIGRATE j (x) is RUNNING; wait for it to end", "another job of this recovery plan is running"},
		{"category value k:v is in use by vm app-01: remove it from them first", "still in use: remove what uses it first"},
	} {
		e := APIError{StatusCode: 409, Reasons: []string{ReasonConcurrentRequests}, Messages: []string{tt.msg}}
		got := e.Error()
		mustContain(t, got, tt.want)
		if strings.Contains(got, "changed by someone else") {
			t.Errorf("%q carries the concurrent-change hint: %s", tt.msg, got)
		}
	}
}
