package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Disaster recovery service states of GET /services/disaster_recovery/status
// (service_enablement_status).
const (
	ServiceDisabled  = "DISABLED"
	ServiceEnabling  = "ENABLING"
	ServiceEnabled   = "ENABLED"
	ServiceDisabling = "DISABLING"
)

const (
	// Path of the disaster recovery (Leap) service.
	disasterRecoveryPath = "/services/disaster_recovery"
	// The only state the API accepts for the service.
	serviceEnable = "ENABLE"
)

// ServiceStatus is the enablement status of a Prism Central service.
type ServiceStatus struct {
	// Enablement is DISABLED, ENABLING, ENABLED or DISABLING.
	Enablement string
	// Running is STARTING, HEALTHY, UNHEALTHY or UPGRADING, when reported.
	Running string
	// TaskUUID is the task of the last enablement, when reported.
	TaskUUID string
}

type serviceResponseJSON struct {
	TaskUUID taskUUIDs `json:"task_uuid"`
}

// looksLikeV3 accepts any JSON object: the answer may legitimately carry
// no task (an enablement that had nothing to do).
func (r *serviceResponseJSON) looksLikeV3() bool { return true }

type serviceStatusJSON struct {
	TaskUUID                string `json:"task_uuid"`
	ServiceEnablementStatus string `json:"service_enablement_status"`
	ServiceRunningStatus    string `json:"service_running_status"`
}

func (s *serviceStatusJSON) looksLikeV3() bool { return s.ServiceEnablementStatus != "" }

// EnableDisasterRecovery enables disaster recovery (Leap) on the Prism
// Central and waits until it is enabled; Prism Central then has a Local
// availability zone. Enabling it again is harmless: the API has no disable
// and a second enablement succeeds without change, so the request is
// repeated after a lost answer. Over v4 it is the domain manager's product
// NUTANIX_DISASTER_RECOVERY (v4_disaster_recovery.go).
func (c *Client) EnableDisasterRecovery(ctx context.Context) error {
	op := "enabling disaster recovery on " + c.endpoint
	if c.wire(ctx, KindDisasterRecovery) == WireV4 {
		return c.enableDisasterRecoveryV4(ctx, op)
	}
	var resp serviceResponseJSON
	_, err := c.send(ctx, call{
		op: op, method: http.MethodPost, path: disasterRecoveryPath,
		in: map[string]string{"state": serviceEnable}, out: &resp, idempotent: true,
	})
	if err != nil {
		return err
	}
	if task := resp.TaskUUID.first(); task != "" {
		_, err := c.WaitForTask(ctx, task, op, nil)
		return err
	}
	// No task: the service was enabled already, or the server does not say.
	// The Local availability zone tells.
	if _, err := c.LocalAvailabilityZone(ctx); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%s: Prism Central accepted the request without a task and has no Local availability zone: check the disaster recovery service in Prism Central", op)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// DisasterRecoveryStatus reads the enablement status of the disaster
// recovery service (GET /services/disaster_recovery/status; over v4, the
// product's enablementState, ENABLED or DISABLED: v4_disaster_recovery.go).
func (c *Client) DisasterRecoveryStatus(ctx context.Context) (*ServiceStatus, error) {
	op := "reading the disaster recovery status of " + c.endpoint
	if c.wire(ctx, KindDisasterRecovery) == WireV4 {
		return c.disasterRecoveryStatusV4(ctx, op)
	}
	var st serviceStatusJSON
	if err := c.do(ctx, op, http.MethodGet, disasterRecoveryPath+"/status", nil, &st); err != nil {
		return nil, err
	}
	return &ServiceStatus{Enablement: st.ServiceEnablementStatus, Running: st.ServiceRunningStatus, TaskUUID: st.TaskUUID}, nil
}
