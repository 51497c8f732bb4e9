package client

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrNotFound is matched by an *APIError for a 404 or ENTITY_NOT_FOUND
	// answer of the v3 API.
	ErrNotFound = errors.New("not found")
	// ErrAuthentication is matched when Prism Central refused the
	// credentials (401).
	ErrAuthentication = errors.New("authentication failed")
	// ErrNotPrismCentral is matched when the endpoint is a Prism Element or
	// not a Prism Central v3 API at all.
	ErrNotPrismCentral = errors.New("not a Prism Central v3 API")
	// ErrUntrustedCertificate is matched when the server's TLS certificate
	// could not be verified.
	ErrUntrustedCertificate = errors.New("TLS certificate not trusted")
)

// Reasons of the v3 message_list this package acts on.
const (
	ReasonEntityNotFound       = "ENTITY_NOT_FOUND"
	ReasonEntityAlreadyExists  = "ENTITY_ALREADY_EXISTS"
	ReasonConcurrentRequests   = "CONCURRENT_REQUESTS_NOT_ALLOWED"
	ReasonSpecUpdateError      = "SPEC_UPDATE_ERROR"
	ReasonEntityReadError      = "ENTITY_READ_ERROR"
	ReasonEntityDeletionFailed = "ENTITY_DELETION_FAILED"
	ReasonRemoteNotConnected   = "REMOTE_CLUSTER_NOT_CONNECTED"
	ReasonPairingFailed        = "PAIRING_FAILED"
	ReasonCloudTrustExists     = "CLOUD_TRUST_EXISTS"
)

const (
	maxQuotedBody       = 512
	bodyTruncatedSuffix = "...(truncated)"
	peHint              = "this looks like Prism Element, not Prism Central: point endpoint at the Prism Central address"
	credentialsHint     = "check username and password (NUTANIX_USERNAME / NUTANIX_PASSWORD)"
	certificateHint     = "set ca_certificate to the PEM of the certificate or of the CA that signed it, or insecure = true to skip verification (not recommended)"
)

// errorClass says what kind of answer an APIError is about.
type errorClass int

const (
	classAPI          errorClass = iota // A v3 error document.
	classOther                          // Not a v3 document, but not telling either.
	classAuth                           // 401.
	classForbidden                      // 403.
	classNotPrism                       // HTML or foreign JSON where v3 was expected.
	classPrismElement                   // The answer looks like Prism Element.
	classHTMLError                      // A 5xx HTML error page.
)

// APIError is an answer of Prism Central that is not a success.
type APIError struct {
	// Operation is what the client was doing, e.g. "creating category
	// value replicated-vm/from-canada".
	Operation string
	// Endpoint is the base URL of the server, e.g. "https://10.0.0.5:9440".
	Endpoint   string
	Method     string
	Path       string
	StatusCode int
	// Kind, Code, Reasons, Messages and Details come from the v3 error
	// document ({kind, code, message_list: [{reason, message, details}]}).
	Kind     string
	Code     int
	Reasons  []string
	Messages []string
	Details  []string
	// Body is the raw body, truncated, when it was not a v3 error document.
	Body string
	// Attempts is how many times the request was sent.
	Attempts int
	// Cause is why the last retried attempt failed, when the request was
	// retried.
	Cause string

	username string
	class    errorClass
	// notRepeated is set when a failure that is normally retried was not,
	// because the request may have been processed and is not idempotent.
	notRepeated bool
}

// Error describes what failed, on which entity, the API's own words and what
// to do.
func (e *APIError) Error() string {
	var b strings.Builder
	writeOperation(&b, e.Operation)
	switch e.class {
	case classAuth:
		fmt.Fprintf(&b, "authentication failed for user %s at %s: %s", e.username, e.Endpoint, credentialsHint)
		return b.String()
	case classForbidden:
		fmt.Fprintf(&b, "user %s is not allowed to do this at %s (%s %s answered 403 Forbidden%s): use an account with a role that grants it",
			e.username, e.Endpoint, e.Method, e.Path, e.quote())
		return b.String()
	case classNotPrism:
		fmt.Fprintf(&b, "%s is not a Prism Central v3 API: %s %s answered %s%s; check endpoint and port (Prism Central serves the v3 API on port 9440; if this is a Prism Element, point endpoint at the Prism Central address)",
			e.Endpoint, e.Method, e.Path, statusText(e.StatusCode), e.quote())
		return b.String()
	case classPrismElement:
		fmt.Fprintf(&b, "%s %s %s answered %s%s: %s", e.Endpoint, e.Method, e.Path, statusText(e.StatusCode), e.quote(), peHint)
		return b.String()
	}
	fmt.Fprintf(&b, "%s %s answered %s", e.Method, e.Path, statusText(e.StatusCode))
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	b.WriteString(e.quote())
	if hint := e.hint(); hint != "" {
		b.WriteString(": ")
		b.WriteString(hint)
	}
	return b.String()
}

// quote renders the API's own words: reasons, messages and details, or the
// raw body.
func (e *APIError) quote() string {
	var parts []string
	if len(e.Reasons) > 0 {
		parts = append(parts, strings.Join(e.Reasons, ", "))
	}
	for _, m := range e.Messages {
		if m != "" && !slices.Contains(parts, m) {
			parts = append(parts, m)
		}
	}
	if len(e.Details) > 0 {
		parts = append(parts, "details: "+strings.Join(e.Details, ", "))
	}
	if len(parts) == 0 && e.Body != "" {
		parts = append(parts, e.Body)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ": ") + ")"
}

// hint says what to do about a v3 error.
func (e *APIError) hint() string {
	switch {
	case e.notRepeated:
		return "the request was not repeated because it may have been processed: check the result in Prism Central before running again"
	case e.class == classHTMLError:
		return fmt.Sprintf("Prism Central answered with an HTML error page; it may be restarting or overloaded: retry later (last failure: %s)", e.causeOrStatus())
	case e.StatusCode == http.StatusTooManyRequests:
		return "Prism Central is rate limiting requests: lower the parallelism (terraform apply -parallelism=N) or retry later"
	case e.StatusCode == http.StatusServiceUnavailable, e.StatusCode == http.StatusBadGateway, e.StatusCode == http.StatusGatewayTimeout:
		return "Prism Central is unavailable or overloaded: retry later and check its health"
	case e.HasReason(ReasonEntityAlreadyExists):
		return "an entity with this name or id already exists: import it or choose another name"
	case e.jobRunning():
		return "another job of this recovery plan is running, and Prism Central runs one at a time: wait for it to end (Prism Central, Data Protection > Recovery Plans, or the nutanixdr_recovery_plan_jobs data source), then run the operation again"
	case e.stillCreating():
		return "the entity is still being created: wait for its create task to finish (Prism Central, Activity > Tasks), then run the operation again"
	case e.alreadyDeleting():
		return "the entity is already being deleted by another request: wait for that task to finish (Prism Central, Activity > Tasks); the entity goes away by itself"
	case e.isConflict():
		return "the entity was changed by someone else at the same time: run the operation again"
	case e.HasReason(ReasonEntityDeletionFailed) || e.inUse():
		return "the entity is still in use: remove what uses it first"
	case e.StatusCode == http.StatusNotFound:
		return ""
	case e.StatusCode >= 400 && e.StatusCode < 500:
		return "Prism Central refused the request: fix the configuration according to the message"
	case e.StatusCode >= 500:
		return "Prism Central reported an internal error: retry later and check its health"
	}
	return ""
}

func (e *APIError) causeOrStatus() string {
	if e.Cause != "" {
		return e.Cause
	}
	return statusText(e.StatusCode)
}

// Is makes errors.Is match ErrNotFound (ENTITY_NOT_FOUND, or a 404 without
// a reason, from the v3 API), ErrAuthentication (401) and
// ErrNotPrismCentral.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		// A 404 with another reason (a path the server does not serve)
		// says nothing about the entity.
		return e.class == classAPI && (e.HasReason(ReasonEntityNotFound) || (e.StatusCode == http.StatusNotFound && len(e.Reasons) == 0))
	case ErrAuthentication:
		return e.class == classAuth
	case ErrNotPrismCentral:
		return e.class == classNotPrism || e.class == classPrismElement
	}
	return false
}

// HasReason reports whether the v3 error carries the reason r.
func (e *APIError) HasReason(r string) bool { return slices.Contains(e.Reasons, r) }

// isConflict reports a refused update because the entity changed meanwhile
// (stale spec_version).
func (e *APIError) isConflict() bool {
	if e.alreadyDeleting() || e.jobRunning() || e.inUse() {
		return false
	}
	if e.HasReason(ReasonConcurrentRequests) || e.HasReason(ReasonSpecUpdateError) {
		return true
	}
	return e.StatusCode == http.StatusConflict && e.class == classAPI && !e.HasReason(ReasonEntityAlreadyExists) && !e.HasReason(ReasonEntityDeletionFailed)
}

// stillCreating reports a 409 refusing an operation because the entity's
// create has not finished.
func (e *APIError) stillCreating() bool {
	return e.busyWith("being created")
}

// jobRunning reports a 409 refusing a recovery plan job because another job of the plan is
// running.
func (e *APIError) jobRunning() bool {
	return e.busyWith("already has a running job")
}

// alreadyDeleting reports a 409 refusing an operation because the entity is
// already being deleted.
func (e *APIError) alreadyDeleting() bool {
	return e.busyWith("being deleted")
}

// busyWith reports a 409 of the v3 API whose messages contain one of
// phrases (compared ignoring case).
// inUse tells a 409 that refuses a change because something uses the entity (the v4 API says
// "... is in use by ..." where v3 answers ENTITY_DELETION_FAILED): not a concurrent change.
func (e *APIError) inUse() bool { return e.busyWith("is in use") }

// InUse reports whether Prism Central refused to delete the entity because something still
// uses it: v3's ENTITY_DELETION_FAILED, or a message saying it is in use (v4's 409).
func (e *APIError) InUse() bool { return e.HasReason(ReasonEntityDeletionFailed) || e.inUse() }

func (e *APIError) busyWith(phrases ...string) bool {
	if e.StatusCode != http.StatusConflict || e.class != classAPI {
		return false
	}
	for _, m := range slices.Concat(e.Messages, e.Details) {
		m = strings.ToLower(m)
		for _, p := range phrases {
			if strings.Contains(m, p) {
				return true
			}
		}
	}
	return false
}

// DecodeError is an answer of Prism Central that could not be decoded as
// the API describes it: malformed JSON, or a field of the wrong type.
// What names what was being decoded ("the answer to GET /vms/x", "a vm").
type DecodeError struct {
	Operation string
	What      string
	Err       error
}

// Error names the operation, what could not be decoded and why.
func (e *DecodeError) Error() string {
	var b strings.Builder
	writeOperation(&b, e.Operation)
	fmt.Fprintf(&b, "decoding %s: %v", e.What, e.Err)
	return b.String()
}

// Unwrap returns the decoder's own error.
func (e *DecodeError) Unwrap() error { return e.Err }

// TaskError is a task that ended FAILED or ABORTED.
type TaskError struct {
	Operation   string
	TaskUUID    string
	Status      string
	ErrorCode   string
	ErrorDetail string
	Messages    []string
}

// Error names the operation, the task and the task's own error.
func (e *TaskError) Error() string {
	var b strings.Builder
	writeOperation(&b, e.Operation)
	fmt.Fprintf(&b, "task %s ended %s", e.TaskUUID, e.Status)
	var parts []string
	if e.ErrorCode != "" {
		parts = append(parts, e.ErrorCode)
	}
	if e.ErrorDetail != "" {
		parts = append(parts, e.ErrorDetail)
	}
	for _, m := range e.Messages {
		if m != "" && m != e.ErrorDetail {
			parts = append(parts, m)
		}
	}
	if len(parts) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(parts, ": "))
	}
	b.WriteString("; see the task in Prism Central (Activity > Tasks) for details, fix the cause and run again")
	return b.String()
}

// endpointError is an error that is not an HTTP answer but says something
// about the endpoint (TLS, Prism Element).
type endpointError struct {
	msg  string
	kind error
	err  error
}

func (e *endpointError) Error() string { return e.msg }

// Is matches the sentinel the error stands for.
func (e *endpointError) Is(target error) bool { return target == e.kind }

// Unwrap returns the underlying error, if any.
func (e *endpointError) Unwrap() error { return e.err }

// v3ErrorDoc is the v3 error document.
type v3ErrorDoc struct {
	APIVersion  string `json:"api_version"`
	Kind        string `json:"kind"`
	Code        *int   `json:"code"`
	State       string `json:"state"`
	MessageList []struct {
		Message string          `json:"message"`
		Reason  string          `json:"reason"`
		Details json.RawMessage `json:"details"`
	} `json:"message_list"`
}

func (d *v3ErrorDoc) isV3() bool {
	return d.State == "ERROR" || len(d.MessageList) > 0 || (d.Kind != "" && d.Code != nil)
}

// writeOperation starts an error message with the operation, when there
// is one: "creating VPC x: ".
func writeOperation(b *strings.Builder, op string) {
	if op != "" {
		b.WriteString(op)
		b.WriteString(": ")
	}
}

// apiError is the APIError of a non-2xx answer to the attempts of st, of
// class until the answer says more.
func (c *Client) apiError(st *attemptState, resp *http.Response, class errorClass) *APIError {
	e := &APIError{
		Operation:  st.op,
		Endpoint:   c.endpoint,
		Method:     st.method,
		Path:       st.path,
		StatusCode: resp.StatusCode,
		Attempts:   st.attempts,
		username:   c.username,
		class:      class,
	}
	if st.attempts > 1 {
		e.Cause = st.cause
	}
	return e
}

// responseError builds the APIError for a non-2xx answer.
func (c *Client) responseError(st *attemptState, resp *http.Response, data []byte) error {
	e := c.apiError(st, resp, classOther)
	e.notRepeated = st.retriesDenied != "" && !st.idempotent
	var doc v3ErrorDoc
	switch {
	case json.Unmarshal(data, &doc) == nil && doc.isV3():
		e.class = classAPI
		e.Kind = doc.Kind
		if doc.Code != nil {
			e.Code = *doc.Code
		}
		for _, m := range doc.MessageList {
			if m.Reason != "" {
				e.Reasons = append(e.Reasons, m.Reason)
			}
			e.Messages = append(e.Messages, m.Message)
			e.Details = append(e.Details, renderDetails(m.Details)...)
		}
		if e.HasReason(ReasonEntityReadError) {
			e.class = classPrismElement
		}
	case looksLikeHTML(data) || strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "text/html"):
		e.Body = summarizeHTML(data)
		if mayBeTransient(resp.StatusCode) {
			e.class = classHTMLError
		} else {
			e.class = classNotPrism
		}
	default:
		e.Body = truncate(strings.TrimSpace(string(data)))
		if !mayBeTransient(resp.StatusCode) {
			e.class = classNotPrism
		}
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		e.class = classAuth
	case http.StatusForbidden:
		if e.class != classAPI || !e.HasReason(ReasonEntityReadError) {
			e.class = classForbidden
		}
	}
	return e
}

// mayBeTransient reports a status that a Prism Central, or the gateway in front of it, may
// answer without a v3 document while it restarts or is overloaded: 429, 500, 502, 503 and 504.
// Any other answer without a v3 document (an HTML 404 or 501, plain text, foreign JSON) comes
// from a server that is not Prism Central.
func mayBeTransient(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// unanswered reports the error of a read that Prism Central did not answer as a running PC
// does, once the read's own retries are spent: no connection, a connection dropped, 429 or 503
// (with or without a v3 document), or a 500, 502 or 504 without one. A PC that restarts answers
// so for a while. An untrusted certificate is not among them.
func unanswered(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			return true
		}
		return apiErr.class != classAPI && mayBeTransient(apiErr.StatusCode)
	}
	if errors.Is(err, ErrUntrustedCertificate) || isCertificateError(err) {
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}

// notPrismError reports a 2xx answer that is not a v3 document.
func (c *Client) notPrismError(st *attemptState, resp *http.Response, data []byte) error {
	e := &APIError{
		Operation:  st.op,
		Endpoint:   c.endpoint,
		Method:     st.method,
		Path:       st.path,
		StatusCode: resp.StatusCode,
		Attempts:   st.attempts,
		username:   c.username,
		class:      classNotPrism,
	}
	if looksLikeHTML(data) {
		e.Body = summarizeHTML(data)
	} else {
		e.Body = truncate(strings.TrimSpace(string(data)))
	}
	if e.Body == "" {
		e.Body = "an empty body"
	}
	return e
}

// transportError explains a request that got no usable answer.
func (c *Client) transportError(ctx context.Context, st *attemptState, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %s %s at %s: %w", st.op, st.method, st.path, c.endpoint, ctxErr)
	}
	if isCertificateError(err) {
		return &endpointError{
			msg: fmt.Sprintf("%s: the TLS certificate of %s is not trusted (%s): %s",
				st.op, c.endpoint, certificateProblem(err), certificateHint),
			kind: ErrUntrustedCertificate,
			err:  err,
		}
	}
	attempts := ""
	if st.attempts > 1 {
		attempts = fmt.Sprintf(" after %d attempts", st.attempts)
	}
	note := "check that endpoint and port are right and that Prism Central is reachable"
	if st.retriesDenied != "" {
		note = "the request was not repeated because it may have been processed; check the result in Prism Central before running again"
	}
	// The method and URL are already in the message: quote only the cause.
	var urlErr *url.Error
	if errors.As(err, &urlErr) && urlErr.Err != nil {
		err = urlErr.Err
	}
	return fmt.Errorf("%s: %s %s at %s failed%s: %w; %s", st.op, st.method, st.path, c.endpoint, attempts, err, note)
}

// certificateProblem names what is wrong with the server certificate.
func certificateProblem(err error) string {
	var unknown x509.UnknownAuthorityError
	if errors.As(err, &unknown) {
		return "signed by an unknown authority"
	}
	var host x509.HostnameError
	if errors.As(err, &host) {
		return host.Error()
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		return invalid.Error()
	}
	return err.Error()
}

// renderDetails turns a details object (or any JSON) into "k=v" strings.
func renderDetails(raw json.RawMessage) []string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err == nil {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]string, 0, len(keys))
		for _, k := range keys {
			out = append(out, fmt.Sprintf("%s=%v", k, m[k]))
		}
		return out
	}
	return []string{truncate(string(raw))}
}

var (
	titleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	tagRe   = regexp.MustCompile(`(?s)<[^>]*>`)
	spaceRe = regexp.MustCompile(`\s+`)
)

// looksLikeHTML reports a body that starts like an HTML document.
func looksLikeHTML(data []byte) bool {
	s := strings.ToLower(strings.TrimSpace(string(data[:min(len(data), 512)])))
	return strings.HasPrefix(s, "<!doctype html") || strings.HasPrefix(s, "<html") ||
		(strings.HasPrefix(s, "<") && (strings.Contains(s, "<body") || strings.Contains(s, "<head") || strings.Contains(s, "<title") || strings.Contains(s, "<h1")))
}

// summarizeHTML renders an HTML page as its title or leading text.
func summarizeHTML(data []byte) string {
	if m := titleRe.FindSubmatch(data); m != nil {
		if t := strings.TrimSpace(spaceRe.ReplaceAllString(html.UnescapeString(string(m[1])), " ")); t != "" {
			return fmt.Sprintf("an HTML page titled %q", truncate(t))
		}
	}
	text := strings.TrimSpace(spaceRe.ReplaceAllString(html.UnescapeString(tagRe.ReplaceAllString(string(data), " ")), " "))
	if text == "" {
		return "an HTML page"
	}
	return fmt.Sprintf("an HTML page: %q", truncate(text))
}

func truncate(s string) string {
	if len(s) <= maxQuotedBody {
		return s
	}
	return s[:maxQuotedBody] + bodyTruncatedSuffix
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("status %d", code)
}
