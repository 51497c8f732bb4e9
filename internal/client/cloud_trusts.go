package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
)

// Cloud types of a cloud trust (cloud_type).
const (
	CloudTypeOnPrem        = "ONPREM_CLOUD"
	CloudTypeNutanixHosted = "NUTANIX_HOSTED_CLOUD"
	CloudTypeAWS           = "AWS"
	CloudTypeAzure         = "AZURE"
)

// CloudTypes lists every cloud type the API accepts, for validators.
var CloudTypes = []string{CloudTypeOnPrem, CloudTypeNutanixHosted, CloudTypeAWS, CloudTypeAzure}

// redacted replaces a secret in messages.
const redacted = "<redacted>"

// minRedactLength is the shortest secret searched for in error texts;
// shorter ones would match ordinary words.
const minRedactLength = 4

// CloudTrustInput is what pairing with a remote Prism Central needs.
type CloudTrustInput struct {
	// RemoteAddress is the IP address or host name of the remote Prism
	// Central, optionally with a port or as an https URL.
	RemoteAddress string
	// Username and Password authenticate to the remote Prism Central.
	// The password is only sent in the request body: it is never logged
	// and never kept in what the client returns.
	Username string
	Password string
	// CloudType defaults to CloudTypeOnPrem.
	CloudType string
}

// String describes the input without its password.
func (in CloudTrustInput) String() string {
	return fmt.Sprintf("client.CloudTrustInput{RemoteAddress:%q Username:%q Password:%s CloudType:%q}", in.RemoteAddress, in.Username, redacted, in.CloudType)
}

// GoString describes the input without its password.
func (in CloudTrustInput) GoString() string { return in.String() }

// CloudTrust is the pairing of this Prism Central with a remote one.
type CloudTrust struct {
	UUID string
	Name string
	// URL is the remote address the pairing was made with.
	URL       string
	CloudType string
	// Username is the remote user the pairing was made with, when the PC reports it (never
	// the password).
	Username string
	// State is status.state as reported (e.g. COMPLETE), when reported.
	State string
	// RemoteConnectionUUID is the remote connection the pairing created;
	// the availability zone of the remote names the same one.
	RemoteConnectionUUID string
	// AvailabilityZoneUUID is this side's availability zone of the
	// remote, from the pairing task or a lookup; "" when none matches.
	AvailabilityZoneUUID string
	// remoteDomainManager is the remote Prism Central's domain manager extId, when the
	// trust was read over v4 (a registration): what unregister names.
	remoteDomainManager string
}

type cloudTrustResourcesJSON struct {
	URL                       string         `json:"url"`
	Username                  string         `json:"username"`
	CloudType                 string         `json:"cloud_type"`
	RemoteConnectionReference *referenceJSON `json:"remote_connection_reference"`
}

type cloudTrustJSON struct {
	entityHead
	Spec struct {
		Name      string                  `json:"name"`
		Resources cloudTrustResourcesJSON `json:"resources"`
	} `json:"spec"`
	Status struct {
		Name      string                  `json:"name"`
		State     string                  `json:"state"`
		Resources cloudTrustResourcesJSON `json:"resources"`
	} `json:"status"`
}

// toCloudTrust converts the entity; id is the uuid asked for, for an entity
// that names none.
func (t *cloudTrustJSON) toCloudTrust(id string) CloudTrust {
	st, sp := &t.Status.Resources, &t.Spec.Resources
	out := CloudTrust{
		UUID:      firstNonEmpty(t.Metadata.UUID, id),
		Name:      firstNonEmpty(t.Status.Name, t.Spec.Name, t.Metadata.Name),
		URL:       firstNonEmpty(st.URL, sp.URL),
		CloudType: firstNonEmpty(st.CloudType, sp.CloudType),
		Username:  firstNonEmpty(st.Username, sp.Username),
		State:     t.Status.State,
	}
	for _, r := range []*referenceJSON{st.RemoteConnectionReference, sp.RemoteConnectionReference} {
		if out.RemoteConnectionUUID == "" && r != nil {
			out.RemoteConnectionUUID = r.UUID
		}
	}
	return out
}

// kindCloudTrust declares the cloud trust: a pairing with a remote Prism
// Central, created by CreateCloudTrust (which is not a plain create) and
// read and deleted through the flow.
var kindCloudTrust = &entityKind[CloudTrust, CloudTrust]{noun: "cloud trust", v3: v3CloudTrusts,
	v4: v4CloudTrusts{}, wire: KindAvailabilityZones}

// v3CloudTrusts is the cloud trust on the v3 wire: kind cloud_trust.
var v3CloudTrusts = &v3Kind[CloudTrust, CloudTrust, cloudTrustJSON]{kind: "cloud_trust", decode: (*cloudTrustJSON).toCloudTrust}

// pairingOperation names a pairing in messages.
func pairingOperation(address string) string {
	return "pairing with remote Prism Central " + address
}

// CreateCloudTrust pairs this Prism Central with a remote one and waits for
// the pairing task: afterwards each side has an availability zone of the
// other. It returns the cloud trust with AvailabilityZoneUUID set to this
// side's zone of the remote.
//
// The create carries a metadata.uuid chosen by the client, so a retry after
// a lost answer cannot pair twice. A refused or failed pairing comes back
// as an *APIError or a *TaskError whose text names the remote address.
// When Prism Central accepted the pairing but the client could not see it
// through (the wait timed out, a read failed), the error comes with a
// non-nil CloudTrust holding the uuid, so that the caller can delete what
// may have been created.
func (c *Client) CreateCloudTrust(ctx context.Context, in CloudTrustInput) (*CloudTrust, error) {
	address := strings.TrimSpace(in.RemoteAddress)
	op := pairingOperation(address)
	if err := in.validate(op, address); err != nil {
		return nil, err
	}
	cloudType := in.CloudType
	if cloudType == "" {
		cloudType = CloudTypeOnPrem
	}
	if c.wire(ctx, KindAvailabilityZones) == WireV4 {
		ct, err := c.pairV4(ctx, op, address, in.Username, in.Password, cloudType)
		if !errors.Is(err, errNoV4Form) || !c.auto(KindAvailabilityZones) {
			return ct, redactSecret(err, in.Password)
		}
		c.log.Debug(ctx, "pairing over v3: the v4 API cannot express it in this client", map[string]any{"operation": op, "reason": err.Error()})
	}
	// The pairing changes the zones of both Prism Centrals.
	invalidateZoneMaps()
	spec := map[string]any{
		"resources": map[string]any{
			"url":        address,
			"username":   in.Username,
			"password":   in.Password,
			"cloud_type": cloudType,
		},
	}
	id, task, err := c.createEntity(ctx, op, "cloud_trust", spec, nil)
	accepted := &CloudTrust{UUID: id, URL: address, CloudType: cloudType}
	if err != nil {
		if id != "" {
			// The pairing may have landed: the caller unpairs it.
			return accepted, redactSecret(err, in.Password)
		}
		return nil, redactSecret(err, in.Password)
	}
	azUUID := ""
	if task != "" {
		t, err := c.WaitForTask(ctx, task, op, nil)
		if err != nil {
			var te *TaskError
			if errors.As(err, &te) {
				return nil, redactSecret(err, in.Password)
			}
			return accepted, redactSecret(err, in.Password)
		}
		for _, ref := range t.EntityReferences {
			switch ref.Kind {
			case "cloud_trust":
				if ref.UUID != "" {
					id = ref.UUID
					accepted.UUID = id
				}
			case "availability_zone":
				azUUID = ref.UUID
			}
		}
	} else if _, err := c.waitSettled(ctx, op, v3CloudTrusts.path(id)); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%s: Prism Central accepted the pairing (cloud trust %s) but the cloud trust is gone: the pairing failed; see its task in Prism Central (Activity > Tasks), fix the cause and run again", op, id)
		}
		return accepted, redactSecret(err, in.Password)
	}
	ct, err := kindCloudTrust.flow(ctx, c).get(ctx, c, op, id)
	if err != nil {
		return accepted, err
	}
	ct.AvailabilityZoneUUID = azUUID
	if ct.AvailabilityZoneUUID == "" {
		if err := c.linkAvailabilityZones(ctx, op, []CloudTrust{*ct}, func(i int, az string) { ct.AvailabilityZoneUUID = az }); err != nil {
			return ct, err
		}
		if ct.AvailabilityZoneUUID == "" {
			return ct, fmt.Errorf("%s: the pairing succeeded (cloud trust %s) but no availability zone of the remote is listed", op, ct.UUID)
		}
	}
	return ct, nil
}

// validate checks the input before anything is sent.
func (in CloudTrustInput) validate(op, address string) error {
	var problems []string
	if address == "" {
		problems = append(problems, "the remote address is empty")
	}
	if in.Username == "" {
		problems = append(problems, "the remote username is empty")
	}
	if in.Password == "" {
		problems = append(problems, "the remote password is empty")
	}
	if in.CloudType != "" && !slices.Contains(CloudTypes, in.CloudType) {
		problems = append(problems, fmt.Sprintf("cloud type %q is not one of %s", in.CloudType, strings.Join(CloudTypes, ", ")))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", op, strings.Join(problems, "; "))
	}
	return nil
}

// GetCloudTrust reads a cloud trust, with AvailabilityZoneUUID looked up.
func (c *Client) GetCloudTrust(ctx context.Context, uuid string) (*CloudTrust, error) {
	op := "reading cloud trust " + uuid
	ct, err := kindCloudTrust.flow(ctx, c).get(ctx, c, op, uuid)
	if err != nil {
		return nil, err
	}
	err = c.linkAvailabilityZones(ctx, op, []CloudTrust{*ct}, func(_ int, az string) { ct.AvailabilityZoneUUID = az })
	if err != nil {
		return nil, err
	}
	return ct, nil
}

// ListCloudTrusts lists every cloud trust, with AvailabilityZoneUUID looked
// up.
func (c *Client) ListCloudTrusts(ctx context.Context) ([]CloudTrust, error) {
	op := "listing cloud trusts"
	trusts, err := kindCloudTrust.flow(ctx, c).list(ctx, c, op, "", nil)
	if err != nil {
		return nil, err
	}
	if err := c.linkAvailabilityZones(ctx, op, trusts, func(i int, az string) { trusts[i].AvailabilityZoneUUID = az }); err != nil {
		return nil, err
	}
	return trusts, nil
}

// linkAvailabilityZones lists the availability zones once and calls set
// with the zone of each trust that has one.
func (c *Client) linkAvailabilityZones(ctx context.Context, op string, trusts []CloudTrust, set func(i int, azUUID string)) error {
	if len(trusts) == 0 {
		return nil
	}
	azs, err := kindAvailabilityZone.flow(ctx, c).list(ctx, c, op, "", nil)
	if err != nil {
		return err
	}
	for i := range trusts {
		if az := matchZone(&trusts[i], azs); az != nil {
			set(i, az.UUID)
		}
	}
	return nil
}

// matchZone finds the remote zone of a trust: the one that names the same
// remote connection, or else the only remote one whose management URL
// names the same address as the trust.
func matchZone(t *CloudTrust, azs []AvailabilityZone) *AvailabilityZone {
	if t.RemoteConnectionUUID != "" {
		for i := range azs {
			if azs[i].Type != AvailabilityZoneLocal && azs[i].RemoteConnectionUUID == t.RemoteConnectionUUID {
				return &azs[i]
			}
		}
	}
	key := remoteKey(t.URL)
	if key == "" {
		return nil
	}
	var found *AvailabilityZone
	for i := range azs {
		if azs[i].Type != AvailabilityZoneLocal && remoteKey(azs[i].ManagementURL) == key {
			if found != nil {
				return nil
			}
			found = &azs[i]
		}
	}
	return found
}

// DeleteCloudTrust unpairs: it deletes the cloud trust and waits for the
// task, which removes the availability zones of the pairing. A missing
// trust gives an error matching ErrNotFound; a 404 to a repeated attempt
// whose first try may have landed counts as done.
func (c *Client) DeleteCloudTrust(ctx context.Context, uuid string) error {
	ct, err := kindCloudTrust.flow(ctx, c).get(ctx, c, "unpairing cloud trust "+uuid, uuid)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("unpairing from remote Prism Central %s (cloud trust %s)", ct.URL, uuid)
	if ct.URL == "" {
		op = "unpairing cloud trust " + uuid
	}
	invalidateZoneMaps()
	err = kindCloudTrust.flow(ctx, c).remove(ctx, c, op, uuid)
	if errors.Is(err, errNoV4Form) && c.auto(KindAvailabilityZones) {
		// A cloud trust that is no registration (its id came from v3): unpair over v3.
		return v3CloudTrusts.remove(ctx, c, op, uuid)
	}
	return err
}

// CloudTrustForAvailabilityZone returns the cloud trust of a remote
// availability zone, to import a pairing by the zone's uuid. A zone that
// is missing, Local, or has no trust gives an error matching ErrNotFound.
func (c *Client) CloudTrustForAvailabilityZone(ctx context.Context, azUUID string) (*CloudTrust, error) {
	op := "looking up the cloud trust of availability zone " + azUUID
	az, err := kindAvailabilityZone.flow(ctx, c).get(ctx, c, op, azUUID)
	if err != nil {
		return nil, err
	}
	if az.Type == AvailabilityZoneLocal {
		return nil, fmt.Errorf("%s: %s is the Local availability zone of this Prism Central, not a paired one: give the id of a remote availability zone: %w", op, az.Name, ErrNotFound)
	}
	trusts, err := kindCloudTrust.flow(ctx, c).list(ctx, c, op, "", nil)
	if err != nil {
		return nil, err
	}
	t := matchTrust(az, trusts)
	if t == nil {
		return nil, fmt.Errorf("%s: no cloud trust pairs with %s (%s): %w", op, az.Name, az.ManagementURL, ErrNotFound)
	}
	out := *t
	out.AvailabilityZoneUUID = az.UUID
	return &out, nil
}

// remoteKey normalises a remote address ("https://10.0.0.5:9440/",
// "10.0.0.5") to "host:port" with the default port 9440, to compare
// addresses; "" when there is none.
func remoteKey(address string) string {
	s := strings.ToLower(strings.TrimSpace(address))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), strconv.Itoa(DefaultPort)
	}
	return net.JoinHostPort(host, port)
}

// redactSecret removes secret from the texts of err: the fields of an
// *APIError or *TaskError in place, or else the message, keeping the
// error chain.
func redactSecret(err error, secret string) error {
	if err == nil || len(secret) < minRedactLength || !strings.Contains(err.Error(), secret) {
		return err
	}
	r := strings.NewReplacer(secret, redacted)
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.Body = r.Replace(apiErr.Body)
		apiErr.Cause = r.Replace(apiErr.Cause)
		for i := range apiErr.Messages {
			apiErr.Messages[i] = r.Replace(apiErr.Messages[i])
		}
		for i := range apiErr.Details {
			apiErr.Details[i] = r.Replace(apiErr.Details[i])
		}
	}
	var taskErr *TaskError
	if errors.As(err, &taskErr) {
		taskErr.ErrorCode = r.Replace(taskErr.ErrorCode)
		taskErr.ErrorDetail = r.Replace(taskErr.ErrorDetail)
		for i := range taskErr.Messages {
			taskErr.Messages[i] = r.Replace(taskErr.Messages[i])
		}
	}
	if !strings.Contains(err.Error(), secret) {
		return err
	}
	return &redactedError{msg: r.Replace(err.Error()), err: err}
}

// redactedError is an error whose text had a secret removed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
