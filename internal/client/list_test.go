package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// pagedSubnets serves POST /subnets/list over n subnets, honoring length
// and offset; withTotal controls whether total_matches is sent.
func pagedSubnets(t *testing.T, n int, withTotal bool) (http.HandlerFunc, *[]listRequest) {
	var mu sync.Mutex
	var seen []listRequest
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/nutanix/v3/subnets/list" {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			return
		}
		var req listRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			v3Error(w, 400, "INVALID_ARGUMENT", err.Error())
			return
		}
		mu.Lock()
		seen = append(seen, req)
		mu.Unlock()
		var entities []any
		for i := req.Offset; i < n && i < req.Offset+req.Length; i++ {
			entities = append(entities, map[string]any{
				"metadata": map[string]any{"kind": "subnet", "uuid": fmt.Sprintf("00000000-0000-4000-8000-%012d", i)},
				"spec":     map[string]any{"name": fmt.Sprintf("subnet-%03d", i), "resources": map[string]any{"subnet_type": "VLAN", "vlan_id": i}},
			})
		}
		meta := map[string]any{"kind": "subnet", "length": len(entities), "offset": req.Offset}
		if withTotal {
			meta["total_matches"] = n
		}
		writeJSON(w, 200, map[string]any{"api_version": "3.1", "metadata": meta, "entities": entities})
	}, &seen
}

func TestListAllPaginates(t *testing.T) {
	for _, withTotal := range []bool{true, false} {
		t.Run(fmt.Sprintf("total_matches=%t", withTotal), func(t *testing.T) {
			h, seen := pagedSubnets(t, 25, withTotal)
			srv := newServer(t, h)
			c, _ := newClient(t, srv)
			c.pageSize = 10
			subnets, err := c.ListSubnets(context.Background(), "name==subnet*")
			if err != nil {
				t.Fatal(err)
			}
			if len(subnets) != 25 {
				t.Fatalf("got %d subnets, want 25", len(subnets))
			}
			for i, s := range subnets {
				if s.Name != fmt.Sprintf("subnet-%03d", i) || s.VLANID == nil || *s.VLANID != int64(i) {
					t.Errorf("subnet %d = %+v", i, s)
				}
			}
			if len(*seen) != 3 {
				t.Errorf("requests = %d, want 3", len(*seen))
			}
			for i, req := range *seen {
				if req.Offset != i*10 || req.Length != 10 || req.Kind != "subnet" || req.Filter != "name==subnet*" {
					t.Errorf("request %d = %+v", i, req)
				}
			}
		})
	}
}

func TestListAllEmptyAndExactPages(t *testing.T) {
	for _, n := range []int{0, 10, 20} {
		h, seen := pagedSubnets(t, n, true)
		srv := newServer(t, h)
		c, _ := newClient(t, srv)
		c.pageSize = 10
		subnets, err := c.ListSubnets(context.Background(), "")
		if err != nil || len(subnets) != n {
			t.Fatalf("n=%d: %d subnets, %v", n, len(subnets), err)
		}
		want := max(1, n/10)
		if len(*seen) != want {
			t.Errorf("n=%d: %d requests, want %d", n, len(*seen), want)
		}
		if n == 0 && (*seen)[0].Filter != "" {
			t.Errorf("empty filter sent as %q", (*seen)[0].Filter)
		}
	}
}
