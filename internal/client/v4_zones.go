package client

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// Availability zones and domain managers. v3 names a protection location by its availability
// zone's uuid (availability_zone_url); v4 by the domain manager (the Prism Central) that
// manages it (domainManagerExtId). They are different ids (internal/apispec/v4/README.md,
// "PC pairing"), so the v4 kinds map one to the other, and the provider's state keeps the v3
// zone uuids whatever the wire:
//   - the Local zone is this Prism Central: the domain manager GET /config/domain-managers
//     lists (the local one);
//   - a remote zone (type PC) names the remote Prism Central in management_url: its domain
//     manager is the registration (GET /management/domain-managers/{local}/registrations)
//     whose remoteClusterExtId is that uuid, or whose remote cluster's external address is
//     that address.
//
// The map is built from one list of each (three requests) the first time a v4 kind needs it
// in the run, and built again once when a zone or a domain manager is not in it (a pairing
// made since).

// zoneMap is the map of the run.
type zoneMap struct {
	mu   sync.Mutex
	toDM map[string]string // zone uuid -> domain manager extId
	toAZ map[string]string // domain manager extId -> zone uuid
}

// v4DomainManagerJSON is prism.v4.config.DomainManager as far as the client reads it.
type v4DomainManagerJSON struct {
	ExtID string `json:"extId"`
}

// v4RegistrationJSON is prism.v4.management.Registration as far as the client reads it.
type v4RegistrationJSON struct {
	ExtID                string `json:"extId"`
	RemoteClusterExtID   string `json:"remoteClusterExtId"`
	RemoteClusterDetails *struct {
		ExtID           string         `json:"extId"`
		ExternalAddress *v4AddressJSON `json:"externalAddress"`
	} `json:"remoteClusterDetails"`
}

// v4AddressJSON is common.v1.config.IPAddressOrFQDN.
type v4AddressJSON struct {
	IPv4 *struct {
		Value string `json:"value"`
	} `json:"ipv4"`
	IPv6 *struct {
		Value string `json:"value"`
	} `json:"ipv6"`
	FQDN *struct {
		Value string `json:"value"`
	} `json:"fqdn"`
}

func (a *v4AddressJSON) matches(addr string) bool {
	if a == nil || addr == "" {
		return false
	}
	for _, v := range []*struct {
		Value string `json:"value"`
	}{a.IPv4, a.IPv6, a.FQDN} {
		if v != nil && strings.EqualFold(v.Value, addr) {
			return true
		}
	}
	return false
}

// domainManagerOf returns the domain manager extId of availability zone az.
func (c *Client) domainManagerOf(ctx context.Context, op, az string) (string, error) {
	dm, ok, err := c.zoneLookup(ctx, op, func() map[string]string { return c.zones.toDM }, az)
	if err != nil || ok {
		return dm, err
	}
	return "", fmt.Errorf("%s: availability zone %s has no Prism Central (domain manager) that the v4 API knows: "+
		"check that the zone exists and its pairing is complete", op, az)
}

// zoneOf returns the availability zone uuid of domain manager dm. A domain manager without a
// zone (which v3 would not show either) is returned as it is, with a warning.
func (c *Client) zoneOf(ctx context.Context, op, dm string) (string, error) {
	az, ok, err := c.zoneLookup(ctx, op, func() map[string]string { return c.zones.toAZ }, dm)
	if err != nil || ok {
		return az, err
	}
	c.log.Warn(ctx, "a v4 location names a Prism Central that no availability zone names; keeping its domain manager id",
		map[string]any{"operation": op, "domain_manager": dm})
	return dm, nil
}

// zoneLookup finds key in one direction of the map (side, read under the lock), building the
// map when it has not been built or does not have key: a pairing may have been made since.
func (c *Client) zoneLookup(ctx context.Context, op string, side func() map[string]string, key string) (string, bool, error) {
	for attempt := 0; attempt < 2; attempt++ {
		c.zones.mu.Lock()
		v, ok := side()[key]
		c.zones.mu.Unlock()
		if ok || attempt > 0 {
			return v, ok, nil
		}
		if err := c.buildZoneMap(ctx, op); err != nil {
			return "", false, err
		}
	}
	return "", false, nil
}

// buildZoneMap lists the zones (v3), the local domain manager and its registrations (v4).
func (c *Client) buildZoneMap(ctx context.Context, op string) error {
	azs, err := kindAvailabilityZone.flow(ctx, c).list(ctx, c, op, "", nil)
	if err != nil {
		return err
	}
	dms, err := listV4[v4DomainManagerJSON](ctx, c, v4List{op: op, path: v4Prism.Path("/config/domain-managers")})
	if err != nil {
		return err
	}
	if len(dms) == 0 || dms[0].ExtID == "" {
		return fmt.Errorf("%s: GET %s listed no domain manager: this Prism Central does not name itself over v4", op, v4Prism.Path("/config/domain-managers"))
	}
	local := dms[0].ExtID
	regs, err := listV4[v4RegistrationJSON](ctx, c, v4List{op: op, path: v4Prism.Path("/management/domain-managers/" + escape(local) + "/registrations")})
	if err != nil {
		return err
	}
	toDM, toAZ := map[string]string{}, map[string]string{}
	for _, az := range azs {
		dm := ""
		switch az.Type {
		case AvailabilityZoneLocal:
			dm = local
		default:
			for _, r := range regs {
				id := r.RemoteClusterExtID
				if id == "" && r.RemoteClusterDetails != nil {
					id = r.RemoteClusterDetails.ExtID
				}
				if _, err := uuid.Parse(az.ManagementURL); err == nil && strings.EqualFold(id, az.ManagementURL) {
					dm = id
				} else if r.RemoteClusterDetails != nil && r.RemoteClusterDetails.ExternalAddress.matches(az.ManagementURL) {
					dm = id
				}
				if dm != "" {
					break
				}
			}
		}
		if dm != "" {
			toDM[az.UUID], toAZ[dm] = dm, az.UUID
		}
	}
	c.zones.mu.Lock()
	c.zones.toDM, c.zones.toAZ = toDM, toAZ
	c.zones.mu.Unlock()
	return nil
}
