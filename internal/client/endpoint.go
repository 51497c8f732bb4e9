package client

import (
	"context"
	"net/http"
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
func (c *Client) CheckEndpoint(ctx context.Context) error {
	timeout := min(c.timeout, endpointCheckTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var page listPage
	_, err := c.send(ctx, call{
		op:     "checking the endpoint",
		method: http.MethodPost, path: "/clusters/list",
		in:  listRequest{Kind: "cluster", Length: 1},
		out: &page, idempotent: true, once: true,
	})
	return err
}
