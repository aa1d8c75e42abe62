// Package finnish analyses Finnish words for search: the base forms (lemmas) a word
// can be an inflection of, and the base forms of the parts of a compound word.
//
// Two analysers implement Analyzer:
//
//   - Voikko, the standard Finnish morphological analyser (libvoikko with the voikko-fi
//     dictionary), loaded at run time from libvoikko.so.1 through purego, without cgo.
//     It knows consonant gradation (kunta/kunnan, Helsinki/Helsingin), plural stems
//     (kunnat/kuntien) and compounds (kuntastrategian = kunta + strategia).
//   - Stems, the Snowball Finnish stemmer (github.com/blevesearch/snowballstem): pure
//     Go, always available, and the fallback when Voikko is not installed. A stem is
//     not a lemma: gradation and plural stems split a word's forms apart (kunta → kun,
//     kuntien → kunt), which Match forgives by one edit between stems.
//
// Default returns Voikko when the library and its Finnish dictionary load, and Stems
// otherwise; the server logs which one it uses.
package finnish
