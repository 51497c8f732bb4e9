package v3

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// Cloud trusts: read through the generic handlers; POST /cloud_trusts pairs with another
// Prism Central, DELETE /cloud_trusts/{uuid} unpairs.

// TrustRequest is a checked pairing request, as the model takes it.
type TrustRequest struct {
	Name      string // "" names the trust PC_<remote address>
	URL       string
	Username  string
	Password  string
	CloudType string
	Host      string
	Port      int // 0 when URL has none
}

// CloudTrustBackend is what the v3 wire needs of a PC to pair and unpair. Each answers the
// trust as accepted, with the task that carries it out in Task.
type CloudTrustBackend interface {
	// Pair pairs with the PC of r, recording the trust id with the intent in (whose
	// password the model does not keep).
	Pair(ctx context.Context, id string, r TrustRequest, in Intent) (Entity, error)
	Unpair(ctx context.Context, id string) (Entity, error)
}

const (
	ctKind          = "cloud_trust"
	cloudTypeOnPrem = "ONPREM_CLOUD"
	// Limits of the spec's cloud_trust.
	maxTrustName        = 64
	maxTrustDescription = 1000
	maxTrustURL         = 2083
)

// cloudTypes is the spec's cloud_type enum.
var cloudTypes = []string{cloudTypeOnPrem, "NUTANIX_HOSTED_CLOUD", "AWS", "AZURE"}

func init() {
	addRoutes(
		route(http.MethodPost, "/cloud_trusts", ctKind, handleCreateCloudTrust),
		route(http.MethodDelete, "/cloud_trusts/{uuid}", ctKind, handleDeleteCloudTrust),
	)
}

type ctSpecInput struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Resources   *struct {
		URL       *string `json:"url"`
		Username  *string `json:"username"`
		Password  *string `json:"password"`
		CloudType *string `json:"cloud_type"`
	} `json:"resources"`
}

// checkTrustSpec checks the spec of a pairing request. Messages never show the password.
func checkTrustSpec(spec ctSpecInput) (TrustRequest, *Error) {
	var in TrustRequest
	r := spec.Resources
	if r == nil {
		return in, ValidationError("spec.resources is required: {url, username, password, cloud_type}")
	}
	if spec.Name != nil {
		if len(*spec.Name) > maxTrustName {
			return in, ValidationError("spec.name is longer than %d characters", maxTrustName)
		}
		in.Name = *spec.Name
	}
	if spec.Description != nil && len(*spec.Description) > maxTrustDescription {
		return in, ValidationError("spec.description is longer than %d characters", maxTrustDescription)
	}
	if r.URL == nil || strings.TrimSpace(*r.URL) == "" {
		return in, ValidationError("spec.resources.url is required: the address of the remote Prism Central")
	}
	if len(*r.URL) > maxTrustURL {
		return in, ValidationError("spec.resources.url is longer than %d characters", maxTrustURL)
	}
	in.URL = strings.TrimSpace(*r.URL)
	if r.Username == nil || *r.Username == "" {
		return in, ValidationError("spec.resources.username is required: a user of the remote Prism Central")
	}
	in.Username = *r.Username
	if r.Password == nil || *r.Password == "" {
		return in, ValidationError("spec.resources.password is required: the password of %s on the remote Prism Central", in.Username)
	}
	in.Password = *r.Password
	in.CloudType = cloudTypeOnPrem
	if r.CloudType != nil {
		in.CloudType = *r.CloudType
	}
	if !slices.Contains(cloudTypes, in.CloudType) {
		return in, ValidationError("spec.resources.cloud_type must be one of %s, got %q", strings.Join(cloudTypes, ", "), in.CloudType)
	}
	if in.CloudType != cloudTypeOnPrem {
		return in, InvalidArgument("spec.resources.cloud_type %s is not supported here: only %s (pairing with another Prism Central) is",
			in.CloudType, cloudTypeOnPrem)
	}
	host, port, err := model.ParseRemoteAddress(in.URL)
	if err != nil {
		return in, ValidationError("spec.resources.url %q: %v (use an IP or host name, optionally with https:// and :port)", in.URL, err)
	}
	in.Host, in.Port = host, port
	return in, nil
}

// handleCreateCloudTrust is the v3 wire of pairing: it decodes and checks the request,
// asks the model to pair (Pair) and renders the accepted trust.
func handleCreateCloudTrust(rq Request) (int, any, error) {
	meta, in, apiErr := DecodeIntent(rq, ctKind)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	var spec ctSpecInput
	if err := model.DecodeStrict(in.Spec, &spec); err != nil {
		return 0, nil, ValidationError("spec: %v", err)
	}
	req, apiErr := checkTrustSpec(spec)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	id, apiErr := NewEntityUUID(meta)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	e, err := rq.PC.Pair(rq.Ctx(), id, req, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, RenderAccepted(e), nil
}

// handleDeleteCloudTrust is the v3 wire of unpairing: Unpair, then the accepted answer.
func handleDeleteCloudTrust(rq Request) (int, any, error) {
	id, apiErr := rq.UUIDParam()
	if apiErr != nil {
		return 0, nil, apiErr
	}
	e, err := rq.PC.Unpair(rq.Ctx(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, RenderDeleteAccepted(e), nil
}
