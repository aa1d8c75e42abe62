// Command sdl writes the API's schema, as the server serves it, to graph/schema.graphql:
// the file client generators read. It runs from the module root (go generate in graph/).
package main

import (
	"log"
	"os"

	"github.com/teemaverkko/teemaverkko/graph"
)

func main() {
	if err := os.WriteFile("graph/schema.graphql", []byte(graph.SDL()), 0o644); err != nil {
		log.Fatal(err)
	}
}
