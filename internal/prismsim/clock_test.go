package prismsim

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestClockAdvanceFiresTimersInOrder(t *testing.T) {
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	c := newClock(start, 0) // frozen: only Advance moves it
	if !c.Now().Equal(start) {
		t.Fatalf("Now %s", c.Now())
	}
	var fired []time.Duration
	record := func(due time.Time) { fired = append(fired, due.Sub(start)) }
	c.AfterFunc(30*time.Minute, record)
	c.AfterFunc(10*time.Minute, record)
	c.AfterFunc(2*time.Hour, record)
	stopped := c.AfterFunc(20*time.Minute, record)
	c.AfterFunc(20*time.Minute, func(due time.Time) {
		record(due)
		// A timer scheduled by a callback fires in the same Advance when due.
		c.AfterFunc(5*time.Minute, record)
	})
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop should report true once")
	}
	now := c.Advance(time.Hour)
	if !now.Equal(start.Add(time.Hour)) {
		t.Fatalf("Advance returned %s", now)
	}
	want := []time.Duration{10 * time.Minute, 20 * time.Minute, 30 * time.Minute, time.Hour}
	// The callback's timer is due 5 minutes after Now() at the time it ran (one hour).
	if len(fired) != 3 || fired[0] != want[0] || fired[1] != want[1] || fired[2] != want[2] {
		t.Fatalf("fired %v", fired)
	}
	if c.PendingTimers() != 2 {
		t.Fatalf("pending %d", c.PendingTimers())
	}
	c.Advance(5 * time.Minute)
	if len(fired) != 4 || fired[3] != time.Hour+5*time.Minute {
		t.Fatalf("fired %v", fired)
	}
	c.Advance(time.Hour)
	if len(fired) != 5 || fired[4] != 2*time.Hour {
		t.Fatalf("fired %v", fired)
	}
	if c.Advance(-time.Hour).Before(start.Add(2*time.Hour + 5*time.Minute)) {
		t.Fatal("negative advance moved time back")
	}
}

func TestClockRateAndRealTimeTimers(t *testing.T) {
	w := startWorld(t, func(cfg *WorldConfig) { cfg.Settings.ClockRate = 3600 })
	clock := w.Clock()
	before := clock.Now()
	var mu sync.Mutex
	var firedAt time.Time
	done := make(chan struct{})
	clock.AfterFunc(10*time.Minute, func(due time.Time) {
		mu.Lock()
		firedAt = due
		mu.Unlock()
		close(done)
	})
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("timer did not fire as simulated time passed (10 simulated minutes at 3600x is 1/6 s)")
	}
	mu.Lock()
	defer mu.Unlock()
	if d := firedAt.Sub(before); d < 10*time.Minute || d > 11*time.Minute {
		t.Fatalf("due time %s after start", d)
	}
	if elapsed := clock.Now().Sub(before); elapsed < 10*time.Minute {
		t.Fatalf("simulated time moved only %s", elapsed)
	}
	// A new rate applies without a jump.
	w.UpdateSettings(Settings{ClockRate: 1})
	a := clock.Now()
	b := clock.Now()
	if b.Sub(a) > time.Second || b.Before(a) {
		t.Fatalf("clock jumped: %s -> %s", a, b)
	}
}

func TestClockAdmin(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	fired := make(chan time.Time, 1)
	w.Clock().AfterFunc(time.Hour, func(due time.Time) { fired <- due })
	before := expect(t, c.do("GET", "/_prismsim/clock", nil), 200).json(t)
	t0, err := time.Parse(time.RFC3339Nano, getString(before, "now"))
	if err != nil {
		t.Fatal(err)
	}
	after := expect(t, c.do("POST", "/_prismsim/clock/advance", map[string]any{"seconds": 3600}), 200).json(t)
	t1, _ := time.Parse(time.RFC3339Nano, getString(after, "now"))
	if d := t1.Sub(t0); d < time.Hour || d > time.Hour+time.Minute {
		t.Fatalf("advanced by %s", d)
	}
	select {
	case <-fired:
	default:
		t.Fatal("a timer due within the advance had not fired when the call returned")
	}
	after = expect(t, c.do("POST", "/_prismsim/clock/advance", map[string]any{"duration": "30m"}), 200).json(t)
	t2, _ := time.Parse(time.RFC3339Nano, getString(after, "now"))
	if d := t2.Sub(t1); d < 30*time.Minute {
		t.Fatalf("duration advance %s", d)
	}
	// Simulated time shows in entity timestamps: a VM updated now is stamped later than creation.
	vm := newClient(t, w.PC("canada")).vmByName("app-01")
	if getString(vm, "metadata", "creation_time") == "" {
		t.Fatal("no creation time")
	}
	for _, bad := range []any{map[string]any{}, map[string]any{"seconds": -1}, map[string]any{"seconds": "ten"},
		map[string]any{"seconds": 1, "duration": "1s"}} {
		expect(t, c.do("POST", "/_prismsim/clock/advance", bad), http.StatusBadRequest)
	}
	expect(t, c.do("GET", "/_prismsim/clock/advance", nil), http.StatusMethodNotAllowed)
}
