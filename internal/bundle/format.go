// Package bundle defines the JSON bundle format in which knowledge is imported into and
// exported from Teemaverkko, and applies bundles to the database as idempotent upserts.
//
// A bundle refers to things by natural keys: a municipality by its three-digit code, a
// region by its two-digit code, a theme by its slug, an organisation by its name, a
// document by its key, an expert by its name (unique within a bundle; resolved against the
// bundle's own experts first, then the database). Applying the same bundle twice changes
// nothing the second time.
//
// # Reading
//
// Decode reads a bundle strictly (no unknown fields, exact field names, the right JSON
// types, the right format name and version) and validates it (see Bundle.Validate).
// Every problem found is returned at once, as ValidationErrors with JSON paths such as
// "seminars[0].sessions[2].outcomes[1].sources".
//
// # Applying
//
// Apply writes a bundle in one transaction, in this order, each entity matched by its
// natural key: organisations (name), documents (key), themes (slug), experts (name, and
// organisation when given), networks (name) with their terms (network and number),
// seminars (title and date) with their sessions (seminar and position) and outcomes
// (seminar and text), and appearances (role, person, and session or document). Before it
// writes anything it reads, once per table, the rows the bundle defines or refers to, and
// checks that every reference resolves: to an entity the bundle defines, or else to one
// in the database. Municipalities must already be in the database (refdata.Load puts them
// there). Unresolved references are all returned together, as ValidationErrors with their
// paths; any error rolls the transaction back.
//
// The upsert rules:
//
//   - An entity the database lacks is created.
//   - A field the bundle gives overwrites the database's value when the two differ. A field
//     the bundle omits or leaves empty (an empty string, 0, false, an empty list) leaves the
//     database's value alone: a bundle can add and correct, never clear. (A seminar's
//     remoteParticipation can be set to false, since the format tells false from omitted;
//     attendeeCountApproximate cannot.)
//   - A single-valued edge (a document's publisher, an expert's organisation or
//     municipality, an organisation's municipality, a theme's parent, a seminar's term, an
//     outcome's session) is treated like a field: set when the bundle gives one that
//     differs.
//   - A many-valued edge (authors, themes, sources, speakers, municipalities …) is added
//     when missing and never removed.
//   - Nothing is deleted.
//
// Apply compares before it writes and writes only differences, so applying a bundle the
// database already holds executes no INSERT, UPDATE or DELETE at all.
//
// An expert of the bundle is the database expert of the same name and organisation;
// failing that, when the bundle gives an organisation, the single database expert of that
// name without one, or else the single database expert of that name in another
// organisation (one person's organisation changes over the years); when it gives none,
// the single database expert of that name. Otherwise it is created; more than one
// candidate in the same organisation, or without one, is an error. An expert named only
// in a reference (an author, a speaker …) is the bundle's expert of that name, else the
// single database expert of that name, else an error.
//
// # Titles over time
//
// A person's title changes over the years, so an expert entry says when its source gave
// the title: AsOf. The person's title, English title, organisation and municipality (the
// "title fields") are the latest source's:
//
//   - An entry with AsOf that is not older than the person's stored titleAsOf (or any
//     entry, while the person has no titleAsOf) sets the title fields it gives, like any
//     field; an entry with a Title and an AsOf also sets titleAsOf, with the precision
//     AsOf is written in (titleAsOfPrecision: "2017" is YEAR, and exports as "2017"). An
//     imprecise date counts as its first day: "2017" is older than "2017-03-14".
//   - An entry older than titleAsOf, or without AsOf once the person has a titleAsOf,
//     leaves the title fields alone. So bundles can be applied in any order, and the
//     newest title stays on the person.
//
// # Appearances
//
// Every speaker and moderator of a session and every author of a document gets one
// Appearance per (role, person, session or document): SPEAKER, MODERATOR or AUTHOR; so
// does every person a document names in another role (its People: WORKING_GROUP,
// ANALYSIS_LEAD, CONTACT, PREPARER, PICTURED, MENTIONED), recording exactly what the
// Person entry gives. A speaker's, moderator's or author's appearance records the
// title, English title and organisation that this bundle gives the person: those of the
// bundle's Role for the person in that session or document when there is
// one, else those of the bundle's entry for the person, else none (a person the bundle
// only names, defined by another bundle, appears without a title). Like other fields, a
// recorded value the bundle gives differently is updated, and one it leaves empty is
// kept. An appearance also records its date and precision: its seminar's date, or its
// document's publishedOn (none while the document is undated). A bundle that changes a
// document's publishedOn or a seminar's date precision moves the dates of every
// appearance there, also those other bundles wrote. The speakers, moderators and authors edges stay as they are, plain lists of
// people; appearances are the detailed record.
//
// The sources of an organisation become its sources; the sources of a theme become the
// documents that discuss it (the document's themes).
package bundle

// FormatName is the value of Bundle.Format.
const FormatName = "teemaverkko-bundle"

// FormatVersion is the bundle format version this package reads and writes.
const FormatVersion = 1

// Bundle is one file of knowledge: documents, organisations, people, themes, networks
// with their terms, and seminars with their sessions and outcomes.
type Bundle struct {
	Format        string         `json:"format" jsonschema:"enum=teemaverkko-bundle" ent:"-"`
	Version       int            `json:"version" jsonschema:"enum=1"`
	Description   string         `json:"description,omitempty" ent:"-"`
	Documents     []Document     `json:"documents,omitempty"`
	Organizations []Organization `json:"organizations,omitempty"`
	Experts       []Expert       `json:"experts,omitempty"`
	Themes        []Theme        `json:"themes,omitempty"`
	Networks      []Network      `json:"networks,omitempty"`
	Seminars      []Seminar      `json:"seminars,omitempty"`
}

// Document is a source: an article, report, web page or other publication.
// Key is its natural key: stable, lower-case, words joined by hyphens
// (for example "kuntaliitto-2017-uso-kickoff"). Other entries cite it by that key.
type Document struct {
	Key   string `json:"key" jsonschema:"pattern=^[a-z0-9]+(-[a-z0-9]+)*$" ent:"Document.key"`
	Title string `json:"title" ent:"Document.title"`
	// Kind is NEWS_ARTICLE, RESEARCH_REPORT, PRESENTATION, MEMO, WEB_PAGE or OTHER.
	Kind string `json:"kind" jsonschema:"enum=NEWS_ARTICLE,enum=RESEARCH_REPORT,enum=PRESENTATION,enum=MEMO,enum=WEB_PAGE,enum=OTHER" ent:"-"`
	// PublishedOn is YYYY-MM-DD, YYYY-MM or YYYY: only as precise as the source says.
	PublishedOn string `json:"publishedOn,omitempty" jsonschema:"pattern=^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" ent:"-"`
	URL         string `json:"url,omitempty" ent:"Document.url"`
	// Language is an ISO 639-1 code: fi, sv, en.
	Language string `json:"language,omitempty" ent:"Document.language"`
	// Note says what the knowledge base must not overstate about this document
	// (for example that its title is descriptive because the source gives none).
	Note string `json:"note,omitempty" ent:"Document.note"`
	// Summary says, in English, what the document states that has no other place in the
	// knowledge base (working formats, counts, findings), quoting the original wording.
	Summary string `json:"summary,omitempty" ent:"Document.summary"`
	// Authors are expert names.
	Authors []string `json:"authors,omitempty" ent:"Expert.name"`
	// Publisher is an organisation name.
	Publisher string `json:"publisher,omitempty" ent:"Organization.name"`
	// Themes are theme slugs the document discusses.
	Themes []string `json:"themes,omitempty" ent:"Theme.slug"`
	// Roles override, for some of the authors, the title and organisation their
	// appearance as an author records (see Role).
	Roles []Role `json:"roles,omitempty"`
	// People are the people the document names in a role other than author, each with
	// the title and organisation it gives them there (see Person).
	People []Person `json:"people,omitempty"`
}

// Person is one person a document names in a role other than author: a member of its
// working group, the lead of its analysis, a contact person, the preparer of a decision
// item, a person named in a photo caption, or a person named or quoted in its text. It
// becomes an Appearance of the document with that role, recording exactly the title,
// English title and organisation given here (a field left empty means the document gives
// none there); the person's own title fields follow the bundle's entry for them.
type Person struct {
	// Expert is the person's name.
	Expert string `json:"expert" ent:"Expert.name"`
	// Role is WORKING_GROUP, ANALYSIS_LEAD, CONTACT, PREPARER, PICTURED or MENTIONED.
	Role string `json:"role" jsonschema:"enum=WORKING_GROUP,enum=ANALYSIS_LEAD,enum=CONTACT,enum=PREPARER,enum=PICTURED,enum=MENTIONED" ent:"-"`
	// Title is the person's title in Finnish as the document gives it there.
	Title   string `json:"title,omitempty" ent:"Appearance.title"`
	TitleEn string `json:"titleEn,omitempty" ent:"Appearance.title_en"`
	// Organization is the name of the organisation the document gives for the person.
	Organization string `json:"organization,omitempty" ent:"Organization.name"`
}

// Organization is an association, company, university, municipality or authority.
type Organization struct {
	Name         string `json:"name" ent:"Organization.name"`
	NameEn       string `json:"nameEn,omitempty" ent:"Organization.name_en"`
	Abbreviation string `json:"abbreviation,omitempty" ent:"Organization.abbreviation"`
	// Kind is ASSOCIATION, CONSULTANCY, UNIVERSITY, MUNICIPALITY, GOVERNMENT or OTHER.
	Kind string `json:"kind" jsonschema:"enum=ASSOCIATION,enum=CONSULTANCY,enum=UNIVERSITY,enum=MUNICIPALITY,enum=GOVERNMENT,enum=OTHER" ent:"-"`
	// Municipality is the three-digit code of the municipality this organisation is
	// (for kind MUNICIPALITY) or is based in.
	Municipality string `json:"municipality,omitempty" jsonschema:"pattern=^[0-9]{3}$" ent:"Municipality.code"`
	// Sources are keys of the documents the organisation's facts are taken from.
	Sources []string `json:"sources,omitempty" ent:"Document.key"`
}

// Expert is a person. Name is unique within a bundle.
//
// Title, TitleEn, Organization and Municipality are what this bundle's source says of the
// person at the time of AsOf. They become the person's own only when no newer source has
// given the person a title (see the package documentation); each of the person's
// appearances in this bundle (as a speaker, moderator or author) records them as they
// are here, unless a Role overrides them.
type Expert struct {
	Name string `json:"name" ent:"Expert.name"`
	// Title is the person's title in Finnish as this bundle's source gives it.
	Title   string `json:"title,omitempty" ent:"Expert.title"`
	TitleEn string `json:"titleEn,omitempty" ent:"Expert.title_en"`
	// Organization is an organisation name.
	Organization string `json:"organization,omitempty" ent:"Organization.name"`
	// Municipality is a three-digit municipality code.
	Municipality string `json:"municipality,omitempty" jsonschema:"pattern=^[0-9]{3}$" ent:"Municipality.code"`
	// AsOf is the date of the source that Title, TitleEn, Organization and Municipality
	// come from: YYYY-MM-DD, YYYY-MM or YYYY, only as precise as the source is dated.
	AsOf string `json:"asOf,omitempty" jsonschema:"pattern=^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" ent:"-"`
	// Themes are slugs of the themes the person has expertise in (as stated by a source).
	Themes  []string `json:"themes,omitempty" ent:"Theme.slug"`
	Note    string   `json:"note,omitempty" ent:"Expert.note"`
	Sources []string `json:"sources,omitempty" ent:"Document.key"`
}

// Theme is a development theme or concept. Slug is lower-case ASCII words joined by
// hyphens; Finnish letters are written without diacritics (ä→a, ö→o, å→a).
type Theme struct {
	Slug        string `json:"slug" jsonschema:"pattern=^[a-z0-9]+(-[a-z0-9]+)*$" ent:"Theme.slug"`
	Name        string `json:"name" ent:"Theme.name"`
	NameEn      string `json:"nameEn,omitempty" ent:"Theme.name_en"`
	Description string `json:"description,omitempty" ent:"Theme.description"`
	// Parent is the slug of the broader theme this one is part of.
	Parent string `json:"parent,omitempty" ent:"Theme.slug"`
	// Sources are keys of documents that discuss the theme; they become the theme's
	// documents.
	Sources []string `json:"sources,omitempty" ent:"Document.key"`
}

// Network is a network of municipalities, such as USO.
type Network struct {
	Name        string `json:"name" ent:"Network.name"`
	Description string `json:"description,omitempty" ent:"Network.description"`
	// Organizers are organisation names.
	Organizers []string `json:"organizers,omitempty" ent:"Organization.name"`
	Sources    []string `json:"sources,omitempty" ent:"Document.key"`
	Terms      []Term   `json:"terms,omitempty"`
}

// Term is one term (toimikausi) of a network.
type Term struct {
	Number    int `json:"number"`
	StartYear int `json:"startYear"`
	// EndYear is omitted when no source states it.
	EndYear int `json:"endYear,omitempty"`
	// MunicipalityCount is the number of participating municipalities a source states.
	MunicipalityCount int    `json:"municipalityCount,omitempty"`
	Description       string `json:"description,omitempty" ent:"NetworkTerm.description"`
	// Municipalities are three-digit codes of member municipalities, for a membership
	// no source of the bundle states; Memberships say which document states which.
	Municipalities []string `json:"municipalities,omitempty" ent:"Municipality.code"`
	// Memberships are what documents state of municipalities' part in the term: each
	// entry one document and one status, with the municipalities it names so.
	Memberships []Membership `json:"memberships,omitempty"`
	Themes      []string     `json:"themes,omitempty" ent:"Theme.slug"`
	Sources     []string     `json:"sources,omitempty" ent:"Document.key"`
}

// Membership is what one document states of some municipalities' part in a term. Each
// municipality becomes one of the term's municipalities, and one TermMembership records
// (term, municipality, document) with the status; a status the bundle gives differently
// is updated.
type Membership struct {
	// Status is MEMBER (the document names it a member or participant), REGISTERED (it
	// says the municipality had registered) or PILOT (it names a pilot municipality).
	Status string `json:"status" jsonschema:"enum=MEMBER,enum=REGISTERED,enum=PILOT" ent:"-"`
	// Source is the key of the document that states it.
	Source string `json:"source" jsonschema:"pattern=^[a-z0-9]+(-[a-z0-9]+)*$" ent:"Document.key"`
	// Municipalities are three-digit municipality codes.
	Municipalities []string `json:"municipalities" ent:"Municipality.code"`
}

// Seminar is one event. Its natural key is (Title, Date).
type Seminar struct {
	Title string `json:"title" ent:"Seminar.title"`
	// Date is YYYY-MM-DD, YYYY-MM or YYYY: only as precise as the source says.
	Date  string `json:"date" jsonschema:"pattern=^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" ent:"-"`
	Venue string `json:"venue,omitempty" ent:"Seminar.venue"`
	// Network and Term name the network term the seminar belongs to.
	Network string `json:"network,omitempty" ent:"Network.name"`
	Term    int    `json:"term,omitempty"`
	// MunicipalityCount is the number of participating municipalities the source states.
	MunicipalityCount int `json:"municipalityCount,omitempty"`
	// AttendeeCount is the number of attendees the source states; AttendeeCountApproximate
	// is true when the source gives it as an approximation ("nearly one hundred").
	AttendeeCount            int  `json:"attendeeCount,omitempty"`
	AttendeeCountApproximate bool `json:"attendeeCountApproximate,omitempty"`
	// RemoteParticipation is true when the source says people took part remotely,
	// false when it says nobody did, and omitted when it says nothing.
	RemoteParticipation *bool  `json:"remoteParticipation,omitempty"`
	Summary             string `json:"summary,omitempty" ent:"Seminar.summary"`
	// Organizers are organisation names.
	Organizers []string `json:"organizers,omitempty" ent:"Organization.name"`
	Themes     []string `json:"themes,omitempty" ent:"Theme.slug"`
	// Municipalities are three-digit codes of municipalities the source names in
	// connection with the event.
	Municipalities []string  `json:"municipalities,omitempty" ent:"Municipality.code"`
	Sources        []string  `json:"sources,omitempty" ent:"Document.key"`
	Sessions       []Session `json:"sessions,omitempty"`
	// Outcomes are statements of the seminar not tied to one session.
	Outcomes []Outcome `json:"outcomes,omitempty"`
}

// Session is one agenda item of a seminar. Its natural key is (seminar, Position).
type Session struct {
	Position int `json:"position"`
	// Kind is OPENING, PRESENTATION, KEYNOTE, PANEL, WORKSHOP, REVIEW or CLOSING.
	Kind    string `json:"kind" jsonschema:"enum=OPENING,enum=PRESENTATION,enum=KEYNOTE,enum=PANEL,enum=WORKSHOP,enum=REVIEW,enum=CLOSING" ent:"-"`
	Title   string `json:"title" ent:"Session.title"`
	Summary string `json:"summary,omitempty" ent:"Session.summary"`
	// Questions are the questions a workshop or panel worked on, as the source states them.
	Questions []string `json:"questions,omitempty" ent:"Session.questions"`
	// Speakers and Moderators are expert names.
	Speakers   []string `json:"speakers,omitempty" ent:"Expert.name"`
	Moderators []string `json:"moderators,omitempty" ent:"Expert.name"`
	// Roles override, for some of the speakers and moderators, the title and organisation
	// their appearance in this session records (see Role).
	Roles    []Role    `json:"roles,omitempty"`
	Themes   []string  `json:"themes,omitempty" ent:"Theme.slug"`
	Sources  []string  `json:"sources,omitempty" ent:"Document.key"`
	Outcomes []Outcome `json:"outcomes,omitempty"`
}

// Role is what the source gives one person at one appearance: as a speaker or moderator
// of a session, or as an author of a document. An appearance records, by default, the
// title, English title and organisation of the bundle's entry for the person (see
// Expert); a Role replaces all three for the appearances of Expert in the session or
// document it belongs to. A field left empty means the source gives none for that
// appearance.
type Role struct {
	// Expert is the name of one of the session's speakers or moderators, or of one of the
	// document's authors.
	Expert string `json:"expert" ent:"Expert.name"`
	// Title is the person's title in Finnish as the source gives it at that appearance.
	Title   string `json:"title,omitempty" ent:"Appearance.title"`
	TitleEn string `json:"titleEn,omitempty" ent:"Appearance.title_en"`
	// Organization is the name of the organisation the source gives for the person there.
	Organization string `json:"organization,omitempty" ent:"Organization.name"`
}

// Outcome is a statement, finding or result. Its natural key is (seminar, Text).
type Outcome struct {
	// Kind is INSIGHT, ONGOING_DEVELOPMENT, SUPPORT_NEED, NETWORK_ROLE or RECOMMENDATION.
	Kind string `json:"kind" jsonschema:"enum=INSIGHT,enum=ONGOING_DEVELOPMENT,enum=SUPPORT_NEED,enum=NETWORK_ROLE,enum=RECOMMENDATION" ent:"-"`
	// Text is an English summary.
	Text string `json:"text" ent:"Outcome.text"`
	// Quote is the original (Finnish) wording, when the source has one.
	Quote string `json:"quote,omitempty" ent:"Outcome.quote"`
	// Experts are the names of the people the statement is attributed to.
	Experts        []string `json:"experts,omitempty" ent:"Expert.name"`
	Themes         []string `json:"themes,omitempty" ent:"Theme.slug"`
	Municipalities []string `json:"municipalities,omitempty" ent:"Municipality.code"`
	// Sources are document keys; every outcome cites at least one.
	Sources []string `json:"sources" ent:"Document.key"`
}
