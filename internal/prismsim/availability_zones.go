package prismsim

import (
	"fmt"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// Availability zones. Enabling disaster recovery creates the PC's Local AZ ("Local AZ",
// management_plane_type Local); pairing through /cloud_trusts creates, on each side, an AZ
// of type PC named PC_<advertised IP of the peer>. They are read-only through
// /availability_zones: creating, changing or deleting one directly is refused.
//
// The spec's availability_zone_def_status has no field for connectivity. When the peer of
// a PC availability zone is down, its status carries a message_list (the field the spec's
// remote_connection_def_status has for this) with reason REMOTE_CLUSTER_NOT_CONNECTED; a
// reachable AZ has no message_list. status.state keeps its usual meaning (COMPLETE).

const (
	localAZName = "Local AZ"
	azTypeLocal = "Local"
	azTypePC    = "PC"
	// The port Prism Central listens on.
	defaultPCPort = 9440
)

// azData is what an availability zone is, beyond its spec.
type azData struct {
	local bool
	peer  string // name in the world of the paired PC, for type PC
	rc    string // uuid of the remote connection to the peer
}

func azInfo(e *entity) azData {
	d, _ := e.data.(azData)
	return d
}

var azKind = &kindSpec{
	name:    "availability_zone",
	plural:  "availability_zones",
	opName:  "AvailabilityZone",
	prepare: prepareByName,
	status:  azStatus,
	attrs: func(_ *PC, e *entity) map[string][]string {
		res, _ := decodeObject(e.current().spec)["resources"].(map[string]any)
		attrs := map[string][]string{"name": {e.current().name}}
		for _, f := range []string{"management_plane_type", "management_url", "region"} {
			if s, ok := res[f].(string); ok {
				attrs[f] = []string{s}
			}
		}
		return attrs
	},
	known: []string{"name", "management_plane_type", "management_url", "region"},
}

func init() {
	registerKind(azKind)
}

// prepareByName takes an entity's name from spec.name.
func prepareByName(_ *PC, _ *entity, in *snapshot) *modelError {
	var spec struct {
		Name string `json:"name"`
	}
	if err := decodeStrictTypes(in.spec, &spec); err != nil {
		return malformed("spec: %v", err)
	}
	in.name = spec.Name
	return nil
}

// azStatus renders the spec's availability_zone_def_status.
func azStatus(pc *PC, e *entity) map[string]any {
	cur := e.current()
	res, _ := decodeObject(cur.spec)["resources"].(map[string]any)
	if res == nil {
		res = map[string]any{}
	}
	status := map[string]any{"name": cur.name, "resources": res}
	if msgs := peerMessages(pc, azInfo(e).peer); msgs != nil {
		status["message_list"] = msgs
	}
	return status
}

// peerMessages reports a peer that is down, as message_list items; nil when it is up.
func peerMessages(pc *PC, peerName string) []messageItem {
	if peerName == "" {
		return nil
	}
	peer := pc.w.PC(peerName)
	if peer == nil || !peer.Down() {
		return nil
	}
	return []messageItem{{
		Reason: reasonRemoteNotConnected,
		Message: fmt.Sprintf("Prism Central %s (availability zone PC_%s) is unreachable: its site does not answer",
			peer.AdvertisedIP(), peer.AdvertisedIP()),
		Details: map[string]string{"remote_address": peer.AdvertisedIP()},
	}}
}

// AvailabilityZone implements v3.Backend.
func (pc *PC) AvailabilityZone(id string) (v3.AvailabilityZone, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e := pc.entityLocked(azKind, id)
	if e == nil {
		return v3.AvailabilityZone{}, notFoundError(azKind.name, id)
	}
	d := azInfo(e)
	out := v3.AvailabilityZone{Name: e.current().name, Local: d.local}
	if ct := pc.trustWithLocked(d.peer); ct != nil {
		out.Trust = ct.uuid
	}
	return out, nil
}
