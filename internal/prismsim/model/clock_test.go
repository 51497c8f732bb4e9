package model

import (
	"testing"
	"time"
)

func TestClockAdvanceFiresTimersInOrder(t *testing.T) {
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	c := NewClock(start, 0) // frozen: only Advance moves it
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
