package bundle_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/organization"
	entschema "github.com/teemaverkko/teemaverkko/ent/schema"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// text returns n characters drawn at random (seeded, so repeatable): half of them
// Latin-1 letters such as ä and ö (two bytes in UTF-8), four in ten from the emoji block
// (four bytes), the rest ASCII. From so many symbols the string hardly compresses, so
// PostgreSQL stores an index entry of it at its full size.
func text(n int, seed uint64) string {
	return randomText(n, seed, 0.4)
}

// heavy is text with nearly every character of four bytes: the worst case for an index.
func heavy(n int, seed uint64) string {
	return randomText(n, seed, 1)
}

func randomText(n int, seed uint64, fourBytes float64) string {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]rune, n)
	for i := range out {
		switch x := r.Float64(); {
		case x < fourBytes:
			out[i] = rune(0x1F300 + r.IntN(0x300))
		case x < fourBytes+0.5:
			out[i] = rune(0xC0 + r.IntN(0x40))
		default:
			out[i] = rune("abcdefghijklmnopqrstuvwxyz "[r.IntN(27)])
		}
	}
	out[0], out[n-1] = 'ä', 'ö' // Finnish, and no blank at either end
	return string(out)
}

// slugOf returns a slug of n characters.
func slugOf(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 11))
	out := make([]byte, n)
	for i := range out {
		out[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[r.IntN(36)]
	}
	return string(out)
}

// urlOf returns an http URL of n characters.
func urlOf(n int, seed uint64) string {
	const prefix = "https://example.org/"
	return prefix + slugOf(n-len(prefix), seed)
}

// valueOf returns a value of n characters for a field stored in (or referring to) the
// ent field of tag, or "" when the field's format does not allow one that long.
func valueOf(tag string, n int, seed uint64) string {
	switch tag {
	case "Theme.slug", "Document.key":
		return slugOf(n, seed)
	case "Document.url":
		return urlOf(n, seed)
	case "Municipality.code", "Document.language":
		return "" // a format of two or three characters
	}
	return text(n, seed)
}

// full is a valid bundle with a value in every string field of the format and at least
// one element in every list.
func full() *bundle.Bundle {
	return &bundle.Bundle{
		Format: bundle.FormatName, Version: bundle.FormatVersion, Description: "Every field.",
		Documents: []bundle.Document{{
			Key: "doc-a", Title: "Dokumentti", Kind: "MEMO", PublishedOn: "2017-03", URL: "https://example.org/a",
			Language: "fi", Note: "Huomio", Authors: []string{"Anna Esimerkki"}, Publisher: "Järjestö",
			Themes: []string{"teema-a"}, Roles: []bundle.Role{{Expert: "Anna Esimerkki", Title: "tutkija", TitleEn: "researcher", Organization: "Järjestö"}},
		}},
		Organizations: []bundle.Organization{{Name: "Järjestö", NameEn: "Association", Abbreviation: "JRJ", Kind: "ASSOCIATION", Municipality: "535", Sources: []string{"doc-a"}}},
		Experts: []bundle.Expert{{
			Name: "Anna Esimerkki", Title: "tutkija", TitleEn: "researcher", Organization: "Järjestö", Municipality: "535",
			AsOf: "2017", Themes: []string{"teema-a"}, Note: "Huomio", Sources: []string{"doc-a"},
		}},
		Themes: []bundle.Theme{
			{Slug: "teema-a", Name: "Teema", NameEn: "Theme", Description: "Kuvaus", Parent: "teema-b", Sources: []string{"doc-a"}},
			{Slug: "teema-b", Name: "Yläteema", Sources: []string{"doc-a"}},
		},
		Networks: []bundle.Network{{
			Name: "Verkosto", Description: "Kuvaus", Organizers: []string{"Järjestö"}, Sources: []string{"doc-a"},
			Terms: []bundle.Term{{Number: 1, StartYear: 2017, Description: "Kausi", Municipalities: []string{"535"}, Themes: []string{"teema-a"}, Sources: []string{"doc-a"}}},
		}},
		Seminars: []bundle.Seminar{{
			Title: "Seminaari", Date: "2017-03-14", Venue: "Kuntatalo", Network: "Verkosto", Term: 1, Summary: "Yhteenveto",
			Organizers: []string{"Järjestö"}, Themes: []string{"teema-a"}, Municipalities: []string{"535"}, Sources: []string{"doc-a"},
			Sessions: []bundle.Session{{
				Position: 1, Kind: "PANEL", Title: "Paneeli", Summary: "Yhteenveto", Questions: []string{"Miksi?"},
				Speakers: []string{"Anna Esimerkki"}, Moderators: []string{"Anna Esimerkki"},
				Roles:  []bundle.Role{{Expert: "Anna Esimerkki", Title: "puhuja", TitleEn: "speaker", Organization: "Järjestö"}},
				Themes: []string{"teema-a"}, Sources: []string{"doc-a"},
				Outcomes: []bundle.Outcome{{Kind: "INSIGHT", Text: "A session outcome.", Quote: "Lainaus", Experts: []string{"Anna Esimerkki"},
					Themes: []string{"teema-a"}, Municipalities: []string{"535"}, Sources: []string{"doc-a"}}},
			}},
			Outcomes: []bundle.Outcome{{Kind: "INSIGHT", Text: "A seminar outcome.", Quote: "Lainaus", Experts: []string{"Anna Esimerkki"},
				Themes: []string{"teema-a"}, Municipalities: []string{"535"}, Sources: []string{"doc-a"}}},
		}},
	}
}

// limited is one limited string of a bundle: where it is, and how to set it.
type limited struct {
	path, tag string
	max       int
	set       func(string)
}

// limitedStrings walks a bundle and returns every limited string in it (for a list, its
// first element).
func limitedStrings(t *testing.T, b *bundle.Bundle) []limited {
	t.Helper()
	limits := bundle.Limits()
	var out []limited
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				fp := name
				if path != "" {
					fp = path + "." + name
				}
				fv := v.Field(i)
				max, ok := limits[v.Type().Name()][name]
				switch {
				case !ok:
					walk(fv, fp)
				case fv.Kind() == reflect.String:
					out = append(out, limited{fp, f.Tag.Get("ent"), max, fv.SetString})
				default:
					if fv.Len() == 0 {
						t.Fatalf("%s: an empty list in the test bundle", fp)
					}
					out = append(out, limited{fp + "[0]", f.Tag.Get("ent"), max, fv.Index(0).SetString})
				}
			}
		}
	}
	walk(reflect.ValueOf(b).Elem(), "")
	return out
}

// TestEveryStringOfTheFormatIsLimited checks the class: every string field of the format,
// and every list of strings, names the ent field whose limit it shares, or says "-".
func TestEveryStringOfTheFormatIsLimited(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(tp reflect.Type) {
		for tp.Kind() == reflect.Slice || tp.Kind() == reflect.Pointer {
			tp = tp.Elem()
		}
		if tp.Kind() != reflect.Struct || seen[tp] {
			return
		}
		seen[tp] = true
		for f := range tp.Fields() {
			isString := f.Type.Kind() == reflect.String || (f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String)
			if isString && f.Tag.Get("ent") == "" {
				t.Errorf("%s.%s has no ent tag", tp.Name(), f.Name)
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[bundle.Bundle]())
	n := 0
	for _, fields := range bundle.Limits() { // panics on a tag that names no limited field
		n += len(fields)
	}
	if n < 50 {
		t.Errorf("%d limited fields, want every string of the format", n)
	}
}

// TestValidateLengthLimits sets every limited string of a full bundle, one at a time, to
// its limit (accepted) and one character more (refused at its path, in characters).
func TestValidateLengthLimits(t *testing.T) {
	if err := full().Validate(); err != nil {
		t.Fatalf("the test bundle is invalid: %v", err)
	}
	cases := limitedStrings(t, full())
	if len(cases) < 60 {
		t.Fatalf("found %d limited strings in the test bundle", len(cases))
	}
	for i, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			for _, n := range []int{c.max, c.max + 1} {
				v := valueOf(c.tag, n, uint64(i))
				if v == "" {
					if n == c.max {
						continue
					}
					v = strings.Repeat("1", n)
				}
				b := full()
				limitedStrings(t, b)[i].set(v)
				var verrs bundle.ValidationErrors
				errors.As(b.Validate(), &verrs)
				// The problem at the path about its length (a role's expert at the
				// limit is still not one of the session's people).
				var at *bundle.FieldError
				for _, e := range verrs {
					if e.Path == c.path && strings.Contains(e.Message, "characters") {
						at = e
					}
				}
				switch {
				case n == c.max && at != nil:
					t.Errorf("%d characters (%d bytes), at the limit: %v", n, len(v), at)
				case n > c.max && at == nil:
					t.Errorf("%d characters, past the limit of %d: no problem at %s (%v)", n, c.max, c.path, verrs)
				case n > c.max && !strings.Contains(at.Message, fmt.Sprintf("more than the %d allowed", c.max)):
					t.Errorf("%d characters: %q does not say the limit in characters", n, at.Message)
				}
			}
		})
	}
}

// TestJSONSchemaCarriesTheLimits checks that the committed JSON Schema has every limit
// as maxLength, and that an outcome's sources need at least one item.
func TestJSONSchemaCarriesTheLimits(t *testing.T) {
	raw, err := os.ReadFile("../../docs/bundle.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	type prop struct {
		Type      string
		MaxLength int
		MinItems  int
		Items     *prop
	}
	var s struct {
		Defs map[string]struct{ Properties map[string]prop } `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	for typ, fields := range bundle.Limits() {
		for name, max := range fields {
			p := s.Defs[typ].Properties[name]
			if p.Type == "array" && p.Items != nil {
				p = *p.Items
			}
			if p.MaxLength != max {
				t.Errorf("%s.%s: maxLength %d in the schema, want %d (go generate ./...)", typ, name, p.MaxLength, max)
			}
		}
	}
	if got := s.Defs["Outcome"].Properties["sources"].MinItems; got != 1 {
		t.Errorf("Outcome.sources: minItems %d, want 1", got)
	}
}

// TestApplyAtTheLimits imports, on both databases, strings at their limits in every
// indexed column (PostgreSQL refuses index rows over 2,704 bytes), of letters that take
// two and four bytes, and finds them stored; one character more is refused before any
// write, as is the 3,000-character name of the review.
func TestApplyAtTheLimits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		b := &bundle.Bundle{
			Documents: []bundle.Document{{Key: slugOf(entschema.MaxKeyLength, 1), Title: text(entschema.MaxTitleLength, 2), Kind: "MEMO",
				URL: urlOf(entschema.MaxURLLength, 3), Note: text(entschema.MaxTextLength, 4)}},
			Organizations: []bundle.Organization{{Name: heavy(entschema.MaxNameLength, 5), Kind: "OTHER"}},
			Experts:       []bundle.Expert{{Name: heavy(entschema.MaxNameLength, 6), Organization: heavy(entschema.MaxNameLength, 5), Title: text(entschema.MaxTitleLength, 7)}},
			Themes:        []bundle.Theme{{Slug: slugOf(entschema.MaxSlugLength, 8), Name: heavy(entschema.MaxNameLength, 9)}},
			Networks:      []bundle.Network{{Name: heavy(entschema.MaxNameLength, 10)}},
			Seminars: []bundle.Seminar{{Title: heavy(entschema.MaxTitleLength, 11), Date: "2030-01-01",
				Sessions: []bundle.Session{{Position: 1, Kind: "PANEL", Title: text(entschema.MaxTitleLength, 12), Questions: []string{text(entschema.MaxTitleLength, 13)}}},
				Outcomes: []bundle.Outcome{{Kind: "INSIGHT", Text: text(entschema.MaxTextLength, 14), Sources: []string{slugOf(entschema.MaxKeyLength, 1)}}},
			}},
		}
		e.apply(t, b, bundle.Options{})
		d := e.client.Document.Query().Where(document.Key(b.Documents[0].Key)).OnlyX(e.ctx)
		if d.Title != b.Documents[0].Title || *d.URL != b.Documents[0].URL {
			t.Errorf("the document's title or URL did not survive")
		}
		o := e.client.Organization.Query().Where(organization.Name(b.Organizations[0].Name)).OnlyX(e.ctx)
		if utf8.RuneCountInString(o.Name) != entschema.MaxNameLength || len(o.Name) < 4*entschema.MaxNameLength-10 {
			t.Errorf("organisation name: %d characters, %d bytes", utf8.RuneCountInString(o.Name), len(o.Name))
		}
		ss := e.client.Session.Query().OnlyX(e.ctx)
		if ss.Questions[0] != b.Seminars[0].Sessions[0].Questions[0] {
			t.Errorf("the question did not survive")
		}

		before := e.rowCounts(t)
		for name, breakIt := range map[string]func(*bundle.Bundle){
			"organizations[0].name": func(b *bundle.Bundle) { b.Organizations[0].Name = text(3000, 20) },
			"themes[0].name":        func(b *bundle.Bundle) { b.Themes[0].Name = text(entschema.MaxNameLength+1, 9) },
			"documents[0].url":      func(b *bundle.Bundle) { b.Documents[0].URL = urlOf(entschema.MaxURLLength+1, 3) },
			"seminars[0].sessions[0].questions[0]": func(b *bundle.Bundle) {
				b.Seminars[0].Sessions[0].Questions[0] = text(entschema.MaxTitleLength+1, 13)
			},
		} {
			bad := *b
			bad.Organizations = []bundle.Organization{b.Organizations[0]}
			bad.Themes = []bundle.Theme{b.Themes[0]}
			bad.Documents = []bundle.Document{b.Documents[0]}
			sem := b.Seminars[0]
			sem.Sessions = []bundle.Session{sem.Sessions[0]}
			sem.Sessions[0].Questions = []string{sem.Sessions[0].Questions[0]}
			bad.Seminars = []bundle.Seminar{sem}
			breakIt(&bad)
			e.counter.Reset()
			_, err := bundle.Apply(e.ctx, e.client, &bad, bundle.Options{})
			var verrs bundle.ValidationErrors
			if !errors.As(err, &verrs) || len(verrs) != 1 || verrs[0].Path != name || !strings.Contains(verrs[0].Message, "characters") {
				t.Errorf("%s too long: Apply error = %v, want one problem there", name, err)
			}
			if n := e.counter.Writes(); n != 0 {
				t.Errorf("%s too long: %d writes", name, n)
			}
		}
		if after := e.rowCounts(t); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("row counts changed")
		}
	})
}
