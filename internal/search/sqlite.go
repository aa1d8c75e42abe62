package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
)

// Column weights of SQLite's bm25() for the fields a, b and c: the same 5:2:1 as
// PostgreSQL's A, B and C weights.
const sqliteWeights = "10.0, 4.0, 2.0"

// sqliteInfixFactor scales the bm25 score of the trigram table, so that a word found
// only inside a longer word counts for less than a whole-word (prefix) match.
const sqliteInfixFactor = "0.1"

// searchSQLite searches the FTS5 tables: each token must match a word that starts with
// it (search_index_fts, "token"*) or, when long enough, occur anywhere in a word
// (search_index_tri, "token"). The score is -bm25 over the words plus a tenth of -bm25
// over the trigrams.
func searchSQLite(ctx context.Context, qr Querier, p *plan) (*Result, error) {
	stmt, args := sqliteStatement(p)
	rows, err := qr.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	hits, total, err := scanPage(rows)
	if err != nil {
		return nil, err
	}
	return p.page(hits, total, &highlighter{tokens: p.tokens}), nil
}

// sqliteStatement returns the page query of the plan and its arguments.
func sqliteStatement(p *plan) (string, []any) {
	b := &builder{dia: dialect.SQLite}
	var (
		ctes     []string
		sets     []string
		prefixes []string
		infixes  []string
	)
	for i, t := range p.tokens {
		pre := ftsString(t.lower) + "*"
		sel := "SELECT rowid AS id FROM search_index_fts WHERE search_index_fts MATCH " + b.arg(pre)
		if t.infix() {
			inf := ftsString(t.lower)
			sel += " UNION SELECT rowid AS id FROM search_index_tri WHERE search_index_tri MATCH " + b.arg(inf)
			infixes = append(infixes, inf)
		}
		name := "k" + strconv.Itoa(i)
		ctes = append(ctes, name+" AS MATERIALIZED ("+sel+")")
		sets = append(sets, "SELECT id FROM "+name)
		prefixes = append(prefixes, pre)
	}
	ctes = append(ctes,
		"m AS MATERIALIZED ("+strings.Join(sets, " INTERSECT ")+")",
		"w AS MATERIALIZED (SELECT rowid AS id, bm25(search_index_fts, "+sqliteWeights+") AS r "+
			"FROM search_index_fts WHERE search_index_fts MATCH "+b.arg(strings.Join(prefixes, " OR "))+")")
	score := "-coalesce(w.r, 0)"
	join := " LEFT JOIN w ON w.id = m.id"
	if len(infixes) > 0 {
		ctes = append(ctes, "g AS MATERIALIZED (SELECT rowid AS id, bm25(search_index_tri, "+sqliteWeights+") AS r "+
			"FROM search_index_tri WHERE search_index_tri MATCH "+b.arg(strings.Join(infixes, " OR "))+")")
		score += " - " + sqliteInfixFactor + " * coalesce(g.r, 0)"
		join += " LEFT JOIN g ON g.id = m.id"
	}
	fctes, conds := b.filters(p, "s.node_id", "s.type")
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	n := strconv.Itoa(snippetChars)
	ctes = append(append(fctes, ctes...), "hits AS MATERIALIZED (SELECT s.node_id, s.type, ("+score+") AS score, "+
		"substr(s.a, 1, "+n+") AS a, substr(s.b, 1, "+n+") AS b, substr(s.c, 1, "+n+") AS c "+
		"FROM m JOIN search_index AS s ON s.id = m.id"+join+where+")")
	return b.pageSQL(ctes, p, ""), b.args
}
