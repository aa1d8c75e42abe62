package search

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
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
	var voc *vocabulary
	if dia == dialect.SQLite {
		var err error
		if voc, err = sqliteVocabulary(ctx, qr); err != nil {
			return nil, err
		}
	}
	cands := map[string]bool{}
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
		// …and words that contain the start of its base form (compounds that end with it).
		var infixes []string
		for _, l := range append(append([]string{}, p.lemmas...), p.stem) {
			if n := utf8.RuneCountInString(l); n >= 4 {
				infixes = append(infixes, firstRunes(l, max(4, n-3)))
			}
		}
		if voc != nil {
			voc.candidates(pre, infixes, cands)
			continue
		}
		sels = append(sels, vocabPrefix(b, pre))
		for _, inf := range infixes {
			sels = append(sels, vocabInfix(b, inf))
		}
	}
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
			// A word Voikko does not know (most surnames) is compared by its Snowball
			// stem as well: Vakkalan and Vakkala share "vakkal".
			unknown := !stems && (!p.a.Known || !ca.Known)
			switch {
			case finnish.Related(qa, fa, stems), unknown && p.stem == fold(finnish.Stem(c)):
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
		if len(e[classExact]) > 0 || (p.a.Known && (len(e[classLemma]) > 0 || len(e[classPart]) > 0)) {
			// Prefixes and typos only for a word the index does not have in any form
			// (a word Voikko does not know may be the start of one being typed: kunt).
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

// vocabPrefix returns the select of the vocabulary words (PostgreSQL) whose folded form
// starts with the folded prefix.
func vocabPrefix(b *builder, pre string) string {
	return "SELECT word AS w FROM search_vocab WHERE folded >= " + b.arg(pre) +
		` COLLATE "C" AND folded < ` + b.arg(successor(pre)) + ` COLLATE "C"`
}

// vocabInfix returns the select of the vocabulary words (PostgreSQL) whose folded form
// contains the folded text.
func vocabInfix(b *builder, s string) string {
	return `SELECT word AS w FROM search_vocab WHERE folded LIKE ` + b.arg(likePattern(s))
}

// vocabulary is SQLite's vocabulary of indexed words, in memory: FTS5's fts5vocab
// table answers a lookup only by scanning every term (and counting its rows), so the
// words are read once per generation of the index (see bumpVocab) and looked up in Go.
type vocabulary struct {
	folded, words []string // sorted by folded
}

// candidates adds the words whose folded form starts with pre or contains one of the
// infixes.
func (v *vocabulary) candidates(pre string, infixes []string, into map[string]bool) {
	i := sort.SearchStrings(v.folded, pre)
	for ; i < len(v.folded) && strings.HasPrefix(v.folded[i], pre); i++ {
		into[v.words[i]] = true
	}
	if len(infixes) == 0 {
		return
	}
	for j, f := range v.folded {
		for _, inf := range infixes {
			if strings.Contains(f, inf) {
				into[v.words[j]] = true
				break
			}
		}
	}
}

// vocabCache holds the vocabularies of the last few generations of SQLite indexes, by
// their token (random, so tokens of different databases never collide).
var vocabCache struct {
	sync.Mutex
	byToken map[string]*vocabulary
	order   []string
}

// maxVocabularies bounds vocabCache.
const maxVocabularies = 4

// sqliteVocabulary returns the vocabulary of the index qr sees: from the cache when its
// generation is known, else read whole.
func sqliteVocabulary(ctx context.Context, qr Querier) (*vocabulary, error) {
	var token string
	rows, err := qr.QueryContext(ctx, `SELECT value FROM search_meta WHERE key = 'vocab'`)
	if err != nil {
		return nil, fmt.Errorf("vocabulary generation: %w", err)
	}
	for rows.Next() {
		if err := rows.Scan(&token); err != nil {
			rows.Close()
			return nil, fmt.Errorf("vocabulary generation: %w", err)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vocabulary generation: %w", err)
	}
	vocabCache.Lock()
	v := vocabCache.byToken[token]
	vocabCache.Unlock()
	if v != nil && token != "" {
		return v, nil
	}
	rows, err = qr.QueryContext(ctx, `SELECT term FROM search_index_vocab`)
	if err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	defer rows.Close()
	type entry struct{ folded, word string }
	var es []entry
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("vocabulary: %w", err)
		}
		es = append(es, entry{fold(w), w})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	sort.Slice(es, func(i, j int) bool {
		if es[i].folded != es[j].folded {
			return es[i].folded < es[j].folded
		}
		return es[i].word < es[j].word
	})
	v = &vocabulary{folded: make([]string, len(es)), words: make([]string, len(es))}
	for i, e := range es {
		v.folded[i], v.words[i] = e.folded, e.word
	}
	if token == "" {
		return v, nil
	}
	vocabCache.Lock()
	defer vocabCache.Unlock()
	if vocabCache.byToken == nil {
		vocabCache.byToken = map[string]*vocabulary{}
	}
	if _, ok := vocabCache.byToken[token]; !ok {
		vocabCache.byToken[token] = v
		vocabCache.order = append(vocabCache.order, token)
		if len(vocabCache.order) > maxVocabularies {
			delete(vocabCache.byToken, vocabCache.order[0])
			vocabCache.order = vocabCache.order[1:]
		}
	}
	return v, nil
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
