package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	netCluster  = "0c000000-0000-4000-8000-0000000000c1"
	netVPC      = "0f000000-0000-4000-8000-0000000000f1"
	netExternal = "0a000000-0000-4000-8000-0000000000a1"
	netOverlay  = "0b000000-0000-4000-8000-0000000000b1"
)

func netInt(v int64) *int64 { return &v }
func netBool(v bool) *bool  { return &v }

// fakeNet serves subnets, VPCs and route tables the way Prism Central
// stores intentful entities: creates by client-chosen uuid, updates
// checked against spec_version, every change through a task.
type fakeNet struct {
	t     *testing.T
	tasks *fakeTasks
	cnt   counter

	mu sync.Mutex
	// entities maps a path below the API ("/subnets/<uuid>",
	// "/vpcs/<uuid>/route_tables") to {metadata, spec}.
	entities map[string]map[string]any
	n        int
	// posts and puts are the bodies of creates and updates, by path.
	posts, puts map[string][][]byte
	// dropCreates drops the answer of that many committed creates.
	dropCreates int
	// conflicts is how many updates are refused after a concurrent change.
	conflicts int
	// refuseDelete answers deletes with this reason (409) when set.
	refuseDelete string
}

func newFakeNet(t *testing.T) *fakeNet {
	return &fakeNet{t: t, tasks: newFakeTasks(), entities: map[string]map[string]any{}, posts: map[string][][]byte{}, puts: map[string][][]byte{}}
}

func (f *fakeNet) client(t *testing.T) *Client {
	c, _ := fakeServer(t, f.tasks, &f.cnt, f.handle)
	return c
}

// seed stores an entity as read from JSON.
func (f *fakeNet) seed(path, doc string) {
	var e map[string]any
	if err := decodeNumbers([]byte(doc), &e); err != nil {
		f.t.Fatal(err)
	}
	f.entities[path] = e
}

func (f *fakeNet) task() string {
	f.n++
	id := fmt.Sprintf("0e000000-0000-4000-8000-%012d", f.n)
	f.tasks.add(id, 5*time.Millisecond, nil)
	return id
}

// answer is an entity as GET returns it: the spec, and a status that says
// the same with a state.
func (f *fakeNet) answer(path string) map[string]any {
	e := f.entities[path]
	status := map[string]any{"state": "COMPLETE"}
	if spec, ok := e["spec"].(map[string]any); ok {
		for k, v := range spec {
			status[k] = v
		}
	}
	if s, ok := e["status"].(map[string]any); ok {
		status = s
	}
	return map[string]any{"api_version": "3.1", "metadata": e["metadata"], "spec": e["spec"], "status": status}
}

func (f *fakeNet) accepted(w http.ResponseWriter, meta any) {
	writeJSON(w, 202, map[string]any{"api_version": "3.1", "metadata": meta,
		"status": map[string]any{"state": "PENDING", "execution_context": map[string]any{"task_uuid": f.task()}}})
}

func (f *fakeNet) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, APIPath)
	switch {
	case r.Method == http.MethodPost && (path == "/subnets" || path == "/vpcs"):
		f.create(w, path, body)
	case r.Method == http.MethodPost && (path == "/subnets/list" || path == "/vpcs/list"):
		prefix := strings.TrimSuffix(path, "list")
		var in listRequest
		_ = json.Unmarshal(body, &in)
		var all []any
		for _, p := range sortedNames(f.entities) {
			if strings.HasPrefix(p, prefix) && !strings.HasSuffix(p, "/route_tables") {
				all = append(all, f.answer(p))
			}
		}
		page := all[min(in.Offset, len(all)):min(in.Offset+in.Length, len(all))]
		writeJSON(w, 200, map[string]any{"api_version": "3.1", "metadata": map[string]any{"kind": in.Kind, "total_matches": len(all), "length": len(page), "offset": in.Offset}, "entities": page})
	default:
		e, ok := f.entities[path]
		if !ok {
			v3Error(w, 404, ReasonEntityNotFound, path+" not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, f.answer(path))
		case http.MethodPut:
			f.update(w, path, e, body)
		case http.MethodDelete:
			if f.refuseDelete != "" {
				v3Error(w, 409, f.refuseDelete, "subnet is in use by VM app-01")
				return
			}
			delete(f.entities, path)
			f.accepted(w, e["metadata"])
		default:
			w.WriteHeader(405)
		}
	}
}

func (f *fakeNet) create(w http.ResponseWriter, path string, body []byte) {
	f.posts[path] = append(f.posts[path], body)
	var in map[string]any
	if err := decodeNumbers(body, &in); err != nil {
		v3Error(w, 400, "INVALID_ARGUMENT", err.Error())
		return
	}
	meta, _ := in["metadata"].(map[string]any)
	id, _ := meta["uuid"].(string)
	if id == "" || meta["kind"] != strings.TrimSuffix(strings.TrimPrefix(path, "/"), "s") || in["spec"] == nil {
		v3Error(w, 400, "INVALID_ARGUMENT", "bad create")
		return
	}
	if _, ok := f.entities[path+"/"+id]; ok {
		v3Error(w, 409, ReasonEntityAlreadyExists, path+"/"+id+" already exists")
		return
	}
	meta["spec_version"] = json.Number("0")
	f.entities[path+"/"+id] = map[string]any{"metadata": meta, "spec": in["spec"]}
	if path == "/vpcs" {
		f.entities[path+"/"+id+"/route_tables"] = map[string]any{
			"metadata": map[string]any{"kind": "vpc_route_table", "uuid": id, "spec_version": json.Number("0")},
			"spec":     map[string]any{"resources": map[string]any{}},
		}
	}
	if f.dropCreates > 0 {
		f.dropCreates--
		f.task()
		dropConnection(f.t, w)
		return
	}
	f.accepted(w, meta)
}

func (f *fakeNet) update(w http.ResponseWriter, path string, e map[string]any, body []byte) {
	f.puts[path] = append(f.puts[path], body)
	in, stored, ok := fakePut(w, e, body, &f.conflicts)
	if !ok {
		return
	}
	if _, ok := in["status"]; ok {
		v3Error(w, 400, "INVALID_ARGUMENT", "status is read-only")
		return
	}
	bumpSpecVersion(stored)
	e["spec"] = in["spec"]
	delete(e, "status")
	f.accepted(w, stored)
}

// netSent decodes the only body sent to path (posts or puts).
func netSent(t *testing.T, bodies map[string][][]byte, path string) map[string]any {
	t.Helper()
	if len(bodies[path]) != 1 {
		t.Fatalf("%d bodies sent to %s, want 1", len(bodies[path]), path)
	}
	var out map[string]any
	if err := json.Unmarshal(bodies[path][0], &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// netJSONEqual fails unless got, marshaled, is the JSON want.
func netJSONEqual(t *testing.T, what string, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s =\n%s\nwant\n%s", what, b, want)
	}
}

func netNoNATSpec() SubnetSpec {
	return SubnetSpec{
		Name: "ext-nonat", SubnetType: SubnetTypeVLAN, ClusterUUID: netCluster, VLANID: netInt(100),
		IsExternal: netBool(true), EnableNAT: netBool(false),
		IPConfig: &IPConfig{CIDR: "10.10.100.0/24", GatewayIP: "10.10.100.1", Pools: []string{"10.10.100.10-10.10.100.50"}, DNSServers: []string{"10.10.0.53"}},
	}
}

func TestCreateSubnetSendsEnableNATFalse(t *testing.T) {
	f := newFakeNet(t)
	c := f.client(t)
	s, err := c.CreateSubnet(context.Background(), netNoNATSpec())
	if err != nil {
		t.Fatal(err)
	}
	body := netSent(t, f.posts, "/subnets")
	id, _ := subtree(body, "metadata.uuid").(string)
	if !uuidPattern.MatchString(id) || subtree(body, "metadata.kind") != "subnet" || body["api_version"] != apiVersion {
		t.Errorf("metadata = %v", body["metadata"])
	}
	netJSONEqual(t, "spec", body["spec"], `{
	  "name": "ext-nonat",
	  "cluster_reference": {"kind": "cluster", "uuid": "`+netCluster+`"},
	  "resources": {
	    "subnet_type": "VLAN", "vlan_id": 100, "is_external": true, "enable_nat": false,
	    "ip_config": {"subnet_ip": "10.10.100.0", "prefix_length": 24, "default_gateway_ip": "10.10.100.1",
	                  "pool_list": [{"range": "10.10.100.10 10.10.100.50"}],
	                  "dhcp_options": {"domain_name_server_list": ["10.10.0.53"]}}
	  }
	}`)
	if !strings.Contains(string(f.posts["/subnets"][0]), `"enable_nat":false`) {
		t.Errorf("enable_nat false is not on the wire: %s", f.posts["/subnets"][0])
	}
	want := Subnet{
		UUID: id, Name: "ext-nonat", SubnetType: SubnetTypeVLAN, ClusterUUID: netCluster, VLANID: netInt(100),
		CIDR: "10.10.100.0/24", GatewayIP: "10.10.100.1", IsExternal: true, EnableNAT: netBool(false), State: "COMPLETE",
		IPConfig: &IPConfig{CIDR: "10.10.100.0/24", GatewayIP: "10.10.100.1", Pools: []string{"10.10.100.10-10.10.100.50"}, DNSServers: []string{"10.10.0.53"}},
	}
	if !reflect.DeepEqual(*s, want) {
		t.Errorf("CreateSubnet =\n%+v\nwant\n%+v", *s, want)
	}
}

func TestCreateSubnetLeavesUnsetBoolsOut(t *testing.T) {
	f := newFakeNet(t)
	c := f.client(t)
	_, err := c.CreateSubnet(context.Background(), SubnetSpec{
		Name: "overlay-a", Description: "tier 1", SubnetType: SubnetTypeOverlay, VPCUUID: netVPC,
		IPConfig: &IPConfig{CIDR: "172.30.1.0/24", GatewayIP: "172.30.1.1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	body := netSent(t, f.posts, "/subnets")
	netJSONEqual(t, "spec", body["spec"], `{
	  "name": "overlay-a", "description": "tier 1",
	  "resources": {
	    "subnet_type": "OVERLAY", "vpc_reference": {"kind": "vpc", "uuid": "`+netVPC+`"},
	    "ip_config": {"subnet_ip": "172.30.1.0", "prefix_length": 24, "default_gateway_ip": "172.30.1.1"}
	  }
	}`)
}

func TestCreateSubnetDroppedAnswer(t *testing.T) {
	f := newFakeNet(t)
	f.dropCreates = 1
	c := f.client(t)
	s, err := c.CreateSubnet(context.Background(), netNoNATSpec())
	if err != nil {
		t.Fatalf("create after a dropped answer: %v", err)
	}
	bodies := f.posts["/subnets"]
	if len(bodies) != 2 || string(bodies[0]) != string(bodies[1]) {
		t.Fatalf("creates sent = %d; the retry must repeat the first attempt exactly", len(bodies))
	}
	if len(f.entities) != 1 || f.entities["/subnets/"+s.UUID] == nil {
		t.Errorf("entities = %v, subnet %s; want exactly the one created", sortedNames(f.entities), s.UUID)
	}
}

func TestCreateSubnetChecksBeforeSending(t *testing.T) {
	f := newFakeNet(t)
	c := f.client(t)
	bad := netNoNATSpec()
	bad.Name = ""
	bad.SubnetType = "BRIDGE"
	bad.IPConfig = &IPConfig{CIDR: "10.10.100.0", GatewayIP: "gw", Pools: []string{"10.10.100.10"}, DNSServers: []string{"dns"}}
	_, err := c.CreateSubnet(context.Background(), bad)
	if err == nil {
		t.Fatal("a spec that cannot be sent was accepted")
	}
	mustContain(t, err.Error(), "creating a subnet: ", "the name is empty", `subnet type "BRIDGE" is not one of VLAN, OVERLAY`,
		`ip_config CIDR "10.10.100.0"`, `gateway "gw"`, `address pool "10.10.100.10"`, `DNS server "dns"`)
	if len(f.posts) != 0 {
		t.Errorf("sent %v", f.posts)
	}
}

func TestSplitPool(t *testing.T) {
	for in, want := range map[string][2]string{
		"10.0.0.10-10.0.0.20":    {"10.0.0.10", "10.0.0.20"},
		"10.0.0.10 10.0.0.20":    {"10.0.0.10", "10.0.0.20"},
		" 10.0.0.10 - 10.0.0.20": {"10.0.0.10", "10.0.0.20"},
	} {
		first, last, err := SplitPool(in)
		if err != nil || first != want[0] || last != want[1] {
			t.Errorf("SplitPool(%q) = %q, %q, %v", in, first, last, err)
		}
	}
	for _, in := range []string{"", "10.0.0.10", "10.0.0.10-x", "a-b-c", "::1-::2"} {
		if _, _, err := SplitPool(in); err == nil {
			t.Errorf("SplitPool(%q) accepted", in)
		}
	}
}

// netReadSubnet is a subnet with fields the client does not model, as a
// server holds it.
const netReadSubnet = `{
  "metadata": {"kind": "subnet", "uuid": "` + netExternal + `", "spec_version": 7, "categories": {"Team": "net"}, "owner_reference": {"kind": "user", "uuid": "u1"}},
  "spec": {
    "name": "ext-nonat", "availability_zone_reference": {"kind": "availability_zone", "uuid": "az1"},
    "cluster_reference": {"kind": "cluster", "uuid": "` + netCluster + `", "name": "NC2-TYO"},
    "resources": {
      "subnet_type": "VLAN", "vlan_id": 100, "is_external": true, "enable_nat": true,
      "advanced_networking": true, "virtual_switch_uuid": "7e000000-0000-4000-8000-000000000001",
      "ip_config": {
        "subnet_ip": "10.10.100.0", "prefix_length": 24, "default_gateway_ip": "10.10.100.1",
        "dhcp_server_address": {"ip": "10.10.100.254"},
        "pool_list": [{"range": "10.10.100.10 10.10.100.50", "owner": "ipam"}],
        "dhcp_options": {"domain_name_server_list": ["10.10.0.53"], "boot_file_name": "pxe.0", "tftp_server_name": "tftp"}
      }
    }
  }
}`

func TestUpdateSubnetKeepsUnmodeledFields(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/subnets/"+netExternal, netReadSubnet)
	c := f.client(t)
	s, err := c.UpdateSubnet(context.Background(), netExternal, SubnetSpec{
		Name: "ext-nonat", Description: "uplink", SubnetType: SubnetTypeVLAN, EnableNAT: netBool(false),
		IPConfig: &IPConfig{CIDR: "10.10.100.0/24", GatewayIP: "10.10.100.1",
			Pools: []string{"10.10.100.10-10.10.100.50", "10.10.100.60-10.10.100.70"}, DNSServers: []string{"10.10.0.53", "10.10.0.54"}, DomainName: "tyo.example"},
	})
	if err != nil {
		t.Fatal(err)
	}
	body := netSent(t, f.puts, "/subnets/"+netExternal)
	if _, ok := body["status"]; ok {
		t.Error("the update sent the status back")
	}
	netJSONEqual(t, "metadata", body["metadata"], `{"kind": "subnet", "uuid": "`+netExternal+`", "spec_version": 7, "categories": {"Team": "net"}, "owner_reference": {"kind": "user", "uuid": "u1"}}`)
	netJSONEqual(t, "spec", body["spec"], `{
	  "name": "ext-nonat", "description": "uplink", "availability_zone_reference": {"kind": "availability_zone", "uuid": "az1"},
	  "cluster_reference": {"kind": "cluster", "uuid": "`+netCluster+`", "name": "NC2-TYO"},
	  "resources": {
	    "subnet_type": "VLAN", "vlan_id": 100, "is_external": true, "enable_nat": false,
	    "advanced_networking": true, "virtual_switch_uuid": "7e000000-0000-4000-8000-000000000001",
	    "ip_config": {
	      "subnet_ip": "10.10.100.0", "prefix_length": 24, "default_gateway_ip": "10.10.100.1",
	      "dhcp_server_address": {"ip": "10.10.100.254"},
	      "pool_list": [{"range": "10.10.100.10 10.10.100.50", "owner": "ipam"}, {"range": "10.10.100.60 10.10.100.70"}],
	      "dhcp_options": {"domain_name_server_list": ["10.10.0.53", "10.10.0.54"], "domain_name": "tyo.example", "boot_file_name": "pxe.0", "tftp_server_name": "tftp"}
	    }
	  }
	}`)
	if s.EnableNAT == nil || *s.EnableNAT || s.Description != "uplink" || len(s.IPConfig.Pools) != 2 || s.IPConfig.DomainName != "tyo.example" {
		t.Errorf("UpdateSubnet = %+v, ip_config %+v", s, s.IPConfig)
	}
}

func TestUpdateSubnetRemovesWhatIsGone(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/subnets/"+netExternal, netReadSubnet)
	c := f.client(t)
	_, err := c.UpdateSubnet(context.Background(), netExternal, SubnetSpec{IPConfig: &IPConfig{CIDR: "10.10.100.0/24"}})
	if err != nil {
		t.Fatal(err)
	}
	body := netSent(t, f.puts, "/subnets/"+netExternal)
	netJSONEqual(t, "ip_config", subtree(body, "spec.resources.ip_config"), `{
	  "subnet_ip": "10.10.100.0", "prefix_length": 24, "dhcp_server_address": {"ip": "10.10.100.254"},
	  "pool_list": [], "dhcp_options": {"boot_file_name": "pxe.0", "tftp_server_name": "tftp"}
	}`)
	if subtree(body, "spec.name") != "ext-nonat" || subtree(body, "spec.resources.enable_nat") != true {
		t.Errorf("unset fields were not kept: %v", body["spec"])
	}
}

func TestUpdateSubnetNoChange(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/subnets/"+netExternal, netReadSubnet)
	c := f.client(t)
	s, err := c.UpdateSubnet(context.Background(), netExternal, SubnetSpec{Name: "ext-nonat", EnableNAT: netBool(true), VLANID: netInt(100), ClusterUUID: netCluster,
		IPConfig: &IPConfig{CIDR: "10.10.100.0/24", GatewayIP: "10.10.100.1", Pools: []string{"10.10.100.10 10.10.100.50"}, DNSServers: []string{"10.10.0.53"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.puts) != 0 {
		t.Errorf("an update that changes nothing was sent: %s", f.puts["/subnets/"+netExternal])
	}
	if s.UUID != netExternal || s.Name != "ext-nonat" {
		t.Errorf("UpdateSubnet = %+v", s)
	}
}

func TestUpdateSubnetRetriesConflicts(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/subnets/"+netExternal, netReadSubnet)
	f.conflicts = 2
	c := f.client(t)
	if _, err := c.UpdateSubnet(context.Background(), netExternal, SubnetSpec{Description: "x"}); err != nil {
		t.Fatal(err)
	}
	puts := f.puts["/subnets/"+netExternal]
	if len(puts) != 3 || f.cnt.get("GET "+APIPath+"/subnets/"+netExternal) < 3 {
		t.Fatalf("puts = %d; want 3, each after a fresh read", len(puts))
	}
	var last map[string]any
	if err := json.Unmarshal(puts[2], &last); err != nil {
		t.Fatal(err)
	}
	if subtree(last, "metadata.spec_version") != float64(9) {
		t.Errorf("the last attempt sent spec_version %v, want the one read after the conflicts", subtree(last, "metadata.spec_version"))
	}
}

func TestUpdateSubnetRefusesTypeChange(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/subnets/"+netExternal, netReadSubnet)
	c := f.client(t)
	_, err := c.UpdateSubnet(context.Background(), netExternal, SubnetSpec{Name: "ext-nonat", SubnetType: SubnetTypeOverlay, VPCUUID: netVPC})
	if err == nil {
		t.Fatal("a type change was accepted")
	}
	mustContain(t, err.Error(), "updating subnet ext-nonat ("+netExternal+")", "is of type VLAN and cannot become OVERLAY: replace it")
	if len(f.puts) != 0 {
		t.Error("a type change was sent")
	}
}

func TestDeleteSubnet(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/subnets/"+netExternal, netReadSubnet)
	c := f.client(t)
	f.refuseDelete = ReasonEntityDeletionFailed
	err := c.DeleteSubnet(context.Background(), netExternal)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.HasReason(ReasonEntityDeletionFailed) {
		t.Fatalf("DeleteSubnet of a subnet in use = %v", err)
	}
	mustContain(t, err.Error(), "deleting subnet "+netExternal, "in use by VM app-01", "remove what uses it first")
	f.refuseDelete = ""
	if err := c.DeleteSubnet(context.Background(), netExternal); err != nil {
		t.Fatal(err)
	}
	if len(f.entities) != 0 {
		t.Errorf("left %v", sortedNames(f.entities))
	}
	if err := c.DeleteSubnet(context.Background(), netExternal); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting a missing subnet = %v, want ErrNotFound", err)
	}
}

// netDecode decodes a request body.
func netDecode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
