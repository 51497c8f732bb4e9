package prismsim

import (
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v3 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v3"
)

// ClockState is what GET /_prismsim/clock answers (model.ClockState).
type ClockState = model.ClockState

func (w *World) clockState() ClockState {
	return ClockState{Now: w.clock.Now(), Rate: w.clock.Rate(), PendingTimers: w.clock.PendingTimers()}
}

// WorldState is the whole world as GET /_prismsim/state answers it.
type WorldState struct {
	Clock    ClockState         `json:"clock"`
	Settings Settings           `json:"settings"`
	Faults   []Fault            `json:"faults"`
	PCs      map[string]PCState `json:"pcs"`
}

// PCState is one PC's inventory, entities rendered as the v3 API renders them.
type PCState struct {
	Name         string                   `json:"name"`
	URL          string                   `json:"url"`
	AdvertisedIP string                   `json:"advertised_ip"`
	Region       string                   `json:"region,omitempty"`
	UUID         string                   `json:"uuid"`
	Down         bool                     `json:"down"`
	DREnabled    bool                     `json:"dr_enabled"`
	Entities     map[string][]v3.Envelope `json:"entities"`
	Categories   []categoryState          `json:"categories"`
	Tasks        []v3.TaskJSON            `json:"tasks"`
	Requests     RequestCounts            `json:"requests"`
	// ProtectionRules summarizes the PC's protection rules (owned and synced copies).
	ProtectionRules []ProtectionRuleState `json:"protection_rules"`
	// RecoveryPoints counts the recovery points that live on the PC.
	RecoveryPoints RecoveryPointStats `json:"recovery_points"`
	// RecoveryPointStores are the PC's MST stores with their stats (mst.go).
	RecoveryPointStores []RecoveryPointStore `json:"recovery_point_stores,omitempty"`
}

type categoryState struct {
	v3.CategoryKeyJSON
	Values []v3.CategoryValueJSON `json:"values"`
}

// State returns a snapshot of the whole world.
func (w *World) State() WorldState {
	st := WorldState{Clock: w.clockState(), Settings: w.Settings(), Faults: w.Faults(), PCs: map[string]PCState{}}
	for _, pc := range w.pcs {
		st.PCs[pc.Name()] = pc.state()
	}
	return st
}

func (pc *PC) state() PCState {
	st := PCState{Name: pc.Name(), URL: pc.URL(), AdvertisedIP: pc.AdvertisedIP(), Region: pc.Region(),
		UUID: pc.uuid, Down: pc.Down(), DREnabled: pc.DREnabled(), Entities: map[string][]v3.Envelope{},
		Requests: pc.RequestCounts()}
	live := pc.w.repl.liveReplicas(pc.Name(), pc.w.clock.Now())
	pc.mu.Lock()
	defer pc.mu.Unlock()
	st.ProtectionRules = pc.ruleStatesLocked()
	st.RecoveryPoints = pc.recoveryPointStatsLocked(live)
	st.RecoveryPointStores = pc.recoveryPointStoresLocked()
	for _, name := range sortedKeys(kinds) {
		k := kinds[name]
		list := []v3.Envelope{}
		for _, e := range pc.entitiesLocked(k) {
			list = append(list, pc.renderLocked(e))
		}
		st.Entities[k.plural] = list
	}
	st.Categories = []categoryState{}
	for _, name := range sortedKeys(pc.categories) {
		k := pc.categories[name]
		cs := categoryState{CategoryKeyJSON: v3.RenderCategoryKey(k.info().v3()), Values: []v3.CategoryValueJSON{}}
		for _, v := range sortedKeys(k.values) {
			cs.Values = append(cs.Values, v3.RenderCategoryValue(k.values[v].info(name).v3()))
		}
		st.Categories = append(st.Categories, cs)
	}
	st.Tasks = []v3.TaskJSON{}
	for _, t := range pc.taskList {
		st.Tasks = append(st.Tasks, v3.RenderTask(pc.v3TaskLocked(t)))
	}
	return st
}
