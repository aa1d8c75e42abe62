package bundle

// The JSON Schema of the bundle format, written from the types in format.go.
//go:generate go run ./schemagen
