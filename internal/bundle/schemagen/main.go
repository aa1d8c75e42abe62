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
	"github.com/teemaverkko/teemaverkko/internal/edit"
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
	// The length limits of the ent fields the strings are stored in (ent/schema), and
	// the rule that an outcome cites a source (internal/edit).
	for typ, fields := range bundle.Limits() {
		for name, max := range fields {
			p := property(s, typ, name)
			if p.Type == "array" {
				p = p.Items
			}
			p.MaxLength = ptr(uint64(max))
		}
	}
	property(s, "Outcome", "sources").MinItems = ptr(uint64(edit.MinOutcomeSources))
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

// property returns the schema of a property of a type's definition.
func property(s *jsonschema.Schema, typ, name string) *jsonschema.Schema {
	def, ok := s.Definitions[typ]
	if !ok {
		log.Fatalf("no definition of %s in the schema", typ)
	}
	p, ok := def.Properties.Get(name)
	if !ok {
		log.Fatalf("no property %s.%s in the schema", typ, name)
	}
	return p
}

func ptr[T any](v T) *T { return &v }
