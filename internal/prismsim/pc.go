package prismsim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// PC is one emulated Prism Central: an HTTPS listener with its own certificate and
// credentials, and an inventory guarded by its mutex.
type PC struct {
	w       *World
	cfg     PCConfig
	release pcRelease // what cfg.PCVersion names, parsed once (pc_version.go)
	certPEM []byte
	tlsCert tls.Certificate
	port    atomic.Int64

	// lifeMu guards srv and upEvent, and serializes site outages (SiteDown, SiteUp) with
	// Close. It is taken before mu when both are needed.
	lifeMu  sync.Mutex
	srv     *http.Server
	ln      net.Listener  // srv's listener, closed by us too: Serve may not have started yet
	upEvent chan struct{} // closed when a down site comes back
	down    atomic.Bool   // the site is down: no listener, tasks paused

	// drEnabled is written with mu held and read without it (drRequired, peers).
	drEnabled atomic.Bool

	mu         sync.Mutex
	uuid       string // the PC's own entry in /clusters/list
	entities   map[string]map[string]*entity
	entitySeq  int64
	categories map[string]*categoryKey
	tasks      map[string]*task
	taskList   []*task
	taskSeq    int64
	taskEvent  chan struct{} // closed and replaced whenever a task ends
	drTask     *task         // the latest request to enable disaster recovery
	drSince    time.Time     // when disaster recovery was enabled
	// pairing holds the peers a pairing task of this PC is in progress with.
	pairing map[string]bool
	// pendingUnpair holds the peers that removed their trust with this PC while it was
	// down; the matching entries are removed when the site comes back.
	pendingUnpair map[string]bool
	// points holds the recovery points that live on this PC; vmClusters caches each VM's
	// cluster for them.
	points     pointStore
	vmClusters map[string]string

	// v4Requests remembers the answers of v4 mutations by Ntnx-Request-Id (wire_v4.go).
	v4Requests model.RequestLog

	statsMu       sync.Mutex
	requestsTotal int
	requests      map[string]int

	// mst holds the MST deployments and recovery point stores (mst.go).
	mst mstState
}

func newPC(w *World, cfg PCConfig) (*PC, error) {
	certPEM, tlsCert, err := selfSignedCert(cfg.Name)
	if err != nil {
		return nil, err
	}
	if cfg.PCVersion == "" {
		cfg.PCVersion = DefaultPCVersion
	}
	release, err := parsePCVersion(cfg.PCVersion)
	if err != nil {
		return nil, err
	}
	pc := &PC{
		w:          w,
		cfg:        cfg,
		release:    release,
		certPEM:    certPEM,
		tlsCert:    tlsCert,
		uuid:       newUUID(),
		entities:   map[string]map[string]*entity{},
		categories: map[string]*categoryKey{},
		tasks:      map[string]*task{},
		taskEvent:  make(chan struct{}),
		requests:   map[string]int{},

		pairing:       map[string]bool{},
		pendingUnpair: map[string]bool{},
		points:        newPointStore(),
		vmClusters:    map[string]string{},
	}
	pc.port.Store(int64(cfg.Port))
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.seedCategoriesLocked(cfg.Categories)
	if err := pc.seedClustersLocked(cfg.Clusters); err != nil {
		return nil, fmt.Errorf("pc %s: %w", cfg.Name, err)
	}
	if err := pc.seedSubnetsLocked(cfg.Subnets); err != nil {
		return nil, fmt.Errorf("pc %s: %w", cfg.Name, err)
	}
	if err := pc.seedVMsLocked(cfg.VMs); err != nil {
		return nil, fmt.Errorf("pc %s: %w", cfg.Name, err)
	}
	if cfg.DREnabled {
		if _, err := pc.enableDRLocked(); err != nil {
			return nil, fmt.Errorf("pc %s: %w", cfg.Name, err)
		}
	}
	return pc, nil
}

// Name returns the PC's name in the world.
func (p *PC) Name() string { return p.cfg.Name }

// Endpoint returns the address the PC listens on.
func (p *PC) Endpoint() string { return "127.0.0.1" }

// Port returns the listener's port (the configured one before Start).
func (p *PC) Port() int { return int(p.port.Load()) }

// URL returns the PC's base URL, "https://127.0.0.1:<port>".
func (p *PC) URL() string { return "https://" + p.Endpoint() + ":" + strconv.Itoa(p.Port()) }

// Username returns the PC's user name.
func (p *PC) Username() string { return p.cfg.Username }

// Password returns the PC's password.
func (p *PC) Password() string { return p.cfg.Password }

// CACertPEM returns the listener's self-signed certificate, which is also its CA.
func (p *PC) CACertPEM() []byte { return append([]byte(nil), p.certPEM...) }

// AdvertisedIP returns the address peers know the PC by.
func (p *PC) AdvertisedIP() string { return p.cfg.AdvertisedIP }

// Region returns the PC's region, if any.
func (p *PC) Region() string { return p.cfg.Region }

// UUID returns the PC's own cluster UUID (its entry in /clusters/list).
func (p *PC) UUID() string { return p.uuid }

// stopServingLocked closes the PC's server and listener, if any. The caller holds lifeMu.
func (p *PC) stopServingLocked() error {
	srv, ln := p.srv, p.ln
	p.srv, p.ln = nil, nil
	var errs []error
	if srv != nil {
		if err := srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	if ln != nil {
		// Close does not close a listener Serve has not taken yet.
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("closing pc %s: %w", p.Name(), err)
	}
	return nil
}

// DREnabled reports whether disaster recovery is enabled (the PC has its Local availability
// zone).
func (p *PC) DREnabled() bool { return p.drEnabled.Load() }

// Down reports whether the site is down (World.SiteDown): its listener refuses connections
// and its tasks are paused.
func (p *PC) Down() bool { return p.down.Load() }

// RequestCounts is how many v3 requests a PC received (model.RequestCounts).
type RequestCounts = model.RequestCounts

// RequestCounts returns the v3 requests received since the start or the last reset. Admin
// calls and requests that failed authentication are not counted.
func (p *PC) RequestCounts() RequestCounts {
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	out := RequestCounts{Total: p.requestsTotal, ByRoute: make(map[string]int, len(p.requests))}
	for k, v := range p.requests {
		out.ByRoute[k] = v
	}
	return out
}

// ResetRequestCounts sets the request counters back to zero.
func (p *PC) ResetRequestCounts() {
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	p.requestsTotal = 0
	p.requests = map[string]int{}
}

func (p *PC) countRequest(key string) {
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	p.requestsTotal++
	p.requests[key]++
}

// waitUp returns at once when the site is up, else waits until it is; it reports false
// when ctx ends first.
func (pc *PC) waitUp(ctx context.Context) bool {
	for {
		pc.lifeMu.Lock()
		down, ch := pc.down.Load(), pc.upEvent
		pc.lifeMu.Unlock()
		if !down || ch == nil {
			return ctx.Err() == nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}
