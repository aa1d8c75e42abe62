package network

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/municipalityperiod"
	entnetwork "github.com/teemaverkko/teemaverkko/ent/network"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/organization"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/theme"
)

// linkKind is one kind of link of the knowledge graph: a join table or a foreign key.
type linkKind int

// The link kinds. Each is read as (left, right) pairs.
const (
	lkOutcomeTheme linkKind = iota
	lkOutcomeMunicipality
	lkOutcomeExpert
	lkOutcomeSeminar
	lkOutcomeSession
	lkSessionSeminar
	lkSessionSpeaker
	lkSessionModerator
	lkSessionTheme
	lkSeminarTheme
	lkSeminarMunicipality
	lkSeminarTerm
	lkSeminarOrganizer
	lkTermMunicipality
	lkTermTheme
	lkTermNetwork
	lkNetworkOrganizer
	lkDocumentAuthor
	lkDocumentTheme
	lkDocumentPublisher
	lkExpertTheme
	lkExpertOrganization
	lkExpertMunicipality
	lkOrganizationMunicipality
	lkThemeParent
	numLinkKinds
)

// linkDef says where a link kind is stored and what its two directions are called (the
// GraphQL field names: Type.field).
type linkDef struct {
	table       string
	left, right string
	// fk marks a foreign-key column (right) that may be NULL.
	fk       bool
	fwd, inv string
}

var linkDefs = [numLinkKinds]linkDef{
	lkOutcomeTheme:             {table: outcome.ThemesTable, left: outcome.ThemesPrimaryKey[0], right: outcome.ThemesPrimaryKey[1], fwd: "Outcome.themes", inv: "Theme.outcomes"},
	lkOutcomeMunicipality:      {table: outcome.MunicipalitiesTable, left: outcome.MunicipalitiesPrimaryKey[0], right: outcome.MunicipalitiesPrimaryKey[1], fwd: "Outcome.municipalities", inv: "Municipality.outcomes"},
	lkOutcomeExpert:            {table: outcome.ExpertsTable, left: outcome.ExpertsPrimaryKey[0], right: outcome.ExpertsPrimaryKey[1], fwd: "Outcome.experts", inv: "Expert.outcomes"},
	lkOutcomeSeminar:           {table: outcome.Table, left: outcome.FieldID, right: outcome.SeminarColumn, fk: true, fwd: "Outcome.seminar", inv: "Seminar.outcomes"},
	lkOutcomeSession:           {table: outcome.Table, left: outcome.FieldID, right: outcome.SessionColumn, fk: true, fwd: "Outcome.session", inv: "Session.outcomes"},
	lkSessionSeminar:           {table: session.Table, left: session.FieldID, right: session.SeminarColumn, fk: true, fwd: "Session.seminar", inv: "Seminar.sessions"},
	lkSessionSpeaker:           {table: session.SpeakersTable, left: session.SpeakersPrimaryKey[0], right: session.SpeakersPrimaryKey[1], fwd: "Session.speakers", inv: "Expert.sessions"},
	lkSessionModerator:         {table: session.ModeratorsTable, left: session.ModeratorsPrimaryKey[0], right: session.ModeratorsPrimaryKey[1], fwd: "Session.moderators", inv: "Expert.moderatedSessions"},
	lkSessionTheme:             {table: session.ThemesTable, left: session.ThemesPrimaryKey[0], right: session.ThemesPrimaryKey[1], fwd: "Session.themes", inv: "Theme.sessions"},
	lkSeminarTheme:             {table: seminar.ThemesTable, left: seminar.ThemesPrimaryKey[0], right: seminar.ThemesPrimaryKey[1], fwd: "Seminar.themes", inv: "Theme.seminars"},
	lkSeminarMunicipality:      {table: seminar.MunicipalitiesTable, left: seminar.MunicipalitiesPrimaryKey[0], right: seminar.MunicipalitiesPrimaryKey[1], fwd: "Seminar.municipalities", inv: "Municipality.seminars"},
	lkSeminarTerm:              {table: seminar.Table, left: seminar.FieldID, right: seminar.TermColumn, fk: true, fwd: "Seminar.term", inv: "NetworkTerm.seminars"},
	lkSeminarOrganizer:         {table: seminar.OrganizersTable, left: seminar.OrganizersPrimaryKey[0], right: seminar.OrganizersPrimaryKey[1], fwd: "Seminar.organizers", inv: "Organization.seminars"},
	lkTermMunicipality:         {table: networkterm.MunicipalitiesTable, left: networkterm.MunicipalitiesPrimaryKey[0], right: networkterm.MunicipalitiesPrimaryKey[1], fwd: "NetworkTerm.municipalities", inv: "Municipality.terms"},
	lkTermTheme:                {table: networkterm.ThemesTable, left: networkterm.ThemesPrimaryKey[0], right: networkterm.ThemesPrimaryKey[1], fwd: "NetworkTerm.themes", inv: "Theme.terms"},
	lkTermNetwork:              {table: networkterm.Table, left: networkterm.FieldID, right: networkterm.NetworkColumn, fk: true, fwd: "NetworkTerm.network", inv: "Network.terms"},
	lkNetworkOrganizer:         {table: entnetwork.OrganizersTable, left: entnetwork.OrganizersPrimaryKey[0], right: entnetwork.OrganizersPrimaryKey[1], fwd: "Network.organizers", inv: "Organization.networks"},
	lkDocumentAuthor:           {table: document.AuthorsTable, left: document.AuthorsPrimaryKey[0], right: document.AuthorsPrimaryKey[1], fwd: "Document.authors", inv: "Expert.documents"},
	lkDocumentTheme:            {table: document.ThemesTable, left: document.ThemesPrimaryKey[0], right: document.ThemesPrimaryKey[1], fwd: "Document.themes", inv: "Theme.documents"},
	lkDocumentPublisher:        {table: document.Table, left: document.FieldID, right: document.PublisherColumn, fk: true, fwd: "Document.publisher", inv: "Organization.publications"},
	lkExpertTheme:              {table: expert.ThemesTable, left: expert.ThemesPrimaryKey[0], right: expert.ThemesPrimaryKey[1], fwd: "Expert.themes", inv: "Theme.experts"},
	lkExpertOrganization:       {table: expert.Table, left: expert.FieldID, right: expert.OrganizationColumn, fk: true, fwd: "Expert.organization", inv: "Organization.experts"},
	lkExpertMunicipality:       {table: expert.Table, left: expert.FieldID, right: expert.MunicipalityColumn, fk: true, fwd: "Expert.municipality", inv: "Municipality.experts"},
	lkOrganizationMunicipality: {table: organization.Table, left: organization.FieldID, right: organization.MunicipalityColumn, fk: true, fwd: "Organization.municipality", inv: "Municipality.organizations"},
	lkThemeParent:              {table: theme.Table, left: theme.FieldID, right: theme.ParentColumn, fk: true, fwd: "Theme.parent", inv: "Theme.children"},
}

// evidenceLinks are the links the theme network and the statistics read.
var evidenceLinks = []linkKind{
	lkOutcomeTheme, lkOutcomeMunicipality, lkOutcomeExpert, lkOutcomeSeminar, lkOutcomeSession,
	lkSessionSeminar, lkSessionSpeaker, lkSessionTheme,
	lkSeminarTheme, lkSeminarMunicipality,
	lkDocumentTheme, lkExpertTheme,
}

// evidenceLinksFor returns the kinds of evidenceLinks (in their order) that the evidence
// of the signals under f reads (scope.evidence and its filters); with seminars, also
// every item's seminar and a session's outcomes, for a scope that witnesses seminars
// or filters by seminars that f does not (StatsBy, the slices of a series).
func evidenceLinksFor(f Filter, signals []Signal, seminars bool) []linkKind {
	var want [numLinkKinds]bool
	if seminars || !f.IsZero() {
		// Every item's seminar, what the filters test, and a session's outcomes, whose
		// municipalities are the session's.
		want[lkOutcomeSeminar], want[lkSessionSeminar], want[lkOutcomeSession] = true, true, true
	}
	if f.placeScoped() {
		// The municipalities of outcomes and seminars, what a place filter tests.
		want[lkOutcomeMunicipality], want[lkSeminarMunicipality] = true, true
	}
	for _, s := range signals {
		switch s {
		case SignalOutcome:
			want[lkOutcomeTheme] = true
		case SignalSession:
			want[lkSessionTheme] = true
		case SignalSeminar:
			want[lkSeminarTheme] = true
		case SignalExpert:
			for _, k := range []linkKind{lkExpertTheme, lkSessionSpeaker, lkSessionTheme, lkOutcomeExpert, lkOutcomeTheme} {
				want[k] = true
			}
		case SignalMunicipality:
			for _, k := range []linkKind{lkOutcomeMunicipality, lkOutcomeTheme, lkSeminarMunicipality, lkSeminarTheme} {
				want[k] = true
			}
		case SignalDocument:
			want[lkDocumentTheme] = true
		}
	}
	out := make([]linkKind, 0, len(evidenceLinks))
	for _, k := range evidenceLinks {
		if want[k] {
			out = append(out, k)
		}
	}
	return out
}

// engagementLinks are the links that tie municipalities to themes.
var engagementLinks = []linkKind{
	lkOutcomeTheme, lkOutcomeMunicipality, lkSeminarTheme, lkSeminarMunicipality,
	lkTermTheme, lkTermMunicipality,
}

// allLinks are every link of the knowledge graph (for Paths).
func allLinks() []linkKind {
	out := make([]linkKind, numLinkKinds)
	for i := range out {
		out[i] = linkKind(i)
	}
	return out
}

// linkQuery returns one statement that reads the (left, right) pairs of every kind, as
// rows (kind, left, right). It has no parameters, so it is the same on every dialect.
func linkQuery(kinds []linkKind) string {
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		d := linkDefs[k]
		q := fmt.Sprintf("SELECT %d AS k, %s AS l, %s AS r FROM %s", int(k), d.left, d.right, d.table)
		if d.fk {
			q += " WHERE " + d.right + " IS NOT NULL"
		}
		parts = append(parts, q)
	}
	return strings.Join(parts, " UNION ALL ")
}

// links holds the pairs of each link kind.
type links [numLinkKinds][][2]pulid.ID

// loadLinks reads the pairs of the given kinds in one statement.
func loadLinks(ctx context.Context, client *ent.Client, kinds []linkKind) (*links, error) {
	rows, err := client.QueryContext(ctx, linkQuery(kinds))
	if err != nil {
		return nil, fmt.Errorf("network: query links: %w", err)
	}
	defer rows.Close()
	out := new(links)
	// Every ID is kept once, however many rows name it (an outcome is named by each of
	// its themes, municipalities and experts and by its seminar and session links):
	// at synthetic scale 10 the 1.2 million rows name about 2.4 million IDs, of which a
	// tenth are distinct. The driver's own string of each value is garbage at once.
	intern := make(map[string]pulid.ID)
	id := func(b []byte) pulid.ID {
		if v, ok := intern[string(b)]; ok {
			return v
		}
		v := pulid.ID(b)
		intern[string(v)] = v
		return v
	}
	var (
		k    int
		l, r sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&k, &l, &r); err != nil {
			return nil, fmt.Errorf("network: scan link: %w", err)
		}
		if k < 0 || k >= int(numLinkKinds) {
			return nil, fmt.Errorf("network: unexpected link kind %d", k)
		}
		out[k] = append(out[k], [2]pulid.ID{id(l), id(r)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("network: read links: %w", err)
	}
	return out, nil
}

// themeRow is what the network needs of a theme.
type themeRow struct {
	id         pulid.ID
	slug, name string
	nameEn     string
	parent     pulid.ID
}

// seminarRow is what the filters need of a seminar.
type seminarRow struct {
	date time.Time
	term pulid.ID
}

// periodRow is one period of a municipality's region.
type periodRow struct {
	from, to *time.Time
	region   pulid.ID
}

// need says what a computation loads besides the links.
type need struct {
	themes, seminars, periods, documentDates bool
	links                                    []linkKind
}

// needFor returns what the evidence under f needs: of evidenceLinks, only the kinds
// that the signals and the filter read, since the links are most of what a build holds
// (the three default signals without a place filter leave out the municipalities,
// experts, documents and the items' seminars: at synthetic scale 10, 312,000 of
// 1,166,000 rows).
func needFor(f Filter, signals []Signal) need {
	n := need{themes: true, links: evidenceLinksFor(f, signals, false)}
	n.seminars = f.seminarScoped() || len(f.RegionIDs) > 0
	n.periods = len(f.RegionIDs) > 0
	for _, s := range signals {
		if s == SignalDocument && f.dated() {
			n.documentDates = true
		}
	}
	return n
}

// dataset is everything a computation reads, fetched in a fixed number of statements.
type dataset struct {
	themes   []themeRow // sorted by ID
	themeIdx map[pulid.ID]int
	links    *links
	seminars map[pulid.ID]seminarRow
	periods  map[pulid.ID][]periodRow
	docDates map[pulid.ID]*time.Time
}

// load fetches what n asks for: one statement for the links and one per other table.
func load(ctx context.Context, client *ent.Client, n need) (*dataset, error) {
	ds := &dataset{themeIdx: map[pulid.ID]int{}}
	if n.themes {
		ts, err := client.Theme.Query().
			Select(theme.FieldID, theme.FieldSlug, theme.FieldName, theme.FieldNameEn, theme.FieldParentID).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("network: query themes: %w", err)
		}
		ds.themes = make([]themeRow, len(ts))
		for i, t := range ts {
			r := themeRow{id: t.ID, slug: t.Slug, name: t.Name}
			if t.NameEn != nil {
				r.nameEn = *t.NameEn
			}
			if t.ParentID != nil {
				r.parent = *t.ParentID
			}
			ds.themes[i] = r
		}
		sort.Slice(ds.themes, func(i, j int) bool { return ds.themes[i].id < ds.themes[j].id })
		for i, t := range ds.themes {
			ds.themeIdx[t.id] = i
		}
	}
	if n.seminars {
		ss, err := client.Seminar.Query().
			Select(seminar.FieldID, seminar.FieldDate, seminar.FieldTermID).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("network: query seminars: %w", err)
		}
		ds.seminars = make(map[pulid.ID]seminarRow, len(ss))
		for _, s := range ss {
			r := seminarRow{date: calendar.Normalize(s.Date)}
			if s.TermID != nil {
				r.term = *s.TermID
			}
			ds.seminars[s.ID] = r
		}
	}
	if n.periods {
		ps, err := client.MunicipalityPeriod.Query().
			Select(municipalityperiod.FieldMunicipalityID, municipalityperiod.FieldRegionID,
				municipalityperiod.FieldValidFrom, municipalityperiod.FieldValidTo).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("network: query municipality periods: %w", err)
		}
		ds.periods = make(map[pulid.ID][]periodRow)
		for _, p := range ps {
			r := periodRow{region: p.RegionID}
			if p.ValidFrom != nil {
				d := calendar.Normalize(*p.ValidFrom)
				r.from = &d
			}
			if p.ValidTo != nil {
				d := calendar.Normalize(*p.ValidTo)
				r.to = &d
			}
			ds.periods[p.MunicipalityID] = append(ds.periods[p.MunicipalityID], r)
		}
		// Oldest first, so that overlapping periods (which the reference data does not
		// have) would still resolve the same way every time.
		for _, rs := range ds.periods {
			sort.SliceStable(rs, func(i, j int) bool {
				a, b := rs[i].from, rs[j].from
				return a == nil && b != nil || a != nil && b != nil && a.Before(*b)
			})
		}
	}
	if n.documentDates {
		docs, err := client.Document.Query().
			Select(document.FieldID, document.FieldPublishedOn).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("network: query documents: %w", err)
		}
		ds.docDates = make(map[pulid.ID]*time.Time, len(docs))
		for _, d := range docs {
			ds.docDates[d.ID] = d.PublishedOn
		}
	}
	if len(n.links) > 0 {
		ls, err := loadLinks(ctx, client, n.links)
		if err != nil {
			return nil, err
		}
		ds.links = ls
	} else {
		ds.links = new(links)
	}
	return ds, nil
}

// regionOn returns the region municipality m belonged to on day d, or "" when no
// period covers the day.
func (ds *dataset) regionOn(m pulid.ID, d time.Time) pulid.ID {
	for _, p := range ds.periods[m] {
		if p.from != nil && d.Before(*p.from) {
			continue
		}
		if p.to != nil && d.After(*p.to) {
			continue
		}
		return p.region
	}
	return ""
}
