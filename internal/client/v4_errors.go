package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Errors of the v4 API, on top of the v3 ones (errors.go): a v4 error answer becomes an
// *APIError as a v3 one does, so errors.Is(err, ErrNotFound) and the hints work the same on
// both protocols; what only v4 has gets its own sentinel.
var (
	// ErrPreconditionFailed is matched by a *PreconditionError: an update or delete sent with
	// If-Match was refused (412) because the entity changed since it was read.
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrV4NotServed is matched when a v4 path answers 404 without a v4 error document: the
	// Prism Central does not serve that namespace at that version (too old, or not a Prism
	// Central).
	ErrV4NotServed = errors.New("v4 API not served")
)

// PreconditionError is a 412 answer to a conditional (If-Match) update or delete.
type PreconditionError struct {
	*APIError
}

// Error names the operation, the API's own words and what to do.
func (e *PreconditionError) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s %s answered %s%s: the entity was changed by someone else since it was read "+
		"(its ETag no longer matches the If-Match sent): run the operation again, it reads the entity anew",
		e.Method, e.Path, statusText(e.StatusCode), e.quote())
	return b.String()
}

// Is matches ErrPreconditionFailed.
func (e *PreconditionError) Is(target error) bool { return target == ErrPreconditionFailed }

// Unwrap returns the *APIError, for errors.As.
func (e *PreconditionError) Unwrap() error { return e.APIError }

// v4ErrorEnvelope is the body of a v4 error answer: {data: ErrorResponse}, where the
// ErrorResponse's error is either a list of AppMessage or one SchemaValidationError
// (prism.v4.error and its per-namespace copies in the SDKs).
type v4ErrorEnvelope struct {
	Data *struct {
		ObjectType string          `json:"$objectType"`
		Error      json.RawMessage `json:"error"`
	} `json:"data"`
}

// v4AppMessage is one message of an ErrorResponse.
type v4AppMessage struct {
	Code         string            `json:"code"`
	Message      string            `json:"message"`
	ErrorGroup   string            `json:"errorGroup"`
	Severity     string            `json:"severity"`
	ArgumentsMap map[string]string `json:"argumentsMap"`
}

// v4SchemaValidationError is the other shape of an ErrorResponse's error: the request did not
// match the API's schema.
type v4SchemaValidationError struct {
	Error                   string `json:"error"`
	ValidationErrorMessages []struct {
		AttributePath string `json:"attributePath"`
		Location      string `json:"location"`
		Message       string `json:"message"`
	} `json:"validationErrorMessages"`
}

// decode returns the messages and details of the envelope, and whether it is a v4 error
// document at all.
func (e *v4ErrorEnvelope) decode() (messages, details []string, ok bool) {
	if e.Data == nil || len(e.Data.Error) == 0 || string(e.Data.Error) == "null" {
		return nil, nil, false
	}
	var list []v4AppMessage
	if json.Unmarshal(e.Data.Error, &list) == nil {
		for _, m := range list {
			if s := codeMessage(m.Code, m.Message); s != "" {
				messages = append(messages, s)
			}
			keys := make([]string, 0, len(m.ArgumentsMap))
			for k := range m.ArgumentsMap {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				details = append(details, k+"="+m.ArgumentsMap[k])
			}
		}
		return messages, details, len(list) > 0
	}
	var sv v4SchemaValidationError
	if json.Unmarshal(e.Data.Error, &sv) == nil && (sv.Error != "" || len(sv.ValidationErrorMessages) > 0) {
		if sv.Error != "" {
			messages = append(messages, sv.Error)
		}
		for _, m := range sv.ValidationErrorMessages {
			switch {
			case m.AttributePath != "":
				messages = append(messages, m.AttributePath+": "+m.Message)
			default:
				messages = append(messages, m.Message)
			}
		}
		return messages, nil, true
	}
	return nil, nil, false
}

// v4Error builds the error of a non-2xx v4 answer.
func (c *Client) v4Error(st *attemptState, resp *http.Response, data []byte) error {
	var env v4ErrorEnvelope
	messages, details, ok := []string(nil), []string(nil), false
	if json.Unmarshal(data, &env) == nil {
		messages, details, ok = env.decode()
	}
	if !ok || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		// Not a v4 error document: HTML pages, authentication, foreign servers read as for v3.
		err := c.responseError(st, resp, data)
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("%w (this Prism Central does not serve %s: it needs a version that has this v4 API): %w",
				err, v4NamespaceOf(st.path), ErrV4NotServed)
		}
		return err
	}
	// The v3 builder fills in the request and its attempts; the v4 document replaces what it
	// made of the body.
	var e *APIError
	if !errors.As(c.responseError(st, resp, data), &e) {
		return fmt.Errorf("%s: %s %s answered %s", st.op, st.method, st.path, statusText(resp.StatusCode))
	}
	e.class, e.Body, e.Messages, e.Details = classAPI, "", messages, details
	if resp.StatusCode == http.StatusPreconditionFailed {
		return &PreconditionError{APIError: e}
	}
	return e
}

// codeMessage renders a v4 message as "code: message", or whichever of the two is set.
func codeMessage(code, message string) string {
	switch {
	case code != "" && message != "":
		return code + ": " + message
	case message != "":
		return message
	}
	return code
}

// v4NamespaceOf names the namespace and version of a v4 path, e.g. "the v4 API datapolicies
// v4.2" for "/api/datapolicies/v4.2/config/...".
func v4NamespaceOf(path string) string {
	parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 4)
	if len(parts) >= 3 && parts[0] == "api" {
		return "the v4 API " + parts[1] + " " + parts[2]
	}
	return "the v4 API " + path
}
