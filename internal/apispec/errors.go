package apispec

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSpecNotFound is returned by LoadDefault when Locate finds no spec file.
var ErrSpecNotFound = errors.New("prism v3 swagger document not found (set PRISM_V3_SPEC or place it at ../shared/api/prism-v3-swagger.json beside the module)")

// ErrUnknownOperation is wrapped by the validation methods when no path template of the spec
// matches the path with the method.
var ErrUnknownOperation = errors.New("operation not described by the spec")

// Problem is one violation of the spec, located by an RFC 6901 JSON pointer into the body
// ("" is the whole body).
type Problem struct {
	Pointer string
	Message string
}

// String renders the problem as "pointer: message", with "(root)" for the whole body.
func (p Problem) String() string {
	ptr := p.Pointer
	if ptr == "" {
		ptr = "(root)"
	}
	return ptr + ": " + p.Message
}

// ValidationError lists every violation found in one request or response body.
type ValidationError struct {
	// Method and Path are the request's method and URL path.
	Method string
	Path   string
	// Template is the matched path template relative to the base path, e.g. "/vms/{uuid}".
	Template string
	// Status is the response status code, 0 for a request.
	Status int
	// Problems holds at least one entry.
	Problems []Problem
}

// Error lists the problems, one per line after a summary line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	what := "request"
	if e.Status != 0 {
		what = fmt.Sprintf("response %d", e.Status)
	}
	fmt.Fprintf(&b, "%s %s (%s) %s: %d problem(s)", e.Method, e.Path, e.Template, what, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// pointerEscape escapes one reference token of a JSON pointer (RFC 6901).
func pointerEscape(token string) string {
	if !strings.ContainsAny(token, "~/") {
		return token
	}
	return strings.ReplaceAll(strings.ReplaceAll(token, "~", "~0"), "/", "~1")
}
