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

// Session holds the schema definition for the Session entity: an agenda item of a seminar.
type Session struct {
	ent.Schema
}

// Mixin returns the Session mixins.
func (Session) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("ss")} }

// Fields of the Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").
			Values("OPENING", "PRESENTATION", "KEYNOTE", "PANEL", "WORKSHOP", "REVIEW", "CLOSING").
			Annotations(entgql.OrderField("KIND")).
			Comment("What kind of agenda item this is."),
		field.Int("position").Positive().
			Annotations(entgql.OrderField("POSITION")).
			Comment("The item's place in the programme, from 1."),
		limit(field.String("title"), MaxTitleLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("TITLE")).
			Comment("The item's title."),
		limit(field.Text("summary"), MaxTextLength).Optional().Nillable().
			Comment("An English summary of the item."),
		field.Strings("questions").Optional().Annotations(eachAtMost(MaxTitleLength)).
			Comment("The questions a workshop or panel worked on, in the source's wording."),
		idField("seminar_id", "The ID of the seminar.", false),
	}
}

// Edges of the Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("seminar", Seminar.Type).Ref("sessions").Unique().Required().Field("seminar_id").
			Annotations(entgql.OrderField("SEMINAR_DATE")).
			Comment("The seminar this item is part of."),
		connection("speakers", Expert.Type, "The people who spoke."),
		connection("moderators", Expert.Type, "The people who moderated or led the item."),
		connection("themes", Theme.Type, "The item's themes."),
		connection("outcomes", Outcome.Type, "What was said or found in this item."),
		connection("appearances", Appearance.Type, "The speakers' and moderators' appearances, with the titles the source gives them."),
		sources(),
	}
}

// Indexes of the Session.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("seminar_id", "position").Unique()}
}

// Annotations of the Session.
func (Session) Annotations() []schema.Annotation {
	return append(nodeAnnotations("sessions", "Agenda items of seminars."),
		schema.Comment("An agenda item of a seminar: an opening, a talk, a panel, a workshop, a review."))
}
