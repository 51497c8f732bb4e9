package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-retryablehttp"
)

// The v4 transport: the request helper every v4 kind goes through. It differs from the v3 one
// (send in client.go) in what the v4 contract asks of a client (internal/apispec/v4/README.md):
//   - every mutation carries Ntnx-Request-Id, a UUID the caller keeps for one logical
//     operation: the server acts once per id, so a mutation that may have landed is safe to
//     send again with the same id;
//   - updates and deletes carry If-Match with the ETag the entity was read with, and a
//     412 Precondition Failed means it changed since (ErrPreconditionFailed);
//   - answers are {data, metadata} envelopes, errors a {data: ErrorResponse} envelope.

// Headers of the v4 contract.
const (
	headerRequestID = "Ntnx-Request-Id"
	headerIfMatch   = "If-Match"
	headerETag      = "ETag"
)

// v4Namespace is a v4 API namespace at the version this client speaks: the version of the
// Nutanix Go SDK it was written against (go.mod), which is the path segment those SDKs send.
type v4Namespace struct {
	Name    string // e.g. "datapolicies"
	Version string // e.g. "v4.2"
}

// The namespaces the DR kinds live in, at the versions of the SDKs in go.mod.
var (
	v4Prism          = v4Namespace{Name: "prism", Version: "v4.3"}
	v4DataPolicies   = v4Namespace{Name: "datapolicies", Version: "v4.2"}
	v4DataProtection = v4Namespace{Name: "dataprotection", Version: "v4.3"}
	v4Networking     = v4Namespace{Name: "networking", Version: "v4.3"}
	v4ClusterMgmt    = v4Namespace{Name: "clustermgmt", Version: "v4.2"}
	v4VMM            = v4Namespace{Name: "vmm", Version: "v4.2"}
)

// Path returns the full path of rest (which starts with "/", e.g. "/config/tasks/x") in the
// namespace.
func (n v4Namespace) Path(rest string) string {
	return "/api/" + n.Name + "/" + n.Version + rest
}

// String names the namespace and version, e.g. "datapolicies v4.2".
func (n v4Namespace) String() string { return n.Name + " " + n.Version }

// RequestID is the Ntnx-Request-Id of one logical v4 mutation. Create one with NewRequestID
// when the operation starts and send every attempt of that operation with it, including
// attempts the caller makes again after an error that may have come after the server acted:
// Prism Central acts once per id.
type RequestID string

// NewRequestID returns a fresh request id (a random UUID).
func NewRequestID() RequestID { return RequestID(uuid.NewString()) }

// v4Call describes one v4 request.
type v4Call struct {
	op     string // what the caller is doing, for messages: "updating protection policy x"
	method string
	path   string // full, escaped path: v4DataPolicies.Path("/config/protection-policies/" + escape(id))
	query  url.Values
	in     any // request body, marshaled to JSON when not nil
	// out receives the envelope's data when not nil (a pointer to a struct, a slice or
	// json.RawMessage).
	out any
	// requestID is sent as Ntnx-Request-Id. A mutation (POST, PUT, DELETE) needs one.
	requestID RequestID
	// etag is sent as If-Match. PUT and DELETE need one.
	etag string
	// header holds more header fields to send (e.g. X-Cluster-Id of a recovery point list).
	header http.Header
}

// V4Metadata is the metadata of a v4 answer that the client uses.
type V4Metadata struct {
	// TotalAvailableResults is the number of entities a list matches, -1 when not given.
	TotalAvailableResults int
	// Messages are informational or warning messages of the answer ("code: message").
	Messages []string
}

// v4Answer is what a v4 call returned besides its data.
type v4Answer struct {
	status   int
	etag     string // the ETag header, set on reads of one entity
	metadata V4Metadata
	attempts int
}

// v4Envelope is the shape of every v4 answer.
type v4Envelope struct {
	ObjectType string          `json:"$objectType"`
	Data       json.RawMessage `json:"data"`
	Metadata   *struct {
		TotalAvailableResults *int `json:"totalAvailableResults"`
		Messages              []struct {
			Code     string `json:"code"`
			Message  string `json:"message"`
			Severity string `json:"severity"`
		} `json:"messages"`
	} `json:"metadata"`
}

// isMutation reports the methods that change state and so carry a request id.
func isMutation(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
}

// check refuses a call that breaks the v4 contract before anything is sent: these are
// mistakes in this package, never in the user's configuration.
func (cl *v4Call) check() error {
	if isMutation(cl.method) && cl.requestID == "" {
		return fmt.Errorf("%s: internal error: %s %s has no Ntnx-Request-Id", cl.op, cl.method, cl.path)
	}
	if (cl.method == http.MethodPut || cl.method == http.MethodDelete) && cl.etag == "" {
		return fmt.Errorf("%s: internal error: %s %s has no If-Match ETag (read the entity first)", cl.op, cl.method, cl.path)
	}
	return nil
}

// sendV4 sends one v4 request with the client's retry policy and decodes the envelope's data
// into cl.out. Reads are retried as v3 reads are; a mutation is retried too, even after a
// failure that may have come after the server acted, because it carries its request id and
// the server acts once per id. Errors are *APIError (ErrNotFound on 404), a
// *PreconditionError on 412, or transport errors as for v3.
func (c *Client) sendV4(ctx context.Context, cl v4Call) (v4Answer, error) {
	if err := cl.check(); err != nil {
		return v4Answer{}, err
	}
	var raw any
	if cl.in != nil {
		b, err := json.Marshal(cl.in)
		if err != nil {
			return v4Answer{}, fmt.Errorf("%s: encoding the request: %w", cl.op, err)
		}
		raw = b
	}
	st := &attemptState{op: cl.op, method: cl.method, path: cl.path, idempotent: true, maxAttempts: c.maxRetries + 1}
	ctx = context.WithValue(ctx, attemptKey{}, st)
	u := c.endpoint + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u, raw)
	if err != nil {
		return v4Answer{}, fmt.Errorf("%s: building the request: %w", cl.op, err)
	}
	req.SetBasicAuth(c.username, c.password)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.requestID != "" {
		req.Header.Set(headerRequestID, string(cl.requestID))
	}
	if cl.etag != "" {
		req.Header.Set(headerIfMatch, cl.etag)
	}
	for k, vs := range cl.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	ans := v4Answer{attempts: st.attempts}
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		return ans, c.transportError(ctx, st, err)
	}
	defer func() { _ = resp.Body.Close() }()
	ans.status = resp.StatusCode
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		if ctx.Err() != nil {
			return ans, c.transportError(ctx, st, err)
		}
		return ans, fmt.Errorf("%s: reading the answer to %s %s from %s: %w", cl.op, cl.method, cl.path, c.endpoint, err)
	}
	fields := map[string]any{
		"operation":   cl.op,
		"method":      cl.method,
		"path":        cl.path,
		"status":      resp.StatusCode,
		"attempts":    st.attempts,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if cl.requestID != "" {
		fields["request_id"] = string(cl.requestID)
	}
	c.log.Debug(ctx, "Prism Central request", fields)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return ans, c.v4Error(st, resp, data)
	}
	ans.etag = resp.Header.Get(headerETag)
	if resp.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(data)) == 0 {
		// A delete may answer with no body at all.
		if cl.out != nil && cl.method == http.MethodGet {
			return ans, c.notPrismError(st, resp, data)
		}
		return ans, nil
	}
	if !isJSONObject(data) {
		return ans, c.notPrismError(st, resp, data)
	}
	var env v4Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return ans, &DecodeError{Operation: cl.op, What: fmt.Sprintf("the answer to %s %s", cl.method, cl.path), Err: err}
	}
	ans.metadata = env.metadata()
	if cl.out == nil {
		return ans, nil
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		if cl.method == http.MethodGet && env.ObjectType == "" && env.Metadata == nil {
			// A v4 answer without data still says what it is ($objectType, metadata): an
			// empty list has neither data nor entities. Without any of them it is not v4.
			return ans, c.notPrismError(st, resp, data)
		}
		return ans, nil
	}
	if rawOut, ok := cl.out.(*json.RawMessage); ok {
		*rawOut = append((*rawOut)[:0], env.Data...)
		return ans, nil
	}
	if err := json.Unmarshal(env.Data, cl.out); err != nil {
		return ans, &DecodeError{Operation: cl.op, What: fmt.Sprintf("the data of the answer to %s %s", cl.method, cl.path), Err: err}
	}
	return ans, nil
}

// metadata extracts what the client uses of the envelope's metadata.
func (e *v4Envelope) metadata() V4Metadata {
	md := V4Metadata{TotalAvailableResults: -1}
	if e.Metadata == nil {
		return md
	}
	if e.Metadata.TotalAvailableResults != nil {
		md.TotalAvailableResults = *e.Metadata.TotalAvailableResults
	}
	for _, m := range e.Metadata.Messages {
		if s := codeMessage(m.Code, m.Message); s != "" {
			md.Messages = append(md.Messages, s)
		}
	}
	return md
}

// getV4Entity reads one entity into out and returns its ETag, for a later update or delete.
func (c *Client) getV4Entity(ctx context.Context, op, path string, out any) (etag string, err error) {
	ans, err := c.sendV4(ctx, v4Call{op: op, method: http.MethodGet, path: path, out: out})
	if err != nil {
		return "", err
	}
	return ans.etag, nil
}

// v4TaskReference is the data of an answer to an asynchronous mutation.
type v4TaskReference struct {
	ExtID string `json:"extId"`
}

// mutateV4 sends a mutation that answers with a task reference and returns the task's extId
// ("" when the server answered without one, e.g. 204).
func (c *Client) mutateV4(ctx context.Context, cl v4Call) (string, error) {
	var ref v4TaskReference
	cl.out = &ref
	if _, err := c.sendV4(ctx, cl); err != nil {
		return "", err
	}
	return ref.ExtID, nil
}
