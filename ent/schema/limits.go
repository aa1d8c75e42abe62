package schema

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// The length limits of string fields, in characters: Unicode code points, as Go counts
// runes (ä is one character, though UTF-8 spends two bytes on it). Every string field
// of every schema declares one with limit (a list of strings, for each element), and
// these declarations are the only source of the numbers: the ent validators, the bundle
// validator and the bundle's JSON Schema all read them (see MaxLength).
//
// Indexed columns stay below PostgreSQL's btree limit of 2,704 bytes per index row even
// when every character takes UTF-8's four bytes: names and titles (300 and 500
// characters, at most 2,000 bytes), keys and slugs (ASCII). A URL (unique, indexed) is
// ASCII by its format (see checkURL), so its 2,048 characters are 2,048 bytes. Long
// text is not indexed by a btree.
const (
	MaxCodeLength  = 10     // official codes and language codes
	MaxSlugLength  = 120    // theme slugs
	MaxKeyLength   = 160    // document keys
	MaxNameLength  = 300    // names of people, organisations, places, networks and themes; abbreviations
	MaxTitleLength = 500    // titles of people, documents, seminars and sessions; venues; workshop questions
	MaxURLLength   = 2048   // document addresses
	MaxTextLength  = 20_000 // descriptions, summaries, notes, outcome texts and quotes
	MaxIDLength    = 2 + 26 // prefixed ULIDs (ent/schema/pulid)
)

// maxLength is the annotation that records a string field's length limit, so that
// MaxLength can read it back from the declarations.
type maxLength struct{ Max int }

// Name implements schema.Annotation.
func (maxLength) Name() string { return "MaxLength" }

// limitable is ent's string field builder.
type limitable[B any] interface {
	Validate(func(string) error) B
	Annotations(...schema.Annotation) B
}

// limit bounds a string field to max characters (and keeps NUL out of it, which
// PostgreSQL cannot store). It is called before any other validator of the field, so
// that a huge value is refused for its length before a pattern is tried on it.
func limit[B limitable[B]](b B, max int) B {
	return b.Validate(func(s string) error { return CheckString(s, max) }).Annotations(maxLength{max})
}

// eachAtMost bounds each string of a list field to max characters, as an annotation of
// the field: ent has no validators for JSON fields, so internal/edit checks them on
// writes through the API, and the bundle validator on imports.
func eachAtMost(max int) schema.Annotation { return maxLength{max} }

// CheckString checks a value of a string field limited to max characters: no longer
// than that, and without the NUL character. Its messages name the unit and have no
// colon, so that they read well after a field name.
func CheckString(s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("is %d characters long, more than the %d allowed (characters are Unicode code points, so ä counts as one)", n, max)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("must not contain the NUL character (U+0000)")
	}
	return nil
}

// checkURL accepts an absolute http or https URL written in ASCII, as RFC 3986 has it
// (other characters percent-encoded: ä as %C3%A4), so that its length in characters is
// its length in bytes.
func checkURL(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return fmt.Errorf("must be written in printable ASCII without spaces (percent-encode other characters, ä as %%C3%%A4)")
		}
	}
	if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("is not an absolute http or https URL")
	}
	return nil
}

// CheckURL checks a document URL as the Document schema does: its length, then its
// format.
func CheckURL(s string) error {
	if err := CheckString(s, MaxURLLength); err != nil {
		return err
	}
	return checkURL(s)
}

// schemas are the entity schemas, by type name.
var schemas = map[string]ent.Interface{
	"Appearance":         Appearance{},
	"Document":           Document{},
	"Expert":             Expert{},
	"Municipality":       Municipality{},
	"MunicipalityPeriod": MunicipalityPeriod{},
	"Network":            Network{},
	"NetworkTerm":        NetworkTerm{},
	"Organization":       Organization{},
	"Outcome":            Outcome{},
	"Region":             Region{},
	"Seminar":            Seminar{},
	"Session":            Session{},
	"Theme":              Theme{},
}

// Types returns the names of the entity types, for tests that check every one.
func Types() []string {
	out := make([]string, 0, len(schemas))
	for name := range schemas {
		out = append(out, name)
	}
	return out
}

// StringField is a string field (or list of strings) of an entity schema, with its
// length limit (0 when it declares none).
type StringField struct {
	Name string // the field's name in the schema, "name_en"
	List bool   // a list of strings, limited element by element
	Max  int
}

var stringFields = sync.OnceValue(func() map[string][]StringField {
	out := map[string][]StringField{}
	for typ, s := range schemas {
		var fields []ent.Field
		for _, m := range s.Mixin() {
			fields = append(fields, m.Fields()...)
		}
		for _, f := range append(fields, s.Fields()...) {
			d := f.Descriptor()
			var list bool
			switch {
			case d.Info.Type == field.TypeString:
			case d.Info.Type == field.TypeJSON && d.Info.Ident == "[]string":
				list = true
			default:
				continue
			}
			sf := StringField{Name: d.Name, List: list}
			if d.Size > 0 && d.Size < math.MaxInt32 {
				sf.Max = d.Size // ent's own MaxLen (the id field of ent/schema/pulid's mixin)
			}
			for _, a := range d.Annotations {
				if m, ok := a.(maxLength); ok {
					sf.Max = m.Max
				}
			}
			out[typ] = append(out[typ], sf)
		}
	}
	return out
})

// StringFields returns the string fields of an entity type ("Theme"), with their limits.
func StringFields(typ string) []StringField { return stringFields()[typ] }

// MaxLength returns the length limit, in characters, of a string field of an entity
// type (for example "Theme", "name_en"), as its declaration sets it, or 0 when the type
// has no such string field.
func MaxLength(typ, name string) int {
	for _, f := range stringFields()[typ] {
		if f.Name == name {
			return f.Max
		}
	}
	return 0
}

// notBlank refuses a required text made only of white space, control or invisible
// format characters (a zero-width space), which NotEmpty lets through: a name of three spaces names nothing. The bundle validator applies the same
// rule to bundles (it trims before it checks that a value is there).
func notBlank(s string) error {
	invisible := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }
	if strings.TrimFunc(s, invisible) == "" {
		return fmt.Errorf("must not be blank (only white space)")
	}
	return nil
}
