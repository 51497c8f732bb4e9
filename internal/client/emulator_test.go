package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// simPC is one emulated Prism Central of an in-process world.
type simPC struct {
	world *prismsim.World
	pc    *prismsim.PC
	admin *http.Client
}

// startWorld starts the leap-two-sites world with a short task latency.
func startWorld(t *testing.T) *simPC {
	t.Helper()
	return startPresetPC(t, "leap-two-sites", "canada")
}

// startPresetPC starts the world of preset with a short task latency and
// returns its PC pcName, with an admin HTTP client that trusts it.
func startPresetPC(t *testing.T, preset, pcName string, edits ...func(*prismsim.WorldConfig)) *simPC {
	t.Helper()
	w := startPresetWorld(t, preset, edits...)
	pc := w.PC(pcName)
	if pc == nil {
		t.Fatalf("no PC %s in preset %s", pcName, preset)
	}
	return &simPC{world: w, pc: pc, admin: adminClient(t, pc)}
}

// startPresetWorld starts the world of preset with a short task latency, its configuration
// changed by edits, and closes it when the test ends.
func startPresetWorld(t *testing.T, preset string, edits ...func(*prismsim.WorldConfig)) *prismsim.World {
	t.Helper()
	cfg, err := prismsim.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Settings.TaskLatency = prismsim.Duration(20 * time.Millisecond)
	for _, edit := range edits {
		edit(&cfg)
	}
	w, err := prismsim.NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("closing the world: %v", err)
		}
	})
	return w
}

// adminClient is an HTTP client that trusts pc, for its admin API.
func adminClient(t *testing.T, pc *prismsim.PC) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pc.CACertPEM()) {
		t.Fatal("the emulator's certificate PEM does not parse")
	}
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Transport: transport, Timeout: 30 * time.Second}
}

// client returns a client for the PC that verifies its certificate.
func (s *simPC) client(t *testing.T, mods ...func(*Config)) (*Client, *recLogger) {
	t.Helper()
	log := &recLogger{}
	cfg := Config{
		Endpoint:     s.pc.URL(),
		Username:     s.pc.Username(),
		Password:     s.pc.Password(),
		CACertPEM:    string(s.pc.CACertPEM()),
		MaxRetries:   3,
		RetryWaitMin: 5 * time.Millisecond,
		RetryWaitMax: 50 * time.Millisecond,
		Logger:       log,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	forgetEndpointWhenDone(t, c.endpoint)
	return c, log
}

// call sends an admin API request and decodes its JSON answer into out.
func (s *simPC) call(t *testing.T, method, path string, in, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, s.pc.URL()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(s.pc.Username(), s.pc.Password())
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.admin.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s answered %d: %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
}

// fault installs a fault on canada through the admin API.
func (s *simPC) fault(t *testing.T, f map[string]any) {
	t.Helper()
	f["pc"] = "canada"
	s.call(t, http.MethodPost, "/_prismsim/faults", f, nil)
	t.Cleanup(func() { s.call(t, http.MethodDelete, "/_prismsim/faults", nil, nil) })
}

// requests returns how many requests canada served on a route template.
func (s *simPC) requests(t *testing.T, route string) int {
	t.Helper()
	var counts struct {
		Total   int            `json:"total"`
		ByRoute map[string]int `json:"by_route"`
	}
	s.call(t, http.MethodGet, "/_prismsim/requests", nil, &counts)
	return counts.ByRoute[route]
}

func (s *simPC) resetRequests(t *testing.T) {
	s.call(t, http.MethodDelete, "/_prismsim/requests", nil, nil)
}

// checkCreateSurvivesDrop loses, once, the answer to a create in collection
// that landed, and checks that the client retried (two POSTs, the second
// refused as existing) and that list then holds exactly the entity created.
func checkCreateSurvivesDrop[T any](t *testing.T, s *simPC, collection string, create func() (*T, error), list func() ([]T, error), id func(*T) string) {
	t.Helper()
	route := "/api/nutanix/v3" + collection
	s.fault(t, map[string]any{"path_prefix": route, "method": http.MethodPost, "kind": "drop_after_commit", "count": 1})
	s.resetRequests(t)
	got, err := create()
	if err != nil {
		t.Fatalf("create with a dropped answer: %v", err)
	}
	if n := s.requests(t, "POST "+route); n != 2 {
		t.Errorf("creates = %d, want 2 (one dropped, one refused as existing)", n)
	}
	all, err := list()
	if err != nil || len(all) != 1 || id(&all[0]) != id(got) {
		t.Errorf("%s = %+v, %v; want exactly the one created", collection, all, err)
	}
}

// vmByName finds a VM of the preset.
func vmByName(t *testing.T, c *Client, name string) VM {
	t.Helper()
	vms, err := c.ListVMs(context.Background(), "vm_name=="+name)
	if err != nil {
		t.Fatal(err)
	}
	if len(vms) != 1 {
		t.Fatalf("vm_name==%s matched %d VMs", name, len(vms))
	}
	return vms[0]
}

func TestEmulatorIsPrismCentral(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t)
	if err := c.CheckPrismCentral(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestEmulatorWrongPassword(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t, func(cfg *Config) { cfg.Password = "not-the-password" })
	err := c.CheckPrismCentral(context.Background())
	if !errors.Is(err, ErrAuthentication) {
		t.Fatalf("error = %v, want an authentication error", err)
	}
	mustContain(t, err.Error(), "authentication failed for user "+s.pc.Username()+" at "+s.pc.URL(), "NUTANIX_PASSWORD")
}

func TestEmulatorUntrustedCertificate(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t, func(cfg *Config) { cfg.CACertPEM = "" })
	err := c.CheckPrismCentral(context.Background())
	if !errors.Is(err, ErrUntrustedCertificate) {
		t.Fatalf("error = %v, want an untrusted certificate error", err)
	}
	mustContain(t, err.Error(), "ca_certificate", "insecure = true")
}

func TestEmulatorClustersAndSubnets(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t)
	ctx := context.Background()
	clusters, err := c.ListClusters(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var ca01 *Cluster
	pcs := 0
	for i := range clusters {
		if clusters[i].IsPrismCentral {
			pcs++
		}
		if clusters[i].Name == "CA01" {
			ca01 = &clusters[i]
		}
	}
	if ca01 == nil || pcs != 1 || !slices.Contains(ca01.ServiceList, "AOS") || ca01.IsPrismCentral {
		t.Fatalf("clusters = %+v", clusters)
	}
	got, err := c.GetCluster(ctx, ca01.UUID)
	if err != nil || got.Name != "CA01" {
		t.Fatalf("GetCluster = %+v, %v", got, err)
	}

	subnets, err := c.ListSubnets(ctx, "")
	if err != nil || len(subnets) != 2 {
		t.Fatalf("ListSubnets = %+v, %v", subnets, err)
	}
	test, err := c.ListSubnets(ctx, "name==vlan51-test")
	if err != nil || len(test) != 1 {
		t.Fatalf("filtered ListSubnets = %+v, %v", test, err)
	}
	sn, err := c.GetSubnet(ctx, test[0].UUID)
	if err != nil {
		t.Fatal(err)
	}
	if sn.Name != "vlan51-test" || sn.SubnetType != SubnetTypeVLAN || sn.VLANID == nil || *sn.VLANID != 51 ||
		sn.CIDR != "192.168.51.0/25" || sn.GatewayIP != "192.168.51.1" || sn.ClusterUUID != ca01.UUID {
		t.Errorf("subnet = %+v", sn)
	}
	if _, err := c.GetSubnet(ctx, "5b0c1a3e-0000-4000-8000-0000000000ff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing subnet: %v", err)
	}
}

func TestEmulatorPagination(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t)
	c.pageSize = 1
	s.resetRequests(t)
	vms, err := c.ListVMs(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, vm := range vms {
		names = append(names, vm.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"app-01", "db-01", "dns-01"}) {
		t.Errorf("VMs = %v", names)
	}
	if n := s.requests(t, "POST /api/nutanix/v3/vms/list"); n != 3 {
		t.Errorf("list requests = %d, want 3 pages of 1", n)
	}
}

func TestEmulatorVMCategories(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t)
	ctx := context.Background()
	app := vmByName(t, c, "app-01")
	if !slices.Equal(app.IPAddresses, []string{"192.168.50.10"}) || app.PowerState != "ON" || app.ClusterName != "CA01" || len(app.SubnetUUIDs) != 1 {
		t.Errorf("app-01 = %+v", app)
	}
	if _, err := c.PutCategoryKey(ctx, CategoryKey{Name: "replicated-vm", Description: "DR selection"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutCategoryValue(ctx, CategoryValue{Key: "replicated-vm", Value: "from-canada"}); err != nil {
		t.Fatal(err)
	}
	var progress int
	vm, err := c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) {
		progress++
		m["replicated-vm"] = "from-canada"
		m["Environment"] = "Production"
	})
	if err != nil {
		t.Fatal(err)
	}
	if vm.Categories["replicated-vm"] != "from-canada" || vm.Categories["Environment"] != "Production" {
		t.Errorf("VM after update = %+v", vm)
	}
	if after, err := c.GetVM(ctx, app.UUID); err != nil || !maps.Equal(after.Categories, vm.Categories) || after.SpecVersion != app.SpecVersion+1 {
		t.Errorf("VM as read after update = %+v, %v (before: spec_version %d; returned categories %v)", after, err, app.SpecVersion, vm.Categories)
	}
	usage, err := c.QueryCategoryUsage(ctx, "replicated-vm", []string{"from-canada"}, []string{"vm"})
	if err != nil {
		t.Fatal(err)
	}
	if len(usage) != 1 || usage[0].UUID != app.UUID || usage[0].Kind != "vm" {
		t.Errorf("usage = %+v", usage)
	}
	// A value in use cannot be deleted, and the error says so.
	err = c.DeleteCategoryValue(ctx, "replicated-vm", "from-canada")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.HasReason(ReasonEntityDeletionFailed) {
		t.Fatalf("deleting a value in use: %v", err)
	}
	mustContain(t, err.Error(), "deleting category value replicated-vm/from-canada", "in use")

	vm, err = c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) { delete(m, "replicated-vm") })
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := vm.Categories["replicated-vm"]; ok || vm.Categories["Environment"] != "Production" {
		t.Errorf("VM after removal = %+v", vm)
	}
	if err := c.DeleteCategoryValue(ctx, "replicated-vm", "from-canada"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCategoryKey(ctx, "replicated-vm"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCategoryKey(ctx, "replicated-vm"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted key: %v", err)
	}
	if _, err := c.GetVM(ctx, "5b0c1a3e-0000-4000-8000-0000000000ff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing VM: %v", err)
	}
}

func TestEmulatorCategories(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t)
	c.pageSize = 2
	ctx := context.Background()
	keys, err := c.ListCategoryKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	env := slices.IndexFunc(keys, func(k CategoryKey) bool { return k.Name == "Environment" })
	if env < 0 || !keys[env].SystemDefined {
		t.Fatalf("keys = %+v", keys)
	}
	values, err := c.ListCategoryValues(ctx, "Environment")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range values {
		names = append(names, v.Value)
	}
	for _, want := range []string{"Production", "Dev", "Staging", "Testing"} {
		if !slices.Contains(names, want) {
			t.Errorf("Environment values %v lack %s", names, want)
		}
	}
	k, err := c.PutCategoryKey(ctx, CategoryKey{Name: "tier", Description: "one"})
	if err != nil || k.Description != "one" || k.SystemDefined {
		t.Fatalf("PutCategoryKey = %+v, %v", k, err)
	}
	if k, err = c.PutCategoryKey(ctx, CategoryKey{Name: "tier", Description: "two"}); err != nil || k.Description != "two" {
		t.Fatalf("updating a key = %+v, %v", k, err)
	}
	v, err := c.PutCategoryValue(ctx, CategoryValue{Key: "tier", Value: "gold", Description: "g"})
	if err != nil || v.Key != "tier" || v.Value != "gold" || v.Description != "g" {
		t.Fatalf("PutCategoryValue = %+v, %v", v, err)
	}
	if v, err = c.GetCategoryValue(ctx, "tier", "gold"); err != nil || v.Description != "g" {
		t.Fatalf("GetCategoryValue = %+v, %v", v, err)
	}
	if _, err := c.GetCategoryValue(ctx, "tier", "silver"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing value: %v", err)
	}
	if _, err := c.PutCategoryValue(ctx, CategoryValue{Key: "no-such-key", Value: "x"}); err == nil {
		t.Error("a value of a missing key was accepted")
	}
}

func TestEmulatorTasks(t *testing.T) {
	s := startWorld(t)
	s.world.UpdateSettings(prismsim.Settings{TaskLatency: prismsim.Duration(300 * time.Millisecond), ClockRate: 1})
	c, _ := s.client(t)
	ctx := context.Background()
	app := vmByName(t, c, "app-01")
	res, err := c.updateEntity(ctx, "test update", vmPath(app.UUID), func(d *document) error {
		d.metadata()["categories"] = map[string]string{"Environment": "Dev"}
		return nil
	})
	if err != nil || res.TaskUUID == "" {
		t.Fatalf("update = %+v, %v", res, err)
	}
	task, err := c.GetTask(ctx, res.TaskUUID)
	if err != nil || task.Done() {
		t.Fatalf("fresh task = %+v, %v", task, err)
	}
	var seen []string
	start := time.Now()
	task, err = c.WaitForTask(ctx, res.TaskUUID, "test update", func(t Task) { seen = append(seen, t.Status) })
	if err != nil || task.Status != TaskSucceeded {
		t.Fatalf("WaitForTask = %+v, %v", task, err)
	}
	if el := time.Since(start); el > 300*time.Millisecond+200*time.Millisecond {
		t.Errorf("completion seen after %s", el)
	}
	if len(task.EntityReferences) == 0 || task.EntityReferences[0].UUID != app.UUID {
		t.Errorf("task references = %+v", task.EntityReferences)
	}
	if seen[len(seen)-1] != TaskSucceeded {
		t.Errorf("progress = %v", seen)
	}
	if _, err := c.GetTask(ctx, "5b0c1a3e-0000-4000-8000-0000000000ff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing task: %v", err)
	}
}

func TestEmulatorCreateEntity(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t)
	ctx := context.Background()
	clusters, err := c.ListClusters(ctx, "name==CA01")
	if err != nil || len(clusters) != 1 {
		t.Fatalf("ListClusters = %+v, %v", clusters, err)
	}
	spec := map[string]any{
		"name":              "created-once",
		"cluster_reference": map[string]any{"kind": "cluster", "uuid": clusters[0].UUID},
		"resources":         map[string]any{"power_state": "OFF"},
	}
	s.fault(t, map[string]any{"path_prefix": "/api/nutanix/v3/vms", "method": "POST", "kind": "drop_after_commit", "count": 1})
	s.resetRequests(t)
	id, task, err := c.createEntity(ctx, "creating VM created-once", "vm", spec, nil)
	if err != nil {
		t.Fatalf("create with a dropped answer: %v", err)
	}
	if n := s.requests(t, "POST /api/nutanix/v3/vms"); n != 2 {
		t.Errorf("create requests = %d, want 2 (one dropped, one refused as existing)", n)
	}
	if task != "" {
		if _, err := c.WaitForTask(ctx, task, "creating VM created-once", nil); err != nil {
			t.Fatal(err)
		}
	} else if _, err := c.waitSettled(ctx, "creating VM created-once", vmPath(id)); err != nil {
		t.Fatal(err)
	}
	vms, err := c.ListVMs(ctx, "vm_name==created-once")
	if err != nil || len(vms) != 1 || vms[0].UUID != id {
		t.Fatalf("VMs named created-once = %+v, %v; want exactly one with uuid %s", vms, err, id)
	}
}

// TestEmulatorFaults drives each fault kind of the emulator's admin API:
// the operation succeeds within the retry budget or fails with a message
// that names the cause.
func TestEmulatorFaults(t *testing.T) {
	const keyPrefix = "/api/nutanix/v3/categories/Environment"
	const getKey = "GET /api/nutanix/v3/categories/{name}"
	read := func(c *Client) error {
		_, err := c.GetCategoryKey(context.Background(), "Environment")
		return err
	}
	tests := []struct {
		name     string
		fault    map[string]any
		mods     func(*Config)
		requests int      // expected GETs of the key, 0 to skip
		wantErr  []string // nil when the read must succeed
		minTime  time.Duration
	}{
		{name: "503 within budget", fault: map[string]any{"kind": "status", "status": 503, "count": 2}, requests: 3},
		{name: "502 within budget", fault: map[string]any{"kind": "status", "status": 502, "count": 2}, requests: 3},
		{name: "504 within budget", fault: map[string]any{"kind": "status", "status": 504, "count": 1}, requests: 2},
		{name: "html500 within budget", fault: map[string]any{"kind": "html500", "count": 3}, requests: 4},
		{name: "retry_after", fault: map[string]any{"kind": "retry_after", "count": 1, "retry_after_seconds": 1}, requests: 2, minTime: time.Second},
		{name: "latency beyond the request timeout", fault: map[string]any{"kind": "latency", "latency": "3s", "count": 1},
			mods: func(cfg *Config) { cfg.RequestTimeout = 500 * time.Millisecond }, requests: 2},
		{name: "drop on a read", fault: map[string]any{"kind": "drop_after_commit", "count": 1}, requests: 2},
		{name: "503 beyond budget", fault: map[string]any{"kind": "status", "status": 503, "count": 10}, requests: 4,
			wantErr: []string{"reading category Environment", "503 Service Unavailable", "after 4 attempts", "retry later"}},
		{name: "html500 beyond budget", fault: map[string]any{"kind": "html500", "count": 10}, requests: 4,
			wantErr: []string{"reading category Environment", "500 Internal Server Error", "after 4 attempts", "HTML"}},
		{name: "drops beyond budget", fault: map[string]any{"kind": "drop_after_commit", "count": 10}, requests: 4,
			wantErr: []string{"reading category Environment", "failed after 4 attempts", "EOF"}},
		{name: "400 is not retried", fault: map[string]any{"kind": "status", "status": 400, "count": 5}, requests: 1,
			wantErr: []string{"reading category Environment", "400 Bad Request", "refused the request"}},
	}
	s := startWorld(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mods []func(*Config)
			if tt.mods != nil {
				mods = append(mods, tt.mods)
			}
			c, log := s.client(t, mods...)
			tt.fault["path_prefix"] = keyPrefix
			tt.fault["method"] = "GET"
			s.fault(t, tt.fault)
			s.resetRequests(t)
			start := time.Now()
			err := read(c)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("read failed within the retry budget: %v", err)
			}
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("read succeeded beyond the retry budget")
				}
				mustContain(t, err.Error(), tt.wantErr...)
			}
			if el := time.Since(start); el < tt.minTime {
				t.Errorf("took %s, less than the %s the server asked to wait", el, tt.minTime)
			}
			if n := s.requests(t, getKey); tt.requests != 0 && n != tt.requests {
				t.Errorf("requests = %d, want %d", n, tt.requests)
			}
			if retries := len(log.retries()); retries != tt.requests-1 {
				t.Errorf("logged retries = %d, want %d", retries, tt.requests-1)
			}
		})
	}
}

func TestEmulatorDropAfterCommitHasOneEffect(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t)
	ctx := context.Background()

	t.Run("category value", func(t *testing.T) {
		if _, err := c.PutCategoryKey(ctx, CategoryKey{Name: "drop"}); err != nil {
			t.Fatal(err)
		}
		s.fault(t, map[string]any{"path_prefix": "/api/nutanix/v3/categories/drop/v1", "method": "PUT", "kind": "drop_after_commit", "count": 1})
		v, err := c.PutCategoryValue(ctx, CategoryValue{Key: "drop", Value: "v1", Description: "d"})
		if err != nil || v.Value != "v1" {
			t.Fatalf("PutCategoryValue = %+v, %v", v, err)
		}
		values, err := c.ListCategoryValues(ctx, "drop")
		if err != nil || len(values) != 1 {
			t.Fatalf("values = %+v, %v", values, err)
		}
		s.fault(t, map[string]any{"path_prefix": "/api/nutanix/v3/categories/drop/v1", "method": "DELETE", "kind": "drop_after_commit", "count": 1})
		if err := c.DeleteCategoryValue(ctx, "drop", "v1"); err != nil {
			t.Fatalf("delete with a dropped answer: %v", err)
		}
		if _, err := c.GetCategoryValue(ctx, "drop", "v1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("value after delete: %v", err)
		}
	})

	t.Run("vm categories", func(t *testing.T) {
		s.world.UpdateSettings(prismsim.Settings{TaskLatency: prismsim.Duration(200 * time.Millisecond), ClockRate: 1})
		app := vmByName(t, c, "db-01")
		s.fault(t, map[string]any{"path_prefix": "/api/nutanix/v3/vms/" + app.UUID, "method": "PUT", "kind": "drop_after_commit", "count": 1})
		s.resetRequests(t)
		calls := 0
		vm, err := c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) {
			calls++
			m["Environment"] = "Staging"
		})
		if err != nil {
			t.Fatalf("update with a dropped answer: %v", err)
		}
		after, err := c.GetVM(ctx, app.UUID)
		if err != nil {
			t.Fatal(err)
		}
		if after.SpecVersion != app.SpecVersion+1 {
			t.Errorf("spec_version %d -> %d: the update was applied %d times", app.SpecVersion, after.SpecVersion, after.SpecVersion-app.SpecVersion)
		}
		if vm.Categories["Environment"] != "Staging" {
			t.Errorf("categories = %v", vm.Categories)
		}
		usage, err := c.QueryCategoryUsage(ctx, "Environment", []string{"Staging"}, []string{"vm"})
		if err != nil || len(usage) != 1 || usage[0].UUID != app.UUID {
			t.Errorf("the change is not committed when the update returns: usage = %+v, %v", usage, err)
		}
		if n := s.requests(t, "PUT /api/nutanix/v3/vms/{uuid}"); n != 2 {
			t.Errorf("PUTs = %d, want 2 (one dropped, one refused as stale)", n)
		}
	})
}

func TestEmulatorTaskFailure(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t)
	app := vmByName(t, c, "dns-01")
	s.fault(t, map[string]any{"path_prefix": "/api/nutanix/v3/vms", "method": "PUT", "kind": "task_failure", "count": 1})
	_, err := c.UpdateVMCategories(context.Background(), app.UUID, func(m map[string]string) { m["Environment"] = "Testing" })
	var te *TaskError
	if !errors.As(err, &te) {
		t.Fatalf("error = %v, want a *TaskError", err)
	}
	if te.Status != TaskFailed || (te.ErrorCode == "" && te.ErrorDetail == "") {
		t.Errorf("TaskError = %+v", te)
	}
	mustContain(t, err.Error(), "updating the categories of VM "+app.UUID, "ended FAILED")
}

func TestEmulatorConcurrentUpdates(t *testing.T) {
	s := startWorld(t)
	c, _ := s.client(t)
	ctx := context.Background()
	app := vmByName(t, c, "app-01")
	keys := []string{"Environment", "team-a", "team-b", "team-c"}
	for _, k := range keys[1:] {
		if _, err := c.PutCategoryKey(ctx, CategoryKey{Name: k}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PutCategoryValue(ctx, CategoryValue{Key: k, Value: "yes"}); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, len(keys))
	for _, k := range keys {
		go func() {
			value := "yes"
			if k == "Environment" {
				value = "Dev"
			}
			_, err := c.UpdateVMCategories(ctx, app.UUID, func(m map[string]string) { m[k] = value })
			errs <- err
		}()
	}
	for range keys {
		if err := <-errs; err != nil {
			t.Errorf("concurrent update: %v", err)
		}
	}
	vm, err := c.GetVM(ctx, app.UUID)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if vm.Categories[k] == "" {
			t.Errorf("the update of %s was lost: %v", k, vm.Categories)
		}
	}
	if got := vm.SpecVersion - app.SpecVersion; got != len(keys) {
		t.Errorf("spec_version advanced by %d, want %d", got, len(keys))
	}
}
