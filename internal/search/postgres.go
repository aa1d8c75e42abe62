package search

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
)

// pgFieldWeights are what a match in the fields a, b and c is worth, after
// saturation: each field's ts_rank_cd is normalised to rank/(rank+1) (normalisation
// 32), so that many matches in a long description never outweigh one in the name.
var pgFieldWeights = [3]struct{ field, weight string }{{"a", "1.0"}, {"b", "0.4"}, {"c", "0.2"}}

// Scores a PostgreSQL hit earns for each word found only inside a longer word, by the
// field it is in: a tenth of the most a whole-word match there can give.
var pgInfixScores = [3]string{"0.1", "0.04", "0.02"}

// pgRank is the saturated, field-weighted rank of a tsvector column for a tsquery.
func pgRank(col, query string) string {
	parts := make([]string, len(pgFieldWeights))
	for i, f := range pgFieldWeights {
		parts[i] = fmt.Sprintf("%s * ts_rank_cd('{1, 1, 1, 1}'::float4[], ts_filter(%s, '{%s}'), %s, 32)",
			f.weight, col, f.field, query)
	}
	return "(" + strings.Join(parts, " + ") + ")::float8"
}

// searchPostgres searches search_index: each token must match the Finnish tsvector
// (same stem), the simple folded tsvector (prefix), or, when long enough, the folded
// text of a field (infix). The score adds up the saturated, field-weighted ts_rank_cd
// of both tsvectors (see pgFieldWeights) and the infix scores.
func searchPostgres(ctx context.Context, qr Querier, p *plan) (*Result, error) {
	stmt, args := postgresStatement(p)
	rows, err := qr.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	hits, total, err := scanPage(rows)
	if err != nil {
		return nil, err
	}
	h := &highlighter{tokens: p.tokens}
	if h.stems, err = stemMatches(ctx, qr, p, hits); err != nil {
		return nil, err
	}
	return p.page(hits, total, h), nil
}

// postgresStatement returns the page query of the plan and its arguments.
func postgresStatement(p *plan) (string, []any) {
	b := &builder{dia: dialect.Postgres}
	var (
		conds   []string
		fiOr    []string
		prefix  []string
		infixes []string
	)
	for _, t := range p.tokens {
		fi := "plainto_tsquery('finnish', " + b.arg(t.lower) + ")"
		pre := b.arg(tsLexeme(t.folded)+":*") + "::tsquery"
		alts := []string{"s.tsv_fi @@ " + fi, "s.tsv_simple @@ " + pre}
		if t.infix() {
			like := b.arg(likePattern(t.folded))
			alts = append(alts, "s.fa LIKE "+like, "s.fb LIKE "+like, "s.fc LIKE "+like)
			infixes = append(infixes, fmt.Sprintf("(CASE WHEN s.fa LIKE %[1]s THEN %[2]s WHEN s.fb LIKE %[1]s THEN %[3]s WHEN s.fc LIKE %[1]s THEN %[4]s ELSE 0 END)",
				like, pgInfixScores[0], pgInfixScores[1], pgInfixScores[2]))
		}
		conds = append(conds, "("+strings.Join(alts, " OR ")+")")
		fiOr = append(fiOr, fi)
		prefix = append(prefix, pre)
	}
	score := pgRank("s.tsv_fi", "("+strings.Join(fiOr, " || ")+")") + " + " +
		pgRank("s.tsv_simple", "("+strings.Join(prefix, " || ")+")")
	if len(infixes) > 0 {
		score += " + (" + strings.Join(infixes, " + ") + ")::float8"
	}
	ctes, filters := b.filters(p, "s.node_id", "s.type")
	conds = append(conds, filters...)
	n := strconv.Itoa(snippetChars)
	ctes = append(ctes, "hits AS (SELECT s.node_id, s.type, ("+score+") AS score, "+
		"substr(s.a, 1, "+n+") AS a, substr(s.b, 1, "+n+") AS b, substr(s.c, 1, "+n+") AS c "+
		"FROM search_index AS s WHERE "+strings.Join(conds, " AND ")+")")
	return b.pageSQL(ctes, p, ` COLLATE "C"`), b.args
}

// stemMatches asks PostgreSQL which words of the hits' text have the Finnish stem of a
// token, so that snippets mark them ("kunnat" for "kunta"). It asks only about words
// that begin with the part of a token before its R1 region: the Snowball stemmer only
// ever removes letters inside R1, so no other word can share the token's stem.
func stemMatches(ctx context.Context, qr Querier, p *plan, hits []row) (map[string]bool, error) {
	stems := make([]string, len(p.tokens))
	for i, t := range p.tokens {
		stems[i] = t.lower[:r1(t.lower)]
	}
	seen := map[string]bool{}
	var list []string
	for i, r := range hits {
		if i == p.first {
			break
		}
		for _, f := range []string{r.a, r.b, r.c} {
			for _, w := range words(f) {
				lw := strings.ToLower(compose(f[w.start:w.end]))
				if seen[lw] {
					continue
				}
				seen[lw] = true
				for _, s := range stems {
					if strings.HasPrefix(lw, s) {
						list = append(list, lw)
						break
					}
				}
			}
		}
	}
	if len(list) == 0 {
		return nil, nil
	}
	b := &builder{dia: dialect.Postgres}
	raw, err := json.Marshal(list)
	if err != nil {
		return nil, fmt.Errorf("encode words: %w", err)
	}
	words := b.arg(string(raw))
	fi := make([]string, len(p.tokens))
	for i, t := range p.tokens {
		fi[i] = "plainto_tsquery('finnish', " + b.arg(t.lower) + ")"
	}
	rows, err := qr.QueryContext(ctx, "SELECT w FROM jsonb_array_elements_text("+words+"::jsonb) AS t (w) "+
		"WHERE to_tsvector('finnish', w) @@ ("+strings.Join(fi, " || ")+")", b.args...)
	if err != nil {
		return nil, fmt.Errorf("match stems: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("match stems: %w", err)
		}
		out[w] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match stems: %w", err)
	}
	return out, nil
}

// r1 returns the byte offset of the Finnish Snowball stemmer's region R1 in a
// lower-case word: after the first non-vowel that follows a vowel, or the word's end.
func r1(w string) int {
	vowel := false
	for i, r := range w {
		if strings.ContainsRune("aeiouyäö", r) {
			vowel = true
			continue
		}
		if vowel {
			return i + utf8.RuneLen(r)
		}
	}
	return len(w)
}
