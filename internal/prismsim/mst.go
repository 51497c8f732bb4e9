package prismsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// MST (Multicloud Snapshot Technology) recovery point stores.
//
// No REST call deploys MST: an operator runs clustermgmt-cli mst deploy on the PC VM
// (mst_cli.go, over the ssh wire). A deployment is checked against the PC's state (network,
// addresses, buckets), then runs in the background: mstDeploySteps steps, each lasting
// Settings.TaskLatency of real time (paused while the site is down), after which the
// recovery point store exists with status AVAILABLE and a new extId. It keeps running if
// the SSH session that started it ends. Removal (clustermgmt-cli mst remove) marks the
// store REMOVING, takes mstRemoveSteps steps, then forgets it and its recovery points.
//
// Protection rules name a store with target_type MST and recovery_point_repository_uuid
// = its extId, in a location whose availability zone is the store's PC (checked by
// World.checkStoreLocationLocked). Replicas sent there are kept in the store's PC's
// recovery point store, tagged with the store (recoveryPoint.store), under the MST
// retention limits (storeRetention); the store's stats count them.
//
// Secrets: the secret key is checked for its format and dropped; the access key is kept
// masked (first and last four characters) only.
//
// Locking: mstState.mu is taken after a PC's mutex, never before (like the replicator's).

// Store statuses.
const (
	StoreDeploying = "DEPLOYING" // only in clustermgmt-cli mst list: the store does not exist yet
	StoreAvailable = "AVAILABLE"
	StoreRemoving  = "REMOVING"
)

// Bucket types of clustermgmt-cli mst deploy -t.
const (
	BucketTypeAWS    = model.BucketTypeAWS
	BucketTypeNtxOSS = model.BucketTypeNtxOSS
)

// mstDeploySteps and mstRemoveSteps are the progress steps of a deployment and a removal.
const (
	mstDeploySteps = 3
	mstRemoveSteps = 2
	mstIPCount     = 3
)

// mstState is a PC's MST deployments; the zero value is ready to use.
type mstState struct {
	mu     sync.Mutex
	stores []*mstStore
	jobs   map[string]*mstJob // deployments in progress, by bucket
}

// mstStore is a deployed recovery point store.
type mstStore struct {
	extID      string
	name       string
	bucket     string
	bucketType string
	region     string
	network    string
	subnetUUID string
	cidr       string
	ips        []string
	status     string
	keyHint    string
	created    time.Time
	updated    time.Time
}

// mstRequest is what clustermgmt-cli mst deploy asks for.
type mstRequest struct {
	Bucket     string
	Region     string
	Network    string
	BucketType string
	IPs        []string
}

// mstJob is a deployment or removal in progress. Its progress lines go to lines (buffered
// for all of them, closed at the end); store or err is set before lines is closed.
type mstJob struct {
	req        mstRequest
	subnetUUID string
	cidr       string
	keyHint    string
	started    time.Time
	lines      chan string
	store      *mstStore
	err        error
}

var (
	bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	awsRegionPattern  = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)
	ossRegionPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	awsAccessPattern  = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)
	awsSecretPattern  = regexp.MustCompile(`^[A-Za-z0-9/+]{40}$`)
	ossAccessPattern  = regexp.MustCompile(`^[A-Za-z0-9_-]{16,128}$`)
	ossSecretPattern  = regexp.MustCompile(`^[A-Za-z0-9/+_=-]{20,128}$`)
)

// errShuttingDown ends deployments and removals when the world closes.
var errShuttingDown = errors.New("prism central is shutting down")

// RecommendedBucketPrefix is the prefix the NC2 guide recommends for MST buckets.
const RecommendedBucketPrefix = "nutanix-clusters"

// checkBucketName applies the S3 bucket naming rules.
func checkBucketName(b string) error {
	switch {
	case len(b) < 3 || len(b) > 63:
		return fmt.Errorf("invalid bucket name %q: it must be 3 to 63 characters long", b)
	case strings.Contains(b, "_"):
		return fmt.Errorf("invalid bucket name %q: underscores are not allowed (use lowercase letters, digits, '-' and '.')", b)
	case strings.ToLower(b) != b:
		return fmt.Errorf("invalid bucket name %q: upper-case letters are not allowed", b)
	case !bucketNamePattern.MatchString(b):
		return fmt.Errorf("invalid bucket name %q: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit", b)
	case strings.Contains(b, ".."):
		return fmt.Errorf("invalid bucket name %q: two adjacent periods are not allowed", b)
	case net.ParseIP(b) != nil:
		return fmt.Errorf("invalid bucket name %q: it must not be formatted as an IP address", b)
	case strings.HasPrefix(b, "xn--") || strings.HasSuffix(b, "-s3alias"):
		return fmt.Errorf("invalid bucket name %q: the prefix xn-- and the suffix -s3alias are reserved", b)
	}
	return nil
}

// checkArgs checks a deployment request on its own (no state).
func (req mstRequest) checkArgs() error {
	if err := checkBucketName(req.Bucket); err != nil {
		return err
	}
	switch req.BucketType {
	case BucketTypeAWS:
		if !awsRegionPattern.MatchString(req.Region) {
			return fmt.Errorf("invalid region %q for bucket type aws: expected an AWS region such as ap-northeast-1", req.Region)
		}
	case BucketTypeNtxOSS:
		if !ossRegionPattern.MatchString(req.Region) {
			return fmt.Errorf("invalid region %q: use lowercase letters, digits and '-'", req.Region)
		}
	default:
		return fmt.Errorf("invalid bucket type %q: must be %s or %s", req.BucketType, BucketTypeAWS, BucketTypeNtxOSS)
	}
	if len(req.IPs) != mstIPCount {
		return fmt.Errorf("exactly %d IP addresses are required (-i ip1,ip2,ip3), got %d", mstIPCount, len(req.IPs))
	}
	seen := map[string]bool{}
	for _, ip := range req.IPs {
		parsed := net.ParseIP(ip).To4()
		if parsed == nil || parsed.String() != ip {
			return fmt.Errorf("invalid IP address %q: expected an IPv4 address such as 10.110.33.201", ip)
		}
		if seen[ip] {
			return fmt.Errorf("IP address %s is given twice: the %d addresses must be distinct", ip, mstIPCount)
		}
		seen[ip] = true
	}
	if req.Network == "" {
		return errors.New("the network name (-s) must not be empty")
	}
	return nil
}

// checkKeys checks the format of the access and secret keys for a bucket type.
func checkKeys(bucketType, access, secret string) error {
	switch {
	case access == "":
		return errors.New("no access key entered")
	case secret == "":
		return errors.New("no secret key entered")
	}
	if bucketType == BucketTypeAWS {
		if !awsAccessPattern.MatchString(access) {
			return errors.New("invalid access key: an AWS access key ID is 16 to 128 upper-case letters and digits (e.g. AKIA...)")
		}
		if !awsSecretPattern.MatchString(secret) {
			return errors.New("invalid secret key: an AWS secret access key is 40 characters (letters, digits, '/' and '+')")
		}
		return nil
	}
	if !ossAccessPattern.MatchString(access) {
		return errors.New("invalid access key: expected 16 to 128 letters, digits, '_' or '-'")
	}
	if !ossSecretPattern.MatchString(secret) {
		return errors.New("invalid secret key: expected 20 to 128 letters, digits or '/+_=-'")
	}
	return nil
}

// maskKey keeps the first and last four characters of an access key.
func maskKey(k string) string {
	if len(k) <= 8 {
		return strings.Repeat("*", len(k))
	}
	return k[:4] + strings.Repeat("*", len(k)-8) + k[len(k)-4:]
}

// mstTarget is a checked deployment: the subnet it uses.
type mstTarget struct {
	subnetUUID string
	cidr       string
}

// checkMSTStateLocked checks a deployment request against the PC: disaster recovery is
// enabled, the network exists and has an IP configuration, the addresses are inside it,
// outside its DHCP pools and not used (gateway, VMs, the PC, clusters, other MST
// deployments), and the bucket has no deployment yet. The caller holds pc.mu and
// pc.mst.mu.
func (pc *PC) checkMSTStateLocked(req mstRequest) (mstTarget, error) {
	if !pc.DREnabled() {
		return mstTarget{}, errors.New("disaster recovery is not enabled on this Prism Central: enable it (Settings > Disaster Recovery) before deploying MST")
	}
	for _, s := range pc.mst.stores {
		if s.bucket == req.Bucket {
			return mstTarget{}, fmt.Errorf("MST is already deployed for bucket %s (recovery point store %s, status %s)", s.bucket, s.extID, s.status)
		}
	}
	if _, ok := pc.mst.jobs[req.Bucket]; ok {
		return mstTarget{}, fmt.Errorf("an MST deployment for bucket %s is already in progress", req.Bucket)
	}
	var matches []*entity
	var names []string
	for _, e := range pc.entitiesLocked(subnetKind) {
		if e.deleting || e.committed == nil {
			continue
		}
		names = append(names, e.current().name)
		if e.current().name == req.Network {
			matches = append(matches, e)
		}
	}
	switch len(matches) {
	case 0:
		sort.Strings(names)
		known := strings.Join(dedupe(names), ", ")
		if known == "" {
			known = "none"
		}
		return mstTarget{}, fmt.Errorf("network %q not found on this Prism Central (networks: %s)", req.Network, known)
	case 1:
	default:
		return mstTarget{}, fmt.Errorf("network name %q is ambiguous: %d subnets have it; rename one", req.Network, len(matches))
	}
	subnet := matches[0]
	network := subnetNetworkOf(subnet.committed)
	ipc := decodeSubnetSpec(subnet.committed.spec).Resources.IPConfig
	if network == nil || ipc == nil {
		return mstTarget{}, fmt.Errorf("network %s has no IP address management (no CIDR): MST needs a managed network", req.Network)
	}
	used := map[string]string{}
	if ipc.DefaultGatewayIP != "" {
		used[ipc.DefaultGatewayIP] = "the gateway of " + req.Network
	}
	for _, a := range pc.subnetAddressesLocked(subnet.uuid) {
		used[a.ip] = "vm " + a.vm.current().name
	}
	used[pc.AdvertisedIP()] = "Prism Central"
	for _, c := range pc.entitiesLocked(clusterKind) {
		if ip := clusterInfo(c).externalIP; ip != "" && !clusterInfo(c).prismCentral {
			used[ip] = "the virtual IP of cluster " + c.current().name
		}
	}
	for _, s := range pc.mst.stores {
		for _, ip := range s.ips {
			used[ip] = "the MST deployment of bucket " + s.bucket
		}
	}
	for _, j := range pc.mst.jobs {
		for _, ip := range j.req.IPs {
			used[ip] = "the MST deployment of bucket " + j.req.Bucket
		}
	}
	first, last := network.IP.To4(), lastAddress(network)
	for _, ip := range req.IPs {
		addr := net.ParseIP(ip).To4()
		if !network.Contains(addr) {
			return mstTarget{}, fmt.Errorf("IP address %s is not in network %s (%s)", ip, req.Network, network)
		}
		if addr.Equal(first) || addr.Equal(last) {
			return mstTarget{}, fmt.Errorf("IP address %s is the network or broadcast address of %s", ip, network)
		}
		for _, p := range ipc.PoolList {
			lo, hi, err := parsePoolRange(p.Range)
			if err != nil {
				continue
			}
			if v := ipToUint(addr); v >= ipToUint(lo) && v <= ipToUint(hi) {
				return mstTarget{}, fmt.Errorf("IP address %s is inside the DHCP pool %s-%s of network %s: shrink the pool or pick addresses outside it", ip, lo, hi, req.Network)
			}
		}
		if who, ok := used[ip]; ok {
			return mstTarget{}, fmt.Errorf("IP address %s is already in use by %s", ip, who)
		}
	}
	return mstTarget{subnetUUID: subnet.uuid, cidr: network.String()}, nil
}

// checkMSTDeployment checks a request against the PC's state (without reserving).
func (pc *PC) checkMSTDeployment(req mstRequest) error {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.mst.mu.Lock()
	defer pc.mst.mu.Unlock()
	_, err := pc.checkMSTStateLocked(req)
	return err
}

// startMSTDeployment checks the request again, reserves the bucket and the addresses, and
// runs the deployment in the background.
func (pc *PC) startMSTDeployment(req mstRequest, accessKey string) (*mstJob, error) {
	pc.mu.Lock()
	pc.mst.mu.Lock()
	target, err := pc.checkMSTStateLocked(req)
	if err != nil {
		pc.mst.mu.Unlock()
		pc.mu.Unlock()
		return nil, err
	}
	job := &mstJob{req: req, subnetUUID: target.subnetUUID, cidr: target.cidr, keyHint: maskKey(accessKey),
		started: pc.w.clock.Now(), lines: make(chan string, mstDeploySteps+1)}
	if pc.mst.jobs == nil {
		pc.mst.jobs = map[string]*mstJob{}
	}
	pc.mst.jobs[req.Bucket] = job
	pc.mst.mu.Unlock()
	pc.mu.Unlock()

	steps := []string{
		fmt.Sprintf("Deploying %d MST service VMs on network %s (%s)", mstIPCount, req.Network, strings.Join(req.IPs, ", ")),
		fmt.Sprintf("Connecting MST to %s bucket %s in %s", bucketTypeLabel(req.BucketType), req.Bucket, req.Region),
		"Registering the recovery point store with Prism Central",
	}
	started := pc.w.goBackground(func(ctx context.Context) {
		if err := pc.runMSTSteps(ctx, job.lines, steps); err != nil {
			pc.mst.mu.Lock()
			delete(pc.mst.jobs, req.Bucket)
			job.err = err
			pc.mst.mu.Unlock()
			close(job.lines)
			return
		}
		now := pc.w.clock.Now()
		st := &mstStore{extID: newUUID(), name: req.Bucket, bucket: req.Bucket, bucketType: req.BucketType,
			region: req.Region, network: req.Network, subnetUUID: job.subnetUUID, cidr: job.cidr,
			ips: append([]string(nil), req.IPs...), status: StoreAvailable, keyHint: job.keyHint, created: now, updated: now}
		pc.mst.mu.Lock()
		delete(pc.mst.jobs, req.Bucket)
		pc.mst.stores = append(pc.mst.stores, st)
		job.store = st
		pc.mst.mu.Unlock()
		close(job.lines)
	})
	if !started {
		pc.mst.mu.Lock()
		delete(pc.mst.jobs, req.Bucket)
		pc.mst.mu.Unlock()
		return nil, errShuttingDown
	}
	return job, nil
}

// runMSTSteps reports each step, then waits one task latency (real time) for it, paused
// while the site is down.
func (pc *PC) runMSTSteps(ctx context.Context, lines chan<- string, steps []string) error {
	for i, s := range steps {
		lines <- fmt.Sprintf("[%d/%d] %s...", i+1, len(steps), s)
		if !sleepCtx(ctx, pc.w.Settings().TaskLatency.Std()) || !pc.waitUp(ctx) {
			return errShuttingDown
		}
	}
	return nil
}

func bucketTypeLabel(t string) string {
	if t == BucketTypeAWS {
		return "Amazon S3"
	}
	return "Nutanix Objects"
}

// startMSTRemoval marks the bucket's store REMOVING, unless a protection rule of any PC
// still names it, and removes it in the background with its recovery points.
func (pc *PC) startMSTRemoval(bucket string) (*mstJob, error) {
	pc.mst.mu.Lock()
	var st *mstStore
	for _, s := range pc.mst.stores {
		if s.bucket == bucket {
			st = s
		}
	}
	switch {
	case st == nil && pc.mst.jobs[bucket] != nil:
		pc.mst.mu.Unlock()
		return nil, fmt.Errorf("the MST deployment for bucket %s is still in progress: wait for it to finish", bucket)
	case st == nil:
		pc.mst.mu.Unlock()
		return nil, fmt.Errorf("no MST deployment found for bucket %s", bucket)
	case st.status == StoreRemoving:
		pc.mst.mu.Unlock()
		return nil, fmt.Errorf("the MST deployment for bucket %s is already being removed", bucket)
	}
	st.status, st.updated = StoreRemoving, pc.w.clock.Now()
	pc.mst.mu.Unlock()

	if users := pc.w.rulesUsingStore(st.extID); len(users) > 0 {
		pc.mst.mu.Lock()
		st.status = StoreAvailable
		pc.mst.mu.Unlock()
		return nil, fmt.Errorf("recovery point store %s (bucket %s) is used by protection policies %s: remove the MST location from them first",
			st.extID, bucket, strings.Join(users, ", "))
	}
	job := &mstJob{req: mstRequest{Bucket: bucket}, started: pc.w.clock.Now(), lines: make(chan string, mstRemoveSteps+1), store: st}
	steps := []string{"Unregistering the recovery point store from Prism Central", "Deleting the MST service VMs"}
	started := pc.w.goBackground(func(ctx context.Context) {
		if err := pc.runMSTSteps(ctx, job.lines, steps); err != nil {
			job.err = err
			close(job.lines)
			return
		}
		pc.mu.Lock()
		pc.mst.mu.Lock()
		for i, s := range pc.mst.stores {
			if s == st {
				pc.mst.stores = append(pc.mst.stores[:i], pc.mst.stores[i+1:]...)
				break
			}
		}
		pc.mst.mu.Unlock()
		pc.points.removeWhere(func(p *recoveryPoint) bool { return p.store == st.extID })
		pc.mu.Unlock()
		close(job.lines)
	})
	if !started {
		pc.mst.mu.Lock()
		st.status = StoreAvailable
		pc.mst.mu.Unlock()
		return nil, errShuttingDown
	}
	return job, nil
}

// removeWhere drops the recovery points f selects.
func (st *pointStore) removeWhere(f func(*recoveryPoint) bool) {
	for k, list := range st.series {
		kept := list[:0]
		for _, p := range list {
			if f(p) {
				delete(st.byID, p.uuid)
			} else {
				kept = append(kept, p)
			}
		}
		if len(kept) == 0 {
			delete(st.series, k)
		} else {
			st.series[k] = kept
		}
	}
}

// rulesUsingStore names the protection rules (of any PC) with a location in the store:
// "name (uuid) on pc", each rule once, on the PC it was created on while that PC holds it.
// It takes one PC's mutex at a time.
func (w *World) rulesUsingStore(extID string) []string {
	var out []string
	seen := map[string]int{}
	for _, pc := range w.pcs {
		pc.mu.Lock()
		for _, e := range pc.entitiesLocked(policyKind) {
			if anySnapshot(e, func(s *snapshot) bool {
				for _, loc := range decodeRuleSpec(s.spec).Resources.OrderedAZList {
					if loc.target() == "MST" && normUUID(loc.RecoveryPointRepositoryUUID) == extID {
						return true
					}
				}
				return false
			}) {
				line := fmt.Sprintf("%s (%s) on %s", e.current().name, e.uuid, pc.Name())
				key := pc.ruleOriginLocked(e) + "/" + e.uuid
				if i, ok := seen[key]; ok {
					if policyInfo(e).origin == "" {
						out[i] = line
					}
					continue
				}
				seen[key] = len(out)
				out = append(out, line)
			}
		}
		pc.mu.Unlock()
	}
	return out
}

// checkStoreLocationLocked checks the recovery_point_repository_uuid of a rule location of
// type MST whose availability zone is the PC named target: the store must be deployed
// there and available. The caller holds a PC's mutex (the rule's); it takes only the
// target's MST mutex.
func (w *World) checkStoreLocationLocked(field, target, id string) *modelError {
	owner := w.PC(target)
	if owner == nil {
		return invalid("%s: the availability zone does not resolve to a Prism Central", field)
	}
	id = normUUID(id)
	owner.mst.mu.Lock()
	defer owner.mst.mu.Unlock()
	for _, s := range owner.mst.stores {
		if s.extID != id {
			continue
		}
		if s.status != StoreAvailable {
			return invalid("%s.recovery_point_repository_uuid: recovery point store %s (bucket %s) is %s", field, id, s.bucket, strings.ToLower(s.status))
		}
		return nil
	}
	return &modelError{
		Kind: errInvalid, Code: reasonInvalidArgument,
		Message: fmt.Sprintf("%s.recovery_point_repository_uuid: no recovery point store %s is deployed on the Prism Central of this availability zone (PC_%s): deploy MST there first (clustermgmt-cli mst deploy) and use the extId from GET %s",
			field, id, owner.AdvertisedIP(), v4.StoresPath),
		Details: map[string]string{"recovery_point_repository_uuid": id},
	}
}

// storeRetention caps a retention of replicas sent to an MST location at what a store
// keeps: 36 recovery points (linear) or one month (roll-up).
func storeRetention(loc planLocation, r retention) retention {
	if loc.target != "MST" {
		return r
	}
	if r.unit == 0 && (r.count <= 0 || r.count > mstMaxLinear) {
		r.count = mstMaxLinear
	}
	if r.unit > 0 && time.Duration(r.multiple)*r.unit > mstMaxRollup {
		r.multiple = max(1, int(mstMaxRollup/r.unit))
	}
	return r
}

// RecoveryPointStore is a deployed MST store as the emulator shows it (model.RecoveryPointStore).
type RecoveryPointStore = model.RecoveryPointStore

// RecoveryPointStoreStats counts the recovery points kept in a store (model.RecoveryPointStoreStats).
type RecoveryPointStoreStats = model.RecoveryPointStoreStats

// RecoveryPointStores returns the PC's deployed MST stores (not the deployments in
// progress), in creation order, with their stats.
func (p *PC) RecoveryPointStores() []RecoveryPointStore {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.recoveryPointStoresLocked()
}

// RecoveryPointStoreByBucket returns the PC's store of a bucket.
func (p *PC) RecoveryPointStoreByBucket(bucket string) (RecoveryPointStore, bool) {
	for _, s := range p.RecoveryPointStores() {
		if s.Bucket == bucket {
			return s, true
		}
	}
	return RecoveryPointStore{}, false
}

func (p *PC) recoveryPointStoresLocked() []RecoveryPointStore {
	p.mst.mu.Lock()
	stores := append([]*mstStore(nil), p.mst.stores...)
	out := make([]RecoveryPointStore, len(stores))
	for i, s := range stores {
		out[i] = s.export()
	}
	p.mst.mu.Unlock()
	if len(out) == 0 {
		return out
	}
	index := map[string]int{}
	for i, s := range out {
		index[s.ExtID] = i
	}
	for _, rp := range p.recoveryPointsLocked(nil) {
		i, ok := index[rp.store]
		if !ok || rp.store == "" {
			continue
		}
		st := &out[i].Stats
		st.RecoveryPoints++
		st.ByVM[rp.vmName]++
		st.ByProtectionRule[rp.rule]++
		if st.Latest == nil || rp.created.After(*st.Latest) {
			t := rp.created
			st.Latest = &t
		}
		if st.Oldest == nil || rp.created.Before(*st.Oldest) {
			t := rp.created
			st.Oldest = &t
		}
	}
	return out
}

// export copies a store; the caller holds the MST mutex.
func (s *mstStore) export() RecoveryPointStore {
	return RecoveryPointStore{
		ExtID: s.extID, Name: s.name, Bucket: s.bucket, BucketType: s.bucketType, Region: s.region,
		Network: s.network, NetworkUUID: s.subnetUUID, IPAddresses: append([]string(nil), s.ips...),
		Status: s.status, AccessKeyID: s.keyHint, CreateTime: s.created, UpdateTime: s.updated,
		Stats: RecoveryPointStoreStats{ByVM: map[string]int{}, ByProtectionRule: map[string]int{}},
	}
}

// storeRefLocked returns a reference to the store a recovery point of this PC is kept in,
// or nil. The caller holds pc.mu.
func (pc *PC) storeRefLocked(id string) map[string]any {
	if id == "" {
		return nil
	}
	pc.mst.mu.Lock()
	defer pc.mst.mu.Unlock()
	for _, s := range pc.mst.stores {
		if s.extID == id {
			return map[string]any{"kind": "recovery_point_store", "uuid": s.extID, "name": s.name, "bucket": s.bucket}
		}
	}
	return map[string]any{"kind": "recovery_point_store", "uuid": id}
}

// mstListEntry is one line of clustermgmt-cli mst list: a store or a deployment in
// progress.
type mstListEntry struct {
	Bucket      string   `json:"bucket"`
	BucketType  string   `json:"bucket_type"`
	Region      string   `json:"region"`
	Network     string   `json:"network"`
	IPAddresses []string `json:"ip_addresses"`
	Status      string   `json:"status"`
	ExtID       string   `json:"ext_id,omitempty"`
}

func (pc *PC) mstList() []mstListEntry {
	pc.mst.mu.Lock()
	defer pc.mst.mu.Unlock()
	var out []mstListEntry
	for _, s := range pc.mst.stores {
		out = append(out, mstListEntry{Bucket: s.bucket, BucketType: s.bucketType, Region: s.region, Network: s.network,
			IPAddresses: append([]string(nil), s.ips...), Status: s.status, ExtID: s.extID})
	}
	for _, b := range sortedKeys(pc.mst.jobs) {
		j := pc.mst.jobs[b]
		out = append(out, mstListEntry{Bucket: b, BucketType: j.req.BucketType, Region: j.req.Region, Network: j.req.Network,
			IPAddresses: append([]string(nil), j.req.IPs...), Status: StoreDeploying})
	}
	return out
}
