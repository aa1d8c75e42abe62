package search_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/search"
)

// TestFinnishMatching records, on the fixture, which words find which nodes: the same
// on both databases (pgOnly stays empty: the linguistics are in Go). The package
// documentation summarises this table.
func TestFinnishMatching(t *testing.T) {
	cases := []struct {
		query  string
		both   []string
		pgOnly []string
	}{
		// Inflection: every form finds every other (a shared lemma), with compounds
		// that have the word as a part (Kuntastrategia, Kuntatalo, Kelluvat kunnat).
		// A word the index has in no form matches as a prefix (kunt).
		{"kunta", []string{"docKelluvat", "oKunnan", "oKunnat", "oKunta", "oKuntien", "sem1", "thStrategia"}, nil},
		{"kunnan", []string{"docKelluvat", "oKunnan", "oKunnat", "oKunta", "oKuntien", "sem1", "thStrategia"}, nil},
		{"kunnat", []string{"docKelluvat", "oKunnan", "oKunnat", "oKunta", "oKuntien", "sem1", "thStrategia"}, nil},
		{"kuntien", []string{"docKelluvat", "oKunnan", "oKunnat", "oKunta", "oKuntien", "sem1", "thStrategia"}, nil},
		{"kunt", []string{"thStrategia", "oKuntien", "sem1", "oKunta"}, nil},
		{"kelluvat", []string{"docKelluvat"}, nil},
		{"kelluvien", []string{"docKelluvat"}, nil},
		{"digitalisaatio", []string{"thDigi", "oDigi"}, nil},
		{"digitalisaation", []string{"thDigi", "oDigi"}, nil},
		{"äänestyksen", []string{"thAanestys"}, nil},
		// Compounds: a word finds the compounds it is a part of, in any form; talo does
		// not find talous (another word).
		{"strategia", []string{"thStrategia"}, nil},
		{"kuntastrategia", []string{"thStrategia"}, nil},
		{"strategiat", []string{"thStrategia"}, nil},
		{"talo", []string{"sem1", "sem2"}, nil},
		// Diacritics: ä, ö and å match themselves and a, o and a.
		{"välitila", []string{"oKunnat"}, nil},
		{"valitila", []string{"oKunnat"}, nil},
		{"välitilassa", []string{"oKunnat"}, nil},
		{"äänestys", []string{"thAanestys"}, nil},
		{"aanestys", []string{"thAanestys"}, nil},
		{"Päivi", []string{"exPaivi"}, nil},
		{"paivi", []string{"exPaivi"}, nil},
		// Swedish and Finnish names of municipalities.
		{"Uleåborg", []string{"muOulu"}, nil},
		{"uleaborg", []string{"muOulu"}, nil},
		{"Åbo", []string{"muTurku"}, nil},
		{"abo", []string{"muTurku"}, nil},
		{"Helsingfors", []string{"muHelsinki"}, nil},
		{"Oulu", []string{"muOulu"}, nil},
		{"Oulun", []string{"muOulu"}, nil},
		{"Helsingin", []string{"muHelsinki"}, nil},
		// Several words: every word must match, in any field.
		{"kunnat välitilassa", []string{"oKunnat"}, nil},
		{"digitalisaatio palveluja", []string{"oDigi"}, nil},
		{"kunta erilainen", []string{"oKunta"}, nil},
		{"Oulu Åbo", nil, nil},
		// Session questions are indexed too.
		{"seutu", []string{"ses1"}, nil},
	}
	eachFixture(t, func(t *testing.T, f *fixture) {
		pg := f.db.Dialect == "postgres"
		for _, c := range cases {
			want := slices.Clone(c.both)
			if pg {
				want = append(want, c.pgOnly...)
			}
			sort.Strings(want)
			got := f.hitKeys(t, search.Query{Text: c.query})
			if !slices.Equal(got, want) {
				t.Errorf("%q found %v, want %v", c.query, got, want)
			}
		}
	})
}

// TestRanking checks the order of hits on the fixture.
func TestRanking(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		// A name (weight A) beats a quote (weight B).
		rs := f.run(t, search.Query{Text: "digitalisaatio"})
		if got := f.keysOf(rs.Hits); !slices.Equal(got, []string{"thDigi", "oDigi"}) {
			t.Errorf("digitalisaatio: order %v, want thDigi before oDigi", got)
		}
		// A whole word beats the same letters inside a compound in the same kind of field.
		rs = f.run(t, search.Query{Text: "talo", Types: []search.Type{search.Seminar}})
		if got := f.keysOf(rs.Hits); !slices.Equal(got, []string{"sem2", "sem1"}) {
			t.Errorf("talo: order %v, want sem2 (Tampere-talo) before sem1 (Kuntatalo)", got)
		}
		// Scores never increase, and ties are ordered by ID.
		rs = f.run(t, search.Query{Text: "kunt"})
		for i := 1; i < len(rs.Hits); i++ {
			a, b := rs.Hits[i-1], rs.Hits[i]
			if a.Score < b.Score || (a.Score == b.Score && a.ID >= b.ID) {
				t.Errorf("hits %d and %d out of order: %+v, %+v", i-1, i, a, b)
			}
		}
		if rs.Hits[len(rs.Hits)-1].Score <= 0 {
			t.Errorf("a hit scored %v, want > 0", rs.Hits[len(rs.Hits)-1].Score)
		}
	})
}

// TestFilters checks the type, seminar, term and theme filters.
func TestFilters(t *testing.T) {
	type tc struct {
		name   string
		q      func(f *fixture) search.Query
		both   []string
		pgOnly []string
	}
	cases := []tc{
		{"types outcome", func(*fixture) search.Query {
			return search.Query{Text: "kunt", Types: []search.Type{search.Outcome}}
		}, []string{"oKunta", "oKuntien"}, nil},
		{"types theme and seminar", func(*fixture) search.Query {
			return search.Query{Text: "kunt", Types: []search.Type{search.Seminar, search.Theme, search.Theme}}
		}, []string{"sem1", "thStrategia"}, nil},
		{"types municipality", func(*fixture) search.Query {
			return search.Query{Text: "oulu", Types: []search.Type{search.Municipality}}
		}, []string{"muOulu"}, nil},
		{"seminar", func(f *fixture) search.Query {
			return search.Query{Text: "kunta", SeminarIDs: []string{f.id("sem1")}}
		}, []string{"sem1", "oKunta", "oKunnan", "oKuntien", "thStrategia"}, nil},
		{"seminar: its session's questions", func(f *fixture) search.Query {
			return search.Query{Text: "seutu", SeminarIDs: []string{f.id("sem1")}}
		}, []string{"ses1"}, nil},
		{"other seminar", func(f *fixture) search.Query {
			return search.Query{Text: "kunnat", SeminarIDs: []string{f.id("sem2")}}
		}, []string{"oKunnat"}, nil},
		{"two seminars", func(f *fixture) search.Query {
			return search.Query{Text: "kunnat", SeminarIDs: []string{f.id("sem2"), f.id("sem1")}}
		}, []string{"oKunnat", "oKunta", "oKunnan", "oKuntien", "sem1", "thStrategia"}, nil},
		{"seminar: themes of its outcomes", func(f *fixture) search.Query {
			return search.Query{Text: "digitalisaatio", SeminarIDs: []string{f.id("sem1")}, Types: []search.Type{search.Theme}}
		}, []string{"thDigi"}, nil},
		{"term", func(f *fixture) search.Query {
			return search.Query{Text: "kunta", TermIDs: []string{f.id("term1")}}
		}, []string{"sem1", "oKunta", "oKunnan", "oKuntien", "thStrategia"}, nil},
		{"theme", func(f *fixture) search.Query {
			return search.Query{Text: "kunta", ThemeIDs: []string{f.id("thStrategia")}}
		}, []string{"thStrategia", "oKunta"}, nil},
		{"theme: experts", func(f *fixture) search.Query {
			return search.Query{Text: "päivi", ThemeIDs: []string{f.id("thDigi")}}
		}, []string{"exPaivi"}, nil},
		{"theme and type", func(f *fixture) search.Query {
			return search.Query{Text: "digitalisaatio", ThemeIDs: []string{f.id("thDigi")}, Types: []search.Type{search.Outcome}}
		}, []string{"oDigi"}, nil},
		{"theme and seminar", func(f *fixture) search.Query {
			return search.Query{Text: "kunnat", ThemeIDs: []string{f.id("thStrategia")}, SeminarIDs: []string{f.id("sem2")}}
		}, nil, nil},
		{"unknown seminar", func(f *fixture) search.Query {
			return search.Query{Text: "kunta", SeminarIDs: []string{"se01ARZ3NDEKTSV4RRFFQ69G5FAV"}}
		}, nil, nil},
		{"a theme ID as a seminar ID", func(f *fixture) search.Query {
			return search.Query{Text: "kunta", SeminarIDs: []string{f.id("thStrategia")}}
		}, nil, nil},
	}
	eachFixture(t, func(t *testing.T, f *fixture) {
		for _, c := range cases {
			want := slices.Clone(c.both)
			if f.db.Dialect == "postgres" {
				want = append(want, c.pgOnly...)
			}
			sort.Strings(want)
			rs := f.run(t, c.q(f))
			got := f.keysOf(rs.Hits)
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: found %v, want %v", c.name, got, want)
			}
			if rs.TotalCount != len(want) {
				t.Errorf("%s: TotalCount %d, want %d", c.name, rs.TotalCount, len(want))
			}
		}
	})
}

// TestSnippets checks that snippets mark the matches and are HTML-safe.
func TestSnippets(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		cases := []struct {
			query, key, want string
		}{
			{"välitila", "oKunnat", "Kunnat ovat <mark>välitilassa</mark>. · Councils are in an in-between state."},
			{"uleaborg", "muOulu", "Oulu · <mark>Uleåborg</mark>"},
			{"strategia", "thStrategia", "<mark>Kuntastrategia</mark> · Municipal strategy"},
			{"osallistuminen", "oHTML", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>osallistuminen</mark> · Taking part."},
			{"script", "oHTML", "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; &amp; osallistuminen · Taking part."},
		}
		if f.db.Dialect == "postgres" {
			// The Finnish stemmer's matches are marked too.
			cases = append(cases, struct{ query, key, want string }{
				"kelluvien", "docKelluvat", "<mark>Kelluvat</mark> kunnat -tutkimus"})
		}
		for _, c := range cases {
			rs := f.run(t, search.Query{Text: c.query})
			found := false
			for _, h := range rs.Hits {
				if f.keys[h.ID] != c.key {
					continue
				}
				found = true
				if h.Snippet != c.want {
					t.Errorf("%q: snippet of %s is %q, want %q", c.query, c.key, h.Snippet, c.want)
				}
			}
			if !found {
				t.Errorf("%q did not find %s", c.query, c.key)
			}
		}
		// Every hit of every search has a mark, and no other tag.
		for _, q := range []string{"kunta", "kunnat", "abo", "talo", "päivi"} {
			for _, h := range f.run(t, search.Query{Text: q}).Hits {
				rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Snippet)
				if !strings.Contains(h.Snippet, "<mark>") || strings.ContainsAny(rest, "<>") {
					t.Errorf("%q: snippet of %s is %q", q, f.keys[h.ID], h.Snippet)
				}
			}
		}
	})
}
