package search

import (
	"strings"
	"unicode"
)

// The query syntax: words separated by spaces must all match; "…" is a phrase (its
// words in this order, next to each other, in the forms written); OR between two words
// or phrases lets either match; a word or phrase preceded by - (after a space or at the
// start) excludes the nodes it matches. Everything else only separates words, so no
// text is refused for its syntax: an unbalanced quote is ignored (its words are words),
// an OR without a word or phrase on each side is ignored, and - inside a word
// (Tampere-talo) separates words that must each match.

// term is a word (one entry in words) or a phrase, lower-cased.
type term struct {
	words  []string
	phrase bool
}

// clause is one condition every hit meets: a match of one of its terms.
type clause struct{ alts []term }

// parsed is the search text as clauses to meet and terms to exclude.
type parsed struct {
	clauses  []clause
	excludes []term
}

// item is a term as it was typed, before OR joins items into clauses.
type item struct {
	t      term
	negate bool
	or     bool // the bare word OR, upper-case as typed
}

// parseText splits the search text into clauses and excluded terms.
func parseText(text string) parsed {
	text = compose(text)
	var items []item
	rs := []rune(text)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		case r == '-' && i+1 < len(rs) && (rs[i+1] == '"' || isWordRune(rs[i+1])):
			it, next := readItem(rs, i+1)
			i = next
			if len(it.t.words) > 0 {
				it.negate = true
				items = append(items, it)
			}
			continue
		}
		it, next := readItem(rs, i)
		if next == i {
			i++
			continue
		}
		i = next
		if len(it.t.words) > 0 || it.or {
			items = append(items, it)
		}
	}
	var p parsed
	seen := map[string]bool{}
	for i := 0; i < len(items); i++ {
		it := items[i]
		if it.or {
			// An OR between two positive items is an operator; otherwise a word.
			if len(p.clauses) > 0 && i+1 < len(items) && !items[i+1].or && !items[i+1].negate && !items[i-1].negate {
				next := items[i+1]
				next.t.phrase = len(next.t.words) > 1
				last := &p.clauses[len(p.clauses)-1]
				if k := key(next.t); !seen[k] {
					seen[k] = true
					last.alts = append(last.alts, next.t)
				}
				i++
				continue
			}
			continue // an OR without a word on each side is ignored
		}
		if it.negate && len(it.t.words) > 1 {
			it.t.phrase = true
		}
		if !it.t.phrase && len(it.t.words) > 1 {
			for _, w := range it.t.words {
				if k := key(term{words: []string{w}}); !seen[k] {
					seen[k] = true
					p.clauses = append(p.clauses, clause{alts: []term{{words: []string{w}}}})
				}
			}
			continue
		}
		k := key(it.t)
		if it.negate {
			if !seen["-"+k] {
				seen["-"+k] = true
				p.excludes = append(p.excludes, it.t)
			}
			continue
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		p.clauses = append(p.clauses, clause{alts: []term{it.t}})
	}
	return p
}

func key(t term) string {
	k := strings.Join(t.words, " ")
	if t.phrase {
		return `"` + k + `"`
	}
	return k
}

// readItem reads a phrase or a word starting at rs[i]: a phrase when rs[i] is a quote
// (to the closing quote or the end), else a run of word runes. It returns the position
// after the item; a run of separators gives an empty term.
func readItem(rs []rune, i int) (item, int) {
	if rs[i] == '"' {
		end := i + 1
		for end < len(rs) && rs[end] != '"' {
			end++
		}
		ws := splitWords(string(rs[i+1 : end]))
		if end == len(rs) {
			// An unbalanced quote is ignored: its words are words.
			return item{t: term{words: ws}}, end
		}
		end++
		if len(ws) == 1 {
			return item{t: term{words: ws}}, end
		}
		return item{t: term{words: ws, phrase: len(ws) > 1}}, end
	}
	end := i
	for end < len(rs) && !unicode.IsSpace(rs[end]) && rs[end] != '"' {
		end++
	}
	if end == i {
		return item{}, i + 1
	}
	raw := string(rs[i:end])
	if raw == "OR" {
		return item{or: true}, end
	}
	ws := splitWords(raw)
	switch len(ws) {
	case 0:
		return item{}, end
	case 1:
		return item{t: term{words: ws}}, end
	}
	// "Tampere-talo", "sote/maakunta": the words of one run are separate words (each
	// in any of its forms), or a phrase when excluded.
	return item{t: term{words: ws}}, end
}

// splitWords returns the lower-cased words of s that have a letter or a number.
func splitWords(s string) []string {
	var out []string
	for _, w := range words(s) {
		lw := strings.ToLower(s[w.start:w.end])
		if hasLetterOrNumber(lw) {
			out = append(out, lw)
		}
	}
	return out
}

// distinctWords returns every distinct word of the clauses and the excluded terms.
func (p parsed) distinctWords() []string {
	var out []string
	seen := map[string]bool{}
	add := func(t term) {
		for _, w := range t.words {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	for _, c := range p.clauses {
		for _, t := range c.alts {
			add(t)
		}
	}
	for _, t := range p.excludes {
		add(t)
	}
	return out
}
