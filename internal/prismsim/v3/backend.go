package v3

// Backend is what the v3 wire needs of a PC of the model.
type Backend interface{}
