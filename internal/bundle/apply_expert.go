package bundle

import (
	"context"
	"fmt"

	"github.com/teemaverkko/teemaverkko/ent"
)

// applyExperts upserts the bundle's experts (matched to database experts by resolve),
// with their organisation, municipality, themes and sources.
func (a *applier) applyExperts(ctx context.Context) error {
	var creates []*ent.ExpertCreate
	for i := range a.b.Experts {
		e := &a.b.Experts[i]
		org := a.organizationRef(e.Organization)
		muni := a.municipalityRef(e.Municipality)
		old := a.experts[e.Name]
		if old == nil {
			creates = append(creates, a.c.Expert.Create().
				SetName(e.Name).
				SetNillableTitle(opt(e.Title)).
				SetNillableTitleEn(opt(e.TitleEn)).
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
		setOptional(&changed, e.Title, old.Title, u.SetTitle)
		setOptional(&changed, e.TitleEn, old.TitleEn, u.SetTitleEn)
		setOptional(&changed, e.Note, old.Note, u.SetNote)
		if org != nil {
			setOptional(&changed, *org, old.OrganizationID, u.SetOrganizationID)
		}
		if muni != nil {
			setOptional(&changed, *muni, old.MunicipalityID, u.SetMunicipalityID)
		}
		addMissing(&changed, ids(old.Edges.Themes, themeID), a.themeIDs(e.Themes), u.AddThemeIDs)
		addMissing(&changed, ids(old.Edges.Sources, documentID), a.documentIDs(e.Sources), u.AddSourceIDs)
		if err := a.save(ctx, EntityExpert, e.Name, changed, u.Exec); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	created, err := a.c.Expert.CreateBulk(creates...).Save(ctx)
	if err != nil {
		return fmt.Errorf("create %d experts: %w", len(creates), err)
	}
	for _, e := range created {
		a.experts[e.Name] = e
	}
	return nil
}
