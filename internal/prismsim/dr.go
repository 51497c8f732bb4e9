package prismsim

import (
	"context"
	"fmt"
	"time"

	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// Disaster recovery ("Leap"). POST /services/disaster_recovery {"state": "ENABLE"} answers
// 202 {"task_uuid"}; the task creates the Local availability zone. Enabling again succeeds
// (the task changes nothing). The spec has no way to disable it. GET
// /services/disaster_recovery/status reports DISABLED, ENABLING or ENABLED.

const (
	serviceDR = "disaster_recovery"
	// The reason drRequired gives to kinds other than pairing. Which
	// reason a real Prism Central gives is UNCONFIRMED; INVALID_REQUEST says the request
	// cannot succeed as the PC is configured, and is not retried by clients.
	reasonDRDisabled = reasonInvalidRequest
)

// drRequired is the model's refusal of an action that needs disaster recovery while it is
// not enabled, with the condition code (reasonDRDisabled when empty); nil when it is.
func (pc *PC) drRequired(code, action string) *modelError {
	if pc.drEnabled.Load() {
		return nil
	}
	if code == "" {
		code = reasonDRDisabled
	}
	return &modelError{
		Kind: errPrecondition,
		Code: code,
		Message: fmt.Sprintf("disaster recovery is not enabled on this Prism Central (%s): enable it first "+
			"(POST /services/disaster_recovery {\"state\": \"ENABLE\"}) before %s", pc.AdvertisedIP(), action),
		Details: map[string]string{"service": serviceDR},
	}
}

// localAZLocked returns the PC's Local availability zone, or nil.
func (pc *PC) localAZLocked() *entity {
	for _, e := range pc.entitiesLocked(azKind) {
		if azInfo(e).local {
			return e
		}
	}
	return nil
}

// enableDRLocked enables disaster recovery: it creates the Local availability zone unless
// it exists, and returns it.
func (pc *PC) enableDRLocked() (*entity, error) {
	if az := pc.localAZLocked(); az != nil {
		return az, nil
	}
	resources := map[string]any{
		"management_plane_type": azTypeLocal,
		"management_url":        pc.AdvertisedIP(),
	}
	if pc.Region() != "" {
		resources["region"] = pc.Region()
	}
	spec := map[string]any{"name": localAZName, "resources": resources}
	az, err := pc.newSettledEntityLocked(azKind, "", spec, azData{local: true})
	if err != nil {
		return nil, err
	}
	pc.drSince = pc.w.clock.Now()
	pc.drEnabled.Store(true)
	return az, nil
}

// enableDR starts the task that enables disaster recovery and returns its uuid.
func (pc *PC) enableDR(ctx context.Context) string {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var t *task
	t = pc.startTask(ctx, "EnableDisasterRecovery", nil, taskWork{
		run: func() error {
			az, err := pc.enableDRLocked()
			if err != nil {
				return err
			}
			t.refs = []reference{az.ref()}
			return nil
		},
	})
	pc.drTask = t
	return t.uuid
}

// drStatus is the state of the disaster recovery service of a PC.
type drStatus struct {
	enabled  bool
	enabling bool      // the latest request to enable it has not ended
	task     string    // that request's task, if any
	since    time.Time // when it was enabled
}

// drState returns the state of the disaster recovery service.
func (pc *PC) drState() drStatus {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	st := drStatus{enabled: pc.drEnabled.Load(), since: pc.drSince}
	if pc.drTask != nil {
		st.task = pc.drTask.uuid
		st.enabling = !pc.drTask.done()
	}
	return st
}

// EnableDR implements v3.Backend.
func (pc *PC) EnableDR(ctx context.Context) string { return pc.enableDR(ctx) }

// DRService implements v3.Backend.
func (pc *PC) DRService() v3.DRService {
	st := pc.drState()
	return v3.DRService{Enabled: st.enabled, Enabling: st.enabling, Task: st.task, Since: st.since}
}
