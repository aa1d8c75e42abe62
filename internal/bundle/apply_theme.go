package bundle

import (
	"context"
	"fmt"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/theme"
)

// applyThemes upserts the bundle's themes by slug. Their parents are set later
// (applyThemeParents), once every theme exists. Their sources are stored as the
// documents that discuss them (applyDocumentEdges).
func (a *applier) applyThemes(ctx context.Context) error {
	var creates []*ent.ThemeCreate
	for i := range a.b.Themes {
		t := &a.b.Themes[i]
		old := a.themes[t.Slug]
		if old == nil {
			creates = append(creates, a.c.Theme.Create().
				SetSlug(t.Slug).
				SetName(t.Name).
				SetNillableNameEn(opt(t.NameEn)).
				SetNillableDescription(opt(t.Description)))
			a.track.record(EntityTheme, t.Slug, Create)
			continue
		}
		u := a.c.Theme.UpdateOneID(old.ID)
		changed := false
		setRequired(&changed, t.Name, old.Name, u.SetName)
		setOptional(&changed, t.NameEn, old.NameEn, u.SetNameEn)
		setOptional(&changed, t.Description, old.Description, u.SetDescription)
		if err := a.save(ctx, EntityTheme, t.Slug, changed, u.Exec); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	created, err := saveInBatches(ctx, creates, len(theme.Columns), func(c *ent.ThemeCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.ThemeCreate) ([]*ent.Theme, error) {
			return a.c.Theme.CreateBulk(part...).Save(ctx)
		})
	if err != nil {
		return fmt.Errorf("create %d themes: %w", len(creates), err)
	}
	for _, t := range created {
		a.themes[t.Slug] = t
	}
	return nil
}

// applyThemeParents sets each theme's parent where the bundle gives one that differs.
func (a *applier) applyThemeParents(ctx context.Context) error {
	for i := range a.b.Themes {
		t := &a.b.Themes[i]
		if t.Parent == "" {
			continue
		}
		th := a.themes[t.Slug]
		u := a.c.Theme.UpdateOneID(th.ID)
		changed := false
		setOptional(&changed, a.themes[t.Parent].ID, th.ParentID, u.SetParentID)
		if err := a.save(ctx, EntityTheme, t.Slug, changed, u.Exec); err != nil {
			return fmt.Errorf("set parent of theme %q: %w", t.Slug, err)
		}
	}
	return nil
}
