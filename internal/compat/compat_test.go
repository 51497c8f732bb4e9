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
	"time"

	prismgoclient "github.com/nutanix-cloud-native/prism-go-client"
	v3 "github.com/nutanix-cloud-native/prism-go-client/v3"

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

func newSite(t *testing.T, pc *prismsim.PC) site {
	t.Helper()
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
		t.Fatalf("prism-go-client for %s: %v", pc.Name(), err)
	}
	our, err := client.New(client.Config{Endpoint: pc.URL(), Username: pc.Username(), Password: pc.Password(),
		CACertPEM: string(pc.CACertPEM()), MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return site{pc: pc, sdk: sdk, our: our}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	cfg, err := prismsim.Preset("leap-two-sites")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Settings.TaskLatency = prismsim.Duration(20 * time.Millisecond)
	for i := range cfg.PCs {
		cfg.PCs[i].DREnabled = true
	}
	w, err := prismsim.NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("closing the world: %v", err)
		}
	})
	e := &env{w: w, ca: newSite(t, w.PC("canada")), fr: newSite(t, w.PC("france"))}
	ctx := context.Background()
	fr := w.PC("france")
	if _, err := e.ca.our.CreateCloudTrust(ctx, client.CloudTrustInput{RemoteAddress: fr.AdvertisedIP(),
		Username: fr.Username(), Password: fr.Password()}); err != nil {
		t.Fatalf("pairing: %v", err)
	}
	e.caLocal, e.caFR = e.azUUIDs(t, e.ca)
	e.frLocal, e.frCA = e.azUUIDs(t, e.fr)
	e.ca01 = clusterUUID(t, e.ca, "CA01")
	e.fr01 = clusterUUID(t, e.fr, "FR01")
	return e
}

// azUUIDs returns the Local AZ and the paired AZ of a site.
func (e *env) azUUIDs(t *testing.T, s site) (local, remote string) {
	t.Helper()
	azs, err := s.our.ListAvailabilityZones(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, az := range azs {
		if az.Type == "Local" {
			local = az.UUID
		} else {
			remote = az.UUID
		}
	}
	if local == "" || remote == "" {
		t.Fatalf("%s: availability zones %+v", s.pc.Name(), azs)
	}
	return local, remote
}

func clusterUUID(t *testing.T, s site, name string) string {
	t.Helper()
	cs, err := s.our.ListClusters(context.Background(), "name=="+name)
	if err != nil || len(cs) != 1 {
		t.Fatalf("cluster %s: %v %v", name, cs, err)
	}
	return cs[0].UUID
}

func vmUUID(t *testing.T, s site, name string) string {
	t.Helper()
	vms, err := s.our.ListVMs(context.Background(), "vm_name=="+name)
	if err != nil || len(vms) != 1 {
		t.Fatalf("vm %s: %v %v", name, vms, err)
	}
	return vms[0].UUID
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
