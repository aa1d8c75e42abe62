// Command gqlgen runs gqlgen with gqlgen.yml, as `gqlgen generate` does, then has the
// generated executor marshal lists one element after another (marshalSliceInOrder in
// graph/generated) instead of in a goroutine per element, except for lists of types
// whose fields have resolvers of their own that may go to the database (Theme: related,
// engagedMunicipalities), which still run side by side. The revisions field every type
// has reads one batch for its whole list, so it does not count (resolvers.MayWait).
//
// gqlgen has no setting for this. Every edge is loaded before the fields are resolved
// (entgql's field collection), so the goroutines only cost: the nested list of the load
// tool's set (10 themes, 100 outcomes, 500 municipalities) started about 600 per request,
// each growing its stack through the marshaling. In order, the server answered it 334
// times a second instead of 283, and a page of 50 outcomes 834 instead of 719
// (BENCHMARKS.md). It runs from the module root (ent/generate.go). docs/FORKS.md says how
// to re-apply it on a gqlgen upgrade; test/forks checks it.
package main

import (
	"log"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
)

// executor is the file gqlgen.yml's exec section writes.
const executor = "graph/generated/generated.go"

func main() {
	cfg, err := config.LoadConfig("gqlgen.yml")
	if err != nil {
		log.Fatalf("gqlgen: load gqlgen.yml: %v", err)
	}
	if err := api.Generate(cfg); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
	src, err := os.ReadFile(executor)
	if err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
	out, n := inOrder(string(src))
	if n == 0 {
		log.Fatalf("gqlgen: fork graph/gqlgen (lists marshaled in order): no list marshaled concurrently in %s: has gqlgen changed? (docs/FORKS.md#lists-marshaled-in-order)", executor)
	}
	if err := os.WriteFile(executor, []byte(out), 0o644); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
}
