// Package search is Teemaverkko's Finnish-aware full-text search over themes (name,
// English name, description, slug), outcomes (quote, text), sessions (title, summary,
// questions), seminars (title, summary, venue), documents (title, summary, note), experts (name,
// title, English title, note) and municipalities (Finnish and Swedish name, code).
//
// # The index
//
// Every searchable row has one row in the table search_index, with three weighted
// fields: a holds names and titles (weight A), b descriptions, summaries, quotes and
// job titles (B), c the rest (C). Triggers on the source tables keep it in sync on every
// INSERT, UPDATE (of an indexed column) and DELETE, in the writing transaction, so a
// transaction sees its own writes (search with SearchWith on the transaction) and a
// rollback leaves the index as it was. Migrate creates it all, idempotently; it records
// a hash of its DDL in search_meta and rebuilds the index when the hash changes, when a
// trigger has gone missing, or when a type's row count differs from its table's.
//
// PostgreSQL: search_index has generated columns tsv_fi (the fields through the
// finnish text search configuration, weights A/B/C), tsv_simple (through simple, after
// lower-casing and folding diacritics, for unstemmed prefix matching of names and
// Swedish names) and fa/fb/fc (the folded fields, for infix matching), GIN indexes on
// the two tsvectors, and one PL/pgSQL trigger function per source table (row triggers
// and a TRUNCATE trigger).
//
// SQLite: search_index is the content table of two external-content FTS5 tables:
// search_index_fts (tokenize 'unicode61 remove_diacritics 2', prefix '2 3 4') for words
// and prefixes, and search_index_tri (tokenize 'trigram remove_diacritics 1') for
// matching inside compound words. Triggers on search_index keep the FTS5 tables in step;
// triggers on the source tables keep search_index in step. modernc.org/sqlite v1.62
// (SQLite 3.54) has FTS5 and the trigram tokenizer built in.
//
// # Matching
//
// The search text is split into words (runs of letters, digits and combining marks;
// everything else, including quotes, operators, NUL and invalid UTF-8, only separates
// words), lower-cased and deduplicated. Every word must match somewhere in a node. A
// word matches
//
//   - a word of the text that starts with it, ignoring case and diacritics (both
//     databases): "kunt" finds "kunta" and "kuntien", "valitila" finds "välitilassa",
//     "uleaborg" finds "Uleåborg";
//   - when it has at least 4 letters, any word that contains it (both databases):
//     "strategia" finds "Kuntastrategia", "talo" finds "Kuntatalo";
//   - on PostgreSQL, a word with the same Finnish Snowball stem.
//
// No user text ever reaches a query as syntax: on SQLite every word is a quoted FTS5
// string ("word"*), on PostgreSQL a plainto_tsquery argument, a quoted tsquery lexeme
// and an escaped LIKE pattern, all as bind parameters. (websearch_to_tsquery is not used:
// its AND/OR/NOT/quote syntax would differ from SQLite's, and OR-ing it with a prefix
// query of the last word would make "kelluvat kun" find everything starting with "kun".)
//
// Diacritics: ä, ö and å match themselves and also a, o and a, so that "aanestys" finds
// "äänestys" and "Uleaborg" finds "Uleåborg" (remove_diacritics 2 on SQLite, translate()
// on PostgreSQL). The price is that "saari" also finds "sääri": rare in this domain.
// The Finnish stemmer still sees the real letters.
//
// What matches, measured on the tests' fixture (TestFinnishMatching):
//
//	search            SQLite finds                       PostgreSQL also finds
//	kunta             kunta, Kuntastrategia, Kuntatalo   kunnan, kunnat (stem "kun")
//	kunnat / kunnan   the same form                      kunta and the other (stem "kun")
//	kuntien           kuntien                            -  (stem "kunt": not kunta, kunnat)
//	kunt              kunta, kuntien, compounds          -  (not kunnat, kunnan: nt/nn gradation)
//	kelluvien         -                                  kelluvat (stem "kelluv")
//	digitalisaation   -                                  digitalisaatio
//	äänestyksen       -                                  -  (stems "äänestyks" / "äänestys")
//	Oulun             -                                  Oulu
//	Helsingin         -                                  -  (stems "helsing" / "helsink")
//	strategia         Kuntastrategia (infix)             the same
//	strategiat        -                                  -  (longer than the compound's tail)
//	välitila          välitilassa                        the same
//	aanestys          Äänestys                           the same
//	Uleåborg, Åbo     Oulu, Turku (Swedish names)        the same
//
// So on SQLite, search with the shortest form (the stem) of a word; PostgreSQL's
// stemmer helps with inflected queries but is no lemmatizer: consonant gradation
// (kunta/kunnan) and plural stems (kuntien) split some inflections apart. Both find a
// compound's later parts only from 4 letters on and only in the form written.
//
// # Ranking and pages
//
// PostgreSQL scores a hit by ts_rank_cd of each field (A, B, C weighted 1.0, 0.4, 0.2,
// each saturated as rank/(rank+1) so that many matches in a long description never
// outweigh one in a name) over both tsvectors, plus a small bonus for infix matches.
// SQLite scores by -bm25() over the word table with column weights 10, 4 and 2, plus a
// tenth of -bm25() over the trigram table. Hits are ordered by score, highest first,
// then by ID; scores compare only within one search on one database.
//
// The cursor is keyset: it encodes the last hit's exact score and ID (and a fingerprint
// of the search, so that a cursor of another search is refused), and the next page
// starts strictly after it. Paging is stable and without duplicates while the data does
// not change; PostgreSQL's scores depend only on the node itself, but SQLite's bm25
// depends on the whole corpus, so there a write between pages can move hits across the
// cursor.
//
// # Snippets
//
// Snippets are made in Go, the same way on both databases: the field whose matches
// cover the most search words, a window of up to 28 words around the best cluster of
// matches, HTML-escaped, with the matching words in <mark>…</mark>. On PostgreSQL the
// words that match through the stemmer are found with one extra query over the page's
// words.
//
// # Bad input
//
// Empty or whitespace-only text, text over MaxTextLength characters or with more than
// MaxTokens distinct words, unknown types, malformed IDs or cursors, and page sizes
// below 0 give an *InputError (BAD_USER_INPUT through the GraphQL error
// presenter). Text without any word ("!!!", "*", "-", NUL, invalid UTF-8) gives an
// empty result. Nothing a client sends produces an SQL error.
package search
