package search

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
)

// searchSQLite matches the expanded words with the FTS5 table search_index_fts, reads
// the candidates (see rank.go) with their text, and scores them in Go (score.go).
//
// Scoring in SQL asked FTS5, for each clause, field and class, for the set of every row
// that matches it, and looked each candidate up in those sets: for a word as common as
// kunta (in half the rows), the sets were the table. The candidates' own text, at most
// three TierCap rows, is all the score needs.
func searchSQLite(ctx context.Context, qr Querier, p *plan, c *compiled) (*Result, error) {
	stmt, args := sqliteStatement(p, c)
	rows, err := qr.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var (
		hits  []row
		total int
		sc    = c.scorer()
	)
	for rows.Next() {
		var id, typ, a, b, cc, nk sql.NullString
		if err := rows.Scan(&total, &id, &typ, &a, &b, &cc, &nk); err != nil {
			return nil, fmt.Errorf("scan candidate: %w", err)
		}
		if !id.Valid {
			continue
		}
		r := row{id: id.String, typ: typ.String, score: sc.score(a.String, b.String, cc.String, nk.String)}
		if p.after != nil && !(r.score < p.after.score || (r.score == p.after.score && r.id > p.after.id)) {
			continue
		}
		r.a, r.b, r.c = firstRunes(a.String, snippetChars), firstRunes(b.String, snippetChars), firstRunes(cc.String, snippetChars)
		hits = append(hits, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read candidates: %w", err)
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].id < hits[j].id
	})
	if len(hits) > p.first+1 {
		hits = hits[:p.first+1]
	}
	return p.page(hits, total, &highlighter{marks: c.marks}), nil
}

// ftsWords is an FTS5 expression of any of the words.
func ftsWords(ws []string) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = ftsString(w)
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// ftsPhrase is an FTS5 expression of the phrase whose words may take the given forms:
// one FTS5 phrase per combination, at most maxPhraseVariants (then only the first
// form of the words past the limit).
func ftsPhrase(forms [][]string) string {
	combos := [][]string{nil}
	for _, ws := range forms {
		var next [][]string
		for _, prefix := range combos {
			for i, w := range ws {
				if i > 0 && len(next) >= maxPhraseVariants {
					break
				}
				next = append(next, append(append([]string{}, prefix...), w))
			}
		}
		combos = next
	}
	parts := make([]string, len(combos))
	for i, ws := range combos {
		parts[i] = ftsString(strings.Join(ws, " "))
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// ftsTerm is an FTS5 expression of a term's words of the classes up to last (a phrase:
// its exact forms in order).
func ftsTerm(t cterm, last int) string {
	if t.isPhrase {
		return ftsPhrase(t.phrase)
	}
	return ftsWords(t.classes.upTo(last))
}

// ftsMatch is the FTS5 expression every hit matches, with each clause's words of the
// classes up to last (false when a clause has none).
func ftsMatch(c *compiled, last int) (string, bool) {
	var match []string
	for _, cl := range c.clauses {
		var alts []string
		for _, t := range cl.alts {
			if t.isPhrase || len(t.classes.upTo(last)) > 0 {
				alts = append(alts, ftsTerm(t, last))
			}
		}
		if len(alts) == 0 {
			return "", false
		}
		match = append(match, "("+strings.Join(alts, " OR ")+")")
	}
	return ftsExcluding(c, strings.Join(match, " AND ")), true
}

// ftsExcluding is the FTS5 expression of the rows that match q and none of the query's
// exclusions.
func ftsExcluding(c *compiled, q string) string {
	if len(c.excludes) == 0 {
		return q
	}
	var ex []string
	for _, t := range c.excludes {
		ex = append(ex, ftsTerm(t, nClasses-1))
	}
	return "(" + q + ") NOT (" + strings.Join(ex, " OR ") + ")"
}

// sqliteStatement returns the page query of the plan and its arguments.
func sqliteStatement(p *plan, c *compiled) (string, []any) {
	b := &builder{dia: dialect.SQLite}
	q, _ := ftsMatch(c, nClasses-1)
	var every []string
	for _, cl := range c.clauses {
		var alts []string
		for _, t := range cl.alts {
			alts = append(alts, ftsTerm(t, nClasses-1))
		}
		every = append(every, "("+strings.Join(alts, " OR ")+")")
	}
	fctes, conds := b.filters(p, "s.node_id", "s.type")
	from := func(expr string) string {
		return "FROM search_index_fts JOIN search_index AS s ON s.id = search_index_fts.rowid WHERE " +
			strings.Join(append([]string{"search_index_fts MATCH " + b.arg(expr)}, conds...), " AND ")
	}
	all := from(q)
	// Every clause in a name implies the whole query but its exclusions: the name tier
	// asks FTS5 for no more than that.
	tiers := []string{
		"SELECT * FROM (SELECT s.id " + from(ftsExcluding(c, "{a} : ("+strings.Join(every, " AND ")+")")) + " LIMIT " + strconv.Itoa(TierCap) + ")",
		"SELECT * FROM (SELECT id FROM matched LIMIT " + strconv.Itoa(TierCap) + ")",
	}
	if strong, ok := ftsMatch(c, classLemma); ok && strong != q {
		tiers = append(tiers, "SELECT * FROM (SELECT s.id "+from(strong)+" LIMIT "+strconv.Itoa(TierCap)+")")
	}
	ctes := []string{
		"matched AS MATERIALIZED (SELECT s.id " + all + " LIMIT " + strconv.Itoa(CountCap+1) + ")",
		"m AS MATERIALIZED (" + strings.Join(tiers, " UNION ") + ")",
	}
	return "WITH " + strings.Join(append(fctes, ctes...), ",\n") + `
SELECT t.total, s.node_id, s.type, s.a, s.b, s.c, s.nk
FROM (SELECT count(*) AS total FROM matched) AS t
LEFT JOIN m ON true
LEFT JOIN search_index AS s ON s.id = m.id`, b.args
}
