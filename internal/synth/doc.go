// Package synth fills a database with a realistic synthetic knowledge base, for load
// tests and benchmarks: organisations, experts, a theme hierarchy, networks with their
// terms, seminars with sessions, documents and outcomes, built on the real reference
// data (every Finnish municipality and region, with its history).
//
// # Size
//
// At scale 1 (Sizes gives the exact numbers at any scale) Generate creates 50
// organisations, 500 experts, 40 themes in a hierarchy of three levels, 2 networks of 7
// terms each, 200 seminars dated 2011–2024, 2,000 sessions (about 10 per seminar),
// 20,000 outcomes (about 100 per seminar) and about 410 documents (a memo for every
// seminar, often slides, sometimes a news article or a report). Every number grows
// linearly with the scale, except the reference data, which is real: 320 municipalities
// (308 of them today, the others merged since 2013) in 19 regions. Small scales keep a few
// entities of each kind (for example at least 6 themes), so that the hierarchy and the
// links still exist.
//
// # Realism
//
// Choices are skewed the way real seminar material is: themes and municipalities are
// picked by a Zipf law (weight 1/rank), so a few big cities (Helsinki, Espoo, Tampere …)
// and a few themes dominate and most appear rarely; only municipalities that existed on
// a seminar's date are named. Every outcome has 1–3 themes (one most often), 1–5
// municipalities (one most often), and at least one source document, as every fact of
// the real knowledge base cites one. An outcome's first theme is usually one of its
// session's themes, and its municipalities usually ones its seminar named, so the theme
// network has structure rather than noise. Names are composed from small word lists:
// Finnish theme names with English translations ("Digitalisaation rahoitus", "Funding
// of digitalisation"), Finnish-looking people and organisations, outcome texts in
// English with Finnish quotes. Addresses use the reserved domain kuntaverkko.example.
//
// # Determinism
//
// Everything is drawn from math/rand/v2 seeded with Options.Seed, in a fixed order, so
// the same seed over the same database gives the same content (Digest compares two
// databases' content without their IDs, which are fresh ULIDs). Names already taken in
// the database (for example by the seed knowledge) get a numeric suffix.
//
// # Speed
//
// Rows are written with ent's CreateBulk, many-to-many links included (ent writes a
// batch's links of one table in one INSERT), in batches that keep every statement under
// SQLite's limit of 32,766 bound variables (PostgreSQL allows 65,535). The base
// (organisations, experts, themes, networks) is one transaction, the seminars follow in
// transactions of 25 seminars with everything that belongs to them, so a running server
// is never locked out for long. On PostgreSQL it ends with ANALYZE: without fresh
// statistics the planner takes the new tables for nearly empty and runs the filtered
// queries several times slower (autovacuum may be off, and waits a minute anyway). The
// search index (internal/search) is kept current by its triggers inside those
// transactions when search.Migrate ran before (about half of the time on PostgreSQL);
// otherwise run search.Migrate or search.Rebuild afterwards, which is several times
// faster at scale (what `server gen` does in a fresh database). Likewise the history:
// with its recorder on the client (history.Use), every transaction records the themes
// and municipalities it links to again, each with all its links so far, which grows with
// the square of the data; `server gen` leaves it off and records the result as the
// history's baseline afterwards (history.Migrate). Scale 1 takes about 7 s on SQLite and
// 26 s on PostgreSQL on a busy machine (BENCHMARKS.md).
package synth
