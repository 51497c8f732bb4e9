package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Pairing over v4 (prism v4.3, internal/apispec/v4/README.md "PC pairing"): a pairing is a
// registration of the local domain manager (the Prism Central) with a remote one.
//
//	POST /api/prism/v4.3/management/domain-managers/{local}/$actions/register   ClusterRegistrationSpec -> task
//	GET  /api/prism/v4.3/management/domain-managers/{local}/registrations[/{extId}]
//	POST /api/prism/v4.3/management/domain-managers/{local}/$actions/unregister ClusterReference {extId: remote} -> task
//
// The typed operations stay those of v3's cloud trusts (CreateCloudTrust, GetCloudTrust,
// DeleteCloudTrust...): a CloudTrust read over v4 is a registration, whose extId is its
// UUID. v4 has no availability zones: the zone of a pairing is still the v3 zone that names
// the remote Prism Central's address (matchZone), as the zone map finds it (v4_zones.go).
// What v4 cannot say falls back to v3 under api_version = "auto" (errNoV4Form): a cloud type
// other than ONPREM_CLOUD or NUTANIX_HOSTED_CLOUD, or a remote address with a port (v4's
// IPAddressOrFQDN has none).

// v4CloudTrusts is the cloud trust on the v4 wire: the local domain manager's registrations.
// A pairing is made by pairV4, not by create.
type v4CloudTrusts struct{}

// toCloudTrust converts a registration.
func (r *v4RegistrationJSON) toCloudTrust() CloudTrust {
	out := CloudTrust{UUID: r.ExtID, State: r.ConnectivityStatus, remoteDomainManager: r.remoteID()}
	if d := r.RemoteClusterDetails; d != nil {
		out.URL = d.ExternalAddress.value()
	}
	if out.URL != "" {
		out.Name = "PC_" + out.URL
	}
	return out
}

// value is the address, whichever form it has.
func (a *v4AddressJSON) value() string {
	if a == nil {
		return ""
	}
	for _, v := range []*struct {
		Value string `json:"value"`
	}{a.IPv4, a.IPv6, a.FQDN} {
		if v != nil && v.Value != "" {
			return v.Value
		}
	}
	return ""
}

func (v4CloudTrusts) get(ctx context.Context, c *Client, op, id string) (*CloudTrust, error) {
	local, err := c.localDomainManager(ctx, op)
	if err != nil {
		return nil, err
	}
	var r v4RegistrationJSON
	if _, err := c.getV4Entity(ctx, op, registrationsPath(local)+"/"+escape(id), &r); err != nil {
		if errors.Is(err, ErrNotFound) {
			// A cloud trust uuid from a v3 state that names no registration: under "auto",
			// v3 is asked (v4OrV3); under "v4" it is gone.
			return nil, &notRegisteredError{err: err, id: id}
		}
		return nil, err
	}
	ct := r.toCloudTrust()
	if ct.UUID == "" {
		ct.UUID = id
	}
	return &ct, nil
}

func (v4CloudTrusts) list(ctx context.Context, c *Client, op, filter string, _ func(pages int) bool) ([]CloudTrust, error) {
	if filter != "" {
		return nil, noV4Form("the filter %q has no v4 form for registrations in this client", filter)
	}
	local, err := c.localDomainManager(ctx, op)
	if err != nil {
		return nil, err
	}
	regs, err := listV4[v4RegistrationJSON](ctx, c, v4List{op: op, path: registrationsPath(local)})
	if err != nil {
		return nil, err
	}
	out := make([]CloudTrust, 0, len(regs))
	for i := range regs {
		out = append(out, regs[i].toCloudTrust())
	}
	return out, nil
}

func (v4CloudTrusts) create(_ context.Context, _ *Client, op string, _ *CloudTrust, _ string, _ func(string) *CloudTrust) (*CloudTrust, error) {
	return nil, fmt.Errorf("%s: internal error: a v4 pairing is made by $actions/register (CreateCloudTrust)", op)
}

func (v4CloudTrusts) update(_ context.Context, _ *Client, op, _ string, _ *CloudTrust) (*CloudTrust, error) {
	return nil, fmt.Errorf("%s: internal error: a pairing has nothing to update", op)
}

// remove unregisters the remote Prism Central of registration id: one read of the
// registration (it names the remote domain manager), the action under a request id, and its
// task.
func (k v4CloudTrusts) remove(ctx context.Context, c *Client, op, id string) error {
	ct, err := k.get(ctx, c, op, id)
	if err != nil {
		return err
	}
	// A registration still PENDING (the cleanup of an interrupted pairing) cannot be
	// unregistered yet: wait until its pairing ends; if it failed, nothing is left.
	for wait := c.taskWaitMin; ct.State == v4RegistrationPending; wait = min(wait*2, c.taskWaitMax) {
		if err := waitFor(ctx, wait); err != nil {
			return fmt.Errorf("%s: waiting for the pairing of registration %s to end: %w", op, id, err)
		}
		if ct, err = k.get(ctx, c, op, id); errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
	}
	local, err := c.localDomainManager(ctx, op)
	if err != nil {
		return err
	}
	if ct.remoteDomainManager == "" {
		return fmt.Errorf("%s: registration %s names no remote Prism Central (remoteClusterExtId) to unregister", op, id)
	}
	// The zone maps are forgotten by DeleteCloudTrust, the one caller, for either wire.
	task, err := c.mutateV4(ctx, v4Call{
		op: op, method: http.MethodPost,
		path:      v4Prism.Path("/management/domain-managers/" + escape(local) + "/$actions/unregister"),
		in:        map[string]any{"$objectType": "prism.v4.management.ClusterReference", "extId": ct.remoteDomainManager},
		requestID: NewRequestID(),
	})
	if err != nil {
		return err
	}
	if task == "" {
		return nil
	}
	_, err = c.WaitForV4Task(ctx, task, op, nil)
	return err
}

// notRegisteredError is a registration that was not found: it matches ErrNotFound, and
// errNoV4Form so that "auto" asks v3, where the id may be a cloud trust's.
type notRegisteredError struct {
	err error
	id  string
}

func (e *notRegisteredError) Error() string { return e.err.Error() }
func (e *notRegisteredError) Unwrap() error { return e.err }
func (e *notRegisteredError) Is(target error) bool {
	return target == errNoV4Form
}

// v4RemoteAddress returns the IPAddressOrFQDN of a remote address, or an errNoV4Form refusal when
// it carries what v4 cannot say (a port, a path).
func v4RemoteAddress(address string) (map[string]any, error) {
	host := strings.TrimSpace(address)
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	host = strings.TrimSuffix(host, "/")
	if h, p, err := net.SplitHostPort(host); err == nil {
		if p != "9440" {
			return nil, noV4Form("the remote address %q has a port, which the v4 register action cannot carry", address)
		}
		host = h
	}
	if strings.ContainsAny(host, "/?#@ ") || host == "" {
		return nil, noV4Form("the remote address %q is not an IP address or a host name", address)
	}
	value := map[string]any{"value": host}
	ip := net.ParseIP(host)
	switch {
	case ip != nil && ip.To4() != nil:
		value["$objectType"], value["prefixLength"] = "common.v1.config.IPv4Address", 32
		return map[string]any{"$objectType": "common.v1.config.IPAddressOrFQDN", "ipv4": value}, nil
	case ip != nil:
		value["$objectType"], value["prefixLength"] = "common.v1.config.IPv6Address", 128
		return map[string]any{"$objectType": "common.v1.config.IPAddressOrFQDN", "ipv6": value}, nil
	}
	value["$objectType"] = "common.v1.config.FQDN"
	return map[string]any{"$objectType": "common.v1.config.IPAddressOrFQDN", "fqdn": value}, nil
}

// registrationLookupTimeout bounds the lookup of the registration an interrupted pairing made.
const registrationLookupTimeout = 30 * time.Second

// v4RegistrationPending is the connectivityStatus of a registration whose pairing is under way.
const v4RegistrationPending = "PENDING"

// v4CloudTypes are the cloud types the register action takes (DomainManagerCloudType).
var v4CloudTypes = []string{CloudTypeOnPrem, CloudTypeNutanixHosted}

// pairV4 pairs over v4: the register action under one request id (every retry resends it,
// so a lost answer does not pair twice), its task, then the registration of the remote
// found by address and this side's zone of it. A task that failed leaves nothing (the Prism
// Central removes its half); when the action was taken but could not be seen through, the
// error comes with the registration if one is found, for the caller to unpair.
func (c *Client) pairV4(ctx context.Context, op, address, username, password, cloudType string) (*CloudTrust, error) {
	if !slices.Contains(v4CloudTypes, cloudType) {
		return nil, noV4Form("cloud type %s has no v4 form (the register action takes %s)", cloudType, strings.Join(v4CloudTypes, ", "))
	}
	addr, err := v4RemoteAddress(address)
	if err != nil {
		return nil, err
	}
	local, err := c.localDomainManager(ctx, op)
	if err != nil {
		return nil, err
	}
	body := map[string]any{
		"$objectType":                     "prism.v4.management.ClusterRegistrationSpec",
		"$remoteClusterItemDiscriminator": "prism.v4.management.DomainManagerRemoteClusterSpec",
		"remoteCluster": map[string]any{
			"$objectType": "prism.v4.management.DomainManagerRemoteClusterSpec",
			"cloudType":   cloudType,
			"remoteCluster": map[string]any{
				"$objectType": "prism.v4.management.RemoteClusterSpec",
				"address":     addr,
				"credentials": map[string]any{
					"$objectType": "prism.v4.management.Credentials",
					"authentication": map[string]any{
						"$objectType": "common.v1.config.BasicAuth", "username": username, "password": password,
					},
				},
			},
		},
	}
	invalidateZoneMaps()
	task, err := c.mutateV4(ctx, v4Call{
		op: op, method: http.MethodPost,
		path: v4Prism.Path("/management/domain-managers/" + escape(local) + "/$actions/register"),
		in:   body, requestID: NewRequestID(),
	})
	if err != nil {
		return nil, err
	}
	if task != "" {
		if _, err := c.WaitForV4Task(ctx, task, op, nil); err != nil {
			var te *TaskError
			if errors.As(err, &te) {
				return nil, err
			}
			// Not seen through (the wait timed out, a read failed): the caller unpairs the
			// registration the action made, looked up with a time limit of its own since
			// ctx may be spent.
			lookup, cancel := context.WithTimeout(context.WithoutCancel(ctx), registrationLookupTimeout)
			defer cancel()
			return c.registrationAt(lookup, op, address), err
		}
	}
	ct := c.registrationAt(ctx, op, address)
	if ct == nil {
		return nil, fmt.Errorf("%s: the register task succeeded but no registration names %s", op, address)
	}
	ct.CloudType = cloudType
	if err := c.linkAvailabilityZones(ctx, op, []CloudTrust{*ct}, func(_ int, az string) { ct.AvailabilityZoneUUID = az }); err != nil {
		return ct, err
	}
	if ct.AvailabilityZoneUUID == "" {
		return ct, fmt.Errorf("%s: the pairing succeeded (registration %s) but no availability zone of the remote is listed", op, ct.UUID)
	}
	return ct, nil
}

// registrationAt returns the registration whose remote has address, or nil (also when they
// cannot be listed).
func (c *Client) registrationAt(ctx context.Context, op, address string) *CloudTrust {
	trusts, err := v4CloudTrusts{}.list(ctx, c, op, "", nil)
	if err != nil {
		return nil
	}
	key := remoteKey(address)
	for i := range trusts {
		if remoteKey(trusts[i].URL) == key {
			return &trusts[i]
		}
	}
	return nil
}
