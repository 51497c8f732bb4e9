//go:build race

package prismsim

// raceEnabled is true when the tests run with the race detector, which slows them down.
const raceEnabled = true
