package client

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// VMs over the v4 API (vmm v4.2, /ahv/config/vms; internal/apispec/v4/README.md, "VMs"),
// behind the same VM, GetVM, ListVMs and UpdateVMCategories:
//   - a VM's id is its extId, taken to be the v3 uuid of the same VM (UNCONFIRMED, as for
//     the other kinds: protection policies and recovery plans name VMs by the same ids);
//   - its categories are category extIds over v4 and names (key -> value) in the provider:
//     they are mapped through the run's category names (v4_categories.go), a key counting
//     when the VM has exactly one value of it, as over v3;
//   - a change of categories is the difference between the categories wanted and those the
//     VM has: one associate-categories action for what to add, then one
//     disassociate-categories action for what to remove (added first, so that a VM moved
//     from one value to another is never without either), each with its own request id and
//     If-Match on the VM's ETag, and its task waited for. On 412 the VM is read again and
//     the difference worked out again.
// A VM has no spec_version over v4: VM.SpecVersion stays 0.

type v4VMJSON struct {
	ExtID      string `json:"extId"`
	Name       string `json:"name"`
	PowerState string `json:"powerState"`
	Cluster    *struct {
		ExtID string `json:"extId"`
	} `json:"cluster"`
	Categories []struct {
		ExtID string `json:"extId"`
	} `json:"categories"`
	Nics []struct {
		NetworkInfo *struct {
			Subnet *struct {
				ExtID string `json:"extId"`
			} `json:"subnet"`
			IPv4Config *struct {
				IPAddress              *v4IPv4ValueJSON  `json:"ipAddress"`
				SecondaryIPAddressList []v4IPv4ValueJSON `json:"secondaryIpAddressList"`
			} `json:"ipv4Config"`
			IPv4Info *struct {
				LearnedIPAddresses []v4IPv4ValueJSON `json:"learnedIpAddresses"`
			} `json:"ipv4Info"`
		} `json:"networkInfo"`
	} `json:"nics"`
}

func (j *v4VMJSON) categoryIDs() []string {
	out := make([]string, 0, len(j.Categories))
	for _, c := range j.Categories {
		if c.ExtID != "" {
			out = append(out, c.ExtID)
		}
	}
	return out
}

// v4VMs is the VM on the v4 wire. It reads and lists; a VM's categories change through
// UpdateVMCategories (v4UpdateVMCategories), never through the generic update.
var v4VMs = &v4Kind[VM, VM]{
	ns:         v4VMM,
	collection: "/ahv/config/vms",
	rel:        "vm",
	decode:     decodeV4VM,
	write: func(context.Context, *Client, map[string]any, *VM) error {
		return fmt.Errorf("internal error: VMs are not created or updated as a whole over v4")
	},
	name: func(v *VM) string { return v.Name },
	// The name lookups' vm_name==x is the v4 name.
	fiql: func(filter string) string {
		if name, ok := strings.CutPrefix(filter, "vm_name=="); ok {
			return "name==" + name
		}
		return filter
	},
	// The names of the VMs' categories: one list of every category rather than a GET per
	// category the run has not seen.
	prepare: func(ctx context.Context, c *Client, op string, raws []json.RawMessage) error {
		var ids []string
		for _, raw := range raws {
			var j v4VMJSON
			if json.Unmarshal(raw, &j) == nil {
				ids = append(ids, j.categoryIDs()...)
			}
		}
		return c.learnCategoryNames(ctx, op, ids)
	},
}

// learnCategoryNames makes sure the run knows the names of the category extIds: when more
// than one is unknown, with one list of every category (its pages), so that categoryParams
// then sends nothing; one unknown id is left to categoryParams' GET.
func (c *Client) learnCategoryNames(ctx context.Context, op string, ids []string) error {
	unknown := map[string]bool{}
	for _, id := range ids {
		if _, ok := c.categoryNames.Load(id); !ok {
			unknown[id] = true
		}
	}
	if len(unknown) <= 1 {
		return nil
	}
	_, err := c.v4CategoryList(ctx, op, "")
	return err
}

func decodeV4VM(ctx context.Context, c *Client, raw json.RawMessage) (VM, error) {
	vm, _, err := decodeV4VMCategories(ctx, c, raw)
	return vm, err
}

// decodeV4VMCategories converts a VM as read, and returns every category value it has too
// (key -> values), including those of keys with several values, which VM.Categories leaves
// out.
func decodeV4VMCategories(ctx context.Context, c *Client, raw json.RawMessage) (VM, map[string][]string, error) {
	var j v4VMJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return VM{}, nil, &DecodeError{What: "a v4 VM", Err: err}
	}
	out := VM{UUID: j.ExtID, Name: j.Name, PowerState: j.PowerState}
	if j.Cluster != nil {
		out.ClusterUUID = j.Cluster.ExtID
	}
	for _, n := range j.Nics {
		ni := n.NetworkInfo
		if ni == nil {
			continue
		}
		if ni.Subnet != nil && ni.Subnet.ExtID != "" && !slices.Contains(out.SubnetUUIDs, ni.Subnet.ExtID) {
			out.SubnetUUIDs = append(out.SubnetUUIDs, ni.Subnet.ExtID)
		}
		var ips []v4IPv4ValueJSON
		if cfg := ni.IPv4Config; cfg != nil {
			if cfg.IPAddress != nil {
				ips = append(ips, *cfg.IPAddress)
			}
			ips = append(ips, cfg.SecondaryIPAddressList...)
		}
		if len(ips) == 0 && ni.IPv4Info != nil {
			ips = ni.IPv4Info.LearnedIPAddresses
		}
		for _, ip := range ips {
			if ip.Value != "" {
				out.IPAddresses = append(out.IPAddresses, ip.Value)
			}
		}
	}
	op := "reading the categories of VM " + j.ExtID
	if err := c.learnCategoryNames(ctx, op, j.categoryIDs()); err != nil {
		return VM{}, nil, err
	}
	params, err := c.categoryParams(ctx, op, j.categoryIDs())
	if err != nil {
		return VM{}, nil, err
	}
	out.Categories = make(map[string]string, len(params))
	for k, vs := range params {
		if len(vs) == 1 {
			out.Categories[k] = vs[0]
		}
	}
	return out, params, nil
}

// v4UpdateVMCategories is UpdateVMCategories over v4 (see the top of this file): at best one
// GET of the VM and one action with its task; a change that adds and removes takes a second
// GET for the ETag the first action changed.
func (c *Client) v4UpdateVMCategories(ctx context.Context, op, uuid string, mutate func(map[string]string)) (*VM, error) {
	path := v4VMs.path(uuid)
	var (
		latest VM
		want   map[string]string
		// remove is what the first read says to remove; the second action removes what of it
		// the VM still has.
		remove map[string][]string
		// reuse is the read of the first action when it sent nothing: the second uses it.
		reuse *struct {
			raw  json.RawMessage
			etag string
		}
	)
	read := func() (json.RawMessage, string, error) {
		if r := reuse; r != nil {
			reuse = nil
			return r.raw, r.etag, nil
		}
		var raw json.RawMessage
		etag, err := c.getV4Entity(ctx, op, path, &raw)
		return raw, etag, err
	}
	// action reads the VM and sends one action for the categories pick chooses, if any.
	action := func(name string, pick func(raw json.RawMessage, etag string, vm VM, has map[string][]string) map[string][]string) error {
		return conditionalV4(ctx, c, op, read, func(raw json.RawMessage, etag string) (string, bool, error) {
			vm, has, err := decodeV4VMCategories(ctx, c, raw)
			if err != nil {
				return "", false, fmt.Errorf("%s: %w", op, err)
			}
			latest = vm
			names := pick(raw, etag, vm, has)
			if len(names) == 0 {
				return "", false, nil
			}
			ids, err := c.vmCategoryExtIDs(ctx, op, names)
			if err != nil {
				return "", false, err
			}
			refs := make([]map[string]any, 0, len(ids))
			for _, id := range ids {
				refs = append(refs, map[string]any{"extId": id})
			}
			task, err := c.mutateV4(ctx, v4Call{op: op, method: http.MethodPost, path: path + "/$actions/" + name,
				in: map[string]any{"categories": refs}, requestID: NewRequestID(), etag: etag})
			return task, true, err
		})
	}
	err := action("associate-categories", func(raw json.RawMessage, etag string, vm VM, has map[string][]string) map[string][]string {
		want = maps.Clone(vm.Categories)
		mutate(want)
		add := map[string][]string{}
		for k, v := range want {
			if !slices.Contains(has[k], v) {
				add[k] = append(add[k], v)
			}
		}
		remove = map[string][]string{}
		for k, old := range vm.Categories {
			if v, ok := want[k]; !ok || v != old {
				remove[k] = append(remove[k], old)
			}
		}
		if len(add) == 0 {
			reuse = &struct {
				raw  json.RawMessage
				etag string
			}{raw, etag}
		}
		return add
	})
	if err == nil && len(remove) > 0 {
		err = action("disassociate-categories", func(_ json.RawMessage, _ string, _ VM, has map[string][]string) map[string][]string {
			out := map[string][]string{}
			for k, vs := range remove {
				for _, v := range vs {
					if slices.Contains(has[k], v) {
						out[k] = append(out[k], v)
					}
				}
			}
			return out
		})
	}
	if err != nil {
		c.vms.unknown("", uuid)
		return nil, err
	}
	latest.Categories = want
	c.vms.wrote("", uuid, latest)
	return &latest, nil
}

// vmCategoryExtIDs maps category names (key -> values) to extIds: from the names the run has
// seen (no request), else with one list per key (categoryExtIDs).
func (c *Client) vmCategoryExtIDs(ctx context.Context, op string, names map[string][]string) ([]string, error) {
	known := map[[2]string]string{}
	c.categoryNames.Range(func(id, v any) bool {
		if j, ok := v.(v4CategoryJSON); ok {
			if s, ok := id.(string); ok {
				known[[2]string{j.Key, j.Value}] = s
			}
		}
		return true
	})
	var out []string
	missing := map[string][]string{}
	for k, vs := range names {
		for _, v := range vs {
			if id, ok := known[[2]string{k, v}]; ok {
				out = append(out, id)
			} else {
				missing[k] = append(missing[k], v)
			}
		}
	}
	if len(missing) > 0 {
		ids, err := c.categoryExtIDs(ctx, op, missing)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	sort.Strings(out)
	return out, nil
}
