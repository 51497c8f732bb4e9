package provider_test

import (
	"os"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// accWire returns the wire (client.WireV3 or client.WireV4) the provider under test speaks for
// kind on the named Prism Central of w: the api_version of the environment
// (NUTANIXDR_API_VERSION, as the provider reads it; v3 when unset) on what that PC serves.
// Tests whose assertions name routes or faults follow it, so that they hold on both
// protocols of the test matrix (make test API=v4).
func accWire(t *testing.T, w *prismsim.World, pcName string, kind client.DRKind) string {
	t.Helper()
	p := w.PC(pcName)
	if p == nil {
		t.Fatalf("no Prism Central %q in the world", pcName)
	}
	apiVersion := os.Getenv("NUTANIXDR_API_VERSION")
	if apiVersion == "" {
		apiVersion = client.APIVersionV3
	}
	c, err := client.New(client.Config{
		Endpoint: p.Endpoint(), Port: p.Port(), Username: p.Username(), Password: p.Password(),
		CACertPEM: string(p.CACertPEM()), UserAgent: "nutanixdr-acctest", APIVersion: apiVersion,
	})
	if err != nil {
		t.Fatalf("building a client for %s: %v", pcName, err)
	}
	return c.Wire(t.Context(), kind)
}

// accV4 reports whether the provider under test speaks v4 for kind on the named PC of w.
func accV4(t *testing.T, w *prismsim.World, pcName string, kind client.DRKind) bool {
	t.Helper()
	return accWire(t, w, pcName, kind) == client.WireV4
}
