package model

import "fmt"

// ErrKind says what went wrong in a model operation, whatever wire asked for it. Each
// wire maps it to its own answer: the v3 wire to a status and a reason.
type ErrKind int

const (
	// Invalid: an argument breaks a rule; Error.Field names the argument.
	Invalid ErrKind = iota + 1
	// Malformed: an argument does not have the shape the operation takes (a required
	// field missing, a wrong type, a value too long or outside its enum).
	Malformed
	// Precondition: the arguments are fine but the state of the PC refuses them (a
	// service that is not enabled, a peer that refuses, a system-defined entity).
	Precondition
	// NotFound: the entity named does not exist.
	NotFound
	// Exists: an entity with that identity exists already.
	Exists
	// Conflict: another change of the same entity is in progress, the entity is not in a
	// state that allows the change yet, or the PCs are already in the state asked for.
	Conflict
	// InUse: the entity is used by others and cannot go.
	InUse
	// Unauthorized: credentials were refused (by a peer PC).
	Unauthorized
	// Unavailable: a site or peer does not answer, or the request was given up.
	Unavailable
	// Internal: the emulator failed.
	Internal
)

// Conditions an Error may name in Code beyond its kind, with Prism Central's names for
// them: the v3 wire answers them as the reason, tasks as their error_code.
const (
	CondPairingFailed      = "PAIRING_FAILED"
	CondCloudTrustExists   = "CLOUD_TRUST_EXISTS"
	CondRemoteNotConnected = "REMOTE_CLUSTER_NOT_CONNECTED"
	CondReadOnly           = "ENTITY_IS_READONLY"
	CondDeletionFailed     = "ENTITY_DELETION_FAILED"
	CondCategoryMismatch   = "CATEGORY_NAME_VALUE_MISMATCH"
)

// Error is the typed error of a model operation. It carries no HTTP status: the wire
// that called the operation decides how to answer it.
type Error struct {
	Kind ErrKind
	// Code names the condition when the kind alone does not (CondPairingFailed...); empty
	// means the kind's usual one.
	Code string
	// Field is the argument at fault (Invalid), in the caller's terms.
	Field string
	// Entity and ID name the entity concerned (NotFound, Exists, Conflict, InUse).
	Entity string
	ID     string
	// Details are facts a wire may show beside the message (the service concerned...).
	Details map[string]string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Failf builds an Error of kind with a condition code (may be empty) and a formatted
// message.
func Failf(kind ErrKind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFoundError is the error for an entity of kind that does not exist.
func NotFoundError(kind, id string) *Error {
	return &Error{Kind: NotFound, Entity: kind, ID: id, Message: fmt.Sprintf("%s %s was not found", kind, id)}
}

// ExistsError is the error for an entity created with the uuid of another.
func ExistsError(kind, id string) *Error {
	return &Error{Kind: Exists, Entity: kind, ID: id, Message: fmt.Sprintf("%s with uuid %s already exists", kind, id)}
}
