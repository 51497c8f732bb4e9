package client

import (
	"context"
	"maps"
	"slices"
)

// VM is a virtual machine as the provider sees it.
type VM struct {
	UUID        string
	Name        string
	ClusterUUID string
	ClusterName string
	PowerState  string
	IPAddresses []string
	SubnetUUIDs []string
	// Categories holds metadata.categories, plus the keys of
	// categories_mapping that have exactly one value. Never nil.
	Categories  map[string]string
	SpecVersion int
}

type vmResourcesJSON struct {
	PowerState string `json:"power_state"`
	NicList    []struct {
		SubnetReference *referenceJSON `json:"subnet_reference"`
		IPEndpointList  []struct {
			IP string `json:"ip"`
		} `json:"ip_endpoint_list"`
	} `json:"nic_list"`
}

type vmJSON struct {
	entityHead
	Spec struct {
		Name             string          `json:"name"`
		ClusterReference *referenceJSON  `json:"cluster_reference"`
		Resources        vmResourcesJSON `json:"resources"`
	} `json:"spec"`
	Status struct {
		Name             string          `json:"name"`
		ClusterReference *referenceJSON  `json:"cluster_reference"`
		Resources        vmResourcesJSON `json:"resources"`
	} `json:"status"`
}

// toVM converts the entity; id is the uuid asked for, for an entity that
// names none.
func (v *vmJSON) toVM(id string) VM {
	out := VM{
		UUID:       firstNonEmpty(v.Metadata.UUID, id),
		Name:       firstNonEmpty(v.Status.Name, v.Spec.Name, v.Metadata.Name),
		PowerState: firstNonEmpty(v.Status.Resources.PowerState, v.Spec.Resources.PowerState),
		Categories: vmCategories(v.Metadata),
	}
	if v.Metadata.SpecVersion != nil {
		out.SpecVersion = int(*v.Metadata.SpecVersion)
	}
	cluster := v.Status.ClusterReference
	if cluster == nil {
		cluster = v.Spec.ClusterReference
	}
	ref := cluster.toReference()
	out.ClusterUUID, out.ClusterName = ref.UUID, ref.Name
	nics := v.Status.Resources.NicList
	if len(nics) == 0 {
		nics = v.Spec.Resources.NicList
	}
	for _, nic := range nics {
		if nic.SubnetReference != nil && nic.SubnetReference.UUID != "" && !slices.Contains(out.SubnetUUIDs, nic.SubnetReference.UUID) {
			out.SubnetUUIDs = append(out.SubnetUUIDs, nic.SubnetReference.UUID)
		}
		for _, ip := range nic.IPEndpointList {
			if ip.IP != "" {
				out.IPAddresses = append(out.IPAddresses, ip.IP)
			}
		}
	}
	return out
}

// vmCategories returns the categories of a VM as key -> value.
func vmCategories(m entityMetadata) map[string]string {
	out := make(map[string]string, len(m.Categories))
	maps.Copy(out, m.Categories)
	for k, vs := range m.CategoriesMapping {
		if _, ok := out[k]; !ok && len(vs) == 1 {
			out[k] = vs[0]
		}
	}
	return out
}

// kindVM declares the VM, which the client reads and whose categories it
// changes (UpdateVMCategories); it never creates or deletes one.
var kindVM = &entityKind[VM, VM]{noun: "VM", v3: v3VMs, v4: v4VMs, wire: KindVMs}

// v3VMs is the VM on the v3 wire: kind vm.
var v3VMs = &v3Kind[VM, VM, vmJSON]{kind: KindVM, decode: (*vmJSON).toVM}

func vmPath(uuid string) string { return v3VMs.path(uuid) }

// GetVM reads a VM.
func (c *Client) GetVM(ctx context.Context, uuid string) (*VM, error) {
	return kindVM.get(ctx, c, uuid)
}

// ListVMs lists the VMs matching a FIQL filter ("" for all), every page.
func (c *Client) ListVMs(ctx context.Context, filter string) ([]VM, error) {
	return kindVM.list(ctx, c, filter)
}

// LookupVM reads a VM like GetVM, but from one list of the VMs per run shared by every lookup,
// when the run asks about enough VMs for the list to cost less than a GET each (see
// runCache): the refresh of many VM category assignments. Asking about the same VM again in
// the run sends a GET.
func (c *Client) LookupVM(ctx context.Context, uuid string) (*VM, error) {
	list := kindVM.lookupList(c, func(v *VM) string { return v.UUID })
	fetch := fetchOne(func(ctx context.Context) (*VM, error) { return c.GetVM(ctx, uuid) })
	return lookupOne(ctx, &c.vms, "", uuid, "VM "+uuid, list, fetch)
}

// UpdateVMCategories changes the categories of a VM. Over v4 it sends the difference as
// category actions (v4UpdateVMCategories). Over v3 it reads the VM,
// applies mutate to a copy of its categories, and when they changed PUTs
// the whole VM back with every field it does not model preserved and
// categories_mapping kept consistent, then waits for the task and returns
// the VM: as read, with the categories the task applied (three requests:
// GET, PUT, task poll). The read-modify-write starts over on a
// spec_version conflict (up to 5 times), so mutate may be called more than
// once and must only depend on the map it is given.
func (c *Client) UpdateVMCategories(ctx context.Context, uuid string, mutate func(map[string]string)) (*VM, error) {
	op := "updating the categories of VM " + uuid
	if c.wire(ctx, KindVMs) == WireV4 {
		return c.v4UpdateVMCategories(ctx, op, uuid, mutate)
	}
	var want map[string]string
	doc, sent, err := c.updateAndSettle(ctx, op, vmPath(uuid), func(d *document) error {
		current := vmCategories(d.Metadata)
		want = maps.Clone(current)
		mutate(want)
		if maps.Equal(current, want) {
			return errNoChange
		}
		setVMCategories(d, current, want)
		return nil
	})
	if err != nil {
		c.vms.unknown("", uuid)
		return nil, err
	}
	if doc == nil {
		// The task succeeded: the VM is as read, with the categories sent. Its status (power
		// state, addresses) is not in what was sent, so the read is converted, not the body.
		doc = sent
	}
	vm, err := v3VMs.fromDocument(doc, uuid)
	if err != nil {
		c.vms.unknown("", uuid)
		return nil, err
	}
	if doc == sent {
		vm.Categories = want
		vm.SpecVersion++ // as Prism Central does on accepting the update
	}
	c.vms.wrote("", uuid, *vm)
	return vm, nil
}

// setVMCategories writes want into metadata.categories of the document and
// applies the same change to categories_mapping when the VM has one, so
// that both say the same whichever the server reads. It never turns
// use_categories_mapping on.
func setVMCategories(d *document, current, want map[string]string) {
	meta := d.metadata()
	meta["categories"] = want
	_, hasMapping := meta["categories_mapping"]
	usesMapping := d.Metadata.UseCategoriesMapping != nil && *d.Metadata.UseCategoriesMapping
	if !hasMapping && !usesMapping {
		return
	}
	mapping := make(map[string][]string, len(d.Metadata.CategoriesMapping))
	for k, vs := range d.Metadata.CategoriesMapping {
		mapping[k] = slices.Clone(vs)
	}
	for k, old := range current {
		if v, ok := want[k]; !ok || v != old {
			mapping[k] = slices.DeleteFunc(mapping[k], func(s string) bool { return s == old })
			if len(mapping[k]) == 0 {
				delete(mapping, k)
			}
		}
	}
	for k, v := range want {
		if old, ok := current[k]; (!ok || old != v) && !slices.Contains(mapping[k], v) {
			mapping[k] = append(mapping[k], v)
		}
	}
	meta["categories_mapping"] = mapping
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
