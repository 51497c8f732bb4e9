package client

import (
	"fmt"
	"strings"
)

// The protocol of each DR kind: Prism Central serves the DR kinds over the v3 API and, from
// some versions on, over the v4 API (internal/apispec/v4/README.md has the table of which
// Prism Central versions serve which v4 namespace). The provider's api_version chooses:
// "auto" (v4 where both this client and the Prism Central serve the kind over v4, v3
// elsewhere; v4_wire.go asks the Prism Central), "v3" or "v4". A kind the client does not
// speak over v4 yet is v3 under "auto", and "v4" is refused with the list of those kinds.

// Choices of api_version.
const (
	APIVersionAuto = "auto"
	APIVersionV3   = "v3"
	APIVersionV4   = "v4"
)

// APIVersions lists the choices of api_version, for validators and documentation.
var APIVersions = []string{APIVersionAuto, APIVersionV3, APIVersionV4}

// Wires a kind can be spoken over.
const (
	WireV3 = "v3"
	WireV4 = "v4"
)

// DRKind is a kind of entity whose protocol is chosen per Prism Central.
type DRKind string

// The kinds, named as users know them.
const (
	KindDisasterRecovery   DRKind = "disaster recovery enablement"
	KindAvailabilityZones  DRKind = "availability zones"
	KindCategories         DRKind = "categories"
	KindVMs                DRKind = "VMs"
	KindClusters           DRKind = "clusters"
	KindProtectionPolicies DRKind = "protection policies"
	KindRecoveryPlans      DRKind = "recovery plans"
	KindFailovers          DRKind = "failovers"
	KindRecoveryPoints     DRKind = "recovery points"
	KindSubnets            DRKind = "subnets"
	KindVPCs               DRKind = "VPCs"
	KindRouteTables        DRKind = "route tables"
	KindMSTStores          DRKind = "MST recovery point stores"
)

// kindWire says over which wires a kind can be served.
type kindWire struct {
	kind DRKind
	// v3 is set when the v3 API serves the kind.
	v3 bool
	// v4 is the v4 namespace that serves the kind; zero when the v4 plan has none.
	v4 v4Namespace
	// v4Client is set once this client speaks v4 for the kind.
	v4Client bool
	// why, when set, is the reason the kind stays on v3 (under "auto" and in the refusal of
	// "v4"), instead of the generic one.
	why string
}

// kindWires is the per-kind table, in the order logs and messages list the kinds.
var kindWires = []kindWire{
	// prism v4.3 enables products per domain manager: PUT
	// /management/domain-managers/{extId}/products/{extId} with name NUTANIX_DISASTER_RECOVERY
	// and enablementState ENABLED (v4_disaster_recovery.go).
	{kind: KindDisasterRecovery, v3: true, v4: v4Prism, v4Client: true},
	// Pairing: domain managers $actions/register and unregister, and registrations
	// (v4_pairing.go); the zones themselves have no v4 entity and are read over v3.
	{kind: KindAvailabilityZones, v3: true, v4: v4Prism, v4Client: true},
	// Category values; a key has no v4 entity of its own (see v4_categories.go).
	{kind: KindCategories, v3: true, v4: v4Prism, v4Client: true},
	// VMs are read, and their categories assigned (associate/disassociate actions), through
	// vmm v4.2 (v4_vms.go).
	{kind: KindVMs, v3: true, v4: v4VMM, v4Client: true},
	{kind: KindClusters, v3: true, v4: v4ClusterMgmt, v4Client: true},
	{kind: KindProtectionPolicies, v3: true, v4: v4DataPolicies, v4Client: true},
	{kind: KindRecoveryPlans, v3: true, v4: v4DataPolicies, v4Client: true},
	{kind: KindFailovers, v3: true, v4: v4DataProtection, v4Client: true}, // recovery plan actions and jobs
	{kind: KindRecoveryPoints, v3: true, v4: v4DataProtection, v4Client: true},
	{kind: KindSubnets, v3: true, v4: v4Networking, v4Client: true},
	{kind: KindVPCs, v3: true, v4: v4Networking, v4Client: true},
	{kind: KindRouteTables, v3: true, v4: v4Networking, v4Client: true},
	// MST stores have no v3 API: they are read over v4 whatever api_version says.
	{kind: KindMSTStores, v4: v4Namespace{Name: "dataprotection", Version: "v4.4"}, v4Client: true},
}

// KindProtocol is the wire chosen for a kind, and why.
type KindProtocol struct {
	Kind   DRKind
	Wire   string // WireV3 or WireV4
	Reason string
	// probe is the namespace to ask the Prism Central about before speaking v4 ("auto");
	// Wire is WireV3 until it answers that it serves it.
	probe v4Namespace
}

// String renders the choice for logs, e.g. "v3 (this provider version does not speak v4 for
// recovery plans yet)".
func (p KindProtocol) String() string { return p.Wire + " (" + p.Reason + ")" }

// ResolveProtocols chooses the wire of every kind for an api_version ("" is "auto"). It
// refuses a value that is not a choice, and "v4" while some kinds are not served over v4 by
// this client, naming them.
func ResolveProtocols(apiVersion string) ([]KindProtocol, error) {
	if apiVersion == "" {
		apiVersion = APIVersionAuto
	}
	switch apiVersion {
	case APIVersionAuto, APIVersionV3, APIVersionV4:
	default:
		return nil, fmt.Errorf("api_version %q is not one of %q, %q or %q", apiVersion, APIVersionAuto, APIVersionV3, APIVersionV4)
	}
	out := make([]KindProtocol, 0, len(kindWires))
	var notV4 []string
	for _, k := range kindWires {
		p := KindProtocol{Kind: k.kind}
		switch {
		case !k.v3:
			p.Wire, p.Reason = WireV4, "Prism Central has no v3 API for "+string(k.kind)
		case apiVersion == APIVersionV3:
			p.Wire, p.Reason = WireV3, "api_version = \"v3\""
		case k.v4Client && apiVersion == APIVersionV4:
			p.Wire, p.Reason = WireV4, "api_version = \"v4\""
		case k.v4Client:
			p.Wire, p.Reason, p.probe = WireV3, "api_version = \"auto\": v4 ("+k.v4.String()+") once the Prism Central answers that it serves it", k.v4
		case k.why != "":
			p.Wire, p.Reason = WireV3, k.why
		case k.v4.Name == "":
			p.Wire, p.Reason = WireV3, "this provider has no v4 plan for "+string(k.kind)
		default:
			p.Wire, p.Reason = WireV3, "this provider version does not speak v4 ("+k.v4.String()+") for "+string(k.kind)+" yet"
		}
		if p.Wire != WireV4 {
			notV4 = append(notV4, string(k.kind))
		}
		out = append(out, p)
	}
	if apiVersion == APIVersionV4 && len(notV4) > 0 {
		return nil, fmt.Errorf("api_version = \"v4\" is not available in this provider version: it does not serve these kinds over "+
			"the v4 API yet: %s. Set api_version = \"auto\" (v4 wherever this provider and the Prism Central both serve a kind "+
			"over v4, v3 elsewhere) or \"v3\"", strings.Join(notV4, ", "))
	}
	return out, nil
}

// Protocols returns the wire chosen for every kind on this client's Prism Central.
func (c *Client) Protocols() []KindProtocol { return append([]KindProtocol(nil), c.protocols...) }

// Protocol returns the wire chosen for a kind (WireV3 for a kind the table does not know).
func (c *Client) Protocol(kind DRKind) string {
	for _, p := range c.protocols {
		if p.Kind == kind {
			return p.Wire
		}
	}
	return WireV3
}
