package client

import (
	"context"
	"fmt"
	"net/http"
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
	Metadata entityMetadata `json:"metadata"`
	Spec     struct {
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

func (c *clusterJSON) looksLikeV3() bool { return c.Metadata.UUID != "" || c.Metadata.Kind != "" }

func (c *clusterJSON) toCluster() Cluster {
	services := c.Status.Resources.Config.ServiceList
	return Cluster{
		UUID:           c.Metadata.UUID,
		Name:           firstNonEmpty(c.Status.Name, c.Spec.Name, c.Metadata.Name),
		ServiceList:    services,
		IsPrismCentral: slices.Contains(services, ServicePrismCentral),
	}
}

// GetCluster reads a cluster.
func (c *Client) GetCluster(ctx context.Context, uuid string) (*Cluster, error) {
	var cl clusterJSON
	if err := c.do(ctx, "reading cluster "+uuid, http.MethodGet, "/clusters/"+escape(uuid), nil, &cl); err != nil {
		return nil, err
	}
	out := cl.toCluster()
	return &out, nil
}

// ListClusters lists the clusters matching a FIQL filter ("" for all),
// every page. The Prism Central itself is included (IsPrismCentral); the
// caller filters it out when it wants AOS clusters only.
func (c *Client) ListClusters(ctx context.Context, filter string) ([]Cluster, error) {
	return listTyped(ctx, c, "listing clusters", "cluster", "/clusters/list", filter, (*clusterJSON).toCluster)
}

// CheckPrismCentral verifies that the endpoint is a Prism Central: one of
// the clusters it lists must run the PRISM_CENTRAL service (a Prism Element
// lists only itself, as AOS). The error matches ErrNotPrismCentral when it
// is not, and says what to do; other errors (credentials, TLS, network) are
// those of the list call.
func (c *Client) CheckPrismCentral(ctx context.Context) error {
	op := "checking that " + c.endpoint + " is a Prism Central"
	clusters, err := listTyped(ctx, c, op, "cluster", "/clusters/list", "", (*clusterJSON).toCluster)
	if err != nil {
		return err
	}
	var seen []string
	for _, cl := range clusters {
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
