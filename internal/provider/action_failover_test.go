package provider_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/provider"
)

// These tests drive the actions (and the failover resource's validation) through the
// provider's protocol server, as Terraform does, without Terraform: OpenTofu has no actions.

const (
	protoPlanID = "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
	protoAZFrom = "11111111-2222-4333-8444-555555555555"
	protoAZTo   = "66666666-7777-4888-9999-aaaaaaaaaaaa"
)

// actionServer is the provider's protocol server with the action RPCs.
type actionServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
}

// protoServer returns a new protocol server of the provider, with the action RPCs, and its
// schemas.
func protoServer(t *testing.T) (actionServer, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatalf("starting the protocol server: %v", err)
	}
	s, ok := srv.(actionServer)
	if !ok {
		t.Fatalf("the protocol server %T does not serve actions", srv)
	}
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	if msg := diagsText(resp.Diagnostics); msg != "" {
		t.Fatalf("GetProviderSchema: %s", msg)
	}
	return s, resp
}

// dynamicValue encodes an object of the schema's type: the attributes in attrs, given as Go
// values (string, bool, []string for sets and lists, map[string]string for maps), and null
// for the others.
func dynamicValue(t *testing.T, schema *tfprotov6.Schema, attrs map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	typ, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("schema type is %T, not an object", schema.ValueType())
	}
	vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range attrs {
		at, ok := typ.AttributeTypes[name]
		if !ok {
			t.Fatalf("the schema has no attribute %s", name)
		}
		vals[name] = goValue(t, at, v)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatalf("encoding the configuration: %v", err)
	}
	return &dv
}

// goValue converts a Go value to a value of type typ.
func goValue(t *testing.T, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	switch v := v.(type) {
	case tftypes.Value:
		return v
	case []string:
		elems := make([]tftypes.Value, 0, len(v))
		for _, s := range v {
			elems = append(elems, tftypes.NewValue(tftypes.String, s))
		}
		return tftypes.NewValue(typ, elems)
	case map[string]string:
		elems := make(map[string]tftypes.Value, len(v))
		for k, s := range v {
			elems[k] = tftypes.NewValue(tftypes.String, s)
		}
		return tftypes.NewValue(typ, elems)
	default:
		return tftypes.NewValue(typ, v)
	}
}

// diagsText renders protocol diagnostics on one line each, for failures and matching.
func diagsText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		if d == nil {
			continue
		}
		b.WriteString(d.Severity.String() + ": " + d.Summary + ": " + d.Detail)
		if d.Attribute != nil {
			b.WriteString(" [at " + d.Attribute.String() + "]")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// hasError tells whether diags hold an error.
func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// failoverActionConfig returns a valid configuration of the failover action, changed by edit.
func failoverActionConfig(edit map[string]any) map[string]any {
	cfg := map[string]any{
		"recovery_plan_id":          protoPlanID,
		"type":                      "PLANNED",
		"from_availability_zone_id": protoAZFrom,
		"to_availability_zone_id":   protoAZTo,
	}
	for k, v := range edit {
		cfg[k] = v
	}
	return cfg
}

func TestProtocol_schemas(t *testing.T) {
	_, schemas := protoServer(t)
	for _, name := range []string{"nutanixdr_failover", "nutanixdr_failover_cleanup"} {
		a, ok := schemas.ActionSchemas[name]
		if !ok || a.Schema == nil || a.Schema.Block == nil {
			t.Fatalf("GetProviderSchema has no action %s (have %v)", name, keys(schemas.ActionSchemas))
		}
		if a.Schema.Block.Description == "" {
			t.Errorf("action %s has no description", name)
		}
		for _, attr := range a.Schema.Block.Attributes {
			if attr.Description == "" {
				t.Errorf("attribute %s of action %s has no description", attr.Name, name)
			}
		}
	}
	if _, ok := schemas.ResourceSchemas["nutanixdr_failover"]; !ok {
		t.Error("GetProviderSchema has no resource nutanixdr_failover")
	}
	if _, ok := schemas.DataSourceSchemas["nutanixdr_recovery_plan_jobs"]; !ok {
		t.Error("GetProviderSchema has no data source nutanixdr_recovery_plan_jobs")
	}
	fo := schemas.ActionSchemas["nutanixdr_failover"].Schema.Block
	names := map[string]bool{}
	for _, a := range fo.Attributes {
		names[a.Name] = true
	}
	for _, want := range []string{"recovery_plan_id", "type", "from_availability_zone_id", "to_availability_zone_id",
		"from_cluster_ids", "to_cluster_ids", "recovery_reference_time", "ignore_warnings", "timeout"} {
		if !names[want] {
			t.Errorf("action nutanixdr_failover lacks %s", want)
		}
	}
	for _, unwanted := range []string{"triggers", "cleanup_on_destroy"} {
		if names[unwanted] {
			t.Errorf("action nutanixdr_failover must not have %s", unwanted)
		}
	}
}

// keys returns the keys of m.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestProtocol_validateFailoverAction(t *testing.T) {
	s, schemas := protoServer(t)
	schema := schemas.ActionSchemas["nutanixdr_failover"].Schema
	tests := []struct {
		name string
		edit map[string]any
		want []string // Fragments of the error; none for a valid configuration.
	}{
		{name: "valid planned"},
		{name: "valid unplanned at a time", edit: map[string]any{
			"type": "UNPLANNED", "recovery_reference_time": "2025-06-01T14:00:00Z", "ignore_warnings": true,
			"to_cluster_ids": []string{protoAZTo}, "timeout": "30m",
		}},
		{name: "unknown type", edit: map[string]any{"type": "MIGRATE"},
			want: []string{`value must be one of`, `"PLANNED"`, `type`}},
		{name: "reference time with test", edit: map[string]any{"type": "TEST", "recovery_reference_time": "2025-06-01T14:00:00Z"},
			want: []string{`only allowed with type = "UNPLANNED", not with type = "TEST"`, `recovery_reference_time`}},
		{name: "reference time not RFC 3339", edit: map[string]any{"type": "UNPLANNED", "recovery_reference_time": "2025-06-01 14:00"},
			want: []string{`not valid RFC3339`, `recovery_reference_time`}},
		{name: "same zones", edit: map[string]any{"to_availability_zone_id": protoAZFrom},
			want: []string{`a failover moves VMs from one availability zone to another`, `to_availability_zone_id`}},
		{name: "zone not a UUID", edit: map[string]any{"from_availability_zone_id": "PC_192.168.10.10"},
			want: []string{`must be a UUID`, `from_availability_zone_id`}},
		{name: "empty clusters", edit: map[string]any{"from_cluster_ids": []string{}},
			want: []string{`at least 1`, `from_cluster_ids`}},
		{name: "zero timeout", edit: map[string]any{"timeout": "0s"},
			want: []string{`greater than zero`}},
		{name: "unknown type is checked later", edit: map[string]any{
			"type":                    tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"recovery_reference_time": "2025-06-01T14:00:00Z",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := s.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{
				ActionType: "nutanixdr_failover",
				Config:     dynamicValue(t, schema, failoverActionConfig(tt.edit)),
			})
			if err != nil {
				t.Fatal(err)
			}
			checkDiags(t, resp.Diagnostics, tt.want)
		})
	}
}

// checkDiags fails the test unless diags hold an error with all of want, or no error when want
// is empty.
func checkDiags(t *testing.T, diags []*tfprotov6.Diagnostic, want []string) {
	t.Helper()
	got := diagsText(diags)
	if len(want) == 0 {
		if hasError(diags) {
			t.Fatalf("unexpected error:\n%s", got)
		}
		return
	}
	if !hasError(diags) {
		t.Fatalf("want an error with %q, got:\n%s", want, got)
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("the error lacks %q:\n%s", w, got)
		}
	}
}

func TestProtocol_validateFailoverResource(t *testing.T) {
	s, schemas := protoServer(t)
	schema := schemas.ResourceSchemas["nutanixdr_failover"]
	tests := []struct {
		name string
		edit map[string]any
		want []string
	}{
		{name: "valid test with cleanup", edit: map[string]any{"type": "TEST", "cleanup_on_destroy": true,
			"triggers": map[string]string{"rehearsal": "2025-06"}}},
		{name: "cleanup with planned", edit: map[string]any{"cleanup_on_destroy": true},
			want: []string{`only allowed with type = "TEST", not with type = "PLANNED"`, `cleanup_on_destroy`}},
		{name: "reference time with live", edit: map[string]any{"type": "LIVE", "recovery_reference_time": "2025-06-01T14:00:00Z"},
			want: []string{`not with type = "LIVE"`}},
		{name: "unknown type", edit: map[string]any{"type": "planned"},
			want: []string{`value must be one of`}},
		{name: "same zones", edit: map[string]any{"from_availability_zone_id": protoAZTo},
			want: []string{`from one availability zone to another`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := s.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{
				TypeName: "nutanixdr_failover",
				Config:   dynamicValue(t, schema, failoverActionConfig(tt.edit)),
			})
			if err != nil {
				t.Fatal(err)
			}
			checkDiags(t, resp.Diagnostics, tt.want)
		})
	}
}

// TestProtocol_planFailoverAction checks that planning the action needs no Prism Central and
// reports the same rules as validation.
func TestProtocol_planFailoverAction(t *testing.T) {
	s, schemas := protoServer(t)
	schema := schemas.ActionSchemas["nutanixdr_failover"].Schema
	resp, err := s.PlanAction(context.Background(), &tfprotov6.PlanActionRequest{
		ActionType: "nutanixdr_failover",
		Config:     dynamicValue(t, schema, failoverActionConfig(map[string]any{"type": "TEST"})),
	})
	if err != nil {
		t.Fatal(err)
	}
	checkDiags(t, resp.Diagnostics, nil)
}

// TestProtocol_invokeUnconfigured checks that an action invoked before the provider is
// configured fails with a diagnostic rather than a crash.
func TestProtocol_invokeUnconfigured(t *testing.T) {
	s, schemas := protoServer(t)
	for name, cfg := range map[string]map[string]any{
		"nutanixdr_failover":         failoverActionConfig(nil),
		"nutanixdr_failover_cleanup": {"job_id": protoPlanID},
	} {
		events := invokeAction(t, s, name, dynamicValue(t, schemas.ActionSchemas[name].Schema, cfg))
		if len(events.progress) != 0 {
			t.Errorf("%s sent progress before failing: %q", name, events.progress)
		}
		checkDiags(t, events.diags, []string{"Unconfigured provider"})
	}
}

// invokeEvents is what an InvokeAction stream sent.
type invokeEvents struct {
	progress  []string
	diags     []*tfprotov6.Diagnostic
	completed int
}

// invokeAction invokes an action and collects its events; the stream must end with exactly one
// completed event.
func invokeAction(t *testing.T, s actionServer, name string, cfg *tfprotov6.DynamicValue) invokeEvents {
	t.Helper()
	stream, err := s.InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{ActionType: name, Config: cfg})
	if err != nil {
		t.Fatalf("InvokeAction %s: %v", name, err)
	}
	var out invokeEvents
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			if out.completed > 0 {
				t.Errorf("progress %q after the completed event", e.Message)
			}
			out.progress = append(out.progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			out.completed++
			out.diags = append(out.diags, e.Diagnostics...)
		default:
			t.Errorf("unexpected event %T", ev.Type)
		}
	}
	if out.completed != 1 {
		t.Errorf("InvokeAction %s sent %d completed events, want 1", name, out.completed)
	}
	return out
}

// TestProtocol_invokeTestFailoverAndCleanup invokes a test failover on the emulator through the
// protocol server, checks the progress it reports and what it did, then cleans it up with the
// cleanup action.
func TestProtocol_invokeTestFailoverAndCleanup(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	srv, schemas := protoServer(t)
	s.configureProtocol(t, srv, schemas, acctest.PCFrance)

	cfg := dynamicValue(t, schemas.ActionSchemas["nutanixdr_failover"].Schema, map[string]any{
		"recovery_plan_id": s.planID, "type": "TEST",
		"from_availability_zone_id": s.frOfCanada, "to_availability_zone_id": s.frLocal, "timeout": "5m",
	})
	plan, err := srv.PlanAction(t.Context(), &tfprotov6.PlanActionRequest{ActionType: "nutanixdr_failover", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	checkDiags(t, plan.Diagnostics, nil)
	if n := s.jobCount(t); n != 0 {
		t.Fatalf("planning the action ran %d jobs", n)
	}

	ev := invokeAction(t, srv, "nutanixdr_failover", cfg)
	checkDiags(t, ev.diags, nil)
	t.Logf("progress:\n  %s", strings.Join(ev.progress, "\n  "))
	jobs, err := s.fr.ListRecoveryPlanJobsOfPlan(t.Context(), s.planID)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs of the plan: %+v, %v", jobs, err)
	}
	job := jobs[0]
	if job.ActionType != client.JobActionTestFailover {
		t.Errorf("the action ran a %s job", job.ActionType)
	}
	wantProgress := []string{
		"starting TEST failover of recovery plan " + s.planID,
		"TEST failover job " + job.UUID + " started",
	}
	if len(ev.progress) < len(wantProgress)+2 || !slices.Equal(ev.progress[:len(wantProgress)], wantProgress) {
		t.Errorf("progress starts %q, want %q then steps and the end", ev.progress, wantProgress)
	}
	if !slices.ContainsFunc(ev.progress, func(m string) bool { return strings.Contains(m, ": step ") }) {
		t.Errorf("no step was reported: %q", ev.progress)
	}
	last := ev.progress[len(ev.progress)-1]
	for _, want := range []string{"TEST failover job " + job.UUID + " COMPLETED", "recovered ", "192.168.51."} {
		if !strings.Contains(last, want) {
			t.Errorf("last progress message %q lacks %q", last, want)
		}
	}
	if err := s.checkTestClones(t.Context()); err != nil {
		t.Fatal(err)
	}

	cleanup := dynamicValue(t, schemas.ActionSchemas["nutanixdr_failover_cleanup"].Schema, map[string]any{"job_id": job.UUID})
	ev = invokeAction(t, srv, "nutanixdr_failover_cleanup", cleanup)
	checkDiags(t, ev.diags, nil)
	if !slices.Equal(ev.progress, []string{
		"cleaning up test failover job " + job.UUID,
		"test failover job " + job.UUID + " cleaned up: its test VMs are removed",
	}) {
		t.Errorf("cleanup progress = %q", ev.progress)
	}
	if err := s.checkNoTestClones(t.Context()); err != nil {
		t.Error(err)
	}
}

// TestProtocol_invokeFailures checks that a job Prism Central refuses fails the invocation
// with its reasons, and that the cleanup action refuses what is not a test failover.
func TestProtocol_invokeFailures(t *testing.T) {
	s := newFailoverSites(t, failoverSitesOptions{})
	srv, schemas := protoServer(t)
	s.configureProtocol(t, srv, schemas, acctest.PCFrance)
	schema := schemas.ActionSchemas["nutanixdr_failover"].Schema

	// A live migration needs a synchronous policy.
	ev := invokeAction(t, srv, "nutanixdr_failover", dynamicValue(t, schema, map[string]any{
		"recovery_plan_id": s.planID, "type": "LIVE",
		"from_availability_zone_id": s.frOfCanada, "to_availability_zone_id": s.frLocal,
	}))
	checkDiags(t, ev.diags, []string{"Error running failover", "LIVE failover", "Validation errors:", "synchronous", "Nothing changed"})
	t.Logf("refused live migration:\n%s", diagsText(ev.diags))
	if err := s.checkProductionOnCanada(t.Context()); err != nil {
		t.Error(err)
	}

	// A plan that is not on this Prism Central.
	ev = invokeAction(t, srv, "nutanixdr_failover", dynamicValue(t, schema, map[string]any{
		"recovery_plan_id": protoPlanID, "type": "VALIDATE",
		"from_availability_zone_id": s.frOfCanada, "to_availability_zone_id": s.frLocal,
	}))
	checkDiags(t, ev.diags, []string{"Error running failover", protoPlanID})

	// A validation job is no test failover.
	ev = invokeAction(t, srv, "nutanixdr_failover", dynamicValue(t, schema, map[string]any{
		"recovery_plan_id": s.planID, "type": "VALIDATE",
		"from_availability_zone_id": s.frOfCanada, "to_availability_zone_id": s.frLocal,
	}))
	checkDiags(t, ev.diags, nil)
	jobs, err := s.fr.ListRecoveryPlanJobsOfPlan(t.Context(), s.planID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(jobs, func(j client.RecoveryPlanJob) bool { return j.ActionType == client.JobActionValidate })
	if i < 0 || len(jobs) != 2 {
		t.Fatalf("jobs of the plan: %+v, want the failed LIVE_MIGRATE and a VALIDATE", jobs)
	}
	cleanupSchema := schemas.ActionSchemas["nutanixdr_failover_cleanup"].Schema
	ev = invokeAction(t, srv, "nutanixdr_failover_cleanup", dynamicValue(t, cleanupSchema, map[string]any{"job_id": jobs[i].UUID}))
	checkDiags(t, ev.diags, []string{"Error cleaning up test failover", "is a VALIDATE job", "not a test failover"})
	ev = invokeAction(t, srv, "nutanixdr_failover_cleanup", dynamicValue(t, cleanupSchema, map[string]any{"job_id": protoPlanID}))
	checkDiags(t, ev.diags, []string{"has no recovery plan job " + protoPlanID})
}
