package model

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// maxRealWait bounds how long the clock's runner waits in real time before looking again.
const maxRealWait = time.Minute

// Clock is the world's simulated clock. Simulated time is
// start + rate * (real time elapsed) + the sum of manual advances.
// Timers registered with AfterFunc fire, in order of due time, either when simulated time
// reaches them by itself or during Advance.
type Clock struct {
	mu       sync.Mutex
	base     time.Time // simulated time at realBase
	realBase time.Time // real time (with monotonic reading) base refers to
	rate     float64
	timers   timerQueue
	seq      uint64
	changed  chan struct{} // wakes the runner when timers or the rate change

	fireMu sync.Mutex // serializes firing so that callbacks run one at a time, in order
}

// Timer is a callback scheduled on simulated time.
type Timer struct {
	c     *Clock
	due   time.Time
	seq   uint64
	f     func(due time.Time)
	index int // in the heap; -1 once fired or stopped
}

func NewClock(start time.Time, rate float64) *Clock {
	return &Clock{
		base:     start.UTC().Truncate(time.Microsecond),
		realBase: time.Now(),
		rate:     rate,
		changed:  make(chan struct{}, 1),
	}
}

// Now returns the current simulated time (UTC).
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	elapsed := time.Since(c.realBase)
	return c.base.Add(time.Duration(float64(elapsed) * c.rate))
}

// Rate returns the simulated seconds that pass per real second.
func (c *Clock) Rate() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}

// SetRate changes the rate from now on; simulated time does not jump.
func (c *Clock) SetRate(rate float64) {
	if rate < 0 {
		rate = 0
	}
	c.mu.Lock()
	c.base = c.nowLocked()
	c.realBase = time.Now()
	c.rate = rate
	c.mu.Unlock()
	c.signal()
}

// Advance moves simulated time forward by d and fires, before returning, every timer that
// is due, in order of due time (timers scheduled by those callbacks fire too when due).
// It returns the new simulated time. Callbacks must not call Advance themselves.
func (c *Clock) Advance(d time.Duration) time.Time {
	if d < 0 {
		d = 0
	}
	c.mu.Lock()
	c.base = c.base.Add(d)
	c.mu.Unlock()
	c.signal()
	c.fireDue()
	return c.Now()
}

// AfterFunc schedules f to run once simulated time has advanced by d. The callback receives the
// simulated time it was due at (not the possibly later time at which it ran), runs on the
// clock's own goroutine or inside Advance, and must not block for long.
func (c *Clock) AfterFunc(d time.Duration, f func(due time.Time)) *Timer {
	c.mu.Lock()
	return c.scheduleLocked(c.nowLocked().Add(d), f)
}

// AtFunc schedules f to run once simulated time reaches at (at once, on the clock's
// goroutine or in the current Advance, when at has passed). Callbacks that schedule the
// next event of a series use it with their due time, so that the series keeps its pace
// inside a long Advance.
func (c *Clock) AtFunc(at time.Time, f func(due time.Time)) *Timer {
	c.mu.Lock()
	return c.scheduleLocked(at, f)
}

// scheduleLocked adds a timer; it is called with c.mu held and releases it.
func (c *Clock) scheduleLocked(due time.Time, f func(due time.Time)) *Timer {
	t := &Timer{c: c, due: due, f: f}
	c.seq++
	t.seq = c.seq
	heap.Push(&c.timers, t)
	c.mu.Unlock()
	c.signal()
	return t
}

// PendingTimers returns how many timers have not fired yet.
func (c *Clock) PendingTimers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// When returns the simulated time the timer is due at.
func (t *Timer) When() time.Time { return t.due }

// Stop cancels the timer; it reports whether the timer was still pending.
func (t *Timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.c.timers, t.index)
	return true
}

func (c *Clock) signal() {
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

// fireDue runs every due timer, earliest first.
func (c *Clock) fireDue() {
	c.fireMu.Lock()
	defer c.fireMu.Unlock()
	for {
		c.mu.Lock()
		if len(c.timers) == 0 || c.timers[0].due.After(c.nowLocked()) {
			c.mu.Unlock()
			return
		}
		t, _ := heap.Pop(&c.timers).(*Timer)
		c.mu.Unlock()
		t.f(t.due)
	}
}

// run fires timers as simulated time reaches them in real time, until ctx ends.
func (c *Clock) Run(ctx context.Context) {
	for {
		c.fireDue()
		c.mu.Lock()
		wait := maxRealWait
		if len(c.timers) > 0 && c.rate > 0 {
			ahead := c.timers[0].due.Sub(c.nowLocked())
			if w := time.Duration(float64(ahead) / c.rate); w < wait {
				wait = w
			}
		}
		c.mu.Unlock()
		if wait < time.Millisecond {
			wait = time.Millisecond
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-c.changed:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// timerQueue is a min-heap of timers by due time, then by scheduling order.
type timerQueue []*Timer

func (q timerQueue) Len() int { return len(q) }
func (q timerQueue) Less(i, j int) bool {
	if !q[i].due.Equal(q[j].due) {
		return q[i].due.Before(q[j].due)
	}
	return q[i].seq < q[j].seq
}
func (q timerQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}

func (q *timerQueue) Push(x any) {
	t, _ := x.(*Timer)
	t.index = len(*q)
	*q = append(*q, t)
}

func (q *timerQueue) Pop() any {
	old := *q
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*q = old[:n-1]
	return t
}
