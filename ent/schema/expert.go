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

// Expert holds the schema definition for the Expert entity: a person.
type Expert struct {
	ent.Schema
}

// Mixin returns the Expert mixins.
func (Expert) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("ex")} }

// Fields of the Expert.
func (Expert) Fields() []ent.Field {
	return []ent.Field{
		limit(field.String("name"), MaxNameLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("NAME")).
			Comment("The person's full name."),
		limit(field.String("title"), MaxTitleLength).Optional().Nillable().
			Annotations(entgql.OrderField("TITLE")).
			Comment("The person's title in Finnish, as the latest source gives it; null when no source gives one."),
		limit(field.String("title_en"), MaxTitleLength).Optional().Nillable().
			Comment("An English rendering of the title (a translation, not an official title)."),
		dateField("title_as_of", "The date of the latest source the title is from, as precisely as that source is dated (see titleAsOfPrecision); a title from an older source does not replace it.", true),
		precisionField("title_as_of_precision", "How precisely titleAsOf is known: DAY, MONTH or YEAR (a year-only source gives YEAR, and titleAsOf is then 1 January of that year); null when titleAsOf is.", true),
		limit(field.Text("note"), MaxTextLength).Optional().Nillable().
			Comment("What the sources leave uncertain about this person (for example a corrected spelling)."),
		idField("organization_id", "The ID of the organisation the person represents.", true),
		idField("municipality_id", "The ID of the municipality the person represents.", true),
	}
}

// Edges of the Expert.
func (Expert) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organization", Organization.Type).Ref("experts").Unique().Field("organization_id").
			Annotations(entgql.OrderField("ORGANIZATION_NAME")).
			Comment("The organisation the person represents; null when no source states it."),
		edge.From("municipality", Municipality.Type).Ref("experts").Unique().Field("municipality_id").
			Comment("The municipality the person represents, if any."),
		backConnection("sessions", Session.Type, "speakers", "Sessions the person spoke in."),
		backConnection("moderated_sessions", Session.Type, "moderators", "Sessions the person moderated or led."),
		backConnection("outcomes", Outcome.Type, "experts", "Outcomes attributed to the person."),
		backConnection("documents", Document.Type, "authors", "Documents the person authored."),
		connection("themes", Theme.Type, "Themes the person has expertise in, as sources state it."),
		connection("appearances", Appearance.Type, "Every time the person spoke, moderated or authored, with the title the source gave them then and its date: orderBy DATE lists them in time order."),
		sources(),
	}
}

// Indexes of the Expert.
func (Expert) Indexes() []ent.Index {
	return []ent.Index{index.Fields("name", "organization_id"), index.Fields("organization_id"), index.Fields("municipality_id")}
}

// Annotations of the Expert.
func (Expert) Annotations() []schema.Annotation {
	return append(nodeAnnotations("experts", "People: speakers, moderators, authors."),
		schema.Comment("A person who speaks to municipal development: a speaker, a moderator, an author."))
}
