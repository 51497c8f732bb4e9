package provider_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/acctest"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// What the failover tests share: two sites with disaster recovery enabled and paired, app-01
// and db-01 of canada protected towards france, and a recovery plan canada -> france. The
// failovers run on france, the recovery site.

// Category of the protected VMs.
const (
	foKey   = "replicated-vm"
	foValue = "from-canada"
)

// Names of the preset's networks.
const (
	foProdSubnet = "vlan50-prod"
	foTestSubnet = "vlan51-test"
)

// failoverSites is a world ready for failovers.
type failoverSites struct {
	w      *prismsim.World
	ca, fr *client.Client
	// caLocal and frLocal are each site's Local availability zone; frOfCanada is france's
	// availability zone of canada, caOfFrance canada's of france.
	caLocal, caOfFrance, frLocal, frOfCanada string
	ruleID, planID                           string
}

// failoverSitesOptions change the fixture.
type failoverSitesOptions struct {
	// synchronous protects the VMs with RPO 0 (live migration) instead of 15 minutes.
	synchronous bool
	// witness gives the plan a witness on france that fails over 30 s after canada is lost;
	// it needs synchronous.
	witness bool
	// edit changes the world's configuration before it starts.
	edit func(*prismsim.WorldConfig)
}

// newFailoverSites starts the world, pairs the sites, protects app-01 and db-01 and creates the
// recovery plan, all through the API, and waits until france holds a recovery point of each VM.
func newFailoverSites(t *testing.T, opts failoverSitesOptions) *failoverSites {
	t.Helper()
	w := acctest.NewWorldWith(t, acctest.Edits(
		acctest.WithDR(acctest.PCCanada, acctest.PCFrance),
		acctest.WithCategory(foKey, foValue),
		acctest.WithVMCategory(acctest.PCCanada, foKey, foValue, "app-01", "db-01"),
		func(cfg *prismsim.WorldConfig) {
			if opts.edit != nil {
				opts.edit(cfg)
			}
		},
	))
	s := &failoverSites{w: w, ca: acctest.Client(t, w, acctest.PCCanada), fr: acctest.Client(t, w, acctest.PCFrance)}
	s.caOfFrance = acctest.Pair(t, w, acctest.PCCanada, acctest.PCFrance)
	s.caLocal = acctest.LocalAZ(t, w, acctest.PCCanada)
	s.frLocal = acctest.LocalAZ(t, w, acctest.PCFrance)
	s.frOfCanada = s.zoneNamed(t, s.fr, "PC_"+w.PC(acctest.PCCanada).AdvertisedIP())
	ca01 := acctest.ClusterID(t, w, acctest.PCCanada, "CA01")
	fr01 := acctest.ClusterID(t, w, acctest.PCFrance, "FR01")
	ctx := t.Context()

	four := int64(4)
	schedule := client.SnapshotSchedule{RPOSecs: 900, SnapshotType: client.SnapshotTypeCrashConsistent,
		LocalRetention: &client.RetentionPolicy{NumSnapshots: &four}, RemoteRetention: &client.RetentionPolicy{NumSnapshots: &four}}
	if opts.synchronous {
		schedule = client.SnapshotSchedule{RPOSecs: 0}
	}
	rule, err := s.ca.CreateProtectionPolicy(ctx, client.ProtectionPolicy{
		Name: "replicated-vm",
		Locations: []client.ProtectionLocation{
			{AvailabilityZoneUUID: s.caLocal, ClusterUUIDs: []string{ca01}},
			{AvailabilityZoneUUID: s.caOfFrance, ClusterUUIDs: []string{fr01}},
		},
		PrimaryLocationIndexes: []int{0},
		Connectivity:           []client.ProtectionConnectivity{{SourceIndex: 0, DestinationIndex: 1, Schedules: []client.SnapshotSchedule{schedule}}},
		CategoryFilter: client.CategoryFilter{Type: client.CategoriesMatchAny, KindList: []string{client.KindVM},
			Params: map[string][]string{foKey: {foValue}}},
	})
	if err != nil {
		t.Fatalf("protecting the VMs: %v", err)
	}
	s.ruleID = rule.UUID
	if !opts.synchronous {
		s.waitReplicated(t, "app-01", "db-01")
	}

	network := func(name, gateway string, prefix int64) *client.RecoveryNetwork {
		return &client.RecoveryNetwork{Name: name, Subnets: []client.RecoverySubnet{{GatewayIP: gateway, PrefixLength: prefix}}}
	}
	zero, primary := int64(0), 0
	var witnesses []client.Witness
	if opts.witness {
		witnesses = []client.Witness{{Address: s.caOfFrance, FailoverTimeoutSecs: 30}}
	}
	plan, err := s.ca.CreateRecoveryPlan(ctx, client.RecoveryPlan{
		Witnesses: witnesses,
		Name:      "canada-to-france",
		Stages: []client.RecoveryStage{
			{DelaySecs: &zero, Entities: []client.RecoveryEntity{{VMUUID: acctest.VMID(t, w, acctest.PCCanada, "db-01")}}},
			{Entities: []client.RecoveryEntity{{VMUUID: acctest.VMID(t, w, acctest.PCCanada, "app-01")}}},
		},
		PrimaryLocationIndex: &primary,
		AvailabilityZones:    []client.RecoveryPlanAZ{{AvailabilityZoneUUID: s.caLocal}, {AvailabilityZoneUUID: s.caOfFrance}},
		NetworkMappings: []client.NetworkMapping{{PerAZ: []client.AZNetworkMapping{
			{AvailabilityZoneUUID: s.caLocal, Recovery: network(foProdSubnet, "192.168.50.1", 24), Test: network(foTestSubnet, "192.168.51.1", 25)},
			{AvailabilityZoneUUID: s.caOfFrance, Recovery: network(foProdSubnet, "192.168.50.1", 24), Test: network(foTestSubnet, "192.168.51.1", 25)},
		}}},
	})
	if err != nil {
		t.Fatalf("creating the recovery plan: %v", err)
	}
	s.planID = plan.UUID
	if _, err := s.fr.GetRecoveryPlan(ctx, s.planID); err != nil {
		t.Fatalf("the recovery plan did not reach france: %v", err)
	}
	return s
}

// zoneNamed returns the UUID of the availability zone named name on c.
func (s *failoverSites) zoneNamed(t *testing.T, c *client.Client, name string) string {
	t.Helper()
	azs, err := c.ListAvailabilityZones(t.Context(), "")
	if err != nil {
		t.Fatalf("listing availability zones: %v", err)
	}
	for _, az := range azs {
		if az.Name == name {
			return az.UUID
		}
	}
	t.Fatalf("no availability zone %s", name)
	return ""
}

// waitReplicated moves the simulated clock on until france holds a recovery point of each
// named VM.
func (s *failoverSites) waitReplicated(t *testing.T, vms ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s.w.Clock().Advance(s.w.Settings().ReplicationDelay.Std() + time.Second)
		points, err := s.fr.ListVMRecoveryPoints(t.Context(), "")
		if err != nil {
			t.Fatalf("listing france's recovery points: %v", err)
		}
		missing := slices.Clone(vms)
		for _, p := range points {
			missing = slices.DeleteFunc(missing, func(n string) bool { return n == p.VMName })
		}
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery point of %v reached france", missing)
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// vmsNamed returns the VMs of c whose name is name or starts with name followed by a
// suffix (the clones of a test failover).
func vmsNamed(ctx context.Context, c *client.Client, name string) ([]client.VM, error) {
	all, err := c.ListVMs(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("listing VMs: %w", err)
	}
	var out []client.VM
	for _, vm := range all {
		if vm.Name == name || strings.HasPrefix(vm.Name, name) {
			out = append(out, vm)
		}
	}
	return out, nil
}

// exactVM returns the VM of c named exactly name, or nil.
func exactVM(ctx context.Context, c *client.Client, name string) (*client.VM, error) {
	vms, err := vmsNamed(ctx, c, name)
	if err != nil {
		return nil, err
	}
	for i := range vms {
		if vms[i].Name == name {
			return &vms[i], nil
		}
	}
	return nil, nil
}

// failoverConfig returns the provider configuration of france and a nutanixdr_failover
// resource "test" of the given type; extra is added inside the resource block.
func (s *failoverSites) failoverConfig(ftype, extra string) string {
	return acctest.ProviderConfig(s.w, acctest.PCFrance, "") + fmt.Sprintf(`
resource "nutanixdr_failover" "test" {
  recovery_plan_id          = %q
  type                      = %q
  from_availability_zone_id = %q
  to_availability_zone_id   = %q
%s}
`, s.planID, ftype, s.frOfCanada, s.frLocal, extra)
}

// jobCount returns how many jobs france has of the plan.
func (s *failoverSites) jobCount(t *testing.T) int {
	t.Helper()
	jobs, err := s.fr.ListRecoveryPlanJobsOfPlan(t.Context(), s.planID)
	if err != nil {
		t.Fatalf("listing the jobs of the plan: %v", err)
	}
	return len(jobs)
}

// configureProtocol configures a protocol server of the provider for the named Prism Central.
func (s *failoverSites) configureProtocol(t *testing.T, srv actionServer, schemas *tfprotov6.GetProviderSchemaResponse, pcName string) {
	t.Helper()
	p := s.w.PC(pcName)
	resp, err := srv.ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0",
		Config: dynamicValue(t, schemas.Provider, map[string]any{
			"endpoint": p.Endpoint(), "port": p.Port(), "username": p.Username(), "password": p.Password(),
			"ca_certificate": string(p.CACertPEM()),
		}),
	})
	if err != nil {
		t.Fatalf("ConfigureProvider: %v", err)
	}
	if hasError(resp.Diagnostics) {
		t.Fatalf("ConfigureProvider: %s", diagsText(resp.Diagnostics))
	}
}
