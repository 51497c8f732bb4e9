package v4

import (
	"context"
	"net/http"
	"strings"
)

// VMs (vmm v4.2, SDK vmm-go-client api/vm_api.go ListVms, GetVmById, AssociateCategories and
// DisassociateCategories, models/vmm/v4/ahv/config Vm, AssociateVmCategoriesParams,
// DisassociateVmCategoriesParams):
//
//	GET  /api/vmm/v4.2/ahv/config/vms[?OData]                                -> []Vm
//	GET  /api/vmm/v4.2/ahv/config/vms/{extId}                                -> Vm, ETag
//	POST /api/vmm/v4.2/ahv/config/vms/{extId}/$actions/associate-categories     -> 202 TaskReference (If-Match)
//	POST /api/vmm/v4.2/ahv/config/vms/{extId}/$actions/disassociate-categories  -> 202 TaskReference (If-Match)
//
// The model's (v3) VMs under their v3 uuids, with the fields DR reads: name, cluster, power
// state, categories (by category extId), NICs with their subnet and addresses. An action
// changes the VM's categories in the model (the intent v3 shows in metadata.categories and
// categories_mapping) with a task of its own. The actions are POSTs that take If-Match with
// the VM's ETag (the SDK's operation comments ask for it); a category extId that names no
// category of the PC is refused with 400 (a reference in the body, not the path's entity:
// ASSUMPTION, the docs found do not say); associating a category the VM has, or
// disassociating one it has not, changes nothing and still answers a task (lenient).

// VMM is the vmm namespace at the revision of the pinned SDK.
var VMM = Namespace{Name: "vmm", Version: "v4.2", codePfx: "VMM", revision: "v4.r2"}

var vmsPath = VMM.Prefix() + "/ahv/config/vms"

// What $filter and $orderby take (the SDK's ListVmsRequest comment names these among others).
var vmFields = []string{"extId", "name", "powerState"}

const (
	vmType       = "vmm.v4.ahv.config.Vm"
	vmTaskPrefix = "vmm.v4.ahv.config."
)

// VMBackend is what the v4 wire needs of a PC for VMs.
type VMBackend interface {
	// VMs returns the PC's VMs in creation order.
	VMs() []VM
	// ChangeVMCategories associates (add) or disassociates the categories with the extIds
	// with the VM; it answers the task that settles the change.
	ChangeVMCategories(ctx context.Context, vmExtID string, categoryExtIDs []string, add bool) (taskID string, err error)
}

// VM is vmm.v4.ahv.config.Vm in the model's terms.
type VM struct {
	ExtID, Name  string
	ClusterExtID string
	PowerState   string // ON, OFF
	CategoryIDs  []string
	NICs         []VMNIC
}

// VMNIC is a NIC of a VM: its subnet and the addresses assigned to it.
type VMNIC struct {
	ExtID, MACAddress, SubnetExtID string
	IPs                            []string
}

func vmRoutes() []Route {
	return []Route{
		{http.MethodGet, vmsPath, "vm", handleListVMs},
		{http.MethodGet, vmsPath + "/{extId}", "vm", handleGetVM},
		{http.MethodPost, vmsPath + "/{extId}/$actions/associate-categories", "vm", handleVMCategories(true)},
		{http.MethodPost, vmsPath + "/{extId}/$actions/disassociate-categories", "vm", handleVMCategories(false)},
	}
}

func vmm4(objectType string, fields map[string]any) map[string]any {
	return VMM.object(vmTaskPrefix+objectType, fields)
}

func renderVM(b Backend, v VM) map[string]any {
	cats := make([]any, 0, len(v.CategoryIDs))
	for _, id := range v.CategoryIDs {
		cats = append(cats, vmm4("CategoryReference", map[string]any{"extId": id}))
	}
	nics := make([]any, 0, len(v.NICs))
	for _, n := range v.NICs {
		info := map[string]any{"nicType": "NORMAL_NIC", "vlanMode": "ACCESS"}
		if n.SubnetExtID != "" {
			info["subnet"] = vmm4("SubnetReference", map[string]any{"extId": n.SubnetExtID})
		}
		if len(n.IPs) > 0 {
			cfg := map[string]any{"ipAddress": renderIPv4(n.IPs[0]), "shouldAssignIp": true}
			if len(n.IPs) > 1 {
				var more []any
				for _, ip := range n.IPs[1:] {
					more = append(more, renderIPv4(ip))
				}
				cfg["secondaryIpAddressList"] = more
			}
			info["ipv4Config"] = vmm4("Ipv4Config", cfg)
		}
		nic := map[string]any{"networkInfo": vmm4("NicNetworkInfo", info)}
		if n.ExtID != "" {
			nic["extId"] = n.ExtID
		}
		if n.MACAddress != "" {
			nic["backingInfo"] = vmm4("EmulatedNic", map[string]any{"macAddress": n.MACAddress, "model": "VIRTIO", "isConnected": true})
		}
		nics = append(nics, vmm4("Nic", nic))
	}
	out := map[string]any{
		"extId":      v.ExtID,
		"name":       v.Name,
		"powerState": v.PowerState,
		"categories": cats,
		"nics":       nics,
		"links":      []any{v4Link(b.URL()+vmsPath+"/"+v.ExtID, "self")},
	}
	if v.ClusterExtID != "" {
		out["cluster"] = vmm4("ClusterReference", map[string]any{"extId": v.ClusterExtID})
	}
	return VMM.object(vmType, out)
}

func handleListVMs(rq Request) (int, any) {
	return listOf(VMM, rq, vmFields, "vmm.v4.ahv.config.ListVmsApiResponse", vmType,
		rq.PC.VMs(), func(v VM) map[string]any { return renderVM(rq.PC, v) })
}

func findVM(rq Request) (VM, bool) {
	return findByID(rq.PC.VMs(), func(v VM) string { return v.ExtID }, rq.Params["extId"])
}

func handleGetVM(rq Request) (int, any) {
	v, ok := findVM(rq)
	if !ok {
		return VMM.fail(http.StatusNotFound, 40400, "extId", "VM %s was not found", rq.Params["extId"])
	}
	return VMM.entityAnswer(http.StatusOK, "vmm.v4.ahv.config.GetVmApiResponse", renderVM(rq.PC, v))
}

// vmCategoriesIn is AssociateVmCategoriesParams and DisassociateVmCategoriesParams.
type vmCategoriesIn struct {
	Categories []struct {
		ExtID string `json:"extId"`
	} `json:"categories"`
}

func handleVMCategories(add bool) func(Request) (int, any) {
	respType := "vmm.v4.ahv.config.DisassociateCategoriesApiResponse"
	if add {
		respType = "vmm.v4.ahv.config.AssociateCategoriesApiResponse"
	}
	return func(rq Request) (int, any) {
		return VMM.mutation(rq, func() (int, any) {
			v, found := findVM(rq)
			if st, body, ok := VMM.matchCurrent(rq, found, "VM "+rq.Params["extId"], func() map[string]any { return renderVM(rq.PC, v) }); !ok {
				return st, body
			}
			var in vmCategoriesIn
			if st, body, ok := VMM.decode(rq, &in); !ok {
				return st, body
			}
			if len(in.Categories) == 0 {
				return VMM.fail(http.StatusBadRequest, 40004, "categories", "categories must name at least one category by extId")
			}
			ids := make([]string, 0, len(in.Categories))
			for i, c := range in.Categories {
				if strings.TrimSpace(c.ExtID) == "" {
					return VMM.fail(http.StatusBadRequest, 40004, "categories", "categories[%d].extId is required", i)
				}
				ids = append(ids, c.ExtID)
			}
			task, err := rq.PC.ChangeVMCategories(rq.HTTP.Context(), v.ExtID, ids, add)
			if err != nil {
				return VMM.failModel(err)
			}
			return VMM.taskAnswer(respType, task)
		})
	}
}
