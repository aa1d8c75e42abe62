// Package docs embeds the example queries of the README (docs/queries/*.graphql), so
// that the playground opens with them and the tests run every one of them.
package docs

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed queries/*.graphql
var queries embed.FS

// Query is one example query.
type Query struct {
	// Name is the file name without its extension.
	Name string
	// Text is the GraphQL document.
	Text string
}

// Queries returns the example queries in file-name order.
func Queries() []Query {
	entries, _ := fs.Glob(queries, "queries/*.graphql")
	sort.Strings(entries)
	out := make([]Query, 0, len(entries))
	for _, e := range entries {
		b, _ := queries.ReadFile(e)
		out = append(out, Query{Name: strings.TrimSuffix(path.Base(e), ".graphql"), Text: string(b)})
	}
	return out
}

// Texts returns the texts of the example queries, in file-name order.
func Texts() []string {
	qs := Queries()
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Text
	}
	return out
}
