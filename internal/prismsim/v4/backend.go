package v4

import (
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
)

// Backend is what the v4 wire needs of a PC of the model.
type Backend interface {
	// URL is the PC's base URL, for links.
	URL() string
	// RecoveryPointStores returns the PC's deployed MST stores.
	RecoveryPointStores() []model.RecoveryPointStore
	// RequestLog remembers the answers of mutations by Ntnx-Request-Id.
	RequestLog() *model.RequestLog

	// Tasks returns the PC's tasks, oldest first.
	Tasks() []Task

	// Categories returns every category value of the PC, in creation order.
	Categories() []Category
	// CreateCategory creates the value c.Value of the key c.Key (the key too if it has no
	// value yet).
	CreateCategory(c Category) (Category, error)
	// UpdateCategory changes the description of the value key:value.
	UpdateCategory(key, value, description string) (Category, error)
	// DeleteCategory removes the value key:value.
	DeleteCategory(key, value string) error
}

// Task is a task of the model as the v4 wire shows it.
type Task struct {
	ExtID       string
	Operation   string
	Status      string // QUEUED, RUNNING, SUCCEEDED, FAILED
	Percent     int
	Progress    string
	Created     time.Time
	Started     time.Time // zero while queued
	Completed   time.Time // zero until done
	Updated     time.Time
	Entities    []EntityRef
	ErrorCode   string
	ErrorDetail string
	ClusterID   string // the PC's own cluster
}

// EntityRef names an entity a task affects: Kind is the model's kind name (v3's).
type EntityRef struct {
	Kind  string
	ExtID string
	Name  string
}

// Category is one key:value pair of the model; ExtID is derived from the PC and the names.
type Category struct {
	ExtID       string
	Key         string
	Value       string
	Description string
	System      bool
	// Usage counts the entities that have the value assigned, by v3 kind.
	Usage map[string]int
}
