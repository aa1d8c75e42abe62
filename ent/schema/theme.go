package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// Theme holds the schema definition for the Theme entity.
type Theme struct {
	ent.Schema
}

// Mixin returns the Theme mixins.
func (Theme) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("th")} }

// Fields of the Theme.
func (Theme) Fields() []ent.Field {
	return []ent.Field{
		limit(field.String("slug"), MaxSlugLength).Unique().Validate(matches(slugFormat, slugRule)).MaxLen(MaxSlugLength).
			Annotations(entgql.OrderField("SLUG")).
			Comment("The theme's stable natural key: lower-case ASCII words joined by hyphens."),
		limit(field.String("name"), MaxNameLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("NAME")).
			Comment("The Finnish name."),
		limit(field.String("name_en"), MaxNameLength).Optional().Nillable().
			Annotations(entgql.OrderField("NAME_EN")).
			Comment("The English name (a translation)."),
		limit(field.Text("description"), MaxTextLength).Optional().Nillable().
			Comment("What the theme covers, in English."),
		idField("parent_id", "The ID of the broader theme this one is part of.", true),
	}
}

// Edges of the Theme.
func (Theme) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Theme.Type).
			Annotations(entgql.RelayConnection()).
			Comment("Narrower themes that are part of this one.").
			From("parent").Unique().Field("parent_id").
			Comment("The broader theme this one is part of."),
		backConnection("sessions", Session.Type, "themes", "Sessions on this theme."),
		backConnection("outcomes", Outcome.Type, "themes", "Outcomes on this theme."),
		backConnection("seminars", Seminar.Type, "themes", "Seminars on this theme."),
		backConnection("experts", Expert.Type, "themes", "People with expertise in this theme."),
		backConnection("documents", Document.Type, "themes", "Documents that discuss this theme."),
		backConnection("terms", NetworkTerm.Type, "themes", "Network terms that had this theme."),
	}
}

// Indexes of the Theme.
func (Theme) Indexes() []ent.Index {
	return []ent.Index{index.Fields("parent_id"), index.Fields("name")}
}

// Annotations of the Theme.
func (Theme) Annotations() []schema.Annotation {
	return append(nodeAnnotations("themes", "Development themes and concepts."),
		schema.Comment("A development theme or concept, in a hierarchy of broader and narrower themes."))
}
