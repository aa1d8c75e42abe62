package database_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestPreparedStatements checks PostgreSQL's statement cache: a read with few arguments
// is prepared once and reused, a read with many is sent as text, and a statement that
// cannot be prepared fails with the database's own error.
func TestPreparedStatements(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, "postgres")
	cache, ok := db.Driver.(interface{ CachedStatements() int })
	if !ok {
		t.Fatalf("the PostgreSQL driver %T has no statement cache", db.Driver)
	}
	client := db.Client()
	client.Theme.Create().SetSlug("kuntastrategia").SetName("Kuntastrategia").SaveX(ctx)
	before := cache.CachedStatements()
	for range 3 {
		if n := client.Theme.Query().Where(theme.Slug("kuntastrategia")).CountX(ctx); n != 1 {
			t.Fatalf("count = %d", n)
		}
	}
	if got := cache.CachedStatements(); got != before+1 {
		t.Fatalf("cached statements %d → %d after one statement run three times; want one more", before, got)
	}
	many := make([]string, 40)
	for i := range many {
		many[i] = fmt.Sprintf("s%d", i)
	}
	client.Theme.Query().Where(theme.SlugIn(many...)).AllX(ctx)
	if got := cache.CachedStatements(); got != before+1 {
		t.Fatalf("a statement of 40 arguments was cached (%d statements)", got)
	}
	var rows entsql.Rows
	err := db.Driver.Query(ctx, "SELECT x FROM no_such_table WHERE y = $1", []any{1}, &rows)
	if err == nil || !strings.Contains(err.Error(), "no_such_table") {
		t.Fatalf("error = %v; want the database's error naming the table", err)
	}
}

// TestRandomPageCost checks the session setting that the server's PostgreSQL connections
// carry, and that a database URL can set its own.
func TestRandomPageCost(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ param, want string }{{"", database.RandomPageCost}, {"random_page_cost=2", "2"}} {
		u, _ := url.Parse(testdb.PostgresURL(t))
		if tc.param != "" {
			u.RawQuery += "&" + tc.param
		}
		db, err := database.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := db.SQL.QueryRowContext(ctx, "SHOW random_page_cost").Scan(&got); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got != tc.want {
			t.Errorf("URL parameter %q: random_page_cost = %s, want %s", tc.param, got, tc.want)
		}
	}
}
