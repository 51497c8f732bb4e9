package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Recovery points over the v4 API (dataprotection v4.3, internal/apispec/v4/README.md,
// "Recovery points"): GET /config/recovery-points lists them (OData $filter, $orderby, $page,
// $limit), GET /config/recovery-points/{extId} reads one. A v4 recovery point holds VM
// recovery points (one per VM it captured); the client's RecoveryPoint is one VM recovery
// point, so a v4 point of several VMs gives several RecoveryPoints, all with the v4 point's
// extId as UUID (what the v4 read takes) and the VM recovery point's own extId as
// VMRecoveryPointUUID.
//
// What v4 does not say is left empty: the VM's name, the zone the point lives in (the Prism
// Central that lists it) and the protection policy that made it. The zone the point was taken
// in is its sourceLocation's domain manager, mapped to its availability zone (v4_zones.go).
// A list is two: without X-Cluster-Id, then with X-Cluster-Id: MST (the SDK's "cluster type
// from which recovery points must be fetched", AOS or MST), so that the points kept in MST
// stores are listed whether or not the Prism Central lists them by default; a point listed
// twice is kept once, and a 4xx answer to the second is taken as "none".
// The filters of ListVMRecoveryPoints that have a v4 form are vm_uuid==<uuid> and name==<name>,
// joined by "," (or); the others fall back to v3 under api_version = "auto".

// v4RecoveryPointJSON is dataprotection.v4.config.RecoveryPoint as the client reads it.
type v4RecoveryPointJSON struct {
	ExtID              string `json:"extId"`
	Name               string `json:"name"`
	LocationAgnosticID string `json:"locationAgnosticId"`
	RecoveryPointType  string `json:"recoveryPointType"`
	CreationTime       string `json:"creationTime"`
	ExpirationTime     string `json:"expirationTime"`
	LocationReferences []struct {
		LocationExtID string `json:"locationExtId"`
	} `json:"locationReferences"`
	SourceLocation *struct {
		DomainManagerExtID string   `json:"domainManagerExtId"`
		ClusterExtIDs      []string `json:"clusterExtIds"`
	} `json:"sourceLocation"`
	VMRecoveryPoints []struct {
		ExtID              string `json:"extId"`
		Name               string `json:"name"`
		VMExtID            string `json:"vmExtId"`
		LocationAgnosticID string `json:"locationAgnosticId"`
		RecoveryPointType  string `json:"recoveryPointType"`
		CreationTime       string `json:"creationTime"`
		ExpirationTime     string `json:"expirationTime"`
	} `json:"vmRecoveryPoints"`
}

// decodeV4RecoveryPoints converts a v4 recovery point into the VM recovery points it holds.
func decodeV4RecoveryPoints(ctx context.Context, c *Client, op string, raw json.RawMessage) ([]RecoveryPoint, error) {
	var p v4RecoveryPointJSON
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, &DecodeError{What: "a v4 recovery point", Err: err}
	}
	base := RecoveryPoint{
		UUID: p.ExtID, Name: p.Name, LocationAgnosticUUID: p.LocationAgnosticID, Type: p.RecoveryPointType,
		CreationTime: parseTime(p.CreationTime, 0), ExpirationTime: parseTime(p.ExpirationTime, 0),
	}
	if len(p.LocationReferences) > 0 {
		base.ClusterUUID = p.LocationReferences[0].LocationExtID
	}
	if s := p.SourceLocation; s != nil && s.DomainManagerExtID != "" {
		az, err := c.zoneOf(ctx, op, s.DomainManagerExtID)
		if err != nil {
			return nil, err
		}
		base.SourceAvailabilityZoneUUID = az
	}
	if len(p.VMRecoveryPoints) == 0 {
		return []RecoveryPoint{base}, nil
	}
	out := make([]RecoveryPoint, 0, len(p.VMRecoveryPoints))
	for _, v := range p.VMRecoveryPoints {
		rp := base
		rp.VMRecoveryPointUUID, rp.VMUUID = v.ExtID, v.VMExtID
		rp.Name = firstNonEmpty(base.Name, v.Name)
		rp.Type = firstNonEmpty(v.RecoveryPointType, base.Type)
		if t := parseTime(v.CreationTime, 0); !t.IsZero() {
			rp.CreationTime = t
		}
		if t := parseTime(v.ExpirationTime, 0); !t.IsZero() {
			rp.ExpirationTime = t
		}
		out = append(out, rp)
	}
	return out, nil
}

// v4RecoveryPointFlow is the recovery point on the v4 wire: read and listed; the client makes
// none (protection policies do).
type v4RecoveryPointFlow struct{}

var v4RecoveryPoints kindFlow[RecoveryPoint, RecoveryPoint] = v4RecoveryPointFlow{}

func v4RecoveryPointsPath(rest string) string {
	return v4DataProtection.Path("/config/recovery-points" + rest)
}

func (v4RecoveryPointFlow) get(ctx context.Context, c *Client, op, id string) (*RecoveryPoint, error) {
	var raw json.RawMessage
	if _, err := c.getV4Entity(ctx, op, v4RecoveryPointsPath("/"+escape(id)), &raw); err != nil {
		return nil, err
	}
	points, err := decodeV4RecoveryPoints(ctx, c, op, raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return &points[0], nil
}

func (v4RecoveryPointFlow) list(ctx context.Context, c *Client, op, filter string, _ func(pages int) bool) ([]RecoveryPoint, error) {
	odata, err := v4RecoveryPointFilter(filter)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	l := v4List{op: op, path: v4RecoveryPointsPath(""), filter: odata, orderby: "creationTime"}
	raws, err := listV4[json.RawMessage](ctx, c, l)
	if err != nil {
		return nil, err
	}
	// The points kept in MST stores, which a Prism Central may list only when asked
	// (X-Cluster-Id: MST); those the first list had already are left out.
	l.header = http.Header{"X-Cluster-Id": []string{"MST"}}
	mst, err := listV4[json.RawMessage](ctx, c, l)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500:
		c.log.Debug(ctx, "Prism Central refused the list of recovery points in MST stores; listing the others only",
			map[string]any{"operation": op, "error": err.Error()})
	case err != nil:
		return nil, err
	default:
		raws = append(raws, mst...)
	}
	out := make([]RecoveryPoint, 0, len(raws))
	seen := map[string]bool{}
	for _, raw := range raws {
		points, err := decodeV4RecoveryPoints(ctx, c, op, raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		for _, p := range points {
			if key := p.UUID + "/" + p.VMRecoveryPointUUID; !seen[key] {
				seen[key] = true
				out = append(out, p)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreationTime.Before(out[j].CreationTime) })
	return out, nil
}

var errRecoveryPointsReadOnly = errors.New("recovery points are made by protection policies: the client only reads them")

func (v4RecoveryPointFlow) create(context.Context, *Client, string, *RecoveryPoint, string, func(string) *RecoveryPoint) (*RecoveryPoint, error) {
	return nil, errRecoveryPointsReadOnly
}

func (v4RecoveryPointFlow) update(context.Context, *Client, string, string, *RecoveryPoint) (*RecoveryPoint, error) {
	return nil, errRecoveryPointsReadOnly
}

func (v4RecoveryPointFlow) remove(context.Context, *Client, string, string) error {
	return errRecoveryPointsReadOnly
}

// v4RecoveryPointFilter turns the FIQL filters of ListVMRecoveryPoints that v4 can say
// (vm_uuid==<uuid> and name==<name>, joined by "," for or) into OData.
func v4RecoveryPointFilter(fiql string) (string, error) {
	if fiql == "" {
		return "", nil
	}
	var terms []string
	for _, term := range strings.Split(fiql, ",") {
		attr, value, ok := strings.Cut(term, "==")
		if !ok || value == "" || strings.ContainsAny(value, ";()") {
			return "", noV4Form("the recovery point filter %q has no v4 form in this client", fiql)
		}
		switch attr {
		case "vm_uuid":
			terms = append(terms, "vmRecoveryPoints/any(v:"+V4FilterEq("v/vmExtId", value)+")")
		case "name":
			terms = append(terms, V4FilterEq("name", value))
		default:
			return "", noV4Form("the recovery point filter %q has no v4 form in this client (v4 filters by vm_uuid or name)", fiql)
		}
	}
	return strings.Join(terms, " or "), nil
}
