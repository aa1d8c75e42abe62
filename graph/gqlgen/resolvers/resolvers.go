// Package resolvers says which field resolvers of the generated executor may wait on the
// database for their own object. graph/gqlgen keeps the lists of types with such
// resolvers concurrent and marshals every other list in order; test/forks checks the
// committed executor against the same rule.
package resolvers

// inMemory are the field resolvers that never wait on the database for their own object:
// revisions read one batch for every object of the list the first time one of them runs
// (graph.siblings finds the list), the others compute from what is already loaded.
var inMemory = map[string]bool{
	"Revisions":          true,
	"ValidFromPrecision": true,
	"ValidToPrecision":   true,
	"Actor":              true,
	"Operation":          true,
	"Before":             true,
	"After":              true,
}

// MayWait tells whether the resolver method of the executor's <Type>Resolver interface
// may go to the database for its own object, so that a list of that type gains from
// resolving its elements side by side.
func MayWait(method string) bool { return !inMemory[method] }
