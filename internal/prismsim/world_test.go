package prismsim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPresetLeapTwoSites(t *testing.T) {
	if got := PresetNames(); !contains(got, "leap-two-sites") {
		t.Fatalf("PresetNames() = %v", got)
	}
	if _, err := Preset("nope"); err == nil || !strings.Contains(err.Error(), "leap-two-sites") {
		t.Fatalf("unknown preset error should list the known ones, got %v", err)
	}
	w := startWorld(t, nil)
	if got := strings.Join(w.PCNames(), ","); got != "canada,france" {
		t.Fatalf("PCNames = %s", got)
	}
	if w.PC("nowhere") != nil {
		t.Fatal("unknown PC should be nil")
	}
	ca, fr := w.PC("canada"), w.PC("france")
	if ca.AdvertisedIP() != "192.168.10.10" || fr.AdvertisedIP() != "192.168.0.10" {
		t.Fatalf("advertised IPs %s %s", ca.AdvertisedIP(), fr.AdvertisedIP())
	}
	if ca.Username() != "admin" || len(ca.Password()) != 20 || ca.Password() == fr.Password() {
		t.Fatalf("credentials: %q / %d chars, distinct=%v", ca.Username(), len(ca.Password()), ca.Password() != fr.Password())
	}
	if ca.Port() == 0 || ca.Port() == fr.Port() || ca.URL() != "https://127.0.0.1:"+itoa(ca.Port()) {
		t.Fatalf("ports %d %d url %s", ca.Port(), fr.Port(), ca.URL())
	}

	c := newClient(t, ca)
	vms := expect(t, c.v3("POST", "/vms/list", map[string]any{}), 200).json(t)
	want := map[string]string{"app-01": "192.168.50.10", "db-01": "192.168.50.11", "dns-01": "192.168.50.2"}
	if n := getInt(t, vms, "metadata", "total_matches"); n != 3 {
		t.Fatalf("canada has %d VMs", n)
	}
	for i := 0; i < 3; i++ {
		vm := get(vms, "entities", i)
		name := getString(vm, "spec", "name")
		if ip := getString(vm, "status", "resources", "nic_list", 0, "ip_endpoint_list", 0, "ip"); ip != want[name] {
			t.Errorf("vm %s ip %s, want %s", name, ip, want[name])
		}
		if getString(vm, "status", "resources", "power_state") != "ON" ||
			getString(vm, "status", "cluster_reference", "name") != "CA01" ||
			getString(vm, "status", "resources", "nic_list", 0, "subnet_reference", "name") != "vlan50-prod" {
			t.Errorf("vm %s status: %v", name, get(vm, "status"))
		}
	}

	fc := newClient(t, fr)
	if n := getInt(t, expect(t, fc.v3("POST", "/vms/list", map[string]any{}), 200).json(t), "metadata", "total_matches"); n != 0 {
		t.Fatalf("france has %d VMs", n)
	}
	for _, pc := range []*apiClient{c, fc} {
		subnets := expect(t, pc.v3("POST", "/subnets/list", map[string]any{"sort_attribute": "vlan_id"}), 200).json(t)
		if getString(subnets, "entities", 0, "spec", "name") != "vlan50-prod" ||
			getInt(t, subnets, "entities", 0, "spec", "resources", "vlan_id") != 50 ||
			getString(subnets, "entities", 1, "spec", "resources", "ip_config", "subnet_ip") != "192.168.51.0" ||
			getInt(t, subnets, "entities", 1, "spec", "resources", "ip_config", "prefix_length") != 25 ||
			getString(subnets, "entities", 1, "spec", "resources", "ip_config", "default_gateway_ip") != "192.168.51.1" {
			t.Fatalf("subnets of %s: %s", pc.pc.Name(), mustJSON(subnets))
		}
		env := expect(t, pc.v3("GET", "/categories/Environment/Production", nil), 200).json(t)
		if env["system_defined"] != true {
			t.Fatalf("Environment:Production not system-defined on %s", pc.pc.Name())
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

func TestLoadConfigJSONAndYAML(t *testing.T) {
	dir := t.TempDir()
	yamlCfg := `
settings:
  task_latency: 50ms
  replication_delay: 1m
  clock_rate: 60
pcs:
  - name: tokyo
    advertised_ip: 10.1.0.10
    region: ap-northeast-1
    password: s3cret-pass
    clusters:
      - name: NC2-TYO
        external_ip: 10.1.0.20
    subnets:
      - name: overlay-ready
        vlan_id: 0
        cidr: 172.30.1.0/24
        gateway: 172.30.1.1
        dhcp_pool: ["172.30.1.100-172.30.1.200"]
    categories:
      - name: tier
        values: [gold, silver]
    vms:
      - name: web
        subnet: overlay-ready
        ip: 172.30.1.10
        power_state: "OFF"
        vcpus: 4
        memory_mib: 8192
        categories: {tier: gold}
`
	jsonCfg := `{"settings": {"task_latency": "50ms", "replication_delay": 60, "clock_rate": 60},
 "pcs": [{"name": "tokyo", "advertised_ip": "10.1.0.10", "region": "ap-northeast-1", "password": "s3cret-pass",
  "clusters": [{"name": "NC2-TYO", "external_ip": "10.1.0.20"}],
  "subnets": [{"name": "overlay-ready", "vlan_id": 0, "cidr": "172.30.1.0/24", "gateway": "172.30.1.1", "dhcp_pool": ["172.30.1.100 172.30.1.200"]}],
  "categories": [{"name": "tier", "values": ["gold", "silver"]}],
  "vms": [{"name": "web", "subnet": "overlay-ready", "ip": "172.30.1.10", "power_state": "OFF", "vcpus": 4, "memory_mib": 8192, "categories": {"tier": "gold"}}]}]}`
	for name, content := range map[string]string{"world.yaml": yamlCfg, "world.json": jsonCfg} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := LoadConfig(path)
			if err != nil {
				t.Fatalf("LoadConfig: %v", err)
			}
			if cfg.Settings.TaskLatency.Std() != 50*time.Millisecond || cfg.Settings.ReplicationDelay.Std() != time.Minute ||
				cfg.Settings.ClockRate != 60 {
				t.Fatalf("settings %+v", cfg.Settings)
			}
			pc := cfg.PCs[0]
			if pc.Name != "tokyo" || pc.Region != "ap-northeast-1" || pc.Clusters[0].ExternalIP != "10.1.0.20" ||
				pc.VMs[0].Categories["tier"] != "gold" || pc.VMs[0].MemoryMiB != 8192 || len(pc.Subnets[0].DHCPPool) != 1 {
				t.Fatalf("pc %+v", pc)
			}
			w, err := NewWorld(cfg)
			if err != nil {
				t.Fatalf("NewWorld: %v", err)
			}
			if err := w.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = w.Close() }()
			tokyo := w.PC("tokyo")
			if tokyo.Password() != "s3cret-pass" || tokyo.Region() != "ap-northeast-1" {
				t.Fatal("configured password/region not used")
			}
			c := newClient(t, tokyo)
			vm := c.vmByName("web")
			if get(vm, "metadata", "categories", "tier") != "gold" ||
				getString(vm, "status", "resources", "power_state") != "OFF" ||
				getInt(t, vm, "status", "resources", "num_sockets") != 4 ||
				getInt(t, vm, "status", "resources", "memory_size_mib") != 8192 {
				t.Fatalf("vm: %s", mustJSON(vm))
			}
			sub := get(expect(t, c.v3("POST", "/subnets/list", nil), 200).json(t), "entities", 0)
			if getString(sub, "spec", "resources", "ip_config", "pool_list", 0, "range") != "172.30.1.100 172.30.1.200" {
				t.Fatalf("pool: %s", mustJSON(sub))
			}
		})
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("pcs:\n  - name: x\n    advertized_ip: 1.2.3.4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(bad); err == nil || !strings.Contains(err.Error(), "advertized_ip") {
		t.Fatalf("unknown YAML field should be refused, got %v", err)
	}
	if _, err := LoadConfig(filepath.Join(dir, "world.toml")); err == nil {
		t.Fatal("unsupported extension accepted")
	}
}

func TestNewWorldValidation(t *testing.T) {
	cases := map[string]struct {
		mutate func(*WorldConfig)
		want   string
	}{
		"no pcs":         {func(c *WorldConfig) { c.PCs = nil }, "at least one PC"},
		"duplicate name": {func(c *WorldConfig) { c.PCs[1].Name = "canada" }, "used twice"},
		"bad ip":         {func(c *WorldConfig) { c.PCs[0].AdvertisedIP = "nope" }, "advertised_ip"},
		"vm outside":     {func(c *WorldConfig) { c.PCs[0].VMs[0].IP = "10.0.0.1" }, "not inside subnet"},
		"duplicate ip":   {func(c *WorldConfig) { c.PCs[0].VMs[1].IP = "192.168.50.10" }, "already used"},
		"gateway":        {func(c *WorldConfig) { c.PCs[0].Subnets[0].Gateway = "10.0.0.1" }, "gateway"},
		"unknown category": {func(c *WorldConfig) {
			c.PCs[0].VMs[0].Categories = map[string]string{"replicated-vm": "from-canada"}
		}, "replicated-vm:from-canada"},
		"unknown cluster": {func(c *WorldConfig) { c.PCs[0].VMs[0].Cluster = "XX" }, "unknown cluster"},
		"negative rate":   {func(c *WorldConfig) { c.Settings.ClockRate = -1 }, "clock_rate"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg, _ := Preset("leap-two-sites")
			tc.mutate(&cfg)
			if _, err := NewWorld(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to mention %q", err, tc.want)
			}
		})
	}
	cfg, _ := Preset("leap-two-sites")
	cfg.PCs[0].Categories = []CategoryConfig{{Name: "replicated-vm", Values: []string{"from-canada"}}}
	cfg.PCs[0].VMs[0].Categories = map[string]string{"replicated-vm": "from-canada"}
	if _, err := NewWorld(cfg); err != nil {
		t.Fatalf("configured category should be assignable: %v", err)
	}
}

func TestWriteStateAndTLS(t *testing.T) {
	w := startWorld(t, nil)
	dir := filepath.Join(t.TempDir(), "state")
	env, err := w.WriteState(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk Env
	if err := json.Unmarshal(data, &onDisk); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(filepath.Join(dir, "env.json")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("env.json mode: %v %v", info.Mode(), err)
	}
	for _, name := range w.PCNames() {
		pc := w.PC(name)
		e := onDisk.PCs[name]
		if e != env.PCs[name] || e.Endpoint != "127.0.0.1" || e.Port != pc.Port() || e.Username != pc.Username() ||
			e.Password != pc.Password() || e.AdvertisedIP != pc.AdvertisedIP() || e.CAFile != filepath.Join(dir, name+"-ca.pem") {
			t.Fatalf("env for %s: %+v", name, e)
		}
		caPEM, err := os.ReadFile(e.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		block, _ := pem.Decode(caPEM)
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !cert.IsCA || !contains(cert.DNSNames, "localhost") || !cert.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) {
			t.Fatalf("certificate of %s: CA=%v DNS=%v IPs=%v", name, cert.IsCA, cert.DNSNames, cert.IPAddresses)
		}
		// Verified with its own CA, by IP and by name.
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(caPEM)
		for _, host := range []string{"127.0.0.1", "localhost"} {
			dialer := &tls.Dialer{Config: &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}}
			conn, err := dialer.DialContext(context.Background(), "tcp", net.JoinHostPort("127.0.0.1", itoa(e.Port)))
			if err != nil {
				t.Fatalf("TLS to %s as %s: %v", name, host, err)
			}
			_ = conn.Close()
		}
	}
	// Each PC has its own certificate: canada's CA does not verify france.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(w.PC("canada").CACertPEM())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer client.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, w.PC("france").URL()+"/api/nutanix/v3/versions", nil)
	resp, err := client.Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatal("france accepted with canada's CA")
	}
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) && !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("want a certificate error, got %v", err)
	}
}

func TestAuthentication(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	c.pass = "wrong"
	for _, path := range []string{"/api/nutanix/v3/vms/list", "/_prismsim/state"} {
		r := c.do("POST", path, map[string]any{})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("%s: status %d", path, r.status)
		}
		if json.Valid(r.body) || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Fatalf("401 body must not be JSON: %q %s", r.header.Get("Content-Type"), r.body)
		}
		if r.header.Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
	}
	// france's password does not open canada.
	c.pass = w.PC("france").Password()
	if r := c.v3("GET", "/versions", nil); r.status != http.StatusUnauthorized {
		t.Fatalf("other PC's password accepted: %d", r.status)
	}
	c.pass = w.PC("canada").Password()
	v := expect(t, c.v3("GET", "/versions", nil), 200).json(t)
	if v["major_version"] != "3" || v["minor_version"] != "1" {
		t.Fatalf("versions %v", v)
	}
	// Failed logins are not counted.
	if n := w.PC("canada").RequestCounts().Total; n != 1 {
		t.Fatalf("request total %d, want 1", n)
	}
}

func TestUnknownRoutes(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	r := expect(t, c.v3("GET", "/nothing_here", nil), http.StatusNotFound)
	if r.reason(t) != reasonNotSupported {
		t.Fatalf("reason %s", r.reason(t))
	}
	r = expect(t, c.v3("PATCH", "/categories/Environment", nil), http.StatusMethodNotAllowed)
	if r.reason(t) != reasonNotSupported {
		t.Fatalf("reason %s", r.reason(t))
	}
	expect(t, c.do("GET", "/console", nil), http.StatusNotFound)
	expect(t, c.do("GET", "/_prismsim/nothing", nil), http.StatusNotFound)
}

func TestOnExchange(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("france"))
	var mu sync.Mutex
	var got []Exchange
	w.OnExchange(func(x Exchange) {
		mu.Lock()
		got = append(got, x)
		mu.Unlock()
	})
	c.v3("PUT", "/categories/rec", map[string]any{"name": "rec"})
	c.do("GET", "/_prismsim/clock", nil)
	w.OnExchange(nil)
	c.v3("GET", "/categories/rec", nil)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("recorded %d exchanges: %+v", len(got), got)
	}
	x := got[0]
	if x.PC != "france" || x.Method != "PUT" || x.Path != "/api/nutanix/v3/categories/rec" || x.Status != 201 ||
		x.Route != "PUT /api/nutanix/v3/categories/{name}" || x.ContentType != "application/json" ||
		!strings.Contains(string(x.RequestBody), `"rec"`) || !strings.Contains(string(x.ResponseBody), `"system_defined":false`) {
		t.Fatalf("exchange %+v", x)
	}
}

func TestDuplicateVMAndSubnetNames(t *testing.T) {
	w := startWorld(t, func(cfg *WorldConfig) {
		ca := &cfg.PCs[0]
		ca.Clusters = append(ca.Clusters, ClusterConfig{Name: "CA02"})
		ca.Subnets = append(ca.Subnets,
			SubnetConfig{Name: "vlan50-prod", Cluster: "CA02", VLANID: 150, CIDR: "10.50.0.0/24", Gateway: "10.50.0.1"})
		ca.VMs = append(ca.VMs,
			VMConfig{Name: "app-01", Cluster: "CA01", Subnet: "vlan50-prod", IP: "192.168.50.20"},
			VMConfig{Name: "app-01", Cluster: "CA02", Subnet: "vlan50-prod", IP: "10.50.0.10"})
	})
	c := newClient(t, w.PC("canada"))
	vms := expect(t, c.v3("POST", "/vms/list", map[string]any{"filter": "vm_name==app-01"}), 200).json(t)
	if n := getInt(t, vms, "metadata", "total_matches"); n != 3 {
		t.Fatalf("%d VMs named app-01, want 3", n)
	}
	subnets := expect(t, c.v3("POST", "/subnets/list", map[string]any{"filter": "name==vlan50-prod"}), 200).json(t)
	byCluster := map[string]string{}
	for _, s := range arr(t, subnets["entities"]) {
		byCluster[getString(s, "status", "cluster_reference", "name")] = getString(s, "metadata", "uuid")
	}
	if len(byCluster) != 2 {
		t.Fatalf("vlan50-prod per cluster: %v", byCluster)
	}
	for _, vm := range arr(t, vms["entities"]) {
		cluster := getString(vm, "status", "cluster_reference", "name")
		if got := getString(vm, "status", "resources", "nic_list", 0, "subnet_reference", "uuid"); got != byCluster[cluster] {
			t.Fatalf("a VM on %s is on subnet %s, want %s", cluster, got, byCluster[cluster])
		}
	}

	cfg, _ := Preset("leap-two-sites")
	cfg.PCs[0].Subnets = append(cfg.PCs[0].Subnets, cfg.PCs[0].Subnets[0])
	if _, err := NewWorld(cfg); err == nil || !strings.Contains(err.Error(), "defined twice on cluster") {
		t.Fatalf("the same subnet name twice on one cluster: %v", err)
	}
}
