package prismsim

import (
	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// The v3 wire (package v3) is served on every PC's HTTPS listener under /api/nutanix/v3:
// its routes join the server's table (server.go), go through the same pipeline (counted,
// faulted, recorded) and call the model through v3.Backend, which PC implements
// (v3_backend.go).

func init() {
	for _, rt := range v3.Routes() {
		serve := rt.Serve
		apiRoutes.Add(rt.Method, rt.Template, routeHandler{kind: rt.Kind, h: func(rq *request) (int, any, error) {
			return serve(rq.v3())
		}})
	}
}

// v3 is the request as the v3 wire's handlers take it.
func (rq *request) v3() v3.Request {
	return v3.Request{PC: rq.pc, HTTP: rq.r, Params: rq.params, Body: rq.body}
}
