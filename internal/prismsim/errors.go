package prismsim

import (
	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// The v3 error shape and its reasons are package v3's; these short names serve what of
// v3's shapes the model still computes (kinds' statuses, findings), the assembly's answers
// (server.go, faults.go) and the tests (doc.go says why).
type (
	apiError    = v3.Error
	messageItem = v3.MessageItem
)

const (
	apiVersion = v3.APIVersion

	reasonNotFound           = v3.ReasonNotFound
	reasonAlreadyExists      = v3.ReasonAlreadyExists
	reasonInvalidArgument    = v3.ReasonInvalidArgument
	reasonInvalidRequest     = v3.ReasonInvalidRequest
	reasonValidation         = v3.ReasonValidation
	reasonConcurrent         = v3.ReasonConcurrent
	reasonDeletionFailed     = v3.ReasonDeletionFailed
	reasonReadOnly           = v3.ReasonReadOnly
	reasonCategoryMismatch   = v3.ReasonCategoryMismatch
	reasonInvalidUUID        = v3.ReasonInvalidUUID
	reasonInternal           = v3.ReasonInternal
	reasonNotSupported       = v3.ReasonNotSupported
	reasonServiceUnavailable = v3.ReasonServiceUnavailable
	reasonTooManyRequests    = v3.ReasonTooManyRequests
	reasonActionNotSupported = v3.ReasonActionNotSupported
	reasonRemoteNotConnected = v3.ReasonRemoteNotConnected
	reasonPairingFailed      = v3.ReasonPairingFailed
	reasonCloudTrustExists   = v3.ReasonCloudTrustExists
)

var (
	errorf          = v3.Errorf
	notFound        = v3.NotFound
	validationError = v3.ValidationError
	invalidArgument = v3.InvalidArgument
	v3Error         = v3.ErrorOf
)
