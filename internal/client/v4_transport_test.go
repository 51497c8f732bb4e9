package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	dpcommon "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/models/common/v1/config"
	dpcfg "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/models/datapolicies/v4/config"
	dperr "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/models/datapolicies/v4/error"
	dpprism "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/models/prism/v4/config"
)

// The answers in these tests are Nutanix's own models from its v4 Go SDKs, marshaled as the
// SDKs marshal them, so that the shapes the transport decodes are Nutanix's and not ours.

// writeSDK writes v (an SDK model) as the JSON answer.
func writeSDK(t *testing.T, w http.ResponseWriter, status int, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Errorf("marshaling %T: %v", v, err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// sdkError is a datapolicies ErrorResponse with one message.
func sdkError(code, message string) *dperr.ErrorResponse {
	m := dperr.NewAppMessage()
	m.Code = &code
	m.Message = &message
	m.Severity = dpcommon.MESSAGESEVERITY_ERROR.Ref()
	m.ArgumentsMap = map[string]string{"extId": "x"}
	er := dperr.NewErrorResponse()
	if err := er.SetError([]dperr.AppMessage{*m}); err != nil {
		panic(err)
	}
	return er
}

// writeSDKError writes a v4 error answer: the API response of the operation with an
// ErrorResponse as data.
func writeSDKError(t *testing.T, w http.ResponseWriter, status int, code, message string) {
	t.Helper()
	resp := dpcfg.NewGetProtectionPolicyApiResponse()
	if err := resp.SetData(*sdkError(code, message)); err != nil {
		t.Fatalf("SetData: %v", err)
	}
	writeSDK(t, w, status, resp)
}

// sdkPolicy is the protection policy replicated-vm as the SDK models it.
func sdkPolicy(extID string) dpcfg.ProtectionPolicy {
	pp := dpcfg.NewProtectionPolicy()
	pp.ExtId = &extID
	name := "replicated-vm"
	pp.Name = &name
	pp.CategoryIds = []string{"cat-1"}
	for i, label := range []string{"canada", "france"} {
		loc := dpcfg.NewReplicationLocation()
		l := label
		loc.Label = &l
		dm := fmt.Sprintf("dm-%d", i)
		loc.DomainManagerExtId = &dm
		primary := i == 0
		loc.IsPrimary = &primary
		nc := dpcfg.NewNutanixCluster()
		nc.ClusterExtIds = []string{fmt.Sprintf("cluster-%d", i)}
		if err := loc.SetReplicationSubLocation(*nc); err != nil {
			panic(err)
		}
		pp.ReplicationLocations = append(pp.ReplicationLocations, *loc)
	}
	sch := dpcfg.NewSchedule()
	rpo := 900
	sch.RecoveryPointObjectiveTimeSeconds = &rpo
	lin := dpcfg.NewLinearRetention()
	n := 4
	lin.Local, lin.Remote = &n, &n
	if err := sch.SetRetention(*lin); err != nil {
		panic(err)
	}
	rc := dpcfg.NewReplicationConfiguration()
	src, dst := "canada", "france"
	rc.SourceLocationLabel, rc.RemoteLocationLabel, rc.Schedule = &src, &dst, sch
	pp.ReplicationConfigurations = []dpcfg.ReplicationConfiguration{*rc}
	return *pp
}

// taskAnswer is the answer to an asynchronous mutation: a TaskReference.
func taskAnswer(extID string) *dpcfg.CreateProtectionPolicyApiResponse {
	ref := dpprism.NewTaskReference()
	ref.ExtId = &extID
	resp := dpcfg.NewCreateProtectionPolicyApiResponse()
	if err := resp.SetData(*ref); err != nil {
		panic(err)
	}
	return resp
}

// policyJSON is what these tests decode a protection policy into.
type policyJSON struct {
	ExtID                string   `json:"extId"`
	Name                 string   `json:"name"`
	CategoryIDs          []string `json:"categoryIds"`
	ReplicationLocations []struct {
		Label                  string `json:"label"`
		IsPrimary              bool   `json:"isPrimary"`
		ReplicationSubLocation struct {
			ObjectType    string   `json:"$objectType"`
			ClusterExtIDs []string `json:"clusterExtIds"`
		} `json:"replicationSubLocation"`
	} `json:"replicationLocations"`
	ReplicationConfigurations []struct {
		SourceLocationLabel string `json:"sourceLocationLabel"`
		RemoteLocationLabel string `json:"remoteLocationLabel"`
		Schedule            struct {
			RPO       int `json:"recoveryPointObjectiveTimeSeconds"`
			Retention struct {
				ObjectType string `json:"$objectType"`
				Local      int    `json:"local"`
			} `json:"retention"`
		} `json:"schedule"`
	} `json:"replicationConfigurations"`
}

// policyServer is a small v4 protection policy endpoint built on the SDK models: it keeps an
// ETag per policy, refuses a stale If-Match with 412, and acts once per Ntnx-Request-Id
// (a repeated id gets the first answer again).
type policyServer struct {
	t        *testing.T
	mu       sync.Mutex
	policies map[string]dpcfg.ProtectionPolicy
	version  map[string]int
	seen     map[string]string // request id -> task extId answered
	acted    int               // mutations that changed state
	ids      []string          // Ntnx-Request-Id of every mutation attempt, in order
	ifMatch  []string          // If-Match of every PUT/DELETE attempt
	// dropFirst drops the connection after acting on the first mutation attempt.
	dropFirst bool
	dropped   bool
}

const ppBase = "/api/datapolicies/v4.2/config/protection-policies"

func newPolicyServer(t *testing.T) *policyServer {
	return &policyServer{t: t, policies: map[string]dpcfg.ProtectionPolicy{}, version: map[string]int{}, seen: map[string]string{}}
}

func (s *policyServer) etag(id string) string { return fmt.Sprintf("W/\"%s-%d\"", id, s.version[id]) }

func (s *policyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, ppBase), "/")
	if r.Method != http.MethodGet {
		rid := r.Header.Get(headerRequestID)
		s.ids = append(s.ids, rid)
		if r.Method == http.MethodPut || r.Method == http.MethodDelete {
			s.ifMatch = append(s.ifMatch, r.Header.Get(headerIfMatch))
		}
		if rid == "" {
			writeSDKError(s.t, w, http.StatusBadRequest, "DPL-40001", "Ntnx-Request-Id header is required")
			return
		}
		if task, ok := s.seen[rid]; ok {
			writeSDK(s.t, w, http.StatusAccepted, taskAnswer(task))
			return
		}
	}
	switch {
	case r.Method == http.MethodGet && id != "":
		pp, ok := s.policies[id]
		if !ok {
			writeSDKError(s.t, w, http.StatusNotFound, "DPL-40400", "protection policy "+id+" not found")
			return
		}
		resp := dpcfg.NewGetProtectionPolicyApiResponse()
		if err := resp.SetData(pp); err != nil {
			s.t.Fatalf("SetData: %v", err)
		}
		w.Header().Set(headerETag, s.etag(id))
		writeSDK(s.t, w, http.StatusOK, resp)
	case r.Method == http.MethodPost && id == "":
		body, _ := io.ReadAll(r.Body)
		var in dpcfg.ProtectionPolicy
		if err := json.Unmarshal(body, &in); err != nil || in.Name == nil {
			writeSDKError(s.t, w, http.StatusBadRequest, "DPL-40002", "invalid protection policy")
			return
		}
		newID := fmt.Sprintf("pp-%d", len(s.policies)+1)
		in.ExtId = &newID
		s.policies[newID] = in
		s.acted++
		task := "ZXJnb24=:task-" + newID
		s.seen[r.Header.Get(headerRequestID)] = task
		if s.dropFirst && !s.dropped {
			s.dropped = true
			dropConnection(s.t, w)
			return
		}
		writeSDK(s.t, w, http.StatusAccepted, taskAnswer(task))
	case (r.Method == http.MethodPut || r.Method == http.MethodDelete) && id != "":
		if _, ok := s.policies[id]; !ok {
			writeSDKError(s.t, w, http.StatusNotFound, "DPL-40400", "protection policy "+id+" not found")
			return
		}
		if r.Header.Get(headerIfMatch) != s.etag(id) {
			writeSDKError(s.t, w, http.StatusPreconditionFailed, "DPL-41200", "the entity has been modified: ETag mismatch")
			return
		}
		if r.Method == http.MethodDelete {
			delete(s.policies, id)
		} else {
			body, _ := io.ReadAll(r.Body)
			var in dpcfg.ProtectionPolicy
			if err := json.Unmarshal(body, &in); err != nil {
				writeSDKError(s.t, w, http.StatusBadRequest, "DPL-40002", "invalid protection policy")
				return
			}
			in.ExtId = &id
			s.policies[id] = in
			s.version[id]++
		}
		s.acted++
		task := fmt.Sprintf("ZXJnb24=:task-%s-%d", id, s.acted)
		s.seen[r.Header.Get(headerRequestID)] = task
		writeSDK(s.t, w, http.StatusAccepted, taskAnswer(task))
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func TestV4ReadDecodesTheSDKEnvelopeAndKeepsTheETag(t *testing.T) {
	ps := newPolicyServer(t)
	ps.policies["pp-1"] = sdkPolicy("pp-1")
	ps.version["pp-1"] = 7
	c, _ := newClient(t, newServer(t, ps.ServeHTTP))

	var got policyJSON
	etag, err := c.getV4Entity(context.Background(), "reading protection policy pp-1", v4DataPolicies.Path("/config/protection-policies/pp-1"), &got)
	if err != nil {
		t.Fatalf("getV4Entity: %v", err)
	}
	if etag != `W/"pp-1-7"` {
		t.Errorf("etag = %q", etag)
	}
	if got.ExtID != "pp-1" || got.Name != "replicated-vm" || len(got.CategoryIDs) != 1 {
		t.Errorf("policy = %+v", got)
	}
	if len(got.ReplicationLocations) != 2 || got.ReplicationLocations[0].Label != "canada" || !got.ReplicationLocations[0].IsPrimary ||
		got.ReplicationLocations[1].ReplicationSubLocation.ObjectType != "datapolicies.v4.config.NutanixCluster" ||
		got.ReplicationLocations[1].ReplicationSubLocation.ClusterExtIDs[0] != "cluster-1" {
		t.Errorf("locations = %+v", got.ReplicationLocations)
	}
	if len(got.ReplicationConfigurations) != 1 || got.ReplicationConfigurations[0].Schedule.RPO != 900 ||
		got.ReplicationConfigurations[0].Schedule.Retention.ObjectType != "datapolicies.v4.config.LinearRetention" ||
		got.ReplicationConfigurations[0].Schedule.Retention.Local != 4 {
		t.Errorf("configurations = %+v", got.ReplicationConfigurations)
	}
}

func TestV4UpdateSendsRequestIDAndIfMatchAndAnswersWithATask(t *testing.T) {
	ps := newPolicyServer(t)
	ps.policies["pp-1"] = sdkPolicy("pp-1")
	c, _ := newClient(t, newServer(t, ps.ServeHTTP))
	ctx := context.Background()
	path := v4DataPolicies.Path("/config/protection-policies/pp-1")

	var doc json.RawMessage
	etag, err := c.getV4Entity(ctx, "reading protection policy pp-1", path, &doc)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	rid := NewRequestID()
	task, err := c.mutateV4(ctx, v4Call{op: "updating protection policy pp-1", method: http.MethodPut, path: path, in: doc, requestID: rid, etag: etag})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if !strings.HasPrefix(task, "ZXJnb24=:task-pp-1-") {
		t.Errorf("task = %q", task)
	}
	if len(ps.ids) != 1 || ps.ids[0] != string(rid) {
		t.Errorf("request ids = %v, want [%s]", ps.ids, rid)
	}
	if len(ps.ifMatch) != 1 || ps.ifMatch[0] != etag {
		t.Errorf("If-Match = %v, want [%s]", ps.ifMatch, etag)
	}

	// The ETag read before the update is stale now: a second update with it is refused.
	_, err = c.mutateV4(ctx, v4Call{op: "updating protection policy pp-1", method: http.MethodPut, path: path, in: doc, requestID: NewRequestID(), etag: etag})
	if !errors.Is(err, ErrPreconditionFailed) {
		t.Fatalf("stale update: err = %v, want ErrPreconditionFailed", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("stale update: err = %#v, want an *APIError with status 412", err)
	}
	mustContain(t, err.Error(), "updating protection policy pp-1", "PUT "+path, "412 Precondition Failed",
		"DPL-41200: the entity has been modified: ETag mismatch", "changed by someone else since it was read", "If-Match")
	if ps.acted != 1 {
		t.Errorf("server acted %d times, want 1", ps.acted)
	}
}

func TestV4RetryAfterADroppedAnswerResendsTheSameRequestID(t *testing.T) {
	ps := newPolicyServer(t)
	ps.dropFirst = true
	c, log := newClient(t, newServer(t, ps.ServeHTTP))

	rid := NewRequestID()
	task, err := c.mutateV4(context.Background(), v4Call{
		op: "creating protection policy replicated-vm", method: http.MethodPost, path: v4DataPolicies.Path("/config/protection-policies"),
		in: sdkPolicy(""), requestID: rid,
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if len(ps.ids) != 2 || ps.ids[0] != string(rid) || ps.ids[1] != string(rid) {
		t.Errorf("request ids of the attempts = %v, want [%s %s]", ps.ids, rid, rid)
	}
	if ps.acted != 1 || len(ps.policies) != 1 {
		t.Errorf("server acted %d times and holds %d policies, want 1 and 1", ps.acted, len(ps.policies))
	}
	if task != "ZXJnb24=:task-pp-1" {
		t.Errorf("task = %q, want the first attempt's", task)
	}
	if n := len(log.retries()); n != 1 {
		t.Errorf("%d retries logged, want 1", n)
	}

	// The caller keeps the id across its own retries of the same operation too: sending the
	// create again with it acts no more.
	task2, err := c.mutateV4(context.Background(), v4Call{
		op: "creating protection policy replicated-vm", method: http.MethodPost, path: v4DataPolicies.Path("/config/protection-policies"),
		in: sdkPolicy(""), requestID: rid,
	})
	if err != nil || task2 != task || ps.acted != 1 {
		t.Errorf("repeated create: task %q, err %v, acted %d; want %q, nil, 1", task2, err, ps.acted, task)
	}
}

func TestV4ErrorsMapToTheClientErrors(t *testing.T) {
	tests := map[string]struct {
		answer func(t *testing.T, w http.ResponseWriter)
		is     []error
		isNot  []error
		parts  []string
	}{
		"not found": {
			answer: func(t *testing.T, w http.ResponseWriter) {
				writeSDKError(t, w, http.StatusNotFound, "DPL-40400", "protection policy pp-9 not found")
			},
			is:    []error{ErrNotFound},
			isNot: []error{ErrV4NotServed, ErrPreconditionFailed},
			parts: []string{"reading protection policy pp-9", "404 Not Found", "DPL-40400: protection policy pp-9 not found", "extId=x"},
		},
		"conflict": {
			answer: func(t *testing.T, w http.ResponseWriter) {
				writeSDKError(t, w, http.StatusConflict, "DPL-40900", "concurrent update")
			},
			isNot: []error{ErrNotFound},
			parts: []string{"409 Conflict", "DPL-40900: concurrent update", "changed by someone else at the same time"},
		},
		"schema validation": {
			answer: func(t *testing.T, w http.ResponseWriter) {
				sv := dperr.NewSchemaValidationError()
				msg, status := "Failed to validate the request", 400
				sv.Error, sv.StatusCode = &msg, &status
				vm := dperr.NewSchemaValidationErrorMessage()
				attr, vmsg := "replicationLocations[0].label", "must not be empty"
				vm.AttributePath, vm.Message = &attr, &vmsg
				sv.ValidationErrorMessages = []dperr.SchemaValidationErrorMessage{*vm}
				er := dperr.NewErrorResponse()
				if err := er.SetError(*sv); err != nil {
					t.Fatalf("SetError: %v", err)
				}
				resp := dpcfg.NewGetProtectionPolicyApiResponse()
				if err := resp.SetData(*er); err != nil {
					t.Fatalf("SetData: %v", err)
				}
				writeSDK(t, w, http.StatusBadRequest, resp)
			},
			isNot: []error{ErrNotFound},
			parts: []string{"400 Bad Request", "Failed to validate the request", "replicationLocations[0].label: must not be empty", "fix the configuration"},
		},
		"namespace not served": {
			answer: func(_ *testing.T, w http.ResponseWriter) {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusNotFound)
				_, _ = fmt.Fprint(w, "404 page not found")
			},
			is:    []error{ErrV4NotServed},
			isNot: []error{ErrNotFound},
			parts: []string{"does not serve the v4 API datapolicies v4.2"},
		},
		"authentication": {
			answer: func(_ *testing.T, w http.ResponseWriter) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = fmt.Fprint(w, "<html><title>401</title></html>")
			},
			is:    []error{ErrAuthentication},
			isNot: []error{ErrNotFound},
			parts: []string{"authentication failed for user"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c, _ := newClient(t, newServer(t, func(w http.ResponseWriter, _ *http.Request) { tt.answer(t, w) }))
			var out json.RawMessage
			_, err := c.sendV4(context.Background(), v4Call{op: "reading protection policy pp-9", method: http.MethodGet,
				path: v4DataPolicies.Path("/config/protection-policies/pp-9"), out: &out})
			if err == nil {
				t.Fatal("no error")
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = false; err = %v", target, err)
				}
			}
			for _, target := range tt.isNot {
				if errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = true; err = %v", target, err)
				}
			}
			mustContain(t, err.Error(), tt.parts...)
		})
	}
}

func TestV4RefusesMutationsThatBreakTheContract(t *testing.T) {
	var requests int
	c, _ := newClient(t, newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		requests++
		w.WriteHeader(http.StatusAccepted)
	}))
	path := v4DataPolicies.Path("/config/protection-policies/pp-1")
	ctx := context.Background()
	if _, err := c.sendV4(ctx, v4Call{op: "creating x", method: http.MethodPost, path: path, in: map[string]any{}}); err == nil ||
		!strings.Contains(err.Error(), "no Ntnx-Request-Id") {
		t.Errorf("POST without request id: err = %v", err)
	}
	if _, err := c.sendV4(ctx, v4Call{op: "updating x", method: http.MethodPut, path: path, in: map[string]any{}, requestID: NewRequestID()}); err == nil ||
		!strings.Contains(err.Error(), "no If-Match ETag") {
		t.Errorf("PUT without etag: err = %v", err)
	}
	if _, err := c.sendV4(ctx, v4Call{op: "deleting x", method: http.MethodDelete, path: path, requestID: NewRequestID()}); err == nil {
		t.Error("DELETE without etag: no error")
	}
	if requests != 0 {
		t.Errorf("%d requests sent, want 0", requests)
	}
	// A delete answered 204 with no body is a success.
	if _, err := c.sendV4(ctx, v4Call{op: "deleting x", method: http.MethodDelete, path: path, requestID: NewRequestID(), etag: `"1"`}); err != nil {
		t.Errorf("DELETE answered 202 without a body: %v", err)
	}
}

func TestV4ReadOfSomethingElseIsNotPrismCentral(t *testing.T) {
	c, _ := newClient(t, newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"hello": "world"})
	}))
	var out policyJSON
	_, err := c.sendV4(context.Background(), v4Call{op: "reading protection policy pp-1", method: http.MethodGet,
		path: v4DataPolicies.Path("/config/protection-policies/pp-1"), out: &out})
	if !errors.Is(err, ErrNotPrismCentral) {
		t.Errorf("err = %v, want ErrNotPrismCentral", err)
	}
}

func TestV4FilterEqQuotes(t *testing.T) {
	if got := V4FilterEq("name", "o'neil"); got != "name eq 'o''neil'" {
		t.Errorf("V4FilterEq = %q", got)
	}
	if got := v4NamespaceOf("/api/networking/v4.3/config/subnets"); got != "the v4 API networking v4.3" {
		t.Errorf("v4NamespaceOf = %q", got)
	}
}
