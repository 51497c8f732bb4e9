package model

import (
	"fmt"
	"regexp"
)

// Category limits from the v3 spec, which the model keeps whatever the wire.
const (
	MaxCategoryName        = 64
	MaxCategoryDescription = 1000
	DefaultCardinality     = 64
)

// categoryNamePattern is the spec's pattern for the {name} and {value} path parameters of
// PUT /categories/{name}[/{value}]: words of letters, digits, '_', '.' and '-', separated
// by single spaces.
var categoryNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]+( [a-zA-Z0-9_.-]+)*$`)

// CheckCategoryName checks a key or value name as a PUT takes it: 1-64 characters
// matching categoryNamePattern.
func CheckCategoryName(field, s string) error {
	if err := CheckCategoryLength(field, s); err != nil {
		return err
	}
	if !categoryNamePattern.MatchString(s) {
		return fmt.Errorf("%s %q must be words of letters, digits, '_', '.' or '-' separated by single spaces (pattern %s)",
			field, s, categoryNamePattern)
	}
	return nil
}

// CheckCategoryLength checks the maxLength every {name} and {value} path parameter has.
func CheckCategoryLength(field, s string) error {
	if s == "" {
		return fmt.Errorf("%s must not be empty", field)
	}
	if len(s) > MaxCategoryName {
		return fmt.Errorf("%s %q is longer than %d characters", field, s, MaxCategoryName)
	}
	return nil
}
