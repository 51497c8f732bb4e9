package prismsim

import "fmt"

// errKind says what went wrong in a model operation, whatever wire asked for it. Each
// wire maps it to its own answer: the v3 wire to a status and a reason (v3Error).
type errKind int

const (
	// errInvalid: an argument breaks a rule; modelError.Field names the argument.
	errInvalid errKind = iota + 1
	// errPrecondition: the arguments are fine but the state of the PC refuses them (a
	// service that is not enabled, a peer that refuses).
	errPrecondition
	// errNotFound: the entity named does not exist.
	errNotFound
	// errExists: an entity with that identity exists already.
	errExists
	// errConflict: another change of the same entity is in progress, or the pair of PCs
	// is already in the state asked for.
	errConflict
	// errInUse: the entity is used by others and cannot go.
	errInUse
	// errUnauthorized: credentials were refused (by a peer PC).
	errUnauthorized
	// errUnavailable: a site or peer does not answer.
	errUnavailable
	// errInternal: the emulator failed.
	errInternal
)

// Conditions a model error may name in modelError.Code beyond its kind, with Prism
// Central's names for them (the v3 wire answers them as the reason, tasks as error_code).
const (
	condPairingFailed      = "PAIRING_FAILED"
	condCloudTrustExists   = "CLOUD_TRUST_EXISTS"
	condRemoteNotConnected = "REMOTE_CLUSTER_NOT_CONNECTED"
)

// modelError is the typed error of a model operation. It carries no HTTP status: the wire
// that called the operation decides how to answer it.
type modelError struct {
	Kind errKind
	// Code names the condition when the kind alone does not (condPairingFailed...); empty
	// means the kind's usual one.
	Code string
	// Field is the argument at fault (errInvalid), in the caller's terms.
	Field string
	// Entity and ID name the entity concerned (errNotFound, errExists, errConflict).
	Entity string
	ID     string
	// Details are facts a wire may show beside the message (the service concerned...).
	Details map[string]string
	Message string
}

func (e *modelError) Error() string { return e.Message }

// failf builds a modelError of kind with a formatted message.
func failf(kind errKind, code, format string, args ...any) *modelError {
	return &modelError{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}
