package client

import (
	"context"
	"net/http"
	"strconv"
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
	Metadata entityMetadata `json:"metadata"`
	Spec     struct {
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

func (s *subnetJSON) looksLikeV3() bool { return s.Metadata.UUID != "" || s.Metadata.Kind != "" }

func (s *subnetJSON) toSubnet() Subnet {
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
		UUID:        s.Metadata.UUID,
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

// GetSubnet reads a subnet.
func (c *Client) GetSubnet(ctx context.Context, uuid string) (*Subnet, error) {
	var s subnetJSON
	if err := c.do(ctx, "reading subnet "+uuid, http.MethodGet, "/subnets/"+escape(uuid), nil, &s); err != nil {
		return nil, err
	}
	out := s.toSubnet()
	return &out, nil
}

// LookupSubnet reads a subnet like GetSubnet, but from one list of the subnets per run shared
// by every lookup, when the run asks about enough subnets for the list to cost less than a GET
// each (see runCache). Asking about the same subnet again in the run sends a GET.
func (c *Client) LookupSubnet(ctx context.Context, uuid string) (*Subnet, error) {
	list := listGroup(c, "listing subnets", "subnet", "/subnets/list", (*subnetJSON).toSubnet, func(s *Subnet) string { return s.UUID })
	fetch := fetchOne(func(ctx context.Context) (*Subnet, error) { return c.GetSubnet(ctx, uuid) })
	return lookupOne(ctx, &c.subnets, "", uuid, "subnet "+uuid, list, fetch)
}

// ListSubnets lists the subnets matching a FIQL filter ("" for all), every
// page.
func (c *Client) ListSubnets(ctx context.Context, filter string) ([]Subnet, error) {
	return listTyped(ctx, c, "listing subnets", "subnet", "/subnets/list", filter, (*subnetJSON).toSubnet)
}
