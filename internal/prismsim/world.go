package prismsim

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/ssh"
)

// World is a set of Prism Centrals sharing one simulated clock and one set of settings.
//
// Locking: each PC guards its inventory with its own mutex; the world's mutex guards
// settings, faults and the life cycle. A goroutine may take the world's mutex while holding a
// PC's, never the other way round, and never holds two PCs' mutexes at once.
type World struct {
	clock  *Clock
	pcs    []*PC
	byName map[string]*PC

	mu       sync.Mutex
	settings Settings
	faults   []*Fault
	faultSeq int
	started  bool
	closing  bool

	exchange atomic.Pointer[func(Exchange)]

	// sides are the protocols served beside the HTTPS listeners; set by NewWorld.
	sides []sideWire

	// repl schedules replication (replication.go).
	repl *replicator

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Exchange is one request to a PC's v3 API and the answer it got, as the recorder set with
// OnExchange sees it. Admin API calls are not recorded.
type Exchange struct {
	PC           string
	Method       string
	Path         string // URL path without query, e.g. "/api/nutanix/v3/categories/foo"
	Route        string // the matched route template, e.g. "PUT /api/nutanix/v3/categories/{name}"
	RequestBody  []byte
	Status       int
	ResponseBody []byte
	ContentType  string
	// Dropped is true when a drop_after_commit fault closed the connection instead of
	// sending this response.
	Dropped bool
}

// Env is what env.json holds: how to reach each PC.
type Env struct {
	PCs map[string]PCEnv `json:"pcs"`
}

// PCEnv is how to reach one PC.
type PCEnv struct {
	Endpoint     string `json:"endpoint"`
	Port         int    `json:"port"`
	Username     string `json:"username"`
	Password     string `json:"password"`
	CAFile       string `json:"ca_file"`
	AdvertisedIP string `json:"advertised_ip"`
	// SSH is the PC VM's SSH server, when the PC has one (wire_ssh.go).
	SSH *SSHEnv `json:"ssh,omitempty"`
}

// SSHEnv is how to reach a PC's SSH server, as env.json holds it (ssh.Env).
type SSHEnv = ssh.Env

// sideWire is a protocol a PC serves on a listener of its own beside the HTTPS one (the PC
// VM's SSH server, wire_ssh.go). Its file registers a constructor with registerSideWire, which
// NewWorld calls once the PCs are built; this file names none of them.
type sideWire interface {
	// listenLocked opens the wire's listeners and serves them in goroutines Close waits
	// for; on error none is left open. The caller holds w.mu.
	listenLocked() error
	// close stops the listeners and the connections they serve.
	close() error
	// env fills what env.json says of the wire for pc.
	env(pc *PC, e *PCEnv)
}

var sideWireFactories []func(w *World) (sideWire, error)

func registerSideWire(f func(w *World) (sideWire, error)) {
	sideWireFactories = append(sideWireFactories, f)
}

// NewWorld validates cfg, builds every PC's inventory and generates their certificates and
// missing passwords. Nothing listens until Start.
func NewWorld(cfg WorldConfig) (*World, error) {
	cfg.Settings = cfg.Settings.WithDefaults()
	for i := range cfg.PCs {
		if cfg.PCs[i].Username == "" {
			cfg.PCs[i].Username = DefaultUsername
		}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &World{
		clock:    model.NewClock(time.Now(), cfg.Settings.ClockRate),
		byName:   map[string]*PC{},
		settings: cfg.Settings,
		ctx:      ctx,
		cancel:   cancel,
	}
	w.repl = newReplicator(w)
	for _, pcCfg := range cfg.PCs {
		if pcCfg.Password == "" {
			pw, err := randomPassword(defaultPasswordLength)
			if err != nil {
				cancel()
				return nil, err
			}
			pcCfg.Password = pw
		}
		pc, err := newPC(w, pcCfg)
		if err != nil {
			cancel()
			return nil, err
		}
		w.pcs = append(w.pcs, pc)
		w.byName[pc.Name()] = pc
	}
	for _, f := range sideWireFactories {
		side, err := f(w)
		if err != nil {
			cancel()
			return nil, err
		}
		w.sides = append(w.sides, side)
	}
	return w, nil
}

// Start opens one HTTPS listener per PC on 127.0.0.1 and serves until Close.
func (w *World) Start() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closing {
		return errors.New("world is closed")
	}
	if w.started {
		return errors.New("world already started")
	}
	var listeners []net.Listener
	for _, pc := range w.pcs {
		ln, err := (&net.ListenConfig{}).Listen(w.ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(pc.cfg.Port)))
		if err != nil {
			for _, l := range listeners {
				_ = l.Close()
			}
			return fmt.Errorf("starting pc %s: %w", pc.Name(), err)
		}
		listeners = append(listeners, ln)
	}
	for i, side := range w.sides {
		if err := side.listenLocked(); err != nil {
			for _, opened := range w.sides[:i] {
				_ = opened.close()
			}
			for _, l := range listeners {
				_ = l.Close()
			}
			return err
		}
	}
	for i, pc := range w.pcs {
		// No site can go down before Start returns (SiteDown needs started, under w.mu),
		// so srv and ln are set here without lifeMu.
		pc.srv, pc.ln = pc.serveLocked(listeners[i]), listeners[i]
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		w.clock.Run(w.ctx)
	}()
	w.started = true
	return nil
}

// serveLocked serves HTTPS on ln in a goroutine Close waits for, records the port and
// returns the server. The caller holds w.mu and has checked that the world is not closing.
func (pc *PC) serveLocked(ln net.Listener) *http.Server {
	w := pc.w
	if addr, ok := ln.Addr().(*net.TCPAddr); ok {
		pc.port.Store(int64(addr.Port))
	}
	srv := &http.Server{
		Handler:           pc,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
		// HTTP/1.1 only, so that drop_after_commit can hijack the connection.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	tlsLn := tls.NewListener(ln, &tls.Config{
		Certificates: []tls.Certificate{pc.tlsCert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	})
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		_ = srv.Serve(tlsLn)
	}()
	return srv
}

// Close stops the listeners, the clock and running tasks, and waits for their goroutines.
// Sites that are down have no listener left to stop.
func (w *World) Close() error {
	w.mu.Lock()
	if w.closing {
		w.mu.Unlock()
		return nil
	}
	w.closing = true
	w.mu.Unlock()
	w.cancel()
	var errs []error
	for _, pc := range w.pcs {
		pc.lifeMu.Lock()
		if err := pc.stopServingLocked(); err != nil {
			errs = append(errs, err)
		}
		pc.lifeMu.Unlock()
	}
	for _, side := range w.sides {
		if err := side.close(); err != nil {
			errs = append(errs, err)
		}
	}
	w.wg.Wait()
	return errors.Join(errs...)
}

// goBackground runs f in a goroutine Close waits for; it reports false (and does not run f)
// once the world is closing.
func (w *World) goBackground(f func(ctx context.Context)) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closing {
		return false
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		f(w.ctx)
	}()
	return true
}

// PC returns the named PC, or nil.
func (w *World) PC(name string) *PC { return w.byName[name] }

// PCs returns the PCs in configuration order.
func (w *World) PCs() []*PC { return append([]*PC(nil), w.pcs...) }

// PCNames returns the PC names in configuration order.
func (w *World) PCNames() []string {
	names := make([]string, 0, len(w.pcs))
	for _, pc := range w.pcs {
		names = append(names, pc.Name())
	}
	return names
}

// Clock returns the world's simulated clock.
func (w *World) Clock() *Clock { return w.clock }

// Settings returns the current settings.
func (w *World) Settings() Settings {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.settings
}

// UpdateSettings replaces the settings; zero fields take their defaults. A new clock rate
// applies from now on without a jump in simulated time; tasks already started keep the
// latency they started with. Settings with negative values are ignored.
func (w *World) UpdateSettings(s Settings) {
	s = s.WithDefaults()
	if s.Validate() != nil {
		return
	}
	w.mu.Lock()
	w.settings = s
	w.mu.Unlock()
	w.clock.SetRate(s.ClockRate)
}

// OnExchange sets the function called after each v3 API exchange (nil removes it). It is
// called on the request's goroutine, possibly concurrently.
func (w *World) OnExchange(f func(Exchange)) {
	if f == nil {
		w.exchange.Store(nil)
		return
	}
	w.exchange.Store(&f)
}

func (w *World) record(x Exchange) {
	if f := w.exchange.Load(); f != nil {
		(*f)(x)
	}
}

// Env describes how to reach each PC, with CA files named <dir>/<pc>-ca.pem.
func (w *World) Env(stateDir string) Env {
	env := Env{PCs: map[string]PCEnv{}}
	for _, pc := range w.pcs {
		e := PCEnv{
			Endpoint:     pc.Endpoint(),
			Port:         pc.Port(),
			Username:     pc.Username(),
			Password:     pc.Password(),
			CAFile:       filepath.Join(stateDir, pc.Name()+"-ca.pem"),
			AdvertisedIP: pc.AdvertisedIP(),
		}
		for _, side := range w.sides {
			side.env(pc, &e)
		}
		env.PCs[pc.Name()] = e
	}
	return env
}

// WriteState writes <dir>/<pc>-ca.pem for every PC and then <dir>/env.json (mode 0600: it
// holds passwords; it appears whole, once the CA files are there), creating dir if needed, and
// returns what env.json holds.
func (w *World) WriteState(dir string) (Env, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Env{}, fmt.Errorf("resolving state dir: %w", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return Env{}, fmt.Errorf("creating state dir: %w", err)
	}
	env := w.Env(abs)
	for _, pc := range w.pcs {
		if err := os.WriteFile(env.PCs[pc.Name()].CAFile, pc.CACertPEM(), 0o644); err != nil {
			return Env{}, fmt.Errorf("writing CA of pc %s: %w", pc.Name(), err)
		}
	}
	data, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return Env{}, fmt.Errorf("encoding env.json: %w", err)
	}
	// Written aside and renamed into place: a CI script that waits for env.json to appear
	// never reads half of it.
	tmp := filepath.Join(abs, ".env.json.tmp")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return Env{}, fmt.Errorf("writing env.json: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(abs, "env.json")); err != nil {
		return Env{}, fmt.Errorf("writing env.json: %w", err)
	}
	return env, nil
}

const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func randomPassword(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating password: %w", err)
	}
	for i := range b {
		b[i] = passwordAlphabet[int(b[i])%len(passwordAlphabet)]
	}
	return string(b), nil
}
