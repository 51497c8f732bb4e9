package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// MST (Multicloud Snapshot Technology) recovery point stores, read through the v4 data
// protection API. No API call creates or removes them: clustermgmt-cli on the Prism Central VM
// does (see package sshcli).

// V4DataProtectionPath is the base path of the v4 data protection API.
const V4DataProtectionPath = "/api/dataprotection/v4.4"

// recoveryPointStoresPath is below V4DataProtectionPath.
const recoveryPointStoresPath = "/config/recovery-point-stores"

// Bucket types of an MST store, as clustermgmt-cli mst deploy -t takes them.
const (
	BucketTypeAWS    = "aws"
	BucketTypeNtxOSS = "ntx_oss"
)

// BucketTypes lists the bucket types, for validators.
var BucketTypes = []string{BucketTypeAWS, BucketTypeNtxOSS}

// Statuses of a store.
const (
	StoreStatusAvailable = "AVAILABLE"
	StoreStatusRemoving  = "REMOVING"
)

// v4PageLimit is the page size of v4 lists (the API's maximum).
const v4PageLimit = 100

// RecoveryPointStore is an MST store.
type RecoveryPointStore struct {
	ExtID      string
	Name       string
	Bucket     string
	BucketType string // BucketTypeAWS or BucketTypeNtxOSS
	Region     string
	Status     string
	// NetworkName and NetworkUUID are the subnet of the MST service VMs.
	NetworkName string
	NetworkUUID string
	IPAddresses []string
	// RecoveryPointCount is how many recovery points the store holds.
	RecoveryPointCount int
	CreateTime         time.Time
}

type storeJSON struct {
	ExtID       string `json:"extId"`
	Name        string `json:"name"`
	Bucket      string `json:"bucket"`
	BucketType  string `json:"bucketType"`
	Region      string `json:"region"`
	Status      string `json:"status"`
	ObjectStore *struct {
		BucketName string `json:"bucketName"`
		BucketType string `json:"bucketType"`
		Region     string `json:"region"`
	} `json:"objectStore"`
	Network *struct {
		Name  string `json:"name"`
		ExtID string `json:"extId"`
	} `json:"network"`
	IPAddresses []struct {
		IPv4 *struct {
			Value string `json:"value"`
		} `json:"ipv4"`
	} `json:"ipAddresses"`
	Stats *struct {
		RecoveryPointCount int `json:"recoveryPointCount"`
	} `json:"stats"`
	CreateTime string `json:"createTime"`
}

func (s *storeJSON) toStore() RecoveryPointStore {
	out := RecoveryPointStore{ExtID: s.ExtID, Name: s.Name, Bucket: s.Bucket, BucketType: s.BucketType, Region: s.Region, Status: s.Status}
	if o := s.ObjectStore; o != nil {
		if out.Bucket == "" {
			out.Bucket = o.BucketName
		}
		if out.Region == "" {
			out.Region = o.Region
		}
		if out.BucketType == "" {
			switch o.BucketType {
			case "AWS_S3":
				out.BucketType = BucketTypeAWS
			case "NUTANIX_OBJECTS":
				out.BucketType = BucketTypeNtxOSS
			}
		}
	}
	if n := s.Network; n != nil {
		out.NetworkName, out.NetworkUUID = n.Name, n.ExtID
	}
	for _, ip := range s.IPAddresses {
		if ip.IPv4 != nil && ip.IPv4.Value != "" {
			out.IPAddresses = append(out.IPAddresses, ip.IPv4.Value)
		}
	}
	if s.Stats != nil {
		out.RecoveryPointCount = s.Stats.RecoveryPointCount
	}
	if t, err := time.Parse(time.RFC3339, s.CreateTime); err == nil {
		out.CreateTime = t
	}
	return out
}

// GetRecoveryPointStore reads a store by its extId. A store that does not exist is an
// *APIError matching ErrNotFound.
func (c *Client) GetRecoveryPointStore(ctx context.Context, extID string) (*RecoveryPointStore, error) {
	var out struct {
		Data *storeJSON `json:"data"`
	}
	op := "reading recovery point store " + extID
	if err := c.getV4(ctx, op, recoveryPointStoresPath+"/"+escape(extID), nil, &out); err != nil {
		return nil, err
	}
	if out.Data == nil || out.Data.ExtID == "" {
		return nil, fmt.Errorf("%s: the answer has no data", op)
	}
	s := out.Data.toStore()
	return &s, nil
}

// ListRecoveryPointStores lists the stores, all pages. filter is a v4 $filter such as
// "bucket eq 'nutanix-clusters-x'" ("" = all); see StoreFilterBucket.
func (c *Client) ListRecoveryPointStores(ctx context.Context, filter string) ([]RecoveryPointStore, error) {
	var all []RecoveryPointStore
	for page := 0; ; page++ {
		q := url.Values{}
		q.Set("$page", fmt.Sprint(page))
		q.Set("$limit", fmt.Sprint(v4PageLimit))
		if filter != "" {
			q.Set("$filter", filter)
		}
		var out struct {
			Data     []storeJSON `json:"data"`
			Metadata *struct {
				TotalAvailableResults *int `json:"totalAvailableResults"`
			} `json:"metadata"`
		}
		if err := c.getV4(ctx, "listing recovery point stores", recoveryPointStoresPath, q, &out); err != nil {
			return nil, err
		}
		for i := range out.Data {
			all = append(all, out.Data[i].toStore())
		}
		total := -1
		if out.Metadata != nil && out.Metadata.TotalAvailableResults != nil {
			total = *out.Metadata.TotalAvailableResults
		}
		if len(out.Data) < v4PageLimit || (total >= 0 && len(all) >= total) {
			return all, nil
		}
	}
}

// StoreFilterBucket returns the v4 $filter that selects the store of a bucket.
func StoreFilterBucket(bucket string) string {
	return "bucket eq '" + strings.ReplaceAll(bucket, "'", "''") + "'"
}

// v4ErrorDoc is the error body of the v4 APIs.
type v4ErrorDoc struct {
	Data *struct {
		Error []struct {
			Message  string `json:"message"`
			Code     string `json:"code"`
			Severity string `json:"severity"`
		} `json:"error"`
	} `json:"data"`
}

// getV4 sends a GET below V4DataProtectionPath with the client's retry policy and decodes
// the answer into out.
func (c *Client) getV4(ctx context.Context, op, path string, query url.Values, out any) error {
	full := V4DataProtectionPath + path
	st := &attemptState{op: op, method: http.MethodGet, path: full, idempotent: true, maxAttempts: c.maxRetries + 1}
	ctx = context.WithValue(ctx, attemptKey{}, st)
	u := c.endpoint + full
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("%s: building the request: %w", op, err)
	}
	req.SetBasicAuth(c.username, c.password)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		return c.transportError(ctx, st, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		if ctx.Err() != nil {
			return c.transportError(ctx, st, err)
		}
		return fmt.Errorf("%s: reading the answer to GET %s from %s: %w", op, full, c.endpoint, err)
	}
	c.log.Debug(ctx, "Prism Central request", map[string]any{
		"operation": op, "method": http.MethodGet, "path": full, "status": resp.StatusCode,
		"attempts": st.attempts, "duration_ms": time.Since(start).Milliseconds(),
	})
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.v4ResponseError(st, resp, data)
	}
	if !isJSONObject(data) {
		return c.notPrismError(st, resp, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &DecodeError{Operation: op, What: "the answer to GET " + full, Err: err}
	}
	return nil
}

// v4ResponseError builds the APIError of a v4 error answer. A 404 with a v4 error document
// matches ErrNotFound; a 404 without one means the Prism Central does not serve the API.
func (c *Client) v4ResponseError(st *attemptState, resp *http.Response, data []byte) error {
	var doc v4ErrorDoc
	if json.Unmarshal(data, &doc) != nil || doc.Data == nil || len(doc.Data.Error) == 0 ||
		resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		err := c.responseError(st, resp, data)
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("%w (this Prism Central does not serve the v4 data protection API %s: MST needs a "+
				"Prism Central version that has it)", err, V4DataProtectionPath)
		}
		return err
	}
	e := c.apiError(st, resp, classAPI)
	for _, m := range doc.Data.Error {
		msg := m.Message
		if m.Code != "" {
			msg = m.Code + ": " + msg
		}
		e.Messages = append(e.Messages, msg)
	}
	return e
}
