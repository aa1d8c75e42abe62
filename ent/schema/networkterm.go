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

// NetworkTerm holds the schema definition for the NetworkTerm entity (toimikausi).
type NetworkTerm struct {
	ent.Schema
}

// Mixin returns the NetworkTerm mixins.
func (NetworkTerm) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("nt")} }

// Fields of the NetworkTerm.
func (NetworkTerm) Fields() []ent.Field {
	return []ent.Field{
		field.Int("number").Positive().
			Annotations(entgql.OrderField("NUMBER")).
			Comment("The term's ordinal number (4 for the fourth term)."),
		yearField("start_year", "The year the term began.", false),
		yearField("end_year", "The year the term ended; null when no source states it.", true),
		field.Int("municipality_count").Optional().Nillable().NonNegative().
			Comment("The number of participating municipalities a source states; null when none does."),
		limit(field.Text("description"), MaxTextLength).Optional().Nillable().
			Comment("What the sources say of the term: its focus, and how the counts they give fit together."),
		idField("network_id", "The ID of the network.", false),
	}
}

// Edges of the NetworkTerm.
func (NetworkTerm) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("network", Network.Type).Ref("terms").Unique().Required().Field("network_id").
			Comment("The network this is a term of."),
		connection("municipalities", Municipality.Type, "The member municipalities a source names (see memberships for which source, and in what status)."),
		connection("memberships", TermMembership.Type, "Which document states which municipality's part in the term, and in what status."),
		connection("seminars", Seminar.Type, "The seminars held in this term."),
		connection("themes", Theme.Type, "The term's themes, as its sources state them."),
		sources(),
	}
}

// Indexes of the NetworkTerm.
func (NetworkTerm) Indexes() []ent.Index {
	return []ent.Index{index.Fields("network_id", "number").Unique()}
}

// Annotations of the NetworkTerm.
func (NetworkTerm) Annotations() []schema.Annotation {
	return append(nodeAnnotations("networkTerms", "Terms (toimikaudet) of the networks."),
		schema.Comment("One term (toimikausi) of a network, with its years and participants."))
}
