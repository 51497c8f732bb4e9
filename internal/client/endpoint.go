package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// endpointCheckTimeout bounds CheckEndpoint, whatever the request timeout: it runs every time
// the provider is configured, also when a site is down and nothing answers.
const endpointCheckTimeout = 10 * time.Second

// CheckEndpoint asks the endpoint one cheap question of the v3 API (the first cluster of
// POST /clusters/list), once, without retries and within 10 seconds, to tell early whether it
// is a Prism Central at all.
//
// It returns an error matching ErrNotPrismCentral when the answer shows the endpoint is not
// one: an answer without v3 JSON (an HTML page other than a transient 500/502/503/504, plain
// text, foreign JSON, a 2xx that is not a v3 list) or Prism Element's. The error names
// endpoint and port. Any other error (no answer, a timeout, a transient failure, refused
// credentials or certificate) says nothing about what the endpoint is: the caller may go on and
// let the real requests retry and report it.
//
// Under api_version = "v4" the question is asked of the v4 API instead (the first cluster of
// GET /api/clustermgmt/v4.2/config/clusters), so that a Prism Central that no longer serves v3
// is not taken for something else: an endpoint that does not serve it is refused the same way.
func (c *Client) CheckEndpoint(ctx context.Context) error {
	timeout := min(c.timeout, endpointCheckTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if c.Protocol(KindClusters) == WireV4 {
		return c.checkEndpointV4(ctx)
	}
	var page listPage
	_, err := c.send(ctx, call{
		op:     "checking the endpoint",
		method: http.MethodPost, path: "/clusters/list",
		in:  listRequest{Kind: "cluster", Length: 1},
		out: &page, idempotent: true, once: true,
	})
	return err
}

// checkEndpointV4 is CheckEndpoint over v4.
func (c *Client) checkEndpointV4(ctx context.Context) error {
	var clusters []json.RawMessage
	_, err := c.sendV4(ctx, v4Call{
		op:     "checking the endpoint",
		method: http.MethodGet, path: v4ClusterMgmt.Path("/config/clusters"),
		query: url.Values{"$limit": {"1"}},
		out:   &clusters,
	})
	if errors.Is(err, ErrV4NotServed) {
		return &endpointError{
			msg: fmt.Sprintf("%s does not serve the clustermgmt %s API that api_version = \"v4\" needs (%v): point the "+
				"provider at a Prism Central serving it, or set api_version = \"auto\" or \"v3\"", c.endpoint, v4ClusterMgmt.Version, err),
			kind: ErrNotPrismCentral,
			err:  err,
		}
	}
	return err
}
