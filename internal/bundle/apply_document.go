package bundle

import (
	"context"
	"fmt"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
)

// applyDocuments upserts the bundle's documents by key, with their publishers. Their
// authors and themes are added later (applyDocumentEdges), once experts and themes exist.
func (a *applier) applyDocuments(ctx context.Context) error {
	var creates []*ent.DocumentCreate
	for i := range a.b.Documents {
		d := &a.b.Documents[i]
		published, precision := parseDate(d.PublishedOn)
		old := a.documents[d.Key]
		if old == nil {
			creates = append(creates, a.c.Document.Create().
				SetKey(d.Key).
				SetTitle(d.Title).
				SetKind(document.Kind(d.Kind)).
				SetNillablePublishedOn(published).
				SetNillablePublishedOnPrecision(opt(precision)).
				SetNillableURL(opt(d.URL)).
				SetNillableLanguage(opt(d.Language)).
				SetNillableNote(opt(d.Note)).
				SetNillableSummary(opt(d.Summary)).
				SetNillablePublisherID(a.organizationRef(d.Publisher)))
			a.track.record(EntityDocument, d.Key, Create)
			continue
		}
		u := a.c.Document.UpdateOneID(old.ID)
		changed := false
		setRequired(&changed, d.Title, old.Title, u.SetTitle)
		setRequired(&changed, document.Kind(d.Kind), old.Kind, u.SetKind)
		redate := false
		setDate(&redate, published, old.PublishedOn, u.SetPublishedOn)
		setOptional(&redate, precision, old.PublishedOnPrecision, u.SetPublishedOnPrecision)
		if redate {
			changed = true
			a.redate = append(a.redate, appearance.DocumentID(old.ID))
		}
		setOptional(&changed, d.URL, old.URL, u.SetURL)
		setOptional(&changed, d.Language, old.Language, u.SetLanguage)
		setOptional(&changed, d.Note, old.Note, u.SetNote)
		setOptional(&changed, d.Summary, old.Summary, u.SetSummary)
		if p := a.organizationRef(d.Publisher); p != nil {
			setOptional(&changed, *p, old.PublisherID, u.SetPublisherID)
		}
		if err := a.save(ctx, EntityDocument, d.Key, changed, u.Exec); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	created, err := saveInBatches(ctx, creates, len(document.Columns), func(c *ent.DocumentCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.DocumentCreate) ([]*ent.Document, error) {
			return a.c.Document.CreateBulk(part...).Save(ctx)
		})
	if err != nil {
		return fmt.Errorf("create %d documents: %w", len(creates), err)
	}
	for _, d := range created {
		a.documents[d.Key] = d
	}
	return nil
}

// applyDocumentEdges adds the authors and themes the database does not have yet. A
// theme's sources are documents that discuss it, so they are stored as themes of those
// documents.
func (a *applier) applyDocumentEdges(ctx context.Context) error {
	themesOf := map[string][]string{}
	var keys []string
	want := func(key string, slugs ...string) {
		if _, ok := themesOf[key]; !ok {
			keys = append(keys, key)
		}
		themesOf[key] = append(themesOf[key], slugs...)
	}
	authorsOf := map[string][]string{}
	for i := range a.b.Documents {
		d := &a.b.Documents[i]
		want(d.Key, d.Themes...)
		authorsOf[d.Key] = d.Authors
	}
	for i := range a.b.Themes {
		for _, key := range a.b.Themes[i].Sources {
			want(key, a.b.Themes[i].Slug)
		}
	}
	for _, key := range keys {
		doc := a.documents[key]
		u := a.c.Document.UpdateOneID(doc.ID)
		changed := false
		addMissing(&changed, ids(doc.Edges.Authors, expertID), a.expertIDs(authorsOf[key]), u.AddAuthorIDs)
		addMissing(&changed, ids(doc.Edges.Themes, themeID), a.themeIDs(themesOf[key]), u.AddThemeIDs)
		if err := a.save(ctx, EntityDocument, key, changed, u.Exec); err != nil {
			return err
		}
	}
	return nil
}
