package prismsim

import (
	"errors"
	"fmt"
	"net/http"
)

// apiVersion is the api_version the emulator puts in every v3 body, as Prism Central 2022+ does.
const apiVersion = "3.1"

// Reasons used in message_list[].reason; all are members of the spec's message_resource enum.
const (
	reasonNotFound           = "ENTITY_NOT_FOUND"
	reasonAlreadyExists      = "ENTITY_ALREADY_EXISTS"
	reasonInvalidArgument    = "INVALID_ARGUMENT"
	reasonInvalidRequest     = "INVALID_REQUEST"
	reasonValidation         = "VALIDATION_ERROR"
	reasonConcurrent         = "CONCURRENT_REQUESTS_NOT_ALLOWED"
	reasonDeletionFailed     = "ENTITY_DELETION_FAILED"
	reasonReadOnly           = "ENTITY_IS_READONLY"
	reasonCategoryMismatch   = "CATEGORY_NAME_VALUE_MISMATCH"
	reasonInvalidUUID        = "INVALID_UUID"
	reasonInternal           = "INTERNAL_ERROR"
	reasonNotSupported       = "REQUEST_NOT_SUPPORTED"
	reasonServiceUnavailable = "SERVICE_UNAVAILABLE"
	reasonTooManyRequests    = "TOO_MANY_REQUESTS"
	reasonAccessDenied       = "ACCESS_DENIED"
	reasonAuthRequired       = "AUTHENTICATION_REQUIRED"
	reasonActionNotSupported = "ACTION_NOT_SUPPORTED"
	reasonRemoteNotConnected = "REMOTE_CLUSTER_NOT_CONNECTED"
	reasonPairingFailed      = "PAIRING_FAILED"
	reasonCloudTrustExists   = "CLOUD_TRUST_EXISTS"
)

// apiError is an error answered with the v3 error shape
// {api_version, kind, code, state: "ERROR", message_list: [{message, reason, details}]}.
type apiError struct {
	Status  int
	Kind    string // overrides the route's kind when set
	Reason  string
	Message string
	Details map[string]string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Reason, e.Message)
}

// errorf builds an apiError with a formatted message.
func errorf(status int, reason, format string, args ...any) *apiError {
	return &apiError{Status: status, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// notFound is the 404 answered for an entity that does not exist.
func notFound(kind, id string) *apiError {
	return &apiError{
		Status:  http.StatusNotFound,
		Kind:    kind,
		Reason:  reasonNotFound,
		Message: fmt.Sprintf("%s %s was not found", kind, id),
		Details: map[string]string{"kind": kind, "id": id},
	}
}

// validationError is the 422 answered for a body that breaks the spec's schema.
func validationError(format string, args ...any) *apiError {
	return errorf(http.StatusUnprocessableEntity, reasonValidation, format, args...)
}

// invalidArgument is the 422 answered for a well-formed body that names something unusable.
func invalidArgument(format string, args ...any) *apiError {
	return errorf(http.StatusUnprocessableEntity, reasonInvalidArgument, format, args...)
}

// v3Statuses and v3Reasons are how the v3 wire answers each kind of model error; a
// modelError's Code, when set, replaces the reason.
var (
	v3Statuses = map[errKind]int{
		errInvalid:      http.StatusUnprocessableEntity,
		errMalformed:    http.StatusUnprocessableEntity,
		errPrecondition: http.StatusUnprocessableEntity,
		errNotFound:     http.StatusNotFound,
		errExists:       http.StatusConflict,
		errConflict:     http.StatusConflict,
		errInUse:        http.StatusConflict,
		errUnauthorized: http.StatusUnauthorized,
		errUnavailable:  http.StatusServiceUnavailable,
		errInternal:     http.StatusInternalServerError,
	}
	v3Reasons = map[errKind]string{
		errInvalid:      reasonInvalidArgument,
		errMalformed:    reasonValidation,
		errPrecondition: reasonInvalidArgument,
		errNotFound:     reasonNotFound,
		errExists:       reasonAlreadyExists,
		errConflict:     reasonConcurrent,
		errInUse:        reasonConcurrent,
		errUnauthorized: reasonAuthRequired,
		errUnavailable:  reasonServiceUnavailable,
		errInternal:     reasonInternal,
	}
)

// v3Error is how the v3 wire answers err: an *apiError as is, a *modelError by its kind
// and code, anything else as a 500 INTERNAL_ERROR.
func v3Error(err error) *apiError {
	var apiErr *apiError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	var me *modelError
	if !errors.As(err, &me) {
		return errorf(http.StatusInternalServerError, reasonInternal, "%v", err)
	}
	status, ok := v3Statuses[me.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	out := &apiError{Status: status, Reason: v3Reasons[me.Kind], Message: me.Message, Details: me.Details}
	if out.Reason == "" {
		out.Reason = reasonInternal
	}
	if me.Code != "" {
		out.Reason = me.Code
	}
	switch {
	case me.Kind == errNotFound && me.Entity != "":
		out.Kind = me.Entity
		out.Details = map[string]string{"kind": me.Entity, "id": me.ID}
	case me.Kind == errExists && me.ID != "":
		out.Details = map[string]string{"uuid": me.ID}
	}
	return out
}

type errorResponse struct {
	APIVersion  string        `json:"api_version"`
	Kind        string        `json:"kind,omitempty"`
	Code        int           `json:"code"`
	State       string        `json:"state"`
	MessageList []messageItem `json:"message_list"`
}

type messageItem struct {
	Message string            `json:"message"`
	Reason  string            `json:"reason"`
	Details map[string]string `json:"details,omitempty"`
}

// body renders the error for a route of the given kind.
func (e *apiError) body(routeKind string) errorResponse {
	kind := routeKind
	if e.Kind != "" {
		kind = e.Kind
	}
	return errorResponse{
		APIVersion:  apiVersion,
		Kind:        kind,
		Code:        e.Status,
		State:       "ERROR",
		MessageList: []messageItem{{Message: e.Message, Reason: e.Reason, Details: e.Details}},
	}
}

// reasonForStatus picks the reason an injected status fault answers with.
func reasonForStatus(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return reasonTooManyRequests
	case http.StatusServiceUnavailable:
		return reasonServiceUnavailable
	case http.StatusUnauthorized:
		return reasonAuthRequired
	case http.StatusForbidden:
		return reasonAccessDenied
	case http.StatusNotFound:
		return reasonNotFound
	case http.StatusConflict:
		return reasonConcurrent
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return reasonInvalidRequest
	default:
		return reasonInternal
	}
}
