package prismsim

import (
	"net/http"

	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// The v4 wire (package v4) is mounted on every PC's HTTPS listener beside v3, one mount per
// v4 namespace. Its requests go through the same pipeline as v3's (serveAPI): counted,
// faulted and recorded; its routes answer with the v4 shapes and call the model through
// v4.Backend, which PC implements (v4_backend.go).

var _ v4.Backend = (*PC)(nil)

func init() {
	for _, n := range v4.Namespaces() {
		registerMount(mount{prefix: "/api/" + n.Name + "/", api: true, serve: (*PC).serveAPI})
	}
	for _, rt := range v4.Routes() {
		serve := rt.Serve
		apiRoutes.Add(rt.Method, rt.Template, routeHandler{kind: rt.Kind, h: func(rq *request) (int, any, error) {
			status, body := serve(v4.Request{PC: rq.pc, HTTP: rq.r, Params: rq.params, Body: rq.body})
			if r, ok := body.(v4.Reply); ok {
				return status, withHeader{header: r.Header, body: r.Body}, nil
			}
			return status, body, nil
		}})
	}
}

// withHeader is an answer body with header fields (the v4 wire's ETag).
type withHeader struct {
	header http.Header
	body   any
}
