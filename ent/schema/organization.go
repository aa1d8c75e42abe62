package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// Organization holds the schema definition for the Organization entity.
type Organization struct {
	ent.Schema
}

// Mixin returns the Organization mixins.
func (Organization) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("or")} }

// Fields of the Organization.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		limit(field.String("name"), MaxNameLength).Unique().NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("NAME")).
			Comment("The name, in the organisation's own language (for example \"Suomen Kuntaliitto\")."),
		limit(field.String("name_en"), MaxNameLength).Optional().Nillable().
			Comment("The English name, when there is one."),
		limit(field.String("abbreviation"), MaxNameLength).Optional().Nillable().
			Annotations(entgql.OrderField("ABBREVIATION")).
			Comment("The short name in common use (for example \"Kuntaliitto\")."),
		field.Enum("kind").
			Values("ASSOCIATION", "CONSULTANCY", "UNIVERSITY", "MUNICIPALITY", "GOVERNMENT", "OTHER").
			Annotations(entgql.OrderField("KIND")).
			Comment("What kind of organisation this is."),
		idField("municipality_id", "The ID of the municipality this organisation is, or is based in.", true),
	}
}

// Edges of the Organization.
func (Organization) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("municipality", Municipality.Type).Ref("organizations").Unique().Field("municipality_id").
			Comment("The municipality this organisation is (for kind MUNICIPALITY) or is based in."),
		connection("experts", Expert.Type, "People who work for this organisation."),
		backConnection("networks", Network.Type, "organizers", "Networks this organisation runs."),
		backConnection("seminars", Seminar.Type, "organizers", "Seminars this organisation organised."),
		connection("publications", Document.Type, "Documents this organisation published."),
		connection("appearances", Appearance.Type, "Appearances of people on behalf of this organisation."),
		sources(),
	}
}

// Annotations of the Organization.
func (Organization) Annotations() []schema.Annotation {
	return append(nodeAnnotations("organizations", "Organisations: associations, consultancies, universities, municipalities, authorities."),
		schema.Comment("An organisation: an association, a consultancy, a university, a municipality as an organisation, an authority."))
}
