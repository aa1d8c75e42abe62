package graph_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/teemaverkko/teemaverkko/bench/queryset"
	"github.com/teemaverkko/teemaverkko/ent/nestedpage"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/synth"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// BenchmarkResolverFanOut serves the nested query of the load tool's set (10 themes → 10
// outcomes each → 5 municipalities each, totalCount on every level) through the real
// handler over a synthetic knowledge base of scale 0.2 (4,000 outcomes), on each database:
// per parent (what the server does) and with entgql's window function, for comparison.
func BenchmarkResolverFanOut(b *testing.B) {
	queries, err := queryset.Load("../bench/queries")
	if err != nil {
		b.Fatal(err)
	}
	var nested *queryset.Query
	for _, q := range queries {
		if q.Name == "nested" {
			nested = q
		}
	}
	for _, dia := range testdb.Dialects {
		b.Run(dia, func(b *testing.B) {
			ctx := context.Background()
			db := testdb.Open(b, dia)
			if err := search.Migrate(ctx, db); err != nil {
				b.Fatal(err)
			}
			if _, err := synth.Generate(ctx, db.Client(), synth.Options{Scale: 0.2, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			h := graph.NewHandler(db.Client(), graph.Config{Dialect: db.Dialect, Limits: graph.DefaultLimits})
			for _, mode := range []string{"per-parent", "window"} {
				b.Run(mode, func(b *testing.B) {
					var handler http.Handler = h
					if mode == "window" {
						handler = nestedpage.WindowHandler(h)
					}
					srv := httptest.NewServer(handler)
					defer srv.Close()
					post := queryset.HTTPPoster(srv.Client(), srv.URL)
					b.ReportAllocs()
					for b.Loop() {
						if _, err := nested.Run(ctx, post, nil); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
