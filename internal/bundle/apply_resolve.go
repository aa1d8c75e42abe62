package bundle

import (
	"context"
	"fmt"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/network"
	"github.com/teemaverkko/teemaverkko/ent/organization"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/theme"
)

// resolve loads, once per table, the database rows the bundle defines or refers to, and
// checks that every reference resolves: to an entity the bundle defines, or else to one
// in the database. It returns every unresolved reference as ValidationErrors.
func (a *applier) resolve(ctx context.Context) error {
	var errs ValidationErrors
	steps := []struct {
		name string
		fn   func(context.Context, *ValidationErrors) error
	}{
		{"municipalities", a.resolveMunicipalities},
		{"organizations", a.resolveOrganizations},
		{"documents", a.resolveDocuments},
		{"themes", a.resolveThemes},
		{"experts", a.resolveExperts},
		{"networks", a.resolveNetworks},
		{"seminars", a.loadSeminars},
	}
	for _, s := range steps {
		if err := s.fn(ctx, &errs); err != nil {
			return fmt.Errorf("bundle: read %s: %w", s.name, err)
		}
	}
	return errs.err()
}

func (a *applier) resolveMunicipalities(ctx context.Context, errs *ValidationErrors) error {
	a.municipalities = map[string]pulid.ID{}
	codes := keysOf(a.refs.municipalities)
	if len(codes) == 0 {
		return nil
	}
	rows, err := readInChunks(codes, func(part []string) ([]*ent.Municipality, error) {
		return a.c.Municipality.Query().Where(municipality.CodeIn(part...)).All(ctx)
	})
	if err != nil {
		return err
	}
	for _, m := range rows {
		a.municipalities[m.Code] = m.ID
	}
	for _, r := range a.refs.municipalities {
		if _, ok := a.municipalities[r.key]; !ok {
			errs.add(r.path, "unknown municipality code %q (is the reference data loaded?)", r.key)
		}
	}
	return nil
}

func (a *applier) resolveOrganizations(ctx context.Context, errs *ValidationErrors) error {
	defined := set(len(a.b.Organizations), func(i int) string { return a.b.Organizations[i].Name })
	a.organizations = map[string]*ent.Organization{}
	names := union(defined, a.refs.organizations)
	if len(names) == 0 {
		return nil
	}
	rows, err := readInChunks(names, func(part []string) ([]*ent.Organization, error) {
		return a.c.Organization.Query().Where(organization.NameIn(part...)).WithSources(onlyDocumentIDs).All(ctx)
	})
	if err != nil {
		return err
	}
	for _, o := range rows {
		a.organizations[o.Name] = o
	}
	for _, r := range a.refs.organizations {
		if !defined[r.key] && a.organizations[r.key] == nil {
			errs.add(r.path, "unknown organization %q: neither the bundle nor the database has it", r.key)
		}
	}
	return nil
}

func (a *applier) resolveDocuments(ctx context.Context, errs *ValidationErrors) error {
	defined := set(len(a.b.Documents), func(i int) string { return a.b.Documents[i].Key })
	a.documents = map[string]*ent.Document{}
	keys := union(defined, a.refs.documents)
	if len(keys) == 0 {
		return nil
	}
	rows, err := readInChunks(keys, func(part []string) ([]*ent.Document, error) {
		return a.c.Document.Query().Where(document.KeyIn(part...)).WithAuthors(onlyExpertIDs).WithThemes(onlyThemeIDs).All(ctx)
	})
	if err != nil {
		return err
	}
	for _, d := range rows {
		a.documents[d.Key] = d
	}
	for _, r := range a.refs.documents {
		if !defined[r.key] && a.documents[r.key] == nil {
			errs.add(r.path, "unknown document %q: neither the bundle nor the database has it", r.key)
		}
	}
	return a.checkDocumentURLs(ctx, errs)
}

// checkDocumentURLs reports a document URL that another document of the database has:
// a URL is unique, and it is the one unique value of the format that is not a natural
// key (those match the database's rows instead of colliding with them).
func (a *applier) checkDocumentURLs(ctx context.Context, errs *ValidationErrors) error {
	var urls []string
	for i := range a.b.Documents {
		if u := a.b.Documents[i].URL; u != "" {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return nil
	}
	rows, err := readInChunks(urls, func(part []string) ([]*ent.Document, error) {
		return a.c.Document.Query().Where(document.URLIn(part...)).Select(document.FieldKey, document.FieldURL).All(ctx)
	})
	if err != nil {
		return err
	}
	owner := make(map[string]string, len(rows))
	for _, d := range rows {
		owner[*d.URL] = d.Key
	}
	for i := range a.b.Documents {
		d := &a.b.Documents[i]
		if key, taken := owner[d.URL]; taken && key != d.Key {
			errs.conflict(fmt.Sprintf("documents[%d].url", i), "%q is already the URL of document %q in the database", d.URL, key)
		}
	}
	return nil
}

func (a *applier) resolveThemes(ctx context.Context, errs *ValidationErrors) error {
	defined := set(len(a.b.Themes), func(i int) string { return a.b.Themes[i].Slug })
	a.themes = map[string]*ent.Theme{}
	slugs := union(defined, a.refs.themes)
	if len(slugs) == 0 {
		return nil
	}
	rows, err := readInChunks(slugs, func(part []string) ([]*ent.Theme, error) {
		return a.c.Theme.Query().Where(theme.SlugIn(part...)).All(ctx)
	})
	if err != nil {
		return err
	}
	for _, t := range rows {
		a.themes[t.Slug] = t
	}
	for _, r := range a.refs.themes {
		if !defined[r.key] && a.themes[r.key] == nil {
			errs.add(r.path, "unknown theme %q: neither the bundle nor the database has it", r.key)
		}
	}
	return nil
}

// resolveExperts loads the database's experts with the names the bundle uses, matches
// each of the bundle's experts to one of them (or to none, to be created), and checks
// the references to experts the bundle does not define.
func (a *applier) resolveExperts(ctx context.Context, errs *ValidationErrors) error {
	defined := set(len(a.b.Experts), func(i int) string { return a.b.Experts[i].Name })
	a.dbExperts = map[string][]*ent.Expert{}
	a.experts = map[string]*ent.Expert{}
	if names := union(defined, a.refs.experts); len(names) > 0 {
		rows, err := readInChunks(names, func(part []string) ([]*ent.Expert, error) {
			return a.c.Expert.Query().Where(expert.NameIn(part...)).
				WithThemes(onlyThemeIDs).WithSources(onlyDocumentIDs).
				Order(ent.Asc(expert.FieldID)).All(ctx)
		})
		if err != nil {
			return err
		}
		for _, e := range rows {
			a.dbExperts[e.Name] = append(a.dbExperts[e.Name], e)
		}
	}
	for i := range a.b.Experts {
		e := &a.b.Experts[i]
		match, problem := a.matchExpert(e)
		if problem != "" {
			errs.add(fmt.Sprintf("experts[%d].name", i), "%s", problem)
		}
		a.experts[e.Name] = match
	}
	for _, r := range a.refs.experts {
		if defined[r.key] {
			continue
		}
		switch n := len(a.dbExperts[r.key]); {
		case n == 0:
			errs.add(r.path, "unknown expert %q: neither the bundle nor the database has one of that name", r.key)
		case n > 1:
			errs.add(r.path, "ambiguous expert %q: the database has %d experts of that name; define the expert in the bundle with an organization", r.key, n)
		}
	}
	return nil
}

// matchExpert finds the database expert that a bundle expert is: by name and
// organisation when the bundle gives an organisation (falling back to the single
// expert of that name with no organisation, then to the single expert of that name),
// else by name. It returns nil when there is none, so that the expert is created, and a
// message when the match is ambiguous.
func (a *applier) matchExpert(e *Expert) (*ent.Expert, string) {
	candidates := a.dbExperts[e.Name]
	if e.Organization == "" {
		switch len(candidates) {
		case 0:
			return nil, ""
		case 1:
			return candidates[0], ""
		}
		return nil, fmt.Sprintf("ambiguous expert %q: the database has %d experts of that name; give the expert's organization", e.Name, len(candidates))
	}
	var sameOrg, noOrg []*ent.Expert
	if org := a.organizations[e.Organization]; org != nil {
		for _, c := range candidates {
			if c.OrganizationID != nil && *c.OrganizationID == org.ID {
				sameOrg = append(sameOrg, c)
			}
		}
	}
	for _, c := range candidates {
		if c.OrganizationID == nil {
			noOrg = append(noOrg, c)
		}
	}
	switch {
	case len(sameOrg) == 1:
		return sameOrg[0], ""
	case len(sameOrg) > 1:
		return nil, fmt.Sprintf("ambiguous expert %q: the database has %d experts of that name in %q", e.Name, len(sameOrg), e.Organization)
	case len(noOrg) == 1:
		return noOrg[0], ""
	case len(noOrg) > 1:
		return nil, fmt.Sprintf("ambiguous expert %q: the database has %d experts of that name without an organization", e.Name, len(noOrg))
	case len(candidates) == 1:
		// The one person of that name, whom an older or newer source places in another
		// organisation: organisations change over the years (see Expert.AsOf).
		return candidates[0], ""
	}
	return nil, ""
}

// resolveNetworks loads the networks the bundle defines or its seminars refer to, with
// their terms, and checks the seminars' references to terms.
func (a *applier) resolveNetworks(ctx context.Context, errs *ValidationErrors) error {
	defined := map[string]map[int]bool{}
	for _, n := range a.b.Networks {
		defined[n.Name] = map[int]bool{}
		for _, t := range n.Terms {
			defined[n.Name][t.Number] = true
		}
	}
	a.networks = map[string]*ent.Network{}
	a.terms = map[termKey]*ent.NetworkTerm{}
	names := make([]string, 0, len(defined))
	for n := range defined {
		names = append(names, n)
	}
	for _, r := range a.refs.terms {
		if defined[r.network] == nil {
			names = append(names, r.network)
		}
	}
	if len(names) > 0 {
		rows, err := readInChunks(names, func(part []string) ([]*ent.Network, error) {
			return a.c.Network.Query().Where(network.NameIn(part...)).
				WithOrganizers(onlyOrganizationIDs).WithSources(onlyDocumentIDs).
				WithTerms(func(q *ent.NetworkTermQuery) {
					q.WithMunicipalities(onlyMunicipalityIDs).WithThemes(onlyThemeIDs).WithSources(onlyDocumentIDs)
				}).All(ctx)
		})
		if err != nil {
			return err
		}
		for _, n := range rows {
			a.networks[n.Name] = n
			for _, t := range n.Edges.Terms {
				a.terms[termKey{n.Name, t.Number}] = t
			}
		}
	}
	for _, r := range a.refs.terms {
		switch {
		case defined[r.network][r.number] || a.terms[termKey{r.network, r.number}] != nil:
		case defined[r.network] == nil && a.networks[r.network] == nil:
			errs.add(r.path+".network", "unknown network %q: neither the bundle nor the database has it", r.network)
		default:
			errs.add(r.path+".term", "network %q has no term %d in the bundle or the database", r.network, r.number)
		}
	}
	return nil
}

// loadSeminars loads the bundle's seminars that the database already has, with their
// sessions and outcomes.
func (a *applier) loadSeminars(ctx context.Context, _ *ValidationErrors) error {
	a.seminars = map[string]*ent.Seminar{}
	a.sessions = map[sessionKey]*ent.Session{}
	a.outcomes = map[outcomeKey]*ent.Outcome{}
	titles := make([]string, 0, len(a.b.Seminars))
	for _, s := range a.b.Seminars {
		titles = append(titles, s.Title)
	}
	if len(titles) == 0 {
		return nil
	}
	rows, err := readInChunks(titles, func(part []string) ([]*ent.Seminar, error) {
		return a.c.Seminar.Query().Where(seminar.TitleIn(part...)).
			WithOrganizers(onlyOrganizationIDs).WithThemes(onlyThemeIDs).
			WithMunicipalities(onlyMunicipalityIDs).WithSources(onlyDocumentIDs).
			WithSessions(func(q *ent.SessionQuery) {
				q.WithSpeakers(onlyExpertIDs).WithModerators(onlyExpertIDs).
					WithThemes(onlyThemeIDs).WithSources(onlyDocumentIDs)
			}).
			WithOutcomes(func(q *ent.OutcomeQuery) {
				q.WithThemes(onlyThemeIDs).WithMunicipalities(onlyMunicipalityIDs).
					WithExperts(onlyExpertIDs).WithSources(onlyDocumentIDs)
			}).All(ctx)
	})
	if err != nil {
		return err
	}
	for _, s := range rows {
		key := seminarKey(s.Title, s.Date)
		a.seminars[key] = s
		for _, ss := range s.Edges.Sessions {
			a.sessions[sessionKey{key, ss.Position}] = ss
		}
		for _, o := range s.Edges.Outcomes {
			if k := (outcomeKey{key, o.Text}); a.outcomes[k] == nil {
				a.outcomes[k] = o
			}
		}
	}
	return nil
}

// seminarKey is the natural key of a seminar: its title and date.
func seminarKey(title string, date time.Time) string {
	return title + " (" + calendar.Normalize(date).Format(calendar.Layout) + ")"
}

// Eager-loading options that read only the IDs of the nodes at the other end of an edge.

func onlyOrganizationIDs(q *ent.OrganizationQuery) { q.Select(organization.FieldID) }
func onlyDocumentIDs(q *ent.DocumentQuery)         { q.Select(document.FieldID) }
func onlyThemeIDs(q *ent.ThemeQuery)               { q.Select(theme.FieldID) }
func onlyExpertIDs(q *ent.ExpertQuery)             { q.Select(expert.FieldID) }
func onlyMunicipalityIDs(q *ent.MunicipalityQuery) { q.Select(municipality.FieldID) }

// set makes the set of the non-empty keys key(0) … key(n-1).
func set(n int, key func(int) string) map[string]bool {
	s := make(map[string]bool, n)
	for i := range n {
		if k := key(i); k != "" {
			s[k] = true
		}
	}
	return s
}

// keysOf lists the distinct keys of refs.
func keysOf(refs []ref) []string {
	return union(nil, refs)
}

// union lists the distinct keys of a set and of refs.
func union(s map[string]bool, refs []ref) []string {
	seen := make(map[string]bool, len(s)+len(refs))
	out := make([]string, 0, len(s)+len(refs))
	for k := range s {
		seen[k] = true
		out = append(out, k)
	}
	for _, r := range refs {
		if !seen[r.key] {
			seen[r.key] = true
			out = append(out, r.key)
		}
	}
	return out
}
