package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
)

// Recovery plans over the v4 API (datapolicies v4.2, /config/recovery-plans). A v4 plan is
// several entities (internal/apispec/v4/README.md, "Recovery plans"): the plan (name, primary
// and recovery locations), its stages (/stages: VMs or categories, in priority order, with a
// delay after each) and its network mappings (/network-mappings), each with its own extId,
// ETag and tasks. The client's RecoveryPlan maps to them:
//   - availability zones [primary, recovery] are the plan's primaryLocation and
//     recoveryLocation (zone uuid <-> domainManagerExtId, v4_zones.go), with their clusters;
//   - stage i is the stage of priority i+1; its entities are VMs (entities) or categories
//     with one key each (categoryExtIds); its delay is its DelayAction;
//   - a network mapping's two zones are its primary and recovery networks (subnet name, VPC,
//     gateway and prefix), recovery and test.
//
// A create POSTs the plan, then each stage and mapping; an update changes the plan, then the
// stages and mappings by position (a PUT where one differs, a POST for a new one, a DELETE
// for one no longer asked), every write under its own request id and If-Match. What v4
// cannot say in this client is refused before anything is sent: floating IPs, witnesses,
// cut-over modes, in-guest scripts, power states, static IPs (v4 recovery settings, not
// spoken yet), stretched networks, a stage mixing VMs and categories, a category entity of
// several keys, several subnets in one network. Validation messages are not read over v4 (the
// v4 plan has no status): Validation is empty.

const v4PlanRel = "recovery-plan"

// v4PlanJSON is datapolicies.v4.config.RecoveryPlan as the client reads it.
type v4PlanJSON struct {
	ExtID            string        `json:"extId"`
	Name             string        `json:"name"`
	Description      string        `json:"description"`
	PrimaryLocation  *v4DRLocation `json:"primaryLocation"`
	RecoveryLocation *v4DRLocation `json:"recoveryLocation"`
	Witness          *struct {
		ExtID       string `json:"extId"`
		TimeoutSecs *int64 `json:"timeoutSecs"`
	} `json:"witness"`
}

type v4DRLocation struct {
	DomainManagerExtID string     `json:"domainManagerExtId"`
	Clusters           []v4ExtRef `json:"clusters"`
}

type v4ExtRef struct {
	ExtID string `json:"extId"`
}

// v4StageJSON is datapolicies.v4.config.RecoveryStage.
type v4StageJSON struct {
	ExtID          string     `json:"extId,omitempty"`
	EntityType     string     `json:"entityType"`
	Priority       int        `json:"priority"`
	CategoryExtIDs []string   `json:"categoryExtIds,omitempty"`
	Entities       []v4ExtRef `json:"entities,omitempty"`
	PostActions    []struct {
		Config *struct {
			DelaySecs *int64 `json:"delaySecs"`
		} `json:"config"`
	} `json:"postActions,omitempty"`
}

// v4NetJSON is datapolicies.v4.config.NetworkConfig.
type v4NetJSON struct {
	SubnetName string    `json:"subnetName,omitempty"`
	Vpc        *v4ExtRef `json:"vpc,omitempty"`
	IPConfig   *struct {
		IPv4 *struct {
			DefaultGatewayIP string `json:"defaultGatewayIp"`
			PrefixLength     int64  `json:"prefixLength"`
		} `json:"ipv4"`
	} `json:"ipConfig,omitempty"`
}

// v4MappingJSON is datapolicies.v4.config.NetworkMapping.
type v4MappingJSON struct {
	ExtID               string     `json:"extId,omitempty"`
	PrimaryNetwork      *v4NetJSON `json:"primaryNetwork"`
	PrimaryTestNetwork  *v4NetJSON `json:"primaryTestNetwork,omitempty"`
	RecoveryNetwork     *v4NetJSON `json:"recoveryNetwork"`
	RecoveryTestNetwork *v4NetJSON `json:"recoveryTestNetwork,omitempty"`
}

// v4PlanFlow is the recovery plan on the v4 wire: the plan entity through v4Kind, its stages
// and network mappings beside it.
type v4PlanFlow struct {
	head *v4Kind[RecoveryPlan, RecoveryPlan]
}

var v4RecoveryPlans = &v4PlanFlow{head: &v4Kind[RecoveryPlan, RecoveryPlan]{
	ns:         v4DataPolicies,
	collection: "/config/recovery-plans",
	rel:        v4PlanRel,
	decode:     decodeV4PlanHead,
	write:      writeV4PlanHead,
	name:       func(p *RecoveryPlan) string { return p.Name },
}}

func (f *v4PlanFlow) partsPath(id, part string) string {
	return v4DataPolicies.Path("/config/recovery-plans/" + escape(id) + "/" + part)
}

func (f *v4PlanFlow) get(ctx context.Context, c *Client, op, id string) (*RecoveryPlan, error) {
	p, err := f.head.get(ctx, c, op, id)
	if err != nil {
		return nil, err
	}
	return p, f.readParts(ctx, c, op, p)
}

func (f *v4PlanFlow) list(ctx context.Context, c *Client, op, filter string, worth func(pages int) bool) ([]RecoveryPlan, error) {
	ps, err := f.head.list(ctx, c, op, filter, worth)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if err := f.readParts(ctx, c, op, &ps[i]); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

func (f *v4PlanFlow) create(ctx context.Context, c *Client, op string, v *RecoveryPlan, id string, accepted func(id string) *RecoveryPlan) (*RecoveryPlan, error) {
	// The parts are built (and refused) before the plan is created.
	stages, mappings, settings, err := v4PlanParts(ctx, c, op, v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	// A witness watches the VMs the stages select: a plan without stages cannot have one
	// (Prism Central refuses it), so the witness comes with an update once the stages exist.
	head := *v
	head.Witnesses = nil
	p, err := f.head.create(ctx, c, op, &head, id, accepted)
	if err != nil {
		return p, err
	}
	if err := f.syncParts(ctx, c, op, p.UUID, stages, mappings, settings); err != nil {
		return accepted(p.UUID), err
	}
	if len(v.Witnesses) > 0 {
		if _, err := f.head.update(ctx, c, op, p.UUID, v); err != nil {
			return accepted(p.UUID), err
		}
	}
	return f.get(ctx, c, op, p.UUID)
}

func (f *v4PlanFlow) update(ctx context.Context, c *Client, op, id string, v *RecoveryPlan) (*RecoveryPlan, error) {
	stages, mappings, settings, err := v4PlanParts(ctx, c, op, v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if _, err := f.head.update(ctx, c, op, id, v); err != nil {
		return nil, err
	}
	if err := f.syncParts(ctx, c, op, id, stages, mappings, settings); err != nil {
		return nil, err
	}
	return f.get(ctx, c, op, id)
}

func (f *v4PlanFlow) remove(ctx context.Context, c *Client, op, id string) error {
	return f.head.remove(ctx, c, op, id)
}

// readParts reads the stages, network mappings and recovery settings of p (the power
// states, scripts and static IPs of its VMs, v4_recovery_settings.go).
func (f *v4PlanFlow) readParts(ctx context.Context, c *Client, op string, p *RecoveryPlan) error {
	stages, err := listV4[v4StageJSON](ctx, c, v4List{op: op, path: f.partsPath(p.UUID, "stages")})
	if err != nil {
		return err
	}
	sort.SliceStable(stages, func(i, j int) bool { return stages[i].Priority < stages[j].Priority })
	for _, s := range stages {
		st := RecoveryStage{UUID: s.ExtID}
		for _, a := range s.PostActions {
			if a.Config != nil && a.Config.DelaySecs != nil {
				d := *a.Config.DelaySecs
				st.DelaySecs = &d
			}
		}
		for _, e := range s.Entities {
			st.Entities = append(st.Entities, RecoveryEntity{VMUUID: e.ExtID})
		}
		for _, id := range s.CategoryExtIDs {
			params, err := c.categoryParams(ctx, op, []string{id})
			if err != nil {
				return err
			}
			ent := RecoveryEntity{Categories: map[string]string{}}
			for k, vs := range params {
				ent.Categories[k] = vs[0]
			}
			st.Entities = append(st.Entities, ent)
		}
		p.Stages = append(p.Stages, st)
	}
	mappings, err := listV4[v4MappingJSON](ctx, c, v4List{op: op, path: f.partsPath(p.UUID, "network-mappings")})
	if err != nil {
		return err
	}
	mappingIDs := make([]string, 0, len(mappings))
	for _, m := range mappings {
		mappingIDs = append(mappingIDs, m.ExtID)
		nm := NetworkMapping{}
		for i, pair := range [][2]*v4NetJSON{{m.PrimaryNetwork, m.PrimaryTestNetwork}, {m.RecoveryNetwork, m.RecoveryTestNetwork}} {
			az := AZNetworkMapping{Recovery: pair[0].toNetwork(), Test: pair[1].toNetwork()}
			if i < len(p.AvailabilityZones) {
				az.AvailabilityZoneUUID = p.AvailabilityZones[i].AvailabilityZoneUUID
				if len(p.AvailabilityZones) == 2 && p.AvailabilityZones[0].AvailabilityZoneUUID == p.AvailabilityZones[1].AvailabilityZoneUUID {
					az.ClusterUUIDs = slices.Clone(p.AvailabilityZones[i].ClusterUUIDs) // two clusters of one zone
				}
			}
			nm.PerAZ = append(nm.PerAZ, az)
		}
		p.NetworkMappings = append(p.NetworkMappings, nm)
	}
	settings, err := listV4[v4SettingJSON](ctx, c, v4List{op: op, path: f.partsPath(p.UUID, "recovery-settings")})
	if err != nil {
		return err
	}
	return c.applyV4Settings(ctx, op, p, mappingIDs, settings)
}

func (n *v4NetJSON) toNetwork() *RecoveryNetwork {
	if n == nil {
		return nil
	}
	out := &RecoveryNetwork{Name: n.SubnetName}
	if n.Vpc != nil {
		out.VPCUUID = n.Vpc.ExtID
	}
	if n.IPConfig != nil && n.IPConfig.IPv4 != nil {
		out.Subnets = []RecoverySubnet{{GatewayIP: n.IPConfig.IPv4.DefaultGatewayIP, PrefixLength: n.IPConfig.IPv4.PrefixLength}}
	}
	return out
}

func decodeV4PlanHead(ctx context.Context, c *Client, raw json.RawMessage) (RecoveryPlan, error) {
	var j v4PlanJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return RecoveryPlan{}, &DecodeError{What: "a v4 recovery plan", Err: err}
	}
	op := "reading recovery plan " + j.ExtID
	out := RecoveryPlan{UUID: j.ExtID, Name: j.Name, Description: j.Description, CutoverModeUnshown: true, ValidationUnshown: true}
	if w := j.Witness; w != nil && w.ExtID != "" {
		// The witness's extId is the domain manager whose witness service watches the plan:
		// the zone of that Prism Central (v4_zones.go).
		az, err := c.zoneOf(ctx, op, w.ExtID)
		if err != nil {
			return out, err
		}
		wit := Witness{Address: az}
		if w.TimeoutSecs != nil {
			wit.FailoverTimeoutSecs = *w.TimeoutSecs
		}
		out.Witnesses = []Witness{wit}
	}
	for _, l := range []*v4DRLocation{j.PrimaryLocation, j.RecoveryLocation} {
		if l == nil {
			continue
		}
		az, err := c.zoneOf(ctx, op, l.DomainManagerExtID)
		if err != nil {
			return out, err
		}
		loc := RecoveryPlanAZ{AvailabilityZoneUUID: az}
		for _, cl := range l.Clusters {
			loc.ClusterUUIDs = append(loc.ClusterUUIDs, cl.ExtID)
		}
		out.AvailabilityZones = append(out.AvailabilityZones, loc)
	}
	if len(out.AvailabilityZones) > 0 {
		zero := 0
		out.PrimaryLocationIndex = &zero
	}
	return out, nil
}

// v4PlanZones returns the plan's zones as [primary, recovery].
func v4PlanZones(p *RecoveryPlan) ([2]RecoveryPlanAZ, error) {
	if len(p.AvailabilityZones) != 2 {
		return [2]RecoveryPlanAZ{}, noV4Form("a v4 recovery plan has two availability zones, a primary and a recovery one; this one has %d", len(p.AvailabilityZones))
	}
	primary := 0
	if p.PrimaryLocationIndex != nil {
		primary = *p.PrimaryLocationIndex
	}
	if primary != 0 && primary != 1 {
		return [2]RecoveryPlanAZ{}, fmt.Errorf("primary location index %d is out of range 0-1", primary)
	}
	return [2]RecoveryPlanAZ{p.AvailabilityZones[primary], p.AvailabilityZones[1-primary]}, nil
}

func writeV4PlanHead(ctx context.Context, c *Client, body map[string]any, p *RecoveryPlan) error {
	op := "writing recovery plan " + p.Name
	switch {
	case len(p.FloatingIPs) > 0:
		return noV4Form("floating IP assignments have no v4 form in this provider version (v4 recovery settings)")
	case len(p.Witnesses) > 1:
		return noV4Form("a v4 recovery plan has one witness, not %d", len(p.Witnesses))
	case p.CutoverMode != "":
		return noV4Form("cut-over mode %s has no v4 form", p.CutoverMode)
	}
	zones, err := v4PlanZones(p)
	if err != nil {
		return err
	}
	body["name"] = p.Name
	if p.Description != "" || body["description"] != nil {
		body["description"] = p.Description
	}
	for i, key := range []string{"primaryLocation", "recoveryLocation"} {
		dm, err := c.domainManagerOf(ctx, op, zones[i].AvailabilityZoneUUID)
		if err != nil {
			return err
		}
		loc := map[string]any{"$objectType": "datapolicies.v4.config.DisasterRecoveryLocation", "domainManagerExtId": dm}
		if len(zones[i].ClusterUUIDs) > 0 {
			var cls []any
			for _, id := range zones[i].ClusterUUIDs {
				cls = append(cls, map[string]any{"extId": id})
			}
			loc["clusters"] = cls
		}
		body[key] = loc
	}
	delete(body, "witness")
	if len(p.Witnesses) == 1 {
		w := p.Witnesses[0]
		dm, err := c.domainManagerOf(ctx, op, w.Address)
		if err != nil {
			return err
		}
		wc := map[string]any{"$objectType": "datapolicies.v4.config.WitnessConfiguration", "extId": dm}
		if w.FailoverTimeoutSecs > 0 {
			wc["timeoutSecs"] = w.FailoverTimeoutSecs
		}
		body["witness"] = wc
	}
	return nil
}

// v4PlanParts builds the stage, network mapping and recovery setting bodies of p, refusing
// what v4 cannot say.
func v4PlanParts(ctx context.Context, c *Client, op string, p *RecoveryPlan) (stages, mappings []map[string]any, settings []*v4SettingWant, err error) {
	zones, err := v4PlanZones(p)
	if err != nil {
		return nil, nil, nil, err
	}
	if settings, err = v4PlanSettings(ctx, c, op, p, zones); err != nil {
		return nil, nil, nil, err
	}
	for i, s := range p.Stages {
		st := map[string]any{"$objectType": "datapolicies.v4.config.RecoveryStage", "entityType": "VM", "priority": i + 1}
		var vms, cats []any
		for j, e := range s.Entities {
			switch {
			case e.VMUUID != "" && len(e.Categories) == 0:
				vms = append(vms, map[string]any{"extId": e.VMUUID})
			case e.VMUUID == "" && len(e.Categories) == 1:
				for k, v := range e.Categories {
					ids, err := c.categoryExtIDs(ctx, op, map[string][]string{k: {v}})
					if err != nil {
						return nil, nil, nil, err
					}
					cats = append(cats, ids[0])
				}
			default:
				return nil, nil, nil, noV4Form("stage %d, entity %d: a v4 stage selects VMs, or categories one key at a time", i, j)
			}
		}
		switch {
		case len(vms) > 0 && len(cats) > 0:
			return nil, nil, nil, noV4Form("stage %d mixes VMs and categories, which a v4 stage cannot: split it in two", i)
		case len(vms) > 0:
			st["entities"] = vms
		case len(cats) > 0:
			st["categoryExtIds"] = cats
		}
		if s.DelaySecs != nil {
			act := map[string]any{"$objectType": "datapolicies.v4.config.DelayAction", "delaySecs": *s.DelaySecs}
			st["postActions"] = []any{map[string]any{"$objectType": "datapolicies.v4.config.StageAction", "config": act,
				"$configItemDiscriminator": act["$objectType"]}}
		}
		stages = append(stages, st)
	}
	for i, m := range p.NetworkMappings {
		if m.Stretched {
			return nil, nil, nil, noV4Form("network mapping %d: stretched networks have no v4 form in this provider version", i)
		}
		nm := map[string]any{"$objectType": "datapolicies.v4.config.NetworkMapping"}
		for side, zone := range zones {
			at := v4MappingSide(m.PerAZ, zones, side)
			if at < 0 {
				return nil, nil, nil, fmt.Errorf("network mapping %d has no networks for availability zone %s", i, zone.AvailabilityZoneUUID)
			}
			a := m.PerAZ[at]
			names := [2]string{"primaryNetwork", "primaryTestNetwork"}
			if side == 1 {
				names = [2]string{"recoveryNetwork", "recoveryTestNetwork"}
			}
			for k, n := range []*RecoveryNetwork{a.Recovery, a.Test} {
				if n == nil {
					continue
				}
				nc, err := v4Network(n)
				if err != nil {
					return nil, nil, nil, fmt.Errorf("network mapping %d: %w", i, err)
				}
				nm[names[k]] = nc
			}
		}
		mappings = append(mappings, nm)
	}
	return stages, mappings, settings, nil
}

// v4MappingSide finds the entry of per for the plan's zone side (0 primary, 1 recovery): the
// entry of that zone; when both locations are in one zone (two of its clusters), the entry
// naming that location's clusters, else the entry at that position.
func v4MappingSide(per []AZNetworkMapping, zones [2]RecoveryPlanAZ, side int) int {
	zone := zones[side]
	if zones[0].AvailabilityZoneUUID != zones[1].AvailabilityZoneUUID {
		return slices.IndexFunc(per, func(a AZNetworkMapping) bool { return a.AvailabilityZoneUUID == zone.AvailabilityZoneUUID })
	}
	at := slices.IndexFunc(per, func(a AZNetworkMapping) bool {
		return a.AvailabilityZoneUUID == zone.AvailabilityZoneUUID && len(a.ClusterUUIDs) > 0 &&
			len(zone.ClusterUUIDs) > 0 && slices.Contains(zone.ClusterUUIDs, a.ClusterUUIDs[0])
	})
	if at < 0 && side < len(per) && per[side].AvailabilityZoneUUID == zone.AvailabilityZoneUUID {
		at = side
	}
	return at
}

func v4Network(n *RecoveryNetwork) (map[string]any, error) {
	out := map[string]any{"$objectType": "datapolicies.v4.config.NetworkConfig", "subnetName": n.Name}
	if n.VPCUUID != "" {
		out["vpc"] = map[string]any{"extId": n.VPCUUID}
	}
	switch len(n.Subnets) {
	case 0:
	case 1:
		out["ipConfig"] = map[string]any{"$objectType": "datapolicies.v4.config.IPConfig", "ipv4": map[string]any{
			"$objectType": "datapolicies.v4.config.IPv4Config", "defaultGatewayIp": n.Subnets[0].GatewayIP, "prefixLength": n.Subnets[0].PrefixLength}}
	default:
		return nil, noV4Form("network %s: a v4 network has one subnet, not %d", n.Name, len(n.Subnets))
	}
	return out, nil
}

// syncParts makes the plan's stages, network mappings and recovery settings those asked
// (the settings last: their IP mappings name the mappings' extIds).
func (f *v4PlanFlow) syncParts(ctx context.Context, c *Client, op, id string, stages, mappings []map[string]any, settings []*v4SettingWant) error {
	byPriority := func(raw json.RawMessage) int {
		var s v4StageJSON
		_ = json.Unmarshal(raw, &s)
		return s.Priority
	}
	if err := syncV4Parts(ctx, c, op, f.partsPath(id, "stages"), stages, byPriority, canonStage); err != nil {
		return err
	}
	if err := syncV4Parts(ctx, c, op, f.partsPath(id, "network-mappings"), mappings, func(json.RawMessage) int { return 0 }, canonMapping); err != nil {
		return err
	}
	return f.syncSettings(ctx, c, op, id, settings)
}

// canonStage and canonMapping render what the client models of a part, to compare a part as
// read with one as asked.
func canonStage(raw json.RawMessage) string {
	var s v4StageJSON
	_ = json.Unmarshal(raw, &s)
	s.ExtID = ""
	b, _ := json.Marshal(s)
	return string(b)
}

func canonMapping(raw json.RawMessage) string {
	var m v4MappingJSON
	_ = json.Unmarshal(raw, &m)
	m.ExtID = ""
	b, _ := json.Marshal(m)
	return string(b)
}

// syncV4Parts makes the sub-collection at base hold want, by position (as read in rank
// order): a part that differs is updated (GET, PUT with If-Match, keeping what the client
// does not model), a missing one created, an extra one deleted; each waits for its task.
func syncV4Parts(ctx context.Context, c *Client, op, base string, want []map[string]any, rank func(json.RawMessage) int, canon func(json.RawMessage) string) error {
	have, err := listV4[json.RawMessage](ctx, c, v4List{op: op, path: base})
	if err != nil {
		return err
	}
	sort.SliceStable(have, func(i, j int) bool { return rank(have[i]) < rank(have[j]) })
	extID := func(raw json.RawMessage) string {
		var r v4ExtRef
		_ = json.Unmarshal(raw, &r)
		return r.ExtID
	}
	for i, w := range want {
		wraw, err := json.Marshal(w)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if i >= len(have) {
			task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPost, path: base, in: w, requestID: NewRequestID()})
			if err == nil {
				_, err = c.WaitForV4Task(ctx, task, op, nil)
			}
			if err != nil {
				return err
			}
			continue
		}
		if canon(have[i]) == canon(wraw) {
			continue
		}
		path := base + "/" + escape(extID(have[i]))
		err = conditionalV4(ctx, c, op, func() (json.RawMessage, string, error) {
			var raw json.RawMessage
			etag, err := c.getV4Entity(ctx, op, path, &raw)
			return raw, etag, err
		}, func(raw json.RawMessage, etag string) (string, bool, error) {
			body := map[string]any{}
			if err := decodeNumbers(raw, &body); err != nil {
				return "", false, err
			}
			for _, k := range []string{"entities", "categoryExtIds", "postActions", "primaryTestNetwork", "recoveryTestNetwork"} {
				delete(body, k) // optional parts: absent from w when not asked
			}
			for k, v := range w {
				body[k] = v
			}
			task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPut, path: path, in: body, requestID: NewRequestID(), etag: etag})
			return task, true, err
		})
		if err != nil {
			return err
		}
	}
	for i := len(want); i < len(have); i++ {
		if err := c.deleteV4(ctx, op, base+"/"+escape(extID(have[i]))); err != nil {
			return err
		}
	}
	return nil
}
