package v3

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// Prefix is the path prefix of the v3 API.
const Prefix = "/api/nutanix/v3"

// Request is what a v3 handler sees of an HTTP request.
type Request struct {
	PC     Backend
	HTTP   *http.Request
	Params map[string]string // the route template's path parameters
	Body   []byte            // the request body
}

// Handler answers a route: a status and a body encoded as JSON (nil sends no body), or an
// error: an *Error is answered as it is, a *model.Error by its kind (ErrorOf), anything
// else as a 500 INTERNAL_ERROR.
type Handler func(rq Request) (int, any, error)

// Route is a v3 route: its method, its full path template, the kind named in its error
// bodies, and its handler.
type Route struct {
	Method   string
	Template string
	Kind     string
	Serve    Handler
}

// Ctx is the request's context.
func (rq Request) Ctx() context.Context { return rq.HTTP.Context() }

// Param returns a path parameter of the route template.
func (rq Request) Param(name string) string { return rq.Params[name] }

// Decode decodes the JSON body into v; an empty body decodes as {}.
func (rq Request) Decode(v any) *Error { return DecodeBody(rq.Body, v) }

// DecodeBody decodes a JSON request body into v; an empty body decodes as {}.
func DecodeBody(body []byte, v any) *Error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return ValidationError("field %s: expected %s, got JSON %s", typeErr.Field, model.JSONTypeName(typeErr.Type), typeErr.Value)
		}
		return Errorf(http.StatusBadRequest, ReasonInvalidRequest, "request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return Errorf(http.StatusBadRequest, ReasonInvalidRequest, "request body has data after the JSON value")
	}
	return nil
}

// UUIDParam returns the {uuid} path parameter, which must be a UUID, lower-cased.
func (rq Request) UUIDParam() (string, *Error) { return CheckUUIDParam(rq.Param("uuid")) }

// CheckUUIDParam checks a path parameter that must be a UUID and lower-cases it.
func CheckUUIDParam(v string) (string, *Error) {
	if !model.IsUUID(v) {
		return "", Errorf(http.StatusBadRequest, ReasonInvalidUUID, "%q is not a UUID", v)
	}
	return model.NormUUID(v), nil
}
