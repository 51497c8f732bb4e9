package v3

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// APIVersion is the api_version the emulator puts in every v3 body, as Prism Central 2022+ does.
const APIVersion = "3.1"

// Reasons used in message_list[].reason; all are members of the spec's message_resource enum.
const (
	ReasonNotFound           = "ENTITY_NOT_FOUND"
	ReasonAlreadyExists      = "ENTITY_ALREADY_EXISTS"
	ReasonInvalidArgument    = "INVALID_ARGUMENT"
	ReasonInvalidRequest     = "INVALID_REQUEST"
	ReasonValidation         = "VALIDATION_ERROR"
	ReasonConcurrent         = "CONCURRENT_REQUESTS_NOT_ALLOWED"
	ReasonDeletionFailed     = "ENTITY_DELETION_FAILED"
	ReasonReadOnly           = "ENTITY_IS_READONLY"
	ReasonCategoryMismatch   = "CATEGORY_NAME_VALUE_MISMATCH"
	ReasonInvalidUUID        = "INVALID_UUID"
	ReasonInternal           = "INTERNAL_ERROR"
	ReasonNotSupported       = "REQUEST_NOT_SUPPORTED"
	ReasonServiceUnavailable = "SERVICE_UNAVAILABLE"
	ReasonTooManyRequests    = "TOO_MANY_REQUESTS"
	ReasonAccessDenied       = "ACCESS_DENIED"
	ReasonAuthRequired       = "AUTHENTICATION_REQUIRED"
	ReasonActionNotSupported = "ACTION_NOT_SUPPORTED"
	ReasonRemoteNotConnected = "REMOTE_CLUSTER_NOT_CONNECTED"
	ReasonPairingFailed      = "PAIRING_FAILED"
	ReasonCloudTrustExists   = "CLOUD_TRUST_EXISTS"
)

// Error is an error answered with the v3 error shape
// {api_version, kind, code, state: "ERROR", message_list: [{message, reason, details}]}.
type Error struct {
	Status  int
	Kind    string // overrides the route's kind when set
	Reason  string
	Message string
	Details map[string]string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Reason, e.Message)
}

// Errorf builds an Error with a formatted message.
func Errorf(status int, reason, format string, args ...any) *Error {
	return &Error{Status: status, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the 404 answered for an entity that does not exist.
func NotFound(kind, id string) *Error {
	return &Error{
		Status:  http.StatusNotFound,
		Kind:    kind,
		Reason:  ReasonNotFound,
		Message: fmt.Sprintf("%s %s was not found", kind, id),
		Details: map[string]string{"kind": kind, "id": id},
	}
}

// ValidationError is the 422 answered for a body that breaks the spec's schema.
func ValidationError(format string, args ...any) *Error {
	return Errorf(http.StatusUnprocessableEntity, ReasonValidation, format, args...)
}

// InvalidArgument is the 422 answered for a well-formed body that names something unusable.
func InvalidArgument(format string, args ...any) *Error {
	return Errorf(http.StatusUnprocessableEntity, ReasonInvalidArgument, format, args...)
}

// statuses and reasons are how the v3 wire answers each kind of model error; a
// model.Error's Code, when set, replaces the reason.
var (
	statuses = map[model.ErrKind]int{
		model.Invalid:      http.StatusUnprocessableEntity,
		model.Malformed:    http.StatusUnprocessableEntity,
		model.Precondition: http.StatusUnprocessableEntity,
		model.NotFound:     http.StatusNotFound,
		model.Exists:       http.StatusConflict,
		model.Conflict:     http.StatusConflict,
		model.InUse:        http.StatusConflict,
		model.Unauthorized: http.StatusUnauthorized,
		model.Unavailable:  http.StatusServiceUnavailable,
		model.Internal:     http.StatusInternalServerError,
	}
	reasons = map[model.ErrKind]string{
		model.Invalid:      ReasonInvalidArgument,
		model.Malformed:    ReasonValidation,
		model.Precondition: ReasonInvalidArgument,
		model.NotFound:     ReasonNotFound,
		model.Exists:       ReasonAlreadyExists,
		model.Conflict:     ReasonConcurrent,
		model.InUse:        ReasonConcurrent,
		model.Unauthorized: ReasonAuthRequired,
		model.Unavailable:  ReasonServiceUnavailable,
		model.Internal:     ReasonInternal,
	}
)

// ErrorOf is how the v3 wire answers err: an *Error as is, a *model.Error by its kind
// and code, anything else as a 500 INTERNAL_ERROR.
func ErrorOf(err error) *Error {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr
	}
	var me *model.Error
	if !errors.As(err, &me) {
		return Errorf(http.StatusInternalServerError, ReasonInternal, "%v", err)
	}
	status, ok := statuses[me.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	out := &Error{Status: status, Reason: reasons[me.Kind], Message: me.Message, Details: me.Details}
	if out.Reason == "" {
		out.Reason = ReasonInternal
	}
	if me.Code != "" {
		out.Reason = me.Code
	}
	switch {
	case me.Kind == model.NotFound && me.Entity != "":
		out.Kind = me.Entity
		out.Details = map[string]string{"kind": me.Entity, "id": me.ID}
	case me.Kind == model.Exists && me.ID != "":
		out.Details = map[string]string{"uuid": me.ID}
	}
	return out
}

// ErrorBody is the v3 error shape.
type ErrorBody struct {
	APIVersion  string        `json:"api_version"`
	Kind        string        `json:"kind,omitempty"`
	Code        int           `json:"code"`
	State       string        `json:"state"`
	MessageList []MessageItem `json:"message_list"`
}

// MessageItem is one message of an error's message_list.
type MessageItem struct {
	Message string            `json:"message"`
	Reason  string            `json:"reason"`
	Details map[string]string `json:"details,omitempty"`
}

// Body renders the error for a route of the given kind.
func (e *Error) Body(routeKind string) ErrorBody {
	kind := routeKind
	if e.Kind != "" {
		kind = e.Kind
	}
	return ErrorBody{
		APIVersion:  APIVersion,
		Kind:        kind,
		Code:        e.Status,
		State:       "ERROR",
		MessageList: []MessageItem{{Message: e.Message, Reason: e.Reason, Details: e.Details}},
	}
}

// ReasonForStatus picks the reason an injected status fault answers with.
func ReasonForStatus(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return ReasonTooManyRequests
	case http.StatusServiceUnavailable:
		return ReasonServiceUnavailable
	case http.StatusUnauthorized:
		return ReasonAuthRequired
	case http.StatusForbidden:
		return ReasonAccessDenied
	case http.StatusNotFound:
		return ReasonNotFound
	case http.StatusConflict:
		return ReasonConcurrent
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return ReasonInvalidRequest
	default:
		return ReasonInternal
	}
}
