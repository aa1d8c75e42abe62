// Package schema holds the hand-written ent schemas of Teemaverkko's domain model.
// Every entity implements the GraphQL Node interface through a prefixed-ULID id (see
// ent/schema/pulid); every list edge is a Relay connection with where filters and ordering.
package schema

import (
	"fmt"
	"regexp"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

var (
	regionCode       = regexp.MustCompile(`^[0-9]{2}$`)
	municipalityCode = regexp.MustCompile(`^[0-9]{3}$`)
	slugFormat       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	languageCode     = regexp.MustCompile(`^[a-z]{2}$`)
)

// slugRule says what slugFormat accepts, in an error message.
const slugRule = `lower-case letters a-z and digits, in words joined by single hyphens (no spaces, capitals or "ä"), such as "tulevaisuuden-kunta"`

// matches is a validator that refuses a value re does not match, saying what it must be
// (ent's own Match says only that the value does not match).
func matches(re *regexp.Regexp, rule string) func(string) error {
	return func(s string) error {
		if !re.MatchString(s) {
			return fmt.Errorf("must be %s", rule)
		}
		return nil
	}
}

// nodeAnnotations are the entgql annotations every entity with a top-level connection shares.
func nodeAnnotations(queryField, description string) []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(queryField).Description(description),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// connection is a many-valued edge exposed as a Relay connection.
func connection(name string, t any, comment string) ent.Edge {
	return edge.To(name, t).Comment(comment).Annotations(entgql.RelayConnection())
}

// backConnection is the inverse of a many-valued edge, exposed as a Relay connection.
func backConnection(name string, t any, ref, comment string) ent.Edge {
	return edge.From(name, t).Ref(ref).Comment(comment).Annotations(entgql.RelayConnection())
}

// sources is the edge from a fact to the documents it is taken from.
func sources() ent.Edge {
	return connection("sources", Document.Type, "The documents this is taken from.")
}

// dateField is a calendar date (no time of day), stored as a SQL date.
func dateField(name, comment string, optional bool) ent.Field {
	f := field.Time(name).
		SchemaType(map[string]string{dialect.Postgres: "date", dialect.SQLite: "date"}).
		Annotations(entgql.Type("Date"), entgql.OrderField(strings.ToUpper(name))).
		Comment(comment)
	if optional {
		f = f.Optional().Nillable()
	}
	return f
}

// derived marks a field that the knowledge base computes from other fields: readable,
// filterable and orderable, but not in the API's create and update inputs.
func derived(f ent.Field) ent.Field {
	d := f.Descriptor()
	d.Annotations = append(d.Annotations, entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput))
	return f
}

// precisionField says how precisely the date field next to it is known.
func precisionField(name, comment string, optional bool) ent.Field {
	f := field.Enum(name).
		GoType(calendar.Precision("")).
		Annotations(entgql.Type("DatePrecision")).
		Comment(comment)
	if optional {
		return f.Optional().Nillable()
	}
	return f.Default(string(calendar.Day))
}

// idField is a foreign-key field holding a prefixed ULID.
func idField(name, comment string, optional bool) ent.Field {
	f := limit(field.String(name), MaxIDLength).GoType(pulid.ID("")).Comment(comment)
	if optional {
		f = f.Optional().Nillable()
	}
	return f
}

// yearField is a calendar year within the range the knowledge base covers.
func yearField(name, comment string, optional bool) ent.Field {
	f := field.Int(name).Range(1900, 2200).Comment(comment).
		Annotations(entgql.OrderField(strings.ToUpper(name)))
	if optional {
		f = f.Optional().Nillable()
	}
	return f
}
