//go:build darwin || freebsd || linux

package finnish

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Voikko is the Voikko morphological analyser, loaded from libvoikko.so.1 at run time.
// One handle serves every caller, one call at a time (libvoikko handles are not safe
// for concurrent use); analyses are cached.
type Voikko struct {
	mu     sync.Mutex
	handle uintptr
	cache  map[string]Analysis

	analyze   func(h uintptr, word string) unsafe.Pointer
	freeAn    func(a unsafe.Pointer)
	value     func(a unsafe.Pointer, key string) unsafe.Pointer
	freeValue func(v unsafe.Pointer)
}

// voikkoLibraries are the names libvoikko is looked for under.
var voikkoLibraries = []string{"libvoikko.so.1", "libvoikko.so", "libvoikko.1.dylib", "libvoikko.dylib"}

// maxCached bounds the analysis cache; it is emptied when full.
const maxCached = 200000

// OpenVoikko loads libvoikko and its Finnish dictionary. It fails when either is
// missing; the caller then uses Stems.
func OpenVoikko() (v *Voikko, err error) {
	defer func() {
		// purego panics when a symbol is missing.
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("voikko: %v", r)
		}
	}()
	var lib uintptr
	var errs []error
	for _, name := range voikkoLibraries {
		h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err == nil {
			lib = h
			break
		}
		errs = append(errs, err)
	}
	if lib == 0 {
		return nil, fmt.Errorf("voikko: load library: %w", errors.Join(errs...))
	}
	var initFn func(errp *unsafe.Pointer, lang string, path unsafe.Pointer) uintptr
	purego.RegisterLibFunc(&initFn, lib, "voikkoInit")
	v = &Voikko{cache: map[string]Analysis{}}
	purego.RegisterLibFunc(&v.analyze, lib, "voikkoAnalyzeWordCstr")
	purego.RegisterLibFunc(&v.freeAn, lib, "voikko_free_mor_analysis")
	purego.RegisterLibFunc(&v.value, lib, "voikko_mor_analysis_value_cstr")
	purego.RegisterLibFunc(&v.freeValue, lib, "voikko_free_mor_analysis_value_cstr")
	var cerr unsafe.Pointer
	v.handle = initFn(&cerr, "fi", nil)
	if v.handle == 0 {
		msg := "unknown error"
		if cerr != nil {
			msg = goString(cerr)
		}
		return nil, fmt.Errorf("voikko: init Finnish: %s", msg)
	}
	if a := v.Analyze("kunnan"); !slices.Contains(a.Lemmas, "kunta") {
		return nil, fmt.Errorf("voikko: the Finnish dictionary does not analyse kunnan (got %v)", a.Lemmas)
	}
	return v, nil
}

// Name returns "voikko".
func (v *Voikko) Name() string { return "voikko" }

// Analyze returns the base forms and compound parts Voikko gives for the word; a word
// Voikko does not know is its own lemma.
func (v *Voikko) Analyze(word string) Analysis {
	word = lower(word)
	v.mu.Lock()
	defer v.mu.Unlock()
	if a, ok := v.cache[word]; ok {
		return a
	}
	a := v.analyzeLocked(word)
	if len(v.cache) >= maxCached {
		clear(v.cache)
	}
	v.cache[word] = a
	return a
}

func (v *Voikko) analyzeLocked(word string) Analysis {
	var a Analysis
	if word == "" || strings.ContainsRune(word, 0) {
		return Analysis{Lemmas: []string{word}}
	}
	list := v.analyze(v.handle, word)
	if list != nil {
		for _, an := range unsafe.Slice((*unsafe.Pointer)(list), 64) {
			if an == nil {
				break
			}
			a.Known = true
			if base := v.get(an, "BASEFORM"); base != "" {
				addUnique(&a.Lemmas, lower(base))
			}
			for _, p := range wordBases(v.get(an, "WORDBASES")) {
				addUnique(&a.Parts, p)
			}
		}
		v.freeAn(list)
	}
	if len(a.Parts) < 2 {
		a.Parts = nil
	}
	if len(a.Lemmas) == 0 {
		a.Lemmas = []string{word}
	}
	return a
}

func (v *Voikko) get(an unsafe.Pointer, key string) string {
	p := v.value(an, key)
	if p == nil {
		return ""
	}
	s := goString(p)
	v.freeValue(p)
	return s
}

// wordBases returns the base forms of a compound's parts from Voikko's WORDBASES
// attribute: "+kunta(kunta)+strategia(strategia)" → kunta, strategia. A derivation
// suffix ("+uudist(uudistaa)+us(+us)") joins the part before it, which is then the
// derived word as written (uudistus). Parts shorter than three letters are left out.
func wordBases(s string) []string {
	type part struct{ surface, base string }
	var parts []part
	for _, raw := range splitParts(s) {
		open := strings.IndexByte(raw, '(')
		if open < 0 || !strings.HasSuffix(raw, ")") {
			continue
		}
		surface, base := lower(raw[:open]), lower(raw[open+1:len(raw)-1])
		if (base == "" || strings.HasPrefix(base, "+")) && len(parts) > 0 {
			last := &parts[len(parts)-1]
			last.surface += surface
			last.base = last.surface
			continue
		}
		parts = append(parts, part{surface, base})
	}
	var out []string
	for _, p := range parts {
		if len([]rune(p.base)) >= 3 && !strings.HasPrefix(p.base, "+") {
			out = append(out, p.base)
		}
	}
	return out
}

// splitParts splits WORDBASES at the + signs outside parentheses ("+us(+us)" is one
// part).
func splitParts(s string) []string {
	var out []string
	depth, start := 0, -1
	for i, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')':
			depth--
		case r == '+' && depth == 0:
			if start >= 0 {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	if start >= 0 && start <= len(s) {
		out = append(out, s[start:])
	}
	return out
}

func addUnique(list *[]string, s string) {
	if !slices.Contains(*list, s) {
		*list = append(*list, s)
	}
}

// goString copies a NUL-terminated C string.
func goString(p unsafe.Pointer) string {
	n := 0
	for *(*byte)(unsafe.Add(p, n)) != 0 {
		n++
	}
	return string(unsafe.Slice((*byte)(p), n))
}
