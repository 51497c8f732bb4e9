package client

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	dpcfg "github.com/nutanix/ntnx-api-golang-clients/datapolicies-go-client/v4/models/datapolicies/v4/config"
	prismcommon "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/common/v1/config"
	prismcfg "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/config"
	prismmgmt "github.com/nutanix/ntnx-api-golang-clients/prism-go-client/v4/models/prism/v4/management"
)

// v4Fake is a small Prism Central for the v4 kinds the client speaks, whose answers are the
// SDKs' own models: the namespace probe, categories, protection policies, tasks, the local
// domain manager and its registrations, and the v3 availability zones the zone map reads. It
// keeps an ETag per entity and refuses a stale If-Match with 412, acts once per
// Ntnx-Request-Id (a repeated id gets the first answer again), and records every mutation.
type v4Fake struct {
	t  *testing.T
	mu sync.Mutex
	// served is the version OPTIONS /api/<ns>/unversioned/info answers per namespace; a
	// namespace not in it answers 404.
	served map[string]string
	probes map[string]int

	cats     map[string]prismcfg.Category
	policies map[string]dpcfg.ProtectionPolicy
	plans    map[string]dpcfg.RecoveryPlan
	stages   map[string]dpcfg.RecoveryStage
	mappings map[string]dpcfg.NetworkMapping
	owner    map[string]string // stage or mapping extId -> plan extId
	jobs     map[string]*fakeJob
	// v3Seen are the v3 requests (but the zone list) the fake was sent.
	v3Seen []string
	// settings counts the recovery settings of each plan (read only: none are written).
	settings map[string]int
	// actionsRun are the actions run on plans, "<plan> <verb>".
	actionsRun []string
	version    map[string]int
	tasks      map[string]prismcfg.Task
	answered   map[string]fakeAnswer // request id -> first answer
	next       int

	localDM string
	regs    []prismmgmt.Registration
	azs     []map[string]any

	// mutations are every POST, PUT and DELETE attempt, in order; acted counts those that
	// changed state.
	mutations []v4Mutation
	acted     int
	// requests counts every request by "METHOD /path" with ids replaced by {id}.
	requests map[string]int
	// dropAfterActing drops the connection after acting on the next mutation.
	dropAfterActing bool
	// changeBeforeNextWrite changes the entity (bumps its ETag) just before the next PUT or
	// DELETE is checked, as someone else's write would.
	changeBeforeNextWrite bool
	// failNextCreate makes the next create's task fail, leaving nothing.
	failNextCreate bool
}

type fakeAnswer struct {
	status int
	body   []byte
}

type v4Mutation struct {
	Method, Path, RequestID, IfMatch string
}

const (
	catBase = "/api/prism/v4.3/config/categories"
	dmBase  = "/api/prism/v4.3/config/domain-managers"
	regBase = "/api/prism/v4.3/management/domain-managers/"
	rpBase  = "/api/datapolicies/v4.2/config/recovery-plans"
)

func newV4Fake(t *testing.T) *v4Fake {
	f := &v4Fake{
		t: t, served: map[string]string{"prism": "v4.3", "datapolicies": "v4.2", "dataprotection": "v4.3"}, probes: map[string]int{},
		cats: map[string]prismcfg.Category{}, policies: map[string]dpcfg.ProtectionPolicy{}, version: map[string]int{},
		plans: map[string]dpcfg.RecoveryPlan{}, stages: map[string]dpcfg.RecoveryStage{}, mappings: map[string]dpcfg.NetworkMapping{},
		owner: map[string]string{}, jobs: map[string]*fakeJob{}, settings: map[string]int{},
		tasks: map[string]prismcfg.Task{}, answered: map[string]fakeAnswer{}, requests: map[string]int{},
		localDM: "dm-local-0000",
	}
	// Two paired Prism Centrals: the Local zone and a remote one whose management_url is its
	// address; the registration names the remote domain manager and that address.
	f.azs = []map[string]any{
		fakeAZ("az-local", "Local", "10.0.0.5"),
		fakeAZ("az-remote", "PC", "10.1.0.5"),
	}
	reg := prismmgmt.NewRegistration()
	regID, remote := "reg-1", "dm-remote-1111"
	reg.ExtId, reg.RemoteClusterExtId = &regID, &remote
	rc := prismmgmt.NewRemoteCluster()
	addr := prismcommon.NewIPAddressOrFQDN()
	ip := prismcommon.NewIPv4Address()
	v := "10.1.0.5"
	ip.Value = &v
	addr.Ipv4 = ip
	rc.ExternalAddress = addr
	rc.ExtId = &remote
	reg.RemoteClusterDetails = rc
	f.regs = []prismmgmt.Registration{*reg}
	return f
}

func fakeAZ(uuid, typ, url string) map[string]any {
	res := map[string]any{"management_plane_type": typ, "management_url": url}
	return map[string]any{
		"metadata": map[string]any{"kind": "availability_zone", "uuid": uuid},
		"spec":     map[string]any{"name": uuid, "resources": res},
		"status":   map[string]any{"name": uuid, "state": "COMPLETE", "resources": res},
	}
}

// client starts the server and returns a client of it under api_version.
func (f *v4Fake) client(apiVersion string) *Client {
	srv := newServer(f.t, f.ServeHTTP)
	c, _ := newClient(f.t, srv, func(cfg *Config) { cfg.APIVersion = apiVersion })
	return c
}

func (f *v4Fake) etag(id string) string { return fmt.Sprintf(`W/"%s-%d"`, id, f.version[id]) }

var fakeIDPattern = regexp.MustCompile(`/(cat|pp|rp|st|nm|job|task|dm|reg)-[^/]*|/ZXJnb24=:[^/]*`)

func (f *v4Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests[r.Method+" "+fakeIDPattern.ReplaceAllString(r.URL.Path, "/{id}")]++
	body, _ := io.ReadAll(r.Body)
	if r.Method == http.MethodOptions {
		ns := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/"), "/unversioned/info")
		f.probes[ns]++
		if v, ok := f.served[ns]; ok {
			writeJSON(w, http.StatusOK, map[string]any{"data": v})
			return
		}
		http.NotFound(w, r)
		return
	}
	if isMutation(r.Method) && !strings.HasPrefix(r.URL.Path, "/api/nutanix/v3/") {
		rid := r.Header.Get(headerRequestID)
		f.mutations = append(f.mutations, v4Mutation{Method: r.Method, Path: r.URL.Path, RequestID: rid, IfMatch: r.Header.Get(headerIfMatch)})
		if rid == "" {
			writeSDKError(f.t, w, http.StatusBadRequest, "PRI-40001", "Ntnx-Request-Id header is required")
			return
		}
		if a, ok := f.answered[rid]; ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(a.status)
			_, _ = w.Write(a.body)
			return
		}
		rec := httptest.NewRecorder()
		f.route(rec, r, body)
		if rec.Code < 300 {
			f.acted++
			f.answered[rid] = fakeAnswer{status: rec.Code, body: rec.Body.Bytes()}
			if f.dropAfterActing {
				f.dropAfterActing = false
				dropConnection(f.t, w)
				return
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	f.route(w, r, body)
}

func (f *v4Fake) route(w http.ResponseWriter, r *http.Request, body []byte) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && p == "/api/nutanix/v3/availability_zones/list":
		writeJSON(w, 200, map[string]any{"api_version": "3.1", "entities": f.azs,
			"metadata": map[string]any{"kind": "availability_zone", "total_matches": len(f.azs), "length": len(f.azs), "offset": 0}})
	case r.Method == http.MethodGet && strings.HasPrefix(p, taskBase):
		t, ok := f.tasks[strings.TrimPrefix(p, taskBase)]
		if !ok {
			writeSDKError(f.t, w, http.StatusNotFound, "PRI-40400", "no such task")
			return
		}
		resp := prismcfg.NewGetTaskApiResponse()
		f.must(resp.SetData(t))
		writeSDK(f.t, w, 200, resp)
	case r.Method == http.MethodGet && p == dmBase:
		dm := prismcfg.NewDomainManager()
		dm.ExtId = &f.localDM
		resp := prismcfg.NewListDomainManagerApiResponse()
		f.must(resp.SetData([]prismcfg.DomainManager{*dm}))
		writeSDK(f.t, w, 200, resp)
	case r.Method == http.MethodGet && p == regBase+f.localDM+"/registrations":
		resp := prismmgmt.NewListRegistrationApiResponse()
		f.must(resp.SetData(f.regs))
		writeSDK(f.t, w, 200, resp)
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/api/nutanix/v3/categories/") &&
		!strings.Contains(strings.TrimPrefix(p, "/api/nutanix/v3/categories/"), "/"):
		// Category keys stay on v3 (a v4 category is a key:value pair): every key exists here.
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"name": %q, "description": ""}`, strings.TrimPrefix(p, "/api/nutanix/v3/categories/"))
	case strings.HasPrefix(p, "/api/nutanix/v3/"):
		// The v3 wire, where "auto" falls back to: recorded, not served.
		f.v3Seen = append(f.v3Seen, r.Method+" "+p)
		v3Error(w, http.StatusNotFound, ReasonEntityNotFound, "the v4 fake serves no v3 "+p)
	case r.Method == http.MethodGet && p == "/api/dataprotection/v4.3/config/recovery-points":
		// The recovery points an unplanned failover's data-loss window is worked out from:
		// none here (the window stays unknown).
		writeJSON(w, 200, map[string]any{"metadata": map[string]any{"totalAvailableResults": 0}})
	case strings.HasPrefix(p, catBase):
		f.categories(w, r, strings.TrimPrefix(strings.TrimPrefix(p, catBase), "/"), body)
	case strings.HasPrefix(p, dprOps):
		f.actions(w, r, strings.TrimPrefix(p, dprOps), body)
	case strings.HasPrefix(p, dprJobs):
		f.recoveryPlanJobs(w, r, strings.TrimPrefix(strings.TrimPrefix(p, dprJobs), "/"))
	case strings.HasPrefix(p, rpBase):
		f.recoveryPlans(w, r, strings.TrimPrefix(strings.TrimPrefix(p, rpBase), "/"), body)
	case strings.HasPrefix(p, ppBase):
		f.protectionPolicies(w, r, strings.TrimPrefix(strings.TrimPrefix(p, ppBase), "/"), body)
	default:
		f.t.Errorf("v4Fake: unexpected %s %s", r.Method, p)
		http.NotFound(w, r)
	}
}

func (f *v4Fake) must(err error) {
	if err != nil {
		f.t.Fatalf("SDK SetData: %v", err)
	}
}

// conditional checks the If-Match of a PUT or DELETE on id; false when it answered.
func (f *v4Fake) conditional(w http.ResponseWriter, r *http.Request, id string) bool {
	if f.changeBeforeNextWrite {
		f.changeBeforeNextWrite = false
		f.version[id]++
	}
	if r.Header.Get(headerIfMatch) != f.etag(id) {
		writeSDKError(f.t, w, http.StatusPreconditionFailed, "PRI-41200", "the entity has been modified: ETag mismatch")
		return false
	}
	return true
}

// odataEq reads the "field eq 'value'" terms of a $filter.
var odataEq = regexp.MustCompile(`(\w+) eq '((?:[^']|'')*)'`)

func filterTerms(r *http.Request) map[string]string {
	out := map[string]string{}
	for _, m := range odataEq.FindAllStringSubmatch(r.URL.Query().Get("$filter"), -1) {
		out[m[1]] = strings.ReplaceAll(m[2], "''", "'")
	}
	return out
}

// sdkSetter is an SDK <Operation>ApiResponse.
type sdkSetter interface{ SetData(v interface{}) error }

// sdkOne is resp with v as its data; sdkList with items, or without data when there are none
// (as the SDKs marshal an empty list).
func sdkOne(f *v4Fake, resp sdkSetter, v any) any {
	f.must(resp.SetData(v))
	return resp
}

func sdkList[T any](f *v4Fake, resp sdkSetter, items []T) any {
	if len(items) > 0 {
		f.must(resp.SetData(items))
	}
	return resp
}

// sdkTaskNaming is a succeeded task whose affected entity is id of rel.
func sdkTaskNaming(tid, id, rel string) prismcfg.Task {
	t := sdkTask(tid, prismcfg.TASKSTATUS_SUCCEEDED, 100)
	ref := prismcfg.NewEntityReference()
	ref.ExtId, ref.Rel = &id, &rel
	t.EntitiesAffected = []prismcfg.EntityReference{*ref}
	return t
}

// sortedKeys returns the keys of m in order.
func sortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// fakePage returns the page $page of $limit items of store that keep, in the order of their
// extIds.
func fakePage[T any](r *http.Request, store map[string]T, keep func(T) bool) []T {
	var ids []string
	for k, v := range store {
		if keep(v) {
			ids = append(ids, k)
		}
	}
	sort.Strings(ids)
	pg, _ := strconv.Atoi(r.URL.Query().Get("$page"))
	limit, err := strconv.Atoi(r.URL.Query().Get("$limit"))
	if err != nil || limit <= 0 {
		limit = 50
	}
	from := min(pg*limit, len(ids))
	var out []T
	for _, k := range ids[from:min(from+limit, len(ids))] {
		out = append(out, store[k])
	}
	return out
}

func (f *v4Fake) categories(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	switch {
	case r.Method == http.MethodGet && id == "":
		terms := filterTerms(r)
		out := fakePage(r, f.cats, func(c prismcfg.Category) bool {
			return (terms["key"] == "" || *c.Key == terms["key"]) && (terms["value"] == "" || *c.Value == terms["value"])
		})
		resp := prismcfg.NewListCategoriesApiResponse()
		if len(out) > 0 {
			f.must(resp.SetData(out))
		}
		writeSDK(f.t, w, 200, resp)
	case r.Method == http.MethodPost && id == "":
		var in prismcfg.Category
		if err := json.Unmarshal(body, &in); err != nil || in.Key == nil || in.Value == nil {
			writeSDKError(f.t, w, http.StatusBadRequest, "PRI-40002", "invalid category")
			return
		}
		for _, c := range f.cats {
			if *c.Key == *in.Key && *c.Value == *in.Value {
				writeSDKError(f.t, w, http.StatusConflict, "PRI-40900", "category already exists")
				return
			}
		}
		f.next++
		newID := fmt.Sprintf("cat-%04d", f.next)
		in.ExtId, in.Type = &newID, prismcfg.CATEGORYTYPE_USER.Ref()
		f.cats[newID] = in
		resp := prismcfg.NewCreateCategoryApiResponse()
		f.must(resp.SetData(in))
		writeSDK(f.t, w, http.StatusCreated, resp)
	default:
		fakeEntity(f, w, r, body, f.cats, id, "PRI", "category",
			func(c *prismcfg.Category, id string) { c.ExtId = &id },
			func(c prismcfg.Category) any { return sdkOne(f, prismcfg.NewGetCategoryApiResponse(), c) },
			func(w http.ResponseWriter, deleted bool) {
				if deleted {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				writeJSON(w, 200, map[string]any{"$objectType": "prism.v4.config.UpdateCategoryApiResponse", "data": []any{}})
			})
	}
}

// fakeEntity serves GET, PUT (If-Match) and DELETE (If-Match) of entity id of store: get
// wraps the entity in its SDK answer, done answers a write that was made.
func fakeEntity[T any](f *v4Fake, w http.ResponseWriter, r *http.Request, body []byte, store map[string]T, id, prefix, noun string,
	setID func(*T, string), get func(T) any, done func(w http.ResponseWriter, deleted bool),
) {
	e, ok := store[id]
	if !ok {
		writeSDKError(f.t, w, http.StatusNotFound, prefix+"-40400", noun+" "+id+" not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		w.Header().Set(headerETag, f.etag(id))
		writeSDK(f.t, w, 200, get(e))
	case http.MethodPut:
		if !f.conditional(w, r, id) {
			return
		}
		var in T
		if err := json.Unmarshal(body, &in); err != nil {
			writeSDKError(f.t, w, http.StatusBadRequest, prefix+"-40002", "invalid "+noun)
			return
		}
		setID(&in, id)
		store[id] = in
		f.version[id]++
		done(w, false)
	case http.MethodDelete:
		if !f.conditional(w, r, id) {
			return
		}
		delete(store, id)
		done(w, true)
	}
}

// task records a succeeded task on entity id of rel and answers its reference.
func (f *v4Fake) task(w http.ResponseWriter, id, rel string) {
	f.taskEnding(w, id, rel, prismcfg.TASKSTATUS_SUCCEEDED)
}

func (f *v4Fake) taskEnding(w http.ResponseWriter, id, rel string, status prismcfg.TaskStatus) {
	f.next++
	tid := fmt.Sprintf("ZXJnb24=:task-%04d", f.next)
	t := sdkTaskNaming(tid, id, rel)
	t.Status = status.Ref()
	f.tasks[tid] = t
	writeSDK(f.t, w, http.StatusAccepted, taskAnswer(tid))
}

func (f *v4Fake) protectionPolicies(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	terms := filterTerms(r)
	fakeTasked(f, w, r, body, f.policies, id, "DPL", "protection policy", "datapolicies:config:protection-policy", "pp",
		func(p dpcfg.ProtectionPolicy) bool { return terms["name"] == "" || *p.Name == terms["name"] },
		func(p *dpcfg.ProtectionPolicy, id string) { p.ExtId = &id },
		func(ps []dpcfg.ProtectionPolicy) any {
			return sdkList(f, dpcfg.NewListProtectionPoliciesApiResponse(), ps)
		},
		func(p dpcfg.ProtectionPolicy) any { return sdkOne(f, dpcfg.NewGetProtectionPolicyApiResponse(), p) }, nil)
}

// recoveryPlans serves the plans and, under each, its stages and network mappings.
func (f *v4Fake) recoveryPlans(w http.ResponseWriter, r *http.Request, rest string, body []byte) {
	parts := strings.Split(rest, "/")
	if rest == "" || len(parts) == 1 {
		terms := filterTerms(r)
		fakeTasked(f, w, r, body, f.plans, rest, "DPL", "recovery plan", "datapolicies:config:recovery-plan", "rp",
			func(p dpcfg.RecoveryPlan) bool { return terms["name"] == "" || *p.Name == terms["name"] },
			func(p *dpcfg.RecoveryPlan, id string) { p.ExtId = &id },
			func(ps []dpcfg.RecoveryPlan) any { return sdkList(f, dpcfg.NewListRecoveryPlansApiResponse(), ps) },
			func(p dpcfg.RecoveryPlan) any { return sdkOne(f, dpcfg.NewGetRecoveryPlanApiResponse(), p) }, nil)
		return
	}
	plan := parts[0]
	if _, ok := f.plans[plan]; !ok {
		writeSDKError(f.t, w, http.StatusNotFound, "DPL-40400", "recovery plan "+plan+" not found")
		return
	}
	id := ""
	if len(parts) > 2 {
		id = parts[2]
	}
	own := func(newID string) { f.owner[newID] = plan }
	switch parts[1] {
	case "recovery-settings":
		var out []dpcfg.RecoverySetting
		for i := 0; i < f.settings[plan]; i++ {
			id := fmt.Sprintf("rs-%d", i)
			rs := dpcfg.NewRecoverySetting()
			rs.ExtId = &id
			// A setting the client cannot place: the power state of a VM no stage selects.
			vs := dpcfg.NewVmRecoverySetting()
			vs.Vm = dpcfg.NewEntityReference()
			vm, off := "vm-elsewhere", dpcfg.POWERSTATE_OFF
			vs.Vm.ExtId, vs.PowerState = &vm, &off
			f.must(rs.SetRecoverySetting(*vs))
			out = append(out, *rs)
		}
		writeSDK(f.t, w, 200, sdkList(f, dpcfg.NewListRecoverySettingsApiResponse(), out))
	case "stages":
		fakeTasked(f, w, r, body, f.stages, id, "DPL", "recovery stage", "datapolicies:config:recovery-stage", "st",
			func(s dpcfg.RecoveryStage) bool { return f.owner[*s.ExtId] == plan },
			func(s *dpcfg.RecoveryStage, id string) { s.ExtId = &id },
			func(ss []dpcfg.RecoveryStage) any { return sdkList(f, dpcfg.NewListRecoveryStagesApiResponse(), ss) },
			func(s dpcfg.RecoveryStage) any { return sdkOne(f, dpcfg.NewGetRecoveryStageApiResponse(), s) }, own)
	case "network-mappings":
		fakeTasked(f, w, r, body, f.mappings, id, "DPL", "network mapping", "datapolicies:config:network-mapping", "nm",
			func(m dpcfg.NetworkMapping) bool { return f.owner[*m.ExtId] == plan },
			func(m *dpcfg.NetworkMapping, id string) { m.ExtId = &id },
			func(ms []dpcfg.NetworkMapping) any { return sdkList(f, dpcfg.NewListNetworkMappingsApiResponse(), ms) },
			func(m dpcfg.NetworkMapping) any { return sdkOne(f, dpcfg.NewGetNetworkMappingApiResponse(), m) }, own)
	default:
		f.t.Errorf("v4Fake: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

// fakeTasked serves a collection whose writes answer with tasks: a list of what keep keeps,
// a create (created, when set, hears of the new extId), and GET, PUT and DELETE of one entity.
func fakeTasked[T any](f *v4Fake, w http.ResponseWriter, r *http.Request, body []byte, store map[string]T, id, prefix, noun, rel, idPrefix string,
	keep func(T) bool, setID func(*T, string), list func([]T) any, get func(T) any, created func(id string),
) {
	switch {
	case r.Method == http.MethodGet && id == "":
		writeSDK(f.t, w, 200, list(fakePage(r, store, keep)))
	case r.Method == http.MethodPost && id == "":
		var in T
		if err := json.Unmarshal(body, &in); err != nil {
			writeSDKError(f.t, w, http.StatusBadRequest, prefix+"-40002", fmt.Sprintf("invalid %s: %v", noun, err))
			return
		}
		f.next++
		newID := fmt.Sprintf("%s-%04d", idPrefix, f.next)
		setID(&in, newID)
		if f.failNextCreate {
			f.failNextCreate = false
			f.taskEnding(w, newID, rel, prismcfg.TASKSTATUS_FAILED)
			return
		}
		store[newID] = in
		if created != nil {
			created(newID)
		}
		f.task(w, newID, rel)
	default:
		fakeEntity(f, w, r, body, store, id, prefix, noun, setID, get, func(w http.ResponseWriter, _ bool) { f.task(w, id, rel) })
	}
}
