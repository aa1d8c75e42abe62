// Command gen fills a database with a synthetic knowledge base (internal/synth), for
// load tests and benchmarks:
//
//	go run ./bench/gen -scale 1 -seed 1 [-database-url URL] [-digest]
//
// It migrates the database and the search index first, as the server does, so the
// search index is filled by its triggers as the rows are written. It is `server gen`
// with two options for measurements: -digest, and -search-index=false to measure the
// triggers' cost.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/synth"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	def := os.Getenv("DATABASE_URL")
	if def == "" {
		def = "data/teemaverkko.db"
	}
	dbURL := fs.String("database-url", def, "database (env DATABASE_URL)")
	scale := fs.Float64("scale", 1, "size: 1 is 200 seminars, 2,000 sessions and 20,000 outcomes; linear")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same content")
	digest := fs.Bool("digest", false, "print a digest of the database's content afterwards (independent of IDs)")
	index := fs.Bool("search-index", true, "create the search index first, so that its triggers index the rows as they are written (false: to measure the triggers' cost on a database without the index)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := database.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	client := db.Client()
	if err := database.Migrate(ctx, client); err != nil {
		return err
	}
	// Writes keep the search index current only once its triggers exist.
	if *index {
		if err := search.Migrate(ctx, db); err != nil {
			return err
		}
	}
	stats, err := synth.Generate(ctx, client, synth.Options{Scale: *scale, Seed: *seed, Progress: progressBar(os.Stderr)})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "generated %s\n", stats)
	if *digest {
		d, err := synth.Digest(ctx, client)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "digest %s\n", d)
	}
	return nil
}

// progressBar draws progress on w: a bar redrawn in place on a terminal, a line per
// step otherwise.
func progressBar(w *os.File) func(stage string, done, total int) {
	fi, err := w.Stat()
	terminal := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return func(stage string, done, total int) {
		if !terminal {
			fmt.Fprintf(w, "gen: %d/%d %s\n", done, total, stage)
			return
		}
		const width = 30
		filled := width * done / max(total, 1)
		fmt.Fprintf(w, "\rgen [%s%s] %d/%d %-20s", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total, stage)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
