package prismsim

import (
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// The PC as a v4 domain manager (v4.DomainManagerBackend): the same identity the v3 cluster
// list gives its own cluster (uuid, name, advertised IP, release), and its registrations
// from the model's pairing state (cloud trusts). tools/prismsim/README.md, "v4", says where
// each field comes from.

// DomainManager implements v4.DomainManagerBackend.
func (pc *PC) DomainManager() v4.DomainManager {
	return pc.v4DomainManager()
}

func (pc *PC) v4DomainManager() v4.DomainManager {
	return v4.DomainManager{ExtID: pc.UUID(), Name: pc.Name(), Version: pc.PCVersion(), Address: pc.AdvertisedIP()}
}

// Registrations implements v4.DomainManagerBackend: one per cloud trust, in creation order;
// PENDING while the pairing task runs, DISCONNECTED while the peer's site is down.
func (pc *PC) Registrations() []v4.Registration {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var out []v4.Registration
	for _, e := range pc.entitiesLocked(ctKind) {
		peer := pc.w.PC(ctInfo(e).peer)
		if peer == nil {
			continue // A pairing refused by its task: no remote PC.
		}
		status := "CONNECTED"
		switch {
		case e.committed == nil:
			status = "PENDING"
		case peer.Down():
			status = "DISCONNECTED"
		}
		out = append(out, v4.Registration{ExtID: e.uuid, Status: status, Remote: peer.v4DomainManager()})
	}
	return out
}
