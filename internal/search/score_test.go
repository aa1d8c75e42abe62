package search

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// referenceClassOf is the FTS5 expression of the clause's matches of exactly one class:
// how SQLite's statement scored before the score moved to Go.
func referenceClassOf(cl cclause, class int) string {
	var parts []string
	for _, t := range cl.alts {
		switch {
		case t.isPhrase && class == classExact:
			parts = append(parts, ftsTerm(t, 0))
		case !t.isPhrase && len(t.classes[class]) > 0:
			parts = append(parts, ftsWords(t.classes[class]))
		}
	}
	return strings.Join(parts, " OR ")
}

// referenceScores scores every hit of the query (no bound) in SQL, with FTS5 sets of
// the rows each clause matches in each field by each class, and returns the scores by
// node ID with each hit's text.
func referenceScores(t *testing.T, qr Querier, c *compiled) (map[string]float64, map[string][4]string) {
	t.Helper()
	b := &builder{dia: "sqlite3"}
	q, _ := ftsMatch(c, nClasses-1)
	set := func(expr string) string {
		return "SELECT rowid FROM search_index_fts WHERE search_index_fts MATCH " + b.arg(expr)
	}
	var score []string
	for _, cl := range c.clauses {
		var whens []string
		for f, field := range fieldNames {
			for class := 0; class < nClasses; class++ {
				if e := referenceClassOf(cl, class); e != "" {
					whens = append(whens, "WHEN m.id IN ("+set("{"+field+"} : ("+e+")")+") THEN "+num(matchScores[f][class]))
				}
			}
		}
		score = append(score, "(CASE "+strings.Join(whens, " ")+" ELSE 0 END)")
	}
	if len(c.order) > 1 {
		ph := ftsPhrase(c.order)
		score = append(score, "(CASE WHEN m.id IN ("+set("{a} : "+ph)+") THEN "+num(phraseNameScore)+
			" WHEN m.id IN ("+set(ph)+") THEN "+num(phraseScore)+" ELSE 0 END)")
	}
	if c.nameKey != "" {
		score = append(score, "(CASE WHEN instr(s.nk, "+b.arg(c.nameKey)+") > 0 THEN "+num(wholeNameScore)+" ELSE 0 END)")
	}
	stmt := "WITH m AS MATERIALIZED (" + set(q) + ") SELECT s.node_id, " + strings.Join(score, " + ") +
		", s.a, s.b, s.c, s.nk FROM (SELECT rowid AS id FROM m) AS m JOIN search_index AS s ON s.id = m.id"
	rows, err := qr.QueryContext(context.Background(), stmt, b.args...)
	if err != nil {
		t.Fatalf("reference scores: %v", err)
	}
	defer rows.Close()
	scores, texts := map[string]float64{}, map[string][4]string{}
	for rows.Next() {
		var id string
		var s float64
		var tx [4]string
		if err := rows.Scan(&id, &s, &tx[0], &tx[1], &tx[2], &tx[3]); err != nil {
			t.Fatal(err)
		}
		scores[id], texts[id] = s, tx
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return scores, texts
}

// TestGoScoresAsFTS5 checks, on the seed knowledge in SQLite, that the score computed
// in Go from a hit's text is the score FTS5's sets gave (for every hit of each query,
// not only the candidates), and that the bounded search's first page is the unbounded
// ranking's when the query has at most TierCap hits.
func TestGoScoresAsFTS5(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, "sqlite")
	if err := seed.Run(ctx, db.Client(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if err := Migrate(ctx, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	queries := []string{
		"kunta", "kunnan strategia", "Tulevaisuuden kunta", "välitila", "kelluvien kuntien",
		`"kelluvat kunnat"`, "kunta OR maakunta", "kunta -kuntaliitto", "strategian",
		"johtamisen", "muutosten johtamiseen", "Uleåborg", "Stenwall", "osallisuuden",
		"strateginen johtaminen", `"tulevaisuuden kunta" -kuntakuvat`,
	}
	for _, text := range queries {
		t.Run(text, func(t *testing.T) {
			p, err := parse(Query{Text: text, First: 10})
			if err != nil {
				t.Fatal(err)
			}
			exp, err := expand(ctx, db.SQL, db.Dialect, p.text.distinctWords())
			if err != nil {
				t.Fatal(err)
			}
			c := compile(p.text, exp)
			if c.none {
				t.Fatalf("%q matches no indexed word", text)
			}
			want, texts := referenceScores(t, db.SQL, c)
			if len(want) == 0 {
				t.Fatalf("%q has no hits", text)
			}
			sc := c.scorer()
			for id, w := range want {
				tx := texts[id]
				if got := sc.score(tx[0], tx[1], tx[2], tx[3]); got != w {
					t.Errorf("%s: Go score %v, FTS5 score %v (a=%.60q)", id, got, w, tx[0])
				}
			}
			if len(want) > TierCap {
				return
			}
			ids := make([]string, 0, len(want))
			for id := range want {
				ids = append(ids, id)
			}
			sort.Slice(ids, func(i, j int) bool {
				if want[ids[i]] != want[ids[j]] {
					return want[ids[i]] > want[ids[j]]
				}
				return ids[i] < ids[j]
			})
			rs, err := Search(ctx, db, Query{Text: text, First: 10})
			if err != nil {
				t.Fatal(err)
			}
			if rs.TotalCount != len(want) || rs.TotalCountIsLowerBound {
				t.Errorf("total %d (lower bound %v), want %d exactly", rs.TotalCount, rs.TotalCountIsLowerBound, len(want))
			}
			for i, h := range rs.Hits {
				if h.ID != ids[i] || h.Score != want[ids[i]] {
					t.Errorf("hit %d: %s %v, want %s %v", i, h.ID, h.Score, ids[i], want[ids[i]])
				}
			}
			if len(rs.Hits) != min(10, len(ids)) {
				t.Errorf("%d hits, want %d", len(rs.Hits), min(10, len(ids)))
			}
		})
	}
}
