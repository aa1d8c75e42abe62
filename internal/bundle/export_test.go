package bundle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/refdata"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

func exportJSON(t *testing.T, client *ent.Client, opts bundle.ExportOptions) []byte {
	t.Helper()
	b, err := bundle.Export(context.Background(), client, opts)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// importInto applies an exported bundle to a fresh database of the same dialect that
// holds only the reference data.
func importInto(t *testing.T, dialect string, data []byte) *ent.Client {
	t.Helper()
	ctx := context.Background()
	client := testdb.Client(t, dialect)
	if _, err := refdata.Load(ctx, client); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the export does not decode: %v", err)
	}
	if _, err := bundle.Apply(ctx, client, b, bundle.Options{}); err != nil {
		t.Fatalf("the export does not apply: %v", err)
	}
	return client
}

// TestExportRoundTrip exports the seeded knowledge base, imports it into an empty
// database and exports that again: the two exports must be the same bytes.
func TestExportRoundTrip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		src := db.Client()
		if err := seed.Run(ctx, src, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		first := exportJSON(t, src, bundle.ExportOptions{})
		dialect := "sqlite"
		if db.Dialect == "postgres" {
			dialect = "postgres"
		}
		dst := importInto(t, dialect, first)
		second := exportJSON(t, dst, bundle.ExportOptions{})
		if !bytes.Equal(first, second) {
			t.Errorf("export → import → export differs:\nfirst  %d bytes\nsecond %d bytes", len(first), len(second))
		}
		for _, tc := range []struct {
			name string
			a, b int
		}{
			{"seminars", src.Seminar.Query().CountX(ctx), dst.Seminar.Query().CountX(ctx)},
			{"sessions", src.Session.Query().CountX(ctx), dst.Session.Query().CountX(ctx)},
			{"outcomes", src.Outcome.Query().CountX(ctx), dst.Outcome.Query().CountX(ctx)},
			{"experts", src.Expert.Query().CountX(ctx), dst.Expert.Query().CountX(ctx)},
			{"themes", src.Theme.Query().CountX(ctx), dst.Theme.Query().CountX(ctx)},
			{"documents", src.Document.Query().CountX(ctx), dst.Document.Query().CountX(ctx)},
			{"term members", src.NetworkTerm.Query().QueryMunicipalities().CountX(ctx), dst.NetworkTerm.Query().QueryMunicipalities().CountX(ctx)},
			{"term memberships", src.TermMembership.Query().CountX(ctx), dst.TermMembership.Query().CountX(ctx)},
			{"appearances", src.Appearance.Query().CountX(ctx), dst.Appearance.Query().CountX(ctx)},
		} {
			if tc.a != tc.b {
				t.Errorf("%s: %d exported, %d after import", tc.name, tc.a, tc.b)
			}
		}

		t.Run("one seminar", func(t *testing.T) {
			kickoff := src.Seminar.Query().Where(seminar.Title("USO-verkoston käynnistysseminaari")).OnlyX(ctx)
			data := exportJSON(t, src, bundle.ExportOptions{SeminarIDs: []pulid.ID{kickoff.ID}})
			one := importInto(t, dialect, data)
			if n := one.Seminar.Query().CountX(ctx); n != 1 {
				t.Errorf("seminars after importing one = %d", n)
			}
			if got, want := one.Outcome.Query().CountX(ctx), src.Seminar.QueryOutcomes(kickoff).CountX(ctx); got != want {
				t.Errorf("outcomes after importing one seminar = %d, want %d", got, want)
			}
			if !bytes.Equal(data, exportJSON(t, one, bundle.ExportOptions{})) {
				t.Errorf("exporting the imported seminar again differs from its export")
			}
		})
	})
}

// TestExportWritesNoNull checks that an export writes no null, so that it matches the
// format's own JSON Schema: an outcome without sources (which the API no longer lets
// anyone make, but an older database may hold) is written with "sources": [], and
// importing it is refused by the rule that every outcome cites a source, at its place.
func TestExportWritesNoNull(t *testing.T) {
	c := jsonschema.NewCompiler()
	schema, err := c.Compile("../../docs/bundle.schema.json")
	if err != nil {
		t.Fatalf("compile the schema: %v", err)
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		if err := seed.Run(ctx, client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		data := exportJSON(t, client, bundle.ExportOptions{})
		if bytes.Contains(data, []byte("null")) {
			t.Errorf("the export writes null")
		}
		doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err := schema.Validate(doc); err != nil {
			t.Errorf("the export does not match the JSON Schema: %v", err)
		}

		kickoff := client.Seminar.Query().Where(seminar.Title("USO-verkoston käynnistysseminaari")).OnlyX(ctx)
		client.Outcome.Create().SetSeminar(kickoff).SetKind("INSIGHT").SetText("An outcome without a source.").ExecX(ctx)
		data = exportJSON(t, client, bundle.ExportOptions{SeminarIDs: []pulid.ID{kickoff.ID}})
		if bytes.Contains(data, []byte("null")) || !bytes.Contains(data, []byte(`"sources": []`)) {
			t.Errorf("an outcome without sources is not written with \"sources\": []")
		}
		_, err := bundle.Decode(bytes.NewReader(data))
		var verrs bundle.ValidationErrors
		if !errors.As(err, &verrs) || len(verrs) != 1 || !strings.HasSuffix(verrs[0].Path, ".sources") ||
			verrs[0].Message != "an outcome must cite at least one source" {
			t.Errorf("Decode of the export = %v, want one problem: the outcome's sources", err)
		}
	})
}
