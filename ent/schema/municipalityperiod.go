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

// MunicipalityPeriod holds the schema definition for the MunicipalityPeriod entity: one
// period in which a municipality's names and region stayed the same.
type MunicipalityPeriod struct {
	ent.Schema
}

// Mixin returns the MunicipalityPeriod mixins.
func (MunicipalityPeriod) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("mp")} }

// Fields of the MunicipalityPeriod.
func (MunicipalityPeriod) Fields() []ent.Field {
	return []ent.Field{
		limit(field.String("name"), MaxNameLength).NotEmpty().Validate(notBlank).Comment("The Finnish name in this period."),
		limit(field.String("name_sv"), MaxNameLength).NotEmpty().Validate(notBlank).Comment("The Swedish name in this period."),
		dateField("valid_from", "The first day of the period; null when it began before the reference data does (2013).", true),
		dateField("valid_to", "The last day of the period; null while it lasts.", true),
		idField("municipality_id", "The ID of the municipality.", false),
		idField("region_id", "The ID of the region the municipality belonged to in this period.", false),
	}
}

// Edges of the MunicipalityPeriod.
func (MunicipalityPeriod) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("municipality", Municipality.Type).Ref("periods").Unique().Required().Field("municipality_id").
			Comment("The municipality."),
		edge.From("region", Region.Type).Ref("periods").Unique().Required().Field("region_id").
			Comment("The region the municipality belonged to in this period."),
	}
}

// Indexes of the MunicipalityPeriod.
func (MunicipalityPeriod) Indexes() []ent.Index {
	return []ent.Index{index.Fields("municipality_id", "valid_from"), index.Fields("region_id")}
}

// Annotations of the MunicipalityPeriod.
func (MunicipalityPeriod) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		schema.Comment("A period in which a municipality's names and region stayed the same, from the official classification (Statistics Finland)."),
	}
}
