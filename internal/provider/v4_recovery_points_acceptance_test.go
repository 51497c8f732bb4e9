package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// Recovery points end to end on both wires: the unplanned failover's data-loss window. Over
// v3 prismsim's job reports it (an extension); over v4 the job has no such field and the
// provider works it out from the recovery points france holds, read over v4. The request
// counters show which wire was used, and how many requests a failover took.

// Recovery point routes.
const (
	v4RecoveryPointList = "GET /api/dataprotection/v4.3/config/recovery-points"
	v3RecoveryPointList = "POST /api/nutanix/v3/vm_recovery_points/list"
)

// dataLossBetween checks data_loss_window: at least lo, less than hi.
func dataLossBetween(lo, hi time.Duration) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("data_loss_window"), knownvalue.StringFunc(func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		if d < lo || d >= hi {
			return fmt.Errorf("data_loss_window %s, want at least %s and less than %s", d, lo, hi)
		}
		return nil
	}))
}

// TestAccRecoveryPoints_dataLossWindowBothWires fails over unplanned with canada down, once
// per wire: api_version = "v3", and "auto" on Prism Centrals posing as pc.7.5 (v4). Both
// report a data-loss window of at least the 5 minutes canada ran after its last replicated
// point and less than the 15-minute RPO; the v4 run reads the recovery points over v4 and
// never over v3. The job imports with the same window (worked out again over v4).
func TestAccRecoveryPoints_dataLossWindowBothWires(t *testing.T) {
	for _, tc := range []struct {
		name, apiVersion, pcVersion string
		used, unused                []string
	}{
		{name: "v3", apiVersion: "v3", pcVersion: prismsim.DefaultPCVersion,
			used: []string{v3JobCreate}, unused: []string{v4RecoveryPointList, v4Unplanned}},
		{name: "v4", apiVersion: "auto", pcVersion: v4Release,
			used: []string{v4Unplanned, v4JobGet, v4RecoveryPointList}, unused: []string{v3JobCreate, v3RecoveryPointList}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFailoverSites(t, failoverSitesOptions{edit: acctest.WithPCVersion(tc.pcVersion)})
			s := &v4Sites{failoverSites: fs}
			config := withAPIVersion(s.failoverConfig("UNPLANNED", ""), tc.apiVersion)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							s.w.Clock().Advance(5 * time.Minute)
							if err := s.w.SiteDown(acctest.PCCanada); err != nil {
								t.Fatalf("taking canada down: %v", err)
							}
							s.w.PC(acctest.PCFrance).ResetRequestCounts()
						},
						Config:           config,
						ConfigPlanChecks: emptyAfter,
						ConfigStateChecks: []statecheck.StateCheck{
							// First, so that it counts the provider's requests only (apply, refresh, plan).
							acctest.CheckAPI(func(context.Context) error {
								c := s.w.PC(acctest.PCFrance).RequestCounts()
								t.Logf("the unplanned failover over %s: %d requests to france%s", tc.name, c.Total, routeCounts(c.ByRoute))
								return nil
							}),
							statecheck.ExpectKnownValue(failoverAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^COMPLETED`))),
							dataLossBetween(5*time.Minute, 15*time.Minute),
							acctest.CheckAPI(func(ctx context.Context) error { return s.checkFailedOver(ctx, false) }),
							s.checkJob(client.JobActionFailover),
							s.checkRoutes(acctest.PCFrance, tc.used, tc.unused),
						},
					},
					{
						// The job imports with the same window, read again on the same wire.
						ResourceName:            failoverAddr,
						ImportState:             true,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"timeouts"},
					},
				},
			})
		})
	}
}
