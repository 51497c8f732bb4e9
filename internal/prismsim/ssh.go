package prismsim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// The PC VM's SSH server. A PC whose configuration enables SSH gets, at NewWorld, its own
// ed25519 host key and a password for the user nutanix (20 random characters unless
// configured); Start opens a listener on 127.0.0.1 (the configured port or a free one)
// next to the HTTPS one, and Close stops it and the sessions it serves.
//
// It authenticates the user with the password or, if the configuration lists
// authorized keys, with one of them, and serves "session" channels: an exec request runs
// one command line, a shell request runs a line-oriented shell (with echo and line editing
// when a pty was requested). The commands are those of mst_cli.go; anything else is
// "command not found" (status 127). Each command ends with an exit-status request. While
// the site is down (World.SiteDown), new connections are closed at once.

// DefaultSSHUser is the PC VM's user.
const DefaultSSHUser = "nutanix"

// sshServer is one PC's SSH server.
type sshServer struct {
	pc         *PC
	user       string
	password   string
	hostKey    ssh.Signer
	authorized map[string]bool // marshaled public keys
	config     *ssh.ServerConfig
	port       atomic.Int64

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	closed bool
}

// sshWire holds the SSH servers of a world's PCs; it is one of the world's side wires.
// servers does not change after NewWorld.
type sshWire struct {
	w       *World
	servers map[*PC]*sshServer
}

func init() { registerSideWire(newSSHWire) }

func newSSHWire(w *World) (sideWire, error) {
	sw := &sshWire{w: w, servers: map[*PC]*sshServer{}}
	for _, pc := range w.pcs {
		s, err := newSSHServer(pc)
		if err != nil {
			return nil, fmt.Errorf("pc %s: %w", pc.Name(), err)
		}
		if s != nil {
			sw.servers[pc] = s
		}
	}
	return sw, nil
}

// sshServerOf returns the PC's SSH server, or nil.
func sshServerOf(pc *PC) *sshServer {
	for _, side := range pc.w.sides {
		if sw, ok := side.(*sshWire); ok {
			return sw.servers[pc]
		}
	}
	return nil
}

// newSSHServer prepares the PC's SSH server when its configuration enables one: host key,
// password and authorized keys; nil when it does not. Nothing listens until Start.
func newSSHServer(pc *PC) (*sshServer, error) {
	c := pc.cfg.SSH
	if !c.enabled() {
		return nil, nil
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating the ssh host key: %w", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, fmt.Errorf("generating the ssh host key: %w", err)
	}
	s := &sshServer{pc: pc, user: c.User, password: c.Password, hostKey: signer, authorized: map[string]bool{},
		conns: map[net.Conn]bool{}}
	if s.user == "" {
		s.user = DefaultSSHUser
	}
	if s.password == "" {
		if s.password, err = randomPassword(defaultPasswordLength); err != nil {
			return nil, err
		}
	}
	for _, k := range c.AuthorizedKeys {
		pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k))
		if err != nil {
			return nil, fmt.Errorf("ssh authorized key: %w", err)
		}
		s.authorized[string(pub.Marshal())] = true
	}
	s.port.Store(int64(c.Port))
	s.config = &ssh.ServerConfig{
		PasswordCallback: func(meta ssh.ConnMetadata, pass []byte) (*ssh.Permissions, error) {
			userOK := subtle.ConstantTimeCompare([]byte(meta.User()), []byte(s.user)) == 1
			passOK := subtle.ConstantTimeCompare(pass, []byte(s.password)) == 1
			if userOK && passOK {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("permission denied")
		},
		PublicKeyCallback: func(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if meta.User() == s.user && s.authorized[string(key.Marshal())] {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("permission denied")
		},
		ServerVersion: "SSH-2.0-OpenSSH_8.0",
		MaxAuthTries:  6,
	}
	s.config.AddHostKey(signer)
	return s, nil
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
	return SSHEnv{Host: "127.0.0.1", Port: int(s.port.Load()), User: s.user, Password: s.password,
		HostKey: s.hostKeyLine()}, true
}

// SSHHostKey returns the SSH server's public host key, or nil when the PC has none.
func (p *PC) SSHHostKey() ssh.PublicKey {
	s := sshServerOf(p)
	if s == nil {
		return nil
	}
	return s.hostKey.PublicKey()
}

func (s *sshServer) hostKeyLine() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.hostKey.PublicKey())))
}

// env sets the ssh entry of env.json for a PC, left nil when it has no SSH server.
func (sw *sshWire) env(pc *PC, e *PCEnv) {
	if env, ok := pc.SSH(); ok {
		e.SSH = &env
	}
}

// listenLocked opens the SSH listeners of the PCs that have a server and serves them
// in goroutines Close waits for. On error no listener is left open. The caller holds w.mu.
func (sw *sshWire) listenLocked() error {
	w := sw.w
	var opened []*sshServer
	for _, pc := range w.pcs {
		s := sw.servers[pc]
		if s == nil {
			continue
		}
		ln, err := (&net.ListenConfig{}).Listen(w.ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(s.port.Load()))))
		if err != nil {
			for _, o := range opened {
				_ = o.ln.Close()
			}
			return fmt.Errorf("starting the ssh server of pc %s: %w", pc.Name(), err)
		}
		if addr, ok := ln.Addr().(*net.TCPAddr); ok {
			s.port.Store(int64(addr.Port))
		}
		s.ln = ln
		opened = append(opened, s)
	}
	for _, s := range opened {
		s := s
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			s.serve()
		}()
	}
	return nil
}

// close stops every SSH server and closes their connections.
func (sw *sshWire) close() error {
	var errs []error
	for _, pc := range sw.w.pcs {
		if s := sw.servers[pc]; s != nil {
			if err := s.close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (s *sshServer) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.ln != nil {
		if cerr := s.ln.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
			err = fmt.Errorf("closing the ssh server of pc %s: %w", s.pc.Name(), cerr)
		}
	}
	for c := range s.conns {
		_ = c.Close()
	}
	return err
}

// track records an open connection; it reports false once the server is closed.
func (s *sshServer) track(c net.Conn, open bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !open {
		delete(s.conns, c)
		return true
	}
	if s.closed {
		return false
	}
	s.conns[c] = true
	return true
}

func (s *sshServer) serve() {
	w := s.pc.w
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		if s.pc.Down() || !s.track(c, true) {
			_ = c.Close()
			continue
		}
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			defer s.track(c, false)
			defer func() { _ = c.Close() }()
			s.handleConn(c)
		}()
	}
}

// sshHandshakeTimeout bounds the key exchange and authentication.
const sshHandshakeTimeout = 30 * time.Second

func (s *sshServer) handleConn(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(sshHandshakeTimeout))
	conn, chans, reqs, err := ssh.NewServerConn(c, s.config)
	if err != nil {
		return
	}
	_ = c.SetDeadline(time.Time{})
	defer func() { _ = conn.Close() }()
	go ssh.DiscardRequests(reqs)
	var sessions sync.WaitGroup
	defer sessions.Wait()
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only session channels are supported")
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			continue
		}
		sessions.Add(1)
		go func() {
			defer sessions.Done()
			s.handleSession(ch, chReqs)
		}()
	}
}

// session is one SSH session channel.
type session struct {
	s      *sshServer
	ch     ssh.Channel
	pty    bool
	in     *lineReader
	cancel context.CancelFunc
	// interrupted is set by a "signal" request (INT, TERM, HUP).
	interrupted atomic.Bool
}

func (s *sshServer) handleSession(ch ssh.Channel, reqs <-chan *ssh.Request) {
	ctx, cancel := context.WithCancel(s.pc.w.ctx)
	defer cancel()
	sess := &session{s: s, ch: ch, cancel: cancel}
	started := false
	done := make(chan struct{})
	for req := range reqs {
		ok := false
		switch req.Type {
		case "pty-req":
			if !started {
				sess.pty, ok = true, true
			}
		case "env", "window-change":
			ok = true
		case "signal":
			ok = true
			sess.interrupted.Store(true)
			cancel()
		case "exec", "shell":
			if started {
				break
			}
			command := ""
			if req.Type == "exec" {
				var payload struct{ Command string }
				if ssh.Unmarshal(req.Payload, &payload) != nil {
					break
				}
				command = payload.Command
			}
			started, ok = true, true
			sess.in = newLineReader(ch, sess.pty)
			isShell := req.Type == "shell"
			// Reply before the command runs: a quick command would otherwise close the
			// channel before the client has its answer.
			if req.WantReply {
				_ = req.Reply(true, nil)
				req.WantReply = false
			}
			go func() {
				defer close(done)
				status := 0
				if isShell {
					status = sess.shell(ctx)
				} else {
					status = sess.exec(ctx, command)
				}
				_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(status)}))
				_ = ch.CloseWrite()
				_ = ch.Close()
			}()
		}
		if req.WantReply {
			_ = req.Reply(ok, nil)
		}
	}
	// The client closed the channel (or the connection is gone): stop the command.
	cancel()
	if started {
		<-done
	}
	_ = ch.Close()
}

// out and errOut are the session's stdout and stderr; with a pty, "\n" becomes "\r\n".
func (sess *session) out() io.Writer {
	if sess.pty {
		return crlfWriter{sess.ch}
	}
	return sess.ch
}

func (sess *session) errOut() io.Writer {
	if sess.pty {
		// A terminal has one output stream.
		return crlfWriter{sess.ch}
	}
	return sess.ch.Stderr()
}

// exec runs one command line and returns its exit status.
func (sess *session) exec(ctx context.Context, line string) int {
	args, err := splitCommandLine(line)
	if err != nil {
		_, _ = fmt.Fprintf(sess.errOut(), "bash: %v\n", err)
		return 2
	}
	return sess.run(ctx, args)
}

// run runs a parsed command.
func (sess *session) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		return 0
	}
	cli := &cliSession{pc: sess.s.pc, in: sess.in, out: sess.out(), errOut: sess.errOut(),
		interrupted: sess.interrupted.Load}
	switch args[0] {
	case cliName:
		return cli.run(ctx, args[1:])
	case "true":
		return 0
	case "false":
		return 1
	case "whoami":
		_, _ = fmt.Fprintln(cli.out, sess.s.user)
		return 0
	case "hostname":
		_, _ = fmt.Fprintln(cli.out, sess.hostname())
		return 0
	case "echo":
		_, _ = fmt.Fprintln(cli.out, strings.Join(args[1:], " "))
		return 0
	}
	_, _ = fmt.Fprintf(cli.errOut, "bash: %s: command not found\n", args[0])
	return 127
}

func (sess *session) hostname() string {
	return "NTNX-" + strings.ReplaceAll(sess.s.pc.AdvertisedIP(), ".", "-") + "-A-PCVM"
}

// shell reads command lines until exit or end of input; it returns the status of the last
// command (or of exit N).
func (sess *session) shell(ctx context.Context) int {
	out := sess.out()
	status := 0
	prompt := sess.s.user + "@" + sess.hostname() + ":~$ "
	for {
		_, _ = io.WriteString(out, prompt)
		line, err := sess.in.readLine(ctx, false)
		if errors.Is(err, errInterrupted) {
			status = 130
			continue
		}
		if err != nil {
			if sess.pty {
				_, _ = io.WriteString(out, "logout\n")
			}
			return status
		}
		// Continuation lines: a trailing backslash asks for more.
		for strings.HasSuffix(line, "\\") {
			_, _ = io.WriteString(out, "> ")
			more, err := sess.in.readLine(ctx, false)
			if err != nil {
				return status
			}
			line = line[:len(line)-1] + " " + more
		}
		args, perr := splitCommandLine(line)
		if perr != nil {
			_, _ = fmt.Fprintf(sess.errOut(), "-bash: %v\n", perr)
			status = 2
			continue
		}
		if len(args) > 0 && (args[0] == "exit" || args[0] == "logout") {
			if len(args) > 1 {
				if n, err := strconv.Atoi(args[1]); err == nil {
					status = n & 0xff
				}
			}
			return status
		}
		sess.interrupted.Store(false)
		status = sess.run(ctx, args)
		if ctx.Err() != nil {
			return status
		}
	}
}

// crlfWriter turns "\n" into "\r\n" for a terminal.
type crlfWriter struct{ w io.Writer }

func (c crlfWriter) Write(p []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// errInterrupted is what readLine returns on Ctrl-C or an interrupting signal.
var errInterrupted = errors.New("interrupted")

// lineReader reads lines from a session's stdin. With a pty it echoes what is typed
// (except secrets), handles backspace, Ctrl-C and Ctrl-D on an empty line; without one it
// reads up to "\n" and drops a trailing "\r".
type lineReader struct {
	r    io.Reader
	echo io.Writer // nil without a pty
	buf  []byte
	// pending holds bytes read but not consumed yet.
	pending []byte
	eof     bool
	// afterCR is true right after a line ended with "\r": a "\n" that follows belongs to it.
	afterCR bool
}

func newLineReader(ch ssh.Channel, pty bool) *lineReader {
	lr := &lineReader{r: ch}
	if pty {
		lr.echo = ch
	}
	return lr
}

// maxLineLength bounds one input line.
const maxLineLength = 64 << 10

// readLine returns the next line without its end. It fails with io.EOF at the end of
// input, errInterrupted on Ctrl-C, or when ctx ends (the read itself goes on in the
// background, bounded by the session's life).
func (lr *lineReader) readLine(ctx context.Context, secret bool) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := lr.readLineBlocking(secret)
		ch <- result{line, err}
	}()
	select {
	case res := <-ch:
		return res.line, res.err
	case <-ctx.Done():
		return "", fmt.Errorf("reading input: %w", ctx.Err())
	}
}

func (lr *lineReader) readLineBlocking(secret bool) (string, error) {
	var line []byte
	for {
		if len(lr.pending) == 0 {
			if lr.eof {
				if len(line) > 0 && lr.echo == nil {
					return string(line), nil
				}
				return "", io.EOF
			}
			if lr.buf == nil {
				lr.buf = make([]byte, 4096)
			}
			n, err := lr.r.Read(lr.buf)
			lr.pending = append(lr.pending[:0], lr.buf[:n]...)
			if err != nil {
				lr.eof = true
			}
			continue
		}
		b := lr.pending[0]
		lr.pending = lr.pending[1:]
		if lr.echo == nil {
			if b == '\n' {
				return strings.TrimSuffix(string(line), "\r"), nil
			}
			if len(line) < maxLineLength {
				line = append(line, b)
			}
			continue
		}
		wasCR := lr.afterCR
		lr.afterCR = false
		switch b {
		case '\r', '\n':
			if b == '\n' && len(line) == 0 && wasCR {
				continue
			}
			lr.afterCR = b == '\r'
			_, _ = lr.echo.Write([]byte("\r\n"))
			return string(line), nil
		case 0x03: // Ctrl-C
			_, _ = lr.echo.Write([]byte("^C\r\n"))
			return "", errInterrupted
		case 0x04: // Ctrl-D
			if len(line) == 0 {
				_, _ = lr.echo.Write([]byte("\r\n"))
				return "", io.EOF
			}
		case 0x7f, 0x08: // backspace
			if len(line) > 0 {
				line = line[:len(line)-1]
				if !secret {
					_, _ = lr.echo.Write([]byte("\b \b"))
				}
			}
		default:
			if b < 0x20 || len(line) >= maxLineLength {
				continue
			}
			line = append(line, b)
			if !secret {
				_, _ = lr.echo.Write([]byte{b})
			}
		}
	}
}

// splitCommandLine splits a command line into words as a POSIX shell does for simple
// commands: blanks separate words, single quotes keep everything, double quotes keep
// everything but backslash escapes of ", \ and $, a backslash escapes the next character
// and a backslash before a newline joins the lines. Pipes, redirections and command
// lists are not interpreted.
func splitCommandLine(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch c {
		case '\\':
			if i+1 < len(line) {
				i++
				if line[i] == '\n' {
					continue
				}
				cur.WriteByte(line[i])
				inWord = true
			}
		case '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unexpected EOF while looking for matching `''")
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case '"':
			i++
			closed := false
			for ; i < len(line); i++ {
				if line[i] == '"' {
					closed = true
					break
				}
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$\n", line[i+1]) >= 0 {
					i++
					if line[i] == '\n' {
						continue
					}
				}
				cur.WriteByte(line[i])
			}
			if !closed {
				return nil, errors.New("unexpected EOF while looking for matching `\"'")
			}
			inWord = true
		case ' ', '\t', '\n', '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
