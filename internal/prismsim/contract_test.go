package prismsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// swaggerDoc is the part of the Swagger 2.0 document the response check needs.
type swaggerDoc struct {
	Paths       map[string]map[string]json.RawMessage `json:"paths"`
	Definitions map[string]map[string]any             `json:"definitions"`
}

func loadSwagger(t *testing.T) *swaggerDoc {
	t.Helper()
	path := os.Getenv("PRISM_V3_SPEC")
	if path == "" {
		path = filepath.Join("..", "..", "..", "shared", "api", "prism-v3-swagger.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("v3 spec not available (%v): set PRISM_V3_SPEC to check responses against it", err)
	}
	var doc swaggerDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

// responseSchema returns the schema of a path/method/status, falling back to "default".
func (d *swaggerDoc) responseSchema(method, template string, status int) (map[string]any, bool) {
	rel := strings.TrimPrefix(template, v3Prefix)
	op, ok := d.Paths[rel][strings.ToLower(method)]
	if !ok {
		return nil, false
	}
	var o struct {
		Responses map[string]struct {
			Schema map[string]any `json:"schema"`
		} `json:"responses"`
	}
	if json.Unmarshal(op, &o) != nil {
		return nil, false
	}
	r, ok := o.Responses[strconv.Itoa(status)]
	if !ok {
		r, ok = o.Responses["default"]
	}
	return r.Schema, ok
}

// check validates v against schema: types (integers must be integers), required fields,
// enums (x-ntnx-enum), UUID patterns and date-time formats.
func (d *swaggerDoc) check(schema map[string]any, v any, where string, errs *[]string) {
	if schema == nil {
		return
	}
	if ref, ok := schema["$ref"].(string); ok {
		d.check(d.Definitions[strings.TrimPrefix(ref, "#/definitions/")], v, where, errs)
		return
	}
	fail := func(format string, args ...any) { *errs = append(*errs, where+": "+fmt.Sprintf(format, args...)) }
	typ, _ := schema["type"].(string)
	if typ == "" && schema["properties"] != nil {
		typ = "object"
	}
	switch typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			fail("want object, got %T", v)
			return
		}
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				name, _ := r.(string)
				if _, present := m[name]; !present {
					fail("required field %q missing", name)
				}
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for k, val := range m {
			if ps, ok := props[k].(map[string]any); ok {
				d.check(ps, val, where+"."+k, errs)
			} else if ap, ok := schema["additionalProperties"].(map[string]any); ok {
				d.check(ap, val, where+"."+k, errs)
			}
		}
	case "array":
		l, ok := v.([]any)
		if !ok {
			fail("want array, got %T", v)
			return
		}
		items, _ := schema["items"].(map[string]any)
		for i, it := range l {
			d.check(items, it, fmt.Sprintf("%s[%d]", where, i), errs)
		}
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			fail("want integer, got %T", v)
		} else if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
			fail("want integer, got %s", n)
		} else if minimum, ok := schema["minimum"].(float64); ok {
			if i, _ := n.Int64(); float64(i) < minimum {
				fail("%d is below minimum %g", i, minimum)
			}
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			fail("want number, got %T", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("want boolean, got %T", v)
		}
	case "string":
		s, ok := v.(string)
		if !ok {
			fail("want string, got %T", v)
			return
		}
		for _, key := range []string{"enum", "x-ntnx-enum"} {
			if enum, ok := schema[key].([]any); ok {
				found := false
				for _, e := range enum {
					found = found || e == s
				}
				if !found {
					fail("%q is not one of %v", s, enum)
				}
			}
		}
		if pat, ok := schema["pattern"].(string); ok && schema["format"] == "UUID" {
			if re, err := regexp.Compile(pat); err == nil && !re.MatchString(s) {
				fail("%q does not match the UUID pattern", s)
			}
		}
		if schema["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				fail("%q is not RFC 3339", s)
			}
		}
		if maxLen, ok := schema["maxLength"].(float64); ok && float64(len(s)) > maxLen {
			fail("longer than %g", maxLen)
		}
	}
}

// TestResponsesMatchSpec drives every endpoint, including errors, and checks each JSON
// answer against the spec's schema for its path and status.
// recordExchanges runs exercise with a recorder on w and returns the exchanges it recorded.
func recordExchanges(w *World, exercise func()) []Exchange {
	var mu sync.Mutex
	var exchanges []Exchange
	w.OnExchange(func(x Exchange) {
		mu.Lock()
		exchanges = append(exchanges, x)
		mu.Unlock()
	})
	exercise()
	w.OnExchange(nil)
	mu.Lock()
	defer mu.Unlock()
	return exchanges
}

// checkAnswers checks the answer of each exchange against its schema in the spec and reports
// every violation. With skipNonJSON, answers that are not JSON (or empty) are passed over;
// without it they are errors. It returns the routes of the exchanges and the statuses checked.
func checkAnswers(t *testing.T, doc *swaggerDoc, exchanges []Exchange, skipNonJSON bool) (served map[string]bool, statuses map[int]bool) {
	t.Helper()
	served, statuses = map[string]bool{}, map[int]bool{}
	for _, x := range exchanges {
		served[x.Route] = true
		if skipNonJSON && (!strings.HasPrefix(x.ContentType, "application/json") || len(x.ResponseBody) == 0) {
			continue
		}
		template := strings.TrimPrefix(x.Route, x.Method+" ")
		schema, ok := doc.responseSchema(x.Method, template, x.Status)
		if !ok {
			t.Errorf("%s %d: no schema in the spec", x.Route, x.Status)
			continue
		}
		var body any
		dec := json.NewDecoder(bytes.NewReader(x.ResponseBody))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			t.Errorf("%s: invalid JSON: %v", x.Route, err)
			continue
		}
		var errs []string
		doc.check(schema, body, "body", &errs)
		for _, e := range errs {
			t.Errorf("%s -> %d: %s\n%s", x.Route, x.Status, e, x.ResponseBody)
		}
		statuses[x.Status] = true
	}
	return served, statuses
}

// exchangesOn keeps the exchanges whose route contains part.
func exchangesOn(exchanges []Exchange, part string) []Exchange {
	var out []Exchange
	for _, x := range exchanges {
		if strings.Contains(x.Route, part) {
			out = append(out, x)
		}
	}
	return out
}

func TestResponsesMatchSpec(t *testing.T) {
	doc := loadSwagger(t)
	w := startWorld(t, nil)
	var mu sync.Mutex
	var exchanges []Exchange
	w.OnExchange(func(x Exchange) {
		mu.Lock()
		exchanges = append(exchanges, x)
		mu.Unlock()
	})
	c := newClient(t, w.PC("canada"))

	c.v3("GET", "/versions", nil)
	c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "replicated-vm", "description": "dr"})
	c.v3("PUT", "/categories/replicated-vm", map[string]any{"name": "replicated-vm", "description": "dr2"})
	c.v3("PUT", "/categories/replicated-vm/from-canada", map[string]any{"value": "from-canada"})
	c.v3("GET", "/categories/replicated-vm", nil)
	c.v3("GET", "/categories/replicated-vm/from-canada", nil)
	c.v3("GET", "/categories/nope", nil)
	c.v3("POST", "/categories/list", map[string]any{"kind": "category"})
	c.v3("POST", "/categories/list", map[string]any{"filter": "name==none"})
	c.v3("POST", "/categories/replicated-vm/list", map[string]any{})
	c.v3("DELETE", "/categories/Environment", nil)
	c.v3("DELETE", "/categories/replicated-vm", nil)
	c.v3("PUT", "/categories/x", map[string]any{})

	vms := c.v3("POST", "/vms/list", map[string]any{"kind": "vm", "length": 2})
	c.v3("POST", "/vms/list", map[string]any{"filter": "vm_name==nobody"})
	c.v3("POST", "/vms/list", map[string]any{"filter": "bad attr"})
	vm := obj(t, get(vms.json(t), "entities", 0))
	id := getString(vm, "metadata", "uuid")
	c.v3("GET", "/vms/"+id, nil)
	c.v3("GET", "/vms/"+newUUID(), nil)
	md := obj(t, vm["metadata"])
	md["categories"] = map[string]any{"replicated-vm": "from-canada"}
	upd := c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]}).json(t)
	c.v3("PUT", "/vms/"+id, map[string]any{"metadata": md, "spec": vm["spec"]})
	taskID := getString(upd, "status", "execution_context", "task_uuid")
	c.v3("GET", "/tasks/"+taskID, nil)
	c.v3("POST", "/tasks/poll", map[string]any{"task_uuid_list": []string{taskID}, "poll_timeout_seconds": 5})
	c.v3("POST", "/tasks/list", map[string]any{"kind": "task"})
	c.v3("GET", "/tasks/"+newUUID(), nil)
	c.v3("POST", "/category/query", map[string]any{"category_filter": map[string]any{"params": map[string]any{"replicated-vm": []string{"from-canada"}}}})
	c.v3("DELETE", "/categories/replicated-vm/from-canada", nil)
	newID := newUUID()
	created := c.v3("POST", "/vms", map[string]any{"metadata": map[string]any{"kind": "vm", "uuid": newID},
		"spec": map[string]any{"name": "new", "cluster_reference": get(vm, "spec", "cluster_reference"), "resources": map[string]any{}}}).json(t)
	c.waitTask(getString(created, "status", "execution_context", "task_uuid"))
	c.v3("DELETE", "/vms/"+newID, nil)

	clusters := c.v3("POST", "/clusters/list", map[string]any{}).json(t)
	for _, e := range arr(t, clusters["entities"]) {
		c.v3("GET", "/clusters/"+getString(e, "metadata", "uuid"), nil)
	}
	subnets := c.v3("POST", "/subnets/list", map[string]any{}).json(t)
	c.v3("GET", "/subnets/"+getString(subnets, "entities", 0, "metadata", "uuid"), nil)
	c.v3("GET", "/subnets/"+newUUID(), nil)
	addFault(t, c, map[string]any{"kind": "status", "status": 503, "path_prefix": "/api/nutanix/v3/subnets"})
	c.v3("POST", "/subnets/list", map[string]any{})
	c.v3("PUT", "/categories/bad!name", map[string]any{"name": "bad!name"})
	c.v3("PUT", "/categories/replicated-vm/"+strings.Repeat("v", 65), map[string]any{})

	// Disaster recovery, availability zones, remote connections, cloud trusts, sites.
	france := w.PC("france")
	fr := newClient(t, france)
	c.v3("GET", "/services/disaster_recovery/status", nil)
	c.v3("GET", "/services/nope/status", nil)
	c.v3("POST", "/services/disaster_recovery", map[string]any{"state": "DISABLE"})
	c.v3("POST", "/cloud_trusts", trustBody(france.AdvertisedIP(), france.Username(), france.Password()))
	c.enableDR()
	c.v3("GET", "/services/disaster_recovery/status?include_capabilities=true", nil)
	c.pair(france.AdvertisedIP(), france.Username(), france.Password()) // fails: DR disabled on france
	fr.enableDR()
	_, failedTask := c.pair("10.9.9.9", "admin", "x")
	c.v3("GET", "/tasks/"+getString(failedTask, "uuid"), nil)
	accepted, okTask := c.pair(france.AdvertisedIP(), france.Username(), france.Password())
	c.v3("GET", "/tasks/"+getString(okTask, "uuid"), nil)
	c.pair(france.AdvertisedIP(), france.Username(), france.Password()) // fails: paired already
	bad := trustBody(france.AdvertisedIP(), france.Username(), france.Password())
	obj(t, get(bad, "spec", "resources"))["cloud_type"] = "MOON"
	c.v3("POST", "/cloud_trusts", bad)
	trustID := getString(accepted, "metadata", "uuid")
	c.v3("GET", "/cloud_trusts/"+trustID, nil)
	c.v3("GET", "/cloud_trusts/"+newUUID(), nil)
	c.v3("POST", "/cloud_trusts/list", map[string]any{"kind": "cloud_trust"})
	fr.v3("POST", "/cloud_trusts/list", map[string]any{})
	c.v3("POST", "/availability_zones", map[string]any{})
	c.v3("GET", "/availability_zones/"+newUUID(), nil)
	c.v3("GET", "/remote_connections/"+newUUID(), nil)
	visitPairing := func() {
		for _, cl := range []*apiClient{c, fr} {
			azs := cl.v3("POST", "/availability_zones/list", map[string]any{"kind": "availability_zone"}).json(t)
			for _, az := range arr(t, azs["entities"]) {
				id := getString(az, "metadata", "uuid")
				cl.v3("GET", "/availability_zones/"+id, nil)
				cl.v3("PUT", "/availability_zones/"+id, map[string]any{"metadata": get(az, "metadata"), "spec": get(az, "spec")})
				cl.v3("DELETE", "/availability_zones/"+id, nil)
			}
			rcs := cl.v3("POST", "/remote_connections/list", map[string]any{"kind": "remote_connection"}).json(t)
			for _, rc := range arr(t, rcs["entities"]) {
				cl.v3("GET", "/remote_connections/"+getString(rc, "metadata", "uuid"), nil)
			}
		}
	}
	visitPairing()
	if err := w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	fr = c // france cannot be asked while it is down
	visitPairing()
	c.pair(france.AdvertisedIP(), france.Username(), france.Password()) // fails: france is down
	if err := w.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	// Protection rules (created on canada, synced to france) and recovery points.
	fr = newClient(t, france)
	caAZ := c.azs()
	caLocal := getString(caAZ[localAZName], "metadata", "uuid")
	caFR := getString(caAZ["PC_"+france.AdvertisedIP()], "metadata", "uuid")
	ruleBody := func(id string, schedules ...any) map[string]any {
		return map[string]any{
			"metadata": map[string]any{"kind": "protection_rule", "uuid": id},
			"spec": map[string]any{"name": "rule-" + id[:8], "description": "dr", "resources": map[string]any{
				"ordered_availability_zone_list": []any{
					map[string]any{"availability_zone_url": caLocal},
					map[string]any{"availability_zone_url": caFR},
				},
				"availability_zone_connectivity_list": []any{map[string]any{
					"source_availability_zone_index": 0, "destination_availability_zone_index": 1,
					"snapshot_schedule_list": schedules,
				}},
				"category_filter": map[string]any{"type": "CATEGORIES_MATCH_ALL", "kind_list": []string{"vm"},
					"params": map[string]any{"replicated-vm": []string{"from-canada"}}},
			}},
		}
	}
	asyncSched := map[string]any{"recovery_point_objective_secs": 3600, "snapshot_type": "APPLICATION_CONSISTENT",
		"local_snapshot_retention_policy":  map[string]any{"num_snapshots": 2},
		"remote_snapshot_retention_policy": map[string]any{"rollup_retention_policy": map[string]any{"multiple": 2, "snapshot_interval_type": "DAILY"}}}
	ruleID := newUUID()
	badRule := ruleBody(newUUID(), asyncSched)
	obj(t, get(badRule, "spec", "resources", "ordered_availability_zone_list", 1))["availability_zone_url"] = newUUID()
	c.v3("POST", "/protection_rules", badRule)
	acceptedRule := c.v3("POST", "/protection_rules", ruleBody(ruleID, asyncSched)).json(t)
	c.v3("GET", "/protection_rules/"+ruleID, nil)
	c.waitTask(getString(acceptedRule, "status", "execution_context", "task_uuid"))
	c.v3("POST", "/protection_rules", ruleBody(ruleID, asyncSched))
	gotRule := c.v3("GET", "/protection_rules/"+ruleID, nil).json(t)
	updRule := c.v3("PUT", "/protection_rules/"+ruleID, map[string]any{"metadata": gotRule["metadata"], "spec": gotRule["spec"]}).json(t)
	c.v3("PUT", "/protection_rules/"+ruleID, map[string]any{"metadata": gotRule["metadata"], "spec": gotRule["spec"]})
	c.waitTask(getString(updRule, "status", "execution_context", "task_uuid"))
	c.v3("POST", "/protection_rules/list", map[string]any{"kind": "protection_rule"})
	c.v3("GET", "/protection_rules/"+newUUID(), nil)
	c.v3("GET", "/protection_rules/"+ruleID+"/query_entities", nil)
	c.v3("GET", "/protection_rules/"+newUUID()+"/query_entities", nil)
	fr.v3("POST", "/protection_rules/list", map[string]any{})
	copyRule := fr.v3("GET", "/protection_rules/"+ruleID, nil).json(t)
	frPut := fr.v3("PUT", "/protection_rules/"+ruleID, map[string]any{"metadata": copyRule["metadata"], "spec": copyRule["spec"]}).json(t)
	fr.waitTask(getString(frPut, "status", "execution_context", "task_uuid"))
	syncRule := c.v3("POST", "/protection_rules", ruleBody(newUUID(),
		map[string]any{"recovery_point_objective_secs": 0, "auto_suspend_timeout_secs": 30})).json(t)
	c.waitTask(getString(syncRule, "status", "execution_context", "task_uuid"))
	w.Clock().Advance(2 * time.Hour)
	for _, cl := range []*apiClient{c, fr} {
		points := cl.v3("POST", "/vm_recovery_points/list", map[string]any{"kind": "vm_recovery_point", "length": 50}).json(t)
		for _, p := range arr(t, points["entities"]) {
			cl.v3("GET", "/vm_recovery_points/"+getString(p, "metadata", "uuid"), nil)
		}
	}
	if err := w.SiteDown("france"); err != nil {
		t.Fatal(err)
	}
	c.v3("GET", "/protection_rules/"+getString(syncRule, "metadata", "uuid"), nil)
	if err := w.SiteUp("france"); err != nil {
		t.Fatal(err)
	}
	c.v3("POST", "/vm_recovery_points/list", map[string]any{"filter": "no_such_attr==1"})
	c.v3("GET", "/vm_recovery_points/"+newUUID(), nil)
	delRule := fr.v3("DELETE", "/protection_rules/"+ruleID, nil).json(t) // on the copy: gone on both
	fr.waitTask(getString(delRule, "status", "execution_context", "task_uuid"))

	del := c.v3("DELETE", "/cloud_trusts/"+trustID, nil).json(t)
	c.waitTask(getString(del, "status", "execution_context", "task_uuid"))
	c.v3("DELETE", "/cloud_trusts/"+trustID, nil)

	exerciseNetworkRoutes(t, c, "CA01") // subnets, VPCs and route tables: vpcs_test.go.
	exerciseRecoveryPlanRoutes(t, w)    // recovery plans (pairs again): recovery_plans_test.go.
	exerciseRecoveryPlanJobRoutes(t, w) // recovery plan jobs: recovery_plan_jobs_test.go.
	mu.Lock()
	defer mu.Unlock()
	w.OnExchange(nil)
	checked := 0
	statuses := map[int]bool{}
	served := map[string]bool{}
	for _, x := range exchanges {
		served[x.Route] = true
		if !strings.HasPrefix(x.ContentType, "application/json") || len(x.ResponseBody) == 0 {
			continue
		}
		template := strings.TrimPrefix(x.Route, x.Method+" ")
		schema, ok := doc.responseSchema(x.Method, template, x.Status)
		if !ok {
			t.Errorf("%s %d: no schema in the spec", x.Route, x.Status)
			continue
		}
		var body any
		dec := json.NewDecoder(bytes.NewReader(x.ResponseBody))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			t.Errorf("%s: invalid JSON: %v", x.Route, err)
			continue
		}
		var errs []string
		doc.check(schema, body, "body", &errs)
		for _, e := range errs {
			t.Errorf("%s -> %d: %s", x.Route, x.Status, e)
		}
		checked++
		statuses[x.Status] = true
	}
	for _, s := range []int{200, 201, 202, 404, 409, 422, 503} {
		if !statuses[s] {
			t.Errorf("no %d answer was checked", s)
		}
	}
	if checked < 30 {
		t.Fatalf("only %d answers checked", checked)
	}
	for _, rt := range Routes() {
		if !served[rt] {
			t.Errorf("route %s was not exercised", rt)
		}
	}
}

// TestRoutesInSpec checks that the emulator serves no path or method the spec lacks.
func TestRoutesInSpec(t *testing.T) {
	doc := loadSwagger(t)
	routes := Routes()
	for _, rt := range routes {
		method, template, _ := strings.Cut(rt, " ")
		if !strings.HasPrefix(template, v3Prefix+"/") {
			t.Errorf("%s: not under %s", rt, v3Prefix)
			continue
		}
		if _, ok := doc.Paths[strings.TrimPrefix(template, v3Prefix)][strings.ToLower(method)]; !ok {
			t.Errorf("%s is not in the spec", rt)
		}
	}
	for _, want := range []string{
		"POST /api/nutanix/v3/services/disaster_recovery",
		"GET /api/nutanix/v3/services/{service_name}/status",
		"POST /api/nutanix/v3/availability_zones/list",
		"GET /api/nutanix/v3/availability_zones/{uuid}",
		"POST /api/nutanix/v3/cloud_trusts",
		"GET /api/nutanix/v3/cloud_trusts/{uuid}",
		"DELETE /api/nutanix/v3/cloud_trusts/{uuid}",
		"POST /api/nutanix/v3/cloud_trusts/list",
		"PUT /api/nutanix/v3/categories/{name}",
		"POST /api/nutanix/v3/protection_rules",
		"GET /api/nutanix/v3/protection_rules/{uuid}",
		"PUT /api/nutanix/v3/protection_rules/{uuid}",
		"DELETE /api/nutanix/v3/protection_rules/{uuid}",
		"POST /api/nutanix/v3/protection_rules/list",
		"GET /api/nutanix/v3/protection_rules/{uuid}/query_entities",
		"POST /api/nutanix/v3/vm_recovery_points/list",
		"GET /api/nutanix/v3/vm_recovery_points/{uuid}",
	} {
		if !contains(routes, want) {
			t.Errorf("Routes() misses %s", want)
		}
	}
}

func TestSpecCheckerCatchesErrors(t *testing.T) {
	doc := loadSwagger(t)
	schema, ok := doc.responseSchema("GET", v3Prefix+"/tasks/{uuid}", 200)
	if !ok {
		t.Fatal("no schema for GET /tasks/{uuid}")
	}
	for body, want := range map[string]string{
		`{"percentage_complete": 50.5}`:              "want integer",
		`{"status": "DONE"}`:                         "not one of",
		`{"uuid": "nope"}`:                           "UUID pattern",
		`{"creation_time": "yesterday"}`:             "RFC 3339",
		`{"entity_reference_list": {}}`:              "want array",
		`{"cluster_reference": {"kind": "cluster"}}`: "required field \"uuid\"",
	} {
		var v any
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		var errs []string
		doc.check(schema, v, "body", &errs)
		if len(errs) != 1 || !strings.Contains(errs[0], want) {
			t.Errorf("%s: errors %v, want one mentioning %q", body, errs, want)
		}
	}
}
