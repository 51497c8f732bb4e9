package prismsim

import (
	"context"
	"encoding/json"
	"fmt"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// Cloud trusts: pairing with another Prism Central of the same world.
//
// POST /cloud_trusts {metadata: {kind: cloud_trust, uuid?}, spec: {name?, description?,
// resources: {url, username, password, cloud_type}}} answers 202 with the trust (PENDING)
// and its task. The password is checked against the remote PC and then forgotten: GET and
// list never show it, and recorded request bodies show it as "****".
//
// url is an IP or host, optionally with https:// and a port. It names a PC of the world by
// its advertised IP (no port, :9440 or its listen port) or as 127.0.0.1 / localhost with
// its listen port.
//
// Refused at once (no trust, no task):
//   - 422 VALIDATION_ERROR: a missing or malformed field (url, username, password,
//     cloud_type outside the spec's enum, name longer than 64 characters...).
//   - 422 INVALID_ARGUMENT: cloud_type other than ONPREM_CLOUD (only PC-to-PC is emulated).
//   - 422 PAIRING_FAILED: disaster recovery is not enabled on this PC.
//   - 409 ENTITY_ALREADY_EXISTS: metadata.uuid names an existing entity.
//
// Otherwise the task decides, and a failed task leaves nothing on either side
// (error_code, error_detail):
//   - REMOTE_CLUSTER_NOT_CONNECTED: nothing of the world answers at url, or its site is down.
//   - PAIRING_FAILED: url is this PC itself; the remote credentials are wrong; disaster
//     recovery is not enabled on the remote PC.
//   - CLOUD_TRUST_EXISTS: this PC, or the remote one, already has a trust with the other
//     (or a pairing between them is in progress).
//
// A successful task creates on this PC the availability zone PC_<remote advertised IP>
// and a remote connection, and commits the trust; on the remote PC it creates the same
// three entities naming this PC (PC_<this advertised IP>), so that either side can unpair.
// The task's entity_reference_list names the cloud_trust and this side's availability_zone.
//
// DELETE /cloud_trusts/{uuid} answers 202 with a task that removes the trust, the AZ and
// the remote connection on both sides. When the remote PC is down, its side is removed
// when its site comes back up.

// cloudTypeOnPrem is the cloud_type of a pairing with another Prism Central, the only one
// the model pairs.
const cloudTypeOnPrem = "ONPREM_CLOUD"

// ctData is what a cloud trust is, beyond its spec: the peer and the entities of this side
// that came with the pairing.
type ctData struct {
	peer string // name in the world of the paired PC; "" while unresolved
	az   string // this side's availability zone of the peer
	rc   string // this side's remote connection to the peer
}

func ctInfo(e *entity) ctData {
	d, _ := e.data.(ctData)
	return d
}

var ctKind = &kindSpec{
	name:    "cloud_trust",
	plural:  "cloud_trusts",
	opName:  "CloudTrust",
	prepare: prepareByName,
	status:  ctStatus,
	attrs: func(_ *PC, e *entity) map[string][]string {
		res, _ := decodeObject(e.current().spec)["resources"].(map[string]any)
		attrs := map[string][]string{"name": {e.current().name}}
		for _, f := range []string{"url", "cloud_type"} {
			if s, ok := res[f].(string); ok {
				attrs[f] = []string{s}
			}
		}
		return attrs
	},
	known: []string{"name", "url", "cloud_type"},
}

func init() {
	registerKind(ctKind)
}

// ctStatus renders the spec's cloud_trust_def_status (resources is a cloud_trust_response).
func ctStatus(pc *PC, e *entity) map[string]any {
	cur := e.current()
	spec := decodeObject(cur.spec)
	res, _ := spec["resources"].(map[string]any)
	if res == nil {
		res = map[string]any{}
	}
	delete(res, "password")
	d := ctInfo(e)
	rcName := ""
	if peer := pc.w.PC(d.peer); peer != nil {
		rcName = "PC_" + peer.AdvertisedIP()
	}
	res["remote_connection_reference"] = reference{Kind: rcKind.name, UUID: d.rc, Name: rcName}
	status := map[string]any{"name": cur.name, "resources": res}
	if desc, ok := spec["description"]; ok {
		status["description"] = desc
	}
	return status
}

// trustInput is a checked pairing request: the typed arguments of PC.pair.
type trustInput struct {
	id        string    // the trust's uuid
	intent    *snapshot // the trust as stored, its spec without the password
	name      string    // "" names the trust PC_<remote address>
	url       string
	username  string
	password  string
	cloudType string
	host      string
	port      int // 0 when url has none
}

// pcAt returns the PC of the world that answers at host:port (port 0 means 9440): a PC's
// advertised IP with no port, 9440 or its listen port, or a loopback name with its listen
// port. It returns nil when none does.
func (w *World) pcAt(host string, port int) *PC {
	loopback := host == "127.0.0.1" || host == "localhost" || host == "::1"
	for _, pc := range w.pcs {
		switch {
		case host == pc.AdvertisedIP() && (port == 0 || port == defaultPCPort || port == pc.Port()):
			return pc
		case loopback && (port == pc.Port() || (port == 0 && pc.Port() == defaultPCPort)):
			return pc
		}
	}
	return nil
}

// trustWithLocked returns this PC's cloud trust with the named peer, or nil.
func (pc *PC) trustWithLocked(peer string) *entity {
	if peer == "" {
		return nil
	}
	for _, e := range pc.entitiesLocked(ctKind) {
		if ctInfo(e).peer == peer {
			return e
		}
	}
	return nil
}

// withoutPassword returns a cloud trust spec with resources.password removed.
func withoutPassword(spec json.RawMessage) json.RawMessage {
	m := decodeObject(spec)
	res, ok := m["resources"].(map[string]any)
	if !ok {
		return spec
	}
	delete(res, "password")
	out, err := json.Marshal(m)
	if err != nil {
		return spec
	}
	return out
}

func unreachable(url string) *modelError {
	return failf(errUnavailable, condRemoteNotConnected,
		"remote Prism Central %s is unreachable: nothing answers at that address; check the address and that the remote Prism Central is up", url)
}

// pair is the model of a pairing request: it refuses at once what cannot be accepted (an
// existing uuid, disaster recovery not enabled), else records the trust PENDING and starts
// the task that pairs both sides, or fails with the refusal known now (unreachable address,
// this PC itself, an existing or pending pairing). It takes the PC's mutex.
func (pc *PC) pair(ctx context.Context, in trustInput, view acceptedView) error {
	w := pc.w
	snap := in.intent
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if existing := pc.findEntityLocked(in.id); existing != nil {
		return &modelError{Kind: errExists, Entity: existing.kind.name, ID: in.id,
			Message: fmt.Sprintf("%s with uuid %s already exists", existing.kind.name, in.id)}
	}
	if me := pc.drRequired(condPairingFailed, "pairing with another Prism Central"); me != nil {
		return me
	}
	remote := w.pcAt(in.host, in.port)
	// refusal is the task's failure when it is known now; the remote side is asked only
	// when there is none.
	var refusal *modelError
	switch remote {
	case nil:
		refusal = unreachable(in.url)
	case pc:
		refusal = failf(errInvalid, condPairingFailed,
			"cannot pair a Prism Central with itself: %s is this Prism Central (%s)", in.url, pc.AdvertisedIP())
		refusal.Field = "url"
	default:
		if ct := pc.trustWithLocked(remote.Name()); ct != nil {
			refusal = failf(errConflict, condCloudTrustExists,
				"this Prism Central is already paired with %s (cloud trust %s, availability zone PC_%s): unpair first to pair again",
				remote.AdvertisedIP(), ct.uuid, remote.AdvertisedIP())
		} else if pc.pairing[remote.Name()] {
			refusal = failf(errConflict, condCloudTrustExists,
				"a pairing with %s is already in progress on this Prism Central", remote.AdvertisedIP())
		}
	}
	name := in.name
	if name == "" {
		name = "PC_" + in.host
		if remote != nil {
			name = "PC_" + remote.AdvertisedIP()
		}
	}
	snap.name = name
	d := ctData{az: newUUID(), rc: newUUID()}
	if refusal == nil {
		d.peer = remote.Name()
		pc.pairing[remote.Name()] = true
	}
	remoteSide := pairIDs{ct: newUUID(), az: newUUID(), rc: newUUID()}
	e := &entity{kind: ctKind, uuid: in.id, created: snap.updated, intent: snap, pending: 1, data: d}
	pc.addEntityLocked(e)
	username, password := in.username, in.password
	var t *task
	t = pc.startTask(ctx, ctKind.opName+"Create", []reference{e.ref()}, taskWork{
		unlocked: func() error {
			if refusal != nil {
				return refusal
			}
			return remote.acceptPairing(pc, username, password, remoteSide, d.rc)
		},
		run: func() error {
			delete(pc.pairing, remote.Name())
			az, err := pc.addPairingLocked(remote, pairIDs{az: d.az, rc: d.rc}, remoteSide.rc, true)
			if err != nil {
				// Not expected: the remote side exists already, take it back.
				w.goBackground(func(context.Context) { remote.dropPairing(pc.Name()) })
				return err
			}
			e.pending--
			e.committed = snap
			t.refs = append(t.refs, az.ref())
			return nil
		},
		abandon: func() {
			if refusal == nil {
				delete(pc.pairing, remote.Name())
			}
			e.pending--
			pc.removeEntityLocked(e)
		},
	})
	e.task = t.uuid
	view(e, t)
	return nil
}

// pairIDs are the UUIDs of one side's entities of a pairing.
type pairIDs struct {
	ct string
	az string
	rc string
}

// acceptPairing is the remote side of a pairing requested by from: it checks that the site
// answers, the credentials, disaster recovery and that the PCs are not paired yet, then
// creates its cloud trust, availability zone and remote connection naming from. The
// argument fromRC is from's remote connection. It takes only pc's mutex.
func (pc *PC) acceptPairing(from *PC, username, password string, ids pairIDs, fromRC string) error {
	if pc.Down() {
		return unreachable(pc.AdvertisedIP())
	}
	if !pc.credentialsMatch(username, password) {
		return failf(errUnauthorized, condPairingFailed,
			"authentication failed on remote Prism Central %s for user %q: check the remote username and password",
			pc.AdvertisedIP(), username)
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if !pc.DREnabled() {
		return failf(errPrecondition, condPairingFailed,
			"disaster recovery is not enabled on the remote Prism Central %s: enable it there first", pc.AdvertisedIP())
	}
	if ct := pc.trustWithLocked(from.Name()); ct != nil || pc.pairing[from.Name()] {
		return failf(errConflict, condCloudTrustExists,
			"the remote Prism Central %s already has a cloud trust (or a pairing in progress) with this one (%s)",
			pc.AdvertisedIP(), from.AdvertisedIP())
	}
	if _, err := pc.addPairingLocked(from, ids, fromRC, false); err != nil {
		return err
	}
	spec := map[string]any{
		"name": "PC_" + from.AdvertisedIP(),
		"resources": map[string]any{
			"url":        from.AdvertisedIP(),
			"cloud_type": cloudTypeOnPrem,
		},
	}
	if _, err := pc.newSettledEntityLocked(ctKind, ids.ct, spec, ctData{peer: from.Name(), az: ids.az, rc: ids.rc}); err != nil {
		pc.removePairingLocked(from.Name())
		return err
	}
	return nil
}

// addPairingLocked creates this side's remote connection and availability zone of peer,
// and returns the availability zone. The argument peerRC is the peer's remote connection.
func (pc *PC) addPairingLocked(peer *PC, ids pairIDs, peerRC string, initiator bool) (*entity, error) {
	rc, err := pc.newSettledEntityLocked(rcKind, ids.rc, remoteConnectionSpec(pc, peer, peerRC, initiator), rcData{peer: peer.Name()})
	if err != nil {
		return nil, err
	}
	resources := map[string]any{
		"management_plane_type": azTypePC,
		"management_url":        peer.AdvertisedIP(),
		"credentials": map[string]any{"pc": map[string]any{
			"remote_connection_reference": reference{Kind: rcKind.name, UUID: rc.uuid, Name: rc.current().name},
		}},
	}
	if peer.Region() != "" {
		resources["region"] = peer.Region()
	}
	spec := map[string]any{"name": "PC_" + peer.AdvertisedIP(), "resources": resources}
	az, err := pc.newSettledEntityLocked(azKind, ids.az, spec, azData{peer: peer.Name(), rc: rc.uuid})
	if err != nil {
		pc.removeEntityLocked(rc)
		return nil, err
	}
	return az, nil
}

// removePairingLocked removes this PC's cloud trusts, availability zones and remote
// connections of peer.
func (pc *PC) removePairingLocked(peer string) {
	for _, e := range pc.entitiesLocked(ctKind) {
		if ctInfo(e).peer == peer {
			pc.removeEntityLocked(e)
		}
	}
	for _, e := range pc.entitiesLocked(azKind) {
		if azInfo(e).peer == peer {
			pc.removeEntityLocked(e)
		}
	}
	for _, e := range pc.entitiesLocked(rcKind) {
		if rcInfo(e).peer == peer {
			pc.removeEntityLocked(e)
		}
	}
}

// dropPairing removes this PC's side of its pairing with peer, which unpaired. When the
// site is down, the removal waits until it is up again (SiteUp).
func (pc *PC) dropPairing(peer string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.Down() {
		pc.pendingUnpair[peer] = true
		return
	}
	pc.removePairingLocked(peer)
}

// unpair is the model of removing a cloud trust: it starts the task that removes the trust,
// the availability zone and the remote connection on both sides (the peer's side when it
// comes back, if it is down). It takes the PC's mutex.
func (pc *PC) unpair(ctx context.Context, id string, view acceptedView) error {
	w := pc.w
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e := pc.entityLocked(ctKind, id)
	if e == nil {
		return &modelError{Kind: errNotFound, Entity: ctKind.name, ID: id, Message: fmt.Sprintf("%s %s was not found", ctKind.name, id)}
	}
	if e.deleting {
		return &modelError{Kind: errConflict, Entity: ctKind.name, ID: id, Message: fmt.Sprintf("cloud trust %s is already being deleted", id)}
	}
	if e.committed == nil {
		return &modelError{Kind: errConflict, Entity: ctKind.name, ID: id,
			Message: fmt.Sprintf("cloud trust %s is still being created: wait for its task, then delete it", id)}
	}
	d := ctInfo(e)
	e.deleting = true
	e.pending++
	t := pc.startTask(ctx, ctKind.opName+"Delete", []reference{e.ref()}, taskWork{
		unlocked: func() error {
			if peer := w.PC(d.peer); peer != nil {
				peer.dropPairing(pc.Name())
			}
			return nil
		},
		run: func() error {
			e.pending--
			pc.removePairingLocked(d.peer)
			pc.removeEntityLocked(e)
			return nil
		},
		abandon: func() {
			e.pending--
			e.deleting = false
		},
	})
	e.task = t.uuid
	view(e, t)
	return nil
}

// Pair implements v3.Backend: the pairing request r, with the trust's uuid id and its
// intent as sent (the model stores it without the password).
func (pc *PC) Pair(ctx context.Context, id string, r v3.TrustRequest, in v3.Intent) (v3.Entity, error) {
	snap := pc.snapshotOf(in)
	snap.spec = withoutPassword(snap.spec)
	ti := trustInput{id: id, intent: snap, name: r.Name, url: r.URL, username: r.Username, password: r.Password,
		cloudType: r.CloudType, host: r.Host, port: r.Port}
	var out v3.Entity
	err := pc.pair(ctx, ti, func(e *entity, _ *task) { out = pc.v3EntityLocked(e) })
	return out, err
}

// Unpair implements v3.Backend.
func (pc *PC) Unpair(ctx context.Context, id string) (v3.Entity, error) {
	var out v3.Entity
	err := pc.unpair(ctx, id, func(e *entity, _ *task) { out = pc.v3EntityLocked(e) })
	return out, err
}
