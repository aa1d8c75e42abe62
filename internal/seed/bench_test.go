package seed_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// BenchmarkImport loads the reference data and every seed bundle (14 bundles, the real
// history) into an empty database, on each database: the whole first start of a server.
// A second case loads them again into the loaded database, which changes nothing: what
// every later start pays.
func BenchmarkImport(b *testing.B) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	for _, dia := range testdb.Dialects {
		b.Run(dia+"/empty", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				client := testdb.Open(b, dia).Client()
				b.StartTimer()
				if err := seed.Run(ctx, client, logger); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(dia+"/again", func(b *testing.B) {
			client := testdb.Open(b, dia).Client()
			if err := seed.Run(ctx, client, logger); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := seed.Run(ctx, client, logger); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
