// Package search is Teemaverkko's Finnish-aware full-text search over themes (name,
// English name, description, slug), outcomes (quote, text), sessions (title, summary,
// questions), seminars (title, summary, venue), documents (title, summary, note), experts (name,
// title, English title, note) and municipalities (Finnish and Swedish name, code).
//
// # The index
//
// Every searchable row has one row in the table search_index, with three weighted
// fields: a holds names and titles, b descriptions, summaries, quotes and job titles, c
// the rest. Triggers on the source tables keep it in sync on every INSERT, UPDATE (of an
// indexed column) and DELETE, in the writing transaction, so a transaction sees its own
// writes (search with SearchWith on the transaction) and a rollback leaves the index as
// it was. Migrate creates it all, idempotently; it records a hash of its DDL in
// search_meta and rebuilds the index when the hash changes, when a trigger has gone
// missing, or when a type's row count differs from its table's.
//
// PostgreSQL: search_index has generated columns tsv (the fields through the simple
// configuration, lower-cased with diacritics kept, weights A/B/C), tsv_a (the names
// alone) and nk (the name key, see nameKeySQL), GIN indexes on both tsvectors, and the
// table search_vocab of every distinct indexed word with its folded form, filled by
// statement-level triggers on search_index.
//
// SQLite: search_index (with the generated column nk) is the content table of the
// external-content FTS5 table search_index_fts (tokenize 'unicode61 remove_diacritics
// 0'), whose fts5vocab table search_index_vocab is the vocabulary; Go keeps it in memory
// per generation of the index (bumpVocab).
//
// # Matching
//
// The search text is parsed into clauses (syntax.go: words, "phrases", OR, -exclusions;
// nothing is refused for its syntax). Each word is expanded, in Go and so the same on
// both databases (vocab.go), to the indexed words it matches, by class: the same word
// ignoring case and diacritics; another form of it (a shared lemma from the Finnish
// analyser: Voikko when installed, Snowball stems otherwise, package finnish); a
// compound with it as a part; and, for a word the index has in no form, words it begins
// or one typo away. The statement then matches those exact words: FTS5 strings on
// SQLite, tsquery lexemes on PostgreSQL, all bind parameters, and only words read from
// the index's own vocabulary.
//
// TestFinnishMatching records what matches on a small fixture, and TestRecall (whose
// table the README shows) on the seed knowledge.
//
// # Ranking and pages
//
// rank.go: for each clause, the best match's field (name, description, rest) and class
// (exact, lemma, part, fuzzy) give its score; the clauses' words next to each other in
// the query's order add a phrase bonus, and a name that is exactly the query adds
// wholeNameScore. At most three candidate sets of TierCap rows are ranked (the hits with
// every clause in a name, the strong matches, the first matches), each candidate is
// scored once (PostgreSQL: tsqueries on its tsvectors; SQLite: in Go from its text,
// split as FTS5 splits it, score.go), and the count stops at CountCap
// (TotalCountIsLowerBound beyond).
//
// The cursor is keyset: it encodes the last hit's exact score and ID (and a fingerprint
// of the search, so that a cursor of another search is refused), and the next page
// starts strictly after it. Scores depend only on the node and the query, so paging is
// stable while the data does not change.
//
// # Snippets
//
// Snippets are made in Go, the same way on both databases: the field whose marked words
// are the most distinct, a window of up to 28 words around the best cluster of them,
// HTML-escaped, with the words the query matched (and only those) in <mark>…</mark>.
//
// # Bad input
//
// Empty or whitespace-only text, text over MaxTextLength characters or with more than
// MaxTokens distinct words, unknown types, malformed IDs, dates or cursors, and page
// sizes below 0 give an *InputError (BAD_USER_INPUT through the GraphQL error
// presenter). Text without any word ("!!!", "*", "-", NUL, invalid UTF-8) gives an
// empty result. Nothing a client sends produces an SQL error.
package search
