package v4

import (
	"net"
	"net/http"
	"strings"
)

// Domain managers and their registrations (prism v4.3, SDK prism-go-client
// api/domain_manager_api.go and api/registration_api.go, models/prism/v4/config
// DomainManager and models/prism/v4/management Registration):
//
//	GET /api/prism/v4.3/config/domain-managers                                       -> []DomainManager (the PC itself)
//	GET /api/prism/v4.3/config/domain-managers/{extId}                               -> DomainManager, ETag
//	GET /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/registrations[?OData] -> []Registration
//	GET /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/registrations/{extId}  -> Registration, ETag
//
// A PC is one domain manager; its registrations are the Prism Centrals it is paired with
// (v3's cloud trusts). Pairing and unpairing are actions: domain_manager_actions.go.

var (
	domainManagersPath = Prism.Prefix() + "/config/domain-managers"
	registrationsPath  = Prism.Prefix() + "/management/domain-managers/{domainManagerExtId}/registrations"
)

// DomainManagerBackend is what the v4 wire needs of a PC for its domain manager.
type DomainManagerBackend interface {
	// DomainManager is the PC itself.
	DomainManager() DomainManager
	// Registrations are the PCs this one is paired with, or is pairing with.
	Registrations() []Registration
}

// DomainManager is a Prism Central as prism.v4.config.DomainManager shows it.
type DomainManager struct {
	ExtID   string
	Name    string
	Version string // the release, such as pc.7.5
	Address string // the external address: an IPv4 address or a name
}

// Registration is a Prism Central paired with this one (prism.v4.management.Registration).
type Registration struct {
	ExtID string
	// Status is CONNECTED, DISCONNECTED or PENDING.
	Status string
	Remote DomainManager
}

var registrationFields = []string{"extId", "remoteClusterExtId", "connectivityStatus", "remoteClusterDetails.name"}

func domainManagerRoutes() []Route {
	return []Route{
		{http.MethodGet, domainManagersPath, "domain_manager", handleListDomainManagers},
		{http.MethodGet, domainManagersPath + "/{extId}", "domain_manager", handleGetDomainManager},
		{http.MethodGet, registrationsPath, "registration", handleListRegistrations},
		{http.MethodGet, registrationsPath + "/{extId}", "registration", handleGetRegistration},
	}
}

// renderIPv4 is common.v1.config.IPv4Address, a single address.
func renderIPv4(address string) map[string]any {
	return map[string]any{
		"$objectType": "common.v1.config.IPv4Address", "$reserved": map[string]any{"$fv": "v1.r0"},
		"value": address, "prefixLength": 32,
	}
}

// renderAddressOrFQDN is common.v1.config.IPAddressOrFQDN.
func renderAddressOrFQDN(address string) map[string]any {
	out := map[string]any{"$objectType": "common.v1.config.IPAddressOrFQDN", "$reserved": map[string]any{"$fv": "v1.r0"}}
	if ip := net.ParseIP(address); ip != nil && ip.To4() != nil {
		out["ipv4"] = renderIPv4(address)
	} else {
		out["fqdn"] = map[string]any{"$objectType": "common.v1.config.FQDN", "$reserved": map[string]any{"$fv": "v1.r0"}, "value": address}
	}
	return out
}

func renderDomainManager(d DomainManager) map[string]any {
	config := map[string]any{
		"$objectType": "prism.v4.config.DomainManagerClusterConfig", "$reserved": Prism.reserved(),
		"name": d.Name,
		"buildInfo": map[string]any{
			"$objectType": "clustermgmt.v4.config.BuildInfo", "$reserved": map[string]any{"$fv": "v4.r2"},
			"version": d.Version,
		},
	}
	network := map[string]any{"$objectType": "prism.v4.config.DomainManagerNetwork", "$reserved": Prism.reserved()}
	if ip := net.ParseIP(d.Address); ip != nil && ip.To4() != nil {
		network["externalAddress"] = map[string]any{
			"$objectType": "common.v1.config.IPAddress", "$reserved": map[string]any{"$fv": "v1.r0"},
			"ipv4": renderIPv4(d.Address),
		}
	} else if d.Address != "" {
		network["fqdn"] = d.Address
	}
	return Prism.object("prism.v4.config.DomainManager", map[string]any{
		"extId":                        d.ExtID,
		"config":                       config,
		"network":                      network,
		"shouldEnableHighAvailability": false,
	})
}

func renderRegistration(r Registration) map[string]any {
	return Prism.object("prism.v4.management.Registration", map[string]any{
		"extId":              r.ExtID,
		"remoteClusterExtId": r.Remote.ExtID,
		"connectivityStatus": r.Status,
		"remoteClusterDetails": map[string]any{
			"$objectType": "prism.v4.management.RemoteCluster", "$reserved": Prism.reserved(),
			"extId":           r.Remote.ExtID,
			"name":            r.Remote.Name,
			"clusterType":     "DOMAIN_MANAGER",
			"clusterVersion":  r.Remote.Version,
			"externalAddress": renderAddressOrFQDN(r.Remote.Address),
		},
	})
}

func handleListDomainManagers(rq Request) (int, any) {
	return listOf(Prism, rq, []string{"extId"}, "prism.v4.config.ListDomainManagerApiResponse", "prism.v4.config.DomainManager",
		[]DomainManager{rq.PC.DomainManager()}, renderDomainManager)
}

func handleGetDomainManager(rq Request) (int, any) {
	local := rq.PC.DomainManager()
	d, ok := findByID([]DomainManager{local}, func(d DomainManager) string { return d.ExtID }, rq.Params["extId"])
	if !ok {
		return Prism.fail(http.StatusNotFound, 40401, "extId", "domain manager %s was not found: this Prism Central is domain manager %s",
			rq.Params["extId"], local.ExtID)
	}
	return Prism.entityAnswer(http.StatusOK, "prism.v4.config.GetDomainManagerApiResponse", renderDomainManager(d))
}

// localRegistrations answers the registrations of the domain manager of the path, which
// must be this PC.
func localRegistrations(rq Request) ([]Registration, int, any, bool) {
	if st, body, ok := checkLocalDomainManager(rq); !ok {
		return nil, st, body, false
	}
	return rq.PC.Registrations(), 0, nil, true
}

// checkLocalDomainManager answers 404 unless the path's domainManagerExtId is this PC.
func checkLocalDomainManager(rq Request) (int, any, bool) {
	dm := rq.PC.DomainManager()
	if !strings.EqualFold(rq.Params["domainManagerExtId"], dm.ExtID) {
		st, body := Prism.fail(http.StatusNotFound, 40401, "domainManagerExtId",
			"domain manager %s was not found: this Prism Central is domain manager %s", rq.Params["domainManagerExtId"], dm.ExtID)
		return st, body, false
	}
	return 0, nil, true
}

func handleListRegistrations(rq Request) (int, any) {
	regs, st, body, ok := localRegistrations(rq)
	if !ok {
		return st, body
	}
	return listOf(Prism, rq, registrationFields, "prism.v4.management.ListRegistrationApiResponse", "prism.v4.management.Registration",
		regs, renderRegistration)
}

func handleGetRegistration(rq Request) (int, any) {
	regs, st, body, ok := localRegistrations(rq)
	if !ok {
		return st, body
	}
	r, found := findByID(regs, func(r Registration) string { return r.ExtID }, rq.Params["extId"])
	if !found {
		return Prism.fail(http.StatusNotFound, 40402, "extId", "registration %s was not found", rq.Params["extId"])
	}
	return Prism.entityAnswer(http.StatusOK, "prism.v4.management.GetRegistrationApiResponse", renderRegistration(r))
}
