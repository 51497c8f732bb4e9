package prismsim

import v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"

// Clusters over v4 (v4.ClusterBackend): the model's clusters, as v3 lists them.

// Clusters implements v4.ClusterBackend: the entities v3's /clusters/list shows.
func (pc *PC) Clusters() []v4.Cluster {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var out []v4.Cluster
	for _, e := range pc.entitiesLocked(clusterKind) {
		d := clusterInfo(e)
		c := v4.Cluster{ExtID: e.uuid, Name: e.current().name, PrismCentral: d.prismCentral, ExternalIP: d.externalIP, Version: aosVersion}
		if d.prismCentral {
			c.Version = pc.PCVersion()
		}
		out = append(out, c)
	}
	return out
}
