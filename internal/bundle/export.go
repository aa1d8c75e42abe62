package bundle

import (
	"cmp"
	"context"
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
// exported. Entries are sorted by their natural keys, so that the same knowledge always
// exports to the same bytes.
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
	outcomes := slices.Clone(s.Edges.Outcomes)
	slices.SortFunc(outcomes, func(a, b *ent.Outcome) int { return cmp.Compare(a.Text, b.Text) })
	for _, o := range outcomes {
		out := Outcome{
			Kind: string(o.Kind), Text: o.Text, Quote: deref(o.Quote), Experts: expertNames(o.Edges.Experts),
			Themes: themeSlugs(o.Edges.Themes), Municipalities: municipalityCodes(o.Edges.Municipalities),
			Sources: documentKeys(o.Edges.Sources),
		}
		if o.Edges.Session != nil {
			i := byPosition[o.Edges.Session.ID]
			sem.Sessions[i].Outcomes = append(sem.Sessions[i].Outcomes, out)
			continue
		}
		sem.Outcomes = append(sem.Outcomes, out)
	}
	return sem
}

// withAppearanceKeys loads what a Role names: the person and the organisation.
func withAppearanceKeys(q *ent.AppearanceQuery) { q.WithExpert().WithOrganization() }

// roles returns the appearances whose title or organisation differ from the person's
// entry in the bundle (which each appearance would otherwise record), sorted by name.
func roles(apps []*ent.Appearance, entries map[string]Expert) []Role {
	var out []Role
	seen := map[string]bool{}
	for _, a := range apps {
		if a.Edges.Expert == nil || seen[a.Edges.Expert.Name] {
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
		seen[r.Expert] = true
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Role) int { return cmp.Compare(a.Expert, b.Expert) })
	return out
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
	slices.SortFunc(out, func(a, b Membership) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(slices.Index(membershipStatuses, a.Status), slices.Index(membershipStatuses, b.Status)))
	})
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
// names them, sorted by role (in the order the roles are declared) and name.
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
	slices.SortFunc(out, func(a, b Person) int {
		return cmp.Or(cmp.Compare(slices.Index(personRoles, a.Role), slices.Index(personRoles, b.Role)), cmp.Compare(a.Expert, b.Expert))
	})
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

func (x *exporter) sort() {
	slices.SortFunc(x.b.Organizations, func(a, b Organization) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(x.b.Documents, func(a, b Document) int { return cmp.Compare(a.Key, b.Key) })
	slices.SortFunc(x.b.Experts, func(a, b Expert) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(x.b.Themes, func(a, b Theme) int { return cmp.Compare(a.Slug, b.Slug) })
	slices.SortFunc(x.b.Networks, func(a, b Network) int { return cmp.Compare(a.Name, b.Name) })
	for i := range x.b.Networks {
		slices.SortFunc(x.b.Networks[i].Terms, func(a, b Term) int { return cmp.Compare(a.Number, b.Number) })
	}
	slices.SortFunc(x.b.Seminars, func(a, b Seminar) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.Title, b.Title))
	})
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
