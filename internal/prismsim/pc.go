package prismsim

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// PC is one emulated Prism Central: an HTTPS listener with its own certificate and
// credentials, and an inventory guarded by its mutex.
type PC struct {
	w       *World
	cfg     PCConfig
	certPEM []byte
	tlsCert tls.Certificate
	port    atomic.Int64
	srv     *http.Server

	mu         sync.Mutex
	uuid       string // the PC's own entry in /clusters/list
	entities   map[string]map[string]*entity
	entitySeq  int64
	categories map[string]*categoryKey
	tasks      map[string]*task
	taskList   []*task
	taskSeq    int64
	taskEvent  chan struct{} // closed and replaced whenever a task ends

	statsMu       sync.Mutex
	requestsTotal int
	requests      map[string]int
}

func newPC(w *World, cfg PCConfig) (*PC, error) {
	certPEM, tlsCert, err := selfSignedCert(cfg.Name)
	if err != nil {
		return nil, err
	}
	pc := &PC{
		w:          w,
		cfg:        cfg,
		certPEM:    certPEM,
		tlsCert:    tlsCert,
		uuid:       newUUID(),
		entities:   map[string]map[string]*entity{},
		categories: map[string]*categoryKey{},
		tasks:      map[string]*task{},
		taskEvent:  make(chan struct{}),
		requests:   map[string]int{},
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

// RequestCounts is how many v3 requests a PC received, by route template.
type RequestCounts struct {
	Total   int            `json:"total"`
	ByRoute map[string]int `json:"by_route"`
}

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
