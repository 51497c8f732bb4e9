// Package model holds the parts of prismsim's model of Prism Central that no wire
// protocol shapes: the simulated clock, the typed errors of model operations, and the
// typed views of entities that wires render (recovery point stores), and the rules and
// parsers the model and its wires share (category names, remote addresses, strict JSON
// decoding). It imports no net/http and renders no JSON envelope.
//
// The rest of the model (World, PC, entities, the DR engine) lives in package prismsim,
// behind the interfaces its wires declare (v3.Backend, v4.Backend): see prismsim's doc.go
// for what is where.
package model
