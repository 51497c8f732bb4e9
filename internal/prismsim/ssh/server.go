// Package ssh is the SSH wire of prismsim: the PC VM's SSH server. A PC whose
// configuration enables SSH gets, at NewWorld, its own ed25519 host key and a password
// for the user nutanix (20 random characters unless configured); Start opens a listener
// on 127.0.0.1 (the configured port or a free one) next to the HTTPS one, and Close stops
// it and the sessions it serves.
//
// It authenticates the user with the password or, if the configuration lists
// authorized keys, with one of them, and serves "session" channels: an exec request runs
// one command line, a shell request runs a line-oriented shell (with echo and line editing
// when a pty was requested). The commands beyond a few builtins are the host's (prismsim's mst_cli.go); anything else is
// "command not found" (status 127). Each command ends with an exit-status request. While
// the site is down (World.SiteDown), new connections are closed at once.
//
// The server knows the model only through Host, which prismsim implements (wire_ssh.go).
package ssh

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

	gossh "golang.org/x/crypto/ssh"
)

// DefaultUser is the PC VM's user.
const DefaultUser = "nutanix"

// Host is the PC VM a server runs on, as the model shows it.
type Host interface {
	Name() string
	AdvertisedIP() string
	// Down reports whether the site is down: new connections are closed at once.
	Down() bool
	// Command runs a command of the PC VM beyond the shell's builtins (true, false,
	// whoami, hostname, echo) and returns its exit status; found is false when the VM has
	// no command of that name.
	Command(ctx context.Context, name string, args []string, term Terminal) (status int, found bool)
}

// Terminal is what a command run over SSH reads from and writes to.
type Terminal struct {
	In  LineReader
	Out io.Writer
	Err io.Writer
	// PTY is true when the client asked for a terminal: input is echoed (except secrets).
	PTY bool
	// Interrupted reports whether the client sent an interrupting signal.
	Interrupted func() bool
}

// LineReader reads the lines a user types.
type LineReader interface {
	// ReadLine returns the next line; secret lines are not echoed. It returns
	// ErrInterrupted on Ctrl-C or an interrupting signal.
	ReadLine(ctx context.Context, secret bool) (string, error)
}

// Config describes a server: the PC's ssh configuration with its defaults filled in.
type Config struct {
	Port           int
	User           string // DefaultUser when empty
	Password       string // required
	AuthorizedKeys []string
}

// Env is how to reach a server, as env.json holds it.
type Env struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user"`
	Password string `json:"password"`
	// HostKey is the server's public host key in authorized_keys format, for pinning.
	HostKey string `json:"host_key"`
}

// Server is one PC's SSH server.
type Server struct {
	host       Host
	user       string
	password   string
	hostKey    gossh.Signer
	authorized map[string]bool // marshaled public keys
	config     *gossh.ServerConfig
	port       atomic.Int64

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	closed bool
}

// NewServer prepares a server for host: host key, user and authorized keys. Nothing
// listens until Listen.
func NewServer(host Host, c Config) (*Server, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating the ssh host key: %w", err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, fmt.Errorf("generating the ssh host key: %w", err)
	}
	if c.Password == "" {
		return nil, errors.New("ssh: a password is required")
	}
	s := &Server{host: host, user: c.User, password: c.Password, hostKey: signer, authorized: map[string]bool{},
		conns: map[net.Conn]bool{}}
	if s.user == "" {
		s.user = DefaultUser
	}
	for _, k := range c.AuthorizedKeys {
		pub, _, _, _, err := gossh.ParseAuthorizedKey([]byte(k))
		if err != nil {
			return nil, fmt.Errorf("ssh authorized key: %w", err)
		}
		s.authorized[string(pub.Marshal())] = true
	}
	s.port.Store(int64(c.Port))
	s.config = &gossh.ServerConfig{
		PasswordCallback: func(meta gossh.ConnMetadata, pass []byte) (*gossh.Permissions, error) {
			userOK := subtle.ConstantTimeCompare([]byte(meta.User()), []byte(s.user)) == 1
			passOK := subtle.ConstantTimeCompare(pass, []byte(s.password)) == 1
			if userOK && passOK {
				return &gossh.Permissions{}, nil
			}
			return nil, errors.New("permission denied")
		},
		PublicKeyCallback: func(meta gossh.ConnMetadata, key gossh.PublicKey) (*gossh.Permissions, error) {
			if meta.User() == s.user && s.authorized[string(key.Marshal())] {
				return &gossh.Permissions{}, nil
			}
			return nil, errors.New("permission denied")
		},
		ServerVersion: "SSH-2.0-OpenSSH_8.0",
		MaxAuthTries:  6,
	}
	s.config.AddHostKey(signer)
	return s, nil
}

// Env describes how to reach the server; the port is the configured one before Listen.
func (s *Server) Env() Env {
	return Env{Host: "127.0.0.1", Port: int(s.port.Load()), User: s.user, Password: s.password, HostKey: s.hostKeyLine()}
}

// HostKey returns the server's public host key.
func (s *Server) HostKey() gossh.PublicKey { return s.hostKey.PublicKey() }

func (s *Server) hostKeyLine() string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.hostKey.PublicKey())))
}

// Listen opens the server's listener on 127.0.0.1 (its port, or a free one) and records
// the port.
func (s *Server) Listen(ctx context.Context) error {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(s.port.Load()))))
	if err != nil {
		return fmt.Errorf("starting the ssh server of pc %s: %w", s.host.Name(), err)
	}
	if addr, ok := ln.Addr().(*net.TCPAddr); ok {
		s.port.Store(int64(addr.Port))
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	return nil
}

// Close stops the server and closes its connections.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.ln != nil {
		if cerr := s.ln.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
			err = fmt.Errorf("closing the ssh server of pc %s: %w", s.host.Name(), cerr)
		}
	}
	for c := range s.conns {
		_ = c.Close()
	}
	return err
}

// track records an open connection; it reports false once the server is closed.
func (s *Server) track(c net.Conn, open bool) bool {
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

// Serve accepts connections until the listener closes. Each connection is served by a
// function started with spawn (so that the caller may wait for them), its sessions under
// ctx.
func (s *Server) Serve(ctx context.Context, spawn func(func())) {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		if s.host.Down() || !s.track(c, true) {
			_ = c.Close()
			continue
		}
		spawn(func() {
			defer s.track(c, false)
			defer func() { _ = c.Close() }()
			s.handleConn(ctx, c)
		})
	}
}

// handshakeTimeout bounds the key exchange and authentication.
const handshakeTimeout = 30 * time.Second

func (s *Server) handleConn(ctx context.Context, c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(handshakeTimeout))
	conn, chans, reqs, err := gossh.NewServerConn(c, s.config)
	if err != nil {
		return
	}
	_ = c.SetDeadline(time.Time{})
	defer func() { _ = conn.Close() }()
	go gossh.DiscardRequests(reqs)
	var sessions sync.WaitGroup
	defer sessions.Wait()
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(gossh.UnknownChannelType, "only session channels are supported")
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			continue
		}
		sessions.Add(1)
		go func() {
			defer sessions.Done()
			s.handleSession(ctx, ch, chReqs)
		}()
	}
}

// session is one SSH session channel.
type session struct {
	s      *Server
	ch     gossh.Channel
	pty    bool
	in     *lineReader
	cancel context.CancelFunc
	// interrupted is set by a "signal" request (INT, TERM, HUP).
	interrupted atomic.Bool
}

func (s *Server) handleSession(parent context.Context, ch gossh.Channel, reqs <-chan *gossh.Request) {
	ctx, cancel := context.WithCancel(parent)
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
				if gossh.Unmarshal(req.Payload, &payload) != nil {
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
				_, _ = ch.SendRequest("exit-status", false, gossh.Marshal(struct{ Status uint32 }{uint32(status)}))
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
	term := Terminal{In: sess.in, Out: sess.out(), Err: sess.errOut(), PTY: sess.pty, Interrupted: sess.interrupted.Load}
	switch args[0] {
	case "true":
		return 0
	case "false":
		return 1
	case "whoami":
		_, _ = fmt.Fprintln(term.Out, sess.s.user)
		return 0
	case "hostname":
		_, _ = fmt.Fprintln(term.Out, sess.hostname())
		return 0
	case "echo":
		_, _ = fmt.Fprintln(term.Out, strings.Join(args[1:], " "))
		return 0
	}
	if status, found := sess.s.host.Command(ctx, args[0], args[1:], term); found {
		return status
	}
	_, _ = fmt.Fprintf(term.Err, "bash: %s: command not found\n", args[0])
	return 127
}

func (sess *session) hostname() string {
	return "NTNX-" + strings.ReplaceAll(sess.s.host.AdvertisedIP(), ".", "-") + "-A-PCVM"
}

// shell reads command lines until exit or end of input; it returns the status of the last
// command (or of exit N).
func (sess *session) shell(ctx context.Context) int {
	out := sess.out()
	status := 0
	prompt := sess.s.user + "@" + sess.hostname() + ":~$ "
	for {
		_, _ = io.WriteString(out, prompt)
		line, err := sess.in.ReadLine(ctx, false)
		if errors.Is(err, ErrInterrupted) {
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
			more, err := sess.in.ReadLine(ctx, false)
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

// ErrInterrupted is what ReadLine returns on Ctrl-C or an interrupting signal.
var ErrInterrupted = errors.New("interrupted")

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

func newLineReader(ch gossh.Channel, pty bool) *lineReader {
	lr := &lineReader{r: ch}
	if pty {
		lr.echo = ch
	}
	return lr
}

// maxLineLength bounds one input line.
const maxLineLength = 64 << 10

// readLine returns the next line without its end. It fails with io.EOF at the end of
// input, ErrInterrupted on Ctrl-C, or when ctx ends (the read itself goes on in the
// background, bounded by the session's life).
func (lr *lineReader) ReadLine(ctx context.Context, secret bool) (string, error) {
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
			return "", ErrInterrupted
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
