package pagelimit

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

const sdl = `
type Query { items(first: Int, last: Int, after: String): ItemConnection! plain(first: Int): [Int!]! }
type ItemConnection { totalCount: Int! items(first: Int, last: Int): ItemConnection! }
`

func TestAddDefaults(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: sdl})
	for _, tc := range []struct {
		name, query string
		want        []string // the first argument of each items field, in document order ("" when absent)
	}{
		{"missing gets the default", `{ items { totalCount } }`, []string{"20"}},
		{"first is kept", `{ items(first: 5) { totalCount } }`, []string{"5"}},
		{"last is kept without a first", `{ items(last: 5) { totalCount } }`, []string{""}},
		{"nested and in fragments", `{ items(first: 2) { items { ...F } } } fragment F on ItemConnection { items { totalCount } }`, []string{"2", "20", "20"}},
		{"not a connection", `{ plain }`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(schema, tc.query)
			if errs != nil {
				t.Fatal(errs)
			}
			addDefaults(Limits{Default: 20, Max: 100}, doc)
			var got []string
			walkDocument(doc, func(f *ast.Field) {
				if f.Name != "items" {
					if f.Name == "plain" && f.Arguments.ForName("first") != nil {
						t.Errorf("plain list got a first argument")
					}
					return
				}
				v := ""
				if a := f.Arguments.ForName("first"); a != nil {
					v = a.Value.Raw
				}
				got = append(got, v)
			})
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("items[%d] first = %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}
