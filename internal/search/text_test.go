package search

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

func TestParseText(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Kunta", []string{"kunta"}},
		{"  kelluvat-kunnat!  ", []string{"kelluvat", "kunnat"}},
		{"Uleåborg ÅBO", []string{"uleåborg", "åbo"}},
		{"kunta KUNTA Kunta", []string{"kunta"}},
		{"va\u0308litila", []string{"välitila"}},
		{`'; DROP TABLE themes; --`, []string{"drop", "table", "themes"}},
		{`NEAR(a b) "x"* ^y -z`, []string{"near", "a", "b", "x", "y", "z"}},
		{"kun\x00ta\xffx", []string{"kun", "ta", "x"}},
		{"2017 USO4", []string{"2017", "uso4"}},
		{"!!! * - \" % _", nil},
		{"\u0308", nil},
	}
	for _, c := range cases {
		got := parseText(c.in).distinctWords()
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("words of %q = %q, want %q", c.in, got, c.want)
		}
	}
	// The syntax: clauses (each a list of alternatives, a phrase in quotes) and
	// exclusions.
	show := func(p parsed) string {
		var parts []string
		for _, c := range p.clauses {
			var alts []string
			for _, t := range c.alts {
				alts = append(alts, key(t))
			}
			parts = append(parts, strings.Join(alts, " OR "))
		}
		for _, t := range p.excludes {
			parts = append(parts, "-"+key(t))
		}
		return strings.Join(parts, " AND ")
	}
	for in, want := range map[string]string{
		`kunta strategia`:                    `kunta AND strategia`,
		`"tulevaisuuden kunta" 2030`:         `"tulevaisuuden kunta" AND 2030`,
		`Majoinen OR Stenvall`:               `majoinen OR stenvall`,
		`a OR "b c" OR d e`:                  `a OR "b c" OR d AND e`,
		`johtaminen -muutosten`:              `johtaminen AND -muutosten`,
		`johtaminen -"muutosten johtaminen"`: `johtaminen AND -"muutosten johtaminen"`,
		`sote-uudistus`:                      `sote AND uudistus`,
		`-sote-uudistus kunta`:               `kunta AND -"sote uudistus"`,
		`OR kunta OR`:                        `kunta`,
		`kunta or`:                           `kunta AND or`,
		`"unbalanced quote`:                  `unbalanced AND quote`,
		`"single"`:                           `single`,
		`kunta kunta "kunta"`:                `kunta`,
	} {
		if got := show(parseText(in)); got != want {
			t.Errorf("parseText(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	if utf8.RuneCountInString(foldFrom) != len(foldTo) {
		t.Fatalf("foldFrom has %d letters, foldTo %d", utf8.RuneCountInString(foldFrom), len(foldTo))
	}
	for in, want := range map[string]string{
		"Äänestys": "aanestys", "Uleåborg": "uleaborg", "Pedersöre": "pedersore",
		"KUNTA": "kunta", "Škoda Łódź": "skoda lodz", "straße": "straße",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldMatchesPostgres checks that the index's translate() folds as fold does.
func TestFoldMatchesPostgres(t *testing.T) {
	db := testdb.Open(t, "postgres")
	in := "ÄÖÅäöå Uleåborg Škoda Łódź ÀÉÎÕÜ ñ ç ÿ " + foldFrom + strings.ToUpper(foldFrom)
	var got string
	if err := db.SQL.QueryRowContext(context.Background(), "SELECT translate(lower($1), $2, $3)", in, foldFrom, foldTo).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := fold(in); got != want {
		t.Errorf("PostgreSQL folds %q to %q, Go to %q", in, got, want)
	}
}

func TestSnippet(t *testing.T) {
	h := &highlighter{marks: map[string]bool{"kunta": true, "kuntastrategia": true, "strategia": true}}
	long := strings.Repeat("sana ", 40) + "kunta " + strings.Repeat("toinen ", 40)
	cases := []struct {
		fields []string
		want   string
	}{
		{[]string{"Kunta", "", ""}, "<mark>Kunta</mark>"},
		{[]string{"", "Kuntastrategia & <b>", ""}, "<mark>Kuntastrategia</mark> &amp; &lt;b&gt;"},
		// The field with more distinct tokens wins.
		{[]string{"Kunta", "kunta ja strategia", ""}, "<mark>kunta</mark> ja <mark>strategia</mark>"},
		// No match: the beginning of the first non-empty field.
		{[]string{"", "Jotain muuta", "x"}, "Jotain muuta"},
		{[]string{"", "", ""}, ""},
		// A window around the match, with ellipses.
		{[]string{long, "", ""}, "…sana sana sana sana <mark>kunta</mark> toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen toinen…"},
		// White space and control characters are collapsed.
		{[]string{"a\n\t\x00kunta\r\n", "", ""}, "a <mark>kunta</mark>"},
	}
	for _, c := range cases {
		if got := h.snippet(c.fields...); got != c.want {
			t.Errorf("snippet(%q) =\n%q, want\n%q", c.fields, got, c.want)
		}
	}
	// Only the words the query matched are marked, in any case.
	h.marks = map[string]bool{"kunnat": true}
	if got := h.snippet("Kunnat ovat kunta", "", ""); got != "<mark>Kunnat</mark> ovat kunta" {
		t.Errorf("marks snippet %q", got)
	}
}

func TestCursor(t *testing.T) {
	c := cursor{fingerprint: "abc", score: 0.1 + 0.2, id: "th01ARZ3NDEKTSV4RRFFQ69G5FAV"}
	got, err := decodeCursor(c.encode())
	if err != nil || *got != c {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "x", "czF8", c.encode() + "x", strings.Repeat("A", 300)} {
		if _, err := decodeCursor(bad); err == nil {
			t.Errorf("decodeCursor(%q): no error", bad)
		}
	}
}

func TestQuoting(t *testing.T) {
	if got := ftsString(`a"b`); got != `"a""b"` {
		t.Errorf("ftsString = %s", got)
	}
	if got := tsLexeme(`a'b\c`); got != `'a''b\\c'` {
		t.Errorf("tsLexeme = %s", got)
	}
	if got := likePattern(`a%b_c\d`); got != `%a\%b\_c\\d%` {
		t.Errorf("likePattern = %s", got)
	}
}
