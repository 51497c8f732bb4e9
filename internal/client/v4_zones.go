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
// The map is built from one list of each (three requests) the first time a v4 kind needs it in
// the process, and kept for the life of the process, per Prism Central (zoneMaps), as the
// namespace probes are (v4_wire.go): a provider process configures a client per run and per
// provider block, and the map outlives them. It is built again when a zone or a domain
// manager is not in it (a pairing made since, outside this process), and forgotten on every
// Prism Central of the process when this process pairs or unpairs (a pairing changes the
// zones of both sides).

// zoneMaps holds the map of each Prism Central, by endpoint, for the life of the process.
var zoneMaps sync.Map // endpoint -> *zoneMap

// zoneMap is the map of one Prism Central. Its lock is held while it is built, so that the
// concurrent lookups of a run wait for one build instead of each sending their own.
type zoneMap struct {
	mu    sync.Mutex
	built bool
	// local is this Prism Central's domain manager extId, which never changes; it survives
	// invalidate.
	local string
	toDM  map[string]string // zone uuid -> domain manager extId
	toAZ  map[string]string // domain manager extId -> zone uuid
}

// zoneCache returns the map of the client's Prism Central.
func (c *Client) zoneCache() *zoneMap {
	v, _ := zoneMaps.LoadOrStore(c.endpoint, &zoneMap{})
	z, ok := v.(*zoneMap)
	if !ok {
		return &zoneMap{}
	}
	return z
}

// invalidateZoneMaps forgets the zones of every Prism Central of the process: a pairing or
// an unpairing changed them, on both sides.
func invalidateZoneMaps() {
	zoneMaps.Range(func(_, v any) bool {
		if z, ok := v.(*zoneMap); ok {
			z.mu.Lock()
			z.built, z.toDM, z.toAZ = false, nil, nil
			z.mu.Unlock()
		}
		return true
	})
}

// v4DomainManagerJSON is prism.v4.config.DomainManager as far as the client reads it.
type v4DomainManagerJSON struct {
	ExtID string `json:"extId"`
}

// v4RegistrationJSON is prism.v4.management.Registration as far as the client reads it.
type v4RegistrationJSON struct {
	ExtID                string `json:"extId"`
	RemoteClusterExtID   string `json:"remoteClusterExtId"`
	ConnectivityStatus   string `json:"connectivityStatus"`
	RemoteClusterDetails *struct {
		ExtID           string         `json:"extId"`
		Name            string         `json:"name"`
		ExternalAddress *v4AddressJSON `json:"externalAddress"`
	} `json:"remoteClusterDetails"`
}

// remoteID is the remote Prism Central's domain manager extId.
func (r *v4RegistrationJSON) remoteID() string {
	if r.RemoteClusterExtID == "" && r.RemoteClusterDetails != nil {
		return r.RemoteClusterDetails.ExtID
	}
	return r.RemoteClusterExtID
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
	dm, ok, err := c.zoneLookup(ctx, op, func(z *zoneMap) map[string]string { return z.toDM }, az)
	if err != nil || ok {
		return dm, err
	}
	return "", fmt.Errorf("%s: availability zone %s has no Prism Central (domain manager) that the v4 API knows: "+
		"check that the zone exists and its pairing is complete", op, az)
}

// zoneOf returns the availability zone uuid of domain manager dm. A domain manager without a
// zone (which v3 would not show either) is returned as it is, with a warning.
func (c *Client) zoneOf(ctx context.Context, op, dm string) (string, error) {
	az, ok, err := c.zoneLookup(ctx, op, func(z *zoneMap) map[string]string { return z.toAZ }, dm)
	if err != nil || ok {
		return az, err
	}
	c.log.Warn(ctx, "a v4 location names a Prism Central that no availability zone names; keeping its domain manager id",
		map[string]any{"operation": op, "domain_manager": dm})
	return dm, nil
}

// zoneLookup finds key in one direction of the map (side), building the map when it has not
// been built or does not have key: a pairing may have been made since.
func (c *Client) zoneLookup(ctx context.Context, op string, side func(*zoneMap) map[string]string, key string) (string, bool, error) {
	z := c.zoneCache()
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.built {
		if v, ok := side(z)[key]; ok {
			return v, true, nil
		}
	}
	if err := c.buildZoneMapLocked(ctx, op, z); err != nil {
		return "", false, err
	}
	v, ok := side(z)[key]
	return v, ok, nil
}

// localDomainManager returns this Prism Central's domain manager extId: one list of the
// domain managers, once per process.
func (c *Client) localDomainManager(ctx context.Context, op string) (string, error) {
	z := c.zoneCache()
	z.mu.Lock()
	defer z.mu.Unlock()
	return c.localDomainManagerLocked(ctx, op, z)
}

func (c *Client) localDomainManagerLocked(ctx context.Context, op string, z *zoneMap) (string, error) {
	if z.local != "" {
		return z.local, nil
	}
	dms, err := listV4[v4DomainManagerJSON](ctx, c, v4List{op: op, path: v4Prism.Path("/config/domain-managers")})
	if err != nil {
		return "", err
	}
	if len(dms) == 0 || dms[0].ExtID == "" {
		return "", fmt.Errorf("%s: GET %s listed no domain manager: this Prism Central does not name itself over v4", op, v4Prism.Path("/config/domain-managers"))
	}
	z.local = dms[0].ExtID
	return z.local, nil
}

// registrationsPath is the collection of the registrations of domain manager dm.
func registrationsPath(dm string) string {
	return v4Prism.Path("/management/domain-managers/" + escape(dm) + "/registrations")
}

// buildZoneMapLocked lists the zones (v3), the local domain manager (once per process) and
// its registrations (v4); z.mu is held.
func (c *Client) buildZoneMapLocked(ctx context.Context, op string, z *zoneMap) error {
	azs, err := kindAvailabilityZone.flow(ctx, c).list(ctx, c, op, "", nil)
	if err != nil {
		return err
	}
	local, err := c.localDomainManagerLocked(ctx, op, z)
	if err != nil {
		return err
	}
	regs, err := listV4[v4RegistrationJSON](ctx, c, v4List{op: op, path: registrationsPath(local)})
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
				id := r.remoteID()
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
	z.toDM, z.toAZ, z.built = toDM, toAZ, true
	return nil
}
