// Package model holds the parts of prismsim's model of Prism Central that no wire
// protocol shapes: the simulated clock, the typed errors of model operations, and the
// typed views of entities that wires render (recovery point stores). It imports no
// net/http and renders no JSON envelope.
//
// The rest of the model (World, PC, entities, the DR engine) still lives in package
// prismsim beside the v3 wire: see prismsim's doc.go for what is where.
package model
