package graph_test

import (
	"os"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/graph"
)

// TestSchemaIsDescribed checks that every type, field, argument and enum value of the
// API has a description, for playground users and client generators.
func TestSchemaIsDescribed(t *testing.T) {
	s := graph.NewSchema(nil, "", nil).Schema()
	for name, d := range s.Types {
		if strings.HasPrefix(name, "__") || d.BuiltIn {
			continue
		}
		if d.Description == "" {
			t.Errorf("type %s has no description", name)
		}
		for _, f := range d.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if f.Description == "" {
				t.Errorf("field %s.%s has no description", name, f.Name)
			}
			for _, a := range f.Arguments {
				if a.Description == "" {
					t.Errorf("argument %s.%s(%s) has no description", name, f.Name, a.Name)
				}
			}
		}
		for _, v := range d.EnumValues {
			if v.Description == "" {
				t.Errorf("enum value %s.%s has no description", name, v.Name)
			}
		}
	}
}

// TestCommittedSDLMatchesTheServer keeps graph/schema.graphql, which client generators
// read, equal to the schema the server serves (go generate ./... rewrites it).
func TestCommittedSDLMatchesTheServer(t *testing.T) {
	committed, err := os.ReadFile("schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != graph.SDL() {
		t.Errorf("graph/schema.graphql is stale: run go generate ./...")
	}
	for _, want := range []string{"type Query", "type Mutation", "type Subscription", "interface Node", "scalar Date"} {
		if !strings.Contains(string(committed), want) {
			t.Errorf("the SDL lacks %q", want)
		}
	}
}
