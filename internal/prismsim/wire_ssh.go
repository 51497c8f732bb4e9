package prismsim

import (
	"context"
	"errors"
	"fmt"

	gossh "golang.org/x/crypto/ssh"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/ssh"
)

// The SSH wire (package ssh) is a side wire of the world: one server per PC whose
// configuration enables SSH, started and stopped with the world. Its commands beyond the
// shell's builtins are the PC VM's (clustermgmt-cli, mst_cli.go), which call the model.

// DefaultSSHUser is the PC VM's user.
const DefaultSSHUser = ssh.DefaultUser

// sshWire holds the SSH servers of a world's PCs. servers does not change after NewWorld.
type sshWire struct {
	w       *World
	servers map[*PC]*ssh.Server
}

func init() { registerSideWire(newSSHWire) }

func newSSHWire(w *World) (sideWire, error) {
	sw := &sshWire{w: w, servers: map[*PC]*ssh.Server{}}
	for _, pc := range w.pcs {
		c := pc.cfg.SSH
		if !c.enabled() {
			continue
		}
		password := c.Password
		if password == "" {
			var err error
			if password, err = randomPassword(defaultPasswordLength); err != nil {
				return nil, fmt.Errorf("pc %s: %w", pc.Name(), err)
			}
		}
		s, err := ssh.NewServer(sshHost{pc}, ssh.Config{Port: c.Port, User: c.User, Password: password, AuthorizedKeys: c.AuthorizedKeys})
		if err != nil {
			return nil, fmt.Errorf("pc %s: %w", pc.Name(), err)
		}
		sw.servers[pc] = s
	}
	return sw, nil
}

// sshServerOf returns the PC's SSH server, or nil.
func sshServerOf(pc *PC) *ssh.Server {
	for _, side := range pc.w.sides {
		if sw, ok := side.(*sshWire); ok {
			return sw.servers[pc]
		}
	}
	return nil
}

// listenLocked opens the SSH listeners of the PCs that have a server and serves them in
// goroutines Close waits for. On error no listener is left open. The caller holds w.mu.
func (sw *sshWire) listenLocked() error {
	w := sw.w
	var opened []*ssh.Server
	for _, pc := range w.pcs {
		s := sw.servers[pc]
		if s == nil {
			continue
		}
		if err := s.Listen(w.ctx); err != nil {
			for _, o := range opened {
				_ = o.Close()
			}
			return err
		}
		opened = append(opened, s)
	}
	spawn := func(f func()) {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			f()
		}()
	}
	for _, s := range opened {
		s := s
		spawn(func() { s.Serve(w.ctx, spawn) })
	}
	return nil
}

// close stops every SSH server and closes their connections.
func (sw *sshWire) close() error {
	var errs []error
	for _, pc := range sw.w.pcs {
		if s := sw.servers[pc]; s != nil {
			if err := s.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// env sets the ssh entry of env.json for a PC, left nil when it has no SSH server.
func (sw *sshWire) env(pc *PC, e *PCEnv) {
	if s := sw.servers[pc]; s != nil {
		env := s.Env()
		e.SSH = &env
	}
}

// SSHEnabled reports whether the PC runs an SSH server.
func (p *PC) SSHEnabled() bool { return sshServerOf(p) != nil }

// SSH describes the PC's SSH server; ok is false when it has none. The port is the
// configured one before Start.
func (p *PC) SSH() (env SSHEnv, ok bool) {
	s := sshServerOf(p)
	if s == nil {
		return SSHEnv{}, false
	}
	return s.Env(), true
}

// SSHHostKey returns the SSH server's public host key, or nil when the PC has none.
func (p *PC) SSHHostKey() gossh.PublicKey {
	s := sshServerOf(p)
	if s == nil {
		return nil
	}
	return s.HostKey()
}

// sshHost is a PC as its SSH server sees it.
type sshHost struct{ *PC }

// Command runs the PC VM's commands: clustermgmt-cli (mst_cli.go).
func (h sshHost) Command(ctx context.Context, name string, args []string, term ssh.Terminal) (int, bool) {
	if name != cliName {
		return 0, false
	}
	cli := &cliSession{pc: h.PC, in: term.In, out: term.Out, errOut: term.Err, pty: term.PTY, interrupted: term.Interrupted}
	return cli.run(ctx, args), true
}
