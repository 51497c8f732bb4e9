package prismsim

import "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"

// The model's typed errors live in package model; these names keep the package's code
// short.
type modelError = model.Error

const (
	errInvalid      = model.Invalid
	errMalformed    = model.Malformed
	errPrecondition = model.Precondition
	errNotFound     = model.NotFound
	errExists       = model.Exists
	errConflict     = model.Conflict
	errInUse        = model.InUse
	errUnauthorized = model.Unauthorized
	errUnavailable  = model.Unavailable
	errInternal     = model.Internal

	condPairingFailed      = model.CondPairingFailed
	condCloudTrustExists   = model.CondCloudTrustExists
	condRemoteNotConnected = model.CondRemoteNotConnected
)

// malformed and invalid are the model's refusals of arguments: the shape is wrong
// (VALIDATION_ERROR on v3), or the content breaks a rule (INVALID_ARGUMENT on v3).
func malformed(format string, args ...any) *modelError {
	return failf(errMalformed, "", format, args...)
}

func invalid(format string, args ...any) *modelError { return failf(errInvalid, "", format, args...) }

var (
	failf         = model.Failf
	notFoundError = model.NotFoundError
	existsError   = model.ExistsError
)

// Clock is the world's simulated clock (model.Clock).
type Clock = model.Clock

// Timer is a function scheduled on a Clock (model.Timer).
type Timer = model.Timer
