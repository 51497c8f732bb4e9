package client

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
)

func TestGetAndListClusters(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/nutanix/v3/clusters/list":
			writeJSON(w, 200, map[string]any{"metadata": map[string]any{"total_matches": 2}, "entities": []any{
				clusterEntity("00000000-0000-0000-0000-0000000000a1", "CA01", "AOS"),
				clusterEntity("00000000-0000-0000-0000-0000000000a2", "pc", "PRISM_CENTRAL"),
			}})
		case "/api/nutanix/v3/clusters/00000000-0000-0000-0000-0000000000a1":
			writeJSON(w, 200, clusterEntity("00000000-0000-0000-0000-0000000000a1", "CA01", "AOS"))
		default:
			v3Error(w, 404, ReasonEntityNotFound, "no cluster")
		}
	})
	c, _ := newClient(t, srv)
	ctx := context.Background()
	cl, err := c.GetCluster(ctx, "00000000-0000-0000-0000-0000000000a1")
	if err != nil || !reflect.DeepEqual(*cl, Cluster{UUID: "00000000-0000-0000-0000-0000000000a1", Name: "CA01", ServiceList: []string{"AOS"}}) {
		t.Fatalf("GetCluster = %+v, %v", cl, err)
	}
	all, err := c.ListClusters(ctx, "")
	if err != nil || len(all) != 2 || all[0].IsPrismCentral || !all[1].IsPrismCentral {
		t.Fatalf("ListClusters = %+v, %v", all, err)
	}
	if _, err := c.GetCluster(ctx, "00000000-0000-0000-0000-0000000000ff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing cluster: %v", err)
	}
}

const subnetFixture = `{
  "api_version": "3.1",
  "metadata": {"kind": "subnet", "uuid": "00000000-0000-0000-0000-0000000000b1"},
  "spec": {"name": "vlan50-prod", "cluster_reference": {"kind": "cluster", "uuid": "c1"},
           "resources": {"subnet_type": "VLAN", "vlan_id": 50}},
  "status": {"state": "COMPLETE", "name": "vlan50-prod", "cluster_reference": {"kind": "cluster", "uuid": "c1", "name": "CA01"},
             "resources": {"subnet_type": "VLAN", "vlan_id": 0, "is_external": true, "enable_nat": false,
                           "vpc_reference": {"kind": "vpc", "uuid": "v1"},
                           "ip_config": {"subnet_ip": "192.168.50.0", "prefix_length": 24, "default_gateway_ip": "192.168.50.1",
                                         "pool_list": [{"range": "192.168.50.100 192.168.50.200"}]}}}
}`

func TestGetSubnetDecodes(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(subnetFixture))
	})
	c, _ := newClient(t, srv)
	s, err := c.GetSubnet(context.Background(), "00000000-0000-0000-0000-0000000000b1")
	if err != nil {
		t.Fatal(err)
	}
	zero, no := int64(0), false
	want := Subnet{
		UUID: "00000000-0000-0000-0000-0000000000b1", Name: "vlan50-prod", SubnetType: "VLAN", ClusterUUID: "c1", ClusterName: "CA01",
		VPCUUID: "v1", VLANID: &zero, CIDR: "192.168.50.0/24", GatewayIP: "192.168.50.1", IsExternal: true, EnableNAT: &no,
		IPConfig: &IPConfig{CIDR: "192.168.50.0/24", GatewayIP: "192.168.50.1", Pools: []string{"192.168.50.100-192.168.50.200"}},
		State:    "COMPLETE",
	}
	if !reflect.DeepEqual(*s, want) {
		t.Errorf("GetSubnet =\n%+v\nwant\n%+v", *s, want)
	}
}
