package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestImportCommandErrors runs server import on both databases with bundles it must
// refuse: the error names the file, the place in the bundle and what is wrong, and never
// shows the database's text.
func TestImportCommandErrors(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		write := func(name, content string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		env := func(string) string { return "" }
		importFile := func(file string) error {
			return importCommand(ctx, []string{"-database-url", db.URL, file}, env, io.Discard)
		}
		const header = `{"format": "teemaverkko-bundle", "version": 1, `
		first := write("first.json", header+`"documents": [{"key": "eka", "title": "Eka", "kind": "MEMO", "url": "https://example.org/eka"}]}`)
		if err := importFile(first); err != nil {
			t.Fatalf("import first.json: %v", err)
		}
		for _, tc := range []struct {
			name, content string
			want          []string
		}{
			{"duplicate-url.json", header + `"documents": [{"key": "toka", "title": "Toka", "kind": "MEMO", "url": "https://example.org/eka"}]}`,
				[]string{"duplicate-url.json: ", `documents[0].url: "https://example.org/eka" is already the URL of document "eka" in the database`}},
			{"long-name.json", header + `"organizations": [{"name": "` + strings.Repeat("ä", 301) + `", "kind": "OTHER"}]}`,
				[]string{"long-name.json: ", "organizations[0].name: is 301 characters long, more than the 300 allowed"}},
			{"not-json.json", header + `"documents": [}`,
				[]string{"not-json.json: ", "bundle is not valid JSON: line 1, column 62"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := importFile(write(tc.name, tc.content))
				if err == nil {
					t.Fatal("import succeeded")
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q, want …%s…", err, w)
					}
				}
				for _, leak := range []string{"pq:", "duplicate key", "UNIQUE constraint", "SQL", "index row"} {
					if strings.Contains(err.Error(), leak) {
						t.Errorf("error shows the database's text (%q): %v", leak, err)
					}
				}
			})
		}
	})
}
