package v4

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Protection policies (datapolicies v4.2, SDK datapolicies-go-client
// api/protection_policies_api.go, models/datapolicies/v4/config ProtectionPolicy):
//
//	POST   /api/datapolicies/v4.2/config/protection-policies          -> 202 TaskReference
//	GET    /api/datapolicies/v4.2/config/protection-policies[?OData]   -> []ProtectionPolicy
//	GET    /api/datapolicies/v4.2/config/protection-policies/{extId}   -> ProtectionPolicy, ETag
//	PUT    /api/datapolicies/v4.2/config/protection-policies/{extId}   -> 202 TaskReference (If-Match)
//	DELETE /api/datapolicies/v4.2/config/protection-policies/{extId}   -> 202 TaskReference (If-Match)
//
// A policy is the model's protection rule (v3 protection_rule): one entity, whichever wire
// created it.

var policiesPath = DataPolicies.Prefix() + "/config/protection-policies"

var policyFields = []string{"extId", "name", "description"}

const policyType = "datapolicies.v4.config.ProtectionPolicy"

func policyRoutes() []Route {
	return []Route{
		{http.MethodPost, policiesPath, "protection_policy", handleCreatePolicy},
		{http.MethodGet, policiesPath, "protection_policy", handleListPolicies},
		{http.MethodGet, policiesPath + "/{extId}", "protection_policy", handleGetPolicy},
		{http.MethodPut, policiesPath + "/{extId}", "protection_policy", handleUpdatePolicy},
		{http.MethodDelete, policiesPath + "/{extId}", "protection_policy", handleDeletePolicy},
	}
}

// The request body, as the SDK marshals it.
type policyIn struct {
	Name                      *string         `json:"name"`
	Description               *string         `json:"description"`
	CategoryIDsJSON           []string        `json:"categoryIds"`
	ReplicationLocations      []locationIn    `json:"replicationLocations"`
	ReplicationConfigurations []configurateIn `json:"replicationConfigurations"`
}

type locationIn struct {
	Label              *string `json:"label"`
	DomainManagerExtID *string `json:"domainManagerExtId"`
	IsPrimary          *bool   `json:"isPrimary"`
	SubLocation        *struct {
		ObjectType    string   `json:"$objectType"`
		ClusterExtIDs []string `json:"clusterExtIds"`
		StoreExtID    *string  `json:"recoveryPointRepositoryExtId"`
	} `json:"replicationSubLocation"`
}

type configurateIn struct {
	SourceLocationLabel *string `json:"sourceLocationLabel"`
	RemoteLocationLabel *string `json:"remoteLocationLabel"`
	Schedule            *struct {
		RPOSecs           *int64  `json:"recoveryPointObjectiveTimeSeconds"`
		RecoveryPointType *string `json:"recoveryPointType"`
		Retention         *struct {
			ObjectType string          `json:"$objectType"`
			Local      json.RawMessage `json:"local"`
			Remote     json.RawMessage `json:"remote"`
		} `json:"retention"`
		StartTime           *string `json:"startTime"`
		SyncAutoSuspendSecs *int64  `json:"syncReplicationAutoSuspendTimeoutSeconds"`
	} `json:"schedule"`
}

type rollupIn struct {
	IntervalType *string `json:"snapshotIntervalType"`
	Frequency    *int64  `json:"frequency"`
}

// policyOf checks the body's required fields (those the SDK marshals without omitempty)
// and converts it; field names the first field at fault.
func policyOf(in policyIn) (p ProtectionPolicy, field string, err error) {
	if in.Name == nil || *in.Name == "" {
		return p, "name", fmt.Errorf("name is required")
	}
	p.Name = *in.Name
	if in.Description != nil {
		p.Description = *in.Description
	}
	p.CategoryIDs = in.CategoryIDsJSON
	if len(in.ReplicationLocations) == 0 {
		return p, "replicationLocations", fmt.Errorf("replicationLocations is required and must not be empty")
	}
	for i, l := range in.ReplicationLocations {
		f := fmt.Sprintf("replicationLocations[%d]", i)
		if l.Label == nil || *l.Label == "" {
			return p, f + ".label", fmt.Errorf("%s.label is required", f)
		}
		if l.DomainManagerExtID == nil || *l.DomainManagerExtID == "" {
			return p, f + ".domainManagerExtId", fmt.Errorf("%s.domainManagerExtId is required", f)
		}
		loc := ReplicationLocation{Label: *l.Label, DomainManagerExtID: *l.DomainManagerExtID, IsPrimary: l.IsPrimary != nil && *l.IsPrimary}
		if s := l.SubLocation; s != nil {
			switch s.ObjectType {
			case "datapolicies.v4.config.Mst":
				if s.StoreExtID == nil {
					return p, f + ".replicationSubLocation", fmt.Errorf("%s.replicationSubLocation: an Mst names its recoveryPointRepositoryExtId", f)
				}
				loc.StoreExtID = *s.StoreExtID
			case "datapolicies.v4.config.NutanixCluster", "":
				loc.ClusterExtIDs = s.ClusterExtIDs
			default:
				return p, f + ".replicationSubLocation", fmt.Errorf("%s.replicationSubLocation: $objectType must be datapolicies.v4.config.NutanixCluster or datapolicies.v4.config.Mst, got %q", f, s.ObjectType)
			}
		}
		p.Locations = append(p.Locations, loc)
	}
	if in.ReplicationConfigurations == nil {
		return p, "replicationConfigurations", fmt.Errorf("replicationConfigurations is required")
	}
	for i, c := range in.ReplicationConfigurations {
		f := fmt.Sprintf("replicationConfigurations[%d]", i)
		if c.SourceLocationLabel == nil || *c.SourceLocationLabel == "" {
			return p, f + ".sourceLocationLabel", fmt.Errorf("%s.sourceLocationLabel is required", f)
		}
		if c.Schedule == nil || c.Schedule.RPOSecs == nil {
			return p, f + ".schedule.recoveryPointObjectiveTimeSeconds", fmt.Errorf("%s.schedule.recoveryPointObjectiveTimeSeconds is required", f)
		}
		rc := ReplicationConfiguration{Source: *c.SourceLocationLabel, RPOSecs: *c.Schedule.RPOSecs, SyncAutoSuspendSecs: c.Schedule.SyncAutoSuspendSecs}
		if c.RemoteLocationLabel != nil {
			rc.Remote = *c.RemoteLocationLabel
		}
		if c.Schedule.RecoveryPointType != nil {
			rc.RecoveryPointType = *c.Schedule.RecoveryPointType
		}
		if c.Schedule.StartTime != nil {
			rc.StartTime = *c.Schedule.StartTime
		}
		if r := c.Schedule.Retention; r != nil {
			switch r.ObjectType {
			case "datapolicies.v4.config.LinearRetention":
				// local is required by the SDK; prismsim takes a retention without it as v3's
				// absent local retention (leniency, tools/prismsim/README.md).
				lr := &LinearRetention{}
				for _, side := range []struct {
					raw  json.RawMessage
					name string
					to   **int64
				}{{r.Local, "local", &lr.Local}, {r.Remote, "remote", &lr.Remote}} {
					if len(side.raw) == 0 || string(side.raw) == "null" {
						continue
					}
					*side.to = new(int64)
					if json.Unmarshal(side.raw, *side.to) != nil {
						return p, f + ".schedule.retention." + side.name, fmt.Errorf("%s.schedule.retention.%s must be a number of recovery points", f, side.name)
					}
				}
				rc.Linear = lr
			case "datapolicies.v4.config.AutoRollupRetention":
				rr := &RollupRetention{}
				for _, side := range []struct {
					raw  json.RawMessage
					name string
					to   **RollupDetails
				}{{r.Local, "local", &rr.Local}, {r.Remote, "remote", &rr.Remote}} {
					if len(side.raw) == 0 || string(side.raw) == "null" {
						continue
					}
					var d rollupIn
					if json.Unmarshal(side.raw, &d) != nil || d.IntervalType == nil || d.Frequency == nil {
						return p, f + ".schedule.retention." + side.name, fmt.Errorf("%s.schedule.retention.%s needs snapshotIntervalType and frequency", f, side.name)
					}
					*side.to = &RollupDetails{IntervalType: *d.IntervalType, Frequency: *d.Frequency}
				}
				rc.Rollup = rr
			default:
				return p, f + ".schedule.retention", fmt.Errorf("%s.schedule.retention: $objectType must be datapolicies.v4.config.LinearRetention or datapolicies.v4.config.AutoRollupRetention, got %q", f, r.ObjectType)
			}
		}
		p.Configurations = append(p.Configurations, rc)
	}
	return p, "", nil
}

func dp(objectType string, fields map[string]any) map[string]any {
	return DataPolicies.object(objectType, fields)
}

func renderPolicy(pc Backend, p ProtectionPolicy) map[string]any {
	locs := make([]any, 0, len(p.Locations))
	for _, l := range p.Locations {
		loc := map[string]any{"label": l.Label, "domainManagerExtId": l.DomainManagerExtID, "isPrimary": l.IsPrimary}
		if l.StoreExtID != "" {
			loc["$replicationSubLocationItemDiscriminator"] = "datapolicies.v4.config.Mst"
			loc["replicationSubLocation"] = dp("datapolicies.v4.config.Mst", map[string]any{"recoveryPointRepositoryExtId": l.StoreExtID})
		} else if len(l.ClusterExtIDs) > 0 {
			loc["$replicationSubLocationItemDiscriminator"] = "datapolicies.v4.config.NutanixCluster"
			loc["replicationSubLocation"] = dp("datapolicies.v4.config.NutanixCluster", map[string]any{"clusterExtIds": l.ClusterExtIDs})
		}
		locs = append(locs, dp("datapolicies.v4.config.ReplicationLocation", loc))
	}
	confs := make([]any, 0, len(p.Configurations))
	for _, c := range p.Configurations {
		sched := map[string]any{"recoveryPointObjectiveTimeSeconds": c.RPOSecs}
		if c.RecoveryPointType != "" {
			sched["recoveryPointType"] = c.RecoveryPointType
		}
		if c.StartTime != "" {
			sched["startTime"] = c.StartTime
		}
		if c.SyncAutoSuspendSecs != nil {
			sched["syncReplicationAutoSuspendTimeoutSeconds"] = *c.SyncAutoSuspendSecs
		}
		switch {
		case c.Linear != nil:
			r := map[string]any{}
			if c.Linear.Local != nil {
				r["local"] = *c.Linear.Local
			}
			if c.Linear.Remote != nil {
				r["remote"] = *c.Linear.Remote
			}
			sched["$retentionItemDiscriminator"] = "datapolicies.v4.config.LinearRetention"
			sched["retention"] = dp("datapolicies.v4.config.LinearRetention", r)
		case c.Rollup != nil:
			details := func(d RollupDetails) map[string]any {
				return dp("datapolicies.v4.config.AutoRollupRetentionDetails", map[string]any{"snapshotIntervalType": d.IntervalType, "frequency": d.Frequency})
			}
			r := map[string]any{}
			if c.Rollup.Local != nil {
				r["local"] = details(*c.Rollup.Local)
			}
			if c.Rollup.Remote != nil {
				r["remote"] = details(*c.Rollup.Remote)
			}
			sched["$retentionItemDiscriminator"] = "datapolicies.v4.config.AutoRollupRetention"
			sched["retention"] = dp("datapolicies.v4.config.AutoRollupRetention", r)
		}
		conf := map[string]any{"sourceLocationLabel": c.Source, "schedule": dp("datapolicies.v4.config.Schedule", sched)}
		if c.Remote != "" {
			conf["remoteLocationLabel"] = c.Remote
		}
		confs = append(confs, dp("datapolicies.v4.config.ReplicationConfiguration", conf))
	}
	out := map[string]any{
		"extId":                     p.ExtID,
		"name":                      p.Name,
		"replicationLocations":      locs,
		"replicationConfigurations": confs,
		"categoryIds":               nonNil(p.CategoryIDs),
		"links":                     []any{v4Link(pc.URL()+policiesPath+"/"+p.ExtID, "self")},
	}
	if p.Description != "" {
		out["description"] = p.Description
	}
	return dp(policyType, out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func findPolicy(b Backend, id string) (ProtectionPolicy, bool) {
	return findByID(b.ProtectionPolicies(), func(p ProtectionPolicy) string { return p.ExtID }, id)
}

func policyNotFound(id string) (int, any) {
	return DataPolicies.fail(http.StatusNotFound, 40400, "extId", "protection policy %s was not found", id)
}

func decodePolicy(rq Request) (ProtectionPolicy, int, any, bool) {
	var in policyIn
	if st, body, ok := DataPolicies.decode(rq, &in); !ok {
		return ProtectionPolicy{}, st, body, false
	}
	p, field, err := policyOf(in)
	if err != nil {
		st, body := DataPolicies.fail(http.StatusBadRequest, 40004, field, "%v", err)
		return p, st, body, false
	}
	return p, 0, nil, true
}

func handleCreatePolicy(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		p, st, body, ok := decodePolicy(rq)
		if !ok {
			return st, body
		}
		_, task, err := rq.PC.CreateProtectionPolicy(rq.HTTP.Context(), p)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.CreateProtectionPolicyApiResponse", task)
	})
}

func handleListPolicies(rq Request) (int, any) {
	return listOf(DataPolicies, rq, policyFields, "datapolicies.v4.config.ListProtectionPoliciesApiResponse", policyType,
		rq.PC.ProtectionPolicies(), func(p ProtectionPolicy) map[string]any { return renderPolicy(rq.PC, p) })
}

func handleGetPolicy(rq Request) (int, any) {
	p, ok := findPolicy(rq.PC, rq.Params["extId"])
	if !ok {
		return policyNotFound(rq.Params["extId"])
	}
	return DataPolicies.entityAnswer(http.StatusOK, "datapolicies.v4.config.GetProtectionPolicyApiResponse", renderPolicy(rq.PC, p))
}

func handleUpdatePolicy(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		id := rq.Params["extId"]
		cur, found := findPolicy(rq.PC, id)
		if st, body, ok := DataPolicies.matchCurrent(rq, found, "protection policy "+id,
			func() map[string]any { return renderPolicy(rq.PC, cur) }); !ok {
			return st, body
		}
		p, st, body, ok := decodePolicy(rq)
		if !ok {
			return st, body
		}
		p.ExtID = cur.ExtID
		task, err := rq.PC.UpdateProtectionPolicy(rq.HTTP.Context(), p)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.UpdateProtectionPolicyApiResponse", task)
	})
}

func handleDeletePolicy(rq Request) (int, any) {
	return DataPolicies.mutation(rq, func() (int, any) {
		id := rq.Params["extId"]
		cur, found := findPolicy(rq.PC, id)
		if st, body, ok := DataPolicies.matchCurrent(rq, found, "protection policy "+id,
			func() map[string]any { return renderPolicy(rq.PC, cur) }); !ok {
			return st, body
		}
		task, err := rq.PC.DeleteProtectionPolicy(rq.HTTP.Context(), cur.ExtID)
		if err != nil {
			return DataPolicies.failModel(err)
		}
		return DataPolicies.taskAnswer("datapolicies.v4.config.DeleteProtectionPolicyApiResponse", task)
	})
}
