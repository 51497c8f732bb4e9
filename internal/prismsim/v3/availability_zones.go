package v3

import (
	"fmt"
	"net/http"
)

// Availability zones are read through the generic handlers; they are not created, changed
// or deleted directly.

// AvailabilityZone is what the model says of an availability zone: its name, whether it
// is the Local one, and the cloud trust it came with, if any.
type AvailabilityZone struct {
	Name  string
	Local bool
	Trust string
}

// AvailabilityZoneBackend is what the v3 wire needs of a PC for availability zones beyond
// the generic handlers.
type AvailabilityZoneBackend interface {
	AvailabilityZone(id string) (AvailabilityZone, error)
}

func init() {
	addRoutes(
		route(http.MethodPost, "/availability_zones", "availability_zone", refuseAZChange),
		route(http.MethodPut, "/availability_zones/{uuid}", "availability_zone", refuseAZChange),
		route(http.MethodDelete, "/availability_zones/{uuid}", "availability_zone", refuseAZChange),
	)
}

// refuseAZChange answers POST /availability_zones and PUT or DELETE
// /availability_zones/{uuid}: availability zones come from enabling disaster recovery and
// from pairing, and go with unpairing.
func refuseAZChange(rq Request) (int, any, error) {
	if rq.HTTP.Method == http.MethodPost {
		return 0, nil, Errorf(http.StatusUnprocessableEntity, ReasonActionNotSupported,
			"availability zones are not created directly: the Local AZ comes with enabling disaster recovery "+
				"(POST /services/disaster_recovery), a remote one with pairing (POST /cloud_trusts)")
	}
	id, apiErr := rq.UUIDParam()
	if apiErr != nil {
		return 0, nil, apiErr
	}
	az, err := rq.PC.AvailabilityZone(id)
	if err != nil {
		return 0, nil, err
	}
	verb := "changed"
	if rq.HTTP.Method == http.MethodDelete {
		verb = "deleted"
	}
	if az.Local {
		return 0, nil, Errorf(http.StatusUnprocessableEntity, ReasonActionNotSupported,
			"the Local availability zone is managed by Prism Central and cannot be %s", verb)
	}
	hint := ""
	if az.Trust != "" {
		hint = fmt.Sprintf(": unpair with DELETE /cloud_trusts/%s", az.Trust)
	}
	return 0, nil, Errorf(http.StatusUnprocessableEntity, ReasonActionNotSupported,
		"availability zone %s comes from pairing and cannot be %s directly%s", az.Name, verb, hint)
}
