package prismsim

import "fmt"

// Software versions the emulated clusters report.
const (
	aosVersion = "6.8.1"
	nccVersion = "5.0.1"
)

// clusterData holds what a cluster is, beyond its spec.
type clusterData struct {
	prismCentral bool
	externalIP   string
}

var clusterKind = &kindSpec{
	name:   "cluster",
	plural: "clusters",
	opName: "Cluster",
	prepare: func(_ *PC, _ *entity, in *snapshot) *modelError {
		var spec struct {
			Name string `json:"name"`
		}
		if err := decodeStrictTypes(in.spec, &spec); err != nil {
			return malformed("spec: %v", err)
		}
		in.name = spec.Name
		return nil
	},
	status: clusterStatus,
	attrs: func(_ *PC, e *entity) map[string][]string {
		d := clusterInfo(e)
		services := []string{"AOS"}
		if d.prismCentral {
			services = []string{"PRISM_CENTRAL"}
		}
		return map[string][]string{
			"name":         {e.current().name},
			"cluster_name": {e.current().name},
			"external_ip":  {d.externalIP},
			"service_list": services,
		}
	},
	known: []string{"name", "cluster_name", "external_ip", "service_list"},
}

func init() {
	registerKind(clusterKind)
}

func clusterInfo(e *entity) clusterData {
	d, _ := e.data.(clusterData)
	return d
}

// clusterStatus renders the spec's cluster_def_status. The PC itself reports the service
// PRISM_CENTRAL, AOS clusters report AOS: clients tell Prism Central from Prism Element so.
func clusterStatus(pc *PC, e *entity) map[string]any {
	d := clusterInfo(e)
	name := e.current().name
	service, version, software := "AOS", aosVersion, "NOS"
	if d.prismCentral {
		service, version, software = "PRISM_CENTRAL", pc.PCVersion(), "PRISM_CENTRAL"
	}
	network := map[string]any{}
	if d.externalIP != "" {
		network["external_ip"] = d.externalIP
	}
	return map[string]any{
		"name": name,
		"resources": map[string]any{
			"config": map[string]any{
				"service_list": []string{service},
				"build": map[string]any{
					"build_type":      "release",
					"version":         version,
					"full_version":    "el8.5-release-" + version,
					"commit_id":       "0000000000000000000000000000000000000000",
					"short_commit_id": "0000000",
				},
				"software_map": map[string]any{
					software: map[string]any{"software_type": software, "version": version, "status": "INSTALLED"},
					"NCC":    map[string]any{"software_type": "NCC", "version": nccVersion, "status": "INSTALLED"},
				},
				"is_available":      true,
				"operation_mode":    "NORMAL",
				"redundancy_factor": 2,
				"timezone":          "UTC",
				"cluster_arch":      "X86_64",
			},
			"network": network,
		},
	}
}

func clusterSpec(name, externalIP string) map[string]any {
	network := map[string]any{}
	if externalIP != "" {
		network["external_ip"] = externalIP
	}
	return map[string]any{
		"name": name,
		"resources": map[string]any{
			"config": map[string]any{
				"operation_mode":    "NORMAL",
				"redundancy_factor": 2,
				"timezone":          "UTC",
			},
			"network": network,
		},
	}
}

// seedClustersLocked creates the PC's own cluster entry, then the AOS clusters.
func (pc *PC) seedClustersLocked(clusters []ClusterConfig) error {
	if err := pc.seedEntityLocked(clusterKind, pc.uuid, clusterSpec(pc.Name(), pc.AdvertisedIP()), nil,
		clusterData{prismCentral: true, externalIP: pc.AdvertisedIP()}); err != nil {
		return err
	}
	for _, c := range clusters {
		if err := pc.seedEntityLocked(clusterKind, c.UUID, clusterSpec(c.Name, c.ExternalIP), nil,
			clusterData{externalIP: c.ExternalIP}); err != nil {
			return err
		}
	}
	return nil
}

// clusterByNameLocked returns the AOS cluster with that name, or nil.
func (pc *PC) clusterByNameLocked(name string) *entity {
	for _, e := range pc.entitiesLocked(clusterKind) {
		if e.current().name == name && !clusterInfo(e).prismCentral {
			return e
		}
	}
	return nil
}

// aosClusterLocked resolves a cluster reference that must name an AOS cluster of this PC.
func (pc *PC) aosClusterLocked(field string, ref *refView) (*entity, *modelError) {
	if ref == nil || ref.UUID == "" {
		return nil, malformed("%s.uuid is required", field)
	}
	if ref.Kind != "" && ref.Kind != "cluster" {
		return nil, malformed("%s.kind must be \"cluster\", got %q", field, ref.Kind)
	}
	e := pc.entityLocked(clusterKind, normUUID(ref.UUID))
	if e == nil {
		return nil, invalid("%s: cluster %s does not exist on this Prism Central", field, ref.UUID)
	}
	if clusterInfo(e).prismCentral {
		return nil, invalid("%s: %s is Prism Central itself, not an AOS cluster", field, ref.UUID)
	}
	return e, nil
}

// refView decodes a reference ({kind, uuid, name}).
type refView struct {
	Kind string `json:"kind"`
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

func clusterRef(e *entity) map[string]any {
	return map[string]any{"kind": "cluster", "uuid": e.uuid, "name": e.current().name}
}

func (pc *PC) mustClusterByName(name string) (*entity, error) {
	if name == "" {
		var aos []*entity
		for _, e := range pc.entitiesLocked(clusterKind) {
			if !clusterInfo(e).prismCentral {
				aos = append(aos, e)
			}
		}
		if len(aos) == 1 {
			return aos[0], nil
		}
		return nil, fmt.Errorf("a cluster name is needed: the PC has %d clusters", len(aos))
	}
	e := pc.clusterByNameLocked(name)
	if e == nil {
		return nil, fmt.Errorf("unknown cluster %q", name)
	}
	return e, nil
}
