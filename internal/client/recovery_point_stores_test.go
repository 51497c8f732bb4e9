package client

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// storeDoc renders a store as the v4 API does.
func storeDoc(i int, bucket string) map[string]any {
	return map[string]any{
		"$objectType": "dataprotection.v4.config.RecoveryPointStore",
		"extId":       fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		"name":        bucket,
		"bucket":      bucket,
		"bucketType":  "aws",
		"region":      "ap-northeast-1",
		"status":      "AVAILABLE",
		"objectStore": map[string]any{"bucketName": bucket, "bucketType": "AWS_S3", "region": "ap-northeast-1"},
		"network":     map[string]any{"name": "PC-Net", "extId": "11111111-1111-4111-8111-111111111111"},
		"ipAddresses": []map[string]any{
			{"ipv4": map[string]any{"value": "10.110.33.201"}},
			{"ipv4": map[string]any{"value": "10.110.33.202"}},
			{"ipv4": map[string]any{"value": "10.110.33.203"}},
		},
		"stats":      map[string]any{"recoveryPointCount": i},
		"createTime": "2025-01-02T03:04:05Z",
	}
}

func v4ErrorBody(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"data": map[string]any{"error": []map[string]any{{"code": code, "message": msg, "severity": "ERROR"}}}})
}

func TestListRecoveryPointStoresPagesAndFilters(t *testing.T) {
	const total = 230
	var filters []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != V4DataProtectionPath+"/config/recovery-point-stores" {
			v4ErrorBody(w, http.StatusNotFound, "DTP-40400", "no route")
			return
		}
		q := r.URL.Query()
		filters = append(filters, q.Get("$filter"))
		page, _ := strconv.Atoi(q.Get("$page"))
		limit, _ := strconv.Atoi(q.Get("$limit"))
		if limit < 1 || limit > 100 {
			v4ErrorBody(w, http.StatusBadRequest, "DTP-40003", "bad $limit")
			return
		}
		data := []map[string]any{}
		for i := page * limit; i < total && i < (page+1)*limit; i++ {
			data = append(data, storeDoc(i, fmt.Sprintf("nutanix-clusters-%03d", i)))
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data, "metadata": map[string]any{"totalAvailableResults": total}})
	})
	c, _ := newClient(t, srv)
	stores, err := c.ListRecoveryPointStores(t.Context(), StoreFilterBucket("it's"))
	if err != nil {
		t.Fatalf("ListRecoveryPointStores: %v", err)
	}
	if len(stores) != total {
		t.Fatalf("got %d stores, want %d", len(stores), total)
	}
	if len(filters) != 3 || filters[0] != "bucket eq 'it''s'" {
		t.Errorf("requests with $filter %q", filters)
	}
	s := stores[7]
	if s.ExtID != "00000000-0000-4000-8000-000000000007" || s.Bucket != "nutanix-clusters-007" || s.BucketType != BucketTypeAWS ||
		s.Region != "ap-northeast-1" || s.Status != StoreStatusAvailable || s.NetworkName != "PC-Net" ||
		strings.Join(s.IPAddresses, ",") != "10.110.33.201,10.110.33.202,10.110.33.203" || s.RecoveryPointCount != 7 ||
		s.CreateTime.Year() != 2025 {
		t.Errorf("decoded %+v", s)
	}
}

func TestGetRecoveryPointStoreErrors(t *testing.T) {
	var unavailable atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, V4DataProtectionPath+"/config/recovery-point-stores/")
		switch id {
		case "00000000-0000-4000-8000-000000000001":
			if unavailable.Add(1) == 1 {
				v4ErrorBody(w, http.StatusServiceUnavailable, "DTP-50300", "busy")
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"data": storeDoc(1, "nutanix-clusters-a")})
		case "00000000-0000-4000-8000-000000000002":
			v4ErrorBody(w, http.StatusNotFound, "DTP-40400", "recovery point store not found")
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	c, _ := newClient(t, srv)
	s, err := c.GetRecoveryPointStore(t.Context(), "00000000-0000-4000-8000-000000000001")
	if err != nil || s.Bucket != "nutanix-clusters-a" || unavailable.Load() != 2 {
		t.Fatalf("Get after a 503: %+v, %v (attempts %d)", s, err, unavailable.Load())
	}
	_, err = c.GetRecoveryPointStore(t.Context(), "00000000-0000-4000-8000-000000000002")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing store: %v, want ErrNotFound", err)
	}
	mustContain(t, err.Error(), "reading recovery point store 00000000-0000-4000-8000-000000000002", "DTP-40400", "not found")
	_, err = c.GetRecoveryPointStore(t.Context(), "00000000-0000-4000-8000-000000000003")
	if err == nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("no v4 API: %v, want an error that is not ErrNotFound", err)
	}
	mustContain(t, err.Error(), "does not serve the v4 data protection API")

	bad, _ := newClient(t, srv, func(cfg *Config) { cfg.Password = "wrong" })
	if _, err := bad.ListRecoveryPointStores(t.Context(), ""); !errors.Is(err, ErrAuthentication) {
		t.Errorf("wrong password: %v, want ErrAuthentication", err)
	}
}
