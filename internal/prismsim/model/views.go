package model

import "time"

// Typed views of the world that wires show as they are.

// RequestCounts is how many v3 requests a PC received, by route template.
type RequestCounts struct {
	Total   int            `json:"total"`
	ByRoute map[string]int `json:"by_route"`
}

// SiteState is how the admin API shows a site.
type SiteState struct {
	PC           string `json:"pc"`
	URL          string `json:"url"`
	AdvertisedIP string `json:"advertised_ip"`
	Down         bool   `json:"down"`
	DREnabled    bool   `json:"dr_enabled"`
}

// ClockState is what GET /_prismsim/clock answers.
type ClockState struct {
	Now           time.Time `json:"now"`
	Rate          float64   `json:"rate"`
	PendingTimers int       `json:"pending_timers"`
}
