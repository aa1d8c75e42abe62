package bundle

import (
	"context"
	"fmt"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/organization"
)

// applyOrganizations upserts the bundle's organisations by name. Their sources are
// added later (applyOrganizationSources), once the documents exist.
func (a *applier) applyOrganizations(ctx context.Context) error {
	var creates []*ent.OrganizationCreate
	for i := range a.b.Organizations {
		o := &a.b.Organizations[i]
		old := a.organizations[o.Name]
		if old == nil {
			creates = append(creates, a.c.Organization.Create().
				SetName(o.Name).
				SetKind(organization.Kind(o.Kind)).
				SetNillableNameEn(opt(o.NameEn)).
				SetNillableAbbreviation(opt(o.Abbreviation)).
				SetNillableMunicipalityID(a.municipalityRef(o.Municipality)))
			a.track.record(EntityOrganization, o.Name, Create)
			continue
		}
		u := a.c.Organization.UpdateOneID(old.ID)
		changed := false
		setRequired(&changed, organization.Kind(o.Kind), old.Kind, u.SetKind)
		setOptional(&changed, o.NameEn, old.NameEn, u.SetNameEn)
		setOptional(&changed, o.Abbreviation, old.Abbreviation, u.SetAbbreviation)
		if m := a.municipalityRef(o.Municipality); m != nil {
			setOptional(&changed, *m, old.MunicipalityID, u.SetMunicipalityID)
		}
		if err := a.save(ctx, EntityOrganization, o.Name, changed, u.Exec); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	created, err := saveInBatches(ctx, creates, len(organization.Columns), func(c *ent.OrganizationCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.OrganizationCreate) ([]*ent.Organization, error) {
			return a.c.Organization.CreateBulk(part...).Save(ctx)
		})
	if err != nil {
		return fmt.Errorf("create %d organizations: %w", len(creates), err)
	}
	for _, o := range created {
		a.organizations[o.Name] = o
	}
	return nil
}

// applyOrganizationSources adds the sources the database does not have yet.
func (a *applier) applyOrganizationSources(ctx context.Context) error {
	for i := range a.b.Organizations {
		o := &a.b.Organizations[i]
		org := a.organizations[o.Name]
		u := a.c.Organization.UpdateOneID(org.ID)
		changed := false
		addMissing(&changed, ids(org.Edges.Sources, documentID), a.documentIDs(o.Sources), u.AddSourceIDs)
		if err := a.save(ctx, EntityOrganization, o.Name, changed, u.Exec); err != nil {
			return fmt.Errorf("add sources of organization %q: %w", o.Name, err)
		}
	}
	return nil
}
