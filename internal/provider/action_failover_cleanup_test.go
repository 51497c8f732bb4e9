package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestProtocol_validateCleanupAction validates nutanixdr_failover_cleanup configurations
// through the provider's protocol server: a job id must be a UUID, a timeout a duration.
func TestProtocol_validateCleanupAction(t *testing.T) {
	s, schemas := protoServer(t)
	schema := schemas.ActionSchemas["nutanixdr_failover_cleanup"].Schema
	for _, tt := range []struct {
		cfg  map[string]any
		want []string
	}{
		{cfg: map[string]any{"job_id": protoPlanID, "timeout": "10m"}},
		{cfg: map[string]any{"job_id": "latest"}, want: []string{`must be a UUID`, `job_id`}},
		{cfg: map[string]any{"job_id": protoPlanID, "timeout": "soon"}, want: []string{`soon`}},
	} {
		resp, err := s.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{
			ActionType: "nutanixdr_failover_cleanup",
			Config:     dynamicValue(t, schema, tt.cfg),
		})
		if err != nil {
			t.Fatal(err)
		}
		checkDiags(t, resp.Diagnostics, tt.want)
	}
}
