package prismsim

import (
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// The v4 wire (package v4) is mounted on every PC's HTTPS listener beside v3. Its requests
// go through the same pipeline as v3's (serveAPI): counted, faulted and recorded; its
// routes answer with the v4 shapes and call the model through v4.Backend, which PC
// implements.

var _ v4.Backend = (*PC)(nil)

func init() {
	registerMount(mount{prefix: v4.Prefix + "/", api: true, serve: (*PC).serveAPI})
	for _, rt := range v4.Routes() {
		serve := rt.Serve
		apiRoutes.Add(rt.Method, rt.Template, routeHandler{kind: rt.Kind, h: func(rq *request) (int, any, error) {
			status, body := serve(v4.Request{PC: rq.pc, HTTP: rq.r, Params: rq.params})
			return status, body, nil
		}})
	}
}
