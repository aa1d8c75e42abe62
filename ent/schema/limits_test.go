package schema_test

import (
	"strings"
	"testing"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/teemaverkko/teemaverkko/ent/migrate"
	entschema "github.com/teemaverkko/teemaverkko/ent/schema"
)

// TestEveryStringFieldIsLimited checks the class, not examples: every string field (and
// list of strings) of every entity schema declares a length limit.
func TestEveryStringFieldIsLimited(t *testing.T) {
	types := entschema.Types()
	if len(types) != len(tablesOfTypes()) {
		t.Fatalf("ent/schema lists %d types, the migration has %d entity tables", len(types), len(tablesOfTypes()))
	}
	n := 0
	for _, typ := range types {
		for _, f := range entschema.StringFields(typ) {
			n++
			if f.Max <= 0 {
				t.Errorf("%s.%s has no length limit", typ, f.Name)
			}
		}
	}
	if n < 40 {
		t.Errorf("found %d string fields; the reflection over the schemas misses some", n)
	}
}

// TestIndexedStringsFitPostgreSQLIndexRows checks that every string column in a btree
// index stays within PostgreSQL's 2,704 bytes per index row at its limit even when every
// character takes UTF-8's four bytes (a URL is ASCII by its format).
func TestIndexedStringsFitPostgreSQLIndexRows(t *testing.T) {
	const btreeMax = 2704
	tables := tablesOfTypes()
	for typ, table := range tables {
		limits := map[string]int{}
		for _, f := range entschema.StringFields(typ) {
			limits[f.Name] = f.Max
		}
		indexes := table.Indexes
		for _, c := range table.Columns {
			if c.Unique {
				indexes = append(indexes, &schema.Index{Name: c.Name, Columns: []*schema.Column{c}})
			}
		}
		for _, ix := range indexes {
			bytes := 24 // tuple header and alignment, generously
			for _, c := range ix.Columns {
				max, ok := limits[c.Name]
				switch {
				case !ok:
					bytes += 8 // a date, a number
				case c.Name == "url":
					bytes += max + 4
				default:
					bytes += 4*max + 4
				}
			}
			if bytes > btreeMax {
				t.Errorf("index %s of %s: up to %d bytes per row, more than PostgreSQL's %d", ix.Name, table.Name, bytes, btreeMax)
			}
		}
	}
}

// TestCheckString checks the messages: the unit, the limit, and no colon (they follow a
// field name and a colon).
func TestCheckString(t *testing.T) {
	if err := entschema.CheckString(strings.Repeat("ä", 300), 300); err != nil {
		t.Errorf("300 ä at a limit of 300: %v", err)
	}
	err := entschema.CheckString(strings.Repeat("ä", 301), 300)
	if err == nil || !strings.Contains(err.Error(), "301 characters") || !strings.Contains(err.Error(), "300") ||
		!strings.Contains(err.Error(), "Unicode code points") || strings.Contains(err.Error(), ":") {
		t.Errorf("301 ä at a limit of 300: %v", err)
	}
	if err := entschema.CheckString("a\x00b", 300); err == nil {
		t.Errorf("NUL accepted")
	}
	for _, u := range []string{"https://example.org/a?b=c", "http://example.org"} {
		if err := entschema.CheckURL(u); err != nil {
			t.Errorf("CheckURL(%q) = %v", u, err)
		}
	}
	for _, u := range []string{"https://fi.wikipedia.org/wiki/Äänekoski", "ftp://example.org", "example.org", "https://exa mple.org", "https://"} {
		if err := entschema.CheckURL(u); err == nil {
			t.Errorf("CheckURL(%q) accepted it", u)
		}
	}
}

// tablesOfTypes maps the entity types to their tables (join tables left out).
func tablesOfTypes() map[string]*schema.Table {
	byName := map[string]*schema.Table{}
	for _, t := range migrate.Tables {
		byName[t.Name] = t
	}
	out := map[string]*schema.Table{}
	for _, typ := range entschema.Types() {
		for name, t := range byName {
			if tableOf(typ) == name {
				out[typ] = t
			}
		}
	}
	return out
}

// tableOf is ent's table name of a type: snake case, plural.
func tableOf(typ string) string {
	var b strings.Builder
	for i, r := range typ {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	s := strings.ToLower(b.String())
	if strings.HasSuffix(s, "y") {
		return strings.TrimSuffix(s, "y") + "ies"
	}
	return s + "s"
}
