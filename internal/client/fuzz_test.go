package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

// The fuzz targets below feed the client's decoders answers of Prism Central chosen by the
// fuzzer: every read the client makes, and the answers of creates, updates, deletes, tasks and
// recovery plan jobs. Whatever the answer, the client must not panic, and an answer it cannot
// decode must come back as a typed error (*APIError, *DecodeError), never a bare decoder
// error. `go test` runs the seeds; `make fuzz` runs each target for FUZZTIME.

// fuzzOp is one client operation whose answers are fuzzed.
type fuzzOp struct {
	name string
	call func(ctx context.Context, c *Client) error
}

const fuzzUUID = "0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b"

// fuzzOps lists the operations, one per decoder of an answer.
var fuzzOps = []fuzzOp{
	{"ListAvailabilityZones", func(ctx context.Context, c *Client) error { _, err := c.ListAvailabilityZones(ctx, ""); return err }},
	{"GetAvailabilityZone", func(ctx context.Context, c *Client) error { _, err := c.GetAvailabilityZone(ctx, fuzzUUID); return err }},
	{"LocalAvailabilityZone", func(ctx context.Context, c *Client) error { _, err := c.LocalAvailabilityZone(ctx); return err }},
	{"GetCloudTrust", func(ctx context.Context, c *Client) error { _, err := c.GetCloudTrust(ctx, fuzzUUID); return err }},
	{"ListCloudTrusts", func(ctx context.Context, c *Client) error { _, err := c.ListCloudTrusts(ctx); return err }},
	{"CreateCloudTrust", func(ctx context.Context, c *Client) error {
		_, err := c.CreateCloudTrust(ctx, CloudTrustInput{RemoteAddress: "192.168.0.10", Username: "admin", Password: "secret-pw"})
		return err
	}},
	{"DeleteCloudTrust", func(ctx context.Context, c *Client) error { return c.DeleteCloudTrust(ctx, fuzzUUID) }},
	{"DisasterRecoveryStatus", func(ctx context.Context, c *Client) error { _, err := c.DisasterRecoveryStatus(ctx); return err }},
	{"EnableDisasterRecovery", func(ctx context.Context, c *Client) error { return c.EnableDisasterRecovery(ctx) }},
	{"GetCategoryKey", func(ctx context.Context, c *Client) error { _, err := c.GetCategoryKey(ctx, "dr"); return err }},
	{"ListCategoryKeys", func(ctx context.Context, c *Client) error { _, err := c.ListCategoryKeys(ctx); return err }},
	{"GetCategoryValue", func(ctx context.Context, c *Client) error {
		_, err := c.GetCategoryValue(ctx, "dr", "gold")
		return err
	}},
	{"ListCategoryValues", func(ctx context.Context, c *Client) error { _, err := c.ListCategoryValues(ctx, "dr"); return err }},
	{"PutCategoryValue", func(ctx context.Context, c *Client) error {
		_, err := c.PutCategoryValue(ctx, CategoryValue{Key: "dr", Value: "gold"})
		return err
	}},
	{"QueryCategoryUsage", func(ctx context.Context, c *Client) error {
		_, err := c.QueryCategoryUsage(ctx, "dr", []string{"gold"}, []string{"vm"})
		return err
	}},
	{"GetCluster", func(ctx context.Context, c *Client) error { _, err := c.GetCluster(ctx, fuzzUUID); return err }},
	{"ListClusters", func(ctx context.Context, c *Client) error { _, err := c.ListClusters(ctx, ""); return err }},
	{"GetProtectionPolicy", func(ctx context.Context, c *Client) error { _, err := c.GetProtectionPolicy(ctx, fuzzUUID); return err }},
	{"ListProtectionPolicies", func(ctx context.Context, c *Client) error { _, err := c.ListProtectionPolicies(ctx, ""); return err }},
	{"DeleteProtectionPolicy", func(ctx context.Context, c *Client) error { return c.DeleteProtectionPolicy(ctx, fuzzUUID) }},
	{"GetRecoveryPlan", func(ctx context.Context, c *Client) error { _, err := c.GetRecoveryPlan(ctx, fuzzUUID); return err }},
	{"ListRecoveryPlans", func(ctx context.Context, c *Client) error { _, err := c.ListRecoveryPlans(ctx, ""); return err }},
	{"GetRecoveryPlanJob", func(ctx context.Context, c *Client) error { _, err := c.GetRecoveryPlanJob(ctx, fuzzUUID); return err }},
	{"WaitForRecoveryPlanJob", func(ctx context.Context, c *Client) error {
		_, err := c.WaitForRecoveryPlanJob(ctx, fuzzUUID, nil)
		return err
	}},
	{"ListRecoveryPlanJobs", func(ctx context.Context, c *Client) error { _, err := c.ListRecoveryPlanJobs(ctx, ""); return err }},
	{"ListRecoveryPlanJobsOfPlan", func(ctx context.Context, c *Client) error {
		_, err := c.ListRecoveryPlanJobsOfPlan(ctx, fuzzUUID)
		return err
	}},
	{"StartRecoveryPlanJob", func(ctx context.Context, c *Client) error {
		_, err := c.StartRecoveryPlanJob(ctx, FailoverInput{RecoveryPlanUUID: fuzzUUID, ActionType: JobActionMigrate, FailedAZUUID: fuzzUUID, RecoveryAZUUID: "1c7a3f2d-4b5e-4f60-9a1b-2c3d4e5f6a7b"})
		return err
	}},
	{"ListVMRecoveryPoints", func(ctx context.Context, c *Client) error { _, err := c.ListVMRecoveryPoints(ctx, ""); return err }},
	{"GetVMRecoveryPoint", func(ctx context.Context, c *Client) error { _, err := c.GetVMRecoveryPoint(ctx, fuzzUUID); return err }},
	{"GetRecoveryPointStore", func(ctx context.Context, c *Client) error {
		_, err := c.GetRecoveryPointStore(ctx, fuzzUUID)
		return err
	}},
	{"ListRecoveryPointStores", func(ctx context.Context, c *Client) error { _, err := c.ListRecoveryPointStores(ctx, ""); return err }},
	{"GetRouteTable", func(ctx context.Context, c *Client) error { _, err := c.GetRouteTable(ctx, fuzzUUID); return err }},
	{"GetSubnet", func(ctx context.Context, c *Client) error { _, err := c.GetSubnet(ctx, fuzzUUID); return err }},
	{"ListSubnets", func(ctx context.Context, c *Client) error { _, err := c.ListSubnets(ctx, ""); return err }},
	{"GetTask", func(ctx context.Context, c *Client) error { _, err := c.GetTask(ctx, fuzzUUID); return err }},
	{"WaitForTask", func(ctx context.Context, c *Client) error {
		_, err := c.WaitForTask(ctx, fuzzUUID, "fuzzing", nil)
		return err
	}},
	{"GetVM", func(ctx context.Context, c *Client) error { _, err := c.GetVM(ctx, fuzzUUID); return err }},
	{"ListVMs", func(ctx context.Context, c *Client) error { _, err := c.ListVMs(ctx, ""); return err }},
	{"UpdateVMCategories", func(ctx context.Context, c *Client) error {
		_, err := c.UpdateVMCategories(ctx, fuzzUUID, func(m map[string]string) { m["dr"] = "gold" })
		return err
	}},
	{"GetVPC", func(ctx context.Context, c *Client) error { _, err := c.GetVPC(ctx, fuzzUUID); return err }},
	{"ListVPCs", func(ctx context.Context, c *Client) error { _, err := c.ListVPCs(ctx, ""); return err }},
	{"DeleteVPC", func(ctx context.Context, c *Client) error { return c.DeleteVPC(ctx, fuzzUUID) }},
}

// fuzzServer answers every request with the status and body of the current fuzz input.
type fuzzServer struct {
	mu     sync.Mutex
	status int
	body   []byte
}

func (s *fuzzServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	status, body := s.status, s.body
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fuzzSeeds are answers shaped like Prism Central's, and broken ones.
var fuzzSeeds = []string{
	`{"api_version":"3.1","metadata":{"kind":"vm","uuid":"` + fuzzUUID + `","spec_version":1,"categories":{"dr":"gold"}},"spec":{"name":"app-01","resources":{}},"status":{"state":"COMPLETE","name":"app-01","resources":{"power_state":"ON"}}}`,
	`{"api_version":"3.1","metadata":{"kind":"vm","total_matches":1,"length":1,"offset":0},"entities":[{"metadata":{"kind":"vm","uuid":"` + fuzzUUID + `"},"status":{"state":"COMPLETE"}}]}`,
	`{"uuid":"` + fuzzUUID + `","status":"SUCCEEDED","percentage_complete":100,"entity_reference_list":[{"kind":"cloud_trust","uuid":"` + fuzzUUID + `"}]}`,
	`{"uuid":"` + fuzzUUID + `","status":"FAILED","error_code":"CLOUD_TRUST_EXISTS","error_detail":"already paired"}`,
	`{"api_version":"3.1","metadata":{"kind":"recovery_plan_job","uuid":"` + fuzzUUID + `"},"status":{"execution_status":{"status":"COMPLETED","percentage_complete":100},"validation_information":{"errors_list":[],"warnings_list":[]}}}`,
	`{"api_version":"3.1","kind":"vm","code":409,"state":"ERROR","message_list":[{"reason":"CONCURRENT_REQUESTS_NOT_ALLOWED","message":"vm is already being deleted","details":{"x":1}}]}`,
	`{"data":{"extId":"` + fuzzUUID + `","name":"s3","$objectType":"dataprotection.v4.config.RecoveryPointStore"},"metadata":{"totalAvailableResults":1}}`,
	`{"status":{"execution_context":{"task_uuid":["a","b"]},"state":"PENDING"},"metadata":{"uuid":"x","kind":"cloud_trust"}}`,
	`{"metadata":{"kind":"vm","uuid":1},"status":{"state":7}}`,
	`<html><body>500 Internal Server Error</body></html>`,
	`{"metadata":`,
	``,
	`null`,
	`[]`,
}

func FuzzDecodeAnswers(f *testing.F) {
	for i := range fuzzOps {
		for _, seed := range fuzzSeeds {
			f.Add(uint8(i), uint16(200), []byte(seed))
		}
		f.Add(uint8(i), uint16(404), []byte(fuzzSeeds[5]))
		f.Add(uint8(i), uint16(202), []byte(fuzzSeeds[7]))
	}
	srv := &fuzzServer{}
	ts := newServer(f, srv.ServeHTTP)
	c, _ := newClient(f, ts, func(cfg *Config) { cfg.MaxRetries = -1 })
	f.Fuzz(func(t *testing.T, op uint8, status uint16, body []byte) {
		o := fuzzOps[int(op)%len(fuzzOps)]
		st := int(status)
		if st < 200 || st > 599 {
			st = st%400 + 200 // a final answer: 1xx are not
		}
		srv.mu.Lock()
		srv.status, srv.body = st, body
		srv.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		err := o.call(ctx, c)
		checkTypedDecodeError(t, o.name, st, body, err)
	})
}

// checkTypedDecodeError fails when err holds a decoder's error that is not inside an
// *APIError or a *DecodeError, or when an answer that is not JSON at all was accepted.
func checkTypedDecodeError(t *testing.T, op string, status int, body []byte, err error) {
	t.Helper()
	if err == nil {
		if status/100 == 2 && len(body) > 0 && !json.Valid(body) {
			t.Fatalf("%s accepted a %d answer that is not JSON: %q", op, status, body)
		}
		return
	}
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var decodeErr *DecodeError
	var apiErr *APIError
	if (errors.As(err, &syntax) || errors.As(err, &typeErr)) && !errors.As(err, &decodeErr) {
		t.Fatalf("%s: a decoder's error escaped untyped: %v (%T)", op, err, err)
	}
	if status/100 != 2 && !errors.As(err, &apiErr) && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%s: a %d answer gave %v (%T), want an *APIError", op, status, err, err)
	}
}
