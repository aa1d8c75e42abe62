package bundle

import (
	"context"
	"fmt"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/timeline"
)

// appearanceKey is the natural key of an appearance: the role, the person, and the
// session (of a speaker or moderator) or the document (of an author).
type appearanceKey struct {
	role     appearance.Role
	expert   pulid.ID
	session  pulid.ID
	document pulid.ID
}

// wantedAppearance is one appearance the bundle describes, with what it records.
type wantedAppearance struct {
	key     appearanceKey
	name    string // for the report
	title   string
	titleEn string
	org     *pulid.ID
	date    timeline.Dated
}

// applyAppearances upserts an appearance for every speaker and moderator of the bundle's
// sessions, every author of its documents and every person its documents name in another
// role, recording the title, English title and organisation the bundle gives the person
// there (see the package documentation).
func (a *applier) applyAppearances(ctx context.Context) error {
	wanted := a.wantedAppearances()
	if len(wanted) == 0 {
		return nil
	}
	have, err := a.loadAppearances(ctx)
	if err != nil {
		return err
	}
	var creates []*ent.AppearanceCreate
	for _, w := range wanted {
		old := have[w.key]
		if old == nil {
			creates = append(creates, a.c.Appearance.Create().
				SetRole(w.key.role).
				SetExpertID(w.key.expert).
				SetNillableSessionID(opt(w.key.session)).
				SetNillableDocumentID(opt(w.key.document)).
				SetNillableTitle(opt(w.title)).
				SetNillableTitleEn(opt(w.titleEn)).
				SetNillableOrganizationID(w.org).
				SetNillableDate(w.date.Date).
				SetNillableDatePrecision(w.date.Precision))
			a.track.record(EntityAppearance, w.name, Create)
			continue
		}
		u := a.c.Appearance.UpdateOneID(old.ID)
		changed := false
		setOptional(&changed, w.title, old.Title, u.SetTitle)
		setOptional(&changed, w.titleEn, old.TitleEn, u.SetTitleEn)
		if w.org != nil {
			setOptional(&changed, *w.org, old.OrganizationID, u.SetOrganizationID)
		}
		if !w.date.Equal(timeline.Of(old.Date, old.DatePrecision)) && w.date.Date != nil {
			u.SetDate(*w.date.Date).SetDatePrecision(*w.date.Precision)
			changed = true
		}
		if err := a.save(ctx, EntityAppearance, w.name, changed, u.Exec); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	if _, err := saveInBatches(ctx, creates, len(appearance.Columns), func(c *ent.AppearanceCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.AppearanceCreate) ([]*ent.Appearance, error) {
			return nil, a.c.Appearance.CreateBulk(part...).Exec(ctx)
		}); err != nil {
		return fmt.Errorf("create %d appearances: %w", len(creates), err)
	}
	return nil
}

// wantedAppearances lists the appearances the bundle describes, sessions first (in
// bundle order, speakers before moderators), then documents' authors and the other
// people they name; each once.
func (a *applier) wantedAppearances() []wantedAppearance {
	entries := make(map[string]*Expert, len(a.b.Experts))
	for i := range a.b.Experts {
		entries[a.b.Experts[i].Name] = &a.b.Experts[i]
	}
	var out []wantedAppearance
	seen := map[appearanceKey]bool{}
	add := func(role appearance.Role, name string, session, doc pulid.ID, date timeline.Dated, where string, roles []Role) {
		key := appearanceKey{role: role, expert: a.expertIDs([]string{name})[0], session: session, document: doc}
		if seen[key] {
			return
		}
		seen[key] = true
		w := wantedAppearance{key: key, name: fmt.Sprintf("%s %s: %s", role, name, where), date: date}
		if r := roleOf(roles, name); r != nil {
			w.title, w.titleEn, w.org = r.Title, r.TitleEn, a.organizationRef(r.Organization)
		} else if e := entries[name]; e != nil {
			w.title, w.titleEn, w.org = e.Title, e.TitleEn, a.organizationRef(e.Organization)
		}
		out = append(out, w)
	}
	for i := range a.b.Seminars {
		s := &a.b.Seminars[i]
		semKey := keyOf(s)
		day, precision := parseDate(s.Date)
		date := timeline.Of(day, &precision)
		for j := range s.Sessions {
			ss := &s.Sessions[j]
			id := a.sessions[sessionKey{semKey, ss.Position}].ID
			where := fmt.Sprintf("%s #%d", semKey, ss.Position)
			for _, n := range ss.Speakers {
				add(appearance.RoleSPEAKER, n, id, "", date, where, ss.Roles)
			}
			for _, n := range ss.Moderators {
				add(appearance.RoleMODERATOR, n, id, "", date, where, ss.Roles)
			}
		}
	}
	for i := range a.b.Documents {
		d := &a.b.Documents[i]
		// The bundle's date, else the database's (a bundle never clears one).
		date := timeline.Of(a.documents[d.Key].PublishedOn, a.documents[d.Key].PublishedOnPrecision)
		if day, precision := parseDate(d.PublishedOn); day != nil {
			date = timeline.Of(day, &precision)
		}
		for _, n := range d.Authors {
			add(appearance.RoleAUTHOR, n, "", a.documents[d.Key].ID, date, d.Key, d.Roles)
		}
		for _, p := range d.People {
			key := appearanceKey{role: appearance.Role(p.Role), expert: a.expertIDs([]string{p.Expert})[0], document: a.documents[d.Key].ID}
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, wantedAppearance{
				key: key, name: fmt.Sprintf("%s %s: %s", p.Role, p.Expert, d.Key),
				title: p.Title, titleEn: p.TitleEn, org: a.organizationRef(p.Organization), date: date,
			})
		}
	}
	return out
}

// roleOf returns the role for the named person, or nil.
func roleOf(roles []Role, name string) *Role {
	for i := range roles {
		if roles[i].Expert == name {
			return &roles[i]
		}
	}
	return nil
}

// loadAppearances reads the appearances the database has in the bundle's sessions and
// documents, by natural key: in one query for the sessions and one for the documents
// (per 15,000 of them).
func (a *applier) loadAppearances(ctx context.Context) (map[appearanceKey]*ent.Appearance, error) {
	var sessions, documents []pulid.ID
	for i := range a.b.Seminars {
		s := &a.b.Seminars[i]
		semKey := keyOf(s)
		for j := range s.Sessions {
			sessions = append(sessions, a.sessions[sessionKey{semKey, s.Sessions[j].Position}].ID)
		}
	}
	for i := range a.b.Documents {
		if len(a.b.Documents[i].Authors) > 0 || len(a.b.Documents[i].People) > 0 {
			documents = append(documents, a.documents[a.b.Documents[i].Key].ID)
		}
	}
	// By session, then by document (an appearance that names both is read once).
	rows, err := readInChunks(sessions, func(part []pulid.ID) ([]*ent.Appearance, error) {
		return a.c.Appearance.Query().Where(appearance.SessionIDIn(part...)).All(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("read appearances: %w", err)
	}
	byDocument, err := readInChunks(documents, func(part []pulid.ID) ([]*ent.Appearance, error) {
		return a.c.Appearance.Query().Where(appearance.DocumentIDIn(part...)).All(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("read appearances: %w", err)
	}
	read := make(map[pulid.ID]bool, len(rows))
	for _, ap := range rows {
		read[ap.ID] = true
	}
	for _, ap := range byDocument {
		if !read[ap.ID] {
			rows = append(rows, ap)
		}
	}
	have := make(map[appearanceKey]*ent.Appearance, len(rows))
	for _, ap := range rows {
		key := appearanceKey{role: ap.Role, expert: ap.ExpertID}
		if ap.SessionID != nil {
			key.session = *ap.SessionID
		}
		if ap.DocumentID != nil {
			key.document = *ap.DocumentID
		}
		if have[key] == nil {
			have[key] = ap
		}
	}
	return have, nil
}

// applyAppearanceDates brings in step the dates of the appearances whose seminar's or
// document's date the bundle changed, wherever they were written (applyAppearances
// dates the bundle's own). It issues nothing when the bundle changed no date.
func (a *applier) applyAppearanceDates(ctx context.Context) error {
	if len(a.redate) == 0 {
		return nil
	}
	if _, err := timeline.Refresh(ctx, a.c, appearance.Or(a.redate...)); err != nil {
		return fmt.Errorf("date appearances: %w", err)
	}
	return nil
}
