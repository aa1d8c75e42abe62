package search_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/search"
)

func assertInputError(t *testing.T, err error, field string) {
	t.Helper()
	var ie *search.InputError
	if !errors.As(err, &ie) {
		t.Errorf("error %v (%T), want an *InputError on %s", err, err, field)
		return
	}
	if ie.Field != field || ie.Message == "" || !ie.BadInput() {
		t.Errorf("InputError %+v, want one on %s", ie, field)
	}
}

// TestHostileInput runs hostile and broken searches: each gives an *InputError or a
// result, never an SQL error, and none changes the database.
func TestHostileInput(t *testing.T) {
	const (
		inputError = "input error"
		empty      = "empty"
		anything   = "anything"
		found      = "found" // finds oKunta
	)
	long := strings.Repeat("kunta ", 2000)
	cases := []struct {
		name, text string
		want       string
		field      string
	}{
		{"empty", "", inputError, "query"},
		{"spaces", "   ", inputError, "query"},
		{"tabs and newlines", "\t\n\r\u00a0", inputError, "query"},
		{"10 kB", long, inputError, "query"},
		{"257 characters", strings.Repeat("a", 257), inputError, "query"},
		{"256 letters", strings.Repeat("ä", 256), empty, ""},
		{"33 words", manyWords(33), inputError, "query"},
		{"33 words, 32 distinct", manyWords(32) + " x1", empty, ""},
		{"32 words", "a b c d e f g h i j k l m n o p q r s t u v w x y z å ä ö 1 2 3", empty, ""},
		{"punctuation", "!!!", empty, ""},
		{"star", "*", empty, ""},
		{"minus", "-", empty, ""},
		{"quote", `"`, empty, ""},
		{"unbalanced quote", `"unbalanced`, empty, ""},
		{"unbalanced quote with a word", `"kunta erilainen`, found, ""},
		{"SQL", `'; DROP TABLE themes; --`, empty, ""},
		{"SQL in a word", `kunta'; DROP TABLE themes; --`, empty, ""},
		{"NUL", "\x00", empty, ""},
		{"NUL in a word", "kun\x00ta", anything, ""},
		{"NUL after a word", "kunta\x00", found, ""},
		{"invalid UTF-8", "\xff\xfe\xfd", empty, ""},
		{"invalid UTF-8 after a word", "kunta\xff", found, ""},
		{"FTS5 NEAR", "NEAR(a b)", anything, ""},
		{"FTS5 operators", "AND OR NOT", anything, ""},
		{"FTS5 column filter", "a : kunta", anything, ""},
		{"FTS5 phrase", `"kunta" + "on"`, found, ""},
		{"FTS5 prefix", "kunta*", found, ""},
		{"FTS5 caret", "^kunta", found, ""},
		{"FTS5 injection", `kunta" OR "x`, anything, ""},
		{"tsquery operators", "kunta & !erilainen | (on <-> x):*", anything, ""},
		{"tsquery quote", `'kunta':*`, found, ""},
		{"tsquery backslash", `kunta\`, found, ""},
		{"websearch syntax", `kunta -erilainen or "x y"`, anything, ""},
		{"LIKE wildcards", "%_%", empty, ""},
		{"LIKE wildcards in words", "kun%ta_", anything, ""},
		{"stop words only", "ja on se", anything, ""},
		{"emoji", "🙂🙂", empty, ""},
		{"combining marks only", "\u0308\u030a", empty, ""},
		{"decomposed ä", "va\u0308litila", anything, ""},
		{"right-to-left", "\u202ekunta", found, ""},
		{"other scripts", "муниципалитет 自治体", empty, ""},
		// The query syntax: phrases, OR, exclusion, in every broken shape.
		{"OR alone", "OR", anything, ""},
		{"OR at the ends", "OR kunta OR", found, ""},
		{"OR OR", "kunta OR OR erilainen", anything, ""},
		{"OR of a phrase", `kunta OR "kunta erilainen"`, found, ""},
		{"lower-case or is a word", "kunta or", anything, ""},
		{"minus alone", "kunta -", found, ""},
		{"double minus", "--kunta", found, ""},
		{"minus quote", `kunta -"`, found, ""},
		{"excluded phrase", `kunta -"kunta erilainen"`, anything, ""},
		{"only excluded", "-kunta -erilainen", empty, ""},
		{"excluded OR", "-kunta OR erilainen", anything, ""},
		{"empty phrase", `"" kunta`, found, ""},
		{"phrase of punctuation", `"!!!" kunta`, found, ""},
		{"phrase of 32 words", `"` + manyWords(32) + `"`, empty, ""},
		{"minus inside a word", "kunta-erilainen", anything, ""},
	}
	eachFixture(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, c := range cases {
			rs, err := search.Search(ctx, f.db, search.Query{Text: c.text})
			switch c.want {
			case inputError:
				assertInputError(t, err, c.field)
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			switch c.want {
			case empty:
				if len(rs.Hits) != 0 || rs.TotalCount != 0 {
					t.Errorf("%s: %d hits, want none", c.name, rs.TotalCount)
				}
			case found:
				if !containsKey(f, rs.Hits, "oKunta") {
					t.Errorf("%s: hits %v, want oKunta among them", c.name, f.keysOf(rs.Hits))
				}
			}
		}
		// The decomposed ä of macOS keyboards finds the precomposed one.
		if got := f.keysOf(f.run(t, search.Query{Text: "va\u0308litilassa"}).Hits); len(got) != 1 || got[0] != "oKunnat" {
			t.Errorf("decomposed välitilassa found %v", got)
		}
		var n int
		if err := f.db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM themes").Scan(&n); err != nil || n != 3 {
			t.Errorf("themes after the hostile searches: %d, %v", n, err)
		}

		// The other fields.
		for _, c := range []struct {
			field string
			q     search.Query
		}{
			{"first", search.Query{Text: "kunta", First: -1}},
			{"types", search.Query{Text: "kunta", Types: []search.Type{"REGION"}}},
			{"types", search.Query{Text: "kunta", Types: []search.Type{"theme"}}},
			{"seminarIDs", search.Query{Text: "kunta", SeminarIDs: []string{"x"}}},
			{"seminarIDs", search.Query{Text: "kunta", SeminarIDs: []string{"'; DROP TABLE themes; --"}}},
			{"termIDs", search.Query{Text: "kunta", TermIDs: []string{""}}},
			{"themeIDs", search.Query{Text: "kunta", ThemeIDs: make([]string, search.MaxFilterIDs+1)}},
			{"after", search.Query{Text: "kunta", After: "garbage"}},
			{"after", search.Query{Text: "kunta", After: "czF8eHwxfHRo"}},
			{"after", search.Query{Text: "kunta", After: strings.Repeat("A", 10000)}},
		} {
			_, err := search.Search(ctx, f.db, c.q)
			assertInputError(t, err, c.field)
		}
	})
}

// manyWords returns n distinct words.
func manyWords(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("x%d", i)
	}
	return strings.Join(w, " ")
}

func containsKey(f *fixture, hits []search.Hit, key string) bool {
	for _, h := range hits {
		if f.keys[h.ID] == key {
			return true
		}
	}
	return false
}

// TestMigrateWithoutSchema checks that Migrate before ent's migration fails with an
// error that says so, and leaves nothing behind.
func TestMigrateWithoutSchema(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = search.Migrate(ctx, db)
	if err == nil || !strings.Contains(err.Error(), "database.Migrate") {
		t.Fatalf("Migrate on an empty database: %v, want an error that names database.Migrate", err)
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil || n != 0 {
		t.Errorf("an empty database has %d objects after a failed Migrate (%v), want 0", n, err)
	}
}
