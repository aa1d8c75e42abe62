package search

import (
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
)

// Field lengths the index keeps (in characters): enough for any real name, title,
// description or quote, and small enough that a PostgreSQL tsvector (at most 1 MB)
// never overflows, whatever is written to the source tables.
const (
	maxNameChars = 2000
	maxBodyChars = 50000
)

// source is a searchable table: which of its columns go into the index's three
// weighted fields. a holds names and titles (weight A), b descriptions, summaries and
// quotes (B), c the rest (C). The field functions return SQL over the row alias r.
type source struct {
	typ   Type
	table string
	// cols are the columns whose change re-indexes a row (besides id).
	cols    []string
	a, b, c func(dia, r string) string
}

// sources are the searchable tables.
var sources = []source{
	{
		typ: Theme, table: "themes", cols: []string{"slug", "name", "name_en", "description"},
		a: cols("name", "name_en"), b: cols("description"), c: cols("slug"),
	},
	{
		typ: Outcome, table: "outcomes", cols: []string{"text", "quote"},
		a: none, b: cols("quote", "text"), c: none,
	},
	{
		typ: Session, table: "sessions", cols: []string{"title", "summary", "questions"},
		a: cols("title"), b: cols("summary"), c: jsonStrings("questions"),
	},
	{
		typ: Seminar, table: "seminars", cols: []string{"title", "venue", "summary"},
		a: cols("title"), b: cols("summary"), c: cols("venue"),
	},
	{
		typ: Document, table: "documents", cols: []string{"title", "summary", "note"},
		a: cols("title"), b: cols("summary", "note"), c: none,
	},
	{
		typ: Expert, table: "experts", cols: []string{"name", "title", "title_en", "note"},
		a: cols("name"), b: cols("title", "title_en"), c: cols("note"),
	},
	{
		typ: Municipality, table: "municipalities", cols: []string{"code", "name", "name_sv"},
		a: cols("name", "name_sv"), b: none, c: cols("code"),
	},
}

// separator joins the columns of one field.
const separator = " · "

// cols joins the non-empty columns of a row with separator.
func cols(names ...string) func(dia, r string) string {
	return func(_, r string) string {
		if len(names) == 1 {
			return r + "." + names[0]
		}
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = "NULLIF(" + r + "." + n + ", '')"
		}
		return "concat_ws('" + separator + "', " + strings.Join(parts, ", ") + ")"
	}
}

// none is an empty field.
func none(string, string) string { return "''" }

// jsonStrings joins the elements of a JSON array column (sessions.questions), and is
// NULL for anything that is not a JSON array: a trigger must never fail a write.
func jsonStrings(name string) func(dia, r string) string {
	return func(dia, r string) string {
		col := r + "." + name
		if dia == dialect.Postgres {
			return fmt.Sprintf("(CASE WHEN jsonb_typeof(%[1]s::jsonb) = 'array' THEN "+
				"(SELECT string_agg(q, '%[2]s') FROM jsonb_array_elements_text(%[1]s::jsonb) AS q) END)", col, separator)
		}
		text := "CAST(" + col + " AS TEXT)"
		return fmt.Sprintf("(CASE WHEN json_valid(%[1]s) THEN CASE WHEN json_type(%[1]s) = 'array' THEN "+
			"(SELECT group_concat(value, '%[2]s') FROM json_each(%[1]s)) END END)", text, separator)
	}
}

// fields returns the SQL of the a, b and c fields of a row, bounded and never NULL.
func (s source) fields(dia, r string) (a, b, c string) {
	bound := func(expr string, n int) string {
		return fmt.Sprintf("coalesce(substr(%s, 1, %d), '')", expr, n)
	}
	return bound(s.a(dia, r), maxNameChars), bound(s.b(dia, r), maxBodyChars), bound(s.c(dia, r), maxBodyChars)
}

// upsert is the statement that (re)indexes the row r of the source.
func (s source) upsert(dia, r string) string {
	a, b, c := s.fields(dia, r)
	distinct := "IS NOT"
	if dia == dialect.Postgres {
		distinct = "IS DISTINCT FROM"
	}
	return fmt.Sprintf(`INSERT INTO search_index (node_id, type, a, b, c) VALUES (%[1]s.id, '%[2]s', %[3]s, %[4]s, %[5]s)
		ON CONFLICT (node_id) DO UPDATE SET type = excluded.type, a = excluded.a, b = excluded.b, c = excluded.c
		WHERE search_index.type %[6]s excluded.type OR search_index.a %[6]s excluded.a
			OR search_index.b %[6]s excluded.b OR search_index.c %[6]s excluded.c`,
		r, s.typ, a, b, c, distinct)
}

// fill is the statement that indexes every row of the source.
func (s source) fill(dia string) string {
	a, b, c := s.fields(dia, "r")
	return fmt.Sprintf("INSERT INTO search_index (node_id, type, a, b, c) SELECT r.id, '%s', %s, %s, %s FROM %s AS r",
		s.typ, a, b, c, s.table)
}

// trigger is a trigger the index needs, with the statements that create it.
type trigger struct {
	// key is "table.trigger", as the existing-triggers query lists them.
	key  string
	stmt []string
}

// ddl is everything Migrate runs for one dialect.
type ddl struct {
	// lock serialises concurrent migrations (PostgreSQL; SQLite's BEGIN IMMEDIATE does).
	lock []string
	// create creates the index's tables and indexes.
	create []string
	// triggers keep the index in sync.
	triggers []trigger
	// existing lists the keys of the index's triggers that exist.
	existing string
	// dropQueries list statements that drop the index of any version.
	dropQueries []string
	// drop are statements that drop the index of any version, run before dropQueries' results.
	drop []string
	// rebuild empties the index and fills it from the source tables.
	rebuild []string
}

// version identifies the DDL, so that any change to it rebuilds the index.
func (d *ddl) version() string {
	var b strings.Builder
	for _, s := range d.create {
		b.WriteString(s)
	}
	for _, t := range d.triggers {
		b.WriteString(t.key)
		for _, s := range t.stmt {
			b.WriteString(s)
		}
	}
	for _, s := range d.rebuild {
		b.WriteString(s)
	}
	return indexVersion + "-" + shortHash(b.String())
}

// indexVersion names the index layout; the hash of the DDL follows it in the version.
const indexVersion = "2"

// countCheck returns the number of types whose row count in the index differs from
// their source table's: a sign of writes made while the triggers were missing.
func countCheck() string {
	parts := make([]string, len(sources))
	for i, s := range sources {
		parts[i] = fmt.Sprintf("SELECT '%s' AS type, (SELECT count(*) FROM %s) AS n", s.typ, s.table)
	}
	return "SELECT count(*) FROM (" + strings.Join(parts, " UNION ALL ") +
		") AS s WHERE s.n <> (SELECT count(*) FROM search_index AS i WHERE i.type = s.type)"
}

// bumpVocab gives the SQLite vocabulary a new generation (a random token in search_meta)
// on every write to the index, so that the vocabulary Go keeps in memory (vocabCache)
// is read again after a write; a transaction sees its own token.
const bumpVocab = `UPDATE search_meta SET value = lower(hex(randomblob(8))) WHERE key = 'vocab';`

// sqliteDDL is the SQLite index: the content table search_index, two external-content
// FTS5 tables over it (words, and trigrams for matching inside compound words), the
// triggers that keep the FTS5 tables in step with search_index, and the triggers that
// keep search_index in step with the source tables.
func sqliteDDL() *ddl {
	d := &ddl{
		create: []string{
			`CREATE TABLE search_index (
				id INTEGER PRIMARY KEY,
				node_id TEXT NOT NULL UNIQUE,
				type TEXT NOT NULL,
				a TEXT NOT NULL,
				b TEXT NOT NULL,
				c TEXT NOT NULL,
				nk TEXT GENERATED ALWAYS AS (` + nameKeySQL(dialect.SQLite, "a") + `) STORED
			)`,
			`CREATE INDEX search_index_type ON search_index (type)`,
			`CREATE VIRTUAL TABLE search_index_fts USING fts5 (a, b, c,
				content = 'search_index', content_rowid = 'id',
				tokenize = 'unicode61 remove_diacritics 0')`,
			`CREATE VIRTUAL TABLE search_index_vocab USING fts5vocab (search_index_fts, 'row')`,
		},
		existing: `SELECT tbl_name || '.' || name FROM sqlite_master
			WHERE type = 'trigger' AND name LIKE 'search\_index%' ESCAPE '\'`,
		dropQueries: []string{`SELECT 'DROP TRIGGER "' || name || '"' FROM sqlite_master
			WHERE type = 'trigger' AND name LIKE 'search\_index%' ESCAPE '\'`},
		drop: []string{
			`DROP TABLE IF EXISTS search_index_vocab`,
			`DROP TABLE IF EXISTS search_index_fts`,
			`DROP TABLE IF EXISTS search_index_tri`,
			`DROP TABLE IF EXISTS search_index`,
		},
	}
	ftsRow := func(prefix string) string {
		return fmt.Sprintf(`INSERT INTO search_index_fts (rowid, a, b, c) VALUES (%[1]s.id, %[1]s.a, %[1]s.b, %[1]s.c); `, prefix) + bumpVocab
	}
	ftsDelete := `INSERT INTO search_index_fts (search_index_fts, rowid, a, b, c) VALUES ('delete', old.id, old.a, old.b, old.c); ` + bumpVocab
	d.triggers = append(d.triggers,
		trigger{"search_index.search_index_fts_ins", []string{
			"CREATE TRIGGER search_index_fts_ins AFTER INSERT ON search_index BEGIN " + ftsRow("new") + " END"}},
		trigger{"search_index.search_index_fts_del", []string{
			"CREATE TRIGGER search_index_fts_del AFTER DELETE ON search_index BEGIN " + ftsDelete + " END"}},
		trigger{"search_index.search_index_fts_upd", []string{
			"CREATE TRIGGER search_index_fts_upd AFTER UPDATE ON search_index BEGIN " + ftsDelete + " " + ftsRow("new") + " END"}},
	)
	d.rebuild = []string{`DELETE FROM search_index`}
	for _, s := range sources {
		name := "search_index_sync_" + s.table
		d.triggers = append(d.triggers,
			trigger{s.table + "." + name + "_ins", []string{fmt.Sprintf(
				"CREATE TRIGGER %s_ins AFTER INSERT ON %s BEGIN %s; END",
				name, s.table, s.upsert(dialect.SQLite, "new"))}},
			trigger{s.table + "." + name + "_upd", []string{fmt.Sprintf(
				"CREATE TRIGGER %s_upd AFTER UPDATE OF id, %s ON %s BEGIN "+
					"DELETE FROM search_index WHERE node_id = old.id AND old.id IS NOT new.id; %s; END",
				name, strings.Join(s.cols, ", "), s.table, s.upsert(dialect.SQLite, "new"))}},
			trigger{s.table + "." + name + "_del", []string{fmt.Sprintf(
				"CREATE TRIGGER %s_del AFTER DELETE ON %s BEGIN DELETE FROM search_index WHERE node_id = old.id; END",
				name, s.table)}},
		)
		d.rebuild = append(d.rebuild, s.fill(dialect.SQLite))
	}
	// Rebuilding the FTS5 tables from the content table repairs them whatever state
	// they were in.
	d.rebuild = append(d.rebuild,
		`INSERT INTO search_index_fts (search_index_fts) VALUES ('rebuild')`,
		`DELETE FROM search_meta WHERE key = 'vocab'`,
		`INSERT INTO search_meta (key, value) VALUES ('vocab', lower(hex(randomblob(8))))`,
	)
	return d
}

// postgresDDL is the PostgreSQL index: the table search_index with generated columns
// (the Finnish and the simple, diacritic-folded tsvectors with weights A/B/C, and the
// folded text of each field for infix matching), GIN indexes on the tsvectors, and one
// PL/pgSQL trigger function per source table.
func postgresDDL() *ddl {
	// translate: the parser would drop <script> as an HTML tag; SQLite's tokenizer
	// keeps the word.
	tsv := "setweight(to_tsvector('simple'::regconfig, translate(a, '<>', '  ')), 'A') || " +
		"setweight(to_tsvector('simple'::regconfig, translate(b, '<>', '  ')), 'B') || " +
		"setweight(to_tsvector('simple'::regconfig, translate(c, '<>', '  ')), 'C')"
	vocab := func(op string) trigger {
		name := "search_index_vocab_" + strings.ToLower(op)
		return trigger{"search_index." + name, []string{
			`CREATE OR REPLACE FUNCTION search_index_vocab_fill() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	INSERT INTO search_vocab (word, folded)
	SELECT w, translate(w, '` + foldFrom + `', '` + foldTo + `')
	FROM (SELECT DISTINCT unnest(tsvector_to_array(n.tsv)) AS w FROM new_rows AS n) AS v
	ORDER BY w
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$fn$`,
			"CREATE TRIGGER " + name + " AFTER " + op + " ON search_index REFERENCING NEW TABLE AS new_rows " +
				"FOR EACH STATEMENT EXECUTE FUNCTION search_index_vocab_fill()"}}
	}
	d := &ddl{
		lock: []string{`SELECT pg_advisory_xact_lock(7391864120417655)`},
		create: []string{
			`CREATE TABLE search_index (
				node_id text PRIMARY KEY,
				type text NOT NULL,
				a text NOT NULL,
				b text NOT NULL,
				c text NOT NULL,
				nk text GENERATED ALWAYS AS (` + nameKeySQL(dialect.Postgres, "a") + `) STORED,
				tsv tsvector GENERATED ALWAYS AS (` + tsv + `) STORED,
				tsv_a tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, translate(a, '<>', '  '))) STORED
			)`,
			// fastupdate off: every search would otherwise scan the pending list.
			`CREATE INDEX search_index_tsv ON search_index USING gin (tsv) WITH (fastupdate = off)`,
			`CREATE INDEX search_index_tsv_a ON search_index USING gin (tsv_a) WITH (fastupdate = off)`,
			`CREATE TABLE search_vocab (word text PRIMARY KEY, folded text COLLATE "C" NOT NULL)`,
			`CREATE INDEX search_vocab_folded ON search_vocab (folded)`,
		},
		existing: `SELECT c.relname || '.' || t.tgname FROM pg_trigger AS t
			JOIN pg_class AS c ON c.oid = t.tgrelid
			WHERE NOT t.tgisinternal AND t.tgname LIKE 'search\_index%'
				AND c.relnamespace = current_schema()::regnamespace`,
		drop: []string{`DROP TABLE IF EXISTS search_index CASCADE`, `DROP TABLE IF EXISTS search_vocab`},
		dropQueries: []string{`SELECT 'DROP FUNCTION ' || p.oid::regprocedure::text || ' CASCADE' FROM pg_proc AS p
			WHERE p.proname LIKE 'search\_index%' AND p.pronamespace = current_schema()::regnamespace`},
	}
	d.triggers = append(d.triggers, vocab("INSERT"), vocab("UPDATE"))
	d.rebuild = []string{`DELETE FROM search_index`, `DELETE FROM search_vocab`}
	for _, s := range sources {
		fn := "search_index_sync_" + s.table
		function := fmt.Sprintf(`CREATE OR REPLACE FUNCTION %[1]s() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM search_index WHERE type = '%[2]s';
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id) THEN
		DELETE FROM search_index WHERE node_id = OLD.id;
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN NULL;
	END IF;
	%[3]s;
	RETURN NULL;
END
$fn$`, fn, s.typ, s.upsert(dialect.Postgres, "NEW"))
		d.triggers = append(d.triggers,
			trigger{s.table + ".search_index_sync", []string{function, fmt.Sprintf(
				"CREATE TRIGGER search_index_sync AFTER INSERT OR DELETE OR UPDATE OF id, %s ON %s "+
					"FOR EACH ROW EXECUTE FUNCTION %s()", strings.Join(s.cols, ", "), s.table, fn)}},
			trigger{s.table + ".search_index_sync_truncate", []string{function, fmt.Sprintf(
				"CREATE TRIGGER search_index_sync_truncate AFTER TRUNCATE ON %s "+
					"FOR EACH STATEMENT EXECUTE FUNCTION %s()", s.table, fn)}},
		)
		d.rebuild = append(d.rebuild, s.fill(dialect.Postgres))
	}
	// Statistics for the planner, which otherwise guesses how many rows a word matches.
	d.rebuild = append(d.rebuild, `ANALYZE search_index`, `ANALYZE search_vocab`)
	return d
}

// ddlFor returns the DDL of a dialect.
func ddlFor(dia string) (*ddl, error) {
	switch dia {
	case dialect.Postgres:
		return postgresDDL(), nil
	case dialect.SQLite:
		return sqliteDDL(), nil
	}
	return nil, fmt.Errorf("search: unsupported dialect %q", dia)
}

// nameSeparators are the characters that separate words in a name, for the name key;
// the separator of a field's columns (" · ") separates names.
const nameSeparators = "-–—,.:;!?()[]{}\"'’‘“”/&+*#%@<>=_~|"

// nameKeySQL is the SQL of the name key of a field: its names (the columns joined by
// separator), each lower-cased, folded, with punctuation turned into spaces and runs of
// spaces into one, between | characters: "Oulu · Uleåborg" → "|oulu|uleaborg|". The
// query's key (compiled.nameKey) is made from its words the same way, so a name that is
// exactly the query is found with one string search.
func nameKeySQL(dia, col string) string {
	x := "lower(" + col + ")"
	if dia == dialect.Postgres {
		var from, to strings.Builder
		for _, p := range foldMapBothCases() {
			from.WriteRune(p.from)
			to.WriteRune(p.to)
		}
		x = fmt.Sprintf("translate(%s, '%s', '%s')", x, from.String(), to.String())
	} else {
		// SQLite's lower() only knows ASCII: fold both cases of the other letters.
		for _, p := range foldMapBothCases() {
			x = fmt.Sprintf("replace(%s, '%c', '%c')", x, p.from, p.to)
		}
	}
	for _, r := range nameSeparators {
		lit := string(r)
		if r == '\'' {
			lit = "''"
		}
		x = fmt.Sprintf("replace(%s, '%s', ' ')", x, lit)
	}
	x = fmt.Sprintf("replace(%s, '·', '|')", x)
	for range 5 {
		x = fmt.Sprintf("replace(%s, '  ', ' ')", x)
	}
	x = fmt.Sprintf("replace(replace(%s, ' |', '|'), '| ', '|')", x)
	return "'|' || trim(" + x + ") || '|'"
}
