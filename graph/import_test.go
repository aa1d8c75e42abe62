package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

const importMutation = `mutation($b: String!, $dry: Boolean) {
  importBundle(bundle: $b, dryRun: $dry) { dryRun created updated unchanged types { type created } changes { type key action } } }`

func bundleJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestImportBundle imports a new seminar through the API: dry run first (nothing
// written), then for real, then again (nothing changes); an invalid bundle reports every
// problem with its path and writes nothing.
func TestImportBundle(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, seededClient *ent.Client) {
		srv := apiServer(t, seededClient)
		ctx := context.Background()
		client := db.Client()
		seminar := map[string]any{
			"format": "teemaverkko-bundle", "version": 1,
			"themes":    []any{map[string]any{"slug": "digitalisaatio", "name": "Digitalisaatio", "nameEn": "Digitalisation"}},
			"documents": []any{map[string]any{"key": "esimerkki-2018-seminaari", "title": "Esimerkkiseminaari", "kind": "NEWS_ARTICLE", "publishedOn": "2018-05"}},
			"seminars": []any{map[string]any{
				"title": "Esimerkkiseminaari", "date": "2018-05", "venue": "Kuntatalo", "municipalities": []any{"535"},
				"sources": []any{"esimerkki-2018-seminaari"}, "themes": []any{"digitalisaatio"},
				"sessions": []any{map[string]any{"position": 1, "kind": "OPENING", "title": "Avaus", "speakers": []any{"Kaija Majoinen"},
					"outcomes": []any{map[string]any{"kind": "INSIGHT", "text": "Digitalisation changes services.", "sources": []any{"esimerkki-2018-seminaari"}}}}},
			}},
		}
		text := bundleJSON(t, seminar)
		type report struct {
			ImportBundle *struct {
				DryRun                      bool
				Created, Updated, Unchanged int
				Changes                     []struct{ Type, Key, Action string }
			}
		}
		seeded := client.Seminar.Query().CountX(ctx)
		var dry report
		mustPost(t, srv, importMutation, map[string]any{"b": text, "dry": true}, &dry)
		if dry.ImportBundle == nil || !dry.ImportBundle.DryRun || dry.ImportBundle.Created < 4 {
			t.Fatalf("dry run = %+v", dry.ImportBundle)
		}
		if n := client.Seminar.Query().CountX(ctx); n != seeded {
			t.Fatalf("a dry run wrote: %d seminars", n)
		}
		var real report
		mustPost(t, srv, importMutation, map[string]any{"b": text}, &real)
		if real.ImportBundle.DryRun || real.ImportBundle.Created != dry.ImportBundle.Created {
			t.Errorf("import = %+v, want what the dry run promised (%d created)", real.ImportBundle, dry.ImportBundle.Created)
		}
		var data struct{ Seminars page }
		mustPost(t, srv, `{ seminars(where: {title: "Esimerkkiseminaari"}) { edges { node { date datePrecision sessions { edges { node { speakers { edges { node { name } } } } } } } } } }`, nil, &data)
		if len(data.Seminars.Edges) != 1 || data.Seminars.Edges[0].Node["datePrecision"] != "MONTH" || data.Seminars.Edges[0].Node["date"] != "2018-05-01" {
			t.Errorf("imported seminar = %+v", data.Seminars.Edges)
		}
		var again report
		mustPost(t, srv, importMutation, map[string]any{"b": text}, &again)
		if again.ImportBundle.Created != 0 || again.ImportBundle.Updated != 0 || len(again.ImportBundle.Changes) != 0 {
			t.Errorf("importing again changed %+v, want nothing", again.ImportBundle)
		}

		bad := map[string]any{
			"format": "teemaverkko-bundle", "version": 1,
			"seminars": []any{map[string]any{
				"title": "Rikki", "date": "2018-13-01",
				"sessions": []any{map[string]any{"position": 1, "kind": "LUNCH", "title": "Lounas",
					"outcomes": []any{map[string]any{"kind": "INSIGHT", "text": "No source."}}}},
			}},
		}
		seminars := client.Seminar.Query().CountX(ctx)
		r := post(t, srv, importMutation, map[string]any{"b": bundleJSON(t, bad)}, nil)
		paths := map[string]bool{}
		for _, e := range r.Errors {
			if e.Extensions["code"] != "VALIDATION" {
				t.Errorf("error %q has code %v, want VALIDATION", e.Message, e.Extensions["code"])
			}
			p, _ := e.Extensions["path"].(string)
			paths[p] = true
		}
		for _, want := range []string{"seminars[0].date", "seminars[0].sessions[0].kind", "seminars[0].sessions[0].outcomes[0].sources"} {
			if !paths[want] {
				t.Errorf("no error at %s; got %v", want, paths)
			}
		}
		if n := client.Seminar.Query().CountX(ctx); n != seminars {
			t.Errorf("an invalid bundle wrote seminars: %d, want %d", n, seminars)
		}
	})
}

// TestImportBundleErrorsCapped: a bundle with more bad objects than graph.MaxValidationErrors
// lists that many problems with their paths, then one error counting the rest, and
// writes nothing.
func TestImportBundleErrorsCapped(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		ctx := context.Background()
		const bad = graph.MaxValidationErrors + 50
		themes := make([]any, bad)
		for i := range themes {
			themes[i] = map[string]any{"slug": fmt.Sprintf("Ei Kelpaa %d", i), "name": fmt.Sprintf("Teema %d", i)}
		}
		before := db.Client().Theme.Query().CountX(ctx)
		res := post(t, srv, importMutation, map[string]any{"b": bundleJSON(t, map[string]any{
			"format": "teemaverkko-bundle", "version": 1, "themes": themes})}, nil)
		if len(res.Errors) != graph.MaxValidationErrors+1 {
			t.Fatalf("%d errors, want %d listed and one counting the rest", len(res.Errors), graph.MaxValidationErrors)
		}
		for _, e := range res.Errors[:graph.MaxValidationErrors] {
			if e.Extensions["code"] != "VALIDATION" || e.Extensions["path"] == nil {
				t.Fatalf("listed error %+v: want VALIDATION with a path", e)
			}
		}
		last := res.Errors[graph.MaxValidationErrors]
		if last.Extensions["code"] != "VALIDATION" || last.Extensions["omitted"] != float64(bad-graph.MaxValidationErrors) {
			t.Errorf("last error %+v: want VALIDATION with omitted %d", last, bad-graph.MaxValidationErrors)
		}
		if n := db.Client().Theme.Query().CountX(ctx); n != before {
			t.Errorf("a refused import wrote %d themes", n-before)
		}
	})
}
