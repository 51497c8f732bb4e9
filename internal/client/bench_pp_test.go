package client

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkCreateProtectionRule measures creating the seed's bidirectional
// protection rule between two paired PCs and waiting for it (POST with a
// client-chosen uuid, the wait for its task, the read of the result),
// reporting the time per rule beyond the task latency. Each rule is deleted
// outside the measured time.
func BenchmarkCreateProtectionRule(b *testing.B) {
	for _, latency := range []time.Duration{100 * time.Millisecond, time.Second} {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) {
			france, c, fr := benchDRPair(b, latency)
			ctx := context.Background()
			ct, err := c.CreateCloudTrust(ctx, CloudTrustInput{RemoteAddress: france.AdvertisedIP(), Username: france.Username(), Password: france.Password()})
			if err != nil {
				b.Fatal(err)
			}
			local, err := c.LocalAvailabilityZone(ctx)
			if err != nil {
				b.Fatal(err)
			}
			ca01, err := c.ListClusters(ctx, "name==CA01")
			if err != nil || len(ca01) != 1 {
				b.Fatalf("CA01: %v, %v", ca01, err)
			}
			fr01, err := fr.ListClusters(ctx, "name==FR01")
			if err != nil || len(fr01) != 1 {
				b.Fatalf("FR01: %v, %v", fr01, err)
			}
			if _, err := c.PutCategoryKey(ctx, CategoryKey{Name: seedKey}); err != nil {
				b.Fatal(err)
			}
			if _, err := c.PutCategoryValue(ctx, CategoryValue{Key: seedKey, Value: seedValue}); err != nil {
				b.Fatal(err)
			}
			in := seedRule(local.UUID, ca01[0].UUID, ct.AvailabilityZoneUUID, fr01[0].UUID)
			var measured time.Duration
			n := 0
			for b.Loop() {
				in.Name = fmt.Sprintf("bench-%d", n)
				start := time.Now()
				r, err := c.CreateProtectionPolicy(ctx, in)
				measured += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if r.State != "COMPLETE" {
					b.Fatalf("rule = %+v", r)
				}
				if err := c.DeleteProtectionPolicy(ctx, r.UUID); err != nil {
					b.Fatal(err)
				}
				n++
			}
			reportOverhead(b, n, measured, latency)
		})
	}
}
