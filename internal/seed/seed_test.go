package seed_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/migrate"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/refdata"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestBundlesDecode checks that every embedded bundle decodes and validates, and that
// the files load in the order of their names, the network first and the kickoff second.
func TestBundlesDecode(t *testing.T) {
	bs, names, err := seed.Bundles()
	if err != nil {
		t.Fatalf("Bundles: %v", err)
	}
	if len(bs) != len(names) || len(bs) < 16 {
		t.Fatalf("%d bundles, %d names; want at least 16 of each", len(bs), len(names))
	}
	if !slices.IsSorted(names) || !strings.HasSuffix(names[0], "01-uso-network.json") || !strings.HasSuffix(names[1], "02-uso-kickoff-2017.json") {
		t.Errorf("load order = %v, want 01, 02, … by name", names)
	}
	for i, b := range bs {
		t.Run(names[i], func(t *testing.T) {
			if b.Format != bundle.FormatName || b.Version != bundle.FormatVersion {
				t.Errorf("format, version = %q, %d", b.Format, b.Version)
			}
			if err := b.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if strings.TrimSpace(b.Description) == "" {
				t.Errorf("no description: a bundle says what its source is")
			}
		})
	}
}

// TestBundlesAgree checks that the bundles never give one thing two different values,
// which would make every load rewrite it: a document, organisation, theme or term that
// several bundles list has the same fields in each (only its edges may grow), and no two
// bundles give the same person different notes, or different titles with the same date.
func TestBundlesAgree(t *testing.T) {
	bs, names, err := seed.Bundles()
	if err != nil {
		t.Fatalf("Bundles: %v", err)
	}
	docs := map[string]bundle.Document{}
	orgs := map[string]bundle.Organization{}
	themes := map[string]bundle.Theme{}
	titles := map[string]string{} // person and asOf → title; person → note
	first := map[string]string{}  // what → the bundle that first gave it
	same := func(what, name string, equal bool) {
		t.Helper()
		if !equal {
			t.Errorf("%s: %s differs from %s", name, what, first[what])
		}
	}
	for i, b := range bs {
		for _, d := range b.Documents {
			scalar := d
			scalar.Authors, scalar.Themes, scalar.Roles, scalar.People = nil, nil, nil, nil
			if old, ok := docs[d.Key]; ok {
				// A summary is what one sheet's bundle adds; where two bundles give one, they agree.
				if old.Summary == "" || scalar.Summary == "" {
					old.Summary, scalar.Summary = "", ""
				}
				same("document "+d.Key, names[i], equalJSON(t, old, scalar))
			} else {
				docs[d.Key], first["document "+d.Key] = scalar, names[i]
			}
		}
		for _, o := range b.Organizations {
			scalar := o
			scalar.Sources = nil
			if old, ok := orgs[o.Name]; ok {
				same("organization "+o.Name, names[i], equalJSON(t, old, scalar))
			} else {
				orgs[o.Name], first["organization "+o.Name] = scalar, names[i]
			}
		}
		for _, th := range b.Themes {
			scalar := th
			scalar.Sources = nil
			if old, ok := themes[th.Slug]; ok {
				same("theme "+th.Slug, names[i], equalJSON(t, old, scalar))
			} else {
				themes[th.Slug], first["theme "+th.Slug] = scalar, names[i]
			}
		}
		for _, e := range b.Experts {
			if e.Note != "" {
				key := "note on " + e.Name
				if old, ok := titles[key]; ok {
					same(key, names[i], old == e.Note)
				} else {
					titles[key], first[key] = e.Note, names[i]
				}
			}
			if e.Title == "" {
				continue
			}
			key := "title of " + e.Name + " as of " + e.AsOf
			if old, ok := titles[key]; ok {
				same(key, names[i], old == e.Title)
			} else {
				titles[key], first[key] = e.Title, names[i]
			}
		}
	}
}

// TestSeedTwiceChangesNothing loads the whole seed on each database, then again: the
// second load creates and updates nothing, writes nothing, and leaves every table's rows
// as they were.
func TestSeedTwiceChangesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		if err := seed.Run(ctx, client, logger); err != nil {
			t.Fatalf("first seed: %v", err)
		}
		before := rowCounts(ctx, t, db)
		bs, names, err := seed.Bundles()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := refdata.Load(ctx, client); err != nil {
			t.Fatal(err)
		}
		for i, b := range bs {
			r, err := bundle.Apply(ctx, client, b, bundle.Options{})
			if err != nil {
				t.Fatalf("second apply of %s: %v", names[i], err)
			}
			if tot := r.Total(); tot.Created != 0 || tot.Updated != 0 || r.Changed() {
				t.Errorf("second apply of %s changed things: %s\n%v", names[i], r, r.Changes)
			}
		}
		if after := rowCounts(ctx, t, db); !maps.Equal(before, after) {
			t.Errorf("row counts changed:\n before %v\n after  %v", before, after)
		}
		if err := seed.Run(ctx, client, logger); err != nil {
			t.Fatalf("third seed: %v", err)
		}
	})
}

func rowCounts(ctx context.Context, t *testing.T, db *database.DB) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, tbl := range migrate.Tables {
		var n int
		if err := db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+tbl.Name).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tbl.Name, err)
		}
		counts[tbl.Name] = n
	}
	return counts
}

// equalJSON compares two values by their JSON encoding.
func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}
