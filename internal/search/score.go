package search

import (
	"strings"
	"unicode"
)

// Scoring in Go, from a candidate's text (SQLite). It gives the score rank.go describes,
// the same that PostgreSQL computes with tsqueries, from the words as FTS5's unicode61
// tokenizer (remove_diacritics 0) splits and folds them: letters, numbers and private
// use characters make a word, lower-cased; everything else separates words.

// ftsTokens returns the words of s as FTS5 indexes them.
func ftsTokens(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

// wordSet is a set of indexed words.
type wordSet map[string]bool

func setOf(ws []string) wordSet {
	s := make(wordSet, len(ws))
	for _, w := range ws {
		s[w] = true
	}
	return s
}

// anyIn reports whether one of the tokens is in the set.
func (s wordSet) anyIn(toks []string) bool {
	for _, t := range toks {
		if s[t] {
			return true
		}
	}
	return false
}

// phraseIn reports whether the tokens hold consecutive words, the i-th of them in
// sets[i].
func phraseIn(sets []wordSet, toks []string) bool {
	for i := 0; i+len(sets) <= len(toks); i++ {
		ok := true
		for k, s := range sets {
			if !s[toks[i+k]] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// scorer holds a compiled query's words as sets, built once per search.
type scorer struct {
	// clauses[i][class] are the matchers of clause i's alternatives in that class.
	clauses [][nClasses][]func(toks []string) bool
	order   []wordSet
	nameKey string
}

func (c *compiled) scorer() *scorer {
	sc := &scorer{nameKey: c.nameKey}
	for _, cl := range c.clauses {
		var ms [nClasses][]func([]string) bool
		for _, t := range cl.alts {
			if t.isPhrase {
				sets := make([]wordSet, len(t.phrase))
				for i, ws := range t.phrase {
					sets[i] = setOf(ws)
				}
				ms[classExact] = append(ms[classExact], func(toks []string) bool { return phraseIn(sets, toks) })
				continue
			}
			for class := 0; class < nClasses; class++ {
				if len(t.classes[class]) > 0 {
					ms[class] = append(ms[class], setOf(t.classes[class]).anyIn)
				}
			}
		}
		sc.clauses = append(sc.clauses, ms)
	}
	if len(c.order) > 1 {
		for _, ws := range c.order {
			sc.order = append(sc.order, setOf(ws))
		}
	}
	return sc
}

// score is a candidate's score from its fields (names, descriptions, the rest) and its
// name key: for each clause, the best field and class it matches in; the phrase bonus;
// the whole name bonus.
func (sc *scorer) score(a, b, c, nk string) float64 {
	fields := [3][]string{ftsTokens(a), ftsTokens(b), ftsTokens(c)}
	var score float64
	for _, ms := range sc.clauses {
		score += clauseScore(ms, fields)
	}
	if len(sc.order) > 1 {
		switch {
		case phraseIn(sc.order, fields[0]):
			score += phraseNameScore
		case phraseIn(sc.order, fields[1]) || phraseIn(sc.order, fields[2]):
			score += phraseScore
		}
	}
	if sc.nameKey != "" && strings.Contains(nk, sc.nameKey) {
		score += wholeNameScore
	}
	return score
}

// clauseScore is what a clause's best match is worth: the first field, then the first
// class, that one of its alternatives matches in.
func clauseScore(ms [nClasses][]func([]string) bool, fields [3][]string) float64 {
	for f, toks := range fields {
		for class, fs := range ms {
			for _, m := range fs {
				if m(toks) {
					return matchScores[f][class]
				}
			}
		}
	}
	return 0
}
