package client

import (
	"context"
	"encoding/json"
	"slices"
)

// Clusters over v4 (clustermgmt v4.2, SDK clustermgmt-go-client ListClusters and
// GetClusterById): GET /api/clustermgmt/v4.2/config/clusters[/{extId}]. A cluster's extId is
// its v3 uuid, and config.clusterFunction says what v3's service_list says (AOS,
// PRISM_CENTRAL...), so a Cluster reads the same over either wire. The client only reads
// clusters: the v4 flow has no create, update or delete.

// v4ClusterJSON is clustermgmt.v4.config.Cluster as far as the client reads it.
type v4ClusterJSON struct {
	ExtID  string `json:"extId"`
	Name   string `json:"name"`
	Config *struct {
		ClusterFunction []string `json:"clusterFunction"`
	} `json:"config"`
}

// v4Clusters is the cluster on the v4 wire.
var v4Clusters = &v4Kind[Cluster, Cluster]{
	ns:         v4ClusterMgmt,
	collection: "/config/clusters",
	rel:        "cluster",
	decode: func(_ context.Context, _ *Client, raw json.RawMessage) (Cluster, error) {
		var j v4ClusterJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return Cluster{}, &DecodeError{What: "a v4 cluster", Err: err}
		}
		out := Cluster{UUID: j.ExtID, Name: j.Name}
		if j.Config != nil {
			out.ServiceList = j.Config.ClusterFunction
		}
		out.IsPrismCentral = slices.Contains(out.ServiceList, ServicePrismCentral)
		return out, nil
	},
}
