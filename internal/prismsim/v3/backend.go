package v3

// Backend is what the v3 wire needs of a PC of the model (PC implements it, in
// v3_backend.go of package prismsim).
type Backend interface {
	EntityBackend
}
