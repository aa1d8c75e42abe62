// Package ent holds the generated data layer; only schema/ (with the types the generated
// code uses: pulid, calendar), template/, nestedpage/, pgarray/, entc.go and this file are
// written by hand. Nothing here imports the rest of the module.
package ent

// Both generators run from the module root: ent (with the entgql extension, which writes
// graph/ent.graphqls) first, then gqlgen (graph/gqlgen: gqlgen with lists marshaled in
// order), which reads that schema.
//go:generate sh -c "cd .. && go run ./ent/entc.go && go run ./graph/gqlgen"
