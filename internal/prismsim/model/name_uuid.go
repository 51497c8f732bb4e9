package model

import (
	"crypto/sha256"
	"fmt"
	"strings"
)

// NameUUID derives a stable UUID (version 5 layout, SHA-256 based) from names, for
// entities the model keys by name that a wire shows with an id (v4 categories: one extId
// per key and value).
func NameUUID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	b := sum[:16]
	b[6] = (b[6] & 0x0f) | 0x50
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
