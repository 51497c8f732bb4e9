package v3

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Disaster recovery: POST /services/disaster_recovery enables it, GET
// /services/{service_name}/status reports it.

// serviceDR is the one service the emulator knows.
const serviceDR = "disaster_recovery"

// DRService is the state of a PC's disaster recovery service.
type DRService struct {
	Enabled  bool
	Enabling bool      // the latest request to enable it has not ended
	Task     string    // that request's task, if any
	Since    time.Time // when it was enabled
}

// DRBackend is what the v3 wire needs of a PC for disaster recovery.
type DRBackend interface {
	// EnableDR starts the task that enables disaster recovery and returns its uuid.
	EnableDR(ctx context.Context) string
	DRService() DRService
}

func init() {
	addRoutes(
		route(http.MethodPost, "/services/disaster_recovery", "disaster_recovery", handleEnableDR),
		route(http.MethodGet, "/services/{service_name}/status", "service", handleServiceStatus),
	)
}

// handleEnableDR answers POST /services/disaster_recovery.
func handleEnableDR(rq Request) (int, any, error) {
	var in struct {
		State *string `json:"state"`
	}
	if err := rq.Decode(&in); err != nil {
		return 0, nil, err
	}
	if in.State == nil {
		return 0, nil, ValidationError("state is required: send {\"state\": \"ENABLE\"}")
	}
	if *in.State != "ENABLE" {
		return 0, nil, ValidationError("state must be ENABLE, got %q (disaster recovery cannot be disabled through the API)", *in.State)
	}
	return http.StatusAccepted, map[string]string{"task_uuid": rq.PC.EnableDR(rq.Ctx())}, nil
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
func handleServiceStatus(rq Request) (int, any, error) {
	name := rq.Param("service_name")
	if len(name) > 64 {
		return 0, nil, ValidationError("path parameter service_name is longer than 64 characters")
	}
	if name != serviceDR {
		return 0, nil, Errorf(http.StatusNotFound, ReasonNotFound,
			"service %q is not known to this Prism Central (known: %s)", name, serviceDR)
	}
	withCaps := false
	if v := rq.HTTP.URL.Query().Get("include_capabilities"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return 0, nil, ValidationError("query parameter include_capabilities must be true or false, got %q", v)
		}
		withCaps = b
	}
	st := rq.PC.DRService()
	out := serviceStatusJSON{EnablementStatus: "DISABLED", TaskUUID: st.Task}
	switch {
	case st.Enabled:
		out.EnablementStatus = "ENABLED"
		out.RunningStatus = "HEALTHY"
		out.EnablementTimestamp = FormatTime(st.Since)
	case st.Enabling:
		out.EnablementStatus = "ENABLING"
		out.RunningStatus = "STARTING"
	}
	if withCaps {
		enabled := st.Enabled
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
