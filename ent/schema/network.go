package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// Network holds the schema definition for the Network entity.
type Network struct {
	ent.Schema
}

// Mixin returns the Network mixins.
func (Network) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("nw")} }

// Fields of the Network.
func (Network) Fields() []ent.Field {
	return []ent.Field{
		limit(field.String("name"), MaxNameLength).Unique().NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("NAME")).
			Comment("The network's name (for example \"USO\")."),
		limit(field.Text("description"), MaxTextLength).Optional().Nillable().
			Comment("What the network is, as its sources describe it."),
	}
}

// Edges of the Network.
func (Network) Edges() []ent.Edge {
	return []ent.Edge{
		connection("organizers", Organization.Type, "The organisations that run the network."),
		connection("terms", NetworkTerm.Type, "The network's terms (toimikaudet)."),
		sources(),
	}
}

// Annotations of the Network.
func (Network) Annotations() []schema.Annotation {
	return append(nodeAnnotations("networks", "Networks of municipalities."),
		schema.Comment("A network of municipalities that develop together, such as USO."))
}
