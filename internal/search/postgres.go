package search

import (
	"context"
	"fmt"
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

// tsMatch is the tsquery every hit matches, with each clause's words of the classes up
// to last (false when a clause has none).
func tsMatch(c *compiled, last int) (string, bool) {
	var match []string
	for _, cl := range c.clauses {
		var alts []string
		for _, t := range cl.alts {
			if q := tsTerm(t, last, ""); q != "" {
				alts = append(alts, q)
			}
		}
		if len(alts) == 0 {
			return "", false
		}
		match = append(match, "("+strings.Join(alts, " | ")+")")
	}
	q := strings.Join(match, " & ")
	for _, t := range c.excludes {
		q += " & !" + tsTerm(t, nClasses-1, "")
	}
	return q, true
}

// postgresStatement returns the page query of the plan and its arguments.
func postgresStatement(p *plan, c *compiled) (string, []any) {
	b := &builder{dia: dialect.Postgres}
	q, _ := tsMatch(c, nClasses-1)
	ctes, filters := b.filters(p, "s.node_id", "s.type")
	where := func(tq string) string {
		return strings.Join(append([]string{"s.tsv @@ " + b.arg(tq) + "::tsquery"}, filters...), " AND ")
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
	all := where(q)
	limit := func(n int) string { return " LIMIT " + strconv.Itoa(n) }
	scored := func(from string) string {
		return "(SELECT s.node_id, s.type, " + sc + " AS score FROM " + from + ")"
	}
	// The name tier reads the rows with every clause in a name through the small index
	// of names and checks the whole query on those rows only (the fence, OFFSET 0, keeps
	// the planner from AND-ing in the big index of every field).
	var every []string
	for _, cl := range c.clauses {
		var alts []string
		for _, t := range cl.alts {
			alts = append(alts, tsTerm(t, nClasses-1, ""))
		}
		every = append(every, "("+strings.Join(alts, " | ")+")")
	}
	tiers := []string{
		scored("(SELECT s.* FROM search_index AS s WHERE " +
			strings.Join(append([]string{"s.tsv_a @@ " + b.arg(strings.Join(every, " & ")) + "::tsquery"}, filters...), " AND ") +
			limit(4*TierCap) + " OFFSET 0) AS s WHERE s.tsv @@ " + b.arg(q) + "::tsquery" + limit(TierCap)),
		scored("(SELECT * FROM matched" + limit(TierCap) + ") AS s"),
	}
	cols := "SELECT s.node_id, s.type, s.tsv, s.tsv_a, s.nk FROM search_index AS s WHERE "
	matched := cols + all + limit(CountCap+1)
	if strong, ok := tsMatch(c, classLemma); ok && strong != q {
		// The strong matches (exact forms and other forms, without compound parts and
		// typos) are fewer words to look up; when there are more than CountCap of them,
		// they are the count's lower bound, and the statement never evaluates the whole
		// query over the table (PostgreSQL skips a branch whose one-time filter is false).
		ctes = append(ctes, "strong AS MATERIALIZED ("+cols+where(strong)+limit(CountCap+1)+")")
		tiers = append(tiers, scored("(SELECT * FROM strong"+limit(TierCap)+") AS s"))
		many := "(SELECT count(*) FROM strong) > " + strconv.Itoa(CountCap)
		matched = "SELECT * FROM strong WHERE " + many +
			" UNION ALL (" + cols + all + " AND NOT " + many + limit(CountCap+1) + ")"
	}
	ctes = append(ctes,
		"matched AS MATERIALIZED ("+matched+")",
		"hits AS (SELECT node_id, type, max(score) AS score FROM ("+strings.Join(tiers, " UNION ALL ")+") AS t GROUP BY node_id, type)")
	count := "SELECT count(*) AS total FROM matched"
	return b.pageSQL(ctes, p, ` COLLATE "C"`, count), b.args
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
