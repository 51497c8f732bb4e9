package scenario

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

// api talks to the world's PCs over HTTPS, as any user of prismsim would: the v3 API to look at
// the result of a step, the admin API to drive the world. It verifies each PC's certificate
// against the PEM the world generated.
type api struct {
	world   *prismsim.World
	clients map[string]*http.Client
}

func newAPI(w *prismsim.World) *api {
	return &api{world: w, clients: map[string]*http.Client{}}
}

// ErrStatus is returned (wrapped) when a PC answers with an unexpected HTTP status.
var ErrStatus = errors.New("unexpected HTTP status")

// StatusError carries a PC's answer to a failed call.
type StatusError struct {
	PC, Method, Path string
	StatusCode       int
	Body             string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s on %s: HTTP %d: %s", e.Method, e.Path, e.PC, e.StatusCode, e.Body)
}

// Is makes errors.Is(err, ErrStatus) true.
func (e *StatusError) Is(target error) bool { return target == ErrStatus }

func (a *api) client(pc *prismsim.PC) (*http.Client, error) {
	if c, ok := a.clients[pc.Name()]; ok {
		return c, nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pc.CACertPEM()) {
		return nil, fmt.Errorf("PC %s: its certificate PEM holds no certificate", pc.Name())
	}
	c := &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		},
	}
	a.clients[pc.Name()] = c
	return c, nil
}

// Call sends one JSON request to a PC of the world and decodes the JSON answer into out (when
// out is not nil). Statuses from 300 up are returned as *StatusError.
func (r *Run) Call(ctx context.Context, pcName, method, path string, in, out any) error {
	if r.World == nil {
		return errors.New("the world is not running")
	}
	pc := r.World.PC(pcName)
	if pc == nil {
		return fmt.Errorf("no PC %q in the world (PCs: %s)", pcName, strings.Join(r.World.PCNames(), ", "))
	}
	c, err := r.api.client(pc)
	if err != nil {
		return err
	}
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, pc.URL()+path, body)
	if err != nil {
		return fmt.Errorf("%s %s on %s: %w", method, path, pcName, err)
	}
	req.SetBasicAuth(pc.Username(), pc.Password())
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s on %s: %w", method, path, pcName, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s on %s: reading the answer: %w", method, path, pcName, err)
	}
	if resp.StatusCode >= 300 {
		text := strings.TrimSpace(string(data))
		if len(text) > 2000 {
			text = text[:2000] + "..."
		}
		return &StatusError{PC: pcName, Method: method, Path: path, StatusCode: resp.StatusCode, Body: text}
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s on %s: decoding the answer: %w", method, path, pcName, err)
	}
	return nil
}

// VM is what the scenarios look at of a VM.
type VM struct {
	UUID        string
	Name        string
	PowerState  string
	IPAddresses []string
	Categories  map[string]string
}

// vmEntity is the part of a v3 vm_intent_resource the scenarios read.
type vmEntity struct {
	Metadata struct {
		UUID       string            `json:"uuid"`
		Categories map[string]string `json:"categories"`
	} `json:"metadata"`
	Spec struct {
		Name string `json:"name"`
	} `json:"spec"`
	Status struct {
		Name      string `json:"name"`
		Resources struct {
			PowerState string `json:"power_state"`
			NICList    []struct {
				IPEndpointList []struct {
					IP string `json:"ip"`
				} `json:"ip_endpoint_list"`
			} `json:"nic_list"`
		} `json:"resources"`
	} `json:"status"`
}

// VMs lists the VMs of a PC through POST /api/nutanix/v3/vms/list, all pages, sorted by name.
func (r *Run) VMs(ctx context.Context, pcName string) ([]VM, error) {
	const pageSize = 100
	var vms []VM
	for offset := 0; ; offset += pageSize {
		var page struct {
			Metadata struct {
				TotalMatches int `json:"total_matches"`
			} `json:"metadata"`
			Entities []vmEntity `json:"entities"`
		}
		req := map[string]any{"kind": "vm", "length": pageSize, "offset": offset}
		if err := r.Call(ctx, pcName, http.MethodPost, "/api/nutanix/v3/vms/list", req, &page); err != nil {
			return nil, fmt.Errorf("listing the VMs of %s: %w", pcName, err)
		}
		for _, e := range page.Entities {
			vm := VM{
				UUID:       e.Metadata.UUID,
				Name:       e.Status.Name,
				PowerState: e.Status.Resources.PowerState,
				Categories: e.Metadata.Categories,
			}
			if vm.Name == "" {
				vm.Name = e.Spec.Name
			}
			for _, nic := range e.Status.Resources.NICList {
				for _, ip := range nic.IPEndpointList {
					if ip.IP != "" {
						vm.IPAddresses = append(vm.IPAddresses, ip.IP)
					}
				}
			}
			vms = append(vms, vm)
		}
		if len(page.Entities) < pageSize || offset+len(page.Entities) >= page.Metadata.TotalMatches {
			break
		}
	}
	sort.Slice(vms, func(i, j int) bool { return vms[i].Name < vms[j].Name })
	return vms, nil
}

// VMByName returns the VM of a PC with the given name.
func (r *Run) VMByName(ctx context.Context, pcName, name string) (VM, error) {
	vms, err := r.VMs(ctx, pcName)
	if err != nil {
		return VM{}, err
	}
	var found []VM
	for _, vm := range vms {
		if vm.Name == name {
			found = append(found, vm)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return VM{}, fmt.Errorf("no VM named %s on %s", name, pcName)
	default:
		return VM{}, fmt.Errorf("%d VMs named %s on %s", len(found), name, pcName)
	}
}

// CategoryValueExists tells whether a PC has the category value key:value.
func (r *Run) CategoryValueExists(ctx context.Context, pcName, key, value string) (bool, error) {
	err := r.Call(ctx, pcName, http.MethodGet, "/api/nutanix/v3/categories/"+url.PathEscape(key)+"/"+url.PathEscape(value), nil, nil)
	var se *StatusError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &se) && se.StatusCode == http.StatusNotFound:
		return false, nil
	default:
		return false, err
	}
}

// CategoryKeyExists tells whether a PC has the category key.
func (r *Run) CategoryKeyExists(ctx context.Context, pcName, key string) (bool, error) {
	err := r.Call(ctx, pcName, http.MethodGet, "/api/nutanix/v3/categories/"+url.PathEscape(key), nil, nil)
	var se *StatusError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &se) && se.StatusCode == http.StatusNotFound:
		return false, nil
	default:
		return false, err
	}
}

// AvailabilityZone is what the scenarios look at of an availability zone.
type AvailabilityZone struct {
	UUID, Name, Type string
}

// AvailabilityZones lists the availability zones a PC of the world sees.
func (r *Run) AvailabilityZones(ctx context.Context, pcName string) ([]AvailabilityZone, error) {
	var out struct {
		Entities []struct {
			Metadata struct {
				UUID string `json:"uuid"`
			} `json:"metadata"`
			Status struct {
				Name      string `json:"name"`
				Resources struct {
					ManagementPlaneType string `json:"management_plane_type"`
				} `json:"resources"`
			} `json:"status"`
		} `json:"entities"`
	}
	in := map[string]any{"kind": "availability_zone", "length": 500}
	if err := r.Call(ctx, pcName, http.MethodPost, "/api/nutanix/v3/availability_zones/list", in, &out); err != nil {
		return nil, err
	}
	azs := make([]AvailabilityZone, 0, len(out.Entities))
	for _, e := range out.Entities {
		azs = append(azs, AvailabilityZone{UUID: e.Metadata.UUID, Name: e.Status.Name, Type: e.Status.Resources.ManagementPlaneType})
	}
	sort.Slice(azs, func(i, j int) bool { return azs[i].Name < azs[j].Name })
	return azs, nil
}

// RecoveryPoint is what the scenarios look at of a VM recovery point.
type RecoveryPoint struct {
	Name, VMName, Type string
	Created            time.Time
}

// RecoveryPoints lists the VM recovery points a PC of the world holds, oldest first.
func (r *Run) RecoveryPoints(ctx context.Context, pcName string) ([]RecoveryPoint, error) {
	var out struct {
		Entities []struct {
			Status struct {
				Name      string `json:"name"`
				Resources struct {
					RecoveryPointType string `json:"recovery_point_type"`
					CreationTime      string `json:"creation_time"`
					ParentVMReference struct {
						Name string `json:"name"`
					} `json:"parent_vm_reference"`
				} `json:"resources"`
			} `json:"status"`
		} `json:"entities"`
	}
	in := map[string]any{"kind": "vm_recovery_point", "length": 500}
	if err := r.Call(ctx, pcName, http.MethodPost, "/api/nutanix/v3/vm_recovery_points/list", in, &out); err != nil {
		return nil, err
	}
	rps := make([]RecoveryPoint, 0, len(out.Entities))
	for _, e := range out.Entities {
		created, _ := time.Parse(time.RFC3339Nano, e.Status.Resources.CreationTime)
		rps = append(rps, RecoveryPoint{
			Name:    e.Status.Name,
			VMName:  e.Status.Resources.ParentVMReference.Name,
			Type:    e.Status.Resources.RecoveryPointType,
			Created: created,
		})
	}
	sort.Slice(rps, func(i, j int) bool {
		if !rps[i].Created.Equal(rps[j].Created) {
			return rps[i].Created.Before(rps[j].Created)
		}
		return rps[i].VMName < rps[j].VMName
	})
	return rps, nil
}

// WaitTask waits, through the v3 API, for a task of a PC to end, and fails unless it succeeded.
func (r *Run) WaitTask(ctx context.Context, pc, taskUUID string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		var t struct {
			Status        string `json:"status"`
			ErrorDetail   string `json:"error_detail"`
			ErrorCode     string `json:"error_code"`
			OperationType string `json:"operation_type"`
		}
		if err := r.Call(ctx, pc, http.MethodGet, "/api/nutanix/v3/tasks/"+url.PathEscape(taskUUID), nil, &t); err != nil {
			return err
		}
		switch t.Status {
		case "SUCCEEDED":
			return nil
		case "FAILED", "ABORTED":
			return fmt.Errorf("task %s (%s) %s: %s %s", taskUUID, t.OperationType, t.Status, t.ErrorCode, t.ErrorDetail)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for task %s: %w", taskUUID, ctx.Err())
		case <-tick.C:
		}
	}
}
