package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// Region holds the schema definition for the Region entity: a Finnish region (maakunta).
type Region struct {
	ent.Schema
}

// Mixin returns the Region mixins.
func (Region) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("rg")} }

// Fields of the Region.
func (Region) Fields() []ent.Field {
	return []ent.Field{
		limit(field.String("code"), MaxCodeLength).Unique().Validate(matches(regionCode, "the two-digit region code, such as \"17\"")).
			Annotations(entgql.OrderField("CODE")).
			Comment("The official two-digit region code of Statistics Finland, for example \"17\"."),
		limit(field.String("name"), MaxNameLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("NAME")).
			Comment("The Finnish name, for example \"Pohjois-Pohjanmaa\"."),
		limit(field.String("name_sv"), MaxNameLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("NAME_SV")).
			Comment("The Swedish name, for example \"Norra Österbotten\"."),
	}
}

// Edges of the Region.
func (Region) Edges() []ent.Edge {
	return []ent.Edge{
		connection("municipalities", Municipality.Type, "The municipalities that belong to this region today."),
		edge.To("periods", MunicipalityPeriod.Type).
			Comment("Every period in which a municipality belonged to this region, past and present."),
	}
}

// Annotations of the Region.
func (Region) Annotations() []schema.Annotation {
	return append(nodeAnnotations("regions", "Finnish regions (maakunnat)."),
		schema.Comment("A Finnish region (maakunta), with its official code."))
}
