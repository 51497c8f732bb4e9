package prismsim

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// VMs for the v4 wire (v4.VMBackend): the model's v3 VMs as vmm v4.2 shows them, under
// their v3 uuids (ASSUMPTION, as for the other kinds: tools/prismsim/README.md, v4
// section). Their categories are the intent's categories_mapping (what v3 shows in
// metadata), each key:value by its category extId; the rest (power state, NICs) is the
// committed spec, as v3's status. A change of categories is an update of the VM with the
// same spec, checked and settled as a v3 update is (prepareVM, a task).

// VMs implements v4.Backend.
func (pc *PC) VMs() []v4.VM {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var out []v4.VM
	for _, e := range pc.entitiesLocked(vmKind) {
		out = append(out, pc.v4VMLocked(e))
	}
	return out
}

func (pc *PC) v4VMLocked(e *entity) v4.VM {
	cur := e.current()
	spec := decodeVMSpec(cur.spec)
	v := v4.VM{ExtID: e.uuid, Name: e.intent.name, PowerState: spec.Resources.PowerState}
	if v.PowerState == "" {
		v.PowerState = "ON"
	}
	if spec.ClusterReference != nil {
		v.ClusterExtID = normUUID(spec.ClusterReference.UUID)
	}
	keys := make([]string, 0, len(e.intent.categories))
	for k := range e.intent.categories {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, val := range e.intent.categories[k] {
			v.CategoryIDs = append(v.CategoryIDs, pc.categoryExtID(k, val))
		}
	}
	for _, nic := range spec.Resources.NicList {
		n := v4.VMNIC{ExtID: nic.UUID, MACAddress: nic.MacAddress}
		if nic.SubnetReference != nil {
			n.SubnetExtID = normUUID(nic.SubnetReference.UUID)
		}
		for _, ep := range nic.IPEndpointList {
			if ep.IP != "" {
				n.IPs = append(n.IPs, ep.IP)
			}
		}
		v.NICs = append(v.NICs, n)
	}
	return v
}

// categoryByExtIDLocked returns the key and value of the category value with extId id.
func (pc *PC) categoryByExtIDLocked(id string) (key, value string, ok bool) {
	id = normUUID(id)
	for name, k := range pc.categories {
		for _, v := range k.values {
			if pc.categoryExtID(name, v.value) == id {
				return name, v.value, true
			}
		}
	}
	return "", "", false
}

// ChangeVMCategories implements v4.Backend: it adds (or removes) the category values to the
// VM's categories and updates the VM with them, its spec unchanged.
func (pc *PC) ChangeVMCategories(ctx context.Context, vmExtID string, categoryExtIDs []string, add bool) (string, error) {
	id := normUUID(vmExtID)
	pc.mu.Lock()
	e := pc.entityLocked(vmKind, id)
	if e == nil {
		pc.mu.Unlock()
		return "", v4Err(notFoundError(vmKind.name, id))
	}
	cats := cloneMapping(e.intent.categories)
	for i, cid := range categoryExtIDs {
		key, value, ok := pc.categoryByExtIDLocked(cid)
		if !ok {
			pc.mu.Unlock()
			return "", &model.Error{Kind: model.Invalid, Field: "categories",
				Message: fmt.Sprintf("categories[%d]: category %s does not exist on this Prism Central", i, cid)}
		}
		switch has := slices.Contains(cats[key], value); {
		case add && !has:
			cats[key] = append(cats[key], value)
		case !add && has:
			cats[key] = slices.DeleteFunc(cats[key], func(s string) bool { return s == value })
			if len(cats[key]) == 0 {
				delete(cats, key)
			}
		}
	}
	version, prev := e.version, e.intent
	snap := &snapshot{spec: prev.spec, name: prev.name, categories: cats, meta: prev.meta, updated: pc.w.clock.Now()}
	pc.mu.Unlock()
	var taskID string
	if err := pc.updateEntity(ctx, vmKind, id, version, snap, func(_ *entity, t *task) { taskID = t.uuid }); err != nil {
		return "", v4Err(err)
	}
	return taskID, nil
}
