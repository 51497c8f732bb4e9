package v4

import "net/http"

// Clusters (clustermgmt v4.2, SDK clustermgmt-go-client api/clusters_api.go ListClusters and
// GetClusterById, models/clustermgmt/v4/config Cluster):
//
//	GET /api/clustermgmt/v4.2/config/clusters[?OData]  -> []Cluster
//	GET /api/clustermgmt/v4.2/config/clusters/{extId}  -> Cluster, ETag
//
// The model's clusters, the ones v3's /clusters/list shows, under the same uuids: the PC
// itself (config.clusterFunction [PRISM_CENTRAL]) and its AOS clusters ([AOS]). Read only:
// creating or changing a cluster is not a DR operation.

// ClusterMgmt is the clustermgmt namespace at the revision of the pinned SDK.
var ClusterMgmt = Namespace{Name: "clustermgmt", Version: "v4.2", codePfx: "CLU", revision: "v4.r2"}

var clustersPath = ClusterMgmt.Prefix() + "/config/clusters"

var clusterFields = []string{"extId", "name"}

// ClusterBackend is what the v4 wire needs of a PC for its clusters.
type ClusterBackend interface {
	// Clusters are the PC itself and its AOS clusters, in the order v3 lists them.
	Clusters() []Cluster
}

// Cluster is a cluster of the model as clustermgmt.v4.config.Cluster shows it.
type Cluster struct {
	ExtID        string
	Name         string
	PrismCentral bool   // the PC itself
	Version      string // the AOS version, or the PC's release
	ExternalIP   string
}

func clusterRoutes() []Route {
	return []Route{
		{http.MethodGet, clustersPath, "cluster", handleListClusters},
		{http.MethodGet, clustersPath + "/{extId}", "cluster", handleGetCluster},
	}
}

func renderCluster(c Cluster) map[string]any {
	obj := func(t string, fields map[string]any) map[string]any { return ClusterMgmt.object(t, fields) }
	function := "AOS"
	if c.PrismCentral {
		function = "PRISM_CENTRAL"
	}
	config := obj("clustermgmt.v4.config.ClusterConfigReference", map[string]any{
		"clusterFunction":  []string{function},
		"buildInfo":        obj("clustermgmt.v4.config.BuildReference", map[string]any{"buildType": "release", "version": c.Version, "fullVersion": "el8.5-release-" + c.Version}),
		"isAvailable":      true,
		"operationMode":    "NORMAL",
		"redundancyFactor": 2,
		"timezone":         "UTC",
		"clusterArch":      "X86_64",
	})
	network := obj("clustermgmt.v4.config.ClusterNetworkReference", map[string]any{})
	if c.ExternalIP != "" {
		network["externalAddress"] = map[string]any{
			"$objectType": "common.v1.config.IPAddress", "$reserved": map[string]any{"$fv": "v1.r0"},
			"ipv4": renderIPv4(c.ExternalIP),
		}
	}
	return obj("clustermgmt.v4.config.Cluster", map[string]any{
		"extId":   c.ExtID,
		"name":    c.Name,
		"config":  config,
		"network": network,
	})
}

func handleListClusters(rq Request) (int, any) {
	return listOf(ClusterMgmt, rq, clusterFields, "clustermgmt.v4.config.ListClustersApiResponse", "clustermgmt.v4.config.Cluster",
		rq.PC.Clusters(), renderCluster)
}

func handleGetCluster(rq Request) (int, any) {
	id := rq.Params["extId"]
	c, ok := findByID(rq.PC.Clusters(), func(c Cluster) string { return c.ExtID }, id)
	if !ok {
		return ClusterMgmt.fail(http.StatusNotFound, 40400, "extId", "cluster %s was not found", id)
	}
	return ClusterMgmt.entityAnswer(http.StatusOK, "clustermgmt.v4.config.GetClusterApiResponse", renderCluster(c))
}
