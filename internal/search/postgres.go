package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
)

// searchPostgres matches the expanded words against the weighted tsvector of
// search_index (GIN index) and scores each hit (see rank.go).
func searchPostgres(ctx context.Context, qr Querier, p *plan, c *compiled) (*Result, error) {
	stmt, args := postgresStatement(p, c)
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

// tsWords is a tsquery of any of the words, restricted to a weight when w is not "".
func tsWords(ws []string, w string) string {
	parts := make([]string, len(ws))
	for i, x := range ws {
		parts[i] = tsLexeme(x)
		if w != "" {
			parts[i] += ":" + w
		}
	}
	return "(" + strings.Join(parts, " | ") + ")"
}

// tsTerm is a tsquery of a term's words of the classes up to last (a phrase: its exact
// forms in order), restricted to a weight when w is not "".
func tsTerm(t cterm, last int, w string) string {
	if t.isPhrase {
		parts := make([]string, len(t.phrase))
		for i, ws := range t.phrase {
			parts[i] = tsWords(ws, w)
		}
		return "(" + strings.Join(parts, " <-> ") + ")"
	}
	ws := t.classes.upTo(last)
	if len(ws) == 0 {
		return ""
	}
	return tsWords(ws, w)
}

// tsClassOf is a tsquery of the clause's matches of exactly one class in one field.
func tsClassOf(cl cclause, class int, w string) string {
	var parts []string
	for _, t := range cl.alts {
		switch {
		case t.isPhrase && class == classExact:
			parts = append(parts, tsTerm(t, 0, w))
		case !t.isPhrase && len(t.classes[class]) > 0:
			parts = append(parts, tsWords(t.classes[class], w))
		}
	}
	return strings.Join(parts, " | ")
}

// tsMatch is the tsquery every hit matches, one per clause, with each clause's words
// of the classes up to last (false when a clause has none); the exclusions go with the
// first clause. Separate conditions on the same GIN index are separate scan keys, which
// PostgreSQL intersects more cheaply than one tsquery that ANDs two long ORs.
func tsMatch(c *compiled, last int) ([]string, bool) {
	var match []string
	for _, cl := range c.clauses {
		var alts []string
		for _, t := range cl.alts {
			if q := tsTerm(t, last, ""); q != "" {
				alts = append(alts, q)
			}
		}
		if len(alts) == 0 {
			return nil, false
		}
		match = append(match, "("+strings.Join(alts, " | ")+")")
	}
	for _, t := range c.excludes {
		match[0] += " & !" + tsTerm(t, nClasses-1, "")
	}
	return match, true
}

// postgresStatement returns the page query of the plan and its arguments.
func postgresStatement(p *plan, c *compiled) (string, []any) {
	b := &builder{dia: dialect.Postgres}
	qs, _ := tsMatch(c, nClasses-1)
	ctes, filters := b.filters(p, "s.node_id", "s.type")
	where := func(tqs []string) string {
		conds := make([]string, 0, len(tqs)+len(filters))
		for _, tq := range tqs {
			conds = append(conds, "s.tsv @@ "+b.arg(tq)+"::tsquery")
		}
		return strings.Join(append(conds, filters...), " AND ")
	}
	var score []string
	for _, cl := range c.clauses {
		var whens []string
		for class := 0; class < nClasses; class++ {
			if tq := tsClassOf(cl, class, ""); tq != "" {
				whens = append(whens, "WHEN s.tsv_a @@ "+b.arg(tq)+"::tsquery THEN "+num(matchScores[0][class]))
			}
		}
		for f, fw := range []string{"B", "C"} {
			for class := 0; class < nClasses; class++ {
				if tq := tsClassOf(cl, class, fw); tq != "" {
					whens = append(whens, "WHEN s.tsv @@ "+b.arg(tq)+"::tsquery THEN "+num(matchScores[f+1][class]))
				}
			}
		}
		score = append(score, "(CASE "+strings.Join(whens, " ")+" ELSE 0 END)")
	}
	if len(c.order) > 1 {
		parts, partsA := make([]string, len(c.order)), make([]string, len(c.order))
		for i, ws := range c.order {
			parts[i], partsA[i] = tsWords(ws, ""), tsWords(ws, "A")
		}
		score = append(score, "(CASE WHEN s.tsv @@ "+b.arg(strings.Join(partsA, " <-> "))+"::tsquery THEN "+num(phraseNameScore)+
			" WHEN s.tsv @@ "+b.arg(strings.Join(parts, " <-> "))+"::tsquery THEN "+num(phraseScore)+" ELSE 0 END)")
	}
	if c.nameKey != "" {
		score = append(score, "(CASE WHEN strpos(s.nk, "+b.arg(c.nameKey)+") > 0 THEN "+num(wholeNameScore)+" ELSE 0 END)")
	}
	sc := "(" + strings.Join(score, " + ") + ")::float8"
	limit := func(n int) string { return " LIMIT " + strconv.Itoa(n) }
	cols := "SELECT s.node_id, s.type, s.tsv, s.tsv_a, s.nk FROM search_index AS s WHERE "
	// The name tier reads the rows with every clause in a name through the small index
	// of names and checks the whole query on at most 4*TierCap of them. The rows come
	// from a CTE, read as far as the limits need: planned apart from the limits, it
	// takes the index; with a LIMIT in view and an estimate of thousands of named rows
	// (for 329), the planner chose a sequential scan that met them after 115,000 rows.
	var every []string
	for _, cl := range c.clauses {
		var alts []string
		for _, t := range cl.alts {
			alts = append(alts, tsTerm(t, nClasses-1, ""))
		}
		every = append(every, "("+strings.Join(alts, " | ")+")")
	}
	ctes = append(ctes, "names AS MATERIALIZED ("+cols+
		strings.Join(append([]string{"s.tsv_a @@ " + b.arg(strings.Join(every, " & ")) + "::tsquery"}, filters...), " AND ")+")")
	tiers := []string{
		"(SELECT * FROM (SELECT * FROM names" + limit(4*TierCap) + ") AS s WHERE s.tsv @@ " + b.arg(strings.Join(qs, " & ")) + "::tsquery" + limit(TierCap) + ")",
		"(SELECT * FROM matched" + limit(TierCap) + ")",
	}
	all := where(qs)
	matched := cols + all + limit(CountCap+1)
	if strong, ok := tsMatch(c, classLemma); ok && !slices.Equal(strong, qs) {
		// The strong matches (exact forms and other forms, without compound parts and
		// typos) are fewer words to look up; when there are more than CountCap of them,
		// they are the count's lower bound, and the statement never evaluates the whole
		// query over the table (PostgreSQL skips a branch whose one-time filter is false).
		ctes = append(ctes, "strong AS MATERIALIZED ("+cols+where(strong)+limit(CountCap+1)+")")
		tiers = append(tiers, "(SELECT * FROM strong"+limit(TierCap)+")")
		many := "(SELECT count(*) FROM strong) > " + strconv.Itoa(CountCap)
		matched = "SELECT * FROM strong WHERE " + many +
			" UNION ALL (" + cols + all + " AND NOT " + many + limit(CountCap+1) + ")"
	}
	// Each candidate is scored once, however many tiers it is in (when the strong
	// matches are many, the first TierCap of them are the first TierCap matches too).
	ctes = append(ctes,
		"matched AS MATERIALIZED ("+matched+")",
		"hits AS (SELECT s.node_id, s.type, "+sc+" AS score FROM (SELECT DISTINCT ON (node_id) * FROM ("+
			strings.Join(tiers, " UNION ALL ")+") AS u ORDER BY node_id) AS s)")
	count := "SELECT count(*) AS total FROM matched"
	return b.pageSQL(ctes, p, ` COLLATE "C"`, count), b.args
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
