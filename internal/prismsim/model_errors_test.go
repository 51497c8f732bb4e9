package prismsim

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// The v3 wire answers model errors as the v3 helpers did before the model had errors of
// its own: the split into a model and wires changes no v3 answer.
func TestV3ErrorOfModelErrors(t *testing.T) {
	cases := []struct {
		name string
		got  error
		want *apiError
	}{
		{"not found", &modelError{Kind: errNotFound, Entity: "cloud_trust", ID: "x", Message: "cloud_trust x was not found"},
			notFound("cloud_trust", "x")},
		{"exists", &modelError{Kind: errExists, Entity: "vm", ID: "x", Message: "vm with uuid x already exists"},
			&apiError{Status: http.StatusConflict, Reason: reasonAlreadyExists, Message: "vm with uuid x already exists",
				Details: map[string]string{"uuid": "x"}}},
		{"conflict", failf(errConflict, "", "busy"), errorf(http.StatusConflict, reasonConcurrent, "busy")},
		{"conflict with a code", failf(errConflict, condCloudTrustExists, "paired"), errorf(http.StatusConflict, reasonCloudTrustExists, "paired")},
		{"invalid", failf(errInvalid, "", "bad"), invalidArgument("bad")},
		{"unauthorized", failf(errUnauthorized, condPairingFailed, "no"), errorf(http.StatusUnauthorized, reasonPairingFailed, "no")},
		{"unavailable", failf(errUnavailable, condRemoteNotConnected, "down"), errorf(http.StatusServiceUnavailable, reasonRemoteNotConnected, "down")},
		{"api error as is", validationError("v"), validationError("v")},
		{"other", errors.New("boom"), errorf(http.StatusInternalServerError, reasonInternal, "boom")},
	}
	for _, c := range cases {
		if got := v3Error(c.got); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: v3Error = %#v, want %#v", c.name, got, c.want)
		}
	}
}

// The model's pairing takes typed arguments and answers typed errors, without a wire.
func TestPairModelErrors(t *testing.T) {
	noView := func(*entity, *task) { t.Fatal("a refused pairing must not be viewed") }
	var me *modelError
	off := startWorld(t, nil).PCs()
	in := trustInput{id: newUUID(), intent: &snapshot{}, url: off[1].AdvertisedIP(), host: off[1].AdvertisedIP(),
		username: off[1].Username(), password: off[1].Password(), cloudType: cloudTypeOnPrem}
	err := off[0].pair(context.Background(), in, noView)
	if !errors.As(err, &me) || me.Kind != errPrecondition || me.Code != condPairingFailed {
		t.Fatalf("pairing without disaster recovery: %v, want errPrecondition %s", err, condPairingFailed)
	}

	w := startWorld(t, func(cfg *WorldConfig) {
		// The pairing task must not end while the test looks at the pending trust.
		cfg.Settings.TaskLatency = Duration(time.Hour)
		for i := range cfg.PCs {
			cfg.PCs[i].DREnabled = true
		}
	})
	a, b := w.PCs()[0], w.PCs()[1]
	in.url, in.host, in.username, in.password = b.AdvertisedIP(), b.AdvertisedIP(), b.Username(), b.Password()
	var viewed *entity
	if err := a.pair(context.Background(), in, func(e *entity, _ *task) { viewed = e }); err != nil {
		t.Fatalf("pair: %v", err)
	}
	if viewed == nil || viewed.uuid != in.id || viewed.pending != 1 {
		t.Fatalf("the accepted trust was not viewed PENDING: %+v", viewed)
	}
	err = a.pair(context.Background(), in, noView)
	if !errors.As(err, &me) || me.Kind != errExists || me.ID != in.id {
		t.Fatalf("pairing again with the same uuid: %v, want errExists", err)
	}
	err = a.unpair(context.Background(), newUUID(), noView)
	if !errors.As(err, &me) || me.Kind != errNotFound || me.Entity != ctKind.name {
		t.Fatalf("unpairing an unknown trust: %v, want errNotFound", err)
	}
	err = a.unpair(context.Background(), in.id, noView)
	if !errors.As(err, &me) || me.Kind != errConflict {
		t.Fatalf("unpairing a trust being created: %v, want errConflict", err)
	}
}
