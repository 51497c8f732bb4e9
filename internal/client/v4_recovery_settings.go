package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
)

// Recovery settings of a v4 recovery plan (datapolicies v4.2,
// /config/recovery-plans/{id}/recovery-settings; internal/apispec/v4/README.md): how a VM, or
// the VMs of a category, are recovered. The client's RecoveryPlan keeps them where v3 does:
//   - a stage entity's power state and in-guest script (one script config) are the setting of
//     its VM (VmRecoverySetting.vm) or of its category (VmCategoryRecoverySetting);
//   - a network mapping side's static addresses (recovery and test, one address per VM) are
//     the ipMappings of the VM's setting: primaryIp/primaryTestIp on the primary location's
//     side, recoveryIp/recoveryTestIp on the recovery one, by the mapping's extId.
// What has no v4 form here is refused before anything is sent (errNoV4Form): several
// scripts on one entity, several addresses of one VM on one side, one VM or category given
// two different settings. Floating IPs (floatingIpAssociations) are not spoken over v4 yet.
// Settings are synced by their VM or category (a PUT where one differs, a POST for a new
// one, a DELETE for one no longer asked), after the stages and network mappings, whose extIds
// the IP mappings name.

// v4SettingJSON is datapolicies.v4.config.RecoverySetting as the client reads it.
type v4SettingJSON struct {
	ExtID   string `json:"extId,omitempty"`
	Setting *struct {
		ObjectType      string    `json:"$objectType"`
		VM              *v4ExtRef `json:"vm,omitempty"`
		VMCategoryExtID string    `json:"vmCategoryExtId,omitempty"`
		PowerState      string    `json:"powerState,omitempty"`
		Script          *struct {
			IsEnabled   *bool  `json:"isEnabled"`
			TimeoutSecs *int64 `json:"timeoutSecs,omitempty"`
		} `json:"inGuestScriptExecutionConfig,omitempty"`
		IPMappings  []v4IPMappingJSON `json:"ipMappings,omitempty"`
		FloatingIPs []json.RawMessage `json:"floatingIpAssociations,omitempty"`
		VGs         []json.RawMessage `json:"volumeGroupAttachments,omitempty"`
	} `json:"recoverySetting"`
}

type v4IPMappingJSON struct {
	NetworkMappingExtID string    `json:"networkMappingExtId"`
	PrimaryIP           *v4IPJSON `json:"primaryIp,omitempty"`
	RecoveryIP          *v4IPJSON `json:"recoveryIp,omitempty"`
	PrimaryTestIP       *v4IPJSON `json:"primaryTestIp,omitempty"`
	RecoveryTestIP      *v4IPJSON `json:"recoveryTestIp,omitempty"`
}

type v4IPJSON struct {
	IPv4 *struct {
		Value string `json:"value"`
	} `json:"ipv4"`
}

func (i *v4IPJSON) value() string {
	if i == nil || i.IPv4 == nil {
		return ""
	}
	return i.IPv4.Value
}

const (
	v4ObjVMSetting       = "datapolicies.v4.config.VmRecoverySetting"
	v4ObjCategorySetting = "datapolicies.v4.config.VmCategoryRecoverySetting"
)

// key names a setting by its VM or category extId.
func (s *v4SettingJSON) key() string {
	if s.Setting == nil {
		return ""
	}
	if s.Setting.VM != nil {
		return "vm:" + s.Setting.VM.ExtID
	}
	return "category:" + s.Setting.VMCategoryExtID
}

// applyV4Settings puts the settings read into p, whose stages and network mappings (with
// their extIds, mappingIDs) are read already. A setting p cannot hold is errNoV4Form, so that
// the plan is read over v3 under "auto".
func (c *Client) applyV4Settings(ctx context.Context, op string, p *RecoveryPlan, mappingIDs []string, settings []v4SettingJSON) error {
	for _, s := range settings {
		rs := s.Setting
		if rs == nil {
			continue
		}
		if len(rs.FloatingIPs) > 0 || len(rs.VGs) > 0 || (rs.ObjectType != "" && rs.ObjectType != v4ObjVMSetting && rs.ObjectType != v4ObjCategorySetting) {
			return noV4Form("recovery plan %s has a recovery setting (%s) with floating IPs or volume groups, which this client reads over v3 only", p.UUID, s.ExtID)
		}
		var match func(e RecoveryEntity) bool
		switch {
		case rs.VM != nil:
			vm := rs.VM.ExtID
			match = func(e RecoveryEntity) bool { return e.VMUUID == vm && len(e.Categories) == 0 }
		default:
			params, err := c.categoryParams(ctx, op, []string{rs.VMCategoryExtID})
			if err != nil {
				return err
			}
			match = func(e RecoveryEntity) bool {
				if e.VMUUID != "" || len(e.Categories) != 1 {
					return false
				}
				for k, vs := range params {
					if len(vs) == 1 && e.Categories[k] == vs[0] {
						return true
					}
				}
				return false
			}
		}
		if rs.PowerState != "" || rs.Script != nil {
			found := false
			for i := range p.Stages {
				for j := range p.Stages[i].Entities {
					e := &p.Stages[i].Entities[j]
					if !match(*e) {
						continue
					}
					found = true
					e.PowerState = rs.PowerState
					e.Scripts = nil
					if rs.Script != nil && rs.Script.IsEnabled != nil {
						e.Scripts = []RecoveryScript{{Enabled: *rs.Script.IsEnabled, TimeoutSecs: rs.Script.TimeoutSecs}}
					}
				}
			}
			if !found {
				return noV4Form("recovery plan %s has a recovery setting (%s) for what no stage entity selects alone, which this client reads over v3 only", p.UUID, s.ExtID)
			}
		}
		for _, m := range rs.IPMappings {
			at := slices.Index(mappingIDs, m.NetworkMappingExtID)
			if rs.VM == nil || at < 0 || at >= len(p.NetworkMappings) || len(p.NetworkMappings[at].PerAZ) != 2 {
				return noV4Form("recovery plan %s: recovery setting %s names network mapping %s, which this client cannot place", p.UUID, s.ExtID, m.NetworkMappingExtID)
			}
			per := p.NetworkMappings[at].PerAZ
			for side, ips := range [2][2]string{{m.PrimaryIP.value(), m.PrimaryTestIP.value()}, {m.RecoveryIP.value(), m.RecoveryTestIP.value()}} {
				if ips[0] != "" {
					per[side].RecoveryIPs = append(per[side].RecoveryIPs, VMIPAssignment{VMUUID: rs.VM.ExtID, IPs: []string{ips[0]}})
				}
				if ips[1] != "" {
					per[side].TestIPs = append(per[side].TestIPs, VMIPAssignment{VMUUID: rs.VM.ExtID, IPs: []string{ips[1]}})
				}
			}
		}
	}
	return nil
}

// v4SettingWant is a setting to write: its body without the IP mappings, and the IP
// mappings by network mapping position (extIds are known once the mappings are synced).
type v4SettingWant struct {
	key  string
	body map[string]any
	ips  map[int]*[4]string // mapping position -> primary, recovery, primary test, recovery test
}

// v4PlanSettings builds the settings p asks for, refusing what v4 cannot say.
func v4PlanSettings(ctx context.Context, c *Client, op string, p *RecoveryPlan, zones [2]RecoveryPlanAZ) ([]*v4SettingWant, error) {
	var out []*v4SettingWant
	byKey := map[string]*v4SettingWant{}
	get := func(key string, scope map[string]any) *v4SettingWant {
		if w, ok := byKey[key]; ok {
			return w
		}
		w := &v4SettingWant{key: key, body: scope, ips: map[int]*[4]string{}}
		byKey[key] = w
		out = append(out, w)
		return w
	}
	// The VMs with static addresses first, in the order of the assignment lists (Prism
	// Central lists the settings so, and a read rebuilds the lists from that order), then the
	// stage entities' settings.
	for i, m := range p.NetworkMappings {
		for side := range zones {
			at := v4MappingSide(m.PerAZ, zones, side)
			if at < 0 {
				continue
			}
			a := m.PerAZ[at]
			for test, list := range [][]VMIPAssignment{a.RecoveryIPs, a.TestIPs} {
				for _, ip := range list {
					if len(ip.IPs) != 1 {
						return nil, noV4Form("network mapping %d: VM %s has %d addresses on one side; a v4 IP mapping has one", i, ip.VMUUID, len(ip.IPs))
					}
					w := get("vm:"+ip.VMUUID, map[string]any{"$objectType": v4ObjVMSetting, "vm": map[string]any{"extId": ip.VMUUID}})
					slot := w.ips[i]
					if slot == nil {
						slot = &[4]string{}
						w.ips[i] = slot
					}
					slot[side+2*test] = ip.IPs[0]
				}
			}
		}
	}
	for i, s := range p.Stages {
		for j, e := range s.Entities {
			if len(e.Scripts) == 0 && e.PowerState == "" {
				continue
			}
			if len(e.Scripts) > 1 {
				return nil, noV4Form("stage %d, entity %d: a v4 recovery setting has one in-guest script configuration, not %d", i, j, len(e.Scripts))
			}
			var w *v4SettingWant
			if e.VMUUID != "" && len(e.Categories) == 0 {
				w = get("vm:"+e.VMUUID, map[string]any{"$objectType": v4ObjVMSetting, "vm": map[string]any{"extId": e.VMUUID}})
			} else {
				for k, v := range e.Categories {
					ids, err := c.categoryExtIDs(ctx, op, map[string][]string{k: {v}})
					if err != nil {
						return nil, err
					}
					w = get("category:"+ids[0], map[string]any{"$objectType": v4ObjCategorySetting, "vmCategoryExtId": ids[0]})
				}
			}
			set := map[string]any{}
			if e.PowerState != "" {
				set["powerState"] = e.PowerState
			}
			if len(e.Scripts) == 1 {
				cfg := map[string]any{"$objectType": "datapolicies.v4.config.InGuestScriptExecutionConfig", "isEnabled": e.Scripts[0].Enabled}
				if e.Scripts[0].TimeoutSecs != nil {
					cfg["timeoutSecs"] = *e.Scripts[0].TimeoutSecs
				}
				set["inGuestScriptExecutionConfig"] = cfg
			}
			for k, v := range set {
				if old, ok := w.body[k]; ok && fmt.Sprint(old) != fmt.Sprint(v) {
					return nil, noV4Form("stage %d, entity %d: %s is given two different recovery settings, which v4 cannot say", i, j, w.key)
				}
				w.body[k] = v
			}
		}
	}
	return out, nil
}

// render returns the setting's body with its IP mappings named by mapping extId.
func (w *v4SettingWant) render(mappingIDs []string) (map[string]any, error) {
	set := map[string]any{}
	for k, v := range w.body {
		set[k] = v
	}
	positions := make([]int, 0, len(w.ips))
	for i := range w.ips {
		positions = append(positions, i)
	}
	sort.Ints(positions)
	var ipms []any
	for _, i := range positions {
		if i >= len(mappingIDs) {
			return nil, fmt.Errorf("network mapping %d has no extId", i)
		}
		m := map[string]any{"$objectType": "datapolicies.v4.config.IpMapping", "networkMappingExtId": mappingIDs[i]}
		for k, name := range []string{"primaryIp", "recoveryIp", "primaryTestIp", "recoveryTestIp"} {
			if v := w.ips[i][k]; v != "" {
				m[name] = map[string]any{"$objectType": "common.v1.config.IPAddress", "ipv4": map[string]any{"$objectType": "common.v1.config.IPv4Address", "value": v}}
			}
		}
		ipms = append(ipms, m)
	}
	if len(ipms) > 0 {
		set["ipMappings"] = ipms
	}
	return map[string]any{"$objectType": "datapolicies.v4.config.RecoverySetting",
		"recoverySetting": set, "$recoverySettingItemDiscriminator": set["$objectType"]}, nil
}

// canonSetting renders what the client models of a setting, to compare one as read with one
// as asked.
func canonSetting(raw []byte) string {
	var s v4SettingJSON
	_ = json.Unmarshal(raw, &s)
	s.ExtID = ""
	if s.Setting != nil {
		s.Setting.ObjectType = ""
		for i := range s.Setting.IPMappings {
			m := &s.Setting.IPMappings[i]
			for _, ip := range []**v4IPJSON{&m.PrimaryIP, &m.RecoveryIP, &m.PrimaryTestIP, &m.RecoveryTestIP} {
				if (*ip).value() == "" {
					*ip = nil
				}
			}
		}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// syncSettings makes the plan's recovery settings those asked, by VM or category.
func (f *v4PlanFlow) syncSettings(ctx context.Context, c *Client, op, id string, want []*v4SettingWant) error {
	base := f.partsPath(id, "recovery-settings")
	mappings, err := listV4[v4ExtRef](ctx, c, v4List{op: op, path: f.partsPath(id, "network-mappings")})
	if err != nil {
		return err
	}
	mappingIDs := make([]string, len(mappings))
	for i, m := range mappings {
		mappingIDs[i] = m.ExtID
	}
	haveRaw, err := listV4[json.RawMessage](ctx, c, v4List{op: op, path: base})
	if err != nil {
		return err
	}
	have := map[string]json.RawMessage{}
	for _, raw := range haveRaw {
		var s v4SettingJSON
		if err := json.Unmarshal(raw, &s); err == nil {
			have[s.key()] = raw
		}
	}
	asked := map[string]bool{}
	for _, w := range want {
		asked[w.key] = true
		body, err := w.render(mappingIDs)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		wraw, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		cur, ok := have[w.key]
		if !ok {
			task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPost, path: base, in: body, requestID: NewRequestID()})
			if err == nil {
				_, err = c.WaitForV4Task(ctx, task, op, nil)
			}
			if err != nil {
				return err
			}
			continue
		}
		if canonSetting(cur) == canonSetting(wraw) {
			continue
		}
		var ref v4ExtRef
		_ = json.Unmarshal(cur, &ref)
		path := base + "/" + escape(ref.ExtID)
		err = conditionalV4(ctx, c, op, func() (json.RawMessage, string, error) {
			var raw json.RawMessage
			etag, err := c.getV4Entity(ctx, op, path, &raw)
			return raw, etag, err
		}, func(_ json.RawMessage, etag string) (string, bool, error) {
			task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPut, path: path, in: body, requestID: NewRequestID(), etag: etag})
			return task, true, err
		})
		if err != nil {
			return err
		}
	}
	for _, raw := range haveRaw {
		var s v4SettingJSON
		if err := json.Unmarshal(raw, &s); err != nil || asked[s.key()] {
			continue
		}
		if err := c.deleteV4(ctx, op, base+"/"+escape(s.ExtID)); err != nil {
			return err
		}
	}
	return nil
}
