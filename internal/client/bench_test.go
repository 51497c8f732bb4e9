package client

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

var benchLatencies = []time.Duration{0, 100 * time.Millisecond, time.Second}

// benchWorld starts a world for a benchmark and a client without a logger.
func benchWorld(b *testing.B, latency time.Duration) (*prismsim.World, *Client) {
	b.Helper()
	cfg, err := prismsim.Preset("leap-two-sites")
	if err != nil {
		b.Fatal(err)
	}
	// The emulator reads a zero latency as its default (200ms): 1ns is
	// the closest to none it accepts.
	effective := max(latency, time.Nanosecond)
	cfg.Settings.TaskLatency = prismsim.Duration(effective)
	w, err := prismsim.NewWorld(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = w.Close() })
	if got := w.Settings().TaskLatency.Std(); got != effective {
		b.Fatalf("task latency is %s, want %s", got, effective)
	}
	pc := w.PC("canada")
	c, err := New(Config{Endpoint: pc.URL(), Username: pc.Username(), Password: pc.Password(), CACertPEM: string(pc.CACertPEM())})
	if err != nil {
		b.Fatal(err)
	}
	return w, c
}

// benchDRPair is benchWorld with disaster recovery enabled on both PCs: it
// returns france and a client of each PC.
func benchDRPair(b *testing.B, latency time.Duration) (*prismsim.PC, *Client, *Client) {
	b.Helper()
	w, c := benchWorld(b, latency)
	france := w.PC("france")
	fr, err := New(Config{Endpoint: france.URL(), Username: france.Username(), Password: france.Password(), CACertPEM: string(france.CACertPEM())})
	if err != nil {
		b.Fatal(err)
	}
	for _, pc := range []*Client{c, fr} {
		if err := pc.EnableDisasterRecovery(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	return france, c, fr
}

// reportOverhead reports the time per operation beyond the task latency.
func reportOverhead(b *testing.B, n int, elapsed, latency time.Duration) {
	perOp := elapsed / time.Duration(n)
	b.ReportMetric(float64(perOp-latency)/float64(time.Millisecond), "overhead-ms/op")
}

// BenchmarkUpdateVMCategories measures a task-backed read-modify-write
// (GET, PUT, wait for the task, GET) at several emulator task latencies.
func BenchmarkUpdateVMCategories(b *testing.B) {
	for _, latency := range benchLatencies {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) {
			_, c := benchWorld(b, latency)
			ctx := context.Background()
			vms, err := c.ListVMs(ctx, "vm_name==app-01")
			if err != nil || len(vms) != 1 {
				b.Fatalf("ListVMs = %v, %v", vms, err)
			}
			values := []string{"Dev", "Staging"}
			n := 0
			start := time.Now()
			for b.Loop() {
				value := values[n%2]
				vm, err := c.UpdateVMCategories(ctx, vms[0].UUID, func(m map[string]string) { m["Environment"] = value })
				if err != nil {
					b.Fatal(err)
				}
				if vm.Categories["Environment"] != value {
					b.Fatalf("categories = %v", vm.Categories)
				}
				n++
			}
			reportOverhead(b, n, time.Since(start), latency)
		})
	}
}

// BenchmarkCreateAndWait measures a create (POST with a client-chosen
// uuid) followed by the wait for its task.
func BenchmarkCreateAndWait(b *testing.B) {
	for _, latency := range benchLatencies {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) {
			_, c := benchWorld(b, latency)
			ctx := context.Background()
			clusters, err := c.ListClusters(ctx, "name==CA01")
			if err != nil || len(clusters) != 1 {
				b.Fatalf("ListClusters = %v, %v", clusters, err)
			}
			n := 0
			start := time.Now()
			for b.Loop() {
				spec := map[string]any{
					"name":              fmt.Sprintf("bench-%d", n),
					"cluster_reference": map[string]any{"kind": "cluster", "uuid": clusters[0].UUID},
					"resources":         map[string]any{"power_state": "OFF"},
				}
				_, task, err := c.createEntity(ctx, "creating a VM", "vm", spec, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.WaitForTask(ctx, task, "creating a VM", nil); err != nil {
					b.Fatal(err)
				}
				n++
			}
			reportOverhead(b, n, time.Since(start), latency)
		})
	}
}

// BenchmarkGetCategoryKey measures one plain read, the floor of every
// operation.
func BenchmarkGetCategoryKey(b *testing.B) {
	_, c := benchWorld(b, 0)
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.GetCategoryKey(ctx, "Environment"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPairing measures pairing and unpairing two Prism Centrals
// (CreateCloudTrust, then DeleteCloudTrust: two tasks, each waited for),
// reporting the time per pair beyond the two task latencies.
func BenchmarkPairing(b *testing.B) {
	for _, latency := range []time.Duration{100 * time.Millisecond, time.Second} {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) {
			france, c, _ := benchDRPair(b, latency)
			ctx := context.Background()
			in := CloudTrustInput{RemoteAddress: france.AdvertisedIP(), Username: france.Username(), Password: france.Password()}
			n := 0
			start := time.Now()
			for b.Loop() {
				ct, err := c.CreateCloudTrust(ctx, in)
				if err != nil {
					b.Fatal(err)
				}
				if ct.AvailabilityZoneUUID == "" {
					b.Fatalf("cloud trust = %+v", ct)
				}
				if err := c.DeleteCloudTrust(ctx, ct.UUID); err != nil {
					b.Fatal(err)
				}
				n++
			}
			reportOverhead(b, n, time.Since(start), 2*latency)
		})
	}
}
