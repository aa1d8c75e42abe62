package search

import (
	"encoding/json"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
)

// builder collects the arguments of a statement and names their placeholders ($n on
// PostgreSQL, ?n on SQLite), so that an argument can be used more than once.
type builder struct {
	dia  string
	args []any
}

func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	if b.dia == dialect.Postgres {
		return "$" + strconv.Itoa(len(b.args))
	}
	return "?" + strconv.Itoa(len(b.args))
}

// idList is a subquery of the IDs, passed as one JSON array argument.
func (b *builder) idList(ids []string) string {
	raw, _ := json.Marshal(ids) // []string always marshals
	if b.dia == dialect.Postgres {
		return "SELECT jsonb_array_elements_text(" + b.arg(string(raw)) + "::jsonb)"
	}
	return "SELECT value FROM json_each(" + b.arg(string(raw)) + ")"
}

// filters returns the CTEs and the conditions on the node ID column that restrict the
// hits to the plan's types, seminars, terms and themes.
func (b *builder) filters(p *plan, nodeID, typ string) (ctes []string, conds []string) {
	if len(p.types) > 0 {
		ph := make([]string, len(p.types))
		for i, t := range p.types {
			ph[i] = b.arg(string(t))
		}
		conds = append(conds, typ+" IN ("+strings.Join(ph, ", ")+")")
	}
	if len(p.seminarIDs) > 0 {
		ctes = append(ctes, "f_seminar (id) AS ("+b.idList(p.seminarIDs)+")")
		conds = append(conds, nodeID+" IN ("+linkedToSeminars("f_seminar")+")")
	}
	if len(p.termIDs) > 0 {
		ctes = append(ctes,
			"f_term (id) AS ("+b.idList(p.termIDs)+")",
			"f_term_seminar (id) AS (SELECT id FROM seminars WHERE term_id IN (SELECT id FROM f_term))")
		conds = append(conds, nodeID+" IN ("+linkedToSeminars("f_term_seminar")+
			" UNION SELECT theme_id FROM network_term_themes WHERE network_term_id IN (SELECT id FROM f_term)"+
			" UNION SELECT municipality_id FROM network_term_municipalities WHERE network_term_id IN (SELECT id FROM f_term)"+
			" UNION SELECT document_id FROM network_term_sources WHERE network_term_id IN (SELECT id FROM f_term))")
	}
	if len(p.themeIDs) > 0 {
		ctes = append(ctes, "f_theme (id) AS ("+b.idList(p.themeIDs)+")")
		in := " IN (SELECT id FROM f_theme)"
		conds = append(conds, nodeID+" IN (SELECT id FROM themes WHERE id"+in+
			" UNION SELECT outcome_id FROM outcome_themes WHERE theme_id"+in+
			" UNION SELECT session_id FROM session_themes WHERE theme_id"+in+
			" UNION SELECT seminar_id FROM seminar_themes WHERE theme_id"+in+
			" UNION SELECT document_id FROM document_themes WHERE theme_id"+in+
			" UNION SELECT expert_id FROM expert_themes WHERE theme_id"+in+")")
	}
	if p.from != "" || p.to != "" {
		dated := func(col string) string {
			var cs []string
			for _, e := range []struct{ v, op string }{{p.from, ">="}, {p.to, "<="}} {
				if e.v == "" {
					continue
				}
				if b.dia == dialect.Postgres {
					cs = append(cs, col+" "+e.op+" "+b.arg(e.v)+"::date")
				} else {
					cs = append(cs, "substr("+col+", 1, 10) "+e.op+" "+b.arg(e.v))
				}
			}
			return strings.Join(cs, " AND ")
		}
		ctes = append(ctes, "f_dated (id) AS (SELECT id FROM seminars WHERE "+dated("date")+")")
		conds = append(conds, nodeID+" IN (SELECT id FROM f_dated"+
			" UNION SELECT id FROM sessions WHERE seminar_id IN (SELECT id FROM f_dated)"+
			" UNION SELECT id FROM outcomes WHERE seminar_id IN (SELECT id FROM f_dated)"+
			" UNION SELECT id FROM documents WHERE "+dated("published_on")+")")
	}
	return ctes, conds
}

// linkedToSeminars is a subquery of the IDs of the seminars in the CTE set and of
// everything linked to them: their sessions and outcomes, and the themes, documents,
// experts and municipalities linked to the seminars, sessions and outcomes.
func linkedToSeminars(set string) string {
	in := " IN (SELECT id FROM " + set + ")"
	viaSession := func(col, table string) string {
		return " UNION SELECT l." + col + " FROM " + table + " AS l JOIN sessions AS p ON p.id = l.session_id WHERE p.seminar_id" + in
	}
	viaOutcome := func(col, table string) string {
		return " UNION SELECT l." + col + " FROM " + table + " AS l JOIN outcomes AS p ON p.id = l.outcome_id WHERE p.seminar_id" + in
	}
	return "SELECT id FROM seminars WHERE id" + in +
		" UNION SELECT id FROM sessions WHERE seminar_id" + in +
		" UNION SELECT id FROM outcomes WHERE seminar_id" + in +
		" UNION SELECT theme_id FROM seminar_themes WHERE seminar_id" + in +
		" UNION SELECT document_id FROM seminar_sources WHERE seminar_id" + in +
		" UNION SELECT municipality_id FROM seminar_municipalities WHERE seminar_id" + in +
		viaSession("theme_id", "session_themes") +
		viaSession("document_id", "session_sources") +
		viaSession("expert_id", "session_speakers") +
		viaSession("expert_id", "session_moderators") +
		viaOutcome("theme_id", "outcome_themes") +
		viaOutcome("document_id", "outcome_sources") +
		viaOutcome("expert_id", "outcome_experts") +
		viaOutcome("municipality_id", "outcome_municipalities")
}

// pageSQL wraps the CTEs (the last of which, hits, has node_id, type and score)
// into the statement that returns the total and one page: the total comes in every row,
// and in one row of NULLs when the page is empty. Only the page's rows are read for
// their text (snippets).
func (b *builder) pageSQL(ctes []string, p *plan, collate, count string) string {
	var where string
	if p.after != nil {
		s, id := b.arg(p.after.score), b.arg(p.after.id)
		where = " WHERE (score < " + s + " OR (score = " + s + " AND node_id" + collate + " > " + id + "))"
	}
	limit := b.arg(p.first + 1)
	order := " ORDER BY score DESC, node_id" + collate
	n := strconv.Itoa(snippetChars)
	return "WITH " + strings.Join(ctes, ",\n") + `
SELECT t.total, p.node_id, p.type, p.score, substr(s.a, 1, ` + n + `), substr(s.b, 1, ` + n + `), substr(s.c, 1, ` + n + `)
FROM (` + count + `) AS t
LEFT JOIN (SELECT node_id, type, score FROM hits` + where + order + " LIMIT " + limit + `) AS p ON true
LEFT JOIN search_index AS s ON s.node_id = p.node_id
ORDER BY p.score DESC, p.node_id` + collate
}

// snippetChars bounds the text of each field a page query returns for snippets.
const snippetChars = snippetScanRunes

// likePattern is a LIKE pattern that matches s anywhere.
func likePattern(s string) string {
	return "%" + likeEscaper.Replace(s) + "%"
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ftsString quotes s as an FTS5 string: whatever s holds, FTS5 reads it as text to
// tokenize, never as query syntax.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// tsLexeme quotes s as a tsquery lexeme.
func tsLexeme(s string) string {
	return "'" + lexemeEscaper.Replace(s) + "'"
}

// lexemeEscaper is built once: building a Replacer costs more than using it.
var lexemeEscaper = strings.NewReplacer(`\`, `\\`, `'`, `''`)
