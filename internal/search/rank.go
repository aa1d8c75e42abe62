package search

import (
	"strings"
)

// Ranking. A hit's score adds up, for each clause of the query, what its best match is
// worth: the field it is in decides first (a name or title beats a description, which
// beats the rest), then the class of the match (the exact form beats another form of
// the word, which beats a compound part, which beats a prefix or a typo). Words of the
// query that appear in the query's order, next to each other, add a phrase bonus, and a
// name that is exactly the query (ignoring case, diacritics and punctuation) adds
// wholeNameScore, which puts it first.

// fieldNames are the index's weighted fields: names and titles, descriptions, the rest.
var fieldNames = [3]string{"a", "b", "c"}

// matchScores[field][class] is what one clause's best match is worth.
var matchScores = [3][nClasses]float64{
	{10, 9, 8, 7},
	{4, 3.6, 3.2, 2.8},
	{2, 1.8, 1.6, 1.4},
}

const (
	// phraseNameScore and phraseScore reward the query's words in its order, next to
	// each other, in a name and anywhere.
	phraseNameScore = 5.0
	phraseScore     = 2.0
	// wholeNameScore rewards a name that is exactly the query.
	wholeNameScore = 100.0
	// maxPhraseVariants bounds the ways of writing a phrase that SQLite is asked for
	// (one FTS5 phrase per combination of the words' forms).
	maxPhraseVariants = 32
)

// Bounded work. Ranking every match of a common word costs as much as the matches
// (kunta is in 125,000 of 230,000 rows at scale 10), so a search ranks at most three
// candidate sets of TierCap rows each: the hits with every clause of the query in a
// name (read through an index of the names alone on PostgreSQL), the hits that match
// every clause in its exact form or another form of it (strong, when the query also has
// compound parts or fuzzy words), and the first hits of any match. Other hits are not
// returned, and the count stops at CountCap: a page is ranked exactly when the search
// has at most TierCap hits, and among the strongest candidates when it has more.

// cterm is a term of the query with its words expanded: a word's matching indexed
// words by class, or a phrase's exact forms, word by word.
type cterm struct {
	classes  expansion
	phrase   [][]string
	isPhrase bool
}

func (t *cterm) empty() bool {
	if t.isPhrase {
		for _, ws := range t.phrase {
			if len(ws) == 0 {
				return true
			}
		}
		return false
	}
	return t.classes.empty()
}

// cclause is a clause with its terms expanded.
type cclause struct{ alts []cterm }

// compiled is the query with every word expanded: what the statements are built from.
type compiled struct {
	clauses  []cclause
	excludes []cterm
	// order lists, per clause, the words (exact and other forms) that make the phrase
	// bonus; nil when the query has one clause or a clause with alternatives.
	order [][]string
	// nameKey is the query as a whole name, "|word word|", folded; "" when not one.
	nameKey string
	// marks are the indexed words that matched, for snippets.
	marks map[string]bool
	// none reports that some clause can match nothing, so there are no hits.
	none bool
}

// compile expands the parsed query's words into the matching indexed words.
func compile(p parsed, exp map[string]*expansion) *compiled {
	c := &compiled{marks: map[string]bool{}}
	mk := func(t term, mark bool) cterm {
		if t.phrase {
			ct := cterm{isPhrase: true}
			for _, w := range t.words {
				e := exp[w]
				ct.phrase = append(ct.phrase, e[classExact])
				if mark {
					for _, x := range e[classExact] {
						c.marks[x] = true
					}
				}
			}
			return ct
		}
		e := exp[t.words[0]]
		if mark {
			for _, ws := range e {
				for _, x := range ws {
					c.marks[x] = true
				}
			}
		}
		return cterm{classes: *e}
	}
	simple := len(p.clauses) > 0
	var key []string
	for _, cl := range p.clauses {
		var cc cclause
		for _, t := range cl.alts {
			if ct := mk(t, true); !ct.empty() {
				cc.alts = append(cc.alts, ct)
			}
		}
		if len(cc.alts) == 0 {
			c.none = true
		}
		c.clauses = append(c.clauses, cc)
		if len(cl.alts) != 1 {
			simple = false
			continue
		}
		for _, w := range cl.alts[0].words {
			key = append(key, fold(w))
		}
	}
	if simple {
		c.nameKey = "|" + strings.Join(key, " ") + "|"
	}
	if simple && len(c.clauses) > 1 && !c.none {
		for _, cc := range c.clauses {
			t := cc.alts[0]
			if t.isPhrase {
				c.order = nil
				break
			}
			c.order = append(c.order, t.classes.upTo(classLemma))
		}
		for _, ws := range c.order {
			if len(ws) == 0 {
				c.order = nil
				break
			}
		}
	}
	for _, t := range p.excludes {
		ct := mk(t, false)
		if !ct.isPhrase {
			// Excluding a word excludes its forms, not its compounds or typos.
			ct.classes[classPart], ct.classes[classFuzzy] = nil, nil
		}
		if !ct.empty() {
			c.excludes = append(c.excludes, ct)
		}
	}
	return c
}
