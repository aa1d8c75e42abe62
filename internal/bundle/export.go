package bundle

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
)

// ExportOptions choose what Export writes.
type ExportOptions struct {
	// SeminarIDs, when not empty, limit the bundle to these seminars and what they refer
	// to (their documents, people, organisations, themes with their broader themes, and
	// their network term). Empty means the whole knowledge base.
	SeminarIDs []pulid.ID
	// Description is written into the bundle.
	Description string
}

// Export reads the knowledge base (all of it, or some seminars) into a bundle that
// Apply reads back: applying it to a database with the reference data yields the same
// knowledge. Reference data (regions, municipalities) is referred to by code, not
// exported. Entries are sorted by their natural keys, and entries that tie on them
// (outcomes of one seminar with the same text) by the rest of what is written of them,
// so that the same knowledge always exports to the same bytes, whatever order the
// database returns it in.
func Export(ctx context.Context, client *ent.Client, opts ExportOptions) (*Bundle, error) {
	x := &exporter{b: &Bundle{Format: FormatName, Version: FormatVersion, Description: opts.Description}}
	if err := x.load(ctx, client, opts); err != nil {
		return nil, err
	}
	if len(opts.SeminarIDs) > 0 {
		x.keepReferenced()
	}
	x.sort()
	return x.b, nil
}

type exporter struct {
	b *Bundle
}

func (x *exporter) load(ctx context.Context, c *ent.Client, opts ExportOptions) error {
	orgs, err := c.Organization.Query().WithMunicipality().WithSources().All(ctx)
	if err != nil {
		return fmt.Errorf("read organizations: %w", err)
	}
	for _, o := range orgs {
		x.b.Organizations = append(x.b.Organizations, Organization{
			Name: o.Name, NameEn: deref(o.NameEn), Abbreviation: deref(o.Abbreviation), Kind: string(o.Kind),
			Municipality: codeOf(o.Edges.Municipality), Sources: documentKeys(o.Edges.Sources),
		})
	}
	docAppearances := map[string][]*ent.Appearance{}
	docs, err := c.Document.Query().WithAuthors().WithPublisher().WithThemes().WithAppearances(withAppearanceKeys).All(ctx)
	if err != nil {
		return fmt.Errorf("read documents: %w", err)
	}
	for _, d := range docs {
		doc := Document{
			Key: d.Key, Title: d.Title, Kind: string(d.Kind), URL: deref(d.URL), Language: deref(d.Language),
			Note: deref(d.Note), Summary: deref(d.Summary), Authors: expertNames(d.Edges.Authors), Themes: themeSlugs(d.Edges.Themes),
		}
		if d.PublishedOn != nil {
			p := calendar.Day
			if d.PublishedOnPrecision != nil {
				p = *d.PublishedOnPrecision
			}
			doc.PublishedOn = calendar.Format(*d.PublishedOn, p)
		}
		if d.Edges.Publisher != nil {
			doc.Publisher = d.Edges.Publisher.Name
		}
		docAppearances[d.Key] = d.Edges.Appearances
		x.b.Documents = append(x.b.Documents, doc)
	}
	experts, err := c.Expert.Query().WithOrganization().WithMunicipality().WithThemes().WithSources().All(ctx)
	if err != nil {
		return fmt.Errorf("read experts: %w", err)
	}
	seen := map[string]bool{}
	for _, e := range experts {
		if seen[e.Name] {
			return fmt.Errorf("two people are named %q: a bundle names each person once", e.Name)
		}
		seen[e.Name] = true
		ex := Expert{
			Name: e.Name, Title: deref(e.Title), TitleEn: deref(e.TitleEn), Note: deref(e.Note),
			Municipality: codeOf(e.Edges.Municipality), Themes: themeSlugs(e.Edges.Themes),
			Sources: documentKeys(e.Edges.Sources),
		}
		if e.Edges.Organization != nil {
			ex.Organization = e.Edges.Organization.Name
		}
		if e.TitleAsOf != nil {
			p := calendar.Day
			if e.TitleAsOfPrecision != nil {
				p = *e.TitleAsOfPrecision
			}
			ex.AsOf = calendar.Format(*e.TitleAsOf, p)
		}
		x.b.Experts = append(x.b.Experts, ex)
	}
	entries := map[string]Expert{}
	for _, e := range x.b.Experts {
		entries[e.Name] = e
	}
	for i := range x.b.Documents {
		apps := docAppearances[x.b.Documents[i].Key]
		x.b.Documents[i].Roles = roles(authorsOnly(apps), entries)
		x.b.Documents[i].People = people(apps)
	}
	themes, err := c.Theme.Query().WithParent().All(ctx)
	if err != nil {
		return fmt.Errorf("read themes: %w", err)
	}
	for _, t := range themes {
		th := Theme{Slug: t.Slug, Name: t.Name, NameEn: deref(t.NameEn), Description: deref(t.Description)}
		if t.Edges.Parent != nil {
			th.Parent = t.Edges.Parent.Slug
		}
		x.b.Themes = append(x.b.Themes, th)
	}
	networks, err := c.Network.Query().WithOrganizers().WithSources().
		WithTerms(func(q *ent.NetworkTermQuery) {
			q.WithMunicipalities().WithThemes().WithSources().
				WithMemberships(func(q *ent.TermMembershipQuery) { q.WithMunicipality().WithSource() })
		}).All(ctx)
	if err != nil {
		return fmt.Errorf("read networks: %w", err)
	}
	for _, n := range networks {
		nw := Network{Name: n.Name, Description: deref(n.Description), Organizers: organizationNames(n.Edges.Organizers), Sources: documentKeys(n.Edges.Sources)}
		for _, t := range n.Edges.Terms {
			ms, stated := memberships(t.Edges.Memberships)
			var unstated []*ent.Municipality
			for _, m := range t.Edges.Municipalities {
				if !stated[m.Code] {
					unstated = append(unstated, m)
				}
			}
			nw.Terms = append(nw.Terms, Term{
				Number: t.Number, StartYear: t.StartYear, EndYear: derefInt(t.EndYear), MunicipalityCount: derefInt(t.MunicipalityCount),
				Description: deref(t.Description), Municipalities: municipalityCodes(unstated), Memberships: ms,
				Themes: themeSlugs(t.Edges.Themes), Sources: documentKeys(t.Edges.Sources),
			})
		}
		x.b.Networks = append(x.b.Networks, nw)
	}
	q := c.Seminar.Query()
	if len(opts.SeminarIDs) > 0 {
		q = q.Where(seminar.IDIn(opts.SeminarIDs...))
	}
	seminars, err := q.
		WithTerm(func(q *ent.NetworkTermQuery) { q.WithNetwork() }).
		WithOrganizers().WithThemes().WithMunicipalities().WithSources().
		WithSessions(func(q *ent.SessionQuery) {
			q.WithSpeakers().WithModerators().WithThemes().WithSources().WithAppearances(withAppearanceKeys).
				Order(ent.Asc(session.FieldPosition))
		}).
		WithOutcomes(func(q *ent.OutcomeQuery) {
			q.WithSession().WithThemes().WithMunicipalities().WithExperts().WithSources()
		}).All(ctx)
	if err != nil {
		return fmt.Errorf("read seminars: %w", err)
	}
	for _, s := range seminars {
		x.b.Seminars = append(x.b.Seminars, exportSeminar(s, entries))
	}
	return nil
}

func exportSeminar(s *ent.Seminar, entries map[string]Expert) Seminar {
	sem := Seminar{
		Title: s.Title, Date: calendar.Format(s.Date, s.DatePrecision), Venue: deref(s.Venue),
		MunicipalityCount: derefInt(s.MunicipalityCount), AttendeeCount: derefInt(s.AttendeeCount),
		AttendeeCountApproximate: s.AttendeeCountApproximate, RemoteParticipation: s.RemoteParticipation,
		Summary: deref(s.Summary), Organizers: organizationNames(s.Edges.Organizers), Themes: themeSlugs(s.Edges.Themes),
		Municipalities: municipalityCodes(s.Edges.Municipalities), Sources: documentKeys(s.Edges.Sources),
	}
	if t := s.Edges.Term; t != nil && t.Edges.Network != nil {
		sem.Network, sem.Term = t.Edges.Network.Name, t.Number
	}
	byPosition := map[pulid.ID]int{}
	for i, ss := range s.Edges.Sessions {
		byPosition[ss.ID] = i
		sem.Sessions = append(sem.Sessions, Session{
			Position: ss.Position, Kind: string(ss.Kind), Title: ss.Title, Summary: deref(ss.Summary), Questions: ss.Questions,
			Speakers: expertNames(ss.Edges.Speakers), Moderators: expertNames(ss.Edges.Moderators),
			Themes: themeSlugs(ss.Edges.Themes), Sources: documentKeys(ss.Edges.Sources),
			Roles: roles(ss.Edges.Appearances, entries),
		})
	}
	// Outcomes are written by text; outcomes of the same text (which the API allows)
	// by the rest of what is written of them, so that their order does not depend on
	// the order the database returns them in (which a delete and restore, or the
	// rebuild of a version, changes).
	type placed struct {
		out     Outcome
		session int // index in sem.Sessions, or -1 for the seminar's own
	}
	outcomes := make([]placed, 0, len(s.Edges.Outcomes))
	for _, o := range s.Edges.Outcomes {
		p := placed{session: -1, out: Outcome{
			Kind: string(o.Kind), Text: o.Text, Quote: deref(o.Quote), Experts: expertNames(o.Edges.Experts),
			Themes: themeSlugs(o.Edges.Themes), Municipalities: municipalityCodes(o.Edges.Municipalities),
			Sources: documentKeys(o.Edges.Sources),
		}}
		if o.Edges.Session != nil {
			p.session = byPosition[o.Edges.Session.ID]
		}
		outcomes = append(outcomes, p)
	}
	byText := orderBy(func(a, b Outcome) int { return cmp.Compare(a.Text, b.Text) })
	slices.SortFunc(outcomes, func(a, b placed) int { return byText(a.out, b.out) })
	for _, p := range outcomes {
		if p.session >= 0 {
			sem.Sessions[p.session].Outcomes = append(sem.Sessions[p.session].Outcomes, p.out)
			continue
		}
		sem.Outcomes = append(sem.Outcomes, p.out)
	}
	return sem
}

// orderBy returns a total order of bundle entries: by key, and entries the key ties by
// what the bundle writes of them (their JSON), so that the export's order never depends
// on the order the database returns rows in. Entries it still ties are written as the
// same bytes, so their order does not show. An entry is encoded only when its key ties.
func orderBy[T any](key func(a, b T) int) func(a, b T) int {
	return func(a, b T) int {
		if c := key(a, b); c != 0 {
			return c
		}
		return bytes.Compare(encoded(a), encoded(b))
	}
}

// encoded is v as JSON. The format's types are strings, numbers, booleans and lists
// and structs of them, which always encode: a failure is a mistake in this package.
func encoded(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("bundle: encode %T: %v", v, err))
	}
	return b
}

// withAppearanceKeys loads what a Role names: the person and the organisation.
func withAppearanceKeys(q *ent.AppearanceQuery) { q.WithExpert().WithOrganization() }

// roles returns the appearances whose title or organisation differ from the person's
// entry in the bundle (which each appearance would otherwise record), sorted by name.
// A person with two such appearances (one speaking and one moderating, under different
// titles) has one role in the bundle: the first of them in the order of Role's fields,
// whatever order the database returns them in.
func roles(apps []*ent.Appearance, entries map[string]Expert) []Role {
	var all []Role
	for _, a := range apps {
		if a.Edges.Expert == nil {
			continue
		}
		r := Role{Expert: a.Edges.Expert.Name, Title: deref(a.Title), TitleEn: deref(a.TitleEn)}
		if a.Edges.Organization != nil {
			r.Organization = a.Edges.Organization.Name
		}
		e := entries[r.Expert]
		if r.Title == e.Title && r.TitleEn == e.TitleEn && r.Organization == e.Organization {
			continue
		}
		all = append(all, r)
	}
	slices.SortFunc(all, orderBy(func(a, b Role) int { return cmp.Compare(a.Expert, b.Expert) }))
	return slices.CompactFunc(all, func(a, b Role) bool { return a.Expert == b.Expert })
}

// memberships groups a term's memberships by (source, status), sorted by source key and
// status, each with its municipality codes sorted; stated holds the codes they name.
func memberships(rows []*ent.TermMembership) (out []Membership, stated map[string]bool) {
	stated = map[string]bool{}
	groups := map[[2]string]int{}
	for _, r := range rows {
		if r.Edges.Municipality == nil || r.Edges.Source == nil {
			continue
		}
		code := r.Edges.Municipality.Code
		stated[code] = true
		k := [2]string{r.Edges.Source.Key, string(r.Status)}
		i, ok := groups[k]
		if !ok {
			i = len(out)
			groups[k] = i
			out = append(out, Membership{Status: string(r.Status), Source: r.Edges.Source.Key})
		}
		out[i].Municipalities = append(out[i].Municipalities, code)
	}
	for i := range out {
		slices.Sort(out[i].Municipalities)
	}
	slices.SortFunc(out, orderBy(func(a, b Membership) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(slices.Index(membershipStatuses, a.Status), slices.Index(membershipStatuses, b.Status)))
	}))
	return out, stated
}

// authorsOnly returns the authors' appearances among a document's appearances.
func authorsOnly(apps []*ent.Appearance) []*ent.Appearance {
	var out []*ent.Appearance
	for _, a := range apps {
		if a.Role == appearance.RoleAUTHOR {
			out = append(out, a)
		}
	}
	return out
}

// people returns a document's appearances in roles other than author, as the document
// names them, sorted by role (in the order the roles are declared) and name (and a
// person named twice in one role, under different titles, by the rest).
func people(apps []*ent.Appearance) []Person {
	var out []Person
	for _, a := range apps {
		if a.Role == appearance.RoleAUTHOR || a.Edges.Expert == nil {
			continue
		}
		p := Person{Expert: a.Edges.Expert.Name, Role: string(a.Role), Title: deref(a.Title), TitleEn: deref(a.TitleEn)}
		if a.Edges.Organization != nil {
			p.Organization = a.Edges.Organization.Name
		}
		out = append(out, p)
	}
	slices.SortFunc(out, orderBy(func(a, b Person) int {
		return cmp.Or(cmp.Compare(slices.Index(personRoles, a.Role), slices.Index(personRoles, b.Role)), cmp.Compare(a.Expert, b.Expert))
	}))
	return out
}

// keepReferenced drops the entries the exported seminars do not need.
func (x *exporter) keepReferenced() {
	docs, experts, orgs, themes := keySet{}, keySet{}, keySet{}, keySet{}
	network := map[string]map[int]bool{}
	for _, s := range x.b.Seminars {
		orgs.add(s.Organizers...)
		themes.add(s.Themes...)
		docs.add(s.Sources...)
		if s.Network != "" {
			if network[s.Network] == nil {
				network[s.Network] = map[int]bool{}
			}
			network[s.Network][s.Term] = true
		}
		for _, ss := range s.Sessions {
			experts.add(ss.Speakers...)
			experts.add(ss.Moderators...)
			themes.add(ss.Themes...)
			docs.add(ss.Sources...)
			for _, o := range ss.Outcomes {
				experts.add(o.Experts...)
				themes.add(o.Themes...)
				docs.add(o.Sources...)
			}
		}
		for _, o := range s.Outcomes {
			experts.add(o.Experts...)
			themes.add(o.Themes...)
			docs.add(o.Sources...)
		}
	}
	var nets []Network
	for _, n := range x.b.Networks {
		terms := network[n.Name]
		if terms == nil {
			continue
		}
		var kept []Term
		for _, t := range n.Terms {
			if terms[t.Number] {
				kept = append(kept, t)
				docs.add(t.Sources...)
				themes.add(t.Themes...)
				for _, m := range t.Memberships {
					docs.add(m.Source)
				}
			}
		}
		n.Terms = kept
		orgs.add(n.Organizers...)
		docs.add(n.Sources...)
		nets = append(nets, n)
	}
	x.b.Networks = nets
	// What the kept entries refer to in turn, until nothing new is found.
	for changed := true; changed; {
		n := len(docs) + len(experts) + len(orgs) + len(themes)
		for _, d := range x.b.Documents {
			if docs[d.Key] {
				experts.add(d.Authors...)
				for _, p := range d.People {
					experts.add(p.Expert)
					orgs.add(p.Organization)
				}
				for _, r := range d.Roles {
					orgs.add(r.Organization)
				}
				orgs.add(d.Publisher)
				themes.add(d.Themes...)
			}
		}
		for _, e := range x.b.Experts {
			if experts[e.Name] {
				orgs.add(e.Organization)
				themes.add(e.Themes...)
				docs.add(e.Sources...)
			}
		}
		for _, o := range x.b.Organizations {
			if orgs[o.Name] {
				docs.add(o.Sources...)
			}
		}
		for _, t := range x.b.Themes {
			if themes[t.Slug] {
				themes.add(t.Parent)
			}
		}
		changed = len(docs)+len(experts)+len(orgs)+len(themes) != n
	}
	x.b.Documents = keep(x.b.Documents, func(d Document) bool { return docs[d.Key] })
	x.b.Experts = keep(x.b.Experts, func(e Expert) bool { return experts[e.Name] })
	x.b.Organizations = keep(x.b.Organizations, func(o Organization) bool { return orgs[o.Name] })
	x.b.Themes = keep(x.b.Themes, func(t Theme) bool { return themes[t.Slug] })
}

// sort puts every list of the bundle in its order: by natural key, which is unique for
// all but seminars (two may share a title and a date as the bundle writes it), and ties
// by the entries' content (orderBy).
func (x *exporter) sort() {
	slices.SortFunc(x.b.Organizations, orderBy(func(a, b Organization) int { return cmp.Compare(a.Name, b.Name) }))
	slices.SortFunc(x.b.Documents, orderBy(func(a, b Document) int { return cmp.Compare(a.Key, b.Key) }))
	slices.SortFunc(x.b.Experts, orderBy(func(a, b Expert) int { return cmp.Compare(a.Name, b.Name) }))
	slices.SortFunc(x.b.Themes, orderBy(func(a, b Theme) int { return cmp.Compare(a.Slug, b.Slug) }))
	slices.SortFunc(x.b.Networks, orderBy(func(a, b Network) int { return cmp.Compare(a.Name, b.Name) }))
	for i := range x.b.Networks {
		slices.SortFunc(x.b.Networks[i].Terms, orderBy(func(a, b Term) int { return cmp.Compare(a.Number, b.Number) }))
	}
	slices.SortFunc(x.b.Seminars, orderBy(func(a, b Seminar) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.Title, b.Title))
	}))
	for i := range x.b.Seminars {
		slices.SortFunc(x.b.Seminars[i].Sessions, orderBy(func(a, b Session) int { return cmp.Compare(a.Position, b.Position) }))
	}
}

type keySet map[string]bool

func (s keySet) add(keys ...string) {
	for _, k := range keys {
		if k != "" {
			s[k] = true
		}
	}
}

func keep[T any](list []T, ok func(T) bool) []T {
	var out []T
	for _, v := range list {
		if ok(v) {
			out = append(out, v)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

func codeOf(m *ent.Municipality) string {
	if m == nil {
		return ""
	}
	return m.Code
}

// sortedKeys maps nodes to their keys, sorted. For none it returns an empty list, never
// nil, so that a list the format requires (an outcome's sources) is written [] rather
// than null; the optional ones are left out either way (omitempty).
func sortedKeys[N any](nodes []N, key func(N) string) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = key(n)
	}
	slices.Sort(out)
	return out
}

func documentKeys(ds []*ent.Document) []string {
	return sortedKeys(ds, func(d *ent.Document) string { return d.Key })
}

func expertNames(es []*ent.Expert) []string {
	return sortedKeys(es, func(e *ent.Expert) string { return e.Name })
}

func themeSlugs(ts []*ent.Theme) []string {
	return sortedKeys(ts, func(t *ent.Theme) string { return t.Slug })
}

func organizationNames(os []*ent.Organization) []string {
	return sortedKeys(os, func(o *ent.Organization) string { return o.Name })
}

func municipalityCodes(ms []*ent.Municipality) []string {
	return sortedKeys(ms, func(m *ent.Municipality) string { return m.Code })
}
