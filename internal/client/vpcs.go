package client

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
)

// VPC is a virtual private cloud: overlay subnets live in it and reach the
// outside through its external subnets.
type VPC struct {
	UUID        string
	Name        string
	Description string
	// ExternalSubnetUUIDs are the external (VLAN) subnets the VPC uses.
	ExternalSubnetUUIDs []string
	// ExternallyRoutablePrefixes are networks in prefix notation
	// ("172.30.0.0/16") that the VPC's overlay subnets may use and that are
	// routed to from outside without NAT.
	ExternallyRoutablePrefixes []string
	// DNSServers are the IPv4 addresses of the VPC's DNS servers.
	DNSServers []string
	// State is status.state as reported (e.g. COMPLETE); ignored on write.
	State string
}

type vpcResourcesJSON struct {
	ExternalSubnetList []struct {
		ExternalSubnetReference *referenceJSON `json:"external_subnet_reference"`
	} `json:"external_subnet_list"`
	ExternallyRoutablePrefixList []struct {
		IP           string `json:"ip"`
		PrefixLength *int   `json:"prefix_length"`
	} `json:"externally_routable_prefix_list"`
	CommonDomainNameServerIPList []struct {
		IP string `json:"ip"`
	} `json:"common_domain_name_server_ip_list"`
}

type vpcJSON struct {
	entityHead
	Spec struct {
		Name        string            `json:"name"`
		Description string            `json:"description"`
		Resources   *vpcResourcesJSON `json:"resources"`
	} `json:"spec"`
	Status *struct {
		Name        string            `json:"name"`
		Description string            `json:"description"`
		State       string            `json:"state"`
		Resources   *vpcResourcesJSON `json:"resources"`
	} `json:"status"`
}

// toVPC converts the entity; id is the uuid asked for, for an entity that
// names none.
func (v *vpcJSON) toVPC(id string) VPC {
	// The status is what the VPC is; the spec is the fallback for a VPC
	// that was never reconciled.
	name, description, res := v.Spec.Name, v.Spec.Description, v.Spec.Resources
	out := VPC{UUID: firstNonEmpty(v.Metadata.UUID, id)}
	if st := v.Status; st != nil {
		name = firstNonEmpty(st.Name, name)
		description = firstNonEmpty(st.Description, description)
		out.State = st.State
		if st.Resources != nil {
			res = st.Resources
		}
	}
	out.Name = firstNonEmpty(name, v.Metadata.Name)
	out.Description = description
	if res == nil {
		return out
	}
	for _, e := range res.ExternalSubnetList {
		if e.ExternalSubnetReference != nil && e.ExternalSubnetReference.UUID != "" {
			out.ExternalSubnetUUIDs = append(out.ExternalSubnetUUIDs, e.ExternalSubnetReference.UUID)
		}
	}
	for _, p := range res.ExternallyRoutablePrefixList {
		if p.IP != "" && p.PrefixLength != nil {
			out.ExternallyRoutablePrefixes = append(out.ExternallyRoutablePrefixes, fmt.Sprintf("%s/%d", p.IP, *p.PrefixLength))
		}
	}
	for _, d := range res.CommonDomainNameServerIPList {
		if d.IP != "" {
			out.DNSServers = append(out.DNSServers, d.IP)
		}
	}
	return out
}

const vpcKind = "vpc"

// kindVPC declares the VPC.
var kindVPC = &entityKind[VPC, VPC]{
	noun:     "VPC",
	v3:       v3VPCs,
	v4:       v4VPCs,
	wire:     KindVPCs,
	name:     func(v *VPC) string { return v.Name },
	check:    func(v *VPC, op string, _ bool) error { return v.check(op) },
	accepted: func(v *VPC, id string) *VPC { return &VPC{UUID: id, Name: v.Name} },
}

// v3VPCs is the VPC on the v3 wire: kind vpc.
var v3VPCs = &v3Kind[VPC, VPC, vpcJSON]{
	kind:   vpcKind,
	decode: (*vpcJSON).toVPC,
	write: func(spec map[string]any, v *VPC) error {
		writeVPCSpec(spec, v)
		return nil
	},
}

// check verifies what the wire format needs before anything is sent; the
// rules of networking itself (prefix lengths, overlaps) are Prism
// Central's.
func (v *VPC) check(op string) error {
	var problems []string
	if strings.TrimSpace(v.Name) == "" {
		problems = append(problems, "the name is empty")
	}
	for _, id := range v.ExternalSubnetUUIDs {
		if strings.TrimSpace(id) == "" {
			problems = append(problems, "an external subnet uuid is empty")
		}
	}
	for _, p := range v.ExternallyRoutablePrefixes {
		if pr, err := netip.ParsePrefix(strings.TrimSpace(p)); err != nil || !pr.Addr().Is4() {
			problems = append(problems, fmt.Sprintf("externally routable prefix %q is not an IPv4 network in prefix notation (e.g. 172.30.0.0/16)", p))
		}
	}
	for _, d := range v.DNSServers {
		if a, err := netip.ParseAddr(d); err != nil || !a.Is4() {
			problems = append(problems, fmt.Sprintf("DNS server %q is not an IPv4 address", d))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", op, strings.Join(problems, "; "))
	}
	return nil
}

// CreateVPC creates a VPC and waits for its task, then returns it as read.
// v.UUID is ignored: the create carries a metadata.uuid chosen by the
// client, so a retry after a lost answer cannot create a second VPC.
//
// When Prism Central accepted the VPC but the client could not see it
// through, the error comes with a non-nil VPC holding the uuid, so that the
// caller can track or delete what was created.
func (c *Client) CreateVPC(ctx context.Context, v VPC) (*VPC, error) {
	return kindVPC.create(ctx, c, &v, "")
}

// GetVPC reads a VPC.
func (c *Client) GetVPC(ctx context.Context, uuid string) (*VPC, error) {
	return kindVPC.get(ctx, c, uuid)
}

// ListVPCs lists the VPCs matching a FIQL filter ("" for all), every page.
func (c *Client) ListVPCs(ctx context.Context, filter string) ([]VPC, error) {
	return kindVPC.list(ctx, c, filter)
}

// UpdateVPC makes VPC v.UUID what v says and waits for the task, then
// returns it as read. The name, description and the three lists are set
// as given (an empty list removes every item). It is a read-modify-write:
// every field the client does not model is sent back as read, and an item
// of a list that stays (an external subnet, prefix or DNS server already
// there) keeps its unmodeled fields (external_ip_list,
// gateway_node_uuid_list...). Nothing is sent when the VPC already is as v
// says; the update starts over on a spec_version conflict (up to 5 times).
func (c *Client) UpdateVPC(ctx context.Context, v VPC) (*VPC, error) {
	return kindVPC.update(ctx, c, v.UUID, &v)
}

// DeleteVPC deletes a VPC and waits for the task. A missing VPC gives an
// error matching ErrNotFound; a 404 to a repeated attempt whose first try
// may have landed counts as done. Prism Central refuses to delete a VPC
// that still has subnets.
func (c *Client) DeleteVPC(ctx context.Context, uuid string) error {
	return kindVPC.delete(ctx, c, uuid)
}

// writeVPCSpec applies v to a VPC spec, as read or new.
func writeVPCSpec(spec map[string]any, v *VPC) {
	spec["name"] = v.Name
	putString(spec, "description", v.Description)
	res := rawObject(spec, "resources")

	ids := make([]string, len(v.ExternalSubnetUUIDs))
	for i, id := range v.ExternalSubnetUUIDs {
		ids[i] = strings.TrimSpace(id)
	}
	putObjects(res, "external_subnet_list", takeItems(rawObjects(res["external_subnet_list"]), ids,
		func(o map[string]any, id string) bool { return rawReferenceUUID(o, "external_subnet_reference") == id },
		func(id string) map[string]any {
			return map[string]any{"external_subnet_reference": map[string]any{"kind": subnetKind, "uuid": id}}
		}))

	var prefixes []netip.Prefix
	for _, p := range v.ExternallyRoutablePrefixes {
		if pr, err := netip.ParsePrefix(strings.TrimSpace(p)); err == nil {
			prefixes = append(prefixes, pr)
		}
	}
	putObjects(res, "externally_routable_prefix_list", takeItems(rawObjects(res["externally_routable_prefix_list"]), prefixes,
		func(o map[string]any, pr netip.Prefix) bool {
			return rawString(o, "ip") == pr.Addr().String() && rawNumber(o, "prefix_length") == fmt.Sprint(pr.Bits())
		},
		func(pr netip.Prefix) map[string]any {
			return map[string]any{"ip": pr.Addr().String(), "prefix_length": pr.Bits()}
		}))

	putObjects(res, "common_domain_name_server_ip_list", takeItems(rawObjects(res["common_domain_name_server_ip_list"]), v.DNSServers,
		func(o map[string]any, d string) bool { return rawString(o, "ip") == d },
		func(d string) map[string]any { return map[string]any{"ip": d} }))
}
