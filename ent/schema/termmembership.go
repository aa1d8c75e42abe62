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

// TermMembership holds the schema definition for the TermMembership entity: that one
// document states a municipality's part in one network term, and in what status.
type TermMembership struct {
	ent.Schema
}

// Mixin returns the TermMembership mixins.
func (TermMembership) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("tm")} }

// Fields of the TermMembership.
func (TermMembership) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("status").
			Values("MEMBER", "REGISTERED", "PILOT").
			Annotations(entgql.OrderField("STATUS")).
			Comment("What the document says of the municipality: a member of the term, registered for it, or a pilot municipality."),
		idField("term_id", "The ID of the network term.", false),
		idField("municipality_id", "The ID of the municipality.", false),
		idField("source_id", "The ID of the document that states the membership.", false),
	}
}

// Edges of the TermMembership.
func (TermMembership) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("term", NetworkTerm.Type).Ref("memberships").Unique().Required().Field("term_id").
			Annotations(entgql.OrderField("TERM_NUMBER")).
			Comment("The network term."),
		edge.From("municipality", Municipality.Type).Ref("memberships").Unique().Required().Field("municipality_id").
			Annotations(entgql.OrderField("MUNICIPALITY_NAME")).
			Comment("The municipality."),
		edge.From("source", Document.Type).Ref("stated_memberships").Unique().Required().Field("source_id").
			Annotations(entgql.OrderField("SOURCE_KEY")).
			Comment("The document that states the membership."),
	}
}

// Indexes of the TermMembership.
func (TermMembership) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("term_id", "municipality_id", "source_id").Unique(),
		index.Fields("municipality_id"), index.Fields("source_id"),
	}
}

// Annotations of the TermMembership.
func (TermMembership) Annotations() []schema.Annotation {
	return append(nodeAnnotations("termMemberships", "Which document states which municipality's part in which network term, and in what status."),
		schema.Comment("That one document states a municipality's part in a network term, and in what status (member, registered, pilot): the provenance of NetworkTerm.municipalities."))
}
