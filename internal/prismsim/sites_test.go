package prismsim

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// refused reports whether a TCP connection to 127.0.0.1:port is refused.
func refused(t *testing.T, port int) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err == nil {
		_ = conn.Close()
		return false
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial: %v, want connection refused", err)
	}
	return true
}

func TestSiteDownAndUp(t *testing.T) {
	w := drWorld(t, nil)
	canada, france := w.PC("canada"), w.PC("france")
	ca, fr := newClient(t, canada), newClient(t, france)
	ca.mustPair(france)
	expect(t, fr.v3("PUT", "/categories/kept", map[string]any{"name": "kept"}), 201)
	port := france.Port()
	az := ca.azs()["PC_192.168.0.10"]
	azID := getString(az, "metadata", "uuid")
	rcID := getString(az, "status", "resources", "credentials", "pc", "remote_connection_reference", "uuid")

	down := expect(t, ca.do("POST", "/_prismsim/sites/france/down", nil), 200).json(t)
	if down["down"] != true || getString(down, "pc") != "france" {
		t.Fatalf("down answer: %s", mustJSON(down))
	}
	if !france.Down() || !refused(t, port) {
		t.Fatal("france's port should refuse connections")
	}
	// Its peer reports it unreachable, in the AZ and the remote connection.
	for _, path := range []string{"/availability_zones/" + azID, "/remote_connections/" + rcID} {
		got := expect(t, ca.v3("GET", path, nil), 200).json(t)
		if getString(got, "status", "message_list", 0, "reason") != "REMOTE_CLUSTER_NOT_CONNECTED" ||
			getString(got, "status", "state") != "COMPLETE" {
			t.Fatalf("GET %s while france is down: %s", path, mustJSON(got))
		}
	}
	st := expect(t, ca.do("GET", "/_prismsim/state", nil), 200).json(t)
	if get(st, "pcs", "france", "down") != true || get(st, "pcs", "canada", "down") != false {
		t.Fatalf("state: down flags %v %v", get(st, "pcs", "france", "down"), get(st, "pcs", "canada", "down"))
	}
	sites := expect(t, ca.do("GET", "/_prismsim/sites", nil), 200).json(t)
	if len(arr(t, sites["sites"])) != 2 {
		t.Fatalf("sites: %s", mustJSON(sites))
	}
	// Down twice is fine; unknown sites are not.
	expect(t, ca.do("POST", "/_prismsim/sites/france/down", nil), 200)
	expect(t, ca.do("POST", "/_prismsim/sites/spain/down", nil), 404)
	if err := w.SiteDown("spain"); err == nil {
		t.Fatal("SiteDown of an unknown PC should fail")
	}

	up := expect(t, ca.do("POST", "/_prismsim/sites/france/up", nil), 200).json(t)
	if up["down"] != false || france.Port() != port || getString(up, "url") != "https://127.0.0.1:"+strconv.Itoa(port) {
		t.Fatalf("up answer: %s (port was %d)", mustJSON(up), port)
	}
	// Same port, same state, peers see it again.
	fr2 := newClient(t, france)
	expect(t, fr2.v3("GET", "/categories/kept", nil), 200)
	if azs := fr2.azs(); len(azs) != 2 {
		t.Fatalf("france's AZs after coming back: %v", azs)
	}
	got := expect(t, ca.v3("GET", "/availability_zones/"+azID, nil), 200).json(t)
	if get(got, "status", "message_list") != nil {
		t.Fatalf("AZ still unreachable: %s", mustJSON(got))
	}
	expect(t, ca.do("POST", "/_prismsim/sites/france/up", nil), 200)
}

func TestSiteDownItselfAndClose(t *testing.T) {
	w := startWorld(t, nil)
	canada := w.PC("canada")
	ca := newClient(t, canada)
	// The PC whose listener gets the request goes down once it has answered.
	r := expect(t, ca.do("POST", "/_prismsim/sites/canada/down", nil), 200).json(t)
	if r["down"] != true {
		t.Fatalf("answer: %s", mustJSON(r))
	}
	deadline := time.Now().Add(5 * time.Second)
	for !canada.Down() {
		if time.Now().After(deadline) {
			t.Fatal("canada did not go down")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !refused(t, canada.Port()) {
		t.Fatal("canada should refuse connections")
	}
	// It comes back through another PC's admin API; the world closes with a site down
	// (startWorld's cleanup checks Close's error).
	fr := newClient(t, w.PC("france"))
	expect(t, fr.do("POST", "/_prismsim/sites/canada/up", nil), 200)
	expect(t, ca.v3("GET", "/versions", nil), 200)
	if err := w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
}

func TestSiteDownBeforeStartAndAfterClose(t *testing.T) {
	cfg, _ := Preset("leap-two-sites")
	w, err := NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SiteDown("canada"); err == nil {
		t.Fatal("SiteDown before Start should fail")
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	if err := w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close with a site down: %v", err)
	}
	if err := w.SiteUp("canada"); !errors.Is(err, ErrWorldClosed) {
		t.Fatalf("SiteUp after Close: %v", err)
	}
}

func TestSiteDownPausesTasks(t *testing.T) {
	const latency = 200 * time.Millisecond
	w := startWorld(t, func(cfg *WorldConfig) { cfg.Settings.TaskLatency = Duration(latency) })
	canada := w.PC("canada")
	ca := newClient(t, canada)
	r := expect(t, ca.v3("POST", "/services/disaster_recovery", map[string]any{"state": "ENABLE"}), 202).json(t)
	id := getString(r, "task_uuid")
	if err := w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * latency)
	for _, task := range w.State().PCs["canada"].Tasks {
		if task.UUID == id && (task.Status == TaskSucceeded || task.Status == TaskFailed) {
			t.Fatalf("task ended while its site was down: %s", task.Status)
		}
	}
	if canada.DREnabled() {
		t.Fatal("DR enabled while the site was down")
	}
	if err := w.SiteUp("canada"); err != nil {
		t.Fatal(err)
	}
	if task := ca.waitTask(id); getString(task, "status") != TaskSucceeded {
		t.Fatalf("task after the site came back: %s", mustJSON(task))
	}
	if !canada.DREnabled() {
		t.Fatal("DR should be enabled once the task ended")
	}
}

// TestSitesConcurrently flips a site while its peer is read and paired, for the race
// detector.
func TestSitesConcurrently(t *testing.T) {
	w := drWorld(t, nil)
	canada, france := w.PC("canada"), w.PC("france")
	ca := newClient(t, canada)
	ca.mustPair(france)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = w.State()
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 10; i++ {
			if err := w.SiteDown("france"); err != nil {
				t.Error(err)
				return
			}
			if err := w.SiteUp("france"); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < 10; i++ {
		ca.azs()
		r := expect(t, ca.v3("POST", "/cloud_trusts", trustBody(france.AdvertisedIP(), france.Username(), france.Password())), 202).json(t)
		ca.waitTask(getString(r, "status", "execution_context", "task_uuid"))
	}
	close(stop)
	wg.Wait()
	if err := w.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	if got := pairingCounts(w, "france"); got != [3]int{1, 2, 1} {
		t.Fatalf("france after the flips: %v", got)
	}
}
