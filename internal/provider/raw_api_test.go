package provider_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// rawAPI sends v3 requests as a hand-made setup (Prism Central's UI, a script) would: JSON
// documents with fields the provider does not model.
type rawAPI struct {
	t    *testing.T
	pc   *prismsim.PC
	http *http.Client
	c    *client.Client // for waiting on tasks
}

// newRawAPI returns a raw v3 client of the Prism Central pc.
func newRawAPI(t *testing.T, pc *prismsim.PC, c *client.Client) *rawAPI {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pc.CACertPEM())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	t.Cleanup(tr.CloseIdleConnections)
	return &rawAPI{t: t, pc: pc, http: &http.Client{Transport: tr}, c: c}
}

// do sends one request and decodes the JSON answer; it fails the test on a status >= 300.
func (r *rawAPI) do(method, path string, in any) map[string]any {
	r.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			r.t.Fatalf("encoding %s %s: %v", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	url := fmt.Sprintf("https://%s:%d/api/nutanix/v3%s", r.pc.Endpoint(), r.pc.Port(), path)
	req, err := http.NewRequestWithContext(r.t.Context(), method, url, body)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	req.SetBasicAuth(r.pc.Username(), r.pc.Password())
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.http.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		r.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	if resp.StatusCode >= 300 {
		r.t.Fatalf("%s %s: %s\n%s", method, path, resp.Status, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		r.t.Fatalf("%s %s: decoding the answer: %v", method, path, err)
	}
	return out
}

// spec returns the spec of the entity at path.
func (r *rawAPI) spec(path string) map[string]any {
	r.t.Helper()
	spec, _ := r.do(http.MethodGet, path, nil)["spec"].(map[string]any)
	return spec
}

// edit changes the spec of the entity at path as the UI would: GET, change, PUT the whole
// document back, then wait for the task.
func (r *rawAPI) edit(path string, change func(spec map[string]any)) {
	r.t.Helper()
	doc := r.do(http.MethodGet, path, nil)
	spec, _ := doc["spec"].(map[string]any)
	change(spec)
	ans := r.do(http.MethodPut, path, map[string]any{"metadata": doc["metadata"], "spec": spec})
	status, _ := ans["status"].(map[string]any)
	ec, _ := status["execution_context"].(map[string]any)
	if task, _ := ec["task_uuid"].(string); task != "" {
		if _, err := r.c.WaitForTask(r.t.Context(), task, "editing "+path, nil); err != nil {
			r.t.Fatalf("editing %s: %v", path, err)
		}
	}
}

// at walks into a JSON document along keys (strings for objects, ints for lists) and returns
// the object there.
func at(doc any, keys ...any) map[string]any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := doc.(map[string]any)
			doc = m[k]
		case int:
			l, _ := doc.([]any)
			if k >= len(l) {
				return nil
			}
			doc = l[k]
		}
	}
	m, _ := doc.(map[string]any)
	return m
}

// jsonDiff lists, path by path, where two JSON documents differ (sorted), ignoring the paths
// in skip.
func jsonDiff(a, b any, skip map[string]bool) []string {
	var out []string
	var walk func(p string, a, b any)
	walk = func(p string, a, b any) {
		if skip[p] {
			return
		}
		am, aok := a.(map[string]any)
		bm, bok := b.(map[string]any)
		if aok && bok {
			keys := map[string]bool{}
			for k := range am {
				keys[k] = true
			}
			for k := range bm {
				keys[k] = true
			}
			for k := range keys {
				walk(p+"."+k, am[k], bm[k])
			}
			return
		}
		al, aok := a.([]any)
		bl, bok := b.([]any)
		if aok && bok && len(al) == len(bl) {
			for i := range al {
				walk(fmt.Sprintf("%s[%d]", p, i), al[i], bl[i])
			}
			return
		}
		if !reflect.DeepEqual(a, b) {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			out = append(out, fmt.Sprintf("%s: %s -> %s", p, ja, jb))
		}
	}
	walk("", a, b)
	sort.Strings(out)
	return out
}

// leafPaths lists the paths of every leaf value of a JSON document, for reports.
func leafPaths(doc any) []string {
	var out []string
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(p+"."+k, e)
			}
		case []any:
			for _, e := range v {
				walk(p+"[]", e)
			}
		default:
			out = append(out, p)
		}
	}
	walk("", doc)
	sort.Strings(out)
	return compactStrings(out)
}

// compactStrings removes adjacent duplicates of a sorted list.
func compactStrings(s []string) []string {
	var out []string
	for _, v := range s {
		if len(out) == 0 || out[len(out)-1] != v {
			out = append(out, v)
		}
	}
	return out
}

// joinLines joins lines for a failure message.
func joinLines(lines []string) string { return "  " + strings.Join(lines, "\n  ") }
