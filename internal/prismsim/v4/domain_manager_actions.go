package v4

import (
	"context"
	"net/http"
	"slices"
	"strings"
)

// Pairing over v4 (prism v4.3, SDK prism-go-client api/domain_manager_api.go Register and
// Unregister, models/prism/v4/management ClusterRegistrationSpec and ClusterReference):
//
//	POST /api/prism/v4.3/management/domain-managers/{extId}/$actions/register   -> 202 TaskReference
//	POST /api/prism/v4.3/management/domain-managers/{extId}/$actions/unregister -> 202 TaskReference
//
// {extId} is this PC's domain manager. A register body is a ClusterRegistrationSpec whose
// remoteCluster is a DomainManagerRemoteClusterSpec {cloudType, remoteCluster: {address,
// credentials: {authentication: {username, password}}}}: another Prism Central, which is
// the model's pairing (v3's POST /cloud_trusts); the registration it makes is a cloud trust,
// seen through either wire. An unregister body is a ClusterReference {extId} naming the
// remote Prism Central (its domain manager): the model's unpairing (v3's DELETE
// /cloud_trusts/{uuid}). Both are mutations: Ntnx-Request-Id is required and a repeated one
// answers the first answer without pairing twice. No If-Match: they are actions, not
// updates of an entity read (the SDK sends none). $dryrun is refused: prismsim does not
// model a validation-only pairing.

var (
	registerPath   = Prism.Prefix() + "/management/domain-managers/{extId}/$actions/register"
	unregisterPath = Prism.Prefix() + "/management/domain-managers/{extId}/$actions/unregister"
)

// Object types of a register body's remoteCluster (OneOfClusterRegistrationSpecRemoteCluster).
const (
	domainManagerRemoteSpec = "prism.v4.management.DomainManagerRemoteClusterSpec"
	aosRemoteSpec           = "prism.v4.management.AOSRemoteClusterSpec"
	clusterReferenceType    = "prism.v4.management.ClusterReference"
)

// DomainManagerCloudTypes is the SDK's DomainManagerCloudType enum.
var DomainManagerCloudTypes = []string{"ONPREM_CLOUD", "NUTANIX_HOSTED_CLOUD"}

// PairingBackend is what the v4 wire needs of a PC to pair and unpair it.
type PairingBackend interface {
	// Register pairs this PC with the Prism Central at r.Address; it answers the task that
	// pairs both sides (the model's pairing, refusals included).
	Register(ctx context.Context, r RegisterRequest) (taskID string, err error)
	// Unregister unpairs this PC from the Prism Central whose domain manager is remoteExtID;
	// it answers the task that unpairs both sides.
	Unregister(ctx context.Context, remoteExtID string) (taskID string, err error)
}

// RegisterRequest is a checked register body.
type RegisterRequest struct {
	Address            string // an IPv4 address, an IPv6 address or a name
	Username, Password string
	CloudType          string
}

func pairingRoutes() []Route {
	return []Route{
		{http.MethodPost, registerPath, "registration", handleRegister},
		{http.MethodPost, unregisterPath, "registration", handleUnregister},
	}
}

type valueIn struct {
	Value *string `json:"value"`
}

// registerIn is a ClusterRegistrationSpec as the SDK marshals it; remoteCluster carries
// the fields of the three object types it may be.
type registerIn struct {
	RemoteCluster *struct {
		ObjectType    string  `json:"$objectType"`
		CloudType     *string `json:"cloudType"`
		RemoteCluster *struct {
			Address *struct {
				IPv4 *valueIn `json:"ipv4"`
				IPv6 *valueIn `json:"ipv6"`
				FQDN *valueIn `json:"fqdn"`
			} `json:"address"`
			Credentials *struct {
				Authentication *struct {
					Username *string `json:"username"`
					Password *string `json:"password"`
				} `json:"authentication"`
			} `json:"credentials"`
		} `json:"remoteCluster"`
	} `json:"remoteCluster"`
}

// registerOf checks a register body; field names the first field at fault. Messages never
// show the password.
func registerOf(in registerIn) (r RegisterRequest, field, msg string) {
	rc := in.RemoteCluster
	if rc == nil {
		return r, "remoteCluster", "remoteCluster is required: a " + domainManagerRemoteSpec
	}
	switch rc.ObjectType {
	case domainManagerRemoteSpec:
	case aosRemoteSpec, clusterReferenceType:
		return r, "remoteCluster", "remoteCluster " + rc.ObjectType + " registers a Prism Element cluster with this Prism Central, " +
			"which prismsim does not model: pair two Prism Centrals with a " + domainManagerRemoteSpec
	default:
		return r, "remoteCluster", "remoteCluster.$objectType must be " + domainManagerRemoteSpec + ", got \"" + rc.ObjectType + "\""
	}
	if rc.CloudType == nil || *rc.CloudType == "" {
		return r, "remoteCluster.cloudType", "remoteCluster.cloudType is required: one of " + strings.Join(DomainManagerCloudTypes, ", ")
	}
	r.CloudType = *rc.CloudType
	if !slices.Contains(DomainManagerCloudTypes, r.CloudType) {
		return r, "remoteCluster.cloudType", "remoteCluster.cloudType must be one of " + strings.Join(DomainManagerCloudTypes, ", ") +
			", got \"" + r.CloudType + "\""
	}
	spec := rc.RemoteCluster
	if spec == nil || spec.Address == nil {
		return r, "remoteCluster.remoteCluster.address", "remoteCluster.remoteCluster.address is required: the remote Prism Central's address"
	}
	for _, v := range []*valueIn{spec.Address.IPv4, spec.Address.IPv6, spec.Address.FQDN} {
		if r.Address == "" && v != nil && v.Value != nil {
			r.Address = strings.TrimSpace(*v.Value)
		}
	}
	if r.Address == "" {
		return r, "remoteCluster.remoteCluster.address", "remoteCluster.remoteCluster.address names no ipv4, ipv6 or fqdn value"
	}
	if spec.Credentials == nil || spec.Credentials.Authentication == nil {
		return r, "remoteCluster.remoteCluster.credentials", "remoteCluster.remoteCluster.credentials.authentication is required: a user of the remote Prism Central"
	}
	auth := spec.Credentials.Authentication
	if auth.Username == nil || *auth.Username == "" {
		return r, "remoteCluster.remoteCluster.credentials.authentication.username", "the remote username is required"
	}
	if auth.Password == nil || *auth.Password == "" {
		return r, "remoteCluster.remoteCluster.credentials.authentication.password", "the remote password is required"
	}
	r.Username, r.Password = *auth.Username, *auth.Password
	return r, "", ""
}

// checkAction checks what both actions require: {extId} is this PC, and no $dryrun=true
// (a validation prismsim does not model); then it decodes the body into in.
func checkAction(rq Request, in any) (int, any, bool) {
	dm := rq.PC.DomainManager()
	if !strings.EqualFold(rq.Params["extId"], dm.ExtID) {
		st, body := Prism.fail(http.StatusNotFound, 40401, "extId",
			"domain manager %s was not found: this Prism Central is domain manager %s", rq.Params["extId"], dm.ExtID)
		return st, body, false
	}
	if v := rq.HTTP.URL.Query().Get("$dryrun"); v != "" && v != "false" {
		st, body := Prism.fail(http.StatusBadRequest, 40005, "$dryrun", "$dryrun is not supported by prismsim: send the action itself")
		return st, body, false
	}
	return Prism.decode(rq, in)
}

func handleRegister(rq Request) (int, any) {
	return Prism.mutation(rq, func() (int, any) {
		var in registerIn
		if st, body, ok := checkAction(rq, &in); !ok {
			return st, body
		}
		r, field, msg := registerOf(in)
		if msg != "" {
			return Prism.fail(http.StatusBadRequest, 40006, field, "%s", msg)
		}
		task, err := rq.PC.Register(rq.HTTP.Context(), r)
		if err != nil {
			return Prism.failModel(err)
		}
		return Prism.taskAnswer("prism.v4.management.RegisterApiResponse", task)
	})
}

func handleUnregister(rq Request) (int, any) {
	return Prism.mutation(rq, func() (int, any) {
		var in struct {
			ExtID *string `json:"extId"`
		}
		if st, body, ok := checkAction(rq, &in); !ok {
			return st, body
		}
		if in.ExtID == nil || *in.ExtID == "" {
			return Prism.fail(http.StatusBadRequest, 40006, "extId", "extId is required: the domain manager of the remote Prism Central to unregister")
		}
		task, err := rq.PC.Unregister(rq.HTTP.Context(), *in.ExtID)
		if err != nil {
			return Prism.failModel(err)
		}
		return Prism.taskAnswer("prism.v4.management.UnregisterApiResponse", task)
	})
}
