// Package compat_test drives prismsim with a client no one here wrote: Nutanix's
// prism-go-client (its v3 package), with the struct shapes that client sends, zero values
// included. Every answer must decode in that client; every effect is checked through our
// own client (internal/client).
package compat_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"testing"

	prismgoclient "github.com/nutanix-cloud-native/prism-go-client"
	v3 "github.com/nutanix-cloud-native/prism-go-client/v3"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// site is one PC of the world, seen through both clients.
type site struct {
	pc  *prismsim.PC
	sdk *v3.Client     // Nutanix's client
	our *client.Client // ours, to check effects
}

// env is the leap-two-sites world with DR enabled on both PCs and canada paired with
// france.
type env struct {
	w          *prismsim.World
	ca, fr     site
	caLocal    string // canada's Local AZ
	caFR       string // canada's AZ of france
	frLocal    string // france's Local AZ
	frCA       string // france's AZ of canada
	ca01, fr01 string // clusters
}

func ptr[T any](v T) *T { return &v }

func newSite(t *testing.T, w *prismsim.World, name string) site {
	t.Helper()
	pc := w.PC(name)
	// The SDK verifies the PC's certificate (no insecure). Its WithPEMEncodedCertBundle
	// puts the CA into http.DefaultTransport, which every SDK client shares (the last
	// client's CA wins), so each site gets a transport of its own trusting its PC only.
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pc.CACertPEM()) {
		t.Fatal("the emulator's CA does not parse")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	t.Cleanup(tr.CloseIdleConnections)
	sdk, err := v3.NewV3Client(prismgoclient.Credentials{
		URL: pc.URL(), Endpoint: pc.URL(), Username: pc.Username(), Password: pc.Password(),
	}, v3.WithRoundTripper(tr))
	if err != nil {
		t.Fatalf("prism-go-client for %s: %v", name, err)
	}
	return site{pc: pc, sdk: sdk, our: acctest.Client(t, w, name)}
}

// newEnv starts the leap-two-sites world with DR enabled on both PCs and canada paired
// with france, edited by edits.
func newEnv(t *testing.T, edits ...func(*prismsim.WorldConfig)) *env {
	t.Helper()
	w := acctest.NewWorldWith(t, acctest.Edits(append([]func(*prismsim.WorldConfig){acctest.WithDR("canada", "france")}, edits...)...))
	e := &env{w: w, ca: newSite(t, w, "canada"), fr: newSite(t, w, "france")}
	e.caFR = acctest.Pair(t, w, "canada", "france")
	e.caLocal = acctest.LocalAZ(t, w, "canada")
	e.frLocal = acctest.LocalAZ(t, w, "france")
	azs, err := e.fr.our.ListAvailabilityZones(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, az := range azs {
		if az.UUID != e.frLocal {
			e.frCA = az.UUID
		}
	}
	e.ca01 = acctest.ClusterID(t, w, "canada", "CA01")
	e.fr01 = acctest.ClusterID(t, w, "france", "FR01")
	return e
}

// taskOf returns the task uuid of an execution context (a string, or a list of one).
func taskOf(t *testing.T, ec *v3.ExecutionContext) string {
	t.Helper()
	if ec == nil {
		t.Fatal("no execution_context")
	}
	switch v := ec.TaskUUID.(type) {
	case string:
		return v
	case []any:
		if len(v) == 1 {
			if s, ok := v[0].(string); ok {
				return s
			}
		}
	}
	t.Fatalf("execution_context.task_uuid is %#v", ec.TaskUUID)
	return ""
}

// wait reads the task through the SDK (its shape must decode) and waits for it with ours.
func wait(t *testing.T, s site, task string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.sdk.V3.GetTask(ctx, task); err != nil {
		t.Fatalf("prism-go-client GetTask %s: %v", task, err)
	}
	got, err := s.our.WaitForTask(ctx, task, "waiting for "+task, nil)
	if err != nil {
		t.Fatalf("task %s: %v", task, err)
	}
	if got.Status != "SUCCEEDED" {
		t.Fatalf("task %s: %+v", task, got)
	}
}
