package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	cmcfg "github.com/nutanix/ntnx-api-golang-clients/clustermgmt-go-client/v4/models/clustermgmt/v4/config"
	cmresp "github.com/nutanix/ntnx-api-golang-clients/clustermgmt-go-client/v4/models/common/v1/response"
	dtcfg "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/dataprotection/v4/config"
	dtops "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/dataprotection/v4/operations"
	dtprism "github.com/nutanix/ntnx-api-golang-clients/dataprotection-go-client/v4/models/prism/v4/config"
	netresp "github.com/nutanix/ntnx-api-golang-clients/networking-go-client/v4/models/common/v1/response"
	netcfg "github.com/nutanix/ntnx-api-golang-clients/networking-go-client/v4/models/networking/v4/config"
)

// pagedQuery reads and checks the OData query of a list request.
func pagedQuery(t *testing.T, r *http.Request) (page, limit int, filter string) {
	t.Helper()
	q := r.URL.Query()
	page, err := strconv.Atoi(q.Get("$page"))
	if err != nil || page < 0 {
		t.Errorf("$page = %q", q.Get("$page"))
	}
	limit, err = strconv.Atoi(q.Get("$limit"))
	if err != nil || limit < 1 || limit > 100 {
		t.Errorf("$limit = %q, want 1..100", q.Get("$limit"))
	}
	return page, limit, q.Get("$filter")
}

func TestListV4WalksEveryPageOfSubnets(t *testing.T) {
	const total = 230
	var pages []int
	var filters []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/networking/v4.3/config/subnets" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		page, limit, filter := pagedQuery(t, r)
		pages = append(pages, page)
		filters = append(filters, filter)
		var data []netcfg.Subnet
		for i := page * limit; i < total && i < (page+1)*limit; i++ {
			s := netcfg.NewSubnet()
			id, name := fmt.Sprintf("subnet-%03d", i), fmt.Sprintf("vlan%d", i)
			s.ExtId, s.Name = &id, &name
			s.SubnetType = netcfg.SUBNETTYPE_VLAN.Ref()
			data = append(data, *s)
		}
		resp := netcfg.NewListSubnetsApiResponse()
		if err := resp.SetData(data); err != nil {
			t.Fatalf("SetData: %v", err)
		}
		md := netresp.NewApiResponseMetadata()
		n := total
		md.TotalAvailableResults = &n
		resp.Metadata = md
		writeSDK(t, w, http.StatusOK, resp)
	})
	c, _ := newClient(t, srv)
	type subnet struct {
		ExtID      string `json:"extId"`
		Name       string `json:"name"`
		SubnetType string `json:"subnetType"`
	}
	got, err := listV4[subnet](context.Background(), c, v4List{op: "listing subnets", path: v4Networking.Path("/config/subnets"), filter: "subnetType eq Networking.Config.SubnetType'VLAN'"})
	if err != nil {
		t.Fatalf("listV4: %v", err)
	}
	if len(got) != total || got[0].ExtID != "subnet-000" || got[total-1].Name != "vlan229" || got[5].SubnetType != "VLAN" {
		t.Errorf("got %d subnets, first %+v, last %+v", len(got), got[0], got[len(got)-1])
	}
	if fmt.Sprint(pages) != "[0 1 2]" {
		t.Errorf("pages read = %v, want [0 1 2]", pages)
	}
	for _, f := range filters {
		if f != "subnetType eq Networking.Config.SubnetType'VLAN'" {
			t.Errorf("$filter = %q", f)
		}
	}
}

func TestListV4StopsAtTheTotalAndOnAShortPage(t *testing.T) {
	for name, tt := range map[string]struct {
		total     int // -1: no totalAvailableResults
		available int
		wantPages int
	}{
		"exact pages with a total":         {total: 200, available: 200, wantPages: 2},
		"exact pages without a total":      {total: -1, available: 200, wantPages: 3},
		"a short page ends the walk":       {total: -1, available: 150, wantPages: 2},
		"an empty collection":              {total: 0, available: 0, wantPages: 1},
		"a server that ignores $page ends": {total: 120, available: -1, wantPages: 2},
	} {
		t.Run(name, func(t *testing.T) {
			reads := 0
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				reads++
				page, limit, _ := pagedQuery(t, r)
				var data []cmcfg.Cluster
				first, last := page*limit, min((page+1)*limit, tt.available)
				if tt.available < 0 { // always the first page
					first, last = 0, limit
				}
				for i := first; i < last; i++ {
					cl := cmcfg.NewCluster()
					id := fmt.Sprintf("cluster-%d", i)
					cl.ExtId = &id
					data = append(data, *cl)
				}
				resp := cmcfg.NewListClustersApiResponse()
				if len(data) > 0 {
					if err := resp.SetData(data); err != nil {
						t.Fatalf("SetData: %v", err)
					}
				}
				if tt.total >= 0 {
					md := cmresp.NewApiResponseMetadata()
					n := tt.total
					md.TotalAvailableResults = &n
					resp.Metadata = md
				}
				writeSDK(t, w, http.StatusOK, resp)
			})
			c, _ := newClient(t, srv)
			got, err := listV4[struct {
				ExtID string `json:"extId"`
			}](context.Background(), c, v4List{op: "listing clusters", path: v4ClusterMgmt.Path("/config/clusters")})
			if err != nil {
				t.Fatalf("listV4: %v", err)
			}
			if reads != tt.wantPages {
				t.Errorf("%d pages read, want %d", reads, tt.wantPages)
			}
			if want := max(tt.available, 0); tt.available >= 0 && len(got) != want {
				t.Errorf("%d clusters, want %d", len(got), want)
			}
		})
	}
}

func TestListV4OfRecoveryPlanJobsAndAFailoverAction(t *testing.T) {
	const plan = "rp-1"
	var action struct {
		rid  string
		spec map[string]any
	}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/dataprotection/v4.3/operations/recovery-plans/"+plan+"/$actions/planned-failover":
			action.rid = r.Header.Get(headerRequestID)
			_ = json.NewDecoder(r.Body).Decode(&action.spec)
			ref := dtprism.NewTaskReference()
			id := "ZXJnb24=:task-failover"
			ref.ExtId = &id
			resp := dtops.NewPlannedFailoverRecoveryPlanApiResponse()
			if err := resp.SetData(*ref); err != nil {
				t.Fatalf("SetData: %v", err)
			}
			writeSDK(t, w, http.StatusAccepted, resp)
		case r.Method == http.MethodGet && r.URL.Path == "/api/dataprotection/v4.3/config/recovery-plan-jobs":
			_, _, filter := pagedQuery(t, r)
			if filter != V4FilterEq("recoveryPlanExtId", plan) {
				t.Errorf("$filter = %q", filter)
			}
			job := dtcfg.NewRecoveryPlanJob()
			id, rp := "job-1", plan
			job.ExtId, job.RecoveryPlanExtId = &id, &rp
			job.ActionType = dtcfg.RECOVERYPLANACTIONTYPE_PLANNED_FAILOVER.Ref()
			job.Status = dtcfg.RECOVERYPLANJOBEXECUTIONSTATUS_SUCCEEDED_WITH_VALIDATION_WARNING.Ref()
			resp := dtcfg.NewListRecoveryPlanJobsApiResponse()
			if err := resp.SetData([]dtcfg.RecoveryPlanJob{*job}); err != nil {
				t.Fatalf("SetData: %v", err)
			}
			writeSDK(t, w, http.StatusOK, resp)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	c, _ := newClient(t, srv)
	ctx := context.Background()

	spec := dtops.NewPlannedFailoverSpec()
	name := "failover-to-france"
	spec.Name = &name
	dir := dtcfg.NewFailoverDirection()
	src, dst := "dm-canada", "dm-france"
	dir.SourceDomainManagerExtId, dir.TargetDomainManagerExtId = &src, &dst
	spec.FailoverDirections = []dtcfg.FailoverDirection{*dir}
	rid := NewRequestID()
	task, err := c.mutateV4(ctx, v4Call{op: "running a planned failover of recovery plan " + plan, method: http.MethodPost,
		path: v4DataProtection.Path("/operations/recovery-plans/" + escape(plan) + "/$actions/planned-failover"), in: spec, requestID: rid})
	if err != nil || task != "ZXJnb24=:task-failover" {
		t.Fatalf("planned failover: task %q, err %v", task, err)
	}
	if action.rid != string(rid) || action.spec["$objectType"] != "dataprotection.v4.operations.PlannedFailoverSpec" || action.spec["name"] != name {
		t.Errorf("action request: id %q, body %v", action.rid, action.spec)
	}

	type jobJSON struct {
		ExtID      string `json:"extId"`
		ActionType string `json:"actionType"`
		Status     string `json:"status"`
	}
	jobs, err := listV4[jobJSON](ctx, c, v4List{op: "listing jobs of recovery plan " + plan,
		path: v4DataProtection.Path("/config/recovery-plan-jobs"), filter: V4FilterEq("recoveryPlanExtId", plan)})
	if err != nil {
		t.Fatalf("listV4: %v", err)
	}
	if len(jobs) != 1 || jobs[0] != (jobJSON{ExtID: "job-1", ActionType: "PLANNED_FAILOVER", Status: "SUCCEEDED_WITH_VALIDATION_WARNING"}) {
		t.Errorf("jobs = %+v", jobs)
	}
	if !strings.Contains(v4DataProtection.String(), "v4.3") {
		t.Errorf("namespace = %s", v4DataProtection)
	}
}
