package finnish

import (
	"strings"
	"sync"
	"unicode/utf8"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/finnish"
)

// Analysis is what an analyser knows of one word.
type Analysis struct {
	// Lemmas are the base forms the word can be a form of, lower-case; the word itself
	// (lower-cased) when the analyser does not know it.
	Lemmas []string
	// Parts are the base forms of the parts of a compound word ("kunta", "strategia" for
	// "kuntastrategian"); empty for a word that is not a compound.
	Parts []string
	// Known reports whether the analyser recognised the word (always true for Stems).
	Known bool
}

// Analyzer analyses lower-case words. Implementations are safe for concurrent use.
type Analyzer interface {
	// Name says which analyser this is, for logs and documentation: "voikko" or
	// "snowball".
	Name() string
	// Analyze analyses one lower-case word.
	Analyze(word string) Analysis
}

var (
	defaultOnce sync.Once
	defaultA    Analyzer
)

// Default returns Voikko when it loads, and Stems otherwise. The choice is made once.
func Default() Analyzer {
	defaultOnce.Do(func() {
		if v, err := OpenVoikko(); err == nil {
			defaultA = v
		} else {
			defaultA = Stems{}
		}
	})
	return defaultA
}

// Stems is the Snowball Finnish stemmer as an Analyzer: a word's only "lemma" is its
// stem, and it never finds compound parts.
type Stems struct{}

// Name returns "snowball".
func (Stems) Name() string { return "snowball" }

// Analyze returns the word's Snowball stem as its lemma.
func (Stems) Analyze(word string) Analysis {
	return Analysis{Lemmas: []string{Stem(word)}, Known: true}
}

// Stem returns the Snowball Finnish stem of a lower-case word.
func Stem(word string) string {
	env := snowball.NewEnv(word)
	finnish.Stem(env)
	return env.Current()
}

// Related reports whether two analyses share a lemma. With stems (fuzzy true), stems of
// at least four letters that differ by one edit count as shared, which joins most forms
// that consonant gradation or a plural stem split apart (kun/kunt, helsing/helsink).
func Related(a, b Analysis, fuzzy bool) bool {
	for _, x := range a.Lemmas {
		for _, y := range b.Lemmas {
			if x == y {
				return true
			}
			if fuzzy && utf8.RuneCountInString(x) >= 3 && utf8.RuneCountInString(y) >= 3 &&
				commonPrefix(x, y) >= 3 && EditDistance(x, y, 1) <= 1 {
				return true
			}
		}
	}
	return false
}

// HasPart reports whether a compound's parts include one of the lemmas (the last part
// may also be an inflection of it: the analysis of a compound gives the parts' base forms).
func HasPart(compound Analysis, lemmas []string) bool {
	for _, p := range compound.Parts {
		for _, l := range lemmas {
			if p == l {
				return true
			}
		}
	}
	return false
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// EditDistance returns the optimal string alignment distance between a and b (insertions,
// deletions, substitutions and transpositions of adjacent letters, counted in runes), or
// max+1 as soon as it is known to exceed max.
func EditDistance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// lower is strings.ToLower, named for the analysers' inputs.
var lower = strings.ToLower
