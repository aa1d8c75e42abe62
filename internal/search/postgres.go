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

// postgresStatement returns the page query of the plan and its arguments.
func postgresStatement(p *plan, c *compiled) (string, []any) {
	b := &builder{dia: dialect.Postgres}
	var match []string
	for _, cl := range c.clauses {
		var alts []string
		for _, t := range cl.alts {
			alts = append(alts, tsTerm(t, nClasses-1, ""))
		}
		match = append(match, "("+strings.Join(alts, " | ")+")")
	}
	q := strings.Join(match, " & ")
	for _, t := range c.excludes {
		q += " & !" + tsTerm(t, nClasses-1, "")
	}
	var score []string
	for _, cl := range c.clauses {
		var whens []string
		for f, fw := range []string{"A", "B", "C"} {
			for class := 0; class < nClasses; class++ {
				if tq := tsClassOf(cl, class, fw); tq != "" {
					whens = append(whens, "WHEN s.tsv @@ "+b.arg(tq)+"::tsquery THEN "+num(matchScores[f][class]))
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
	ctes, filters := b.filters(p, "s.node_id", "s.type")
	conds := append([]string{"s.tsv @@ " + b.arg(q) + "::tsquery"}, filters...)
	n := strconv.Itoa(snippetChars)
	ctes = append(ctes, "hits AS (SELECT s.node_id, s.type, ("+strings.Join(score, " + ")+")::float8 AS score, "+
		"substr(s.a, 1, "+n+") AS a, substr(s.b, 1, "+n+") AS b, substr(s.c, 1, "+n+") AS c "+
		"FROM search_index AS s WHERE "+strings.Join(conds, " AND ")+")")
	return b.pageSQL(ctes, p, ` COLLATE "C"`), b.args
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
