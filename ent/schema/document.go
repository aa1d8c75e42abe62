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

// Document holds the schema definition for the Document entity: a source.
type Document struct {
	ent.Schema
}

// Mixin returns the Document mixins.
func (Document) Mixin() []ent.Mixin { return []ent.Mixin{pulid.MixinWithPrefix("dc")} }

// Fields of the Document.
func (Document) Fields() []ent.Field {
	return []ent.Field{
		limit(field.String("key"), MaxKeyLength).Unique().Validate(matches(slugFormat, slugRule)).MaxLen(MaxKeyLength).
			Annotations(entgql.OrderField("KEY")).
			Comment("The document's stable natural key, used by bundles to cite it."),
		limit(field.String("title"), MaxTitleLength).NotEmpty().Validate(notBlank).
			Annotations(entgql.OrderField("TITLE")).
			Comment("The title; a descriptive title when the source gives none (see note)."),
		field.Enum("kind").
			Values("NEWS_ARTICLE", "RESEARCH_REPORT", "PRESENTATION", "MEMO", "WEB_PAGE", "OTHER").
			Annotations(entgql.OrderField("KIND")).
			Comment("What kind of document this is."),
		dateField("published_on", "When the document was published, as precisely as known (see publishedOnPrecision); null when unknown.", true),
		precisionField("published_on_precision", "How precisely publishedOn is known: DAY, MONTH or YEAR.", true),
		limit(field.String("url"), MaxURLLength).Validate(checkURL).Optional().Nillable().Unique().
			Comment("The public address of the document: an absolute http or https URL, in ASCII (other characters percent-encoded)."),
		limit(field.String("language"), MaxCodeLength).Optional().Nillable().Validate(matches(languageCode, "a two-letter ISO 639-1 language code in lower case, such as \"fi\"")).
			Annotations(entgql.OrderField("LANGUAGE")).
			Comment("The document's language, as an ISO 639-1 code (fi, sv, en)."),
		limit(field.Text("note"), MaxTextLength).Optional().Nillable().
			Comment("What the knowledge base must not overstate about this document."),
		limit(field.Text("summary"), MaxTextLength).Optional().Nillable().
			Comment("An English summary of what the document states that has no other place in the knowledge base (working formats, counts, findings), with the original Finnish wording quoted."),
		idField("publisher_id", "The ID of the publishing organisation.", true),
	}
}

// Edges of the Document.
func (Document) Edges() []ent.Edge {
	return []ent.Edge{
		connection("authors", Expert.Type, "The people who wrote the document."),
		edge.From("publisher", Organization.Type).Ref("publications").Unique().Field("publisher_id").
			Comment("The organisation that published the document."),
		connection("themes", Theme.Type, "Themes the document discusses."),
		connection("appearances", Appearance.Type, "The appearances the document states (its authors and the other roles it names), with the titles it gives them."),
		backConnection("cited_by_seminars", Seminar.Type, "sources", "Seminars whose facts this document is a source of."),
		backConnection("cited_by_sessions", Session.Type, "sources", "Sessions whose facts this document is a source of."),
		backConnection("cited_by_outcomes", Outcome.Type, "sources", "Outcomes this document is a source of."),
		backConnection("cited_by_experts", Expert.Type, "sources", "People whose facts this document is a source of."),
		backConnection("cited_by_networks", Network.Type, "sources", "Networks whose facts this document is a source of."),
		connection("stated_memberships", TermMembership.Type, "The municipalities' parts in network terms this document states."),
		backConnection("cited_by_terms", NetworkTerm.Type, "sources", "Network terms whose facts this document is a source of."),
		backConnection("cited_by_organizations", Organization.Type, "sources", "Organisations whose facts this document is a source of."),
	}
}

// Indexes of the Document.
func (Document) Indexes() []ent.Index {
	return []ent.Index{index.Fields("publisher_id"), index.Fields("published_on")}
}

// Annotations of the Document.
func (Document) Annotations() []schema.Annotation {
	return append(nodeAnnotations("documents", "Source documents: articles, reports, web pages."),
		schema.Comment("A source document: a news article, a research report, a web page. Every fact in the knowledge base cites one."))
}
