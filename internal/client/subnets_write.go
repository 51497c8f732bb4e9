package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

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

// subnetPath is the path of a subnet.
func subnetPath(uuid string) string { return collectionPath(subnetKind) + "/" + escape(uuid) }

// subnetOperation names a subnet in messages.
func subnetOperation(verb, name, uuid string) string {
	switch {
	case name != "" && uuid != "":
		return fmt.Sprintf("%s subnet %s (%s)", verb, name, uuid)
	case name != "":
		return fmt.Sprintf("%s subnet %s", verb, name)
	case uuid == "":
		return fmt.Sprintf("%s a subnet", verb)
	}
	return fmt.Sprintf("%s subnet %s", verb, uuid)
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
	op := subnetOperation("creating", s.Name, "")
	if err := s.check(op, true); err != nil {
		return nil, err
	}
	spec := map[string]any{}
	writeSubnetSpec(spec, &s)
	accepted := func(id string) *Subnet { return &Subnet{UUID: id, Name: s.Name, SubnetType: s.SubnetType} }
	got, err := createAndRead(ctx, c, op, subnetKind, spec, nil, accepted, c.getSubnet)
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

func (c *Client) getSubnet(ctx context.Context, op, uuid string) (*Subnet, error) {
	var s subnetJSON
	if err := c.do(ctx, op, http.MethodGet, subnetPath(uuid), nil, &s); err != nil {
		return nil, err
	}
	out := s.toSubnet()
	if out.UUID == "" {
		out.UUID = uuid
	}
	return &out, nil
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
	op := subnetOperation("updating", s.Name, uuid)
	if uuid == "" {
		return nil, fmt.Errorf("%s: no uuid: say which subnet to update", op)
	}
	if err := s.check(op, false); err != nil {
		return nil, err
	}
	change := specChange("entity", func(spec map[string]any) error {
		res := rawObject(spec, "resources")
		if cur := rawString(res, "subnet_type"); s.SubnetType != "" && cur != "" && !strings.EqualFold(cur, s.SubnetType) {
			return fmt.Errorf("subnet %s is of type %s and cannot become %s: replace it", uuid, cur, s.SubnetType)
		}
		writeSubnetSpec(spec, &s)
		return nil
	})
	fromDoc := func(doc *document) (*Subnet, error) {
		var sj subnetJSON
		if err := doc.decode(&sj); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out := sj.toSubnet()
		if out.UUID == "" {
			out.UUID = uuid
		}
		return &out, nil
	}
	got, err := updateAndRead(ctx, c, op, subnetPath(uuid), change, fromDoc, nil)
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
	err := c.deleteAndWait(ctx, subnetOperation("deleting", "", uuid), subnetPath(uuid))
	if err == nil || errors.Is(err, ErrNotFound) {
		c.subnets.deleted("", uuid)
	} else {
		c.subnets.unknown("", uuid)
	}
	return err
}

// writeSubnetSpec applies s to a subnet spec, as read or new; see
// UpdateSubnet for what is kept.
func writeSubnetSpec(spec map[string]any, s *SubnetSpec) {
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

	old := rawObjects(ip["pool_list"])
	used := make([]bool, len(old))
	pools := make([]any, 0, len(cfg.Pools))
	for _, p := range cfg.Pools {
		first, last, _ := SplitPool(p)
		item := takeObject(old, used, func(o map[string]any) bool {
			f, l, err := SplitPool(rawString(o, "range"))
			return err == nil && f == first && l == last
		})
		if item == nil {
			item = map[string]any{"range": first + " " + last}
		}
		pools = append(pools, item)
	}
	putObjects(ip, "pool_list", pools)

	_, hadDHCP := ip["dhcp_options"].(map[string]any)
	if !hadDHCP && len(cfg.DNSServers) == 0 && len(cfg.DomainSearch) == 0 && cfg.DomainName == "" {
		return
	}
	dhcp := rawObject(ip, "dhcp_options")
	putStrings(dhcp, "domain_name_server_list", cfg.DNSServers)
	putStrings(dhcp, "domain_search_list", cfg.DomainSearch)
	putString(dhcp, "domain_name", cfg.DomainName)
}
