package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/sshcli"
)

// The nc2-pilot-light topology: an on-premises Prism Central whose tier-1 VMs replicate to a
// small NC2 on AWS cluster and whose tier-2 VMs replicate to an S3 bucket through MST, both
// recovered into the NC2 cluster on disaster.
const (
	pilotPrimary     = "onprem"
	pilotRecovery    = "nc2-aws"
	pilotCluster     = "NC2-PL"
	pilotNetwork     = "PC-Net"
	pilotCategoryKey = "dr-tier"
	pilotTier1       = "nc2"
	pilotTier2       = "s3"
	// pilotBucket, pilotPlanName and pilotTier1Retention are the configuration's defaults (its
	// mst.bucket, the plan's name and tier1_retention).
	pilotBucket         = "nutanix-clusters-pilot-light"
	pilotPlanName       = "onprem-to-nc2-pilot-light"
	pilotTier1Retention = 4
	// pilotTier2RPO is the configuration's tier2_rpo: the largest data loss of the failover,
	// give or take a replication.
	pilotTier2RPO = 2 * time.Hour
	// v4StoresPath is the v4 API's list of recovery point stores.
	v4StoresPath = "/api/dataprotection/v4.4/config/recovery-point-stores"
)

// The VMs of each tier (the configuration's tier1_vms and tier2_vms defaults).
var (
	pilotTier1VMs = []string{"erp-app-01", "erp-db-01"}
	pilotTier2VMs = []string{"file-01", "web-01", "web-02"}
)

// pilotAccessKey and pilotSecretKey are the configuration's defaults of mst_access_key_id and
// mst_secret_access_key: harmless keys in the format the emulator checks.
const (
	pilotAccessKey = "AKIAPILOTLIGHTDEMO00"
	pilotSecretKey = "pilotLightDemo/NotARealSecretKey+0000000"
)

// pilotMSTIPs are the addresses of the MST service VMs (the configuration's mst.ip_addresses).
var pilotMSTIPs = []string{"10.110.33.201", "10.110.33.202", "10.110.33.203"}

func nc2PilotLight() *Scenario {
	return &Scenario{
		Name: "nc2-pilot-light",
		Summary: "the NC2 pilot-light guide: onprem paired with NC2 on AWS; " + pilotCategoryKey + ":" + pilotTier1 +
			" VMs replicated hourly to the small cluster " + pilotCluster + ", " + pilotCategoryKey + ":" + pilotTier2 +
			" VMs to the S3 bucket " + pilotBucket + " through MST deployed over SSH; onprem lost, an unplanned failover " +
			"recovers both tiers into " + pilotCluster + ", tier 2 powered off since the pilot-light cluster cannot run everything",
		Preset: "nc2-pilot-light",
		Steps: []Step{
			Apply{Description: "tofu apply: DR adopted and the sites paired, the dr-tier categories assigned, MST deployed on nc2-aws over SSH, the policies to NC2-PL and to S3, the recovery plan on nc2-aws"},
			ShowOutputs{},
			Check{
				Description: "nc2-aws lists the store of bucket " + pilotBucket + " on the v4 API, AVAILABLE, on " + pilotNetwork + " at .201-.203, with the id the configuration passed to the tier-2 policy",
				Fn:          checkPilotStore,
			},
			Check{
				Description: "the state holds neither the SSH password of nc2-aws's PC VM nor the bucket's keys (write-only)",
				Fn:          checkPilotSecretsNotStored,
			},
			Check{
				Description: "on onprem, erp-db-01 and erp-app-01 carry " + pilotCategoryKey + ": " + pilotTier1 + ", file-01, web-01 and web-02 carry " + pilotCategoryKey + ": " + pilotTier2,
				Fn:          checkPilotCategories,
			},
			Check{
				Description: "the recovery plan on nc2-aws (and its copy on onprem) reports no error: both policies have the same availability zone order, onprem -> nc2-aws",
				Fn:          checkPilotPlan,
			},
			PlanEmpty{},
			AdvanceClock{By: 5 * time.Hour},
			ShowPilotStore{},
			Check{
				Description: "five hours later, the bucket holds the tier-2 recovery points (none of tier 1), and nc2-aws holds the tier-1 replicas on " + pilotCluster + " (4 each, the retention)",
				Fn:          checkPilotReplication,
			},
			SiteDown{PC: pilotPrimary},
			ApplyIn{
				Dir: "disaster",
				Description: "disaster: tofu -chdir=disaster apply, from a configuration that needs only nc2-aws (the recovery plan found there by name): " +
					"the unplanned failover recovers tier 1 from its NC2 replicas and tier 2 from S3 into " + pilotCluster +
					", which cannot power everything on (the guide's warning: expand the cluster)",
			},
			ShowPilotFailover{},
			ShowVMs{PCs: []string{pilotRecovery}},
			Check{
				Description: "every VM is in " + pilotCluster + " on " + pilotNetwork + " with its category; tier 1 powered on, and the S3-restored VMs the capacity warning names powered off (the others on); the job completed with warnings and lost less than the tier-2 RPO",
				Fn:          checkPilotRecovered,
			},
			SiteUp{PC: pilotPrimary},
			Check{
				Description: "onprem is back without the VMs nc2-aws now runs",
				Fn:          checkPilotOnpremBack,
			},
			Apply{Description: "tofu apply: the configuration converges, the VMs' tags adopted in NC2 where they now run"},
			PlanEmpty{},
		},
		AfterDestroy: []Step{
			Check{
				Description: "the categories are gone from onprem (NC2 may keep the synced copy) and from onprem's VMs, and the sites are unpaired",
				Fn:          checkPilotCleaned,
			},
			RemoveMST{PC: pilotRecovery, Bucket: pilotBucket},
		},
	}
}

// v4Store is what the scenario reads of a v4 recovery point store.
type v4Store struct {
	ExtID       string `json:"extId"`
	Name        string `json:"name"`
	Bucket      string `json:"bucket"`
	BucketType  string `json:"bucketType"`
	Region      string `json:"region"`
	Status      string `json:"status"`
	AccessKeyID string `json:"accessKeyId"`
	Network     struct {
		Name string `json:"name"`
	} `json:"network"`
	IPAddresses []struct {
		IPv4 struct {
			Value string `json:"value"`
		} `json:"ipv4"`
	} `json:"ipAddresses"`
	Stats struct {
		RecoveryPointCount int            `json:"recoveryPointCount"`
		ByVM               map[string]int `json:"recoveryPointsByVm"`
	} `json:"stats"`
}

func (s v4Store) ips() []string {
	ips := make([]string, 0, len(s.IPAddresses))
	for _, ip := range s.IPAddresses {
		ips = append(ips, ip.IPv4.Value)
	}
	return ips
}

// pilotStores lists the recovery point stores of a bucket through the v4 API.
func (r *Run) pilotStores(ctx context.Context, pc, bucket string) ([]v4Store, error) {
	var out struct {
		Data []v4Store `json:"data"`
	}
	path := v4StoresPath + "?$filter=" + url.QueryEscape("bucket eq '"+bucket+"'")
	if err := r.Call(ctx, pc, http.MethodGet, path, nil, &out); err != nil {
		return nil, fmt.Errorf("listing the recovery point stores of %s: %w", pc, err)
	}
	return out.Data, nil
}

// pilotStore returns the one store of the scenario's bucket.
func (r *Run) pilotStore(ctx context.Context) (v4Store, error) {
	stores, err := r.pilotStores(ctx, pilotRecovery, pilotBucket)
	if err != nil {
		return v4Store{}, err
	}
	if len(stores) != 1 {
		return v4Store{}, fmt.Errorf("%s lists %d recovery point stores of bucket %s, want 1", pilotRecovery, len(stores), pilotBucket)
	}
	return stores[0], nil
}

// checkPilotStore verifies the store MST created, and that the configuration uses it.
func checkPilotStore(ctx context.Context, r *Run) error {
	st, err := r.pilotStore(ctx)
	if err != nil {
		return err
	}
	var errs []error
	if st.Status != "AVAILABLE" || st.BucketType != "aws" || st.Region != "ap-northeast-1" || st.Network.Name != pilotNetwork {
		errs = append(errs, fmt.Errorf("store %s: status %s, type %s, region %s, network %s; want AVAILABLE, aws, ap-northeast-1, %s",
			st.ExtID, st.Status, st.BucketType, st.Region, st.Network.Name, pilotNetwork))
	}
	if !slices.Equal(st.ips(), pilotMSTIPs) {
		errs = append(errs, fmt.Errorf("store %s has addresses %v, want %v", st.ExtID, st.ips(), pilotMSTIPs))
	}
	if st.AccessKeyID == pilotAccessKey {
		errs = append(errs, fmt.Errorf("store %s shows its access key unmasked: %s", st.ExtID, st.AccessKeyID))
	}
	outs, err := r.Outputs(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	var store struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if o, ok := outs["mst_store"]; !ok {
		errs = append(errs, errors.New("no output mst_store"))
	} else if err := json.Unmarshal(o.Value, &store); err != nil {
		errs = append(errs, fmt.Errorf("output mst_store: %w", err))
	} else if store.ID != st.ExtID || store.Status != st.Status {
		errs = append(errs, fmt.Errorf("output mst_store is %s (%s), nc2-aws lists %s (%s)", store.ID, store.Status, st.ExtID, st.Status))
	}
	rule, err := r.pilotPolicyStore(ctx, pilotCategoryKey+"-"+pilotTier2)
	switch {
	case err != nil:
		errs = append(errs, err)
	case rule != st.ExtID:
		errs = append(errs, fmt.Errorf("the tier-2 policy names store %q, want %s", rule, st.ExtID))
	}
	if len(errs) == 0 {
		r.logf("  store %s: bucket %s, %s, MST VMs at %s\n", st.ExtID, st.Bucket, st.Status, strings.Join(st.ips(), ", "))
	}
	return errors.Join(errs...)
}

// pilotPolicyStore returns the store of the MST location of a protection rule of onprem.
func (r *Run) pilotPolicyStore(ctx context.Context, name string) (string, error) {
	var out struct {
		Entities []struct {
			Spec struct {
				Name      string `json:"name"`
				Resources struct {
					OrderedAvailabilityZoneList []struct {
						TargetType                  string `json:"target_type"`
						RecoveryPointRepositoryUUID string `json:"recovery_point_repository_uuid"`
					} `json:"ordered_availability_zone_list"`
				} `json:"resources"`
			} `json:"spec"`
		} `json:"entities"`
	}
	in := map[string]any{"kind": "protection_rule", "length": 100}
	if err := r.Call(ctx, pilotPrimary, http.MethodPost, "/api/nutanix/v3/protection_rules/list", in, &out); err != nil {
		return "", fmt.Errorf("listing the protection rules of %s: %w", pilotPrimary, err)
	}
	for _, e := range out.Entities {
		if e.Spec.Name != name {
			continue
		}
		for _, l := range e.Spec.Resources.OrderedAvailabilityZoneList {
			if l.TargetType == "MST" {
				return l.RecoveryPointRepositoryUUID, nil
			}
		}
		return "", fmt.Errorf("protection rule %s of %s has no MST location", name, pilotPrimary)
	}
	return "", fmt.Errorf("%s has no protection rule %s", pilotPrimary, name)
}

// checkPilotCategories verifies the tier categories of onprem's VMs.
func checkPilotCategories(ctx context.Context, r *Run) error {
	var errs []error
	for value, vms := range map[string][]string{pilotTier1: pilotTier1VMs, pilotTier2: pilotTier2VMs} {
		for _, name := range vms {
			vm, err := r.VMByName(ctx, pilotPrimary, name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if vm.Categories[pilotCategoryKey] != value {
				errs = append(errs, fmt.Errorf("VM %s on %s carries %s, want %s: %s", name, pilotPrimary, formatCategories(vm.Categories), pilotCategoryKey, value))
			}
		}
	}
	return errors.Join(errs...)
}

// pilotPoint is what the scenario reads of a recovery point of nc2-aws.
type pilotPoint struct {
	VMName  string
	Store   string // bucket of the store holding it; "" for a replica on a cluster
	Cluster string
}

// pilotPoints lists the recovery points nc2-aws holds, in the store or on its cluster.
func (r *Run) pilotPoints(ctx context.Context) ([]pilotPoint, error) {
	var out struct {
		Entities []struct {
			Status struct {
				ClusterReference *struct {
					Name string `json:"name"`
				} `json:"cluster_reference"`
				Resources struct {
					ParentVMReference struct {
						Name string `json:"name"`
					} `json:"parent_vm_reference"`
					StoreReference *struct {
						Bucket string `json:"bucket"`
					} `json:"recovery_point_store_reference"`
				} `json:"resources"`
			} `json:"status"`
		} `json:"entities"`
	}
	in := map[string]any{"kind": "vm_recovery_point", "length": 500}
	if err := r.Call(ctx, pilotRecovery, http.MethodPost, "/api/nutanix/v3/vm_recovery_points/list", in, &out); err != nil {
		return nil, fmt.Errorf("listing the recovery points of %s: %w", pilotRecovery, err)
	}
	points := make([]pilotPoint, 0, len(out.Entities))
	for _, e := range out.Entities {
		p := pilotPoint{VMName: e.Status.Resources.ParentVMReference.Name}
		if e.Status.Resources.StoreReference != nil {
			p.Store = e.Status.Resources.StoreReference.Bucket
		}
		if e.Status.ClusterReference != nil {
			p.Cluster = e.Status.ClusterReference.Name
		}
		points = append(points, p)
	}
	return points, nil
}

// ShowPilotStore prints what the bucket's store holds, per VM, as the v4 API reports it, and
// the replicas on the NC2 cluster.
type ShowPilotStore struct{}

// Title implements Step.
func (ShowPilotStore) Title() string {
	return "recovery points on " + pilotRecovery + ": in S3 (store " + pilotBucket + ", v4 API) and on " + pilotCluster
}

// Do implements Step.
func (ShowPilotStore) Do(ctx context.Context, r *Run) error {
	st, err := r.pilotStore(ctx)
	if err != nil {
		return err
	}
	points, err := r.pilotPoints(ctx)
	if err != nil {
		return err
	}
	onCluster := map[string]int{}
	for _, p := range points {
		if p.Store == "" {
			onCluster[p.VMName]++
		}
	}
	r.logf("  %-12s %-10s %s\n", "VM", "IN S3", "ON "+pilotCluster)
	for _, name := range append(slices.Clone(pilotTier1VMs), pilotTier2VMs...) {
		r.logf("  %-12s %-10d %d\n", name, st.Stats.ByVM[name], onCluster[name])
	}
	r.logf("  store %s: %d recovery points\n", st.Bucket, st.Stats.RecoveryPointCount)
	return nil
}

// checkPilotReplication verifies where each tier's recovery points went.
func checkPilotReplication(ctx context.Context, r *Run) error {
	st, err := r.pilotStore(ctx)
	if err != nil {
		return err
	}
	points, err := r.pilotPoints(ctx)
	if err != nil {
		return err
	}
	inStore, onCluster := map[string]int{}, map[string]int{}
	var errs []error
	for _, p := range points {
		switch {
		case p.Store == pilotBucket:
			inStore[p.VMName]++
		case p.Store == "" && p.Cluster == pilotCluster:
			onCluster[p.VMName]++
		default:
			errs = append(errs, fmt.Errorf("recovery point of %s on %s is in store %q, cluster %q", p.VMName, pilotRecovery, p.Store, p.Cluster))
		}
	}
	for _, name := range pilotTier1VMs {
		if inStore[name] != 0 || onCluster[name] != pilotTier1Retention {
			errs = append(errs, fmt.Errorf("tier-1 VM %s: %d recovery points in S3 and %d on %s, want 0 and %d",
				name, inStore[name], onCluster[name], pilotCluster, pilotTier1Retention))
		}
	}
	for _, name := range pilotTier2VMs {
		if inStore[name] < 2 || onCluster[name] != 0 || st.Stats.ByVM[name] != inStore[name] {
			errs = append(errs, fmt.Errorf("tier-2 VM %s: %d recovery points in S3 (the store's stats say %d) and %d on %s, want 2 or more in S3 and none on the cluster",
				name, inStore[name], st.Stats.ByVM[name], onCluster[name], pilotCluster))
		}
	}
	return errors.Join(errs...)
}

// pilotFailoverOutput is the configuration's failover output.
type pilotFailoverOutput struct {
	JobID          string              `json:"job_id"`
	Status         string              `json:"status"`
	DataLossWindow string              `json:"data_loss_window"`
	Warnings       []string            `json:"warnings"`
	RecoveredVMs   map[string][]string `json:"recovered_vms"`
}

func (r *Run) pilotFailoverOutput(ctx context.Context) (pilotFailoverOutput, error) {
	var f pilotFailoverOutput
	raw, err := r.TofuOutput(ctx, "-chdir=disaster", "output", "-json", "failover")
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return f, fmt.Errorf("output failover of the disaster configuration: %w", err)
	}
	return f, nil
}

// ShowPilotFailover prints the failover output: status, data loss, warnings, new addresses.
type ShowPilotFailover struct{}

// Title implements Step.
func (ShowPilotFailover) Title() string {
	return "the unplanned failover, as the failover output reports it"
}

// Do implements Step.
func (ShowPilotFailover) Do(ctx context.Context, r *Run) error {
	f, err := r.pilotFailoverOutput(ctx)
	if err != nil {
		return err
	}
	r.logf("  job %s: %s, data loss window %s\n", f.JobID, f.Status, f.DataLossWindow)
	for _, w := range f.Warnings {
		r.logf("  warning: %s\n", w)
	}
	names := make([]string, 0, len(f.RecoveredVMs))
	for name := range f.RecoveredVMs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		r.logf("  recovered %-12s %s\n", name, strings.Join(f.RecoveredVMs[name], ", "))
	}
	return nil
}

// checkPilotRecovered verifies the VMs recovered in NC2 and what the failover output says.
func checkPilotRecovered(ctx context.Context, r *Run) error {
	var errs []error
	f, err := r.pilotFailoverOutput(ctx)
	if err != nil {
		return err
	}
	// The VMs the capacity warning names are recovered powered off; the others run.
	deferred := map[string]bool{}
	for _, w := range f.Warnings {
		if i := strings.Index(w, "to power on every VM restored from the recovery point store: "); i >= 0 {
			list := w[i+len("to power on every VM restored from the recovery point store: "):]
			list = list[:strings.Index(list, " recovered powered off")]
			for _, n := range strings.Split(list, ", ") {
				deferred[n] = true
			}
		}
	}
	if len(deferred) == 0 {
		errs = append(errs, fmt.Errorf("output failover: no capacity warning naming the VMs recovered powered off among %q", f.Warnings))
	}
	want := map[string]struct{ tier, power string }{}
	for _, n := range pilotTier1VMs {
		if deferred[n] {
			errs = append(errs, fmt.Errorf("tier-1 VM %s was deferred, but it is recovered from NC2 replicas, not from the store", n))
		}
		want[n] = struct{ tier, power string }{pilotTier1, "ON"}
	}
	for _, n := range pilotTier2VMs {
		power := "ON"
		if deferred[n] {
			power = "OFF"
		}
		want[n] = struct{ tier, power string }{pilotTier2, power}
	}
	for name, w := range want {
		vm, err := r.VMByName(ctx, pilotRecovery, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if vm.PowerState != w.power || vm.Categories[pilotCategoryKey] != w.tier {
			errs = append(errs, fmt.Errorf("VM %s on %s is %s with %s, want %s with %s: %s",
				name, pilotRecovery, vm.PowerState, formatCategories(vm.Categories), w.power, pilotCategoryKey, w.tier))
		}
		if len(vm.IPAddresses) != 1 || !strings.HasPrefix(vm.IPAddresses[0], "10.110.33.") {
			errs = append(errs, fmt.Errorf("VM %s on %s has addresses %v, want one of %s (10.110.33.0/24)", name, pilotRecovery, vm.IPAddresses, pilotNetwork))
		}
	}
	if f.Status != "COMPLETED_WITH_WARNING" || len(f.Warnings) == 0 {
		errs = append(errs, fmt.Errorf("output failover: %s with warnings %q, want COMPLETED_WITH_WARNING (the VMs change addresses)", f.Status, f.Warnings))
	}
	if len(f.RecoveredVMs) != len(want) {
		errs = append(errs, fmt.Errorf("output failover lists %d recovered VMs, want %d", len(f.RecoveredVMs), len(want)))
	}
	if _, err := checkDataLossWindow(f.DataLossWindow, pilotTier2RPO+r.World.Settings().ReplicationDelay.Std()); err != nil {
		errs = append(errs, fmt.Errorf("output failover: %w (the tier-2 RPO %s and the replication delay)", err, pilotTier2RPO))
	}
	var job struct {
		Status struct {
			ExecutionStatus struct {
				Status string `json:"status"`
			} `json:"execution_status"`
		} `json:"status"`
	}
	if err := r.Call(ctx, pilotRecovery, http.MethodGet, "/api/nutanix/v3/recovery_plan_jobs/"+url.PathEscape(f.JobID), nil, &job); err != nil {
		errs = append(errs, err)
	} else if job.Status.ExecutionStatus.Status != f.Status {
		errs = append(errs, fmt.Errorf("job %s is %s on %s, the output says %s", f.JobID, job.Status.ExecutionStatus.Status, pilotRecovery, f.Status))
	}
	return errors.Join(errs...)
}

// checkPilotOnpremBack verifies that onprem came back without the VMs the unplanned failover
// recovered in NC2 (NC2 runs them now).
func checkPilotOnpremBack(ctx context.Context, r *Run) error {
	var errs []error
	vms, err := r.VMs(ctx, pilotPrimary)
	if err != nil {
		return err
	}
	recovered := append(slices.Clone(pilotTier1VMs), pilotTier2VMs...)
	for _, vm := range vms {
		if slices.Contains(recovered, vm.Name) {
			errs = append(errs, fmt.Errorf("%s still runs %s, which %s runs now", pilotPrimary, vm.Name, pilotRecovery))
		}
	}
	return errors.Join(errs...)
}

// RemoveMST removes an MST deployment by hand, as the warning of destroy says when the
// configuration deploys MST with a write-only SSH password: clustermgmt-cli mst remove -b
// <bucket> on the Prism Central VM, over SSH with the credentials of env.json. It first
// checks that destroy left the store in place, then waits until the v4 API no longer lists it.
type RemoveMST struct {
	PC, Bucket string
}

// Title implements Step.
func (s RemoveMST) Title() string {
	return "destroy only forgot the MST store (write-only SSH password): remove it by hand on " + s.PC +
		" with clustermgmt-cli mst remove -b " + s.Bucket
}

// Do implements Step.
func (s RemoveMST) Do(ctx context.Context, r *Run) error {
	stores, err := r.pilotStores(ctx, s.PC, s.Bucket)
	if err != nil {
		return err
	}
	if len(stores) != 1 {
		return fmt.Errorf("%s lists %d stores of bucket %s after destroy, want the one destroy forgot", s.PC, len(stores), s.Bucket)
	}
	env, ok := r.Env.PCs[s.PC]
	if !ok || env.SSH == nil {
		return fmt.Errorf("env.json has no ssh entry for %s", s.PC)
	}
	c, err := sshcli.Dial(ctx, sshcli.Config{Host: env.SSH.Host, Port: env.SSH.Port, User: env.SSH.User,
		Password: env.SSH.Password, HostKey: env.SSH.HostKey})
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	argv := []string{"clustermgmt-cli", "mst", "remove", "-b", s.Bucket}
	res, err := c.Run(ctx, argv, nil)
	if err != nil {
		return fmt.Errorf("running %s on %s: %w", sshcli.QuoteCommand(argv), s.PC, err)
	}
	r.logf("  $ %s\n", sshcli.QuoteCommand(argv))
	for _, line := range strings.Split(strings.TrimRight(res.Stdout+res.Stderr, "\n"), "\n") {
		r.logf("  %s\n", line)
	}
	if res.ExitStatus != 0 {
		return fmt.Errorf("%s on %s exited with status %d", sshcli.QuoteCommand(argv), s.PC, res.ExitStatus)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		stores, err := r.pilotStores(ctx, s.PC, s.Bucket)
		if err != nil {
			return err
		}
		if len(stores) == 0 {
			r.logf("  the v4 API lists no store of bucket %s any more\n", s.Bucket)
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the store of bucket %s to go (status %s): %w", s.Bucket, stores[0].Status, ctx.Err())
		case <-tick.C:
		}
	}
}

// checkPilotCleaned verifies what destroy removed.
func checkPilotCleaned(ctx context.Context, r *Run) error {
	var errs []error
	for _, pc := range []string{pilotPrimary, pilotRecovery} {
		ok, err := r.CategoryKeyExists(ctx, pc, pilotCategoryKey)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok && pc == pilotPrimary: // the other site may keep the copy entity sync made
			errs = append(errs, fmt.Errorf("%s still has the category %s", pc, pilotCategoryKey))
		}
		azs, err := r.AvailabilityZones(ctx, pc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, az := range azs {
			if az.Type != "Local" {
				errs = append(errs, fmt.Errorf("%s is still paired with %s", pc, az.Name))
			}
		}
	}
	// The VMs keep running where the failover put them, untagged.
	for _, pc := range []string{pilotPrimary, pilotRecovery} {
		vms, err := r.VMs(ctx, pc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, vm := range vms {
			if _, ok := vm.Categories[pilotCategoryKey]; ok {
				errs = append(errs, fmt.Errorf("VM %s on %s still carries %s", vm.Name, pc, formatCategories(vm.Categories)))
			}
		}
	}
	for _, name := range append(slices.Clone(pilotTier1VMs), pilotTier2VMs...) {
		if _, err := r.VMByName(ctx, pilotRecovery, name); err != nil {
			errs = append(errs, fmt.Errorf("after destroy: %w", err))
		}
	}
	return errors.Join(errs...)
}

// checkPilotPlan verifies what Prism Central reports about the recovery plan, on the PC it
// was created on and on the copy entity sync made on the other.
func checkPilotPlan(ctx context.Context, r *Run) error {
	var errs []error
	for _, pc := range []string{pilotRecovery, pilotPrimary} {
		var out struct {
			Entities []struct {
				Status struct {
					Name        string `json:"name"`
					MessageList []struct {
						Message string `json:"message"`
						Details struct {
							Severity string `json:"severity"`
						} `json:"details"`
					} `json:"message_list"`
				} `json:"status"`
			} `json:"entities"`
		}
		in := map[string]any{"kind": "recovery_plan", "length": 100}
		if err := r.Call(ctx, pc, http.MethodPost, "/api/nutanix/v3/recovery_plans/list", in, &out); err != nil {
			errs = append(errs, err)
			continue
		}
		found := false
		for _, e := range out.Entities {
			if e.Status.Name != pilotPlanName {
				continue
			}
			found = true
			for _, m := range e.Status.MessageList {
				r.logf("  %-8s %s: %s\n", pc, m.Details.Severity, m.Message)
				if m.Details.Severity == "ERROR" {
					errs = append(errs, fmt.Errorf("%s reports about plan %s: %s", pc, pilotPlanName, m.Message))
				}
			}
			if len(e.Status.MessageList) == 0 {
				r.logf("  %-8s plan %s: nothing to report\n", pc, pilotPlanName)
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("%s has no recovery plan %s", pc, pilotPlanName))
		}
	}
	return errors.Join(errs...)
}

// checkPilotSecretsNotStored verifies that the write-only secrets of the MST deployment are
// nowhere in the state.
func checkPilotSecretsNotStored(ctx context.Context, r *Run) error {
	data, err := os.ReadFile(filepath.Join(r.WorkDir, "terraform.tfstate"))
	if err != nil {
		return err
	}
	env, ok := r.Env.PCs[pilotRecovery]
	if !ok || env.SSH == nil || env.SSH.Password == "" {
		return fmt.Errorf("env.json has no ssh password for %s", pilotRecovery)
	}
	var errs []error
	for what, secret := range map[string]string{"the SSH password": env.SSH.Password, "the access key": pilotAccessKey, "the secret key": pilotSecretKey} {
		if strings.Contains(string(data), secret) {
			errs = append(errs, fmt.Errorf("the state holds %s", what))
		}
	}
	return errors.Join(errs...)
}
