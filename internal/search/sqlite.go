package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
)

// searchSQLite matches the expanded words with the FTS5 table search_index_fts and
// scores each hit (see rank.go) from the sets of rows each clause matches in each field
// by each class.
func searchSQLite(ctx context.Context, qr Querier, p *plan, c *compiled) (*Result, error) {
	stmt, args := sqliteStatement(p, c)
	rows, err := qr.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	hits, total, err := scanPage(rows)
	if err != nil {
		return nil, err
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

// ftsClassOf is the FTS5 expression of the clause's matches of exactly one class.
func ftsClassOf(cl cclause, class int) string {
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
	q := strings.Join(match, " AND ")
	if len(c.excludes) > 0 {
		var ex []string
		for _, t := range c.excludes {
			ex = append(ex, ftsTerm(t, nClasses-1))
		}
		q = "(" + q + ") NOT (" + strings.Join(ex, " OR ") + ")"
	}
	return q, true
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
	tiers := []string{
		"SELECT * FROM (SELECT s.id " + from("("+q+") AND ({a} : ("+strings.Join(every, " AND ")+"))") + " LIMIT " + strconv.Itoa(TierCap) + ")",
		"SELECT * FROM (SELECT id FROM matched LIMIT " + strconv.Itoa(TierCap) + ")",
	}
	if strong, ok := ftsMatch(c, classLemma); ok && strong != q {
		tiers = append(tiers, "SELECT * FROM (SELECT s.id "+from(strong)+" LIMIT "+strconv.Itoa(TierCap)+")")
	}
	set := func(expr string) string {
		return "SELECT rowid FROM search_index_fts WHERE search_index_fts MATCH " + b.arg(expr)
	}
	ctes := []string{
		"matched AS MATERIALIZED (SELECT s.id " + all + " LIMIT " + strconv.Itoa(CountCap+1) + ")",
		"m AS MATERIALIZED (" + strings.Join(tiers, " UNION ") + ")",
	}
	var score []string
	for _, cl := range c.clauses {
		var whens []string
		for f, field := range fieldNames {
			for class := 0; class < nClasses; class++ {
				if e := ftsClassOf(cl, class); e != "" {
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
	ctes = append(append(fctes, ctes...), "hits AS MATERIALIZED (SELECT s.node_id, s.type, ("+strings.Join(score, " + ")+") AS score "+
		"FROM m JOIN search_index AS s ON s.id = m.id)")
	count := "SELECT count(*) AS total FROM matched"
	return b.pageSQL(ctes, p, "", count), b.args
}
