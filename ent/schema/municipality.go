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

// Municipality holds the schema definition for the Municipality entity (kunta).
type Municipality struct {
	ent.Schema
}

// Mixin returns the Municipality mixins.
func (Municipality) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("mu")} }

// Fields of the Municipality.
func (Municipality) Fields() []ent.Field {
	return []ent.Field{
		limit(field.String("code"), MaxCodeLength).Unique().Validate(matches(municipalityCode, "the three-digit municipality number, such as \"535\"")).
			Annotations(entgql.OrderField("CODE")).
			Comment("The official three-digit municipality number of Statistics Finland, for example \"535\"."),
		limit(field.String("name"), MaxNameLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("NAME")).
			Comment("The Finnish name (the latest one the reference data gives)."),
		limit(field.String("name_sv"), MaxNameLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("NAME_SV")).
			Comment("The Swedish name (the latest one the reference data gives)."),
		dateField("valid_from", "The first day of the municipality's earliest period in the reference data; null when it existed before the data begins (2013).", true),
		dateField("valid_to", "The last day of the municipality, for municipalities merged into another; null while it exists.", true),
		idField("region_id", "The ID of the region the municipality belongs to today.", true),
	}
}

// Edges of the Municipality.
func (Municipality) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("region", Region.Type).Ref("municipalities").Unique().Field("region_id").
			Annotations(entgql.OrderField("REGION_NAME")).
			Comment("The region the municipality belongs to today (or belonged to last, if merged)."),
		edge.To("periods", MunicipalityPeriod.Type).
			Comment("The municipality's history in the reference data: names and region over time, oldest first."),
		connection("experts", Expert.Type, "People who represent this municipality."),
		connection("organizations", Organization.Type, "Organisations of this municipality (for example the city itself)."),
		backConnection("terms", NetworkTerm.Type, "municipalities", "Network terms the municipality took part in (see memberships for which source says so, and in what status)."),
		connection("memberships", TermMembership.Type, "The municipality's part in network terms, each as one document states it."),
		backConnection("outcomes", Outcome.Type, "municipalities", "Seminar outcomes that concern this municipality."),
		backConnection("seminars", Seminar.Type, "municipalities", "Seminars the municipality took part in or that named it."),
	}
}

// Indexes of the Municipality.
func (Municipality) Indexes() []ent.Index {
	return []ent.Index{index.Fields("name"), index.Fields("region_id")}
}

// Annotations of the Municipality.
func (Municipality) Annotations() []schema.Annotation {
	return append(nodeAnnotations("municipalities", "Finnish municipalities (kunnat), including those merged into others."),
		schema.Comment("A Finnish municipality (kunta), with its official code. Merged municipalities stay, with their end date."))
}
