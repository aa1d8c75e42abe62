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

// Outcome holds the schema definition for the Outcome entity: a statement, finding or
// result of a seminar.
type Outcome struct {
	ent.Schema
}

// Mixin returns the Outcome mixins.
func (Outcome) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("oc")} }

// Fields of the Outcome.
func (Outcome) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").
			Values("INSIGHT", "ONGOING_DEVELOPMENT", "SUPPORT_NEED", "NETWORK_ROLE", "RECOMMENDATION").
			Annotations(entgql.OrderField("KIND")).
			Comment("What kind of outcome this is: an insight, development already under way, a need for support, a role for the network, a recommendation."),
		limit(field.Text("text"), MaxTextLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("TEXT")).
			Comment("An English summary of the statement."),
		limit(field.Text("quote"), MaxTextLength).Optional().Nillable().
			Comment("The original wording (in Finnish), when the source has one."),
		idField("seminar_id", "The ID of the seminar.", false),
		idField("session_id", "The ID of the session, if the outcome belongs to one.", true),
	}
}

// Edges of the Outcome.
func (Outcome) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("seminar", Seminar.Type).Ref("outcomes").Unique().Required().Field("seminar_id").
			Annotations(entgql.OrderField("SEMINAR_DATE")).
			Comment("The seminar the outcome came from."),
		edge.From("session", Session.Type).Ref("outcomes").Unique().Field("session_id").
			Annotations(entgql.OrderField("SESSION_POSITION")).
			Comment("The session the outcome came from, if any."),
		connection("themes", Theme.Type, "The outcome's themes."),
		connection("municipalities", Municipality.Type, "Municipalities the outcome concerns."),
		connection("experts", Expert.Type, "The people the statement is attributed to."),
		sources(),
	}
}

// Indexes of the Outcome.
func (Outcome) Indexes() []ent.Index {
	return []ent.Index{index.Fields("seminar_id"), index.Fields("session_id"), index.Fields("kind")}
}

// Annotations of the Outcome.
func (Outcome) Annotations() []schema.Annotation {
	return append(nodeAnnotations("outcomes", "Statements, findings and results of seminars."),
		schema.Comment("A statement, finding or result of a seminar, with the sources it is taken from."))
}
