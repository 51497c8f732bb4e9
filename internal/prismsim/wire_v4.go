package prismsim

import (
	"net/http"
	"strings"

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
		ns, gated := routeNamespace(rt.Template)
		apiRoutes.Add(rt.Method, rt.Template, routeHandler{kind: rt.Kind, h: func(rq *request) (int, any, error) {
			// What the PC's release serves (pc_version.go): the version probe answers the
			// release's revision; a route of a revision it does not serve is not routed.
			switch {
			case gated && rt.Kind == "info":
				if rev := rq.pc.v4Revision(ns); rev != "" {
					return http.StatusOK, map[string]any{"data": rev}, nil
				}
				return 0, nil, notRouted(rq)
			case gated && !rq.pc.servesV4(ns):
				return 0, nil, notRouted(rq)
			}
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

// routeNamespace returns the namespace of a v4 route whose serving depends on the PC's
// release: every route of the wire's namespaces at their revision and their version probes,
// but not the recovery point store reads (pc_version.go says why).
func routeNamespace(template string) (v4.Namespace, bool) {
	for _, n := range v4.Namespaces() {
		if strings.HasPrefix(template, n.Prefix()+"/") || template == "/api/"+n.Name+"/unversioned/info" {
			return n, true
		}
	}
	return v4.Namespace{}, false
}

// notRouted is the answer to a path the PC does not serve, as for any unknown path.
func notRouted(rq *request) error {
	return errorf(http.StatusNotFound, reasonNotSupported, "%s %s is not supported by this Prism Central", rq.r.Method, rq.r.URL.Path)
}
