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

// Appearance holds the schema definition for the Appearance entity: one time a person
// spoke in a session, moderated one, authored a document or had another role a document
// states (working group, analysis lead, contact person …), with the title and
// organisation the source gives the person at that time.
type Appearance struct {
	ent.Schema
}

// Mixin returns the Appearance mixins.
func (Appearance) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("ap")} }

// Fields of the Appearance.
func (Appearance) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("role").
			Values("SPEAKER", "MODERATOR", "AUTHOR", "WORKING_GROUP", "ANALYSIS_LEAD", "CONTACT", "PREPARER", "PICTURED", "MENTIONED").
			Annotations(entgql.OrderField("ROLE")).
			Comment("What the person did: spoke, moderated or led, or authored; or, in a document, was a member of its working group, led its analysis, was named as a contact person, prepared and presented it (a decision item), was named in a photo caption, or was named or quoted in its text."),
		limit(field.String("title"), MaxTitleLength).Optional().Nillable().
			Comment("The person's title in Finnish as this source gives it at that time; null when it gives none."),
		limit(field.String("title_en"), MaxTitleLength).Optional().Nillable().
			Comment("An English rendering of that title (a translation)."),
		derived(dateField("date", "When the appearance took place: the date of its session's seminar, or the publication date of its document, as precisely as the source gives it (see datePrecision); null for an author of an undated document. Derived, and kept in step when the seminar's or document's date changes.", true)),
		derived(precisionField("date_precision", "How precisely date is known: DAY, MONTH or YEAR (that of the seminar's date or the document's publishedOn); null when date is.", true)),
		idField("expert_id", "The ID of the person.", false),
		idField("organization_id", "The ID of the organisation the source gives for the person at that time.", true),
		idField("session_id", "The ID of the session, for a speaker or moderator.", true),
		idField("document_id", "The ID of the document, for an author or another role a document states.", true),
	}
}

// Edges of the Appearance.
func (Appearance) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("expert", Expert.Type).Ref("appearances").Unique().Required().Field("expert_id").
			Annotations(entgql.OrderField("EXPERT_NAME")).
			Comment("The person."),
		edge.From("organization", Organization.Type).Ref("appearances").Unique().Field("organization_id").
			Comment("The organisation the source gives for the person at that time."),
		edge.From("session", Session.Type).Ref("appearances").Unique().Field("session_id").
			Comment("The session the person spoke in or moderated."),
		edge.From("document", Document.Type).Ref("appearances").Unique().Field("document_id").
			Comment("The document the person authored, or that states the person's role."),
	}
}

// Indexes of the Appearance.
func (Appearance) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expert_id", "date"), index.Fields("session_id"), index.Fields("document_id")}
}

// Annotations of the Appearance.
func (Appearance) Annotations() []schema.Annotation {
	return append(nodeAnnotations("appearances", "Every time a person spoke, moderated, authored or had another role a source states, with the title the source gave them then."),
		schema.Comment("One time a person spoke in a session, moderated one, authored a document or had another role a document states (working group, analysis lead, contact person, preparer, named in a caption or in the text), with the title and organisation the source gives them at that time."))
}
