package prismsim

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
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

// handleEnableDR answers POST /services/disaster_recovery.
func handleEnableDR(rq *request) (int, any, error) {
	var in struct {
		State *string `json:"state"`
	}
	if err := rq.decode(&in); err != nil {
		return 0, nil, err
	}
	if in.State == nil {
		return 0, nil, validationError("state is required: send {\"state\": \"ENABLE\"}")
	}
	if *in.State != "ENABLE" {
		return 0, nil, validationError("state must be ENABLE, got %q (disaster recovery cannot be disabled through the API)", *in.State)
	}
	return http.StatusAccepted, map[string]string{"task_uuid": rq.pc.enableDR(rq.ctx())}, nil
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

// serviceStatusJSON is the spec's service_enablement_status.
type serviceStatusJSON struct {
	TaskUUID            string                       `json:"task_uuid,omitempty"`
	EnablementStatus    string                       `json:"service_enablement_status"`
	RunningStatus       string                       `json:"service_running_status,omitempty"`
	EnablementTimestamp string                       `json:"service_enablement_timestamp,omitempty"`
	Capabilities        map[string]serviceCapability `json:"service_capabilities,omitempty"`
}

type serviceCapability struct {
	State                 bool                `json:"state"`
	ValidationMessageList []validationMessage `json:"validation_message_list,omitempty"`
}

type validationMessage struct {
	ErrorDetail string `json:"error_detail"`
}

// handleServiceStatus answers GET /services/{service_name}/status for disaster_recovery;
// other services are not emulated (404).
func handleServiceStatus(rq *request) (int, any, error) {
	name := rq.param("service_name")
	if len(name) > 64 {
		return 0, nil, validationError("path parameter service_name is longer than 64 characters")
	}
	if name != serviceDR {
		return 0, nil, errorf(http.StatusNotFound, reasonNotFound,
			"service %q is not known to this Prism Central (known: %s)", name, serviceDR)
	}
	withCaps := false
	if v := rq.r.URL.Query().Get("include_capabilities"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return 0, nil, validationError("query parameter include_capabilities must be true or false, got %q", v)
		}
		withCaps = b
	}
	st := rq.pc.drState()
	out := serviceStatusJSON{EnablementStatus: "DISABLED", TaskUUID: st.task}
	switch {
	case st.enabled:
		out.EnablementStatus = "ENABLED"
		out.RunningStatus = "HEALTHY"
		out.EnablementTimestamp = formatTime(st.since)
	case st.enabling:
		out.EnablementStatus = "ENABLING"
		out.RunningStatus = "STARTING"
	}
	if withCaps {
		enabled := st.enabled
		enable := serviceCapability{State: !enabled}
		if enabled {
			enable.ValidationMessageList = []validationMessage{{ErrorDetail: "disaster recovery is already enabled"}}
		}
		out.Capabilities = map[string]serviceCapability{
			"can_enable": enable,
			"can_disable": {State: false, ValidationMessageList: []validationMessage{
				{ErrorDetail: "disaster recovery cannot be disabled through the API"}}},
		}
	}
	return http.StatusOK, out, nil
}

func init() {
	registerAPI(http.MethodPost, "/services/disaster_recovery", "disaster_recovery", handleEnableDR)
	registerAPI(http.MethodGet, "/services/{service_name}/status", "service", handleServiceStatus)
}
