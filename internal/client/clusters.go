package client

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ServicePrismCentral is the service a Prism Central lists for itself in
// /clusters/list.
const ServicePrismCentral = "PRISM_CENTRAL"

// Cluster is a cluster registered with Prism Central. Prism Central lists
// itself as a cluster too, with IsPrismCentral set.
type Cluster struct {
	UUID           string
	Name           string
	ServiceList    []string
	IsPrismCentral bool
}

type clusterJSON struct {
	entityHead
	Spec struct {
		Name string `json:"name"`
	} `json:"spec"`
	Status struct {
		Name      string `json:"name"`
		Resources struct {
			Config struct {
				ServiceList []string `json:"service_list"`
			} `json:"config"`
		} `json:"resources"`
	} `json:"status"`
}

// toCluster converts the entity; id is the uuid asked for, for an entity
// that names none.
func (c *clusterJSON) toCluster(id string) Cluster {
	services := c.Status.Resources.Config.ServiceList
	return Cluster{
		UUID:           firstNonEmpty(c.Metadata.UUID, id),
		Name:           firstNonEmpty(c.Status.Name, c.Spec.Name, c.Metadata.Name),
		ServiceList:    services,
		IsPrismCentral: slices.Contains(services, ServicePrismCentral),
	}
}

// kindCluster declares the cluster, which the client only reads.
var kindCluster = &entityKind[Cluster, Cluster]{noun: "cluster", v3: v3Clusters, v4: v4Clusters, wire: KindClusters}

// v3Clusters is the cluster on the v3 wire.
var v3Clusters = &v3Kind[Cluster, Cluster, clusterJSON]{kind: clusterKind, decode: (*clusterJSON).toCluster}

// GetCluster reads a cluster.
func (c *Client) GetCluster(ctx context.Context, uuid string) (*Cluster, error) {
	return kindCluster.get(ctx, c, uuid)
}

// ListClusters lists the clusters matching a FIQL filter ("" for all),
// every page. The Prism Central itself is included (IsPrismCentral); the
// caller filters it out when it wants AOS clusters only.
func (c *Client) ListClusters(ctx context.Context, filter string) ([]Cluster, error) {
	return kindCluster.list(ctx, c, filter)
}

// CheckPrismCentral verifies that the endpoint is a Prism Central: one of
// the clusters it lists must run the PRISM_CENTRAL service (a Prism Element
// lists only itself, as AOS). The error matches ErrNotPrismCentral when it
// is not, and says what to do; other errors (credentials, TLS, network) are
// those of the list call.
func (c *Client) CheckPrismCentral(ctx context.Context) error {
	op := "checking that " + c.endpoint + " is a Prism Central"
	// Over v3 unless api_version = "v4": the check tells Prism Element, whose v3 API
	// answers, from Prism Central before anything asks which v4 namespaces it serves. Under
	// "v4" nothing is asked over v3, and the v4 clusters say the same (clusterFunction).
	var all []Cluster
	var err error
	if c.Protocol(KindClusters) == WireV4 {
		all, err = kindCluster.list(ctx, c, "")
	} else {
		all, err = v3Clusters.list(ctx, c, op, "", nil)
	}
	if err != nil {
		return err
	}
	var seen []string
	for _, cl := range all {
		if cl.IsPrismCentral {
			return nil
		}
		seen = append(seen, fmt.Sprintf("%s (%s)", cl.Name, strings.Join(cl.ServiceList, ", ")))
	}
	found := "no cluster"
	if len(seen) > 0 {
		found = "only " + strings.Join(seen, "; ")
	}
	return &endpointError{
		msg:  fmt.Sprintf("%s: /clusters/list shows %s and no PRISM_CENTRAL service: %s", op, found, peHint),
		kind: ErrNotPrismCentral,
	}
}
