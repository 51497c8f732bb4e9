package v3

import (
	"fmt"
	"net/http"
)

// Route tables: every VPC has one, GET and PUT /vpcs/{uuid}/route_tables, an intentful
// entity of kind vpc_route_table whose metadata.uuid is the VPC's; a PUT is the generic
// update.

const routeTableKind = "vpc_route_table"

func init() {
	addRoutes(
		route(http.MethodGet, "/vpcs/{uuid}/route_tables", routeTableKind, routeTableRoute(GetEntity(routeTableKind))),
		route(http.MethodPut, "/vpcs/{uuid}/route_tables", routeTableKind, routeTableRoute(UpdateEntity(routeTableKind))),
	)
}

// routeTableRoute answers 404 naming the VPC when it does not exist, or has no route table
// yet (its create task has not succeeded), before the generic handler h.
func routeTableRoute(h Handler) Handler {
	return func(rq Request) (int, any, error) {
		id, apiErr := rq.UUIDParam()
		if apiErr != nil {
			return 0, nil, apiErr
		}
		notFoundErr := func(format string) *Error {
			return &Error{
				Status: http.StatusNotFound, Kind: routeTableKind, Reason: ReasonNotFound,
				Message: fmt.Sprintf(format, id), Details: map[string]string{"kind": "vpc", "id": id},
			}
		}
		switch {
		case !rq.PC.HasEntity("vpc", id):
			return 0, nil, notFoundErr("vpc %s was not found")
		case !rq.PC.HasEntity(routeTableKind, id):
			return 0, nil, notFoundErr("vpc %s has no route table yet: wait for its create task to succeed")
		}
		return h(rq)
	}
}
