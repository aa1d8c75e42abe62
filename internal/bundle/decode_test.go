package bundle_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/bundle"
)

// seedFiles are the seed bundles, in the order they must be applied.
var seedFiles = []string{"01-uso-network.json", "02-uso-kickoff-2017.json"}

// readSeed returns the bytes of a seed bundle.
func readSeed(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "seed", "data", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// decodeSeed decodes a seed bundle.
func decodeSeed(t testing.TB, name string) *bundle.Bundle {
	t.Helper()
	b, err := bundle.Decode(strings.NewReader(string(readSeed(t, name))))
	if err != nil {
		t.Fatalf("Decode(%s): %v", name, err)
	}
	return b
}

func TestDecodeSeeds(t *testing.T) {
	for _, name := range seedFiles {
		t.Run(name, func(t *testing.T) {
			b := decodeSeed(t, name)
			if b.Format != bundle.FormatName || b.Version != bundle.FormatVersion {
				t.Errorf("format, version = %q, %d", b.Format, b.Version)
			}
			if err := b.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

// minimal is a small valid bundle; the decode cases below break one thing in it.
const minimal = `{
  "format": "teemaverkko-bundle",
  "version": 1,
  "documents": [{"key": "doc-a", "title": "A", "kind": "NEWS_ARTICLE", "publishedOn": "2017-03"}],
  "experts": [{"name": "Ann Example", "municipality": "535"}],
  "themes": [{"slug": "theme-a", "name": "Teema A"}],
  "seminars": [{
    "title": "Seminar", "date": "2017-03-14",
    "sessions": [
      {"position": 1, "kind": "OPENING", "title": "Opening"},
      {"position": 2, "kind": "PANEL", "title": "Panel", "speakers": ["Ann Example"]},
      {"position": 3, "kind": "WORKSHOP", "title": "Workshop", "outcomes": [
        {"kind": "INSIGHT", "text": "First", "sources": ["doc-a"]},
        {"kind": "INSIGHT", "text": "Second", "sources": ["doc-a"]}
      ]}
    ]
  }]
}`

// problem is one expected FieldError: its exact path and a part of its message.
type problem struct {
	path, message string
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		// old and new replace one part of minimal; the first occurrence is replaced.
		old, new string
		want     []problem
	}{
		{
			name: "unknown field deep inside",
			old:  `{"kind": "INSIGHT", "text": "Second"`, new: `{"kind": "INSIGHT", "txt": "x", "text": "Second"`,
			want: []problem{{"seminars[0].sessions[2].outcomes[1].txt", "unknown field"}},
		},
		{
			name: "field names are case-sensitive",
			old:  `"title": "Opening"`, new: `"Title": "Opening"`,
			want: []problem{{"seminars[0].sessions[0].Title", "unknown field"}},
		},
		{
			name: "wrong JSON type",
			old:  `"position": 2`, new: `"position": "2"`,
			want: []problem{{"seminars[0].sessions[1].position", "must be an integer"}},
		},
		{
			name: "bad session kind",
			old:  `"kind": "PANEL"`, new: `"kind": "DEBATE"`,
			want: []problem{{"seminars[0].sessions[1].kind", `"DEBATE" is not one of OPENING`}},
		},
		{
			name: "bad document kind",
			old:  `"kind": "NEWS_ARTICLE"`, new: `"kind": "news"`,
			want: []problem{{"documents[0].kind", `"news" is not one of NEWS_ARTICLE`}},
		},
		{
			name: "bad outcome kind",
			old:  `{"kind": "INSIGHT", "text": "First"`, new: `{"kind": "IDEA", "text": "First"`,
			want: []problem{{"seminars[0].sessions[2].outcomes[0].kind", `"IDEA" is not one of INSIGHT`}},
		},
		{
			name: "bad seminar date",
			old:  `"date": "2017-03-14"`, new: `"date": "14.3.2017"`,
			want: []problem{{"seminars[0].date", "not a date"}},
		},
		{
			name: "bad publication date",
			old:  `"publishedOn": "2017-03"`, new: `"publishedOn": "2017-13"`,
			want: []problem{{"documents[0].publishedOn", "not a date"}},
		},
		{
			name: "missing source",
			old:  `"text": "Second", "sources": ["doc-a"]`, new: `"text": "Second"`,
			want: []problem{{"seminars[0].sessions[2].outcomes[1].sources", "at least one source"}},
		},
		{
			name: "empty sources",
			old:  `"text": "Second", "sources": ["doc-a"]`, new: `"text": "Second", "sources": []`,
			want: []problem{{"seminars[0].sessions[2].outcomes[1].sources", "at least one source"}},
		},
		{
			name: "bad slug and bad code",
			old:  `"slug": "theme-a"`, new: `"slug": "Teema A"`,
			want: []problem{{"themes[0].slug", "not lower-case ASCII words"}},
		},
		{
			name: "bad municipality code",
			old:  `"municipality": "535"`, new: `"municipality": "53"`,
			want: []problem{{"experts[0].municipality", "not a three-digit municipality code"}},
		},
		{
			name: "duplicate session position",
			old:  `"position": 3`, new: `"position": 1`,
			want: []problem{{"seminars[0].sessions[2].position", "duplicate position 1"}},
		},
		{
			name: "duplicate outcome text",
			old:  `"text": "Second"`, new: `"text": "First"`,
			want: []problem{{"seminars[0].sessions[2].outcomes[1].text", "duplicate outcome text"}},
		},
		{
			name: "duplicate expert name",
			old:  `{"name": "Ann Example", "municipality": "535"}`, new: `{"name": "Ann Example"}, {"name": "Ann Example"}`,
			want: []problem{{"experts[1].name", `duplicate expert name "Ann Example"`}},
		},
		{
			name: "missing required values",
			old:  `"title": "A", "kind": "NEWS_ARTICLE"`, new: `"title": " "`,
			want: []problem{{"documents[0].title", "is required"}, {"documents[0].kind", "is required"}},
		},
		{
			name: "term without network",
			old:  `"date": "2017-03-14"`, new: `"date": "2017-03-14", "term": 4`,
			want: []problem{{"seminars[0].network", "needs the name of its network"}},
		},
		{
			name: "theme cycle",
			old:  `{"slug": "theme-a", "name": "Teema A"}`, new: `{"slug": "theme-a", "name": "A", "parent": "theme-b"}, {"slug": "theme-b", "name": "B", "parent": "theme-a"}`,
			want: []problem{{"themes[0].parent", "its own ancestor"}, {"themes[1].parent", "its own ancestor"}},
		},
		{
			name: "every problem is listed",
			old:  `"position": 2, "kind": "PANEL", "title": "Panel"`, new: `"position": 0, "kind": "", "title": ""`,
			want: []problem{
				{"seminars[0].sessions[1].position", "must be 1 or more"},
				{"seminars[0].sessions[1].kind", "is required"},
				{"seminars[0].sessions[1].title", "is required"},
			},
		},
		{
			name: "bad asOf",
			old:  `{"name": "Ann Example", "municipality": "535"}`, new: `{"name": "Ann Example", "municipality": "535", "asOf": "14.3.2017"}`,
			want: []problem{{"experts[0].asOf", "not a date"}},
		},
		{
			name: "asOf is case-sensitive",
			old:  `{"name": "Ann Example", "municipality": "535"}`, new: `{"name": "Ann Example", "asof": "2017"}`,
			want: []problem{{"experts[0].asof", "unknown field"}},
		},
		{
			name: "unknown field in a role",
			old:  `"speakers": ["Ann Example"]`, new: `"speakers": ["Ann Example"], "roles": [{"expert": "Ann Example", "tittle": "x"}]`,
			want: []problem{{"seminars[0].sessions[1].roles[0].tittle", "unknown field"}},
		},
		{
			name: "role of someone who does not speak",
			old:  `"speakers": ["Ann Example"]`, new: `"speakers": ["Ann Example"], "roles": [{"expert": "Bob Example", "title": "johtaja"}]`,
			want: []problem{{"seminars[0].sessions[1].roles[0].expert", `"Bob Example" is not one of the speakers or moderators`}},
		},
		{
			name: "role without expert and duplicate role",
			old:  `"speakers": ["Ann Example"]`,
			new:  `"speakers": ["Ann Example"], "roles": [{"expert": "Ann Example"}, {"title": "x"}, {"expert": "Ann Example"}]`,
			want: []problem{
				{"seminars[0].sessions[1].roles[1].expert", "is required"},
				{"seminars[0].sessions[1].roles[2].expert", `duplicate role for "Ann Example" (also seminars[0].sessions[1].roles[0])`},
			},
		},
		{
			name: "role of someone who is not an author",
			old:  `"publishedOn": "2017-03"`, new: `"publishedOn": "2017-03", "authors": ["Ann Example"], "roles": [{"expert": "Ann"}]`,
			want: []problem{{"documents[0].roles[0].expert", `"Ann" is not one of the authors`}},
		},
		{
			name: "role of the wrong JSON type",
			old:  `"speakers": ["Ann Example"]`, new: `"speakers": ["Ann Example"], "roles": ["Ann Example"]`,
			want: []problem{{"seminars[0].sessions[1].roles[0]", "must be an object"}},
		},
		{
			name: "wrong format",
			old:  `"format": "teemaverkko-bundle"`, new: `"format": "something-else"`,
			want: []problem{{"format", `must be "teemaverkko-bundle"`}},
		},
		{
			name: "unsupported version",
			old:  `"version": 1`, new: `"version": 2`,
			want: []problem{{"version", "unsupported version 2"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(minimal, tt.old) {
				t.Fatalf("minimal bundle does not contain %s", tt.old)
			}
			_, err := bundle.Decode(strings.NewReader(strings.Replace(minimal, tt.old, tt.new, 1)))
			var verrs bundle.ValidationErrors
			if !errors.As(err, &verrs) {
				t.Fatalf("Decode error = %v, want ValidationErrors", err)
			}
			if len(verrs) != len(tt.want) {
				t.Errorf("got %d problems, want %d: %v", len(verrs), len(tt.want), err)
			}
			for i, w := range tt.want {
				if i >= len(verrs) {
					break
				}
				if got := verrs[i]; got.Path != w.path || !strings.Contains(got.Message, w.message) {
					t.Errorf("problem %d = %q: %q, want %q: …%s…", i, got.Path, got.Message, w.path, w.message)
				}
			}
		})
	}
}

func TestDecodeAppearanceFields(t *testing.T) {
	in := strings.Replace(strings.Replace(minimal,
		`{"name": "Ann Example", "municipality": "535"}`, `{"name": "Ann Example", "municipality": "535", "title": "johtaja", "asOf": "2017-03"}`, 1),
		`"speakers": ["Ann Example"]`, `"speakers": ["Ann Example"], "roles": [{"expert": "Ann Example", "title": "puheenjohtaja", "titleEn": "Chair", "organization": "Org"}]`, 1)
	b, err := bundle.Decode(strings.NewReader(in))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got := b.Experts[0].AsOf; got != "2017-03" {
		t.Errorf("asOf = %q", got)
	}
	want := []bundle.Role{{Expert: "Ann Example", Title: "puheenjohtaja", TitleEn: "Chair", Organization: "Org"}}
	if got := b.Seminars[0].Sessions[1].Roles; !slices.Equal(got, want) {
		t.Errorf("roles = %+v, want %+v", got, want)
	}
}

func TestDecodeMinimal(t *testing.T) {
	b, err := bundle.Decode(strings.NewReader(minimal))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got := len(b.Seminars[0].Sessions[2].Outcomes); got != 2 {
		t.Errorf("outcomes = %d, want 2", got)
	}
}

func TestDecodeSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"not JSON", "{\n  \"format\": teemaverkko\n}", "line 2, column"},
		{"truncated", `{"format": "teemaverkko-bundle"`, "unexpected end of input"},
		{"trailing data", minimal + ` {}`, "data after the bundle's object"},
		{"same key in sibling objects is fine", `{"format": "teemaverkko-bundle", "version": 1, "themes": [{"slug": "ok", "name": "A"}, {"slug": "a", "name": "B", "nameEn": "b"}], "x": 1}`, "x: unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bundle.Decode(strings.NewReader(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("not an object", func(t *testing.T) {
		_, err := bundle.Decode(strings.NewReader(`[1, 2]`))
		var verrs bundle.ValidationErrors
		if !errors.As(err, &verrs) || !strings.Contains(err.Error(), "must be a JSON object") {
			t.Errorf("Decode error = %v, want a ValidationErrors saying it must be an object", err)
		}
	})
}

// TestDecodeMalformedJSON checks that input that is not one JSON value is a
// *SyntaxError, with where the problem is, for input of several shapes.
func TestDecodeMalformedJSON(t *testing.T) {
	deep := strings.Repeat("[", 20000)
	tests := []struct {
		name, input string
		line, col   int
		reason      string
	}{
		{"empty", "", 1, 1, "empty"},
		{"blank", " \n\t", 2, 2, "empty"},
		{"truncated", "{\n  \"format\": \"teemaverkko-bundle\",", 2, 34, "unexpected end of input"},
		{"missing value", "{\n  \"format\": }", 2, 13, "invalid character '}'"},
		{"trailing comma", `{"format": "teemaverkko-bundle", "version": 1,}`, 1, 47, "invalid character '}'"},
		{"single quotes", `{'format': 1}`, 1, 2, "invalid character '\\''"},
		{"byte order mark", "\ufeff" + minimal, 1, 1, "invalid character"},
		{"bad escape", `{"format": "\x"}`, 1, 14, "invalid character 'x' in string escape code"},
		{"two objects", minimal + "\n\n  {}", 20, 3, "data after the bundle's object"},
		{"too deep", deep, 1, 10001, "exceeded max depth"},
		{"a key twice", "{\"format\": \"teemaverkko-bundle\",\n  \"version\": 1, \"format\": \"x\"}", 2, 17, `the key "format" appears twice in one object`},
		{"a key twice, nested", `{"format": "teemaverkko-bundle", "version": 1, "themes": [{"slug": "a", "name": "A"}, {"slug": "b", "name": "B", "slug": "c"}]}`, 1, 114, `the key "slug" appears twice`},
		{"a key twice after an object value", `{"a": {"b": 1}, "c": [], "a": 2}`, 1, 26, `the key "a" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bundle.Decode(strings.NewReader(tt.input))
			var se *bundle.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Decode error = %v (%T), want a *bundle.SyntaxError", err, err)
			}
			if se.Line != tt.line || se.Column != tt.col || !strings.Contains(se.Reason, tt.reason) {
				t.Errorf("Decode error = line %d, column %d, %q; want line %d, column %d, …%s…", se.Line, se.Column, se.Reason, tt.line, tt.col, tt.reason)
			}
			if !strings.HasPrefix(err.Error(), "bundle is not valid JSON: line ") {
				t.Errorf("message %q", err)
			}
		})
	}
}
