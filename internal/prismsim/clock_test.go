package prismsim

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

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
