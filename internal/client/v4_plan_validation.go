package client

import (
	"context"
	"errors"
	"fmt"
)

// A recovery plan's validation over v4. A v3 plan carries its validation in its status
// (status.message_list, computed when it is read); a v4 RecoveryPlan has no status: the v4
// way to learn what Prism Central finds is the validate action (dataprotection v4.3,
// $actions/validate), a VALIDATE job whose /validation-errors are the findings
// (internal/apispec/v4/README.md). A read does not start jobs by itself: a plan read over
// v4 has ValidationUnshown set, and RecoveryPlanValidation runs the action for callers that
// show the validation (the nutanixdr_recovery_plan data source).

// RecoveryPlanValidation returns what Prism Central finds of plan p: p.Validation as read,
// or, for a plan read over v4 (ValidationUnshown), the findings of a validate action from
// the plan's primary location to its recovery location. The VALIDATE job is deleted once
// read, so that reading leaves no job behind.
func (c *Client) RecoveryPlanValidation(ctx context.Context, p *RecoveryPlan) ([]RecoveryPlanMessage, error) {
	if !p.ValidationUnshown {
		return p.Validation, nil
	}
	op := "validating recovery plan " + p.Name
	zones, err := v4PlanZones(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	in := FailoverInput{RecoveryPlanUUID: p.UUID, ActionType: JobActionValidate,
		FailedAZUUID: zones[0].AvailabilityZoneUUID, RecoveryAZUUID: zones[1].AvailabilityZoneUUID}
	if len(zones[0].ClusterUUIDs) == 1 {
		in.FailedClusterUUIDs = zones[0].ClusterUUIDs
	}
	if len(zones[1].ClusterUUIDs) == 1 {
		in.RecoveryClusterUUIDs = zones[1].ClusterUUIDs
	}
	id, err := c.v4StartJob(ctx, op, in)
	if err != nil {
		return nil, err
	}
	if _, err := c.WaitForRecoveryPlanJob(ctx, id, nil); err != nil {
		return nil, err
	}
	errs, err := listV4[v4ValidationErrorJSON](ctx, c, v4List{op: op, path: v4JobsPath("/" + escape(id) + "/validation-errors")})
	if err != nil {
		return nil, err
	}
	out := make([]RecoveryPlanMessage, 0, len(errs))
	for _, e := range errs {
		out = append(out, RecoveryPlanMessage{Reason: e.ErrorCode, Message: e.Message, Severity: e.Severity, ValidationType: e.ErrorGroup,
			Details: map[string]string{"severity": e.Severity, "validation_type": e.ErrorGroup}})
	}
	if err := c.DeleteRecoveryPlanJob(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
		c.log.Debug(ctx, "the VALIDATE job of a validation read was not deleted", map[string]any{"job": id, "error": err.Error()})
	}
	return out, nil
}
