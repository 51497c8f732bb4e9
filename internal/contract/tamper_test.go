package contract

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// TestChecksDetectTampering proves the checks bite on real traffic: exchanges the emulator
// produced pass, and the same exchanges with one field broken are reported at that field.
func TestChecksDetectTampering(t *testing.T) {
	t.Parallel()
	spec := SpecOrSkip(t)
	e := newEnv(t)
	listAndGetSubnets(t.Context(), t, e)
	listAndGetVMs(t.Context(), t, e)
	putCategoryKey(t.Context(), t, e)
	putCategoryValues(t.Context(), t, e)
	updateVMCategories(t.Context(), t, e)
	if err := e.close(); err != nil {
		t.Fatal(err)
	}
	find := func(method, prefix string, status int) prismsim.Exchange {
		t.Helper()
		ex := e.rec.Exchanges()
		i := slices.IndexFunc(ex, func(x prismsim.Exchange) bool {
			return x.Method == method && strings.HasPrefix(x.Path, apiBase+prefix) && x.Status == status
		})
		if i < 0 {
			t.Fatalf("no %s %s... %d exchange recorded", method, prefix, status)
		}
		return ex[i]
	}
	subnet := find(http.MethodGet, "/subnets/", http.StatusOK)
	vmList := find(http.MethodPost, "/vms/list", http.StatusOK)
	vmPut := find(http.MethodPut, "/vms/", http.StatusAccepted)

	var clean Recorder
	for _, x := range []prismsim.Exchange{subnet, vmList, vmPut} {
		clean.Record(x)
	}
	if vs := clean.Violations(spec); len(vs) != 0 {
		t.Fatalf("untouched exchanges should conform, got %v", vs)
	}

	set := func(body []byte, value any, path ...string) []byte {
		t.Helper()
		root := object(t, body)
		var cur any = root
		for i, k := range path {
			last := i == len(path)-1
			switch c := cur.(type) {
			case map[string]any:
				if last {
					c[k] = value
				} else {
					cur = c[k]
				}
			case []any:
				idx := int(k[0] - '0')
				if last {
					c[idx] = value
				} else {
					cur = c[idx]
				}
			default:
				t.Fatalf("cannot follow %v in %s", path, truncate(body))
			}
		}
		return mustJSON(t, root)
	}
	subnet.ResponseBody = set(subnet.ResponseBody, "50", "spec", "resources", "vlan_id")
	vmList.ResponseBody = set(vmList.ResponseBody, nil, "entities", "0", "metadata", "kind")
	vmPut.RequestBody = set(vmPut.RequestBody, 1.5, "metadata", "spec_version")
	vmPut.ResponseBody = set(vmPut.ResponseBody, "SHUTDOWN", "spec", "resources", "power_state")

	var broken Recorder
	for _, x := range []prismsim.Exchange{subnet, vmList, vmPut} {
		broken.Record(x)
	}
	var got []string
	for _, v := range broken.Violations(spec) {
		got = append(got, v.Side+" "+v.Pointer+": "+v.Message)
	}
	want := []string{
		`response /spec/resources/vlan_id: expected integer, got string`,
		`response /entities/0/metadata/kind: expected string, got null`,
		`request /metadata/spec_version: expected integer, got number`,
		`response /spec/resources/power_state: "SHUTDOWN" is not one of ["ON", "OFF"]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations of tampered exchanges:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
