package prismsim

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// Site outages. A site that is down has no listener: connections to its port are refused.
// Its state is kept, its tasks do not move, and its peers report it unreachable (the
// availability zone and remote connection they have of it carry a REMOTE_CLUSTER_NOT_CONNECTED
// message). SiteUp listens again on the same port.

// ErrWorldClosed is returned by life-cycle calls on a world that is closing or closed.
var ErrWorldClosed = errors.New("world is closed")

// SiteDown takes a PC's site down: its listener and open connections are closed, its tasks
// pause and its peers see it unreachable. Taking down a site that is down does nothing.
func (w *World) SiteDown(name string) error {
	pc, err := w.siteFor(name)
	if err != nil {
		return err
	}
	pc.lifeMu.Lock()
	defer pc.lifeMu.Unlock()
	if pc.down.Load() {
		return nil
	}
	pc.upEvent = make(chan struct{})
	err = pc.stopServingLocked()
	// Set last: once Down reports true, the port refuses connections.
	pc.down.Store(true)
	w.repl.siteDown(name, w.clock.Now())
	// Witnesses of plans whose primary site this is start their timeout (witness.go).
	w.witnessSiteDown(name)
	return err
}

// SiteUp brings a site back: it listens again on the same port, applies the unpairings its
// peers made while it was down, removes the VMs an unplanned failover recovered elsewhere
// meanwhile (supersededVMs), and its paused tasks go on. Bringing up a site that is up
// does nothing.
func (w *World) SiteUp(name string) error {
	pc, err := w.siteFor(name)
	if err != nil {
		return err
	}
	pc.lifeMu.Lock()
	defer pc.lifeMu.Unlock()
	if !pc.down.Load() {
		return nil
	}
	// The port is taken again first: a client connecting now waits in the backlog until
	// Serve runs, and sees the state as it is after the cleanup below.
	ln, err := (&net.ListenConfig{}).Listen(w.ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(pc.Port())))
	if err != nil {
		return fmt.Errorf("pc %s: listening again on port %d: %w", name, pc.Port(), err)
	}
	superseded := w.supersededVMs(name)
	pc.mu.Lock()
	for _, peer := range sortedKeys(pc.pendingUnpair) {
		pc.removePairingLocked(peer)
	}
	for _, id := range superseded {
		if vm := pc.entityLocked(vmKind, id); vm != nil {
			pc.removeVMLocked(vm)
		}
	}
	pc.pendingUnpair = map[string]bool{}
	// down changes with mu held too, so that a peer unpairing (dropPairing) either sees
	// the site down and leaves a mark handled above, or sees it up and cleans up itself.
	pc.down.Store(false)
	pc.mu.Unlock()
	// Replication waiting for the site is sent now.
	w.repl.siteUp(name, w.clock.Now())

	w.mu.Lock()
	if w.closing {
		w.mu.Unlock()
		_ = ln.Close()
		return ErrWorldClosed
	}
	pc.srv, pc.ln = pc.serveLocked(ln), ln
	w.mu.Unlock()
	close(pc.upEvent)
	pc.upEvent = nil
	return nil
}

// supersededVMs returns the VMs of a site coming back up that an unplanned failover
// recovered at another site while it was down, and those a planned failover recovered
// elsewhere but could not remove from it because it went down during the job (the job's
// pending cleanup, handed out once): another site runs them now (same uuid), and
// the returning site's copies are out of date. As after an unplanned failover in Leap, the
// returning site does not run them again: they are removed from it, so that each VM runs
// at one site and protection can resume in the reverse direction. No mutex may be held.
func (w *World) supersededVMs(site string) []string {
	since, down := w.repl.downSinceOf(site)
	if !down {
		return nil
	}
	var out []string
	for _, other := range w.pcs {
		if other.Name() == site {
			continue
		}
		other.mu.Lock()
		for _, e := range other.entitiesLocked(jobKind) {
			j := jobOf(e)
			if j != nil && j.failedSite == site && len(j.pendingCleanup) > 0 {
				// A migration that recovered the VMs here but could not remove the source
				// copies: the cleanup it could not do is done now, once.
				out = append(out, j.pendingCleanup...)
				j.pendingCleanup = nil
				continue
			}
			if j == nil || j.action != actionFailover || j.failedSite != site || j.created.Before(since) ||
				(j.status != jobCompleted && j.status != jobCompletedWithWarning) {
				continue
			}
			for _, ph := range j.phases {
				if ph == nil {
					continue
				}
				for _, st := range ph.steps {
					for _, r := range st.recovered {
						if r.err == "" && r.uuid != "" && other.entityLocked(vmKind, r.uuid) != nil {
							out = append(out, r.uuid)
						}
					}
				}
			}
		}
		other.mu.Unlock()
	}
	return out
}

// siteFor returns the named PC of a started world that is not closing.
func (w *World) siteFor(name string) (*PC, error) {
	pc := w.PC(name)
	if pc == nil {
		return nil, fmt.Errorf("unknown pc %q (known: %s)", name, strings.Join(w.PCNames(), ", "))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closing {
		return nil, ErrWorldClosed
	}
	if !w.started {
		return nil, errors.New("world is not started")
	}
	return pc, nil
}

// SiteState is how the admin API shows a site (model.SiteState).
type SiteState = model.SiteState

func siteState(pc *PC) SiteState {
	return SiteState{PC: pc.Name(), URL: pc.URL(), AdvertisedIP: pc.AdvertisedIP(), Down: pc.Down(), DREnabled: pc.DREnabled()}
}
