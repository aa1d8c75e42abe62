// Package nestedpage limits a nested connection to its first n rows per parent without
// reading every child of every parent.
//
// A query such as themes(first: 10) { outcomes(first: 10) } loads the outcomes of all ten
// themes in one statement. entgql does that with ROW_NUMBER() OVER (PARTITION BY parent),
// which numbers every child of every parent before it keeps ten of each: its cost grows with
// the children a parent has, not with the page asked for. The generated collection code
// (ent/template/gql_collection.tmpl) uses LimitPerParent instead:
//
//   - PostgreSQL: the parents become one text[] argument, and each parent's page is a
//     CROSS JOIN LATERAL (... WHERE parent = p.id ORDER BY ... LIMIT n), so an index on
//     (parent, order) stops after n rows;
//   - SQLite has no LATERAL: each parent gets its own SELECT ... LIMIT n, joined by
//     UNION ALL (up to MaxUnionTerms parents; see there why not more).
//
// Any statement of another shape falls back to entgql.LimitPerRow, so the result is the
// same either way; only the work differs.
//
// Whatever the strategy, the statement's rows are finally sorted by the connection's order
// across all parents. ent's many-to-many loader creates one node per child, shared by every
// parent that has it, and appends the children to each parent in the order the children
// first appear in the result: with rows grouped by parent, a child shared by two parents
// lands at the wrong place (and with first: n, the wrong children are returned). When
// the rows follow one global order, each parent's children are a subsequence of it, so in
// the right order. entgql's own LimitPerRow leaves the rows grouped by parent and has
// this bug; TestNestedPagesPerParent in package graph shows it.
//
// The parents are read from the SQL text of ent's eager-loading predicate (see Mark and
// parentIn): docs/FORKS.md#nested-pages says why, and test/forks checks every edge.
package nestedpage

import (
	"context"
	"net/http"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/teemaverkko/teemaverkko/ent/pgarray"
)

// MaxUnionTerms is the most parents that SQLite pages with one UNION ALL term each; with
// more, the statement falls back to the window function. Each term costs SQLite about
// 40 µs to compile, which the window function does not pay, so the union wins where
// parents are few and children many (10 themes × their outcomes at scale 1: 6 ms against
// 31 ms; 40 themes: 18 ms against 72 ms) and loses where parents are many and children
// few (365 outcomes × their municipalities: 23 ms against 2.5 ms). SQLite itself allows
// 500 terms.
const MaxUnionTerms = 64

// Aliases of the derived tables in the statements built here. They are chosen not to clash
// with any table name of the schema.
const (
	parentsAlias = "nestedpage_parents"
	srcAlias     = "nestedpage_src"
	rowsAlias    = "nestedpage_rows"
)

type windowKey struct{}

// WithWindow returns a context under which LimitPerParent always uses entgql's window
// function. It exists to compare the two: in tests (same rows) and in measurements.
func WithWindow(ctx context.Context) context.Context {
	return context.WithValue(ctx, windowKey{}, true)
}

// WindowHandler serves every request of next under WithWindow.
func WindowHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithWindow(r.Context())))
	})
}

// Mark is the predicate the generated code adds to a nested connection's query just before
// ent's eager loader adds its "parent IN (ids)" predicate. From Mark on, predicates are
// collected apart from the WHERE clause, so that LimitPerParent can take the parent IDs
// from the loader's predicate and put them where the per-parent limit needs them.
func Mark(s *sql.Selector) { s.CollectPredicates() }

// LimitPerParent returns a query modifier that keeps the first limit rows, in the order
// orderBy, for each value of the column partitionBy (the parent's ID on the child row or the
// join table). It expects the query's predicates after Mark to be the eager loader's single
// "partitionBy IN (ids)"; otherwise it restores them and falls back to entgql.LimitPerRow.
func LimitPerParent(partitionBy string, limit int, orderBy sql.Querier) func(*sql.Selector) {
	return func(s *sql.Selector) {
		collected := s.CollectedPredicates()
		s.UncollectedPredicates()
		// Every strategy below, the window function's included, copies s with
		// Selector.Clone; see selfContained for why its WHERE clause cannot be copied as is.
		if where := s.P(); where != nil {
			s.SetP(selfContained(where))
		}
		window, _ := s.Context().Value(windowKey{}).(bool)
		if column, ids, ok := parentIn(s.Dialect(), partitionBy, collected); ok && !window {
			switch {
			case s.Dialect() == dialect.Postgres:
				lateral(s, column, ids, limit, orderBy)
				return
			case s.Dialect() == dialect.SQLite && len(ids) <= MaxUnionTerms:
				unionAll(s, column, ids, limit, orderBy)
				return
			}
		}
		for _, p := range collected {
			s.Where(p)
		}
		entgql.LimitPerRow(partitionBy, limit, orderBy)(s)
		s.OrderExpr(orderBy)
	}
}

// selfContained returns a predicate that renders as (p), through p itself.
//
// Selector.Clone copies the WHERE predicate by copying its closures, but some of ent's
// closures write to, or read, the predicate they were built on rather than the builder
// they are given: GT, GTE, LT and LTE write their operator to it, LIKE … ESCAPE its escape
// clause, and OR and AND read its nesting depth to decide on parentheses. On a copy the
// operator of a cursor's `id > $1` is lost (`"id"$1`, a syntax error), and an OR of a
// multi-field cursor loses its parentheses once the parent's predicate is ANDed to it
// (`a OR b AND parent = $2`), which selects other parents' children. A predicate whose
// only closure renders p by joining it, wrapped in parentheses whatever its depth, is
// copied safely: p renders itself, its placeholders numbered from the builder's position.
func selfContained(p *sql.Predicate) *sql.Predicate {
	return sql.P(func(b *sql.Builder) {
		b.Wrap(func(b *sql.Builder) { b.Join(p) })
	})
}

// parentIn recognises the eager loader's predicate, `"table"."partitionBy" IN (...)`, and
// returns the qualified column as the dialect writes it and the parent IDs.
func parentIn(d, partitionBy string, collected []*sql.Predicate) (column string, ids []any, ok bool) {
	if len(collected) != 1 {
		return "", nil, false
	}
	var b sql.Builder
	b.SetDialect(d)
	b.Join(collected[0])
	query, args := b.Query()
	column, list, found := strings.Cut(query, " IN (")
	if !found || !strings.HasSuffix(list, ")") || len(args) == 0 {
		return "", nil, false
	}
	var quoted sql.Builder
	quoted.SetDialect(d)
	quoted.Ident(partitionBy)
	if !strings.HasSuffix(column, "."+quoted.String()) || strings.ContainsAny(column, " ()") {
		return "", nil, false
	}
	// Every element of the list must be a placeholder of one argument.
	placeholders := strings.Split(strings.TrimSuffix(list, ")"), ", ")
	if len(placeholders) != len(args) {
		return "", nil, false
	}
	for i, p := range placeholders {
		if p != "?" && !strings.HasPrefix(p, "$") || args[i] == nil {
			return "", nil, false
		}
	}
	// A parent listed twice would have its page twice; ent lists each once, but be sure.
	seen := make(map[any]bool, len(args))
	for _, a := range args {
		if !seen[a] {
			seen[a] = true
			ids = append(ids, a)
		}
	}
	return column, ids, true
}

// page turns s, which selects every matching child, into the page of one parent:
//
//	SELECT * FROM (<s> AND <parent>) AS nestedpage_src ORDER BY <orderBy> LIMIT n
//
// The order is applied outside, as entgql's window function does, because its terms name
// the selected columns unqualified (id, seminar_date), which inside s could be ambiguous
// between the joined tables. Both databases flatten the derived table.
func page(s *sql.Selector, parent *sql.Predicate, limit int, orderBy sql.Querier) *sql.Selector {
	src := s.Clone()
	src.SetDistinct(false)
	src.Where(parent)
	src.ClearOrder()
	return sql.Dialect(s.Dialect()).Select("*").
		From(src.As(srcAlias)).
		OrderExpr(orderBy).
		Limit(limit)
}

// lateral rewrites s (PostgreSQL) to
//
//	SELECT nestedpage_rows.* FROM unnest($1::text[]) AS nestedpage_parents(id)
//	CROSS JOIN LATERAL (<page of nestedpage_parents.id>) AS nestedpage_rows
//
// The rows come out parent by parent, each parent's in the page's order (a lateral join is
// executed as a nested loop), which is all ent's loader needs.
func lateral(s *sql.Selector, column string, ids []any, limit int, orderBy sql.Querier) {
	inner := page(s, sql.ExprP(column+" = "+parentsAlias+".id"), limit, orderBy)
	from := sql.ExprFunc(func(b *sql.Builder) {
		if array, ok := pgarray.Text(ids); ok {
			// One argument whatever the number of parents, so that the statement's text
			// is the same for every page and its prepared form can be reused.
			b.WriteString("unnest(")
			b.Arg(array)
			b.WriteString("::text[])")
		} else {
			b.WriteString("(VALUES ")
			for i, id := range ids {
				if i > 0 {
					b.Comma()
				}
				b.Wrap(func(b *sql.Builder) { b.Arg(id) })
			}
			b.WriteString(")")
		}
		b.WriteString(" AS " + parentsAlias + "(id) CROSS JOIN LATERAL ")
		b.Wrap(func(b *sql.Builder) { b.Join(inner) })
		b.WriteString(" AS " + rowsAlias)
	})
	*s = *sql.Dialect(s.Dialect()).
		Select(rowsAlias + ".*").
		FromExpr(from).
		OrderExpr(orderBy).
		WithContext(s.Context())
}

// unionAll rewrites s (SQLite) to one LIMITed SELECT per parent joined by UNION ALL:
//
//	SELECT * FROM (<page of the first parent>) AS nestedpage_rows
//	UNION ALL SELECT * FROM (<page of the second parent>) AS nestedpage_rows ...
//
// With an index on (parent, order) each term reads at most n rows.
func unionAll(s *sql.Selector, column string, ids []any, limit int, orderBy sql.Querier) {
	d := sql.Dialect(s.Dialect())
	term := func(id any) *sql.Selector {
		parent := sql.P(func(b *sql.Builder) {
			b.WriteString(column + " = ")
			b.Arg(id)
		})
		return d.Select("*").From(page(s, parent, limit, orderBy).As(rowsAlias))
	}
	u := term(ids[0]).WithContext(s.Context())
	for _, id := range ids[1:] {
		u.UnionAll(term(id))
	}
	*s = *u.OrderExpr(orderBy)
}
