// Command explain shows where the time of the load tool's queries goes: it runs each
// query of bench/queries once through the GraphQL handler, in process, over the
// database, records the SQL statements the request sends, then runs each statement
// again on its own and prints its time (reading every row) and, with -plan, the
// database's query plan:
//
//	go run ./bench/explain [-database-url URL] [-queries bench/queries] [-only filtered,nested] [-plan] [-window]
//
// A paginated query shows its first page. It only reads.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"github.com/teemaverkko/teemaverkko/bench/queryset"
	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/nestedpage"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "explain:", err)
		os.Exit(1)
	}
}

// statement is one recorded SQL statement.
type statement struct {
	query string
	args  []any
}

// recorder is an ent driver that records the statements it is sent.
type recorder struct {
	dialect.Driver
	mu    sync.Mutex
	stmts []statement
}

func (r *recorder) record(query string, args any) {
	a, _ := args.([]any)
	r.mu.Lock()
	r.stmts = append(r.stmts, statement{query, a})
	r.mu.Unlock()
}

func (r *recorder) take() []statement {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.stmts
	r.stmts = nil
	return out
}

// Query records and runs a statement.
func (r *recorder) Query(ctx context.Context, query string, args, v any) error {
	r.record(query, args)
	return r.Driver.Query(ctx, query, args, v)
}

// Exec records and runs a statement.
func (r *recorder) Exec(ctx context.Context, query string, args, v any) error {
	r.record(query, args)
	return r.Driver.Exec(ctx, query, args, v)
}

// QueryContext records and runs a statement (ent's sql/execquery feature).
func (r *recorder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r.record(query, args)
	q, ok := r.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("driver has no QueryContext")
	}
	return q.QueryContext(ctx, query, args...)
}

// ExecContext records and runs a statement (ent's sql/execquery feature).
func (r *recorder) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r.record(query, args)
	e, ok := r.Driver.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("driver has no ExecContext")
	}
	return e.ExecContext(ctx, query, args...)
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	def := os.Getenv("DATABASE_URL")
	if def == "" {
		def = "data/teemaverkko.db"
	}
	dbURL := fs.String("database-url", def, "database (env DATABASE_URL)")
	dir := fs.String("queries", "bench/queries", "the folder of the query set")
	only := fs.String("only", "", "only these queries (comma-separated)")
	plan := fs.Bool("plan", false, "print each statement's query plan")
	window := fs.Bool("window", false, "limit nested connections with entgql's window function instead of per parent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	queries, err := queryset.Load(*dir)
	if err != nil {
		return err
	}
	db, err := database.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	rec := &recorder{Driver: db.Driver}
	client := ent.NewClient(ent.Driver(rec))
	var h http.Handler = graph.NewHandler(client, graph.Config{Dialect: db.Dialect, Limits: graph.DefaultLimits})
	if *window {
		h = nestedpage.WindowHandler(h)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := queryset.HTTPPoster(srv.Client(), srv.URL)
	for _, q := range queries {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), q.Name) {
			continue
		}
		if err := q.Prepare(ctx, post); err != nil {
			return err
		}
		rec.take()
		start := time.Now()
		if _, _, _, err := q.Page(ctx, post, ""); err != nil {
			return fmt.Errorf("%s: %w", q.Name, err)
		}
		total := time.Since(start)
		stmts := rec.take()
		fmt.Fprintf(out, "== %s: %d statements, request %s\n", q.Name, len(stmts), total.Round(time.Microsecond))
		for i, s := range stmts {
			d, rows, err := timeStatement(ctx, db.SQL, s)
			if err != nil {
				return fmt.Errorf("%s: statement %d: %w", q.Name, i+1, err)
			}
			fmt.Fprintf(out, "-- %d. %s, %d rows, %d args\n%s\n", i+1, d.Round(time.Microsecond), rows, len(s.args), shorten(s.query))
			if *plan {
				p, err := explain(ctx, db, s)
				if err != nil {
					return fmt.Errorf("%s: plan of statement %d: %w", q.Name, i+1, err)
				}
				fmt.Fprintf(out, "%s\n", p)
			}
		}
	}
	return nil
}

// timeStatement runs a statement and reads every row.
func timeStatement(ctx context.Context, db *sql.DB, s statement) (time.Duration, int, error) {
	start := time.Now()
	rows, err := db.QueryContext(ctx, s.query, s.args...)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return time.Since(start), n, rows.Err()
}

// explain returns the database's plan of a statement.
func explain(ctx context.Context, db *database.DB, s statement) (string, error) {
	prefix := "EXPLAIN QUERY PLAN "
	if db.Dialect == dialect.Postgres {
		prefix = "EXPLAIN (ANALYZE, BUFFERS) "
	}
	rows, err := db.SQL.QueryContext(ctx, prefix+s.query, s.args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		// SQLite: id, parent, notused, detail; PostgreSQL: one text column.
		line := fmt.Sprint(vals[len(vals)-1])
		if b, ok := vals[len(vals)-1].([]byte); ok {
			line = string(b)
		}
		b.WriteString("   " + line + "\n")
	}
	return strings.TrimRight(b.String(), "\n"), rows.Err()
}

// shorten cuts a long statement for reading.
func shorten(q string) string {
	if len(q) > 1500 {
		return q[:1500] + " …"
	}
	return q
}
