package client

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Subnet types.
const (
	SubnetTypeVLAN    = "VLAN"
	SubnetTypeOverlay = "OVERLAY"
)

// SubnetTypes lists the subnet types the client creates, for validators.
var SubnetTypes = []string{SubnetTypeVLAN, SubnetTypeOverlay}

// Subnet is a VLAN or overlay subnet.
type Subnet struct {
	UUID        string
	Name        string
	Description string
	SubnetType  string
	ClusterUUID string
	ClusterName string
	VPCUUID     string
	VLANID      *int64
	// CIDR is the network in prefix notation ("192.168.50.0/24"); empty
	// when the subnet has no IP configuration.
	CIDR       string
	GatewayIP  string
	IsExternal bool
	EnableNAT  *bool
	// IPConfig is the whole IP configuration (pools as "first-last"); nil
	// when the subnet has none.
	IPConfig *IPConfig
	// State is status.state as reported (e.g. COMPLETE), when reported.
	State string
}

type subnetResourcesJSON struct {
	SubnetType   string         `json:"subnet_type"`
	VLANID       *int64         `json:"vlan_id"`
	VPCReference *referenceJSON `json:"vpc_reference"`
	IsExternal   *bool          `json:"is_external"`
	EnableNAT    *bool          `json:"enable_nat"`
	IPConfig     *ipConfigJSON  `json:"ip_config"`
}

type subnetJSON struct {
	entityHead
	Spec struct {
		Name             string              `json:"name"`
		Description      string              `json:"description"`
		ClusterReference *referenceJSON      `json:"cluster_reference"`
		Resources        subnetResourcesJSON `json:"resources"`
	} `json:"spec"`
	Status *struct {
		Name             string              `json:"name"`
		Description      string              `json:"description"`
		State            string              `json:"state"`
		ClusterReference *referenceJSON      `json:"cluster_reference"`
		Resources        subnetResourcesJSON `json:"resources"`
	} `json:"status"`
}

// toSubnet converts the entity; id is the uuid asked for, for an entity
// that names none.
func (s *subnetJSON) toSubnet(id string) Subnet {
	// The status is what the subnet is; the spec is the fallback for an
	// entity that was never reconciled.
	name, cluster, res := s.Spec.Name, s.Spec.ClusterReference, s.Spec.Resources
	description, state := s.Spec.Description, ""
	if s.Status != nil {
		name = firstNonEmpty(s.Status.Name, name)
		description = firstNonEmpty(s.Status.Description, description)
		state = s.Status.State
		if s.Status.ClusterReference != nil {
			cluster = s.Status.ClusterReference
		}
		if s.Status.Resources.SubnetType != "" {
			res = s.Status.Resources
		}
	}
	ref := cluster.toReference()
	out := Subnet{
		UUID:        firstNonEmpty(s.Metadata.UUID, id),
		Name:        firstNonEmpty(name, s.Metadata.Name),
		Description: description,
		SubnetType:  res.SubnetType,
		ClusterUUID: ref.UUID,
		ClusterName: ref.Name,
		VPCUUID:     res.VPCReference.toReference().UUID,
		VLANID:      res.VLANID,
		IsExternal:  res.IsExternal != nil && *res.IsExternal,
		EnableNAT:   res.EnableNAT,
		State:       state,
	}
	if ip := res.IPConfig; ip != nil {
		out.GatewayIP = ip.DefaultGatewayIP
		if ip.SubnetIP != "" && ip.PrefixLength != nil {
			out.CIDR = ip.SubnetIP + "/" + strconv.Itoa(*ip.PrefixLength)
		}
		out.IPConfig = ip.toIPConfig()
	}
	return out
}

// kindSubnet declares the subnet.
var kindSubnet = &entityKind[Subnet, SubnetSpec]{
	noun: "subnet",
	v3: &v3Kind[Subnet, SubnetSpec, subnetJSON]{
		kind:   subnetKind,
		decode: (*subnetJSON).toSubnet,
		write:  writeSubnetSpec,
	},
	v4:    v4Subnets,
	wire:  KindSubnets,
	name:  func(s *SubnetSpec) string { return s.Name },
	check: (*SubnetSpec).check,
	accepted: func(s *SubnetSpec, id string) *Subnet {
		return &Subnet{UUID: id, Name: s.Name, SubnetType: s.SubnetType}
	},
}

// GetSubnet reads a subnet.
func (c *Client) GetSubnet(ctx context.Context, uuid string) (*Subnet, error) {
	return kindSubnet.get(ctx, c, uuid)
}

// LookupSubnet reads a subnet like GetSubnet, but from one list of the subnets per run shared
// by every lookup, when the run asks about enough subnets for the list to cost less than a GET
// each (see runCache). Asking about the same subnet again in the run sends a GET.
func (c *Client) LookupSubnet(ctx context.Context, uuid string) (*Subnet, error) {
	list := kindSubnet.lookupList(c, func(s *Subnet) string { return s.UUID })
	fetch := fetchOne(func(ctx context.Context) (*Subnet, error) { return c.GetSubnet(ctx, uuid) })
	return lookupOne(ctx, &c.subnets, "", uuid, "subnet "+uuid, list, fetch)
}

// ListSubnets lists the subnets matching a FIQL filter ("" for all), every
// page.
func (c *Client) ListSubnets(ctx context.Context, filter string) ([]Subnet, error) {
	return kindSubnet.list(ctx, c, filter)
}

const (
	subnetKind  = "subnet"
	clusterKind = "cluster"
)

// IPConfig is the IP configuration of a subnet (ip_config): its network,
// gateway, address pools and DHCP options.
type IPConfig struct {
	// CIDR is the network in prefix notation ("172.30.1.0/24").
	CIDR string
	// GatewayIP is the default gateway; "" for none.
	GatewayIP string
	// Pools are address ranges, each "first-last" or "first last"; read
	// back as "first-last".
	Pools []string
	// DNSServers, DomainSearch and DomainName are DHCP options.
	DNSServers   []string
	DomainSearch []string
	DomainName   string
}

// SubnetSpec is what a subnet should be, for CreateSubnet and UpdateSubnet.
type SubnetSpec struct {
	Name        string
	Description string
	// SubnetType is SubnetTypeVLAN or SubnetTypeOverlay.
	SubnetType string
	// ClusterUUID and VLANID are for VLAN subnets.
	ClusterUUID string
	VLANID      *int64
	// VPCUUID is the VPC of an overlay subnet.
	VPCUUID string
	// IsExternal and EnableNAT are sent when set, false included: an
	// external VLAN subnet with EnableNAT false is a no-NAT uplink.
	IsExternal *bool
	EnableNAT  *bool
	IPConfig   *IPConfig
}

type ipPoolJSON struct {
	Range string `json:"range"`
}

type dhcpOptionsJSON struct {
	DomainNameServerList []string `json:"domain_name_server_list"`
	DomainSearchList     []string `json:"domain_search_list"`
	DomainName           string   `json:"domain_name"`
}

// ipConfigJSON is the part of ip_config the client models.
type ipConfigJSON struct {
	SubnetIP         string           `json:"subnet_ip"`
	PrefixLength     *int             `json:"prefix_length"`
	DefaultGatewayIP string           `json:"default_gateway_ip"`
	PoolList         []ipPoolJSON     `json:"pool_list"`
	DHCPOptions      *dhcpOptionsJSON `json:"dhcp_options"`
}

func (ip *ipConfigJSON) toIPConfig() *IPConfig {
	out := &IPConfig{GatewayIP: ip.DefaultGatewayIP}
	if ip.SubnetIP != "" && ip.PrefixLength != nil {
		out.CIDR = fmt.Sprintf("%s/%d", ip.SubnetIP, *ip.PrefixLength)
	}
	for _, p := range ip.PoolList {
		if first, last, err := SplitPool(p.Range); err == nil {
			out.Pools = append(out.Pools, first+"-"+last)
		} else if p.Range != "" {
			out.Pools = append(out.Pools, p.Range)
		}
	}
	if d := ip.DHCPOptions; d != nil {
		out.DNSServers = slices.Clone(d.DomainNameServerList)
		out.DomainSearch = slices.Clone(d.DomainSearchList)
		out.DomainName = d.DomainName
	}
	return out
}

// SplitPool splits an address range written "first-last" or "first last"
// into its IPv4 addresses.
func SplitPool(pool string) (first, last string, err error) {
	s := strings.TrimSpace(pool)
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == ' ' || r == '\t' })
	if len(parts) != 2 {
		return "", "", fmt.Errorf("address pool %q is not written \"first-last\"", pool)
	}
	for _, p := range parts {
		a, err := netip.ParseAddr(p)
		if err != nil || !a.Is4() {
			return "", "", fmt.Errorf("address pool %q: %q is not an IPv4 address", pool, p)
		}
	}
	return parts[0], parts[1], nil
}

// check verifies what the wire format needs before anything is sent; the
// rules of networking itself (gateway inside the network, pools that do
// not overlap, NAT only on external subnets...) are Prism Central's.
func (s *SubnetSpec) check(op string, create bool) error {
	var problems []string
	if create && strings.TrimSpace(s.Name) == "" {
		problems = append(problems, "the name is empty")
	}
	if s.SubnetType != "" || create {
		if !slices.Contains(SubnetTypes, s.SubnetType) {
			problems = append(problems, fmt.Sprintf("subnet type %q is not one of %s", s.SubnetType, strings.Join(SubnetTypes, ", ")))
		}
	}
	if s.IPConfig != nil {
		problems = append(problems, s.IPConfig.problems()...)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", op, strings.Join(problems, "; "))
	}
	return nil
}

// problems lists what in the IP configuration cannot be sent.
func (ip *IPConfig) problems() []string {
	var out []string
	if p, err := netip.ParsePrefix(strings.TrimSpace(ip.CIDR)); err != nil || !p.Addr().Is4() {
		out = append(out, fmt.Sprintf("ip_config CIDR %q is not an IPv4 network in prefix notation (e.g. 172.30.1.0/24)", ip.CIDR))
	}
	if ip.GatewayIP != "" {
		if a, err := netip.ParseAddr(ip.GatewayIP); err != nil || !a.Is4() {
			out = append(out, fmt.Sprintf("gateway %q is not an IPv4 address", ip.GatewayIP))
		}
	}
	for _, p := range ip.Pools {
		if _, _, err := SplitPool(p); err != nil {
			out = append(out, err.Error())
		}
	}
	for _, d := range ip.DNSServers {
		if a, err := netip.ParseAddr(d); err != nil || !a.Is4() {
			out = append(out, fmt.Sprintf("DNS server %q is not an IPv4 address", d))
		}
	}
	return out
}

// CreateSubnet creates a subnet and waits for its task, then returns it as
// read. The create carries a metadata.uuid chosen by the client, so a
// retry after a lost answer cannot create a second subnet. IsExternal and
// EnableNAT are sent whenever they are set, false included.
//
// When Prism Central accepted the subnet but the client could not see it
// through (the wait timed out, a read failed, or the task failed and left
// the subnet behind), the error comes with a non-nil Subnet holding the
// uuid, so that the caller can track or delete what was created.
func (c *Client) CreateSubnet(ctx context.Context, s SubnetSpec) (*Subnet, error) {
	got, err := kindSubnet.create(ctx, c, &s, "")
	c.recordSubnet(got, err)
	return got, err
}

// recordSubnet tells the run's lookups what a write of a subnet left.
func (c *Client) recordSubnet(got *Subnet, err error) {
	switch {
	case got == nil:
	case err != nil:
		c.subnets.unknown("", got.UUID)
	default:
		c.subnets.wrote("", got.UUID, *got)
	}
}

// UpdateSubnet changes subnet uuid as s says and waits for the task, then
// returns it as read. It is a read-modify-write that sends back every field
// it does not model as read (inside ip_config and dhcp_options too). What
// s leaves unset is kept as read: an empty Name, SubnetType, ClusterUUID or
// VPCUUID, a nil VLANID, IsExternal, EnableNAT or IPConfig. Description is
// always applied ("" removes it). A set IPConfig replaces the modeled
// fields of ip_config: empty pools or DHCP lists remove them. The type of
// a subnet cannot change. Nothing is sent when the subnet already is as s
// says; the update starts over on a spec_version conflict (up to 5 times).
func (c *Client) UpdateSubnet(ctx context.Context, uuid string, s SubnetSpec) (*Subnet, error) {
	got, err := kindSubnet.update(ctx, c, uuid, &s)
	if err != nil {
		c.subnets.unknown("", uuid)
	}
	c.recordSubnet(got, err)
	return got, err
}

// DeleteSubnet deletes a subnet and waits for the task. A missing subnet
// gives an error matching ErrNotFound; a 404 to a repeated attempt whose
// first try may have landed counts as done. Prism Central refuses to
// delete a subnet that is in use (by a VM, or as the external subnet of a
// VPC) or an overlay subnet's VPC before its subnets.
func (c *Client) DeleteSubnet(ctx context.Context, uuid string) error {
	err := kindSubnet.delete(ctx, c, uuid)
	if err == nil || errors.Is(err, ErrNotFound) {
		c.subnets.deleted("", uuid)
	} else {
		c.subnets.unknown("", uuid)
	}
	return err
}

// writeSubnetSpec applies s to a subnet spec, as read or new; see
// UpdateSubnet for what is kept. The type of a subnet as read cannot
// change.
func writeSubnetSpec(spec map[string]any, s *SubnetSpec) error {
	if cur := rawString(rawChild(spec, "resources"), "subnet_type"); s.SubnetType != "" && cur != "" && !strings.EqualFold(cur, s.SubnetType) {
		return fmt.Errorf("the subnet is of type %s and cannot become %s: replace it", cur, s.SubnetType)
	}
	if s.Name != "" {
		spec["name"] = s.Name
	}
	putString(spec, "description", s.Description)
	if s.ClusterUUID != "" {
		putReference(spec, "cluster_reference", clusterKind, s.ClusterUUID)
	}
	res := rawObject(spec, "resources")
	if s.SubnetType != "" {
		if cur := rawString(res, "subnet_type"); !strings.EqualFold(cur, s.SubnetType) {
			res["subnet_type"] = s.SubnetType
		}
	}
	if s.VLANID != nil {
		res["vlan_id"] = *s.VLANID
	}
	if s.VPCUUID != "" {
		putReference(res, "vpc_reference", vpcKind, s.VPCUUID)
	}
	if s.IsExternal != nil {
		res["is_external"] = *s.IsExternal
	}
	if s.EnableNAT != nil {
		res["enable_nat"] = *s.EnableNAT
	}
	if s.IPConfig != nil {
		writeIPConfig(rawObject(res, "ip_config"), s.IPConfig)
	}
	return nil
}

// writeIPConfig applies the modeled fields of cfg to a raw ip_config,
// keeping the others (dhcp_server_address, boot_file_name...) as read.
func writeIPConfig(ip map[string]any, cfg *IPConfig) {
	if p, err := netip.ParsePrefix(strings.TrimSpace(cfg.CIDR)); err == nil {
		if rawString(ip, "subnet_ip") != p.Addr().String() {
			ip["subnet_ip"] = p.Addr().String()
		}
		if rawNumber(ip, "prefix_length") != fmt.Sprint(p.Bits()) {
			ip["prefix_length"] = p.Bits()
		}
	}
	putString(ip, "default_gateway_ip", cfg.GatewayIP)

	pools := make([][2]string, len(cfg.Pools))
	for i, p := range cfg.Pools {
		pools[i][0], pools[i][1], _ = SplitPool(p)
	}
	putObjects(ip, "pool_list", takeItems(rawObjects(ip["pool_list"]), pools,
		func(o map[string]any, p [2]string) bool {
			first, last, err := SplitPool(rawString(o, "range"))
			return err == nil && first == p[0] && last == p[1]
		},
		func(p [2]string) map[string]any { return map[string]any{"range": p[0] + " " + p[1]} }))

	_, hadDHCP := ip["dhcp_options"].(map[string]any)
	if !hadDHCP && len(cfg.DNSServers) == 0 && len(cfg.DomainSearch) == 0 && cfg.DomainName == "" {
		return
	}
	dhcp := rawObject(ip, "dhcp_options")
	putStrings(dhcp, "domain_name_server_list", cfg.DNSServers)
	putStrings(dhcp, "domain_search_list", cfg.DomainSearch)
	putString(dhcp, "domain_name", cfg.DomainName)
}
