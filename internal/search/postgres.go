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
//
// Counting the hits of common words is most of a search's cost (the index intersects
// posting lists of tens of thousands of rows even for a count capped at CountCap). With
// p.counts, the count is kept until the next write: the first run of a search counts
// and pages in one statement, as without it; a later run of the same search (the next
// page, the same query again) pages only, and when the hits with every word in a name
// are few enough to be read whole and outrank anything else, from those alone.
func searchPostgres(ctx context.Context, qr Querier, p *plan, c *compiled) (*Result, error) {
	run := func(mode pgMode, total int) ([]row, int, error) {
		stmt, args := postgresStatement(p, c, mode, total)
		rows, err := qr.QueryContext(ctx, stmt, args...)
		if err != nil {
			return nil, 0, fmt.Errorf("query: %w", err)
		}
		return scanPage(rows)
	}
	if p.counts == nil {
		hits, total, err := run(pgCountAndPage, 0)
		if err != nil {
			return nil, err
		}
		return p.page(hits, total, &highlighter{marks: c.marks}), nil
	}
	var hits []row
	counted := false
	total, err := p.counts.Count(ctx, "search\x00"+p.key, nil, func(context.Context) (int, error) {
		var n int
		var err error
		hits, n, err = run(pgCountAndPage, 0)
		counted = true
		return n, err
	})
	if err != nil {
		return nil, err
	}
	if counted {
		return p.page(hits, total, &highlighter{marks: c.marks}), nil
	}
	// Whether the name tier is read whole depends on the search, not on the page: it
	// is kept with the count, and a search whose named hits are too many to be read
	// whole pages without trying them again.
	var named []row
	tried := false
	whole, err := p.counts.Count(ctx, "search names\x00"+p.key, nil, func(context.Context) (int, error) {
		rows, cut, err := run(pgNamesPage, 0)
		named, tried = rows, true
		if err != nil || cut != 0 {
			return 0, err
		}
		return 1, nil
	})
	if err != nil {
		return nil, err
	}
	if whole == 1 && !tried {
		if named, _, err = run(pgNamesPage, 0); err != nil {
			return nil, err
		}
	}
	if whole == 1 && len(named) > p.first && named[p.first].score > unnamedScoreBound(c) {
		hits = named
	} else if hits, _, err = run(pgPage, total); err != nil {
		return nil, err
	}
	return p.page(hits, total, &highlighter{marks: c.marks}), nil
}

// pgMode is which statement postgresStatement makes.
type pgMode int

const (
	// pgCountAndPage counts the hits (up to CountCap+1) and reads a page.
	pgCountAndPage pgMode = iota
	// pgPage reads a page, with a total already counted.
	pgPage
	// pgNamesPage reads a page of the hits with every clause in a name (the name tier)
	// alone; its total is 0 when the tier was read whole, -1 when it was cut at its cap.
	pgNamesPage
)

// unnamedScoreBound is the highest score a hit without every clause of the query in a
// name can have: every other clause at its best in a name, one at its best in a
// description, and the phrase bonus outside names. A hit with every clause in a name
// scores at least the lowest name score of each clause, which is more for queries
// of exact forms and other forms (17 and up for two words, against 16).
func unnamedScoreBound(c *compiled) float64 {
	bound := matchScores[0][0]*float64(len(c.clauses)-1) + matchScores[1][0]
	if len(c.order) > 1 {
		bound += phraseScore
	}
	return bound
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

// postgresStatement returns the statement of the plan in mode (total: the count of a
// pgPage) and its arguments.
func postgresStatement(p *plan, c *compiled, mode pgMode, total int) (string, []any) {
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
	if mode == pgNamesPage {
		// Past 4*TierCap names the tier is cut: no more of them are read.
		ctes[len(ctes)-1] = strings.TrimSuffix(ctes[len(ctes)-1], ")") + limit(4*TierCap+1) + ")"
		ctes = append(ctes,
			"tier AS MATERIALIZED (SELECT * FROM (SELECT * FROM names"+limit(4*TierCap)+") AS s WHERE s.tsv @@ "+b.arg(strings.Join(qs, " & "))+"::tsquery"+limit(TierCap)+")",
			"hits AS (SELECT s.node_id, s.type, "+sc+" AS score FROM tier AS s)")
		cut := "SELECT CASE WHEN (SELECT count(*) FROM names) > " + strconv.Itoa(4*TierCap) +
			" OR (SELECT count(*) FROM tier) >= " + strconv.Itoa(TierCap) + " THEN -1 ELSE 0 END AS total"
		return b.pageSQL(ctes, p, ` COLLATE "C"`, cut), b.args
	}
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
	if mode == pgPage {
		count = "SELECT " + b.arg(total) + "::bigint AS total"
	}
	return b.pageSQL(ctes, p, ` COLLATE "C"`, count), b.args
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
