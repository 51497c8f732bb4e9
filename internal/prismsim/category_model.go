package prismsim

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// The category model: keys, values and the rules their names follow, whatever the wire
// (categories.go serves them on v3; config.go checks seeded ones with the same rules).

// Category limits from the spec.
const (
	maxCategoryName        = 64
	maxCategoryDescription = 1000
	defaultCardinality     = 64
)

// systemCategories are created on every PC with system_defined true; they cannot be changed
// or deleted, but users may add values of their own to them, as on a real PC.
var systemCategories = []struct {
	name        string
	description string
	values      []string
}{
	{"Environment", "Environment", []string{"Production", "Dev", "Staging", "Testing"}},
	{"AppType", "Application type", []string{"Default", "Exchange", "Oracle_DB", "SQL_Server", "Kubernetes"}},
	{"AppTier", "Application tier", []string{"Default"}},
	{"Quarantine", "Quarantine", []string{"Strict", "Forensic"}},
}

// categoryKey is a category key and its values. Categories are synchronous: no task.
type categoryKey struct {
	name          string
	description   string
	systemDefined bool
	cardinality   int64
	values        map[string]*categoryValue
	seq           int64
}

type categoryValue struct {
	value          string
	description    string
	systemDefined  bool
	assignmentRule json.RawMessage
	seq            int64
}

// categoryNamePattern is the spec's pattern for the {name} and {value} path parameters of
// PUT /categories/{name}[/{value}]: words of letters, digits, '_', '.' and '-', separated
// by single spaces.
var categoryNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]+( [a-zA-Z0-9_.-]+)*$`)

// checkCategoryName checks a key or value name as PUT takes it: 1-64 characters matching
// categoryNamePattern.
func checkCategoryName(field, s string) error {
	if err := checkCategoryLength(field, s); err != nil {
		return err
	}
	if !categoryNamePattern.MatchString(s) {
		return fmt.Errorf("%s %q must be words of letters, digits, '_', '.' or '-' separated by single spaces (pattern %s)",
			field, s, categoryNamePattern)
	}
	return nil
}

// checkCategoryLength checks the maxLength every {name} and {value} path parameter has.
func checkCategoryLength(field, s string) error {
	if s == "" {
		return fmt.Errorf("%s must not be empty", field)
	}
	if len(s) > maxCategoryName {
		return fmt.Errorf("%s %q is longer than %d characters", field, s, maxCategoryName)
	}
	return nil
}
