package sshcli

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

const (
	testUser     = "nutanix"
	testPassword = "pc-ssh-password-0001"
	testAccess   = "AKIATESTACCESS000001"
	testSecret   = "secret/KEY+value0123456789abcdefghijklmn"
)

// fakeServer is an SSH server on 127.0.0.1 that runs one fake command per session: it prints
// two prompts, reads an answer after each, and reports what it got.
type fakeServer struct {
	t       *testing.T
	ln      net.Listener
	hostKey ssh.Signer
	client  ed25519.PrivateKey // the authorized client key
	addr    *net.TCPAddr

	mu       sync.Mutex
	commands []string
	inputs   [][]string
	signals  []string
}

func newFakeServer(t *testing.T) *fakeServer {
	t.Helper()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hostKey, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	_, clientPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clientKey, err := ssh.NewSignerFromKey(clientPriv)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", ln.Addr())
	}
	s := &fakeServer{t: t, ln: ln, hostKey: hostKey, client: clientPriv, addr: addr}
	cfg := &ssh.ServerConfig{
		PasswordCallback: func(meta ssh.ConnMetadata, pass []byte) (*ssh.Permissions, error) {
			if meta.User() == testUser && string(pass) == testPassword {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("denied")
		},
		PublicKeyCallback: func(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if meta.User() == testUser && string(key.Marshal()) == string(clientKey.PublicKey().Marshal()) {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("denied")
		},
	}
	cfg.AddHostKey(hostKey)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.serveConn(c, cfg)
			}()
		}
	}()
	return s
}

func (s *fakeServer) serveConn(c net.Conn, cfg *ssh.ServerConfig) {
	defer func() { _ = c.Close() }()
	conn, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	defer func() { _ = conn.Close() }()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		ch, chReqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go s.serveSession(ch, chReqs)
	}
}

// serveSession runs the fake command of an exec request:
//
//	deploy: prompts for both keys, prints the secret back to stderr, exits 0 (or 1 when the
//	        access key is wrong);
//	quick: prints one line and exits 3 without prompting;
//	hang: prompts for nothing and waits for a signal, then exits 130.
func (s *fakeServer) serveSession(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer func() { _ = ch.Close() }()
	signaled := make(chan string, 1)
	for req := range reqs {
		switch req.Type {
		case "exec":
			var payload struct{ Command string }
			if err := ssh.Unmarshal(req.Payload, &payload); err != nil {
				_ = req.Reply(false, nil)
				continue
			}
			_ = req.Reply(true, nil)
			s.mu.Lock()
			s.commands = append(s.commands, payload.Command)
			s.mu.Unlock()
			go func() {
				status := s.run(ch, payload.Command, signaled)
				_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(status)}))
				_ = ch.Close()
			}()
		case "signal":
			var payload struct{ Signal string }
			_ = ssh.Unmarshal(req.Payload, &payload)
			s.mu.Lock()
			s.signals = append(s.signals, payload.Signal)
			s.mu.Unlock()
			select {
			case signaled <- payload.Signal:
			default:
			}
			if req.WantReply {
				_ = req.Reply(true, nil)
			}
		default:
			if req.WantReply {
				_ = req.Reply(false, nil)
			}
		}
	}
}

func (s *fakeServer) run(ch ssh.Channel, command string, signaled <-chan string) int {
	in := bufio.NewReader(ch)
	switch {
	case strings.HasPrefix(command, "deploy"):
		_, _ = fmt.Fprint(ch, "Validating...\nEnter the access key: ")
		access, err := in.ReadString('\n')
		if err != nil {
			return 1
		}
		_, _ = fmt.Fprint(ch, "\nEnter the secret key: ")
		secret, err := in.ReadString('\n')
		if err != nil {
			return 1
		}
		access, secret = strings.TrimSuffix(access, "\n"), strings.TrimSuffix(secret, "\n")
		s.mu.Lock()
		s.inputs = append(s.inputs, []string{access, secret})
		s.mu.Unlock()
		// A careless tool that prints what it was given: the caller must not see it.
		_, _ = fmt.Fprintf(ch.Stderr(), "debug: got %s and %s\n", access, secret)
		if access != testAccess {
			_, _ = fmt.Fprintln(ch.Stderr(), "Error: invalid access key")
			return 1
		}
		_, _ = fmt.Fprintln(ch, "Deployed.")
		return 0
	case strings.HasPrefix(command, "quick"):
		_, _ = fmt.Fprintln(ch.Stderr(), "Error: refused before asking")
		return 3
	case strings.HasPrefix(command, "hang"):
		select {
		case <-signaled:
			return 130
		case <-time.After(10 * time.Second):
			return 0
		}
	}
	return 127
}

func (s *fakeServer) config() Config {
	return Config{Host: "127.0.0.1", Port: s.addr.Port, User: testUser, Password: testPassword,
		HostKey: string(ssh.MarshalAuthorizedKey(s.hostKey.PublicKey())), DialTimeout: 5 * time.Second}
}

func deployAnswers(access, secret string) []Answer {
	return []Answer{
		{Name: "access key", Match: PromptEndsWith([]string{"access key"}, "secret"), Value: access},
		{Name: "secret key", Match: PromptEndsWith([]string{"secret"}), Value: secret},
	}
}

func TestRunAnswersPromptsOnStdin(t *testing.T) {
	s := newFakeServer(t)
	c, err := Dial(t.Context(), s.config())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer func() { _ = c.Close() }()
	res, err := c.Run(t.Context(), []string{"deploy", "-b", "my bucket", "-i", "10.0.0.1,10.0.0.2"}, deployAnswers(testAccess, testSecret))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.ExitStatus != 0 || res.Answered != 2 {
		t.Fatalf("result %+v", res)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if got, want := s.commands[0], `deploy -b 'my bucket' -i 10.0.0.1,10.0.0.2`; got != want {
		t.Errorf("command line %q, want %q", got, want)
	}
	if strings.Contains(s.commands[0], testSecret) || strings.Contains(s.commands[0], testAccess) {
		t.Errorf("a secret went into the command line: %q", s.commands[0])
	}
	if len(s.inputs) != 1 || s.inputs[0][0] != testAccess || s.inputs[0][1] != testSecret {
		t.Errorf("the server read %q", s.inputs)
	}
	for _, out := range []string{res.Stdout, res.Stderr} {
		if strings.Contains(out, testSecret) || strings.Contains(out, testAccess) {
			t.Errorf("the output holds an answer: %q", out)
		}
	}
	if !strings.Contains(res.Stderr, "debug: got *** and ***") {
		t.Errorf("stderr %q: answers not masked as %s", res.Stderr, Mask)
	}
	if !strings.Contains(res.Stdout, "Deployed.") {
		t.Errorf("stdout %q", res.Stdout)
	}
}

func TestRunExitStatusAndUnansweredPrompts(t *testing.T) {
	s := newFakeServer(t)
	c, err := Dial(t.Context(), s.config())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer func() { _ = c.Close() }()

	res, err := c.Run(t.Context(), []string{"deploy"}, deployAnswers("WRONG", testSecret))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.ExitStatus != 1 || !strings.Contains(res.Stderr, "invalid access key") {
		t.Errorf("result %+v", res)
	}

	res, err = c.Run(t.Context(), []string{"quick"}, deployAnswers(testAccess, testSecret))
	if !errors.Is(err, ErrPromptNotAnswered) || !strings.Contains(err.Error(), "before asking for the access key") {
		t.Errorf("error %v, want ErrPromptNotAnswered naming the access key", err)
	}
	if res.ExitStatus != 3 || !strings.Contains(res.Stderr, "refused before asking") {
		t.Errorf("result %+v", res)
	}

	res, err = c.Run(t.Context(), []string{"unknown-tool"}, nil)
	if err != nil || res.ExitStatus != 127 {
		t.Errorf("Run without answers: %+v, %v", res, err)
	}
}

func TestRunCancelSendsInterrupt(t *testing.T) {
	s := newFakeServer(t)
	c, err := Dial(t.Context(), s.config())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer func() { _ = c.Close() }()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Run(ctx, []string{"hang"}, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the deadline", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("Run took %s after the deadline", time.Since(start))
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		s.mu.Lock()
		got := append([]string(nil), s.signals...)
		s.mu.Unlock()
		if len(got) > 0 {
			if got[0] != string(ssh.SIGINT) {
				t.Errorf("signal %q, want INT", got[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no signal reached the server")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDialErrors(t *testing.T) {
	s := newFakeServer(t)

	cfg := s.config()
	cfg.Password = "wrong"
	if _, err := Dial(t.Context(), cfg); !errors.Is(err, ErrAuthentication) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong password: %v", err)
	}

	_, otherPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ssh.NewSignerFromKey(otherPriv)
	if err != nil {
		t.Fatal(err)
	}
	cfg = s.config()
	cfg.HostKey = string(ssh.MarshalAuthorizedKey(other.PublicKey()))
	_, err = Dial(t.Context(), cfg)
	if !errors.Is(err, ErrHostKeyMismatch) || !strings.Contains(err.Error(), ssh.FingerprintSHA256(s.hostKey.PublicKey())) {
		t.Errorf("other host key: %v", err)
	}

	cfg = s.config()
	cfg.HostKey = ""
	if _, err := Dial(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "host key") {
		t.Errorf("no host key: %v", err)
	}

	cfg = s.config()
	cfg.Password = ""
	if _, err := Dial(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "no ssh credentials") {
		t.Errorf("no credentials: %v", err)
	}

	// A port nothing listens on.
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", ln.Addr())
	}
	closedPort := tcp.Port
	_ = ln.Close()
	cfg = s.config()
	cfg.Port = closedPort
	if _, err := Dial(t.Context(), cfg); !errors.Is(err, ErrUnreachable) {
		t.Errorf("closed port: %v", err)
	}
}

func TestDialPinsAndKeys(t *testing.T) {
	s := newFakeServer(t)

	// A SHA256 fingerprint pins as well as the key.
	cfg := s.config()
	cfg.HostKey = ssh.FingerprintSHA256(s.hostKey.PublicKey())
	c, err := Dial(t.Context(), cfg)
	if err != nil {
		t.Fatalf("fingerprint pin: %v", err)
	}
	_ = c.Close()

	// A known_hosts line too.
	cfg.HostKey = "[127.0.0.1]:22 " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.hostKey.PublicKey())))
	if c, err = Dial(t.Context(), cfg); err != nil {
		t.Fatalf("known_hosts pin: %v", err)
	}
	_ = c.Close()

	// Explicitly insecure: no pin needed.
	cfg.HostKey, cfg.InsecureIgnoreHostKey = "", true
	if c, err = Dial(t.Context(), cfg); err != nil {
		t.Fatalf("insecure: %v", err)
	}
	_ = c.Close()

	// A private key instead of the password.
	block, err := ssh.MarshalPrivateKey(s.client, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg = s.config()
	cfg.Password, cfg.PrivateKey = "", string(pem.EncodeToMemory(block))
	if c, err = Dial(t.Context(), cfg); err != nil {
		t.Fatalf("private key: %v", err)
	}
	_ = c.Close()

	cfg.PrivateKey = "not a key"
	if _, err := Dial(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "does not parse") {
		t.Errorf("bad key: %v", err)
	}
}

func TestHostKeyMatcherRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "SHA256:abc", "ssh-ed25519 !!!", "hello"} {
		if _, err := HostKeyMatcher(s); err == nil {
			t.Errorf("HostKeyMatcher(%q) accepted it", s)
		}
	}
}

func TestQuoteCommand(t *testing.T) {
	got := QuoteCommand([]string{"clustermgmt-cli", "mst", "deploy", "-b", "a.b-c", "-s", "PC Net", "-x", "it's", "-e", ""})
	want := `clustermgmt-cli mst deploy -b a.b-c -s 'PC Net' -x 'it'\''s' -e ''`
	if got != want {
		t.Errorf("QuoteCommand = %q, want %q", got, want)
	}
}

func TestPromptEndsWith(t *testing.T) {
	access := PromptEndsWith([]string{"access key"}, "secret")
	secret := PromptEndsWith([]string{"secret"})
	for line, want := range map[string][2]bool{
		"Enter the access key: ":         {true, false},
		"Enter the secret key: ":         {false, true},
		"Enter AWS secret access key:":   {false, true},
		"Access Key ID?":                 {true, false},
		"Validating the access key ...":  {false, false},
		"Enter the secret key (hidden)":  {false, false},
		"  Bucket: nutanix-clusters-x  ": {false, false},
	} {
		if got := [2]bool{access(line), secret(line)}; got != want {
			t.Errorf("%q: access, secret = %v, want %v", line, got, want)
		}
	}
}

func TestConfigStringHidesCredentials(t *testing.T) {
	cfg := Config{Host: "10.0.0.1", Password: testPassword, PrivateKey: "KEY"}
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg)} {
		if strings.Contains(s, testPassword) || strings.Contains(s, "KEY") {
			t.Errorf("%q shows a credential", s)
		}
	}
	if cfg.String() != "nutanix@10.0.0.1:22" {
		t.Errorf("String() = %q", cfg.String())
	}
}
