package search

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/teemaverkko/teemaverkko/internal/pagesize"

	"entgo.io/ent/dialect"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// Type is the type of a searchable node.
type Type string

// The searchable types.
const (
	Theme        Type = "THEME"
	Outcome      Type = "OUTCOME"
	Session      Type = "SESSION"
	Seminar      Type = "SEMINAR"
	Document     Type = "DOCUMENT"
	Expert       Type = "EXPERT"
	Municipality Type = "MUNICIPALITY"
)

// Types returns every searchable type, in a stable order.
func Types() []Type {
	return []Type{Theme, Outcome, Session, Seminar, Document, Expert, Municipality}
}

// Valid reports whether t is one of the searchable types.
func (t Type) Valid() bool { return slices.Contains(Types(), t) }

// Limits of a query.
const (
	// MaxTextLength is the longest search text accepted, in characters.
	MaxTextLength = 256
	// MaxTokens is the most distinct words a search text may have.
	MaxTokens = 32
	// MaxFilterIDs is the most IDs each of the filters accepts.
	MaxFilterIDs = 100
	// CountCap bounds the count of hits: beyond it, TotalCount is a lower bound.
	CountCap = 1000
	// TierCap bounds each of the three candidate sets a search ranks (see rank.go).
	TierCap = 200
)

// Query is a search.
type Query struct {
	// Text is what the user typed. Every word must match (in any field of a node); a
	// word matches a word of the text that starts with it, ignoring case and
	// diacritics, a word that contains it when it is at least 4 letters long, and, on
	// PostgreSQL, a word with the same Finnish stem.
	Text string
	// Types restricts the hits to these types; empty means every type.
	Types []Type
	// SeminarIDs restricts the hits to nodes linked to one of these seminars: the
	// seminar itself, its sessions and outcomes, the themes, documents, experts and
	// municipalities linked to the seminar or to its sessions and outcomes.
	SeminarIDs []string
	// TermIDs restricts the hits to nodes linked to one of these network terms: its
	// seminars and everything linked to them (as SeminarIDs), and the term's own
	// themes, municipalities and sources.
	TermIDs []string
	// ThemeIDs restricts the hits to nodes tagged with one of these themes (outcomes,
	// sessions, seminars, documents, experts), and the themes themselves.
	ThemeIDs []string
	// First is the page size; 0 gives the default page (pagesize.DefaultLimits). The
	// GraphQL API always passes the page size it has defaulted and bounded with the
	// server's configured page limits, which govern search like every connection.
	First int
	// After is the EndCursor of the previous page, or "" for the first page.
	After string
	// From and To, when not "", restrict the hits to seminars held and documents
	// published in the range (YYYY-MM-DD, both ends included), and the sessions and
	// outcomes of those seminars; other types have no date and are left out.
	From, To string
	// Counts, when not nil, keeps the count of the hits of a search until the next write
	// (PostgreSQL), so that paging and repeating a search do not count its hits again.
	Counts Counter
}

// Counter keeps counts under a key until the knowledge base changes
// (countcache.Operation): count computes one it does not have.
type Counter interface {
	Count(ctx context.Context, query string, args []any, count func(context.Context) (int, error)) (int, error)
}

// Result is one page of hits.
type Result struct {
	// Hits are ordered by Score, highest first, then by ID.
	Hits []Hit
	// TotalCount is the number of hits on all pages, counted up to CountCap: when
	// there are more, it is CountCap and TotalCountIsLowerBound is true.
	TotalCount int
	// TotalCountIsLowerBound reports that there are more than CountCap hits.
	TotalCountIsLowerBound bool
	// HasNextPage reports whether more hits follow this page.
	HasNextPage bool
	// EndCursor is the cursor of the last hit, for Query.After; "" when no hits.
	EndCursor string
}

// Hit is a node that matches the search.
type Hit struct {
	// ID is the node's global ID.
	ID string
	// Type is the node's type.
	Type Type
	// Score is the relevance: higher is better. Scores compare only within one
	// search on one database.
	Score float64
	// Snippet is an excerpt of the best-matching field, HTML-escaped, with the
	// matching words in <mark>…</mark>.
	Snippet string
	// Cursor marks the hit's place, for Query.After: the next page starts after it.
	Cursor string
}

// InputError is a query the client must fix: empty or too long text, too many words,
// an unknown type, a malformed ID or cursor, or a bad page size.
type InputError struct {
	// Field is the argument at fault, named as the API's search field names it:
	// "query", "types", "seminarIDs", "termIDs", "themeIDs", "first" or "after".
	Field string
	// Message says what is wrong, for a person.
	Message string
}

// Error returns the field and the message.
func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// BadInput marks the error as the client's to fix (the GraphQL error presenter maps it
// to BAD_USER_INPUT).
func (e *InputError) BadInput() bool { return true }

func inputErrorf(field, format string, args ...any) *InputError {
	return &InputError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Querier runs the search's statements: a *sql.DB, *sql.Tx or *sql.Conn, or an ent
// client or transaction (ent is generated with the sql/execquery feature).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Search runs q on the database's connection pool.
func Search(ctx context.Context, db *database.DB, q Query) (*Result, error) {
	return SearchWith(ctx, db.SQL, db.Dialect, q)
}

// SearchWith runs q through qr on a database of the given dialect ("postgres" or
// "sqlite3"), for example inside a transaction, which then sees its own uncommitted
// writes. Bad input gives an *InputError; text without any word (only punctuation)
// gives an empty result.
func SearchWith(ctx context.Context, qr Querier, dia string, q Query) (*Result, error) {
	p, err := parse(q)
	if err != nil {
		return nil, err
	}
	if dia != dialect.Postgres && dia != dialect.SQLite {
		return nil, fmt.Errorf("search: unsupported dialect %q", dia)
	}
	if len(p.text.clauses) == 0 {
		return &Result{Hits: []Hit{}}, nil
	}
	exp, err := expand(ctx, qr, dia, p.text.distinctWords())
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	c := compile(p.text, exp)
	if c.none {
		return &Result{Hits: []Hit{}}, nil
	}
	var rs *Result
	if dia == dialect.Postgres {
		rs, err = searchPostgres(ctx, qr, p, c)
	} else {
		rs, err = searchSQLite(ctx, qr, p, c)
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	return rs, nil
}

// plan is a parsed, validated query.
type plan struct {
	text                          parsed
	from, to                      string
	types                         []Type
	seminarIDs, termIDs, themeIDs []string
	first                         int
	after                         *cursor
	fingerprint                   string
	// key is the plan's identity (what decides its hits), the key of its kept counts.
	key    string
	counts Counter
}

// parse validates q and splits its text into tokens.
func parse(q Query) (*plan, error) {
	text := q.Text
	if strings.TrimFunc(text, unicode.IsSpace) == "" {
		return nil, inputErrorf("query", "enter a word to search for")
	}
	if n := utf8.RuneCountInString(text); n > MaxTextLength {
		return nil, inputErrorf("query", "the search text is %d characters long; at most %d are allowed", n, MaxTextLength)
	}
	p := &plan{text: parseText(text), counts: q.Counts}
	if n := len(p.text.distinctWords()); n > MaxTokens {
		return nil, inputErrorf("query", "the search text has %d words; at most %d are allowed", n, MaxTokens)
	}
	var err error
	if p.from, err = day("from", q.From); err != nil {
		return nil, err
	}
	if p.to, err = day("to", q.To); err != nil {
		return nil, err
	}
	for _, t := range q.Types {
		if !t.Valid() {
			return nil, inputErrorf("types", "unknown type %q", shorten(string(t)))
		}
		if !slices.Contains(p.types, t) {
			p.types = append(p.types, t)
		}
	}
	slices.Sort(p.types)
	if p.seminarIDs, err = ids("seminarIDs", q.SeminarIDs); err != nil {
		return nil, err
	}
	if p.termIDs, err = ids("termIDs", q.TermIDs); err != nil {
		return nil, err
	}
	if p.themeIDs, err = ids("themeIDs", q.ThemeIDs); err != nil {
		return nil, err
	}
	switch {
	case q.First < 0:
		return nil, inputErrorf("first", "must not be negative, got %d", q.First)
	case q.First == 0:
		p.first = pagesize.DefaultLimits.Default
	default:
		p.first = q.First
	}
	p.key = p.identity()
	p.fingerprint = fingerprintOf(p.key)
	if q.After != "" {
		c, err := decodeCursor(q.After)
		if err != nil {
			return nil, err
		}
		if c.fingerprint != p.fingerprint {
			return nil, inputErrorf("after", "the cursor belongs to a different search")
		}
		p.after = c
	}
	return p, nil
}

// day validates a date filter: "" or YYYY-MM-DD.
func day(field, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", inputErrorf(field, "%q is not a date (YYYY-MM-DD)", shorten(s))
	}
	return s, nil
}

// ids validates a filter's IDs and returns them sorted, without duplicates.
func ids(field string, in []string) ([]string, error) {
	if len(in) > MaxFilterIDs {
		return nil, inputErrorf(field, "at most %d IDs are allowed, got %d", MaxFilterIDs, len(in))
	}
	var out []string
	for _, id := range in {
		if !pulid.ID(id).Valid() {
			return nil, inputErrorf(field, "%q is not a valid ID", shorten(id))
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// shorten cuts s to at most 40 bytes of valid UTF-8, for messages that quote input.
func shorten(s string) string {
	if len(s) <= 40 {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ToValidUTF8(s[:40], "") + "…"
}

// fingerprintOf identifies the search (not the page), so that a cursor is only used
// with the search it came from.
func fingerprintOf(identity string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(identity))
	return strconv.FormatUint(h.Sum64(), 36)
}

// identity is what decides a search's hits (its words and filters; not its page): the
// fingerprint's source, and the key of its count.
func (p *plan) identity() string {
	var b strings.Builder
	write := func(parts ...string) {
		for _, s := range parts {
			b.WriteString(s)
			b.WriteByte(0)
		}
		b.WriteByte(1)
	}
	for _, c := range p.text.clauses {
		for _, t := range c.alts {
			write(key(t))
		}
		write("|")
	}
	for _, t := range p.text.excludes {
		write("-" + key(t))
	}
	write(p.from, p.to)
	for _, t := range p.types {
		write(string(t))
	}
	write(p.seminarIDs...)
	write(p.termIDs...)
	write(p.themeIDs...)
	return b.String()
}

// cursor is a position in the hits: the score and ID of the last hit seen. Hits are
// ordered by (score desc, id asc), so the next page starts strictly after it.
type cursor struct {
	fingerprint string
	score       float64
	id          string
}

const cursorVersion = "s2"

func (c cursor) encode() string {
	raw := strings.Join([]string{cursorVersion, c.fingerprint, strconv.FormatFloat(c.score, 'g', -1, 64), c.id}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (*cursor, error) {
	bad := inputErrorf("after", "not a cursor of this search")
	if len(s) > 200 {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 || parts[0] != cursorVersion || !pulid.ID(parts[3]).Valid() {
		return nil, bad
	}
	score, err := strconv.ParseFloat(parts[2], 64)
	if err != nil || math.IsNaN(score) || math.IsInf(score, 0) {
		return nil, bad
	}
	return &cursor{fingerprint: parts[1], score: score, id: parts[3]}, nil
}

// row is a hit as the database returns it, with the text its snippet comes from.
type row struct {
	id, typ string
	score   float64
	a, b, c string
}

// page turns the rows of a page query (at most first+1) into a result.
func (p *plan) page(rows []row, total int, h *highlighter) *Result {
	rs := &Result{Hits: make([]Hit, 0, min(len(rows), p.first)), TotalCount: min(total, CountCap), TotalCountIsLowerBound: total > CountCap}
	if len(rows) > p.first {
		rs.HasNextPage = true
		rows = rows[:p.first]
	}
	for _, r := range rows {
		rs.Hits = append(rs.Hits, Hit{ID: r.id, Type: Type(r.typ), Score: r.score, Snippet: h.snippet(r.a, r.b, r.c),
			Cursor: cursor{fingerprint: p.fingerprint, score: r.score, id: r.id}.encode()})
	}
	if n := len(rs.Hits); n > 0 {
		rs.EndCursor = rs.Hits[n-1].Cursor
	}
	return rs
}

// scanPage reads the rows of a page query: total, node_id, type, score, a, b, c, where
// everything but total is NULL in the one row of an empty page.
func scanPage(rows *sql.Rows) ([]row, int, error) {
	defer rows.Close()
	var (
		out   []row
		total int
	)
	for rows.Next() {
		var (
			id, typ, a, b, c sql.NullString
			score            sql.NullFloat64
		)
		if err := rows.Scan(&total, &id, &typ, &score, &a, &b, &c); err != nil {
			return nil, 0, fmt.Errorf("scan hit: %w", err)
		}
		if !id.Valid {
			continue
		}
		out = append(out, row{id: id.String, typ: typ.String, score: score.Float64, a: a.String, b: b.String, c: c.String})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("read hits: %w", err)
	}
	return out, total, nil
}
