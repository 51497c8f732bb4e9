package prismsim

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// Pairing over v4 (v4.PairingBackend): $actions/register and $actions/unregister call the
// same model as v3's cloud trusts (PC.pair, PC.unpair), so that a pairing made over one
// wire is seen, and can be undone, through the other. A registration is a cloud trust: its
// extId is the trust's uuid (an ASSUMPTION: tools/prismsim/README.md, "v4").

// Register implements v4.PairingBackend: the model's pairing with the PC at r.Address, under
// a new trust named PC_<remote address>, as v3 names the trusts it makes. It answers the
// pairing task; refusals are the model's (the task fails when the remote is unreachable,
// refuses the credentials, or is already paired).
func (pc *PC) Register(ctx context.Context, r v4.RegisterRequest) (string, error) {
	if r.CloudType != cloudTypeOnPrem {
		return "", &modelError{Kind: errInvalid, Field: "remoteCluster.cloudType",
			Message: "cloudType " + r.CloudType + " is not supported here: only " + cloudTypeOnPrem + " (pairing with another Prism Central) is"}
	}
	host, port, err := model.ParseRemoteAddress(r.Address)
	if err != nil {
		return "", &modelError{Kind: errInvalid, Field: "remoteCluster.remoteCluster.address",
			Message: "address " + r.Address + ": " + err.Error()}
	}
	spec, err := json.Marshal(map[string]any{"resources": map[string]any{
		"url": r.Address, "username": r.Username, "cloud_type": r.CloudType,
	}})
	if err != nil {
		return "", err
	}
	in := trustInput{
		id: newUUID(), intent: &snapshot{spec: spec, updated: pc.w.clock.Now()},
		url: r.Address, username: r.Username, password: r.Password, cloudType: r.CloudType,
		host: host, port: port,
	}
	var taskID string
	err = pc.pair(ctx, in, func(_ *entity, t *task) { taskID = t.uuid })
	return taskID, err
}

// Unregister implements v4.PairingBackend: the model's unpairing of the trust with the PC
// whose domain manager (uuid) is remoteExtID.
func (pc *PC) Unregister(ctx context.Context, remoteExtID string) (string, error) {
	pc.mu.Lock()
	id := ""
	for _, e := range pc.entitiesLocked(ctKind) {
		if peer := pc.w.PC(ctInfo(e).peer); peer != nil && strings.EqualFold(peer.UUID(), remoteExtID) {
			id = e.uuid
		}
	}
	pc.mu.Unlock()
	if id == "" {
		return "", &modelError{Kind: errNotFound, Entity: "registration", ID: remoteExtID, Field: "extId",
			Message: "this Prism Central has no registration with domain manager " + remoteExtID}
	}
	var taskID string
	err := pc.unpair(ctx, id, func(_ *entity, t *task) { taskID = t.uuid })
	return taskID, err
}
