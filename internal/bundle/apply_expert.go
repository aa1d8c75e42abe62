package bundle

import (
	"context"
	"fmt"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
)

// applyExperts upserts the bundle's experts (matched to database experts by resolve),
// with their organisation, municipality, themes and sources. The title fields (title,
// English title, organisation, municipality) follow the AsOf rule: see titleFieldsApply.
func (a *applier) applyExperts(ctx context.Context) error {
	var creates []*ent.ExpertCreate
	for i := range a.b.Experts {
		e := &a.b.Experts[i]
		org := a.organizationRef(e.Organization)
		muni := a.municipalityRef(e.Municipality)
		asOf, asOfPrecision := parseDate(e.AsOf)
		old := a.experts[e.Name]
		if old == nil {
			creates = append(creates, a.c.Expert.Create().
				SetName(e.Name).
				SetNillableTitle(opt(e.Title)).
				SetNillableTitleEn(opt(e.TitleEn)).
				SetNillableTitleAsOf(titleAsOf(e, asOf)).
				SetNillableTitleAsOfPrecision(titleAsOfPrecision(e, asOf, asOfPrecision)).
				SetNillableNote(opt(e.Note)).
				SetNillableOrganizationID(org).
				SetNillableMunicipalityID(muni).
				AddThemeIDs(dedupe(a.themeIDs(e.Themes))...).
				AddSourceIDs(dedupe(a.documentIDs(e.Sources))...))
			a.track.record(EntityExpert, e.Name, Create)
			continue
		}
		u := a.c.Expert.UpdateOneID(old.ID)
		changed := false
		if titleFieldsApply(asOf, old.TitleAsOf) {
			setOptional(&changed, e.Title, old.Title, u.SetTitle)
			setOptional(&changed, e.TitleEn, old.TitleEn, u.SetTitleEn)
			setDate(&changed, titleAsOf(e, asOf), old.TitleAsOf, u.SetTitleAsOf)
			if p := titleAsOfPrecision(e, asOf, asOfPrecision); p != nil {
				setOptional(&changed, *p, old.TitleAsOfPrecision, u.SetTitleAsOfPrecision)
			}
			if org != nil {
				setOptional(&changed, *org, old.OrganizationID, u.SetOrganizationID)
			}
			if muni != nil {
				setOptional(&changed, *muni, old.MunicipalityID, u.SetMunicipalityID)
			}
		}
		setOptional(&changed, e.Note, old.Note, u.SetNote)
		addMissing(&changed, ids(old.Edges.Themes, themeID), a.themeIDs(e.Themes), u.AddThemeIDs)
		addMissing(&changed, ids(old.Edges.Sources, documentID), a.documentIDs(e.Sources), u.AddSourceIDs)
		if err := a.save(ctx, EntityExpert, e.Name, changed, u.Exec); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	created, err := saveInBatches(ctx, creates, len(expert.Columns), func(c *ent.ExpertCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.ExpertCreate) ([]*ent.Expert, error) {
			return a.c.Expert.CreateBulk(part...).Save(ctx)
		})
	if err != nil {
		return fmt.Errorf("create %d experts: %w", len(creates), err)
	}
	for _, e := range created {
		a.experts[e.Name] = e
	}
	return nil
}

// titleFieldsApply reports whether an entry dated asOf (nil when it has no AsOf) may set
// a person's title fields, given the date of the person's stored title (nil when none):
// always while the person has no dated title; otherwise only when the entry is dated and
// not older. An imprecise date counts as its first day.
func titleFieldsApply(asOf, stored *time.Time) bool {
	switch {
	case stored == nil:
		return true
	case asOf == nil:
		return false
	}
	return !calendar.Normalize(*asOf).Before(calendar.Normalize(*stored))
}

// titleAsOfPrecision is the precision of the titleAsOf an entry gives a person.
func titleAsOfPrecision(e *Expert, asOf *time.Time, p calendar.Precision) *calendar.Precision {
	if titleAsOf(e, asOf) == nil {
		return nil
	}
	return &p
}

// titleAsOf is the titleAsOf an entry gives a person: its AsOf, when it gives a title.
func titleAsOf(e *Expert, asOf *time.Time) *time.Time {
	if e.Title == "" {
		return nil
	}
	return asOf
}
