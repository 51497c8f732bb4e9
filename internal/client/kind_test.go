package client

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// flowKind drives the typed operations of one intentful kind against its
// fake, for the tests of what the generic flow does for every kind.
type flowKind struct {
	name string
	noun string
	// start serves the kind with its fixture (fixture, its uuid) seeded,
	// unless empty.
	start   func(t *testing.T, empty bool) (*fakeKind, *Client, *recLogger)
	fixture string
	// sentVersion and readVersion are the spec_version the fixture's update
	// sends after two conflicts, and the one it reads back.
	sentVersion, readVersion string
	// create creates a valid entity and returns its uuid.
	create func(ctx context.Context, c *Client) (string, error)
	// rename reads entity id, names it name and updates it, returning the
	// name and spec_version read back.
	rename func(ctx context.Context, c *Client, id, name string) (string, int, error)
	// update updates, without reading it, the entity id ("" for none) to a
	// valid one named x.
	update func(ctx context.Context, c *Client, id string) error
	get    func(ctx context.Context, c *Client, id string) error
	delete func(c *Client, ctx context.Context, id string) error
}

var flowKinds = []flowKind{
	{
		name: "protection policy", noun: "protection rule", fixture: fixtureUUID, sentVersion: "5", readVersion: "6",
		start: func(t *testing.T, empty bool) (*fakeKind, *Client, *recLogger) {
			f := newFakeRules(t)
			if !empty {
				f.seed(ruleFixture)
			}
			c, log := f.server(t)
			return f.fakeKind, c, log
		},
		create: func(ctx context.Context, c *Client) (string, error) {
			got, err := c.CreateProtectionPolicy(ctx, seedRule(caAZ, caCluster, frAZ, frCluster))
			if got == nil {
				return "", err
			}
			return got.UUID, err
		},
		rename: func(ctx context.Context, c *Client, id, name string) (string, int, error) {
			p, err := c.GetProtectionPolicy(ctx, id)
			if err != nil {
				return "", 0, err
			}
			p.Name = name
			got, err := c.UpdateProtectionPolicy(ctx, *p)
			if err != nil {
				return "", 0, err
			}
			return got.Name, got.SpecVersion, nil
		},
		update: func(ctx context.Context, c *Client, id string) error {
			_, err := c.UpdateProtectionPolicy(ctx, ProtectionPolicy{UUID: id, Name: "x", Locations: []ProtectionLocation{{AvailabilityZoneUUID: caAZ}}})
			return err
		},
		get: func(ctx context.Context, c *Client, id string) error {
			_, err := c.GetProtectionPolicy(ctx, id)
			return err
		},
		delete: (*Client).DeleteProtectionPolicy,
	},
	{
		name: "recovery plan", noun: "recovery plan", fixture: planFixture, sentVersion: "9", readVersion: "10",
		start: func(t *testing.T, empty bool) (*fakeKind, *Client, *recLogger) {
			f := newFakePlans(t)
			if !empty {
				f.seed()
			}
			c, log := f.server(t)
			return f.fakeKind, c, log
		},
		create: func(ctx context.Context, c *Client) (string, error) {
			got, err := c.CreateRecoveryPlan(ctx, stagedPlan())
			if got == nil {
				return "", err
			}
			return got.UUID, err
		},
		rename: func(ctx context.Context, c *Client, id, name string) (string, int, error) {
			p, err := c.GetRecoveryPlan(ctx, id)
			if err != nil {
				return "", 0, err
			}
			p.Name = name
			got, err := c.UpdateRecoveryPlan(ctx, *p)
			if err != nil {
				return "", 0, err
			}
			return got.Name, got.SpecVersion, nil
		},
		update: func(ctx context.Context, c *Client, id string) error {
			_, err := c.UpdateRecoveryPlan(ctx, RecoveryPlan{UUID: id, Name: "x"})
			return err
		},
		get: func(ctx context.Context, c *Client, id string) error {
			_, err := c.GetRecoveryPlan(ctx, id)
			return err
		},
		delete: (*Client).DeleteRecoveryPlan,
	},
}

// TestKindUpdateRetriesConflicts refuses updates after a concurrent change:
// the flow reads again and sends the version it read last, and gives up
// after its attempts.
func TestKindUpdateRetriesConflicts(t *testing.T) {
	for _, k := range flowKinds {
		t.Run(k.name, func(t *testing.T) {
			f, c, _ := k.start(t, false)
			ctx := context.Background()
			f.conflicts = 2
			name, version, err := k.rename(ctx, c, k.fixture, "renamed")
			if err != nil {
				t.Fatal(err)
			}
			if len(f.puts) != 3 || name != "renamed" || jsonOf(t, version) != k.readVersion {
				t.Errorf("PUTs = %d, read back %s at version %d", len(f.puts), name, version)
			}
			if jsonOf(t, subtree(f.lastPut(t), "metadata.spec_version")) != k.sentVersion {
				t.Errorf("the last PUT did not carry the version read last")
			}
			f.conflicts = 10
			_, _, err = k.rename(ctx, c, k.fixture, "again")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || !apiErr.HasReason(ReasonConcurrentRequests) {
				t.Fatalf("error = %v, want a conflict", err)
			}
			mustContain(t, err.Error(), "updating "+k.noun+" again ("+k.fixture+")", "kept changing")
		})
	}
}

// TestKindUpdateErrors refuses an update without uuid before sending
// anything, and reports a missing entity as ErrNotFound.
func TestKindUpdateErrors(t *testing.T) {
	for _, k := range flowKinds {
		t.Run(k.name, func(t *testing.T) {
			f, c, _ := k.start(t, true)
			ctx := context.Background()
			if err := k.update(ctx, c, ""); err == nil || !strings.Contains(err.Error(), "no uuid") {
				t.Errorf("update without uuid: %v", err)
			}
			missing := "7a000000-0000-4000-8000-0000000000a7"
			if err := k.update(ctx, c, missing); !errors.Is(err, ErrNotFound) {
				t.Errorf("update of a missing %s: %v, want ErrNotFound", k.name, err)
			} else {
				mustContain(t, err.Error(), "updating "+k.noun+" x ("+missing+")")
			}
			if len(f.puts) != 0 {
				t.Errorf("%d PUTs sent", len(f.puts))
			}
		})
	}
}

// TestKindCreateDroppedAnswer loses the answer to a create that landed: the
// retry repeats the first attempt, is refused as existing, and the entity
// is there once.
func TestKindCreateDroppedAnswer(t *testing.T) {
	for _, k := range flowKinds {
		t.Run(k.name, func(t *testing.T) {
			f, c, log := k.start(t, true)
			f.dropCreates = 1
			id, err := k.create(context.Background(), c)
			if err != nil {
				t.Fatalf("create after a dropped answer: %v", err)
			}
			if len(f.posts) != 2 || len(f.stored) != 1 || !bytes.Equal(f.posts[0], f.posts[1]) {
				t.Fatalf("posts = %d, entities = %d; the retry must repeat the first attempt", len(f.posts), len(f.stored))
			}
			if f.stored[id] == nil || len(log.retries()) != 1 {
				t.Errorf("created %s, retries = %d", id, len(log.retries()))
			}
		})
	}
}

// TestKindDelete deletes through the task, then finds the entity gone.
func TestKindDelete(t *testing.T) {
	for _, k := range flowKinds {
		t.Run(k.name, func(t *testing.T) {
			f, c, _ := k.start(t, false)
			ctx := context.Background()
			if err := k.delete(c, ctx, k.fixture); err != nil {
				t.Fatal(err)
			}
			if len(f.stored) != 0 || f.tasks.polls() == 0 {
				t.Errorf("entities = %v, task polls = %d", f.stored, f.tasks.polls())
			}
			err := k.delete(c, ctx, k.fixture)
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("deleting a missing %s: %v", k.name, err)
			}
			mustContain(t, err.Error(), "deleting "+k.noun+" "+k.fixture)
			if err := k.get(ctx, c, k.fixture); !errors.Is(err, ErrNotFound) {
				t.Errorf("reading after delete: %v", err)
			}
		})
	}
}
