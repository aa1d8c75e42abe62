package search

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"entgo.io/ent/dialect"

	"github.com/teemaverkko/teemaverkko/internal/finnish"
)

// Match classes, best first: how an indexed word relates to a word of the query.
const (
	// classExact: the same word, ignoring case and diacritics.
	classExact = iota
	// classLemma: another form of the same word (a shared base form).
	classLemma
	// classPart: a compound word with the query word's base form as a part.
	classPart
	// classFuzzy: a word that starts with the query word (at least 3 letters), or one
	// a typo away from it (one edit from 5 letters on, two from 9), for a query word
	// that the index has in no form (exact, lemma or part).
	classFuzzy
	nClasses
)

// className names the classes, for documentation and tests.
var className = [nClasses]string{"exact", "lemma", "part", "fuzzy"}

// expansion is the indexed words a query word matches, by class. Words are as the
// index holds them: lower-case, diacritics kept.
type expansion [nClasses][]string

func (e *expansion) empty() bool {
	for _, ws := range e {
		if len(ws) > 0 {
			return false
		}
	}
	return true
}

// all returns the words of the classes up to and including last.
func (e *expansion) upTo(last int) []string {
	var out []string
	for c := 0; c <= last; c++ {
		out = append(out, e[c]...)
	}
	return out
}

// maxCandidates bounds the vocabulary words one lookup returns.
const maxCandidates = 4000

// chosen is the analyser UseAnalyzer chose; nil means finnish.Default.
var chosen atomic.Pointer[finnish.Analyzer]

func analyzer() finnish.Analyzer {
	if a := chosen.Load(); a != nil {
		return *a
	}
	return finnish.Default()
}

// Analyzer returns the name of the Finnish analyser in use: "voikko" or "snowball".
func Analyzer() string { return analyzer().Name() }

// UseAnalyzer chooses the Finnish analyser: "auto" (Voikko when it loads, else the
// Snowball stems), "voikko" (an error when it does not load) or "snowball".
func UseAnalyzer(name string) error {
	var a finnish.Analyzer
	switch name {
	case "auto", "":
		a = finnish.Default()
	case "voikko":
		v, err := finnish.OpenVoikko()
		if err != nil {
			return err
		}
		a = v
	case "snowball":
		a = finnish.Stems{}
	default:
		return fmt.Errorf("search: unknown analyser %q (auto, voikko or snowball)", name)
	}
	chosen.Store(&a)
	return nil
}

// expand looks the query words up in the vocabulary of indexed words and classifies the
// candidates: one statement for all words.
func expand(ctx context.Context, qr Querier, dia string, ws []string) (map[string]*expansion, error) {
	an := analyzer()
	_, stems := an.(finnish.Stems)
	type probe struct {
		word, folded string
		a            finnish.Analysis
		lemmas       []string // folded
		stem         string   // folded Snowball stem, for the fallback's compounds
	}
	probes := make([]probe, len(ws))
	b := &builder{dia: dia}
	var sels []string
	for i, w := range ws {
		p := probe{word: w, folded: fold(w), a: an.Analyze(w)}
		for _, l := range p.a.Lemmas {
			p.lemmas = append(p.lemmas, fold(l))
		}
		p.stem = fold(finnish.Stem(w))
		probes[i] = p
		// Candidates: words that start with the first three letters of the word (its
		// other forms, words that start with it, and typos after the third letter)…
		pre := firstRunes(p.folded, 3)
		sels = append(sels, vocabPrefix(b, pre)...)
		// …and words that contain the start of its base form (compounds that end with it).
		for _, l := range append(append([]string{}, p.lemmas...), p.stem) {
			if n := utf8.RuneCountInString(l); n >= 4 {
				inf := firstRunes(l, max(4, n-3))
				if !strings.HasPrefix(inf, pre) || utf8.RuneCountInString(inf) > 3 {
					sels = append(sels, vocabInfix(b, inf))
				}
			}
		}
	}
	cands := map[string]bool{}
	if len(sels) > 0 {
		stmt := "SELECT w FROM (" + strings.Join(sels, " UNION ") + ") AS v LIMIT " + b.arg(maxCandidates*len(ws))
		rows, err := qr.QueryContext(ctx, stmt, b.args...)
		if err != nil {
			return nil, fmt.Errorf("vocabulary: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var w string
			if err := rows.Scan(&w); err != nil {
				return nil, fmt.Errorf("vocabulary: %w", err)
			}
			cands[w] = true
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("vocabulary: %w", err)
		}
	}
	out := make(map[string]*expansion, len(ws))
	for _, p := range probes {
		e := &expansion{}
		qa := finnish.Analysis{Lemmas: p.lemmas}
		n := utf8.RuneCountInString(p.folded)
		for c := range cands {
			if strings.ContainsRune(c, '-') {
				// PostgreSQL's parser indexes a hyphenated word whole and in parts:
				// the parts are enough.
				continue
			}
			fc := fold(c)
			switch {
			case fc == p.folded:
				e[classExact] = append(e[classExact], c)
				continue
			}
			ca := an.Analyze(c)
			fa := finnish.Analysis{Known: ca.Known}
			for _, l := range ca.Lemmas {
				fa.Lemmas = append(fa.Lemmas, fold(l))
			}
			for _, l := range ca.Parts {
				fa.Parts = append(fa.Parts, fold(l))
			}
			switch {
			case finnish.Related(qa, fa, stems):
				e[classLemma] = append(e[classLemma], c)
			case finnish.HasPart(fa, p.lemmas) ||
				((stems || !ca.Known) && utf8.RuneCountInString(p.stem) >= 5 && strings.Contains(fc[1:], p.stem)):
				e[classPart] = append(e[classPart], c)
			case n >= 3 && strings.HasPrefix(fc, p.folded):
				e[classFuzzy] = append(e[classFuzzy], c)
			case n >= 5 && finnish.EditDistance(fc, p.folded, typoEdits(n)) <= typoEdits(n):
				e[classFuzzy] = append(e[classFuzzy], c)
			}
		}
		if len(e[classExact]) > 0 || len(e[classLemma]) > 0 || len(e[classPart]) > 0 {
			// Prefixes and typos only for a word the index does not have in any form.
			e[classFuzzy] = nil
		}
		out[p.word] = e
	}
	return out, nil
}

// typoEdits is how many edits a word of n letters may be from a word it finds.
func typoEdits(n int) int {
	if n >= 9 {
		return 2
	}
	return 1
}

// vocabPrefix returns the selects of the vocabulary words that start with the folded
// prefix: on SQLite, whose vocabulary keeps diacritics, one range per way of writing
// the prefix with them (aan: aan, ään, åan, …).
func vocabPrefix(b *builder, pre string) []string {
	if b.dia == dialect.Postgres {
		return []string{"SELECT word AS w FROM search_vocab WHERE folded >= " + b.arg(pre) +
			` COLLATE "C" AND folded < ` + b.arg(successor(pre)) + ` COLLATE "C"`}
	}
	var out []string
	for _, v := range unfoldings(pre) {
		out = append(out, "SELECT term AS w FROM search_index_vocab WHERE term >= "+b.arg(v)+
			" AND term < "+b.arg(successor(v)))
	}
	return out
}

// vocabInfix returns the select of the vocabulary words that contain the folded text.
func vocabInfix(b *builder, s string) string {
	pat := likePattern(s)
	if b.dia == dialect.Postgres {
		return `SELECT word AS w FROM search_vocab WHERE folded LIKE ` + b.arg(pat)
	}
	// SQLite's vocabulary keeps diacritics: match the folded letters as wildcards.
	return `SELECT term AS w FROM search_index_vocab WHERE term LIKE ` + b.arg(unfoldPattern(pat)) + ` ESCAPE '\'`
}

// unfoldPattern makes a LIKE pattern match any letter with diacritics that folds to a
// letter of it, by turning a, o, u, e into _ wildcards when the folded text has them;
// the candidates are then compared folded in Go.
func unfoldPattern(p string) string {
	return strings.Map(func(r rune) rune {
		if _, ok := unfoldable[r]; ok {
			return '_'
		}
		return r
	}, p)
}

// unfoldable are the letters a folded word has where the text may have ä, ö, å, é or ü.
var unfoldable = map[rune][]rune{'a': {'ä', 'å'}, 'o': {'ö'}, 'u': {'ü'}, 'e': {'é'}}

// unfoldings returns every way of writing the folded prefix with Finnish and Swedish
// letters (a → ä, å; o → ö; u → ü; e → é), at most 27.
func unfoldings(pre string) []string {
	out := []string{""}
	for _, r := range pre {
		var next []string
		for _, s := range out {
			next = append(next, s+string(r))
			for _, v := range unfoldable[r] {
				if len(next) < 27 {
					next = append(next, s+string(v))
				}
			}
		}
		out = next
	}
	return out
}

// successor returns the smallest string greater than every string that starts with s.
func successor(s string) string {
	rs := []rune(s)
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] < utf8.MaxRune && !(rs[i] >= 0xD7FF && rs[i] < 0xE000) {
			rs[i]++
			return string(rs[:i+1])
		}
	}
	return s + "\U0010FFFF"
}

func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
