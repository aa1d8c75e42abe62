package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestExportAsOfAndPrune runs server import twice, then checks that server export -as-of
// the version after the first import writes what server export wrote then, byte for
// byte; that an unknown version is refused by name; that the imports are recorded as
// the system's; and that prune-history keeps the current version reproducible and
// refuses the pruned one.
func TestExportAsOfAndPrune(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		env := func(string) string { return "" }
		write := func(name, content string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		run := func(cmd func(context.Context, []string, func(string) string, io.Writer) error, args ...string) (string, error) {
			var out bytes.Buffer
			err := cmd(ctx, append([]string{"-database-url", db.URL}, args...), env, &out)
			return out.String(), err
		}
		const header = `{"format": "teemaverkko-bundle", "version": 1, `
		if _, err := run(importCommand, write("a.json", header+`"themes": [{"slug": "eka", "name": "Eka"}]}`)); err != nil {
			t.Fatal(err)
		}
		client := db.Client()
		kb, err := history.Current(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		then, err := run(exportCommand)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run(importCommand, write("b.json", header+`"themes": [{"slug": "eka", "name": "Eka muutettu"}, {"slug": "toka", "name": "Toka"}]}`)); err != nil {
			t.Fatal(err)
		}
		now, err := run(exportCommand)
		if err != nil {
			t.Fatal(err)
		}
		if now == then {
			t.Fatal("the second import changed nothing")
		}
		v := strconv.FormatInt(kb.Version, 10)
		if past, err := run(exportCommand, "-as-of", v); err != nil || past != then {
			t.Errorf("export -as-of %s (%v) differs from the export taken then:\n%s\nwant\n%s", v, err, past, then)
		}
		// Every refusal of a version names the flag; an explicit 0 is refused as the API
		// refuses asOf: 0 (only no flag means now).
		for _, c := range []struct{ asOf, want string }{
			{"9999", "no version 9999"}, {"0", "versions start at 1"}, {"-3", "versions start at 1"},
		} {
			if _, err := run(exportCommand, "-as-of", c.asOf); err == nil || !strings.HasPrefix(err.Error(), "as-of: ") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("export -as-of %s: %v, want a refusal naming as-of saying %q", c.asOf, err, c.want)
			}
		}
		revs, err := history.Changes(ctx, client, history.Filter{After: kb.Version}, 10)
		if err != nil || len(revs) == 0 || revs[0].Actor != (history.Actor{Role: "SYSTEM", ID: "server import"}) {
			t.Fatalf("revisions of the second import: %v %+v", err, revs)
		}
		current, err := history.Current(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		// A date later than now would wipe the history of what is still to come: refused,
		// and nothing is pruned.
		if _, err := run(pruneHistoryCommand, "-before", "2100-01-01"); err == nil || !strings.Contains(err.Error(), "-before") || !strings.Contains(err.Error(), "later than now") {
			t.Errorf("prune-history -before 2100-01-01: %v, want a refusal naming -before", err)
		}
		if past, err := run(exportCommand, "-as-of", v); err != nil || past != then {
			t.Errorf("export -as-of %s after a refused prune (%v) differs from the export taken then", v, err)
		}
		out, err := run(pruneHistoryCommand, "-before", time.Now().UTC().Format(time.RFC3339Nano))
		if err != nil || !strings.Contains(out, "deleted") {
			t.Fatalf("prune-history: %v %q", err, out)
		}
		if past, err := run(exportCommand, "-as-of", strconv.FormatInt(current.Version, 10)); err != nil || past != now {
			t.Errorf("export as of the current version after the prune (%v) differs from the export", err)
		}
		if _, err := run(exportCommand, "-as-of", v); err == nil || !strings.Contains(err.Error(), "pruned") {
			t.Errorf("export -as-of a pruned version: %v, want a refusal", err)
		}
	})
}
