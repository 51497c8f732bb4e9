package client

import (
	"context"
	"fmt"
)

// Management plane types of an availability zone.
const (
	AvailabilityZoneLocal = "Local"
	AvailabilityZonePC    = "PC"
	AvailabilityZoneXi    = "Xi"
)

// AvailabilityZone is a place Prism Central can protect to or recover
// from: itself (type Local, once disaster recovery is enabled) or a paired
// Prism Central (type PC, named PC_<remote address>).
type AvailabilityZone struct {
	UUID string
	Name string
	// Type is the management_plane_type: Local, PC or Xi.
	Type string
	// ManagementURL is the address of the management plane: the remote
	// Prism Central of a PC zone; for the Local zone, this Prism
	// Central's own address when the server reports one.
	ManagementURL string
	// RemoteConnectionUUID is the remote connection the zone talks
	// through (credentials.pc.remote_connection_reference); the cloud
	// trust of the pairing names the same one.
	RemoteConnectionUUID string
	// CloudTrustUUID is the cloud trust of the pairing. The API does not
	// name it in the zone: ListAvailabilityZones and GetAvailabilityZone
	// find it through the remote connection or the address when the
	// zone is remote and a trust matches; "" otherwise.
	CloudTrustUUID string
	// Reachable is false when Prism Central reports the remote zone
	// unreachable (a REMOTE_CLUSTER_NOT_CONNECTED message in its status).
	// The Local zone is always reachable.
	Reachable bool
}

type azResourcesJSON struct {
	ManagementPlaneType string `json:"management_plane_type"`
	ManagementURL       string `json:"management_url"`
	DisplayName         string `json:"display_name"`
	Credentials         *struct {
		PC *struct {
			RemoteConnectionReference *referenceJSON `json:"remote_connection_reference"`
		} `json:"pc"`
	} `json:"credentials"`
}

func (r *azResourcesJSON) remoteConnection() string {
	if r.Credentials == nil || r.Credentials.PC == nil || r.Credentials.PC.RemoteConnectionReference == nil {
		return ""
	}
	return r.Credentials.PC.RemoteConnectionReference.UUID
}

type azJSON struct {
	entityHead
	Spec struct {
		Name      string          `json:"name"`
		Resources azResourcesJSON `json:"resources"`
	} `json:"spec"`
	Status struct {
		Name      string          `json:"name"`
		State     string          `json:"state"`
		Resources azResourcesJSON `json:"resources"`
		// MessageList is not in the spec's availability_zone_def_status;
		// like the status of a remote connection, it carries a
		// REMOTE_CLUSTER_NOT_CONNECTED message while the peer is
		// unreachable.
		MessageList []struct {
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"message_list"`
	} `json:"status"`
}

// toAZ converts the entity; id is the uuid asked for, for an entity that
// names none.
func (a *azJSON) toAZ(id string) AvailabilityZone {
	st, sp := &a.Status.Resources, &a.Spec.Resources
	out := AvailabilityZone{
		UUID:                 firstNonEmpty(a.Metadata.UUID, id),
		Name:                 firstNonEmpty(a.Status.Name, a.Spec.Name, a.Metadata.Name),
		Type:                 firstNonEmpty(st.ManagementPlaneType, sp.ManagementPlaneType),
		ManagementURL:        firstNonEmpty(st.ManagementURL, sp.ManagementURL),
		RemoteConnectionUUID: firstNonEmpty(st.remoteConnection(), sp.remoteConnection()),
		Reachable:            true,
	}
	if out.Type == AvailabilityZoneLocal {
		return out
	}
	for _, m := range a.Status.MessageList {
		if m.Reason == ReasonRemoteNotConnected {
			out.Reachable = false
		}
	}
	return out
}

// kindAvailabilityZone declares the availability zone, which the client reads;
// pairing (cloudTrusts) and enabling disaster recovery make them.
var kindAvailabilityZone = &entityKind[AvailabilityZone, AvailabilityZone]{noun: "availability zone", v3: &v3Kind[AvailabilityZone, AvailabilityZone, azJSON]{
	kind:   "availability_zone",
	decode: (*azJSON).toAZ,
}}

// ListAvailabilityZones lists the availability zones matching a FIQL
// filter ("" for all), every page, with CloudTrustUUID filled for remote
// zones.
func (c *Client) ListAvailabilityZones(ctx context.Context, filter string) ([]AvailabilityZone, error) {
	azs, err := kindAvailabilityZone.flow(ctx, c).list(ctx, c, "listing availability zones", filter, nil)
	if err != nil {
		return nil, err
	}
	if err := c.linkCloudTrusts(ctx, "listing availability zones", azs); err != nil {
		return nil, err
	}
	return azs, nil
}

// GetAvailabilityZone reads an availability zone, with CloudTrustUUID
// filled for a remote zone.
func (c *Client) GetAvailabilityZone(ctx context.Context, uuid string) (*AvailabilityZone, error) {
	op := "reading availability zone " + uuid
	az, err := kindAvailabilityZone.flow(ctx, c).get(ctx, c, op, uuid)
	if err != nil {
		return nil, err
	}
	azs := []AvailabilityZone{*az}
	if err := c.linkCloudTrusts(ctx, op, azs); err != nil {
		return nil, err
	}
	return &azs[0], nil
}

// LocalAvailabilityZone returns the Local availability zone of the Prism
// Central. The error matches ErrNotFound when there is none, which means
// disaster recovery is not enabled.
func (c *Client) LocalAvailabilityZone(ctx context.Context) (*AvailabilityZone, error) {
	op := "looking up the Local availability zone of " + c.endpoint
	azs, err := kindAvailabilityZone.flow(ctx, c).list(ctx, c, op, "", nil)
	if err != nil {
		return nil, err
	}
	for i := range azs {
		if azs[i].Type == AvailabilityZoneLocal {
			return &azs[i], nil
		}
	}
	return nil, fmt.Errorf("%s: there is none, so disaster recovery is not enabled: enable it first: %w", op, ErrNotFound)
}

// linkCloudTrusts fills CloudTrustUUID of the remote zones of azs from one
// list of the cloud trusts. Nothing is read when every zone is Local.
func (c *Client) linkCloudTrusts(ctx context.Context, op string, azs []AvailabilityZone) error {
	remote := false
	for i := range azs {
		remote = remote || azs[i].Type != AvailabilityZoneLocal
	}
	if !remote {
		return nil
	}
	trusts, err := kindCloudTrust.flow(ctx, c).list(ctx, c, op, "", nil)
	if err != nil {
		return err
	}
	for i := range azs {
		if azs[i].Type == AvailabilityZoneLocal {
			continue
		}
		if t := matchTrust(&azs[i], trusts); t != nil {
			azs[i].CloudTrustUUID = t.UUID
		}
	}
	return nil
}

// matchTrust finds the cloud trust of a remote zone: the one that names
// the same remote connection, or else the only one whose URL names the
// same host as the zone's management URL.
func matchTrust(az *AvailabilityZone, trusts []CloudTrust) *CloudTrust {
	if az.RemoteConnectionUUID != "" {
		for i := range trusts {
			if trusts[i].RemoteConnectionUUID == az.RemoteConnectionUUID {
				return &trusts[i]
			}
		}
	}
	key := remoteKey(az.ManagementURL)
	if key == "" {
		return nil
	}
	var found *CloudTrust
	for i := range trusts {
		if remoteKey(trusts[i].URL) == key {
			if found != nil {
				return nil
			}
			found = &trusts[i]
		}
	}
	return found
}
