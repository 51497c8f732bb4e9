package v3

import "net/http"

// Backend is what the v3 wire needs of a PC of the model (PC implements it, in package
// prismsim: v3_backend.go and the files of the model it names).
type Backend interface {
	EntityBackend
	TaskBackend
	CategoryBackend
	DRBackend
	AvailabilityZoneBackend
	PlanBackend
	PolicyBackend
	RecoveryPointBackend
	JobBackend
	CloudTrustBackend
}

func init() {
	addRoutes(route(http.MethodGet, "/versions", "versions", handleVersions))
}

// handleVersions answers GET /versions as the spec's versions definition describes.
func handleVersions(Request) (int, any, error) {
	return http.StatusOK, map[string]string{"major_version": "3", "minor_version": "1"}, nil
}
