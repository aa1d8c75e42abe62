package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldPairs maps lower-case letters with diacritics to the ASCII letter they fold to.
// It is the single source of the folding that the PostgreSQL index applies (through
// translate() in generated columns) and that the query side applies in Go; SQLite's
// tokenizers fold on their own (remove_diacritics), to the same effect for these letters.
// Letters that fold to two letters (ß, æ, œ) are left alone.
var foldPairs = [][2]string{
	{"àáâãäåāăą", "a"},
	{"çćč", "c"},
	{"ďđ", "d"},
	{"èéêëēėęě", "e"},
	{"ìíîïīįı", "i"},
	{"ł", "l"},
	{"ñńň", "n"},
	{"òóôõöøōő", "o"},
	{"ŕř", "r"},
	{"śšş", "s"},
	{"ť", "t"},
	{"ùúûüūůűų", "u"},
	{"ýÿ", "y"},
	{"žźż", "z"},
}

var (
	foldMap  = map[rune]rune{}
	foldFrom string // the letters with diacritics, for translate(… , foldFrom, foldTo)
	foldTo   string // what each of them folds to, rune for rune
)

func init() {
	var from, to strings.Builder
	for _, p := range foldPairs {
		for _, r := range p[0] {
			foldMap[r] = rune(p[1][0])
			from.WriteRune(r)
			to.WriteByte(p[1][0])
		}
	}
	foldFrom, foldTo = from.String(), to.String()
}

// foldMapBothCases returns foldMap with the upper-case letters too, in a stable order.
func foldMapBothCases() []struct{ from, to rune } {
	var out []struct{ from, to rune }
	for _, p := range foldPairs {
		for _, r := range p[0] {
			out = append(out, struct{ from, to rune }{r, rune(p[1][0])})
			if u := unicode.ToUpper(r); u != r {
				out = append(out, struct{ from, to rune }{u, rune(p[1][0])})
			}
		}
	}
	return out
}

// fold lower-cases s and removes the diacritics of foldPairs: "Äänestys" → "aanestys".
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		if f, ok := foldMap[r]; ok {
			r = f
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isWordRune reports whether r belongs to a word: letters, numbers and combining marks.
// Everything else (space, punctuation, symbols, control characters, NUL, and the
// replacement character of invalid UTF-8) separates words.
func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.M, r))
}

// compose replaces the decomposed forms of the Finnish and Swedish letters (a vowel
// followed by a combining diaeresis or ring above, as macOS sends them) by the
// precomposed letters the data uses.
func compose(s string) string {
	if !strings.ContainsAny(s, "\u0308\u030a") {
		return s
	}
	r := strings.NewReplacer(
		"a\u0308", "ä", "o\u0308", "ö", "u\u0308", "ü", "a\u030a", "å",
		"A\u0308", "Ä", "O\u0308", "Ö", "U\u0308", "Ü", "A\u030a", "Å",
	)
	return r.Replace(s)
}

// word is a run of word runes in a text, as byte offsets.
type word struct{ start, end int }

// words splits s into words.
func words(s string) []word {
	var out []word
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, word{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{start, len(s)})
	}
	return out
}

func hasLetterOrNumber(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

// Snippets.

const (
	// snippetWords is the most words a snippet shows.
	snippetWords = 28
	// snippetContext is how many words a snippet shows before its first match.
	snippetContext = 4
	// snippetScanRunes bounds how much of a field snippets look at.
	snippetScanRunes = 20000
	markOpen         = "<mark>"
	markClose        = "</mark>"
	ellipsis         = "…"
)

// highlighter decides which words of a hit's text to mark: the indexed words the
// query's words matched (lower-case, as the index holds them).
type highlighter struct {
	marks map[string]bool
}

// matches reports whether a word (as it appears in the text) is one the query matched,
// and returns it lower-cased.
func (h *highlighter) matches(w string) (string, bool) {
	lw := strings.ToLower(compose(w))
	return lw, h.marks[lw]
}

// clip returns at most snippetScanRunes runes of s, cut at a rune boundary.
func clip(s string) string {
	n := 0
	for i := range s {
		if n == snippetScanRunes {
			return s[:i]
		}
		n++
	}
	return s
}

// snippet returns a short, HTML-escaped excerpt of the best-matching field with the
// matching words wrapped in <mark>…</mark>. The best field is the one whose matches
// cover the most distinct tokens, then has the most matching words; ties go to the
// earlier field (names before descriptions before the rest). With no marked word the
// snippet is the beginning of the first non-empty field.
func (h *highlighter) snippet(fields ...string) string {
	best, bestDistinct, bestCount := -1, 0, 0
	type scanned struct {
		text  string
		words []word
		hit   []bool
	}
	all := make([]scanned, len(fields))
	for i, f := range fields {
		text := clean(clip(f))
		ws := words(text)
		hit := make([]bool, len(ws))
		distinct := map[string]bool{}
		count := 0
		for j, w := range ws {
			if k, ok := h.matches(text[w.start:w.end]); ok {
				hit[j] = true
				distinct[k] = true
				count++
			}
		}
		all[i] = scanned{text, ws, hit}
		if count > 0 && (len(distinct) > bestDistinct || (len(distinct) == bestDistinct && count > bestCount)) {
			best, bestDistinct, bestCount = i, len(distinct), count
		}
	}
	if best < 0 {
		for i := range all {
			if len(all[i].words) > 0 {
				return render(all[i].text, all[i].words, all[i].hit, 0)
			}
		}
		return ""
	}
	s := all[best]
	return render(s.text, s.words, s.hit, window(s.hit))
}

// window returns the first word of the snippetWords-long window with the most marked
// words, starting snippetContext words before a marked word where possible.
func window(hit []bool) int {
	bestStart, bestCount := 0, -1
	for i, h := range hit {
		if !h {
			continue
		}
		start := max(0, i-snippetContext)
		if end := start + snippetWords; end > len(hit) {
			start = max(0, len(hit)-snippetWords)
		}
		count := 0
		for j := start; j < min(len(hit), start+snippetWords); j++ {
			if hit[j] {
				count++
			}
		}
		if count > bestCount {
			bestStart, bestCount = start, count
		}
	}
	return bestStart
}

// render writes the words [start, start+snippetWords) of text, escaped, with the hit
// words marked and an ellipsis where text is cut.
func render(text string, ws []word, hit []bool, start int) string {
	if len(ws) == 0 {
		return ""
	}
	end := min(len(ws), start+snippetWords)
	from, to := ws[start].start, ws[end-1].end
	if start == 0 {
		from = 0
	}
	if end == len(ws) {
		to = len(text)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString(ellipsis)
	}
	pos := from
	for j := start; j < end; j++ {
		if !hit[j] {
			continue
		}
		w := ws[j]
		b.WriteString(html.EscapeString(text[pos:w.start]))
		b.WriteString(markOpen)
		b.WriteString(html.EscapeString(text[w.start:w.end]))
		b.WriteString(markClose)
		pos = w.end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString(ellipsis)
	}
	return strings.TrimSpace(b.String())
}

// clean makes text safe to cut and show: valid UTF-8, no control characters, runs of
// white space collapsed to one space.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
