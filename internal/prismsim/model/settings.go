package model

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"
)

// Defaults of Settings fields left zero.
const (
	DefaultTaskLatency      = 200 * time.Millisecond
	DefaultReplicationDelay = 30 * time.Second
	DefaultClockRate        = 1.0
)

// Settings are the world's tunables; they can be changed at run time through
// World.UpdateSettings or PUT /_prismsim/settings.
type Settings struct {
	// TaskLatency is how long (real time) a task stays QUEUED then RUNNING before it ends.
	// Zero means the default, 200ms.
	TaskLatency Duration `json:"task_latency" yaml:"task_latency"`
	// ReplicationDelay is how long (simulated time) a replication takes. Zero means 30s.
	ReplicationDelay Duration `json:"replication_delay" yaml:"replication_delay"`
	// ClockRate is how many simulated seconds pass per real second. Zero means 1.
	ClockRate float64 `json:"clock_rate" yaml:"clock_rate"`
}

// WithDefaults returns s with zero fields set to their defaults.
func (s Settings) WithDefaults() Settings {
	if s.TaskLatency == 0 {
		s.TaskLatency = Duration(DefaultTaskLatency)
	}
	if s.ReplicationDelay == 0 {
		s.ReplicationDelay = Duration(DefaultReplicationDelay)
	}
	if s.ClockRate == 0 {
		s.ClockRate = DefaultClockRate
	}
	return s
}

// Validate refuses negative settings.
func (s Settings) Validate() error {
	if s.TaskLatency < 0 {
		return fmt.Errorf("task_latency %s is negative", s.TaskLatency)
	}
	if s.ReplicationDelay < 0 {
		return fmt.Errorf("replication_delay %s is negative", s.ReplicationDelay)
	}
	if s.ClockRate < 0 {
		return fmt.Errorf("clock_rate %g is negative", s.ClockRate)
	}
	return nil
}

// Duration is a time.Duration that marshals as a Go duration string ("1s", "15m"). It
// unmarshals from such a string or from a number of seconds.
type Duration time.Duration

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String formats d as a Go duration string.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON encodes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON decodes a duration string or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return d.parse(s)
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("duration must be a string such as \"1s\" or a number of seconds: %w", err)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// MarshalYAML encodes d as a duration string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML decodes a duration string or a number of seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: duration must be a string such as \"1s\" or a number of seconds", n.Line)
	}
	if n.Tag == "!!int" || n.Tag == "!!float" {
		secs, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	return d.parse(n.Value)
}

func (d *Duration) parse(s string) error {
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}
