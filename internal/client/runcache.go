package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// runCache answers existence checks and refreshes of many objects of one group (the values of
// one category key, the VMs, the subnets) from one list call, instead of one GET per object.
//
// A client lives for one run of the provider (one Configure: a plan, or an apply), so the cache
// does too; nothing survives into the next run. Within the run it keeps three promises:
//
//   - One list per group, shared: concurrent callers wait on the one list in flight
//     (singleflight-style) rather than sending their own.
//   - Each answer is used once. An object's entry, once it has answered a lookup, is spent:
//     the next lookup of that object asks the server again (a GET, through the fallback the
//     caller gives). A Terraform run asks about each object once (Read in the refresh, or the
//     existence check of a Create), so the list serves every object once and a second
//     question, which means the caller wants a fresh answer, gets one.
//   - Writes of this client keep it exact. A successful write records the server's answer
//     (a fresh entry) or the deletion (a fresh absence); a write that failed, or whose outcome
//     is unknown, spends the entry so that the next lookup asks the server. A write that lands
//     while the list is in flight is applied on top of the list's answer, which may predate it.
//
// A list is read whole only when it is worth its pages: after its first page, a list longer
// than the lookups the run has asked of the group so far is dropped, and lookups ask the
// server one object at a time (GET) until they outnumber its pages; then the group is listed.
// A run that refreshes a handful of VMs among thousands thus costs a GET each plus one page;
// one that refreshes hundreds costs a page per 100.
//
// Errors are not cached: a failed list fails its waiters and the next lookup lists again.
type runCache[V any] struct {
	mu     sync.Mutex
	groups map[string]*runGroup[V]
}

// runGroup is the cached list of one group.
type runGroup[V any] struct {
	loaded bool
	items  map[string]runItem[V]
	// flight is the list in progress, nil when none.
	flight *runFlight
	// pending holds the writes made while flight was in progress, applied to its answer.
	pending map[string]runItem[V]
	// asked counts the lookups of the group in the run.
	asked int
	// needPages, once a list was found not worth reading, is its length in pages: lookups
	// ask the server one object at a time until asked reaches it.
	needPages int
}

// runItem is what the cache knows of one object.
type runItem[V any] struct {
	value  V
	exists bool
	// spent is set once the item has answered a lookup, or when a write left it unknown.
	spent bool
}

// runFlight is one list call that several lookups wait on.
type runFlight struct {
	done chan struct{}
	err  error
}

// lookup answers whether name exists in group, and its value, from the group's list (listed
// now if the run has not listed it yet). When the cache cannot answer (the entry was already
// used, or a write left it unknown) it calls fetch, which asks the server for that one object
// and returns (value, exists, error).
//
// list reads the whole group; it passes worth on to listAllIf and returns its errListTooLong.
func (rc *runCache[V]) lookup(ctx context.Context, group, name string,
	list func(ctx context.Context, worth func(pages int) bool) (map[string]V, error),
	fetch func(context.Context) (V, bool, error),
) (V, bool, error) {
	var zero V
	for first := true; ; first = false {
		rc.mu.Lock()
		g := rc.group(group)
		if first {
			g.asked++
		}
		if g.loaded {
			it, known := g.items[name]
			if known && it.spent {
				rc.mu.Unlock()
				return fetch(ctx)
			}
			// Not in the list means absent; the answer is spent either way.
			g.items[name] = runItem[V]{value: it.value, exists: it.exists, spent: true}
			rc.mu.Unlock()
			return it.value, it.exists, nil
		}
		f := g.flight
		if f == nil && g.asked < g.needPages {
			rc.mu.Unlock()
			return fetch(ctx)
		}
		if f == nil {
			f = &runFlight{done: make(chan struct{})}
			g.flight = f
			g.pending = map[string]runItem[V]{}
			// The list runs on its own, detached from this caller's cancellation: other
			// lookups wait on it. Each waiter still honors its own context below.
			go rc.run(context.WithoutCancel(ctx), g, f, list)
		}
		rc.mu.Unlock()
		select {
		case <-ctx.Done():
			return zero, false, ctx.Err()
		case <-f.done:
		}
		if f.err != nil {
			return zero, false, f.err
		}
	}
}

// run performs the list of group and publishes it, with the writes made meanwhile on top.
// A group forgotten meanwhile gets the answer all the same, but no lookup sees it any more.
func (rc *runCache[V]) run(ctx context.Context, g *runGroup[V], f *runFlight,
	list func(ctx context.Context, worth func(pages int) bool) (map[string]V, error),
) {
	worth := func(pages int) bool {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		// Reading the rest costs pages-1 requests; asking each object asked so far costs one.
		if g.asked+1 >= pages {
			return true
		}
		g.needPages = pages
		return false
	}
	values, err := list(ctx, worth)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	defer close(f.done)
	g.flight = nil
	pending := g.pending
	g.pending = nil
	if errors.Is(err, errListTooLong) {
		// Not an error: the waiters ask the server, one object each.
		return
	}
	if err != nil {
		f.err = err
		return
	}
	g.items = make(map[string]runItem[V], len(values))
	for name, v := range values {
		g.items[name] = runItem[V]{value: v, exists: true}
	}
	for name, it := range pending {
		g.items[name] = it
	}
	g.loaded = true
}

// wrote records the server's answer to a successful create or update of name.
func (rc *runCache[V]) wrote(group, name string, v V) {
	rc.record(group, name, runItem[V]{value: v, exists: true})
}

// deleted records that name is gone (deleted by this client, or found gone).
func (rc *runCache[V]) deleted(group, name string) {
	rc.record(group, name, runItem[V]{})
}

// unknown records that a write of name failed or may or may not have landed: the next lookup
// asks the server.
func (rc *runCache[V]) unknown(group, name string) {
	rc.record(group, name, runItem[V]{spent: true})
}

// forget drops what the cache holds for group (the group itself was deleted or recreated). A
// list in flight lands in the forgotten entry; its waiters then list again.
func (rc *runCache[V]) forget(group string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	delete(rc.groups, group)
}

func (rc *runCache[V]) record(group, name string, it runItem[V]) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	g, ok := rc.groups[group]
	if !ok {
		return
	}
	if g.flight != nil {
		g.pending[name] = it
	}
	if g.loaded {
		g.items[name] = it
	}
}

// group returns the entry of group, creating it; rc.mu must be held.
func (rc *runCache[V]) group(name string) *runGroup[V] {
	if rc.groups == nil {
		rc.groups = map[string]*runGroup[V]{}
	}
	g, ok := rc.groups[name]
	if !ok {
		g = &runGroup[V]{}
		rc.groups[name] = g
	}
	return g
}

// listGroup returns the list of a lookup: every entity at path (POST <path>, paged), decoded
// as T, converted with conv and keyed by key.
func listGroup[T, V any](c *Client, op, kind, path string, conv func(*T) V, key func(*V) string,
) func(context.Context, func(pages int) bool) (map[string]V, error) {
	return func(ctx context.Context, worth func(pages int) bool) (map[string]V, error) {
		out := map[string]V{}
		err := c.listAllIf(ctx, op, kind, path, "", worth, func(raw json.RawMessage) error {
			var t T
			if err := json.Unmarshal(raw, &t); err != nil {
				return fmt.Errorf("decoding a %s: %w", kind, err)
			}
			v := conv(&t)
			out[key(&v)] = v
			return nil
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// fetchOne turns a GET of one object into the fetch of a lookup: ErrNotFound means absent.
func fetchOne[V any](get func(context.Context) (*V, error)) func(context.Context) (V, bool, error) {
	return func(ctx context.Context) (V, bool, error) {
		var zero V
		v, err := get(ctx)
		if errors.Is(err, ErrNotFound) {
			return zero, false, nil
		}
		if err != nil {
			return zero, false, err
		}
		return *v, true, nil
	}
}

// lookupOne runs a lookup and turns an absent object into an error matching ErrNotFound.
func lookupOne[V any](ctx context.Context, rc *runCache[V], group, name, what string,
	list func(context.Context, func(pages int) bool) (map[string]V, error), fetch func(context.Context) (V, bool, error),
) (*V, error) {
	v, exists, err := rc.lookup(ctx, group, name, list, fetch)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, fmt.Errorf("reading %s: %w", what, ErrNotFound)
	}
	return &v, nil
}
