package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/refdata"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/synth"
)

// openClient opens and migrates the database for a subcommand.
func openClient(ctx context.Context, databaseURL string) (*ent.Client, func(), error) {
	db, err := database.Open(ctx, databaseURL)
	if err != nil {
		return nil, nil, err
	}
	client := db.Client()
	if err := database.Migrate(ctx, client); err != nil {
		db.Close()
		return nil, nil, err
	}
	// Writes keep the search index current only once its triggers exist.
	if err := search.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, nil, err
	}
	history.Use(client)
	return client, func() { db.Close() }, nil
}

// importCommand applies bundle files: server import [-dry-run] FILE…
func importCommand(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	cfg, err := parseImportConfig(args, getenv)
	if err != nil {
		return err
	}
	client, closeDB, err := openClient(ctx, cfg.databaseURL)
	if err != nil {
		return err
	}
	defer closeDB()
	ctx = history.WithActor(ctx, history.Actor{Role: "SYSTEM", ID: "server import"})
	// Bundles refer to municipalities by code: make sure the reference data is there.
	if _, err := refdata.Load(ctx, client); err != nil {
		return fmt.Errorf("load reference data: %w", err)
	}
	for _, name := range cfg.files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		b, err := bundle.Decode(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		report, err := bundle.Apply(ctx, client, b, bundle.Options{DryRun: cfg.dryRun, Progress: progressBar(os.Stderr, name)})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(out, "%s\n%s\n", name, report)
	}
	return nil
}

// exportCommand writes the knowledge base, or some seminars, as a bundle, as it is or as
// it stood at a version: server export [-seminar ID]… [-as-of VERSION] [-o FILE]
func exportCommand(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	cfg, err := parseExportConfig(args, getenv)
	if err != nil {
		return err
	}
	client, closeDB, err := openClient(ctx, cfg.databaseURL)
	if err != nil {
		return err
	}
	defer closeDB()
	if cfg.asOf > 0 {
		past, closePast, err := history.AsOf(ctx, client, "as-of", cfg.asOf)
		if err != nil {
			if ae := (*apierr.Error)(nil); errors.As(err, &ae) && ae.Field == "as-of" {
				return fmt.Errorf("as-of: %w", err) // named, as the flag's own errors are
			}
			return err
		}
		defer closePast()
		client = past
	}
	b, err := bundle.Export(ctx, client, bundle.ExportOptions{SeminarIDs: cfg.seminars})
	if err != nil {
		return err
	}
	return writeOutput(cfg.output, out, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(b); err != nil {
			return fmt.Errorf("write bundle: %w", err)
		}
		return nil
	})
}

// pruneHistoryCommand deletes old revisions: server prune-history -before DATE
func pruneHistoryCommand(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	cfg, err := parsePruneConfig(args, getenv)
	if err != nil {
		return err
	}
	client, closeDB, err := openClient(ctx, cfg.databaseURL)
	if err != nil {
		return err
	}
	defer closeDB()
	rep, err := history.Prune(ctx, client, cfg.before)
	if err != nil {
		return err
	}
	if rep.Through == 0 {
		fmt.Fprintf(out, "no change set is older than %s: nothing to prune\n", cfg.before.Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(out, "deleted %d revisions; versions from %d on can still be exported\n", rep.Revisions, rep.Through)
	return nil
}

// writeOutput runs write on out when file is "-", else on the file, whose close error
// (the data not reaching the disk) is reported too.
func writeOutput(file string, out io.Writer, write func(io.Writer) error) error {
	if file == "-" {
		return write(out)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// tokenCommand makes a new token: server token reader|editor|admin
func tokenCommand(args []string, getenv func(string) string, out io.Writer) error {
	role, err := parseTokenArgs(args, getenv)
	if err != nil {
		return err
	}
	token, entry := auth.New(role)
	fmt.Fprintf(out, "token (give it to the client as 'Authorization: Bearer <token>'):\n  %s\n", token)
	fmt.Fprintf(out, "configuration entry (only the hash; add it to API_TOKENS):\n  %s\n", entry)
	return nil
}

// progressBar draws the progress of an import on w: a bar redrawn in place on a
// terminal, a line per step otherwise.
func progressBar(w *os.File, name string) func(step string, done, total int) {
	fi, err := w.Stat()
	terminal := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return func(step string, done, total int) {
		if !terminal {
			fmt.Fprintf(w, "%s: %d/%d %s\n", name, done, total, step)
			return
		}
		const width = 30
		filled := width * done / max(total, 1)
		fmt.Fprintf(w, "\r%s [%s%s] %d/%d %-30s", name, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total, step)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

// genCommand fills the database with a synthetic knowledge base: server gen [-scale N]
// [-seed S] [-quiet]. It reports its progress on stderr unless quiet.
//
// Into a database without history (a fresh one) the generated knowledge base is
// recorded as the history's baseline, one revision per object, once at the end. With
// the history's recorder on, every transaction of 25 seminars would record the themes
// and municipalities it links to again, each with all its links so far: revisions that
// grow with the square of the data (30 MB at scale 1, 400 MB at scale 10, tens of GB at
// scale 100) and took most of the time. A database that already has a history keeps
// the recorder, so that the history stays complete.
func genCommand(ctx context.Context, args []string, getenv func(string) string, out, stderr io.Writer) error {
	cfg, err := parseGenConfig(args, getenv)
	if err != nil {
		return err
	}
	db, err := database.Open(ctx, cfg.databaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	client := db.Client()
	if err := database.Migrate(ctx, client); err != nil {
		return err
	}
	kb, err := history.Current(ctx, client)
	if err != nil {
		return err
	}
	baseline := kb.Version == 0
	if !baseline {
		history.Use(client)
	}
	ctx = history.WithActor(ctx, history.Actor{Role: "SYSTEM", ID: "server gen"})
	opts := synth.Options{Scale: cfg.scale, Seed: cfg.seed}
	var prog *progress
	if !cfg.quiet {
		prog = newProgress("gen", stderr, strings.ToLower(getenv("LOG_FORMAT")))
		opts.Progress = prog.update
	}
	stats, err := synth.Generate(ctx, client, opts)
	if err != nil {
		return err
	}
	// step runs one stage after the generation as a step of the progress, and counts its
	// time in the generation's.
	step := func(stage string, run func() error) error {
		start := time.Now()
		if prog != nil {
			prog.update(stage, 0, 1)
		}
		if err := run(); err != nil {
			return err
		}
		if prog != nil {
			prog.update(stage, 1, 1)
		}
		stats.Duration += time.Since(start)
		return nil
	}
	if baseline {
		// The database now has objects and no history: Migrate records them all as
		// version 1.
		if err := step("history", func() error { return history.Migrate(ctx, client) }); err != nil {
			return err
		}
	}
	// The search index is made once, over everything, at the end: in a fresh database
	// it does not exist before, and its triggers, which keep it current row by row
	// (with the word list's statement trigger for every row), cost most of the time of
	// the writes. Where it exists already, its triggers kept it current, and Migrate
	// only checks it.
	if err := step("search index", func() error { return search.Migrate(ctx, db) }); err != nil {
		return err
	}
	// On PostgreSQL, VACUUM last: a freshly written table's visibility map is empty, so
	// every index-only scan visits the heap too (the filtered benchmark query fetched
	// 99,007 heap rows at scale 10; 102 → 75 ms for its page), until autovacuum comes by.
	// The figures measured right after gen are then those of a database in use.
	if db.Dialect == "postgres" {
		if err := step("vacuum", func() error {
			if _, err := db.SQL.ExecContext(ctx, "VACUUM (ANALYZE)"); err != nil {
				return fmt.Errorf("gen: vacuum: %w", err)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "generated %s\n", stats)
	return nil
}
