package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The nc2-cross-region-nonat topology: two NC2 on AWS sites, Tokyo and Osaka, each with a VPC
// whose 172.30.0.0/16 is routed without NAT, and the overlay subnet 172.30.1.0/24 on both
// sides so that the VMs keep their addresses when they fail over.
const (
	nc2Primary       = "tokyo"
	nc2Recovery      = "osaka"
	nc2CategoryKey   = "dr-region"
	nc2CategoryValue = "tokyo-to-osaka"
	nc2PlanName      = nc2CategoryKey + "-" + nc2CategoryValue
	nc2VPCName       = "vpc-a"
	nc2RoutablePfx   = "172.30.0.0/16"
	nc2OverlayName   = "vpc-a-172-30-1"
	nc2OverlayCIDR   = "172.30.1.0/24"
	// nc2StagingSubnet is the preset's VLAN subnet of Tokyo's VMs before they move onto the
	// overlay subnet (the guide's VMs arrive from EC2 on a subnet of the same network).
	nc2StagingSubnet = "tyo-staging"
	// nc2Retention is the retention count of the scenario's policy (its retention variable).
	nc2Retention = 4
)

// nc2ExternalSubnets are the no-NAT uplinks of the configuration (its external_subnets default).
var nc2ExternalSubnets = map[string]string{nc2Primary: "tyo-external-nonat", nc2Recovery: "osa-external-nonat"}

// nc2VMIPs are the protected VMs of Tokyo (the configuration's protected_vms default) and the
// addresses they keep wherever they run.
var nc2VMIPs = map[string]string{"web-01": "172.30.1.34", "app-01": "172.30.1.35"}

func nc2CrossRegionNoNAT() *Scenario {
	return &Scenario{
		Name: "nc2-cross-region-nonat",
		Summary: "the NC2 cross-region guide: Tokyo and Osaka each with a no-NAT external subnet, a VPC routing " +
			nc2RoutablePfx + " as it is and the overlay subnet " + nc2OverlayCIDR + "; web-01 and app-01 moved onto it " +
			"keeping their addresses, tagged " + nc2CategoryKey + ":" + nc2CategoryValue + ", protected to Osaka by a " +
			"policy and a recovery plan mapping the overlay subnets; a planned failover to Osaka and back that keeps 172.30.1.34",
		Preset: "nc2-cross-region",
		Steps: []Step{
			Apply{
				Description: "tofu apply with protect=false: no-NAT uplinks, VPCs, default routes and overlay subnets on both sites; DR adopted and the sites paired; the category, assigned to web-01 and app-01 in Tokyo",
				Vars:        map[string]string{"protect": "false"},
			},
			Check{
				Description: "both sites have the no-NAT uplink (enable_nat false), the VPC routing " + nc2RoutablePfx +
					" with its default route through the uplink, and the overlay subnet " + nc2OverlayCIDR + " in the VPC",
				Fn: checkNC2Networks,
			},
			MoveNICs{PC: nc2Primary, VMs: nc2VMNames(), From: nc2StagingSubnet, To: nc2OverlayName},
			ShowVMs{PCs: []string{nc2Primary}},
			Check{
				Description: "web-01 and app-01 are on Tokyo's overlay subnet with their addresses and carry " +
					nc2CategoryKey + ": " + nc2CategoryValue,
				Fn: func(ctx context.Context, r *Run) error { return checkNC2VMsAt(ctx, r, nc2Primary, true) },
			},
			Apply{
				Description: "tofu apply with protect=true: the protection policy Tokyo -> Osaka and the recovery plan mapping the overlay subnets",
				Vars:        map[string]string{"protect": "true"},
			},
			ShowOutputs{},
			Check{
				Description: "the recovery plan maps Tokyo's " + nc2VPCName + "/" + nc2OverlayName + " to Osaka's, naming each site's VPC, on both sites",
				Fn:          checkNC2PlanMapping,
			},
			PlanEmpty{},
			AdvanceClock{By: time.Hour},
			ShowRecoveryPoints{PC: nc2Recovery},
			Check{
				Description: "an hour later, Osaka holds the replicated recovery points of web-01 and app-01 (4 each, the retention)",
				Fn:          checkNC2Replication,
			},
			Apply{
				Description: "tofu apply with failover=true: the planned failover from Tokyo to Osaka (nutanixdr_failover on Osaka)",
				Vars:        map[string]string{"failover": "true"},
			},
			ShowVMs{},
			Check{
				Description: "web-01 runs in Osaka with 172.30.1.34 (app-01 with 172.30.1.35) on Osaka's overlay subnet, and is gone from Tokyo",
				Fn: func(ctx context.Context, r *Run) error {
					return errors.Join(checkNC2VMsAt(ctx, r, nc2Recovery, true), checkNC2VMsGone(ctx, r, nc2Primary),
						checkNC2FailoverOutput(ctx, r, "failover"))
				},
			},
			Apply{
				Description: "tofu apply with active_site=osaka: the configuration looks the VMs up in Osaka and the policy's primary location follows",
				Vars:        map[string]string{"active_site": "osaka"},
			},
			PlanEmpty{},
			Apply{
				Description: "tofu apply with failback=true: the planned failback from Osaka to Tokyo (nutanixdr_failover on Tokyo)",
				Vars:        map[string]string{"failback": "true"},
			},
			Check{
				Description: "web-01 and app-01 run in Tokyo again, on the overlay subnet, with the same addresses, and are gone from Osaka",
				Fn: func(ctx context.Context, r *Run) error {
					return errors.Join(checkNC2VMsAt(ctx, r, nc2Primary, true), checkNC2VMsGone(ctx, r, nc2Recovery),
						checkNC2FailoverOutput(ctx, r, "failback"))
				},
			},
			Apply{
				Description: "tofu apply with active_site=tokyo: the configuration follows the VMs back",
				Vars:        map[string]string{"active_site": "tokyo"},
			},
			PlanEmpty{},
			// The overlay subnets cannot be destroyed under the VMs: put them back where the
			// preset had them, as a user would before tearing the networks down.
			MoveNICs{PC: nc2Primary, VMs: nc2VMNames(), From: nc2OverlayName, To: nc2StagingSubnet},
		},
		AfterDestroy: []Step{
			Check{
				Description: "no VPC, no uplink and no overlay subnet is left on either site, and the category is gone from Tokyo (Osaka may keep the synced copy)",
				Fn:          checkNC2Cleaned,
			},
		},
	}
}

func nc2VMNames() []string {
	names := make([]string, 0, len(nc2VMIPs))
	for name := range nc2VMIPs {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// MoveNICs moves the NICs of VMs from one subnet to another through the v3 API (GET and PUT
// /vms/{uuid}), keeping their addresses: each NIC on From is replaced by a new NIC on To with
// the same IP (and a new MAC address), as the NC2 guide does after migrating the VMs. The
// provider has no resource for a VM's NICs: a user does this in Prism Central.
type MoveNICs struct {
	PC       string
	VMs      []string
	From, To string
}

// Title implements Step.
func (s MoveNICs) Title() string {
	return fmt.Sprintf("move the NICs of %s on %s from subnet %s to %s, keeping their addresses (Prism Central, not OpenTofu)",
		strings.Join(s.VMs, ", "), s.PC, s.From, s.To)
}

// Do implements Step.
func (s MoveNICs) Do(ctx context.Context, r *Run) error {
	subnets, err := r.nc2Subnets(ctx, s.PC)
	if err != nil {
		return err
	}
	from, err := subnetNamed(subnets, s.PC, s.From)
	if err != nil {
		return err
	}
	to, err := subnetNamed(subnets, s.PC, s.To)
	if err != nil {
		return err
	}
	for _, name := range s.VMs {
		vm, err := r.VMByName(ctx, s.PC, name)
		if err != nil {
			return err
		}
		if err := r.moveVMNICs(ctx, s.PC, vm, from.UUID, to); err != nil {
			return err
		}
	}
	return nil
}

// moveVMNICs replaces the NICs of a VM on subnet fromUUID by NICs on subnet to, with the same
// addresses, and waits for the update task.
func (r *Run) moveVMNICs(ctx context.Context, pc string, vm VM, fromUUID string, to nc2Subnet) error {
	path := "/api/nutanix/v3/vms/" + url.PathEscape(vm.UUID)
	var cur map[string]any
	if err := r.Call(ctx, pc, http.MethodGet, path, nil, &cur); err != nil {
		return fmt.Errorf("reading VM %s on %s: %w", vm.Name, pc, err)
	}
	spec, _ := cur["spec"].(map[string]any)
	res, _ := spec["resources"].(map[string]any)
	nics, _ := res["nic_list"].([]any)
	moved := 0
	var ips []string
	for i, n := range nics {
		nic, _ := n.(map[string]any)
		ref, _ := nic["subnet_reference"].(map[string]any)
		if id, _ := ref["uuid"].(string); id != fromUUID {
			continue
		}
		eps, _ := nic["ip_endpoint_list"].([]any)
		newEPs := make([]any, 0, len(eps))
		for _, e := range eps {
			ep, _ := e.(map[string]any)
			if ip, _ := ep["ip"].(string); ip != "" {
				newEPs = append(newEPs, map[string]any{"ip": ip, "type": "ASSIGNED"})
				ips = append(ips, ip)
			}
		}
		nics[i] = map[string]any{
			"nic_type":         "NORMAL_NIC",
			"is_connected":     true,
			"subnet_reference": map[string]any{"kind": "subnet", "uuid": to.UUID, "name": to.Name},
			"ip_endpoint_list": newEPs,
		}
		moved++
	}
	if moved == 0 {
		return fmt.Errorf("VM %s on %s has no NIC on the subnet to move from", vm.Name, pc)
	}
	body := map[string]any{"api_version": cur["api_version"], "metadata": cur["metadata"], "spec": spec}
	var out struct {
		Status struct {
			ExecutionContext struct {
				TaskUUID any `json:"task_uuid"`
			} `json:"execution_context"`
		} `json:"status"`
	}
	if err := r.Call(ctx, pc, http.MethodPut, path, body, &out); err != nil {
		return fmt.Errorf("moving the NICs of VM %s on %s: %w", vm.Name, pc, err)
	}
	task, _ := out.Status.ExecutionContext.TaskUUID.(string)
	if task == "" {
		return fmt.Errorf("moving the NICs of VM %s on %s: the answer names no task", vm.Name, pc)
	}
	if err := r.WaitTask(ctx, pc, task); err != nil {
		return fmt.Errorf("moving the NICs of VM %s on %s: %w", vm.Name, pc, err)
	}
	r.logf("  %-8s %s now on %s\n", vm.Name, strings.Join(ips, ","), to.Name)
	return nil
}

// nc2Subnet is what the scenario looks at of a subnet.
type nc2Subnet struct {
	UUID, Name, Type, VPC, CIDR string
	IsExternal                  bool
	EnableNAT                   *bool
}

func subnetNamed(subnets []nc2Subnet, pc, name string) (nc2Subnet, error) {
	var found []nc2Subnet
	for _, s := range subnets {
		if s.Name == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		return nc2Subnet{}, fmt.Errorf("%s has %d subnets named %s, want 1", pc, len(found), name)
	}
	return found[0], nil
}

// nc2Subnets lists the subnets of a PC as their intent (spec) says.
func (r *Run) nc2Subnets(ctx context.Context, pc string) ([]nc2Subnet, error) {
	var out struct {
		Entities []struct {
			Metadata struct {
				UUID string `json:"uuid"`
			} `json:"metadata"`
			Spec struct {
				Name      string `json:"name"`
				Resources struct {
					SubnetType   string `json:"subnet_type"`
					IsExternal   bool   `json:"is_external"`
					EnableNAT    *bool  `json:"enable_nat"`
					VPCReference *struct {
						UUID string `json:"uuid"`
					} `json:"vpc_reference"`
					IPConfig *struct {
						SubnetIP     string `json:"subnet_ip"`
						PrefixLength int    `json:"prefix_length"`
					} `json:"ip_config"`
				} `json:"resources"`
			} `json:"spec"`
		} `json:"entities"`
	}
	in := map[string]any{"kind": "subnet", "length": 500}
	if err := r.Call(ctx, pc, http.MethodPost, "/api/nutanix/v3/subnets/list", in, &out); err != nil {
		return nil, fmt.Errorf("listing the subnets of %s: %w", pc, err)
	}
	subnets := make([]nc2Subnet, 0, len(out.Entities))
	for _, e := range out.Entities {
		res := e.Spec.Resources
		s := nc2Subnet{UUID: e.Metadata.UUID, Name: e.Spec.Name, Type: res.SubnetType, IsExternal: res.IsExternal, EnableNAT: res.EnableNAT}
		if res.VPCReference != nil {
			s.VPC = res.VPCReference.UUID
		}
		if res.IPConfig != nil && res.IPConfig.SubnetIP != "" {
			s.CIDR = fmt.Sprintf("%s/%d", res.IPConfig.SubnetIP, res.IPConfig.PrefixLength)
		}
		subnets = append(subnets, s)
	}
	return subnets, nil
}

// nc2VPC is what the scenario looks at of a VPC.
type nc2VPC struct {
	UUID, Name      string
	ExternalSubnets []string
	Prefixes        []string
}

// nc2VPCs lists the VPCs of a PC as their intent says.
func (r *Run) nc2VPCs(ctx context.Context, pc string) ([]nc2VPC, error) {
	var out struct {
		Entities []struct {
			Metadata struct {
				UUID string `json:"uuid"`
			} `json:"metadata"`
			Spec struct {
				Name      string `json:"name"`
				Resources struct {
					ExternalSubnetList []struct {
						ExternalSubnetReference struct {
							UUID string `json:"uuid"`
						} `json:"external_subnet_reference"`
					} `json:"external_subnet_list"`
					ExternallyRoutablePrefixList []struct {
						IP           string `json:"ip"`
						PrefixLength int    `json:"prefix_length"`
					} `json:"externally_routable_prefix_list"`
				} `json:"resources"`
			} `json:"spec"`
		} `json:"entities"`
	}
	in := map[string]any{"kind": "vpc", "length": 500}
	if err := r.Call(ctx, pc, http.MethodPost, "/api/nutanix/v3/vpcs/list", in, &out); err != nil {
		return nil, fmt.Errorf("listing the VPCs of %s: %w", pc, err)
	}
	vpcs := make([]nc2VPC, 0, len(out.Entities))
	for _, e := range out.Entities {
		v := nc2VPC{UUID: e.Metadata.UUID, Name: e.Spec.Name}
		for _, s := range e.Spec.Resources.ExternalSubnetList {
			v.ExternalSubnets = append(v.ExternalSubnets, s.ExternalSubnetReference.UUID)
		}
		for _, p := range e.Spec.Resources.ExternallyRoutablePrefixList {
			v.Prefixes = append(v.Prefixes, fmt.Sprintf("%s/%d", p.IP, p.PrefixLength))
		}
		vpcs = append(vpcs, v)
	}
	return vpcs, nil
}

// nc2SiteVPC returns the scenario's VPC of a site.
func (r *Run) nc2SiteVPC(ctx context.Context, pc string) (nc2VPC, error) {
	vpcs, err := r.nc2VPCs(ctx, pc)
	if err != nil {
		return nc2VPC{}, err
	}
	for _, v := range vpcs {
		if v.Name == nc2VPCName {
			return v, nil
		}
	}
	return nc2VPC{}, fmt.Errorf("%s has no VPC named %s", pc, nc2VPCName)
}

// checkNC2Networks verifies each site's uplink, VPC, default route and overlay subnet.
func checkNC2Networks(ctx context.Context, r *Run) error {
	var errs []error
	for _, pc := range []string{nc2Primary, nc2Recovery} {
		errs = append(errs, checkNC2SiteNetworks(ctx, r, pc))
	}
	return errors.Join(errs...)
}

func checkNC2SiteNetworks(ctx context.Context, r *Run, pc string) error {
	subnets, err := r.nc2Subnets(ctx, pc)
	if err != nil {
		return err
	}
	ext, err := subnetNamed(subnets, pc, nc2ExternalSubnets[pc])
	if err != nil {
		return err
	}
	var errs []error
	if !ext.IsExternal || ext.Type != "VLAN" {
		errs = append(errs, fmt.Errorf("%s: subnet %s is %s with is_external %t, want an external VLAN subnet", pc, ext.Name, ext.Type, ext.IsExternal))
	}
	if ext.EnableNAT == nil || *ext.EnableNAT {
		got := "unset"
		if ext.EnableNAT != nil {
			got = "true"
		}
		errs = append(errs, fmt.Errorf("%s: subnet %s has enable_nat %s in its spec, want false (the no-NAT uplink)", pc, ext.Name, got))
	}
	vpc, err := r.nc2SiteVPC(ctx, pc)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	r.logf("  %-6s VPC %s: routable %s, uplink %s (enable_nat false)\n", pc, vpc.Name, strings.Join(vpc.Prefixes, ","), ext.Name)
	if !slices.Equal(vpc.Prefixes, []string{nc2RoutablePfx}) {
		errs = append(errs, fmt.Errorf("%s: VPC %s has externally routable prefixes %v, want [%s]", pc, vpc.Name, vpc.Prefixes, nc2RoutablePfx))
	}
	if !slices.Equal(vpc.ExternalSubnets, []string{ext.UUID}) {
		errs = append(errs, fmt.Errorf("%s: VPC %s is attached to external subnets %v, want [%s] (%s)", pc, vpc.Name, vpc.ExternalSubnets, ext.UUID, ext.Name))
	}
	overlay, err := subnetNamed(subnets, pc, nc2OverlayName)
	if err != nil {
		errs = append(errs, err)
	} else if overlay.Type != "OVERLAY" || overlay.VPC != vpc.UUID || overlay.CIDR != nc2OverlayCIDR {
		errs = append(errs, fmt.Errorf("%s: subnet %s is %s %s in VPC %q, want OVERLAY %s in %s (%s)",
			pc, overlay.Name, overlay.Type, overlay.CIDR, overlay.VPC, nc2OverlayCIDR, vpc.Name, vpc.UUID))
	}

	var rt struct {
		Status struct {
			Resources struct {
				DefaultRoute *struct {
					IsActive bool `json:"is_active"`
					Nexthop  struct {
						ExternalSubnetReference *struct {
							UUID string `json:"uuid"`
						} `json:"external_subnet_reference"`
					} `json:"nexthop"`
				} `json:"default_route"`
			} `json:"resources"`
		} `json:"status"`
	}
	if err := r.Call(ctx, pc, http.MethodGet, "/api/nutanix/v3/vpcs/"+url.PathEscape(vpc.UUID)+"/route_tables", nil, &rt); err != nil {
		return errors.Join(append(errs, err)...)
	}
	switch dr := rt.Status.Resources.DefaultRoute; {
	case dr == nil:
		errs = append(errs, fmt.Errorf("%s: VPC %s has no default route", pc, vpc.Name))
	case dr.Nexthop.ExternalSubnetReference == nil || dr.Nexthop.ExternalSubnetReference.UUID != ext.UUID:
		errs = append(errs, fmt.Errorf("%s: the default route of VPC %s does not go through %s", pc, vpc.Name, ext.Name))
	case !dr.IsActive:
		errs = append(errs, fmt.Errorf("%s: the default route of VPC %s is not active", pc, vpc.Name))
	}
	return errors.Join(errs...)
}

// nc2VMNICs lists the subnets and addresses of a VM's NICs, as its status says.
func (r *Run) nc2VMNICs(ctx context.Context, pc, vmUUID string) (subnets, ips []string, err error) {
	var out struct {
		Status struct {
			Resources struct {
				NICList []struct {
					SubnetReference struct {
						UUID string `json:"uuid"`
					} `json:"subnet_reference"`
					IPEndpointList []struct {
						IP string `json:"ip"`
					} `json:"ip_endpoint_list"`
				} `json:"nic_list"`
			} `json:"resources"`
		} `json:"status"`
	}
	if err := r.Call(ctx, pc, http.MethodGet, "/api/nutanix/v3/vms/"+url.PathEscape(vmUUID), nil, &out); err != nil {
		return nil, nil, err
	}
	for _, nic := range out.Status.Resources.NICList {
		subnets = append(subnets, nic.SubnetReference.UUID)
		for _, ep := range nic.IPEndpointList {
			ips = append(ips, ep.IP)
		}
	}
	return subnets, ips, nil
}

// checkNC2VMsAt verifies that the protected VMs run on a site, on its overlay subnet, with the
// addresses they had in Tokyo and, when tagged, the scenario's category.
func checkNC2VMsAt(ctx context.Context, r *Run, pc string, tagged bool) error {
	subnets, err := r.nc2Subnets(ctx, pc)
	if err != nil {
		return err
	}
	overlay, err := subnetNamed(subnets, pc, nc2OverlayName)
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range nc2VMNames() {
		vm, err := r.VMByName(ctx, pc, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		nicSubnets, ips, err := r.nc2VMNICs(ctx, pc, vm.UUID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		want := nc2VMIPs[name]
		if !slices.Equal(nicSubnets, []string{overlay.UUID}) || !slices.Equal(ips, []string{want}) {
			errs = append(errs, fmt.Errorf("VM %s on %s has NICs on subnets %v with addresses %v, want one NIC on %s (%s) with %s",
				name, pc, nicSubnets, ips, nc2OverlayName, overlay.UUID, want))
		}
		if vm.PowerState != "ON" {
			errs = append(errs, fmt.Errorf("VM %s on %s is powered %s, want ON", name, pc, vm.PowerState))
		}
		if tagged && vm.Categories[nc2CategoryKey] != nc2CategoryValue {
			errs = append(errs, fmt.Errorf("VM %s on %s carries %s, want %s: %s among them",
				name, pc, formatCategories(vm.Categories), nc2CategoryKey, nc2CategoryValue))
		}
	}
	return errors.Join(errs...)
}

// checkNC2VMsGone verifies that a planned failover removed the protected VMs from its source.
func checkNC2VMsGone(ctx context.Context, r *Run, pc string) error {
	vms, err := r.VMs(ctx, pc)
	if err != nil {
		return err
	}
	var errs []error
	for _, vm := range vms {
		if _, ok := nc2VMIPs[vm.Name]; ok {
			errs = append(errs, fmt.Errorf("VM %s is still on %s after the planned failover (power %s)", vm.Name, pc, vm.PowerState))
		}
	}
	return errors.Join(errs...)
}

// checkNC2FailoverOutput verifies what the configuration's failover or failback output says
// of the job: completed, no warning (a VM whose address could not be kept is one), and each
// protected VM recovered with its address.
func checkNC2FailoverOutput(ctx context.Context, r *Run, name string) error {
	outs, err := r.Outputs(ctx)
	if err != nil {
		return err
	}
	o, ok := outs[name]
	if !ok {
		return fmt.Errorf("no output %q", name)
	}
	var job struct {
		Status       string              `json:"status"`
		Warnings     []string            `json:"warnings"`
		RecoveredVMs map[string][]string `json:"recovered_vms"`
	}
	if err := json.Unmarshal(o.Value, &job); err != nil {
		return fmt.Errorf("output %q: %w", name, err)
	}
	var errs []error
	if job.Status != "COMPLETED" || len(job.Warnings) != 0 {
		errs = append(errs, fmt.Errorf("output %s: job %s with warnings %q, want COMPLETED without warnings", name, job.Status, job.Warnings))
	}
	for _, vm := range nc2VMNames() {
		if got, want := job.RecoveredVMs[vm], nc2VMIPs[vm]; !slices.Equal(got, []string{want}) {
			errs = append(errs, fmt.Errorf("output %s: %s recovered with %v, want [%s]", name, vm, got, want))
		}
	}
	if len(errs) == 0 {
		r.logf("  output %s: %s, web-01 recovered with %s\n", name, job.Status, strings.Join(job.RecoveredVMs["web-01"], ","))
	}
	return errors.Join(errs...)
}

// checkNC2PlanMapping verifies the recovery plan's network mapping on both sites: each side
// is the overlay subnet of that site's VPC.
func checkNC2PlanMapping(ctx context.Context, r *Run) error {
	wantVPC := map[string]string{}
	for _, pc := range []string{nc2Primary, nc2Recovery} {
		vpc, err := r.nc2SiteVPC(ctx, pc)
		if err != nil {
			return err
		}
		wantVPC[pc] = vpc.UUID
	}
	var errs []error
	for _, pc := range []string{nc2Primary, nc2Recovery} {
		// Each site's copy of the plan names the availability zones as that site knows them.
		azSite, err := r.nc2AZSites(ctx, pc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var out struct {
			Entities []struct {
				Spec struct {
					Name      string `json:"name"`
					Resources struct {
						Parameters struct {
							NetworkMappingList []struct {
								AZNetworkMappingList []struct {
									AvailabilityZoneURL string `json:"availability_zone_url"`
									RecoveryNetwork     *struct {
										Name            string `json:"name"`
										UseVPCReference bool   `json:"use_vpc_reference"`
										VPCReference    *struct {
											UUID string `json:"uuid"`
										} `json:"vpc_reference"`
									} `json:"recovery_network"`
								} `json:"availability_zone_network_mapping_list"`
							} `json:"network_mapping_list"`
						} `json:"parameters"`
					} `json:"resources"`
				} `json:"spec"`
			} `json:"entities"`
		}
		in := map[string]any{"kind": "recovery_plan", "length": 100}
		if err := r.Call(ctx, pc, http.MethodPost, "/api/nutanix/v3/recovery_plans/list", in, &out); err != nil {
			errs = append(errs, err)
			continue
		}
		found := false
		for _, e := range out.Entities {
			if e.Spec.Name != nc2PlanName {
				continue
			}
			found = true
			maps := e.Spec.Resources.Parameters.NetworkMappingList
			if len(maps) != 1 {
				errs = append(errs, fmt.Errorf("%s: plan %s has %d network mappings, want 1", pc, nc2PlanName, len(maps)))
				continue
			}
			got := map[string]string{}
			for _, m := range maps[0].AZNetworkMappingList {
				site, ok := azSite[m.AvailabilityZoneURL]
				if !ok {
					errs = append(errs, fmt.Errorf("%s: plan %s maps a network at availability zone %s, which %s does not know", pc, nc2PlanName, m.AvailabilityZoneURL, pc))
					continue
				}
				n := m.RecoveryNetwork
				if n == nil || n.Name != nc2OverlayName || !n.UseVPCReference || n.VPCReference == nil {
					errs = append(errs, fmt.Errorf("%s: plan %s maps %s's side to %+v, want subnet %s of a VPC", pc, nc2PlanName, site, n, nc2OverlayName))
					continue
				}
				got[site] = n.VPCReference.UUID
			}
			for site, want := range wantVPC {
				if got[site] != want {
					errs = append(errs, fmt.Errorf("%s: plan %s maps %s's side to VPC %q, want %s's %s (%s)", pc, nc2PlanName, site, got[site], site, nc2VPCName, want))
				}
			}
			r.logf("  %-6s plan %s: %s/%s/%s <-> %s/%s/%s\n", pc, nc2PlanName,
				nc2Primary, nc2VPCName, nc2OverlayName, nc2Recovery, nc2VPCName, nc2OverlayName)
		}
		if !found {
			errs = append(errs, fmt.Errorf("%s has no recovery plan %s", pc, nc2PlanName))
		}
	}
	return errors.Join(errs...)
}

// nc2AZSites maps the availability zones a PC sees (its Local one and the paired one) to the
// sites of the world.
func (r *Run) nc2AZSites(ctx context.Context, pc string) (map[string]string, error) {
	azs, err := r.AvailabilityZones(ctx, pc)
	if err != nil {
		return nil, err
	}
	sites := map[string]string{}
	for _, az := range azs {
		if az.Type == "Local" {
			sites[az.UUID] = pc
			continue
		}
		for _, other := range r.World.PCNames() {
			if az.Name == "PC_"+r.World.PC(other).AdvertisedIP() {
				sites[az.UUID] = other
			}
		}
	}
	return sites, nil
}

// checkNC2Replication verifies that the policy replicated the protected VMs to Osaka.
func checkNC2Replication(ctx context.Context, r *Run) error {
	rps, err := r.RecoveryPoints(ctx, nc2Recovery)
	if err != nil {
		return err
	}
	perVM := map[string]int{}
	for _, rp := range rps {
		perVM[rp.VMName]++
	}
	var errs []error
	for _, name := range nc2VMNames() {
		if perVM[name] != nc2Retention {
			errs = append(errs, fmt.Errorf("osaka holds %d recovery points of %s, want %d (the retention)", perVM[name], name, nc2Retention))
		}
	}
	return errors.Join(errs...)
}

// checkNC2Cleaned verifies that destroy removed the networks and the category on both sites,
// and left the VMs (with their addresses) alone.
func checkNC2Cleaned(ctx context.Context, r *Run) error {
	var errs []error
	for _, pc := range []string{nc2Primary, nc2Recovery} {
		vpcs, err := r.nc2VPCs(ctx, pc)
		if err != nil {
			errs = append(errs, err)
		} else if len(vpcs) != 0 {
			errs = append(errs, fmt.Errorf("%s still has %d VPCs after destroy", pc, len(vpcs)))
		}
		subnets, err := r.nc2Subnets(ctx, pc)
		if err != nil {
			errs = append(errs, err)
		}
		for _, s := range subnets {
			if s.Name == nc2OverlayName || s.Name == nc2ExternalSubnets[pc] {
				errs = append(errs, fmt.Errorf("%s still has subnet %s after destroy", pc, s.Name))
			}
		}
		ok, err := r.CategoryKeyExists(ctx, pc, nc2CategoryKey)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok && pc == nc2Primary: // the other site may keep the copy entity sync made
			errs = append(errs, fmt.Errorf("%s still has the category %s", pc, nc2CategoryKey))
		}
	}
	for _, name := range nc2VMNames() {
		vm, err := r.VMByName(ctx, nc2Primary, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if want := nc2VMIPs[name]; !slices.Equal(vm.IPAddresses, []string{want}) {
			errs = append(errs, fmt.Errorf("VM %s has addresses %v after destroy, want [%s]", name, vm.IPAddresses, want))
		}
	}
	return errors.Join(errs...)
}
