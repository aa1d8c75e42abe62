package graph

// The SDL of the whole API, for client generators, after gqlgen has run (ent/generate.go).
//go:generate sh -c "cd .. && go run ./graph/sdl"
