package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// largeBundle is a bundle of one seminar with one session of n outcomes, each citing
// the one document: bulk writes of this size pass both databases' limits on the
// parameters of a statement unless they are split.
func largeBundle(n int) map[string]any {
	outcomes := make([]any, n)
	for i := range outcomes {
		outcomes[i] = map[string]any{"kind": "INSIGHT", "text": fmt.Sprintf("Havainto %05d.", i), "sources": []any{"iso-lahde"}}
	}
	return map[string]any{
		"format": "teemaverkko-bundle", "version": 1,
		"documents": []any{map[string]any{"key": "iso-lahde", "title": "Iso lähde", "kind": "MEMO"}},
		"seminars": []any{map[string]any{
			"title": "Iso seminaari", "date": "2021-03-04", "sources": []any{"iso-lahde"},
			"sessions": []any{map[string]any{"position": 1, "kind": "WORKSHOP", "title": "Työpaja", "outcomes": outcomes}},
		}},
	}
}

// TestImportLargeBundle imports a session of 16,000 outcomes through the API, in one
// transaction (one version), on both databases; it exports the same as of that version,
// and importing it again changes nothing.
func TestImportLargeBundle(t *testing.T) {
	const n = 16000
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		srv := apiServer(t, client)
		text := bundleJSON(t, largeBundle(n))
		type report struct {
			ImportBundle *struct{ Created, Updated, Unchanged int }
		}
		start := time.Now()
		var first report
		mustPost(t, srv, importMutation, map[string]any{"b": text}, &first)
		t.Logf("imported %d outcomes in %v", n, time.Since(start).Round(time.Millisecond))
		if got := client.Outcome.Query().CountX(ctx); got != n {
			t.Fatalf("outcomes after the import = %d, want %d", got, n)
		}
		if first.ImportBundle == nil || first.ImportBundle.Created != n+3 {
			t.Errorf("report = %+v, want %d created (a document, a seminar, a session and the outcomes)", first.ImportBundle, n+3)
		}
		if v := versionOf(t, srv); v != 1 {
			t.Errorf("version after the import = %d, want 1 (one change set)", v)
		}
		start = time.Now()
		if exportJSON(t, client) != exportAsOf(t, client, 1) {
			t.Errorf("the export as of the import's version differs from the export")
		}
		t.Logf("exported, live and as of version 1, in %v", time.Since(start).Round(time.Millisecond))
		start = time.Now()
		var again report
		mustPost(t, srv, importMutation, map[string]any{"b": text}, &again)
		t.Logf("imported again in %v", time.Since(start).Round(time.Millisecond))
		if again.ImportBundle == nil || again.ImportBundle.Created != 0 || again.ImportBundle.Updated != 0 {
			t.Errorf("the second import = %+v, want nothing changed", again.ImportBundle)
		}
	})
}
