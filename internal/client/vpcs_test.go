package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func netVPCInput() VPC {
	return VPC{
		Name: "vpc-a", Description: "tokyo", ExternalSubnetUUIDs: []string{netExternal},
		ExternallyRoutablePrefixes: []string{"172.30.0.0/16"}, DNSServers: []string{"10.10.0.53"},
	}
}

func TestCreateVPCWire(t *testing.T) {
	f := newFakeNet(t)
	c := f.client(t)
	v, err := c.CreateVPC(context.Background(), netVPCInput())
	if err != nil {
		t.Fatal(err)
	}
	body := netSent(t, f.posts, "/vpcs")
	id, _ := subtree(body, "metadata.uuid").(string)
	if !uuidPattern.MatchString(id) || subtree(body, "metadata.kind") != "vpc" {
		t.Errorf("metadata = %v", body["metadata"])
	}
	netJSONEqual(t, "spec", body["spec"], `{
	  "name": "vpc-a", "description": "tokyo",
	  "resources": {
	    "external_subnet_list": [{"external_subnet_reference": {"kind": "subnet", "uuid": "`+netExternal+`"}}],
	    "externally_routable_prefix_list": [{"ip": "172.30.0.0", "prefix_length": 16}],
	    "common_domain_name_server_ip_list": [{"ip": "10.10.0.53"}]
	  }
	}`)
	want := netVPCInput()
	want.UUID, want.State = id, "COMPLETE"
	if !reflect.DeepEqual(*v, want) {
		t.Errorf("CreateVPC =\n%+v\nwant\n%+v", *v, want)
	}
	got, err := c.GetVPC(context.Background(), id)
	if err != nil || !reflect.DeepEqual(*got, want) {
		t.Errorf("GetVPC = %+v, %v", got, err)
	}
}

func TestCreateVPCMinimal(t *testing.T) {
	f := newFakeNet(t)
	c := f.client(t)
	if _, err := c.CreateVPC(context.Background(), VPC{Name: "bare"}); err != nil {
		t.Fatal(err)
	}
	netJSONEqual(t, "spec", netSent(t, f.posts, "/vpcs")["spec"], `{"name": "bare", "resources": {}}`)
}

func TestCreateVPCDroppedAnswer(t *testing.T) {
	f := newFakeNet(t)
	f.dropCreates = 1
	c := f.client(t)
	v, err := c.CreateVPC(context.Background(), netVPCInput())
	if err != nil {
		t.Fatalf("create after a dropped answer: %v", err)
	}
	bodies := f.posts["/vpcs"]
	if len(bodies) != 2 || string(bodies[0]) != string(bodies[1]) {
		t.Fatalf("creates sent = %d; the retry must repeat the first attempt exactly", len(bodies))
	}
	vpcs, err := c.ListVPCs(context.Background(), "")
	if err != nil || len(vpcs) != 1 || vpcs[0].UUID != v.UUID {
		t.Errorf("ListVPCs = %+v, %v; want only %s", vpcs, err, v.UUID)
	}
}

func TestCreateVPCChecksBeforeSending(t *testing.T) {
	f := newFakeNet(t)
	c := f.client(t)
	_, err := c.CreateVPC(context.Background(), VPC{ExternalSubnetUUIDs: []string{""}, ExternallyRoutablePrefixes: []string{"172.30.0.0"}, DNSServers: []string{"ns1"}})
	if err == nil {
		t.Fatal("a VPC that cannot be sent was accepted")
	}
	mustContain(t, err.Error(), "creating a VPC: the name is empty", "an external subnet uuid is empty", `externally routable prefix "172.30.0.0"`, `DNS server "ns1"`)
	if len(f.posts) != 0 {
		t.Errorf("sent %v", f.posts)
	}
}

const netReadVPC = `{
  "metadata": {"kind": "vpc", "uuid": "` + netVPC + `", "spec_version": 2, "categories": {"Team": "net"}},
  "spec": {
    "name": "vpc-a",
    "resources": {
      "vpc_type": "REGULAR",
      "availability_zone_reference_list": [{"kind": "availability_zone", "uuid": "az1"}],
      "external_subnet_list": [{"external_subnet_reference": {"kind": "subnet", "uuid": "` + netExternal + `", "name": "ext-nonat"}, "external_ip_list": ["10.10.100.9"], "active_gateway_count": 1}],
      "externally_routable_prefix_list": [{"ip": "172.30.0.0", "prefix_length": 16}],
      "common_domain_name_server_ip_list": [{"ip": "10.10.0.53", "is_backup": false}]
    }
  }
}`

func TestUpdateVPCKeepsUnmodeledFields(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/vpcs/"+netVPC, netReadVPC)
	c := f.client(t)
	in := netVPCInput()
	in.UUID = netVPC
	in.ExternallyRoutablePrefixes = append(in.ExternallyRoutablePrefixes, "192.168.96.0/20")
	in.DNSServers = []string{"10.10.0.54", "10.10.0.53"}
	v, err := c.UpdateVPC(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	body := netSent(t, f.puts, "/vpcs/"+netVPC)
	netJSONEqual(t, "metadata", body["metadata"], `{"kind": "vpc", "uuid": "`+netVPC+`", "spec_version": 2, "categories": {"Team": "net"}}`)
	netJSONEqual(t, "spec", body["spec"], `{
	  "name": "vpc-a", "description": "tokyo",
	  "resources": {
	    "vpc_type": "REGULAR",
	    "availability_zone_reference_list": [{"kind": "availability_zone", "uuid": "az1"}],
	    "external_subnet_list": [{"external_subnet_reference": {"kind": "subnet", "uuid": "`+netExternal+`", "name": "ext-nonat"}, "external_ip_list": ["10.10.100.9"], "active_gateway_count": 1}],
	    "externally_routable_prefix_list": [{"ip": "172.30.0.0", "prefix_length": 16}, {"ip": "192.168.96.0", "prefix_length": 20}],
	    "common_domain_name_server_ip_list": [{"ip": "10.10.0.54"}, {"ip": "10.10.0.53", "is_backup": false}]
	  }
	}`)
	want := in
	want.State = "COMPLETE"
	if !reflect.DeepEqual(*v, want) {
		t.Errorf("UpdateVPC =\n%+v\nwant\n%+v", *v, want)
	}

	// Emptying the lists sends them empty; nothing else changes.
	in.ExternalSubnetUUIDs, in.ExternallyRoutablePrefixes, in.DNSServers, in.Description = nil, nil, nil, ""
	if _, err := c.UpdateVPC(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	puts := f.puts["/vpcs/"+netVPC]
	if len(puts) != 2 {
		t.Fatalf("%d updates sent", len(puts))
	}
	netJSONEqual(t, "emptied spec", netDecode(t, puts[1])["spec"], `{
	  "name": "vpc-a",
	  "resources": {
	    "vpc_type": "REGULAR",
	    "availability_zone_reference_list": [{"kind": "availability_zone", "uuid": "az1"}],
	    "external_subnet_list": [], "externally_routable_prefix_list": [], "common_domain_name_server_ip_list": []
	  }
	}`)
}

func TestUpdateVPCNoChange(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/vpcs/"+netVPC, netReadVPC)
	c := f.client(t)
	in := netVPCInput()
	in.UUID, in.Description = netVPC, ""
	v, err := c.UpdateVPC(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.puts) != 0 || v.Name != "vpc-a" {
		t.Errorf("puts = %d, VPC = %+v", len(f.puts), v)
	}
	if _, err := c.UpdateVPC(context.Background(), VPC{Name: "x"}); err == nil {
		t.Error("an update without a uuid was accepted")
	}
}

func TestListVPCsPages(t *testing.T) {
	f := newFakeNet(t)
	for i := range 5 {
		id := fmt.Sprintf("0f000000-0000-4000-8000-00000000010%d", i)
		f.seed("/vpcs/"+id, `{"metadata": {"kind": "vpc", "uuid": "`+id+`"}, "spec": {"name": "vpc-`+fmt.Sprint(i)+`", "resources": {}}}`)
	}
	c := f.client(t)
	c.pageSize = 2
	vpcs, err := c.ListVPCs(context.Background(), "")
	if err != nil || len(vpcs) != 5 || vpcs[4].Name != "vpc-4" {
		t.Fatalf("ListVPCs = %+v, %v", vpcs, err)
	}
	if n := f.cnt.get("POST " + APIPath + "/vpcs/list"); n != 3 {
		t.Errorf("%d list requests for 5 VPCs by 2", n)
	}
}

func TestDeleteVPC(t *testing.T) {
	f := newFakeNet(t)
	f.seed("/vpcs/"+netVPC, netReadVPC)
	c := f.client(t)
	if err := c.DeleteVPC(context.Background(), netVPC); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetVPC(context.Background(), netVPC); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetVPC after delete = %v, want ErrNotFound", err)
	}
}
