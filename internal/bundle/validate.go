package bundle

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/organization"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	entschema "github.com/teemaverkko/teemaverkko/ent/schema"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/termmembership"
	"github.com/teemaverkko/teemaverkko/internal/edit"
)

// The formats of natural keys, as the ent schema enforces them.
var (
	slugFormat       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	municipalityCode = regexp.MustCompile(`^[0-9]{3}$`)
	languageCode     = regexp.MustCompile(`^[a-z]{2}$`)
)

// The years a network term may start or end in, as the ent schema enforces them.
const (
	minYear = 1900
	maxYear = 2200
)

// The enum values, taken from the generated ent packages so that they follow the schema.
var (
	documentKinds = []string{
		string(document.KindNEWS_ARTICLE), string(document.KindRESEARCH_REPORT), string(document.KindPRESENTATION),
		string(document.KindMEMO), string(document.KindWEB_PAGE), string(document.KindOTHER),
	}
	organizationKinds = []string{
		string(organization.KindASSOCIATION), string(organization.KindCONSULTANCY), string(organization.KindUNIVERSITY),
		string(organization.KindMUNICIPALITY), string(organization.KindGOVERNMENT), string(organization.KindOTHER),
	}
	sessionKinds = []string{
		string(session.KindOPENING), string(session.KindPRESENTATION), string(session.KindKEYNOTE), string(session.KindPANEL),
		string(session.KindWORKSHOP), string(session.KindREVIEW), string(session.KindCLOSING),
	}
	personRoles = []string{
		string(appearance.RoleWORKING_GROUP), string(appearance.RoleANALYSIS_LEAD), string(appearance.RoleCONTACT),
		string(appearance.RolePREPARER), string(appearance.RolePICTURED), string(appearance.RoleMENTIONED),
	}
	membershipStatuses = []string{
		string(termmembership.StatusMEMBER), string(termmembership.StatusREGISTERED), string(termmembership.StatusPILOT),
	}
	outcomeKinds = []string{
		string(outcome.KindINSIGHT), string(outcome.KindONGOING_DEVELOPMENT), string(outcome.KindSUPPORT_NEED),
		string(outcome.KindNETWORK_ROLE), string(outcome.KindRECOMMENDATION),
	}
)

// Validate checks the bundle on its own, without a database: required fields, the
// length of every string (the limit of the ent field it is stored in), enum values,
// date, slug, key, code and URL formats, that every outcome cites a source, that
// session positions are unique within a seminar, that every role names one of the
// session's speakers and moderators or the document's authors (once), and that natural
// keys (document keys, theme slugs, organisation, expert and network names, term numbers
// within a network, seminars' title and date, outcome texts within a seminar) are unique
// within the bundle. A reference to something the bundle does not define is not an
// error here: Apply resolves it against the database. Validate returns ValidationErrors
// listing every problem, or nil.
func (b *Bundle) Validate() error {
	return b.check().errs.err()
}

// ref is a reference by natural key, at a JSON path.
type ref struct {
	path string
	key  string
}

// termRef is a seminar's reference to a network term.
type termRef struct {
	path    string // the path of the seminar
	network string
	number  int
}

// references are the natural keys a bundle refers to, with the paths that refer to them.
type references struct {
	municipalities []ref
	organizations  []ref
	documents      []ref
	themes         []ref
	experts        []ref
	terms          []termRef
}

// checker validates a bundle and collects its references.
type checker struct {
	errs ValidationErrors
	refs references
	// long holds the paths of the strings that exceed their limits, already reported:
	// the checks of their format and the references they make are skipped.
	long map[string]bool
}

// check validates b and collects its references.
func (b *Bundle) check() *checker {
	c := &checker{long: map[string]bool{}}
	c.lengths(reflect.ValueOf(b).Elem(), "")
	for i := range b.Documents {
		c.document(fmt.Sprintf("documents[%d]", i), &b.Documents[i])
	}
	for i := range b.Organizations {
		c.organization(fmt.Sprintf("organizations[%d]", i), &b.Organizations[i])
	}
	for i := range b.Experts {
		c.expert(fmt.Sprintf("experts[%d]", i), &b.Experts[i])
	}
	for i := range b.Themes {
		c.theme(fmt.Sprintf("themes[%d]", i), &b.Themes[i])
	}
	c.themeCycles(b.Themes)
	for i := range b.Networks {
		c.network(fmt.Sprintf("networks[%d]", i), &b.Networks[i])
	}
	for i := range b.Seminars {
		c.seminar(fmt.Sprintf("seminars[%d]", i), &b.Seminars[i])
	}
	c.unique("documents", "key", "document key", len(b.Documents), func(i int) string { return b.Documents[i].Key })
	c.unique("organizations", "name", "organization name", len(b.Organizations), func(i int) string { return b.Organizations[i].Name })
	c.unique("experts", "name", "expert name", len(b.Experts), func(i int) string { return b.Experts[i].Name })
	c.unique("themes", "slug", "theme slug", len(b.Themes), func(i int) string { return b.Themes[i].Slug })
	c.unique("networks", "name", "network name", len(b.Networks), func(i int) string { return b.Networks[i].Name })
	c.unique("documents", "url", "document url", len(b.Documents), func(i int) string { return b.Documents[i].URL })
	c.unique("seminars", "date", "seminar title and date", len(b.Seminars), func(i int) string {
		s := b.Seminars[i]
		if t, _, err := calendar.Parse(s.Date); err == nil && s.Title != "" {
			return s.Title + " @ " + t.Format(calendar.Layout)
		}
		return ""
	})
	return c
}

func (c *checker) document(path string, d *Document) {
	c.slug(path+".key", d.Key, true)
	c.required(path+".title", d.Title)
	c.enum(path+".kind", d.Kind, documentKinds)
	c.date(path+".publishedOn", d.PublishedOn, false)
	if d.URL != "" && !c.long[path+".url"] {
		if err := entschema.CheckURL(d.URL); err != nil {
			c.errs.add(path+".url", "%q %v", d.URL, err)
		}
	}
	if d.Language != "" && !c.long[path+".language"] && !languageCode.MatchString(d.Language) {
		c.errs.add(path+".language", "%q is not a two-letter ISO 639-1 code", d.Language)
	}
	c.experts(path+".authors", d.Authors)
	c.organizationRef(path+".publisher", d.Publisher)
	c.themes(path+".themes", d.Themes)
	c.roles(path+".roles", d.Roles, "authors", d.Authors)
	c.people(path+".people", d.People)
}

// people checks the people a document names in roles other than author: each once per
// role.
func (c *checker) people(path string, people []Person) {
	type key struct{ expert, role string }
	seen := make(map[key]int, len(people))
	for i := range people {
		pp := fmt.Sprintf("%s[%d]", path, i)
		p := &people[i]
		c.enum(pp+".role", p.Role, personRoles)
		if c.required(pp+".expert", p.Expert) && !c.long[pp+".expert"] {
			k := key{p.Expert, p.Role}
			if j, dup := seen[k]; dup {
				c.errs.add(pp+".expert", "%q is named twice as %s (also %s[%d])", p.Expert, p.Role, path, j)
			} else {
				seen[k] = i
				c.refs.experts = append(c.refs.experts, ref{pp + ".expert", p.Expert})
			}
		}
		c.organizationRef(pp+".organization", p.Organization)
	}
}

func (c *checker) organization(path string, o *Organization) {
	c.required(path+".name", o.Name)
	c.enum(path+".kind", o.Kind, organizationKinds)
	c.municipalityRef(path+".municipality", o.Municipality)
	c.documents(path+".sources", o.Sources)
}

func (c *checker) expert(path string, e *Expert) {
	c.required(path+".name", e.Name)
	c.date(path+".asOf", e.AsOf, false)
	c.organizationRef(path+".organization", e.Organization)
	c.municipalityRef(path+".municipality", e.Municipality)
	c.themes(path+".themes", e.Themes)
	c.documents(path+".sources", e.Sources)
}

func (c *checker) theme(path string, t *Theme) {
	c.slug(path+".slug", t.Slug, true)
	c.required(path+".name", t.Name)
	if t.Parent != "" {
		if t.Parent == t.Slug {
			c.errs.add(path+".parent", "a theme cannot be its own parent")
		} else if c.slug(path+".parent", t.Parent, false) {
			c.refs.themes = append(c.refs.themes, ref{path + ".parent", t.Parent})
		}
	}
	c.documents(path+".sources", t.Sources)
}

// themeCycles reports parent chains within the bundle that lead back to where they began.
func (c *checker) themeCycles(themes []Theme) {
	parent := make(map[string]string, len(themes))
	for _, t := range themes {
		parent[t.Slug] = t.Parent
	}
	for i, t := range themes {
		seen := map[string]bool{t.Slug: true}
		for p := t.Parent; p != "" && p != t.Slug; p = parent[p] {
			if seen[p] {
				break // a cycle that does not pass through t; reported from its own members
			}
			seen[p] = true
			if parent[p] == t.Slug {
				c.errs.add(fmt.Sprintf("themes[%d].parent", i), "theme %q is its own ancestor (through %q)", t.Slug, p)
				break
			}
		}
	}
}

func (c *checker) network(path string, n *Network) {
	c.required(path+".name", n.Name)
	c.organizations(path+".organizers", n.Organizers)
	c.documents(path+".sources", n.Sources)
	numbers := map[int]int{}
	for i := range n.Terms {
		tp := fmt.Sprintf("%s.terms[%d]", path, i)
		t := &n.Terms[i]
		if t.Number < 1 {
			c.errs.add(tp+".number", "must be 1 or more, got %d", t.Number)
		} else if j, dup := numbers[t.Number]; dup {
			c.errs.add(tp+".number", "duplicate term number %d (also %s.terms[%d])", t.Number, path, j)
		} else {
			numbers[t.Number] = i
		}
		c.year(tp+".startYear", t.StartYear, true)
		c.year(tp+".endYear", t.EndYear, false)
		if t.EndYear != 0 && t.StartYear != 0 && t.EndYear < t.StartYear {
			c.errs.add(tp+".endYear", "ends (%d) before it starts (%d)", t.EndYear, t.StartYear)
		}
		c.nonNegative(tp+".municipalityCount", t.MunicipalityCount)
		c.municipalities(tp+".municipalities", t.Municipalities)
		c.memberships(tp+".memberships", t.Memberships)
		c.themes(tp+".themes", t.Themes)
		c.documents(tp+".sources", t.Sources)
	}
}

func (c *checker) seminar(path string, s *Seminar) {
	c.required(path+".title", s.Title)
	c.date(path+".date", s.Date, true)
	switch {
	case s.Term < 0:
		c.errs.add(path+".term", "must be 1 or more, got %d", s.Term)
	case s.Network != "" && s.Term != 0:
		if !c.long[path+".network"] {
			c.refs.terms = append(c.refs.terms, termRef{path: path, network: s.Network, number: s.Term})
		}
	case s.Network != "":
		c.errs.add(path+".term", "a seminar with a network needs the number of its term")
	case s.Term != 0:
		c.errs.add(path+".network", "a seminar with a term needs the name of its network")
	}
	c.nonNegative(path+".municipalityCount", s.MunicipalityCount)
	c.nonNegative(path+".attendeeCount", s.AttendeeCount)
	c.organizations(path+".organizers", s.Organizers)
	c.themes(path+".themes", s.Themes)
	c.municipalities(path+".municipalities", s.Municipalities)
	c.documents(path+".sources", s.Sources)

	positions := map[int]int{}
	texts := map[string]string{}
	for i := range s.Sessions {
		sp := fmt.Sprintf("%s.sessions[%d]", path, i)
		ss := &s.Sessions[i]
		if ss.Position < 1 {
			c.errs.add(sp+".position", "must be 1 or more, got %d", ss.Position)
		} else if j, dup := positions[ss.Position]; dup {
			c.errs.add(sp+".position", "duplicate position %d in the seminar (also %s.sessions[%d])", ss.Position, path, j)
		} else {
			positions[ss.Position] = i
		}
		c.session(sp, ss)
		for k := range ss.Outcomes {
			c.outcome(fmt.Sprintf("%s.outcomes[%d]", sp, k), &ss.Outcomes[k], texts)
		}
	}
	for k := range s.Outcomes {
		c.outcome(fmt.Sprintf("%s.outcomes[%d]", path, k), &s.Outcomes[k], texts)
	}
}

func (c *checker) session(path string, s *Session) {
	c.enum(path+".kind", s.Kind, sessionKinds)
	c.required(path+".title", s.Title)
	for i, q := range s.Questions {
		c.required(fmt.Sprintf("%s.questions[%d]", path, i), q)
	}
	c.experts(path+".speakers", s.Speakers)
	c.experts(path+".moderators", s.Moderators)
	c.roles(path+".roles", s.Roles, "speakers or moderators", append(slices.Clip(s.Speakers), s.Moderators...))
	c.themes(path+".themes", s.Themes)
	c.documents(path+".sources", s.Sources)
}

// roles checks the roles of a session or document: each names one of the people listed
// (whom, for the message), at most once, and its organisation is a reference.
func (c *checker) roles(path string, roles []Role, whom string, people []string) {
	seen := make(map[string]int, len(roles))
	for i := range roles {
		rp := fmt.Sprintf("%s[%d]", path, i)
		r := &roles[i]
		if c.required(rp+".expert", r.Expert) && !c.long[rp+".expert"] {
			switch j, dup := seen[r.Expert]; {
			case dup:
				c.errs.add(rp+".expert", "duplicate role for %q (also %s[%d])", r.Expert, path, j)
			case !slices.Contains(people, r.Expert):
				c.errs.add(rp+".expert", "%q is not one of the %s", r.Expert, whom)
			default:
				seen[r.Expert] = i
			}
		}
		c.organizationRef(rp+".organization", r.Organization)
	}
}

// outcome checks an outcome; texts maps the outcome texts already seen in the seminar to
// their paths.
func (c *checker) outcome(path string, o *Outcome, texts map[string]string) {
	c.enum(path+".kind", o.Kind, outcomeKinds)
	if c.required(path+".text", o.Text) {
		if other, dup := texts[o.Text]; dup {
			c.errs.add(path+".text", "duplicate outcome text in the seminar (also %s)", other)
		} else {
			texts[o.Text] = path
		}
	}
	c.experts(path+".experts", o.Experts)
	c.themes(path+".themes", o.Themes)
	c.municipalities(path+".municipalities", o.Municipalities)
	if err := edit.OutcomeSources(len(o.Sources)); err != nil {
		c.errs.add(path+".sources", "%v", err)
	}
	c.documents(path+".sources", o.Sources)
}

// required reports an empty (or blank) value; it returns whether the value is there.
func (c *checker) required(path, value string) bool {
	if strings.TrimSpace(value) == "" {
		c.errs.add(path, "is required")
		return false
	}
	return true
}

func (c *checker) enum(path, value string, values []string) {
	if value == "" {
		c.errs.add(path, "is required (one of %s)", strings.Join(values, ", "))
	} else if !slices.Contains(values, value) {
		c.errs.add(path, "%q is not one of %s", value, strings.Join(values, ", "))
	}
}

func (c *checker) date(path, value string, required bool) {
	if value == "" {
		if required {
			c.errs.add(path, "is required (YYYY-MM-DD, YYYY-MM or YYYY)")
		}
		return
	}
	if _, _, err := calendar.Parse(value); err != nil {
		c.errs.add(path, "%q is not a date in the form YYYY-MM-DD, YYYY-MM or YYYY", value)
	}
}

func (c *checker) year(path string, year int, required bool) {
	switch {
	case year == 0 && required:
		c.errs.add(path, "is required")
	case year != 0 && (year < minYear || year > maxYear):
		c.errs.add(path, "%d is not a year between %d and %d", year, minYear, maxYear)
	}
}

func (c *checker) nonNegative(path string, n int) {
	if n < 0 {
		c.errs.add(path, "must not be negative, got %d", n)
	}
}

// slug checks a slug-formatted key (its length is checked with every string's); it
// returns whether the key is well-formed.
func (c *checker) slug(path, value string, required bool) bool {
	switch {
	case value == "":
		if required {
			c.errs.add(path, "is required")
		}
		return false
	case c.long[path]:
		return false
	case !slugFormat.MatchString(value):
		c.errs.add(path, "%q is not lower-case ASCII words joined by hyphens", value)
		return false
	}
	return true
}

// lengths checks every string of the bundle, v at path, against the limit of the ent
// field its ent tag names (see Limits), and records those too long.
func (c *checker) lengths(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			c.lengths(v.Elem(), path)
		}
	case reflect.Slice:
		for i := range v.Len() {
			c.lengths(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			fp := joinPath(path, jsonName(f))
			fv := v.Field(i)
			max := limitOf(t, f)
			switch {
			case max == 0:
				c.lengths(fv, fp)
			case fv.Kind() == reflect.String:
				c.length(fp, fv.String(), max)
			default: // a list of strings
				for j := range fv.Len() {
					c.length(fmt.Sprintf("%s[%d]", fp, j), fv.Index(j).String(), max)
				}
			}
		}
	}
}

// length checks one string against its limit.
func (c *checker) length(path, value string, max int) {
	if err := entschema.CheckString(value, max); err != nil {
		c.errs.add(path, "%v", err)
		c.long[path] = true
	}
}

// unique reports entries whose natural key (non-empty) an earlier entry already has.
func (c *checker) unique(list, field, what string, n int, key func(int) string) {
	seen := make(map[string]int, n)
	for i := range n {
		k := key(i)
		if k == "" {
			continue
		}
		if j, dup := seen[k]; dup {
			c.errs.add(fmt.Sprintf("%s[%d].%s", list, i, field), "duplicate %s %q (also %s[%d])", what, k, list, j)
			continue
		}
		seen[k] = i
	}
}

// The reference checkers below check the format of each reference in a list and record
// the well-formed ones for Apply to resolve.

func (c *checker) documents(path string, keys []string) {
	for i, k := range keys {
		p := fmt.Sprintf("%s[%d]", path, i)
		if c.slug(p, k, true) {
			c.refs.documents = append(c.refs.documents, ref{p, k})
		}
	}
}

func (c *checker) themes(path string, slugs []string) {
	for i, s := range slugs {
		p := fmt.Sprintf("%s[%d]", path, i)
		if c.slug(p, s, true) {
			c.refs.themes = append(c.refs.themes, ref{p, s})
		}
	}
}

// memberships checks a term's memberships: a status, a source and at least one
// municipality each, and each (source, municipality) once.
func (c *checker) memberships(path string, ms []Membership) {
	seen := map[[2]string]string{}
	for i := range ms {
		mp := fmt.Sprintf("%s[%d]", path, i)
		m := &ms[i]
		c.enum(mp+".status", m.Status, membershipStatuses)
		if c.slug(mp+".source", m.Source, true) {
			c.refs.documents = append(c.refs.documents, ref{mp + ".source", m.Source})
		}
		if len(m.Municipalities) == 0 {
			c.errs.add(mp+".municipalities", "is required (at least one municipality code)")
		}
		c.municipalities(mp+".municipalities", m.Municipalities)
		for j, code := range m.Municipalities {
			k := [2]string{m.Source, code}
			if other, dup := seen[k]; dup {
				c.errs.add(fmt.Sprintf("%s.municipalities[%d]", mp, j), "%q is already stated by %q (%s)", code, m.Source, other)
			} else {
				seen[k] = fmt.Sprintf("%s.municipalities[%d]", mp, j)
			}
		}
	}
}

func (c *checker) municipalities(path string, codes []string) {
	for i, code := range codes {
		c.municipalityRef(fmt.Sprintf("%s[%d]", path, i), code)
	}
}

// municipalityRef checks an optional municipality code.
func (c *checker) municipalityRef(path, code string) {
	if code == "" || c.long[path] {
		return
	}
	if !municipalityCode.MatchString(code) {
		c.errs.add(path, "%q is not a three-digit municipality code", code)
		return
	}
	c.refs.municipalities = append(c.refs.municipalities, ref{path, code})
}

func (c *checker) organizations(path string, names []string) {
	for i, name := range names {
		p := fmt.Sprintf("%s[%d]", path, i)
		if c.required(p, name) && !c.long[p] {
			c.refs.organizations = append(c.refs.organizations, ref{p, name})
		}
	}
}

// organizationRef checks an optional organisation name.
func (c *checker) organizationRef(path, name string) {
	if name != "" && !c.long[path] {
		c.refs.organizations = append(c.refs.organizations, ref{path, name})
	}
}

func (c *checker) experts(path string, names []string) {
	for i, name := range names {
		p := fmt.Sprintf("%s[%d]", path, i)
		if c.required(p, name) && !c.long[p] {
			c.refs.experts = append(c.refs.experts, ref{p, name})
		}
	}
}
