package search_test

import (
	"context"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// BenchmarkSearch searches the seed knowledge (some hundreds of indexed rows, most of
// them municipalities) on each database: a page of 20 hits with snippets, and the total.
func BenchmarkSearch(b *testing.B) {
	queries := []struct{ name, text string }{
		{"kunta", "kunta"},               // common: ~80 hits, prefix, stem and infix
		{"valitila", "välitila"},         // rare, inflected
		{"two-words", "kelluvat kunnat"}, // every word must match
		{"swedish", "Uleåborg"},          // a municipality's Swedish name
		{"compound", "strategia"},        // found inside compounds only
		{"prefix", "k"},                  // one letter while typing: many hits
	}
	for _, dia := range testdb.Dialects {
		b.Run(dia, func(b *testing.B) {
			db := seeded(b, dia, false)
			ctx := context.Background()
			for _, q := range queries {
				b.Run(q.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := search.Search(ctx, db, search.Query{Text: q.text}); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
