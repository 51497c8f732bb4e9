package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// summaryNotPrismCentral is the summary of the configure-time error for an endpoint that
// answers, but not as Prism Central.
const summaryNotPrismCentral = "Endpoint is not Prism Central"

// checkEndpoint asks the endpoint, once, whether it is a Prism Central, and adds an error on
// `endpoint` when its answer shows it is not (an HTML page, plain text, foreign JSON, Prism
// Element). Anything else the check meets (no answer, a site down, a transient failure,
// refused credentials) is only logged: a configuration must still plan with a site down, and
// the real requests retry and report those failures with the entity they concern.
func checkEndpoint(ctx context.Context, c *client.Client, cfg client.Config, diags *diag.Diagnostics) {
	err := c.CheckEndpoint(ctx)
	switch {
	case err == nil:
		return
	case errors.Is(err, client.ErrNotPrismCentral):
		diags.AddAttributeError(path.Root("endpoint"), summaryNotPrismCentral, notPrismCentralDetail(c.Endpoint(), cfg, err))
	default:
		tflog.Debug(ctx, "could not check the endpoint when configuring the provider; requests will tell", map[string]any{
			"endpoint": c.Endpoint(), "error": err.Error(),
		})
	}
}

// notPrismCentralDetail quotes the client's error, which says what answered and what Prism
// Central looks like, and the settings that lead there.
func notPrismCentralDetail(endpointURL string, cfg client.Config, err error) string {
	port := strconv.Itoa(cfg.Port)
	if u, perr := url.Parse(endpointURL); perr == nil && u.Port() != "" {
		port = u.Port()
	}
	return fmt.Sprintf("The provider reached %s, but what answers there is not the Prism Central API the provider speaks:\n\n%s\n\n"+
		"Here endpoint is %q and port is %s (from the provider block, or the %s and %s environment variables).",
		endpointURL, err.Error(), cfg.Endpoint, port, envEndpoint, envPort)
}
