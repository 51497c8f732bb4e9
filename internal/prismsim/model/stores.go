package model

import "time"

// Bucket types of clustermgmt-cli mst deploy -t.
const (
	BucketTypeAWS    = "aws"
	BucketTypeNtxOSS = "ntx_oss"
)

// RecoveryPointStore is a deployed MST store as the emulator shows it (admin state, Go
// API). It never holds the secret key; the access key is masked.
type RecoveryPointStore struct {
	ExtID       string                  `json:"ext_id"`
	Name        string                  `json:"name"`
	Bucket      string                  `json:"bucket"`
	BucketType  string                  `json:"bucket_type"`
	Region      string                  `json:"region"`
	Network     string                  `json:"network"`
	NetworkUUID string                  `json:"network_uuid"`
	IPAddresses []string                `json:"ip_addresses"`
	Status      string                  `json:"status"`
	AccessKeyID string                  `json:"access_key_id"`
	CreateTime  time.Time               `json:"create_time"`
	UpdateTime  time.Time               `json:"update_time"`
	Stats       RecoveryPointStoreStats `json:"stats"`
}

// RecoveryPointStoreStats counts the recovery points kept in a store.
type RecoveryPointStoreStats struct {
	RecoveryPoints   int            `json:"recovery_points"`
	ByVM             map[string]int `json:"by_vm"`
	ByProtectionRule map[string]int `json:"by_protection_rule"`
	Oldest           *time.Time     `json:"oldest,omitempty"`
	Latest           *time.Time     `json:"latest,omitempty"`
}
