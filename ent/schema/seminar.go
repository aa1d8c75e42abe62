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

// Seminar holds the schema definition for the Seminar entity: one event.
type Seminar struct {
	ent.Schema
}

// Mixin returns the Seminar mixins.
func (Seminar) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("se")} }

// Fields of the Seminar.
func (Seminar) Fields() []ent.Field {
	return []ent.Field{
		limit(field.String("title"), MaxTitleLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("TITLE")).
			Comment("The seminar's title, as its source gives it."),
		dateField("date", "The day the seminar was held (or its first day of the month or year, see datePrecision).", false),
		precisionField("date_precision", "How precisely the source gives the date: DAY, MONTH or YEAR.", false),
		limit(field.String("venue"), MaxTitleLength).Optional().Nillable().
			Annotations(entgql.OrderField("VENUE")).
			Comment("Where the seminar was held; null when the source does not say."),
		field.Int("attendee_count").Optional().Nillable().NonNegative().
			Annotations(entgql.OrderField("ATTENDEE_COUNT")).
			Comment("The number of attendees the source states; null when it states none."),
		field.Bool("attendee_count_approximate").Default(false).
			Comment("True when the source gives attendeeCount as an approximation (\"nearly one hundred\")."),
		field.Int("municipality_count").Optional().Nillable().NonNegative().
			Comment("The number of participating municipalities the source states."),
		field.Bool("remote_participation").Optional().Nillable().
			Comment("Whether people took part remotely; null when the source does not say."),
		limit(field.Text("summary"), MaxTextLength).Optional().Nillable().
			Comment("An English summary of the seminar."),
		idField("term_id", "The ID of the network term the seminar belongs to.", true),
	}
}

// Edges of the Seminar.
func (Seminar) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("term", NetworkTerm.Type).Ref("seminars").Unique().Field("term_id").
			Annotations(entgql.OrderField("TERM_NUMBER")).
			Comment("The network term the seminar belongs to."),
		connection("organizers", Organization.Type, "The organisations that organised the seminar, where a source states them."),
		connection("sessions", Session.Type, "The programme, in order (ordered by position unless orderBy says otherwise)."),
		connection("outcomes", Outcome.Type, "Statements, findings and results of the seminar."),
		connection("themes", Theme.Type, "The seminar's themes."),
		connection("municipalities", Municipality.Type, "Municipalities the source names in connection with the seminar."),
		sources(),
	}
}

// Indexes of the Seminar.
func (Seminar) Indexes() []ent.Index {
	return []ent.Index{index.Fields("date"), index.Fields("title", "date").Unique(), index.Fields("term_id")}
}

// Annotations of the Seminar.
func (Seminar) Annotations() []schema.Annotation {
	return append(nodeAnnotations("seminars", "Seminars and other events."),
		schema.Comment("A seminar or other event of a network."))
}
