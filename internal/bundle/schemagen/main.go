// Command schemagen writes docs/bundle.schema.json, the JSON Schema of the bundle format,
// from the Go types of package bundle and their doc comments. It runs from
// internal/bundle (go generate); paths are relative to that folder.
package main

import (
	"encoding/json"
	"log"
	"os"

	"github.com/invopop/jsonschema"

	"github.com/teemaverkko/teemaverkko/internal/bundle"
)

func main() {
	r := &jsonschema.Reflector{
		// Every field without omitempty is required; unknown fields are refused, as Decode does.
		RequiredFromJSONSchemaTags: false,
		AllowAdditionalProperties:  false,
	}
	if err := r.AddGoComments("github.com/teemaverkko/teemaverkko/internal/bundle", "./"); err != nil {
		log.Fatalf("read doc comments: %v", err)
	}
	s := r.Reflect(&bundle.Bundle{})
	s.ID = "https://teemaverkko.invalid/bundle.schema.json"
	s.Title = "Teemaverkko bundle"
	s.Description = "Knowledge for Teemaverkko: documents, organisations, people, themes, networks with their terms, and seminars with their sessions and outcomes, referring to existing things by natural keys. See internal/bundle/format.go."
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("../../docs/bundle.schema.json", append(out, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}
