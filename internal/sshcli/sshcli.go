// Package sshcli runs commands on a remote host over SSH and answers the prompts they print on
// standard input, for command-line tools that have no API, such as clustermgmt-cli on a Prism
// Central VM. Answers go to the command's standard input, never into its arguments, and are
// masked in the output this package returns.
package sshcli

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// DefaultPort and DefaultUser are those of a Prism Central VM.
const (
	DefaultPort = 22
	DefaultUser = "nutanix"
)

// defaultDialTimeout bounds the TCP connection, key exchange and authentication.
const defaultDialTimeout = 30 * time.Second

// maxOutput bounds how much of each output stream is kept.
const maxOutput = 1 << 20

// Mask replaces answers in the output this package returns.
const Mask = "***"

// Sentinel errors, checked with errors.Is.
var (
	// ErrAuthentication is matched when the server refused every credential offered.
	ErrAuthentication = errors.New("ssh authentication failed")
	// ErrHostKeyMismatch is matched when the server's host key is not the pinned one.
	ErrHostKeyMismatch = errors.New("ssh host key mismatch")
	// ErrUnreachable is matched when no TCP connection could be made.
	ErrUnreachable = errors.New("ssh server unreachable")
	// ErrPromptNotAnswered is matched when a command ended before printing a prompt it was
	// expected to print.
	ErrPromptNotAnswered = errors.New("prompt not answered")
)

// Config is how to reach and log in to the host.
type Config struct {
	Host string
	// Port defaults to 22.
	Port int
	// User defaults to nutanix.
	User string
	// Password and PrivateKey (PEM, e.g. an OpenSSH or PKCS#8 private key) are the
	// credentials; at least one is needed.
	Password   string
	PrivateKey string
	// HostKey pins the server's host key: a public key in authorized_keys format
	// ("ssh-ed25519 AAAA..."), optionally with a comment, or a SHA256 fingerprint as
	// ssh-keygen -l prints it ("SHA256:..."). Required unless InsecureIgnoreHostKey.
	HostKey               string
	InsecureIgnoreHostKey bool
	// DialTimeout defaults to 30s; the context's deadline, if sooner, wins.
	DialTimeout time.Duration
}

// Address returns host:port.
func (c Config) Address() string {
	port := c.Port
	if port == 0 {
		port = DefaultPort
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(port))
}

// user returns the login name.
func (c Config) user() string {
	if c.User == "" {
		return DefaultUser
	}
	return c.User
}

// String never shows the credentials.
func (c Config) String() string {
	return fmt.Sprintf("%s@%s", c.user(), c.Address())
}

// GoString never shows the credentials either.
func (c Config) GoString() string { return c.String() }

// HostKeyMatcher parses a pinned host key, as Config.HostKey describes it, into a function
// that tells whether a server key is the pinned one.
func HostKeyMatcher(pinned string) (func(ssh.PublicKey) bool, error) {
	s := strings.TrimSpace(pinned)
	if s == "" {
		return nil, errors.New("the host key is empty")
	}
	if strings.HasPrefix(s, "SHA256:") {
		raw := strings.TrimRight(strings.TrimPrefix(s, "SHA256:"), "=")
		if b, err := base64.RawStdEncoding.DecodeString(raw); err != nil || len(b) != 32 {
			return nil, fmt.Errorf("%q is not a SHA256 fingerprint as ssh-keygen -l prints it (SHA256: and 43 base64 characters)", s)
		}
		want := "SHA256:" + raw
		return func(k ssh.PublicKey) bool {
			return subtle.ConstantTimeCompare([]byte(ssh.FingerprintSHA256(k)), []byte(want)) == 1
		}, nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s))
	if err != nil {
		// A known_hosts line starts with the host names.
		if _, _, pub2, _, _, err2 := ssh.ParseKnownHosts([]byte(s)); err2 == nil {
			pub = pub2
		} else {
			return nil, fmt.Errorf("%q is neither a public key in authorized_keys format (\"ssh-ed25519 AAAA...\"), "+
				"a known_hosts line, nor a SHA256 fingerprint: %w", truncate(s, 60), err)
		}
	}
	want := pub.Marshal()
	return func(k ssh.PublicKey) bool { return bytes.Equal(k.Marshal(), want) }, nil
}

// Client is an open SSH connection.
type Client struct {
	cfg  Config
	conn *ssh.Client
}

// Dial connects and logs in. The error says what to fix: the address, the credentials or the
// host key.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Host == "" {
		return nil, errors.New("the ssh host is empty")
	}
	var auth []ssh.AuthMethod
	if cfg.PrivateKey != "" {
		signer, err := ssh.ParsePrivateKey([]byte(cfg.PrivateKey))
		if err != nil {
			var missing *ssh.PassphraseMissingError
			if errors.As(err, &missing) {
				return nil, errors.New("the ssh private key is protected by a passphrase: give an unencrypted key")
			}
			return nil, fmt.Errorf("the ssh private key does not parse (expected a PEM private key such as "+
				"-----BEGIN OPENSSH PRIVATE KEY-----): %w", err)
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if cfg.Password != "" {
		pw := cfg.Password
		auth = append(auth, ssh.Password(pw), ssh.KeyboardInteractive(
			func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	if len(auth) == 0 {
		return nil, errors.New("no ssh credentials: give a password or a private key")
	}
	var mismatch error
	var hostKeyCallback ssh.HostKeyCallback
	switch {
	case cfg.InsecureIgnoreHostKey:
		hostKeyCallback = ssh.InsecureIgnoreHostKey() //nolint:gosec // Only when the configuration asks for it explicitly.
	default:
		match, err := HostKeyMatcher(cfg.HostKey)
		if err != nil {
			return nil, fmt.Errorf("host key: %w", err)
		}
		hostKeyCallback = func(_ string, _ net.Addr, key ssh.PublicKey) error {
			if match(key) {
				return nil
			}
			mismatch = fmt.Errorf("%w: %s presented %s (%s), not the pinned host key: check that the address is "+
				"the intended host; if its key was changed on purpose, update the pinned key", ErrHostKeyMismatch,
				cfg.Address(), key.Type(), ssh.FingerprintSHA256(key))
			return mismatch
		}
	}
	timeout := cfg.DialTimeout
	if timeout <= 0 {
		timeout = defaultDialTimeout
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = max(time.Until(dl), time.Millisecond)
	}
	addr := cfg.Address()
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w: connecting to %s: %w", ErrUnreachable, addr, err)
	}
	// Bound the handshake; canceling ctx closes the connection.
	_ = nc.SetDeadline(time.Now().Add(timeout))
	stop := context.AfterFunc(ctx, func() { _ = nc.Close() })
	c, chans, reqs, err := ssh.NewClientConn(nc, addr, &ssh.ClientConfig{
		User:            cfg.user(),
		Auth:            auth,
		HostKeyCallback: hostKeyCallback,
		Timeout:         timeout,
	})
	stop()
	if err != nil {
		_ = nc.Close()
		switch {
		case mismatch != nil:
			return nil, mismatch
		case ctx.Err() != nil:
			return nil, fmt.Errorf("connecting to %s: %w", addr, ctx.Err())
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, fmt.Errorf("%w for user %s at %s: check the password or private key", ErrAuthentication, cfg.user(), addr)
		}
		return nil, fmt.Errorf("ssh handshake with %s: %w", addr, err)
	}
	_ = nc.SetDeadline(time.Time{})
	return &Client{cfg: cfg, conn: ssh.NewClient(c, chans, reqs)}, nil
}

// Close closes the connection.
func (c *Client) Close() error {
	if err := c.conn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("closing the ssh connection to %s: %w", c.cfg.Address(), err)
	}
	return nil
}

// Answer is what to type at a prompt.
type Answer struct {
	// Name says what is asked for, for messages ("access key"); it is never the value.
	Name string
	// Match tells whether the last line of output (without its end of line, after the
	// previous answer) is the prompt.
	Match func(lastLine string) bool
	// Value is typed followed by a new line. It is masked in the output Run returns.
	Value string
}

// Result is how a command ended.
type Result struct {
	// ExitStatus is the command's status; -1 when it ended without one (killed by a
	// signal, or the connection was lost).
	ExitStatus int
	// Stdout and Stderr are the command's output with every answer masked.
	Stdout, Stderr string
	// Answered counts the prompts that were answered.
	Answered int
}

// Run runs the command line built from argv (each word quoted for a POSIX shell) and types
// the answers, in order, when their prompts appear on standard output or standard error. It
// returns when the command ends; the error is nil when it ran to its end, whatever its exit
// status. If ctx ends first, the command is sent SIGINT and the session closed. A command that
// ends before all prompts were answered returns ErrPromptNotAnswered with the result.
func (c *Client) Run(ctx context.Context, argv []string, answers []Answer) (Result, error) {
	sess, err := c.conn.NewSession()
	if err != nil {
		return Result{ExitStatus: -1}, fmt.Errorf("opening an ssh session on %s: %w", c.cfg.Address(), err)
	}
	defer func() { _ = sess.Close() }()
	stdin, err := sess.StdinPipe()
	if err != nil {
		return Result{ExitStatus: -1}, fmt.Errorf("opening the standard input of the ssh session: %w", err)
	}
	p := &prompter{answers: answers, stdin: stdin}
	sess.Stdout = p.stream(&p.stdout)
	sess.Stderr = p.stream(&p.stderr)
	if len(answers) == 0 {
		_ = stdin.Close()
	}

	if err := sess.Start(QuoteCommand(argv)); err != nil {
		return Result{ExitStatus: -1}, fmt.Errorf("starting %s on %s: %w", argv[0], c.cfg.Address(), err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-ctx.Done():
		_ = sess.Signal(ssh.SIGINT)
		_ = sess.Close()
		// Closing the session ends Wait with an error of its own: ctx's is the one to report.
		if werr := <-done; werr != nil {
			return p.result(-1, answers), fmt.Errorf("%s on %s: %w (%v)", argv[0], c.cfg.Address(), ctx.Err(), werr) //nolint:errorlint // Only ctx's error is wrapped.
		}
		return p.result(-1, answers), fmt.Errorf("%s on %s: %w", argv[0], c.cfg.Address(), ctx.Err())
	}
	status := 0
	if waitErr != nil {
		var exitErr *ssh.ExitError
		var missing *ssh.ExitMissingError
		switch {
		case errors.As(waitErr, &exitErr):
			status = exitErr.ExitStatus()
		case errors.As(waitErr, &missing):
			status = -1
		default:
			return p.result(-1, answers), fmt.Errorf("running %s on %s: %w", argv[0], c.cfg.Address(), waitErr)
		}
	}
	res := p.result(status, answers)
	if p.err != nil {
		return res, fmt.Errorf("answering the prompts of %s: %w", argv[0], p.err)
	}
	if res.Answered < len(answers) {
		return res, fmt.Errorf("%w: %s ended (status %d) before asking for the %s", ErrPromptNotAnswered, argv[0],
			status, answers[res.Answered].Name)
	}
	return res, nil
}

// prompter watches the output streams and types the answers.
type prompter struct {
	mu             sync.Mutex
	answers        []Answer
	next           int
	stdin          io.WriteCloser
	stdout, stderr bytes.Buffer
	// pending is the output since the last answer, both streams, bounded.
	pending []byte
	err     error
}

// stream returns the writer of one output stream.
func (p *prompter) stream(buf *bytes.Buffer) io.Writer {
	return writerFunc(func(b []byte) (int, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if buf.Len() < maxOutput {
			buf.Write(b[:min(len(b), maxOutput-buf.Len())])
		}
		p.pending = append(p.pending, b...)
		if len(p.pending) > 4096 {
			p.pending = p.pending[len(p.pending)-4096:]
		}
		p.answerLocked()
		return len(b), nil
	})
}

// answerLocked types the next answer if its prompt is the last line of pending output.
func (p *prompter) answerLocked() {
	if p.next >= len(p.answers) || p.err != nil {
		return
	}
	last := string(p.pending)
	if i := strings.LastIndexAny(last, "\r\n"); i >= 0 {
		last = last[i+1:]
	}
	a := p.answers[p.next]
	if strings.TrimSpace(last) == "" || !a.Match(last) {
		return
	}
	if _, err := io.WriteString(p.stdin, a.Value+"\n"); err != nil {
		p.err = fmt.Errorf("typing the %s: %w", a.Name, err)
		return
	}
	p.next++
	p.pending = p.pending[:0]
	if p.next == len(p.answers) {
		_ = p.stdin.Close()
	}
}

// result builds the Result with every answer masked.
func (p *prompter) result(status int, answers []Answer) Result {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Result{ExitStatus: status, Stdout: maskAll(p.stdout.String(), answers), Stderr: maskAll(p.stderr.String(), answers),
		Answered: p.next}
}

// maskAll replaces every answer value in s.
func maskAll(s string, answers []Answer) string {
	for _, a := range answers {
		if a.Value != "" {
			s = strings.ReplaceAll(s, a.Value, Mask)
		}
	}
	return s
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// QuoteCommand joins argv into a command line for a POSIX shell, quoting each word that
// needs it.
func QuoteCommand(argv []string) string {
	words := make([]string, len(argv))
	for i, a := range argv {
		words[i] = quoteWord(a)
	}
	return strings.Join(words, " ")
}

// quoteWord quotes one word in single quotes unless it is made of safe characters only.
func quoteWord(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, needsQuoting) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// needsQuoting tells whether a shell would read r as something else than a letter of a word.
func needsQuoting(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("-_./,:=@%+", r)
}

// PromptEndsWith returns a matcher of a prompt line that contains all of words (ignoring
// case) and none of without, and ends with ":" or "?" (trailing blanks ignored).
func PromptEndsWith(words []string, without ...string) func(string) bool {
	return func(line string) bool {
		l := strings.ToLower(strings.TrimSpace(line))
		if !strings.HasSuffix(l, ":") && !strings.HasSuffix(l, "?") {
			return false
		}
		for _, w := range words {
			if !strings.Contains(l, strings.ToLower(w)) {
				return false
			}
		}
		for _, w := range without {
			if strings.Contains(l, strings.ToLower(w)) {
				return false
			}
		}
		return true
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
