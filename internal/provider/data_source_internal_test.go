package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

func TestFlattenSubnet(t *testing.T) {
	vlan := int64(50)
	got := flattenSubnet(client.Subnet{
		UUID: "s-1", Name: "vlan50-prod", SubnetType: "VLAN", ClusterUUID: "c-1",
		VLANID: &vlan, CIDR: "192.168.50.0/24", GatewayIP: "192.168.50.1",
	})
	if got.VLANID.ValueInt64() != 50 || got.CIDR.ValueString() != "192.168.50.0/24" ||
		got.ClusterID.ValueString() != "c-1" || !got.VPCID.IsNull() {
		t.Errorf("VLAN subnet flattened to %+v", got)
	}

	overlay := flattenSubnet(client.Subnet{UUID: "s-2", Name: "overlay", SubnetType: "OVERLAY", VPCUUID: "v-1"})
	if !overlay.VLANID.IsNull() || !overlay.ClusterID.IsNull() || !overlay.CIDR.IsNull() ||
		!overlay.GatewayIP.IsNull() || overlay.VPCID.ValueString() != "v-1" {
		t.Errorf("absent values must be null, got %+v", overlay)
	}
}

func TestFlattenVM(t *testing.T) {
	got, diags := flattenVM(client.VM{
		UUID: "vm-1", Name: "app-01", ClusterUUID: "c-1", PowerState: "ON",
		IPAddresses: []string{"192.168.50.10", "10.0.0.1"},
		Categories:  map[string]string{"Environment": "Production"},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	ips := got.IPAddresses.Elements()
	if len(ips) != 2 || !ips[0].Equal(types.StringValue("192.168.50.10")) || !ips[1].Equal(types.StringValue("10.0.0.1")) {
		t.Errorf("ip_addresses %v, want NIC order kept", ips)
	}
	if !got.Categories.Elements()["Environment"].Equal(types.StringValue("Production")) {
		t.Errorf("categories %v", got.Categories)
	}

	bare, diags := flattenVM(client.VM{UUID: "vm-2", Name: "bare"})
	if diags.HasError() || bare.IPAddresses.IsNull() || bare.Categories.IsNull() || !bare.ClusterID.IsNull() {
		t.Errorf("a VM with no NIC or category must give empty (not null) lists and maps, got %+v", bare)
	}
}

func TestFlattenCluster(t *testing.T) {
	got := flattenCluster(client.Cluster{UUID: "c-1", Name: "CA01"})
	if got.ID.ValueString() != "c-1" || got.Name.ValueString() != "CA01" {
		t.Errorf("got %+v", got)
	}
}
