package prismsim

import (
	"net/http"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/admin"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// The admin wire (package admin) is mounted on every PC's HTTPS listener under
// /_prismsim; it drives the world through admin.World, which adminWorld implements.

func init() {
	registerMount(mount{prefix: admin.Prefix + "/", serve: func(pc *PC, rw http.ResponseWriter, r *http.Request) {
		admin.Serve(adminWorld{pc.w}, pc.Name(), rw, r)
	}})
}

// adminWorld is the world as the admin wire sees it.
type adminWorld struct{ *World }

var _ admin.World = adminWorld{}

func (a adminWorld) Site(name string) (model.SiteState, bool) {
	pc := a.PC(name)
	if pc == nil {
		return model.SiteState{}, false
	}
	return siteState(pc), true
}

func (a adminWorld) RequestCounts(name string) model.RequestCounts {
	if pc := a.PC(name); pc != nil {
		return pc.RequestCounts()
	}
	return model.RequestCounts{ByRoute: map[string]int{}}
}

func (a adminWorld) ResetRequestCounts(name string) {
	if pc := a.PC(name); pc != nil {
		pc.ResetRequestCounts()
	}
}

func (a adminWorld) State() any { return a.World.State() }
