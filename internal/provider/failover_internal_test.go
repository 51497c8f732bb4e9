package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

const (
	testPlanID = "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
	testAZFrom = "11111111-2222-4333-8444-555555555555"
	testAZTo   = "66666666-7777-4888-9999-aaaaaaaaaaaa"
	testJobID  = "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff"
)

// failoverSchema returns the schema of the nutanixdr_failover resource.
func failoverSchema(t *testing.T) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	newFailoverResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// actionSchema returns the schema of an action.
func actionSchema(t *testing.T, a action.Action) actionschema.Schema {
	t.Helper()
	var resp action.SchemaResponse
	a.Schema(context.Background(), action.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// described is an attribute with documentation.
type described interface {
	GetMarkdownDescription() string
	GetDescription() string
}

// checkDescribed fails the test for every attribute in attrs, nested ones included, without a
// description.
func checkDescribed[A described](t *testing.T, prefix string, attrs map[string]A) {
	t.Helper()
	for name, a := range attrs {
		if strings.TrimSpace(a.GetMarkdownDescription()+a.GetDescription()) == "" {
			t.Errorf("%s%s has no description", prefix, name)
		}
		switch n := any(a).(type) {
		case schema.ListNestedAttribute:
			checkDescribed(t, prefix+name+".", n.NestedObject.Attributes)
		case schema.SingleNestedAttribute:
			checkDescribed(t, prefix+name+".", n.Attributes)
		case dsschema.ListNestedAttribute:
			checkDescribed(t, prefix+name+".", n.NestedObject.Attributes)
		}
	}
}

func TestFailoverSchemas_described(t *testing.T) {
	rs := failoverSchema(t)
	if rs.MarkdownDescription == "" {
		t.Error("the resource has no description")
	}
	checkDescribed(t, "nutanixdr_failover.", rs.Attributes)

	for _, a := range []action.Action{newFailoverAction(), newFailoverCleanupAction()} {
		s := actionSchema(t, a)
		if s.MarkdownDescription == "" {
			t.Errorf("action %T has no description", a)
		}
		checkDescribed(t, "action.", s.Attributes)
	}

	var dresp datasource.SchemaResponse
	newRecoveryPlanJobsDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &dresp)
	if dresp.Schema.MarkdownDescription == "" {
		t.Error("the data source has no description")
	}
	checkDescribed(t, "nutanixdr_recovery_plan_jobs.", dresp.Schema.Attributes)
}

// TestFailoverSchema_arguments checks which arguments run the job again: all of them but
// cleanup_on_destroy and timeouts.
func TestFailoverSchema_arguments(t *testing.T) {
	rs := failoverSchema(t)
	replacing := []string{
		"recovery_plan_id", "type", "from_availability_zone_id", "to_availability_zone_id", "from_cluster_ids",
		"to_cluster_ids", "recovery_reference_time", "ignore_warnings", "triggers",
	}
	for name, a := range rs.Attributes {
		if !a.IsOptional() && !a.IsRequired() {
			continue
		}
		n := planModifierCount(a)
		want := slices.Contains(replacing, name)
		if want && n == 0 {
			t.Errorf("%s must replace the resource (run the job again) when it changes", name)
		}
		if !want && n != 0 {
			t.Errorf("%s must change in place, it has %d plan modifiers", name, n)
		}
	}
	// The action takes the same arguments, less triggers and cleanup_on_destroy, plus timeout.
	as := actionSchema(t, newFailoverAction())
	for name := range rs.Attributes {
		_, inAction := as.Attributes[name]
		computedOnly := !rs.Attributes[name].IsOptional() && !rs.Attributes[name].IsRequired()
		switch {
		case name == "triggers" || name == "cleanup_on_destroy" || name == "timeouts" || computedOnly:
			if inAction {
				t.Errorf("the action must not have %s", name)
			}
		case !inAction:
			t.Errorf("the action lacks the argument %s", name)
		}
	}
	if _, ok := as.Attributes["timeout"]; !ok {
		t.Error("the action lacks timeout")
	}
}

// planModifierCount returns how many plan modifiers an attribute of the resource has.
func planModifierCount(a schema.Attribute) int {
	switch a := a.(type) {
	case schema.StringAttribute:
		return len(a.PlanModifiers)
	case schema.BoolAttribute:
		return len(a.PlanModifiers)
	case schema.SetAttribute:
		return len(a.PlanModifiers)
	case schema.MapAttribute:
		return len(a.PlanModifiers)
	case schema.ListAttribute:
		return len(a.PlanModifiers)
	}
	return 0
}

// validFailover returns a model with valid arguments of the given type.
func validFailover(ftype string) failoverModel {
	return failoverModel{
		RecoveryPlanID:        types.StringValue(testPlanID),
		Type:                  types.StringValue(ftype),
		From:                  types.StringValue(testAZFrom),
		To:                    types.StringValue(testAZTo),
		FromClusterIDs:        types.SetNull(types.StringType),
		ToClusterIDs:          types.SetNull(types.StringType),
		RecoveryReferenceTime: timetypes.NewRFC3339Null(),
		IgnoreWarnings:        types.BoolValue(false),
		CleanupOnDestroy:      types.BoolValue(false),
	}
}

func TestValidateFailoverModel(t *testing.T) {
	refTime := timetypes.NewRFC3339ValueMust("2025-01-31T14:00:00Z")
	tests := []struct {
		name     string
		edit     func(*failoverModel)
		wantPath string // "" for no error
		wantText string
	}{
		{name: "planned", edit: func(*failoverModel) {}},
		{name: "unplanned with reference time", edit: func(m *failoverModel) {
			m.Type = types.StringValue(failoverUnplanned)
			m.RecoveryReferenceTime = refTime
		}},
		{name: "reference time with planned", edit: func(m *failoverModel) {
			m.RecoveryReferenceTime = refTime
		}, wantPath: "recovery_reference_time", wantText: `only allowed with type = "UNPLANNED", not with type = "PLANNED"`},
		{name: "reference time with test", edit: func(m *failoverModel) {
			m.Type = types.StringValue(failoverTest)
			m.RecoveryReferenceTime = refTime
		}, wantPath: "recovery_reference_time", wantText: `not with type = "TEST"`},
		{name: "reference time with unknown type", edit: func(m *failoverModel) {
			m.Type = types.StringUnknown()
			m.RecoveryReferenceTime = refTime
		}},
		{name: "unknown reference time", edit: func(m *failoverModel) {
			m.RecoveryReferenceTime = timetypes.NewRFC3339Unknown()
		}},
		{name: "same zones", edit: func(m *failoverModel) {
			m.To = types.StringValue(strings.ToUpper(testAZFrom))
		}, wantPath: "to_availability_zone_id", wantText: "a failover moves VMs from one availability zone to another"},
		{name: "same zones, one unknown", edit: func(m *failoverModel) {
			m.To = types.StringUnknown()
		}},
		{name: "cleanup with test", edit: func(m *failoverModel) {
			m.Type = types.StringValue(failoverTest)
			m.CleanupOnDestroy = types.BoolValue(true)
		}},
		{name: "cleanup with planned", edit: func(m *failoverModel) {
			m.CleanupOnDestroy = types.BoolValue(true)
		}, wantPath: "cleanup_on_destroy", wantText: `only allowed with type = "TEST", not with type = "PLANNED"`},
		{name: "cleanup with validate", edit: func(m *failoverModel) {
			m.Type = types.StringValue(failoverValidate)
			m.CleanupOnDestroy = types.BoolValue(true)
		}, wantPath: "cleanup_on_destroy", wantText: `not with type = "VALIDATE"`},
		{name: "cleanup false with planned", edit: func(m *failoverModel) {
			m.CleanupOnDestroy = types.BoolValue(false)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validFailover(failoverPlanned)
			tt.edit(&m)
			diags := validateFailoverModel(m)
			if tt.wantPath == "" {
				if diags.HasError() {
					t.Fatalf("unexpected error: %v", diags)
				}
				return
			}
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", diags)
			}
			d := diags.Errors()[0]
			withPath, ok := d.(interface{ Path() path.Path })
			if !ok || !withPath.Path().Equal(path.Root(tt.wantPath)) {
				t.Errorf("error is not on %s: %v", tt.wantPath, d)
			}
			if !strings.Contains(d.Detail(), tt.wantText) {
				t.Errorf("detail %q lacks %q", d.Detail(), tt.wantText)
			}
		})
	}
}

func TestFailoverInput(t *testing.T) {
	ctx := context.Background()
	for ftype, action := range map[string]string{
		failoverPlanned: client.JobActionMigrate, failoverUnplanned: client.JobActionFailover,
		failoverTest: client.JobActionTestFailover, failoverLive: client.JobActionLiveMigrate,
		failoverValidate: client.JobActionValidate,
	} {
		m := validFailover(ftype)
		in, diags := m.arguments().input(ctx, "job")
		if diags.HasError() {
			t.Fatalf("%s: %v", ftype, diags)
		}
		if in.ActionType != action {
			t.Errorf("%s runs %s, want %s", ftype, in.ActionType, action)
		}
		if failoverTypeOf(action) != ftype {
			t.Errorf("action type %s reads back as %s, want %s", action, failoverTypeOf(action), ftype)
		}
		if in.FailedClusterUUIDs != nil || in.RecoveryClusterUUIDs != nil || in.RecoveryReferenceTime != nil {
			t.Errorf("%s: null arguments must not be sent: %+v", ftype, in)
		}
	}
	if got := failoverTypeOf("SOMETHING_NEW"); got != "SOMETHING_NEW" {
		t.Errorf("an unknown action type must read as itself, got %s", got)
	}

	m := validFailover(failoverUnplanned)
	m.IgnoreWarnings = types.BoolValue(true)
	m.RecoveryReferenceTime = timetypes.NewRFC3339ValueMust("2025-01-31T15:00:00+01:00")
	m.ToClusterIDs = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("c2"), types.StringValue("c1")})
	in, diags := m.arguments().input(ctx, "nightly")
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := time.Date(2025, 1, 31, 14, 0, 0, 0, time.UTC)
	if in.RecoveryReferenceTime == nil || !in.RecoveryReferenceTime.Equal(want) || in.RecoveryReferenceTime.Location() != time.UTC {
		t.Errorf("reference time = %v, want %v in UTC", in.RecoveryReferenceTime, want)
	}
	if !slices.Equal(in.RecoveryClusterUUIDs, []string{"c1", "c2"}) || in.FailedClusterUUIDs != nil {
		t.Errorf("clusters = %v / %v", in.FailedClusterUUIDs, in.RecoveryClusterUUIDs)
	}
	if !in.ContinueOnValidationFailure || in.Name != "nightly" || in.RecoveryPlanUUID != testPlanID ||
		in.FailedAZUUID != testAZFrom || in.RecoveryAZUUID != testAZTo {
		t.Errorf("input = %+v", in)
	}
}

func TestJobName(t *testing.T) {
	name := jobName(failoverTest, time.Date(2025, 6, 1, 10, 30, 0, 0, time.FixedZone("CET", 3600)))
	if name != "nutanixdr test 2025-06-01T09:30:00Z" {
		t.Errorf("job name = %q", name)
	}
	if len(name) > 64 {
		t.Errorf("job name %q is longer than the API allows", name)
	}
}

func TestProgressTracker(t *testing.T) {
	p := newProgressTracker(failoverPlanned)
	snap := func(status string, pct int, steps ...client.JobStep) client.RecoveryPlanJob {
		return client.RecoveryPlanJob{UUID: testJobID, Status: status, PercentageComplete: pct, Steps: steps}
	}
	stage1 := client.JobStep{UUID: "s1", Name: "Stage 1", Status: client.JobStatusRunning}
	vm := client.JobStep{UUID: "s1a", Name: "Recover app-01", Depth: 1, Status: client.TaskSucceeded}
	deep := client.JobStep{UUID: "s1a1", Name: "Copy disks", Depth: 2, Status: client.TaskSucceeded}
	stage1Done := stage1
	stage1Done.Status = client.JobStatusCompleted

	steps := [][]string{
		p.observe(snap(client.JobStatusQueued, 0)),
		p.observe(snap(client.JobStatusRunning, 5, stage1)),
		p.observe(snap(client.JobStatusRunning, 8, stage1)),
		p.observe(snap(client.JobStatusRunning, 30, stage1, vm, deep)),
		p.observe(snap(client.JobStatusRunning, 35, stage1, vm, deep)),
		p.observe(snap(client.JobStatusRunning, 50, stage1Done, vm, deep)),
		p.observe(snap(client.JobStatusRunning, 75, stage1Done, vm, deep)),
		p.observe(snap(client.JobStatusCompleted, 100, stage1Done, vm, deep)),
	}
	want := [][]string{
		{"PLANNED failover job " + testJobID + " is queued (0%)"},
		{"PLANNED failover job " + testJobID + " is running (5%)"},
		nil, // 3 points: under the stride.
		{`PLANNED failover job ` + testJobID + `: step "Recover app-01" succeeded (30%)`}, // Depth 2 is not reported.
		nil,
		{`PLANNED failover job ` + testJobID + `: step "Stage 1" completed (50%)`},
		{"PLANNED failover job " + testJobID + " at 75%"},
		nil, // The end is reported by the caller.
	}
	for i := range want {
		if !slices.Equal(steps[i], want[i]) {
			t.Errorf("snapshot %d: messages %q, want %q", i, steps[i], want[i])
		}
	}
}

func TestFailedJobDetail(t *testing.T) {
	jobErr := &client.JobError{
		JobUUID: testJobID, Status: client.JobStatusFailed,
		Errors:   []string{"NETWORK: subnet vlan50-prod is not mapped on the recovery site"},
		Warnings: []string{"app-01 will get a new IP address"},
		FailedSteps: []client.JobStep{{
			Name: "Stage 1", ErrorCode: "RECOVERY_FAILED", ErrorDetail: "not enough memory",
			Recovered: []client.RecoveredEntity{{SourceName: "db-01", Error: "no capacity"}},
		}},
	}
	detail := func(ftype string, e *client.JobError, recorded string) string {
		return failedJobDetail(ftype, testPlanID, e, stoppedAtValidation(e, nil, false), recorded)
	}
	got := detail(failoverPlanned, jobErr, "")
	for _, want := range []string{
		"The PLANNED failover job " + testJobID + " of recovery plan " + testPlanID + " ended FAILED.",
		"Validation errors:\n  - NETWORK: subnet vlan50-prod is not mapped on the recovery site",
		"Failed steps:\n  - Stage 1: RECOVERY_FAILED: not enough memory: db-01: no capacity",
		"Warnings:\n  - app-01 will get a new IP address",
		"Nothing was recorded in the state",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	// The first case failed during the operation: the way out is not validation's.
	if strings.Contains(got, "Nothing changed") || strings.Contains(got, "ignore_warnings") {
		t.Errorf("a job that failed a stage may have changed things:\n%s", got)
	}
	// Recorded tainted, the detail says so instead.
	got = detail(failoverTest, jobErr, taintedNote(failoverTest, true))
	if !strings.Contains(got, "The job was recorded in the state as tainted: the next apply cleans it up") ||
		strings.Contains(got, "Nothing was recorded") {
		t.Errorf("detail of a job recorded tainted:\n%s", got)
	}

	// A job stopped at validation on errors: nothing changed, fix the errors; ignore_warnings
	// does not help with errors.
	got = detail(failoverTest, &client.JobError{
		JobUUID: testJobID, Status: client.JobStatusCompleted, Errors: []string{"CAPACITY: not enough CPU"},
	}, "")
	for _, want := range []string{"ended COMPLETED with validation errors.", "Nothing changed"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ignore_warnings") {
		t.Errorf("ignore_warnings suggested for validation errors:\n%s", got)
	}
	// The step that only says that validation failed is not listed as a failure of its own.
	got = detail(failoverTest, &client.JobError{
		JobUUID: testJobID, Status: client.JobStatusFailed, Errors: []string{"RECOVERY_POINT: no recovery point of db-01"},
		Warnings: []string{"app-01 will get a new IP address"},
		FailedSteps: []client.JobStep{{Phase: client.JobPhasePreprocessing, Name: "Validation of the recovery plan found 1 error(s)",
			OperationType: "AUDIT", Status: client.JobStatusFailed, ErrorCode: "INTERNAL_ERROR",
			ErrorDetail: "the recovery plan failed validation: see validation_information.errors_list"}},
	}, "")
	if !strings.Contains(got, "Nothing changed") || strings.Contains(got, "Failed steps") ||
		strings.Contains(got, "INTERNAL_ERROR") || strings.Contains(got, "ignore_warnings") {
		t.Errorf("a job that failed in preprocessing changed nothing, on errors:\n%s", got)
	}
	// Without validation messages, that step is labeled plainly.
	got = detail(failoverTest, &client.JobError{
		JobUUID: testJobID, Status: client.JobStatusFailed,
		FailedSteps: []client.JobStep{{Phase: client.JobPhasePreprocessing, Name: "Validation", Status: client.JobStatusFailed,
			ErrorCode: "INTERNAL_ERROR", ErrorDetail: "the recovery plan failed validation"}},
	}, "")
	if !strings.Contains(got, "Failed steps:\n  - validation failed\n") {
		t.Errorf("the validation step is not labeled plainly:\n%s", got)
	}
	if strings.Contains(got, "INTERNAL_ERROR") {
		t.Errorf("the validation step reads as a crash:\n%s", got)
	}
	// Stopped on warnings alone: ignore_warnings is the way to run despite them.
	got = detail(failoverTest, &client.JobError{
		JobUUID: testJobID, Status: client.JobStatusFailedWithWarning, Warnings: []string{"app-01 will get a new IP address"},
		FailedSteps: []client.JobStep{{Phase: client.JobPhasePreprocessing, Name: "Validation", Status: client.JobStatusFailed}},
	}, "")
	if !strings.Contains(got, "Nothing changed") || !strings.Contains(got, "ignore_warnings = true") {
		t.Errorf("a job stopped on warnings:\n%s", got)
	}

	got = detail(failoverLive, &client.JobError{JobUUID: testJobID, Status: client.JobStatusAborted}, "")
	if !strings.Contains(got, "ended ABORTED. Prism Central gave no reason.") {
		t.Errorf("detail of a job without reason:\n%s", got)
	}
}

// TestFailoverRunMayHaveChanged checks which runs the resource records as tainted: those whose
// job is known and may have changed something.
func TestFailoverRunMayHaveChanged(t *testing.T) {
	validationErr := &client.JobError{JobUUID: testJobID, Status: client.JobStatusFailed, Errors: []string{"CAPACITY: not enough CPU"},
		FailedSteps: []client.JobStep{{Phase: client.JobPhasePreprocessing, Name: "Validation", Status: client.JobStatusFailed}}}
	stageErr := &client.JobError{JobUUID: testJobID, Status: client.JobStatusFailed,
		FailedSteps: []client.JobStep{{Phase: client.JobPhaseOperation, Name: "Stage 1", Status: client.JobStatusFailed, ErrorDetail: "no capacity"}}}
	started := &client.RecoveryPlanJob{UUID: testJobID, Status: client.JobStatusFailed, Steps: []client.JobStep{
		{Phase: client.JobPhasePreprocessing, Name: "Validation", Status: client.JobStatusFailed},
		{Phase: client.JobPhaseOperation, Name: "Stage 1", Status: client.JobStatusCompleted},
	}}
	timedOut := fmt.Errorf("waiting: %w", context.DeadlineExceeded)
	for _, tc := range []struct {
		name string
		run  failoverRun
		want bool
	}{
		{"refused", failoverRun{ftype: failoverTest, err: errors.New("refused")}, false},
		{"completed", failoverRun{ftype: failoverTest, jobID: testJobID, job: &client.RecoveryPlanJob{UUID: testJobID}}, false},
		{"failed validation", failoverRun{ftype: failoverTest, jobID: testJobID, err: validationErr}, false},
		{"failed validation, job named by its error", failoverRun{ftype: failoverTest, err: validationErr}, false},
		{"validation job timed out", failoverRun{ftype: failoverValidate, jobID: testJobID, err: timedOut}, false},
		{"failed a stage", failoverRun{ftype: failoverTest, jobID: testJobID, err: stageErr}, true},
		{"failed a stage, job named by its error", failoverRun{ftype: failoverTest, err: stageErr}, true},
		{"validation errors ignored", failoverRun{ftype: failoverTest, jobID: testJobID, err: validationErr, ignoreWarnings: true}, true},
		{"validation errors but a stage ran", failoverRun{ftype: failoverTest, jobID: testJobID, err: validationErr, job: started}, true},
		{"timed out", failoverRun{ftype: failoverTest, jobID: testJobID, err: timedOut}, true},
		{"lost track", failoverRun{ftype: failoverPlanned, jobID: testJobID, err: errors.New("connection reset")}, true},
	} {
		if got := tc.run.mayHaveChanged(); got != tc.want {
			t.Errorf("%s: mayHaveChanged = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestAddErrorRecorded checks the wording of a run recorded tainted, against the one of a run
// that left nothing.
func TestAddErrorRecorded(t *testing.T) {
	run := failoverRun{ftype: failoverTest, planID: testPlanID, jobID: testJobID, err: fmt.Errorf("waiting: %w", context.DeadlineExceeded),
		job: &client.RecoveryPlanJob{UUID: testJobID, Status: client.JobStatusRunning, PercentageComplete: 40}}
	var diags diag.Diagnostics
	if !run.addErrorRecorded(&diags, opCreate, time.Second, "timeouts.create", taintedNote(failoverTest, true)) {
		t.Fatal("a timed-out run is an error")
	}
	got := diags.Errors()[0].Detail()
	for _, want := range []string{"did not finish within 1s (last seen RUNNING at 40%)", "recorded in the state as tainted",
		"the next apply cleans it up", "Raise timeouts.create"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Nothing was recorded") {
		t.Errorf("detail says nothing was recorded:\n%s", got)
	}
	diags = nil
	run.err = errors.New("connection reset")
	run.addErrorRecorded(&diags, opCreate, time.Second, "timeouts.create", taintedNote(failoverPlanned, false))
	if got := diags.Errors()[0].Detail(); !strings.Contains(got, "Lost track") || !strings.Contains(got, "the next apply replaces it") {
		t.Errorf("detail of a lost job:\n%s", got)
	}
	diags = nil
	run.addError(&diags, opRun, time.Second, "timeout")
	if got := diags.Errors()[0].Detail(); !strings.Contains(got, "Nothing was recorded in the state.") {
		t.Errorf("the action records nothing:\n%s", got)
	}
}

func TestFlattenFailoverJob(t *testing.T) {
	ctx := context.Background()
	window := 4*time.Minute + 30*time.Second + 200*time.Millisecond
	start := time.Date(2025, 6, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	job := &client.RecoveryPlanJob{
		UUID: testJobID, Status: client.JobStatusCompletedWithWarning, StartTime: start, EndTime: start.Add(time.Minute),
		Warnings: []string{"w1"}, DataLossWindow: &window,
	}
	m := validFailover(failoverUnplanned)
	diags := flattenFailoverJob(ctx, &m, job, []recoveredVM{{Name: "app-01", ID: "vm-1", AZ: testAZTo, IPs: []string{"192.168.50.10"}}})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.ID.ValueString() != testJobID || m.JobID.ValueString() != testJobID {
		t.Errorf("ids = %s / %s", m.ID, m.JobID)
	}
	if m.StartedAt.ValueString() != "2025-06-01T09:00:00Z" || m.FinishedAt.ValueString() != "2025-06-01T09:01:00Z" {
		t.Errorf("times = %s / %s", m.StartedAt, m.FinishedAt)
	}
	if m.DataLossWindow.ValueString() != "4m30s" {
		t.Errorf("data_loss_window = %s", m.DataLossWindow)
	}
	if m.Errors.IsNull() || len(m.Errors.Elements()) != 0 || len(m.Warnings.Elements()) != 1 {
		t.Errorf("errors = %s, warnings = %s: none must be an empty list, not null", m.Errors, m.Warnings)
	}
	var vms []recoveredVMModel
	if d := m.RecoveredVMs.ElementsAs(ctx, &vms, false); d.HasError() {
		t.Fatal(d)
	}
	if len(vms) != 1 || vms[0].Name.ValueString() != "app-01" || vms[0].AvailabilityZoneID.ValueString() != testAZTo ||
		len(vms[0].IPAddresses.Elements()) != 1 {
		t.Errorf("recovered_vms = %+v", vms)
	}

	// Another type: no window, a null data_loss_window, and no VMs is an empty list.
	job.DataLossWindow = nil
	job.EndTime = time.Time{}
	m = validFailover(failoverValidate)
	if d := flattenFailoverJob(ctx, &m, job, nil); d.HasError() {
		t.Fatal(d)
	}
	if !m.DataLossWindow.IsNull() || !m.FinishedAt.IsNull() || m.RecoveredVMs.IsNull() || len(m.RecoveredVMs.Elements()) != 0 {
		t.Errorf("data_loss_window = %s, finished_at = %s, recovered_vms = %s", m.DataLossWindow, m.FinishedAt, m.RecoveredVMs)
	}
}

// TestRefreshFailoverJob checks that Read's refresh keeps what Create recorded of the VMs.
func TestRefreshFailoverJob(t *testing.T) {
	ctx := context.Background()
	m := validFailover(failoverPlanned)
	window := time.Minute
	job := &client.RecoveryPlanJob{UUID: testJobID, Status: client.JobStatusCompleted, DataLossWindow: &window}
	if d := flattenFailoverJob(ctx, &m, job, []recoveredVM{{Name: "app-01", ID: "vm-1", AZ: testAZTo}}); d.HasError() {
		t.Fatal(d)
	}
	before := m.RecoveredVMs
	refreshFailoverJob(&m, &client.RecoveryPlanJob{UUID: testJobID, Warnings: []string{"later"}})
	if !m.RecoveredVMs.Equal(before) || m.DataLossWindow.ValueString() != "1m0s" {
		t.Errorf("refresh changed what the job recovered: %s, %s", m.RecoveredVMs, m.DataLossWindow)
	}
	if m.Status.ValueString() != client.JobStatusCompleted {
		t.Errorf("a job read without a status must keep the recorded one, got %s", m.Status)
	}
	if len(m.Warnings.Elements()) != 1 {
		t.Errorf("warnings = %s", m.Warnings)
	}
}

func TestFlattenRecoveryPlanJobs(t *testing.T) {
	start := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	got := flattenRecoveryPlanJobs([]client.RecoveryPlanJob{
		{UUID: "j2", Name: "auto", ActionType: client.JobActionFailover, Status: client.JobStatusRunning,
			PercentageComplete: 40, Initiator: client.JobInitiatorWitness, StartTime: start},
		{UUID: "j1", Name: "test", ActionType: client.JobActionTestFailover, Status: client.JobStatusCompleted},
	})
	if len(got) != 2 {
		t.Fatalf("got %d jobs", len(got))
	}
	if got[0].ID.ValueString() != "j2" || got[0].Type.ValueString() != failoverUnplanned ||
		got[0].ActionType.ValueString() != client.JobActionFailover || got[0].Initiator.ValueString() != client.JobInitiatorWitness ||
		got[0].StartedAt.ValueString() != "2025-06-01T10:00:00Z" || !got[0].FinishedAt.IsNull() ||
		got[0].PercentageComplete.ValueInt64() != 40 {
		t.Errorf("first job = %+v", got[0])
	}
	if got[1].Type.ValueString() != failoverTest || !got[1].Initiator.IsNull() || !got[1].StartedAt.IsNull() {
		t.Errorf("second job = %+v", got[1])
	}
}

func TestActionTimeout(t *testing.T) {
	var diags diag.Diagnostics
	if d := actionTimeout(timetypes.NewGoDurationNull(), time.Hour, &diags); d != time.Hour {
		t.Errorf("null timeout = %s", d)
	}
	if d := actionTimeout(timetypes.NewGoDurationValueFromStringMust("90s"), time.Hour, &diags); d != 90*time.Second {
		t.Errorf("90s timeout = %s", d)
	}
	if diags.HasError() {
		t.Error(diags)
	}
}

func TestImportedFailover(t *testing.T) {
	ctx := context.Background()
	ref := time.Date(2025, 6, 1, 14, 0, 0, 0, time.UTC)
	var m failoverModel
	diags := importedFailover(ctx, &m, &client.RecoveryPlanJob{
		UUID: testJobID, RecoveryPlanUUID: testPlanID, ActionType: client.JobActionFailover,
		FailedAZUUID: testAZFrom, RecoveryAZUUID: testAZTo, RecoveryClusterUUIDs: []string{"c1"},
		RecoveryReferenceTime: &ref, ContinueOnValidationFailure: true,
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.Type.ValueString() != failoverUnplanned || m.RecoveryPlanID.ValueString() != testPlanID ||
		m.From.ValueString() != testAZFrom || m.To.ValueString() != testAZTo || !m.IgnoreWarnings.ValueBool() ||
		m.CleanupOnDestroy.ValueBool() || !m.Triggers.IsNull() || !m.FromClusterIDs.IsNull() ||
		len(m.ToClusterIDs.Elements()) != 1 || m.RecoveryReferenceTime.ValueString() != "2025-06-01T14:00:00Z" {
		t.Errorf("imported model = %+v", m)
	}
	if d := validateFailoverModel(m); d.HasError() {
		t.Errorf("an imported job must satisfy the resource's rules: %v", d)
	}

	// A reference time is only kept for UNPLANNED, where the resource allows it.
	diags = importedFailover(ctx, &m, &client.RecoveryPlanJob{ActionType: client.JobActionTestFailover, RecoveryReferenceTime: &ref})
	if diags.HasError() || !m.RecoveryReferenceTime.IsNull() || m.Type.ValueString() != failoverTest {
		t.Errorf("imported test failover = %+v, %v", m, diags)
	}
	if diags := importedFailover(ctx, &m, &client.RecoveryPlanJob{UUID: testJobID, ActionType: "REPLICATE"}); !diags.HasError() {
		t.Error("a job of an unknown action type must not import")
	}
}
