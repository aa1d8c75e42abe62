package bundle

import (
	"context"
	"fmt"
	"slices"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
)

// applySeminars upserts the bundle's seminars by (title, date), with their term,
// organisers, themes, municipalities and sources.
func (a *applier) applySeminars(ctx context.Context) error {
	var (
		creates []*ent.SeminarCreate
		keys    []string
	)
	for i := range a.b.Seminars {
		s := &a.b.Seminars[i]
		date, precision := parseDate(s.Date)
		key := seminarKey(s.Title, *date)
		term := a.termRef(s)
		old := a.seminars[key]
		if old == nil {
			creates = append(creates, a.c.Seminar.Create().
				SetTitle(s.Title).
				SetDate(*date).
				SetDatePrecision(precision).
				SetNillableVenue(opt(s.Venue)).
				SetNillableAttendeeCount(opt(s.AttendeeCount)).
				SetAttendeeCountApproximate(s.AttendeeCountApproximate).
				SetNillableMunicipalityCount(opt(s.MunicipalityCount)).
				SetNillableRemoteParticipation(s.RemoteParticipation).
				SetNillableSummary(opt(s.Summary)).
				SetNillableTermID(term).
				AddOrganizerIDs(dedupe(a.organizationIDs(s.Organizers))...).
				AddThemeIDs(dedupe(a.themeIDs(s.Themes))...).
				AddMunicipalityIDs(dedupe(a.municipalityIDs(s.Municipalities))...).
				AddSourceIDs(dedupe(a.documentIDs(s.Sources))...))
			keys = append(keys, key)
			a.track.record(EntitySeminar, key, Create)
			continue
		}
		u := a.c.Seminar.UpdateOneID(old.ID)
		changed := false
		if precision != old.DatePrecision {
			u.SetDatePrecision(precision)
			changed = true
			a.redate = append(a.redate, appearance.HasSessionWith(session.SeminarID(old.ID)))
		}
		setOptional(&changed, s.Venue, old.Venue, u.SetVenue)
		setOptional(&changed, s.AttendeeCount, old.AttendeeCount, u.SetAttendeeCount)
		if s.AttendeeCountApproximate && !old.AttendeeCountApproximate {
			u.SetAttendeeCountApproximate(true)
			changed = true
		}
		setOptional(&changed, s.MunicipalityCount, old.MunicipalityCount, u.SetMunicipalityCount)
		if r := s.RemoteParticipation; r != nil && (old.RemoteParticipation == nil || *old.RemoteParticipation != *r) {
			u.SetRemoteParticipation(*r)
			changed = true
		}
		setOptional(&changed, s.Summary, old.Summary, u.SetSummary)
		if term != nil {
			setOptional(&changed, *term, old.TermID, u.SetTermID)
		}
		addMissing(&changed, ids(old.Edges.Organizers, organizationID), a.organizationIDs(s.Organizers), u.AddOrganizerIDs)
		addMissing(&changed, ids(old.Edges.Themes, themeID), a.themeIDs(s.Themes), u.AddThemeIDs)
		addMissing(&changed, ids(old.Edges.Municipalities, municipalityID), a.municipalityIDs(s.Municipalities), u.AddMunicipalityIDs)
		addMissing(&changed, ids(old.Edges.Sources, documentID), a.documentIDs(s.Sources), u.AddSourceIDs)
		if err := a.save(ctx, EntitySeminar, key, changed, u.Exec); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	created, err := saveInBatches(ctx, creates, len(seminar.Columns), func(c *ent.SeminarCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.SeminarCreate) ([]*ent.Seminar, error) {
			return a.c.Seminar.CreateBulk(part...).Save(ctx)
		})
	if err != nil {
		return fmt.Errorf("create %d seminars: %w", len(creates), err)
	}
	for i, s := range created {
		a.seminars[keys[i]] = s
	}
	return nil
}

// termRef returns the ID of the network term a seminar names, or nil when it names none.
func (a *applier) termRef(s *Seminar) *pulid.ID {
	if s.Network == "" {
		return nil
	}
	return &a.terms[termKey{s.Network, s.Term}].ID
}

// keyOf returns the key of a bundle seminar (its date is validated).
func keyOf(s *Seminar) string {
	date, _ := parseDate(s.Date)
	return seminarKey(s.Title, *date)
}

// applySessions upserts the seminars' sessions by (seminar, position), with their
// speakers, moderators, themes and sources.
func (a *applier) applySessions(ctx context.Context) error {
	var (
		creates []*ent.SessionCreate
		keys    []sessionKey
	)
	for i := range a.b.Seminars {
		s := &a.b.Seminars[i]
		semKey := keyOf(s)
		for j := range s.Sessions {
			ss := &s.Sessions[j]
			key := sessionKey{semKey, ss.Position}
			name := fmt.Sprintf("%s #%d", semKey, ss.Position)
			old := a.sessions[key]
			if old == nil {
				c := a.c.Session.Create().
					SetSeminarID(a.seminars[semKey].ID).
					SetPosition(ss.Position).
					SetKind(session.Kind(ss.Kind)).
					SetTitle(ss.Title).
					SetNillableSummary(opt(ss.Summary)).
					AddSpeakerIDs(dedupe(a.expertIDs(ss.Speakers))...).
					AddModeratorIDs(dedupe(a.expertIDs(ss.Moderators))...).
					AddThemeIDs(dedupe(a.themeIDs(ss.Themes))...).
					AddSourceIDs(dedupe(a.documentIDs(ss.Sources))...)
				if len(ss.Questions) > 0 {
					c.SetQuestions(ss.Questions)
				}
				creates = append(creates, c)
				keys = append(keys, key)
				a.track.record(EntitySession, name, Create)
				continue
			}
			u := a.c.Session.UpdateOneID(old.ID)
			changed := false
			setRequired(&changed, session.Kind(ss.Kind), old.Kind, u.SetKind)
			setRequired(&changed, ss.Title, old.Title, u.SetTitle)
			setOptional(&changed, ss.Summary, old.Summary, u.SetSummary)
			if len(ss.Questions) > 0 && !slices.Equal(ss.Questions, old.Questions) {
				u.SetQuestions(ss.Questions)
				changed = true
			}
			addMissing(&changed, ids(old.Edges.Speakers, expertID), a.expertIDs(ss.Speakers), u.AddSpeakerIDs)
			addMissing(&changed, ids(old.Edges.Moderators, expertID), a.expertIDs(ss.Moderators), u.AddModeratorIDs)
			addMissing(&changed, ids(old.Edges.Themes, themeID), a.themeIDs(ss.Themes), u.AddThemeIDs)
			addMissing(&changed, ids(old.Edges.Sources, documentID), a.documentIDs(ss.Sources), u.AddSourceIDs)
			if err := a.save(ctx, EntitySession, name, changed, u.Exec); err != nil {
				return err
			}
		}
	}
	if len(creates) == 0 {
		return nil
	}
	created, err := saveInBatches(ctx, creates, len(session.Columns), func(c *ent.SessionCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.SessionCreate) ([]*ent.Session, error) {
			return a.c.Session.CreateBulk(part...).Save(ctx)
		})
	if err != nil {
		return fmt.Errorf("create %d sessions: %w", len(creates), err)
	}
	for i, ss := range created {
		a.sessions[keys[i]] = ss
	}
	return nil
}

// applyOutcomes upserts the outcomes of the seminars and of their sessions by
// (seminar, text), with their session, themes, municipalities, experts and sources.
func (a *applier) applyOutcomes(ctx context.Context) error {
	var creates []*ent.OutcomeCreate
	for i := range a.b.Seminars {
		s := &a.b.Seminars[i]
		semKey := keyOf(s)
		for j := range s.Sessions {
			ss := &s.Sessions[j]
			sessionID := a.sessions[sessionKey{semKey, ss.Position}].ID
			for k := range ss.Outcomes {
				c, err := a.upsertOutcome(ctx, semKey, &sessionID, &ss.Outcomes[k])
				if err != nil {
					return err
				}
				if c != nil {
					creates = append(creates, c)
				}
			}
		}
		for k := range s.Outcomes {
			c, err := a.upsertOutcome(ctx, semKey, nil, &s.Outcomes[k])
			if err != nil {
				return err
			}
			if c != nil {
				creates = append(creates, c)
			}
		}
	}
	if len(creates) == 0 {
		return nil
	}
	if _, err := saveInBatches(ctx, creates, len(outcome.Columns), func(c *ent.OutcomeCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.OutcomeCreate) ([]*ent.Outcome, error) {
			return nil, a.c.Outcome.CreateBulk(part...).Exec(ctx)
		}); err != nil {
		return fmt.Errorf("create %d outcomes: %w", len(creates), err)
	}
	return nil
}

// upsertOutcome updates an outcome the database has, or returns the builder that
// creates it. sessionID is nil for an outcome of the seminar as a whole.
func (a *applier) upsertOutcome(ctx context.Context, semKey string, sessionID *pulid.ID, o *Outcome) (*ent.OutcomeCreate, error) {
	name := semKey + ": " + o.Text
	old := a.outcomes[outcomeKey{semKey, o.Text}]
	if old == nil {
		a.track.record(EntityOutcome, name, Create)
		return a.c.Outcome.Create().
			SetSeminarID(a.seminars[semKey].ID).
			SetNillableSessionID(sessionID).
			SetKind(outcome.Kind(o.Kind)).
			SetText(o.Text).
			SetNillableQuote(opt(o.Quote)).
			AddThemeIDs(dedupe(a.themeIDs(o.Themes))...).
			AddMunicipalityIDs(dedupe(a.municipalityIDs(o.Municipalities))...).
			AddExpertIDs(dedupe(a.expertIDs(o.Experts))...).
			AddSourceIDs(dedupe(a.documentIDs(o.Sources))...), nil
	}
	u := a.c.Outcome.UpdateOneID(old.ID)
	changed := false
	setRequired(&changed, outcome.Kind(o.Kind), old.Kind, u.SetKind)
	setOptional(&changed, o.Quote, old.Quote, u.SetQuote)
	if sessionID != nil {
		setOptional(&changed, *sessionID, old.SessionID, u.SetSessionID)
	}
	addMissing(&changed, ids(old.Edges.Themes, themeID), a.themeIDs(o.Themes), u.AddThemeIDs)
	addMissing(&changed, ids(old.Edges.Municipalities, municipalityID), a.municipalityIDs(o.Municipalities), u.AddMunicipalityIDs)
	addMissing(&changed, ids(old.Edges.Experts, expertID), a.expertIDs(o.Experts), u.AddExpertIDs)
	addMissing(&changed, ids(old.Edges.Sources, documentID), a.documentIDs(o.Sources), u.AddSourceIDs)
	return nil, a.save(ctx, EntityOutcome, name, changed, u.Exec)
}
