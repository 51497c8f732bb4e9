package v4

import "net/http"

// Version negotiation (OBSERVED of the SDKs, client/api_client.go NegotiateVersion):
// before its first call an SDK sends OPTIONS /api/<namespace>/unversioned/info and takes
// data, a version string, as the highest revision the PC serves for the namespace.

func infoRoutes() []Route {
	var out []Route
	for _, n := range Namespaces() {
		out = append(out, Route{http.MethodOptions, "/api/" + n.Name + "/unversioned/info", "info",
			func(Request) (int, any) {
				return http.StatusOK, map[string]any{"data": n.Version}
			}})
	}
	return out
}

func allRoutes() []Route {
	var out []Route
	for _, f := range []func() []Route{infoRoutes, taskRoutes, categoryRoutes, policyRoutes, planRoutes, domainManagerRoutes, pairingRoutes, clusterRoutes, recoveryPointRoutes, networkingRoutes, productRoutes, vmRoutes} {
		out = append(out, f()...)
	}
	return out
}
