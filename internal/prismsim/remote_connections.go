package prismsim

// Remote connections. Pairing creates one on each side: the channel the availability zone
// of the peer uses (its status.resources.credentials.pc.remote_connection_reference) and
// the cloud trust refers to. They are read-only (GET and list). When the peer is down,
// status.message_list has a REMOTE_CLUSTER_NOT_CONNECTED message.

// rcData is what a remote connection is, beyond its spec.
type rcData struct {
	peer string // name in the world of the peer PC
}

var rcKind = &kindSpec{
	name:    "remote_connection",
	plural:  "remote_connections",
	opName:  "RemoteConnection",
	prepare: prepareByName,
	status: func(pc *PC, e *entity) map[string]any {
		spec := decodeObject(e.current().spec)
		status := map[string]any{"name": e.current().name, "description": spec["description"], "resources": spec["resources"]}
		if msgs := peerMessages(pc, rcInfo(e).peer); msgs != nil {
			status["message_list"] = msgs
		}
		return status
	},
	attrs: func(_ *PC, e *entity) map[string][]string {
		return map[string][]string{"name": {e.current().name}}
	},
	known: []string{"name"},
}

func rcInfo(e *entity) rcData {
	d, _ := e.data.(rcData)
	return d
}

func init() {
	registerKind(rcKind)
}

// remoteConnectionSpec is the spec of this PC's remote connection to peer.
func remoteConnectionSpec(pc, peer *PC, peerRC string, initiator bool) map[string]any {
	role := "ACCEPTOR"
	if initiator {
		role = "INITIATOR"
	}
	return map[string]any{
		"name":        "PC_" + peer.AdvertisedIP(),
		"description": "Connection to Prism Central " + peer.AdvertisedIP(),
		"resources": map[string]any{
			"role":           role,
			"remote_address": map[string]any{"ip": peer.AdvertisedIP(), "port": defaultPCPort},
			"local_connection_info": map[string]any{
				"cluster_uuid":     pc.uuid,
				"cluster_function": "PRISM_CENTRAL",
			},
			"remote_connection_info": map[string]any{
				"cluster_uuid":                peer.uuid,
				"cluster_function":            "PRISM_CENTRAL",
				"peer_remote_connection_uuid": peerRC,
			},
		},
	}
}
