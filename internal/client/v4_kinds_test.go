package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The v4 kinds are tested as a table of operations against a v4Target: the v4Fake of these
// tests today, prismsim's v4 wire once it serves these kinds (the same table then runs
// against it by implementing v4Target over a prismsim server).

// v4Target is a Prism Central that serves the v4 kinds the client speaks.
type v4Target interface {
	// client returns a client of the target under api_version.
	client(apiVersion string) *Client
	// log returns the mutations sent so far (method, path, request id, If-Match) and how many
	// of them changed state.
	log() (mutations []v4Mutation, acted int)
	// dropNext drops the connection after the server acted on the next mutation.
	dropNext()
	// changeNext makes the next conditional write meet an entity changed since it was read.
	changeNext()
}

func (f *v4Fake) log() ([]v4Mutation, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.mutations), f.acted
}
func (f *v4Fake) dropNext()   { f.mu.Lock(); f.dropAfterActing = true; f.mu.Unlock() }
func (f *v4Fake) changeNext() { f.mu.Lock(); f.changeBeforeNextWrite = true; f.mu.Unlock() }

// v4KindCase is one kind's operations: id is what the typed operations name an entity by
// (a uuid or extId, or "key/value" for a category value).
type v4KindCase struct {
	name string
	// writes is the number of mutations a create makes (1 when 0): a recovery plan's stages
	// and network mappings are entities of their own.
	writes int
	// setup makes what the kind's entities refer to.
	setup  func(ctx context.Context, t *testing.T, c *Client)
	create func(ctx context.Context, c *Client) (id string, err error)
	// get returns the entity as the provider sees it.
	get  func(ctx context.Context, c *Client, id string) (any, error)
	list func(ctx context.Context, c *Client) ([]string, error)
	// update sets the entity's description.
	update func(ctx context.Context, c *Client, id, description string) error
	// updated is what get must answer after update.
	updated func(id, description string) any
	remove  func(ctx context.Context, c *Client, id string) error
}

// testPolicy is a protection policy between the fake's two zones, of category DR/gold.
func testPolicy(name string) ProtectionPolicy {
	n, m := int64(4), int64(2)
	return ProtectionPolicy{
		Name:                   name,
		Description:            "gold tier",
		Locations:              []ProtectionLocation{{AvailabilityZoneUUID: "az-local", ClusterUUIDs: []string{"cl-a"}}, {AvailabilityZoneUUID: "az-remote", ClusterUUIDs: []string{"cl-b"}}},
		PrimaryLocationIndexes: []int{0},
		Connectivity: []ProtectionConnectivity{
			{SourceIndex: 0, DestinationIndex: 1, Schedules: []SnapshotSchedule{{RPOSecs: 3600, SnapshotType: SnapshotTypeCrashConsistent, LocalRetention: &RetentionPolicy{NumSnapshots: &n}, RemoteRetention: &RetentionPolicy{NumSnapshots: &m}}}},
			{SourceIndex: 1, DestinationIndex: 0, Schedules: []SnapshotSchedule{{RPOSecs: 3600, SnapshotType: SnapshotTypeCrashConsistent, LocalRetention: &RetentionPolicy{Rollup: &RollupRetention{Multiple: 7, IntervalType: RollupDaily}}, RemoteRetention: &RetentionPolicy{Rollup: &RollupRetention{Multiple: 2, IntervalType: RollupWeekly}}}}},
		},
		CategoryFilter: CategoryFilter{Type: CategoriesMatchAny, KindList: []string{KindVM}, Params: map[string][]string{"DR": {"gold"}}},
	}
}

// testPlan is the recovery plan "plan" from the fake's Local zone to its remote one: a stage of two
// VMs, a stage of the VMs of category DR/gold, and one network mapping.
func testPlan(description string) RecoveryPlan {
	zero, delay := 0, int64(60)
	return RecoveryPlan{
		Name:                 "plan",
		Description:          description,
		PrimaryLocationIndex: &zero,
		AvailabilityZones:    []RecoveryPlanAZ{{AvailabilityZoneUUID: "az-local", ClusterUUIDs: []string{"cl-a"}}, {AvailabilityZoneUUID: "az-remote", ClusterUUIDs: []string{"cl-b"}}},
		Stages: []RecoveryStage{
			{DelaySecs: &delay, Entities: []RecoveryEntity{{VMUUID: "vm-1"}, {VMUUID: "vm-2"}}},
			{Entities: []RecoveryEntity{{Categories: map[string]string{"DR": "gold"}}}},
		},
		NetworkMappings: []NetworkMapping{{PerAZ: []AZNetworkMapping{
			{AvailabilityZoneUUID: "az-local", Recovery: &RecoveryNetwork{Name: "prod", Subnets: []RecoverySubnet{{GatewayIP: "10.0.0.1", PrefixLength: 24}}}, Test: &RecoveryNetwork{Name: "test"}},
			{AvailabilityZoneUUID: "az-remote", Recovery: &RecoveryNetwork{Name: "prod-dr", VPCUUID: "vpc-1"}},
		}}},
	}
}

var v4KindCases = []v4KindCase{
	{
		name: "category values",
		create: func(ctx context.Context, c *Client) (string, error) {
			_, err := c.CreateCategoryValue(ctx, CategoryValue{Key: "Env", Value: "prod", Description: "production"})
			return "Env/prod", err
		},
		get: func(ctx context.Context, c *Client, _ string) (any, error) {
			v, err := c.GetCategoryValue(ctx, "Env", "prod")
			if err != nil {
				return nil, err
			}
			return *v, nil
		},
		list: func(ctx context.Context, c *Client) ([]string, error) {
			vs, err := c.ListCategoryValues(ctx, "Env")
			var out []string
			for _, v := range vs {
				out = append(out, v.Key+"/"+v.Value)
			}
			return out, err
		},
		update: func(ctx context.Context, c *Client, _, description string) error {
			_, err := c.PutCategoryValue(ctx, CategoryValue{Key: "Env", Value: "prod", Description: description})
			return err
		},
		updated: func(_, description string) any {
			return CategoryValue{Key: "Env", Value: "prod", Description: description}
		},
		remove: func(ctx context.Context, c *Client, _ string) error { return c.DeleteCategoryValue(ctx, "Env", "prod") },
	},
	{
		name: "protection policies",
		setup: func(ctx context.Context, t *testing.T, c *Client) {
			if _, err := c.CreateCategoryValue(ctx, CategoryValue{Key: "DR", Value: "gold"}); err != nil {
				t.Fatalf("category DR/gold: %v", err)
			}
		},
		create: func(ctx context.Context, c *Client) (string, error) {
			p, err := c.CreateProtectionPolicy(ctx, testPolicy("gold"))
			if p == nil {
				return "", err
			}
			return p.UUID, err
		},
		get: func(ctx context.Context, c *Client, id string) (any, error) {
			p, err := c.GetProtectionPolicy(ctx, id)
			if err != nil {
				return nil, err
			}
			return *p, nil
		},
		list: func(ctx context.Context, c *Client) ([]string, error) {
			ps, err := c.ListProtectionPolicies(ctx, "name==gold")
			var out []string
			for _, p := range ps {
				out = append(out, p.UUID)
			}
			return out, err
		},
		update: func(ctx context.Context, c *Client, id, description string) error {
			p := testPolicy("gold")
			p.UUID, p.Description = id, description
			_, err := c.UpdateProtectionPolicy(ctx, p)
			return err
		},
		updated: func(id, description string) any {
			p := testPolicy("gold")
			p.UUID, p.Description = id, description
			return p
		},
		remove: func(ctx context.Context, c *Client, id string) error { return c.DeleteProtectionPolicy(ctx, id) },
	},
	{
		name:   "recovery plans",
		writes: 4, // the plan, two stages, a network mapping
		setup: func(ctx context.Context, t *testing.T, c *Client) {
			if _, err := c.CreateCategoryValue(ctx, CategoryValue{Key: "DR", Value: "gold"}); err != nil {
				t.Fatalf("category DR/gold: %v", err)
			}
		},
		create: func(ctx context.Context, c *Client) (string, error) {
			p, err := c.CreateRecoveryPlan(ctx, testPlan("to Paris"))
			if p == nil {
				return "", err
			}
			return p.UUID, err
		},
		get: func(ctx context.Context, c *Client, id string) (any, error) {
			p, err := c.GetRecoveryPlan(ctx, id)
			if err != nil {
				return nil, err
			}
			// The stages' ids are the server's: the comparison is of the rest. A v4 read
			// shows no cut-over mode and no validation, and says so.
			for i := range p.Stages {
				p.Stages[i].UUID = ""
			}
			if !p.CutoverModeUnshown || !p.ValidationUnshown {
				return nil, fmt.Errorf("a plan read over v4 does not mark its cut-over mode and validation as not shown: %+v", p)
			}
			p.CutoverModeUnshown, p.ValidationUnshown = false, false
			return *p, nil
		},
		list: func(ctx context.Context, c *Client) ([]string, error) {
			ps, err := c.ListRecoveryPlans(ctx, "name==plan")
			var out []string
			for _, p := range ps {
				out = append(out, p.UUID)
			}
			return out, err
		},
		update: func(ctx context.Context, c *Client, id, description string) error {
			p := testPlan(description)
			p.UUID = id
			_, err := c.UpdateRecoveryPlan(ctx, p)
			return err
		},
		updated: func(id, description string) any {
			p := testPlan(description)
			p.UUID = id
			return p
		},
		remove: func(ctx context.Context, c *Client, id string) error { return c.DeleteRecoveryPlan(ctx, id) },
	},
}

// runV4KindCases runs every case against a fresh target from newTarget.
func runV4KindCases(t *testing.T, newTarget func(t *testing.T) v4Target) {
	for _, kc := range v4KindCases {
		t.Run(kc.name, func(t *testing.T) {
			ctx := context.Background()
			tg := newTarget(t)
			c := tg.client(APIVersionAuto)
			if kc.setup != nil {
				kc.setup(ctx, t, c)
			}

			// Create: one POST with a request id.
			before, _ := tg.log()
			id, err := kc.create(ctx, c)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			muts, _ := tg.log()
			created := muts[len(before):]
			writes := max(kc.writes, 1)
			reqIDs := map[string]bool{}
			for _, m := range created {
				if m.Method == "POST" && m.RequestID != "" {
					reqIDs[m.RequestID] = true
				}
			}
			if len(created) != writes || len(reqIDs) != writes {
				t.Fatalf("create sent %+v, want %d POSTs, each with its own Ntnx-Request-Id", created, writes)
			}
			got, err := kc.get(ctx, c, id)
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			ids, err := kc.list(ctx, c)
			if err != nil || !slices.Contains(ids, id) {
				t.Fatalf("list = %v, %v; want %s in it", ids, err, id)
			}

			// Update: a PUT with If-Match (the fake refuses a stale one) and a request id.
			if err := kc.update(ctx, c, id, "first"); err != nil {
				t.Fatalf("update: %v", err)
			}
			muts, _ = tg.log()
			if last := muts[len(muts)-1]; last.Method != "PUT" || last.IfMatch == "" || last.RequestID == "" || last.RequestID == created[0].RequestID {
				t.Errorf("update sent %+v, want a PUT with If-Match and its own request id", last)
			}
			after, err := kc.get(ctx, c, id)
			if err != nil {
				t.Fatalf("get after update: %v", err)
			}
			if want := kc.updated(id, "first"); !reflect.DeepEqual(after, want) {
				t.Errorf("after update:\n got %+v\nwant %+v\n(before: %+v)", after, want, got)
			}

			// An update that changes nothing sends nothing.
			n := len(muts)
			if err := kc.update(ctx, c, id, "first"); err != nil {
				t.Fatalf("second update: %v", err)
			}
			if muts, _ = tg.log(); len(muts) != n {
				t.Errorf("an update without change sent %+v", muts[n:])
			}

			// 412: someone changed the entity between the read and the PUT; the client reads it
			// again once and sends again, with the new ETag and a new request id.
			tg.changeNext()
			if err := kc.update(ctx, c, id, "second"); err != nil {
				t.Fatalf("update after a concurrent change: %v", err)
			}
			muts, _ = tg.log()
			if puts := muts[n:]; len(puts) != 2 || puts[0].IfMatch == puts[1].IfMatch || puts[0].RequestID == puts[1].RequestID {
				t.Errorf("PUTs = %+v, want a refused one, then one with the new ETag and a new request id", puts)
			}
			if after, err := kc.get(ctx, c, id); err != nil || !reflect.DeepEqual(after, kc.updated(id, "second")) {
				t.Errorf("after the update that met a 412: %+v, %v", after, err)
			}
			n = len(muts)
			tg.changeNext()
			if err := kc.remove(ctx, c, id); err != nil {
				t.Fatalf("delete after a concurrent change: %v", err)
			}
			muts, _ = tg.log()
			dels := slices.DeleteFunc(slices.Clone(muts[n:]), func(m v4Mutation) bool { return m.Method != "DELETE" })
			if len(dels) != 2 || dels[0].IfMatch == dels[1].IfMatch {
				t.Errorf("deletes = %+v, want a refused one and one with the ETag read again", dels)
			}
			if _, err := kc.get(ctx, c, id); !errors.Is(err, ErrNotFound) {
				t.Errorf("get after delete: %v, want ErrNotFound", err)
			}

			// A create whose answer is lost is sent again with the same request id and acts once.
			_, actedBefore := tg.log()
			before = muts
			tg.dropNext()
			if _, err := kc.create(ctx, c); err != nil {
				t.Fatalf("create with a lost answer: %v", err)
			}
			muts, acted := tg.log()
			posts := muts[len(before):]
			if acted != actedBefore+writes || len(posts) != writes+1 || posts[0].RequestID != posts[1].RequestID {
				t.Errorf("create with a lost answer: acted %d times, sent %+v; want %d, the first POST twice with one request id", acted-actedBefore, posts, writes)
			}
		})
	}
}

func TestV4KindsAgainstTheFake(t *testing.T) {
	runV4KindCases(t, func(t *testing.T) v4Target { return newV4Fake(t) })
}

// TestV4ProtectionPolicyMapsIDs: the state's availability zone uuids and category names are
// the v4 policy's domain manager extIds and category extIds on the wire, and come back as
// they were.
func TestV4ProtectionPolicyMapsIDs(t *testing.T) {
	ctx := context.Background()
	f := newV4Fake(t)
	c := f.client(APIVersionAuto)
	if _, err := c.CreateCategoryValue(ctx, CategoryValue{Key: "DR", Value: "gold"}); err != nil {
		t.Fatal(err)
	}
	want := testPolicy("gold")
	got, err := c.CreateProtectionPolicy(ctx, want)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	f.mu.Lock()
	sdk := f.policies[got.UUID]
	var goldID string
	for id, cat := range f.cats {
		if *cat.Key == "DR" && *cat.Value == "gold" {
			goldID = id
		}
	}
	f.mu.Unlock()
	if !reflect.DeepEqual(sdk.CategoryIds, []string{goldID}) {
		t.Errorf("categoryIds = %v, want [%s] (DR/gold)", sdk.CategoryIds, goldID)
	}
	var dms []string
	for _, l := range sdk.ReplicationLocations {
		dms = append(dms, *l.DomainManagerExtId)
	}
	if !reflect.DeepEqual(dms, []string{"dm-local-0000", "dm-remote-1111"}) {
		t.Errorf("domain managers = %v, want the local one and the registered remote one", dms)
	}
	if len(sdk.ReplicationConfigurations) != 2 {
		t.Errorf("%d replication configurations, want 2", len(sdk.ReplicationConfigurations))
	}
	want.UUID = got.UUID
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("read back:\n got %+v\nwant %+v", *got, want)
	}

	// What v4 cannot say is not sent over v4: under "auto" it goes to v3 (which the fake
	// does not serve).
	before, _ := f.log()
	bad := testPolicy("bad")
	bad.CategoryFilter = CategoryFilter{Type: CategoriesMatchAll, Params: map[string][]string{"DR": {"gold"}, "Env": {"prod"}}}
	_, err = c.CreateProtectionPolicy(ctx, bad)
	f.mu.Lock()
	seen := slices.Clone(f.v3Seen)
	f.mu.Unlock()
	if after, _ := f.log(); err == nil || len(after) != len(before) || !slices.Contains(seen, "POST /api/nutanix/v3/protection_rules") {
		t.Errorf("MATCH_ALL over two values: %v, v3 requests %v; want it created over v3", err, seen)
	}
	bad = testPolicy("bad")
	bad.CategoryFilter.Params = map[string][]string{"DR": {"platinum"}}
	if _, err := c.CreateProtectionPolicy(ctx, bad); err == nil {
		t.Error("a category value that does not exist: no error")
	} else {
		mustContain(t, err.Error(), "DR/platinum", "does not exist")
	}
	bad = testPolicy("bad")
	bad.Locations[1].AvailabilityZoneUUID = "az-unknown"
	if _, err := c.CreateProtectionPolicy(ctx, bad); err == nil {
		t.Error("an unknown availability zone: no error")
	} else {
		mustContain(t, err.Error(), "az-unknown")
	}
}

// TestAutoProbesEachNamespaceOncePerProcess: under "auto" a kind is v4 when the Prism Central
// answers a version of the namespace at least the client's, asked once per namespace and
// Prism Central whatever the number of clients and calls.
func TestAutoProbesEachNamespaceOncePerProcess(t *testing.T) {
	ctx := context.Background()
	f := newV4Fake(t)
	f.served = map[string]string{"prism": "v4.3", "datapolicies": "v4.1"}
	srv := newServer(t, f.ServeHTTP)
	var wg sync.WaitGroup
	for range 3 {
		c, _ := newClient(t, srv, func(cfg *Config) { cfg.APIVersion = APIVersionAuto })
		wg.Add(1)
		go func() {
			defer wg.Done()
			if w := c.wire(ctx, KindCategories); w != WireV4 {
				t.Errorf("categories on a Prism Central serving prism v4.3: %s", w)
			}
			if w := c.wire(ctx, KindProtectionPolicies); w != WireV3 {
				t.Errorf("protection policies on a Prism Central serving datapolicies v4.1 only: %s", w)
			}
			if w := c.wire(ctx, KindRecoveryPlans); w != WireV3 {
				t.Errorf("recovery plans: %s", w)
			}
		}()
	}
	wg.Wait()
	c3, _ := newClient(t, srv, func(cfg *Config) { cfg.APIVersion = APIVersionV3 })
	if w := c3.wire(ctx, KindCategories); w != WireV3 {
		t.Errorf(`categories under "v3": %s`, w)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.probes["prism"] != 1 || f.probes["datapolicies"] != 1 || len(f.probes) != 2 {
		t.Errorf("probes = %v, want one per namespace", f.probes)
	}

	// A Prism Central without the namespace (404) or with an early-access version is v3.
	for _, v := range []string{"v4.3.b1", "4.3", ""} {
		if v4AtLeast(v, "v4.3") {
			t.Errorf("v4AtLeast(%q, v4.3)", v)
		}
	}
	if !v4AtLeast("v4.4", "v4.3") || !v4AtLeast("v5.0", "v4.3") || v4AtLeast("v4.2", "v4.3") {
		t.Error("v4AtLeast orders versions wrongly")
	}
}

// TestV4RequestsPerOperation counts the requests of each operation over v4 (after the probe
// and the zone map, which a run pays once).
func TestV4RequestsPerOperation(t *testing.T) {
	ctx := context.Background()
	f := newV4Fake(t)
	c := f.client(APIVersionAuto)
	count := func(name string, want int, op func() error) {
		t.Helper()
		f.mu.Lock()
		before := 0
		for _, n := range f.requests {
			before += n
		}
		f.mu.Unlock()
		if err := op(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f.mu.Lock()
		after := 0
		for _, n := range f.requests {
			after += n
		}
		f.mu.Unlock()
		t.Logf("%-40s %d requests", name, after-before)
		if after-before != want {
			t.Errorf("%s: %d requests, want %d", name, after-before, want)
		}
	}
	// The first operation of each namespace asks the Prism Central which version it serves;
	// a value of a key not seen yet asks v3 whether the key exists.
	count("category value create (with the probe)", 3, func() error {
		_, err := c.CreateCategoryValue(ctx, CategoryValue{Key: "DR", Value: "gold"})
		return err
	})
	count("category value get", 1, func() error { _, err := c.GetCategoryValue(ctx, "DR", "gold"); return err })
	count("category value put (a change)", 3, func() error {
		_, err := c.PutCategoryValue(ctx, CategoryValue{Key: "DR", Value: "gold", Description: "x"})
		return err
	})
	var id string
	// probe, zones (v3 list, domain managers, registrations), categories of DR, POST, task, GET.
	count("protection policy create (probe, zone map)", 8, func() error {
		p, err := c.CreateProtectionPolicy(ctx, testPolicy("gold"))
		if p != nil {
			id = p.UUID
		}
		return err
	})
	count("protection policy get", 1, func() error { _, err := c.GetProtectionPolicy(ctx, id); return err })
	count("protection policy update", 5, func() error {
		p := testPolicy("gold")
		p.UUID, p.Description = id, "changed"
		_, err := c.UpdateProtectionPolicy(ctx, p)
		return err
	})
	count("protection policy update without change", 2, func() error {
		p := testPolicy("gold")
		p.UUID, p.Description = id, "changed"
		_, err := c.UpdateProtectionPolicy(ctx, p)
		return err
	})
	count("protection policy delete", 3, func() error { return c.DeleteProtectionPolicy(ctx, id) })
	count("category value delete", 3, func() error { return c.DeleteCategoryValue(ctx, "DR", "gold") })
}

// TestV4CreateWhoseTaskFails: a create whose task fails and leaves nothing returns the task's
// error and no entity to track.
func TestV4CreateWhoseTaskFails(t *testing.T) {
	ctx := context.Background()
	f := newV4Fake(t)
	c := f.client(APIVersionAuto)
	if _, err := c.CreateCategoryValue(ctx, CategoryValue{Key: "DR", Value: "gold"}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.failNextCreate = true
	f.mu.Unlock()
	got, err := c.CreateProtectionPolicy(ctx, testPolicy("gold"))
	var te *TaskError
	if !errors.As(err, &te) || got != nil {
		t.Errorf("create = %+v, %v; want no policy and a *TaskError", got, err)
	}
}

// TestV4RecoveryPlanPartsFollowTheUpdate: an update changes a stage that differs (PUT with
// If-Match), deletes one no longer asked and creates a new network mapping, and leaves the
// rest alone; what v4 cannot say is refused before anything is sent.
func TestV4RecoveryPlanPartsFollowTheUpdate(t *testing.T) {
	ctx := context.Background()
	f := newV4Fake(t)
	c := f.client(APIVersionAuto)
	if _, err := c.CreateCategoryValue(ctx, CategoryValue{Key: "DR", Value: "gold"}); err != nil {
		t.Fatal(err)
	}
	p, err := c.CreateRecoveryPlan(ctx, testPlan("x"))
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	sdk := f.plans[p.UUID]
	f.mu.Unlock()
	if *sdk.PrimaryLocation.DomainManagerExtId != "dm-local-0000" || *sdk.RecoveryLocation.DomainManagerExtId != "dm-remote-1111" {
		t.Errorf("locations = %s -> %s, want the local and the remote domain managers", *sdk.PrimaryLocation.DomainManagerExtId, *sdk.RecoveryLocation.DomainManagerExtId)
	}
	before, _ := f.log()
	want := testPlan("x")
	want.UUID = p.UUID
	longer := int64(120)
	want.Stages = want.Stages[:1]
	want.Stages[0].DelaySecs = &longer
	want.NetworkMappings = append(want.NetworkMappings, NetworkMapping{PerAZ: []AZNetworkMapping{
		{AvailabilityZoneUUID: "az-local", Recovery: &RecoveryNetwork{Name: "db"}},
		{AvailabilityZoneUUID: "az-remote", Recovery: &RecoveryNetwork{Name: "db-dr"}},
	}})
	got, err := c.UpdateRecoveryPlan(ctx, want)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	muts, _ := f.log()
	var sent []string
	for _, m := range muts[len(before):] {
		kind := "plan"
		switch {
		case strings.Contains(m.Path, "/stages"):
			kind = "stage"
		case strings.Contains(m.Path, "/network-mappings"):
			kind = "mapping"
		}
		if m.Method != "POST" && m.IfMatch == "" {
			t.Errorf("%s %s without If-Match", m.Method, m.Path)
		}
		sent = append(sent, m.Method+" "+kind)
	}
	if !reflect.DeepEqual(sent, []string{"PUT stage", "DELETE stage", "POST mapping"}) {
		t.Errorf("update sent %v, want the first stage changed, the second deleted, a mapping created", sent)
	}
	for i := range got.Stages {
		got.Stages[i].UUID = ""
	}
	got.CutoverModeUnshown, got.ValidationUnshown = false, false
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("read back:\n got %+v\nwant %+v", *got, want)
	}

	// What v4 cannot say is refused before anything is sent: under "auto" the operation is
	// then done over v3 (the fake records the v3 requests and answers them 404).
	n := len(muts)
	for name, bad := range map[string]func(*RecoveryPlan){
		"a floating IP": func(p *RecoveryPlan) { p.FloatingIPs = []FloatingIPAssignment{{AvailabilityZoneUUID: "az-remote"}} },
		"a stage of VMs and categories": func(p *RecoveryPlan) {
			p.Stages[0].Entities = append(p.Stages[0].Entities, RecoveryEntity{Categories: map[string]string{"DR": "gold"}})
		},
		"two scripts": func(p *RecoveryPlan) {
			p.Stages[0].Entities[0].Scripts = []RecoveryScript{{Enabled: true}, {Enabled: false}}
		},
		"a stretched network": func(p *RecoveryPlan) { p.NetworkMappings[0].Stretched = true },
		"three zones": func(p *RecoveryPlan) {
			p.AvailabilityZones = append(p.AvailabilityZones, RecoveryPlanAZ{AvailabilityZoneUUID: "az-x"})
		},
	} {
		p := testPlan("x")
		p.UUID = got.UUID
		bad(&p)
		f.mu.Lock()
		f.v3Seen = nil
		f.mu.Unlock()
		_, err := c.UpdateRecoveryPlan(ctx, p)
		f.mu.Lock()
		seen := slices.Clone(f.v3Seen)
		f.mu.Unlock()
		if err == nil || errors.Is(err, errNoV4Form) || len(seen) == 0 || !strings.HasPrefix(seen[0], "GET /api/nutanix/v3/recovery_plans/") {
			t.Errorf("%s: %v, v3 requests %v; want the update done over v3", name, err, seen)
		}
	}
	if muts, _ := f.log(); len(muts) != n {
		t.Errorf("updates v4 cannot say sent %+v over v4", muts[n:])
	}

	// A plan with a recovery setting the client cannot place is read over v3.
	f.mu.Lock()
	f.settings[got.UUID], f.v3Seen = 1, nil
	f.mu.Unlock()
	_, err = c.GetRecoveryPlan(ctx, got.UUID)
	f.mu.Lock()
	seen := slices.Clone(f.v3Seen)
	f.mu.Unlock()
	if err == nil || len(seen) != 1 {
		t.Errorf("a plan with recovery settings: %v, v3 requests %v; want a v3 read", err, seen)
	}

	// Under "v4" (not accepted yet by ResolveProtocols, set here by hand) the refusal is the
	// error, naming what v4 cannot say.
	c.protocols = slices.Clone(c.protocols)
	for i := range c.protocols {
		if c.protocols[i].Kind == KindRecoveryPlans {
			c.protocols[i].Wire, c.protocols[i].probe = WireV4, v4Namespace{}
		}
	}
	p2 := testPlan("x")
	p2.UUID = got.UUID
	p2.CutoverMode = "EARLY"
	if _, err := c.UpdateRecoveryPlan(ctx, p2); !errors.Is(err, errNoV4Form) {
		t.Errorf(`under "v4": %v, want the refusal`, err)
	} else {
		mustContain(t, err.Error(), "cut-over mode EARLY")
	}
}
